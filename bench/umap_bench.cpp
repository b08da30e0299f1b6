// UMAP benchmark: times our UMAP on a points file (as bench_tsne writes them) and scores the layout.
// Built natively (bench_umap) and as WebAssembly run by node (build/wasm/bench_umap.js), the same code.
//
//   bench_umap run DATA LAYOUT [epochs] [neighbours] [min_dist] [seed] [threads]
//
// threads: 1 (default) or 2 (parallel::set_threads; the layout is the same bits either way).
// Prints one JSON line: seconds for the graph (kNN, memberships, union, a and b), for the epochs,
// in total (wall and processor), and trustworthiness (k = 10, euclidean). bench/umap_words.sh drives it.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <stdexcept>
#include <string>

#include "common.h"
#include "parallel.h"
#include "points_file.h"
#include "projection_quality.h"
#include "umap.h"

using namespace embplay;
using bench::read_points;
using bench::write_points;

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
double cpu_since(std::clock_t t) { return static_cast<double>(std::clock() - t) / CLOCKS_PER_SEC; }

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  auto arg = [&](int i, double fallback) { return argc > i ? std::stod(argv[i]) : fallback; };
  if (mode == "run" && argc > 3) {
    const RowMatrix x = read_points(argv[2]);
    UmapOptions o;
    o.epochs = static_cast<int>(arg(4, 0));
    o.neighbours = static_cast<int>(arg(5, 15));
    o.min_dist = arg(6, 0.1);
    o.seed = static_cast<uint64_t>(arg(7, 1));
    const int threads = parallel::set_threads(static_cast<int>(arg(8, 1)));
    const auto t0 = Clock::now();
    const std::clock_t c0 = std::clock();
    Umap umap(x, o);
    const double graph = since(t0), cpu_graph = cpu_since(c0);
    const auto t1 = Clock::now();
    while (!umap.done()) umap.step(10);  // as the worker does: in slices
    const double epochs = since(t1), total = since(t0), cpu_total = cpu_since(c0);
    const RowMatrix y = umap.coords();
    write_points(argv[3], y);
    std::printf(
        "{\"n\": %d, \"dim\": %d, \"threads\": %d, \"epochs\": %d, \"neighbours\": %d, \"min_dist\": %g, "
        "\"seconds_graph\": %.3f, \"seconds_epochs\": %.3f, \"seconds\": %.3f, \"cpu_seconds_graph\": %.3f, "
        "\"cpu_seconds\": %.3f, \"trustworthiness\": %.4f}\n",
        static_cast<int>(x.rows()), static_cast<int>(x.cols()), threads, umap.epochs(), o.neighbours, o.min_dist, graph, epochs,
        total, cpu_graph, cpu_total, trustworthiness(x, y, 10));
    return 0;
  }
  std::fprintf(stderr, "usage: bench_umap run DATA LAYOUT [epochs neighbours min_dist seed threads]\n");
  return 2;
}
