// Reductions (sum, mean, max, min) and softmax / log_softmax along an axis, with backward.
#include <cmath>
#include <memory>

#include "ops/op_util.h"

namespace pg {
using detail::dense;
using detail::keep_shape;
using detail::split_at;
namespace k = kernels::simd;

static Shape reduced_shape(const Shape& s, int axis, bool keepdims) {
  if (keepdims) return keep_shape(s, axis);
  Shape r;
  for (int i = 0; i < int(s.size()); ++i)
    if (i != axis) r.push_back(s[size_t(i)]);
  return r;
}

// Sum of x ([outer, n, inner] around axis) into out ([outer, inner]). Rows of up to kShortRow
// floats are summed by one sum_rows call (a call per row would cost more than the row: a bias
// gradient over NHWC is thousands of rows of a few channels); longer rows by one accumulate each,
// which reads x once in order. Both add each column in row order from 0: the same bits.
constexpr int64_t kShortRow = 64;
static void sum_axis(const float* x, float* out, const detail::AxisSplit& s) {
  for (int64_t o = 0; o < s.outer; ++o) {
    const float* xo = x + o * s.n * s.inner;
    if (s.inner == 1) {
      out[o] = s.n ? k::sum(xo, size_t(s.n)) : 0.f;
    } else if (s.inner <= kShortRow) {
      k::sum_rows(xo, size_t(s.n), size_t(s.inner), out + o * s.inner);
    } else {
      float* oo = out + o * s.inner;
      std::fill_n(oo, s.inner, 0.f);
      for (int64_t i = 0; i < s.n; ++i) k::accumulate(xo + i * s.inner, oo, size_t(s.inner));
    }
  }
}

Tensor sum(const Tensor& x, std::optional<int> axis, bool keepdims) {
  if (!axis) {
    Tensor flat = reshape(x, {x.numel()});
    Tensor r = sum(flat, 0, false);
    return keepdims ? reshape(r, Shape(size_t(x.ndim()), 1)) : r;
  }
  const int ax = normalize_axis("sum", *axis, x.ndim());
  Tensor xc = dense(x);
  Tensor out = Tensor::empty(reduced_shape(x.shape(), ax, keepdims));
  sum_axis(xc.data(), out.data(), split_at(x.shape(), ax));
  return record(out, "sum", {x}, [ax](std::vector<Tensor>& in, const Tensor& g) {
    accumulate_grad(in[0], broadcast_to(reshape(g, keep_shape(in[0].shape(), ax)), in[0].shape()));
  });
}

Tensor mean(const Tensor& x, std::optional<int> axis, bool keepdims) {
  const int64_t n = axis ? x.dim(normalize_axis("mean", *axis, x.ndim())) : x.numel();
  if (n == 0)
    fail("mean: cannot average zero elements (tensor of shape ", shape_str(x.shape()), ")");
  return mul(sum(x, axis, keepdims), 1.f / float(n));
}

// max and min along an axis: the value and, for backward, the first index holding it (or the
// first NaN), as PyTorch. Starts from the first element of each line.
static Tensor extremum(const char* op, bool is_min, const Tensor& x, std::optional<int> axis,
                       bool keepdims) {
  if (!axis) {
    if (x.numel() == 0) fail(op, ": tensor of shape ", shape_str(x.shape()), " is empty");
    Tensor r = extremum(op, is_min, reshape(x, {x.numel()}), 0, false);
    return keepdims ? reshape(r, Shape(size_t(x.ndim()), 1)) : r;
  }
  const int ax = normalize_axis(op, *axis, x.ndim());
  const auto s = split_at(x.shape(), ax);
  if (s.n == 0)
    fail(op, ": axis ", *axis, " of shape ", shape_str(x.shape()), " is empty");
  Tensor xc = dense(x);
  Tensor out = Tensor::empty(reduced_shape(x.shape(), ax, keepdims));
  auto arg = std::make_shared<std::vector<int64_t>>(size_t(s.outer * s.inner));
  const float* px = xc.data();
  float* po = out.data();
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t j = 0; j < s.inner; ++j) {
      const float* base = px + o * s.n * s.inner + j;
      int64_t best = 0;
      float m = base[0];
      if (s.inner == 1 && !is_min) {
        m = k::max(base, size_t(s.n));
        while (!(base[best] == m || (m != m && base[best] != base[best]))) ++best;
      } else {
        for (int64_t i = 1; i < s.n && m == m; ++i) {
          const float v = base[i * s.inner];
          if ((is_min ? v < m : v > m) || v != v) { m = v; best = i; }
        }
      }
      po[o * s.inner + j] = m;
      (*arg)[size_t(o * s.inner + j)] = best;
    }
  return record(out, op, {x}, [arg, s](std::vector<Tensor>& in, const Tensor& g) {
    Tensor gc = dense(g);
    Tensor dx = Tensor::zeros(in[0].shape());
    for (int64_t o = 0; o < s.outer; ++o)
      for (int64_t j = 0; j < s.inner; ++j) {
        const int64_t r = o * s.inner + j;
        dx.data()[(o * s.n + (*arg)[size_t(r)]) * s.inner + j] = gc.data()[r];
      }
    accumulate_grad(in[0], std::move(dx));
  });
}

Tensor max(const Tensor& x, std::optional<int> axis, bool keepdims) {
  return extremum("max", false, x, axis, keepdims);
}

Tensor min(const Tensor& x, std::optional<int> axis, bool keepdims) {
  return extremum("min", true, x, axis, keepdims);
}

// Applies a row kernel to every line along `axis` (gathering strided lines into a buffer).
template <class RowFn>
static void along_axis(const Tensor& xc, Tensor& out, int ax, RowFn row) {
  const auto s = split_at(xc.shape(), ax);
  const float* px = xc.data();
  float* po = out.data();
  if (s.inner == 1) {
    for (int64_t o = 0; o < s.outer; ++o) row(px + o * s.n, po + o * s.n, size_t(s.n));
    return;
  }
  std::vector<float> in(size_t(s.n)), res(size_t(s.n));
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t j = 0; j < s.inner; ++j) {
      const int64_t base = o * s.n * s.inner + j;
      for (int64_t i = 0; i < s.n; ++i) in[size_t(i)] = px[base + i * s.inner];
      row(in.data(), res.data(), size_t(s.n));
      for (int64_t i = 0; i < s.n; ++i) po[base + i * s.inner] = res[size_t(i)];
    }
}

Tensor softmax(const Tensor& x, int axis) {
  const int ax = normalize_axis("softmax", axis, x.ndim());
  if (x.dim(ax) == 0) fail("softmax: axis ", axis, " of shape ", shape_str(x.shape()), " is empty");
  Tensor xc = dense(x);
  Tensor y = Tensor::empty(x.shape());
  const auto s = split_at(xc.shape(), ax);
  if (s.inner == 1)  // contiguous rows: one pipelined kernel call for all of them
    k::softmax_rows(xc.data(), y.data(), size_t(s.outer), size_t(s.n));
  else
    along_axis(xc, y, ax, [](const float* a, float* b, size_t n) { k::softmax(a, b, n); });
  return record(y, "softmax", {x}, [ax, yd = y.detach()](std::vector<Tensor>& in, const Tensor& g) {
    // dx = y * (g - sum(g * y, axis))
    accumulate_grad(in[0], mul(yd, sub(g, sum(mul(g, yd), ax, true))));
  });
}

Tensor log_softmax(const Tensor& x, int axis) {
  const int ax = normalize_axis("log_softmax", axis, x.ndim());
  if (x.dim(ax) == 0)
    fail("log_softmax: axis ", axis, " of shape ", shape_str(x.shape()), " is empty");
  Tensor xc = dense(x);
  Tensor y = Tensor::empty(x.shape());
  along_axis(xc, y, ax, [](const float* a, float* b, size_t n) { k::log_softmax(a, b, n); });
  return record(y, "log_softmax", {x},
                [ax, yd = y.detach()](std::vector<Tensor>& in, const Tensor& g) {
                  // dx = g - softmax(x) * sum(g, axis), softmax(x) = exp(y)
                  accumulate_grad(in[0], sub(g, mul(exp(yd), sum(g, ax, true))));
                });
}

}  // namespace pg
