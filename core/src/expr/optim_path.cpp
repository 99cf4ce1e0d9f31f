// The path of an optimizer on f(x, y): see playgrad/optim_path.h.
//
// The update is the core's optimizer (optim::make, its step()). f and its gradient come from the
// tape below, not from a Tensor graph: it walks Expr's flat node list (children before parents)
// forward for the values and backward for the adjoints, with the operators' own kernels
// (pg::kernels::simd unary / unary_backward on one element) and the same rules as the ops'
// backward functions, so it gives what Expr::eval + backward() gives (tests/native/
// test_optim_path.cpp and test_optim_path_tape.cpp compare the two) without allocating a Tensor
// per node and step: that allocation, not the arithmetic, is what costs several us a step on the graph.
#include "playgrad/expr/optim_path.h"

#include <cmath>
#include <sstream>

#include "playgrad/error.h"
#include "playgrad/kernels/kernels.h"

namespace pg::optim {

namespace {
std::string num(double v) {
  std::ostringstream s;
  s.precision(4);
  s << v;
  return s.str();
}

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
  fail("optimize_path: unknown function");
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
  Tape tape(f);
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
