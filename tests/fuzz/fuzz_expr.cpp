// libFuzzer target: the f(x, y) expression parser (core/include/playgrad/expr/expr.h) on arbitrary
// text. The input bytes are the source (any bytes, including NUL and invalid UTF-8); a parse that
// succeeds is also printed back (canonical()), re-parsed, and evaluated with its gradient at a
// point taken from the parse, on a small grid, and at NaN/Inf. pg::Error is the expected answer to
// bad input; a crash, a sanitizer report, a leak of tensor memory, a stack overflow (the parser
// has a depth limit) or any other exception is a finding.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "playgrad/expr/expr.h"
#include "playgrad/memory.h"
#include "playgrad/ops/ops.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int64_t bytes_before = pg::tensor_bytes_in_use();
  const std::string source(reinterpret_cast<const char*>(data), size);
  try {
    const pg::expr::Expr f = pg::expr::Expr::parse(source);
    // The canonical form must parse again (it is what the page shows as "read as").
    const std::string canon = f.canonical();
    if (canon.size() <= pg::expr::kMaxLength) {
      try {
        pg::expr::Expr::parse(canon);
      } catch (const pg::Error&) {
        // deeper than the limit once fully parenthesised: allowed
      }
    }
    const float pts[] = {0.f, 1.5f, -2.f, std::numeric_limits<float>::quiet_NaN(),
                         std::numeric_limits<float>::infinity(), 1e30f};
    for (float x : pts) f.value_grad(x, pts[(size_t(x == x ? 1 : 2) + size) % 6]);
    pg::Tensor xs = pg::Tensor::arange(-2, 2, 1);
    pg::Tensor ys = pg::reshape(pg::Tensor::arange(-1, 2, 1), {3, 1});
    xs.set_requires_grad(true);
    pg::Tensor z = f.eval(xs, ys);
    pg::sum(z).backward();
  } catch (const pg::Error&) {
    // expected for bad input
  }
  if (pg::tensor_bytes_in_use() != bytes_before) __builtin_trap();
  return 0;
}
