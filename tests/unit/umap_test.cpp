// UMAP: the curve's a and b against umap-learn's, memberships that sum to log2(k + 1), a symmetric
// fuzzy union, blobs that separate in 2D and 3D, a trustworthy map of a curved sheet, repeatable
// runs (the same bits on one thread or two), and bad input refused with a clear message.
#include <gtest/gtest.h>

#include <cmath>

#include "blobs.h"
#include "error_message.h"
#include "input_error.h"
#include "one_thread_and_two.h"
#include "projection_quality.h"
#include "schema_checks.h"
#include "umap.h"

namespace embplay {
namespace {

using testing_data::gaussian_blobs;

TEST(Umap, CurveMatchesUmapLearnsFit) {
  // umap-learn's find_ab_params (scipy's curve_fit) for its defaults and two others.
  UmapCurve c = fit_umap_curve(0.1, 1.0);
  EXPECT_NEAR(c.a, 1.577, 0.01);
  EXPECT_NEAR(c.b, 0.895, 0.005);
  c = fit_umap_curve(0.5, 1.0);
  EXPECT_NEAR(c.a, 0.583, 0.01);
  EXPECT_NEAR(c.b, 1.334, 0.01);
  c = fit_umap_curve(0.001, 1.0);
  EXPECT_NEAR(c.a, 1.929, 0.02);
  EXPECT_NEAR(c.b, 0.7915, 0.005);
}

TEST(Umap, MembershipsSumToLog2KAndNearestIsOne) {
  const double dist[5] = {0.5, 0.7, 1.0, 1.5, 3.0};
  double w[5];
  smooth_knn_row(dist, 5, w);
  double sum = 0;
  for (double v : w) sum += v;
  EXPECT_NEAR(sum, std::log2(6.0), 1e-4);
  EXPECT_EQ(w[0], 1.0);  // the nearest neighbour: distance rho, membership exp(0)
  for (int m = 1; m < 5; ++m) EXPECT_LT(w[m], w[m - 1]);
  const double same[3] = {0, 0, 0};  // duplicates: finite, all members
  smooth_knn_row(same, 3, w);
  for (int m = 0; m < 3; ++m) EXPECT_EQ(w[m], 1.0);
}

TEST(Umap, FuzzyGraphIsTheSymmetricUnion) {
  const RowMatrix x = gaussian_blobs(3, 20, 5, 3.0, 3);
  const KnnGraph g = exact_knn(x, 9);
  const FuzzyGraph f = fuzzy_graph(g);
  Eigen::MatrixXd dense = Eigen::MatrixXd::Zero(60, 60), directed = Eigen::MatrixXd::Zero(60, 60);
  for (int i = 0; i < 60; ++i)
    for (int64_t m = f.start[i]; m < f.start[i + 1]; ++m) dense(i, f.col[m]) += f.val[m];
  std::vector<double> dist(9), w(9);
  for (int i = 0; i < 60; ++i) {
    for (int m = 0; m < 9; ++m) dist[m] = std::sqrt(g.dist_sq[i * 9 + m]);
    smooth_knn_row(dist.data(), 9, w.data());
    for (int m = 0; m < 9; ++m) directed(i, g.index[i * 9 + m]) = w[m];
  }
  const Eigen::MatrixXd expected = directed + directed.transpose() - directed.cwiseProduct(directed.transpose());
  EXPECT_LT((dense - expected).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_EQ(dense.diagonal().cwiseAbs().maxCoeff(), 0.0);
  EXPECT_LE(dense.maxCoeff(), 1.0);
}

// Five blobs of 40 points in 20 dimensions: every point's nearest map neighbour is from its own
// blob, and the map is trustworthy.
void expect_blobs_separated(int dims) {
  const RowMatrix x = gaussian_blobs(5, 40, 20, 3.0, 2024);
  UmapOptions o;
  o.dimensions = dims;
  o.epochs = 300;
  Umap u(x, o);
  EXPECT_EQ(u.step(100), 100);
  EXPECT_EQ(u.step(5000), 200);
  EXPECT_TRUE(u.done());
  EXPECT_EQ(u.step(10), 0);
  const RowMatrix y = u.coords();
  ASSERT_EQ(y.cols(), dims);
  ASSERT_TRUE(y.allFinite());
  EXPECT_GE(trustworthiness(x, y, 10), 0.9);
  const KnnGraph g = exact_knn(y, 1);
  int same = 0;
  for (int i = 0; i < 200; ++i) same += g.index[i] / 40 == i / 40;
  EXPECT_EQ(same, 200);
}

TEST(Umap, SeparatesGaussianBlobs) { expect_blobs_separated(2); }

TEST(Umap, SeparatesGaussianBlobsIn3D) { expect_blobs_separated(3); }

// An S-shaped sheet (a 2D manifold) in 3D, turned into 10 dimensions: UMAP unrolls it into a map
// whose neighbours are true neighbours, far better than its own PCA start.
TEST(Umap, TrustworthyOnACurvedSheet) {
  Rng rng(17);
  const int n = 600;
  RowMatrix sheet(n, 3);
  for (int i = 0; i < n; ++i) {
    const double t = 3 * 3.14159265 * (rng.uniform() - 0.5), h = 2 * rng.uniform();
    sheet.row(i) << static_cast<float>(std::sin(t)), static_cast<float>(h),
        static_cast<float>((t > 0 ? 1 : -1) * (std::cos(t) - 1));
  }
  const Eigen::MatrixXf turn = Eigen::MatrixXf::Random(3, 10);
  const RowMatrix x = sheet * turn;
  UmapOptions o;
  o.epochs = 200;
  Umap u(x, o);
  const double before = trustworthiness(x, u.coords(), 10);
  u.step(200);
  const double after = trustworthiness(x, u.coords(), 10);
  EXPECT_GE(after, 0.97);
  EXPECT_GT(after, before);
}

TEST(Umap, SameSeedSameLayout) {
  const RowMatrix x = gaussian_blobs(3, 20, 6, 3.0, 9);
  UmapOptions o;
  o.neighbours = 8;
  o.epochs = 150;
  o.seed = 42;
  Umap a(x, o), b(x, o);
  a.step(60), a.step(90);  // steps of any size add up to the same run
  b.step(150);
  EXPECT_EQ(a.coords(), b.coords());
  o.seed = 43;
  Umap c(x, o);
  c.step(150);
  EXPECT_NE(a.coords(), c.coords());
}

TEST(Umap, OneThreadAndTwoGiveTheSameLayout) {
  // 3,000 points: the epochs run in parts (about 1,024 points each) on both threads; the parts and
  // their generators depend on the points alone. 2D and 3D.
  const RowMatrix x = gaussian_blobs(6, 500, 10, 3.0, 21);
  for (int dims : {2, 3}) {
    UmapOptions o;
    o.dimensions = dims;
    o.epochs = 30;
    const auto layout = testing_threads::on_one_thread_and_two([&] {
      Umap u(x, o);
      u.step(30);
      return u.coords();
    });
    EXPECT_EQ(layout[0], layout[1]) << dims << "D";
    EXPECT_TRUE(layout[0].allFinite());
  }
}

TEST(Umap, DuplicateZeroAndIdenticalVectorsStayFinite) {
  RowMatrix x = gaussian_blobs(2, 20, 6, 3.0, 4);
  x.topRows(10).setZero();
  for (int i = 20; i < 30; ++i) x.row(i) = x.row(35);
  UmapOptions o;
  o.epochs = 100;
  Umap u(x, o);
  u.step(100);
  EXPECT_TRUE(u.coords().allFinite());
  Umap same(RowMatrix::Ones(20, 3), o);
  same.step(100);
  EXPECT_TRUE(same.coords().allFinite());
  // More neighbours than points: all the others are the neighbourhood.
  o.neighbours = 50;
  Umap few(gaussian_blobs(2, 5, 4, 3.0, 1), o);
  few.step(100);
  EXPECT_TRUE(few.coords().allFinite());
}

TEST(Umap, RefusesBadInputClearly) {
  UmapOptions o;
  EXPECT_NE(error_of([&] { Umap u(RowMatrix::Random(3, 4), o); }).find("at least 4 points"), std::string::npos);
  RowMatrix bad = RowMatrix::Random(50, 4);
  bad(17, 2) = std::nanf("");
  EXPECT_NE(error_of([&] { Umap u(bad, o); }).find("vector 17 is not finite"), std::string::npos);
  o.min_dist = 2;
  EXPECT_NE(error_of([&] { Umap u(RowMatrix::Random(50, 4), o); }).find("min_dist 2 must not exceed spread 1"),
            std::string::npos);
  o.min_dist = 0.1;
  o.neighbours = 1;
  EXPECT_NE(error_of([&] { Umap u(RowMatrix::Random(50, 4), o); }).find("UMAP option neighbours must be a whole number from 2 to 200"),
            std::string::npos);
  o.neighbours = 15;
  EXPECT_THROW(Umap(RowMatrix::Random(50, 4), o, RowMatrix::Zero(49, 2)), InputError);
}

TEST(UmapOptions, OneTableEveryRangeCheckedAtBothEnds) {
  expect_schema_checked_at_both_ends(umap_schema(), [](const nlohmann::json& j) { umap_options_from_json(j); },
                                     umap_options_to_json(UmapOptions{}));
  const UmapOptions o = umap_options_from_json({{"neighbours", 30}, {"min_dist", 0.25}, {"seed", 9}});
  EXPECT_EQ(o.neighbours, 30);
  EXPECT_EQ(o.min_dist, 0.25);
  EXPECT_EQ(o.seed, 9u);
  EXPECT_EQ(o.epochs, UmapOptions{}.epochs);
  EXPECT_THROW(umap_options_from_json({{"neighbors", 30}}), InputError);
}

}  // namespace
}  // namespace embplay
