// The encoder's options table, its vocabulary, and what a trained encoder is asked (see
// sentence_encoder.h).
#include "sentence_encoder.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "evaluation.h"
#include "option_table.h"

namespace embplay {
namespace {

using nlohmann::json;
using T = OptionTable<EncoderOptions>;

const T& table() {
  static const T table("encoder option", {
      T::number("dim", T::Type::Int, 8, 512, &EncoderOptions::dim, "d: width of every token vector"),
      T::number("heads", T::Type::Int, 1, 16, &EncoderOptions::heads, "attention heads; must divide dim"),
      T::number("layers", T::Type::Int, 1, 12, &EncoderOptions::layers, "Transformer blocks"),
      T::number("ff", T::Type::Int, 8, 4096, &EncoderOptions::ff, "width of each block's feed-forward layer"),
      T::number("max_words", T::Type::Int, 2, 256, &EncoderOptions::max_words,
                "words kept per sentence, the rest cut; [CLS] comes in front"),
      T::number("dropout", T::Type::Float, 0, 0.9, &EncoderOptions::dropout,
                "dropout on embeddings, attention and residual branches; SimCSE's two views differ by it"),
      T::number("max_vocab", T::Type::Int, 10, 200000, &EncoderOptions::max_vocab, "most frequent words kept"),
      T::number("min_count", T::Type::Int, 1, 1000, &EncoderOptions::min_count, "rarer words read as <unk>"),
      T::number("batch", T::Type::Int, 2, 1024, &EncoderOptions::batch,
                "sentences (or pairs) per step; the contrastive phases' negatives are the rest of the batch"),
      T::number("lr", T::Type::Float, 0, 1, &EncoderOptions::lr, "peak learning rate of masked-word pre-training (Adam)"),
      T::number("contrastive_lr", T::Type::Float, 0, 1, &EncoderOptions::contrastive_lr,
                "peak learning rate of SimCSE and pairs (Adam)"),
      T::choice("schedule", {"constant", "linear", "cosine"}, &EncoderOptions::schedule,
                "learning rate after each phase's warm-up"),
      T::number("warmup", T::Type::Float, 0, 100000, &EncoderOptions::warmup,
                "warm-up of each phase: steps when >= 1, else a fraction of the phase"),
      T::number("clip", T::Type::Float, 0, 1000, &EncoderOptions::clip, "cap on the global gradient norm; 0 = off"),
      T::number("weight_decay", T::Type::Float, 0, 1, &EncoderOptions::weight_decay,
                "AdamW decay of the matrices and the token table"),
      T::number("mlm_epochs", T::Type::Int, 0, 1000, &EncoderOptions::mlm_epochs,
                "masked-word pre-training passes over the sentences; 0 = none"),
      T::number("mask_rate", T::Type::Float, 0.01, 0.5, &EncoderOptions::mask_rate,
                "share of each sentence's words hidden: 80% [MASK], 10% a random word, 10% kept"),
      T::number("simcse_epochs", T::Type::Int, 0, 1000, &EncoderOptions::simcse_epochs,
                "unsupervised SimCSE passes: each sentence twice through dropout is the positive pair"),
      T::number("pairs_epochs", T::Type::Int, 0, 1000, &EncoderOptions::pairs_epochs,
                "supervised passes over the given sentence pairs; 0 = none"),
      T::number("temperature", T::Type::Float, 0.01, 1, &EncoderOptions::temperature,
                "tau: cosine similarities are divided by it before the softmax"),
      T::choice("pooling", {"cls", "mean", "max"}, &EncoderOptions::pooling,
                "the sentence vector the contrastive phases train"),
      T::number("seed", T::Type::Int, 0, 4294967295.0, &EncoderOptions::seed, "same seed, same run"),
      T::nested("lowercase", T::Type::Bool, 0, 1, &EncoderOptions::tokenizer, &TokenizerOptions::lowercase,
                "fold upper case to lower case"),
      T::nested("keep_punctuation", T::Type::Bool, 0, 1, &EncoderOptions::tokenizer,
                &TokenizerOptions::keep_punctuation, "keep commas, quotes and the like as tokens"),
  });
  return table;
}

// Sentence indices in order of length (ties by index), so a batch pads little.
std::vector<size_t> by_length(const std::vector<Ids>& sequences) {
  std::vector<size_t> order(sequences.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return sequences[a].size() < sequences[b].size(); });
  return order;
}

double cosine(const RowMatrix& v, Eigen::Index a, Eigen::Index b) {
  const double norms = double(v.row(a).norm()) * v.row(b).norm();
  return norms > 0 ? v.row(a).dot(v.row(b)) / norms : 0.0;
}

}  // namespace

json encoder_schema() { return table().schema(); }
EncoderOptions encoder_options_from_json(const json& j) {
  EncoderOptions o = table().from_json(j);
  validate(o);
  return o;
}
json encoder_options_to_json(const EncoderOptions& o) { return table().to_json(o); }
void set_encoder_option(EncoderOptions& o, const std::string& name, const std::string& value) {
  table().set_from_text(o, name, value);
}

void validate(const EncoderOptions& o) {
  table().validate(o);
  if (o.dim % o.heads != 0)
    throw InputError("encoder option heads must divide dim: " + std::to_string(o.heads) + " heads do not divide " +
                     std::to_string(o.dim));
}

EncoderShape encoder_shape(const EncoderOptions& o, int vocab) {
  EncoderShape s;
  s.vocab = vocab;
  s.dim = o.dim;
  s.heads = o.heads;
  s.layers = o.layers;
  s.ff = o.ff;
  s.max_len = o.max_words + 1;
  return s;
}

const char* cls_word() { return "[CLS]"; }
const char* mask_word() { return "[MASK]"; }

Vocab encoder_vocab(const Vocab& words) {
  std::vector<std::string> w = {Vocab::pad_word(), Vocab::unk_word(), cls_word(), mask_word()};
  std::vector<int64_t> counts = {0, words.count(kUnkId), 0, 0};
  w.insert(w.end(), words.words().begin() + 2, words.words().end());
  counts.insert(counts.end(), words.counts().begin() + 2, words.counts().end());
  return Vocab::from_words(std::move(w), std::move(counts));
}

Ids SentenceEncoder::ids(const std::vector<std::string>& words) const {
  Ids out;
  const size_t n = std::min(words.size(), static_cast<size_t>(options.max_words));
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const int32_t id = vocab.id(words[i]);
    out.push_back(id < kFirstWordId ? kUnkId : id);  // "[CLS]" typed as a word is just unknown
  }
  return out;
}

std::vector<std::string> SentenceEncoder::words(const std::string& text) const {
  return tokenize_words(text, options.tokenizer);
}

SentenceVectors encode(const SentenceEncoder& e, const std::vector<std::string>& texts) {
  std::vector<Ids> sequences;
  sequences.reserve(texts.size());
  for (const std::string& t : texts) sequences.push_back(e.ids(e.words(t)));
  const int d = e.model.shape().dim;
  const auto n = static_cast<Eigen::Index>(texts.size());
  SentenceVectors out{RowMatrix(n, d), RowMatrix(n, d), RowMatrix(n, d)};
  constexpr size_t kChunk = 64;
  const std::vector<size_t> order = by_length(sequences);
  EncoderActivations act;
  std::vector<Ids> chunk;
  Matrix pooled(d, static_cast<Eigen::Index>(kChunk));
  std::vector<int32_t> argmax(d * kChunk);
  for (size_t first = 0; first < order.size(); first += kChunk) {
    const size_t count = std::min(kChunk, order.size() - first);
    chunk.clear();
    for (size_t i = 0; i < count; ++i) chunk.push_back(sequences[order[first + i]]);
    const TokenBatch batch = TokenBatch::of(chunk, e.model.shape().max_len);
    e.model.forward(batch, act);
    for (EncoderPooling p : kEncoderPoolings) {
      pool_sequences(act.out.data(), d, batch, p, pooled.data(), argmax.data());
      RowMatrix& rows = out.of(p);
      for (size_t i = 0; i < count; ++i) rows.row(static_cast<Eigen::Index>(order[first + i])) = pooled.col(i).transpose();
    }
  }
  return out;
}

AttentionMap attention_map(const SentenceEncoder& e, const std::string& text) {
  const std::vector<std::string> words = e.words(text);
  const Ids ids = e.ids(words);
  AttentionMap m;
  m.tokens.push_back(cls_word());
  m.known.push_back(true);
  for (size_t i = 0; i < ids.size(); ++i) {
    m.tokens.push_back(words[i]);
    m.known.push_back(ids[i] != kUnkId);
  }
  const TokenBatch batch = TokenBatch::of({ids}, e.model.shape().max_len);
  EncoderActivations act;
  e.model.forward(batch, act);
  m.layers = e.model.shape().layers;
  m.heads = e.model.shape().heads;
  m.weights = e.model.attention(batch, act, 0);
  return m;
}

EncoderStsScores sts_scores(const SentenceEncoder& e, const std::vector<StsPair>& pairs) {
  std::vector<std::string> texts;
  std::vector<double> human;
  for (const StsPair& p : pairs) {
    texts.push_back(p.a);
    texts.push_back(p.b);
    human.push_back(p.score);
  }
  const SentenceVectors v = encode(e, texts);
  EncoderStsScores s;
  for (EncoderPooling p : kEncoderPoolings) {
    std::vector<double> model(pairs.size());
    for (size_t i = 0; i < pairs.size(); ++i) model[i] = cosine(v.of(p), 2 * i, 2 * i + 1);
    s.of(p) = spearman(model, human);
  }
  return s;
}

}  // namespace embplay
