// Embind bindings for the vision half: conv/pool/upsample ops (Tensors in and out), convolution
// arithmetic, boxes, NMS, anchors and YOLO (plain numbers and arrays in and out). Raw functions
// under underscore names; wasm/api/vision.mjs builds pg.vision.* and pg.conv2d, ... on top.
// Every binding runs inside guard(), so a pg::Error reaches JavaScript as an Error.
#include <string>

#include "bind_util.h"
#include "playgrad/ops/conv.h"
#include "playgrad/vision/vision.h"

using emscripten::val;
using pg::Tensor;
using pgbind::guard;
using pgbind::to_int;
namespace v = pg::vision;

namespace {

// 'valid' | 'same' | 'explicit' (with the pixel counts passed separately).
v::PaddingMode to_mode(const char* op, const std::string& s) {
  if (s == "explicit") return v::PaddingMode::Explicit;
  return v::padding_mode(op, s);
}

int64_t count(const char* op, const char* what, double x, int64_t lo = 0) {
  const int64_t n = to_int(op, what, x);
  if (n < lo) pg::fail(op, ": ", what, " must be >= ", lo, ", got ", n);
  if (n > (int64_t(1) << 31)) pg::fail(op, ": ", what, " is too large (", n, ")");
  return n;
}

Tensor opt_tensor(const val& t) {
  if (t.isNull() || t.isUndefined()) return Tensor();
  return t.as<Tensor>();
}

val size_obj(const v::ConvSize& r) {
  val o = val::object();
  o.set("out", double(r.out));
  o.set("padBefore", double(r.pad_before));
  o.set("padAfter", double(r.pad_after));
  o.set("span", double(r.span));
  o.set("numerator", double(r.numerator));
  o.set("quotient", r.quotient);
  return o;
}

// ---- arithmetic ---------------------------------------------------------------------------------

v::ConvDim conv_dim(const char* op, double input, double kernel, double stride, const std::string& mode,
                    double pad, double dilation) {
  v::ConvDim d;
  d.input = to_int(op, "input", input);
  d.kernel = to_int(op, "kernel", kernel);
  d.stride = to_int(op, "stride", stride);
  d.dilation = to_int(op, "dilation", dilation);
  d.mode = to_mode(op, mode);
  d.pad = to_int(op, "padding", pad);
  return d;
}

val js_conv_output_size(double input, double kernel, double stride, const val& mode_js, double pad,
                        double dilation) {
  return guard([&] {
    const std::string mode = pgbind::to_string("conv_output_size", mode_js);
    return size_obj(v::conv_output_size(
        "convOutputSize", conv_dim("convOutputSize", input, kernel, stride, mode, pad, dilation)));
  });
}
val js_conv_transpose_output_size(double input, double kernel, double stride, const val& mode_js,
                                  double pad, double dilation, double output_padding) {
  return guard([&] {
    const std::string mode = pgbind::to_string("conv_transpose_output_size", mode_js);
    const char* op = "convTransposeOutputSize";
    return size_obj(v::conv_transpose_output_size(
        op, conv_dim(op, input, kernel, stride, mode, pad, dilation),
        to_int(op, "outputPadding", output_padding)));
  });
}
double js_conv_params(double kh, double kw, double in, double out, bool bias) {
  return guard([&] {
    const char* op = "convParams";
    return double(v::conv_params(to_int(op, "kernel", kh), to_int(op, "kernel", kw),
                                 to_int(op, "inChannels", in), to_int(op, "outChannels", out), bias));
  });
}
val js_receptive_field(const val& kernels, const val& strides, const val& dilations) {
  return guard([&] {
    const char* op = "receptiveField";
    const auto k = pgbind::to_ints(op, "kernel", kernels), s = pgbind::to_ints(op, "stride", strides),
               d = pgbind::to_ints(op, "dilation", dilations);
    std::vector<v::RfLayer> layers;
    for (size_t i = 0; i < k.size() && i < s.size() && i < d.size(); ++i) layers.push_back({k[i], s[i], d[i]});
    const auto rf = v::receptive_field(layers);
    val o = val::object();
    o.set("size", double(rf.size));
    o.set("jump", double(rf.jump));
    return o;
  });
}

// ---- ops ----------------------------------------------------------------------------------------

pg::Conv2dOptions conv_opts(const char* op, double sh, double sw, const std::string& mode, double ph,
                            double pw, double dh, double dw) {
  pg::Conv2dOptions o;
  o.stride_h = count(op, "stride", sh, 1);
  o.stride_w = count(op, "stride", sw, 1);
  o.padding = to_mode(op, mode);
  o.pad_h = count(op, "padding", ph);
  o.pad_w = count(op, "padding", pw);
  o.dilation_h = count(op, "dilation", dh, 1);
  o.dilation_w = count(op, "dilation", dw, 1);
  return o;
}

Tensor js_conv2d(const Tensor& x, const Tensor& w, const val& bias, double sh, double sw,
                 const val& mode_js, double ph, double pw, double dh, double dw) {
  return guard([&] {
    const std::string mode = pgbind::to_string("conv2d", mode_js);
    return pg::conv2d(x, w, opt_tensor(bias), conv_opts("conv2d", sh, sw, mode, ph, pw, dh, dw));
  });
}
Tensor js_depthwise_conv2d(const Tensor& x, const Tensor& w, const val& bias, double sh, double sw,
                           const val& mode_js, double ph, double pw, double dh, double dw) {
  return guard([&] {
    const std::string mode = pgbind::to_string("depthwise_conv2d", mode_js);
    return pg::depthwise_conv2d(x, w, opt_tensor(bias),
                                conv_opts("depthwiseConv2d", sh, sw, mode, ph, pw, dh, dw));
  });
}
Tensor js_conv2d_transpose(const Tensor& x, const Tensor& w, const val& bias, double sh, double sw,
                           const val& mode_js, double ph, double pw, double dh, double dw, double oph,
                           double opw) {
  return guard([&] {
    const std::string mode = pgbind::to_string("conv2d_transpose", mode_js);
    const char* op = "conv2dTranspose";
    pg::ConvTranspose2dOptions o;
    static_cast<pg::Conv2dOptions&>(o) = conv_opts(op, sh, sw, mode, ph, pw, dh, dw);
    o.output_padding_h = count(op, "outputPadding", oph);
    o.output_padding_w = count(op, "outputPadding", opw);
    return pg::conv2d_transpose(x, w, opt_tensor(bias), o);
  });
}
pg::Pool2dOptions pool_opts(const char* op, double kh, double kw, double sh, double sw,
                            const std::string& mode, double ph, double pw) {
  pg::Pool2dOptions o;
  o.kernel_h = count(op, "poolSize", kh, 1);
  o.kernel_w = count(op, "poolSize", kw, 1);
  o.stride_h = count(op, "strides", sh, 1);
  o.stride_w = count(op, "strides", sw, 1);
  o.padding = to_mode(op, mode);
  o.pad_h = count(op, "padding", ph);
  o.pad_w = count(op, "padding", pw);
  return o;
}
Tensor js_max_pool2d(const Tensor& x, double kh, double kw, double sh, double sw, const val& mode_js,
                     double ph, double pw) {
  return guard([&] {
    const std::string mode = pgbind::to_string("max_pool2d", mode_js); return pg::max_pool2d(x, pool_opts("maxPool2d", kh, kw, sh, sw, mode, ph, pw)); });
}
Tensor js_avg_pool2d(const Tensor& x, double kh, double kw, double sh, double sw, const val& mode_js,
                     double ph, double pw) {
  return guard([&] {
    const std::string mode = pgbind::to_string("avg_pool2d", mode_js); return pg::avg_pool2d(x, pool_opts("avgPool2d", kh, kw, sh, sw, mode, ph, pw)); });
}
Tensor js_global_avg_pool2d(const Tensor& x) { return guard([&] { return pg::global_avg_pool2d(x); }); }
Tensor js_upsampling2d(const Tensor& x, double fh, double fw, const val& mode_js) {
  return guard([&] {
    const std::string mode = pgbind::to_string("upsampling2d", mode_js);
    const char* op = "upsampling2d";
    pg::Interpolation m;
    if (mode == "nearest") m = pg::Interpolation::Nearest;
    else if (mode == "bilinear") m = pg::Interpolation::Bilinear;
    else pg::fail(op, ": unknown interpolation '", mode, "' (use 'nearest' or 'bilinear')");
    return pg::upsampling2d(x, count(op, "size", fh, 1), count(op, "size", fw, 1), m);
  });
}

// ---- boxes and NMS ------------------------------------------------------------------------------

double js_iou(const val& a, const val& b) {
  return guard([&] {
    return v::iou(pgbind::to_floats("iou", "first box", a), pgbind::to_floats("iou", "second box", b));
  });
}
val box4(const double* b) {
  val o = val::array();
  for (unsigned i = 0; i < 4; ++i) o.set(i, b[i]);
  return o;
}
val js_iou_parts(const val& a, const val& b) {
  return guard([&] {
    const auto p = v::iou_parts(pgbind::to_floats("iouParts", "first box", a),
                                pgbind::to_floats("iouParts", "second box", b));
    val o = val::object();
    o.set("a", box4(p.a));
    o.set("b", box4(p.b));
    o.set("areaA", p.area_a);
    o.set("areaB", p.area_b);
    o.set("intersection", p.overlap ? box4(p.intersection) : val::null());
    o.set("inter", p.inter);
    o.set("union", p.union_area);
    o.set("iou", p.iou);
    return o;
  });
}
val js_iou_matrix(const val& a, const val& b) {
  return guard([&] {
    return pgbind::double_array(v::iou_matrix(pgbind::to_floats("iouMatrix", "first boxes", a),
                                              pgbind::to_floats("iouMatrix", "second boxes", b)));
  });
}
val js_box_convert(const val& b, const val& to_js) {
  return guard([&] {
    const std::string to = pgbind::to_string("box_convert", to_js);
    if (to == "corners") return pgbind::float_array(v::center_to_corners(pgbind::to_floats("centerToCorners", "boxes", b)));
    if (to == "center") return pgbind::float_array(v::corners_to_center(pgbind::to_floats("cornersToCenter", "boxes", b)));
    return pgbind::float_array(v::normalize_corners(pgbind::to_floats("normalizeCorners", "boxes", b)));
  });
}

v::NmsOptions nms_opts(const char* op, double iou, double score, double max_out, const std::string& rule) {
  v::NmsOptions o;
  o.iou_threshold = iou;
  o.score_threshold = score;
  if (std::isinf(max_out) && max_out > 0) o.max_output = -1;
  else o.max_output = count(op, "maxOutput", max_out);
  if (rule == "tensorflow") o.rule = v::NmsRule::TensorFlow;
  else if (rule == "torchvision") o.rule = v::NmsRule::Torchvision;
  else pg::fail(op, ": unknown rule '", rule, "' (use 'tensorflow' (IoU >= threshold suppresses) or 'torchvision' (IoU > threshold))");
  return o;
}

val js_nms(const val& boxes, const val& scores, double iou, double score, double max_out, const val& rule_js) {
  return guard([&] {
    const std::string rule = pgbind::to_string("nms", rule_js);
    const char* op = "nms";
    return pgbind::number_list(v::nms(pgbind::to_floats(op, "boxes", boxes), pgbind::to_floats(op, "scores", scores),
                                      nms_opts(op, iou, score, max_out, rule)));
  });
}
// NmsStep list -> [{ kind: 'keep' | 'suppress', index, by?, iou? }].
val steps_js(const std::vector<v::NmsStep>& steps) {
  val arr = val::array();
  for (size_t i = 0; i < steps.size(); ++i) {
    val s = val::object();
    s.set("kind", steps[i].kind == v::NmsStep::Keep ? "keep" : "suppress");
    s.set("index", double(steps[i].index));
    if (steps[i].kind == v::NmsStep::Suppress) {
      s.set("by", double(steps[i].by));
      s.set("iou", steps[i].iou);
    }
    arr.set(i, s);
  }
  return arr;
}
val js_nms_steps(const val& boxes, const val& scores, double iou, double score, double max_out,
                 const val& rule_js) {
  return guard([&] {
    const std::string rule = pgbind::to_string("nms_steps", rule_js);
    const char* op = "nmsSteps";
    return steps_js(v::nms_steps(pgbind::to_floats(op, "boxes", boxes), pgbind::to_floats(op, "scores", scores),
                                 nms_opts(op, iou, score, max_out, rule)));
  });
}
val js_nms_steps_per_class(const val& boxes, const val& scores, const val& classes, double iou,
                           double score, double max_out, const val& rule_js) {
  return guard([&] {
    const std::string rule = pgbind::to_string("nms_steps_per_class", rule_js);
    const char* op = "nmsStepsPerClass";
    return steps_js(v::nms_steps_per_class(
        pgbind::to_floats(op, "boxes", boxes), pgbind::to_floats(op, "scores", scores),
        pgbind::to_ints(op, "classes", classes), nms_opts(op, iou, score, max_out, rule)));
  });
}
val js_soft_nms(const val& boxes, const val& scores, double sigma, double iou, double score,
                double max_out, const val& rule_js) {
  return guard([&] {
    const std::string rule = pgbind::to_string("soft_nms", rule_js);
    const char* op = "softNms";
    const auto r = v::soft_nms(pgbind::to_floats(op, "boxes", boxes), pgbind::to_floats(op, "scores", scores),
                               sigma, nms_opts(op, iou, score, max_out, rule));
    val o = val::object();
    o.set("indices", pgbind::number_list(r.indices));
    o.set("scores", pgbind::number_list(r.scores));
    return o;
  });
}
val js_nms_per_class(const val& boxes, const val& scores, const val& classes, double iou,
                     double score, double max_out, const val& rule_js) {
  return guard([&] {
    const std::string rule = pgbind::to_string("nms_per_class", rule_js);
    const char* op = "nmsPerClass";
    return pgbind::number_list(v::nms_per_class(
        pgbind::to_floats(op, "boxes", boxes), pgbind::to_floats(op, "scores", scores),
        pgbind::to_ints(op, "classes", classes), nms_opts(op, iou, score, max_out, rule)));
  });
}

// ---- anchors and YOLO ---------------------------------------------------------------------------

val js_grid_anchors(double gh, double gw, double sy, double sx, const val& sizes, const val& ratios) {
  return guard([&] {
    const char* op = "gridAnchors";
    return pgbind::float_array(v::grid_anchors(count(op, "grid", gh, 1), count(op, "grid", gw, 1), sy, sx,
                                               pgbind::to_doubles(op, "sizes", sizes),
                                               pgbind::to_doubles(op, "ratios", ratios)));
  });
}
val js_kmeans_anchors(const val& wh, double k, double seed, double max_iter) {
  return guard([&] {
    const char* op = "kmeansAnchors";
    const auto r = v::kmeans_anchors(pgbind::to_floats(op, "sizes", wh), count(op, "k", k, 1),
                                     uint64_t(count(op, "seed", seed)), count(op, "maxIter", max_iter, 1));
    val o = val::object();
    o.set("centroids", pgbind::double_array(r.centroids));
    o.set("assignments", pgbind::number_list(r.assignments));
    o.set("meanIou", r.mean_iou);
    o.set("iterations", double(r.iterations));
    return o;
  });
}
v::YoloGrid yolo_grid(const char* op, double gh, double gw, double k, const val& anchors) {
  v::YoloGrid g;
  g.grid_h = count(op, "grid", gh, 1);
  g.grid_w = count(op, "grid", gw, 1);
  g.num_classes = count(op, "numClasses", k, 1);
  g.anchors = pgbind::to_doubles(op, "anchors", anchors);
  return g;
}
val js_yolo_encode(double gh, double gw, double k, const val& anchors, const val& boxes, const val& classes) {
  return guard([&] {
    const char* op = "yoloEncode";
    const auto t = v::yolo_encode(yolo_grid(op, gh, gw, k, anchors), pgbind::to_floats(op, "boxes", boxes),
                                  pgbind::to_ints(op, "classes", classes));
    val o = val::object();
    o.set("target", pgbind::float_array(t.target));
    o.set("dropped", double(t.dropped));
    return o;
  });
}
val js_yolo_decode(double gh, double gw, double k, const val& anchors, const val& pred, double conf,
                   double score, bool nms, bool per_class, double iou, double max_out, const val& rule_js) {
  return guard([&] {
    const std::string rule = pgbind::to_string("yolo_decode", rule_js);
    const char* op = "yoloDecode";
    v::YoloDecodeOptions o;
    o.conf_threshold = conf;
    o.score_threshold = score;
    o.nms = nms;
    o.per_class = per_class;
    o.nms_options = nms_opts(op, iou, -INFINITY, max_out, rule);
    if (!(iou >= 0 && iou <= 1)) pg::fail(op, ": iouThreshold must be in [0, 1], got ", iou);
    const auto d = v::yolo_decode(yolo_grid(op, gh, gw, k, anchors), pgbind::to_floats(op, "prediction", pred), o);
    val r = val::object();
    r.set("boxes", pgbind::float_array(d.boxes));
    r.set("scores", pgbind::number_list(d.scores));
    r.set("classes", pgbind::number_list(d.classes));
    r.set("cells", pgbind::number_list(d.cells));
    return r;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_vision) {
  using emscripten::function;
  function("_convOutputSize", &js_conv_output_size);
  function("_convTransposeOutputSize", &js_conv_transpose_output_size);
  function("_convParams", &js_conv_params);
  function("_receptiveField", &js_receptive_field);

  function("_conv2d", &js_conv2d);
  function("_depthwiseConv2d", &js_depthwise_conv2d);
  function("_conv2dTranspose", &js_conv2d_transpose);
  function("_maxPool2d", &js_max_pool2d);
  function("_avgPool2d", &js_avg_pool2d);
  function("_globalAvgPool2d", &js_global_avg_pool2d);
  function("_upsampling2d", &js_upsampling2d);

  function("_iou", &js_iou);
  function("_iouParts", &js_iou_parts);
  function("_iouMatrix", &js_iou_matrix);
  function("_boxConvert", &js_box_convert);
  function("_nms", &js_nms);
  function("_nmsSteps", &js_nms_steps);
  function("_softNms", &js_soft_nms);
  function("_nmsPerClass", &js_nms_per_class);
  function("_nmsStepsPerClass", &js_nms_steps_per_class);
  function("_gridAnchors", &js_grid_anchors);
  function("_kmeansAnchors", &js_kmeans_anchors);
  function("_yoloEncode", &js_yolo_encode);
  function("_yoloDecode", &js_yolo_decode);
}
