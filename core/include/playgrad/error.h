// playgrad/error.h: the one error type the core throws on bad input.
//
// Every operator validates its arguments before it allocates or computes, and on bad input
// throws pg::Error with a message that names the op and the shapes involved, e.g.
//   "matmul: shapes [2,3] and [2,3] do not align"
// The WebAssembly bindings turn it into a JavaScript Error carrying the same message.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace pg {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& msg) : std::runtime_error(msg) {}
};

// "[2,3]" for a shape.
std::string shape_str(const std::vector<int64_t>& shape);

// v as a std::ostream prints it with that precision (printf's "%.<precision>g": "0.1", "1e-08",
// "inf", "nan"). The core builds its text without iostreams: using one links the C++ locale
// library (money, time and wide-character facets) into the wasm, about 95 KB of code.
std::string num_str(double v, int precision = 6);

namespace detail {
// Appends v to s as `std::ostream << v` prints it by default.
template <class T>
void put(std::string& s, const T& v) {
  if constexpr (std::is_same_v<T, bool>) s += v ? '1' : '0';
  else if constexpr (std::is_same_v<T, char> || std::is_same_v<T, signed char> ||
                     std::is_same_v<T, unsigned char>)
    s += char(v);
  else if constexpr (std::is_integral_v<T>) s += std::to_string(v);
  else if constexpr (std::is_floating_point_v<T>) s += num_str(double(v));
  else if constexpr (std::is_convertible_v<const T&, std::string_view>) s += std::string_view(v);
  else static_assert(sizeof(T) == 0, "pg::cat: no text for this type");
}
}  // namespace detail

// The text of its pieces, each as `std::ostream << piece` prints it: cat("x = ", 1.5) is "x = 1.5".
template <class... A>
std::string cat(const A&... parts) {
  std::string s;
  (detail::put(s, parts), ...);
  return s;
}

// Builds a message from its pieces and throws it: fail("matmul: shapes ", a, " and ", b, ...).
template <class... A>
[[noreturn]] void fail(const A&... parts) {
  throw Error(cat(parts...));
}

}  // namespace pg
