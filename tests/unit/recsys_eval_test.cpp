// The recommenders' evaluation as a job: stepping in small slices gives the rows of one run, the
// rows agree with evaluate() on the same split, item2vec trains once for both of its rows, and
// problems are named before any work.
#include <gtest/gtest.h>

#include "histories.h"
#include "input_error.h"
#include "recsys_eval.h"

namespace embplay {
namespace {

InteractionLog planted_log() {
  const Planted p;
  InteractionLog log;
  log.users = p.users;
  log.item_keys = p.keys;
  log.item_names = p.keys;
  for (int32_t u = 0; u < static_cast<int32_t>(p.users.size()); ++u) log.user_keys.push_back("u" + std::to_string(u));
  return log;
}

RecsysEvalOptions small() {
  RecsysEvalOptions o;
  o.item2vec = {{"dim", 16}};  // the rest as tuned per split
  return o;
}

TEST(RecsysEvaluation, SteppedInSlicesItGivesTheRowsOfOneRun) {
  const InteractionLog log = planted_log();
  RecsysEvaluation whole(log, small());
  whole.run();
  RecsysEvaluation sliced(log, small());
  int steps = 0;
  while (!sliced.step(0)) ++steps;  // one unit of work per call
  EXPECT_GT(steps, 8);
  ASSERT_EQ(whole.rows().size(), 8u);  // 2 splits x 4 models
  ASSERT_EQ(sliced.rows().size(), 8u);
  for (size_t r = 0; r < 8; ++r) {
    EXPECT_EQ(whole.rows()[r].model, sliced.rows()[r].model);
    EXPECT_EQ(whole.rows()[r].metrics.hit_rate, sliced.rows()[r].metrics.hit_rate) << r;  // same build, same numbers
    EXPECT_EQ(whole.rows()[r].metrics.ndcg, sliced.rows()[r].metrics.ndcg) << r;
  }
  const nlohmann::json j = whole.to_json();
  EXPECT_TRUE(j["done"].get<bool>());
  EXPECT_DOUBLE_EQ(j["fraction"].get<double>(), 1.0);
  EXPECT_EQ(j["rows"][0]["split"], "last-item");
  EXPECT_EQ(j["rows"][4]["split"], "last-invoice");
  EXPECT_EQ(j["rows"][3]["label"], "item2vec + item kNN (x0.7)");  // the last-item tuning
  EXPECT_EQ(j["rows"][7]["label"], "item2vec + item kNN (x3)");
}

// 10 groups of 4 items. Half the users buy a whole group in one basket (they teach which items go
// together); the others buy half of their group, then the other half: that second basket is held
// out, and only a model that learnt the groups ranks it high. Each basket has a random item too.
InteractionLog groups_log() {
  InteractionLog log;
  Rng rng(5);
  for (int i = 0; i < 40; ++i) log.item_keys.push_back("item" + std::to_string(i));
  log.item_names = log.item_keys;
  for (int u = 0; u < 600; ++u) {
    const int32_t g = static_cast<int32_t>(rng.below(10));
    const auto noise = [&] { return 4 * static_cast<int32_t>((g + 1 + rng.below(9)) % 10) + static_cast<int32_t>(rng.below(4)); };
    log.users.push_back(u % 2 ? history({{4 * g, 4 * g + 1, 4 * g + 2, 4 * g + 3, noise()}})
                              : history({{4 * g, 4 * g + 1, noise()}, {4 * g + 2, 4 * g + 3}}));
    log.user_keys.push_back("u" + std::to_string(u));
  }
  return log;
}

TEST(RecsysEvaluation, RowsAgreeWithEvaluateAndModelsThatKnowTheGroupsWin) {
  const InteractionLog log = groups_log();
  RecsysEvalOptions o = small();
  o.splits = {SplitKind::kLastBasket};
  RecsysEvaluation job(log, o);
  job.run();
  const HoldOut split = make_split(log.users, SplitKind::kLastBasket);
  ASSERT_EQ(job.split(SplitKind::kLastBasket)->cases.size(), split.cases.size());
  const RankingMetrics pop = evaluate(Popularity(split.train, 40), split, 40);
  const RankingMetrics knn = evaluate(ItemKnn(split.train, 40), split, 40);
  EXPECT_DOUBLE_EQ(job.rows()[0].metrics.ndcg, pop.ndcg);
  EXPECT_DOUBLE_EQ(job.rows()[1].metrics.ndcg, knn.ndcg);
  // The groups are learnt: kNN and both item2vec rows score well above popularity.
  EXPECT_GT(knn.ndcg, pop.ndcg + 0.3);
  EXPECT_GT(job.rows()[2].metrics.ndcg, pop.ndcg + 0.3);
  EXPECT_GT(job.rows()[3].metrics.ndcg, pop.ndcg + 0.3);
  EXPECT_EQ(job.rows()[2].details["options"]["knn_weight"], 0);
  EXPECT_EQ(job.rows()[3].details["options"]["knn_weight"], 3);
}

TEST(RecsysEvaluation, ValidationScoresTheSplitOfTheTrainingHistories) {
  const InteractionLog log = planted_log();
  RecsysEvalOptions o = small();
  o.splits = {SplitKind::kLastItem};
  o.models = {"popularity"};
  o.validation = true;
  RecsysEvaluation job(log, o);
  const HoldOut valid = make_split(make_split(log.users, SplitKind::kLastItem).train, SplitKind::kLastItem);
  EXPECT_EQ(job.split(SplitKind::kLastItem)->cases.size(), valid.cases.size());
  job.run();
  EXPECT_EQ(job.rows().size(), 1u);
  EXPECT_EQ(job.take_new_rows().size(), 1u);
  EXPECT_TRUE(job.take_new_rows().empty());
}

TEST(RecsysEvaluation, ProblemsAreNamedBeforeAnyWork) {
  const InteractionLog log = planted_log();
  RecsysEvalOptions o = small();
  o.models = {"popularity", "svd"};
  EXPECT_THROW(RecsysEvaluation(log, o), InputError);
  EXPECT_THROW(parse_recsys_models("knn,,ease"), InputError);
  EXPECT_EQ(parse_recsys_models("knn,item2vec+knn"), (std::vector<std::string>{"knn", "item2vec+knn"}));
  // Nobody has two baskets: the last-invoice split has no case.
  InteractionLog one;
  one.users = {history({{0, 1}}), history({{1, 2}})};
  one.item_keys = one.item_names = {"a", "b", "c"};
  RecsysEvalOptions basket = small();
  basket.splits = {SplitKind::kLastBasket};
  try {
    RecsysEvaluation job(one, basket);
    FAIL() << "no case, no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("two baskets"), std::string::npos) << e.what();
  }
}

TEST(RecsysEvaluation, ASplitNoUserFitsIsSaidAndTheOtherRuns) {
  // Baskets, one per user (a baskets file's lines): the next item of a basket, but no next basket.
  InteractionLog log = planted_log();
  for (History& h : log.users) {
    History one;
    one.add_basket(h.items.data(), h.items.data() + h.size());
    h = one;
  }
  RecsysEvalOptions o = small();
  o.models = {"popularity", "knn"};
  RecsysEvaluation job(log, o);
  job.run();
  ASSERT_EQ(job.rows().size(), 2u);
  for (const RecsysEvalRow& r : job.rows()) EXPECT_EQ(r.split, SplitKind::kLastItem);
  EXPECT_GT(job.rows()[1].metrics.hit_rate, job.rows()[0].metrics.hit_rate);  // kNN finds the rest of the group
  const nlohmann::json splits = job.to_json()["splits"];
  ASSERT_EQ(splits.size(), 2u);
  EXPECT_FALSE(splits[0].contains("unevaluable"));
  EXPECT_EQ(splits[1]["cases"], 0);
  EXPECT_NE(splits[1]["unevaluable"].get<std::string>().find("two baskets"), std::string::npos) << splits;
}

}  // namespace
}  // namespace embplay
