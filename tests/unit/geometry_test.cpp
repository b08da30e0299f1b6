// PCA against a known answer; neighbours and predictions on hand-made vectors.
#include <gtest/gtest.h>

#include "geometry.h"

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

}  // namespace
}  // namespace embplay
