// Generated digit images for the native CNN tests (test_cnn.cpp, test_layers_conv.cpp).
#pragma once
#include "playgrad/random.h"

namespace pgt {

constexpr int kDigitSize = 12;

// Seven-segment digit d (0-9) drawn into a 12 x 12 image, shifted by (dx, dy), on noise in
// [0, 0.3) from r; segment pixels are 1.
inline void draw_digit(int d, int dx, int dy, pg::Rng& r, float* img) {
  // segments a b c d e f g
  static const char* kSeg[10] = {"abcdef", "bc", "abdeg", "abcdg", "bcfg",
                                 "acdfg", "acdefg", "abc", "abcdefg", "abcdfg"};
  constexpr int N = kDigitSize;
  for (int i = 0; i < N * N; ++i) img[i] = r.uniform(0.f, 0.3f);
  auto put = [&](int x, int y) {
    x += dx;
    y += dy;
    if (x >= 0 && x < N && y >= 0 && y < N) img[y * N + x] = 1.f;
  };
  const int x0 = 3, x1 = 8, y0 = 1, y1 = 5, y2 = 10;
  for (const char* s = kSeg[d]; *s; ++s) switch (*s) {
      case 'a': for (int x = x0; x <= x1; ++x) put(x, y0); break;
      case 'g': for (int x = x0; x <= x1; ++x) put(x, y1); break;
      case 'd': for (int x = x0; x <= x1; ++x) put(x, y2); break;
      case 'f': for (int y = y0; y <= y1; ++y) put(x0, y); break;
      case 'b': for (int y = y0; y <= y1; ++y) put(x1, y); break;
      case 'e': for (int y = y1; y <= y2; ++y) put(x0, y); break;
      case 'c': for (int y = y1; y <= y2; ++y) put(x1, y); break;
    }
}

}  // namespace pgt
