// playgrad/random.h: the project's own seeded generator.
//
// The standard library's distributions differ between libstdc++ (native) and libc++
// (Emscripten), so the core draws everything from PCG32 (O'Neill, pcg-random.org, the
// XSH-RR 64/32 variant) and its own transforms: uniform floats from the top 24 bits, normals by
// Box-Muller computed in double. The same seed gives the same floats natively and in wasm.
#pragma once
#include <cstdint>

namespace pg {

class Rng {
 public:
  explicit Rng(uint64_t seed, uint64_t stream = 54u);
  uint32_t next_u32();
  float uniform();                    // [0, 1), multiples of 2^-24
  float uniform(float lo, float hi);  // [lo, hi)
  float normal();                     // mean 0, std 1
  uint32_t below(uint32_t n);         // uniform integer in [0, n), unbiased (n > 0)

 private:
  uint64_t state_ = 0;
  uint64_t inc_ = 0;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace pg
