// Model files: a whole TrainedModel (settings, vocabulary, weights) as versioned JSON.
// Weights are stored as base64 of little-endian float32, so a loaded model is bit-identical.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "trained_model.h"

namespace embplay {

constexpr int kModelFileVersion = 1;

nlohmann::json model_to_json(const TrainedModel& m);

// n floats as base64 of their little-endian bytes, and back into out[0..n). The reader throws
// InputError starting with `what` for text that is not base64 or does not hold exactly n finite floats.
std::string floats_to_base64(const float* data, size_t n);
void floats_from_base64(const std::string& text, float* out, size_t n, const std::string& what);

// Throws InputError with a clear message for a file that is not a valid model.
TrainedModel model_from_json(const nlohmann::json& j);

}  // namespace embplay
