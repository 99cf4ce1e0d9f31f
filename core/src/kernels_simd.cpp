// SIMD kernels written with xsimd. Natively they compile to SSE4.1; in the wasm build
// (-msimd128 -msse4.1) Emscripten maps the same intrinsics to WebAssembly SIMD128, so both
// builds run the same 4-lane code and round the same way. Each has a twin in kernels_scalar.cpp.
#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "playgrad/kernels.h"

namespace pg::kernels::simd {

namespace {
using B = xsimd::batch<float>;
constexpr size_t W = B::size;

// y = f(x) over n elements; the tail goes through f too, padded with `pad`.
template <class F>
inline void map1(const float* x, float* y, size_t n, F f, float pad = 0.f) {
  size_t i = 0;
  for (; i + W <= n; i += W) f(B::load_unaligned(x + i)).store_unaligned(y + i);
  if (i < n) {
    alignas(64) float tx[W], ty[W];
    std::fill_n(tx, W, pad);
    std::memcpy(tx, x + i, (n - i) * sizeof(float));
    f(B::load_aligned(tx)).store_aligned(ty);
    std::memcpy(y + i, ty, (n - i) * sizeof(float));
  }
}

// y = f(a, b, c) over n elements, tail padded with zeros.
template <class F>
inline void map3(const float* a, const float* b, const float* c, float* y, size_t n, F f) {
  size_t i = 0;
  for (; i + W <= n; i += W)
    f(B::load_unaligned(a + i), B::load_unaligned(b + i), B::load_unaligned(c + i))
        .store_unaligned(y + i);
  if (i < n) {
    alignas(64) float ta[W] = {}, tb[W] = {}, tc[W] = {}, ty[W];
    const size_t r = (n - i) * sizeof(float);
    std::memcpy(ta, a + i, r);
    std::memcpy(tb, b + i, r);
    std::memcpy(tc, c + i, r);
    f(B::load_aligned(ta), B::load_aligned(tb), B::load_aligned(tc)).store_aligned(ty);
    std::memcpy(y + i, ty, r);
  }
}

inline B sigmoid(B x) { return B(1.f) / (B(1.f) + xsimd::exp(-x)); }
}  // namespace

template <class Op>
static void binary_impl(const float* a, size_t sa, const float* b, size_t sb, float* y, size_t n,
                        Op op) {
  if (sa && sb) {
    size_t i = 0;
    for (; i + W <= n; i += W)
      op(B::load_unaligned(a + i), B::load_unaligned(b + i)).store_unaligned(y + i);
    if (i < n) {
      alignas(64) float ta[W] = {}, tb[W] = {}, ty[W];
      std::fill_n(tb, W, 1.f);
      std::memcpy(ta, a + i, (n - i) * sizeof(float));
      std::memcpy(tb, b + i, (n - i) * sizeof(float));
      op(B::load_aligned(ta), B::load_aligned(tb)).store_aligned(ty);
      std::memcpy(y + i, ty, (n - i) * sizeof(float));
    }
  } else if (sa) {
    const B vb(b[0]);
    map1(a, y, n, [&](B x) { return op(x, vb); });
  } else if (sb) {
    const B va(a[0]);
    map1(b, y, n, [&](B x) { return op(va, x); });
  } else {
    alignas(64) float t[W];
    op(B(a[0]), B(b[0])).store_aligned(t);
    std::fill_n(y, n, t[0]);
  }
}

void binary(Binary op, const float* a, size_t sa, const float* b, size_t sb, float* y, size_t n) {
  switch (op) {
    case Binary::Add: return binary_impl(a, sa, b, sb, y, n, [](B u, B v) { return u + v; });
    case Binary::Sub: return binary_impl(a, sa, b, sb, y, n, [](B u, B v) { return u - v; });
    case Binary::Mul: return binary_impl(a, sa, b, sb, y, n, [](B u, B v) { return u * v; });
    case Binary::Div: return binary_impl(a, sa, b, sb, y, n, [](B u, B v) { return u / v; });
  }
}

void unary(Unary op, const float* x, float* y, size_t n, float p) {
  const B zero(0.f), vp(p);
  switch (op) {
    case Unary::Neg: return map1(x, y, n, [](B v) { return -v; });
    case Unary::Exp: return map1(x, y, n, [](B v) { return xsimd::exp(v); });
    case Unary::Log: return map1(x, y, n, [](B v) { return xsimd::log(v); }, 1.f);
    case Unary::Sqrt: return map1(x, y, n, [](B v) { return xsimd::sqrt(v); });
    case Unary::Abs: return map1(x, y, n, [](B v) { return xsimd::abs(v); });
    case Unary::Sigmoid: return map1(x, y, n, [](B v) { return sigmoid(v); });
    case Unary::Tanh: return map1(x, y, n, [](B v) { return xsimd::tanh(v); });
    case Unary::Relu:
      return map1(x, y, n, [&](B v) { return xsimd::select(v > zero, v, zero); });
    case Unary::LeakyRelu:
      return map1(x, y, n, [&](B v) { return xsimd::select(v > zero, v, vp * v); });
    case Unary::Pow: return map1(x, y, n, [&](B v) { return xsimd::pow(v, vp); }, 1.f);
    case Unary::Sin: return map1(x, y, n, [](B v) { return xsimd::sin(v); });
    case Unary::Cos: return map1(x, y, n, [](B v) { return xsimd::cos(v); });
    case Unary::Tan: return map1(x, y, n, [](B v) { return xsimd::tan(v); });
  }
}

void unary_backward(Unary op, const float* x, const float* y, const float* g, float* dx, size_t n,
                    float p) {
  const B zero(0.f), one(1.f), vp(p);
  switch (op) {
    case Unary::Neg: return map3(x, y, g, dx, n, [](B, B, B gv) { return -gv; });
    case Unary::Exp: return map3(x, y, g, dx, n, [](B, B yv, B gv) { return gv * yv; });
    case Unary::Log: return map3(x, y, g, dx, n, [&](B xv, B, B gv) { return gv * (one / xv); });
    case Unary::Sqrt:
      return map3(x, y, g, dx, n, [&](B, B yv, B gv) { return gv * (B(0.5f) / yv); });
    case Unary::Abs:
      return map3(x, y, g, dx, n, [&](B xv, B, B gv) {
        return gv * xsimd::select(xv > zero, one, xsimd::select(xv < zero, -one, zero));
      });
    case Unary::Sigmoid:
      return map3(x, y, g, dx, n, [&](B, B yv, B gv) { return gv * (yv * (one - yv)); });
    case Unary::Tanh:
      return map3(x, y, g, dx, n, [&](B, B yv, B gv) { return gv * (one - yv * yv); });
    case Unary::Relu:
      return map3(x, y, g, dx, n,
                  [&](B xv, B, B gv) { return gv * xsimd::select(xv > zero, one, zero); });
    case Unary::LeakyRelu:
      return map3(x, y, g, dx, n,
                  [&](B xv, B, B gv) { return gv * xsimd::select(xv > zero, one, vp); });
    case Unary::Pow:
      if (p == 0.f) return map3(x, y, g, dx, n, [&](B, B, B gv) { return gv * zero; });
      return map3(x, y, g, dx, n,
                  [&](B xv, B, B gv) { return gv * (vp * xsimd::pow(xv, B(p - 1.f))); });
    case Unary::Sin: return map3(x, y, g, dx, n, [](B xv, B, B gv) { return gv * xsimd::cos(xv); });
    case Unary::Cos: return map3(x, y, g, dx, n, [](B xv, B, B gv) { return -(gv * xsimd::sin(xv)); });
    case Unary::Tan:
      return map3(x, y, g, dx, n, [&](B, B yv, B gv) { return gv * (one + yv * yv); });
  }
}

void accumulate(const float* x, float* y, size_t n) {
  size_t i = 0;
  for (; i + W <= n; i += W)
    (B::load_unaligned(y + i) + B::load_unaligned(x + i)).store_unaligned(y + i);
  for (; i < n; ++i) y[i] += x[i];
}

void scale(const float* x, float a, float* y, size_t n) {
  const B va(a);
  map1(x, y, n, [&](B v) { return va * v; });
}

float sum(const float* x, size_t n) {
  B acc0(0.f), acc1(0.f);
  size_t i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    acc0 += B::load_unaligned(x + i);
    acc1 += B::load_unaligned(x + i + W);
  }
  for (; i + W <= n; i += W) acc0 += B::load_unaligned(x + i);
  float s = xsimd::hadd(acc0 + acc1);
  for (; i < n; ++i) s += x[i];
  return s;
}

float max(const float* x, size_t n) {
  B m(x[0]);
  auto nan = m != m;
  size_t i = 0;
  for (; i + W <= n; i += W) {
    const B v = B::load_unaligned(x + i);
    nan = nan | (v != v);
    m = xsimd::max(m, v);
  }
  if (xsimd::any(nan)) return std::numeric_limits<float>::quiet_NaN();
  alignas(64) float lanes[W];
  m.store_aligned(lanes);
  float r = lanes[0];
  for (size_t l = 1; l < W; ++l) r = lanes[l] > r ? lanes[l] : r;
  for (; i < n; ++i) {
    if (x[i] != x[i]) return x[i];
    r = x[i] > r ? x[i] : r;
  }
  return r;
}

void softmax(const float* x, float* y, size_t n) {
  const B m(max(x, n));
  B acc(0.f);
  // exp(x - m) with the tail padded by -inf (exp gives 0 there, so the sum is unchanged).
  map1(x, y, n, [&](B v) { B e = xsimd::exp(v - m); acc += e; return e; },
       -std::numeric_limits<float>::infinity());
  scale(y, 1.f / xsimd::hadd(acc), y, n);
}

void log_softmax(const float* x, float* y, size_t n) {
  const float mf = max(x, n);
  const B m(mf);
  B acc(0.f);
  map1(x, y, n, [&](B v) { acc += xsimd::exp(v - m); return v - m; },
       -std::numeric_limits<float>::infinity());
  const B ls(std::log(xsimd::hadd(acc)));
  map1(y, y, n, [&](B v) { return v - ls; });
}

// ---- gemm ---------------------------------------------------------------------------------------
// B is packed into panels of 8 columns (K x 8, zero-padded), then 4x8 tiles of C are computed
// with 8 accumulators (4 rows x 2 batches): 2 loads of B and 4 broadcasts of A per k.
// Every C[i,j] sums A[i,k] * B[k,j] for k = 0, 1, ... in order, as the scalar twin does.

namespace {
constexpr size_t NR = 2 * W;  // columns per panel

template <size_t MR>
inline void tile(size_t K, const float* A, size_t lda, const float* Bp, float* C, size_t ldc,
                 size_t ncols) {
  B acc[MR][2];
  for (size_t r = 0; r < MR; ++r) acc[r][0] = acc[r][1] = B(0.f);
  for (size_t k = 0; k < K; ++k) {
    const B b0 = B::load_aligned(Bp + k * NR);
    const B b1 = B::load_aligned(Bp + k * NR + W);
    for (size_t r = 0; r < MR; ++r) {
      const B a(A[r * lda + k]);
      acc[r][0] += a * b0;
      acc[r][1] += a * b1;
    }
  }
  for (size_t r = 0; r < MR; ++r) {
    if (ncols == NR) {
      acc[r][0].store_unaligned(C + r * ldc);
      acc[r][1].store_unaligned(C + r * ldc + W);
    } else {
      alignas(64) float t[NR];
      acc[r][0].store_aligned(t);
      acc[r][1].store_aligned(t + W);
      std::memcpy(C + r * ldc, t, ncols * sizeof(float));
    }
  }
}
}  // namespace

void gemm(size_t M, size_t N, size_t K, const float* A, const float* Bm, float* C) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    std::fill_n(C, M * N, 0.f);
    return;
  }
  // One packed panel on the stack when small, else on the heap (K x 8 floats).
  constexpr size_t kStackK = 512;
  alignas(64) float stack_panel[kStackK * NR];
  float* heap_panel = K > kStackK ? static_cast<float*>(::operator new(
                                        K * NR * sizeof(float), std::align_val_t{64}))
                                  : nullptr;
  float* Bp = heap_panel ? heap_panel : stack_panel;
  for (size_t j = 0; j < N; j += NR) {
    const size_t nc = std::min(NR, N - j);
    for (size_t k = 0; k < K; ++k) {
      const float* src = Bm + k * N + j;
      float* dst = Bp + k * NR;
      size_t c = 0;
      for (; c < nc; ++c) dst[c] = src[c];
      for (; c < NR; ++c) dst[c] = 0.f;
    }
    size_t i = 0;
    for (; i + 4 <= M; i += 4) tile<4>(K, A + i * K, K, Bp, C + i * N + j, N, nc);
    switch (M - i) {
      case 3: tile<3>(K, A + i * K, K, Bp, C + i * N + j, N, nc); break;
      case 2: tile<2>(K, A + i * K, K, Bp, C + i * N + j, N, nc); break;
      case 1: tile<1>(K, A + i * K, K, Bp, C + i * N + j, N, nc); break;
      default: break;
    }
  }
  if (heap_panel) ::operator delete(heap_panel, std::align_val_t{64});
}

}  // namespace pg::kernels::simd
