// The page's workspace, natively: one source of vectors at a time, replaced only by a valid one;
// the twin catching up to exactly the run's step with the lockstep figures; selections and typed
// words checked; every tool on every source.
#include "workspace.h"

#include <gtest/gtest.h>

#include <string>

#include "error_message.h"
#include "input_error.h"

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

}  // namespace
}  // namespace embplay
