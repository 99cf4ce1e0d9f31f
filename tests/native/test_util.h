// Helpers for the native tests.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "playgrad/autograd/gradcheck.h"
#include "playgrad/ops/ops.h"

namespace pgt {

inline pg::Tensor T(std::vector<float> v, pg::Shape s, bool grad = false) {
  return pg::Tensor::from_vector(v, s, grad);
}

inline void expect_near(const std::vector<float>& got, const std::vector<float>& want,
                        double atol = 1e-6, double rtol = 1e-6) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], atol + rtol * std::fabs(want[i])) << "at index " << i;
}

// A kernel workspace of n floats, as an operator allocates it (64-byte aligned, exactly n long so
// the sanitizers catch a kernel that writes past it), filled with NaN: a kernel must not read
// what it did not write there.
inline pg::Tensor workspace(size_t n) { return pg::Tensor::full({int64_t(n)}, NAN); }

// A file the node and browser levels compare the wasm build against, written next to
// PG_PARITY_FILE (build/native/): e.g. fixture_path("learn.json").
inline std::string fixture_path(const std::string& name) {
  const std::string p = PG_PARITY_FILE;
  return p.substr(0, p.rfind('/') + 1) + name;
}

// Runs f and returns the pg::Error message ("" if nothing was thrown).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const pg::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace pgt
