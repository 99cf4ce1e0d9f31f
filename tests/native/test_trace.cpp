// Trace scopes (trace.h): the graph record() made, with the values, the gradients backward()
// produced (interior ones included), each edge's local derivative and contribution and the order
// of the sweep. A value used twice gets both contributions; without a scope backward() frees the
// interior gradients as before; a closed scope registers nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "playgrad/autograd/anomaly.h"
#include "playgrad/autograd/trace.h"
#include "test_util.h"

using namespace pg;
using pgt::T;
using pgt::error_of;

namespace {
float one(const Tensor& t) {
  EXPECT_TRUE(t.defined());
  return t.defined() ? t.item() : NAN;
}
}  // namespace

// c = a * b; d = c + a with a = 2, b = -3: a feeds two ops, so its gradient is b + 1 = -2.
TEST(Trace, NodesEdgesValuesGradientsAndTwoPathsAdd) {
  Tensor a = T({2.f}, {}, true), b = T({-3.f}, {}, true);
  TraceScope scope;
  Tensor c = mul(a, b);
  Tensor d = add(c, a);
  EXPECT_EQ(scope.recorded(), 2u);
  d.backward();
  const TraceGraph g = scope.graph(d, {{"a", a}, {"b", b}, {"c", c}, {"d", d}});

  ASSERT_EQ(g.nodes.size(), 4u);
  EXPECT_EQ(g.root, 3);
  const char* ops[] = {"leaf", "leaf", "mul", "add"};
  const char* labels[] = {"a", "b", "c", "d"};
  const float values[] = {2, -3, -6, -4};
  const float grads[] = {-2, 2, 1, 1};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(g.nodes[size_t(i)].id, i);
    EXPECT_EQ(g.nodes[size_t(i)].op, ops[i]);
    EXPECT_EQ(g.nodes[size_t(i)].label, labels[i]);
    EXPECT_FLOAT_EQ(one(g.nodes[size_t(i)].value), values[i]) << labels[i];
    EXPECT_FLOAT_EQ(one(g.nodes[size_t(i)].grad), grads[i]) << labels[i];
  }
  EXPECT_EQ(g.nodes[2].inputs, (std::vector<int>{0, 1}));
  EXPECT_EQ(g.nodes[3].inputs, (std::vector<int>{2, 0}));

  ASSERT_EQ(g.edges.size(), 4u);
  struct Want { int from, to, slot; float local, contribution; int step; };
  // The sweep runs d's backward first (to c, then a), then c's (to a, then b).
  const Want want[] = {{0, 2, 0, -3, -3, 2}, {1, 2, 1, 2, 2, 3}, {2, 3, 0, 1, 1, 0}, {0, 3, 1, 1, 1, 1}};
  for (size_t i = 0; i < 4; ++i) {
    const TraceEdge& e = g.edges[i];
    EXPECT_EQ(e.from, want[i].from) << i;
    EXPECT_EQ(e.to, want[i].to) << i;
    EXPECT_EQ(e.slot, want[i].slot) << i;
    EXPECT_FLOAT_EQ(one(e.local), want[i].local) << i;
    EXPECT_FLOAT_EQ(one(e.contribution), want[i].contribution) << i;
    EXPECT_EQ(e.step, want[i].step) << i;
  }
  // Local derivative x upstream = contribution, and a's two contributions add up to its gradient.
  for (const TraceEdge& e : g.edges)
    EXPECT_FLOAT_EQ(one(e.local) * one(g.nodes[size_t(e.to)].grad), one(e.contribution));
  EXPECT_FLOAT_EQ(one(g.edges[0].contribution) + one(g.edges[3].contribution), one(a.grad()));
}

TEST(Trace, ATensorUsedTwiceByOneOpGetsBothContributions) {
  Tensor x = T({3.f}, {}, true);
  TraceScope scope;
  Tensor y = mul(x, x);
  y.backward();
  const TraceGraph g = scope.graph(y);
  ASSERT_EQ(g.nodes.size(), 2u);
  ASSERT_EQ(g.edges.size(), 2u);
  for (int s = 0; s < 2; ++s) {
    EXPECT_EQ(g.edges[size_t(s)].from, 0);
    EXPECT_EQ(g.edges[size_t(s)].slot, s);
    EXPECT_FLOAT_EQ(one(g.edges[size_t(s)].local), 3.f);
    EXPECT_FLOAT_EQ(one(g.edges[size_t(s)].contribution), 3.f);
  }
  EXPECT_FLOAT_EQ(one(g.nodes[0].grad), 6.f);
}

TEST(Trace, ConstantsAreLeavesWithoutGradientOrContribution) {
  Tensor x = T({1.5f}, {}, true), k = T({4.f}, {});
  TraceScope scope;
  Tensor y = sub(k, pow(x, 2.f));  // 4 - x^2
  y.backward();
  const TraceGraph g = scope.graph(y);
  // In recording order: x, pow (made first), then k (first met as sub's input), sub.
  ASSERT_EQ(g.nodes.size(), 4u);
  EXPECT_EQ(g.nodes[0].op, "leaf");
  EXPECT_TRUE(g.nodes[0].requires_grad);
  EXPECT_EQ(g.nodes[1].op, "pow");
  EXPECT_EQ(g.nodes[2].op, "leaf");
  EXPECT_FALSE(g.nodes[2].requires_grad);
  EXPECT_FALSE(g.nodes[2].grad.defined());
  EXPECT_EQ(g.nodes[3].op, "sub");
  EXPECT_EQ(g.nodes[3].inputs, (std::vector<int>{2, 1}));
  ASSERT_EQ(g.edges.size(), 3u);
  EXPECT_FALSE(g.edges[1].local.defined());  // k -> sub: no backward into a constant
  EXPECT_FALSE(g.edges[1].contribution.defined());
  EXPECT_EQ(g.edges[1].step, -1);
  EXPECT_FLOAT_EQ(one(g.edges[0].local), 3.f);   // d x^2 / dx = 2x
  EXPECT_FLOAT_EQ(one(g.edges[2].local), -1.f);  // d (k - p) / dp
  EXPECT_FLOAT_EQ(one(x.grad()), -3.f);
}

TEST(Trace, LocalDerivativesOfNonScalarOpsAreTheBackwardOfOnes) {
  Tensor x = T({1, 2, 3}, {3}, true), w = T({4, 5, 6}, {3}, true);
  TraceScope scope;
  Tensor p = mul(x, w);
  Tensor s = sum(p);
  s.backward();
  const TraceGraph g = scope.graph(s);
  ASSERT_EQ(g.nodes.size(), 4u);
  pgt::expect_near(g.nodes[2].value.to_vector(), {4, 10, 18});
  pgt::expect_near(g.nodes[2].grad.to_vector(), {1, 1, 1});
  pgt::expect_near(g.edges[0].local.to_vector(), {4, 5, 6});  // x -> p: w
  pgt::expect_near(g.edges[1].contribution.to_vector(), {1, 2, 3});  // w -> p: x * 1
  pgt::expect_near(g.nodes[0].grad.to_vector(), {4, 5, 6});
}

TEST(Trace, BackwardStillFreesTheGraphAndWithoutAScopeKeepsNothing) {
  Tensor a = T({2.f}, {}, true);
  Tensor plain = exp(a);
  Tensor r = mul(plain, a);
  r.backward();
  EXPECT_FALSE(plain.grad().defined());  // no scope: interior gradients are freed as before
  {
    TraceScope scope;
    Tensor e = exp(a);
    Tensor y = mul(e, a);
    y.backward();
    EXPECT_FALSE(e.grad().defined());  // the tensor itself is as without a scope...
    EXPECT_NE(error_of([&] { y.backward(); }).find("already freed"), std::string::npos);
    const TraceGraph g = scope.graph(y, {{"e", e}});
    EXPECT_FLOAT_EQ(one(g.nodes[1].grad), 2.f);  // ...the scope kept d y / d e = a
    EXPECT_EQ(g.nodes[1].label, "e");
  }
  TraceScope later;
  Tensor z = exp(a);
  EXPECT_EQ(later.recorded(), 1u);
}

TEST(Trace, AClosedScopeRegistersNothingAndScopesNest) {
  Tensor a = T({1.f}, {}, true);
  auto outer = std::make_unique<TraceScope>();
  Tensor b = exp(a);
  size_t inner_count = 0;
  {
    TraceScope inner;
    Tensor c = exp(b);
    inner_count = inner.recorded();
  }
  EXPECT_EQ(inner_count, 1u);
  EXPECT_EQ(outer->recorded(), 2u);
  outer.reset();
  TraceScope fresh;
  Tensor d = exp(a);
  EXPECT_EQ(fresh.recorded(), 1u);
}

TEST(Trace, ARootNotMadeByATracedOpIsASingleNode) {
  Tensor k = T({5.f}, {});
  TraceScope scope;
  Tensor y = add(k, 1.f);  // no input requires grad: nothing is recorded
  EXPECT_EQ(scope.recorded(), 0u);
  const TraceGraph g = scope.graph(y);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.root, 0);
  EXPECT_EQ(g.nodes[0].op, "leaf");
  EXPECT_FLOAT_EQ(one(g.nodes[0].value), 6.f);
  EXPECT_TRUE(g.edges.empty());
  EXPECT_NE(error_of([&] { (void)scope.graph(Tensor()); }).find("trace: the root"), std::string::npos);
}

TEST(Trace, ProbesDoNotTripAnomalyModeOrChangeGradients) {
  DetectAnomalyGuard on(true);
  Tensor x = T({0.5f}, {}, true);
  TraceScope scope;
  Tensor y = log(x);
  y.backward();
  const TraceGraph g = scope.graph(y);
  EXPECT_FLOAT_EQ(one(g.edges[0].local), 2.f);
  EXPECT_FLOAT_EQ(one(x.grad()), 2.f);  // added once, not twice
}
