// Embind bindings of the nn area (playgrad/nn/): losses, optimizers and schedules, initializers,
// layer configs, models (compile, fit with callbacks, evaluate, predict, save/load), the fused
// Dense-chain trainer and the spiral data. wasm/api/nn.mjs builds pg.losses, pg.optim, pg.init,
// pg.layers, pg.model, pg.denseChainTrainer ... on top. Every binding runs inside guard();
// options cross as JSON text (bind_util.h), and so do structured results (strings arrive as
// JavaScript values: see to_string in bind_util.h).
#include <nlohmann/json.hpp>

#include "bind_util.h"
#include "playgrad/nn/callbacks.h"
#include "playgrad/nn/datasets.h"
#include "playgrad/nn/line_fit.h"
#include "playgrad/nn/dense_chain_trainer.h"
#include "playgrad/nn/init.h"
#include "playgrad/nn/losses.h"
#include "playgrad/nn/metrics.h"
#include "playgrad/nn/model.h"
#include "playgrad/nn/optim.h"
#include "playgrad/nn/pca.h"
#include "playgrad/nn/probe.h"

using emscripten::val;
using pg::Tensor;
using pgbind::guard;
using Json = nlohmann::json;

namespace {

Json parse(const char* op, const val& v) { return pgbind::parse_options(op, v); }

pg::losses::Reduction red(const val& r) { return pg::losses::parse_reduction(pgbind::to_string("loss", r)); }
// (A val, not a std::string parameter: an error thrown to JavaScript from inside the call skips
// embind's clean-up of a std::string argument's buffer, 16 bytes leaked per failed call.)
pg::losses::Clip clip_of(const val& c) { return pg::losses::parse_clip(pgbind::to_string("loss", c)); }

std::vector<int64_t> to_labels(const char* op, const val& labels) {
  if (!labels.isArray() && !labels.instanceof(val::global("Int32Array")) &&
      !labels.instanceof(val::global("Float32Array")) && !labels.instanceof(val::global("Float64Array")) &&
      !labels.instanceof(val::global("Uint8Array")))
    pg::fail(op, ": labels must be an array of integers or an Int32Array");
  const auto v = emscripten::convertJSArrayToNumberVector<double>(labels);
  std::vector<int64_t> out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i]) || v[i] != std::floor(v[i]))
      pg::fail(op, ": label ", v[i], " at position ", i, " is not an integer");
    out.push_back(std::fabs(v[i]) < 1e15 ? int64_t(v[i]) : (v[i] < 0 ? -1 : int64_t(1) << 50));
  }
  return out;
}

// ---- losses -------------------------------------------------------------------------------------

Tensor js_mse(const Tensor& p, const Tensor& t, const val& r) {
  return guard([&] { return pg::losses::mse(p, t, red(r)); });
}
// clip: "keras" (p clipped to [1e-7, 1 - 1e-7]) or "pytorch" (log clamped at -100 / no clamp).
Tensor js_bce(const Tensor& p, const Tensor& t, bool logits, const val& r, const val& clip) {
  return guard([&] { return pg::losses::binary_cross_entropy(p, t, logits, red(r), clip_of(clip)); });
}
Tensor js_cce(const Tensor& p, const Tensor& t, bool logits, const val& r, const val& clip) {
  return guard([&] { return pg::losses::categorical_cross_entropy(p, t, logits, red(r), clip_of(clip)); });
}
Tensor js_scce(const Tensor& p, const val& labels, bool logits, const val& r, const val& clip) {
  return guard([&] {
    return pg::losses::sparse_categorical_cross_entropy(
        p, to_labels("sparseCategoricalCrossEntropy", labels), logits, red(r), clip_of(clip));
  });
}
Tensor js_contrastive(const Tensor& d, const Tensor& y, float margin, const val& r) {
  return guard([&] { return pg::losses::contrastive(d, y, margin, red(r)); });
}

// ---- optimizers --------------------------------------------------------------------------------------

struct JsOptimizer {
  std::shared_ptr<pg::optim::Optimizer> o;
};

JsOptimizer js_optim_create(const val& kind_js, const val& params, const val& opts) {
  return guard([&] {
    const std::string kind = pgbind::to_string("optimizer", kind_js);
    return JsOptimizer{pg::optim::make(kind, pgbind::to_tensors(kind.c_str(), params), parse(kind.c_str(), opts))};
  });
}
void js_optim_step(JsOptimizer& o) { guard([&] { o.o->step(); }); }
void js_optim_zero_grad(JsOptimizer& o) { guard([&] { o.o->zero_grad(); }); }
double js_optim_lr(const JsOptimizer& o) { return o.o->lr(); }
void js_optim_set_lr(JsOptimizer& o, double lr) { guard([&] { o.o->set_lr(lr); }); }
std::string js_optim_config(const JsOptimizer& o) {
  return guard([&] {
    Json c = o.o->config();
    c["kind"] = o.o->kind();
    return c.dump();
  });
}
std::string js_optim_state(const JsOptimizer& o) { return guard([&] { return o.o->state_json().dump(); }); }
void js_optim_load_state(JsOptimizer& o, const val& s) {
  guard([&] { o.o->load_state_json(parse("loadState", s)); });
}
double js_scheduled_lr(const val& schedule, double lr0, double epoch) {
  return guard([&] {
    const int64_t e = pgbind::to_int("lrSchedule", "epoch", epoch);
    if (e < 0) pg::fail("lrSchedule: epoch must be >= 0");
    return pg::optim::scheduled_lr(pg::optim::parse_schedule(parse("lrSchedule", schedule)), lr0, e);
  });
}

// ---- callbacks as monitors (callbacks.h) ------------------------------------------------------------
// Stateless across the boundary: the monitor's state crosses as JSON ({} or null: a new monitor),
// and each call returns {options, state, event} for the next call.

std::string js_early_stopping_step(const val& options, const val& state, double epoch, double value) {
  return guard([&] {
    const auto o = pg::nn::early_stopping_options("earlyStopping", parse("earlyStopping", options));
    pg::nn::EarlyStoppingMonitor m(o);
    const Json st = parse("earlyStopping", state);
    if (!st.is_null() && !st.empty()) m.load_state(st);
    Json ev = Json(nullptr);
    if (!std::isnan(epoch)) {
      const int64_t e = pgbind::to_int("earlyStopping", "epoch", epoch);
      if (e < 0) pg::fail("earlyStopping: epoch must be >= 0, got ", e);
      ev = m.update(e, value).to_json();
    }
    return Json{{"options", pg::nn::to_json(o)}, {"minimize", m.minimize()}, {"state", m.state_json()}, {"event", ev}}.dump();
  });
}
std::string js_reduce_lr_step(const val& options, const val& state, double epoch, double value, double lr) {
  return guard([&] {
    const auto o = pg::nn::reduce_lr_options("reduceLrOnPlateau", parse("reduceLrOnPlateau", options));
    pg::nn::ReduceLROnPlateau m(o);
    const Json st = parse("reduceLrOnPlateau", state);
    if (!st.is_null() && !st.empty()) m.load_state(st);
    Json ev = Json(nullptr);
    if (!std::isnan(epoch)) {
      const int64_t e = pgbind::to_int("reduceLrOnPlateau", "epoch", epoch);
      if (e < 0) pg::fail("reduceLrOnPlateau: epoch must be >= 0, got ", e);
      if (!(std::isfinite(lr) && lr >= 0)) pg::fail("reduceLrOnPlateau: lr must be a finite number >= 0, got ", lr);
      ev = m.update(e, value, lr).to_json();
    }
    return Json{{"options", pg::nn::to_json(o)}, {"minimize", m.minimize()}, {"state", m.state_json()}, {"event", ev}}.dump();
  });
}

// ---- initializers and layers -------------------------------------------------------------------------

Tensor js_init(const val& spec, const val& shape, double seed) {
  return guard([&] {
    const Json j = parse("init", spec);
    const pg::init::Spec s = pg::nn::cfg::initializer("init", Json{{"i", j}}, "i", "zeros");
    return pg::init::make(s, pgbind::to_shape("init", shape), pgbind::to_seed("init", seed));
  });
}
// Validates a layer config now (so a bad option fails where the layer is made) and returns the
// full config with defaults.
std::string js_layer_config(const val& kind_js, const val& config) {
  return guard([&] {
    const std::string kind = pgbind::to_string("layer", kind_js);
    return pg::nn::create_layer(kind, parse(kind.c_str(), config))->config().dump();
  });
}
// Only the check (the layer is made and dropped): what pg.layers.* runs when a layer is made.
void js_layer_check(const val& kind_js, const val& config) {
  guard([&] {
    const std::string kind = pgbind::to_string("layer", kind_js);
    pg::nn::create_layer(kind, parse(kind.c_str(), config));
  });
}
val js_layer_kinds() {
  val arr = val::array();
  const auto k = pg::nn::layer_kinds();
  for (size_t i = 0; i < k.size(); ++i) arr.set(i, k[i]);
  return arr;
}

// ---- models ----------------------------------------------------------------------------------------------

struct JsModel {
  std::shared_ptr<pg::nn::Model> m;
};

JsModel js_model_create(const val& spec, double seed) {
  return guard([&] {
    return JsModel{std::make_shared<pg::nn::Model>(parse("model", spec), pgbind::to_seed("model", seed))};
  });
}
JsModel js_model_from_json(const val& text) {
  return guard([&] {
    return JsModel{std::shared_ptr<pg::nn::Model>(pg::nn::Model::from_json(pgbind::to_string("loadModel", text)))};
  });
}
std::string js_model_to_json(const JsModel& m, bool opt) { return guard([&] { return m.m->to_json(opt); }); }
void js_model_load_weights(JsModel& m, const val& text) {
  guard([&] { m.m->load_weights_json(pgbind::to_string("loadWeights", text)); });
}
std::string js_model_summary(const JsModel& m) { return guard([&] { return m.m->summary(); }); }
std::string js_model_summary_rows(const JsModel& m) { return guard([&] { return m.m->summary_rows().dump(); }); }
std::string js_model_head_gradients(JsModel& m, const val& xs, const val& ys) {
  return guard([&] {
    return m.m->head_gradients(pgbind::to_tensors("headGradients", xs), pgbind::to_tensors("headGradients", ys)).dump();
  });
}
std::string js_graph_spec(const val& graph) { return guard([&] { return pg::nn::graph_spec(parse("graph", graph)).dump(); }); }
std::string js_model_info(const JsModel& m) {
  return guard([&] {
    Json ins = Json::array(), outs = Json::array();
    for (size_t i = 0; i < m.m->num_inputs(); ++i) ins.push_back(m.m->input_shape(i));
    for (size_t i = 0; i < m.m->num_outputs(); ++i) outs.push_back(m.m->output_shape(i));
    Json layers = Json::array();
    for (const auto& l : m.m->layers()) {
      Json ws = Json::array();
      int64_t count = 0;
      for (auto& [n, t] : l->params()) {
        ws.push_back(n);
        count += t.numel();
      }
      int64_t buffers = 0;
      for (auto& [n, t] : l->buffers()) buffers += t.numel();
      layers.push_back({{"name", l->name}, {"kind", l->kind()}, {"params", ws}, {"trainable", l->trainable},
                        {"paramCount", count + buffers}, {"trainableCount", l->trainable ? count : 0}});
    }
    return Json{{"inputShapes", ins}, {"outputShapes", outs}, {"countParams", m.m->count_params()},
                {"trainableParams", m.m->count_trainable()}, {"compiled", m.m->compiled()},
                {"lr", m.m->compiled() ? Json(m.m->optimizer()->lr()) : Json()},
                {"seed", m.m->seed()}, {"layers", layers},
                {"compile", m.m->compile_options()}}
        .dump();
  });
}
// The canonical spec (every layer's full config): apart from _modelInfo, which the counts and
// shapes read, since it is the largest part and few callers need it.
std::string js_model_spec(const JsModel& m) { return guard([&] { return m.m->spec().dump(); }); }
// {mean, components, eigenvalues, totalVariance, explained, projected, rows, dims, k, sweeps}
val js_pca(const Tensor& x, int k) {
  return guard([&] {
    const pg::nn::Pca r = pg::nn::pca(x, k);
    auto arr = [](const std::vector<double>& v) {
      val a = val::global("Float64Array").new_(v.size());
      for (size_t i = 0; i < v.size(); ++i) a.set(i, v[i]);
      return a;
    };
    val o = val::object();
    o.set("rows", double(r.rows));
    o.set("dims", double(r.dims));
    o.set("k", double(r.k));
    o.set("mean", arr(r.mean));
    o.set("components", arr(r.components));
    o.set("eigenvalues", arr(r.eigenvalues));
    o.set("totalVariance", r.total_variance);
    o.set("explained", arr(r.explained));
    o.set("projected", arr(r.projected));
    o.set("sweeps", r.sweeps);
    return o;
  });
}
void js_model_set_trainable(JsModel& m, const std::string& layer, bool on) {
  guard([&] { m.m->set_trainable(layer, on); });
}
void js_model_copy_weights(JsModel& m, const JsModel& from, const std::string& names) {
  guard([&] {
    const Json j = Json::parse(names);
    m.m->copy_weights_from(*from.m, j.get<std::vector<std::string>>());
  });
}
val js_model_params(const JsModel& m) { return guard([&] { return pgbind::tensors_to_js(m.m->parameters()); }); }
val js_model_named_weights(const JsModel& m) {
  return guard([&] {
    val o = val::object();
    for (auto& [n, t] : m.m->named_weights()) o.set(n, val(t));
    return o;
  });
}
val js_model_forward(JsModel& m, const val& xs, bool training) {
  return guard([&] { return pgbind::tensors_to_js(m.m->forward(pgbind::to_tensors("model", xs), training)); });
}
val js_model_forward_nodes(JsModel& m, const val& xs, bool training) {
  return guard([&] { return pgbind::tensors_to_js(m.m->forward_nodes(pgbind::to_tensors("model", xs), training)); });
}
std::string js_model_nodes(const JsModel& m) {
  return guard([&] {
    Json out = Json::array();
    for (const auto& n : m.m->nodes()) out.push_back({{"name", n.name}, {"kind", n.kind}, {"shape", n.shape}});
    return out.dump();
  });
}
void js_model_compile(JsModel& m, const val& opts) { guard([&] { m.m->compile(parse("compile", opts)); }); }
Tensor js_model_total_loss(JsModel& m, const val& outs, const val& ys) {
  return guard([&] { return m.m->total_loss(pgbind::to_tensors("loss", outs), pgbind::to_tensors("loss", ys)); });
}
double js_model_train_on_batch(JsModel& m, const val& xs, const val& ys) {
  return guard([&] { return m.m->train_on_batch(pgbind::to_tensors("trainOnBatch", xs), pgbind::to_tensors("trainOnBatch", ys)); });
}
std::string js_model_fit(JsModel& m, const val& xs, const val& ys, const val& opts, const val& vx,
                         const val& vy, const val& on_epoch, const val& on_batch, const val& lr_fn) {
  return guard([&] {
    pg::nn::FitOptions o = pg::nn::fit_options_from_json(parse("fit", opts));
    if (!vx.isNull() && !vx.isUndefined()) {
      o.val_x = pgbind::to_tensors("fit", vx);
      o.val_y = pgbind::to_tensors("fit", vy);
    }
    // The JavaScript wrappers never throw (they catch, remember and ask to stop).
    if (!on_epoch.isNull() && !on_epoch.isUndefined())
      o.on_epoch_end = [on_epoch](int64_t e, const pg::nn::Logs& l) {
        return on_epoch(double(e), Json(l).dump()).as<bool>();
      };
    if (!on_batch.isNull() && !on_batch.isUndefined())
      o.on_batch_end = [on_batch](int64_t b, const pg::nn::Logs& l) { on_batch(double(b), Json(l).dump()); };
    if (!lr_fn.isNull() && !lr_fn.isUndefined())
      o.lr_fn = [lr_fn](int64_t e, double lr) { return lr_fn(double(e), lr).as<double>(); };
    return m.m->fit(pgbind::to_tensors("fit", xs), pgbind::to_tensors("fit", ys), o).to_json().dump();
  });
}
// {counts: [C * C] row = true class, classes, predicted: [N]}
val js_confusion_matrix(const Tensor& probs, const val& labels) {
  return guard([&] {
    const auto r = pg::nn::confusion_matrix(probs, pgbind::to_floats("confusionMatrix", "labels", labels));
    val o = val::object();
    o.set("classes", double(r.classes));
    o.set("counts", pgbind::number_list(r.counts));
    o.set("predicted", pgbind::number_list(r.predicted));
    return o;
  });
}

std::string js_model_evaluate(JsModel& m, const val& xs, const val& ys, double bs) {
  return guard([&] {
    return Json(m.m->evaluate(pgbind::to_tensors("evaluate", xs), pgbind::to_tensors("evaluate", ys),
                              pgbind::to_int("evaluate", "batchSize", bs)))
        .dump();
  });
}
val js_model_predict(JsModel& m, const val& xs, double bs) {
  return guard([&] {
    return pgbind::tensors_to_js(m.m->predict(pgbind::to_tensors("predict", xs), pgbind::to_int("predict", "batchSize", bs)));
  });
}
double js_model_lr(const JsModel& m) {
  return guard([&] {
    if (!m.m->compiled()) pg::fail("lr: compile the model first");
    return m.m->optimizer()->lr();
  });
}
void js_model_set_lr(JsModel& m, double lr) {
  guard([&] {
    if (!m.m->compiled()) pg::fail("lr: compile the model first");
    m.m->optimizer()->set_lr(lr);
  });
}

// λ1 Σ|w| + λ2 Σw² summed over the layers' regularizers (0-d; 0 when none has one).
Tensor js_model_regularization_loss(const JsModel& m) {
  return guard([&] { return m.m->regularization_loss().detach(); });
}
// The mask of a Dropout layer's latest training-mode forward (values 0 or 1/(1 - rate), the
// shape of the batch it dropped): the mask the latest training step used.
Tensor js_model_dropout_mask(const JsModel& m, const val& layer) {
  return guard([&] {
    const std::string name = pgbind::to_string("dropoutMask", layer);
    auto l = m.m->layer(name);
    if (!l) pg::fail("dropoutMask: the model has no layer '", name, "'");
    auto* d = pg::nn::layer_as<pg::nn::Dropout>(l.get());
    if (!d) pg::fail("dropoutMask: layer '", name, "' is a ", l->kind(), ", not a Dropout layer");
    if (d->last_mask_shape.empty()) pg::fail("dropoutMask: layer '", name, "' has not run in training mode yet");
    return Tensor::from_vector(d->last_mask, d->last_mask_shape);
  });
}

// Model::probe_result packed for JavaScript without a JSON text (wasm/api/nn.mjs unpacks it into
// the object the JSON would give: probe.h): {numbers: Float64Array, names: [strings]}.
//   numbers: loss, rows, layer count, then per layer:
//     weight count, has derivative (0/1), output stats,
//     per weight: ndim, shape..., norm, gradNorm, spread, gradSpread,
//     when it has one: the derivative's stats, peak, threshold, saturatedShare, zeroShare,
//     deadShare, deadUnits, units
//   stats: mean, std, min, max, nonFinite, lo, hi, below, above, bin count, counts...
//   names: per layer its name, kind, activation, then its weights' names.
// Non-finite numbers stay NaN / ±Infinity here (the JSON form writes null; nn.mjs does the same).
void pack_stats(std::vector<double>& n, const pg::nn::ProbeStats& s) {
  const auto& h = s.histogram;
  n.insert(n.end(), {s.mean, s.std, s.min, s.max, double(s.non_finite), h.lo, h.hi, double(h.below),
                     double(h.above), double(h.counts.size())});
  for (int64_t c : h.counts) n.push_back(double(c));
}
val js_model_probe(JsModel& m, const val& xs, const val& ys, const val& opts) {
  return guard([&] {
    const pg::nn::ProbeResult r =
        m.m->probe_result(pgbind::to_tensors("probe", xs), pgbind::to_tensors("probe", ys), parse("probe", opts));
    std::vector<double> n = {r.loss, double(r.rows), double(r.layers.size())};
    val names = val::array();
    unsigned k = 0;
    for (const auto& l : r.layers) {
      names.set(k++, l.name);
      names.set(k++, l.kind);
      names.set(k++, l.activation);
      n.push_back(double(l.weights.size()));
      n.push_back(l.has_derivative ? 1 : 0);
      pack_stats(n, l.output);
      for (const auto& w : l.weights) {
        names.set(k++, w.name);
        n.push_back(double(w.shape.size()));
        for (int64_t d : w.shape) n.push_back(double(d));
        n.insert(n.end(), {w.norm, w.grad_norm, w.spread, w.grad_spread});
      }
      if (l.has_derivative) {
        const auto& d = l.derivative;
        pack_stats(n, d);
        n.insert(n.end(), {d.peak, d.threshold, d.saturated_share, d.zero_share, d.dead_share,
                           double(d.dead_units), double(d.units)});
      }
    }
    val out = val::object();
    out.set("numbers", pgbind::double_array(n));
    out.set("names", names);
    return out;
  });
}
// options: {alpha (leaky_relu), slope (prelu), saturation}.
std::string js_activation_curve(const val& name, const Tensor& x, const val& opts) {
  return guard([&] {
    const pgbind::Options o("activationCurve", opts);
    return pg::nn::activation_curve(pgbind::to_string("activationCurve", name), x, float(o.number("alpha", 0.01)),
                                    float(o.number("slope", 0.25)), o.number("saturation", 0.05))
        .dump();
  });
}

val js_spiral(double points, double classes, double seed) {
  return guard([&] {
    auto [x, y] = pg::nn::spiral(pgbind::to_int("spiral", "points", points), pgbind::to_int("spiral", "classes", classes),
                                 pgbind::to_seed("spiral", seed));
    return pgbind::tensors_to_js({x, y});
  });
}

// The playground's toy datasets (playgrad/nn/datasets.h). options: {points, classes, noise, seed}.
val js_toy_dataset(std::string name, const val& opts) {
  return guard([&] {
    const pgbind::Options o("toyDataset", opts);
    auto [x, y] = pg::nn::toy_dataset(name, o.integer("points", 200), o.integer("classes", 2), o.number("noise", 0),
                                      uint64_t(o.integer("seed", 0)));
    return pgbind::tensors_to_js({x, y});
  });
}

Tensor js_toy_features(const Tensor& x, const val& names) {
  return guard([&] {
    std::vector<std::string> ns;
    const auto len = names["length"].as<unsigned>();
    for (unsigned i = 0; i < len; ++i) ns.push_back(names[i].as<std::string>());
    return pg::nn::toy_features(x, ns);
  });
}

// 0 .. n-1 in the seeded Fisher-Yates order fit() shuffles with (playgrad/nn/model.h shuffle_rows).
val js_permutation(double n, double seed) {
  return guard([&] {
    const int64_t count = pgbind::to_int("permutation", "n", n);
    if (count < 0 || count > (int64_t(1) << 26)) pg::fail("permutation: n must be in [0, 67108864] (got ", count, ")");
    std::vector<int64_t> order(size_t(count), 0);
    for (int64_t i = 0; i < count; ++i) order[size_t(i)] = i;
    pg::Rng rng(pgbind::to_seed("permutation", seed));
    pg::nn::shuffle_rows(order, rng);
    std::vector<double> out(order.begin(), order.end());
    return pgbind::double_array(out);
  });
}

std::string js_toy_datasets() {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : pg::nn::toy_datasets())
    out.push_back({{"name", d.name}, {"minClasses", d.min_classes}, {"maxClasses", d.max_classes}});
  return out.dump();
}

// ---- gradient descent on a line under MSE (playgrad/nn/line_fit.h): the gradient-descent lesson ----
val int_array(const std::vector<int32_t>& v) {
  val out = val::global("Int32Array").new_(v.size());
  if (!v.empty()) out.call<void>("set", val(emscripten::typed_memory_view(v.size(), v.data())));
  return out;
}

// x, y: arrays of numbers; options: {w0, b0, lr, batchSize, epochs, seed, limit} (the JS side
// fills the defaults).
val js_line_path(const val& x, const val& y, const val& opts) {
  return guard([&] {
    const pgbind::Options o("linePath", opts);
    const char* op = o.op;
    pg::nn::LinePathOptions p;
    p.w0 = float(o.number("w0", 0));
    p.b0 = float(o.number("b0", 0));
    p.lr = o.number("lr", 0.01);
    p.batch_size = o.integer("batchSize", 0);
    p.epochs = o.integer("epochs", 1);
    p.seed = uint64_t(o.integer("seed", 0));
    p.limit = float(o.number("limit", 1e4));
    const auto r = pg::nn::line_path(pgbind::to_floats(op, "x", x), pgbind::to_floats(op, "y", y), p);
    val out = val::object();
    out.set("n", val(double(r.n)));
    out.set("batchSize", val(double(r.batch_size)));
    out.set("stepsPerEpoch", val(double(r.steps_per_epoch)));
    out.set("w", pgbind::float_array(r.w));
    out.set("b", pgbind::float_array(r.b));
    out.set("loss", pgbind::float_array(r.loss));
    out.set("batchLoss", pgbind::float_array(r.batch_loss));
    out.set("gw", pgbind::float_array(r.gw));
    out.set("gb", pgbind::float_array(r.gb));
    out.set("order", int_array(r.order));
    out.set("stop", val(r.stop));
    out.set("stopStep", val(double(r.stop_step)));
    return out;
  });
}

val js_line_stats(const val& x, const val& y) {
  return guard([&] {
    const char* op = "lineStats";
    const auto s = pg::nn::line_stats(pgbind::to_floats(op, "x", x), pgbind::to_floats(op, "y", y));
    val out = val::object();
    out.set("n", val(double(s.n)));
    out.set("sx", val(s.sx));
    out.set("sxx", val(s.sxx));
    out.set("sy", val(s.sy));
    out.set("sxy", val(s.sxy));
    out.set("syy", val(s.syy));
    out.set("hessian", pgbind::number_list(std::vector<double>(s.h, s.h + 4)));
    out.set("eigMin", val(s.eig_min));
    out.set("eigMax", val(s.eig_max));
    out.set("lrMax", val(s.lr_max));
    out.set("unique", val(s.unique));
    out.set("wOpt", val(s.w_opt));
    out.set("bOpt", val(s.b_opt));
    out.set("lossOpt", val(s.loss_opt));
    return out;
  });
}

// ---- the fused Dense-chain trainer (playgrad/nn/dense_chain_trainer.h) ---------------------------
struct JsDenseChainTrainer {
  std::shared_ptr<pg::nn::Model> m;  // keeps the model (and so its weights) alive
  std::shared_ptr<pg::nn::DenseChainTrainer> t;
};
JsDenseChainTrainer js_dense_chain_trainer_create(JsModel& m) {
  return guard([&] { return JsDenseChainTrainer{m.m, std::make_shared<pg::nn::DenseChainTrainer>(*m.m)}; });
}
double js_dense_chain_trainer_step(JsDenseChainTrainer& f, const Tensor& x, const Tensor& y) {
  return guard([&] { return f.t->step(x, y); });
}
double js_dense_chain_trainer_steps(const JsDenseChainTrainer& f) { return double(f.t->steps()); }

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_nn) {
  using emscripten::function;
  function("_lossMse", &js_mse);
  function("_lossBce", &js_bce);
  function("_lossCce", &js_cce);
  function("_lossScce", &js_scce);
  function("_lossContrastive", &js_contrastive);

  emscripten::class_<JsOptimizer>("Optimizer");
  function("_optimCreate", &js_optim_create);
  function("_optimStep", &js_optim_step);
  function("_optimZeroGrad", &js_optim_zero_grad);
  function("_optimLr", &js_optim_lr);
  function("_optimSetLr", &js_optim_set_lr);
  function("_optimConfig", &js_optim_config);
  function("_optimState", &js_optim_state);
  function("_optimLoadState", &js_optim_load_state);
  function("_scheduledLr", &js_scheduled_lr);
  function("_earlyStoppingStep", &js_early_stopping_step);
  function("_reduceLrStep", &js_reduce_lr_step);

  function("_init", &js_init);
  function("_layerConfig", &js_layer_config);
  function("_layerCheck", &js_layer_check);
  function("_layerKinds", &js_layer_kinds);

  emscripten::class_<JsModel>("Model");
  function("_modelCreate", &js_model_create);
  function("_modelFromJson", &js_model_from_json);
  function("_modelToJson", &js_model_to_json);
  function("_modelLoadWeights", &js_model_load_weights);
  function("_modelSetTrainable", &js_model_set_trainable);
  function("_modelCopyWeights", &js_model_copy_weights);
  function("_pca", &js_pca);
  function("_modelSummary", &js_model_summary);
  function("_modelSummaryRows", &js_model_summary_rows);
  function("_modelHeadGradients", &js_model_head_gradients);
  function("_graphSpec", &js_graph_spec);
  function("_modelInfo", &js_model_info);
  function("_modelSpec", &js_model_spec);
  function("_modelParams", &js_model_params);
  function("_modelNamedWeights", &js_model_named_weights);
  function("_modelForward", &js_model_forward);
  function("_modelCompile", &js_model_compile);
  function("_modelTotalLoss", &js_model_total_loss);
  function("_modelTrainOnBatch", &js_model_train_on_batch);
  function("_modelFit", &js_model_fit);
  function("_modelEvaluate", &js_model_evaluate);
  function("_confusionMatrix", &js_confusion_matrix);
  function("_modelPredict", &js_model_predict);
  function("_modelForwardNodes", &js_model_forward_nodes);
  function("_modelNodes", &js_model_nodes);
  function("_modelLr", &js_model_lr);
  function("_modelSetLr", &js_model_set_lr);
  function("_modelProbe", &js_model_probe);
  function("_modelRegularizationLoss", &js_model_regularization_loss);
  function("_modelDropoutMask", &js_model_dropout_mask);
  function("_activationCurve", &js_activation_curve);
  function("_spiral", &js_spiral);
  function("_linePath", &js_line_path);
  function("_lineStats", &js_line_stats);
  function("_toyDataset", &js_toy_dataset);
  function("_toyDatasets", &js_toy_datasets);
  function("_permutation", &js_permutation);
  function("_toyFeatures", &js_toy_features);
  emscripten::class_<JsDenseChainTrainer>("_DenseChainTrainer");
  function("_denseChainTrainerCreate", &js_dense_chain_trainer_create);
  function("_denseChainTrainerStep", &js_dense_chain_trainer_step);
  function("_denseChainTrainerSteps", &js_dense_chain_trainer_steps);
}
