// Op values against hand-computed results, errors, and the autograd semantics. (Every op's
// gradient against central differences is the op table's: test_op_table.cpp.)
#include <cstring>

#include "test_util.h"

using namespace pg;
using pgt::error_of;
using pgt::expect_near;
using pgt::T;

TEST(Ops, ElementwiseValues) {
  Tensor a = T({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor b = T({10, 20, 30}, {3});
  expect_near(add(a, b).to_vector(), {11, 22, 33, 14, 25, 36});
  expect_near(sub(a, b).to_vector(), {-9, -18, -27, -6, -15, -24});
  expect_near(mul(a, T({2, 3}, {2, 1})).to_vector(), {2, 4, 6, 12, 15, 18});
  expect_near(div(a, b).to_vector(), {0.1f, 0.1f, 0.1f, 0.4f, 0.25f, 0.2f});
  expect_near(neg(a).to_vector(), {-1, -2, -3, -4, -5, -6});
  expect_near(pow(a, 2).to_vector(), {1, 4, 9, 16, 25, 36}, 1e-5);
  expect_near(exp(T({0, 1, -1}, {3})).to_vector(), {1, 2.7182817f, 0.36787945f});
  expect_near(log(T({1, 2.7182817f, 10}, {3})).to_vector(), {0, 1, 2.3025851f});
  expect_near(sqrt(T({4, 2}, {2})).to_vector(), {2, 1.4142135f});
  expect_near(abs(T({-3, 0, 2}, {3})).to_vector(), {3, 0, 2});
  expect_near(sigmoid(T({0, 2, -100, 100}, {4})).to_vector(), {0.5f, 0.880797f, 0, 1});
  expect_near(tanh(T({0, 0.5f, -20}, {3})).to_vector(), {0, 0.46211716f, -1});
  expect_near(relu(T({-1, 0, 2}, {3})).to_vector(), {0, 0, 2});
  expect_near(leaky_relu(T({-1, 0, 2}, {3}), 0.1f).to_vector(), {-0.1f, 0, 2});
  // Broadcasting both ways: [3,1] with [1,4] -> [3,4].
  Tensor c = add(T({1, 2, 3}, {3, 1}), T({10, 20, 30, 40}, {1, 4}));
  EXPECT_EQ(c.shape(), (Shape{3, 4}));
  expect_near(c.to_vector(), {11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43});
  // 4-d broadcasting.
  Tensor d = mul(Tensor::ones({2, 1, 3, 1}), T({1, 2}, {2, 1, 1}));
  EXPECT_EQ(d.shape(), (Shape{2, 2, 3, 1}));
}

TEST(Ops, ReductionsAndShapes) {
  Tensor a = T({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_FLOAT_EQ(sum(a).item(), 21);
  EXPECT_EQ(sum(a).shape(), Shape{});
  EXPECT_EQ(sum(a, std::nullopt, true).shape(), (Shape{1, 1}));
  expect_near(sum(a, 0).to_vector(), {5, 7, 9});
  expect_near(sum(a, -1, true).to_vector(), {6, 15});
  EXPECT_EQ(sum(a, -1, true).shape(), (Shape{2, 1}));
  expect_near(mean(a, 1).to_vector(), {2, 5});
  EXPECT_FLOAT_EQ(mean(a).item(), 3.5f);
  expect_near(max(a, 0).to_vector(), {4, 5, 6});
  expect_near(max(a, 1).to_vector(), {3, 6});
  EXPECT_FLOAT_EQ(max(a).item(), 6);
  expect_near(min(a, 0).to_vector(), {1, 2, 3});
  expect_near(min(a, 1).to_vector(), {1, 4});
  EXPECT_FLOAT_EQ(min(a).item(), 1);
  EXPECT_EQ(min(a, 1, true).shape(), (Shape{2, 1}));
  EXPECT_FLOAT_EQ(min(T({3, -0.5f, 7}, {3})).item(), -0.5f);
  EXPECT_TRUE(std::isnan(min(T({3, NAN, -7}, {3})).item()));  // a NaN is the min, as max
  // The gradient goes to the first position holding the min.
  Tensor m = T({2, 1, 1, 5}, {4}).set_requires_grad();
  min(m).backward();
  expect_near(m.grad().to_vector(), {0, 1, 0, 0});
  expect_near(matmul(a, T({1, 0, 0, 1, 1, 1}, {3, 2})).to_vector(), {4, 5, 10, 11});
  expect_near(transpose(a).to_vector(), {1, 4, 2, 5, 3, 6});
  EXPECT_EQ(reshape(a, {3, -1}).shape(), (Shape{3, 2}));
}

TEST(Ops, SoftmaxStableForLargeLogits) {
  Tensor z = T({1000, 999, 998}, {1, 3});
  expect_near(softmax(z).to_vector(), {0.66524094f, 0.24472847f, 0.09003057f});
  expect_near(log_softmax(z).to_vector(), {-0.40760596f, -1.4076059f, -2.4076059f}, 1e-5);
  expect_near(softmax(T({-1000, 0}, {2})).to_vector(), {0, 1});
  // Along axis 0.
  Tensor s0 = softmax(T({0, 0, 1, 1}, {2, 2}), 0);
  expect_near(s0.to_vector(), {0.26894142f, 0.26894142f, 0.7310586f, 0.7310586f});
  // Softmax cross-entropy gradient is p - y.
  Tensor logits = T({2, 1, 0.1f}, {3}, true);
  Tensor y = T({0, 1, 0}, {3});
  neg(sum(mul(y, log_softmax(logits)))).backward();
  Tensor p = softmax(logits.detach());
  expect_near(logits.grad().to_vector(), sub(p, y).to_vector(), 1e-6);
}

TEST(Ops, ErrorsNameOpAndShapes) {
  EXPECT_EQ(error_of([] { matmul(Tensor::zeros({2, 3}), Tensor::zeros({2, 3})); }),
            "matmul: shapes [2,3] and [2,3] do not align");
  EXPECT_EQ(error_of([] { add(Tensor::zeros({2, 3}), Tensor::zeros({4})); }),
            "add: shapes [2,3] and [4] cannot broadcast");
  EXPECT_EQ(error_of([] { sum(Tensor::zeros({2, 3}), 2); }),
            "sum: axis 2 is out of range for a tensor with 2 dimensions");
  EXPECT_EQ(error_of([] { reshape(Tensor::zeros({2, 3}), {4, 2}); }),
            "reshape: cannot reshape [2,3] (6 elements) into [4,2] (8 elements)");
  EXPECT_NE(error_of([] { max(Tensor::zeros({0, 3}), 0); }).find("empty"), std::string::npos);
  EXPECT_EQ(error_of([] { min(Tensor::zeros({0, 3}), 0); }), "min: axis 0 of shape [0,3] is empty");
  EXPECT_EQ(error_of([] { min(Tensor::zeros({0})); }), "min: tensor of shape [0] is empty");
  EXPECT_NE(error_of([] { mean(Tensor::zeros({0})); }).find("zero elements"), std::string::npos);
  EXPECT_NE(error_of([] { softmax(Tensor::zeros({3, 0})); }).find("empty"), std::string::npos);
  EXPECT_NE(error_of([] { pow(Tensor::ones({2}), NAN); }).find("exponent must be finite"),
            std::string::npos);
  EXPECT_NE(error_of([] { matmul(Tensor::zeros({2, 2, 3}), Tensor::zeros({3, 3, 2})); })
                .find("different batch sizes"),
            std::string::npos);
  EXPECT_NE(error_of([] { matmul(Tensor::zeros({3}), Tensor::zeros({3})); }).find("2-d"),
            std::string::npos);
}

// ---- autograd semantics -----------------------------------------------------------------------

TEST(Autograd, AccumulatesWhenUsedTwice) {
  Tensor x = T({3}, {}, true);
  Tensor y = add(mul(x, x), x);  // y = x^2 + x, dy/dx = 2x + 1 = 7
  y.backward();
  EXPECT_FLOAT_EQ(x.grad().item(), 7);
  // A second graph adds into .grad (as PyTorch), zero_grad clears it.
  add(mul(x, x), x).backward();
  EXPECT_FLOAT_EQ(x.grad().item(), 14);
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
}

TEST(Autograd, SameGradientsOnAFreshGraph) {
  Tensor w = Tensor::randn({4, 3}, 1).set_requires_grad();
  Tensor xin = Tensor::randn({5, 4}, 2);
  auto run = [&] {
    w.zero_grad();
    sum(tanh(matmul(xin, w))).backward();
    return w.grad().to_vector();
  };
  EXPECT_EQ(run(), run());
}

TEST(Autograd, MatmulWeightGradientHasTheBitsOfATransposeTimesG) {
  // matmul's backward computes dB = A^T g as (g^T A)^T when g has few columns (a dense layer's
  // outputs): the same products in the same order, so the same bits as A^T g itself. Shapes on
  // both sides of the choice, odd sizes included.
  const int64_t shapes[][3] = {{32, 784, 10}, {256, 16, 1}, {7, 5, 3}, {32, 10, 784},
                               {64, 64, 64}, {1, 9, 2}, {0, 4, 3}};
  for (const auto& s : shapes) {
    const int64_t M = s[0], K = s[1], N = s[2];
    Tensor a = Tensor::randn({M, K}, 41);
    Tensor b = Tensor::randn({K, N}, 42).set_requires_grad();
    Tensor gcoef = Tensor::randn({M, N}, 43);
    sum(mul(matmul(a, b), gcoef)).backward();  // dL/d(matmul) = gcoef exactly
    Tensor want = matmul(transpose(a), gcoef);
    ASSERT_EQ(b.grad().shape(), want.shape());
    const auto got = b.grad().to_vector(), w = want.to_vector();
    EXPECT_EQ(std::memcmp(got.data(), w.data(), got.size() * sizeof(float)), 0)
        << M << "x" << K << "x" << N;
  }
}

TEST(Autograd, UnaryBackwardOverItsOwnGradientHasTheKernelsBits) {
  // The gradient reaching relu / tanh / sigmoid here is mul's fresh result (gcoef exactly), which
  // nothing else holds: the backward writes x's gradient over it. The bits are the kernel's on
  // separate buffers.
  namespace K = pg::kernels;
  const std::pair<K::Unary, Tensor (*)(const Tensor&)> ops[] = {
      {K::Unary::Relu, relu}, {K::Unary::Tanh, pg::tanh}, {K::Unary::Sigmoid, sigmoid}};
  for (const auto& [kind, f] : ops) {
    Tensor x = Tensor::randn({1000}, 51).set_requires_grad();
    Tensor gcoef = Tensor::randn({1000}, 52);
    Tensor y = f(x);
    sum(mul(y, gcoef)).backward();
    std::vector<float> want(1000);
    K::scalar::unary_backward(kind, x.data(), y.data(), gcoef.data(), want.data(), 1000, 0.f);
    const auto got = x.grad().to_vector();
    EXPECT_EQ(std::memcmp(got.data(), want.data(), want.size() * sizeof(float)), 0);
  }
}

TEST(Autograd, GraphReleasedAfterBackward) {
  Tensor x = T({1, 2}, {2}, true);
  Tensor y = sum(exp(x));
  y.backward();
  EXPECT_TRUE(y.impl()->inputs.empty());
  EXPECT_FALSE(static_cast<bool>(y.impl()->grad_fn));
  EXPECT_NE(error_of([&] { y.backward(); }).find("already freed"), std::string::npos);
}

TEST(Autograd, NoGradAndDetach) {
  Tensor x = T({1, 2}, {2}, true);
  {
    NoGradGuard ng;
    Tensor y = mul(x, x);
    EXPECT_FALSE(y.requires_grad());
  }
  Tensor d = x.detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_EQ(d.impl()->storage, x.impl()->storage);
  Tensor y = sum(mul(d, x));  // only x's path carries gradient
  y.backward();
  expect_near(x.grad().to_vector(), {1, 2});
  EXPECT_NE(error_of([] { sum(T({1, 2}, {2})).backward(); }).find("does not require grad"),
            std::string::npos);
  EXPECT_NE(error_of([] { mul(T({1, 2}, {2}, true), 2.f).backward(); }).find("one-element"),
            std::string::npos);
  // will_record: what record() decides, asked before an op's forward
  EXPECT_TRUE(will_record({d, x}));
  EXPECT_FALSE(will_record({d}));
  {
    NoGradGuard ng;
    EXPECT_FALSE(will_record({x}));
  }
}

TEST(Autograd, DeepGraphIsIterative) {
  // 100,000 chained ops: a recursive sweep would overflow the stack.
  Tensor x = T({0.5f}, {1}, true);
  Tensor y = x;
  for (int i = 0; i < 100000; ++i) y = add(y, 1e-6f);
  sum(y).backward();
  EXPECT_FLOAT_EQ(x.grad().item(), 1);
}

// Every op's gradient against central differences, broadcasting and random shapes included:
// the op table (op_table.cpp, test_op_table.cpp).
