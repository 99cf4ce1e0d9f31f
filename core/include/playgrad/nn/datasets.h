// playgrad/nn/datasets.h: the two-feature toy datasets of the training playground (the shapes
// TensorFlow Playground made familiar, extended to several classes where the shape allows),
// drawn from the core's seeded generator so a seed gives the same points natively and in wasm.
//
// Points lie in the square [-6, 6]²; x is [N, 2]. Classification: y [N] holds the class index
// (0 .. classes-1) as a float, point i belonging to class i mod classes. Regression (plane, wave):
// y [N] holds the target in [-1, 1] plus noise. `noise` (0 .. 1) jitters every point by
// noise · 1.5 · N(0, 1) in each coordinate (classification) or the target by noise · 0.5 · N(0, 1)
// (regression); the labels are those of the clean point.
//
//   name          classes   the clean point of class c
//   circle        2..5      radius uniform in R(c + 0.1)/k .. R(c + 0.9)/k, R = 5, any angle
//   xor           2         uniform in [-5, 5]², 0.3 away from the axes; class 0 when x1·x2 >= 0
//   gaussians     2..5      N(μc, 0.6²) with μc at radius 2√2, angle 45° + 360°·c/k
//   spiral        2..5      r = 5t, θ = 1.75·2π·t + 2πc/k (t uniform in [0, 1)), (r sin θ, r cos θ)
//   moons         2         the two half moons of scikit-learn's make_moons, scaled by 3 and centred
//   checkerboard  2         uniform in [-6, 6]², class (⌊x1/3⌋ + ⌊x2/3⌋) mod 2
//   plane         regression  target (x1 + x2) / 12, x uniform in [-6, 6]²
//   wave          regression  target (sin x1 + sin(x2 / 2)) / 2, x uniform in [-6, 6]²
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "playgrad/tensor.h"

namespace pg::nn {

struct ToyDataset {
  std::string name;
  int64_t min_classes;  // 0 for regression
  int64_t max_classes;
};

// Every dataset toy_dataset() knows, in display order.
const std::vector<ToyDataset>& toy_datasets();

// {x [points, 2], y [points]}. Throws (naming the dataset and the value) for an unknown name,
// points outside [2, 1 << 20], classes outside the dataset's range (ignored for regression) or
// noise outside [0, 1] or not finite.
std::pair<Tensor, Tensor> toy_dataset(const std::string& name, int64_t points, int64_t classes, double noise,
                                      uint64_t seed);

// The playground's input features (TensorFlow Playground's set): from points x [N, 2], the
// columns named by `names`, in that order, as [N, names.size()]:
//   "x1", "x2", "x1^2", "x2^2", "x1x2" (x1·x2), "sinx1", "sinx2".
// Throws naming an unknown or repeated feature, or an empty list.
Tensor toy_features(const Tensor& x, const std::vector<std::string>& names);
// The feature names toy_features() knows, in display order.
const std::vector<std::string>& toy_feature_names();

}  // namespace pg::nn
