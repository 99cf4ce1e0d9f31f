// Vanishing/exploding-gradient diagnostics (probe.h): Model::probe and activation_curve.
#include "playgrad/nn/probe.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "playgrad/nn/model.h"
#include "playgrad/ops/ops.h"

namespace pg::nn {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct HistRange {
  int bins = 20;
  bool fixed = false;
  double lo = 0, hi = 1;
};

// mean, std (population), min, max over the finite values; a histogram over [lo, hi]. Two passes:
// the sums and the extremes, then the squared deviations and the bins.
ProbeStats stats(const float* v, size_t size, const HistRange& r) {
  double s = 0, mn = std::numeric_limits<double>::infinity(), mx = -mn;
  int64_t n = 0, bad = 0;
  for (size_t i = 0; i < size; ++i) {
    const float f = v[i];
    if (!std::isfinite(f)) { ++bad; continue; }
    const double d = f;
    s += d;
    mn = d < mn ? d : mn;
    mx = d > mx ? d : mx;
    ++n;
  }
  const double mean = n ? s / double(n) : kNaN;
  double lo = r.fixed ? r.lo : mn, hi = r.fixed ? r.hi : mx;
  if (!n && !r.fixed) lo = 0, hi = 1;
  if (!(hi > lo)) lo -= 0.5, hi += 0.5;  // every value equal: a range of width 1 around it
  ProbeStats out;
  ProbeHistogram& h = out.histogram;
  h.counts.assign(size_t(r.bins), 0);
  double ss = 0;
  const double width = hi - lo;
  for (size_t i = 0; i < size; ++i) {
    const float f = v[i];
    if (!std::isfinite(f)) continue;
    const double d = f;
    ss += (d - mean) * (d - mean);
    if (d < lo) { ++h.below; continue; }
    if (d > hi) { ++h.above; continue; }
    // bin = floor((x - lo) / (hi - lo) · bins); x = hi goes in the last bin
    const int b = std::min(r.bins - 1, int(std::floor((d - lo) / width * r.bins)));
    ++h.counts[size_t(b)];
  }
  h.lo = lo;
  h.hi = hi;
  out.mean = mean;
  out.std = n ? std::sqrt(ss / double(n)) : kNaN;
  out.min = n ? mn : kNaN;
  out.max = n ? mx : kNaN;
  out.non_finite = bad;
  return out;
}
ProbeStats stats(const Tensor& t, const HistRange& r) {
  const Tensor c = t.contiguous();
  return stats(c.data(), size_t(c.numel()), r);
}

Json stats_json(const ProbeStats& st) {
  Json h = Json::object();
  h["lo"] = st.histogram.lo;
  h["hi"] = st.histogram.hi;
  h["counts"] = st.histogram.counts;
  h["below"] = st.histogram.below;
  h["above"] = st.histogram.above;
  Json out = Json::object();
  out["mean"] = st.mean;
  out["std"] = st.std;
  out["min"] = st.min;
  out["max"] = st.max;
  out["nonFinite"] = st.non_finite;
  out["histogram"] = std::move(h);
  return out;
}

double norm(const Tensor& t) {
  if (!t.defined()) return 0;
  const Tensor c = t.contiguous();
  const float* v = c.data();
  double s = 0;
  for (int64_t i = 0, n = c.numel(); i < n; ++i) s += double(v[i]) * double(v[i]);
  return std::sqrt(s);
}

// max over i, j of |W[i, j] - W[i, 0]|, j the last axis (the units).
double spread(const Tensor& t) {
  if (!t.defined() || t.numel() == 0) return 0;
  const Tensor c = t.contiguous();
  const float* v = c.data();
  const int64_t units = t.ndim() ? t.dim(-1) : 1;
  double m = 0;
  for (int64_t i = 0; i < c.numel() / units; ++i)
    for (int64_t j = 1; j < units; ++j) m = std::max(m, std::fabs(double(v[i * units + j]) - double(v[i * units])));
  return m;
}

// f'(z) element-wise through the core's backward pass: ∂/∂z Σ f(z), with the slope held fixed.
Tensor local_derivative(const std::string& a, const Tensor& z, float alpha, const Tensor& slope) {
  Tensor leaf = z.detach().clone();
  leaf.set_requires_grad();
  Tensor f = activate(a, leaf, alpha, slope.defined() ? slope.detach() : slope);
  sum(f).backward();
  Tensor g = leaf.grad();
  return g.defined() ? g : Tensor::zeros(z.shape());
}

bool elementwise(const std::string& a) { return a != "linear" && a != "softmax"; }

}  // namespace

double activation_peak(const std::string& a, float alpha, const Tensor& slope) {
  check_activation("probe", a);
  if (a == "sigmoid") return 0.25;  // σ' = σ(1 - σ) <= 1/4, at z = 0
  if (a == "leaky_relu") return std::max(1.0, std::fabs(double(alpha)));
  if (a == "prelu") {
    double m = 1;
    if (slope.defined())
      for (float s : slope.contiguous().to_vector()) m = std::max(m, std::fabs(double(s)));
    return m;
  }
  if (a == "softmax") fail("probe: softmax is not an element-wise activation");
  return 1;  // tanh' = 1 - tanh² <= 1; relu' and linear' are 1 where positive
}

Json activation_curve(const std::string& a, const Tensor& x, float alpha, float slope, double saturation) {
  check_activation("activationCurve", a);
  if (a == "softmax") fail("activationCurve: softmax is not an element-wise activation");
  if (x.ndim() != 1 || x.numel() < 1) fail("activationCurve: x must be a non-empty 1-d tensor, got ", shape_str(x.shape()));
  if (!std::isfinite(alpha) || !std::isfinite(slope)) fail("activationCurve: alpha and slope must be finite");
  if (!(saturation >= 0 && saturation <= 1)) fail("activationCurve: saturation must be in [0, 1], got ", saturation);
  const std::vector<float> xv = x.contiguous().to_vector();
  for (float f : xv)
    if (!std::isfinite(f)) fail("activationCurve: x must be finite");
  const int64_t n = x.numel();
  Tensor leaf = Tensor::from_vector(xv, {n}, true);
  // prelu: one slope per grid point, all equal to `slope`, so ∂f(x_i)/∂a_i = min(x_i, 0) per point.
  Tensor s = a == "prelu" ? Tensor::full({n}, slope).set_requires_grad() : Tensor();
  Tensor f = activate(a, leaf, alpha, s);
  sum(f).backward();
  const Tensor g = leaf.grad();
  const std::vector<float> d = g.defined() ? g.to_vector() : std::vector<float>(size_t(n), 0.f);
  std::vector<float> sg(size_t(n), 0.f);
  if (s.defined() && s.grad().defined()) sg = s.grad().to_vector();
  const double peak = activation_peak(a, alpha, Tensor::full({1}, slope));
  const double thr = saturation * peak;
  std::vector<bool> sat(static_cast<size_t>(n), false);
  Json intervals = Json::array();
  for (int64_t i = 0; i < n; ++i) {
    sat[size_t(i)] = std::fabs(double(d[size_t(i)])) < thr;  // a negative slope still passes gradient
    if (!sat[size_t(i)]) continue;
    if (i > 0 && sat[size_t(i - 1)]) intervals.back()[1] = xv[size_t(i)];
    else intervals.push_back({xv[size_t(i)], xv[size_t(i)]});
  }
  return {{"name", a}, {"alpha", alpha}, {"slope", slope}, {"peak", peak}, {"threshold", thr},
          {"value", f.to_vector()}, {"derivative", d}, {"slopeGrad", sg}, {"saturated", sat},
          {"intervals", intervals}};
}

Json to_json(const ProbeResult& r) {
  Json layers = Json::array();
  for (const ProbeLayer& l : r.layers) {
    Json e = {{"name", l.name}, {"kind", l.kind}, {"activation", l.activation}};
    e["output"] = stats_json(l.output);
    Json ws = Json::array();
    for (const ProbeWeight& w : l.weights)
      ws.push_back({{"name", w.name}, {"shape", w.shape}, {"norm", w.norm}, {"gradNorm", w.grad_norm},
                    {"spread", w.spread}, {"gradSpread", w.grad_spread}});
    e["weights"] = std::move(ws);
    if (l.has_derivative) {
      const ProbeDerivative& d = l.derivative;
      Json ds = stats_json(d);
      ds["peak"] = d.peak;
      ds["threshold"] = d.threshold;
      ds["saturatedShare"] = d.saturated_share;
      ds["zeroShare"] = d.zero_share;
      ds["deadShare"] = d.dead_share;
      ds["deadUnits"] = d.dead_units;
      ds["units"] = d.units;
      e["derivative"] = std::move(ds);
    }
    layers.push_back(std::move(e));
  }
  return {{"loss", r.loss}, {"rows", r.rows}, {"layers", layers}};
}

Json Model::probe(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys, const Json& o) {
  return nn::to_json(probe_result(xs, ys, o));
}

ProbeResult Model::probe_result(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys, const Json& o) {
  check_compiled("probe");
  check_data("probe", xs, ys);
  cfg::check_keys("probe", o, {"bins", "lo", "hi", "saturation"});
  HistRange range;
  const int64_t bins = cfg::integer("probe", o, "bins", 20);
  if (bins < 1 || bins > 1000) fail("probe: bins must be from 1 to 1000, got ", bins);
  range.bins = int(bins);
  const bool has_lo = o.contains("lo") && !o["lo"].is_null(), has_hi = o.contains("hi") && !o["hi"].is_null();
  if (has_lo != has_hi) fail("probe: give both lo and hi, or neither");
  if (has_lo) {
    range.fixed = true;
    range.lo = cfg::number("probe", o, "lo", 0);
    range.hi = cfg::number("probe", o, "hi", 1);
    if (!(range.lo < range.hi)) fail("probe: lo must be below hi, got lo ", range.lo, " and hi ", range.hi);
  }
  const double saturation = cfg::number("probe", o, "saturation", 0.05);
  if (!(saturation >= 0 && saturation <= 1)) fail("probe: saturation must be in [0, 1], got ", saturation);

  for (Tensor& p : parameters()) p.zero_grad();
  const std::vector<Tensor> v = forward_nodes(xs, true);
  std::vector<Tensor> outs;
  for (int k : outputs_) outs.push_back(v[size_t(k)]);
  Tensor loss = total_loss(outs, ys);
  loss.backward();

  ProbeResult r;
  std::vector<bool> seen(layers_.size(), false);
  for (size_t k = 0; k < nodes_.size(); ++k) {
    const Node& node = nodes_[k];
    if (node.layer < 0 || seen[size_t(node.layer)]) continue;
    seen[size_t(node.layer)] = true;
    Layer& L = *layers_[size_t(node.layer)];
    ProbeLayer& e = r.layers.emplace_back();
    e.name = L.name;
    e.kind = L.kind();
    e.output = stats(v[k], range);
    for (auto& [name, t] : L.params())
      e.weights.push_back({name, t.shape(), norm(t), norm(t.grad()), spread(t), spread(t.grad())});

    // The pre-activation z and the activation, for the layers that have an element-wise one.
    std::string act;
    float alpha = 0.f;
    Tensor slope, z;
    if (auto* a = layer_as<Activation>(&L)) {
      act = a->activation, alpha = a->alpha, slope = a->slope;
      z = v[size_t(node.inbound[0])];
    } else if (auto* d = layer_as<Dense>(&L)) {
      act = d->activation, alpha = d->alpha, slope = d->slope;
      if (elementwise(act)) {
        NoGradGuard ng;
        const Tensor& x = v[size_t(node.inbound[0])];
        if (x.ndim() == 2 || x.ndim() == 3) {
          z = matmul(x, d->kernel);
        } else {
          Shape os = x.shape();
          os.back() = d->units;
          z = reshape(matmul(reshape(x, {-1, x.dim(-1)}), d->kernel), os);
        }
        if (d->use_bias) z = add(z, d->bias);
      }
    }
    e.activation = act;
    if (!act.empty() && elementwise(act)) {
      const Tensor dt = local_derivative(act, z, alpha, slope).contiguous();
      const float* dv = dt.data();
      const size_t count = size_t(dt.numel());
      const double peak = activation_peak(act, alpha, slope);
      ProbeDerivative& ds = e.derivative;
      static_cast<ProbeStats&>(ds) = stats(dv, count, HistRange{range.bins, false, 0, 1});
      const int64_t units = z.dim(-1), rows = int64_t(count) / units;
      int64_t sat = 0, zero = 0, dead = 0;
      for (size_t i = 0; i < count; ++i) {
        sat += std::fabs(double(dv[i])) < saturation * peak;
        zero += dv[i] == 0.f;
      }
      for (int64_t j = 0; j < units; ++j) {
        bool all = true;
        for (int64_t i = 0; i < rows && all; ++i) all = dv[i * units + j] == 0.f;
        dead += all;
      }
      e.has_derivative = true;
      ds.peak = peak;
      ds.threshold = saturation * peak;
      ds.saturated_share = double(sat) / double(count);
      ds.zero_share = double(zero) / double(count);
      ds.dead_share = double(dead) / double(units);
      ds.dead_units = dead;
      ds.units = units;
    }
  }
  r.loss = loss.item();
  r.rows = xs[0].dim(0);
  return r;
}

}  // namespace pg::nn
