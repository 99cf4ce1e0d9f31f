// The rows of the op table (op_table.h). One row per op variant: broadcasting, batched matmul,
// axes and keepdims, paddings and strides, loss reductions. Row names are shared with
// tests/node/op-table.mjs.
#include "op_table.h"

#include <algorithm>
#include <cmath>

#include "playgrad/nn/losses.h"
#include "playgrad/ops/conv.h"
#include "playgrad/ops/ops.h"

namespace pgt {

using namespace pg;
using Xs = std::vector<Tensor>;
namespace L = pg::losses;
using V = vision::PaddingMode;

Dims Dims::fixed() { return {{2, 3, 4}, {3, 1}, {2, 3, 1}, -2, 3, 4, 5, 2}; }

Dims Dims::random(Rng& r) {
  Dims d;
  const int rank = 1 + int(r.below(3));
  for (int i = 0; i < rank; ++i) d.s.push_back(1 + r.below(4));
  d.row = d.s;
  d.row.erase(d.row.begin());
  if (!d.row.empty()) d.row[r.below(uint32_t(d.row.size()))] = 1;
  d.col = d.s;
  d.col.back() = 1;
  d.ax = -1 - int(r.below(uint32_t(d.s.size())));
  d.M = 1 + r.below(5), d.K = 1 + r.below(5), d.N = 1 + r.below(5), d.B = 1 + r.below(3);
  return d;
}

namespace {
constexpr float kPi = 3.14159265358979f;

// Input shorthands.
In any(Shape s) { return {s}; }
In pos(Shape s) { return {s, 0.5f, 2.f}; }         // log, sqrt, pow, divisors
In kink(Shape s) { return {s, -2.f, 2.f, {0.f}}; }  // relu, abs, leaky_relu: away from 0
In distinct(Shape s, float lo = -2.f, float hi = 2.f) {
  In in{s, lo, hi};
  in.distinct = true;
  return in;
}
In fixed(Shape s, std::vector<float> v) {
  In in{s};
  in.values = std::move(v);
  in.grad = false;
  return in;
}
In target(Shape s, float lo = 0.f, float hi = 1.f) {
  In in{s, lo, hi};
  in.grad = false;
  return in;
}

Conv2dOptions conv(int64_t sh, int64_t sw, V pad, int64_t ph = 0, int64_t pw = 0, int64_t dh = 1,
                   int64_t dw = 1) {
  Conv2dOptions o;
  o.stride_h = sh, o.stride_w = sw, o.padding = pad, o.pad_h = ph, o.pad_w = pw;
  o.dilation_h = dh, o.dilation_w = dw;
  return o;
}
Conv2dOptions with_relu(Conv2dOptions o) {
  o.activation = ConvActivation::Relu;
  return o;
}
ConvTranspose2dOptions convt(int64_t sh, int64_t sw, V pad, int64_t ph, int64_t pw, int64_t oph,
                             int64_t opw) {
  ConvTranspose2dOptions o;
  static_cast<Conv2dOptions&>(o) = conv(sh, sw, pad, ph, pw);
  o.output_padding_h = oph, o.output_padding_w = opw;
  return o;
}
Pool2dOptions pool(int64_t kh, int64_t kw, int64_t sh, int64_t sw, V pad, int64_t ph = 0,
                   int64_t pw = 0) {
  Pool2dOptions o;
  o.kernel_h = kh, o.kernel_w = kw, o.stride_h = sh, o.stride_w = sw, o.padding = pad;
  o.pad_h = ph, o.pad_w = pw;
  return o;
}
Tensor none() { return Tensor(); }

GradTol loss_tol() { return {1e-3, 2e-3, 2e-2}; }
}  // namespace

std::vector<OpRow> op_table(const Dims& d) {
  const Shape s = d.s, row = d.row, col = d.col;
  const int ax = d.ax;
  const int64_t M = d.M, K = d.K, N = d.N, B = d.B;
  // tan has poles at pi/2 + k pi; 0.3 away its slope is ~11 and central differences still hold.
  In tan_in{s, -4.f, 4.f, {kPi / 2}, 0.3f, kPi};
  In tan_wide{{4, 6}, -400.f, 400.f, {kPi / 2}, 0.3f, kPi};
  const Pool2dOptions pool3 = pool(3, 3, 2, 2, V::Same);
  return {
      // ---- elementwise, broadcasting --------------------------------------------------------
      {"add", "add", {any(s), any(row)}, [](const Xs& x) { return add(x[0], x[1]); }},
      {"add col", "add", {any(s), any(col)}, [](const Xs& x) { return add(x[0], x[1]); }},
      {"add scalar", "add", {any(s)}, [](const Xs& x) { return add(x[0], 1.5f); }, {}, 0, false},
      {"sub", "sub", {any(row), any(s)}, [](const Xs& x) { return sub(x[0], x[1]); }},
      {"rsub", "rsub", {any(s)}, [](const Xs& x) { return rsub(1.5f, x[0]); }, {}, 0, false},
      {"mul", "mul", {any(s), any(row)}, [](const Xs& x) { return mul(x[0], x[1]); }},
      {"mul 3-d by column", "mul", {any({2, 3, 4}), any({3, 1})},
       [](const Xs& x) { return mul(x[0], x[1]); }},
      {"mul same", "mul", {any(s)}, [](const Xs& x) { return mul(x[0], x[0]); }},
      {"mul scalar", "mul", {any(s)}, [](const Xs& x) { return mul(x[0], -0.75f); }, {}, 0, false},
      {"div", "div", {any(s), pos(col)}, [](const Xs& x) { return div(x[0], x[1]); }},
      {"div same shape", "div", {pos({3, 4}), pos({3, 4})},
       [](const Xs& x) { return div(x[0], x[1]); }},
      {"neg", "neg", {any(s)}, [](const Xs& x) { return neg(x[0]); }},
      {"pow", "pow", {pos(s)}, [](const Xs& x) { return pow(x[0], 2.5f); }},
      {"pow negative", "pow", {pos(s)}, [](const Xs& x) { return pow(x[0], -1.5f); }},
      {"pow 3", "pow", {pos({5})}, [](const Xs& x) { return pow(x[0], 3.f); }},
      {"exp", "exp", {any(s)}, [](const Xs& x) { return exp(x[0]); }},
      {"log", "log", {pos(s)}, [](const Xs& x) { return log(x[0]); }},
      {"sqrt", "sqrt", {pos(s)}, [](const Xs& x) { return sqrt(x[0]); }},
      {"abs", "abs", {kink(s)}, [](const Xs& x) { return abs(x[0]); }},
      {"sigmoid", "sigmoid", {any(s)}, [](const Xs& x) { return sigmoid(x[0]); }},
      {"tanh", "tanh", {any(s)}, [](const Xs& x) { return tanh(x[0]); }},
      {"relu", "relu", {kink(s)}, [](const Xs& x) { return relu(x[0]); }},
      {"leakyRelu", "leaky_relu", {kink(s)}, [](const Xs& x) { return leaky_relu(x[0], 0.2f); }},
      {"sin", "sin", {{s, -4.f, 4.f}}, [](const Xs& x) { return sin(x[0]); }},
      {"cos", "cos", {{s, -4.f, 4.f}}, [](const Xs& x) { return cos(x[0]); }},
      {"tan", "tan", {tan_in}, [](const Xs& x) { return tan(x[0]); }},
      // Mixed lanes: |x| > 200 takes libm (glibc natively, musl in wasm), the rest stays SIMD.
      {"sin wide", "sin", {{{4, 6}, -400.f, 400.f}}, [](const Xs& x) { return sin(x[0]); }, {}, 1},
      {"cos wide", "cos", {{{4, 6}, -400.f, 400.f}}, [](const Xs& x) { return cos(x[0]); }, {}, 1},
      // (tan's gradient 1 + tan^2 doubles the value's relative difference: 4 ulps.)
      {"tan wide", "tan", {tan_wide}, [](const Xs& x) { return tan(x[0]); }, {}, 4},

      // ---- linear algebra and shape ----------------------------------------------------------
      {"matmul", "matmul", {any({M, K}), any({K, N})}, [](const Xs& x) { return matmul(x[0], x[1]); }},
      {"matmul 7x9 @ 9x13", "matmul", {any({7, 9}), any({9, 13})},
       [](const Xs& x) { return matmul(x[0], x[1]); }},
      {"matmul batched", "matmul", {any({B, M, K}), any({B, K, N})},
       [](const Xs& x) { return matmul(x[0], x[1]); }},
      {"matmul 3-d @ 2-d", "matmul", {any({B, M, K}), any({K, N})},
       [](const Xs& x) { return matmul(x[0], x[1]); }},
      {"matmul 2-d @ 3-d", "matmul", {any({M, K}), any({B, K, N})},
       [](const Xs& x) { return matmul(x[0], x[1]); }},
      {"mlp", "matmul", {any({8, 2}), any({2, 16}), any({16})},
       [](const Xs& x) { return sigmoid(add(matmul(x[0], x[1]), x[2])); }},
      {"transpose", "transpose", {any(s)}, [](const Xs& x) { return transpose(x[0]); }},
      {"transpose 0 2", "transpose", {any({2, 3, 4})},
       [](const Xs& x) { return transpose(x[0], 0, 2); }},
      {"reshape", "reshape", {any(s)}, [](const Xs& x) { return exp(reshape(x[0], {-1})); }},
      {"sum_to", "sum_to", {any(s)}, [row](const Xs& x) { return sum_to(x[0], row); }, {}, 0, false},
      {"broadcast_to", "broadcast_to", {any(row)},
       [s](const Xs& x) { return broadcast_to(x[0], s); }, {}, 0, false},
      {"concat", "concat", {any(s), any(s)}, [ax](const Xs& x) { return concat({x[0], x[1]}, ax); },
       {}, 0, false},

      // ---- reductions and softmax ------------------------------------------------------------
      {"sum", "sum", {any(s)}, [](const Xs& x) { return sum(x[0]); }},
      {"sum axis", "sum", {any(s)}, [ax](const Xs& x) { return sum(x[0], ax); }},
      {"sum axis 0", "sum", {any({3, 5})}, [](const Xs& x) { return sum(x[0], 0); }},
      {"sum keepdims", "sum", {any(s)}, [ax](const Xs& x) { return sum(x[0], ax, true); }},
      {"mean", "mean", {any(s)}, [](const Xs& x) { return mean(x[0]); }},
      {"mean keepdims", "mean", {any(s)}, [ax](const Xs& x) { return mean(x[0], ax, true); }},
      {"mean last axis", "mean", {any({3, 4})}, [](const Xs& x) { return mean(x[0], -1); }},
      {"max", "max", {distinct(s)}, [](const Xs& x) { return max(x[0]); }},
      {"max axis", "max", {distinct(s)}, [ax](const Xs& x) { return max(x[0], ax); }},
      {"max axis 1", "max", {distinct({3, 5})}, [](const Xs& x) { return max(x[0], 1); }},
      {"min", "min", {distinct(s)}, [](const Xs& x) { return min(x[0]); }},
      {"min axis", "min", {distinct(s)}, [ax](const Xs& x) { return min(x[0], ax); }},
      {"min axis 1 keepdims", "min", {distinct({3, 5})}, [](const Xs& x) { return min(x[0], 1, true); }},
      {"softmax", "softmax", {any(s)}, [ax](const Xs& x) { return softmax(x[0], ax); }},
      {"softmax last axis", "softmax", {any({3, 6})}, [](const Xs& x) { return softmax(x[0], -1); }},
      {"softmax axis 0", "softmax", {any({3, 5})}, [](const Xs& x) { return softmax(x[0], 0); }},
      {"logSoftmax", "log_softmax", {any(s)}, [ax](const Xs& x) { return log_softmax(x[0], ax); }},
      {"logSoftmax last axis", "log_softmax", {any({3, 6})},
       [](const Xs& x) { return log_softmax(x[0], -1); }},

      // ---- convolution, pooling, upsampling (NHWC) ------------------------------------------
      {"conv2d same stride 2 + bias", "conv2d", {any({2, 7, 6, 3}), any({3, 3, 3, 5}), any({5})},
       [](const Xs& x) { return conv2d(x[0], x[1], x[2], conv(2, 2, V::Same)); }},
      {"conv2d valid stride 2", "conv2d", {any({2, 7, 6, 3}), any({3, 2, 3, 4})},
       [](const Xs& x) { return conv2d(x[0], x[1], none(), conv(2, 2, V::Valid)); }},
      {"conv2d same stride [2,1]", "conv2d", {any({2, 6, 5, 2}), any({4, 4, 2, 3})},
       [](const Xs& x) { return conv2d(x[0], x[1], none(), conv(2, 1, V::Same)); }},
      {"conv2d explicit [1,2] dilation 2", "conv2d", {any({1, 8, 7, 2}), any({3, 3, 2, 2})},
       [](const Xs& x) { return conv2d(x[0], x[1], none(), conv(1, 1, V::Explicit, 1, 2, 2, 2)); }},
      {"conv2d same + bias", "conv2d", {any({1, 5, 5, 3}), any({3, 3, 3, 4}), any({4})},
       [](const Xs& x) { return conv2d(x[0], x[1], x[2], conv(1, 1, V::Same)); }},
      // stride (2, 1), dilation (1, 2), in each padding mode
      {"conv2d valid s21 d12 + bias", "conv2d", {any({2, 5, 6, 2}), any({3, 2, 2, 3}), any({3})},
       [](const Xs& x) { return conv2d(x[0], x[1], x[2], conv(2, 1, V::Valid, 0, 0, 1, 2)); }},
      {"conv2d same s21 d12 + bias", "conv2d", {any({2, 5, 6, 2}), any({3, 2, 2, 3}), any({3})},
       [](const Xs& x) { return conv2d(x[0], x[1], x[2], conv(2, 1, V::Same, 0, 0, 1, 2)); }},
      {"conv2d explicit s21 d12 + bias", "conv2d", {any({2, 5, 6, 2}), any({3, 2, 2, 3}), any({3})},
       [](const Xs& x) { return conv2d(x[0], x[1], x[2], conv(2, 1, V::Explicit, 1, 2, 1, 2)); }},
      // the fused ReLU (the bias gradient summed per block: ops/conv.h). Shapes chosen so that no
      // pre-activation lies within the +-eps probes' reach of the kink (the smallest |z| is 0.076
      // and 0.23, a probe moves z by at most 0.02), half of them positive.
      {"conv2d same + bias relu", "conv2d", {any({2, 4, 6, 3}), any({3, 3, 3, 4}), any({4})},
       [](const Xs& x) { return conv2d(x[0], x[1], x[2], with_relu(conv(1, 1, V::Same))); }},
      {"conv2d valid stride 2 relu", "conv2d", {any({2, 7, 6, 3}), any({3, 2, 3, 4})},
       [](const Xs& x) { return conv2d(x[0], x[1], none(), with_relu(conv(2, 2, V::Valid))); }},
      {"depthwiseConv2d same stride 2", "depthwise_conv2d", {any({2, 6, 6, 3}), any({3, 3, 3, 2})},
       [](const Xs& x) { return depthwise_conv2d(x[0], x[1], none(), conv(2, 2, V::Same)); }},
      {"depthwiseConv2d m=2 + bias", "depthwise_conv2d",
       {any({1, 5, 4, 3}), any({3, 2, 3, 2}), any({6})},
       [](const Xs& x) { return depthwise_conv2d(x[0], x[1], x[2], conv(1, 2, V::Same)); }},
      {"depthwiseConv2d m=1", "depthwise_conv2d", {any({2, 4, 4, 5}), any({2, 2, 5, 1})},
       [](const Xs& x) { return depthwise_conv2d(x[0], x[1], none(), conv(1, 2, V::Same)); }},
      {"conv2dTranspose stride [2,3] outputPadding [1,0]", "conv2d_transpose",
       {any({2, 3, 4, 3}), any({3, 2, 5, 3})},
       [](const Xs& x) { return conv2d_transpose(x[0], x[1], none(), convt(2, 3, V::Valid, 0, 0, 1, 0)); }},
      {"conv2dTranspose same stride 2", "conv2d_transpose", {any({2, 3, 4, 3}), any({3, 3, 2, 3})},
       [](const Xs& x) { return conv2d_transpose(x[0], x[1], none(), convt(2, 2, V::Same, 0, 0, 0, 0)); }},
      {"conv2dTranspose stride 3 outputPadding [2,1]", "conv2d_transpose",
       {any({1, 3, 3, 2}), any({2, 3, 4, 2})},
       [](const Xs& x) { return conv2d_transpose(x[0], x[1], none(), convt(3, 3, V::Valid, 0, 0, 2, 1)); }},
      {"conv2dTranspose explicit 1 stride 2 outputPadding 1", "conv2d_transpose",
       {any({1, 3, 3, 2}), any({3, 3, 2, 2})},
       [](const Xs& x) { return conv2d_transpose(x[0], x[1], none(), convt(2, 2, V::Explicit, 1, 1, 1, 1)); }},
      // stride (2, 3), padding 1, output padding (1, 0) where allowed, in each mode, + bias
      {"conv2dTranspose valid s23 + bias", "conv2d_transpose",
       {any({2, 3, 3, 2}), any({3, 2, 4, 2}), any({4})},
       [](const Xs& x) { return conv2d_transpose(x[0], x[1], x[2], convt(2, 3, V::Valid, 1, 1, 1, 0)); }},
      {"conv2dTranspose same s23 + bias", "conv2d_transpose",
       {any({2, 3, 3, 2}), any({3, 2, 4, 2}), any({4})},
       [](const Xs& x) { return conv2d_transpose(x[0], x[1], x[2], convt(2, 3, V::Same, 1, 1, 0, 0)); }},
      {"conv2dTranspose explicit s23 + bias", "conv2d_transpose",
       {any({2, 3, 3, 2}), any({3, 2, 4, 2}), any({4})},
       [](const Xs& x) { return conv2d_transpose(x[0], x[1], x[2], convt(2, 3, V::Explicit, 1, 1, 1, 0)); }},
      {"maxPool2d same 3/2", "max_pool2d", {distinct({2, 7, 6, 5}, -10.f, 10.f)},
       [pool3](const Xs& x) { return max_pool2d(x[0], pool3); }},
      {"maxPool2d valid", "max_pool2d", {distinct({2, 6, 6, 3}, -10.f, 10.f)},
       [](const Xs& x) { return max_pool2d(x[0]); }},
      {"maxPool2d [2,3]", "max_pool2d", {distinct({1, 6, 9, 2}, -10.f, 10.f)},
       [](const Xs& x) { return max_pool2d(x[0], pool(2, 3, 2, 3, V::Valid)); }},
      {"avgPool2d same 3/2", "avg_pool2d", {any({2, 7, 6, 5})},
       [pool3](const Xs& x) { return avg_pool2d(x[0], pool3); }},
      {"avgPool2d valid", "avg_pool2d", {any({2, 6, 4, 3})}, [](const Xs& x) { return avg_pool2d(x[0]); }},
      {"avgPool2d explicit 1 3/2", "avg_pool2d", {any({1, 5, 5, 3})},
       [](const Xs& x) { return avg_pool2d(x[0], pool(3, 3, 2, 2, V::Explicit, 1, 1)); }},
      // kernel (3, 2), stride (2, 1), padding 1, in each mode
      {"maxPool2d valid k32 s21", "max_pool2d", {distinct({2, 5, 6, 3}, -9.f, 9.f)},
       [](const Xs& x) { return max_pool2d(x[0], pool(3, 2, 2, 1, V::Valid, 1, 1)); }},
      {"maxPool2d same k32 s21", "max_pool2d", {distinct({2, 5, 6, 3}, -9.f, 9.f)},
       [](const Xs& x) { return max_pool2d(x[0], pool(3, 2, 2, 1, V::Same, 1, 1)); }},
      {"maxPool2d explicit k32 s21", "max_pool2d", {distinct({2, 5, 6, 3}, -9.f, 9.f)},
       [](const Xs& x) { return max_pool2d(x[0], pool(3, 2, 2, 1, V::Explicit, 1, 1)); }},
      {"avgPool2d valid k32 s21", "avg_pool2d", {any({2, 5, 6, 3})},
       [](const Xs& x) { return avg_pool2d(x[0], pool(3, 2, 2, 1, V::Valid, 1, 1)); }},
      {"avgPool2d same k32 s21", "avg_pool2d", {any({2, 5, 6, 3})},
       [](const Xs& x) { return avg_pool2d(x[0], pool(3, 2, 2, 1, V::Same, 1, 1)); }},
      {"avgPool2d explicit k32 s21", "avg_pool2d", {any({2, 5, 6, 3})},
       [](const Xs& x) { return avg_pool2d(x[0], pool(3, 2, 2, 1, V::Explicit, 1, 1)); }},
      {"globalAvgPool2d", "global_avg_pool2d", {any({2, 4, 3, 6})},
       [](const Xs& x) { return global_avg_pool2d(x[0]); }},
      {"upsampling2d nearest", "upsampling2d", {any({1, 3, 4, 3})},
       [](const Xs& x) { return upsampling2d(x[0], 2, 3, Interpolation::Nearest); }},
      {"upsampling2d nearest batch 2", "upsampling2d", {any({2, 3, 4, 5})},
       [](const Xs& x) { return upsampling2d(x[0], 2, 3, Interpolation::Nearest); }},
      {"upsampling2d bilinear [3,2]", "upsampling2d", {any({2, 3, 4, 5})},
       [](const Xs& x) { return upsampling2d(x[0], 3, 2, Interpolation::Bilinear); }},
      {"upsampling2d bilinear [2,3]", "upsampling2d", {any({2, 3, 5, 4})},
       [](const Xs& x) { return upsampling2d(x[0], 2, 3, Interpolation::Bilinear); }},

      // ---- losses (the prediction gets the gradient; mse and contrastive also the target) -----
      {"mse", "mse", {any({4, 3}), any({4, 3})},
       [](const Xs& x) { return L::mse(x[0], x[1]); }, loss_tol()},
      {"binaryCrossEntropy", "binary_cross_entropy", {{{4, 3}, 0.1f, 0.9f}, target({4, 3})},
       [](const Xs& x) { return L::binary_cross_entropy(x[0], x[1]); }, loss_tol()},
      {"binaryCrossEntropy fromLogits sum", "binary_cross_entropy", {any({4, 3}), target({4, 3})},
       [](const Xs& x) { return L::binary_cross_entropy(x[0], x[1], true, L::Reduction::Sum); },
       loss_tol()},
      {"binaryCrossEntropyWithLogits none", "binary_cross_entropy_with_logits",
       {any({4, 3}), target({4, 3})},
       [](const Xs& x) { return L::binary_cross_entropy_with_logits(x[0], x[1], L::Reduction::None); },
       loss_tol()},
      {"categoricalCrossEntropy", "categorical_cross_entropy",
       {{{4, 3}, 0.1f, 0.9f}, fixed({4, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0})},
       [](const Xs& x) { return L::categorical_cross_entropy(x[0], x[1]); }, loss_tol()},
      {"categoricalCrossEntropy fromLogits none", "categorical_cross_entropy",
       {any({4, 3}), target({4, 3})},
       [](const Xs& x) { return L::categorical_cross_entropy(x[0], x[1], true, L::Reduction::None); },
       loss_tol()},
      {"categoricalCrossEntropy fromLogits 3-d", "categorical_cross_entropy",
       {any({2, 2, 3}), target({2, 2, 3})},
       [](const Xs& x) { return L::categorical_cross_entropy(x[0], x[1], true, L::Reduction::None); },
       loss_tol()},
      {"sparseCategoricalCrossEntropy", "sparse_categorical_cross_entropy",
       {{{4, 3}, 0.1f, 0.9f}, fixed({4}, {0, 2, 1, 1})},
       [](const Xs& x) { return L::sparse_categorical_cross_entropy(x[0], x[1]); }, loss_tol()},
      {"sparseCategoricalCrossEntropy fromLogits", "sparse_categorical_cross_entropy",
       {any({4, 3}), fixed({4}, {0, 2, 1, 1})},
       [](const Xs& x) {
         return L::sparse_categorical_cross_entropy(x[0], std::vector<int64_t>{0, 2, 1, 1}, true);
       },
       loss_tol()},
      // max(0, m - d)^2 has a kink in its second derivative at d = m.
      {"contrastive", "contrastive",
       {{{5}, 0.1f, 2.f, {1.5f}}, fixed({5}, {1, 0, 1, 0, 0})},
       [](const Xs& x) { return L::contrastive(x[0], x[1], 1.5f); }, loss_tol()},
  };
}

namespace {
uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Moves v at least `margin` away from p (to the nearer side).
float keep_away(float v, float p, float margin) {
  const float d = v - p;
  if (std::fabs(d) >= margin) return v;
  return d < 0 ? p - margin : p + margin;
}
}  // namespace

std::vector<Tensor> make_inputs(const OpRow& row, uint64_t salt) {
  std::vector<Tensor> xs;
  for (size_t i = 0; i < row.inputs.size(); ++i) {
    const In& in = row.inputs[i];
    const uint64_t seed = fnv1a(row.name) + 7919 * i + 104729 * salt;
    const int64_t n = shape_numel(in.shape);
    std::vector<float> v;
    if (!in.values.empty()) {
      v = in.values;
    } else if (in.distinct) {
      // Evenly spaced over [lo, hi), in a seeded random order.
      v.resize(size_t(n));
      for (int64_t j = 0; j < n; ++j) v[size_t(j)] = in.lo + (in.hi - in.lo) * (float(j) + 0.5f) / float(n);
      Rng r(seed);
      for (size_t j = v.size(); j-- > 1;) std::swap(v[j], v[r.below(uint32_t(j + 1))]);
    } else {
      v = Tensor::rand(in.shape, seed, in.lo, in.hi).to_vector();
      for (float& x : v) {
        for (float p : in.avoid) {
          if (in.period > 0) p += in.period * std::round((x - p) / in.period);
          x = keep_away(x, p, in.margin);
        }
      }
    }
    xs.push_back(Tensor::from_vector(v, in.shape, in.grad));
  }
  return xs;
}

}  // namespace pgt
