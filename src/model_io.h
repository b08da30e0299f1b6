// Model files: a whole TrainedModel (settings, vocabulary, weights) as versioned JSON.
// Weights are stored as base64 of little-endian float32, so a loaded model is bit-identical.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "trained_model.h"

namespace embplay {

constexpr int kModelFileVersion = 1;

nlohmann::json model_to_json(const TrainedModel& m);

// What every file of ours starts with, {"format": format, "version": version}, checked; `what`
// names the kind of file in the message ("model", "encoder").
void check_file_format(const nlohmann::json& j, const std::string& format, int version, const std::string& what);
// A vocabulary as {"words": [...], "counts": [...]}, and back (throws InputError "<what> file: ...").
nlohmann::json vocab_to_json(const Vocab& v);
Vocab vocab_from_json(const nlohmann::json& j, const std::string& what);

// n floats as base64 of their little-endian bytes, and back into out[0..n). The reader throws
// InputError starting with `what` for text that is not base64 or does not hold exactly n finite floats.
std::string floats_to_base64(const float* data, size_t n);
void floats_from_base64(const std::string& text, float* out, size_t n, const std::string& what);

// Throws InputError with a clear message for a file that is not a valid model.
TrainedModel model_from_json(const nlohmann::json& j);

}  // namespace embplay
