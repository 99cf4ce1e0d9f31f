// Synthetic segmentation scenes and per-class mask scores (playgrad/vision/segmentation.h has the
// rules and the formulas).
#include "playgrad/vision/segmentation.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "playgrad/error.h"
#include "playgrad/random.h"

namespace pg::vision {

Scenes segmentation_scenes(int64_t count, int64_t size, int64_t classes, uint64_t seed, double noise) {
  const char* op = "scenes";
  if (count < 1 || count > 4096) fail(op, ": count must be in [1, 4096], got ", count);
  if (size < 8 || size > 128) fail(op, ": size must be in [8, 128], got ", size);
  if (classes < 2 || classes > 4) fail(op, ": classes must be in [2, 4] (background + 1 to 3 shape kinds), got ", classes);
  if (!std::isfinite(noise) || noise < 0 || noise > 1) fail(op, ": noise must be in [0, 1], got ", noise);
  Rng rng(seed, 1601);
  const int64_t px = size * size;
  std::vector<float> img(size_t(count * px)), mask(size_t(count * px), 0.f);
  const double S = double(size);
  for (int64_t n = 0; n < count; ++n) {
    float* im = img.data() + n * px;
    float* mk = mask.data() + n * px;
    const double b = rng.uniform(0.f, 0.35f), ramp = rng.uniform(-0.1f, 0.1f);
    for (int64_t y = 0; y < size; ++y)
      for (int64_t x = 0; x < size; ++x) im[y * size + x] = float(b + ramp * ((x + 0.5) / S - 0.5) * 2);
    const int64_t shapes = 1 + int64_t(rng.below(3));
    for (int64_t k = 0; k < shapes; ++k) {
      const int64_t kind = 1 + int64_t(rng.below(uint32_t(classes - 1)));
      // each kind's brightness band: square [0.5, 0.7), disc [0.7, 0.85), triangle [0.85, 1)
      static const float lo[] = {0.f, 0.5f, 0.7f, 0.85f}, hi[] = {0.f, 0.7f, 0.85f, 1.f};
      const double level = rng.uniform(lo[kind], hi[kind]);
      // extent e (the shape's width); a square's height within 1.5x of it
      const double e = S * rng.uniform(0.3f, 0.55f);
      const double h = kind == 1 ? e * rng.uniform(0.67f, 1.5f) : e;
      const double hh = std::min(h, S * 0.5);
      const double cx = e / 2 + rng.uniform(0.f, 1.f) * (S - e), cy = hh / 2 + rng.uniform(0.f, 1.f) * (S - hh);
      for (int64_t y = 0; y < size; ++y) {
        for (int64_t x = 0; x < size; ++x) {
          const double px_ = x + 0.5 - cx, py = y + 0.5 - cy;  // the pixel centre from the shape's
          bool in = false;
          if (kind == 1) in = std::fabs(px_) <= e / 2 && std::fabs(py) <= hh / 2;
          else if (kind == 2) in = px_ * px_ + py * py <= e * e / 4;
          else {
            // apex (0, -e/2), base y = +e/2 from x = -e/2 to e/2: |x| <= (y + e/2) / 2
            in = py <= e / 2 && py >= -e / 2 && std::fabs(px_) <= (py + e / 2) / 2;
          }
          if (in) {
            im[y * size + x] = float(level);
            mk[y * size + x] = float(kind);
          }
        }
      }
    }
    for (int64_t i = 0; i < px; ++i)
      im[i] = std::clamp(float(im[i] + noise * 0.15 * rng.normal()), 0.f, 1.f);
  }
  return {Tensor::from_vector(img, {count, size, size, 1}), Tensor::from_vector(mask, {count, size, size})};
}

SegmentationScores segmentation_scores(const Tensor& probs, const std::vector<float>& labels) {
  const char* op = "segmentationScores";
  if (probs.ndim() < 1 || probs.shape().back() < 1)
    fail(op, ": probs must have a class axis (the last), got shape ", shape_str(probs.shape()));
  const int64_t C = probs.shape().back(), n = probs.numel() / C;
  if (int64_t(labels.size()) != n)
    fail(op, ": ", labels.size(), " labels for ", n, " pixels of probs ", shape_str(probs.shape()));
  SegmentationScores r;
  r.classes = C;
  r.pixels = n;
  r.tp.assign(size_t(C), 0);
  r.fp.assign(size_t(C), 0);
  r.fn.assign(size_t(C), 0);
  r.truth.assign(size_t(C), 0);
  r.predicted.resize(size_t(n));
  const std::vector<float> p = probs.to_vector();
  for (int64_t i = 0; i < n; ++i) {
    const float y = labels[size_t(i)];
    if (!(y >= 0 && y < float(C) && y == std::floor(y)))
      fail(op, ": label ", i, " is ", y, ", expected a class 0 .. ", C - 1);
    const float* row = p.data() + i * C;
    int64_t best = 0;  // the first maximum
    for (int64_t k = 0; k < C; ++k) {
      if (std::isnan(row[k])) fail(op, ": pixel ", i, " of probs holds NaN");
      if (row[k] > row[best]) best = k;
    }
    const auto t = int64_t(y);
    r.predicted[size_t(i)] = int32_t(best);
    r.truth[size_t(t)] += 1;
    if (best == t) {
      r.tp[size_t(t)] += 1;
      r.correct += 1;
    } else {
      r.fp[size_t(best)] += 1;
      r.fn[size_t(t)] += 1;
    }
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double si = 0, sd = 0;
  int64_t defined = 0;
  for (int64_t c = 0; c < C; ++c) {
    const double tp = double(r.tp[size_t(c)]), fp = double(r.fp[size_t(c)]), fn = double(r.fn[size_t(c)]);
    const double u = tp + fp + fn;
    r.iou.push_back(u > 0 ? tp / u : nan);
    r.dice.push_back(u > 0 ? 2 * tp / (2 * tp + fp + fn) : nan);
    if (u > 0) {
      si += r.iou.back();
      sd += r.dice.back();
      defined += 1;
    }
  }
  r.pixel_accuracy = n > 0 ? double(r.correct) / double(n) : nan;
  r.mean_iou = defined ? si / double(defined) : nan;
  r.mean_dice = defined ? sd / double(defined) : nan;
  return r;
}

}  // namespace pg::vision
