// Embind bindings of the vision area (playgrad/vision/, playgrad/ops/conv.h): conv/pool/upsample
// ops (Tensors in and out), convolution arithmetic, boxes, NMS, anchors and YOLO (plain numbers
// and arrays in and out). Raw functions under underscore names; wasm/api/vision.mjs builds
// pg.vision.* and pg.conv2d, ... on top. Operands are positional, options one JSON text read with
// pgbind::Options (the convention: bind_util.h). Every binding runs inside guard(), so a
// pg::Error reaches JavaScript as an Error.
#include <string>

#include "bind_util.h"
#include "playgrad/ops/conv.h"
#include "playgrad/vision/architecture.h"
#include "playgrad/vision/vision.h"
#include <nlohmann/json.hpp>

using emscripten::val;
using pg::Tensor;
using pgbind::guard;
using pgbind::to_int;
namespace v = pg::vision;
using Json = nlohmann::json;

namespace {

// 'valid' | 'same' | 'explicit' (with the pixel counts passed separately).
v::PaddingMode to_mode(const char* op, const std::string& s) {
  if (s == "explicit") return v::PaddingMode::Explicit;
  return v::padding_mode(op, s);
}

int64_t checked_count(const char* op, const char* what, int64_t n, int64_t lo) {
  if (n < lo) pg::fail(op, ": ", what, " must be >= ", lo, ", got ", n);
  if (n > (int64_t(1) << 31)) pg::fail(op, ": ", what, " is too large (", n, ")");
  return n;
}

int64_t count(const pgbind::Options& o, const char* what, const char* key, int64_t def, int64_t lo = 0) {
  return checked_count(o.op, what, o.integer(key, def), lo);
}
// Element i of a [height, width] option.
int64_t count_at(const pgbind::Options& o, const char* what, const char* key, size_t i, int64_t lo = 0) {
  return checked_count(o.op, what, o.integer_at(key, i), lo);
}
// The same, def when the option is absent (wasm/api/vision.mjs sends only the fields that differ
// from these defaults: a shorter text to convert and parse on every call of an op).
int64_t count_at(const pgbind::Options& o, const char* what, const char* key, size_t i, int64_t lo,
                 int64_t def) {
  return o.has(key) ? count_at(o, what, key, i, lo) : def;
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

// {input, kernel, stride = 1, dilation = 1, padding: 'valid' | 'same' | 'explicit', pad = 0,
//  sameRule: 'tensorflow' | 'pytorch'}
v::ConvDim conv_dim(const pgbind::Options& o) {
  v::ConvDim d;
  if (!o.has("input")) pg::fail(o.op, ": input must be a number");
  if (!o.has("kernel")) pg::fail(o.op, ": kernel must be a number");
  d.input = o.integer("input", 0);
  d.kernel = o.integer("kernel", 0);
  d.stride = o.integer("stride", 1);
  d.dilation = o.integer("dilation", 1);
  d.mode = to_mode(o.op, o.string("padding", "valid"));
  d.pad = o.integer("pad", 0);
  const std::string same = o.string("sameRule", "tensorflow");
  if (same == "pytorch") d.same_stride1_only = true;
  else if (same != "tensorflow")
    pg::fail(o.op, ": unknown sameRule '", same, "' (use 'tensorflow' (any stride) or 'pytorch' (stride 1 only))");
  return d;
}

val js_conv_output_size(const val& opts) {
  return guard([&] {
    const pgbind::Options o("convOutputSize", opts);
    return size_obj(v::conv_output_size(o.op, conv_dim(o)));
  });
}
val js_conv_transpose_output_size(const val& opts) {
  return guard([&] {
    const pgbind::Options o("convTransposeOutputSize", opts);
    return size_obj(v::conv_transpose_output_size(o.op, conv_dim(o), o.integer("outputPadding", 0)));
  });
}
// {kernel: [kh, kw], inChannels, outChannels, bias}
double js_conv_params(const val& opts) {
  return guard([&] {
    const pgbind::Options o("convParams", opts);
    return double(v::conv_params(o.integer_at("kernel", 0), o.integer_at("kernel", 1), o.integer("inChannels", 0),
                                 o.integer("outChannels", 0), o.flag("bias", true)));
  });
}
val js_receptive_field(const val& kernels, const val& strides, const val& dilations, const val& pads) {
  return guard([&] {
    const char* op = "receptiveField";
    const auto k = pgbind::to_ints(op, "kernel", kernels), s = pgbind::to_ints(op, "stride", strides),
               d = pgbind::to_ints(op, "dilation", dilations), p = pgbind::to_ints(op, "pad", pads);
    std::vector<v::RfLayer> layers;
    for (size_t i = 0; i < k.size() && i < s.size() && i < d.size() && i < p.size(); ++i)
      layers.push_back({k[i], s[i], d[i], p[i]});
    const auto rf = v::receptive_field(layers);
    val o = val::object();
    o.set("size", double(rf.size));
    o.set("jump", double(rf.jump));
    o.set("start", double(rf.start));
    return o;
  });
}

// The layer table of a CNN from {input: [h, w, c], layers: [{kind, ...}]} given as JSON.
std::string js_arch_table(const std::string& text) {
  return guard([&] {
    const char* op = "architecture";
    Json j;
    try {
      j = Json::parse(text);
    } catch (const Json::exception& e) {
      pg::fail(op, ": invalid options (", e.what(), ")");
    }
    if (!j.contains("input") || !j["input"].is_array() || j["input"].size() != 3)
      pg::fail(op, ": input must be [height, width, channels]");
    std::vector<v::ArchLayer> layers;
    try {
    for (const Json& l : j.value("layers", Json::array())) {
      v::ArchLayer a;
      a.kind = l.value("kind", std::string());
      a.name = l.value("name", std::string());
      a.filters = l.value("filters", int64_t(0));
      a.units = l.value("units", int64_t(0));
      a.kernel = l.value("kernel", int64_t(1));
      a.stride = l.value("stride", int64_t(0));
      if (l.contains("padding") && l["padding"].is_number_integer()) a.pad = l["padding"].get<int64_t>();
      else a.padding = l.value("padding", std::string("valid"));
      a.bias = l.value("bias", true);
      a.bn = l.value("bn", true);
      layers.push_back(a);
    }
    } catch (const Json::exception& e) {
      pg::fail(op, ": a layer has an option of the wrong type (", e.what(), ")");
    }
    for (const Json& d : j["input"])
      if (!d.is_number_integer()) pg::fail(op, ": input must be [height, width, channels] (integers), got ", j["input"].dump());
    const auto t = v::arch_table(op, j["input"][0].get<int64_t>(), j["input"][1].get<int64_t>(), j["input"][2].get<int64_t>(), layers);
    Json rows = Json::array();
    for (const auto& r : t.rows)
      rows.push_back({{"name", r.name}, {"kind", r.kind}, {"shape", r.shape}, {"params", r.params}, {"trainable", r.trainable}});
    return Json{{"rows", rows}, {"params", t.params}, {"trainable", t.trainable}, {"convLayers", t.conv_layers},
                {"denseLayers", t.dense_layers}}
        .dump();
  });
}

// ---- ops ----------------------------------------------------------------------------------------

// {strides: [h, w], padding: 'valid' | 'same' | 'explicit', pad: [h, w], dilations: [h, w],
//  activation: 'linear' | 'relu'}; absent: strides and dilations 1, 'valid', pad 0, 'linear'
pg::Conv2dOptions conv_opts(const pgbind::Options& o) {
  pg::Conv2dOptions c;
  const std::string a = o.string("activation", "linear");
  if (a == "relu") c.activation = pg::ConvActivation::Relu;
  else if (a != "linear")
    pg::fail(o.op, ": activation must be 'linear' or 'relu', got '", a,
             "' (apply any other activation as its own op)");
  c.stride_h = count_at(o, "stride", "strides", 0, 1, 1);
  c.stride_w = count_at(o, "stride", "strides", 1, 1, 1);
  c.padding = to_mode(o.op, o.string("padding", "valid"));
  c.pad_h = count_at(o, "padding", "pad", 0, 0, 0);
  c.pad_w = count_at(o, "padding", "pad", 1, 0, 0);
  c.dilation_h = count_at(o, "dilation", "dilations", 0, 1, 1);
  c.dilation_w = count_at(o, "dilation", "dilations", 1, 1, 1);
  return c;
}

pg::Pool2dOptions pool_opts(const pgbind::Options& o);
// conv options and {maxPool: pool options (below)}: the pooling fused (ops/conv.h)
Tensor js_conv2d(const Tensor& x, const Tensor& w, const val& bias, const val& opts) {
  return guard([&] {
    pgbind::Options o("conv2d", opts);
    pg::Conv2dOptions c = conv_opts(o);
    if (o.has("maxPool")) {
      c.max_pool = true;
      c.pool = pool_opts(pgbind::Options("conv2d (maxPool)", std::move(o.j["maxPool"])));
    }
    return pg::conv2d(x, w, opt_tensor(bias), c);
  });
}
Tensor js_depthwise_conv2d(const Tensor& x, const Tensor& w, const val& bias, const val& opts) {
  return guard([&] {
    return pg::depthwise_conv2d(x, w, opt_tensor(bias), conv_opts(pgbind::Options("depthwiseConv2d", opts)));
  });
}
// conv options and {outputPadding: [h, w]}
Tensor js_conv2d_transpose(const Tensor& x, const Tensor& w, const val& bias, const val& opts) {
  return guard([&] {
    const pgbind::Options o("conv2dTranspose", opts);
    pg::ConvTranspose2dOptions c;
    static_cast<pg::Conv2dOptions&>(c) = conv_opts(o);
    c.output_padding_h = count_at(o, "outputPadding", "outputPadding", 0);
    c.output_padding_w = count_at(o, "outputPadding", "outputPadding", 1);
    return pg::conv2d_transpose(x, w, opt_tensor(bias), c);
  });
}
// {poolSize: [h, w], strides: [h, w], padding, pad: [h, w]}; absent: poolSize 2, strides the
// poolSize, 'valid', pad 0
pg::Pool2dOptions pool_opts(const pgbind::Options& o) {
  pg::Pool2dOptions p;
  p.kernel_h = count_at(o, "poolSize", "poolSize", 0, 1, 2);
  p.kernel_w = count_at(o, "poolSize", "poolSize", 1, 1, 2);
  p.stride_h = count_at(o, "strides", "strides", 0, 1, p.kernel_h);
  p.stride_w = count_at(o, "strides", "strides", 1, 1, p.kernel_w);
  p.padding = to_mode(o.op, o.string("padding", "valid"));
  p.pad_h = count_at(o, "padding", "pad", 0, 0, 0);
  p.pad_w = count_at(o, "padding", "pad", 1, 0, 0);
  return p;
}
Tensor js_max_pool2d(const Tensor& x, const val& opts) {
  return guard([&] { return pg::max_pool2d(x, pool_opts(pgbind::Options("maxPool2d", opts))); });
}
Tensor js_avg_pool2d(const Tensor& x, const val& opts) {
  return guard([&] { return pg::avg_pool2d(x, pool_opts(pgbind::Options("avgPool2d", opts))); });
}
Tensor js_global_avg_pool2d(const Tensor& x) { return guard([&] { return pg::global_avg_pool2d(x); }); }
// {size: [h, w], interpolation: 'nearest' | 'bilinear'}
Tensor js_upsampling2d(const Tensor& x, const val& opts) {
  return guard([&] {
    const pgbind::Options o("upsampling2d", opts);
    const std::string mode = o.string("interpolation", "nearest");
    const char* op = "upsampling2d";
    pg::Interpolation m;
    if (mode == "nearest") m = pg::Interpolation::Nearest;
    else if (mode == "bilinear") m = pg::Interpolation::Bilinear;
    else pg::fail(op, ": unknown interpolation '", mode, "' (use 'nearest' or 'bilinear')");
    return pg::upsampling2d(x, count_at(o, "size", "size", 0, 1), count_at(o, "size", "size", 1, 1), m);
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

// {iouThreshold = 0.5, scoreThreshold (absent: -Infinity), maxOutput (absent: no limit), rule}
v::NmsOptions nms_opts(const pgbind::Options& j) {
  const char* op = j.op;
  v::NmsOptions o;
  o.iou_threshold = j.number("iouThreshold", 0.5);
  o.score_threshold = j.number("scoreThreshold", -INFINITY);
  o.max_output = j.has("maxOutput") ? count(j, "maxOutput", "maxOutput", 0) : -1;
  const std::string rule = j.string("rule", "tensorflow");
  if (rule == "tensorflow") o.rule = v::NmsRule::TensorFlow;
  else if (rule == "torchvision") o.rule = v::NmsRule::Torchvision;
  else pg::fail(op, ": unknown rule '", rule, "' (use 'tensorflow' (IoU >= threshold suppresses) or 'torchvision' (IoU > threshold))");
  return o;
}

val js_nms(const val& boxes, const val& scores, const val& opts) {
  return guard([&] {
    const pgbind::Options o("nms", opts);
    return pgbind::number_list(v::nms(pgbind::to_floats(o.op, "boxes", boxes), pgbind::to_floats(o.op, "scores", scores),
                                      nms_opts(o)));
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
val js_nms_steps(const val& boxes, const val& scores, const val& opts) {
  return guard([&] {
    const pgbind::Options o("nmsSteps", opts);
    return steps_js(v::nms_steps(pgbind::to_floats(o.op, "boxes", boxes), pgbind::to_floats(o.op, "scores", scores),
                                 nms_opts(o)));
  });
}
val js_nms_steps_per_class(const val& boxes, const val& scores, const val& classes, const val& opts) {
  return guard([&] {
    const pgbind::Options o("nmsStepsPerClass", opts);
    return steps_js(v::nms_steps_per_class(pgbind::to_floats(o.op, "boxes", boxes), pgbind::to_floats(o.op, "scores", scores),
                                           pgbind::to_ints(o.op, "classes", classes), nms_opts(o)));
  });
}
// NMS options and {sigma}
val js_soft_nms(const val& boxes, const val& scores, const val& opts) {
  return guard([&] {
    const pgbind::Options o("softNms", opts);
    const auto r = v::soft_nms(pgbind::to_floats(o.op, "boxes", boxes), pgbind::to_floats(o.op, "scores", scores),
                               o.number("sigma", 0.5), nms_opts(o));
    val out = val::object();
    out.set("indices", pgbind::number_list(r.indices));
    out.set("scores", pgbind::number_list(r.scores));
    return out;
  });
}
val js_nms_per_class(const val& boxes, const val& scores, const val& classes, const val& opts) {
  return guard([&] {
    const pgbind::Options o("nmsPerClass", opts);
    return pgbind::number_list(v::nms_per_class(
        pgbind::to_floats(o.op, "boxes", boxes), pgbind::to_floats(o.op, "scores", scores),
        pgbind::to_ints(o.op, "classes", classes), nms_opts(o)));
  });
}

// ---- anchors and YOLO ---------------------------------------------------------------------------

// {grid: [h, w], stride: [y, x]}
val js_grid_anchors(const val& sizes, const val& ratios, const val& opts) {
  return guard([&] {
    const pgbind::Options o("gridAnchors", opts);
    return pgbind::float_array(v::grid_anchors(count_at(o, "grid", "grid", 0, 1), count_at(o, "grid", "grid", 1, 1),
                                               o.number_at("stride", 0), o.number_at("stride", 1),
                                               pgbind::to_doubles(o.op, "sizes", sizes),
                                               pgbind::to_doubles(o.op, "ratios", ratios)));
  });
}
// {k = 5, seed = 0, maxIter = 100}
val js_kmeans_anchors(const val& wh, const val& opts) {
  return guard([&] {
    const pgbind::Options o("kmeansAnchors", opts);
    const auto r = v::kmeans_anchors(pgbind::to_floats(o.op, "sizes", wh), count(o, "k", "k", 5, 1),
                                     uint64_t(count(o, "seed", "seed", 0)), count(o, "maxIter", "maxIter", 100, 1));
    val out = val::object();
    out.set("centroids", pgbind::double_array(r.centroids));
    out.set("assignments", pgbind::number_list(r.assignments));
    out.set("meanIou", r.mean_iou);
    out.set("iterations", double(r.iterations));
    return out;
  });
}
// {grid: [h, w], numClasses}
v::YoloGrid yolo_grid(const pgbind::Options& o, const val& anchors) {
  v::YoloGrid g;
  g.grid_h = count_at(o, "grid", "grid", 0, 1);
  g.grid_w = count_at(o, "grid", "grid", 1, 1);
  g.num_classes = count(o, "numClasses", "numClasses", 0, 1);
  g.anchors = pgbind::to_doubles(o.op, "anchors", anchors);
  return g;
}
val js_yolo_encode(const val& anchors, const val& boxes, const val& classes, const val& opts) {
  return guard([&] {
    const pgbind::Options o("yoloEncode", opts);
    const auto t = v::yolo_encode(yolo_grid(o, anchors), pgbind::to_floats(o.op, "boxes", boxes),
                                  pgbind::to_ints(o.op, "classes", classes));
    val out = val::object();
    out.set("target", pgbind::float_array(t.target));
    out.set("dropped", double(t.dropped));
    return out;
  });
}
// grid options and {confThreshold = 0.5, scoreThreshold = 0, nms = true, perClass = true} and the
// NMS options (its score threshold is scoreThreshold's job: NMS sees every decoded box)
val js_yolo_decode(const val& anchors, const val& pred, const val& opts) {
  return guard([&] {
    const pgbind::Options j("yoloDecode", opts);
    const char* op = j.op;
    v::YoloDecodeOptions o;
    o.conf_threshold = j.number("confThreshold", 0.5);
    o.score_threshold = j.number("scoreThreshold", 0);
    o.nms = j.flag("nms", true);
    o.per_class = j.flag("perClass", true);
    o.nms_options = nms_opts(j);
    o.nms_options.score_threshold = -INFINITY;
    const double iou = o.nms_options.iou_threshold;
    if (!(iou >= 0 && iou <= 1)) pg::fail(op, ": iouThreshold must be in [0, 1], got ", iou);
    const auto d = v::yolo_decode(yolo_grid(j, anchors), pgbind::to_floats(op, "prediction", pred), o);
    val r = val::object();
    r.set("boxes", pgbind::float_array(d.boxes));
    r.set("scores", pgbind::number_list(d.scores));
    r.set("classes", pgbind::number_list(d.classes));
    r.set("cells", pgbind::number_list(d.cells));
    return r;
  });
}

// ---- a drawn digit ------------------------------------------------------------------------------

// {height, width, size = 28, threshold = 0}
val js_prepare_digit(const val& image, const val& opts) {
  return guard([&] {
    const pgbind::Options o("prepareDigit", opts);
    const auto r = v::prepare_digit(pgbind::to_floats(o.op, "image", image), count(o, "height", "height", 0, 1),
                                    count(o, "width", "width", 0, 1), o.integer("size", 28),
                                    float(o.number("threshold", 0)));
    val out = val::object();
    out.set("image", pgbind::float_array(r.image));
    out.set("size", double(r.size));
    out.set("box", pgbind::number_list(std::vector<int64_t>(r.box, r.box + 4)));
    out.set("scale", r.scale);
    out.set("centre", pgbind::number_list(std::vector<double>(r.centre, r.centre + 2)));
    out.set("shift", pgbind::number_list(std::vector<int64_t>(r.shift, r.shift + 2)));
    return out;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_vision) {
  using emscripten::function;
  function("_convOutputSize", &js_conv_output_size);
  function("_convTransposeOutputSize", &js_conv_transpose_output_size);
  function("_convParams", &js_conv_params);
  function("_receptiveField", &js_receptive_field);
  function("_prepareDigit", &js_prepare_digit);
  function("_archTable", &js_arch_table);

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
