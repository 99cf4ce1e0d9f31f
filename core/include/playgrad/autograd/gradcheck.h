// playgrad/autograd/gradcheck.h: checks an op's backward against central differences.
//
// The function's output is reduced to a scalar L = sum(w * f(inputs)) with fixed random
// weights w (so every output element is checked), dL/dx from backward() is compared with
//   (L(x + eps e_i) - L(x - eps e_i)) / (2 eps)
// for every element i of every input that requires grad. Forward passes run in float32 (the
// core's only dtype); the weighted sums and the differences are taken in double.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "playgrad/tensor.h"

namespace pg {

struct GradCheckOptions {
  double eps = 1e-2;   // perturbation (float32 forward: smaller eps drowns in rounding)
  double atol = 2e-3;  // pass when |analytic - numeric| <= atol + rtol * |numeric|
  double rtol = 2e-2;
  uint64_t seed = 7;
};

struct GradCheckResult {
  bool ok = true;
  double max_abs_err = 0;
  std::string report;  // first failure: which input, which element, both values
};

GradCheckResult gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& f,
                          const std::vector<Tensor>& inputs, const GradCheckOptions& opt = {});

}  // namespace pg
