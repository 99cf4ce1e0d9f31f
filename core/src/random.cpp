// PCG32 (XSH-RR) and the transforms on top of it. See random.h.
#include "playgrad/random.h"

#include <cmath>

namespace pg {

Rng::Rng(uint64_t seed, uint64_t stream) {
  // pcg32_srandom_r
  state_ = 0u;
  inc_ = (stream << 1u) | 1u;
  next_u32();
  state_ += seed;
  next_u32();
}

uint32_t Rng::next_u32() {
  const uint64_t old = state_;
  state_ = old * 6364136223846793005ULL + inc_;
  const uint32_t xorshifted = uint32_t(((old >> 18u) ^ old) >> 27u);
  const uint32_t rot = uint32_t(old >> 59u);
  return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}

float Rng::uniform() { return float(next_u32() >> 8) * (1.0f / 16777216.0f); }

float Rng::uniform(float lo, float hi) {
  // Computed in double and rounded once; clamp keeps the half-open interval after rounding.
  const double v = double(lo) + (double(hi) - double(lo)) * double(uniform());
  const float f = float(v);
  return (f >= hi && hi > lo) ? std::nextafter(hi, lo) : f;
}

float Rng::normal() {
  // Box-Muller in double: both outputs of a pair are used.
  if (has_spare_) {
    has_spare_ = false;
    return float(spare_);
  }
  const double u1 = (double(next_u32()) + 0.5) / 4294967296.0;  // in (0, 1): log is finite
  const double u2 = double(next_u32()) / 4294967296.0;
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 6.283185307179586476925 * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return float(r * std::cos(theta));
}

uint32_t Rng::below(uint32_t n) {
  // Lemire-free classic: reject the biased top of the range.
  const uint32_t threshold = uint32_t(-n) % n;
  for (;;) {
    const uint32_t r = next_u32();
    if (r >= threshold) return r % n;
  }
}

}  // namespace pg
