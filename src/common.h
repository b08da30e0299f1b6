// Shared types for the core: matrices, ids and the one random number generator.
// Everything here is plain C++17 + Eigen; nothing knows about WebAssembly.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace embplay {

// Column-major float matrix: activations are stored one example per column, (features, batch).
using Matrix = Eigen::MatrixXf;
// Row-major float matrix: the embedding table, so that row i (the vector of word i) is contiguous.
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXf;
using Ids = std::vector<int32_t>;

// Reserved vocabulary ids.
constexpr int32_t kPadId = 0;  // before the first word of a sentence
constexpr int32_t kUnkId = 1;  // a word outside the vocabulary

// xoshiro128** seeded by splitmix64. Our own generator (not <random>'s distributions), because the
// native and WebAssembly builds use different standard libraries and must draw the same numbers.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& s : state_) {
      seed += 0x9E3779B97F4A7C15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      s = static_cast<uint32_t>((z ^ (z >> 31)) >> 16);
    }
    if ((state_[0] | state_[1] | state_[2] | state_[3]) == 0) state_[0] = 1;
  }

  uint32_t next_u32() {
    const uint32_t result = rotl(state_[1] * 5, 7) * 9;
    const uint32_t t = state_[1] << 9;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 11);
    return result;
  }

  // Uniform integer in [0, n), by Lemire's multiply-shift (bias below 2^-32 * n, fine for shuffles).
  uint32_t below(uint32_t n) { return static_cast<uint32_t>((uint64_t(next_u32()) * n) >> 32); }

  // Uniform float in [0, 1) with 24 random bits.
  float uniform() { return (next_u32() >> 8) * (1.0f / 16777216.0f); }

  // Uniform float in [-a, a).
  float symmetric(float a) { return (2.0f * uniform() - 1.0f) * a; }

  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(static_cast<uint32_t>(i))]);
  }

 private:
  static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
  uint32_t state_[4];
};

}  // namespace embplay
