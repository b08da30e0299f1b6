// Settings that scale with the text: the bands' edges, word2vec's epochs for about two million
// words seen, and every suggested name a setting of its table (so the page and the CLI can use them).
#include "suggested_settings.h"

#include <gtest/gtest.h>

#include "error_message.h"
#include "settings.h"
#include "word2vec.h"

namespace embplay {
namespace {

using nlohmann::json;

TEST(SuggestedSettings, NextWordBandsChangeAt35kAnd300kTokens) {
  const auto at = [](int64_t tokens) { return settings_from_json(suggested_settings("nextword", tokens)); };
  for (int64_t tokens : {int64_t{0}, int64_t{5000}, int64_t{34999}}) {
    const Settings s = at(tokens);
    EXPECT_EQ(s.context, 2) << tokens;
    EXPECT_EQ(s.dim, 64);
    EXPECT_EQ(s.hidden, 128);
    EXPECT_FLOAT_EQ(s.dropout, 0.5f);
    EXPECT_EQ(s.epochs, 25);
    EXPECT_EQ(s.patience, 3);
    EXPECT_EQ(s.batch, 32);
  }
  for (int64_t tokens : {int64_t{35000}, int64_t{100000}, int64_t{299999}}) {
    const Settings s = at(tokens);
    EXPECT_EQ(s.context, 3) << tokens;
    EXPECT_EQ(s.dim, 128);
    EXPECT_EQ(s.hidden, 128);
    EXPECT_FLOAT_EQ(s.dropout, 0.3f);
    EXPECT_EQ(s.epochs, 12);
    EXPECT_FLOAT_EQ(s.warmup, 0);
  }
  for (int64_t tokens : {int64_t{300000}, int64_t{800000}, int64_t{50000000}}) {
    const Settings s = at(tokens);
    EXPECT_EQ(s.context, 8) << tokens;
    EXPECT_EQ(s.hidden, 256);
    EXPECT_FLOAT_EQ(s.dropout, 0.1f);
    EXPECT_FLOAT_EQ(s.weight_decay, 0.05f);
    EXPECT_FLOAT_EQ(s.lr, 0.002f);
    EXPECT_EQ(s.batch, 128);
    EXPECT_EQ(s.epochs, 6);
    EXPECT_EQ(s.patience, 2);
    EXPECT_FLOAT_EQ(s.warmup, 0.02f);
    EXPECT_FLOAT_EQ(s.clip, 5);
  }
  // What every band shares; a smaller band undoes the large band's warm-up and clipping, so the
  // page's fields follow a text that shrinks.
  for (int64_t tokens : {int64_t{1000}, int64_t{50000}, int64_t{500000}}) {
    const Settings s = at(tokens);
    EXPECT_EQ(s.optimizer, "adam");
    EXPECT_EQ(s.schedule, "linear");
    EXPECT_EQ(s.vocab.min_count, 3);
    EXPECT_EQ(s.vocab.max_size, 8000);
    EXPECT_GT(s.patience, 0) << "early stopping keeps the best weights in every band";
  }
  EXPECT_TRUE(suggested_settings("nextword", 1000).contains("warmup"));
  EXPECT_TRUE(suggested_settings("nextword", 1000).contains("clip"));
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
