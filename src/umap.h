// UMAP (McInnes, Healy & Melville 2018) as a class that runs in epochs, like Tsne, so a worker can
// stream positions while the map settles:
//
//   Umap u(vectors, options);            // neighbours, fuzzy graph, a and b computed here
//   while (!u.done()) { u.step(10); draw(u.coords()); }
//
// The graph: each point's neighbours - 1 nearest others (knn_forest.h's nearest_neighbours(), the
// same search as t-SNE's), with memberships exp(-(d - rho_i) / sigma_i), rho_i the distance to the
// nearest, sigma_i found by bisection so they sum to log2(neighbours); then the fuzzy union
// w_ij + w_ji - w_ij w_ji. The layout: low-dimensional similarity 1 / (1 + a d^2b), a and b
// fitted to min_dist and spread by least squares; each epoch samples every edge in proportion to
// its weight (pull together) with negative_sample_rate random points per sample (push apart),
// gradients clipped to [-4, 4], the learning rate falling linearly to 0 over the epochs. As
// umap-learn, except the start: PCA (not a spectral embedding), scaled to [0, 10] per axis.
// The epochs run in parts of the points (parallel::run_ranges, on two threads when asked): each
// part moves its own points and reads every other point where the epoch found it. A sample of edge
// (i, j) moves i only; the graph holds both directions, so j moves when (j, i) is sampled, in the
// same epochs. That is half the pull of umap-learn, which moves both ends of every sample, and it
// keeps neighbourhoods better on word vectors (trustworthiness 0.857 against 0.845 with both ends
// moved one after the other, umap-learn 0.835: bench/README.md, UMAP). Each part draws its negative
// samples from its own generator, seeded by the seed, the epoch and the part; the parts depend on N
// alone, so the same vectors and options give the same layout, bit for bit, on one thread or two.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "common.h"
#include "projection_quality.h"

namespace embplay {

constexpr int kMinUmapPoints = 4;  // as t-SNE: fewer points have no neighbourhoods to keep

// The ranges are in the options table (umap.cpp), which the page's form reads through umap_schema().
struct UmapOptions {
  int neighbours = 15;               // size of each neighbourhood, the point included; 2..200 (at most N is used)
  double min_dist = 0.1;             // how close neighbours may sit on the map; 0..3, and at most spread
  double spread = 1.0;               // the scale of the map's distances; 0.1..10
  int epochs = 0;                    // 0 = auto: 500 up to 10,000 points, else 200 (umap-learn's); 0..5000
  double learning_rate = 1.0;        // at the first epoch, falling linearly to 0; 0.001..10
  int negative_sample_rate = 5;      // points pushed away per edge sample; 1..50
  uint64_t seed = 1;                 // negative samples, the start's jitter, the forest; 0..2^32-1
  int dimensions = 2;                // of the layout: 2 (the map) or 3 (its 3D view)
  int exact_neighbours_up_to = 20000;  // beyond: the random-projection forest (as TsneOptions)
};

nlohmann::json umap_schema();
// Absent fields keep their defaults; an unknown field or a value out of its range throws InputError
// naming the field.
UmapOptions umap_options_from_json(const nlohmann::json& j);
nlohmann::json umap_options_to_json(const UmapOptions& o);

// Checks the vectors, each option's range and min_dist <= spread; throws InputError naming the problem.
void validate_umap(const RowMatrix& vectors, const UmapOptions& options);

// a and b of 1 / (1 + a x^2b), least squares against 1 for x < min_dist and
// exp(-(x - min_dist) / spread) beyond, on 300 points of [0, 3 spread] (umap-learn's curve).
struct UmapCurve {
  double a = 0, b = 0;
};
UmapCurve fit_umap_curve(double min_dist, double spread);

// One point's memberships over its k neighbours (euclidean `dist`, ascending): exp(-(d - rho) /
// sigma), rho the smallest positive distance, sigma by bisection so that they sum to log2(k + 1)
// (to 1e-5 relative, within 64 steps; never below 1e-3 of the mean distance). Returns sigma.
double smooth_knn_row(const double* dist, int k, double* membership);

// The symmetric fuzzy graph of a kNN graph: w_ij + w_ji - w_ij w_ji, rows with columns sorted,
// values in (0, 1]. `g` as from nearest_neighbours() (squared distances).
struct FuzzyGraph {
  std::vector<int64_t> start;  // (N + 1): row i is [start[i], start[i + 1])
  std::vector<int32_t> col;
  std::vector<double> val;
};
FuzzyGraph fuzzy_graph(const KnnGraph& g);

class Umap {
 public:
  // `vectors` (N, d), N >= 4, all finite. `initial` (N, D), D = options.dimensions, starts the
  // layout as given (the previous layout); empty: PCA scaled to [0, 10] on each axis.
  Umap(const RowMatrix& vectors, const UmapOptions& options, const RowMatrix& initial = RowMatrix());

  // Runs up to `epochs` more epochs (never past epochs()); returns how many ran.
  int step(int epochs);

  RowMatrix coords() const;  // (N, D)
  int dimensions() const { return dims_; }
  int epoch() const { return epoch_; }
  int epochs() const { return epochs_; }
  bool done() const { return epoch_ >= epochs_; }
  int size() const { return n_; }
  const FuzzyGraph& graph() const { return graph_; }
  UmapCurve curve() const { return curve_; }

 private:
  template <int D> void run_epoch();

  UmapOptions options_;
  int n_ = 0, dims_ = 2, epochs_ = 0, epoch_ = 0;
  FuzzyGraph graph_;
  UmapCurve curve_;
  // An epoch's parts: about this many points each, at most kMaxEpochParts.
  static constexpr int64_t kEpochPartPoints = 1024;
  static constexpr int kMaxEpochParts = 8;

  std::vector<int32_t> head_, tail_;        // (E): the graph's edges, both directions, by head
  std::vector<int64_t> head_start_;         // (N + 1): point i's edges as head are [start[i], start[i + 1])
  std::vector<double> epochs_per_sample_;   // (E): max weight / weight
  std::vector<double> next_sample_;         // (E): the epoch of the edge's next sample
  std::vector<double> next_negative_;       // (E): the epoch of its next negative samples
  std::vector<double> y_;                   // (N, D) interleaved: the layout
  std::vector<double> before_;              // (N, D): the layout as the epoch found it
};

}  // namespace embplay
