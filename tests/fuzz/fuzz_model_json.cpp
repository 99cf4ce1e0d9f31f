// libFuzzer target: model-JSON loading (model.h: Model::from_json and load_weights_json) on
// arbitrary text. A file that loads is also run (predict on one row of zeros when its input is
// small) and saved again; every input is also given to load_weights_json of a fixed model, which
// must either succeed or throw pg::Error and leave that model's weights exactly as they were.
// pg::Error is the expected answer to bad input; a crash, a sanitizer report, a leak of tensor
// memory, a changed model after a failed load, or any other exception is a finding.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "playgrad/memory.h"
#include "playgrad/nn/model.h"

namespace {
std::vector<float> weights_of(const pg::nn::Model& m) {
  std::vector<float> all;
  for (const auto& w : m.named_weights()) {
    const pg::Tensor t = w.second.contiguous();
    all.insert(all.end(), t.data(), t.data() + t.numel());
  }
  return all;
}

pg::nn::Model& fixed_model() {
  static pg::nn::Model* m = [] {
    const pg::nn::Json layers = pg::nn::Json::parse(
        R"([{"kind": "Dense", "config": {"units": 3, "activation": "relu"}}, {"kind": "Dense", "config": {"units": 2}}])");
    return new pg::nn::Model(pg::nn::sequential_spec({2}, layers), 7);
  }();
  return *m;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  pg::nn::Model& fixed = fixed_model();
  const int64_t bytes_before = pg::tensor_bytes_in_use();
  try {
    std::unique_ptr<pg::nn::Model> m = pg::nn::Model::from_json(text);
    const std::string again = m->to_json();
    pg::nn::Model::from_json(again);  // what it saves must load
    if (m->num_inputs() == 1) {
      pg::Shape s = m->input_shape(0);
      int64_t n = 1;
      for (int64_t d : s) n *= d > 0 && d < 64 ? d : 1 << 20;
      if (n <= 4096) {
        s.insert(s.begin(), 1);
        m->predict({pg::Tensor::zeros(s)});
      }
    }
  } catch (const pg::Error&) {
    // expected for bad input
  }
  const std::vector<float> before = weights_of(fixed);
  try {
    fixed.load_weights_json(text);
  } catch (const pg::Error&) {
    // a failed load must leave the weights as they were
    const std::vector<float> after = weights_of(fixed);
    if (after.size() != before.size() ||
        std::memcmp(after.data(), before.data(), before.size() * sizeof(float)) != 0)
      __builtin_trap();
  }
  if (pg::tensor_bytes_in_use() != bytes_before) __builtin_trap();
  return 0;
}
