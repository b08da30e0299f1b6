// The page's sentence encoder (EncoderSession, held by the Workspace): a failed start keeps the run
// there was, the map's sample and frames, the STS curve's pairs.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "encoder_session.h"
#include "error_message.h"
#include "workspace.h"

namespace embplay {
namespace {

std::string lines(int count) {
  const char* who[] = {"the cat", "a dog", "the sailor", "my aunt"};
  const char* does[] = {"sees", "paints", "follows"};
  const char* what[] = {"the boat", "a red apple", "the old house", "the sea"};
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += std::string(who[i % 4]) + " " + does[(i / 4) % 3] + " " + what[(i / 12) % 4] + "\n";
  }
  return out;
}

const char* kOptions = R"({"dim": 16, "heads": 2, "layers": 1, "ff": 32, "batch": 8, "mlm_epochs": 1, "simcse_epochs": 1, "min_count": 1})";

TEST(EncoderSession, AFailedStartKeepsTheRunThereWas) {
  Workspace ws;
  EncoderSession& e = ws.encoder();
  EXPECT_NE(error_of([&] { e.step(10); }).find("no sentence encoder"), std::string::npos);
  const nlohmann::json stats = e.start(lines(48), kOptions, true);
  EXPECT_EQ(stats["sentences"], 48);
  EXPECT_EQ(stats["map"], 48);
  const nlohmann::json p = e.step(8);
  EXPECT_EQ(p["phase"], "mlm");
  EXPECT_GT(p["loss_count"].get<int64_t>(), 0);
  EXPECT_NE(error_of([&] { e.start("", kOptions, true); }), "");
  EXPECT_NE(error_of([&] { e.start(lines(10), R"({"heads": 3})", true); }).find("heads"), std::string::npos);
  EXPECT_NE(error_of([&] { e.start(lines(10), "[1]", true); }).find("JSON object"), std::string::npos);
  // Still the first run: it goes on from its step.
  EXPECT_EQ(e.trainer().stats().sentences, 48);
  EXPECT_EQ(e.step(8)["step"], p["step"].get<int64_t>() + 1);
}

TEST(EncoderSession, TheMapIsAnEvenSampleTurnedToItsLastFrame) {
  EncoderSession e;
  e.start(lines(1000), kOptions, true);
  ASSERT_EQ(e.map_texts().size(), static_cast<size_t>(EncoderSession::kMapSentences));
  EXPECT_EQ(e.map_texts()[0], "the cat sees the boat");
  const Projection first = e.map("cls", {});
  ASSERT_EQ(first.coords.rows(), EncoderSession::kMapSentences);
  const std::vector<float> previous(first.coords.data(), first.coords.data() + first.coords.size());
  e.step(64);
  const Projection next = e.map("cls", previous);
  // Turned towards the last frame: closer to it than the same vectors' plain PCA is, or as close.
  const Projection plain = e.map("cls", {});
  EXPECT_LE((next.coords - first.coords).norm(), (plain.coords - first.coords).norm() + 1e-4);
  EXPECT_NE(error_of([&] { e.map("sum", {}); }), "");
}

TEST(EncoderSession, StsCurveOnAnEvenSampleOfThePairs) {
  EncoderSession e;
  e.start(lines(100), kOptions, true);
  EXPECT_NE(error_of([&] { e.sts(); }).find("no STS pairs"), std::string::npos);
  std::string sts = "genre\tfilename\tyear\tsid\tscore\tsentence1\tsentence2\n";
  const char* others[] = {"the cat sees the sea", "a dog paints the sea", "my aunt follows the old house", "the sailor sees the boat"};
  for (int i = 0; i < 40; ++i) {
    sts += "g\tf\t2012\t" + std::to_string(i) + "\t" + std::to_string(i % 6) + "\tthe cat sees the boat\t" + others[i % 4] + "\n";
  }
  e.sts_load(sts);
  const nlohmann::json r = e.sts();
  EXPECT_EQ(r["pairs"], 40);
  EXPECT_TRUE(r["cls"].is_number());
}

}  // namespace
}  // namespace embplay
