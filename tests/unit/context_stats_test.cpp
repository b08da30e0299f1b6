// Context statistics: the words after a context counted exactly, and the busiest context found.
#include "context_stats.h"

#include <gtest/gtest.h>

namespace embplay {
namespace {

TEST(ContextStats, CountsTheWordsAfterAContext) {
  const std::vector<Sentence> sentences = {{"the", "cat", "sat"}, {"the", "cat", "ran"}, {"the", "cat", "sat"},
                                           {"a", "dog"}};
  const Vocab vocab = Vocab::build(sentences, {});
  const Examples ex = make_examples(sentences, vocab, 2);
  const int32_t the = vocab.id("the"), cat = vocab.id("cat"), sat = vocab.id("sat"), ran = vocab.id("ran");
  const ContextCounts after = next_word_counts(ex, {the, cat});
  EXPECT_EQ(after.total, 3);
  ASSERT_EQ(after.counts.size(), 2u);
  EXPECT_EQ(after.counts[0].id, sat);
  EXPECT_EQ(after.counts[0].count, 2);
  EXPECT_EQ(after.counts[1].id, ran);
  // A sentence start is the all-<pad> context.
  const ContextCounts start = next_word_counts(ex, {kPadId, kPadId});
  EXPECT_EQ(start.total, 4);
  EXPECT_EQ(start.counts[0].id, the);
  EXPECT_EQ(next_word_counts(ex, {sat, sat}).total, 0);
  EXPECT_EQ(next_word_counts(ex, {the}).total, 0);  // a context of the wrong length matches nothing
}

TEST(ContextStats, TheBusiestContextHasTheMostDifferentNextWords) {
  const std::vector<Sentence> sentences = {{"x", "a", "b", "c"}, {"x", "a", "b", "d"}, {"x", "a", "b", "e"},
                                           {"y", "a", "q"},      {"y", "a", "r"}};
  const Vocab vocab = Vocab::build(sentences, {});
  const Examples ex = make_examples(sentences, vocab, 2);
  const BusyContext busy = busiest_context(ex);
  ASSERT_GE(busy.first, 0);
  EXPECT_EQ(busy.distinct, 3);  // "a b" -> c, d, e
  EXPECT_EQ(busy.occurrences, 3);
  EXPECT_EQ(Ids(ex.contexts.begin() + 2 * busy.first, ex.contexts.begin() + 2 * busy.first + 2),
            (Ids{vocab.id("a"), vocab.id("b")}));
  // Every context followed by one word only: none to suggest.
  const std::vector<Sentence> plain = {{"one", "two", "three"}};
  EXPECT_EQ(busiest_context(make_examples(plain, Vocab::build(plain, {}), 2)).first, -1);
}

}  // namespace
}  // namespace embplay
