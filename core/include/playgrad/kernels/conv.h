// playgrad/kernels/conv.h: convolution and pooling microkernels, NHWC, pointer + sizes.
//
// As in kernels.h: kernels never allocate, never validate and never see a Tensor; the operators
// in ops/conv.h check shapes, allocate and call pg::kernels::simd. Each kernel has a scalar twin in
// pg::kernels::scalar with the same signature; the SIMD versions vectorise over channels (C is
// contiguous in NHWC) and perform the same float operations in the same order, so the twins
// agree bit for bit (tests/native/test_conv.cpp checks it).
//
// The forward convolution is conv2d_direct: it computes
//   y[N*OH*OW, OC] = cols[N*OH*OW, KH*KW*C] @ w[KH*KW*C, OC]   (w is [KH, KW, C, OC], HWIO)
//   cols[n, oy, ox, (ky, kx, c)] = x[n, oy*sh - pt + ky*dh, ox*sw - pl + kx*dw, c]  (0 outside)
// reading the window of x in place instead of materialising cols. The weight gradient is
// conv2d_weight_grad; the input gradient is conv2d_direct again when the stride is 1 (the
// filter flipped), col2im of a gemm otherwise (ops/ops_conv.cpp).
// Threads (playgrad/parallel.h): conv2d_direct splits its output pixels in tiles of 4, and
// im2col, col2im, max_pool and max_pool_backward split the batch by images, over the pool when
// the work is large enough; every output is computed as on one thread (the same bits).
#pragma once
#include <cmath>
#include <cstddef>

namespace pg::kernels {

// Geometry of a convolution or pooling window over an NHWC input.
struct ConvGeom {
  size_t n = 1, h = 1, w = 1, c = 1;  // input [n, h, w, c]
  size_t kh = 1, kw = 1;              // window
  size_t sh = 1, sw = 1;              // stride
  size_t dh = 1, dw = 1;              // dilation
  size_t pt = 0, pl = 0;              // padding top, left (bottom/right follow from oh, ow)
  size_t oh = 1, ow = 1;              // output size
};

// The input index of window position k for output index o along one axis (stride s, dilation d,
// padding p before an input of length `in`): false when it falls off the input.
inline bool window_source(size_t o, size_t k, size_t s, size_t d, size_t p, size_t in, size_t& i) {
  const long long v = (long long)(o * s + k * d) - (long long)p;
  if (v < 0 || v >= (long long)in) return false;
  i = size_t(v);
  return true;
}

// Bilinear source coordinate for output index `o` of `out` resampled from `in` (half-pixel
// centres, as Keras UpSampling2D and tf.image.resize; PyTorch align_corners=False):
//   s = max((o + 0.5) in / out - 0.5, 0); i0 = floor(s); i1 = min(i0 + 1, in - 1); f = s - i0.
struct LerpIndex {
  size_t i0, i1;
  float f;
};
inline LerpIndex bilinear_source(size_t o, size_t in, size_t out) {
  double s = (double(o) + 0.5) * double(in) / double(out) - 0.5;
  if (s < 0) s = 0;
  const double fl = std::floor(s);
  LerpIndex r;
  r.i0 = size_t(fl);
  if (r.i0 > in - 1) r.i0 = in - 1;
  r.i1 = r.i0 + 1 < in ? r.i0 + 1 : in - 1;
  r.f = float(s - fl);
  return r;
}

#define PG_CONV_KERNEL_DECLS                                                                       \
  /* cols [n*oh*ow, kh*kw*c] from x [n,h,w,c] (zeros where the window is off the input). */      \
  void im2col(const float* x, const ConvGeom& g, float* cols);                                    \
  /* dx [n,h,w,c] += cols scattered back (the adjoint of im2col). */                              \
  void col2im(const float* cols, const ConvGeom& g, float* dx);                                   \
  /* y [n*oh*ow, oc] = im2col(x) @ w [kh*kw*c, oc] without the copy: the same sums in the same */ \
  /* order (k = (ky, kx, c) from 0, multiply then add), so bit-identical to im2col + gemm. */    \
  /* work: conv2d_direct_workspace(g, oc) floats, 64-byte aligned (the scalar twin ignores it). */ \
  /* The epilogue, on each finished sum s: s + bias[o] when bias is not null, then              */ \
  /* (s > 0 ? s : 0) when relu: the bits of the add and relu kernels on y (a fused conv2d).    */ \
  void conv2d_direct(const float* x, const float* w, const ConvGeom& g, size_t oc, float* y,      \
                     float* work, const float* bias = nullptr, bool relu = false);                \
  /* dw [kh*kw*c, oc] = im2col(x)^T @ gy [n*oh*ow, oc] without the copy: each element the sum  */ \
  /* over the pixels in order from 0 (multiply then add), so bit-identical to im2col_t + gemm. */ \
  /* work: conv2d_weight_grad_workspace(g, oc) floats, 64-byte aligned (the scalar twin        */ \
  /* ignores it). */                                                                              \
  void conv2d_weight_grad(const float* x, const float* gy, const ConvGeom& g, size_t oc,         \
                          float* dw, float* work);                                                \
  /* y [n,oh,ow,c] = max of x over the in-bounds window (padding never wins; NaN propagates).   */ \
  /* arg (when not null, y's shape): where the gradient goes, the first in-bounds window        */ \
  /* position (a * nx + b over the in-bounds rectangle ny x nx, ky then kx order) whose value   */ \
  /* equals the max, or the first NaN when the max is NaN; as a float (exact). */                 \
  void max_pool(const float* x, const ConvGeom& g, float* y, float* arg = nullptr);               \
  /* dx = gy summed at each output's arg position (dx is overwritten: each image's part is      */ \
  /* zeroed by the thread that fills it). Reads neither x nor y. */                               \
  void max_pool_backward(const float* arg, const float* gy, const ConvGeom& g, float* dx);        \
  /* y = sum of x over the in-bounds window / number of in-bounds positions (padding excluded, */ \
  /* as TensorFlow). */                                                                           \
  void avg_pool(const float* x, const ConvGeom& g, float* y);                                     \
  /* dx += gy / count over each window. */                                                        \
  void avg_pool_backward(const float* gy, const ConvGeom& g, float* dx);                          \
  /* y [n, h*fh, w*fw, c]: y[i, j] = x[i / fh, j / fw]. */                                        \
  void upsample_nearest(const float* x, size_t n, size_t h, size_t w, size_t c, size_t fh,        \
                        size_t fw, float* y);                                                     \
  /* dx [n,h,w,c] += the sum of gy over each fh x fw block. */                                    \
  void upsample_nearest_backward(const float* gy, size_t n, size_t h, size_t w, size_t c,         \
                                 size_t fh, size_t fw, float* dx);                                \
  /* y [n,oh,ow,c] bilinear from x [n,h,w,c] (bilinear_source on each axis):                  */  \
  /*   top = tl + (tr - tl) fx; bottom = bl + (br - bl) fx; y = top + (bottom - top) fy.      */  \
  void upsample_bilinear(const float* x, size_t n, size_t h, size_t w, size_t c, size_t oh,       \
                         size_t ow, float* y);                                                    \
  /* dx += gy (1-fy)(1-fx) at tl, gy (1-fy) fx at tr, gy fy (1-fx) at bl, gy fy fx at br. */      \
  void upsample_bilinear_backward(const float* gy, size_t n, size_t h, size_t w, size_t c,        \
                                  size_t oh, size_t ow, float* dx);                               \
  /* Depthwise: w [kh,kw,c,m]; y [n,oh,ow,c*m], y[.., c*m + k] = sum x[.., c] w[ky,kx,c,k]. */    \
  void depthwise(const float* x, const float* w, const ConvGeom& g, size_t m, float* y);          \
  /* dx [n,h,w,c] += the input gradient of depthwise for gy [n,oh,ow,c*m]. */                     \
  void depthwise_backward_input(const float* gy, const float* w, const ConvGeom& g, size_t m,     \
                                float* dx);                                                       \
  /* dw [kh,kw,c,m] += the weight gradient of depthwise. */                                       \
  void depthwise_backward_weight(const float* x, const float* gy, const ConvGeom& g, size_t m,    \
                                 float* dw);

// Floats of workspace simd::conv2d_direct needs (the filter packed in column panels, the row
// pointers of one tile, the window offsets, a row of zeros): the operator allocates it. A whole
// number of cache lines, so one workspace per thread laid end to end keeps each 64-byte aligned.
size_t conv2d_direct_workspace(const ConvGeom& g, size_t oc);

// Floats of workspace simd::conv2d_weight_grad needs (gy packed in column panels, and one packed
// tile of 4 rows of im2col(x)^T for each part the pool may split it into).
size_t conv2d_weight_grad_workspace(const ConvGeom& g, size_t oc);

namespace simd {
PG_CONV_KERNEL_DECLS
// conv2d_direct in two steps, so that many calls with one filter pack it once: prepare writes the
// part of work that depends on the filter and bias only (the packed filter, the bias, the window
// offsets); prepared(x, ..., work, bias != nullptr, relu) then convolves like conv2d_direct, any
// number of times and for any batch size n (the rest of g unchanged). work must stay as prepare
// left it. conv2d_direct is prepare then prepared.
void conv2d_direct_prepare(const float* w, const ConvGeom& g, size_t oc, const float* bias,
                           float* work);
void conv2d_direct_prepared(const float* x, const ConvGeom& g, size_t oc, float* y, float* work,
                            bool bias, bool relu);
}
namespace scalar {
PG_CONV_KERNEL_DECLS
// colst [kh*kw*c, n*oh*ow] = cols transposed: with gemm, the reference the weight gradient's
// tests compare conv2d_weight_grad with (the operator no longer writes this copy).
void im2col_t(const float* x, const ConvGeom& g, float* colst);
}
#undef PG_CONV_KERNEL_DECLS

}  // namespace pg::kernels
