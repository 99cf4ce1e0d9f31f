// playgrad/trajectory.h: the optimizer lesson's work in one call: N steps of one of the core's
// optimizers (optim.h) on a surface f(x, y) typed by the user (expr.h), gradients from backward()
// on the expression's autograd graph, returning the path.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "playgrad/expr.h"
#include "playgrad/optim.h"

namespace pg::optim {

constexpr int64_t kMaxTrajectorySteps = 1000000;

// Starts at (x0, y0) with x and y as two scalar parameters of optim::make(kind, {x, y}, options)
// and runs `steps` times: zero_grad, f = f.eval(x, y), backward, step. Returns 3·(steps + 1)
// floats: x, y, f(x, y) at the start and after every step (the last f is evaluated, not stepped).
// A path that leaves the finite floats carries on with the optimizer's numbers (inf/NaN): the
// caller sees where it diverged. Throws pg::Error (nothing run) on a bad kind/options, a
// non-finite start or steps outside [0, kMaxTrajectorySteps].
std::vector<float> trajectory(const expr::Expr& f, const std::string& kind, const Json& options,
                              float x0, float y0, int64_t steps);

}  // namespace pg::optim
