// Encoder files: a whole SentenceEncoder (options, vocabulary, weights) as versioned JSON, weights
// bit-exact (base64 of little-endian float32, as the next-word model files in model_io.h).
#pragma once

#include <nlohmann/json.hpp>

#include "sentence_encoder.h"

namespace embplay {

constexpr int kEncoderFileVersion = 1;

nlohmann::json encoder_to_json(const SentenceEncoder& e);
// Throws InputError with a clear message for a file that is not a valid encoder.
SentenceEncoder encoder_from_json(const nlohmann::json& j);

}  // namespace embplay
