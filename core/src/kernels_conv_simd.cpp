// SIMD conv/pool kernels (kernels_conv.h), vectorised over channels, which are contiguous in
// NHWC. xsimd 4-lane SSE4.1 natively, mapped to WebAssembly SIMD128 in the wasm build. Every
// element goes through the same float operations in the same order as the scalar twin
// (kernels_conv_scalar.cpp): channel tails that do not fill a batch run the scalar expression.
#include <xsimd/xsimd.hpp>

#include <cstring>
#include <limits>

#include "playgrad/kernels_conv.h"

namespace pg::kernels::simd {

namespace {
using B = xsimd::batch<float>;
constexpr size_t W = B::size;

inline bool src(size_t o, size_t k, size_t s, size_t d, size_t p, size_t in, size_t& i) {
  const long long v = (long long)(o * s + k * d) - (long long)p;
  if (v < 0 || v >= (long long)in) return false;
  i = size_t(v);
  return true;
}

// y[k] += x[k]
inline void add_to(const float* x, float* y, size_t n) {
  size_t k = 0;
  for (; k + W <= n; k += W)
    (B::load_unaligned(y + k) + B::load_unaligned(x + k)).store_unaligned(y + k);
  for (; k < n; ++k) y[k] += x[k];
}
// y[k] += x[k] * a
inline void axpy(const float* x, float a, float* y, size_t n) {
  const B va(a);
  size_t k = 0;
  for (; k + W <= n; k += W)
    (B::load_unaligned(y + k) + B::load_unaligned(x + k) * va).store_unaligned(y + k);
  for (; k < n; ++k) y[k] += x[k] * a;
}
// y[k] += a[k] * b[k]
inline void mul_add(const float* a, const float* b, float* y, size_t n) {
  size_t k = 0;
  for (; k + W <= n; k += W)
    (B::load_unaligned(y + k) + B::load_unaligned(a + k) * B::load_unaligned(b + k))
        .store_unaligned(y + k);
  for (; k < n; ++k) y[k] += a[k] * b[k];
}

// Walks the in-bounds window positions of output (n, oy, ox): f(input pixel offset, ky, kx).
template <class F>
inline void window(const ConvGeom& g, size_t n, size_t oy, size_t ox, F f) {
  for (size_t ky = 0; ky < g.kh; ++ky) {
    size_t iy;
    if (!src(oy, ky, g.sh, g.dh, g.pt, g.h, iy)) continue;
    for (size_t kx = 0; kx < g.kw; ++kx) {
      size_t ix;
      if (!src(ox, kx, g.sw, g.dw, g.pl, g.w, ix)) continue;
      f(((n * g.h + iy) * g.w + ix) * g.c, ky, kx);
    }
  }
}
}  // namespace

void im2col(const float* x, const ConvGeom& g, float* cols) {
  const size_t row = g.kh * g.kw * g.c;
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        float* out = cols + ((n * g.oh + oy) * g.ow + ox) * row;
        std::memset(out, 0, row * sizeof(float));
        window(g, n, oy, ox, [&](size_t i, size_t ky, size_t kx) {
          std::memcpy(out + (ky * g.kw + kx) * g.c, x + i, g.c * sizeof(float));
        });
      }
}

void col2im(const float* cols, const ConvGeom& g, float* dx) {
  const size_t row = g.kh * g.kw * g.c;
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        const float* in = cols + ((n * g.oh + oy) * g.ow + ox) * row;
        window(g, n, oy, ox, [&](size_t i, size_t ky, size_t kx) {
          add_to(in + (ky * g.kw + kx) * g.c, dx + i, g.c);
        });
      }
}

void max_pool(const float* x, const ConvGeom& g, float* y) {
  const float ninf = -std::numeric_limits<float>::infinity();
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        float* o = y + ((n * g.oh + oy) * g.ow + ox) * g.c;
        std::fill_n(o, g.c, ninf);
        window(g, n, oy, ox, [&](size_t i, size_t, size_t) {
          const float* v = x + i;
          size_t k = 0;
          for (; k + W <= g.c; k += W) {
            const B m = B::load_unaligned(o + k), b = B::load_unaligned(v + k);
            // m = (v > m || v is NaN) ? v : m   (a NaN, once in, stays)
            xsimd::select((b > m) | (b != b), b, m).store_unaligned(o + k);
          }
          for (; k < g.c; ++k)
            if (v[k] > o[k] || v[k] != v[k]) o[k] = v[k];
        });
      }
}

void max_pool_backward(const float* x, const float* y, const float* gy, const ConvGeom& g,
                       float* dx) {
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        const size_t o = ((n * g.oh + oy) * g.ow + ox) * g.c;
        size_t k = 0;
        for (; k + W <= g.c; k += W) {
          const B m = B::load_unaligned(y + o + k), gv = B::load_unaligned(gy + o + k);
          auto found = (m != m) & (m == m);  // all false
          const auto mnan = m != m;
          window(g, n, oy, ox, [&](size_t i, size_t, size_t) {
            const B v = B::load_unaligned(x + i + k);
            const auto hit = ((v == m) | ((v != v) & mnan)) & ~found;
            (B::load_unaligned(dx + i + k) + xsimd::select(hit, gv, B(0.f)))
                .store_unaligned(dx + i + k);
            found = found | hit;
          });
        }
        for (; k < g.c; ++k) {
          const float m = y[o + k];
          bool found = false;
          window(g, n, oy, ox, [&](size_t i, size_t, size_t) {
            const float v = x[i + k];
            if (!found && (v == m || (v != v && m != m))) {
              dx[i + k] += gy[o + k];
              found = true;
            }
          });
        }
      }
}

void avg_pool(const float* x, const ConvGeom& g, float* y) {
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        float* o = y + ((n * g.oh + oy) * g.ow + ox) * g.c;
        std::fill_n(o, g.c, 0.f);
        size_t count = 0;
        window(g, n, oy, ox, [&](size_t i, size_t, size_t) {
          add_to(x + i, o, g.c);
          ++count;
        });
        const float cf = float(count);
        size_t k = 0;
        for (; k + W <= g.c; k += W) (B::load_unaligned(o + k) / B(cf)).store_unaligned(o + k);
        for (; k < g.c; ++k) o[k] = o[k] / cf;
      }
}

void avg_pool_backward(const float* gy, const ConvGeom& g, float* dx) {
  alignas(64) float buf[64];
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        size_t count = 0;
        window(g, n, oy, ox, [&](size_t, size_t, size_t) { ++count; });
        const float cf = float(count);
        const float* go = gy + ((n * g.oh + oy) * g.ow + ox) * g.c;
        // In chunks of 64 channels: v = gy / count, then dx += v over the window.
        for (size_t c0 = 0; c0 < g.c; c0 += 64) {
          const size_t len = std::min<size_t>(64, g.c - c0);
          size_t k = 0;
          for (; k + W <= len; k += W) (B::load_unaligned(go + c0 + k) / B(cf)).store_aligned(buf + k);
          for (; k < len; ++k) buf[k] = go[c0 + k] / cf;
          window(g, n, oy, ox, [&](size_t i, size_t, size_t) { add_to(buf, dx + i + c0, len); });
        }
      }
}

void upsample_nearest(const float* x, size_t n, size_t h, size_t w, size_t c, size_t fh,
                      size_t fw, float* y) {
  const size_t oh = h * fh, ow = w * fw;
  for (size_t b = 0; b < n; ++b)
    for (size_t i = 0; i < oh; ++i)
      for (size_t j = 0; j < ow; ++j)
        std::memcpy(y + ((b * oh + i) * ow + j) * c, x + ((b * h + i / fh) * w + j / fw) * c,
                    c * sizeof(float));
}

void upsample_nearest_backward(const float* gy, size_t n, size_t h, size_t w, size_t c, size_t fh,
                               size_t fw, float* dx) {
  const size_t oh = h * fh, ow = w * fw;
  for (size_t b = 0; b < n; ++b)
    for (size_t i = 0; i < oh; ++i)
      for (size_t j = 0; j < ow; ++j)
        add_to(gy + ((b * oh + i) * ow + j) * c, dx + ((b * h + i / fh) * w + j / fw) * c, c);
}

void upsample_bilinear(const float* x, size_t n, size_t h, size_t w, size_t c, size_t oh,
                       size_t ow, float* y) {
  for (size_t b = 0; b < n; ++b)
    for (size_t i = 0; i < oh; ++i) {
      const LerpIndex ly = bilinear_source(i, h, oh);
      for (size_t j = 0; j < ow; ++j) {
        const LerpIndex lx = bilinear_source(j, w, ow);
        const float* tl = x + ((b * h + ly.i0) * w + lx.i0) * c;
        const float* tr = x + ((b * h + ly.i0) * w + lx.i1) * c;
        const float* bl = x + ((b * h + ly.i1) * w + lx.i0) * c;
        const float* br = x + ((b * h + ly.i1) * w + lx.i1) * c;
        float* o = y + ((b * oh + i) * ow + j) * c;
        const B fx(lx.f), fy(ly.f);
        size_t k = 0;
        for (; k + W <= c; k += W) {
          const B a = B::load_unaligned(tl + k), bb = B::load_unaligned(tr + k);
          const B cc = B::load_unaligned(bl + k), d = B::load_unaligned(br + k);
          const B top = a + (bb - a) * fx;
          const B bottom = cc + (d - cc) * fx;
          (top + (bottom - top) * fy).store_unaligned(o + k);
        }
        for (; k < c; ++k) {
          const float top = tl[k] + (tr[k] - tl[k]) * lx.f;
          const float bottom = bl[k] + (br[k] - bl[k]) * lx.f;
          o[k] = top + (bottom - top) * ly.f;
        }
      }
    }
}

void upsample_bilinear_backward(const float* gy, size_t n, size_t h, size_t w, size_t c,
                                size_t oh, size_t ow, float* dx) {
  for (size_t b = 0; b < n; ++b)
    for (size_t i = 0; i < oh; ++i) {
      const LerpIndex ly = bilinear_source(i, h, oh);
      for (size_t j = 0; j < ow; ++j) {
        const LerpIndex lx = bilinear_source(j, w, ow);
        const float wtl = (1.f - ly.f) * (1.f - lx.f), wtr = (1.f - ly.f) * lx.f;
        const float wbl = ly.f * (1.f - lx.f), wbr = ly.f * lx.f;
        const float* g = gy + ((b * oh + i) * ow + j) * c;
        axpy(g, wtl, dx + ((b * h + ly.i0) * w + lx.i0) * c, c);
        axpy(g, wtr, dx + ((b * h + ly.i0) * w + lx.i1) * c, c);
        axpy(g, wbl, dx + ((b * h + ly.i1) * w + lx.i0) * c, c);
        axpy(g, wbr, dx + ((b * h + ly.i1) * w + lx.i1) * c, c);
      }
    }
}

// Depthwise with channel multiplier m: along q = c*m + k the weights and outputs are contiguous;
// the input value x[c] is repeated m times (expanded into a stack buffer in chunks of 64).
void depthwise(const float* x, const float* w, const ConvGeom& g, size_t m, float* y) {
  const size_t cm = g.c * m;
  alignas(64) float buf[64];
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        float* o = y + ((n * g.oh + oy) * g.ow + ox) * cm;
        std::fill_n(o, cm, 0.f);
        window(g, n, oy, ox, [&](size_t i, size_t ky, size_t kx) {
          const float* wk = w + (ky * g.kw + kx) * cm;
          if (m == 1) return mul_add(x + i, wk, o, cm);
          for (size_t q0 = 0; q0 < cm; q0 += 64) {
            const size_t len = std::min<size_t>(64, cm - q0);
            for (size_t t = 0; t < len; ++t) buf[t] = x[i + (q0 + t) / m];
            mul_add(buf, wk + q0, o + q0, len);
          }
        });
      }
}

void depthwise_backward_input(const float* gy, const float* w, const ConvGeom& g, size_t m,
                              float* dx) {
  const size_t cm = g.c * m;
  alignas(64) float buf[64];
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        const float* go = gy + ((n * g.oh + oy) * g.ow + ox) * cm;
        window(g, n, oy, ox, [&](size_t i, size_t ky, size_t kx) {
          const float* wk = w + (ky * g.kw + kx) * cm;
          if (m == 1) return mul_add(go, wk, dx + i, cm);
          // products gy[q] w[q] in batches, then added to dx[q / m] in q order
          for (size_t q0 = 0; q0 < cm; q0 += 64) {
            const size_t len = std::min<size_t>(64, cm - q0);
            size_t t = 0;
            for (; t + W <= len; t += W)
              (B::load_unaligned(go + q0 + t) * B::load_unaligned(wk + q0 + t))
                  .store_aligned(buf + t);
            for (; t < len; ++t) buf[t] = go[q0 + t] * wk[q0 + t];
            for (t = 0; t < len; ++t) dx[i + (q0 + t) / m] += buf[t];
          }
        });
      }
}

void depthwise_backward_weight(const float* x, const float* gy, const ConvGeom& g, size_t m,
                               float* dw) {
  const size_t cm = g.c * m;
  alignas(64) float buf[64];
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        const float* go = gy + ((n * g.oh + oy) * g.ow + ox) * cm;
        window(g, n, oy, ox, [&](size_t i, size_t ky, size_t kx) {
          float* wk = dw + (ky * g.kw + kx) * cm;
          if (m == 1) return mul_add(x + i, go, wk, cm);
          for (size_t q0 = 0; q0 < cm; q0 += 64) {
            const size_t len = std::min<size_t>(64, cm - q0);
            for (size_t t = 0; t < len; ++t) buf[t] = x[i + (q0 + t) / m];
            mul_add(buf, go + q0, wk + q0, len);
          }
        });
      }
}

}  // namespace pg::kernels::simd
