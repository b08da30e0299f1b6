// The alias table draws each index with its weight's share, and handles the edge cases.
#include <gtest/gtest.h>

#include <stdexcept>

#include "alias.h"

namespace embplay {
namespace {

TEST(AliasTable, ReproducesItsDistributionOverAMillionDraws) {
  const std::vector<double> w = {10, 0, 1, 5, 0.5, 3, 80, 0.25, 2};
  double sum = 0;
  for (double x : w) sum += x;
  const AliasTable table(w);
  ASSERT_EQ(table.size(), 9);
  Rng rng(7);
  const int draws = 1000000;
  std::vector<int> seen(w.size(), 0);
  for (int i = 0; i < draws; ++i) ++seen[table.sample(rng)];
  double chi2 = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    const double expected = draws * w[i] / sum;
    EXPECT_NEAR(seen[i] / double(draws), w[i] / sum, 2e-3) << "index " << i;
    if (expected > 0) chi2 += (seen[i] - expected) * (seen[i] - expected) / expected;
  }
  EXPECT_EQ(seen[1], 0);  // weight 0 is never drawn
  // 7 degrees of freedom: P(chi2 > 24.3) = 0.001.
  EXPECT_LT(chi2, 24.3);
}

TEST(AliasTable, ZeroAndOneElement) {
  const AliasTable empty(std::vector<double>{});
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.size(), 0);
  const AliasTable one(std::vector<double>{3.5});
  Rng rng(1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(one.sample(rng), 0);
  const AliasTable one_positive(std::vector<double>{0, 0, 2, 0});
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(one_positive.sample(rng), 2);
}

TEST(AliasTable, RefusesBadWeights) {
  EXPECT_THROW(AliasTable(std::vector<double>{0, 0}), std::invalid_argument);
  EXPECT_THROW(AliasTable(std::vector<double>{1, -1}), std::invalid_argument);
  EXPECT_THROW(AliasTable(std::vector<double>{1, std::nan("")}), std::invalid_argument);
}

TEST(AliasTable, ZipfWeightsOverALargeVocabulary) {
  std::vector<double> w(5000);
  for (size_t i = 0; i < w.size(); ++i) w[i] = 1.0 / double(i + 1);
  double sum = 0;
  for (double x : w) sum += x;
  const AliasTable table(w);
  Rng rng(3);
  const int draws = 1000000;
  std::vector<int> seen(w.size(), 0);
  for (int i = 0; i < draws; ++i) ++seen[table.sample(rng)];
  double max_error = 0;
  for (size_t i = 0; i < w.size(); ++i) max_error = std::max(max_error, std::abs(seen[i] / double(draws) - w[i] / sum));
  EXPECT_LT(max_error, 2e-3);  // the largest share is 0.11: its standard error is 3e-4
}

}  // namespace
}  // namespace embplay
