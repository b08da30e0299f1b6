// Barnes-Hut t-SNE: affinities, the quadtree, the gradient and the optimiser (see tsne.h).
#include "tsne.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "geometry.h"
#include "input_error.h"
#include "knn_forest.h"
#include "option_table.h"
#include "parallel.h"

namespace embplay {

double calibrate_row(const double* dist_sq, int k, double perplexity, double* p) {
  const double target = std::log(perplexity);
  // Distances are shifted by the smallest so the nearest weight is exp(0) = 1: the sum never
  // underflows, whatever the scale, and zero distances (duplicates) need nothing special.
  const double d_min = *std::min_element(dist_sq, dist_sq + k);
  double beta = 1, lo = 0, hi = std::numeric_limits<double>::infinity();
  for (int attempt = 0; attempt < 200; ++attempt) {
    double sum = 0, weighted = 0;
    for (int m = 0; m < k; ++m) {
      const double shifted = dist_sq[m] - d_min;
      p[m] = std::exp(-beta * shifted);
      sum += p[m];
      weighted += p[m] * shifted;
    }
    const double entropy = std::log(sum) + beta * weighted / sum;  // H = log Z + beta <d>
    for (int m = 0; m < k; ++m) p[m] /= sum;
    const double gap = entropy - target;
    if (std::abs(gap) < 1e-5 || attempt == 199) break;
    if (gap > 0) {  // too flat: sharpen
      lo = beta;
      beta = std::isinf(hi) ? beta * 2 : (beta + hi) / 2;
    } else {
      hi = beta;
      beta = (beta + lo) / 2;
    }
  }
  return beta;
}

SparseRows conditional_affinities(const KnnGraph& g, double perplexity) {
  SparseRows out;
  const size_t n = static_cast<size_t>(g.n), k = static_cast<size_t>(g.k);
  out.start.resize(n + 1);
  out.col.assign(g.index.begin(), g.index.end());
  out.val.resize(n * k);
  for (size_t i = 0; i <= n; ++i) out.start[i] = static_cast<int64_t>(i * k);
  for (size_t i = 0; i < n; ++i) calibrate_row(&g.dist_sq[i * k], g.k, perplexity, &out.val[i * k]);
  return out;
}

SparseRows symmetrize(const SparseRows& c) {
  const size_t n = c.start.size() - 1;
  // Each entry (i, j, v) goes to row i and, mirrored, to row j; then rows are sorted and merged.
  std::vector<int64_t> count(n + 1, 0);
  for (size_t i = 0; i < n; ++i)
    for (int64_t m = c.start[i]; m < c.start[i + 1]; ++m) {
      ++count[i];
      ++count[static_cast<size_t>(c.col[m])];
    }
  std::vector<int64_t> fill(n + 1, 0);
  for (size_t i = 0; i < n; ++i) fill[i + 1] = fill[i] + count[i];
  std::vector<std::pair<int32_t, double>> entries(static_cast<size_t>(fill[n]));
  std::vector<int64_t> cursor(fill.begin(), fill.end() - 1);
  for (size_t i = 0; i < n; ++i)
    for (int64_t m = c.start[i]; m < c.start[i + 1]; ++m) {
      const size_t j = static_cast<size_t>(c.col[m]);
      entries[cursor[i]++] = {static_cast<int32_t>(j), c.val[m]};
      entries[cursor[j]++] = {static_cast<int32_t>(i), c.val[m]};
    }
  SparseRows out;
  out.start.push_back(0);
  const double scale = 1.0 / (2.0 * static_cast<double>(n));
  for (size_t i = 0; i < n; ++i) {
    std::sort(entries.begin() + fill[i], entries.begin() + fill[i + 1]);
    for (int64_t m = fill[i]; m < fill[i + 1]; ++m) {
      if (out.col.size() > static_cast<size_t>(out.start.back()) && out.col.back() == entries[m].first) {
        out.val.back() += entries[m].second * scale;
      } else {
        out.col.push_back(entries[m].first);
        out.val.push_back(entries[m].second * scale);
      }
    }
    out.start.push_back(static_cast<int64_t>(out.col.size()));
  }
  return out;
}

namespace {

using T = OptionTable<TsneOptions>;

const T& table() {
  static const T table("t-SNE option", {
      T::number("perplexity", T::Type::Float, 2, 100, &TsneOptions::perplexity,
                "effective neighbours of each word; below a third of the words shown"),
      T::number("learning_rate", T::Type::Float, 0, 10000, &TsneOptions::learning_rate,
                "step size of the layout; 0 = auto: max(words / early_exaggeration, 50)"),
      T::number("iterations", T::Type::Int, 50, 5000, &TsneOptions::iterations, "steps in all, both phases"),
      T::number("early_exaggeration", T::Type::Float, 1, 100, &TsneOptions::early_exaggeration,
                "the first phase pulls neighbours together this many times harder"),
      T::number("exaggeration_iterations", T::Type::Int, 0, 5000, &TsneOptions::exaggeration_iterations,
                "length of the first phase"),
      T::number("theta", T::Type::Float, 0, 1, &TsneOptions::theta,
                "Barnes-Hut accuracy: 0 = exact repulsion, larger is faster and coarser"),
      T::flag("random_init", &TsneOptions::random_init, "start from random points instead of the PCA layout"),
      T::number("seed", T::Type::Int, 0, 4294967295.0, &TsneOptions::seed, "same seed, same random start"),
      T::number("dimensions", T::Type::Int, 2, 3, &TsneOptions::dimensions, "of the layout: 2 for the map, 3 for its 3D view"),
      T::number("exact_neighbours_up_to", T::Type::Int, 4, 1e9, &TsneOptions::exact_neighbours_up_to,
                "more points than this: approximate neighbours (a random-projection forest), much faster"),
  });
  return table;
}

}  // namespace

nlohmann::json tsne_schema() { return table().schema(); }
TsneOptions tsne_options_from_json(const nlohmann::json& j) { return table().from_json(j); }
nlohmann::json tsne_options_to_json(const TsneOptions& o) { return table().to_json(o); }

void validate_tsne(const RowMatrix& vectors, const TsneOptions& o) {
  const Eigen::Index n = vectors.rows();
  if (n < kMinTsnePoints)
    throw InputError("t-SNE needs at least " + std::to_string(kMinTsnePoints) + " points (got " + std::to_string(n) + ")");
  if (vectors.cols() < 1) throw InputError("t-SNE needs vectors with at least one dimension");
  for (Eigen::Index i = 0; i < n; ++i)
    if (!vectors.row(i).allFinite())
      throw InputError("t-SNE: vector " + std::to_string(i) + " is not finite (NaN or infinity)");
  table().validate(o);
  const double limit = (static_cast<double>(n) - 1.0) / 3.0;
  if (!(o.perplexity < limit)) {
    double suggest = std::floor(limit * 10) / 10;
    if (suggest >= limit) suggest -= 0.1;
    char text[200];
    std::snprintf(text, sizeof text,
                  "perplexity %g is too large for %d points: it must be below (points - 1) / 3 = %.2f; "
                  "use at most %.1f, or show more points",
                  o.perplexity, static_cast<int>(n), limit, suggest);
    throw InputError(text);
  }
}

// The layout's per-point work (the tree walks, the attraction) runs on both threads in parts of
// about this many points, at most kMaxLayoutParts (parallel::run_ranges).
constexpr int kLayoutPartPoints = 1024;
constexpr int kMaxLayoutParts = 16;

// The repulsion of a layout through a tree rebuilt every iteration into the same storage.
struct Tsne::Repulsion {
  virtual ~Repulsion() = default;
  // Builds the tree over y (N, D) and sets grad_i (D) = sum_j w_ij^2 (y_i - y_j) for every point,
  // where w = 1 / (1 + d^2) and far cells count as one body; returns sum_{i != j} w_ij.
  virtual double repel_all(const double* y, int n, double theta_sq, double* grad) = 0;
};

// A point tree over a D-dimensional layout: each cell splits into 2^D children (a quadtree in 2D,
// an octree in 3D). Leaves hold a list of points: one point, or several at exactly the same place
// (duplicates), or, past the depth limit, points closer than doubles can split. So a leaf acts as
// one body at its centre of mass (less the point itself when it is the leaf of the point asking),
// and the walk never reads the layout: only the nodes, in the order it built them.
template <int D>
struct Tsne::Tree : Tsne::Repulsion {
  static constexpr int kMaxDepth = 48;
  static constexpr int kChildren = 1 << D;
  struct Node {
    double m[D];     // centre of mass (a sum until build() ends)
    float c[D];      // cell centre
    float half;      // half width
    float width_sq;  // (2 half)^2, for the opening test
    int count;       // points inside
    int child;       // first of 2^D children (child index: bit k set when x_k >= c_k), or -1
    int head;        // leaf: first point of its list, or -1
  };
  std::vector<Node> nodes;
  std::vector<int> next;     // (N): the next point in the same leaf, -1 ends
  std::vector<int> order;    // (N): the points leaf by leaf, depth first: nearby points together
  std::vector<int> leaf_of;  // (N): the leaf holding each point

  static Node cell(const float* centre, float half) {
    Node nd{};
    for (int k = 0; k < D; ++k) nd.c[k] = centre[k], nd.m[k] = 0;
    nd.half = half, nd.width_sq = 4 * half * half, nd.count = 0, nd.child = -1, nd.head = -1;
    return nd;
  }

  // Which child of `nd` the point p falls in.
  static int quadrant(const Node& nd, const double* p) {
    int q = 0;
    for (int k = 0; k < D; ++k) q += (p[k] >= nd.c[k]) << k;
    return q;
  }

  void build(const double* y, int n) {
    double lo[D], hi[D];
    for (int k = 0; k < D; ++k) lo[k] = hi[k] = y[k];
    for (int i = 1; i < n; ++i)
      for (int k = 0; k < D; ++k) lo[k] = std::min(lo[k], y[D * i + k]), hi[k] = std::max(hi[k], y[D * i + k]);
    float centre[D];
    double width = 0;
    for (int k = 0; k < D; ++k) centre[k] = float((lo[k] + hi[k]) / 2), width = std::max(width, hi[k] - lo[k]);
    nodes.clear();
    nodes.push_back(cell(centre, float(width / 2 * (1 + 1e-6))));
    next.assign(static_cast<size_t>(n), -1);
    leaf_of.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) insert(y, i);
    for (Node& nd : nodes)
      if (nd.count > 0)
        for (int k = 0; k < D; ++k) nd.m[k] /= nd.count;
    // Visiting points in this order, consecutive walks touch the same cells: cache friendly.
    order.clear();
    int stack[kChildren * kMaxDepth + 8];
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const int at = stack[--top];
      const Node& nd = nodes[static_cast<size_t>(at)];
      if (nd.child < 0) {
        for (int j = nd.head; j >= 0; j = next[static_cast<size_t>(j)]) order.push_back(j), leaf_of[static_cast<size_t>(j)] = at;
      } else {
        for (int c = kChildren - 1; c >= 0; --c) stack[top++] = nd.child + c;
      }
    }
  }

  void insert(const double* y, int i) {
    const double* p = y + D * i;
    int at = 0;
    for (int depth = 0;; ++depth) {
      Node& nd = nodes[static_cast<size_t>(at)];
      ++nd.count;
      for (int k = 0; k < D; ++k) nd.m[k] += p[k];
      if (nd.child >= 0) {
        at = nd.child + quadrant(nd, p);
        continue;
      }
      if (nd.head < 0) {
        nd.head = i;
        return;
      }
      const int h = nd.head;
      const double* ph = y + D * h;
      if (std::equal(ph, ph + D, p) || depth >= kMaxDepth) {
        next[static_cast<size_t>(i)] = h;
        nd.head = i;
        return;
      }
      // Split: the leaf's points (all at y[h]) move down into one child; i goes on down.
      const Node parent = nd;  // nodes may reallocate below
      const float q = parent.half / 2;
      const int moved = parent.count - 1, first = static_cast<int>(nodes.size());
      nd.child = first;
      nd.head = -1;
      for (int c = 0; c < kChildren; ++c) {
        float centre[D];
        for (int k = 0; k < D; ++k) centre[k] = parent.c[k] + ((c >> k) & 1 ? q : -q);
        nodes.push_back(cell(centre, q));
      }
      Node& dst = nodes[static_cast<size_t>(first + quadrant(parent, ph))];
      dst.head = h;
      dst.count = moved;
      for (int k = 0; k < D; ++k) dst.m[k] = moved * ph[k];
      at = first + quadrant(parent, p);
    }
  }

  // Repulsion on point i: adds sum_j w_ij^2 (y_i - y_j) to f[0..D), returns sum_j w_ij.
  double repel(const double* y, int i, double theta_sq, double* f) const {
    const double* p = y + D * i;
    const int own = leaf_of[static_cast<size_t>(i)];
    double sum_w = 0, force[D] = {};
    int stack[kChildren * kMaxDepth + 8];
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const int at = stack[--top];
      const Node& nd = nodes[static_cast<size_t>(at)];
      double dx[D], d2 = 0;
      for (int k = 0; k < D; ++k) dx[k] = p[k] - nd.m[k], d2 += dx[k] * dx[k];
      if (nd.child < 0 || nd.width_sq < theta_sq * d2) {
        const double w = 1 / (1 + d2), mass = nd.count - (at == own);
        sum_w += mass * w;
        for (int k = 0; k < D; ++k) force[k] += mass * w * w * dx[k];
        continue;
      }
      for (int c = 0; c < kChildren; ++c)
        if (nodes[static_cast<size_t>(nd.child + c)].count > 0) stack[top++] = nd.child + c;
    }
    for (int k = 0; k < D; ++k) f[k] += force[k];
    return sum_w;
  }

  double repel_all(const double* y, int n, double theta_sq, double* grad) override {
    build(y, n);
    // The walks are independent: parts of `order` go to both threads, and their sums are added in
    // part order, so one thread or two give the same bits.
    double part_sum[kMaxLayoutParts] = {};
    parallel::run_ranges(n, kLayoutPartPoints, kMaxLayoutParts, [&](int part, int64_t begin, int64_t end) {
      double sum = 0;
      for (int64_t at = begin; at < end; ++at) {
        const int i = order[static_cast<size_t>(at)];
        std::fill(grad + D * i, grad + D * (i + 1), 0.0);
        sum += repel(y, i, theta_sq, grad + D * i);
      }
      part_sum[part] = sum;
    });
    double sum_w = 0;
    for (const double sum : part_sum) sum_w += sum;  // unused parts add zero
    return sum_w;
  }
};

KnnGraph tsne_neighbours(const RowMatrix& vectors, int k, const TsneOptions& options) {
  return nearest_neighbours(vectors, k, options.exact_neighbours_up_to, options.seed);
}

namespace {

// A standard normal draw from the project's Rng (Box-Muller).
double gaussian(Rng& rng) {
  const double u = 1.0 - rng.uniform(), v = rng.uniform();
  return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
}

}  // namespace

Tsne::Tsne(const RowMatrix& vectors, const TsneOptions& options, const RowMatrix& initial)
    : options_(options), dims_(options.dimensions) {
  validate_tsne(vectors, options);
  n_ = static_cast<int>(vectors.rows());
  if (dims_ == 3) tree_ = std::make_unique<Tree<3>>();
  else tree_ = std::make_unique<Tree<2>>();
  const int k = std::min(n_ - 1, static_cast<int>(3 * options.perplexity + 1));
  p_ = symmetrize(conditional_affinities(tsne_neighbours(vectors, k, options), options.perplexity));
  learning_rate_ = options.learning_rate > 0 ? options.learning_rate
                                             : std::max(n_ / options.early_exaggeration, 50.0);

  const int d = dims_;
  y_.assign(static_cast<size_t>(d) * static_cast<size_t>(n_), 0.0);
  if (initial.size() > 0) {
    if (initial.rows() != n_ || initial.cols() != d)
      throw InputError("t-SNE initial layout must be (" + std::to_string(n_) + ", " + std::to_string(d) + ")");
    if (!initial.allFinite()) throw InputError("t-SNE initial layout is not finite");
    for (int i = 0; i < n_; ++i)
      for (int k = 0; k < d; ++k) y_[d * i + k] = initial(i, k);
  } else {
    bool random = options.random_init;
    if (!random) {
      const Projection start = pca(vectors, d);
      const Eigen::VectorXd first = start.coords.col(0).cast<double>();
      const double sd = std::sqrt((first.array() - first.mean()).square().mean());
      if (sd > 0 && std::isfinite(sd)) {
        for (int i = 0; i < n_; ++i)
          for (int k = 0; k < d; ++k) y_[d * i + k] = start.coords(i, k) / sd * 1e-4;
      } else {
        random = true;  // every vector the same: PCA is a point, and a point never unfolds
      }
    }
    if (random) {
      Rng rng(options.seed);
      for (double& v : y_) v = 1e-4 * gaussian(rng);
    }
  }
  update_.assign(y_.size(), 0.0);
  gains_.assign(y_.size(), 1.0);
  grad_.assign(y_.size(), 0.0);
}

Tsne::~Tsne() = default;
Tsne::Tsne(Tsne&&) noexcept = default;
Tsne& Tsne::operator=(Tsne&&) noexcept = default;

namespace {

// The attraction of the sparse affinities on point i, and its gradient from that and the
// repulsion: grad_i = 4 (exaggeration sum_j p_ij w_ij (y_i - y_j) - repulsion_i / Z), repulsion in grad.
template <int D>
void attract_point(const SparseRows& p, const std::vector<double>& y, int i, double exaggeration, double inv_z,
                   double* grad) {
  double a[D] = {};
  for (int64_t m = p.start[i]; m < p.start[i + 1]; ++m) {
    const int j = p.col[static_cast<size_t>(m)];
    double dx[D], d2 = 0;
    for (int k = 0; k < D; ++k) dx[k] = y[D * i + k] - y[D * j + k], d2 += dx[k] * dx[k];
    const double pw = p.val[static_cast<size_t>(m)] / (1 + d2);
    for (int k = 0; k < D; ++k) a[k] += pw * dx[k];
  }
  for (int k = 0; k < D; ++k) grad[D * i + k] = 4 * (exaggeration * a[k] - grad[D * i + k] * inv_z);
}

// The same for every point, in parts on both threads (each point's gradient is its own).
template <int D>
void attract(const SparseRows& p, const std::vector<double>& y, int n, double exaggeration, double inv_z, double* grad) {
  parallel::run_ranges(n, kLayoutPartPoints, kMaxLayoutParts, [&](int, int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) attract_point<D>(p, y, static_cast<int>(i), exaggeration, inv_z, grad);
  });
}

// |y_i - y_j|^2 in a layout of `d` dimensions.
double distance_sq(const std::vector<double>& y, int d, int i, int j) {
  double d2 = 0;
  for (int k = 0; k < d; ++k) d2 += (y[d * i + k] - y[d * j + k]) * (y[d * i + k] - y[d * j + k]);
  return d2;
}

}  // namespace

double Tsne::compute_gradient(double exaggeration, double* grad) const {
  const double sum_w = tree_->repel_all(y_.data(), n_, options_.theta * options_.theta, grad);
  const double inv_z = sum_w > 0 ? 1 / sum_w : 0;
  if (dims_ == 3) attract<3>(p_, y_, n_, exaggeration, inv_z, grad);
  else attract<2>(p_, y_, n_, exaggeration, inv_z, grad);
  return sum_w;
}

int Tsne::step(int iterations) {
  int ran = 0;
  for (; ran < iterations && !done(); ++ran, ++iteration_) {
    const bool early = iteration_ < options_.exaggeration_iterations;
    if (iteration_ == options_.exaggeration_iterations && iteration_ > 0) {
      // Second phase, as scikit-learn: a fresh optimiser (no momentum carried over the change
      // of exaggeration, gains back to 1).
      std::fill(update_.begin(), update_.end(), 0.0);
      std::fill(gains_.begin(), gains_.end(), 1.0);
    }
    const double momentum = early ? 0.5 : 0.8;
    compute_gradient(early ? options_.early_exaggeration : 1.0, grad_.data());
    double mean[3] = {0, 0, 0};
    for (size_t c = 0; c < y_.size(); ++c) {
      const double g = grad_[c];
      double& gain = gains_[c];
      gain = update_[c] * g < 0 ? gain + 0.2 : gain * 0.8;
      gain = std::max(gain, 0.01);
      update_[c] = momentum * update_[c] - learning_rate_ * gain * g;
      y_[c] += update_[c];
      mean[c % dims_] += y_[c];
    }
    for (size_t c = 0; c < y_.size(); ++c) y_[c] -= mean[c % dims_] / n_;
  }
  return ran;
}

RowMatrix Tsne::coords() const {
  RowMatrix out(n_, dims_);
  for (int i = 0; i < n_; ++i)
    for (int k = 0; k < dims_; ++k) out(i, k) = static_cast<float>(y_[dims_ * i + k]);
  return out;
}

Eigen::MatrixXd Tsne::gradient() const {
  const bool early = iteration_ < options_.exaggeration_iterations;
  compute_gradient(early ? options_.early_exaggeration : 1.0, grad_.data());
  Eigen::MatrixXd out(n_, dims_);
  for (int i = 0; i < n_; ++i)
    for (int k = 0; k < dims_; ++k) out(i, k) = grad_[dims_ * i + k];
  return out;
}

double Tsne::kl_divergence() const {
  double z = 0;
  if (n_ <= 2000) {
    for (int i = 0; i < n_; ++i)
      for (int j = 0; j < n_; ++j)
        if (i != j) z += 1 / (1 + distance_sq(y_, dims_, i, j));
  } else {
    std::vector<double> forces(y_.size());
    z = tree_->repel_all(y_.data(), n_, options_.theta * options_.theta, forces.data());
  }
  // KL = sum p log(p / q), q = w / Z.
  double kl = 0;
  for (int i = 0; i < n_; ++i)
    for (int64_t m = p_.start[i]; m < p_.start[i + 1]; ++m) {
      const double p = p_.val[static_cast<size_t>(m)];
      if (p <= 0) continue;
      const int j = p_.col[static_cast<size_t>(m)];
      kl += p * std::log(p * z * (1 + distance_sq(y_, dims_, i, j)));
    }
  return kl;
}

}  // namespace embplay
