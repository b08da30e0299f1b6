// Training as a whole: losses fall, steps touch only their rows, runs repeat, bad input is refused.
#include <gtest/gtest.h>

#include <cmath>

#include "trainer.h"

namespace embplay {
namespace {

// A tiny corpus with strong next-word structure.
std::string corpus(int repeats) {
  std::string text;
  for (int i = 0; i < repeats; ++i)
    text += "the cat sat on the mat. the dog sat on the rug. a cat ate the fish. a dog ate the bone. ";
  return text;
}

Settings small(const std::string& optimizer) {
  Settings s;
  s.dim = 8;
  s.hidden = 16;
  s.batch = 16;
  s.epochs = 30;
  s.optimizer = optimizer;
  s.lr = optimizer == "sgd" ? 0.5f : 0.02f;
  return s;
}

Progress train_all(Trainer& t) {
  Progress p;
  do p = t.step(1000); while (!p.finished && !p.diverged);
  return p;
}

TEST(Trainer, LossFallsWithEitherOptimizer) {
  for (const char* opt : {"sgd", "adam"}) {
    Trainer t(corpus(20), small(opt));
    const double before = t.evaluate().loss;
    EXPECT_NEAR(before, std::log(double(t.vocab().size())), 0.5) << opt;  // starts near uniform
    const Progress p = train_all(t);
    EXPECT_FALSE(p.diverged);
    const Evaluation after = t.evaluate();
    EXPECT_GT(after.examples, 0);
    EXPECT_LT(after.loss, 0.5 * before) << opt;
    EXPECT_GT(after.accuracy, 0.4) << opt;
  }
}

TEST(Trainer, AStepChangesOnlyTheRowsItsBatchUsed) {
  for (const char* opt : {"sgd", "adam"}) {
    Settings s = small(opt);
    s.batch = 2;
    Trainer t(corpus(5), s);
    t.step(1);  // one batch, so Adam's moments are non-zero for some rows afterwards
    const RowMatrix before = t.model().embed;
    t.step(1);
    const Ids& used = t.last_rows();
    ASSERT_FALSE(used.empty());
    int changed = 0;
    for (int32_t row = 0; row < t.vocab().size(); ++row) {
      const bool was_used = std::find(used.begin(), used.end(), row) != used.end();
      const bool moved = (t.model().embed.row(row) - before.row(row)).norm() > 0;
      EXPECT_EQ(moved, was_used) << opt << " row " << row;
      changed += moved;
    }
    EXPECT_LT(changed, t.vocab().size());
  }
}

TEST(Trainer, SameSeedSameRunOtherSeedOtherRun) {
  Settings s = small("adam");
  s.epochs = 2;
  Trainer a(corpus(5), s), b(corpus(5), s);
  train_all(a);
  train_all(b);
  EXPECT_EQ(a.model().embed, b.model().embed);
  EXPECT_EQ(a.evaluate().loss, b.evaluate().loss);
  s.seed = 2;
  Trainer c(corpus(5), s);
  train_all(c);
  EXPECT_NE(a.model().embed, c.model().embed);
}

TEST(Trainer, StepStopsAtEpochEndsAndReportsProgress) {
  Settings s = small("sgd");
  s.epochs = 2;
  Trainer t(corpus(3), s);
  const int64_t n = t.stats().train_examples;
  Progress p = t.step(1 << 30);
  EXPECT_TRUE(p.epoch_end);
  EXPECT_EQ(p.epoch, 1);
  EXPECT_EQ(p.epoch_position, n);
  EXPECT_EQ(p.step, (n + s.batch - 1) / s.batch);
  EXPECT_FALSE(p.finished);
  EXPECT_GT(p.train_loss, 0);
  p = t.step(1);
  EXPECT_EQ(p.epoch_position, s.batch);
  p = train_all(t);
  EXPECT_TRUE(p.finished);
  EXPECT_EQ(p.epoch, 2);
  const Progress after = t.step(100);  // a finished run does nothing more
  EXPECT_EQ(after.step, p.step);
}

TEST(Trainer, HugeLearningRateDivergesAndRestoresTheLastGoodEpoch) {
  for (int hidden : {0, 16}) {
    Settings s = small("sgd");
    s.hidden = hidden;
    s.lr = 10;
    s.epochs = 200;
    Trainer t(corpus(20), s);
    const Progress p = train_all(t);
    ASSERT_TRUE(p.diverged) << hidden;
    EXPECT_FALSE(p.finished);
    EXPECT_GT(p.last_batch_loss, 2 * std::log(double(t.vocab().size())));
    EXPECT_TRUE(t.model().embed.allFinite());
    EXPECT_TRUE(t.model().w2.allFinite());
    EXPECT_TRUE(std::isfinite(t.evaluate().loss));
    EXPECT_EQ(t.step(100).step, p.step);  // stays stopped
  }
}

TEST(Trainer, RefusesTextItCannotLearnFrom) {
  const Settings s;
  for (const char* text : {"", "   \n\n  ", "... !!! ??? ,,,", "\xff\xfe\xfd", "hello"}) {
    try {
      Trainer t(text, s);
      FAIL() << "accepted: " << text;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("word"), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(Trainer("one two three", s));
}

TEST(Trainer, RefusesOutOfRangeSettingsNamingTheField) {
  Settings s;
  s.context = 9;
  try {
    Trainer t(corpus(2), s);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("context"), std::string::npos);
  }
}

TEST(Trainer, OneSentenceTrainsWithoutValidation) {
  Trainer t("the cat sat on the mat", Settings{});
  EXPECT_EQ(t.stats().valid_examples, 0);
  EXPECT_EQ(t.evaluate().examples, 0);
  EXPECT_GT(t.step(10).step, 0);
}

}  // namespace
}  // namespace embplay
