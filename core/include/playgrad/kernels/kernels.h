// playgrad/kernels/kernels.h: microkernels, pointer + size.
//
// Kernels never allocate, never validate and never see a Tensor (XNNPACK's split): operators in
// ops.h check shapes and allocate, then call these. Every kernel exists twice with the same
// signature: pg::kernels::simd (xsimd; SSE4.1 natively, WebAssembly SIMD128 in the wasm build,
// where Emscripten maps the SSE intrinsics to f32x4) and pg::kernels::scalar, the plain
// reference that tests compare against. Operators call pg::kernels::simd.
//
// Elementwise kernels treat every element alike, whatever its position: the tail of an array
// that does not fill a SIMD batch is run through the same batch code (padded), so a value does
// not change with the length or alignment of the array it sits in.
#pragma once
#include <cstddef>

namespace pg::kernels {

enum class Binary { Add, Sub, Mul, Div };

// One Adam (or AdamW) step's factors, computed by the optimizer (nn/optim.cpp) in double and
// rounded once; see adam() below.
struct AdamStep {
  float b1, b1c, b2, b2c;  // beta1, 1 - beta1, beta2, 1 - beta2
  float eps;
  float step_size;         // lr / (1 - beta1^t)
  float bc2_sqrt;          // sqrt(1 - beta2^t)
  float keras_step;        // lr sqrt(1 - beta2^t) / (1 - beta1^t)
  float decay;             // 1 - lr wd (AdamW)
  float wd;                // the L2 weight decay (Adam)
  bool decoupled;          // AdamW: w *= decay first; else d = g + wd w
  bool keras_eps;          // eps added to sqrt(v) (Keras) rather than to sqrt(v-hat) (PyTorch)
};
enum class Unary { Neg, Exp, Log, Sqrt, Abs, Sigmoid, Tanh, Relu, LeakyRelu, Pow,
                   Sin, Cos, Tan };

#define PG_KERNEL_DECLS                                                                            \
  /* y[i] = a[i*sa] op b[i*sb], i < n; sa, sb are 0 (broadcast a scalar) or 1. */                  \
  void binary(Binary op, const float* a, size_t sa, const float* b, size_t sb, float* y,           \
              size_t n);                                                                           \
  /* y[i] = f(x[i]); p is LeakyRelu's alpha or Pow's exponent, ignored otherwise. */               \
  void unary(Unary op, const float* x, float* y, size_t n, float p);                               \
  /* dx[i] = g[i] * f'(x[i]) (y[i] = f(x[i]) is passed too: sigmoid and tanh use it); dx may */    \
  /* be g (each element is read before it is written). */                                          \
  void unary_backward(Unary op, const float* x, const float* y, const float* g, float* dx,         \
                      size_t n, float p);                                                          \
  /* y[i] += x[i] */                                                                               \
  void accumulate(const float* x, float* y, size_t n);                                             \
  /* y[i] = a * x[i] */                                                                            \
  void scale(const float* x, float a, float* y, size_t n);                                         \
  float sum(const float* x, size_t n);                                                             \
  /* y[j] = sum of x[r, j] over the rows r of x[rows, n], added in row order from 0 (the same     \
     bits as y = 0 then accumulate(row r, y) for r = 0, 1, ...). */                               \
  void sum_rows(const float* x, size_t rows, size_t n, float* y);                                  \
  /* max of x[0..n), n >= 1; NaN if any element is NaN. */                                         \
  float max(const float* x, size_t n);                                                             \
  /* Stable softmax of one row: y = exp(x - max x) / sum exp(x - max x). */                        \
  void softmax(const float* x, float* y, size_t n);                                                \
  /* softmax of every row of x[rows, n] into y[rows, n]: each row exactly as softmax(row). */      \
  void softmax_rows(const float* x, float* y, size_t rows, size_t n);                              \
  /* Stable log-softmax of one row: y = x - max x - log(sum exp(x - max x)). */                    \
  void log_softmax(const float* x, float* y, size_t n);                                            \
  /* y[i] = e^x[i] for x[i] <= 0 (softmax's exp; the SIMD one is a polynomial, kernels_simd.cpp);  \
     NaN stays NaN; x[i] > 0 is outside its domain (the result is unspecified). */                 \
  void expm(const float* x, float* y, size_t n);                                                   \
  /* One Adam step over n parameters, element by element in float32 in this order:             \
       d = g (+ wd w, or w *= decay first when decoupled); m = b1 m + b1c d; v = b2 v + b2c d d;  \
       vv = v, or vmax = max(vmax, v) when vmax is not null (AMSGrad);                            \
       w -= step_size m / (sqrt(vv) / bc2_sqrt + eps), or keras_step m / (sqrt(vv) + eps).       \
     Every operation is IEEE-rounded, so both twins give the same bits. */                        \
  void adam(const AdamStep& s, float* w, const float* g, float* m, float* v, float* vmax,         \
            size_t n);                                                                             \
  /* C[M,N] = A[M,K] * B[K,N], all row-major and contiguous; C is overwritten. work: the        \
     caller's gemm_workspace(M, N, K) floats, 64-byte aligned (the scalar twin ignores it). */    \
  void gemm(size_t M, size_t N, size_t K, const float* A, const float* B, float* C, float* work);

namespace simd {
PG_KERNEL_DECLS
}
namespace scalar {
PG_KERNEL_DECLS
}
#undef PG_KERNEL_DECLS

// Floats of workspace simd::gemm needs for these sizes (all column panels of B packed, K x 2W
// floats each for a SIMD width of W floats, and a packed partial row tile of A, K x 4), so the
// operator allocates it (counted against the memory limit) and the kernel never does. The
// panels are packed up front so the thread pool can share them.
size_t gemm_workspace(size_t M, size_t N, size_t K);

// y[j, i] = x[i, j] for x of shape [rows, cols] (a copy, not a kernel with a twin).
void transpose2d(const float* x, float* y, size_t rows, size_t cols);

// True when every x[i] is finite. One simd::sum first (NaN or +-Inf anywhere makes it
// non-finite); only when the sum is not finite are the elements scanned, since a sum of finite
// values can overflow. The check training runs on every gradient before an optimizer step.
bool all_finite(const float* x, size_t n);

}  // namespace pg::kernels
