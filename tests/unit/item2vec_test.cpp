// item2vec: planted co-purchases are learnt (items always bought together are each other's
// nearest neighbours, seeded), a user's score is the weighted sum of their items' scores (so the
// reason is exact), recommendations skip what the user has, and options are checked.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "item2vec.h"
#include "histories.h"
#include "settings.h"

namespace embplay {
namespace {

// 40 items in 10 groups of 4 always bought together, each basket one group plus 2 random items,
// in random order; 600 users of 1 to 3 baskets.
struct Planted {
  std::vector<History> users;
  std::vector<std::string> keys;
  static constexpr int kItems = 40;
  Planted() {
    Rng rng(3);
    for (int i = 0; i < kItems; ++i) keys.push_back("item" + std::to_string(i));
    for (int u = 0; u < 600; ++u) {
      History h;
      const int baskets = 1 + static_cast<int>(rng.below(3));
      for (int b = 0; b < baskets; ++b) {
        const int32_t group = static_cast<int32_t>(rng.below(10));
        Ids basket = {4 * group, 4 * group + 1, 4 * group + 2, 4 * group + 3};
        for (int r = 0; r < 2; ++r) {
          const int32_t noise = static_cast<int32_t>(rng.below(kItems));
          if (std::find(basket.begin(), basket.end(), noise) == basket.end()) basket.push_back(noise);
        }
        rng.shuffle(basket);
        h.add_basket(basket.data(), basket.data() + basket.size());
      }
      users.push_back(h);
    }
  }
};

Item2VecOptions small_options() {
  Item2VecOptions o;
  o.dim = 16, o.epochs = 5, o.sample = 0, o.seed = 7;
  return o;
}

TEST(Item2Vec, ItemsBoughtTogetherAreNearestNeighbours) {
  const Planted p;
  for (const char* context : {"basket", "sequence"}) {
    Item2VecOptions o = small_options();
    o.context = context;
    const Item2Vec model = train_item2vec(p.users, p.keys, o);
    int right = 0;
    for (int32_t i = 0; i < Planted::kItems; ++i) {
      const auto near = model.similar(i, 3);
      ASSERT_EQ(near.size(), 3u);
      for (const auto& [j, cosine] : near) right += j / 4 == i / 4;
    }
    // Every item's 3 nearest are its group (a few slips allowed with the sequence window).
    EXPECT_GE(right, context == std::string("basket") ? 120 : 110) << context;
  }
}

TEST(Item2Vec, SameSeedSameVectors) {
  const Planted p;
  const RowMatrix a = train_item2vec(p.users, p.keys, small_options()).vectors();
  const RowMatrix b = train_item2vec(p.users, p.keys, small_options()).vectors();
  EXPECT_TRUE(a == b);  // the same build, the same seed: the same numbers
}

TEST(Item2Vec, RecommendsTheRestOfTheGroupWithTheReason) {
  const Planted p;
  const Item2Vec model = train_item2vec(p.users, p.keys, small_options());
  const History h = history({{8, 9}});  // two items of group 2
  const auto recs = recommend(model, h, Planted::kItems, 2);
  ASSERT_EQ(recs.size(), 2u);
  for (const auto& r : recs) {
    EXPECT_EQ(r.item / 4, 2) << "recommended item " << r.item;
    EXPECT_TRUE(r.because == 8 || r.because == 9);
  }
}

TEST(Item2Vec, AUserIsTheWeightedSumOfTheirItems) {
  const Planted p;
  for (const char* similarity : {"output", "cosine", "projected"}) {
    Item2VecOptions o = small_options();
    o.similarity = similarity;
    o.half_life = 1;  // weights 1/3 (older) and 2/3 (newer)
    const Item2Vec model = train_item2vec(p.users, p.keys, o);
    std::vector<float> a(Planted::kItems), b(Planted::kItems), both(Planted::kItems);
    model.score(history({{5}}), a.data());
    model.score(history({{30}}), b.data());
    model.score(history({{5}, {30}}), both.data());
    for (int j = 0; j < Planted::kItems; ++j) EXPECT_NEAR(both[j], a[j] / 3 + 2 * b[j] / 3, 1e-5) << similarity;
    // The reason is the item with the larger weighted part of the score.
    for (int32_t j : {6, 31}) {
      const int32_t expected = a[j] / 3 > 2 * b[j] / 3 ? 0 : 1;
      EXPECT_EQ(model.reason(history({{5}, {30}}), j), expected) << similarity << " item " << j;
    }
  }
}

TEST(Item2Vec, SentencesAreBasketsOrUsers) {
  const std::vector<History> users = {history({{0, 1}, {2}}), history({{3, 4}})};
  const std::vector<std::string> keys = {"a", "b", "c", "d", "e"};
  const Corpus baskets = item2vec_corpus(users, keys, "basket");
  EXPECT_EQ(baskets.sentences.ids, (Ids{2, 3, 4, 5, 6}));
  EXPECT_EQ(baskets.sentences.starts, (std::vector<int64_t>{0, 2, 3, 5}));
  const Corpus sequences = item2vec_corpus(users, keys, "sequence");
  EXPECT_EQ(sequences.sentences.ids, (Ids{2, 3, 4, 5, 6}));
  EXPECT_EQ(sequences.sentences.starts, (std::vector<int64_t>{0, 3, 5}));
  // The vocabulary keeps the items' order (item i is word i + 2) with their counts.
  EXPECT_EQ(baskets.vocab.word(4), "c");
  EXPECT_EQ(baskets.vocab.count(4), 1);
  // Nothing with two items: nothing to learn from.
  EXPECT_THROW(Item2VecTrainer({history({{0}, {1}})}, {"a", "b"}, small_options()), InputError);
}

TEST(Item2VecOptions, CheckedAndNamed) {
  Item2VecOptions o;
  set_item2vec_option(o, "context", "sequence");
  set_item2vec_option(o, "half_life", "2.5");
  EXPECT_EQ(o.context, "sequence");
  EXPECT_FLOAT_EQ(o.half_life, 2.5f);
  EXPECT_THROW(set_item2vec_option(o, "similarity", "jaccard"), InputError);
  EXPECT_THROW(set_item2vec_option(o, "dim", "1"), InputError);
  EXPECT_THROW(set_item2vec_option(o, "dimension", "8"), InputError);
  const Item2VecOptions back = item2vec_options_from_json(item2vec_options_to_json(o));
  EXPECT_EQ(item2vec_options_to_json(back), item2vec_options_to_json(o));
  std::vector<std::string> names;
  for (const auto& f : item2vec_schema()) names.push_back(f["name"]);
  for (const char* n : {"context", "window", "dim", "negative", "epochs", "lr", "sample", "seed", "similarity", "half_life"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
}

}  // namespace
}  // namespace embplay
