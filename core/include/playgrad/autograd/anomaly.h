// playgrad/autograd/anomaly.h: anomaly mode, the op-level NaN/Infinity detector (as PyTorch's
// torch.autograd.set_detect_anomaly).
//
// When on, every op checks what it produced:
//  - forward: an op whose inputs are all finite but whose output holds NaN, +Inf or -Inf throws
//    pg::AnomalyError naming the op, its input shapes, the value and its flat (row-major) index:
//      "anomaly: op 'exp' (input [3]) turned finite inputs into +Inf at index 1 of its output [3]"
//    The check runs for every op, also in no-grad mode and when no input requires grad;
//  - backward: an op whose output gradient is finite but whose backward gives one of its inputs
//    a non-finite gradient throws, naming the op whose backward it was:
//      "anomaly: the backward of op 'sqrt' (input [2]) turned a finite gradient into +Inf at
//       index 0 of the gradient of its input 0 [2]"
// Ops whose inputs already hold NaN/Inf only propagate them and are not reported: the error
// names the first op that made a non-finite value out of finite ones.
// Off (the default), it costs one branch per op. fit() uses it to name the op when a loss or a
// gradient becomes non-finite (model.h).
#pragma once
#include <string>

#include "playgrad/tensor.h"

namespace pg {

bool detect_anomaly();
bool set_detect_anomaly(bool on);  // returns the previous mode

// Sets the mode for a scope and restores the previous one (also when an exception leaves).
class DetectAnomalyGuard {
 public:
  explicit DetectAnomalyGuard(bool on = true);
  ~DetectAnomalyGuard();
  DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
  DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;

 private:
  bool prev_;
};

// What anomaly mode throws. what() is the full message; where() is the part after "anomaly: "
// (e.g. "op 'exp' (input [3]) turned finite inputs into +Inf at index 1 of its output [3]").
class AnomalyError : public Error {
 public:
  explicit AnomalyError(const std::string& where) : Error("anomaly: " + where), where_(where) {}
  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

// Row-major index of the first NaN or ±Inf in t (any strides), or -1 when all are finite.
int64_t first_non_finite(const Tensor& t);
// "NaN", "+Inf" or "-Inf" (for a non-finite value).
const char* non_finite_name(float v);

namespace detail {
// Hooks called by record() and the backward sweep (tensor.cpp) when the mode is on.
void anomaly_check_forward(const Tensor& out, const char* op, const std::vector<Tensor>& inputs);
// Runs before an op's backward: checks the gradient arriving at its output.
void anomaly_enter_backward(const TensorImpl* node, const Tensor& grad_out);
void anomaly_leave_backward();
// Checks one contribution g to input t's gradient (from accumulate_grad) inside a backward.
void anomaly_check_grad(const Tensor& t, const Tensor& g);
}  // namespace detail

}  // namespace pg
