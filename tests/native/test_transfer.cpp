// Transfer learning's core pieces: frozen layers (Keras' trainable) respected by the optimizer,
// the parameter counts, the spec and backward; copying a base model's weights into a new one;
// PCA against hand-checked decompositions; and the layer tables of VGG-16/19 and ResNet-50 by
// the convolution arithmetic against the parameter counts Keras prints for them.
#include <cmath>

#include "playgrad/nn/model.h"
#include "playgrad/nn/pca.h"
#include "playgrad/vision/architecture.h"
#include "test_util.h"

using namespace pg;
using namespace pg::nn;

// Expects `expr` to throw a pg::Error whose message contains `text`.
#define PG_EXPECT_ERROR(expr, text)                                                     \
  do {                                                                                  \
    std::string got_ = "(no error)";                                                    \
    try {                                                                               \
      (void)(expr);                                                                     \
    } catch (const pg::Error& e) {                                                      \
      got_ = e.what();                                                                  \
    }                                                                                   \
    EXPECT_NE(got_.find(text), std::string::npos) << got_;                              \
  } while (0)

namespace {

Json small_cnn() {
  return sequential_spec({6, 6, 1},
                         Json::array({{{"kind", "Conv2D"}, {"name", "conv1"}, {"config", {{"filters", 2}, {"kernelSize", 3}, {"activation", "relu"}}}},
                                      {{"kind", "Flatten"}, {"name", "flat"}},
                                      {{"kind", "Dense"}, {"name", "fc"}, {"config", {{"units", 4}, {"activation", "relu"}}}},
                                      {{"kind", "Dense"}, {"name", "head"}, {"config", {{"units", 3}, {"activation", "softmax"}}}}}));
}

std::vector<float> weights_of(const Model& m, const std::string& name) {
  for (auto& [n, t] : m.named_weights())
    if (n == name) return t.to_vector();
  return {};
}

}  // namespace

TEST(Trainable, FrozenLayersKeepTheirWeightsAndLeaveTheCounts) {
  Model m(small_cnn(), 7);
  // conv1: (3·3·1 + 1)·2 = 20; fc: (32 + 1)·4 = 132; head: (4 + 1)·3 = 15.
  EXPECT_EQ(m.count_params(), 167);
  EXPECT_EQ(m.count_trainable(), 167);
  m.compile({{"optimizer", {{"kind", "sgd"}, {"lr", 0.5}}}, {"loss", "sparseCategoricalCrossEntropy"}});
  m.set_trainable("conv1", false);
  m.set_trainable("fc", false);
  EXPECT_EQ(m.count_trainable(), 15);
  EXPECT_EQ(m.parameters().size(), 2u);
  EXPECT_NE(m.summary().find("Non-trainable params: 152"), std::string::npos) << m.summary();
  const auto conv = weights_of(m, "conv1/kernel"), fc = weights_of(m, "fc/kernel"), head = weights_of(m, "head/kernel");
  Tensor x = Tensor::rand({5, 6, 6, 1}, 3), y = Tensor::from_vector({0, 1, 2, 0, 1}, {5});
  for (int i = 0; i < 3; ++i) m.train_on_batch({x}, {y});
  EXPECT_EQ(weights_of(m, "conv1/kernel"), conv);
  EXPECT_EQ(weights_of(m, "fc/kernel"), fc);
  EXPECT_NE(weights_of(m, "head/kernel"), head);
  // Backward computed no gradient for the frozen weights.
  for (auto& [n, t] : m.named_weights()) {
    if (n.rfind("conv1/", 0) == 0 || n.rfind("fc/", 0) == 0) {
      EXPECT_FALSE(t.grad().defined()) << n;
    }
  }
  // The spec keeps the flags: a model loaded from the file is frozen the same way.
  auto back = Model::from_json(m.to_json());
  EXPECT_EQ(back->count_trainable(), 15);
  // Unfreezing puts the layer back under the optimizer.
  m.set_trainable("fc", true);
  EXPECT_EQ(m.count_trainable(), 147);
  m.train_on_batch({x}, {y});
  EXPECT_NE(weights_of(m, "fc/kernel"), fc);
  EXPECT_EQ(weights_of(m, "conv1/kernel"), conv);
  PG_EXPECT_ERROR(m.set_trainable("nope", false), "setTrainable: the model has no layer 'nope'");
}

TEST(Trainable, CopyWeightsFromABaseModel) {
  Model base(small_cnn(), 1), fresh(small_cnn(), 2);
  fresh.copy_weights_from(base, {"conv1", "fc"});
  EXPECT_EQ(weights_of(fresh, "conv1/kernel"), weights_of(base, "conv1/kernel"));
  EXPECT_EQ(weights_of(fresh, "fc/bias"), weights_of(base, "fc/bias"));
  EXPECT_NE(weights_of(fresh, "head/kernel"), weights_of(base, "head/kernel"));
  PG_EXPECT_ERROR(fresh.copy_weights_from(base, {"conv9"}), "copyWeightsFrom: this model has no layer 'conv9'");
  Json other = small_cnn();
  other["layers"][2]["config"]["units"] = 5;
  Model wide(other, 3);
  PG_EXPECT_ERROR(wide.copy_weights_from(base, {"fc"}), "copyWeightsFrom: weight 'fc/kernel' is [32,5] here, [32,4] in the source");
}

TEST(Pca, JacobiOnAKnownSymmetricMatrix) {
  // [[2, 1, 0], [1, 2, 0], [0, 0, 5]]: eigenvalues 5, 3, 1 with vectors e3, (1, 1, 0)/√2, (1, -1, 0)/√2.
  const SymEigen e = jacobi_eigen("test", {2, 1, 0, 1, 2, 0, 0, 0, 5}, 3);
  ASSERT_EQ(e.values.size(), 3u);
  EXPECT_NEAR(e.values[0], 5, 1e-12);
  EXPECT_NEAR(e.values[1], 3, 1e-12);
  EXPECT_NEAR(e.values[2], 1, 1e-12);
  const double r = 1 / std::sqrt(2.0);
  const double want[9] = {0, 0, 1, r, r, 0, r, -r, 0};  // signs: largest entry positive (the first on a tie)
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(e.vectors[size_t(i)], want[i], 1e-12) << i;
  PG_EXPECT_ERROR(jacobi_eigen("test", {1, 2, 3, 4}, 2), "test: the matrix is not symmetric");
}

TEST(Pca, HandCheckedPoints) {
  // Four points on the line y = x around (1, 1) and two off it:
  // rows (0,0), (2,2), (1,1)±(1,-1)/... chosen so the covariance is [[5/3·..]]: computed by hand below.
  // x = [[0, 0], [2, 2], [0, 2], [2, 0]]: mean (1, 1), centred (-1,-1), (1,1), (-1,1), (1,-1);
  // covariance (1/3)[[4, 0], [0, 4]] has a double eigenvalue: use [[0,0],[4,4],[1,3],[3,1]] instead:
  // mean (2, 2), centred (-2,-2), (2,2), (-1,1), (1,-1); Σ c cᵀ = [[10, 6], [6, 10]], /3:
  // eigenvalues 16/3 along (1, 1)/√2 and 4/3 along (1, -1)/√2; projections -2√2, 2√2, 0, 0 and 0, 0, -√2, √2.
  Tensor x = Tensor::from_vector({0, 0, 4, 4, 1, 3, 3, 1}, {4, 2});
  const Pca p = pca(x, 2);
  EXPECT_NEAR(p.mean[0], 2, 1e-12);
  EXPECT_NEAR(p.mean[1], 2, 1e-12);
  EXPECT_NEAR(p.eigenvalues[0], 16.0 / 3, 1e-9);
  EXPECT_NEAR(p.eigenvalues[1], 4.0 / 3, 1e-9);
  EXPECT_NEAR(p.total_variance, 20.0 / 3, 1e-9);
  EXPECT_NEAR(p.explained[0], 0.8, 1e-9);
  const double r = 1 / std::sqrt(2.0), s2 = std::sqrt(2.0);
  EXPECT_NEAR(p.components[0], r, 1e-12);
  EXPECT_NEAR(p.components[1], r, 1e-12);
  EXPECT_NEAR(p.components[2], r, 1e-12);  // (1, -1): the first entry on a tie is made positive
  EXPECT_NEAR(p.components[3], -r, 1e-12);
  const double want[8] = {-2 * s2, 0, 2 * s2, 0, 0, -s2, 0, s2};
  for (int i = 0; i < 8; ++i) EXPECT_NEAR(p.projected[size_t(i)], want[i], 1e-9) << i;
  PG_EXPECT_ERROR(pca(x, 3), "pca: k must be in [1, 2] for x [4,2], got 3");
  PG_EXPECT_ERROR(pca(Tensor::from_vector({1, 2}, {1, 2}), 1), "pca: needs at least 2 rows, got [1,2]");
  PG_EXPECT_ERROR(pca(Tensor::from_vector({1, NAN, 2, 3}, {2, 2}), 1), "pca: x [2,2] holds a non-finite value at row 0, column 1");
}

TEST(Pca, RecoversAPlantedDirection) {
  // 200 points: a large spread along (3, 4)/5 plus small noise in 5 dimensions.
  const int n = 200, d = 5;
  Tensor t = Tensor::randn({n}, 11), noise = Tensor::randn({n, d}, 12, 0.f, 0.05f);
  std::vector<float> x(size_t(n * d));
  const double dir[d] = {0.6, 0.8, 0, 0, 0};
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) x[size_t(i * d + j)] = float(3 * t.data()[i] * dir[j]) + noise.data()[i * d + j];
  const Pca p = pca(Tensor::from_vector(x, {n, d}), 2);
  EXPECT_NEAR(std::fabs(p.components[0] * 0.6 + p.components[1] * 0.8), 1, 1e-3);
  EXPECT_GT(p.explained[0], 0.99);
  EXPECT_GT(p.eigenvalues[0], 100 * p.eigenvalues[1]);
}

namespace {
using vision::ArchLayer;
ArchLayer conv(int64_t f, int64_t k = 3, int64_t s = 1, const std::string& pad = "same") {
  ArchLayer l;
  l.kind = "conv";
  l.filters = f;
  l.kernel = k;
  l.stride = s;
  l.padding = pad;
  return l;
}
ArchLayer simple(const std::string& kind) {
  ArchLayer l;
  l.kind = kind;
  return l;
}
ArchLayer pool(int64_t k, int64_t s, const std::string& pad = "valid") {
  ArchLayer l = simple("pool");
  l.kernel = k;
  l.stride = s;
  l.padding = pad;
  return l;
}
ArchLayer dense(int64_t u) {
  ArchLayer l = simple("dense");
  l.units = u;
  return l;
}
std::vector<ArchLayer> vgg(const std::vector<int>& convs) {
  std::vector<ArchLayer> ls;
  const int64_t widths[5] = {64, 128, 256, 512, 512};
  for (size_t b = 0; b < 5; ++b) {
    for (int i = 0; i < convs[b]; ++i) ls.push_back(conv(widths[b]));
    ls.push_back(pool(2, 2));
  }
  ls.push_back(simple("flatten"));
  for (int64_t u : {4096, 4096, 1000}) ls.push_back(dense(u));
  return ls;
}
}  // namespace

TEST(Architecture, VggCountsAsKeras) {
  const auto v16 = vision::arch_table("test", 224, 224, 3, vgg({2, 2, 3, 3, 3}));
  EXPECT_EQ(v16.params, 138357544);  // keras.applications.VGG16().count_params()
  EXPECT_EQ(v16.conv_layers, 13);
  EXPECT_EQ(v16.dense_layers, 3);
  // Row 17, the last pool, gives 7 × 7 × 512 = 25,088 inputs to the first dense layer: 102,764,544 weights there.
  EXPECT_EQ(v16.rows[17].shape, (std::vector<int64_t>{7, 7, 512}));
  EXPECT_EQ(v16.rows[19].params, 102764544);
  const auto v19 = vision::arch_table("test", 224, 224, 3, vgg({2, 2, 4, 4, 4}));
  EXPECT_EQ(v19.params, 143667240);  // keras.applications.VGG19().count_params()
}

TEST(Architecture, ResNet50CountsAsKeras) {
  std::vector<ArchLayer> ls;
  ArchLayer stem = conv(64, 7, 2);
  stem.pad = 3;
  ls.push_back(stem);
  ls.push_back(simple("bn"));
  ArchLayer mp = pool(3, 2);
  mp.pad = 1;
  ls.push_back(mp);
  const int blocks[4] = {3, 4, 6, 3};
  const int64_t widths[4] = {64, 128, 256, 512};
  for (int s = 0; s < 4; ++s)
    for (int b = 0; b < blocks[s]; ++b) {
      const int64_t f = widths[s], stride = (b == 0 && s > 0) ? 2 : 1;
      ls.push_back(simple("mark"));
      ls.push_back(conv(f, 1, stride, "valid"));
      ls.push_back(simple("bn"));
      ls.push_back(conv(f, 3, 1, "same"));
      ls.push_back(simple("bn"));
      ls.push_back(conv(4 * f, 1, 1, "valid"));
      ls.push_back(simple("bn"));
      if (b == 0) {
        ArchLayer sc = simple("shortcut");
        sc.filters = 4 * f;
        sc.stride = stride;
        ls.push_back(sc);
      }
      ls.push_back(simple("add"));
    }
  ls.push_back(simple("gap"));
  ls.push_back(dense(1000));
  const auto t = vision::arch_table("test", 224, 224, 3, ls);
  EXPECT_EQ(t.params, 25636712);     // keras.applications.ResNet50().count_params()
  EXPECT_EQ(t.trainable, 25583592);  // its trainable params (the moving statistics are not)
  EXPECT_EQ(t.conv_layers + t.dense_layers, 54);  // 53 convolutions (4 of them projections) + 1 dense
  // An identity block whose sum does not fit is refused with the shapes.
  std::vector<ArchLayer> bad = {simple("mark"), conv(8, 3, 2, "same"), simple("add")};
  PG_EXPECT_ERROR(vision::arch_table("arch", 8, 8, 4, bad), "arch: layer 2 (add): the residual sum adds [4,4,8] and [8,8,4], which differ");
  PG_EXPECT_ERROR(vision::arch_table("arch", 2, 2, 1, {conv(1, 5, 1, "valid")}), "arch: layer 0 (conv)");
  PG_EXPECT_ERROR(vision::arch_table("arch", 2, 2, 1, {simple("lstm")}), "unknown layer kind 'lstm'");
}
