// playgrad/vision/segmentation.h: semantic segmentation's data and scores: synthetic scenes (shapes
// on a background, drawn from the core's seeded generator, so a seed gives the same scenes natively
// and in wasm) and the per-class scores of a predicted mask (pixel accuracy, IoU, Dice).
//
// Scenes: `count` grey images of side `size` ([count, size, size, 1], values in [0, 1]) and their
// masks ([count, size, size], the class index of each pixel as a float). Class 0 is the
// background; classes 1 .. classes - 1 are shape kinds: 1 square (a filled axis-aligned
// rectangle with sides within 1.5× of each other), 2 disc, 3 triangle (pointing up). Each scene:
// a background level b ~ U(0, 0.35) with a horizontal ramp of ±0.1, then 1 to 3 shapes (kind
// uniform over the shape classes, extent U(0.3, 0.55)·size, centre anywhere the shape fits, a
// level from its kind's band: square U(0.5, 0.7), disc U(0.7, 0.85), triangle U(0.85, 1)); a later
// shape covers an earlier one (its pixels take the later class). Every pixel then gets
// noise·0.15·N(0, 1), clamped to [0, 1]. Without noise a pixel's level tells its class; with it
// the bands blur, and the outline (what a network sees at full resolution) tells the rest.
//
// Scores of probs [..., C] (C classes on the last axis) against labels (numel / C class indices):
// each pixel's prediction is its row's argmax (the first maximum on a tie, the accuracy metric's
// rule); per class c: tp, fp, fn counted over every pixel,
//   IoU_c  = tp / (tp + fp + fn)           (the Jaccard index of the two masks)
//   Dice_c = 2 tp / (2 tp + fp + fn)       (the F1 score; Dice = 2 IoU / (1 + IoU))
// both NaN for a class absent from the truth and the prediction alike (0 / 0: no mask to score);
// pixel accuracy = Σ_c tp / pixels; mean IoU and mean Dice over the classes with a defined score.
#pragma once
#include <cstdint>
#include <vector>

#include "playgrad/tensor.h"

namespace pg::vision {

struct Scenes {
  Tensor images;  // [count, size, size, 1]
  Tensor masks;   // [count, size, size]
};
// Errors (op "scenes"): count outside [1, 4096], size outside [8, 128], classes outside [2, 4],
// noise outside [0, 1] or not finite.
Scenes segmentation_scenes(int64_t count, int64_t size, int64_t classes, uint64_t seed, double noise = 0.2);

struct SegmentationScores {
  int64_t classes = 0;
  int64_t pixels = 0;
  int64_t correct = 0;
  double pixel_accuracy = 0;
  std::vector<int64_t> tp, fp, fn, truth;  // per class; truth = tp + fn (the true mask's pixels)
  std::vector<double> iou, dice;           // per class, NaN when 0 / 0
  double mean_iou = 0, mean_dice = 0;      // over the classes with a defined score (NaN if none)
  std::vector<int32_t> predicted;          // each pixel's argmax
};
// Errors (op "segmentationScores"): probs with no class axis, a label count that is not
// numel / C, a label that is not an integer in [0, C), a NaN in probs.
SegmentationScores segmentation_scores(const Tensor& probs, const std::vector<float>& labels);

}  // namespace pg::vision
