// The expression parser (recursive descent with a depth limit), its evaluation on the autograd
// graph (eval: a loop over the flat node list) and its scalar evaluator (Tape: the same loop on
// floats, forward then backward). See playgrad/expr/expr.h for the grammar.
#include "playgrad/expr/expr.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "playgrad/kernels/kernels.h"
#include "playgrad/ops/ops.h"

namespace pg::expr {

namespace {
struct FuncEntry {
  const char* name;
  Func f;
};
constexpr FuncEntry kFuncs[] = {
    {"sin", Func::Sin},   {"cos", Func::Cos},   {"tan", Func::Tan},
    {"exp", Func::Exp},   {"log", Func::Log},   {"sqrt", Func::Sqrt},
    {"abs", Func::Abs},   {"tanh", Func::Tanh}, {"sigmoid", Func::Sigmoid},
};
constexpr const char* kNames = "x, y, pi, e or a function: sin cos tan exp log sqrt abs tanh sigmoid";

// What a printable character looks like in a message.
std::string show(char c) {
  if (std::isprint(static_cast<unsigned char>(c))) return std::string("'") + c + "'";
  const char* hex = "0123456789abcdef";
  const unsigned b = static_cast<unsigned char>(c);
  return std::string("byte 0x") + (b >= 16 ? std::string(1, hex[b >> 4]) : "") + hex[b & 15];
}
}  // namespace

const char* func_name(Func f) {
  for (const auto& e : kFuncs)
    if (e.f == f) return e.name;
  return "?";
}

class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}

  Expr run() {
    Expr e;
    e.source_ = s_;
    skip();
    if (i_ >= s_.size()) fail("expr: the expression is empty");
    out_ = &e.nodes_;
    parse_expr();
    skip();
    if (i_ < s_.size()) {
      if (s_[i_] == ')') fail("expr: unmatched ')' at position ", i_ + 1);
      fail("expr: unexpected ", show(s_[i_]), " at position ", i_ + 1,
           ": expected an operator (+ - * / ^) or the end");
    }
    for (const Node& n : e.nodes_) {
      e.uses_x_ |= n.kind == Kind::X;
      e.uses_y_ |= n.kind == Kind::Y;
    }
    return e;
  }

 private:
  const std::string& s_;
  size_t i_ = 0;
  int depth_ = 0;
  std::vector<Node>* out_ = nullptr;

  int pos() const { return int(i_) + 1; }
  void skip() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool at(char c) {
    skip();
    return i_ < s_.size() && s_[i_] == c;
  }
  int emit(Node n) {
    n.constant = n.kind == Kind::Number ||
                 (n.kind != Kind::X && n.kind != Kind::Y && (n.a < 0 || (*out_)[size_t(n.a)].constant) &&
                  (n.b < 0 || (*out_)[size_t(n.b)].constant));
    out_->push_back(n);
    return int(out_->size()) - 1;
  }
  int binary(Kind k, int a, int b, int p) {
    Node n{k};
    n.a = a;
    n.b = b;
    n.pos = p;
    return emit(n);
  }

  int parse_expr() {
    int left = parse_term();
    while (true) {
      skip();
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) {
        const Kind k = s_[i_] == '+' ? Kind::Add : Kind::Sub;
        const int p = pos();
        ++i_;
        const int right = parse_term();
        left = binary(k, left, right, p);
      } else {
        return left;
      }
    }
  }

  int parse_term() {
    int left = parse_unary();
    while (true) {
      skip();
      if (i_ >= s_.size()) return left;
      const char c = s_[i_];
      if ((c == '*' && !(i_ + 1 < s_.size() && s_[i_ + 1] == '*')) || c == '/') {
        const int p = pos();
        ++i_;
        const int right = parse_unary();
        left = binary(c == '*' ? Kind::Mul : Kind::Div, left, right, p);
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '(') {
        // Implicit product: 2x, 3(x + 1), x y, 2 sin(x).
        const int p = pos();
        const int right = parse_unary();
        left = binary(Kind::Mul, left, right, p);
      } else {
        return left;
      }
    }
  }

  int parse_unary() {
    if (++depth_ > kMaxDepth)
      fail("expr: nested too deeply at position ", pos(), " (the limit is ", kMaxDepth, " levels)");
    skip();
    int r;
    if (i_ < s_.size() && (s_[i_] == '-' || s_[i_] == '+')) {
      const bool minus = s_[i_] == '-';
      const int p = pos();
      ++i_;
      const int x = parse_unary();
      if (minus) {
        Node n{Kind::Neg};
        n.a = x;
        n.pos = p;
        r = emit(n);
      } else {
        r = x;
      }
    } else {
      r = parse_power();
    }
    --depth_;
    return r;
  }

  int parse_power() {
    const int base = parse_primary();
    skip();
    if (i_ < s_.size() && (s_[i_] == '^' || (s_[i_] == '*' && i_ + 1 < s_.size() && s_[i_ + 1] == '*'))) {
      const int p = pos();
      i_ += s_[i_] == '^' ? 1 : 2;
      const int exponent = parse_unary();
      return binary(Kind::Pow, base, exponent, p);
    }
    return base;
  }

  [[noreturn]] void expected() {
    if (i_ >= s_.size())
      fail("expr: the expression ends early at position ", pos(),
           ": expected a number, x, y, a function or '('");
    fail("expr: unexpected ", show(s_[i_]), " at position ", pos(),
         ": expected a number, x, y, a function or '('");
  }

  int parse_primary() {
    skip();
    if (i_ >= s_.size()) expected();
    const char c = s_[i_];
    const int p = pos();
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return parse_number();
    if (c == '(') {
      ++i_;
      const int inner = parse_expr();
      if (!at(')')) {
        if (i_ >= s_.size()) fail("expr: missing ')' for the '(' at position ", p);
        fail("expr: unexpected ", show(s_[i_]), " at position ", pos(), ": expected ')' to close the '(' at position ", p);
      }
      ++i_;
      return inner;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i_;
      while (j < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[j])) || s_[j] == '_')) ++j;
      const std::string name = s_.substr(i_, j - i_);
      i_ = j;
      Node n{Kind::Number};
      n.pos = p;
      if (name == "x" || name == "X") { n.kind = Kind::X; return emit(n); }
      if (name == "y" || name == "Y") { n.kind = Kind::Y; return emit(n); }
      if (name == "pi") { n.value = M_PI; return emit(n); }
      if (name == "e") { n.value = M_E; return emit(n); }
      for (const auto& f : kFuncs) {
        if (name != f.name) continue;
        if (!at('('))
          fail("expr: the function '", name, "' at position ", p, " needs parentheses, e.g. ", name, "(x)");
        const int open = pos();
        ++i_;
        const int arg = parse_expr();
        if (!at(')')) {
          if (i_ >= s_.size()) fail("expr: missing ')' for the '(' at position ", open);
          fail("expr: unexpected ", show(s_[i_]), " at position ", pos(), ": expected ')' to close '",
               name, "(' at position ", open, " (functions take one argument)");
        }
        ++i_;
        n.kind = Kind::Func;
        n.func = f.f;
        n.a = arg;
        return emit(n);
      }
      fail("expr: unknown name '", name.size() > 20 ? name.substr(0, 20) + "..." : name,
           "' at position ", p, " (use ", kNames, ")");
    }
    expected();
  }

  int parse_number() {
    const size_t start = i_;
    auto digits = [&] {
      const size_t d = i_;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      return i_ - d;
    };
    size_t n = digits();
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      n += digits();
    }
    if (n == 0) fail("expr: a lone '.' at position ", start + 1, " is not a number");
    // An exponent only when digits follow (so "2e" stays 2 * e).
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      size_t j = i_ + 1;
      if (j < s_.size() && (s_[j] == '+' || s_[j] == '-')) ++j;
      if (j < s_.size() && std::isdigit(static_cast<unsigned char>(s_[j]))) {
        i_ = j;
        digits();
      }
    }
    const std::string text = s_.substr(start, i_ - start);
    const double v = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(v) || std::fabs(v) > 3.4028234663852886e38)
      fail("expr: the number ", text.size() > 20 ? text.substr(0, 20) + "..." : text, " at position ",
           start + 1, " is too large for float32");
    Node node{Kind::Number};
    node.value = v;
    node.pos = int(start) + 1;
    return emit(node);
  }
};

Expr Expr::parse(const std::string& source) {
  if (source.size() > kMaxLength)
    fail("expr: the expression is ", source.size(), " characters long; the limit is ", kMaxLength);
  return Parser(source).run();
}

static Tensor apply(Func f, const Tensor& a) {
  switch (f) {
    case Func::Sin: return sin(a);
    case Func::Cos: return cos(a);
    case Func::Tan: return tan(a);
    case Func::Exp: return exp(a);
    case Func::Log: return log(a);
    case Func::Sqrt: return sqrt(a);
    case Func::Abs: return abs(a);
    case Func::Tanh: return tanh(a);
    case Func::Sigmoid: return sigmoid(a);
  }
  fail("expr: unknown function");
}

Tensor Expr::eval(const Tensor& x, const Tensor& y) const {
  if (!x.defined() || !y.defined()) fail("expr: eval needs x and y tensors");
  const Shape out_shape = broadcast_shapes("expr", x.shape(), y.shape());
  std::vector<Tensor> v(nodes_.size());
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    const Tensor* a = n.a >= 0 ? &v[size_t(n.a)] : nullptr;
    const Tensor* b = n.b >= 0 ? &v[size_t(n.b)] : nullptr;
    switch (n.kind) {
      case Kind::Number: v[i] = Tensor::scalar(float(n.value)); break;
      case Kind::X: v[i] = x; break;
      case Kind::Y: v[i] = y; break;
      case Kind::Neg: v[i] = neg(*a); break;
      case Kind::Add: v[i] = add(*a, *b); break;
      case Kind::Sub: v[i] = sub(*a, *b); break;
      case Kind::Mul: v[i] = mul(*a, *b); break;
      case Kind::Div: v[i] = div(*a, *b); break;
      case Kind::Pow:
        if (nodes_[size_t(n.b)].constant) {
          const float p = b->item();
          if (!std::isfinite(p))
            fail("expr: the exponent of '^' at position ", n.pos, " is ", p, ", not a finite number");
          v[i] = pow(*a, p);
        } else {
          v[i] = exp(mul(*b, log(*a)));  // a^b = e^(b ln a), a > 0
        }
        break;
      case Kind::Func: v[i] = apply(n.func, *a); break;
    }
    // Free intermediate results as soon as their parent has used them (the graph keeps what
    // backward needs).
    if (n.a >= 0) v[size_t(n.a)] = Tensor();
    if (n.b >= 0) v[size_t(n.b)] = Tensor();
  }
  Tensor r = v.back();
  if (r.shape() != out_shape) r = broadcast_to(r, out_shape);
  return r;
}

// ---- the scalar evaluator ------------------------------------------------------------------------

namespace {
namespace k = pg::kernels;

k::Unary unary_of(Func f) {
  switch (f) {
    case Func::Sin: return k::Unary::Sin;
    case Func::Cos: return k::Unary::Cos;
    case Func::Tan: return k::Unary::Tan;
    case Func::Exp: return k::Unary::Exp;
    case Func::Log: return k::Unary::Log;
    case Func::Sqrt: return k::Unary::Sqrt;
    case Func::Abs: return k::Unary::Abs;
    case Func::Tanh: return k::Unary::Tanh;
    case Func::Sigmoid: return k::Unary::Sigmoid;
  }
  fail("expr: unknown function");
}

float un(k::Unary op, float a, float p = 0.f) {
  float r;
  k::simd::unary(op, &a, &r, 1, p);
  return r;
}
float un_back(k::Unary op, float a, float r, float g, float p = 0.f) {
  float d;
  k::simd::unary_backward(op, &a, &r, &g, &d, 1, p);
  return d;
}
}  // namespace

Tape::Tape(const Expr& f) : n_(f.nodes()), v_(n_.size()), t_(n_.size()), m_(n_.size()), adj_(n_.size()) {}

float Tape::run(float x, float y, float& gx, float& gy) {
  const size_t N = n_.size();
  for (size_t i = 0; i < N; ++i) {
    const Node& n = n_[i];
    const float a = n.a >= 0 ? v_[size_t(n.a)] : 0.f, b = n.b >= 0 ? v_[size_t(n.b)] : 0.f;
    float r = 0.f;
    switch (n.kind) {
      case Kind::Number: r = float(n.value); break;
      case Kind::X: r = x; break;
      case Kind::Y: r = y; break;
      case Kind::Neg: r = un(k::Unary::Neg, a); break;
      case Kind::Add: r = a + b; break;
      case Kind::Sub: r = a - b; break;
      case Kind::Mul: r = a * b; break;
      case Kind::Div: r = a / b; break;
      case Kind::Pow:
        if (n_[size_t(n.b)].constant) {
          if (!std::isfinite(b)) fail("expr: the exponent of '^' at position ", n.pos, " is ", b, ", not a finite number");
          r = un(k::Unary::Pow, a, b);
        } else {  // a^b = e^(b ln a)
          t_[i] = un(k::Unary::Log, a);
          m_[i] = b * t_[i];
          r = un(k::Unary::Exp, m_[i]);
        }
        break;
      case Kind::Func: r = un(unary_of(n.func), a); break;
    }
    v_[i] = r;
    adj_[i] = 0.f;
  }
  gx = gy = 0.f;
  adj_[N - 1] = 1.f;
  for (size_t i = N; i-- > 0;) {
    const Node& n = n_[i];
    if (n.constant) continue;  // no gradient flows into a constant subtree
    const float g = adj_[i];
    float* da = n.a >= 0 ? &adj_[size_t(n.a)] : nullptr;
    float* db = n.b >= 0 ? &adj_[size_t(n.b)] : nullptr;
    const float a = n.a >= 0 ? v_[size_t(n.a)] : 0.f, b = n.b >= 0 ? v_[size_t(n.b)] : 0.f;
    switch (n.kind) {
      case Kind::Number: break;
      case Kind::X: gx += g; break;
      case Kind::Y: gy += g; break;
      case Kind::Neg: *da += un_back(k::Unary::Neg, a, v_[i], g); break;
      case Kind::Add: *da += g; *db += g; break;
      case Kind::Sub: *da += g; *db += -g; break;
      case Kind::Mul: *da += g * b; *db += g * a; break;
      case Kind::Div: *da += g / b; *db += -g * a / (b * b); break;
      case Kind::Pow:
        if (n_[size_t(n.b)].constant) {
          *da += un_back(k::Unary::Pow, a, v_[i], g, b);
        } else {
          const float dm = un_back(k::Unary::Exp, m_[i], v_[i], g);
          *db += dm * t_[i];
          *da += un_back(k::Unary::Log, a, t_[i], dm * b);
        }
        break;
      case Kind::Func: *da += un_back(unary_of(n.func), a, v_[i], g); break;
    }
  }
  return v_[N - 1];
}

ValueGrad Expr::value_grad(float x, float y) const {
  ValueGrad r{0.f, 0.f, 0.f};
  r.value = Tape(*this).run(x, y, r.dx, r.dy);
  return r;
}

std::string Expr::canonical() const {
  std::vector<std::string> s(nodes_.size());
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    const std::string a = n.a >= 0 ? s[size_t(n.a)] : "", b = n.b >= 0 ? s[size_t(n.b)] : "";
    auto paren = [&](int idx, const std::string& t) {
      const Kind k = nodes_[size_t(idx)].kind;
      const bool atom = k == Kind::Number || k == Kind::X || k == Kind::Y || k == Kind::Func;
      return atom ? t : "(" + t + ")";
    };
    switch (n.kind) {
      case Kind::Number: {
        s[i] = n.value == M_PI ? "pi" : n.value == M_E ? "e" : num_str(n.value, 9);
        break;
      }
      case Kind::X: s[i] = "x"; break;
      case Kind::Y: s[i] = "y"; break;
      case Kind::Neg: s[i] = "-" + paren(n.a, a); break;
      case Kind::Add: s[i] = paren(n.a, a) + " + " + paren(n.b, b); break;
      case Kind::Sub: s[i] = paren(n.a, a) + " - " + paren(n.b, b); break;
      case Kind::Mul: s[i] = paren(n.a, a) + " * " + paren(n.b, b); break;
      case Kind::Div: s[i] = paren(n.a, a) + " / " + paren(n.b, b); break;
      case Kind::Pow: s[i] = paren(n.a, a) + " ^ " + paren(n.b, b); break;
      case Kind::Func: s[i] = std::string(func_name(n.func)) + "(" + a + ")"; break;
    }
    if (n.a >= 0) s[size_t(n.a)].clear();
    if (n.b >= 0) s[size_t(n.b)].clear();
  }
  return s.back();
}

}  // namespace pg::expr
