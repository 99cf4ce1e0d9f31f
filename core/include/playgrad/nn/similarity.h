// playgrad/nn/similarity.h: judging a similarity model (a Siamese network's pair distances).
//
// A pair is called "same" when its distance D is at most a threshold τ (D <= τ). Over pairs with
// labels y (1 = same, 0 = different):
//   TPR(τ) = #{y = 1, D <= τ} / #{y = 1}     FPR(τ) = #{y = 0, D <= τ} / #{y = 0}
// The ROC curve is (FPR, TPR) for every τ: it starts at (0, 0) (τ below every distance), takes one
// point per distinct distance in increasing order (pairs with equal distances enter together, a
// diagonal segment), and ends at (1, 1). AUC is the area under it by the trapezoid rule, which
// equals P(D_same < D_different) + ½·P(D_same = D_different) over all (same, different) pairs.
//
// Nearest neighbours: for each query row, the k rows of `points` with the smallest Euclidean
// distance, nearest first (equal distances: lower index first).
#pragma once
#include <cstdint>
#include <vector>

namespace pg::nn {

struct RocCurve {
  std::vector<double> thresholds;  // τ for each point after the first: the distinct distances, increasing
  std::vector<double> fpr, tpr;    // one more than thresholds: (0, 0) first
  double auc = 0;
  int64_t positives = 0, negatives = 0;
};

/** The ROC curve of "same when D <= τ". Throws for mismatched lengths, a non-finite distance, a
 *  label not 0 or 1, or a class with no pair (the rate would be 0/0). */
RocCurve roc_curve(const std::vector<float>& distance, const std::vector<float>& same);

struct ThresholdCounts {
  int64_t tp = 0, fp = 0, tn = 0, fn = 0;
  double accuracy = 0;  // (tp + tn) / pairs
};

/** The confusion counts of "same when D <= τ" at one threshold τ (finite). */
ThresholdCounts threshold_counts(const std::vector<float>& distance, const std::vector<float>& same, double threshold);

struct Neighbours {
  std::vector<int64_t> index;   // [queries, k] row-major
  std::vector<float> distance;  // [queries, k]
};

/** points: n rows of dim, queries: q rows of dim (row-major); 1 <= k <= n. */
Neighbours nearest_neighbours(const std::vector<float>& points, int64_t n, const std::vector<float>& queries,
                              int64_t q, int64_t dim, int64_t k);

}  // namespace pg::nn
