// The words of every unit, counted once, for everything that works on units: BM25 (the yardstick of
// search, as Kneser-Ney is of the language model), TF-IDF vectors (the yardstick of sentence
// similarity), the frequency weights of SIF pooling, cluster labels and highlighting.
//
//   bag of unit i       (term, count) pairs sorted by term: a forward index in CSR form
//   postings of term t  (unit, count) pairs sorted by unit: the inverted index, its transpose
//
// Terms are the units' tokens as `tokenizer` reads them, numbered in order of first appearance.
// Memory: 8 bytes per (unit, distinct term) pair twice (bags and postings), plus the term strings;
// about 110 MB for 100,000 paragraphs of 100 words (bench/README.md, Sentences).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common.h"
#include "text_units.h"
#include "tokenizer.h"

namespace embplay {

struct TermCount {
  int32_t id;     // a term (in a bag) or a unit (in postings)
  int32_t count;  // occurrences of the term in the unit
};

class TextIndex {
 public:
  int32_t units() const { return static_cast<int32_t>(lengths_.size()); }
  int32_t terms() const { return static_cast<int32_t>(terms_.size()); }
  const std::string& term(int32_t t) const { return terms_[t]; }
  int32_t find(const std::string& word) const;  // the term id of `word`, or -1
  const TokenizerOptions& tokenizer() const { return tokenizer_; }

  // Unit i's distinct terms with their counts, sorted by term: [bag_begin(i), bag_end(i)).
  const TermCount* bag_begin(int32_t i) const { return bags_.data() + bag_start_[i]; }
  const TermCount* bag_end(int32_t i) const { return bags_.data() + bag_start_[i + 1]; }
  // Term t's units with its counts there, sorted by unit.
  const TermCount* postings_begin(int32_t t) const { return postings_.data() + post_start_[t]; }
  const TermCount* postings_end(int32_t t) const { return postings_.data() + post_start_[t + 1]; }
  int32_t length(int32_t i) const { return lengths_[i]; }        // tokens of unit i
  int32_t document_frequency(int32_t t) const { return post_start_[t + 1] - post_start_[t]; }
  int64_t count(int32_t t) const { return counts_[t]; }           // occurrences of t in all units
  int64_t tokens() const { return tokens_; }                      // tokens of all units
  double mean_length() const { return units() ? double(tokens_) / units() : 0.0; }
  // How many times `term` occurs in unit i (a binary search of its bag).
  int32_t count_in(int32_t i, int32_t term) const;
  // Bytes held, for the memory figures.
  size_t memory_bytes() const;

 private:
  friend class TextIndexBuilder;
  TokenizerOptions tokenizer_;
  std::vector<std::string> terms_;                  // (T)
  std::unordered_map<std::string, int32_t> lookup_;  // term -> id
  std::vector<int64_t> counts_;                     // (T)
  std::vector<int32_t> lengths_;                    // (N)
  std::vector<int64_t> bag_start_{0};               // (N + 1)
  std::vector<TermCount> bags_;                     // (pairs)
  std::vector<int64_t> post_start_;                 // (T + 1)
  std::vector<TermCount> postings_;                 // (pairs)
  int64_t tokens_ = 0;
};

// Builds a TextIndex in steps, so that the page's worker can index 100,000 paragraphs without
// blocking: step() reads up to `budget` units; finish() builds the postings.
class TextIndexBuilder {
 public:
  TextIndexBuilder(const Units& units, const TokenizerOptions& tokenizer);
  bool step(int64_t budget);  // true when every unit is read
  int64_t done() const { return next_; }
  TextIndex finish();         // reads what is left first

 private:
  const Units& units_;
  TextIndex index_;
  int64_t next_ = 0;
  std::vector<int32_t> scratch_counts_;  // (T): counts of the unit being read, zero between units
  std::vector<int32_t> touched_;         // terms of the unit being read
};

// The whole index at once.
TextIndex build_text_index(const Units& units, const TokenizerOptions& tokenizer = {});

// A typed query read like the units: its words, with stopwords set aside when asked.
struct Query {
  std::vector<std::string> words;      // the words used, in order (repeats kept)
  std::vector<int32_t> terms;          // (words) their term ids, -1 for a word no unit has
  std::vector<std::string> stopwords;  // words set aside as stopwords
};
// Throws InputError for a query with no word, or only stopwords (naming them).
Query read_query(const TextIndex& index, const std::string& text, bool drop_stopwords);

// "a", "b", "c" with their quotes: how messages name words.
std::string quoted_words(const std::vector<std::string>& words);

// Okapi BM25 (Robertson et al.): for each query word t in the unit,
//   idf(t) * tf (k1 + 1) / (tf + k1 (1 - b + b len / mean_len)),  idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))
// summed over the query's words (a repeated word counts again). This idf never goes negative.
struct Bm25Options {
  float k1 = 1.2f;   // term-frequency saturation; 0..10
  float b = 0.75f;   // length normalisation; 0..1
};
void validate(const Bm25Options& o);
// scores (N) := the BM25 score of every unit (0 for units sharing no word with the query).
void bm25_scores(const TextIndex& index, const Query& query, const Bm25Options& options, std::vector<float>& scores);

// TF-IDF cosine between two units: raw counts times idf(t) = ln((1 + N) / (1 + df)) + 1, as
// scikit-learn's TfidfVectorizer by default; stopwords left out when asked. 0 when a side is empty.
double tfidf_cosine(const TextIndex& index, int32_t a, int32_t b, bool drop_stopwords);

}  // namespace embplay
