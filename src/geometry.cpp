// Projection, neighbours and predictions over a model's vectors.
#include "geometry.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <numeric>

#include "loss.h"

namespace embplay {

Projection pca_2d(const RowMatrix& vectors) {
  Projection out;
  const Eigen::Index n = vectors.rows(), d = vectors.cols();
  out.coords = RowMatrix::Zero(n, 2);
  if (n < 2 || d == 0) return out;

  // Covariance in double: d is small (<= 512), and float sums lose the small directions.
  const Eigen::MatrixXd centered = vectors.cast<double>().rowwise() - vectors.cast<double>().colwise().mean();
  const Eigen::MatrixXd cov = (centered.transpose() * centered) / static_cast<double>(n - 1);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov);
  const double total = std::max(cov.trace(), 1e-30);
  for (int axis = 0; axis < 2 && axis < d; ++axis) {
    Eigen::VectorXd direction = solver.eigenvectors().col(d - 1 - axis);  // eigenvalues ascend
    Eigen::Index largest = 0;
    direction.cwiseAbs().maxCoeff(&largest);
    if (direction(largest) < 0) direction = -direction;
    out.coords.col(axis) = (centered * direction).cast<float>();
    out.explained[axis] = static_cast<float>(std::max(0.0, solver.eigenvalues()(d - 1 - axis)) / total);
  }
  return out;
}

RowMatrix gather_rows(const RowMatrix& table, const Ids& ids) {
  RowMatrix out(static_cast<Eigen::Index>(ids.size()), table.cols());
  for (size_t i = 0; i < ids.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = table.row(ids[i]);
  return out;
}

std::vector<Neighbor> nearest_neighbors(const RowMatrix& table, int32_t id, int k) {
  const Eigen::VectorXf norms = table.rowwise().norm();
  const float query_norm = norms(id);
  const Eigen::VectorXf dots = table * table.row(id).transpose();
  std::vector<Neighbor> all;
  all.reserve(static_cast<size_t>(table.rows()));
  for (Eigen::Index i = 0; i < table.rows(); ++i) {
    if (i == id || i == kPadId || i == kUnkId) continue;
    const float denom = norms(i) * query_norm;
    all.push_back({static_cast<int32_t>(i), denom > 0 ? dots(i) / denom : 0.0f});
  }
  const size_t keep = std::min(all.size(), static_cast<size_t>(std::max(k, 0)));
  std::partial_sort(all.begin(), all.begin() + keep, all.end(), [](const Neighbor& a, const Neighbor& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.id < b.id;
  });
  all.resize(keep);
  return all;
}

std::vector<Prediction> predict_next(const TrainedModel& m, const std::vector<std::string>& context, int top_k) {
  const int k = m.model.shape().context;
  Ids ids(k, kPadId);
  const int used = std::min<int>(k, static_cast<int>(context.size()));
  for (int j = 0; j < used; ++j) ids[k - used + j] = m.vocab.id(context[context.size() - used + j]);

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
