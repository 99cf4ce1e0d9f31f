// playgrad/nn/layers.h: layers (Keras names, PyTorch mechanics) and the layer registry.
//
// A Layer is built once from its input shapes (without the batch axis), creating its parameters
// from a seed; forward() then maps batched inputs to a batched output through the autograd ops,
// so gradients reach its parameters. Layers validate their input shapes on every forward() and
// throw pg::Error naming the layer and the shapes.
//
// Built in: Dense, Activation, Dropout, BatchNormalization, Concatenate, Flatten.
//
// ---- Adding a layer kind (the extension point) -------------------------------------------------
//  1. Write a class deriving from pg::nn::Layer: a constructor from its JSON config that
//     validates every option (throw with pg::fail), kind(), config() returning the same options,
//     build(), forward(), and params()/buffers() if it holds weights. See Dense in layers.cpp.
//  2. Add one line to the list in core/src/nn/layer_registry.cpp:
//        {"Conv2D", &create<Conv2D>},
//  That is all: Model's JSON loading, summary() and the JavaScript API find layers by that name
//  (pg.layers.create("Conv2D", config), and a factory per kind named like tfjs:
//  Conv2D -> pg.layers.conv2d(config); declare it in wasm/playgrad.d.ts's Layers).
//  Conventions to follow: inputs are channels-last ([N, H, W, C]); a kernel is created with
//  init::make(spec, {kh, kw, in, out}, seed) (fans as Keras); build() validates the input shapes
//  and returns the output shape without the batch axis; forward() calls check_inputs(xs) first.
// ------------------------------------------------------------------------------------------------
#pragma once
#include <cstring>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "playgrad/nn/init.h"
#include "playgrad/random.h"
#include "playgrad/tensor.h"

namespace pg::nn {

using Json = nlohmann::json;
using NamedTensor = std::pair<std::string, Tensor>;

// Weight penalties added to the loss: λ1 Σ|w| + λ2 Σw² (Keras: no 1/2 on l2).
// JSON: {"l1": λ1, "l2": λ2}; "l1"/"l2"/"l1_l2" kinds are just which of the two are non-zero.
struct Regularizer {
  float l1 = 0.f, l2 = 0.f;
  bool active() const { return l1 != 0.f || l2 != 0.f; }
  Tensor penalty(const Tensor& w) const;  // 0-d
  static Regularizer from_json(const char* layer, const Json& j);
  Json to_json() const;
};

class Layer {
 public:
  virtual ~Layer() = default;
  // The registry name, e.g. "Dense".
  virtual const char* kind() const = 0;
  // The options (Keras-style camelCase keys), enough to rebuild the layer with create_layer().
  virtual Json config() const = 0;
  // Number of inputs the layer takes: 1 for most, -1 for any number >= 1 (Concatenate).
  virtual int arity() const { return 1; }

  // Builds the layer for inputs of these shapes (batch axis excluded) and returns the output
  // shape (batch axis excluded). Validates the shapes; called once, before anything else.
  virtual Shape build(const std::vector<Shape>& input_shapes, uint64_t seed) = 0;
  // Batched inputs [N, ...]; training switches Dropout and BatchNormalization's batch statistics.
  virtual Tensor forward(const std::vector<Tensor>& xs, bool training) = 0;

  // Trainable parameters ("kernel", "bias", ...), in a fixed order.
  virtual std::vector<NamedTensor> params() { return {}; }
  // Non-trainable state saved with the model (BatchNormalization's moving statistics).
  virtual std::vector<NamedTensor> buffers() { return {}; }
  // The weight penalty of this layer (undefined Tensor when it has none).
  virtual Tensor regularization() { return Tensor(); }

  Tensor forward(const Tensor& x, bool training = false) { return forward(std::vector<Tensor>{x}, training); }
  bool built() const { return built_; }
  const std::vector<Shape>& input_shapes() const { return input_shapes_; }
  const Shape& output_shape() const { return output_shape_; }
  // Builds for these input shapes (once; later calls must pass the same shapes).
  const Shape& ensure_built(const std::vector<Shape>& input_shapes, uint64_t seed);
  // Checks batched inputs against the built input shapes (count, rank, each non-batch dim).
  void check_inputs(const std::vector<Tensor>& xs) const;

  std::string name;  // unique within a model, e.g. "dense_1"
  // Keras' layer.trainable: false freezes the layer's params() (Model::set_trainable): they leave
  // Model::parameters(), so the optimizer never updates them and count_trainable() leaves them
  // out, and they stop requiring gradients, so backward does not compute theirs.
  bool trainable = true;

 protected:
  bool built_ = false;
  std::vector<Shape> input_shapes_;
  Shape output_shape_;
};

// The layer as a T when it is one (its kind() is T::kKind), else nullptr: a checked downcast that
// needs no RTTI (the wasm build is compiled without it, for size). For the final layer classes
// that declare kKind.
template <class T>
T* layer_as(Layer* l) {
  return l && std::strcmp(l->kind(), T::kKind) == 0 ? static_cast<T*>(l) : nullptr;
}

// ---- the built-in layers ------------------------------------------------------------------------

// Activations by name: linear, sigmoid, tanh, relu, leaky_relu (slope alpha, default 0.2 as
// Keras 3), prelu (learnable slope per unit, initialised to 0.25 as PyTorch:
// prelu(x) = max(x, 0) + a·min(x, 0)), softmax (over the last axis).
void check_activation(const char* layer, const std::string& name);
Tensor activate(const std::string& name, const Tensor& x, float alpha, const Tensor& prelu_slope);
// An activation's name as activate() spells it: "leakyRelu"/"leakyrelu" -> "leaky_relu",
// "none" or "" -> "linear"; any other name as given (activate() rejects an unknown one).
std::string canonical_activation(std::string name);

// Dense {units, activation = "linear", useBias = true, kernelInitializer = "glorot_uniform",
// biasInitializer = "zeros", kernelRegularizer = {l1, l2}, alpha (leaky_relu), seed?}
// y = act(x W + b), x [N, in] (or [N, T, in]), W [in, units], b [units].
class Dense final : public Layer {
 public:
  explicit Dense(const Json& config);
  static constexpr const char* kKind = "Dense";
  const char* kind() const override { return kKind; }
  Json config() const override;
  Shape build(const std::vector<Shape>& in, uint64_t seed) override;
  Tensor forward(const std::vector<Tensor>& xs, bool training) override;
  std::vector<NamedTensor> params() override;
  Tensor regularization() override;
  using Layer::forward;

  int64_t units = 0;
  std::string activation = "linear";
  bool use_bias = true;
  float alpha = 0.2f;
  init::Spec kernel_init, bias_init;
  Regularizer kernel_reg;
  Tensor kernel, bias, slope;
};

// Activation {activation, alpha}: the same names as Dense (prelu gets a slope per last-axis unit).
class Activation final : public Layer {
 public:
  explicit Activation(const Json& config);
  static constexpr const char* kKind = "Activation";
  const char* kind() const override { return kKind; }
  Json config() const override;
  Shape build(const std::vector<Shape>& in, uint64_t seed) override;
  Tensor forward(const std::vector<Tensor>& xs, bool training) override;
  std::vector<NamedTensor> params() override;
  using Layer::forward;
  std::string activation;
  float alpha = 0.2f;
  Tensor slope;
};

// Dropout {rate, seed?}: inverted dropout. Training: y = x·mask/(1 - rate), mask[i] = (u_i >= rate)
// with u_i uniform [0, 1) from the layer's own seeded generator; inference: y = x.
// last_mask: the mask (values 0 or 1/(1 - rate)) of the latest training-mode forward, i.e. of the
// batch the latest training step used, with its shape last_mask_shape (empty before the first
// one). Kept as plain floats, not a Tensor: a record of the step, not part of any graph.
class Dropout final : public Layer {
 public:
  explicit Dropout(const Json& config);
  static constexpr const char* kKind = "Dropout";
  const char* kind() const override { return kKind; }
  Json config() const override;
  Shape build(const std::vector<Shape>& in, uint64_t seed) override;
  Tensor forward(const std::vector<Tensor>& xs, bool training) override;
  using Layer::forward;
  float rate = 0.5f;
  bool has_seed = false;
  uint64_t seed = 0;
  Rng rng{0};
  std::vector<float> last_mask;
  Shape last_mask_shape;
};

// BatchNormalization {momentum = 0.99, epsilon = 1e-3, center = true, scale = true, unbiasedMovingVariance = false} over the
// last axis (features; statistics over every other axis). Training: batch mean μ and biased
// variance σ², y = γ (x - μ)/√(σ² + eps) + β, then moving = momentum·moving + (1 - momentum)·batch
// (for both mean and variance, as Keras). Inference: the moving statistics replace μ and σ².
class BatchNormalization : public Layer {
 public:
  explicit BatchNormalization(const Json& config);
  const char* kind() const override { return "BatchNormalization"; }
  Json config() const override;
  Shape build(const std::vector<Shape>& in, uint64_t seed) override;
  Tensor forward(const std::vector<Tensor>& xs, bool training) override;
  std::vector<NamedTensor> params() override;
  std::vector<NamedTensor> buffers() override;
  using Layer::forward;
  float momentum = 0.99f, epsilon = 1e-3f;
  bool center = true, scale = true;
  // false (Keras): the moving variance averages the biased batch variance (divide by m); true
  // (PyTorch): the unbiased one (divide by m - 1; a training batch of 1 is then an error).
  bool unbiased_moving_variance = false;
  Tensor gamma, beta, moving_mean, moving_var;
};

// Concatenate {axis = -1}: joins its inputs along an axis (the batch axis excluded).
class Concatenate : public Layer {
 public:
  explicit Concatenate(const Json& config);
  const char* kind() const override { return "Concatenate"; }
  Json config() const override;
  int arity() const override { return -1; }
  Shape build(const std::vector<Shape>& in, uint64_t seed) override;
  Tensor forward(const std::vector<Tensor>& xs, bool training) override;
  int axis = -1;
};

// Flatten {}: [N, d1, d2, ...] -> [N, d1·d2·...].
class Flatten : public Layer {
 public:
  explicit Flatten(const Json& config);
  const char* kind() const override { return "Flatten"; }
  Json config() const override { return Json::object(); }
  Shape build(const std::vector<Shape>& in, uint64_t seed) override;
  Tensor forward(const std::vector<Tensor>& xs, bool training) override;
};

// ---- the registry ---------------------------------------------------------------------------------

using LayerFactory = std::unique_ptr<Layer> (*)(const Json& config);
template <class L>
std::unique_ptr<Layer> create(const Json& config) {
  return std::make_unique<L>(config);
}
// Creates a layer by kind ("Dense", ...) from its config; throws pg::Error naming the known kinds.
std::unique_ptr<Layer> create_layer(const std::string& kind, const Json& config = Json::object());
std::vector<std::string> layer_kinds();

// Helpers for layer implementations: typed config reads with readable errors.
namespace cfg {
void check_keys(const char* layer, const Json& j, std::initializer_list<const char*> known);
double number(const char* layer, const Json& j, const char* key, double def);
int64_t integer(const char* layer, const Json& j, const char* key, int64_t def);  // json::integer
bool boolean(const char* layer, const Json& j, const char* key, bool def);
std::string string(const char* layer, const Json& j, const char* key, const std::string& def);
init::Spec initializer(const char* layer, const Json& j, const char* key, const char* def);
Json initializer_json(const init::Spec& s);
}  // namespace cfg

}  // namespace pg::nn
