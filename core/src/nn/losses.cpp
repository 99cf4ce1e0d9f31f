// Losses: each elementwise or per-row loss is one op with its backward next to its forward
// (logs and exps go through the SIMD kernels, so native and wasm round alike), then the
// per-sample average and the reduction use the ordinary ops. Formulas: losses.h.
#include "playgrad/nn/losses.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "ops/op_util.h"

namespace pg::losses {
using detail::dense;
using kernels::Unary;
namespace k = kernels::simd;

Reduction parse_reduction(const std::string& name) {
  if (name == "mean") return Reduction::Mean;
  if (name == "sum") return Reduction::Sum;
  if (name == "none") return Reduction::None;
  fail("loss: unknown reduction '", name, "' (use 'mean', 'sum' or 'none')");
}

Clip parse_clip(const std::string& name) {
  if (name == "keras") return Clip::Keras;
  if (name == "pytorch") return Clip::PyTorch;
  fail("loss: unknown clip '", name, "' (use 'keras' (p clipped to [1e-7, 1 - 1e-7]) or 'pytorch' (log clamped at -100))");
}

namespace {

void same_shape(const char* op, const Tensor& a, const Tensor& b, const char* an, const char* bn) {
  if (a.shape() != b.shape())
    fail(op, ": ", an, " shape ", shape_str(a.shape()), " and ", bn, " shape ",
         shape_str(b.shape()), " differ");
}

// Per-element losses (shape of pred) -> per-sample [N]: the mean over the non-batch axes.
Tensor per_sample(const Tensor& e) {
  if (e.ndim() == 0) return reshape(e, {1});
  if (e.ndim() == 1) return e;
  const int64_t n = e.dim(0);
  if (n == 0) return reshape(e, {0});
  return mean(reshape(e, {n, -1}), 1);
}

// Per-row losses [R] of a [..., C] prediction -> per-sample [N].
Tensor rows_per_sample(const Tensor& rows, const Shape& pred_shape) {
  if (pred_shape.size() <= 1) return rows;  // one sample
  const int64_t n = pred_shape[0];
  if (n == 0 || pred_shape.size() == 2) return rows;
  return mean(reshape(rows, {n, -1}), 1);
}

Tensor reduce(const char* op, const Tensor& per, Reduction r) {
  switch (r) {
    case Reduction::None: return per;
    case Reduction::Sum: return sum(per);
    case Reduction::Mean:
      if (per.numel() == 0) fail(op, ": empty batch");
      return mean(per);
  }
  return per;
}

float clip_p(float p) { return std::min(std::max(p, kEpsilon), 1.f - kEpsilon); }
bool inside(float p) { return p >= kEpsilon && p <= 1.f - kEpsilon; }

// -(y log p̂ + (1 - y) log(1 - p̂)), elementwise.
// PyTorch's BCELoss: -(y max(log p, -100) + (1 - y) max(log(1 - p), -100)), elementwise, and its
// backward (p - y) / max(p (1 - p), 1e-12) (aten binary_cross_entropy, EPSILON = 1e-12).
Tensor bce_torch_elementwise(const Tensor& p, const Tensor& y) {
  Tensor pc = dense(p), yc = dense(y);
  const size_t n = size_t(p.numel());
  std::vector<float> q(n), lp(n), lq(n);
  for (size_t i = 0; i < n; ++i) {
    const float v = pc.data()[i];
    if (!(v >= 0.f && v <= 1.f))
      fail("binaryCrossEntropy: with PyTorch's rule every probability must be in [0, 1], got ", v,
           " at position ", i);
    q[i] = 1.f - v;
  }
  k::unary(Unary::Log, pc.data(), lp.data(), n, 0.f);
  k::unary(Unary::Log, q.data(), lq.data(), n, 0.f);
  Tensor out = Tensor::empty(p.shape());
  for (size_t i = 0; i < n; ++i) {
    const float t = yc.data()[i];
    const float a = pc.data()[i] > 0.f ? std::max(lp[i], -100.f) : -100.f;
    const float b = q[i] > 0.f ? std::max(lq[i], -100.f) : -100.f;
    out.data()[i] = -(t * a + (1.f - t) * b);
  }
  return record(out, "binary_cross_entropy", {p},
                [pd = pc.detach(), yd = yc.detach()](std::vector<Tensor>& in, const Tensor& g) {
                  Tensor gc = dense(g);
                  Tensor dx = Tensor::empty(pd.shape());
                  for (int64_t i = 0; i < dx.numel(); ++i) {
                    const float pv = pd.data()[i], t = yd.data()[i];
                    dx.data()[i] = gc.data()[i] * (pv - t) / std::max((1.f - pv) * pv, 1e-12f);
                  }
                  accumulate_grad(in[0], std::move(dx));
                });
}

Tensor bce_elementwise(const Tensor& p, const Tensor& y, Clip clip) {
  same_shape("binaryCrossEntropy", p, y, "prediction", "target");
  if (clip == Clip::PyTorch) return bce_torch_elementwise(p, y);
  Tensor pc = dense(p), yc = dense(y);
  const size_t n = size_t(p.numel());
  std::vector<float> ph(n), q(n), lp(n), lq(n);
  for (size_t i = 0; i < n; ++i) {
    ph[i] = clip_p(pc.data()[i]);
    q[i] = 1.f - ph[i];
  }
  k::unary(Unary::Log, ph.data(), lp.data(), n, 0.f);
  k::unary(Unary::Log, q.data(), lq.data(), n, 0.f);
  Tensor out = Tensor::empty(p.shape());
  for (size_t i = 0; i < n; ++i) {
    const float t = yc.data()[i];
    out.data()[i] = -(t * lp[i] + (1.f - t) * lq[i]);
  }
  return record(out, "binary_cross_entropy", {p},
                [pd = pc.detach(), yd = yc.detach()](std::vector<Tensor>& in, const Tensor& g) {
                  Tensor gc = dense(g);
                  Tensor dx = Tensor::empty(pd.shape());
                  for (int64_t i = 0; i < dx.numel(); ++i) {
                    const float pv = pd.data()[i], t = yd.data()[i];
                    // d/dp = -y/p + (1 - y)/(1 - p) inside the clip range, 0 outside
                    dx.data()[i] = inside(pv) ? gc.data()[i] * (-t / pv + (1.f - t) / (1.f - pv)) : 0.f;
                  }
                  accumulate_grad(in[0], std::move(dx));
                });
}

// max(z, 0) - z y + log(1 + e^-|z|), elementwise; d/dz = sigmoid(z) - y.
Tensor bce_logits_elementwise(const Tensor& z, const Tensor& y) {
  same_shape("binaryCrossEntropyWithLogits", z, y, "logits", "target");
  Tensor zc = dense(z), yc = dense(y);
  const size_t n = size_t(z.numel());
  std::vector<float> a(n), e(n), l(n);
  for (size_t i = 0; i < n; ++i) a[i] = -std::fabs(zc.data()[i]);
  k::unary(Unary::Exp, a.data(), e.data(), n, 0.f);
  for (size_t i = 0; i < n; ++i) e[i] += 1.f;
  k::unary(Unary::Log, e.data(), l.data(), n, 0.f);
  Tensor out = Tensor::empty(z.shape());
  for (size_t i = 0; i < n; ++i) {
    const float zv = zc.data()[i];
    out.data()[i] = std::max(zv, 0.f) - zv * yc.data()[i] + l[i];
  }
  Tensor sig = Tensor::empty(z.shape());
  k::unary(Unary::Sigmoid, zc.data(), sig.data(), n, 0.f);
  return record(out, "binary_cross_entropy_with_logits", {z},
                [sig, yd = yc.detach()](std::vector<Tensor>& in, const Tensor& g) {
                  Tensor gc = dense(g);
                  Tensor dx = Tensor::empty(sig.shape());
                  for (int64_t i = 0; i < dx.numel(); ++i)
                    dx.data()[i] = gc.data()[i] * (sig.data()[i] - yd.data()[i]);
                  accumulate_grad(in[0], std::move(dx));
                });
}

int64_t class_count(const char* op, const Tensor& p) {
  if (p.ndim() < 1 || p.dim(-1) == 0)
    fail(op, ": prediction of shape ", shape_str(p.shape()), " needs a non-empty class axis (the last)");
  return p.dim(-1);
}

// Per row of [R, C]: -Σ y log p̂ (probabilities) or -Σ y log_softmax(z) (logits).
Tensor categorical_rows(const char* op, const Tensor& p, const Tensor& y, bool from_logits,
                        Clip clip = Clip::Keras) {
  same_shape(op, p, y, "prediction", "target");
  const int64_t C = class_count(op, p);
  const int64_t R = p.numel() / C;
  Tensor pc = dense(p), yc = dense(y);
  Tensor out = Tensor::empty({R});
  const float* pp = pc.data();
  const float* py = yc.data();
  if (!from_logits && clip == Clip::PyTorch) {
    // NLLLoss(log p): no clip, +Infinity when a true class (y_c > 0) has p_c = 0.
    std::vector<float> lp(static_cast<size_t>(C));
    for (int64_t r = 0; r < R; ++r) {
      k::unary(Unary::Log, pp + r * C, lp.data(), size_t(C), 0.f);
      float s = 0.f;
      for (int64_t c = 0; c < C; ++c)
        if (py[r * C + c] != 0.f) s += py[r * C + c] * lp[size_t(c)];
      out.data()[r] = -s;
    }
    return record(out, "categorical_cross_entropy", {p},
                  [pd = pc.detach(), yd = yc.detach(), C](std::vector<Tensor>& in, const Tensor& g) {
                    Tensor gc = dense(g);
                    Tensor dx = Tensor::empty(pd.shape());
                    for (int64_t i = 0; i < dx.numel(); ++i) {
                      const float t = yd.data()[i];
                      dx.data()[i] = t != 0.f ? -gc.data()[i / C] * t / pd.data()[i] : 0.f;
                    }
                    accumulate_grad(in[0], std::move(dx));
                  });
  }
  if (!from_logits) {
    std::vector<float> ph(static_cast<size_t>(C)), lp(static_cast<size_t>(C));
    for (int64_t r = 0; r < R; ++r) {
      for (int64_t c = 0; c < C; ++c) ph[size_t(c)] = clip_p(pp[r * C + c]);
      k::unary(Unary::Log, ph.data(), lp.data(), size_t(C), 0.f);
      float s = 0.f;
      for (int64_t c = 0; c < C; ++c) s += py[r * C + c] * lp[size_t(c)];
      out.data()[r] = -s;
    }
    return record(out, "categorical_cross_entropy", {p},
                  [pd = pc.detach(), yd = yc.detach(), C](std::vector<Tensor>& in, const Tensor& g) {
                    Tensor gc = dense(g);
                    Tensor dx = Tensor::empty(pd.shape());
                    for (int64_t i = 0; i < dx.numel(); ++i) {
                      const float pv = pd.data()[i];
                      // d/dp_c = -y_c / p_c inside the clip range, 0 outside
                      dx.data()[i] = inside(pv) ? -gc.data()[i / C] * yd.data()[i] / pv : 0.f;
                    }
                    accumulate_grad(in[0], std::move(dx));
                  });
  }
  Tensor sm = Tensor::empty(p.shape());
  std::vector<float> ls(static_cast<size_t>(C));
  auto ysum = std::make_shared<std::vector<float>>(size_t(R));
  for (int64_t r = 0; r < R; ++r) {
    k::log_softmax(pp + r * C, ls.data(), size_t(C));
    k::softmax(pp + r * C, sm.data() + r * C, size_t(C));
    float s = 0.f, ys = 0.f;
    for (int64_t c = 0; c < C; ++c) {
      s += py[r * C + c] * ls[size_t(c)];
      ys += py[r * C + c];
    }
    out.data()[r] = -s;
    (*ysum)[size_t(r)] = ys;
  }
  return record(out, "categorical_cross_entropy_logits", {p},
                [sm, ysum, yd = yc.detach(), C](std::vector<Tensor>& in, const Tensor& g) {
                  Tensor gc = dense(g);
                  Tensor dx = Tensor::empty(sm.shape());
                  // d/dz = softmax(z)·Σy - y  (= p - y for a one-hot y)
                  for (int64_t i = 0; i < dx.numel(); ++i)
                    dx.data()[i] = gc.data()[i / C] *
                                   (sm.data()[i] * (*ysum)[size_t(i / C)] - yd.data()[i]);
                  accumulate_grad(in[0], std::move(dx));
                });
}

Tensor one_hot(const std::vector<int64_t>& labels, const Shape& shape, int64_t C) {
  Tensor y = Tensor::zeros(shape);
  for (size_t r = 0; r < labels.size(); ++r) y.data()[int64_t(r) * C + labels[r]] = 1.f;
  return y;
}

void check_labels(const char* op, const std::vector<int64_t>& labels, int64_t rows, int64_t C) {
  if (int64_t(labels.size()) != rows)
    fail(op, ": ", labels.size(), " labels for ", rows, " predictions (one label per row)");
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < 0 || labels[i] >= C)
      fail(op, ": label ", labels[i], " at position ", i, " is out of range for ", C,
           " classes (labels are 0..", C - 1, ")");
}

}  // namespace

Tensor mse(const Tensor& pred, const Tensor& target, Reduction r) {
  same_shape("mse", pred, target, "prediction", "target");
  Tensor d = sub(pred, target);
  return reduce("mse", per_sample(mul(d, d)), r);
}

Tensor binary_cross_entropy(const Tensor& prob, const Tensor& target, bool from_logits, Reduction r,
                            Clip clip) {
  if (from_logits) return binary_cross_entropy_with_logits(prob, target, r);
  return reduce("binaryCrossEntropy", per_sample(bce_elementwise(prob, target, clip)), r);
}

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target, Reduction r) {
  return reduce("binaryCrossEntropyWithLogits", per_sample(bce_logits_elementwise(logits, target)), r);
}

Tensor categorical_cross_entropy(const Tensor& prob, const Tensor& one_hot, bool from_logits, Reduction r,
                                 Clip clip) {
  const char* op = "categoricalCrossEntropy";
  return reduce(op, rows_per_sample(categorical_rows(op, prob, one_hot, from_logits, clip), prob.shape()), r);
}

Tensor sparse_categorical_cross_entropy(const Tensor& prob, const std::vector<int64_t>& labels,
                                        bool from_logits, Reduction r, Clip clip) {
  const char* op = "sparseCategoricalCrossEntropy";
  const int64_t C = class_count(op, prob);
  check_labels(op, labels, prob.numel() / C, C);
  Tensor y = one_hot(labels, prob.shape(), C);
  return reduce(op, rows_per_sample(categorical_rows(op, prob, y, from_logits, clip), prob.shape()), r);
}

std::vector<int64_t> labels_from_tensor(const char* op, const Tensor& labels, int64_t rows, int64_t C) {
  const std::vector<float> v = labels.to_vector();
  std::vector<int64_t> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (!(std::floor(v[i]) == v[i]))
      fail(op, ": label ", v[i], " at position ", i, " is not an integer");
    // (clamped before the conversion: a huge float is out of range either way)
    out[i] = std::fabs(v[i]) < 1e15f ? int64_t(v[i]) : (v[i] < 0 ? -1 : int64_t(1) << 50);
  }
  check_labels(op, out, rows, C);
  return out;
}

Tensor sparse_categorical_cross_entropy(const Tensor& prob, const Tensor& labels, bool from_logits,
                                        Reduction r) {
  const char* op = "sparseCategoricalCrossEntropy";
  const int64_t C = class_count(op, prob);
  return sparse_categorical_cross_entropy(prob, labels_from_tensor(op, labels, prob.numel() / C, C),
                                          from_logits, r);
}

Tensor contrastive(const Tensor& distance, const Tensor& same, float margin, Reduction r) {
  if (!std::isfinite(margin) || margin <= 0) fail("contrastive: margin must be > 0, got ", margin);
  same_shape("contrastive", distance, same, "distance", "label");
  // y d² + (1 - y) max(0, m - d)²
  Tensor hinge = relu(rsub(margin, distance));
  Tensor e = add(mul(same, mul(distance, distance)), mul(rsub(1.f, same), mul(hinge, hinge)));
  return reduce("contrastive", per_sample(e), r);
}

// ---- by name ----------------------------------------------------------------------------------

static std::string squash(const std::string& s) {
  std::string o;
  for (char c : s)
    if (c != '_' && c != '-') o += char(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

LossSpec parse_loss(const std::string& name, bool from_logits) {
  const std::string s = squash(name);
  LossSpec spec;
  spec.from_logits = from_logits;
  if (s == "mse" || s == "meansquarederror") spec.kind = "mse";
  else if (s == "binarycrossentropy") spec.kind = "binaryCrossEntropy";
  else if (s == "binarycrossentropywithlogits") {
    spec.kind = "binaryCrossEntropy";
    spec.from_logits = true;
  } else if (s == "categoricalcrossentropy") spec.kind = "categoricalCrossEntropy";
  else if (s == "sparsecategoricalcrossentropy") spec.kind = "sparseCategoricalCrossEntropy";
  else
    fail("loss: unknown loss '", name, "' (known: mse, binaryCrossEntropy, "
         "binaryCrossEntropyWithLogits, categoricalCrossEntropy, sparseCategoricalCrossEntropy)");
  return spec;
}

Tensor compute(const LossSpec& spec, const Tensor& pred, const Tensor& target, Reduction r) {
  if (spec.kind == "mse") return mse(pred, target, r);
  if (spec.kind == "binaryCrossEntropy") return binary_cross_entropy(pred, target, spec.from_logits, r, spec.clip);
  if (spec.kind == "categoricalCrossEntropy")
    return categorical_cross_entropy(pred, target, spec.from_logits, r, spec.clip);
  if (spec.kind == "sparseCategoricalCrossEntropy") {
    const char* op = "sparseCategoricalCrossEntropy";
    const int64_t C = class_count(op, pred);
    return sparse_categorical_cross_entropy(pred, labels_from_tensor(op, target, pred.numel() / C, C),
                                            spec.from_logits, r, spec.clip);
  }
  fail("loss: unknown loss '", spec.kind, "'");
}

void check_target(const LossSpec& spec, const Shape& pred_shape, const Tensor& target) {
  const char* op = spec.kind.c_str();
  if (spec.kind == "sparseCategoricalCrossEntropy") {
    if (pred_shape.empty() || pred_shape.back() == 0)
      fail(op, ": prediction of shape ", shape_str(pred_shape), " has no class axis");
    const int64_t C = pred_shape.back();
    labels_from_tensor(op, target, shape_numel(pred_shape) / C, C);
    return;
  }
  if (target.shape() != pred_shape)
    fail(op, ": target shape ", shape_str(target.shape()), " does not match the output shape ",
         shape_str(pred_shape));
}

}  // namespace pg::losses
