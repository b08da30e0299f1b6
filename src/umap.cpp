// UMAP: the fuzzy graph, the curve's a and b, and the epochs of the layout (see umap.h).
#include "umap.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "geometry.h"
#include "input_error.h"
#include "knn_forest.h"
#include "option_table.h"
#include "parallel.h"

namespace embplay {

namespace {

using T = OptionTable<UmapOptions>;

const T& table() {
  static const T table("UMAP option", {
      T::number("neighbours", T::Type::Int, 2, 200, &UmapOptions::neighbours,
                "size of each word's neighbourhood: larger keeps more of the big picture"),
      T::number("min_dist", T::Type::Float, 0, 3, &UmapOptions::min_dist,
                "how tightly neighbours may pack on the map; at most spread"),
      T::number("spread", T::Type::Float, 0.1, 10, &UmapOptions::spread, "the scale of distances on the map"),
      T::number("epochs", T::Type::Int, 0, 5000, &UmapOptions::epochs,
                "passes over the graph; 0 = auto: 500 up to 10,000 words, else 200"),
      T::number("learning_rate", T::Type::Float, 0.001, 10, &UmapOptions::learning_rate,
                "step size at the first epoch, falling to 0 at the last"),
      T::number("negative_sample_rate", T::Type::Int, 1, 50, &UmapOptions::negative_sample_rate,
                "random points pushed away for each neighbour pulled closer"),
      T::number("seed", T::Type::Int, 0, 4294967295.0, &UmapOptions::seed, "same seed, same map"),
      T::number("dimensions", T::Type::Int, 2, 3, &UmapOptions::dimensions, "of the layout: 2 for the map, 3 for its 3D view"),
      T::number("exact_neighbours_up_to", T::Type::Int, 4, 1e9, &UmapOptions::exact_neighbours_up_to,
                "more points than this: approximate neighbours (a random-projection forest), much faster"),
  });
  return table;
}

}  // namespace

nlohmann::json umap_schema() { return table().schema(); }
UmapOptions umap_options_from_json(const nlohmann::json& j) { return table().from_json(j); }
nlohmann::json umap_options_to_json(const UmapOptions& o) { return table().to_json(o); }

void validate_umap(const RowMatrix& vectors, const UmapOptions& o) {
  const Eigen::Index n = vectors.rows();
  if (n < kMinUmapPoints)
    throw InputError("UMAP needs at least " + std::to_string(kMinUmapPoints) + " points (got " + std::to_string(n) + ")");
  if (vectors.cols() < 1) throw InputError("UMAP needs vectors with at least one dimension");
  for (Eigen::Index i = 0; i < n; ++i)
    if (!vectors.row(i).allFinite())
      throw InputError("UMAP: vector " + std::to_string(i) + " is not finite (NaN or infinity)");
  table().validate(o);
  if (o.min_dist > o.spread)
    throw InputError("UMAP min_dist " + T::format_number(o.min_dist) + " must not exceed spread " + T::format_number(o.spread));
}

UmapCurve fit_umap_curve(double min_dist, double spread) {
  constexpr int kPoints = 300;
  std::vector<double> x(kPoints), target(kPoints);
  for (int m = 0; m < kPoints; ++m) {
    x[m] = 3 * spread * m / (kPoints - 1);
    target[m] = x[m] < min_dist ? 1.0 : std::exp(-(x[m] - min_dist) / spread);
  }
  // Levenberg-Marquardt on (a, b): two parameters, so the normal equations are a 2x2 solve.
  const auto cost = [&](double a, double b) {
    double c = 0;
    for (int m = 0; m < kPoints; ++m) {
      const double r = 1 / (1 + a * std::pow(x[m], 2 * b)) - target[m];
      c += r * r;
    }
    return c;
  };
  double a = 1, b = 1, lambda = 1e-3, c = cost(a, b);
  for (int iteration = 0; iteration < 200; ++iteration) {
    double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
    for (int m = 0; m < kPoints; ++m) {
      if (x[m] <= 0) continue;  // f(0) = 1 whatever a and b: no slope
      const double p = std::pow(x[m], 2 * b), f = 1 / (1 + a * p);
      const double r = f - target[m];
      const double da = -p * f * f, db = -a * p * 2 * std::log(x[m]) * f * f;
      jaa += da * da, jab += da * db, jbb += db * db, ga += da * r, gb += db * r;
    }
    bool improved = false;
    while (lambda < 1e10) {
      const double maa = jaa * (1 + lambda), mbb = jbb * (1 + lambda), det = maa * mbb - jab * jab;
      const double step_a = -(mbb * ga - jab * gb) / det, step_b = -(maa * gb - jab * ga) / det;
      const double na = a + step_a, nb = b + step_b, nc = na > 0 && nb > 0 ? cost(na, nb) : HUGE_VAL;
      if (nc < c) {
        improved = c - nc > 1e-14 * c;
        a = na, b = nb, c = nc, lambda = std::max(lambda / 10, 1e-12);
        break;
      }
      lambda *= 10;
    }
    if (!improved) break;
  }
  return {a, b};
}

double smooth_knn_row(const double* dist, int k, double* membership) {
  const double target = std::log2(static_cast<double>(k) + 1);
  double rho = 0, mean = 0;
  for (int m = 0; m < k; ++m) {
    mean += dist[m] / k;
    if (rho == 0 && dist[m] > 0) rho = dist[m];
  }
  double lo = 0, hi = HUGE_VAL, sigma = 1;
  for (int attempt = 0; attempt < 64; ++attempt) {
    double sum = 0;
    for (int m = 0; m < k; ++m) sum += std::exp(-std::max(0.0, dist[m] - rho) / sigma);
    if (std::abs(sum - target) < 1e-5 * target) break;
    if (sum > target) {  // too wide: narrow
      hi = sigma;
      sigma = (lo + hi) / 2;
    } else {
      lo = sigma;
      sigma = std::isinf(hi) ? sigma * 2 : (lo + hi) / 2;
    }
  }
  sigma = std::max(sigma, 1e-3 * mean);  // all neighbours at one distance: no width to find
  if (!(sigma > 0)) sigma = 1;           // all at distance 0 (duplicates)
  for (int m = 0; m < k; ++m) membership[m] = std::exp(-std::max(0.0, dist[m] - rho) / sigma);
  return sigma;
}

FuzzyGraph fuzzy_graph(const KnnGraph& g) {
  const size_t n = static_cast<size_t>(g.n), k = static_cast<size_t>(g.k);
  std::vector<double> dist(k), w(n * k);
  for (size_t i = 0; i < n; ++i) {
    for (size_t m = 0; m < k; ++m) dist[m] = std::sqrt(g.dist_sq[i * k + m]);
    smooth_knn_row(dist.data(), g.k, &w[i * k]);
  }
  // Each directed entry (i, j, w) goes to row i as (j, w, forward) and to row j as (i, w,
  // backward); merging a row's entries by column gives w_ij and w_ji, then the union.
  struct Entry {
    int32_t col;
    double forward, backward;
  };
  std::vector<std::vector<Entry>> rows(n);
  for (size_t i = 0; i < n; ++i)
    for (size_t m = 0; m < k; ++m) {
      const int32_t j = g.index[i * k + m];
      rows[i].push_back({j, w[i * k + m], 0});
      rows[static_cast<size_t>(j)].push_back({static_cast<int32_t>(i), 0, w[i * k + m]});
    }
  FuzzyGraph out;
  out.start.push_back(0);
  for (auto& row : rows) {
    std::sort(row.begin(), row.end(), [](const Entry& x, const Entry& y) { return x.col < y.col; });
    for (size_t m = 0; m < row.size();) {
      double a = 0, b = 0;
      const int32_t j = row[m].col;
      for (; m < row.size() && row[m].col == j; ++m) a += row[m].forward, b += row[m].backward;
      const double union_w = a + b - a * b;
      if (union_w > 0) out.col.push_back(j), out.val.push_back(union_w);
    }
    out.start.push_back(static_cast<int64_t>(out.col.size()));
  }
  return out;
}

Umap::Umap(const RowMatrix& vectors, const UmapOptions& options, const RowMatrix& initial)
    : options_(options), dims_(options.dimensions) {
  validate_umap(vectors, options);
  n_ = static_cast<int>(vectors.rows());
  epochs_ = options.epochs > 0 ? options.epochs : (n_ <= 10000 ? 500 : 200);
  curve_ = fit_umap_curve(options.min_dist, options.spread);
  const int k = std::min(options.neighbours, n_) - 1;
  graph_ = fuzzy_graph(nearest_neighbours(vectors, k, options.exact_neighbours_up_to, options.seed));

  // Edges sampled at least once in the run; weaker ones (below max / epochs) dropped, as umap-learn.
  const double w_max = graph_.val.empty() ? 0 : *std::max_element(graph_.val.begin(), graph_.val.end());
  head_start_.assign(1, 0);
  for (int i = 0; i < n_; ++i, head_start_.push_back(static_cast<int64_t>(head_.size())))
    for (int64_t m = graph_.start[i]; m < graph_.start[i + 1]; ++m) {
      const double w = graph_.val[static_cast<size_t>(m)];
      if (w < w_max / epochs_) continue;
      head_.push_back(i);
      tail_.push_back(graph_.col[static_cast<size_t>(m)]);
      epochs_per_sample_.push_back(w_max / w);
    }
  next_sample_ = epochs_per_sample_;
  next_negative_.resize(epochs_per_sample_.size());
  for (size_t e = 0; e < next_negative_.size(); ++e) next_negative_[e] = epochs_per_sample_[e] / options.negative_sample_rate;

  const int d = dims_;
  y_.assign(static_cast<size_t>(d) * static_cast<size_t>(n_), 0.0);
  if (initial.size() > 0) {
    if (initial.rows() != n_ || initial.cols() != d)
      throw InputError("UMAP initial layout must be (" + std::to_string(n_) + ", " + std::to_string(d) + ")");
    if (!initial.allFinite()) throw InputError("UMAP initial layout is not finite");
    for (int i = 0; i < n_; ++i)
      for (int c = 0; c < d; ++c) y_[d * i + c] = initial(i, c);
    return;
  }
  // PCA to [0, 10] on each axis, with a jitter of 1e-4 so that duplicates can part; a flat axis
  // (every vector the same along it) starts random.
  const Projection start = pca(vectors, d);
  Rng rng(options.seed);
  for (int c = 0; c < d; ++c) {
    const float lo = start.coords.col(c).minCoeff(), hi = start.coords.col(c).maxCoeff();
    const bool flat = !(hi - lo > 0) || !std::isfinite(hi - lo);
    for (int i = 0; i < n_; ++i) {
      const double jitter = rng.symmetric(1e-4f);
      y_[d * i + c] = flat ? 10.0 * rng.uniform() : 10.0 * (start.coords(i, c) - lo) / (hi - lo) + jitter;
    }
  }
}

namespace {

double clip(double g) { return std::max(-4.0, std::min(4.0, g)); }

}  // namespace

template <int D>
void Umap::run_epoch() {
  const double a = curve_.a, b = curve_.b;
  const double alpha = options_.learning_rate * (1.0 - static_cast<double>(epoch_) / epochs_);
  const double n = epoch_;
  // Parts of the points, decided by N alone (see umap.h): each moves its own points, as the heads
  // of their edges, and reads every other point where the epoch found it.
  before_ = y_;
  parallel::run_ranges(n_, kEpochPartPoints, kMaxEpochParts, [&](int part, int64_t begin, int64_t end) {
    Rng rng(options_.seed * 0xD1B54A32D192ED03ull + ((static_cast<uint64_t>(epoch_) << 8) | static_cast<uint64_t>(part)));
    for (int64_t e = head_start_[begin]; e < head_start_[end]; ++e) {
      if (next_sample_[e] > n) continue;
      double* yi = &y_[static_cast<size_t>(D) * static_cast<size_t>(head_[e])];
      const double* yj = &before_[static_cast<size_t>(D) * static_cast<size_t>(tail_[e])];
      double dx[D], d2 = 0;
      for (int c = 0; c < D; ++c) dx[c] = yi[c] - yj[c], d2 += dx[c] * dx[c];
      if (d2 > 0) {
        // d/dy_i of log(1 / (1 + a d^2b)): pull i towards j.
        const double p = std::pow(d2, b);
        const double coef = -2 * a * b * p / d2 / (1 + a * p);
        for (int c = 0; c < D; ++c) yi[c] += clip(coef * dx[c]) * alpha;
      }
      next_sample_[e] += epochs_per_sample_[e];
      const double per_negative = epochs_per_sample_[e] / options_.negative_sample_rate;
      const int negatives = static_cast<int>((n - next_negative_[e]) / per_negative);
      for (int s = 0; s < negatives; ++s) {
        const int32_t other = static_cast<int32_t>(rng.below(static_cast<uint32_t>(n_)));
        if (other == head_[e]) continue;
        const double* yk = &before_[static_cast<size_t>(D) * static_cast<size_t>(other)];
        double dk[D], dk2 = 0;
        for (int c = 0; c < D; ++c) dk[c] = yi[c] - yk[c], dk2 += dk[c] * dk[c];
        // d/dy_i of log(1 - 1 / (1 + a d^2b)): push i away from the random point; at distance 0
        // the direction is undefined and the push the largest.
        const double coef = dk2 > 0 ? 2 * b / ((0.001 + dk2) * (1 + a * std::pow(dk2, b))) : 0;
        for (int c = 0; c < D; ++c) yi[c] += (coef > 0 ? clip(coef * dk[c]) : 4.0) * alpha;
      }
      next_negative_[e] += negatives * per_negative;
    }
  });
}

int Umap::step(int epochs) {
  int ran = 0;
  for (; ran < epochs && !done(); ++ran) {
    if (dims_ == 3) run_epoch<3>();
    else run_epoch<2>();
    ++epoch_;
  }
  return ran;
}

RowMatrix Umap::coords() const {
  RowMatrix out(n_, dims_);
  for (int i = 0; i < n_; ++i)
    for (int c = 0; c < dims_; ++c) out(i, c) = static_cast<float>(y_[static_cast<size_t>(dims_) * i + c]);
  return out;
}

}  // namespace embplay
