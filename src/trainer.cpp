// The training loop: it only decides which examples go into which batch; the model computes,
// the loss scores, the optimiser moves the weights.
#include "trainer.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace embplay {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string plural(int64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

Trainer::Trainer(const std::string& text, const Settings& settings) : rng_(settings.seed) {
  // One validation path for every caller: a round trip through the settings table checks each range.
  trained_.settings = settings_from_json(settings_to_json(settings));
  const Settings& s = trained_.settings;

  std::vector<Sentence> sentences = tokenize(text, s.tokenizer);
  stats_.sentences = static_cast<int64_t>(sentences.size());
  for (const auto& sentence : sentences) stats_.tokens += static_cast<int64_t>(sentence.size());
  if (stats_.tokens == 0) throw InputError("The text has no words to learn from: paste some sentences.");
  if (stats_.tokens <= s.context)
    throw InputError("The text has only " + plural(stats_.tokens, "word") + "; the model needs more words than its context size k = " +
                     std::to_string(s.context) + ".");

  Split split = split_sentences(std::move(sentences), s.valid_fraction);
  {
    VocabOptions all = s.vocab;
    all.min_count = 1;
    all.max_size = 200000;
    stats_.types = Vocab::build(split.train, all).size() - 2;
  }
  trained_.vocab = Vocab::build(split.train, s.vocab);
  stats_.oov_tokens = trained_.vocab.count(kUnkId);
  train_ = make_examples(split.train, trained_.vocab, s.context);
  valid_ = make_examples(split.valid, trained_.vocab, s.context);
  stats_.train_examples = train_.size();
  stats_.valid_examples = valid_.size();

  const ModelShape shape{trained_.vocab.size(), s.context, s.dim, s.hidden};
  trained_.model = NextWordModel(shape, rng_);
  const NextWordModel& m = trained_.model;
  optimizer_ = make_optimizer(s.optimizer, s.lr);
  slot_embed_ = optimizer_->add_slot(m.embed.size());
  slot_w1_ = optimizer_->add_slot(m.w1.size());
  slot_b1_ = optimizer_->add_slot(m.b1.size());
  slot_w2_ = optimizer_->add_slot(m.w2.size());
  slot_b2_ = optimizer_->add_slot(m.b2.size());

  progress_.epoch_size = train_.size();
  last_good_ = trained_.model;
  start_epoch();
}

void Trainer::start_epoch() {
  order_.resize(static_cast<size_t>(train_.size()));
  std::iota(order_.begin(), order_.end(), int64_t{0});
  rng_.shuffle(order_);
  progress_.epoch_position = 0;
}

Progress Trainer::step(int64_t budget) {
  Progress& p = progress_;
  p.epoch_end = false;
  p.tokens_per_sec = 0;
  if (p.finished || p.diverged) return p;

  const auto start = std::chrono::steady_clock::now();
  int64_t done = 0;
  do {
    if (p.epoch_position == p.epoch_size) start_epoch();
    if (p.epoch_position == 0) epoch_loss_sum_ = 0, epoch_loss_count_ = 0;
    const int batch = static_cast<int>(std::min<int64_t>(trained_.settings.batch, p.epoch_size - p.epoch_position));
    train_batch(p.epoch_position, batch);
    if (p.diverged) {
      trained_.model = last_good_;
      break;
    }
    p.epoch_position += batch;
    done += batch;
    ++p.step;
    if (p.epoch_position == p.epoch_size) {
      ++p.epoch;
      p.epoch_end = true;
      p.finished = p.epoch >= trained_.settings.epochs;
      last_good_ = trained_.model;
      break;
    }
  } while (done < budget);

  p.train_loss = epoch_loss_count_ > 0 ? epoch_loss_sum_ / static_cast<double>(epoch_loss_count_) : 0;
  const double elapsed = seconds_since(start);
  p.tokens_per_sec = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  return p;
}

void Trainer::train_batch(int64_t first, int batch) {
  const int k = trained_.settings.context;
  batch_contexts_.resize(static_cast<size_t>(batch) * k);
  batch_targets_.resize(batch);
  for (int b = 0; b < batch; ++b) {
    const int64_t e = order_[first + b];
    std::copy_n(&train_.contexts[e * k], k, &batch_contexts_[static_cast<size_t>(b) * k]);
    batch_targets_[b] = train_.targets[e];
  }

  NextWordModel& m = trained_.model;
  m.forward(batch_contexts_.data(), batch, act_);
  const float loss = loss_.forward_backward(act_.logits, batch_targets_.data(), act_.dlogits);
  progress_.last_batch_loss = loss;
  // Diverged: a loss that overflowed, or a smoothed loss far worse than guessing uniformly
  // (log V nats), which only a learning rate that is too large produces.
  smoothed_loss_ = progress_.step == 0 ? loss : 0.9 * smoothed_loss_ + 0.1 * loss;
  if (!std::isfinite(loss) || smoothed_loss_ > 3 * std::log(double(m.shape().vocab)) + 1) {
    progress_.diverged = true;
    return;
  }
  epoch_loss_sum_ += static_cast<double>(loss) * batch;
  epoch_loss_count_ += batch;

  m.backward(batch_contexts_.data(), batch, act_, grads_);
  optimizer_->begin_step();
  optimizer_->update_rows(slot_embed_, m.embed, grads_.rows, grads_.embed);
  if (m.shape().hidden > 0) {
    optimizer_->update(slot_w1_, m.w1.data(), grads_.w1.data(), m.w1.size());
    optimizer_->update(slot_b1_, m.b1.data(), grads_.b1.data(), m.b1.size());
  }
  optimizer_->update(slot_w2_, m.w2.data(), grads_.w2.data(), m.w2.size());
  optimizer_->update(slot_b2_, m.b2.data(), grads_.b2.data(), m.b2.size());
}

Evaluation Trainer::evaluate() const { return evaluate(valid_); }

Evaluation Trainer::evaluate(const Examples& examples) const {
  Evaluation ev;
  ev.examples = examples.size();
  if (ev.examples == 0) return ev;
  const int k = examples.context;
  constexpr int kChunk = 256;
  Activations act;
  CrossEntropySums total;
  for (int64_t first = 0; first < ev.examples; first += kChunk) {
    const int n = static_cast<int>(std::min<int64_t>(kChunk, ev.examples - first));
    trained_.model.forward(&examples.contexts[first * k], n, act);
    const CrossEntropySums sums = cross_entropy_sums(act.logits, &examples.targets[first]);
    total.loss += sums.loss;
    total.top1 += sums.top1;
  }
  ev.loss = total.loss / static_cast<double>(ev.examples);
  ev.perplexity = std::exp(ev.loss);
  ev.accuracy = static_cast<double>(total.top1) / static_cast<double>(ev.examples);
  return ev;
}

}  // namespace embplay
