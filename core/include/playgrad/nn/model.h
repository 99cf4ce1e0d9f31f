// playgrad/nn/model.h: models (Sequential and a functional graph with several inputs and outputs),
// compile/fit/evaluate/predict, callbacks, summary() and JSON save/load.
//
// A model is a graph of nodes: input nodes (a shape without the batch axis) and layer nodes (a
// layer applied to earlier nodes). The same layer object may be applied more than once (shared
// weights, e.g. a Siamese tower). The graph is described by a JSON spec:
//   {"layers": [{"kind": "Dense", "name": "dense", "config": {...}}, ...],
//    "nodes":  [{"input": [4], "name": "input_1"}, {"layer": "dense", "inbound": [0]}, ...],
//    "inputs": [0, ...], "outputs": [k, ...]}
// (node indices; inbound nodes come before the node). GraphBuilder writes it from C++,
// pg.model()/pg.sequential() from JavaScript. Layers get their seeds from the model's seed and
// their position, so the same spec and seed give the same weights everywhere.
//
// Training (compile, then fit):
//   total loss = Σ_k lossWeights[k] · loss_k(output_k, y_k) + Σ_layers regularization
//   fit: per epoch, the training rows are shuffled (seeded Fisher-Yates, without replacement) and
//   split into batches of batchSize (the last one smaller); each batch: zero_grad, forward in
//   training mode, total loss, backward, optimizer step. The epoch's "loss" is the mean of the
//   batch losses weighted by batch size (regularization included, as Keras). validationSplit
//   takes the last fraction of the rows (before shuffling, as Keras) for "val_loss"/"val_<metric>".
//   Metrics: "accuracy" (argmax vs argmax of one-hot targets or vs integer labels; for one
//   output unit: (p > 0.5) vs y), "binaryAccuracy" ((p > 0.5) == (y > 0.5)), "mse".
//   Callbacks: early stopping (monitor, mode, patience, minDelta, restoreBestWeights, baseline)
//   and reduce-lr-on-plateau as Keras (callbacks.h), an lr schedule or lr function per epoch, and epoch/batch callbacks receiving the logs (epoch may stop).
//
// Save/load: to_json() writes {"format": "playgrad-model", "version": 1, "seed", "spec",
// "weights": {"<layer>/<weight>": {"shape", "data"}}, "compile", "optimizer": state} with every
// float written exactly (it reads back bit-identical), so a model saved natively predicts the
// same in wasm.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "playgrad/nn/callbacks.h"
#include "playgrad/nn/losses.h"
#include "playgrad/nn/layers.h"
#include "playgrad/nn/optim.h"

namespace pg::nn {

struct ProbeResult;  // playgrad/nn/probe.h

// A node of a graph under construction.
struct Sym {
  int node = -1;
};

// Writes a model spec from C++: the functional API.
//   GraphBuilder g; Sym a = g.input({4}), b = g.input({4});
//   Sym h = g.apply("Dense", {{"units", 30}}, {a}); ...; Model m(g.spec({a, b}, {out}), seed);
class GraphBuilder {
 public:
  Sym input(const Shape& shape, const std::string& name = "");
  // A new layer of this kind applied to these nodes; returns the layer's output node.
  Sym apply(const std::string& kind, const Json& config, const std::vector<Sym>& inputs,
            const std::string& name = "");
  // The already-added layer `layer_name` applied again (shared weights).
  Sym reuse(const std::string& layer_name, const std::vector<Sym>& inputs);
  Json spec(const std::vector<Sym>& inputs, const std::vector<Sym>& outputs) const;

 private:
  Json layers_ = Json::array(), nodes_ = Json::array();
  std::map<std::string, int> counts_;
};

// A spec for a chain of layers: [{"kind", "config"}...] after one input of input_shape.
Json sequential_spec(const Shape& input_shape, const Json& layers);

// A spec from a graph described by names, in any order (graph.cpp): {nodes: [{name, kind: "Input",
// shape} | {name, kind, config, inputs: [names]}], outputs: [names]}. Orders the nodes (Kahn's
// algorithm, description order among the ready ones) and refuses, with the nodes named, what Keras
// cannot build: a cycle, a layer with no input (its outputs are reachable from no input), a
// Concatenate of fewer than 2 tensors, an unknown or repeated name; and an input that reaches no
// output (Keras accepts and ignores it; here it is taken for the mistake it nearly always is). Layers that lead to no output are
// left out, as Keras leaves them out. Returns {spec, unused: [names left out]}; shapes are
// checked when the Model is built from the spec.
Json graph_spec(const Json& graph);

using Logs = std::map<std::string, double>;

// Early stopping in fit: Keras' rule, run by EarlyStoppingMonitor (callbacks.h).
struct EarlyStopping : EarlyStoppingOptions {
  bool enabled = false;
};

struct FitOptions {
  int64_t epochs = 1;
  int64_t batch_size = 32;
  bool shuffle = true;
  // Shuffling: with a seed, fit() draws from a fresh generator seeded with it (the same call gives
  // the same batches); without one, from the model's own generator (seeded from the model's seed),
  // which carries on across fit() calls, so fit({epochs: 1}) called repeatedly still reshuffles.
  bool has_seed = false;
  uint64_t seed = 0;
  double validation_split = 0;
  std::vector<Tensor> val_x, val_y;  // validation data (takes precedence over the split)
  EarlyStopping early_stopping;
  std::optional<optim::Schedule> schedule;  // lr per epoch from the lr at fit() start
  // Keras' ReduceLROnPlateau (callbacks.h): lowers the lr (with a schedule: the schedule's base lr).
  std::optional<ReduceLROnPlateauOptions> reduce_lr;
  // lr for the epoch from (epoch, current lr), like Keras' LearningRateScheduler.
  std::function<double(int64_t, double)> lr_fn;
  // After each epoch with its logs; return true to stop training.
  std::function<bool(int64_t, const Logs&)> on_epoch_end;
  // After each batch with {"loss", "size"}.
  std::function<void(int64_t, const Logs&)> on_batch_end;
};
// From JSON: {epochs, batchSize, shuffle, seed, validationSplit, earlyStopping: {monitor, mode,
// patience, minDelta, restoreBestWeights, baseline}, reduceLrOnPlateau: {monitor, mode, factor,
// patience, minDelta, cooldown, minLr}, lrSchedule: {kind, ...}}.
FitOptions fit_options_from_json(const Json& j);

struct History {
  std::vector<int64_t> epochs;
  std::map<std::string, std::vector<double>> values;  // "loss", "accuracy", "val_loss", "lr", ...
  bool stopped_early = false;
  int64_t best_epoch = -1;  // with early stopping
  Json to_json() const;
};

class Model {
 public:
  explicit Model(const Json& spec, uint64_t seed = 0);
  // A model saved by to_json(): graph, weights, compile options and optimizer state.
  static std::unique_ptr<Model> from_json(const std::string& text);
  std::string to_json(bool include_optimizer = true) const;
  // Loads only the weights (and moving statistics) from to_json() output into this model.
  void load_weights_json(const std::string& text);

  const Json& spec() const { return spec_; }
  uint64_t seed() const { return seed_; }
  size_t num_inputs() const { return inputs_.size(); }
  size_t num_outputs() const { return outputs_.size(); }
  Shape input_shape(size_t i) const;
  Shape output_shape(size_t i) const;
  const std::vector<std::shared_ptr<Layer>>& layers() const { return layers_; }
  std::shared_ptr<Layer> layer(const std::string& name) const;

  // Validates the inputs' count and shapes ([N, input shape...], the same N) before running.
  std::vector<Tensor> forward(const std::vector<Tensor>& xs, bool training = false);
  // Every node's output (inputs included), in graph order: what each layer made of xs (the
  // playground's neuron thumbnails, feature maps). nodes() names them.
  std::vector<Tensor> forward_nodes(const std::vector<Tensor>& xs, bool training = false);
  struct NodeInfo {
    std::string name;   // the input's name, or the layer's name
    std::string kind;   // "Input" or the layer kind
    Shape shape;        // without the batch axis
  };
  std::vector<NodeInfo> nodes() const;
  std::vector<Tensor> parameters() const;  // of the trainable layers, in layer order
  // Freezes (false) or unfreezes (true) a layer, as Keras' layer.trainable (the spec keeps it as
  // "trainable": false in the layer's entry). A compiled model's optimizer is made again from its
  // compile options for the new parameter list (its state starts afresh, as Keras asks for a
  // compile() after changing trainable). Unknown name: an error naming it.
  void set_trainable(const std::string& layer, bool on);
  // Copies these layers' weights (parameters and buffers) from `from`'s layers of the same names
  // (Keras: layer.set_weights(base.get_layer(name).get_weights())): the new head of a transfer
  // model is left as it was made. Every name must exist in both with the same weight shapes.
  void copy_weights_from(const Model& from, const std::vector<std::string>& layers);
  std::vector<NamedTensor> named_weights() const;  // "<layer>/<weight>", parameters and buffers
  int64_t count_params() const;       // all weights
  int64_t count_trainable() const;
  Tensor regularization_loss() const;  // 0-d (0 when no layer has a regularizer)
  std::string summary() const;
  // summary()'s rows as data: [{name, kind, shape, params, connectedTo: [names]}], graph order;
  // a layer applied twice counts its weights on its first row (graph.cpp).
  Json summary_rows() const;

  // {optimizer: "adam" | {kind, ...options}, loss: name | [name per output] | {kind, fromLogits},
  //  lossWeights: [w per output], metrics: [names]}
  void compile(const Json& options);
  bool compiled() const { return optimizer_ != nullptr; }
  const Json& compile_options() const { return compile_; }
  optim::Optimizer* optimizer() const { return optimizer_.get(); }

  // The total loss (weighted losses + regularization) for outputs and targets.
  Tensor total_loss(const std::vector<Tensor>& outs, const std::vector<Tensor>& ys);
  double train_on_batch(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys);
  History fit(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys, const FitOptions& opt);
  Logs evaluate(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys, int64_t batch_size = 32);
  std::vector<Tensor> predict(const std::vector<Tensor>& xs, int64_t batch_size = 32);

  // What every layer does on one batch: one training-mode forward pass, the total loss, one
  // backward pass (gradients of this batch are left in the parameters' .grad; the weights do not
  // change). Statistics per layer and the loss, as JSON; see playgrad/nn/probe.h.
  Json probe(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys, const Json& options = Json::object());
  // The same statistics as data (probe() is to_json of this; the binding packs it into typed
  // arrays, without a JSON text).
  ProbeResult probe_result(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys,
                           const Json& options = Json::object());
  // Each output's share of the gradient (graph.cpp): for every output k, one inference-mode
  // forward and a backward of its weighted loss w_k·L_k alone (regularization left out); per
  // layer, g_k = that gradient over the layer's parameters. Returns {outputs: [{name, loss,
  // weight}], layers: [{name, feeds: [k...], norms: [|g_k|], norm: |g|, share: [g_k·g / |g|²],
  // cosine: [[cos(g_j, g_k)]]}]} with g = Σ g_k (the gradient a training step uses). Gradients
  // are dropped afterwards; the weights do not change.
  Json head_gradients(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys);

  // Checks xs/ys against the model (and labels against the losses); returns the row count.
  int64_t check_data(const char* op, const std::vector<Tensor>& xs, const std::vector<Tensor>& ys) const;

 private:
  struct Node {
    int layer = -1;  // -1: an input node
    std::vector<int> inbound;
    Shape shape;  // without the batch axis
    std::string name;
    // A Conv2D node whose output only a MaxPooling2D node reads (not a model output): that
    // node's index. forward() runs the two as one fused op (ops/conv.h conv2d's max_pool).
    int pooled_by = -1;
  };
  // forward (fuse: a Conv2D and the MaxPooling2D after it as one op, the other node left
  // undefined) and forward_nodes (every node).
  std::vector<Tensor> run_nodes(const std::vector<Tensor>& xs, bool training, bool fuse);
  void check_compiled(const char* op) const;
  Logs metrics_of(const std::vector<Tensor>& outs, const std::vector<Tensor>& ys) const;
  std::vector<std::vector<float>> snapshot() const;
  void restore(const std::vector<std::vector<float>>& s);
  void set_weights_from(const Json& weights);
  // fit's guard against divergence (train.cpp). What a training forward changes besides the
  // weights (BatchNormalization's moving statistics, Dropout's generators) is saved before each
  // batch, so a failed batch leaves none of it behind and its forward can be replayed exactly
  // with anomaly mode on (anomaly.h) to name the op that made the first non-finite value.
  struct ForwardState {
    std::vector<Tensor> buffers;
    std::vector<std::vector<float>> saved;
    std::vector<Rng*> rngs;
    std::vector<Rng> saved_rngs;
  };
  ForwardState forward_state() const;
  static void save(ForwardState& s);
  static void restore(const ForwardState& s);
  // Replays a batch (forward + loss, and backward when `backward`) with anomaly mode on and
  // returns where the first non-finite value appeared ("" when the replay stays finite); leaves
  // weights, buffers and generators as they were (gradients are dropped).
  std::string replay_with_anomaly(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys, bool backward,
                                  ForwardState& st);
  [[noreturn]] void fail_non_finite(int64_t epoch, int64_t batch, double loss, const std::vector<Tensor>& xs,
                                    const std::vector<Tensor>& ys, const std::vector<Tensor>& outs,
                                    ForwardState& st);
  [[noreturn]] void fail_non_finite_grad(int64_t epoch, int64_t batch, double loss, const std::string& param,
                                         const std::vector<Tensor>& xs, const std::vector<Tensor>& ys,
                                         ForwardState& st);

  Json spec_;
  uint64_t seed_ = 0;
  std::vector<std::shared_ptr<Layer>> layers_;
  std::vector<Node> nodes_;
  std::vector<int> inputs_, outputs_;
  Json compile_;
  std::vector<losses::LossSpec> losses_;
  std::vector<double> loss_weights_;
  std::vector<std::string> metrics_;
  std::unique_ptr<optim::Optimizer> optimizer_;
  Rng shuffle_rng_{0, 99};
};

// Shuffles order in place with the seeded Fisher-Yates: for i = n-1 .. 1, swap(order[i],
// order[j]) with j uniform in [0, i] (a permutation: every row once per epoch, without replacement).
void shuffle_rows(std::vector<int64_t>& order, Rng& rng);

// Rows idx of x ([N, ...] -> [idx.size(), ...]), no graph.
Tensor take_rows(const Tensor& x, const std::vector<int64_t>& idx);

// The 2-d spiral of CS231n: `classes` arms of `points` points each, x [classes·points, 2],
// labels [classes·points] (as floats): r = i/points, θ = 4c + 4r + 0.2·normal (radians).
std::pair<Tensor, Tensor> spiral(int64_t points, int64_t classes, uint64_t seed);

}  // namespace pg::nn
