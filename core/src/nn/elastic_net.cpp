// The two-weight elastic net (playgrad/nn/elastic_net.h): least squares, proximal gradient and
// subgradient descent on TL(w) = MSE(w) + λ1‖w‖₁ + λ2‖w‖², in double (a 2-vector: no tensors).
#include "playgrad/nn/elastic_net.h"

#include <algorithm>
#include <cmath>

#include "playgrad/error.h"

namespace pg::nn {

namespace {

struct Quad {
  // MSE(w) = 1/N Σ (x_i·w - y_i)² = ½ wᵀHw - gᵀw + c with H = 2/N XᵀX, g = 2/N Xᵀy, c = 1/N Σy².
  double h11, h12, h22, g1, g2, c;
  double mse(double a, double b) const { return 0.5 * (h11 * a * a + 2 * h12 * a * b + h22 * b * b) - g1 * a - g2 * b + c; }
  // ∇MSE = H w - g
  void grad(double a, double b, double& da, double& db) const {
    da = h11 * a + h12 * b - g1;
    db = h12 * a + h22 * b - g2;
  }
};

double sgn(double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); }

}  // namespace

ElasticNet2 elastic_net_2d(const std::vector<float>& x, const std::vector<float>& y, const ElasticNet2Options& o) {
  const char* op = "elasticNet2d";
  const int64_t n = int64_t(y.size());
  if (n < 1) fail(op, ": needs at least one row (y is empty)");
  if (int64_t(x.size()) != 2 * n) fail(op, ": x has ", x.size(), " values, it needs 2 per row of y (", 2 * n, ")");
  for (float v : x) if (!std::isfinite(v)) fail(op, ": x has a non-finite value");
  for (float v : y) if (!std::isfinite(v)) fail(op, ": y has a non-finite value");
  if (!(o.l1 >= 0) || !(o.l2 >= 0) || !std::isfinite(o.l1) || !std::isfinite(o.l2))
    fail(op, ": λ1 and λ2 must be finite and >= 0, got λ1 = ", o.l1, ", λ2 = ", o.l2);
  if (o.steps < 1 || o.steps > 100000) fail(op, ": steps must be in [1, 100000], got ", o.steps);
  if (o.grid < 2 || o.grid > 400) fail(op, ": grid must be in [2, 400], got ", o.grid);
  if (o.boundary < 4 || o.boundary > 10000) fail(op, ": boundary must be in [4, 10000], got ", o.boundary);
  if (!(o.hi > o.lo) || !std::isfinite(o.lo) || !std::isfinite(o.hi)) fail(op, ": needs lo < hi, got ", o.lo, ", ", o.hi);
  if (!std::isfinite(o.w0[0]) || !std::isfinite(o.w0[1])) fail(op, ": the start must be finite");

  ElasticNet2 r;
  r.n = n;
  Quad q{0, 0, 0, 0, 0, 0};
  for (int64_t i = 0; i < n; ++i) {
    const double a = x[size_t(2 * i)], b = x[size_t(2 * i + 1)], t = y[size_t(i)];
    q.h11 += a * a; q.h12 += a * b; q.h22 += b * b;
    q.g1 += a * t; q.g2 += b * t; q.c += t * t;
  }
  const double s = 2.0 / double(n);
  q.h11 *= s; q.h12 *= s; q.h22 *= s; q.g1 *= s; q.g2 *= s; q.c /= double(n);
  r.h11 = q.h11; r.h12 = q.h12; r.h22 = q.h22;
  // λmax of the symmetric 2×2: (tr + √((h11 - h22)² + 4h12²)) / 2
  const double tr = q.h11 + q.h22, disc = std::sqrt((q.h11 - q.h22) * (q.h11 - q.h22) + 4 * q.h12 * q.h12);
  r.lambda_max = 0.5 * (tr + disc);
  if (!(r.lambda_max > 0)) fail(op, ": every x is 0, so the loss does not depend on w");
  // One step for both solvers: 1/L with L = λmax + 2λ2, the Lipschitz constant of the smooth part
  // ∇(MSE + λ2‖w‖²) (the subgradient path's ridge part would diverge with 1/λmax once 2λ2 > λmax).
  r.step = 1.0 / (r.lambda_max + 2 * o.l2);
  const double det = q.h11 * q.h22 - q.h12 * q.h12;
  r.unique = det > 1e-12 * r.lambda_max * r.lambda_max;
  if (r.unique) {
    r.ols[0] = (q.h22 * q.g1 - q.h12 * q.g2) / det;  // w* = H⁻¹g
    r.ols[1] = (q.h11 * q.g2 - q.h12 * q.g1) / det;
    r.ols_mse = q.mse(r.ols[0], r.ols[1]);
  } else {
    r.ols[0] = r.ols[1] = r.ols_mse = NAN;
  }
  const double t = r.step;
  auto pen = [&](double a, double b) { return o.l1 * (std::fabs(a) + std::fabs(b)) + o.l2 * (a * a + b * b); };

  // Proximal gradient: gradient step on the MSE, then the penalty's proximal map.
  double a = o.w0[0], b = o.w0[1];
  r.prox = {a, b};
  for (int64_t k = 0; k < o.steps; ++k) {
    double da, db;
    q.grad(a, b, da, db);
    const double v1 = a - t * da, v2 = b - t * db;
    const double na = sgn(v1) * std::max(std::fabs(v1) - t * o.l1, 0.0) / (1 + 2 * t * o.l2);
    const double nb = sgn(v2) * std::max(std::fabs(v2) - t * o.l1, 0.0) / (1 + 2 * t * o.l2);
    const double change = std::max(std::fabs(na - a), std::fabs(nb - b));
    a = na;
    b = nb;
    r.prox.push_back(a);
    r.prox.push_back(b);
    r.iterations = k + 1;
    if (change < o.tol) {
      r.converged = true;
      break;
    }
  }
  r.opt[0] = a;
  r.opt[1] = b;
  r.mse = q.mse(a, b);
  r.penalty = pen(a, b);
  r.total = r.mse + r.penalty;

  // Subgradient descent, steps t/√(k + 1) (a constant step would keep jumping by t·λ1 forever).
  a = o.w0[0];
  b = o.w0[1];
  r.sub = {a, b};
  for (int64_t k = 0; k < o.steps; ++k) {
    double da, db;
    q.grad(a, b, da, db);
    const double tk = t / std::sqrt(double(k + 1));
    a -= tk * (da + o.l1 * sgn(a) + 2 * o.l2 * a);
    b -= tk * (db + o.l1 * sgn(b) + 2 * o.l2 * b);
    r.sub.push_back(a);
    r.sub.push_back(b);
  }
  r.sub_last[0] = a;
  r.sub_last[1] = b;
  r.sub_total = q.mse(a, b) + pen(a, b);

  // The MSE on the grid.
  const int64_t g = o.grid;
  r.contour.resize(size_t(g * g));
  for (int64_t row = 0; row < g; ++row) {
    const double w2 = o.hi - double(row) * (o.hi - o.lo) / double(g - 1);
    for (int64_t c = 0; c < g; ++c) {
      const double w1 = o.lo + double(c) * (o.hi - o.lo) / double(g - 1);
      r.contour[size_t(row * g + c)] = q.mse(w1, w2);
    }
  }

  // The region's boundary: along the direction (cos θ, sin θ) the radius ρ solves
  // λ2·ρ² + λ1·(|cos θ| + |sin θ|)·ρ - P(ŵ) = 0 (the positive root).
  const double P = r.penalty;
  if (P > 0) {
    for (int64_t k = 0; k < o.boundary; ++k) {
      const double th = 2 * M_PI * double(k) / double(o.boundary);
      const double cs = std::cos(th), sn = std::sin(th);
      const double l1dir = o.l1 * (std::fabs(cs) + std::fabs(sn));
      const double rho = o.l2 > 0 ? (-l1dir + std::sqrt(l1dir * l1dir + 4 * o.l2 * P)) / (2 * o.l2) : P / l1dir;
      r.region.push_back(rho * cs);
      r.region.push_back(rho * sn);
    }
  }
  return r;
}

}  // namespace pg::nn
