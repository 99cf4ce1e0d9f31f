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

// ---- gemm ----------------------------------------------------------------------------------------
// Both operands are packed once per call into a scratch buffer: B into panels of NR = 2W columns
// (K x NR, zero-padded) and A into tiles of 4 rows (K x 4, k-major, zero-padded), so the inner
// loop reads both with fixed offsets from two pointers. Then, panel by panel (the panel stays in
// L1), every 4 x NR tile of C is computed with 8 accumulators (4 rows x 2 batches): per k, 2 loads
// of B, 4 broadcast loads of A, 8 multiplies and 8 adds. V8 keeps about 15 SIMD registers, so
// 4 x 8 is the largest tile that does not spill in wasm.
// Every C[i,j] sums A[i,k] * B[k,j] for k = 0, 1, ... in order, starting from 0, with a separate
// multiply and add (no FMA), exactly as the scalar twin does: the results are bit-identical.

namespace {
constexpr size_t NR = 2 * W;  // columns per panel
constexpr size_t MR = 4;      // rows per tile

// A scratch buffer that grows as needed and is kept between calls (no allocation per call).
float* scratch(size_t n) {
  struct Buf {
    float* p = nullptr;
    size_t cap = 0;
    ~Buf() { ::operator delete(p, std::align_val_t{64}); }
  };
  thread_local Buf buf;
  if (n > buf.cap) {
    float* p = static_cast<float*>(::operator new(n * sizeof(float), std::align_val_t{64}));
    ::operator delete(buf.p, std::align_val_t{64});
    buf.p = p;
    buf.cap = n;
  }
  return buf.p;
}

// C[0..rows, 0..ncols) = Ap (K x 4) * Bp (K x NR); rows <= 4, ncols <= NR.
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
inline void gemm_tile(size_t K, const float* Ap, const float* Bp, float* C, size_t ldc,
                      size_t rows, size_t ncols) {
  B c00(0.f), c01(0.f), c10(0.f), c11(0.f), c20(0.f), c21(0.f), c30(0.f), c31(0.f);
  for (size_t k = 0; k < K; ++k, Ap += MR, Bp += NR) {
    const B b0 = B::load_aligned(Bp), b1 = B::load_aligned(Bp + W);
    B a(Ap[0]);
    c00 += a * b0;
    c01 += a * b1;
    a = B(Ap[1]);
    c10 += a * b0;
    c11 += a * b1;
    a = B(Ap[2]);
    c20 += a * b0;
    c21 += a * b1;
    a = B(Ap[3]);
    c30 += a * b0;
    c31 += a * b1;
  }
  if (rows == MR && ncols == NR) {
    c00.store_unaligned(C), c01.store_unaligned(C + W);
    c10.store_unaligned(C + ldc), c11.store_unaligned(C + ldc + W);
    c20.store_unaligned(C + 2 * ldc), c21.store_unaligned(C + 2 * ldc + W);
    c30.store_unaligned(C + 3 * ldc), c31.store_unaligned(C + 3 * ldc + W);
    return;
  }
  alignas(64) float t[MR][NR];
  c00.store_aligned(t[0]), c01.store_aligned(t[0] + W);
  c10.store_aligned(t[1]), c11.store_aligned(t[1] + W);
  c20.store_aligned(t[2]), c21.store_aligned(t[2] + W);
  c30.store_aligned(t[3]), c31.store_aligned(t[3] + W);
  for (size_t r = 0; r < rows; ++r) std::memcpy(C + r * ldc, t[r], ncols * sizeof(float));
}
}  // namespace

void gemm(size_t M, size_t N, size_t K, const float* A, const float* Bm, float* C) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    std::fill_n(C, M * N, 0.f);
    return;
  }
  const size_t panels = (N + NR - 1) / NR, tiles = (M + MR - 1) / MR;
  float* Bp = scratch(panels * K * NR + tiles * K * MR);
  float* Ap = Bp + panels * K * NR;
  // Bp[p][k][c] = B[k, p*NR + c] (0 past column N).
  for (size_t p = 0; p < panels; ++p) {
    const size_t j = p * NR, nc = std::min(NR, N - j);
    float* dst = Bp + p * K * NR;
    for (size_t k = 0; k < K; ++k, dst += NR) {
      const float* src = Bm + k * N + j;
      size_t c = 0;
      for (; c < nc; ++c) dst[c] = src[c];
      for (; c < NR; ++c) dst[c] = 0.f;
    }
  }
  // Ap[t][k][r] = A[t*MR + r, k] (0 past row M).
  for (size_t t = 0; t < tiles; ++t) {
    const size_t i = t * MR, nr = std::min(MR, M - i);
    float* dst = Ap + t * K * MR;
    for (size_t r = 0; r < MR; ++r) {
      const float* src = A + (i + r) * K;
      for (size_t k = 0; k < K; ++k) dst[k * MR + r] = r < nr ? src[k] : 0.f;
    }
  }
  for (size_t p = 0; p < panels; ++p) {
    const size_t j = p * NR, nc = std::min(NR, N - j);
    for (size_t t = 0; t < tiles; ++t) {
      const size_t i = t * MR;
      gemm_tile(K, Ap + t * K * MR, Bp + p * K * NR, C + i * N + j, N, std::min(MR, M - i), nc);
    }
  }
}

}  // namespace pg::kernels::simd
