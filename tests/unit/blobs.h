// Seeded synthetic data for the projection and clustering tests: Gaussian blobs.
#pragma once

#include <cmath>

#include "common.h"

namespace embplay {
namespace testing_data {

inline double normal(Rng& rng) {
  const double u = 1.0 - rng.uniform(), v = rng.uniform();
  return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
}

// `blobs` clusters of `per_blob` points in `dim` dimensions: centres drawn with standard
// deviation `spread`, points around them with standard deviation 1. Row i is in blob i / per_blob.
inline RowMatrix gaussian_blobs(int blobs, int per_blob, int dim, double spread, uint64_t seed) {
  Rng rng(seed);
  RowMatrix centres(blobs, dim), x(blobs * per_blob, dim);
  for (int b = 0; b < blobs; ++b)
    for (int c = 0; c < dim; ++c) centres(b, c) = static_cast<float>(spread * normal(rng));
  for (int i = 0; i < blobs * per_blob; ++i)
    for (int c = 0; c < dim; ++c) x(i, c) = centres(i / per_blob, c) + static_cast<float>(normal(rng));
  return x;
}

}  // namespace testing_data
}  // namespace embplay
