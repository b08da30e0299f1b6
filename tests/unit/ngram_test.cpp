// The Kneser-Ney yardstick: distributions that sum to one, hand-computed bigram values, and a
// perplexity that is finite on unseen text and lower on the text it was trained on.
#include <gtest/gtest.h>

#include <cmath>

#include "ngram.h"

namespace embplay {
namespace {

std::vector<Sentence> sentences_of(const std::string& text) { return tokenize(text, {}); }

TEST(KneserNey, ProbabilitiesSumToOneForSeenAndUnseenContexts) {
  const auto train = sentences_of(
      "the cat sat on the mat. the dog sat on the rug. a cat ate the fish. a dog ate the bone. "
      "the cat saw a dog. my dog ate my fish. the rug was on the mat.");
  VocabOptions options;
  options.min_count = 1;
  const Vocab vocab = Vocab::build(train, options);
  const int V = vocab.size();
  Rng rng(5);
  for (int order = 2; order <= 5; ++order) {
    const KneserNey kn(train, vocab, order);
    std::vector<Ids> contexts = {{}, {kPadId}, {kPadId, kPadId, kPadId, kPadId}, {kUnkId, kUnkId, kUnkId, kUnkId},
                                 {vocab.id("the"), vocab.id("cat")}, {vocab.id("sat"), vocab.id("on"), vocab.id("the")},
                                 {vocab.id("fish"), vocab.id("fish"), vocab.id("fish"), vocab.id("fish")}};
    for (int i = 0; i < 20; ++i) {  // random contexts: mostly unseen at the higher orders
      Ids c(4);
      for (auto& id : c) id = static_cast<int32_t>(rng.below(static_cast<uint32_t>(V)));
      contexts.push_back(c);
    }
    for (const Ids& c : contexts) {
      double sum = 0;
      for (int32_t w = 0; w < V; ++w) {
        const double p = kn.probability(c, w);
        EXPECT_GT(p, 0);
        sum += p;
      }
      EXPECT_NEAR(sum, 1.0, 1e-9) << "order " << order << " context size " << c.size();
    }
    for (int n = 1; n <= order; ++n) {
      EXPECT_GT(kn.discount(n), 0) << n;
      EXPECT_LE(kn.discount(n), 1) << n;
    }
  }
}

// Sentences "a b", "a c", "b a"; V = 5 (<pad>, <unk>, a, b, c).
//   bigram counts: (pad a) 2, (pad b) 1, (a b) 1, (a c) 1, (b a) 1  ->  n1 = 4, n2 = 1, D2 = 4/6 = 2/3
//   unigram continuation counts N1+(. w): a {pad, b} 2, b {pad, a} 2, c {a} 1, total 5
//     -> n1 = 1, n2 = 2, D1 = 1/5
//   p1(a) = (2 - 0.2)/5 + 0.2 * 3/5 * 1/5 = 0.384 = p1(b);  p1(c) = 0.8/5 + 0.024 = 0.184;  p1(pad) = 0.024
//   p(b | a)   = (1 - 2/3)/2 + (2/3)(2/2) p1(b)   = 1/6 + 0.256
//   p(a | pad) = (2 - 2/3)/3 + (2/3)(2/3) p1(a)   = 4/9 + 0.17066...
//   p(c | b)   = 0 + (2/3)(1/1) p1(c)              = 0.122666...
//   p(a | c)   = p1(a): c was never a history
TEST(KneserNey, BigramValuesByHand) {
  const std::vector<Sentence> train = {{"a", "b"}, {"a", "c"}, {"b", "a"}};
  VocabOptions options;
  options.min_count = 1;
  const Vocab vocab = Vocab::build(train, options);
  ASSERT_EQ(vocab.size(), 5);
  const int32_t a = vocab.id("a"), b = vocab.id("b"), c = vocab.id("c");
  const KneserNey kn(train, vocab, 2);
  EXPECT_NEAR(kn.discount(2), 2.0 / 3.0, 1e-6);
  EXPECT_NEAR(kn.discount(1), 0.2, 1e-6);
  EXPECT_NEAR(kn.probability({a}, b), 1.0 / 6.0 + 2.0 / 3.0 * 0.384, 1e-6);
  EXPECT_NEAR(kn.probability({kPadId}, a), 4.0 / 9.0 + 4.0 / 9.0 * 0.384, 1e-6);
  EXPECT_NEAR(kn.probability({}, a), 4.0 / 9.0 + 4.0 / 9.0 * 0.384, 1e-6);  // an empty context is a sentence start
  EXPECT_NEAR(kn.probability({b}, c), 2.0 / 3.0 * 0.184, 1e-6);
  EXPECT_NEAR(kn.probability({c}, a), 0.384, 1e-6);
  EXPECT_NEAR(kn.probability({c}, kPadId), 0.024, 1e-6);

  // Perplexity of the training sentences themselves, from the same values.
  const Examples ex = make_examples(train, vocab, 1);
  double nll = 0;
  for (int64_t i = 0; i < ex.size(); ++i) nll -= std::log(kn.probability(&ex.contexts[i], 1, ex.targets[i]));
  EXPECT_NEAR(kn.perplexity(ex), std::exp(nll / 6), 1e-9);
}

TEST(KneserNey, HigherOrdersFitTrainingTextBetterAndHeldOutTextStaysFinite) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += "the cat sat on the mat. the dog sat on the rug. a cat ate the fish. ";
  const auto train = sentences_of(text);
  const Vocab vocab = Vocab::build(train, {});
  const auto held_out = sentences_of("the zebra sat on the fish. a dog ate the mat.");
  double last = 1e9;
  for (int order = 2; order <= 4; ++order) {
    const KneserNey kn(train, vocab, order);
    const double on_train = kn.perplexity(make_examples(train, vocab, order - 1));
    EXPECT_LT(on_train, last + 1e-9) << order;
    last = on_train;
    const double on_held_out = kn.perplexity(make_examples(held_out, vocab, order - 1));
    EXPECT_TRUE(std::isfinite(on_held_out));
    EXPECT_GT(on_held_out, on_train);
  }
}

}  // namespace
}  // namespace embplay
