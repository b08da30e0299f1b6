// Dataset: turns sentences into (context, target) examples for the next-word model.
// For every token, the context is the k tokens before it in its sentence, <pad> where the
// sentence has not started yet: "the cat sat" with k = 2 gives
//   [<pad> <pad>] -> the,  [<pad> the] -> cat,  [the cat] -> sat.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common.h"
#include "corpus.h"
#include "tokenizer.h"
#include "vocab.h"

namespace embplay {

struct Examples {
  int context = 0;   // k
  Ids contexts;      // (N, k) row-major: contexts[i * k + j] is the j-th previous word, oldest first
  Ids targets;       // (N): the word that follows
  int64_t size() const { return static_cast<int64_t>(targets.size()); }
};

Examples make_examples(const IdSentences& sentences, int context);
Examples make_examples(const std::vector<Sentence>& sentences, const Vocab& vocab, int context);

// The context the model reads after typed `words`: ids of the last k, oldest first, <pad> on the
// left when there are fewer (as at a sentence's start), <unk> for a word outside the vocabulary.
// The same rule as make_examples(), for a context typed by the user.
Ids context_ids(const Vocab& vocab, const std::vector<std::string>& words, int k);

// The three splits of a text, by whole sentences.
struct Split {
  std::vector<Sentence> train;
  std::vector<Sentence> valid;
  std::vector<Sentence> test;
  std::string notice;  // non-empty when the text was too small to hold anything out
};

// Fewer sentences than this are not split at all: every sentence trains, nothing is evaluated.
constexpr size_t kMinSentencesToSplit = 10;

// How sentences are assigned to splits:
//  "shuffle" (the default) — a seeded shuffle of the sentences, then cut 80/10/10. A pasted text
//     often changes topic; a shuffle draws all three splits from the same mixture, so validation
//     measures generalisation to new sentences rather than to a new topic, and the seed repeats it.
//  "blocks" — contiguous blocks in text order: train, then validation, then test (the last
//     sentences), as Bengio et al. split Brown. Stricter (later text can use unseen names).
// Each held-out fraction that is positive gets at least one sentence.
Split split_sentences(std::vector<Sentence> sentences, float valid_fraction, float test_fraction,
                      const std::string& mode, uint32_t seed);

}  // namespace embplay
