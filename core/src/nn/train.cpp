// Model training: compile, the batch step, fit (shuffling, validation, metrics, callbacks, early
// stopping, lr schedules), evaluate and predict. See model.h for the loop it runs.
#include <algorithm>
#include <cmath>
#include <limits>

#include "playgrad/autograd/anomaly.h"
#include "playgrad/kernels/kernels.h"
#include "playgrad/nn/model.h"
#include "playgrad/ops/ops.h"

namespace pg::nn {

namespace {

std::string canonical_metric(const std::string& m) {
  std::string s;
  for (char c : m)
    if (c != '_') s += char(std::tolower(static_cast<unsigned char>(c)));
  if (s == "accuracy" || s == "acc") return "accuracy";
  if (s == "binaryaccuracy") return "binaryAccuracy";
  if (s == "mse" || s == "meansquarederror") return "mse";
  fail("compile: unknown metric '", m, "' (known: accuracy, binaryAccuracy, mse)");
}

int64_t argmax_row(const float* p, int64_t n) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i)
    if (p[i] > p[best]) best = i;
  return best;
}

}  // namespace

void Model::check_compiled(const char* op) const {
  if (!optimizer_) fail(op, ": compile the model first (model.compile({optimizer, loss}))");
}

void Model::compile(const Json& o) {
  try {
    if (!o.is_object()) fail("compile: options must be an object");
    for (auto it = o.begin(); it != o.end(); ++it)
      if (it.key() != "optimizer" && it.key() != "loss" && it.key() != "lossWeights" && it.key() != "metrics")
        fail("compile: unknown option '", it.key(), "' (known: optimizer, loss, lossWeights, metrics)");
    // losses
    if (!o.contains("loss")) fail("compile: loss is required");
    auto one = [](const Json& l) {
      if (l.is_string()) return losses::parse_loss(l.get<std::string>());
      if (l.is_object() && l.contains("kind") && l["kind"].is_string()) {
        for (auto it = l.begin(); it != l.end(); ++it)
          if (it.key() != "kind" && it.key() != "fromLogits" && it.key() != "clip")
            fail("compile: unknown loss option '", it.key(), "' (known: kind, fromLogits, clip)");
        const bool logits = cfg::boolean("compile", l, "fromLogits", false);
        losses::LossSpec spec = losses::parse_loss(l["kind"].get<std::string>(), logits);
        if (logits && spec.kind == "mse") fail("compile: fromLogits applies to the cross-entropy losses, not mse");
        spec.clip = losses::parse_clip(cfg::string("compile", l, "clip", "keras"));
        return spec;
      }
      fail("compile: a loss is a name or {kind, fromLogits, clip}");
    };
    std::vector<losses::LossSpec> ls;
    if (o["loss"].is_array()) {
      if (o["loss"].size() != outputs_.size())
        fail("compile: ", o["loss"].size(), " losses for ", outputs_.size(), " outputs");
      for (const Json& l : o["loss"]) ls.push_back(one(l));
    } else {
      ls.assign(outputs_.size(), one(o["loss"]));
    }
    for (size_t k = 0; k < ls.size(); ++k) {
      const Shape s = output_shape(k);
      if (ls[k].kind != "mse" && ls[k].kind != "binaryCrossEntropy" && (s.empty() || s.back() < 1))
        fail("compile: output ", k, " of shape ", shape_str(s), " has no class axis for ", ls[k].kind);
    }
    std::vector<double> lw(outputs_.size(), 1.0);
    if (o.contains("lossWeights") && !o["lossWeights"].is_null()) {
      const Json& w = o["lossWeights"];
      if (!w.is_array() || w.size() != outputs_.size())
        fail("compile: lossWeights needs one number per output (", outputs_.size(), ")");
      for (size_t k = 0; k < w.size(); ++k) {
        if (!w[k].is_number() || !std::isfinite(w[k].get<double>()) || w[k].get<double>() < 0)
          fail("compile: lossWeights must be finite numbers >= 0");
        lw[k] = w[k].get<double>();
      }
    }
    std::vector<std::string> ms;
    if (o.contains("metrics") && !o["metrics"].is_null()) {
      if (!o["metrics"].is_array()) fail("compile: metrics must be an array of names");
      for (const Json& m : o["metrics"]) {
        if (!m.is_string()) fail("compile: metrics must be an array of names");
        ms.push_back(canonical_metric(m.get<std::string>()));
        if (ms.back() == "mse")
          for (const auto& l : ls)
            if (l.kind == "sparseCategoricalCrossEntropy")
              fail("compile: the mse metric needs targets shaped like the output, not labels");
      }
    }
    // optimizer
    std::string kind = "rmsprop";
    Json opts = Json::object();
    if (o.contains("optimizer") && !o["optimizer"].is_null()) {
      const Json& op = o["optimizer"];
      if (op.is_string()) kind = op.get<std::string>();
      else if (op.is_object() && op.contains("kind") && op["kind"].is_string()) {
        kind = op["kind"].get<std::string>();
        opts = op;
        opts.erase("kind");
      } else fail("compile: optimizer is a name or {kind, ...options}");
    }
    auto opt = optim::make(kind, parameters(), opts);
    // Commit.
    Json canon = {{"optimizer", Json(opt->config())}, {"lossWeights", lw}, {"metrics", ms}};
    canon["optimizer"]["kind"] = opt->kind();
    Json lj = Json::array();
    for (const auto& l : ls) {
      Json one = {{"kind", l.kind}, {"fromLogits", l.from_logits}};
      if (l.clip == losses::Clip::PyTorch) one["clip"] = "pytorch";  // (absent: Keras, as before)
      lj.push_back(one);
    }
    canon["loss"] = lj;
    compile_ = canon;
    losses_ = ls;
    loss_weights_ = lw;
    metrics_ = ms;
    optimizer_ = std::move(opt);
  } catch (const Json::exception& e) {
    fail("compile: malformed options (", e.what(), ")");
  }
}

int64_t Model::check_data(const char* op, const std::vector<Tensor>& xs, const std::vector<Tensor>& ys) const {
  if (xs.size() != inputs_.size()) fail(op, ": the model has ", inputs_.size(), " input(s), got ", xs.size(), " x");
  int64_t n = -1;
  for (size_t i = 0; i < xs.size(); ++i) {
    const Shape& want = nodes_[size_t(inputs_[i])].shape;
    const Shape& s = xs[i].shape();
    bool ok = s.size() == want.size() + 1;
    for (size_t d = 0; ok && d < want.size(); ++d) ok = s[d + 1] == want[d];
    if (!ok)
      fail(op, ": input ", i, " ('", nodes_[size_t(inputs_[i])].name, "') must have shape [N",
           [&] { std::string t; for (int64_t d : want) t += "," + std::to_string(d); return t; }(),
           "], got ", shape_str(s));
    if (n >= 0 && s[0] != n) fail(op, ": inputs have different numbers of rows (", n, " and ", s[0], ")");
    n = s[0];
  }
  if (n < 1) fail(op, ": no data (0 rows)");
  if (ys.empty()) return n;
  if (ys.size() != outputs_.size()) fail(op, ": the model has ", outputs_.size(), " output(s), got ", ys.size(), " y");
  for (size_t k = 0; k < ys.size(); ++k) {
    if (ys[k].ndim() < 1 || ys[k].dim(0) != n)
      fail(op, ": y ", k, " has shape ", shape_str(ys[k].shape()), ", it needs ", n,
           " rows like x (a wrong label count?)");
    Shape ps = output_shape(k);
    ps.insert(ps.begin(), n);
    losses::check_target(losses_[k], ps, ys[k]);
  }
  return n;
}

Tensor Model::total_loss(const std::vector<Tensor>& outs, const std::vector<Tensor>& ys) {
  check_compiled("loss");
  if (outs.size() != outputs_.size() || ys.size() != outputs_.size())
    fail("loss: needs one output and one target per model output (", outputs_.size(), ")");
  Tensor total;
  for (size_t k = 0; k < outs.size(); ++k) {
    Tensor l = losses::compute(losses_[k], outs[k], ys[k]);
    if (loss_weights_[k] != 1.0) l = mul(l, float(loss_weights_[k]));
    total = total.defined() ? add(total, l) : l;
  }
  for (const auto& L : layers_) {
    Tensor p = L->regularization();
    if (p.defined()) total = add(total, p);
  }
  return total;
}

double Model::train_on_batch(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys) {
  check_compiled("trainOnBatch");
  check_data("trainOnBatch", xs, ys);
  optimizer_->zero_grad();
  Tensor loss = total_loss(forward(xs, true), ys);
  loss.backward();
  optimizer_->step();
  return loss.item();
}

// Per-output losses (when several outputs) and metrics of one batch, as sums over its rows.
Logs Model::metrics_of(const std::vector<Tensor>& outs, const std::vector<Tensor>& ys) const {
  Logs logs;
  const bool multi = outs.size() > 1;
  for (size_t k = 0; k < outs.size(); ++k) {
    const std::string prefix = multi ? nodes_[size_t(outputs_[k])].name + "_" : "";
    const int64_t n = outs[k].dim(0);
    if (multi)
      logs[prefix + "loss"] = double(losses::compute(losses_[k], outs[k], ys[k]).item()) * double(n);
    const std::vector<float> p = outs[k].to_vector(), y = ys[k].to_vector();
    const int64_t C = outs[k].ndim() >= 2 ? outs[k].dim(-1) : 1;
    const int64_t rows = C ? int64_t(p.size()) / C : 0;
    const losses::LossSpec& ls = losses_[k];
    const float thr = ls.from_logits ? 0.f : 0.5f;
    for (const std::string& m : metrics_) {
      double v = 0;
      if (m == "mse") {
        for (size_t i = 0; i < p.size(); ++i) v += double(p[i] - y[i]) * double(p[i] - y[i]);
        v = v / double(p.size()) * double(n);
      } else if (m == "binaryAccuracy" || (m == "accuracy" && C == 1 && ls.kind != "sparseCategoricalCrossEntropy")) {
        for (size_t i = 0; i < p.size(); ++i) v += ((p[i] > thr) == (y[i] > 0.5f)) ? 1 : 0;
        v = v / double(p.size()) * double(n);
      } else {  // accuracy: argmax against labels or against argmax of the target
        for (int64_t r = 0; r < rows; ++r) {
          const int64_t pr = argmax_row(p.data() + r * C, C);
          const int64_t t = ls.kind == "sparseCategoricalCrossEntropy" ? int64_t(y[size_t(r)])
                                                                       : argmax_row(y.data() + r * C, C);
          v += pr == t ? 1 : 0;
        }
        v = v / double(rows) * double(n);
      }
      logs[prefix + m] += v;
    }
  }
  return logs;
}

std::vector<std::vector<float>> Model::snapshot() const {
  std::vector<std::vector<float>> s;
  for (auto& [n, t] : named_weights()) s.push_back(t.to_vector());
  return s;
}
void Model::restore(const std::vector<std::vector<float>>& s) {
  auto w = named_weights();
  for (size_t i = 0; i < w.size(); ++i) std::copy(s[i].begin(), s[i].end(), w[i].second.data());
}

void shuffle_rows(std::vector<int64_t>& order, Rng& rng) {
  for (size_t i = order.size(); i-- > 1;) std::swap(order[i], order[size_t(rng.below(uint32_t(i + 1)))]);
}

FitOptions fit_options_from_json(const Json& j) {
  FitOptions f;
  try {
    if (!j.is_object()) fail("fit: options must be an object");
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& k = it.key();
      if (k != "epochs" && k != "batchSize" && k != "shuffle" && k != "seed" && k != "validationSplit" &&
          k != "earlyStopping" && k != "reduceLrOnPlateau" && k != "lrSchedule")
        fail("fit: unknown option '", k,
             "' (known: epochs, batchSize, shuffle, seed, validationSplit, validationData, "
             "earlyStopping, reduceLrOnPlateau, lrSchedule, callbacks)");
    }
    f.epochs = cfg::integer("fit", j, "epochs", 1);
    f.batch_size = cfg::integer("fit", j, "batchSize", 32);
    f.shuffle = cfg::boolean("fit", j, "shuffle", true);
    const int64_t seed = cfg::integer("fit", j, "seed", 0);
    if (seed < 0) fail("fit: seed must be >= 0");
    f.seed = uint64_t(seed);
    f.has_seed = j.contains("seed") && !j["seed"].is_null();
    f.validation_split = cfg::number("fit", j, "validationSplit", 0);
    if (j.contains("earlyStopping") && !j["earlyStopping"].is_null()) {
      static_cast<EarlyStoppingOptions&>(f.early_stopping) = early_stopping_options("earlyStopping", j["earlyStopping"]);
      f.early_stopping.enabled = true;
    }
    if (j.contains("reduceLrOnPlateau") && !j["reduceLrOnPlateau"].is_null())
      f.reduce_lr = reduce_lr_options("reduceLrOnPlateau", j["reduceLrOnPlateau"]);
    if (j.contains("lrSchedule") && !j["lrSchedule"].is_null()) f.schedule = optim::parse_schedule(j["lrSchedule"]);
  } catch (const Json::exception& e) {
    fail("fit: malformed options (", e.what(), ")");
  }
  return f;
}

Json History::to_json() const {
  return {{"epochs", epochs}, {"history", values}, {"stoppedEarly", stopped_early}, {"bestEpoch", best_epoch}};
}

// ---- divergence -------------------------------------------------------------------------------
// The loss of a batch is NaN or infinite, or the loss is finite but a gradient is not: stop before
// the optimizer step, so the weights stay those of the last finite step, restore the moving
// statistics and generators the failed forward changed, and say where the first non-finite value
// appeared: in the batch's inputs, in a weight (an earlier step diverged), or else the op that made
// it, found by replaying the batch with anomaly mode on (anomaly.h).

static const char* non_finite_word(double v) {
  return std::isnan(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
}

[[noreturn]] static void fail_non_finite_impl(const std::string& what, int64_t epoch, int64_t batch,
                                              const std::string& where, const char* stopped) {
  fail("fit: ", what, " at epoch ", epoch, ", batch ", batch, "; first non-finite value: ", where,
       ". Training stopped (", stopped, ")");
}

static bool all_finite(const Tensor& t) {
  if (t.is_contiguous()) return kernels::all_finite(t.data(), size_t(t.numel()));
  return first_non_finite(t) < 0;
}

// What usually causes the value an op made (appended to the op's description).
static std::string with_hint(const std::string& where) {
  if (where.find("into NaN") != std::string::npos)
    return where + ". Likely cause: 0/0, Inf - Inf, 0 * Inf, or the log or square root of a negative number "
                   "(often after values grew too large: lower the learning rate)";
  return where + ". Likely cause: a float32 overflow (a value beyond 3.4e38), a division by 0 or log(0): "
                 "lower the learning rate or scale the inputs";
}

Model::ForwardState Model::forward_state() const {
  ForwardState s;
  for (const auto& l : layers_) {
    for (auto& [n, t] : l->buffers()) s.buffers.push_back(t);
    if (auto* d = layer_as<Dropout>(l.get())) s.rngs.push_back(&d->rng);
  }
  s.saved.resize(s.buffers.size());
  return s;
}
void Model::save(ForwardState& s) {
  for (size_t i = 0; i < s.buffers.size(); ++i) {
    const Tensor& t = s.buffers[i];
    s.saved[i].assign(t.data(), t.data() + t.numel());  // buffers are contiguous
  }
  s.saved_rngs.clear();
  for (Rng* r : s.rngs) s.saved_rngs.push_back(*r);
}
void Model::restore(const ForwardState& s) {
  for (size_t i = 0; i < s.buffers.size(); ++i) std::copy(s.saved[i].begin(), s.saved[i].end(), s.buffers[i].data());
  for (size_t i = 0; i < s.rngs.size(); ++i) *s.rngs[i] = s.saved_rngs[i];
}

std::string Model::replay_with_anomaly(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys, bool backward,
                                       ForwardState& st) {
  restore(st);  // the same moving statistics and dropout masks as the failed forward
  // Whatever leaves (also another error, e.g. the memory limit): no gradient, no changed state.
  struct Undo {
    Model& m;
    ForwardState& st;
    ~Undo() {
      m.optimizer_->zero_grad();
      restore(st);
    }
  } undo{*this, st};
  std::string where;
  {
    DetectAnomalyGuard anomaly(true);
    NoGradGuard no_grad;
    if (backward) set_grad_enabled(true);  // the guard restores the previous mode
    const std::string* stage = nullptr;
    std::string layer_stage;
    bool backward_started = false;
    try {
      // The forward of Model::forward, node by node, to name the layer.
      std::vector<Tensor> v(nodes_.size());
      for (size_t i = 0; i < xs.size(); ++i) v[size_t(inputs_[i])] = xs[i];
      for (size_t k = 0; k < nodes_.size(); ++k) {
        const Node& n = nodes_[k];
        if (n.layer == -1) continue;
        const Layer& L = *layers_[size_t(n.layer)];
        layer_stage = std::string("in layer '") + L.name + "' (" + L.kind() + ")";
        stage = &layer_stage;
        std::vector<Tensor> in;
        for (int j : n.inbound) in.push_back(v[size_t(j)]);
        v[k] = layers_[size_t(n.layer)]->forward(in, true);
      }
      std::vector<Tensor> outs;
      for (int o : outputs_) outs.push_back(v[size_t(o)]);
      std::string loss_stage = "in the loss (";
      for (size_t k = 0; k < losses_.size(); ++k) loss_stage += (k ? ", " : "") + losses_[k].kind;
      layer_stage = loss_stage + ")";
      stage = &layer_stage;
      Tensor loss = total_loss(outs, ys);
      if (backward) {
        backward_started = true;  // the message names the op whose backward it was
        loss.backward();
      }
    } catch (const AnomalyError& e) {
      where = e.where();
      if (stage && !backward_started) where += ", " + *stage;
    }
  }
  return where;
}

void Model::fail_non_finite(int64_t epoch, int64_t batch, double loss, const std::vector<Tensor>& xs,
                            const std::vector<Tensor>& ys, const std::vector<Tensor>& outs, ForwardState& st) {
  restore(st);
  const std::string what = std::string("the loss became ") + non_finite_word(loss);
  const char* kept = "weights as after the last finite step";
  for (size_t i = 0; i < xs.size(); ++i)
    if (!all_finite(xs[i]))
      fail_non_finite_impl(what, epoch, batch, "input " + std::to_string(i) + " (NaN or Infinity in x)", kept);
  for (const auto& [name, w] : named_weights())
    if (!all_finite(w))
      fail_non_finite_impl(what, epoch, batch,
                           "weight '" + name + "' (the previous step diverged: lower the learning rate)",
                           "the weights hold what that step left");
  const std::string where = replay_with_anomaly(xs, ys, false, st);
  if (!where.empty()) fail_non_finite_impl(what, epoch, batch, with_hint(where), kept);
  for (size_t k = 0; k < outs.size(); ++k)
    if (!all_finite(outs[k]))
      fail_non_finite_impl(what, epoch, batch, "output " + std::to_string(k) + " of the forward pass (it overflowed: lower the learning rate or scale the inputs)", kept);
  fail_non_finite_impl(what, epoch, batch, "the loss itself", kept);
}

void Model::fail_non_finite_grad(int64_t epoch, int64_t batch, double loss, const std::string& param,
                                 const std::vector<Tensor>& xs, const std::vector<Tensor>& ys, ForwardState& st) {
  optimizer_->zero_grad();
  restore(st);
  const std::string what =
      cat("the gradient of weight '", param, "' became non-finite (the loss was finite, ", loss, ")");
  const std::string where = replay_with_anomaly(xs, ys, true, st);
  fail_non_finite_impl(what, epoch, batch,
                       where.empty() ? "the gradient of weight '" + param + "'" : with_hint(where),
                       "weights as after the last finite step");
}

History Model::fit(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys, const FitOptions& o) {
  check_compiled("fit");
  if (o.epochs < 0) fail("fit: epochs must be >= 0, got ", o.epochs);
  if (o.batch_size < 1) fail("fit: batchSize must be >= 1, got ", o.batch_size);
  if (!(o.validation_split >= 0 && o.validation_split < 1))
    fail("fit: validationSplit must be in [0, 1), got ", o.validation_split);
  const int64_t n_all = check_data("fit", xs, ys);
  // NaN or Infinity in the data would poison the weights (or pass silently through relu): refuse
  // before any step, naming the first bad value.
  for (size_t i = 0; i < xs.size(); ++i) {
    const Tensor c = xs[i].contiguous();
    const int64_t row = n_all ? c.numel() / n_all : 0;
    for (int64_t k = 0; k < c.numel(); ++k)
      if (!std::isfinite(c.data()[k]))
        fail("fit: x ", i, " holds ", c.data()[k], " at row ", row ? k / row : 0, " (NaN or Infinity in the data)");
  }
  const bool has_val_data = !o.val_x.empty() || !o.val_y.empty();
  if (has_val_data) check_data("fit (validation data)", o.val_x, o.val_y);
  const int64_t n_val = has_val_data ? 0 : int64_t(std::floor(double(n_all) * o.validation_split));
  const int64_t n = n_all - n_val;
  if (n < 1) fail("fit: validationSplit ", o.validation_split, " leaves no training rows");
  const bool validate = has_val_data || n_val > 0;

  // The names that will be logged, for the early-stopping monitor.
  std::vector<std::string> names = {"loss"};
  for (size_t k = 0; k < outputs_.size(); ++k) {
    const std::string prefix = outputs_.size() > 1 ? nodes_[size_t(outputs_[k])].name + "_" : "";
    if (outputs_.size() > 1) names.push_back(prefix + "loss");
    for (const auto& m : metrics_) names.push_back(prefix + m);
  }
  if (validate) {
    const size_t m = names.size();
    for (size_t i = 0; i < m; ++i) names.push_back("val_" + names[i]);
  }
  const EarlyStopping& es = o.early_stopping;
  auto check_monitor = [&](const char* who, const std::string& monitor) {
    if (std::find(names.begin(), names.end(), monitor) != names.end()) return;
    std::string known;
    for (const auto& s : names) known += (known.empty() ? "" : ", ") + s;
    fail("fit: ", who, " monitors '", monitor, "', which is not logged (logged: ", known, ")");
  };
  if (es.enabled) check_monitor("earlyStopping", es.monitor);
  if (o.reduce_lr) check_monitor("reduceLrOnPlateau", o.reduce_lr->monitor);

  // Training and validation rows (the split takes the last rows, before shuffling).
  std::vector<Tensor> tx = xs, ty = ys, vx = o.val_x, vy = o.val_y;
  if (n_val > 0) {
    std::vector<int64_t> ti(static_cast<size_t>(n)), vi(static_cast<size_t>(n_val));
    for (int64_t i = 0; i < n; ++i) ti[size_t(i)] = i;
    for (int64_t i = 0; i < n_val; ++i) vi[size_t(i)] = n + i;
    tx.clear(); ty.clear();
    for (const Tensor& x : xs) { tx.push_back(take_rows(x, ti)); vx.push_back(take_rows(x, vi)); }
    for (const Tensor& y : ys) { ty.push_back(take_rows(y, ti)); vy.push_back(take_rows(y, vi)); }
  }

  History h;
  Rng seeded(o.seed, 99);
  Rng& rng = o.has_seed ? seeded : shuffle_rng_;
  double lr0 = optimizer_->lr();  // the schedule's base lr (ReduceLROnPlateau lowers it)
  std::optional<EarlyStoppingMonitor> stopper;
  if (es.enabled) stopper.emplace(es);
  std::optional<ReduceLROnPlateau> plateau;
  if (o.reduce_lr) plateau.emplace(*o.reduce_lr);
  std::vector<std::vector<float>> best_weights;
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) order[size_t(i)] = i;

  ForwardState state = forward_state();
  std::vector<NamedTensor> params;  // parameters() with their "<layer>/<weight>" names
  std::vector<std::string> layer_of;
  for (const auto& l : layers_)
    for (auto& p : l->params()) {
      params.push_back(p);
      layer_of.push_back(l->name);
    }

  for (int64_t epoch = 0; epoch < o.epochs; ++epoch) {
    if (o.schedule) optimizer_->set_lr(optim::scheduled_lr(*o.schedule, lr0, epoch));
    if (o.lr_fn) optimizer_->set_lr(o.lr_fn(epoch, optimizer_->lr()));
    if (o.shuffle) shuffle_rows(order, rng);
    Logs sums;
    double loss_sum = 0;
    int64_t batch = 0;
    for (int64_t start = 0; start < n; start += o.batch_size, ++batch) {
      const int64_t end = std::min(n, start + o.batch_size);
      std::vector<int64_t> idx(order.begin() + start, order.begin() + end);
      std::vector<Tensor> bx, by;
      for (const Tensor& x : tx) bx.push_back(take_rows(x, idx));
      for (const Tensor& y : ty) by.push_back(take_rows(y, idx));
      save(state);
      optimizer_->zero_grad();
      std::vector<Tensor> outs;
      Tensor loss;
      try {
        outs = forward(bx, true);
        loss = total_loss(outs, by);
        if (std::isfinite(loss.item())) loss.backward();
      } catch (const AnomalyError& e) {
        // Anomaly mode was on (pg.detectAnomaly): the op is named already; stop as below.
        optimizer_->zero_grad();
        restore(state);
        fail_non_finite_impl("anomaly mode found a non-finite value", epoch, batch, with_hint(e.where()),
                             "weights as after the last finite step");
      }
      if (!std::isfinite(loss.item())) fail_non_finite(epoch, batch, loss.item(), bx, by, outs, state);
      // A finite loss can still have a non-finite gradient: check them before the step, so no
      // NaN or Infinity ever reaches the weights (kernels::all_finite: one SIMD sum per gradient,
      // a scan only when the sum is not finite; gradients are contiguous, see accumulate_grad).
      for (size_t p = 0; p < params.size(); ++p) {
        const Tensor g = params[p].second.grad();
        if (g.defined() && !all_finite(g))
          fail_non_finite_grad(epoch, batch, loss.item(), layer_of[p] + "/" + params[p].first, bx, by, state);
      }
      optimizer_->step();
      const double lv = loss.item();
      loss_sum += lv * double(end - start);
      {
        NoGradGuard ng;
        std::vector<Tensor> det;
        for (const Tensor& t : outs) det.push_back(t.detach());
        for (auto& [k, v] : metrics_of(det, by)) sums[k] += v;
      }
      if (o.on_batch_end) o.on_batch_end(batch, {{"loss", lv}, {"size", double(end - start)}});
    }
    Logs logs;
    logs["loss"] = loss_sum / double(n);
    for (auto& [k, v] : sums) logs[k] = v / double(n);
    if (validate)
      for (auto& [k, v] : evaluate(vx, vy, o.batch_size)) logs["val_" + k] = v;
    logs["lr"] = optimizer_->lr();
    h.epochs.push_back(epoch);
    for (auto& [k, v] : logs) h.values[k].push_back(v);

    bool stop = false;
    if (stopper) {
      const MonitorEvent ev = stopper->update(epoch, logs[es.monitor]);
      if (ev.improved) {
        h.best_epoch = epoch;
        if (es.restore_best_weights) best_weights = snapshot();
      }
      if (ev.stop) {
        stop = true;
        h.stopped_early = true;
        if (es.restore_best_weights && !best_weights.empty()) restore(best_weights);
      }
    }
    if (plateau) {
      const MonitorEvent ev = plateau->update(epoch, logs[o.reduce_lr->monitor], o.schedule ? lr0 : optimizer_->lr());
      if (ev.reduced) {
        if (o.schedule) lr0 = ev.lr;
        else optimizer_->set_lr(ev.lr);
      }
    }
    if (o.on_epoch_end && o.on_epoch_end(epoch, logs)) stop = true;
    if (stop) break;
  }
  return h;
}

Logs Model::evaluate(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys, int64_t batch_size) {
  check_compiled("evaluate");
  if (batch_size < 1) fail("evaluate: batchSize must be >= 1, got ", batch_size);
  const int64_t n = check_data("evaluate", xs, ys);
  NoGradGuard ng;
  Logs sums;
  double loss_sum = 0;
  for (int64_t start = 0; start < n; start += batch_size) {
    const int64_t end = std::min(n, start + batch_size);
    std::vector<int64_t> idx;
    for (int64_t i = start; i < end; ++i) idx.push_back(i);
    std::vector<Tensor> bx, by;
    for (const Tensor& x : xs) bx.push_back(take_rows(x, idx));
    for (const Tensor& y : ys) by.push_back(take_rows(y, idx));
    std::vector<Tensor> outs = forward(bx, false);
    loss_sum += double(total_loss(outs, by).item()) * double(end - start);
    for (auto& [k, v] : metrics_of(outs, by)) sums[k] += v;
  }
  Logs logs;
  logs["loss"] = loss_sum / double(n);
  for (auto& [k, v] : sums) logs[k] = v / double(n);
  return logs;
}

std::vector<Tensor> Model::predict(const std::vector<Tensor>& xs, int64_t batch_size) {
  if (batch_size < 1) fail("predict: batchSize must be >= 1, got ", batch_size);
  const int64_t n = check_data("predict", xs, {});
  NoGradGuard ng;
  std::vector<std::vector<Tensor>> parts(outputs_.size());
  for (int64_t start = 0; start < n; start += batch_size) {
    const int64_t end = std::min(n, start + batch_size);
    std::vector<int64_t> idx;
    for (int64_t i = start; i < end; ++i) idx.push_back(i);
    std::vector<Tensor> bx;
    for (const Tensor& x : xs) bx.push_back(take_rows(x, idx));
    std::vector<Tensor> outs = forward(bx, false);
    for (size_t k = 0; k < outs.size(); ++k) parts[k].push_back(outs[k]);
  }
  std::vector<Tensor> out;
  for (auto& p : parts) out.push_back(p.size() == 1 ? p[0] : concat(p, 0));
  return out;
}

}  // namespace pg::nn
