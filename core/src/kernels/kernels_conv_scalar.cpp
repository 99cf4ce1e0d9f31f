// Scalar reference twins of the conv/pool kernels (kernels/conv.h): plain loops, one element at
// a time, in the same order of operations as the SIMD versions.
#include <algorithm>
#include <limits>

#include "playgrad/kernels/conv.h"

namespace pg::kernels::scalar {

void im2col(const float* x, const ConvGeom& g, float* cols) {
  const size_t row = g.kh * g.kw * g.c;
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        float* out = cols + ((n * g.oh + oy) * g.ow + ox) * row;
        for (size_t ky = 0; ky < g.kh; ++ky)
          for (size_t kx = 0; kx < g.kw; ++kx) {
            float* o = out + (ky * g.kw + kx) * g.c;
            size_t iy, ix;
            const bool in = window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy) &&
                            window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix);
            for (size_t c = 0; c < g.c; ++c)
              o[c] = in ? x[((n * g.h + iy) * g.w + ix) * g.c + c] : 0.f;
          }
      }
}

void im2col_t(const float* x, const ConvGeom& g, float* colst) {
  const size_t np = g.n * g.oh * g.ow;
  for (size_t ky = 0; ky < g.kh; ++ky)
    for (size_t kx = 0; kx < g.kw; ++kx)
      for (size_t c = 0; c < g.c; ++c) {
        float* row = colst + ((ky * g.kw + kx) * g.c + c) * np;
        for (size_t n = 0; n < g.n; ++n)
          for (size_t oy = 0; oy < g.oh; ++oy)
            for (size_t ox = 0; ox < g.ow; ++ox) {
              size_t iy, ix;
              const bool in = window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy) &&
                              window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix);
              row[(n * g.oh + oy) * g.ow + ox] = in ? x[((n * g.h + iy) * g.w + ix) * g.c + c] : 0.f;
            }
      }
}

void conv2d_weight_grad(const float* x, const float* gy, const ConvGeom& g, size_t oc, float* dw,
                        float*) {
  const size_t np = g.n * g.oh * g.ow;
  for (size_t ky = 0; ky < g.kh; ++ky)
    for (size_t kx = 0; kx < g.kw; ++kx)
      for (size_t c = 0; c < g.c; ++c)
        for (size_t j = 0; j < oc; ++j) {
          float s = 0.f;
          for (size_t p = 0; p < np; ++p) {
            const size_t n = p / (g.oh * g.ow), oy = p / g.ow % g.oh, ox = p % g.ow;
            size_t iy, ix;
            const bool in = window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy) &&
                            window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix);
            const float v = in ? x[((n * g.h + iy) * g.w + ix) * g.c + c] : 0.f;
            s += v * gy[p * oc + j];
          }
          dw[((ky * g.kw + kx) * g.c + c) * oc + j] = s;
        }
}

void col2im(const float* cols, const ConvGeom& g, float* dx) {
  const size_t row = g.kh * g.kw * g.c;
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        const float* in = cols + ((n * g.oh + oy) * g.ow + ox) * row;
        for (size_t ky = 0; ky < g.kh; ++ky)
          for (size_t kx = 0; kx < g.kw; ++kx) {
            size_t iy, ix;
            if (!window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy) ||
                !window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix))
              continue;
            const float* v = in + (ky * g.kw + kx) * g.c;
            for (size_t c = 0; c < g.c; ++c) dx[((n * g.h + iy) * g.w + ix) * g.c + c] += v[c];
          }
      }
}

void max_pool(const float* x, const ConvGeom& g, float* y, float* arg) {
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox)
        for (size_t c = 0; c < g.c; ++c) {
          float m = -std::numeric_limits<float>::infinity();
          // the in-bounds positions in order: a * nx + b over the in-bounds rectangle
          float at = 0.f, pos = 0.f;
          for (size_t ky = 0; ky < g.kh; ++ky)
            for (size_t kx = 0; kx < g.kw; ++kx) {
              size_t iy, ix;
              if (!window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy) ||
                  !window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix))
                continue;
              const float v = x[((n * g.h + iy) * g.w + ix) * g.c + c];
              if (v > m || (v != v && m == m)) at = pos;
              if (v > m || v != v) m = v;
              pos += 1.f;
            }
          const size_t o = ((n * g.oh + oy) * g.ow + ox) * g.c + c;
          y[o] = m;
          if (arg) arg[o] = at;
        }
}

void max_pool_backward(const float* arg, const float* gy, const ConvGeom& g, float* dx) {
  std::fill(dx, dx + g.n * g.h * g.w * g.c, 0.f);
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox)
        for (size_t c = 0; c < g.c; ++c) {
          const size_t o = ((n * g.oh + oy) * g.ow + ox) * g.c + c;
          float pos = 0.f;
          for (size_t ky = 0; ky < g.kh; ++ky)
            for (size_t kx = 0; kx < g.kw; ++kx) {
              size_t iy, ix;
              if (!window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy) ||
                  !window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix))
                continue;
              if (pos == arg[o]) dx[((n * g.h + iy) * g.w + ix) * g.c + c] += gy[o];
              pos += 1.f;
            }
        }
}

void avg_pool(const float* x, const ConvGeom& g, float* y) {
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox)
        for (size_t c = 0; c < g.c; ++c) {
          float s = 0.f;
          size_t count = 0;
          for (size_t ky = 0; ky < g.kh; ++ky)
            for (size_t kx = 0; kx < g.kw; ++kx) {
              size_t iy, ix;
              if (!window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy) ||
                  !window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix))
                continue;
              s += x[((n * g.h + iy) * g.w + ix) * g.c + c];
              ++count;
            }
          y[((n * g.oh + oy) * g.ow + ox) * g.c + c] = s / float(count);
        }
}

void avg_pool_backward(const float* gy, const ConvGeom& g, float* dx) {
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        size_t count = 0, iy, ix;
        for (size_t ky = 0; ky < g.kh; ++ky)
          for (size_t kx = 0; kx < g.kw; ++kx)
            if (window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy) &&
                window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix))
              ++count;
        for (size_t c = 0; c < g.c; ++c) {
          const float v = gy[((n * g.oh + oy) * g.ow + ox) * g.c + c] / float(count);
          for (size_t ky = 0; ky < g.kh; ++ky)
            for (size_t kx = 0; kx < g.kw; ++kx)
              if (window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy) &&
                  window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix))
                dx[((n * g.h + iy) * g.w + ix) * g.c + c] += v;
        }
      }
}

void upsample_nearest(const float* x, size_t n, size_t h, size_t w, size_t c, size_t fh,
                      size_t fw, float* y) {
  const size_t oh = h * fh, ow = w * fw;
  for (size_t b = 0; b < n; ++b)
    for (size_t i = 0; i < oh; ++i)
      for (size_t j = 0; j < ow; ++j)
        for (size_t k = 0; k < c; ++k)
          y[((b * oh + i) * ow + j) * c + k] = x[((b * h + i / fh) * w + j / fw) * c + k];
}

void upsample_nearest_backward(const float* gy, size_t n, size_t h, size_t w, size_t c, size_t fh,
                               size_t fw, float* dx) {
  const size_t oh = h * fh, ow = w * fw;
  for (size_t b = 0; b < n; ++b)
    for (size_t i = 0; i < oh; ++i)
      for (size_t j = 0; j < ow; ++j)
        for (size_t k = 0; k < c; ++k)
          dx[((b * h + i / fh) * w + j / fw) * c + k] += gy[((b * oh + i) * ow + j) * c + k];
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
        for (size_t k = 0; k < c; ++k) {
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
        float* tl = dx + ((b * h + ly.i0) * w + lx.i0) * c;
        float* tr = dx + ((b * h + ly.i0) * w + lx.i1) * c;
        float* bl = dx + ((b * h + ly.i1) * w + lx.i0) * c;
        float* br = dx + ((b * h + ly.i1) * w + lx.i1) * c;
        const float* g = gy + ((b * oh + i) * ow + j) * c;
        for (size_t k = 0; k < c; ++k) tl[k] += g[k] * wtl;
        for (size_t k = 0; k < c; ++k) tr[k] += g[k] * wtr;
        for (size_t k = 0; k < c; ++k) bl[k] += g[k] * wbl;
        for (size_t k = 0; k < c; ++k) br[k] += g[k] * wbr;
      }
    }
}

void depthwise(const float* x, const float* w, const ConvGeom& g, size_t m, float* y) {
  const size_t cm = g.c * m;
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        float* o = y + ((n * g.oh + oy) * g.ow + ox) * cm;
        for (size_t q = 0; q < cm; ++q) o[q] = 0.f;
        for (size_t ky = 0; ky < g.kh; ++ky)
          for (size_t kx = 0; kx < g.kw; ++kx) {
            size_t iy, ix;
            if (!window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy) ||
                !window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix))
              continue;
            const float* xi = x + ((n * g.h + iy) * g.w + ix) * g.c;
            const float* wk = w + (ky * g.kw + kx) * cm;
            for (size_t q = 0; q < cm; ++q) o[q] += xi[q / m] * wk[q];
          }
      }
}

void depthwise_backward_input(const float* gy, const float* w, const ConvGeom& g, size_t m,
                              float* dx) {
  const size_t cm = g.c * m;
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        const float* go = gy + ((n * g.oh + oy) * g.ow + ox) * cm;
        for (size_t ky = 0; ky < g.kh; ++ky)
          for (size_t kx = 0; kx < g.kw; ++kx) {
            size_t iy, ix;
            if (!window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy) ||
                !window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix))
              continue;
            float* di = dx + ((n * g.h + iy) * g.w + ix) * g.c;
            const float* wk = w + (ky * g.kw + kx) * cm;
            for (size_t q = 0; q < cm; ++q) di[q / m] += go[q] * wk[q];
          }
      }
}

void depthwise_backward_weight(const float* x, const float* gy, const ConvGeom& g, size_t m,
                               float* dw) {
  const size_t cm = g.c * m;
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        const float* go = gy + ((n * g.oh + oy) * g.ow + ox) * cm;
        for (size_t ky = 0; ky < g.kh; ++ky)
          for (size_t kx = 0; kx < g.kw; ++kx) {
            size_t iy, ix;
            if (!window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy) ||
                !window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix))
              continue;
            const float* xi = x + ((n * g.h + iy) * g.w + ix) * g.c;
            float* wk = dw + (ky * g.kw + kx) * cm;
            for (size_t q = 0; q < cm; ++q) wk[q] += xi[q / m] * go[q];
          }
      }
}

}  // namespace pg::kernels::scalar

namespace pg::kernels::scalar {
// Direct convolution: y[p, o] = sum over k = (ky, kx, c) in order of x (0 in the padding) times
// w[k, o], from 0, with a separate multiply and add (the sums im2col + gemm computes).
void conv2d_direct(const float* x, const float* w, const ConvGeom& g, size_t oc, float* y,
                   float* /*work*/, const float* bias, bool relu) {
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox) {
        float* out = y + ((n * g.oh + oy) * g.ow + ox) * oc;
        for (size_t o = 0; o < oc; ++o) out[o] = 0.f;
        const float* wk = w;
        for (size_t ky = 0; ky < g.kh; ++ky)
          for (size_t kx = 0; kx < g.kw; ++kx) {
            size_t iy, ix;
            const bool in = window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy) &&
                            window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix);
            const float* xr = in ? x + ((n * g.h + iy) * g.w + ix) * g.c : nullptr;
            for (size_t ci = 0; ci < g.c; ++ci, wk += oc) {
              const float a = in ? xr[ci] : 0.f;
              for (size_t o = 0; o < oc; ++o) out[o] += a * wk[o];
            }
          }
        if (bias)
          for (size_t o = 0; o < oc; ++o) out[o] = out[o] + bias[o];
        if (relu)
          for (size_t o = 0; o < oc; ++o) out[o] = out[o] > 0.f ? out[o] : 0.f;
      }
}
}  // namespace pg::kernels::scalar
