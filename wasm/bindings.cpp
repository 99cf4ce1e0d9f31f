// Embind bindings: raw functions under underscore names. wasm/playgrad.mjs is the only importer
// of the generated glue and builds the public API on top.
//
// Every binding runs inside guard(): a C++ exception is caught here and rethrown as a JavaScript
// Error carrying its message (Emscripten 3.1.6 would otherwise hand JavaScript a bare pointer).
// Numbers arriving from JavaScript (shapes, axes, seeds) are doubles and are validated here.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <optional>
#include <string>

#include "playgrad/memory.h"
#include "playgrad/ops.h"
#include "playgrad/tensor.h"
#include "playgrad/version.h"

using emscripten::val;
using pg::Shape;
using pg::Tensor;

namespace {

// The message of the last error; a static so nothing is left to free when the JS throw unwinds.
std::string g_error;

[[noreturn]] void throw_js() {
  val::global("Error").new_(val(g_error)).throw_();
  __builtin_unreachable();
}

template <class F>
auto guard(F&& f) -> decltype(f()) {
  bool failed = false;
  try {
    return f();
  } catch (const std::exception& e) {
    g_error = e.what();
    failed = true;
  } catch (...) {
    g_error = "playgrad: unknown C++ exception";
    failed = true;
  }
  if (failed) throw_js();
  __builtin_unreachable();
}

int64_t to_int(const char* op, const char* what, double v) {
  if (!std::isfinite(v) || v != std::floor(v) || std::fabs(v) > 9007199254740991.0)
    pg::fail(op, ": ", what, " must be an integer, got ", v);
  return int64_t(v);
}

Shape to_shape(const char* op, const val& arr) {
  if (!arr.isArray()) pg::fail(op, ": shape must be an array of integers");
  const auto v = emscripten::convertJSArrayToNumberVector<double>(arr);
  Shape s;
  for (double d : v) s.push_back(to_int(op, "every shape dimension", d));
  return s;
}

val shape_to_js(const Shape& s) {
  val arr = val::array();
  for (size_t i = 0; i < s.size(); ++i) arr.set(i, double(s[i]));
  return arr;
}

std::optional<int> to_axis(const char* op, const val& axis) {
  if (axis.isUndefined() || axis.isNull()) return std::nullopt;
  if (!axis.isNumber()) pg::fail(op, ": axis must be an integer");
  const int64_t a = to_int(op, "axis", axis.as<double>());
  if (a < -64 || a > 64) pg::fail(op, ": axis ", a, " is out of range");
  return int(a);
}

uint64_t to_seed(const char* op, double seed) {
  const int64_t s = to_int(op, "seed", seed);
  if (s < 0) pg::fail(op, ": seed must be >= 0, got ", s);
  return uint64_t(s);
}

// ---- creation ---------------------------------------------------------------------------------

Tensor tensor(const val& data, const val& shape, bool requires_grad) {
  return guard([&] {
    const Shape s = to_shape("tensor", shape);
    const auto v = emscripten::convertJSArrayToNumberVector<float>(data);
    return Tensor::from_vector(v, s, requires_grad);
  });
}
Tensor zeros(const val& shape) { return guard([&] { return Tensor::zeros(to_shape("zeros", shape)); }); }
Tensor ones(const val& shape) { return guard([&] { return Tensor::ones(to_shape("ones", shape)); }); }
Tensor full(const val& shape, float v) {
  return guard([&] { return Tensor::full(to_shape("full", shape), v); });
}
Tensor arange(double a, double b, double s) { return guard([&] { return Tensor::arange(a, b, s); }); }
Tensor rand(const val& shape, double seed, float lo, float hi) {
  return guard([&] { return Tensor::rand(to_shape("rand", shape), to_seed("rand", seed), lo, hi); });
}
Tensor randn(const val& shape, double seed, float mean, float std) {
  return guard(
      [&] { return Tensor::randn(to_shape("randn", shape), to_seed("randn", seed), mean, std); });
}

// ---- tensor methods -----------------------------------------------------------------------------

val shape(const Tensor& t) { return guard([&] { return shape_to_js(t.shape()); }); }
double numel(const Tensor& t) { return guard([&] { return double(t.numel()); }); }
val to_array(const Tensor& t) {
  return guard([&] {
    const Tensor c = t.contiguous();
    const size_t n = size_t(c.numel());
    val out = val::global("Float32Array").new_(n);
    if (n) out.call<void>("set", val(emscripten::typed_memory_view(n, c.data())));
    return out;
  });
}
float item(const Tensor& t) { return guard([&] { return t.item(); }); }
bool requires_grad(const Tensor& t) { return guard([&] { return t.requires_grad(); }); }
void set_requires_grad(Tensor& t, bool on) { guard([&] { t.set_requires_grad(on); }); }
bool has_grad(const Tensor& t) { return guard([&] { return t.grad().defined(); }); }
Tensor grad(const Tensor& t) {
  return guard([&] {
    Tensor g = t.grad();
    if (!g.defined()) pg::fail("grad: tensor has no gradient");
    return g;
  });
}
void zero_grad(Tensor& t) { guard([&] { t.zero_grad(); }); }
void backward(Tensor& t) { guard([&] { t.backward(); }); }
Tensor detach(const Tensor& t) { return guard([&] { return t.detach(); }); }
bool set_grad_enabled(bool on) { return pg::set_grad_enabled(on); }

// ---- ops ----------------------------------------------------------------------------------------

#define PG_BIN(name, fn) \
  Tensor name(const Tensor& a, const Tensor& b) { return guard([&] { return pg::fn(a, b); }); }
PG_BIN(add, add)
PG_BIN(sub, sub)
PG_BIN(mul, mul)
PG_BIN(div_, div)
PG_BIN(matmul, matmul)
#undef PG_BIN
#define PG_UN(name, fn) \
  Tensor name(const Tensor& x) { return guard([&] { return pg::fn(x); }); }
PG_UN(neg, neg)
PG_UN(exp_, exp)
PG_UN(log_, log)
PG_UN(sqrt_, sqrt)
PG_UN(abs_, abs)
PG_UN(sigmoid, sigmoid)
PG_UN(tanh_, tanh)
PG_UN(relu, relu)
#undef PG_UN

Tensor pow_(const Tensor& x, float p) { return guard([&] { return pg::pow(x, p); }); }
Tensor leaky_relu(const Tensor& x, float a) { return guard([&] { return pg::leaky_relu(x, a); }); }
Tensor transpose(const Tensor& x, double a0, double a1) {
  return guard([&] {
    return pg::transpose(x, int(to_int("transpose", "axis", a0)), int(to_int("transpose", "axis", a1)));
  });
}
Tensor reshape(const Tensor& x, const val& s) {
  return guard([&] { return pg::reshape(x, to_shape("reshape", s)); });
}
Tensor sum(const Tensor& x, const val& axis, bool keep) {
  return guard([&] { return pg::sum(x, to_axis("sum", axis), keep); });
}
Tensor mean(const Tensor& x, const val& axis, bool keep) {
  return guard([&] { return pg::mean(x, to_axis("mean", axis), keep); });
}
Tensor max_(const Tensor& x, const val& axis, bool keep) {
  return guard([&] { return pg::max(x, to_axis("max", axis), keep); });
}
Tensor softmax(const Tensor& x, const val& axis) {
  return guard([&] { return pg::softmax(x, to_axis("softmax", axis).value_or(-1)); });
}
Tensor log_softmax(const Tensor& x, const val& axis) {
  return guard([&] { return pg::log_softmax(x, to_axis("logSoftmax", axis).value_or(-1)); });
}

double heap_bytes() { return double(pg::heap_bytes_in_use()); }
double tensor_bytes() { return double(pg::tensor_bytes_in_use()); }
double memory_limit() { return double(pg::tensor_memory_limit()); }
void set_memory_limit(double b) {
  guard([&] { pg::set_tensor_memory_limit(to_int("setMemoryLimit", "bytes", b)); });
}
std::string version() { return PLAYGRAD_VERSION; }
bool simd() {
#ifdef __wasm_simd128__
  return true;
#else
  return false;
#endif
}

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_core) {
  using emscripten::function;
  emscripten::class_<Tensor>("Tensor");
  function("_version", &version);
  function("_simd", &simd);
  function("_heapBytes", &heap_bytes);
  function("_tensorBytes", &tensor_bytes);
  function("_memoryLimit", &memory_limit);
  function("_setMemoryLimit", &set_memory_limit);
  function("_setGradEnabled", &set_grad_enabled);

  function("_tensor", &tensor);
  function("_zeros", &zeros);
  function("_ones", &ones);
  function("_full", &full);
  function("_arange", &arange);
  function("_rand", &rand);
  function("_randn", &randn);

  function("_shape", &shape);
  function("_numel", &numel);
  function("_toArray", &to_array);
  function("_item", &item);
  function("_requiresGrad", &requires_grad);
  function("_setRequiresGrad", &set_requires_grad);
  function("_hasGrad", &has_grad);
  function("_grad", &grad);
  function("_zeroGrad", &zero_grad);
  function("_backward", &backward);
  function("_detach", &detach);

  function("_add", &add);
  function("_sub", &sub);
  function("_mul", &mul);
  function("_div", &div_);
  function("_matmul", &matmul);
  function("_neg", &neg);
  function("_exp", &exp_);
  function("_log", &log_);
  function("_sqrt", &sqrt_);
  function("_abs", &abs_);
  function("_sigmoid", &sigmoid);
  function("_tanh", &tanh_);
  function("_relu", &relu);
  function("_pow", &pow_);
  function("_leakyRelu", &leaky_relu);
  function("_transpose", &transpose);
  function("_reshape", &reshape);
  function("_sum", &sum);
  function("_mean", &mean);
  function("_max", &max_);
  function("_softmax", &softmax);
  function("_logSoftmax", &log_softmax);
}
