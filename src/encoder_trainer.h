// EncoderTrainer: owns a sentence-encoder run. Sentences (and, optionally, sentence pairs) and
// options in; `step(budget)` trains a bounded amount of work and says what it did, so the page's
// worker can interleave training with messages, as with the next-word Trainer.
//
// The run is up to three phases, in this order, each with a fresh Adam and its own warm-up and
// schedule (the options say how many epochs each gets; 0 skips it):
//   mlm     masked-word pre-training (BERT): words hidden, the tied head guesses them
//   simcse  unsupervised SimCSE: each sentence twice through dropout is its own positive pair,
//           the batch's other sentences the negatives, InfoNCE on the pooled vectors
//   pairs   supervised: each given pair (a, b) is a positive, the batch's other b's the negatives
//           (InfoNCE again: SentenceBERT's MultipleNegativesRankingLoss)
// Batches hold sentences of similar length (each epoch: a seeded shuffle, pools of 50 batches
// sorted by length, the batches shuffled). The same sentences, pairs, options and seed give the
// same run, bit for bit. Scratch lives in the trainer: a step allocates nothing once the longest
// batch has been seen.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "contrastive.h"
#include "corpus.h"
#include "optimizer.h"
#include "schedule.h"
#include "sentence_encoder.h"

namespace embplay {

struct SentencePair {
  Sentence a, b;  // the two sentences' words
};

// A text's sentences: the tokenizer's (ending at . ! ? and blank lines), or one per non-empty line.
std::vector<Sentence> read_sentences(const std::string& text, const TokenizerOptions& tokenizer, bool by_line);
// A pairs file: tab-separated lines "a<TAB>b" or "a<TAB>b<TAB>score" (pairs scoring below
// min_score are left out), or an STS Benchmark file (its header starts with "genre"), whose scores
// are 0..5. Throws InputError naming the line.
std::vector<SentencePair> read_pairs(const std::string& text, const TokenizerOptions& tokenizer, double min_score);

enum class EncoderPhase { kMlm, kSimcse, kPairs };
const char* encoder_phase_name(EncoderPhase p);

struct EncoderStats {
  int64_t sentences = 0;   // training sentences with at least one word
  int64_t tokens = 0;      // their words
  int64_t types = 0;       // distinct words (sentences and pairs), before min_count and max_vocab
  int64_t oov_tokens = 0;  // words of the sentences read as <unk>
  int64_t cut = 0;         // sentences longer than max_words (cut when batched)
  int64_t pairs = 0;       // sentence pairs
  int32_t vocab = 0;       // V, the four reserved tokens included
};

struct EncoderProgress {
  std::string phase;           // the phase this call trained: "mlm", "simcse" or "pairs"
  int phase_index = 0;         // 0-based, among the run's phases
  int phases = 0;              // phases in the run
  int epoch = 0;               // epochs completed in this phase
  int epochs = 0;              // the phase's epochs
  int64_t step = 0;            // batches done in the whole run
  int64_t phase_step = 0;      // batches done in this phase
  int64_t phase_steps = 0;     // batches in the whole phase
  int64_t epoch_position = 0;  // examples done in this epoch (sentences, or pairs)
  int64_t epoch_size = 0;      // examples per epoch
  int64_t examples = 0;        // this call: examples trained
  int64_t tokens = 0;          // this call: real tokens through the encoder ([CLS] included; SimCSE's two views both count)
  double loss_sum = 0;         // this call: sum of its losses (mlm: per hidden word; contrastive: per example)
  int64_t loss_count = 0;      // this call: how many losses loss_sum adds up
  float lr = 0;                // learning rate of the last step
  double grad_norm = 0;        // global gradient norm of the last step, before clipping
  double tokens_per_sec = 0;   // over this call
  bool epoch_end = false;      // this call finished an epoch
  bool phase_end = false;      // ... and with it the phase (the next call starts the next phase)
  bool finished = false;       // every phase done
  bool diverged = false;       // a loss was not finite: training stopped, the last epoch's weights restored
};

// Hides words for the masked-word objective (BERT): in each sequence round(rate * words) of them,
// at least one, at distinct random positions; each becomes [MASK] (80%), a random word (10%) or
// stays as it is (10%). positions (M): their columns b * T + t; targets (M): the words that were there.
class WordMasker {
 public:
  void mask(TokenBatch& batch, float rate, int vocab, Rng& rng, std::vector<int32_t>& positions, Ids& targets);

 private:
  std::vector<int32_t> slots_;  // scratch: the positions of one sequence
};

class EncoderTrainer {
 public:
  // Builds the vocabulary on the sentences and the pairs, reads them as ids and initialises the
  // encoder; or, given `start` (a trained encoder), goes on from its vocabulary and weights, its
  // model's options (dim, heads, layers, ff, max_words, the vocabulary's and the tokenizer's)
  // replacing those in `options`. Throws InputError when there is nothing to train on (no
  // sentences; fewer than two for the contrastive phases; every phase at 0 epochs).
  EncoderTrainer(std::vector<Sentence> sentences, std::vector<SentencePair> pairs, const EncoderOptions& options,
                 const SentenceEncoder* start = nullptr);

  // Trains batches until about `budget` examples are done (at least one batch), or an epoch ends.
  EncoderProgress step(int64_t budget);

  const SentenceEncoder& encoder() const { return encoder_; }
  const EncoderOptions& options() const { return encoder_.options; }
  const EncoderStats& stats() const { return stats_; }
  const EncoderProgress& progress() const { return progress_; }
  const std::vector<EncoderPhase>& phases() const { return phases_; }
  const IdSentences& sentences() const { return sentences_; }
  // The last batch as the encoder saw it (masked-word phase: with its words hidden), and the
  // hidden words' columns and the words that were there (empty in the contrastive phases).
  const TokenBatch& last_batch() const { return batch_; }
  const std::vector<int32_t>& last_positions() const { return positions_; }
  const Ids& last_targets() const { return targets_; }

 private:
  void start_phase();
  void start_epoch();
  // Trains one batch of examples (indices into the phase's examples); false when the loss is not finite.
  bool train_batch(const int64_t* examples, int count);
  int64_t examples_in_phase() const;
  int64_t example_length(int64_t i) const;

  SentenceEncoder encoder_;
  EncoderStats stats_;
  IdSentences sentences_;           // encoder ids, whole (cut when batched)
  IdSentences pair_a_, pair_b_;     // pair i is sentence i of each
  std::vector<EncoderPhase> phases_;
  std::vector<int> phase_epochs_;

  Rng order_rng_, mask_rng_, dropout_rng_;
  std::unique_ptr<Optimizer> optimizer_;
  LrSchedule schedule_;
  std::vector<TensorRef> weights_, grads_list_;  // the same tensors of encoder_.model.w and grads_
  EncoderWeights grads_;
  EncoderWeights last_good_;        // weights at the last epoch end, restored when a loss is not finite

  std::vector<int64_t> order_;      // this epoch's examples, batch after batch
  std::vector<int64_t> bounds_;     // (batches + 1): where each batch starts in order_
  size_t next_batch_ = 0;
  bool phase_pending_ = false;      // the last call ended a phase: the next one starts the next

  // scratch
  TokenBatch batch_;
  EncoderActivations act_;
  WordMasker masker_;
  std::vector<int32_t> positions_;
  Ids targets_;
  InfoNce info_nce_;
  Scratch pooled_, dpooled_;        // (d, 2B)
  std::vector<int32_t> argmax_;     // (d, 2B)
  EncoderProgress progress_;
};

}  // namespace embplay
