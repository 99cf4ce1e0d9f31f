// Embind binding for optim::optimize_path (playgrad/optim_path.h): the whole path of an optimizer
// on an expression in one call (wasm/api/optim_path.mjs builds pg.optim.path on top). Runs inside
// guard() so a pg::Error reaches JavaScript as an Error carrying its message.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <nlohmann/json.hpp>

#include "bind_util.h"
#include "playgrad/expr/optim_path.h"

using emscripten::val;
using pgbind::guard;

namespace {

val copy_out(const std::vector<float>& v) {
  return val(emscripten::typed_memory_view(v.size(), v.data())).call<val>("slice");
}

// {x, y, f: Float32Array, stop: string, stopStep: number}
val js_optim_path(const pg::expr::Expr& e, const val& kind, const val& options, const val& x0, const val& y0,
                  const val& steps, const val& limit) {
  return guard([&] {
    const char* op = "optim.path";
    const std::string k = pgbind::to_string(op, kind);
    const std::string text = pgbind::to_string(op, options);
    pg::optim::Json o;
    try {
      o = pg::optim::Json::parse(text);
    } catch (const pg::optim::Json::exception& ex) {
      pg::fail(op, ": invalid options (", ex.what(), ")");
    }
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

EMSCRIPTEN_BINDINGS(playgrad_optim_path) {
  emscripten::function("_optimPath", &js_optim_path);
}
