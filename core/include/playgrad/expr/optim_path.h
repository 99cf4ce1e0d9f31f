// playgrad/expr/optim_path.h: the path an optimizer takes on a 2-d surface f(x, y), for the optimizers
// lesson. Runs N steps of a real optimizer (optim::make, the same code models train with) on two
// scalar parameters x and y, all in one call: the page redraws six trajectories of a few hundred
// steps each per frame. f and its gradient come from the expression's scalar evaluator (expr::Tape in
// playgrad/expr/expr.h): the numbers of Expr::eval + backward() without a Tensor per node and step.
//
// Each step t = 0, 1, ...: f_t and its gradient at (x_t, y_t); the optimizer's step().
// The path stops early (and says why in `stop`) when f or its gradient is not finite, or when a
// step leaves the box |x|, |y| <= limit (a learning rate too large for the surface): it never
// returns NaN points.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "playgrad/expr/expr.h"
#include "playgrad/nn/optim.h"

namespace pg::optim {

struct Path {
  // Points p_0 .. p_k (p_0 the start) and f at each: k = steps taken (< steps if it stopped).
  std::vector<float> x, y, f;
  // "" when all steps ran; otherwise why it stopped, in words.
  std::string stop;
  int64_t stop_step = -1;  // the step that failed, or -1
};

constexpr int64_t kMaxPathSteps = 100000;

// Minimises f from (x0, y0) with optimizer `kind` and `options` (as optim::make). Throws
// pg::Error (before any step) for a bad kind/options, a non-finite start, steps outside
// [0, kMaxPathSteps] or a limit that is not a positive number.
Path optimize_path(const expr::Expr& f, const std::string& kind, const Json& options, float x0, float y0,
                   int64_t steps, float limit = 1e4f);

}  // namespace pg::optim
