// The reference next-word workload (bench/README.md, "The reference workload") as the C++
// benchmarks train it: its settings, and training in worker-sized chunks. bench_train times it as
// it is; bench_softmax with a 50,000-word vocabulary and each softmax.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <stdexcept>

#include "settings.h"
#include "trainer.h"

namespace bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

constexpr int64_t kChunk = 2048;  // examples per step() call, like the page's worker

// The reference settings; everything else keeps the core's defaults.
inline embplay::Settings reference_settings() {
  embplay::Settings s;
  s.context = 3;
  s.dim = 64;
  s.hidden = 128;
  s.vocab.max_size = 5000;
  s.vocab.min_count = 1;
  s.optimizer = "sgd";
  s.lr = 0.1f;
  s.batch = 128;
  s.epochs = 1;
  s.seed = 1;
  s.valid_fraction = 0.01f;
  return s;
}

// Trains until `examples` more examples are done (or the epoch ends); returns how many were done.
inline int64_t train(embplay::Trainer& trainer, int64_t examples) {
  int64_t done = 0;
  while (done < examples) {
    const int64_t before = trainer.progress().epoch_position;
    const embplay::Progress p = trainer.step(std::min(kChunk, examples - done));
    if (p.diverged) throw std::runtime_error("training diverged");
    const int64_t after = p.epoch_end || p.finished ? p.epoch_size : p.epoch_position;
    if (after <= before) break;  // nothing left in this epoch
    done += after - before;
    if (p.epoch_end || p.finished) break;
  }
  return done;
}

}  // namespace bench
