// The op table: one row per op variant, and every op test of the native level iterates it (as
// ggml's test-backend-ops does): central differences in double against backward()
// (test_op_table.cpp), the same on random shapes for the rows whose shapes come from Dims, and
// the native results that tests/node/parity.test.mjs compares the wasm build with. A test fails
// when an op declared in ops/ops.h, ops/conv.h or nn/losses.h has no row.
//
// Adding an op: one row in op_table() (op_table.cpp) and one row of the same name in
// tests/node/op-table.mjs (the Node level's table), or `js = false` when the JS API has no
// such call.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "playgrad/random.h"
#include "playgrad/tensor.h"

namespace pgt {

// How one input is built: values uniform in [lo, hi) from a seed derived from the row's name,
// then each value within `margin` of a point to avoid (a kink or a pole; repeated every
// `period` when period > 0) is moved to that distance. `distinct`: evenly spaced values over
// [lo, hi) in a seeded random order instead (one argmax per window, and the gap stays wider
// than the gradient check's +-eps probes). `values`: fixed values (one-hot targets, labels).
struct In {
  pg::Shape shape;
  float lo = -2.f, hi = 2.f;
  std::vector<float> avoid = {};
  float margin = 0.05f;
  float period = 0.f;
  bool distinct = false;
  bool grad = true;  // false: a target or labels, which get no gradient and none is checked
  std::vector<float> values = {};
};

// Central differences: pass when |analytic - numeric| <= atol + rtol |numeric|.
struct GradTol {
  double eps = 1e-2, atol = 2e-3, rtol = 2e-2;
};

struct OpRow {
  std::string name;  // unique; the key in parity.json and in tests/node/op-table.mjs
  std::string op;    // the core function under test (as the header declares it)
  std::vector<In> inputs;
  std::function<pg::Tensor(const std::vector<pg::Tensor>&)> f;
  GradTol grad = {};
  // wasm against native, in units in the last place: 0 is bit-identical (both builds run the
  // same 4-lane kernels); rows whose lanes reach libm (sin/cos/tan beyond |x| = 200: glibc
  // natively, musl in wasm) allow a little.
  int parity_ulps = 0;
  bool js = true;  // the JS API has it (tests/node/op-table.mjs has a row of the same name)
};

// The shapes the broadcasting, matmul and reduction rows are written in: fixed() for parity
// and the main gradient check, random() for the random-shape check (as many draws as wanted).
struct Dims {
  pg::Shape s;    // the main operand
  pg::Shape row;  // broadcasts against s: leading dims dropped, one dim set to 1
  pg::Shape col;  // s with its last dim 1
  int ax;         // a negative axis of s
  int64_t M, K, N, B;
  static Dims fixed();
  static Dims random(pg::Rng& r);
};

std::vector<OpRow> op_table(const Dims& d = Dims::fixed());

// The row's inputs (leaves; requires_grad where In::grad). salt varies the draw.
std::vector<pg::Tensor> make_inputs(const OpRow& row, uint64_t salt = 0);

}  // namespace pgt
