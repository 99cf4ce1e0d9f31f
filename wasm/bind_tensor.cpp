// Embind bindings of the tensor area: tensors and their creation (playgrad/tensor.h), the op list
// (playgrad/ops/ops.h), autograd controls (grad mode, anomaly mode: playgrad/autograd/anomaly.h),
// memory accounting and the version. Raw functions under underscore names; the JavaScript side of
// this area is wasm/playgrad.mjs itself (the Tensor class and pg.add, pg.matmul, ...), the only
// importer of the generated glue, onto which the other areas' modules install.
//
// Every binding runs inside guard() (bind_util.h): a C++ exception is caught, its message reported
// (pg_report_error below) and thrown as a JavaScript Error by _call() in wasm/playgrad.mjs once the
// call has returned (Emscripten 3.1.6 would otherwise hand JavaScript a bare pointer).
// Numbers arriving from JavaScript (shapes, axes, seeds) are doubles and are validated here.
#include <emscripten/bind.h>
#include <emscripten/em_js.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "playgrad/autograd/anomaly.h"
#include "playgrad/memory.h"
#include "playgrad/ops/ops.h"
#include "playgrad/parallel.h"
#include "playgrad/tensor.h"
#include "playgrad/version.h"
#include "bind_util.h"

// guard()'s failure report (bind_util.h). The first message of a call wins: _call() clears it.
EM_JS(void, pg_report_error, (const char* message), {
  if (Module.pgError === undefined) Module.pgError = UTF8ToString(message);
});

using emscripten::val;
using pg::Shape;
using pg::Tensor;

namespace {

using pgbind::guard;
using pgbind::to_int;
using pgbind::to_seed;
using pgbind::to_shape;

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

// ---- creation ---------------------------------------------------------------------------------

Tensor js_tensor(const val& data, const val& shape, bool requires_grad) {
  return guard([&] {
    const Shape s = to_shape("tensor", shape);
    const auto v = emscripten::convertJSArrayToNumberVector<float>(data);
    return Tensor::from_vector(v, s, requires_grad);
  });
}
Tensor js_zeros(const val& shape) { return guard([&] { return Tensor::zeros(to_shape("zeros", shape)); }); }
Tensor js_ones(const val& shape) { return guard([&] { return Tensor::ones(to_shape("ones", shape)); }); }
Tensor js_full(const val& shape, float v) {
  return guard([&] { return Tensor::full(to_shape("full", shape), v); });
}
Tensor js_arange(double a, double b, double s) { return guard([&] { return Tensor::arange(a, b, s); }); }
Tensor js_rand(const val& shape, double seed, float lo, float hi) {
  return guard([&] { return Tensor::rand(to_shape("rand", shape), to_seed("rand", seed), lo, hi); });
}
Tensor js_randn(const val& shape, double seed, float mean, float std) {
  return guard(
      [&] { return Tensor::randn(to_shape("randn", shape), to_seed("randn", seed), mean, std); });
}

// ---- tensor methods -----------------------------------------------------------------------------

val js_shape(const Tensor& t) { return guard([&] { return shape_to_js(t.shape()); }); }
double js_numel(const Tensor& t) { return guard([&] { return double(t.numel()); }); }
val js_to_array(const Tensor& t) {
  return guard([&] {
    const Tensor c = t.contiguous();
    const size_t n = size_t(c.numel());
    val out = val::global("Float32Array").new_(n);
    if (n) out.call<void>("set", val(emscripten::typed_memory_view(n, c.data())));
    return out;
  });
}
float js_item(const Tensor& t) { return guard([&] { return t.item(); }); }
bool js_requires_grad(const Tensor& t) { return guard([&] { return t.requires_grad(); }); }
void js_set_requires_grad(Tensor& t, bool on) { guard([&] { t.set_requires_grad(on); }); }
bool js_has_grad(const Tensor& t) { return guard([&] { return t.grad().defined(); }); }
Tensor js_grad(const Tensor& t) {
  return guard([&] {
    Tensor g = t.grad();
    if (!g.defined()) pg::fail("grad: tensor has no gradient");
    return g;
  });
}
void js_zero_grad(Tensor& t) { guard([&] { t.zero_grad(); }); }
void js_backward(Tensor& t) { guard([&] { t.backward(); }); }
Tensor js_detach(const Tensor& t) { return guard([&] { return t.detach(); }); }
bool js_set_grad_enabled(bool on) { return pg::set_grad_enabled(on); }
// No argument (undefined): the current mode. true/false: sets it and returns the previous mode.
bool js_detect_anomaly(const val& on) {
  return guard([&] {
    if (on.isUndefined()) return pg::detect_anomaly();
    if (!on.isTrue() && !on.isFalse())
      pg::fail("detectAnomaly: on must be true or false (or omitted to read the mode), got ",
               on.typeOf().as<std::string>());
    return pg::set_detect_anomaly(on.isTrue());
  });
}

// ---- ops ----------------------------------------------------------------------------------------

#define PG_BIN(name, fn) \
  Tensor name(const Tensor& a, const Tensor& b) { return guard([&] { return pg::fn(a, b); }); }
PG_BIN(js_add, add)
PG_BIN(js_sub, sub)
PG_BIN(js_mul, mul)
PG_BIN(js_div, div)
PG_BIN(js_matmul, matmul)
#undef PG_BIN
#define PG_UN(name, fn) \
  Tensor name(const Tensor& x) { return guard([&] { return pg::fn(x); }); }
PG_UN(js_neg, neg)
PG_UN(js_exp, exp)
PG_UN(js_log, log)
PG_UN(js_sqrt, sqrt)
PG_UN(js_abs, abs)
PG_UN(js_sigmoid, sigmoid)
PG_UN(js_tanh, tanh)
PG_UN(js_relu, relu)
PG_UN(js_sin, sin)
PG_UN(js_cos, cos)
PG_UN(js_tan, tan)
#undef PG_UN

Tensor js_pow(const Tensor& x, float p) { return guard([&] { return pg::pow(x, p); }); }
Tensor js_leaky_relu(const Tensor& x, float a) { return guard([&] { return pg::leaky_relu(x, a); }); }
Tensor js_transpose(const Tensor& x, double a0, double a1) {
  return guard([&] {
    return pg::transpose(x, int(to_int("transpose", "axis", a0)), int(to_int("transpose", "axis", a1)));
  });
}
Tensor js_reshape(const Tensor& x, const val& s) {
  return guard([&] { return pg::reshape(x, to_shape("reshape", s)); });
}
Tensor js_sum(const Tensor& x, const val& axis, bool keep) {
  return guard([&] { return pg::sum(x, to_axis("sum", axis), keep); });
}
Tensor js_mean(const Tensor& x, const val& axis, bool keep) {
  return guard([&] { return pg::mean(x, to_axis("mean", axis), keep); });
}
Tensor js_max(const Tensor& x, const val& axis, bool keep) {
  return guard([&] { return pg::max(x, to_axis("max", axis), keep); });
}
Tensor js_min(const Tensor& x, const val& axis, bool keep) {
  return guard([&] { return pg::min(x, to_axis("min", axis), keep); });
}
Tensor js_softmax(const Tensor& x, const val& axis) {
  return guard([&] { return pg::softmax(x, to_axis("softmax", axis).value_or(-1)); });
}
Tensor js_log_softmax(const Tensor& x, const val& axis) {
  return guard([&] { return pg::log_softmax(x, to_axis("logSoftmax", axis).value_or(-1)); });
}

double js_heap_bytes() { return double(pg::heap_bytes_in_use()); }
double js_tensor_bytes() { return double(pg::tensor_bytes_in_use()); }
double js_memory_limit() { return double(pg::tensor_memory_limit()); }
void js_set_memory_limit(double b) {
  guard([&] { pg::set_tensor_memory_limit(to_int("setMemoryLimit", "bytes", b)); });
}
std::string js_version() { return PLAYGRAD_VERSION; }
int js_threads() { return pg::parallel::threads(); }
int js_max_threads() { return pg::parallel::max_threads(); }
void js_set_threads(double n) {
  guard([&] {
    const int64_t v = to_int("setThreads", "n", n);  // clamped high anyway: no int overflow
    pg::parallel::set_threads(int(std::max<int64_t>(std::min<int64_t>(v, 1 << 20), -(1 << 20))));
  });
}
void js_configure_threads(int pool_size, int default_threads) {
  guard([&] { pg::parallel::configure(pool_size, default_threads); });
}
bool js_simd() {
#ifdef __wasm_simd128__
  return true;
#else
  return false;
#endif
}

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_tensor) {
  using emscripten::function;
  emscripten::class_<Tensor>("Tensor");
  function("_version", &js_version);
  function("_simd", &js_simd);
  function("_heapBytes", &js_heap_bytes);
  function("_tensorBytes", &js_tensor_bytes);
  function("_memoryLimit", &js_memory_limit);
  function("_setMemoryLimit", &js_set_memory_limit);
  function("_threads", &js_threads);
  function("_maxThreads", &js_max_threads);
  function("_setThreads", &js_set_threads);
  function("_configureThreads", &js_configure_threads);
  function("_setGradEnabled", &js_set_grad_enabled);
  function("_detectAnomaly", &js_detect_anomaly);

  function("_tensor", &js_tensor);
  function("_zeros", &js_zeros);
  function("_ones", &js_ones);
  function("_full", &js_full);
  function("_arange", &js_arange);
  function("_rand", &js_rand);
  function("_randn", &js_randn);

  function("_shape", &js_shape);
  function("_numel", &js_numel);
  function("_toArray", &js_to_array);
  function("_item", &js_item);
  function("_requiresGrad", &js_requires_grad);
  function("_setRequiresGrad", &js_set_requires_grad);
  function("_hasGrad", &js_has_grad);
  function("_grad", &js_grad);
  function("_zeroGrad", &js_zero_grad);
  function("_backward", &js_backward);
  function("_detach", &js_detach);

  function("_add", &js_add);
  function("_sub", &js_sub);
  function("_mul", &js_mul);
  function("_div", &js_div);
  function("_matmul", &js_matmul);
  function("_neg", &js_neg);
  function("_exp", &js_exp);
  function("_log", &js_log);
  function("_sqrt", &js_sqrt);
  function("_abs", &js_abs);
  function("_sigmoid", &js_sigmoid);
  function("_tanh", &js_tanh);
  function("_relu", &js_relu);
  function("_sin", &js_sin);
  function("_cos", &js_cos);
  function("_tan", &js_tan);
  function("_pow", &js_pow);
  function("_leakyRelu", &js_leaky_relu);
  function("_transpose", &js_transpose);
  function("_reshape", &js_reshape);
  function("_sum", &js_sum);
  function("_mean", &js_mean);
  function("_max", &js_max);
  function("_min", &js_min);
  function("_softmax", &js_softmax);
  function("_logSoftmax", &js_log_softmax);
}
