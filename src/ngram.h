// The yardstick: an interpolated Kneser-Ney n-gram model (Kneser & Ney 1995; Chen & Goodman 1998),
// order 2..5, over the same vocabulary and ids as the neural model and the same examples: the
// history of a sentence's first words is <pad>, and there is no end-of-sentence token.
//
// Plain interpolated KN, with one absolute discount per order, D_n = n1 / (n1 + 2 n2), where n1 and
// n2 count the order-n grams seen exactly once and twice (continuation counts below the top order):
//
//   p_n(w | h) = max(c_n(h w) - D_n, 0) / c_n(h .)  +  D_n N1+(h .) / c_n(h .) * p_{n-1}(w | h')
//   p_0(w)     = 1 / V                                         (so every id gets some mass)
//
// h' is h without its oldest word; c_N is the raw count at the top order N, and below it the
// continuation count c_n(h w) = N1+(. h w), the number of distinct words seen before h w. A history
// never seen (c_n(h .) = 0) passes all its mass down: p_n(w | h) = p_{n-1}(w | h').
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "dataset.h"

namespace embplay {

class KneserNey {
 public:
  // Counts the training sentences, as ids of a vocabulary of `vocab_size` words. order: 2..5.
  KneserNey(const IdSentences& train, int vocab_size, int order);
  // The same for sentences of words, mapped to ids by `vocab`.
  KneserNey(const std::vector<Sentence>& train, const Vocab& vocab, int order)
      : KneserNey(read_ids(train, vocab), vocab.size(), order) {}

  int order() const { return order_; }
  int vocab_size() const { return vocab_; }
  float discount(int n) const { return discount_[n]; }  // D_n, n = 1..order

  // p(word | context): context ids oldest first; the last order-1 are used, fewer are padded with
  // <pad> on the left (the start of a sentence).
  double probability(const int32_t* context, int length, int32_t word) const;
  double probability(const Ids& context, int32_t word) const {
    return probability(context.data(), static_cast<int>(context.size()), word);
  }
  // exp(mean -log p(target | context)) over the examples (any context size; order-1 is exact).
  double perplexity(const Examples& examples) const;

 private:
  // Up to 5 ids of 21 bits each (ids < 2^21), packed in two words; the length is part of the key.
  struct Key {
    uint64_t lo = 0, hi = 0;
    bool operator==(const Key& o) const { return lo == o.lo && hi == o.hi; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      uint64_t h = k.lo * 0x9E3779B97F4A7C15ull ^ (k.hi + 0x632BE59BD9B4E019ull + (k.lo >> 29));
      return static_cast<size_t>(h ^ (h >> 31));
    }
  };
  struct History {
    double total = 0;   // c_n(h .): sum of the (raw or continuation) counts after h
    double types = 0;   // N1+(h .): distinct words seen after h
  };
  static Key key(const int32_t* ids, int n);

  int order_ = 0, vocab_ = 0;
  std::vector<float> discount_;                                       // (order + 1): D_n
  std::vector<std::unordered_map<Key, double, KeyHash>> grams_;       // [n]: c_n(h w) of n-grams
  std::vector<std::unordered_map<Key, History, KeyHash>> histories_;  // [n]: totals of (n-1)-word histories
};

}  // namespace embplay
