// A small CNN (two conv + relu + max-pool blocks and a dense head), built from the conv ops and
// the core's matmul, trains with plain SGD on a generated digit-like data set (seven-segment
// digits drawn at random offsets with noise): its loss falls and it learns the classes.
// The same model trains in wasm on real MNIST digits in tests/node/vision_cnn.test.mjs.
#include <cmath>
#include <cstdio>

#include "playgrad/ops/conv.h"
#include "playgrad/random.h"
#include "digits.h"
#include "test_util.h"

using namespace pg;

namespace {
constexpr int kSize = pgt::kDigitSize;

using pgt::draw_digit;  // digits.h

struct Batch {
  Tensor x, onehot;
  std::vector<int> labels;
};
Batch make_batch(int n, Rng& r) {
  std::vector<float> x(size_t(n * kSize * kSize)), y(size_t(n * 10), 0.f);
  Batch b;
  for (int i = 0; i < n; ++i) {
    const int d = int(r.below(10));
    draw_digit(d, int(r.below(3)) - 1, int(r.below(2)) - 1 + int(r.below(2)), r,
               &x[size_t(i * kSize * kSize)]);
    y[size_t(i * 10 + d)] = 1.f;
    b.labels.push_back(d);
  }
  b.x = Tensor::from_vector(x, {n, kSize, kSize, 1});
  b.onehot = Tensor::from_vector(y, {n, 10});
  return b;
}

Tensor he(const Shape& s, int64_t fan_in, uint64_t seed) {
  Tensor t = mul(Tensor::randn(s, seed), float(std::sqrt(2.0 / double(fan_in))));
  return t.set_requires_grad(true);
}
}  // namespace

TEST(Cnn, SmallConvNetLearnsDigits) {
  Tensor w1 = he({3, 3, 1, 8}, 9, 1), b1 = Tensor::zeros({8}).set_requires_grad(true);
  Tensor w2 = he({3, 3, 8, 16}, 72, 2), b2 = Tensor::zeros({16}).set_requires_grad(true);
  Tensor w3 = he({3 * 3 * 16, 10}, 144, 3), b3 = Tensor::zeros({10}).set_requires_grad(true);
  std::vector<Tensor*> params = {&w1, &b1, &w2, &b2, &w3, &b3};
  Conv2dOptions same;
  same.padding = vision::PaddingMode::Same;
  auto forward = [&](const Tensor& x) {
    Tensor h = max_pool2d(relu(conv2d(x, w1, b1, same)));  // [N,6,6,8]
    h = max_pool2d(relu(conv2d(h, w2, b2, same)));         // [N,3,3,16]
    h = reshape(h, {h.dim(0), -1});                        // flatten [N,144]
    return add(matmul(h, w3), b3);                         // logits [N,10]
  };
  Rng data(42);
  const float lr = 0.1f;
  double first = 0, last = 0;
  const int steps = 150, window = 15;
  for (int step = 0; step < steps; ++step) {
    Batch b = make_batch(32, data);
    // cross-entropy = -mean over the batch of sum(onehot * log_softmax(logits))
    Tensor loss = neg(mean(sum(mul(b.onehot, log_softmax(forward(b.x), -1)), 1)));
    const double l = loss.item();
    ASSERT_TRUE(std::isfinite(l)) << "step " << step;
    if (step < window) first += l / window;
    if (step >= steps - window) last += l / window;
    loss.backward();
    // plain SGD: p -= lr * dL/dp, in place on the leaves' storage
    for (Tensor* p : params) {
      Tensor g = p->grad();
      ASSERT_TRUE(g.defined());
      float* pd = p->data();
      const float* gd = g.data();
      for (int64_t i = 0; i < p->numel(); ++i) pd[i] -= lr * gd[i];
      p->zero_grad();
    }
  }
  EXPECT_LT(last, 0.5 * first) << "loss " << first << " -> " << last;
  // Accuracy on fresh digits.
  NoGradGuard ng;
  Batch test = make_batch(200, data);
  const auto logits = forward(test.x).to_vector();
  int correct = 0;
  for (int i = 0; i < 200; ++i) {
    int best = 0;
    for (int c = 1; c < 10; ++c)
      if (logits[size_t(i * 10 + c)] > logits[size_t(i * 10 + best)]) best = c;
    correct += best == test.labels[size_t(i)];
  }
  std::printf("cnn: loss %.3f -> %.3f, accuracy %d / 200\n", first, last, correct);
  EXPECT_GT(correct, 150) << "accuracy " << correct << " / 200; loss " << first << " -> " << last;
}
