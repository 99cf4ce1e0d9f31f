// A drawn digit prepared as MNIST's were (vision.h, prepare_digit): bounding box -> 20-pixel box
// with the aspect ratio kept (area-weighted resampling) -> centred by its centre of mass in the
// 28 x 28 field -> optionally 2 x 2 means to 14 x 14. Leaves out MNIST's deslanting (its digits
// were not deslanted either: that was a preprocessing some papers added).
#include <algorithm>
#include <cmath>

#include "playgrad/error.h"
#include "playgrad/vision/vision.h"

namespace pg::vision {

namespace {

// Weights of a 1-D area resampling: n_in input pixels [0, n_in) onto n_out output pixels of width
// n_in / n_out input pixels each. w[o * n_in + i] = the share of output pixel o covered by input
// pixel i (the weights of one output pixel sum to 1).
std::vector<double> area_weights(int64_t n_in, int64_t n_out) {
  std::vector<double> w(size_t(n_in * n_out), 0.0);
  const double step = double(n_in) / double(n_out);
  for (int64_t o = 0; o < n_out; ++o) {
    const double a = o * step, b = (o + 1) * step;
    for (int64_t i = int64_t(std::floor(a)); i < n_in && double(i) < b; ++i) {
      const double cover = std::min(b, double(i + 1)) - std::max(a, double(i));
      if (cover > 0) w[size_t(o * n_in + i)] = cover / step;
    }
  }
  return w;
}

}  // namespace

PreparedDigit prepare_digit(const std::vector<float>& image, int64_t height, int64_t width, int64_t size,
                            float threshold) {
  const char* op = "prepareDigit";
  if (size != 14 && size != 28) fail(op, ": size must be 14 or 28, got ", size);
  if (height < 1 || width < 1) fail(op, ": the image must be at least 1 x 1, got ", height, " x ", width);
  if (height > 4096 || width > 4096) fail(op, ": the image is too large (", height, " x ", width, ", at most 4096 x 4096)");
  if (int64_t(image.size()) != height * width)
    fail(op, ": the image has ", image.size(), " pixels, expected height x width = ", height, " x ", width, " = ",
         height * width);
  if (!(threshold >= 0 && threshold < 1)) fail(op, ": threshold must be in [0, 1), got ", threshold);
  int64_t x0 = width, y0 = height, x1 = 0, y1 = 0;
  for (int64_t y = 0; y < height; ++y)
    for (int64_t x = 0; x < width; ++x) {
      const float v = image[size_t(y * width + x)];
      if (!std::isfinite(v) || v < 0 || v > 1)
        fail(op, ": pixel (", x, ", ", y, ") is ", v, ", expected a grey level in [0, 1]");
      if (v > threshold) {
        x0 = std::min(x0, x); y0 = std::min(y0, y);
        x1 = std::max(x1, x + 1); y1 = std::max(y1, y + 1);
      }
    }
  if (x1 <= x0 || y1 <= y0) fail(op, ": the drawing is empty (no pixel above ", threshold, "): draw a digit first");

  PreparedDigit r;
  r.size = size;
  r.box[0] = x0; r.box[1] = y0; r.box[2] = x1; r.box[3] = y1;
  const int64_t bw = x1 - x0, bh = y1 - y0;
  // The longer side becomes 20 pixels; the shorter keeps the ratio (at least 1 pixel).
  constexpr int64_t kBox = 20, kField = 28;
  r.scale = double(kBox) / double(std::max(bw, bh));
  const int64_t ow = std::max<int64_t>(1, std::llround(bw * r.scale));
  const int64_t oh = std::max<int64_t>(1, std::llround(bh * r.scale));
  const auto wx = area_weights(bw, ow), wy = area_weights(bh, oh);
  // Separable: rows first (bh x ow), then columns (oh x ow).
  std::vector<double> rows(size_t(bh * ow), 0.0), small(size_t(oh * ow), 0.0);
  for (int64_t y = 0; y < bh; ++y)
    for (int64_t o = 0; o < ow; ++o) {
      double s = 0;
      for (int64_t i = 0; i < bw; ++i) s += wx[size_t(o * bw + i)] * image[size_t((y0 + y) * width + x0 + i)];
      rows[size_t(y * ow + o)] = s;
    }
  for (int64_t o = 0; o < oh; ++o)
    for (int64_t x = 0; x < ow; ++x) {
      double s = 0;
      for (int64_t i = 0; i < bh; ++i) s += wy[size_t(o * bh + i)] * rows[size_t(i * ow + x)];
      small[size_t(o * ow + x)] = s;
    }
  // Centre of mass of the scaled digit placed with its box centred in the field, pixel centres at
  // +0.5; then the whole-pixel shift that moves it to the field's centre (14, 14).
  const int64_t left = (kField - ow) / 2, top = (kField - oh) / 2;
  double mass = 0, mx = 0, my = 0;
  for (int64_t y = 0; y < oh; ++y)
    for (int64_t x = 0; x < ow; ++x) {
      const double v = small[size_t(y * ow + x)];
      mass += v; mx += v * (left + x + 0.5); my += v * (top + y + 0.5);
    }
  r.centre[0] = mx / mass; r.centre[1] = my / mass;
  r.shift[0] = std::llround(kField / 2.0 - r.centre[0]);
  r.shift[1] = std::llround(kField / 2.0 - r.centre[1]);
  std::vector<float> field(size_t(kField * kField), 0.0f);
  for (int64_t y = 0; y < oh; ++y)
    for (int64_t x = 0; x < ow; ++x) {
      const int64_t fx = left + x + r.shift[0], fy = top + y + r.shift[1];
      if (fx < 0 || fy < 0 || fx >= kField || fy >= kField) continue;  // a lopsided digit may lose a rim
      field[size_t(fy * kField + fx)] = float(std::min(1.0, small[size_t(y * ow + x)]));
    }
  if (size == kField) {
    r.image = std::move(field);
    return r;
  }
  r.image.assign(size_t(size * size), 0.0f);
  for (int64_t y = 0; y < size; ++y)
    for (int64_t x = 0; x < size; ++x) {
      const size_t a = size_t(2 * y * kField + 2 * x);
      // mean of the 2 x 2 block, summed in double then rounded once
      r.image[size_t(y * size + x)] =
          float((double(field[a]) + field[a + 1] + field[a + kField] + field[a + kField + 1]) / 4.0);
    }
  return r;
}

}  // namespace pg::vision
