// The settings table: name, range, default and hint of every knob, declared once (option_table.h
// turns it into the page's schema, the checked JSON reader and writer, and the CLI's setter).
#include "settings.h"

#include "option_table.h"

namespace embplay {
namespace {

using nlohmann::json;
using T = OptionTable<Settings>;

const T& table() {
  static const T table("setting", {
      T::number("context", T::Type::Int, 1, 8, &Settings::context, "k: how many previous words the model sees"),
      T::number("dim", T::Type::Int, 2, 512, &Settings::dim, "d: length of each word vector"),
      T::number("hidden", T::Type::Int, 0, 1024, &Settings::hidden, "h: tanh hidden units; 0 = straight to the output"),
      T::nested("max_vocab", T::Type::Int, 10, 200000, &Settings::vocab, &VocabOptions::max_size,
                "vocabulary cap: rarer words become <unk>"),
      T::nested("min_count", T::Type::Int, 1, 1000, &Settings::vocab, &VocabOptions::min_count,
                "words seen fewer times become <unk>"),
      T::choice("optimizer", {"adam", "sgd"}, &Settings::optimizer, "how the gradient moves the weights"),
      T::number("lr", T::Type::Float, 1e-5, 10, &Settings::lr, "learning rate: step size of each update"),
      T::number("batch", T::Type::Int, 1, 4096, &Settings::batch, "examples per step"),
      T::number("epochs", T::Type::Int, 1, 1000, &Settings::epochs, "passes over the training text"),
      T::number("seed", T::Type::Int, 0, 4294967295.0, &Settings::seed, "same seed, same run"),
      T::number("valid_fraction", T::Type::Float, 0, 0.5, &Settings::valid_fraction,
             "share of sentences held out for validation (early stopping, the curves)"),
      T::number("test_fraction", T::Type::Float, 0, 0.5, &Settings::test_fraction,
             "share of sentences held out for the final test figures"),
      T::choice("split", {"shuffle", "blocks"}, &Settings::split,
             "held-out sentences: a seeded shuffle, or blocks in text order (the test split last)"),
      T::number("patience", T::Type::Int, 0, 1000, &Settings::patience,
             "early stopping: epochs without a better validation perplexity before stopping; 0 = off"),
      T::choice("loss", {"cross_entropy", "mse"}, &Settings::loss,
             "training loss: cross-entropy, or squared error between softmax and one-hot"),
      T::choice("softmax", {"full", "hierarchical", "sampled"}, &Settings::softmax,
             "training's output layer: the full softmax, a hierarchical softmax over a Huffman tree of the word "
             "counts, or a softmax over a sample of words; perplexity is always exact"),
      T::number("samples", T::Type::Int, 1, 10000, &Settings::samples,
             "sampled softmax: words drawn per batch as the targets' competitors"),
      T::choice("schedule", {"constant", "linear", "cosine"}, &Settings::schedule,
             "learning rate over the run: constant, or decaying linearly or along a cosine to zero"),
      T::number("warmup", T::Type::Float, 0, 1000000, &Settings::warmup,
             "learning-rate warm-up: steps if 1 or more, else a fraction of all steps; 0 = none"),
      T::number("clip", T::Type::Float, 0, 1000, &Settings::clip, "largest gradient norm; 0 = no clipping"),
      T::number("weight_decay", T::Type::Float, 0, 1, &Settings::weight_decay,
             "shrinks weights each step (decoupled for Adam, L2 for SGD); 0 = off"),
      T::flag("direct", &Settings::direct, "direct connections from the context vectors to the output"),
      T::number("dropout", T::Type::Float, 0, 0.9, &Settings::dropout,
             "training only: share of context-vector and hidden values zeroed at random each step; 0 = off"),
      T::number("ngram_order", T::Type::Int, 2, 5, &Settings::ngram_order, "order of the Kneser-Ney n-gram yardstick"),
      T::nested("lowercase", T::Type::Bool, 0, 1, &Settings::tokenizer, &TokenizerOptions::lowercase,
                "fold upper case to lower case"),
      T::nested("keep_punctuation", T::Type::Bool, 0, 1, &Settings::tokenizer, &TokenizerOptions::keep_punctuation,
                "keep commas, quotes and the like as tokens"),
      T::nested("han_bigrams", T::Type::Bool, 0, 1, &Settings::tokenizer, &TokenizerOptions::han_bigrams, kHanBigramsHint),
  });
  return table;
}

}  // namespace

json settings_schema() { return table().schema(); }

Settings settings_from_json(const json& j) {
  Settings s = table().from_json(j);
  if (s.valid_fraction + s.test_fraction > 0.5f + 1e-6f)
    throw InputError("settings valid_fraction + test_fraction must be at most 0.5, so that at least half of the "
                     "sentences train; now " + T::format_number(s.valid_fraction + s.test_fraction));
  if (s.softmax != "full" && s.loss != "cross_entropy")
    throw InputError("setting loss " + s.loss + " needs softmax full: the " + s.softmax +
                     " softmax trains with cross-entropy only");
  if (s.softmax != "full" && s.direct)
    throw InputError("setting direct (connections to the logits) needs softmax full: the " + s.softmax +
                     " softmax has no logits to add them to");
  return s;
}

json settings_to_json(const Settings& s) { return table().to_json(s); }

void set_setting(Settings& s, const std::string& name, const std::string& text) { table().set_from_text(s, name, text); }

}  // namespace embplay
