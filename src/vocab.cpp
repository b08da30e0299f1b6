// Vocabulary: counts the words of tokenized sentences and gives each kept word a stable id.
// <pad> = 0 and <unk> = 1 come first; then words by descending count, ties by their bytes, so the
// same text always yields the same ids (the page, the CLI and saved models must agree).
#include "vocab.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace embplay {

Vocab::Vocab() : words_{pad_word(), unk_word()}, counts_{0, 0} {
  index_.emplace(words_[kPadId], kPadId);
  index_.emplace(words_[kUnkId], kUnkId);
}

int32_t Vocab::id(const std::string& word) const {
  const auto it = index_.find(word);
  return it == index_.end() ? kUnkId : it->second;
}

WordCounts WordCounts::of(const std::vector<Sentence>& sentences) {
  // A hash map: one lookup per token, so 10 MB of text counts in well under a second.
  WordCounts c;
  c.counts.reserve(1 << 14);
  for (const Sentence& sentence : sentences) {
    for (const std::string& token : sentence) ++c.counts[token];
    c.total += static_cast<int64_t>(sentence.size());
  }
  return c;
}

int64_t WordCounts::types() const {
  return static_cast<int64_t>(counts.size()) - static_cast<int64_t>(counts.count(Vocab::pad_word())) -
         static_cast<int64_t>(counts.count(Vocab::unk_word()));
}

Vocab Vocab::from_counts(const WordCounts& words, const VocabOptions& options) {
  // Wider than the page's ranges (settings.cpp enforces those); these only reject nonsense.
  if (options.min_count < 1 || options.min_count > 1000000) {
    throw std::invalid_argument("vocab min_count must be in 1..1000000, got " +
                                std::to_string(options.min_count));
  }
  if (options.max_size < 1) {
    throw std::invalid_argument("vocab max_size must be at least 1, got " +
                                std::to_string(options.max_size));
  }

  const std::unordered_map<std::string, int64_t>& counts = words.counts;
  // Candidates point into the map (no string copies). The reserved spellings can't be words: they
  // never come from the tokenizer ('<' and '>' are punctuation) and would collide with ids 0 and 1;
  // if a caller's sentences contain them, they are counted under <unk>.
  using Entry = const std::pair<const std::string, int64_t>*;
  std::vector<Entry> kept;
  kept.reserve(counts.size());
  for (const auto& entry : counts) {
    if (entry.second < options.min_count) continue;
    if (entry.first == pad_word() || entry.first == unk_word()) continue;
    kept.push_back(&entry);
  }
  // Descending count, then byte order (std::string compares as unsigned char): fully deterministic.
  const auto before = [](Entry a, Entry b) {
    if (a->second != b->second) return a->second > b->second;
    return a->first < b->first;
  };
  const size_t cap = static_cast<size_t>(options.max_size);
  if (kept.size() > cap) {
    std::partial_sort(kept.begin(), kept.begin() + cap, kept.end(), before);
    kept.resize(cap);
  } else {
    std::sort(kept.begin(), kept.end(), before);
  }

  Vocab v;
  v.words_.reserve(kept.size() + 2);
  v.counts_.reserve(kept.size() + 2);
  v.index_.reserve(kept.size() + 2);
  int64_t in_vocab = 0;
  for (Entry e : kept) {
    v.index_.emplace(e->first, v.size());
    v.words_.push_back(e->first);
    v.counts_.push_back(e->second);
    in_vocab += e->second;
  }
  v.counts_[kUnkId] = words.total - in_vocab;  // every token that maps to <unk>
  return v;
}

Vocab Vocab::from_words(std::vector<std::string> words, std::vector<int64_t> counts) {
  if (words.size() < 2 || words[kPadId] != pad_word() || words[kUnkId] != unk_word()) {
    throw std::invalid_argument(
        "vocab words must start with \"<pad>\" (id 0) and \"<unk>\" (id 1)");
  }
  if (counts.size() != words.size()) {
    throw std::invalid_argument("vocab has " + std::to_string(words.size()) + " words but " +
                                std::to_string(counts.size()) + " counts");
  }
  Vocab v;
  v.index_.clear();
  v.index_.reserve(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    if (counts[i] < 0) {
      throw std::invalid_argument("vocab count of \"" + words[i] + "\" is negative");
    }
    if (!v.index_.emplace(words[i], static_cast<int32_t>(i)).second) {
      throw std::invalid_argument("vocab word \"" + words[i] + "\" appears twice");
    }
  }
  v.words_ = std::move(words);
  v.counts_ = std::move(counts);
  return v;
}

}  // namespace embplay
