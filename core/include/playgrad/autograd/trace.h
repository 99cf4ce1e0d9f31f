// playgrad/trace.h: the autograd graph made visible (pg.trace in JavaScript).
//
// While a TraceScope is open, every node record() makes is registered with it, with its inputs
// in order (the edges), and a backward() that runs through those nodes keeps, for the scope:
//  - each interior node's gradient (the sweep otherwise frees it),
//  - each edge's contribution: what the op's backward added into that input's gradient
//    ("downstream" = local derivative x upstream),
//  - each edge's local derivative: the same op's backward run once more on an upstream gradient
//    of ones (for one-element tensors exactly d out / d in; for larger ones the vector-Jacobian
//    product with ones, i.e. the sum over the output's elements),
//  - the order in which the sweep produced the contributions.
// backward() itself behaves as without a trace (the graph is still released afterwards); the
// scope only holds on to what it saw. graph(root) then lists the nodes that reach `root`:
// leaves (tensors the traced ops read but did not make) and op nodes, children before parents.
//
// Nothing here differentiates: every number is what the ops' own backward functions produced.
// Scopes nest; each sees what happens while it is open. Close a scope (destroy it) before
// starting unrelated work: it keeps every tensor it registered alive.
#pragma once
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "playgrad/tensor.h"

namespace pg {

struct TraceNode {
  int id = 0;               // index in TraceGraph::nodes (children come before parents)
  std::string op;           // the op's name as record() got it ("add", "mul", ...), "leaf" for leaves
  std::string label;        // the name given to graph() for this tensor, or empty
  Tensor value;             // the tensor itself (the forward value)
  Tensor grad;              // its gradient from the traced backward(); undefined if none reached it
  bool requires_grad = false;
  std::vector<int> inputs;  // node ids of the op's inputs, in order (one entry per use)
};

struct TraceEdge {
  int from = 0;             // the input's node id
  int to = 0;               // the op node's id
  int slot = 0;             // which input of `to` (0-based)
  Tensor local;             // the op's backward applied to ones: d to / d from (undefined: none)
  Tensor contribution;      // what backward() added into from's gradient along this edge
  int step = -1;            // position of this contribution in the sweep (0 first), -1 if none
};

struct TraceGraph {
  std::vector<TraceNode> nodes;
  std::vector<TraceEdge> edges;  // grouped by `to` in node order, then by slot
  int root = -1;
};

class TraceScope {
 public:
  TraceScope();
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

  // The recorded graph behind `root` (which must have been made while this scope was open, or
  // be a leaf). labels names tensors (by identity) for display. Call it after root.backward()
  // for gradients, contributions and local derivatives; before, they are undefined.
  TraceGraph graph(const Tensor& root,
                   const std::vector<std::pair<std::string, Tensor>>& labels = {}) const;

  // How many op nodes the scope has registered so far.
  size_t recorded() const { return ops_.size(); }

  // ---- called by the hooks below ----
  void on_record(const Tensor& out);
  bool on_enter_backward(TensorImpl* node, const Tensor& grad_out);
  void on_local(const Tensor& input, const Tensor& g);
  void on_contribution(const Tensor& input, const Tensor& g);
  void on_leave_backward() { current_ = nullptr; }

 private:
  struct Op {
    Tensor out;
    std::vector<Tensor> inputs;  // a copy of the record, which backward() frees
    std::vector<Tensor> local;   // per input slot
    std::vector<Tensor> contribution;
    std::vector<int> step;
    Tensor grad;                 // the gradient that arrived at `out`
  };
  std::vector<Op> ops_;
  std::unordered_map<const TensorImpl*, size_t> index_;  // out -> ops_ index
  Op* current_ = nullptr;        // the op whose backward is running
  int steps_ = 0;
};

namespace detail {
// Hooks for record(), accumulate_grad() and the backward sweep (tensor.cpp). Each is one
// branch when no scope is open.
bool tracing();
void trace_record(const Tensor& out);
// In accumulate_grad: true when the contribution was a local-derivative probe (not to be added).
bool trace_contribution(const Tensor& input, const Tensor& g);
// Around one node's backward in the sweep: keeps grad_out and probes the local derivatives.
class TraceBackward {
 public:
  TraceBackward(TensorImpl* node, const Tensor& grad_out);
  ~TraceBackward();
  TraceBackward(const TraceBackward&) = delete;
  TraceBackward& operator=(const TraceBackward&) = delete;

 private:
  bool active_ = false;
};
}  // namespace detail

}  // namespace pg
