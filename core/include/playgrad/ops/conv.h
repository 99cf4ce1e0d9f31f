// playgrad/ops/conv.h: convolution, pooling and upsampling ops with autograd. NHWC, float32.
//
// Layouts follow TensorFlow:
//   input  x  [N, H, W, C]       (batch, height, width, channels)
//   conv2d filter w [KH, KW, C, OC]  (HWIO), bias [OC]
//   depthwise filter [KH, KW, C, M]  (channel multiplier M), bias [C*M]
//   conv2d_transpose filter [KH, KW, OC, C]  (the filter of the convolution it is the gradient
//                            of: that convolution maps OC channels to C), bias [OC]
// Sizes (vision.h): out = floor((in + 2P - d(k - 1) - 1) / s) + 1; 'same' is TensorFlow's:
// out = ceil(in / s), with the odd extra pixel of padding at the bottom/right.
// The forward convolution is direct (kernels/conv.h conv2d_direct: the window read in place, no
// im2col copy); the input gradient is gemm then col2im, the weight gradient im2col then gemm.
// Every backward is written next to its forward in core/src/ops/ops_conv.cpp. Errors name the op
// and the shapes, e.g.
//   "conv2d: filter [3,3,2,8] expects 2 input channels but the input [1,28,28,3] has 3"
#pragma once
#include "playgrad/tensor.h"
#include "playgrad/vision/vision.h"

namespace pg {

// What a convolution applies after its bias: nothing, or max(0, .).
enum class ConvActivation { Linear, Relu };

struct Pool2dOptions {
  int64_t kernel_h = 2, kernel_w = 2;
  int64_t stride_h = 0, stride_w = 0;  // 0: the kernel size (as Keras)
  vision::PaddingMode padding = vision::PaddingMode::Valid;
  int64_t pad_h = 0, pad_w = 0;  // Explicit: must be < kernel (every window touches the input)
};

struct Conv2dOptions {
  int64_t stride_h = 1, stride_w = 1;
  vision::PaddingMode padding = vision::PaddingMode::Valid;
  int64_t pad_h = 0, pad_w = 0;  // Explicit padding: pixels on both sides of each axis
  int64_t dilation_h = 1, dilation_w = 1;
  ConvActivation activation = ConvActivation::Linear;
  // conv2d only: a max pooling of the activation's output, fused (below).
  bool max_pool = false;
  Pool2dOptions pool;
};

// x [N,H,W,C] * w [KH,KW,C,OC] (+ bias [OC]) -> [N,OH,OW,OC], then the activation. bias may be
// an undefined Tensor.
// Fused (TensorFlow.js's fused conv2d, XNNPACK's bias and output clamp): the bias and ReLU are
// applied to each sum as it leaves the kernel, and the backward is one pass over the batch (the
// ReLU's mask, the bias gradient and both convolution gradients, block by block) and one graph
// node. y has the bits of relu(add(conv2d(x, w), bias)), and so do dx and dw; the bias
// gradient is summed per block of images (the weight gradient's blocks), the blocks' sums added
// in order: the same bits for any thread count, not always those of the unfused add's sum.
//
// With max_pool, the output is max_pool2d(that, pool) ([N,POH,POW,OC]), fused too: each image is
// convolved into a scratch block of the thread's own and pooled from there while it is in that
// thread's cache, so the convolution's output is never written to memory, nor read back by the
// pooling, nor its gradient by the backward. The backward rebuilds each block's gradient at the
// convolution's output in a scratch block (the pooled gradient, masked where the pooled output is
// 0 when relu, then scattered to each window's max as max_pool2d's backward does). Everything,
// the bias gradient included, has the bits of max_pool2d(conv2d(x, w, bias, without max_pool)).
// What a Conv2D layer followed by a MaxPooling2D layer runs in a model's training and predict.
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias = Tensor(),
              const Conv2dOptions& opt = {});

// Each input channel convolved with its own M filters: x [N,H,W,C], w [KH,KW,C,M]
// (+ bias [C*M]) -> [N,OH,OW,C*M]; output channel c*M + m comes from input channel c. The
// activation (here and in conv2d_transpose) runs as its own op after the bias.
Tensor depthwise_conv2d(const Tensor& x, const Tensor& w, const Tensor& bias = Tensor(),
                        const Conv2dOptions& opt = {});

struct ConvTranspose2dOptions : Conv2dOptions {
  int64_t output_padding_h = 0, output_padding_w = 0;  // in [0, stride); 0 with 'same'
};
// The gradient of conv2d with respect to its input, as an op: x [N,H,W,C], w [KH,KW,OC,C]
// (+ bias [OC]) -> [N,OH,OW,OC] with OH = s (H - 1) + d (KH - 1) + output_padding - 2P + 1
// ('valid': P = 0; 'same': OH = s H). Matches tf.conv2dTranspose given that output shape.
Tensor conv2d_transpose(const Tensor& x, const Tensor& w, const Tensor& bias = Tensor(),
                        const ConvTranspose2dOptions& opt = {});

// [N,H,W,C] -> [N,OH,OW,C]: the max over each window (padding never wins). Backward: the
// gradient goes to the first position (row-major in the window) holding the max (the first NaN
// when the max is NaN). The forward notes that position for each output when a gradient will be
// wanted, and the backward reads it instead of x and y.
Tensor max_pool2d(const Tensor& x, const Pool2dOptions& opt = {});
// [N,H,W,C] -> [N,OH,OW,C]: the mean over the in-bounds part of each window (padded positions
// are not counted, as TensorFlow's avgPool with 'same').
Tensor avg_pool2d(const Tensor& x, const Pool2dOptions& opt = {});
// [N,H,W,C] -> [N,C]: mean over H and W.
Tensor global_avg_pool2d(const Tensor& x);

enum class Interpolation { Nearest, Bilinear };
// [N,H,W,C] -> [N, H*fh, W*fw, C]. Nearest repeats each pixel; bilinear uses half-pixel centres
// (Keras UpSampling2D(interpolation='bilinear'), tf.image.resizeBilinear with halfPixelCenters,
// PyTorch align_corners=False): src = max((dst + 0.5) / f - 0.5, 0), clamped at the far edge.
Tensor upsampling2d(const Tensor& x, int64_t fh, int64_t fw,
                    Interpolation mode = Interpolation::Nearest);

}  // namespace pg
