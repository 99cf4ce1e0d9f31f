// Embind bindings for trace scopes (playgrad/autograd/trace.h); wasm/api/trace.mjs builds
// pg.trace(fn) on top: it opens a scope, runs fn, calls backward() on its root and reads the graph
// with _traceGraph (plain numbers, copied out of the wasm heap), then deletes the scope.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <utility>
#include <vector>

#include "bind_util.h"
#include "playgrad/autograd/trace.h"

using emscripten::val;
using pg::Tensor;
using pg::TraceScope;
using pgbind::guard;
using pgbind::number_list;

namespace {

val values_or_null(const Tensor& t) { return t.defined() ? number_list(t.to_vector()) : val::null(); }

// labelNames[i] names labelTensors[i]. Returns { nodes, edges, root } (trace.h's fields).
val js_trace_graph(const TraceScope& scope, const Tensor& root, const val& names, const val& tensors) {
  return guard([&] {
    const std::vector<Tensor> ts = pgbind::to_tensors("trace", tensors);
    if (!names.isArray() || names["length"].as<unsigned>() != ts.size())
      pg::fail("trace: one name per labelled tensor");
    std::vector<std::pair<std::string, Tensor>> labels;
    for (unsigned i = 0; i < ts.size(); ++i) labels.emplace_back(pgbind::to_string("trace", names[i]), ts[i]);
    const pg::TraceGraph g = scope.graph(root, labels);
    val nodes = val::array();
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const pg::TraceNode& n = g.nodes[i];
      val o = val::object();
      o.set("id", n.id);
      o.set("op", n.op);
      o.set("label", n.label.empty() ? val::null() : val(n.label));
      o.set("shape", number_list(n.value.shape()));
      o.set("value", number_list(n.value.to_vector()));
      o.set("grad", values_or_null(n.grad));
      o.set("requiresGrad", n.requires_grad);
      o.set("inputs", number_list(n.inputs));
      nodes.set(i, o);
    }
    val edges = val::array();
    for (size_t i = 0; i < g.edges.size(); ++i) {
      const pg::TraceEdge& e = g.edges[i];
      val o = val::object();
      o.set("from", e.from);
      o.set("to", e.to);
      o.set("slot", e.slot);
      o.set("local", values_or_null(e.local));
      o.set("contribution", values_or_null(e.contribution));
      o.set("step", e.step);
      edges.set(i, o);
    }
    val out = val::object();
    out.set("nodes", nodes);
    out.set("edges", edges);
    out.set("root", g.root);
    return out;
  });
}

double js_trace_recorded(const TraceScope& scope) { return double(scope.recorded()); }

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_trace) {
  emscripten::class_<TraceScope>("TraceScope").constructor<>();
  emscripten::function("_traceGraph", &js_trace_graph);
  emscripten::function("_traceRecorded", &js_trace_recorded);
}
