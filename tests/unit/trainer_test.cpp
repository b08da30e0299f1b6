// Training as a whole: losses fall, steps touch only their rows, runs repeat, bad input is refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "parallel.h"
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

TEST(Trainer, OneThreadAndTwoTrainTheSameBits) {
  // A vocabulary of ~1,200 words makes the output layer's products big enough to be cut in two
  // (kernels.h); the cut depends on the shapes only, so two threads must reproduce one exactly.
  Rng words(3);
  std::string text;
  for (int sentence = 0; sentence < 1500; ++sentence) {
    for (int w = 0; w < 8; ++w) text += "w" + std::to_string(words.below(1200)) + " ";
    text += ". ";
  }
  Settings s;
  s.dim = 16;
  s.hidden = 64;
  s.batch = 64;
  s.epochs = 1;
  s.optimizer = "adam";
  s.lr = 0.01f;
  Trainer one(text, s), two(text, s);
  ASSERT_GT(one.model().w2.rows() * s.hidden * s.batch, 2 * 1024 * 1024);
  ASSERT_EQ(parallel::set_threads(1), 1);
  const Progress p1 = one.step(2000);
  ASSERT_EQ(parallel::set_threads(2), 2);
  const Progress p2 = two.step(2000);
  parallel::set_threads(1);
  EXPECT_EQ(p1.train_loss, p2.train_loss);
  EXPECT_EQ(one.model().embed, two.model().embed);
  EXPECT_EQ(one.model().w1, two.model().w1);
  EXPECT_EQ(one.model().w2, two.model().w2);
  EXPECT_NE(one.model().w2, Trainer(text, s).model().w2);  // it did train
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

TEST(Trainer, EachStepReportsItsExamplesAndTheirLossSum) {
  Settings s = small("adam");
  s.epochs = 2;
  s.schedule = "linear";
  Trainer t(corpus(3), s);
  const int64_t n = t.stats().train_examples;
  // Steps of a few batches through the first epoch: what they report adds up to the epoch's figures.
  int64_t examples = 0, counted = 0;
  double sum = 0;
  Progress p;
  do {
    p = t.step(3 * s.batch);
    EXPECT_GT(p.examples, 0);
    EXPECT_EQ(p.loss_count, p.examples);  // every example's loss is finite here
    EXPECT_GT(p.loss_sum, 0);
    examples += p.examples, counted += p.loss_count, sum += p.loss_sum;
    EXPECT_EQ(examples, p.epoch_end ? n : p.epoch_position);
    EXPECT_NEAR(sum / counted, p.train_loss, 1e-9 * p.train_loss);  // the epoch's mean so far
    EXPECT_FLOAT_EQ(p.lr, t.schedule().at(p.step - 1));               // the scheduled rate of the last step
  } while (!p.epoch_end);
  EXPECT_EQ(examples, n);
  // The next call starts the second epoch: only its own examples.
  p = t.step(1);
  EXPECT_EQ(p.examples, s.batch);
  EXPECT_NEAR(p.loss_sum / p.loss_count, p.train_loss, 1e-9 * p.train_loss);
  EXPECT_LT(p.lr, s.lr);  // the linear schedule has decayed
  p = train_all(t);
  const Progress after = t.step(100);  // a finished run does nothing, and says so
  EXPECT_EQ(after.examples, 0);
  EXPECT_EQ(after.loss_count, 0);
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

TEST(Trainer, TooFewSentencesTrainOnAllTextWithANotice) {
  Trainer t("the cat sat on the mat. the dog sat on the rug.", Settings{});
  EXPECT_EQ(t.stats().valid_examples, 0);
  EXPECT_EQ(t.stats().test_examples, 0);
  EXPECT_EQ(t.stats().train_examples, 12);
  EXPECT_EQ(t.evaluate().examples, 0);
  EXPECT_EQ(t.evaluate_test().examples, 0);
  EXPECT_NE(t.notice().find("too few"), std::string::npos) << t.notice();
  EXPECT_GT(t.step(10).step, 0);
  Settings s;
  s.valid_fraction = 0;
  s.patience = 2;
  Trainer no_valid(corpus(3), s);
  EXPECT_NE(no_valid.notice().find("early stopping"), std::string::npos) << no_valid.notice();
  EXPECT_TRUE(Trainer(corpus(3), Settings{}).notice().empty());
  Settings long_warmup;
  long_warmup.warmup = 1e6f;  // steps: far beyond the run
  const Trainer warming(corpus(3), long_warmup);
  EXPECT_NE(warming.notice().find("lasts the whole run"), std::string::npos) << warming.notice();
}

TEST(Trainer, SplitsIntoThreeAndReportsTopFive) {
  Trainer t(corpus(10), small("adam"));
  const TextStats& st = t.stats();
  EXPECT_EQ(st.sentences, 40);
  EXPECT_EQ(t.sentences().train.size(), 32u);
  EXPECT_EQ(t.sentences().valid.size(), 4u);
  EXPECT_EQ(t.sentences().test.size(), 4u);
  EXPECT_EQ(st.train_examples + st.valid_examples + st.test_examples, st.tokens);
  train_all(t);
  const Evaluation test = t.evaluate_test();
  EXPECT_EQ(test.examples, st.test_examples);
  EXPECT_GE(test.top5, test.accuracy);
  EXPECT_GT(test.top5, 0.8);
}

TEST(Trainer, ThreeTextsAreUsedAsTheyAre) {
  SplitTexts texts{corpus(5), "the cat sat on the rug.", "a dog ate the fish. the cat ate the bone."};
  Trainer t(texts, small("adam"));
  EXPECT_EQ(t.stats().valid_examples, 6);
  EXPECT_EQ(t.stats().test_examples, 10);
  EXPECT_EQ(t.stats().train_examples, 5 * 22);
  EXPECT_TRUE(t.notice().empty());
  EXPECT_THROW(Trainer(SplitTexts{"", "the cat.", "the dog."}, Settings{}), InputError);
}

TEST(Trainer, RefusesHeldOutFractionsThatLeaveTooLittleToTrain) {
  Settings s;
  s.valid_fraction = 0.3f;
  s.test_fraction = 0.3f;
  try {
    Trainer t(corpus(5), s);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("valid_fraction + test_fraction"), std::string::npos) << e.what();
  }
}

// Random word salad: nothing to generalise, so validation perplexity soon rises as the model
// memorises the training sentences.
std::string salad(int sentences, uint64_t seed) {
  Rng rng(seed);
  std::string text;
  for (int i = 0; i < sentences; ++i) {
    for (int j = 0; j < 6; ++j) text += "w" + std::to_string(rng.below(40)) + " ";
    text += ". ";
  }
  return text;
}

TEST(Trainer, EarlyStoppingKeepsTheBestModelNotTheLast) {
  Settings s = small("adam");
  s.lr = 0.05f;
  s.dim = 16;
  s.hidden = 64;
  s.epochs = 60;
  s.patience = 2;
  s.vocab.min_count = 1;
  Trainer t(salad(200, 3), s);
  std::vector<double> valid;  // each epoch's validation perplexity, as the trainer scored it
  std::vector<NextWordModel> models;
  Progress p;
  do {
    p = t.step(1 << 30);
    if (p.epoch_end) {
      ASSERT_GT(p.valid.examples, 0);
      valid.push_back(p.valid.perplexity);
    }
  } while (!p.finished && !p.diverged);
  ASSERT_FALSE(p.diverged);
  EXPECT_TRUE(p.stopped_early);
  EXPECT_LT(p.epoch, s.epochs);
  const size_t best = static_cast<size_t>(std::min_element(valid.begin(), valid.end()) - valid.begin());
  EXPECT_EQ(p.best_epoch, static_cast<int>(best) + 1);
  EXPECT_EQ(p.epoch, p.best_epoch + s.patience);
  EXPECT_GT(valid.back(), valid[best]);  // the last model was worse...
  EXPECT_DOUBLE_EQ(t.evaluate().perplexity, valid[best]);  // ...and the best one is what is kept

  s.patience = 0;  // off: every epoch trains and the last model stays
  s.epochs = p.epoch;
  Trainer last(salad(200, 3), s);
  const Progress q = train_all(last);
  EXPECT_FALSE(q.stopped_early);
  EXPECT_EQ(q.best_epoch, 0);
  EXPECT_DOUBLE_EQ(last.evaluate().perplexity, valid.back());
}

TEST(Trainer, MseTwinStartsFromTheSameWeightsOnTheSameBatches) {
  Settings s = small("adam");
  s.epochs = 25;
  s.patience = 0;
  Trainer ce(corpus(20), s);
  ce.step(50);  // the twin starts from the initial state whatever the original has done since
  const std::unique_ptr<Trainer> mse = ce.twin("mse");
  EXPECT_EQ(mse->settings().loss, "mse");
  EXPECT_EQ(mse->model().embed, ce.initial_model().embed);
  EXPECT_EQ(mse->model().w1, ce.initial_model().w1);
  EXPECT_EQ(mse->model().w2, ce.initial_model().w2);
  EXPECT_EQ(mse->progress().step, 0);

  Trainer fresh(corpus(20), s);  // the same run from scratch: the twin's batches are its batches
  EXPECT_EQ(mse->model().embed, fresh.model().embed);
  for (int epoch = 0; epoch < 3; ++epoch) {
    EXPECT_EQ(mse->epoch_order(), fresh.epoch_order()) << epoch;
    mse->step(1 << 30);
    fresh.step(1 << 30);
  }
  EXPECT_THROW(ce.twin("hinge"), InputError);

  // On a small corpus cross-entropy reaches a lower perplexity than MSE with everything else equal.
  train_all(ce);
  train_all(*mse);
  const double ce_ppl = ce.evaluate().perplexity, mse_ppl = mse->evaluate().perplexity;
  EXPECT_LT(ce_ppl, mse_ppl);
}

TEST(Trainer, DropoutTrainsReproduciblyAndATwinDrawsTheSameMasks) {
  Settings s = small("adam");
  s.patience = 0;
  s.dropout = 0.3f;
  Trainer a(corpus(20), s);
  const double before = a.evaluate().loss;
  const std::unique_ptr<Trainer> same = a.twin("cross_entropy");  // same loss: must be the same run
  Settings plain = s;
  plain.dropout = 0;
  Trainer no_dropout(corpus(20), plain);
  for (int epoch = 0; epoch < 2; ++epoch) {
    EXPECT_EQ(a.epoch_order(), no_dropout.epoch_order()) << "dropout must not change the batches";
    a.step(1 << 30);
    same->step(1 << 30);
    no_dropout.step(1 << 30);
  }
  EXPECT_EQ(a.model().embed, same->model().embed);
  EXPECT_EQ(a.model().w2, same->model().w2);
  EXPECT_FALSE(a.model().w2.isApprox(no_dropout.model().w2));  // the masks did change the updates
  train_all(a);
  EXPECT_LT(a.evaluate().loss, before);
}

TEST(Trainer, ScheduleClippingDecayAndDirectConnectionsTrain) {
  Settings s = small("sgd");
  s.schedule = "cosine";
  s.warmup = 0.1f;
  s.clip = 1.0f;
  s.weight_decay = 1e-4f;
  s.direct = true;
  s.patience = 0;
  Trainer t(corpus(20), s);
  const int64_t total = t.schedule().total_steps;
  EXPECT_EQ(total, s.epochs * ((t.stats().train_examples + s.batch - 1) / s.batch));
  const double before = t.evaluate().loss;
  Progress p = t.step(1);
  EXPECT_NEAR(p.lr, s.lr / t.schedule().warmup_steps, 1e-6);  // the first warm-up step
  EXPECT_GT(p.grad_norm, 0);
  p = train_all(t);
  EXPECT_FALSE(p.diverged);
  EXPECT_LT(p.lr, 0.01f * s.lr);  // cosine has decayed to about zero
  EXPECT_EQ(t.model().w3.rows(), t.vocab().size());
  EXPECT_LT(t.evaluate().loss, 0.5 * before);
}

// ---- Output layers for large vocabularies (settings.softmax) ----

// Sentences over 60 words where each word is mostly followed by one other: structure a model with
// one context word can learn, and a unigram model cannot.
std::string chain_corpus(int sentences, uint64_t seed) {
  Rng rng(seed);
  std::string text;
  for (int s = 0; s < sentences; ++s) {
    int w = static_cast<int>(rng.below(60));
    for (int i = 0; i < 8; ++i) {
      text += "w" + std::to_string(w) + " ";
      w = rng.uniform() < 0.8f ? (w * 7 + 3) % 60 : static_cast<int>(rng.below(60));
    }
    text += ". ";
  }
  return text;
}

Settings softmax_settings(const std::string& softmax) {
  Settings s;
  s.context = 1;
  s.dim = 16;
  s.hidden = 32;
  s.batch = 32;
  s.epochs = 6;
  s.lr = 0.01f;
  s.softmax = softmax;
  s.samples = 20;
  return s;
}

// exp of the mean -log p(target) on the validation split, by brute force in double: the product of
// the path's sigmoids (hierarchical) or the full softmax over all V words (full and sampled).
double brute_force_perplexity(const Trainer& t) {
  const NextWordModel& m = t.model();
  const Examples& ex = t.valid_examples();
  Activations act;
  m.forward_features(ex.contexts.data(), static_cast<int>(ex.size()), act);
  const Matrix& f = m.features(act);
  double nll = 0;
  for (int64_t b = 0; b < ex.size(); ++b) {
    const int32_t target = ex.targets[b];
    auto z = [&](int32_t row) { return double(m.w2.row(row).dot(f.col(b).transpose())) + m.b2(row); };
    if (m.tree) {
      for (int i = 0; i < m.tree->path_length(target); ++i) {
        const double zn = z(m.tree->path_nodes(target)[i]);
        nll += std::log1p(std::exp(m.tree->path_codes(target)[i] ? -zn : zn));
      }
    } else {
      double sum = 0;
      for (int32_t w = 0; w < m.shape().vocab; ++w) sum += std::exp(z(w));
      nll += std::log(sum) - z(target);
    }
  }
  return std::exp(nll / double(ex.size()));
}

// The unigram model of the training counts (add-one), on the validation targets.
double unigram_perplexity(const Trainer& t) {
  const std::vector<int64_t>& counts = t.vocab().counts();
  double total = 0;
  for (int64_t c : counts) total += double(c + 1);
  double nll = 0;
  const Examples& ex = t.valid_examples();
  for (int64_t b = 0; b < ex.size(); ++b) nll -= std::log(double(counts[ex.targets[b]] + 1) / total);
  return std::exp(nll / double(ex.size()));
}

TEST(Trainer, HierarchicalAndSampledSoftmaxTrainAndReportExactPerplexity) {
  const std::string text = chain_corpus(600, 3);
  for (const char* softmax : {"hierarchical", "sampled"}) {
    Trainer t(text, softmax_settings(softmax));
    ASSERT_EQ(t.model().tree != nullptr, std::string(softmax) == "hierarchical");
    EXPECT_NEAR(t.evaluate().perplexity, brute_force_perplexity(t), 1e-3 * brute_force_perplexity(t)) << softmax;
    const double first_epoch = t.step(1 << 30).train_loss;
    Progress p;
    do p = t.step(1 << 30); while (!p.finished && !p.diverged);
    ASSERT_FALSE(p.diverged) << softmax;
    EXPECT_LT(p.train_loss, 0.8 * first_epoch) << softmax;
    const Evaluation ev = t.evaluate();
    EXPECT_NEAR(ev.perplexity, brute_force_perplexity(t), 1e-3 * ev.perplexity) << softmax;  // exact, not sampled
    EXPECT_DOUBLE_EQ(ev.perplexity, std::exp(ev.loss));
    EXPECT_LT(ev.perplexity, 0.5 * unigram_perplexity(t)) << softmax;
    EXPECT_GT(ev.accuracy, 0.5) << softmax;
  }
}

Ids sorted(Ids ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(Trainer, SparseSoftmaxStepsMoveOnlyTheOutputRowsTheyTouched) {
  for (const char* softmax : {"hierarchical", "sampled"}) {
    for (const char* opt : {"sgd", "adam"}) {
      Settings s = softmax_settings(softmax);
      s.optimizer = opt;
      s.weight_decay = 0.01f;  // decay too must reach only the touched rows
      s.batch = 2;
      Trainer t(chain_corpus(100, 5), s);
      t.step(1);  // one batch, so Adam's moments are non-zero for some rows afterwards
      const RowMatrix w2 = t.model().w2;
      const Vector b2 = t.model().b2;
      t.step(1);
      const Ids& touched = t.last_output_rows();
      ASSERT_FALSE(touched.empty());
      EXPECT_LT(touched.size(), size_t(w2.rows()) / 2) << softmax;  // two examples: a few rows of 62
      Ids changed;
      for (Eigen::Index r = 0; r < w2.rows(); ++r)
        if (t.model().w2.row(r) != w2.row(r) || t.model().b2(r) != b2(r)) changed.push_back(int32_t(r));
      EXPECT_EQ(changed, sorted(touched)) << softmax << " " << opt;
    }
  }
}

TEST(Trainer, SparseSoftmaxRefusesTheMseLossAndDirectConnections) {
  for (const char* softmax : {"hierarchical", "sampled"}) {
    Settings s = softmax_settings(softmax);
    s.loss = "mse";
    try {
      Trainer t(chain_corpus(50, 1), s);
      ADD_FAILURE() << "mse with " << softmax << " was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("needs softmax full"), std::string::npos) << e.what();
    }
    s.loss = "cross_entropy";
    s.direct = true;
    EXPECT_THROW(Trainer(chain_corpus(50, 1), s), InputError);
  }
  Trainer full(chain_corpus(50, 1), softmax_settings("full"));
  EXPECT_NO_THROW(full.twin("mse"));
  Trainer hierarchical(chain_corpus(50, 1), softmax_settings("hierarchical"));
  EXPECT_THROW(hierarchical.twin("mse"), InputError);
}

}  // namespace
}  // namespace embplay
