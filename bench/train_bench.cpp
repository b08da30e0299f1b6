// bench_train: how fast the native core trains the reference next-word workload.
//
// Recipe: read the corpus, build the Trainer (tokenise + vocabulary + examples + init, timed as
// setup), warm up a few batches, then time `trainer.step()` over a fixed number of training
// examples (one example = one predicted token) in worker-sized chunks, and print one JSON line:
//
//   {"engine":"native","tokens_per_sec":..,"flops_per_token":..,"gflops":..,"peak_rss_mb":..,"setup_s":..,
//    ..., "tokens_per_cpu_sec":..}   (the last: per second of this process's CPU time)
//
// The reference workload (bench/README.md): V = 5,000 words + <pad> + <unk>, k = 3, d = 64,
// h = 128 tanh, full softmax, batch 128, plain SGD lr 0.1, float32, seed 1.
//
// Usage: bench_train <corpus.txt> [token-budget] [threads]
//   token-budget  default 204,800 = 1,600 batches
//   threads       1 (default) or 2: the big matrix products in parts on both threads (src/parallel.h);
//                 the engine is then reported as "native-2t". The losses are the same bits either way.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "measure.h"
#include "reference.h"
#include "model.h"
#include "parallel.h"
#include "settings.h"
#include "trainer.h"

namespace {

using bench::Clock;
using bench::cpu_seconds;
using bench::peak_rss_mb;
using bench::read_file;
using bench::reference_settings;
using bench::seconds_since;
using bench::train;

constexpr int64_t kDefaultBudget = 204800;  // examples timed
constexpr int64_t kWarmupBatches = 8;       // untimed: first-touch allocation, caches


// Matrix-product FLOPs per example (= per predicted token), from the shapes:
//   forward   2*(k*d)*h  hidden layer        + 2*f*V  output layer   (f = h, or k*d when h = 0)
//   backward  the same products twice: once for the input gradient, once for the weight gradient
// Element-wise work (tanh, softmax, biases, embedding rows) is left out: it is O(V + h), not O(V*h).
double flops_per_token(const embplay::ModelShape& shape) {
  const double in = shape.input();
  const double hidden = shape.hidden > 0 ? 2.0 * in * shape.hidden : 0.0;
  const double output = 2.0 * shape.features() * shape.vocab;
  return 3.0 * (hidden + output);
}



}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: %s <corpus.txt> [token-budget] [threads]\n", argv[0]);
    return 2;
  }
  try {
    const std::string text = read_file(argv[1]);
    const int64_t budget = argc >= 3 ? std::atoll(argv[2]) : kDefaultBudget;
    if (budget <= 0) throw std::runtime_error("token budget must be positive");
    const int threads = argc == 4 ? std::atoi(argv[3]) : 1;
    if (threads != 1 && threads != 2) throw std::runtime_error("threads must be 1 or 2");
    if (embplay::parallel::set_threads(threads) != threads) throw std::runtime_error("this build cannot use 2 threads");
    const embplay::Settings settings = reference_settings();

    const auto setup_start = Clock::now();
    embplay::Trainer trainer(text, settings);
    const double setup_s = seconds_since(setup_start);

    const auto& shape = trainer.model().shape();
    const int64_t epoch = trainer.stats().train_examples;
    const int64_t warmup = kWarmupBatches * settings.batch;
    if (warmup + budget > epoch) {
      throw std::runtime_error("token budget " + std::to_string(budget) + " + warm-up exceeds the epoch (" +
                               std::to_string(epoch) + " examples)");
    }

    train(trainer, warmup);
    const double cpu_start = cpu_seconds();
    const auto start = Clock::now();
    const int64_t tokens = train(trainer, budget);
    const double seconds = seconds_since(start);
    const double cpu_s = cpu_seconds() - cpu_start;
    if (tokens < budget) throw std::runtime_error("the epoch ended before the budget was trained");

    const double per_token = flops_per_token(shape);
    const double tokens_per_sec = tokens / seconds;
    const double train_loss = trainer.progress().train_loss;
    if (!std::isfinite(train_loss)) throw std::runtime_error("training loss is not finite");

    std::printf(
        "{\"engine\":\"%s\",\"tokens_per_sec\":%.1f,\"flops_per_token\":%.0f,\"gflops\":%.3f,"
        "\"peak_rss_mb\":%.1f,\"setup_s\":%.3f,\"tokens\":%lld,\"seconds\":%.3f,\"vocab\":%d,"
        "\"train_examples\":%lld,\"train_loss\":%.4f,\"cpu_s\":%.3f,\"tokens_per_cpu_sec\":%.1f}\n",
        threads == 2 ? "native-2t" : "native", tokens_per_sec, per_token, tokens_per_sec * per_token / 1e9, peak_rss_mb(), setup_s,
        static_cast<long long>(tokens), seconds, shape.vocab, static_cast<long long>(epoch), train_loss,
        cpu_s, tokens / cpu_s);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_train: %s\n", e.what());
    return 1;
  }
}
