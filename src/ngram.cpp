// Interpolated Kneser-Ney: counting (raw at the top order, continuation below) and the recursion.
#include "ngram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace embplay {

KneserNey::Key KneserNey::key(const int32_t* ids, int n) {
  Key k;
  // lo holds the first three ids, hi the rest and the length: 3 x 21 bits, 2 x 21 bits + 3 bits.
  for (int i = 0; i < n; ++i) {
    const uint64_t id = static_cast<uint64_t>(ids[i]) & 0x1FFFFF;
    if (i < 3) k.lo |= id << (21 * i);
    else k.hi |= id << (21 * (i - 3));
  }
  k.hi |= static_cast<uint64_t>(n) << 42;
  return k;
}

KneserNey::KneserNey(const IdSentences& train, int vocab_size, int order)
    : order_(order), vocab_(vocab_size) {
  if (order < 2 || order > 5) throw std::invalid_argument("Kneser-Ney order must be 2..5");
  if (vocab_ >= (1 << 21)) throw std::invalid_argument("vocabulary too large for the n-gram keys");
  grams_.resize(order + 1);
  histories_.resize(order + 1);
  discount_.assign(order + 1, 0.0f);

  // Top order: raw counts of every (order-1 history, word), the history padded as in the examples.
  const Examples ex = make_examples(train, order - 1);
  std::vector<int32_t> gram(order);
  for (int64_t i = 0; i < ex.size(); ++i) {
    std::copy_n(&ex.contexts[i * (order - 1)], order - 1, gram.begin());
    gram[order - 1] = ex.targets[i];
    grams_[order][key(gram.data(), order)] += 1;
  }
  // Lower orders: c_n(h w) = the number of distinct words before h w, i.e. of distinct (n+1)-grams
  // that end in h w. Keys do not store ids back, so the (n+1)-grams are re-read from the examples.
  for (int n = order - 1; n >= 1; --n) {
    std::unordered_map<Key, bool, KeyHash> seen;  // distinct (n+1)-grams
    for (int64_t i = 0; i < ex.size(); ++i) {
      std::copy_n(&ex.contexts[i * (order - 1)], order - 1, gram.begin());
      gram[order - 1] = ex.targets[i];
      const int32_t* longer = gram.data() + (order - 1 - n);  // the last n+1 ids
      if (seen.emplace(key(longer, n + 1), true).second) grams_[n][key(longer + 1, n)] += 1;
    }
  }
  // Histories and discounts of every order, from its grams. Each history's totals need the ids of
  // its grams again, so the examples are read once more per order.
  for (int n = 1; n <= order; ++n) {
    double n1 = 0, n2 = 0;
    for (const auto& [k, c] : grams_[n]) {
      n1 += (c == 1);
      n2 += (c == 2);
    }
    discount_[n] = n1 + 2 * n2 > 0 ? static_cast<float>(n1 / (n1 + 2 * n2)) : 0.5f;
    std::unordered_map<Key, bool, KeyHash> seen;
    for (int64_t i = 0; i < ex.size(); ++i) {
      std::copy_n(&ex.contexts[i * (order - 1)], order - 1, gram.begin());
      gram[order - 1] = ex.targets[i];
      const int32_t* g = gram.data() + (order - n);  // the last n ids
      const Key gk = key(g, n);
      if (!seen.emplace(gk, true).second) continue;
      History& h = histories_[n][key(g, n - 1)];
      h.total += grams_[n].at(gk);
      h.types += 1;
    }
  }
}

double KneserNey::probability(const int32_t* context, int length, int32_t word) const {
  // The last order-1 ids of the context, <pad> on the left where it is shorter, then the word.
  int32_t gram[5];
  const int h = order_ - 1;
  for (int j = 0; j < h; ++j) {
    const int from = length - h + j;
    gram[j] = from >= 0 ? context[from] : kPadId;
  }
  gram[h] = word;

  double p = 1.0 / vocab_;  // p_0
  for (int n = 1; n <= order_; ++n) {
    const int32_t* g = gram + (order_ - n);  // the last n ids: history of n-1, then the word
    const auto hist = histories_[n].find(key(g, n - 1));
    if (hist == histories_[n].end()) continue;  // unseen history: all mass to the lower order
    const auto found = grams_[n].find(key(g, n));
    const double c = found == grams_[n].end() ? 0.0 : found->second;
    const double d = discount_[n];
    p = std::max(c - d, 0.0) / hist->second.total + d * hist->second.types / hist->second.total * p;
  }
  return p;
}

double KneserNey::perplexity(const Examples& examples) const {
  if (examples.size() == 0) return 0;
  double nll = 0;
  const int k = examples.context;
  for (int64_t i = 0; i < examples.size(); ++i)
    nll -= std::log(probability(k > 0 ? &examples.contexts[i * k] : nullptr, k, examples.targets[i]));
  return std::exp(nll / static_cast<double>(examples.size()));
}

}  // namespace embplay
