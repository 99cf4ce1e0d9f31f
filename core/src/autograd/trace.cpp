// Trace scopes (trace.h): what record() and the backward sweep report while a scope is open.
// The hooks are called from tensor.cpp; this file holds all of the trace's own logic.
#include "playgrad/autograd/trace.h"

#include <algorithm>
#include <unordered_set>

#include "playgrad/autograd/anomaly.h"

namespace pg {

namespace {
thread_local std::vector<TraceScope*> g_scopes;  // open scopes, innermost last
thread_local bool g_probing = false;             // an op's backward is running on ones

// The first slot of `inputs` holding `input` whose entry in `filled` is still empty.
int free_slot(const std::vector<Tensor>& inputs, const std::vector<Tensor>& filled, const Tensor& input) {
  for (size_t k = 0; k < inputs.size(); ++k)
    if (inputs[k].same(input) && !filled[k].defined()) return int(k);
  return -1;
}

Tensor copy_of(const Tensor& g) {
  Tensor c = g.contiguous();
  return Tensor::from_data(c.data(), c.numel(), c.shape());
}
}  // namespace

TraceScope::TraceScope() { g_scopes.push_back(this); }

TraceScope::~TraceScope() {
  auto it = std::find(g_scopes.begin(), g_scopes.end(), this);
  if (it != g_scopes.end()) g_scopes.erase(it);
}

void TraceScope::on_record(const Tensor& out) {
  const TensorImpl& o = *out.impl();
  Op op;
  op.out = out;
  op.inputs = o.inputs;
  op.local.resize(o.inputs.size());
  op.contribution.resize(o.inputs.size());
  op.step.assign(o.inputs.size(), -1);
  index_[out.impl().get()] = ops_.size();
  ops_.push_back(std::move(op));
}

bool TraceScope::on_enter_backward(TensorImpl* node, const Tensor& grad_out) {
  auto it = index_.find(node);
  if (it == index_.end()) return false;
  current_ = &ops_[it->second];
  current_->grad = copy_of(grad_out);
  return true;
}

void TraceScope::on_local(const Tensor& input, const Tensor& g) {
  if (!current_) return;
  const int k = free_slot(current_->inputs, current_->local, input);
  if (k >= 0) current_->local[size_t(k)] = copy_of(g);
}

void TraceScope::on_contribution(const Tensor& input, const Tensor& g) {
  if (!current_) return;
  const int k = free_slot(current_->inputs, current_->contribution, input);
  if (k < 0) return;
  current_->contribution[size_t(k)] = copy_of(g);
  current_->step[size_t(k)] = steps_++;
}

TraceGraph TraceScope::graph(const Tensor& root,
                             const std::vector<std::pair<std::string, Tensor>>& labels) const {
  if (!root.defined()) fail("trace: the root is an undefined (empty or disposed) tensor");
  // The ops that reach root: an explicit stack, no recursion.
  std::unordered_set<size_t> reach;
  std::vector<const TensorImpl*> stack{root.impl().get()};
  while (!stack.empty()) {
    const TensorImpl* t = stack.back();
    stack.pop_back();
    auto it = index_.find(t);
    if (it == index_.end() || !reach.insert(it->second).second) continue;
    for (const Tensor& in : ops_[it->second].inputs) stack.push_back(in.impl().get());
  }

  std::unordered_map<const TensorImpl*, std::string> names;
  for (const auto& [name, t] : labels)
    if (t.defined()) names[t.impl().get()] = name;

  TraceGraph g;
  std::unordered_map<const TensorImpl*, int> id;
  auto add_node = [&](const Tensor& t, const char* op) {
    TraceNode n;
    n.id = int(g.nodes.size());
    n.op = op;
    auto nm = names.find(t.impl().get());
    if (nm != names.end()) n.label = nm->second;
    n.value = t;
    n.requires_grad = t.requires_grad();
    id[t.impl().get()] = n.id;
    g.nodes.push_back(std::move(n));
    return g.nodes.back().id;
  };
  auto leaf = [&](const Tensor& t) {
    auto it = id.find(t.impl().get());
    if (it != id.end()) return it->second;
    const int i = add_node(t, "leaf");
    g.nodes[size_t(i)].grad = t.grad();
    return i;
  };

  if (reach.empty()) {  // root is a leaf, or was not made by a traced op
    g.root = leaf(root);
    return g;
  }
  // ops_ is in recording order, so inputs come before the ops that read them.
  for (size_t k = 0; k < ops_.size(); ++k) {
    if (!reach.count(k)) continue;
    const Op& op = ops_[k];
    std::vector<int> ins;
    for (const Tensor& in : op.inputs) {
      auto it = id.find(in.impl().get());
      ins.push_back(it != id.end() ? it->second : leaf(in));
    }
    const char* name = op.out.impl()->op ? op.out.impl()->op : "op";
    const int me = add_node(op.out, name);
    g.nodes[size_t(me)].grad = op.grad;
    g.nodes[size_t(me)].inputs = ins;
    for (size_t s = 0; s < ins.size(); ++s)
      g.edges.push_back({ins[s], me, int(s), op.local[s], op.contribution[s], op.step[s]});
  }
  g.root = id.at(root.impl().get());
  return g;
}

namespace detail {

bool tracing() { return !g_scopes.empty(); }

void trace_record(const Tensor& out) {
  for (TraceScope* s : g_scopes) s->on_record(out);
}

bool trace_contribution(const Tensor& input, const Tensor& g) {
  for (TraceScope* s : g_scopes) {
    if (g_probing) s->on_local(input, g);
    else s->on_contribution(input, g);
  }
  return g_probing;
}

TraceBackward::TraceBackward(TensorImpl* node, const Tensor& grad_out) {
  if (g_scopes.empty()) return;
  for (TraceScope* s : g_scopes) active_ = s->on_enter_backward(node, grad_out) || active_;
  if (!active_) return;
  // The local derivatives: the same backward on an upstream gradient of ones. Anomaly mode is off
  // for it (1/0 is a legitimate local derivative of log at 0); its contributions are not added.
  DetectAnomalyGuard no_anomaly(false);
  g_probing = true;
  struct Reset {
    ~Reset() { g_probing = false; }
  } reset;
  node->grad_fn(node->inputs, Tensor::ones(grad_out.shape()));
}

TraceBackward::~TraceBackward() {
  if (!active_) return;
  for (TraceScope* s : g_scopes) s->on_leave_backward();
}

}  // namespace detail

}  // namespace pg
