// Softmax cross-entropy, fused and numerically stable: with m = max(z),
//   log p(t) = z_t - m - log(sum_j exp(z_j - m)),   d(-log p(t))/dz = softmax(z) - onehot(t).
#include "loss.h"

#include <cmath>
#include <stdexcept>

namespace embplay {

float SoftmaxCrossEntropy::forward_backward(const Matrix& logits, const int32_t* targets, Matrix& dlogits) const {
  const Eigen::Index batch = logits.cols();
  dlogits.resize(logits.rows(), batch);
  const float inv_batch = 1.0f / static_cast<float>(batch);
  double total = 0;
  for (Eigen::Index b = 0; b < batch; ++b) {
    const float max = logits.col(b).maxCoeff();
    auto p = dlogits.col(b);
    p = (logits.col(b).array() - max).exp();
    const float sum = p.sum();
    total += std::log(sum) - (logits(targets[b], b) - max);
    p *= inv_batch / sum;
    p(targets[b]) -= inv_batch;
  }
  return static_cast<float>(total / static_cast<double>(batch));
}

CrossEntropySums cross_entropy_sums(const Matrix& logits, const int32_t* targets) {
  CrossEntropySums sums;
  for (Eigen::Index b = 0; b < logits.cols(); ++b) {
    Eigen::Index argmax = 0;
    const float max = logits.col(b).maxCoeff(&argmax);
    const double log_sum = std::log((logits.col(b).array() - max).exp().sum());
    sums.loss += log_sum - (logits(targets[b], b) - max);
    sums.top1 += (argmax == targets[b]);
    sums.top5 += ((logits.col(b).array() > logits(targets[b], b)).count() < 5);
  }
  return sums;
}

float SoftmaxMse::forward_backward(const Matrix& logits, const int32_t* targets, Matrix& dlogits) const {
  const Eigen::Index batch = logits.cols();
  dlogits.resize(logits.rows(), batch);
  const float inv_batch = 1.0f / static_cast<float>(batch);
  double total = 0;
  for (Eigen::Index b = 0; b < batch; ++b) {
    auto p = dlogits.col(b);
    p = (logits.col(b).array() - logits.col(b).maxCoeff()).exp();
    p /= p.sum();
    const float pt = p(targets[b]);
    // sum_j (p_j - y_j)^2 = sum_j p_j^2 - 2 p_t + 1;  sum_j p_j g_j = 2 (sum_j p_j^2 - p_t).
    const float sum_sq = p.squaredNorm();
    total += static_cast<double>(sum_sq) - 2.0 * pt + 1.0;
    const float pg = 2.0f * (sum_sq - pt);
    // dz_i = p_i (2 (p_i - y_i) - pg) / B
    p.array() *= (2.0f * p.array() - pg) * inv_batch;
    p(targets[b]) -= 2.0f * pt * inv_batch;
  }
  return static_cast<float>(total / static_cast<double>(batch));
}

std::unique_ptr<Loss> make_loss(const std::string& kind) {
  if (kind == "cross_entropy") return std::make_unique<SoftmaxCrossEntropy>();
  if (kind == "mse") return std::make_unique<SoftmaxMse>();
  throw std::invalid_argument("unknown loss: " + kind + " (cross_entropy or mse)");
}

void softmax_columns(Matrix& logits) {
  for (Eigen::Index b = 0; b < logits.cols(); ++b) {
    auto col = logits.col(b);
    col = (col.array() - col.maxCoeff()).exp();
    col /= col.sum();
  }
}

}  // namespace embplay
