// The vision layers (nn_conv.h): gradient checks through each (inputs and parameters), output
// shapes and parameter counts in summary(), configs and errors, regularizers, save/load, and the
// small CNN (two conv + pool blocks, a dense head) trained with fit() on generated seven-segment
// digits. Writes build/native/vision_layers.json for tests/node/vision_layers.test.mjs (the wasm
// build must predict identically from the model saved here).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>

#include "playgrad/kernels/kernels.h"
#include "playgrad/kernels/conv.h"
#include "playgrad/nn/model.h"
#include "playgrad/nn/layers_conv.h"
#include "layer_check.h"
#include "digits.h"
#include "test_util.h"

using namespace pg;
using namespace pg::nn;

namespace {

// pgt::check_layer_gradients (layer_check.h), training mode, on a batch of 2.
void check_through(const std::string& kind, const Json& config, const Shape& in_shape) {
  auto L = create_layer(kind, config);
  L->name = "layer";
  pgt::check_layer_gradients(std::move(L), in_shape, true, kind + " " + config.dump(), 2);
}

Json layer(const char* kind, Json config = Json::object()) { return {{"kind", kind}, {"config", config}}; }

// The small CNN of the benchmarks: two conv + pool blocks and a dense head, for 12x12 digits.
Json cnn_spec() {
  return sequential_spec({12, 12, 1},
                         Json::array({layer("Conv2D", {{"filters", 8}, {"kernelSize", 3}, {"padding", "same"},
                                                       {"activation", "relu"}, {"kernelInitializer", "he_normal"}}),
                                      layer("MaxPooling2D"),
                                      layer("Conv2D", {{"filters", 16}, {"kernelSize", 3}, {"padding", "same"},
                                                       {"activation", "relu"}, {"kernelInitializer", "he_normal"}}),
                                      layer("MaxPooling2D"), layer("Flatten"),
                                      layer("Dense", {{"units", 10}})}));
}

using pgt::draw_digit;  // digits.h

}  // namespace

namespace {
// The ops of a graph, from its output back (each node once).
void graph_ops(const Tensor& t, std::vector<std::string>& ops, std::set<const void*>& seen) {
  if (!t.defined() || !seen.insert(t.impl().get()).second) return;
  if (t.impl()->op) ops.push_back(t.impl()->op);
  for (const Tensor& in : t.impl()->inputs) graph_ops(in, ops, seen);
}
std::vector<std::string> graph_ops(const Tensor& t) {
  std::vector<std::string> ops;
  std::set<const void*> seen;
  graph_ops(t, ops, seen);
  return ops;
}
}  // namespace

// A Conv2D whose output only a MaxPooling2D reads runs as one fused op in forward() (what
// training and predict run); forward_nodes() still gives every node. The output and every
// parameter's gradient have the same bits either way. A Conv2D whose output is also read
// elsewhere, or with another activation, is not fused.
TEST(LayersConv, ConvThenMaxPoolRunsFusedWithTheSameBits) {
  Model m(cnn_spec(), 3);
  const Tensor x = Tensor::randn({5, 12, 12, 1}, 4), r = Tensor::randn({5, 10}, 5);
  auto grads = [&](const Tensor& out, std::vector<std::vector<float>>& g) {
    for (Tensor& p : m.parameters()) p.zero_grad();
    sum(mul(out, r)).backward();
    for (Tensor& p : m.parameters()) g.push_back(p.grad().to_vector());
  };
  const Tensor fused = m.forward({x}, true)[0];
  const Tensor plain = m.forward_nodes({x}, true).back();
  const auto ops_fused = graph_ops(fused), ops_plain = graph_ops(plain);
  EXPECT_EQ(std::count(ops_fused.begin(), ops_fused.end(), "maxPool2d"), 0);
  EXPECT_EQ(std::count(ops_fused.begin(), ops_fused.end(), "conv2d"), 2);
  EXPECT_EQ(std::count(ops_plain.begin(), ops_plain.end(), "maxPool2d"), 2);
  EXPECT_EQ(fused.to_vector(), plain.to_vector());
  std::vector<std::vector<float>> g1, g2;
  grads(fused, g1);
  grads(plain, g2);
  ASSERT_EQ(g1.size(), 6u);
  for (size_t i = 0; i < g1.size(); ++i) {
    ASSERT_EQ(g1[i].size(), g2[i].size());
    EXPECT_EQ(std::memcmp(g1[i].data(), g2[i].data(), g1[i].size() * sizeof(float)), 0) << i;
  }
  // not fused: the convolution's output also a model output; a tanh convolution
  GraphBuilder g;
  const Sym in = g.input({6, 6, 1});
  const Sym c = g.apply("Conv2D", {{"filters", 2}, {"kernelSize", 3}, {"activation", "relu"}}, {in});
  const Sym p = g.apply("MaxPooling2D", Json::object(), {c});
  const Sym t = g.apply("Conv2D", {{"filters", 2}, {"kernelSize", 1}, {"activation", "tanh"}}, {p});
  const Sym q = g.apply("MaxPooling2D", Json::object(), {t});
  Model both(g.spec({in}, {c, q}), 1);
  const auto outs = both.forward({Tensor::randn({2, 6, 6, 1}, 6)}, true);
  EXPECT_EQ(outs[0].shape(), (Shape{2, 4, 4, 2}));
  const auto ops = graph_ops(outs[1]);
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "maxPool2d"), 2);
}

TEST(LayersConv, GradientThroughEachLayer) {
  check_through("Conv2D", {{"filters", 3}, {"kernelSize", 3}}, {5, 5, 2});
  check_through("Conv2D", {{"filters", 2}, {"kernelSize", {2, 3}}, {"strides", 2}, {"padding", "same"},
                           {"activation", "tanh"}}, {5, 6, 2});
  check_through("Conv2D", {{"filters", 2}, {"kernelSize", 2}, {"dilationRate", 2}, {"useBias", false},
                           {"activation", "prelu"}}, {5, 5, 1});
  check_through("DepthwiseConv2D", {{"kernelSize", 3}, {"depthMultiplier", 2}, {"padding", "same"}}, {4, 4, 2});
  check_through("Conv2DTranspose", {{"filters", 2}, {"kernelSize", 3}, {"strides", 2}}, {3, 3, 2});
  check_through("Conv2DTranspose", {{"filters", 3}, {"kernelSize", 3}, {"strides", 2}, {"padding", "same"},
                                    {"activation", "sigmoid"}}, {3, 2, 2});
  check_through("Conv2DTranspose", {{"filters", 1}, {"kernelSize", 2}, {"strides", 2}, {"outputPadding", 1}},
                {2, 3, 2});
  check_through("MaxPooling2D", Json::object(), {4, 5, 2});
  check_through("MaxPooling2D", {{"poolSize", 3}, {"strides", 1}, {"padding", "same"}}, {4, 4, 2});
  check_through("AveragePooling2D", {{"poolSize", {2, 3}}, {"padding", "same"}}, {5, 5, 2});
  check_through("GlobalAveragePooling2D", Json::object(), {3, 4, 3});
  check_through("UpSampling2D", Json::object(), {2, 3, 2});
  check_through("UpSampling2D", {{"size", {2, 3}}, {"interpolation", "bilinear"}}, {3, 2, 2});
}

TEST(LayersConv, ShapesParamCountsAndSummary) {
  Model m(cnn_spec(), 1);
  // (3·3·1 + 1)·8 = 80; (3·3·8 + 1)·16 = 1168; 3·3·16 = 144 -> (144 + 1)·10 = 1450
  EXPECT_EQ(m.output_shape(0), (Shape{10}));
  EXPECT_EQ(m.count_params(), 80 + 1168 + 1450);
  const std::string s = m.summary();
  for (const char* want : {"conv2d (Conv2D)", "conv2d_1 (Conv2D)", "max_pooling2d (MaxPooling2D)", "(None, 12, 12, 8)", "(MaxPooling2D)", "(None, 6, 6, 8)",
                           "(None, 6, 6, 16)", "(None, 3, 3, 16)", "(None, 144)", "Total params: 2698"})
    EXPECT_NE(s.find(want), std::string::npos) << want << "\n" << s;

  GraphBuilder g;
  Sym in = g.input({8, 8, 3});
  Sym a = g.apply("DepthwiseConv2D", {{"kernelSize", 3}, {"depthMultiplier", 2}}, {in});            // 6x6x6
  Sym b = g.apply("Conv2DTranspose", {{"filters", 4}, {"kernelSize", 3}, {"strides", 2}}, {a});     // 13x13x4
  Sym c = g.apply("AveragePooling2D", {{"poolSize", 3}, {"strides", 2}, {"padding", "same"}}, {b});  // 7x7x4
  Sym d = g.apply("UpSampling2D", {{"size", {2, 1}}}, {c});                                         // 14x7x4
  Sym e = g.apply("GlobalAveragePooling2D", Json::object(), {d});                                   // 4
  Model m2(g.spec({in}, {a, b, c, d, e}), 0);
  EXPECT_EQ(m2.output_shape(0), (Shape{6, 6, 6}));
  EXPECT_EQ(m2.output_shape(1), (Shape{13, 13, 4}));
  EXPECT_EQ(m2.output_shape(2), (Shape{7, 7, 4}));
  EXPECT_EQ(m2.output_shape(3), (Shape{14, 7, 4}));
  EXPECT_EQ(m2.output_shape(4), (Shape{4}));
  // depthwise (3·3·3·2 + 6) = 60; transpose 3·3·4·6 + 4 = 220
  EXPECT_EQ(m2.count_params(), 60 + 220);
  const std::string s2 = m2.summary();
  for (const char* want : {"depthwise_conv2d (DepthwiseConv2D)", "conv2d_transpose (Conv2DTranspose)",
                           "average_pooling2d (AveragePooling2D)", "up_sampling2d (UpSampling2D)",
                           "global_average_pooling2d (GlobalAveragePooling2D)"})
    EXPECT_NE(s2.find(want), std::string::npos) << want << "\n" << s2;
  auto out = m2.forward({Tensor::randn({2, 8, 8, 3}, 1)});
  EXPECT_EQ(out[1].shape(), (Shape{2, 13, 13, 4}));
  EXPECT_EQ(out[4].shape(), (Shape{2, 4}));
}

TEST(LayersConv, ConfigsRoundTripAndMatchTheOps) {
  auto L = create_layer("Conv2D", {{"filters", 4}, {"kernelSize", {3, 2}}, {"strides", 2}});
  const Json c = L->config();
  EXPECT_EQ(c["kernelSize"], Json::array({3, 2}));
  EXPECT_EQ(c["strides"], Json::array({2, 2}));
  EXPECT_EQ(c["dilationRate"], Json::array({1, 1}));
  EXPECT_EQ(c["padding"], "valid");
  EXPECT_EQ(c["kernelInitializer"], "glorot_uniform");
  EXPECT_EQ(create_layer("Conv2D", c)->config(), c);
  auto P = create_layer("MaxPooling2D", {{"poolSize", 3}});
  EXPECT_TRUE(P->config()["strides"].is_null());
  P->name = "p";
  EXPECT_EQ(P->ensure_built({{9, 9, 1}}, 0), (Shape{3, 3, 1}));  // strides default to poolSize

  // Conv2D = conv2d op + bias, then the activation
  L = create_layer("Conv2D", {{"filters", 3}, {"kernelSize", 2}, {"padding", "same"}, {"activation", "relu"}});
  L->name = "c";
  L->ensure_built({{4, 5, 2}}, 3);
  auto p = L->params();
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].second.shape(), (Shape{2, 2, 2, 3}));
  p[1].second.data()[1] = 0.5f;
  Tensor x = Tensor::randn({2, 4, 5, 2}, 4);
  Conv2dOptions o;
  o.padding = vision::PaddingMode::Same;
  EXPECT_EQ(L->forward(x).to_vector(), relu(conv2d(x, p[0].second, p[1].second, o)).to_vector());

  // Glorot bound for [kh, kw, in, out]: sqrt(6 / ((kh kw in) + (kh kw out)))
  auto G = create_layer("Conv2D", {{"filters", 16}, {"kernelSize", 3}});
  G->name = "g";
  G->ensure_built({{8, 8, 8}}, 1);
  const float bound = float(std::sqrt(6.0 / (72 + 144)));
  float mx = 0;
  for (float v : G->params()[0].second.to_vector()) mx = std::max(mx, std::fabs(v));
  EXPECT_LE(mx, bound);
  EXPECT_GT(mx, 0.9f * bound);
}

TEST(LayersConv, Regularizers) {
  auto L = create_layer("Conv2D", {{"filters", 2}, {"kernelSize", 2}, {"kernelRegularizer", {{"l2", 0.1}}},
                                   {"biasRegularizer", {{"l1", 0.5}}}, {"biasInitializer", {{"name", "constant"}, {"value", -1}}}});
  L->name = "c";
  L->ensure_built({{3, 3, 1}}, 0);
  double k2 = 0;
  for (float v : L->params()[0].second.to_vector()) k2 += double(v) * v;
  EXPECT_NEAR(L->regularization().item(), 0.1 * k2 + 0.5 * 2, 1e-5);
  auto D = create_layer("DepthwiseConv2D", {{"kernelSize", 1}, {"depthwiseRegularizer", {{"l1", 1.0}}},
                                            {"depthwiseInitializer", "ones"}});
  D->name = "d";
  D->ensure_built({{2, 2, 3}}, 0);
  EXPECT_EQ(D->params()[0].first, "depthwise_kernel");
  EXPECT_NEAR(D->regularization().item(), 3.0, 1e-6);
  EXPECT_FALSE(create_layer("MaxPooling2D")->regularization().defined());
}

TEST(LayersConv, Errors) {
  using pgt::error_of;
  EXPECT_NE(error_of([] { create_layer("Conv2D", {{"kernelSize", 3}}); }).find("filters is required"), std::string::npos);
  EXPECT_NE(error_of([] { create_layer("Conv2D", {{"filters", 2}}); }).find("kernelSize is required"), std::string::npos);
  EXPECT_NE(error_of([] { create_layer("Conv2D", {{"filters", 2}, {"kernelSize", 0}}); }).find("kernelSize must be >= 1"),
            std::string::npos);
  EXPECT_NE(error_of([] { create_layer("Conv2D", {{"filters", 2}, {"kernelSize", {1, 2, 3}}}); }).find("[height, width]"),
            std::string::npos);
  EXPECT_NE(error_of([] { create_layer("Conv2D", {{"filters", 2}, {"kernelSize", 3}, {"padding", "full"}}); })
                .find("padding must be 'valid' or 'same'"), std::string::npos);
  EXPECT_NE(error_of([] { create_layer("Conv2D", {{"filters", 2}, {"kernelSize", 3}, {"strides", 2}, {"dilationRate", 2}}); })
                .find("not supported"), std::string::npos);
  EXPECT_NE(error_of([] { create_layer("Conv2D", {{"filters", 2}, {"kernelSize", 3}, {"kernelSizes", 3}}); })
                .find("unknown option 'kernelSizes'"), std::string::npos);
  EXPECT_NE(error_of([] { create_layer("Conv2DTranspose", {{"filters", 2}, {"kernelSize", 3}, {"outputPadding", 1}}); })
                .find("outputPadding"), std::string::npos);
  EXPECT_NE(error_of([] { create_layer("UpSampling2D", {{"interpolation", "bicubic"}}); }).find("'nearest' or 'bilinear'"),
            std::string::npos);
  // A kernel larger than the input: the model cannot be built, and says where.
  const std::string big = error_of([] {
    Model m(sequential_spec({4, 4, 1}, Json::array({layer("Conv2D", {{"filters", 1}, {"kernelSize", 5}})})), 0);
  });
  EXPECT_NE(big.find("Conv2D"), std::string::npos) << big;
  EXPECT_NE(big.find("no valid output"), std::string::npos) << big;
  // Not an image.
  const std::string flat = error_of([] {
    Model m(sequential_spec({16}, Json::array({layer("MaxPooling2D")})), 0);
  });
  EXPECT_NE(flat.find("[height, width, channels]"), std::string::npos) << flat;
  // A built layer applied to the wrong shape.
  auto L = create_layer("Conv2D", {{"filters", 1}, {"kernelSize", 1}});
  L->name = "c";
  L->ensure_built({{3, 3, 2}}, 0);
  EXPECT_NE(error_of([&] { L->forward(Tensor::zeros({1, 3, 3, 1})); }).find("expected input 0 of shape [N,3,3,2]"),
            std::string::npos);
}

TEST(LayersConv, SmallCnnTrainsWithFitAndSavesLoads) {
  const int n = 400;
  Rng r(42);
  std::vector<float> x(size_t(n) * 144), y(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const int d = i % 10;
    draw_digit(d, int(r.below(3)) - 1, int(r.below(3)) - 1, r, &x[size_t(i) * 144]);
    y[size_t(i)] = float(d);
  }
  Tensor tx = Tensor::from_vector(x, {n, 12, 12, 1}), ty = Tensor::from_vector(y, {n});
  Model m(cnn_spec(), 7);
  m.compile({{"optimizer", {{"kind", "adam"}, {"lr", 0.01}}},
             {"loss", {{"kind", "sparseCategoricalCrossEntropy"}, {"fromLogits", true}}},
             {"metrics", {"accuracy"}}});
  FitOptions o;
  o.epochs = 6;
  o.batch_size = 32;
  o.has_seed = true;
  o.seed = 3;
  History h = m.fit({tx}, {ty}, o);
  const auto& loss = h.values.at("loss");
  std::printf("cnn fit: loss %.3f -> %.3f, accuracy %.3f\n", loss.front(), loss.back(), h.values.at("accuracy").back());
  EXPECT_LT(loss.back(), 0.3 * loss.front());
  EXPECT_GT(h.values.at("accuracy").back(), 0.9);

  const std::string saved = m.to_json();
  auto m2 = Model::from_json(saved);
  Tensor probe = Tensor::randn({5, 12, 12, 1}, 11);
  EXPECT_EQ(m.predict({probe})[0].to_vector(), m2->predict({probe})[0].to_vector());
  EXPECT_EQ(m2->to_json(), saved);

  // Every kind in one model, for the wasm side: saved, an input, and the native predictions.
  GraphBuilder g;
  Sym in = g.input({8, 8, 2});
  Sym a = g.apply("Conv2D", {{"filters", 3}, {"kernelSize", 3}, {"padding", "same"}, {"activation", "relu"},
                             {"biasInitializer", {{"name", "normal"}, {"std", 0.1}}}}, {in});
  Sym b = g.apply("DepthwiseConv2D", {{"kernelSize", 2}, {"depthMultiplier", 2}, {"activation", "tanh"}}, {a});
  Sym c = g.apply("Conv2DTranspose", {{"filters", 2}, {"kernelSize", 3}, {"strides", 2}, {"padding", "same"}}, {b});
  Sym d = g.apply("MaxPooling2D", Json::object(), {c});
  Sym e = g.apply("AveragePooling2D", {{"poolSize", 3}, {"strides", 1}, {"padding", "same"}}, {d});
  Sym f = g.apply("UpSampling2D", {{"interpolation", "bilinear"}}, {e});
  Sym gp = g.apply("GlobalAveragePooling2D", Json::object(), {f});
  Model all(g.spec({in}, {f, gp}), 5);
  Tensor xin = Tensor::randn({2, 8, 8, 2}, 12);
  auto pa = Model::from_json(all.to_json())->predict({xin});
  EXPECT_EQ(pa[0].to_vector(), all.predict({xin})[0].to_vector());
  Json j = {{"cnn", saved}, {"probe", probe.to_vector()}, {"cnnPred", m.predict({probe})[0].to_vector()},
            {"cnnLoss", loss}, {"all", all.to_json()}, {"x", xin.to_vector()}, {"pred0", pa[0].to_vector()},
            {"pred1", pa[1].to_vector()}};
  std::ofstream(pgt::fixture_path("vision_layers.json")) << j.dump();
}

// The direct convolution kernel (conv2d's forward): SIMD, its scalar twin and im2col + gemm give
// the same bits, over channel counts that do not fill a SIMD batch or a panel, pixel counts that
// do not fill a 4-row tile, strides, dilation and padding on every side (one input channel at
// stride 1 takes the kernel's single-channel path).
TEST(ConvKernels, DirectMatchesScalarTwinAndIm2colGemmExactly) {
  namespace K = pg::kernels;
  int cases = 0;
  for (size_t c : {1, 3, 4, 16}) {
    for (size_t oc : {1, 5, 8, 9, 32, 33}) {
      // geometries: 'same'-like; stride 2; a 3 x 2 window dilated vertically; dilated
      // horizontally with 2 columns of padding; 30 columns (whole and partial blocks of 4 pixels
      // in the single-channel path)
      for (int geo = 0; geo < 5; ++geo) {
        K::ConvGeom g;
        g.n = 2; g.h = 7; g.w = geo == 3 ? 13 : geo == 4 ? 30 : 5; g.c = c;
        g.kh = 3; g.kw = geo == 2 ? 2 : 3;
        g.sh = geo == 1 ? 2 : 1; g.sw = geo == 1 ? 2 : 1;
        g.dh = geo == 2 ? 2 : 1; g.dw = geo == 3 ? 2 : 1;
        g.pt = 1; g.pl = geo == 0 || geo == 4 ? 1 : geo == 3 ? 2 : 0;
        g.oh = (g.h + 2 * g.pt - g.dh * (g.kh - 1) - 1) / g.sh + 1;
        g.ow = (g.w + 2 * g.pl - g.dw * (g.kw - 1) - 1) / g.sw + 1;
        const size_t kk = g.kh * g.kw * g.c, np = g.n * g.oh * g.ow;
        const Tensor x = Tensor::randn({int64_t(g.n * g.h * g.w * g.c)}, 1 + c);
        const Tensor w = Tensor::randn({int64_t(kk * oc)}, 2 + oc);
        std::vector<float> a(np * oc, 7.f), b(np * oc, 8.f), ref(np * oc), cols(np * kk);
        Tensor work = pgt::workspace(K::conv2d_direct_workspace(g, oc));
        K::simd::conv2d_direct(x.data(), w.data(), g, oc, a.data(), work.data());
        K::scalar::conv2d_direct(x.data(), w.data(), g, oc, b.data(), nullptr);
        K::simd::im2col(x.data(), g, cols.data());
        Tensor gwork = pgt::workspace(K::gemm_workspace(np, oc, kk));
        K::simd::gemm(np, oc, kk, cols.data(), w.data(), ref.data(), gwork.data());
        EXPECT_EQ(a, b) << "simd vs scalar: c=" << c << " oc=" << oc << " geometry " << geo;
        EXPECT_EQ(a, ref) << "direct vs im2col + gemm: c=" << c << " oc=" << oc << " geometry " << geo;
        // The epilogue (+ bias, then ReLU): the add and relu kernels' bits on the plain result.
        const Tensor bias = Tensor::randn({int64_t(oc)}, 3 + oc);
        for (bool relu : {false, true}) {
          std::vector<float> want(np * oc), one(oc);
          for (size_t p = 0; p < np; ++p)
            K::simd::binary(K::Binary::Add, ref.data() + p * oc, 1, bias.data(), 1,
                            want.data() + p * oc, oc);
          if (relu) K::simd::unary(K::Unary::Relu, want.data(), want.data(), np * oc, 0.f);
          std::fill(a.begin(), a.end(), 7.f), std::fill(b.begin(), b.end(), 8.f);
          K::simd::conv2d_direct(x.data(), w.data(), g, oc, a.data(), work.data(), bias.data(), relu);
          K::scalar::conv2d_direct(x.data(), w.data(), g, oc, b.data(), nullptr, bias.data(), relu);
          EXPECT_EQ(a, want) << "fused simd: c=" << c << " oc=" << oc << " geometry " << geo << " relu " << relu;
          EXPECT_EQ(b, want) << "fused scalar: c=" << c << " oc=" << oc << " geometry " << geo << " relu " << relu;
        }
        std::fill(a.begin(), a.end(), 7.f);
        K::simd::conv2d_direct(x.data(), w.data(), g, oc, a.data(), work.data(), nullptr, true);
        for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], ref[i] > 0.f ? ref[i] : 0.f) << i;
        ++cases;
      }
    }
  }
  EXPECT_EQ(cases, 120);
}
