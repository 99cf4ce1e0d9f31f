// Classification counts (metrics.h): the confusion matrix of argmax predictions against labels.
#include "playgrad/nn/metrics.h"

#include <cmath>

#include "playgrad/error.h"

namespace pg::nn {

Confusion confusion_matrix(const Tensor& probs, const std::vector<float>& labels) {
  const char* op = "confusionMatrix";
  if (probs.ndim() != 2) fail(op, ": probs must be 2-D [N, classes], got shape ", shape_str(probs.shape()));
  const int64_t n = probs.dim(0), c = probs.dim(1);
  if (c < 1) fail(op, ": probs has no classes (shape ", shape_str(probs.shape()), ")");
  if (int64_t(labels.size()) != n) fail(op, ": ", labels.size(), " labels for ", n, " rows of probs");
  Confusion r;
  r.classes = c;
  r.counts.assign(size_t(c * c), 0);
  r.predicted.resize(size_t(n));
  const std::vector<float> p = probs.to_vector();
  for (int64_t i = 0; i < n; ++i) {
    const float y = labels[size_t(i)];
    if (!(y >= 0 && y < float(c) && y == std::floor(y)))
      fail(op, ": label ", i, " is ", y, ", expected a class 0 .. ", c - 1);
    const float* row = p.data() + i * c;
    int64_t best = 0;  // the first maximum, as the accuracy metric
    for (int64_t k = 0; k < c; ++k) {
      if (std::isnan(row[k])) fail(op, ": row ", i, " of probs holds NaN");
      if (row[k] > row[best]) best = k;
    }
    r.predicted[size_t(i)] = best;
    r.counts[size_t(int64_t(y) * c + best)] += 1;
  }
  return r;
}

}  // namespace pg::nn
