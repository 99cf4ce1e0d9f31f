// Elementwise ops with NumPy broadcasting, and their backward passes.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "ops/op_util.h"
#include "playgrad/parallel.h"

namespace pg {
using detail::dense;
using kernels::Binary;
using kernels::Unary;
namespace k = kernels::simd;

Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b) {
  const size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    const int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1)
      fail(op, ": shapes ", shape_str(a), " and ", shape_str(b), " cannot broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int normalize_axis(const char* op, int axis, int ndim) {
  if (axis < -ndim || axis >= ndim || ndim == 0)
    fail(op, ": axis ", axis, " is out of range for a tensor with ", ndim, " dimension",
         ndim == 1 ? "" : "s");
  return axis < 0 ? axis + ndim : axis;
}

// out = a (op) b where one of a, b has out's shape and the other is a row vector (its numel is
// out's last dimension, every other dimension 1), out's rows shorter than kTile. False (nothing
// done) otherwise.
static bool broadcast_row_vector(Binary op, const Tensor& a, const Tensor& b, Tensor& out) {
  constexpr int64_t kTile = 256;
  const Shape& os = out.shape();
  const int64_t len = os.back(), n = out.numel();
  const bool a_full = a.shape() == os, b_full = b.shape() == os;
  const Tensor& vec = a_full ? b : a;
  if (a_full == b_full || len >= kTile || vec.numel() != len || vec.shape().empty() ||
      vec.shape().back() != len)
    return false;
  const int64_t rows = n / len;
  // Rows per call: about kTile floats, a whole number of 16-float cache lines.
  const int64_t line = 16 / int64_t(std::gcd(size_t(len), size_t(16)));
  const int64_t per = std::max<int64_t>(1, kTile / len / line) * line;
  std::vector<float> tile(size_t(per * len));
  for (int64_t r = 0; r < per; ++r) std::copy_n(vec.data(), len, tile.data() + r * len);
  const float* full = a_full ? a.data() : b.data();
  float* po = out.data();
  const size_t groups = size_t((rows + per - 1) / per);
  auto do_groups = [&](size_t g0, size_t g1) {
    for (size_t g = g0; g < g1; ++g) {
      const int64_t r0 = int64_t(g) * per;
      const size_t m = size_t(std::min(per, rows - r0) * len);
      if (a_full) k::binary(op, full + r0 * len, 1, tile.data(), 1, po + r0 * len, m);
      else k::binary(op, tile.data(), 1, full + r0 * len, 1, po + r0 * len, m);
    }
  };
  // An element counts as 4 multiply-adds (parallel.h).
  parallel::for_range(groups, 4.0 * double(n), 1, do_groups);
  return true;
}

// out = a (op) b, with a and b broadcast to out_shape (which both must broadcast to).
static void broadcast_binary(Binary op, const Tensor& a, const Tensor& b, Tensor& out) {
  const Shape& os = out.shape();
  const int64_t n = out.numel();
  if (n == 0) return;
  const float* pa = a.data();
  const float* pb = b.data();
  float* po = out.data();
  if (a.shape() == os && b.shape() == os) return k::binary(op, pa, 1, pb, 1, po, size_t(n));
  if (a.shape() == os && b.numel() == 1) return k::binary(op, pa, 1, pb, 0, po, size_t(n));
  if (a.numel() == 1 && b.shape() == os) return k::binary(op, pa, 0, pb, 1, po, size_t(n));

  // A row vector over the rows of a full operand (a bias [C] added to [N, H, W, C]): the general
  // case below makes one kernel call per row, which for short rows costs more than the row
  // (25,088 calls of 8 floats for the cnn lesson's first bias). The vector is tiled to about
  // kTile floats so that each call covers many rows. The same per-element operation on the same
  // values gives the same bits; the groups of rows are fixed whatever the thread count.
  if (broadcast_row_vector(op, a, b, out)) return;

  // General case: rows along the last dimension; strides of a and b over out's dims (0 where
  // a dimension is broadcast).
  const int nd = int(os.size());
  auto strides_in = [&](const Shape& s) {
    Shape st(size_t(nd), 0);
    const Shape cs = contiguous_strides(s);
    const int off = nd - int(s.size());
    for (int i = 0; i < int(s.size()); ++i)
      st[size_t(i + off)] = s[size_t(i)] == 1 ? 0 : cs[size_t(i)];
    return st;
  };
  const Shape sa = strides_in(a.shape()), sb = strides_in(b.shape());
  const int64_t len = os[size_t(nd - 1)];
  const int64_t rows = n / len;
  // Rows [r0, r1): their index and offsets are unravelled from r0, so a part of the rows can run
  // on any thread (each row is the same kernel call as in one pass).
  auto do_rows = [&](size_t r0, size_t r1) {
    std::vector<int64_t> index(static_cast<size_t>(nd), 0);
    int64_t* idx = index.data();
    int64_t oa = 0, ob = 0;
    for (int64_t r = int64_t(r0), d = nd - 2; d >= 0; --d) {
      const size_t du = size_t(d);
      idx[du] = r % os[du];
      r /= os[du];
      oa += idx[du] * sa[du];
      ob += idx[du] * sb[du];
    }
    for (int64_t r = int64_t(r0); r < int64_t(r1); ++r) {
      k::binary(op, pa + oa, size_t(sa[size_t(nd - 1)]), pb + ob, size_t(sb[size_t(nd - 1)]),
                po + r * len, size_t(len));
      for (int d = nd - 2; d >= 0; --d) {
        const size_t du = size_t(d);
        if (++idx[du] < os[du]) { oa += sa[du]; ob += sb[du]; break; }
        oa -= sa[du] * (os[du] - 1);
        ob -= sb[du] * (os[du] - 1);
        idx[du] = 0;
      }
    }
  };
  // An element counts as 4 multiply-adds (parallel.h); parts start on a cache line of out.
  parallel::for_range(size_t(rows), 4.0 * double(n), 16 / std::gcd(size_t(len), size_t(16)),
                      do_rows);
}

static Tensor binary_op(const char* name, Binary op, const Tensor& a, const Tensor& b) {
  const Shape os = broadcast_shapes(name, a.shape(), b.shape());
  Tensor out = Tensor::empty(os);
  broadcast_binary(op, dense(a), dense(b), out);
  return out;
}

Tensor broadcast_to(const Tensor& x, const Shape& shape) {
  check_shape("broadcast_to", shape);
  if (broadcast_shapes("broadcast_to", x.shape(), shape) != shape)
    fail("broadcast_to: shape ", shape_str(x.shape()), " cannot broadcast to ", shape_str(shape));
  if (x.shape() == shape) return x;
  Tensor out = Tensor::empty(shape);
  broadcast_binary(Binary::Add, dense(x), Tensor::zeros({}), out);
  return record(out, "broadcast_to", {x}, [](std::vector<Tensor>& in, const Tensor& g) {
    accumulate_grad(in[0], sum_to(g, in[0].shape()));
  });
}

Tensor add(const Tensor& a, const Tensor& b) {
  // b's part is computed first, so a's may take g itself (a bias added to a layer's output: the
  // layer's gradient is not copied); they are added in input order, as every op does.
  return record(binary_op("add", Binary::Add, a, b), "add", {a, b},
                [](std::vector<Tensor>& in, Tensor g) {
                  Tensor gb = in[1].requires_grad() ? sum_to(g, in[1].shape()) : Tensor();
                  if (in[0].requires_grad())
                    accumulate_grad(in[0], sum_to(std::move(g), in[0].shape()));
                  if (gb.defined()) accumulate_grad(in[1], std::move(gb));
                });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  return record(binary_op("sub", Binary::Sub, a, b), "sub", {a, b},
                [](std::vector<Tensor>& in, Tensor g) {
                  Tensor gb = in[1].requires_grad() ? sum_to(neg(g), in[1].shape()) : Tensor();
                  if (in[0].requires_grad())
                    accumulate_grad(in[0], sum_to(std::move(g), in[0].shape()));
                  if (gb.defined()) accumulate_grad(in[1], std::move(gb));
                });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  return record(binary_op("mul", Binary::Mul, a, b), "mul", {a, b},
                [](std::vector<Tensor>& in, const Tensor& g) {
                  if (in[0].requires_grad())
                    accumulate_grad(in[0], sum_to(mul(g, in[1]), in[0].shape()));
                  if (in[1].requires_grad())
                    accumulate_grad(in[1], sum_to(mul(g, in[0]), in[1].shape()));
                });
}

Tensor div(const Tensor& a, const Tensor& b) {
  // d(a/b)/da = 1/b; d(a/b)/db = -a/b^2
  return record(binary_op("div", Binary::Div, a, b), "div", {a, b},
                [](std::vector<Tensor>& in, const Tensor& g) {
                  if (in[0].requires_grad())
                    accumulate_grad(in[0], sum_to(div(g, in[1]), in[0].shape()));
                  if (in[1].requires_grad())
                    accumulate_grad(in[1], sum_to(neg(div(mul(g, in[0]), mul(in[1], in[1]))),
                                                  in[1].shape()));
                });
}

static void check_finite_param(const char* op, const char* name, float v) {
  if (!std::isfinite(v)) fail(op, ": ", name, " must be finite, got ", v);
}

Tensor add(const Tensor& a, float s) {
  check_finite_param("add", "scalar", s);
  return add(a, Tensor::scalar(s));
}
Tensor mul(const Tensor& a, float s) {
  check_finite_param("mul", "scalar", s);
  return mul(a, Tensor::scalar(s));
}
Tensor rsub(float s, const Tensor& a) {
  check_finite_param("rsub", "scalar", s);
  return sub(Tensor::scalar(s), a);
}

// ---- unary ------------------------------------------------------------------------------------

static Tensor unary_op(const char* name, Unary op, const Tensor& x, float p = 0.f) {
  Tensor xc = dense(x);
  Tensor y = Tensor::empty(x.shape());
  k::unary(op, xc.data(), y.data(), size_t(y.numel()), p);
  return record(y, name, {x},
                [op, p, xd = xc.detach(), yd = y.detach()](std::vector<Tensor>& in, Tensor g) {
                  // A gradient that is the backward's own is overwritten with the input's (a
                  // ReLU's after a convolution: 800 KB in the cnn lesson): one pass, no
                  // allocation.
                  if (sole_handle(g) && g.shape() == xd.shape()) {
                    k::unary_backward(op, xd.data(), yd.data(), g.data(), g.data(),
                                      size_t(g.numel()), p);
                    accumulate_grad(in[0], std::move(g));
                    return;
                  }
                  Tensor gc = dense(g);
                  Tensor dx = Tensor::empty(xd.shape());
                  k::unary_backward(op, xd.data(), yd.data(), gc.data(), dx.data(),
                                    size_t(dx.numel()), p);
                  accumulate_grad(in[0], std::move(dx));
                });
}

Tensor neg(const Tensor& x) { return unary_op("neg", Unary::Neg, x); }
Tensor exp(const Tensor& x) { return unary_op("exp", Unary::Exp, x); }
Tensor log(const Tensor& x) { return unary_op("log", Unary::Log, x); }
Tensor sqrt(const Tensor& x) { return unary_op("sqrt", Unary::Sqrt, x); }
Tensor abs(const Tensor& x) { return unary_op("abs", Unary::Abs, x); }
Tensor sigmoid(const Tensor& x) { return unary_op("sigmoid", Unary::Sigmoid, x); }
Tensor tanh(const Tensor& x) { return unary_op("tanh", Unary::Tanh, x); }
Tensor relu(const Tensor& x) { return unary_op("relu", Unary::Relu, x); }
Tensor sin(const Tensor& x) { return unary_op("sin", Unary::Sin, x); }
Tensor cos(const Tensor& x) { return unary_op("cos", Unary::Cos, x); }
Tensor tan(const Tensor& x) { return unary_op("tan", Unary::Tan, x); }
Tensor leaky_relu(const Tensor& x, float alpha) {
  check_finite_param("leaky_relu", "alpha", alpha);
  return unary_op("leaky_relu", Unary::LeakyRelu, x, alpha);
}
Tensor pow(const Tensor& x, float p) {
  check_finite_param("pow", "exponent", p);
  return unary_op("pow", Unary::Pow, x, p);
}

}  // namespace pg
