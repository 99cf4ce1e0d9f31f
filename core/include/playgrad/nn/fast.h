// playgrad/fast.h: a fused training step for small dense networks (issue 6, "one call from
// JavaScript per step").
//
// MlpTrainer takes a compiled Model that is a chain  input [F] -> Dense -> Dense -> ... -> Dense
// (activations linear, tanh, relu or sigmoid; no regularizer), compiled with the loss "mse"
// (reduction mean, loss weight 1) and the optimizer "adam" (weightDecay 0, amsgrad off). step(x, y)
// then runs forward, backward and the Adam update in C++ on buffers allocated once per batch size
// (nothing is allocated while the batch size stays the same), writing the model's own weight
// storage in place. It computes what model.train_on_batch() computes with the same kernels
// (gemm, unary, unary_backward) and the same Adam formula, so the two agree to float rounding
// (tests/native/test_fast_mlp.cpp checks both after several steps):
//   z_l = a_{l-1} W_l + b_l,  a_l = act(z_l),  a_0 = x [N, F]
//   loss = mean((a_L - y)^2),  dL/da_L = 2 (a_L - y) / (N·out)
//   dz_l = act'(z_l) ⊙ da_l,  dW_l = a_{l-1}ᵀ dz_l,  db_l = Σ_rows dz_l,  da_{l-1} = dz_l W_lᵀ
//   Adam (optim.h): m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²; w -= lr/(1-β1^t) · m / (√v/√(1-β2^t) + ε)
// The trainer keeps its own Adam state (zero at creation, like a freshly compiled model); the
// model's optimizer is not advanced. lr, betas and epsilon are read from the model's compile
// options at creation. The model must outlive the trainer (it holds the weights).
#pragma once
#include <cstdint>
#include <vector>

#include "playgrad/nn/model.h"
#include "playgrad/tensor.h"

namespace pg::fast {

class MlpTrainer {
 public:
  // Throws pg::Error naming what does not fit (layer kind, activation, loss, optimizer).
  explicit MlpTrainer(nn::Model& model);
  // One step on x [N, F], y [N, out]; returns the loss before the update. Validates shapes first;
  // a non-finite loss or gradient throws before the update (weights and Adam state unchanged).
  double step(const Tensor& x, const Tensor& y);
  int64_t steps() const { return t_; }

 private:
  struct Layer {
    int64_t in = 0, out = 0;
    int act = 0;  // 0 linear, else a kernels::Unary
    Tensor kernel, bias;  // shares the model's storage
    std::vector<float> mW, vW, mb, vb, dW, db, WT;
  };
  void resize(int64_t n);
  std::vector<Layer> layers_;
  std::vector<std::vector<float>> z_, a_;  // per layer, [N, out]
  std::vector<float> xT_, g_, gprev_;      // scratch
  Tensor work_;                            // gemm's workspace (kernels::gemm_workspace)
  int64_t n_ = -1, t_ = 0;
  double lr_, b1_, b2_, eps_;
};

}  // namespace pg::fast
