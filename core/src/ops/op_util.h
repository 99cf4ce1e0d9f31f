// Helpers shared by the op implementations (not part of the public headers).
#pragma once
#include "playgrad/kernels/kernels.h"
#include "playgrad/ops/ops.h"

namespace pg::detail {

// A contiguous tensor with the same values, without recording a graph (for reading data).
inline Tensor dense(const Tensor& t) {
  NoGradGuard no_grad;
  return t.contiguous();
}

// A kernel's workspace of n floats (kernels::gemm_workspace and the like): the operator
// allocates it, so it counts against the memory limit and is freed with the call.
inline Tensor workspace(size_t n) { return Tensor::empty({int64_t(n)}); }

// The shape with a 1 at `axis` (keepdims form of a reduction along axis).
inline Shape keep_shape(const Shape& s, int axis) {
  Shape k = s;
  k[size_t(axis)] = 1;
  return k;
}

// x viewed as [outer, n, inner] around axis.
struct AxisSplit {
  int64_t outer = 1, n = 1, inner = 1;
};
inline AxisSplit split_at(const Shape& s, int axis) {
  AxisSplit r;
  for (int i = 0; i < int(s.size()); ++i) {
    if (i < axis) r.outer *= s[size_t(i)];
    else if (i == axis) r.n = s[size_t(i)];
    else r.inner *= s[size_t(i)];
  }
  return r;
}

}  // namespace pg::detail
