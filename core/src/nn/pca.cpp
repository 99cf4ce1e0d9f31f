// Principal component analysis by the cyclic Jacobi eigenvalue method (see playgrad/nn/pca.h).
#include "playgrad/nn/pca.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "playgrad/error.h"

namespace pg::nn {

SymEigen jacobi_eigen(const char* op, const std::vector<double>& a_in, int64_t n) {
  if (n < 1) fail(op, ": the matrix must be at least 1 × 1, got n = ", n);
  if (int64_t(a_in.size()) != n * n) fail(op, ": expected ", n, " × ", n, " = ", n * n, " entries, got ", a_in.size());
  double scale = 0;
  for (double v : a_in) {
    if (!std::isfinite(v)) fail(op, ": the matrix holds a non-finite entry (", v, ")");
    scale = std::max(scale, std::fabs(v));
  }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j)
      if (std::fabs(a_in[size_t(i * n + j)] - a_in[size_t(j * n + i)]) > 1e-9 * std::max(scale, 1e-300))
        fail(op, ": the matrix is not symmetric (entry [", i, ", ", j, "] = ", a_in[size_t(i * n + j)], ", [", j, ", ", i,
             "] = ", a_in[size_t(j * n + i)], ")");
  std::vector<double> a = a_in, v(size_t(n * n), 0.0);
  for (int64_t i = 0; i < n; ++i) v[size_t(i * n + i)] = 1;
  auto A = [&](int64_t i, int64_t j) -> double& { return a[size_t(i * n + j)]; };
  auto V = [&](int64_t i, int64_t j) -> double& { return v[size_t(i * n + j)]; };
  double total = 0;
  for (double x : a) total += x * x;
  SymEigen e;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = i + 1; j < n; ++j) off += 2 * A(i, j) * A(i, j);
    if (off <= 1e-24 * total || off == 0) break;
    e.sweeps = sweep + 1;
    for (int64_t p = 0; p < n; ++p) {
      for (int64_t q = p + 1; q < n; ++q) {
        const double apq = A(p, q);
        if (apq == 0) continue;
        // The rotation (c, s) that zeroes a_pq: θ = (a_qq - a_pp) / (2 a_pq), t = sign(θ) / (|θ| + √(θ² + 1)).
        const double theta = (A(q, q) - A(p, p)) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int64_t k = 0; k < n; ++k) {  // columns p and q: A ← A J
          const double akp = A(k, p), akq = A(k, q);
          A(k, p) = c * akp - s * akq;
          A(k, q) = s * akp + c * akq;
        }
        for (int64_t k = 0; k < n; ++k) {  // rows p and q: A ← Jᵀ A
          const double apk = A(p, k), aqk = A(q, k);
          A(p, k) = c * apk - s * aqk;
          A(q, k) = s * apk + c * aqk;
        }
        A(p, q) = A(q, p) = 0;
        for (int64_t k = 0; k < n; ++k) {  // eigenvectors are the columns of V ← V J
          const double vkp = V(k, p), vkq = V(k, q);
          V(k, p) = c * vkp - s * vkq;
          V(k, q) = s * vkp + c * vkq;
        }
      }
    }
  }
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return A(x, x) > A(y, y); });
  e.values.resize(size_t(n));
  e.vectors.resize(size_t(n * n));
  for (int64_t r = 0; r < n; ++r) {
    const int64_t j = order[size_t(r)];
    e.values[size_t(r)] = A(j, j);
    int64_t big = 0;
    for (int64_t k = 1; k < n; ++k)
      if (std::fabs(V(k, j)) > std::fabs(V(big, j))) big = k;
    const double sign = V(big, j) < 0 ? -1 : 1;
    for (int64_t k = 0; k < n; ++k) e.vectors[size_t(r * n + k)] = sign * V(k, j);
  }
  return e;
}

Pca pca(const Tensor& x, int64_t k) {
  const char* op = "pca";
  if (x.ndim() != 2) fail(op, ": x must be 2-d [N, D] (rows are samples), got ", shape_str(x.shape()));
  const int64_t n = x.shape()[0], d = x.shape()[1];
  if (n < 2) fail(op, ": needs at least 2 rows, got ", shape_str(x.shape()));
  if (d > 1024) fail(op, ": at most 1024 columns (the D × D covariance), got ", shape_str(x.shape()));
  if (k < 1 || k > d) fail(op, ": k must be in [1, ", d, "] for x ", shape_str(x.shape()), ", got ", k);
  const std::vector<float> xv = x.to_vector();
  const float* p = xv.data();
  for (int64_t i = 0; i < n * d; ++i)
    if (!std::isfinite(p[i])) fail(op, ": x ", shape_str(x.shape()), " holds a non-finite value at row ", i / d, ", column ", i % d);
  Pca r;
  r.rows = n;
  r.dims = d;
  r.k = k;
  r.mean.assign(size_t(d), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) r.mean[size_t(j)] += p[i * d + j];
  for (double& m : r.mean) m /= double(n);
  std::vector<double> c(size_t(n * d));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) c[size_t(i * d + j)] = p[i * d + j] - r.mean[size_t(j)];
  std::vector<double> cov(size_t(d * d), 0.0);
  for (int64_t a = 0; a < d; ++a)
    for (int64_t b = a; b < d; ++b) {
      double s = 0;
      for (int64_t i = 0; i < n; ++i) s += c[size_t(i * d + a)] * c[size_t(i * d + b)];
      cov[size_t(a * d + b)] = cov[size_t(b * d + a)] = s / double(n - 1);
    }
  for (int64_t a = 0; a < d; ++a) r.total_variance += cov[size_t(a * d + a)];
  const SymEigen e = jacobi_eigen(op, cov, d);
  r.sweeps = e.sweeps;
  r.eigenvalues.assign(e.values.begin(), e.values.begin() + k);
  for (double& l : r.eigenvalues) l = std::max(l, 0.0);  // a covariance is positive semi-definite: clip rounding
  r.components.assign(e.vectors.begin(), e.vectors.begin() + k * d);
  for (double l : r.eigenvalues) r.explained.push_back(r.total_variance > 0 ? l / r.total_variance : 0);
  r.projected.assign(size_t(n * k), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < k; ++j) {
      double s = 0;
      for (int64_t t = 0; t < d; ++t) s += c[size_t(i * d + t)] * r.components[size_t(j * d + t)];
      r.projected[size_t(i * k + j)] = s;
    }
  return r;
}

}  // namespace pg::nn
