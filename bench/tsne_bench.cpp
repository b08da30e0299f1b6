// t-SNE benchmark, native: times our Barnes-Hut t-SNE on a points file and scores the layout.
//
//   bench_tsne make-data FILE [n] [dim] [clusters] [seed]   seeded Gaussian clusters -> FILE
//   bench_tsne run DATA LAYOUT [iterations] [perplexity] [theta] [dimensions] [learning rate] [threads]
//
// threads: 1 (default) or 2, the neighbour search and the iterations in parts on both (src/parallel.h);
// the layout is the same bits either way.
//
// Files are little-endian: int32 n, int32 d, then n*d float32 row by row (the layout: d = 2, or 3
// with dimensions 3: the octree).
// `run` prints one JSON line: seconds for the affinities (kNN + calibration), for the iterations,
// in total, trustworthiness (k = 10) and the final KL divergence. bench/tsne_compare.sh drives it.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

#include "common.h"
#include "parallel.h"
#include "points_file.h"
#include "projection_quality.h"
#include "tsne.h"

using namespace embplay;
using bench::read_points;
using bench::write_points;

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
// Processor time of this process (all its threads): on shared cores it moves less than wall time.
double cpu_since(std::clock_t t) { return static_cast<double>(std::clock() - t) / CLOCKS_PER_SEC; }

double normal(Rng& rng) {
  const double u = 1.0 - rng.uniform(), v = rng.uniform();
  return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
}

// Cluster centres with standard deviation `spread` per coordinate, points around them with 1:
// overlapping enough that a map has to work to keep neighbourhoods.
RowMatrix gaussian_clusters(int n, int dim, int clusters, double spread, uint64_t seed) {
  Rng rng(seed);
  RowMatrix centres(clusters, dim), x(n, dim);
  for (int c = 0; c < clusters; ++c)
    for (int j = 0; j < dim; ++j) centres(c, j) = static_cast<float>(spread * normal(rng));
  for (int i = 0; i < n; ++i) {
    const int c = static_cast<int>(rng.below(static_cast<uint32_t>(clusters)));
    for (int j = 0; j < dim; ++j) x(i, j) = centres(c, j) + static_cast<float>(normal(rng));
  }
  return x;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  auto arg = [&](int i, double fallback) { return argc > i ? std::stod(argv[i]) : fallback; };
  if (mode == "make-data" && argc > 2) {
    const RowMatrix x = gaussian_clusters(static_cast<int>(arg(3, 5000)), static_cast<int>(arg(4, 64)),
                                          static_cast<int>(arg(5, 20)), 0.6, static_cast<uint64_t>(arg(6, 1)));
    write_points(argv[2], x);
    return 0;
  }
  if (mode == "run" && argc > 3) {
    const RowMatrix x = read_points(argv[2]);
    TsneOptions o;
    o.iterations = static_cast<int>(arg(4, 1000));
    o.perplexity = arg(5, 30);
    o.theta = arg(6, 0.5);
    o.dimensions = static_cast<int>(arg(7, 2));
    o.learning_rate = arg(8, 0);  // 0: auto
    const int threads = parallel::set_threads(static_cast<int>(arg(9, 1)));
    const auto t0 = Clock::now();
    const std::clock_t c0 = std::clock();
    Tsne tsne(x, o);
    const double affinities = since(t0), cpu_affinities = cpu_since(c0);
    const auto t1 = Clock::now();
    const std::clock_t c1 = std::clock();
    while (!tsne.done()) tsne.step(50);  // as the worker will: in slices
    const double iterations = since(t1), total = since(t0), cpu_iterations = cpu_since(c1);
    const RowMatrix y = tsne.coords();
    write_points(argv[3], y);
    std::printf(
        "{\"n\": %d, \"dim\": %d, \"dimensions\": %d, \"iterations\": %d, \"perplexity\": %g, \"theta\": %g, "
        "\"seconds_affinities\": %.3f, \"seconds_iterations\": %.3f, \"seconds\": %.3f, "
        "\"cpu_seconds_affinities\": %.3f, \"cpu_seconds_iterations\": %.3f, "
        "\"trustworthiness\": %.4f, \"kl\": %.4f, \"threads\": %d}\n",
        static_cast<int>(x.rows()), static_cast<int>(x.cols()), o.dimensions, o.iterations, o.perplexity, o.theta, affinities,
        iterations, total, cpu_affinities, cpu_iterations, trustworthiness(x, y, 10), tsne.kl_divergence(), threads);
    return 0;
  }
  std::fprintf(stderr, "usage: bench_tsne make-data FILE [n dim clusters seed] | run DATA LAYOUT [iterations perplexity theta dimensions learning_rate threads]\n");
  return 2;
}
