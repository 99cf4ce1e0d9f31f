// libFuzzer target: tensor ops on arbitrary shapes, axes and values (NaN and Inf included).
// The input bytes are read as a small program: make up to three tensors of fuzzed shapes, apply
// a sequence of fuzzed ops, and backward() when the result allows. pg::Error is the expected
// answer to bad input; a crash, a sanitizer report, a leak or any other exception is a finding.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "playgrad/memory.h"
#include "playgrad/ops/ops.h"

namespace {
struct Reader {
  const uint8_t* p;
  size_t n;
  uint8_t byte() { return n ? (--n, *p++) : 0; }
  int small(int hi) { return int(byte() % uint8_t(hi + 1)); }
  float value() {
    switch (byte() % 8) {
      case 0: return std::numeric_limits<float>::quiet_NaN();
      case 1: return std::numeric_limits<float>::infinity();
      case 2: return -std::numeric_limits<float>::infinity();
      case 3: return 0.f;
      default: return (float(byte()) - 128.f) / 8.f;
    }
  }
};

pg::Shape shape(Reader& r) {
  pg::Shape s(size_t(r.small(4)));
  for (auto& d : s) d = r.small(5) - (r.small(15) == 0 ? 1 : 0);  // sometimes -1
  return s;
}

pg::Tensor make(Reader& r) {
  const pg::Shape s = shape(r);
  pg::Tensor t = pg::Tensor::zeros(s);
  for (int64_t i = 0; i < t.numel(); ++i) t.data()[i] = r.value();
  t.set_requires_grad(r.byte() & 1);
  return t;
}

pg::Tensor step(Reader& r, const std::vector<pg::Tensor>& ts) {
  const pg::Tensor& a = ts[r.byte() % ts.size()];
  const pg::Tensor& b = ts[r.byte() % ts.size()];
  const int axis = r.small(9) - 5;
  const bool keep = r.byte() & 1;
  switch (r.byte() % 24) {
    case 0: return pg::add(a, b);
    case 1: return pg::sub(a, b);
    case 2: return pg::mul(a, b);
    case 3: return pg::div(a, b);
    case 4: return pg::neg(a);
    case 5: return pg::pow(a, r.value());
    case 6: return pg::exp(a);
    case 7: return pg::log(a);
    case 8: return pg::sqrt(a);
    case 9: return pg::abs(a);
    case 10: return pg::sigmoid(a);
    case 11: return pg::tanh(a);
    case 12: return pg::relu(a);
    case 13: return pg::leaky_relu(a, r.value());
    case 14: return pg::matmul(a, b);
    case 15: return pg::transpose(a, axis, r.small(9) - 5);
    case 16: return pg::reshape(a, shape(r));
    case 17: return pg::sum(a, r.byte() & 1 ? std::optional<int>(axis) : std::nullopt, keep);
    case 18: return pg::mean(a, r.byte() & 1 ? std::optional<int>(axis) : std::nullopt, keep);
    case 19: return pg::max(a, r.byte() & 1 ? std::optional<int>(axis) : std::nullopt, keep);
    case 20: return pg::softmax(a, axis);
    case 21: return pg::log_softmax(a, axis);
    case 22: return pg::broadcast_to(a, shape(r));
    default: return pg::sum_to(a, shape(r));
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r{data, size};
  const int64_t bytes_before = pg::tensor_bytes_in_use();
  try {
    std::vector<pg::Tensor> ts;
    for (int i = 0, n = 1 + r.small(2); i < n; ++i) ts.push_back(make(r));
    for (int i = 0, n = r.small(6); i < n; ++i) ts.push_back(step(r, ts));
    pg::Tensor last = ts.back();
    if (last.requires_grad() && last.numel() == 1) last.backward();
    if (last.requires_grad()) pg::sum(last).backward();
  } catch (const pg::Error&) {
    // expected for bad input
  }
  // Every tensor made above is gone: the accounting must be back where it started.
  if (pg::tensor_bytes_in_use() != bytes_before) __builtin_trap();
  return 0;
}
