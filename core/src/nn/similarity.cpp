// Judging a similarity model: ROC curve and AUC of "same when D <= τ", the confusion counts at one
// threshold, and nearest neighbours. See playgrad/nn/similarity.h.
#include "playgrad/nn/similarity.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "playgrad/error.h"

namespace pg::nn {

namespace {

void check_pairs(const char* op, const std::vector<float>& distance, const std::vector<float>& same) {
  if (distance.size() != same.size())
    pg::fail(op, ": distances and labels differ in length (", distance.size(), " vs ", same.size(), ")");
  for (size_t i = 0; i < distance.size(); ++i) {
    if (!std::isfinite(distance[i])) pg::fail(op, ": distance ", distance[i], " at position ", i, " is not finite");
    if (same[i] != 0.f && same[i] != 1.f)
      pg::fail(op, ": label ", same[i], " at position ", i, " is not 0 (different) or 1 (same)");
  }
}

}  // namespace

RocCurve roc_curve(const std::vector<float>& distance, const std::vector<float>& same) {
  const char* op = "roc";
  check_pairs(op, distance, same);
  RocCurve r;
  for (float y : same) (y == 1.f ? r.positives : r.negatives) += 1;
  if (r.positives == 0 || r.negatives == 0)
    pg::fail(op, ": needs at least one same and one different pair, got ", r.positives, " same and ",
             r.negatives, " different");
  std::vector<size_t> order(distance.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return distance[a] < distance[b]; });
  r.fpr.push_back(0);
  r.tpr.push_back(0);
  int64_t tp = 0, fp = 0;
  for (size_t i = 0; i < order.size();) {
    const float d = distance[order[i]];
    for (; i < order.size() && distance[order[i]] == d; ++i) (same[order[i]] == 1.f ? tp : fp) += 1;
    r.thresholds.push_back(d);
    r.fpr.push_back(double(fp) / double(r.negatives));
    r.tpr.push_back(double(tp) / double(r.positives));
  }
  // Trapezoids: a tie group is a diagonal segment, which counts half of its tied (same, different) pairs.
  for (size_t j = 1; j < r.fpr.size(); ++j) r.auc += (r.fpr[j] - r.fpr[j - 1]) * (r.tpr[j] + r.tpr[j - 1]) / 2;
  return r;
}

ThresholdCounts threshold_counts(const std::vector<float>& distance, const std::vector<float>& same, double threshold) {
  const char* op = "thresholdCounts";
  check_pairs(op, distance, same);
  if (!std::isfinite(threshold)) pg::fail(op, ": the threshold must be a finite number, got ", threshold);
  if (distance.empty()) pg::fail(op, ": no pairs");
  ThresholdCounts c;
  for (size_t i = 0; i < distance.size(); ++i) {
    const bool said_same = double(distance[i]) <= threshold;
    if (same[i] == 1.f) (said_same ? c.tp : c.fn) += 1;
    else (said_same ? c.fp : c.tn) += 1;
  }
  c.accuracy = double(c.tp + c.tn) / double(distance.size());
  return c;
}

Neighbours nearest_neighbours(const std::vector<float>& points, int64_t n, const std::vector<float>& queries,
                              int64_t q, int64_t dim, int64_t k) {
  const char* op = "nearest";
  if (n < 1 || q < 0 || dim < 1) pg::fail(op, ": needs at least one point of dimension >= 1, got ", n, " points of dimension ", dim);
  if (int64_t(points.size()) != n * dim)
    pg::fail(op, ": points have ", points.size(), " values, expected ", n, " x ", dim);
  if (int64_t(queries.size()) != q * dim)
    pg::fail(op, ": queries have ", queries.size(), " values, expected ", q, " x ", dim, " (the points' dimension)");
  if (k < 1 || k > n) pg::fail(op, ": k must be in [1, ", n, "] (the number of points), got ", k);
  for (size_t i = 0; i < points.size(); ++i)
    if (!std::isfinite(points[i])) pg::fail(op, ": point value ", points[i], " at position ", i, " is not finite");
  for (size_t i = 0; i < queries.size(); ++i)
    if (!std::isfinite(queries[i])) pg::fail(op, ": query value ", queries[i], " at position ", i, " is not finite");
  Neighbours out;
  out.index.reserve(size_t(q * k));
  out.distance.reserve(size_t(q * k));
  std::vector<double> d2(static_cast<size_t>(n));
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int64_t a = 0; a < q; ++a) {
    const float* x = queries.data() + a * dim;
    for (int64_t i = 0; i < n; ++i) {
      const float* p = points.data() + i * dim;
      double s = 0;
      for (int64_t j = 0; j < dim; ++j) s += (double(x[j]) - p[j]) * (double(x[j]) - p[j]);
      d2[size_t(i)] = s;
    }
    std::iota(order.begin(), order.end(), int64_t(0));
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int64_t u, int64_t v) {
      return d2[size_t(u)] < d2[size_t(v)] || (d2[size_t(u)] == d2[size_t(v)] && u < v);
    });
    for (int64_t j = 0; j < k; ++j) {
      out.index.push_back(order[size_t(j)]);
      out.distance.push_back(float(std::sqrt(d2[size_t(order[size_t(j)])])));
    }
  }
  return out;
}

}  // namespace pg::nn
