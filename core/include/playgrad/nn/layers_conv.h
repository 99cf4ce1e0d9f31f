// playgrad/nn/layers_conv.h: the vision layers (Keras names and defaults, tfjs config keys), registered
// in core/src/nn/layer_registry.cpp and implemented in core/src/nn/layers_conv.cpp over the conv.h ops.
//
// Inputs are channels-last [N, H, W, C]; build() takes [H, W, C] and returns the output shape
// from vision::conv_output_size (out = floor((in + 2P - d(k - 1) - 1) / s) + 1; 'same':
// out = ceil(in / s)), so an impossible configuration is a pg::Error naming the layer.
// Pair options (kernelSize, strides, dilationRate, poolSize, size, outputPadding) take a number
// or [h, w]; config() returns them as [h, w].
//
//   Conv2D {filters, kernelSize, strides = 1, padding = 'valid' | 'same', dilationRate = 1,
//           activation = 'linear', useBias = true, kernelInitializer = 'glorot_uniform',
//           biasInitializer = 'zeros', kernelRegularizer, biasRegularizer, alpha}
//     kernel [kh, kw, C, filters] (HWIO), bias [filters]; y = act(conv(x, kernel) + bias).
//     Parameters: (kh kw C + 1) filters.
//   DepthwiseConv2D {kernelSize, depthMultiplier = 1, strides, padding, dilationRate, activation,
//           useBias, depthwiseInitializer = 'glorot_uniform', biasInitializer, depthwiseRegularizer,
//           biasRegularizer, alpha}: depthwise_kernel [kh, kw, C, M], bias [C M]; output channel
//           c M + m comes from input channel c.
//   Conv2DTranspose {filters, kernelSize, strides = 1, padding, dilationRate = 1,
//           outputPadding = null (0), activation, useBias, kernelInitializer, biasInitializer,
//           kernelRegularizer, biasRegularizer, alpha}: kernel [kh, kw, filters, C] (Keras'
//           layout: the filter of the convolution it is the gradient of), bias [filters];
//           out = s (in - 1) + d (k - 1) + outputPadding + 1 ('valid'), s in ('same').
//   MaxPooling2D / AveragePooling2D {poolSize = 2, strides = null (= poolSize), padding =
//           'valid'}: average pooling counts only in-bounds positions ('same', as TensorFlow).
//   GlobalAveragePooling2D {}: [N, H, W, C] -> [N, C], the mean over H and W.
//   UpSampling2D {size = 2, interpolation = 'nearest' | 'bilinear'}: [N, H fh, W fw, C];
//           bilinear uses half-pixel centres (Keras, tf.image.resizeBilinear).
#pragma once
#include <array>

#include "playgrad/ops/conv.h"
#include "playgrad/nn/layers.h"

namespace pg::nn {

using Pair = std::array<int64_t, 2>;

// Shared by the convolution layers: geometry, activation, bias and regularizers.
class ConvLayerBase : public Layer {
 public:
  Json config() const override;
  std::vector<NamedTensor> params() override;
  Tensor regularization() override;
  using Layer::forward;

  Pair kernel_size{1, 1}, strides{1, 1}, dilation{1, 1};
  std::string padding = "valid";
  std::string activation = "linear";
  bool use_bias = true;
  float alpha = 0.2f;
  init::Spec kernel_init, bias_init;
  Regularizer kernel_reg, bias_reg;
  Tensor kernel, bias, slope;

 protected:
  // Reads the options every convolution layer has; `kernel_key` names the kernel's
  // initializer/regularizer prefix ("kernel" or "depthwise").
  void read_common(const char* L, const Json& c, const char* kernel_key);
  // Creates kernel (shape ks), bias [out_channels] and the prelu slope.
  void make_weights(const Shape& ks, int64_t out_channels, uint64_t seed);
  // Checks [H, W, C] (every dimension >= 1).
  void check_image(const Shape& in) const;
  Conv2dOptions conv_options() const;
  Tensor finish(const Tensor& y) const;  // + bias, activation
  std::string kernel_key_ = "kernel";
};

class Conv2D : public ConvLayerBase {
 public:
  explicit Conv2D(const Json& config);
  static constexpr const char* kKind = "Conv2D";
  const char* kind() const override { return kKind; }
  Json config() const override;
  Shape build(const std::vector<Shape>& in, uint64_t seed) override;
  Tensor forward(const std::vector<Tensor>& xs, bool training) override;
  using Layer::forward;
  // Whether max_pool2d(forward(xs), pool) can run as one fused op (ops/conv.h conv2d's
  // max_pool): with a 'relu' or 'linear' activation. forward_pooled runs it.
  bool fuses_max_pool() const { return activation == "relu" || activation == "linear"; }
  Tensor forward_pooled(const std::vector<Tensor>& xs, const Pool2dOptions& pool);
  int64_t filters = 0;
};

class DepthwiseConv2D : public ConvLayerBase {
 public:
  explicit DepthwiseConv2D(const Json& config);
  const char* kind() const override { return "DepthwiseConv2D"; }
  Json config() const override;
  Shape build(const std::vector<Shape>& in, uint64_t seed) override;
  Tensor forward(const std::vector<Tensor>& xs, bool training) override;
  using Layer::forward;
  int64_t depth_multiplier = 1;
};

class Conv2DTranspose : public ConvLayerBase {
 public:
  explicit Conv2DTranspose(const Json& config);
  const char* kind() const override { return "Conv2DTranspose"; }
  Json config() const override;
  Shape build(const std::vector<Shape>& in, uint64_t seed) override;
  Tensor forward(const std::vector<Tensor>& xs, bool training) override;
  using Layer::forward;
  int64_t filters = 0;
  bool has_output_padding = false;
  Pair output_padding{0, 0};
};

// MaxPooling2D and AveragePooling2D.
class Pooling2D : public Layer {
 public:
  Pooling2D(const char* kind, const Json& config);
  const char* kind() const override { return kind_; }
  Json config() const override;
  Shape build(const std::vector<Shape>& in, uint64_t seed) override;
  Tensor forward(const std::vector<Tensor>& xs, bool training) override;
  using Layer::forward;
  Pair pool_size{2, 2}, strides{2, 2};
  bool strides_given = false;
  std::string padding = "valid";
  Pool2dOptions options() const;

 private:
  const char* kind_;
};
class MaxPooling2D : public Pooling2D {
 public:
  static constexpr const char* kKind = "MaxPooling2D";
  explicit MaxPooling2D(const Json& c) : Pooling2D(kKind, c) {}
};
class AveragePooling2D : public Pooling2D {
 public:
  explicit AveragePooling2D(const Json& c) : Pooling2D("AveragePooling2D", c) {}
};

class GlobalAveragePooling2D : public Layer {
 public:
  explicit GlobalAveragePooling2D(const Json& config);
  const char* kind() const override { return "GlobalAveragePooling2D"; }
  Json config() const override { return Json::object(); }
  Shape build(const std::vector<Shape>& in, uint64_t seed) override;
  Tensor forward(const std::vector<Tensor>& xs, bool training) override;
  using Layer::forward;
};

class UpSampling2D : public Layer {
 public:
  explicit UpSampling2D(const Json& config);
  const char* kind() const override { return "UpSampling2D"; }
  Json config() const override;
  Shape build(const std::vector<Shape>& in, uint64_t seed) override;
  Tensor forward(const std::vector<Tensor>& xs, bool training) override;
  using Layer::forward;
  Pair size{2, 2};
  std::string interpolation = "nearest";
};

}  // namespace pg::nn
