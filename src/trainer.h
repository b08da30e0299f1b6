// Trainer: owns a run. Text and settings in; `step(budget)` trains a bounded amount of work and
// returns progress, so a browser worker can interleave training with messages; `evaluate()`
// scores the held-out sentences. The same text, settings and seed always give the same run.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "dataset.h"
#include "loss.h"
#include "model.h"
#include "optimizer.h"
#include "settings.h"
#include "vocab.h"

namespace embplay {

// What a trained model is: its settings, its vocabulary and its weights. Saved and loaded whole.
struct TrainedModel {
  Settings settings;
  Vocab vocab;
  NextWordModel model;
};

struct TextStats {
  int64_t sentences = 0;
  int64_t tokens = 0;          // in all sentences
  int64_t types = 0;           // distinct words in the training split, before the cap
  int64_t train_examples = 0;
  int64_t valid_examples = 0;
  int64_t oov_tokens = 0;      // training tokens that became <unk>
};

struct Progress {
  int epoch = 0;              // epochs completed
  int64_t step = 0;           // batches done in the whole run
  int64_t epoch_position = 0; // examples done in the current epoch
  int64_t epoch_size = 0;     // training examples per epoch
  double train_loss = 0;      // mean cross-entropy over the current (or just finished) epoch so far
  double last_batch_loss = 0;
  double tokens_per_sec = 0;  // over the work of this call
  bool epoch_end = false;     // this call finished an epoch
  bool finished = false;      // all epochs done
  bool diverged = false;      // the loss blew up; training stopped and the weights of the last
                              // finished epoch (or the initial ones) were restored
};

struct Evaluation {
  double loss = 0;        // mean cross-entropy, nats
  double perplexity = 0;  // exp(loss)
  double accuracy = 0;    // top-1
  int64_t examples = 0;   // 0: nothing held out, the other fields are meaningless
};

class Trainer {
 public:
  // Tokenises, builds the vocabulary on the training split, makes examples and initialises the
  // model. Throws InputError with a message for the user when the text cannot be trained on.
  Trainer(const std::string& text, const Settings& settings);

  // Trains batches until about `budget` examples are done (at least one batch), the epoch ends,
  // training finishes or diverges.
  Progress step(int64_t budget);
  Evaluation evaluate() const;  // on the validation split
  Evaluation evaluate(const Examples& examples) const;

  const TrainedModel& trained() const { return trained_; }
  const Vocab& vocab() const { return trained_.vocab; }
  const NextWordModel& model() const { return trained_.model; }
  const Settings& settings() const { return trained_.settings; }
  const TextStats& stats() const { return stats_; }
  const Examples& train_examples() const { return train_; }
  const Examples& valid_examples() const { return valid_; }
  // The order of training examples in the current epoch (a seeded shuffle of 0..N-1).
  const std::vector<int64_t>& epoch_order() const { return order_; }
  // The embedding rows the last batch changed.
  const Ids& last_rows() const { return grads_.rows; }
  const Progress& progress() const { return progress_; }

 private:
  void train_batch(int64_t first, int batch);
  void start_epoch();

  TrainedModel trained_;
  TextStats stats_;
  Examples train_, valid_;
  std::vector<int64_t> order_;  // (N) example indices in this epoch's order
  Rng rng_;
  SoftmaxCrossEntropy loss_;
  std::unique_ptr<Optimizer> optimizer_;
  int slot_embed_ = 0, slot_w1_ = 0, slot_b1_ = 0, slot_w2_ = 0, slot_b2_ = 0;
  Activations act_;
  Gradients grads_;
  Ids batch_contexts_, batch_targets_;  // (B, k), (B): the current batch, gathered in order
  Progress progress_;
  NextWordModel last_good_;  // weights at the last epoch end, restored if training diverges
  double smoothed_loss_ = 0;  // exponential moving average of batch losses
  double epoch_loss_sum_ = 0;
  int64_t epoch_loss_count_ = 0;
};

}  // namespace embplay
