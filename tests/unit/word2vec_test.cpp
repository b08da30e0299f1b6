// word2vec: the negative-sampling gradient against central differences, subsampling rates,
// planted structure learnt by both models, seeded runs repeat, bad options are named.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "geometry.h"
#include "schema_checks.h"
#include "word2vec.h"

namespace embplay {
namespace {

TEST(NegativeSampling, GradientsMatchCentralDifferences) {
  const int d = 6, k = 3;
  Rng rng(11);
  RowMatrix output(8, d);
  for (Eigen::Index i = 0; i < output.size(); ++i) output.data()[i] = rng.symmetric(1.0f);
  std::vector<float> h(d);
  for (float& x : h) x = rng.symmetric(1.0f);
  const int32_t target = 2;
  const int32_t negs[k] = {5, 0, 7};  // distinct rows, so the one-shot update is exactly -lr * grad

  // Analytic: update with lr = 1 gives grad_h = -dL/dh and moves each row by -dL/drow.
  RowMatrix moved = output;
  std::vector<float> grad_h(d, 0.0f);
  const float loss = NegativeSampling::update(h.data(), target, negs, k, 1.0f, moved, grad_h.data());
  EXPECT_NEAR(loss, NegativeSampling::loss(h.data(), target, negs, k, output), 1e-4);

  const float eps = 1e-2f;
  for (int j = 0; j < d; ++j) {  // dL/dh
    std::vector<float> hp = h, hm = h;
    hp[j] += eps, hm[j] -= eps;
    const double numeric = (NegativeSampling::loss(hp.data(), target, negs, k, output) -
                            NegativeSampling::loss(hm.data(), target, negs, k, output)) / (2 * eps);
    EXPECT_NEAR(-grad_h[j], numeric, 1e-3) << "h[" << j << "]";
  }
  for (int32_t row : {target, negs[0], negs[1], negs[2], int32_t{1}}) {  // dL/drow; row 1 is untouched
    for (int j = 0; j < d; ++j) {
      RowMatrix op = output, om = output;
      op(row, j) += eps, om(row, j) -= eps;
      const double numeric = (NegativeSampling::loss(h.data(), target, negs, k, op) -
                              NegativeSampling::loss(h.data(), target, negs, k, om)) / (2 * eps);
      EXPECT_NEAR(output(row, j) - moved(row, j), numeric, 1e-3) << "row " << row << " col " << j;
    }
  }
}

TEST(NegativeSampling, NoiseFollowsCountsToThePowerThreeQuarters) {
  const std::vector<int64_t> counts = {0, 0, 1000, 100, 10, 1};
  const NegativeSampling ns(counts);
  double sum = 0;
  for (int64_t c : counts) sum += std::pow(double(c), 0.75);
  Rng rng(5);
  std::vector<int> seen(counts.size(), 0);
  std::vector<int32_t> negs(5);
  for (int i = 0; i < 100000; ++i) {
    ns.draw(/*target=*/-1, 5, rng, negs.data());
    for (int32_t n : negs) ++seen[n];
  }
  EXPECT_EQ(seen[0] + seen[1], 0);
  for (size_t i = 2; i < counts.size(); ++i)
    EXPECT_NEAR(seen[i] / 500000.0, std::pow(double(counts[i]), 0.75) / sum, 3e-3) << i;
  // The target itself is redrawn.
  for (int i = 0; i < 1000; ++i) {
    ns.draw(2, 5, rng, negs.data());
    for (int32_t n : negs) EXPECT_NE(n, 2);
  }
}

TEST(Subsampling, KeepsTheExpectedFraction) {
  EXPECT_DOUBLE_EQ(keep_probability(10, 1000000, 1e-4), 1.0);  // rare words are always kept
  EXPECT_DOUBLE_EQ(keep_probability(500, 1000, 0), 1.0);       // t = 0 turns it off
  const double f = 0.05, t = 1e-4;
  EXPECT_NEAR(keep_probability(50000, 1000000, t), std::sqrt(t / f) + t / f, 1e-12);

  // A text where "the" is half of all words: it is kept at the formula's rate.
  std::string text;
  for (int i = 0; i < 4000; ++i) text += "the w" + std::to_string(i % 400) + " ";
  Word2VecOptions o;
  o.dim = 4, o.min_count = 1, o.epochs = 1, o.sample = 1e-3;
  Word2VecTrainer t2(text, o);
  const double p_the = keep_probability(4000, 8000, 1e-3), p_w = keep_probability(10, 8000, 1e-3);
  EXPECT_NEAR(p_the, std::sqrt(1e-3 / 0.5) + 1e-3 / 0.5, 1e-12);
  // Pairs trained in one epoch of one sentence of 8000 words: every kept word pairs with its
  // neighbours, so the kept fraction shows in the number of pairs: about kept * 2 * E[b] per word.
  t2.step(1 << 30);
  const double kept = 4000 * p_the + 4000 * p_w;
  const double expected_pairs = kept * 2 * 3.0;  // E[b] = (1 + 5) / 2
  EXPECT_NEAR(t2.progress().pairs_trained / expected_pairs, 1.0, 0.05);
}

// Two topics that never share a sentence: animals and vehicles. Words of one topic must end up
// nearer each other than words of the other.
std::string planted_corpus() {
  const char* animals[] = {"cat", "dog", "horse", "cow", "sheep", "goat"};
  const char* vehicles[] = {"car", "bus", "train", "truck", "plane", "boat"};
  Rng rng(42);
  std::string text;
  for (int s = 0; s < 3000; ++s) {
    const char** topic = s % 2 ? animals : vehicles;
    for (int w = 0; w < 8; ++w) text += std::string(topic[rng.below(6)]) + " ";
    text += ". ";
  }
  return text;
}

float cosine(const RowMatrix& m, int32_t a, int32_t b) {
  return m.row(a).dot(m.row(b)) / (m.row(a).norm() * m.row(b).norm());
}

void expect_topics_separate(const Word2VecOptions& o) {
  Word2VecTrainer t(planted_corpus(), o);
  Word2VecProgress p;
  do p = t.step(5000); while (!p.finished);
  const Vocab& v = t.vocab();
  const RowMatrix& m = t.input();
  EXPECT_EQ(m.rows(), v.size());
  EXPECT_EQ(m.cols(), o.dim);
  EXPECT_TRUE(m.allFinite());
  for (const auto& [same, other] : {std::pair{"dog", "bus"}, std::pair{"car", "cow"}}) {
    const char* partner = std::string(same) == "dog" ? "cat" : "truck";
    EXPECT_GT(cosine(m, v.id(same), v.id(partner)), cosine(m, v.id(same), v.id(other)) + 0.2)
        << o.model << ": " << same << " vs " << partner << " / " << other;
  }
  // And the nearest neighbour of every animal is an animal.
  for (const char* a : {"cat", "dog", "horse"}) {
    const std::vector<Neighbor> n = nearest_neighbors(m, v.id(a), 1);
    ASSERT_EQ(n.size(), 1u);
    const std::string near = v.word(n[0].id);
    EXPECT_TRUE(near == "cat" || near == "dog" || near == "horse" || near == "cow" || near == "sheep" ||
                near == "goat")
        << o.model << ": " << a << " -> " << near;
  }
}

TEST(Word2Vec, SkipGramLearnsPlantedTopics) {
  Word2VecOptions o;
  o.dim = 16, o.min_count = 1, o.epochs = 3, o.sample = 0;
  expect_topics_separate(o);
}

TEST(Word2Vec, CbowLearnsPlantedTopics) {
  Word2VecOptions o;
  o.model = "cbow";
  o.dim = 16, o.min_count = 1, o.epochs = 3, o.sample = 0;
  expect_topics_separate(o);
}

TEST(Word2Vec, LossFallsAndLearningRateDecays) {
  Word2VecOptions o;
  o.dim = 16, o.min_count = 1, o.epochs = 4, o.sample = 0;
  Word2VecTrainer t(planted_corpus(), o);
  std::vector<double> losses;
  Word2VecProgress p;
  do {
    p = t.step(1 << 30);
    if (p.epoch_end) losses.push_back(p.loss);
  } while (!p.finished);
  ASSERT_EQ(losses.size(), 4u);
  EXPECT_LT(losses.back(), losses.front());
  EXPECT_LT(p.lr, 0.3 * 0.025);
  EXPECT_EQ(p.words_processed, p.words_total);
  EXPECT_EQ(p.words_total, 4 * t.stats().train_words);
}

TEST(Word2Vec, EachStepReportsItsWordsAndTheLossSumOfItsPairs) {
  Word2VecOptions o;
  o.dim = 8, o.min_count = 1, o.epochs = 2, o.sample = 0;  // every sentence keeps its pairs
  Word2VecTrainer t(planted_corpus(), o);
  int64_t words = 0, pairs = 0;
  double sum = 0;
  Word2VecProgress p;
  do {
    p = t.step(2000);
    EXPECT_GE(p.words, 2000);  // whole sentences, at least the budget unless the epoch ends
    words += p.words, pairs += p.loss_count, sum += p.loss_sum;
    EXPECT_EQ(pairs, p.pairs_trained);
    EXPECT_NEAR(sum / pairs, p.loss, 1e-9 * p.loss);  // the epoch's mean per update so far
    EXPECT_GT(p.lr, 0);
  } while (!p.epoch_end);
  EXPECT_EQ(words, t.stats().train_words);
  p = t.step(1);
  EXPECT_GT(p.words, 0);
  EXPECT_NEAR(p.loss_sum / p.loss_count, p.loss, 1e-9 * p.loss);
}

TEST(Word2Vec, SameSeedSameVectorsOtherSeedOther) {
  Word2VecOptions o;
  o.dim = 8, o.min_count = 1, o.epochs = 1;
  auto run = [](const Word2VecOptions& opt) {
    Word2VecTrainer t(planted_corpus(), opt);
    while (!t.step(777).finished) {
    }
    return t.input();
  };
  const RowMatrix a = run(o), b = run(o);
  EXPECT_EQ(a, b);
  o.seed = 2;
  EXPECT_NE(a, run(o));
}

TEST(Word2Vec, ReservedRowsStayZeroAndRareWordsAreDropped) {
  Word2VecOptions o;
  o.dim = 8, o.min_count = 5;
  Word2VecTrainer t(planted_corpus() + " unicorn unicorn", o);
  EXPECT_FALSE(t.vocab().contains("unicorn"));
  while (!t.step(10000).finished) {
  }
  EXPECT_EQ(t.input().row(kPadId).norm(), 0.0f);
  EXPECT_EQ(t.input().row(kUnkId).norm(), 0.0f);
  EXPECT_EQ(t.stats().train_words, 3000 * 8);
}

TEST(Word2Vec, BadOptionsAreNamed) {
  const std::string text = planted_corpus();
  auto message = [&](Word2VecOptions o) {
    try {
      Word2VecTrainer t(text, o);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  Word2VecOptions o;
  o.model = "glove";
  EXPECT_NE(message(o).find("model"), std::string::npos);
  o = {}, o.dim = 0;
  EXPECT_EQ(message(o), "word2vec option dim must be a whole number from 1 to 1000, not 0");
  o = {}, o.window = 0;
  EXPECT_NE(message(o).find("window"), std::string::npos);
  o = {}, o.negative = 0;
  EXPECT_NE(message(o).find("negative"), std::string::npos);
  o = {}, o.sample = -1;
  EXPECT_NE(message(o).find("sample"), std::string::npos);
  o = {}, o.lr = -0.1f;
  EXPECT_NE(message(o).find("lr"), std::string::npos);
  o = {}, o.min_count = 100000;
  EXPECT_NE(message(o).find("min_count"), std::string::npos);
  EXPECT_THROW(Word2VecTrainer("", Word2VecOptions{}), InputError);
  EXPECT_FLOAT_EQ(starting_lr(Word2VecOptions{}), 0.025f);
  Word2VecOptions c;
  c.model = "cbow";
  EXPECT_FLOAT_EQ(starting_lr(c), 0.05f);
}

// Sentences of ids (item2vec's baskets) given as a corpus: every pair of a sentence trained when
// the window is the whole sentence, neighbours only with window 1.
TEST(Word2Vec, WholeWindowsTrainEveryPairOfASentence) {
  Corpus corpus;
  corpus.vocab = Vocab::from_words({Vocab::pad_word(), Vocab::unk_word(), "a", "b", "c", "d", "e", "f", "g", "h"},
                                   {0, 0, 2, 1, 1, 1, 1, 1, 1, 2});
  corpus.sentences.ids = {2, 3, 4, 5, 6, 7, 8, 9, 2, 9};
  corpus.sentences.starts = {0, 8, 10};
  Word2VecOptions o;
  o.dim = 8, o.window = 1, o.sample = 0, o.epochs = 3;
  o.whole_window = true;
  Word2VecTrainer whole(corpus, o);
  EXPECT_EQ(whole.stats().train_words, 10);
  EXPECT_EQ(whole.vocab().word(5), "d");
  while (!whole.step(100).finished) {
  }
  EXPECT_EQ(whole.progress().pairs_trained, 3 * (8 * 7 + 2 * 1));  // every ordered pair of each sentence
  o.whole_window = false;  // window 1: neighbours only
  Word2VecTrainer narrow(corpus, o);
  while (!narrow.step(100).finished) {
  }
  EXPECT_EQ(narrow.progress().pairs_trained, 3 * (2 * 7 + 2 * 1));
  EXPECT_TRUE(whole.input().row(kPadId).isZero() && whole.input().row(kUnkId).isZero());
}

TEST(Word2VecOptions, EveryRangeIsCheckedAtBothEnds) {
  expect_schema_checked_at_both_ends(word2vec_schema(), [](const nlohmann::json& j) { word2vec_options_from_json(j); },
                                     word2vec_options_to_json(Word2VecOptions{}));
}

TEST(Word2VecOptions, OneTableForSchemaJsonAndFlags) {
  const nlohmann::json schema = word2vec_schema();
  std::vector<std::string> names;
  for (const auto& f : schema) names.push_back(f["name"]);
  for (const char* n : {"model", "dim", "window", "negative", "min_count", "epochs", "lr", "sample", "seed"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  EXPECT_EQ(schema[1]["default"], 100);

  Word2VecOptions o = word2vec_options_from_json({{"model", "cbow"}, {"dim", 64}, {"sample", 0.001}});
  EXPECT_EQ(o.model, "cbow");
  EXPECT_EQ(o.dim, 64);
  EXPECT_EQ(o.window, 5);  // absent: default
  const Word2VecOptions back = word2vec_options_from_json(word2vec_options_to_json(o));
  EXPECT_EQ(word2vec_options_to_json(back), word2vec_options_to_json(o));

  set_word2vec_option(o, "negative", "10");
  set_word2vec_option(o, "lowercase", "false");
  EXPECT_EQ(o.negative, 10);
  EXPECT_FALSE(o.tokenizer.lowercase);
  EXPECT_THROW(set_word2vec_option(o, "dim", "abc"), InputError);
  EXPECT_THROW(set_word2vec_option(o, "dim", "2.5"), InputError);
  EXPECT_THROW(set_word2vec_option(o, "dimm", "3"), InputError);
  EXPECT_THROW(word2vec_options_from_json({{"model", "glove"}}), InputError);
}

}  // namespace
}  // namespace embplay
