// The confusion matrix (nn/metrics.h): argmax rows (first maximum on a tie) against labels; its
// trace is the accuracy metric's count; errors name the op.
#include "playgrad/nn/metrics.h"
#include "test_util.h"

using pgt::error_of;

TEST(Metrics, ConfusionMatrixCountsArgmaxAgainstLabels) {
  // rows: argmax 2, 0, 1 (tie 1 = 1 -> the first), 2
  const pg::Tensor p = pgt::T({0.1f, 0.2f, 0.7f, 0.6f, 0.3f, 0.1f, 0.2f, 0.4f, 0.4f, 0.0f, 0.1f, 0.9f}, {4, 3});
  const auto r = pg::nn::confusion_matrix(p, {2, 1, 1, 0});
  EXPECT_EQ(r.classes, 3);
  EXPECT_EQ(r.predicted, (std::vector<int64_t>{2, 0, 1, 2}));
  EXPECT_EQ(r.counts, (std::vector<int64_t>{0, 0, 1,  /* true 0 */ 1, 1, 0, /* true 1 */ 0, 0, 1 /* true 2 */}));
}

TEST(Metrics, ConfusionMatrixErrors) {
  const pg::Tensor p = pgt::T({0.5f, 0.5f}, {1, 2});
  EXPECT_NE(error_of([&] { pg::nn::confusion_matrix(p, {2}); }).find("label 0 is 2"), std::string::npos);
  EXPECT_NE(error_of([&] { pg::nn::confusion_matrix(p, {0, 1}); }).find("2 labels for 1 rows"), std::string::npos);
  EXPECT_NE(error_of([&] { pg::nn::confusion_matrix(pgt::T({1, 2}, {2}), {0, 1}); }).find("2-D"), std::string::npos);
  EXPECT_NE(error_of([&] { pg::nn::confusion_matrix(pgt::T({NAN, 1}, {1, 2}), {0}); }).find("NaN"), std::string::npos);
}
