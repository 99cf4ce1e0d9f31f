// Training a tiny YOLO detector (yolo_train.h): synthetic scenes, the raw-output activation and
// the four-term YOLO loss with its backward beside its forward. Sigmoid, exp and log go through
// the SIMD kernels, so native and wasm round alike.
#include "playgrad/vision/yolo_train.h"

#include <algorithm>
#include <cmath>

#include "ops/op_util.h"
#include "playgrad/error.h"
#include "playgrad/random.h"
#include "vision/yolo_check.h"

namespace pg::vision {
using kernels::Unary;
namespace k = kernels::simd;

namespace {

// The anchor's size in cell units: pw = w S_w, ph = h S_h (1 cell without anchors).
double anchor_w(const YoloGrid& g, int64_t a) { return g.anchors.empty() ? 1.0 : g.anchors[size_t(2 * a)] * double(g.grid_w); }
double anchor_h(const YoloGrid& g, int64_t a) { return g.anchors.empty() ? 1.0 : g.anchors[size_t(2 * a + 1)] * double(g.grid_h); }

std::vector<float> unary(Unary op, const std::vector<float>& x) {
  std::vector<float> y(x.size());
  if (!x.empty()) k::unary(op, x.data(), y.data(), x.size(), 0.f);
  return y;
}

// Softmax over each group of K logits starting at z[off + r * D + 5] for r < rows: the
// probabilities and, for the loss, log softmax. Logits shifted by their maximum (exp <= 1).
struct Softmax {
  std::vector<float> p, logp;  // [rows, K]
};
Softmax softmax_rows(const std::vector<float>& raw, int64_t rows, int64_t D, int64_t K) {
  std::vector<float> shifted(static_cast<size_t>(rows * K));
  for (int64_t r = 0; r < rows; ++r) {
    const float* z = &raw[size_t(r * D + 5)];
    float m = z[0];
    for (int64_t c = 1; c < K; ++c) m = std::max(m, z[c]);
    for (int64_t c = 0; c < K; ++c) shifted[size_t(r * K + c)] = z[c] - m;
  }
  Softmax s;
  const std::vector<float> e = unary(Unary::Exp, shifted);
  std::vector<float> sums(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    float t = 0;
    for (int64_t c = 0; c < K; ++c) t += e[size_t(r * K + c)];
    sums[size_t(r)] = t;
  }
  const std::vector<float> ls = unary(Unary::Log, sums);
  s.p.resize(size_t(rows * K));
  s.logp.resize(size_t(rows * K));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < K; ++c) {
      const size_t i = size_t(r * K + c);
      s.p[i] = e[i] / sums[size_t(r)];
      s.logp[i] = shifted[i] - ls[size_t(r)];
    }
  return s;
}

}  // namespace

// ---- synthetic scenes ---------------------------------------------------------------------------

SyntheticScenes synthetic_scenes(int64_t n, int64_t size, int64_t num_classes, int64_t max_objects,
                                 uint64_t seed) {
  const char* op = "syntheticScenes";
  if (n < 1 || n > 100000) fail(op, ": count must be in [1, 100000], got ", n);
  if (size < 8 || size > 256) fail(op, ": size must be in [8, 256] pixels, got ", size);
  if (num_classes < 1 || num_classes > 4)
    fail(op, ": numClasses must be in [1, 4] (rectangle, ellipse, triangle, cross), got ", num_classes);
  if (max_objects < 1 || max_objects > 8) fail(op, ": maxObjects must be in [1, 8], got ", max_objects);
  Rng rng(seed, 1601);
  SyntheticScenes s;
  const int64_t px = size * size;
  s.images.resize(size_t(n * px));
  s.counts.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) {
    float* img = &s.images[size_t(i * px)];
    for (int64_t p = 0; p < px; ++p) img[p] = 0.1f * rng.uniform();
    const int64_t objects = 1 + int64_t(rng.below(uint32_t(max_objects)));
    const size_t first = s.classes.size();
    for (int64_t o = 0; o < objects; ++o) {
      const int64_t cls = int64_t(rng.below(uint32_t(num_classes)));
      float b[4] = {0, 0, 0, 0};
      for (int attempt = 0; attempt < 20; ++attempt) {
        const float w = rng.uniform(0.15f, 0.5f), h = rng.uniform(0.15f, 0.5f);
        const float x1 = rng.uniform(0.f, 1.f - w), y1 = rng.uniform(0.f, 1.f - h);
        b[0] = x1; b[1] = y1; b[2] = std::min(1.f, x1 + w); b[3] = std::min(1.f, y1 + h);
        bool apart = true;
        for (size_t j = first; j < s.classes.size() && apart; ++j)
          apart = iou_unchecked(b, &s.boxes[j * 4]) <= 0.2;
        if (apart) break;
      }
      s.boxes.insert(s.boxes.end(), b, b + 4);
      s.classes.push_back(cls);
      const double cx = (b[0] + b[2]) / 2.0, cy = (b[1] + b[3]) / 2.0;
      const double hw = (b[2] - b[0]) / 2.0, hh = (b[3] - b[1]) / 2.0;
      for (int64_t r = 0; r < size; ++r)
        for (int64_t c = 0; c < size; ++c) {
          // the pixel centre in normalised coordinates
          const double u = (double(c) + 0.5) / double(size), v = (double(r) + 0.5) / double(size);
          if (u < b[0] || u > b[2] || v < b[1] || v > b[3]) continue;
          const double du = (u - cx) / hw, dv = (v - cy) / hh;  // in [-1, 1] inside the box
          bool in = false;
          switch (cls) {
            case 0: in = true; break;                                      // rectangle
            case 1: in = du * du + dv * dv <= 1.0; break;                  // ellipse
            case 2: in = std::abs(du) <= (dv + 1.0) / 2.0; break;          // triangle, apex up
            default: in = std::abs(du) <= 1.0 / 3 || std::abs(dv) <= 1.0 / 3; break;  // cross
          }
          if (in) img[r * size + c] = 1.f;
        }
    }
    s.counts[size_t(i)] = objects;
  }
  return s;
}

// ---- activation ---------------------------------------------------------------------------------

std::vector<float> yolo_activate(const YoloGrid& g, const std::vector<float>& raw) {
  check_yolo_grid("yoloActivate", g);
  const int64_t A = g.num_anchors(), D = g.depth(), K = g.num_classes;
  const int64_t per = g.grid_h * g.grid_w * A * D;
  if (raw.empty() || int64_t(raw.size()) % per != 0)
    fail("yoloActivate: the raw output has ", raw.size(), " numbers, not a multiple of ", g.grid_h,
         " x ", g.grid_w, " x ", A, " x ", D, " = ", per, " ([gridH, gridW, anchors, 5 + classes] per image)");
  for (size_t i = 0; i < raw.size(); ++i)
    if (!std::isfinite(raw[i])) fail("yoloActivate: raw output element ", i, " is ", raw[i]);
  const int64_t rows = int64_t(raw.size()) / D;
  const std::vector<float> sig = unary(Unary::Sigmoid, raw);
  const std::vector<float> ex = unary(Unary::Exp, raw);
  const Softmax sm = softmax_rows(raw, rows, D, K);
  std::vector<float> out(raw.size());
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t a = r % A;
    const size_t o = size_t(r * D);
    out[o + 0] = sig[o + 0];                               // pc = σ(to)
    out[o + 1] = sig[o + 1];                               // bx = σ(tx)
    out[o + 2] = sig[o + 2];                               // by = σ(ty)
    out[o + 3] = float(anchor_h(g, a) * double(ex[o + 3]));  // bh = ph e^th
    out[o + 4] = float(anchor_w(g, a) * double(ex[o + 4]));  // bw = pw e^tw
    for (int64_t c = 0; c < K; ++c) out[o + 5 + size_t(c)] = sm.p[size_t(r * K + c)];
  }
  return out;
}

// ---- the loss -----------------------------------------------------------------------------------

// pred is [N, S_h, S_w, A D], target N S_h S_w A D numbers; out [4] = coordinates, objectness,
// no-object, classes (each / N).
Tensor yolo_loss(const Tensor& pred, const Tensor& target, const YoloGrid& g,
                 const YoloLossOptions& o) {
  const char* op = "yoloLoss";
  check_yolo_grid(op, g);
  const int64_t A = g.num_anchors(), D = g.depth(), K = g.num_classes;
  if (pred.ndim() != 4 || pred.dim(1) != g.grid_h || pred.dim(2) != g.grid_w || pred.dim(3) != A * D)
    fail(op, ": prediction shape ", shape_str(pred.shape()), " does not match the grid: expected [N, ",
         g.grid_h, ", ", g.grid_w, ", ", A * D, "] (", A, " anchors x (5 + ", K, " classes))");
  const int64_t N = pred.dim(0);
  if (N < 1) fail(op, ": empty batch");
  if (target.numel() != pred.numel())
    fail(op, ": target shape ", shape_str(target.shape()), " holds ", target.numel(),
         " numbers, the prediction ", shape_str(pred.shape()), " holds ", pred.numel());
  if (!(o.lambda_coord >= 0) || !std::isfinite(o.lambda_coord) || !(o.lambda_noobj >= 0) ||
      !std::isfinite(o.lambda_noobj))
    fail(op, ": lambdaCoord and lambdaNoobj must be finite and >= 0, got ", o.lambda_coord, ", ",
         o.lambda_noobj);
  const Tensor pc = detail::dense(pred), tc = detail::dense(target);
  const std::vector<float> raw(pc.data(), pc.data() + pc.numel());
  const float* t = tc.data();
  const int64_t rows = pc.numel() / D;
  // The targets of the size terms, ln(bh / ph) and ln(bw / pw), where an object is.
  std::vector<float> ratio(size_t(rows * 2), 1.f);
  for (int64_t r = 0; r < rows; ++r) {
    const float* y = t + r * D;
    if (y[0] != 0.f && y[0] != 1.f) fail(op, ": target pc must be 0 or 1, got ", y[0], " at cell/anchor ", r);
    if (y[0] == 1.f) {
      if (!(y[3] > 0) || !(y[4] > 0) || !std::isfinite(y[3]) || !std::isfinite(y[4]))
        fail(op, ": target bh and bw must be finite and > 0 where pc = 1, got ", y[3], ", ", y[4],
             " at cell/anchor ", r);
      const int64_t a = r % A;
      ratio[size_t(2 * r)] = float(double(y[3]) / anchor_h(g, a));
      ratio[size_t(2 * r + 1)] = float(double(y[4]) / anchor_w(g, a));
    }
  }
  for (int64_t i = 0; i < pc.numel(); ++i)
    if (!std::isfinite(raw[size_t(i)])) fail(op, ": prediction element ", i, " is ", raw[size_t(i)]);
  const std::vector<float> logratio = unary(Unary::Log, ratio);
  const std::vector<float> sig = unary(Unary::Sigmoid, raw);
  const Softmax sm = softmax_rows(raw, rows, D, K);
  const double lc = o.lambda_coord, ln = o.lambda_noobj;
  double coord = 0, obj = 0, noobj = 0, cls = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const float* y = t + r * D;
    const size_t b = size_t(r * D);
    const double p = sig[b];
    if (y[0] == 1.f) {
      const double dx = sig[b + 1] - double(y[1]), dy = sig[b + 2] - double(y[2]);
      const double dh = double(raw[b + 3]) - double(logratio[size_t(2 * r)]);
      const double dw = double(raw[b + 4]) - double(logratio[size_t(2 * r + 1)]);
      coord += lc * (dx * dx + dy * dy + dh * dh + dw * dw);
      obj += (p - 1) * (p - 1);
      for (int64_t c = 0; c < K; ++c) cls -= double(y[5 + c]) * double(sm.logp[size_t(r * K + c)]);
    } else {
      noobj += ln * p * p;
    }
  }
  const double inv = 1.0 / double(N);
  Tensor out = Tensor::from_vector({float(coord * inv), float(obj * inv), float(noobj * inv), float(cls * inv)}, {4});
  return record(out, "yolo_loss", {pred},
                [sig, raw, logratio, p = sm.p, tc = tc.detach(), shape = pred.shape(), D, K, rows, lc,
                 ln, inv](std::vector<Tensor>& in, const Tensor& grad) {
                  const Tensor gc = detail::dense(grad);
                  const double g0 = gc.data()[0] * inv, g1 = gc.data()[1] * inv,
                               g2 = gc.data()[2] * inv, g3 = gc.data()[3] * inv;
                  const float* t = tc.data();
                  Tensor dx = Tensor::zeros(shape);
                  float* d = dx.data();
                  for (int64_t r = 0; r < rows; ++r) {
                    const float* y = t + r * D;
                    const size_t b = size_t(r * D);
                    const double s0 = sig[b], ds0 = s0 * (1 - s0);
                    if (y[0] == 1.f) {
                      // d/dt of λ (σ(t) − b)² = 2 λ (σ(t) − b) σ(t)(1 − σ(t)); of λ (t − ln r)² = 2 λ (t − ln r)
                      for (size_t j = 1; j <= 2; ++j) {
                        const double s = sig[b + j];
                        d[b + j] = float(g0 * lc * 2 * (s - double(y[j])) * s * (1 - s));
                      }
                      d[b + 3] = float(g0 * lc * 2 * (double(raw[b + 3]) - double(logratio[size_t(2 * r)])));
                      d[b + 4] = float(g0 * lc * 2 * (double(raw[b + 4]) - double(logratio[size_t(2 * r + 1)])));
                      d[b] = float(g1 * 2 * (s0 - 1) * ds0);  // (σ − 1)²
                      // cross-entropy on softmax: p_k − c_k
                      for (int64_t c = 0; c < K; ++c)
                        d[b + 5 + size_t(c)] = float(g3 * (double(p[size_t(r * K + c)]) - double(y[5 + c])));
                    } else {
                      d[b] = float(g2 * ln * 2 * s0 * ds0);  // λ σ²
                    }
                  }
                  accumulate_grad(in[0], std::move(dx));
                });
}

}  // namespace pg::vision
