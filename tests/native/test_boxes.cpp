// Boxes, IoU, NMS (greedy, steps, soft, per class), anchors and k-means.
// (Agreement with tf.image.nonMaxSuppression on random clustered boxes is in
// tests/node/vision_tfjs.test.mjs, on the wasm build.)
#include <cmath>

#include "playgrad/random.h"
#include "playgrad/vision/vision.h"
#include "test_util.h"

using namespace pg::vision;
using pgt::error_of;

TEST(Boxes, IouEdgeCases) {
  EXPECT_DOUBLE_EQ(iou({0, 0, 2, 2}, {1, 1, 3, 3}), 1.0 / 7.0);
  EXPECT_DOUBLE_EQ(iou({0, 0, 2, 2}, {2, 0, 4, 2}), 0.0);  // touching edges
  EXPECT_DOUBLE_EQ(iou({0, 0, 4, 4}, {1, 1, 2, 2}), 1.0 / 16.0);  // contained
  EXPECT_DOUBLE_EQ(iou({1, 2, 3, 5}, {1, 2, 3, 5}), 1.0);  // identical
  EXPECT_DOUBLE_EQ(iou({1, 1, 1, 3}, {0, 0, 2, 2}), 0.0);  // zero area
  EXPECT_DOUBLE_EQ(iou({1, 1, 1, 1}, {1, 1, 1, 1}), 0.0);  // both zero area
  EXPECT_DOUBLE_EQ(iou({2, 2, 0, 0}, {3, 3, 1, 1}), 1.0 / 7.0);  // flipped corners
  EXPECT_DOUBLE_EQ(iou({2, 0, 0, 2}, {1, 1, 3, 3}), 1.0 / 7.0);
  const auto m = iou_matrix({0, 0, 2, 2, 0, 0, 1, 1}, {1, 1, 3, 3, 0, 0, 2, 2, 5, 5, 6, 6});
  ASSERT_EQ(m.size(), 6u);
  EXPECT_DOUBLE_EQ(m[0], 1.0 / 7.0);
  EXPECT_DOUBLE_EQ(m[1], 1.0);
  EXPECT_DOUBLE_EQ(m[2], 0.0);
  EXPECT_DOUBLE_EQ(m[4], 0.25);
}

TEST(Boxes, IouPartsShowTheComputation) {
  // A = [10, 14, 60, 64] (50 x 50), B = [34, 30, 90, 84] (56 x 54): overlap [34, 30, 60, 64].
  auto p = iou_parts({10, 14, 60, 64}, {90, 84, 34, 30});  // B with flipped corners
  EXPECT_DOUBLE_EQ(p.area_a, 2500);
  EXPECT_DOUBLE_EQ(p.area_b, 3024);
  ASSERT_TRUE(p.overlap);
  EXPECT_EQ(std::vector<double>(p.intersection, p.intersection + 4), (std::vector<double>{34, 30, 60, 64}));
  EXPECT_EQ(std::vector<double>(p.b, p.b + 4), (std::vector<double>{34, 30, 90, 84}));
  EXPECT_DOUBLE_EQ(p.inter, 26.0 * 34.0);
  EXPECT_DOUBLE_EQ(p.union_area, 2500 + 3024 - 884);
  EXPECT_DOUBLE_EQ(p.iou, 884.0 / 4640.0);
  // Touching edges: no overlap box, intersection 0, union the two areas.
  p = iou_parts({0, 0, 2, 2}, {2, 0, 4, 2});
  EXPECT_FALSE(p.overlap);
  EXPECT_EQ(std::vector<double>(p.intersection, p.intersection + 4), (std::vector<double>{0, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(p.inter, 0);
  EXPECT_DOUBLE_EQ(p.union_area, 8);
  EXPECT_DOUBLE_EQ(p.iou, 0);
  // A zero-area box: IoU 0 by definition, the union is still |A| + |B| - |A ∩ B|.
  p = iou_parts({1, 1, 1, 3}, {0, 0, 2, 2});
  EXPECT_DOUBLE_EQ(p.area_a, 0);
  EXPECT_DOUBLE_EQ(p.union_area, 4);
  EXPECT_DOUBLE_EQ(p.iou, 0);
  // The same IoU as iou(), bit for bit, on random boxes.
  pg::Rng r(11);
  for (int i = 0; i < 500; ++i) {
    std::vector<float> a(4), b(4);
    for (auto& v : a) v = r.uniform(0, 10);
    for (auto& v : b) v = r.uniform(0, 10);
    const auto q = iou_parts(a, b);
    EXPECT_EQ(q.iou, iou(a, b)) << i;
    EXPECT_EQ(q.union_area, q.area_a + q.area_b - q.inter) << i;
    if (q.overlap) {
      EXPECT_DOUBLE_EQ(q.inter, (q.intersection[2] - q.intersection[0]) * (q.intersection[3] - q.intersection[1])) << i;
    } else {
      EXPECT_EQ(q.inter, 0) << i;
    }
  }
  EXPECT_NE(error_of([] { iou_parts({0, 0, 1}, {0, 0, 1, 1}); }).find("iouParts: each box must have 4"),
            std::string::npos);
  EXPECT_NE(error_of([] { iou_parts({0, 0, 1, 1}, {0, 0, INFINITY, 1}); }).find("iouParts: second box 0 has a non-finite"),
            std::string::npos);
}

TEST(Boxes, Formats) {
  const std::vector<float> c = {2, 3, 4, 2};  // cx, cy, w, h
  pgt::expect_near(center_to_corners(c), {0, 2, 4, 4});
  pgt::expect_near(corners_to_center({4, 4, 0, 2}), {2, 3, 4, 2});
  pgt::expect_near(normalize_corners({4, 4, 0, 2}), {0, 2, 4, 4});
  EXPECT_DOUBLE_EQ(box_area({4, 4, 0, 2})[0], 8.0);
}

TEST(Nms, GreedyRuleAndOptions) {
  // Box 1 overlaps box 0 with IoU exactly 0.5 ([0,0,2,1] vs [0,0,3,1]... use 2/3 and 1/2 cases).
  const std::vector<float> b = {0, 0, 4, 1,   // 0
                                0, 0, 2, 1,   // 1: IoU with 0 = 2/4 = 0.5
                                10, 0, 12, 1,  // 2
                                10, 0, 12, 1.5f};  // 3: IoU with 2 = 2/3
  const std::vector<float> s = {0.9f, 0.8f, 0.7f, 0.75f};
  NmsOptions o;
  EXPECT_EQ(nms(b, s, o), (std::vector<int64_t>{0, 3}));  // 1 suppressed at IoU 0.5 >= 0.5
  o.rule = NmsRule::Torchvision;
  EXPECT_EQ(nms(b, s, o), (std::vector<int64_t>{0, 1, 3}));  // 0.5 > 0.5 is false
  o.rule = NmsRule::TensorFlow;
  o.max_output = 1;
  EXPECT_EQ(nms(b, s, o), (std::vector<int64_t>{0}));
  o.max_output = -1;
  o.score_threshold = 0.8;  // strictly greater
  EXPECT_EQ(nms(b, s, o), (std::vector<int64_t>{0}));
  o.score_threshold = -INFINITY;
  o.iou_threshold = 1.0;
  EXPECT_EQ(nms(b, s, o), (std::vector<int64_t>{0, 1, 3, 2}));
  // ties: lower index first
  EXPECT_EQ(nms({0, 0, 1, 1, 0, 0, 1, 1}, {0.5f, 0.5f}), (std::vector<int64_t>{0}));
  EXPECT_EQ(nms({}, {}), (std::vector<int64_t>{}));
}

TEST(Nms, StepsRecordEveryDecision) {
  const std::vector<float> b = {0, 0, 4, 1, 0, 0, 2, 1, 10, 0, 12, 1, 10, 0, 12, 1.5f};
  const std::vector<float> s = {0.9f, 0.8f, 0.7f, 0.75f};
  const auto st = nms_steps(b, s);
  ASSERT_EQ(st.size(), 4u);
  EXPECT_EQ(st[0].kind, NmsStep::Keep);
  EXPECT_EQ(st[0].index, 0);
  EXPECT_EQ(st[1].kind, NmsStep::Suppress);
  EXPECT_EQ(st[1].index, 1);
  EXPECT_EQ(st[1].by, 0);
  EXPECT_DOUBLE_EQ(st[1].iou, 0.5);
  EXPECT_EQ(st[2].kind, NmsStep::Keep);
  EXPECT_EQ(st[2].index, 3);
  EXPECT_EQ(st[3].kind, NmsStep::Suppress);
  EXPECT_EQ(st[3].index, 2);
  EXPECT_EQ(st[3].by, 3);
  // Kept steps agree with nms() on random boxes.
  pg::Rng r(3);
  std::vector<float> rb, rs;
  for (int i = 0; i < 60; ++i) {
    const float x = r.uniform(0, 10), y = r.uniform(0, 10);
    rb.insert(rb.end(), {x, y, x + r.uniform(0.5f, 3), y + r.uniform(0.5f, 3)});
    rs.push_back(r.uniform());
  }
  std::vector<int64_t> kept;
  for (const auto& x : nms_steps(rb, rs)) if (x.kind == NmsStep::Keep) kept.push_back(x.index);
  EXPECT_EQ(kept, nms(rb, rs));
}

TEST(Nms, SoftAndPerClass) {
  const std::vector<float> b = {0, 0, 2, 2, 0, 0, 2, 2.2f, 5, 5, 6, 6};
  const std::vector<float> s = {0.9f, 0.8f, 0.3f};
  NmsOptions o;
  o.iou_threshold = 1.0;
  const auto r = soft_nms(b, s, 0.5, o);
  ASSERT_EQ(r.indices, (std::vector<int64_t>{0, 1, 2}));
  const double v = iou({0, 0, 2, 2}, {0, 0, 2, 2.2f});
  EXPECT_NEAR(r.scores[1], double(0.8f) * std::exp(-v * v / (2 * 0.5)), 1e-12);
  EXPECT_DOUBLE_EQ(r.scores[2], double(0.3f));
  // sigma 0 is plain NMS.
  NmsOptions h;
  EXPECT_EQ(soft_nms(b, s, 0, h).indices, nms(b, s, h));
  // Per class: the overlapping pair survives when the classes differ.
  EXPECT_EQ(nms_per_class(b, s, {0, 1, 0}), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(nms_per_class(b, s, {0, 0, 0}), (std::vector<int64_t>{0, 2}));
}

TEST(Nms, PerClassStepsInOnePass) {
  // Boxes 0 and 1 overlap (IoU 10/11), as do 2 and 3; 0 and 2 are the same class.
  const std::vector<float> b = {0, 0, 2, 2, 0, 0, 2, 2.2f, 0, 0, 2, 2.1f, 5, 5, 6, 6};
  const std::vector<float> s = {0.9f, 0.8f, 0.85f, 0.3f};
  const auto st = nms_steps_per_class(b, s, {0, 1, 0, 1});
  // Descending score: 0 (keep), 2 (same class as 0: suppressed by 0), 1 (class 1: keep), 3 (keep).
  ASSERT_EQ(st.size(), 4u);
  EXPECT_EQ(st[0].index, 0);
  EXPECT_EQ(st[0].kind, NmsStep::Keep);
  EXPECT_EQ(st[1].index, 2);
  EXPECT_EQ(st[1].kind, NmsStep::Suppress);
  EXPECT_EQ(st[1].by, 0);
  EXPECT_DOUBLE_EQ(st[1].iou, iou({0, 0, 2, 2.1f}, {0, 0, 2, 2}));
  EXPECT_EQ(st[2].index, 1);
  EXPECT_EQ(st[2].kind, NmsStep::Keep);
  EXPECT_EQ(st[3].index, 3);
  EXPECT_EQ(st[3].kind, NmsStep::Keep);
  // One class: the same decisions as nms_steps.
  const auto one = nms_steps_per_class(b, s, {7, 7, 7, 7});
  const auto all = nms_steps(b, s);
  ASSERT_EQ(one.size(), all.size());
  for (size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].index, all[i].index);
    EXPECT_EQ(one[i].kind, all[i].kind);
    EXPECT_EQ(one[i].by, all[i].by);
  }
  // Kept steps are nms_per_class on random boxes of four classes, with and without max_output.
  pg::Rng r(5);
  std::vector<float> rb, rs;
  std::vector<int64_t> rc;
  for (int i = 0; i < 80; ++i) {
    const float x = r.uniform(0, 10), y = r.uniform(0, 10);
    rb.insert(rb.end(), {x, y, x + r.uniform(0.5f, 3), y + r.uniform(0.5f, 3)});
    rs.push_back(r.uniform());
    rc.push_back(int64_t(r.uniform(0, 4)));
  }
  for (int64_t max_out : {-1, 0, 3, 10}) {
    NmsOptions o;
    o.iou_threshold = 0.3;
    o.score_threshold = 0.2;
    o.max_output = max_out;
    std::vector<int64_t> kept;
    for (const auto& x : nms_steps_per_class(rb, rs, rc, o)) {
      if (x.kind == NmsStep::Keep) kept.push_back(x.index);
      else EXPECT_EQ(rc[size_t(x.by)], rc[size_t(x.index)]) << "suppressed by its own class only";
    }
    EXPECT_EQ(kept, nms_per_class(rb, rs, rc, o)) << "max_output " << max_out;
  }
  EXPECT_NE(error_of([&] { nms_steps_per_class(b, s, {0, 1}); }).find("nmsStepsPerClass: 4 boxes but 2 classes"),
            std::string::npos);
}

TEST(Nms, ReadableErrors) {
  const std::vector<float> b = {0, 0, 1, 1, 0, 0, 2, 2};
  EXPECT_NE(error_of([&] { nms(b, {0.5f}); }).find("nms: 2 boxes but 1 scores"), std::string::npos);
  EXPECT_NE(error_of([&] { nms({0, 0, NAN, 1}, {0.5f}); }).find("non-finite coordinate"),
            std::string::npos);
  EXPECT_NE(error_of([&] { nms({0, 0, 1}, {0.5f}); }).find("4 numbers per box"), std::string::npos);
  NmsOptions o;
  o.iou_threshold = 1.5;
  EXPECT_NE(error_of([&] { nms(b, {0.5f, 0.4f}, o); }).find("iouThreshold must be in [0, 1], got 1.5"),
            std::string::npos);
  o.iou_threshold = NAN;
  EXPECT_NE(error_of([&] { nms(b, {0.5f, 0.4f}, o); }).find("iouThreshold"), std::string::npos);
  EXPECT_NE(error_of([&] { iou({0, 0, 1}, {0, 0, 1, 1}); }).find("iou: each box must have 4"),
            std::string::npos);
}

TEST(Anchors, GridAndKMeans) {
  const auto a = grid_anchors(2, 3, 16, 16, {32}, {1, 4});
  ASSERT_EQ(a.size(), 2u * 3 * 2 * 4);
  pgt::expect_near({a[0], a[1], a[2], a[3]}, {-8, -8, 24, 24});        // cell (0,0), ratio 1
  pgt::expect_near({a[4], a[5], a[6], a[7]}, {-24, 0, 40, 16});        // ratio 4: 64 x 16
  pgt::expect_near({a[40], a[41], a[42], a[43]}, {24, 8, 56, 40});  // cell (1,2), ratio 1
  // k-means finds three well-separated size clusters.
  pg::Rng r(5);
  std::vector<float> wh;
  const float centres[3][2] = {{0.1f, 0.1f}, {0.3f, 0.6f}, {0.8f, 0.4f}};
  for (int i = 0; i < 90; ++i) {
    const auto& c = centres[i % 3];
    wh.push_back(c[0] * r.uniform(0.9f, 1.1f));
    wh.push_back(c[1] * r.uniform(0.9f, 1.1f));
  }
  const auto km = kmeans_anchors(wh, 3, 7);
  ASSERT_EQ(km.centroids.size(), 6u);
  EXPECT_NEAR(km.centroids[0], 0.1, 0.01);
  EXPECT_NEAR(km.centroids[1], 0.1, 0.01);
  EXPECT_NEAR(km.centroids[2], 0.3, 0.02);  // area 0.18 < 0.32
  EXPECT_NEAR(km.centroids[5], 0.4, 0.02);
  EXPECT_GT(km.mean_iou, 0.85);
  for (int i = 0; i < 90; ++i) EXPECT_EQ(km.assignments[size_t(i)], i % 3);
  // Same seed, same answer.
  EXPECT_EQ(kmeans_anchors(wh, 3, 7).centroids, km.centroids);
  EXPECT_NE(error_of([&] { kmeans_anchors(wh, 100, 1); }).find("need at least 100 boxes"),
            std::string::npos);
  EXPECT_NE(error_of([&] { kmeans_anchors({0.1f, -1}, 1, 1); }).find("must be finite and > 0"),
            std::string::npos);
}

TEST(Yolo, EncodeDecodeRoundTrip) {
  YoloGrid g;
  g.grid_h = 4;
  g.grid_w = 5;
  g.num_classes = 3;
  g.anchors = {0.1, 0.3, 0.4, 0.15};  // tall, wide
  const std::vector<float> boxes = {0.05f, 0.05f, 0.15f, 0.35f,   // tall, class 2
                                    0.5f, 0.6f, 0.9f, 0.75f,     // wide, class 0
                                    0.52f, 0.55f, 0.6f, 0.8f,    // tall, same cell as box 1
                                    0.3f, 0.1f, 0.1f, 0.2f};     // flipped corners, class 1
  const std::vector<int64_t> cls = {2, 0, 1, 1};
  const auto t = yolo_encode(g, boxes, cls);
  EXPECT_EQ(t.dropped, 0);
  ASSERT_EQ(t.target.size(), size_t(4 * 5 * 2 * 8));
  // Box 0: centre (0.1, 0.2) -> cell row 0, col 0; tall anchor 0; bx = 0.5, by = 0.8,
  // bh = 0.3 * 4, bw = 0.1 * 5.
  const float* y = &t.target[0];
  pgt::expect_near({y[0], y[1], y[2], y[3], y[4], y[5], y[6], y[7]},
                   {1, 0.5f, 0.8f, 1.2f, 0.5f, 0, 0, 1}, 1e-6);
  YoloDecodeOptions o;
  o.nms_options.iou_threshold = 0.9;
  const auto d = yolo_decode(g, t.target, o);
  ASSERT_EQ(d.classes.size(), 4u);
  const auto want = normalize_corners(boxes);
  // Every input box comes back (score 1, ties by cell order).
  std::vector<bool> seen(4, false);
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_DOUBLE_EQ(d.scores[k], 1.0);
    bool found = false;
    for (size_t i = 0; i < 4; ++i) {
      bool same = d.classes[k] == cls[i];
      for (int c = 0; c < 4; ++c) same = same && std::fabs(d.boxes[k * 4 + c] - want[i * 4 + c]) < 1e-6;
      if (same && !seen[i]) { seen[i] = found = true; break; }
    }
    EXPECT_TRUE(found) << "detection " << k;
  }
  // A box whose cell and anchor are taken is dropped (first wins).
  EXPECT_EQ(yolo_encode(g, {0.05f, 0.05f, 0.15f, 0.35f, 0.06f, 0.06f, 0.14f, 0.34f}, {0, 1}).dropped, 1);
  EXPECT_NE(error_of([&] { yolo_encode(g, {0, 0, 1.5f, 1}, {0}); }).find("normalised to [0, 1]"),
            std::string::npos);
  EXPECT_NE(error_of([&] { yolo_encode(g, {0, 0, 0.5f, 0.5f}, {3}); }).find("class 3 of box 0 is outside [0, 3)"),
            std::string::npos);
  EXPECT_NE(error_of([&] { yolo_decode(g, {1, 2, 3}); }).find("expected 4 x 5 x 2 x 8 = 320"),
            std::string::npos);
}

TEST(Yolo, DecodeFourSteps) {
  YoloGrid g;
  g.grid_h = g.grid_w = 2;
  g.num_classes = 2;
  std::vector<float> p(2 * 2 * 7, 0.f);
  auto set = [&](int cell, std::vector<float> v) { std::copy(v.begin(), v.end(), p.begin() + cell * 7); };
  set(0, {0.9f, 0.5f, 0.5f, 1.f, 1.f, 0.2f, 0.8f});   // class 1, score 0.72
  set(1, {0.4f, 0.5f, 0.5f, 1.f, 1.f, 0.9f, 0.1f});   // below confidence 0.5
  set(2, {0.8f, 0.5f, 0.5f, 1.f, 1.f, 0.5f, 0.5f});   // tie -> class 0, score 0.4
  set(3, {0.95f, 0.4f, 0.5f, 2.f, 2.f, 0.1f, 0.9f});  // class 1, score 0.855, big box overlapping cell 0's? no
  YoloDecodeOptions o;
  o.score_threshold = 0.5;
  auto d = yolo_decode(g, p, o);
  ASSERT_EQ(d.cells, (std::vector<int64_t>{3, 0}));
  EXPECT_EQ(d.classes, (std::vector<int64_t>{1, 1}));
  EXPECT_NEAR(d.scores[0], double(0.95f) * double(0.9f), 1e-12);
  o.score_threshold = 0;
  d = yolo_decode(g, p, o);
  EXPECT_EQ(d.cells, (std::vector<int64_t>{3, 0, 2}));
  EXPECT_EQ(d.classes[2], 0);
}
