// Helpers for the Embind binding files: guard() (a C++ exception becomes a JavaScript Error with
// its message; see wasm/bindings.cpp) and conversions of JavaScript numbers and arrays.
#pragma once
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <string>
#include <vector>

#include "playgrad/tensor.h"

namespace pgbind {

using emscripten::val;

// The message of the last error (static: nothing to free when the JavaScript throw unwinds).
inline std::string& last_error() {
  static std::string e;
  return e;
}

[[noreturn]] inline void throw_js() {
  val::global("Error").new_(val(last_error())).throw_();
  __builtin_unreachable();
}

template <class F>
auto guard(F&& f) -> decltype(f()) {
  bool failed = false;
  try {
    return f();
  } catch (const std::exception& e) {
    last_error() = e.what();
    failed = true;
  } catch (...) {
    last_error() = "playgrad: unknown C++ exception";
    failed = true;
  }
  if (failed) throw_js();
  __builtin_unreachable();
}

inline int64_t to_int(const char* op, const char* what, double v) {
  if (!std::isfinite(v) || v != std::floor(v) || std::fabs(v) > 9007199254740991.0)
    pg::fail(op, ": ", what, " must be an integer, got ", v);
  return int64_t(v);
}

inline pg::Shape to_shape(const char* op, const val& arr) {
  if (!arr.isArray()) pg::fail(op, ": shape must be an array of integers");
  const auto v = emscripten::convertJSArrayToNumberVector<double>(arr);
  pg::Shape s;
  for (double d : v) s.push_back(to_int(op, "every shape dimension", d));
  return s;
}

inline val shape_to_js(const pg::Shape& s) {
  val arr = val::array();
  for (size_t i = 0; i < s.size(); ++i) arr.set(i, double(s[i]));
  return arr;
}

inline uint64_t to_seed(const char* op, double seed) {
  const int64_t s = to_int(op, "seed", seed);
  if (s < 0) pg::fail(op, ": seed must be >= 0, got ", s);
  return uint64_t(s);
}

// Strings arrive as JavaScript values, not std::string parameters: Embind frees a std::string
// argument after the call returns, which the JavaScript throw of a failed guard() skips (a leak
// per failed call). Convert inside guard() instead.
inline std::string to_string(const char* op, const val& v) {
  if (!v.isString()) pg::fail(op, ": expected a string");
  return v.as<std::string>();
}

// A JavaScript array of Tensor handles (the JS layer checks they are Tensors).
inline std::vector<pg::Tensor> to_tensors(const char* op, const val& arr) {
  if (!arr.isArray()) pg::fail(op, ": expected an array of tensors");
  std::vector<pg::Tensor> out;
  const unsigned n = arr["length"].as<unsigned>();
  for (unsigned i = 0; i < n; ++i) out.push_back(arr[i].as<pg::Tensor>());
  return out;
}

inline val tensors_to_js(const std::vector<pg::Tensor>& ts) {
  val arr = val::array();
  for (size_t i = 0; i < ts.size(); ++i) arr.set(i, val(ts[i]));
  return arr;
}

}  // namespace pgbind
