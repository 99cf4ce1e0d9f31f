// Embind bindings of judging a similarity model (playgrad/nn/similarity.h): plain arrays in,
// plain objects out. wasm/api/similarity.mjs builds pg.similarity on top. Every binding runs
// inside guard(), so a pg::Error reaches JavaScript as an Error naming the op.
#include "bind_util.h"
#include "playgrad/nn/similarity.h"

using emscripten::val;
using pgbind::guard;

namespace {

val js_roc(val distance, val same) {
  return guard([&] {
    const char* op = "roc";
    const auto r = pg::nn::roc_curve(pgbind::to_floats(op, "distances", distance), pgbind::to_floats(op, "labels", same));
    val o = val::object();
    o.set("thresholds", pgbind::double_array(r.thresholds));
    o.set("fpr", pgbind::double_array(r.fpr));
    o.set("tpr", pgbind::double_array(r.tpr));
    o.set("auc", r.auc);
    o.set("positives", double(r.positives));
    o.set("negatives", double(r.negatives));
    return o;
  });
}

val js_threshold_counts(val distance, val same, double threshold) {
  return guard([&] {
    const char* op = "thresholdCounts";
    const auto c = pg::nn::threshold_counts(pgbind::to_floats(op, "distances", distance),
                                            pgbind::to_floats(op, "labels", same), threshold);
    val o = val::object();
    o.set("tp", double(c.tp));
    o.set("fp", double(c.fp));
    o.set("tn", double(c.tn));
    o.set("fn", double(c.fn));
    o.set("accuracy", c.accuracy);
    return o;
  });
}

val js_nearest(val points, double n, val queries, double q, double dim, double k) {
  return guard([&] {
    const char* op = "nearest";
    const auto nb = pg::nn::nearest_neighbours(pgbind::to_floats(op, "points", points), pgbind::to_int(op, "n", n),
                                               pgbind::to_floats(op, "queries", queries), pgbind::to_int(op, "q", q),
                                               pgbind::to_int(op, "dim", dim), pgbind::to_int(op, "k", k));
    val o = val::object();
    o.set("index", pgbind::number_list(nb.index));
    o.set("distance", pgbind::float_array(nb.distance));
    return o;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_similarity) {
  using emscripten::function;
  function("_roc", &js_roc);
  function("_thresholdCounts", &js_threshold_counts);
  function("_nearest", &js_nearest);
}
