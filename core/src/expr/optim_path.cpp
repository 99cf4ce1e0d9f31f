// The path of an optimizer on f(x, y): see playgrad/expr/optim_path.h.
//
// The update is the core's optimizer (optim::make, its step()). f and its gradient come from the
// expression's scalar evaluator (expr::Tape, playgrad/expr/expr.h), not from a Tensor graph: no
// Tensor per node and step, whose allocation, not the arithmetic, costs several us a step.
#include "playgrad/expr/optim_path.h"

#include <cmath>

#include "playgrad/error.h"

namespace pg::optim {

namespace {
std::string num(double v) { return num_str(v, 4); }

}  // namespace

Path optimize_path(const expr::Expr& f, const std::string& kind, const Json& options, float x0, float y0,
                   int64_t steps, float limit) {
  if (!std::isfinite(x0) || !std::isfinite(y0)) fail("optimize_path: the start point must be finite, got (", x0, ", ", y0, ")");
  if (steps < 0 || steps > kMaxPathSteps) fail("optimize_path: steps must be from 0 to ", kMaxPathSteps, ", got ", steps);
  if (!(limit > 0) || !std::isfinite(limit)) fail("optimize_path: limit must be a positive number, got ", limit);
  if (f.nodes().empty()) fail("optimize_path: empty expression");
  Tensor x = Tensor::scalar(x0).set_requires_grad();
  Tensor y = Tensor::scalar(y0).set_requires_grad();
  auto opt = make(kind, {x, y}, options);  // validates kind and options before anything runs
  // The gradients live in two scalars handed to the parameters as their .grad, as backward()
  // would leave them; the optimizer's step() reads them from there. A variable f does not use
  // gets no gradient, as after backward(): the optimizer skips it (PyTorch semantics).
  Tensor gxt = Tensor::scalar(0.f), gyt = Tensor::scalar(0.f);
  if (f.uses_x()) x.impl()->grad = gxt.impl();
  if (f.uses_y()) y.impl()->grad = gyt.impl();
  expr::Tape tape(f);
  float* px = x.data();
  float* py = y.data();

  Path p;
  p.x.reserve(size_t(steps) + 1);
  p.y.reserve(size_t(steps) + 1);
  p.f.reserve(size_t(steps) + 1);
  p.x.push_back(x0);
  p.y.push_back(y0);
  for (int64_t t = 0;; ++t) {
    const float xt = p.x.back(), yt = p.y.back();
    float gx = 0.f, gy = 0.f;
    const float v = tape.run(xt, yt, gx, gy);
    if (!std::isfinite(v)) {
      p.stop = "f is not finite at step " + std::to_string(t) + ", (x, y) = (" + num(xt) + ", " + num(yt) + ")";
      p.stop_step = t;
      p.x.pop_back();
      p.y.pop_back();
      break;
    }
    p.f.push_back(v);
    if (t == steps) break;
    if (!std::isfinite(gx) || !std::isfinite(gy)) {
      p.stop = "the gradient is not finite at step " + std::to_string(t) + ", (x, y) = (" + num(xt) + ", " + num(yt) + ")";
      p.stop_step = t;
      break;
    }
    *gxt.data() = gx;
    *gyt.data() = gy;
    opt->step();
    const float xn = *px, yn = *py;
    if (!std::isfinite(xn) || !std::isfinite(yn) || std::fabs(xn) > limit || std::fabs(yn) > limit) {
      p.stop = "diverged at step " + std::to_string(t + 1) + ": (x, y) = (" + num(xn) + ", " + num(yn) +
               ") left the region |x|, |y| <= " + num(limit) +
               " (a learning rate too large for this surface, or a surface with no minimum that way)";
      p.stop_step = t + 1;
      break;
    }
    p.x.push_back(xn);
    p.y.push_back(yn);
  }
  return p;
}

}  // namespace pg::optim
