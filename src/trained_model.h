// What a trained next-word model is: its settings, its vocabulary and its weights. Saved and loaded
// whole (model_io.h), asked for predictions (geometry.h), made by the training loop (trainer.h),
// which none of those need.
#pragma once

#include "model.h"
#include "settings.h"
#include "vocab.h"

namespace embplay {

struct TrainedModel {
  Settings settings;
  Vocab vocab;
  NextWordModel model;

  // The output layer's row of each word (V, h): the vector the softmax scores it with, word vectors
  // too, and on a small text better ones than the embedding's (each step moves every row, where the
  // embedding moves only the rows of the words in its contexts). Null with a hierarchical softmax,
  // whose rows are the tree's inner nodes, not words.
  const RowMatrix* output_rows() const {
    return settings.softmax != "hierarchical" && model.w2.rows() == model.embed.rows() ? &model.w2 : nullptr;
  }
};

}  // namespace embplay
