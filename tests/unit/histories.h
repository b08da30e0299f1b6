// Histories for the recommendation tests, written basket by basket: history({{0, 1}, {2}}).
#pragma once

#include <vector>

#include "interactions.h"

namespace embplay {

inline History history(const std::vector<Ids>& baskets) {
  History h;
  for (const Ids& b : baskets) h.add_basket(b.data(), b.data() + b.size());
  return h;
}

}  // namespace embplay
