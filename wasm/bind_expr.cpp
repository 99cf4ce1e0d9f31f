// Embind bindings for the expression parser (playgrad/expr.h): raw functions under underscore
// names; wasm/api/expr.mjs builds pg.expr() on top. Like wasm/bindings.cpp, every binding runs
// inside guard() so a pg::Error reaches JavaScript as an Error carrying its message.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <string>

#include "playgrad/expr/expr.h"
#include "playgrad/ops/ops.h"
#include "bind_util.h"

using emscripten::val;
using pg::Tensor;
using pg::expr::Expr;

namespace {

using pgbind::guard;

// The source arrives as a JS value, not a std::string: Embind frees a std::string argument after
// the call returns, which a JS throw from guard() would skip (a leak per failed parse).
Expr js_expr_parse(const val& src) {
  return guard([&] {
    if (!src.isString()) pg::fail("expr: expected a string");
    return Expr::parse(src.as<std::string>());
  });
}
std::string js_expr_source(const Expr& e) { return e.source(); }
std::string js_expr_canonical(const Expr& e) { return guard([&] { return e.canonical(); }); }
bool js_expr_uses_x(const Expr& e) { return e.uses_x(); }
bool js_expr_uses_y(const Expr& e) { return e.uses_y(); }
Tensor js_expr_eval(const Expr& e, const Tensor& x, const Tensor& y) {
  return guard([&] { return e.eval(x, y); });
}
// [f, df/dx, df/dy] at one point.
val js_expr_value_grad(const Expr& e, double x, double y) {
  return guard([&] {
    if (!std::isfinite(x) || !std::isfinite(y)) pg::fail("expr: x and y must be finite numbers");
    const auto r = e.value_grad(float(x), float(y));
    val out = val::array();
    out.set(0, double(r.value));
    out.set(1, double(r.dx));
    out.set(2, double(r.dy));
    return out;
  });
}
#define PG_UN(name, fn) \
  Tensor name(const Tensor& x) { return guard([&] { return pg::fn(x); }); }
PG_UN(js_sin, sin)
PG_UN(js_cos, cos)
PG_UN(js_tan, tan)
#undef PG_UN

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_expr) {
  using emscripten::function;
  emscripten::class_<Expr>("Expr");
  function("_exprParse", &js_expr_parse);
  function("_exprSource", &js_expr_source);
  function("_exprCanonical", &js_expr_canonical);
  function("_exprUsesX", &js_expr_uses_x);
  function("_exprUsesY", &js_expr_uses_y);
  function("_exprEval", &js_expr_eval);
  function("_exprValueGrad", &js_expr_value_grad);
  function("_sin", &js_sin);
  function("_cos", &js_cos);
  function("_tan", &js_tan);
}
