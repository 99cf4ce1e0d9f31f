// playgrad/ops/ops.h: the op list. Each op validates, allocates a contiguous result, runs a kernel
// and records its backward (written next to its forward in src/ops_*.cpp).
//
// Broadcasting follows NumPy: shapes are aligned at the right; a dimension of 1 stretches.
// Axes may be negative (-1 is the last). Errors name the op and the shapes:
//   "add: shapes [2,3] and [4] cannot broadcast"
#pragma once
#include <optional>

#include "playgrad/tensor.h"

namespace pg {

// Elementwise, broadcasting: out shape = broadcast(a.shape, b.shape).
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
// With a scalar on one side.
Tensor add(const Tensor& a, float s);
Tensor mul(const Tensor& a, float s);
Tensor rsub(float s, const Tensor& a);  // s - a

// Elementwise unary, same shape out.
Tensor neg(const Tensor& x);
Tensor pow(const Tensor& x, float p);  // x^p, p finite; d/dx = p x^(p-1)
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);  // natural log
Tensor sqrt(const Tensor& x);
Tensor abs(const Tensor& x);  // d/dx = sign(x), 0 at 0 (as PyTorch)
Tensor sigmoid(const Tensor& x);  // 1 / (1 + e^-x)
Tensor tanh(const Tensor& x);
Tensor relu(const Tensor& x);                    // max(x, 0); d/dx = 1 for x > 0, else 0
Tensor leaky_relu(const Tensor& x, float alpha);  // x > 0 ? x : alpha x
Tensor sin(const Tensor& x);  // d/dx = cos x
Tensor cos(const Tensor& x);  // d/dx = -sin x
Tensor tan(const Tensor& x);  // d/dx = 1 + tan^2 x

// Linear algebra.
// a [M,K] @ b [K,N] -> [M,N]; a [B,M,K] @ b [B,K,N] -> [B,M,N]; a [B,M,K] @ b [K,N] -> [B,M,N];
// a [M,K] @ b [B,K,N] -> [B,M,N].
Tensor matmul(const Tensor& a, const Tensor& b);
// Swaps two axes (default: the last two; a 1-d tensor is returned as is). A view, no copy.
Tensor transpose(const Tensor& x, int axis0 = -2, int axis1 = -1);

// Shape. reshape: one dimension may be -1 (inferred). A view when x is contiguous.
Tensor reshape(const Tensor& x, const Shape& shape);
// Sums g over the broadcast dimensions so it has `shape` (the backward of broadcasting).
// g itself when it already has `shape` (passed on, not copied: sum_to(std::move(g), ...)).
Tensor sum_to(Tensor g, const Shape& shape);
Tensor broadcast_to(const Tensor& x, const Shape& shape);

// Reductions. With no axis: over all elements (a 0-d result, or all-ones dims with keepdims).
Tensor sum(const Tensor& x, std::optional<int> axis = std::nullopt, bool keepdims = false);
Tensor mean(const Tensor& x, std::optional<int> axis = std::nullopt, bool keepdims = false);
// Max along an axis; the gradient goes to the first position holding the max (as PyTorch).
// Needs at least one element along the reduced axis.
Tensor max(const Tensor& x, std::optional<int> axis = std::nullopt, bool keepdims = false);
// Min along an axis; the gradient goes to the first position holding the min (as PyTorch).
// A NaN is the min (as max). Needs at least one element along the reduced axis.
Tensor min(const Tensor& x, std::optional<int> axis = std::nullopt, bool keepdims = false);

// Softmax along an axis, stable for any magnitude: exp(x - max) / sum(exp(x - max)).
// Backward: dx = y * (g - sum(g * y)).
Tensor softmax(const Tensor& x, int axis = -1);
// log_softmax = x - max - log(sum(exp(x - max))). Backward: dx = g - softmax(x) * sum(g).
Tensor log_softmax(const Tensor& x, int axis = -1);

// Joins tensors along an axis; every other dimension must agree. Backward: each input gets its
// slice of the gradient. (For the Concatenate layer.)
Tensor concat(const std::vector<Tensor>& xs, int axis = -1);

// Operators for C++ users.
inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
inline Tensor operator-(const Tensor& a) { return neg(a); }

// Helpers shared by ops.
Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b);
int normalize_axis(const char* op, int axis, int ndim);

}  // namespace pg
