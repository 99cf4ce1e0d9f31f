// Functional graphs by name (graph.cpp): ordering, the errors for graphs Keras cannot build,
// summary_rows(), and head_gradients(): each output's part of the shared layers' gradient adds up
// to the gradient of the weighted total loss.
#include <cmath>

#include "playgrad/nn/model.h"
#include "test_util.h"

using namespace pg;
using namespace pg::nn;

namespace {

Json dense(const std::string& name, int units, std::vector<std::string> in, const std::string& act = "linear") {
  return {{"name", name}, {"kind", "Dense"}, {"config", {{"units", units}, {"activation", act}}}, {"inputs", in}};
}
Json input(const std::string& name, Shape shape) { return {{"name", name}, {"kind", "Input"}, {"shape", shape}}; }

// The course's one input, two heads; listed out of order on purpose.
Json two_heads() {
  return {{"nodes", {dense("o1", 4, {"h2"}), dense("h2", 45, {"h1"}, "relu"), input("x", {4}), dense("h1", 30, {"x"}),
                     dense("h3", 30, {"h1"}), dense("o2", 2, {"h3"})}},
          {"outputs", {"o1", "o2"}}};
}

}  // namespace

TEST(Graph, OrdersByDependencyAndCountsKerasParams) {
  Json g = graph_spec(two_heads());
  Model m(g["spec"], 1);
  const Json rows = m.summary_rows();
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0]["name"], "x");
  EXPECT_EQ(rows[0]["kind"], "InputLayer");
  // Keras: units·(fan_in + 1)
  std::map<std::string, int64_t> want = {{"x", 0}, {"h1", 150}, {"h2", 1395}, {"o1", 184}, {"h3", 930}, {"o2", 62}};
  int64_t total = 0;
  for (const Json& r : rows) {
    EXPECT_EQ(r["params"].get<int64_t>(), want.at(r["name"].get<std::string>())) << r.dump();
    total += r["params"].get<int64_t>();
  }
  EXPECT_EQ(total, m.count_params());
  EXPECT_EQ(m.output_shape(0), (Shape{4}));
  EXPECT_EQ(m.output_shape(1), (Shape{2}));
  EXPECT_TRUE(g["unused"].empty());
  // A layer that leads to no output is left out, as Keras leaves it out.
  Json d = two_heads();
  d["nodes"].push_back(dense("spare", 3, {"h1"}));
  EXPECT_EQ(graph_spec(d)["unused"], Json::array({"spare"}));
}

TEST(Graph, RefusesWhatKerasCannotBuildNamingTheNodes) {
  Json cyc = two_heads();
  cyc["nodes"][3]["inputs"] = {"x", "h3"};  // h1 takes h3, h3 takes h1
  const std::string c = pgt::error_of([&] { graph_spec(cyc); });
  EXPECT_NE(c.find("cycle"), std::string::npos) << c;
  EXPECT_NE(c.find("h1 → h3 → h1"), std::string::npos) << c;
  Json unused = two_heads();
  unused["nodes"].push_back(input("x2", {4}));
  EXPECT_NE(pgt::error_of([&] { graph_spec(unused); }).find("input 'x2' reaches no output"), std::string::npos);
  Json orphan = two_heads();
  orphan["nodes"][4]["inputs"] = Json::array();
  EXPECT_NE(pgt::error_of([&] { graph_spec(orphan); }).find("layer 'h3' (Dense) is connected to no input"), std::string::npos);
  Json one = two_heads();
  one["nodes"].push_back({{"name", "cat"}, {"kind", "Concatenate"}, {"inputs", {"h1"}}});
  one["outputs"].push_back("cat");
  EXPECT_NE(pgt::error_of([&] { graph_spec(one); }).find("Concatenate 'cat' takes 1 tensor"), std::string::npos);
  Json unknown = two_heads();
  unknown["nodes"][5]["inputs"] = {"nope"};
  EXPECT_NE(pgt::error_of([&] { graph_spec(unknown); }).find("'nope', which is no node"), std::string::npos);
  // Shapes that do not concatenate: the model names the layer and the shapes.
  Json cat = {{"nodes", {input("a", {2, 4}), input("b", {4}), dense("da", 3, {"a"}), dense("db", 5, {"b"}),
                         {{"name", "cat"}, {"kind", "Concatenate"}, {"inputs", {"da", "db"}}}}},
              {"outputs", {"cat"}}};
  const std::string s = pgt::error_of([&] { Model m(graph_spec(cat)["spec"], 0); });
  EXPECT_NE(s.find("Concatenate 'cat'"), std::string::npos) << s;
  EXPECT_NE(s.find("[2,3], [5]"), std::string::npos) << s;
}

TEST(Graph, HeadGradientsAddUpToTheTotalGradient) {
  Model m(graph_spec(two_heads())["spec"], 3);
  m.compile({{"optimizer", "sgd"}, {"loss", {"mse", "mse"}}, {"lossWeights", {1.0, 0.25}}});
  Tensor x = Tensor::randn({16, 4}, 5), y1 = Tensor::randn({16, 4}, 6), y2 = Tensor::randn({16, 2}, 7);
  const Json hg = m.head_gradients({x}, {y1, y2});
  ASSERT_EQ(hg["outputs"].size(), 2u);
  EXPECT_EQ(hg["outputs"][1]["weight"].get<double>(), 0.25);
  // The full gradient of w1·L1 + w2·L2, layer by layer.
  for (Tensor p : m.parameters()) p.zero_grad();
  m.total_loss(m.forward({x}, false), {y1, y2}).backward();
  for (const Json& l : hg["layers"]) {
    double sq = 0;
    for (auto& [nm, t] : m.layer(l["name"].get<std::string>())->params())
      for (float v : t.grad().to_vector()) sq += double(v) * double(v);
    EXPECT_NEAR(l["norm"].get<double>(), std::sqrt(sq), 1e-5 * (1 + std::sqrt(sq))) << l.dump();
    const double s0 = l["share"][0].get<double>(), s1 = l["share"][1].get<double>();
    EXPECT_NEAR(s0 + s1, 1.0, 1e-9) << l.dump();
    const std::string name = l["name"].get<std::string>();
    if (name == "h1") {  // shared: both heads reach it
      EXPECT_EQ(l["feeds"], Json::array({0, 1}));
      EXPECT_GT(l["norms"][0].get<double>(), 0);
      EXPECT_GT(l["norms"][1].get<double>(), 0);
    } else if (name == "h3" || name == "o2") {  // head 2 only
      EXPECT_EQ(l["feeds"], Json::array({1}));
      EXPECT_EQ(l["norms"][0].get<double>(), 0);
      EXPECT_NEAR(s1, 1.0, 1e-12);
    }
  }
  for (Tensor p : m.parameters()) p.zero_grad();
  // Weight 0 silences a head.
  m.compile({{"optimizer", "sgd"}, {"loss", {"mse", "mse"}}, {"lossWeights", {1.0, 0.0}}});
  const Json silenced = m.head_gradients({x}, {y1, y2});  // kept: a range-for over a temporary's ["layers"] dangles
  for (const Json& l : silenced["layers"]) EXPECT_EQ(l["norms"][1].get<double>(), 0) << l.dump();
}
