// Semantic axes: reading pairs and sets (and refusing what is not an axis), directions and
// projections against values computed by hand, orthogonalisation, and the workspace's errors.
#include "semantic_axes.h"

#include <gtest/gtest.h>

#include <cmath>

#include "error_message.h"
#include "workspace.h"

namespace embplay {
namespace {

using nlohmann::json;
using Words = std::vector<std::string>;

TEST(ParseAxis, ReadsPairsAndSets) {
  const AxisWords pairs = parse_axis("  he-she, man - woman,king-queen , ", "x");
  EXPECT_TRUE(pairs.pairs);
  EXPECT_EQ(pairs.positive, (Words{"he", "man", "king"}));
  EXPECT_EQ(pairs.negative, (Words{"she", "woman", "queen"}));
  const AxisWords sets = parse_axis("{rich wealthy, well-off} - { poor needy }", "y");
  EXPECT_FALSE(sets.pairs);
  EXPECT_EQ(sets.positive, (Words{"rich", "wealthy", "well-off"}));  // a hyphen inside a set is part of the word
  EXPECT_EQ(sets.negative, (Words{"poor", "needy"}));
  // A pair may repeat a word as long as each side has two different ones.
  EXPECT_EQ(parse_axis("he-she, him-her, he-woman", "x").positive, (Words{"he", "him", "he"}));
}

TEST(ParseAxis, RefusesFewerThanTwoWordsASideWithTheReason) {
  EXPECT_EQ(error_of([] { parse_axis("young-old", "x"); }),
            "x axis: each side needs at least two different words, and \u201cyoung-old\u201d is one pair: "
            "add another pair (he-she, man-woman)");
  EXPECT_EQ(error_of([] { parse_axis("he-she, he-her", "x"); }),
            "x axis: each side needs at least two different words, and \u201che-she, he-her\u201d has only \u201che\u201d "
            "on one side: add another pair (he-she, man-woman)");
  EXPECT_EQ(error_of([] { parse_axis("{rich wealthy} - {poor}", "y"); }),
            "y axis: each side needs at least two different words, and {poor} has one: add another word "
            "({rich wealthy} - {poor needy})");
  EXPECT_NE(error_of([] { parse_axis("{} - {poor needy}", "y"); }).find("{} has none"), std::string::npos);
}

TEST(ParseAxis, RefusesWhatIsNotAnAxis) {
  EXPECT_NE(error_of([] { parse_axis("  ", "x"); }).find("x axis: type its two ends"), std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("he she, man-woman", "x"); }).find("\u201che she\u201d is not a pair"), std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("well-known-obscure, a-b", "x"); }).find("is not a pair"), std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("{rich wealthy} {poor needy}", "x"); }).find("write two sets"), std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("{rich wealthy - {poor needy}", "x"); }).find("write two sets"), std::string::npos);
  EXPECT_NE(error_of([] { parse_axis("{rich wealthy} - {poor needy} extra", "x"); }).find("write two sets"), std::string::npos);
  EXPECT_EQ(error_of([] { parse_axis("{rich rich wealthy} - {poor needy}", "x"); }), "x axis: \u201crich\u201d is written twice in one set");
  EXPECT_EQ(error_of([] { parse_axis("{rich poor} - {poor needy}", "x"); }), "x axis: \u201cpoor\u201d is on both sides");
}

TEST(AxisEndLabel, NamesTwoWordsAndSaysWhenThereAreMore) {
  EXPECT_EQ(axis_end_label({"he", "man"}), "he, man");
  EXPECT_EQ(axis_end_label({"he", "he", "man"}), "he, man");
  EXPECT_EQ(axis_end_label({"rich", "wealthy", "affluent"}), "rich, wealthy\u2026");
  EXPECT_EQ(split_word_list(" cat, dog  fox,,car "), (Words{"cat", "dog", "fox", "car"}));
}

TEST(AxisDirection, IsTheMeanOfUnitPositivesMinusTheMeanOfUnitNegatives) {
  RowMatrix pos(2, 3), neg(2, 3);
  pos << 2, 0, 0,   // unit: (1, 0, 0)
      0, 3, 0;      // unit: (0, 1, 0)
  neg << 0, 0, 5,   // unit: (0, 0, 1)
      0, 0, -1;     // unit: (0, 0, -1)
  const Eigen::VectorXf a = axis_direction(pos, neg, "x");
  EXPECT_NEAR(a(0), 0.5f, 1e-6);
  EXPECT_NEAR(a(1), 0.5f, 1e-6);
  EXPECT_NEAR(a(2), 0.0f, 1e-6);
  // Pairs are the same formula: the mean of the differences of unit vectors.
  const Eigen::VectorXf pairs = ((pos.row(0) / 2 - neg.row(0) / 5) + (pos.row(1) / 3 - neg.row(1))).transpose() / 2;
  EXPECT_LT((a - pairs).norm(), 1e-6);
  EXPECT_NE(error_of([&] { axis_direction(pos, pos * 4, "y"); }).find("y axis: its two ends have the same mean direction"),
            std::string::npos);
}

TEST(PlaceOnAxes, GivesEachWordsCosineWithTheAxesAndOrthogonalisesY) {
  // x axis along e0; y axis as written (1, 1, 0): cosine 1/sqrt(2) with x.
  Eigen::VectorXf x(3), y(3);
  x << 2, 0, 0;
  y << 1, 1, 0;
  RowMatrix words(3, 3);
  words << 3, 4, 0,  // unit (0.6, 0.8, 0)
      0, 0, 7,       // unit (0, 0, 1): on neither axis
      0, 0, 0;       // zero: 0 on both
  const AxesLayout kept = place_on_axes(words, x, y, false);
  EXPECT_FALSE(kept.orthogonal);
  EXPECT_NEAR(kept.cosine, std::sqrt(0.5f), 1e-6);
  EXPECT_NEAR(kept.coords(0, 0), 0.6f, 1e-6);
  EXPECT_NEAR(kept.coords(0, 1), (0.6f + 0.8f) / std::sqrt(2.0f), 1e-6);  // cos with (1, 1, 0)
  EXPECT_NEAR(kept.coords(1, 0), 0.0f, 1e-6);
  EXPECT_NEAR(kept.coords(1, 1), 0.0f, 1e-6);
  EXPECT_EQ(kept.coords.row(2), Eigen::RowVector2f::Zero());
  // Orthogonalised, y loses its x part: it becomes e1, and the word's y is its e1 share.
  const AxesLayout orth = place_on_axes(words, x, y, true);
  EXPECT_TRUE(orth.orthogonal);
  EXPECT_NEAR(orth.cosine, std::sqrt(0.5f), 1e-6);  // reported as written
  EXPECT_NEAR(orth.coords(0, 0), 0.6f, 1e-6);
  EXPECT_NEAR(orth.coords(0, 1), 0.8f, 1e-6);
  // A y almost along x has nothing left once made orthogonal.
  Eigen::VectorXf near_x(3);
  near_x << 1, 0.01f, 0;
  EXPECT_NE(error_of([&] { place_on_axes(words, x, near_x, true); }).find("the y axis is almost the x axis"), std::string::npos);
  EXPECT_NO_THROW(place_on_axes(words, x, near_x, false));
}

// Words with a planted gender axis (dimension 0) and age axis (dimension 1), noise in the others.
std::string planted_file() {
  std::string text;
  const char* rows[] = {
      "he 1 0 0.1 0",      "she -1 0 0.1 0",   "man 1 0.1 0 0.1", "woman -1 0.1 0 0.1",
      "boy 0.8 0.9 0.1 0", "girl -0.8 0.9 0 0.1", "old 0 -1 0.1 0.1", "young 0 1 0.1 0",
      "elderly 0.1 -1 0 0", "youthful -0.1 1 0 0", "table 0 0 1 0",   "chair 0 0 0.9 0.2",
  };
  for (const char* r : rows) text += std::string(r) + "\n";
  return text;
}

void open_planted(Workspace& ws) {
  ws.import_begin("glove", 100);
  ws.import_chunk(planted_file());
  ws.import_finish();
}

TEST(WorkspaceAxes, PlacesTheShownWordsAndDescribesTheAxes) {
  Workspace ws;
  open_planted(ws);
  const AxesReply r = ws.axes(WordSelection::top(12), "he-she, man-woman", "{young youthful} - {old elderly}", true);
  ASSERT_EQ(r.coords.rows(), 12);
  const json words = ws.words(WordSelection::top(12))["words"];
  const auto at = [&](const std::string& w) {
    for (size_t i = 0; i < words.size(); ++i)
      if (words[i] == w) return static_cast<Eigen::Index>(i);
    return Eigen::Index(-1);
  };
  EXPECT_GT(r.coords(at("boy"), 0), 0.5f);   // male: right
  EXPECT_LT(r.coords(at("girl"), 0), -0.5f); // female: left
  EXPECT_GT(r.coords(at("boy"), 1), 0.5f);   // young: up
  EXPECT_LT(r.coords(at("elderly"), 1), -0.5f);
  EXPECT_LT(std::abs(r.coords(at("table"), 0)), 0.2f);  // neither
  EXPECT_EQ(r.axes["x"]["label_positive"], "he, man");
  EXPECT_EQ(r.axes["x"]["label_negative"], "she, woman");
  EXPECT_EQ(r.axes["y"]["pairs"], false);
  EXPECT_EQ(r.axes["orthogonal"], true);
  EXPECT_LT(std::abs(r.axes["cosine"].get<double>()), 0.3);
}

TEST(WorkspaceAxes, NamesUnknownWordsAndRefusesOneWordASide) {
  Workspace ws;
  open_planted(ws);
  EXPECT_EQ(error_of([&] { ws.axes(WordSelection::top(5), "he-she, king-queen, xyz-she", "young-old, youthful-elderly", true); }),
            "x axis: not in the vocabulary: king, queen, xyz");
  EXPECT_EQ(error_of([&] { ws.axes(WordSelection::top(5), "he-she, man-woman", "young-old", true); }),
            "y axis: each side needs at least two different words, and \u201cyoung-old\u201d is one pair: add another pair (he-she, man-woman)");
  // Opened vectors read typed words as typed, then lowercased when only that spelling is known.
  EXPECT_NO_THROW(ws.axes(WordSelection::top(5), "He-She, man-woman", "young-old, youthful-elderly", false));
}

}  // namespace
}  // namespace embplay
