// Boxes, IoU and non-max suppression (vision.h). IoU is computed in double from the float32
// coordinates with TensorFlow's formula, so the >= / > decisions match tf.image.nonMaxSuppression
// exactly, including at equality.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <queue>

#include "playgrad/error.h"
#include "playgrad/vision/vision.h"

namespace pg::vision {

int64_t check_boxes(const char* op, const char* what, const std::vector<float>& boxes) {
  if (boxes.size() % 4 != 0)
    fail(op, ": ", what, " must hold 4 numbers per box, got ", boxes.size(), " numbers");
  for (size_t i = 0; i < boxes.size(); ++i)
    if (!std::isfinite(boxes[i]))
      fail(op, ": ", what, " box ", i / 4, " has a non-finite coordinate (", boxes[i], ")");
  return int64_t(boxes.size() / 4);
}

std::vector<float> center_to_corners(const std::vector<float>& b) {
  const int64_t n = check_boxes("centerToCorners", "boxes", b);
  std::vector<float> out(b.size());
  for (int64_t i = 0; i < n; ++i) {
    const float* p = &b[size_t(i * 4)];
    if (p[2] < 0 || p[3] < 0)
      fail("centerToCorners: box ", i, " has a negative width or height (", p[2], ", ", p[3], ")");
    // x1 = cx - w/2, y1 = cy - h/2, x2 = cx + w/2, y2 = cy + h/2
    out[size_t(i * 4)] = p[0] - p[2] / 2;
    out[size_t(i * 4 + 1)] = p[1] - p[3] / 2;
    out[size_t(i * 4 + 2)] = p[0] + p[2] / 2;
    out[size_t(i * 4 + 3)] = p[1] + p[3] / 2;
  }
  return out;
}

std::vector<float> normalize_corners(const std::vector<float>& b) {
  const int64_t n = check_boxes("normalizeCorners", "boxes", b);
  std::vector<float> out(b.size());
  for (int64_t i = 0; i < n; ++i) {
    const float* p = &b[size_t(i * 4)];
    out[size_t(i * 4)] = std::min(p[0], p[2]);
    out[size_t(i * 4 + 1)] = std::min(p[1], p[3]);
    out[size_t(i * 4 + 2)] = std::max(p[0], p[2]);
    out[size_t(i * 4 + 3)] = std::max(p[1], p[3]);
  }
  return out;
}

std::vector<float> corners_to_center(const std::vector<float>& b) {
  check_boxes("cornersToCenter", "boxes", b);
  const std::vector<float> c = normalize_corners(b);
  std::vector<float> out(b.size());
  for (size_t i = 0; i < c.size(); i += 4) {
    // cx = (x1 + x2)/2, cy = (y1 + y2)/2, w = x2 - x1, h = y2 - y1
    out[i] = (c[i] + c[i + 2]) / 2;
    out[i + 1] = (c[i + 1] + c[i + 3]) / 2;
    out[i + 2] = c[i + 2] - c[i];
    out[i + 3] = c[i + 3] - c[i + 1];
  }
  return out;
}

std::vector<double> box_area(const std::vector<float>& b) {
  const int64_t n = check_boxes("boxArea", "boxes", b);
  std::vector<double> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const float* p = &b[size_t(i * 4)];
    out[size_t(i)] = std::fabs(double(p[2]) - double(p[0])) * std::fabs(double(p[3]) - double(p[1]));
  }
  return out;
}

double iou_unchecked(const float* a, const float* b) {
  // Corners normalised, then |A ∩ B| / (|A| + |B| - |A ∩ B|) in double (TensorFlow's formula).
  const double ax1 = std::min<double>(a[0], a[2]), ax2 = std::max<double>(a[0], a[2]);
  const double ay1 = std::min<double>(a[1], a[3]), ay2 = std::max<double>(a[1], a[3]);
  const double bx1 = std::min<double>(b[0], b[2]), bx2 = std::max<double>(b[0], b[2]);
  const double by1 = std::min<double>(b[1], b[3]), by2 = std::max<double>(b[1], b[3]);
  const double area_a = (ay2 - ay1) * (ax2 - ax1);
  const double area_b = (by2 - by1) * (bx2 - bx1);
  if (area_a <= 0 || area_b <= 0) return 0.0;
  const double inter = std::max(std::min(ay2, by2) - std::max(ay1, by1), 0.0) *
                       std::max(std::min(ax2, bx2) - std::max(ax1, bx1), 0.0);
  return inter / (area_a + area_b - inter);
}

double iou(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != 4 || b.size() != 4)
    fail("iou: each box must have 4 numbers [x1, y1, x2, y2], got ", a.size(), " and ", b.size());
  check_boxes("iou", "first", a);
  check_boxes("iou", "second", b);
  return iou_unchecked(a.data(), b.data());
}

IouParts iou_parts(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != 4 || b.size() != 4)
    fail("iouParts: each box must have 4 numbers [x1, y1, x2, y2], got ", a.size(), " and ",
         b.size());
  check_boxes("iouParts", "first", a);
  check_boxes("iouParts", "second", b);
  IouParts p;
  // The same terms, in the same order, as iou_unchecked: the IoU is the same number.
  const double ax1 = std::min<double>(a[0], a[2]), ax2 = std::max<double>(a[0], a[2]);
  const double ay1 = std::min<double>(a[1], a[3]), ay2 = std::max<double>(a[1], a[3]);
  const double bx1 = std::min<double>(b[0], b[2]), bx2 = std::max<double>(b[0], b[2]);
  const double by1 = std::min<double>(b[1], b[3]), by2 = std::max<double>(b[1], b[3]);
  const double na[4] = {ax1, ay1, ax2, ay2}, nb[4] = {bx1, by1, bx2, by2};
  std::copy(na, na + 4, p.a);
  std::copy(nb, nb + 4, p.b);
  p.area_a = (ay2 - ay1) * (ax2 - ax1);
  p.area_b = (by2 - by1) * (bx2 - bx1);
  // The intersection box [max x1, max y1, min x2, min y2]; empty when either side is <= 0.
  const double ix1 = std::max(ax1, bx1), iy1 = std::max(ay1, by1);
  const double ix2 = std::min(ax2, bx2), iy2 = std::min(ay2, by2);
  p.inter = std::max(iy2 - iy1, 0.0) * std::max(ix2 - ix1, 0.0);
  p.overlap = ix2 > ix1 && iy2 > iy1;
  if (p.overlap) {
    const double box[4] = {ix1, iy1, ix2, iy2};
    std::copy(box, box + 4, p.intersection);
  }
  p.union_area = p.area_a + p.area_b - p.inter;
  p.iou = p.area_a <= 0 || p.area_b <= 0 ? 0.0 : p.inter / p.union_area;
  return p;
}

std::vector<double> iou_matrix(const std::vector<float>& a, const std::vector<float>& b) {
  const int64_t n = check_boxes("iouMatrix", "first boxes", a);
  const int64_t m = check_boxes("iouMatrix", "second boxes", b);
  if (n * m > (int64_t(1) << 26)) fail("iouMatrix: ", n, " x ", m, " boxes is too many");
  std::vector<double> out(size_t(n * m));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j)
      out[size_t(i * m + j)] = iou_unchecked(&a[size_t(i * 4)], &b[size_t(j * 4)]);
  return out;
}

// ---- NMS ----------------------------------------------------------------------------------------

namespace {

void check_nms(const char* op, const std::vector<float>& boxes, const std::vector<float>& scores,
               const NmsOptions& o) {
  const int64_t n = check_boxes(op, "boxes", boxes);
  if (int64_t(scores.size()) != n)
    fail(op, ": ", n, " boxes but ", scores.size(), " scores (one score per box)");
  for (size_t i = 0; i < scores.size(); ++i)
    if (std::isnan(scores[i])) fail(op, ": score ", i, " is NaN");
  if (!(o.iou_threshold >= 0 && o.iou_threshold <= 1))
    fail(op, ": iouThreshold must be in [0, 1], got ", o.iou_threshold);
  if (std::isnan(o.score_threshold)) fail(op, ": scoreThreshold is NaN");
  if (o.max_output < -1) fail(op, ": maxOutput must be >= 0, got ", o.max_output);
}

bool suppresses(double iou, const NmsOptions& o) {
  return o.rule == NmsRule::TensorFlow ? iou >= o.iou_threshold : iou > o.iou_threshold;
}

// Candidates with score > score_threshold, by descending score, ties: lower index first.
std::vector<int64_t> candidates(const std::vector<float>& scores, double threshold) {
  std::vector<int64_t> c;
  for (size_t i = 0; i < scores.size(); ++i)
    if (double(scores[i]) > threshold) c.push_back(int64_t(i));
  std::stable_sort(c.begin(), c.end(),
                   [&](int64_t a, int64_t b) { return scores[size_t(a)] > scores[size_t(b)]; });
  return c;
}

size_t limit(const NmsOptions& o) {
  return o.max_output < 0 ? SIZE_MAX : size_t(o.max_output);
}

}  // namespace

namespace {

// Greedy NMS as a list of decisions. With `classes`, a candidate is compared only with the kept
// boxes of its own class (per-class NMS in one pass).
std::vector<NmsStep> greedy_steps(const std::vector<float>& boxes, const std::vector<float>& scores,
                                  const std::vector<int64_t>* classes, const NmsOptions& o) {
  std::vector<NmsStep> steps;
  std::vector<int64_t> kept;
  const size_t max_out = limit(o);
  for (int64_t i : candidates(scores, o.score_threshold)) {
    if (kept.size() >= max_out) break;
    NmsStep s;
    s.index = i;
    for (int64_t k : kept) {
      if (classes && (*classes)[size_t(k)] != (*classes)[size_t(i)]) continue;
      const double v = iou_unchecked(&boxes[size_t(i * 4)], &boxes[size_t(k * 4)]);
      if (suppresses(v, o)) {
        s.kind = NmsStep::Suppress;
        s.by = k;
        s.iou = v;
        break;
      }
    }
    if (s.kind == NmsStep::Keep) kept.push_back(i);
    steps.push_back(s);
  }
  return steps;
}

}  // namespace

std::vector<NmsStep> nms_steps(const std::vector<float>& boxes, const std::vector<float>& scores,
                               const NmsOptions& o) {
  check_nms("nmsSteps", boxes, scores, o);
  return greedy_steps(boxes, scores, nullptr, o);
}

std::vector<NmsStep> nms_steps_per_class(const std::vector<float>& boxes,
                                         const std::vector<float>& scores,
                                         const std::vector<int64_t>& classes,
                                         const NmsOptions& o) {
  check_nms("nmsStepsPerClass", boxes, scores, o);
  if (classes.size() != scores.size())
    fail("nmsStepsPerClass: ", scores.size(), " boxes but ", classes.size(),
         " classes (one per box)");
  return greedy_steps(boxes, scores, &classes, o);
}

std::vector<int64_t> nms(const std::vector<float>& boxes, const std::vector<float>& scores,
                         const NmsOptions& o) {
  check_nms("nms", boxes, scores, o);
  std::vector<int64_t> kept;
  const size_t max_out = limit(o);
  for (int64_t i : candidates(scores, o.score_threshold)) {
    if (kept.size() >= max_out) break;
    bool keep = true;
    // Latest kept first: overlapping boxes tend to have close scores.
    for (size_t k = kept.size(); k-- > 0;)
      if (suppresses(iou_unchecked(&boxes[size_t(i * 4)], &boxes[size_t(kept[k] * 4)]), o)) {
        keep = false;
        break;
      }
    if (keep) kept.push_back(i);
  }
  return kept;
}

SoftNmsResult soft_nms(const std::vector<float>& boxes, const std::vector<float>& scores,
                       double sigma, const NmsOptions& o) {
  check_nms("softNms", boxes, scores, o);
  if (!(sigma >= 0) || !std::isfinite(sigma))
    fail("softNms: sigma must be finite and >= 0, got ", sigma);
  // TensorFlow's lazy algorithm: a popped candidate is re-scored against the boxes kept since it
  // was last looked at; if its score did not change it is kept, else it goes back in the queue.
  struct Cand {
    double score;
    int64_t index;
    size_t begin;  // kept boxes before this one have already decayed its score
  };
  auto lower = [](const Cand& a, const Cand& b) {  // priority: higher score, then lower index
    return a.score < b.score || (a.score == b.score && a.index > b.index);
  };
  std::priority_queue<Cand, std::vector<Cand>, decltype(lower)> queue(lower);
  for (size_t i = 0; i < scores.size(); ++i)
    if (double(scores[i]) > o.score_threshold) queue.push({double(scores[i]), int64_t(i), 0});
  const double scale = sigma > 0 ? -0.5 / sigma : 0.0;
  SoftNmsResult r;
  const size_t max_out = limit(o);
  while (r.indices.size() < max_out && !queue.empty()) {
    Cand c = queue.top();
    queue.pop();
    const double original = c.score;
    if (original < o.score_threshold) break;
    bool ignore = false;
    for (size_t j = r.indices.size(); j-- > c.begin;) {
      const double v = iou_unchecked(&boxes[size_t(c.index * 4)],
                                     &boxes[size_t(r.indices[j] * 4)]);
      if (suppresses(v, o)) {
        ignore = true;
        break;
      }
      // weight = exp(scale IoU^2) while IoU <= threshold (else 0)
      c.score *= v <= o.iou_threshold ? std::exp(scale * v * v) : 0.0;
      if (c.score <= o.score_threshold) break;
    }
    c.begin = r.indices.size();
    if (ignore) continue;
    if (c.score == original) {
      r.indices.push_back(c.index);
      r.scores.push_back(c.score);
    } else if (c.score > o.score_threshold) {
      queue.push(c);
    }
  }
  return r;
}

std::vector<int64_t> nms_per_class(const std::vector<float>& boxes,
                                   const std::vector<float>& scores,
                                   const std::vector<int64_t>& classes, const NmsOptions& o) {
  check_nms("nmsPerClass", boxes, scores, o);
  if (classes.size() != scores.size())
    fail("nmsPerClass: ", scores.size(), " boxes but ", classes.size(), " classes (one per box)");
  std::vector<int64_t> labels = classes;
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  NmsOptions per = o;
  per.max_output = -1;
  std::vector<int64_t> all;
  for (int64_t label : labels) {
    std::vector<int64_t> idx;
    std::vector<float> b, s;
    for (size_t i = 0; i < classes.size(); ++i)
      if (classes[i] == label) {
        idx.push_back(int64_t(i));
        b.insert(b.end(), boxes.begin() + long(i * 4), boxes.begin() + long(i * 4 + 4));
        s.push_back(scores[i]);
      }
    for (int64_t k : nms(b, s, per)) all.push_back(idx[size_t(k)]);
  }
  std::sort(all.begin(), all.end(), [&](int64_t a, int64_t b) {
    return scores[size_t(a)] > scores[size_t(b)] || (scores[size_t(a)] == scores[size_t(b)] && a < b);
  });
  if (all.size() > limit(o)) all.resize(limit(o));
  return all;
}

}  // namespace pg::vision
