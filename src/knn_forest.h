// Approximate k-nearest neighbours for many points: a forest of random-projection trees gives each
// point candidates (the points sharing a leaf with it in any tree), then passes over neighbours of
// neighbours (the idea of NN-descent, Dong et al. 2011) mend what the trees cut apart. The exact
// search (exact_knn) does n^2 d work; this about n * trees * leaf_size * d, so it takes over for
// t-SNE of many points (tsne.h). Deterministic for a seed: the same points give the same graph.
#pragma once

#include "common.h"
#include "projection_quality.h"

namespace embplay {

struct KnnForestOptions {
  int trees = 8;           // random-projection trees; more: better recall, proportionally slower
  int leaf_size = 0;       // most points in a leaf; 0 = max(2k, 64)
  int refine_rounds = 2;   // passes over neighbours of neighbours
  int refine_width = 12;   // each pass looks at this many nearest neighbours of this many nearest neighbours
  uint64_t seed = 1;       // the trees' random hyperplanes
};

// The k nearest rows of each row of x (n, d) by euclidean distance, itself excluded, as
// exact_knn's graph (rows ascending by distance, distances in double) but approximate: most of
// the true neighbours (recall ~0.95 and more in the tests and the benchmark), the others close.
// Requires 1 <= k < n.
KnnGraph forest_knn(const RowMatrix& x, int k, const KnnForestOptions& options = {});

// The k nearest neighbours a projection (t-SNE, UMAP) starts from: exact_knn up to `exact_up_to`
// rows (n^2 d work), else forest_knn seeded with `seed`.
KnnGraph nearest_neighbours(const RowMatrix& x, int k, int exact_up_to, uint64_t seed);

// The share of exact's neighbours that approximate found, over every row (1 = the same sets).
double knn_recall(const KnnGraph& approximate, const KnnGraph& exact);

}  // namespace embplay
