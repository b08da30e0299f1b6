// Tests for the vocabulary: reserved ids, ordering by count then bytes, min_count and the size cap,
// the <unk> count, option validation, and the from_words round trip with its errors.
#include "vocab.h"

#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "common.h"
#include "tokenizer.h"

namespace embplay {
namespace {

using Sentences = std::vector<Sentence>;
using Words = std::vector<std::string>;
using Counts = std::vector<int64_t>;

VocabOptions opts(int min_count, int max_size) {
  VocabOptions o;
  o.min_count = min_count;
  o.max_size = max_size;
  return o;
}

// a:4 b:3 c:2 d:2 e:1, 12 tokens.
const Sentences kText = {{"b", "a", "c", "a"}, {"d", "a", "b"}, {"e", "c", "a", "d", "b"}};

TEST(Vocab, DefaultHoldsOnlyReservedWords) {
  const Vocab v;
  EXPECT_EQ(v.size(), 2);
  EXPECT_EQ(v.word(kPadId), "<pad>");
  EXPECT_EQ(v.word(kUnkId), "<unk>");
  EXPECT_EQ(v.id("<pad>"), kPadId);
  EXPECT_EQ(v.id("anything"), kUnkId);
  EXPECT_FALSE(v.contains("anything"));
}

TEST(Vocab, OrdersByDescendingCountThenBytes) {
  const Vocab v = Vocab::build(kText, VocabOptions{});
  EXPECT_EQ(v.words(), (Words{"<pad>", "<unk>", "a", "b", "c", "d", "e"}));
  EXPECT_EQ(v.counts(), (Counts{0, 0, 4, 3, 2, 2, 1}));
  for (int32_t i = 0; i < v.size(); ++i) EXPECT_EQ(v.id(v.word(i)), i);
}

TEST(Vocab, TiesAreBrokenByByteOrder) {
  // Byte order: "Z" (0x5A) < "a" (0x61) < "z" < "é" (0xC3 ...) < "😀" (0xF0 ...).
  const Vocab v = Vocab::build({{"😀", "é", "z", "a", "Z"}}, VocabOptions{});
  EXPECT_EQ(v.words(), (Words{"<pad>", "<unk>", "Z", "a", "z", "é", "😀"}));
}

TEST(Vocab, SameWordsInAnyOrderGiveSameIds) {
  Sentences shuffled = kText;
  Rng rng(7);
  for (Sentence& s : shuffled) rng.shuffle(s);
  rng.shuffle(shuffled);
  EXPECT_EQ(Vocab::build(shuffled, VocabOptions{}).words(),
            Vocab::build(kText, VocabOptions{}).words());
}

TEST(Vocab, MinCountSendsRareWordsToUnk) {
  const Vocab v = Vocab::build(kText, opts(3, 5000));
  EXPECT_EQ(v.words(), (Words{"<pad>", "<unk>", "a", "b"}));
  EXPECT_EQ(v.id("c"), kUnkId);
  EXPECT_FALSE(v.contains("e"));
  EXPECT_EQ(v.count(kUnkId), 2 + 2 + 1);  // c, d, e
  EXPECT_EQ(v.count(kPadId), 0);
}

TEST(Vocab, MaxSizeCapsWordsNotCountingReserved) {
  const Vocab v = Vocab::build(kText, opts(1, 3));
  EXPECT_EQ(v.size(), 2 + 3);
  // c and d tie at 2; the cap keeps c by byte order.
  EXPECT_EQ(v.words(), (Words{"<pad>", "<unk>", "a", "b", "c"}));
  EXPECT_EQ(v.count(kUnkId), 2 + 1);  // d, e
}

TEST(Vocab, CountsSumToTokensAndUnkCountMatchesMappedTokens) {
  // Property over a seeded Zipf-like corpus: every token is counted once, either under its own
  // word or under <unk>, and the <unk> count is exactly the tokens that id() maps to <unk>.
  Rng rng(3);
  Sentences text(200);
  int64_t total = 0;
  for (Sentence& s : text) {
    const uint32_t len = 1 + rng.below(20);
    for (uint32_t k = 0; k < len; ++k) {
      const uint32_t r = rng.below(300);
      s.push_back("w" + std::to_string(r * r / 300));  // small ids are frequent
    }
    total += len;
  }
  for (const VocabOptions o : {opts(1, 5000), opts(2, 5000), opts(1, 10), opts(4, 25)}) {
    const Vocab v = Vocab::build(text, o);
    EXPECT_LE(v.size(), 2 + o.max_size);
    EXPECT_EQ(std::accumulate(v.counts().begin(), v.counts().end(), int64_t{0}), total);
    int64_t unk = 0;
    for (const Sentence& s : text)
      for (const std::string& t : s) unk += v.id(t) == kUnkId;
    EXPECT_EQ(v.count(kUnkId), unk);
    for (int32_t i = 3; i < v.size(); ++i) {
      EXPECT_GE(v.count(i), o.min_count);
      EXPECT_GE(v.count(i - 1), v.count(i));
    }
  }
}

TEST(Vocab, EmptyTextGivesReservedWordsOnly) {
  const Vocab v = Vocab::build({}, VocabOptions{});
  EXPECT_EQ(v.words(), (Words{"<pad>", "<unk>"}));
  EXPECT_EQ(v.counts(), (Counts{0, 0}));
}

TEST(Vocab, LiteralReservedSpellingsAreNotWords) {
  // Not producible by the tokenizer, but sentences may come from elsewhere.
  const Vocab v = Vocab::build({{"<unk>", "x", "<pad>", "x"}}, VocabOptions{});
  EXPECT_EQ(v.words(), (Words{"<pad>", "<unk>", "x"}));
  EXPECT_EQ(v.count(kUnkId), 2);
}

TEST(Vocab, BuildRejectsOptionsOutOfRange) {
  EXPECT_THROW(Vocab::build(kText, opts(0, 100)), std::invalid_argument);
  EXPECT_THROW(Vocab::build(kText, opts(1000001, 100)), std::invalid_argument);
  EXPECT_THROW(Vocab::build(kText, opts(1, 0)), std::invalid_argument);
  EXPECT_THROW(Vocab::build(kText, opts(1, -5)), std::invalid_argument);
  EXPECT_NO_THROW(Vocab::build(kText, opts(1000000, 1)));
}

TEST(Vocab, FromWordsRoundTrips) {
  const Vocab v = Vocab::build(tokenize("The cat sat. The dog sat on the cat!"), opts(1, 3));
  const Vocab w = Vocab::from_words(v.words(), v.counts());
  EXPECT_EQ(w.words(), v.words());
  EXPECT_EQ(w.counts(), v.counts());
  for (const char* word : {"the", "cat", "sat", "dog", "on", "<pad>", "<unk>"}) {
    EXPECT_EQ(w.id(word), v.id(word)) << word;
  }
  EXPECT_EQ(v.words(), (Words{"<pad>", "<unk>", "the", "cat", "sat"}));
  EXPECT_EQ(v.count(kUnkId), 2);  // dog, on
}

TEST(Vocab, FromWordsRejectsBadInput) {
  const auto throws_mentioning = [](Words words, Counts counts, const std::string& needle) {
    try {
      Vocab::from_words(std::move(words), std::move(counts));
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
      return;
    }
    ADD_FAILURE() << "no exception; expected one mentioning " << needle;
  };
  throws_mentioning({}, {}, "<pad>");
  throws_mentioning({"<pad>"}, {0}, "<unk>");
  throws_mentioning({"<unk>", "<pad>", "a"}, {0, 0, 1}, "<pad>");
  throws_mentioning({"<pad>", "a", "<unk>"}, {0, 1, 0}, "<unk>");
  throws_mentioning({"<pad>", "<unk>", "a"}, {0, 0}, "counts");
  throws_mentioning({"<pad>", "<unk>", "a", "b", "a"}, {0, 0, 3, 2, 1}, "\"a\" appears twice");
  throws_mentioning({"<pad>", "<unk>", "a", "<unk>"}, {0, 0, 3, 1}, "twice");
  throws_mentioning({"<pad>", "<unk>", "a"}, {0, 0, -1}, "negative");
}

}  // namespace
}  // namespace embplay
