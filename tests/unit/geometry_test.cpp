// PCA against a known answer; neighbours and predictions on hand-made vectors.
#include <gtest/gtest.h>

#include "geometry.h"
#include "input_error.h"

#include <Eigen/QR>
#include <cmath>

namespace embplay {
namespace {

TEST(Pca, RecoversAKnownPlaneInThreeDimensions) {
  // Points a*u + b*v with var(a) = 4 var(b), u and v orthonormal in 3D; the third axis is flat.
  const Eigen::Vector3f u = Eigen::Vector3f(1, 1, 0).normalized(), v = Eigen::Vector3f(0, 0, 1);
  const float as[] = {-2, 2, -2, 2, 0}, bs[] = {-1, -1, 1, 1, 0};
  RowMatrix x(5, 3);
  for (int i = 0; i < 5; ++i) x.row(i) = (as[i] * u + bs[i] * v).transpose() + Eigen::RowVector3f(3, -1, 7);
  const Projection p = pca_2d(x);
  EXPECT_NEAR(p.explained[0], 0.8, 1e-5);  // 16 / (16 + 4)
  EXPECT_NEAR(p.explained[1], 0.2, 1e-5);
  for (int i = 0; i < 5; ++i) {  // the projection is the coordinates (a, b), up to the fixed signs
    EXPECT_NEAR(std::abs(p.coords(i, 0)), std::abs(as[i]), 1e-4);
    EXPECT_NEAR(std::abs(p.coords(i, 1)), std::abs(bs[i]), 1e-4);
  }
}

TEST(Pca, HandlesDegenerateInput) {
  EXPECT_EQ(pca_2d(RowMatrix(0, 4)).coords.rows(), 0);
  const Projection one = pca_2d(RowMatrix::Ones(1, 4));
  EXPECT_EQ(one.coords, RowMatrix::Zero(1, 2));
  const Projection same = pca_2d(RowMatrix::Ones(5, 4));  // zero variance: no NaN
  EXPECT_TRUE(same.coords.allFinite());
}

// The message InputError carries for `vectors`, or "" when they can be projected.
std::string projectable(const RowMatrix& vectors, int min_rows = kMinMapWords) {
  try {
    check_projectable(vectors, min_rows, min_rows == kMinMapWords ? "PCA" : "t-SNE");
    return "";
  } catch (const InputError& e) {
    return e.what();
  }
}

TEST(CheckProjectable, RefusesTooFewWordsNonFiniteVectorsAndNoSpread) {
  EXPECT_EQ(projectable(RowMatrix::Identity(3, 4)), "");
  EXPECT_EQ(projectable(RowMatrix(0, 4)), "no words to project");
  EXPECT_EQ(projectable(RowMatrix::Identity(2, 4)), "2 words are too few for PCA: it needs at least 3");
  EXPECT_EQ(projectable(RowMatrix::Identity(1, 4)), "1 word is too few for PCA: it needs at least 3");
  EXPECT_EQ(projectable(RowMatrix::Identity(3, 4), 4), "3 words are too few for t-SNE: it needs at least 4");
  RowMatrix nan = RowMatrix::Identity(4, 4);
  nan(2, 1) = std::nanf("");
  EXPECT_EQ(projectable(nan), "the vector of word 3 is not finite");
  EXPECT_EQ(projectable(RowMatrix::Zero(5, 4)), "all 5 words have the same vector (zero): there is no spread to project");
  EXPECT_EQ(projectable(RowMatrix::Ones(5, 4)), "all 5 words have the same vector: there is no spread to project");
  // Duplicates among other vectors are fine: they sit on one point.
  RowMatrix dup = RowMatrix::Ones(5, 4);
  dup(4, 0) = 2;
  EXPECT_EQ(projectable(dup), "");
}

TEST(Neighbors, RanksByCosineAndSkipsReservedRows) {
  RowMatrix table(6, 2);
  table << 1, 0,  // <pad>
      1, 0,       // <unk>
      1, 0,       // query
      10, 1,      // nearly the same direction, long
      0, 1,       // orthogonal
      -1, 0;      // opposite
  const std::vector<Neighbor> n = nearest_neighbors(table, 2, 10);
  ASSERT_EQ(n.size(), 3u);
  EXPECT_EQ(n[0].id, 3);
  EXPECT_EQ(n[1].id, 4);
  EXPECT_EQ(n[2].id, 5);
  EXPECT_NEAR(n[2].similarity, -1, 1e-6);
}

// A random orthogonal (d, d) matrix: Q of the QR decomposition of a seeded Gaussian matrix.
Eigen::MatrixXf random_orthogonal(int d, uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXd g(d, d);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) {
      const double u = 1.0 - rng.uniform(), v = rng.uniform();
      g(i, j) = std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v);
    }
  const Eigen::MatrixXd q = Eigen::HouseholderQR<Eigen::MatrixXd>(g).householderQ();
  return q.cast<float>();
}

TEST(PcaAligned, ARotatedCopyOfTheVectorsStaysInPlace) {
  Rng rng(3);
  RowMatrix x(60, 8);
  for (int i = 0; i < 60; ++i)
    for (int j = 0; j < 8; ++j) x(i, j) = rng.symmetric(1.0f) * (8 - j) + 0.5f;  // distinct variances
  const Projection first = pca_2d(x);
  for (uint64_t seed : {1, 2, 3, 4}) {
    const RowMatrix turned = x * random_orthogonal(8, seed);
    const Projection plain = pca_2d(turned), aligned = pca_2d_aligned(turned, first.coords);
    EXPECT_LT((aligned.coords - first.coords).cwiseAbs().maxCoeff(), 1e-3) << "seed " << seed;
    EXPECT_NEAR(aligned.explained[0], first.explained[0], 1e-5);
    // Plain PCA of the turned copy agrees up to the axes' signs, which alignment needs to fix.
    EXPECT_LT((plain.coords.cwiseAbs() - first.coords.cwiseAbs()).cwiseAbs().maxCoeff(), 1e-3);
  }
}

TEST(PcaAligned, TurnsOntoAPreviousFrameAndChecksRows) {
  Rng rng(4);
  RowMatrix x(30, 5);
  for (int i = 0; i < 30; ++i)
    for (int j = 0; j < 5; ++j) x(i, j) = rng.symmetric(1.0f) * (5 - j);
  const Projection p = pca_2d(x);
  Eigen::Matrix2f turn;
  turn << std::cos(0.7f), std::sin(0.7f), -std::sin(0.7f), std::cos(0.7f);
  const RowMatrix previous = (p.coords * turn).rowwise() + Eigen::RowVector2f(5, -2);  // turned, moved
  const Projection aligned = pca_2d_aligned(x, previous);
  EXPECT_LT((aligned.coords - p.coords * turn).cwiseAbs().maxCoeff(), 1e-4);
  EXPECT_EQ(pca_2d_aligned(x, RowMatrix()).coords, p.coords);
  EXPECT_THROW(pca_2d_aligned(x, RowMatrix::Zero(29, 2)), InputError);
}

TEST(Pca, ThreeDimensionsExtendTheTwo) {
  Rng rng(8);
  RowMatrix x(40, 6);
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j < 6; ++j) x(i, j) = rng.symmetric(1.0f) * (6 - j);
  const Projection two = pca(x, 2), three = pca(x, 3);
  ASSERT_EQ(three.coords.cols(), 3);
  ASSERT_EQ(three.explained.size(), 3u);
  EXPECT_EQ(three.coords.leftCols(2), two.coords);  // the same first two axes
  EXPECT_EQ(three.explained[1], two.explained[1]);
  EXPECT_GT(three.explained[2], 0.0f);
  EXPECT_LE(three.explained[2], three.explained[1]);
  // The third axis is orthogonal to the others, and each axis' variance is its share of the total.
  const RowMatrix c = three.coords;
  EXPECT_NEAR(c.col(0).dot(c.col(2)), 0, 1e-2);
  EXPECT_NEAR(c.col(1).dot(c.col(2)), 0, 1e-2);
  const RowMatrix centred = x.rowwise() - x.colwise().mean();
  EXPECT_NEAR(c.col(2).squaredNorm() / centred.squaredNorm(), three.explained[2], 1e-4);
  // Fewer dimensions than asked: the missing axes are zero.
  const Projection flat = pca(x.leftCols(2), 3);
  EXPECT_EQ(flat.coords.col(2), Eigen::VectorXf::Zero(40));
}

TEST(PcaAligned, ThreeColumnsTurnOntoAPreviousFrame) {
  Rng rng(9);
  RowMatrix x(50, 7);
  for (int i = 0; i < 50; ++i)
    for (int j = 0; j < 7; ++j) x(i, j) = rng.symmetric(1.0f) * (7 - j) + 0.3f;
  const Projection p = pca(x, 3);
  const Eigen::MatrixXf turn = random_orthogonal(3, 5);
  const RowMatrix previous = (p.coords * turn).rowwise() + Eigen::RowVector3f(1, 2, -3);
  const Projection aligned = pca_aligned(x, previous, 3);
  EXPECT_LT((aligned.coords - p.coords * turn).cwiseAbs().maxCoeff(), 1e-3);
  // A rotated copy of the vectors stays in place too.
  const Projection again = pca_aligned(x * random_orthogonal(7, 6), p.coords, 3);
  EXPECT_LT((again.coords - p.coords).cwiseAbs().maxCoeff(), 1e-3);
  EXPECT_THROW(pca_aligned(x, p.coords.leftCols(2), 3), InputError);  // a 2D frame for a 3D one
}

TEST(OddOneOut, FindsThePlantedWordWithEachDistanceByHand) {
  // Four fruit around one direction, a car in another; lengths differ (cosine ignores them).
  RowMatrix w(5, 3);
  w << 1, 0.1f, 0,  //
      3, -0.2f, 0.1f,  //
      0.5f, 0.05f, -0.05f,  //
      0, 0.1f, 2,  // the car
      2, 0.3f, 0;
  const OddOneOut r = odd_one_out(w);
  ASSERT_EQ(r.distances.size(), 5u);
  EXPECT_EQ(r.odd, 3);
  const RowMatrix u = unit_rows(w);
  for (int i = 0; i < 5; ++i) {
    Eigen::RowVector3f others = Eigen::RowVector3f::Zero();
    for (int j = 0; j < 5; ++j)
      if (j != i) others += u.row(j) / 4;
    const float expected = 1 - u.row(i).dot(others) / others.norm();
    EXPECT_NEAR(r.distances[i], expected, 1e-5) << i;
    if (i != 3) EXPECT_LT(r.distances[i], r.distances[3]);
  }
  // A zero vector is as far as can be from a direction it does not have: cosine 0.
  RowMatrix z = w.topRows(4);
  z.row(1).setZero();
  EXPECT_NEAR(odd_one_out(z).distances[1], 1.0f, 1e-6);
  EXPECT_THROW(odd_one_out(w.topRows(2)), InputError);
}

TEST(Neighbors, RanksByEuclideanDistanceWhenAsked) {
  RowMatrix table(6, 2);
  table << 0, 0, 0, 0,  // <pad>, <unk>
      1, 0,             // query
      10, 0,            // same direction, far away
      1, 1,             // orthogonal-ish, near
      -1, 0;            // opposite, distance 2
  const std::vector<Neighbor> e = nearest_neighbors(table, 2, 3, Metric::kEuclidean);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].id, 4);
  EXPECT_EQ(e[1].id, 5);
  EXPECT_EQ(e[2].id, 3);
  EXPECT_NEAR(e[1].distance, 2, 1e-6);
  EXPECT_EQ(nearest_neighbors(table, 2, 1)[0].id, 3);  // cosine, the default, prefers direction
  EXPECT_THROW(nearest_neighbors(table, 6, 1), InputError);
}

TEST(Analogy, FindsThePlantedAnswerWithBothMethods) {
  // Axes: 0 male, 1 female, 2 royal, 3 food; then noise.
  enum { kKing = 2, kMan, kWoman, kQueen, kPrince, kApple, kFirstNoise };
  const int v = kFirstNoise + 30, d = 8;
  RowMatrix t = RowMatrix::Zero(v, d);
  t.row(kKing) << 1, 0, 1, 0, 0, 0, 0, 0;
  t.row(kMan) << 1, 0, 0, 0, 0, 0, 0, 0;
  t.row(kWoman) << 0, 1, 0, 0, 0, 0, 0, 0;
  t.row(kQueen) << 0, 0.9f, 1.1f, 0, 0.1f, 0, 0, 0;
  t.row(kPrince) << 1, 0, 0.8f, 0, 0, 0.2f, 0, 0;  // close to king, but male
  t.row(kApple) << 0, 0, 0, 1, 0, 0, 0, 0;
  Rng rng(6);
  for (int i = kFirstNoise; i < v; ++i)
    for (int j = 0; j < d; ++j) t(i, j) = rng.symmetric(0.6f);
  t.row(kPadId) = t.row(kQueen) * 2;  // reserved rows must never be answers
  t.row(kUnkId) = t.row(kQueen);
  for (AnalogyMethod method : {AnalogyMethod::k3CosAdd, AnalogyMethod::k3CosMul}) {
    const std::vector<AnalogyAnswer> answers = analogy(t, kKing, kMan, kWoman, 5, method);
    ASSERT_EQ(answers.size(), 5u);
    EXPECT_EQ(answers[0].id, kQueen);
    for (size_t i = 0; i < answers.size(); ++i) {
      EXPECT_NE(answers[i].id, kKing);
      EXPECT_NE(answers[i].id, kMan);
      EXPECT_NE(answers[i].id, kWoman);
      EXPECT_GT(answers[i].id, kUnkId);
      if (i > 0) EXPECT_GE(answers[i - 1].score, answers[i].score);
    }
  }
  // 3CosAdd's score for queen, by hand: cos(q, king) - cos(q, man) + cos(q, woman).
  const auto cos = [&](int i, int j) { return t.row(i).dot(t.row(j)) / (t.row(i).norm() * t.row(j).norm()); };
  EXPECT_NEAR(analogy(t, kKing, kMan, kWoman, 1)[0].score,
              cos(kQueen, kKing) - cos(kQueen, kMan) + cos(kQueen, kWoman), 1e-5);
  const float s = (cos(kQueen, kKing) + 1) / 2 * (cos(kQueen, kWoman) + 1) / 2 / ((cos(kQueen, kMan) + 1) / 2 + 1e-3f);
  EXPECT_NEAR(analogy(t, kKing, kMan, kWoman, 1, AnalogyMethod::k3CosMul)[0].score, s, 1e-5);
  EXPECT_THROW(analogy(t, kKing, kMan, v, 3), InputError);
}

}  // namespace
}  // namespace embplay
