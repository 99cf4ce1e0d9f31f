// Embind bindings for playgrad/nn/line_fit.h: gradient descent on a line under MSE (the whole
// path in one call) and the MSE's Hessian with its eigenvalues. wasm/api/optim_path.mjs builds
// pg.optim.linePath and pg.optim.lineStats on top. Runs inside guard() so a pg::Error reaches
// JavaScript as an Error carrying its message.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include "bind_util.h"
#include "playgrad/nn/line_fit.h"

using emscripten::val;
using pgbind::guard;

namespace {

val int_array(const std::vector<int32_t>& v) {
  val out = val::global("Int32Array").new_(v.size());
  if (!v.empty()) out.call<void>("set", val(emscripten::typed_memory_view(v.size(), v.data())));
  return out;
}

// x, y: arrays of numbers; o: {w0, b0, lr, batchSize, epochs, seed, limit} (every key present,
// the JS side fills the defaults).
val js_line_path(const val& x, const val& y, const val& o) {
  return guard([&] {
    const char* op = "linePath";
    pg::nn::LinePathOptions p;
    p.w0 = float(pgbind::to_number(op, "w0", o["w0"]));
    p.b0 = float(pgbind::to_number(op, "b0", o["b0"]));
    p.lr = pgbind::to_number(op, "lr", o["lr"]);
    p.batch_size = pgbind::to_int(op, "batchSize", pgbind::to_number(op, "batchSize", o["batchSize"]));
    p.epochs = pgbind::to_int(op, "epochs", pgbind::to_number(op, "epochs", o["epochs"]));
    p.seed = pgbind::to_seed(op, pgbind::to_number(op, "seed", o["seed"]));
    p.limit = float(pgbind::to_number(op, "limit", o["limit"]));
    const auto r = pg::nn::line_path(pgbind::to_floats(op, "x", x), pgbind::to_floats(op, "y", y), p);
    val out = val::object();
    out.set("n", val(double(r.n)));
    out.set("batchSize", val(double(r.batch_size)));
    out.set("stepsPerEpoch", val(double(r.steps_per_epoch)));
    out.set("w", pgbind::float_array(r.w));
    out.set("b", pgbind::float_array(r.b));
    out.set("loss", pgbind::float_array(r.loss));
    out.set("batchLoss", pgbind::float_array(r.batch_loss));
    out.set("gw", pgbind::float_array(r.gw));
    out.set("gb", pgbind::float_array(r.gb));
    out.set("order", int_array(r.order));
    out.set("stop", val(r.stop));
    out.set("stopStep", val(double(r.stop_step)));
    return out;
  });
}

val js_line_stats(const val& x, const val& y) {
  return guard([&] {
    const char* op = "lineStats";
    const auto s = pg::nn::line_stats(pgbind::to_floats(op, "x", x), pgbind::to_floats(op, "y", y));
    val out = val::object();
    out.set("n", val(double(s.n)));
    out.set("sx", val(s.sx));
    out.set("sxx", val(s.sxx));
    out.set("sy", val(s.sy));
    out.set("sxy", val(s.sxy));
    out.set("syy", val(s.syy));
    out.set("hessian", pgbind::number_list(std::vector<double>(s.h, s.h + 4)));
    out.set("eigMin", val(s.eig_min));
    out.set("eigMax", val(s.eig_max));
    out.set("lrMax", val(s.lr_max));
    out.set("unique", val(s.unique));
    out.set("wOpt", val(s.w_opt));
    out.set("bOpt", val(s.b_opt));
    out.set("lossOpt", val(s.loss_opt));
    return out;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_line_fit) {
  emscripten::function("_linePath", &js_line_path);
  emscripten::function("_lineStats", &js_line_stats);
}
