// The encoder's training loop: it decides which sentences go into which batch, which words are
// hidden, at which learning rate, and when a phase ends; the Transformer computes, the objectives
// score, Adam moves the weights.
#include "encoder_trainer.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "input_error.h"
#include "text_eval.h"
#include "text_units.h"

namespace embplay {
namespace {

constexpr int kSortPool = 50;  // batches whose sentences are sorted by length together

std::string plural(int64_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Each generator from the seed, apart, so that no stream depends on how many draws another made.
Rng seeded(uint32_t seed, uint64_t stream) { return Rng(uint64_t{seed} ^ stream); }

}  // namespace

std::vector<Sentence> read_sentences(const std::string& text, const TokenizerOptions& tokenizer, bool by_line) {
  if (!by_line) return tokenize(text, tokenizer);
  std::vector<Sentence> out;
  for_each_line(text, [&](int64_t, std::string_view line) {
    Sentence words = tokenize_words(std::string(line), tokenizer);
    if (!words.empty()) out.push_back(std::move(words));
  });
  return out;
}

std::vector<SentencePair> read_pairs(const std::string& text, const TokenizerOptions& tokenizer, double min_score) {
  std::vector<SentencePair> out;
  const auto add = [&](const std::string& a, const std::string& b) {
    SentencePair p{tokenize_words(a, tokenizer), tokenize_words(b, tokenizer)};
    if (!p.a.empty() && !p.b.empty()) out.push_back(std::move(p));
  };
  if (text.rfind("genre\t", 0) == 0) {  // an STS Benchmark file
    for (const StsPair& p : read_sts(text))
      if (p.score >= min_score) add(p.a, p.b);
    return out;
  }
  for_each_line(text, [&](int64_t number, std::string_view line) {
    if (line.empty()) return;
    std::vector<std::string> f;
    for (size_t pos = 0;;) {
      const size_t tab = line.find('\t', pos);
      f.emplace_back(line.substr(pos, tab == std::string_view::npos ? std::string_view::npos : tab - pos));
      if (tab == std::string_view::npos) break;
      pos = tab + 1;
    }
    if (f.size() != 2 && f.size() != 3)
      throw InputError("pairs line " + std::to_string(number) + ": expected \"sentence<TAB>sentence\" with an optional " +
                       "<TAB>score, found " + plural(static_cast<int64_t>(f.size()), "field"));
    if (f.size() == 3) {
      char* end = nullptr;
      const double score = std::strtod(f[2].c_str(), &end);
      if (f[2].empty() || end != f[2].c_str() + f[2].size() || !std::isfinite(score))
        throw InputError("pairs line " + std::to_string(number) + ": the score \"" + f[2] + "\" is not a number");
      if (score < min_score) return;
    }
    add(f[0], f[1]);
  });
  return out;
}

const char* encoder_phase_name(EncoderPhase p) {
  switch (p) {
    case EncoderPhase::kMlm: return "mlm";
    case EncoderPhase::kSimcse: return "simcse";
    case EncoderPhase::kPairs: return "pairs";
  }
  return "";
}

void WordMasker::mask(TokenBatch& batch, float rate, int vocab, Rng& rng, std::vector<int32_t>& positions, Ids& targets) {
  positions.clear();
  targets.clear();
  const int T = batch.length;
  for (int b = 0; b < batch.size; ++b) {
    const int words = batch.lengths[b] - 1;
    if (words < 1) continue;
    const int hidden = std::max(1, static_cast<int>(std::lround(rate * static_cast<float>(words))));
    slots_.resize(words);
    std::iota(slots_.begin(), slots_.end(), 1);
    for (int i = 0; i < hidden; ++i) {  // the first `hidden` of a partial Fisher-Yates shuffle
      std::swap(slots_[i], slots_[i + rng.below(static_cast<uint32_t>(words - i))]);
      const int32_t column = b * T + slots_[i];
      int32_t& id = batch.ids[column];
      positions.push_back(column);
      targets.push_back(id);
      const float r = rng.uniform();
      if (r < 0.8f) id = kMaskId;
      else if (r < 0.9f) id = kFirstWordId + static_cast<int32_t>(rng.below(static_cast<uint32_t>(vocab - kFirstWordId)));
    }
  }
}

namespace {

// The training options of `training` with the model's own of `model`.
EncoderOptions with_model_of(EncoderOptions training, const EncoderOptions& model) {
  training.dim = model.dim;
  training.heads = model.heads;
  training.layers = model.layers;
  training.ff = model.ff;
  training.max_words = model.max_words;
  training.max_vocab = model.max_vocab;
  training.min_count = model.min_count;
  training.tokenizer = model.tokenizer;
  return training;
}

}  // namespace

EncoderTrainer::EncoderTrainer(std::vector<Sentence> sentences, std::vector<SentencePair> pairs,
                               const EncoderOptions& given, const SentenceEncoder* start)
    : order_rng_(seeded(given.seed, 0x5EED0DE500000001ull)),
      mask_rng_(seeded(given.seed, 0x5EED0DE500000002ull)),
      dropout_rng_(seeded(given.seed, 0x5EED0DE500000003ull)) {
  const EncoderOptions options = start ? with_model_of(given, start->options) : given;
  validate(options);
  encoder_.options = options;
  sentences.erase(std::remove_if(sentences.begin(), sentences.end(), [](const Sentence& s) { return s.empty(); }),
                  sentences.end());
  if (sentences.empty()) throw InputError("The text has no sentences to learn from: paste some sentences.");

  // The vocabulary counts every sentence the encoder will read: the text's and the pairs'.
  WordCounts counts = WordCounts::of(sentences);
  for (const SentencePair& p : pairs)
    for (const Sentence* s : {&p.a, &p.b})
      for (const std::string& w : *s) ++counts.counts[w], ++counts.total;
  stats_.types = counts.types();
  encoder_.vocab = start ? start->vocab : encoder_vocab(Vocab::from_counts(counts, VocabOptions{options.min_count, options.max_vocab}));
  if (encoder_.vocab.size() <= kFirstWordId)
    throw InputError("No word occurs " + plural(options.min_count, "time") + " or more (min_count): lower it or add text.");
  sentences_ = read_ids(sentences, encoder_.vocab);
  std::vector<Sentence> side_a, side_b;
  for (SentencePair& p : pairs) side_a.push_back(std::move(p.a)), side_b.push_back(std::move(p.b));
  pair_a_ = read_ids(side_a, encoder_.vocab);
  pair_b_ = read_ids(side_b, encoder_.vocab);

  stats_.sentences = sentences_.size();
  stats_.tokens = sentences_.tokens();
  stats_.oov_tokens = std::count(sentences_.ids.begin(), sentences_.ids.end(), kUnkId);
  for (int64_t s = 0; s < sentences_.size(); ++s) stats_.cut += sentences_.length(s) > options.max_words;
  stats_.pairs = pair_a_.size();
  stats_.vocab = encoder_.vocab.size();

  if (options.mlm_epochs > 0) phases_.push_back(EncoderPhase::kMlm), phase_epochs_.push_back(options.mlm_epochs);
  if (options.simcse_epochs > 0) phases_.push_back(EncoderPhase::kSimcse), phase_epochs_.push_back(options.simcse_epochs);
  if (options.pairs_epochs > 0 && stats_.pairs > 0) phases_.push_back(EncoderPhase::kPairs), phase_epochs_.push_back(options.pairs_epochs);
  if (phases_.empty())
    throw InputError("Nothing to train: mlm_epochs and simcse_epochs are 0" +
                     std::string(stats_.pairs > 0 ? " and so is pairs_epochs." : ", and no sentence pairs were given."));
  if (options.simcse_epochs > 0 && stats_.sentences < 2)
    throw InputError("SimCSE needs at least 2 sentences (each is the others' negative); the text has 1.");
  if (options.pairs_epochs > 0 && stats_.pairs == 1)
    throw InputError("Training on pairs needs at least 2 of them (each is the others' negative); there is 1.");

  Rng init(options.seed);
  encoder_.model = start ? start->model : TransformerEncoder(encoder_shape(options, encoder_.vocab.size()), init);
  grads_ = EncoderWeights::zeros(encoder_.model.shape());
  weights_ = tensors(encoder_.model.w);
  grads_list_ = tensors(grads_);
  last_good_ = encoder_.model.w;
  progress_.phases = static_cast<int>(phases_.size());
  start_phase();
}

int64_t EncoderTrainer::examples_in_phase() const {
  return phases_[progress_.phase_index] == EncoderPhase::kPairs ? pair_a_.size() : sentences_.size();
}

int64_t EncoderTrainer::example_length(int64_t i) const {
  if (phases_[progress_.phase_index] == EncoderPhase::kPairs) return std::max(pair_a_.length(i), pair_b_.length(i));
  return sentences_.length(i);
}

void EncoderTrainer::start_phase() {
  EncoderProgress& p = progress_;
  const EncoderPhase phase = phases_[p.phase_index];
  const EncoderOptions& o = encoder_.options;
  const float lr = phase == EncoderPhase::kMlm ? o.lr : o.contrastive_lr;
  optimizer_ = make_optimizer("adam", lr);
  optimizer_->weight_decay = o.weight_decay;
  for (const TensorRef& t : weights_) optimizer_->add_slot(t.size());
  p.phase = encoder_phase_name(phase);
  p.epoch = 0;
  p.epochs = phase_epochs_[p.phase_index];
  p.epoch_size = examples_in_phase();
  // Batches per epoch: full ones, and a last smaller one unless it would hold a single example
  // (which then joins the one before it: a contrastive batch needs two).
  const int64_t full = p.epoch_size / o.batch, rest = p.epoch_size % o.batch;
  const int64_t batches = std::max<int64_t>(1, full + (rest >= 2 || full == 0 ? 1 : 0));
  p.phase_step = 0;
  p.phase_steps = batches * p.epochs;
  schedule_ = LrSchedule(o.schedule, lr, o.warmup, p.phase_steps);
  start_epoch();
}

void EncoderTrainer::start_epoch() {
  const int64_t n = examples_in_phase();
  const int batch = encoder_.options.batch;
  order_.resize(static_cast<size_t>(n));
  std::iota(order_.begin(), order_.end(), int64_t{0});
  order_rng_.shuffle(order_);
  const int64_t pool = int64_t{kSortPool} * batch;
  for (int64_t first = 0; first < n; first += pool)
    std::stable_sort(order_.begin() + first, order_.begin() + std::min(n, first + pool),
                     [&](int64_t a, int64_t b) { return example_length(a) < example_length(b); });
  bounds_.clear();
  for (int64_t first = 0; first < n; first += batch) bounds_.push_back(first);
  if (bounds_.size() > 1 && n - bounds_.back() == 1) bounds_.pop_back();  // a single example joins the last batch
  // The batches in a seeded order, so that one epoch does not run from short sentences to long ones.
  std::vector<int64_t> sorted = order_;
  std::vector<size_t> which(bounds_.size());
  std::iota(which.begin(), which.end(), size_t{0});
  order_rng_.shuffle(which);
  bounds_.push_back(n);
  std::vector<int64_t> starts = {0};
  size_t at = 0;
  for (size_t k : which) {
    for (int64_t i = bounds_[k]; i < bounds_[k + 1]; ++i) order_[at++] = sorted[static_cast<size_t>(i)];
    starts.push_back(static_cast<int64_t>(at));
  }
  bounds_ = std::move(starts);
  next_batch_ = 0;
  progress_.epoch_position = 0;
}

EncoderProgress EncoderTrainer::step(int64_t budget) {
  EncoderProgress& p = progress_;
  p.epoch_end = p.phase_end = false;
  p.examples = p.tokens = p.loss_count = 0;
  p.loss_sum = p.tokens_per_sec = 0;
  if (p.finished || p.diverged) return p;
  if (phase_pending_) {
    phase_pending_ = false;
    ++p.phase_index;
    start_phase();
  }
  const auto start = std::chrono::steady_clock::now();
  do {
    if (next_batch_ + 1 == bounds_.size()) start_epoch();
    const int64_t first = bounds_[next_batch_], count = bounds_[next_batch_ + 1] - first;
    if (!train_batch(&order_[static_cast<size_t>(first)], static_cast<int>(count))) {
      p.diverged = true;
      encoder_.model.w = last_good_;
      break;
    }
    ++next_batch_;
    ++p.step;
    ++p.phase_step;
    p.examples += count;
    p.epoch_position += count;
    if (next_batch_ + 1 == bounds_.size()) {
      ++p.epoch;
      p.epoch_end = true;
      last_good_ = encoder_.model.w;
      if (p.epoch == p.epochs) {
        p.phase_end = true;
        p.finished = p.phase_index + 1 == p.phases;
        phase_pending_ = !p.finished;
      }
      break;
    }
  } while (p.examples < budget);
  const double elapsed = seconds_since(start);
  p.tokens_per_sec = elapsed > 0 ? static_cast<double>(p.tokens) / elapsed : 0;
  return p;
}

bool EncoderTrainer::train_batch(const int64_t* examples, int count) {
  const EncoderOptions& o = encoder_.options;
  const EncoderPhase phase = phases_[progress_.phase_index];
  const TransformerEncoder& model = encoder_.model;
  const int d = o.dim, max_len = model.shape().max_len;
  double loss = 0;
  int64_t losses = 0;
  if (phase == EncoderPhase::kMlm) {
    batch_.fill(count, max_len, [&](int i) { return sentences_.sentence(examples[i]); },
                [&](int i) { return sentences_.length(examples[i]); });
    masker_.mask(batch_, o.mask_rate, model.shape().vocab, mask_rng_, positions_, targets_);
    model.forward(batch_, act_, o.dropout, &dropout_rng_);
    loss = model.masked_word_loss(positions_, targets_, act_, grads_);
    losses = static_cast<int64_t>(positions_.size());
    model.backward(batch_, act_, grads_, true);
  } else {
    positions_.clear();
    targets_.clear();
    // Rows 0..B-1 the anchors, B..2B-1 their positives: the same sentences again (SimCSE, where
    // dropout makes the second view differ) or the pairs' second sentences.
    const bool pairs = phase == EncoderPhase::kPairs;
    const IdSentences& second = pairs ? pair_b_ : sentences_;
    const IdSentences& first = pairs ? pair_a_ : sentences_;
    batch_.fill(2 * count, max_len,
                [&](int i) { return i < count ? first.sentence(examples[i]) : second.sentence(examples[i - count]); },
                [&](int i) { return i < count ? first.length(examples[i]) : second.length(examples[i - count]); });
    model.forward(batch_, act_, o.dropout, &dropout_rng_);
    const EncoderPooling pooling = parse_encoder_pooling(o.pooling);
    float* pooled = pooled_.shape(d, 2 * count).data();
    float* dpooled = dpooled_.shape(d, 2 * count).data();
    argmax_.resize(static_cast<size_t>(d) * 2 * count);
    pool_sequences(act_.out.data(), d, batch_, pooling, pooled, argmax_.data());
    const std::ptrdiff_t half = static_cast<std::ptrdiff_t>(d) * count;
    loss = info_nce_.forward_backward(pooled, pooled + half, d, count, o.temperature, dpooled, dpooled + half);
    losses = count;
    pool_backward(dpooled, d, batch_, pooling, argmax_.data(), act_.dout.shape(d, act_.out.cols()).data());
    model.backward(batch_, act_, grads_, false);
  }
  if (!std::isfinite(loss)) return false;
  progress_.loss_sum += loss * static_cast<double>(losses);
  progress_.loss_count += losses;
  progress_.tokens += batch_.tokens();

  // Global norm clipping, then one Adam step over every tensor.
  double sq = 0;
  for (const TensorRef& g : grads_list_) sq += Eigen::Map<const Vector>(g.data, g.size()).squaredNorm();
  progress_.grad_norm = std::sqrt(sq);
  if (o.clip > 0 && progress_.grad_norm > o.clip) {
    const float scale = static_cast<float>(o.clip / progress_.grad_norm);
    for (const TensorRef& g : grads_list_) Eigen::Map<Vector>(g.data, g.size()) *= scale;
  }
  optimizer_->lr = progress_.lr = schedule_.at(progress_.phase_step);
  optimizer_->begin_step();
  for (size_t i = 0; i < weights_.size(); ++i)
    optimizer_->update(static_cast<int>(i), weights_[i].data, grads_list_[i].data, weights_[i].size(), weights_[i].decay);
  return true;
}

}  // namespace embplay
