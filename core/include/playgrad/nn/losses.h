// playgrad/nn/losses.h: loss functions (Keras names and clipping, PyTorch reductions).
//
// Shapes: the first axis is the batch (N). Per-sample losses ("none") are [N]: the elementwise
// losses (mse, binary cross-entropy) average over every non-batch axis, the categorical ones sum
// over the class axis (the last) and average over any axes in between. A 1-d prediction [N] is N
// samples; a 0-d one is one sample. Reduction::Mean (the default) averages the per-sample
// losses, Reduction::Sum adds them, Reduction::None returns them.
//
// Formulas (eps = 1e-7, p̂ = clip(p, eps, 1 - eps), as Keras: a saturated probability gives a
// large finite loss, never Inf or NaN; the clipped region passes no gradient, as tf.clip_by_value):
//   mse:                       (p - y)²
//   binary_cross_entropy:      -(y log p̂ + (1 - y) log(1 - p̂))
//   ... with logits z:         max(z, 0) - z y + log(1 + e^-|z|)       d/dz = sigmoid(z) - y
//   categorical_cross_entropy: -Σ_c y_c log p̂_c                        (p is not renormalised)
//   ... with logits z:         -Σ_c y_c log_softmax(z)_c                d/dz = softmax(z) Σy - y
//   sparse_categorical_...:    -log p̂_label  (labels are integers in [0, C))
//   contrastive(d, y, m):      y d² + (1 - y) max(0, m - d)²           (Siamese networks)
// Clip::PyTorch (the probability losses as PyTorch computes them; the logits forms are the same
// in both frameworks and take no clip):
//   binary_cross_entropy:      -(y max(log p, -100) + (1 - y) max(log(1 - p), -100))   torch.nn.BCELoss
//                              d/dp = (p - y) / max(p (1 - p), 1e-12); p outside [0, 1] is an error
//   categorical_cross_entropy: -Σ_c y_c log p_c, no clamp (PyTorch has no probability form: this is
//                              NLLLoss(log p), +Infinity when the true class has p = 0)
// Softmax followed by categorical_cross_entropy has the gradient p - y with respect to the logits.
// Gradients flow to the prediction; the target gets one only from mse and contrastive.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "playgrad/tensor.h"

namespace pg::losses {

constexpr float kEpsilon = 1e-7f;

enum class Reduction { Mean, Sum, None };
// How a loss on probabilities keeps log 0 away: Keras clips p, PyTorch clamps the log (above).
enum class Clip { Keras, PyTorch };
// "keras" or "pytorch".
Clip parse_clip(const std::string& name);
// "mean", "sum" or "none".
Reduction parse_reduction(const std::string& name);

Tensor mse(const Tensor& pred, const Tensor& target, Reduction r = Reduction::Mean);
Tensor binary_cross_entropy(const Tensor& prob, const Tensor& target, bool from_logits = false,
                            Reduction r = Reduction::Mean, Clip clip = Clip::Keras);
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target,
                                        Reduction r = Reduction::Mean);
// prob and one_hot: [..., C] of the same shape.
Tensor categorical_cross_entropy(const Tensor& prob, const Tensor& one_hot, bool from_logits = false,
                                 Reduction r = Reduction::Mean, Clip clip = Clip::Keras);
// prob [..., C]; one label per row (numel / C labels), each in [0, C).
Tensor sparse_categorical_cross_entropy(const Tensor& prob, const std::vector<int64_t>& labels,
                                        bool from_logits = false, Reduction r = Reduction::Mean,
                                        Clip clip = Clip::Keras);
// Labels held in a float tensor (integer values), e.g. a model's training targets.
Tensor sparse_categorical_cross_entropy(const Tensor& prob, const Tensor& labels,
                                        bool from_logits = false, Reduction r = Reduction::Mean);
// distance and same (1 = same pair, 0 = different) of the same shape; margin > 0.
Tensor contrastive(const Tensor& distance, const Tensor& same, float margin = 1.f,
                   Reduction r = Reduction::Mean);

// Validates integer labels stored as floats against C classes and the row count; returns them.
std::vector<int64_t> labels_from_tensor(const char* op, const Tensor& labels, int64_t rows,
                                        int64_t classes);

// By name, as a model's compile() takes it: "mse", "binaryCrossEntropy",
// "binaryCrossEntropyWithLogits", "categoricalCrossEntropy", "sparseCategoricalCrossEntropy"
// (snake_case names are accepted too). Throws on an unknown name.
struct LossSpec {
  std::string kind;  // canonical camelCase name
  bool from_logits = false;
  Clip clip = Clip::Keras;  // for the cross-entropies on probabilities
};
LossSpec parse_loss(const std::string& name, bool from_logits = false);
Tensor compute(const LossSpec& spec, const Tensor& pred, const Tensor& target,
               Reduction r = Reduction::Mean);
// Checks pred/target shapes and labels for a loss before any training step (throws pg::Error).
void check_target(const LossSpec& spec, const Shape& pred_shape, const Tensor& target);

}  // namespace pg::losses
