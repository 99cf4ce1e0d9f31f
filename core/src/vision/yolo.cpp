// YOLO target encoding and the four decoding steps (vision.h): confidence threshold, argmax
// class and class score, score threshold, NMS.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "playgrad/error.h"
#include "playgrad/vision/vision.h"
#include "vision/yolo_check.h"

namespace pg::vision {

static void check_grid(const char* op, const YoloGrid& g) {
  check_yolo_grid(op, g);
  if (g.grid_h * g.grid_w * g.num_anchors() * g.depth() > (int64_t(1) << 28))
    fail(op, ": the target tensor would be too large");
}

YoloTarget yolo_encode(const YoloGrid& g, const std::vector<float>& boxes,
                       const std::vector<int64_t>& classes) {
  check_grid("yoloEncode", g);
  const int64_t n = check_boxes("yoloEncode", "boxes", boxes);
  if (int64_t(classes.size()) != n)
    fail("yoloEncode: ", n, " boxes but ", classes.size(), " classes (one per box)");
  for (int64_t i = 0; i < n; ++i) {
    if (classes[size_t(i)] < 0 || classes[size_t(i)] >= g.num_classes)
      fail("yoloEncode: class ", classes[size_t(i)], " of box ", i, " is outside [0, ",
           g.num_classes, ")");
    const float* b = &boxes[size_t(i * 4)];
    const float x1 = std::min(b[0], b[2]), x2 = std::max(b[0], b[2]);
    const float y1 = std::min(b[1], b[3]), y2 = std::max(b[1], b[3]);
    if (x1 < 0 || y1 < 0 || x2 > 1 || y2 > 1)
      fail("yoloEncode: box ", i, " [", b[0], ", ", b[1], ", ", b[2], ", ", b[3],
           "] is outside the image; coordinates must be normalised to [0, 1]");
    if (!(x2 > x1) || !(y2 > y1)) fail("yoloEncode: box ", i, " has zero width or height");
  }
  const int64_t A = g.num_anchors(), D = g.depth();
  YoloTarget t;
  t.target.assign(size_t(g.grid_h * g.grid_w * A * D), 0.f);
  for (int64_t i = 0; i < n; ++i) {
    const float* b = &boxes[size_t(i * 4)];
    const double x1 = std::min(b[0], b[2]), x2 = std::max(b[0], b[2]);
    const double y1 = std::min(b[1], b[3]), y2 = std::max(b[1], b[3]);
    const double cx = (x1 + x2) / 2, cy = (y1 + y2) / 2, w = x2 - x1, h = y2 - y1;
    // The cell holding the centre (a centre on the far edge goes to the last cell).
    const int64_t col = std::min<int64_t>(int64_t(std::floor(cx * double(g.grid_w))), g.grid_w - 1);
    const int64_t row = std::min<int64_t>(int64_t(std::floor(cy * double(g.grid_h))), g.grid_h - 1);
    int64_t best = 0;
    if (!g.anchors.empty()) {
      double bi = -1;
      for (int64_t a = 0; a < A; ++a) {
        const double v = wh_iou(w, h, g.anchors[size_t(2 * a)], g.anchors[size_t(2 * a + 1)]);
        if (v > bi) { bi = v; best = a; }
      }
    }
    float* y = &t.target[size_t(((row * g.grid_w + col) * A + best) * D)];
    if (y[0] != 0.f) {
      ++t.dropped;
      continue;
    }
    // [pc, bx, by, bh, bw, c1..cK]: bx, by relative to the cell; bh, bw in cell units.
    y[0] = 1.f;
    y[1] = float(cx * double(g.grid_w) - double(col));
    y[2] = float(cy * double(g.grid_h) - double(row));
    y[3] = float(h * double(g.grid_h));
    y[4] = float(w * double(g.grid_w));
    y[5 + classes[size_t(i)]] = 1.f;
  }
  return t;
}

Detections yolo_decode(const YoloGrid& g, const std::vector<float>& pred,
                       const YoloDecodeOptions& o) {
  check_grid("yoloDecode", g);
  const int64_t A = g.num_anchors(), D = g.depth();
  const int64_t cells = g.grid_h * g.grid_w * A;
  if (int64_t(pred.size()) != cells * D)
    fail("yoloDecode: prediction has ", pred.size(), " numbers, expected ", g.grid_h, " x ",
         g.grid_w, " x ", A, " x ", D, " = ", cells * D, " ([gridH, gridW, anchors, 5 + classes])");
  for (size_t i = 0; i < pred.size(); ++i)
    if (std::isnan(pred[i])) fail("yoloDecode: prediction element ", i, " is NaN");
  if (std::isnan(o.conf_threshold) || std::isnan(o.score_threshold))
    fail("yoloDecode: thresholds must not be NaN");
  Detections all;
  for (int64_t cell = 0; cell < cells; ++cell) {
    const float* y = &pred[size_t(cell * D)];
    // (1) box confidence
    if (!(double(y[0]) >= o.conf_threshold)) continue;
    // (2) class = argmax c (first max), score = pc * c_max
    int64_t cls = 0;
    for (int64_t c = 1; c < g.num_classes; ++c)
      if (y[5 + c] > y[5 + cls]) cls = c;
    const double score = double(y[0]) * double(y[5 + cls]);
    // (3) class-score threshold
    if (!(score >= o.score_threshold)) continue;
    const int64_t row = cell / A / g.grid_w, col = cell / A % g.grid_w;
    // centre = (cell + offset) / S, size = cell units / S
    const double cx = (double(col) + y[1]) / double(g.grid_w);
    const double cy = (double(row) + y[2]) / double(g.grid_h);
    const double h = double(y[3]) / double(g.grid_h), w = double(y[4]) / double(g.grid_w);
    all.boxes.insert(all.boxes.end(), {float(cx - w / 2), float(cy - h / 2), float(cx + w / 2),
                                       float(cy + h / 2)});
    all.scores.push_back(score);
    all.classes.push_back(cls);
    all.cells.push_back(cell);
  }
  // (4) NMS, then sort by descending score.
  std::vector<int64_t> keep;
  if (o.nms && !all.scores.empty()) {
    NmsOptions no = o.nms_options;
    no.score_threshold = -std::numeric_limits<double>::infinity();
    std::vector<float> fs(all.scores.begin(), all.scores.end());
    // NMS orders by the float scores; exact ties are broken by index (= cell order) as below.
    keep = o.per_class ? nms_per_class(all.boxes, fs, all.classes, no) : nms(all.boxes, fs, no);
  } else {
    keep.resize(all.scores.size());
    std::iota(keep.begin(), keep.end(), 0);
  }
  std::stable_sort(keep.begin(), keep.end(), [&](int64_t a, int64_t b) {
    return all.scores[size_t(a)] > all.scores[size_t(b)];
  });
  if (o.nms_options.max_output >= 0 && keep.size() > size_t(o.nms_options.max_output))
    keep.resize(size_t(o.nms_options.max_output));
  Detections out;
  for (int64_t k : keep) {
    out.boxes.insert(out.boxes.end(), all.boxes.begin() + long(k * 4),
                     all.boxes.begin() + long(k * 4 + 4));
    out.scores.push_back(all.scores[size_t(k)]);
    out.classes.push_back(all.classes[size_t(k)]);
    out.cells.push_back(all.cells[size_t(k)]);
  }
  return out;
}

}  // namespace pg::vision
