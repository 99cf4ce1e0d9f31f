// The hyperparameter search's draws (playgrad/nn/search.h): seeded and reproducible, inside the
// range, log sampling uniform in log space (a chi-square test over decades with a fixed seed),
// grids with their ends, choices covering every option, and readable refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "playgrad/error.h"
#include "playgrad/nn/search.h"

using pg::nn::SearchScale;

TEST(Search, SameSeedSameDrawsAndStreamsDiffer) {
  const auto a = pg::nn::search_sample(1e-4, 1.0, SearchScale::Log, 50, 7, 3);
  const auto b = pg::nn::search_sample(1e-4, 1.0, SearchScale::Log, 50, 7, 3);
  const auto c = pg::nn::search_sample(1e-4, 1.0, SearchScale::Log, 50, 7, 4);
  const auto d = pg::nn::search_sample(1e-4, 1.0, SearchScale::Log, 50, 8, 3);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, d);
  for (double v : a) {
    EXPECT_GE(v, 1e-4);
    EXPECT_LT(v, 1.0);
  }
}

// Chi-square over equal bins with a fixed seed: 4 decades on the log scale hold a quarter each;
// the same draws on the linear scale put about 90% in the top decade.
TEST(Search, LogSamplingIsUniformInLogSpace) {
  const int64_t n = 20000;
  const auto v = pg::nn::search_sample(1e-4, 1.0, SearchScale::Log, n, 11, 0);
  double counts[4] = {0, 0, 0, 0};
  for (double x : v) counts[std::min(3, int(std::floor(std::log10(x) + 4)))] += 1;
  double chi2 = 0;
  for (double c : counts) chi2 += (c - n / 4.0) * (c - n / 4.0) / (n / 4.0);
  EXPECT_LT(chi2, 11.34);  // the 99% point of chi-square with 3 degrees of freedom

  const auto lin = pg::nn::search_sample(1e-4, 1.0, SearchScale::Linear, n, 11, 0);
  int top = 0;
  for (double x : lin) top += x >= 0.1;
  EXPECT_NEAR(double(top) / n, 0.9, 0.01);
}

TEST(Search, GridHasItsEndsAndEvenSteps) {
  const auto g = pg::nn::search_grid(1e-3, 1.0, SearchScale::Log, 4);
  ASSERT_EQ(g.size(), 4u);
  EXPECT_DOUBLE_EQ(g[0], 1e-3);
  EXPECT_NEAR(g[1], 1e-2, 1e-15);
  EXPECT_NEAR(g[2], 1e-1, 1e-15);
  EXPECT_EQ(g[3], 1.0);
  const auto l = pg::nn::search_grid(0.0, 1.0, SearchScale::Linear, 3);
  EXPECT_EQ(l, (std::vector<double>{0.0, 0.5, 1.0}));
  EXPECT_EQ(pg::nn::search_grid(2.0, 3.0, SearchScale::Linear, 1), (std::vector<double>{2.0}));
}

TEST(Search, ChoiceCoversEveryOption) {
  const auto c = pg::nn::search_choice(3, 3000, 5, 1);
  int seen[3] = {0, 0, 0};
  for (auto i : c) {
    ASSERT_GE(i, 0);
    ASSERT_LT(i, 3);
    seen[i] += 1;
  }
  for (int s : seen) EXPECT_NEAR(s / 3000.0, 1 / 3.0, 0.04);
}

TEST(Search, RefusesEmptyAndBadRanges) {
  auto message = [](auto f) {
    try {
      f();
    } catch (const pg::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message([] { pg::nn::search_sample(1.0, 1.0, SearchScale::Linear, 3, 0, 0); }).find("is empty"), std::string::npos);
  EXPECT_NE(message([] { pg::nn::search_sample(0.0, 1.0, SearchScale::Log, 3, 0, 0); }).find("log scale needs lo > 0"), std::string::npos);
  EXPECT_NE(message([] { pg::nn::search_grid(NAN, 1.0, SearchScale::Linear, 3); }).find("finite"), std::string::npos);
  EXPECT_NE(message([] { pg::nn::search_choice(0, 3, 0, 0); }).find("empty"), std::string::npos);
  EXPECT_NE(message([] { pg::nn::search_scale("search.sample", "cubic"); }).find("'linear' or 'log'"), std::string::npos);
}
