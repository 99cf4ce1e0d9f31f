// playgrad/nn/elastic_net.h: the two-weight picture of Ridge, Lasso and elastic net (the
// regularization lesson): a linear model ŷ = w1·x1 + w2·x2 (no bias) on N rows under
//
//   TL(w) = MSE(w) + λ1·(|w1| + |w2|) + λ2·(w1² + w2²),   MSE(w) = 1/N Σ_i (x_i·w - y_i)²
//
// (λ1·Σ|w| + λ2·Σw², Keras' l1_l2 without a 1/2). MSE is a quadratic with the constant Hessian
// H = 2/N XᵀX, so its contours are ellipses around the least-squares w*.
//
// Two solvers from the same start w0, with the step t = 1/(λmax(H) + 2λ2):
//  - proximal gradient (ISTA): v = w - t·∇MSE(w), then the penalty's proximal map
//        w_j = sign(v_j)·max(|v_j| - t·λ1, 0) / (1 + 2·t·λ2)
//    The soft threshold sets w_j to exactly 0 whenever |v_j| <= t·λ1: Lasso's exact zeros. It
//    converges to the minimizer of TL (TL is convex; strictly once λ2 > 0 or H is regular).
//  - (sub)gradient descent: w ← w - t_k·(∇MSE(w) + λ1·sign(w) + 2·λ2·w), sign(0) = 0, with the
//    diminishing steps t_k = t/√(k + 1) that make it converge: what an optimizer such as SGD does
//    with an L1 term. A weight whose optimum is 0 keeps jumping across 0 by about t_k·λ1 and is
//    almost never exactly 0.
// Penalized and constrained forms agree (Lagrange): ŵ also minimizes MSE subject to
// P(w) = λ1‖w‖₁ + λ2‖w‖² <= P(ŵ), so the MSE contour through ŵ touches the region's boundary there;
// for Lasso the region is a diamond whose corners lie on the axes, and that is where the contours
// tend to touch it first.
#pragma once
#include <cstdint>
#include <vector>

namespace pg::nn {

struct ElasticNet2Options {
  double l1 = 0, l2 = 0;        // λ1, λ2 (>= 0)
  double w0[2] = {0, 0};        // the start of both solvers
  int64_t steps = 500;          // at most this many steps each
  double tol = 1e-9;            // the proximal path stops once max |Δw| < tol
  double lo = -3, hi = 3;       // the square of the contour grid (both axes)
  int64_t grid = 41;            // grid points per axis
  int64_t boundary = 360;       // points on the boundary of the penalty region
};

struct ElasticNet2 {
  int64_t n = 0;
  double h11 = 0, h12 = 0, h22 = 0;  // H = 2/N XᵀX
  double lambda_max = 0, step = 0;   // λmax(H), t = 1/(λmax + 2λ2)
  bool unique = false;               // H regular: w* unique
  double ols[2] = {0, 0};            // w* (least squares, λ = 0); NaN when not unique
  double ols_mse = 0;
  // Proximal path w_0 .. w_k and the minimizer ŵ = w_k (exact zeros possible).
  std::vector<double> prox;          // x, y pairs
  double opt[2] = {0, 0};
  double mse = 0, penalty = 0, total = 0;  // at ŵ
  int64_t iterations = 0;
  bool converged = false;
  // Subgradient path, same start, `steps` steps of t/√(k + 1); its last point.
  std::vector<double> sub;
  double sub_last[2] = {0, 0};
  double sub_total = 0;
  // MSE on the grid: grid x grid values, row r at w2 = hi - r·(hi - lo)/(grid - 1), column c at
  // w1 = lo + c·(hi - lo)/(grid - 1).
  std::vector<double> contour;
  // The boundary of {w : λ1‖w‖₁ + λ2‖w‖² <= P(ŵ)} (x, y pairs; empty when P(ŵ) = 0 or λ = 0).
  std::vector<double> region;
};

// x: N·2 values (row i is x_i1, x_i2), y: N. Throws (naming "elasticNet2d") for N < 1, sizes that
// do not match, non-finite values, λ < 0, steps outside [1, 100000], grid outside [2, 400].
ElasticNet2 elastic_net_2d(const std::vector<float>& x, const std::vector<float>& y, const ElasticNet2Options& o);

}  // namespace pg::nn
