// The playground's toy datasets (playgrad/nn/datasets.h): shapes, labels that follow each
// dataset's rule on the clean points, class balance, determinism by seed, and refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "playgrad/error.h"
#include "playgrad/nn/datasets.h"

using pg::nn::toy_dataset;

TEST(Datasets, EveryDatasetHasItsShapeAndRangeAndIsSeeded) {
  for (const auto& d : pg::nn::toy_datasets()) {
    const int64_t k = d.max_classes ? d.max_classes : 1;
    auto [x, y] = toy_dataset(d.name, 101, d.max_classes ? k : 0, 0.2, 7);
    ASSERT_EQ(x.shape(), (pg::Shape{101, 2})) << d.name;
    ASSERT_EQ(y.shape(), (pg::Shape{101})) << d.name;
    auto [x2, y2] = toy_dataset(d.name, 101, d.max_classes ? k : 0, 0.2, 7);
    auto [x3, y3] = toy_dataset(d.name, 101, d.max_classes ? k : 0, 0.2, 8);
    EXPECT_EQ(x.to_vector(), x2.to_vector()) << d.name;
    EXPECT_EQ(y.to_vector(), y2.to_vector()) << d.name;
    EXPECT_NE(x.to_vector(), x3.to_vector()) << d.name;
    for (int64_t i = 0; i < 101; ++i) {
      EXPECT_LT(std::abs(x.data()[2 * i]), 12.f) << d.name;
      if (d.max_classes) {
        EXPECT_EQ(y.data()[i], float(i % k)) << d.name << " point " << i;
      }
    }
  }
}

TEST(Datasets, CleanPointsFollowTheirRule) {
  {
    auto [x, y] = toy_dataset("xor", 400, 2, 0, 1);
    for (int64_t i = 0; i < 400; ++i) {
      const float a = x.data()[2 * i], b = x.data()[2 * i + 1];
      EXPECT_GE(std::abs(a), 0.3f);
      EXPECT_EQ(y.data()[i], a * b >= 0 ? 0.f : 1.f);
    }
  }
  {
    auto [x, y] = toy_dataset("checkerboard", 400, 2, 0, 1);
    for (int64_t i = 0; i < 400; ++i) {
      const int s = int(std::floor(x.data()[2 * i] / 3)) + int(std::floor(x.data()[2 * i + 1] / 3));
      EXPECT_EQ(y.data()[i], float(((s % 2) + 2) % 2));
    }
  }
  {
    auto [x, y] = toy_dataset("circle", 300, 3, 0, 1);
    for (int64_t i = 0; i < 300; ++i) {
      const double r = std::hypot(x.data()[2 * i], x.data()[2 * i + 1]);
      const int c = int(y.data()[i]);
      EXPECT_GE(r, 5.0 * (c + 0.1) / 3 - 1e-4);
      EXPECT_LE(r, 5.0 * (c + 0.9) / 3 + 1e-4);
    }
  }
  {
    auto [x, y] = toy_dataset("plane", 100, 0, 0, 1);
    for (int64_t i = 0; i < 100; ++i)
      EXPECT_NEAR(y.data()[i], (x.data()[2 * i] + x.data()[2 * i + 1]) / 12, 1e-6);
  }
  {
    auto [x, y] = toy_dataset("wave", 100, 0, 0, 1);
    for (int64_t i = 0; i < 100; ++i)
      EXPECT_NEAR(y.data()[i], (std::sin(x.data()[2 * i]) + std::sin(x.data()[2 * i + 1] / 2)) / 2, 1e-5);
  }
}

TEST(Datasets, NoiseMovesPointsNotLabels) {
  auto [x0, y0] = toy_dataset("gaussians", 200, 4, 0, 3);
  auto [x1, y1] = toy_dataset("gaussians", 200, 4, 0.5, 3);
  EXPECT_EQ(y0.to_vector(), y1.to_vector());
  EXPECT_NE(x0.to_vector(), x1.to_vector());
}

TEST(Datasets, BadArgumentsNameTheDatasetAndTheValue) {
  auto msg = [](auto f) {
    try { f(); } catch (const pg::Error& e) { return std::string(e.what()); }
    return std::string("no error");
  };
  EXPECT_NE(msg([] { toy_dataset("donut", 10, 2, 0, 0); }).find("unknown dataset 'donut'"), std::string::npos);
  EXPECT_NE(msg([] { toy_dataset("xor", 10, 3, 0, 0); }).find("'xor' has 2 classes (got 3)"), std::string::npos);
  EXPECT_NE(msg([] { toy_dataset("spiral", 10, 6, 0, 0); }).find("'spiral' has from 2 to 5 classes (got 6)"), std::string::npos);
  EXPECT_NE(msg([] { toy_dataset("circle", 1, 2, 0, 0); }).find("points must be in [2, 1048576] (got 1)"), std::string::npos);
  EXPECT_NE(msg([] { toy_dataset("circle", 10, 2, -0.5, 0); }).find("noise must be in [0, 1] (got -0.5)"), std::string::npos);
  EXPECT_NE(msg([] { toy_dataset("circle", 10, 2, NAN, 0); }).find("noise must be in [0, 1]"), std::string::npos);
  EXPECT_EQ(msg([] { toy_dataset("plane", 10, 99, 0, 0); }), "no error");  // classes is ignored for regression
}

TEST(Datasets, FeaturesAreTheNamedColumns) {
  pg::Tensor x = pg::Tensor::from_vector({1.f, 2.f, -3.f, 0.5f}, {2, 2});
  pg::Tensor f = pg::nn::toy_features(x, {"x1x2", "x1", "x2^2", "sinx1", "x1^2", "x2", "sinx2"});
  ASSERT_EQ(f.shape(), (pg::Shape{2, 7}));
  const std::vector<float> want = {2.f, 1.f, 4.f, float(std::sin(1.0)), 1.f, 2.f, float(std::sin(2.0)),
                                   -1.5f, -3.f, 0.25f, float(std::sin(-3.0)), 9.f, 0.5f, float(std::sin(0.5))};
  EXPECT_EQ(f.to_vector(), want);
  auto msg = [&](std::vector<std::string> names) {
    try { pg::nn::toy_features(x, names); } catch (const pg::Error& e) { return std::string(e.what()); }
    return std::string("no error");
  };
  EXPECT_NE(msg({"x3"}).find("unknown feature 'x3'"), std::string::npos);
  EXPECT_NE(msg({"x1", "x1"}).find("feature 'x1' given twice"), std::string::npos);
  EXPECT_NE(msg({}).find("at least one feature"), std::string::npos);
  EXPECT_THROW(pg::nn::toy_features(pg::Tensor::zeros({3, 3}), {"x1"}), pg::Error);
}
