// nn::line_path and nn::line_stats: gradient descent on ŷ = w·x + b under MSE. A step is the update
// rule with the MSE's gradient 2/N Σ (ŷ - y)·x, 2/N Σ (ŷ - y); ceil(N / B) steps per epoch, each
// epoch a permutation of the rows; the same batches and weights as model.fit with the same seed;
// the Hessian, its eigenvalues and the threshold 2/λmax (converges below, diverges above).
#include "playgrad/nn/line_fit.h"

#include <algorithm>
#include <cmath>

#include "playgrad/nn/model.h"
#include "test_util.h"

using namespace pg;
using nn::LinePathOptions;

namespace {

const std::vector<float> kX = {0.5f, 1.f, 1.5f, 2.f, 2.5f, 3.f, 3.5f, 4.f};
const std::vector<float> kY = {1.8f, 3.4f, 3.6f, 5.3f, 5.7f, 7.4f, 7.6f, 9.3f};

LinePathOptions opts(double lr, int64_t batch, int64_t epochs, uint64_t seed = 1) {
  LinePathOptions o;
  o.w0 = -1.f;
  o.b0 = 4.f;
  o.lr = lr;
  o.batch_size = batch;
  o.epochs = epochs;
  o.seed = seed;
  return o;
}

TEST(LineFit, OneFullBatchStepIsTheUpdateRuleWithTheMseGradient) {
  const auto p = nn::line_path(kX, kY, opts(0.05, 0, 1));
  ASSERT_EQ(p.w.size(), 2u);
  double gw = 0, gb = 0, l = 0;
  for (size_t i = 0; i < kX.size(); ++i) {
    const double r = -1.0 * kX[i] + 4.0 - kY[i];  // ŷ - y
    gw += 2.0 / 8 * r * kX[i];
    gb += 2.0 / 8 * r;
    l += r * r / 8;
  }
  EXPECT_NEAR(p.gw[0], gw, 1e-5);
  EXPECT_NEAR(p.gb[0], gb, 1e-5);
  EXPECT_NEAR(p.loss[0], l, 1e-5);
  EXPECT_NEAR(p.batch_loss[0], l, 1e-5);
  // The step: w ← w - α·∂L/∂w, b ← b - α·∂L/∂b, with the gradient the core's backward gave.
  EXPECT_EQ(p.w[1], float(-1.f - 0.05f * p.gw[0]));
  EXPECT_EQ(p.b[1], float(4.f - 0.05f * p.gb[0]));
}

TEST(LineFit, StepsPerEpochAndEveryPointOncePerEpoch) {
  for (int64_t B = 1; B <= 10; ++B) {
    const auto p = nn::line_path(kX, kY, opts(0.01, B, 3));
    const int64_t N = 8, used = std::min<int64_t>(B, N), S = (N + used - 1) / used;
    EXPECT_EQ(p.batch_size, used);
    EXPECT_EQ(p.steps_per_epoch, S) << "B = " << B;
    EXPECT_EQ(int64_t(p.w.size()), 3 * S + 1) << "B = " << B;
    EXPECT_EQ(int64_t(p.gw.size()), 3 * S);
    ASSERT_EQ(p.order.size(), 24u);
    for (int e = 0; e < 3; ++e) {
      std::vector<int32_t> o(p.order.begin() + e * 8, p.order.begin() + (e + 1) * 8);
      std::sort(o.begin(), o.end());
      for (int i = 0; i < 8; ++i) EXPECT_EQ(o[size_t(i)], i) << "B = " << B << " epoch " << e;
    }
  }
  // Stochastic: the epochs are shuffled differently (without replacement within each).
  const auto p = nn::line_path(kX, kY, opts(0.01, 1, 2));
  EXPECT_FALSE(std::equal(p.order.begin(), p.order.begin() + 8, p.order.begin() + 8));
}

TEST(LineFit, TheSameSeedGivesTheSamePathAnotherSeedAnotherOrder) {
  const auto a = nn::line_path(kX, kY, opts(0.05, 3, 5, 7));
  const auto b = nn::line_path(kX, kY, opts(0.05, 3, 5, 7));
  const auto c = nn::line_path(kX, kY, opts(0.05, 3, 5, 8));
  EXPECT_EQ(a.w, b.w);
  EXPECT_EQ(a.b, b.b);
  EXPECT_EQ(a.order, b.order);
  EXPECT_NE(a.order, c.order);
  EXPECT_NE(a.w, c.w);
}

TEST(LineFit, MiniBatchStepsAreTheBatchGradientOfTheRowsInOrder) {
  const auto p = nn::line_path(kX, kY, opts(0.05, 3, 2));
  ASSERT_EQ(p.steps_per_epoch, 3);
  for (int64_t t = 0; t < 6; ++t) {
    const int64_t e = t / 3, s = t % 3, lo = s * 3, hi = std::min<int64_t>(lo + 3, 8);
    double gw = 0, gb = 0;
    for (int64_t k = lo; k < hi; ++k) {
      const size_t i = size_t(p.order[size_t(e * 8 + k)]);
      const double r = double(p.w[size_t(t)]) * kX[i] + p.b[size_t(t)] - kY[i];
      gw += 2.0 / double(hi - lo) * r * kX[i];
      gb += 2.0 / double(hi - lo) * r;
    }
    EXPECT_NEAR(p.gw[size_t(t)], gw, 1e-4) << "step " << t;
    EXPECT_NEAR(p.gb[size_t(t)], gb, 1e-4) << "step " << t;
    EXPECT_EQ(p.w[size_t(t + 1)], float(p.w[size_t(t)] - 0.05f * p.gw[size_t(t)]));
  }
}

TEST(LineFit, TheSameWeightsAsModelFitWithTheSameSeed) {
  nn::Model m(nn::sequential_spec({1}, nn::Json::array({{{"kind", "Dense"}, {"config", {{"units", 1}}}}})), 0);
  m.compile({{"optimizer", {{"kind", "sgd"}, {"lr", 0.05}}}, {"loss", "mse"}});
  for (auto& [name, t] : m.named_weights()) *t.data() = name.find("kernel") != std::string::npos ? -1.f : 4.f;
  nn::FitOptions fo;
  fo.epochs = 4;
  fo.batch_size = 3;
  fo.has_seed = true;
  fo.seed = 7;
  m.fit({Tensor::from_vector(kX, {8, 1})}, {Tensor::from_vector(kY, {8, 1})}, fo);
  const auto p = nn::line_path(kX, kY, opts(0.05, 3, 4, 7));
  float w = 0, b = 0;
  for (auto& [name, t] : m.named_weights()) (name.find("kernel") != std::string::npos ? w : b) = t.item();
  EXPECT_NEAR(p.w.back(), w, 1e-5);
  EXPECT_NEAR(p.b.back(), b, 1e-5);
}

TEST(LineFit, StatsAreTheHessianItsEigenvaluesAndTheLeastSquaresLine) {
  const auto s = nn::line_stats({1.f, 2.f, 3.f}, {3.f, 5.f, 7.f});
  EXPECT_DOUBLE_EQ(s.sx, 6);
  EXPECT_DOUBLE_EQ(s.sxx, 14);
  EXPECT_DOUBLE_EQ(s.sxy, 34);
  // H = 2/3 [[14, 6], [6, 3]]: trace 34/3, determinant 4/9·(42 - 36) = 8/3.
  EXPECT_DOUBLE_EQ(s.h[0], 28.0 / 3);
  EXPECT_DOUBLE_EQ(s.h[1], 4);
  EXPECT_DOUBLE_EQ(s.h[3], 2);
  EXPECT_NEAR(s.eig_max + s.eig_min, 34.0 / 3, 1e-12);
  EXPECT_NEAR(s.eig_max * s.eig_min, 8.0 / 3, 1e-12);
  EXPECT_NEAR(s.lr_max, 2 / s.eig_max, 1e-15);
  EXPECT_TRUE(s.unique);
  EXPECT_NEAR(s.w_opt, 2, 1e-12);
  EXPECT_NEAR(s.b_opt, 1, 1e-12);
  EXPECT_NEAR(s.loss_opt, 0, 1e-12);
  // Every x the same: no unique minimum (λmin = 0), still a threshold.
  const auto flat = nn::line_stats({2.f, 2.f}, {1.f, 3.f});
  EXPECT_FALSE(flat.unique);
  EXPECT_TRUE(std::isnan(flat.w_opt));
  EXPECT_DOUBLE_EQ(flat.eig_min, 0);
  EXPECT_DOUBLE_EQ(flat.eig_max, 10);  // 2·[[4, 2], [2, 1]]: eigenvalues 10 and 0
}

TEST(LineFit, ConvergesJustBelowTwoOverLambdaMaxAndDivergesJustAbove) {
  const auto s = nn::line_stats(kX, kY);
  const auto below = nn::line_path(kX, kY, opts(0.97 * s.lr_max, 0, 3000));
  EXPECT_EQ(below.stop, "");
  EXPECT_NEAR(below.w.back(), s.w_opt, 1e-3);
  EXPECT_NEAR(below.b.back(), s.b_opt, 1e-3);
  const auto above = nn::line_path(kX, kY, opts(1.03 * s.lr_max, 0, 3000));
  EXPECT_EQ(above.stop.rfind("diverged at step ", 0), 0u) << above.stop;
  EXPECT_GT(above.stop_step, 0);
  // It oscillates: along the top eigenvector the error changes sign every step.
  for (size_t t = 1; t + 1 < std::min<size_t>(above.gw.size(), 40); ++t)
    EXPECT_LT(above.gw[t] * above.gw[t + 1], 0) << "step " << t;
  for (float v : above.loss) EXPECT_TRUE(std::isfinite(v));
}

TEST(LineFit, BadInputIsAnErrorBeforeAnyStep) {
  using pgt::error_of;
  EXPECT_NE(error_of([] { nn::line_path({1.f, 2.f}, {1.f}, opts(0.1, 0, 1)); }).find("x has 2 values but y has 1"), std::string::npos);
  EXPECT_NE(error_of([] { nn::line_path({}, {}, opts(0.1, 0, 1)); }).find("no points"), std::string::npos);
  EXPECT_NE(error_of([] { nn::line_path({1.f, NAN}, {1.f, 2.f}, opts(0.1, 0, 1)); }).find("point 2"), std::string::npos);
  EXPECT_NE(error_of([] { nn::line_path(kX, kY, opts(-0.1, 0, 1)); }).find("lr must be"), std::string::npos);
  EXPECT_NE(error_of([] { nn::line_path(kX, kY, opts(0.1, -1, 1)); }).find("batchSize"), std::string::npos);
  EXPECT_NE(error_of([] { nn::line_path(kX, kY, opts(0.1, 1, 20000)); }).find("steps"), std::string::npos);
  EXPECT_NE(error_of([] { nn::line_stats({1.f}, {}); }).find("lineStats"), std::string::npos);
}

}  // namespace
