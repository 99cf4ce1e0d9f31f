// playgrad/nn/pca.h: principal component analysis, for showing what a network's features look like
// (the transfer lesson's 2-d projection of a layer's output before and after fine-tuning).
//
//   x [N, D] (rows are samples), mean m = (1/N) Σ_i x_i, centred rows c_i = x_i - m,
//   covariance C = (1/(N - 1)) Σ_i c_i c_iᵀ  (D × D, symmetric; N - 1 as numpy.cov and sklearn),
//   C = V Λ Vᵀ with eigenvalues λ_1 >= λ_2 >= ... >= 0 and orthonormal eigenvectors v_j (the
//   principal directions), projection of row i on component j: p_ij = c_i · v_j.
//   Explained share of component j: λ_j / trace(C).
//
// The eigen-decomposition is the cyclic Jacobi method in double precision (jacobi_eigen): each
// rotation zeroes one off-diagonal pair; sweeps repeat until the off-diagonal sum of squares is
// below 1e-24 of the matrix's (at most 100 sweeps). Signs: an eigenvector is only defined up to
// its sign, so each is flipped to make its entry of largest magnitude positive (the first such
// entry on a tie): the same data gives the same picture natively, in Node and in the browser.
#pragma once
#include <cstdint>
#include <vector>

#include "playgrad/tensor.h"

namespace pg::nn {

struct SymEigen {
  std::vector<double> values;   // [n], descending
  std::vector<double> vectors;  // [n, n] row-major: row j is the unit eigenvector of values[j]
  int sweeps = 0;               // Jacobi sweeps run
};
// Eigenvalues and eigenvectors of the symmetric n × n matrix a (row-major; symmetry is checked
// to 1e-9 relative). Errors name `op`: a not n × n, n < 1, a non-finite or asymmetric entry.
SymEigen jacobi_eigen(const char* op, const std::vector<double>& a, int64_t n);

struct Pca {
  int64_t rows = 0, dims = 0, k = 0;
  std::vector<double> mean;         // [D]
  std::vector<double> components;   // [k, D] row-major, unit rows
  std::vector<double> eigenvalues;  // [k] of the covariance (1/(N - 1)), descending
  double total_variance = 0;        // trace of the covariance (sum of all D eigenvalues)
  std::vector<double> explained;    // [k] eigenvalue / total variance (0 when the total is 0)
  std::vector<double> projected;    // [N, k] row-major: centred row · component
  int sweeps = 0;
};
// PCA of x [N, D] onto its first k components. Errors: x not 2-d, N < 2, k outside [1, D],
// D above 1024 (the D × D covariance), a non-finite entry.
Pca pca(const Tensor& x, int64_t k);

}  // namespace pg::nn
