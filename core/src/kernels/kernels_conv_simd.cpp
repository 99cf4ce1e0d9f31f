// SIMD conv/pool kernels (kernels/conv.h), vectorised over channels, which are contiguous in
// NHWC. xsimd 4-lane SSE4.1 natively, mapped to WebAssembly SIMD128 in the wasm build. Every
// element goes through the same float operations in the same order as the scalar twin
// (kernels_conv_scalar.cpp): channel tails that do not fill a batch run the scalar expression.
#include <xmmintrin.h>
#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <cstring>
#include <new>
#include <type_traits>
#include <vector>
#include <limits>

#include "playgrad/kernels/conv.h"
#include "playgrad/parallel.h"

namespace pg::kernels::simd {

namespace {
using B = xsimd::batch<float>;
constexpr size_t W = B::size;

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
    if (!window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy)) continue;
    for (size_t kx = 0; kx < g.kw; ++kx) {
      size_t ix;
      if (!window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix)) continue;
      f(((n * g.h + iy) * g.w + ix) * g.c, ky, kx);
    }
  }
}

// f(n0, n1) for the images [n0, n1) of [0, g.n), split over the pool when the work (elements
// copied or compared, `per_image` per image; each counts as 4 multiply-adds) is large enough. Windows overlap within an image, never across
// images, so the scattering backward passes split this way too; each image is handled exactly as
// on one thread.
template <class F>
void by_images(const ConvGeom& g, double per_image, F f) {
  parallel::for_range(g.n, 4 * per_image * double(g.n), 1, f);
}
}  // namespace

void im2col(const float* x, const ConvGeom& g, float* cols) {
  const size_t row = g.kh * g.kw * g.c;
  by_images(g, double(g.oh) * g.ow * row, [&](size_t n0, size_t n1) {
    for (size_t n = n0; n < n1; ++n)
      for (size_t oy = 0; oy < g.oh; ++oy)
        for (size_t ox = 0; ox < g.ow; ++ox) {
          float* out = cols + ((n * g.oh + oy) * g.ow + ox) * row;
          std::memset(out, 0, row * sizeof(float));
          window(g, n, oy, ox, [&](size_t i, size_t ky, size_t kx) {
            std::memcpy(out + (ky * g.kw + kx) * g.c, x + i, g.c * sizeof(float));
          });
        }
  });
}

void col2im(const float* cols, const ConvGeom& g, float* dx) {
  const size_t row = g.kh * g.kw * g.c;
  by_images(g, double(g.oh) * g.ow * row, [&](size_t n0, size_t n1) {
    for (size_t n = n0; n < n1; ++n)
      for (size_t oy = 0; oy < g.oh; ++oy)
        for (size_t ox = 0; ox < g.ow; ++ox) {
          const float* in = cols + ((n * g.oh + oy) * g.ow + ox) * row;
          window(g, n, oy, ox, [&](size_t i, size_t ky, size_t kx) {
            add_to(in + (ky * g.kw + kx) * g.c, dx + i, g.c);
          });
        }
  });
}

// The in-bounds positions of a window along one axis form one run [k0, k1): the source index
// o*s + k*d - p grows with k. The pooling loops walk that rectangle without a check per position.
inline void window_run(size_t o, size_t s, size_t d, size_t p, size_t in, size_t kn, size_t& k0,
                       size_t& k1) {
  size_t i;
  k0 = 0;
  while (k0 < kn && !window_source(o, k0, s, d, p, in, i)) ++k0;
  k1 = k0;
  while (k1 < kn && window_source(o, k1, s, d, p, in, i)) ++k1;
}

// f(o, first, ny, nx) for every output pixel of the images [n0, n1): o is the offset of its
// output (pixel index times C), first the input offset of its window's first in-bounds position,
// ny x nx the in-bounds rectangle (ny = nx = 0 when the window is off the input).
// The usual 2 x 2 pooling at stride 2 without padding (every window inside the input) passes
// ny and nx as compile-time 2s, so f's window loops unroll; the same positions in the same order.
template <class F>
inline void pool_windows(const ConvGeom& g, size_t n0, size_t n1, F f) {
  if (g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.dh == 1 && g.dw == 1 && g.pt == 0 &&
      g.pl == 0 && 2 * g.oh <= g.h && 2 * g.ow <= g.w) {
    constexpr std::integral_constant<size_t, 2> two{};
    for (size_t n = n0; n < n1; ++n)
      for (size_t oy = 0; oy < g.oh; ++oy) {
        size_t o = ((n * g.oh + oy) * g.ow) * g.c, first = ((n * g.h + 2 * oy) * g.w) * g.c;
        for (size_t ox = 0; ox < g.ow; ++ox, o += g.c, first += 2 * g.c) f(o, first, two, two);
      }
    return;
  }
  for (size_t n = n0; n < n1; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy) {
      size_t ky0, ky1;
      window_run(oy, g.sh, g.dh, g.pt, g.h, g.kh, ky0, ky1);
      for (size_t ox = 0; ox < g.ow; ++ox) {
        size_t kx0, kx1;
        window_run(ox, g.sw, g.dw, g.pl, g.w, g.kw, kx0, kx1);
        const size_t o = ((n * g.oh + oy) * g.ow + ox) * g.c;
        if (ky0 == ky1 || kx0 == kx1) {
          f(o, size_t(0), size_t(0), size_t(0));
          continue;
        }
        const size_t iy = oy * g.sh + ky0 * g.dh - g.pt, ix = ox * g.sw + kx0 * g.dw - g.pl;
        f(o, ((n * g.h + iy) * g.w + ix) * g.c, ky1 - ky0, kx1 - kx0);
      }
    }
}

// m = (v > m || v is NaN) ? v : m   (a NaN, once in, stays)
inline B max_step(B m, B v) { return xsimd::select((v > m) | (v != v), v, m); }
// Where max_step's running max moves to the first position of its final value: a larger value,
// or the first NaN (later NaNs replace m with a NaN but not the position).
inline auto arg_step(B m, B v) { return (v > m) | ((v != v) & (m == m)); }

// The pooling loops read the geometry and pointers from copies of their own, on their thread's
// stack: in wasm, where such locals live in linear memory, a worker reading them through a
// reference into the caller's stack frame shares cache lines with the caller's own stores.
// Each output's channels are kept in registers over its window, 8 at a time, then 4, then one
// by one, visiting the window in the scalar twin's order (ky, then kx); with arg, the position
// of the max is kept beside it (as a float: a select, no conversion).
void max_pool(const float* x, const ConvGeom& geom, float* y, float* arg) {
  const float ninf = -std::numeric_limits<float>::infinity();
  by_images(geom, double(geom.oh) * geom.ow * geom.kh * geom.kw * geom.c,
            [&geom, x, y, arg, ninf](size_t n0, size_t n1) {
    const ConvGeom g = geom;
    const size_t C = g.c, rowstep = g.dh * g.w * C, colstep = g.dw * C;
    const auto walk = [&](auto with_arg) {
      constexpr bool A = decltype(with_arg)::value;
      pool_windows(g, n0, n1, [&](size_t oi, size_t fi, auto ny, auto nx) {
        float* o = y + oi;
        float* ao = A ? arg + oi : nullptr;
        const float* first = x + fi;
        if (ny == 0) {
          std::fill_n(o, C, ninf);
          if constexpr (A) std::fill_n(ao, C, 0.f);
          return;
        }
        size_t k = 0;
        for (; k + 2 * W <= C; k += 2 * W) {
          B m0(ninf), m1(ninf), i0(0.f), i1(0.f);
          float pos = 0.f;
          for (size_t a = 0; a < ny; ++a)
            for (size_t b = 0; b < nx; ++b) {
              const float* v = first + a * rowstep + b * colstep + k;
              const B v0 = B::load_unaligned(v), v1 = B::load_unaligned(v + W);
              if constexpr (A) {
                const B pv(pos);
                i0 = xsimd::select(arg_step(m0, v0), pv, i0);
                i1 = xsimd::select(arg_step(m1, v1), pv, i1);
                pos += 1.f;
              }
              m0 = max_step(m0, v0);
              m1 = max_step(m1, v1);
            }
          m0.store_unaligned(o + k);
          m1.store_unaligned(o + k + W);
          if constexpr (A) i0.store_unaligned(ao + k), i1.store_unaligned(ao + k + W);
        }
        for (; k + W <= C; k += W) {
          B m(ninf), i(0.f);
          float pos = 0.f;
          for (size_t a = 0; a < ny; ++a)
            for (size_t b = 0; b < nx; ++b) {
              const B v = B::load_unaligned(first + a * rowstep + b * colstep + k);
              if constexpr (A) {
                i = xsimd::select(arg_step(m, v), B(pos), i);
                pos += 1.f;
              }
              m = max_step(m, v);
            }
          m.store_unaligned(o + k);
          if constexpr (A) i.store_unaligned(ao + k);
        }
        for (; k < C; ++k) {
          float m = ninf, at = 0.f, pos = 0.f;
          for (size_t a = 0; a < ny; ++a)
            for (size_t b = 0; b < nx; ++b) {
              const float v = first[a * rowstep + b * colstep + k];
              if (v > m || (v != v && m == m)) at = pos;
              if (v > m || v != v) m = v;
              pos += 1.f;
            }
          o[k] = m;
          if constexpr (A) ao[k] = at;
        }
      });
    };
    if (arg) walk(std::true_type{});
    else walk(std::false_type{});
  });
}

// The gradient goes to each output's arg position: neither x nor y is read (the pass reads gy
// and arg, a quarter of x's size for 2 x 2 windows, and writes dx).
// When the windows tile the input (stride = window, no dilation: each input pixel in at most one
// window, the usual 2 x 2 pooling), every covered element of dx is written once, 0 + its gradient
// or 0 (the bits of the fill and the += below), and only the rows and columns no window covers are
// filled: dx is not read back.
void max_pool_backward(const float* arg, const float* gy, const ConvGeom& geom, float* dx) {
  const bool tiled = geom.sh == geom.kh && geom.sw == geom.kw && geom.dh == 1 && geom.dw == 1;
  by_images(geom, double(geom.oh) * geom.ow * geom.kh * geom.kw * geom.c,
            [&geom, arg, gy, dx, tiled](size_t n0, size_t n1) {
    const ConvGeom g = geom;
    const size_t C = g.c, rowstep = g.dh * g.w * C, colstep = g.dw * C;
    if (tiled) {
      // The covered rows and columns: [0, oh*sh - pt) and [0, ow*sw - pl), within the input.
      const long long re = (long long)(g.oh * g.sh) - (long long)g.pt;
      const long long ce = (long long)(g.ow * g.sw) - (long long)g.pl;
      const size_t rows = size_t(std::clamp<long long>(re, 0, (long long)g.h));
      const size_t cols = size_t(std::clamp<long long>(ce, 0, (long long)g.w));
      for (size_t n = n0; n < n1; ++n) {
        float* img = dx + n * g.h * g.w * C;
        if (cols < g.w)
          for (size_t r = 0; r < rows; ++r)
            std::fill(img + (r * g.w + cols) * C, img + (r + 1) * g.w * C, 0.f);
        std::fill(img + rows * g.w * C, img + g.h * g.w * C, 0.f);
      }
    } else {
      std::fill(dx + n0 * g.h * g.w * C, dx + n1 * g.h * g.w * C, 0.f);
    }
    const auto windows = [&](auto tiled_c) {
      constexpr bool once = decltype(tiled_c)::value;
      pool_windows(g, n0, n1, [&](size_t o, size_t first, auto ny, auto nx) {
        if (ny == 0) return;
        size_t k = 0;
        for (; k + W <= C; k += W) {
          const B at = B::load_unaligned(arg + o + k), gv = B::load_unaligned(gy + o + k);
          float pos = 0.f;
          for (size_t a = 0; a < ny; ++a)
            for (size_t b = 0; b < nx; ++b) {
              const size_t i = first + a * rowstep + b * colstep + k;
              const B before = once ? B(0.f) : B::load_unaligned(dx + i);
              (before + xsimd::select(at == B(pos), gv, B(0.f))).store_unaligned(dx + i);
              pos += 1.f;
            }
        }
        for (; k < C; ++k) {
          const float at = arg[o + k];
          float pos = 0.f;
          for (size_t a = 0; a < ny; ++a)
            for (size_t b = 0; b < nx; ++b) {
              const size_t i = first + a * rowstep + b * colstep + k;
              const bool hit = pos == at;
              if (once) dx[i] = hit ? 0.f + gy[o + k] : 0.f;
              else if (hit) dx[i] += gy[o + k];
              pos += 1.f;
            }
        }
      });
    };
    if (tiled) windows(std::true_type{});
    else windows(std::false_type{});
  });
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

// ---- direct convolution ----------------------------------------------------------------------------
// im2col + gemm without the im2col copy: the filter w [K, OC] (K = KH KW C) is packed into panels
// of NR = 2W output channels (K x NR, zero-padded), as gemm packs B; then each tile of 4 output
// pixels (consecutive in [n, oy, ox] order) x NR channels keeps 8 accumulators while k runs over
// (ky, kx, c): the 4 pixels' input rows are read in place (a row of zeros where the window falls
// in the padding, which is exactly what im2col would have copied). Every y[p, o] therefore sums
// cols[p, k] * w[k, o] for k = 0, 1, ... from 0 with a separate multiply and add, as gemm does on
// the im2col matrix and as the scalar twin does: bit-identical results.
namespace pg::kernels::simd {
namespace {
constexpr size_t NR = 2 * W;
constexpr size_t MR = 4;

// The workspace: [packed filter: panels * kk * NR floats][bias in panels: panels * NR floats]
// [window offsets: kwin][zeros: c floats][a cache line][row pointers: kwin * MR per chunk,
// max_slots() of slot_floats each]. The packed filter and bias are multiples of NR floats, so the
// tables that follow them are aligned for pointers.
struct ConvWork {
  size_t panels, kk, kwin;
  float* Bp;
  float* bias;  // [panels * NR]: the bias, 0 past channel OC
  size_t* off;
  float* zeros;
  const float** rowp;  // chunk s uses rowp + s * slot_ptrs(kwin)
};
size_t off_floats(size_t kwin) { return (kwin * sizeof(size_t) + sizeof(float) - 1) / sizeof(float); }
size_t ptr_floats(size_t kwin) {
  return (kwin * MR * sizeof(const float*) + sizeof(float) - 1) / sizeof(float);
}
// One chunk's table of row pointers, in floats: rounded up to a cache line, plus a line, so two
// chunks' tables never share one, nor the first table a line with the zeros and offsets every
// chunk reads. The tables are rewritten for every tile; while they shared lines (false sharing),
// 2 threads ran the lesson CNN's convolutions slower than 1.
constexpr size_t kLineFloats = 64 / sizeof(float);
size_t slot_floats(size_t kwin) {
  return (ptr_floats(kwin) + kLineFloats - 1) / kLineFloats * kLineFloats + kLineFloats;
}
// The most chunks (so tables) a convolution splits into.
size_t max_slots() { return parallel::kChunksPerThread * size_t(parallel::max_threads()); }
size_t slot_ptrs(size_t kwin) { return slot_floats(kwin) * sizeof(float) / sizeof(const float*); }
size_t aligned_floats(size_t n) {  // rounded up so the pointer table after it stays aligned
  const size_t a = sizeof(const float*) / sizeof(float);
  return (n + a - 1) / a * a;
}
ConvWork conv_work(const ConvGeom& g, size_t oc, float* work) {
  ConvWork cw;
  cw.panels = (oc + NR - 1) / NR;
  cw.kk = g.kh * g.kw * g.c;
  cw.kwin = g.kh * g.kw;
  cw.Bp = work;
  cw.bias = work + cw.panels * cw.kk * NR;
  float* rest = cw.bias + cw.panels * NR;
  cw.off = reinterpret_cast<size_t*>(rest);
  cw.zeros = rest + aligned_floats(off_floats(cw.kwin));
  // a line's gap after the zeros (read by every chunk) before the first table (written)
  cw.rowp = reinterpret_cast<const float**>(cw.zeros + aligned_floats(g.c) + kLineFloats);
  return cw;
}

// One input channel at horizontal stride 1 (a grey image's first layer): the 4 x 8 tile's k loop
// is then one step per window position, and a tile's 4 x kwin row pointers cost more than its
// products. This path vectorises over 4 consecutive output pixels of a row instead: the kh input
// rows an output row reads are copied into a strip with the padding (and the columns past the
// row's last block of 4) as zeros, so the 4 pixels' inputs at window position (ky, kx) are one
// load, multiplied by the weight w[k, o] held in all 4 lanes. Channels go 8 at a time (4 when
// fewer are left; the weights are padded with zeros to a multiple of 4 channels). Each output is
// the sum over k = (ky, kx) from 0 of x w, multiply then add, from 0: the scalar twin's order, so
// the same bits; the epilogue (+ bias, ReLU) is the tile kernel's, and each 4 x 4 block of
// [channel][pixel] sums is transposed to NHWC on the way out.
bool single_channel(const ConvGeom& g) { return g.c == 1 && g.sw == 1; }
// acc[j] holds channel j of W pixels; dst + p * c + j gets it for p < px, j < nc. With 4 lanes
// (SSE4.1 here, SIMD128 in wasm) the SSE 4 x 4 transpose; wider builds (the bench's -march=native
// ceiling) go through tmp.
template <class V>
inline void store_transposed(const V* acc, float* dst, size_t c, size_t px, size_t nc,
                             float (*tmp)[W]) {
  if constexpr (V::size == 4 && sizeof(typename V::register_type) == sizeof(__m128)) {
    __m128 r0 = acc[0], r1 = acc[1], r2 = acc[2], r3 = acc[3];
    _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
    if (px == W && nc == W) {
      _mm_storeu_ps(dst, r0), _mm_storeu_ps(dst + c, r1);
      _mm_storeu_ps(dst + 2 * c, r2), _mm_storeu_ps(dst + 3 * c, r3);
      return;
    }
    _mm_store_ps(tmp[0], r0), _mm_store_ps(tmp[1], r1);
    _mm_store_ps(tmp[2], r2), _mm_store_ps(tmp[3], r3);
    for (size_t p = 0; p < px; ++p) std::memcpy(dst + p * c, tmp[p], nc * sizeof(float));
  } else {
    for (size_t j = 0; j < W; ++j) acc[j].store_aligned(tmp[j]);
    for (size_t p = 0; p < px; ++p)
      for (size_t j = 0; j < nc; ++j) dst[p * c + j] = tmp[j][p];
  }
}
size_t c1_channels(size_t oc) { return (oc + W - 1) / W * W; }
size_t c1_strip(const ConvGeom& g) {  // floats of one strip row, whole cache lines
  const size_t n = (g.ow + W - 1) / W * W + (g.kw - 1) * g.dw;
  return (n + kLineFloats - 1) / kLineFloats * kLineFloats;
}
// [weights, each in 4 lanes: kwin * ocp * W][bias: ocp][a line][strips: max_slots() chunks of kh
// strip rows and a line each]
size_t c1_workspace(const ConvGeom& g, size_t oc) {
  const size_t ocp = c1_channels(oc);
  return g.kh * g.kw * ocp * W + ocp + kLineFloats +
         max_slots() * (g.kh * c1_strip(g) + kLineFloats);
}

// The part of the workspace that depends on the filter and bias only (conv2d_direct_prepare).
void c1_prepare(const float* w, const ConvGeom& g, size_t oc, const float* bias, float* work) {
  const size_t kwin = g.kh * g.kw, ocp = c1_channels(oc);
  float* wv = work;  // wv[(k * ocp + o) * W + lane] = w[k, o]
  float* bv = wv + kwin * ocp * W;
  for (size_t k = 0; k < kwin; ++k)
    for (size_t o = 0; o < ocp; ++o) B(o < oc ? w[k * oc + o] : 0.f).store_aligned(wv + (k * ocp + o) * W);
  if (bias) {
    std::fill_n(bv, ocp, 0.f);
    std::copy_n(bias, oc, bv);
  }
}

void conv2d_c1(const float* x, const ConvGeom& g, size_t oc, float* y, float* work, bool bias,
               bool relu) {
  const size_t kwin = g.kh * g.kw, ocp = c1_channels(oc), sw = c1_strip(g);
  const float* wv = work;
  const float* bv = wv + kwin * ocp * W;
  float* strips = work + kwin * ocp * W + ocp + kLineFloats;
  const size_t rows = g.n * g.oh;
  const size_t chunks = parallel::chunks_for(double(rows * g.ow) * double(kwin) * double(oc),
                                             std::min(rows, max_slots()));
  parallel::run(chunks, [&](size_t chunk) {
    const ConvGeom gl = g;
    const size_t c = oc, cp = ocp, stride = sw;
    const float *xl = x, *wl = wv, *bl = bias ? bv : nullptr;
    float* yl = y;
    const bool rl = relu;
    float* strip = strips + chunk * (gl.kh * stride + kLineFloats);
    size_t r0, r1;
    parallel::chunk_range(rows, chunks, chunk, 1, r0, r1);
    alignas(64) float tmp[W][W];
    for (size_t r = r0; r < r1; ++r) {
      const size_t pn = r / gl.oh, py = r % gl.oh;
      // strip row ky: input row py sh - pt + ky dh, column j holding input column j - pl
      for (size_t ky = 0; ky < gl.kh; ++ky) {
        float* s = strip + ky * stride;
        size_t iy;
        if (!window_source(py, ky, gl.sh, gl.dh, gl.pt, gl.h, iy)) {
          std::fill_n(s, stride, 0.f);
          continue;
        }
        const size_t lo = std::min(gl.pl, stride), hi = std::min(gl.pl + gl.w, stride);
        std::fill_n(s, lo, 0.f);
        std::copy_n(xl + (pn * gl.h + iy) * gl.w, hi - lo, s + lo);
        std::fill(s + hi, s + stride, 0.f);
      }
      float* yrow = yl + r * gl.ow * c;
      for (size_t ox = 0; ox < gl.ow; ox += W) {
        const size_t px = std::min(W, gl.ow - ox);
        size_t o0 = 0;
        // the block's sums acc[o] (4 pixels), then + bias and ReLU, then out as 4 x 4 blocks
        const auto finish = [&](B* acc, size_t nb) {
          for (size_t b = 0; b < nb; ++b) {
            for (size_t j = 0; j < W; ++j) {
              B v = acc[b * W + j];
              if (bl) v = v + B(bl[o0 + b * W + j]);
              if (rl) v = xsimd::select(v > B(0.f), v, B(0.f));
              acc[b * W + j] = v;
            }
            const size_t ob = o0 + b * W, nc = std::min(W, c - std::min(c, ob));
            store_transposed(acc + b * W, yrow + ox * c + ob, c, px, nc, tmp);
          }
        };
        for (; o0 + 2 * W <= cp; o0 += 2 * W) {
          B acc[2 * W];
          for (B& a : acc) a = B(0.f);
          for (size_t ky = 0; ky < gl.kh; ++ky)
            for (size_t kx = 0; kx < gl.kw; ++kx) {
              const B xv = B::load_unaligned(strip + ky * stride + ox + kx * gl.dw);
              const float* wk = wl + ((ky * gl.kw + kx) * cp + o0) * W;
              for (size_t j = 0; j < 2 * W; ++j) acc[j] += xv * B::load_aligned(wk + j * W);
            }
          finish(acc, 2);
        }
        for (; o0 < cp; o0 += W) {
          B acc[W];
          for (B& a : acc) a = B(0.f);
          for (size_t ky = 0; ky < gl.kh; ++ky)
            for (size_t kx = 0; kx < gl.kw; ++kx) {
              const B xv = B::load_unaligned(strip + ky * stride + ox + kx * gl.dw);
              const float* wk = wl + ((ky * gl.kw + kx) * cp + o0) * W;
              for (size_t j = 0; j < W; ++j) acc[j] += xv * B::load_aligned(wk + j * W);
            }
          finish(acc, 1);
        }
      }
    }
  });
}
}  // namespace

void conv2d_direct_prepare(const float* w, const ConvGeom& g, size_t oc, const float* bias,
                           float* work) {
  if (oc == 0) return;
  if (single_channel(g)) return c1_prepare(w, g, oc, bias, work);
  const ConvWork cw = conv_work(g, oc, work);
  const size_t panels = cw.panels, kk = cw.kk;
  float* Bp = cw.Bp;
  std::fill_n(cw.zeros, g.c, 0.f);
  // Bp[p][k][j] = w[k, p*NR + j] (0 past channel OC).
  for (size_t p = 0; p < panels; ++p) {
    const size_t j0 = p * NR, nc = std::min(NR, oc - j0);
    float* dst = Bp + p * kk * NR;
    for (size_t k = 0; k < kk; ++k, dst += NR) {
      const float* s = w + k * oc + j0;
      size_t j = 0;
      for (; j < nc; ++j) dst[j] = s[j];
      for (; j < NR; ++j) dst[j] = 0.f;
    }
  }
  if (bias) {
    std::fill_n(cw.bias, panels * NR, 0.f);
    std::copy_n(bias, oc, cw.bias);
  }
  // each position's offset from the window's first row (for windows entirely inside the input)
  for (size_t ky = 0; ky < g.kh; ++ky)
    for (size_t kx = 0; kx < g.kw; ++kx) cw.off[ky * g.kw + kx] = (ky * g.dh * g.w + kx * g.dw) * g.c;
}

void conv2d_direct_prepared(const float* x, const ConvGeom& g, size_t oc, float* y, float* work,
                            bool bias, bool relu) {
  const size_t np = g.n * g.oh * g.ow;
  if (np == 0 || oc == 0) return;
  if (single_channel(g)) return conv2d_c1(x, g, oc, y, work, bias, relu);
  const ConvWork cw = conv_work(g, oc, work);
  const size_t panels = cw.panels, kk = cw.kk, kwin = cw.kwin;
  const float* Bp = cw.Bp;
  const float* zeros = cw.zeros;
  const size_t* off = cw.off;
  const size_t span_y = (g.kh - 1) * g.dh, span_x = (g.kw - 1) * g.dw;
  // Threads split the output pixels by tiles of 4 (never K): each tile is computed the same way
  // whichever thread runs it. Chunk c uses its own table of the tile's 4 input rows per window
  // position (ky, kx).
  const size_t tiles = (np + MR - 1) / MR;
  const size_t chunks = parallel::chunks_for(double(np) * double(kk) * double(oc),
                                             std::min(tiles, max_slots()));
  parallel::run(chunks, [&](size_t chunk) {
    size_t t0, t1;
    parallel::chunk_range(tiles, chunks, chunk, 1, t0, t1);
    const float** rowp = cw.rowp + chunk * slot_ptrs(kwin);
    // output pixel (pn, py, px) of the tile's next row, advanced one pixel at a time (no division)
    size_t pn = (t0 * MR) / (g.oh * g.ow), py = (t0 * MR) / g.ow % g.oh, px = (t0 * MR) % g.ow;
    for (size_t t = t0 * MR; t < std::min(np, t1 * MR); t += MR) {
      const size_t rows = std::min(MR, np - t);
      for (size_t r = 0; r < MR; ++r) {
        // rows past np read zeros
        if (r >= rows) {
          for (size_t k = 0; k < kwin; ++k) rowp[k * MR + r] = zeros;
          continue;
        }
        const long long y0 = (long long)(py * g.sh) - (long long)g.pt, x0 = (long long)(px * g.sw) - (long long)g.pl;
        if (y0 >= 0 && x0 >= 0 && size_t(y0) + span_y < g.h && size_t(x0) + span_x < g.w) {
          const float* base = x + ((pn * g.h + size_t(y0)) * g.w + size_t(x0)) * g.c;
          for (size_t k = 0; k < kwin; ++k) rowp[k * MR + r] = base + off[k];
        } else {
          for (size_t ky = 0; ky < g.kh; ++ky)
            for (size_t kx = 0; kx < g.kw; ++kx) {
              size_t iy, ix;
              rowp[(ky * g.kw + kx) * MR + r] =
                  window_source(py, ky, g.sh, g.dh, g.pt, g.h, iy) &&
                  window_source(px, kx, g.sw, g.dw, g.pl, g.w, ix)
                      ? x + ((pn * g.h + iy) * g.w + ix) * g.c
                      : zeros;
            }
        }
        if (++px == g.ow) {
          px = 0;
          if (++py == g.oh) py = 0, ++pn;
        }
      }
      for (size_t p = 0; p < panels; ++p) {
        const size_t j0 = p * NR, ncols = std::min(NR, oc - j0);
        B c00(0.f), c01(0.f), c10(0.f), c11(0.f), c20(0.f), c21(0.f), c30(0.f), c31(0.f);
        const float* bp = Bp + p * kk * NR;
        for (size_t wpos = 0; wpos < kwin; ++wpos) {
          const float *a0 = rowp[wpos * MR], *a1 = rowp[wpos * MR + 1], *a2 = rowp[wpos * MR + 2],
                      *a3 = rowp[wpos * MR + 3];
          for (size_t ci = 0; ci < g.c; ++ci, bp += NR) {
            const B b0 = B::load_aligned(bp), b1 = B::load_aligned(bp + W);
            B av(a0[ci]);
            c00 += av * b0;
            c01 += av * b1;
            av = B(a1[ci]);
            c10 += av * b0;
            c11 += av * b1;
            av = B(a2[ci]);
            c20 += av * b0;
            c21 += av * b1;
            av = B(a3[ci]);
            c30 += av * b0;
            c31 += av * b1;
          }
        }
        // the epilogue: + bias, then ReLU (the add and relu kernels' expressions, so the same
        // bits as those ops on y)
        if (bias) {
          const B b0 = B::load_aligned(cw.bias + j0), b1 = B::load_aligned(cw.bias + j0 + W);
          c00 = c00 + b0, c01 = c01 + b1, c10 = c10 + b0, c11 = c11 + b1;
          c20 = c20 + b0, c21 = c21 + b1, c30 = c30 + b0, c31 = c31 + b1;
        }
        if (relu) {
          const B z(0.f);
          c00 = xsimd::select(c00 > z, c00, z), c01 = xsimd::select(c01 > z, c01, z);
          c10 = xsimd::select(c10 > z, c10, z), c11 = xsimd::select(c11 > z, c11, z);
          c20 = xsimd::select(c20 > z, c20, z), c21 = xsimd::select(c21 > z, c21, z);
          c30 = xsimd::select(c30 > z, c30, z), c31 = xsimd::select(c31 > z, c31, z);
        }
        float* C = y + t * oc + j0;
        if (rows == MR && ncols == NR) {
          c00.store_unaligned(C), c01.store_unaligned(C + W);
          c10.store_unaligned(C + oc), c11.store_unaligned(C + oc + W);
          c20.store_unaligned(C + 2 * oc), c21.store_unaligned(C + 2 * oc + W);
          c30.store_unaligned(C + 3 * oc), c31.store_unaligned(C + 3 * oc + W);
          continue;
        }
        alignas(64) float tmp[MR][NR];
        c00.store_aligned(tmp[0]), c01.store_aligned(tmp[0] + W);
        c10.store_aligned(tmp[1]), c11.store_aligned(tmp[1] + W);
        c20.store_aligned(tmp[2]), c21.store_aligned(tmp[2] + W);
        c30.store_aligned(tmp[3]), c31.store_aligned(tmp[3] + W);
        for (size_t r = 0; r < rows; ++r) std::memcpy(C + r * oc, tmp[r], ncols * sizeof(float));
      }
    }
  });
}

void conv2d_direct(const float* x, const float* w, const ConvGeom& g, size_t oc, float* y, float* work,
                   const float* bias, bool relu) {
  if (g.n * g.oh * g.ow == 0 || oc == 0) return;
  conv2d_direct_prepare(w, g, oc, bias, work);
  conv2d_direct_prepared(x, g, oc, y, work, bias != nullptr, relu);
}

}  // namespace pg::kernels::simd

namespace pg::kernels {
size_t conv2d_direct_workspace(const ConvGeom& g, size_t oc) {
  using simd::NR;
  const size_t panels = (oc + NR - 1) / NR, kk = g.kh * g.kw * g.c;
  const size_t kwin = g.kh * g.kw;
  const size_t n = panels * kk * NR + panels * NR + simd::aligned_floats(simd::off_floats(kwin)) +
                   simd::aligned_floats(g.c) + simd::kLineFloats +
                   simd::max_slots() * simd::slot_floats(kwin);
  const size_t m = simd::single_channel(g) ? simd::c1_workspace(g, oc) : n;
  // whole cache lines: workspaces laid end to end (one per thread) each start 64-byte aligned
  return (m + simd::kLineFloats - 1) / simd::kLineFloats * simd::kLineFloats;
}
}  // namespace pg::kernels
