// The random-projection forest's approximate neighbours against the exact search, and t-SNE on them.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "blobs.h"
#include "input_error.h"
#include "knn_forest.h"
#include "one_thread_and_two.h"
#include "projection_quality.h"
#include "tsne.h"

namespace embplay {
namespace {

using testing_data::gaussian_blobs;

// Points near a 5-dimensional subspace of 40 dimensions, in 6 blobs: like word vectors, whose
// neighbourhoods live in far fewer dimensions than the vectors have.
RowMatrix low_dimensional_blobs(uint64_t seed) {
  const RowMatrix inner = gaussian_blobs(6, 400, 5, 6.0, seed);  // (2400, 5)
  Rng rng(seed + 1);
  RowMatrix lift(5, 40);
  for (int r = 0; r < 5; ++r)
    for (int c = 0; c < 40; ++c) lift(r, c) = static_cast<float>(testing_data::normal(rng));
  RowMatrix x = inner * lift;
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (int c = 0; c < 40; ++c) x(i, c) += static_cast<float>(0.05 * testing_data::normal(rng));
  return x;
}

TEST(KnnForest, FindsMostExactNeighbours) {
  const RowMatrix x = low_dimensional_blobs(3);
  const int k = 30;
  const KnnGraph exact = exact_knn(x, k);
  KnnForestOptions one_tree;
  one_tree.trees = 1;
  one_tree.refine_rounds = 0;
  const double alone = knn_recall(forest_knn(x, k, one_tree), exact);
  const KnnGraph g = forest_knn(x, k);
  const double recall = knn_recall(g, exact);
  EXPECT_GT(recall, 0.95);
  EXPECT_GT(recall, alone + 0.1) << "the forest and the passes add little to one tree (" << alone << ")";

  // The graph is well formed: k different points a row, never itself, ascending, true distances.
  ASSERT_EQ(g.n, x.rows());
  ASSERT_EQ(g.k, k);
  for (int i = 0; i < g.n; ++i) {
    std::set<int32_t> seen;
    for (int m = 0; m < k; ++m) {
      const size_t at = static_cast<size_t>(i) * k + m;
      const int32_t j = g.index[at];
      ASSERT_NE(j, i);
      ASSERT_TRUE(seen.insert(j).second) << "row " << i << " lists " << j << " twice";
      EXPECT_NEAR(g.dist_sq[at], (x.row(i).cast<double>() - x.row(j).cast<double>()).squaredNorm(), 1e-9);
      if (m > 0) ASSERT_LE(g.dist_sq[at - 1], g.dist_sq[at]);
    }
  }
}

TEST(KnnForest, SameSeedSameGraph) {
  const RowMatrix x = gaussian_blobs(4, 150, 16, 3.0, 5);
  KnnForestOptions o;
  o.seed = 11;
  const KnnGraph a = forest_knn(x, 10, o), b = forest_knn(x, 10, o);
  EXPECT_EQ(a.index, b.index);
  o.seed = 12;
  const KnnGraph c = forest_knn(x, 10, o);
  EXPECT_GT(knn_recall(c, exact_knn(x, 10)), 0.9) << "another seed is as good";
}

TEST(KnnForest, OneThreadAndTwoGiveTheSameGraph) {
  // 4,800 points: the per-point searches run in parts (about 2,048 points each) on both threads.
  const RowMatrix x = gaussian_blobs(8, 600, 16, 3.0, 6);
  const auto g = testing_threads::on_one_thread_and_two([&] { return forest_knn(x, 15); });
  EXPECT_EQ(g[0].index, g[1].index);
  EXPECT_EQ(g[0].dist_sq, g[1].dist_sq);
}

TEST(KnnForest, HandlesDuplicatesAndTinyLeaves) {
  // 300 copies of one point and 100 others: the planes cannot split the copies, halves do.
  RowMatrix x = RowMatrix::Zero(400, 8);
  x.bottomRows(100) = gaussian_blobs(1, 100, 8, 0.0, 9);
  const KnnGraph g = forest_knn(x, 20);
  for (int i = 0; i < 300; ++i) EXPECT_EQ(g.dist_sq[static_cast<size_t>(i) * 20 + 19], 0.0) << "a copy's neighbours are copies";
  EXPECT_THROW(forest_knn(x, 400), InputError);
  EXPECT_THROW(forest_knn(x, 0), InputError);
}

// t-SNE calibrated on the forest's neighbours (forced below its usual size) keeps the blobs as well
// as on the exact ones: its affinities are nearly the same matrix, its layout as trustworthy.
TEST(KnnForest, TsneOnForestNeighboursKeepsClusters) {
  const RowMatrix x = low_dimensional_blobs(7);
  TsneOptions o;
  o.perplexity = 10;
  o.iterations = 400;
  Tsne exact(x, o);
  o.exact_neighbours_up_to = 100;
  Tsne forest(x, o);
  double shared = 0;  // affinity mass the two P share (1 = the same matrix)
  const SparseRows &pf = forest.affinities(), &pe = exact.affinities();
  for (int i = 0; i < x.rows(); ++i)
    for (int64_t m = pf.start[i]; m < pf.start[i + 1]; ++m)
      for (int64_t e = pe.start[i]; e < pe.start[i + 1]; ++e)
        if (pe.col[e] == pf.col[m]) shared += std::min(pe.val[e], pf.val[m]);
  EXPECT_GT(shared, 0.95);

  exact.step(o.iterations);
  forest.step(o.iterations);
  const double t_exact = trustworthiness(x, exact.coords(), 10), t_forest = trustworthiness(x, forest.coords(), 10);
  EXPECT_GT(t_forest, 0.95);
  EXPECT_GT(t_forest, t_exact - 0.005) << "exact " << t_exact;
  // Each blob stays together: every point's nearest point on the map is of its own blob.
  const KnnGraph map = exact_knn(forest.coords(), 1);
  int same = 0;
  for (int i = 0; i < map.n; ++i) same += map.index[static_cast<size_t>(i)] / 400 == i / 400;
  EXPECT_GT(same, map.n * 99 / 100);
}

}  // namespace
}  // namespace embplay
