// Vocabulary: word <-> id, with counts. Ids are stable: <pad> = 0, <unk> = 1, then words by
// descending count, ties broken by the word's bytes, so the same text always gives the same ids.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common.h"
#include "tokenizer.h"

namespace embplay {

struct VocabOptions {
  int min_count = 1;     // words seen fewer times map to <unk>; 1..1000
  int max_size = 5000;   // most frequent words kept, not counting <pad> and <unk>; 10..200000
};

// How often each word occurs in some sentences: what a vocabulary is chosen from.
struct WordCounts {
  std::unordered_map<std::string, int64_t> counts;  // word -> occurrences
  int64_t total = 0;                                // tokens counted

  static WordCounts of(const std::vector<Sentence>& sentences);
  // Distinct words that can be words of a vocabulary (the reserved spellings cannot).
  int64_t types() const;
};

class Vocab {
 public:
  Vocab();  // only <pad> and <unk>

  // Keeps the most frequent of the counted words.
  static Vocab from_counts(const WordCounts& counts, const VocabOptions& options);
  // Counts the words of `sentences` and keeps the most frequent ones.
  static Vocab build(const std::vector<Sentence>& sentences, const VocabOptions& options) {
    return from_counts(WordCounts::of(sentences), options);
  }
  // Rebuilds a vocabulary from words in id order (ids 0 and 1 must be <pad> and <unk>) and counts.
  static Vocab from_words(std::vector<std::string> words, std::vector<int64_t> counts);

  int32_t size() const { return static_cast<int32_t>(words_.size()); }
  int32_t id(const std::string& word) const;  // kUnkId when absent
  bool contains(const std::string& word) const { return index_.count(word) != 0; }
  const std::string& word(int32_t id) const { return words_.at(id); }
  int64_t count(int32_t id) const { return counts_.at(id); }
  const std::vector<std::string>& words() const { return words_; }
  const std::vector<int64_t>& counts() const { return counts_; }

  static const char* pad_word() { return "<pad>"; }
  static const char* unk_word() { return "<unk>"; }

 private:
  std::vector<std::string> words_;   // (V): id -> word
  std::vector<int64_t> counts_;      // (V): id -> count in the text it was built from
  std::unordered_map<std::string, int32_t> index_;
};

}  // namespace embplay
