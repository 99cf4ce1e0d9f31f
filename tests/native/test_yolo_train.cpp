// The tiny detector's pieces (vision/yolo_train.h): synthetic scenes, the raw-output activation,
// the four-term YOLO loss against a hand computation and its backward against central
// differences, and encode -> (inverse activation) -> activate -> decode returning the boxes.
#include <algorithm>
#include <cmath>

#include "playgrad/autograd/gradcheck.h"
#include "playgrad/vision/yolo_train.h"
#include "test_util.h"

using namespace pg::vision;
using pgt::error_of;

TEST(YoloTrain, ScenesAreSeededAndBoxesInside) {
  const auto a = synthetic_scenes(20, 32, 3, 3, 5), b = synthetic_scenes(20, 32, 3, 3, 5);
  EXPECT_EQ(a.images, b.images);
  EXPECT_EQ(a.boxes, b.boxes);
  ASSERT_EQ(a.counts.size(), 20u);
  int64_t total = 0;
  for (int64_t c : a.counts) {
    EXPECT_GE(c, 1);
    EXPECT_LE(c, 3);
    total += c;
  }
  ASSERT_EQ(int64_t(a.classes.size()), total);
  for (int64_t i = 0; i < total; ++i) {
    const float* q = &a.boxes[size_t(4 * i)];
    EXPECT_GE(q[0], 0.f);
    EXPECT_GE(q[1], 0.f);
    EXPECT_LE(q[2], 1.f);
    EXPECT_LE(q[3], 1.f);
    EXPECT_GE(q[2] - q[0], 0.149f);
    EXPECT_LE(q[3] - q[1], 0.501f);
    EXPECT_GE(a.classes[size_t(i)], 0);
    EXPECT_LT(a.classes[size_t(i)], 3);
  }
  // The first scene's first shape is drawn: the pixel at its box centre is lit (every shape
  // covers its centre).
  const float* q = &a.boxes[0];
  const int64_t cx = int64_t((q[0] + q[2]) / 2 * 32), cy = int64_t((q[1] + q[3]) / 2 * 32);
  EXPECT_EQ(a.images[size_t(cy * 32 + cx)], 1.f);
  EXPECT_NE(synthetic_scenes(20, 32, 3, 3, 6).boxes, a.boxes);
  EXPECT_NE(error_of([] { synthetic_scenes(1, 32, 5, 3, 0); }).find("numClasses must be in [1, 4]"), std::string::npos);
  EXPECT_NE(error_of([] { synthetic_scenes(0, 32, 3, 3, 0); }).find("count must be in [1, 100000]"), std::string::npos);
}

// One image, a 2 x 2 grid, one anchor (0.5, 0.5) = 1 x 1 cells, 2 classes: one object in cell
// (0, 1). Raw output chosen by hand; the four terms written out.
TEST(YoloTrain, LossTermsByHand) {
  YoloGrid g;
  g.grid_h = g.grid_w = 2;
  g.num_classes = 2;
  g.anchors = {0.5, 0.5};
  // box centre (0.7, 0.2), w 0.4, h 0.2 -> cell row 0, col 1; bx = 0.4, by = 0.4, bh = 0.4, bw = 0.8
  const auto t = yolo_encode(g, {0.5f, 0.1f, 0.9f, 0.3f}, {1});
  std::vector<float> raw(4 * 7, 0.f);
  for (int cell = 0; cell < 4; ++cell) raw[size_t(cell * 7)] = -1.f;  // to = -1 everywhere
  float* r = &raw[7];  // cell (0, 1)
  r[0] = 0.5f; r[1] = 0.2f; r[2] = -0.3f; r[3] = -0.5f; r[4] = 0.1f; r[5] = 1.f; r[6] = 2.f;
  const pg::Tensor pred = pg::Tensor::from_vector(raw, {1, 2, 2, 7});
  const pg::Tensor target = pg::Tensor::from_vector(t.target, {1, 2, 2, 1, 7});
  const auto L = yolo_loss(pred, target, g).contiguous();
  auto sig = [](double x) { return 1 / (1 + std::exp(-x)); };
  const double coord = 5 * (std::pow(sig(0.2) - 0.4, 2) + std::pow(sig(-0.3) - 0.4, 2) +
                            std::pow(-0.5 - std::log(0.4), 2) + std::pow(0.1 - std::log(0.8), 2));
  const double obj = std::pow(sig(0.5) - 1, 2);
  const double noobj = 0.5 * 3 * std::pow(sig(-1), 2);
  const double cls = -(2 - std::log(std::exp(1.0) + std::exp(2.0)));
  EXPECT_NEAR(L.data()[0], coord, 1e-5);
  EXPECT_NEAR(L.data()[1], obj, 1e-6);
  EXPECT_NEAR(L.data()[2], noobj, 1e-6);
  EXPECT_NEAR(L.data()[3], cls, 1e-6);
  EXPECT_NE(error_of([&] { yolo_loss(pg::Tensor::zeros({1, 2, 2, 6}), target, g); })
                .find("does not match the grid: expected [N, 2, 2, 7]"),
            std::string::npos);
  EXPECT_NE(error_of([&] { yolo_loss(pred, pg::Tensor::zeros({5}), g); }).find("target shape [5] holds 5"),
            std::string::npos);
}

TEST(YoloTrain, LossBackwardMatchesCentralDifferences) {
  YoloGrid g;
  g.grid_h = 2;
  g.grid_w = 3;
  g.num_classes = 3;
  g.anchors = {0.2, 0.4, 0.5, 0.3};
  const auto t1 = yolo_encode(g, {0.1f, 0.1f, 0.3f, 0.5f, 0.5f, 0.5f, 0.95f, 0.8f}, {0, 2});
  const auto t2 = yolo_encode(g, {0.4f, 0.2f, 0.6f, 0.9f}, {1});
  std::vector<float> tv = t1.target;
  tv.insert(tv.end(), t2.target.begin(), t2.target.end());
  const pg::Tensor target = pg::Tensor::from_vector(tv, {2, 2, 3, 2, 8});
  pg::Tensor pred = pg::Tensor::randn({2, 2, 3, 16}, 3, 0.f, 0.7f);
  pred.set_requires_grad(true);
  const auto r = pg::gradcheck([&](const std::vector<pg::Tensor>& in) { return yolo_loss(in[0], target, g, {2.0, 0.7}); },
                               {pred});
  EXPECT_TRUE(r.ok) << r.report;
}

// The network's raw output that decodes to the target exactly (the inverse of the activation:
// to = ±8, tx = logit(bx), tw = ln(bw / pw), class logits 0 / -8), then activate and decode:
// the ground-truth boxes come back.
TEST(YoloTrain, EncodeThenDecodeReturnsTheBoxes) {
  YoloGrid g;
  g.grid_h = g.grid_w = 4;
  g.num_classes = 3;
  g.anchors = {0.2, 0.4, 0.4, 0.2};
  const std::vector<float> boxes = {0.05f, 0.1f, 0.25f, 0.5f, 0.5f, 0.55f, 0.95f, 0.75f};
  const auto t = yolo_encode(g, boxes, {2, 0});
  std::vector<float> raw(t.target.size());
  for (size_t r = 0; r < raw.size() / 8; ++r) {
    const float* y = &t.target[r * 8];
    float* o = &raw[r * 8];
    const double pw = g.anchors[(r % 2) * 2] * 4, ph = g.anchors[(r % 2) * 2 + 1] * 4;
    o[0] = y[0] == 1.f ? 8.f : -8.f;
    if (y[0] == 1.f) {
      o[1] = float(std::log(y[1] / (1 - y[1])));
      o[2] = float(std::log(y[2] / (1 - y[2])));
      o[3] = float(std::log(y[3] / ph));
      o[4] = float(std::log(y[4] / pw));
      for (int c = 0; c < 3; ++c) o[5 + c] = y[5 + c] == 1.f ? 0.f : -8.f;
    }
  }
  YoloDecodeOptions o;
  o.conf_threshold = 0.6;
  const auto d = yolo_decode(g, yolo_activate(g, raw), o);
  ASSERT_EQ(d.boxes.size(), 8u);
  ASSERT_EQ(d.classes.size(), 2u);
  std::vector<float> got = d.boxes;
  if (d.classes[0] != 2) {  // sorted by score: put box 0 (class 2) first
    std::rotate(got.begin(), got.begin() + 4, got.end());
  }
  for (size_t i = 0; i < 8; ++i) EXPECT_NEAR(got[i], boxes[i], 1e-5) << i;
}
