// The GAN's data side (playgrad/nn/gan.h): each target's shape and moments from a seed, the same
// samples for the same seed, mode coverage on a hand-built case (collapsed, spread, diverged), refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "playgrad/error.h"
#include "playgrad/nn/gan.h"

namespace {

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

pg::nn::GanTargetOptions opts(const std::string& kind, int64_t n = 4000) {
  pg::nn::GanTargetOptions o;
  o.kind = kind;
  o.n = n;
  o.seed = 3;
  return o;
}

}  // namespace

TEST(Gan, Gaussian1dHasItsMeanAndSpread) {
  auto o = opts("gaussian1d", 20000);
  o.centre = 1.5;
  o.spread = 0.5;
  const auto t = pg::nn::gan_target(o);
  ASSERT_EQ(t.dim, 1);
  ASSERT_EQ(t.samples.size(), 20000u);
  double m = 0, v = 0;
  for (float x : t.samples) m += x;
  m /= 20000;
  for (float x : t.samples) v += (x - m) * (x - m);
  v /= 20000;
  EXPECT_NEAR(m, 1.5, 0.02);  // 4 standard errors: 0.5/√20000 ≈ 0.0035
  EXPECT_NEAR(std::sqrt(v), 0.5, 0.02);
  ASSERT_EQ(t.centres.size(), 1u);
  EXPECT_FLOAT_EQ(t.centres[0], 1.5f);
}

TEST(Gan, TargetsLieOnTheirShapes) {
  auto ring = opts("ring");
  ring.radius = 2;
  ring.spread = 0;
  ring.modes = 6;
  const auto r = pg::nn::gan_target(ring);
  for (size_t i = 0; i < r.samples.size(); i += 2) EXPECT_NEAR(std::hypot(r.samples[i], r.samples[i + 1]), 2.0, 1e-5);
  ASSERT_EQ(r.centres.size(), 12u);
  EXPECT_FLOAT_EQ(r.centres[0], 2.f);  // the first mode at angle 0
  auto line = opts("line");
  line.spread = 0;
  line.modes = 3;
  const auto l = pg::nn::gan_target(line);
  for (size_t i = 0; i < l.samples.size(); i += 2) {
    EXPECT_NEAR(l.samples[i + 1], 0.5f * l.samples[i], 1e-6);
    EXPECT_LE(std::fabs(l.samples[i]), 2.f);
  }
  EXPECT_FLOAT_EQ(l.centres[0], -2.f);
  EXPECT_FLOAT_EQ(l.centres[3], 0.f);
  EXPECT_FLOAT_EQ(l.centres[5], 1.f);  // the last mode (2, 1)
  auto mix = opts("mixture");
  mix.modes = 4;
  mix.spread = 0;
  const auto m = pg::nn::gan_target(mix);
  int at[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < m.samples.size(); i += 2)
    for (int j = 0; j < 4; ++j)
      if (m.samples[i] == m.centres[2 * j] && m.samples[i + 1] == m.centres[2 * j + 1]) at[j] += 1;
  for (int j = 0; j < 4; ++j) EXPECT_NEAR(at[j], 1000, 120);  // uniform components, every sample on one
  EXPECT_EQ(at[0] + at[1] + at[2] + at[3], 4000);
}

TEST(Gan, SameSeedSameSamples) {
  const auto a = pg::nn::gan_target(opts("mixture1d", 50));
  const auto b = pg::nn::gan_target(opts("mixture1d", 50));
  EXPECT_EQ(a.samples, b.samples);
  auto o = opts("mixture1d", 50);
  o.seed = 4;
  EXPECT_NE(pg::nn::gan_target(o).samples, a.samples);
}

TEST(Gan, DrawnPointsAndTheirModes) {
  auto o = opts("drawn", 100);
  o.points = {0, 0, 1, 0, 2, 0, 3, 0, 4, 0};
  o.modes = 3;
  o.spread = 0;
  const auto t = pg::nn::gan_target(o);
  const std::vector<float> centres = {0, 0, 2, 0, 4, 0};  // first, middle, last in drawing order
  EXPECT_EQ(t.centres, centres);
  for (size_t i = 0; i < t.samples.size(); i += 2) EXPECT_EQ(t.samples[i + 1], 0.f);
  o.points.clear();
  EXPECT_NE(message_of([&] { pg::nn::gan_target(o); }).find("the drawing has no points"), std::string::npos);
}

// Modes at 0 and 10 (1-D), radius 1, minShare 0.25 of the fair share n/k.
TEST(Gan, ModeCoverageByHand) {
  const std::vector<float> modes = {0, 10};
  // Collapsed: all 8 samples near 0 -> one mode covered.
  const auto c1 = pg::nn::mode_coverage({0.1f, -0.2f, 0.5f, 0.9f, 0, 0.3f, -0.9f, 0.2f}, modes, 1, 1.0, 0.25);
  EXPECT_EQ(c1.counts, (std::vector<int64_t>{8, 0}));
  EXPECT_EQ(c1.covered, 1);
  // Spread, one far sample (5: nearest 0 but outside the radius), one just at the radius (11).
  const auto c2 = pg::nn::mode_coverage({0, 0.5f, 5, 10, 11, 9.5f, 0.2f, 10.2f}, modes, 1, 1.0, 0.25);
  EXPECT_EQ(c2.counts, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(c2.within, 7);
  EXPECT_EQ(c2.covered, 2);
  // One sample at 10 of 8: 1 < 0.25 · 8 / 2 = 1? 1 >= 1 -> covered; at minShare 0.5 (need 2) it is not.
  const std::vector<float> s3 = {0, 0, 0, 0, 0, 0, 0, 10};
  EXPECT_EQ(pg::nn::mode_coverage(s3, modes, 1, 1.0, 0.25).covered, 2);
  EXPECT_EQ(pg::nn::mode_coverage(s3, modes, 1, 1.0, 0.5).covered, 1);
  // A diverged generator: NaN samples count nowhere.
  const auto c4 = pg::nn::mode_coverage({NAN, INFINITY}, modes, 1, 1.0, 0.25);
  EXPECT_EQ(c4.within, 0);
  EXPECT_EQ(c4.covered, 0);
}

TEST(Gan, Refusals) {
  auto bad = opts("spiral");
  EXPECT_NE(message_of([&] { pg::nn::gan_target(bad); }).find("ganTarget: unknown target 'spiral'"), std::string::npos);
  auto n0 = opts("ring", 0);
  EXPECT_NE(message_of([&] { pg::nn::gan_target(n0); }).find("n must be in 1 .. 1000000, got 0"), std::string::npos);
  auto sp = opts("ring");
  sp.spread = NAN;
  EXPECT_NE(message_of([&] { pg::nn::gan_target(sp); }).find("spread must be a finite number"), std::string::npos);
  EXPECT_NE(message_of([&] { pg::nn::mode_coverage({1, 2, 3}, {0, 0}, 2, 1, 0.25); }).find("modeCoverage: 3 sample numbers are not rows of 2"),
            std::string::npos);
  EXPECT_NE(message_of([&] { pg::nn::mode_coverage({1}, {0}, 1, 0, 0.25); }).find("radius must be a finite number > 0"), std::string::npos);
}
