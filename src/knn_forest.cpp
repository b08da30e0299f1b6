// Random-projection forest and neighbour-of-neighbour passes (see knn_forest.h).
#include "knn_forest.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>

#include "input_error.h"
#include "parallel.h"

namespace embplay {
namespace {

// One tree: the points in leaf order (siblings next to each other) and each point's leaf as a
// range [leaf_begin, leaf_end) of that order.
struct ProjectionTree {
  std::vector<int32_t> order;       // (n)
  std::vector<int32_t> leaf_begin;  // (n)
  std::vector<int32_t> leaf_end;    // (n)
};

// Splits the points by the hyperplane halfway between two random points of the cell, until a cell
// holds at most leaf_size. stable_partition keeps the order defined whatever the library.
ProjectionTree grow_tree(const RowMatrix& x, int leaf_size, Rng& rng) {
  const int32_t n = static_cast<int32_t>(x.rows());
  ProjectionTree t;
  t.order.resize(static_cast<size_t>(n));
  std::iota(t.order.begin(), t.order.end(), 0);
  t.leaf_begin.resize(static_cast<size_t>(n));
  t.leaf_end.resize(static_cast<size_t>(n));
  std::vector<std::pair<int32_t, int32_t>> todo{{0, n}};
  Eigen::RowVectorXf normal(x.cols());
  while (!todo.empty()) {
    const auto [begin, end] = todo.back();
    todo.pop_back();
    if (end - begin <= leaf_size) {
      for (int32_t m = begin; m < end; ++m) {
        t.leaf_begin[static_cast<size_t>(t.order[m])] = begin;
        t.leaf_end[static_cast<size_t>(t.order[m])] = end;
      }
      continue;
    }
    const uint32_t size = static_cast<uint32_t>(end - begin);
    const int32_t a = t.order[static_cast<size_t>(begin + rng.below(size))];
    const int32_t b = t.order[static_cast<size_t>(begin + rng.below(size))];
    normal = x.row(a) - x.row(b);
    const float offset = normal.dot(x.row(a) + x.row(b)) / 2;
    int32_t mid = begin;
    if (normal.squaredNorm() > 0) {
      mid = static_cast<int32_t>(std::stable_partition(t.order.begin() + begin, t.order.begin() + end,
                                                       [&](int32_t i) { return x.row(i).dot(normal) < offset; }) -
                                 t.order.begin());
    }
    if (mid == begin || mid == end) mid = begin + (end - begin) / 2;  // the plane split nothing (duplicates): halves
    todo.push_back({mid, end});
    todo.push_back({begin, mid});
  }
  return t;
}

// Writes the k nearest of `candidates` (sorted, unique, without i; at least k) to row i into out (k).
void nearest_of(const RowMatrix& x, int32_t i, const std::vector<int32_t>& candidates, int k,
                std::vector<std::pair<float, int32_t>>& scratch, int32_t* out) {
  scratch.clear();
  for (const int32_t j : candidates) scratch.push_back({(x.row(i) - x.row(j)).squaredNorm(), j});
  std::partial_sort(scratch.begin(), scratch.begin() + k, scratch.end());
  for (int m = 0; m < k; ++m) out[m] = scratch[static_cast<size_t>(m)].second;
}

// What one thread reuses from point to point.
struct Scratch {
  std::vector<int32_t> candidates;
  std::vector<std::pair<float, int32_t>> nearest;
};

// Runs body(i, scratch) for every point i, with scratch.candidates empty, in parts on both threads
// (parallel::run_ranges). Each point's result is its own, so one thread or two give the same graph.
template <typename Body>
void each_point(int32_t n, Body&& body) {
  parallel::run_ranges(n, 2048, 16, [&](int, int64_t begin, int64_t end) {
    Scratch scratch;
    for (int64_t i = begin; i < end; ++i) {
      scratch.candidates.clear();
      body(static_cast<int32_t>(i), scratch);
    }
  });
}

void sort_unique_without(std::vector<int32_t>& v, int32_t self) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  v.erase(std::remove(v.begin(), v.end(), self), v.end());
}

}  // namespace

KnnGraph forest_knn(const RowMatrix& x, int k, const KnnForestOptions& options) {
  const int32_t n = static_cast<int32_t>(x.rows());
  if (k < 1 || k >= n) throw InputError("kNN needs 1 <= k < number of points (k = " + std::to_string(k) + ", points = " + std::to_string(n) + ")");
  // Each tree offers a point at least `span` others: its leaf, widened along the tree's order (to
  // the leaf's siblings) when a lopsided split left it small; so there are always k candidates.
  const int32_t span = std::min(n, std::max({options.leaf_size > 0 ? options.leaf_size : 2 * k, 64, k + 1}));
  Rng rng(options.seed);
  std::vector<ProjectionTree> forest;
  for (int t = 0; t < std::max(1, options.trees); ++t) forest.push_back(grow_tree(x, span, rng));

  KnnGraph g;
  g.n = n;
  g.k = k;
  g.index.resize(static_cast<size_t>(n) * k);
  each_point(n, [&](int32_t i, Scratch& s) {
    for (const ProjectionTree& t : forest) {
      int32_t begin = t.leaf_begin[static_cast<size_t>(i)], end = t.leaf_end[static_cast<size_t>(i)];
      begin = std::max(0, std::min(begin, end - span));
      end = std::min(n, std::max(end, begin + span));
      s.candidates.insert(s.candidates.end(), t.order.begin() + begin, t.order.begin() + end);
    }
    sort_unique_without(s.candidates, i);
    nearest_of(x, i, s.candidates, k, s.nearest, &g.index[static_cast<size_t>(i) * k]);
  });

  // Neighbours of neighbours are likely neighbours: each pass offers every point its current k,
  // the nearest `width` of each of its nearest `width`, and the points that count it among their
  // nearest `width` (reverse neighbours, as NN-descent), read from the previous pass's graph.
  const int width = std::min(k, std::max(1, options.refine_width));
  std::vector<int32_t> next(g.index.size());
  std::vector<std::vector<int32_t>> reverse(static_cast<size_t>(n));
  for (int round = 0; round < options.refine_rounds; ++round) {
    for (auto& r : reverse) r.clear();
    for (int32_t i = 0; i < n; ++i)
      for (int m = 0; m < width; ++m) reverse[static_cast<size_t>(g.index[static_cast<size_t>(i) * k + m])].push_back(i);
    each_point(n, [&](int32_t i, Scratch& s) {
      const int32_t* row = &g.index[static_cast<size_t>(i) * k];
      s.candidates.assign(row, row + k);
      const std::vector<int32_t>& in = reverse[static_cast<size_t>(i)];
      s.candidates.insert(s.candidates.end(), in.begin(), in.end());
      for (int m = 0; m < width; ++m) {
        const int32_t* theirs = &g.index[static_cast<size_t>(row[m]) * k];
        s.candidates.insert(s.candidates.end(), theirs, theirs + width);
      }
      sort_unique_without(s.candidates, i);
      nearest_of(x, i, s.candidates, k, s.nearest, &next[static_cast<size_t>(i) * k]);
    });
    g.index.swap(next);
  }

  // Distances in double, as exact_knn gives them, each row ascending (ties by index).
  g.dist_sq.resize(g.index.size());
  std::vector<std::pair<double, int32_t>> row(static_cast<size_t>(k));
  for (int32_t i = 0; i < n; ++i) {
    for (int m = 0; m < k; ++m) {
      const int32_t j = g.index[static_cast<size_t>(i) * k + m];
      row[static_cast<size_t>(m)] = {(x.row(i).cast<double>() - x.row(j).cast<double>()).squaredNorm(), j};
    }
    std::sort(row.begin(), row.end());
    for (int m = 0; m < k; ++m) std::tie(g.dist_sq[static_cast<size_t>(i) * k + m], g.index[static_cast<size_t>(i) * k + m]) = row[static_cast<size_t>(m)];
  }
  return g;
}

double knn_recall(const KnnGraph& approximate, const KnnGraph& exact) {
  if (approximate.n != exact.n || approximate.k != exact.k) throw InputError("knn_recall: the graphs differ in size");
  const size_t k = static_cast<size_t>(exact.k);
  std::vector<int32_t> a(k), e(k), both;
  size_t found = 0;
  for (size_t i = 0; i < static_cast<size_t>(exact.n); ++i) {
    a.assign(approximate.index.begin() + i * k, approximate.index.begin() + (i + 1) * k);
    e.assign(exact.index.begin() + i * k, exact.index.begin() + (i + 1) * k);
    std::sort(a.begin(), a.end());
    std::sort(e.begin(), e.end());
    both.clear();
    std::set_intersection(a.begin(), a.end(), e.begin(), e.end(), std::back_inserter(both));
    found += both.size();
  }
  return static_cast<double>(found) / static_cast<double>(k * exact.n);
}

KnnGraph nearest_neighbours(const RowMatrix& x, int k, int exact_up_to, uint64_t seed) {
  if (x.rows() <= exact_up_to) return exact_knn(x, k);
  KnnForestOptions forest;
  forest.seed = seed;
  return forest_knn(x, k, forest);
}

}  // namespace embplay
