// Segmentation's core pieces (playgrad/vision/segmentation.h): the synthetic scenes (seeded, the
// classes they promise, the masks matching the images), the per-class scores against hand counts,
// and the claim the segmentation lesson makes: on the default scenes at a fixed seed a U-Net with
// skip connections beats the same encoder-decoder without them (held-out mean IoU), trained here
// natively for longer than the Node test's short run.
#include <cmath>
#include <set>

#include "playgrad/nn/model.h"
#include "playgrad/vision/segmentation.h"
#include "test_util.h"

using namespace pg;
using namespace pg::nn;
using namespace pg::vision;

TEST(Scenes, SeededClassesAndMasks) {
  const auto a = segmentation_scenes(20, 16, 4, 3);
  const auto b = segmentation_scenes(20, 16, 4, 3);
  const auto c = segmentation_scenes(20, 16, 4, 4);
  EXPECT_EQ(a.images.shape(), (Shape{20, 16, 16, 1}));
  EXPECT_EQ(a.masks.shape(), (Shape{20, 16, 16}));
  EXPECT_EQ(a.images.to_vector(), b.images.to_vector());
  EXPECT_EQ(a.masks.to_vector(), b.masks.to_vector());
  EXPECT_NE(a.masks.to_vector(), c.masks.to_vector());
  std::set<float> seen;
  const auto m = a.masks.to_vector();
  const auto im = a.images.to_vector();
  for (float v : m) seen.insert(v);
  EXPECT_EQ(seen, (std::set<float>{0, 1, 2, 3}));
  for (float v : im) {
    EXPECT_GE(v, 0.f);
    EXPECT_LE(v, 1.f);
  }
  // Without noise a pixel's level tells its class: background <= 0.45, then the kinds' bands.
  const auto clean = segmentation_scenes(10, 16, 4, 5, 0.0);
  const auto cm = clean.masks.to_vector(), ci = clean.images.to_vector();
  const float lo[] = {0.f, 0.5f, 0.7f, 0.85f}, hi[] = {0.45f, 0.7f, 0.85f, 1.f};
  for (size_t i = 0; i < cm.size(); ++i) {
    EXPECT_GE(ci[i], lo[int(cm[i])]) << i;
    EXPECT_LE(ci[i], hi[int(cm[i])]) << i;
  }
  // Every scene holds at least one shape pixel; two classes means squares only.
  const auto two = segmentation_scenes(30, 16, 2, 9).masks.to_vector();
  for (int64_t n = 0; n < 30; ++n) {
    float hi = 0;
    for (int64_t k = 0; k < 256; ++k) hi = std::max(hi, two[size_t(n * 256 + k)]);
    EXPECT_EQ(hi, 1.f) << "scene " << n;
  }
}

TEST(Scenes, BadArgumentsNameTheOp) {
  EXPECT_NE(pgt::error_of([] { segmentation_scenes(0, 16, 3, 1); }).find("scenes: count"), std::string::npos);
  EXPECT_NE(pgt::error_of([] { segmentation_scenes(4, 4, 3, 1); }).find("scenes: size"), std::string::npos);
  EXPECT_NE(pgt::error_of([] { segmentation_scenes(4, 16, 5, 1); }).find("scenes: classes"), std::string::npos);
  EXPECT_NE(pgt::error_of([] { segmentation_scenes(4, 16, 3, 1, NAN); }).find("scenes: noise"), std::string::npos);
}

TEST(SegmentationScores, HandCounts) {
  // 6 pixels, 3 classes; truth 0 0 1 1 2 2, predicted (argmax) 0 1 1 1 2 0.
  const Tensor p = pgt::T({0.9f, 0.05f, 0.05f, 0.2f, 0.7f, 0.1f, 0.1f, 0.8f, 0.1f,
                           0.3f, 0.4f, 0.3f, 0.1f, 0.1f, 0.8f, 0.5f, 0.2f, 0.3f}, {1, 2, 3, 3});
  const auto s = segmentation_scores(p, {0, 0, 1, 1, 2, 2});
  EXPECT_EQ(s.classes, 3);
  EXPECT_EQ(s.pixels, 6);
  EXPECT_EQ(s.correct, 4);
  EXPECT_DOUBLE_EQ(s.pixel_accuracy, 4.0 / 6);
  EXPECT_EQ(s.tp, (std::vector<int64_t>{1, 2, 1}));
  EXPECT_EQ(s.fp, (std::vector<int64_t>{1, 1, 0}));
  EXPECT_EQ(s.fn, (std::vector<int64_t>{1, 0, 1}));
  EXPECT_DOUBLE_EQ(s.iou[0], 1.0 / 3);
  EXPECT_DOUBLE_EQ(s.iou[1], 2.0 / 3);
  EXPECT_DOUBLE_EQ(s.iou[2], 1.0 / 2);
  EXPECT_DOUBLE_EQ(s.dice[1], 4.0 / 5);
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(s.dice[size_t(c)], 2 * s.iou[size_t(c)] / (1 + s.iou[size_t(c)]), 1e-12);
  EXPECT_DOUBLE_EQ(s.mean_iou, (1.0 / 3 + 2.0 / 3 + 0.5) / 3);
  EXPECT_EQ(s.predicted, (std::vector<int32_t>{0, 1, 1, 1, 2, 0}));
  // A class in neither mask has no score (NaN) and stays out of the means.
  const auto t = segmentation_scores(pgt::T({0.9f, 0.1f, 0.f, 0.8f, 0.2f, 0.f}, {2, 3}), {0, 0});
  EXPECT_TRUE(std::isnan(t.iou[2]));
  EXPECT_TRUE(std::isnan(t.dice[1]));
  EXPECT_DOUBLE_EQ(t.mean_iou, 1.0);
  EXPECT_NE(pgt::error_of([] { segmentation_scores(pgt::T({0.5f, 0.5f}, {1, 2}), {2}); }).find("segmentationScores: label 0 is 2"), std::string::npos);
  EXPECT_NE(pgt::error_of([] { segmentation_scores(pgt::T({0.5f, 0.5f}, {1, 2}), {0, 1}); }).find("2 labels for 1 pixels"), std::string::npos);
}

namespace {

// The lesson's U-Net (lessons/segmentation/lesson.mjs buildUnet) with f filters.
Json unet(bool skip, int64_t f, int64_t classes) {
  GraphBuilder g;
  auto conv = [&](int64_t filters, const Sym& in, const std::string& name, int64_t k = 3, const char* act = "relu") {
    return g.apply("Conv2D", {{"filters", filters}, {"kernelSize", k}, {"padding", "same"}, {"activation", act}}, {in}, name);
  };
  auto x = g.input({16, 16, 1}, "image");
  auto c1 = conv(f, x, "enc1");
  auto c2 = conv(2 * f, g.apply("MaxPooling2D", {{"poolSize", 2}}, {c1}, "pool1"), "enc2");
  auto b = conv(4 * f, g.apply("MaxPooling2D", {{"poolSize", 2}}, {c2}, "pool2"), "bottleneck");
  auto up = [&](int64_t filters, const Sym& in, const std::string& name) {
    return g.apply("Conv2DTranspose", {{"filters", filters}, {"kernelSize", 2}, {"strides", 2}, {"activation", "relu"}}, {in}, name);
  };
  auto u2 = up(2 * f, b, "up2");
  if (skip) u2 = g.apply("Concatenate", {{"axis", -1}}, {u2, c2}, "skip2");
  auto d2 = conv(2 * f, u2, "dec2");
  auto u1 = up(f, d2, "up1");
  if (skip) u1 = g.apply("Concatenate", {{"axis", -1}}, {u1, c1}, "skip1");
  auto d1 = conv(f, u1, "dec1");
  auto out = conv(classes, d1, "head", 1, "softmax");
  return g.spec({x}, {out});
}

double trained_mean_iou(bool skip) {
  const auto train = segmentation_scenes(256, 16, 3, 1);
  const auto held = segmentation_scenes(64, 16, 3, 100001);
  Model m(unet(skip, 8, 3), 1);
  m.compile({{"optimizer", {{"kind", "adam"}, {"lr", 0.01}, {"epsilon", 1e-7}}}, {"loss", "sparseCategoricalCrossEntropy"}});
  FitOptions o;
  o.epochs = 8;
  o.batch_size = 8;
  o.has_seed = true;
  o.seed = 1;
  m.fit({train.images}, {train.masks}, o);
  const Tensor probs = m.predict({held.images}, 64)[0];
  return segmentation_scores(probs, held.masks.to_vector()).mean_iou;
}

}  // namespace

TEST(Unet, SkipConnectionsBeatTheEncoderDecoderOnTheDefaultScenes) {
  const double with = trained_mean_iou(true), without = trained_mean_iou(false);
  EXPECT_GT(with, without + 0.05) << "with skips " << with << ", without " << without;
  EXPECT_GT(with, 0.6);
}
