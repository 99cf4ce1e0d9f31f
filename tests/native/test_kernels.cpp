// Every SIMD kernel against its scalar twin, at lengths around the batch width, and the gemm
// kernel against Eigen.
#include <Eigen/Dense>

#include "playgrad/kernels.h"
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

TEST(Kernels, GemmMatchesScalarExactlyAndEigen) {
  const size_t sizes[][3] = {{1, 1, 1}, {3, 5, 7}, {4, 8, 4}, {5, 9, 3}, {17, 33, 65},
                             {64, 64, 64}, {13, 7, 600}, {2, 3, 0}};
  for (auto& s : sizes) {
    const size_t M = s[0], N = s[1], Kd = s[2];
    const auto A = rnd(M * Kd, 7), B = rnd(Kd * N, 8);
    std::vector<float> c1(M * N, -1.f), c2(M * N, -2.f);
    K::simd::gemm(M, N, Kd, A.data(), B.data(), c1.data());
    K::scalar::gemm(M, N, Kd, A.data(), B.data(), c2.data());
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
}
