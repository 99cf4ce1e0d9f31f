// Keras' EarlyStopping and ReduceLROnPlateau rules as monitors (see playgrad/nn/callbacks.h).
#include "playgrad/nn/callbacks.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "playgrad/error.h"
#include "playgrad/nn/layers.h"

namespace pg::nn {

namespace {

const double kInf = std::numeric_limits<double>::infinity();

// "auto": max when the name has "acc" in it (any case), else min.
bool minimize_for(const char* op, const std::string& mode, const std::string& monitor) {
  if (mode == "min") return true;
  if (mode == "max") return false;
  if (mode != "auto") fail(op, ": mode must be 'auto', 'min' or 'max', got '", mode, "'");
  std::string lower;
  for (char c : monitor) lower += char(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("acc") == std::string::npos;
}

std::string monitor_name(const char* op, const Json& j) {
  const std::string m = cfg::string(op, j, "monitor", "val_loss");
  if (m.empty()) fail(op, ": monitor must name a logged value, e.g. 'val_loss'");
  return m;
}

// A JSON number, or null for a value JSON cannot hold (an infinite best before any epoch).
Json num(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }
double num_or(const Json& j, const char* key, double def) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : def;
}

}  // namespace

Json MonitorEvent::to_json() const {
  Json j = {{"improved", improved}, {"stop", stop}, {"reduced", reduced}};
  if (reduced) {
    j["oldLr"] = old_lr;
    j["lr"] = lr;
  }
  return j;
}

// ---- EarlyStopping ------------------------------------------------------------------------------

EarlyStoppingOptions early_stopping_options(const char* op, const Json& j) {
  if (!j.is_object()) fail(op, ": options must be an object");
  cfg::check_keys(op, j, {"monitor", "mode", "patience", "minDelta", "restoreBestWeights", "baseline"});
  EarlyStoppingOptions o;
  o.monitor = monitor_name(op, j);
  o.mode = cfg::string(op, j, "mode", "auto");
  minimize_for(op, o.mode, o.monitor);  // validates the mode
  o.patience = cfg::integer(op, j, "patience", 0);
  if (o.patience < 0) fail(op, ": patience must be >= 0, got ", o.patience);
  o.min_delta = std::fabs(cfg::number(op, j, "minDelta", 0));
  o.restore_best_weights = cfg::boolean(op, j, "restoreBestWeights", false);
  if (j.contains("baseline") && !j["baseline"].is_null()) o.baseline = cfg::number(op, j, "baseline", 0);
  return o;
}

Json to_json(const EarlyStoppingOptions& o) {
  return {{"monitor", o.monitor}, {"mode", o.mode}, {"patience", o.patience}, {"minDelta", o.min_delta},
          {"restoreBestWeights", o.restore_best_weights},
          {"baseline", o.baseline ? Json(*o.baseline) : Json(nullptr)}};
}

EarlyStoppingMonitor::EarlyStoppingMonitor(EarlyStoppingOptions o) : o_(std::move(o)) {
  minimize_ = minimize_for("earlyStopping", o_.mode, o_.monitor);
}

bool EarlyStoppingMonitor::improves(double v, double ref) const {
  // Keras: monitor_op(v - min_delta, ref) with min_delta negated for min: v + |δ| < ref, v - |δ| > ref.
  return minimize_ ? v + o_.min_delta < ref : v - o_.min_delta > ref;
}

MonitorEvent EarlyStoppingMonitor::update(int64_t epoch, double value) {
  MonitorEvent e;
  if (stopped_) fail("earlyStopping: training stopped at epoch ", stopped_epoch_, "; reset the monitor to go on");
  wait_ += 1;
  if (!std::isnan(value) && (!has_best_ || improves(value, best_))) {
    best_ = value;
    has_best_ = true;
    best_epoch_ = epoch;
    e.improved = true;
    if (!o_.baseline || improves(value, *o_.baseline)) wait_ = 0;
    return e;
  }
  if (wait_ >= o_.patience && epoch > 0) {
    stopped_ = true;
    stopped_epoch_ = epoch;
    e.stop = true;
  }
  return e;
}

Json EarlyStoppingMonitor::state_json() const {
  return {{"best", has_best_ ? num(best_) : Json(nullptr)}, {"hasBest", has_best_}, {"bestEpoch", best_epoch_},
          {"wait", wait_}, {"stopped", stopped_}, {"stoppedEpoch", stopped_epoch_}};
}

void EarlyStoppingMonitor::load_state(const Json& s) {
  if (!s.is_object()) fail("earlyStopping: state must be an object");
  has_best_ = s.value("hasBest", false);
  best_ = num_or(s, "best", minimize_ ? kInf : -kInf);
  best_epoch_ = s.value("bestEpoch", int64_t(-1));
  wait_ = s.value("wait", int64_t(0));
  stopped_ = s.value("stopped", false);
  stopped_epoch_ = s.value("stoppedEpoch", int64_t(-1));
  if (wait_ < 0) fail("earlyStopping: state wait must be >= 0");
}

// ---- ReduceLROnPlateau --------------------------------------------------------------------------

ReduceLROnPlateauOptions reduce_lr_options(const char* op, const Json& j) {
  if (!j.is_object()) fail(op, ": options must be an object");
  cfg::check_keys(op, j, {"monitor", "mode", "factor", "patience", "minDelta", "cooldown", "minLr"});
  ReduceLROnPlateauOptions o;
  o.monitor = monitor_name(op, j);
  o.mode = cfg::string(op, j, "mode", "auto");
  minimize_for(op, o.mode, o.monitor);
  o.factor = cfg::number(op, j, "factor", 0.1);
  if (!(o.factor > 0 && o.factor < 1)) fail(op, ": factor must be in (0, 1) (the lr is multiplied by it), got ", o.factor);
  o.patience = cfg::integer(op, j, "patience", 10);
  if (o.patience < 0) fail(op, ": patience must be >= 0, got ", o.patience);
  o.min_delta = std::fabs(cfg::number(op, j, "minDelta", 1e-4));
  o.cooldown = cfg::integer(op, j, "cooldown", 0);
  if (o.cooldown < 0) fail(op, ": cooldown must be >= 0, got ", o.cooldown);
  o.min_lr = cfg::number(op, j, "minLr", 0);
  if (o.min_lr < 0) fail(op, ": minLr must be >= 0, got ", o.min_lr);
  return o;
}

Json to_json(const ReduceLROnPlateauOptions& o) {
  return {{"monitor", o.monitor}, {"mode", o.mode}, {"factor", o.factor}, {"patience", o.patience},
          {"minDelta", o.min_delta}, {"cooldown", o.cooldown}, {"minLr", o.min_lr}};
}

ReduceLROnPlateau::ReduceLROnPlateau(ReduceLROnPlateauOptions o) : o_(std::move(o)) {
  minimize_ = minimize_for("reduceLrOnPlateau", o_.mode, o_.monitor);
  best_ = minimize_ ? kInf : -kInf;
}

MonitorEvent ReduceLROnPlateau::update(int64_t, double value, double lr) {
  MonitorEvent e;
  e.old_lr = e.lr = lr;
  if (cooldown_counter_ > 0) {
    cooldown_counter_ -= 1;
    wait_ = 0;
  }
  const bool better = minimize_ ? value < best_ - o_.min_delta : value > best_ + o_.min_delta;
  if (better) {
    best_ = value;
    wait_ = 0;
    e.improved = true;
  } else if (cooldown_counter_ == 0) {
    wait_ += 1;
    // Keras compares in float32 (its lr is a float32 variable): lr 0.02 is not above min_lr 0.02.
    if (wait_ >= o_.patience && float(lr) > float(o_.min_lr)) {
      e.lr = std::max(lr * o_.factor, o_.min_lr);
      e.reduced = true;
      cooldown_counter_ = o_.cooldown;
      wait_ = 0;
    }
  }
  return e;
}

Json ReduceLROnPlateau::state_json() const {
  return {{"best", num(best_)}, {"wait", wait_}, {"cooldownCounter", cooldown_counter_}};
}

void ReduceLROnPlateau::load_state(const Json& s) {
  if (!s.is_object()) fail("reduceLrOnPlateau: state must be an object");
  best_ = num_or(s, "best", minimize_ ? kInf : -kInf);
  wait_ = s.value("wait", int64_t(0));
  cooldown_counter_ = s.value("cooldownCounter", int64_t(0));
}

}  // namespace pg::nn
