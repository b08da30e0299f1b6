#include "encoder_session.h"

#include <algorithm>

#include "input_error.h"

namespace embplay {

using nlohmann::json;

namespace {

// `count` indices spread evenly over 0..n-1 (all of them when n <= count).
std::vector<size_t> even_sample(size_t n, size_t count) {
  std::vector<size_t> out;
  const size_t m = std::min(n, count);
  out.reserve(m);
  for (size_t i = 0; i < m; ++i) out.push_back(i * n / m);
  return out;
}

std::string joined(const Sentence& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

}  // namespace

json progress_json(const EncoderProgress& p) {
  return {{"phase", p.phase}, {"phase_index", p.phase_index}, {"phases", p.phases}, {"epoch", p.epoch},
          {"epochs", p.epochs}, {"step", p.step}, {"phase_step", p.phase_step}, {"phase_steps", p.phase_steps},
          {"epoch_position", p.epoch_position}, {"epoch_size", p.epoch_size}, {"examples", p.examples},
          {"tokens", p.tokens}, {"loss_sum", p.loss_sum}, {"loss_count", p.loss_count}, {"lr", p.lr},
          {"grad_norm", p.grad_norm}, {"tokens_per_sec", p.tokens_per_sec}, {"epoch_end", p.epoch_end},
          {"phase_end", p.phase_end}, {"finished", p.finished}, {"diverged", p.diverged}};
}

json EncoderSession::start(const std::string& text, const std::string& options_json, bool by_line,
                           const std::string& pairs_text, double min_score) {
  const json j = json::parse(options_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError("the encoder's settings are not a JSON object");
  const EncoderOptions options = encoder_options_from_json(j);
  std::vector<Sentence> sentences = read_sentences(text, options.tokenizer, by_line);
  // Sentence pairs (a file the page opened) train the supervised phase; without them it is skipped.
  std::vector<SentencePair> pairs;
  if (!pairs_text.empty()) pairs = read_pairs(pairs_text, options.tokenizer, min_score);
  std::vector<std::string> texts;
  for (size_t i : even_sample(sentences.size(), kMapSentences)) texts.push_back(joined(sentences[i]));
  // The new run replaces the old one only once it is built (a text without sentences throws here).
  auto trainer = std::make_unique<EncoderTrainer>(std::move(sentences), std::move(pairs), options);
  trainer_ = std::move(trainer);
  map_texts_ = std::move(texts);
  const EncoderStats& s = trainer_->stats();
  json phases = json::array();
  for (EncoderPhase p : trainer_->phases()) phases.push_back(encoder_phase_name(p));
  return {{"sentences", s.sentences}, {"tokens", s.tokens}, {"types", s.types}, {"oov_tokens", s.oov_tokens},
          {"cut", s.cut}, {"vocab", s.vocab}, {"pairs", s.pairs}, {"phases", phases}, {"map", map_texts_.size()}};
}

json EncoderSession::step(int64_t budget) {
  if (!trainer_) throw InputError("There is no sentence encoder yet: press Train encoder first.");
  return progress_json(trainer_->step(std::max<int64_t>(1, budget)));
}

void EncoderSession::sts_load(const std::string& text) {
  std::vector<StsPair> pairs = read_sts(text);
  std::vector<StsPair> kept;
  for (size_t i : even_sample(pairs.size(), kStsPairs)) kept.push_back(std::move(pairs[i]));
  sts_ = std::move(kept);
}

json EncoderSession::sts() const {
  if (sts_.empty()) throw InputError("no STS pairs loaded");
  const EncoderStsScores s = sts_scores(trainer().encoder(), sts_);
  return {{"pairs", sts_.size()}, {"cls", s.cls}, {"mean", s.mean}, {"max", s.max}};
}

Projection EncoderSession::map(const std::string& pooling, const std::vector<float>& previous) const {
  const EncoderPooling p = parse_encoder_pooling(pooling);
  const SentenceVectors v = encode(trainer().encoder(), map_texts_);
  const RowMatrix& rows = v.of(p);
  RowMatrix last;
  if (previous.size() == static_cast<size_t>(2 * rows.rows())) {
    last = Eigen::Map<const RowMatrix>(previous.data(), rows.rows(), 2);
  }
  return pca_2d_aligned(rows, last);
}

AttentionMap EncoderSession::attention(const std::string& text) const {
  AttentionMap m = attention_map(trainer().encoder(), text);
  if (m.tokens.size() < 2) throw InputError("Type a sentence with at least one word.");
  return m;
}

const EncoderTrainer& EncoderSession::trainer() const {
  if (!trainer_) throw InputError("There is no sentence encoder yet: press Train encoder first.");
  return *trainer_;
}

}  // namespace embplay
