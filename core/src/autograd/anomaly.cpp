// Anomaly mode (anomaly.h): the checks record() and the backward sweep run when it is on.
// The switch itself lives in tensor.cpp next to grad mode, so record() tests a local flag.
#include "playgrad/autograd/anomaly.h"

#include <cmath>
#include <string>

namespace pg {

namespace {
// The node whose backward is running (anomaly mode only), or null outside a backward.
thread_local const TensorImpl* g_backward_node = nullptr;

std::string shapes_of(const std::vector<Tensor>& inputs) {
  if (inputs.empty()) return "no inputs";
  std::string s = inputs.size() == 1 ? "input " : "inputs ";
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (i) s += i + 1 == inputs.size() ? " and " : ", ";
    s += shape_str(inputs[i].shape());
  }
  return s;
}

float value_at(const Tensor& t, int64_t flat) {
  const Shape& sh = t.shape();
  const Shape& st = t.strides();
  int64_t off = 0;
  for (size_t d = sh.size(); d-- > 0;) {
    off += (flat % sh[d]) * st[d];
    flat /= sh[d];
  }
  return t.data()[off];
}
}  // namespace

const char* non_finite_name(float v) {
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "+Inf" : "-Inf";
}

int64_t first_non_finite(const Tensor& t) {
  const int64_t n = t.numel();
  if (n == 0) return -1;
  const float* base = t.data();
  if (t.is_contiguous()) {
    for (int64_t i = 0; i < n; ++i)
      if (!std::isfinite(base[i])) return i;
    return -1;
  }
  // Strided: walk the elements in row-major order.
  const Shape& sh = t.shape();
  const Shape& st = t.strides();
  const int nd = int(sh.size());
  std::vector<int64_t> idx(size_t(nd), 0);
  int64_t off = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(base[off])) return i;
    for (int d = nd - 1; d >= 0; --d) {
      const size_t du = size_t(d);
      if (++idx[du] < sh[du]) { off += st[du]; break; }
      off -= st[du] * (sh[du] - 1);
      idx[du] = 0;
    }
  }
  return -1;
}

namespace detail {

void anomaly_check_forward(const Tensor& out, const char* op, const std::vector<Tensor>& inputs) {
  // Inside a backward, the ops it runs are checked through the gradients they give (below).
  if (g_backward_node) return;
  const int64_t at = first_non_finite(out);
  if (at < 0) return;
  for (const Tensor& in : inputs)
    if (first_non_finite(in) >= 0) return;  // it only passed on what it was given
  throw AnomalyError("op '" + std::string(op) + "' (" + shapes_of(inputs) + ") turned finite inputs into " +
                     non_finite_name(value_at(out, at)) + " at index " + std::to_string(at) +
                     " of its output " + shape_str(out.shape()));
}

void anomaly_enter_backward(const TensorImpl* node, const Tensor& grad_out) {
  // Every contribution to this gradient was checked finite; a non-finite sum is an overflow.
  const int64_t at = first_non_finite(grad_out);
  if (at >= 0)
    throw AnomalyError("the gradients reaching the output " + shape_str(node->shape) + " of op '" +
                       std::string(node->op ? node->op : "?") + "' (" + shapes_of(node->inputs) +
                       ") added up to " + non_finite_name(value_at(grad_out, at)) + " at index " +
                       std::to_string(at) + " (float32 overflow)");
  g_backward_node = node;
}

void anomaly_leave_backward() { g_backward_node = nullptr; }

void anomaly_check_grad(const Tensor& t, const Tensor& g) {
  const TensorImpl* node = g_backward_node;
  if (!node) return;  // the root's gradient of ones
  const int64_t at = first_non_finite(g);
  if (at < 0) return;
  size_t which = 0;
  while (which < node->inputs.size() && !node->inputs[which].same(t)) ++which;
  throw AnomalyError("the backward of op '" + std::string(node->op ? node->op : "?") + "' (" +
                     shapes_of(node->inputs) + ") turned a finite gradient into " +
                     non_finite_name(value_at(g, at)) + " at index " + std::to_string(at) +
                     " of the gradient of its input " + std::to_string(which) + " " +
                     shape_str(t.shape()));
}

}  // namespace detail
}  // namespace pg
