// The path of an optimizer on f(x, y): see playgrad/optim_path.h.
#include "playgrad/optim_path.h"

#include <cmath>
#include <sstream>

#include "playgrad/error.h"

namespace pg::optim {

namespace {
std::string num(double v) {
  std::ostringstream s;
  s.precision(4);
  s << v;
  return s.str();
}
}  // namespace

Path optimize_path(const expr::Expr& f, const std::string& kind, const Json& options, float x0, float y0,
                   int64_t steps, float limit) {
  if (!std::isfinite(x0) || !std::isfinite(y0)) fail("optimize_path: the start point must be finite, got (", x0, ", ", y0, ")");
  if (steps < 0 || steps > kMaxPathSteps) fail("optimize_path: steps must be from 0 to ", kMaxPathSteps, ", got ", steps);
  if (!(limit > 0) || !std::isfinite(limit)) fail("optimize_path: limit must be a positive number, got ", limit);
  Tensor x = Tensor::scalar(x0).set_requires_grad();
  Tensor y = Tensor::scalar(y0).set_requires_grad();
  auto opt = make(kind, {x, y}, options);  // validates kind and options before anything runs

  Path p;
  p.x.reserve(size_t(steps) + 1);
  p.y.reserve(size_t(steps) + 1);
  p.f.reserve(size_t(steps) + 1);
  p.x.push_back(x0);
  p.y.push_back(y0);
  for (int64_t t = 0;; ++t) {
    const float xt = p.x.back(), yt = p.y.back();
    opt->zero_grad();
    Tensor ft = f.eval(x, y);
    const float v = ft.item();
    if (!std::isfinite(v)) {
      p.stop = "f is not finite at step " + std::to_string(t) + ", (x, y) = (" + num(xt) + ", " + num(yt) + ")";
      p.stop_step = t;
      p.x.pop_back();
      p.y.pop_back();
      break;
    }
    p.f.push_back(v);
    if (t == steps) break;
    if (ft.requires_grad()) ft.backward();
    const float gx = x.grad().defined() ? x.grad().item() : 0.f;
    const float gy = y.grad().defined() ? y.grad().item() : 0.f;
    if (!std::isfinite(gx) || !std::isfinite(gy)) {
      p.stop = "the gradient is not finite at step " + std::to_string(t) + ", (x, y) = (" + num(xt) + ", " + num(yt) + ")";
      p.stop_step = t;
      break;
    }
    opt->step();
    const float xn = x.item(), yn = y.item();
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
