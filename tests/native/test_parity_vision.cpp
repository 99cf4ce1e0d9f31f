// Native/wasm parity for the vision ops: runs each conv/pool/upsample op on seeded inputs and
// writes outputs and gradients to parity_vision.json (next to parity.json);
// tests/node/vision_parity.test.mjs rebuilds the same inputs in wasm and must agree to a
// relative error of 1e-6.
#include <fstream>
#include <functional>
#include <iomanip>
#include <string>

#include "playgrad/ops/conv.h"
#include "test_util.h"

using namespace pg;

namespace {
struct Case {
  std::string op;
  std::vector<Shape> inputs;  // input i is randn(shape, seed0 + i)
  std::function<Tensor(const std::vector<Tensor>&)> f;
};
void floats(std::ostream& os, const std::vector<float>& v) {
  os << "[";
  for (size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << std::setprecision(9) << v[i];
  os << "]";
}
void shape(std::ostream& os, const Shape& s) {
  os << "[";
  for (size_t i = 0; i < s.size(); ++i) os << (i ? "," : "") << s[i];
  os << "]";
}
}  // namespace

TEST(Parity, WriteNativeVisionResults) {
  Conv2dOptions same2;
  same2.padding = vision::PaddingMode::Same;
  same2.stride_h = same2.stride_w = 2;
  Conv2dOptions dil;
  dil.padding = vision::PaddingMode::Explicit;
  dil.pad_h = 1;
  dil.pad_w = 2;
  dil.dilation_h = dil.dilation_w = 2;
  ConvTranspose2dOptions tr;
  tr.stride_h = 2;
  tr.stride_w = 3;
  tr.output_padding_h = 1;
  Pool2dOptions pool3;
  pool3.kernel_h = pool3.kernel_w = 3;
  pool3.stride_h = pool3.stride_w = 2;
  pool3.padding = vision::PaddingMode::Same;
  const std::vector<Case> cases = {
      {"conv2dSame", {{2, 7, 6, 3}, {3, 3, 3, 5}, {5}}, [&](auto& x) { return conv2d(x[0], x[1], x[2], same2); }},
      {"conv2dDilated", {{1, 9, 8, 2}, {3, 2, 2, 4}}, [&](auto& x) { return conv2d(x[0], x[1], Tensor(), dil); }},
      {"depthwise", {{2, 6, 6, 3}, {3, 3, 3, 2}}, [&](auto& x) { return depthwise_conv2d(x[0], x[1], Tensor(), same2); }},
      {"conv2dTranspose", {{2, 3, 4, 3}, {3, 2, 5, 3}}, [&](auto& x) { return conv2d_transpose(x[0], x[1], Tensor(), tr); }},
      {"maxPool", {{2, 7, 6, 5}}, [&](auto& x) { return max_pool2d(x[0], pool3); }},
      {"avgPool", {{2, 7, 6, 5}}, [&](auto& x) { return avg_pool2d(x[0], pool3); }},
      {"globalAvgPool", {{2, 4, 3, 6}}, [&](auto& x) { return global_avg_pool2d(x[0]); }},
      {"upNearest", {{2, 3, 4, 5}}, [&](auto& x) { return upsampling2d(x[0], 2, 3, Interpolation::Nearest); }},
      {"upBilinear", {{2, 3, 4, 5}}, [&](auto& x) { return upsampling2d(x[0], 3, 2, Interpolation::Bilinear); }},
  };
  std::string path = PG_PARITY_FILE;
  path = path.substr(0, path.rfind('/') + 1) + "parity_vision.json";
  std::ofstream os(path);
  ASSERT_TRUE(os) << "cannot write " << path;
  os << "[";
  uint64_t seed = 9000;
  for (size_t c = 0; c < cases.size(); ++c) {
    const Case& k = cases[c];
    std::vector<Tensor> xs;
    for (const Shape& s : k.inputs) xs.push_back(Tensor::randn(s, seed++).set_requires_grad(true));
    Tensor out = k.f(xs);
    const uint64_t wseed = seed++;
    sum(mul(out, Tensor::randn(out.shape(), wseed))).backward();
    os << (c ? "," : "") << "\n{\"op\":\"" << k.op << "\",\"seed\":" << (wseed - k.inputs.size())
       << ",\"wseed\":" << wseed << ",\"shapes\":[";
    for (size_t i = 0; i < k.inputs.size(); ++i) {
      if (i) os << ",";
      shape(os, k.inputs[i]);
    }
    os << "],\"out\":";
    floats(os, out.to_vector());
    os << ",\"grads\":[";
    for (size_t i = 0; i < xs.size(); ++i) {
      if (i) os << ",";
      floats(os, xs[i].grad().to_vector());
    }
    os << "]}";
  }
  os << "\n]\n";
  ASSERT_TRUE(os.good());
}
