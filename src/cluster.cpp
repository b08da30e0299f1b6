// k-means: k-means++ seeding, Lloyd iterations, empty clusters refilled (see cluster.h).
#include "cluster.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>

#include "input_error.h"
#include "option_table.h"

namespace embplay {
namespace {

// Squared distances from every row to every centroid: (N, k), clamped at 0.
void distances(const RowMatrix& x, const Eigen::VectorXf& x_norms, const RowMatrix& c, RowMatrix& out) {
  out.noalias() = x * c.transpose();
  const Eigen::VectorXf c_norms = c.rowwise().squaredNorm();
  for (Eigen::Index i = 0; i < out.rows(); ++i)
    for (Eigen::Index j = 0; j < out.cols(); ++j)
      out(i, j) = std::max(0.0f, x_norms(i) + c_norms(j) - 2.0f * out(i, j));
}

// k-means++ (Arthur & Vassilvitskii 2007): each next centre drawn with probability proportional
// to the squared distance to the nearest centre so far.
RowMatrix seed_centres(const RowMatrix& x, int k, Rng& rng) {
  const Eigen::Index n = x.rows();
  RowMatrix c(k, x.cols());
  c.row(0) = x.row(rng.below(static_cast<uint32_t>(n)));
  std::vector<double> nearest(static_cast<size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) nearest[i] = (x.row(i) - c.row(0)).squaredNorm();
  for (int m = 1; m < k; ++m) {
    const double total = std::accumulate(nearest.begin(), nearest.end(), 0.0);
    Eigen::Index pick = rng.below(static_cast<uint32_t>(n));  // all points already on centres
    if (total > 0) {
      double target = rng.uniform() * total;
      for (pick = 0; pick < n - 1; ++pick) {
        target -= nearest[pick];
        if (target < 0 && nearest[pick] > 0) break;
      }
    }
    c.row(m) = x.row(pick);
    for (Eigen::Index i = 0; i < n; ++i) nearest[i] = std::min<double>(nearest[i], (x.row(i) - c.row(m)).squaredNorm());
  }
  return c;
}

// The means of a previous clustering's groups (KMeansOptions::start); a group with no rows takes
// the row farthest from the centres placed so far.
RowMatrix start_centres(const RowMatrix& x, int k, const Ids& start) {
  RowMatrix c = RowMatrix::Zero(k, x.cols());
  std::vector<int> count(static_cast<size_t>(k), 0);
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    if (start[i] >= 0) c.row(start[i]) += x.row(i), ++count[start[i]];
  std::vector<int> placed;
  for (int j = 0; j < k; ++j)
    if (count[j] > 0) c.row(j) /= static_cast<float>(count[j]), placed.push_back(j);
  for (int j = 0; j < k; ++j) {
    if (count[j] > 0) continue;
    Eigen::Index far = 0;
    float far_d = -1;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      float nearest = std::numeric_limits<float>::max();
      for (int p : placed) nearest = std::min(nearest, (x.row(i) - c.row(p)).squaredNorm());
      if (nearest > far_d) far = i, far_d = nearest;
    }
    c.row(j) = x.row(far);
    placed.push_back(j);
  }
  return c;
}

KMeansResult lloyd(const RowMatrix& x, const KMeansOptions& o, Rng& rng) {
  const Eigen::Index n = x.rows();
  const int k = o.k;
  const Eigen::VectorXf x_norms = x.rowwise().squaredNorm();
  KMeansResult r;
  r.centroids = o.start.empty() ? seed_centres(x, k, rng) : start_centres(x, k, o.start);
  r.assignment.assign(static_cast<size_t>(n), -1);
  r.sizes.assign(static_cast<size_t>(k), 0);
  RowMatrix d(n, k);
  for (r.iterations = 0; r.iterations < o.max_iterations; ++r.iterations) {
    distances(x, x_norms, r.centroids, d);
    bool moved = false;
    std::fill(r.sizes.begin(), r.sizes.end(), 0);
    for (Eigen::Index i = 0; i < n; ++i) {
      Eigen::Index best = 0;
      d.row(i).minCoeff(&best);
      moved |= r.assignment[i] != best;
      r.assignment[i] = static_cast<int32_t>(best);
      ++r.sizes[best];
    }
    // An empty cluster takes the row farthest from its centroid among clusters of two or more:
    // with k <= N every cluster ends non-empty.
    for (int j = 0; j < k; ++j) {
      if (r.sizes[j] > 0) continue;
      Eigen::Index far = -1;
      float far_d = -1;
      for (Eigen::Index i = 0; i < n; ++i) {
        const int32_t a = r.assignment[i];
        if (r.sizes[a] > 1 && d(i, a) > far_d) far = i, far_d = d(i, a);
      }
      --r.sizes[r.assignment[far]];
      r.assignment[far] = j;
      r.sizes[j] = 1;
      moved = true;
    }
    if (!moved && r.iterations > 0) break;
    r.centroids.setZero();
    for (Eigen::Index i = 0; i < n; ++i) r.centroids.row(r.assignment[i]) += x.row(i);
    for (int j = 0; j < k; ++j) r.centroids.row(j) /= static_cast<float>(r.sizes[j]);
  }
  distances(x, x_norms, r.centroids, d);
  r.inertia = 0;
  for (Eigen::Index i = 0; i < n; ++i) r.inertia += d(i, r.assignment[i]);
  return r;
}

// Renumbers the clusters in the order of their first rows: cluster 0 holds row 0, cluster 1 the
// first row outside cluster 0, and so on. The numbers then depend on the partition alone, not on
// the seeding that found it: the same clusters get the same numbers (the map's colours).
void number_by_first_row(KMeansResult& r) {
  const int k = static_cast<int>(r.sizes.size());
  std::vector<int32_t> renamed(static_cast<size_t>(k), -1);
  int next = 0;
  for (int32_t c : r.assignment)
    if (renamed[c] < 0) renamed[c] = next++;
  RowMatrix centroids(r.centroids.rows(), r.centroids.cols());
  std::vector<int> sizes(static_cast<size_t>(k));
  for (int c = 0; c < k; ++c) centroids.row(renamed[c]) = r.centroids.row(c), sizes[renamed[c]] = r.sizes[c];
  for (int32_t& c : r.assignment) c = renamed[c];
  r.centroids = std::move(centroids);
  r.sizes = std::move(sizes);
}

using T = OptionTable<KMeansOptions>;

const T& table() {
  static const T table("k-means option", {
      T::number("k", T::Type::Int, 1, 8, &KMeansOptions::k, "clusters (the map has 8 colours)"),
      T::number("seed", T::Type::Int, 0, 4294967295.0, &KMeansOptions::seed, "same seed, same clusters"),
      T::flag("cosine", &KMeansOptions::cosine, "cluster directions (vectors scaled to length 1), as cosine sees them"),
      T::number("max_iterations", T::Type::Int, 1, 10000, &KMeansOptions::max_iterations,
                "Lloyd iterations per attempt at most"),
      T::number("attempts", T::Type::Int, 1, 100, &KMeansOptions::attempts,
                "independent seedings; the tightest clustering wins"),
      T::number("central", T::Type::Int, 0, 1000, &KMeansOptions::central, "most central words listed per cluster"),
  });
  return table;
}

}  // namespace

nlohmann::json kmeans_schema() { return table().schema(); }
KMeansOptions kmeans_options_from_json(const nlohmann::json& j) { return table().from_json(j); }
nlohmann::json kmeans_options_to_json(const KMeansOptions& o) { return table().to_json(o); }

KMeansResult kmeans(const RowMatrix& vectors, const KMeansOptions& o, const Ids& ids) {
  const Eigen::Index n = vectors.rows();
  if (n < 1) throw InputError("k-means needs at least one word");
  if (o.k < 1 || o.k > n)
    throw InputError("k-means: k = " + std::to_string(o.k) + " clusters for " + std::to_string(n) +
                     " words; choose k from 1 to " + std::to_string(n));
  if (!vectors.allFinite()) throw InputError("k-means: a vector is not finite (NaN or infinity)");
  table().validate(o);
  if (!o.start.empty()) {
    if (static_cast<Eigen::Index>(o.start.size()) != n)
      throw InputError("k-means: a start of " + std::to_string(o.start.size()) + " clusters for " + std::to_string(n) + " vectors");
    for (int32_t c : o.start)
      if (c < -1 || c >= o.k) throw InputError("k-means: a start cluster must be -1 or 0 to k - 1, not " + std::to_string(c));
  }
  if (!ids.empty() && static_cast<Eigen::Index>(ids.size()) != n)
    throw InputError("k-means: " + std::to_string(ids.size()) + " ids for " + std::to_string(n) + " vectors");

  RowMatrix x = vectors;
  if (o.cosine)
    for (Eigen::Index i = 0; i < n; ++i) {
      const float norm = x.row(i).norm();
      if (norm > 0) x.row(i) /= norm;
    }
  Rng rng(o.seed);
  KMeansResult best;
  const int attempts = o.start.empty() ? o.attempts : 1;  // a start is followed, not second-guessed
  for (int attempt = 0; attempt < attempts; ++attempt) {
    KMeansResult r = lloyd(x, o, rng);
    if (attempt == 0 || r.inertia < best.inertia) best = std::move(r);
  }

  if (o.start.empty()) number_by_first_row(best);

  // Members by distance to their centroid.
  std::vector<std::vector<std::pair<float, int32_t>>> members(static_cast<size_t>(o.k));
  for (Eigen::Index i = 0; i < n; ++i) {
    const int32_t c = best.assignment[i];
    members[c].push_back({(x.row(i) - best.centroids.row(c)).squaredNorm(), static_cast<int32_t>(i)});
  }
  best.central.assign(static_cast<size_t>(o.k), Ids());
  for (int c = 0; c < o.k; ++c) {
    auto& m = members[c];
    const size_t keep = std::min(m.size(), static_cast<size_t>(o.central));
    std::partial_sort(m.begin(), m.begin() + keep, m.end());
    for (size_t j = 0; j < keep; ++j) best.central[c].push_back(ids.empty() ? m[j].second : ids[m[j].second]);
  }
  return best;
}

}  // namespace embplay
