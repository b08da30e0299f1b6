// Settings that scale with the text: the rule bench/defaults.sh measured on texts of 5,000 to
// 800,000 tokens (bench/README.md, "Defaults by text size"). The command-line tool takes them for
// every flag not given; the page puts them in the fields the user has not edited.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace embplay {

// Below this many tokens a text is too small to learn much from: neither model's neighbours mean
// anything, and the next-word model needs its own slower, longer band to beat the Kneser-Ney trigram.
constexpr int64_t kSmallTextTokens = 10000;

// The settings the rule picks for a text of `tokens` tokens (the whole text, as count_tokens() reads
// it), named as in the model's table: `model` "nextword" (settings.h) or "word2vec" (its options;
// skip-gram and CBOW alike). Only the settings the rule chooses; the rest keep their defaults.
// Throws InputError for another model.
nlohmann::json suggested_settings(const std::string& model, int64_t tokens);

}  // namespace embplay
