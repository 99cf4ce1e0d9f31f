// Helpers shared by the Embind binding files (wasm/*.cpp): guard() turns a C++ exception into a
// JavaScript Error carrying its message, and the converters validate numbers arriving from
// JavaScript (they are doubles) before they reach the core.
// (wasm/bindings.cpp keeps its own copies in an anonymous namespace; new binding files use these.)
#pragma once
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "playgrad/error.h"

namespace pgbind {

using emscripten::val;

// The message of the last error; static storage so nothing is left to free when the JS throw
// unwinds the wasm stack.
inline std::string& last_error() {
  static std::string s;
  return s;
}

[[noreturn]] inline void throw_js() {
  val::global("Error").new_(val(last_error())).throw_();
  __builtin_unreachable();
}

// Runs f; a C++ exception becomes a JavaScript Error with the exception's message.
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

inline double to_number(const char* op, const char* what, const val& v) {
  if (!v.isNumber()) pg::fail(op, ": ", what, " must be a number");
  return v.as<double>();
}

// Any JS array or typed array of numbers.
inline std::vector<float> to_floats(const char* op, const char* what, const val& v) {
  if (!v.isArray() && !val::global("ArrayBuffer").call<bool>("isView", v))
    pg::fail(op, ": ", what, " must be an array of numbers or a typed array");
  return emscripten::convertJSArrayToNumberVector<float>(v);
}
inline std::vector<double> to_doubles(const char* op, const char* what, const val& v) {
  if (!v.isArray() && !val::global("ArrayBuffer").call<bool>("isView", v))
    pg::fail(op, ": ", what, " must be an array of numbers or a typed array");
  return emscripten::convertJSArrayToNumberVector<double>(v);
}
inline std::vector<int64_t> to_ints(const char* op, const char* what, const val& v) {
  std::vector<int64_t> out;
  for (double d : to_doubles(op, what, v)) out.push_back(to_int(op, what, d));
  return out;
}

inline val float_array(const std::vector<float>& v) {
  val out = val::global("Float32Array").new_(v.size());
  if (!v.empty()) out.call<void>("set", val(emscripten::typed_memory_view(v.size(), v.data())));
  return out;
}
inline val double_array(const std::vector<double>& v) {
  val out = val::global("Float64Array").new_(v.size());
  if (!v.empty()) out.call<void>("set", val(emscripten::typed_memory_view(v.size(), v.data())));
  return out;
}
template <class T>
inline val number_list(const std::vector<T>& v) {
  val out = val::array();
  for (size_t i = 0; i < v.size(); ++i) out.set(i, double(v[i]));
  return out;
}

}  // namespace pgbind
