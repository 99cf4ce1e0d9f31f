// Every SIMD kernel against its scalar twin, at lengths around the batch width, and the gemm
// kernel against Eigen.
#include <Eigen/Dense>

#include <cstdio>
#include <cstring>
#include <limits>

#include "playgrad/kernels/kernels.h"
#include "playgrad/random.h"
#include "test_util.h"

using namespace pg;
namespace K = pg::kernels;

namespace {
std::vector<float> rnd(size_t n, uint64_t seed, float lo = -3.f, float hi = 3.f) {
  Rng r(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = r.uniform(lo, hi);
  return v;
}
const size_t kLengths[] = {0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 100, 1000};

// Transcendentals: within a few float ulps of the scalar libm result.
void expect_close(const std::vector<float>& a, const std::vector<float>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(b[i])) {
      EXPECT_TRUE(std::isnan(a[i])) << what << " at " << i;
      continue;
    }
    EXPECT_NEAR(a[i], b[i], 1e-6 + 4e-7 * std::fabs(b[i])) << what << " at " << i;
  }
}
}  // namespace

TEST(Kernels, BinaryMatchesScalarExactly) {
  for (size_t n : kLengths) {
    const auto a = rnd(n, 1), b = rnd(n, 2, 0.5f, 3.f);
    for (auto op : {K::Binary::Add, K::Binary::Sub, K::Binary::Mul, K::Binary::Div}) {
      for (size_t sa : {0, 1})
        for (size_t sb : {0, 1}) {
          if (n == 0 && (sa == 0 || sb == 0)) continue;
          std::vector<float> y1(n), y2(n);
          K::simd::binary(op, a.data(), sa, b.data(), sb, y1.data(), n);
          K::scalar::binary(op, a.data(), sa, b.data(), sb, y2.data(), n);
          EXPECT_EQ(y1, y2) << "op " << int(op) << " n " << n << " sa " << sa << " sb " << sb;
        }
    }
  }
}

TEST(Kernels, UnaryAndBackwardMatchScalar) {
  using U = K::Unary;
  for (size_t n : kLengths) {
    for (U op : {U::Neg, U::Exp, U::Log, U::Sqrt, U::Abs, U::Sigmoid, U::Tanh, U::Relu,
                 U::LeakyRelu, U::Pow}) {
      const bool pos = op == U::Log || op == U::Sqrt || op == U::Pow;
      const auto x = pos ? rnd(n, 3, 0.1f, 5.f) : rnd(n, 3, -8.f, 8.f);
      const auto g = rnd(n, 4);
      const float p = op == U::Pow ? 1.7f : 0.1f;
      std::vector<float> y1(n), y2(n), d1(n), d2(n);
      K::simd::unary(op, x.data(), y1.data(), n, p);
      K::scalar::unary(op, x.data(), y2.data(), n, p);
      expect_close(y1, y2, "unary");
      K::simd::unary_backward(op, x.data(), y2.data(), g.data(), d1.data(), n, p);
      K::scalar::unary_backward(op, x.data(), y2.data(), g.data(), d2.data(), n, p);
      expect_close(d1, d2, "unary_backward");
    }
  }
}

// pow with the exponents PyTorch computes exactly: multiplies, a reciprocal or a square root, the
// same bits in both twins (x^2 is x * x, not exp(2 log x)), for negative bases too; the gradient
// p x^(p-1) uses the same rule (2 x^1 is exactly 2x).
TEST(Kernels, PowSpecialExponentsAreExact) {
  using U = K::Unary;
  const auto x = rnd(37, 5, -4.f, 4.f);
  const auto g = rnd(37, 6);
  const size_t n = x.size();
  for (float p : {0.f, 1.f, 2.f, 3.f, 0.5f, -0.5f, -1.f, -2.f}) {
    std::vector<float> y1(n), y2(n), d1(n), d2(n);
    K::simd::unary(U::Pow, x.data(), y1.data(), n, p);
    K::scalar::unary(U::Pow, x.data(), y2.data(), n, p);
    K::simd::unary_backward(U::Pow, x.data(), y1.data(), g.data(), d1.data(), n, p);
    K::scalar::unary_backward(U::Pow, x.data(), y2.data(), g.data(), d2.data(), n, p);
    for (size_t i = 0; i < n; ++i) {
      const float v = x[i];
      float want = 0.f, dwant = 0.f;
      if (p == 0.f) want = 1.f;
      if (p == 1.f) want = v, dwant = g[i] * (1.f * 1.f);
      if (p == 2.f) want = v * v, dwant = g[i] * (2.f * v);
      if (p == 3.f) want = v * v * v, dwant = g[i] * (3.f * (v * v));
      if (p == 0.5f) want = std::sqrt(v), dwant = g[i] * (0.5f * (1.f / std::sqrt(v)));
      if (p == -0.5f) want = 1.f / std::sqrt(v);
      if (p == -1.f) want = 1.f / v, dwant = g[i] * (-1.f * (1.f / (v * v)));
      if (p == -2.f) want = 1.f / (v * v);
      // bitwise (NaN equal to NaN): both twins, and the forward against the plain formula
      uint32_t a, b, c;
      std::memcpy(&a, &y1[i], 4), std::memcpy(&b, &y2[i], 4), std::memcpy(&c, &want, 4);
      EXPECT_EQ(a, b) << "p " << p << " x " << v;
      EXPECT_EQ(a, c) << "p " << p << " x " << v;
      if (p == -0.5f || p == -2.f) {  // x^-1.5, x^-3: the general pow, twins within a few ulps
        if (!std::isnan(d2[i])) {
          EXPECT_NEAR(d1[i], d2[i], 1e-6 + 4e-7 * std::fabs(d2[i])) << "p " << p;
        }
        continue;
      }
      std::memcpy(&a, &d1[i], 4), std::memcpy(&b, &d2[i], 4);
      EXPECT_EQ(a, b) << "backward p " << p << " x " << v;
      if (p != 0.f) {
        std::memcpy(&c, &dwant, 4);
        EXPECT_EQ(a, c) << "backward p " << p << " x " << v;
      }
    }
  }
}

TEST(Kernels, ElementValueDoesNotDependOnPosition) {
  // The same input gives the same output whether it sits in the body or in the tail.
  const std::vector<float> x = rnd(7, 5);
  std::vector<float> y7(7), y1(1);
  K::simd::unary(K::Unary::Exp, x.data(), y7.data(), 7, 0);
  for (size_t i = 0; i < 7; ++i) {
    K::simd::unary(K::Unary::Exp, x.data() + i, y1.data(), 1, 0);
    EXPECT_EQ(y1[0], y7[i]);
  }
}

TEST(Kernels, ReductionsAndSoftmaxMatchScalar) {
  for (size_t n : kLengths) {
    if (n == 0) continue;
    const auto x = rnd(n, 6, -50.f, 50.f);
    EXPECT_NEAR(K::simd::sum(x.data(), n), K::scalar::sum(x.data(), n), 1e-3);
    EXPECT_EQ(K::simd::max(x.data(), n), K::scalar::max(x.data(), n));
    std::vector<float> y1(n), y2(n);
    K::simd::softmax(x.data(), y1.data(), n);
    K::scalar::softmax(x.data(), y2.data(), n);
    expect_close(y1, y2, "softmax");
    K::simd::log_softmax(x.data(), y1.data(), n);
    K::scalar::log_softmax(x.data(), y2.data(), n);
    for (size_t i = 0; i < n; ++i) EXPECT_NEAR(y1[i], y2[i], 1e-5 + 1e-6 * std::fabs(y2[i]));
  }
  std::vector<float> withnan = {1, 2, NAN, 4, 5};
  EXPECT_TRUE(std::isnan(K::simd::max(withnan.data(), 5)));
  EXPECT_TRUE(std::isnan(K::scalar::max(withnan.data(), 5)));
}

TEST(Kernels, SumRowsIsRowOrderAccumulateExactly) {
  // Each column added in row order from 0: the same bits as one accumulate per row, in both twins.
  for (size_t rows : {size_t(0), size_t(1), size_t(3), size_t(50), size_t(1000)})
    for (size_t n : {size_t(1), size_t(3), size_t(4), size_t(8), size_t(10), size_t(16),
                     size_t(17), size_t(33), size_t(64)}) {
      auto x = rnd(rows * n, 21, -1e3f, 1e3f);
      if (rows) x[0] = -0.f;  // 0 + -0 is +0 in every path
      std::vector<float> want(n, 0.f), y1(n, -1.f), y2(n, -2.f);
      for (size_t r = 0; r < rows; ++r) K::scalar::accumulate(x.data() + r * n, want.data(), n);
      K::simd::sum_rows(x.data(), rows, n, y1.data());
      K::scalar::sum_rows(x.data(), rows, n, y2.data());
      for (size_t j = 0; j < n; ++j) {
        uint32_t a, b, c;
        std::memcpy(&a, &y1[j], 4), std::memcpy(&b, &y2[j], 4), std::memcpy(&c, &want[j], 4);
        EXPECT_EQ(a, c) << rows << "x" << n << " column " << j;
        EXPECT_EQ(b, c) << rows << "x" << n << " column " << j;
      }
    }
}

TEST(Kernels, AdamMatchesScalarExactly) {
  // Every mode (Adam with and without L2, AdamW, AMSGrad, Keras' epsilon), lengths with and
  // without a tail, moments of both signs and sizes: the same bits in both twins.
  for (int mode = 0; mode < 5; ++mode)
    for (size_t n : {size_t(1), size_t(3), size_t(4), size_t(7), size_t(17), size_t(64)}) {
      K::AdamStep s{0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 0.0031f, 0.0447f, 0.00014f, 0.9999f,
                    mode == 1 ? 0.01f : 0.f, mode == 2, mode == 4};
      const auto w0 = rnd(n, 31, -2.f, 2.f), g = rnd(n, 32, -1e-2f, 1e-2f),
                 m0 = rnd(n, 33, -1e-3f, 1e-3f), v1 = rnd(n, 34, 0.f, 1e-4f),
                 x0 = rnd(n, 35, 0.f, 1e-4f);
      auto w1 = w0, m1 = m0, v = v1, x1 = x0, w2 = w0, m2 = m0, v2 = v1, x2 = x0;
      const bool ams = mode == 3;
      for (int step = 0; step < 3; ++step) {  // the outputs feed the next step
        K::simd::adam(s, w1.data(), g.data(), m1.data(), v.data(), ams ? x1.data() : nullptr, n);
        K::scalar::adam(s, w2.data(), g.data(), m2.data(), v2.data(), ams ? x2.data() : nullptr, n);
      }
      auto same = [](const std::vector<float>& a, const std::vector<float>& b) {
        return std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
      };
      EXPECT_TRUE(same(w1, w2) && same(m1, m2) && same(v, v2) && same(x1, x2))
          << "mode " << mode << " n " << n;
      EXPECT_FALSE(same(w1, w0)) << "mode " << mode << " n " << n;  // it did step
    }
}

TEST(Kernels, GemmMatchesScalarExactlyAndEigen) {
  const size_t sizes[][3] = {{1, 1, 1}, {3, 5, 7}, {4, 8, 4}, {5, 9, 3}, {17, 33, 65},
                             {64, 64, 64}, {13, 7, 600}, {2, 3, 0}};
  for (auto& s : sizes) {
    const size_t M = s[0], N = s[1], Kd = s[2];
    const auto A = rnd(M * Kd, 7), B = rnd(Kd * N, 8);
    std::vector<float> c1(M * N, -1.f), c2(M * N, -2.f);
    Tensor work = pgt::workspace(K::gemm_workspace(M, N, Kd));
    K::simd::gemm(M, N, Kd, A.data(), B.data(), c1.data(), work.data());
    K::scalar::gemm(M, N, Kd, A.data(), B.data(), c2.data(), nullptr);
    EXPECT_EQ(c1, c2) << M << "x" << N << "x" << Kd;  // same summation order: bit-identical
    using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    Eigen::Map<const Mat> ea(A.data(), long(M), long(Kd)), eb(B.data(), long(Kd), long(N));
    Mat ec = (ea.cast<double>() * eb.cast<double>()).cast<float>();
    for (size_t i = 0; i < M * N; ++i)
      EXPECT_NEAR(c1[i], ec.data()[i], 1e-4 * (1 + std::sqrt(double(Kd))));
  }
}

TEST(Kernels, Transpose2d) {
  std::vector<float> x = {1, 2, 3, 4, 5, 6}, y(6);
  K::transpose2d(x.data(), y.data(), 2, 3);
  EXPECT_EQ(y, (std::vector<float>{1, 4, 2, 5, 3, 6}));
  // Whole 4 x 4 blocks, rows and columns left over on either side, a single row or column.
  const size_t shapes[][2] = {{4, 4}, {8, 12}, {5, 7}, {7, 5}, {1, 9}, {9, 1}, {784, 10},
                              {10, 784}, {3, 3}, {0, 4}, {4, 0}};
  for (auto& sh : shapes) {
    const size_t r = sh[0], c = sh[1];
    std::vector<float> a(r * c), b(r * c + 1, -1.f);
    for (size_t i = 0; i < a.size(); ++i) a[i] = float(i) + 0.5f;
    K::transpose2d(a.data(), b.data(), r, c);
    for (size_t i = 0; i < r; ++i)
      for (size_t j = 0; j < c; ++j) ASSERT_EQ(b[j * r + i], a[i * c + j]) << r << "x" << c;
    EXPECT_EQ(b[r * c], -1.f) << "wrote past the end: " << r << "x" << c;
  }
}

TEST(Kernels, GemmPackedTilesMatchScalarExactly) {
  // Shapes around the 4-row tiles and 2W-column panels, several panels and tiles, long K.
  const size_t sizes[][3] = {{4, 8, 1},    {5, 17, 2},   {8, 16, 513}, {255, 257, 129},
                             {1, 100, 1000}, {100, 1, 7}, {33, 31, 64}, {128, 128, 128}};
  for (auto& s : sizes) {
    const size_t M = s[0], N = s[1], Kd = s[2];
    const auto A = rnd(M * Kd, 9), B = rnd(Kd * N, 10);
    std::vector<float> c1(M * N, -1.f), c2(M * N, -2.f);
    Tensor work = pgt::workspace(K::gemm_workspace(M, N, Kd));
    K::simd::gemm(M, N, Kd, A.data(), B.data(), c1.data(), work.data());
    K::scalar::gemm(M, N, Kd, A.data(), B.data(), c2.data(), nullptr);
    EXPECT_EQ(c1, c2) << M << "x" << N << "x" << Kd;
  }
  // The workspace is B packed once into 2W-column panels (shared by the pool's threads) and a
  // partial tile of A: at most B rounded up to whole panels, plus 4 K.
  EXPECT_LE(K::gemm_workspace(1000, 1000, 1000), size_t(1000 * (1000 + 15) + 1000 * 4));
  EXPECT_EQ(K::gemm_workspace(8, 1000, 1000) % 1000, 0u);
}

namespace {
float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
}  // namespace

TEST(Kernels, ExpmIsAccurateOverItsWholeDomain) {
  // Every 61st float in [-110, 0] (about 18 million), against exp in double. Normal results
  // (>= 2^-126) are within 2.5 ulps (measured: 2.21 ulps, near x = -59.2; the polynomial is
  // evaluated without FMA); smaller ones are within 2^-126
  // absolutely (they lose precision gradually, then flush to +0 below -87.68).
  constexpr double kMaxUlps = 2.5;
  std::vector<float> x;
  for (uint32_t u = 0x80000000u; u <= 0xC2DC0000u; u += 61) x.push_back(from_bits(u));  // -0 .. -110
  std::vector<float> y(x.size());
  K::simd::expm(x.data(), y.data(), x.size());
  double worst = 0;
  float worst_x = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double ref = std::exp(double(x[i]));
    if (ref >= 0x1p-126) {
      const double ulp = std::ldexp(1.0, std::ilogb(float(ref)) - 23);
      const double e = std::fabs(double(y[i]) - ref) / ulp;
      if (e > worst) worst = e, worst_x = x[i];
    } else {
      ASSERT_LE(std::fabs(double(y[i]) - ref), 0x1p-126) << "x = " << x[i];
      ASSERT_GE(y[i], 0.f) << "x = " << x[i];
    }
  }
  std::printf("expm: max error %.3f ulp (at x = %.9g) over %zu floats in [-110, 0]\n", worst,
              double(worst_x), x.size());
  EXPECT_LE(worst, kMaxUlps) << "at x = " << worst_x;

  // Special values: e^0 = 1, e^-0 = 1 exactly; e^-inf = +0; NaN stays NaN; far below: +0.
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> sx = {0.f, -0.f, -inf, NAN, -1e30f, -87.7f, -1e-30f, -0x1p-149f}, sy(8);
  K::simd::expm(sx.data(), sy.data(), sx.size());
  EXPECT_EQ(sy[0], 1.f);
  EXPECT_EQ(sy[1], 1.f);
  EXPECT_EQ(sy[2], 0.f);
  EXPECT_TRUE(std::isnan(sy[3]));
  EXPECT_EQ(sy[4], 0.f);
  EXPECT_EQ(sy[5], 0.f);
  EXPECT_EQ(sy[6], 1.f);
  EXPECT_EQ(sy[7], 1.f);
}

TEST(Kernels, SoftmaxSpecialRows) {
  const float inf = std::numeric_limits<float>::infinity();
  auto both = [](std::vector<float> x) {
    std::vector<float> a(x.size()), b(x.size());
    K::simd::softmax(x.data(), a.data(), x.size());
    K::scalar::softmax(x.data(), b.data(), x.size());
    return std::make_pair(a, b);
  };
  // -inf logits get exactly 0; large logits do not overflow.
  auto [a1, b1] = both({1000.f, -inf, 999.f, 1000.f, -inf, 0.f, 3.f, -1e30f, 998.f});
  for (size_t i = 0; i < a1.size(); ++i) EXPECT_NEAR(a1[i], b1[i], 1e-7) << i;
  EXPECT_EQ(a1[1], 0.f);
  EXPECT_EQ(a1[4], 0.f);
  EXPECT_EQ(a1[7], 0.f);
  // Equal logits: 1/n each (n = 7 puts elements in the tail).
  auto [a2, b2] = both(std::vector<float>(7, 2.5f));
  for (float v : a2) EXPECT_FLOAT_EQ(v, 1.f / 7.f);
  // A NaN anywhere, or +inf, makes the whole row NaN, in both twins.
  for (auto row : {std::vector<float>{1, 2, NAN, 4, 5, 6, 7, 8, 9},
                   std::vector<float>{NAN, 2, 3}, std::vector<float>{1, inf, 3, 4, 5}}) {
    auto [a, b] = both(row);
    for (size_t i = 0; i < row.size(); ++i) {
      EXPECT_TRUE(std::isnan(a[i])) << i;
      EXPECT_TRUE(std::isnan(b[i])) << i;
    }
  }
  // log_softmax of the same big-logit row: finite where the logit is finite.
  std::vector<float> x = {1000.f, -inf, 999.f, 1000.f}, l1(4), l2(4);
  K::simd::log_softmax(x.data(), l1.data(), 4);
  K::scalar::log_softmax(x.data(), l2.data(), 4);
  EXPECT_EQ(l1[1], -inf);
  for (size_t i : {0, 2, 3}) EXPECT_NEAR(l1[i], l2[i], 1e-5);
}

// Softmax against softmax in double on hard rows, the error of each probability p relative to
// p. The stated bound: rounding x - max costs |x - max| 2^-24 (the exp of a rounded t), the exp
// polynomial 2.5 ulps, the sum and the 1 / sum scale a few more; so
//   |y - p| <= p (|x - max| + 8) 2^-24   wherever p is a normal float,
// and -inf (or -1e30) logits get exactly 0. The worst error on one uniform [-8, 8] row of 1000 is
// printed (~2e-7); over the bench's 1024 such rows (bench/figures/softmax.mjs reports it) the
// wasm build's worst is 3.6e-7, TensorFlow.js's wasm softmax (XNNPACK) 7.4e-7 on the same rows.
TEST(Kernels, SoftmaxIsAccurateAgainstDouble) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<std::vector<float>> rows;
  for (size_t n : {1000, 7, 33}) rows.push_back(rnd(n, 40 + n, -8.f, 8.f));
  rows.push_back(rnd(1000, 50, -1e4f, 1e4f));         // a range far beyond exp's: most p underflow
  rows.push_back(rnd(257, 51, -87.f, 0.f));           // down to the edge of the normal floats
  rows.push_back(rnd(100, 52, 1e4f, 1e4f + 20.f));    // large logits, small differences
  {
    auto r = rnd(64, 53, -5.f, 5.f);                  // -inf-like entries (masks)
    for (size_t i = 0; i < r.size(); i += 5) r[i] = i % 2 ? -inf : -1e30f;
    rows.push_back(r);
  }
  rows.push_back(std::vector<float>(1001, -3.25f));     // all tied
  {
    auto r = rnd(999, 54, -8.f, 8.f);                 // two tied maxima
    r[10] = r[500] = 9.f;
    rows.push_back(r);
  }
  double worst_bench = 0;
  for (size_t k = 0; k < rows.size(); ++k) {
    const auto& x = rows[k];
    const size_t n = x.size();
    std::vector<float> y(n), ys(n);
    K::simd::softmax_rows(x.data(), y.data(), 1, n);
    K::scalar::softmax(x.data(), ys.data(), n);
    double m = -INFINITY, s = 0;
    for (float v : x) m = std::max(m, double(v));
    for (float v : x) s += std::exp(double(v) - m);
    for (size_t i = 0; i < n; ++i) {
      const double p = std::exp(double(x[i]) - m) / s;
      if (x[i] == -inf || x[i] == -1e30f) {
        EXPECT_EQ(y[i], 0.f) << "row " << k << " at " << i;
        continue;
      }
      if (p < 0x1p-126) {
        EXPECT_LE(std::fabs(double(y[i]) - p), 0x1p-126) << "row " << k << " at " << i;
        continue;
      }
      const double bound = (std::fabs(double(x[i]) - m) + 8) * 0x1p-24;
      const double e = std::fabs(double(y[i]) - p) / p;
      EXPECT_LE(e, bound) << "row " << k << " at " << i << " x " << x[i];
      if (k == 0) worst_bench = std::max(worst_bench, e);
      // the scalar twin (libm's exp) meets the same bound: the twins agree within twice it
      EXPECT_LE(std::fabs(double(y[i]) - double(ys[i])), 2 * bound * p) << "row " << k << " at " << i;
    }
  }
  std::printf("softmax: max relative error %.3g on a uniform [-8, 8] row of 1000\n", worst_bench);
}

// softmax_rows runs each row's passes pipelined across rows: every row must come out exactly as
// softmax of that row alone, whatever its neighbours hold (NaN, +inf, -inf, ties, tails).
TEST(Kernels, SoftmaxRowsEqualsRowByRow) {
  const float inf = std::numeric_limits<float>::infinity();
  for (size_t n : kLengths) {
    if (n == 0) continue;
    for (size_t rows : {1, 2, 3, 6}) {
      auto x = rnd(rows * n, 60 + n, -40.f, 40.f);
      if (rows >= 3) {
        x[n + n / 2] = NAN;       // row 1: NaN
        x[2 * n] = inf;           // row 2: +inf
      }
      if (rows >= 6) {
        for (size_t i = 3 * n; i < 4 * n; ++i) x[i] = 1.5f;  // row 3: ties
        x[4 * n + n - 1] = -inf;  // row 4: -inf in the tail
      }
      std::vector<float> y(rows * n), one(n), ys(rows * n);
      K::simd::softmax_rows(x.data(), y.data(), rows, n);
      K::scalar::softmax_rows(x.data(), ys.data(), rows, n);
      for (size_t r = 0; r < rows; ++r) {
        K::simd::softmax(x.data() + r * n, one.data(), n);
        for (size_t i = 0; i < n; ++i) {
          uint32_t a, b;
          std::memcpy(&a, &y[r * n + i], 4), std::memcpy(&b, &one[i], 4);
          EXPECT_EQ(a, b) << "n " << n << " rows " << rows << " row " << r << " at " << i;
        }
      }
      expect_close(y, ys, "softmax_rows");
      // in place, as a caller may do
      std::vector<float> z = x;
      K::simd::softmax_rows(z.data(), z.data(), rows, n);
      for (size_t i = 0; i < z.size(); ++i) {
        uint32_t a, b;
        std::memcpy(&a, &z[i], 4), std::memcpy(&b, &y[i], 4);
        EXPECT_EQ(a, b) << "in place, n " << n << " rows " << rows << " at " << i;
      }
    }
  }
}

TEST(Kernels, ExpIsAccurateOverTheWholeFloatRange) {
  // unary Exp (softmax's polynomial up to 88.37, xsimd's exp above) on every 61st float of
  // [-110, 89]: normal results within 2.5 ulps of exp in double, tiny ones within 2^-126,
  // overflow to +inf.
  std::vector<float> x;
  for (uint32_t u = 0x80000000u; u <= 0xC2DC0000u; u += 61) x.push_back(from_bits(u));
  for (uint32_t u = 0; u <= 0x42B20000u; u += 61) x.push_back(from_bits(u));  // 0 .. 89
  std::vector<float> y(x.size());
  K::simd::unary(K::Unary::Exp, x.data(), y.data(), x.size(), 0.f);
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double ref = std::exp(double(x[i]));
    if (ref > double(std::numeric_limits<float>::max())) {
      ASSERT_EQ(y[i], std::numeric_limits<float>::infinity()) << "x = " << x[i];
    } else if (ref >= 0x1p-126) {
      const double e = std::fabs(double(y[i]) - ref) / std::ldexp(1.0, std::ilogb(float(ref)) - 23);
      worst = std::max(worst, e);
      ASSERT_LE(e, 2.5) << "x = " << x[i];
    } else {
      ASSERT_LE(std::fabs(double(y[i]) - ref), 0x1p-126) << "x = " << x[i];
    }
  }
  std::printf("exp: max error %.3f ulp over %zu floats in [-110, 89]\n", worst, x.size());
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> sx = {inf, -inf, NAN, 88.5f, 88.37f, 88.38f, 0.f}, sy(7);
  K::simd::unary(K::Unary::Exp, sx.data(), sy.data(), 7, 0.f);
  EXPECT_EQ(sy[0], inf);
  EXPECT_EQ(sy[1], 0.f);
  EXPECT_TRUE(std::isnan(sy[2]));
  EXPECT_NEAR(sy[3] / std::exp(double(88.5f)), 1.0, 3e-7);
  EXPECT_NEAR(sy[4] / std::exp(double(88.37f)), 1.0, 3e-7);
  EXPECT_NEAR(sy[5] / std::exp(double(88.38f)), 1.0, 3e-7);
  EXPECT_EQ(sy[6], 1.f);
}

TEST(Kernels, TrigOnHugeArgumentsMatchesScalar) {
  // xsimd's own reduction beyond 64*pi is undefined behaviour (UBSan, found by fuzz_expr); those
  // lanes take libm. The sanitize level runs this under UBSan.
  const std::vector<float> x = {0.5f, 150.f, 201.f, 1e3f, -1e5f, 1e30f, -3e38f, 2.f,
                                INFINITY, -INFINITY, NAN, 7.f, 1e7f};
  const size_t n = x.size();
  for (auto op : {K::Unary::Sin, K::Unary::Cos, K::Unary::Tan}) {
    std::vector<float> y1(n), y2(n), g(n, 1.f), d1(n), d2(n);
    K::simd::unary(op, x.data(), y1.data(), n, 0);
    K::scalar::unary(op, x.data(), y2.data(), n, 0);
    expect_close(y1, y2, "trig");
    K::simd::unary_backward(op, x.data(), y2.data(), g.data(), d1.data(), n, 0);
    K::scalar::unary_backward(op, x.data(), y2.data(), g.data(), d2.data(), n, 0);
    for (size_t i = 0; i < n; ++i) {
      if (std::isnan(d2[i])) { EXPECT_TRUE(std::isnan(d1[i])) << i; continue; }
      EXPECT_NEAR(d1[i], d2[i], 1e-5 + 1e-5 * std::fabs(d2[i])) << "trig backward at " << i;
    }
  }
}

// The SIMD sigmoid and tanh share exp's polynomial (kernels_simd.cpp). Their relative error
// against double stays at a few ulps everywhere: tiny |x| (tanh x = x, not a rounding of 1 - e),
// both tails of the sigmoid (below 1e-36, where exp's polynomial flushes to 0 as e^x does,
// checked absolutely against FLT_MIN), saturation at
// ±1, the sign of ±0, and NaN.
TEST(Kernels, SigmoidAndTanhRelativeError) {
  std::vector<float> x;
  for (int e = -30; e <= 2; ++e)
    for (float m : {1.f, 1.37f, 2.9f, 5.5f, 8.1f})
      for (float sgn : {1.f, -1.f}) x.push_back(sgn * m * std::pow(10.f, float(e)));
  for (float v = -90.f; v <= 90.f; v += 0.37f) x.push_back(v);
  x.push_back(0.f), x.push_back(-0.f), x.push_back(std::numeric_limits<float>::quiet_NaN());
  const size_t n = x.size();
  std::vector<float> s(n), t(n);
  K::simd::unary(K::Unary::Sigmoid, x.data(), s.data(), n, 0.f);
  K::simd::unary(K::Unary::Tanh, x.data(), t.data(), n, 0.f);
  double worst_s = 0, worst_t = 0;
  for (size_t i = 0; i < n; ++i) {
    const double v = x[i];
    if (std::isnan(v)) {
      EXPECT_TRUE(std::isnan(s[i]) && std::isnan(t[i]));
      continue;
    }
    const double ws = 1.0 / (1.0 + std::exp(-v)), wt = std::tanh(v);
    if (ws >= 1e-36) worst_s = std::max(worst_s, std::fabs(s[i] - ws) / ws);
    else EXPECT_LE(std::fabs(s[i] - ws), std::numeric_limits<float>::min()) << "sigmoid " << v;
    if (wt != 0) worst_t = std::max(worst_t, std::fabs(t[i] - wt) / std::fabs(wt));
    EXPECT_EQ(std::signbit(t[i]), std::signbit(x[i])) << "tanh sign at " << v;
    EXPECT_LE(t[i], 1.f);
    EXPECT_GE(t[i], -1.f);
  }
  EXPECT_LT(worst_s, 5 * 6e-8) << "sigmoid: worst relative error";
  EXPECT_LT(worst_t, 5 * 6e-8) << "tanh: worst relative error";
  std::printf("sigmoid worst relative error %.3g, tanh %.3g\n", worst_s, worst_t);
}
