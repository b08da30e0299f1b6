// Pooled embeddings of units: one vector per sentence, paragraph or document, made from the vectors
// of its words in any word-vector table (the next-word model's, word2vec's, an opened file's).
//
//   mean      (1/n) sum_i w_i v_i                       over the unit's n tokens that have a vector
//   max       max_i w_i v_i, per dimension
//   mean+max  [mean ; max], 2d values
// with word weights w_i = 1, or SIF's a / (a + p(w)) (Arora et al. 2017; p(w) the word's share of
// the units' tokens), or IDF's ln((1 + N) / (1 + df)) + 1, times 1 / |v_i| when word vectors are
// taken at unit length; then, optionally, the projection on the
// first k principal directions of the unit vectors (uncentred, as SIF does) is removed. The "sif"
// preset is mean + SIF weights + 1 component removed.
//
// Coverage: each unit records its tokens (after stopword removal) and how many had a vector. A unit
// with none gets a zero vector and has_vector() false: never NaN, and never a search result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common.h"
#include "text_index.h"
#include "tokenizer.h"
#include "vocab.h"

namespace embplay {

// A view of one source of word vectors: word -> row, the table, and how its words were read.
struct WordTable {
  const Vocab* vocab = nullptr;
  const RowMatrix* vectors = nullptr;           // (V, d): row i is the vector of vocab word i; rows <pad>, <unk> unused
  const TokenizerOptions* tokenizer = nullptr;  // how the table's text was read; null for an opened file

  int dim() const { return static_cast<int>(vectors->cols()); }
  // The row of `word`, or -1: as written, then (opened files, which have no tokenizer of their
  // own) lowercased, as the page looks up a typed word.
  int32_t row(const std::string& word) const;
  // How units should be read for this table: its own tokenizer, or the default (lowercase) for a file.
  TokenizerOptions reading() const { return tokenizer ? *tokenizer : TokenizerOptions{}; }
};

enum class Pooling { kMean, kMax, kMeanMax };
enum class Weighting { kNone, kSif, kIdf };

struct PoolingOptions {
  Pooling pooling = Pooling::kMean;      // how the word vectors combine
  Weighting weighting = Weighting::kNone;  // word weights
  float sif_a = 1e-3f;                  // SIF's a: smaller trusts frequency more; 1e-6..1
  int remove_components = 0;            // principal directions removed from the unit vectors; 0..20
  bool drop_stopwords = false;          // leave out the English stopwords (stopwords.h)
  bool unit_words = false;              // scale each word vector to length 1 first (word2vec's lengths grow with frequency)
};
// "mean", "max", "mean+max", "sif" (mean, SIF weights, 1 component), "idf" (mean, IDF weights);
// throws InputError listing them.
PoolingOptions pooling_preset(const std::string& name);
void validate(const PoolingOptions& o);
// A short name for the options ("sif", "mean+max idf -2pc -stop"), for reports.
std::string describe(const PoolingOptions& o);

// Pools units of one index with one table. Each term's row and weight are looked up once.
class Pooler {
 public:
  // Throws InputError for bad options or an empty table.
  Pooler(const TextIndex& index, const WordTable& table, const PoolingOptions& options);

  int dim() const { return dim_; }  // D: d, or 2d for mean+max
  const PoolingOptions& options() const { return options_; }
  const TextIndex& index() const { return index_; }
  const WordTable& table() const { return table_; }

  struct Counts {
    int32_t words = 0;  // tokens counted (stopwords left out when asked)
    int32_t known = 0;  // of those, tokens with a vector
  };
  // Unit i pooled into out[0..D), before any component is removed. No allocation.
  Counts pool_unit(int32_t i, float* out) const;

  // A typed text, token by token: what compare() and queries need.
  struct Token {
    std::string word;
    int32_t row;    // in the table, -1 without a vector
    float weight;   // w_i
  };
  std::vector<Token> read(const std::string& text) const;
  // The same for words read already (stopwords are left out here when the options say so).
  std::vector<Token> tokens(std::vector<std::string> words) const;
  // The pooled vector (D) of tokens; returns the counts.
  Counts pool_tokens(const std::vector<Token>& tokens, float* out) const;

 private:
  float weight_of(int32_t term, int32_t row) const;  // w for an index term (-1: a word no unit has) and its row
  template <typename Next>
  Counts pool(Next next, float* out) const;

  const TextIndex& index_;
  WordTable table_;
  PoolingOptions options_;
  int dim_;
  std::vector<int32_t> rows_;     // (T): each term's row, -1 without a vector or as a stopword
  std::vector<float> weights_;    // (T)
};

struct UnitEmbeddings {
  RowMatrix vectors;              // (N, D): unit vectors, components removed; zero rows for units without a vector
  std::vector<int32_t> words;     // (N) tokens counted per unit
  std::vector<int32_t> known;     // (N) of those, tokens with a vector
  RowMatrix components;           // (k, D): the removed directions, unit length

  int32_t size() const { return static_cast<int32_t>(known.size()); }
  bool has_vector(int32_t i) const { return known[i] > 0; }
  double coverage(int32_t i) const { return words[i] ? double(known[i]) / words[i] : 0.0; }
  int32_t with_vectors() const;  // units that have a vector
  // out (D) minus its projection on every removed component.
  void remove_components(float* out) const;
};

// Pools every unit, in steps: step() pools up to `budget` units (and gathers their part of the
// second-moment matrix for the components); finish() removes the components.
class UnitEmbedder {
 public:
  explicit UnitEmbedder(const Pooler& pooler);
  bool step(int64_t budget);  // true when every unit is pooled
  int64_t done() const { return next_; }
  UnitEmbeddings finish();

 private:
  const Pooler& pooler_;
  UnitEmbeddings out_;
  Eigen::MatrixXd moment_;  // (D, D): sum of v v^T over the units with a vector
  int64_t next_ = 0;
};

UnitEmbeddings embed_units(const Pooler& pooler);

// The cosine of two typed texts' pooled vectors, and what each word adds to it. With u and v the
// pooled vectors (components removed), every pooling is a sum of per-token parts, u = sum_i p_i:
// mean: p_i = w_i P v_i / n (P removes the components); max: p_i holds the dimensions where token i
// is the maximum (P applied after); mean+max: both parts side by side. Then
//   contribution_i = p_i . v / (|u| |v|)   and   sum_i contribution_i = cos(u, v)
// exactly, and the same for the second text's tokens against u. Repeated words are summed.
struct WordContribution {
  std::string word;
  float contribution;
  int32_t count;  // occurrences in its text
};
struct Comparison {
  float cosine = 0;
  std::vector<WordContribution> a, b;  // per distinct word with a vector, largest contribution first
  std::vector<std::string> a_unknown, b_unknown;  // words without a vector
};
// Throws InputError when a text has no word with a vector (naming the words).
Comparison compare_texts(const Pooler& pooler, const UnitEmbeddings& embeddings, const std::string& a,
                         const std::string& b);

// The same for two texts with no units around them: the two are the units (SIF's p(w) and IDF come
// from them, words are read as `table` reads text) and no component is removed (two sentences have
// no principal direction worth removing).
Comparison compare_pair(const WordTable& table, PoolingOptions options, const std::string& a, const std::string& b);

}  // namespace embplay
