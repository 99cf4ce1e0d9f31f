// Model: the layer graph (from a JSON spec), forward, weights, summary() and JSON save/load.
// Training (compile/fit/evaluate/predict) is in train.cpp.
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

#include "playgrad/json.h"
#include "playgrad/nn/layers_conv.h"
#include "playgrad/nn/model.h"
#include "playgrad/ops/ops.h"

namespace pg::nn {

// ---- GraphBuilder ---------------------------------------------------------------------------------

static std::string snake(const std::string& kind) {
  std::string s;
  for (size_t i = 0; i < kind.size(); ++i) {
    const char c = kind[i];
    if (std::isupper(static_cast<unsigned char>(c))) {
      // Keras' names: Conv2D -> conv2d, Conv2DTranspose -> conv2d_transpose, MaxPooling2D -> max_pooling2d
      const bool after_lower = i && std::islower(static_cast<unsigned char>(kind[i - 1]));
      const bool starts_word = i && i + 1 < kind.size() && (std::islower(static_cast<unsigned char>(kind[i + 1])) ||
                                                            std::isdigit(static_cast<unsigned char>(kind[i + 1])));
      if (after_lower || starts_word) s += '_';
      s += char(std::tolower(static_cast<unsigned char>(c)));
    } else {
      s += c;
    }
  }
  return s;
}

Sym GraphBuilder::input(const Shape& shape, const std::string& name) {
  const int n = ++counts_["input"];
  nodes_.push_back({{"input", shape}, {"name", name.empty() ? "input_" + std::to_string(n) : name}});
  return {int(nodes_.size()) - 1};
}

Sym GraphBuilder::apply(const std::string& kind, const Json& config, const std::vector<Sym>& in,
                        const std::string& name) {
  std::string nm = name;
  if (nm.empty()) {
    const int n = counts_[kind]++;
    nm = snake(kind) + (n ? "_" + std::to_string(n) : "");
  }
  layers_.push_back({{"kind", kind}, {"name", nm}, {"config", config}});
  return reuse(nm, in);
}

Sym GraphBuilder::reuse(const std::string& layer_name, const std::vector<Sym>& in) {
  Json inbound = Json::array();
  for (const Sym& s : in) inbound.push_back(s.node);
  nodes_.push_back({{"layer", layer_name}, {"inbound", inbound}});
  return {int(nodes_.size()) - 1};
}

Json GraphBuilder::spec(const std::vector<Sym>& inputs, const std::vector<Sym>& outputs) const {
  Json ins = Json::array(), outs = Json::array();
  for (const Sym& s : inputs) ins.push_back(s.node);
  for (const Sym& s : outputs) outs.push_back(s.node);
  return {{"layers", layers_}, {"nodes", nodes_}, {"inputs", ins}, {"outputs", outs}};
}

Json sequential_spec(const Shape& input_shape, const Json& layers) {
  if (!layers.is_array()) fail("sequential: layers must be an array of {kind, config}");
  GraphBuilder g;
  Sym in = g.input(input_shape);
  Sym cur = in;
  for (const Json& l : layers) {
    if (!l.is_object() || !l.contains("kind") || !l["kind"].is_string())
      fail("sequential: every layer needs a kind");
    cur = g.apply(l["kind"].get<std::string>(), l.value("config", Json::object()), {cur},
                  l.value("name", std::string()));
  }
  return g.spec({in}, {cur});
}

// ---- Model: graph -----------------------------------------------------------------------------------

static uint64_t mix(uint64_t x) {  // splitmix64
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// An index into the nodes made so far (0 .. limit - 1).
static int node_index(const Json& v, size_t limit, const char* what) {
  if (limit == 0) fail("model: ", what, " ", v.dump(), " is not a valid earlier node index (there is none)");
  return int(json::integer("model", what, v, 0, int64_t(limit) - 1));
}

Model::Model(const Json& spec, uint64_t seed) : seed_(seed), shuffle_rng_(seed, 99) {
  try {
    if (!spec.is_object() || !spec.contains("layers") || !spec.contains("nodes") ||
        !spec.contains("inputs") || !spec.contains("outputs"))
      fail("model: spec needs layers, nodes, inputs and outputs");
    std::map<std::string, int> by_name;
    for (const Json& l : spec["layers"]) {
      if (!l.contains("kind") || !l["kind"].is_string() || !l.contains("name") || !l["name"].is_string())
        fail("model: every layer needs a kind and a name");
      const std::string name = l["name"].get<std::string>();
      if (name.empty() || by_name.count(name)) fail("model: layer name '", name, "' is empty or used twice");
      auto layer = create_layer(l["kind"].get<std::string>(), l.value("config", Json::object()));
      layer->name = name;
      if (l.contains("trainable")) {
        if (!l["trainable"].is_boolean()) fail("model: layer '", name, "': trainable must be true or false");
        layer->trainable = l["trainable"].get<bool>();
      }
      by_name[name] = int(layers_.size());
      layers_.push_back(std::move(layer));
    }
    std::vector<bool> used(layers_.size(), false);
    std::set<std::string> node_names;
    for (const Json& n : spec["nodes"]) {
      Node node;
      if (n.contains("input")) {
        if (!n["input"].is_array()) fail("model: an input node's shape must be an array");
        for (const Json& d : n["input"]) node.shape.push_back(json::integer("model", "an input shape's dimension", d, 1));
        check_shape("Input", node.shape);
        node.name = n.value("name", "input_" + std::to_string(nodes_.size() + 1));
      } else {
        if (!n.contains("layer") || !n["layer"].is_string() || !by_name.count(n["layer"].get<std::string>()))
          fail("model: node ", n.dump(), " names no known layer");
        node.layer = by_name[n["layer"].get<std::string>()];
        std::vector<Shape> in;
        if (!n.contains("inbound") || !n["inbound"].is_array() || n["inbound"].empty())
          fail("model: layer '", layers_[size_t(node.layer)]->name, "' is applied to no input");
        for (const Json& i : n["inbound"]) {
          node.inbound.push_back(node_index(i, nodes_.size(), "inbound node"));
          in.push_back(nodes_[size_t(node.inbound.back())].shape);
        }
        Layer& L = *layers_[size_t(node.layer)];
        node.shape = L.ensure_built(in, mix(seed_ ^ mix(uint64_t(node.layer) + 1)));
        node.name = L.name + (used[size_t(node.layer)] ? "[" + std::to_string(nodes_.size()) + "]" : "");
        used[size_t(node.layer)] = true;
      }
      if (!node_names.insert(node.name).second) fail("model: node name '", node.name, "' is used twice");
      nodes_.push_back(node);
    }
    for (const Json& i : spec["inputs"]) {
      const int k = node_index(i, nodes_.size(), "input");
      if (nodes_[size_t(k)].layer != -1) fail("model: inputs must be input nodes");
      inputs_.push_back(k);
    }
    for (size_t k = 0; k < nodes_.size(); ++k)
      if (nodes_[k].layer == -1 && std::find(inputs_.begin(), inputs_.end(), int(k)) == inputs_.end())
        fail("model: input '", nodes_[k].name, "' is not among the model's inputs");
    for (const Json& o : spec["outputs"]) outputs_.push_back(node_index(o, nodes_.size(), "output"));
    if (inputs_.empty() || outputs_.empty()) fail("model: needs at least one input and one output");
    for (size_t i = 0; i < layers_.size(); ++i)
      if (!used[i]) fail("model: layer '", layers_[i]->name, "' is never applied");
  } catch (const Json::exception& e) {
    fail("model: malformed spec (", e.what(), ")");
  }
  // Conv2D -> MaxPooling2D pairs forward() runs fused (Node::pooled_by).
  {
    std::vector<int> readers(nodes_.size(), 0), reader(nodes_.size(), -1);
    for (size_t k = 0; k < nodes_.size(); ++k)
      for (int j : nodes_[k].inbound) ++readers[size_t(j)], reader[size_t(j)] = int(k);
    for (int o : outputs_) readers[size_t(o)] += 2;  // read outside the graph: never fused
    for (size_t k = 0; k < nodes_.size(); ++k) {
      if (nodes_[k].layer == -1 || readers[k] != 1) continue;
      const Node& r = nodes_[size_t(reader[k])];
      auto* conv = layer_as<Conv2D>(layers_[size_t(nodes_[k].layer)].get());
      if (conv && conv->fuses_max_pool() &&
          std::strcmp(layers_[size_t(r.layer)]->kind(), MaxPooling2D::kKind) == 0)
        nodes_[k].pooled_by = reader[k];
    }
  }
  // Frozen layers (a spec entry with "trainable": false): their weights need no gradient.
  for (const auto& l : layers_)
    if (!l->trainable)
      for (auto& [n, t] : l->params()) t.set_requires_grad(false);
  // The canonical spec: every layer's full config.
  Json ls = Json::array(), ns = Json::array();
  for (const auto& l : layers_) {
    ls.push_back({{"kind", l->kind()}, {"name", l->name}, {"config", l->config()}});
    if (!l->trainable) ls.back()["trainable"] = false;
  }
  for (const Node& n : nodes_) {
    if (n.layer == -1) ns.push_back({{"input", n.shape}, {"name", n.name}});
    else ns.push_back({{"layer", layers_[size_t(n.layer)]->name}, {"inbound", n.inbound}});
  }
  spec_ = {{"layers", ls}, {"nodes", ns}, {"inputs", inputs_}, {"outputs", outputs_}};
}

Shape Model::input_shape(size_t i) const { return nodes_.at(size_t(inputs_.at(i))).shape; }
Shape Model::output_shape(size_t i) const { return nodes_.at(size_t(outputs_.at(i))).shape; }

std::shared_ptr<Layer> Model::layer(const std::string& name) const {
  for (const auto& l : layers_)
    if (l->name == name) return l;
  fail("model: no layer named '", name, "'");
}

static std::string batched(const Shape& s) {
  Shape b = s;
  b.insert(b.begin(), 0);
  std::string str = shape_str(b);
  str.replace(1, 1, "N");
  return str;
}

std::vector<Tensor> Model::forward(const std::vector<Tensor>& xs, bool training) {
  std::vector<Tensor> v = run_nodes(xs, training, true);
  std::vector<Tensor> out;
  for (int o : outputs_) out.push_back(v[size_t(o)]);
  return out;
}

std::vector<Model::NodeInfo> Model::nodes() const {
  std::vector<NodeInfo> out;
  for (const Node& n : nodes_) {
    if (n.layer == -1) out.push_back({n.name, "Input", n.shape});
    else out.push_back({layers_[size_t(n.layer)]->name, layers_[size_t(n.layer)]->kind(), n.shape});
  }
  return out;
}

std::vector<Tensor> Model::forward_nodes(const std::vector<Tensor>& xs, bool training) {
  return run_nodes(xs, training, false);
}

std::vector<Tensor> Model::run_nodes(const std::vector<Tensor>& xs, bool training, bool fuse) {
  if (xs.size() != inputs_.size())
    fail("model: expects ", inputs_.size(), " input(s), got ", xs.size());
  for (size_t i = 0; i < xs.size(); ++i) {
    const Shape& want = nodes_[size_t(inputs_[i])].shape;
    const Shape& s = xs[i].shape();
    bool ok = s.size() == want.size() + 1 && s[0] == xs[0].shape()[0];
    for (size_t d = 0; ok && d < want.size(); ++d) ok = s[d + 1] == want[d];
    if (!ok)
      fail("model: input ", i, " ('", nodes_[size_t(inputs_[i])].name, "') must have shape ",
           batched(want), ", got ", shape_str(s));
  }
  std::vector<Tensor> v(nodes_.size());
  for (size_t i = 0; i < xs.size(); ++i) v[size_t(inputs_[i])] = xs[i];
  for (size_t k = 0; k < nodes_.size(); ++k) {
    const Node& n = nodes_[k];
    if (n.layer == -1 || v[k].defined()) continue;  // an input, or a pooling run fused
    std::vector<Tensor> in;
    for (int j : n.inbound) in.push_back(v[size_t(j)]);
    if (fuse && n.pooled_by >= 0) {
      auto& conv = static_cast<Conv2D&>(*layers_[size_t(n.layer)]);
      auto& pool = static_cast<Pooling2D&>(*layers_[size_t(nodes_[size_t(n.pooled_by)].layer)]);
      v[size_t(n.pooled_by)] = conv.forward_pooled(in, pool.options());
      continue;
    }
    v[k] = layers_[size_t(n.layer)]->forward(in, training);
  }
  return v;
}

std::vector<Tensor> Model::parameters() const {
  std::vector<Tensor> p;
  for (const auto& l : layers_)
    if (l->trainable)
      for (auto& [n, t] : l->params()) p.push_back(t);
  return p;
}

void Model::set_trainable(const std::string& name, bool on) {
  std::shared_ptr<Layer> l;
  for (const auto& x : layers_)
    if (x->name == name) l = x;
  if (!l) fail("setTrainable: the model has no layer '", name, "'");
  l->trainable = on;
  for (auto& [n, t] : l->params()) {
    t.set_requires_grad(on);
    if (!on) t.zero_grad();
  }
  for (Json& e : spec_["layers"])
    if (e["name"] == name) {
      if (on) e.erase("trainable");
      else e["trainable"] = false;
    }
  if (optimizer_) compile(compile_);
}

void Model::copy_weights_from(const Model& from, const std::vector<std::string>& names) {
  const char* op = "copyWeightsFrom";
  std::vector<std::pair<Tensor, Tensor>> pairs;  // (to, from), all checked before any copy
  for (const std::string& name : names) {
    std::shared_ptr<Layer> to, src;
    for (const auto& x : layers_)
      if (x->name == name) to = x;
    for (const auto& x : from.layers_)
      if (x->name == name) src = x;
    if (!to) fail(op, ": this model has no layer '", name, "'");
    if (!src) fail(op, ": the source model has no layer '", name, "'");
    auto a = to->params(), b = src->params();
    auto ab = to->buffers(), bb = src->buffers();
    a.insert(a.end(), ab.begin(), ab.end());
    b.insert(b.end(), bb.begin(), bb.end());
    if (a.size() != b.size()) fail(op, ": layer '", name, "' holds ", a.size(), " weights here, ", b.size(), " in the source");
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].second.shape() != b[i].second.shape())
        fail(op, ": weight '", name, "/", a[i].first, "' is ", shape_str(a[i].second.shape()), " here, ",
             shape_str(b[i].second.shape()), " in the source");
      pairs.emplace_back(a[i].second, b[i].second);
    }
  }
  for (auto& [to, src] : pairs) {
    const std::vector<float> v = src.to_vector();
    float* p = to.data();
    std::copy(v.begin(), v.end(), p);
  }
}

std::vector<NamedTensor> Model::named_weights() const {
  std::vector<NamedTensor> w;
  for (const auto& l : layers_) {
    for (auto& [n, t] : l->params()) w.emplace_back(l->name + "/" + n, t);
    for (auto& [n, t] : l->buffers()) w.emplace_back(l->name + "/" + n, t);
  }
  return w;
}

int64_t Model::count_params() const {
  int64_t n = 0;
  for (auto& [k, t] : named_weights()) n += t.numel();
  return n;
}
int64_t Model::count_trainable() const {
  int64_t n = 0;
  for (const Tensor& t : parameters()) n += t.numel();
  return n;
}

Tensor Model::regularization_loss() const {
  Tensor r = Tensor::scalar(0.f);
  for (const auto& l : layers_) {
    Tensor p = l->regularization();
    if (p.defined()) r = add(r, p);
  }
  return r;
}

std::string Model::summary() const {
  auto shape_txt = [](const Shape& s) {
    std::string t = "(None";
    for (int64_t d : s) t += ", " + std::to_string(d);
    return t + ")";
  };
  auto pad = [](std::string s, size_t w) {
    if (s.size() < w) s += std::string(w - s.size(), ' ');
    else s += ' ';
    return s;
  };
  const std::string line(98, '_'), dline(98, '=');
  std::string os = "Model: \"model\"\n" + line + "\n";
  os += pad(" Layer (type)", 32) + pad("Output Shape", 22) + pad("Param #", 10) + "Connected to\n";
  os += dline + "\n";
  std::vector<bool> counted(layers_.size(), false);
  for (size_t k = 0; k < nodes_.size(); ++k) {
    const Node& n = nodes_[k];
    std::string type = "InputLayer";
    int64_t params = 0;
    std::string conn;
    if (n.layer != -1) {
      Layer& L = *layers_[size_t(n.layer)];
      type = L.kind();
      if (!counted[size_t(n.layer)]) {
        for (auto& [nm, t] : L.params()) params += t.numel();
        for (auto& [nm, t] : L.buffers()) params += t.numel();
        counted[size_t(n.layer)] = true;
      }
      for (int j : n.inbound) conn += (conn.empty() ? "" : ", ") + nodes_[size_t(j)].name;
    }
    os += pad(" " + n.name + " (" + type + ")", 32) + pad(shape_txt(n.shape), 22) +
          pad(std::to_string(params), 10) + conn + "\n";
  }
  os += dline + "\n";
  os += cat("Total params: ", count_params(), "\n");
  os += cat("Trainable params: ", count_trainable(), "\n");
  os += cat("Non-trainable params: ", count_params() - count_trainable(), "\n");
  os += line + "\n";
  return os;
}

// ---- JSON save/load ---------------------------------------------------------------------------------

std::string Model::to_json(bool include_optimizer) const {
  Json w = Json::object();
  for (auto& [name, t] : named_weights()) w[name] = {{"shape", t.shape()}, {"data", t.to_vector()}};
  Json j = {{"format", "playgrad-model"}, {"version", 1}, {"seed", seed_}, {"spec", spec_}, {"weights", w},
            {"compile", compiled() ? compile_ : Json()},
            {"optimizer", include_optimizer && optimizer_ ? optimizer_->state_json() : Json()}};
  return j.dump();
}

void Model::set_weights_from(const Json& weights) {
  if (!weights.is_object()) fail("loadModel: weights must be an object");
  const auto mine = named_weights();
  // Validate everything first.
  for (auto& [name, t] : mine) {
    if (!weights.contains(name)) fail("loadModel: weight '", name, "' is missing");
    const Json& e = weights[name];
    if (!e.is_object() || !e.contains("shape") || !e.contains("data") || !e["data"].is_array())
      fail("loadModel: weight '", name, "' needs shape and data");
    if (e["shape"] != Json(t.shape()))
      fail("loadModel: weight '", name, "' has shape ", e["shape"].dump(), ", the model needs ",
           shape_str(t.shape()));
    if (int64_t(e["data"].size()) != t.numel())
      fail("loadModel: weight '", name, "' holds ", e["data"].size(), " numbers, needs ", t.numel());
    for (const Json& x : e["data"])
      if (!x.is_number() || !(std::fabs(x.get<double>()) <= double(std::numeric_limits<float>::max())))
        fail("loadModel: weight '", name, "' holds ", x.dump(), ", not a finite float32 number");
  }
  if (weights.size() != mine.size())
    fail("loadModel: the file has ", weights.size(), " weights, the model ", mine.size());
  for (auto& [name, t] : mine) {
    float* p = t.data();
    for (const Json& x : weights[name]["data"]) *p++ = float(x.get<double>());
  }
}

void Model::load_weights_json(const std::string& text) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception& e) {
    fail("loadWeights: invalid JSON (", e.what(), ")");
  }
  if (!j.is_object() || !j.contains("weights")) fail("loadWeights: no weights in this file");
  set_weights_from(j["weights"]);
}

std::unique_ptr<Model> Model::from_json(const std::string& text) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception& e) {
    fail("loadModel: invalid JSON (", e.what(), ")");
  }
  try {
    if (!j.is_object() || j.value("format", "") != "playgrad-model")
      fail("loadModel: not a playgrad model file (format must be 'playgrad-model')");
    const int64_t version = json::integer("loadModel", j, "version", 0, 0, std::numeric_limits<int32_t>::max());
    if (version != 1) fail("loadModel: unsupported version ", version);
    const int64_t seed = json::integer("loadModel", j, "seed", 0, 0, std::numeric_limits<int64_t>::max());
    auto m = std::make_unique<Model>(j.at("spec"), uint64_t(seed));
    m->set_weights_from(j.at("weights"));
    if (j.contains("compile") && !j["compile"].is_null()) {
      m->compile(j["compile"]);
      if (j.contains("optimizer") && !j["optimizer"].is_null()) m->optimizer_->load_state_json(j["optimizer"]);
    }
    return m;
  } catch (const Json::exception& e) {
    fail("loadModel: malformed file (", e.what(), ")");
  }
}

// ---- data helpers --------------------------------------------------------------------------------------

Tensor take_rows(const Tensor& x, const std::vector<int64_t>& idx) {
  if (x.ndim() < 1) fail("take_rows: needs a tensor with a batch axis, got shape ", shape_str(x.shape()));
  Shape s = x.shape();
  const int64_t n = s[0];
  const int64_t row = n ? x.numel() / n : 0;
  s[0] = int64_t(idx.size());
  Tensor xc = x.contiguous();
  Tensor out = Tensor::empty(s);
  for (size_t i = 0; i < idx.size(); ++i) {
    if (idx[i] < 0 || idx[i] >= n) fail("take_rows: row ", idx[i], " out of range for ", n, " rows");
    if (row) std::memcpy(out.data() + int64_t(i) * row, xc.data() + idx[i] * row, size_t(row) * 4);
  }
  return out;
}

std::pair<Tensor, Tensor> spiral(int64_t points, int64_t classes, uint64_t seed) {
  if (points < 2 || classes < 1 || points * classes > (int64_t(1) << 24))
    fail("spiral: needs points >= 2 and classes >= 1 (got ", points, ", ", classes, ")");
  Tensor x = Tensor::empty({points * classes, 2}), y = Tensor::empty({points * classes});
  Rng rng(seed);
  for (int64_t c = 0; c < classes; ++c)
    for (int64_t i = 0; i < points; ++i) {
      const double r = double(i) / double(points - 1);
      const double t = 4.0 * double(c) + 4.0 * r + 0.2 * double(rng.normal());
      const int64_t k = c * points + i;
      x.data()[2 * k] = float(r * std::sin(t));
      x.data()[2 * k + 1] = float(r * std::cos(t));
      y.data()[k] = float(c);
    }
  return {x, y};
}

}  // namespace pg::nn
