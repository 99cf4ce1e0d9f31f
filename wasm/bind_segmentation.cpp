// Embind bindings of segmentation's data and scores (playgrad/vision/segmentation.h): numbers in,
// tensors or plain objects out. wasm/api/segmentation.mjs builds pg.data.scenes and
// pg.metrics.segmentation on top. Every binding runs inside guard(), so a pg::Error reaches
// JavaScript as an Error naming the op.
#include "bind_util.h"
#include "playgrad/vision/segmentation.h"

using emscripten::val;
using pgbind::guard;

namespace {

val js_scenes(double count, double size, double classes, double seed, double noise) {
  return guard([&] {
    const char* op = "scenes";
    auto s = pg::vision::segmentation_scenes(pgbind::to_int(op, "count", count), pgbind::to_int(op, "size", size),
                                             pgbind::to_int(op, "classes", classes), pgbind::to_seed(op, seed), noise);
    return pgbind::tensors_to_js({s.images, s.masks});
  });
}

val js_segmentation_scores(const pg::Tensor& probs, val labels) {
  return guard([&] {
    const char* op = "segmentationScores";
    const auto r = pg::vision::segmentation_scores(probs, pgbind::to_floats(op, "labels", labels));
    val o = val::object();
    o.set("classes", double(r.classes));
    o.set("pixels", double(r.pixels));
    o.set("correct", double(r.correct));
    o.set("pixelAccuracy", r.pixel_accuracy);
    o.set("tp", pgbind::number_list(r.tp));
    o.set("fp", pgbind::number_list(r.fp));
    o.set("fn", pgbind::number_list(r.fn));
    o.set("truth", pgbind::number_list(r.truth));
    o.set("iou", pgbind::number_list(r.iou));
    o.set("dice", pgbind::number_list(r.dice));
    o.set("meanIou", r.mean_iou);
    o.set("meanDice", r.mean_dice);
    val pred = val::global("Int32Array").new_(r.predicted.size());
    if (!r.predicted.empty()) pred.call<void>("set", val(emscripten::typed_memory_view(r.predicted.size(), r.predicted.data())));
    o.set("predicted", pred);
    return o;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_segmentation) {
  using emscripten::function;
  function("_scenes", &js_scenes);
  function("_segmentationScores", &js_segmentation_scores);
}
