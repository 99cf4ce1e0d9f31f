// Gradient check through one layer, shared by test_layers.cpp and test_layers_conv.cpp.
#pragma once
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "playgrad/nn/layers.h"
#include "test_util.h"

namespace pgt {

inline pg::GradCheckOptions layer_check_opts() {
  pg::GradCheckOptions o;
  o.eps = 1e-3;
  o.atol = 3e-3;
  o.rtol = 3e-2;
  return o;
}

// Checks a layer's backward (the caller names the layer): gradcheck (central differences) with respect to its inputs (a batch
// of `batch` random samples of in_shape each, n_inputs of them), and central differences on each
// element of each of its own parameter tensors against the gradient backward() accumulates into
// it. L = Σ w · forward(x) with fixed random w. The parameters are moved off their initial values
// first (BatchNorm's gamma = 1, zero biases, PReLU's 0.25) so every path matters.
inline void check_layer_gradients(std::unique_ptr<pg::nn::Layer> L, const pg::Shape& in_shape, bool training,
                                  const std::string& what, int64_t batch, int n_inputs = 1) {
  using namespace pg;
  L->ensure_built(std::vector<Shape>(size_t(n_inputs), in_shape), 5);
  std::vector<Tensor> xs;
  for (int i = 0; i < n_inputs; ++i) {
    Shape s = in_shape;
    s.insert(s.begin(), batch);
    xs.push_back(Tensor::randn(s, uint64_t(10 + i)).set_requires_grad());
  }
  auto params = L->params();
  for (auto& [n, t] : params) {
    Tensor noise = Tensor::randn(t.shape(), 99, 0.f, 0.1f);
    for (int64_t i = 0; i < t.numel(); ++i) t.data()[i] += noise.data()[i];
  }
  auto r = gradcheck([&](const std::vector<Tensor>& a) { return L->forward(a, training); }, xs,
                     layer_check_opts());
  EXPECT_TRUE(r.ok) << what << " (input): " << r.report;
  Shape os = L->output_shape();
  os.insert(os.begin(), batch);
  const Tensor w = Tensor::randn(os, 7);
  auto loss = [&] { return sum(mul(L->forward(xs, training), w)); };
  for (auto& [n, t] : params) t.zero_grad();
  loss().backward();
  NoGradGuard ng;
  for (auto& [pname, p] : params) {
    ASSERT_TRUE(p.grad().defined()) << what << " " << pname;
    const std::vector<float> analytic = p.grad().to_vector();
    for (int64_t i = 0; i < p.numel(); ++i) {
      const float orig = p.data()[i], h = 1e-3f;
      p.data()[i] = orig + h;
      const double lp = loss().item();
      p.data()[i] = orig - h;
      const double lm = loss().item();
      p.data()[i] = orig;
      const double numeric = (lp - lm) / (double(orig + h) - double(orig - h));
      EXPECT_NEAR(analytic[size_t(i)], numeric, 3e-3 + 3e-2 * std::fabs(numeric))
          << what << " parameter " << pname << " element " << i;
    }
  }
}

}  // namespace pgt
