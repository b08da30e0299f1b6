// Examples and splits: padding at every sentence start, contexts in order, held-out sentences.
#include <gtest/gtest.h>

#include <set>

#include "dataset.h"

namespace embplay {
namespace {

TEST(Dataset, PadsTheFirstWordsOfEverySentence) {
  const std::vector<Sentence> sentences = {{"the", "cat", "sat"}, {"a", "dog"}};
  const Vocab vocab = Vocab::build(sentences, {});
  const int32_t the = vocab.id("the"), cat = vocab.id("cat"), sat = vocab.id("sat"), a = vocab.id("a"),
                dog = vocab.id("dog");
  const Examples ex = make_examples(sentences, vocab, 2);
  ASSERT_EQ(ex.size(), 5);
  EXPECT_EQ(ex.targets, (Ids{the, cat, sat, a, dog}));
  EXPECT_EQ(ex.contexts, (Ids{kPadId, kPadId, kPadId, the, the, cat, kPadId, kPadId, kPadId, a}));
}

TEST(Dataset, UnknownWordsBecomeUnk) {
  const Vocab vocab = Vocab::build({{"x", "x", "y"}}, {});
  const Examples ex = make_examples({{"x", "zebra"}}, vocab, 1);
  EXPECT_EQ(ex.targets, (Ids{vocab.id("x"), kUnkId}));
  EXPECT_EQ(ex.contexts, (Ids{kPadId, vocab.id("x")}));
}

TEST(Dataset, ATypedContextIsReadLikeAnExample) {
  const std::vector<Sentence> sentences = {{"the", "cat", "sat"}};
  const Vocab vocab = Vocab::build(sentences, {});
  const int32_t the = vocab.id("the"), cat = vocab.id("cat"), sat = vocab.id("sat");
  EXPECT_EQ(context_ids(vocab, {}, 2), (Ids{kPadId, kPadId}));                 // a sentence start
  EXPECT_EQ(context_ids(vocab, {"cat"}, 2), (Ids{kPadId, cat}));               // padded on the left
  EXPECT_EQ(context_ids(vocab, {"the", "cat", "sat"}, 2), (Ids{cat, sat}));    // the last k words
  EXPECT_EQ(context_ids(vocab, {"the", "zebra"}, 3), (Ids{kPadId, the, kUnkId}));
  // Each example's context is what context_ids() reads from the words before its target.
  const Examples ex = make_examples(sentences, vocab, 2);
  for (int64_t i = 0; i < ex.size(); ++i) {
    const std::vector<std::string> before(sentences[0].begin(), sentences[0].begin() + i);
    EXPECT_EQ(context_ids(vocab, before, 2), Ids(ex.contexts.begin() + 2 * i, ex.contexts.begin() + 2 * i + 2)) << i;
  }
}

std::vector<Sentence> numbered(int n) {
  std::vector<Sentence> sentences;
  for (int i = 0; i < n; ++i) sentences.push_back({"s" + std::to_string(i)});
  return sentences;
}

TEST(Dataset, BlocksHoldOutTheLastSentencesInOrder) {
  const Split split = split_sentences(numbered(20), 0.1f, 0.1f, "blocks", 1);
  ASSERT_EQ(split.train.size(), 16u);
  ASSERT_EQ(split.valid.size(), 2u);
  ASSERT_EQ(split.test.size(), 2u);
  EXPECT_EQ(split.train[15][0], "s15");
  EXPECT_EQ(split.valid[0][0], "s16");
  EXPECT_EQ(split.test[1][0], "s19");
  EXPECT_TRUE(split.notice.empty());
  // The old behaviour: only the last sentences held out, for validation.
  const Split old = split_sentences(numbered(20), 0.1f, 0.0f, "blocks", 1);
  EXPECT_EQ(old.valid.size(), 2u);
  EXPECT_EQ(old.valid[0][0], "s18");
  EXPECT_TRUE(old.test.empty());
  EXPECT_EQ(split_sentences(numbered(20), 0.0f, 0.0f, "blocks", 1).train.size(), 20u);
  EXPECT_EQ(split_sentences(numbered(12), 0.01f, 0.01f, "blocks", 1).test.size(), 1u);  // at least one
}

TEST(Dataset, ShuffleIsSeededAndKeepsEverySentenceOnce) {
  const Split a = split_sentences(numbered(100), 0.1f, 0.1f, "shuffle", 7);
  const Split b = split_sentences(numbered(100), 0.1f, 0.1f, "shuffle", 7);
  const Split c = split_sentences(numbered(100), 0.1f, 0.1f, "shuffle", 8);
  EXPECT_EQ(a.test, b.test);
  EXPECT_NE(a.test, c.test);
  ASSERT_EQ(a.train.size(), 80u);
  ASSERT_EQ(a.valid.size(), 10u);
  ASSERT_EQ(a.test.size(), 10u);
  std::set<std::string> all;
  for (const auto* part : {&a.train, &a.valid, &a.test})
    for (const auto& s : *part) all.insert(s[0]);
  EXPECT_EQ(all.size(), 100u);
  // Not simply the last ten.
  EXPECT_NE(a.test, split_sentences(numbered(100), 0.1f, 0.1f, "blocks", 7).test);
}

TEST(Dataset, TooFewSentencesTrainOnAllWithANotice) {
  const Split split = split_sentences(numbered(kMinSentencesToSplit - 1), 0.1f, 0.1f, "shuffle", 1);
  EXPECT_EQ(split.train.size(), kMinSentencesToSplit - 1);
  EXPECT_TRUE(split.valid.empty());
  EXPECT_TRUE(split.test.empty());
  EXPECT_NE(split.notice.find("too few"), std::string::npos) << split.notice;
}

}  // namespace
}  // namespace embplay
