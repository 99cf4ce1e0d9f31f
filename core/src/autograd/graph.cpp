// The autograd graph: grad mode and anomaly mode, record() (every op's output passes here and,
// when an input requires grad, keeps its inputs and backward function), accumulate_grad() (every
// backward function adds its contributions through it) and Tensor::backward(), the sweep in
// reverse topological order (an explicit stack, no recursion). The ops in core/src/ops/ call
// record(); playgrad/tensor.h declares all of it.
#include <unordered_set>

#include "playgrad/autograd/anomaly.h"
#include "playgrad/autograd/trace.h"
#include "playgrad/kernels/kernels.h"
#include "playgrad/ops/ops.h"
#include "playgrad/tensor.h"

namespace pg {

namespace {
thread_local bool g_grad_enabled = true;
thread_local bool g_detect_anomaly = false;  // anomaly.h
}  // namespace

bool grad_enabled() { return g_grad_enabled; }
bool set_grad_enabled(bool on) {
  const bool prev = g_grad_enabled;
  g_grad_enabled = on;
  return prev;
}
NoGradGuard::NoGradGuard() : prev_(g_grad_enabled) { g_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { g_grad_enabled = prev_; }

bool detect_anomaly() { return g_detect_anomaly; }
bool set_detect_anomaly(bool on) {
  const bool prev = g_detect_anomaly;
  g_detect_anomaly = on;
  return prev;
}
DetectAnomalyGuard::DetectAnomalyGuard(bool on) : prev_(g_detect_anomaly) { g_detect_anomaly = on; }
DetectAnomalyGuard::~DetectAnomalyGuard() { g_detect_anomaly = prev_; }

// Every op's output passes here (also in no-grad mode), so anomaly mode checks it here first.
bool will_record(const std::vector<Tensor>& inputs) {
  if (!g_grad_enabled) return false;
  for (const Tensor& t : inputs)
    if (t.requires_grad()) return true;
  return false;
}

Tensor record(Tensor out, const char* op, std::vector<Tensor> inputs, GradFn fn) {
  if (g_detect_anomaly) detail::anomaly_check_forward(out, op, inputs);
  if (!will_record(inputs)) return out;
  TensorImpl& o = *out.impl();
  o.requires_grad = true;
  o.op = op;
  o.inputs = std::move(inputs);
  o.grad_fn = std::move(fn);
  if (detail::tracing()) detail::trace_record(out);  // trace.h
  return out;
}

bool sole_handle(const Tensor& g) {
  const std::shared_ptr<TensorImpl>& gi = g.impl();
  return gi && gi.use_count() == 1 && gi->storage.use_count() == 1 && gi->offset == 0 &&
         gi->storage->size == g.numel() && g.is_contiguous() && !gi->requires_grad &&
         !gi->grad_fn && !gi->grad;
}

void accumulate_grad(const Tensor& t, Tensor g) {
  if (!t.requires_grad()) return;
  if (g.shape() != t.shape())
    fail("backward: gradient of shape ", shape_str(g.shape()), " for a tensor of shape ",
         shape_str(t.shape()), " (internal error in an op's backward)");
  if (detail::tracing() && detail::trace_contribution(t, g)) return;  // trace.h: a probe
  if (g_detect_anomaly) detail::anomaly_check_grad(t, g);
  TensorImpl& impl = *t.impl();
  if (!impl.grad) {
    // Taken as it is when this is the only handle to g and to its storage, all of which g
    // covers (a fresh result of the backward: nobody else can see it, so no copy of a large
    // gradient on one thread). Otherwise copied: g may be shared with another input's gradient
    // (add passes g to both sides), or be a view.
    if (sole_handle(g)) {
      impl.grad = g.impl();
      return;
    }
    Tensor gc = g.contiguous();
    Tensor copy = Tensor::from_data(gc.data(), gc.numel(), gc.shape());
    impl.grad = copy.impl();
    return;
  }
  Tensor gc = g.contiguous();
  kernels::simd::accumulate(gc.data(), impl.grad->storage->data + impl.grad->offset,
                            size_t(gc.numel()));
}

void Tensor::backward() {
  check();
  if (numel() != 1)
    fail("backward: called on a tensor of shape ", shape_str(shape()),
         "; backward() needs a one-element tensor (reduce it with sum or mean first)");
  if (impl_->released)
    fail("backward: the graph of this tensor was already freed by an earlier backward(); "
         "recompute the forward pass first");
  if (!impl_->requires_grad)
    fail("backward: this tensor does not require grad (no input had requiresGrad, or it was "
         "computed in noGrad mode)");

  // Iterative post-order DFS: topo lists every node after all nodes it depends on.
  // topo holds owning pointers: releasing a node's inputs below must not free nodes still to come.
  std::vector<std::shared_ptr<TensorImpl>> topo;
  std::unordered_set<TensorImpl*> seen;
  std::vector<std::pair<std::shared_ptr<TensorImpl>, size_t>> stack{{impl_, 0}};
  seen.insert(impl_.get());
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->inputs.size()) {
      const std::shared_ptr<TensorImpl>& child = node->inputs[next++].impl();
      if (child->requires_grad && child->grad_fn && seen.insert(child.get()).second)
        stack.emplace_back(child, 0);
      continue;
    }
    topo.push_back(std::move(node));
    stack.pop_back();
  }

  NoGradGuard no_grad;
  // Release a node's graph: its inputs, whatever the backward captured, its interior gradient.
  auto release = [](TensorImpl* node) {
    node->grad.reset();
    node->inputs.clear();
    node->grad_fn = nullptr;
    node->released = true;
  };
  accumulate_grad(*this, Tensor::ones(shape()));
  size_t i = topo.size();
  try {
    for (; i-- > 0;) {
      TensorImpl* node = topo[i].get();
      if (!node->grad_fn) continue;  // a leaf root: its .grad is all it gets
      if (node->grad) {
        Tensor g(node->grad);
        node->grad.reset();  // interior gradients are not kept (a trace scope keeps a copy)
        detail::TraceBackward trace(node, g);  // trace.h: no-op unless a trace scope is open
        if (g_detect_anomaly) {
          detail::anomaly_enter_backward(node, g);
          struct Leave {
            ~Leave() { detail::anomaly_leave_backward(); }
          } leave;
          node->grad_fn(node->inputs, std::move(g));
        } else {
          node->grad_fn(node->inputs, std::move(g));
        }
      }
      release(node);
    }
  } catch (...) {
    // A backward that threw (anomaly mode, the memory limit): free the rest of the graph too, so
    // no half-accumulated interior gradient stays behind; the leaves keep what reached them.
    for (size_t j = i + 1; j-- > 0;)
      if (topo[j]->grad_fn) release(topo[j].get());
    throw;
  }
}

}  // namespace pg
