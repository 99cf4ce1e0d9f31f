// Optimizers against the formulas written out in double (an independent reference), state
// save/restore, schedules and errors.
#include "playgrad/nn/optim.h"

#include <array>

#include "test_util.h"

using namespace pg;
using pg::optim::Json;
using pgt::T;

namespace {

// f(x, y) = x² + 10 y² + x y, gradient (2x + y, 20y + x).
std::array<double, 2> grad_f(double x, double y) { return {2 * x + y, 20 * y + x}; }

struct Ref {  // PyTorch's algorithms in double, one parameter vector of 2
  std::string kind;
  Json o;
  std::array<double, 2> w{1.0, -0.5}, m{}, v{}, vmax{}, buf{}, acc{}, ga{};
  int t = 0;
  double num(const char* k, double d) { return o.contains(k) ? o[k].get<double>() : d; }
  bool flag(const char* k) { return o.contains(k) && o[k].get<bool>(); }
  void step() {
    ++t;
    auto g = grad_f(w[0], w[1]);
    for (int i = 0; i < 2; ++i) {
      double d = g[size_t(i)];
      const size_t k = size_t(i);
      if (kind == "sgd") {
        const double mu = num("momentum", 0), damp = num("dampening", 0), wd = num("weightDecay", 0);
        d += wd * w[k];
        if (mu != 0) {
          buf[k] = t == 1 ? d : mu * buf[k] + (1 - damp) * d;
          d = flag("nesterov") ? d + mu * buf[k] : buf[k];
        }
        w[k] -= num("lr", 1e-3) * d;
      } else if (kind == "adagrad") {
        if (t == 1) acc[k] = num("initialAccumulator", 0);
        acc[k] += d * d;
        w[k] -= num("lr", 1e-2) * d / (std::sqrt(acc[k]) + num("epsilon", 1e-10));
      } else if (kind == "rmsprop") {
        const double a = num("alpha", 0.99), eps = num("epsilon", 1e-8), mu = num("momentum", 0);
        v[k] = a * v[k] + (1 - a) * d * d;
        double avg;
        if (flag("centered")) {
          ga[k] = a * ga[k] + (1 - a) * d;
          avg = std::sqrt(v[k] - ga[k] * ga[k]) + eps;
        } else {
          avg = std::sqrt(v[k]) + eps;
        }
        if (mu > 0) {
          buf[k] = mu * buf[k] + d / avg;
          w[k] -= num("lr", 1e-2) * buf[k];
        } else {
          w[k] -= num("lr", 1e-2) * d / avg;
        }
      } else {  // adam, adamw
        const double lr = num("lr", 1e-3), b1 = num("beta1", 0.9), b2 = num("beta2", 0.999),
                     eps = num("epsilon", 1e-8), wd = num("weightDecay", kind == "adamw" ? 1e-2 : 0);
        if (kind == "adamw") w[k] *= 1 - lr * wd;
        else d += wd * w[k];
        m[k] = b1 * m[k] + (1 - b1) * d;
        v[k] = b2 * v[k] + (1 - b2) * d * d;
        double vv = v[k];
        if (flag("amsgrad")) vv = vmax[k] = std::max(vmax[k], v[k]);
        if (o.value("epsilonOn", std::string("vhat")) == "v")  // Keras: eps on √v
          w[k] -= lr * std::sqrt(1 - std::pow(b2, t)) / (1 - std::pow(b1, t)) * m[k] / (std::sqrt(vv) + eps);
        else  // PyTorch: eps on √v̂
          w[k] -= lr / (1 - std::pow(b1, t)) * m[k] / (std::sqrt(vv) / std::sqrt(1 - std::pow(b2, t)) + eps);
      }
    }
  }
};

std::vector<float> run(const std::string& kind, const Json& o, int steps) {
  Tensor w = T({1.f, -0.5f}, {2}, true);
  auto opt = optim::make(kind, {w}, o);
  for (int s = 0; s < steps; ++s) {
    opt->zero_grad();
    // f = x² + 10 y² + x y through the ops
    Tensor x = sum(mul(w, T({1.f, 0.f}, {2}))), y = sum(mul(w, T({0.f, 1.f}, {2})));
    Tensor f = add(sum(mul(mul(w, w), T({1.f, 10.f}, {2}))), mul(x, y));
    f.backward();
    opt->step();
  }
  return w.to_vector();
}

}  // namespace

TEST(Optim, TenStepsFollowTheReferenceTrajectory) {
  const std::vector<std::pair<std::string, Json>> cases = {
      {"sgd", {{"lr", 0.02}}},
      {"sgd", {{"lr", 0.02}, {"momentum", 0.9}}},
      {"sgd", {{"lr", 0.02}, {"momentum", 0.9}, {"dampening", 0.9}}},
      {"sgd", {{"lr", 0.02}, {"momentum", 0.8}, {"nesterov", true}, {"weightDecay", 0.1}}},
      {"adagrad", {{"lr", 0.1}}},
      {"adagrad", {{"lr", 0.1}, {"initialAccumulator", 0.1}}},
      {"rmsprop", {{"lr", 0.01}}},
      {"rmsprop", {{"lr", 0.01}, {"momentum", 0.5}, {"centered", true}}},
      {"adam", {{"lr", 0.05}}},
      {"adam", {{"lr", 0.05}, {"amsgrad", true}, {"weightDecay", 0.1}}},
      {"adam", {{"lr", 0.05}, {"epsilonOn", "v"}}},
      {"adam", {{"lr", 0.05}, {"epsilonOn", "v"}, {"epsilon", 0.5}, {"amsgrad", true}}},
      {"adam", {{"lr", 0.05}, {"epsilonOn", "vhat"}, {"epsilon", 0.5}}},
      {"adamw", {{"lr", 0.05}}},
      {"adamw", {{"lr", 0.05}, {"weightDecay", 0.3}, {"beta1", 0.8}}},
  };
  for (const auto& [kind, o] : cases) {
    Ref ref{kind, o};
    for (int s = 1; s <= 10; ++s) {
      ref.step();
      const std::vector<float> got = run(kind, o, s);
      EXPECT_NEAR(got[0], ref.w[0], 1e-4) << kind << " " << o.dump() << " step " << s;
      EXPECT_NEAR(got[1], ref.w[1], 1e-4) << kind << " " << o.dump() << " step " << s;
    }
  }
}

TEST(Optim, AdamEpsilonPlacementKerasVersusPyTorch) {
  // One step on f = g·w with g = 0.01 (|m̂| = √v̂ = 0.01), lr = 1, eps = 1e-3, β2 = 0.999:
  //   PyTorch (eps on √v̂): 0.01 / (0.01 + 1e-3) = 0.909091
  //   Keras   (eps on √v):  √(1 - 0.999)/(1 - 0.9) · m / (√v + 1e-3), m = 0.001, v = 1e-7
  //                       = 0.316228 · 0.001 / (3.16228e-4 + 1e-3) = 0.240253
  for (const char* where : {"vhat", "v"}) {
    Tensor w = T({0.f}, {1}, true);
    auto opt = optim::make("adam", {w}, {{"lr", 1.0}, {"epsilon", 1e-3}, {"epsilonOn", where}});
    sum(mul(w, T({0.01f}, {1}))).backward();
    opt->step();
    const double keras = std::sqrt(1 - 0.999) / (1 - 0.9) * 0.001 / (std::sqrt(1e-7) + 1e-3);
    EXPECT_NEAR(w.item(), std::string(where) == "v" ? -keras : -0.01 / 0.011, 1e-5) << where;
    EXPECT_EQ(opt->config()["epsilonOn"], where);
  }
  // With eps = 0 the two placements are the same update.
  Tensor a = T({0.f}, {1}, true), b = T({0.f}, {1}, true);
  auto pa = optim::make("adam", {a}, {{"lr", 0.1}, {"epsilon", 0.0}});
  auto pb = optim::make("adam", {b}, {{"lr", 0.1}, {"epsilon", 0.0}, {"epsilonOn", "v"}});
  for (int s = 0; s < 3; ++s) {
    pa->zero_grad();
    pb->zero_grad();
    sum(mul(a, T({0.3f}, {1}))).backward();
    sum(mul(b, T({0.3f}, {1}))).backward();
    pa->step();
    pb->step();
    EXPECT_NEAR(a.item(), b.item(), 1e-6);
  }
  EXPECT_NE(pgt::error_of([&] { optim::make("adam", {a}, {{"epsilonOn", "sqrt"}}); })
                .find("adam: option epsilonOn must be one of 'vhat', 'v', got 'sqrt'"),
            std::string::npos);
}

TEST(Optim, HandComputedFirstSteps) {
  // sgd: w = 1 - 0.1·2 = 0.8 for f = w²
  Tensor w = T({1.f}, {1}, true);
  auto sgd = optim::make("sgd", {w}, {{"lr", 0.1}});
  sum(mul(w, w)).backward();
  sgd->step();
  EXPECT_NEAR(w.item(), 0.8f, 1e-7);
  // adam's first step moves every coordinate by about lr (m̂ = g, v̂ = g²).
  Tensor a = T({1.f, -2.f, 3.f}, {3}, true);
  auto adam = optim::make("adam", {a}, {{"lr", 0.01}});
  sum(mul(a, T({5.f, -0.1f, 100.f}, {3}))).backward();
  adam->step();
  pgt::expect_near(a.to_vector(), {0.99f, -1.99f, 2.99f}, 1e-6);
  // EMA momentum (momentum = dampening = β): second step buf = β g1 + (1 - β) g2.
  Tensor e = T({0.f}, {1}, true);
  auto ema = optim::make("sgd", {e}, {{"lr", 1.0}, {"momentum", 0.9}, {"dampening", 0.9}});
  sum(mul(e, 1.f)).backward();
  ema->step();  // buf = 1, w = -1
  ema->zero_grad();
  sum(mul(e, 3.f)).backward();
  ema->step();  // buf = 0.9·1 + 0.1·3 = 1.2, w = -2.2
  EXPECT_NEAR(e.item(), -2.2f, 1e-6);
}

TEST(Optim, SkipsParametersWithoutGradAndZeroGrad) {
  Tensor a = T({1.f}, {1}, true), b = T({2.f}, {1}, true);
  auto opt = optim::make("sgd", {a, b}, {{"lr", 0.5}});
  sum(mul(a, a)).backward();
  opt->step();
  EXPECT_FLOAT_EQ(a.item(), 0.f);
  EXPECT_FLOAT_EQ(b.item(), 2.f);
  opt->zero_grad();
  EXPECT_FALSE(a.grad().defined());
}

TEST(Optim, StateRoundTrip) {
  for (const char* kind : {"sgd", "adagrad", "rmsprop", "adam", "adamw"}) {
    Json o = {{"lr", 0.05}};
    if (std::string(kind) == "sgd") o["momentum"] = 0.9;
    if (std::string(kind) == "rmsprop") o["centered"] = true;
    Tensor a = T({1.f, 2.f}, {2}, true), b = T({1.f, 2.f}, {2}, true);
    auto oa = optim::make(kind, {a}, o);
    auto step = [](optim::Optimizer& opt, Tensor& w) {
      opt.zero_grad();
      sum(mul(mul(w, w), T({1.f, 3.f}, {2}))).backward();
      opt.step();
    };
    for (int i = 0; i < 3; ++i) step(*oa, a);
    std::copy_n(a.data(), 2, b.data());
    Json ob_opts = o;
    ob_opts["lr"] = 1.0;  // the saved state brings the lr back
    auto ob = optim::make(kind, {b}, ob_opts);
    ob->load_state_json(oa->state_json());
    EXPECT_DOUBLE_EQ(ob->lr(), 0.05);
    for (int i = 0; i < 3; ++i) {
      step(*oa, a);
      step(*ob, b);
    }
    EXPECT_EQ(a.to_vector(), b.to_vector()) << kind;
  }
}

TEST(Optim, Schedules) {
  using optim::scheduled_lr;
  auto s = optim::parse_schedule({{"kind", "step"}, {"stepSize", 2}, {"gamma", 0.5}});
  EXPECT_DOUBLE_EQ(scheduled_lr(s, 1.0, 0), 1.0);
  EXPECT_DOUBLE_EQ(scheduled_lr(s, 1.0, 1), 1.0);
  EXPECT_DOUBLE_EQ(scheduled_lr(s, 1.0, 2), 0.5);
  EXPECT_DOUBLE_EQ(scheduled_lr(s, 1.0, 5), 0.25);
  auto e = optim::parse_schedule({{"kind", "exponential"}, {"gamma", 0.9}});
  EXPECT_NEAR(scheduled_lr(e, 0.1, 3), 0.1 * 0.729, 1e-15);
  auto c = optim::parse_schedule({{"kind", "cosine"}, {"tMax", 10}, {"etaMin", 0.01}});
  EXPECT_NEAR(scheduled_lr(c, 0.1, 0), 0.1, 1e-15);
  EXPECT_NEAR(scheduled_lr(c, 0.1, 5), 0.055, 1e-12);
  EXPECT_NEAR(scheduled_lr(c, 0.1, 10), 0.01, 1e-12);
  Tensor w = T({1.f}, {1}, true);
  auto opt = optim::make("sgd", {w}, {{"lr", 0.4}});
  optim::LRScheduler sch(*opt, s);
  sch.step();
  EXPECT_DOUBLE_EQ(opt->lr(), 0.4);
  sch.step();
  EXPECT_DOUBLE_EQ(opt->lr(), 0.2);
}

TEST(Optim, Errors) {
  Tensor w = T({1.f}, {1}, true);
  EXPECT_EQ(pgt::error_of([&] { optim::make("adam", {w}, {{"lr", -0.1}}); }),
            "adam: learning rate must be finite and >= 0, got -0.1");
  EXPECT_NE(pgt::error_of([&] { optim::make("adam", {w}, {{"learningRate", 0.1}}); }).find("unknown option 'learningRate'"),
            std::string::npos);
  EXPECT_NE(pgt::error_of([&] { optim::make("adam", {w}, {{"beta1", 1.0}}); }).find("beta1 must be in [0, 1)"),
            std::string::npos);
  EXPECT_NE(pgt::error_of([&] { optim::make("sgd", {w}, {{"nesterov", true}}); }).find("nesterov"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { optim::make("sgd", {mul(w, 2.f)}); }).find("not a leaf"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { optim::make("sgd", {T({1}, {1})}); }).find("does not require grad"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { optim::make("sgd", {w, w}); }).find("appears twice"), std::string::npos);
  EXPECT_NE(pgt::error_of([&] { optim::make("lbfgs", {w}); }).find("unknown optimizer"), std::string::npos);
  auto opt = optim::make("adam", {w}, {{"lr", 0.1}});
  EXPECT_NE(pgt::error_of([&] { opt->set_lr(-1); }), "");
  EXPECT_DOUBLE_EQ(opt->lr(), 0.1);
  // A state for other parameters is refused and nothing changes.
  Tensor v = T({1.f, 2.f}, {2}, true);
  auto other = optim::make("adam", {v});
  sum(v).backward();
  other->step();
  const Json before = opt->state_json();
  EXPECT_NE(pgt::error_of([&] { opt->load_state_json(other->state_json()); }), "");
  EXPECT_EQ(opt->state_json(), before);
}
