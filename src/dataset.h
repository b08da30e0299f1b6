// Dataset: turns sentences into (context, target) examples for the next-word model.
// For every token, the context is the k tokens before it in its sentence, <pad> where the
// sentence has not started yet: "the cat sat" with k = 2 gives
//   [<pad> <pad>] -> the,  [<pad> the] -> cat,  [the cat] -> sat.
#pragma once

#include <cstdint>
#include <vector>

#include "common.h"
#include "tokenizer.h"
#include "vocab.h"

namespace embplay {

struct Examples {
  int context = 0;   // k
  Ids contexts;      // (N, k) row-major: contexts[i * k + j] is the j-th previous word, oldest first
  Ids targets;       // (N): the word that follows
  int64_t size() const { return static_cast<int64_t>(targets.size()); }
};

Examples make_examples(const std::vector<Sentence>& sentences, const Vocab& vocab, int context);

// Splits sentences in order: the last `valid_fraction` of them (at least one when there are two
// or more sentences and the fraction is positive) go to validation.
struct Split {
  std::vector<Sentence> train;
  std::vector<Sentence> valid;
};
Split split_sentences(std::vector<Sentence> sentences, float valid_fraction);

}  // namespace embplay
