// A drawn digit prepared as MNIST's were (vision.h, prepare_digit): the box scaled to 20 pixels
// with the aspect ratio kept, area-weighted; the centre of mass moved to (14, 14); 14 x 14 as the
// 2 x 2 means of 28 x 28; and the errors (empty drawing, wrong sizes, bad pixels).
#include <cmath>
#include <numeric>

#include "playgrad/vision/vision.h"
#include "test_util.h"

using namespace pg::vision;
using pgt::error_of;

namespace {
// A 100 x 100 image with a filled rectangle [x0, x1) x [y0, y1) of ink 1.
std::vector<float> rect(int x0, int y0, int x1, int y1, int side = 100) {
  std::vector<float> img(size_t(side * side), 0.0f);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) img[size_t(y * side + x)] = 1.0f;
  return img;
}
double sum(const std::vector<float>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }
}  // namespace

TEST(PrepareDigit, TallBarScalesTo20PixelsAndIsCentred) {
  // 10 wide, 40 tall, far in a corner: scale 20 / 40 = 0.5 -> a 5 x 20 bar of ink 1.
  const auto r = prepare_digit(rect(70, 5, 80, 45), 100, 100, 28);
  EXPECT_EQ(r.box[0], 70); EXPECT_EQ(r.box[1], 5); EXPECT_EQ(r.box[2], 80); EXPECT_EQ(r.box[3], 45);
  EXPECT_DOUBLE_EQ(r.scale, 0.5);
  ASSERT_EQ(r.image.size(), 28u * 28u);
  EXPECT_NEAR(sum(r.image), 5.0 * 20.0, 1e-4);  // the area-weighted means keep the ink's mass
  // Placed with its box centred: x in [11, 16), y in [4, 24): centre (13.5, 14) -> shift (0, 0) after rounding 0.5
  double mass = 0, mx = 0, my = 0;
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 28; ++x) {
      const double v = r.image[size_t(y * 28 + x)];
      mass += v; mx += v * (x + 0.5); my += v * (y + 0.5);
    }
  EXPECT_LE(std::fabs(mx / mass - 14.0), 0.5);  // the centre of mass is at (14, 14) to within half a pixel
  EXPECT_LE(std::fabs(my / mass - 14.0), 0.5);
  for (float v : r.image) EXPECT_TRUE(v == 0.0f || v == 1.0f);  // whole pixels: no blur
}

TEST(PrepareDigit, AreaWeightsAntiAlias) {
  // A 3 x 3 square becomes 20 x 20 (scale 20/3): every output pixel lies inside it -> all ink 1.
  const auto big = prepare_digit(rect(10, 10, 13, 13, 20), 20, 20, 28);
  EXPECT_NEAR(sum(big.image), 400.0, 1e-3);
  // A 30-pixel-wide 1-pixel line at half ink: scale 20/30, 20 x 1 output... each output pixel is the
  // mean of 1.5 input pixels of 0.5 -> 0.5 (the mean of equal values is that value).
  std::vector<float> line(size_t(40 * 40), 0.0f);
  for (int x = 5; x < 35; ++x) line[size_t(20 * 40 + x)] = 0.5f;
  const auto l = prepare_digit(line, 40, 40, 28);
  EXPECT_NEAR(l.scale, 20.0 / 30.0, 1e-12);
  int lit = 0;
  for (float v : l.image)
    if (v > 0) { EXPECT_NEAR(v, 0.5f, 1e-6); ++lit; }
  EXPECT_EQ(lit, 20);
}

TEST(PrepareDigit, Size14IsTheMeanOf2x2Blocks) {
  std::vector<float> img(size_t(60 * 50), 0.0f);
  for (int y = 8; y < 50; ++y)
    for (int x = 12 + y / 4; x < 20 + y / 3; ++x) img[size_t(y * 50 + x)] = float((x + y) % 7) / 6.0f;
  const auto a = prepare_digit(img, 60, 50, 28), b = prepare_digit(img, 60, 50, 14);
  ASSERT_EQ(b.image.size(), 196u);
  for (int y = 0; y < 14; ++y)
    for (int x = 0; x < 14; ++x) {
      const size_t i = size_t(2 * y * 28 + 2 * x);
      EXPECT_FLOAT_EQ(b.image[size_t(y * 14 + x)],
                      float((double(a.image[i]) + a.image[i + 1] + a.image[i + 28] + a.image[i + 29]) / 4.0));
    }
  EXPECT_EQ(a.shift[0], b.shift[0]);
  EXPECT_EQ(a.shift[1], b.shift[1]);
}

TEST(PrepareDigit, Errors) {
  EXPECT_NE(error_of([] { prepare_digit(std::vector<float>(100, 0.0f), 10, 10); }).find("prepareDigit: the drawing is empty"),
            std::string::npos);
  EXPECT_NE(error_of([] { prepare_digit(std::vector<float>(100, 0.01f), 10, 10, 28, 0.05f); }).find("empty"), std::string::npos);
  EXPECT_NE(error_of([] { prepare_digit(rect(1, 1, 3, 3, 10), 10, 10, 20); }).find("size must be 14 or 28"), std::string::npos);
  EXPECT_NE(error_of([] { prepare_digit(std::vector<float>(99, 1.0f), 10, 10); }).find("99 pixels, expected"), std::string::npos);
  auto bad = rect(1, 1, 3, 3, 10);
  bad[5] = NAN;
  EXPECT_NE(error_of([&] { prepare_digit(bad, 10, 10); }).find("pixel (5, 0)"), std::string::npos);
  bad[5] = 2.0f;
  EXPECT_NE(error_of([&] { prepare_digit(bad, 10, 10); }).find("[0, 1]"), std::string::npos);
}
