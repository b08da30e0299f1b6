// The settings table: name, range, default and hint of every knob, declared once. The JSON schema,
// the reader, the writer and the command-line setter are all generated from `fields()`.
#include "settings.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <vector>

namespace embplay {
namespace {

using nlohmann::json;

enum class Type { Int, Float, Bool, Choice };

struct Field {
  const char* name;
  Type type;
  double min, max;
  std::vector<std::string> choices;
  const char* hint;
  std::function<json(const Settings&)> get;
  std::function<void(Settings&, const json&)> set;  // value already validated
};

template <typename T>
Field number(const char* name, Type type, double min, double max, T Settings::*member, const char* hint) {
  return {name, type, min, max, {}, hint,
          [member](const Settings& s) { return json(s.*member); },
          [member](Settings& s, const json& v) { s.*member = static_cast<T>(v.get<double>()); }};
}

Field choice(const char* name, std::vector<std::string> choices, std::string Settings::*member, const char* hint) {
  return {name, Type::Choice, 0, 0, std::move(choices), hint,
          [member](const Settings& s) { return json(s.*member); },
          [member](Settings& s, const json& v) { s.*member = v.get<std::string>(); }};
}

const std::vector<Field>& fields() {
  static const std::vector<Field> table = {
      number("context", Type::Int, 1, 8, &Settings::context, "k: how many previous words the model sees"),
      number("dim", Type::Int, 2, 512, &Settings::dim, "d: length of each word vector"),
      number("hidden", Type::Int, 0, 1024, &Settings::hidden, "h: tanh hidden units; 0 = straight to the output"),
      {"max_vocab", Type::Int, 10, 200000, {}, "vocabulary cap: rarer words become <unk>",
       [](const Settings& s) { return json(s.vocab.max_size); },
       [](Settings& s, const json& v) { s.vocab.max_size = v.get<int>(); }},
      {"min_count", Type::Int, 1, 1000, {}, "words seen fewer times become <unk>",
       [](const Settings& s) { return json(s.vocab.min_count); },
       [](Settings& s, const json& v) { s.vocab.min_count = v.get<int>(); }},
      {"optimizer", Type::Choice, 0, 0, {"adam", "sgd"}, "how the gradient moves the weights",
       [](const Settings& s) { return json(s.optimizer); },
       [](Settings& s, const json& v) { s.optimizer = v.get<std::string>(); }},
      number("lr", Type::Float, 1e-5, 10, &Settings::lr, "learning rate: step size of each update"),
      number("batch", Type::Int, 1, 4096, &Settings::batch, "examples per step"),
      number("epochs", Type::Int, 1, 1000, &Settings::epochs, "passes over the training text"),
      number("seed", Type::Int, 0, 4294967295.0, &Settings::seed, "same seed, same run"),
      number("valid_fraction", Type::Float, 0, 0.5, &Settings::valid_fraction,
             "share of sentences held out for validation (early stopping, the curves)"),
      number("test_fraction", Type::Float, 0, 0.5, &Settings::test_fraction,
             "share of sentences held out for the final test figures"),
      choice("split", {"shuffle", "blocks"}, &Settings::split,
             "held-out sentences: a seeded shuffle, or blocks in text order (the test split last)"),
      number("patience", Type::Int, 0, 1000, &Settings::patience,
             "early stopping: epochs without a better validation perplexity before stopping; 0 = off"),
      choice("loss", {"cross_entropy", "mse"}, &Settings::loss,
             "training loss: cross-entropy, or squared error between softmax and one-hot"),
      choice("schedule", {"constant", "linear", "cosine"}, &Settings::schedule,
             "learning rate over the run: constant, or decaying linearly or along a cosine to zero"),
      number("warmup", Type::Float, 0, 1000000, &Settings::warmup,
             "learning-rate warm-up: steps if 1 or more, else a fraction of all steps; 0 = none"),
      number("clip", Type::Float, 0, 1000, &Settings::clip, "largest gradient norm; 0 = no clipping"),
      number("weight_decay", Type::Float, 0, 1, &Settings::weight_decay,
             "shrinks weights each step (decoupled for Adam, L2 for SGD); 0 = off"),
      {"direct", Type::Bool, 0, 1, {}, "direct connections from the context vectors to the output",
       [](const Settings& s) { return json(s.direct); },
       [](Settings& s, const json& v) { s.direct = v.get<bool>(); }},
      number("ngram_order", Type::Int, 2, 5, &Settings::ngram_order, "order of the Kneser-Ney n-gram yardstick"),
      {"lowercase", Type::Bool, 0, 1, {}, "fold upper case to lower case",
       [](const Settings& s) { return json(s.tokenizer.lowercase); },
       [](Settings& s, const json& v) { s.tokenizer.lowercase = v.get<bool>(); }},
      {"keep_punctuation", Type::Bool, 0, 1, {}, "keep commas, quotes and the like as tokens",
       [](const Settings& s) { return json(s.tokenizer.keep_punctuation); },
       [](Settings& s, const json& v) { s.tokenizer.keep_punctuation = v.get<bool>(); }},
  };
  return table;
}

std::string format_number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

std::string allowed(const Field& f) {
  switch (f.type) {
    case Type::Int: return "a whole number from " + format_number(f.min) + " to " + format_number(f.max);
    case Type::Float: return "a number from " + format_number(f.min) + " to " + format_number(f.max);
    case Type::Bool: return "true or false";
    case Type::Choice: {
      std::string s = "one of";
      for (const auto& c : f.choices) s += " " + c;
      return s;
    }
  }
  return "";
}

// Throws InputError unless `v` is a valid value for `f`.
void check(const Field& f, const json& v) {
  bool ok = false;
  switch (f.type) {
    case Type::Int:
      ok = v.is_number() && std::isfinite(v.get<double>()) && v.get<double>() == std::floor(v.get<double>()) &&
           v.get<double>() >= f.min && v.get<double>() <= f.max;
      break;
    case Type::Float:
      ok = v.is_number() && std::isfinite(v.get<double>()) && v.get<double>() >= f.min && v.get<double>() <= f.max;
      break;
    case Type::Bool: ok = v.is_boolean(); break;
    case Type::Choice:
      ok = v.is_string() && std::find(f.choices.begin(), f.choices.end(), v.get<std::string>()) != f.choices.end();
      break;
  }
  if (!ok) throw InputError(std::string("setting ") + f.name + " must be " + allowed(f) + ", not " + v.dump());
}

const Field& find(const std::string& name) {
  for (const auto& f : fields())
    if (name == f.name) return f;
  throw InputError("unknown setting: " + name);
}

}  // namespace

json settings_schema() {
  const Settings defaults;
  json schema = json::array();
  for (const auto& f : fields()) {
    static const char* type_names[] = {"int", "float", "bool", "choice"};
    json item = {{"name", f.name}, {"type", type_names[static_cast<int>(f.type)]}, {"default", f.get(defaults)},
                 {"hint", f.hint}};
    if (f.type == Type::Int || f.type == Type::Float) {
      item["min"] = f.min;
      item["max"] = f.max;
    }
    if (f.type == Type::Choice) item["choices"] = f.choices;
    schema.push_back(item);
  }
  return schema;
}

Settings settings_from_json(const json& j) {
  if (!j.is_object()) throw InputError("settings must be a JSON object");
  Settings s;
  for (const auto& [name, value] : j.items()) {
    const Field& f = find(name);
    check(f, value);
    f.set(s, value);
  }
  if (s.valid_fraction + s.test_fraction > 0.5f + 1e-6f)
    throw InputError("settings valid_fraction + test_fraction must be at most 0.5, so that at least half of the "
                     "sentences train; now " + format_number(s.valid_fraction + s.test_fraction));
  return s;
}

json settings_to_json(const Settings& s) {
  json j = json::object();
  for (const auto& f : fields()) j[f.name] = f.get(s);
  return j;
}

void set_setting(Settings& s, const std::string& name, const std::string& text) {
  const Field& f = find(name);
  json value;
  if (f.type == Type::Choice) {
    value = text;
  } else if (f.type == Type::Bool) {
    if (text == "true" || text == "1" || text == "yes") value = true;
    else if (text == "false" || text == "0" || text == "no") value = false;
    else value = text;  // rejected by check() with the field's name
  } else {
    value = json::parse(text, nullptr, false);
    if (value.is_discarded()) value = text;
  }
  check(f, value);
  f.set(s, value);
}

}  // namespace embplay
