// playgrad/nn/probe.h: diagnostics for vanishing and exploding gradients, saturation, dead units
// and the symmetry of a layer's units. The statistics are computed here, in C++, from the core's
// own forward and backward passes; the lessons only lay them out.
//
// Model::probe(xs, ys, options) (declared in model.h) runs one training-mode forward pass, the
// compiled total loss and one backward pass on a batch. The parameters' gradients are zeroed first
// and this batch's are left in their .grad; no weight changes. It returns JSON:
//   {"loss": L, "rows": N, "layers": [one entry per layer, in the model's layer order]}
// A layer applied more than once is described at its first application. Each entry:
//   {"name", "kind", "activation" ("" for layers without one),
//    "output":     stats of the layer's output over the batch,
//    "weights":    [{"name", "shape", "norm": ‖W‖, "gradNorm": ‖∂L/∂W‖ (Frobenius; 0 when no
//                    gradient reached W), "spread", "gradSpread"}],
//    "derivative": (element-wise activations only) stats of f'(z) over every (row, unit), and
//                  "peak", "saturatedShare", "zeroShare", "deadShare" (below)}
// stats: {"mean", "std" (population), "min", "max", "nonFinite" (count; left out of the rest),
//         "histogram": {"lo", "hi", "counts": [bins], "below", "above"}}; the histogram's range is
//         options lo/hi when both are given, else the values' own [min, max].
// spread(W) = max over i, j of |W[i, j] - W[i, 0]|, j the unit (the last axis), i every other
//   index: 0 exactly when every unit of the layer has the same weights. Zero and constant
//   initialisation give that, and every unit then gets the same gradient (gradSpread 0), so
//   gradient descent keeps them identical; a random initialisation breaks the symmetry.
// derivative: f'(z) at the layer's pre-activation z (an Activation layer's input; x W + b for a
//   Dense layer), from the core's backward pass (∂/∂z Σ f(z)), the same code the layers train with.
//   peak: the largest value f' takes: sigmoid 1/4, tanh and relu 1, leaky_relu max(1, |α|),
//         prelu max(1, |a_j|) over the units, linear 1.
//   saturatedShare: the share of (row, unit) pairs with |f'(z)| < saturation · peak (options
//         "saturation", default 0.05: sigmoid saturates for |z| > 4.36, tanh for |z| > 2.18).
//   zeroShare: the share with f'(z) = 0 exactly (relu at z <= 0).
//   deadShare: the share of units with f'(z) = 0 on every row of the batch (a dead ReLU: no
//         gradient reaches its incoming weights from this batch).
// options: {"bins": 20, "lo", "hi", "saturation": 0.05}.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "playgrad/tensor.h"

namespace pg::nn {

// Model::probe_result: the same numbers as Model::probe's JSON, as data (to_json below writes
// that JSON; a non-finite number there becomes null). The binding sends this to JavaScript as
// typed arrays (wasm/bind_nn.cpp), which is several times cheaper than the JSON text.
struct ProbeHistogram {
  double lo = 0, hi = 1;
  std::vector<int64_t> counts;
  int64_t below = 0, above = 0;
};
struct ProbeStats {
  double mean = 0, std = 0, min = 0, max = 0;  // NaN when no value is finite
  int64_t non_finite = 0;
  ProbeHistogram histogram;
};
struct ProbeDerivative : ProbeStats {
  double peak = 0, threshold = 0, saturated_share = 0, zero_share = 0, dead_share = 0;
  int64_t dead_units = 0, units = 0;
};
struct ProbeWeight {
  std::string name;
  Shape shape;
  double norm = 0, grad_norm = 0, spread = 0, grad_spread = 0;
};
struct ProbeLayer {
  std::string name, kind, activation;
  ProbeStats output;
  std::vector<ProbeWeight> weights;
  bool has_derivative = false;
  ProbeDerivative derivative;
};
struct ProbeResult {
  double loss = 0;
  int64_t rows = 0;
  std::vector<ProbeLayer> layers;
};
nlohmann::json to_json(const ProbeResult& r);

// The largest value the derivative of an element-wise activation takes (see above); prelu_slope:
// prelu's slopes (ignored otherwise). Throws for softmax and unknown names.
double activation_peak(const std::string& activation, float alpha, const Tensor& prelu_slope = Tensor());

// One activation on a 1-d grid x, forward and backward through activate() (layers.h):
//   {"name", "alpha", "slope", "peak", "threshold": saturation · peak,
//    "value": f(x_i), "derivative": f'(x_i), "slopeGrad": ∂f(x_i)/∂a (prelu; zeros otherwise),
//    "saturated": [|f'(x_i)| < threshold], "intervals": [[from, to], ...] (runs of saturated grid
//    points, as grid values)}
// alpha: leaky_relu's slope; slope: prelu's a. x must be 1-d and finite.
nlohmann::json activation_curve(const std::string& activation, const Tensor& x, float alpha, float slope,
                                double saturation = 0.05);

}  // namespace pg::nn
