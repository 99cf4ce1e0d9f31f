// pg::optim::trajectory (playgrad/trajectory.h): an optimizer's path on a surface f(x, y).
//
// The update is the core's optimizer (optim::make, its step()). The gradient is the expression's
// graph differentiated in reverse: the tape below walks Expr's flat node list (children before
// parents) forward for the values and backward for the adjoints, with the operators' own kernels
// (pg::kernels::simd unary / unary_backward on one element) and the same rules as the ops'
// backward functions, so it gives what Expr::eval + backward() gives (tests/native/
// test_fast_trajectory.cpp compares the two) without allocating a Tensor per node and step:
// that allocation, not the arithmetic, is what made the graph path cost ~40 µs a step.
#include "playgrad/trajectory.h"

#include <cmath>

#include "playgrad/error.h"
#include "playgrad/kernels.h"

namespace pg::optim {

namespace {

namespace k = pg::kernels;
using expr::Func;
using expr::Kind;

k::Unary unary_of(Func f) {
  switch (f) {
    case Func::Sin: return k::Unary::Sin;
    case Func::Cos: return k::Unary::Cos;
    case Func::Tan: return k::Unary::Tan;
    case Func::Exp: return k::Unary::Exp;
    case Func::Log: return k::Unary::Log;
    case Func::Sqrt: return k::Unary::Sqrt;
    case Func::Abs: return k::Unary::Abs;
    case Func::Tanh: return k::Unary::Tanh;
    case Func::Sigmoid: return k::Unary::Sigmoid;
  }
  fail("trajectory: unknown function");
}

float un(k::Unary op, float a, float p = 0.f) {
  float r;
  k::simd::unary(op, &a, &r, 1, p);
  return r;
}
float un_back(k::Unary op, float a, float r, float g, float p = 0.f) {
  float d;
  k::simd::unary_backward(op, &a, &r, &g, &d, 1, p);
  return d;
}

// f and df/dx, df/dy at one point, reusing its buffers.
class Tape {
 public:
  explicit Tape(const expr::Expr& f) : n_(f.nodes()), v_(n_.size()), t_(n_.size()), m_(n_.size()), adj_(n_.size()) {}
  float run(float x, float y, float& gx, float& gy) {
    const size_t N = n_.size();
    for (size_t i = 0; i < N; ++i) {
      const expr::Node& n = n_[i];
      const float a = n.a >= 0 ? v_[size_t(n.a)] : 0.f, b = n.b >= 0 ? v_[size_t(n.b)] : 0.f;
      float r = 0.f;
      switch (n.kind) {
        case Kind::Number: r = float(n.value); break;
        case Kind::X: r = x; break;
        case Kind::Y: r = y; break;
        case Kind::Neg: r = un(k::Unary::Neg, a); break;
        case Kind::Add: r = a + b; break;
        case Kind::Sub: r = a - b; break;
        case Kind::Mul: r = a * b; break;
        case Kind::Div: r = a / b; break;
        case Kind::Pow:
          if (n_[size_t(n.b)].constant) {
            if (!std::isfinite(b)) fail("expr: the exponent of '^' at position ", n.pos, " is ", b, ", not a finite number");
            r = un(k::Unary::Pow, a, b);
          } else {  // a^b = e^(b ln a)
            t_[i] = un(k::Unary::Log, a);
            m_[i] = b * t_[i];
            r = un(k::Unary::Exp, m_[i]);
          }
          break;
        case Kind::Func: r = un(unary_of(n.func), a); break;
      }
      v_[i] = r;
      adj_[i] = 0.f;
    }
    gx = gy = 0.f;
    adj_[N - 1] = 1.f;
    for (size_t i = N; i-- > 0;) {
      const expr::Node& n = n_[i];
      if (n.constant) continue;  // no gradient flows into a constant subtree
      const float g = adj_[i];
      float* da = n.a >= 0 ? &adj_[size_t(n.a)] : nullptr;
      float* db = n.b >= 0 ? &adj_[size_t(n.b)] : nullptr;
      const float a = n.a >= 0 ? v_[size_t(n.a)] : 0.f, b = n.b >= 0 ? v_[size_t(n.b)] : 0.f;
      switch (n.kind) {
        case Kind::Number: break;
        case Kind::X: gx += g; break;
        case Kind::Y: gy += g; break;
        case Kind::Neg: *da += un_back(k::Unary::Neg, a, v_[i], g); break;
        case Kind::Add: *da += g; *db += g; break;
        case Kind::Sub: *da += g; *db += -g; break;
        case Kind::Mul: *da += g * b; *db += g * a; break;
        case Kind::Div: *da += g / b; *db += -g * a / (b * b); break;
        case Kind::Pow:
          if (n_[size_t(n.b)].constant) {
            *da += un_back(k::Unary::Pow, a, v_[i], g, b);
          } else {
            const float dm = un_back(k::Unary::Exp, m_[i], v_[i], g);
            *db += dm * t_[i];
            *da += un_back(k::Unary::Log, a, t_[i], dm * b);
          }
          break;
        case Kind::Func: *da += un_back(unary_of(n.func), a, v_[i], g); break;
      }
    }
    return v_[N - 1];
  }

 private:
  const std::vector<expr::Node>& n_;
  std::vector<float> v_, t_, m_, adj_;
};

}  // namespace

std::vector<float> trajectory(const expr::Expr& f, const std::string& kind, const Json& options,
                              float x0, float y0, int64_t steps) {
  if (steps < 0 || steps > kMaxTrajectorySteps)
    fail("trajectory: steps must be in [0, ", kMaxTrajectorySteps, "], got ", steps);
  if (!std::isfinite(x0) || !std::isfinite(y0)) fail("trajectory: the start (x0, y0) must be finite");
  if (f.nodes().empty()) fail("trajectory: empty expression");
  Tensor x = Tensor::scalar(x0).set_requires_grad();
  Tensor y = Tensor::scalar(y0).set_requires_grad();
  auto opt = make(kind, {x, y}, options);  // validates kind and options before anything runs
  // The gradients live in two scalars handed to the parameters as their .grad, as backward()
  // would leave them; the optimizer's step() reads them from there.
  Tensor gx = Tensor::scalar(0.f), gy = Tensor::scalar(0.f);
  // (A variable f does not use gets no gradient, as after backward(): the optimizer skips it.)
  if (f.uses_x()) x.impl()->grad = gx.impl();
  if (f.uses_y()) y.impl()->grad = gy.impl();
  Tape tape(f);
  float* px = x.data();
  float* py = y.data();
  std::vector<float> path;
  path.reserve(size_t(3 * (steps + 1)));
  for (int64_t s = 0;; ++s) {
    float dx, dy;
    const float v = tape.run(*px, *py, dx, dy);
    path.push_back(*px);
    path.push_back(*py);
    path.push_back(v);
    if (s == steps) break;
    *gx.data() = dx;
    *gy.data() = dy;
    opt->step();
  }
  return path;
}

}  // namespace pg::optim
