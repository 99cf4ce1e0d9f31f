// Embind binding of the two-weight elastic net (playgrad/nn/elastic_net.h), the regularization
// lesson's geometry: wasm/api/nn.mjs wraps it as pg.optim.elasticNet2d(x, y, options).
#include "bind_util.h"
#include "playgrad/nn/elastic_net.h"

using emscripten::val;
using pgbind::guard;

namespace {

// x: N·2 numbers (rows x_i1, x_i2), y: N numbers; options {l1, l2, w0: [a, b], steps, tol, lo, hi,
// grid, boundary} (defaults in elastic_net.h).
val js_elastic_net_2d(const val& x, const val& y, const val& opts) {
  return guard([&] {
    const pgbind::Options o("elasticNet2d", opts);
    pg::nn::ElasticNet2Options p;
    p.l1 = o.number("l1", 0);
    p.l2 = o.number("l2", 0);
    if (o.has("w0")) {
      p.w0[0] = o.number_at("w0", 0);
      p.w0[1] = o.number_at("w0", 1);
    }
    p.steps = o.integer("steps", p.steps);
    p.tol = o.number("tol", p.tol);
    p.lo = o.number("lo", p.lo);
    p.hi = o.number("hi", p.hi);
    p.grid = o.integer("grid", p.grid);
    p.boundary = o.integer("boundary", p.boundary);
    const auto r = pg::nn::elastic_net_2d(pgbind::to_floats(o.op, "x", x), pgbind::to_floats(o.op, "y", y), p);
    val out = val::object();
    out.set("n", val(double(r.n)));
    out.set("hessian", pgbind::number_list(std::vector<double>{r.h11, r.h12, r.h12, r.h22}));
    out.set("lambdaMax", val(r.lambda_max));
    out.set("step", val(r.step));
    out.set("unique", val(r.unique));
    out.set("ols", pgbind::number_list(std::vector<double>{r.ols[0], r.ols[1]}));
    out.set("olsMse", val(r.ols_mse));
    out.set("prox", pgbind::double_array(r.prox));
    out.set("opt", pgbind::number_list(std::vector<double>{r.opt[0], r.opt[1]}));
    out.set("mse", val(r.mse));
    out.set("penalty", val(r.penalty));
    out.set("total", val(r.total));
    out.set("iterations", val(double(r.iterations)));
    out.set("converged", val(r.converged));
    out.set("sub", pgbind::double_array(r.sub));
    out.set("subLast", pgbind::number_list(std::vector<double>{r.sub_last[0], r.sub_last[1]}));
    out.set("subTotal", val(r.sub_total));
    out.set("contour", pgbind::double_array(r.contour));
    out.set("region", pgbind::double_array(r.region));
    return out;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_regularization) {
  emscripten::function("_elasticNet2d", &js_elastic_net_2d);
}
