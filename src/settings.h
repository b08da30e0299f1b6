// Settings: every knob of a run, in one table shared by the page, the command-line tool and saved
// models. The page builds its form from `settings_schema()` and the CLI builds its flags and --help
// from it, so a setting is declared once, here and in settings.cpp.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "input_error.h"  // the error every setting's check throws
#include "tokenizer.h"
#include "vocab.h"

namespace embplay {

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
  float valid_fraction = 0.1f;   // share of sentences held out for validation (early stopping, curves)
  float test_fraction = 0.1f;    // share of sentences held out for the final test figures
  std::string split = "shuffle"; // "shuffle" (seeded, by sentence) or "blocks" (train | valid | test in text order)
  int patience = 0;              // early stopping: epochs without a better validation perplexity; 0 = off
  std::string loss = "cross_entropy";  // "cross_entropy" or "mse" (softmax vs one-hot, squared error)
  std::string softmax = "full";  // training's output layer: "full", "hierarchical" or "sampled" (output_layer.h);
                                 // evaluation is exact whichever trains
  int samples = 256;             // sampled softmax: noise words drawn per batch; 1..10000
  std::string schedule = "constant";   // learning rate over the run: "constant", "linear" or "cosine" decay
  float warmup = 0;              // linear warm-up: steps when >= 1, else a fraction of all steps; 0 = none
  float clip = 0;                // gradient-norm clipping: global L2 norm bound; 0 = off
  float weight_decay = 0;        // AdamW-style decoupled decay (Adam) or L2 (SGD), weights only; 0 = off
  bool direct = false;           // Bengio's direct connections: logits += W3 x
  float dropout = 0;             // training: share of the context vectors' and hidden units' values zeroed
  int ngram_order = 3;           // order of the Kneser-Ney yardstick, 2..5
};

// The schema as JSON: [{name, type: int|float|bool|choice, min, max, default, choices?, hint}, ...].
nlohmann::json settings_schema();

// Reads settings from JSON; absent fields keep their defaults, unknown fields are an error.
// Throws InputError naming the field and its allowed range, or the combination that cannot work.
Settings settings_from_json(const nlohmann::json& j);
nlohmann::json settings_to_json(const Settings& s);

// Sets one setting from text ("--dim 64" on the command line); throws InputError.
void set_setting(Settings& s, const std::string& name, const std::string& value);

}  // namespace embplay
