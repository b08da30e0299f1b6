// The page's workspace, natively: one source of vectors at a time, replaced only by a valid one;
// the twin catching up to exactly the run's step with the lockstep figures; selections and typed
// words checked; every tool on every source.
#include "workspace.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <string>

#include "error_message.h"
#include "input_error.h"
#include "suggested_settings.h"

namespace embplay {
namespace {

using nlohmann::json;

// Subject verb object sentences, seeded.
std::string corpus(int sentences = 300, uint64_t seed = 4242) {
  const char* subjects[] = {"the cat", "the dog", "a bird", "the king", "the queen", "my friend"};
  const char* verbs[] = {"sees", "likes", "follows", "finds"};
  const char* objects[] = {"the ball", "a fish", "the garden", "the old house", "a small boat"};
  Rng rng(seed);
  std::string text;
  for (int i = 0; i < sentences; ++i)
    text += std::string(subjects[rng.below(6)]) + " " + verbs[rng.below(4)] + " " + objects[rng.below(5)] + ". ";
  return text;
}

Settings small() {
  return settings_from_json({{"context", 2}, {"dim", 16}, {"hidden", 32}, {"lr", 0.01}, {"batch", 32}, {"epochs", 2}, {"seed", 3}});
}

json train_to_end(Workspace& ws) {
  json p;
  do p = ws.step(5000);
  while (!p["finished"].get<bool>() && !p["diverged"].get<bool>());
  return p;
}

// GloVe text of `words` words in 3 dimensions, streamed in slices of 5 bytes.
json open_vectors(Workspace& ws, const std::string& text) {
  ws.import_begin("auto", 1000);
  for (size_t at = 0; at < text.size(); at += 5) ws.import_chunk(text.substr(at, 5));
  return ws.import_finish();
}

const char* kPlanted =
    "king 1 1 0.1\nqueen 1 -1 0.1\nman 0 1 0.1\nwoman 0 -1 0.1\nParis 0.3 0.2 1\napple 0 0 1\ncar 0.5 0.5 0.5\n";

TEST(Workspace, AFailedStartKeepsThePreviousRun) {
  Workspace ws;
  EXPECT_EQ(ws.kind(), "none");
  EXPECT_NE(error_of([&] { ws.step(10); }).find("start a run"), std::string::npos);
  const json started = ws.start(corpus(), small());
  EXPECT_EQ(started["ok"], true);
  EXPECT_GT(started["stats"]["valid_examples"].get<int>(), 0);
  ws.step(100);
  const json before = ws.words(WordSelection::top(5));
  EXPECT_NE(error_of([&] { ws.start("", small()); }).find("no words"), std::string::npos);
  EXPECT_NE(error_of([&] { ws.start_word2vec(corpus(), word2vec_options_from_json({{"min_count", 1000000}})); })
                .find("min_count"), std::string::npos);
  EXPECT_THROW(ws.load_model(json{{"format", "x"}}), InputError);
  EXPECT_EQ(ws.kind(), "nextword");
  EXPECT_EQ(ws.words(WordSelection::top(5)), before);
  EXPECT_GT(ws.step(100)["step"].get<int>(), 1);  // the run trains on where it was
}

TEST(Workspace, AnImportReplacesTheRunOnlyWhenItReadsCleanly) {
  Workspace ws;
  ws.start(corpus(), small());
  // A malformed file, found at its chunk or at the end: the run stays.
  ws.import_begin("glove", 100);
  EXPECT_NE(error_of([&] { ws.import_chunk("a 1 2\nb 1 x\n"); }).find("line 2"), std::string::npos);
  EXPECT_NE(error_of([&] { ws.import_finish(); }).find("importBegin"), std::string::npos);  // the failed import is gone
  ws.import_begin("auto", 100);
  ws.import_chunk("0.1\t0.2\n0.3\t0.4\n");
  EXPECT_NE(error_of([&] { ws.import_finish(); }).find("metadata"), std::string::npos);
  EXPECT_EQ(ws.kind(), "nextword");
  // A clean file replaces it.
  const json opened = open_vectors(ws, kPlanted);
  EXPECT_EQ(opened["words"], 7);
  EXPECT_EQ(opened["dim"], 3);
  EXPECT_EQ(opened["format"], "glove");
  EXPECT_EQ(ws.kind(), "vectors");
  const json words = ws.words(WordSelection::top(3));
  EXPECT_EQ(words["words"], json({"king", "queen", "man"}));  // file order
  EXPECT_TRUE(words["counts"][0].is_null());                   // a file has no counts
  EXPECT_NE(error_of([&] { ws.step(10); }).find("cannot be trained"), std::string::npos);
  EXPECT_NE(error_of([&] { ws.predict("king", 3); }).find("next-word model"), std::string::npos);
  EXPECT_FALSE(ws.examples(10).has_value());
}

TEST(Workspace, SelectionsAreCheckedAndChosenWordsMustBeProjectable) {
  Workspace ws;
  open_vectors(ws, kPlanted);
  const VectorView v = ws.vectors();
  const int32_t king = v.vocab->id("king"), queen = v.vocab->id("queen"), man = v.vocab->id("man"),
                apple = v.vocab->id("apple");
  EXPECT_EQ(ws.words(WordSelection::of({apple, king}))["words"], json({"apple", "king"}));  // in the order given
  EXPECT_NE(error_of([&] { ws.words(WordSelection::of({kUnkId})); }).find("not a word of the vocabulary"), std::string::npos);
  EXPECT_NE(error_of([&] { ws.words(WordSelection::of({99})); }).find("word id 99"), std::string::npos);
  EXPECT_NE(error_of([&] { ws.words(WordSelection::of({king, queen, king})); }).find("\"king\" is chosen twice"),
            std::string::npos);
  EXPECT_NE(error_of([&] { ws.pca(WordSelection::of({king, queen}), {}); }).find("too few for PCA"), std::string::npos);
  const auto p = ws.pca(WordSelection::of({king, queen, man}), {});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->coords.rows(), 3);
  EXPECT_NE(error_of([&] { ws.tsne_start(WordSelection::of({king, queen, man}), TsneOptions{}); }).find("too few for t-SNE"),
            std::string::npos);
  EXPECT_NE(error_of([&] { ws.kmeans(WordSelection::of({king, queen}), kmeans_options_from_json({{"k", 3}})); })
                .find("between 1 and the number of shown words (2)"), std::string::npos);
}

TEST(Workspace, TypedWordsAreReadAsTheSourceReadsText) {
  Workspace ws;
  ws.start(corpus(), small());
  EXPECT_EQ(ws.neighbors("  The  ", 3, "cosine")["word"], "the");  // tokenised and lowercased like the text
  EXPECT_NE(error_of([&] { ws.neighbors("the cat", 3, "cosine"); }).find("single word"), std::string::npos);
  EXPECT_NE(error_of([&] { ws.neighbors("zebra", 3, "cosine"); }).find("\"zebra\" is not in the vocabulary"),
            std::string::npos);
  EXPECT_NE(error_of([&] { ws.neighbors("the", 3, "manhattan"); }).find("cosine or euclidean"), std::string::npos);
  // Opened vectors: as typed, or lowercased when only that spelling is there; never <pad> or <unk>.
  open_vectors(ws, kPlanted);
  EXPECT_EQ(ws.neighbors("Paris", 2, "cosine")["word"], "Paris");
  EXPECT_EQ(ws.neighbors("KING", 2, "cosine")["word"], "king");
  EXPECT_NE(error_of([&] { ws.neighbors("paris", 2, "cosine"); }).find("not in the vocabulary"), std::string::npos);
  EXPECT_NE(error_of([&] { ws.neighbors("<unk>", 2, "cosine"); }).find("not in the vocabulary"), std::string::npos);
  const json a = ws.analogy("king", "man", "woman", 1, "3CosAdd");
  EXPECT_EQ(a["answers"][0]["word"], "queen");
}

TEST(Workspace, NeighboursInTheOutputTableAreTheSoftmaxRowsNeighbours) {
  Workspace ws;
  ws.start(corpus(), small());
  ws.step(200);
  const VectorView v = ws.vectors();
  ASSERT_NE(v.output, nullptr);
  EXPECT_EQ(v.output->rows(), v.table->rows());
  EXPECT_EQ(v.output->cols(), small().hidden);  // the next-word model's softmax rows (V, h)
  const int32_t the = v.vocab->id("the");
  const json input = ws.neighbors("the", 3, "cosine", "input"), output = ws.neighbors("the", 3, "cosine", "output");
  EXPECT_EQ(output["table"], "output");
  for (const auto& [reply, table] : {std::pair{input, v.table}, std::pair{output, v.output}}) {
    const std::vector<Neighbor> expected = nearest_neighbors(*table, the, 3, Metric::kCosine);
    ASSERT_EQ(reply["neighbors"].size(), 3u);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(reply["neighbors"][i]["word"], v.vocab->word(expected[static_cast<size_t>(i)].id));
  }
  EXPECT_EQ(ws.neighbors("the", 3, "cosine"), input);  // the input table unless asked
  EXPECT_NE(error_of([&] { ws.neighbors("the", 3, "cosine", "middle"); }).find("input or output"), std::string::npos);
  // A hierarchical softmax's rows are the tree's inner nodes, and opened vectors have one table.
  Settings tree = small();
  tree.softmax = "hierarchical";
  ws.start(corpus(), tree);
  EXPECT_EQ(ws.vectors().output, nullptr);
  EXPECT_NE(error_of([&] { ws.neighbors("the", 3, "cosine", "output"); }).find("hierarchical softmax has no row per word"),
            std::string::npos);
  open_vectors(ws, kPlanted);
  EXPECT_NE(error_of([&] { ws.neighbors("king", 3, "cosine", "output"); }).find("no output rows"), std::string::npos);
}

TEST(Workspace, StepReportsTheLossSumOfTheExamplesItTrained) {
  Workspace ws;
  ws.start(corpus(), small());
  const json first = ws.step(64);  // the first call of the epoch: its mean is the epoch's so far
  EXPECT_EQ(first["examples"], 64);
  EXPECT_EQ(first["loss_count"], 64);
  EXPECT_NEAR(first["loss_sum"].get<double>() / 64, first["train_loss"].get<double>(), 1e-12);
  EXPECT_FLOAT_EQ(first["lr"].get<float>(), 0.01f);
  ws.start_word2vec(corpus(), word2vec_options_from_json({{"min_count", 1}, {"dim", 8}, {"sample", 0}}));
  const json w = ws.step(500);
  EXPECT_GE(w["examples"].get<int>(), 500);
  EXPECT_NEAR(w["loss_sum"].get<double>() / w["loss_count"].get<double>(), w["train_loss"].get<double>(), 1e-9);
  EXPECT_GT(w["lr"].get<double>(), 0);
}

TEST(Workspace, StepSaysWhenTrainingStoppedEarlyAndWhichEpochsWeightsItKept) {
  // Patience 1 on a small text with a large learning rate: validation soon stops improving.
  Settings s = small();
  s.lr = 0.05f;
  s.epochs = 60;
  s.patience = 1;
  Workspace ws;
  ws.start(corpus(), s);
  ws.twin_start();
  json p, t;
  double best = 0;  // the best validation perplexity seen at an epoch end
  do {
    p = ws.step(5000);
    if (p["epoch_end"].get<bool>() && p["best_epoch"] == p["epoch"]) best = ws.evaluate()["perplexity"].get<double>();
    t = ws.twin_step(5000);
  } while (!p["finished"].get<bool>() && !p["diverged"].get<bool>());
  ASSERT_FALSE(p["diverged"].get<bool>());
  EXPECT_TRUE(p["stopped_early"].get<bool>());
  EXPECT_LT(p["epoch"].get<int>(), s.epochs);
  EXPECT_EQ(p["best_epoch"].get<int>(), p["epoch"].get<int>() - s.patience);
  EXPECT_DOUBLE_EQ(ws.evaluate()["perplexity"].get<double>(), best);  // the best epoch's weights are kept
  EXPECT_TRUE(t.contains("stopped_early"));  // the twin says it too, for its own run
  EXPECT_GE(t["best_epoch"].get<int>(), 1);

  // Without early stopping, and for word2vec: never stopped early, no best epoch.
  Workspace plain;
  plain.start(corpus(), small());
  const json q = train_to_end(plain);
  EXPECT_FALSE(q["stopped_early"].get<bool>());
  EXPECT_EQ(q["best_epoch"], 0);
  plain.start_word2vec(corpus(), word2vec_options_from_json({{"min_count", 1}, {"dim", 8}, {"epochs", 1}}));
  const json w = train_to_end(plain);
  EXPECT_FALSE(w["stopped_early"].get<bool>());
  EXPECT_EQ(w["best_epoch"], 0);
}

TEST(Workspace, CountTokensCountsWhatTheRunWillRead) {
  // The TEXT panel's count before Play is the run's token count after it: English and Chinese,
  // punctuation dropped or kept, Han bigrams on or off; the word2vec form's fields read the same.
  std::string chinese;
  for (int i = 0; i < 40; ++i) chinese += "我们去北京天安门看升旗。今天天气很好，我们很高兴。";
  for (const std::string& text : {corpus(), chinese}) {
    for (const json& tokenizer : {json::object(), json{{"keep_punctuation", true}}, json{{"han_bigrams", false}}}) {
      json settings = settings_to_json(small());
      settings.update(tokenizer);
      Workspace ws;
      const json stats = ws.start(text, settings_from_json(settings))["stats"];
      const json counted = count_tokens(text, tokenizer);
      EXPECT_EQ(counted["tokens"], stats["tokens"]) << tokenizer.dump();
      EXPECT_EQ(counted["sentences"], stats["sentences"]) << tokenizer.dump();
    }
  }
  // Bigrams give more tokens than characters: n - 1 pairs for a run of n ideographs.
  EXPECT_EQ(count_tokens("北京天安门", json::object())["tokens"], 4);
  EXPECT_EQ(count_tokens("北京天安门", json{{"han_bigrams", false}})["tokens"], 5);
  EXPECT_NE(error_of([] { count_tokens("x", json{{"han_bigrams", "yes"}}); }).find("han_bigrams"), std::string::npos);
}

TEST(Workspace, CountTokensSuggestsTheSettingsForTheTextsSize) {
  const json small_text = count_tokens(corpus(300), json::object());  // about 1,300 tokens
  EXPECT_TRUE(small_text["too_small"]);
  EXPECT_EQ(small_text["suggested"]["nextword"], suggested_settings("nextword", small_text["tokens"].get<int64_t>()));
  EXPECT_EQ(small_text["suggested"]["word2vec"]["min_count"], 3);
  const json larger = count_tokens(corpus(3000), json::object());
  EXPECT_GE(larger["tokens"].get<int64_t>(), kSmallTextTokens);
  EXPECT_FALSE(larger["too_small"]);
  EXPECT_EQ(larger["suggested"]["word2vec"]["min_count"], 5);
}

TEST(Workspace, CollapseIsTheMeanCosineOfTheMostFrequentWordsVectors) {
  Workspace ws;
  EXPECT_NE(error_of([&] { ws.collapse(); }).find("no vectors"), std::string::npos);
  // 400 planted words: one shared direction plus a little noise (collapsed), then noise only.
  Rng rng(7);
  for (const float shared : {20.0f, 0.0f}) {
    WordVectors v;
    v.vectors = RowMatrix(400, 16);
    for (int i = 0; i < 400; ++i) {
      v.words.push_back("w" + std::to_string(i));
      for (int j = 0; j < 16; ++j) v.vectors(i, j) = (j == 0 ? shared : 0.0f) + rng.symmetric(1);
    }
    ws.open_vectors(v, "glove");
    const json c = ws.collapse();
    EXPECT_EQ(c["words"], kCollapseWords);
    EXPECT_EQ(c["collapsed"], shared > 0) << c.dump();
    if (shared > 0) EXPECT_GT(c["mean_cosine"].get<double>(), 0.95);
    else EXPECT_LT(std::abs(c["mean_cosine"].get<double>()), 0.05);
  }
}

TEST(Workspace, ATwinCatchesUpToTheRunsStepWithTheLockstepFigures) {
  // Lockstep: the twin follows every step of the run.
  Workspace lockstep;
  lockstep.start(corpus(), small());
  lockstep.twin_start();
  json evaluations = json::array();
  for (json p;;) {
    p = lockstep.step(100);
    const json t = lockstep.twin_step(100);
    EXPECT_EQ(t["step"], p["step"]);
    for (const auto& e : t["evaluations"]) evaluations.push_back(e);
    if (p["finished"].get<bool>()) break;
  }
  // Catching up: the run trains to its end first, then the twin in small slices.
  Workspace later;
  later.start(corpus(), small());
  const json end = train_to_end(later);
  EXPECT_EQ(later.twin_start()["loss"], "mse");
  json caught = json::array(), t;
  int slices = 0;
  do {
    t = later.twin_step(50);
    ++slices;
    EXPECT_LE(t["step"].get<int>(), end["step"].get<int>());  // never past the run
    for (const auto& e : t["evaluations"]) caught.push_back(e);
  } while (!t["caught_up"].get<bool>());
  EXPECT_GT(slices, 3);
  EXPECT_EQ(t["step"], end["step"]);
  EXPECT_EQ(t["target"], end["step"]);
  EXPECT_EQ(caught, evaluations);  // the same weights at every epoch end: the same figures
  EXPECT_EQ(later.twin_predict("the", 3), lockstep.twin_predict("the", 3));
  EXPECT_EQ(later.twin_step(100)["step"], end["step"]);  // nothing left to train
}

TEST(Workspace, TsneWarmStartsOnTheSameWordsAndKeepsItsLayoutOnAnError) {
  Workspace ws;
  ws.start(corpus(), small());
  ASSERT_GE(ws.vectors().vocab->size(), 21);  // 19 words and the reserved two at least
  const json started = ws.tsne_start(WordSelection::top(19), tsne_options_from_json({{"perplexity", 5}, {"iterations", 60}}));
  EXPECT_EQ(started["warm"], false);
  const TsneFrame done = ws.tsne_step(1000);
  EXPECT_TRUE(done.done);
  EXPECT_EQ(done.iterations, 60);
  EXPECT_NE(error_of([&] { ws.tsne_start(WordSelection::top(19), tsne_options_from_json({{"perplexity", 6}})); })
                .find("perplexity 6 is too large for 19 points"), std::string::npos);
  EXPECT_EQ(ws.tsne_step(0).coords, done.coords);  // the last good layout stays
  EXPECT_EQ(ws.tsne_start(WordSelection::top(19), tsne_options_from_json({{"perplexity", 5}, {"iterations", 50}}))["warm"],
            true);
  EXPECT_EQ(ws.tsne_step(0).coords, done.coords);
  EXPECT_EQ(ws.tsne_start(WordSelection::top(18), tsne_options_from_json({{"perplexity", 5}}))["warm"], false);
}

TEST(Workspace, OddOneOutNamesTheFarthestAndRefusesBadLists) {
  Workspace ws;
  open_vectors(ws, std::string(kPlanted) + "cat 1 0.1 0\ndog 0.9 0.2 0\nfox 1 0 0.1\nwolf 0.8 0.1 0.1\n");
  const json r = ws.odd_one_out("cat, dog fox  wolf apple");
  EXPECT_EQ(r["odd"], "apple");
  EXPECT_EQ(r["odd_index"], 4);
  EXPECT_EQ(r["words"], json({"cat", "dog", "fox", "wolf", "apple"}));
  ASSERT_EQ(r["distances"].size(), 5u);
  for (int i = 0; i < 4; ++i) EXPECT_LT(r["distances"][i].get<double>(), r["distances"][4].get<double>());
  EXPECT_EQ(error_of([&] { ws.odd_one_out("king queen man"); }), "type 4 to 6 words, separated by spaces or commas (3 typed)");
  EXPECT_NE(error_of([&] { ws.odd_one_out("king queen man woman apple car Paris"); }).find("(7 typed)"), std::string::npos);
  EXPECT_EQ(error_of([&] { ws.odd_one_out("king zebra queen xyz"); }), "not in the vocabulary: zebra, xyz");
  EXPECT_EQ(error_of([&] { ws.odd_one_out("king KING queen man"); }), "\u201cking\u201d is typed twice");
  EXPECT_EQ(ws.words(ws.words_named("apple, KING"))["words"], json({"apple", "king"}));
}

TEST(Workspace, ThreeDimensionalMapsAlignAndWarmStartOnlyInTheirDimensions) {
  Workspace ws;
  ws.start(corpus(), small());
  ws.step(500);
  const auto three = ws.pca(WordSelection::top(15), {}, 3);
  ASSERT_TRUE(three.has_value());
  ASSERT_EQ(three->coords.cols(), 3);
  EXPECT_EQ(three->explained.size(), 3u);
  // Aligned to its own frame turned about z, it turns back onto it.
  RowMatrix turned = three->coords;
  turned.col(0) = -three->coords.col(1);
  turned.col(1) = three->coords.col(0);
  const std::vector<float> previous(turned.data(), turned.data() + turned.size());
  const auto aligned = ws.pca(WordSelection::top(15), previous, 3);
  EXPECT_LT((aligned->coords - turned).cwiseAbs().maxCoeff(), 1e-4);
  EXPECT_NE(error_of([&] { ws.pca(WordSelection::top(15), {}, 4); }).find("2 or 3 dimensions"), std::string::npos);
  // t-SNE in 3D: warm only from a 3D layout of the same words.
  const auto opts = [](int dims) { return tsne_options_from_json({{"perplexity", 3}, {"iterations", 50}, {"dimensions", dims}}); };
  EXPECT_EQ(ws.tsne_start(WordSelection::top(15), opts(2))["warm"], false);
  ws.tsne_step(50);
  EXPECT_EQ(ws.tsne_start(WordSelection::top(15), opts(3))["warm"], false);
  EXPECT_EQ(ws.tsne_step(50).coords.cols(), 3);
  EXPECT_EQ(ws.tsne_start(WordSelection::top(15), opts(3))["warm"], true);
}

TEST(Workspace, ContextsAreReadAsTheModelReadsThem) {
  Workspace ws;
  ws.start(corpus(), small());
  train_to_end(ws);
  EXPECT_EQ(ws.predict("the", 5)["context"], json({"<pad>", "the"}));
  EXPECT_EQ(ws.predict("my friend sees the zebra", 5)["context"], json({"the", "<unk>"}));
  const json counts = ws.next_word_counts("", 3);  // a sentence start
  EXPECT_EQ(counts["context"], json({"<pad>", "<pad>"}));
  EXPECT_GT(counts["total"].get<int64_t>(), 0);
  int64_t listed = 0;
  const json all = ws.next_word_counts("", 100);
  for (const auto& c : all["counts"]) listed += c["count"].get<int64_t>();
  EXPECT_EQ(listed, counts["total"].get<int64_t>());
  const json busy = ws.suggest_context();
  ASSERT_TRUE(busy["context"].is_string());
  EXPECT_EQ(ws.next_word_counts(busy["context"], 100)["distinct"], busy["distinct"]);
}

TEST(Workspace, ExportedVectorsOpenAgainToTheSameVectors) {
  Workspace ws;
  ws.start_word2vec(corpus(), word2vec_options_from_json({{"min_count", 1}, {"dim", 8}, {"epochs", 1}}));
  train_to_end(ws);
  const RowMatrix trained = *ws.vectors().table;
  const std::string file = ws.export_vectors("word2vec");
  Workspace other;
  open_vectors(other, file);
  EXPECT_EQ(other.vectors().vocab->words(), ws.vectors().vocab->words());
  EXPECT_EQ(*other.vectors().table, trained);
  EXPECT_NE(error_of([&] { ws.save_model(); }).find("export the vectors"), std::string::npos);
}

// ---- units of text: owned by the workspace, pooled from whatever source it holds -------------

// Steps the units' build and pooling in small budgets until nothing is left; returns the last reply.
json units_to_rest(Workspace& ws, int64_t budget = 7) {
  json p;
  int calls = 0;
  do {
    p = ws.units_step(budget);
    ++calls;
  } while (p["busy"].get<bool>() && calls < 100000);
  EXPECT_LT(calls, 100000);
  return p;
}

// Two topics in paragraphs: animals and boats, with a few words of each.
const char* kParagraphs =
    "The cat sees the dog. The dog likes the cat.\n\n"
    "A small boat sails on the sea. The boat has a sail.\n\n"
    "My cat follows the dog to the garden.\n\n"
    "The old boat sails past the harbour.\n";

// Vectors for those words: animals along x, boats along y.
const char* kTopicVectors =
    "cat 1 0.1 0\ndog 0.9 0.2 0\ngarden 0.7 0.1 0.1\nboat 0.1 1 0\nsails 0.2 0.9 0\nsea 0 0.8 0.2\nsail 0.1 0.9 0.1\n"
    "harbour 0 0.7 0.3\nthe 0.3 0.3 0.3\n";

TEST(WorkspaceUnits, BuiltInStepsAnsweringBm25BeforeAnyVectorsThenPooledWhenVectorsCome) {
  Workspace ws;
  EXPECT_EQ(ws.units_status()["units"], 0);
  EXPECT_NE(error_of([&] { ws.units_search("boat", "bm25", 3); }).find("no units yet"), std::string::npos);
  ws.units_open(kParagraphs, "paragraphs");
  EXPECT_EQ(ws.units_status()["next"], "splitting");
  std::set<std::string> phases;
  json p;
  do {
    p = ws.units_step(5);  // a few bytes, then a few units, at a time
    phases.insert(p["phase"].get<std::string>());
  } while (p["busy"].get<bool>());
  EXPECT_EQ(phases, (std::set<std::string>{"splitting", "indexing"}));  // no vectors: nothing to pool
  EXPECT_EQ(p["units"], 4);
  EXPECT_EQ(p["pooled"], false);
  const json bm25 = ws.units_search("boat sails", "bm25", 2);
  ASSERT_EQ(bm25["hits"].size(), 2u);
  for (const auto& h : bm25["hits"]) EXPECT_TRUE(h["unit"] == 1 || h["unit"] == 3);
  // The hit's text in pieces: every second piece is a matched word, as written.
  const json parts = bm25["hits"][0]["parts"];
  std::string joined;
  for (size_t i = 0; i < parts.size(); ++i) {
    joined += parts[i].get<std::string>();
    if (i % 2 == 1) EXPECT_TRUE(parts[i] == "boat" || parts[i] == "sails") << parts[i];
  }
  EXPECT_EQ(joined, bm25["hits"][0]["unit"] == 1 ? "A small boat sails on the sea. The boat has a sail." : "The old boat sails past the harbour.");
  EXPECT_NE(error_of([&] { ws.units_search("boat", "embedding", 2); }).find("no vectors yet"), std::string::npos);
  EXPECT_EQ(ws.units_search("boat", "hybrid", 2)["notice"], "no vectors yet: ranked by BM25 alone");
  EXPECT_NE(error_of([&] { ws.units_map(100, {}); }).find("no vectors yet"), std::string::npos);

  // Vectors arrive: the next steps pool (no new index: the file reads words as the index did).
  open_vectors(ws, kTopicVectors);
  EXPECT_EQ(ws.units_status()["pooled"], false);
  EXPECT_EQ(ws.units_status()["next"], "pooling");  // a step's work is counted in the next phase's units
  p = ws.units_step(2);
  EXPECT_EQ(p["phase"], "pooling");
  p = units_to_rest(ws, 2);
  EXPECT_EQ(p["pooled"], true);
  EXPECT_EQ(p["fresh"], true);
  EXPECT_EQ(p["with_vector"], 4);
  const json near = ws.units_nearest(1, 3);
  EXPECT_EQ(near["hits"][0]["unit"], 3);  // the other boat paragraph
  const json emb = ws.units_search("sea harbour", "embedding", 4);
  EXPECT_TRUE(emb["hits"][0]["unit"] == 1 || emb["hits"][0]["unit"] == 3);
  EXPECT_EQ(emb["hits"][0]["known"].get<int>() > 0, true);
}

TEST(WorkspaceUnits, ALongHitIsShownFromALittleBeforeItsFirstMatch) {
  Workspace ws;
  std::string long_unit;
  for (int i = 0; i < 80; ++i) long_unit += "word" + std::to_string(i) + " ";
  long_unit += "harbour at the end.";
  ws.units_open(long_unit, "paragraphs");
  units_to_rest(ws);
  const json parts = ws.units_search("harbour", "bm25", 1)["hits"][0]["parts"];
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].get<std::string>().rfind("…", 0), 0u);  // what is left out is marked
  EXPECT_EQ(parts[1], "harbour");
  EXPECT_EQ(parts[2], " at the end.");
  EXPECT_LE(parts[0].get<std::string>().size(), kUnitHitBytes);
}

TEST(WorkspaceUnits, ABadDocumentsFileKeepsTheUnitsThereWere) {
  Workspace ws;
  open_vectors(ws, kTopicVectors);
  ws.units_open(kParagraphs, "paragraphs");
  units_to_rest(ws);
  const json before = ws.units_search("boat", "hybrid", 4);
  // A JSON lines file broken on line 2, sent in two chunks.
  ws.units_documents_begin("jsonl", "body");
  ws.units_documents_chunk("{\"body\": \"a boat\"}\n{\"body\": ");
  ws.units_documents_chunk("oops}\n");
  ws.units_documents_finish();
  json p = units_to_rest(ws);
  EXPECT_EQ(p["error"], "line 2: not valid JSON");
  EXPECT_EQ(p["units"], 4);
  EXPECT_EQ(ws.units_search("boat", "hybrid", 4), before);
  // An empty file, and a text with no unit: the same.
  ws.units_documents_begin("lines", "");
  ws.units_documents_finish();
  EXPECT_EQ(units_to_rest(ws)["error"], "no documents: the text is empty");
  ws.units_open(" \n\n ", "sentences");
  EXPECT_EQ(units_to_rest(ws)["error"], "no sentences: the text is empty");
  EXPECT_EQ(ws.units_search("boat", "hybrid", 4), before);
  EXPECT_NE(error_of([&] { ws.units_documents_chunk("x"); }).find("no documents file in progress"), std::string::npos);
  EXPECT_NE(error_of([&] { ws.units_open("x", "csv"); }).find("sentences or paragraphs"), std::string::npos);
  // A good CSV file replaces them, its column by name.
  ws.units_documents_begin("csv", "text");
  ws.units_documents_chunk("id,text\n1,the cat and the dog\n2,\"a boat, a sail\"\n");
  ws.units_documents_finish();
  p = units_to_rest(ws);
  EXPECT_TRUE(p["error"].is_null());
  EXPECT_EQ(p["units"], 2);
  EXPECT_EQ(ws.units_search("sail", "bm25", 1)["hits"][0]["id"], "3");  // no id column: the source line
}

TEST(WorkspaceUnits, UnitsWithoutAKnownWordAndStopwordQueriesAreExplained) {
  Workspace ws;
  open_vectors(ws, kTopicVectors);
  ws.units_open("Zebras graze quietly.\n\nGiraffes browse tall acacias.\n", "paragraphs");
  const json p = units_to_rest(ws);
  EXPECT_EQ(p["with_vector"], 0);
  EXPECT_NE(error_of([&] { ws.units_map(100, {}); }).find("none of the 2 units has a word with a vector"), std::string::npos);
  EXPECT_NE(error_of([&] { ws.units_nearest(0, 3); }).find("none of the 2 units"), std::string::npos);
  EXPECT_NE(error_of([&] { ws.units_search("zebras", "embedding", 3); }).find("no unit has a word with a vector"), std::string::npos);
  EXPECT_EQ(ws.units_search("zebras", "bm25", 3)["hits"][0]["unit"], 0);  // BM25 still finds them
  EXPECT_NE(error_of([&] { ws.units_search("the and of", "bm25", 3); }).find("stopwords"), std::string::npos);
}

TEST(WorkspaceUnits, NewSourcesRepoolAndTrainingMovesThemOnlyWhenAsked) {
  Workspace ws;
  ws.start_word2vec(corpus(), word2vec_options_from_json({{"min_count", 1}, {"dim", 8}, {"epochs", 2}, {"seed", 5}}));
  ws.units_open(corpus(40, 7), "sentences");
  json p = units_to_rest(ws, 16);
  EXPECT_EQ(p["units"], 40);
  EXPECT_EQ(p["with_vector"], 40);
  const json before = ws.units_nearest(0, 3);
  ws.step(2000);  // the vectors move; the pooling waits until asked
  EXPECT_EQ(ws.units_status()["fresh"], true);
  EXPECT_EQ(ws.units_step(100)["busy"], false);
  EXPECT_EQ(ws.units_nearest(0, 3), before);
  ws.units_repool();
  EXPECT_EQ(ws.units_status()["fresh"], false);
  EXPECT_EQ(ws.units_nearest(0, 3), before);  // the last pooling answers until the new one is done
  p = units_to_rest(ws, 16);
  EXPECT_EQ(p["fresh"], true);
  EXPECT_NE(ws.units_nearest(0, 3)["hits"][0]["score"], before["hits"][0]["score"]);
  // Another source replaces the table the pooling read: the units stay, pooled again from the new one.
  open_vectors(ws, kPlanted);
  EXPECT_EQ(ws.units_status()["pooled"], false);
  EXPECT_EQ(ws.units_search("queen", "bm25", 1)["hits"].size(), 1u);  // BM25 answers meanwhile
  p = units_to_rest(ws, 16);
  EXPECT_EQ(p["pooled"], true);
  EXPECT_EQ(p["units"], 40);
  EXPECT_LT(p["with_vector"].get<int>(), 40);  // the planted file knows "king" and "queen" only
  // Reset: no source; the units stay for BM25.
  ws.drop_source();
  EXPECT_EQ(ws.units_status()["pooled"], false);
  EXPECT_EQ(ws.units_search("queen", "bm25", 1)["hits"].size(), 1u);
  EXPECT_EQ(units_to_rest(ws)["busy"], false);
}

TEST(WorkspaceUnits, VectorsThatReadWordsOtherwiseReindexTheSameUnits) {
  Workspace ws;
  ws.units_open("The Cat sees the Dog.\n\nthe cat and the dog.\n", "paragraphs");
  units_to_rest(ws);
  EXPECT_EQ(ws.units_status()["terms"], 5);  // lowercased: the cat sees dog and
  Settings cased = small();
  cased.tokenizer.lowercase = false;
  ws.start("The Cat sees the Dog. the cat and the dog. " + corpus(50), cased);
  std::set<std::string> phases;
  json p;
  do {
    p = ws.units_step(1);
    phases.insert(p["phase"].get<std::string>());
  } while (p["busy"].get<bool>());
  EXPECT_EQ(phases, (std::set<std::string>{"indexing", "pooling"}));
  EXPECT_EQ(p["terms"], 8);  // The, Cat and Dog kept apart
  EXPECT_EQ(p["next"], "ready");
  EXPECT_EQ(p["units"], 2);
}

TEST(WorkspaceUnits, TheMapClustersTsneAndCompareReadThePooledUnits) {
  Workspace ws;
  open_vectors(ws, kTopicVectors);
  std::string text;
  for (int i = 0; i < 30; ++i) text += i % 2 ? "The boat sails on the sea.\n\n" : "The cat sees the dog in the garden.\n\n";
  ws.units_open(text, "paragraphs");
  units_to_rest(ws);
  const UnitMap all = ws.units_map(1000, {});
  EXPECT_EQ(all.units.size(), 30u);
  EXPECT_EQ(all.texts[1], "The boat sails on the sea.");
  EXPECT_EQ(all.known[1], all.words[1] - 1);  // "on" has no vector
  const UnitMap sample = ws.units_map(10, {});
  EXPECT_EQ(sample.units, (Ids{0, 3, 6, 9, 12, 15, 18, 21, 24, 27}));  // an even sample, in text order
  EXPECT_EQ(sample.with_vector, 30);
  // Aligned to a previous frame of the same units: the same picture again.
  const std::vector<float> previous(sample.projection.coords.data(), sample.projection.coords.data() + 20);
  EXPECT_TRUE(ws.units_map(10, previous).projection.coords.isApprox(sample.projection.coords, 1e-4f));
  const UnitClusterReply c = ws.units_clusters(all.units, kmeans_options_from_json({{"k", 2}, {"seed", 1}}));
  EXPECT_NE(c.assignment[0], c.assignment[1]);
  for (size_t i = 2; i < 30; ++i) EXPECT_EQ(c.assignment[i], c.assignment[i % 2]);
  const auto& boats = c.labels[c.assignment[1]];
  EXPECT_NE(std::find(boats.begin(), boats.end(), "boat"), boats.end());
  EXPECT_NE(error_of([&] { ws.units_clusters({0, 0, 1}, kmeans_options_from_json({{"k", 2}})); }).find("chosen twice"), std::string::npos);
  EXPECT_NE(error_of([&] { ws.units_clusters({0, 99}, kmeans_options_from_json({{"k", 2}})); }).find("unit 99 does not exist"), std::string::npos);
  EXPECT_EQ(ws.units_tsne_start(all.units, tsne_options_from_json({{"perplexity", 5}, {"iterations", 50}}))["n"], 30);
  EXPECT_TRUE(ws.tsne_step(100).done);
  EXPECT_EQ(ws.units_tsne_start(all.units, tsne_options_from_json({{"perplexity", 5}, {"iterations", 50}}))["warm"], true);
  // Compared with the units' weights; the shares of one side sum to the cosine.
  const json cmp = ws.units_compare("the cat sees a dog", "a dog in the garden");
  EXPECT_EQ(cmp["with_units"], true);
  double sum = 0;
  for (const auto& w : cmp["a"]) sum += w["contribution"].get<double>();
  EXPECT_NEAR(sum, cmp["cosine"].get<double>(), 1e-4);
  EXPECT_NE(error_of([&] { ws.units_compare("of and to", "cat"); }).find("no word with a vector"), std::string::npos);
}

TEST(WorkspaceUnits, SentenceTestsRunOnTheShippedData) {
  auto read = [](const std::string& name) {
    std::ifstream in(std::string(EMBPLAY_TEST_DATA) + "/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  Workspace ws;
  EXPECT_NE(error_of([&] { ws.sentence_eval_run(); }).find("no vectors yet"), std::string::npos);
  open_vectors(ws, kTopicVectors);
  EXPECT_NE(error_of([&] { ws.sentence_eval_run(); }).find("not loaded"), std::string::npos);
  ws.sentence_eval_load("sts", read("sts/sts-test.tsv"));
  ws.sentence_eval_load("cranfield-documents", read("ir/cranfield/documents.jsonl"));
  ws.sentence_eval_load("cranfield-queries", read("ir/cranfield/queries.jsonl"));
  ws.sentence_eval_load("cranfield-qrels", read("ir/cranfield/qrels.tsv"));
  EXPECT_NE(error_of([&] { ws.sentence_eval_load("msr", ""); }).find("unknown sentence test"), std::string::npos);
  const json r = ws.sentence_eval_run();
  EXPECT_EQ(r["sts"]["pairs"], 1379);
  EXPECT_EQ(r["sts"]["rows"].size(), 8u);
  // TF-IDF and BM25 need no vectors: their figures are the collection's (bench/README.md).
  EXPECT_NEAR(r["sts"]["tfidf"][0]["spearman"].get<double>(), 0.693, 0.01);
  EXPECT_EQ(r["ir"]["rows"][1]["method"], "bm25");
  EXPECT_NEAR(r["ir"]["rows"][1]["ndcg10"].get<double>(), 0.344, 0.01);
  EXPECT_EQ(r["ir"]["queries"], 225);
}
}  // namespace
}  // namespace embplay
