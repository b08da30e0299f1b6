// item2vec: planted co-purchases are learnt (items always bought together are each other's
// nearest neighbours, seeded), a user's score is the weighted sum of their items' scores (so the
// reason is exact), recommendations skip what the user has, and options are checked.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "item2vec.h"
#include "histories.h"
#include "schema_checks.h"
#include "settings.h"

namespace embplay {
namespace {

Item2VecOptions small_options() {
  Item2VecOptions o;
  o.context = "basket", o.dim = 16, o.epochs = 5, o.lr = 0.025f, o.sample = 0, o.seed = 7;
  o.similarity = "output", o.half_life = 0, o.knn_weight = 0;
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
  // The vocabulary: items by count, most first, ties by item id; sentences read through it.
  const Corpus counted = item2vec_corpus({history({{0, 1}}), history({{2, 1}})}, {"a", "b", "c"}, "basket");
  EXPECT_EQ(counted.vocab.words(), (std::vector<std::string>{"<pad>", "<unk>", "b", "a", "c"}));
  EXPECT_EQ(counted.vocab.count(2), 2);
  EXPECT_EQ(counted.sentences.ids, (Ids{3, 2, 4, 2}));
  EXPECT_EQ(Item2VecTrainer({history({{0, 1}}), history({{2, 1}})}, {"a", "b", "c"}, small_options()).item_words(),
            (Ids{3, 2, 4}));
  // Nothing with two items: nothing to learn from.
  EXPECT_THROW(Item2VecTrainer({history({{0}, {1}})}, {"a", "b"}, small_options()), InputError);
}

TEST(Item2VecOptions, TunedPerSplitWithWhatTheCallerChanged) {
  // The defaults are the next basket's options.
  EXPECT_EQ(item2vec_options_to_json(tuned_item2vec_options(SplitKind::kLastBasket)),
            item2vec_options_to_json(Item2VecOptions()));
  const Item2VecOptions item = tuned_item2vec_options(SplitKind::kLastItem);
  EXPECT_EQ(item.window, 5);
  EXPECT_EQ(item.similarity, "output");
  // Changes apply on top of either split's options, even one equal to a default; the rest stay tuned.
  const Item2VecOptions mine = tuned_item2vec_options(SplitKind::kLastItem, {{"dim", 32}, {"window", 3}, {"knn_weight", 0}});
  EXPECT_EQ(mine.dim, 32);
  EXPECT_EQ(mine.window, 3);
  EXPECT_EQ(mine.knn_weight, 0.0f);
  EXPECT_EQ(mine.epochs, item.epochs);
  EXPECT_THROW(tuned_item2vec_options(SplitKind::kLastItem, {{"dim", 0}}), InputError);
  EXPECT_THROW(tuned_item2vec_options(SplitKind::kLastItem, {{"depth", 3}}), InputError);
  // What a form changed from the defaults.
  Item2VecOptions form;
  form.dim = 32, form.similarity = "cosine";
  EXPECT_EQ(item2vec_changes(form), (nlohmann::json{{"dim", 32}, {"similarity", "cosine"}}));
  EXPECT_TRUE(item2vec_changes(Item2VecOptions()).empty());
}

TEST(Item2Vec, TheRecommenderBlendsItemKnnWhenItsWeightIsSet) {
  const Planted p;
  Item2VecOptions o = small_options();
  auto model = std::make_shared<Item2Vec>(train_item2vec(p.users, p.keys, o));
  EXPECT_EQ(item2vec_recommender(model, o, p.users, Planted::kItems)->name(), "item2vec");
  o.knn_weight = 1;
  const auto blend = item2vec_recommender(model, o, p.users, Planted::kItems);
  EXPECT_EQ(blend->name(), "item2vec + item kNN");
  for (const auto& r : recommend(*blend, history({{8, 9}}), Planted::kItems, 2)) {
    EXPECT_EQ(r.item / 4, 2) << "recommended item " << r.item;
    EXPECT_TRUE(r.because == 8 || r.because == 9);
  }
}

TEST(Item2VecOptions, EveryRangeIsCheckedAtBothEnds) {
  expect_schema_checked_at_both_ends(item2vec_schema(), [](const nlohmann::json& j) { item2vec_options_from_json(j); },
                                     item2vec_options_to_json(Item2VecOptions{}));
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
  for (const char* n : {"context", "window", "dim", "negative", "epochs", "lr", "sample", "seed", "similarity", "half_life", "knn_weight"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
}

}  // namespace
}  // namespace embplay
