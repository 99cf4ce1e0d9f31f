// Native/wasm parity: runs a fixed list of ops on seeded inputs and writes the inputs' recipe,
// the outputs and the gradients to parity.json. tests/node/parity.test.mjs rebuilds the same
// inputs from the same seeds in wasm, runs the same ops and compares (relative error <= 1e-6).
#include <cstdio>
#include <fstream>
#include <functional>
#include <iomanip>
#include <sstream>

#include "test_util.h"

using namespace pg;

namespace {
struct Input {
  Shape shape;
  uint64_t seed;
  bool positive;  // rand in [0.5, 2) instead of randn
};
struct Case {
  std::string op;  // name the Node side dispatches on
  std::vector<Input> inputs;
  std::function<Tensor(const std::vector<Tensor>&)> f;
};

void write_floats(std::ostream& os, const std::vector<float>& v) {
  os << "[";
  for (size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << std::setprecision(9) << v[i];
  os << "]";
}
void write_shape(std::ostream& os, const Shape& s) {
  os << "[";
  for (size_t i = 0; i < s.size(); ++i) os << (i ? "," : "") << s[i];
  os << "]";
}
}  // namespace

TEST(Parity, WriteNativeResults) {
  const Shape s{3, 5}, r{5};
  std::vector<Case> cases = {
      {"add", {{s, 1, false}, {r, 2, false}}, [](auto& x) { return add(x[0], x[1]); }},
      {"sub", {{s, 3, false}, {{3, 1}, 4, false}}, [](auto& x) { return sub(x[0], x[1]); }},
      {"mul", {{s, 5, false}, {s, 6, false}}, [](auto& x) { return mul(x[0], x[1]); }},
      {"div", {{s, 7, false}, {r, 8, true}}, [](auto& x) { return div(x[0], x[1]); }},
      {"neg", {{s, 9, false}}, [](auto& x) { return neg(x[0]); }},
      {"pow", {{s, 10, true}}, [](auto& x) { return pow(x[0], 2.5f); }},
      {"exp", {{s, 11, false}}, [](auto& x) { return exp(x[0]); }},
      {"log", {{s, 12, true}}, [](auto& x) { return log(x[0]); }},
      {"sqrt", {{s, 13, true}}, [](auto& x) { return sqrt(x[0]); }},
      {"abs", {{s, 14, false}}, [](auto& x) { return abs(x[0]); }},
      {"sigmoid", {{s, 15, false}}, [](auto& x) { return sigmoid(x[0]); }},
      {"tanh", {{s, 16, false}}, [](auto& x) { return tanh(x[0]); }},
      {"relu", {{s, 17, false}}, [](auto& x) { return relu(x[0]); }},
      {"leakyRelu", {{s, 18, false}}, [](auto& x) { return leaky_relu(x[0], 0.1f); }},
      {"matmul", {{{7, 9}, 19, false}, {{9, 13}, 20, false}},
       [](auto& x) { return matmul(x[0], x[1]); }},
      {"matmul", {{{2, 5, 6}, 21, false}, {{2, 6, 3}, 22, false}},
       [](auto& x) { return matmul(x[0], x[1]); }},
      {"transpose", {{s, 23, false}}, [](auto& x) { return transpose(x[0]); }},
      {"reshape", {{s, 24, false}}, [](auto& x) { return reshape(x[0], {5, 3}); }},
      {"sum", {{s, 25, false}}, [](auto& x) { return sum(x[0]); }},
      {"sum0", {{s, 26, false}}, [](auto& x) { return sum(x[0], 0); }},
      {"mean1", {{s, 27, false}}, [](auto& x) { return mean(x[0], 1, true); }},
      {"max1", {{s, 28, false}}, [](auto& x) { return max(x[0], 1); }},
      {"min1", {{s, 35, false}}, [](auto& x) { return min(x[0], 1); }},
      {"softmax", {{s, 29, false}}, [](auto& x) { return softmax(x[0], -1); }},
      {"softmax0", {{s, 30, false}}, [](auto& x) { return softmax(x[0], 0); }},
      {"logSoftmax", {{s, 31, false}}, [](auto& x) { return log_softmax(x[0], -1); }},
      {"mlp", {{{8, 2}, 32, false}, {{2, 16}, 33, false}, {{16}, 34, false}},
       [](auto& x) { return sigmoid(add(matmul(x[0], x[1]), x[2])); }},
  };
  std::ostringstream os;
  os << "{\"rand\":";
  write_floats(os, Tensor::rand({64}, 123).to_vector());
  os << ",\"randn\":";
  write_floats(os, Tensor::randn({64}, 123).to_vector());
  os << ",\"cases\":[";
  for (size_t ci = 0; ci < cases.size(); ++ci) {
    const Case& c = cases[ci];
    std::vector<Tensor> xs;
    for (const Input& in : c.inputs)
      xs.push_back((in.positive ? Tensor::rand(in.shape, in.seed, 0.5f, 2.f)
                                : Tensor::randn(in.shape, in.seed))
                       .set_requires_grad());
    Tensor out = c.f(xs);
    Tensor w = Tensor::randn(out.shape(), 999);
    sum(mul(out, w)).backward();
    os << (ci ? "," : "") << "{\"op\":\"" << c.op << "\",\"inputs\":[";
    for (size_t i = 0; i < c.inputs.size(); ++i) {
      os << (i ? "," : "") << "{\"shape\":";
      write_shape(os, c.inputs[i].shape);
      os << ",\"seed\":" << c.inputs[i].seed
         << ",\"positive\":" << (c.inputs[i].positive ? "true" : "false") << "}";
    }
    os << "],\"shape\":";
    write_shape(os, out.shape());
    os << ",\"out\":";
    write_floats(os, out.to_vector());
    os << ",\"grads\":[";
    for (size_t i = 0; i < xs.size(); ++i) {
      os << (i ? "," : "");
      write_floats(os, xs[i].grad().to_vector());
    }
    os << "]}";
  }
  os << "]}\n";
  std::ofstream f(PG_PARITY_FILE);
  ASSERT_TRUE(f.good()) << "cannot write " << PG_PARITY_FILE;
  f << os.str();
  ASSERT_TRUE(f.good());
}
