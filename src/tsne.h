// Barnes-Hut t-SNE (van der Maaten 2014) as a class that runs in steps, so a worker can stream
// positions while the map settles:
//
//   Tsne t(vectors, options);           // (N, d) copied; affinities calibrated here
//   while (!t.done()) { t.step(10); draw(t.coords()); }
//
// Affinities: for each point, a Gaussian over its K = min(N - 1, 3 * perplexity + 1) nearest
// neighbours (exact up to options.exact_neighbours_up_to points, then approximate: knn_forest.h), its precision found by bisection so that the entropy is log(perplexity);
// then symmetrised, P = (P_cond + P_cond^T) / 2N, sparse.
// Gradient: dC/dy_i = 4 sum_j (exaggeration * p_ij - q_ij) (1 + |y_i - y_j|^2)^-1 (y_i - y_j),
// attraction over the sparse P, repulsion over a space-partitioning tree (cells narrower than
// theta times their distance act as one body at their centre of mass; theta = 0 is exact): a
// quadtree for a 2D layout, an octree for 3D (options.dimensions), the same code for both.
// Optimiser as scikit-learn's: momentum 0.5 and exaggeration for the first phase, then momentum
// 0.8; per-coordinate gains (+0.2 when the step changes sign, x0.8 otherwise, at least 0.01),
// both reset between the phases. The layout is kept centred on the origin.
// Defaults chosen by bench/tsne_words.sh on 5,000 word vectors (bench/README.md, "t-SNE of word
// vectors"): the learning rate N / early_exaggeration (Belkina et al. 2019, openTSNE's; four times
// scikit-learn 1.2's "auto") converges in 750 iterations, and theta 0.8 halves the repulsion's
// work; together 2x faster than 1,000 iterations at theta 0.5 with the same trustworthiness.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "common.h"
#include "projection_quality.h"

namespace embplay {

constexpr int kMinTsnePoints = 4;     // fewer points have no neighbourhoods to keep

// The ranges are in the options table (tsne.cpp), which the page's form reads through tsne_schema().
struct TsneOptions {
  double perplexity = 30;            // effective neighbours per point; 2..100, and below (N - 1) / 3
  double learning_rate = 0;          // 0..10000; 0 = "auto" = max(N / early_exaggeration, 50)
  double early_exaggeration = 12;    // P is multiplied by this during the first phase; 1..100
  int exaggeration_iterations = 250; // length of the first phase (momentum 0.5); 0..5000
  int iterations = 750;              // total, both phases; 50..5000
  double theta = 0.8;                // Barnes-Hut opening angle; 0 = exact repulsion; 0..1
  bool random_init = false;          // no initial coordinates: false = PCA, true = Gaussian
  uint64_t seed = 1;                 // random initialisation (and the fallback when PCA is flat); 0..2^32-1
  int dimensions = 2;                // of the layout: 2 (the map) or 3 (its 3D view)
  // Neighbours are exact up to this many points (n^2 d work: about 1 s natively at 10,000 points
  // in 64 dimensions), found by a random-projection forest seeded with `seed` above; 4..10^9.
  int exact_neighbours_up_to = 20000;
};

// The options as one table, like settings_schema(): [{name, type, min, max, default, hint}, ...].
nlohmann::json tsne_schema();
// Absent fields keep their defaults; an unknown field or a value out of its range throws InputError
// naming the field. (Whether the perplexity suits the number of points is validate_tsne()'s.)
TsneOptions tsne_options_from_json(const nlohmann::json& j);
nlohmann::json tsne_options_to_json(const TsneOptions& o);

// Sparse rows (CSR): row i holds (col[m], val[m]) for m in [start[i], start[i + 1]).
struct SparseRows {
  std::vector<int64_t> start;  // (N + 1)
  std::vector<int32_t> col;
  std::vector<double> val;
};

// p_{j|i} for one point: `dist_sq` (k) squared distances to its neighbours; writes `p` (k),
// summing to 1, with entropy log(perplexity) (to 1e-5 nats, within 200 bisection steps; when
// the target cannot be reached, e.g. all distances equal, the closest distribution).
// Returns the precision beta = 1 / (2 sigma^2).
double calibrate_row(const double* dist_sq, int k, double perplexity, double* p);

// Conditional affinities (each row sums to 1) over a kNN graph.
SparseRows conditional_affinities(const KnnGraph& g, double perplexity);
// P = (P_cond + P_cond^T) / 2N: symmetric, sums to 1, columns sorted within each row.
SparseRows symmetrize(const SparseRows& conditional);
// The k nearest neighbours t-SNE calibrates on: exact_knn up to options.exact_neighbours_up_to
// rows, else forest_knn seeded with options.seed.
KnnGraph tsne_neighbours(const RowMatrix& vectors, int k, const TsneOptions& options);

// Checks the vectors, each option's range, and the perplexity against the number of points;
// throws InputError naming the problem.
void validate_tsne(const RowMatrix& vectors, const TsneOptions& options);

class Tsne {
 public:
  // `vectors` (N, d), N >= 4, all finite; duplicates and zero rows are fine. `initial` (N, D),
  // D = options.dimensions, warm-starts the layout as given (e.g. the previous layout; consider
  // exaggeration_iterations = 0 then); empty: PCA to D dimensions scaled so the first axis has
  // standard deviation 1e-4 (as scikit-learn).
  Tsne(const RowMatrix& vectors, const TsneOptions& options, const RowMatrix& initial = RowMatrix());
  ~Tsne();
  Tsne(Tsne&&) noexcept;
  Tsne& operator=(Tsne&&) noexcept;

  // Runs up to `iterations` more iterations (never past options.iterations); returns how many ran.
  int step(int iterations);

  RowMatrix coords() const;  // (N, D)
  int dimensions() const { return dims_; }
  int iteration() const { return iteration_; }
  bool done() const { return iteration_ >= options_.iterations; }
  int size() const { return n_; }
  double learning_rate() const { return learning_rate_; }
  const SparseRows& affinities() const { return p_; }  // the symmetric P

  // KL(P || Q) of the current layout, without exaggeration; Z exact for N <= 2,000, else by the
  // tree at the current theta.
  double kl_divergence() const;

  // The gradient (N, D) at the current layout with the current phase's exaggeration (for tests).
  Eigen::MatrixXd gradient() const;

 private:
  struct Repulsion;            // the repulsion of a layout, whatever its dimensions (tsne.cpp)
  template <int D> struct Tree;  // a 2^D-ary tree over a D-dimensional layout: quadtree, octree

  // grad (N, D) interleaved; returns sum_{i != j} 1 / (1 + |y_i - y_j|^2) as estimated.
  double compute_gradient(double exaggeration, double* grad) const;

  TsneOptions options_;
  int n_ = 0;
  int dims_ = 2;                  // D
  double learning_rate_ = 0;
  SparseRows p_;                  // symmetric affinities, (N, N) sparse
  std::vector<double> y_;         // (N, D) interleaved: the layout
  std::vector<double> update_;    // (N, D): last step, for momentum
  std::vector<double> gains_;     // (N, D): per-coordinate step gains
  mutable std::vector<double> grad_;  // (N, D) scratch
  mutable std::unique_ptr<Repulsion> tree_;  // scratch, rebuilt each iteration
  int iteration_ = 0;
};

}  // namespace embplay
