// Losses: worked examples, clipping, the softmax + cross-entropy gradient, reductions and errors.
// (Their gradients against central differences are rows of the op table: op_table.cpp.)
#include "playgrad/nn/losses.h"

#include "test_util.h"

using namespace pg;
using namespace pg::losses;
using pgt::T;

TEST(Losses, WorkedExampleSparseAndCategorical) {
  // y = 1, ŷ = [0.1, 0.3, 0.6]: -log 0.3
  Tensor p = T({0.1f, 0.3f, 0.6f}, {1, 3});
  EXPECT_NEAR(sparse_categorical_cross_entropy(p, std::vector<int64_t>{1}).item(), -std::log(0.3), 1e-6);
  EXPECT_NEAR(categorical_cross_entropy(p, T({0, 1, 0}, {1, 3})).item(), -std::log(0.3), 1e-6);
  // From logits log(p): the same value (softmax(log p) = p).
  Tensor z = T({std::log(0.1f), std::log(0.3f), std::log(0.6f)}, {1, 3});
  EXPECT_NEAR(sparse_categorical_cross_entropy(z, std::vector<int64_t>{1}, true).item(), -std::log(0.3), 1e-6);
  // Two rows, mean and sum and none.
  Tensor p2 = T({0.1f, 0.3f, 0.6f, 0.7f, 0.2f, 0.1f}, {2, 3});
  const double a = -std::log(0.3), b = -std::log(0.7);
  EXPECT_NEAR(sparse_categorical_cross_entropy(p2, std::vector<int64_t>{1, 0}).item(), (a + b) / 2, 1e-6);
  EXPECT_NEAR(sparse_categorical_cross_entropy(p2, std::vector<int64_t>{1, 0}, false, Reduction::Sum).item(), a + b, 1e-6);
  Tensor none = sparse_categorical_cross_entropy(p2, std::vector<int64_t>{1, 0}, false, Reduction::None);
  EXPECT_EQ(none.shape(), (Shape{2}));
  pgt::expect_near(none.to_vector(), {float(a), float(b)}, 1e-6);
  // Labels as a float tensor.
  EXPECT_NEAR(sparse_categorical_cross_entropy(p2, T({1, 0}, {2})).item(), (a + b) / 2, 1e-6);
}

TEST(Losses, BinaryAndMseWorkedExamples) {
  Tensor p = T({0.9f, 0.2f}, {2, 1}), y = T({1, 0}, {2, 1});
  EXPECT_NEAR(binary_cross_entropy(p, y).item(), -(std::log(0.9) + std::log(0.8)) / 2, 1e-6);
  // logits z: log(1 + e^-z) for y = 1
  Tensor z = T({2.f, -1.f}, {2, 1});
  EXPECT_NEAR(binary_cross_entropy_with_logits(z, y).item(),
              (std::log1p(std::exp(-2.0)) + std::log1p(std::exp(-1.0))) / 2, 1e-6);
  EXPECT_NEAR(binary_cross_entropy(z, y, true).item(), binary_cross_entropy_with_logits(z, y).item(), 1e-7);
  EXPECT_NEAR(mse(T({1, 2, 3, 4}, {2, 2}), T({1, 0, 3, 0}, {2, 2})).item(), (4 + 16) / 4.0, 1e-6);
  pgt::expect_near(mse(T({1, 2, 3, 4}, {2, 2}), T({1, 0, 3, 0}, {2, 2}), Reduction::None).to_vector(), {2, 8});
  // contrastive: y d² + (1 - y) max(0, m - d)²
  Tensor d = T({0.5f, 0.25f, 2.f}, {3}), same = T({1, 0, 0}, {3});
  EXPECT_NEAR(contrastive(d, same, 1.f).item(), (0.25 + 0.5625 + 0) / 3, 1e-6);
}

TEST(Losses, SaturatedProbabilitiesGiveLargeFiniteLoss) {
  const double big = -std::log(1e-7);
  EXPECT_NEAR(binary_cross_entropy(T({0.f}, {1}), T({1.f}, {1})).item(), big, 1e-3);
  EXPECT_NEAR(binary_cross_entropy(T({1.f}, {1}), T({0.f}, {1})).item(), -std::log(1.0 - double(1.f - 1e-7f)), 1e-2);
  EXPECT_TRUE(std::isfinite(binary_cross_entropy(T({1.f}, {1}), T({1.f}, {1})).item()));
  EXPECT_NEAR(categorical_cross_entropy(T({1, 0}, {1, 2}), T({0, 1}, {1, 2})).item(), big, 1e-3);
  const float l = binary_cross_entropy_with_logits(T({1000.f, -1000.f}, {2}), T({0.f, 1.f}, {2})).item();
  EXPECT_NEAR(l, 1000.f, 1e-3);
  const float lc = categorical_cross_entropy(T({1000.f, -1000.f}, {1, 2}), T({0, 1}, {1, 2}), true).item();
  EXPECT_NEAR(lc, 2000.f, 1e-2);
  // Saturated inputs pass no gradient (the clip) and never NaN.
  Tensor p = T({0.f, 1.f}, {1, 2}, true);
  categorical_cross_entropy(p, T({1, 0}, {1, 2})).backward();
  for (float g : p.grad().to_vector()) EXPECT_TRUE(std::isfinite(g));
}

TEST(Losses, PyTorchClampsTheLogAtMinus100) {
  const auto R = Reduction::Mean;
  const auto P = Clip::PyTorch;
  // BCELoss: log 0 is clamped to -100, so p = 0 with y = 1 costs exactly 100 (Keras: -log 1e-7).
  EXPECT_FLOAT_EQ(binary_cross_entropy(T({0.f}, {1}), T({1.f}, {1}), false, R, P).item(), 100.f);
  EXPECT_FLOAT_EQ(binary_cross_entropy(T({1.f}, {1}), T({0.f}, {1}), false, R, P).item(), 100.f);
  EXPECT_FLOAT_EQ(binary_cross_entropy(T({1.f}, {1}), T({1.f}, {1}), false, R, P).item(), 0.f);
  EXPECT_NEAR(binary_cross_entropy(T({0.f}, {1}), T({1.f}, {1})).item(), -std::log(1e-7), 1e-3);
  // Inside (e^-100, 1 - e^-100) the two rules give the same number; Keras differs only below 1e-7.
  EXPECT_NEAR(binary_cross_entropy(T({0.3f}, {1}), T({1.f}, {1}), false, R, P).item(), -std::log(0.3), 1e-6);
  EXPECT_NEAR(binary_cross_entropy(T({1e-9f}, {1}), T({1.f}, {1}), false, R, P).item(), -std::log(1e-9), 1e-3);
  EXPECT_NEAR(binary_cross_entropy(T({1e-9f}, {1}), T({1.f}, {1})).item(), -std::log(1e-7), 1e-3);
  // Backward: (p - y) / max(p (1 - p), 1e-12), finite at the ends.
  Tensor p = T({0.f, 0.25f}, {2}, true);
  binary_cross_entropy(p, T({1.f, 1.f}, {2}), false, Reduction::Sum, P).backward();
  pgt::expect_near(p.grad().to_vector(), {-1e12f, -0.75f / (0.25f * 0.75f)}, 1e-3);
  // Categorical: NLLLoss(log p), no clamp: +Infinity at p = 0 on the true class.
  EXPECT_TRUE(std::isinf(categorical_cross_entropy(T({1, 0}, {1, 2}), T({0, 1}, {1, 2}), false, R, P).item()));
  EXPECT_NEAR(categorical_cross_entropy(T({0.1f, 0.3f, 0.6f}, {1, 3}), T({0, 1, 0}, {1, 3}), false, R, P).item(),
              -std::log(0.3), 1e-6);
  EXPECT_NEAR(sparse_categorical_cross_entropy(T({0.1f, 0.3f, 0.6f}, {1, 3}), std::vector<int64_t>{1}, false, R, P).item(),
              -std::log(0.3), 1e-6);
  EXPECT_EQ(pgt::error_of([] { binary_cross_entropy(T({1.5f}, {1}), T({1.f}, {1}), false, Reduction::Mean, Clip::PyTorch); }),
            "binaryCrossEntropy: with PyTorch's rule every probability must be in [0, 1], got 1.5 at position 0");
  EXPECT_EQ(pgt::error_of([] { parse_clip("tf"); }).rfind("loss: unknown clip 'tf'", 0), 0u);
  // By name, as compile() takes it: the spec carries the rule.
  LossSpec spec = parse_loss("binaryCrossEntropy");
  EXPECT_NEAR(compute(spec, T({0.f}, {1, 1}), T({1.f}, {1, 1})).item(), -std::log(1e-7), 1e-3);
  spec.clip = Clip::PyTorch;
  EXPECT_FLOAT_EQ(compute(spec, T({0.f}, {1, 1}), T({1.f}, {1, 1})).item(), 100.f);
  LossSpec sparse = parse_loss("sparseCategoricalCrossEntropy");
  sparse.clip = Clip::PyTorch;
  EXPECT_TRUE(std::isinf(compute(sparse, T({1.f, 0.f}, {1, 2}), T({1.f}, {1})).item()));
}

TEST(Losses, SoftmaxThenCrossEntropyHasGradientPMinusY) {
  const std::vector<float> zv = {0.5f, -1.f, 2.f, 0.1f, 0.3f, -0.2f};
  const std::vector<float> yv = {0, 0, 1, 1, 0, 0};
  Tensor z = T(zv, {2, 3}, true);
  Tensor p = softmax(z, -1);
  categorical_cross_entropy(p, T(yv, {2, 3}), false, Reduction::Sum).backward();
  const std::vector<float> pv = p.to_vector();
  std::vector<float> want(6);
  for (int i = 0; i < 6; ++i) want[size_t(i)] = pv[size_t(i)] - yv[size_t(i)];
  pgt::expect_near(z.grad().to_vector(), want, 1e-6, 1e-5);
  Tensor z2 = T(zv, {2, 3}, true);
  categorical_cross_entropy(z2, T(yv, {2, 3}), true, Reduction::Sum).backward();
  pgt::expect_near(z2.grad().to_vector(), want, 1e-6, 1e-5);
  Tensor z3 = T(zv, {2, 3}, true);
  sparse_categorical_cross_entropy(z3, std::vector<int64_t>{2, 0}, true, Reduction::Sum).backward();
  pgt::expect_near(z3.grad().to_vector(), want, 1e-6, 1e-5);
}

// Every loss's gradient against central differences: rows of the op table (op_table.cpp).

TEST(Losses, Errors) {
  Tensor p = T({0.1f, 0.3f, 0.6f, 0.7f, 0.2f, 0.1f}, {2, 3});
  EXPECT_EQ(pgt::error_of([&] { sparse_categorical_cross_entropy(p, std::vector<int64_t>{1}); }),
            "sparseCategoricalCrossEntropy: 1 labels for 2 predictions (one label per row)");
  EXPECT_EQ(pgt::error_of([&] { sparse_categorical_cross_entropy(p, std::vector<int64_t>{1, 3}); }),
            "sparseCategoricalCrossEntropy: label 3 at position 1 is out of range for 3 classes (labels are 0..2)");
  EXPECT_NE(pgt::error_of([&] { sparse_categorical_cross_entropy(p, T({0.5f, 1}, {2})); }).find("not an integer"),
            std::string::npos);
  EXPECT_NE(pgt::error_of([&] { sparse_categorical_cross_entropy(p, T({1e30f, 1}, {2})); }).find("out of range"),
            std::string::npos);
  EXPECT_EQ(pgt::error_of([&] { mse(p, T({1, 2}, {2})); }),
            "mse: prediction shape [2,3] and target shape [2] differ");
  EXPECT_NE(pgt::error_of([&] { contrastive(T({1}, {1}), T({1}, {1}), -1.f); }), "");
  EXPECT_NE(pgt::error_of([&] { parse_loss("hinge"); }).find("unknown loss"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { parse_reduction("avg"); }).find("unknown reduction"), std::string::npos);
}
