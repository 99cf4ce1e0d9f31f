// playgrad/json.h: reading integers out of the JSON the core accepts (model files, layer configs,
// compile, fit and optimizer options, schedules, saved optimizer state, and the options objects
// the JavaScript API sends across the boundary).
//
// JSON numbers are doubles to whoever wrote them: "version": 6.67e79 or "units": 2.5 are valid
// JSON. nlohmann's get<int>() on such a value is undefined behaviour (a float-to-int conversion
// out of range), so every integer field is read through integer() below, which names the field
// and the value it refuses:
//   "loadModel: version must be an integer from 0 to 2147483647, got 6.67e+79"
//   "Dense: units must be an integer, got 2.5"
// Integral floats (2.0, 1e3) are accepted: JavaScript does not tell 2 from 2.0.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "playgrad/error.h"

namespace pg::json {

using Json = nlohmann::json;

// The largest magnitude a double holds every integer up to (2^53): JavaScript's safe integers.
constexpr int64_t kMaxExact = int64_t(1) << 53;

// v as an integer in [lo, hi]; otherwise throws pg::Error "<op>: <field> must be an integer[ from
// lo to hi], got <v>" (a string, a fraction, Infinity written as a huge exponent, or out of range).
inline int64_t integer(const std::string& op, const std::string& field, const Json& v,
                       int64_t lo = -kMaxExact, int64_t hi = kMaxExact) {
  auto refuse = [&]() -> int64_t {
    if (lo == -kMaxExact && hi == kMaxExact)
      fail(op, ": ", field, " must be an integer of magnitude at most 2^53, got ", v.dump());
    if (hi == std::numeric_limits<int64_t>::max() || hi == kMaxExact)
      fail(op, ": ", field, " must be an integer >= ", lo, ", got ", v.dump());
    fail(op, ": ", field, " must be an integer from ", lo, " to ", hi, ", got ", v.dump());
  };
  int64_t r = 0;
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > uint64_t(std::numeric_limits<int64_t>::max())) return refuse();
    r = int64_t(u);
  } else if (v.is_number_integer()) {
    r = v.get<int64_t>();
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    // Only integral doubles within +-2^53 convert exactly (and without undefined behaviour).
    if (!std::isfinite(d) || d != std::floor(d)) fail(op, ": ", field, " must be an integer, got ", v.dump());
    if (std::fabs(d) > double(kMaxExact)) return refuse();
    r = int64_t(d);
  } else {
    fail(op, ": ", field, " must be an integer, got ", v.dump());
  }
  if (r < lo || r > hi) return refuse();
  return r;
}

// j[key] through integer(), or def when the key is absent or null.
inline int64_t integer(const std::string& op, const Json& j, const char* key, int64_t def,
                       int64_t lo = -kMaxExact, int64_t hi = kMaxExact) {
  if (!j.is_object()) return def;
  const auto it = j.find(key);  // one lookup
  if (it == j.end() || it->is_null()) return def;
  return integer(op, key, *it, lo, hi);
}

}  // namespace pg::json
