// Losses over a batch of logits. Each loss owns its maths and computes value and gradient in one
// fused pass; the gradient is already divided by the batch size (the loss is a batch mean).
#pragma once

#include <memory>
#include <string>

#include "common.h"

namespace embplay {

// logits: (V, B), one example per column; targets: B ids; dlogits: (V, B), written.
class Loss {
 public:
  virtual ~Loss() = default;
  // Returns the mean loss over the batch and writes d(mean loss)/d(logits) into dlogits.
  virtual float forward_backward(const Matrix& logits, const int32_t* targets, Matrix& dlogits) const = 0;
};

// softmax + cross-entropy, fused and max-subtracted: dlogits = (softmax(z) - onehot(t)) / B.
class SoftmaxCrossEntropy final : public Loss {
 public:
  float forward_backward(const Matrix& logits, const int32_t* targets, Matrix& dlogits) const override;
};

// The same fused pass on raw column-major storage: logits (V, B), `vocab` floats per column, and
// dlogits of that shape; returns the mean over the B columns. For callers whose buffers keep their
// storage while the batch changes size (the Transformer's masked-word head, InfoNCE).
float softmax_cross_entropy(const float* logits, int vocab, int batch, const int32_t* targets, float* dlogits);

// Squared error between the softmax distribution and the one-hot target, summed over the V words
// (the Brier score) and averaged over the batch: L = (1/B) sum_b sum_j (p_j - y_j)^2, p = softmax(z).
// Its gradient goes through the softmax: with g = 2 (p - y), dL/dz_i = p_i (g_i - sum_j p_j g_j) / B.
// Bounded by 2 per example; when the model is confidently wrong (p_t -> 0) the gradient vanishes
// with p_t, where cross-entropy's stays near -1: the reason cross-entropy learns faster.
class SoftmaxMse final : public Loss {
 public:
  float forward_backward(const Matrix& logits, const int32_t* targets, Matrix& dlogits) const override;
};

// "cross_entropy" or "mse"; throws std::invalid_argument for anything else.
std::unique_ptr<Loss> make_loss(const std::string& kind);

// Per-batch sums for evaluation: cross-entropy (nats) and how often the target ranks first / in the top 5.
struct CrossEntropySums {
  double loss = 0;   // sum over examples of -log p(target)
  int64_t top1 = 0;  // examples whose most probable word is the target
  int64_t top5 = 0;  // examples where fewer than 5 words are strictly more probable than the target
};
CrossEntropySums cross_entropy_sums(const Matrix& logits, const int32_t* targets);

// In place: each column of logits becomes its softmax distribution.
void softmax_columns(Matrix& logits);

}  // namespace embplay
