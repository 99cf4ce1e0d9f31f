// matmul, transpose, reshape, sum_to.
#include <numeric>

#include "ops/op_util.h"

namespace pg {
using detail::dense;
using detail::workspace;
namespace k = kernels::simd;

namespace {
// dB = A^T g for a [M, K] and g [M, N] (2-d). The product's 4 x 8 tiles (kernels_simd.cpp) waste
// most of a panel when g has few columns (a dense layer's 1 output, or its 10 classes: 8 columns
// and 4 of which 2 are padding), so (g^T A)^T, whose 8-wide panels run along K, is chosen when its
// padded work plus its two small transposes is less than A^T g's plus the transpose of A. Both
// sum A[m,k] g[m,n] over m = 0, 1, ... from 0 (a x b = b x a exactly): the same bits either way.
Tensor weight_grad(const Tensor& a, const Tensor& g) {
  const int64_t M = a.dim(0), K = a.dim(1), N = g.dim(1);
  const auto up = [](int64_t v, int64_t to) { return double((v + to - 1) / to * to); };
  // the columns a product of n columns runs: panels of 8, a last one of at most 4 runs 4
  const auto cols = [&](int64_t n) { return n % 8 != 0 && n % 8 <= 4 ? double(n / 8 * 8 + 4) : up(n, 8); };
  const double direct = up(K, 4) * cols(N) * double(M + 4) + double(M * K);
  const double swapped = up(N, 4) * cols(K) * double(M + 4) + double(M * N + K * N);
  if (!(swapped < direct)) return matmul(transpose(a), g);
  Tensor prod = matmul(transpose(g), a);  // [N, K]
  Tensor out = Tensor::empty({K, N});
  kernels::transpose2d(prod.data(), out.data(), size_t(N), size_t(K));
  return out;
}
}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  const Shape& as = a.shape();
  const Shape& bs = b.shape();
  auto bad = [&](const char* why) {
    fail("matmul: shapes ", shape_str(as), " and ", shape_str(bs), " ", why);
  };
  if (as.size() < 2 || as.size() > 3 || bs.size() < 2 || bs.size() > 3)
    bad("must be 2-d [M,K] x [K,N] or batched 3-d [B,M,K] x [B,K,N]");
  const int64_t M = as[as.size() - 2], K = as[as.size() - 1];
  const int64_t K2 = bs[bs.size() - 2], N = bs[bs.size() - 1];
  if (K != K2) bad("do not align");
  const int64_t Ba = as.size() == 3 ? as[0] : 1, Bb = bs.size() == 3 ? bs[0] : 1;
  if (as.size() == 3 && bs.size() == 3 && Ba != Bb) bad("have different batch sizes");
  // An empty batch on either side gives an empty batch (not max(0, 1) = 1, which read past B).
  const int64_t batch = (Ba == 0 || Bb == 0) ? 0 : std::max(Ba, Bb);
  Shape os = (as.size() == 3 || bs.size() == 3) ? Shape{batch, M, N} : Shape{M, N};
  Tensor out = Tensor::empty(os);
  Tensor ac = dense(a), bc = dense(b);
  if (bs.size() == 2) {
    // [B*M, K] x [K, N] in one call.
    Tensor work = workspace(kernels::gemm_workspace(size_t(batch * M), size_t(N), size_t(K)));
    k::gemm(size_t(batch * M), size_t(N), size_t(K), ac.data(), bc.data(), out.data(), work.data());
  } else {
    Tensor work = workspace(kernels::gemm_workspace(size_t(M), size_t(N), size_t(K)));
    for (int64_t i = 0; i < batch; ++i)
      k::gemm(size_t(M), size_t(N), size_t(K), ac.data() + (as.size() == 3 ? i * M * K : 0),
              bc.data() + i * K * N, out.data() + i * M * N, work.data());
  }
  return record(out, "matmul", {a, b}, [](std::vector<Tensor>& in, const Tensor& g) {
    // dA = g @ B^T, dB = A^T @ g (summed over a broadcast batch).
    if (in[0].requires_grad())
      accumulate_grad(in[0], sum_to(matmul(g, transpose(in[1])), in[0].shape()));
    if (in[1].requires_grad())
      accumulate_grad(in[1], in[0].ndim() == 2 && g.ndim() == 2
                                 ? weight_grad(in[0], g)
                                 : sum_to(matmul(transpose(in[0]), g), in[1].shape()));
  });
}

Tensor transpose(const Tensor& x, int axis0, int axis1) {
  if (x.ndim() < 2) return x;
  const int a0 = normalize_axis("transpose", axis0, x.ndim());
  const int a1 = normalize_axis("transpose", axis1, x.ndim());
  Tensor v = x.detach();
  std::swap(v.impl()->shape[size_t(a0)], v.impl()->shape[size_t(a1)]);
  std::swap(v.impl()->strides[size_t(a0)], v.impl()->strides[size_t(a1)]);
  return record(v, "transpose", {x}, [a0, a1](std::vector<Tensor>& in, const Tensor& g) {
    accumulate_grad(in[0], transpose(g, a0, a1));
  });
}

Tensor reshape(const Tensor& x, const Shape& shape) {
  Shape s = shape;
  int infer = -1;
  int64_t known = 1;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == -1) {
      if (infer >= 0) fail("reshape: shape ", shape_str(shape), " has more than one -1");
      infer = int(i);
    } else if (s[i] < 0) {
      fail("reshape: shape ", shape_str(shape), " has a negative dimension");
    } else {
      known *= s[i];
    }
  }
  if (infer >= 0) {
    if (known == 0 || x.numel() % known != 0)
      fail("reshape: cannot reshape ", shape_str(x.shape()), " (", x.numel(), " elements) into ",
           shape_str(shape));
    s[size_t(infer)] = x.numel() / known;
  }
  check_shape("reshape", s);
  if (shape_numel(s) != x.numel())
    fail("reshape: cannot reshape ", shape_str(x.shape()), " (", x.numel(), " elements) into ",
         shape_str(shape), " (", shape_numel(s), " elements)");
  if (s == x.shape()) return x;
  Tensor v = dense(x).detach();
  v.impl()->shape = s;
  v.impl()->strides = contiguous_strides(s);
  return record(v, "reshape", {x}, [](std::vector<Tensor>& in, Tensor g) {
    Tensor view = reshape(g, in[0].shape());
    g = Tensor();  // the view is then the only handle to the gradient's storage: taken, not copied
    accumulate_grad(in[0], std::move(view));
  });
}

Tensor sum_to(Tensor g, const Shape& shape) {
  if (g.shape() == shape) return g;
  const Shape& gs = g.shape();
  if (broadcast_shapes("sum_to", gs, shape) != gs)
    fail("sum_to: shape ", shape_str(gs), " cannot be summed to ", shape_str(shape));
  Tensor r = g;
  const size_t lead = gs.size() - shape.size();
  if (lead) {
    const int64_t outer = std::accumulate(gs.begin(), gs.begin() + long(lead), int64_t(1),
                                          std::multiplies<int64_t>());
    Shape flat{outer};
    flat.insert(flat.end(), gs.begin() + long(lead), gs.end());
    r = sum(reshape(r, flat), 0, false);
  }
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] == 1 && r.shape()[i] != 1) r = sum(r, int(i), true);
  return r;
}

}  // namespace pg
