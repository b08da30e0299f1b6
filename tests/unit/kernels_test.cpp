// Our kernels against references: the matrix product against a double-precision product, exp
// against std::exp in ulps, on sizes that are not multiples of the 8 x 4 tile, the 256-step panel or
// the 4 lanes. Natively these run the kernels' portable lanes; the WebAssembly build runs the same
// code on SIMD registers (and tests/wasm/ checks that it trains to the native build's losses).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "kernels.h"
#include "parallel.h"

namespace embplay {
namespace {

Matrix random_matrix(Rng& rng, int rows, int cols) {
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.symmetric(1.0f);
  return m;
}

using MatrixD = Eigen::MatrixXd;

// Checks c against op(a) op(b) computed in double: each entry within k float roundings of the sum
// of |terms| (the classic bound for a float dot product of length k, in any order).
void expect_product(const Matrix& c, const MatrixD& opa, const MatrixD& opb, const char* what) {
  const MatrixD exact = opa * opb;
  const MatrixD magnitude = opa.cwiseAbs() * opb.cwiseAbs();
  ASSERT_EQ(c.rows(), exact.rows()) << what;
  ASSERT_EQ(c.cols(), exact.cols()) << what;
  const double eps = std::numeric_limits<float>::epsilon();
  const double k = static_cast<double>(opa.cols());
  for (Eigen::Index j = 0; j < c.cols(); ++j)
    for (Eigen::Index i = 0; i < c.rows(); ++i)
      ASSERT_NEAR(c(i, j), exact(i, j), (k + 1) * eps * magnitude(i, j) + 1e-30)
          << what << " at (" << i << ", " << j << ") of " << c.rows() << " x " << c.cols() << ", k = " << k;
}

TEST(Gemm, MatchesDoublePrecisionForEveryTransposeAndOddSizes) {
  Rng rng(11);
  // Edges of the 8-row tile, the 4-column tile and the 256-step panel (k = 600: three panels).
  for (int m : {1, 7, 8, 9, 21})
    for (int n : {1, 3, 4, 5, 11})
      for (int k : {1, 2, 13, 256, 257, 600})
        for (bool ta : {false, true})
          for (bool tb : {false, true}) {
            const Matrix a = ta ? random_matrix(rng, k, m) : random_matrix(rng, m, k);
            const Matrix b = tb ? random_matrix(rng, n, k) : random_matrix(rng, k, n);
            Matrix c(m, n);
            kernels::simd::gemm(ta, tb, m, n, k, a.data(), int(a.rows()), b.data(), int(b.rows()), c.data(), m);
            const MatrixD ad = a.cast<double>(), bd = b.cast<double>();
            const MatrixD opa = ta ? MatrixD(ad.transpose()) : ad;
            const MatrixD opb = tb ? MatrixD(bd.transpose()) : bd;
            expect_product(c, opa, opb, ta ? (tb ? "TT" : "TN") : (tb ? "NT" : "NN"));
          }
}

TEST(Gemm, WorksInsideLargerMatricesAndLeavesTheRestAlone) {
  // Leading dimensions larger than the block: A, B and C are corners of bigger matrices.
  Rng rng(12);
  const int m = 13, n = 6, k = 300;
  const Matrix a = random_matrix(rng, m + 5, k + 2), b = random_matrix(rng, k + 3, n + 1);
  Matrix c = Matrix::Constant(m + 4, n + 2, 7.0f);
  kernels::simd::gemm(false, false, m, n, k, a.data(), int(a.rows()), b.data(), int(b.rows()), c.data(), int(c.rows()));
  expect_product(c.topLeftCorner(m, n), a.topLeftCorner(m, k).cast<double>(), b.topLeftCorner(k, n).cast<double>(),
                 "corner");
  for (Eigen::Index j = 0; j < c.cols(); ++j)
    for (Eigen::Index i = 0; i < c.rows(); ++i)
      if (i >= m || j >= n) ASSERT_EQ(c(i, j), 7.0f) << "wrote outside the block at (" << i << ", " << j << ")";
}

TEST(Gemm, EmptySharedDimensionGivesZeros) {
  Matrix c = Matrix::Constant(5, 3, 1.0f);
  const float unused = 0;
  kernels::simd::gemm(false, false, 5, 3, 0, &unused, 5, &unused, 1, c.data(), 5);
  EXPECT_TRUE(c.isZero());
}

TEST(Matmul, ResizesAndMatchesEigenProducts) {
  // The functions the model calls: Eigen here, simd::gemm in WebAssembly builds. Same contract.
  Rng rng(13);
  const Matrix w = random_matrix(rng, 37, 19), x = random_matrix(rng, 19, 6), d = random_matrix(rng, 37, 6);
  Matrix c;
  kernels::matmul(c, w, x);  // (37, 6)
  expect_product(c, w.cast<double>(), x.cast<double>(), "matmul");
  kernels::matmul_nt(c, d, x);  // (37, 19)
  expect_product(c, d.cast<double>(), x.cast<double>().transpose(), "matmul_nt");
  kernels::matmul_tn(c, w, d);  // (19, 6)
  expect_product(c, w.cast<double>().transpose(), d.cast<double>(), "matmul_tn");
}

TEST(Gemm, TheDispatchedBlockProductMatchesOnBlocksOfLargerMatrices) {
  // kernels::gemm (Eigen maps here, simd::gemm in WebAssembly builds): blocks in the middle of
  // bigger matrices, every transpose, and nothing outside C's block written.
  Rng rng(14);
  const int m = 6, n = 5, k = 9;
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      const Matrix a = random_matrix(rng, 20, 20), b = random_matrix(rng, 20, 20);
      Matrix c = Matrix::Constant(12, 10, 3.0f);
      const float* a_block = a.data() + 2 + 3 * a.rows();  // starting at (2, 3)
      const float* b_block = b.data() + 1 + 4 * b.rows();  // starting at (1, 4)
      float* c_block = c.data() + 4 + 2 * c.rows();        // starting at (4, 2)
      kernels::gemm(ta, tb, m, n, k, a_block, int(a.rows()), b_block, int(b.rows()), c_block, int(c.rows()));
      const MatrixD ad = a.block(2, 3, ta ? k : m, ta ? m : k).cast<double>();
      const MatrixD bd = b.block(1, 4, tb ? n : k, tb ? k : n).cast<double>();
      expect_product(c.block(4, 2, m, n), ta ? MatrixD(ad.transpose()) : ad, tb ? MatrixD(bd.transpose()) : bd, "block");
      for (Eigen::Index j = 0; j < c.cols(); ++j)
        for (Eigen::Index i = 0; i < c.rows(); ++i)
          if (i < 4 || i >= 4 + m || j < 2 || j >= 2 + n) ASSERT_EQ(c(i, j), 3.0f) << i << ", " << j;
    }
}

TEST(Gemm, ProductsCutInPartsGiveTheSameBitsWithOneThreadOrTwo) {
  // Above 2M multiply-adds kernels::gemm computes C in parts (2 to 8, about 4M multiply-adds each),
  // shared by two threads when asked. The cut depends on the shapes only, so one thread and two
  // must agree exactly; and the parts must join into the right product. Shapes cut by rows, by
  // columns, off the tile multiples, into 2, 5 and 8 parts, and k = 1; the output layer's three
  // products at the reference workload's shapes (the square one is cut by columns here, by rows in
  // WebAssembly, where our kernels pack op(A) per part).
  struct Shape {
    int m, n, k;
  };
  Rng rng(16);
  for (const Shape& s : {Shape{517, 67, 61}, Shape{45, 1031, 47}, Shape{9, 9, 30001}, Shape{1, 5003, 421},
                         Shape{2049, 1027, 1}, Shape{3001, 37, 200}, Shape{128, 5002, 128},
                         Shape{5002, 128, 128}, Shape{128, 128, 5002}})
    for (bool ta : {false, true})
      for (bool tb : {false, true}) {
        const Matrix a = ta ? random_matrix(rng, s.k, s.m) : random_matrix(rng, s.m, s.k);
        const Matrix b = tb ? random_matrix(rng, s.n, s.k) : random_matrix(rng, s.k, s.n);
        Matrix c[2];
        for (int threads : {1, 2}) {
          ASSERT_EQ(parallel::set_threads(threads), threads);
          Matrix& out = c[threads - 1];
          out = Matrix::Constant(s.m, s.n, 5.0f);  // every element must be written
          kernels::gemm(ta, tb, s.m, s.n, s.k, a.data(), int(a.rows()), b.data(), int(b.rows()), out.data(), s.m);
        }
        parallel::set_threads(1);
        const std::string what = std::to_string(s.m) + " x " + std::to_string(s.n) + " x " + std::to_string(s.k) +
                                 (ta ? " T" : " N") + (tb ? "T" : "N");
        ASSERT_EQ(std::memcmp(c[0].data(), c[1].data(), sizeof(float) * c[0].size()), 0) << what;
        const MatrixD ad = a.cast<double>(), bd = b.cast<double>();
        expect_product(c[1], ta ? MatrixD(ad.transpose()) : ad, tb ? MatrixD(bd.transpose()) : bd, what.c_str());
      }
}

// Distance in units in the last place of the float nearest to the exact value.
double ulps(float got, double exact) {
  const float nearest = static_cast<float>(exact);
  const double ulp = std::nextafter(nearest, std::numeric_limits<float>::infinity()) - nearest;
  return std::abs(got - exact) / ulp;
}

TEST(Exp, WithinTwoUlpsOverTheWholeFloatRange) {
  // Every 97th float-spaced step from ln(FLT_MIN) to ln(FLT_MAX), plus fine steps around 0.
  std::vector<float> x;
  for (double v = -87.33; v <= 88.72; v += 0.00097) x.push_back(static_cast<float>(v));
  for (int i = -1000; i <= 1000; ++i) x.push_back(i * 1e-6f);
  std::vector<float> y(x.size());
  kernels::simd::exp(x.data(), y.data(), static_cast<int>(x.size()));
  double worst = 0;
  float worst_x = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double u = ulps(y[i], std::exp(static_cast<double>(x[i])));
    if (u > worst) worst = u, worst_x = x[i];
  }
  EXPECT_LE(worst, 2.0) << "at x = " << worst_x;
}

TEST(Exp, EdgesGiveZeroInfinityAndNaN) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> x = {0.0f, -inf, -1e30f, -104.0f, -88.0f, inf, 1e30f, 89.0f, nan};
  std::vector<float> y(x.size());
  kernels::simd::exp(x.data(), y.data(), static_cast<int>(x.size()));
  EXPECT_EQ(y[0], 1.0f);
  for (int i : {1, 2, 3, 4}) EXPECT_EQ(y[i], 0.0f) << "exp(" << x[i] << ")";
  for (int i : {5, 6, 7}) EXPECT_EQ(y[i], inf) << "exp(" << x[i] << ")";
  EXPECT_TRUE(std::isnan(y[8]));
}

TEST(ExpShifted, TermsAndSumForEveryTailLength) {
  Rng rng(14);
  for (int n = 1; n <= 23; ++n) {
    std::vector<float> x(n), out(n);
    for (float& v : x) v = rng.symmetric(20.0f);
    const float shift = *std::max_element(x.begin(), x.end());
    const float sum = kernels::simd::exp_shifted(x.data(), shift, out.data(), n);
    double exact_sum = 0;
    for (int i = 0; i < n; ++i) {
      const double exact = std::exp(static_cast<double>(x[i] - shift));
      EXPECT_LE(ulps(out[i], exact), 2.0) << "n = " << n << ", i = " << i;
      exact_sum += exact;
    }
    EXPECT_NEAR(sum, exact_sum, 1e-6 * exact_sum) << "n = " << n;
    EXPECT_EQ(kernels::simd::sum_exp_shifted(x.data(), shift, n), sum) << "n = " << n;
    EXPECT_NEAR(kernels::exp_shifted(x.data(), shift, out.data(), n), sum, 1e-6 * exact_sum) << "n = " << n;
    // In place, as softmax_columns uses it.
    const float in_place = kernels::simd::exp_shifted(x.data(), shift, x.data(), n);
    EXPECT_EQ(in_place, sum);
  }
}

TEST(MaxOf, FindsTheMaximumWherever) {
  Rng rng(15);
  for (int n = 1; n <= 37; ++n)
    for (int at = 0; at < n; ++at) {
      std::vector<float> x(n);
      for (float& v : x) v = rng.symmetric(5.0f);
      x[at] = 6.0f;
      ASSERT_EQ(kernels::simd::max_of(x.data(), n), 6.0f) << "n = " << n << ", max at " << at;
      ASSERT_EQ(kernels::max_of(x.data(), n), 6.0f) << "n = " << n << ", max at " << at;
    }
}

}  // namespace
}  // namespace embplay
