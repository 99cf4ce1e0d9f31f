// concat along an axis, with backward (each input receives its slice of the gradient).
#include "ops/op_util.h"

#include <cstring>

namespace pg {
using detail::dense;
using detail::split_at;

Tensor concat(const std::vector<Tensor>& xs, int axis) {
  if (xs.empty()) fail("concat: needs at least one tensor");
  const Shape& s0 = xs[0].shape();
  const int ax = normalize_axis("concat", axis, int(s0.size()));
  Shape os = s0;
  os[size_t(ax)] = 0;
  for (const Tensor& x : xs) {
    const Shape& s = x.shape();
    bool ok = s.size() == s0.size();
    for (size_t d = 0; ok && d < s.size(); ++d) ok = int(d) == ax || s[d] == s0[d];
    if (!ok) {
      std::string all;
      for (const Tensor& t : xs) all += (all.empty() ? "" : ", ") + shape_str(t.shape());
      fail("concat: shapes ", all, " differ outside axis ", axis);
    }
    os[size_t(ax)] += s[size_t(ax)];
  }
  Tensor out = Tensor::empty(os);
  const auto so = split_at(os, ax);  // [outer, n_total, inner]
  std::vector<int64_t> widths;
  int64_t off = 0;
  for (const Tensor& x : xs) {
    Tensor xc = dense(x);
    const int64_t w = x.dim(ax) * so.inner;  // floats per outer row
    for (int64_t o = 0; o < so.outer; ++o)
      if (w) std::memcpy(out.data() + o * so.n * so.inner + off, xc.data() + o * w, size_t(w) * 4);
    off += w;
    widths.push_back(x.dim(ax));
  }
  return record(out, "concat", xs, [ax, widths](std::vector<Tensor>& in, const Tensor& g) {
    Tensor gc = dense(g);
    const auto s = split_at(gc.shape(), ax);
    int64_t off = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      const int64_t w = widths[i] * s.inner;
      if (in[i].requires_grad()) {
        Tensor gi = Tensor::empty(in[i].shape());
        for (int64_t o = 0; o < s.outer; ++o)
          if (w) std::memcpy(gi.data() + o * w, gc.data() + o * s.n * s.inner + off, size_t(w) * 4);
        accumulate_grad(in[i], gi);
      }
      off += w;
    }
  });
}

}  // namespace pg
