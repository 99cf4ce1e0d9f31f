// playgrad/expr/expr.h: a user-typed function f(x, y), parsed into an AST and evaluated on the
// core's autograd, so its gradient comes from backward() like any other graph.
//
// Grammar (usual precedence; ^ is right-associative and binds tighter than unary minus, so
// -x^2 = -(x^2) and 2^-1 = 0.5, as in Python and maths):
//   expr    := term (('+' | '-') term)*
//   term    := unary (('*' | '/') unary | implicit)*   implicit: '2x', '3(x+1)', 'x y' mean a product
//   unary   := ('-' | '+') unary | power
//   power   := primary (('^' | '**') unary)?
//   primary := number | 'x' | 'y' | 'pi' | 'e' | func '(' expr ')' | '(' expr ')'
//   func    := sin cos tan exp log sqrt abs tanh sigmoid      (log is the natural logarithm)
//   number  := digits ['.' digits] [('e' | 'E') ['+' | '-'] digits]   (also '.5')
//
// a ^ b: when b does not depend on x or y it is a constant p and a^p is pow(a, p) (defined for
// negative a when p is an integer); otherwise a^b = exp(b log a), defined for a > 0 only.
//
// Limits (so a pasted expression can neither exhaust memory nor overflow the stack):
// kMaxLength characters and kMaxDepth levels of nesting (parentheses, unary signs, powers).
// Bad input throws pg::Error naming the 1-based position: "expr: unknown name 'z' at position 5".
// Evaluation walks the flat node list in order (children before parents): no recursion. There
// are two evaluations, one per use: eval() builds the autograd graph on Tensors (any shape, the
// gradient from backward()); Tape is THE scalar evaluator, f and its gradient at one point on
// floats with the operators' own kernels and the rules of their backward functions, so it gives
// what eval() + backward() gives (tests/native/test_optim_path_tape.cpp compares the two) without
// a Tensor per node. value_grad() and optim::optimize_path run on it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "playgrad/tensor.h"

namespace pg::expr {

constexpr size_t kMaxLength = 1000;
constexpr int kMaxDepth = 64;

enum class Kind { Number, X, Y, Neg, Add, Sub, Mul, Div, Pow, Func };
enum class Func { Sin, Cos, Tan, Exp, Log, Sqrt, Abs, Tanh, Sigmoid };

struct Node {
  Kind kind;
  int a = -1, b = -1;     // child node indices (always smaller than this node's index)
  double value = 0;       // Number
  Func func = Func::Sin;  // Func
  int pos = 0;            // 1-based position in the source
  bool constant = false;  // depends on neither x nor y
};

struct ValueGrad {
  float value, dx, dy;
};

class Expr {
 public:
  // Parses `source`; throws pg::Error with the position on bad input.
  static Expr parse(const std::string& source);

  // f(x, y) on the autograd graph; x and y broadcast against each other (NumPy rules) and the
  // result has their broadcast shape, also when f uses only one of them or neither.
  Tensor eval(const Tensor& x, const Tensor& y) const;
  // f and its gradient at one point (a Tape).
  ValueGrad value_grad(float x, float y) const;

  const std::string& source() const { return source_; }
  // Fully parenthesised form of the parse, e.g. "-(x ^ 2)" for "-x^2": shows how it was read.
  std::string canonical() const;
  bool uses_x() const { return uses_x_; }
  bool uses_y() const { return uses_y_; }
  const std::vector<Node>& nodes() const { return nodes_; }  // root is nodes().back()

 private:
  std::string source_;
  std::vector<Node> nodes_;
  bool uses_x_ = false, uses_y_ = false;
  friend class Parser;
};

const char* func_name(Func f);

// The scalar evaluator of an expression: f(x, y) and df/dx, df/dy at one point. It walks the node
// list forward for the values, then backward for the adjoints (a constant subtree gets none),
// reusing its buffers from call to call. The expression must outlive the tape.
class Tape {
 public:
  explicit Tape(const Expr& f);
  // f(x, y); gx, gy receive the gradient. Throws pg::Error for a constant exponent that is not
  // finite, as eval() does.
  float run(float x, float y, float& gx, float& gy);

 private:
  const std::vector<Node>& n_;
  std::vector<float> v_, t_, m_, adj_;  // values, ln a and b ln a of a^b, adjoints
};

}  // namespace pg::expr
