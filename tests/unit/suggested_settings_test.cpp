// Settings that scale with the text: the bands' edges (10k, 35k, 300k tokens), word2vec's epochs
// for about two million words seen, and every suggested name a setting of its table (so the page
// and the CLI can use them).
#include "suggested_settings.h"

#include <gtest/gtest.h>

#include <vector>

#include "error_message.h"
#include "settings.h"
#include "word2vec.h"

namespace embplay {
namespace {

using nlohmann::json;

// One band of the rule, and token counts inside it (its edges among them).
struct Band {
  std::vector<int64_t> sizes;
  int context, dim, hidden, batch, epochs, patience;
  float dropout, weight_decay, lr, warmup, clip;
};

TEST(SuggestedSettings, NextWordBandsChangeAt10k35kAnd300kTokens) {
  const Band bands[] = {
      // Under 10,000 tokens the same model as up to 35,000, learning slower and longer.
      {{0, 5000, kSmallTextTokens - 1}, 2, 64, 128, 32, 100, 10, 0.5f, 0.1f, 0.001f, 0, 0},
      {{kSmallTextTokens, 20000, 34999}, 2, 64, 128, 32, 25, 3, 0.5f, 0.1f, 0.003f, 0, 0},
      {{35000, 100000, 299999}, 3, 128, 128, 32, 12, 3, 0.3f, 0.1f, 0.003f, 0, 0},
      {{300000, 800000, 50000000}, 8, 128, 256, 128, 6, 2, 0.1f, 0.05f, 0.002f, 0.02f, 5},
  };
  for (const Band& band : bands) {
    for (int64_t tokens : band.sizes) {
      SCOPED_TRACE(tokens);
      const Settings s = settings_from_json(suggested_settings("nextword", tokens));
      EXPECT_EQ(std::vector<int>({s.context, s.dim, s.hidden, s.batch, s.epochs, s.patience}),
                std::vector<int>({band.context, band.dim, band.hidden, band.batch, band.epochs, band.patience}));
      EXPECT_FLOAT_EQ(s.dropout, band.dropout);
      EXPECT_FLOAT_EQ(s.weight_decay, band.weight_decay);
      EXPECT_FLOAT_EQ(s.lr, band.lr);
      EXPECT_FLOAT_EQ(s.warmup, band.warmup);  // a smaller band undoes the large one's warm-up and clipping,
      EXPECT_FLOAT_EQ(s.clip, band.clip);      // so the page's fields follow a text that shrinks
      // What every band shares: early stopping keeps the best weights.
      EXPECT_EQ(s.optimizer, "adam");
      EXPECT_EQ(s.schedule, "linear");
      EXPECT_EQ(s.vocab.min_count, 3);
      EXPECT_EQ(s.vocab.max_size, 8000);
    }
  }
}

TEST(SuggestedSettings, Word2vecSeesAboutTwoMillionWordsAndKeepsRareWordsOnSmallTexts) {
  const auto at = [](int64_t tokens) { return word2vec_options_from_json(suggested_settings("word2vec", tokens)); };
  EXPECT_EQ(at(20000).epochs, 50);  // 100 clamped
  EXPECT_EQ(at(40000).epochs, 50);
  EXPECT_EQ(at(50000).epochs, 40);
  EXPECT_EQ(at(51282).epochs, 39);  // 38.99...
  EXPECT_EQ(at(100000).epochs, 20);
  EXPECT_EQ(at(800000).epochs, 5);  // 2.5 clamped
  EXPECT_EQ(at(0).epochs, 50);      // an empty text divides by nothing
  EXPECT_DOUBLE_EQ(at(100000).sample, 1e-3);
  EXPECT_EQ(at(kSmallTextTokens - 1).min_count, 3);
  EXPECT_EQ(at(kSmallTextTokens).min_count, 5);
  // Only what the rule chooses: the model (skip-gram or CBOW), d and the window stay the user's.
  EXPECT_EQ(suggested_settings("word2vec", 1000).size(), 3u);
}

TEST(SuggestedSettings, NamesOnlyKnownSettingsAndRefusesAnotherModel) {
  // from_json refuses an unknown field: every suggested name is one of its table's.
  for (int64_t tokens : {int64_t{100}, int64_t{40000}, int64_t{400000}}) {
    EXPECT_NO_THROW(settings_from_json(suggested_settings("nextword", tokens)));
    EXPECT_NO_THROW(word2vec_options_from_json(suggested_settings("word2vec", tokens)));
  }
  EXPECT_NE(error_of([] { suggested_settings("glove", 100); }).find("nextword or word2vec"), std::string::npos);
}

}  // namespace
}  // namespace embplay
