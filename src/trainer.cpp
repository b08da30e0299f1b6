// The training loop: it only decides which examples go into which batch, at which learning rate,
// and when to stop; the model computes, the loss scores, the optimiser moves the weights.
#include "trainer.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "option_table.h"

namespace embplay {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string plural(int64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

void count(const std::vector<Sentence>& sentences, TextStats& stats) {
  stats.sentences += static_cast<int64_t>(sentences.size());
  for (const auto& sentence : sentences) stats.tokens += static_cast<int64_t>(sentence.size());
}

void check_trainable(const TextStats& stats, int context) {
  if (stats.tokens == 0) throw InputError("The text has no words to learn from: paste some sentences.");
  if (stats.tokens <= context)
    throw InputError("The text has only " + plural(stats.tokens, "word") +
                     "; the model needs more words than its context size k = " + std::to_string(context) + ".");
}

// The dropout masks' generator: seeded from the run's seed, apart from the shuffles' generator.
Rng dropout_rng(uint32_t seed) { return Rng(uint64_t{seed} ^ 0xD0D0D0D0D0D0D0D0ull); }
// The sampled softmax's generator, likewise apart.
Rng sample_rng(uint32_t seed) { return Rng(uint64_t{seed} ^ 0x5A5A5A5A5A5A5A5Aull); }

}  // namespace

Trainer::Trainer(const std::string& text, const Settings& settings)
    : rng_(settings.seed), initial_rng_(settings.seed), dropout_rng_(dropout_rng(settings.seed)),
      sample_rng_(sample_rng(settings.seed)) {
  // One validation path for every caller: a round trip through the settings table checks each range.
  trained_.settings = settings_from_json(settings_to_json(settings));
  const Settings& s = trained_.settings;
  std::vector<Sentence> sentences = tokenize(text, s.tokenizer);
  count(sentences, stats_);
  check_trainable(stats_, s.context);
  init(split_sentences(std::move(sentences), s.valid_fraction, s.test_fraction, s.split, s.seed));
}

Trainer::Trainer(const SplitTexts& texts, const Settings& settings)
    : rng_(settings.seed), initial_rng_(settings.seed), dropout_rng_(dropout_rng(settings.seed)),
      sample_rng_(sample_rng(settings.seed)) {
  trained_.settings = settings_from_json(settings_to_json(settings));
  const Settings& s = trained_.settings;
  Split split;
  split.train = tokenize(texts.train, s.tokenizer);
  split.valid = tokenize(texts.valid, s.tokenizer);
  split.test = tokenize(texts.test, s.tokenizer);
  TextStats train_only;
  count(split.train, train_only);
  check_trainable(train_only, s.context);
  for (const auto* part : {&split.train, &split.valid, &split.test}) count(*part, stats_);
  init(std::move(split));
}

void Trainer::init(Split split) {
  const Settings& s = trained_.settings;
  notice_ = split.notice;
  Corpus train = make_corpus(std::move(split.train), s.vocab);
  stats_.types = train.types;
  trained_.vocab = std::move(train.vocab);
  stats_.oov_tokens = trained_.vocab.count(kUnkId);
  auto data = std::make_shared<Data>();
  data->sentences.train = std::move(train.sentences);
  data->sentences.valid = read_ids(split.valid, trained_.vocab);
  data->sentences.test = read_ids(split.test, trained_.vocab);
  data->train = make_examples(data->sentences.train, s.context);
  data->valid = make_examples(data->sentences.valid, s.context);
  data->test = make_examples(data->sentences.test, s.context);
  data->split_notice = std::move(split.notice);
  stats_.train_examples = data->train.size();
  stats_.valid_examples = data->valid.size();
  stats_.test_examples = data->test.size();
  data_ = std::move(data);

  const ModelShape shape{trained_.vocab.size(), s.context, s.dim, s.hidden, s.direct};
  trained_.model = NextWordModel(shape, rng_);
  if (s.softmax == "hierarchical") trained_.model.tree = std::make_shared<const HuffmanTree>(trained_.vocab.counts());
  initial_ = trained_.model;
  initial_rng_ = rng_;
  prepare();
}

Trainer::Trainer(const Trainer& original, const std::string& loss)
    : trained_(original.trained_), stats_(original.stats_), notice_(original.notice_), data_(original.data_),
      rng_(original.initial_rng_), initial_rng_(original.initial_rng_),
      dropout_rng_(dropout_rng(original.settings().seed)), initial_(original.initial_),
      sample_rng_(sample_rng(original.settings().seed)) {
  trained_.settings.loss = loss;
  trained_.settings = settings_from_json(settings_to_json(trained_.settings));  // checks the loss' name
  trained_.model = initial_;
  prepare();
}

std::unique_ptr<Trainer> Trainer::twin(const std::string& loss) const {
  return std::unique_ptr<Trainer>(new Trainer(*this, loss));
}

void Trainer::prepare() {
  const Settings& s = trained_.settings;
  const NextWordModel& m = trained_.model;
  loss_ = make_loss(s.loss);
  sampled_.reset();
  if (s.softmax == "sampled") sampled_ = std::make_unique<SampledSoftmax>(trained_.vocab.counts(), s.samples);
  optimizer_ = make_optimizer(s.optimizer, s.lr);
  optimizer_->weight_decay = s.weight_decay;
  slot_embed_ = optimizer_->add_slot(m.embed.size());
  slot_w1_ = optimizer_->add_slot(m.w1.size());
  slot_b1_ = optimizer_->add_slot(m.b1.size());
  slot_w2_ = optimizer_->add_slot(m.w2.size());
  slot_b2_ = optimizer_->add_slot(m.b2.size());
  slot_w3_ = optimizer_->add_slot(m.w3.size());

  const int64_t n = data_->train.size();
  const int64_t steps_per_epoch = (n + s.batch - 1) / s.batch;
  schedule_ = LrSchedule(s.schedule, s.lr, s.warmup, steps_per_epoch * s.epochs);

  early_stopping_ = s.patience > 0 && data_->valid.size() > 0;
  if (s.patience > 0 && !early_stopping_ && data_->split_notice.empty())
    notice_ = "Nothing is held out for validation, so early stopping (patience " + std::to_string(s.patience) +
              ") is off: every epoch trains.";
  if (schedule_.warmup_steps > 0 && schedule_.warmup_steps >= schedule_.total_steps && notice_.empty())
    notice_ = "The warm-up (" + plural(schedule_.warmup_steps, "step") + ") lasts the whole run of " +
              plural(schedule_.total_steps, "step") + ": the learning rate rises to " +
              OptionTable<Settings>::format_number(s.lr) + " only at the last step. Shorten the warm-up or train more epochs.";

  progress_ = Progress{};
  progress_.epoch_size = n;
  last_good_ = m;
  best_ = m;
  best_perplexity_ = 0;
  start_epoch();
}

void Trainer::start_epoch() {
  order_.resize(static_cast<size_t>(data_->train.size()));
  std::iota(order_.begin(), order_.end(), int64_t{0});
  rng_.shuffle(order_);
  progress_.epoch_position = 0;
}

Progress Trainer::step(int64_t budget) {
  Progress& p = progress_;
  p.epoch_end = false;
  p.tokens_per_sec = 0;
  p.examples = 0;
  p.loss_sum = 0;
  p.loss_count = 0;
  p.valid = Evaluation{};
  if (p.finished || p.diverged) return p;

  const auto start = std::chrono::steady_clock::now();
  int64_t done = 0;
  do {
    if (p.epoch_position == p.epoch_size) start_epoch();
    if (p.epoch_position == 0) epoch_loss_sum_ = 0, epoch_loss_count_ = 0;
    const int batch = static_cast<int>(std::min<int64_t>(trained_.settings.batch, p.epoch_size - p.epoch_position));
    train_batch(p.epoch_position, batch);
    if (p.diverged) {
      trained_.model = p.best_epoch > 0 ? best_ : last_good_;
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
      if (early_stopping_) {
        p.valid = evaluate();
        if (p.best_epoch == 0 || p.valid.perplexity < best_perplexity_) {
          best_ = trained_.model;
          best_perplexity_ = p.valid.perplexity;
          p.best_epoch = p.epoch;
        } else if (p.epoch - p.best_epoch >= trained_.settings.patience) {
          p.stopped_early = true;
          p.finished = true;
        }
        if (p.finished) trained_.model = best_;  // keep the best model, not the last
      }
      break;
    }
  } while (done < budget);

  p.examples = done;
  p.train_loss = epoch_loss_count_ > 0 ? epoch_loss_sum_ / static_cast<double>(epoch_loss_count_) : 0;
  const double elapsed = seconds_since(start);
  p.tokens_per_sec = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  return p;
}

void Trainer::train_batch(int64_t first, int batch) {
  const Settings& s = trained_.settings;
  const Examples& train = data_->train;
  const int k = s.context;
  batch_contexts_.resize(static_cast<size_t>(batch) * k);
  batch_targets_.resize(batch);
  for (int b = 0; b < batch; ++b) {
    const int64_t e = order_[first + b];
    std::copy_n(&train.contexts[e * k], k, &batch_contexts_[static_cast<size_t>(b) * k]);
    batch_targets_[b] = train.targets[e];
  }

  NextWordModel& m = trained_.model;
  const bool full = !m.tree && !sampled_;  // the whole (V, F) output layer, or only the rows it needs
  float loss = 0;
  if (full) {
    m.forward(batch_contexts_.data(), batch, act_, s.dropout, &dropout_rng_);
    loss = loss_->forward_backward(act_.logits, batch_targets_.data(), act_.dlogits);
  } else {  // only the output rows the batch needs: act_.da and grads_.output are written here
    m.forward_features(batch_contexts_.data(), batch, act_, s.dropout, &dropout_rng_);
    loss = m.tree ? hierarchical_forward_backward(*m.tree, m.w2, m.b2, m.features(act_), batch_targets_.data(),
                                                  grads_.output, act_.da, hierarchical_)
                  : sampled_->forward_backward(m.w2, m.b2, m.features(act_), batch_targets_.data(), sample_rng_,
                                               grads_.output, act_.da);
  }
  progress_.last_batch_loss = loss;
  // Diverged: a loss that overflowed, or a smoothed loss far worse than guessing uniformly
  // (log V nats), which only a learning rate that is too large produces.
  smoothed_loss_ = progress_.step == 0 ? loss : 0.9 * smoothed_loss_ + 0.1 * loss;
  if (!std::isfinite(loss) || smoothed_loss_ > 3 * std::log(double(m.shape().vocab)) + 1) {
    progress_.diverged = true;
    return;
  }
  // The loss is the batch's mean: times the batch, the sum of its examples' losses.
  const double sum = static_cast<double>(loss) * batch;
  epoch_loss_sum_ += sum;
  epoch_loss_count_ += batch;
  progress_.loss_sum += sum;
  progress_.loss_count += batch;

  if (full) m.backward(batch_contexts_.data(), batch, act_, grads_);
  else m.backward_features(batch_contexts_.data(), batch, act_, grads_);
  if (s.clip > 0) progress_.grad_norm = clip_gradients(grads_, s.clip);
  optimizer_->lr = progress_.lr = schedule_.at(progress_.step);
  optimizer_->begin_step();
  const int64_t touched = static_cast<int64_t>(grads_.rows.size());
  rows_before_.resize(touched, m.embed.cols());
  for (int64_t r = 0; r < touched; ++r) rows_before_.row(r) = m.embed.row(grads_.rows[r]);
  optimizer_->update_rows(slot_embed_, m.embed, grads_.rows, grads_.embed);
  row_change_.resize(touched);
  for (int64_t r = 0; r < touched; ++r) row_change_[r] = (m.embed.row(grads_.rows[r]) - rows_before_.row(r)).norm();
  if (m.shape().hidden > 0) {
    optimizer_->update(slot_w1_, m.w1.data(), grads_.w1.data(), m.w1.size(), true);
    optimizer_->update(slot_b1_, m.b1.data(), grads_.b1.data(), m.b1.size());
  }
  if (full) {
    optimizer_->update(slot_w2_, m.w2.data(), grads_.w2.data(), m.w2.size(), true);
    optimizer_->update(slot_b2_, m.b2.data(), grads_.b2.data(), m.b2.size());
  } else {  // sparse: only the rows the batch touched move (for Adam, lazily, as the embeddings)
    const OutputRowGradients& out = grads_.output;
    optimizer_->update_rows(slot_w2_, m.w2.data(), m.w2.cols(), out.rows, out.w.data(), true);
    optimizer_->update_rows(slot_b2_, m.b2.data(), 1, out.rows, out.b.data(), false);
  }
  if (m.shape().direct) optimizer_->update(slot_w3_, m.w3.data(), grads_.w3.data(), m.w3.size(), true);
}

Evaluation Trainer::evaluate() const { return evaluate(data_->valid); }
Evaluation Trainer::evaluate_test() const { return evaluate(data_->test); }

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
    total.top5 += sums.top5;
  }
  ev.loss = total.loss / static_cast<double>(ev.examples);
  ev.perplexity = std::exp(ev.loss);
  ev.accuracy = static_cast<double>(total.top1) / static_cast<double>(ev.examples);
  ev.top5 = static_cast<double>(total.top5) / static_cast<double>(ev.examples);
  return ev;
}

}  // namespace embplay
