// Callbacks as monitors (playgrad/nn/callbacks.h): Keras' EarlyStopping and ReduceLROnPlateau on
// fixed value sequences, worked by hand from Keras' source (keras/src/callbacks/early_stopping.py,
// reduce_lr_on_plateau.py), state save/restore, bad options, and fit() running the same monitors.
#include "playgrad/nn/callbacks.h"
#include "playgrad/nn/model.h"
#include "test_util.h"

using namespace pg;
using namespace pg::nn;

namespace {

// Feeds the values; returns the epoch it stopped at (-1: never) and the best epoch.
std::pair<int64_t, int64_t> run(const Json& options, const std::vector<double>& values) {
  EarlyStoppingMonitor m(early_stopping_options("earlyStopping", options));
  for (size_t e = 0; e < values.size(); ++e)
    if (m.update(int64_t(e), values[e]).stop) return {int64_t(e), m.best_epoch()};
  return {-1, m.best_epoch()};
}

}  // namespace

TEST(Callbacks, EarlyStoppingKerasRule) {
  const std::vector<double> v = {1.0, 0.8, 0.7, 0.69, 0.695, 0.7, 0.68, 0.75, 0.8, 0.9};
  // min_delta 0: improvements at epochs 0, 1, 2, 3; patience 2: waits 1 (epoch 4), 2 (epoch 5) -> stop at 5.
  EXPECT_EQ(run({{"monitor", "val_loss"}, {"patience", 2}}, v), (std::pair<int64_t, int64_t>{5, 3}));
  // patience 3 survives the 2-epoch plateau at 4-5 (epoch 6 improves); waits 1, 2, 3 -> stop at 9.
  EXPECT_EQ(run({{"patience", 3}}, v), (std::pair<int64_t, int64_t>{9, 6}));
  // min_delta 0.05: 0.7 (epoch 2) is not < 0.8 - 0.05 ... 0.7 < 0.75: yes; 0.69 is not < 0.65.
  // Best at 2; waits 1..4 at epochs 3..6 -> with patience 4 stops at epoch 6.
  EXPECT_EQ(run({{"patience", 4}, {"minDelta", 0.05}}, v), (std::pair<int64_t, int64_t>{6, 2}));
  // A negative min_delta is used by its absolute value, as Keras.
  EXPECT_EQ(run({{"patience", 4}, {"minDelta", -0.05}}, v), (std::pair<int64_t, int64_t>{6, 2}));
  // patience 0 stops at the first epoch (after epoch 0) that does not improve.
  EXPECT_EQ(run({{"patience", 0}}, v), (std::pair<int64_t, int64_t>{4, 3}));
  // mode max (accuracy): "auto" picks max for a name with "acc".
  const std::vector<double> acc = {0.5, 0.6, 0.6, 0.55, 0.7, 0.65};
  EXPECT_EQ(run({{"monitor", "val_accuracy"}, {"patience", 2}}, acc), (std::pair<int64_t, int64_t>{3, 1}));
  EXPECT_EQ(run({{"monitor", "val_accuracy"}, {"mode", "min"}, {"patience", 1}}, acc), (std::pair<int64_t, int64_t>{1, 0}));
  // baseline: improving on the best but not on the baseline does not reset wait (but an improving
  // epoch never stops): best at 0, 1, 2, 3 with wait 1, 2, 3, 4; epoch 4 does not improve, wait 5 -> stop.
  EXPECT_EQ(run({{"patience", 2}, {"baseline", 0.5}}, v), (std::pair<int64_t, int64_t>{4, 3}));
  // A NaN never improves.
  EXPECT_EQ(run({{"patience", 1}}, {1.0, std::nan("")}), (std::pair<int64_t, int64_t>{1, 0}));
}

TEST(Callbacks, EarlyStoppingStateRoundTrips) {
  EarlyStoppingMonitor a(early_stopping_options("earlyStopping", {{"patience", 3}}));
  const std::vector<double> v = {1.0, 0.9, 0.95, 0.97, 0.99, 1.2};
  for (int e = 0; e < 3; ++e) a.update(e, v[size_t(e)]);
  EarlyStoppingMonitor b(a.options());
  b.load_state(a.state_json());
  EXPECT_EQ(b.state_json(), a.state_json());
  EXPECT_EQ(b.wait(), 1);
  EXPECT_FALSE(b.update(3, v[3]).stop);
  EXPECT_TRUE(b.update(4, v[4]).stop);
  EXPECT_EQ(b.stopped_epoch(), 4);
  EXPECT_NE(pgt::error_of([&] { b.update(5, 0.1); }).find("training stopped at epoch 4"), std::string::npos);
}

TEST(Callbacks, ReduceLROnPlateauKerasRule) {
  ReduceLROnPlateau r(reduce_lr_options("reduceLrOnPlateau", {{"factor", 0.5}, {"patience", 2}, {"cooldown", 1}, {"minLr", 0.02}}));
  // Hand-worked from Keras' on_epoch_end (min_delta 1e-4):
  // e0 1.0 best; e1 1.0 wait 1; e2 1.0 wait 2 -> lr 0.1 -> 0.05, cooldown 1, wait 0;
  // e3 1.0: cooldown 1 -> 0, wait 0; not better; not in cooldown -> wait 1;
  // e4 1.0 wait 2 -> 0.05 -> 0.025, cooldown 1; e5: cooldown -> 0, wait 1; e6 wait 2 -> 0.0125 clipped to 0.02;
  // e7, e8: wait 1, 2 but lr 0.02 is not > min_lr (compared in float32, as Keras): no change.
  // e9 0.5 better: wait 0.
  double lr = 0.1;
  std::vector<double> lrs;
  std::vector<int64_t> reduced_at;
  const std::vector<double> v = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0.5};
  for (size_t e = 0; e < v.size(); ++e) {
    MonitorEvent ev = r.update(int64_t(e), v[e], lr);
    if (ev.reduced) reduced_at.push_back(int64_t(e));
    lr = ev.lr;
    lrs.push_back(lr);
  }
  EXPECT_EQ(reduced_at, (std::vector<int64_t>{2, 4, 6}));
  pgt::expect_near(std::vector<float>(lrs.begin(), lrs.end()), {0.1f, 0.1f, 0.05f, 0.05f, 0.025f, 0.025f, 0.02f, 0.02f, 0.02f, 0.02f}, 1e-9);
  EXPECT_EQ(r.wait(), 0);
  // min_delta: 0.99995 is not better than 1 - 1e-4.
  ReduceLROnPlateau s(reduce_lr_options("reduceLrOnPlateau", {{"patience", 1}}));
  s.update(0, 1.0, 1.0);
  EXPECT_TRUE(s.update(1, 0.99995, 1.0).reduced);
}

TEST(Callbacks, BadOptionsNameTheKey) {
  EXPECT_EQ(pgt::error_of([] { early_stopping_options("earlyStopping", {{"patience", -1}}); }),
            "earlyStopping: patience must be >= 0, got -1");
  EXPECT_EQ(pgt::error_of([] { early_stopping_options("earlyStopping", {{"mode", "up"}}); }),
            "earlyStopping: mode must be 'auto', 'min' or 'max', got 'up'");
  EXPECT_EQ(pgt::error_of([] { reduce_lr_options("reduceLrOnPlateau", {{"factor", 1.0}}); }),
            "reduceLrOnPlateau: factor must be in (0, 1) (the lr is multiplied by it), got 1");
  EXPECT_EQ(pgt::error_of([] { reduce_lr_options("reduceLrOnPlateau", {{"minLr", -1}}); }),
            "reduceLrOnPlateau: minLr must be >= 0, got -1");
}

// fit() runs the same monitors: on a model whose loss stays put (lr 0), the plateau halves the lr
// every `patience` epochs and early stopping stops where the monitor says.
TEST(Callbacks, FitUsesTheMonitors) {
  Json spec = sequential_spec({2}, Json::array({{{"kind", "Dense"}, {"config", {{"units", 1}}}}}));
  Model m(spec, 0);
  m.compile({{"optimizer", {{"kind", "sgd"}, {"lr", 0.0}}}, {"loss", "mse"}});
  Tensor x = pgt::T({1, 2, 3, 4, 5, 6, 7, 8}, {4, 2});
  Tensor y = pgt::T({1, 0, 1, 0}, {4, 1});
  History h = m.fit({x}, {y}, fit_options_from_json({{"epochs", 10}, {"batchSize", 4},
      {"earlyStopping", {{"monitor", "loss"}, {"patience", 5}}},
      {"reduceLrOnPlateau", {{"monitor", "loss"}, {"patience", 2}, {"factor", 0.5}}}}));
  EXPECT_TRUE(h.stopped_early);
  EXPECT_EQ(h.epochs.size(), 6u);  // wait reaches 5 at epoch 5
  EXPECT_EQ(h.best_epoch, 0);
  // lr is logged at the end of each epoch, before the plateau acts: 0 stays 0 (0 is not > min_lr).
  EXPECT_EQ(h.values.at("lr"), (std::vector<double>(6, 0.0)));
  Model m2(spec, 0);
  m2.compile({{"optimizer", {{"kind", "sgd"}, {"lr", 1e-30}}}, {"loss", "mse"}});
  History h2 = m2.fit({x}, {y}, fit_options_from_json({{"epochs", 6}, {"batchSize", 4},
      {"reduceLrOnPlateau", {{"monitor", "loss"}, {"patience", 2}, {"factor", 0.5}}}}));
  const auto& lr = h2.values.at("lr");
  ASSERT_EQ(lr.size(), 6u);
  EXPECT_DOUBLE_EQ(lr[2], 1e-30);     // reduced after epoch 2
  EXPECT_DOUBLE_EQ(lr[3], 0.5e-30);
  EXPECT_DOUBLE_EQ(lr[5], 0.25e-30);  // and after epoch 4
  EXPECT_NE(pgt::error_of([&] { m2.fit({x}, {y}, fit_options_from_json({{"reduceLrOnPlateau", {{"monitor", "val_loss"}}}})); })
                .find("fit: reduceLrOnPlateau monitors 'val_loss', which is not logged"), std::string::npos);
}
