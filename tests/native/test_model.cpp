// Models: the functional API (two inputs, two outputs), summary(), training (the spiral),
// callbacks, regularization, JSON save/load, and bad input that changes nothing. Writes
// build/native/learn.json for tests/node/learn_model.test.mjs (the wasm build must reproduce the
// spiral loss curve and the saved model's predictions).
#include <algorithm>
#include <fstream>

#include "playgrad/nn/model.h"
#include "test_util.h"

using namespace pg;
using namespace pg::nn;
using pgt::T;

namespace {

// The course's example: two inputs, two towers, joined by Concatenate.
Json course_spec(bool two_heads) {
  GraphBuilder g;
  Sym in1 = g.input({4}), in2 = g.input({4});
  Sym h1 = g.apply("Dense", {{"units", 30}}, {in1});
  Sym h2 = g.apply("Dense", {{"units", 40}}, {h1});
  Sym h3 = g.apply("Dense", {{"units", 20}}, {in2});
  Sym h4 = g.apply("Dense", {{"units", 50}}, {h3});
  Sym out = g.apply("Concatenate", Json::object(), {h2, h4});
  if (!two_heads) return g.spec({in1, in2}, {out});
  Sym a = g.apply("Dense", {{"units", 1}}, {out}, "regression");
  Sym b = g.apply("Dense", {{"units", 3}, {"activation", "softmax"}}, {out}, "classes");
  return g.spec({in1, in2}, {a, b});
}

// Two inputs, targets: a regression (sum of products) and a 3-class label.
struct Data {
  Tensor x1, x2, yr, yc;
};
Data two_input_data(int64_t n) {
  Data d{Tensor::randn({n, 4}, 1), Tensor::randn({n, 4}, 2), Tensor::empty({n, 1}), Tensor::empty({n})};
  for (int64_t i = 0; i < n; ++i) {
    float s = 0, t = 0;
    for (int j = 0; j < 4; ++j) {
      s += d.x1.data()[i * 4 + j] * 0.5f;
      t += d.x2.data()[i * 4 + j];
    }
    d.yr.data()[i] = s - t * 0.3f;
    d.yc.data()[i] = float(t > 1 ? 2 : (t > -1 ? 1 : 0));
  }
  return d;
}

Json spiral_spec() {
  return sequential_spec({2}, Json::array({{{"kind", "Dense"}, {"config", {{"units", 64}, {"activation", "relu"}}}},
                                           {{"kind", "Dense"}, {"config", {{"units", 64}, {"activation", "relu"}}}},
                                           {{"kind", "Dense"}, {"config", {{"units", 3}}}}}));
}

}  // namespace

TEST(Model, CourseFunctionalModelAndSummary) {
  Model m(course_spec(false), 1);
  EXPECT_EQ(m.output_shape(0), (Shape{90}));
  // 4·30+30, 30·40+40, 4·20+20, 20·50+50
  EXPECT_EQ(m.count_params(), 150 + 1240 + 100 + 1050);
  const std::string s = m.summary();
  EXPECT_NE(s.find("dense (Dense)"), std::string::npos) << s;
  EXPECT_NE(s.find("(None, 90)"), std::string::npos) << s;
  EXPECT_NE(s.find("concatenate (Concatenate)"), std::string::npos) << s;
  EXPECT_NE(s.find("dense_1, dense_3"), std::string::npos) << s;
  EXPECT_NE(s.find("Total params: 2540"), std::string::npos) << s;
  auto out = m.forward({Tensor::randn({5, 4}, 3), Tensor::randn({5, 4}, 4)});
  EXPECT_EQ(out[0].shape(), (Shape{5, 90}));
  // Same spec and seed: same weights.
  Model m2(course_spec(false), 1), m3(course_spec(false), 2);
  EXPECT_EQ(m.parameters()[0].to_vector(), m2.parameters()[0].to_vector());
  EXPECT_NE(m.parameters()[0].to_vector(), m3.parameters()[0].to_vector());
  // BatchNormalization's moving statistics count as non-trainable.
  Model bn(sequential_spec({3}, Json::array({{{"kind", "BatchNormalization"}}})), 0);
  EXPECT_NE(bn.summary().find("Non-trainable params: 6"), std::string::npos) << bn.summary();
}

TEST(Model, TwoInputsTwoOutputsTrainAndSaveLoad) {
  Model m(course_spec(true), 3);
  m.compile({{"optimizer", {{"kind", "adam"}, {"lr", 0.01}}},
             {"loss", {"mse", "sparseCategoricalCrossEntropy"}},
             {"lossWeights", {1.0, 0.5}},
             {"metrics", {"accuracy"}}});
  Data d = two_input_data(256);
  FitOptions o;
  o.epochs = 15;
  o.batch_size = 32;
  o.validation_split = 0.25;
  History h = m.fit({d.x1, d.x2}, {d.yr, d.yc}, o);
  const auto& loss = h.values.at("loss");
  EXPECT_LT(loss.back(), 0.5 * loss.front());
  EXPECT_TRUE(h.values.count("regression_loss") && h.values.count("classes_accuracy") &&
              h.values.count("val_classes_accuracy") && h.values.count("val_loss"));
  // total = 1·mse + 0.5·cross-entropy, as evaluate reports it
  Logs ev = m.evaluate({d.x1, d.x2}, {d.yr, d.yc});
  EXPECT_NEAR(ev.at("loss"), ev.at("regression_loss") + 0.5 * ev.at("classes_loss"), 1e-4);
  EXPECT_GT(ev.at("classes_accuracy"), 0.8);

  // Save and load: identical predictions, and training resumes identically (optimizer state).
  const std::string saved = m.to_json();
  auto m2 = Model::from_json(saved);
  Tensor tx1 = Tensor::randn({7, 4}, 11), tx2 = Tensor::randn({7, 4}, 12);
  auto p1 = m.predict({tx1, tx2}), p2 = m2->predict({tx1, tx2});
  EXPECT_EQ(p1[0].to_vector(), p2[0].to_vector());
  EXPECT_EQ(p1[1].to_vector(), p2[1].to_vector());
  m.train_on_batch({d.x1, d.x2}, {d.yr, d.yc});
  m2->train_on_batch({d.x1, d.x2}, {d.yr, d.yc});
  EXPECT_EQ(m.predict({tx1, tx2})[1].to_vector(), m2->predict({tx1, tx2})[1].to_vector());
  EXPECT_EQ(Model::from_json(saved)->to_json(), saved);

  // For the wasm test: the saved model, inputs and native predictions.
  auto p = Model::from_json(saved)->predict({tx1, tx2});
  Json j = {{"model", saved}, {"x1", tx1.to_vector()}, {"x2", tx2.to_vector()},
            {"pred0", p[0].to_vector()}, {"pred1", p[1].to_vector()}};
  std::ofstream(pgt::fixture_path("learn.json") + ".model") << j.dump();
}

TEST(Model, OneInputTwoHeadsWeightedLoss) {
  GraphBuilder g;
  Sym in = g.input({3});
  Sym h = g.apply("Dense", {{"units", 8}, {"activation", "tanh"}}, {in});
  Sym a = g.apply("Dense", {{"units", 1}}, {h}), b = g.apply("Dense", {{"units", 1}, {"activation", "sigmoid"}}, {h});
  Model m(g.spec({in}, {a, b}), 0);
  m.compile({{"optimizer", "sgd"}, {"loss", {"mse", "binaryCrossEntropy"}}, {"lossWeights", {2.0, 0.25}}});
  Tensor x = Tensor::randn({6, 3}, 1), ya = Tensor::randn({6, 1}, 2), yb = T({1, 0, 1, 1, 0, 0}, {6, 1});
  auto out = m.forward({x});
  const double want = 2.0 * losses::mse(out[0], ya).item() + 0.25 * losses::binary_cross_entropy(out[1], yb).item();
  EXPECT_NEAR(m.total_loss(out, {ya, yb}).item(), want, 1e-5);
}

TEST(Model, RegularizationIsAddedToTheLoss) {
  Model m(sequential_spec({3}, Json::array({{{"kind", "Dense"},
                                             {"config", {{"units", 2}, {"kernelRegularizer", {{"l1", 0.01}, {"l2", 0.1}}}}}}})),
          0);
  m.compile({{"optimizer", "sgd"}, {"loss", "mse"}});
  Tensor x = Tensor::randn({4, 3}, 1), y = Tensor::randn({4, 2}, 2);
  double l1 = 0, l2 = 0;
  for (float w : m.layers()[0]->params()[0].second.to_vector()) {
    l1 += std::fabs(w);
    l2 += double(w) * w;
  }
  auto out = m.forward({x});
  EXPECT_NEAR(m.total_loss(out, {y}).item(), losses::mse(out[0], y).item() + 0.01 * l1 + 0.1 * l2, 1e-5);
  EXPECT_NEAR(m.regularization_loss().item(), 0.01 * l1 + 0.1 * l2, 1e-6);
}

TEST(Model, SpiralReaches95PercentAndWritesItsCurve) {
  auto [x, y] = spiral(100, 3, 0);
  Model m(spiral_spec(), 42);
  m.compile({{"optimizer", {{"kind", "adam"}, {"lr", 0.01}}},
             {"loss", {{"kind", "sparseCategoricalCrossEntropy"}, {"fromLogits", true}}},
             {"metrics", {"accuracy"}}});
  FitOptions o = fit_options_from_json({{"epochs", 150}, {"batchSize", 32}, {"seed", 7}});
  EXPECT_TRUE(o.has_seed);
  int64_t batches = 0;
  o.on_batch_end = [&](int64_t, const Logs& l) { batches += int64_t(l.at("size")); };
  History h = m.fit({x}, {y}, o);
  EXPECT_EQ(batches, 150 * 300);
  const double acc = m.evaluate({x}, {y}).at("accuracy");
  EXPECT_GE(acc, 0.95);
  Json j = {{"x", x.to_vector()}, {"y", y.to_vector()}, {"loss", h.values.at("loss")},
            {"accuracy", acc}, {"spec", m.spec()}};
  std::ofstream(pgt::fixture_path("learn.json")) << j.dump();
}

TEST(Model, ShuffleIsASeededPermutation) {
  std::vector<int64_t> a(100), b(100);
  for (int64_t i = 0; i < 100; ++i) a[size_t(i)] = b[size_t(i)] = i;
  Rng r1(5, 99), r2(5, 99);
  shuffle_rows(a, r1);
  shuffle_rows(b, r2);
  EXPECT_EQ(a, b);  // same seed, same order
  std::vector<int64_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 100; ++i) EXPECT_EQ(sorted[size_t(i)], i);  // every row exactly once
  const std::vector<int64_t> first = a;
  shuffle_rows(a, r1);
  EXPECT_NE(a, first);  // the next epoch draws a new order
}

TEST(Model, RepeatedFitCallsReshuffleUnlessSeeded) {
  Json spec = sequential_spec({4}, Json::array({{{"kind", "Dense"}, {"config", {{"units", 1}}}}}));
  Data d = two_input_data(64);
  auto order_of = [&](Model& m, const Json& opts) {  // the first batch's first row, via its loss
    m.compile({{"optimizer", {{"kind", "sgd"}, {"lr", 0.0}}}, {"loss", "mse"}});
    std::vector<double> first;
    FitOptions o = fit_options_from_json(opts);
    o.on_batch_end = [&](int64_t b, const Logs& l) { if (b == 0) first.push_back(l.at("loss")); };
    m.fit({d.x1}, {d.yr}, o);
    return first;
  };
  Model a(spec, 0), b(spec, 0);
  const Json one = {{"epochs", 1}, {"batchSize", 8}};
  // Unseeded: the model's generator carries on, so the second call draws other batches ...
  const auto a1 = order_of(a, one), a2 = order_of(a, one);
  EXPECT_NE(a1, a2);
  // ... and the same model seed gives the same sequence of calls.
  EXPECT_EQ(order_of(b, one), a1);
  EXPECT_EQ(order_of(b, one), a2);
  // Seeded: each call repeats its batches.
  const Json seeded = {{"epochs", 1}, {"batchSize", 8}, {"seed", 3}};
  EXPECT_EQ(order_of(a, seeded), order_of(a, seeded));
}

TEST(Model, EarlyStoppingAndSchedules) {
  Data d = two_input_data(64);
  Json spec = sequential_spec({4}, Json::array({{{"kind", "Dense"}, {"config", {{"units", 1}}}}}));
  {  // lr 0: the loss never improves after epoch 0; patience 2 stops after epoch 2.
    Model m(spec, 0);
    m.compile({{"optimizer", {{"kind", "sgd"}, {"lr", 0.0}}}, {"loss", "mse"}});
    FitOptions o = fit_options_from_json(
        {{"epochs", 20}, {"earlyStopping", {{"monitor", "loss"}, {"patience", 2}, {"minDelta", 1e-6}}}});
    History h = m.fit({d.x1}, {d.yr}, o);
    EXPECT_TRUE(h.stopped_early);
    EXPECT_EQ(h.epochs.size(), 3u);
    EXPECT_EQ(h.best_epoch, 0);
  }
  {  // a good lr for 3 epochs, then a huge one: stops, restores the best epoch's weights.
    Model m(spec, 0);
    m.compile({{"optimizer", {{"kind", "sgd"}, {"lr", 0.05}}}, {"loss", "mse"}});
    FitOptions o = fit_options_from_json(
        {{"epochs", 20}, {"shuffle", false}, {"earlyStopping", {{"monitor", "loss"}, {"patience", 1}, {"restoreBestWeights", true}}}});
    o.lr_fn = [](int64_t e, double lr) { return e < 3 ? lr : 3.0; };
    std::vector<std::vector<float>> w;
    o.on_epoch_end = [&](int64_t, const Logs&) {
      w.push_back(m.parameters()[0].to_vector());
      return false;
    };
    History h = m.fit({d.x1}, {d.yr}, o);
    EXPECT_TRUE(h.stopped_early);
    ASSERT_GE(h.best_epoch, 1);
    EXPECT_EQ(m.parameters()[0].to_vector(), w[size_t(h.best_epoch)]);
    ASSERT_EQ(h.values.at("lr").size(), size_t(h.best_epoch) + 2);
    EXPECT_DOUBLE_EQ(h.values.at("lr").back(), 3.0);
  }
  {  // step decay schedule logged per epoch
    Model m(spec, 0);
    m.compile({{"optimizer", {{"kind", "sgd"}, {"lr", 0.1}}}, {"loss", "mse"}});
    History h = m.fit({d.x1}, {d.yr}, fit_options_from_json({{"epochs", 4}, {"lrSchedule", {{"kind", "step"}, {"stepSize", 2}, {"gamma", 0.5}}}}));
    EXPECT_EQ(h.values.at("lr"), (std::vector<double>{0.1, 0.1, 0.05, 0.05}));
  }
}

TEST(Model, BadInputChangesNothing) {
  Model m(spiral_spec(), 1);
  m.compile({{"optimizer", {{"kind", "adam"}, {"lr", 0.01}}}, {"loss", "sparseCategoricalCrossEntropy"}});
  const auto data = spiral(10, 3, 0);  // (not a structured binding: lambdas below capture x and y)
  const Tensor x = data.first, y = data.second;
  m.train_on_batch({x}, {y});  // some optimizer state
  const std::string before = m.to_json();
  auto same = [&] { EXPECT_EQ(m.to_json(), before); };
  // wrong label count
  EXPECT_EQ(pgt::error_of([&] { m.fit({x}, {take_rows(y, {0, 1, 2})}, FitOptions{}); }),
            "fit: y 0 has shape [3], it needs 30 rows like x (a wrong label count?)");
  same();
  // label out of range
  Tensor bad = y.clone();
  bad.data()[29] = 3;
  EXPECT_EQ(pgt::error_of([&] { m.fit({x}, {bad}, FitOptions{}); }),
            "sparseCategoricalCrossEntropy: label 3 at position 29 is out of range for 3 classes (labels are 0..2)");
  EXPECT_NE(pgt::error_of([&] { m.train_on_batch({x}, {bad}); }), "");
  same();
  // mismatched input shape
  EXPECT_EQ(pgt::error_of([&] { m.fit({Tensor::ones({30, 3})}, {y}, FitOptions{}); }),
            "fit: input 0 ('input_1') must have shape [N,2], got [30,3]");
  EXPECT_EQ(pgt::error_of([&] { m.predict({Tensor::ones({30, 3})}); }),
            "predict: input 0 ('input_1') must have shape [N,2], got [30,3]");
  EXPECT_EQ(pgt::error_of([&] { m.forward({Tensor::ones({30, 3})}, true); }),
            "model: input 0 ('input_1') must have shape [N,2], got [30,3]");
  same();
  // negative lr, unknown activation, unknown monitor, bad options
  EXPECT_NE(pgt::error_of([&] { m.compile({{"optimizer", {{"kind", "adam"}, {"lr", -1}}}, {"loss", "mse"}}); }).find("learning rate"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { m.fit({x}, {y}, fit_options_from_json({{"earlyStopping", {{"monitor", "val_loss"}}}})); }).find("not logged"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { fit_options_from_json({{"epoch", 3}}); }).find("unknown option 'epoch'"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { m.compile({{"loss", {{"kind", "mse"}, {"fromLogits", true}}}}); }).find("fromLogits"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { Model(sequential_spec({2}, Json::array({{{"kind", "Dense"}, {"config", {{"units", 3}, {"activation", "gelu"}}}}}))); }).find("unknown activation 'gelu'"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { m.load_weights_json("{\"weights\": {}}"); }).find("missing"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { Model::from_json("{not json"); }).find("invalid JSON"), std::string::npos);
  {  // a weight outside float range in an otherwise valid file
    Json j = Json::parse(before);
    j["weights"]["dense/bias"]["data"][0] = 1e300;
    EXPECT_NE(pgt::error_of([&] { m.load_weights_json(j.dump()); }).find("not a finite float32 number"), std::string::npos);
    Json o = Json::parse(before);
    o["optimizer"]["state"][0]["m"][0] = -1e300;
    EXPECT_NE(pgt::error_of([&] { Model::from_json(o.dump()); }).find("not a finite float32 number"), std::string::npos);
  }
  same();
}
