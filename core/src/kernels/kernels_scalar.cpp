// Scalar reference kernels: the plain loops that the SIMD kernels are tested against.
#include <algorithm>
#include <cmath>
#include <limits>

#include "playgrad/kernels/kernels.h"

namespace pg::kernels {

namespace scalar {

static float apply(Binary op, float a, float b) {
  switch (op) {
    case Binary::Add: return a + b;
    case Binary::Sub: return a - b;
    case Binary::Mul: return a * b;
    case Binary::Div: return a / b;
  }
  return 0.f;
}

void binary(Binary op, const float* a, size_t sa, const float* b, size_t sb, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = apply(op, a[i * sa], b[i * sb]);
}

// x^p: PyTorch's exact special cases (see pow_ in kernels_simd.cpp), else std::pow.
static float pow_(float x, float p) {
  if (p == 0.f) return 1.f;
  if (p == 1.f) return x;
  if (p == 2.f) return x * x;
  if (p == 3.f) return x * x * x;
  if (p == 0.5f) return std::sqrt(x);
  if (p == -0.5f) return 1.f / std::sqrt(x);
  if (p == -1.f) return 1.f / x;
  if (p == -2.f) return 1.f / (x * x);
  return std::pow(x, p);
}

static float apply(Unary op, float x, float p) {
  switch (op) {
    case Unary::Neg: return -x;
    case Unary::Exp: return std::exp(x);
    case Unary::Log: return std::log(x);
    case Unary::Sqrt: return std::sqrt(x);
    case Unary::Abs: return std::fabs(x);
    case Unary::Sigmoid: return 1.f / (1.f + std::exp(-x));
    case Unary::Tanh: return std::tanh(x);
    case Unary::Relu: return x > 0.f ? x : 0.f;
    case Unary::LeakyRelu: return x > 0.f ? x : p * x;
    case Unary::Pow: return pow_(x, p);
    case Unary::Sin: return std::sin(x);
    case Unary::Cos: return std::cos(x);
    case Unary::Tan: return std::tan(x);
  }
  return 0.f;
}

void unary(Unary op, const float* x, float* y, size_t n, float p) {
  for (size_t i = 0; i < n; ++i) y[i] = apply(op, x[i], p);
}

static float derivative(Unary op, float x, float y, float p) {
  switch (op) {
    case Unary::Neg: return -1.f;
    case Unary::Exp: return y;
    case Unary::Log: return 1.f / x;
    case Unary::Sqrt: return 0.5f / y;
    case Unary::Abs: return x > 0.f ? 1.f : (x < 0.f ? -1.f : 0.f);
    case Unary::Sigmoid: return y * (1.f - y);
    case Unary::Tanh: return 1.f - y * y;
    case Unary::Relu: return x > 0.f ? 1.f : 0.f;
    case Unary::LeakyRelu: return x > 0.f ? 1.f : p;
    case Unary::Pow: return p == 0.f ? 0.f : p * pow_(x, p - 1.f);
    case Unary::Sin: return std::cos(x);
    case Unary::Cos: return -std::sin(x);
    case Unary::Tan: return 1.f + y * y;
  }
  return 0.f;
}

void unary_backward(Unary op, const float* x, const float* y, const float* g, float* dx, size_t n,
                    float p) {
  for (size_t i = 0; i < n; ++i) dx[i] = g[i] * derivative(op, x[i], y[i], p);
}

void accumulate(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] += x[i];
}

void scale(const float* x, float a, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = a * x[i];
}

float sum(const float* x, size_t n) {
  float s = 0.f;
  for (size_t i = 0; i < n; ++i) s += x[i];
  return s;
}

void sum_rows(const float* x, size_t rows, size_t n, float* y) {
  for (size_t j = 0; j < n; ++j) {
    float s = 0.f;
    for (size_t r = 0; r < rows; ++r) s += x[r * n + j];
    y[j] = s;
  }
}

void adam(const AdamStep& s, float* w, const float* g, float* m, float* v, float* vmax, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    float d = g[i];
    if (s.decoupled) w[i] *= s.decay;
    else if (s.wd != 0.f) d += s.wd * w[i];
    m[i] = s.b1 * m[i] + s.b1c * d;
    v[i] = s.b2 * v[i] + s.b2c * d * d;
    float vv = v[i];
    if (vmax) vv = vmax[i] = std::max(vmax[i], v[i]);
    if (s.keras_eps) w[i] -= s.keras_step * m[i] / (std::sqrt(vv) + s.eps);
    else w[i] -= s.step_size * m[i] / (std::sqrt(vv) / s.bc2_sqrt + s.eps);
  }
}

float max(const float* x, size_t n) {
  float m = x[0];
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(x[i])) return x[i];
    m = x[i] > m ? x[i] : m;
  }
  return m;
}

void expm(const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = std::exp(x[i]);
}

void softmax(const float* x, float* y, size_t n) {
  const float m = max(x, n);
  float s = 0.f;
  for (size_t i = 0; i < n; ++i) s += (y[i] = std::exp(x[i] - m));
  const float inv = 1.f / s;
  for (size_t i = 0; i < n; ++i) y[i] *= inv;
}

void softmax_rows(const float* x, float* y, size_t rows, size_t n) {
  for (size_t r = 0; r < rows; ++r) softmax(x + r * n, y + r * n, n);
}

void log_softmax(const float* x, float* y, size_t n) {
  const float m = max(x, n);
  float s = 0.f;
  for (size_t i = 0; i < n; ++i) s += std::exp(x[i] - m);
  const float ls = std::log(s);  // (x - m) - log s: no large m + log s to round
  for (size_t i = 0; i < n; ++i) y[i] = (x[i] - m) - ls;
}

void gemm(size_t M, size_t N, size_t K, const float* A, const float* B, float* C, float* /*work*/) {
  // Each C[i,j] sums A[i,k] * B[k,j] in increasing k from 0, exactly as the SIMD kernel does.
  std::fill_n(C, M * N, 0.f);
  for (size_t i = 0; i < M; ++i)
    for (size_t k = 0; k < K; ++k) {
      const float a = A[i * K + k];
      for (size_t j = 0; j < N; ++j) C[i * N + j] += a * B[k * N + j];
    }
}

}  // namespace scalar
}  // namespace pg::kernels
