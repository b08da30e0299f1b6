// Vose's alias method (M. D. Vose, "A linear algorithm for generating random numbers with a given
// distribution", 1991): scale the weights to mean 1, then pair each column below 1 with one above.
#include "alias.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace embplay {

AliasTable::AliasTable(const std::vector<double>& weights) {
  const size_t n = weights.size();
  if (n == 0) return;
  if (n > 0x7fffffffu) throw std::invalid_argument("alias table: too many weights");
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(weights[i]) || weights[i] < 0)
      throw std::invalid_argument("alias table: weight " + std::to_string(i) + " is negative or not finite");
    sum += weights[i];
  }
  if (!(sum > 0)) throw std::invalid_argument("alias table: the weights sum to zero");

  std::vector<double> scaled(n);  // mean 1: column i holds scaled[i] of its own index
  std::vector<int32_t> small, large;
  small.reserve(n);
  large.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / sum;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<int32_t>(i));
  }
  prob_.assign(n, 1.0f);
  alias_.resize(n);
  for (size_t i = 0; i < n; ++i) alias_[i] = static_cast<int32_t>(i);
  while (!small.empty() && !large.empty()) {
    const int32_t s = small.back(), l = large.back();
    small.pop_back();
    prob_[s] = static_cast<float>(scaled[s]);
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];  // l gave column s the rest of its share
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Whatever is left is 1 up to rounding: those columns keep their own index, except that a
  // weight-0 index must never be drawn, so such a column (possible only by rounding) points at a
  // column that is certainly positive.
  int32_t positive = 0;
  while (weights[positive] <= 0) ++positive;
  for (int32_t i : small)
    if (weights[i] <= 0) prob_[i] = 0.0f, alias_[i] = positive;
  for (int32_t i : large)
    if (weights[i] <= 0) prob_[i] = 0.0f, alias_[i] = positive;
  // A column whose alias has weight 0 (rounding again) gets its own index back.
  for (size_t i = 0; i < n; ++i)
    if (weights[alias_[i]] <= 0) alias_[i] = weights[i] > 0 ? static_cast<int32_t>(i) : positive;
}

}  // namespace embplay
