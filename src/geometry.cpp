// Projection, neighbours and predictions over a model's vectors.
#include "geometry.h"

#include <Eigen/Eigenvalues>
#include <Eigen/SVD>
#include <algorithm>
#include <numeric>

#include "dataset.h"
#include "input_error.h"
#include "loss.h"

namespace embplay {

Projection pca(const RowMatrix& vectors, int k) {
  Projection out;
  const Eigen::Index n = vectors.rows(), d = vectors.cols();
  out.coords = RowMatrix::Zero(n, k);
  out.explained.assign(static_cast<size_t>(std::max(k, 0)), 0.0f);
  if (n < 2 || d == 0) return out;

  // Covariance in double: d is small (<= 512), and float sums lose the small directions.
  const Eigen::MatrixXd centered = vectors.cast<double>().rowwise() - vectors.cast<double>().colwise().mean();
  const Eigen::MatrixXd cov = (centered.transpose() * centered) / static_cast<double>(n - 1);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov);
  const double total = std::max(cov.trace(), 1e-30);
  for (int axis = 0; axis < k && axis < d; ++axis) {
    Eigen::VectorXd direction = solver.eigenvectors().col(d - 1 - axis);  // eigenvalues ascend
    Eigen::Index largest = 0;
    direction.cwiseAbs().maxCoeff(&largest);
    if (direction(largest) < 0) direction = -direction;
    out.coords.col(axis) = (centered * direction).cast<float>();
    out.explained[axis] = static_cast<float>(std::max(0.0, solver.eigenvalues()(d - 1 - axis)) / total);
  }
  return out;
}

Projection pca_aligned(const RowMatrix& vectors, const RowMatrix& previous, int k) {
  Projection out = pca(vectors, k);
  if (previous.size() == 0) return out;
  if (previous.rows() != vectors.rows() || previous.cols() != k)
    throw InputError("the previous frame is (" + std::to_string(previous.rows()) + ", " + std::to_string(previous.cols()) +
                     "), this one (" + std::to_string(vectors.rows()) + ", " + std::to_string(k) +
                     "): align frames of the same words and dimensions");
  // Orthogonal Procrustes: R = U V^T from the SVD of A^T B minimises |A R - B| over rotations
  // and reflections. A (N, k) the new coordinates (centred), B (N, k) the previous, centred.
  const Eigen::MatrixXd a = out.coords.cast<double>();
  const Eigen::MatrixXd b = previous.cast<double>().rowwise() - previous.cast<double>().colwise().mean();
  const Eigen::MatrixXd m = a.transpose() * b;  // (k, k)
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(m, Eigen::ComputeFullU | Eigen::ComputeFullV);
  const Eigen::MatrixXd r = svd.matrixU() * svd.matrixV().transpose();
  out.coords = (a * r).cast<float>();
  return out;
}

void check_projectable(const RowMatrix& vectors, int min_rows, const std::string& method) {
  const Eigen::Index n = vectors.rows();
  if (n == 0) throw InputError("no words to project");
  if (n < min_rows)
    throw InputError(std::to_string(n) + (n == 1 ? " word is" : " words are") + " too few for " + method + ": it needs at least " +
                     std::to_string(min_rows));
  for (Eigen::Index i = 0; i < n; ++i)
    if (!vectors.row(i).allFinite()) throw InputError("the vector of word " + std::to_string(i + 1) + " is not finite");
  for (Eigen::Index i = 1; i < n; ++i)
    if (vectors.row(i) != vectors.row(0)) return;
  throw InputError("all " + std::to_string(n) + " words have the same vector" +
                   (vectors.row(0).isZero(0) ? " (zero)" : "") + ": there is no spread to project");
}

RowMatrix unit_rows(const RowMatrix& m) {
  RowMatrix out = m;
  for (Eigen::Index i = 0; i < out.rows(); ++i) {
    const float n = out.row(i).norm();
    if (n > 0) out.row(i) /= n;
  }
  return out;
}

RowMatrix gather_rows(const RowMatrix& table, const Ids& ids) {
  RowMatrix out(static_cast<Eigen::Index>(ids.size()), table.cols());
  for (size_t i = 0; i < ids.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = table.row(ids[i]);
  return out;
}

namespace {

void check_id(const RowMatrix& table, int32_t id, const char* what) {
  if (id < 0 || id >= table.rows())
    throw InputError(std::string(what) + ": id " + std::to_string(id) + " is not a row of the table (0.." +
                     std::to_string(table.rows() - 1) + ")");
}

// cos(row i, query) for every row: (V). Zero vectors give 0.
Eigen::VectorXf cosines(const RowMatrix& table, const Eigen::VectorXf& norms, int32_t query) {
  Eigen::VectorXf cos = table * table.row(query).transpose();
  for (Eigen::Index i = 0; i < cos.size(); ++i) {
    const float denom = norms(i) * norms(query);
    cos(i) = denom > 0 ? cos(i) / denom : 0.0f;
  }
  return cos;
}

// The first k of `all` by `better`, in order.
template <typename T, typename Better>
std::vector<T> best(std::vector<T> all, int k, Better better) {
  const size_t keep = std::min(all.size(), static_cast<size_t>(std::max(k, 0)));
  std::partial_sort(all.begin(), all.begin() + keep, all.end(), better);
  all.resize(keep);
  return all;
}

}  // namespace

std::vector<Neighbor> nearest_neighbors(const RowMatrix& table, int32_t id, int k, Metric metric) {
  check_id(table, id, "neighbours");
  const Eigen::VectorXf norms = table.rowwise().norm();
  const Eigen::VectorXf cos = cosines(table, norms, id);
  std::vector<Neighbor> all;
  all.reserve(static_cast<size_t>(table.rows()));
  for (Eigen::Index i = 0; i < table.rows(); ++i) {
    if (i == id || i == kPadId || i == kUnkId) continue;
    all.push_back({static_cast<int32_t>(i), cos(i), (table.row(i) - table.row(id)).norm()});
  }
  if (metric == Metric::kEuclidean)
    return best(std::move(all), k, [](const Neighbor& a, const Neighbor& b) {
      return a.distance != b.distance ? a.distance < b.distance : a.id < b.id;
    });
  return best(std::move(all), k, [](const Neighbor& a, const Neighbor& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.id < b.id;
  });
}

std::vector<AnalogyAnswer> analogy(const RowMatrix& table, int32_t a, int32_t b, int32_t c, int k,
                                   AnalogyMethod method) {
  check_id(table, a, "analogy");
  check_id(table, b, "analogy");
  check_id(table, c, "analogy");
  const Eigen::VectorXf norms = table.rowwise().norm();
  const Eigen::VectorXf cos_a = cosines(table, norms, a), cos_b = cosines(table, norms, b),
                        cos_c = cosines(table, norms, c);
  constexpr float kEpsilon = 1e-3f;  // Levy & Goldberg's, against division by a tiny s(x, b)
  std::vector<AnalogyAnswer> all;
  all.reserve(static_cast<size_t>(table.rows()));
  for (Eigen::Index i = 0; i < table.rows(); ++i) {
    if (i == a || i == b || i == c || i == kPadId || i == kUnkId) continue;
    const float score = method == AnalogyMethod::k3CosAdd
                            ? cos_a(i) - cos_b(i) + cos_c(i)
                            : (cos_a(i) + 1) / 2 * ((cos_c(i) + 1) / 2) / ((cos_b(i) + 1) / 2 + kEpsilon);
    all.push_back({static_cast<int32_t>(i), score});
  }
  return best(std::move(all), k, [](const AnalogyAnswer& x, const AnalogyAnswer& y) {
    return x.score != y.score ? x.score > y.score : x.id < y.id;
  });
}

OddOneOut odd_one_out(const RowMatrix& vectors) {
  const Eigen::Index k = vectors.rows();
  if (k < 3) throw InputError("the odd one out needs at least 3 words, not " + std::to_string(k));
  const RowMatrix unit = unit_rows(vectors);              // (k, d)
  const Eigen::RowVectorXf sum = unit.colwise().sum();    // (d)
  OddOneOut out;
  for (Eigen::Index i = 0; i < k; ++i) {
    // The mean of the others points the same way as their sum: only the direction counts.
    const Eigen::RowVectorXf others = sum - unit.row(i);
    const float norms = unit.row(i).norm() * others.norm();
    const float cos = norms > 0 ? unit.row(i).dot(others) / norms : 0.0f;
    out.distances.push_back(1.0f - cos);
    if (out.odd < 0 || out.distances.back() > out.distances[out.odd]) out.odd = static_cast<int>(i);
  }
  return out;
}

std::vector<Prediction> predict_next(const TrainedModel& m, const std::vector<std::string>& context, int top_k) {
  const Ids ids = context_ids(m.vocab, context, m.model.shape().context);
  Activations act;
  m.model.forward(ids.data(), 1, act);
  softmax_columns(act.logits);
  std::vector<Prediction> all(static_cast<size_t>(act.logits.rows()));
  for (Eigen::Index i = 0; i < act.logits.rows(); ++i) all[i] = {static_cast<int32_t>(i), act.logits(i, 0)};
  const size_t keep = std::min(all.size(), static_cast<size_t>(std::max(top_k, 0)));
  std::partial_sort(all.begin(), all.begin() + keep, all.end(), [](const Prediction& a, const Prediction& b) {
    return a.probability != b.probability ? a.probability > b.probability : a.id < b.id;
  });
  all.resize(keep);
  return all;
}

Ids top_words(const Vocab& vocab, int n) {
  Ids ids;
  for (int32_t id = kUnkId + 1; id < vocab.size() && static_cast<int>(ids.size()) < n; ++id) ids.push_back(id);
  return ids;
}

}  // namespace embplay
