// Embind bindings of the expression area (playgrad/expr/): the parser and evaluators of a
// user-typed f(x, y) (expr.h) and the path of an optimizer on it (optim_path.h). Raw functions
// under underscore names; wasm/api/expr.mjs builds pg.expr() and pg.optim.path on top. Every
// binding runs inside guard() so a pg::Error reaches JavaScript as an Error carrying its message.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <string>

#include "playgrad/expr/expr.h"
#include "playgrad/expr/optim_path.h"
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

// ---- optim::optimize_path (playgrad/expr/optim_path.h): the whole path in one call ------------------

val copy_out(const std::vector<float>& v) {
  return val(emscripten::typed_memory_view(v.size(), v.data())).call<val>("slice");
}

// {x, y, f: Float32Array, stop: string, stopStep: number}
val js_optim_path(const pg::expr::Expr& e, const val& kind, const val& options, const val& x0, const val& y0,
                  const val& steps, const val& limit) {
  return guard([&] {
    const char* op = "optim.path";
    const std::string k = pgbind::to_string(op, kind);
    const pg::json::Json o = pgbind::parse_options(op, options);
    const double n = pgbind::to_number(op, "steps", steps);
    const auto p = pg::optim::optimize_path(e, k, o, float(pgbind::to_number(op, "x0", x0)),
                                            float(pgbind::to_number(op, "y0", y0)),
                                            pgbind::to_int(op, "steps", n), float(pgbind::to_number(op, "limit", limit)));
    val out = val::object();
    out.set("x", copy_out(p.x));
    out.set("y", copy_out(p.y));
    out.set("f", copy_out(p.f));
    out.set("stop", val(p.stop));
    out.set("stopStep", val(double(p.stop_step)));
    return out;
  });
}

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
  function("_optimPath", &js_optim_path);
}
