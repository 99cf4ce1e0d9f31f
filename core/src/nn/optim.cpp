// Optimizers (PyTorch semantics and defaults) and learning-rate schedules. Formulas: optim.h.
// Updates run elementwise in float32 on the parameters' storage; the scalar factors (bias
// corrections, schedules) are computed in double and rounded once.
#include "playgrad/nn/optim.h"

#include "playgrad/json.h"
#include "playgrad/kernels/kernels.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <set>

namespace pg::optim {

namespace {

// b^e for an integer e >= 0 by repeated squaring (deterministic on every platform, unlike pow).
double ipow(double b, int64_t e) {
  double r = 1.0;
  while (e > 0) {
    if (e & 1) r *= b;
    b *= b;
    e >>= 1;
  }
  return r;
}

struct Opts {
  const char* op;
  const Json& j;
  std::set<std::string> used;
  Opts(const char* o, const Json& js) : op(o), j(js) {
    if (!j.is_object()) fail(op, ": options must be an object");
  }
  double num(const char* key, double def) {
    used.insert(key);
    if (!j.contains(key) || j[key].is_null()) return def;
    if (!j[key].is_number()) fail(op, ": option ", key, " must be a number");
    const double v = j[key].get<double>();
    if (!std::isfinite(v)) fail(op, ": option ", key, " must be finite, got ", v);
    return v;
  }
  double nonneg(const char* key, double def) {
    const double v = num(key, def);
    if (v < 0) fail(op, ": ", key, " must be >= 0, got ", v);
    return v;
  }
  double unit(const char* key, double def) {  // [0, 1)
    const double v = num(key, def);
    if (v < 0 || v >= 1) fail(op, ": ", key, " must be in [0, 1), got ", v);
    return v;
  }
  int64_t integer(const char* key, int64_t def, int64_t lo, int64_t hi) {
    used.insert(key);
    return json::integer(op, j, key, def, lo, hi);
  }
  // One of `choices` (a string option).
  std::string choice(const char* key, const char* def, std::initializer_list<const char*> choices) {
    used.insert(key);
    if (!j.contains(key) || j[key].is_null()) return def;
    std::string known;
    for (const char* c : choices) known += (known.empty() ? "'" : ", '") + std::string(c) + "'";
    if (!j[key].is_string()) fail(op, ": option ", key, " must be one of ", known);
    const std::string v = j[key].get<std::string>();
    for (const char* c : choices)
      if (v == c) return v;
    fail(op, ": option ", key, " must be one of ", known, ", got '", v, "'");
  }
  bool flag(const char* key, bool def) {
    used.insert(key);
    if (!j.contains(key) || j[key].is_null()) return def;
    if (!j[key].is_boolean()) fail(op, ": option ", key, " must be true or false");
    return j[key].get<bool>();
  }
  void done() {
    for (auto it = j.begin(); it != j.end(); ++it)
      if (!used.count(it.key())) {
        std::string known;
        for (const auto& k : used) known += (known.empty() ? "" : ", ") + k;
        fail(op, ": unknown option '", it.key(), "' (known: ", known, ")");
      }
  }
};

double check_lr(const char* op, double lr) {
  if (!std::isfinite(lr) || lr < 0) fail(op, ": learning rate must be finite and >= 0, got ", lr);
  return lr;
}

}  // namespace

Optimizer::Optimizer(const char* name, std::vector<Tensor> params, double lr)
    : name_(name), params_(std::move(params)), lr_(check_lr(name, lr)) {
  if (params_.empty()) fail(name_, ": got an empty parameter list");
  std::set<const TensorImpl*> seen;
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    if (!p.defined()) fail(name_, ": parameter ", i, " is undefined (disposed?)");
    if (!p.is_leaf()) fail(name_, ": parameter ", i, " is not a leaf (it is the result of an op)");
    if (!p.requires_grad()) fail(name_, ": parameter ", i, " does not require grad");
    if (!p.is_contiguous()) fail(name_, ": parameter ", i, " is not contiguous");
    if (!seen.insert(p.impl().get()).second) fail(name_, ": parameter ", i, " appears twice");
  }
  state_.resize(params_.size());
}

void Optimizer::set_lr(double lr) { lr_ = check_lr(name_, lr); }

std::vector<float>& Optimizer::slot(ParamState& st, const char* name, int64_t n, float init) {
  auto it = st.slots.find(name);
  if (it == st.slots.end()) it = st.slots.emplace(name, std::vector<float>(size_t(n), init)).first;
  return it->second;
}

void Optimizer::step() {
  // Validate everything before touching any parameter.
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    Tensor g = p.grad();
    if (!g.defined()) continue;
    if (g.shape() != p.shape())
      fail(name_, ".step: gradient of shape ", shape_str(g.shape()), " for parameter ", i,
           " of shape ", shape_str(p.shape()));
  }
  std::vector<Tensor> dense(params_.size());  // keeps contiguous copies alive for the update
  std::vector<const float*> grads(params_.size(), nullptr);
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor g = params_[i].grad();
    if (!g.defined()) continue;
    dense[i] = g.contiguous();
    grads[i] = dense[i].data();
  }
  step(grads);
}

void Optimizer::step(const std::vector<const float*>& grads) {
  if (grads.size() != params_.size())
    fail(name_, ".step: got ", grads.size(), " gradients for ", params_.size(), " parameters");
  NoGradGuard no_grad;
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!grads[i]) continue;
    ParamState& st = state_[i];
    st.step += 1;
    update(params_[i].data(), grads[i], params_[i].numel(), st);
  }
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.zero_grad();
}

Json Optimizer::state_json() const {
  Json st = Json::array();
  for (const ParamState& s : state_) {
    Json o = {{"step", s.step}};
    for (const auto& [k, v] : s.slots) o[k] = v;
    st.push_back(o);
  }
  return {{"kind", kind()}, {"config", config()}, {"state", st}};
}

void Optimizer::load_state_json(const Json& j) {
  const std::string what = std::string(name_) + ".loadState";
  const char* op = what.c_str();
  if (!j.is_object() || !j.contains("kind") || !j.contains("state") || !j["state"].is_array())
    fail(op, ": expected {kind, config, state: [...]}");
  if (j["kind"] != kind()) fail(op, ": saved state is for '", j["kind"].dump(), "', not ", kind());
  const Json& arr = j["state"];
  if (arr.size() != params_.size())
    fail(op, ": saved state has ", arr.size(), " parameters, this optimizer has ", params_.size());
  const auto names = slot_names();
  std::vector<ParamState> next(params_.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    const Json& o = arr[i];
    if (!o.is_object() || !o.contains("step")) fail(op, ": parameter ", i, " has no step count");
    next[i].step = json::integer(op, "parameter " + std::to_string(i) + "'s step", o["step"], 0,
                                 std::numeric_limits<int64_t>::max());
    for (auto it = o.begin(); it != o.end(); ++it) {
      if (it.key() == "step") continue;
      if (std::find(names.begin(), names.end(), it.key()) == names.end())
        fail(op, ": unknown state '", it.key(), "' for ", kind());
      if (!it.value().is_array() || int64_t(it.value().size()) != params_[i].numel())
        fail(op, ": state '", it.key(), "' of parameter ", i, " must hold ", params_[i].numel(),
             " numbers");
      std::vector<float> v;
      v.reserve(it.value().size());
      for (const Json& x : it.value()) {
        if (!x.is_number() || !(std::fabs(x.get<double>()) <= double(std::numeric_limits<float>::max())))
          fail(op, ": state '", it.key(), "' of parameter ", i, " holds ", x.dump(), ", not a finite float32 number");
        v.push_back(float(x.get<double>()));
      }
      next[i].slots[it.key()] = std::move(v);
    }
  }
  double lr = lr_;
  if (j.contains("config") && j["config"].contains("lr")) {
    if (!j["config"]["lr"].is_number()) fail(op, ": config.lr must be a number");
    lr = check_lr(op, j["config"]["lr"].get<double>());
  }
  state_ = std::move(next);
  lr_ = lr;
}

// ---- the optimizers ---------------------------------------------------------------------------

namespace {

class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> p, const Json& o) : SGD(p, Opts("sgd", o)) {}
  const char* kind() const override { return "sgd"; }
  Json config() const override {
    return {{"lr", lr_}, {"momentum", momentum_}, {"dampening", dampening_},
            {"nesterov", nesterov_}, {"weightDecay", wd_}};
  }

 private:
  SGD(std::vector<Tensor> p, Opts o)
      : Optimizer("sgd", std::move(p), o.num("lr", 1e-3)), momentum_(o.nonneg("momentum", 0)),
        dampening_(o.num("dampening", 0)), wd_(o.nonneg("weightDecay", 0)),
        nesterov_(o.flag("nesterov", false)) {
    o.done();
    if (nesterov_ && (momentum_ <= 0 || dampening_ != 0))
      fail("sgd: nesterov momentum requires a momentum > 0 and zero dampening");
  }
  std::vector<std::string> slot_names() const override { return {"buf"}; }
  void update(float* w, const float* g, int64_t n, ParamState& st) override {
    const float lr = float(lr_), mu = float(momentum_), damp = float(1.0 - dampening_),
                wd = float(wd_);
    const bool first = !st.slots.count("buf");
    std::vector<float>* buf = momentum_ != 0 ? &slot(st, "buf", n) : nullptr;
    for (int64_t i = 0; i < n; ++i) {
      float d = g[i];
      if (wd != 0.f) d += wd * w[i];
      if (buf) {
        float& b = (*buf)[size_t(i)];
        b = first ? d : mu * b + damp * d;
        d = nesterov_ ? d + mu * b : b;
      }
      w[i] -= lr * d;
    }
  }
  double momentum_, dampening_, wd_;
  bool nesterov_;
};

class Adagrad : public Optimizer {
 public:
  Adagrad(std::vector<Tensor> p, const Json& o) : Adagrad(p, Opts("adagrad", o)) {}
  const char* kind() const override { return "adagrad"; }
  Json config() const override {
    return {{"lr", lr_}, {"lrDecay", lr_decay_}, {"weightDecay", wd_},
            {"initialAccumulator", init_acc_}, {"epsilon", eps_}};
  }

 private:
  Adagrad(std::vector<Tensor> p, Opts o)
      : Optimizer("adagrad", std::move(p), o.num("lr", 1e-2)), lr_decay_(o.nonneg("lrDecay", 0)),
        wd_(o.nonneg("weightDecay", 0)), init_acc_(o.nonneg("initialAccumulator", 0)),
        eps_(o.nonneg("epsilon", 1e-10)) {
    o.done();
  }
  std::vector<std::string> slot_names() const override { return {"acc"}; }
  void update(float* w, const float* g, int64_t n, ParamState& st) override {
    const float clr = float(lr_ / (1.0 + double(st.step - 1) * lr_decay_));
    const float eps = float(eps_), wd = float(wd_);
    std::vector<float>& acc = slot(st, "acc", n, float(init_acc_));
    for (int64_t i = 0; i < n; ++i) {
      float d = g[i];
      if (wd != 0.f) d += wd * w[i];
      float& a = acc[size_t(i)];
      a += d * d;
      w[i] -= clr * d / (std::sqrt(a) + eps);
    }
  }
  double lr_decay_, wd_, init_acc_, eps_;
};

class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<Tensor> p, const Json& o) : RMSprop(p, Opts("rmsprop", o)) {}
  const char* kind() const override { return "rmsprop"; }
  Json config() const override {
    return {{"lr", lr_}, {"alpha", alpha_}, {"epsilon", eps_}, {"weightDecay", wd_},
            {"momentum", momentum_}, {"centered", centered_}};
  }

 private:
  RMSprop(std::vector<Tensor> p, Opts o)
      : Optimizer("rmsprop", std::move(p), o.num("lr", 1e-2)), alpha_(o.nonneg("alpha", 0.99)),
        eps_(o.nonneg("epsilon", 1e-8)), wd_(o.nonneg("weightDecay", 0)),
        momentum_(o.nonneg("momentum", 0)), centered_(o.flag("centered", false)) {
    o.done();
  }
  std::vector<std::string> slot_names() const override { return {"sq", "ga", "buf"}; }
  void update(float* w, const float* g, int64_t n, ParamState& st) override {
    const float a = float(alpha_), a1 = float(1.0 - alpha_), eps = float(eps_), wd = float(wd_),
                mu = float(momentum_), lr = float(lr_);
    std::vector<float>& sq = slot(st, "sq", n);
    std::vector<float>* ga = centered_ ? &slot(st, "ga", n) : nullptr;
    std::vector<float>* buf = momentum_ > 0 ? &slot(st, "buf", n) : nullptr;
    for (int64_t i = 0; i < n; ++i) {
      const size_t k = size_t(i);
      float d = g[i];
      if (wd != 0.f) d += wd * w[i];
      sq[k] = a * sq[k] + a1 * d * d;
      float avg;
      if (ga) {
        (*ga)[k] = a * (*ga)[k] + a1 * d;
        avg = std::sqrt(sq[k] - (*ga)[k] * (*ga)[k]) + eps;
      } else {
        avg = std::sqrt(sq[k]) + eps;
      }
      if (buf) {
        (*buf)[k] = mu * (*buf)[k] + d / avg;
        w[i] -= lr * (*buf)[k];
      } else {
        w[i] -= lr * d / avg;
      }
    }
  }
  double alpha_, eps_, wd_, momentum_;
  bool centered_;
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> p, const Json& o, bool decoupled)
      : Adam(p, Opts(decoupled ? "adamw" : "adam", o), decoupled) {}
  const char* kind() const override { return decoupled_ ? "adamw" : "adam"; }
  Json config() const override {
    return {{"lr", lr_}, {"beta1", b1_}, {"beta2", b2_}, {"epsilon", eps_},
            {"weightDecay", wd_}, {"amsgrad", amsgrad_}, {"epsilonOn", keras_eps_ ? "v" : "vhat"}};
  }

 private:
  Adam(std::vector<Tensor> p, Opts o, bool decoupled)
      : Optimizer(decoupled ? "adamw" : "adam", std::move(p), o.num("lr", 1e-3)),
        b1_(o.unit("beta1", 0.9)), b2_(o.unit("beta2", 0.999)), eps_(o.nonneg("epsilon", 1e-8)),
        wd_(o.nonneg("weightDecay", decoupled ? 1e-2 : 0)), amsgrad_(o.flag("amsgrad", false)),
        keras_eps_(o.choice("epsilonOn", "vhat", {"vhat", "v"}) == "v"), decoupled_(decoupled) {
    o.done();
  }
  std::vector<std::string> slot_names() const override { return {"m", "v", "vmax"}; }
  void update(float* w, const float* g, int64_t n, ParamState& st) override {
    kernels::AdamStep s;
    s.b1 = float(b1_), s.b1c = float(1.0 - b1_), s.b2 = float(b2_), s.b2c = float(1.0 - b2_);
    s.eps = float(eps_);
    s.step_size = float(lr_ / (1.0 - ipow(b1_, st.step)));
    s.bc2_sqrt = float(std::sqrt(1.0 - ipow(b2_, st.step)));
    // Keras folds both bias corrections into the step size and adds eps to √v itself.
    s.keras_step = float(lr_ * std::sqrt(1.0 - ipow(b2_, st.step)) / (1.0 - ipow(b1_, st.step)));
    s.decay = float(1.0 - lr_ * wd_);
    s.wd = float(wd_);
    s.decoupled = decoupled_;
    s.keras_eps = keras_eps_;
    std::vector<float>& m = slot(st, "m", n);
    std::vector<float>& v = slot(st, "v", n);
    float* vmax = amsgrad_ ? slot(st, "vmax", n).data() : nullptr;
    kernels::simd::adam(s, w, g, m.data(), v.data(), vmax, size_t(n));
  }
  double b1_, b2_, eps_, wd_;
  bool amsgrad_, keras_eps_, decoupled_;
};

}  // namespace

std::unique_ptr<Optimizer> make(const std::string& kind, std::vector<Tensor> params, const Json& options) {
  std::string k;
  for (char c : kind) k += char(std::tolower(static_cast<unsigned char>(c)));
  if (k == "sgd") return std::make_unique<SGD>(std::move(params), options);
  if (k == "adagrad") return std::make_unique<Adagrad>(std::move(params), options);
  if (k == "rmsprop") return std::make_unique<RMSprop>(std::move(params), options);
  if (k == "adam") return std::make_unique<Adam>(std::move(params), options, false);
  if (k == "adamw") return std::make_unique<Adam>(std::move(params), options, true);
  fail("optimizer: unknown optimizer '", kind, "' (known: sgd, adagrad, rmsprop, adam, adamw)");
}

// ---- schedules ----------------------------------------------------------------------------------

Schedule parse_schedule(const Json& j) {
  if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string())
    fail("lrSchedule: expected {kind: 'step' | 'exponential' | 'cosine', ...}");
  Schedule s;
  s.kind = j["kind"].get<std::string>();
  Json rest = j;
  rest.erase("kind");
  Opts o("lrSchedule", rest);
  if (s.kind == "step") {
    if (!rest.contains("stepSize") || rest["stepSize"].is_null()) fail("lrSchedule: step needs an integer stepSize >= 1");
    s.step_size = o.integer("stepSize", 0, 1, int64_t(1e12));
    s.gamma = o.nonneg("gamma", 0.1);
  } else if (s.kind == "exponential") {
    s.gamma = o.num("gamma", -1);
    if (s.gamma < 0) fail("lrSchedule: exponential needs gamma >= 0");
  } else if (s.kind == "cosine") {
    if (!rest.contains("tMax") || rest["tMax"].is_null()) fail("lrSchedule: cosine needs an integer tMax >= 1");
    s.t_max = o.integer("tMax", 0, 1, int64_t(1e12));
    s.eta_min = o.nonneg("etaMin", 0);
  } else {
    fail("lrSchedule: unknown kind '", s.kind, "' (known: step, exponential, cosine)");
  }
  o.done();
  return s;
}

double scheduled_lr(const Schedule& s, double lr0, int64_t e) {
  if (s.kind == "step") return lr0 * ipow(s.gamma, e / s.step_size);
  if (s.kind == "exponential") return lr0 * ipow(s.gamma, e);
  if (s.kind == "cosine")
    return s.eta_min + (lr0 - s.eta_min) * (1 + std::cos(3.14159265358979323846 * double(e) / double(s.t_max))) / 2;
  fail("lrSchedule: unknown kind '", s.kind, "'");
}

LRScheduler::LRScheduler(Optimizer& opt, Schedule s) : opt_(opt), s_(std::move(s)), lr0_(opt.lr()) {
  scheduled_lr(s_, lr0_, 0);  // validates the kind
}
void LRScheduler::step() {
  opt_.set_lr(scheduled_lr(s_, lr0_, epoch_ + 1));
  ++epoch_;
}
double LRScheduler::lr() const { return opt_.lr(); }

}  // namespace pg::optim
