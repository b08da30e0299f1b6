// The rule of bench/README.md, "Defaults by text size", in one place.
#include "suggested_settings.h"

#include <algorithm>
#include <cmath>

#include "input_error.h"

namespace embplay {

using nlohmann::json;

namespace {

// The next-word model in four bands. Small texts want a small, heavily regularised model trained
// for many short epochs; large ones a longer context and a bigger model for a few long epochs.
// Every band: Adam, a learning rate decaying linearly to 0, words seen fewer than 3 times as <unk>,
// and early stopping keeping the best epoch's weights (so `epochs` is a cap).
// Below kSmallTextTokens the same small model learns 3 times more slowly for longer (lr 0.001, up
// to 100 epochs, patience 10): at lr 0.003 it peaks after 10-22 epochs of some 130 steps and only
// ties the trigram on some texts (sotu-5k +0.5%, +3.2%); slower, it beats it (bench/README.md,
// "Under 10,000 tokens": 4 texts of 5,000 words, 3 seeds, 11 runs of 12 below the trigram).
constexpr int64_t kMediumText = 35000;   // tokens: from here, k 3 and d 128
constexpr int64_t kLargeText = 300000;   // tokens: from here, k 8, h 256, larger batches

json next_word(int64_t tokens) {
  json s = {{"optimizer", "adam"}, {"schedule", "linear"}, {"min_count", 3}, {"max_vocab", 8000}};
  if (tokens < kSmallTextTokens) {
    s.update({{"context", 2}, {"dim", 64}, {"hidden", 128}, {"dropout", 0.5}, {"weight_decay", 0.1}, {"lr", 0.001},
              {"batch", 32}, {"epochs", 100}, {"patience", 10}, {"warmup", 0}, {"clip", 0}});
  } else if (tokens < kMediumText) {
    s.update({{"context", 2}, {"dim", 64}, {"hidden", 128}, {"dropout", 0.5}, {"weight_decay", 0.1}, {"lr", 0.003},
              {"batch", 32}, {"epochs", 25}, {"patience", 3}, {"warmup", 0}, {"clip", 0}});
  } else if (tokens < kLargeText) {
    s.update({{"context", 3}, {"dim", 128}, {"hidden", 128}, {"dropout", 0.3}, {"weight_decay", 0.1}, {"lr", 0.003},
              {"batch", 32}, {"epochs", 12}, {"patience", 3}, {"warmup", 0}, {"clip", 0}});
  } else {
    s.update({{"context", 8}, {"dim", 128}, {"hidden", 256}, {"dropout", 0.1}, {"weight_decay", 0.05}, {"lr", 0.002},
              {"batch", 128}, {"epochs", 6}, {"patience", 2}, {"warmup", 0.02}, {"clip", 5}});
  }
  return s;
}

// word2vec: about two million words seen whatever the size (5 to 50 epochs), and subsampling at
// 1e-3 rather than 1e-4, which on a small text throws most of it away (its vectors collapse).
// Below kSmallTextTokens, words seen 3 times are kept so the map still has some 300 words.
json word2vec(int64_t tokens) {
  const double epochs = std::round(2e6 / static_cast<double>(std::max<int64_t>(tokens, 1)));
  return {{"sample", 1e-3},
          {"epochs", static_cast<int>(std::clamp(epochs, 5.0, 50.0))},
          {"min_count", tokens < kSmallTextTokens ? 3 : 5}};
}

}  // namespace

json suggested_settings(const std::string& model, int64_t tokens) {
  if (model == "nextword") return next_word(tokens);
  if (model == "word2vec") return word2vec(tokens);
  throw InputError("suggested settings: model must be nextword or word2vec, not " + model);
}

}  // namespace embplay
