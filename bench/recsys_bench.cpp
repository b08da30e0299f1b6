// bench_recsys: how long the recommendation models take on an events file, one thread: reading,
// item2vec trained on the whole log (every user's full history, as the page will) with the options
// tuned for each split, item kNN's similarity matrix and one EASE solve. Prints one JSON line per
// measurement. bench/recsys.sh runs it (natively, and as WebAssembly in node when built) beside the
// quality figures of `embplay recsys eval`.
//
//   bench_recsys EVENTS.csv [--runs 3] [--ease 1]   (the median of --runs for each timing)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "item2vec.h"
#include "recommend.h"

namespace {

using namespace embplay;
using Clock = std::chrono::steady_clock;

struct Timing {
  double wall = 0, cpu = 0;
};

// The median run of `f` by wall time.
template <typename F>
Timing median_of(int runs, F f) {
  std::vector<Timing> t;
  for (int r = 0; r < runs; ++r) {
    const auto w0 = Clock::now();
    const std::clock_t c0 = std::clock();
    f();
    t.push_back({std::chrono::duration<double>(Clock::now() - w0).count(), double(std::clock() - c0) / CLOCKS_PER_SEC});
  }
  std::sort(t.begin(), t.end(), [](const Timing& a, const Timing& b) { return a.wall < b.wall; });
  return t[t.size() / 2];
}

void print(const char* what, const Timing& t, const std::string& extra = "") {
  std::printf("{\"what\": \"%s\", \"wall_seconds\": %.3f, \"cpu_seconds\": %.3f%s}\n", what, t.wall, t.cpu, extra.c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_recsys EVENTS.csv [--runs 3] [--ease 1]\n");
    return 2;
  }
  int runs = 3, ease = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
    else if (flag == "--ease") ease = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "bench_recsys: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  try {
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) throw InputError(std::string("cannot read ") + argv[1]);
    std::ostringstream text;
    text << in.rdbuf();
    const std::string csv = text.str();

    InteractionLog log;
    const Timing read = median_of(runs, [&] { log = read_events(csv); });
    print("read events", read,
          ", \"events\": " + std::to_string(log.events) + ", \"users\": " + std::to_string(log.user_count()) +
              ", \"items\": " + std::to_string(log.item_count()));
    const int32_t I = log.item_count();
    for (SplitKind kind : {SplitKind::kLastItem, SplitKind::kLastBasket}) {
      const Item2VecOptions o = tuned_item2vec_options(kind);
      int64_t pairs = 0;
      const Timing t = median_of(runs, [&] {
        Item2VecTrainer trainer(log.users, log.item_keys, o);
        Word2VecProgress p;
        do p = trainer.step(1 << 16); while (!p.finished);  // the page's worker steps in slices too
        pairs = p.pairs_trained;
      });
      print("item2vec on the whole log", t,
            std::string(", \"tuned_for\": \"") + split_kind_name(kind) + "\", \"pairs\": " + std::to_string(pairs) +
                ", \"options\": " + item2vec_options_to_json(o).dump());
    }
    print("item kNN similarity", median_of(runs, [&] { ItemKnn knn(log.users, I); }));
    if (ease) print("EASE solve", median_of(1, [&] { Ease e(log.users, I, 500); }), ", \"items\": " + std::to_string(I));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_recsys: %s\n", e.what());
    return 2;
  }
  return 0;
}
