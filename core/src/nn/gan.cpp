// The data side of a small GAN: seeded targets and mode coverage. See playgrad/nn/gan.h.
#include "playgrad/nn/gan.h"

#include <cmath>

#include "playgrad/error.h"
#include "playgrad/random.h"

namespace pg::nn {

namespace {

constexpr double kTwoPi = 6.283185307179586;

}  // namespace

GanTarget gan_target(const GanTargetOptions& o) {
  const char* op = "ganTarget";
  if (o.n < 1 || o.n > 1000000) pg::fail(op, ": n must be in 1 .. 1000000, got ", o.n);
  if (o.modes < 1 || o.modes > 64) pg::fail(op, ": modes must be in 1 .. 64, got ", o.modes);
  if (!std::isfinite(o.radius) || o.radius < 0) pg::fail(op, ": the radius must be a finite number >= 0, got ", o.radius);
  if (!std::isfinite(o.spread) || o.spread < 0) pg::fail(op, ": the spread must be a finite number >= 0, got ", o.spread);
  if (!std::isfinite(o.centre)) pg::fail(op, ": the centre must be a finite number, got ", o.centre);
  Rng rng(o.seed, 77u);
  GanTarget t;
  const int64_t k = o.modes;
  const double s = o.spread;
  const std::string& kind = o.kind;
  if (kind == "gaussian1d") {
    t.dim = 1;
    t.centres = {float(o.centre)};
    for (int64_t i = 0; i < o.n; ++i) t.samples.push_back(float(o.centre + s * rng.normal()));
  } else if (kind == "mixture1d") {
    t.dim = 1;
    // k centres evenly on [-radius, radius] (one mode: at 0).
    for (int64_t j = 0; j < k; ++j) t.centres.push_back(k == 1 ? 0.f : float(-o.radius + 2 * o.radius * double(j) / double(k - 1)));
    for (int64_t i = 0; i < o.n; ++i) {
      const uint32_t j = rng.below(uint32_t(k));
      t.samples.push_back(float(t.centres[j] + s * rng.normal()));
    }
  } else if (kind == "mixture" || kind == "ring") {
    for (int64_t j = 0; j < k; ++j) {
      const double a = kTwoPi * double(j) / double(k);
      t.centres.push_back(float(o.radius * std::cos(a)));
      t.centres.push_back(float(o.radius * std::sin(a)));
    }
    for (int64_t i = 0; i < o.n; ++i) {
      if (kind == "mixture") {
        const uint32_t j = rng.below(uint32_t(k));
        t.samples.push_back(float(t.centres[2 * j] + s * rng.normal()));
        t.samples.push_back(float(t.centres[2 * j + 1] + s * rng.normal()));
      } else {
        const double a = kTwoPi * double(rng.uniform());
        const double r = o.radius + s * rng.normal();
        t.samples.push_back(float(r * std::cos(a)));
        t.samples.push_back(float(r * std::sin(a)));
      }
    }
  } else if (kind == "line") {
    // The segment t·radius·(1, ½), t in [-1, 1]; k modes evenly along it.
    for (int64_t j = 0; j < k; ++j) {
      const double u = k == 1 ? 0.0 : -1.0 + 2.0 * double(j) / double(k - 1);
      t.centres.push_back(float(u * o.radius));
      t.centres.push_back(float(u * o.radius * 0.5));
    }
    for (int64_t i = 0; i < o.n; ++i) {
      const double u = double(rng.uniform(-1.f, 1.f));
      t.samples.push_back(float(u * o.radius + s * rng.normal()));
      t.samples.push_back(float(u * o.radius * 0.5 + s * rng.normal()));
    }
  } else if (kind == "drawn") {
    const auto& p = o.points;
    if (p.empty()) pg::fail(op, ": the drawing has no points: draw some on the plane first");
    if (p.size() % 2 != 0) pg::fail(op, ": the drawn points must be x, y pairs, got ", p.size(), " numbers");
    for (size_t i = 0; i < p.size(); ++i)
      if (!std::isfinite(p[i])) pg::fail(op, ": drawn coordinate ", p[i], " at position ", i, " is not finite");
    const int64_t m = int64_t(p.size() / 2);
    const int64_t kk = std::min(k, m);
    for (int64_t j = 0; j < kk; ++j) {
      const int64_t at = kk == 1 ? 0 : (j * (m - 1)) / (kk - 1);  // evenly in drawing order
      t.centres.push_back(p[2 * at]);
      t.centres.push_back(p[2 * at + 1]);
    }
    for (int64_t i = 0; i < o.n; ++i) {
      const uint32_t j = rng.below(uint32_t(m));
      t.samples.push_back(float(p[2 * j] + s * rng.normal()));
      t.samples.push_back(float(p[2 * j + 1] + s * rng.normal()));
    }
  } else {
    pg::fail(op, ": unknown target '", kind, "' (gaussian1d, mixture1d, mixture, ring, line, drawn)");
  }
  return t;
}

ModeCoverage mode_coverage(const std::vector<float>& samples, const std::vector<float>& centres, int64_t dim,
                           double radius, double min_share) {
  const char* op = "modeCoverage";
  if (dim < 1) pg::fail(op, ": dim must be >= 1, got ", dim);
  if (samples.size() % size_t(dim) != 0) pg::fail(op, ": ", samples.size(), " sample numbers are not rows of ", dim);
  if (centres.empty() || centres.size() % size_t(dim) != 0)
    pg::fail(op, ": the modes must be at least one row of ", dim, " numbers, got ", centres.size());
  if (!std::isfinite(radius) || radius <= 0) pg::fail(op, ": the radius must be a finite number > 0, got ", radius);
  if (!(min_share >= 0 && min_share <= 1)) pg::fail(op, ": minShare must be in [0, 1], got ", min_share);
  for (size_t i = 0; i < centres.size(); ++i)
    if (!std::isfinite(centres[i])) pg::fail(op, ": mode coordinate ", centres[i], " at position ", i, " is not finite");
  const int64_t n = int64_t(samples.size()) / dim;
  const int64_t k = int64_t(centres.size()) / dim;
  ModeCoverage c;
  c.counts.assign(size_t(k), 0);
  for (int64_t i = 0; i < n; ++i) {
    double best = INFINITY;
    int64_t at = -1;
    for (int64_t j = 0; j < k; ++j) {
      double d2 = 0;
      for (int64_t a = 0; a < dim; ++a) {
        const double d = double(samples[i * dim + a]) - double(centres[j * dim + a]);
        d2 += d * d;
      }
      if (d2 < best) best = d2, at = j;  // NaN compares false: a non-finite sample finds no mode
    }
    if (at >= 0 && std::sqrt(best) <= radius) {
      c.counts[size_t(at)] += 1;
      c.within += 1;
    }
  }
  const double need = min_share * double(n) / double(k);
  for (int64_t j = 0; j < k; ++j)
    if (c.counts[size_t(j)] > 0 && double(c.counts[size_t(j)]) >= need) c.covered += 1;
  return c;
}

}  // namespace pg::nn
