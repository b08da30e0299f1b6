// Settings: every knob of a run, in one table shared by the page, the command-line tool and saved
// models. The page builds its form from `settings_schema()` and the CLI builds its flags and --help
// from it, so a setting is declared once, here and in settings.cpp.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "tokenizer.h"
#include "vocab.h"

namespace embplay {

// A bad setting or input the user can fix; the message names the field and what it accepts.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Settings {
  TokenizerOptions tokenizer;
  VocabOptions vocab{2, 5000};   // words seen once become <unk>: fewer, better-trained vectors
  int context = 2;               // k: previous words fed to the model; 1..8
  int dim = 32;                  // d: embedding size; 2..512
  int hidden = 64;               // h: tanh hidden units, 0 = linear projection straight to the output
  std::string optimizer = "adam";  // "sgd" or "adam"
  float lr = 0.002f;             // learning rate
  int batch = 64;                // examples per step
  int epochs = 15;               // passes over the training split
  uint32_t seed = 1;             // initial weights and shuffling
  float valid_fraction = 0.1f;   // last fraction of sentences held out for validation
};

// The schema as JSON: [{name, type: int|float|bool|choice, min, max, default, choices?, hint}, ...].
nlohmann::json settings_schema();

// Reads settings from JSON; absent fields keep their defaults, unknown fields are an error.
// Throws InputError naming the field and its allowed range.
Settings settings_from_json(const nlohmann::json& j);
nlohmann::json settings_to_json(const Settings& s);

// Sets one setting from text ("--dim 64" on the command line); throws InputError.
void set_setting(Settings& s, const std::string& name, const std::string& value);

}  // namespace embplay
