// Optimisers as small policy objects. Parameters are registered once as numbered slots; the
// embedding table is updated row by row, so a step touches only the rows its batch used
// (for Adam, "lazy" Adam: the moments of unused rows are left as they are).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common.h"
#include "model.h"

namespace embplay {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // Registers a parameter of `size` floats (or `rows` x `cols` for a row-updated table); returns its slot.
  virtual int add_slot(Eigen::Index size) = 0;
  // Called once per step before the updates, so Adam can advance its bias correction.
  virtual void begin_step() {}
  // w -= update(g) for a dense parameter of the slot's size; `decay`: apply weight decay to it
  // (weights do, biases do not).
  virtual void update(int slot, float* w, const float* g, Eigen::Index size, bool decay = false) = 0;
  // For each i: table.row(rows[i]) -= update(grads.row(i)); the slot was added with rows * cols floats.
  // Weight decay reaches only these rows (the ones the batch used), so the step stays sparse: a
  // rare word's vector decays only when it is seen.
  void update_rows(int slot, RowMatrix& table, const Ids& rows, const RowMatrix& grads) {
    update_rows(slot, table.data(), table.cols(), rows, grads.data(), true);
  }
  // The same on raw row-major storage of `cols` floats a row (cols = 1: single entries of a vector,
  // such as the output biases); `decay`: apply weight decay to the rows.
  virtual void update_rows(int slot, float* table, Eigen::Index cols, const Ids& rows, const float* grads,
                           bool decay) = 0;

  float lr = 0.01f;           // set before each step by the trainer's schedule
  float weight_decay = 0.0f;  // SGD: L2, g += wd * w.  Adam: decoupled (AdamW), w -= lr * wd * w.
};

// Gradient-norm clipping: the global L2 norm over every dense gradient, the used embedding rows and
// the output rows a hierarchical or sampled softmax touched.
// When it exceeds max_norm (> 0), every gradient is scaled by max_norm / norm. Returns the norm before.
double clip_gradients(Gradients& grads, float max_norm);
double gradient_norm(const Gradients& grads);

// "sgd" or "adam"; throws std::invalid_argument for anything else.
std::unique_ptr<Optimizer> make_optimizer(const std::string& kind, float lr);

}  // namespace embplay
