#include <sstream>

#include "playgrad/memory.h"
#include "playgrad/random.h"
#include "test_util.h"

using namespace pg;
using pgt::T;

TEST(Tensor, CreationAndShape) {
  Tensor x = T({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(x.shape(), (Shape{2, 3}));
  EXPECT_EQ(x.strides(), (Shape{3, 1}));
  EXPECT_EQ(x.numel(), 6);
  EXPECT_TRUE(x.is_contiguous());
  EXPECT_EQ(x.to_vector(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(Tensor::zeros({2, 2}).to_vector(), (std::vector<float>(4, 0.f)));
  EXPECT_EQ(Tensor::ones({3}).to_vector(), (std::vector<float>(3, 1.f)));
  EXPECT_EQ(Tensor::full({2}, 7.5f).to_vector(), (std::vector<float>{7.5f, 7.5f}));
  EXPECT_EQ(Tensor::arange(0, 5).to_vector(), (std::vector<float>{0, 1, 2, 3, 4}));
  EXPECT_EQ(Tensor::arange(1, 0, -0.25).to_vector(), (std::vector<float>{1, 0.75f, 0.5f, 0.25f}));
  EXPECT_EQ(Tensor::scalar(3).shape(), Shape{});
  EXPECT_EQ(Tensor::scalar(3).item(), 3.f);
  Tensor four = Tensor::zeros({2, 1, 3, 4});
  EXPECT_EQ(four.ndim(), 4);
  EXPECT_EQ(four.dim(-1), 4);
}

TEST(Tensor, SharedStorageViews) {
  Tensor x = T({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor r = reshape(x, {3, 2});
  EXPECT_EQ(r.impl()->storage, x.impl()->storage);  // a view, no copy
  Tensor t = transpose(x);
  EXPECT_EQ(t.impl()->storage, x.impl()->storage);
  EXPECT_FALSE(t.is_contiguous());
  EXPECT_EQ(t.shape(), (Shape{3, 2}));
  EXPECT_EQ(t.to_vector(), (std::vector<float>{1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(reshape(t, {-1}).to_vector(), (std::vector<float>{1, 4, 2, 5, 3, 6}));
}

TEST(Tensor, Errors) {
  using pgt::error_of;
  EXPECT_EQ(error_of([] { T({1, 2, 3}, {2, 2}); }),
            "tensor: 3 values do not fill shape [2,2] (4 elements)");
  EXPECT_NE(error_of([] { Tensor::zeros({-1, 2}); }).find("negative dimension"), std::string::npos);
  EXPECT_NE(error_of([] { Tensor::arange(0, 1, 0); }).find("step must not be 0"), std::string::npos);
  EXPECT_NE(error_of([] { T({1, 2}, {2}).item(); }).find("item: tensor of shape [2]"),
            std::string::npos);
  EXPECT_NE(error_of([] { Tensor().shape(); }).find("undefined"), std::string::npos);
}

// Error messages are built without iostreams (error.h): each piece must read as `std::ostream <<`
// prints it, which is what the messages said before and what users and tests match.
template <class V>
std::string streamed(const V& v, int precision = 6) {
  std::ostringstream os;
  os.precision(precision);
  os << v;
  return os.str();
}

TEST(Error, PiecesReadAsAStreamPrintsThem) {
  const double doubles[] = {0, -0.0, 0.1, 1.0 / 3, 1e-8, 123456789.0, 2.5e20, -7.25, 1e300,
                            std::nan(""), INFINITY, -INFINITY, 0.001, 100000, 1000000};
  for (double d : doubles) {
    EXPECT_EQ(cat(d), streamed(d));
    EXPECT_EQ(cat(float(d)), streamed(float(d)));
    EXPECT_EQ(num_str(d, 4), streamed(d, 4));
    EXPECT_EQ(num_str(d, 9), streamed(d, 9));
  }
  EXPECT_EQ(cat(int64_t(-3), ' ', size_t(42), " ", true, false, 'x', std::string(" s"), "!"),
            streamed(int64_t(-3)) + " " + streamed(size_t(42)) + " " + streamed(true) +
                streamed(false) + "x s!");
  EXPECT_EQ(cat(INT64_MIN, " ", UINT64_MAX, " ", -1), "-9223372036854775808 18446744073709551615 -1");
  EXPECT_EQ(pgt::error_of([] { fail("op: ", 2, " and ", 0.5f); }), "op: 2 and 0.5");
}

TEST(Tensor, MemoryLimitRefusesBeforeAllocating) {
  const int64_t before = tensor_bytes_in_use();
  const std::string msg = pgt::error_of([] { Tensor::zeros({100000, 100000}); });
  EXPECT_NE(msg.find("memory limit"), std::string::npos) << msg;
  EXPECT_EQ(tensor_bytes_in_use(), before);
  {
    Tensor x = Tensor::zeros({1000});
    EXPECT_EQ(tensor_bytes_in_use(), before + 4000);
  }
  EXPECT_EQ(tensor_bytes_in_use(), before);
}

TEST(Random, Pcg32ReferenceStream) {
  // pcg32_srandom_r(42, 54) from the PCG reference implementation (pcg32-demo).
  Rng r(42, 54);
  const uint32_t want[] = {0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e};
  for (uint32_t w : want) EXPECT_EQ(r.next_u32(), w);
}

TEST(Random, SeededAndDistributed) {
  EXPECT_EQ(Tensor::rand({100}, 3).to_vector(), Tensor::rand({100}, 3).to_vector());
  EXPECT_NE(Tensor::rand({100}, 3).to_vector(), Tensor::rand({100}, 4).to_vector());
  const auto u = Tensor::rand({20000}, 1, -2.f, 2.f).to_vector();
  const auto n = Tensor::randn({20000}, 1, 1.f, 2.f).to_vector();
  double su = 0, sn = 0, sn2 = 0;
  for (float v : u) {
    EXPECT_GE(v, -2.f);
    EXPECT_LT(v, 2.f);
    su += v;
  }
  for (float v : n) sn += v, sn2 += double(v) * v;
  const double mean = sn / n.size(), var = sn2 / n.size() - mean * mean;
  EXPECT_NEAR(su / u.size(), 0.0, 0.05);
  EXPECT_NEAR(mean, 1.0, 0.05);
  EXPECT_NEAR(std::sqrt(var), 2.0, 0.05);
  Rng r(9);
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 3000; ++i) counts[r.below(3)]++;
  for (int c : counts) EXPECT_NEAR(c, 1000, 120);
}

TEST(Tensor, FirstGradientIsTakenOnlyWhenNothingElseHoldsIt) {
  // A fresh gradient nobody else holds becomes .grad as it is (no copy); one the caller still
  // holds, or a view, is copied: changing it afterwards leaves .grad alone.
  Tensor x = Tensor::zeros({2, 3});
  x.set_requires_grad(true);
  Tensor fresh = Tensor::full({2, 3}, 2.f);
  const float* fresh_data = fresh.data();
  accumulate_grad(x, std::move(fresh));
  EXPECT_EQ(x.grad().data(), fresh_data);
  EXPECT_EQ(x.grad().to_vector(), std::vector<float>(6, 2.f));
  accumulate_grad(x, Tensor::ones({2, 3}));  // a second gradient is added
  EXPECT_EQ(x.grad().to_vector(), std::vector<float>(6, 3.f));

  Tensor y = Tensor::zeros({2, 3});
  y.set_requires_grad(true);
  Tensor kept = Tensor::ones({2, 3});
  accumulate_grad(y, kept);
  EXPECT_NE(y.grad().data(), kept.data());
  kept.data()[0] = 7.f;
  EXPECT_EQ(y.grad().to_vector(), std::vector<float>(6, 1.f));

  Tensor z = Tensor::zeros({3});
  z.set_requires_grad(true);
  Tensor big = Tensor::ones({1, 3});
  accumulate_grad(z, reshape(big, {3}));  // a view of big's storage: copied
  big.data()[0] = 5.f;
  EXPECT_EQ(z.grad().to_vector(), std::vector<float>(3, 1.f));
}
