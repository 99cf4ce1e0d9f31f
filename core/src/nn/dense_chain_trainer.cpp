// The fused Dense-chain training step (playgrad/nn/dense_chain_trainer.h): forward, MSE and
// backward on buffers that are allocated once per batch size, then the optimizer's own step.
// Kernels are the operators' own (pg::kernels::simd), so the numbers are those of the autograd
// path up to the order of a few sums.
#include "playgrad/nn/dense_chain_trainer.h"

#include <algorithm>
#include <cmath>

#include "playgrad/error.h"
#include "playgrad/kernels/kernels.h"
#include "playgrad/nn/layers.h"

namespace pg::nn {

namespace k = pg::kernels;

DenseChainTrainer::DenseChainTrainer(Model& model) {
  const char* op = "denseChainTrainer";
  if (!model.compiled()) fail(op, ": compile the model first");
  if (model.num_inputs() != 1 || model.num_outputs() != 1) fail(op, ": the model must have one input and one output");
  const Json& spec = model.spec();
  const Json& nodes = spec["nodes"];
  // A chain: node 0 is the input, node i (i >= 1) applies a layer to node i - 1.
  if (nodes.size() < 2 || !nodes[0].contains("input") || spec["inputs"][0] != 0 ||
      spec["outputs"][0] != nodes.size() - 1)
    fail(op, ": the model must be a chain input -> Dense -> ... -> Dense");
  for (size_t i = 1; i < nodes.size(); ++i)
    if (!nodes[i].contains("inbound") || nodes[i]["inbound"].size() != 1 || nodes[i]["inbound"][0] != i - 1)
      fail(op, ": the model must be a chain input -> Dense -> ... -> Dense");
  if (model.input_shape(0).size() != 1) fail(op, ": the input must be a vector of features");
  if (model.layers().size() != nodes.size() - 1) fail(op, ": a layer is applied more than once");
  int64_t in = model.input_shape(0)[0];
  for (const auto& l : model.layers()) {
    auto* d = layer_as<Dense>(l.get());
    if (!d) fail(op, ": layer '", l->name, "' is a ", l->kind(), "; only Dense layers are fused");
    Layer L;
    if (d->activation == "linear") L.act = 0;
    else if (d->activation == "tanh") L.act = 1 + int(k::Unary::Tanh);
    else if (d->activation == "relu") L.act = 1 + int(k::Unary::Relu);
    else if (d->activation == "sigmoid") L.act = 1 + int(k::Unary::Sigmoid);
    else fail(op, ": layer '", l->name, "' has activation '", d->activation, "' (fused: linear, tanh, relu, sigmoid)");
    if (d->regularization().defined()) fail(op, ": layer '", l->name, "' has a regularizer");
    if (!d->use_bias) fail(op, ": layer '", l->name, "' has no bias");
    L.in = in;
    L.out = d->units;
    L.kernel = d->kernel;
    L.bias = d->bias;
    in = d->units;
    layers_.push_back(std::move(L));
  }
  const Json& c = model.compile_options();
  const Json& loss = c["loss"];
  if (loss.size() != 1 || loss[0]["kind"] != "mse") fail(op, ": the loss must be mse");
  if (c["lossWeights"].size() != 1 || c["lossWeights"][0].get<double>() != 1.0) fail(op, ": the loss weight must be 1");
  // The optimizer: the model's kind and options at its current learning rate, over the weights
  // in layer order; its state starts from zero, as a freshly compiled model's.
  Json o = c["optimizer"];
  const std::string kind = o["kind"].get<std::string>();
  o.erase("kind");
  o["lr"] = model.optimizer()->lr();
  std::vector<Tensor> params;
  for (Layer& L : layers_) {
    L.dW.assign(size_t(L.in * L.out), 0.f);
    L.WT.assign(size_t(L.in * L.out), 0.f);
    L.db.assign(size_t(L.out), 0.f);
    params.push_back(L.kernel);
    params.push_back(L.bias);
    grads_.push_back(L.dW.data());
    grads_.push_back(L.db.data());
  }
  opt_ = optim::make(kind, params, o);
}

void DenseChainTrainer::resize(int64_t n) {
  if (n == n_) return;
  z_.resize(layers_.size());
  a_.resize(layers_.size());
  size_t widest = 0, work = 0;
  for (size_t l = 0; l < layers_.size(); ++l) {
    const size_t in = size_t(layers_[l].in), out = size_t(layers_[l].out), N = size_t(n);
    z_[l].assign(N * out, 0.f);
    a_[l].assign(N * out, 0.f);
    widest = std::max({widest, in, out});
    // the three gemms of step(): forward, dW, da_in
    work = std::max({work, k::gemm_workspace(N, out, in), k::gemm_workspace(in, out, N),
                     k::gemm_workspace(N, in, out)});
  }
  work_ = Tensor::empty({int64_t(work)});
  xT_.assign(size_t(n) * widest, 0.f);
  g_.assign(size_t(n) * widest, 0.f);
  gprev_.assign(size_t(n) * widest, 0.f);
  n_ = n;
}

double DenseChainTrainer::step(const Tensor& x, const Tensor& y) {
  const char* op = "denseChainTrainer.step";
  const int64_t F = layers_.front().in, O = layers_.back().out;
  if (x.ndim() != 2 || x.dim(1) != F) fail(op, ": x must be [N, ", F, "], got ", shape_str(x.shape()));
  if (y.ndim() != 2 || y.dim(1) != O || y.dim(0) != x.dim(0))
    fail(op, ": y must be [", x.dim(0), ", ", O, "], got ", shape_str(y.shape()));
  const int64_t N = x.dim(0);
  if (N < 1) fail(op, ": the batch is empty");
  for (const Layer& L : layers_)
    if (L.kernel.numel() != L.in * L.out || L.bias.numel() != L.out) fail(op, ": the model's weights changed shape");
  resize(N);
  const Tensor xc = x.contiguous(), yc = y.contiguous();
  const size_t nL = layers_.size();
  // Forward: z = a W (gemm), z += b (row by row, as the broadcast add), a = act(z).
  const float* in = xc.data();
  for (size_t l = 0; l < nL; ++l) {
    Layer& L = layers_[l];
    float* z = z_[l].data();
    k::simd::gemm(size_t(N), size_t(L.out), size_t(L.in), in, L.kernel.data(), z, work_.data());
    for (int64_t r = 0; r < N; ++r) k::simd::binary(k::Binary::Add, z + r * L.out, 1, L.bias.data(), 1, z + r * L.out, size_t(L.out));
    if (L.act) k::simd::unary(k::Unary(L.act - 1), z, a_[l].data(), size_t(N * L.out), 0.f);
    else std::copy(z, z + N * L.out, a_[l].data());
    in = a_[l].data();
  }
  // Loss and its gradient: mean((p - y)^2) over N·O elements; d = 2 (p - y) / (N·O).
  const float* p = a_[nL - 1].data();
  const float* t = yc.data();
  const size_t m = size_t(N * O);
  double loss = 0;
  const float scale = 2.f / float(m);
  float* g = g_.data();
  for (size_t i = 0; i < m; ++i) {
    const float d = p[i] - t[i];
    loss += double(d) * double(d);
    g[i] = scale * d;
  }
  loss /= double(m);
  // Backward, last layer first.
  for (size_t li = nL; li-- > 0;) {
    Layer& L = layers_[li];
    const size_t no = size_t(N * L.out);
    if (L.act) k::simd::unary_backward(k::Unary(L.act - 1), z_[li].data(), a_[li].data(), g, g, no, 0.f);
    const float* ain = li == 0 ? xc.data() : a_[li - 1].data();
    // dW = a_inᵀ g: [in, N] x [N, out]
    k::transpose2d(ain, xT_.data(), size_t(N), size_t(L.in));
    k::simd::gemm(size_t(L.in), size_t(L.out), size_t(N), xT_.data(), g, L.dW.data(), work_.data());
    // db = Σ_rows g
    std::fill(L.db.begin(), L.db.end(), 0.f);
    for (int64_t r = 0; r < N; ++r) k::simd::accumulate(g + r * L.out, L.db.data(), size_t(L.out));
    if (li > 0) {  // da_in = g Wᵀ: [N, out] x [out, in]
      k::transpose2d(L.kernel.data(), L.WT.data(), size_t(L.in), size_t(L.out));
      k::simd::gemm(size_t(N), size_t(L.in), size_t(L.out), g, L.WT.data(), gprev_.data(), work_.data());
      std::swap(g_, gprev_);
      g = g_.data();
    }
  }
  // A non-finite loss or gradient takes no step (fit() in train.cpp refuses it too): the update
  // would write NaN into the weights and the optimizer's state for good.
  if (!std::isfinite(loss))
    fail(op, ": the loss became ", loss, "; the step was not taken (weights and optimizer state as before). ",
         "Check x and y for NaN/Infinity, or lower the learning rate");
  for (size_t l = 0; l < nL; ++l) {
    const Layer& L = layers_[l];
    if (!k::all_finite(L.dW.data(), L.dW.size()) || !k::all_finite(L.db.data(), L.db.size()))
      fail(op, ": the gradient of layer ", l, " (", L.in, " -> ", L.out, ") is not finite (the loss was ", loss,
           "); the step was not taken (weights and optimizer state as before). Lower the learning rate");
  }
  opt_->step(grads_);
  ++steps_;
  return loss;
}

}  // namespace pg::nn
