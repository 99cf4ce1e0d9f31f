// playgrad/nn/gan.h: the data side of a small GAN: target distributions drawn from a seed, and
// how many of the target's modes the generator's samples cover (mode collapse as a number).
//
// Targets (dim = 1 or 2), every draw from the core's PCG32 (playgrad/random.h), so a seed gives
// the same samples natively and in wasm:
//   "gaussian1d"  x ~ N(centre, spread²)                                  modes: the one centre
//   "mixture1d"   k Gaussians at -radius .. radius evenly, std spread    modes: their centres
//   "mixture"     k Gaussians evenly on the circle of the radius (2-D)   modes: their centres
//   "ring"        angle ~ U[0, 2π), r ~ N(radius, spread²)               modes: k points evenly on it
//   "line"        t ~ U[-1, 1], x = t·radius·(1, ½) + N(0, spread²·I)     modes: k points evenly on it
//   "drawn"       a drawn point (uniform among them) + N(0, spread²·I)   modes: k of the drawn points,
//                 evenly spaced in drawing order
// A mixture draws its component uniformly (sample i from component below(k)).
//
// Coverage: each sample goes to its nearest mode centre (Euclidean; ties: the lower index) and
// counts there when it lies within `radius` of it. A mode is covered when its count is at least
// min_share · n / k (min_share of its fair share of the n samples).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace pg::nn {

struct GanTargetOptions {
  std::string kind = "mixture";
  int64_t n = 256;
  uint64_t seed = 1;
  int64_t modes = 8;       // k (1 for "gaussian1d")
  double radius = 2.0;     // the mixture's circle, the ring's radius, the line's half length
  double spread = 0.1;     // the components' standard deviation
  double centre = 0.0;     // "gaussian1d": the mean
  std::vector<float> points;  // "drawn": x0, y0, x1, y1, ...
};

struct GanTarget {
  int64_t dim = 2;
  std::vector<float> samples;  // [n, dim] row-major
  std::vector<float> centres;  // [k, dim] the modes the coverage counts
};

/** Draws n samples of the target. Throws for an unknown kind, n < 1 or > 1e6, modes < 1 or > 64,
 *  a non-finite or negative radius/spread, or "drawn" with no point (or an odd or non-finite list). */
GanTarget gan_target(const GanTargetOptions& o);

struct ModeCoverage {
  std::vector<int64_t> counts;  // per mode: samples nearest to it and within the radius
  int64_t covered = 0;          // modes with counts >= min_share · n / k
  int64_t within = 0;           // samples within the radius of their nearest mode
};

/** samples [n, dim], centres [k, dim]; radius > 0, min_share in [0, 1]. Non-finite samples count
 *  nowhere (a diverged generator covers nothing). */
ModeCoverage mode_coverage(const std::vector<float>& samples, const std::vector<float>& centres, int64_t dim,
                           double radius, double min_share);

}  // namespace pg::nn
