// playgrad/line_fit.h: gradient descent on a line ŷ = w·x + b under the mean squared error, for
// the gradient-descent lesson: the whole path of full-batch, mini-batch or stochastic descent in
// one call, and the numbers that decide whether it converges.
//
//   L(w, b) = 1/N Σ_i (w·x_i + b - y_i)²                       (the full-batch MSE)
//   ∂L/∂w = 2/N Σ_i (ŷ_i - y_i)·x_i,   ∂L/∂b = 2/N Σ_i (ŷ_i - y_i)
//   Hessian H = 2/N [[Σx², Σx], [Σx, N]] (constant: L is a quadratic in (w, b))
//
// line_path runs what model.fit does with batchSize B and a seed (core/src/nn/train.cpp): per
// epoch the row order is shuffled by the seeded Fisher-Yates (without replacement; the order
// carries on from the previous epoch's, as fit's) and cut into ceil(N / B) batches, the last one
// smaller; per batch: the batch's MSE on the autograd graph, backward(), the core's SGD step
// (optim::make("sgd", {w, b}, {lr})). B >= N is full-batch gradient descent (one step per epoch,
// no shuffling needed: the batch is all of the data). The same seed gives the same path natively
// and in wasm.
//
// line_stats gives the sums, H, its eigenvalues and the learning-rate threshold 2/λmax: full-batch
// descent converges for every start when 0 < α < 2/λmax (each eigen-direction of the error is
// multiplied by 1 - α·λ per step) and diverges from almost every start when α > 2/λmax.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace pg::nn {

struct LinePathOptions {
  float w0 = 0.f, b0 = 0.f;  // the start
  double lr = 0.01;          // α
  int64_t batch_size = 0;    // B; 0 or >= N: full batch
  int64_t epochs = 1;
  uint64_t seed = 0;         // the shuffling's seed (Rng(seed, 99), as fit)
  float limit = 1e4f;        // the path stops once |w| or |b| exceeds this (divergence)
};

struct LinePath {
  int64_t n = 0;                // points
  int64_t batch_size = 0;       // B actually used: min(B, N), N for 0
  int64_t steps_per_epoch = 0;  // ceil(N / B)
  // The points (w_t, b_t), t = 0 .. k (k = steps taken), and the full-batch MSE at each.
  std::vector<float> w, b, loss;
  // Per step t = 0 .. k-1: the batch's MSE at (w_t, b_t) and its gradient from backward(), the
  // one the SGD step used: (w_{t+1}, b_{t+1}) = (w_t, b_t) - α·(gw_t, gb_t).
  std::vector<float> batch_loss, gw, gb;
  // The row order of each epoch (epochs·N indices): epoch e's batch s is
  // order[e·N + s·B .. e·N + min((s + 1)·B, N)).
  std::vector<int32_t> order;
  // "" when every step ran; otherwise why it stopped, in words.
  std::string stop;
  int64_t stop_step = -1;  // the step whose result left the box or was not finite, or -1
};

constexpr int64_t kMaxLinePoints = 10000;
constexpr int64_t kMaxLineSteps = 100000;

// Throws pg::Error (before any step) for x and y of different lengths, fewer than 1 point, more
// than kMaxLinePoints, a non-finite coordinate, start or lr, lr < 0, batch_size < 0, epochs < 0,
// more than kMaxLineSteps steps in all, or a limit that is not a positive number.
LinePath line_path(const std::vector<float>& x, const std::vector<float>& y, const LinePathOptions& o);

struct LineStats {
  int64_t n = 0;
  double sx = 0, sxx = 0, sy = 0, sxy = 0, syy = 0;  // Σx, Σx², Σy, Σxy, Σy² (in double)
  double h[4] = {0, 0, 0, 0};  // H = 2/N [[Σx², Σx], [Σx, N]], row-major
  double eig_min = 0, eig_max = 0;  // its eigenvalues (H is symmetric: both real, >= 0)
  double lr_max = 0;                // 2 / eig_max: the full-batch divergence threshold
  // The minimum of L (the least-squares line), when unique (not all x equal): w*, b*, L(w*, b*).
  bool unique = false;
  double w_opt = 0, b_opt = 0, loss_opt = 0;
};

// Throws pg::Error for x and y of different lengths, no points, or a non-finite coordinate.
LineStats line_stats(const std::vector<float>& x, const std::vector<float>& y);

}  // namespace pg::nn
