// Anomaly mode (anomaly.h): the op that turns finite values into NaN/Infinity is named, in the
// forward (also in no-grad mode and without requires_grad) and in the backward; propagation is not
// reported; off, nothing is checked; the switch and its guard restore. And fit(): a diverging run
// names the op, epoch and batch, and leaves the weights (and moving statistics) as after the last
// finite step.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

#include "playgrad/autograd/anomaly.h"
#include "playgrad/nn/model.h"
#include "test_util.h"

using namespace pg;
using pgt::T;
using pgt::error_of;

namespace {
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();
}  // namespace

TEST(Anomaly, OffByDefaultAndOpsComputeAsBefore) {
  EXPECT_FALSE(detect_anomaly());
  // Off: exp(100) overflows silently, as in PyTorch.
  Tensor y;
  EXPECT_EQ(error_of([&] { y = exp(T({0.f, 100.f}, {2})); }), "");
  EXPECT_TRUE(std::isinf(y.to_vector()[1]));
  EXPECT_EQ(error_of([&] { (void)div(T({0.f}, {1}), T({0.f}, {1})); }), "");
}

TEST(Anomaly, SwitchReturnsThePreviousModeAndTheGuardRestores) {
  EXPECT_FALSE(set_detect_anomaly(true));
  EXPECT_TRUE(detect_anomaly());
  EXPECT_TRUE(set_detect_anomaly(false));
  EXPECT_FALSE(detect_anomaly());
  {
    DetectAnomalyGuard on;
    EXPECT_TRUE(detect_anomaly());
    {
      DetectAnomalyGuard off(false);
      EXPECT_FALSE(detect_anomaly());
    }
    EXPECT_TRUE(detect_anomaly());
  }
  EXPECT_FALSE(detect_anomaly());
  // Also when an anomaly leaves the scope as an exception.
  try {
    DetectAnomalyGuard on;
    (void)exp(T({100.f}, {1}));
    ADD_FAILURE() << "exp(100) did not throw in anomaly mode";
  } catch (const AnomalyError&) {
  }
  EXPECT_FALSE(detect_anomaly());
}

TEST(Anomaly, ForwardNamesExpOverflow) {
  DetectAnomalyGuard on;
  const std::string msg = error_of([] { (void)exp(T({0.f, 100.f, 1.f}, {3})); });
  EXPECT_EQ(msg, "anomaly: op 'exp' (input [3]) turned finite inputs into +Inf at index 1 of its output [3]");
}

TEST(Anomaly, ForwardNamesMulLogAndDiv) {
  DetectAnomalyGuard on;
  EXPECT_EQ(error_of([] { (void)mul(T({1.f, 1e30f}, {2}), T({2.f, 1e30f}, {2})); }),
            "anomaly: op 'mul' (inputs [2] and [2]) turned finite inputs into +Inf at index 1 of its output [2]");
  EXPECT_EQ(error_of([] { (void)log(T({1.f, 2.f, 0.f, 0.f}, {2, 2})); }),
            "anomaly: op 'log' (input [2,2]) turned finite inputs into -Inf at index 2 of its output [2,2]");
  EXPECT_EQ(error_of([] { (void)div(T({1.f, 0.f}, {2}), T({0.f}, {})); }),
            "anomaly: op 'div' (inputs [2] and []) turned finite inputs into +Inf at index 0 of its output [2]");
  EXPECT_EQ(error_of([] { (void)div(T({0.f}, {1}), T({0.f}, {1})); }),
            "anomaly: op 'div' (inputs [1] and [1]) turned finite inputs into NaN at index 0 of its output [1]");
  // What anomaly mode throws is a pg::Error that carries where() without the prefix.
  try {
    (void)sqrt(T({-1.f}, {1}));
    ADD_FAILURE() << "sqrt(-1) did not throw";
  } catch (const AnomalyError& e) {
    EXPECT_EQ(e.where(), "op 'sqrt' (input [1]) turned finite inputs into NaN at index 0 of its output [1]");
  }
}

TEST(Anomaly, ForwardIsCheckedInNoGradModeAndWithRequiresGrad) {
  DetectAnomalyGuard on;
  {
    NoGradGuard ng;
    EXPECT_TRUE(has(error_of([] { (void)exp(T({100.f}, {1}, true)); }), "op 'exp'"));
  }
  EXPECT_TRUE(has(error_of([] { (void)exp(T({100.f}, {1}, true)); }), "op 'exp'"));
  // A composite op reports the primitive that overflowed: mean = sum * (1/n), the sum overflows.
  EXPECT_TRUE(has(error_of([] { (void)mean(T({3e38f, 3e38f}, {2})); }),
                  "op 'sum' (input [2]) turned finite inputs into +Inf"));
  // matmul with more inputs.
  EXPECT_EQ(error_of([] { (void)matmul(T({1e20f, 1e20f}, {1, 2}), T({1e20f, 0.f}, {2, 1})); }),
            "anomaly: op 'matmul' (inputs [1,2] and [2,1]) turned finite inputs into +Inf at index 0 of its output [1,1]");
}

TEST(Anomaly, PropagationIsNotReported) {
  DetectAnomalyGuard on;
  // Inputs already non-finite: the op only passes NaN/Inf on; no error.
  Tensor x = T({kNaN, 1.f}, {2});
  EXPECT_EQ(error_of([&] { (void)add(exp(x), 1.f); }), "");
  EXPECT_EQ(error_of([&] { (void)mul(T({kInf}, {1}), T({0.f}, {1})); }), "");
  // Finite results stay silent and equal those made with the mode off.
  Tensor a = T({0.5f, -2.f, 3.f}, {3});
  const std::vector<float> on_vals = softmax(mul(exp(a), a)).to_vector();
  set_detect_anomaly(false);
  const std::vector<float> off_vals = softmax(mul(exp(a), a)).to_vector();
  set_detect_anomaly(true);
  EXPECT_EQ(on_vals, off_vals);
}

TEST(Anomaly, StridedTensorsAreScannedInRowMajorOrder) {
  Tensor x = T({1.f, 2.f, 3.f, kInf, 5.f, 6.f}, {2, 3});  // the Inf is at [1,0]
  Tensor t = transpose(x);                             // [3,2]: the Inf is at [0,1], flat 1
  EXPECT_FALSE(t.is_contiguous());
  EXPECT_EQ(first_non_finite(x), 3);
  EXPECT_EQ(first_non_finite(t), 1);
  EXPECT_EQ(first_non_finite(T({1.f, 2.f}, {2})), -1);
  EXPECT_EQ(first_non_finite(Tensor::zeros({0, 3})), -1);
  EXPECT_STREQ(non_finite_name(kNaN), "NaN");
  EXPECT_STREQ(non_finite_name(-kInf), "-Inf");
}

TEST(Anomaly, BackwardNamesSqrtAtZero) {
  Tensor x = T({0.f, 4.f}, {2}, true);
  Tensor y = sum(sqrt(x));  // forward is finite: sqrt(0) = 0
  DetectAnomalyGuard on;
  EXPECT_EQ(error_of([&] { y.backward(); }),
            "anomaly: the backward of op 'sqrt' (input [2]) turned a finite gradient into +Inf at index 0 of "
            "the gradient of its input 0 [2]");
  EXPECT_FALSE(x.grad().defined());  // nothing reached the leaf
  // The graph was freed (as after a backward that finished), and ops keep working.
  EXPECT_TRUE(has(error_of([&] { y.backward(); }), "already freed"));
  Tensor z = sum(mul(x, x));
  z.backward();
  pgt::expect_near(x.grad().to_vector(), {0.f, 8.f});
}

TEST(Anomaly, BackwardNamesTheOpWhoseBackwardItWasNotTheOpsItRuns) {
  // a / b with b = 1e-20: forward 1e20 is finite; d/db = -a/b^2 overflows (b^2 = 1e-40, a
  // subnormal float) inside div's backward, which runs mul and div itself.
  Tensor a = T({1.f}, {1}, true), b = T({1e-20f}, {1}, true);
  Tensor y = sum(div(a, b));
  DetectAnomalyGuard on;
  const std::string msg = error_of([&] { y.backward(); });
  EXPECT_EQ(msg,
            "anomaly: the backward of op 'div' (inputs [1] and [1]) turned a finite gradient into -Inf at index "
            "0 of the gradient of its input 1 [1]")
      << msg;
  // Input 0's gradient (1/b = 1e20) was finite and reached its leaf before input 1's was checked.
  ASSERT_TRUE(a.grad().defined());
  EXPECT_FLOAT_EQ(a.grad().item(), 1e20f);
  EXPECT_FALSE(b.grad().defined());
}

TEST(Anomaly, BackwardWithTheModeOffIsUnchanged) {
  Tensor x = T({0.f, 4.f}, {2}, true);
  sum(sqrt(x)).backward();
  const std::vector<float> g = x.grad().to_vector();
  EXPECT_TRUE(std::isinf(g[0]));
  EXPECT_FLOAT_EQ(g[1], 0.25f);
}

// ---- fit ----------------------------------------------------------------------------------------

namespace {
using namespace pg::nn;

std::vector<float> all_weights(const Model& m) {
  std::vector<float> all;
  for (const auto& w : m.named_weights()) {
    const std::vector<float> v = w.second.to_vector();
    all.insert(all.end(), v.begin(), v.end());
  }
  return all;
}

// y = 3 x0 - 2 x1 + 1 on 64 points in [-2, 2]^2.
std::pair<Tensor, Tensor> regression_data() {
  Tensor x = Tensor::rand({64, 2}, 5, -2.f, 2.f);
  Tensor y = Tensor::empty({64, 1});
  for (int i = 0; i < 64; ++i) y.data()[i] = 3.f * x.data()[2 * i] - 2.f * x.data()[2 * i + 1] + 1.f;
  return {x, y};
}

// Trains with SGD at `lr` and returns the error message, checking that the weights (and moving
// statistics) afterwards equal those after the last batch that finished.
std::string diverge(Model& m, double lr, int64_t* finished_batches = nullptr,
                    const std::function<void()>& after_batch = nullptr) {
  m.compile({{"optimizer", {{"kind", "sgd"}, {"lr", lr}}}, {"loss", "mse"}});
  const auto data = regression_data();  // (not a structured binding: lambdas below capture x and y)
  const Tensor x = data.first, y = data.second;
  std::vector<float> last = all_weights(m);
  int64_t batches = 0;
  FitOptions o;
  o.epochs = 50;
  o.batch_size = 16;
  o.seed = 1;
  o.has_seed = true;
  o.on_batch_end = [&](int64_t, const Logs&) {
    last = all_weights(m);
    ++batches;
    if (after_batch) after_batch();
  };
  const std::string msg = error_of([&] { m.fit({x}, {y}, o); });
  const std::vector<float> after = all_weights(m);
  EXPECT_EQ(after, last) << "the weights changed in the failing batch";
  for (float v : after) EXPECT_TRUE(std::isfinite(v));
  if (finished_batches) *finished_batches = batches;
  return msg;
}
}  // namespace

TEST(AnomalyFit, LearningRate10DivergesNamingTheOpEpochAndBatch) {
  Model m(sequential_spec({2}, Json::parse(R"([{"kind": "Dense", "config": {"units": 16, "activation": "tanh"}},
                                                {"kind": "Dense", "config": {"units": 1}}])")),
          7);
  int64_t done = 0;
  const std::string msg = diverge(m, 10.0, &done);
  ASSERT_FALSE(msg.empty()) << "lr 10 did not diverge";
  std::printf("lr 10, tanh MLP: %s\n", msg.c_str());
  EXPECT_TRUE(has(msg, "fit: the loss became ")) << msg;
  EXPECT_TRUE(has(msg, "; first non-finite value: op '")) << msg;
  EXPECT_TRUE(has(msg, "Training stopped (weights as after the last finite step)")) << msg;
  // The epoch and batch are those of the batch after the last one that finished (4 per epoch).
  EXPECT_TRUE(has(msg, "at epoch " + std::to_string(done / 4) + ", batch " + std::to_string(done % 4) + ";")) << msg;
  // Anomaly mode is off again, and a fresh model of the same spec trains at a sane learning rate.
  EXPECT_FALSE(detect_anomaly());
  Model fresh(m.spec(), 7);
  fresh.compile({{"optimizer", {{"kind", "sgd"}, {"lr", 0.05}}}, {"loss", "mse"}});
  auto [x, y] = regression_data();
  FitOptions o;
  o.epochs = 20;
  History h;
  EXPECT_NO_THROW(h = fresh.fit({x}, {y}, o));
  ASSERT_EQ(h.values["loss"].size(), 20u);
  EXPECT_LT(h.values["loss"].back(), h.values["loss"].front());
}

TEST(AnomalyFit, TheLayerAndTheLossOpAreNamed) {
  // A linear model: the weights grow by a factor ~ lr·E[x²] each step until the loss's square
  // overflows (mse: d·d) or the matmul does.
  Model m(sequential_spec({2}, Json::parse(R"([{"kind": "Dense", "config": {"units": 1}}])")), 3);
  const std::string msg = diverge(m, 10.0);
  std::printf("lr 10, linear: %s\n", msg.c_str());
  EXPECT_TRUE(has(msg, "turned finite inputs into")) << msg;
  EXPECT_TRUE(has(msg, ", in layer 'dense' (Dense)") || has(msg, ", in the loss")) << msg;
  EXPECT_TRUE(has(msg, "lower the learning rate")) << msg;
}

TEST(AnomalyFit, ReplayIsExactWithDropoutAndBatchNormAndLeavesNothingBehind) {
  Model m(sequential_spec({2}, Json::parse(R"([{"kind": "Dense", "config": {"units": 16, "activation": "relu"}},
                                                {"kind": "BatchNormalization", "config": {}},
                                                {"kind": "Dropout", "config": {"rate": 0.3, "seed": 4}},
                                                {"kind": "Dense", "config": {"units": 1}}])")),
          11);
  // all_weights includes the moving statistics: diverge() checks they are restored too. The
  // Dropout generator must also be where it was before the failed batch (the failed forward's and
  // the replay's draws are undone): compare the next draws.
  auto& drop = dynamic_cast<Dropout&>(*m.layer("dropout"));
  Rng last_rng = drop.rng;
  int64_t done = 0;
  const std::string msg = diverge(m, 1e4, &done, [&] { last_rng = drop.rng; });
  ASSERT_FALSE(msg.empty());
  ASSERT_GT(done, 0);  // so last_rng differs from the generator's start
  std::printf("lr 1e4, BN + dropout: %s\n", msg.c_str());
  EXPECT_TRUE(has(msg, "first non-finite value: op '")) << msg;
  for (int i = 0; i < 4; ++i) EXPECT_EQ(drop.rng.uniform(), last_rng.uniform());
}

TEST(AnomalyFit, AFiniteLossWithANonFiniteGradientStopsBeforeTheStep) {
  // Zero kernel: the output is 0 and the loss (0 - 1)^2 = 1 is finite, but the kernel's gradient
  // x · 2(out - y) = 3e38 · -2 overflows in the backward of matmul.
  Model m(sequential_spec({1}, Json::parse(R"([{"kind": "Dense", "config": {"units": 1, "kernelInitializer": "zeros"}}])")), 1);
  m.compile({{"optimizer", {{"kind", "sgd"}, {"lr", 0.1}}}, {"loss", "mse"}});
  const std::vector<float> before = all_weights(m);
  FitOptions o;
  o.batch_size = 1;
  const std::string msg = error_of([&] { m.fit({T({3e38f}, {1, 1})}, {T({1.f}, {1, 1})}, o); });
  EXPECT_EQ(msg,
            "fit: the gradient of weight 'dense/kernel' became non-finite (the loss was finite, 1) at epoch 0, "
            "batch 0; first non-finite value: the backward of op 'matmul' (inputs [1,1] and [1,1]) turned a "
            "finite gradient into -Inf at index 0 of the gradient of its input 1 [1,1]. Likely cause: a float32 "
            "overflow (a value beyond 3.4e38), a division by 0 or log(0): lower the learning rate or scale the "
            "inputs. Training stopped (weights as after the last finite step)");
  EXPECT_EQ(all_weights(m), before);
  EXPECT_FALSE(m.parameters()[0].grad().defined());
  EXPECT_FALSE(detect_anomaly());
}

TEST(AnomalyFit, WithAnomalyModeOnTheFirstAnomalyStopsFitTheSameWay) {
  Model m(sequential_spec({2}, Json::parse(R"([{"kind": "Dense", "config": {"units": 1}}])")), 3);
  std::string msg;  // diverge() also checks the weights equal those after the last finished batch
  {
    DetectAnomalyGuard on;
    msg = diverge(m, 10.0);
    EXPECT_TRUE(detect_anomaly());
  }
  EXPECT_TRUE(has(msg, "fit: anomaly mode found a non-finite value at epoch ")) << msg;
  EXPECT_TRUE(has(msg, "; first non-finite value: op '")) << msg;
  EXPECT_TRUE(has(msg, "Training stopped (weights as after the last finite step)")) << msg;
}
