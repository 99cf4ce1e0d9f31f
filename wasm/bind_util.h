// Helpers shared by the Embind binding files: guard() turns a C++ exception into a JavaScript
// Error carrying its message, and the converters validate values arriving from JavaScript before
// they reach the core.
//
// The binding mirrors the core, one file per header area, each with one JavaScript module:
//   wasm/bind_tensor.cpp  tensor.h, ops/ops.h, autograd/, memory.h  wasm/playgrad.mjs (Tensor, ops)
//   wasm/bind_nn.cpp      nn/ (losses, optim, init, layers, models, the Dense-chain trainer)
//                                                                    wasm/api/nn.mjs
//   wasm/bind_vision.cpp  vision/, ops/conv.h                        wasm/api/vision.mjs
//   wasm/bind_expr.cpp    expr/ (expressions, optimizer paths)      wasm/api/expr.mjs
// wasm/playgrad.mjs is the only importer of the generated glue; the api/ modules install onto
// the object it builds and reach the raw bindings through pg._call.
//
// One convention for options across the boundary. A call's operands are positional: tensors,
// arrays of numbers (boxes, scores, labels), a string naming a kind, a seed. Its options (named
// settings with defaults, what JavaScript passes as an object) cross as ONE JSON text: the
// JavaScript module writes it with JSON.stringify (refusing NaN and Infinity, which JSON cannot
// hold, with an error naming the option; an omitted key means the default), the binding parses it
// with parse_options() below, and the core reads each field with its checked readers (integers
// through playgrad/json.h, which names the field and the value it refuses).
#pragma once
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "playgrad/error.h"
#include "playgrad/json.h"
#include "playgrad/tensor.h"

namespace pgbind {

using emscripten::val;

// guard()'s report of a failed call (EM_JS in wasm/bind_tensor.cpp): the message waits on the
// module object until the call has returned to wasm/playgrad.mjs, whose _call() throws it as an
// Error. Nothing is thrown across wasm frames, so every destructor between guard() and JavaScript
// runs (Embind's val arguments, strings) under either exception model: with JavaScript-based
// exceptions (the threaded variant), a JavaScript throw skips C++ cleanups and leaked an Embind
// handle per argument and per failed call.
extern "C" void pg_report_error(const char* message);

// What a failed call returns (discarded by _call()): a default value; undefined for a JS value.
template <class R>
R empty_result() {
  if constexpr (std::is_same_v<R, val>) return val::undefined();
  else return R{};
}

// Runs f; a C++ exception is reported to JavaScript with its message and the call returns an
// empty value (which _call() discards).
template <class F>
auto guard(F&& f) -> decltype(f()) {
  using R = decltype(f());
  try {
    return f();
  } catch (const std::exception& e) {
    pg_report_error(e.what());
  } catch (...) {
    pg_report_error("playgrad: unknown C++ exception");
  }
  if constexpr (!std::is_void_v<R>) return empty_result<R>();
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


inline pg::Shape to_shape(const char* op, const val& arr) {
  if (!arr.isArray()) pg::fail(op, ": shape must be an array of integers");
  const auto v = emscripten::convertJSArrayToNumberVector<double>(arr);
  pg::Shape s;
  for (double d : v) s.push_back(to_int(op, "every shape dimension", d));
  return s;
}

inline uint64_t to_seed(const char* op, double seed) {
  const int64_t s = to_int(op, "seed", seed);
  if (s < 0) pg::fail(op, ": seed must be >= 0, got ", s);
  return uint64_t(s);
}

// Strings arrive as JavaScript values, not std::string parameters, and are converted inside
// guard(), so a string that is not one is an error naming the op.
inline std::string to_string(const char* op, const val& v) {
  if (!v.isString()) pg::fail(op, ": expected a string");
  return v.as<std::string>();
}

// The options of a call: a JSON text (see the convention above) parsed to an object.
inline pg::json::Json parse_options(const char* op, const val& v) {
  const std::string text = to_string(op, v);
  pg::json::Json j;
  try {
    j = pg::json::Json::parse(text);
  } catch (const pg::json::Json::exception& e) {
    pg::fail(op, ": invalid options (", e.what(), ")");
  }
  return j;
}

// Reads the fields of a call's options (absent or null: the default), naming the op and the field
// in every error. Integers go through pg::json::integer. Each read looks its field up once (field()):
// a call's options are read on every call of an op, and nlohmann's lookups and copies were most of
// a small convolution's cost (wasm/bind_vision.cpp).
struct Options {
  const char* op;
  pg::json::Json j;
  Options(const char* o, const val& v) : Options(o, parse_options(o, v)) {}
  // A nested options object (conv2d's maxPool), taken over without a copy.
  Options(const char* o, pg::json::Json&& nested) : op(o), j(std::move(nested)) {
    if (!j.is_object()) pg::fail(op, ": options must be an object");
  }
  // The field at key, or nullptr when it is absent or null.
  const pg::json::Json* field(const char* key) const {
    const auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
  }
  bool has(const char* key) const { return field(key) != nullptr; }
  double number(const char* key, double def) const {
    const pg::json::Json* f = field(key);
    if (!f) return def;
    if (!f->is_number()) pg::fail(op, ": ", key, " must be a number, got ", f->dump());
    return f->get<double>();
  }
  int64_t integer(const char* key, int64_t def) const { return pg::json::integer(op, j, key, def); }
  // Element i of an array option (a [height, width] pair).
  int64_t integer_at(const char* key, size_t i) const {
    const pg::json::Json* f = field(key);
    if (!f || !f->is_array() || f->size() <= i) pg::fail(op, ": ", key, " must be [height, width]");
    return pg::json::integer(op, key, (*f)[i]);
  }
  double number_at(const char* key, size_t i) const {
    const pg::json::Json* f = field(key);
    if (!f || !f->is_array() || f->size() <= i || !(*f)[i].is_number())
      pg::fail(op, ": ", key, " must be a pair of numbers");
    return (*f)[i].get<double>();
  }
  std::string string(const char* key, const std::string& def) const {
    const pg::json::Json* f = field(key);
    if (!f) return def;
    if (!f->is_string()) pg::fail(op, ": ", key, " must be a string");
    return f->get<std::string>();
  }
  bool flag(const char* key, bool def) const {
    const pg::json::Json* f = field(key);
    if (!f) return def;
    if (!f->is_boolean()) pg::fail(op, ": ", key, " must be true or false");
    return f->get<bool>();
  }
};

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
