// Model files: a whole TrainedModel (settings, vocabulary, weights) as versioned JSON.
// Weights are stored as base64 of little-endian float32, so a loaded model is bit-identical.
#pragma once

#include <nlohmann/json.hpp>

#include "trained_model.h"

namespace embplay {

constexpr int kModelFileVersion = 1;

nlohmann::json model_to_json(const TrainedModel& m);
// Throws InputError with a clear message for a file that is not a valid model.
TrainedModel model_from_json(const nlohmann::json& j);

}  // namespace embplay
