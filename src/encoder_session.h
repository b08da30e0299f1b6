// EncoderSession: the sentence encoder as the page sees it (the Workspace holds one). A run
// trained by step(budget) on the user's text, and what the page shows of it while it trains: the
// sentence map (a fixed, even sample of the training sentences, pooled and projected by PCA turned
// to the last frame), the STS-B curve (Spearman of the three poolings on the pairs it was given),
// and the attention of a typed sentence. Replies are JSON or plain containers; bindings.cpp only
// converts them.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "encoder_trainer.h"
#include "geometry.h"
#include "text_eval.h"

namespace embplay {

// An EncoderProgress as the worker's events carry it (the same field names).
nlohmann::json progress_json(const EncoderProgress& p);

class EncoderSession {
 public:
  static constexpr int kMapSentences = 400;  // the sentence map's sample, at most
  static constexpr int kStsPairs = 500;      // the STS curve's pairs, at most (the first ones, evenly spread)

  // A new run on `text` (sentences by the tokenizer, or one per line when `by_line`) with the
  // options' JSON (encoder_schema(); absent fields keep their defaults). The run there was stays
  // until the new one is valid. {sentences, tokens, types, oov_tokens, cut, vocab, phases, map}.
  nlohmann::json start(const std::string& text, const std::string& options_json, bool by_line,
                       const std::string& pairs_text = "", double min_score = 0);
  bool has_run() const { return static_cast<bool>(trainer_); }
  // About `budget` sentences of training: progress_json() of the call.
  nlohmann::json step(int64_t budget);
  // The pairs of an STS Benchmark file for the curve (kStsPairs of them, evenly spread).
  void sts_load(const std::string& text);
  bool has_sts() const { return !sts_.empty(); }
  // {pairs, cls, mean, max}: Spearman on the loaded pairs with the encoder as it is now.
  nlohmann::json sts() const;
  // The map's sentences (pooled by "cls", "mean" or "max"), PCA turned to `previous` (2n floats,
  // the last frame) when it has that length.
  Projection map(const std::string& pooling, const std::vector<float>& previous) const;
  const std::vector<std::string>& map_texts() const { return map_texts_; }
  AttentionMap attention(const std::string& text) const;
  const EncoderTrainer& trainer() const;  // throws InputError before the first run
  bool trained() const { return trainer_ != nullptr; }  // a run started (its weights may be the first ones)

 private:
  std::unique_ptr<EncoderTrainer> trainer_;
  std::vector<std::string> map_texts_;  // (n): the sample's sentences, words joined by spaces
  std::vector<StsPair> sts_;
};

}  // namespace embplay
