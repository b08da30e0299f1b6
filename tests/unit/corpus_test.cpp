// Corpus: one count of the tokens gives the vocabulary and every sentence's ids; held-out text is
// read with that vocabulary; word2vec trains on a corpus of any sequences, and on a text exactly
// as on the corpus made from it.
#include "corpus.h"

#include <gtest/gtest.h>

#include <string>

#include "dataset.h"
#include "geometry.h"
#include "word2vec.h"

namespace embplay {
namespace {

TEST(Corpus, OneCountGivesTheVocabularyAndEveryTokensId) {
  const std::vector<Sentence> sentences = {{"the", "cat", "sat"}, {"the", "dog"}, {"a", "cat", "the"}};
  const Corpus c = make_corpus(sentences, VocabOptions{2, 100});
  EXPECT_EQ(c.types, 5);  // the, cat, sat, dog, a
  const Vocab expected = Vocab::build(sentences, VocabOptions{2, 100});
  EXPECT_EQ(c.vocab.words(), expected.words());
  EXPECT_EQ(c.vocab.counts(), expected.counts());
  ASSERT_EQ(c.sentences.size(), 3);
  EXPECT_EQ(c.sentences.tokens(), 8);
  EXPECT_EQ(c.sentences.starts, (std::vector<int64_t>{0, 3, 5, 8}));
  const int32_t the = c.vocab.id("the"), cat = c.vocab.id("cat");
  EXPECT_EQ(c.sentences.ids, (Ids{the, cat, kUnkId, the, kUnkId, kUnkId, cat, the}));  // seen once: <unk>
  EXPECT_EQ(c.sentences.length(1), 2);
  EXPECT_EQ(c.sentences.sentence(2)[1], cat);
}

TEST(Corpus, HeldOutSentencesAreReadWithTheTrainingVocabulary) {
  const Corpus train = make_corpus({{"x", "y", "x"}}, VocabOptions{1, 100});
  const std::vector<Sentence> held_out = {{"x", "zebra"}, {"y"}};
  const IdSentences ids = read_ids(held_out, train.vocab);
  EXPECT_EQ(ids.ids, (Ids{train.vocab.id("x"), kUnkId, train.vocab.id("y")}));
  EXPECT_EQ(ids.size(), 2);
  // Examples from ids are the examples from the words.
  const Examples a = make_examples(ids, 2), b = make_examples(held_out, train.vocab, 2);
  EXPECT_EQ(a.contexts, b.contexts);
  EXPECT_EQ(a.targets, b.targets);
  EXPECT_EQ(read_ids({}, train.vocab).size(), 0);
}

TEST(Corpus, ReservedSpellingsAreNotCountedAsTypes) {
  const Corpus c = make_corpus({{"<unk>", "a", "<pad>", "a"}}, VocabOptions{1, 100});
  EXPECT_EQ(c.types, 1);
  EXPECT_EQ(c.vocab.size(), 3);
  EXPECT_EQ(c.vocab.count(kUnkId), 2);  // both are counted under <unk>
  EXPECT_EQ(c.sentences.ids, (Ids{kUnkId, c.vocab.id("a"), kPadId, c.vocab.id("a")}));
}

TEST(Corpus, Word2VecOnATextTrainsAsOnTheCorpusMadeFromIt) {
  std::string text;
  for (int i = 0; i < 60; ++i) text += "the quick fox jumps over the lazy dog. a dog sleeps. ";
  Word2VecOptions o;
  o.dim = 8, o.min_count = 2, o.epochs = 2;
  Word2VecTrainer from_text(text, o);
  Word2VecTrainer from_corpus(make_corpus(tokenize(text, o.tokenizer), VocabOptions{o.min_count, o.max_vocab}), o);
  while (!from_text.step(1000).finished) {
  }
  while (!from_corpus.step(1000).finished) {
  }
  EXPECT_EQ(from_text.vocab().words(), from_corpus.vocab().words());
  EXPECT_EQ(from_text.input(), from_corpus.input());
  EXPECT_EQ(from_text.stats().types, from_corpus.stats().types);
  EXPECT_EQ(from_text.stats().train_words, from_corpus.stats().train_words);
}

// Item sequences, as a shop's baskets would be: items of one aisle are bought together.
TEST(Corpus, Word2VecLearnsFromSequencesTokenisedElsewhere) {
  const std::vector<std::string> fruit = {"apple#1", "pear#2", "plum#3", "fig#4"};
  const std::vector<std::string> tools = {"saw#5", "drill#6", "hammer#7", "file#8"};
  Rng rng(3);
  std::vector<Sentence> baskets;
  for (int b = 0; b < 2000; ++b) {
    const auto& aisle = b % 2 ? fruit : tools;
    Sentence basket;
    for (int i = 0; i < 6; ++i) basket.push_back(aisle[rng.below(4)]);
    baskets.push_back(basket);
  }
  Word2VecOptions o;
  o.dim = 8, o.epochs = 3, o.sample = 0, o.window = 3;
  Word2VecTrainer t(make_corpus(baskets, VocabOptions{1, 100}), o);
  EXPECT_EQ(t.stats().sentences, 2000);
  EXPECT_EQ(t.vocab().size(), 10);  // the items keep their own spelling: nothing is re-tokenised
  while (!t.step(5000).finished) {
  }
  for (const auto* aisle : {&fruit, &tools}) {
    for (const std::string& item : *aisle) {
      const std::vector<Neighbor> n = nearest_neighbors(t.input(), t.vocab().id(item), 1);
      ASSERT_EQ(n.size(), 1u);
      const std::string& near = t.vocab().word(n[0].id);
      EXPECT_NE(std::find(aisle->begin(), aisle->end(), near), aisle->end()) << item << " -> " << near;
    }
  }
  EXPECT_THROW(Word2VecTrainer(make_corpus({}, VocabOptions{1, 100}), o), InputError);
}

}  // namespace
}  // namespace embplay
