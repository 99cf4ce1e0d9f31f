// Embind bindings of training a tiny YOLO detector (playgrad/vision/yolo_train.h): synthetic
// scenes, the raw-output activation and the four-term YOLO loss (a Tensor op with its backward).
// wasm/api/vision.mjs builds pg.vision.syntheticScenes, .yoloActivate and .yoloLoss on top.
// Options are one JSON text read with pgbind::Options; every binding runs inside guard().
#include "bind_util.h"
#include "playgrad/vision/yolo_train.h"

using emscripten::val;
using pg::Tensor;
using pgbind::guard;
namespace v = pg::vision;

namespace {

// {grid: [h, w], numClasses} and the anchors as a flat [w, h, ...] array
v::YoloGrid grid_of(const pgbind::Options& o, const val& anchors) {
  v::YoloGrid g;
  g.grid_h = o.integer_at("grid", 0);
  g.grid_w = o.integer_at("grid", 1);
  g.num_classes = o.integer("numClasses", 0);
  g.anchors = pgbind::to_doubles(o.op, "anchors", anchors);
  return g;
}

// {count, size, numClasses, maxObjects, seed}
val js_synthetic_scenes(const val& opts) {
  return guard([&] {
    const pgbind::Options o("syntheticScenes", opts);
    const int64_t seed = o.integer("seed", 0);
    if (seed < 0) pg::fail("syntheticScenes: seed must be >= 0, got ", seed);
    const auto s = v::synthetic_scenes(o.integer("count", 1), o.integer("size", 32), o.integer("numClasses", 3),
                                       o.integer("maxObjects", 3), uint64_t(seed));
    val out = val::object();
    out.set("images", pgbind::float_array(s.images));
    out.set("boxes", pgbind::float_array(s.boxes));
    out.set("classes", pgbind::number_list(s.classes));
    out.set("counts", pgbind::number_list(s.counts));
    return out;
  });
}

val js_yolo_activate(const val& anchors, const val& raw, const val& opts) {
  return guard([&] {
    const pgbind::Options o("yoloActivate", opts);
    return pgbind::float_array(v::yolo_activate(grid_of(o, anchors), pgbind::to_floats(o.op, "raw", raw)));
  });
}

// grid options and {lambdaCoord = 5, lambdaNoobj = 0.5}
Tensor js_yolo_loss(const Tensor& pred, const Tensor& target, const val& anchors, const val& opts) {
  return guard([&] {
    const pgbind::Options o("yoloLoss", opts);
    v::YoloLossOptions l;
    l.lambda_coord = o.number("lambdaCoord", 5.0);
    l.lambda_noobj = o.number("lambdaNoobj", 0.5);
    return v::yolo_loss(pred, target, grid_of(o, anchors), l);
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_yolo) {
  using emscripten::function;
  function("_syntheticScenes", &js_synthetic_scenes);
  function("_yoloActivate", &js_yolo_activate);
  function("_yoloLoss", &js_yolo_loss);
}
