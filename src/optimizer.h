// Optimisers as small policy objects. Parameters are registered once as numbered slots; the
// embedding table is updated row by row, so a step touches only the rows its batch used
// (for Adam, "lazy" Adam: the moments of unused rows are left as they are).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common.h"

namespace embplay {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // Registers a parameter of `size` floats (or `rows` x `cols` for a row-updated table); returns its slot.
  virtual int add_slot(Eigen::Index size) = 0;
  // Called once per step before the updates, so Adam can advance its bias correction.
  virtual void begin_step() {}
  // w -= update(g) for a dense parameter of the slot's size.
  virtual void update(int slot, float* w, const float* g, Eigen::Index size) = 0;
  // For each i: table.row(rows[i]) -= update(grads.row(i)); the slot was added with rows * cols floats.
  virtual void update_rows(int slot, RowMatrix& table, const Ids& rows, const RowMatrix& grads) = 0;

  float lr = 0.01f;
};

// "sgd" or "adam"; throws std::invalid_argument for anything else.
std::unique_ptr<Optimizer> make_optimizer(const std::string& kind, float lr);

}  // namespace embplay
