// The settings table: schema, JSON round trip, and errors that name the field.
#include <gtest/gtest.h>

#include "schema_checks.h"
#include "settings.h"

namespace embplay {
namespace {

TEST(Settings, SchemaListsEveryFieldWithDefaultsThatValidate) {
  const nlohmann::json schema = settings_schema();
  nlohmann::json defaults = nlohmann::json::object();
  for (const auto& f : schema) defaults[f["name"].get<std::string>()] = f["default"];
  EXPECT_EQ(defaults, settings_to_json(Settings{}));
  EXPECT_EQ(settings_to_json(settings_from_json(defaults)), defaults);
  EXPECT_EQ(defaults["context"], 2);
  EXPECT_EQ(defaults["max_vocab"], 5000);
}

TEST(Settings, EveryRangeIsCheckedAtBothEnds) {
  // Each held-out fraction may reach 0.5 while the other is 0 (together they may not pass 0.5).
  expect_schema_checked_at_both_ends(settings_schema(), [](const nlohmann::json& j) { settings_from_json(j); },
                                     settings_to_json(Settings{}), {{"valid_fraction", 0}, {"test_fraction", 0}});
}

TEST(Settings, ErrorsNameTheFieldAndTheRange) {
  auto message = [](const nlohmann::json& j) -> std::string {
    try {
      settings_from_json(j);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message({{"context", 0}}).find("context must be a whole number from 1 to 8"), std::string::npos);
  EXPECT_NE(message({{"dim", 2.5}}).find("dim"), std::string::npos);
  EXPECT_NE(message({{"lr", "fast"}}).find("lr"), std::string::npos);
  EXPECT_NE(message({{"optimizer", "rmsprop"}}).find("adam"), std::string::npos);
  EXPECT_NE(message({{"colour", 1}}).find("unknown setting: colour"), std::string::npos);
  EXPECT_NE(message(nlohmann::json::array()).find("object"), std::string::npos);
  EXPECT_NE(message({{"softmax", "negative"}}).find("one of full hierarchical sampled"), std::string::npos);
  EXPECT_NE(message({{"samples", 0}}).find("samples must be a whole number from 1 to 10000"), std::string::npos);
  EXPECT_NE(message({{"softmax", "sampled"}, {"loss", "mse"}}).find("setting loss mse needs softmax full"), std::string::npos);
  EXPECT_NE(message({{"softmax", "hierarchical"}, {"direct", true}}).find("setting direct"), std::string::npos);
  EXPECT_EQ(message({{"softmax", "hierarchical"}, {"samples", 10}}), "");
}

TEST(Settings, SetFromCommandLineText) {
  Settings s;
  set_setting(s, "dim", "64");
  set_setting(s, "optimizer", "sgd");
  set_setting(s, "lowercase", "false");
  set_setting(s, "lr", "0.25");
  EXPECT_EQ(s.dim, 64);
  EXPECT_EQ(s.optimizer, "sgd");
  EXPECT_FALSE(s.tokenizer.lowercase);
  EXPECT_FLOAT_EQ(s.lr, 0.25f);
  EXPECT_THROW(set_setting(s, "dim", "lots"), InputError);
  EXPECT_THROW(set_setting(s, "lowercase", "maybe"), InputError);
}

}  // namespace
}  // namespace embplay
