// t-SNE against an exact reference: calibrated entropies, the Barnes-Hut gradient against an
// O(N^2) one, blobs that separate, repeatable runs, and bad input refused with a clear message.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "blobs.h"
#include "projection_quality.h"
#include "input_error.h"
#include "one_thread_and_two.h"
#include "schema_checks.h"
#include "tsne.h"

namespace embplay {
namespace {

using testing_data::gaussian_blobs;

TEST(Tsne, CalibrationGivesEachRowEntropyLogPerplexity) {
  const RowMatrix x = gaussian_blobs(4, 30, 10, 4.0, 7);
  for (double perplexity : {5.0, 15.0, 30.0}) {
    const int k = std::min(119, static_cast<int>(3 * perplexity + 1));
    const SparseRows p = conditional_affinities(exact_knn(x, k), perplexity);
    for (int i = 0; i < 120; ++i) {
      double sum = 0, entropy = 0;
      for (int64_t m = p.start[i]; m < p.start[i + 1]; ++m) {
        sum += p.val[m];
        if (p.val[m] > 0) entropy -= p.val[m] * std::log(p.val[m]);
      }
      EXPECT_NEAR(sum, 1.0, 1e-9);
      EXPECT_NEAR(entropy, std::log(perplexity), 1e-4) << "row " << i << " perplexity " << perplexity;
    }
  }
}

TEST(Tsne, CalibrationSurvivesHugeTinyAndEqualDistances) {
  double p[4];
  const double huge[4] = {1e12, 2e12, 3e12, 4e12}, tiny[4] = {0, 1e-20, 2e-20, 3e-20}, same[4] = {0, 0, 0, 0};
  for (const double* d : {huge, tiny, same}) {
    calibrate_row(d, 4, 2.0, p);
    double sum = 0;
    for (double v : p) {
      EXPECT_TRUE(std::isfinite(v));
      sum += v;
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
  }
}

TEST(Tsne, SymmetricAffinitiesSumToOne) {
  const RowMatrix x = gaussian_blobs(3, 20, 5, 3.0, 3);
  const SparseRows p = symmetrize(conditional_affinities(exact_knn(x, 16), 5.0));
  Eigen::MatrixXd dense = Eigen::MatrixXd::Zero(60, 60);
  for (int i = 0; i < 60; ++i)
    for (int64_t m = p.start[i]; m < p.start[i + 1]; ++m) dense(i, p.col[m]) += p.val[m];
  EXPECT_NEAR(dense.sum(), 1.0, 1e-12);
  EXPECT_LT((dense - dense.transpose()).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_EQ(dense.diagonal().cwiseAbs().maxCoeff(), 0.0);
}

// The exact t-SNE gradient, O(N^2): dC/dy_i = 4 sum_j (a p_ij - q_ij) w_ij (y_i - y_j).
Eigen::MatrixXd exact_gradient(const SparseRows& sp, const Eigen::MatrixXd& y, double exaggeration) {
  const Eigen::Index n = y.rows();
  Eigen::MatrixXd p = Eigen::MatrixXd::Zero(n, n), w(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (int64_t m = sp.start[i]; m < sp.start[i + 1]; ++m) p(i, sp.col[m]) += sp.val[m];
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) w(i, j) = i == j ? 0 : 1 / (1 + (y.row(i) - y.row(j)).squaredNorm());
  const double z = w.sum();
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(n, y.cols());
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j)
      g.row(i) += 4 * (exaggeration * p(i, j) - w(i, j) / z) * w(i, j) * (y.row(i) - y.row(j));
  return g;
}

TEST(Tsne, BarnesHutGradientMatchesExactGradient) {
  const RowMatrix x = gaussian_blobs(3, 30, 8, 3.0, 11);
  Rng rng(5);
  RowMatrix init(90, 2);
  for (int i = 0; i < 90; ++i) init(i, 0) = rng.symmetric(5), init(i, 1) = rng.symmetric(5);
  init.row(7) = init.row(3);  // a coincident pair too
  const Eigen::MatrixXd y = init.cast<double>();
  for (double exaggeration : {12.0, 1.0}) {
    TsneOptions o;
    o.perplexity = 10;
    o.early_exaggeration = 12;
    o.exaggeration_iterations = exaggeration > 1 ? 250 : 0;
    o.theta = 0;
    const Tsne exact(x, o, init);
    const Eigen::MatrixXd reference = exact_gradient(exact.affinities(), y, exaggeration);
    EXPECT_LT((exact.gradient() - reference).cwiseAbs().maxCoeff(), 1e-12 * (1 + reference.cwiseAbs().maxCoeff()));

    o.theta = 0.5;
    const Tsne approx(x, o, init);
    const double relative = (approx.gradient() - reference).norm() / reference.norm();
    EXPECT_LT(relative, 0.05) << "exaggeration " << exaggeration;
  }
}

TEST(Tsne, OctreeGradientMatchesExactGradientIn3D) {
  const RowMatrix x = gaussian_blobs(3, 30, 8, 3.0, 12);
  Rng rng(6);
  RowMatrix init(90, 3);
  for (int i = 0; i < 90; ++i)
    for (int k = 0; k < 3; ++k) init(i, k) = rng.symmetric(5);
  init.row(8) = init.row(2);  // a coincident pair
  const Eigen::MatrixXd y = init.cast<double>();
  TsneOptions o;
  o.perplexity = 10;
  o.dimensions = 3;
  o.exaggeration_iterations = 0;
  o.theta = 0;
  const Tsne exact(x, o, init);
  ASSERT_EQ(exact.gradient().cols(), 3);
  const Eigen::MatrixXd reference = exact_gradient(exact.affinities(), y, 1.0);
  EXPECT_LT((exact.gradient() - reference).cwiseAbs().maxCoeff(), 1e-12 * (1 + reference.cwiseAbs().maxCoeff()));
  o.theta = 0.5;
  const Tsne approx(x, o, init);
  EXPECT_LT((approx.gradient() - reference).norm() / reference.norm(), 0.05);
  // A 2D start for a 3D layout is refused.
  EXPECT_THROW(Tsne(x, o, init.leftCols(2)), InputError);
}

// Five blobs of 40 points in 20 dimensions, laid out in `dims` dimensions: the KL divergence falls,
// the map is trustworthy, every point's nearest map neighbour is from its own blob, and the layout
// is centred on every axis.
void expect_blobs_separated(int dims, int iterations) {
  const RowMatrix x = gaussian_blobs(5, 40, 20, 3.0, 2024);
  TsneOptions o;  // defaults: perplexity 30, theta 0.8, learning rate N / 12
  o.dimensions = dims;
  o.iterations = iterations;
  Tsne t(x, o);
  const double kl_start = t.kl_divergence();
  EXPECT_EQ(t.step(5000), iterations);
  EXPECT_TRUE(t.done());
  EXPECT_EQ(t.step(10), 0);
  const RowMatrix y = t.coords();
  ASSERT_EQ(y.cols(), dims);
  ASSERT_TRUE(y.allFinite());
  EXPECT_LT(t.kl_divergence(), kl_start);
  EXPECT_GE(trustworthiness(x, y, 10), 0.9);
  const KnnGraph g = exact_knn(y, 1);
  int same = 0;
  for (int i = 0; i < 200; ++i) same += g.index[i] / 40 == i / 40;
  EXPECT_EQ(same, 200);
  EXPECT_LT(y.colwise().mean().cwiseAbs().maxCoeff(), 1e-3 * y.cwiseAbs().maxCoeff());
}

TEST(Tsne, SeparatesGaussianBlobs) { expect_blobs_separated(2, 1000); }

TEST(Tsne, SeparatesGaussianBlobsIn3D) { expect_blobs_separated(3, 500); }

TEST(Tsne, SameSeedSameLayout) {
  const RowMatrix x = gaussian_blobs(3, 20, 6, 3.0, 9);
  TsneOptions o;
  o.perplexity = 8;
  o.iterations = 300;
  o.random_init = true;
  o.seed = 42;
  Tsne a(x, o), b(x, o);
  a.step(120), a.step(180);  // steps of any size add up to the same run
  b.step(300);
  EXPECT_EQ(a.coords(), b.coords());
  o.seed = 43;
  Tsne c(x, o);
  c.step(300);
  EXPECT_NE(a.coords(), c.coords());
}

TEST(Tsne, OneThreadAndTwoGiveTheSameLayout) {
  // 3,000 points: the walks and the attraction run in parts (about 1,024 points each) on both
  // threads; the parts and the order of their sums depend on the points alone. 2D and 3D.
  const RowMatrix x = gaussian_blobs(6, 500, 10, 3.0, 21);
  for (int dims : {2, 3}) {
    TsneOptions o;
    o.dimensions = dims;
    o.iterations = 60;
    o.exaggeration_iterations = 30;
    const auto layout = testing_threads::on_one_thread_and_two([&] {
      Tsne t(x, o);
      t.step(60);
      return t.coords();
    });
    EXPECT_EQ(layout[0], layout[1]) << dims << "D";
  }
}

TEST(Tsne, DuplicateAndZeroVectorsStayFinite) {
  RowMatrix x = gaussian_blobs(2, 20, 6, 3.0, 4);
  x.topRows(10).setZero();                                   // zero vectors
  for (int i = 20; i < 30; ++i) x.row(i) = x.row(35);        // duplicates
  TsneOptions o;
  o.perplexity = 5;
  o.iterations = 400;
  Tsne t(x, o);
  t.step(400);
  EXPECT_TRUE(t.coords().allFinite());
  EXPECT_TRUE(std::isfinite(t.kl_divergence()));
}

TEST(Tsne, AllIdenticalVectorsStayFinite) {
  TsneOptions o;
  o.perplexity = 3;
  o.iterations = 100;
  Tsne t(RowMatrix::Ones(20, 3), o);
  t.step(100);
  EXPECT_TRUE(t.coords().allFinite());
}

TEST(Tsne, RefusesBadInputClearly) {
  TsneOptions o;
  o.perplexity = 1;
  EXPECT_THROW(Tsne(RowMatrix::Random(3, 4), o), InputError);
  o.perplexity = 30;
  try {
    Tsne t(RowMatrix::Random(50, 4), o);
    FAIL() << "perplexity 30 accepted for 50 points";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("too large for 50 points"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("at most 16.3"), std::string::npos) << e.what();
  }
  RowMatrix bad = RowMatrix::Random(50, 4);
  bad(17, 2) = std::nanf("");
  o.perplexity = 5;
  EXPECT_THROW(Tsne(bad, o), InputError);
  o.theta = 2;
  EXPECT_THROW(Tsne(RowMatrix::Random(50, 4), o), InputError);
  o.theta = 0.5;
  EXPECT_THROW(Tsne(RowMatrix::Random(50, 4), o, RowMatrix::Zero(49, 2)), InputError);
}

TEST(TsneOptions, OneTableEveryRangeCheckedAtBothEnds) {
  expect_schema_checked_at_both_ends(tsne_schema(), [](const nlohmann::json& j) { tsne_options_from_json(j); },
                                     tsne_options_to_json(TsneOptions{}));
  const TsneOptions o = tsne_options_from_json({{"perplexity", 12.5}, {"iterations", 300}, {"seed", 9}});
  EXPECT_EQ(o.perplexity, 12.5);
  EXPECT_EQ(o.iterations, 300);
  EXPECT_EQ(o.seed, 9u);
  EXPECT_EQ(o.theta, TsneOptions{}.theta);  // absent: the default
  // The core checks the same ranges for a caller that fills the struct itself.
  TsneOptions far;
  far.iterations = 10;
  try {
    Tsne t(gaussian_blobs(2, 20, 4, 3.0, 1), far);
    FAIL() << "10 iterations accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("t-SNE option iterations must be a whole number from 50 to 5000"),
              std::string::npos) << e.what();
  }
}

TEST(TsneOptions, TheSeedReadFromJsonPlacesTheRandomStart) {
  const RowMatrix x = gaussian_blobs(2, 20, 4, 3.0, 1);
  const auto layout = [&](int seed) {
    Tsne t(x, tsne_options_from_json({{"perplexity", 5}, {"iterations", 50}, {"random_init", true}, {"seed", seed}}));
    t.step(50);
    return t.coords();
  };
  EXPECT_EQ(layout(4), layout(4));
  EXPECT_NE(layout(4), layout(5));
}

TEST(Knn, MatchesBruteForceWithTiesByLowerIndex) {
  RowMatrix x = gaussian_blobs(3, 15, 6, 2.0, 12);
  x.row(4) = x.row(9);  // duplicates: distance 0, the lower index first
  x.row(30) = x.row(9);
  const int k = 7;
  const KnnGraph g = exact_knn(x, k);
  for (int i = 0; i < 45; ++i) {
    std::vector<std::pair<double, int>> all;
    for (int j = 0; j < 45; ++j)
      if (j != i) all.push_back({(x.row(i).cast<double>() - x.row(j).cast<double>()).squaredNorm(), j});
    std::sort(all.begin(), all.end());
    for (int m = 0; m < k; ++m) {
      EXPECT_EQ(g.index[i * k + m], all[m].second) << "row " << i << " rank " << m;
      EXPECT_NEAR(g.dist_sq[i * k + m], all[m].first, 1e-9);
    }
  }
  EXPECT_EQ(g.index[9 * k], 4);
  EXPECT_EQ(g.index[9 * k + 1], 30);
  EXPECT_THROW(exact_knn(x, 45), InputError);
}

TEST(Tsne, WarmStartFromAFinishedLayoutKeepsIt) {
  const RowMatrix x = gaussian_blobs(4, 25, 10, 3.0, 31);
  TsneOptions o;
  o.perplexity = 15;
  o.iterations = 500;
  Tsne first(x, o);
  first.step(500);
  const RowMatrix done = first.coords();
  o.exaggeration_iterations = 0;  // the layout already exists: no early exaggeration
  o.iterations = 50;
  Tsne again(x, o, done);
  again.step(50);
  const RowMatrix moved = again.coords();
  const double spread = (done.rowwise() - done.colwise().mean()).norm();
  EXPECT_LT((moved - done).norm(), 0.1 * spread);
  EXPECT_GE(trustworthiness(x, moved, 10), trustworthiness(x, done, 10) - 0.01);
}

TEST(Trustworthiness, OneForAFaithfulMapAndLowForAShuffledOne) {
  const RowMatrix x = gaussian_blobs(4, 25, 10, 3.0, 8);
  EXPECT_NEAR(trustworthiness(x, x, 5), 1.0, 1e-12);
  RowMatrix line(40, 3), flat(40, 1);  // points on a line, kept in order by a 1D map
  for (int i = 0; i < 40; ++i) {
    line.row(i) << 2.0f * i, -1.0f * i, 0.5f * i;
    flat(i, 0) = static_cast<float>(i);
  }
  EXPECT_NEAR(trustworthiness(line, flat, 5), 1.0, 1e-12);
  Rng rng(1);
  Ids order(100);
  for (int i = 0; i < 100; ++i) order[i] = i;
  rng.shuffle(order);
  RowMatrix shuffled(100, 10);
  for (int i = 0; i < 100; ++i) shuffled.row(i) = x.row(order[i]);
  EXPECT_LT(trustworthiness(x, shuffled, 5), 0.75);
  EXPECT_THROW(trustworthiness(x, x, 50), InputError);
}

}  // namespace
}  // namespace embplay
