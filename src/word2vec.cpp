// word2vec training: the loss (negative sampling) and the loop that picks which pairs to train.
#include "word2vec.h"

#include "option_table.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

namespace embplay {
namespace {

using ConstVec = Eigen::Map<const Eigen::VectorXf>;
using Vec = Eigen::Map<Eigen::VectorXf>;

void check(bool ok, const std::string& message) {
  if (!ok) throw InputError(message);
}

// sigma(x) and the two log-losses from one exponential: e = exp(-|x|),
//   -log sigma(x)  = log1p(e) + max(-x, 0)     -log sigma(-x) = log1p(e) + max(x, 0)
struct Logistic {
  float sigma, log1p_e;
  explicit Logistic(float x) {
    const float e = std::exp(-std::fabs(x));
    sigma = x >= 0 ? 1.0f / (1.0f + e) : e / (1.0f + e);
    log1p_e = std::log1p(e);
  }
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

// ---- the options table (option_table.h makes the schema, reader, writer and CLI setter) ------

namespace {

using nlohmann::json;
using T = OptionTable<Word2VecOptions>;

const T& table() {
  static const T table("word2vec option", {
      T::choice("model", {"skipgram", "cbow"}, &Word2VecOptions::model,
                "skipgram: a word predicts its neighbours; cbow: the neighbours predict the word"),
      T::number("dim", T::Type::Int, 1, 1000, &Word2VecOptions::dim, "d: length of each word vector"),
      T::number("window", T::Type::Int, 1, 50, &Word2VecOptions::window,
             "largest distance to a context word; each centre word draws 1..window"),
      T::number("negative", T::Type::Int, 1, 100, &Word2VecOptions::negative, "noise words per target"),
      T::number("min_count", T::Type::Int, 1, 1000000, &Word2VecOptions::min_count, "words seen fewer times are dropped"),
      T::number("max_vocab", T::Type::Int, 1, 5000000, &Word2VecOptions::max_vocab, "most frequent words kept"),
      T::number("epochs", T::Type::Int, 1, 1000, &Word2VecOptions::epochs, "passes over the text"),
      T::number("lr", T::Type::Float, 0, 10, &Word2VecOptions::lr,
             "starting learning rate, decaying linearly to 0; 0 = 0.025 for skipgram, 0.05 for cbow"),
      T::number("sample", T::Type::Float, 0, 1, &Word2VecOptions::sample,
             "subsampling threshold t: frequent words are skipped; 0 = keep all"),
      T::number("seed", T::Type::Int, 0, 4294967295.0, &Word2VecOptions::seed, "same seed, same vectors"),
      T::nested("lowercase", T::Type::Bool, 0, 1, &Word2VecOptions::tokenizer, &TokenizerOptions::lowercase,
                "fold upper case to lower case"),
      T::nested("keep_punctuation", T::Type::Bool, 0, 1, &Word2VecOptions::tokenizer,
                &TokenizerOptions::keep_punctuation, "keep commas, quotes and the like as tokens"),
      T::nested("han_bigrams", T::Type::Bool, 0, 1, &Word2VecOptions::tokenizer, &TokenizerOptions::han_bigrams,
                kHanBigramsHint),
  });
  return table;
}

}  // namespace

json word2vec_schema() { return table().schema(); }
Word2VecOptions word2vec_options_from_json(const json& j) { return table().from_json(j); }
json word2vec_options_to_json(const Word2VecOptions& o) { return table().to_json(o); }
void set_word2vec_option(Word2VecOptions& o, const std::string& name, const std::string& text) {
  table().set_from_text(o, name, text);
}
void validate(const Word2VecOptions& o) { table().validate(o); }

float starting_lr(const Word2VecOptions& o) { return o.lr > 0 ? o.lr : (o.model == "cbow" ? 0.05f : 0.025f); }

// ---- the loss ---------------------------------------------------------------------------------

NegativeSampling::NegativeSampling(const std::vector<int64_t>& counts, double power) {
  std::vector<double> weights(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) weights[i] = counts[i] > 0 ? std::pow(double(counts[i]), power) : 0.0;
  noise_ = AliasTable(weights);
  several_ = std::count_if(weights.begin(), weights.end(), [](double w) { return w > 0; }) > 1;
}

void NegativeSampling::draw(int32_t target, int k, Rng& rng, int32_t* negs) const {
  for (int j = 0; j < k; ++j) {
    int32_t n = noise_.sample(rng);
    // Redrawn until it differs from the target (as fastText), unless no other word can be drawn.
    while (n == target && several_) n = noise_.sample(rng);
    negs[j] = n;
  }
}

float NegativeSampling::update(const float* h, int32_t target, const int32_t* negs, int k, float lr,
                               RowMatrix& output, float* grad_h) {
  const Eigen::Index d = output.cols();
  const ConstVec hv(h, d);
  Vec grad(grad_h, d);
  float loss = 0;
  for (int j = 0; j <= k; ++j) {
    const bool positive = j == 0;
    Vec u(output.row(positive ? target : negs[j - 1]).data(), d);
    const float x = u.dot(hv);
    const Logistic f(x);
    // dloss/dx = sigma(x) - label
    const float g = positive ? f.sigma - 1.0f : f.sigma;
    loss += f.log1p_e + (positive ? std::max(-x, 0.0f) : std::max(x, 0.0f));
    grad.noalias() -= (lr * g) * u;  // dloss/dh = g * u, with u before its own step
    u.noalias() -= (lr * g) * hv;    // dloss/du = g * h
  }
  return loss;
}

double NegativeSampling::loss(const float* h, int32_t target, const int32_t* negs, int k, const RowMatrix& output) {
  const Eigen::Index d = output.cols();
  const Eigen::VectorXd hv = ConstVec(h, d).cast<double>();
  double total = 0;
  for (int j = 0; j <= k; ++j) {
    const bool positive = j == 0;
    const double x = output.row(positive ? target : negs[j - 1]).cast<double>().dot(hv.transpose());
    const double y = positive ? -x : x;  // -log sigma(-y) = log(1 + exp(y))
    total += y > 0 ? y + std::log1p(std::exp(-y)) : std::log1p(std::exp(y));
  }
  return total;
}

double keep_probability(int64_t count, int64_t total, double t) {
  if (t <= 0 || count <= 0 || total <= 0) return 1.0;
  const double ratio = t / (double(count) / double(total));
  return std::min(1.0, std::sqrt(ratio) + ratio);
}

// ---- the trainer --------------------------------------------------------------------------------

namespace {

// The corpus of a text, its options checked first so that a bad option is named before any work.
Corpus text_corpus(const std::string& text, const Word2VecOptions& o) {
  validate(o);
  Corpus c = make_corpus(tokenize(text, o.tokenizer), VocabOptions{o.min_count, o.max_vocab});
  check(c.sentences.tokens() > 0, "The text has no words to learn from.");
  check(c.vocab.size() > 2, "No word appears at least min_count = " + std::to_string(o.min_count) +
                                " times; lower min_count or give more text.");
  return c;
}

}  // namespace

Word2VecTrainer::Word2VecTrainer(const std::string& text, const Word2VecOptions& options)
    : Word2VecTrainer(text_corpus(text, options), options) {}

Word2VecTrainer::Word2VecTrainer(const Corpus& corpus, const Word2VecOptions& options)
    : options_(options), vocab_(corpus.vocab), rng_(options.seed) {
  validate(options_);
  cbow_ = options_.model == "cbow";
  lr0_ = starting_lr(options_);
  const IdSentences& sentences = corpus.sentences;
  stats_.sentences = sentences.size();
  stats_.tokens = sentences.tokens();
  stats_.types = corpus.types;
  check(vocab_.size() > 2, "The corpus has no word in its vocabulary to learn from.");

  // Every in-vocabulary token in order; sentences left empty are dropped.
  corpus_.reserve(static_cast<size_t>(stats_.tokens - vocab_.count(kUnkId)));
  starts_.reserve(static_cast<size_t>(sentences.size()) + 1);
  size_t longest = 0;
  for (int64_t s = 0; s < sentences.size(); ++s) {
    const size_t begin = corpus_.size();
    const int32_t* ids = sentences.sentence(s);
    for (int64_t i = 0; i < sentences.length(s); ++i)
      if (ids[i] != kUnkId) corpus_.push_back(ids[i]);
    if (corpus_.size() > begin) starts_.push_back(static_cast<int64_t>(begin));
    longest = std::max(longest, corpus_.size() - begin);
  }
  starts_.push_back(static_cast<int64_t>(corpus_.size()));
  stats_.train_words = static_cast<int64_t>(corpus_.size());
  check(stats_.train_words > 0, "The corpus has no token in its vocabulary to learn from.");

  const int32_t V = vocab_.size();
  const int d = options_.dim;
  std::vector<int64_t> counts = vocab_.counts();
  counts[kPadId] = counts[kUnkId] = 0;  // never noise, never trained
  loss_ = NegativeSampling(counts, 0.75);
  keep_.assign(static_cast<size_t>(V), 1.0f);
  for (int32_t i = 0; i < V; ++i)
    keep_[i] = static_cast<float>(keep_probability(counts[i], stats_.train_words, options_.sample));

  // Input rows uniform in [-1/d, 1/d) (as fastText), output rows zero; <pad> and <unk> stay zero.
  input_ = RowMatrix::Zero(V, d);
  output_ = RowMatrix::Zero(V, d);
  const float scale = 1.0f / static_cast<float>(d);
  for (int32_t i = kUnkId + 1; i < V; ++i)
    for (int j = 0; j < d; ++j) input_(i, j) = rng_.symmetric(scale);

  line_.reserve(longest);
  negs_.resize(static_cast<size_t>(options_.negative));
  hidden_.resize(static_cast<size_t>(d));
  grad_.resize(static_cast<size_t>(d));
  progress_.words_total = stats_.train_words * options_.epochs;
  progress_.lr = lr0_;
}

Word2VecProgress Word2VecTrainer::step(int64_t budget) {
  Word2VecProgress& p = progress_;
  p.epoch_end = false;
  p.words_per_sec = 0;
  p.words = 0;
  p.loss_sum = 0;
  p.loss_count = 0;
  if (p.finished) return p;

  const auto start = std::chrono::steady_clock::now();
  const int64_t sentences = static_cast<int64_t>(starts_.size()) - 1;
  int64_t done = 0;
  do {
    if (sentence_ == 0) epoch_loss_ = 0, epoch_pairs_ = 0;
    // Linear decay to (almost) zero over the whole run, as word2vec.c does.
    const double left = 1.0 - double(p.words_processed) / double(std::max<int64_t>(p.words_total, 1));
    const float lr = static_cast<float>(lr0_ * std::max(left, 1e-4));
    p.lr = lr;
    const int64_t n = starts_[sentence_ + 1] - starts_[sentence_];
    train_sentence(&corpus_[starts_[sentence_]], n, lr);
    p.words_processed += n;
    done += n;
    if (++sentence_ == sentences) {
      sentence_ = 0;
      ++p.epoch;
      p.epoch_end = true;
      p.finished = p.epoch >= options_.epochs;
      break;
    }
  } while (done < budget);

  p.words = done;
  p.loss = epoch_pairs_ > 0 ? epoch_loss_ / double(epoch_pairs_) : 0;
  const double elapsed = seconds_since(start);
  p.words_per_sec = elapsed > 0 ? double(done) / elapsed : 0;
  return p;
}

void Word2VecTrainer::train_sentence(const int32_t* ids, int64_t n, float lr) {
  line_.clear();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t id = ids[i];
    if (keep_[id] >= 1.0f || rng_.uniform() < keep_[id]) line_.push_back(id);
  }
  if (line_.size() < 2) return;
  if (cbow_) cbow(lr);
  else skipgram(lr);
}

void Word2VecTrainer::add_loss(float loss) {
  epoch_loss_ += loss;
  ++epoch_pairs_;
  ++progress_.pairs_trained;
  progress_.loss_sum += loss;
  ++progress_.loss_count;
}

void Word2VecTrainer::skipgram(float lr) {
  const int n = static_cast<int>(line_.size());
  const Eigen::Index d = input_.cols();
  const int k = options_.negative;
  Vec grad(grad_.data(), d);
  for (int w = 0; w < n; ++w) {
    const int b = window_around();
    float* h = input_.row(line_[w]).data();
    for (int c = std::max(0, w - b); c <= std::min(n - 1, w + b); ++c) {
      if (c == w) continue;
      grad.setZero();
      loss_.draw(line_[c], k, rng_, negs_.data());
      add_loss(NegativeSampling::update(h, line_[c], negs_.data(), k, lr, output_, grad_.data()));
      Vec(h, d) += grad;
    }
  }
}

void Word2VecTrainer::cbow(float lr) {
  const int n = static_cast<int>(line_.size());
  const Eigen::Index d = input_.cols();
  const int k = options_.negative;
  Vec hidden(hidden_.data(), d), grad(grad_.data(), d);
  for (int w = 0; w < n; ++w) {
    const int b = window_around();
    const int lo = std::max(0, w - b), hi = std::min(n - 1, w + b);
    hidden.setZero();
    for (int c = lo; c <= hi; ++c)
      if (c != w) hidden += ConstVec(input_.row(line_[c]).data(), d);
    hidden *= 1.0f / static_cast<float>(hi - lo);  // hi - lo context words (the centre is excluded)
    grad.setZero();
    loss_.draw(line_[w], k, rng_, negs_.data());
    add_loss(NegativeSampling::update(hidden_.data(), line_[w], negs_.data(), k, lr, output_, grad_.data()));
    // As word2vec.c: each context row takes the whole gradient of the mean (not divided by its size).
    for (int c = lo; c <= hi; ++c)
      if (c != w) Vec(input_.row(line_[c]).data(), d) += grad;
  }
}

}  // namespace embplay
