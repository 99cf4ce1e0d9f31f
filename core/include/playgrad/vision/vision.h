// playgrad/vision/vision.h: the exact, non-differentiable half of computer vision: convolution
// arithmetic, boxes and IoU, non-max suppression (greedy, soft, per class, step by step), anchor
// boxes (grid generation, k-means with 1 - IoU), and the YOLO target encoding and decoding.
// The differentiable conv/pool ops are in conv.h.
//
// Conventions (also in docs/vision.md, with the JavaScript names):
// - Convolution sizes: out = floor((in + 2P - d(k - 1) - 1) / s) + 1. 'valid' is P = 0. 'same'
//   follows TensorFlow: out = ceil(in / s), total padding max((out - 1) s + d(k - 1) + 1 - in, 0),
//   split with the odd extra pixel at the bottom/right: before = total / 2 (rounded down).
//   Transposed: out = s (in - 1) + d (k - 1) + output_padding - 2P + 1 ('same': out = s in).
// - Boxes are float32 4-tuples in a flat array (N boxes = 4N floats). Corners [x1, y1, x2, y2]
//   in any order (min/max are taken: flipped corners are the same box); centre [cx, cy, w, h].
// - IoU = |A ∩ B| / (|A| + |B| - |A ∩ B|), computed in double; a box of zero area gives 0.
// - NMS (TensorFlow's rule, tf.image.nonMaxSuppression): candidates with score > score_threshold,
//   by descending score (ties: lower index first); a candidate is suppressed when its IoU with a
//   kept box is >= iou_threshold. The torchvision rule (torchvision.ops.nms) suppresses only when
//   IoU > iou_threshold; the two differ only at exact equality (IoU 0.5 vs threshold 0.5).
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace pg::vision {

// ---- convolution arithmetic ---------------------------------------------------------------------

enum class PaddingMode { Valid, Same, Explicit };
// Parses "valid" / "same" (any case); anything else is an error naming the op.
PaddingMode padding_mode(const char* op, const std::string& name);

// One spatial dimension of a convolution or pooling window.
struct ConvDim {
  int64_t input = 0;
  int64_t kernel = 1;
  int64_t stride = 1;
  int64_t dilation = 1;
  PaddingMode mode = PaddingMode::Valid;
  int64_t pad = 0;  // Explicit only: P pixels on both sides
  // Whose 'same' (forward convolution only): TensorFlow/Keras allows any stride (out = ceil(in / s),
  // the odd extra pixel after); PyTorch's padding='same' is stride 1 only (torch.nn.Conv2d raises
  // "padding='same' is not supported for strided convolutions") and pads the same way otherwise
  // (total d (k - 1), the odd pixel after, F.pad on the right/bottom).
  bool same_stride1_only = false;
};
struct ConvSize {
  int64_t out = 0;
  int64_t pad_before = 0;  // top / left
  int64_t pad_after = 0;   // bottom / right (gets the odd extra pixel of 'same')
  // The terms of out = floor(numerator / s) + 1 (for a transposed size: of its forward conv):
  int64_t span = 1;        // d (k - 1) + 1: the input pixels one window covers
  int64_t numerator = 0;   // in + pad_before + pad_after - span
  double quotient = 0;     // numerator / s before the floor (whole when the windows fit exactly)
};
// out = floor((in + pad_before + pad_after - d(k - 1) - 1) / s) + 1, with the padding the mode
// implies ('same' gives the same out = ceil(in / s) through this formula). Errors (naming `op`):
// input < 1, kernel < 1, stride < 1, dilation < 1, negative padding, or a dilated kernel larger
// than the padded input (no valid output).
ConvSize conv_output_size(const char* op, const ConvDim& d);

// Transposed convolution (the gradient of a convolution with respect to its input):
//   out = s (in - 1) + d (k - 1) + output_padding - 2P + 1      (valid: P = 0; explicit P)
//   out = s in                                                 ('same', as Keras/TensorFlow)
// The returned pad_before/pad_after are those of the forward convolution out -> in.
// output_padding must be in [0, stride) and 0 for 'same'.
ConvSize conv_transpose_output_size(const char* op, const ConvDim& d, int64_t output_padding = 0);

// Parameters of a conv layer: (kh kw in_channels + bias) out_channels.
int64_t conv_params(int64_t kh, int64_t kw, int64_t in_channels, int64_t out_channels, bool bias);

// Receptive field of a stack of conv/pool layers (first layer first), in input pixels:
//   r_0 = 1, j_0 = 1, a_0 = 0;  r_l = r_{l-1} + d_l (k_l - 1) j_{l-1};  j_l = j_{l-1} s_l;
//   a_l = a_{l-1} - P_l j_{l-1}  (P_l: the layer's padding before, top/left)
// so output pixel u of the last layer sees the input pixels a + u j .. a + u j + r - 1 (those
// outside [0, in) are padding).
struct RfLayer {
  int64_t kernel = 1, stride = 1, dilation = 1;
  int64_t pad = 0;  // padding before (top/left), in this layer's input pixels
};
struct ReceptiveField {
  int64_t size = 1;   // r: input pixels seen by one output pixel
  int64_t jump = 1;   // j: input pixels between neighbouring output pixels (product of strides)
  int64_t start = 0;  // a: the first input pixel output pixel 0 sees (negative: in the padding)
};
ReceptiveField receptive_field(const std::vector<RfLayer>& layers);

// ---- boxes --------------------------------------------------------------------------------------

// Checks a flat box array: its length is a multiple of 4 and every coordinate is finite.
// Returns the number of boxes. `what` names the argument in the message ("nms: boxes ...").
int64_t check_boxes(const char* op, const char* what, const std::vector<float>& boxes);

// [cx, cy, w, h] -> [x1, y1, x2, y2] (w, h >= 0 required) and back (corners normalised first).
std::vector<float> center_to_corners(const std::vector<float>& boxes);
std::vector<float> corners_to_center(const std::vector<float>& boxes);
// Corners in any order -> [min x, min y, max x, max y].
std::vector<float> normalize_corners(const std::vector<float>& boxes);
// Area of each box (corners in any order).
std::vector<double> box_area(const std::vector<float>& boxes);

// IoU of two corner boxes given by pointers to 4 floats (no validation; see iou()).
double iou_unchecked(const float* a, const float* b);
// IoU of two corner boxes (4 floats each, any corner order, finite). Zero-area boxes give 0.
double iou(const std::vector<float>& a, const std::vector<float>& b);
// Pairwise IoU matrix [N, M] (row-major) of N boxes against M boxes.
std::vector<double> iou_matrix(const std::vector<float>& a, const std::vector<float>& b);

// The terms of IoU(a, b), for showing the computation: the normalised boxes, their areas, the
// intersection box (empty when the boxes do not overlap) and its area, the union
// |A| + |B| - |A ∩ B|, and the IoU itself (the same number as iou(a, b), zero-area boxes give 0).
struct IouParts {
  double a[4] = {0, 0, 0, 0};             // [min x, min y, max x, max y]
  double b[4] = {0, 0, 0, 0};
  bool overlap = false;                   // the boxes share an area > 0
  double intersection[4] = {0, 0, 0, 0};  // the overlap box when overlap, else zeros
  double area_a = 0, area_b = 0;
  double inter = 0;                       // |A ∩ B|
  double union_area = 0;                  // |A| + |B| - |A ∩ B|
  double iou = 0;
};
IouParts iou_parts(const std::vector<float>& a, const std::vector<float>& b);

// ---- non-max suppression ------------------------------------------------------------------------

enum class NmsRule {
  TensorFlow,   // suppress when IoU >= iou_threshold (tf.image.nonMaxSuppression)
  Torchvision,  // suppress when IoU >  iou_threshold (torchvision.ops.nms)
};
struct NmsOptions {
  double iou_threshold = 0.5;             // in [0, 1]
  double score_threshold = -std::numeric_limits<double>::infinity();  // candidates need score > score_threshold
  int64_t max_output = -1;                // -1: no limit
  NmsRule rule = NmsRule::TensorFlow;
};
// Greedy NMS; returns kept box indices in the order kept (descending score).
// Errors: boxes not N x 4, non-finite coordinates, scores of another length, NaN scores,
// iou_threshold outside [0, 1], NaN score_threshold, max_output < -1.
std::vector<int64_t> nms(const std::vector<float>& boxes, const std::vector<float>& scores,
                         const NmsOptions& opt = {});

// One decision of greedy NMS, in the order they are taken (for animating the algorithm).
struct NmsStep {
  enum Kind { Keep, Suppress };
  Kind kind = Keep;
  int64_t index = 0;  // the candidate
  int64_t by = -1;    // Suppress: the kept box that suppressed it (the first kept one that does)
  double iou = 0;     // Suppress: IoU(index, by)
};
// Same decisions as nms(): every candidate (score > score_threshold, descending score) is either
// kept or suppressed; once max_output boxes are kept the remaining candidates are not visited.
std::vector<NmsStep> nms_steps(const std::vector<float>& boxes, const std::vector<float>& scores,
                               const NmsOptions& opt = {});

// Soft-NMS with the Gaussian penalty (Bodla et al. 2017), exactly as
// tf.image.nonMaxSuppressionWithScore: a candidate's score decays by exp(-IoU^2 / (2 sigma))
// for each kept box (TensorFlow's scale = -0.5 / sigma), a candidate with IoU >= iou_threshold
// is still dropped outright, and candidates whose score falls to <= score_threshold are
// dropped. sigma = 0 is plain NMS. Returns kept indices and their decayed scores.
struct SoftNmsResult {
  std::vector<int64_t> indices;
  std::vector<double> scores;
};
SoftNmsResult soft_nms(const std::vector<float>& boxes, const std::vector<float>& scores,
                       double sigma, const NmsOptions& opt = {});

// NMS run separately per class (a box never suppresses a box of another class); the kept boxes
// of all classes are merged by descending score (ties: lower index) and cut to max_output.
std::vector<int64_t> nms_per_class(const std::vector<float>& boxes,
                                   const std::vector<float>& scores,
                                   const std::vector<int64_t>& classes, const NmsOptions& opt = {});
// The decisions of nms_per_class() in the order one pass over all candidates takes them
// (descending score, ties: lower index): each candidate is kept or suppressed by a kept box of
// its own class. Its kept boxes are exactly nms_per_class(); once max_output boxes are kept the
// remaining candidates are not visited.
std::vector<NmsStep> nms_steps_per_class(const std::vector<float>& boxes,
                                         const std::vector<float>& scores,
                                         const std::vector<int64_t>& classes,
                                         const NmsOptions& opt = {});

// ---- anchors ------------------------------------------------------------------------------------

// Anchors for a feature map of grid_h x grid_w cells, each cell `stride_y` x `stride_x` input
// pixels, centred at ((j + 0.5) stride_x, (i + 0.5) stride_y). For every size s and aspect ratio
// r (= w / h): w = s sqrt(r), h = s / sqrt(r). Returns corner boxes [grid_h * grid_w * A, 4] in
// the order (row i, column j, size, ratio), A = sizes * ratios.
std::vector<float> grid_anchors(int64_t grid_h, int64_t grid_w, double stride_y, double stride_x,
                                const std::vector<double>& sizes,
                                const std::vector<double>& ratios);

// IoU of two boxes given only by width and height, aligned at a common corner (the YOLO way of
// comparing box shapes): min(w1,w2) min(h1,h2) / (w1 h1 + w2 h2 - min(w1,w2) min(h1,h2)).
double wh_iou(double w1, double h1, double w2, double h2);

// k-means of box sizes ([N, 2] as w, h, all > 0) with distance 1 - wh_iou (YOLOv2's anchors).
// Seeded k-means++ initialisation (pg::Rng), then Lloyd iterations (centroid = mean w, mean h
// of its members; an empty cluster keeps its centroid) until assignments stop changing or
// max_iter. Centroids are returned sorted by area (ascending), assignments refer to that order.
struct KMeansResult {
  std::vector<double> centroids;     // [k, 2]
  std::vector<int64_t> assignments;  // [N]
  double mean_iou = 0;               // mean over boxes of the IoU with their centroid
  int64_t iterations = 0;
};
KMeansResult kmeans_anchors(const std::vector<float>& wh, int64_t k, uint64_t seed,
                            int64_t max_iter = 100);

// ---- YOLO ---------------------------------------------------------------------------------------
// The course's output encoding: an S_h x S_w grid, A anchors per cell, and for each cell and
// anchor a vector [pc, bx, by, bh, bw, c1..cK] (length 5 + K):
//   pc      1 if an object is assigned there, else 0 (and the rest of the vector is 0)
//   bx, by  the box centre relative to the cell, in [0, 1): bx = cx S_w - j, by = cy S_h - i
//   bh, bw  the box height and width in cell units: bh = h S_h, bw = w S_w (may exceed 1)
//   c1..cK  one-hot class
// Boxes are corners in image coordinates normalised to [0, 1]. An object goes to the cell
// holding its centre and to the anchor (w, h, normalised) with the highest wh_iou.

struct YoloGrid {
  int64_t grid_h = 7, grid_w = 7;
  int64_t num_classes = 1;
  std::vector<double> anchors;  // [A, 2] as (w, h) normalised; empty = one anchor
  int64_t num_anchors() const { return anchors.empty() ? 1 : int64_t(anchors.size() / 2); }
  int64_t depth() const { return 5 + num_classes; }
};
struct YoloTarget {
  std::vector<float> target;   // [grid_h, grid_w, A, 5 + K]
  int64_t dropped = 0;         // objects whose cell and anchor were already taken (first wins)
};
YoloTarget yolo_encode(const YoloGrid& grid, const std::vector<float>& boxes,
                       const std::vector<int64_t>& classes);

struct YoloDecodeOptions {
  double conf_threshold = 0.5;   // step 1: keep cells/anchors with pc >= conf_threshold
  double score_threshold = 0.0;  // step 3: keep when class score pc * c_max >= score_threshold
  bool nms = true;               // step 4
  bool per_class = true;         // NMS per class (else across classes)
  NmsOptions nms_options;        // iou_threshold, max_output, rule (score_threshold unused)
};
struct Detections {
  std::vector<float> boxes;        // [D, 4] corners, normalised image coordinates
  std::vector<double> scores;      // [D] class score pc * c_max
  std::vector<int64_t> classes;    // [D] argmax class (step 2; ties: lower class)
  std::vector<int64_t> cells;      // [D] flat index (i * grid_w + j) * A + a of the source
};
// The four steps: (1) confidence threshold, (2) class = argmax c, score = pc * c_max,
// (3) score threshold, (4) NMS. Output sorted by descending score (ties: lower cell index).
Detections yolo_decode(const YoloGrid& grid, const std::vector<float>& pred,
                       const YoloDecodeOptions& opt = {});

// ---- a drawn digit, prepared as MNIST's digits were ---------------------------------------------

// MNIST's preparation (LeCun et al.): the digit's bounding box is scaled, keeping its aspect ratio,
// so its longer side is 20 of 28 pixels (anti-aliased: each output pixel is the area-weighted mean
// of the input pixels it covers), then placed in the 28 x 28 field so that its centre of mass
// (intensity-weighted, rounded to whole pixels) is at the field's centre (14, 14). size 14 then
// takes the mean of each 2 x 2 block (as the shipped 14 x 14 digits were made). Input: a
// height x width grey image, row-major, values in [0, 1] (ink = 1). Pixels <= threshold are
// background for the bounding box. Errors (op "prepareDigit"): a size other than 14 or 28, an
// image whose length is not height x width, a non-finite or out-of-range pixel, or an empty
// drawing (no pixel above the threshold).
struct PreparedDigit {
  std::vector<float> image;         // size x size, row-major
  int64_t size = 28;
  int64_t box[4] = {0, 0, 0, 0};    // the ink's bounding box in the input: x0, y0, x1, y1 (exclusive)
  double scale = 1;                 // 28-field pixels per input pixel: 20 / max(box width, box height)
  double centre[2] = {0, 0};        // centre of mass (x, y) of the scaled digit before it is moved
  int64_t shift[2] = {0, 0};        // whole-pixel move (x, y) that brings it to (14, 14) in the 28 field
};
PreparedDigit prepare_digit(const std::vector<float>& image, int64_t height, int64_t width, int64_t size = 28,
                            float threshold = 0.0f);

}  // namespace pg::vision
