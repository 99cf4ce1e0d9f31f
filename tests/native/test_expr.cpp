// The expression parser (playgrad/expr/expr.h): values, gradients through backward() against
// central differences, precedence, errors with positions, limits; and the sin/cos/tan ops it
// needed (SIMD kernels against their scalar twins, gradients by gradcheck).
#include <cmath>
#include <string>

#include "playgrad/expr/expr.h"
#include "playgrad/kernels/kernels.h"
#include "playgrad/random.h"
#include "test_util.h"

using namespace pg;
using namespace pgt;
using pg::expr::Expr;

namespace {
double f_at(const Expr& e, float x, float y) { return e.value_grad(x, y).value; }
}  // namespace

TEST(Trig, KernelsMatchScalarTwins) {
  namespace K = pg::kernels;
  for (size_t n : {0, 1, 3, 4, 5, 9, 17, 100}) {
    for (auto op : {K::Unary::Sin, K::Unary::Cos, K::Unary::Tan}) {
      Rng r(11 + n);
      std::vector<float> x(n), g(n), y1(n), y2(n), d1(n), d2(n);
      for (auto& v : x) v = r.uniform(-1.4f, 1.4f);
      for (auto& v : g) v = r.uniform(-2.f, 2.f);
      K::simd::unary(op, x.data(), y1.data(), n, 0);
      K::scalar::unary(op, x.data(), y2.data(), n, 0);
      expect_near(y1, y2, 1e-6, 1e-6);
      K::simd::unary_backward(op, x.data(), y2.data(), g.data(), d1.data(), n, 0);
      K::scalar::unary_backward(op, x.data(), y2.data(), g.data(), d2.data(), n, 0);
      expect_near(d1, d2, 1e-6, 1e-6);
    }
  }
}

// (Their gradients against central differences, near the poles of tan and on lanes beyond
// |x| = 200 too, are rows of the op table: op_table.cpp.)
TEST(Trig, KnownValues) {
  expect_near(pg::sin(T({0, 0.5f, -2}, {3})).to_vector(), {0, 0.47942554f, -0.9092974f});
  expect_near(pg::cos(T({0, 0.5f, -2}, {3})).to_vector(), {1, 0.87758256f, -0.41614684f});
  expect_near(pg::tan(T({0, 0.5f, -1}, {3})).to_vector(), {0, 0.54630249f, -1.5574077f});
}

TEST(Expr, ValuesPrecedenceAndConstants) {
  struct Case {
    const char* src;
    float x, y;
    double want;
  };
  const Case cases[] = {
      {"1 + 2 * 3", 0, 0, 7},
      {"(1 + 2) * 3", 0, 0, 9},
      {"2 ^ 3 ^ 2", 0, 0, 512},  // right-associative
      {"-x^2", 3, 0, -9},        // ^ before unary minus
      {"2^-1", 0, 0, 0.5},
      {"x - y - 1", 5, 2, 2},    // left-associative
      {"x / y / 2", 8, 2, 2},
      {"2x + 3y", 1, 2, 8},      // implicit products
      {"3(x + 1)", 1, 0, 6},
      {"x**2", -3, 0, 9},
      {"x^2", -3, 0, 9},          // integer power of a negative base
      {"pi", 0, 0, M_PI},
      {"e", 0, 0, M_E},
      {"2e", 0, 0, 2 * M_E},
      {"1.5e2 + .5", 0, 0, 150.5},
      {"sin(pi/2) + cos(0) + tan(0)", 0, 0, 2},
      {"exp(1) - e", 0, 0, 0},
      {"log(e^2)", 0, 0, 2},
      {"sqrt(16) + abs(-3)", 0, 0, 7},
      {"tanh(0) + sigmoid(0)", 0, 0, 0.5},
      {"(1 - x)^2 + 100 (y - x^2)^2", 1, 1, 0},  // Rosenbrock's minimum
      {"(x^2 + y - 11)^2 + (x + y^2 - 7)^2", 3, 2, 0},  // Himmelblau
      {"x^y", 2, 3, 8},
  };
  for (const auto& c : cases) {
    const Expr e = Expr::parse(c.src);
    EXPECT_NEAR(f_at(e, c.x, c.y), c.want, 1e-5 + 1e-6 * std::fabs(c.want)) << c.src;
  }
  EXPECT_EQ(Expr::parse("-x^2").canonical(), "-(x ^ 2)");
  EXPECT_EQ(Expr::parse("2 ^ 3 ^ 2").canonical(), "2 ^ (3 ^ 2)");
  EXPECT_EQ(Expr::parse("1 - 2 - 3").canonical(), "(1 - 2) - 3");
  EXPECT_TRUE(Expr::parse("x + 1").uses_x());
  EXPECT_FALSE(Expr::parse("x + 1").uses_y());
}

TEST(Expr, GradientsFromBackwardMatchCentralDifferences) {
  const char* srcs[] = {
      "(1 - x)^2 + 100 (y - x^2)^2",
      "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
      "(1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2",
      "x^2 - y^2",
      "sin(x) cos(y) + tan(x/3) + exp(-y^2) + log(x^2 + 1) + sqrt(y^2 + 1)",
      "abs(x - 0.3) + tanh(y) * sigmoid(x) - x / (y^2 + 2)",
      "x^y + 2^x",
      "x * x * x",
  };
  Rng r(99);
  for (const char* src : srcs) {
    const Expr e = Expr::parse(src);
    for (int k = 0; k < 5; ++k) {
      const float x = r.uniform(0.5f, 1.5f), y = r.uniform(0.5f, 1.5f);
      const auto vg = e.value_grad(x, y);
      const double h = 1e-2;
      const double nx = (f_at(e, x + float(h), y) - f_at(e, x - float(h), y)) / (2 * h);
      const double ny = (f_at(e, x, y + float(h)) - f_at(e, x, y - float(h))) / (2 * h);
      EXPECT_NEAR(vg.dx, nx, 2e-2 + 2e-2 * std::fabs(nx)) << src << " at " << x << "," << y;
      EXPECT_NEAR(vg.dy, ny, 2e-2 + 2e-2 * std::fabs(ny)) << src << " at " << x << "," << y;
    }
  }
  // Exact gradients where they are easy to write down.
  const auto g = Expr::parse("x^2 + 3 x y").value_grad(2, -1);
  EXPECT_FLOAT_EQ(g.value, -2);
  EXPECT_FLOAT_EQ(g.dx, 1);   // 2x + 3y
  EXPECT_FLOAT_EQ(g.dy, 6);   // 3x
  const auto c = Expr::parse("7").value_grad(1, 1);
  EXPECT_FLOAT_EQ(c.value, 7);
  EXPECT_FLOAT_EQ(c.dx, 0);
  EXPECT_FLOAT_EQ(c.dy, 0);
}

TEST(Expr, EvaluatesOnAGridWithBroadcasting) {
  const Expr e = Expr::parse("x^2 + y");
  Tensor xs = T({-1, 0, 1}, {1, 3});
  Tensor ys = T({10, 20}, {2, 1});
  Tensor f = e.eval(xs, ys);
  EXPECT_EQ(f.shape(), (Shape{2, 3}));
  expect_near(f.to_vector(), {11, 10, 11, 21, 20, 21});
  // Only x used: still the broadcast shape.
  EXPECT_EQ(Expr::parse("x").eval(xs, ys).shape(), (Shape{2, 3}));
  EXPECT_EQ(Expr::parse("1").eval(xs, ys).to_vector(), std::vector<float>(6, 1.f));
  EXPECT_EQ(error_of([&] { e.eval(T({1, 2}, {2}), T({1, 2, 3}, {3})); }),
            "expr: shapes [2] and [3] cannot broadcast");
}

TEST(Expr, ErrorsNameThePosition) {
  auto err = [](const std::string& s) { return error_of([&] { Expr::parse(s); }); };
  EXPECT_EQ(err(""), "expr: the expression is empty");
  EXPECT_EQ(err("   "), "expr: the expression is empty");
  EXPECT_EQ(err("x +"), "expr: the expression ends early at position 4: expected a number, x, y, a function or '('");
  EXPECT_EQ(err("x + z"), "expr: unknown name 'z' at position 5 (use x, y, pi, e or a function: sin cos tan exp log sqrt abs tanh sigmoid)");
  EXPECT_EQ(err("sin x"), "expr: the function 'sin' at position 1 needs parentheses, e.g. sin(x)");
  EXPECT_EQ(err("(x + 1"), "expr: missing ')' for the '(' at position 1");
  EXPECT_EQ(err("x + 1)"), "expr: unmatched ')' at position 6");
  EXPECT_EQ(err("x # 2"), "expr: unexpected '#' at position 3: expected an operator (+ - * / ^) or the end");
  EXPECT_EQ(err("x * * 2"), "expr: unexpected '*' at position 5: expected a number, x, y, a function or '('");
  EXPECT_EQ(err("sin(x, y)"), "expr: unexpected ',' at position 6: expected ')' to close 'sin(' at position 4 (functions take one argument)");
  EXPECT_EQ(err("1e999"), "expr: the number 1e999 at position 1 is too large for float32");
  EXPECT_EQ(err("."), "expr: a lone '.' at position 1 is not a number");
  EXPECT_EQ(err("x\x01"), "expr: unexpected byte 0x1 at position 2: expected an operator (+ - * / ^) or the end");
  EXPECT_EQ(error_of([] { Expr::parse("x ^ (1/0)").value_grad(1, 1); }),
            "expr: the exponent of '^' at position 3 is inf, not a finite number");
}

TEST(Expr, LimitsLengthAndDepthWithoutRecursionBlowUp) {
  const std::string long_src = "x" + std::string(expr::kMaxLength, ' ');
  EXPECT_EQ(error_of([&] { Expr::parse(long_src); }),
            "expr: the expression is 1001 characters long; the limit is 1000");
  // Deep nesting: an error, not a stack overflow.
  std::string deep = std::string(400, '(') + "x" + std::string(400, ')');
  EXPECT_NE(error_of([&] { Expr::parse(deep); }).find("expr: nested too deeply at position"), std::string::npos);
  EXPECT_NE(error_of([&] { Expr::parse(std::string(900, '-') + "x"); }).find("nested too deeply"), std::string::npos);
  // 60 levels are fine.
  std::string ok = std::string(60, '(') + "x" + std::string(60, ')');
  EXPECT_FLOAT_EQ(Expr::parse(ok).value_grad(2, 0).value, 2);
  // Long flat sums are not nesting: 300 terms evaluate (iteratively) with the right gradient.
  std::string sum = "x";
  for (int i = 0; i < 299; ++i) sum += "+x";
  const auto g = Expr::parse(sum).value_grad(1, 0);
  EXPECT_FLOAT_EQ(g.value, 300);
  EXPECT_FLOAT_EQ(g.dx, 300);
}
