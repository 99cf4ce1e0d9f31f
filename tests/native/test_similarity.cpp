// Judging a similarity model (playgrad/nn/similarity.h): the ROC curve and AUC of "same when
// D <= τ" on a hand-computed case with a tie, the AUC as the share of correctly ordered
// (same, different) pairs, the confusion counts at a threshold, nearest neighbours, refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "playgrad/error.h"
#include "playgrad/nn/similarity.h"

namespace {

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// Pairs: same at D = 0.2 and 0.5; different at 0.3, 0.5 and 0.9 (P = 2, N = 3). By hand, sorted
// by D: 0.2 (same) -> (0, 1/2); 0.3 (diff) -> (1/3, 1/2); 0.5 (same and diff tied) -> (2/3, 1);
// 0.9 (diff) -> (1, 1). Trapezoids: 1/3·(1/2 + 1/2)/2 + 1/3·(1/2 + 1)/2 + 1/3·(1 + 1)/2 = 3/4.
// By pairs: of the 6 (same, different) pairs 4 are ordered, 1 tied (half), 1 reversed: 4.5/6 = 3/4.
TEST(Similarity, RocByHandWithATie) {
  const std::vector<float> d = {0.2f, 0.5f, 0.5f, 0.9f, 0.3f};
  const std::vector<float> y = {1, 1, 0, 0, 0};
  const auto r = pg::nn::roc_curve(d, y);
  EXPECT_EQ(r.positives, 2);
  EXPECT_EQ(r.negatives, 3);
  ASSERT_EQ(r.thresholds.size(), 4u);
  EXPECT_FLOAT_EQ(float(r.thresholds[0]), 0.2f);
  EXPECT_FLOAT_EQ(float(r.thresholds[1]), 0.3f);
  EXPECT_FLOAT_EQ(float(r.thresholds[2]), 0.5f);
  EXPECT_FLOAT_EQ(float(r.thresholds[3]), 0.9f);
  const std::vector<double> fpr = {0, 0, 1.0 / 3, 2.0 / 3, 1};
  const std::vector<double> tpr = {0, 0.5, 0.5, 1, 1};
  ASSERT_EQ(r.fpr.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_NEAR(r.fpr[i], fpr[i], 1e-12) << i;
    EXPECT_NEAR(r.tpr[i], tpr[i], 1e-12) << i;
  }
  EXPECT_NEAR(r.auc, 0.75, 1e-12);
}

TEST(Similarity, AucIsTheShareOfOrderedPairs) {
  // A perfect split gives 1, a reversed one 0, and a shuffle the pair count.
  EXPECT_DOUBLE_EQ(pg::nn::roc_curve({0.1f, 0.2f, 0.8f, 0.9f}, {1, 1, 0, 0}).auc, 1.0);
  EXPECT_DOUBLE_EQ(pg::nn::roc_curve({0.1f, 0.2f, 0.8f, 0.9f}, {0, 0, 1, 1}).auc, 0.0);
  const std::vector<float> d = {0.7f, 0.1f, 0.4f, 0.4f, 1.3f, 0.2f, 0.9f, 0.4f};
  const std::vector<float> y = {1, 0, 1, 0, 0, 1, 1, 0};
  double ordered = 0, pairs = 0;
  for (size_t i = 0; i < d.size(); ++i)
    for (size_t j = 0; j < d.size(); ++j)
      if (y[i] == 1 && y[j] == 0) {
        pairs += 1;
        ordered += d[i] < d[j] ? 1 : d[i] == d[j] ? 0.5 : 0;
      }
  EXPECT_NEAR(pg::nn::roc_curve(d, y).auc, ordered / pairs, 1e-12);
}

TEST(Similarity, ThresholdCounts) {
  const std::vector<float> d = {0.2f, 0.5f, 0.5f, 0.9f, 0.3f};
  const std::vector<float> y = {1, 1, 0, 0, 0};
  const auto c = pg::nn::threshold_counts(d, y, 0.5);  // D <= τ: the tie at 0.5 counts as "same"
  EXPECT_EQ(c.tp, 2);
  EXPECT_EQ(c.fn, 0);
  EXPECT_EQ(c.fp, 2);
  EXPECT_EQ(c.tn, 1);
  EXPECT_DOUBLE_EQ(c.accuracy, 0.6);
  const auto low = pg::nn::threshold_counts(d, y, 0.25);
  EXPECT_EQ(low.tp, 1);
  EXPECT_EQ(low.tn, 3);
  EXPECT_DOUBLE_EQ(low.accuracy, 0.8);
}

TEST(Similarity, NearestNeighbours) {
  // Points on a line in 2-d: 0 (0,0), 1 (3,4), 2 (1,0), 3 (-1,0), 4 (0,2).
  const std::vector<float> p = {0, 0, 3, 4, 1, 0, -1, 0, 0, 2};
  const auto nb = pg::nn::nearest_neighbours(p, 5, {0.1f, 0, 3, 3.9f}, 2, 2, 3);
  // Query (0.1, 0): 0 at 0.1, 2 at 0.9, 3 at 1.1. Query (3, 3.9): 1 at 0.1, 4 at √(9 + 3.61), 2 at √(4 + 15.21).
  ASSERT_EQ(nb.index.size(), 6u);
  EXPECT_EQ(nb.index, (std::vector<int64_t>{0, 2, 3, 1, 4, 2}));
  EXPECT_NEAR(nb.distance[0], 0.1f, 1e-6);
  EXPECT_NEAR(nb.distance[1], 0.9f, 1e-6);
  EXPECT_NEAR(nb.distance[4], std::sqrt(12.61f), 1e-5);
  // Equal distances: the lower index first.
  const auto tie = pg::nn::nearest_neighbours({1, 0, -1, 0}, 2, {0, 0}, 1, 2, 2);
  EXPECT_EQ(tie.index, (std::vector<int64_t>{0, 1}));
}

TEST(Similarity, Refusals) {
  EXPECT_NE(message_of([] { pg::nn::roc_curve({0.1f, 0.2f}, {1, 1}); }).find("roc: needs at least one same and one different pair"), std::string::npos);
  EXPECT_NE(message_of([] { pg::nn::roc_curve({0.1f, 0.2f}, {1, 2}); }).find("label 2 at position 1"), std::string::npos);
  EXPECT_NE(message_of([] { pg::nn::roc_curve({0.1f, NAN}, {1, 0}); }).find("is not finite"), std::string::npos);
  EXPECT_NE(message_of([] { pg::nn::roc_curve({0.1f}, {1, 0}); }).find("differ in length (1 vs 2)"), std::string::npos);
  EXPECT_NE(message_of([] { pg::nn::threshold_counts({0.1f}, {1}, NAN); }).find("thresholdCounts: the threshold"), std::string::npos);
  EXPECT_NE(message_of([] { pg::nn::nearest_neighbours({0, 0}, 1, {0, 0}, 1, 2, 2); }).find("nearest: k must be in [1, 1]"), std::string::npos);
  EXPECT_NE(message_of([] { pg::nn::nearest_neighbours({0, 0}, 1, {0}, 1, 2, 1); }).find("queries have 1 values, expected 1 x 2"), std::string::npos);
}
