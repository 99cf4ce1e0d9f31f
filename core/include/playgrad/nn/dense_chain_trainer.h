// playgrad/nn/dense_chain_trainer.h: a fused training step for a chain of Dense layers, one call
// per step from JavaScript.
//
// DenseChainTrainer takes a compiled Model that is a chain  input [F] -> Dense -> ... -> Dense
// (activations linear, tanh, relu or sigmoid; no regularizer) compiled with the loss "mse"
// (reduction mean, loss weight 1) and any optimizer. step(x, y) runs forward and backward with
// the operators' kernels (gemm, unary, unary_backward) on buffers allocated once per batch size
// (nothing is allocated while the batch size stays the same), then the update is the optimizer's
// own step (optim.h, Optimizer::step with the gradient buffers): one Adam, one SGD, ... for the
// graph and for this path. It computes what model.train_on_batch() computes, so the two agree to
// float rounding (tests/native/test_dense_chain_trainer.cpp checks both after several steps):
//   z_l = a_{l-1} W_l + b_l,  a_l = act(z_l),  a_0 = x [N, F]
//   loss = mean((a_L - y)^2),  dL/da_L = 2 (a_L - y) / (N·out)
//   dz_l = act'(z_l) ⊙ da_l,  dW_l = a_{l-1}ᵀ dz_l,  db_l = Σ_rows dz_l,  da_{l-1} = dz_l W_lᵀ
// The trainer makes its own optimizer at creation (the model's kind and options, its current
// learning rate; state from zero, like a freshly compiled model): the model's optimizer is not
// advanced. The model must outlive the trainer (it holds the weights).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "playgrad/nn/model.h"
#include "playgrad/nn/optim.h"
#include "playgrad/tensor.h"

namespace pg::nn {

class DenseChainTrainer {
 public:
  // Throws pg::Error naming what does not fit (layer kind, activation, loss, regularizer).
  explicit DenseChainTrainer(Model& model);
  // One step on x [N, F], y [N, out]; returns the loss before the update. Validates shapes first;
  // a non-finite loss or gradient throws before the update (weights and optimizer state unchanged).
  double step(const Tensor& x, const Tensor& y);
  int64_t steps() const { return steps_; }

 private:
  struct Layer {
    int64_t in = 0, out = 0;
    int act = 0;          // 0 linear, else 1 + a kernels::Unary
    Tensor kernel, bias;  // shares the model's storage
    std::vector<float> dW, db, WT;
  };
  void resize(int64_t n);
  std::vector<Layer> layers_;
  std::unique_ptr<optim::Optimizer> opt_;  // over kernel_0, bias_0, kernel_1, bias_1, ...
  std::vector<const float*> grads_;        // dW_0, db_0, dW_1, db_1, ...: what opt_ steps with
  std::vector<std::vector<float>> z_, a_;  // per layer, [N, out]
  std::vector<float> xT_, g_, gprev_;      // scratch
  Tensor work_;                            // gemm's workspace (kernels::gemm_workspace)
  int64_t n_ = -1, steps_ = 0;
};

}  // namespace pg::nn
