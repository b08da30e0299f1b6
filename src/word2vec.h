// word2vec (Mikolov et al. 2013): skip-gram and CBOW trained with negative sampling, in the manner of
// fastText's loss/model split. The loss object owns the maths and the noise distribution; the
// trainer only decides which (input, target) pairs to train, and keeps its scratch space so the
// hot loop never allocates.
//
//   input_   (V, d)  row i is the vector of word i: "the embeddings", what every tool looks at
//   output_  (V, d)  row i scores word i as a target (context word or centre word)
//
// Skip-gram: for each centre word c and each context word o within a window of b words (b uniform in
// 1..window), h = input_[c] and o is the target. CBOW: h = mean of the context rows, c is the target.
// Either way, with negatives n_1..n_k drawn from unigram^0.75:
//   loss = -log sigma(output_[t] . h) - sum_j log sigma(-output_[n_j] . h)
// Only the rows of the words involved move (sparse SGD), with a learning rate decaying linearly to 0.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "alias.h"
#include "common.h"
#include "corpus.h"
#include "input_error.h"
#include "tokenizer.h"
#include "vocab.h"

namespace embplay {

struct Word2VecOptions {
  std::string model = "skipgram";  // "skipgram" or "cbow"
  int dim = 100;                   // d: vector size; 1..1000
  int window = 5;                  // largest distance to a context word; 1..50 (each centre draws 1..window)
  int negative = 5;                // noise words per target; 1..100
  int min_count = 5;               // words seen fewer times are dropped; 1..1000000
  int max_vocab = 1000000;         // most frequent words kept; 1..5000000
  int epochs = 5;                  // passes over the text; 1..1000
  float lr = 0;                    // starting learning rate; 0 = the model's default (0.025 skip-gram, 0.05 CBOW)
  double sample = 1e-4;            // subsampling threshold t; 0 = keep every word; 0..1
  uint32_t seed = 1;               // initial vectors, windows, subsampling and negatives
  TokenizerOptions tokenizer;      // lowercase, punctuation dropped
  // The context of a word is its whole sentence (item2vec's baskets), not a window of 1..window
  // words. Not in the option table: set by callers that train on id sequences (item2vec).
  bool whole_window = false;
};

// The options as one table, like settings_schema(): the page builds its form from the schema and the
// CLI its flags, so an option is declared once (in word2vec.cpp).
// [{name, type: int|float|bool|choice, min, max, default, choices?, hint}, ...]
nlohmann::json word2vec_schema();
// Absent fields keep their defaults; unknown fields and bad values throw InputError naming the field.
Word2VecOptions word2vec_options_from_json(const nlohmann::json& j);
nlohmann::json word2vec_options_to_json(const Word2VecOptions& o);
// Sets one option from text ("--dim 64" on the command line); throws InputError.
void set_word2vec_option(Word2VecOptions& o, const std::string& name, const std::string& value);
// Checks every field; throws InputError naming the field and its allowed range.
void validate(const Word2VecOptions& o);
// The learning rate actually used: o.lr, or the model's default when it is 0.
float starting_lr(const Word2VecOptions& o);

// Negative-sampling loss for one hidden vector h and one target: fused forward and backward, with
// the SGD step applied to the output rows at once (as word2vec and fastText do).
class NegativeSampling {
 public:
  NegativeSampling() = default;
  // Noise distribution: counts^0.75 (entries of count 0, such as <pad> and <unk>, are never drawn).
  explicit NegativeSampling(const std::vector<int64_t>& counts, double power = 0.75);

  // Fills negs[0..k) with noise words different from `target` (redrawn when equal).
  void draw(int32_t target, int k, Rng& rng, int32_t* negs) const;

  // One update for h (d) against `target` (label 1) and negs[0..k) (label 0). Returns the loss.
  // Moves output rows by -lr * dloss/drow and adds -lr * dloss/dh to grad_h (d); h is not changed.
  // Each output row is used before it is moved, so with distinct rows these are exact gradients.
  static float update(const float* h, int32_t target, const int32_t* negs, int k, float lr, RowMatrix& output,
                      float* grad_h);
  // The same loss, without touching anything (for gradient checks and evaluation).
  static double loss(const float* h, int32_t target, const int32_t* negs, int k, const RowMatrix& output);

  const AliasTable& noise() const { return noise_; }

 private:
  AliasTable noise_;
  bool several_ = false;  // more than one word can be drawn
};

// Mikolov's subsampling: a word of relative frequency f is kept with probability
// min(1, sqrt(t / f) + t / f) (the formula in word2vec.c and fastText). t = 0 keeps everything.
double keep_probability(int64_t count, int64_t total, double t);

struct Word2VecProgress {
  int epoch = 0;                    // epochs completed
  int64_t words_processed = 0;      // in-vocabulary words read in the whole run (before subsampling)
  int64_t words_total = 0;          // epochs * words per epoch
  int64_t pairs_trained = 0;        // updates of the loss in the whole run
  double loss = 0;                  // mean loss per update over the current epoch so far
  double lr = 0;                    // learning rate of the last sentence trained
  double words_per_sec = 0;         // over the work of this call
  int64_t words = 0;                // in-vocabulary words read by this call
  double loss_sum = 0;              // this call: the sum of its updates' losses (one per pair)
  int64_t loss_count = 0;           // this call: how many updates loss_sum adds up
  bool epoch_end = false;           // this call finished an epoch
  bool finished = false;            // all epochs done
};

struct Word2VecStats {
  int64_t sentences = 0;
  int64_t tokens = 0;      // all tokens of the text
  int64_t types = 0;       // distinct words, before min_count and max_vocab
  int64_t train_words = 0; // tokens in the vocabulary: the words of one epoch
};

class Word2VecTrainer {
 public:
  // Tokenises `text` and builds its corpus with the options' min_count and max_vocab, then trains
  // on it as below. Throws InputError.
  Word2VecTrainer(const std::string& text, const Word2VecOptions& options);
  // Trains on sequences already read as ids: a text's sentences, or any other corpus (users' item
  // sequences, a paragraph's words). The corpus' vocabulary is the model's (<pad> and <unk> keep
  // ids 0 and 1 with zero vectors, so the geometry tools that skip them work unchanged); <unk>
  // tokens are left out, and min_count and max_vocab are not read (they made the corpus).
  // Initialises the vectors. Throws InputError.
  Word2VecTrainer(const Corpus& corpus, const Word2VecOptions& options);

  // Trains whole sentences until about `budget` words are read (at least one sentence), the epoch
  // ends or training finishes. The progress says what this call did (words, loss_sum, loss_count,
  // lr) and where the run stands.
  Word2VecProgress step(int64_t budget);

  const Vocab& vocab() const { return vocab_; }
  const RowMatrix& input() const { return input_; }    // (V, d): the word vectors
  const RowMatrix& output() const { return output_; }  // (V, d)
  const Word2VecOptions& options() const { return options_; }
  const Word2VecStats& stats() const { return stats_; }
  const Word2VecProgress& progress() const { return progress_; }

 private:
  void train_sentence(const int32_t* ids, int64_t n, float lr);
  // How far a centre word's context reaches: 1..window drawn at random, or the whole sentence.
  int window_around() {
    if (options_.whole_window) return static_cast<int>(line_.size());
    return 1 + static_cast<int>(rng_.below(static_cast<uint32_t>(options_.window)));
  }
  void skipgram(float lr);
  void cbow(float lr);
  void add_loss(float loss);  // one update's loss, to the epoch's and this call's sums

  Word2VecOptions options_;
  bool cbow_ = false;
  float lr0_ = 0;
  Vocab vocab_;
  Word2VecStats stats_;
  Ids corpus_;                   // (train_words) ids of every in-vocabulary token, sentence after sentence
  std::vector<int64_t> starts_;  // (sentences + 1) where each sentence begins in corpus_
  std::vector<float> keep_;      // (V) subsampling keep probability per id
  RowMatrix input_, output_;     // (V, d) each
  NegativeSampling loss_;
  Rng rng_;
  Word2VecProgress progress_;
  int64_t sentence_ = 0;         // next sentence to train in this epoch
  double epoch_loss_ = 0;
  int64_t epoch_pairs_ = 0;
  // Scratch, sized once: the hot loop never allocates.
  Ids line_;                     // the kept words of the current sentence
  Ids negs_;                     // (negative)
  std::vector<float> hidden_;    // (d) h
  std::vector<float> grad_;      // (d) -lr * dloss/dh, summed over a target and its negatives
};

}  // namespace embplay
