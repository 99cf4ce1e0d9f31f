// optim::optimize_path with its scalar gradient tape (the former pg.optim.trajectory tests): the
// path of an optimizer on f(x, y) equals a hand-written loop in double with the analytic gradient
// (Rosenbrock, plain gradient descent and momentum), the tape follows Expr::eval + backward() on
// the autograd graph for every operator and function, Adam on a bowl reaches its minimum, and bad
// arguments are refused before anything runs.
#include "playgrad/expr/optim_path.h"

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

TEST(OptimPathTape, GradientDescentAndMomentumFollowTheFormulas) {
  const auto f = expr::Expr::parse(kRosen);
  for (double mu : {0.0, 0.9}) {
    const int steps = 200;
    auto p = optim::optimize_path(f, "sgd", {{"lr", 1e-3}, {"momentum", mu}}, -1.5f, 2.f, steps);
    ASSERT_EQ(p.stop, "") << "mu " << mu;
    ASSERT_EQ(p.x.size(), size_t(steps + 1));
    ASSERT_EQ(p.y.size(), size_t(steps + 1));
    ASSERT_EQ(p.f.size(), size_t(steps + 1));
    double x = -1.5, y = 2, bx = 0, by = 0;
    for (int s = 0; s <= steps; ++s) {
      EXPECT_NEAR(p.x[size_t(s)], x, 2e-3) << "mu " << mu << " step " << s;
      EXPECT_NEAR(p.y[size_t(s)], y, 2e-3) << "mu " << mu << " step " << s;
      EXPECT_NEAR(p.f[size_t(s)], rosen(p.x[size_t(s)], p.y[size_t(s)]), 1e-3 * std::max(1.0, rosen(x, y)));
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

TEST(OptimPathTape, TheTapeFollowsTheAutogradGraph) {
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
      auto got = optim::optimize_path(f, kind, opts, 1.25f, 0.75f, 300);
      // A path that stopped early is compared on the points it returned.
      ASSERT_EQ(got.y.size(), got.x.size());
      ASSERT_EQ(got.f.size(), got.x.size());
      ASSERT_LE(3 * got.x.size(), want.size());
      if (got.stop.empty()) {
        ASSERT_EQ(3 * got.x.size(), want.size()) << src << " " << kind;
      }
      for (size_t s = 0; s < got.x.size(); ++s) {
        const float g[3] = {got.x[s], got.y[s], got.f[s]};
        for (size_t c = 0; c < 3; ++c) {
          const size_t i = 3 * s + c;
          ASSERT_NEAR(g[c], want[i], 1e-5 + 1e-5 * std::fabs(want[i])) << src << " " << kind << " at " << i;
        }
      }
    }
  }
}

TEST(OptimPathTape, AdamReachesTheBottomOfABowl) {
  const auto f = expr::Expr::parse("(x - 1)^2 + 3 (y + 2)^2");
  auto p = optim::optimize_path(f, "adam", {{"lr", 0.05}}, 3.f, 3.f, 1000);
  ASSERT_EQ(p.stop, "");
  EXPECT_NEAR(p.x.back(), 1.0, 1e-2);
  EXPECT_NEAR(p.y.back(), -2.0, 1e-2);
  EXPECT_LT(p.f.back(), 1e-3);
  // Every optimizer kind of the lesson runs and moves downhill on Rosenbrock.
  const auto r = expr::Expr::parse(kRosen);
  for (auto [kind, o] : std::vector<std::pair<std::string, Json>>{
           {"sgd", {{"lr", 1e-4}}}, {"sgd", {{"lr", 1e-4}, {"momentum", 0.9}, {"nesterov", true}}},
           {"adagrad", {{"lr", 0.1}}}, {"rmsprop", {{"lr", 0.01}}}, {"adam", {{"lr", 0.01}}}}) {
    auto q = optim::optimize_path(r, kind, o, -1.5f, 2.f, 1000);
    EXPECT_EQ(q.stop, "") << kind;
    EXPECT_LT(q.f.back(), q.f.front()) << kind;
  }
}

TEST(OptimPathTape, BadArgumentsAreRefused) {
  const auto f = expr::Expr::parse(kRosen);
  EXPECT_NE(pgt::error_of([&] { optim::optimize_path(f, "newton", Json::object(), 0, 0, 10); }).find("newton"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { optim::optimize_path(f, "sgd", {{"lr", -1}}, 0, 0, 10); }), "");
  EXPECT_NE(pgt::error_of([&] { optim::optimize_path(f, "sgd", Json::object(), 0, 0, -1); }).find("steps"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { optim::optimize_path(f, "sgd", Json::object(), NAN, 0, 1); }).find("finite"), std::string::npos);
  const auto z = optim::optimize_path(f, "sgd", Json::object(), 0.5f, 0.5f, 0);
  EXPECT_EQ(z.x.size(), 1u);
  EXPECT_EQ(z.f.size(), 1u);
}
