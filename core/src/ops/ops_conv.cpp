// Convolution, pooling and upsampling ops (ops/conv.h), each backward next to its forward.
// NHWC. Convolution as products with the im2col matrix cols(x):
//   forward        y[NP, OC]   = cols(x)[NP, K] @ w[K, OC]          (K = KH KW C, NP = N OH OW)
//                  (direct: conv2d_direct reads cols in place, no im2col copy)
//   input grad     dx          = col2im(gy[NP, OC] @ w^T[OC, K])
//                  (stride 1: conv2d_direct of gy with the filter flipped, no columns)
//   weight grad    dw[K, OC]   = cols(x)^T[K, NP] @ gy[NP, OC]
//                  (conv2d_weight_grad packs 4 rows of cols(x)^T at a time: no copy of cols)
// conv2d_transpose is the input-grad path as a forward op (and conv2d forward as its backward).
#include <algorithm>
#include <cmath>

#include "ops/op_util.h"
#include "playgrad/ops/conv.h"
#include "playgrad/kernels/conv.h"
#include "playgrad/parallel.h"

namespace pg {
using detail::dense;
using detail::workspace;
using kernels::ConvGeom;
namespace k = kernels::simd;
namespace v = vision;

namespace {

void check_nhwc(const char* op, const Tensor& x) {
  if (x.ndim() != 4)
    fail(op, ": input ", shape_str(x.shape()),
         " must be 4-d NHWC [batch, height, width, channels]");
  for (int64_t d : x.shape())
    if (d == 0) fail(op, ": input ", shape_str(x.shape()), " has an empty dimension");
}

// Geometry of a window op over x [N,H,W,C] (C set by the caller when it differs).
ConvGeom make_geom(const char* op, const Shape& xs, int64_t kh, int64_t kw, int64_t sh, int64_t sw,
                   int64_t dh, int64_t dw, v::PaddingMode mode, int64_t ph, int64_t pw) {
  const std::string oph = std::string(op) + " (height)", opw = std::string(op) + " (width)";
  v::ConvDim dy{xs[1], kh, sh, dh, mode, ph};
  v::ConvDim dx{xs[2], kw, sw, dw, mode, pw};
  const v::ConvSize ry = v::conv_output_size(oph.c_str(), dy);
  const v::ConvSize rx = v::conv_output_size(opw.c_str(), dx);
  // The output must be a valid shape before any size_t product of its dimensions is taken.
  check_shape(op, {xs[0], ry.out, rx.out, xs[3]});
  ConvGeom g;
  g.n = size_t(xs[0]); g.h = size_t(xs[1]); g.w = size_t(xs[2]); g.c = size_t(xs[3]);
  g.kh = size_t(kh); g.kw = size_t(kw);
  g.sh = size_t(sh); g.sw = size_t(sw);
  g.dh = size_t(dh); g.dw = size_t(dw);
  g.pt = size_t(ry.pad_before); g.pl = size_t(rx.pad_before);
  g.oh = size_t(ry.out); g.ow = size_t(rx.out);
  return g;
}

// The geometry of a pooling over an NHWC shape (Pool2dOptions).
ConvGeom pool_geom(const char* op, const Shape& xs, const Pool2dOptions& o) {
  const int64_t sh = o.stride_h == 0 ? o.kernel_h : o.stride_h;
  const int64_t sw = o.stride_w == 0 ? o.kernel_w : o.stride_w;
  if (o.padding == v::PaddingMode::Explicit &&
      ((o.pad_h >= o.kernel_h && o.pad_h > 0) || (o.pad_w >= o.kernel_w && o.pad_w > 0)))
    fail(op, ": padding ", o.pad_h, " x ", o.pad_w, " must be smaller than the window ",
         o.kernel_h, " x ", o.kernel_w, " (a window would see only padding)");
  return make_geom(op, xs, o.kernel_h, o.kernel_w, sh, sw, 1, 1, o.padding, o.pad_h,
                   o.pad_w);
}

void check_bias(const char* op, const Tensor& bias, int64_t oc) {
  if (bias.defined() && (bias.ndim() != 1 || bias.dim(0) != oc))
    fail(op, ": bias ", shape_str(bias.shape()), " must be [", oc, "] (one per output channel)");
}

// The unfused bias and activation (depthwise_conv2d, conv2d_transpose).
Tensor finish(const Tensor& y, const Tensor& bias, ConvActivation a) {
  Tensor z = bias.defined() ? add(y, bias) : y;
  return a == ConvActivation::Relu ? relu(z) : z;
}

// y [N,OH,OW,OC] = conv of x (dense, geometry g) with w [K, OC] (dense).
// Direct (kernels/conv.h conv2d_direct): the im2col + gemm sums without the im2col copy, then
// + bias (when not null) and ReLU (when relu) on each sum as it leaves the kernel.
Tensor conv_forward(const float* x, const float* w, const ConvGeom& g, size_t oc,
                    const float* bias = nullptr, bool relu = false) {
  Tensor y = Tensor::empty({int64_t(g.n), int64_t(g.oh), int64_t(g.ow), int64_t(oc)});
  Tensor work = workspace(kernels::conv2d_direct_workspace(g, oc));
  k::conv2d_direct(x, w, g, oc, y.data(), work.data(), bias, relu);
  return y;
}

// The gradients of conv (geometry g) for gy [NP, OC]: dx [N,H,W,C] from w [K, OC] when dx is
// given, dw [K, OC] from x when dw is given, db [OC] when db is given; all in one pass over the
// batch, in blocks of whole images, one task each (a block's images, on one thread, for every
// gradient while its gy is in that thread's cache).
//
// A fused ReLU (relu_y, its output, not null): the block's gy is first masked into dz (dz = gy
// where relu_y > 0, else 0: the relu kernel's backward, which reads its output as well as its
// input since y > 0 exactly where the input is), and dz is what the gradients below use. dz is
// a scratch block per thread, reused from block to block while it is in the thread's cache: no
// pass over memory writes the masked gradient.
//
// dx with stride 1 (and padding no wider than the window, which 'same' and 'valid' are): a
// direct convolution of the block's gy with the filter flipped in space and transposed in
// channels (flip_geom, flip_filter), the same kernel as the forward (conv2d_direct): each dx
// element is one sum over (ky, kx, o) from 0, computed where it is stored, with no columns and no
// scatter. Otherwise, image by image: a block's rows of the product gy w^T, then their col2im.
// Either way an image's dx is the same computation in any block: the same bits for any thread
// count.
//
// dw = cols(x)^T @ gy. The reduction runs over every output pixel of the batch (NP), so dw has
// only K x OC elements to split over threads (72 for the cnn lesson's first layer). The blocks
// hold at most kWeightGradBlock output pixels each (one image when an image has more), fixed by
// the shapes alone: each block's product cols(x_block)^T @ gy_block (kernels/conv.h
// conv2d_weight_grad: gemm's sums without a copy of the columns) is added in block order. The
// same bits for any thread count (the blocks and the order do not depend on it), natively and in
// wasm; a batch of one block is the plain product, written into dw directly. The bias gradient
// db (the sum of gy over NP) is summed the same way, in the same blocks: each block's rows in
// order from 0 (kernels.h sum_rows), the blocks' sums added in block order. (Without dw and db, a
// block is one image.)
constexpr size_t kWeightGradBlock = 512;

// The input gradient of a stride-1 convolution as a convolution: dx[i] = sum over ky of
// gy[i + pt - ky dh] w[ky] (each axis) is the correlation of gy with the filter flipped (ky' =
// KH - 1 - ky) over padding (KH - 1) dh - pt, whose output is the input's size.
bool direct_input_grad(const ConvGeom& g) {
  return g.sh == 1 && g.sw == 1 && g.pt <= (g.kh - 1) * g.dh && g.pl <= (g.kw - 1) * g.dw;
}
ConvGeom flip_geom(const ConvGeom& g, size_t oc) {
  ConvGeom t = g;
  t.h = g.oh, t.w = g.ow, t.c = oc;
  t.pt = (g.kh - 1) * g.dh - g.pt, t.pl = (g.kw - 1) * g.dw - g.pl;
  t.oh = g.h, t.ow = g.w;
  return t;
}
// wf [KH, KW, OC, C] from w [KH, KW, C, OC]: wf[ky, kx, o, c] = w[KH-1-ky, KW-1-kx, c, o].
void flip_filter(const float* w, const ConvGeom& g, size_t oc, float* wf) {
  for (size_t ky = 0; ky < g.kh; ++ky)
    for (size_t kx = 0; kx < g.kw; ++kx) {
      const float* src = w + ((g.kh - 1 - ky) * g.kw + (g.kw - 1 - kx)) * g.c * oc;
      float* dst = wf + (ky * g.kw + kx) * oc * g.c;
      kernels::transpose2d(src, dst, g.c, oc);
    }
}

// A fused max pooling (conv2d's max_pool): gy is then the pooled output's gradient, and each
// block's gradient at the convolution's output is rebuilt in the thread's scratch block dz: gy
// masked where the pooled output is 0 (with a ReLU: relu_y is then the pooled output, the value
// of y at each window's max, so the mask of the unfused ReLU's backward on the elements that
// receive a gradient), then scattered to each window's max (max_pool2d's backward). The unfused
// ops scatter first and mask after; every element gets the same sum of the same terms, so the
// same bits.
struct PoolFuse {
  ConvGeom g;         // the pooling over the convolution's output [N, OH, OW, OC]
  const float* arg;   // where each pooled output's gradient goes (kernels/conv.h max_pool)
};

void conv_grads(const float* x, const float* gy, const float* w, const ConvGeom& g, size_t oc,
                Tensor* dx, Tensor* dw, Tensor* db = nullptr, const float* relu_y = nullptr,
                const PoolFuse* pf = nullptr) {
  const size_t pix = g.oh * g.ow, np = g.n * pix, kk = g.kh * g.kw * g.c;
  const size_t ppix = pf ? pf->g.oh * pf->g.ow : pix;  // gy's pixels per image
  const size_t in_image = g.h * g.w * g.c;
  const size_t per =
      dw || db ? std::max<size_t>(1, kWeightGradBlock / std::max<size_t>(1, pix)) : 1;
  const size_t blocks = (g.n + per - 1) / per;
  // the threads for_range below runs on at most (never more than the blocks): a scratch block each
  const size_t slots = std::min(parallel::slots(), blocks);
  double work = 0;
  // The bias gradient's partial sums (db itself for one block).
  Tensor partial_b;
  if (db) {
    *db = Tensor::empty({int64_t(oc)});
    partial_b = blocks > 1 ? Tensor::empty({int64_t(blocks), int64_t(oc)}) : *db;
    work += double(np) * double(oc);
  }
  Tensor dz, gm;
  if (relu_y || pf) {
    work += double(np) * double(oc);
    dz = workspace(slots * per * pix * oc);
  }
  if (relu_y && pf) gm = workspace(slots * per * ppix * oc);
  // The input gradient's transposed filter, and per thread a block's columns (reused from block to
  // block while they are in the thread's cache: the columns of the whole batch, written once and
  // read once, would stream through memory) and gemm workspace (enough for any part's rows: a
  // row count that is not a whole number of tiles needs the most).
  // Direct (stride 1): the flipped filter, and per thread the kernel's workspace.
  Tensor wt, dcols, work_x;
  const bool direct_dx = dx && direct_input_grad(g);
  const size_t ws_x = direct_dx ? kernels::conv2d_direct_workspace(flip_geom(g, oc), g.c)
                                : kernels::gemm_workspace(1, kk, oc);
  if (dx) {
    wt = Tensor::empty({int64_t(oc), int64_t(kk)});
    if (direct_dx) {
      flip_filter(w, g, oc, wt.data());
    } else {
      kernels::transpose2d(w, wt.data(), kk, oc);
      dcols = workspace(slots * per * pix * kk);
    }
    work_x = workspace(slots * ws_x);
    *dx = Tensor::empty({int64_t(g.n), int64_t(g.h), int64_t(g.w), int64_t(g.c)});
    work += double(np) * double(kk) * double(direct_dx ? oc : oc + 4);
  }
  // The weight gradient's partial sums (dw itself for one block) and workspace per block,
  // allocated here (not in the tasks).
  Tensor partial, work_w;
  size_t ws_w = 0;
  if (dw) {
    *dw = Tensor::empty({int64_t(kk), int64_t(oc)});
    ConvGeom first = g;
    first.n = std::min(per, g.n);
    ws_w = kernels::conv2d_weight_grad_workspace(first, oc);
    partial = blocks > 1 ? Tensor::empty({int64_t(blocks), int64_t(kk * oc)}) : *dw;
    work_w = workspace(blocks * ws_w);
    work += double(np) * double(kk) * double(oc + 4);
  }
  // Below one chunk's work, block by block on this thread (the kernels then split over the pool).
  parallel::for_range(blocks, work, 1, [&](size_t b0, size_t b1, size_t slot) {
    // the flipped filter packed once per part (conv2d_direct_prepare), not per block
    if (direct_dx)
      k::conv2d_direct_prepare(wt.data(), flip_geom(g, oc), g.c, nullptr, work_x.data() + slot * ws_x);
    for (size_t b = b0; b < b1; ++b) {
      ConvGeom gb = g;
      const size_t n0 = b * per;
      gb.n = std::min(per, g.n - n0);
      const size_t rows = gb.n * pix;
      const float* gyb = gy + n0 * ppix * oc;
      if (relu_y) {
        float* dzb = pf ? gm.data() + slot * per * ppix * oc : dz.data() + slot * per * pix * oc;
        const float* yb = relu_y + n0 * ppix * oc;
        k::unary_backward(kernels::Unary::Relu, yb, yb, gyb, dzb, gb.n * ppix * oc, 0.f);
        gyb = dzb;
      }
      if (pf) {
        ConvGeom pb = pf->g;
        pb.n = gb.n;
        float* dzb = dz.data() + slot * per * pix * oc;
        k::max_pool_backward(pf->arg + n0 * ppix * oc, gyb, pb, dzb);
        gyb = dzb;
      }
      if (db) k::sum_rows(gyb, rows, oc, partial_b.data() + b * oc);
      if (direct_dx) {
        k::conv2d_direct_prepared(gyb, flip_geom(gb, oc), g.c, dx->data() + n0 * in_image,
                                  work_x.data() + slot * ws_x, false, false);
      } else if (dx) {
        float* d = dcols.data() + slot * per * pix * kk;
        float* dxb = dx->data() + n0 * in_image;
        k::gemm(rows, kk, oc, gyb, wt.data(), d, work_x.data() + slot * ws_x);
        std::fill_n(dxb, gb.n * in_image, 0.f);
        k::col2im(d, gb, dxb);
      }
      if (dw)
        k::conv2d_weight_grad(x + n0 * in_image, gyb, gb, oc, partial.data() + b * kk * oc,
                              work_w.data() + b * ws_w);
    }
  });
  if (blocks == 1) return;
  if (dw) {
    std::copy_n(partial.data(), kk * oc, dw->data());
    for (size_t b = 1; b < blocks; ++b)
      k::accumulate(partial.data() + b * kk * oc, dw->data(), kk * oc);
  }
  if (db) {
    std::copy_n(partial_b.data(), oc, db->data());
    for (size_t b = 1; b < blocks; ++b) k::accumulate(partial_b.data() + b * oc, db->data(), oc);
  }
}

Tensor conv_input_grad(const float* gy, const float* w, const ConvGeom& g, size_t oc) {
  Tensor dx;
  conv_grads(nullptr, gy, w, g, oc, &dx, nullptr);
  return dx;
}

Tensor conv_weight_grad(const float* x, const float* gy, const ConvGeom& g, size_t oc) {
  Tensor dw;
  conv_grads(x, gy, nullptr, g, oc, nullptr, &dw);
  return dw;
}

// conv2d with max_pool: y [N,POH,POW,OC] = max_pool(conv (geometry g) of x with w [K, OC], + bias,
// ReLU), pooling geometry p; arg (not null when a backward will be recorded) as max_pool's. Image
// by image over the pool, each image convolved into the thread's scratch block (conv2d_direct,
// with the thread's own workspace) and pooled from there while it is in that thread's cache.
// The kernels are those of the two ops, each image computed the same way on any thread: the
// same bits as conv_forward then max_pool, for any thread count.
void conv_pool_forward(const float* x, const float* w, const ConvGeom& g, size_t oc,
                       const float* bias, bool relu, const ConvGeom& p, float* y, float* arg) {
  const size_t pix = g.oh * g.ow, ppix = p.oh * p.ow, in_image = g.h * g.w * g.c;
  ConvGeom g1 = g, p1 = p;
  g1.n = p1.n = 1;
  const size_t ws = kernels::conv2d_direct_workspace(g1, oc);
  // a whole number of cache lines per image block, so two threads' blocks never share one
  const size_t zs = (pix * oc + 15) / 16 * 16;
  const size_t slots = std::min(parallel::slots(), g.n);
  Tensor z = workspace(slots * zs), work = workspace(slots * ws);
  const double mults = double(g.n) * double(pix) * double(g.kh * g.kw * g.c) * double(oc);
  float* const zd = z.data();
  float* const wd = work.data();
  // The geometry and pointers are copied into the part's own frame (kernels_conv_simd.cpp's
  // pooling loops do the same): in wasm a worker reading them through references into this
  // frame shares cache lines with this thread's stack.
  parallel::for_range(g.n, mults, 1, [&](size_t n0, size_t n1, size_t slot) {
    const ConvGeom gl = g1, pl = p1;
    const size_t c = oc, pp = ppix, ii = in_image;
    const float *xl = x, *wl = w, *bl = bias;
    float *yl = y, *al = arg;
    const bool rl = relu;
    float* zb = zd + slot * zs;
    float* wb = wd + slot * ws;
    k::conv2d_direct_prepare(wl, gl, c, bl, wb);  // the filter packed once per part, not per image
    for (size_t n = n0; n < n1; ++n) {
      k::conv2d_direct_prepared(xl + n * ii, gl, c, zb, wb, bl != nullptr, rl);
      k::max_pool(zb, pl, yl + n * pp * c, al ? al + n * pp * c : nullptr);
    }
  });
}

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dOptions& o) {
  check_nhwc("conv2d", x);
  if (w.ndim() != 4)
    fail("conv2d: filter ", shape_str(w.shape()), " must be 4-d [kernelH, kernelW, inChannels, ",
         "outChannels]");
  if (w.dim(2) != x.dim(3))
    fail("conv2d: filter ", shape_str(w.shape()), " expects ", w.dim(2),
         " input channels but the input ", shape_str(x.shape()), " has ", x.dim(3));
  if (w.dim(3) < 1) fail("conv2d: filter ", shape_str(w.shape()), " has no output channels");
  const int64_t oc = w.dim(3);
  check_bias("conv2d", bias, oc);
  const ConvGeom g = make_geom("conv2d", x.shape(), w.dim(0), w.dim(1), o.stride_h, o.stride_w,
                               o.dilation_h, o.dilation_w, o.padding, o.pad_h, o.pad_w);
  const bool relu = o.activation == ConvActivation::Relu;
  Tensor xc = dense(x), wc = dense(w), bc = bias.defined() ? dense(bias) : Tensor();
  std::vector<Tensor> ins{x, w};
  if (bias.defined()) ins.push_back(bias);
  // With max_pool: the pooling's geometry, and where each pooled output's gradient goes (found
  // only when the backward will be recorded).
  ConvGeom p;
  Tensor y, arg;
  if (o.max_pool) {
    p = pool_geom("conv2d (maxPool)", {int64_t(g.n), int64_t(g.oh), int64_t(g.ow), oc}, o.pool);
    y = Tensor::empty({int64_t(p.n), int64_t(p.oh), int64_t(p.ow), oc});
    if (will_record(ins)) arg = Tensor::empty(y.shape());
    conv_pool_forward(xc.data(), wc.data(), g, size_t(oc), bc.defined() ? bc.data() : nullptr,
                      relu, p, y.data(), arg.defined() ? arg.data() : nullptr);
  } else {
    y = conv_forward(xc.data(), wc.data(), g, size_t(oc), bc.defined() ? bc.data() : nullptr,
                     relu);
  }
  // One node for the convolution, its bias, its ReLU (and the pooling); the ReLU's backward
  // needs y (pooled: y at each window's max, which is all the mask needs).
  return record(y, "conv2d", std::move(ins),
                [g, oc, pooled = o.max_pool, p, arg, yd = relu ? y.detach() : Tensor()](
                    std::vector<Tensor>& in, const Tensor& gy) {
    const bool need_dx = in[0].requires_grad(), need_dw = in[1].requires_grad();
    const bool need_db = in.size() > 2 && in[2].requires_grad();
    Tensor gc = dense(gy);
    Tensor xd = need_dw ? dense(in[0]) : Tensor(), wd = need_dx ? dense(in[1]) : Tensor(), dx, dw,
           db;
    const PoolFuse pf{p, arg.defined() ? arg.data() : nullptr};
    conv_grads(need_dw ? xd.data() : nullptr, gc.data(), need_dx ? wd.data() : nullptr, g,
               size_t(oc), need_dx ? &dx : nullptr, need_dw ? &dw : nullptr,
               need_db ? &db : nullptr, yd.defined() ? yd.data() : nullptr,
               pooled ? &pf : nullptr);
    if (need_dx) accumulate_grad(in[0], std::move(dx));
    if (need_dw) accumulate_grad(in[1], reshape(dw, in[1].shape()));
    if (need_db) accumulate_grad(in[2], std::move(db));
  });
}

Tensor depthwise_conv2d(const Tensor& x, const Tensor& w, const Tensor& bias,
                        const Conv2dOptions& o) {
  if (o.max_pool)
    fail("depthwiseConv2d: maxPool is fused only into conv2d (apply maxPool2d to the output)");
  check_nhwc("depthwiseConv2d", x);
  if (w.ndim() != 4)
    fail("depthwiseConv2d: filter ", shape_str(w.shape()),
         " must be 4-d [kernelH, kernelW, channels, multiplier]");
  if (w.dim(2) != x.dim(3))
    fail("depthwiseConv2d: filter ", shape_str(w.shape()), " expects ", w.dim(2),
         " input channels but the input ", shape_str(x.shape()), " has ", x.dim(3));
  if (w.dim(3) < 1)
    fail("depthwiseConv2d: filter ", shape_str(w.shape()), " has a channel multiplier of 0");
  const int64_t m = w.dim(3);
  check_bias("depthwiseConv2d", bias, x.dim(3) * m);
  const ConvGeom g = make_geom("depthwiseConv2d", x.shape(), w.dim(0), w.dim(1), o.stride_h,
                               o.stride_w, o.dilation_h, o.dilation_w, o.padding, o.pad_h, o.pad_w);
  Tensor xc = dense(x), wc = dense(w);
  Tensor y = Tensor::empty(
      {int64_t(g.n), int64_t(g.oh), int64_t(g.ow), int64_t(g.c) * m});
  k::depthwise(xc.data(), wc.data(), g, size_t(m), y.data());
  y = record(y, "depthwiseConv2d", {x, w}, [g, m](std::vector<Tensor>& in, const Tensor& gy) {
    Tensor gc = dense(gy);
    if (in[0].requires_grad()) {
      Tensor wd = dense(in[1]);
      Tensor dx = Tensor::zeros(in[0].shape());
      k::depthwise_backward_input(gc.data(), wd.data(), g, size_t(m), dx.data());
      accumulate_grad(in[0], std::move(dx));
    }
    if (in[1].requires_grad()) {
      Tensor xd = dense(in[0]);
      Tensor dw = Tensor::zeros(in[1].shape());
      k::depthwise_backward_weight(xd.data(), gc.data(), g, size_t(m), dw.data());
      accumulate_grad(in[1], std::move(dw));
    }
  });
  return finish(y, bias, o.activation);
}

Tensor conv2d_transpose(const Tensor& x, const Tensor& w, const Tensor& bias,
                        const ConvTranspose2dOptions& o) {
  if (o.max_pool)
    fail("conv2dTranspose: maxPool is fused only into conv2d (apply maxPool2d to the output)");
  check_nhwc("conv2dTranspose", x);
  if (w.ndim() != 4)
    fail("conv2dTranspose: filter ", shape_str(w.shape()),
         " must be 4-d [kernelH, kernelW, outChannels, inChannels]");
  if (w.dim(3) != x.dim(3))
    fail("conv2dTranspose: filter ", shape_str(w.shape()), " expects ", w.dim(3),
         " input channels (its last dimension) but the input ", shape_str(x.shape()), " has ",
         x.dim(3));
  if (w.dim(2) < 1)
    fail("conv2dTranspose: filter ", shape_str(w.shape()), " has no output channels");
  const int64_t oc = w.dim(2), c = x.dim(3);
  check_bias("conv2dTranspose", bias, oc);
  v::ConvDim dy{x.dim(1), w.dim(0), o.stride_h, o.dilation_h, o.padding, o.pad_h};
  v::ConvDim dx{x.dim(2), w.dim(1), o.stride_w, o.dilation_w, o.padding, o.pad_w};
  const v::ConvSize ry = v::conv_transpose_output_size("conv2dTranspose (height)", dy,
                                                       o.output_padding_h);
  const v::ConvSize rx = v::conv_transpose_output_size("conv2dTranspose (width)", dx,
                                                       o.output_padding_w);
  // The forward convolution [N,OH,OW,OC] -> [N,H,W,C] whose input gradient this op is.
  ConvGeom g;
  g.n = size_t(x.dim(0)); g.h = size_t(ry.out); g.w = size_t(rx.out); g.c = size_t(oc);
  g.kh = size_t(w.dim(0)); g.kw = size_t(w.dim(1));
  g.sh = size_t(o.stride_h); g.sw = size_t(o.stride_w);
  g.dh = size_t(o.dilation_h); g.dw = size_t(o.dilation_w);
  g.pt = size_t(ry.pad_before); g.pl = size_t(rx.pad_before);
  g.oh = size_t(x.dim(1)); g.ow = size_t(x.dim(2));
  check_shape("conv2dTranspose", {x.dim(0), ry.out, rx.out, oc});
  Tensor xc = dense(x), wc = dense(w);
  Tensor y = conv_input_grad(xc.data(), wc.data(), g, size_t(c));
  y = record(y, "conv2dTranspose", {x, w}, [g, c](std::vector<Tensor>& in, const Tensor& gy) {
    Tensor gc = dense(gy);
    if (in[0].requires_grad()) {
      Tensor wd = dense(in[1]);
      accumulate_grad(in[0], conv_forward(gc.data(), wd.data(), g, size_t(c)));
    }
    if (in[1].requires_grad()) {
      Tensor xd = dense(in[0]);
      accumulate_grad(in[1], reshape(conv_weight_grad(gc.data(), xd.data(), g, size_t(c)),
                                     in[1].shape()));
    }
  });
  return finish(y, bias, o.activation);
}

// ---- pooling ------------------------------------------------------------------------------------

static ConvGeom pool_geom(const char* op, const Tensor& x, const Pool2dOptions& o) {
  check_nhwc(op, x);
  return pool_geom(op, x.shape(), o);
}

Tensor max_pool2d(const Tensor& x, const Pool2dOptions& o) {
  const ConvGeom g = pool_geom("maxPool2d", x, o);
  Tensor xc = dense(x);
  Tensor y = Tensor::empty({int64_t(g.n), int64_t(g.oh), int64_t(g.ow), int64_t(g.c)});
  // Where each output's gradient goes (kernels/conv.h), kept for the backward instead of x;
  // found only when the backward will be recorded.
  const bool grad = will_record({x});
  Tensor arg = grad ? Tensor::empty(y.shape()) : Tensor();
  k::max_pool(xc.data(), g, y.data(), grad ? arg.data() : nullptr);
  return record(y, "maxPool2d", {x}, [g, arg](std::vector<Tensor>& in, const Tensor& gy) {
    Tensor gc = dense(gy);
    Tensor dx = Tensor::empty(in[0].shape());  // the kernel zeroes it
    k::max_pool_backward(arg.data(), gc.data(), g, dx.data());
    accumulate_grad(in[0], std::move(dx));
  });
}

Tensor avg_pool2d(const Tensor& x, const Pool2dOptions& o) {
  const ConvGeom g = pool_geom("avgPool2d", x, o);
  Tensor xc = dense(x);
  Tensor y = Tensor::empty({int64_t(g.n), int64_t(g.oh), int64_t(g.ow), int64_t(g.c)});
  k::avg_pool(xc.data(), g, y.data());
  return record(y, "avgPool2d", {x}, [g](std::vector<Tensor>& in, const Tensor& gy) {
    Tensor gc = dense(gy);
    Tensor dx = Tensor::zeros(in[0].shape());
    k::avg_pool_backward(gc.data(), g, dx.data());
    accumulate_grad(in[0], std::move(dx));
  });
}

Tensor global_avg_pool2d(const Tensor& x) {
  check_nhwc("globalAvgPool2d", x);
  // mean over H and W of [N, H*W, C]
  return mean(reshape(x, {x.dim(0), x.dim(1) * x.dim(2), x.dim(3)}), 1, false);
}

// ---- upsampling ---------------------------------------------------------------------------------

Tensor upsampling2d(const Tensor& x, int64_t fh, int64_t fw, Interpolation mode) {
  check_nhwc("upsampling2d", x);
  if (fh < 1 || fw < 1 || fh > 4096 || fw > 4096)
    fail("upsampling2d: factors must be integers in [1, 4096], got ", fh, " x ", fw);
  const size_t n = size_t(x.dim(0)), h = size_t(x.dim(1)), w = size_t(x.dim(2)),
               c = size_t(x.dim(3));
  const Shape os{x.dim(0), x.dim(1) * fh, x.dim(2) * fw, x.dim(3)};
  check_shape("upsampling2d", os);
  Tensor xc = dense(x);
  Tensor y = Tensor::empty(os);
  const size_t oh = size_t(os[1]), ow = size_t(os[2]);
  if (mode == Interpolation::Nearest) {
    k::upsample_nearest(xc.data(), n, h, w, c, size_t(fh), size_t(fw), y.data());
    return record(y, "upsampling2d", {x},
                  [n, h, w, c, fh, fw](std::vector<Tensor>& in, const Tensor& gy) {
                    Tensor gc = dense(gy);
                    Tensor dx = Tensor::zeros(in[0].shape());
                    k::upsample_nearest_backward(gc.data(), n, h, w, c, size_t(fh), size_t(fw),
                                                 dx.data());
                    accumulate_grad(in[0], std::move(dx));
                  });
  }
  k::upsample_bilinear(xc.data(), n, h, w, c, oh, ow, y.data());
  return record(y, "upsampling2d", {x},
                [n, h, w, c, oh, ow](std::vector<Tensor>& in, const Tensor& gy) {
                  Tensor gc = dense(gy);
                  Tensor dx = Tensor::zeros(in[0].shape());
                  k::upsample_bilinear_backward(gc.data(), n, h, w, c, oh, ow, dx.data());
                  accumulate_grad(in[0], std::move(dx));
                });
}

}  // namespace pg
