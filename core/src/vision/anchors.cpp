// Anchor boxes: generation over a feature-map grid, and k-means of box sizes with 1 - IoU as
// the distance (YOLOv2's way of choosing anchors). See vision.h.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "playgrad/error.h"
#include "playgrad/random.h"
#include "playgrad/vision/vision.h"

namespace pg::vision {

std::vector<float> grid_anchors(int64_t grid_h, int64_t grid_w, double stride_y, double stride_x,
                                const std::vector<double>& sizes,
                                const std::vector<double>& ratios) {
  if (grid_h < 1 || grid_w < 1) fail("gridAnchors: grid must be at least 1 x 1, got ", grid_h, " x ", grid_w);
  if (!(stride_y > 0) || !(stride_x > 0) || !std::isfinite(stride_y) || !std::isfinite(stride_x))
    fail("gridAnchors: strides must be finite and > 0, got ", stride_y, ", ", stride_x);
  if (sizes.empty() || ratios.empty()) fail("gridAnchors: needs at least one size and one ratio");
  for (double s : sizes)
    if (!(s > 0) || !std::isfinite(s)) fail("gridAnchors: sizes must be finite and > 0, got ", s);
  for (double r : ratios)
    if (!(r > 0) || !std::isfinite(r)) fail("gridAnchors: ratios must be finite and > 0, got ", r);
  const int64_t a = int64_t(sizes.size() * ratios.size());
  if (grid_h * grid_w * a > (int64_t(1) << 24))
    fail("gridAnchors: ", grid_h, " x ", grid_w, " x ", a, " anchors is too many");
  std::vector<float> out;
  out.reserve(size_t(grid_h * grid_w * a * 4));
  for (int64_t i = 0; i < grid_h; ++i)
    for (int64_t j = 0; j < grid_w; ++j) {
      const double cy = (double(i) + 0.5) * stride_y, cx = (double(j) + 0.5) * stride_x;
      for (double s : sizes)
        for (double r : ratios) {
          // w = s sqrt(r), h = s / sqrt(r): area s^2, w / h = r
          const double w = s * std::sqrt(r), h = s / std::sqrt(r);
          out.push_back(float(cx - w / 2));
          out.push_back(float(cy - h / 2));
          out.push_back(float(cx + w / 2));
          out.push_back(float(cy + h / 2));
        }
    }
  return out;
}

double wh_iou(double w1, double h1, double w2, double h2) {
  const double inter = std::min(w1, w2) * std::min(h1, h2);
  const double uni = w1 * h1 + w2 * h2 - inter;
  return uni > 0 ? inter / uni : 0.0;
}

KMeansResult kmeans_anchors(const std::vector<float>& wh, int64_t k, uint64_t seed,
                            int64_t max_iter) {
  if (wh.size() % 2 != 0) fail("kmeansAnchors: sizes must hold 2 numbers (w, h) per box, got ", wh.size());
  const int64_t n = int64_t(wh.size() / 2);
  if (k < 1) fail("kmeansAnchors: k must be >= 1, got ", k);
  if (n < k) fail("kmeansAnchors: k = ", k, " clusters need at least ", k, " boxes, got ", n);
  if (n > (int64_t(1) << 22)) fail("kmeansAnchors: ", n, " boxes is too many");
  if (max_iter < 1 || max_iter > 100000) fail("kmeansAnchors: maxIter must be in [1, 100000], got ", max_iter);
  for (int64_t i = 0; i < n; ++i)
    if (!(wh[size_t(2 * i)] > 0) || !(wh[size_t(2 * i + 1)] > 0) ||
        !std::isfinite(wh[size_t(2 * i)]) || !std::isfinite(wh[size_t(2 * i + 1)]))
      fail("kmeansAnchors: box ", i, " has width/height (", wh[size_t(2 * i)], ", ",
           wh[size_t(2 * i + 1)], "); both must be finite and > 0");
  auto W = [&](int64_t i) { return double(wh[size_t(2 * i)]); };
  auto H = [&](int64_t i) { return double(wh[size_t(2 * i + 1)]); };

  // k-means++: first centre uniform, then each next one with probability proportional to the
  // squared distance d = 1 - IoU to the nearest chosen centre.
  Rng rng(seed);
  std::vector<double> c;
  const int64_t first = int64_t(rng.below(uint32_t(n)));
  c.push_back(W(first));
  c.push_back(H(first));
  std::vector<double> d2(static_cast<size_t>(n));
  while (int64_t(c.size() / 2) < k) {
    double total = 0;
    for (int64_t i = 0; i < n; ++i) {
      double best = 1.0 - wh_iou(W(i), H(i), c[0], c[1]);  // the distance to the first centre, then the rest
      for (size_t j = 2; j < c.size(); j += 2)
        best = std::min(best, 1.0 - wh_iou(W(i), H(i), c[j], c[j + 1]));
      d2[size_t(i)] = best * best;
      total += d2[size_t(i)];
    }
    int64_t pick = 0;
    if (total > 0) {
      const double u = double(rng.uniform()) * total;
      double acc = 0;
      pick = n - 1;
      for (int64_t i = 0; i < n; ++i) {
        acc += d2[size_t(i)];
        if (u < acc && d2[size_t(i)] > 0) {
          pick = i;
          break;
        }
      }
    } else {
      pick = int64_t(rng.below(uint32_t(n)));  // all boxes coincide with a centre
    }
    c.push_back(W(pick));
    c.push_back(H(pick));
  }

  KMeansResult r;
  r.assignments.assign(size_t(n), -1);
  for (r.iterations = 1; r.iterations <= max_iter; ++r.iterations) {
    bool changed = false;
    for (int64_t i = 0; i < n; ++i) {
      int64_t best = 0;  // start from the first cluster
      double bd = 1.0 - wh_iou(W(i), H(i), c[0], c[1]);
      for (int64_t j = 1; j < k; ++j) {
        const double dist = 1.0 - wh_iou(W(i), H(i), c[size_t(2 * j)], c[size_t(2 * j + 1)]);
        if (dist < bd) { bd = dist; best = j; }  // ties: the lower cluster
      }
      if (r.assignments[size_t(i)] != best) { r.assignments[size_t(i)] = best; changed = true; }
    }
    if (!changed) break;
    std::vector<double> sw(size_t(k), 0), sh(size_t(k), 0), cnt(size_t(k), 0);
    for (int64_t i = 0; i < n; ++i) {
      const size_t a = size_t(r.assignments[size_t(i)]);
      sw[a] += W(i);
      sh[a] += H(i);
      cnt[a] += 1;
    }
    for (int64_t j = 0; j < k; ++j)
      if (cnt[size_t(j)] > 0) {  // an empty cluster keeps its centroid
        c[size_t(2 * j)] = sw[size_t(j)] / cnt[size_t(j)];
        c[size_t(2 * j + 1)] = sh[size_t(j)] / cnt[size_t(j)];
      }
  }
  r.iterations = std::min(r.iterations, max_iter);

  // Sort centroids by area, remap assignments.
  std::vector<int64_t> order(static_cast<size_t>(k));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return c[size_t(2 * a)] * c[size_t(2 * a + 1)] < c[size_t(2 * b)] * c[size_t(2 * b + 1)];
  });
  std::vector<int64_t> rank(static_cast<size_t>(k));
  for (int64_t j = 0; j < k; ++j) rank[size_t(order[size_t(j)])] = j;
  r.centroids.resize(size_t(2 * k));
  for (int64_t j = 0; j < k; ++j) {
    r.centroids[size_t(2 * j)] = c[size_t(2 * order[size_t(j)])];
    r.centroids[size_t(2 * j + 1)] = c[size_t(2 * order[size_t(j)] + 1)];
  }
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t a = rank[size_t(r.assignments[size_t(i)])];
    r.assignments[size_t(i)] = a;
    sum += wh_iou(W(i), H(i), r.centroids[size_t(2 * a)], r.centroids[size_t(2 * a + 1)]);
  }
  r.mean_iou = sum / double(n);
  return r;
}

}  // namespace pg::vision
