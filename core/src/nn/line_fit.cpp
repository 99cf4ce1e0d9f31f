// Gradient descent on a line under MSE, and its Hessian: see playgrad/nn/line_fit.h.
//
// Every step is the autograd graph of the batch's loss (ŷ = w·x + b, losses::mse), backward()
// and the core's SGD optimizer, as a model's fit() does it; nothing here differentiates by hand.
#include "playgrad/nn/line_fit.h"

#include <algorithm>
#include <cmath>

#include "playgrad/error.h"
#include "playgrad/nn/losses.h"
#include "playgrad/nn/model.h"
#include "playgrad/nn/optim.h"
#include "playgrad/ops/ops.h"
#include "playgrad/random.h"

namespace pg::nn {

namespace {

std::string num(double v) { return num_str(v, 4); }

void check_points(const char* op, const std::vector<float>& x, const std::vector<float>& y) {
  if (x.size() != y.size()) fail(op, ": x has ", x.size(), " values but y has ", y.size(), "; every point needs both");
  if (x.empty()) fail(op, ": no points");
  if (int64_t(x.size()) > kMaxLinePoints) fail(op, ": at most ", kMaxLinePoints, " points, got ", x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
      fail(op, ": point ", i + 1, " is (", x[i], ", ", y[i], "), not finite");
  }
}

// L = mean((w·x + b - y)²) of rows idx, on the autograd graph ([B] tensors).
Tensor batch_mse(const Tensor& w, const Tensor& b, const Tensor& x, const Tensor& y) {
  return losses::mse(add(mul(w, x), b), y);
}

}  // namespace

LinePath line_path(const std::vector<float>& x, const std::vector<float>& y, const LinePathOptions& o) {
  const char* op = "linePath";
  check_points(op, x, y);
  if (!std::isfinite(o.w0) || !std::isfinite(o.b0)) fail(op, ": the start (w0, b0) must be finite, got (", o.w0, ", ", o.b0, ")");
  if (!std::isfinite(o.lr) || o.lr < 0) fail(op, ": lr must be a finite number >= 0, got ", o.lr);
  if (o.batch_size < 0) fail(op, ": batchSize must be >= 0 (0: full batch), got ", o.batch_size);
  if (o.epochs < 0) fail(op, ": epochs must be >= 0, got ", o.epochs);
  if (!(o.limit > 0) || !std::isfinite(o.limit)) fail(op, ": limit must be a positive number, got ", o.limit);
  const int64_t N = int64_t(x.size());
  const int64_t B = o.batch_size == 0 ? N : std::min(o.batch_size, N);
  const int64_t S = (N + B - 1) / B;  // steps per epoch = ceil(N / B)
  if (o.epochs > kMaxLineSteps / S)
    fail(op, ": ", o.epochs, " epochs of ", S, " steps is more than ", kMaxLineSteps, " steps");

  LinePath p;
  p.n = N;
  p.batch_size = B;
  p.steps_per_epoch = S;
  const Tensor X = Tensor::from_vector(x, {N});
  const Tensor Y = Tensor::from_vector(y, {N});
  Tensor w = Tensor::scalar(o.w0).set_requires_grad();
  Tensor b = Tensor::scalar(o.b0).set_requires_grad();
  auto sgd = optim::make("sgd", {w, b}, optim::Json{{"lr", o.lr}});
  const auto full_loss = [&] {
    NoGradGuard ng;
    return batch_mse(w, b, X, Y).item();
  };
  const size_t steps = size_t(o.epochs * S);
  p.w.reserve(steps + 1);
  p.b.reserve(steps + 1);
  p.loss.reserve(steps + 1);
  p.w.push_back(o.w0);
  p.b.push_back(o.b0);
  p.loss.push_back(full_loss());

  Rng rng(o.seed, 99);  // as fit({seed}): core/src/nn/train.cpp
  std::vector<int64_t> order(static_cast<size_t>(N));
  for (int64_t i = 0; i < N; ++i) order[size_t(i)] = i;
  int64_t t = 0;
  for (int64_t e = 0; e < o.epochs && p.stop.empty(); ++e) {
    if (B < N) shuffle_rows(order, rng);  // a full batch is every row whatever the order
    for (int64_t i : order) p.order.push_back(int32_t(i));
    for (int64_t s = 0; s < S; ++s, ++t) {
      const std::vector<int64_t> idx(order.begin() + s * B, order.begin() + std::min((s + 1) * B, N));
      sgd->zero_grad();
      Tensor loss = batch_mse(w, b, take_rows(X, idx), take_rows(Y, idx));
      loss.backward();
      const float gw = w.grad().item(), gb = b.grad().item();
      if (!std::isfinite(loss.item()) || !std::isfinite(gw) || !std::isfinite(gb)) {
        p.stop = "the batch loss or its gradient is not finite at step " + std::to_string(t);
        p.stop_step = t;
        break;
      }
      p.batch_loss.push_back(loss.item());
      p.gw.push_back(gw);
      p.gb.push_back(gb);
      sgd->step();  // w -= lr·gw, b -= lr·gb
      const float wn = w.item(), bn = b.item();
      const float ln = full_loss();
      if (!std::isfinite(wn) || !std::isfinite(bn) || !std::isfinite(ln) || std::fabs(wn) > o.limit ||
          std::fabs(bn) > o.limit) {
        p.stop = "diverged at step " + std::to_string(t + 1) + ": (w, b) = (" + num(wn) + ", " + num(bn) +
                 ") left the region |w|, |b| <= " + num(o.limit);
        p.stop_step = t + 1;
        p.batch_loss.pop_back();  // the step that left is not on the path: gw.size() == w.size() - 1
        p.gw.pop_back();
        p.gb.pop_back();
        break;
      }
      p.w.push_back(wn);
      p.b.push_back(bn);
      p.loss.push_back(ln);
    }
  }
  return p;
}

LineStats line_stats(const std::vector<float>& x, const std::vector<float>& y) {
  check_points("lineStats", x, y);
  LineStats s;
  const size_t N = x.size();
  s.n = int64_t(N);
  for (size_t i = 0; i < N; ++i) {
    const double xi = x[i], yi = y[i];
    s.sx += xi;
    s.sxx += xi * xi;
    s.sy += yi;
    s.sxy += xi * yi;
    s.syy += yi * yi;
  }
  const double n = double(N);
  // H = 2/N [[Σx², Σx], [Σx, N]]
  const double a = 2 * s.sxx / n, off = 2 * s.sx / n, c = 2;
  s.h[0] = a;
  s.h[1] = off;
  s.h[2] = off;
  s.h[3] = c;
  // Centred sums (a second pass, not N·Σx² - (Σx)², which cancels badly when the x are far from 0).
  const double mx = s.sx / n, my = s.sy / n;
  double cxx = 0, cxy = 0;
  for (size_t i = 0; i < N; ++i) {
    cxx += (x[i] - mx) * (x[i] - mx);
    cxy += (x[i] - mx) * (y[i] - my);
  }
  // Eigenvalues of the symmetric 2×2: (a + c)/2 ± √(((a - c)/2)² + off²); the smaller one as
  // det / λmax with det = a·c - off² = 4·Σ(x - x̄)² / N (exact where the difference would cancel).
  s.eig_max = (a + c) / 2 + std::hypot((a - c) / 2, off);
  s.eig_min = (4 * cxx / n) / s.eig_max;
  s.lr_max = 2 / s.eig_max;
  s.unique = cxx > 1e-12 * std::max(1.0, s.sxx);
  if (s.unique) {
    s.w_opt = cxy / cxx;
    s.b_opt = my - s.w_opt * mx;
    double l = 0;
    for (size_t i = 0; i < N; ++i) {
      const double r = s.w_opt * x[i] + s.b_opt - y[i];
      l += r * r;
    }
    s.loss_opt = l / n;
  } else {
    s.w_opt = s.b_opt = s.loss_opt = std::nan("");
  }
  return s;
}

}  // namespace pg::nn
