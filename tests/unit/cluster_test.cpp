// k-means: separated blobs recovered exactly (up to the labels' order), directions clustered
// under cosine, every cluster non-empty, central words in order, bad k refused.
#include <gtest/gtest.h>

#include "blobs.h"
#include "cluster.h"
#include "input_error.h"
#include "schema_checks.h"

namespace embplay {
namespace {

using testing_data::gaussian_blobs;

// True when `a` and `truth` split the rows the same way, whatever the cluster numbers.
bool same_partition(const Ids& a, const std::vector<int>& truth) {
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = 0; j < a.size(); ++j)
      if ((a[i] == a[j]) != (truth[i] == truth[j])) return false;
  return true;
}

TEST(KMeans, RecoversSeparatedBlobsExactly) {
  const RowMatrix x = gaussian_blobs(5, 30, 10, 10.0, 21);
  std::vector<int> truth(150);
  for (int i = 0; i < 150; ++i) truth[i] = i / 30;
  for (uint64_t seed : {1, 2, 3}) {
    KMeansOptions o;
    o.k = 5;
    o.cosine = false;
    o.seed = seed;
    const KMeansResult r = kmeans(x, o);
    EXPECT_TRUE(same_partition(r.assignment, truth)) << "seed " << seed;
    EXPECT_EQ(r.sizes, std::vector<int>(5, 30));
    EXPECT_EQ(r.centroids.rows(), 5);
  }
}

TEST(KMeans, CosineClustersDirectionsWhateverTheLength) {
  RowMatrix x = gaussian_blobs(3, 20, 8, 10.0, 5);
  Rng rng(2);
  for (int i = 0; i < 60; ++i) x.row(i) *= 0.2f + 5 * rng.uniform();  // lengths 0.2..5.2
  std::vector<int> truth(60);
  for (int i = 0; i < 60; ++i) truth[i] = i / 20;
  KMeansOptions o;
  o.k = 3;
  EXPECT_TRUE(same_partition(kmeans(x, o).assignment, truth));
}

TEST(KMeans, ListsCentralMembersFirstAndMapsIds) {
  RowMatrix x(7, 2);
  x << 0, 0, 0.1f, 0, -0.3f, 0, 0.2f, 0, 10, 10, 10, 11, 10, 9.5f;
  KMeansOptions o;
  o.k = 2;
  o.cosine = false;
  o.central = 3;
  const Ids ids = {100, 101, 102, 103, 104, 105, 106};
  const KMeansResult r = kmeans(x, o, ids);
  const int left = r.assignment[0], right = r.assignment[4];
  ASSERT_NE(left, right);
  EXPECT_EQ(r.central[left], (Ids{100, 101, 103}));  // centroid at (0, 0)
  EXPECT_EQ(r.central[right].front(), 104);          // centroid at (10, 10.17)
  EXPECT_EQ(r.central[right].size(), 3u);
}

TEST(KMeans, DuplicatesAndZeroVectorsStillFillEveryCluster) {
  RowMatrix x = RowMatrix::Zero(12, 4);
  x.row(10) << 1, 2, 3, 4;
  x.row(11) << -1, 0, 0, 0;
  for (bool cosine : {true, false}) {
    KMeansOptions o;
    o.k = 5;
    o.cosine = cosine;
    const KMeansResult r = kmeans(x, o);
    int total = 0;
    for (int s : r.sizes) {
      EXPECT_GE(s, 1);
      total += s;
    }
    EXPECT_EQ(total, 12);
    EXPECT_TRUE(r.centroids.allFinite());
  }
}

TEST(KMeans, RefusesKAboveTheNumberOfWords) {
  KMeansOptions o;
  o.k = 11;
  try {
    kmeans(RowMatrix::Random(10, 3), o);
    FAIL() << "k = 11 accepted for 10 words";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("choose k from 1 to 10"), std::string::npos) << e.what();
  }
  o.k = 0;
  EXPECT_THROW(kmeans(RowMatrix::Random(10, 3), o), InputError);
}

TEST(KMeansOptions, OneTableEveryRangeCheckedAtBothEnds) {
  expect_schema_checked_at_both_ends(kmeans_schema(), [](const nlohmann::json& j) { kmeans_options_from_json(j); },
                                     kmeans_options_to_json(KMeansOptions{}));
  const KMeansOptions o = kmeans_options_from_json({{"k", 3}, {"seed", 7}});
  EXPECT_EQ(o.k, 3);
  EXPECT_EQ(o.seed, 7u);
  // The core checks the same range: nine clusters are refused even with words enough.
  KMeansOptions nine;
  nine.k = 9;
  EXPECT_THROW(kmeans(RowMatrix::Random(20, 3), nine), InputError);
}

TEST(KMeans, SameSeedSameClusters) {
  const RowMatrix x = gaussian_blobs(6, 15, 5, 1.0, 3);  // overlapping: seeding matters
  KMeansOptions o;
  o.k = 6;
  EXPECT_EQ(kmeans(x, o).assignment, kmeans(x, o).assignment);
}

TEST(KMeans, TheSamePartitionGetsTheSameNumbersWhateverTheSeed) {
  const RowMatrix x = gaussian_blobs(5, 30, 10, 10.0, 21);  // separated: every seeding finds them
  KMeansOptions o;
  o.k = 5;
  o.cosine = false;
  const KMeansResult first = kmeans(x, o);
  for (uint64_t seed : {2, 3, 4, 5}) {
    o.seed = seed;
    EXPECT_EQ(kmeans(x, o).assignment, first.assignment) << "seed " << seed;
  }
  // Numbered by first row: blob b (rows 30b..30b+29) is cluster b, its centroid row b.
  for (int i = 0; i < 150; ++i) ASSERT_EQ(first.assignment[i], i / 30);
  EXPECT_LT((first.centroids.row(3) - x.middleRows(90, 30).colwise().mean()).norm(), 1e-3);
}

TEST(KMeans, AStartIsFollowedSoClustersKeepTheirNumbersAsVectorsDrift) {
  // Overlapping blobs: fresh seedings disagree on the labels; a start from the previous
  // clustering keeps them while the vectors move a little, as the map's do while training.
  RowMatrix x = gaussian_blobs(6, 20, 8, 1.5, 4);
  KMeansOptions o;
  o.k = 6;
  const KMeansResult before = kmeans(x, o);
  Rng rng(9);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] += rng.symmetric(0.05f);
  const auto kept = [&](const Ids& a) {
    int same = 0;
    for (size_t i = 0; i < a.size(); ++i) same += a[i] == before.assignment[i];
    return same;
  };
  o.seed = 77;  // another seeding: on its own it numbers the clusters differently
  EXPECT_LT(kept(kmeans(x, o).assignment), 60);
  o.start = before.assignment;
  EXPECT_GE(kept(kmeans(x, o).assignment), 110) << "of 120 words";

  // Rows the previous clustering did not have (-1), and a group left empty, still fill every cluster.
  Ids partial(120, -1);
  for (int i = 0; i < 60; ++i) partial[i] = before.assignment[i] == 5 ? 0 : before.assignment[i];
  o.start = partial;
  const KMeansResult filled = kmeans(x, o);
  for (int size : filled.sizes) EXPECT_GE(size, 1);

  o.start = Ids(119, 0);
  EXPECT_THROW(kmeans(x, o), InputError);  // one label per row
  o.start = Ids(120, 6);
  EXPECT_THROW(kmeans(x, o), InputError);  // labels 0..k-1 or -1
}

}  // namespace
}  // namespace embplay
