// Losses over a batch of logits. Each loss owns its maths and computes value and gradient in one
// fused pass; the gradient is already divided by the batch size (the loss is a batch mean).
#pragma once

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

// Per-batch sums for evaluation: cross-entropy (nats) and how often the argmax is the target.
struct CrossEntropySums {
  double loss = 0;   // sum over examples of -log p(target)
  int64_t top1 = 0;  // examples whose most probable word is the target
};
CrossEntropySums cross_entropy_sums(const Matrix& logits, const int32_t* targets);

// In place: each column of logits becomes its softmax distribution.
void softmax_columns(Matrix& logits);

}  // namespace embplay
