// The sentence encoder as a whole: its options' table, masking, phases, losses that fall, topics
// that separate, runs that repeat bit for bit, padding-free encoding, attention maps, STS scores,
// files, and bad input refused with a message.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "encoder_io.h"
#include "encoder_trainer.h"
#include "error_message.h"
#include "schema_checks.h"

namespace embplay {
namespace {

// Sentences of two topics: 3 to 8 words drawn from one topic's words and a few shared ones.
std::vector<Sentence> topic_sentences(int count, uint64_t seed) {
  const std::vector<std::string> a = {"cat", "dog", "fur", "paw", "tail", "bark", "purr", "pet"};
  const std::vector<std::string> b = {"ship", "sea", "wave", "sail", "port", "crew", "boat", "tide"};
  const std::vector<std::string> shared = {"the", "a", "and", "of"};
  Rng rng(seed);
  std::vector<Sentence> out;
  for (int i = 0; i < count; ++i) {
    const auto& topic = i % 2 ? b : a;
    Sentence s;
    const int n = 3 + static_cast<int>(rng.below(6));
    for (int w = 0; w < n; ++w) s.push_back(rng.uniform() < 0.3f ? shared[rng.below(4)] : topic[rng.below(8)]);
    out.push_back(s);
  }
  return out;
}

EncoderOptions tiny_options() {
  EncoderOptions o;
  o.dim = 16;
  o.heads = 2;
  o.layers = 1;
  o.ff = 32;
  o.max_words = 8;
  o.batch = 16;
  o.min_count = 1;
  o.mlm_epochs = 3;
  o.simcse_epochs = 2;
  o.lr = 3e-3f;
  o.contrastive_lr = 1e-3f;
  o.temperature = 0.1f;
  return o;
}

EncoderProgress train_all(EncoderTrainer& t, int64_t budget = 1000) {
  EncoderProgress p;
  do p = t.step(budget); while (!p.finished && !p.diverged);
  return p;
}

TEST(EncoderOptions, TheTableChecksEveryRangeAndHeadsDivideDim) {
  expect_schema_checked_at_both_ends(encoder_schema(), [](const nlohmann::json& j) { encoder_options_from_json(j); },
                                     encoder_options_to_json(EncoderOptions{}));
  EXPECT_NE(error_of([] { encoder_options_from_json({{"dim", 30}, {"heads", 4}}); }).find("heads must divide dim"),
            std::string::npos);
  EncoderOptions o;
  set_encoder_option(o, "pooling", "mean");
  set_encoder_option(o, "dim", "32");
  EXPECT_EQ(o.pooling, "mean");
  EXPECT_EQ(o.dim, 32);
  EXPECT_NE(error_of([&] { set_encoder_option(o, "pooling", "first"); }).find("pooling must be"), std::string::npos);
}

TEST(WordMasker, HidesRoundedSharesWithTheEightyTenTenRule) {
  std::vector<Ids> seqs;
  Rng rng(6);
  for (int b = 0; b < 400; ++b) {
    Ids s(1 + b % 20);
    for (auto& id : s) id = kFirstWordId + static_cast<int32_t>(rng.below(50));
    seqs.push_back(s);
  }
  const TokenBatch original = TokenBatch::of(seqs, 24);
  TokenBatch batch = original;
  WordMasker masker;
  std::vector<int32_t> positions;
  Ids targets;
  Rng masks(3);
  masker.mask(batch, 0.15f, 54, masks, positions, targets);
  std::vector<int> per_sequence(batch.size, 0);
  int as_mask = 0, kept = 0, replaced = 0;
  for (size_t m = 0; m < positions.size(); ++m) {
    const int b = positions[m] / batch.length, t = positions[m] % batch.length;
    ASSERT_GE(t, 1) << "[CLS] is never hidden";
    ASSERT_LT(t, batch.lengths[b]) << "padding is never hidden";
    EXPECT_EQ(targets[m], original.ids[positions[m]]);
    ++per_sequence[b];
    const int32_t now = batch.ids[positions[m]];
    if (now == kMaskId) ++as_mask;
    else if (now == targets[m]) ++kept;
    else {
      ++replaced;
      EXPECT_GE(now, kFirstWordId);
    }
  }
  EXPECT_EQ(std::set<int32_t>(positions.begin(), positions.end()).size(), positions.size()) << "distinct positions";
  for (int b = 0; b < batch.size; ++b)
    EXPECT_EQ(per_sequence[b], std::max(1L, std::lround(0.15 * (batch.lengths[b] - 1)))) << b;
  const double n = static_cast<double>(positions.size());
  EXPECT_NEAR(as_mask / n, 0.8, 0.04);
  EXPECT_NEAR(replaced / n, 0.1, 0.035);  // a random word is now and then the word itself: counted as kept
  EXPECT_NEAR(kept / n, 0.1, 0.035);
  for (size_t i = 0; i < batch.ids.size(); ++i)
    if (std::find(positions.begin(), positions.end(), static_cast<int32_t>(i)) == positions.end())
      ASSERT_EQ(batch.ids[i], original.ids[i]) << "only hidden positions change";
}

TEST(EncoderTrainer, PhasesRunInOrderAndEachLossFalls) {
  EncoderOptions o = tiny_options();
  o.mlm_epochs = 8;
  EncoderTrainer t(topic_sentences(160, 1), {}, o);
  ASSERT_EQ(t.phases(), (std::vector<EncoderPhase>{EncoderPhase::kMlm, EncoderPhase::kSimcse}));
  std::vector<std::string> phases;
  std::vector<double> first_epoch, last_epoch;
  double sum = 0;
  int64_t count = 0;
  EncoderProgress p;
  do {
    p = t.step(40);
    ASSERT_FALSE(p.diverged);
    EXPECT_GT(p.tokens, p.examples);  // [CLS] and the words
    EXPECT_GT(p.lr, 0);
    sum += p.loss_sum;
    count += p.loss_count;
    if (p.epoch_end) {
      if (p.epoch == 1) first_epoch.push_back(sum / count);
      if (p.phase_end) last_epoch.push_back(sum / count), phases.push_back(p.phase);
      sum = 0, count = 0;
    }
  } while (!p.finished);
  EXPECT_EQ(phases, (std::vector<std::string>{"mlm", "simcse"}));
  ASSERT_EQ(first_epoch.size(), 2u);
  // Masked words: from about ln V (guessing) towards the topics' entropy (about 2.5 nats: the
  // sentence's topic known, a word of it or a shared one); SimCSE: below its first epoch.
  EXPECT_NEAR(first_epoch[0], std::log(double(t.stats().vocab)), 0.6);
  EXPECT_LT(last_epoch[0], first_epoch[0] - 0.25);
  EXPECT_LT(last_epoch[1], first_epoch[1]);
  EXPECT_EQ(p.step, 8 * 10 + 2 * 10);  // 160 sentences in batches of 16
}

TEST(EncoderTrainer, TopicsSeparateAfterTraining) {
  EncoderOptions o = tiny_options();
  o.mlm_epochs = 4;
  o.simcse_epochs = 3;
  EncoderTrainer t(topic_sentences(200, 2), {}, o);
  train_all(t);
  std::vector<std::string> texts;
  for (const Sentence& s : topic_sentences(40, 9)) {
    std::string line;
    for (const auto& w : s) line += w + " ";
    texts.push_back(line);
  }
  const SentenceVectors v = encode(t.encoder(), texts);
  for (EncoderPooling pooling : kEncoderPoolings) {
    const RowMatrix& m = v.of(pooling);
    double same = 0, other = 0;
    int n_same = 0, n_other = 0;
    for (int i = 0; i < m.rows(); ++i)
      for (int j = i + 1; j < m.rows(); ++j) {
        const double c = m.row(i).dot(m.row(j)) / (m.row(i).norm() * m.row(j).norm());
        (i % 2 == j % 2 ? same : other) += c;
        ++(i % 2 == j % 2 ? n_same : n_other);
      }
    EXPECT_GT(same / n_same, other / n_other + 0.2) << encoder_pooling_name(pooling);
  }
}

TEST(EncoderTrainer, TheSameSeedRepeatsTheRunBitForBit) {
  const auto run = [](uint32_t seed, int64_t budget) {
    EncoderOptions o = tiny_options();
    o.seed = seed;
    o.mlm_epochs = 1;
    o.simcse_epochs = 1;
    EncoderTrainer t(topic_sentences(64, 3), {}, o);
    train_all(t, budget);
    return encoder_to_json(t.encoder()).dump();
  };
  const std::string a = run(4, 1000);
  EXPECT_EQ(a, run(4, 7));  // one batch per call instead of an epoch: the same run
  EXPECT_NE(a, run(5, 1000));
}

TEST(EncoderTrainer, PairsTrainAfterTheOtherPhases) {
  std::vector<SentencePair> pairs;
  const std::vector<Sentence> s = topic_sentences(40, 4);
  for (size_t i = 0; i + 2 < s.size(); i += 2) pairs.push_back({s[i], s[i + 2]});  // same topic
  EncoderOptions o = tiny_options();
  o.mlm_epochs = 1;
  o.simcse_epochs = 0;
  o.pairs_epochs = 3;
  o.batch = 4;
  EncoderTrainer t(s, pairs, o);
  EXPECT_EQ(t.stats().pairs, 19);
  ASSERT_EQ(t.phases(), (std::vector<EncoderPhase>{EncoderPhase::kMlm, EncoderPhase::kPairs}));
  EncoderProgress p;
  int64_t pair_examples = 0;
  do {
    p = t.step(1000);
    if (p.phase != "pairs") continue;
    pair_examples += p.examples;
    EXPECT_EQ(p.epoch_size, 19);
  } while (!p.finished);
  EXPECT_EQ(pair_examples, 3 * 19);  // 19 pairs in batches of 4, 4, 4, 4, 3
  EXPECT_EQ(p.phase_steps, 3 * 5);
}

TEST(EncoderTrainer, BadInputIsRefusedWithAMessage) {
  EncoderOptions o = tiny_options();
  EXPECT_NE(error_of([&] { EncoderTrainer({}, {}, o); }).find("no sentences"), std::string::npos);
  EXPECT_NE(error_of([&] { EncoderTrainer({{"one", "sentence"}}, {}, o); }).find("at least 2 sentences"), std::string::npos);
  o.mlm_epochs = o.simcse_epochs = 0;
  EXPECT_NE(error_of([&] { EncoderTrainer(topic_sentences(10, 1), {}, o); }).find("Nothing to train"), std::string::npos);
  o = tiny_options();
  o.min_count = 1000;
  EXPECT_NE(error_of([&] { EncoderTrainer(topic_sentences(10, 1), {}, o); }).find("min_count"), std::string::npos);
  EXPECT_NE(error_of([] { read_pairs("a b\tc d\t4\nonly one field\n", {}, 0); }).find("pairs line 2"), std::string::npos);
  EXPECT_NE(error_of([] { read_pairs("a b\tc d\tfour\n", {}, 0); }).find("not a number"), std::string::npos);
  // Scores below min_score are left out; an STS Benchmark file is read by its header.
  EXPECT_EQ(read_pairs("a b\tc d\t4\ne f\tg h\t1\ni j\tk l\n", {}, 3).size(), 2u);
  const std::string sts = "genre\tfile\tyear\tsid\tscore\ts1\ts2\nmain\tf\t2012\t1\t4.5\tA man.\tA person.\nmain\tf\t2012\t2\t0.5\tA cat.\tThe sea.\n";
  const std::vector<SentencePair> p = read_pairs(sts, {}, 4);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].b, (Sentence{"a", "person"}));
  EXPECT_EQ(read_sentences("One line\nand more.\n\nNext one", {}, true).size(), 3u);
  EXPECT_EQ(read_sentences("One line\nand more.\n\nNext one", {}, false).size(), 2u);
}

// A small trained encoder for the tests of what it is asked.
const SentenceEncoder& trained() {
  static const SentenceEncoder e = [] {
    EncoderOptions o = tiny_options();
    o.mlm_epochs = 1;
    o.simcse_epochs = 1;
    EncoderTrainer t(topic_sentences(64, 5), {}, o);
    train_all(t);
    return t.encoder();
  }();
  return e;
}

TEST(SentenceEncoder, AVectorDoesNotDependOnItsBatchMates) {
  const std::string s = "the cat purr and paw";
  const SentenceVectors alone = encode(trained(), {s});
  const SentenceVectors crowd = encode(trained(), {"sea", s, "the ship and the crew of the boat sail", "zebra"});
  for (EncoderPooling p : kEncoderPoolings) {
    EXPECT_TRUE(crowd.of(p).row(1).isApprox(alone.of(p).row(0), 1e-5f)) << encoder_pooling_name(p);
    EXPECT_TRUE(crowd.of(p).allFinite());  // "zebra" is unknown, still a vector
  }
}

TEST(SentenceEncoder, AttentionMapNamesTokensAndEachQuerySumsToOne) {
  const AttentionMap m = attention_map(trained(), "The cat, the zebra!");
  EXPECT_EQ(m.tokens, (std::vector<std::string>{"[CLS]", "the", "cat", "the", "zebra"}));
  EXPECT_EQ(m.known, (std::vector<bool>{true, true, true, true, false}));
  const size_t T = m.tokens.size();
  ASSERT_EQ(m.weights.size(), m.layers * m.heads * T * T);
  for (size_t q = 0; q < m.weights.size() / T; ++q) {
    double sum = 0;
    for (size_t k = 0; k < T; ++k) {
      sum += m.weights[q * T + k];
      EXPECT_GE(m.weights[q * T + k], 0);
    }
    EXPECT_NEAR(sum, 1.0, 1e-5);
  }
}

TEST(SentenceEncoder, StsScoresRankIdenticalPairsAboveUnrelatedOnes) {
  std::vector<StsPair> pairs;
  const std::vector<std::string> a = {"the cat purr", "a dog bark and tail", "the ship sail", "sea and wave"};
  const std::vector<std::string> b = {"the crew of the port", "the fur of a pet", "a paw", "the tide of the boat"};
  for (size_t i = 0; i < a.size(); ++i) pairs.push_back({"x", 5.0, a[i], a[i]}), pairs.push_back({"x", 0.0, a[i], b[i]});
  const EncoderStsScores s = sts_scores(trained(), pairs);
  // Every identical pair (cosine 1) above every unrelated one gives at least 0.87 with these ties.
  for (EncoderPooling p : kEncoderPoolings) EXPECT_GT(s.of(p), 0.87) << encoder_pooling_name(p);
}

TEST(EncoderFile, RoundTripsBitForBitAndRefusesBadFiles) {
  const nlohmann::json j = encoder_to_json(trained());
  const SentenceEncoder back = encoder_from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(encoder_to_json(back), j);
  EXPECT_EQ(back.vocab.words(), trained().vocab.words());
  const SentenceVectors v1 = encode(trained(), {"the cat"}), v2 = encode(back, {"the cat"});
  EXPECT_EQ(v1.cls, v2.cls);

  nlohmann::json bad = j;
  bad["version"] = 99;
  EXPECT_NE(error_of([&] { encoder_from_json(bad); }).find("version 99"), std::string::npos);
  bad = j;
  bad["weights"].erase("layer0.wo");
  EXPECT_NE(error_of([&] { encoder_from_json(bad); }).find("weights.layer0.wo is missing"), std::string::npos);
  bad = j;
  bad["weights"]["token"]["f32le"] = "AAAA";
  EXPECT_NE(error_of([&] { encoder_from_json(bad); }).find("wrong number of values"), std::string::npos);
  bad = j;
  bad["options"]["heads"] = 3;
  EXPECT_NE(error_of([&] { encoder_from_json(bad); }).find("heads"), std::string::npos);
  EXPECT_NE(error_of([] { encoder_from_json({{"format", "embedding-playground-model"}}); }).find("not an Embedding Playground encoder"),
            std::string::npos);
}

}  // namespace
}  // namespace embplay
