// The vision layers (nn_conv.h): Conv2D, DepthwiseConv2D, Conv2DTranspose, MaxPooling2D,
// AveragePooling2D, GlobalAveragePooling2D, UpSampling2D. Each validates its config when made
// and its input shape at build(); the math is the conv.h ops (whose backward sits beside their
// forward in ops_conv.cpp), so gradients reach the kernels and biases.
#include "playgrad/nn/layers_conv.h"

#include "playgrad/ops/ops.h"
#include "playgrad/vision/vision.h"

namespace pg::nn {

namespace {

// A number n (-> [n, n]) or [h, w]; integers >= lo. Absent or null: def.
Pair pair(const char* L, const Json& c, const char* key, Pair def, int64_t lo = 1) {
  if (!c.contains(key) || c[key].is_null()) return def;
  const Json& v = c[key];
  Pair p{};
  if (v.is_number()) {
    p[0] = p[1] = cfg::integer(L, c, key, 0);
  } else if (v.is_array() && v.size() == 2) {
    for (size_t i = 0; i < 2; ++i) {
      const Json one = {{key, v[i]}};
      p[i] = cfg::integer(L, one, key, 0);
    }
  } else {
    fail(L, ": ", key, " must be a number or [height, width], got ", v.dump());
  }
  if (p[0] < lo || p[1] < lo)
    fail(L, ": ", key, " must be >= ", lo, ", got [", p[0], ", ", p[1], "]");
  return p;
}
Json pair_json(const Pair& p) { return Json::array({p[0], p[1]}); }

std::string padding_name(const char* L, const Json& c) {
  std::string p = cfg::string(L, c, "padding", "valid");
  for (char& ch : p) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  if (p != "valid" && p != "same") fail(L, ": padding must be 'valid' or 'same', got '", p, "'");
  return p;
}
vision::PaddingMode mode(const std::string& p) {
  return p == "same" ? vision::PaddingMode::Same : vision::PaddingMode::Valid;
}
Regularizer reg(const char* L, const Json& c, const char* key) {
  return Regularizer::from_json(L, c.contains(key) ? c[key] : Json());
}

}  // namespace

// ---- ConvLayerBase ----------------------------------------------------------------------------------

void ConvLayerBase::read_common(const char* L, const Json& c, const char* kk) {
  kernel_key_ = kk;
  if (!c.contains("kernelSize")) fail(L, ": kernelSize is required");
  kernel_size = pair(L, c, "kernelSize", {1, 1});
  strides = pair(L, c, "strides", {1, 1});
  dilation = pair(L, c, "dilationRate", {1, 1});
  if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1))
    fail(L, ": strides > 1 with dilationRate > 1 is not supported (as Keras)");
  padding = padding_name(L, c);
  activation = canonical_activation(cfg::string(L, c, "activation", "linear"));
  check_activation(L, activation);
  use_bias = cfg::boolean(L, c, "useBias", true);
  alpha = float(cfg::number(L, c, "alpha", 0.2));
  kernel_init = cfg::initializer(L, c, (kernel_key_ + "Initializer").c_str(), "glorot_uniform");
  bias_init = cfg::initializer(L, c, "biasInitializer", "zeros");
  kernel_reg = reg(L, c, (kernel_key_ + "Regularizer").c_str());
  bias_reg = reg(L, c, "biasRegularizer");
}

Json ConvLayerBase::config() const {
  Json j = {{"kernelSize", pair_json(kernel_size)},
            {"strides", pair_json(strides)},
            {"padding", padding},
            {"dilationRate", pair_json(dilation)},
            {"activation", activation},
            {"useBias", use_bias},
            {kernel_key_ + "Initializer", cfg::initializer_json(kernel_init)},
            {"biasInitializer", cfg::initializer_json(bias_init)},
            {kernel_key_ + "Regularizer", kernel_reg.to_json()},
            {"biasRegularizer", bias_reg.to_json()}};
  if (activation == "leaky_relu") j["alpha"] = alpha;
  return j;
}

void ConvLayerBase::check_image(const Shape& in) const {
  bool ok = in.size() == 3;
  for (int64_t d : in) ok = ok && d >= 1;
  if (!ok)
    fail(kind(), " '", name, "': input shape ", shape_str(in),
         " must be [height, width, channels] (channels last), every size >= 1");
}

void ConvLayerBase::make_weights(const Shape& ks, int64_t oc, uint64_t seed) {
  kernel = init::make(kernel_init, ks, seed).set_requires_grad();
  if (use_bias)  // a fan-based bias (pytorch_uniform) uses the kernel's fan_in
    bias = init::make(bias_init, {oc}, seed + 0x9E3779B97F4A7C15ull, init::fans(ks).first).set_requires_grad();
  if (activation == "prelu") slope = Tensor::full({oc}, 0.25f).set_requires_grad();
}

Conv2dOptions ConvLayerBase::conv_options() const {
  Conv2dOptions o;
  o.stride_h = strides[0];
  o.stride_w = strides[1];
  o.dilation_h = dilation[0];
  o.dilation_w = dilation[1];
  o.padding = mode(padding);
  return o;
}

Tensor ConvLayerBase::finish(const Tensor& y) const {
  return activate(activation, use_bias ? add(y, bias) : y, alpha, slope);
}

std::vector<NamedTensor> ConvLayerBase::params() {
  std::vector<NamedTensor> p;
  if (!built_) return p;
  p.emplace_back(kernel_key_ == "depthwise" ? "depthwise_kernel" : "kernel", kernel);
  if (use_bias) p.emplace_back("bias", bias);
  if (slope.defined()) p.emplace_back("slope", slope);
  return p;
}

Tensor ConvLayerBase::regularization() {
  if (!built_ || (!kernel_reg.active() && !(use_bias && bias_reg.active()))) return Tensor();
  Tensor r = kernel_reg.active() ? kernel_reg.penalty(kernel) : Tensor();
  if (use_bias && bias_reg.active()) {
    Tensor b = bias_reg.penalty(bias);
    r = r.defined() ? add(r, b) : b;
  }
  return r;
}

// ---- Conv2D -------------------------------------------------------------------------------------------

Conv2D::Conv2D(const Json& c) {
  const char* L = "Conv2D";
  cfg::check_keys(L, c, {"filters", "kernelSize", "strides", "padding", "dilationRate", "activation",
                         "useBias", "kernelInitializer", "biasInitializer", "kernelRegularizer",
                         "biasRegularizer", "alpha"});
  if (!c.contains("filters")) fail(L, ": filters is required");
  filters = cfg::integer(L, c, "filters", 0);
  if (filters < 1) fail(L, ": filters must be >= 1, got ", filters);
  read_common(L, c, "kernel");
}
Json Conv2D::config() const {
  Json j = ConvLayerBase::config();
  j["filters"] = filters;
  return j;
}
Shape Conv2D::build(const std::vector<Shape>& in, uint64_t seed) {
  check_image(in[0]);
  const std::string op = "Conv2D '" + name + "'";
  const auto ry = vision::conv_output_size((op + " (height)").c_str(),
                                           {in[0][0], kernel_size[0], strides[0], dilation[0], mode(padding), 0});
  const auto rx = vision::conv_output_size((op + " (width)").c_str(),
                                           {in[0][1], kernel_size[1], strides[1], dilation[1], mode(padding), 0});
  make_weights({kernel_size[0], kernel_size[1], in[0][2], filters}, filters, seed);
  return {ry.out, rx.out, filters};
}
Tensor Conv2D::forward(const std::vector<Tensor>& xs, bool) {
  check_inputs(xs);
  // The bias and a ReLU run fused in the convolution (one pass, one graph node: ops/conv.h);
  // other activations after it.
  if (activation == "relu" || activation == "linear") {
    Conv2dOptions o = conv_options();
    if (activation == "relu") o.activation = ConvActivation::Relu;
    return conv2d(xs[0], kernel, use_bias ? bias : Tensor(), o);
  }
  return finish(conv2d(xs[0], kernel, Tensor(), conv_options()));
}
Tensor Conv2D::forward_pooled(const std::vector<Tensor>& xs, const Pool2dOptions& pool) {
  check_inputs(xs);
  if (!fuses_max_pool())
    fail("Conv2D '", name, "': a max pooling fuses only after a 'relu' or 'linear' activation");
  Conv2dOptions o = conv_options();
  if (activation == "relu") o.activation = ConvActivation::Relu;
  o.max_pool = true;
  o.pool = pool;
  return conv2d(xs[0], kernel, use_bias ? bias : Tensor(), o);
}

// ---- DepthwiseConv2D ----------------------------------------------------------------------------------

DepthwiseConv2D::DepthwiseConv2D(const Json& c) {
  const char* L = "DepthwiseConv2D";
  cfg::check_keys(L, c, {"kernelSize", "depthMultiplier", "strides", "padding", "dilationRate",
                         "activation", "useBias", "depthwiseInitializer", "biasInitializer",
                         "depthwiseRegularizer", "biasRegularizer", "alpha"});
  depth_multiplier = cfg::integer(L, c, "depthMultiplier", 1);
  if (depth_multiplier < 1) fail(L, ": depthMultiplier must be >= 1, got ", depth_multiplier);
  read_common(L, c, "depthwise");
}
Json DepthwiseConv2D::config() const {
  Json j = ConvLayerBase::config();
  j["depthMultiplier"] = depth_multiplier;
  return j;
}
Shape DepthwiseConv2D::build(const std::vector<Shape>& in, uint64_t seed) {
  check_image(in[0]);
  const std::string op = "DepthwiseConv2D '" + name + "'";
  const auto ry = vision::conv_output_size((op + " (height)").c_str(),
                                           {in[0][0], kernel_size[0], strides[0], dilation[0], mode(padding), 0});
  const auto rx = vision::conv_output_size((op + " (width)").c_str(),
                                           {in[0][1], kernel_size[1], strides[1], dilation[1], mode(padding), 0});
  const int64_t oc = in[0][2] * depth_multiplier;
  make_weights({kernel_size[0], kernel_size[1], in[0][2], depth_multiplier}, oc, seed);
  return {ry.out, rx.out, oc};
}
Tensor DepthwiseConv2D::forward(const std::vector<Tensor>& xs, bool) {
  check_inputs(xs);
  return finish(depthwise_conv2d(xs[0], kernel, Tensor(), conv_options()));
}

// ---- Conv2DTranspose ----------------------------------------------------------------------------------

Conv2DTranspose::Conv2DTranspose(const Json& c) {
  const char* L = "Conv2DTranspose";
  cfg::check_keys(L, c, {"filters", "kernelSize", "strides", "padding", "dilationRate",
                         "outputPadding", "activation", "useBias", "kernelInitializer",
                         "biasInitializer", "kernelRegularizer", "biasRegularizer", "alpha"});
  if (!c.contains("filters")) fail(L, ": filters is required");
  filters = cfg::integer(L, c, "filters", 0);
  if (filters < 1) fail(L, ": filters must be >= 1, got ", filters);
  read_common(L, c, "kernel");
  has_output_padding = c.contains("outputPadding") && !c["outputPadding"].is_null();
  output_padding = pair(L, c, "outputPadding", {0, 0}, 0);
  if (has_output_padding && (output_padding[0] >= strides[0] || output_padding[1] >= strides[1]))
    fail(L, ": outputPadding [", output_padding[0], ", ", output_padding[1],
         "] must be smaller than strides [", strides[0], ", ", strides[1], "]");
  if (has_output_padding && padding == "same" && (output_padding[0] != 0 || output_padding[1] != 0))
    fail(L, ": outputPadding must be 0 with padding 'same'");
}
Json Conv2DTranspose::config() const {
  Json j = ConvLayerBase::config();
  j["filters"] = filters;
  j["outputPadding"] = has_output_padding ? pair_json(output_padding) : Json();
  return j;
}
Shape Conv2DTranspose::build(const std::vector<Shape>& in, uint64_t seed) {
  check_image(in[0]);
  const std::string op = "Conv2DTranspose '" + name + "'";
  const auto ry = vision::conv_transpose_output_size(
      (op + " (height)").c_str(), {in[0][0], kernel_size[0], strides[0], dilation[0], mode(padding), 0},
      output_padding[0]);
  const auto rx = vision::conv_transpose_output_size(
      (op + " (width)").c_str(), {in[0][1], kernel_size[1], strides[1], dilation[1], mode(padding), 0},
      output_padding[1]);
  make_weights({kernel_size[0], kernel_size[1], filters, in[0][2]}, filters, seed);
  return {ry.out, rx.out, filters};
}
Tensor Conv2DTranspose::forward(const std::vector<Tensor>& xs, bool) {
  check_inputs(xs);
  ConvTranspose2dOptions o;
  static_cast<Conv2dOptions&>(o) = conv_options();
  o.output_padding_h = output_padding[0];
  o.output_padding_w = output_padding[1];
  return finish(conv2d_transpose(xs[0], kernel, Tensor(), o));
}

// ---- pooling ------------------------------------------------------------------------------------------

Pooling2D::Pooling2D(const char* k, const Json& c) : kind_(k) {
  cfg::check_keys(k, c, {"poolSize", "strides", "padding"});
  pool_size = pair(k, c, "poolSize", {2, 2});
  strides_given = c.contains("strides") && !c["strides"].is_null();
  strides = pair(k, c, "strides", pool_size);
  padding = padding_name(k, c);
}
Json Pooling2D::config() const {
  return {{"poolSize", pair_json(pool_size)},
          {"strides", strides_given ? pair_json(strides) : Json()},
          {"padding", padding}};
}
Pool2dOptions Pooling2D::options() const {
  Pool2dOptions o;
  o.kernel_h = pool_size[0];
  o.kernel_w = pool_size[1];
  o.stride_h = strides[0];
  o.stride_w = strides[1];
  o.padding = mode(padding);
  return o;
}
Shape Pooling2D::build(const std::vector<Shape>& in, uint64_t) {
  bool ok = in[0].size() == 3;
  for (int64_t d : in[0]) ok = ok && d >= 1;
  if (!ok)
    fail(kind_, " '", name, "': input shape ", shape_str(in[0]),
         " must be [height, width, channels] (channels last), every size >= 1");
  const std::string op = std::string(kind_) + " '" + name + "'";
  const auto ry = vision::conv_output_size((op + " (height)").c_str(),
                                           {in[0][0], pool_size[0], strides[0], 1, mode(padding), 0});
  const auto rx = vision::conv_output_size((op + " (width)").c_str(),
                                           {in[0][1], pool_size[1], strides[1], 1, mode(padding), 0});
  return {ry.out, rx.out, in[0][2]};
}
Tensor Pooling2D::forward(const std::vector<Tensor>& xs, bool) {
  check_inputs(xs);
  return std::string(kind_) == "MaxPooling2D" ? max_pool2d(xs[0], options()) : avg_pool2d(xs[0], options());
}

// ---- GlobalAveragePooling2D ---------------------------------------------------------------------------

GlobalAveragePooling2D::GlobalAveragePooling2D(const Json& c) {
  cfg::check_keys("GlobalAveragePooling2D", c, {});
}
Shape GlobalAveragePooling2D::build(const std::vector<Shape>& in, uint64_t) {
  bool ok = in[0].size() == 3;
  for (int64_t d : in[0]) ok = ok && d >= 1;
  if (!ok)
    fail("GlobalAveragePooling2D '", name, "': input shape ", shape_str(in[0]),
         " must be [height, width, channels] (channels last), every size >= 1");
  return {in[0][2]};
}
Tensor GlobalAveragePooling2D::forward(const std::vector<Tensor>& xs, bool) {
  check_inputs(xs);
  return global_avg_pool2d(xs[0]);
}

// ---- UpSampling2D -------------------------------------------------------------------------------------

UpSampling2D::UpSampling2D(const Json& c) {
  const char* L = "UpSampling2D";
  cfg::check_keys(L, c, {"size", "interpolation"});
  size = pair(L, c, "size", {2, 2});
  if (size[0] > 4096 || size[1] > 4096) fail(L, ": size must be <= 4096");
  interpolation = cfg::string(L, c, "interpolation", "nearest");
  if (interpolation != "nearest" && interpolation != "bilinear")
    fail(L, ": interpolation must be 'nearest' or 'bilinear', got '", interpolation, "'");
}
Json UpSampling2D::config() const {
  return {{"size", pair_json(size)}, {"interpolation", interpolation}};
}
Shape UpSampling2D::build(const std::vector<Shape>& in, uint64_t) {
  bool ok = in[0].size() == 3;
  for (int64_t d : in[0]) ok = ok && d >= 1;
  if (!ok)
    fail("UpSampling2D '", name, "': input shape ", shape_str(in[0]),
         " must be [height, width, channels] (channels last), every size >= 1");
  Shape out{in[0][0] * size[0], in[0][1] * size[1], in[0][2]};
  check_shape("UpSampling2D", {1, out[0], out[1], out[2]});
  return out;
}
Tensor UpSampling2D::forward(const std::vector<Tensor>& xs, bool) {
  check_inputs(xs);
  return upsampling2d(xs[0], size[0], size[1],
                      interpolation == "bilinear" ? Interpolation::Bilinear : Interpolation::Nearest);
}

}  // namespace pg::nn
