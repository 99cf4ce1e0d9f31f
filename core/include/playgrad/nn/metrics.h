// playgrad/nn/metrics.h: classification counts from a model's outputs.
//
// confusion_matrix(probs [N, C], labels [N]): counts[t * C + p] = the rows whose true class is t
// and whose predicted class (argmax of the row, the first maximum on a tie, the rule of the
// "accuracy" metric in model.h) is p. Rows of the matrix are true classes, columns predictions;
// the trace over N is the accuracy.
#pragma once
#include <cstdint>
#include <vector>

#include "playgrad/tensor.h"

namespace pg::nn {

struct Confusion {
  int64_t classes = 0;
  std::vector<int64_t> counts;     // classes x classes, row = true class, column = predicted
  std::vector<int64_t> predicted;  // N: each row's argmax
};
// Errors (op "confusionMatrix"): probs not 2-D, labels not N long, a label that is not an integer
// in [0, C), or a NaN in probs (no class is predicted then).
Confusion confusion_matrix(const Tensor& probs, const std::vector<float>& labels);

}  // namespace pg::nn
