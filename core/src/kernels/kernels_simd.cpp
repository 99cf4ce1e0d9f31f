// SIMD kernels written with xsimd. Natively they compile to SSE4.1; in the wasm build
// (-msimd128 -msse4.1) Emscripten maps the same intrinsics to WebAssembly SIMD128, so both
// builds run the same 4-lane code and round the same way. Each has a twin in kernels_scalar.cpp.
// The exp behind softmax, log_softmax and unary Exp uses wasm_simd128.h directly in the wasm
// build (V, below: pmax/pmin and an integer shift, which xsimd's SSE path emulates slowly there)
// and the same operations in the same order through xsimd natively.
#include <xmmintrin.h>
#include <xsimd/xsimd.hpp>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "playgrad/kernels/conv.h"
#include "playgrad/kernels/kernels.h"
#include "playgrad/parallel.h"

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

// xsimd 8.1 reduces sin/cos/tan arguments beyond 64*pi with code that left-shifts negative
// integers (undefined behaviour, found by fuzz_expr). Lanes that large, and NaN, take the scalar
// libm function instead; the other lanes stay on the SIMD path (each lane's result depends only
// on its own value).
template <class F, class S>
inline B trig(B v, F simd_fn, S scalar_fn) {
  constexpr float kMax = 200.f;  // below xsimd's "mediumpi" (64*pi ~ 201.06) reduction limit
  const auto big = (xsimd::abs(v) > B(kMax)) | (v != v);
  if (!xsimd::any(big)) return simd_fn(v);
  alignas(64) float in[W], out[W];
  v.store_aligned(in);
  simd_fn(xsimd::select(big, B(0.f), v)).store_aligned(out);
  for (size_t l = 0; l < W; ++l)
    if (!(std::fabs(in[l]) <= kMax)) out[l] = scalar_fn(in[l]);
  return B::load_aligned(out);
}
inline B sin_(B v) {
  return trig(v, [](B u) { return xsimd::sin(u); }, [](float a) { return std::sin(a); });
}
inline B cos_(B v) {
  return trig(v, [](B u) { return xsimd::cos(u); }, [](float a) { return std::cos(a); });
}
inline B tan_(B v) {
  return trig(v, [](B u) { return xsimd::tan(u); }, [](float a) { return std::tan(a); });
}

// Calls use(f) with f(v) = v^p. The exponents PyTorch computes exactly (its pow kernel's special
// cases) are multiplies, a reciprocal or a square root, as in the scalar twin; any other p is
// xsimd::pow. The choice is made once per call, not per vector.
template <class Use>
inline void with_pow(float p, Use use) {
  const B one(1.f);
  if (p == 0.f) return use([one](B) { return one; });
  if (p == 1.f) return use([](B v) { return v; });
  if (p == 2.f) return use([](B v) { return v * v; });
  if (p == 3.f) return use([](B v) { return v * v * v; });
  if (p == 0.5f) return use([](B v) { return xsimd::sqrt(v); });
  if (p == -0.5f) return use([one](B v) { return one / xsimd::sqrt(v); });
  if (p == -1.f) return use([one](B v) { return one / v; });
  if (p == -2.f) return use([one](B v) { return one / (v * v); });
  const B vp(p);
  return use([vp](B v) { return xsimd::pow(v, vp); });
}

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

static void binary_range(Binary op, const float* a, size_t sa, const float* b, size_t sb, float* y,
                         size_t n) {
  switch (op) {
    case Binary::Add: return binary_impl(a, sa, b, sb, y, n, [](B u, B v) { return u + v; });
    case Binary::Sub: return binary_impl(a, sa, b, sb, y, n, [](B u, B v) { return u - v; });
    case Binary::Mul: return binary_impl(a, sa, b, sb, y, n, [](B u, B v) { return u * v; });
    case Binary::Div: return binary_impl(a, sa, b, sb, y, n, [](B u, B v) { return u / v; });
  }
}

// With softmax's exp, below: e^x, the logistic sigmoid and tanh on the same polynomial.
static void exp_all(const float* x, float* y, size_t n);
static void sigmoid_all(const float* x, float* y, size_t n);
static void tanh_all(const float* x, float* y, size_t n);

static void unary_range(Unary op, const float* x, float* y, size_t n, float p) {
  const B zero(0.f), vp(p);
  switch (op) {
    case Unary::Neg: return map1(x, y, n, [](B v) { return -v; });
    case Unary::Exp: return exp_all(x, y, n);
    case Unary::Log: return map1(x, y, n, [](B v) { return xsimd::log(v); }, 1.f);
    case Unary::Sqrt: return map1(x, y, n, [](B v) { return xsimd::sqrt(v); });
    case Unary::Abs: return map1(x, y, n, [](B v) { return xsimd::abs(v); });
    case Unary::Sigmoid: return sigmoid_all(x, y, n);
    case Unary::Tanh: return tanh_all(x, y, n);
    case Unary::Relu:
      return map1(x, y, n, [&](B v) { return xsimd::select(v > zero, v, zero); });
    case Unary::LeakyRelu:
      return map1(x, y, n, [&](B v) { return xsimd::select(v > zero, v, vp * v); });
    case Unary::Pow: return with_pow(p, [&](auto f) { map1(x, y, n, f, 1.f); });
    case Unary::Sin: return map1(x, y, n, [](B v) { return sin_(v); });
    case Unary::Cos: return map1(x, y, n, [](B v) { return cos_(v); });
    case Unary::Tan: return map1(x, y, n, [](B v) { return tan_(v); });
  }
}

static void unary_backward_range(Unary op, const float* x, const float* y, const float* g, float* dx,
                                 size_t n, float p) {
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
      return with_pow(p - 1.f, [&](auto f) {
        map3(x, y, g, dx, n, [&](B xv, B, B gv) { return gv * (vp * f(xv)); });
      });
    case Unary::Sin: return map3(x, y, g, dx, n, [](B xv, B, B gv) { return gv * cos_(xv); });
    case Unary::Cos: return map3(x, y, g, dx, n, [](B xv, B, B gv) { return -(gv * sin_(xv)); });
    case Unary::Tan:
      return map3(x, y, g, dx, n, [&](B, B yv, B gv) { return gv * (one + yv * yv); });
  }
}

static void accumulate_range(const float* x, float* y, size_t n) {
  size_t i = 0;
  for (; i + W <= n; i += W)
    (B::load_unaligned(y + i) + B::load_unaligned(x + i)).store_unaligned(y + i);
  for (; i < n; ++i) y[i] += x[i];
}

// The elementwise kernels over the pool (playgrad/parallel.h): f(begin, end) on parts of [0, n)
// when n is large (an element counts as 4 multiply-adds). Parts start at multiples of 16
// elements (a cache line): every element is computed by the same vector code as in one call (the
// padded tail is the same last n % W elements), and no two parts write one line.
template <class F>
static void split(size_t n, F f) {
  // Below one chunk's work (chunks_for), at once: a broadcast calls these once per short row.
  if (n < (size_t(1) << 16)) return f(size_t(0), n);
  parallel::for_range(n, 4.0 * double(n), 16, f);
}

void binary(Binary op, const float* a, size_t sa, const float* b, size_t sb, float* y, size_t n) {
  split(n, [&](size_t i, size_t e) { binary_range(op, a + i * sa, sa, b + i * sb, sb, y + i, e - i); });
}
void unary(Unary op, const float* x, float* y, size_t n, float p) {
  split(n, [&](size_t i, size_t e) { unary_range(op, x + i, y + i, e - i, p); });
}
void unary_backward(Unary op, const float* x, const float* y, const float* g, float* dx, size_t n,
                    float p) {
  split(n, [&](size_t i, size_t e) { unary_backward_range(op, x + i, y + i, g + i, dx + i, e - i, p); });
}
void accumulate(const float* x, float* y, size_t n) {
  split(n, [&](size_t i, size_t e) { accumulate_range(x + i, y + i, e - i); });
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

// Columns in blocks of 4 batches held in registers down all the rows (a bias gradient sums
// thousands of rows of 8 or 16 floats: one pass, no call per row); each column is added in row
// order from 0, lane by lane, as the scalar twin does.
void sum_rows(const float* x, size_t rows, size_t n, float* y) {
  size_t j = 0;
  for (; j + 4 * W <= n; j += 4 * W) {
    B a0(0.f), a1(0.f), a2(0.f), a3(0.f);
    for (size_t r = 0; r < rows; ++r) {
      const float* p = x + r * n + j;
      a0 += B::load_unaligned(p);
      a1 += B::load_unaligned(p + W);
      a2 += B::load_unaligned(p + 2 * W);
      a3 += B::load_unaligned(p + 3 * W);
    }
    a0.store_unaligned(y + j);
    a1.store_unaligned(y + j + W);
    a2.store_unaligned(y + j + 2 * W);
    a3.store_unaligned(y + j + 3 * W);
  }
  // Two batches in one pass (8 channels: the first convolution of most lessons): two chains of
  // dependent adds in flight instead of one after the other.
  for (; j + 2 * W <= n; j += 2 * W) {
    B a0(0.f), a1(0.f);
    for (size_t r = 0; r < rows; ++r) {
      a0 += B::load_unaligned(x + r * n + j);
      a1 += B::load_unaligned(x + r * n + j + W);
    }
    a0.store_unaligned(y + j);
    a1.store_unaligned(y + j + W);
  }
  for (; j + W <= n; j += W) {
    B a(0.f);
    for (size_t r = 0; r < rows; ++r) a += B::load_unaligned(x + r * n + j);
    a.store_unaligned(y + j);
  }
  for (; j < n; ++j) {
    float s = 0.f;
    for (size_t r = 0; r < rows; ++r) s += x[r * n + j];
    y[j] = s;
  }
}

// Four parameters per batch, each operation the scalar twin's (std::max(a, b) is a < b ? b : a);
// the tail through the same batch code on copies padded with zeros (sqrt(0) / c + eps > 0).
void adam(const AdamStep& s, float* w, const float* g, float* m, float* v, float* vmax, size_t n) {
  const B b1(s.b1), b1c(s.b1c), b2(s.b2), b2c(s.b2c), eps(s.eps), step(s.step_size),
      bc2(s.bc2_sqrt), kstep(s.keras_step), decay(s.decay), wd(s.wd);
  const auto batch = [&](float* wp, const float* gp, float* mp, float* vp, float* xp) {
    B wi = B::load_unaligned(wp), d = B::load_unaligned(gp);
    if (s.decoupled) wi = wi * decay;
    else if (s.wd != 0.f) d = d + wd * wi;
    const B mi = b1 * B::load_unaligned(mp) + b1c * d;
    const B vi = b2 * B::load_unaligned(vp) + b2c * d * d;
    B vv = vi;
    if (xp) {
      const B old = B::load_unaligned(xp);
      vv = xsimd::select(old < vi, vi, old);
      vv.store_unaligned(xp);
    }
    if (s.keras_eps) wi = wi - kstep * mi / (xsimd::sqrt(vv) + eps);
    else wi = wi - step * mi / (xsimd::sqrt(vv) / bc2 + eps);
    wi.store_unaligned(wp);
    mi.store_unaligned(mp);
    vi.store_unaligned(vp);
  };
  size_t i = 0;
  for (; i + W <= n; i += W) batch(w + i, g + i, m + i, v + i, vmax ? vmax + i : nullptr);
  if (i < n) {
    alignas(64) float tw[W] = {}, tg[W] = {}, tm[W] = {}, tv[W] = {}, tx[W] = {};
    const size_t r = n - i;
    std::copy_n(w + i, r, tw), std::copy_n(g + i, r, tg), std::copy_n(m + i, r, tm),
        std::copy_n(v + i, r, tv);
    if (vmax) std::copy_n(vmax + i, r, tx);
    batch(tw, tg, tm, tv, vmax ? tx : nullptr);
    std::copy_n(tw, r, w + i), std::copy_n(tm, r, m + i), std::copy_n(tv, r, v + i);
    if (vmax) std::copy_n(tx, r, vmax + i);
  }
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

// ---- softmax and log_softmax ---------------------------------------------------------------------
// Three passes over a row (it stays in L1): the max, then exp(x - max) stored and summed, then a
// scale by 1 / sum; softmax_rows runs them pipelined across rows, one sweep per row. exp is a polynomial (below); V is a 4-lane vector written with wasm_simd128.h
// in the wasm build (where xsimd's SSE emulation of max and of float->int is slow: see pmax) and
// with xsimd natively; both run the same operations in the same order, so the two builds give
// the same numbers.

namespace {
#ifdef __wasm_simd128__
struct V {
  v128_t v;
};
constexpr size_t VW = 4;
inline V vsplat(float a) { return {wasm_f32x4_splat(a)}; }
inline V vload(const float* p) { return {wasm_v128_load(p)}; }
inline void vstore(float* p, V a) { wasm_v128_store(p, a.v); }
inline V operator+(V a, V b) { return {wasm_f32x4_add(a.v, b.v)}; }
inline V operator-(V a, V b) { return {wasm_f32x4_sub(a.v, b.v)}; }
inline V operator*(V a, V b) { return {wasm_f32x4_mul(a.v, b.v)}; }
inline V operator/(V a, V b) { return {wasm_f32x4_div(a.v, b.v)}; }
inline V vabs(V a) { return {wasm_f32x4_abs(a.v)}; }
inline V vneg(V a) { return {wasm_f32x4_neg(a.v)}; }
// |a| with the sign bit of b
inline V vcopysign(V a, V b) {
  return {wasm_v128_or(wasm_v128_and(a.v, wasm_i32x4_splat(0x7fffffff)), wasm_v128_and(b.v, wasm_i32x4_splat(int32_t(0x80000000u))))};
}
// pmax(a, b) = a < b ? b : a: one x86 instruction in V8, where f32x4.max (IEEE NaN and -0 rules)
// costs about eight. A NaN b is skipped; a NaN a is kept.
inline V vpmax(V a, V b) { return {wasm_f32x4_pmax(a.v, b.v)}; }
// 2^k from the low bits of a magic-biased float: reinterpret(bits(a) << 23).
inline V vshl23(V a) { return {wasm_i32x4_shl(a.v, 23)}; }
// pmin(a, b) = b < a ? b : a (a NaN a is kept).
inline V vpmin(V a, V b) { return {wasm_f32x4_pmin(a.v, b.v)}; }
inline bool any_gt(V a, V b) { return wasm_v128_any_true(wasm_f32x4_gt(a.v, b.v)); }
// a > b ? c : d, lane by lane
inline V select_gt(V a, V b, V c, V d) { return {wasm_v128_bitselect(c.v, d.v, wasm_f32x4_gt(a.v, b.v))}; }
#else
using V = B;
constexpr size_t VW = W;
inline V vsplat(float a) { return V(a); }
inline V vload(const float* p) { return V::load_unaligned(p); }
inline void vstore(float* p, V a) { a.store_unaligned(p); }
inline V vpmax(V a, V b) { return xsimd::select(a < b, b, a); }
inline V vshl23(V a) {
  return xsimd::bitwise_cast<B>(xsimd::bitwise_cast<xsimd::batch<int32_t>>(a) << 23);
}
inline V vpmin(V a, V b) { return xsimd::select(b < a, b, a); }
inline V vabs(V a) { return xsimd::abs(a); }
inline V vneg(V a) { return -a; }
inline V vcopysign(V a, V b) { return xsimd::copysign(a, b); }
inline bool any_gt(V a, V b) { return xsimd::any(a > b); }
inline V select_gt(V a, V b, V c, V d) { return xsimd::select(a > b, c, d); }
#endif

// The constants of expm (below), loaded once per call through a volatile read: compile-time
// constants would be re-materialized by LLVM inside the loop as v128.const, which V8 builds
// from immediates with four instructions each time.
struct ExpConsts {
  float log2e, magic, minus_ln2_hi, minus_ln2_lo, c5, c4, c3, c2, c1, lo;
};
volatile ExpConsts kExp = {
    0x1.715476p+0f,    // log2(e)
    0x1.8000FEp23f,    // 1.5 * 2^23 + 127: rounds to an integer and adds the exponent bias
    -0x1.62E400p-1f,   // -ln2, high part: few mantissa bits, so n * hi is exact for |n| < 2^9
    -0x1.7F7D1Cp-20f,  // -ln2, low part: hi + lo = -ln 2 to ~2^-45
    0x1.0F9F9Cp-7f,    // minimax coefficients of (e^r - 1) / r on [-ln2/2, ln2/2] (XNNPACK's
    0x1.573A1Ap-5f,    // rr2_p5 set)
    0x1.555A80p-3f,
    0x1.FFFDC6p-2f,
    0x1.FFFFF6p-1f,
    -0x1.5FE56Ap+6f,  // -87.97: the clamp (see expm_v)
};

struct ExpV {
  V log2e, magic, hi, lo, c5, c4, c3, c2, c1, clamp;
  ExpV()
      : log2e(vsplat(kExp.log2e)), magic(vsplat(kExp.magic)), hi(vsplat(kExp.minus_ln2_hi)),
        lo(vsplat(kExp.minus_ln2_lo)), c5(vsplat(kExp.c5)), c4(vsplat(kExp.c4)),
        c3(vsplat(kExp.c3)), c2(vsplat(kExp.c2)), c1(vsplat(kExp.c1)), clamp(vsplat(kExp.lo)) {}
};

// e^t for t <= 0 (softmax's x - max), NaN for NaN:
//   t = max(t, -87.97)                     (pmax keeps a NaN t; keeps n >= -127, no wrap-around)
//   n = round(t / ln2)                     via the magic bias: (t*log2e + magic) - magic
//   s = 2^n                                bits(t*log2e + magic) << 23; +0 when n = -127
//   r = t - n ln2                          in two steps (Cody-Waite), |r| <= ln2/2
//   e^t = s (1 + r p(r)),  p(r) = c1 + c2 r + c3 r^2 + c4 r^3 + c5 r^4
// Results below 2^-126 lose precision gradually (s = 2^-126 times a subnormal product) and
// t < -87.68 gives +0 (n rounds to -127; e^t < 8.6e-39 there). 17 floating-point operations
// and a shift per 4 values. Error against exp in double: 2.21 ulps at most over [-110, 0] for
// normal results (test_kernels.cpp checks <= 2.5).
inline V expm_core(V t, const ExpV& k, V magic) {
  V n = t * k.log2e + magic;
  const V s = vshl23(n);
  n = n - magic;
  V r = t + n * k.hi;
  r = r + n * k.lo;
  V p = k.c5 * r + k.c4;
  p = p * r + k.c3;
  p = p * r + k.c2;
  p = p * r + k.c1;
  r = r * s;
  return r * p + s;
}
inline V expm_v(V t, const ExpV& k) { return expm_core(vpmax(t, k.clamp), k, k.magic); }

// Sum of the lanes, in lane order.
inline float lanes_sum(V a) {
  alignas(64) float l[VW];
  vstore(l, a);
  float s = l[0];
  for (size_t i = 1; i < VW; ++i) s += l[i];
  return s;
}

// max of x[0..n), n >= 1, with pmax's rule: a NaN may or may not win, but then exp(x - max) has
// a NaN anyway and the whole row becomes NaN, as in the scalar twin.
inline float row_max(const float* x, size_t n) {
  V m0 = vsplat(x[0]), m1 = m0, m2 = m0, m3 = m0;
  size_t i = 0;
  for (; i + 4 * VW <= n; i += 4 * VW) {
    m0 = vpmax(m0, vload(x + i));
    m1 = vpmax(m1, vload(x + i + VW));
    m2 = vpmax(m2, vload(x + i + 2 * VW));
    m3 = vpmax(m3, vload(x + i + 3 * VW));
  }
  for (; i + VW <= n; i += VW) m0 = vpmax(m0, vload(x + i));
  m0 = vpmax(vpmax(m0, m1), vpmax(m2, m3));
  alignas(64) float l[VW];
  vstore(l, m0);
  float m = l[0];
  for (size_t j = 1; j < VW; ++j) m = m < l[j] ? l[j] : m;
  for (; i < n; ++i) m = m < x[i] ? x[i] : m;
  return m;
}

// Returns sum of e^(x - m); stores the terms in y when Store. The tail is padded with -inf
// (e^-inf = 0), so every element goes through the same vector code.
template <bool Store>
float exp_sum(const float* x, float* y, size_t n, float mf) {
  const ExpV k;
  const V m = vsplat(mf);
  V s0 = vsplat(0.f), s1 = s0, s2 = s0, s3 = s0;
  size_t i = 0;
  // 4 vectors per iteration: enough independent work to hide the latency of the ~20-deep chain.
  for (; i + 4 * VW <= n; i += 4 * VW) {
    const V e0 = expm_v(vload(x + i) - m, k), e1 = expm_v(vload(x + i + VW) - m, k);
    const V e2 = expm_v(vload(x + i + 2 * VW) - m, k), e3 = expm_v(vload(x + i + 3 * VW) - m, k);
    if (Store) {
      vstore(y + i, e0), vstore(y + i + VW, e1);
      vstore(y + i + 2 * VW, e2), vstore(y + i + 3 * VW, e3);
    }
    s0 = s0 + e0;
    s1 = s1 + e1;
    s2 = s2 + e2;
    s3 = s3 + e3;
  }
  for (; i + VW <= n; i += VW) {
    const V e = expm_v(vload(x + i) - m, k);
    if (Store) vstore(y + i, e);
    s0 = s0 + e;
  }
  if (i < n) {
    float t[VW];
    const size_t c = n - i;
    for (size_t j = 0; j < VW; ++j) t[j] = j < c ? x[i + j] : -std::numeric_limits<float>::infinity();
    const V e = expm_v(vload(t) - m, k);
    vstore(t, e);
    if (Store)
      for (size_t j = 0; j < c; ++j) y[i + j] = t[j];
    s0 = s0 + e;
  }
  return lanes_sum((s0 + s1) + (s2 + s3));
}
}  // namespace

void expm(const float* x, float* y, size_t n) {
  const ExpV k;
  size_t i = 0;
  for (; i + VW <= n; i += VW) vstore(y + i, expm_v(vload(x + i), k));
  if (i < n) {
    alignas(64) float t[VW] = {};
    std::memcpy(t, x + i, (n - i) * sizeof(float));
    vstore(t, expm_v(vload(t), k));
    std::memcpy(y + i, t, (n - i) * sizeof(float));
  }
}

// e^x for every x: expm_v where x <= 88.37 (there 2^n <= 2^127 stays finite; below -87.68 it
// gives +0, as expm_v). Lanes above (computed only when a vector has one) take the same
// polynomial with 2^(n-1) (magic bias 126) and a final exact * 2, after clamping x to 89 (so n
// stays <= 128): finite up to 88.72, +inf above. A lane's value depends on its own x only.
static void exp_all(const float* x, float* y, size_t n) {
  const ExpV k;
  const V hi = vsplat(88.37f);
  auto f = [&](const float* px, float* py) {
    const V v = vload(px);
    V e = expm_v(v, k);
    if (any_gt(v, hi)) {
      const V big = expm_core(vpmin(v, vsplat(89.f)), k, vsplat(0x1.8000FCp23f)) * vsplat(2.f);
      e = select_gt(v, hi, big, e);
    }
    vstore(py, e);
  };
  size_t i = 0;
  for (; i + VW <= n; i += VW) f(x + i, y + i);
  if (i < n) {
    float t[VW] = {};
    for (size_t j = 0; j < n - i; ++j) t[j] = x[i + j];
    f(t, t);
    for (size_t j = 0; j < n - i; ++j) y[i + j] = t[j];
  }
}

// Applies a 4-lane function to x[0..n) into y, the tail padded with zeros.
template <class F>
inline void map_v(const float* x, float* y, size_t n, F f) {
  size_t i = 0;
  for (; i + VW <= n; i += VW) vstore(y + i, f(vload(x + i)));
  if (i < n) {
    alignas(64) float t[VW] = {};
    std::memcpy(t, x + i, (n - i) * sizeof(float));
    vstore(t, f(vload(t)));
    std::memcpy(y + i, t, (n - i) * sizeof(float));
  }
}

// σ(x) = 1 / (1 + e^-x) from e = e^-|x| (always <= 1, so nothing overflows): σ(|x|) = 1 / (1 + e)
// and σ(-|x|) = e / (1 + e), relative error a few ulps on both tails (the naive form loses
// σ(x) for x < -88, where e^-x overflows). NaN gives NaN.
static void sigmoid_all(const float* x, float* y, size_t n) {
  const ExpV k;
  const V one = vsplat(1.f), zero = vsplat(0.f);
  map_v(x, y, n, [&](V v) {
    const V e = expm_v(vneg(vabs(v)), k);
    const V d = one + e;
    return select_gt(v, zero, one / d, e / d);
  });
}

// tanh(x) = sign(x) · -m / (2 + m) with m = e^t - 1, t = -2|x|, m in (-1, 0]. m is computed
// without the cancellation of e - 1: with t = n ln2 + r (as in expm_core), e^t - 1 =
// (2^n - 1) + 2^n · (e^r - 1), where 2^n - 1 is exact and e^r - 1 = r + r² q(r) is a Taylor
// polynomial through r^7 (|r| <= ln2/2: truncation below 2e-8 relative). So for small |x| (n = 0)
// tanh keeps full relative precision (tanh(1e-6) = 1e-6, not a rounding of 1 - e). Past |x| = 44
// m = -1 and tanh = ±1; the sign (of -0 too) is x's. NaN gives NaN.
struct Expm1Consts {
  float c2, c3, c4, c5, c6, c7;
};
volatile Expm1Consts kExpm1 = {1.f / 2, 1.f / 6, 1.f / 24, 1.f / 120, 1.f / 720, 1.f / 5040};

static void tanh_all(const float* x, float* y, size_t n) {
  const ExpV k;
  const V c2 = vsplat(kExpm1.c2), c3 = vsplat(kExpm1.c3), c4 = vsplat(kExpm1.c4),
          c5 = vsplat(kExpm1.c5), c6 = vsplat(kExpm1.c6), c7 = vsplat(kExpm1.c7);
  const V one = vsplat(1.f), two = vsplat(2.f);
  map_v(x, y, n, [&](V v) {
    const V t = vpmax(vneg(two * vabs(v)), k.clamp);
    V q = t * k.log2e + k.magic;
    const V s = vshl23(q);
    q = q - k.magic;
    V r = t + q * k.hi;
    r = r + q * k.lo;
    V p = c7 * r + c6;
    p = p * r + c5;
    p = p * r + c4;
    p = p * r + c3;
    p = p * r + c2;
    const V em1 = r + (r * r) * p;
    const V m = (s - one) + s * em1;
    return vcopysign(vneg(m) / (two + m), v);
  });
}

namespace {
// One sweep over a row of softmax_rows (below), shape [n]: stores e = e^(x - m) in y and returns
// their sum, element for element and in the order exp_sum<true> would (so the numbers are the
// same). In the same loop, when Prev, it finishes the previous row (yp *= invp, that row's third
// pass) and, when Next, takes the next row's max (*mnext = row_max(xn, n), its first pass).
// The exp keeps the f32x4 adders busy (11 adds per 4 values); the scale's multiplies and the
// max's loads and pmax fit in around them, so a row costs one sweep instead of three.
template <bool Prev, bool Next>
float softmax_sweep(const float* x, float* y, size_t n, float mf, float* yp, float invp,
                    const float* xn, float* mnext) {
  const ExpV k;
  const V m = vsplat(mf), inv = vsplat(invp);
  V s0 = vsplat(0.f), s1 = s0, s2 = s0, s3 = s0;
  V mx0 = Next ? vsplat(xn[0]) : m, mx1 = mx0;
  size_t i = 0;
  for (; i + 4 * VW <= n; i += 4 * VW) {
    const V e0 = expm_v(vload(x + i) - m, k), e1 = expm_v(vload(x + i + VW) - m, k);
    const V e2 = expm_v(vload(x + i + 2 * VW) - m, k), e3 = expm_v(vload(x + i + 3 * VW) - m, k);
    vstore(y + i, e0), vstore(y + i + VW, e1);
    vstore(y + i + 2 * VW, e2), vstore(y + i + 3 * VW, e3);
    s0 = s0 + e0;
    s1 = s1 + e1;
    s2 = s2 + e2;
    s3 = s3 + e3;
    if (Prev) {
      vstore(yp + i, vload(yp + i) * inv), vstore(yp + i + VW, vload(yp + i + VW) * inv);
      vstore(yp + i + 2 * VW, vload(yp + i + 2 * VW) * inv);
      vstore(yp + i + 3 * VW, vload(yp + i + 3 * VW) * inv);
    }
    if (Next) {
      mx0 = vpmax(vpmax(mx0, vload(xn + i)), vload(xn + i + 2 * VW));
      mx1 = vpmax(vpmax(mx1, vload(xn + i + VW)), vload(xn + i + 3 * VW));
    }
  }
  for (; i + VW <= n; i += VW) {
    const V e = expm_v(vload(x + i) - m, k);
    vstore(y + i, e);
    s0 = s0 + e;
    if (Prev) vstore(yp + i, vload(yp + i) * inv);
    if (Next) mx0 = vpmax(mx0, vload(xn + i));
  }
  if (Next) {
    alignas(64) float l[VW];
    vstore(l, vpmax(mx0, mx1));
    float mm = l[0];
    for (size_t j = 1; j < VW; ++j) mm = mm < l[j] ? l[j] : mm;
    for (size_t j = i; j < n; ++j) mm = mm < xn[j] ? xn[j] : mm;
    *mnext = mm;
  }
  if (i < n) {
    float t[VW];
    const size_t c = n - i;
    for (size_t j = 0; j < VW; ++j) t[j] = j < c ? x[i + j] : -std::numeric_limits<float>::infinity();
    const V e = expm_v(vload(t) - m, k);
    vstore(t, e);
    for (size_t j = 0; j < c; ++j) y[i + j] = t[j];
    s0 = s0 + e;
    if (Prev)
      for (size_t j = i; j < n; ++j) yp[j] *= invp;
  }
  return lanes_sum((s0 + s1) + (s2 + s3));
}
}  // namespace

// Row r's three passes (max, exp and sum, scale by 1 / sum) run in three consecutive sweeps:
// sweep r takes row r+1's max, row r's exp and sum, and row r-1's scale (software pipelining
// across rows). Each row's numbers are those of the three-pass softmax of that row alone: the
// max does not depend on the order it is taken in (a NaN makes the row NaN either way), and the
// exp, the sum and the scale run element for element as in exp_sum<true>.
void softmax_rows(const float* x, float* y, size_t rows, size_t n) {
  if (rows == 0 || n == 0) return;
  float m = row_max(x, n), inv = 0.f;
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * n;
    float* yr = y + r * n;
    float* yp = r > 0 ? yr - n : nullptr;
    const float* xn = r + 1 < rows ? xr + n : nullptr;
    float mn = 0.f, s;
    if (yp)
      s = xn ? softmax_sweep<true, true>(xr, yr, n, m, yp, inv, xn, &mn)
             : softmax_sweep<true, false>(xr, yr, n, m, yp, inv, xn, &mn);
    else
      s = xn ? softmax_sweep<false, true>(xr, yr, n, m, yp, inv, xn, &mn)
             : softmax_sweep<false, false>(xr, yr, n, m, yp, inv, xn, &mn);
    inv = 1.f / s;
    m = mn;
  }
  float* yl = y + (rows - 1) * n;
  const V vinv = vsplat(inv);
  size_t i = 0;
  for (; i + VW <= n; i += VW) vstore(yl + i, vload(yl + i) * vinv);
  for (; i < n; ++i) yl[i] *= inv;
}

void softmax(const float* x, float* y, size_t n) { softmax_rows(x, y, 1, n); }

void log_softmax(const float* x, float* y, size_t n) {
  const float m = row_max(x, n);
  const float ls = std::log(exp_sum<false>(x, nullptr, n, m));
  // (x - m) - log s: no large m + log s to round
  const V vm = vsplat(m), vls = vsplat(ls);
  size_t i = 0;
  for (; i + VW <= n; i += VW) vstore(y + i, (vload(x + i) - vm) - vls);
  for (; i < n; ++i) y[i] = (x[i] - m) - ls;
}

// ---- gemm ----------------------------------------------------------------------------------------
// B is packed in panels of NR = 2W columns (K x NR each, zero-padded) into the caller's workspace
// (gemm_workspace). For each panel (it stays in L1), every 4 x NR tile of C is computed
// with 8 accumulators (4 rows x 2 batches): per k, 2 loads of B, 4 broadcast loads of A (in place;
// a last partial tile of fewer than 4 rows is packed and zero-padded), 8 multiplies and 8 adds. V8 keeps about 15 SIMD registers, so
// 4 x 8 is the largest tile that does not spill in wasm. A last panel of at most W columns runs a
// 4 x W tile (gemm_tile_narrow), so its zero half is not multiplied.
// Every C[i,j] sums A[i,k] * B[k,j] for k = 0, 1, ... in order, starting from 0, with a separate
// multiply and add (no FMA), exactly as the scalar twin does: the results are bit-identical.
// Large products split their tiles over the thread pool (playgrad/parallel.h) by rows of tiles or
// by panels, never along K: the same bits for any thread count.

namespace {
constexpr size_t NR = 2 * W;  // columns per panel
constexpr size_t MR = 4;      // rows per tile

// dst[k][c] = B[k, j + c] for k < K, c < NR (0 past column N): the panel of B [K, N] at column j,
// 16-byte aligned (gemm_tile loads it aligned).
inline void pack_panel(const float* Bm, size_t K, size_t N, size_t j, float* dst) {
  const size_t nc = std::min(NR, N - j);
  if (nc == NR) {
    for (size_t k = 0; k < K; ++k, dst += NR) {
      B::load_unaligned(Bm + k * N + j).store_aligned(dst);
      B::load_unaligned(Bm + k * N + j + W).store_aligned(dst + W);
    }
  } else {
    for (size_t k = 0; k < K; ++k, dst += NR) {
      const float* src = Bm + k * N + j;
      size_t c = 0;
      for (; c < nc; ++c) dst[c] = src[c];
      for (; c < NR; ++c) dst[c] = 0.f;
    }
  }
}

// C[0..rows, 0..ncols) = A (4 x K) * Bp (K x NR); rows <= 4, ncols <= NR.
// Packed: A element (r, k) at Ap[k * MR + r]; else at Ap[r * lda + k] (4 full rows of A).
template <bool Packed>
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
inline void gemm_tile(size_t K, const float* Ap, size_t lda, const float* Bp, float* C,
                      size_t ldc, size_t rows, size_t ncols) {
  B c00(0.f), c01(0.f), c10(0.f), c11(0.f), c20(0.f), c21(0.f), c30(0.f), c31(0.f);
  const float *a0 = Ap, *a1 = Ap + lda, *a2 = Ap + 2 * lda, *a3 = Ap + 3 * lda;
  for (size_t k = 0; k < K; ++k, Bp += NR) {
    const B b0 = B::load_aligned(Bp), b1 = B::load_aligned(Bp + W);
    B a(Packed ? Ap[0] : a0[k]);
    c00 += a * b0;
    c01 += a * b1;
    a = B(Packed ? Ap[1] : a1[k]);
    c10 += a * b0;
    c11 += a * b1;
    a = B(Packed ? Ap[2] : a2[k]);
    c20 += a * b0;
    c21 += a * b1;
    a = B(Packed ? Ap[3] : a3[k]);
    c30 += a * b0;
    c31 += a * b1;
    if (Packed) Ap += MR;
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

// gemm_tile for a last panel of at most W columns (N = 10 classes: 8 + 2): the same sums on one
// batch of columns, 4 accumulators, so the zero padding of the panel's second half is not
// multiplied (a dense layer's [32, 784] x [784, 10] runs 12 columns instead of 16). Each
// C[i,j] is the same sum in the same order as in gemm_tile.
template <bool Packed>
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
inline void gemm_tile_narrow(size_t K, const float* Ap, size_t lda, const float* Bp, float* C,
                             size_t ldc, size_t rows, size_t ncols) {
  B c0(0.f), c1(0.f), c2(0.f), c3(0.f);
  const float *a0 = Ap, *a1 = Ap + lda, *a2 = Ap + 2 * lda, *a3 = Ap + 3 * lda;
  for (size_t k = 0; k < K; ++k, Bp += NR) {
    const B b = B::load_aligned(Bp);
    c0 += B(Packed ? Ap[0] : a0[k]) * b;
    c1 += B(Packed ? Ap[1] : a1[k]) * b;
    c2 += B(Packed ? Ap[2] : a2[k]) * b;
    c3 += B(Packed ? Ap[3] : a3[k]) * b;
    if (Packed) Ap += MR;
  }
  alignas(64) float t[MR][W];
  c0.store_aligned(t[0]), c1.store_aligned(t[1]), c2.store_aligned(t[2]), c3.store_aligned(t[3]);
  for (size_t r = 0; r < rows; ++r) std::memcpy(C + r * ldc, t[r], ncols * sizeof(float));
}

// A tile of C against one packed panel: the narrow kernel when the panel has at most W columns.
template <bool Packed>
inline void gemm_panel_tile(size_t K, const float* Ap, size_t lda, const float* Bp, float* C,
                            size_t ldc, size_t rows, size_t ncols) {
  if (ncols <= W)
    gemm_tile_narrow<Packed>(K, Ap, lda, Bp, C, ldc, rows, ncols);
  else
    gemm_tile<Packed>(K, Ap, lda, Bp, C, ldc, rows, ncols);
}
}  // namespace

void gemm(size_t M, size_t N, size_t K, const float* A, const float* Bm, float* C, float* work) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    std::fill_n(C, M * N, 0.f);
    return;
  }
  const size_t panels = (N + NR - 1) / NR, full = M / MR, rest = M - full * MR;
  const size_t tiles = (M + MR - 1) / MR;
  // All panels of B are packed first (each chunk packs the panels it owns, or all of them when
  // the split is by rows).
  float* Bp = work;
  const auto pack = [&](size_t p) { pack_panel(Bm, K, N, p * NR, Bp + p * K * NR); };
  // Full 4-row tiles read A in place (packing A measured no faster in wasm); the last partial
  // tile, if any, is packed k-major and zero-padded: Ap[k][r] = A[full*MR + r, k].
  float* Ap = work + panels * K * NR;
  for (size_t r = 0; r < MR && rest; ++r)
    for (size_t k = 0; k < K; ++k) Ap[k * MR + r] = r < rest ? A[(full * MR + r) * K + k] : 0.f;
  // C tiles [t0, t1) x panels [p0, p1), panel by panel (a packed panel stays in L1).
  const auto tiles_of = [&](size_t t0, size_t t1, size_t p0, size_t p1) {
    for (size_t p = p0; p < p1; ++p) {
      const size_t j = p * NR, nc = std::min(NR, N - j);
      const float* bp = Bp + p * K * NR;
      for (size_t t = t0; t < t1; ++t) {
        const size_t i = t * MR, nr = std::min(MR, M - i);
        if (nr < MR)
          gemm_panel_tile<true>(K, Ap, 0, bp, C + i * N + j, N, nr, nc);
        else
          gemm_panel_tile<false>(K, A + i * K, K, bp, C + i * N + j, N, nr, nc);
      }
    }
  };
  // Threads split C by rows of tiles when there are enough of them, else by panels; never K, so
  // every C[i,j] is the same sum in the same order for any thread count.
  const size_t chunks = parallel::chunks_for(double(M) * double(N) * double(K),
                                             std::max(tiles, panels));
  if (chunks == 1) {
    for (size_t p = 0; p < panels; ++p) pack(p);
    tiles_of(0, tiles, 0, panels);
  } else if (tiles >= 4 * chunks || tiles >= panels) {
    parallel::run(chunks, [&](size_t c) {
      size_t p0, p1;
      parallel::chunk_range(panels, chunks, c, 1, p0, p1);
      for (size_t p = p0; p < p1; ++p) pack(p);
    });
    parallel::run(chunks, [&](size_t c) {
      size_t t0, t1;
      parallel::chunk_range(tiles, chunks, c, 1, t0, t1);
      tiles_of(t0, t1, 0, panels);
    });
  } else {
    parallel::run(chunks, [&](size_t c) {
      size_t p0, p1;
      parallel::chunk_range(panels, chunks, c, 1, p0, p1);
      for (size_t p = p0; p < p1; ++p) pack(p);
      tiles_of(0, tiles, p0, p1);
    });
  }
}

// The weight gradient of a convolution, dw = im2col(x)^T @ gy, as gemm computes it from im2col_t's
// columns but without them: gy is packed in panels as gemm packs B, and for each tile of 4 rows
// of dw (4 window entries (ky, kx, c)) those rows of im2col(x)^T are packed into a small buffer
// (pixel by pixel, 4 values each, zeros off the input: gemm's packed partial tile) and run through
// gemm_tile against every panel. The same kernel and order as gemm over im2col_t's copy, so the
// same bits; what is not written is the 4-byte-per-entry copy of every window of the batch. The
// pool splits the tiles (each thread packs into its own buffer).
void conv2d_weight_grad(const float* x, const float* gy, const ConvGeom& g, size_t oc, float* dw,
                        float* work) {
  const size_t np = g.n * g.oh * g.ow, kk = g.kh * g.kw * g.c;
  if (kk == 0 || oc == 0) return;
  if (np == 0) {
    std::fill_n(dw, kk * oc, 0.f);
    return;
  }
  const size_t panels = (oc + NR - 1) / NR, tiles = (kk + MR - 1) / MR;
  float* Bp = work;
  float* Ap0 = work + panels * np * NR;
  for (size_t p = 0; p < panels; ++p) pack_panel(gy, np, oc, p * NR, Bp + p * np * NR);
  parallel::for_range(tiles, double(np) * double(MR) * double(panels * NR + 4), 1,
                      [&](size_t t0, size_t t1, size_t slot) {
    float* Ap = Ap0 + slot * np * MR;
    for (size_t t = t0; t < t1; ++t) {
      const size_t rows = std::min(MR, kk - t * MR);
      for (size_t r = 0; r < MR; ++r) {
        float* a = Ap + r;
        if (r >= rows) {
          for (size_t q = 0; q < np; ++q) a[q * MR] = 0.f;
          continue;
        }
        const size_t k = t * MR + r, c = k % g.c, kx = k / g.c % g.kw, ky = k / (g.c * g.kw);
        // the output columns whose window column kx is inside the input: one run [lo, hi)
        size_t lo = g.ow, hi = g.ow, ix0 = 0;
        for (size_t ox = 0, ix; ox < g.ow; ++ox)
          if (window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix)) {
            if (lo == g.ow) lo = ox, ix0 = ix;
            hi = ox + 1;
          }
        const size_t step = g.sw * g.c;
        for (size_t n = 0; n < g.n; ++n)
          for (size_t oy = 0; oy < g.oh; ++oy) {
            float* out = a + (n * g.oh + oy) * g.ow * MR;
            size_t iy;
            if (lo == hi || !window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy)) {
              for (size_t ox = 0; ox < g.ow; ++ox) out[ox * MR] = 0.f;
              continue;
            }
            const float* in = x + ((n * g.h + iy) * g.w + ix0) * g.c + c;
            size_t ox = 0;
            for (; ox < lo; ++ox) out[ox * MR] = 0.f;
            for (; ox < hi; ++ox, in += step) out[ox * MR] = *in;
            for (; ox < g.ow; ++ox) out[ox * MR] = 0.f;
          }
      }
      for (size_t p = 0; p < panels; ++p) {
        const size_t j = p * NR;
        gemm_panel_tile<true>(np, Ap, 0, Bp + p * np * NR, dw + t * MR * oc + j, oc, rows,
                              std::min(NR, oc - j));
      }
    }
  });
}
}  // namespace pg::kernels::simd

namespace pg::kernels {
void transpose2d(const float* x, float* y, size_t rows, size_t cols) {
  // 4 x 4 blocks, each 4 loads, the SSE transpose (8 shuffles; in wasm, i32x4 shuffles) and
  // 4 stores, in a band of 4 output rows at a time: the band's rows are written front to back
  // while they stay in L1. (Sweeping a band of input rows instead, 32 x 32 tiles with i outer,
  // wrote one tile into each of `cols` output rows; with rows = 1024 those sit 4 KB apart, all in
  // the same L1 set, and evicted each other: 20x slower for conv2d's [1024, 144], measured.) The
  // scalar 8 x 8 tiles this replaces took about 1 ns an element in wasm (a dense layer's backward
  // transposes its [784, 10] weights and its weight gradient).
  const size_t r4 = rows / 4 * 4, c4 = cols / 4 * 4;
  for (size_t j = 0; j < c4; j += 4) {
    float* y0 = y + j * rows;
    for (size_t i = 0; i < r4; i += 4) {
      const float* xi = x + i * cols + j;
      __m128 a = _mm_loadu_ps(xi), b = _mm_loadu_ps(xi + cols), c = _mm_loadu_ps(xi + 2 * cols),
             d = _mm_loadu_ps(xi + 3 * cols);
      _MM_TRANSPOSE4_PS(a, b, c, d);
      _mm_storeu_ps(y0 + i, a);
      _mm_storeu_ps(y0 + rows + i, b);
      _mm_storeu_ps(y0 + 2 * rows + i, c);
      _mm_storeu_ps(y0 + 3 * rows + i, d);
    }
    for (size_t i = r4; i < rows; ++i)
      for (size_t jj = j; jj < j + 4; ++jj) y[jj * rows + i] = x[i * cols + jj];
  }
  for (size_t jj = c4; jj < cols; ++jj)
    for (size_t i = 0; i < rows; ++i) y[jj * rows + i] = x[i * cols + jj];
}

size_t conv2d_weight_grad_workspace(const ConvGeom& g, size_t oc) {
  using simd::MR;
  using simd::NR;
  const size_t np = g.n * g.oh * g.ow;
  return np * NR * ((oc + NR - 1) / NR) + parallel::slots() * np * MR;
}

bool all_finite(const float* x, size_t n) {
  if (std::isfinite(simd::sum(x, n))) return true;
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(x[i])) return false;
  return true;
}

size_t gemm_workspace(size_t M, size_t N, size_t K) {
  using simd::MR;
  using simd::NR;
  return K * NR * ((N + NR - 1) / NR) + (M % MR ? K * MR : 0);
}
}  // namespace pg::kernels
