// bench_softmax: the whole training step at V = 50,000 with each output layer (settings.softmax),
// against the target of 100,000 tokens/s, and what the exact evaluation costs afterwards.
//
// Recipe, for each softmax: build the Trainer on the corpus (max_vocab 49,998 + <pad> + <unk> =
// 50,000 rows, min_count 1), warm up a few batches, time `trainer.step()` over a fixed number of
// examples in worker-sized chunks, then score the first validation examples exactly (full softmax,
// or the product of path sigmoids). One JSON line per softmax:
//
//   {"softmax":..,"vocab":..,"tokens_per_sec":..,"tokens_per_cpu_sec":..,"target":100000,
//    "train_loss":..,"valid_perplexity":..,"eval_tokens_per_sec":..}
//
// The rest of the shapes are the reference workload's (bench/README.md): k = 3, d = 64, h = 128,
// batch 128, plain SGD lr 0.1, seed 1; the sampled softmax draws `samples` = 256 words a batch
// unless told otherwise.
//
// Usage: bench_softmax <corpus.txt> [full|hierarchical|sampled|sampled:N ...]   (default: all three;
//        sampled:N draws N words a batch instead of 256)
// The corpus: node bench/make_corpus.mjs build/bench/zipf-50k.txt --tokens 2000000 --types 200000

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "measure.h"
#include "reference.h"
#include "trainer.h"

namespace {

using bench::Clock;
using bench::seconds_since;
using bench::train;

constexpr int kVocabRows = 50000;
constexpr double kTarget = 100000;  // tokens/s, issue 16
constexpr int64_t kWarmupBatches = 4;
constexpr int64_t kEvalExamples = 2048;

// The reference settings with a 50,000-word vocabulary and the given softmax.
embplay::Settings settings_for(const std::string& softmax, int samples) {
  embplay::Settings s = bench::reference_settings();
  s.vocab.max_size = kVocabRows - 2;  // + <pad> + <unk>
  s.test_fraction = 0;
  s.softmax = softmax;
  s.samples = samples;
  return s;
}



// kind: "full", "hierarchical", "sampled" or "sampled:N" (N samples a batch; 256 by default).
void run(const std::string& text, const std::string& kind) {
  const size_t colon = kind.find(':');
  const std::string softmax = kind.substr(0, colon);
  const int samples = colon == std::string::npos ? 256 : std::stoi(kind.substr(colon + 1));
  const embplay::Settings settings = settings_for(softmax, samples);
  const auto setup_start = Clock::now();
  embplay::Trainer trainer(text, settings);
  const double setup_s = seconds_since(setup_start);
  const int vocab = trainer.vocab().size();

  // The full softmax is ~100x slower: time fewer of its examples, so the run stays short.
  const int64_t budget = softmax == "full" ? 2560 : 102400;
  train(trainer, kWarmupBatches * settings.batch);
  const double cpu_start = bench::cpu_seconds();
  const auto start = Clock::now();
  const int64_t tokens = train(trainer, budget);
  const double seconds = seconds_since(start), cpu_s = bench::cpu_seconds() - cpu_start;

  // Exact scores of the first validation examples.
  const embplay::Examples& valid = trainer.valid_examples();
  embplay::Examples first;
  first.context = valid.context;
  const int64_t n = std::min<int64_t>(kEvalExamples, valid.size());
  first.contexts.assign(valid.contexts.begin(), valid.contexts.begin() + n * valid.context);
  first.targets.assign(valid.targets.begin(), valid.targets.begin() + n);
  const auto eval_start = Clock::now();
  const embplay::Evaluation ev = trainer.evaluate(first);
  const double eval_s = seconds_since(eval_start);

  const double tokens_per_sec = tokens / seconds;
  std::printf(
      "{\"softmax\":\"%s\",\"samples\":%d,\"vocab\":%d,\"tokens\":%lld,\"tokens_per_sec\":%.0f,\"tokens_per_cpu_sec\":%.0f,"
      "\"target\":%.0f,\"meets_target\":%s,\"train_loss\":%.3f,\"valid_examples\":%lld,\"valid_perplexity\":%.1f,"
      "\"eval_tokens_per_sec\":%.0f,\"setup_s\":%.2f,\"peak_rss_mb\":%.0f}\n",
      softmax.c_str(), softmax == "sampled" ? samples : 0, vocab, static_cast<long long>(tokens), tokens_per_sec, tokens / cpu_s, kTarget,
      tokens_per_sec >= kTarget ? "true" : "false", trainer.progress().train_loss, static_cast<long long>(ev.examples),
      ev.perplexity, ev.examples / eval_s, setup_s, bench::peak_rss_mb());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <corpus.txt> [full|hierarchical|sampled|sampled:N ...]\n", argv[0]);
    return 2;
  }
  try {
    const std::string text = bench::read_file(argv[1]);
    std::vector<std::string> kinds(argv + 2, argv + argc);
    if (kinds.empty()) kinds = {"hierarchical", "sampled", "full"};
    for (const std::string& kind : kinds) run(text, kind);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_softmax: %s\n", e.what());
    return 1;
  }
}
