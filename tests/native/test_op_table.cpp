// Every op test of the native level, driven by the op table (op_table.h): each declared op has a
// row, each row's gradient matches central differences (in double) on fixed and on random
// shapes, and each row's inputs, output and gradients go to parity.json for
// tests/node/parity.test.mjs, which runs the same rows in the wasm build.
#include <fstream>
#include <iomanip>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "op_table.h"
#include "playgrad/nn/line_fit.h"
#include "test_util.h"

using namespace pg;
using pgt::OpRow;

namespace {

// Functions a header declares that are not ops of their own, and why.
const std::map<std::string, std::string> kNotOps = {
    {"compute", "dispatches to the losses above by their name (a model's compile())"},
};

// The op headers, relative to the repository root.
const char* const kHeaders[] = {"core/include/playgrad/ops/ops.h",
                                "core/include/playgrad/ops/conv.h",
                                "core/include/playgrad/nn/losses.h"};

std::string repo_root() {
  const std::string here = __FILE__;  // <root>/tests/native/test_op_table.cpp
  return here.substr(0, here.rfind("tests/native/"));
}

// Names of the functions returning a Tensor declared at the start of a line:
// "Tensor add(const Tensor& a, ...", "inline Tensor ...". Operators do not match.
std::set<std::string> declared_ops(const std::string& path) {
  std::ifstream f(path);
  EXPECT_TRUE(f.good()) << "cannot read " << path;
  static const std::regex decl(R"(^\s*(?:inline\s+)?Tensor\s+(\w+)\s*\()");
  std::set<std::string> names;
  std::string line;
  std::smatch m;
  while (std::getline(f, line))
    if (std::regex_search(line, m, decl)) names.insert(m[1]);
  return names;
}

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
// JSON string: row names are plain ASCII without quotes or backslashes (checked below).
std::string quoted(const std::string& s) { return "\"" + s + "\""; }

bool has_grad_input(const OpRow& row) {
  for (const auto& in : row.inputs)
    if (in.grad) return true;
  return false;
}

void expect_gradcheck(const OpRow& row, const std::vector<Tensor>& xs, const std::string& where) {
  GradCheckOptions opt;
  opt.eps = row.grad.eps;
  opt.atol = row.grad.atol;
  opt.rtol = row.grad.rtol;
  const GradCheckResult res = gradcheck(row.f, xs, opt);
  EXPECT_TRUE(res.ok) << row.name << where << ": " << res.report;
}
}  // namespace

TEST(OpTable, EveryDeclaredOpHasARow) {
  const auto rows = pgt::op_table();
  std::set<std::string> covered;
  for (const auto& r : rows) covered.insert(r.op);
  std::set<std::string> declared;
  for (const char* h : kHeaders) {
    const auto names = declared_ops(repo_root() + h);
    EXPECT_FALSE(names.empty()) << h << ": no op declarations found";
    for (const auto& n : names) {
      declared.insert(n);
      if (kNotOps.count(n)) continue;
      EXPECT_TRUE(covered.count(n)) << n << " (declared in " << h
                                    << ") has no row in the op table (tests/native/op_table.cpp)";
    }
  }
  for (const auto& r : rows)
    EXPECT_TRUE(declared.count(r.op)) << "row '" << r.name << "' tests '" << r.op
                                      << "', which no op header declares";
  for (const auto& [name, why] : kNotOps)
    EXPECT_TRUE(declared.count(name)) << "kNotOps lists '" << name << "', which is not declared";
}

TEST(OpTable, RowsAreWellFormed) {
  std::set<std::string> names;
  for (const auto& r : pgt::op_table()) {
    EXPECT_TRUE(names.insert(r.name).second) << "two rows are named '" << r.name << "'";
    EXPECT_EQ(r.name.find_first_of("\"\\"), std::string::npos) << r.name;
    EXPECT_TRUE(has_grad_input(r)) << r.name << ": no input gets a gradient";
    for (const auto& in : r.inputs) {
      if (!in.values.empty()) {
        EXPECT_EQ(int64_t(in.values.size()), shape_numel(in.shape)) << r.name;
      }
    }
  }
}

TEST(OpTable, GradientsMatchCentralDifferences) {
  for (const auto& row : pgt::op_table()) expect_gradcheck(row, pgt::make_inputs(row), "");
}

TEST(OpTable, GradientsMatchCentralDifferencesOnRandomShapes) {
  // The rows written in Dims (broadcasting, matmul, axes) again on random shapes: ranks 1 to 3,
  // dims of 1, any axis. Rows whose shapes do not depend on Dims are not repeated.
  const auto fixed = pgt::op_table();
  Rng r(2024);
  for (int trial = 0; trial < 4; ++trial) {
    const pgt::Dims d = pgt::Dims::random(r);
    const auto rows = pgt::op_table(d);
    ASSERT_EQ(rows.size(), fixed.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      bool varies = false;
      for (size_t k = 0; k < rows[i].inputs.size(); ++k)
        varies |= rows[i].inputs[k].shape != fixed[i].inputs[k].shape;
      if (varies)
        expect_gradcheck(rows[i], pgt::make_inputs(rows[i], 1 + trial),
                         " shape " + shape_str(d.s) + " axis " + std::to_string(d.ax));
    }
  }
}

TEST(Parity, WriteNativeResults) {
  std::ostringstream os;
  os << "{\"rand\":";
  write_floats(os, Tensor::rand({64}, 123).to_vector());
  os << ",\"randn\":";
  write_floats(os, Tensor::randn({64}, 123).to_vector());
  // The gradient-descent lesson's path (shuffled mini-batches, the core's SGD) on seeded points:
  // x = rand([12], 41, -1, 3), y = randn([12], 42); w0 0.5, b0 -0.25, lr 0.1, B 5, 6 epochs, seed 9.
  {
    nn::LinePathOptions o;
    o.w0 = 0.5f;
    o.b0 = -0.25f;
    o.lr = 0.1;
    o.batch_size = 5;
    o.epochs = 6;
    o.seed = 9;
    const auto p = nn::line_path(Tensor::rand({12}, 41, -1.f, 3.f).to_vector(), Tensor::randn({12}, 42).to_vector(), o);
    os << ",\"linePath\":{\"w\":";
    write_floats(os, p.w);
    os << ",\"b\":";
    write_floats(os, p.b);
    os << ",\"loss\":";
    write_floats(os, p.loss);
    os << ",\"order\":[";
    for (size_t i = 0; i < p.order.size(); ++i) os << (i ? "," : "") << p.order[i];
    os << "]}";
  }
  os << ",\"rows\":[";
  const auto rows = pgt::op_table();
  for (size_t ri = 0; ri < rows.size(); ++ri) {
    const OpRow& row = rows[ri];
    const std::vector<Tensor> xs = pgt::make_inputs(row);
    Tensor out = row.f(xs);
    Tensor w = Tensor::randn(out.shape(), 999);
    sum(mul(out, w)).backward();
    os << (ri ? ",\n" : "\n") << "{\"name\":" << quoted(row.name) << ",\"op\":" << quoted(row.op)
       << ",\"js\":" << (row.js ? "true" : "false") << ",\"ulps\":" << row.parity_ulps
       << ",\"inputs\":[";
    for (size_t i = 0; i < xs.size(); ++i) {
      os << (i ? "," : "") << "{\"shape\":";
      write_shape(os, xs[i].shape());
      os << ",\"grad\":" << (row.inputs[i].grad ? "true" : "false") << ",\"values\":";
      write_floats(os, xs[i].to_vector());
      os << "}";
    }
    os << "],\"shape\":";
    write_shape(os, out.shape());
    os << ",\"out\":";
    write_floats(os, out.to_vector());
    os << ",\"weights\":";
    write_floats(os, w.to_vector());
    os << ",\"grads\":[";
    for (size_t i = 0; i < xs.size(); ++i) {
      os << (i ? "," : "");
      if (!row.inputs[i].grad) {
        os << "null";
        continue;
      }
      Tensor g = xs[i].grad();
      write_floats(os, g.defined() ? g.to_vector() : std::vector<float>(size_t(xs[i].numel()), 0.f));
    }
    os << "]}";
  }
  os << "\n]}\n";
  std::ofstream f(PG_PARITY_FILE);
  ASSERT_TRUE(f.good()) << "cannot write " << PG_PARITY_FILE;
  f << os.str();
  ASSERT_TRUE(f.good());
}
