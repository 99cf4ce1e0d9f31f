// Embind bindings of the GAN's data side (playgrad/nn/gan.h): seeded targets and mode coverage.
// wasm/api/gan.mjs builds pg.gan on top. Every binding runs inside guard(), so a pg::Error reaches
// JavaScript as an Error naming the op.
#include "bind_util.h"
#include "playgrad/nn/gan.h"

using emscripten::val;
using pgbind::guard;

namespace {

val js_gan_target(val opts, val points) {
  return guard([&] {
    const char* op = "ganTarget";
    const pgbind::Options o(op, opts);
    pg::nn::GanTargetOptions t;
    t.kind = o.string("kind", t.kind);
    t.n = o.integer("n", t.n);
    const int64_t seed = o.integer("seed", 1);
    if (seed < 0) pg::fail(op, ": seed must be >= 0, got ", seed);
    t.seed = uint64_t(seed);
    t.modes = o.integer("modes", t.modes);
    t.radius = o.number("radius", t.radius);
    t.spread = o.number("spread", t.spread);
    t.centre = o.number("centre", t.centre);
    t.points = pgbind::to_floats(op, "points", points);
    const auto r = pg::nn::gan_target(t);
    val out = val::object();
    out.set("dim", double(r.dim));
    out.set("samples", pgbind::float_array(r.samples));
    out.set("centres", pgbind::float_array(r.centres));
    return out;
  });
}

val js_mode_coverage(val samples, val centres, double dim, double radius, double min_share) {
  return guard([&] {
    const char* op = "modeCoverage";
    const auto c = pg::nn::mode_coverage(pgbind::to_floats(op, "samples", samples), pgbind::to_floats(op, "modes", centres),
                                         pgbind::to_int(op, "dim", dim), radius, min_share);
    val out = val::object();
    out.set("counts", pgbind::number_list(c.counts));
    out.set("covered", double(c.covered));
    out.set("within", double(c.within));
    return out;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_gan) {
  using emscripten::function;
  function("_ganTarget", &js_gan_target);
  function("_modeCoverage", &js_mode_coverage);
}
