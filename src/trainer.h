// Trainer: owns a run. Text and settings in; `step(budget)` trains a bounded amount of work and
// returns progress, so a browser worker can interleave training with messages; `evaluate()`
// scores the validation sentences and `evaluate_test()` the test sentences. The same text,
// settings and seed always give the same run.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "dataset.h"
#include "loss.h"
#include "model.h"
#include "output_layer.h"
#include "optimizer.h"
#include "schedule.h"
#include "settings.h"
#include "trained_model.h"
#include "vocab.h"

namespace embplay {

struct TextStats {
  int64_t sentences = 0;
  int64_t tokens = 0;          // in all sentences
  int64_t types = 0;           // distinct words in the training split, before min_count and max_vocab
  int64_t train_examples = 0;
  int64_t valid_examples = 0;
  int64_t test_examples = 0;
  int64_t oov_tokens = 0;      // training tokens that became <unk>
};

struct Evaluation {
  double loss = 0;        // mean cross-entropy, nats (whatever loss trained the model)
  double perplexity = 0;  // exp(loss)
  double accuracy = 0;    // top-1
  double top5 = 0;        // the target among the 5 most probable words
  int64_t examples = 0;   // 0: nothing held out, the other fields are meaningless
};

struct Progress {
  int epoch = 0;              // epochs completed
  int64_t step = 0;           // batches done in the whole run
  int64_t epoch_position = 0; // examples done in the current epoch
  int64_t epoch_size = 0;     // training examples per epoch
  double train_loss = 0;      // mean training loss (the run's loss) over the current epoch so far; with
                              // softmax "sampled" the loss over each batch's candidates, below the exact one
  double last_batch_loss = 0;
  double tokens_per_sec = 0;  // over the work of this call
  int64_t examples = 0;       // examples trained by this call
  double loss_sum = 0;        // this call: the sum of its examples' training losses (the run's loss)
  int64_t loss_count = 0;     // this call: how many losses loss_sum adds up (loss_sum / loss_count: their mean)
  float lr = 0;               // learning rate of the last step (after the schedule)
  double grad_norm = 0;       // global gradient norm of the last step, before clipping (0 when clip is off)
  bool epoch_end = false;     // this call finished an epoch
  bool finished = false;      // all epochs done, or stopped early
  bool diverged = false;      // the loss blew up; training stopped and the best (or last finished
                              // epoch's, or the initial) weights were restored
  // Early stopping (patience > 0 and a validation split): the validation figures of the epoch
  // that just ended (examples = 0 otherwise), the best epoch so far, and whether it stopped early.
  Evaluation valid;
  int best_epoch = 0;
  bool stopped_early = false;
};

// The three splits' sentences, as ids of the run's vocabulary.
struct SplitIds {
  IdSentences train, valid, test;
};

// Three texts given apart (the CLI's --train, --valid, --test): no splitting.
struct SplitTexts {
  std::string train, valid, test;
};

class Trainer {
 public:
  // Tokenises, splits by sentence (settings valid_fraction, test_fraction, split), builds the
  // corpus (vocabulary and ids) on the training split, reads the held-out sentences with its
  // vocabulary, makes examples and initialises the model. Throws InputError
  // with a message for the user when the text cannot be trained on.
  Trainer(const std::string& text, const Settings& settings);
  // The same from three texts; valid and test may be empty (no evaluation).
  Trainer(const SplitTexts& texts, const Settings& settings);

  // A twin of this run that differs only in its loss ("cross_entropy" or "mse"): the same data,
  // vocabulary and examples, the same initial weights and the same batches in the same order,
  // whatever this trainer has done since it was made.
  std::unique_ptr<Trainer> twin(const std::string& loss) const;

  // Trains batches until about `budget` examples are done (at least one batch), the epoch ends,
  // training finishes, stops early or diverges. When it finishes with early stopping on, the
  // weights of the best validation epoch are restored. The progress says what this call did
  // (examples, loss_sum, loss_count, lr) and where the run stands.
  Progress step(int64_t budget);
  Evaluation evaluate() const;       // on the validation split
  Evaluation evaluate_test() const;  // on the test split
  Evaluation evaluate(const Examples& examples) const;

  // A message for the user when the run is not what the settings asked for (text too small to
  // split, early stopping without validation); empty otherwise.
  const std::string& notice() const { return notice_; }

  const TrainedModel& trained() const { return trained_; }
  const Vocab& vocab() const { return trained_.vocab; }
  const NextWordModel& model() const { return trained_.model; }
  const NextWordModel& initial_model() const { return initial_; }
  const Settings& settings() const { return trained_.settings; }
  const TextStats& stats() const { return stats_; }
  const SplitIds& sentences() const { return data_->sentences; }  // the three splits' sentences
  const Examples& train_examples() const { return data_->train; }
  const Examples& valid_examples() const { return data_->valid; }
  const Examples& test_examples() const { return data_->test; }
  const LrSchedule& schedule() const { return schedule_; }
  // The order of training examples in the current epoch (a seeded shuffle of 0..N-1).
  const std::vector<int64_t>& epoch_order() const { return order_; }
  // The embedding rows the last batch changed.
  const Ids& last_rows() const { return grads_.rows; }
  // (U): how far each of those rows moved in that batch (Euclidean norm of the update).
  const std::vector<float>& last_row_changes() const { return row_change_; }
  // The rows of W2 and b2 the last batch changed with a hierarchical or sampled softmax (empty with the full one).
  const Ids& last_output_rows() const { return grads_.output.rows; }
  const Progress& progress() const { return progress_; }

 private:
  // What twins share: the sentences and examples of the three splits.
  struct Data {
    SplitIds sentences;
    Examples train, valid, test;
    std::string split_notice;  // the text was too small to hold anything out
  };

  Trainer(const Trainer& original, const std::string& loss);
  void init(Split split);  // after trained_.settings and stats_.sentences/tokens are set
  void prepare();          // loss, optimiser, schedule, early stopping; then the first epoch
  void train_batch(int64_t first, int batch);
  void start_epoch();

  TrainedModel trained_;
  TextStats stats_;
  std::string notice_;
  std::shared_ptr<const Data> data_;
  std::vector<int64_t> order_;  // (N) example indices in this epoch's order
  Rng rng_;                     // initial weights, then each epoch's shuffle
  Rng initial_rng_;             // rng_ right after the initial weights: a twin's batches start here
  Rng dropout_rng_;             // dropout masks, apart from rng_ so that shuffles do not depend on them
  NextWordModel initial_;       // the initial weights, for a twin
  std::unique_ptr<Loss> loss_;                       // the full softmax's loss
  std::unique_ptr<SampledSoftmax> sampled_;          // set with softmax "sampled"
  HierarchicalScratch hierarchical_;                 // softmax "hierarchical" (the tree is the model's)
  Rng sample_rng_;                                   // the sampled softmax's draws
  std::unique_ptr<Optimizer> optimizer_;
  LrSchedule schedule_;
  int slot_embed_ = 0, slot_w1_ = 0, slot_b1_ = 0, slot_w2_ = 0, slot_b2_ = 0, slot_w3_ = 0;
  Activations act_;
  Gradients grads_;
  RowMatrix rows_before_;            // (U, d): the last batch's rows before its update
  std::vector<float> row_change_;    // (U): norm of each row's update in the last batch
  Ids batch_contexts_, batch_targets_;  // (B, k), (B): the current batch, gathered in order
  Progress progress_;
  NextWordModel last_good_;  // weights at the last epoch end, restored if training diverges
  bool early_stopping_ = false;  // patience > 0 and something to validate on
  NextWordModel best_;           // weights of the best validation epoch (early stopping)
  double best_perplexity_ = 0;
  double smoothed_loss_ = 0;  // exponential moving average of batch losses
  double epoch_loss_sum_ = 0;
  int64_t epoch_loss_count_ = 0;
};

}  // namespace embplay
