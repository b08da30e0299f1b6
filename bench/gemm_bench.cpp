// bench_gemm: GFLOP/s of kernels::gemm on the reference workload's products (bench/README.md, "The
// reference workload": batch 128, 3 x 64 inputs, hidden 128, V = 5,002), one thread. Natively that
// is Eigen; in the WebAssembly build (`node --no-experimental-fetch build/wasm/bench_gemm.js`: node
// 20's fetch cannot load the .wasm) our SIMD kernels, so the two runs side by side say which product
// keeps wasm / native where it is.
//
// Each shape runs for about --seconds (default 1) after a warm-up; one JSON line per shape:
//   {"product":"logits = W2^T f","m":5002,"n":128,"k":128,"gflops":..,"ms":..}
// then a line for all six together, as one training step does them. Natively, a last line gives the
// ceiling of 128-bit vectors on this core: the 8 x 4 tile's step of src/kernels.cpp (two loads, four
// broadcasts, eight multiplies and eight adds into eight accumulators) on data in L1, with nothing
// else to do. WebAssembly SIMD is 128 bits wide, so no wasm product can beat it.
//
// Usage: bench_gemm [--seconds S]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Shape {
  const char* product;  // what the model computes with it
  bool trans_a, trans_b;
  int m, n, k;
};

// The model's products at the reference settings, as src/model.cpp calls them.
constexpr int kVocab = 5002, kBatch = 128, kFeatures = 128, kInputs = 3 * 64;
const Shape kShapes[] = {
    {"logits = W2^T f", true, false, kVocab, kBatch, kFeatures},
    {"dW2 = f dlogits^T", false, true, kFeatures, kVocab, kBatch},
    {"da = W2 dlogits", false, false, kFeatures, kBatch, kVocab},
    {"a = W1 x", false, false, kFeatures, kBatch, kInputs},
    {"dW1 = da x^T", false, true, kFeatures, kInputs, kBatch},
    {"dx = W1^T da", true, false, kInputs, kBatch, kFeatures},
};

// Seconds per product, over enough repetitions to fill `seconds`.
double time_product(const Shape& s, double seconds) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  const int a_rows = s.trans_a ? s.k : s.m, b_rows = s.trans_b ? s.n : s.k;
  std::vector<float> a(static_cast<size_t>(s.m) * s.k), b(static_cast<size_t>(s.k) * s.n),
      c(static_cast<size_t>(s.m) * s.n);
  for (float& x : a) x = u(rng);
  for (float& x : b) x = u(rng);
  auto once = [&] {
    embplay::kernels::gemm(s.trans_a, s.trans_b, s.m, s.n, s.k, a.data(), a_rows, b.data(), b_rows, c.data(), s.m);
  };
  for (int i = 0; i < 3; ++i) once();  // warm-up: caches, and V8's optimising tier
  int reps = 0;
  const Clock::time_point start = Clock::now();
  double elapsed = 0;
  do {
    once();
    ++reps;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  return elapsed / reps;
}

#ifndef __EMSCRIPTEN__
// GFLOP/s of the kernels' inner step on 128-bit vectors (GCC/Clang vector extensions: SSE on x86-64,
// NEON on ARM; the compiler may fuse each multiply and add, which changes nothing on a core where
// 8 accumulators cap either form at the same rate).
double vector128_ceiling(double seconds) {
  typedef float f32x4 __attribute__((vector_size(16)));
  constexpr int kSteps = 256;
  alignas(16) static float panel[kSteps * 8], b[kSteps + 8];
  for (int i = 0; i < kSteps * 8; ++i) panel[i] = 1.0f / static_cast<float>(i + 1);
  for (int i = 0; i < kSteps + 8; ++i) b[i] = 1.0f / static_cast<float>(i + 2);
  f32x4 c[8] = {};
  long steps = 0;
  const Clock::time_point start = Clock::now();
  double elapsed = 0;
  do {
    for (int rep = 0; rep < 1000; ++rep) {
      for (int p = 0; p < kSteps; ++p) {
        f32x4 lo, hi;
        std::memcpy(&lo, panel + p * 8, sizeof lo);
        std::memcpy(&hi, panel + p * 8 + 4, sizeof hi);
        for (int q = 0; q < 4; ++q) {
          const f32x4 x = {b[p + q], b[p + q], b[p + q], b[p + q]};
          c[2 * q] += lo * x;
          c[2 * q + 1] += hi * x;
        }
      }
    }
    steps += 1000L * kSteps;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  float sink = 0;
  for (const f32x4& v : c) sink += v[0] + v[1] + v[2] + v[3];
  if (sink == 42.0f) std::puts("");  // keeps the sums alive
  return 64.0 * steps / elapsed * 1e-9;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1.0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = std::stod(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: bench_gemm [--seconds S]\n");
      return 2;
    }
  }
  double step_s = 0, step_flops = 0;
  for (const Shape& s : kShapes) {
    const double t = time_product(s, seconds);
    const double flops = 2.0 * s.m * s.n * s.k;
    step_s += t;
    step_flops += flops;
    std::printf("{\"product\":\"%s\",\"m\":%d,\"n\":%d,\"k\":%d,\"gflops\":%.2f,\"ms\":%.3f}\n", s.product, s.m, s.n,
                s.k, flops / t * 1e-9, t * 1e3);
  }
  std::printf("{\"product\":\"all six, as one step\",\"gflops\":%.2f,\"ms\":%.3f}\n", step_flops / step_s * 1e-9,
              step_s * 1e3);
#ifndef __EMSCRIPTEN__
  std::printf("{\"product\":\"128-bit ceiling (8 x 4 step in L1)\",\"gflops\":%.2f}\n", vector128_ceiling(seconds));
#endif
  return 0;
}
