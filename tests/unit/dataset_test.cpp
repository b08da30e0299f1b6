// Examples and splits: padding at every sentence start, contexts in order, held-out sentences.
#include <gtest/gtest.h>

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

TEST(Dataset, HoldsOutTheLastSentences) {
  std::vector<Sentence> sentences;
  for (int i = 0; i < 20; ++i) sentences.push_back({"s" + std::to_string(i)});
  const Split split = split_sentences(sentences, 0.1f);
  ASSERT_EQ(split.train.size(), 18u);
  ASSERT_EQ(split.valid.size(), 2u);
  EXPECT_EQ(split.valid[0][0], "s18");
  EXPECT_EQ(split_sentences({{"a"}, {"b"}}, 0.1f).valid.size(), 1u);  // at least one
  EXPECT_EQ(split_sentences({{"a"}}, 0.1f).valid.size(), 0u);        // never all of them
  EXPECT_EQ(split_sentences(sentences, 0.0f).valid.size(), 0u);
}

}  // namespace
}  // namespace embplay
