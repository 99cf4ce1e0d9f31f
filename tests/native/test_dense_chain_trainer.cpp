// The fused Dense-chain training step (playgrad/nn/dense_chain_trainer.h) against the unfused
// path: the same model, seed, data and optimizer options trained with Model::train_on_batch
// (autograd + the optimizer's step) and with nn::DenseChainTrainer (its gradients, the same
// optimizer's step) must give the same losses and weights, step after step; and what does not
// fit is refused with a message, leaving the model untouched.
#include "playgrad/nn/dense_chain_trainer.h"

#include "playgrad/nn/model.h"
#include "test_util.h"

using namespace pg;
using pg::nn::Json;
using pg::nn::Model;
using pg::nn::sequential_spec;

namespace {

Json mlp(const char* act, int64_t hidden = 16) {
  return sequential_spec({2}, Json::array({
      {{"kind", "Dense"}, {"config", {{"units", hidden}, {"activation", act}}}},
      {{"kind", "Dense"}, {"config", {{"units", hidden}, {"activation", act}}}},
      {{"kind", "Dense"}, {"config", {{"units", 1}}}}}));
}

std::vector<float> parameters_flat(const Model& m) {
  std::vector<float> w;
  for (const Tensor& p : m.parameters()) {
    auto v = p.to_vector();
    w.insert(w.end(), v.begin(), v.end());
  }
  return w;
}

void compare_paths(const char* act, const Json& adam, int64_t batch, int steps) {
  Model a(mlp(act), 7), b(mlp(act), 7);
  a.compile({{"optimizer", adam}, {"loss", "mse"}});
  b.compile({{"optimizer", adam}, {"loss", "mse"}});
  ASSERT_EQ(parameters_flat(a), parameters_flat(b));
  nn::DenseChainTrainer fused(b);
  for (int s = 0; s < steps; ++s) {
    Tensor x = Tensor::rand({batch, 2}, 100 + uint64_t(s), -1.f, 1.f);
    Tensor y = Tensor::rand({batch, 1}, 200 + uint64_t(s), -1.f, 1.f);
    const double la = a.train_on_batch({x}, {y});
    const double lb = fused.step(x, y);
    EXPECT_NEAR(lb, la, 1e-6 * std::max(1.0, std::fabs(la))) << act << " step " << s;
  }
  EXPECT_EQ(fused.steps(), steps);
  // Adam divides by √v: a gradient that differs in its last bit moves a weight by up to ~lr·1e-6.
  pgt::expect_near(parameters_flat(b), parameters_flat(a), 2e-6, 1e-5);
  // And training moved the weights (the comparison is not between two untouched models).
  Model c(mlp(act), 7);
  double moved = 0;
  auto wa = parameters_flat(a), wc = parameters_flat(c);
  for (size_t i = 0; i < wa.size(); ++i) moved = std::max(moved, double(std::fabs(wa[i] - wc[i])));
  EXPECT_GT(moved, 1e-3);
}

}  // namespace

TEST(DenseChainTrainer, TanhMatchesTrainOnBatch) {
  compare_paths("tanh", {{"kind", "adam"}, {"lr", 0.01}}, 256, 20);
}

TEST(DenseChainTrainer, ReluSigmoidOddBatchAndOptions) {
  compare_paths("relu", {{"kind", "adam"}, {"lr", 0.003}, {"beta1", 0.8}, {"beta2", 0.99}, {"epsilon", 1e-6}}, 37, 10);
  compare_paths("sigmoid", {{"kind", "adam"}, {"lr", 0.02}}, 5, 10);
}

// The update is the optimizer's own step, so every optimizer and option fuses (formerly Adam
// only, through a copy of its update).
TEST(DenseChainTrainer, EveryOptimizerMatchesTrainOnBatch) {
  compare_paths("tanh", {{"kind", "sgd"}, {"lr", 0.05}, {"momentum", 0.9}, {"nesterov", true}}, 64, 10);
  compare_paths("relu", {{"kind", "adamw"}, {"lr", 0.01}, {"amsgrad", true}}, 32, 10);
  compare_paths("tanh", {{"kind", "adam"}, {"lr", 0.01}, {"weightDecay", 0.1}}, 16, 10);
  compare_paths("sigmoid", {{"kind", "rmsprop"}, {"lr", 0.01}, {"centered", true}, {"momentum", 0.5}}, 16, 10);
  compare_paths("tanh", {{"kind", "adagrad"}, {"lr", 0.1}}, 16, 10);
}

TEST(DenseChainTrainer, BatchSizeMayChangeBetweenSteps) {
  Model a(mlp("tanh", 8), 3), b(mlp("tanh", 8), 3);
  const Json o = {{"optimizer", {{"kind", "adam"}, {"lr", 0.01}}}, {"loss", "mse"}};
  a.compile(o);
  b.compile(o);
  nn::DenseChainTrainer fused(b);
  for (int64_t n : {64, 3, 64, 128}) {
    Tensor x = Tensor::rand({n, 2}, uint64_t(n), -1.f, 1.f), y = Tensor::rand({n, 1}, uint64_t(n) + 9, -1.f, 1.f);
    EXPECT_NEAR(fused.step(x, y), a.train_on_batch({x}, {y}), 1e-6);
  }
  pgt::expect_near(parameters_flat(b), parameters_flat(a), 2e-6, 1e-5);
}

TEST(DenseChainTrainer, RefusesWhatItDoesNotFuse) {
  const Json adam = {{"optimizer", "adam"}, {"loss", "mse"}};
  Model uncompiled(mlp("tanh"), 0);
  EXPECT_NE(pgt::error_of([&] { nn::DenseChainTrainer t(uncompiled); }).find("compile the model first"), std::string::npos);
  Model bce(mlp("tanh"), 0);
  bce.compile({{"optimizer", "adam"}, {"loss", "binaryCrossEntropy"}});
  EXPECT_NE(pgt::error_of([&] { nn::DenseChainTrainer t(bce); }).find("loss must be mse"), std::string::npos);
  Model soft(sequential_spec({2}, Json::array({{{"kind", "Dense"}, {"config", {{"units", 3}, {"activation", "softmax"}}}}})), 0);
  soft.compile(adam);
  EXPECT_NE(pgt::error_of([&] { nn::DenseChainTrainer t(soft); }).find("activation 'softmax'"), std::string::npos);
  Model bn(sequential_spec({2}, Json::array({{{"kind", "BatchNormalization"}}})), 0);
  bn.compile(adam);
  EXPECT_NE(pgt::error_of([&] { nn::DenseChainTrainer t(bn); }).find("only Dense layers"), std::string::npos);
  // Bad shapes: an error, and the weights are unchanged.
  Model m(mlp("tanh"), 0);
  m.compile(adam);
  nn::DenseChainTrainer t(m);
  const auto before = parameters_flat(m);
  EXPECT_NE(pgt::error_of([&] { t.step(Tensor::zeros({4, 3}), Tensor::zeros({4, 1})); }).find("x must be [N, 2]"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { t.step(Tensor::zeros({4, 2}), Tensor::zeros({5, 1})); }).find("y must be [4, 1]"), std::string::npos);
  EXPECT_EQ(parameters_flat(m), before);
  EXPECT_EQ(t.steps(), 0);
}

// A non-finite loss or gradient throws before the update: the weights and the Adam state stay as
// they were, so the next finite step gives what it gives on a model that never saw the bad batch.
TEST(DenseChainTrainer, NonFiniteLossOrGradientTakesNoStep) {
  const Json o = {{"optimizer", {{"kind", "adam"}, {"lr", 0.01}}}, {"loss", "mse"}};
  Model a(mlp("tanh", 8), 5), b(mlp("tanh", 8), 5);
  a.compile(o);
  b.compile(o);
  nn::DenseChainTrainer fused(b);
  const Tensor x = Tensor::rand({4, 2}, 1, -1.f, 1.f), y = Tensor::rand({4, 1}, 2, -1.f, 1.f);
  EXPECT_NEAR(fused.step(x, y), a.train_on_batch({x}, {y}), 1e-6);
  const auto before = parameters_flat(b);
  const Tensor ynan = Tensor::from_vector({0.f, NAN, 0.f, 0.f}, {4, 1});
  EXPECT_NE(pgt::error_of([&] { fused.step(x, ynan); }).find("the loss became nan; the step was not taken"),
            std::string::npos);
  // y = 3e38: the loss (summed in double) is finite, but the output bias's gradient, the sum of 4
  // rows of 2 (p - y) / 4 = -1.5e38, overflows float32
  const Tensor yhuge = Tensor::full({4, 1}, 3e38f);
  const std::string e = pgt::error_of([&] { fused.step(x, yhuge); });
  EXPECT_NE(e.find("is not finite (the loss was"), std::string::npos) << e;
  EXPECT_NE(e.find("the step was not taken"), std::string::npos) << e;
  EXPECT_EQ(parameters_flat(b), before);
  EXPECT_EQ(fused.steps(), 1);
  // Adam's moments were not touched either: the next step matches the model that skipped both.
  EXPECT_NEAR(fused.step(x, y), a.train_on_batch({x}, {y}), 1e-6);
  pgt::expect_near(parameters_flat(b), parameters_flat(a), 2e-6, 1e-5);
}
