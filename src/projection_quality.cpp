// Exact kNN graphs and trustworthiness, both from blocks of squared distances.
#include "projection_quality.h"

#include <algorithm>
#include <string>

#include "input_error.h"

namespace embplay {
namespace {

constexpr Eigen::Index kBlock = 256;  // rows per Gram block: (256, n) floats

// Squared distances from rows [begin, begin + out.rows()) of x to every row of x, as
// |a|^2 + |b|^2 - 2 a.b on centred data (less cancellation), clamped at 0.
// x: (n, d) centred; norms: (n) squared norms; out: (block, n).
void block_distances(const RowMatrix& x, const Eigen::VectorXf& norms, Eigen::Index begin, RowMatrix& out) {
  out.noalias() = x.middleRows(begin, out.rows()) * x.transpose();
  for (Eigen::Index r = 0; r < out.rows(); ++r) {
    const float nr = norms(begin + r);
    for (Eigen::Index c = 0; c < out.cols(); ++c) out(r, c) = std::max(0.0f, nr + norms(c) - 2.0f * out(r, c));
  }
}

RowMatrix centred(const RowMatrix& x) {
  const Eigen::RowVectorXf mean = x.colwise().mean();
  return x.rowwise() - mean;
}

}  // namespace

KnnGraph exact_knn(const RowMatrix& x_in, int k) {
  const Eigen::Index n = x_in.rows();
  if (k < 1 || k >= n) throw InputError("kNN needs 1 <= k < number of points (k = " + std::to_string(k) + ", points = " + std::to_string(n) + ")");
  const RowMatrix x = centred(x_in);
  const Eigen::VectorXf norms = x.rowwise().squaredNorm();
  KnnGraph g;
  g.n = static_cast<int>(n);
  g.k = k;
  g.index.resize(static_cast<size_t>(n) * k);
  g.dist_sq.resize(static_cast<size_t>(n) * k);

  // The k nearest so far as a max-heap of (distance, row): most rows fail one comparison with
  // the top. Rows come in ascending order, so equal distances keep the lower row.
  std::vector<std::pair<float, int32_t>> heap;
  heap.reserve(static_cast<size_t>(k) + 1);
  RowMatrix block;
  for (Eigen::Index begin = 0; begin < n; begin += kBlock) {
    block.resize(std::min(kBlock, n - begin), n);
    block_distances(x, norms, begin, block);
    for (Eigen::Index r = 0; r < block.rows(); ++r) {
      const Eigen::Index i = begin + r;
      const float* row = block.row(r).data();
      heap.clear();
      for (Eigen::Index j = 0; j < n; ++j) {
        if (j == i) continue;
        if (static_cast<int>(heap.size()) < k) {
          heap.push_back({row[j], static_cast<int32_t>(j)});
          std::push_heap(heap.begin(), heap.end());
        } else if (row[j] < heap.front().first) {
          std::pop_heap(heap.begin(), heap.end());
          heap.back() = {row[j], static_cast<int32_t>(j)};
          std::push_heap(heap.begin(), heap.end());
        }
      }
      std::sort_heap(heap.begin(), heap.end());
      for (int m = 0; m < k; ++m) {
        const int32_t j = heap[static_cast<size_t>(m)].second;
        g.index[static_cast<size_t>(i) * k + m] = j;
        // Recomputed directly in double: exact zeros for duplicates, no cancellation.
        g.dist_sq[static_cast<size_t>(i) * k + m] = (x_in.row(i).cast<double>() - x_in.row(j).cast<double>()).squaredNorm();
      }
    }
  }
  // The direct distances can reorder near-ties; keep each row ascending.
  for (Eigen::Index i = 0; i < n; ++i) {
    std::vector<std::pair<double, int32_t>> row(static_cast<size_t>(k));
    for (int m = 0; m < k; ++m) row[m] = {g.dist_sq[i * k + m], g.index[i * k + m]};
    std::sort(row.begin(), row.end());
    for (int m = 0; m < k; ++m) std::tie(g.dist_sq[i * k + m], g.index[i * k + m]) = row[m];
  }
  return g;
}

double trustworthiness(const RowMatrix& high, const RowMatrix& low, int k) {
  const Eigen::Index n = high.rows();
  if (low.rows() != n) throw InputError("trustworthiness: the two point sets have different numbers of rows");
  if (k < 1 || 2 * static_cast<Eigen::Index>(k) >= n)
    throw InputError("trustworthiness needs 1 <= k < points / 2 (k = " + std::to_string(k) + ", points = " + std::to_string(n) + ")");
  const KnnGraph low_knn = exact_knn(low, k);
  const RowMatrix x = centred(high);
  const Eigen::VectorXf norms = x.rowwise().squaredNorm();

  double penalty = 0;
  RowMatrix block;
  for (Eigen::Index begin = 0; begin < n; begin += kBlock) {
    block.resize(std::min(kBlock, n - begin), n);
    block_distances(x, norms, begin, block);
    for (Eigen::Index r = 0; r < block.rows(); ++r) {
      const Eigen::Index i = begin + r;
      const float* row = block.row(r).data();
      for (int m = 0; m < k; ++m) {
        const int32_t j = low_knn.index[static_cast<size_t>(i) * k + m];
        // Rank of j among i's neighbours in `high`: 1 + how many come before it (ties by index).
        int64_t before = 0;
        for (Eigen::Index l = 0; l < n; ++l)
          before += l != i && (row[l] < row[j] || (row[l] == row[j] && l < j));
        penalty += std::max<int64_t>(0, before + 1 - k);
      }
    }
  }
  const double nd = static_cast<double>(n), kd = k;
  return 1.0 - 2.0 / (nd * kd * (2.0 * nd - 3.0 * kd - 1.0)) * penalty;
}

}  // namespace embplay
