// The workspace's items source: item2vec on an events CSV or baskets. The map's words are the
// items' names (most bought first), typed names or keys find an item, neighbours are items bought
// together, users get recommendations with reasons, the evaluation steps, and a log that does not
// read names its line and keeps the source there was.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "error_message.h"
#include "workspace.h"

namespace embplay {
namespace {

using nlohmann::json;

// 8 groups of 4 items ("k<g><i>", named "<colour> <thing>"); each user buys one group: a third of
// them in one invoice, the others half of it in a first invoice and the rest in a second. Items of
// group 0 are the most bought.
std::string groups_csv(int users = 240, uint32_t seed = 9) {
  const char* colours[] = {"RED", "BLUE", "GREEN", "PINK", "GOLD", "GREY", "TEAL", "PLUM"};
  const char* things[] = {"MUG", "BAG", "CANDLE", "CARD"};
  Rng rng(seed);
  std::string csv = "user,item,timestamp,invoice,name\n";
  std::set<std::string> named;
  int64_t time = 1000;
  for (int u = 0; u < users; ++u) {
    const int g = rng.below(3) == 0 ? 0 : static_cast<int>(rng.below(8));
    const int invoices = u % 3 == 0 ? 1 : 2;
    for (int invoice = 0; invoice < invoices; ++invoice) {
      for (int i = 4 / invoices * invoice; i < 4 / invoices * (invoice + 1); ++i) {
        const std::string key = "k" + std::to_string(g) + std::to_string(i);
        // The name on an item's first row only, as the page's sample has it.
        const std::string name = named.insert(key).second ? std::string(colours[g]) + " " + things[i] : "";
        csv += "c" + std::to_string(100 + u) + "," + key + "," + std::to_string(time) + ",inv" + std::to_string(u) + "-" +
               std::to_string(invoice) + "," + name + "\n";
      }
      time += 60;
    }
  }
  return csv;
}

Item2VecOptions quick() {
  Item2VecOptions o;
  o.dim = 16, o.epochs = 20, o.window = 4;
  return o;
}

json train_to_end(Workspace& ws) {
  json p;
  do p = ws.step(2000);
  while (!p["finished"].get<bool>());
  return p;
}

TEST(WorkspaceItems, TheMapShowsItemNamesAndNeighboursAreBoughtTogether) {
  Workspace ws;
  const json started = ws.start_items(groups_csv(), "events", quick());
  EXPECT_EQ(ws.kind(), "items");
  EXPECT_EQ(started["stats"]["tokens"], 240 * 4);
  EXPECT_EQ(started["stats"]["types"], 32);
  EXPECT_EQ(started["items"]["users"], 240);
  EXPECT_EQ(started["items"]["baskets"], 80 + 160 * 2);
  EXPECT_EQ(started["items"]["named"], 32);
  const json p = train_to_end(ws);
  EXPECT_EQ(p["epochs"], 20);
  EXPECT_GT(p["step"].get<int>(), 1);

  const json words = ws.words(WordSelection::top(4));
  ASSERT_EQ(words["words"].size(), 4u);
  for (const auto& w : words["words"]) EXPECT_EQ(w.get<std::string>().rfind("RED ", 0), 0u) << w;  // group 0 first
  EXPECT_GE(words["counts"][0].get<int>(), words["counts"][3].get<int>());

  // By name, by key, in any case: the same item; its nearest are its group.
  const json by_name = ws.neighbors("BLUE MUG", 3, "cosine");
  EXPECT_EQ(by_name["word"], "BLUE MUG");
  EXPECT_EQ(ws.neighbors("k10", 3, "cosine")["word"], "BLUE MUG");
  EXPECT_EQ(ws.neighbors("  blue mug ", 3, "cosine")["word"], "BLUE MUG");
  int together = 0;
  for (const auto& n : by_name["neighbors"]) together += n["word"].get<std::string>().rfind("BLUE ", 0) == 0;
  EXPECT_GE(together, 2);
  EXPECT_NE(error_of([&] { ws.neighbors("PURPLE MUG", 3, "cosine"); }).find("not an item"), std::string::npos);

  // Clusters name their items; the word tests and Predict say they are for words.
  KMeansOptions k;
  k.k = 8;
  EXPECT_EQ(ws.kmeans(WordSelection::top(32), k).central.size(), 8u);
  EXPECT_NE(ws.kmeans(WordSelection::top(32), k).central[0][0].find(' '), std::string::npos);
  EXPECT_NE(error_of([&] { ws.eval_run(); }).find("recommendations"), std::string::npos);
  EXPECT_NE(error_of([&] { ws.predict("RED MUG", 3); }).find("item2vec"), std::string::npos);
  // Exported vectors carry the keys (a vectors file's words have no spaces).
  EXPECT_NE(ws.export_vectors("glove").find("k00 "), std::string::npos);
}

TEST(WorkspaceItems, RecommendationsSkipTheHistoryAndNameTheItemBehindEach) {
  Workspace ws;
  ws.start_items(groups_csv(), "events", quick());
  train_to_end(ws);
  const std::string user = ws.random_user(5);
  EXPECT_EQ(ws.random_user(5), user);  // seeded
  const json r = ws.recommend(user, 5);
  EXPECT_EQ(r["user"], user);
  EXPECT_EQ(r["items"], 4);
  EXPECT_EQ(r["model"], "item2vec + item kNN");  // the defaults blend in item kNN
  ASSERT_EQ(r["recommendations"].size(), 5u);
  std::set<std::string> history;
  for (const auto& h : r["recent"]) history.insert(h.get<std::string>());
  EXPECT_EQ(history.size(), 4u);
  for (const auto& rec : r["recommendations"]) {
    EXPECT_EQ(history.count(rec["item"].get<std::string>()), 0u) << rec;
    ASSERT_TRUE(rec["because"].is_string()) << rec;
    EXPECT_EQ(history.count(rec["because"].get<std::string>()), 1u) << rec;
  }
  // The users whose key starts with some text; an unknown one is named.
  const json some = ws.users("c10", 3);
  EXPECT_EQ(some["users"].size(), 3u);
  EXPECT_EQ(some["matches"], 10);  // c100 .. c109
  EXPECT_NE(error_of([&] { ws.recommend("nobody", 5); }).find("no user \"nobody\""), std::string::npos);
  EXPECT_NE(error_of([&] { ws.recommend(" ", 5); }).find("type a user"), std::string::npos);
}

TEST(WorkspaceItems, ABadLogNamesItsLineAndKeepsTheSourceThereWas) {
  Workspace ws;
  ws.start_items(groups_csv(), "events", quick());
  ws.step(100);
  const json before = ws.words(WordSelection::top(5));
  const std::string missing = error_of([&] { ws.start_items("customer,when\nc1,5\n", "events", quick()); });
  EXPECT_NE(missing.find("line 1"), std::string::npos) << missing;
  EXPECT_NE(missing.find("item"), std::string::npos) << missing;
  std::string csv = groups_csv(20);
  csv += "c999,k00,not-a-time,inv9,\n";
  const std::string bad_time = error_of([&] { ws.start_items(csv, "events", quick()); });
  EXPECT_NE(bad_time.find("line 82"), std::string::npos) << bad_time;
  EXPECT_NE(error_of([&] { ws.start_items("a\nb\n", "baskets", quick()); }).find("two items"), std::string::npos);
  EXPECT_NE(error_of([&] { ws.start_items("a b", "parquet", quick()); }).find("events or baskets"), std::string::npos);
  EXPECT_EQ(ws.kind(), "items");
  EXPECT_EQ(ws.words(WordSelection::top(5)), before);
  // Without an items run, the users' questions say what they need.
  Workspace empty;
  EXPECT_NE(error_of([&] { empty.recommend("c1", 5); }).find("item2vec run"), std::string::npos);
}

TEST(WorkspaceItems, BasketsAndNamesSharedByTwoItems) {
  Workspace ws;
  std::string baskets;
  for (int i = 0; i < 50; ++i) baskets += i % 2 ? "apple pear plum\n" : "saw drill hammer\n";
  const json started = ws.start_items(baskets, "baskets", quick());
  EXPECT_EQ(started["items"]["users"], 50);
  EXPECT_EQ(ws.recommend("line 1", 2)["recent"].size(), 3u);
  EXPECT_NE(error_of([&] { ws.recommend("line 99", 2); }).find("line N"), std::string::npos);
  // Two items named alike are told apart by their keys.
  Workspace named;
  named.start_items("user,item,name\nu1,A1,MUG\nu1,A2,MUG\nu2,A1,\nu2,A2,\n", "events", quick());
  const json shown = named.words(WordSelection::top(10));
  std::set<std::string> words;
  for (const auto& w : shown["words"]) words.insert(w.get<std::string>());
  EXPECT_EQ(words, (std::set<std::string>{"MUG (A1)", "MUG (A2)"}));
}

TEST(WorkspaceItems, TheEvaluationStepsToEveryRowOfBothSplits) {
  Workspace ws;
  ws.start_items(groups_csv(), "events", quick());
  EXPECT_NE(error_of([&] { ws.items_eval_step(0.01); }).find("no evaluation"), std::string::npos);
  const json started = ws.items_eval_start({"popularity", "knn", "item2vec", "item2vec+knn"});
  ASSERT_EQ(started["splits"].size(), 2u);
  EXPECT_EQ(started["splits"][1]["cases"], 160);  // every second invoice is new to its user
  json r;
  int steps = 0;
  do r = ws.items_eval_step(0), ++steps;
  while (!r["done"].get<bool>());
  EXPECT_GT(steps, 10);
  ASSERT_EQ(r["rows"].size(), 8u);
  const json& pop = r["rows"][4];
  const json& blend = r["rows"][7];
  EXPECT_EQ(pop["split"], "last-invoice");
  // The second invoice is the rest of the user's group: the models that learn groups find it.
  EXPECT_GT(blend["ndcg"].get<double>(), pop["ndcg"].get<double>() + 0.3) << r.dump();
  // The run's changes (dim 16, 20 epochs, window 4) reach each split's item2vec.
  EXPECT_EQ(r["rows"][2]["details"]["options"]["dim"], 16);
  EXPECT_EQ(r["rows"][2]["details"]["options"]["window"], 4);
  // A new source drops the evaluation.
  ws.start_items(groups_csv(30), "events", quick());
  EXPECT_NE(error_of([&] { ws.items_eval_step(0.01); }).find("no evaluation"), std::string::npos);
}

}  // namespace
}  // namespace embplay
