// The playground's toy datasets (playgrad/nn/datasets.h has the shapes and their formulas).
#include "playgrad/nn/datasets.h"

#include <cmath>

#include "playgrad/error.h"
#include "playgrad/random.h"

namespace pg::nn {

namespace {
constexpr double kPi = 3.14159265358979323846;

bool regression(const std::string& name) { return name == "plane" || name == "wave"; }
}  // namespace

const std::vector<ToyDataset>& toy_datasets() {
  static const std::vector<ToyDataset> all = {
      {"circle", 2, 5}, {"xor", 2, 2}, {"gaussians", 2, 5}, {"spiral", 2, 5},
      {"moons", 2, 2},  {"checkerboard", 2, 2}, {"plane", 0, 0}, {"wave", 0, 0},
  };
  return all;
}

std::pair<Tensor, Tensor> toy_dataset(const std::string& name, int64_t points, int64_t classes, double noise,
                                      uint64_t seed) {
  const ToyDataset* d = nullptr;
  for (const auto& t : toy_datasets())
    if (t.name == name) d = &t;
  if (!d) {
    std::string names;
    for (const auto& t : toy_datasets()) names += (names.empty() ? "" : ", ") + t.name;
    fail("toy_dataset: unknown dataset '", name, "' (datasets: ", names, ")");
  }
  if (points < 2 || points > (int64_t(1) << 20))
    fail("toy_dataset: points must be in [2, 1048576] (got ", points, ")");
  if (!std::isfinite(noise) || noise < 0 || noise > 1) fail("toy_dataset: noise must be in [0, 1] (got ", noise, ")");
  const bool reg = regression(name);
  if (!reg && (classes < d->min_classes || classes > d->max_classes))
    fail("toy_dataset: '", name, "' has ", d->min_classes == d->max_classes ? "" : "from ", d->min_classes,
         d->min_classes == d->max_classes ? "" : " to " + std::to_string(d->max_classes), " classes (got ", classes,
         ")");
  const int64_t k = reg ? 1 : classes;

  Tensor x = Tensor::empty({points, 2}), y = Tensor::empty({points});
  float* px = x.data();
  float* py = y.data();
  Rng rng(seed);
  for (int64_t i = 0; i < points; ++i) {
    const int64_t c = i % k;
    double a = 0, b = 0, target = double(c);
    if (name == "circle") {
      const double R = 5.0;
      const double r = R * (double(c) + 0.1 + 0.8 * double(rng.uniform())) / double(k);
      const double t = 2 * kPi * double(rng.uniform());
      a = r * std::sin(t);
      b = r * std::cos(t);
    } else if (name == "xor") {
      // Uniform in [-5, 5]² away from the axes; the class is the sign of x1·x2, so draw until the
      // point's class is c (half the draws succeed).
      for (;;) {
        a = double(rng.uniform(-5.f, 5.f));
        b = double(rng.uniform(-5.f, 5.f));
        a += a > 0 ? 0.3 : -0.3;
        b += b > 0 ? 0.3 : -0.3;
        if ((a * b >= 0 ? 0 : 1) == c) break;
      }
    } else if (name == "gaussians") {
      const double t = kPi / 4 + 2 * kPi * double(c) / double(k);
      const double r = 2 * std::sqrt(2.0);
      a = r * std::cos(t) + 0.6 * double(rng.normal());
      b = r * std::sin(t) + 0.6 * double(rng.normal());
    } else if (name == "spiral") {
      const double t = double(rng.uniform());
      const double r = 5 * t;
      const double th = 1.75 * 2 * kPi * t + 2 * kPi * double(c) / double(k);
      a = r * std::sin(th);
      b = r * std::cos(th);
    } else if (name == "moons") {
      const double t = kPi * double(rng.uniform());
      const double mx = c == 0 ? std::cos(t) : 1 - std::cos(t);
      const double my = c == 0 ? std::sin(t) : 0.5 - std::sin(t);
      a = 3 * (mx - 0.5);
      b = 3 * (my - 0.25);
    } else if (name == "checkerboard") {
      for (;;) {
        a = double(rng.uniform(-6.f, 6.f));
        b = double(rng.uniform(-6.f, 6.f));
        const int64_t s = int64_t(std::floor(a / 3)) + int64_t(std::floor(b / 3));
        if (((s % 2) + 2) % 2 == c) break;
      }
    } else {  // plane, wave
      a = double(rng.uniform(-6.f, 6.f));
      b = double(rng.uniform(-6.f, 6.f));
      target = name == "plane" ? (a + b) / 12 : (std::sin(a) + std::sin(b / 2)) / 2;
    }
    if (reg) {
      target += noise * 0.5 * double(rng.normal());
    } else {
      a += noise * 1.5 * double(rng.normal());
      b += noise * 1.5 * double(rng.normal());
    }
    px[2 * i] = float(a);
    px[2 * i + 1] = float(b);
    py[i] = float(target);
  }
  return {x, y};
}

const std::vector<std::string>& toy_feature_names() {
  static const std::vector<std::string> all = {"x1", "x2", "x1^2", "x2^2", "x1x2", "sinx1", "sinx2"};
  return all;
}

Tensor toy_features(const Tensor& x, const std::vector<std::string>& names) {
  if (x.shape().size() != 2 || x.shape()[1] != 2)
    fail("toy_features: points must have shape [N, 2], got ", shape_str(x.shape()));
  if (names.empty()) fail("toy_features: needs at least one feature (features: x1, x2, x1^2, x2^2, x1x2, sinx1, sinx2)");
  const auto& known = toy_feature_names();
  std::vector<int> which;
  for (const auto& n : names) {
    int k = -1;
    for (size_t i = 0; i < known.size(); ++i)
      if (known[i] == n) k = int(i);
    if (k < 0) fail("toy_features: unknown feature '", n, "' (features: x1, x2, x1^2, x2^2, x1x2, sinx1, sinx2)");
    for (int w : which)
      if (w == k) fail("toy_features: feature '", n, "' given twice");
    which.push_back(k);
  }
  const Tensor xc = x.contiguous();
  const int64_t n = x.shape()[0];
  const int64_t f = int64_t(which.size());
  Tensor out = Tensor::empty({n, f});
  const float* p = xc.data();
  float* o = out.data();
  for (int64_t i = 0; i < n; ++i) {
    const float a = p[2 * i], b = p[2 * i + 1];
    for (int64_t j = 0; j < f; ++j) {
      float v = 0;
      switch (which[size_t(j)]) {
        case 0: v = a; break;
        case 1: v = b; break;
        case 2: v = a * a; break;
        case 3: v = b * b; break;
        case 4: v = a * b; break;
        case 5: v = float(std::sin(double(a))); break;
        default: v = float(std::sin(double(b))); break;
      }
      o[i * f + j] = v;
    }
  }
  return out;
}

}  // namespace pg::nn
