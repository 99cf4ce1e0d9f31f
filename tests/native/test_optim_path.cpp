// optim::optimize_path: the same numbers as stepping the optimizer by hand on the expression's
// graph, early stops with a reason (divergence, non-finite f or gradient) and validation first.
#include "playgrad/expr/optim_path.h"

#include <cmath>

#include "test_util.h"

using namespace pg;
using pg::optim::Json;

namespace {

TEST(OptimPath, MatchesStepByStepOnTheGraph) {
  const auto f = expr::Expr::parse("((1 - x)^2 + 100 (y - x^2)^2) / 100");
  for (const char* kind : {"sgd", "adagrad", "rmsprop", "adam"}) {
    const Json o = Json{{"lr", 0.01}};
    const auto p = optim::optimize_path(f, kind, o, -1.5f, 2.f, 30);
    ASSERT_EQ(p.stop, "") << kind;
    ASSERT_EQ(p.x.size(), 31u);
    ASSERT_EQ(p.f.size(), 31u);
    Tensor x = Tensor::scalar(-1.5f).set_requires_grad();
    Tensor y = Tensor::scalar(2.f).set_requires_grad();
    auto opt = optim::make(kind, {x, y}, o);
    for (int t = 0; t <= 30; ++t) {
      EXPECT_EQ(p.x[t], x.item()) << kind << " step " << t;
      EXPECT_EQ(p.y[t], y.item()) << kind << " step " << t;
      opt->zero_grad();
      Tensor v = f.eval(x, y);
      EXPECT_EQ(p.f[t], v.item()) << kind << " step " << t;
      v.backward();
      opt->step();
    }
  }
}

TEST(OptimPath, GradientDescentOnABowlIsTheClosedForm) {
  const auto f = expr::Expr::parse("x^2 + y^2");
  const auto p = optim::optimize_path(f, "sgd", Json{{"lr", 0.25}}, 1.f, -2.f, 3);
  EXPECT_EQ(p.x, (std::vector<float>{1.f, 0.5f, 0.25f, 0.125f}));
  EXPECT_EQ(p.y, (std::vector<float>{-2.f, -1.f, -0.5f, -0.25f}));
  EXPECT_EQ(p.stop_step, -1);
}

TEST(OptimPath, StopsWithAReasonAndNoNonFinitePoint) {
  // lr too large on x^2 + y^2: |x| doubles... and leaves the box.
  auto p = optim::optimize_path(expr::Expr::parse("x^2 + y^2"), "sgd", Json{{"lr", 1.5}}, 1.f, 1.f, 100, 100.f);
  EXPECT_EQ(p.stop.rfind("diverged at step ", 0), 0u) << p.stop;
  EXPECT_GT(p.stop_step, 0);
  EXPECT_EQ(p.x.size(), size_t(p.stop_step));
  for (size_t i = 0; i < p.x.size(); ++i) EXPECT_TRUE(std::isfinite(p.x[i]) && std::isfinite(p.y[i]) && std::isfinite(p.f[i]));
  // f not finite at the start.
  p = optim::optimize_path(expr::Expr::parse("log(x)"), "sgd", Json{{"lr", 0.1}}, -1.f, 0.f, 10);
  EXPECT_NE(p.stop.find("f is not finite at step 0"), std::string::npos) << p.stop;
  EXPECT_TRUE(p.x.empty());
  // Gradient not finite: sqrt at 0.
  p = optim::optimize_path(expr::Expr::parse("sqrt(x^2) + y"), "sgd", Json{{"lr", 0.1}}, 0.f, 0.f, 10);
  EXPECT_NE(p.stop.find("gradient is not finite"), std::string::npos) << p.stop;
}

TEST(OptimPath, ValidatesBeforeStepping) {
  const auto f = expr::Expr::parse("x^2");
  EXPECT_THROW(optim::optimize_path(f, "nope", Json::object(), 0.f, 0.f, 10), Error);
  EXPECT_THROW(optim::optimize_path(f, "sgd", Json{{"lr", -1}}, 0.f, 0.f, 10), Error);
  EXPECT_THROW(optim::optimize_path(f, "sgd", Json::object(), NAN, 0.f, 10), Error);
  EXPECT_THROW(optim::optimize_path(f, "sgd", Json::object(), 0.f, 0.f, -1), Error);
  EXPECT_THROW(optim::optimize_path(f, "sgd", Json::object(), 0.f, 0.f, optim::kMaxPathSteps + 1), Error);
  EXPECT_THROW(optim::optimize_path(f, "sgd", Json::object(), 0.f, 0.f, 1, 0.f), Error);
  // f that ignores y: y has no gradient and is left alone (PyTorch skips it).
  const auto p = optim::optimize_path(f, "adam", Json{{"lr", 0.1}}, 1.f, 3.f, 5);
  for (float v : p.y) EXPECT_EQ(v, 3.f);
}

}  // namespace
