#include "playgrad/autograd/gradcheck.h"

#include <cmath>

#include "playgrad/ops/ops.h"

namespace pg {

GradCheckResult gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& f,
                          const std::vector<Tensor>& inputs, const GradCheckOptions& opt) {
  GradCheckResult res;
  // Leaves owned by the check (so .grad starts empty), same values as the inputs.
  std::vector<Tensor> xs;
  for (const Tensor& x : inputs) {
    Tensor c = Tensor::from_vector(x.to_vector(), x.shape());
    c.set_requires_grad(x.requires_grad());
    xs.push_back(c);
  }
  Tensor out0 = f(xs);
  const std::vector<float> w = Tensor::randn(out0.shape(), opt.seed).to_vector();
  auto weighted = [&](const Tensor& out) {
    const std::vector<float> o = out.to_vector();
    double s = 0;
    for (size_t i = 0; i < o.size(); ++i) s += double(w[i]) * double(o[i]);
    return s;
  };
  Tensor wt = Tensor::from_vector(w, out0.shape());
  sum(mul(out0, wt)).backward();

  for (size_t t = 0; t < xs.size(); ++t) {
    if (!xs[t].requires_grad()) continue;
    Tensor g = xs[t].grad();
    const std::vector<float> analytic =
        g.defined() ? g.to_vector() : std::vector<float>(size_t(xs[t].numel()), 0.f);
    float* p = xs[t].data();
    for (int64_t i = 0; i < xs[t].numel(); ++i) {
      const float orig = p[i];
      NoGradGuard no_grad;
      const float hi = float(double(orig) + opt.eps), lo = float(double(orig) - opt.eps);
      p[i] = hi;
      const double lp = weighted(f(xs));
      p[i] = lo;
      const double lm = weighted(f(xs));
      p[i] = orig;
      const double numeric = (lp - lm) / (double(hi) - double(lo));  // the step actually taken
      const double err = std::fabs(double(analytic[size_t(i)]) - numeric);
      res.max_abs_err = std::max(res.max_abs_err, err);
      if (!(err <= opt.atol + opt.rtol * std::fabs(numeric)) && res.ok) {
        res.ok = false;
        res.report = cat("input ", t, " ", shape_str(xs[t].shape()), " element ", i, ": analytic ",
                         analytic[size_t(i)], " vs numeric ", numeric);
      }
    }
  }
  return res;
}

}  // namespace pg
