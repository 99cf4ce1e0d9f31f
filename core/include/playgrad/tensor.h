// playgrad/tensor.h: float32 N-d tensors with reverse-mode autograd.
//
// A Tensor is a cheap handle (shared_ptr) to a TensorImpl: shared storage, an offset, a shape
// and row-major strides. Views (reshape of a contiguous tensor, transpose, detach) share storage.
// Operators (ops.h) validate their inputs, allocate a contiguous output and record, when any
// input requires grad and grad mode is on, the inputs and a backward function next to the
// forward (Flashlight's Variable(data, inputs, gradFunc)). backward() runs an iterative
// topological sweep (no recursion: the WebAssembly stack is small), *adds* each contribution
// into the inputs' .grad (a tensor used twice gets both), and releases the graph afterwards.
//
// Left out on purpose: dtypes other than float32, devices, higher-order gradients (backward
// functions run in no-grad mode), in-place ops on tensors that are part of a graph.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "playgrad/error.h"

namespace pg {

using Shape = std::vector<int64_t>;

// Flat float32 buffer. Allocation is checked against the tensor memory limit (memory.h).
struct Storage {
  explicit Storage(int64_t n);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  float* data = nullptr;
  int64_t size = 0;
};

class Tensor;
// Backward of one op: reads grad_out (the gradient of the op's output, shaped like it) and
// adds each input's contribution with accumulate_grad(). Inputs are the op's inputs in order.
// grad_out is passed by value: backward() hands over its own handle, so an op whose input takes
// the gradient whole (add, reshape) may pass it on with std::move, as its last use, and
// accumulate_grad then keeps it instead of copying it.
using GradFn = std::function<void(std::vector<Tensor>& inputs, Tensor grad_out)>;

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  int64_t offset = 0;
  Shape shape;
  Shape strides;
  bool requires_grad = false;
  std::shared_ptr<TensorImpl> grad;  // leaf: kept; interior: only during backward()
  // Autograd record (empty for leaves and for results made in no-grad mode).
  const char* op = nullptr;
  std::vector<Tensor> inputs;
  GradFn grad_fn;
  bool released = false;  // its graph was freed by a backward() that ran through it
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // Creation. Shapes may have any rank (0-d is a scalar); every dimension must be >= 0.
  static Tensor empty(const Shape& shape);  // uninitialised contents
  static Tensor from_data(const float* data, int64_t n, const Shape& shape, bool requires_grad = false);
  static Tensor from_vector(const std::vector<float>& data, const Shape& shape, bool requires_grad = false);
  static Tensor scalar(float v);
  static Tensor zeros(const Shape& shape);
  static Tensor ones(const Shape& shape);
  static Tensor full(const Shape& shape, float value);
  static Tensor arange(double start, double stop, double step = 1.0);
  // Seeded random tensors from the project's own generator (random.h): the same seed gives the
  // same numbers on every platform. rand: uniform [lo, hi); randn: normal(mean, std).
  static Tensor rand(const Shape& shape, uint64_t seed, float lo = 0.f, float hi = 1.f);
  static Tensor randn(const Shape& shape, uint64_t seed, float mean = 0.f, float std = 1.f);

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  const Shape& strides() const;
  int ndim() const { return static_cast<int>(shape().size()); }
  int64_t dim(int axis) const;  // negative axes count from the end
  int64_t numel() const;
  bool is_contiguous() const;

  // Pointer to the first element. Elements are at data()[sum_i index_i * strides_i].
  float* data() const;
  std::vector<float> to_vector() const;  // row-major copy
  float item() const;                    // the single element of a one-element tensor

  bool requires_grad() const;
  Tensor& set_requires_grad(bool on = true);  // leaves only
  bool is_leaf() const;
  Tensor grad() const;  // undefined Tensor if no gradient has been accumulated
  void zero_grad();     // drops .grad
  void backward();      // on a one-element tensor: d(this)/d(leaf) added into each leaf's .grad

  Tensor detach() const;      // shares storage, no graph, requires_grad false
  Tensor contiguous() const;  // this if already contiguous, else a row-major copy (with grad)
  Tensor clone() const;       // a contiguous copy that owns its storage (with grad)

  const std::shared_ptr<TensorImpl>& impl() const { return impl_; }
  bool same(const Tensor& o) const { return impl_ == o.impl_; }

 private:
  void check() const;
  std::shared_ptr<TensorImpl> impl_;
};

// Grad mode: when off, ops record no graph (pg.noGrad in JavaScript).
bool grad_enabled();
bool set_grad_enabled(bool on);  // returns the previous mode
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool prev_;
};

// For op implementations ------------------------------------------------------------------

// Row-major strides of a shape.
Shape contiguous_strides(const Shape& shape);
int64_t shape_numel(const Shape& shape);
// Validates a shape (every dim >= 0, numel fits) for op `op`.
void check_shape(const char* op, const Shape& shape);

// Records the graph on `out` when grad mode is on and some input requires grad; returns out.
Tensor record(Tensor out, const char* op, std::vector<Tensor> inputs, GradFn fn);
// True when record() will record a node for these inputs: an op's forward computes what only its
// backward needs (max pooling's positions) just then.
bool will_record(const std::vector<Tensor>& inputs);
// Adds g into t's gradient (t's shape; g is not aliased afterwards). No-op unless t requires grad.
// A first gradient that nothing else holds (a fresh result passed as a temporary, or moved in)
// becomes t's gradient as it is; any other is copied.
void accumulate_grad(const Tensor& t, Tensor g);
// True when g is the only handle to its storage and covers all of it, contiguous, with no graph
// of its own: a fresh result nobody else can see. accumulate_grad keeps such a gradient as it is,
// and a backward that receives one may write its input's gradient over it.
bool sole_handle(const Tensor& g);

}  // namespace pg
