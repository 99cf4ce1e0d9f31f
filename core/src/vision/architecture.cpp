// A CNN's layer table from its layer list by the convolution arithmetic (see playgrad/vision/architecture.h).
#include "playgrad/vision/architecture.h"

#include "playgrad/error.h"
#include "playgrad/vision/vision.h"

namespace pg::vision {

ArchTable arch_table(const char* op, int64_t h, int64_t w, int64_t c, const std::vector<ArchLayer>& layers) {
  if (h < 1 || w < 1 || c < 1) fail(op, ": the input must be at least 1 × 1 × 1, got ", h, " × ", w, " × ", c);
  ArchTable t;
  std::vector<int64_t> cur = {h, w, c};
  std::vector<int64_t> marked, shortcut;
  std::string where;
  auto size = [&](const ArchLayer& l, int64_t in, int64_t stride) {
    ConvDim d;
    d.input = in;
    d.kernel = l.kernel;
    d.stride = stride;
    if (l.pad >= 0) {
      d.mode = PaddingMode::Explicit;
      d.pad = l.pad;
    } else {
      d.mode = padding_mode(where.c_str(), l.padding);
    }
    return conv_output_size(where.c_str(), d).out;
  };
  auto spatial = [&](const char* what) {
    if (cur.size() != 3) fail(where, ": ", what, " needs an h × w × c input, got ", shape_str(cur), " (after a flatten)");
  };
  for (size_t i = 0; i < layers.size(); ++i) {
    const ArchLayer& l = layers[i];
    where = std::string(op) + ": layer " + std::to_string(i) + " (" + l.kind + ")";
    ArchRow r;
    r.kind = l.kind;
    r.name = l.name.empty() ? l.kind + "_" + std::to_string(i) : l.name;
    if (l.kind == "conv" || l.kind == "pool") {
      spatial(l.kind.c_str());
      if (l.kernel < 1) fail(where, ": kernel must be >= 1, got ", l.kernel);
      if (l.kind == "conv" && l.filters < 1) fail(where, ": filters must be >= 1, got ", l.filters);
      const int64_t s = l.stride > 0 ? l.stride : (l.kind == "pool" ? l.kernel : 1);
      const int64_t oh = size(l, cur[0], s), ow = size(l, cur[1], s);
      if (l.kind == "conv") {
        r.params = r.trainable = conv_params(l.kernel, l.kernel, cur[2], l.filters, l.bias);
        cur = {oh, ow, l.filters};
        ++t.conv_layers;
      } else {
        cur = {oh, ow, cur[2]};
      }
    } else if (l.kind == "bn") {
      const int64_t ch = cur.back();
      r.params = 4 * ch;
      r.trainable = 2 * ch;
    } else if (l.kind == "flatten") {
      int64_t n = 1;
      for (int64_t d : cur) n *= d;
      cur = {n};
    } else if (l.kind == "gap") {
      spatial("gap");
      cur = {cur[2]};
    } else if (l.kind == "dense") {
      if (l.units < 1) fail(where, ": units must be >= 1, got ", l.units);
      if (cur.size() != 1) fail(where, ": dense needs a flat input, got ", shape_str(cur), " (flatten or gap first)");
      r.params = r.trainable = conv_params(1, 1, cur[0], l.units, l.bias);
      cur = {l.units};
      ++t.dense_layers;
    } else if (l.kind == "mark") {
      spatial("mark");
      marked = cur;
      shortcut.clear();
    } else if (l.kind == "shortcut") {
      if (marked.empty()) fail(where, ": a shortcut needs a block input (a mark before it)");
      if (l.filters < 1) fail(where, ": filters must be >= 1, got ", l.filters);
      const int64_t s = l.stride > 0 ? l.stride : 1;
      ArchLayer one;
      one.kernel = 1;
      const int64_t oh = size(one, marked[0], s), ow = size(one, marked[1], s);
      r.params = r.trainable = conv_params(1, 1, marked[2], l.filters, l.bias);
      if (l.bn) {
        r.params += 4 * l.filters;
        r.trainable += 2 * l.filters;
      }
      shortcut = {oh, ow, l.filters};
      r.shape = shortcut;
      ++t.conv_layers;
    } else if (l.kind == "add") {
      const std::vector<int64_t>& other = shortcut.empty() ? marked : shortcut;
      if (other.empty()) fail(where, ": a residual sum needs a block input (a mark before it)");
      if (other != cur)
        fail(where, ": the residual sum adds ", shape_str(cur), " and ", shape_str(other), ", which differ (a shortcut projection is needed)");
    } else {
      fail(where, ": unknown layer kind '", l.kind, "' (conv, pool, bn, flatten, gap, dense, mark, shortcut, add)");
    }
    if (r.shape.empty()) r.shape = cur;
    t.params += r.params;
    t.trainable += r.trainable;
    t.rows.push_back(r);
  }
  return t;
}

}  // namespace pg::vision
