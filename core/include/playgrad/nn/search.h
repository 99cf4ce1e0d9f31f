// playgrad/nn/search.h: the hyperparameter search's draws (grid, random, log sampling).
//
// A search space has one axis per hyperparameter: a range [lo, hi] on a linear or a log scale,
// or a choice among k options. Random search draws each axis from its own PCG32 stream
// (Rng(seed, stream)), so the same seed gives the same trials natively and in wasm, and adding an
// axis does not change the draws of the others. Draws use 32 bits of the generator in double:
//   linear:  v = lo + (hi - lo)·u                        u uniform in [0, 1)
//   log:     v = exp(ln lo + (ln hi - ln lo)·u)           uniform in ln v: every decade alike
//   choice:  an index uniform in {0, ..., k - 1}
// Grid search takes n evenly spaced points, ends included, on the axis's own scale:
//   linear:  lo + (hi - lo)·i/(n - 1);  log: lo·(hi/lo)^(i/(n - 1)),  i = 0 .. n - 1 (n = 1: lo).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace pg::nn {

enum class SearchScale { Linear, Log };

/** "linear" | "log" -> the scale; anything else throws naming op. */
SearchScale search_scale(const char* op, const std::string& name);

/** n random values of a range axis from Rng(seed, stream). Throws for an empty or bad range. */
std::vector<double> search_sample(double lo, double hi, SearchScale scale, int64_t n, uint64_t seed, uint64_t stream);

/** n evenly spaced values of a range axis, ends included (n = 1: lo). */
std::vector<double> search_grid(double lo, double hi, SearchScale scale, int64_t n);

/** n random indices into k options from Rng(seed, stream). Throws for k < 1 (an empty axis). */
std::vector<int64_t> search_choice(int64_t k, int64_t n, uint64_t seed, uint64_t stream);

}  // namespace pg::nn
