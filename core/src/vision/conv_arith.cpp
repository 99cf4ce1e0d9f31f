// Convolution arithmetic: output sizes, 'same' padding, transposed sizes, parameter counts and
// receptive fields. Exact integers; a configuration with no valid output is a pg::Error saying why.
#include <algorithm>
#include <cctype>

#include "playgrad/error.h"
#include "playgrad/vision/vision.h"

namespace pg::vision {

PaddingMode padding_mode(const char* op, const std::string& name) {
  std::string s = name;
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (s == "valid") return PaddingMode::Valid;
  if (s == "same") return PaddingMode::Same;
  fail(op, ": unknown padding '", name, "' (use 'valid', 'same' or a number of pixels)");
}

static void check_dim(const char* op, const ConvDim& d) {
  if (d.input < 1) fail(op, ": input size must be >= 1, got ", d.input);
  if (d.kernel < 1) fail(op, ": kernel size must be >= 1, got ", d.kernel);
  if (d.stride < 1) fail(op, ": stride must be >= 1, got ", d.stride);
  if (d.dilation < 1) fail(op, ": dilation must be >= 1, got ", d.dilation);
  if (d.mode == PaddingMode::Explicit && d.pad < 0)
    fail(op, ": padding must be >= 0, got ", d.pad);
  const int64_t big = int64_t(1) << 31;
  if (d.input > big || d.kernel > big || d.stride > big || d.dilation > big || d.pad > big)
    fail(op, ": sizes above 2^31 are not supported");
}

ConvSize conv_output_size(const char* op, const ConvDim& d) {
  check_dim(op, d);
  const int64_t keff = d.dilation * (d.kernel - 1) + 1;  // dilated kernel extent
  ConvSize r;
  if (d.mode == PaddingMode::Same && d.same_stride1_only && d.stride != 1)
    fail(op, ": padding 'same' with stride ", d.stride,
         " is TensorFlow/Keras only; PyTorch allows padding='same' only for stride 1 (give the "
         "padding as a number of pixels)");
  if (d.mode == PaddingMode::Same) {
    // TensorFlow: out = ceil(in / s); the odd extra pixel of padding goes after (bottom/right).
    r.out = (d.input + d.stride - 1) / d.stride;
    const int64_t total = std::max<int64_t>((r.out - 1) * d.stride + keff - d.input, 0);
    r.pad_before = total / 2;
    r.pad_after = total - r.pad_before;
  } else {
    const int64_t p = d.mode == PaddingMode::Explicit ? d.pad : 0;
    const int64_t padded = d.input + 2 * p;
    if (keff > padded) {
      if (d.dilation > 1)
        fail(op, ": the dilated kernel spans ", keff, " pixels (dilation ", d.dilation,
             " x (kernel ", d.kernel, " - 1) + 1), more than the padded input of ", padded,
             " (input ", d.input, " + 2 x padding ", p, "): no valid output");
      fail(op, ": kernel ", d.kernel, " is larger than the padded input of ", padded, " (input ",
           d.input, " + 2 x padding ", p, "): no valid output");
    }
    // out = floor((in + 2P - d(k - 1) - 1) / s) + 1
    r.out = (padded - keff) / d.stride + 1;
    r.pad_before = r.pad_after = p;
  }
  // The terms of the formula; for 'same' they give its out = ceil(in / s) too.
  r.span = keff;
  r.numerator = d.input + r.pad_before + r.pad_after - keff;
  r.quotient = double(r.numerator) / double(d.stride);
  return r;
}

ConvSize conv_transpose_output_size(const char* op, const ConvDim& d, int64_t output_padding) {
  check_dim(op, d);
  if (output_padding < 0 || output_padding >= d.stride)
    fail(op, ": output padding must be in [0, stride) = [0, ", d.stride, "), got ",
         output_padding);
  const int64_t keff = d.dilation * (d.kernel - 1) + 1;
  int64_t out;
  if (d.mode == PaddingMode::Same) {
    if (output_padding != 0)
      fail(op, ": output padding is not used with 'same' padding (out = stride x input)");
    out = d.stride * d.input;
  } else {
    const int64_t p = d.mode == PaddingMode::Explicit ? d.pad : 0;
    // out = s (in - 1) + d (k - 1) + output_padding - 2P + 1
    out = d.stride * (d.input - 1) + keff + output_padding - 2 * p;
    if (out < 1)
      fail(op, ": padding ", p, " removes the whole output (stride ", d.stride, " x (input ",
           d.input, " - 1) + dilated kernel ", keff, " + output padding ", output_padding,
           " - 2 x ", p, " = ", out, ")");
  }
  // The forward convolution out -> in: its padding is the one the transposed op uses.
  ConvDim fwd = d;
  fwd.input = out;
  ConvSize f = conv_output_size(op, fwd);
  if (f.out != d.input)
    fail(op, ": internal error: forward size ", f.out, " of transposed size ", out, " is not ",
         d.input);
  f.out = out;
  return f;
}

int64_t conv_params(int64_t kh, int64_t kw, int64_t in_channels, int64_t out_channels, bool bias) {
  if (kh < 1 || kw < 1) fail("convParams: kernel must be >= 1, got ", kh, " x ", kw);
  if (in_channels < 1 || out_channels < 1)
    fail("convParams: channels must be >= 1, got in ", in_channels, ", out ", out_channels);
  const int64_t big = int64_t(1) << 20;
  if (kh > big || kw > big || in_channels > big || out_channels > big)
    fail("convParams: sizes above 2^20 are not supported");
  // (kh kw in + bias) out
  return (kh * kw * in_channels + (bias ? 1 : 0)) * out_channels;
}

ReceptiveField receptive_field(const std::vector<RfLayer>& layers) {
  ReceptiveField rf;
  for (size_t i = 0; i < layers.size(); ++i) {
    const RfLayer& l = layers[i];
    if (l.kernel < 1 || l.stride < 1 || l.dilation < 1)
      fail("receptiveField: layer ", i, " needs kernel, stride and dilation >= 1, got ", l.kernel,
           ", ", l.stride, ", ", l.dilation);
    if (l.kernel > (1 << 20) || l.stride > (1 << 20) || l.dilation > (1 << 20) || l.pad > (1 << 20))
      fail("receptiveField: layer ", i, " has sizes above 2^20");
    if (l.pad < 0) fail("receptiveField: layer ", i, " has a negative padding (", l.pad, ")");
    // r += d (k - 1) j;  a -= P j;  j *= s
    rf.size += l.dilation * (l.kernel - 1) * rf.jump;
    rf.start -= l.pad * rf.jump;
    rf.jump *= l.stride;
    if (rf.size > (int64_t(1) << 50) || rf.jump > (int64_t(1) << 50))
      fail("receptiveField: the stack is too deep (sizes beyond 2^50)");
  }
  return rf;
}

}  // namespace pg::vision
