// Training a tiny YOLO detector: synthetic scenes of shapes (generated from a seed, so nothing
// ships), the raw-output activation the course decodes with, and the YOLO loss as four terms with
// its backward. The output layout is the one yolo_encode writes (vision.h): per cell and anchor a
// vector of 5 + K numbers, [pc, bx, by, bh, bw, c1..cK] in the target and
// [to, tx, ty, th, tw, z1..zK] in the network's raw output, in the same positions.
#pragma once
#include <cstdint>
#include <vector>

#include "playgrad/tensor.h"
#include "playgrad/vision/vision.h"

namespace pg::vision {

// n grey scenes of size x size pixels (row-major, values in [0, 1]: background noise below 0.1,
// shapes at 1), each with 1..max_objects shapes of class 0 rectangle, 1 ellipse, 2 triangle
// (apex up), 3 cross (the first num_classes of these). Each shape's box is drawn with width and
// height uniform in [0.15, 0.5] of the side and placed wholly inside the image, re-drawn (up to 20
// times) while its IoU with an earlier box of the scene is above 0.2. Boxes are corners
// normalised to [0, 1]; the shape fills its box's pixels whose centres fall inside it.
// Errors (op "syntheticScenes"): n outside [1, 100000], size outside [8, 256], num_classes
// outside [1, 4], max_objects outside [1, 8].
struct SyntheticScenes {
  std::vector<float> images;     // [n, size, size]
  std::vector<float> boxes;      // [total, 4] x1, y1, x2, y2
  std::vector<int64_t> classes;  // [total]
  std::vector<int64_t> counts;   // [n] objects per scene (scene i's boxes follow scene i - 1's)
};
SyntheticScenes synthetic_scenes(int64_t n, int64_t size, int64_t num_classes, int64_t max_objects,
                                 uint64_t seed);

// The raw output [..., A (5 + K)] turned into the course's vector per cell and anchor:
//   pc = σ(to),  bx = σ(tx),  by = σ(ty)   (the centre's offset in its cell; + cx, cy gives the
//   grid position),  bh = ph e^th,  bw = pw e^tw  (cell units; ph = anchor h · S_h, pw = anchor
//   w · S_w, 1 without anchors),  c = softmax(z).
// The result is what yolo_decode reads. raw.size() must be a multiple of S_h S_w A (5 + K).
std::vector<float> yolo_activate(const YoloGrid& grid, const std::vector<float>& raw);

// The YOLO loss of a raw prediction [N, S_h, S_w, A (5 + K)] against a yolo_encode target
// (N of them, [N, S_h, S_w, A, 5 + K] or any shape with as many numbers), as four terms, each
// summed over cells and anchors and divided by N (1obj: the target's pc is 1; 1noobj = 1 - 1obj):
//   coordinates  λcoord Σ 1obj [(σ(tx) − bx)² + (σ(ty) − by)² + (tw − ln(bw/pw))² + (th − ln(bh/ph))²]
//   objectness          Σ 1obj (σ(to) − 1)²
//   no-object   λnoobj  Σ 1noobj σ(to)²
//   classes             Σ 1obj −Σ_k c_k log softmax(z)_k
// Returns a Tensor [4] (in that order) whose backward reaches the prediction (the target gets
// none). Errors (op "yoloLoss"): a prediction that is not 4-d with the grid's S_h, S_w and
// A (5 + K) channels, a target of another size, a target pc other than 0 or 1, a non-positive
// bh or bw where pc = 1, negative or non-finite λ.
struct YoloLossOptions {
  double lambda_coord = 5.0;  // YOLOv1's λcoord
  double lambda_noobj = 0.5;  // YOLOv1's λnoobj
};
Tensor yolo_loss(const Tensor& pred, const Tensor& target, const YoloGrid& grid,
                 const YoloLossOptions& opt = {});

}  // namespace pg::vision
