// Alias table (Vose's method): draws index i with probability w_i / sum(w) in O(1), from a table of
// n entries, so a vocabulary's noise distribution costs 8 bytes a word instead of a 10^8 array.
//
//   prob_[i]   (n) chance of keeping i when column i is picked; otherwise alias_[i] is returned
//   alias_[i]  (n) the index that tops column i up to an equal share 1/n
#pragma once

#include <cstdint>
#include <vector>

#include "common.h"

namespace embplay {

class AliasTable {
 public:
  AliasTable() = default;  // empty: sample() must not be called
  // Weights must be finite and >= 0 with a positive sum; throws std::invalid_argument otherwise.
  // An empty vector gives an empty table.
  explicit AliasTable(const std::vector<double>& weights);

  // One index in [0, size()) with two draws from `rng`. Never an index of weight 0.
  int32_t sample(Rng& rng) const {
    const uint32_t column = rng.below(static_cast<uint32_t>(prob_.size()));
    return rng.uniform() < prob_[column] ? static_cast<int32_t>(column) : alias_[column];
  }

  int32_t size() const { return static_cast<int32_t>(prob_.size()); }
  bool empty() const { return prob_.empty(); }

 private:
  std::vector<float> prob_;
  std::vector<int32_t> alias_;
};

}  // namespace embplay
