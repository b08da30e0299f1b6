// Standard tests of word vectors: analogies ("a is to b as c is to ?", Mikolov et al. 2013) and
// word-pair similarity against human judgements (WordSim-353, SimLex-999), each with its coverage:
// how many items have all their words among the vectors. Words are looked up lowercased.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common.h"
#include "input_error.h"

namespace embplay {

struct AnalogyQuestion {
  std::string a, b, c, d;  // a is to b as c is to d
};
struct AnalogySection {
  std::string name;  // e.g. "capital-common-countries"; sections named "gram..." are syntactic
  std::vector<AnalogyQuestion> questions;
};
// questions-words.txt: ": section" lines, then "a b c d" lines. Throws InputError "line N: ...".
std::vector<AnalogySection> read_analogies(const std::string& text);

struct SimilarityPair {
  std::string a, b;
  double score;  // mean human judgement
};
// "word word score" lines (tabs or spaces); '#' lines and blank lines are skipped. Throws InputError.
std::vector<SimilarityPair> read_similarity(const std::string& text);

struct AnalogyScore {
  std::string name;
  int64_t total = 0;    // questions
  int64_t covered = 0;  // questions whose four words all have vectors
  int64_t correct = 0;  // covered questions answered exactly
  double accuracy() const { return covered ? double(correct) / double(covered) : 0.0; }
  double coverage() const { return total ? double(covered) / double(total) : 0.0; }
};
struct AnalogyResult {
  std::vector<AnalogyScore> sections;
  AnalogyScore semantic, syntactic, all;
};
// 3CosAdd: the answer is the word whose unit vector has the largest dot product with
// unit(b) - unit(a) + unit(c), the three question words excluded. `vectors` is (N, d), row i the
// vector of words[i]; with duplicates (after lowercasing) the first row wins.
AnalogyResult evaluate_analogies(const std::vector<std::string>& words, const RowMatrix& vectors,
                                 const std::vector<AnalogySection>& sections);

struct SimilarityScore {
  int64_t total = 0;
  int64_t covered = 0;   // pairs whose two words have vectors
  double spearman = 0;   // between cosine and the human score over covered pairs; NaN below 2 pairs
  double coverage() const { return total ? double(covered) / double(total) : 0.0; }
};
// As JSON for the page and the CLI: {name, total, covered, correct, accuracy, coverage} and
// {spearman (null when undefined), total, covered, coverage}.
nlohmann::json to_json(const AnalogyScore& s);
nlohmann::json to_json(const SimilarityScore& s);

SimilarityScore evaluate_similarity(const std::vector<std::string>& words, const RowMatrix& vectors,
                                    const std::vector<SimilarityPair>& pairs);

// Ranks 1..n, ties given the mean of the ranks they span.
std::vector<double> average_ranks(const std::vector<double>& x);
// Spearman's rho: Pearson correlation of the tie-averaged ranks. NaN when fewer than 2 items or a
// side is constant.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

// ASCII lowercase (the evaluation sets are ASCII).
std::string lowercase_ascii(std::string s);

}  // namespace embplay
