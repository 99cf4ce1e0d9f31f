// The thread pool (playgrad/parallel.h): setThreads' errors and clamping, and bit-identical
// results at 1, 2 and 3 threads for the kernels that split over it (gemm in the shapes matmul,
// dense and the conv backward passes use; conv2d forward and both backward passes; elementwise and
// broadcast ops and their gradients) and for two
// short training runs (a CNN step on digits and an MLP fit). Raw bits are compared, not values
// within a tolerance: the split is by output rows or tiles, never by the reduction axis.
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "playgrad/kernels/kernels.h"
#include "playgrad/nn/model.h"
#include "playgrad/ops/conv.h"
#include "playgrad/parallel.h"
#include "playgrad/random.h"
#include "test_util.h"

using namespace pg;
namespace par = pg::parallel;
namespace K = pg::kernels;
using pg::nn::Json;

namespace {

// Restores the thread count a test changed.
struct ThreadsGuard {
  int saved = par::threads();
  ~ThreadsGuard() { par::set_threads(saved); }
};

std::vector<uint32_t> bits(const std::vector<float>& v) {
  std::vector<uint32_t> b(v.size());
  std::memcpy(b.data(), v.data(), v.size() * sizeof(float));
  return b;
}

std::vector<float> rnd(size_t n, uint64_t seed) {
  Rng r(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = float(r.normal());
  return v;
}

// f() run at 1, 2 and 3 threads: all three give the same bits (and 1 thread is the reference).
template <class F>
void expect_same_bits_for_1_2_3_threads(F f, const std::string& what) {
  ThreadsGuard guard;
  par::set_threads(1);
  const std::vector<uint32_t> one = bits(f());
  ASSERT_FALSE(one.empty()) << what;
  for (int t : {2, 3}) {
    par::set_threads(t);
    ASSERT_EQ(par::threads(), t);
    EXPECT_EQ(bits(f()), one) << what << " at " << t << " threads";
  }
}

// y = conv2d(x, w, b, o), then the backward of sum(y * y) / 2 (gy = y, not uniform): y and the
// gradients of x, w and b, one after the other.
std::vector<float> conv_with_bias(const std::vector<float>& xv, const Shape& xs,
                                  const std::vector<float>& wv, const Shape& ws,
                                  const std::vector<float>& bv, const Conv2dOptions& o) {
  Tensor x = Tensor::from_vector(xv, xs, true), w = Tensor::from_vector(wv, ws, true);
  Tensor b = Tensor::from_vector(bv, {ws[3]}, true);
  Tensor y = conv2d(x, w, b, o);
  sum(mul(mul(y, y), 0.5f)).backward();
  std::vector<float> out = y.to_vector();
  for (const Tensor* t : {&x, &w, &b}) {
    const auto g = t->grad().to_vector();
    out.insert(out.end(), g.begin(), g.end());
  }
  return out;
}

}  // namespace

TEST(Parallel, SetThreadsClampsAndRejectsBadCounts) {
  ThreadsGuard guard;
  EXPECT_GE(par::max_threads(), 3);  // natively min(16, max(4, cores)): 1, 2, 3 are testable
  EXPECT_GE(par::threads(), 1);
  EXPECT_LE(par::threads(), par::max_threads());
  par::set_threads(2);
  EXPECT_EQ(par::threads(), 2);
  par::set_threads(1000);
  EXPECT_EQ(par::threads(), par::max_threads());
  EXPECT_EQ(pgt::error_of([] { par::set_threads(0); }),
            "setThreads: n must be an integer >= 1, got 0");
  EXPECT_EQ(pgt::error_of([] { par::set_threads(-3); }),
            "setThreads: n must be an integer >= 1, got -3");
  EXPECT_EQ(par::threads(), par::max_threads());  // unchanged by the bad calls
}

TEST(Parallel, RunCoversEveryChunkOnceAndSmallWorkStaysOnOneChunk) {
  ThreadsGuard guard;
  par::set_threads(3);
  std::vector<int> hits(1000, 0);
  par::run(hits.size(), [&](size_t i) { hits[i] += 1; });
  EXPECT_EQ(hits, std::vector<int>(1000, 1));
  EXPECT_EQ(par::chunks_for(1000.0, 64), 1u);
  EXPECT_EQ(par::chunks_for(1e9, 64), par::kChunksPerThread * 3);
  par::set_threads(1);
  EXPECT_EQ(par::chunks_for(1e9, 64), 1u);
  par::set_threads(3);
  EXPECT_EQ(par::chunks_for(1e9, 2), 2u);
  // Whole rounds of threads: 2.5 chunks' work is 3 chunks, one per thread; 4 chunks' work is 6.
  EXPECT_EQ(par::chunks_for(2.5 * par::kChunkWork, 64), 3u);
  EXPECT_EQ(par::chunks_for(4.0 * par::kChunkWork, 64), 6u);
  EXPECT_EQ(par::chunks_for(1.5 * par::kChunkWork, 64), 1u);
  // chunk_range tiles [0, n) in multiples of align
  size_t b, e, covered = 0;
  for (size_t i = 0; i < 3; ++i) {
    par::chunk_range(103, 3, i, 4, b, e);
    EXPECT_EQ(b, covered);
    if (e < 103) {
      EXPECT_EQ(e % 4, 0u);
    }
    covered = e;
  }
  EXPECT_EQ(covered, 103u);
}

// for_range's third argument is the running thread's slot: below slots(), one thread per slot
// (so per-slot scratch is never shared), 0 for every part when the work stays on the caller, and
// 0 again for a job run inside a worker's chunk (it runs there serially, with scratch of its own).
TEST(Parallel, ForRangeSlotsAreOnePerThreadAndBelowSlots) {
  ThreadsGuard guard;
  for (int t : {1, 2, 3}) {
    par::set_threads(t);
    ASSERT_EQ(par::slots(), size_t(t));
    // Chunks that take a while, so that sleeping workers wake and join; repeated until every
    // thread has taken part (a loaded machine may leave a worker asleep through one job).
    std::map<size_t, std::set<std::thread::id>> owners;
    for (int attempt = 0; attempt < 50 && owners.size() < size_t(t); ++attempt) {
      std::mutex m;
      std::vector<int> hits(4096, 0);
      std::vector<size_t> nested_slots;
      par::for_range(hits.size(), 1e9, 1, [&](size_t b, size_t e, size_t slot) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        for (size_t i = b; i < e; ++i) hits[i] += 1;
        // a job inside a chunk (on whichever thread runs it): serial, slot 0, and the chunk's
        // slot back afterwards
        par::for_range(64, 1e9, 1, [&](size_t, size_t, size_t inner) {
          std::lock_guard<std::mutex> g(m);
          nested_slots.push_back(inner);
        });
        EXPECT_EQ(par::slot(), slot);
        std::lock_guard<std::mutex> g(m);
        owners[slot].insert(std::this_thread::get_id());
      });
      EXPECT_EQ(hits, std::vector<int>(hits.size(), 1)) << t << " threads";
      EXPECT_FALSE(nested_slots.empty());
      for (size_t s : nested_slots) EXPECT_EQ(s, 0u) << t << " threads";
    }
    EXPECT_EQ(owners.size(), size_t(t)) << "not every thread took part in 50 jobs";
    for (const auto& [slot, ids] : owners) {
      EXPECT_LT(slot, par::slots()) << t << " threads";
      EXPECT_EQ(ids.size(), 1u) << "slot " << slot << " ran on " << ids.size() << " threads";
    }
    par::for_range(10, 1.0, 1, [&](size_t, size_t, size_t slot) { EXPECT_EQ(slot, 0u); });
  }
}

TEST(Parallel, GemmSameBitsAt1To3Threads) {
  // matmul, dense forward, conv input grad (tall), conv weight grad (short and wide, long K),
  // a partial last row tile, a single panel
  const size_t sizes[][3] = {{256, 256, 256}, {203, 130, 300}, {1568, 72, 16},
                             {72, 16, 1568},  {9, 1000, 500},  {2000, 8, 200}};
  for (auto& s : sizes) {
    const size_t M = s[0], N = s[1], Kd = s[2];
    const auto A = rnd(M * Kd, 1), B = rnd(Kd * N, 2);
    const std::string what = std::to_string(M) + "x" + std::to_string(N) + "x" + std::to_string(Kd);
    expect_same_bits_for_1_2_3_threads([&] {
      std::vector<float> c(M * N, -1.f);
      Tensor work = pgt::workspace(K::gemm_workspace(M, N, Kd));
      K::simd::gemm(M, N, Kd, A.data(), B.data(), c.data(), work.data());
      return c;
    }, "gemm " + what);
    // and the scalar twin (one thread, no pool) agrees
    std::vector<float> c1(M * N), c2(M * N);
    Tensor work = pgt::workspace(K::gemm_workspace(M, N, Kd));
    ThreadsGuard guard;
    par::set_threads(3);
    K::simd::gemm(M, N, Kd, A.data(), B.data(), c1.data(), work.data());
    K::scalar::gemm(M, N, Kd, A.data(), B.data(), c2.data(), nullptr);
    EXPECT_EQ(bits(c1), bits(c2)) << what;
  }
}

TEST(Parallel, Conv2dForwardAndBothGradsSameBitsAt1To3Threads) {
  struct Case {
    Shape x, w;
    int stride;
    vision::PaddingMode pad;
  };
  const Case cases[] = {{{8, 28, 28, 1}, {3, 3, 1, 16}, 1, vision::PaddingMode::Same},
                        {{8, 14, 14, 16}, {3, 3, 16, 32}, 1, vision::PaddingMode::Same},
                        {{5, 17, 13, 6}, {5, 3, 6, 20}, 2, vision::PaddingMode::Valid}};
  for (const Case& c : cases) {
    const auto xv = rnd(size_t(c.x[0] * c.x[1] * c.x[2] * c.x[3]), 3);
    const auto wv = rnd(size_t(c.w[0] * c.w[1] * c.w[2] * c.w[3]), 4);
    Conv2dOptions o;
    o.stride_h = o.stride_w = c.stride;
    o.padding = c.pad;
    expect_same_bits_for_1_2_3_threads([&] {
      Tensor x = Tensor::from_vector(xv, c.x, true), w = Tensor::from_vector(wv, c.w, true);
      Tensor y = conv2d(x, w, Tensor(), o);
      // a loss whose gradient is not uniform: sum(y * y) / 2 gives gy = y
      sum(mul(mul(y, y), 0.5f)).backward();
      std::vector<float> out = y.to_vector(), gx = x.grad().to_vector(), gw = w.grad().to_vector();
      out.insert(out.end(), gx.begin(), gx.end());
      out.insert(out.end(), gw.begin(), gw.end());
      return out;
    }, "conv2d " + shape_str(c.x) + " * " + shape_str(c.w));
    // fused with its bias and ReLU: the bias gradient is a sum over the batch too
    Conv2dOptions fused = o;
    fused.activation = ConvActivation::Relu;
    const auto bv = rnd(size_t(c.w[3]), 5);
    expect_same_bits_for_1_2_3_threads([&] { return conv_with_bias(xv, c.x, wv, c.w, bv, fused); },
                                       "conv2d + bias, relu " + shape_str(c.x) + " * " + shape_str(c.w));
  }
}

TEST(Parallel, ConvWithFusedMaxPoolSameBitsAt1To3Threads) {
  // the cnn lesson's first layer at batch 32 (forward split by images, the backward's blocks)
  const auto xv = rnd(size_t(32 * 28 * 28), 8), wv = rnd(size_t(3 * 3 * 1 * 8), 9),
             bv = rnd(size_t(8), 10);
  Conv2dOptions o;
  o.padding = vision::PaddingMode::Same;
  o.activation = ConvActivation::Relu;
  o.max_pool = true;
  expect_same_bits_for_1_2_3_threads(
      [&] { return conv_with_bias(xv, {32, 28, 28, 1}, wv, {3, 3, 1, 8}, bv, o); },
      "conv2d + bias, relu, max pool");
}

TEST(Parallel, MaxPoolAndItsGradientSameBitsAt1To3Threads) {
  const auto xv = rnd(size_t(16 * 64 * 64 * 16), 7);
  expect_same_bits_for_1_2_3_threads([&] {
    Tensor x = Tensor::from_vector(xv, {16, 64, 64, 16}, true);
    Tensor y = max_pool2d(x);
    sum(mul(mul(y, y), 0.5f)).backward();
    std::vector<float> out = y.to_vector(), gx = x.grad().to_vector();
    out.insert(out.end(), gx.begin(), gx.end());
    return out;
  }, "max_pool2d");
}

TEST(Parallel, CnnStepsSameBitsAt1To3Threads) {
  expect_same_bits_for_1_2_3_threads([] {
    Tensor w1 = mul(Tensor::randn({3, 3, 1, 16}, 1), 0.3f).set_requires_grad(true);
    Tensor w2 = mul(Tensor::randn({3, 3, 16, 32}, 2), 0.1f).set_requires_grad(true);
    Tensor w3 = mul(Tensor::randn({7 * 7 * 32, 10}, 3), 0.05f).set_requires_grad(true);
    Tensor x = Tensor::randn({16, 28, 28, 1}, 4), t = Tensor::randn({16, 10}, 5);
    Conv2dOptions same;
    same.padding = vision::PaddingMode::Same;
    std::vector<float> losses;
    for (int step = 0; step < 3; ++step) {
      Tensor h = max_pool2d(relu(conv2d(x, w1, Tensor(), same)));
      h = max_pool2d(relu(conv2d(h, w2, Tensor(), same)));
      Tensor y = matmul(reshape(h, {h.dim(0), -1}), w3);
      Tensor d = sub(y, t);
      Tensor loss = mean(mul(d, d));
      loss.backward();
      losses.push_back(loss.to_vector()[0]);
      for (Tensor* p : {&w1, &w2, &w3}) {
        Tensor next = sub(p->detach(), mul(p->grad(), 0.05f));
        *p = next.set_requires_grad(true);
      }
    }
    std::vector<float> out = losses;
    for (Tensor* p : {&w1, &w2, &w3}) {
      const auto v = p->to_vector();
      out.insert(out.end(), v.begin(), v.end());
    }
    return out;
  }, "CNN steps");
}

TEST(Parallel, MlpFitSameBitsAt1To3Threads) {
  // (not a structured binding: clang's C++17 does not capture those in lambdas)
  const auto data = nn::spiral(200, 3, 0);
  const Tensor x = std::get<0>(data), y = std::get<1>(data);
  expect_same_bits_for_1_2_3_threads([&] {
    nn::Model m(nn::sequential_spec(
                    {2}, Json::array({{{"kind", "Dense"}, {"config", {{"units", 256}, {"activation", "relu"}}}},
                                      {{"kind", "Dense"}, {"config", {{"units", 256}, {"activation", "tanh"}}}},
                                      {{"kind", "Dense"}, {"config", {{"units", 3}}}}})),
                42);
    m.compile({{"optimizer", {{"kind", "adam"}, {"lr", 0.01}}},
               {"loss", {{"kind", "sparseCategoricalCrossEntropy"}, {"fromLogits", true}}}});
    nn::History h = m.fit({x}, {y}, nn::fit_options_from_json({{"epochs", 3}, {"batchSize", 300}, {"seed", 7}}));
    std::vector<float> out = m.forward({x})[0].to_vector();
    for (double l : h.values.at("loss")) out.push_back(float(l));
    return out;
  }, "MLP fit");
}

TEST(Parallel, ElementwiseAndBroadcastOpsSameBitsAt1To3Threads) {
  // Large enough to split (n not a multiple of 16, so the last part has the padded tail): same
  // shapes, a scalar, a bias broadcast over rows, unary ops and their gradients, and a gradient
  // accumulated from two uses of one tensor.
  const int64_t rows = 25013, cols = 8;
  const auto xv = rnd(size_t(rows * cols), 5), yv = rnd(size_t(rows * cols), 6), bv = rnd(size_t(cols), 7);
  for (const char* op : {"add", "mul_scalar", "bias", "exp", "tanh", "relu_grad", "tanh_grad", "reuse_grad"}) {
    expect_same_bits_for_1_2_3_threads([&] {
      Tensor x = Tensor::from_data(xv.data(), int64_t(xv.size()), {rows, cols}, true);
      Tensor y = Tensor::from_data(yv.data(), int64_t(yv.size()), {rows, cols});
      Tensor b = Tensor::from_data(bv.data(), cols, {cols});
      const std::string o = op;
      Tensor out;
      if (o == "add") out = add(x, y);
      else if (o == "mul_scalar") out = mul(x, 0.37f);
      else if (o == "bias") out = add(x, b);
      else if (o == "exp") out = exp(x);
      else if (o == "tanh") out = tanh(x);
      else {
        Tensor h = o == "relu_grad" ? relu(x) : o == "tanh_grad" ? tanh(x) : add(mul(x, y), x);
        sum(mul(h, y)).backward();
        out = x.grad();
      }
      return out.to_vector();
    }, op);
  }
}

TEST(Parallel, RowVectorBroadcastIsElementwiseExactAt1To3Threads) {
  // A row vector over the rows of a full operand (a bias) runs as tiled kernel calls over many
  // rows (ops_elementwise.cpp): every element must still be exactly a[i] op b[j], in either
  // operand order, for short rows of any length and for 1, 2 and 3 threads.
  ThreadsGuard guard;
  for (const int64_t cols : {1, 3, 8, 17, 255}) {
    const int64_t rows = 200003 / cols;
    const auto xv = rnd(size_t(rows * cols), 11), bv = rnd(size_t(cols), 12);
    for (const char* op : {"sub", "div_vec_first"}) {
      const std::string o = op;
      std::vector<float> want(size_t(rows * cols));
      for (int64_t i = 0; i < rows * cols; ++i) {
        const float x = xv[size_t(i)], b = bv[size_t(i % cols)];
        want[size_t(i)] = o == "sub" ? x - b : b / x;
      }
      for (int t = 1; t <= 3; ++t) {
        par::set_threads(t);
        Tensor x = Tensor::from_data(xv.data(), rows * cols, {rows, cols});
        Tensor b = Tensor::from_data(bv.data(), cols, {1, cols});
        const std::vector<float> got = (o == "sub" ? sub(x, b) : div(b, x)).to_vector();
        ASSERT_EQ(got.size(), want.size());
        EXPECT_EQ(std::memcmp(got.data(), want.data(), want.size() * sizeof(float)), 0)
            << op << " with rows of " << cols << " at " << t << " threads";
      }
    }
  }
}
