// Embind binding for pg::optim::trajectory (playgrad/trajectory.h); wasm/api/trajectory.mjs
// builds pg.optim.trajectory() on top. Runs inside guard() like every binding.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include "bind_util.h"
#include "playgrad/trajectory.h"

using emscripten::val;

namespace {

// The path as a Float32Array copied out of the wasm heap: [x, y, f] per point.
val js_optim_trajectory(const pg::expr::Expr& f, const val& kind, const val& options, double x0,
                        double y0, double steps) {
  return pgbind::guard([&] {
    const std::string k = pgbind::to_string("trajectory", kind);
    const std::string o = pgbind::to_string("trajectory", options);
    const int64_t n = pgbind::to_int("trajectory", "steps", steps);
    pg::optim::Json opts;
    try {
      opts = pg::optim::Json::parse(o);
    } catch (const pg::optim::Json::exception&) {
      pg::fail("trajectory: options must be an object");
    }
    if (!opts.is_object()) pg::fail("trajectory: options must be an object");
    const std::vector<float> p = pg::optim::trajectory(f, k, opts, float(x0), float(y0), n);
    val view = val(emscripten::typed_memory_view(p.size(), p.data()));
    return val::global("Float32Array").new_(view);
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_trajectory) {
  emscripten::function("_optimTrajectory", &js_optim_trajectory);
}
