// playgrad/nn/callbacks.h: the epoch-end decisions of Keras' EarlyStopping and ReduceLROnPlateau,
// as monitors fed one value per epoch. fit() uses them (train.cpp), and so can any loop that
// trains step by step (the lessons' sessions, through pg.callbacks.earlyStoppingMonitor and
// pg.callbacks.reduceLrOnPlateauMonitor): one implementation of each rule.
//
// The monitors only decide; the caller acts (saves or restores weights, sets the lr). Their state
// is plain data (state_json / load_state), so a session can rewind a monitor to an earlier epoch.
//
// EarlyStopping (keras.callbacks.EarlyStopping, Keras 3):
//   improvement(v, ref): mode min: v - min_delta < ref; mode max: v + min_delta > ref; ref unset: yes.
//   each epoch: wait += 1; if improvement(v, best): best = v, best_epoch = epoch, and wait = 0
//   unless a baseline is set and v is not an improvement on it; otherwise stop when
//   wait >= patience and epoch > 0 (restore_best_weights: the caller loads best_epoch's weights).
// ReduceLROnPlateau (keras.callbacks.ReduceLROnPlateau):
//   better(v): mode min: v < best - min_delta; mode max: v > best + min_delta.
//   each epoch: if cooldown_counter > 0: cooldown_counter -= 1, wait = 0. Then if better(v):
//   best = v, wait = 0; else if not in cooldown: wait += 1, and when wait >= patience and
//   lr > min_lr (compared in float32, as Keras' lr variable): lr = max(lr · factor, min_lr),
//   cooldown_counter = cooldown, wait = 0.
// Mode "auto": max when the monitored name contains "acc" (accuracy), min otherwise (Keras 2's
// rule for EarlyStopping and ReduceLROnPlateau).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace pg::nn {

using Json = nlohmann::json;

struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  std::string mode = "auto";  // "auto" | "min" | "max"
  int64_t patience = 0;
  double min_delta = 0;       // its absolute value is used, as Keras
  bool restore_best_weights = false;
  std::optional<double> baseline;
};
// {monitor, mode, patience, minDelta, restoreBestWeights, baseline}; throws naming `op` and the key.
EarlyStoppingOptions early_stopping_options(const char* op, const Json& j);
Json to_json(const EarlyStoppingOptions& o);

// What one epoch's value did to a monitor.
struct MonitorEvent {
  bool improved = false;  // a new best (EarlyStopping: save the weights when restoring)
  bool stop = false;      // EarlyStopping: stop training now
  bool reduced = false;   // ReduceLROnPlateau: the lr was lowered (old_lr -> lr)
  double old_lr = 0, lr = 0;
  Json to_json() const;
};

class EarlyStoppingMonitor {
 public:
  explicit EarlyStoppingMonitor(EarlyStoppingOptions o);
  const EarlyStoppingOptions& options() const { return o_; }
  bool minimize() const { return minimize_; }
  // The monitored value of epoch `epoch` (0-based). A NaN value never improves.
  MonitorEvent update(int64_t epoch, double value);
  bool has_best() const { return has_best_; }
  double best() const { return best_; }
  int64_t best_epoch() const { return best_epoch_; }  // -1 before the first improvement
  int64_t wait() const { return wait_; }
  bool stopped() const { return stopped_; }
  int64_t stopped_epoch() const { return stopped_epoch_; }  // -1 while running
  Json state_json() const;  // {best, hasBest, bestEpoch, wait, stopped, stoppedEpoch}
  void load_state(const Json& s);

 private:
  bool improves(double v, double ref) const;
  EarlyStoppingOptions o_;
  bool minimize_ = true;
  bool has_best_ = false;
  double best_ = 0;
  int64_t best_epoch_ = -1, wait_ = 0, stopped_epoch_ = -1;
  bool stopped_ = false;
};

struct ReduceLROnPlateauOptions {
  std::string monitor = "val_loss";
  std::string mode = "auto";
  double factor = 0.1;  // in (0, 1)
  int64_t patience = 10;
  double min_delta = 1e-4;
  int64_t cooldown = 0;
  double min_lr = 0;
};
// {monitor, mode, factor, patience, minDelta, cooldown, minLr} (Keras' defaults above).
ReduceLROnPlateauOptions reduce_lr_options(const char* op, const Json& j);
Json to_json(const ReduceLROnPlateauOptions& o);

class ReduceLROnPlateau {
 public:
  explicit ReduceLROnPlateau(ReduceLROnPlateauOptions o);
  const ReduceLROnPlateauOptions& options() const { return o_; }
  bool minimize() const { return minimize_; }
  // The epoch's monitored value and the lr in use; the event's lr is the lr to use from now on.
  MonitorEvent update(int64_t epoch, double value, double lr);
  double best() const { return best_; }
  int64_t wait() const { return wait_; }
  int64_t cooldown_counter() const { return cooldown_counter_; }
  Json state_json() const;  // {best, wait, cooldownCounter}
  void load_state(const Json& s);

 private:
  ReduceLROnPlateauOptions o_;
  bool minimize_ = true;
  double best_ = 0;
  int64_t wait_ = 0, cooldown_counter_ = 0;
};

}  // namespace pg::nn
