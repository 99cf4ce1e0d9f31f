// Layers: gradient checks through every layer (BatchNormalization in training mode included),
// their formulas, the registry and errors.
#include "playgrad/nn/layers.h"

#include "layer_check.h"
#include "test_util.h"

using namespace pg;
using namespace pg::nn;
using pgt::T;

namespace {
GradCheckOptions opts() { return pgt::layer_check_opts(); }

// pgt::check_layer_gradients (layer_check.h) on a batch of 3, the layer named `what`.
template <class MakeLayer>
void check_through(MakeLayer make, const Shape& in_shape, bool training, const std::string& what,
                   int n_inputs = 1) {
  auto L = make();
  L->name = what;
  pgt::check_layer_gradients(std::move(L), in_shape, training, what, 3, n_inputs);
}
}  // namespace

TEST(Layers, GradientThroughDenseWithEveryActivation) {
  for (const char* act : {"linear", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "softmax"})
    check_through([&] { return create_layer("Dense", {{"units", 4}, {"activation", act}}); }, {5}, true,
                  std::string("Dense ") + act);
  check_through([&] { return create_layer("Dense", {{"units", 2}, {"useBias", false}}); }, {2, 3}, true,
                "Dense 3-d");
}

TEST(Layers, GradientThroughTheOtherLayers) {
  check_through([] { return create_layer("BatchNormalization"); }, {4}, true, "BatchNormalization training");
  check_through([] { return create_layer("BatchNormalization"); }, {2, 3}, true, "BatchNormalization 3-d");
  check_through([] { return create_layer("BatchNormalization"); }, {4}, false, "BatchNormalization inference");
  check_through([] { return create_layer("Activation", {{"activation", "prelu"}}); }, {4}, true, "Activation prelu");
  check_through([] { return create_layer("Activation", {{"activation", "tanh"}}); }, {4}, true, "Activation tanh");
  check_through([] { return create_layer("Flatten"); }, {2, 3}, true, "Flatten");
  check_through([] { return create_layer("Concatenate"); }, {3}, true, "Concatenate", 3);
  check_through([] { return create_layer("Concatenate", {{"axis", 1}}); }, {2, 3}, true, "Concatenate axis 1", 2);
  check_through([] { return create_layer("Dropout", {{"rate", 0.0}}); }, {4}, true, "Dropout rate 0");
  // Dropout with a rate: the same seed gives the same mask, so a fresh layer per call.
  auto r = gradcheck(
      [](const std::vector<Tensor>& a) {
        auto d = create_layer("Dropout", {{"rate", 0.4}, {"seed", 3}});
        d->ensure_built({{6}}, 0);
        return d->forward(a[0], true);
      },
      {Tensor::randn({4, 6}, 1).set_requires_grad()}, opts());
  EXPECT_TRUE(r.ok) << "Dropout: " << r.report;
}

TEST(Layers, DenseComputesXWPlusB) {
  auto L = create_layer("Dense", {{"units", 2}, {"kernelInitializer", {{"name", "constant"}, {"value", 0.5}}},
                                  {"biasInitializer", "ones"}});
  L->ensure_built({{3}}, 0);
  // [1,2,3]·0.5 + 1 = 4
  pgt::expect_near(L->forward(T({1, 2, 3}, {1, 3})).to_vector(), {4, 4});
  EXPECT_EQ(L->params().size(), 2u);
}

TEST(Layers, BatchNormalizationStatistics) {
  auto L = create_layer("BatchNormalization", {{"momentum", 0.9}});
  L->ensure_built({{2}}, 0);
  Tensor x = T({1, 10, 3, 20}, {2, 2});
  Tensor y = L->forward(x, true);
  // batch mean [2, 15], biased var [1, 25]: y = (x - μ)/√(σ² + 1e-3)
  pgt::expect_near(y.to_vector(), {float(-1 / std::sqrt(1.001)), float(-5 / std::sqrt(25.001)),
                                   float(1 / std::sqrt(1.001)), float(5 / std::sqrt(25.001))}, 1e-5);
  auto bufs = L->buffers();
  pgt::expect_near(bufs[0].second.to_vector(), {0.2f, 1.5f}, 1e-6);          // 0.9·0 + 0.1·μ
  pgt::expect_near(bufs[1].second.to_vector(), {1.0f, 0.9f + 2.5f}, 1e-6);   // 0.9·1 + 0.1·σ²
  // inference uses the moving statistics
  Tensor yi = L->forward(T({0.2f, 1.5f}, {1, 2}), false);
  pgt::expect_near(yi.to_vector(), {0, 0}, 1e-6);
  // Keras defaults
  auto d = create_layer("BatchNormalization");
  EXPECT_EQ(d->config()["momentum"].get<double>(), double(0.99f));
  EXPECT_EQ(d->config()["epsilon"].get<double>(), double(1e-3f));
}

// PyTorch's rule: the batch is normalized with the biased variance, the moving variance averages
// the unbiased one, σ² · m / (m - 1); a training batch of one value per channel is refused.
TEST(Layers, BatchNormalizationUnbiasedMovingVariance) {
  auto L = create_layer("BatchNormalization", {{"momentum", 0.9}, {"epsilon", 1e-5}, {"unbiasedMovingVariance", true}});
  L->ensure_built({{2}}, 0);
  EXPECT_EQ(L->config()["unbiasedMovingVariance"], true);
  Tensor x = T({1, 10, 3, 20, 5, 30}, {3, 2});
  Tensor y = L->forward(x, true);
  // column 0: μ = 3, biased σ² = 8/3, unbiased 4; column 1: μ = 20, biased 200/3, unbiased 100
  const double v0 = 8.0 / 3, v1 = 200.0 / 3;
  pgt::expect_near(y.to_vector(), {float(-2 / std::sqrt(v0 + 1e-5)), float(-10 / std::sqrt(v1 + 1e-5)), 0, 0,
                                   float(2 / std::sqrt(v0 + 1e-5)), float(10 / std::sqrt(v1 + 1e-5))}, 1e-5);
  auto bufs = L->buffers();
  pgt::expect_near(bufs[0].second.to_vector(), {0.3f, 2.0f}, 1e-6);                  // 0.9·0 + 0.1·μ
  pgt::expect_near(bufs[1].second.to_vector(), {0.9f + 0.4f, 0.9f + 10.0f}, 1e-5);  // 0.9·1 + 0.1·unbiased
  const std::vector<float> mean_before = bufs[0].second.to_vector(), var_before = bufs[1].second.to_vector();
  const std::string err = pgt::error_of([&] { L->forward(T({1, 2}, {1, 2}), true); });
  EXPECT_NE(err.find("the unbiased moving variance (PyTorch's rule, divide by m - 1) needs more than 1 value per "
                     "channel when training, got a batch of 1"), std::string::npos) << err;
  EXPECT_EQ(bufs[0].second.to_vector(), mean_before);  // nothing changed
  EXPECT_EQ(bufs[1].second.to_vector(), var_before);
  // Keras' rule (the default) takes a batch of one: variance 0, so the output is β.
  auto K = create_layer("BatchNormalization");
  K->ensure_built({{2}}, 0);
  EXPECT_FALSE(K->config().contains("unbiasedMovingVariance"));
  pgt::expect_near(K->forward(T({7, -3}, {1, 2}), true).to_vector(), {0, 0}, 1e-6);
}

TEST(Layers, DropoutIsInvertedAndOffAtInference) {
  auto L = create_layer("Dropout", {{"rate", 0.25}, {"seed", 1}});
  L->ensure_built({{1000}}, 0);
  Tensor x = Tensor::ones({4, 1000});
  EXPECT_EQ(L->forward(x, false).to_vector(), x.to_vector());
  const std::vector<float> y = L->forward(x, true).to_vector();
  int zeros = 0;
  for (float v : y) {
    EXPECT_TRUE(v == 0.f || std::fabs(v - 1.f / 0.75f) < 1e-6);
    zeros += v == 0.f;
  }
  EXPECT_NEAR(zeros / 4000.0, 0.25, 0.03);
  // Seeded: a second layer with the same seed draws the same mask.
  auto L2 = create_layer("Dropout", {{"rate", 0.25}, {"seed", 1}});
  L2->ensure_built({{1000}}, 0);
  EXPECT_EQ(L2->forward(x, true).to_vector(), y);
}

TEST(Layers, InitializersAreSeededWithTheRightScale) {
  Tensor a = init::glorot_uniform({200, 300}, 1), b = init::glorot_uniform({200, 300}, 1);
  EXPECT_EQ(a.to_vector(), b.to_vector());
  const float lim = std::sqrt(6.f / 500.f);
  double s2 = 0;
  for (float v : a.to_vector()) {
    EXPECT_LE(std::fabs(v), lim);
    s2 += double(v) * v;
  }
  EXPECT_NEAR(s2 / 60000, lim * lim / 3, 0.05 * lim * lim / 3);
  auto var = [](const Tensor& t) {
    double s = 0;
    for (float v : t.to_vector()) s += double(v) * v;
    return s / double(t.numel());
  };
  EXPECT_NEAR(var(init::he_normal({400, 100}, 2)), 2.0 / 400, 0.1 * 2.0 / 400);
  EXPECT_NEAR(var(init::glorot_normal({400, 100}, 3)), 2.0 / 500, 0.1 * 2.0 / 500);
  EXPECT_NEAR(var(init::he_uniform({400, 100}, 4)), 2.0 / 400, 0.1 * 2.0 / 400);
  EXPECT_EQ(init::fans({3, 3, 8, 16}), (std::pair<double, double>{72, 144}));
  EXPECT_EQ(init::canonical_name("kaimingNormal"), "he_normal");
  EXPECT_EQ(init::canonical_name("xavier_uniform"), "glorot_uniform");
}

TEST(Layers, PyTorchDefaultInitializerUsesTheKernelsFanInForTheBias) {
  // nn.Linear(64, 500): weight and bias U(-1/8, 1/8), kaiming_uniform_(a = sqrt(5)) for the weight.
  auto L = create_layer("Dense", {{"units", 500}, {"kernelInitializer", "pytorch_uniform"},
                                  {"biasInitializer", "pytorchUniform"}});
  L->ensure_built({{64}}, 7);
  const double lim = 1.0 / 8.0;
  for (const auto& [name, t] : L->params()) {
    double s2 = 0, mx = 0;
    for (float v : t.to_vector()) {
      s2 += double(v) * v;
      mx = std::max(mx, double(std::fabs(v)));
    }
    EXPECT_LE(mx, lim) << name;
    EXPECT_GT(mx, 0.95 * lim) << name;  // the bias too: its fan_in is 64, not its own length 500
    EXPECT_NEAR(s2 / double(t.numel()), lim * lim / 3, 0.15 * lim * lim / 3) << name;
  }
  // The kaiming_uniform_(a = sqrt(5)) bound: sqrt(2 / (1 + 5)) sqrt(3 / fan_in) = 1 / sqrt(fan_in).
  EXPECT_NEAR(std::sqrt(2.0 / 6.0) * std::sqrt(3.0 / 64.0), lim, 1e-12);
  EXPECT_EQ(init::canonical_name("pytorch_uniform"), "pytorch_uniform");
  // Other bias initializers keep their own shape's fans.
  Tensor h = init::make(init::Spec{"he_uniform"}, {4}, 1, 1000.0);
  for (float v : h.to_vector()) EXPECT_LE(std::fabs(v), std::sqrt(6.0 / 4.0));
}

TEST(Layers, Errors) {
  EXPECT_EQ(pgt::error_of([] { create_layer("Dense", {{"units", 3}, {"activation", "swish"}}); }),
            "Dense: unknown activation 'swish' (known: linear, sigmoid, tanh, relu, leaky_relu, prelu, softmax)");
  EXPECT_NE(pgt::error_of([] { create_layer("Dense", {{"units", 0}}); }).find("units must be >= 1"), std::string::npos);
  EXPECT_NE(pgt::error_of([] { create_layer("Dense", {{"unit", 3}}); }).find("unknown option 'unit'"), std::string::npos);
  EXPECT_NE(pgt::error_of([] { create_layer("Conv9D"); }).find("unknown layer kind 'Conv9D'"), std::string::npos);
  EXPECT_NE(pgt::error_of([] { create_layer("Dropout", {{"rate", 1.0}}); }).find("rate must be in [0, 1)"), std::string::npos);
  auto L = create_layer("Dense", {{"units", 2}});
  L->name = "dense";
  L->ensure_built({{4}}, 0);
  const std::vector<float> before = L->params()[0].second.to_vector();
  EXPECT_EQ(pgt::error_of([&] { L->forward(Tensor::ones({5, 3})); }),
            "Dense 'dense': expected input 0 of shape [N,4], got [5,3]");
  EXPECT_EQ(L->params()[0].second.to_vector(), before);
  auto C = create_layer("Concatenate");
  C->name = "c";
  EXPECT_NE(pgt::error_of([&] { C->ensure_built({{2, 3}, {3, 3}}, 0); }).find("differ outside axis"), std::string::npos);
  EXPECT_EQ(pgt::error_of([] { concat({Tensor::ones({2, 3}), Tensor::ones({3, 2})}, 1); }),
            "concat: shapes [2,3], [3,2] differ outside axis 1");
}
