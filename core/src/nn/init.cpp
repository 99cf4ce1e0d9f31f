// Seeded initializers (formulas in init.h).
#include "playgrad/nn/init.h"

#include <cctype>
#include <cmath>

#include "playgrad/random.h"

namespace pg::init {

std::pair<double, double> fans(const Shape& shape) {
  if (shape.empty()) return {1, 1};
  if (shape.size() == 1) return {double(shape[0]), double(shape[0])};
  double rf = 1;
  for (size_t i = 0; i + 2 < shape.size(); ++i) rf *= double(shape[i]);
  return {double(shape[shape.size() - 2]) * rf, double(shape[shape.size() - 1]) * rf};
}

Tensor zeros(const Shape& shape) { return Tensor::zeros(shape); }
Tensor constant(const Shape& shape, float value) { return Tensor::full(shape, value); }
Tensor uniform(const Shape& shape, uint64_t seed, float lo, float hi) {
  return Tensor::rand(shape, seed, lo, hi);
}
Tensor normal(const Shape& shape, uint64_t seed, float mean, float std) {
  return Tensor::randn(shape, seed, mean, std);
}

static float checked_fan(const char* name, double fan, const Shape& shape) {
  if (!(fan > 0)) fail(name, ": shape ", shape_str(shape), " has a zero fan");
  return float(fan);
}

Tensor glorot_uniform(const Shape& shape, uint64_t seed) {
  const auto [fi, fo] = fans(shape);
  const float a = float(std::sqrt(6.0 / checked_fan("glorot_uniform", fi + fo, shape)));
  return Tensor::rand(shape, seed, -a, a);
}
Tensor glorot_normal(const Shape& shape, uint64_t seed) {
  const auto [fi, fo] = fans(shape);
  const float s = float(std::sqrt(2.0 / checked_fan("glorot_normal", fi + fo, shape)));
  return Tensor::randn(shape, seed, 0.f, s);
}
Tensor he_uniform(const Shape& shape, uint64_t seed) {
  const float a = float(std::sqrt(6.0 / checked_fan("he_uniform", fans(shape).first, shape)));
  return Tensor::rand(shape, seed, -a, a);
}
Tensor he_normal(const Shape& shape, uint64_t seed) {
  const float s = float(std::sqrt(2.0 / checked_fan("he_normal", fans(shape).first, shape)));
  return Tensor::randn(shape, seed, 0.f, s);
}

Tensor pytorch_uniform(const Shape& shape, uint64_t seed, double fan_in) {
  const double fi = fan_in > 0 ? fan_in : fans(shape).first;
  const float a = float(1.0 / std::sqrt(checked_fan("pytorch_uniform", fi, shape)));
  return Tensor::rand(shape, seed, -a, a);
}

std::string canonical_name(const std::string& name) {
  std::string s;
  for (char c : name)
    if (c != '_') s += char(std::tolower(static_cast<unsigned char>(c)));
  if (s == "zeros") return "zeros";
  if (s == "ones") return "ones";
  if (s == "constant") return "constant";
  if (s == "uniform" || s == "randomuniform") return "uniform";
  if (s == "normal" || s == "randomnormal") return "normal";
  if (s == "glorotuniform" || s == "xavieruniform") return "glorot_uniform";
  if (s == "glorotnormal" || s == "xaviernormal") return "glorot_normal";
  if (s == "heuniform" || s == "kaiminguniform") return "he_uniform";
  if (s == "henormal" || s == "kaimingnormal") return "he_normal";
  if (s == "pytorchuniform") return "pytorch_uniform";
  fail("initializer: unknown initializer '", name,
       "' (known: zeros, ones, constant, uniform, normal, glorot_uniform, glorot_normal, "
       "xavier_uniform, xavier_normal, he_uniform, he_normal, kaiming_uniform, kaiming_normal, "
       "pytorch_uniform)");
}

Tensor make(const Spec& spec, const Shape& shape, uint64_t seed, double fan_in) {
  const std::string n = canonical_name(spec.name);
  if (n == "zeros") return zeros(shape);
  if (n == "ones") return constant(shape, 1.f);
  if (n == "constant") return constant(shape, spec.value);
  if (n == "uniform") return uniform(shape, seed, spec.lo, spec.hi);
  if (n == "normal") return normal(shape, seed, spec.mean, spec.std);
  if (n == "glorot_uniform") return glorot_uniform(shape, seed);
  if (n == "glorot_normal") return glorot_normal(shape, seed);
  if (n == "he_uniform") return he_uniform(shape, seed);
  if (n == "pytorch_uniform") return pytorch_uniform(shape, seed, fan_in);
  return he_normal(shape, seed);
}

}  // namespace pg::init
