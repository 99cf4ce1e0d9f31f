// Regression tests for what the robustness work (docs/robustness.md) found in the core:
// fit() refuses NaN/Infinity in x before any step, and stops on a non-finite loss (a diverging
// learning rate) naming where the first non-finite value is, without stepping on that batch.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "playgrad/nn/model.h"

using namespace pg;
using namespace pg::nn;

namespace {
std::unique_ptr<Model> small_model() {
  const Json layers = Json::parse(
      R"([{"kind": "Dense", "config": {"units": 8, "activation": "relu"}}, {"kind": "Dense", "config": {"units": 2}}])");
  auto m = std::make_unique<Model>(sequential_spec({2}, layers), 3);
  return m;
}
std::vector<float> weights_of(const Model& m) {
  std::vector<float> all;
  for (const auto& w : m.named_weights()) {
    const Tensor t = w.second.contiguous();
    all.insert(all.end(), t.data(), t.data() + t.numel());
  }
  return all;
}
Tensor data_x(float fill_nan_at = -1) {
  Tensor x = Tensor::empty({8, 2});
  for (int i = 0; i < 16; ++i) x.data()[i] = float(i % 5) - 2.f;
  if (fill_nan_at >= 0) x.data()[int(fill_nan_at)] = std::numeric_limits<float>::quiet_NaN();
  return x;
}
Tensor data_y() {
  Tensor y = Tensor::empty({8});
  for (int i = 0; i < 8; ++i) y.data()[i] = float(i % 2);
  return y;
}
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Robustness, FitRefusesNaNInXBeforeAnyStep) {
  auto m = small_model();
  m->compile(Json::parse(R"({"optimizer": {"kind": "sgd", "lr": 0.1}, "loss": {"kind": "sparseCategoricalCrossEntropy", "fromLogits": true}})"));
  const std::vector<float> before = weights_of(*m);
  FitOptions o;
  o.epochs = 2;
  const std::string msg = error_of([&] { m->fit({data_x(5)}, {data_y()}, o); });
  EXPECT_NE(msg.find("fit: x 0 holds nan at row 2"), std::string::npos) << msg;
  EXPECT_EQ(weights_of(*m), before);
}

TEST(Robustness, FitStopsOnADivergingLossNamingTheWeight) {
  auto m = small_model();
  m->compile(Json::parse(R"({"optimizer": {"kind": "sgd", "lr": 1e30}, "loss": {"kind": "sparseCategoricalCrossEntropy", "fromLogits": true}})"));
  FitOptions o;
  o.epochs = 20;
  o.batch_size = 4;
  const std::string msg = error_of([&] { m->fit({data_x()}, {data_y()}, o); });
  EXPECT_NE(msg.find("fit: the loss became"), std::string::npos) << msg;
  EXPECT_NE(msg.find("first non-finite value:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Training stopped"), std::string::npos) << msg;
  // A sane learning rate still trains afterwards on a fresh model: the module is not left broken.
  auto ok = small_model();
  ok->compile(Json::parse(R"({"optimizer": {"kind": "sgd", "lr": 0.1}, "loss": {"kind": "sparseCategoricalCrossEntropy", "fromLogits": true}})"));
  EXPECT_NO_THROW(ok->fit({data_x()}, {data_y()}, o));
}
