// Functional graphs by name: graph_spec() orders a graph described in any order and refuses what
// Keras cannot build (a cycle, a layer with no input, a Concatenate of one tensor) or that is
// surely a mistake (an input that reaches no output: Keras and TensorFlow.js accept it and
// ignore it, but every call must still feed it), naming the nodes;
// Model::summary_rows() is summary() as data; Model::head_gradients() splits the shared layers'
// gradient into each output's part. Left out: nested models and layers shared between nodes in
// the description (every described layer is applied once).
#include <cmath>
#include <map>
#include <set>

#include "playgrad/json.h"
#include "playgrad/nn/losses.h"
#include "playgrad/nn/model.h"
#include "playgrad/ops/ops.h"

namespace pg::nn {

namespace {
std::string str_field(const Json& n, const char* key, const std::string& what) {
  if (!n.contains(key) || !n[key].is_string()) fail("graph: ", what, " needs a string '", key, "'");
  return n[key].get<std::string>();
}
std::string shape_none(const Shape& s) {
  std::string t = "(None";
  for (int64_t d : s) t += ", " + std::to_string(d);
  return t + ")";
}
}  // namespace

Json graph_spec(const Json& graph) {
  try {
    if (!graph.is_object() || !graph.contains("nodes") || !graph["nodes"].is_array() || !graph.contains("outputs") ||
        !graph["outputs"].is_array())
      fail("graph: expected {nodes: [...], outputs: [names]}");
    const Json& nodes = graph["nodes"];
    const size_t n = nodes.size();
    std::vector<std::string> names(n), kinds(n);
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < n; ++i) {
      if (!nodes[i].is_object()) fail("graph: node ", i + 1, " is not an object");
      names[i] = str_field(nodes[i], "name", "node " + std::to_string(i + 1));
      kinds[i] = str_field(nodes[i], "kind", "node '" + names[i] + "'");
      if (names[i].empty()) fail("graph: node ", i + 1, " has an empty name");
      if (!index.emplace(names[i], i).second) fail("graph: two nodes are named '", names[i], "'");
    }
    // inputs[i]: the nodes node i takes, by index
    std::vector<std::vector<size_t>> inputs(n);
    for (size_t i = 0; i < n; ++i) {
      const Json& in = nodes[i].value("inputs", Json::array());
      if (!in.is_array()) fail("graph: node '", names[i], "': inputs must be an array of names");
      if (kinds[i] == "Input") {
        if (!in.empty()) fail("graph: input '", names[i], "' cannot take an input (an Input starts the graph)");
        continue;
      }
      for (const Json& v : in) {
        if (!v.is_string() || !index.count(v.get<std::string>()))
          fail("graph: layer '", names[i], "' takes '", v.is_string() ? v.get<std::string>() : v.dump(),
               "', which is no node of the graph");
        inputs[i].push_back(index[v.get<std::string>()]);
      }
    }
    if (graph["outputs"].empty()) fail("graph: the model needs at least one output");
    std::vector<size_t> outs;
    for (const Json& v : graph["outputs"]) {
      if (!v.is_string() || !index.count(v.get<std::string>()))
        fail("graph: output '", v.is_string() ? v.get<std::string>() : v.dump(), "' is no node of the graph");
      outs.push_back(index[v.get<std::string>()]);
    }
    // What the outputs need: walk back from them (an explicit stack).
    std::vector<bool> needed(n, false);
    std::vector<size_t> stack(outs.begin(), outs.end());
    while (!stack.empty()) {
      const size_t i = stack.back();
      stack.pop_back();
      if (needed[i]) continue;
      needed[i] = true;
      for (size_t j : inputs[i]) stack.push_back(j);
    }
    for (size_t i = 0; i < n; ++i)
      if (needed[i] && kinds[i] != "Input" && inputs[i].empty())
        fail("graph: layer '", names[i], "' (", kinds[i], ") is connected to no input, so the output it feeds "
             "is not reachable from any input");
    for (size_t i = 0; i < n; ++i)
      if (kinds[i] == "Input" && !needed[i])
        fail("graph: input '", names[i], "' reaches no output: every model input must feed an output "
             "(connect it or remove it)");
    for (size_t i = 0; i < n; ++i)
      if (needed[i] && kinds[i] == "Concatenate" && inputs[i].size() < 2)
        fail("graph: Concatenate '", names[i], "' takes ", inputs[i].size(), " tensor; it joins at least 2 "
             "(Keras and TensorFlow.js refuse fewer)");
    // Kahn's algorithm over the needed nodes; the lowest description index first among the ready.
    std::vector<size_t> pending(n, 0);
    std::vector<std::vector<size_t>> users(n);
    for (size_t i = 0; i < n; ++i)
      if (needed[i])
        for (size_t j : inputs[i]) {
          ++pending[i];
          users[j].push_back(i);
        }
    std::set<size_t> ready;
    for (size_t i = 0; i < n; ++i)
      if (needed[i] && pending[i] == 0) ready.insert(i);
    std::vector<size_t> order;
    std::vector<int> position(n, -1);
    while (!ready.empty()) {
      const size_t i = *ready.begin();
      ready.erase(ready.begin());
      position[i] = int(order.size());
      order.push_back(i);
      for (size_t u : users[i])
        if (--pending[u] == 0) ready.insert(u);
    }
    for (size_t i = 0; i < n; ++i) {
      if (!needed[i] || position[i] != -1) continue;
      // A node left over waits on another left-over node: walking back from it reaches a cycle.
      std::vector<size_t> path;
      std::vector<int> seen(n, -1);
      size_t k = i;
      while (seen[k] == -1) {
        seen[k] = int(path.size());
        path.push_back(k);
        for (size_t j : inputs[k])
          if (position[j] == -1) {
            k = j;
            break;
          }
      }
      // path[s..] is the cycle in "takes" order (each node takes the next, the last takes path[s]
      // = k); the data flows the other way: k → path.back() → ... → path[s + 1] → k.
      std::string cyc = names[k];
      for (size_t p = path.size(); p-- > size_t(seen[k]) + 1;) cyc += " → " + names[path[p]];
      cyc += " → " + names[k];
      fail("graph: a cycle ", cyc, ": a layer cannot take its own output as input (a functional model is "
           "a directed acyclic graph)");
    }
    Json layers = Json::array(), spec_nodes = Json::array(), ins = Json::array(), outs_j = Json::array();
    for (size_t i : order) {
      if (kinds[i] == "Input") {
        if (!nodes[i].contains("shape")) fail("graph: input '", names[i], "' needs a shape");
        spec_nodes.push_back({{"input", nodes[i]["shape"]}, {"name", names[i]}});
        ins.push_back(position[i]);
      } else {
        layers.push_back({{"kind", kinds[i]}, {"name", names[i]}, {"config", nodes[i].value("config", Json::object())}});
        Json inbound = Json::array();
        for (size_t j : inputs[i]) inbound.push_back(position[j]);
        spec_nodes.push_back({{"layer", names[i]}, {"inbound", inbound}});
      }
    }
    for (size_t o : outs) outs_j.push_back(position[o]);
    Json unused = Json::array();
    for (size_t i = 0; i < n; ++i)
      if (!needed[i]) unused.push_back(names[i]);
    return {{"spec", {{"layers", layers}, {"nodes", spec_nodes}, {"inputs", ins}, {"outputs", outs_j}}},
            {"unused", unused}};
  } catch (const Json::exception& e) {
    fail("graph: malformed description (", e.what(), ")");
  }
}

Json Model::summary_rows() const {
  Json rows = Json::array();
  std::vector<bool> counted(layers_.size(), false);
  for (const Node& n : nodes_) {
    int64_t params = 0;
    Json conn = Json::array();
    std::string kind = "InputLayer";
    if (n.layer != -1) {
      Layer& L = *layers_[size_t(n.layer)];
      kind = L.kind();
      if (!counted[size_t(n.layer)]) {
        for (auto& [nm, t] : L.params()) params += t.numel();
        for (auto& [nm, t] : L.buffers()) params += t.numel();
        counted[size_t(n.layer)] = true;
      }
      for (int j : n.inbound) conn.push_back(nodes_[size_t(j)].name);
    }
    rows.push_back({{"name", n.name}, {"kind", kind}, {"shape", n.shape}, {"shapeText", shape_none(n.shape)},
                    {"params", params}, {"connectedTo", conn}});
  }
  return rows;
}

Json Model::head_gradients(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys) {
  check_compiled("headGradients");
  check_data("headGradients", xs, ys);
  const size_t K = outputs_.size();
  // feeds[layer]: the outputs a layer's result reaches (walk back from each output).
  std::vector<std::set<size_t>> feeds(layers_.size());
  for (size_t k = 0; k < K; ++k) {
    std::vector<bool> seen(nodes_.size(), false);
    std::vector<int> stack = {outputs_[k]};
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      if (seen[size_t(i)]) continue;
      seen[size_t(i)] = true;
      if (nodes_[size_t(i)].layer != -1) feeds[size_t(nodes_[size_t(i)].layer)].insert(k);
      for (int j : nodes_[size_t(i)].inbound) stack.push_back(j);
    }
  }
  const std::vector<Tensor> params = parameters();
  auto drop_grads = [&] {
    for (Tensor t : params) t.zero_grad();
  };
  // g[k][l]: head k's gradient over layer l's parameters, flattened, in double.
  std::vector<std::vector<std::vector<double>>> g(K, std::vector<std::vector<double>>(layers_.size()));
  Json outs = Json::array();
  try {
    for (size_t k = 0; k < K; ++k) {
      drop_grads();
      const std::vector<Tensor> o = forward(xs, false);
      Tensor l = losses::compute(losses_[k], o[k], ys[k]);
      const double loss = l.item();
      if (loss_weights_[k] != 1.0) l = mul(l, float(loss_weights_[k]));
      l.backward();
      for (size_t li = 0; li < layers_.size(); ++li)
        for (auto& [nm, t] : layers_[li]->params()) {
          const Tensor gr = t.grad();
          const size_t m = size_t(t.numel());
          if (!gr.defined()) {
            g[k][li].insert(g[k][li].end(), m, 0.0);
            continue;
          }
          const std::vector<float> v = gr.to_vector();
          g[k][li].insert(g[k][li].end(), v.begin(), v.end());
        }
      outs.push_back({{"name", nodes_[size_t(outputs_[k])].name}, {"loss", loss}, {"weight", loss_weights_[k]}});
    }
  } catch (...) {
    drop_grads();
    throw;
  }
  drop_grads();
  Json layers = Json::array();
  for (size_t li = 0; li < layers_.size(); ++li) {
    const size_t m = g[0][li].size();
    if (m == 0) continue;  // no weights (Concatenate)
    auto dot = [&](const std::vector<double>& a, const std::vector<double>& b) {
      double s = 0;
      for (size_t i = 0; i < m; ++i) s += a[i] * b[i];
      return s;
    };
    std::vector<double> total(m, 0.0);
    for (size_t k = 0; k < K; ++k)
      for (size_t i = 0; i < m; ++i) total[i] += g[k][li][i];
    const double tt = dot(total, total);
    Json norms = Json::array(), share = Json::array(), cosine = Json::array(), fd = Json::array();
    for (size_t k = 0; k < K; ++k) {
      norms.push_back(std::sqrt(dot(g[k][li], g[k][li])));
      share.push_back(tt > 0 ? dot(g[k][li], total) / tt : 0.0);
      Json row = Json::array();
      for (size_t j = 0; j < K; ++j) {
        const double d = std::sqrt(dot(g[k][li], g[k][li]) * dot(g[j][li], g[j][li]));
        row.push_back(d > 0 ? dot(g[k][li], g[j][li]) / d : 0.0);
      }
      cosine.push_back(row);
    }
    for (size_t k : feeds[li]) fd.push_back(k);
    layers.push_back({{"name", layers_[li]->name}, {"kind", layers_[li]->kind()}, {"feeds", fd},
                      {"norms", norms}, {"norm", std::sqrt(tt)}, {"share", share}, {"cosine", cosine}});
  }
  return {{"outputs", outs}, {"layers", layers}};
}

}  // namespace pg::nn
