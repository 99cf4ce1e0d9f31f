// nn::elastic_net_2d (the regularization lesson's two weights) and Dropout's last_mask: least
// squares at λ = 0, Ridge's closed form (H + 2λ2 I) w = g, Lasso's exact zero at the proximal
// optimum with the optimality conditions, subgradient descent without exact zeros, the region's
// boundary at the optimum's penalty, errors naming the op; the mask a training forward used.
#include "playgrad/nn/elastic_net.h"

#include <cmath>

#include "playgrad/nn/layers.h"
#include "test_util.h"

using namespace pg;

namespace {

const std::vector<float> kX = {1, 0.2f, 0.5f, 1.1f, -0.7f, 0.4f, 1.3f, 0.9f, -0.2f, -1.0f, 0.8f, 0.1f};
const std::vector<float> kY = {2.1f, 1.6f, -1.2f, 3.4f, -0.9f, 1.8f};

// ∇MSE at w, in double from the float data.
std::pair<double, double> grad(double a, double b) {
  double g1 = 0, g2 = 0;
  const double n = double(kY.size());
  for (size_t i = 0; i < kY.size(); ++i) {
    const double e = kX[2 * i] * a + kX[2 * i + 1] * b - kY[i];
    g1 += 2 / n * e * kX[2 * i];
    g2 += 2 / n * e * kX[2 * i + 1];
  }
  return {g1, g2};
}

}  // namespace

TEST(ElasticNet2d, LeastSquaresAndRidge) {
  nn::ElasticNet2Options o;
  o.steps = 5000;
  const auto r0 = nn::elastic_net_2d(kX, kY, o);
  ASSERT_TRUE(r0.unique);
  auto [a, b] = grad(r0.ols[0], r0.ols[1]);
  EXPECT_NEAR(a, 0, 1e-9);
  EXPECT_NEAR(b, 0, 1e-9);
  EXPECT_NEAR(r0.opt[0], r0.ols[0], 1e-6);
  o.l2 = 0.7;
  const auto r = nn::elastic_net_2d(kX, kY, o);
  std::tie(a, b) = grad(r.opt[0], r.opt[1]);
  EXPECT_NEAR(a + 2 * o.l2 * r.opt[0], 0, 1e-7);
  EXPECT_NEAR(b + 2 * o.l2 * r.opt[1], 0, 1e-7);
  EXPECT_NE(r.opt[0], 0.0);
  EXPECT_NE(r.opt[1], 0.0);
  for (size_t i = 0; i < r.region.size(); i += 2)
    EXPECT_NEAR(o.l2 * (r.region[i] * r.region[i] + r.region[i + 1] * r.region[i + 1]), r.penalty, 1e-9);
}

TEST(ElasticNet2d, LassoGivesAnExactZeroOnlyWithTheProximalStep) {
  nn::ElasticNet2Options o;
  o.l1 = 1.2;
  o.steps = 5000;
  const auto r = nn::elastic_net_2d(kX, kY, o);
  EXPECT_TRUE(r.converged);
  const int zeros = (r.opt[0] == 0.0) + (r.opt[1] == 0.0);
  EXPECT_EQ(zeros, 1);
  auto [a, b] = grad(r.opt[0], r.opt[1]);
  const double g[2] = {a, b};
  for (int j = 0; j < 2; ++j) {
    if (r.opt[j] == 0.0) EXPECT_LE(std::fabs(g[j]), o.l1 + 1e-12);
    else EXPECT_NEAR(g[j] + o.l1 * (r.opt[j] > 0 ? 1 : -1), 0, 1e-7);
  }
  EXPECT_NE(r.sub_last[0], 0.0);
  EXPECT_NE(r.sub_last[1], 0.0);
  EXPECT_GE(r.sub_total, r.total - 1e-12);
  EXPECT_EQ(r.prox.size(), size_t(2 * (r.iterations + 1)));
}

TEST(ElasticNet2d, BadInputNamesTheOp) {
  nn::ElasticNet2Options o;
  o.l1 = -1;
  EXPECT_NE(pgt::error_of([&] { nn::elastic_net_2d(kX, kY, o); }).find("elasticNet2d: λ1 and λ2 must be finite and >= 0"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { nn::elastic_net_2d({1, 2, 3}, {1, 2}, {}); }).find("elasticNet2d: x has 3 values"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { nn::elastic_net_2d({0, 0, 0, 0}, {1, 2}, {}); }).find("every x is 0"), std::string::npos);
}

TEST(Layers, DropoutKeepsTheMaskOfItsLastTrainingForward) {
  auto L = nn::create_layer("Dropout", {{"rate", 0.5}, {"seed", 4}});
  L->ensure_built({{50}}, 0);
  auto* d = dynamic_cast<nn::Dropout*>(L.get());
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->last_mask_shape.empty());
  Tensor x = Tensor::full({2, 50}, 3.f);
  L->forward(x, false);
  EXPECT_TRUE(d->last_mask_shape.empty());
  const std::vector<float> y = L->forward(x, true).to_vector();
  const std::vector<float> m = d->last_mask;
  EXPECT_EQ(d->last_mask_shape, (Shape{2, 50}));
  ASSERT_EQ(m.size(), y.size());
  for (size_t i = 0; i < m.size(); ++i) {
    EXPECT_TRUE(m[i] == 0.f || m[i] == 2.f);
    EXPECT_EQ(y[i], 3.f * m[i]);
  }
}
