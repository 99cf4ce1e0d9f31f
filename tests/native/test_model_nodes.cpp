// Model::forward_nodes / nodes(): every node's output in graph order, the same numbers forward()
// gives for the outputs, names and kinds for a functional graph with a shared input.
#include <gtest/gtest.h>

#include "playgrad/nn/model.h"

using pg::nn::GraphBuilder;
using pg::nn::Model;

TEST(ModelNodes, ForwardNodesGivesEveryLayersOutput) {
  GraphBuilder g;
  auto in = g.input({2}, "points");
  auto h = g.apply("Dense", {{"units", 3}, {"activation", "tanh"}}, {in}, "hidden");
  auto o = g.apply("Dense", {{"units", 1}, {"activation", "sigmoid"}}, {h}, "out");
  Model m(g.spec({in}, {o}), 5);
  pg::Tensor x = pg::Tensor::from_vector({0.5f, -1.f, 2.f, 0.25f}, {2, 2});
  auto all = m.forward_nodes({x});
  auto nodes = m.nodes();
  ASSERT_EQ(all.size(), 3u);
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[0].name, "points");
  EXPECT_EQ(nodes[0].kind, "Input");
  EXPECT_EQ(nodes[1].name, "hidden");
  EXPECT_EQ(nodes[1].kind, "Dense");
  EXPECT_EQ(nodes[1].shape, (pg::Shape{3}));
  EXPECT_EQ(all[0].to_vector(), x.to_vector());
  EXPECT_EQ(all[1].shape(), (pg::Shape{2, 3}));
  for (float v : all[1].to_vector()) EXPECT_LE(std::abs(v), 1.f);  // tanh
  EXPECT_EQ(all[2].to_vector(), m.forward({x})[0].to_vector());
}
