// playgrad/nn/init.h: seeded weight initializers (Keras names; PyTorch's formulas where they differ).
//
// Fans follow Keras' kernel layout: a 2-d kernel [in, out] has fan_in = in, fan_out = out; a
// k-d kernel [..., in, out] (e.g. conv [kh, kw, in, out]) multiplies both by the receptive field
// (the product of the leading dims); a 1-d shape has fan_in = fan_out = its length.
//   zeros, ones, constant(value)
//   uniform(lo = -0.05, hi = 0.05), normal(mean = 0, std = 0.05)
//   glorot_uniform / xavier_uniform: U(-a, a),  a = sqrt(6 / (fan_in + fan_out))
//   glorot_normal  / xavier_normal:  N(0, s²),  s = sqrt(2 / (fan_in + fan_out))  (plain normal, as PyTorch)
//   he_uniform     / kaiming_uniform: U(-a, a), a = sqrt(6 / fan_in)
//   he_normal      / kaiming_normal:  N(0, s²), s = sqrt(2 / fan_in)
//   pytorch_uniform: U(-a, a), a = 1 / sqrt(fan_in): PyTorch's default for nn.Linear (and conv)
//                    weights, kaiming_uniform_(a = sqrt(5)) (gain sqrt(2 / (1 + 5)), a = gain
//                    sqrt(3 / fan_in)), and for their biases with the weight's fan_in (Dense passes
//                    it: make(spec, {units}, seed, fan_in)).
// Draws come from pg::Rng (random.h): the same seed gives the same weights natively and in wasm.
#pragma once
#include <string>
#include <utility>

#include "playgrad/tensor.h"

namespace pg::init {

std::pair<double, double> fans(const Shape& shape);  // {fan_in, fan_out}

Tensor zeros(const Shape& shape);
Tensor constant(const Shape& shape, float value);
Tensor uniform(const Shape& shape, uint64_t seed, float lo = -0.05f, float hi = 0.05f);
Tensor normal(const Shape& shape, uint64_t seed, float mean = 0.f, float std = 0.05f);
Tensor glorot_uniform(const Shape& shape, uint64_t seed);
Tensor glorot_normal(const Shape& shape, uint64_t seed);
Tensor he_uniform(const Shape& shape, uint64_t seed);
Tensor he_normal(const Shape& shape, uint64_t seed);
// fan_in > 0 overrides the shape's (a bias drawn with its weight's fan_in).
Tensor pytorch_uniform(const Shape& shape, uint64_t seed, double fan_in = 0);

// By name ("zeros", "ones", "constant", "uniform", "normal", "glorot_uniform",
// "xavier_uniform", "glorot_normal", "xavier_normal", "he_uniform", "kaiming_uniform",
// "he_normal", "kaiming_normal", "pytorch_uniform"; camelCase accepted); value/lo/hi/mean/std where they apply.
struct Spec {
  std::string name = "glorot_uniform";
  float value = 0.f, lo = -0.05f, hi = 0.05f, mean = 0.f, std = 0.05f;
};
// fan_in > 0: the fan_in a fan-based initializer uses instead of the shape's (a layer's bias).
Tensor make(const Spec& spec, const Shape& shape, uint64_t seed, double fan_in = 0);
// Canonical snake_case name, or a pg::Error naming the known ones.
std::string canonical_name(const std::string& name);

}  // namespace pg::init
