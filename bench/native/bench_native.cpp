// The native ceiling: the same core ops as the wasm build, compiled by bench/run.mjs with
// g++ -O3 -march=native (xsimd then picks the machine's widest SIMD, e.g. AVX-512), timed here.
//
//   bench_native <spec> <samples> <min_sample_ms> <out.f32>
//   spec: matmul:M,K,N | softmax:R,C | add:N | exp:N | sum:N | conv2d:N,H,W,C,KH,KW,OC (same)
// Inputs are the seeded tensors the JS figures build (same op, same seeds, same ranges: keep
// bench/figures/*.mjs and this table in step). Prints {"samples_ms":[...]} (time per call) and
// writes the result, row-major float32, to out.f32 for the correctness check.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "playgrad/ops/conv.h"
#include "playgrad/ops/ops.h"
#include "playgrad/tensor.h"

using pg::Tensor;

static std::vector<int64_t> dims(const std::string& s) {
  std::vector<int64_t> d;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    d.push_back(std::stoll(s.substr(i, j - i)));
    i = j + 1;
  }
  return d;
}

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: bench_native <spec> <samples> <min_sample_ms> <out.f32>\n");
    return 2;
  }
  const std::string spec = argv[1];
  const int samples = std::atoi(argv[2]);
  const double min_ms = std::atof(argv[3]);
  const size_t colon = spec.find(':');
  const std::string op = spec.substr(0, colon);
  const auto d = dims(spec.substr(colon + 1));
  pg::NoGradGuard no_grad;

  std::function<Tensor()> run;
  std::vector<Tensor> in;
  if (op == "matmul" && d.size() == 3) {
    in = {Tensor::rand({d[0], d[1]}, 11, -1, 1), Tensor::rand({d[1], d[2]}, 12, -1, 1)};
    run = [&] { return pg::matmul(in[0], in[1]); };
  } else if (op == "softmax" && d.size() == 2) {
    in = {Tensor::rand({d[0], d[1]}, 21, -8, 8)};
    run = [&] { return pg::softmax(in[0], -1); };
  } else if (op == "add" && d.size() == 1) {
    in = {Tensor::rand({d[0]}, 31, -1, 1), Tensor::rand({d[0]}, 32, -1, 1)};
    run = [&] { return pg::add(in[0], in[1]); };
  } else if (op == "exp" && d.size() == 1) {
    in = {Tensor::rand({d[0]}, 33, -10, 10)};
    run = [&] { return pg::exp(in[0]); };
  } else if (op == "sum" && d.size() == 1) {
    in = {Tensor::rand({d[0]}, 34, -1, 1)};
    run = [&] { return pg::sum(in[0]); };
  } else if (op == "conv2d" && d.size() == 7) {
    in = {Tensor::rand({d[0], d[1], d[2], d[3]}, 41, -1, 1), Tensor::rand({d[4], d[5], d[3], d[6]}, 42, -1, 1)};
    run = [&] {
      pg::Conv2dOptions o;
      o.padding = pg::vision::PaddingMode::Same;
      return pg::conv2d(in[0], in[1], Tensor(), o);
    };
  } else {
    std::fprintf(stderr, "bench_native: unknown spec %s\n", spec.c_str());
    return 2;
  }

  using clk = std::chrono::steady_clock;
  auto ms = [](clk::time_point a, clk::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  // Warm-up (>= 100 ms), which also calibrates how many calls make one sample.
  Tensor out = run();
  long reps = 0;
  auto t0 = clk::now();
  while (ms(t0, clk::now()) < 100) {
    out = run();
    ++reps;
  }
  const double per_call = ms(t0, clk::now()) / double(reps);
  const long calls = std::max(1L, long(min_ms / per_call + 0.5));
  std::vector<double> times;
  for (int s = 0; s < samples; ++s) {
    auto a = clk::now();
    for (long i = 0; i < calls; ++i) out = run();
    times.push_back(ms(a, clk::now()) / double(calls));
  }
  const auto v = out.to_vector();
  std::ofstream f(argv[4], std::ios::binary);
  f.write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(float)));
  std::printf("{\"samples_ms\":[");
  for (size_t i = 0; i < times.size(); ++i) std::printf("%s%.6f", i ? "," : "", times[i]);
  std::printf("]}\n");
  return f ? 0 : 1;
}
