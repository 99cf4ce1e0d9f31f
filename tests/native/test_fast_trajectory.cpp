// pg::optim::trajectory: the path of an optimizer on f(x, y) equals a hand-written loop in double
// with the analytic gradient (Rosenbrock, plain gradient descent and momentum), Adam on a bowl
// reaches its minimum, and bad arguments are refused before anything runs.
#include "playgrad/trajectory.h"

#include "test_util.h"

using namespace pg;
using pg::optim::Json;

namespace {
const char* kRosen = "(1 - x)^2 + 100 (y - x^2)^2";
double rosen(double x, double y) { return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x); }
void rosen_grad(double x, double y, double& gx, double& gy) {
  gx = -2 * (1 - x) - 400 * x * (y - x * x);
  gy = 200 * (y - x * x);
}
}  // namespace

TEST(FastTrajectory, GradientDescentAndMomentumFollowTheFormulas) {
  const auto f = expr::Expr::parse(kRosen);
  for (double mu : {0.0, 0.9}) {
    const int steps = 200;
    auto p = optim::trajectory(f, "sgd", {{"lr", 1e-3}, {"momentum", mu}}, -1.5f, 2.f, steps);
    ASSERT_EQ(p.size(), size_t(3 * (steps + 1)));
    double x = -1.5, y = 2, bx = 0, by = 0;
    for (int s = 0; s <= steps; ++s) {
      EXPECT_NEAR(p[size_t(3 * s)], x, 2e-3) << "mu " << mu << " step " << s;
      EXPECT_NEAR(p[size_t(3 * s + 1)], y, 2e-3) << "mu " << mu << " step " << s;
      EXPECT_NEAR(p[size_t(3 * s + 2)], rosen(p[size_t(3 * s)], p[size_t(3 * s + 1)]), 1e-3 * std::max(1.0, rosen(x, y)));
      double gx, gy;
      rosen_grad(x, y, gx, gy);
      if (mu != 0) {
        bx = s == 0 ? gx : mu * bx + gx;
        by = s == 0 ? gy : mu * by + gy;
        gx = bx, gy = by;
      }
      x -= 1e-3 * gx;
      y -= 1e-3 * gy;
    }
  }
}

// The same loop on the autograd graph: Expr::eval, backward(), the optimizer's step().
std::vector<float> graph_path(const expr::Expr& f, const std::string& kind, const Json& o, float x0, float y0, int steps) {
  Tensor x = Tensor::scalar(x0).set_requires_grad(), y = Tensor::scalar(y0).set_requires_grad();
  auto opt = optim::make(kind, {x, y}, o);
  std::vector<float> p;
  for (int s = 0;; ++s) {
    opt->zero_grad();
    Tensor v = f.eval(x, y);
    p.insert(p.end(), {x.item(), y.item(), v.item()});
    if (s == steps) break;
    if (v.requires_grad()) v.backward();
    opt->step();
  }
  return p;
}

TEST(FastTrajectory, TheTapeFollowsTheAutogradGraph) {
  const std::vector<std::pair<const char*, Json>> cases = {
      {kRosen, {{"lr", 1e-3}, {"momentum", 0.9}, {"nesterov", true}}},
      {"sin(x) cos(y) + 0.1 (x^2 + y^2)", {{"lr", 0.05}}},
      {"exp(-(x^2 + y^2)) - x / (2 + y^2) + sqrt(1 + x^2) + abs(y - 1) - tanh(x y)", {{"lr", 0.02}}},
      {"x^y + sigmoid(-x) + log(3 + x^2) - tan(0.2 y)", {{"lr", 0.01}}},  // x^y: e^(y ln x), x > 0
      {"-(x - 2)^2 * -1 + 2^3 * y^2", {{"lr", 0.01}}},
      {"(y - 3)^2", {{"lr", 0.1}, {"weightDecay", 0.5}}},  // x unused: never stepped (no gradient)
  };
  for (const auto& [src, o] : cases) {
    const auto f = expr::Expr::parse(src);
    for (const char* kind : {"sgd", "adam"}) {
      const Json opts = std::string(kind) == "adam" ? Json{{"lr", 0.01}} : o;
      auto want = graph_path(f, kind, opts, 1.25f, 0.75f, 300);
      auto got = optim::trajectory(f, kind, opts, 1.25f, 0.75f, 300);
      ASSERT_EQ(got.size(), want.size());
      for (size_t i = 0; i < got.size(); ++i)
        ASSERT_NEAR(got[i], want[i], 1e-5 + 1e-5 * std::fabs(want[i])) << src << " " << kind << " at " << i;
    }
  }
}

TEST(FastTrajectory, AdamReachesTheBottomOfABowl) {
  const auto f = expr::Expr::parse("(x - 1)^2 + 3 (y + 2)^2");
  auto p = optim::trajectory(f, "adam", {{"lr", 0.05}}, 3.f, 3.f, 1000);
  EXPECT_NEAR(p[p.size() - 3], 1.0, 1e-2);
  EXPECT_NEAR(p[p.size() - 2], -2.0, 1e-2);
  EXPECT_LT(p.back(), 1e-3);
  // Every optimizer kind of the lesson runs and moves downhill on Rosenbrock.
  const auto r = expr::Expr::parse(kRosen);
  for (auto [kind, o] : std::vector<std::pair<std::string, Json>>{
           {"sgd", {{"lr", 1e-4}}}, {"sgd", {{"lr", 1e-4}, {"momentum", 0.9}, {"nesterov", true}}},
           {"adagrad", {{"lr", 0.1}}}, {"rmsprop", {{"lr", 0.01}}}, {"adam", {{"lr", 0.01}}}}) {
    auto q = optim::trajectory(r, kind, o, -1.5f, 2.f, 1000);
    EXPECT_LT(q.back(), q[2]) << kind;
  }
}

TEST(FastTrajectory, BadArgumentsAreRefused) {
  const auto f = expr::Expr::parse(kRosen);
  EXPECT_NE(pgt::error_of([&] { optim::trajectory(f, "newton", Json::object(), 0, 0, 10); }).find("newton"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { optim::trajectory(f, "sgd", {{"lr", -1}}, 0, 0, 10); }), "");
  EXPECT_NE(pgt::error_of([&] { optim::trajectory(f, "sgd", Json::object(), 0, 0, -1); }).find("steps"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { optim::trajectory(f, "sgd", Json::object(), NAN, 0, 1); }).find("finite"), std::string::npos);
  EXPECT_EQ(optim::trajectory(f, "sgd", Json::object(), 0.5f, 0.5f, 0).size(), 3u);
}
