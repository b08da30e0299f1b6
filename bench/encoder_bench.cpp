// bench_encoder: how fast the core trains the reference sentence encoder: natively (bench_encoder),
// and as WebAssembly in node (bench_encoder_wasm: this file built by Emscripten with the page's
// flags, `node build/wasm/bench_encoder.js`). It also writes the batches it trained on, with the
// initial weights, for tfjs_encoder_bench.cjs, so TensorFlow.js trains the same model on the same
// batches from the same weights.
//
// The reference workload (bench/README.md, Sentence encoder): the STS Benchmark test sentences
// (tests/data/sts, both sides, each once), every word kept (min count 1); d = 64, 4 heads, 2
// layers, feed-forward 256, at most 32 words, batches of 64 sentences of similar length, dropout
// 0.1, Adam at a constant 1e-3 without weight decay or clipping (TensorFlow.js's Adam is the same
// rule), seed 1. Each phase is timed on its own: masked-word pre-training, and SimCSE (each
// sentence twice through the encoder). A token is a real token through the encoder: [CLS] and the
// words, padding not counted, SimCSE's two views both counted.
//
// Recipe per phase: build the trainer (untimed), train kWarmup batches (untimed), then time
// `budget` batches, one step() each. One JSON line per phase:
//   {"engine":"native"|"wasm","phase":..,"tokens_per_sec":..,"tokens_per_cpu_sec":..,"gflops":..,...}
//
// --export FILE writes {"options", "encoder" (the initial weights, an encoder file), "phases":
// {"mlm"|"simcse": {"batches": [{"size","length","ids","lengths","positions","targets"}...],
// "losses": [...]}}}: the first `count` batches of each phase as the timed run trains them, and
// the losses our encoder gets on them with dropout 0 (the batches, the masks and the order do not
// depend on dropout), which TensorFlow.js's --check replays.
//
// Usage: bench_encoder [--batches N] [--export FILE [--count N]]     (default 200 batches a phase)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <string>

#include "encoder_io.h"
#include "encoder_trainer.h"
#include "measure.h"
#include "text_eval.h"

#ifndef EMBPLAY_TEST_DATA
#define EMBPLAY_TEST_DATA "tests/data"
#endif

namespace {

using namespace embplay;
using Clock = std::chrono::steady_clock;
using nlohmann::json;
using bench::cpu_seconds;
using bench::peak_rss_mb;
using bench::read_file;

constexpr int kWarmup = 5;  // batches untimed: first-touch allocation of the scratch

EncoderOptions reference_options(EncoderPhase phase) {
  EncoderOptions o;
  o.dim = 64;
  o.heads = 4;
  o.layers = 2;
  o.ff = 256;
  o.max_words = 32;
  o.min_count = 1;
  o.batch = 64;
  o.dropout = 0.1f;
  o.lr = o.contrastive_lr = 1e-3f;
  o.schedule = "constant";
  o.warmup = 0;
  o.clip = 0;
  o.weight_decay = 0;
  o.mlm_epochs = phase == EncoderPhase::kMlm ? 1000 : 0;
  o.simcse_epochs = phase == EncoderPhase::kSimcse ? 1000 : 0;
  o.seed = 1;
  return o;
}

// The STS-B test split's sentences, both sides, each once, in file order.
std::vector<Sentence> sentences(const TokenizerOptions& tokenizer) {
  std::vector<Sentence> out;
  std::set<std::string> seen;
  for (const StsPair& p : read_sts(read_file(EMBPLAY_TEST_DATA "/sts/sts-test.tsv")))
    for (const std::string* s : {&p.a, &p.b})
      if (seen.insert(*s).second) out.push_back(tokenize_words(*s, tokenizer));
  return out;
}

// Matrix-product FLOPs of a step, from the shapes: per real token and layer, forward 2 (3d d + d d
// + 2 d F), and the masked-word head's 2 V d per hidden word; times 3 for forward + backward. The
// attention's own products (4 T d per token and layer) and the element-wise work are left out.
double step_flops(const EncoderShape& s, int64_t tokens, int64_t hidden) {
  const double d = s.dim, per_token = 2.0 * s.layers * (4 * d * d + 2 * d * s.ff);
  return 3.0 * (per_token * static_cast<double>(tokens) + 2.0 * s.vocab * d * static_cast<double>(hidden));
}

json batch_json(const EncoderTrainer& t) {
  const TokenBatch& b = t.last_batch();
  return {{"size", b.size}, {"length", b.length}, {"ids", b.ids}, {"lengths", b.lengths},
          {"positions", t.last_positions()}, {"targets", t.last_targets()}};
}

const char* engine() {
#ifdef __EMSCRIPTEN__
  return "wasm";
#else
  return "native";
#endif
}

}  // namespace

int main(int argc, char** argv) {
  try {
    int batches = 200, count = 40;
    std::string export_path;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--batches" && i + 1 < argc) batches = std::atoi(argv[++i]);
      else if (a == "--export" && i + 1 < argc) export_path = argv[++i];
      else if (a == "--count" && i + 1 < argc) count = std::atoi(argv[++i]);
      else throw std::runtime_error("usage: bench_encoder [--batches N] [--export FILE [--count N]]");
    }
    if (batches < 1 || count < 1) throw std::runtime_error("--batches and --count must be positive");
    json exported = {{"options", encoder_options_to_json(reference_options(EncoderPhase::kMlm))}, {"phases", json::object()}};
    for (EncoderPhase phase : {EncoderPhase::kMlm, EncoderPhase::kSimcse}) {
      const EncoderOptions o = reference_options(phase);
      const std::vector<Sentence> text = sentences(o.tokenizer);
      const auto setup_start = Clock::now();
      EncoderTrainer trainer(text, {}, o);
      const double setup_s = std::chrono::duration<double>(Clock::now() - setup_start).count();
      for (int i = 0; i < kWarmup; ++i) trainer.step(1);
      int64_t tokens = 0, hidden = 0;
      double loss_sum = 0, loss_count = 0, flops = 0;
      const double cpu_start = cpu_seconds();
      const auto start = Clock::now();
      for (int i = 0; i < batches; ++i) {
        const EncoderProgress p = trainer.step(1);  // one batch
        if (p.diverged) throw std::runtime_error("training diverged");
        tokens += p.tokens;
        hidden += static_cast<int64_t>(trainer.last_positions().size());
        loss_sum += p.loss_sum, loss_count += static_cast<double>(p.loss_count);
        flops += step_flops(trainer.encoder().model.shape(), p.tokens, static_cast<int64_t>(trainer.last_positions().size()));
      }
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      const double cpu_s = cpu_seconds() - cpu_start;
      json line = {{"engine", engine()},
                   {"phase", encoder_phase_name(phase)},
                   {"tokens_per_sec", tokens / seconds},
                   {"tokens_per_cpu_sec", tokens / cpu_s},
                   {"gflops", flops / seconds / 1e9},
                   {"batches", batches},
                   {"tokens", tokens},
                   {"hidden_words", hidden},
                   {"seconds", seconds},
                   {"cpu_s", cpu_s},
                   {"setup_s", setup_s},
                   {"sentences", trainer.stats().sentences},
                   {"vocab", trainer.stats().vocab},
                   {"train_loss", loss_sum / loss_count},
                   {"peak_rss_mb", peak_rss_mb()}};
      std::cout << line.dump() << std::endl;

      if (!export_path.empty()) {
        // The same run again from the start, recording its first batches; and with dropout 0 the
        // losses those batches give, for TensorFlow.js to reproduce.
        EncoderTrainer replay(text, {}, o);
        EncoderOptions plain = o;
        plain.dropout = 0;
        EncoderTrainer check(text, {}, plain);
        if (phase == EncoderPhase::kMlm) exported["encoder"] = encoder_to_json(replay.encoder());
        json recorded = json::array(), losses = json::array();
        for (int i = 0; i < kWarmup + count; ++i) {
          replay.step(1);
          recorded.push_back(batch_json(replay));
          const EncoderProgress c = check.step(1);
          losses.push_back(c.loss_sum / static_cast<double>(c.loss_count));
        }
        exported["phases"][encoder_phase_name(phase)] = {{"batches", recorded}, {"losses", losses}, {"warmup", kWarmup}};
      }
    }
    if (!export_path.empty()) {
      std::ofstream out(export_path);
      out << exported.dump();
      if (!out) throw std::runtime_error("cannot write " + export_path);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_encoder: %s\n", e.what());
    return 1;
  }
}
