// Recommenders and their evaluation: the splits leak nothing, metrics against hand-computed
// values, popularity and item kNN on a toy log, EASE against a direct per-column ridge solve,
// top-k never recommends what the user has and names a reason.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <memory>

#include "recommend.h"
#include "histories.h"
#include "settings.h"

namespace embplay {
namespace {

bool contains(const Ids& v, int32_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

TEST(Split, LastItemHoldsOutTheLastEventOfUsersWithTwo) {
  const std::vector<History> users = {
      history({{0, 1}, {2, 3}}),  // target 3, history 0 1 | 2
      history({{4}}),             // one event: not evaluated
      history({{0}, {1, 0}}),     // last item 0 is in the history: not evaluated
      history({{5}, {6}}),        // target 6, its basket emptied
  };
  const HoldOut s = make_split(users, SplitKind::kLastItem);
  ASSERT_EQ(s.cases.size(), 2u);
  EXPECT_EQ(s.skipped_short, 1);
  EXPECT_EQ(s.skipped_repeat, 1);
  EXPECT_EQ(s.cases[0].user, 0);
  EXPECT_EQ(s.cases[0].targets, Ids{3});
  EXPECT_EQ(s.train[0].items, (Ids{0, 1, 2}));
  EXPECT_EQ(s.train[0].starts, (std::vector<int32_t>{0, 2, 3}));
  EXPECT_EQ(s.train[3].items, Ids{5});
  EXPECT_EQ(s.train[3].baskets(), 1);
  EXPECT_EQ(s.train[1].items, Ids{4});  // users not evaluated keep everything
}

TEST(Split, LastInvoiceLeavesNothingOfTheBasketInTheHistory) {
  const std::vector<History> users = {
      history({{0, 1}, {2}, {3, 1, 4}}),  // targets 3 and 4 (1 was bought before)
      history({{0, 1, 2}}),               // one basket: not evaluated
      history({{0}, {0}}),                // nothing new in the last basket
  };
  const HoldOut s = make_split(users, SplitKind::kLastBasket);
  ASSERT_EQ(s.cases.size(), 1u);
  EXPECT_EQ(s.cases[0].targets, (Ids{3, 4}));
  EXPECT_EQ(s.train[0].items, (Ids{0, 1, 2}));
  EXPECT_EQ(s.train[0].baskets(), 2);
  EXPECT_EQ(s.skipped_short, 1);
  EXPECT_EQ(s.skipped_repeat, 1);
  for (const EvalCase& c : s.cases)
    for (int32_t t : c.targets) EXPECT_FALSE(contains(s.train[c.user].items, t)) << "leaked item " << t;
  EXPECT_EQ(parse_split_kind("last-invoice"), SplitKind::kLastBasket);
  EXPECT_THROW(parse_split_kind("random"), InputError);
}

TEST(Metrics, RanksTiesExclusionsAndTheirMeans) {
  const float scores[] = {0.9f, 0.5f, 0.5f, 0.7f, 0.1f};
  std::vector<char> excluded = {1, 0, 0, 0, 0};  // item 0 is in the history
  EXPECT_EQ(rank_of(scores, 5, 3, excluded), 0);
  EXPECT_EQ(rank_of(scores, 5, 1, excluded), 1);
  EXPECT_EQ(rank_of(scores, 5, 2, excluded), 2);  // tied with item 1, which has the lower id
  EXPECT_EQ(rank_of(scores, 5, 4, excluded), 3);
  EXPECT_EQ(rank_of(scores, 5, 0, excluded), -1);

  MetricsSum m;
  m.k = 3;
  m.add({0});      // hit at the top: 1, 1
  m.add({2});      // hit: 1, 1/log2(4) = 0.5
  m.add({3});      // miss
  m.add({0, 5});   // one of two: recall 0.5; NDCG 1 / (1 + 1/log2(3))
  const RankingMetrics r = m.finish();
  EXPECT_EQ(r.cases, 4);
  EXPECT_NEAR(r.hit_rate, (1 + 1 + 0 + 0.5) / 4, 1e-12);
  EXPECT_NEAR(r.ndcg, (1 + 0.5 + 0 + 1 / (1 + 1 / std::log2(3.0))) / 4, 1e-12);
}

// u0 {0, 1}, u1 {0, 1, 2}, u2 {2, 3}: users per item 2, 2, 2, 1.
const std::vector<History> kToy = {history({{0, 1}}), history({{0}, {1, 2}}), history({{2, 3}})};

TEST(Baselines, PopularityAndItemKnnOnAToyLog) {
  std::vector<float> s(4);
  Popularity pop(kToy, 4);
  pop.score(History(), s.data());
  EXPECT_EQ(s, (std::vector<float>{2, 2, 2, 1}));

  ItemKnn knn(kToy, 4);
  const RowMatrix& S = knn.similarity();
  EXPECT_FLOAT_EQ(S(0, 1), 1.0f);                        // 2 shared users / sqrt(2 * 2)
  EXPECT_FLOAT_EQ(S(0, 2), 0.5f);                        // 1 / sqrt(2 * 2)
  EXPECT_FLOAT_EQ(S(2, 3), 1.0f / std::sqrt(2.0f));      // 1 / sqrt(2 * 1)
  EXPECT_FLOAT_EQ(S(0, 3), 0.0f);
  EXPECT_FLOAT_EQ(S(1, 1), 0.0f);
  knn.score(history({{0}, {3, 0}}), s.data());  // 0 counted once: S(0, j) + S(3, j)
  EXPECT_NEAR(s[1], 1.0, 1e-6);
  EXPECT_NEAR(s[2], 0.5 + 1 / std::sqrt(2.0), 1e-6);
  EXPECT_EQ(knn.reason(history({{0, 3}}), 2), 1);  // S(3, 2) = 0.71 beats S(0, 2) = 0.5

  ItemKnn top1(kToy, 4, 1);  // each row keeps its largest entry
  EXPECT_FLOAT_EQ(top1.similarity()(2, 3), 1.0f / std::sqrt(2.0f));
  EXPECT_FLOAT_EQ(top1.similarity()(2, 0), 0.0f);
  // Row 2 is (0.5, 0.5, 0, 0.71): with 2 neighbours, 0.71 and the lower id of the tie at 0.5.
  ItemKnn top2(kToy, 4, 2);
  EXPECT_FLOAT_EQ(top2.similarity()(2, 3), 1.0f / std::sqrt(2.0f));
  EXPECT_FLOAT_EQ(top2.similarity()(2, 0), 0.5f);
  EXPECT_FLOAT_EQ(top2.similarity()(2, 1), 0.0f);
}

TEST(Baselines, EaseMatchesAPerColumnRidgeSolve) {
  // EASE's column j is the ridge regression of item j's column on the other items' columns.
  const std::vector<History> users = {history({{0, 1, 2}}), history({{1, 3}}), history({{0, 3}}),
                                      history({{2, 3, 4}}), history({{0, 4}}), history({{1, 2}})};
  const int I = 5;
  const double lambda = 1.5;
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(6, I);
  for (int u = 0; u < 6; ++u)
    for (int32_t i : users[u].items) X(u, i) = 1;
  const Ease ease(users, I, lambda);
  for (int j = 0; j < I; ++j) {
    Eigen::MatrixXd others(6, I - 1);
    for (int c = 0, k = 0; c < I; ++c)
      if (c != j) others.col(k++) = X.col(c);
    const Eigen::MatrixXd G = others.transpose() * others + lambda * Eigen::MatrixXd::Identity(I - 1, I - 1);
    const Eigen::VectorXd b = G.ldlt().solve(others.transpose() * X.col(j));
    EXPECT_NEAR(ease.similarity()(j, j), 0.0, 1e-9);
    for (int c = 0, k = 0; c < I; ++c)
      if (c != j) EXPECT_NEAR(ease.similarity()(c, j), b[k++], 1e-4) << "B(" << c << ", " << j << ")";
  }
  EXPECT_THROW(Ease(users, I, 0), InputError);
}

TEST(Recommend, NeverWhatTheUserHasAndAlwaysAReason) {
  ItemKnn knn(kToy, 4);
  const History h = history({{0}, {3}});
  const auto recs = recommend(knn, h, 4, 10);
  ASSERT_EQ(recs.size(), 2u);  // only items 1 and 2 are new
  EXPECT_EQ(recs[0].item, 2);  // 0.5 + 0.71 against 1.0
  EXPECT_EQ(recs[0].because, 3);
  EXPECT_EQ(recs[1].item, 1);
  EXPECT_EQ(recs[1].because, 0);
  for (const auto& r : recs) EXPECT_FALSE(contains(h.items, r.item));
  EXPECT_EQ(recommend(Popularity(kToy, 4), h, 4, 1)[0].because, -1);  // popularity has no reason
  EXPECT_THROW(recommend(knn, History(), 4, 10), InputError);
}

TEST(Blend, StandardisedScoresAddedWithTheWeightAndTheLargerPartsReason) {
  auto pop = std::make_shared<Popularity>(kToy, 4);
  auto knn = std::make_shared<ItemKnn>(kToy, 4);
  const Blend blend(knn, pop, 0.5f, 4);
  const History h = history({{0}, {3}});
  std::vector<float> a(4), b(4), s(4);
  knn->score(h, a.data());
  pop->score(h, b.data());
  blend.score(h, s.data());
  const auto z = [](std::vector<float> v) {
    double mean = 0, var = 0;
    for (float x : v) mean += x / 4.0;
    for (float x : v) var += (x - mean) * (x - mean) / 4.0;
    for (float& x : v) x = static_cast<float>((x - mean) / std::sqrt(var));
    return v;
  };
  const std::vector<float> za = z(a), zb = z(b);
  for (int j = 0; j < 4; ++j) EXPECT_NEAR(s[j], za[j] + 0.5f * zb[j], 1e-5) << j;
  // Item 2: kNN's part is the larger, so kNN's reason (item 3, position 1).
  ASSERT_GT(za[2], 0.5f * zb[2]);
  EXPECT_EQ(blend.reason(h, 2), knn->reason(h, 2));
  // With popularity weighted far above kNN, popularity's part wins; having no reason, the blend
  // falls back to kNN's.
  const Blend heavy(knn, pop, 100.0f, 4);
  EXPECT_EQ(heavy.reason(h, 1), knn->reason(h, 1));
  EXPECT_EQ(heavy.name(), "item kNN + popularity");
  // Scores all the same (popularity of a one-item log) standardise to zero: kNN alone ranks.
  const std::vector<History> one = {history({{0, 1}})};
  const Blend flat(std::make_shared<ItemKnn>(one, 2), std::make_shared<Popularity>(one, 2), 1.0f, 2);
  std::vector<float> f(2);
  flat.score(history({{0}}), f.data());
  EXPECT_TRUE(std::isfinite(f[0]) && std::isfinite(f[1]));
}

TEST(Evaluate, KnnBeatsPopularityOnPlantedPairs) {
  // Items come in pairs (a, a + 1) always bought together. Even users buy the popular item 0, then
  // a pair, whose second item is held out; odd users buy their pair twice (their last item is in
  // their history, so only the even users are evaluated, while their history teaches the pair).
  std::vector<History> users;
  for (int u = 0; u < 60; ++u) {
    const int32_t a = 1 + 2 * ((u / 2) % 10);
    users.push_back(u % 2 == 0 ? history({{0}, {a, a + 1}}) : history({{a, a + 1}, {a, a + 1}}));
  }
  const HoldOut split = make_split(users, SplitKind::kLastItem);
  ASSERT_EQ(split.cases.size(), 30u);
  const RankingMetrics knn = evaluate(ItemKnn(split.train, 21), split, 21);
  const RankingMetrics pop = evaluate(Popularity(split.train, 21), split, 21);
  EXPECT_NEAR(knn.hit_rate, 1.0, 1e-12);  // S(a, a + 1) = 3 / sqrt(6 * 3) beats S(0, b) = 3 / sqrt(30 * 6)
  EXPECT_NEAR(knn.ndcg, 1.0, 1e-12);
  EXPECT_LT(pop.ndcg, 0.5);  // a + 1 (3 users) comes after the other pairs' first items (6 users)
  const HoldOut valid = make_split(split.train, SplitKind::kLastItem);
  const double lambda = choose_ease_lambda(valid, 21, {1, 10, 100});
  EXPECT_TRUE(lambda == 1 || lambda == 10 || lambda == 100);
}

}  // namespace
}  // namespace embplay
