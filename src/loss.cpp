// Softmax cross-entropy, fused and numerically stable: with m = max(z),
//   log p(t) = z_t - m - log(sum_j exp(z_j - m)),   d(-log p(t))/dz = softmax(z) - onehot(t).
// The max and the exp run through kernels.h (Eigen natively, our SIMD kernels in WebAssembly).
#include "loss.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include "kernels.h"
#include "parallel.h"

namespace embplay {

float SoftmaxCrossEntropy::forward_backward(const Matrix& logits, const int32_t* targets, Matrix& dlogits) const {
  dlogits.resize(logits.rows(), logits.cols());
  return softmax_cross_entropy(logits.data(), static_cast<int>(logits.rows()), static_cast<int>(logits.cols()),
                               targets, dlogits.data());
}

// Columns of the batch per part on the threads (parallel::run_ranges): about this many logits.
constexpr int64_t kLogitsPerPart = 1 << 17;
constexpr int kMaxLossParts = 8;

float softmax_cross_entropy(const float* logits, int vocab, int batch, const int32_t* targets, float* dlogits) {
  const float inv_batch = 1.0f / static_cast<float>(batch);
  // Each example's column is its own work; its loss term is kept and the terms are added in order
  // afterwards, so the result is the same bits on one thread or two.
  std::vector<float> terms(static_cast<size_t>(batch));
  const int64_t columns_per_part = std::max<int64_t>(1, kLogitsPerPart / std::max(1, vocab));
  parallel::run_ranges(batch, columns_per_part, kMaxLossParts, [&](int, int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const float* z = logits + b * vocab;
      float* dz = dlogits + b * vocab;
      const float max = kernels::max_of(z, vocab);
      const float sum = kernels::exp_shifted(z, max, dz, vocab);  // (V) exp(z - m)
      terms[static_cast<size_t>(b)] = std::log(sum) - (z[targets[b]] - max);
      Eigen::Map<Vector>(dz, vocab) *= inv_batch / sum;
      dz[targets[b]] -= inv_batch;
    }
  });
  double total = 0;
  for (const float term : terms) total += term;
  return static_cast<float>(total / static_cast<double>(batch));
}

CrossEntropySums cross_entropy_sums(const Matrix& logits, const int32_t* targets) {
  const int vocab = static_cast<int>(logits.rows());
  CrossEntropySums sums;
  for (Eigen::Index b = 0; b < logits.cols(); ++b) {
    const float* z = logits.col(b).data();
    const float max = kernels::max_of(z, vocab);
    const int32_t argmax = static_cast<int32_t>(std::find(z, z + vocab, max) - z);  // the first maximum
    sums.loss += std::log(kernels::sum_exp_shifted(z, max, vocab)) - (z[targets[b]] - max);
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
  const int vocab = static_cast<int>(logits.rows());
  for (Eigen::Index b = 0; b < logits.cols(); ++b) {
    float* col = logits.col(b).data();
    const float sum = kernels::exp_shifted(col, kernels::max_of(col, vocab), col, vocab);
    logits.col(b) /= sum;
  }
}

}  // namespace embplay
