// Histories for the recommendation tests, written basket by basket (history({{0, 1}, {2}})), and a
// planted log of groups of items always bought together.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "common.h"
#include "interactions.h"

namespace embplay {

inline History history(const std::vector<Ids>& baskets) {
  History h;
  for (const Ids& b : baskets) h.add_basket(b.data(), b.data() + b.size());
  return h;
}

// 40 items in 10 groups of 4 always bought together, each basket one group plus 2 random items,
// in random order; 600 users of 1 to 3 baskets.
struct Planted {
  std::vector<History> users;
  std::vector<std::string> keys;
  static constexpr int kItems = 40;
  Planted() {
    Rng rng(3);
    for (int i = 0; i < kItems; ++i) keys.push_back("item" + std::to_string(i));
    for (int u = 0; u < 600; ++u) {
      History h;
      const int baskets = 1 + static_cast<int>(rng.below(3));
      for (int b = 0; b < baskets; ++b) {
        const int32_t group = static_cast<int32_t>(rng.below(10));
        Ids basket = {4 * group, 4 * group + 1, 4 * group + 2, 4 * group + 3};
        for (int r = 0; r < 2; ++r) {
          const int32_t noise = static_cast<int32_t>(rng.below(kItems));
          if (std::find(basket.begin(), basket.end(), noise) == basket.end()) basket.push_back(noise);
        }
        rng.shuffle(basket);
        h.add_basket(basket.data(), basket.data() + basket.size());
      }
      users.push_back(h);
    }
  }
};

}  // namespace embplay
