// Vanishing/exploding-gradient diagnostics (playgrad/nn/probe.h): activation_curve's values and
// derivatives against the formulas and finite differences (in double), Model::probe's gradient
// norms against finite differences of the loss, zero-initialisation symmetry, dead ReLUs,
// saturated sigmoids, and bad options.
#include <cmath>

#include "playgrad/nn/model.h"
#include "playgrad/nn/probe.h"
#include "test_util.h"

using namespace pg;
using namespace pg::nn;

namespace {

std::vector<float> grid(double lo, double hi, int n) {
  std::vector<float> x;
  for (int i = 0; i < n; ++i) x.push_back(float(lo + (hi - lo) * i / (n - 1)));
  return x;
}

double sig(double x) { return 1 / (1 + std::exp(-x)); }
double f_of(const std::string& a, double x, double alpha, double slope) {
  if (a == "sigmoid") return sig(x);
  if (a == "tanh") return std::tanh(x);
  if (a == "relu") return x > 0 ? x : 0;
  if (a == "leaky_relu") return x > 0 ? x : alpha * x;
  return x > 0 ? x : slope * x;  // prelu
}

// The 2-class spiral with labels as a column [N, 1] (the output's shape).
std::pair<Tensor, Tensor> task(int64_t points, uint64_t seed) {
  auto [x, y] = spiral(points, 2, seed);
  return {x, reshape(y, {-1, 1})};
}

// The stack: 2 -> [Dense(width, linear) -> Activation(act)] x depth -> Dense(1) -> BCE on logits.
Model stack(const std::string& act, int depth, int width, const Json& init, uint64_t seed = 1) {
  Json layers = Json::array();
  for (int k = 0; k < depth; ++k) {
    layers.push_back({{"kind", "Dense"}, {"config", {{"units", width}, {"kernelInitializer", init}}}});
    layers.push_back({{"kind", "Activation"}, {"config", {{"activation", act}, {"alpha", 0.01}}}});
  }
  layers.push_back({{"kind", "Dense"}, {"config", {{"units", 1}, {"kernelInitializer", init}}}});
  Model m(sequential_spec({2}, layers), seed);
  m.compile({{"optimizer", {{"kind", "sgd"}, {"lr", 0.5}}}, {"loss", {{"kind", "binaryCrossEntropy"}, {"fromLogits", true}}}});
  return m;
}

}  // namespace

TEST(ActivationCurve, ValuesAndDerivativesMatchTheFormulasAndFiniteDifferences) {
  const std::vector<float> x = grid(-6, 6, 241);
  const Tensor xt = Tensor::from_vector(x, {int64_t(x.size())});
  for (const std::string a : {"sigmoid", "tanh", "relu", "leaky_relu", "prelu"}) {
    const Json c = activation_curve(a, xt, 0.01f, 0.25f);
    for (size_t i = 0; i < x.size(); ++i) {
      const double xi = x[i], v = c["value"][i], d = c["derivative"][i], sg = c["slopeGrad"][i];
      EXPECT_NEAR(v, f_of(a, xi, 0.01, 0.25), 1e-6) << a << " at " << xi;
      // the formulas: σ' = σ(1 - σ), tanh' = 1 - tanh², relu' = [x > 0], leaky' = x > 0 ? 1 : α
      double want = 0;
      if (a == "sigmoid") want = sig(xi) * (1 - sig(xi));
      if (a == "tanh") want = 1 - std::tanh(xi) * std::tanh(xi);
      if (a == "relu") want = xi > 0 ? 1 : 0;
      if (a == "leaky_relu") want = xi > 0 ? 1 : 0.01;
      if (a == "prelu") want = xi > 0 ? 1 : 0.25;
      EXPECT_NEAR(d, want, 1e-6) << a << "' at " << xi;
      // central finite differences in double, away from the kink at 0
      if (std::fabs(xi) > 1e-3) {
        const double h = 1e-5;
        EXPECT_NEAR(d, (f_of(a, xi + h, 0.01, 0.25) - f_of(a, xi - h, 0.01, 0.25)) / (2 * h), 1e-5) << a << " FD at " << xi;
      }
      // prelu: ∂f/∂a = min(x, 0); every other activation has no slope
      EXPECT_NEAR(sg, a == "prelu" ? std::min(xi, 0.0) : 0.0, 1e-6) << a << " slope grad at " << xi;
      if (a == "prelu" && std::fabs(xi) > 1e-3) {
        const double h = 1e-5;
        EXPECT_NEAR(sg, (f_of(a, xi, 0, 0.25 + h) - f_of(a, xi, 0, 0.25 - h)) / (2 * h), 1e-6);
      }
    }
  }
}

TEST(ActivationCurve, SaturationFollowsTheDerivative) {
  const std::vector<float> x = grid(-6, 6, 241);
  const Tensor xt = Tensor::from_vector(x, {int64_t(x.size())});
  // sigmoid: σ' < 0.05 · 1/4 where σ = (1 ± √(1 - 4·0.0125)) / 2, i.e. |x| > log(σ/(1 - σ)) = 4.36
  const Json s = activation_curve("sigmoid", xt, 0.01f, 0.25f, 0.05);
  EXPECT_DOUBLE_EQ(s["peak"].get<double>(), 0.25);
  const double p = (1 + std::sqrt(1 - 4 * 0.0125)) / 2, edge = std::log(p / (1 - p));
  EXPECT_NEAR(edge, 4.36, 0.01);
  for (size_t i = 0; i < x.size(); ++i) {
    if (std::fabs(std::fabs(x[i]) - edge) > 1e-3) {
      EXPECT_EQ(s["saturated"][i].get<bool>(), std::fabs(x[i]) > edge) << x[i];
    }
  }
  ASSERT_EQ(s["intervals"].size(), 2u);
  EXPECT_FLOAT_EQ(s["intervals"][0][0].get<float>(), -6.f);
  EXPECT_FLOAT_EQ(s["intervals"][1][1].get<float>(), 6.f);
  // relu: f' = 0 for x <= 0 (saturated), 1 after; leaky with α = 0.01 < 0.05: the same side; α = 0.1 never
  const Json r = activation_curve("relu", xt, 0.01f, 0.25f);
  ASSERT_EQ(r["intervals"].size(), 1u);
  EXPECT_FLOAT_EQ(r["intervals"][0][1].get<float>(), 0.f);
  EXPECT_EQ(activation_curve("leaky_relu", xt, 0.01f, 0.25f)["intervals"].size(), 1u);
  EXPECT_EQ(activation_curve("leaky_relu", xt, 0.1f, 0.25f)["intervals"].size(), 0u);
  EXPECT_EQ(activation_curve("prelu", xt, 0.01f, 0.25f)["intervals"].size(), 0u);
}

TEST(ActivationCurve, BadInputIsRefused) {
  const Tensor x = Tensor::from_vector({0.f, 1.f}, {2});
  EXPECT_NE(pgt::error_of([&] { activation_curve("softmax", x, 0.01f, 0.25f); }).find("not an element-wise"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { activation_curve("swish", x, 0.01f, 0.25f); }).find("unknown activation 'swish'"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { activation_curve("tanh", Tensor::zeros({2, 2}), 0.01f, 0.25f); }).find("1-d"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { activation_curve("tanh", Tensor::from_vector({NAN}, {1}), 0.01f, 0.25f); }).find("finite"), std::string::npos);
}

TEST(Probe, GradientNormsMatchFiniteDifferencesOfTheLoss) {
  Model m = stack("tanh", 3, 4, "glorot_uniform", 7);
  const auto data = task(8, 3);
  const Tensor &x = data.first, &y = data.second;
  const Json pr = m.probe({x}, {y});
  // For every Dense kernel: ‖∂L/∂W‖ from central differences of the total loss, each weight in turn.
  int checked = 0;
  for (const Json& l : pr["layers"]) {
    if (l["kind"] != "Dense") continue;
    Tensor w = m.layer(l["name"])->params()[0].second;
    double ss = 0;
    for (int64_t i = 0; i < w.numel(); ++i) {
      const float keep = w.data()[i], h = 1e-2f;
      auto loss = [&](float v) {
        w.data()[i] = v;
        NoGradGuard ng;
        return double(m.total_loss(m.forward({x}, true), {y}).item());
      };
      const double g = (loss(keep + h) - loss(keep - h)) / (2 * double(h));
      w.data()[i] = keep;
      ss += g * g;
    }
    EXPECT_NEAR(l["weights"][0]["gradNorm"].get<double>(), std::sqrt(ss), 2e-3 * std::sqrt(ss) + 1e-6) << l["name"];
    ++checked;
  }
  EXPECT_EQ(checked, 4);
  EXPECT_EQ(pr["rows"], 16);
}

TEST(Probe, LeavesTheWeightsAndReportsTheBatchGradients) {
  Model m = stack("relu", 2, 5, "he_normal");
  const auto data = task(10, 1);
  const Tensor &x = data.first, &y = data.second;
  const std::vector<float> before = m.parameters()[0].to_vector();
  const Json a = m.probe({x}, {y});
  const Json b = m.probe({x}, {y});  // gradients are zeroed first: the same numbers again
  EXPECT_EQ(m.parameters()[0].to_vector(), before);
  EXPECT_EQ(a.dump(), b.dump());
  const Tensor g = m.parameters()[0].grad();
  ASSERT_TRUE(g.defined());
  double ss = 0;
  for (float v : g.to_vector()) ss += double(v) * v;
  EXPECT_NEAR(a["layers"][0]["weights"][0]["gradNorm"].get<double>(), std::sqrt(ss), 1e-9);
  // every layer's histogram counts every output value once
  for (const Json& l : a["layers"]) {
    const Json& h = l["output"]["histogram"];
    int64_t n = h["below"].get<int64_t>() + h["above"].get<int64_t>();
    for (auto c : h["counts"]) n += c.get<int64_t>();
    EXPECT_EQ(h["counts"].size(), 20u);
    EXPECT_EQ(n, 20 * (l["name"] == "dense_2" ? 1 : 5)) << l["name"];
  }
}

TEST(Probe, ZeroAndConstantInitKeepEveryUnitOfALayerIdentical) {
  const auto data = task(10, 2);
  const Tensor &x = data.first, &y = data.second;
  for (const Json& init : {Json("zeros"), Json({{"name", "constant"}, {"value", 0.3}})}) {
    Model m = stack("sigmoid", 3, 4, init);
    const double norm0 = m.probe({x}, {y})["layers"][0]["weights"][0]["norm"].get<double>();
    for (int step = 0; step < 3; ++step) {
      const Json pr = m.probe({x}, {y});
      for (const Json& l : pr["layers"]) {
        if (l["kind"] != "Dense") continue;
        EXPECT_EQ(l["weights"][0]["spread"].get<double>(), 0.0) << init << " step " << step << " " << l["name"];
        EXPECT_EQ(l["weights"][0]["gradSpread"].get<double>(), 0.0) << init << " step " << step << " " << l["name"];
      }
      m.train_on_batch({x}, {y});
    }
    // constant: the weights changed, but stayed equal. Zeros on a balanced batch: every hidden unit
    // outputs σ(0) = 1/2 on every row, so ∂L/∂W_out = ½ Σ (p - y) = 0 (up to float rounding) and
    // nothing moves.
    const double norm3 = m.probe({x}, {y})["layers"][0]["weights"][0]["norm"].get<double>();
    if (init.is_string()) {
      EXPECT_LT(norm3, 1e-6);
    } else {
      EXPECT_NE(norm3, norm0);
    }
  }
  // a random initialisation breaks the symmetry: different weights, different gradients
  Model r = stack("sigmoid", 3, 4, "glorot_uniform");
  const Json pr = r.probe({x}, {y});
  EXPECT_GT(pr["layers"][0]["weights"][0]["spread"].get<double>(), 0.01);
  EXPECT_GT(pr["layers"][0]["weights"][0]["gradSpread"].get<double>(), 0.0);
}

TEST(Probe, DeadReluAndSaturatedSigmoid) {
  const auto data = task(10, 2);
  const Tensor &x = data.first, &y = data.second;
  // relu with a bias of -100: z < 0 for every row, so every unit is dead and W gets no gradient
  Json layers = Json::array({Json{{"kind", "Dense"}, {"config", {{"units", 6}, {"biasInitializer", {{"name", "constant"}, {"value", -100}}}}}},
                             Json{{"kind", "Activation"}, {"config", {{"activation", "relu"}}}},
                             Json{{"kind", "Dense"}, {"config", {{"units", 1}}}}});
  Model dead(sequential_spec({2}, layers), 3);
  dead.compile({{"loss", {{"kind", "binaryCrossEntropy"}, {"fromLogits", true}}}});
  const Json d = dead.probe({x}, {y});
  EXPECT_EQ(d["layers"][1]["derivative"]["deadShare"].get<double>(), 1.0);
  EXPECT_EQ(d["layers"][1]["derivative"]["zeroShare"].get<double>(), 1.0);
  EXPECT_EQ(d["layers"][0]["weights"][0]["gradNorm"].get<double>(), 0.0);
  // a healthy He-initialised relu layer: no dead unit on this batch
  Model ok = stack("relu", 1, 6, "he_normal", 4);
  EXPECT_LT(ok.probe({x}, {y})["layers"][1]["derivative"]["deadShare"].get<double>(), 0.5);
  // sigmoid with huge weights: |z| >> 4.36 nearly everywhere
  Model sat = stack("sigmoid", 1, 6, Json({{"name", "normal"}, {"std", 200}}), 5);
  const Json s = sat.probe({x}, {y}, {{"lo", 0}, {"hi", 1}, {"bins", 10}});
  EXPECT_GT(s["layers"][1]["derivative"]["saturatedShare"].get<double>(), 0.75);
  EXPECT_EQ(s["layers"][1]["derivative"]["peak"].get<double>(), 0.25);
  // and its outputs pile up in the first and the last bin of [0, 1]
  const Json& c = s["layers"][1]["output"]["histogram"]["counts"];
  EXPECT_GT(c[0].get<int64_t>() + c[9].get<int64_t>(), 100);
  // a Dense layer with its own activation: the derivative from x W + b
  Json l2 = Json::array({Json{{"kind", "Dense"}, {"config", {{"units", 3}, {"activation", "tanh"}}}},
                         Json{{"kind", "Dense"}, {"config", {{"units", 1}}}}});
  Model dt(sequential_spec({2}, l2), 3);
  dt.compile({{"loss", "mse"}});
  const Json p = dt.probe({x}, {y});
  EXPECT_EQ(p["layers"][0]["activation"], "tanh");
  EXPECT_LE(p["layers"][0]["derivative"]["max"].get<double>(), 1.0);
  EXPECT_FALSE(p["layers"][1].contains("derivative"));
}

TEST(Probe, BadOptionsAreRefused) {
  Model m = stack("tanh", 1, 3, "glorot_uniform");
  const auto data = task(4, 1);
  const Tensor &x = data.first, &y = data.second;
  EXPECT_NE(pgt::error_of([&] { m.probe({x}, {y}, {{"bins", 0}}); }).find("bins must be from 1 to 1000"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { m.probe({x}, {y}, {{"lo", 0}}); }).find("both lo and hi"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { m.probe({x}, {y}, {{"lo", 1}, {"hi", 0}}); }).find("lo must be below hi"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { m.probe({x}, {y}, {{"colour", 1}}); }).find("unknown option 'colour'"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { m.probe({reshape(x, {-1})}, {y}); }).find("probe: input 0"), std::string::npos);
  Model raw(sequential_spec({2}, Json::array({Json{{"kind", "Dense"}, {"config", {{"units", 1}}}}})), 0);
  EXPECT_NE(pgt::error_of([&] { raw.probe({x}, {y}); }).find("compile the model first"), std::string::npos);
}
