// The hyperparameter search's draws. See playgrad/nn/search.h.
#include "playgrad/nn/search.h"

#include <cmath>

#include "playgrad/error.h"
#include "playgrad/random.h"

namespace pg::nn {

namespace {

constexpr int64_t kMaxDraws = int64_t(1) << 24;

void check_count(const char* op, int64_t n) {
  if (n < 0 || n > kMaxDraws) pg::fail(op, ": the number of values must be in [0, ", kMaxDraws, "], got ", n);
}

void check_range(const char* op, double lo, double hi, SearchScale scale) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) pg::fail(op, ": the range must be finite, got [", lo, ", ", hi, "]");
  if (!(lo < hi)) pg::fail(op, ": the range [", lo, ", ", hi, "] is empty: lo must be below hi");
  if (scale == SearchScale::Log && !(lo > 0))
    pg::fail(op, ": a log scale needs lo > 0 (log of ", lo, " is not a number), got [", lo, ", ", hi, "]");
}

// u uniform in [0, 1) from the full 32 bits (finer than Rng::uniform's 24 for log ranges).
double unit(Rng& rng) { return double(rng.next_u32()) / 4294967296.0; }

}  // namespace

SearchScale search_scale(const char* op, const std::string& name) {
  if (name == "linear") return SearchScale::Linear;
  if (name == "log") return SearchScale::Log;
  pg::fail(op, ": scale must be 'linear' or 'log', got '", name, "'");
}

std::vector<double> search_sample(double lo, double hi, SearchScale scale, int64_t n, uint64_t seed, uint64_t stream) {
  const char* op = "search.sample";
  check_count(op, n);
  check_range(op, lo, hi, scale);
  Rng rng(seed, stream);
  std::vector<double> out(size_t(n), 0.0);
  if (scale == SearchScale::Linear) {
    for (auto& v : out) v = lo + (hi - lo) * unit(rng);
  } else {
    const double a = std::log(lo), b = std::log(hi);
    for (auto& v : out) v = std::exp(a + (b - a) * unit(rng));
  }
  // exp() may round just past an end: keep every value inside [lo, hi).
  for (auto& v : out) v = v < lo ? lo : (v >= hi ? std::nextafter(hi, lo) : v);
  return out;
}

std::vector<double> search_grid(double lo, double hi, SearchScale scale, int64_t n) {
  const char* op = "search.grid";
  check_count(op, n);
  check_range(op, lo, hi, scale);
  std::vector<double> out(size_t(n), lo);
  if (n < 2) return out;
  for (int64_t i = 0; i < n; ++i) {
    const double t = double(i) / double(n - 1);
    out[size_t(i)] = scale == SearchScale::Linear ? lo + (hi - lo) * t : lo * std::pow(hi / lo, t);
  }
  out.back() = hi;  // the end exactly, whatever pow rounds to
  return out;
}

std::vector<int64_t> search_choice(int64_t k, int64_t n, uint64_t seed, uint64_t stream) {
  const char* op = "search.choice";
  check_count(op, n);
  if (k < 1) pg::fail(op, ": an axis with ", k, " options is empty: give it at least one");
  if (k > kMaxDraws) pg::fail(op, ": too many options (", k, ")");
  Rng rng(seed, stream);
  std::vector<int64_t> out(size_t(n), 0);
  for (auto& v : out) v = int64_t(rng.below(uint32_t(k)));
  return out;
}

}  // namespace pg::nn
