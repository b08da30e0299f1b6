// Model files: a saved and reloaded model is the same model; broken files get clear errors.
#include <gtest/gtest.h>

#include "geometry.h"
#include "model_io.h"
#include "trainer.h"

namespace embplay {
namespace {

TrainedModel trained_model(int hidden, bool direct = false) {
  Settings s;
  s.dim = 6;
  s.hidden = hidden;
  s.direct = direct;
  s.epochs = 2;
  Trainer t("the cat sat on the mat. the dog sat on the log. a cat and a dog.", s);
  while (!t.step(100).finished) {
  }
  return t.trained();
}

TEST(ModelIo, RoundTripPredictsExactlyAsBefore) {
  for (int hidden : {0, 5}) {
    const TrainedModel m = trained_model(hidden);
    const std::string text = model_to_json(m).dump();
    const TrainedModel back = model_from_json(nlohmann::json::parse(text));
    EXPECT_EQ(back.vocab.words(), m.vocab.words());
    EXPECT_EQ(back.vocab.counts(), m.vocab.counts());
    EXPECT_EQ(settings_to_json(back.settings), settings_to_json(m.settings));
    EXPECT_EQ(back.model.embed, m.model.embed);
    EXPECT_EQ(back.model.w1, m.model.w1);
    EXPECT_EQ(back.model.w2, m.model.w2);
    EXPECT_EQ(back.model.b2, m.model.b2);
    const auto p = predict_next(m, {"the"}, 5), q = predict_next(back, {"the"}, 5);
    ASSERT_EQ(p.size(), q.size());
    for (size_t i = 0; i < p.size(); ++i) {
      EXPECT_EQ(p[i].id, q[i].id);
      EXPECT_EQ(p[i].probability, q[i].probability);
    }
  }
}

TEST(ModelIo, DirectConnectionsRoundTripAndAreWrittenOnlyWhenPresent) {
  const TrainedModel m = trained_model(5, true);
  ASSERT_EQ(m.model.w3.rows(), m.vocab.size());
  const nlohmann::json j = model_to_json(m);
  ASSERT_TRUE(j["weights"].contains("w3"));
  const TrainedModel back = model_from_json(nlohmann::json::parse(j.dump()));
  EXPECT_TRUE(back.settings.direct);
  EXPECT_EQ(back.model.w3, m.model.w3);
  EXPECT_EQ(predict_next(back, {"the"}, 3)[0].probability, predict_next(m, {"the"}, 3)[0].probability);
  EXPECT_FALSE(model_to_json(trained_model(5))["weights"].contains("w3"));
  nlohmann::json broken = j;
  broken["weights"].erase("w3");
  EXPECT_THROW(model_from_json(broken), InputError);
}

TEST(ModelIo, AHierarchicalSoftmaxRoundTripsWithItsTree) {
  Settings s;
  s.dim = 6;
  s.hidden = 5;
  s.epochs = 2;
  s.softmax = "hierarchical";
  Trainer t("the cat sat on the mat. the dog sat on the log. a cat and a dog.", s);
  while (!t.step(100).finished) {
  }
  const TrainedModel& m = t.trained();
  const TrainedModel back = model_from_json(nlohmann::json::parse(model_to_json(m).dump()));
  EXPECT_EQ(back.settings.softmax, "hierarchical");
  ASSERT_NE(back.model.tree, nullptr);  // rebuilt from the counts: the same paths
  for (int32_t w = 0; w < m.vocab.size(); ++w)
    EXPECT_EQ(std::vector<int32_t>(back.model.tree->path_nodes(w), back.model.tree->path_nodes(w) + back.model.tree->path_length(w)),
              std::vector<int32_t>(m.model.tree->path_nodes(w), m.model.tree->path_nodes(w) + m.model.tree->path_length(w)));
  const auto p = predict_next(m, {"the"}, 100), q = predict_next(back, {"the"}, 100);
  ASSERT_EQ(p.size(), static_cast<size_t>(m.vocab.size()));
  double sum = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    EXPECT_EQ(p[i].id, q[i].id);
    EXPECT_EQ(p[i].probability, q[i].probability);
    sum += p[i].probability;
  }
  EXPECT_NEAR(sum, 1.0, 1e-5);
}

TEST(ModelIo, FilesFromBeforeTheNewSettingsLoadWithDefaults) {
  nlohmann::json j = model_to_json(trained_model(5));
  for (const char* name : {"test_fraction", "split", "patience", "loss", "schedule", "warmup", "clip", "weight_decay",
                           "direct", "ngram_order", "han_bigrams", "softmax", "samples"})
    j["settings"].erase(name);
  j["settings"]["valid_fraction"] = 0.5;  // allowed then; with the default test_fraction it would not be
  const TrainedModel m = model_from_json(j);
  EXPECT_FALSE(m.settings.direct);
  EXPECT_EQ(m.settings.loss, "cross_entropy");
  EXPECT_EQ(m.settings.softmax, "full");
  EXPECT_EQ(m.model.tree, nullptr);
  EXPECT_EQ(m.settings.test_fraction, 0.0f);
  EXPECT_FALSE(m.settings.tokenizer.han_bigrams);  // read as they were trained: one token per ideograph
  EXPECT_EQ(m.model.w3.size(), 0);
  EXPECT_TRUE(model_from_json(model_to_json(trained_model(5))).settings.tokenizer.han_bigrams);  // written now: kept
}

TEST(ModelIo, RejectsBrokenFilesWithAReason) {
  const nlohmann::json good = model_to_json(trained_model(5));
  auto expect_error = [](const nlohmann::json& j, const std::string& needle) {
    try {
      model_from_json(j);
      FAIL() << "accepted a file that should mention " << needle;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error(nlohmann::json::array(), "not an Embedding Playground model");
  nlohmann::json j = good;
  j["version"] = 99;
  expect_error(j, "version");
  j = good;
  j["weights"]["w2"]["f32le"] = "abc";
  expect_error(j, "base64");
  j = good;
  j["weights"]["embed"]["rows"] = 3;
  expect_error(j, "weights.embed");
  j = good;
  j["weights"].erase("b1");
  expect_error(j, "weights.b1 is missing");
  j = good;
  j["settings"]["dim"] = 1e9;
  expect_error(j, "dim");
  j = good;
  j["vocab"]["words"][0] = "x";
  expect_error(j, "<pad>");
}

}  // namespace
}  // namespace embplay
