// Tensor storage, creation and views. The autograd graph (record, backward) is in
// core/src/autograd/graph.cpp.
#include "playgrad/tensor.h"

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <new>

#include "playgrad/kernels/kernels.h"
#include "playgrad/memory.h"
#include "playgrad/ops/ops.h"
#include "playgrad/random.h"

namespace pg {

// ---- memory -----------------------------------------------------------------------------------

namespace {
int64_t g_bytes_in_use = 0;
int64_t g_limit = int64_t(256) << 20;
constexpr std::align_val_t kAlign{64};
}  // namespace

int64_t tensor_bytes_in_use() { return g_bytes_in_use; }
int64_t tensor_memory_limit() { return g_limit; }
void set_tensor_memory_limit(int64_t bytes) {
  if (bytes <= 0) fail("set_tensor_memory_limit: limit must be positive, got ", bytes);
  g_limit = bytes;
}
int64_t heap_bytes_in_use() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  return static_cast<int64_t>(mallinfo2().uordblks);
#else
  return static_cast<int64_t>(mallinfo().uordblks);
#endif
}

Storage::Storage(int64_t n) : size(n) {
  if (n < 0) fail("alloc: negative element count ", n);
  const int64_t bytes = n * int64_t(sizeof(float));
  if (n > (std::numeric_limits<int64_t>::max() / 8) || g_bytes_in_use + bytes > g_limit)
    fail("alloc: a tensor of ", n, " elements (", bytes, " bytes) would exceed the memory limit of ",
         g_limit, " bytes (", g_bytes_in_use, " in use)");
  // Always at least one element, so data is never null.
  data = static_cast<float*>(::operator new(std::max<int64_t>(bytes, 4), kAlign, std::nothrow));
  if (!data) fail("alloc: out of memory for ", n, " elements");
  g_bytes_in_use += bytes;
}
Storage::~Storage() {
  ::operator delete(data, kAlign);
  g_bytes_in_use -= size * int64_t(sizeof(float));
}

// ---- shapes -----------------------------------------------------------------------------------

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

std::string num_str(double v, int precision) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", precision, v);
  return buf;
}

Shape contiguous_strides(const Shape& shape) {
  Shape st(shape.size());
  int64_t acc = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    st[i] = acc;
    acc *= std::max<int64_t>(shape[i], 1);
  }
  return st;
}

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

void check_shape(const char* op, const Shape& shape) {
  if (shape.size() > 8) fail(op, ": shape ", shape_str(shape), " has more than 8 dimensions");
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) fail(op, ": shape ", shape_str(shape), " has a negative dimension");
    if (d > 0 && n > (int64_t(1) << 40) / d)
      fail(op, ": shape ", shape_str(shape), " has too many elements");
    n *= d;
  }
}

// ---- creation ---------------------------------------------------------------------------------

static std::shared_ptr<TensorImpl> make_impl(const Shape& shape) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(shape_numel(shape));
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  return impl;
}

Tensor Tensor::empty(const Shape& shape) {
  check_shape("empty", shape);
  return Tensor(make_impl(shape));
}

Tensor Tensor::from_data(const float* data, int64_t n, const Shape& shape, bool requires_grad) {
  check_shape("tensor", shape);
  if (n != shape_numel(shape))
    fail("tensor: ", n, " values do not fill shape ", shape_str(shape), " (", shape_numel(shape),
         " elements)");
  Tensor t(make_impl(shape));
  if (n) std::memcpy(t.data(), data, size_t(n) * sizeof(float));
  t.impl_->requires_grad = requires_grad;
  return t;
}

Tensor Tensor::from_vector(const std::vector<float>& data, const Shape& shape, bool requires_grad) {
  return from_data(data.data(), int64_t(data.size()), shape, requires_grad);
}

Tensor Tensor::scalar(float v) { return full({}, v); }
Tensor Tensor::zeros(const Shape& shape) { return full(shape, 0.f); }
Tensor Tensor::ones(const Shape& shape) { return full(shape, 1.f); }

Tensor Tensor::full(const Shape& shape, float value) {
  check_shape("full", shape);
  Tensor t(make_impl(shape));
  std::fill_n(t.data(), t.numel(), value);
  return t;
}

Tensor Tensor::arange(double start, double stop, double step) {
  if (!std::isfinite(start) || !std::isfinite(stop) || !std::isfinite(step))
    fail("arange: start, stop and step must be finite, got ", start, ", ", stop, ", ", step);
  if (step == 0) fail("arange: step must not be 0");
  const double count = std::ceil((stop - start) / step);
  const int64_t n = count > 0 ? int64_t(count) : 0;
  if (count > double(int64_t(1) << 40)) fail("arange: ", count, " elements is too many");
  Tensor t(make_impl({n}));
  for (int64_t i = 0; i < n; ++i) t.data()[i] = float(start + double(i) * step);
  return t;
}

Tensor Tensor::rand(const Shape& shape, uint64_t seed, float lo, float hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo <= hi))
    fail("rand: bounds [", lo, ", ", hi, ") must be finite with lo <= hi");
  check_shape("rand", shape);
  Tensor t(make_impl(shape));
  Rng rng(seed);
  for (int64_t i = 0; i < t.numel(); ++i) t.data()[i] = rng.uniform(lo, hi);
  return t;
}

Tensor Tensor::randn(const Shape& shape, uint64_t seed, float mean, float std) {
  if (!std::isfinite(mean) || !std::isfinite(std) || std < 0)
    fail("randn: mean must be finite and std finite and >= 0, got ", mean, ", ", std);
  check_shape("randn", shape);
  Tensor t(make_impl(shape));
  Rng rng(seed);
  for (int64_t i = 0; i < t.numel(); ++i) t.data()[i] = mean + std * rng.normal();
  return t;
}

// ---- accessors --------------------------------------------------------------------------------

void Tensor::check() const {
  if (!impl_) fail("tensor: use of an undefined (empty or disposed) tensor");
}
const Shape& Tensor::shape() const { check(); return impl_->shape; }
const Shape& Tensor::strides() const { check(); return impl_->strides; }
int64_t Tensor::numel() const { return shape_numel(shape()); }
int64_t Tensor::dim(int axis) const {
  return shape()[size_t(normalize_axis("dim", axis, ndim()))];
}
float* Tensor::data() const { check(); return impl_->storage->data + impl_->offset; }

bool Tensor::is_contiguous() const {
  check();
  const Shape& sh = impl_->shape;
  int64_t expected = 1;
  for (size_t i = sh.size(); i-- > 0;) {
    if (sh[i] != 1 && impl_->strides[i] != expected) return false;
    expected *= sh[i];
  }
  return true;
}

std::vector<float> Tensor::to_vector() const {
  Tensor c = contiguous();
  return std::vector<float>(c.data(), c.data() + c.numel());
}

float Tensor::item() const {
  if (numel() != 1)
    fail("item: tensor of shape ", shape_str(shape()), " has ", numel(), " elements, not 1");
  return data()[0];
}

bool Tensor::requires_grad() const { check(); return impl_->requires_grad; }
bool Tensor::is_leaf() const { check(); return !impl_->grad_fn && !impl_->released; }
Tensor& Tensor::set_requires_grad(bool on) {
  if (!is_leaf()) fail("requires_grad: only a leaf tensor (not the result of an op) can change it");
  impl_->requires_grad = on;
  return *this;
}
Tensor Tensor::grad() const { check(); return impl_->grad ? Tensor(impl_->grad) : Tensor(); }
void Tensor::zero_grad() { check(); impl_->grad.reset(); }

Tensor Tensor::detach() const {
  check();
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = impl_->storage;
  impl->offset = impl_->offset;
  impl->shape = impl_->shape;
  impl->strides = impl_->strides;
  return Tensor(impl);
}

// Strided gather into a contiguous buffer: out = x's elements in row-major order. A transposed matrix (shape [R, C], strides [1, R]: what
// transpose() of a contiguous [C, R] gives, as matmul's backward does every step) is a blocked
// transpose2d; anything else walks the last axis in a tight loop and carries the index into the
// outer axes once per row (the per-element carry was a tenth of an op-by-op MLP step).
static void copy_strided(const Tensor& x, float* out) {
  const Shape& sh = x.shape();
  const Shape& st = x.strides();
  const int nd = int(sh.size());
  const float* base = x.data();
  const int64_t n = shape_numel(sh);
  if (n == 0) return;
  if (nd == 2 && st[0] == 1 && st[1] == sh[0]) {
    kernels::transpose2d(base, out, size_t(sh[1]), size_t(sh[0]));
    return;
  }
  if (nd == 0) {
    out[0] = base[0];
    return;
  }
  const int64_t len = sh[size_t(nd - 1)], step = st[size_t(nd - 1)];
  std::vector<int64_t> idx(size_t(nd), 0);
  int64_t off = 0;
  for (int64_t i = 0; i < n; i += len) {
    for (int64_t j = 0; j < len; ++j) out[i + j] = base[off + j * step];
    for (int d = nd - 2; d >= 0; --d) {
      if (++idx[size_t(d)] < sh[size_t(d)]) { off += st[size_t(d)]; break; }
      off -= st[size_t(d)] * (sh[size_t(d)] - 1);
      idx[size_t(d)] = 0;
    }
  }
}

Tensor Tensor::clone() const {
  Tensor out = Tensor::empty(shape());
  copy_strided(*this, out.data());
  return record(out, "clone", {*this}, [](std::vector<Tensor>& in, const Tensor& g) {
    accumulate_grad(in[0], g);
  });
}

Tensor Tensor::contiguous() const {
  if (is_contiguous()) return *this;
  return clone();
}

}  // namespace pg
