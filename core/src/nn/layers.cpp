// The built-in layers (nn.h): each validates its config when made, its input shapes at build()
// and on every forward(), and computes through the autograd ops so gradients reach its weights.
#include <cmath>

#include "playgrad/json.h"
#include "playgrad/nn/layers.h"
#include "playgrad/ops/ops.h"

namespace pg::nn {

// ---- config helpers ---------------------------------------------------------------------------

namespace cfg {
void check_keys(const char* layer, const Json& j, std::initializer_list<const char*> known) {
  if (!j.is_object()) fail(layer, ": config must be an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) {
      std::string list;
      for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      fail(layer, ": unknown option '", it.key(), "' (known: ", list, ")");
    }
  }
}
double number(const char* layer, const Json& j, const char* key, double def) {
  if (!j.contains(key) || j[key].is_null()) return def;
  if (!j[key].is_number()) fail(layer, ": ", key, " must be a number, got ", j[key].dump());
  const double v = j[key].get<double>();
  if (!std::isfinite(v)) fail(layer, ": ", key, " must be finite");
  return v;
}
int64_t integer(const char* layer, const Json& j, const char* key, int64_t def) {
  return json::integer(layer, j, key, def);
}
bool boolean(const char* layer, const Json& j, const char* key, bool def) {
  if (!j.contains(key) || j[key].is_null()) return def;
  if (!j[key].is_boolean()) fail(layer, ": ", key, " must be true or false");
  return j[key].get<bool>();
}
std::string string(const char* layer, const Json& j, const char* key, const std::string& def) {
  if (!j.contains(key) || j[key].is_null()) return def;
  if (!j[key].is_string()) fail(layer, ": ", key, " must be a string");
  return j[key].get<std::string>();
}
init::Spec initializer(const char* layer, const Json& j, const char* key, const char* def) {
  init::Spec s;
  s.name = def;
  if (!j.contains(key) || j[key].is_null()) return s;
  const Json& v = j[key];
  if (v.is_string()) {
    s.name = init::canonical_name(v.get<std::string>());
    return s;
  }
  if (!v.is_object()) fail(layer, ": ", key, " must be a name or {name, ...}");
  check_keys(layer, v, {"name", "value", "lo", "hi", "mean", "std"});
  s.name = init::canonical_name(string(layer, v, "name", def));
  s.value = float(number(layer, v, "value", 0));
  s.lo = float(number(layer, v, "lo", -0.05));
  s.hi = float(number(layer, v, "hi", 0.05));
  s.mean = float(number(layer, v, "mean", 0));
  s.std = float(number(layer, v, "std", 0.05));
  if (!(s.lo <= s.hi) || s.std < 0) fail(layer, ": ", key, " needs lo <= hi and std >= 0");
  return s;
}
Json initializer_json(const init::Spec& s) {
  if (s.name == "constant") return {{"name", s.name}, {"value", s.value}};
  if (s.name == "uniform") return {{"name", s.name}, {"lo", s.lo}, {"hi", s.hi}};
  if (s.name == "normal") return {{"name", s.name}, {"mean", s.mean}, {"std", s.std}};
  return s.name;
}
}  // namespace cfg

// ---- Regularizer ------------------------------------------------------------------------------

Tensor Regularizer::penalty(const Tensor& w) const {
  Tensor p = Tensor::scalar(0.f);
  if (l1 != 0.f) p = add(p, mul(sum(abs(w)), l1));
  if (l2 != 0.f) p = add(p, mul(sum(mul(w, w)), l2));
  return p;
}
Regularizer Regularizer::from_json(const char* layer, const Json& j) {
  Regularizer r;
  if (j.is_null()) return r;
  cfg::check_keys(layer, j, {"kind", "l1", "l2"});
  r.l1 = float(cfg::number(layer, j, "l1", 0));
  r.l2 = float(cfg::number(layer, j, "l2", 0));
  if (r.l1 < 0 || r.l2 < 0) fail(layer, ": regularizer factors l1, l2 must be >= 0");
  return r;
}
Json Regularizer::to_json() const {
  if (!active()) return nullptr;
  return {{"l1", l1}, {"l2", l2}};
}

// ---- Layer ---------------------------------------------------------------------------------------

static std::string shapes_str(const std::vector<Shape>& v) {
  std::string s;
  for (const Shape& x : v) s += (s.empty() ? "" : ", ") + shape_str(x);
  return s;
}

const Shape& Layer::ensure_built(const std::vector<Shape>& in, uint64_t seed) {
  if (built_) {
    if (in != input_shapes_)
      fail(kind(), " '", name, "': built for inputs ", shapes_str(input_shapes_),
           ", now applied to ", shapes_str(in));
    return output_shape_;
  }
  if (arity() == 1 && in.size() != 1)
    fail(kind(), " '", name, "': takes one input, got ", in.size());
  if (in.empty()) fail(kind(), " '", name, "': needs at least one input");
  output_shape_ = build(in, seed);
  input_shapes_ = in;
  built_ = true;
  return output_shape_;
}

void Layer::check_inputs(const std::vector<Tensor>& xs) const {
  if (!built_) fail(kind(), " '", name, "': not built (call ensure_built with the input shapes first)");
  if (xs.size() != input_shapes_.size())
    fail(kind(), " '", name, "': expects ", input_shapes_.size(), " input(s), got ", xs.size());
  for (size_t i = 0; i < xs.size(); ++i) {
    const Shape& s = xs[i].shape();
    Shape want = input_shapes_[i];
    bool ok = s.size() == want.size() + 1 && (i == 0 || s[0] == xs[0].shape()[0]);
    for (size_t d = 0; ok && d < want.size(); ++d) ok = s[d + 1] == want[d];
    if (!ok) {
      want.insert(want.begin(), -1);
      std::string w = shape_str(want);
      w.replace(1, 2, "N");
      fail(kind(), " '", name, "': expected input ", i, " of shape ", w, ", got ", shape_str(s));
    }
  }
}

// ---- activations -------------------------------------------------------------------------------

void check_activation(const char* layer, const std::string& a) {
  if (a != "linear" && a != "sigmoid" && a != "tanh" && a != "relu" && a != "leaky_relu" &&
      a != "prelu" && a != "softmax")
    fail(layer, ": unknown activation '", a,
         "' (known: linear, sigmoid, tanh, relu, leaky_relu, prelu, softmax)");
}

std::string canonical_activation(std::string a) {
  if (a == "leakyRelu" || a == "leakyrelu") return "leaky_relu";
  if (a == "none" || a.empty()) return "linear";
  return a;
}

Tensor activate(const std::string& a, const Tensor& x, float alpha, const Tensor& slope) {
  if (a == "linear") return x;
  if (a == "sigmoid") return sigmoid(x);
  if (a == "tanh") return tanh(x);
  if (a == "relu") return relu(x);
  if (a == "leaky_relu") return leaky_relu(x, alpha);
  if (a == "softmax") return softmax(x, -1);
  if (a == "prelu") {
    // max(x, 0) + a·min(x, 0), min(x, 0) = x - max(x, 0)
    Tensor r = relu(x);
    return add(r, mul(slope, sub(x, r)));
  }
  check_activation("activation", a);
  return x;
}

// ---- Dense --------------------------------------------------------------------------------------

Dense::Dense(const Json& c) {
  cfg::check_keys("Dense", c, {"units", "activation", "useBias", "kernelInitializer",
                               "biasInitializer", "kernelRegularizer", "alpha"});
  if (!c.contains("units")) fail("Dense: units is required");
  units = cfg::integer("Dense", c, "units", 0);
  if (units < 1) fail("Dense: units must be >= 1, got ", units);
  activation = canonical_activation(cfg::string("Dense", c, "activation", "linear"));
  check_activation("Dense", activation);
  use_bias = cfg::boolean("Dense", c, "useBias", true);
  alpha = float(cfg::number("Dense", c, "alpha", 0.2));
  kernel_init = cfg::initializer("Dense", c, "kernelInitializer", "glorot_uniform");
  bias_init = cfg::initializer("Dense", c, "biasInitializer", "zeros");
  kernel_reg = Regularizer::from_json("Dense", c.contains("kernelRegularizer") ? c["kernelRegularizer"] : Json());
}

Json Dense::config() const {
  Json j = {{"units", units}, {"activation", activation}, {"useBias", use_bias},
            {"kernelInitializer", cfg::initializer_json(kernel_init)},
            {"biasInitializer", cfg::initializer_json(bias_init)},
            {"kernelRegularizer", kernel_reg.to_json()}};
  if (activation == "leaky_relu") j["alpha"] = alpha;
  return j;
}

Shape Dense::build(const std::vector<Shape>& in, uint64_t seed) {
  if (in[0].empty() || in[0].back() < 1)
    fail("Dense '", name, "': input shape ", shape_str(in[0]), " needs a non-empty last axis");
  const int64_t fin = in[0].back();
  kernel = init::make(kernel_init, {fin, units}, seed).set_requires_grad();
  // A fan-based bias initializer (pytorch_uniform) uses the kernel's fan_in, as PyTorch's Linear.
  if (use_bias)
    bias = init::make(bias_init, {units}, seed + 0x9E3779B97F4A7C15ull, double(fin)).set_requires_grad();
  if (activation == "prelu") slope = Tensor::full({units}, 0.25f).set_requires_grad();
  Shape out = in[0];
  out.back() = units;
  return out;
}

Tensor Dense::forward(const std::vector<Tensor>& xs, bool) {
  check_inputs(xs);
  const Tensor& x = xs[0];
  Tensor y;
  if (x.ndim() == 2 || x.ndim() == 3) {
    y = matmul(x, kernel);
  } else {
    Shape os = x.shape();
    os.back() = units;
    y = reshape(matmul(reshape(x, {-1, x.dim(-1)}), kernel), os);
  }
  if (use_bias) y = add(y, bias);
  return activate(activation, y, alpha, slope);
}

std::vector<NamedTensor> Dense::params() {
  std::vector<NamedTensor> p;
  if (!built_) return p;
  p.emplace_back("kernel", kernel);
  if (use_bias) p.emplace_back("bias", bias);
  if (slope.defined()) p.emplace_back("slope", slope);
  return p;
}

Tensor Dense::regularization() {
  if (!built_ || !kernel_reg.active()) return Tensor();
  return kernel_reg.penalty(kernel);
}

// ---- Activation -----------------------------------------------------------------------------------

Activation::Activation(const Json& c) {
  cfg::check_keys("Activation", c, {"activation", "alpha"});
  if (!c.contains("activation")) fail("Activation: activation is required");
  activation = canonical_activation(cfg::string("Activation", c, "activation", "linear"));
  check_activation("Activation", activation);
  alpha = float(cfg::number("Activation", c, "alpha", 0.2));
}
Json Activation::config() const {
  Json j = {{"activation", activation}};
  if (activation == "leaky_relu") j["alpha"] = alpha;
  return j;
}
Shape Activation::build(const std::vector<Shape>& in, uint64_t) {
  if (activation == "prelu" || activation == "softmax") {
    if (in[0].empty() || in[0].back() < 1)
      fail("Activation '", name, "': ", activation, " needs inputs with a non-empty last axis, got ",
           shape_str(in[0]));
  }
  if (activation == "prelu") slope = Tensor::full({in[0].back()}, 0.25f).set_requires_grad();
  return in[0];
}
Tensor Activation::forward(const std::vector<Tensor>& xs, bool) {
  check_inputs(xs);
  return activate(activation, xs[0], alpha, slope);
}
std::vector<NamedTensor> Activation::params() {
  if (slope.defined()) return {{"slope", slope}};
  return {};
}

// ---- Dropout ----------------------------------------------------------------------------------------

Dropout::Dropout(const Json& c) {
  cfg::check_keys("Dropout", c, {"rate", "seed"});
  rate = float(cfg::number("Dropout", c, "rate", 0.5));
  if (!(rate >= 0.f && rate < 1.f)) fail("Dropout: rate must be in [0, 1), got ", rate);
  if (c.contains("seed") && !c["seed"].is_null()) {
    const int64_t s = cfg::integer("Dropout", c, "seed", 0);
    if (s < 0) fail("Dropout: seed must be >= 0");
    has_seed = true;
    seed = uint64_t(s);
  }
  rng = Rng(seed, 77);
}
Json Dropout::config() const {
  Json j = {{"rate", rate}};
  if (has_seed) j["seed"] = seed;
  return j;
}
Shape Dropout::build(const std::vector<Shape>& in, uint64_t s) {
  if (!has_seed) rng = Rng(s, 77);
  return in[0];
}
Tensor Dropout::forward(const std::vector<Tensor>& xs, bool training) {
  check_inputs(xs);
  if (!training) return xs[0];
  last_mask_shape = xs[0].shape();
  if (rate == 0.f) {
    last_mask.assign(size_t(xs[0].numel()), 1.f);  // every unit kept, scale 1/(1 - 0) = 1
    return xs[0];
  }
  // inverted dropout: keep with probability 1 - rate, scale kept values by 1/(1 - rate)
  Tensor mask = Tensor::empty(xs[0].shape());
  const float keep = 1.f / (1.f - rate);
  for (int64_t i = 0; i < mask.numel(); ++i) mask.data()[i] = rng.uniform() >= rate ? keep : 0.f;
  last_mask.assign(mask.data(), mask.data() + mask.numel());
  return mul(xs[0], mask);
}

// ---- BatchNormalization -----------------------------------------------------------------------------

BatchNormalization::BatchNormalization(const Json& c) {
  const char* L = "BatchNormalization";
  cfg::check_keys(L, c, {"momentum", "epsilon", "center", "scale", "unbiasedMovingVariance"});
  momentum = float(cfg::number(L, c, "momentum", 0.99));
  epsilon = float(cfg::number(L, c, "epsilon", 1e-3));
  center = cfg::boolean(L, c, "center", true);
  scale = cfg::boolean(L, c, "scale", true);
  unbiased_moving_variance = cfg::boolean(L, c, "unbiasedMovingVariance", false);
  if (!(momentum >= 0.f && momentum <= 1.f)) fail(L, ": momentum must be in [0, 1], got ", momentum);
  if (!(epsilon > 0.f)) fail(L, ": epsilon must be > 0, got ", epsilon);
}
Json BatchNormalization::config() const {
  Json j = {{"momentum", momentum}, {"epsilon", epsilon}, {"center", center}, {"scale", scale}};
  // Only when set, so configs saved before the option existed read back unchanged.
  if (unbiased_moving_variance) j["unbiasedMovingVariance"] = true;
  return j;
}
Shape BatchNormalization::build(const std::vector<Shape>& in, uint64_t) {
  if (in[0].empty() || in[0].back() < 1)
    fail("BatchNormalization '", name, "': input shape ", shape_str(in[0]),
         " needs a non-empty feature axis (the last)");
  const int64_t C = in[0].back();
  gamma = Tensor::ones({C});
  beta = Tensor::zeros({C});
  if (scale) gamma.set_requires_grad();
  if (center) beta.set_requires_grad();
  moving_mean = Tensor::zeros({C});
  moving_var = Tensor::ones({C});
  return in[0];
}
Tensor BatchNormalization::forward(const std::vector<Tensor>& xs, bool training) {
  check_inputs(xs);
  const Tensor& x = xs[0];
  const int64_t C = x.dim(-1);
  if (!training) {
    // y = γ (x - moving_mean) / √(moving_var + eps) + β
    Tensor y = div(sub(x, moving_mean.detach()), sqrt(add(moving_var.detach(), epsilon)));
    return add(mul(y, gamma), beta);
  }
  if (x.numel() == 0) fail("BatchNormalization '", name, "': empty batch in training mode");
  Tensor x2 = reshape(x, {-1, C});
  const int64_t m = x2.dim(0);  // values per channel in this batch
  if (unbiased_moving_variance && m < 2)
    fail("BatchNormalization '", name, "': the unbiased moving variance (PyTorch's rule, divide by m - 1) needs more "
         "than 1 value per channel when training, got a batch of ", m);
  Tensor mu = mean(x2, 0);        // [C]
  Tensor d = sub(x2, mu);
  Tensor var = mean(mul(d, d), 0);  // biased, [C]
  Tensor y = add(mul(div(d, sqrt(add(var, epsilon))), gamma), beta);
  // moving = momentum·moving + (1 - momentum)·batch. The batch is normalized with its biased
  // variance (divide by m) in both conventions; Keras also averages that one into the moving
  // variance, PyTorch the unbiased one, var · m / (m - 1).
  const float to_moving = unbiased_moving_variance ? float(double(m) / double(m - 1)) : 1.f;
  {
    NoGradGuard ng;
    float* mm = moving_mean.data();
    float* mv = moving_var.data();
    const float* pm = mu.data();
    Tensor vc = var.contiguous();
    for (int64_t c = 0; c < C; ++c) {
      mm[c] = momentum * mm[c] + (1.f - momentum) * pm[c];
      mv[c] = momentum * mv[c] + (1.f - momentum) * (vc.data()[c] * to_moving);
    }
  }
  return reshape(y, x.shape());
}
std::vector<NamedTensor> BatchNormalization::params() {
  std::vector<NamedTensor> p;
  if (!built_) return p;
  if (scale) p.emplace_back("gamma", gamma);
  if (center) p.emplace_back("beta", beta);
  return p;
}
std::vector<NamedTensor> BatchNormalization::buffers() {
  std::vector<NamedTensor> b;
  if (!built_) return b;
  if (!scale) b.emplace_back("gamma", gamma);
  if (!center) b.emplace_back("beta", beta);
  b.emplace_back("moving_mean", moving_mean);
  b.emplace_back("moving_variance", moving_var);
  return b;
}

// ---- Concatenate ------------------------------------------------------------------------------------

Concatenate::Concatenate(const Json& c) {
  cfg::check_keys("Concatenate", c, {"axis"});
  axis = int(cfg::integer("Concatenate", c, "axis", -1));
}
Json Concatenate::config() const { return {{"axis", axis}}; }
Shape Concatenate::build(const std::vector<Shape>& in, uint64_t) {
  const int rank = int(in[0].size()) + 1;  // with the batch axis
  const int ax = axis < 0 ? axis + rank : axis;
  if (ax < 1 || ax >= rank)
    fail("Concatenate '", name, "': axis ", axis, " is out of range for inputs ", shapes_str(in),
         " (the batch axis cannot be joined)");
  Shape out = in[0];
  out[size_t(ax - 1)] = 0;
  for (const Shape& s : in) {
    bool ok = int(s.size()) == rank - 1;
    for (int d = 0; ok && d < rank - 1; ++d) ok = d == ax - 1 || s[size_t(d)] == in[0][size_t(d)];
    if (!ok) fail("Concatenate '", name, "': input shapes ", shapes_str(in), " differ outside axis ", axis);
    out[size_t(ax - 1)] += s[size_t(ax - 1)];
  }
  return out;
}
Tensor Concatenate::forward(const std::vector<Tensor>& xs, bool) {
  check_inputs(xs);
  const int rank = xs[0].ndim();
  return concat(xs, axis < 0 ? axis + rank : axis);
}

// ---- Flatten ------------------------------------------------------------------------------------------

Flatten::Flatten(const Json& c) { cfg::check_keys("Flatten", c, {}); }
Shape Flatten::build(const std::vector<Shape>& in, uint64_t) { return {shape_numel(in[0])}; }
Tensor Flatten::forward(const std::vector<Tensor>& xs, bool) {
  check_inputs(xs);
  return reshape(xs[0], {xs[0].dim(0), shape_numel(input_shapes_[0])});
}

}  // namespace pg::nn
