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
};

}  // namespace embplay
