// playgrad/nn/optim.h: optimizers with PyTorch's semantics and defaults, and learning-rate schedules.
//
// An optimizer holds parameter tensors (leaves with requires_grad) and updates their storage in
// place on step(), outside any graph. step() validates everything first (every gradient's shape,
// every parameter still alive) and only then changes anything; parameters without a gradient
// are skipped (as PyTorch). zero_grad() drops the gradients. Per-parameter state (moments,
// buffers, step count) is kept per parameter and can be saved and restored as JSON.
//
// Options are JSON objects with camelCase keys (the JavaScript API passes them through); an
// unknown key or a value out of range is a pg::Error before anything is built. g is the gradient,
// w the parameter, t the parameter's step count (1 on the first step):
//   sgd      {lr = 1e-3, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0}
//            g += wd·w; buf = g on the first step, then buf = momentum·buf + (1 - dampening)·g;
//            w -= lr·buf, or with nesterov w -= lr·(g + momentum·buf).
//            The course's exponential moving average update = β·update + (1 - β)·α·g is
//            momentum = dampening = β (the first step then takes the whole g, as PyTorch).
//   adagrad  {lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulator = 0, epsilon = 1e-10}
//            acc += g²; w -= lr/(1 + (t - 1)·lrDecay) · g / (√acc + eps)
//   rmsprop  {lr = 1e-2, alpha = 0.99, epsilon = 1e-8, weightDecay = 0, momentum = 0, centered = false}
//            sq = α·sq + (1 - α)·g²; avg = √sq + eps  (centered: ga = α·ga + (1 - α)·g,
//            avg = √(sq - ga²) + eps); with momentum buf = μ·buf + g/avg, w -= lr·buf;
//            else w -= lr·g/avg
//   adam     {lr = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0, amsgrad = false,
//            epsilonOn = "vhat"}
//            g += wd·w; m = β1·m + (1 - β1)·g; v = β2·v + (1 - β2)·g²;
//            (amsgrad: vmax = max(vmax, v), used for v below)
//            epsilonOn "vhat" (PyTorch's torch.optim.Adam, TensorFlow.js's tf.train.adam):
//              w -= lr/(1 - β1^t) · m / (√v / √(1 - β2^t) + eps)      eps is added to √v̂
//            epsilonOn "v" (Keras' keras.optimizers.Adam, whose eps is the paper's "epsilon hat"):
//              w -= lr·√(1 - β2^t)/(1 - β1^t) · m / (√v + eps)         eps is added to √v
//            The two agree for eps = 0; with eps > 0 Keras' eps weighs 1/√(1 - β2^t) times more
//            early on (about 31.6x at t = 1 with β2 = 0.999).
//   adamw    as adam with weightDecay = 1e-2 decoupled: w *= 1 - lr·wd before the adam step.
#pragma once
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "playgrad/tensor.h"

namespace pg::optim {

using Json = nlohmann::json;

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // The name used by make(): "sgd", "adagrad", "rmsprop", "adam", "adamw".
  virtual const char* kind() const = 0;
  // The options in effect (every key, defaults included).
  virtual Json config() const = 0;

  // One update of every parameter that has a gradient (its .grad, as backward() leaves it).
  void step();
  // The same update with the gradients given as buffers, one per parameter in params() order,
  // each params()[i].numel() floats (nullptr: no gradient, the parameter is skipped). For
  // callers that compute gradients without the graph (nn/dense_chain_trainer.h).
  void step(const std::vector<const float*>& grads);
  void zero_grad();
  double lr() const { return lr_; }
  void set_lr(double lr);  // finite and >= 0
  const std::vector<Tensor>& params() const { return params_; }

  // {"kind", "config", "state": [{"step": t, "<slot>": [floats]...} per parameter]}.
  Json state_json() const;
  // Restores what state_json() wrote, after checking it fits these parameters (throws before
  // changing anything otherwise).
  void load_state_json(const Json& j);

 protected:
  Optimizer(const char* name, std::vector<Tensor> params, double lr);
  struct ParamState {
    int64_t step = 0;
    std::map<std::string, std::vector<float>> slots;
  };
  // One update of parameter w (n floats) with gradient g; st.step is already incremented.
  virtual void update(float* w, const float* g, int64_t n, ParamState& st) = 0;
  // Slot names a saved state must have for a parameter that has stepped.
  virtual std::vector<std::string> slot_names() const = 0;
  std::vector<float>& slot(ParamState& st, const char* name, int64_t n, float init = 0.f);

  const char* name_;
  std::vector<Tensor> params_;
  std::vector<ParamState> state_;
  double lr_;
};

// Builds an optimizer by kind with options (see above); throws pg::Error on bad options, an
// empty parameter list, a parameter that is not a leaf requiring grad, or a duplicate.
std::unique_ptr<Optimizer> make(const std::string& kind, std::vector<Tensor> params,
                                const Json& options = Json::object());

// Learning-rate schedules (PyTorch's, per epoch e from 0, base lr0):
//   step:        lr0 · gamma^floor(e / stepSize)                      {stepSize, gamma = 0.1}
//   exponential: lr0 · gamma^e                                        {gamma}
//   cosine:      etaMin + (lr0 - etaMin)·(1 + cos(π·e / tMax)) / 2     {tMax, etaMin = 0}
struct Schedule {
  std::string kind;  // "step", "exponential", "cosine"
  int64_t step_size = 1;
  double gamma = 0.1;
  int64_t t_max = 1;
  double eta_min = 0;
};
Schedule parse_schedule(const Json& j);  // {"kind": ..., options}
double scheduled_lr(const Schedule& s, double lr0, int64_t epoch);

// Drives an optimizer's lr: step() moves to the next epoch and sets its lr.
class LRScheduler {
 public:
  LRScheduler(Optimizer& opt, Schedule s);
  void step();
  int64_t epoch() const { return epoch_; }
  double lr() const;

 private:
  Optimizer& opt_;
  Schedule s_;
  double lr0_;
  int64_t epoch_ = 0;
};

}  // namespace pg::optim
