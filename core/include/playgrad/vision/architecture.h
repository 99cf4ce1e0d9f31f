// playgrad/vision/architecture.h: the layer table of a CNN from its layer list, by the convolution
// arithmetic alone (no weights are made): every layer's output shape and parameter count, as
// Keras' summary() gives them. The transfer lesson explains VGG-16/19 and ResNet-50 with it, whose
// weights (528 MB, 549 MB, 98 MB) cannot ship in a page.
//
// Layers, in order, on an input of h × w × c (channels last):
//   conv {filters, kernel, stride = 1, padding = 'valid' | 'same' | P pixels, bias = true}:
//        out = floor((in + 2P - (k - 1) - 1) / s) + 1 (conv_output_size), params (k·k·C_in + 1)·C_out
//   pool {kernel, stride = kernel, padding}: max pooling, the same size rule, no params
//   bn: batch normalization over the channels, 4·C weights, of which 2·C (γ, β) trainable and 2·C
//        (the moving mean and variance) not
//   flatten: h·w·c units; gap: global average pooling, c units
//   dense {units, bias = true}: (in + 1)·units, a 1 × 1 convolution on a 1 × 1 × in input
//   mark: remembers the current shape as a residual block's input (nothing changes)
//   shortcut {filters, stride = 1, bn = true}: the projection of a residual block, a 1 × 1
//        convolution (stride s) of the marked input, plus batch normalization when bn; its output
//        must have the current shape; the main path's shape is unchanged
//   add: the residual sum: the current shape must equal the marked input's (identity shortcut)
//        or the shortcut's; no params
// Errors name `op` and the layer (its index and kind): an unknown kind, a bad option, a window
// larger than its input, a residual sum of different shapes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace pg::vision {

struct ArchLayer {
  std::string kind;           // conv, pool, bn, flatten, gap, dense, mark, shortcut, add
  std::string name;           // optional, for the table
  int64_t filters = 0;        // conv, shortcut
  int64_t units = 0;          // dense
  int64_t kernel = 1, stride = 0;  // stride 0: 1 for conv/shortcut, the kernel for pool
  std::string padding = "valid";
  int64_t pad = -1;           // >= 0: explicit padding P (padding is then ignored)
  bool bias = true;
  bool bn = true;             // shortcut
};
struct ArchRow {
  std::string name, kind;
  std::vector<int64_t> shape;  // [h, w, c] or [units]
  int64_t params = 0, trainable = 0;
};
struct ArchTable {
  std::vector<ArchRow> rows;
  int64_t params = 0, trainable = 0;
  int64_t conv_layers = 0, dense_layers = 0;  // the layers with weights the name counts (VGG-16: 13 + 3)
};
ArchTable arch_table(const char* op, int64_t h, int64_t w, int64_t c, const std::vector<ArchLayer>& layers);

}  // namespace pg::vision
