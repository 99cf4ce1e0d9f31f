// Convolution arithmetic, the conv/pool/upsample ops (values against direct double-precision
// loops; their gradients against central differences are rows of the op table, op_table.cpp),
// the transpose as the adjoint of the convolution, the SIMD conv kernels against their scalar
// twins, and errors.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>

#include "playgrad/ops/conv.h"
#include "playgrad/kernels/conv.h"
#include "playgrad/kernels/kernels.h"
#include "playgrad/random.h"
#include "test_util.h"

using namespace pg;
using pgt::error_of;
using V = vision::PaddingMode;

// ---- arithmetic ---------------------------------------------------------------------------------

TEST(ConvArith, OutputSizes) {
  auto out = [](int64_t in, int64_t k, int64_t s, V m, int64_t p = 0, int64_t d = 1) {
    return vision::conv_output_size("t", {in, k, s, d, m, p});
  };
  EXPECT_EQ(out(28, 3, 2, V::Valid).out, 13);  // floor((28 - 3) / 2) + 1
  // The terms: span d(k - 1) + 1, numerator n + P + P - span, quotient before the floor.
  auto t = out(28, 3, 2, V::Valid);
  EXPECT_EQ(t.span, 3);
  EXPECT_EQ(t.numerator, 25);
  EXPECT_DOUBLE_EQ(t.quotient, 12.5);
  t = out(32, 5, 2, V::Explicit, 1);  // floor((32 + 2 - 5) / 2) + 1 = floor(14.5) + 1 = 15
  EXPECT_EQ(t.out, 15);
  EXPECT_EQ(t.numerator, 29);
  EXPECT_DOUBLE_EQ(t.quotient, 14.5);
  t = out(7, 3, 1, V::Valid, 0, 2);
  EXPECT_EQ(t.span, 5);
  // For every mode, out = floor(numerator / s) + 1 with the padding it implies.
  for (V m : {V::Valid, V::Same, V::Explicit})
    for (int64_t in = 1; in <= 12; ++in)
      for (int64_t k = 1; k <= 5; ++k)
        for (int64_t st = 1; st <= 4; ++st)
          for (int64_t d = 1; d <= 2; ++d) {
            if (m != V::Same && d * (k - 1) + 1 > in + (m == V::Explicit ? 2 : 0)) continue;
            const auto r = out(in, k, st, m, m == V::Explicit ? 1 : 0, d);
            EXPECT_EQ(r.span, d * (k - 1) + 1);
            EXPECT_EQ(r.numerator, in + r.pad_before + r.pad_after - r.span);
            EXPECT_GE(r.numerator, 0);
            EXPECT_EQ(r.numerator / st + 1, r.out) << in << " " << k << " " << st << " " << d;
            EXPECT_DOUBLE_EQ(r.quotient, double(r.numerator) / double(st));
          }
  EXPECT_EQ(out(28, 5, 1, V::Valid).out, 24);
  EXPECT_EQ(out(32, 3, 1, V::Explicit, 1).out, 32);
  EXPECT_EQ(out(7, 3, 1, V::Valid, 0, 2).out, 3);  // dilated extent 5
  // 'same': ceil(in / s), total padding split with the extra pixel after.
  auto s = out(5, 4, 1, V::Same);
  EXPECT_EQ(s.out, 5);
  EXPECT_EQ(s.pad_before, 1);
  EXPECT_EQ(s.pad_after, 2);
  s = out(6, 3, 2, V::Same);  // out 3, total max((3-1)*2 + 3 - 6, 0) = 1 -> 0 before, 1 after
  EXPECT_EQ(s.out, 3);
  EXPECT_EQ(s.pad_before, 0);
  EXPECT_EQ(s.pad_after, 1);
  s = out(7, 1, 3, V::Same);
  EXPECT_EQ(s.out, 3);
  EXPECT_EQ(s.pad_before + s.pad_after, 0);
  EXPECT_EQ(vision::conv_params(5, 5, 100, 500, true), 1250500);
  EXPECT_EQ(vision::conv_params(3, 3, 1, 8, false), 72);
  // Two 3x3 convs then a 2x2/2 pool then a 3x3: r = 1 + 2 + 2 + 1 + 2*2 = 10, jump 2.
  auto rf = vision::receptive_field({{3, 1, 1}, {3, 1, 1}, {2, 2, 1}, {3, 1, 1}});
  EXPECT_EQ(rf.size, 10);
  EXPECT_EQ(rf.jump, 2);
  EXPECT_EQ(rf.start, 0);
}

TEST(ConvArith, ReceptiveFieldStartFollowsThePadding) {
  // conv 3 'same' (P = 1), pool 2/2, conv 3 'same' (P = 1): a = -1 - 1 * 2 = -3, r = 8, j = 2.
  auto rf = vision::receptive_field({{3, 1, 1, 1}, {2, 2, 1, 0}, {3, 1, 1, 1}});
  EXPECT_EQ(rf.size, 8);
  EXPECT_EQ(rf.jump, 2);
  EXPECT_EQ(rf.start, -3);
  // Against brute force in 1-D: the input pixels each output pixel depends on, walked back layer by
  // layer (window of unit u in a layer's input: u s - P + i d, i < k).
  struct L1 { int64_t k, s, d, p; };
  for (const auto& stack : std::vector<std::vector<L1>>{{{3, 1, 1, 1}, {2, 2, 1, 0}, {3, 1, 1, 1}},
                                                         {{5, 2, 1, 2}, {3, 1, 2, 2}, {2, 2, 1, 0}},
                                                         {{1, 3, 1, 0}, {4, 1, 1, 3}}}) {
    std::vector<vision::RfLayer> layers;
    for (const auto& l : stack) layers.push_back({l.k, l.s, l.d, l.p});
    const auto r = vision::receptive_field(layers);
    for (int64_t u = 0; u < 4; ++u) {
      std::vector<int64_t> cur = {u};
      for (size_t li = stack.size(); li-- > 0;) {
        std::vector<int64_t> prev;
        for (int64_t v : cur)
          for (int64_t i = 0; i < stack[li].k; ++i) prev.push_back(v * stack[li].s - stack[li].p + i * stack[li].d);
        cur = prev;
      }
      const auto [lo, hi] = std::minmax_element(cur.begin(), cur.end());
      EXPECT_EQ(*lo, r.start + u * r.jump);
      EXPECT_EQ(*hi, r.start + u * r.jump + r.size - 1);
    }
  }
  EXPECT_NE(pgt::error_of([] { vision::receptive_field({{3, 1, 1, -1}}); }).find("negative padding"), std::string::npos);
}

TEST(ConvArith, TransposedSizesInvertTheForwardSize) {
  for (int64_t in = 1; in <= 9; ++in)
    for (int64_t k = 1; k <= 5; ++k)
      for (int64_t s = 1; s <= 3; ++s)
        for (int64_t d = 1; d <= 2; ++d)
          for (int64_t op = 0; op < s; ++op)
            for (int64_t p = 0; p <= 2; ++p) {
              vision::ConvDim dim{in, k, s, d, V::Explicit, p};
              const int64_t want = s * (in - 1) + d * (k - 1) + op - 2 * p + 1;
              if (want < 1) {
                EXPECT_NE(error_of([&] { vision::conv_transpose_output_size("t", dim, op); }), "");
                continue;
              }
              const auto r = vision::conv_transpose_output_size("t", dim, op);
              EXPECT_EQ(r.out, want);
              dim.input = r.out;
              EXPECT_EQ(vision::conv_output_size("t", dim).out, in);
            }
  EXPECT_EQ(vision::conv_transpose_output_size("t", {5, 3, 2, 1, V::Same, 0}).out, 10);
}

TEST(ConvArith, PyTorchSameIsStrideOneOnly) {
  vision::ConvDim d{28, 3, 2, 1, V::Same, 0};
  EXPECT_EQ(vision::conv_output_size("t", d).out, 14);  // TensorFlow: ceil(28 / 2)
  d.same_stride1_only = true;
  EXPECT_NE(error_of([&] { vision::conv_output_size("t", d); })
                .find("PyTorch allows padding='same' only for stride 1"),
            std::string::npos);
  // Stride 1: PyTorch pads as TensorFlow (total d (k - 1), the odd pixel after).
  for (int64_t k = 1; k <= 6; ++k)
    for (int64_t dil = 1; dil <= 3; ++dil) {
      vision::ConvDim a{9, k, 1, dil, V::Same, 0};
      const auto tf = vision::conv_output_size("t", a);
      a.same_stride1_only = true;
      const auto pt = vision::conv_output_size("t", a);
      EXPECT_EQ(pt.out, 9);
      EXPECT_EQ(pt.pad_before, tf.pad_before);
      EXPECT_EQ(pt.pad_after, tf.pad_after);
      EXPECT_EQ(pt.pad_before + pt.pad_after, dil * (k - 1));
      EXPECT_EQ(pt.pad_before, dil * (k - 1) / 2);
    }
}

TEST(ConvArith, ReadableErrors) {
  auto err = [](vision::ConvDim d) { return error_of([&] { vision::conv_output_size("conv2d", d); }); };
  EXPECT_NE(err({3, 5, 1, 1, V::Valid, 0}).find("kernel 5 is larger than the padded input of 3"),
            std::string::npos);
  EXPECT_NE(err({4, 3, 0, 1, V::Valid, 0}).find("stride must be >= 1"), std::string::npos);
  EXPECT_NE(err({4, 3, 1, 1, V::Explicit, -1}).find("padding must be >= 0"), std::string::npos);
  EXPECT_NE(err({5, 3, 1, 3, V::Valid, 0}).find("dilated kernel spans 7"), std::string::npos);
  EXPECT_NE(error_of([] { vision::padding_mode("conv2d", "full"); }).find("unknown padding 'full'"),
            std::string::npos);
  EXPECT_NE(error_of([] { vision::conv_transpose_output_size("t", {3, 3, 2, 1, V::Valid, 0}, 2); })
                .find("output padding must be in [0, stride)"),
            std::string::npos);
}

// ---- direct references in double ---------------------------------------------------------------

namespace {
std::vector<float> rnd(size_t n, uint64_t seed, float lo = -1.f, float hi = 1.f) {
  Rng r(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = r.uniform(lo, hi);
  return v;
}

// y[n,oy,ox,o] = sum x[n, oy s - pt + ky d, ox s - pl + kx d, c] w[ky,kx,c,o]
std::vector<float> conv_ref(const std::vector<float>& x, const Shape& xs, const std::vector<float>& w,
                            const Shape& ws, int64_t s, int64_t d, int64_t pt, int64_t pl,
                            int64_t oh, int64_t ow) {
  const int64_t N = xs[0], H = xs[1], W = xs[2], C = xs[3], KH = ws[0], KW = ws[1], O = ws[3];
  std::vector<float> y(size_t(N * oh * ow * O));
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox)
        for (int64_t o = 0; o < O; ++o) {
          double acc = 0;
          for (int64_t ky = 0; ky < KH; ++ky)
            for (int64_t kx = 0; kx < KW; ++kx) {
              const int64_t iy = oy * s - pt + ky * d, ix = ox * s - pl + kx * d;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              for (int64_t c = 0; c < C; ++c)
                acc += double(x[size_t(((n * H + iy) * W + ix) * C + c)]) *
                       double(w[size_t(((ky * KW + kx) * C + c) * O + o)]);
            }
          y[size_t(((n * oh + oy) * ow + ox) * O + o)] = float(acc);
        }
  return y;
}

// dx[n,iy,ix,c] = sum of gy[n,oy,ox,o] w[ky,kx,c,o] over oy s - pt + ky d = iy, ox s - pl + kx d = ix
std::vector<float> conv_input_grad_ref(const std::vector<float>& gy, const Shape& xs,
                                       const std::vector<float>& w, const Shape& ws, int64_t s,
                                       int64_t d, int64_t pt, int64_t pl, int64_t oh, int64_t ow) {
  const int64_t N = xs[0], H = xs[1], W = xs[2], C = xs[3], KH = ws[0], KW = ws[1], O = ws[3];
  std::vector<double> dx(size_t(N * H * W * C), 0.0);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox)
        for (int64_t ky = 0; ky < KH; ++ky)
          for (int64_t kx = 0; kx < KW; ++kx) {
            const int64_t iy = oy * s - pt + ky * d, ix = ox * s - pl + kx * d;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            for (int64_t c = 0; c < C; ++c)
              for (int64_t o = 0; o < O; ++o)
                dx[size_t(((n * H + iy) * W + ix) * C + c)] +=
                    double(gy[size_t(((n * oh + oy) * ow + ox) * O + o)]) *
                    double(w[size_t(((ky * KW + kx) * C + c) * O + o)]);
          }
  return std::vector<float>(dx.begin(), dx.end());
}

// The options of one point of the grids below (the same stride, dilation and padding both ways).
Conv2dOptions grid_options(int64_t s, int64_t d, V mode, int64_t pad) {
  Conv2dOptions o;
  o.stride_h = o.stride_w = s;
  o.dilation_h = o.dilation_w = d;
  o.padding = mode;
  o.pad_h = o.pad_w = pad;
  return o;
}
}  // namespace

TEST(Conv2d, MatchesDirectLoopsOverAGrid) {
  uint64_t seed = 1;
  for (int64_t s : {1, 2})
    for (int64_t d : {1, 2})
      for (V mode : {V::Valid, V::Same, V::Explicit}) {
        const Shape xs{2, 7, 6, 3}, ws{3, 2, 3, 4};
        const auto xv = rnd(size_t(shape_numel(xs)), seed++), wv = rnd(size_t(shape_numel(ws)), seed++);
        const Conv2dOptions o = grid_options(s, d, mode, 1);
        Tensor y = conv2d(Tensor::from_vector(xv, xs), Tensor::from_vector(wv, ws), Tensor(), o);
        const auto ry = vision::conv_output_size("t", {7, 3, s, d, mode, 1});
        const auto rx = vision::conv_output_size("t", {6, 2, s, d, mode, 1});
        ASSERT_EQ(y.shape(), (Shape{2, ry.out, rx.out, 4}));
        pgt::expect_near(y.to_vector(), conv_ref(xv, xs, wv, ws, s, d, ry.pad_before,
                                                 rx.pad_before, ry.out, rx.out),
                         1e-5, 1e-5);
      }
}

TEST(Conv2d, KnownValuesAndBias) {
  // 1x3x3x1 input 1..9, 2x2 filter of ones, bias 10: [12+10, 16+10; 24+10, 28+10].
  Tensor x = pgt::T({1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 3, 3, 1});
  Tensor w = Tensor::ones({2, 2, 1, 1});
  Tensor y = conv2d(x, w, pgt::T({10}, {1}));
  EXPECT_EQ(y.shape(), (Shape{1, 2, 2, 1}));
  pgt::expect_near(y.to_vector(), {22, 26, 34, 38});
  // 'same' with a 2x2 kernel pads only bottom/right.
  Conv2dOptions o;
  o.padding = V::Same;
  pgt::expect_near(conv2d(x, w, Tensor(), o).to_vector(), {12, 16, 9, 24, 28, 15, 15, 17, 9});
}

namespace {
Tensor rt(const Shape& s, uint64_t seed) {
  return Tensor::from_vector(rnd(size_t(shape_numel(s)), seed), s, true);
}
}  // namespace

// The gradients of every conv, pool and upsampling variant against central differences are rows
// of the op table (op_table.cpp).

// The input gradient (a direct convolution with the filter flipped when the stride is 1, col2im
// of a product otherwise, ops_conv.cpp) against loops in double: strides, dilations, 'valid',
// 'same', and explicit padding narrower and wider than the window (the widest falls back).
TEST(ConvGrad, InputGradientMatchesDirectLoopsOverAGrid) {
  uint64_t seed = 40;
  for (int64_t s : {1, 2})
    for (int64_t d : {1, 2})
      for (V mode : {V::Valid, V::Same, V::Explicit})
        for (int64_t pad : {1, 3}) {
          if (mode != V::Explicit && pad != 1) continue;
          const Shape xs{3, 7, 6, 3}, ws{3, 2, 3, 5};
          const auto xv = rnd(size_t(shape_numel(xs)), seed++), wv = rnd(size_t(shape_numel(ws)), seed++);
          const Conv2dOptions o = grid_options(s, d, mode, pad);
          for (bool relu : {false, true}) {
            Tensor x = Tensor::from_vector(xv, xs, true), w = Tensor::from_vector(wv, ws);
            Conv2dOptions f = o;
            if (relu) f.activation = ConvActivation::Relu;
            Tensor y = conv2d(x, w, Tensor(), f);
            const auto ry = vision::conv_output_size("t", {7, 3, s, d, mode, pad});
            const auto rx = vision::conv_output_size("t", {6, 2, s, d, mode, pad});
            ASSERT_EQ(y.shape(), (Shape{3, ry.out, rx.out, 5}));
            auto gv = rnd(size_t(shape_numel(y.shape())), seed++);
            sum(mul(y, Tensor::from_vector(gv, y.shape()))).backward();
            if (relu) {  // the fused ReLU's mask: no gradient where y is 0
              const auto yv = y.to_vector();
              for (size_t i = 0; i < gv.size(); ++i)
                if (!(yv[i] > 0)) gv[i] = 0;
            }
            SCOPED_TRACE("stride " + std::to_string(s) + " dilation " + std::to_string(d) +
                         " mode " + std::to_string(int(mode)) + " pad " + std::to_string(pad) +
                         (relu ? " relu" : ""));
            pgt::expect_near(x.grad().to_vector(),
                             conv_input_grad_ref(gv, xs, wv, ws, s, d, ry.pad_before, rx.pad_before,
                                                 ry.out, rx.out),
                             1e-5, 1e-5);
          }
        }
}

TEST(ConvGrad, TransposeIsTheAdjointOfConv) {
  // <conv(x, w), g> == <x, conv_transpose(g, w)> for every x, g (stride 2, dilation 2).
  Conv2dOptions o;
  o.stride_h = o.stride_w = 2;
  o.dilation_h = 2;
  Tensor x = rt({2, 9, 5, 3}, 15), w = rt({3, 3, 3, 4}, 13);
  Tensor y = conv2d(x, w, Tensor(), o);
  ASSERT_EQ(y.shape(), (Shape{2, 3, 2, 4}));
  Tensor g = rt(y.shape(), 16);
  ConvTranspose2dOptions t;
  static_cast<Conv2dOptions&>(t) = o;
  Tensor back = conv2d_transpose(g, w, Tensor(), t);
  ASSERT_EQ(back.shape(), x.shape());
  const double lhs = sum(mul(y, g)).item(), rhs = sum(mul(x, back)).item();
  EXPECT_NEAR(lhs, rhs, 1e-4 * (1 + std::fabs(lhs)));
}

// conv2d with its bias and ReLU fused: the output and the input and filter gradients have the
// bits of relu(add(conv2d(x, w), b)) computed op by op; the bias gradient, summed per block of
// images, is within float rounding of that sum (checked against float64). Gradients that arrive
// as the backward's own (sum(y * r)) and as a view the caller's graph still holds (sum(y)); a
// batch of several blocks; strides and padding; no bias.
TEST(Conv2dFused, HasTheBitsOfConvAddReluOpByOp) {
  struct Case {
    Shape x, w;
    int stride;
    V pad;
    bool bias;
  };
  const Case cases[] = {{{3, 9, 8, 5}, {3, 3, 5, 6}, 1, V::Same, true},
                        {{40, 6, 6, 2}, {3, 3, 2, 3}, 1, V::Valid, true},  // 16 pixels: 2 blocks
                        {{4, 11, 9, 3}, {3, 2, 3, 9}, 2, V::Same, true},
                        {{2, 7, 7, 4}, {3, 3, 4, 5}, 1, V::Same, false}};
  auto bits = [](const Tensor& t) {
    const auto v = t.to_vector();
    std::vector<uint32_t> b(v.size());
    std::memcpy(b.data(), v.data(), v.size() * sizeof(float));
    return b;
  };
  for (const Case& c : cases)
    for (bool own : {true, false}) {
      const std::string what = shape_str(c.x) + " * " + shape_str(c.w) + (own ? " own" : " view");
      Conv2dOptions o;
      o.stride_h = o.stride_w = c.stride;
      o.padding = c.pad;
      Conv2dOptions f = o;
      f.activation = ConvActivation::Relu;
      const Tensor xv = Tensor::randn(c.x, 11), wv = Tensor::randn(c.w, 12),
                   bv = Tensor::randn({c.w[3]}, 13);
      auto run = [&](bool fused, Tensor& x, Tensor& w, Tensor& b) {
        x = xv.clone().set_requires_grad(), w = wv.clone().set_requires_grad();
        b = c.bias ? bv.clone().set_requires_grad() : Tensor();
        Tensor y = fused ? conv2d(x, w, b, f) : relu(c.bias ? add(conv2d(x, w, Tensor(), o), b)
                                                             : conv2d(x, w, Tensor(), o));
        Tensor r = Tensor::randn(y.shape(), 14);
        (own ? sum(mul(y, r)) : sum(y)).backward();
        return y;
      };
      Tensor x1, w1, b1, x2, w2, b2;
      const Tensor y1 = run(true, x1, w1, b1), y2 = run(false, x2, w2, b2);
      EXPECT_EQ(bits(y1), bits(y2)) << what;
      EXPECT_EQ(bits(x1.grad()), bits(x2.grad())) << what;
      EXPECT_EQ(bits(w1.grad()), bits(w2.grad())) << what;
      if (!c.bias) continue;
      // db[o] = sum over pixels of gy where y > 0, in float64
      const auto y = y1.to_vector(), db = b1.grad().to_vector(), db2 = b2.grad().to_vector();
      const Tensor r = Tensor::randn(y1.shape(), 14);
      const auto rv = r.to_vector();
      const size_t oc = size_t(c.w[3]);
      for (size_t j = 0; j < oc; ++j) {
        double want = 0, mag = 0;
        for (size_t p = j; p < y.size(); p += oc)
          if (y[p] > 0) want += own ? rv[p] : 1.0, mag += own ? std::fabs(rv[p]) : 1.0;
        EXPECT_NEAR(db[j], want, 1e-6 * mag + 1e-6) << what << " channel " << j;
        EXPECT_NEAR(db2[j], want, 1e-6 * mag + 1e-6) << what << " channel " << j;
      }
    }
}

TEST(Conv2dFused, OneGraphNodeAndReadableErrors) {
  Conv2dOptions f;
  f.activation = ConvActivation::Relu;
  Tensor x = Tensor::randn({1, 4, 4, 2}, 1).set_requires_grad(), w = Tensor::randn({3, 3, 2, 3}, 2);
  Tensor y = conv2d(x, w, Tensor::randn({3}, 3), f);
  EXPECT_EQ(y.impl()->inputs.size(), 3u);
  for (const Tensor& in : y.impl()->inputs) EXPECT_EQ(in.impl()->inputs.size(), 0u);
  EXPECT_EQ(error_of([&] { conv2d(x, w, Tensor::randn({2}, 3), f); }),
            "conv2d: bias [2] must be [3] (one per output channel)");
  // the unfused ops apply the activation after the bias
  Tensor xd = Tensor::randn({1, 4, 4, 3}, 4), wd = Tensor::randn({3, 3, 3, 1}, 5);
  const auto d = depthwise_conv2d(xd, wd, Tensor(), f).to_vector();
  const auto ref = relu(depthwise_conv2d(xd, wd, Tensor(), Conv2dOptions{})).to_vector();
  EXPECT_EQ(d, ref);
}

// conv2d with its max pooling fused (Conv2dOptions::max_pool): the output and every gradient,
// the bias's included, have the bits of max_pool2d(conv2d(x, w, b)) with the same activation,
// computed as two ops. Pools tiling the output (2 x 2, odd sizes leaving a row and a column out)
// and overlapping ('same' 3 x 3 at stride 2), ReLU and linear, with and without a bias, a batch
// of several weight-gradient blocks, exact ties in the windows (integer inputs), gradients that
// arrive as the backward's own and as a view, and inputs that need no gradient.
TEST(Conv2dPooled, HasTheBitsOfConvThenMaxPool) {
  struct Case {
    Shape x, w;
    int stride;
    V pad;
    bool bias, relu, ties;
    Pool2dOptions pool;
  };
  Pool2dOptions p2, p3, p2s1;
  p3.kernel_h = p3.kernel_w = 3, p3.stride_h = p3.stride_w = 2, p3.padding = V::Same;
  p2s1.stride_h = 1, p2s1.stride_w = 2;
  const Case cases[] = {{{3, 9, 8, 5}, {3, 3, 5, 6}, 1, V::Same, true, true, false, p2},   // 9: odd
                        {{40, 6, 6, 2}, {3, 3, 2, 3}, 1, V::Same, true, true, false, p2},  // 2 blocks
                        {{4, 11, 9, 3}, {3, 2, 3, 9}, 2, V::Same, true, false, false, p3},
                        {{2, 8, 8, 4}, {3, 3, 4, 5}, 1, V::Same, false, true, true, p2},
                        {{3, 7, 9, 2}, {2, 2, 2, 4}, 1, V::Valid, true, true, true, p3},
                        {{2, 7, 7, 3}, {3, 3, 3, 8}, 1, V::Same, true, false, true, p2s1}};
  auto bits = [](const Tensor& t) {
    const auto v = t.to_vector();
    std::vector<uint32_t> b(v.size());
    std::memcpy(b.data(), v.data(), v.size() * sizeof(float));
    return b;
  };
  auto values = [](const Shape& s, uint64_t seed, bool ties) {
    Tensor t = Tensor::randn(s, seed);
    if (!ties) return t;
    auto v = t.to_vector();
    for (float& f : v) f = std::round(f * 1.5f);
    return Tensor::from_vector(v, s);
  };
  for (const Case& c : cases)
    for (int mode = 0; mode < 3; ++mode) {  // 0: own gradient, 1: a view, 2: x without a gradient
      const std::string what = shape_str(c.x) + " * " + shape_str(c.w) + (c.relu ? " relu" : "") +
                               " mode " + std::to_string(mode);
      Conv2dOptions o;
      o.stride_h = o.stride_w = c.stride;
      o.padding = c.pad;
      if (c.relu) o.activation = ConvActivation::Relu;
      Conv2dOptions f = o;
      f.max_pool = true;
      f.pool = c.pool;
      const Tensor xv = values(c.x, 21, c.ties), wv = values(c.w, 22, c.ties),
                   bv = values({c.w[3]}, 23, c.ties);
      size_t nodes_in = 0;
      auto run = [&](bool fused, Tensor& x, Tensor& w, Tensor& b) {
        x = xv.clone().set_requires_grad(mode != 2), w = wv.clone().set_requires_grad();
        b = c.bias ? bv.clone().set_requires_grad() : Tensor();
        Tensor y = fused ? conv2d(x, w, b, f) : max_pool2d(conv2d(x, w, b, o), c.pool);
        if (fused) nodes_in = y.impl()->inputs.size();  // one graph node: x, w (and b)
        Tensor r = Tensor::randn(y.shape(), 24);
        (mode == 1 ? sum(y) : sum(mul(y, r))).backward();
        return y;
      };
      Tensor x1, w1, b1, x2, w2, b2;
      const Tensor y1 = run(true, x1, w1, b1), y2 = run(false, x2, w2, b2);
      ASSERT_EQ(y1.shape(), y2.shape()) << what;
      EXPECT_EQ(bits(y1), bits(y2)) << what;
      if (mode != 2) {
        EXPECT_EQ(bits(x1.grad()), bits(x2.grad())) << what;
      } else {
        EXPECT_FALSE(x1.grad().defined()) << what;
      }
      EXPECT_EQ(bits(w1.grad()), bits(w2.grad())) << what;
      if (c.bias) {
        EXPECT_EQ(bits(b1.grad()), bits(b2.grad())) << what;
      }
      EXPECT_EQ(nodes_in, c.bias ? 3u : 2u) << what;
    }
}

TEST(Conv2dPooled, ReadableErrors) {
  Tensor x = Tensor::randn({1, 4, 4, 2}, 1), w = Tensor::randn({3, 3, 2, 3}, 2);
  Conv2dOptions f;
  f.max_pool = true;
  f.pool.kernel_h = f.pool.kernel_w = 3;
  f.pool.padding = V::Explicit;
  f.pool.pad_h = 3;
  EXPECT_EQ(error_of([&] { conv2d(x, w, Tensor(), f); }),
            "conv2d (maxPool): padding 3 x 0 must be smaller than the window 3 x 3 (a window "
            "would see only padding)");
  f.pool = Pool2dOptions{};
  f.pool.kernel_h = 5;
  EXPECT_NE(error_of([&] { conv2d(x, w, Tensor(), f); }).find("conv2d (maxPool) (height)"),
            std::string::npos);
  Tensor wd = Tensor::randn({3, 3, 2, 1}, 3);
  EXPECT_EQ(error_of([&] { depthwise_conv2d(x, wd, Tensor(), f); }),
            "depthwiseConv2d: maxPool is fused only into conv2d (apply maxPool2d to the output)");
}

TEST(Pool, KnownValues) {
  Tensor x = pgt::T({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, {1, 4, 4, 1});
  pgt::expect_near(max_pool2d(x).to_vector(), {6, 8, 14, 16});
  pgt::expect_near(avg_pool2d(x).to_vector(), {3.5, 5.5, 11.5, 13.5});
  Pool2dOptions p;
  p.kernel_h = p.kernel_w = 3;
  p.stride_h = p.stride_w = 2;
  p.padding = V::Same;  // out 2x2, total pad 1: after only -> windows rows {0,1,2}, {2,3}
  pgt::expect_near(avg_pool2d(x, p).to_vector(), {6, 7.5, 12, 13.5});
  pgt::expect_near(global_avg_pool2d(x).to_vector(), {8.5});
  Tensor u = upsampling2d(pgt::T({1, 2, 3, 4}, {1, 2, 2, 1}), 2, 2, Interpolation::Nearest);
  pgt::expect_near(u.to_vector(), {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
  Tensor b = upsampling2d(pgt::T({0, 4}, {1, 1, 2, 1}), 1, 2, Interpolation::Bilinear);
  // src x = max((j + 0.5) / 2 - 0.5, 0) = 0, 0.25, 0.75, 1.25 -> clamped: 0, 1, 3, 4
  pgt::expect_near(b.to_vector(), {0, 1, 3, 4});
  // NaN propagates through max pooling.
  Tensor n = pgt::T({1, NAN, 3, 4}, {1, 2, 2, 1});
  EXPECT_TRUE(std::isnan(max_pool2d(n).item()));
}

TEST(ConvErrors, Readable) {
  Tensor x = Tensor::zeros({1, 5, 5, 3});
  EXPECT_NE(error_of([&] { conv2d(x, Tensor::zeros({3, 3, 2, 4})); })
                .find("conv2d: filter [3,3,2,4] expects 2 input channels but the input [1,5,5,3] has 3"),
            std::string::npos);
  EXPECT_NE(error_of([&] { conv2d(Tensor::zeros({5, 5, 3}), Tensor::zeros({3, 3, 3, 4})); })
                .find("must be 4-d NHWC"),
            std::string::npos);
  EXPECT_NE(error_of([&] { conv2d(x, Tensor::zeros({7, 3, 3, 4})); })
                .find("conv2d (height): kernel 7 is larger than the padded input of 5"),
            std::string::npos);
  EXPECT_NE(error_of([&] { conv2d(x, Tensor::zeros({3, 3, 3, 4}), Tensor::zeros({3})); })
                .find("bias [3] must be [4]"),
            std::string::npos);
  Pool2dOptions p;
  p.padding = V::Explicit;
  p.pad_h = 2;
  EXPECT_NE(error_of([&] { max_pool2d(x, p); }).find("must be smaller than the window"),
            std::string::npos);
  EXPECT_NE(error_of([&] { upsampling2d(x, 0, 2); }).find("factors must be integers"),
            std::string::npos);
  // Huge explicit padding: the output shape is refused before anything is allocated.
  Conv2dOptions huge;
  huge.padding = V::Explicit;
  huge.pad_h = huge.pad_w = int64_t(1) << 30;
  EXPECT_NE(error_of([&] { conv2d(Tensor::ones({1, 1, 1, 1}), Tensor::ones({1, 1, 1, 1}), Tensor(), huge); })
                .find("too many elements"),
            std::string::npos);
}

// ---- SIMD kernels against the scalar twins ------------------------------------------------------

TEST(ConvKernels, WeightGradientOverStridesDilationsAndPadding) {
  // conv2d_weight_grad packs each window column's run of in-bounds pixels with a fixed step: its
  // result must have the bits of im2col_t + gemm (the scalar twins), including windows whose
  // column never falls inside the input (w = 2, dilation 2, padding 2). (Split over threads, it
  // is checked in test_parallel.cpp.)
  namespace K = pg::kernels;
  for (size_t w : {7, 2})
    for (size_t sw : {1, 2})
      for (size_t dw : {1, 2})
        for (size_t pl : {0, 1, 2})
          for (size_t c : {1, 3, 8}) {
            K::ConvGeom g;
            g.n = 2; g.h = 5; g.w = w; g.c = c;
            g.kh = 3; g.kw = 3; g.sh = 1; g.sw = sw; g.dh = 1; g.dw = dw;
            g.pt = 1; g.pl = pl;
            const long long span = (long long)(w + 2 * pl) - (long long)(dw * (g.kw - 1)) - 1;
            if (span < 0) continue;
            g.oh = 5;
            g.ow = size_t(span) / sw + 1;
            const size_t kk = g.kh * g.kw * c, np = g.n * g.oh * g.ow, oc = 10;
            const auto x = rnd(g.n * g.h * g.w * c, 500 + c), gy = rnd(np * oc, 700 + c);
            std::vector<float> colst(np * kk), want(kk * oc), got(kk * oc, 0.5f);
            K::scalar::im2col_t(x.data(), g, colst.data());
            K::scalar::gemm(kk, oc, np, colst.data(), gy.data(), want.data(), nullptr);
            std::vector<float> work(K::conv2d_weight_grad_workspace(g, oc) + 16);
            float* aligned =
                work.data() + (16 - (reinterpret_cast<uintptr_t>(work.data()) / 4) % 16) % 16;
            K::simd::conv2d_weight_grad(x.data(), gy.data(), g, oc, got.data(), aligned);
            ASSERT_EQ(got, want) << "w=" << w << " sw=" << sw << " dw=" << dw << " pl=" << pl
                                 << " c=" << c;
          }
}

namespace {
// Max pooling's gradient rule, from x and y: gy goes to the first in-bounds window position
// (ky, then kx) whose value equals the max, or is NaN when the max is NaN. dx is overwritten.
void first_max_backward(const float* x, const float* y, const float* gy, const kernels::ConvGeom& g,
                        float* dx) {
  std::fill(dx, dx + g.n * g.h * g.w * g.c, 0.f);
  for (size_t n = 0; n < g.n; ++n)
    for (size_t oy = 0; oy < g.oh; ++oy)
      for (size_t ox = 0; ox < g.ow; ++ox)
        for (size_t c = 0; c < g.c; ++c) {
          const size_t o = ((n * g.oh + oy) * g.ow + ox) * g.c + c;
          bool found = false;
          for (size_t ky = 0; ky < g.kh && !found; ++ky)
            for (size_t kx = 0; kx < g.kw && !found; ++kx) {
              size_t iy, ix;
              if (!kernels::window_source(oy, ky, g.sh, g.dh, g.pt, g.h, iy) ||
                  !kernels::window_source(ox, kx, g.sw, g.dw, g.pl, g.w, ix))
                continue;
              const size_t i = ((n * g.h + iy) * g.w + ix) * g.c + c;
              if (x[i] == y[o] || (x[i] != x[i] && y[o] != y[o])) {
                dx[i] += gy[o];
                found = true;
              }
            }
        }
}
}  // namespace

TEST(ConvKernels, SimdMatchesScalarExactly) {
  namespace K = pg::kernels;
  for (size_t c : {1, 3, 4, 5, 8, 9, 70}) {
    for (size_t m : {1, 3}) {
      K::ConvGeom g;
      g.n = 2; g.h = 6; g.w = 5; g.c = c;
      g.kh = 3; g.kw = 2; g.sh = 2; g.sw = 1; g.dh = 1; g.dw = 2;
      g.pt = 1; g.pl = 1;
      g.oh = (6 + 2 - 3) / 2 + 1;
      g.ow = (5 + 2 - 3) / 1 + 1;
      const size_t xn = g.n * g.h * g.w * g.c, on = g.n * g.oh * g.ow * g.c;
      const size_t kk = g.kh * g.kw * g.c, np = g.n * g.oh * g.ow;
      const auto x = rnd(xn, 100 + c), gy = rnd(on, 200 + c), cols = rnd(np * kk, 300 + c);
      auto both = [&](const char* what, size_t n, auto f) {
        std::vector<float> a(n, 0.5f), b(n, 0.5f);
        f(true, a.data());
        f(false, b.data());
        EXPECT_EQ(a, b) << what << " c=" << c << " m=" << m;
      };
      both("im2col", np * kk, [&](bool s, float* o) { s ? K::simd::im2col(x.data(), g, o) : K::scalar::im2col(x.data(), g, o); });
      {  // the reference im2col_t is im2col transposed
        std::vector<float> cols(np * kk), colst(np * kk);
        K::scalar::im2col(x.data(), g, cols.data());
        K::scalar::im2col_t(x.data(), g, colst.data());
        for (size_t p = 0; p < np; ++p)
          for (size_t k = 0; k < kk; ++k) ASSERT_EQ(colst[k * np + p], cols[p * kk + k]) << "c=" << c;
      }
      both("col2im", xn, [&](bool s, float* o) { s ? K::simd::col2im(cols.data(), g, o) : K::scalar::col2im(cols.data(), g, o); });
      for (size_t oc : {1, 8, 10, 16}) {  // the weight gradient: both twins, and im2col_t + gemm
        const auto gyo = rnd(np * oc, 600 + c + oc);
        std::vector<float> work(K::conv2d_weight_grad_workspace(g, oc) + 16);
        float* aligned = work.data() + (16 - (reinterpret_cast<uintptr_t>(work.data()) / 4) % 16) % 16;
        both("conv2d_weight_grad", kk * oc, [&](bool s, float* o) {
          s ? K::simd::conv2d_weight_grad(x.data(), gyo.data(), g, oc, o, aligned)
            : K::scalar::conv2d_weight_grad(x.data(), gyo.data(), g, oc, o, nullptr);
        });
        std::vector<float> colst(np * kk), viagemm(kk * oc), direct(kk * oc);
        K::scalar::im2col_t(x.data(), g, colst.data());
        K::scalar::gemm(kk, oc, np, colst.data(), gyo.data(), viagemm.data(), nullptr);
        K::simd::conv2d_weight_grad(x.data(), gyo.data(), g, oc, direct.data(), aligned);
        EXPECT_EQ(direct, viagemm) << "conv2d_weight_grad against im2col_t + gemm, c=" << c << " oc=" << oc;
      }
      K::ConvGeom p = g;
      p.dh = p.dw = 1;
      p.ow = (5 + 2 - 2) / 1 + 1;
      const size_t pn = p.n * p.oh * p.ow * p.c;
      const auto gp = rnd(pn, 400 + c);
      // max_pool with and without arg, and its backward from arg, against the scalar twins and
      // against the rule itself (first_max_backward: the first position equal to the max).
      auto pool_checks = [&](const char* what, const std::vector<float>& xv, const K::ConvGeom& q,
                             const std::vector<float>& gq) {
        const size_t qn = q.n * q.oh * q.ow * q.c;
        std::vector<float> ys(qn, 0.5f), as(qn, 0.5f), yv(qn, 0.5f), av(qn, 0.5f), y0(qn, 0.5f);
        K::scalar::max_pool(xv.data(), q, ys.data(), as.data());
        K::simd::max_pool(xv.data(), q, yv.data(), av.data());
        K::simd::max_pool(xv.data(), q, y0.data());
        EXPECT_EQ(0, std::memcmp(ys.data(), yv.data(), qn * sizeof(float))) << what << " max_pool c=" << c << " m=" << m;
        EXPECT_EQ(0, std::memcmp(ys.data(), y0.data(), qn * sizeof(float))) << what << " max_pool without arg c=" << c;
        EXPECT_EQ(0, std::memcmp(as.data(), av.data(), qn * sizeof(float))) << what << " arg c=" << c << " m=" << m;
        std::vector<float> ds(xn, 0.5f), dv(xn, 0.5f), want(xn);
        K::scalar::max_pool_backward(as.data(), gq.data(), q, ds.data());
        K::simd::max_pool_backward(av.data(), gq.data(), q, dv.data());
        first_max_backward(xv.data(), ys.data(), gq.data(), q, want.data());
        EXPECT_EQ(0, std::memcmp(ds.data(), dv.data(), xn * sizeof(float))) << what << " backward c=" << c << " m=" << m;
        EXPECT_EQ(0, std::memcmp(ds.data(), want.data(), xn * sizeof(float))) << what << " backward vs the rule c=" << c;
      };
      pool_checks("3x2 stride 2x1", x, p, gp);
      {  // ties and NaNs: the first maximum in window order gets the gradient, a NaN wins
        auto xt = x;
        for (size_t i = 0; i < xn; ++i) xt[i] = i % 7 == 3 ? NAN : std::round(xt[i] * 1.5f);
        pool_checks("ties and NaNs", xt, p, gp);
        // 2 x 2 windows, stride 2, that tile the input (the backward writes each element once):
        // padding on top, and a last row and column that no window covers.
        K::ConvGeom t = g;
        t.kh = t.kw = 2; t.sh = t.sw = 2; t.dh = t.dw = 1; t.pt = 1; t.pl = 0; t.oh = 3; t.ow = 2;
        const size_t tn = t.n * t.oh * t.ow * t.c;
        const auto gt = rnd(tn, 700 + c);
        pool_checks("2x2/2", x, t, gt);
        pool_checks("2x2/2, ties and NaNs", xt, t, gt);
        // without padding (every window inside: the kernels' unrolled 2 x 2 walk), the last
        // column uncovered
        t.pt = 0;
        pool_checks("2x2/2 unpadded", x, t, gt);
        pool_checks("2x2/2 unpadded, ties and NaNs", xt, t, gt);
      }
      both("avg_pool", pn, [&](bool s, float* o) { s ? K::simd::avg_pool(x.data(), p, o) : K::scalar::avg_pool(x.data(), p, o); });
      both("avg_pool_backward", xn, [&](bool s, float* o) { s ? K::simd::avg_pool_backward(gp.data(), p, o) : K::scalar::avg_pool_backward(gp.data(), p, o); });
      const size_t un = g.n * g.h * 2 * g.w * 3 * g.c;
      const auto gu = rnd(un, 500 + c);
      both("upsample_nearest", un, [&](bool s, float* o) { s ? K::simd::upsample_nearest(x.data(), g.n, g.h, g.w, g.c, 2, 3, o) : K::scalar::upsample_nearest(x.data(), g.n, g.h, g.w, g.c, 2, 3, o); });
      both("upsample_nearest_backward", xn, [&](bool s, float* o) { s ? K::simd::upsample_nearest_backward(gu.data(), g.n, g.h, g.w, g.c, 2, 3, o) : K::scalar::upsample_nearest_backward(gu.data(), g.n, g.h, g.w, g.c, 2, 3, o); });
      both("upsample_bilinear", un, [&](bool s, float* o) { s ? K::simd::upsample_bilinear(x.data(), g.n, g.h, g.w, g.c, g.h * 2, g.w * 3, o) : K::scalar::upsample_bilinear(x.data(), g.n, g.h, g.w, g.c, g.h * 2, g.w * 3, o); });
      both("upsample_bilinear_backward", xn, [&](bool s, float* o) { s ? K::simd::upsample_bilinear_backward(gu.data(), g.n, g.h, g.w, g.c, g.h * 2, g.w * 3, o) : K::scalar::upsample_bilinear_backward(gu.data(), g.n, g.h, g.w, g.c, g.h * 2, g.w * 3, o); });
      const auto wd = rnd(g.kh * g.kw * g.c * m, 600 + c);
      const size_t dn = np * g.c * m;
      const auto gd = rnd(dn, 700 + c);
      both("depthwise", dn, [&](bool s, float* o) { s ? K::simd::depthwise(x.data(), wd.data(), g, m, o) : K::scalar::depthwise(x.data(), wd.data(), g, m, o); });
      both("depthwise_backward_input", xn, [&](bool s, float* o) { s ? K::simd::depthwise_backward_input(gd.data(), wd.data(), g, m, o) : K::scalar::depthwise_backward_input(gd.data(), wd.data(), g, m, o); });
      both("depthwise_backward_weight", wd.size(), [&](bool s, float* o) { s ? K::simd::depthwise_backward_weight(x.data(), gd.data(), g, m, o) : K::scalar::depthwise_backward_weight(x.data(), gd.data(), g, m, o); });
    }
  }
}

// Regression (found by tests/fuzz/fuzz_tensor_ops while testing this branch): a 2-d A times a
// 3-d B with an empty batch read past B's buffer.
TEST(MatmulRegression, EmptyBatchBroadcast) {
  EXPECT_EQ(matmul(Tensor::zeros({2, 3}), Tensor::zeros({0, 3, 4})).shape(), (Shape{0, 2, 4}));
  EXPECT_EQ(matmul(Tensor::zeros({0, 2, 3}), Tensor::zeros({3, 4})).shape(), (Shape{0, 2, 4}));
}
