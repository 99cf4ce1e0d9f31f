// The YOLO grid's validation, shared by encoding and decoding (yolo.cpp) and by the training
// functions (yolo_train.cpp): one message for one mistake, whichever function meets it.
#pragma once

#include <cmath>

#include "playgrad/error.h"
#include "playgrad/vision/vision.h"

namespace pg::vision {

/** Throws, naming `op`, when the grid, the class count or the anchors are out of range. */
inline void check_yolo_grid(const char* op, const YoloGrid& g) {
  if (g.grid_h < 1 || g.grid_w < 1 || g.grid_h > 4096 || g.grid_w > 4096)
    fail(op, ": grid must be between 1 x 1 and 4096 x 4096, got ", g.grid_h, " x ", g.grid_w);
  if (g.num_classes < 1 || g.num_classes > 100000)
    fail(op, ": numClasses must be in [1, 100000], got ", g.num_classes);
  if (g.anchors.size() % 2 != 0)
    fail(op, ": anchors must hold 2 numbers (w, h) per anchor, got ", g.anchors.size());
  if (g.anchors.size() / 2 > 1024) fail(op, ": more than 1024 anchors");
  for (double a : g.anchors)
    if (!(a > 0) || !std::isfinite(a)) fail(op, ": anchor sizes must be finite and > 0, got ", a);
}

}  // namespace pg::vision
