// libFuzzer target: the vision half on arbitrary input. Conv/pool/upsample ops on fuzzed NHWC
// shapes, kernels, strides, paddings and dilations (NaN and Inf values included), with
// backward; and boxes/NMS/anchors/YOLO on fuzzed boxes, scores and thresholds. pg::Error is the
// expected answer to bad input; a crash, a sanitizer report or a leak is a finding.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "playgrad/ops/conv.h"
#include "playgrad/memory.h"
#include "playgrad/ops/ops.h"
#include "playgrad/vision/vision.h"

namespace {
struct Reader {
  const uint8_t* p;
  size_t n;
  uint8_t byte() { return n ? (--n, *p++) : 0; }
  int small(int hi) { return int(byte() % uint8_t(hi + 1)); }
  float value() {
    switch (byte() % 10) {
      case 0: return std::numeric_limits<float>::quiet_NaN();
      case 1: return std::numeric_limits<float>::infinity();
      case 2: return -std::numeric_limits<float>::infinity();
      case 3: return 0.f;
      default: return (float(byte()) - 128.f) / 16.f;
    }
  }
  // Any float32 bit pattern: denormals, huge values, NaN payloads.
  float raw() {
    uint32_t u = 0;
    for (int i = 0; i < 4; ++i) u = (u << 8) | byte();
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
  // Any int64: negative, zero, huge (overflow in out = floor((in + 2p - d(k-1) - 1)/s) + 1).
  int64_t integer() {
    switch (byte() % 4) {
      case 0: return int64_t(byte()) - 4;
      case 1: return std::numeric_limits<int64_t>::max() - int64_t(byte());
      case 2: return std::numeric_limits<int64_t>::min() + int64_t(byte());
      default: {
        uint64_t u = 0;
        for (int i = 0; i < 8; ++i) u = (u << 8) | byte();
        return int64_t(u);
      }
    }
  }
};

pg::Tensor make(Reader& r, pg::Shape s) {
  for (auto& d : s)
    if (r.small(20) == 0) d = r.small(2) - 1;  // sometimes 0 or -1
  pg::Tensor t = pg::Tensor::zeros(s);
  for (int64_t i = 0; i < t.numel(); ++i) t.data()[i] = r.value();
  t.set_requires_grad(r.byte() & 1);
  return t;
}

pg::vision::PaddingMode mode(Reader& r) {
  return pg::vision::PaddingMode(r.small(2));
}

pg::Tensor op(Reader& r) {
  const int64_t n = 1 + r.small(2), h = r.small(7), w = r.small(7), c = 1 + r.small(5);
  pg::Tensor x = make(r, {n, h, w, c});
  pg::Conv2dOptions o;
  o.stride_h = r.small(3);
  o.stride_w = r.small(3);
  o.dilation_h = r.small(3);
  o.dilation_w = r.small(3);
  o.padding = mode(r);
  o.pad_h = r.small(4) - 1;
  o.pad_w = r.small(4) - 1;
  const int64_t kh = r.small(4), kw = r.small(4), oc = r.small(4);
  switch (r.byte() % 8) {
    case 0: return pg::conv2d(x, make(r, {kh, kw, c, oc}), r.byte() & 1 ? make(r, {oc}) : pg::Tensor(), o);
    case 1: return pg::depthwise_conv2d(x, make(r, {kh, kw, c, oc}), pg::Tensor(), o);
    case 2: {
      pg::ConvTranspose2dOptions t;
      static_cast<pg::Conv2dOptions&>(t) = o;
      t.output_padding_h = r.small(3) - 1;
      t.output_padding_w = r.small(3) - 1;
      return pg::conv2d_transpose(x, make(r, {kh, kw, oc, c}), pg::Tensor(), t);
    }
    case 3:
    case 4: {
      pg::Pool2dOptions p;
      p.kernel_h = kh;
      p.kernel_w = kw;
      p.stride_h = r.small(3);
      p.stride_w = r.small(3);
      p.padding = o.padding;
      p.pad_h = o.pad_h;
      p.pad_w = o.pad_w;
      return r.byte() & 1 ? pg::max_pool2d(x, p) : pg::avg_pool2d(x, p);
    }
    case 5: return pg::global_avg_pool2d(x);
    default:
      return pg::upsampling2d(x, r.small(4), r.small(4),
                              r.byte() & 1 ? pg::Interpolation::Bilinear : pg::Interpolation::Nearest);
  }
}

// Conv arithmetic on arbitrary integers: every size function, no overflow (UBSan), only pg::Error.
void arithmetic(Reader& r) {
  namespace v = pg::vision;
  v::ConvDim d;
  d.input = r.integer();
  d.kernel = r.integer();
  d.stride = r.integer();
  d.dilation = r.integer();
  d.mode = v::PaddingMode(r.small(2));
  d.pad = r.integer();
  switch (r.byte() % 4) {
    case 0: v::conv_output_size("fuzz", d); break;
    case 1: v::conv_transpose_output_size("fuzz", d, r.integer()); break;
    case 2: v::conv_params(r.integer(), r.integer(), r.integer(), r.integer(), r.byte() & 1); break;
    default: {
      std::vector<v::RfLayer> ls(size_t(r.small(6)));
      for (auto& l : ls) l = {r.integer(), r.integer(), r.integer()};
      v::receptive_field(ls);
    }
  }
}

void boxes(Reader& r) {
  namespace v = pg::vision;
  std::vector<float> b, s;
  const bool raw = r.byte() & 1;  // arbitrary float32 bit patterns, or the small value classes
  for (int i = 0, n = r.small(40); i < n; ++i) b.push_back(raw ? r.raw() : r.value());
  for (int i = 0, n = r.small(10); i < n; ++i) s.push_back(raw ? r.raw() : r.value());
  v::NmsOptions o;
  o.iou_threshold = double(r.value());
  o.score_threshold = double(r.value());
  o.max_output = r.small(5) - 1;
  o.rule = r.byte() & 1 ? v::NmsRule::Torchvision : v::NmsRule::TensorFlow;
  std::vector<int64_t> cls;
  for (size_t i = 0; i < s.size(); ++i) cls.push_back(r.small(3));
  switch (r.byte() % 10) {
    case 9: if (b.size() >= 8) v::iou({b.begin(), b.begin() + 4}, {b.begin() + 4, b.begin() + 8}); break;
    case 0: v::nms(b, s, o); break;
    case 1: v::nms_steps(b, s, o); break;
    case 2: v::soft_nms(b, s, double(r.value()), o); break;
    case 3: v::nms_per_class(b, s, cls, o); break;
    case 4: v::iou_matrix(b, s); break;
    case 5: v::kmeans_anchors(b, r.small(4), r.byte(), 1 + r.small(20)); break;
    case 6: {
      v::YoloGrid g;
      g.grid_h = r.small(4);
      g.grid_w = r.small(4);
      g.num_classes = r.small(3);
      g.anchors = std::vector<double>(s.begin(), s.end());
      if (r.byte() & 1) v::yolo_encode(g, b, cls);
      else v::yolo_decode(g, b, {});
      break;
    }
    case 7: v::grid_anchors(r.small(3), r.small(3), r.value(), r.value(), {r.value()}, {r.value()}); break;
    default: v::center_to_corners(b); v::corners_to_center(b); break;
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r{data, size};
  const int64_t bytes_before = pg::tensor_bytes_in_use();
  try {
    const int what = r.byte() % 4;
    if (what == 1) {
      boxes(r);
    } else if (what == 3) {
      arithmetic(r);
    } else {
      pg::Tensor y = op(r);
      if (y.requires_grad()) pg::sum(y).backward();
    }
  } catch (const pg::Error&) {
    // expected for bad input
  }
  if (pg::tensor_bytes_in_use() != bytes_before) __builtin_trap();
  return 0;
}
