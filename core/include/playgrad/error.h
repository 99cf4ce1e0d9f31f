// playgrad/error.h: the one error type the core throws on bad input.
//
// Every operator validates its arguments before it allocates or computes, and on bad input
// throws pg::Error with a message that names the op and the shapes involved, e.g.
//   "matmul: shapes [2,3] and [2,3] do not align"
// The WebAssembly bindings turn it into a JavaScript Error carrying the same message.
#pragma once
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace pg {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& msg) : std::runtime_error(msg) {}
};

// "[2,3]" for a shape.
std::string shape_str(const std::vector<int64_t>& shape);

namespace detail {
inline void cat(std::ostringstream&) {}
template <class T, class... R>
void cat(std::ostringstream& os, const T& v, const R&... rest) {
  os << v;
  cat(os, rest...);
}
}  // namespace detail

// Builds a message from its pieces and throws it: fail("matmul: shapes ", a, " and ", b, ...).
template <class... A>
[[noreturn]] void fail(const A&... parts) {
  std::ostringstream os;
  detail::cat(os, parts...);
  throw Error(os.str());
}

}  // namespace pg
