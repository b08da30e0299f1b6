// Evaluation: Spearman against hand-computed values (ties included), analogies on planted vectors,
// the readers on the real sets in tests/data/eval, and the whole path from training to evaluation.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "evaluation.h"
#include "vectors_io.h"
#include "word2vec.h"

namespace embplay {
namespace {

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(EMBPLAY_TEST_DATA) + "/eval/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Spearman, AverageRanksShareTies) {
  EXPECT_EQ(average_ranks({10, 20, 20, 5}), (std::vector<double>{2, 3.5, 3.5, 1}));
  EXPECT_EQ(average_ranks({7, 7, 7}), (std::vector<double>{2, 2, 2}));
}

TEST(Spearman, MatchesHandComputedValues) {
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {9, 4, 1, 0}), -1.0);
  // y ranks with a tie: (1, 2, 3.5, 5, 3.5); deviations from 3: x (-2,-1,0,1,2), y (-2,-1,0.5,2,0.5):
  // rho = 8 / sqrt(10 * 9.5).
  EXPECT_NEAR(spearman({1, 2, 3, 4, 5}, {5, 6, 7, 8, 7}), 8 / std::sqrt(95.0), 1e-12);
  // No ties: 1 - 6 sum d^2 / (n (n^2 - 1)); ranks x (1..5), y (2,1,4,3,5): sum d^2 = 4 -> 0.8.
  EXPECT_NEAR(spearman({1, 2, 3, 4, 5}, {0.2, 0.1, 0.4, 0.3, 0.5}), 0.8, 1e-12);
  // Ties on both sides: x ranks (1.5,1.5,3,4), y ranks (1,2.5,2.5,4): devs x (-1,-1,.5,1.5), y (-1.5,0,0,1.5):
  // sxy = 1.5 + 0 + 0 + 2.25 = 3.75, sxx = 4.5, syy = 4.5 -> 0.8333...
  EXPECT_NEAR(spearman({1, 1, 2, 3}, {0, 5, 5, 9}), 3.75 / 4.5, 1e-12);
  EXPECT_TRUE(std::isnan(spearman({1}, {2})));
  EXPECT_TRUE(std::isnan(spearman({1, 1, 1}, {1, 2, 3})));
}

TEST(Analogy, FindsAPlantedAnswerAndExcludesTheQuestionWords) {
  // king - man + woman lands exactly on queen; "king" itself is even nearer the query but excluded.
  std::vector<std::string> words = {"<pad>", "King", "man", "woman", "queen", "apple", "paris"};
  RowMatrix v(7, 4);
  v << 0, 0, 0, 0,   // a zero row is never an answer
      1, 1, 0, 0,    // king = royal + male
      0, 1, 0, 0.1,  // man
      0, 0, 1, 0.1,  // woman
      1, 0, 1, 0,    // queen = royal + female
      0, 0, 0, 1,    // apple
      -1, 0, 0, 0;   // paris
  std::vector<AnalogySection> sections = {
      {"family", {{"man", "king", "woman", "queen"}, {"man", "KING", "woman", "apple"}, {"man", "kaiser", "woman", "queen"}}},
      {"gram-test", {{"man", "woman", "king", "queen"}}}};
  const AnalogyResult r = evaluate_analogies(words, v, sections);
  ASSERT_EQ(r.sections.size(), 2u);
  EXPECT_EQ(r.sections[0].total, 3);
  EXPECT_EQ(r.sections[0].covered, 2);  // "kaiser" is not covered
  EXPECT_EQ(r.sections[0].correct, 1);  // the answer is queen, not apple
  EXPECT_EQ(r.sections[1].correct, 1);  // woman - man + king = queen too
  EXPECT_EQ(r.semantic.covered, 2);
  EXPECT_EQ(r.syntactic.correct, 1);
  EXPECT_EQ(r.all.total, 4);
  EXPECT_NEAR(r.all.accuracy(), 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(r.all.coverage(), 0.75, 1e-12);
}

TEST(Similarity, CorrelatesCosinesWithScoresOverCoveredPairs) {
  std::vector<std::string> words = {"a", "b", "c", "d"};
  RowMatrix v(4, 2);
  v << 1, 0, 1, 0.1, 1, 1, 0, 1;  // cos(a,b) > cos(a,c) > cos(a,d)
  const std::vector<SimilarityPair> pairs = {{"a", "b", 9}, {"A", "c", 5}, {"a", "d", 1}, {"a", "zzz", 3}};
  const SimilarityScore s = evaluate_similarity(words, v, pairs);
  EXPECT_EQ(s.total, 4);
  EXPECT_EQ(s.covered, 3);
  EXPECT_DOUBLE_EQ(s.spearman, 1.0);
  EXPECT_DOUBLE_EQ(s.coverage(), 0.75);
}

TEST(EvalReaders, ParseTheRealSets) {
  const std::vector<AnalogySection> analogies = read_analogies(read_data("questions-words.txt"));
  ASSERT_EQ(analogies.size(), 14u);
  size_t questions = 0, semantic_sections = 0;
  for (const auto& s : analogies) {
    questions += s.questions.size();
    semantic_sections += s.name.rfind("gram", 0) != 0;
  }
  EXPECT_EQ(questions, 19544u);
  EXPECT_EQ(semantic_sections, 5u);
  EXPECT_EQ(analogies[0].name, "capital-common-countries");
  EXPECT_EQ(analogies[0].questions[0].d, "Iraq");
  const auto ws = read_similarity(read_data("wordsim353.tsv"));
  ASSERT_EQ(ws.size(), 353u);
  EXPECT_EQ(ws[0].a, "love");
  EXPECT_DOUBLE_EQ(ws[0].score, 6.77);
  EXPECT_EQ(read_similarity(read_data("simlex999.txt")).size(), 999u);
}

TEST(EvalReaders, ReportBadLines) {
  EXPECT_THROW(read_analogies(""), InputError);
  try {
    read_analogies(": s\na b c d\na b c\n");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "line 3: an analogy needs 4 words (a b c d), found 3");
  }
  try {
    read_similarity("# c\nx y 1\nx y z\n");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "line 3: expected two words and a score");
  }
}

}  // namespace
}  // namespace embplay

namespace embplay {
namespace {

// The whole path in the core: train word2vec, export in every format, read back, evaluate.
TEST(Pipeline, TrainExportReimportEvaluate) {
  std::string text;
  Rng rng(8);
  const char* a[] = {"cat", "dog", "horse", "cow"};
  const char* b[] = {"car", "bus", "train", "truck"};
  for (int s = 0; s < 1500; ++s) {
    const char** topic = s % 2 ? a : b;
    for (int w = 0; w < 6; ++w) text += std::string(topic[rng.below(4)]) + " ";
    text += ". ";
  }
  Word2VecOptions o;
  o.dim = 12, o.min_count = 1, o.epochs = 3, o.sample = 0;
  Word2VecTrainer t(text, o);
  while (!t.step(4000).finished) {
  }
  WordVectors v;
  v.words.assign(t.vocab().words().begin() + 2, t.vocab().words().end());
  v.vectors = t.input().bottomRows(t.vocab().size() - 2);
  const std::vector<SimilarityPair> pairs = {{"cat", "dog", 9}, {"car", "bus", 8}, {"cat", "car", 1}, {"dog", "truck", 2}};
  const double expected = evaluate_similarity(v.words, v.vectors, pairs).spearman;
  EXPECT_GT(expected, 0.5);
  for (VectorFormat f : {VectorFormat::kGlove, VectorFormat::kWord2VecText, VectorFormat::kWord2VecBinary, VectorFormat::kTsv}) {
    const std::string data = write_vectors(v, f);
    WordVectors back = read_vectors(data, detect_vector_format(data.data(), data.size()));
    if (f == VectorFormat::kTsv) attach_tsv_metadata(back, write_tsv_metadata(v));
    EXPECT_EQ(back.words, v.words);
    EXPECT_EQ(back.vectors, v.vectors);
    EXPECT_DOUBLE_EQ(evaluate_similarity(back.words, back.vectors, pairs).spearman, expected);
  }
}

}  // namespace
}  // namespace embplay
