// embplay: the command-line face of the core. Trains with the same settings (same names) as the
// page, saves models, and asks a saved model for neighbours and next-word predictions; trains
// word2vec, evaluates and converts word-vector files.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "encoder_io.h"
#include "encoder_trainer.h"
#include "evaluation.h"
#include "geometry.h"
#include "item2vec.h"
#include "recsys_eval.h"
#include "model_io.h"
#include "ngram.h"
#include "parallel.h"
#include "recommend.h"
#include "settings.h"
#include "suggested_settings.h"
#include "text_eval.h"
#include "trainer.h"
#include "vector_import.h"
#include "vectors_io.h"
#include "word2vec.h"
#include "workspace.h"

#ifndef EMBPLAY_EVAL_DIR
#define EMBPLAY_EVAL_DIR "tests/data/eval"
#endif

namespace {

using namespace embplay;
using nlohmann::json;

const char* kUsage = R"(embplay: train word embeddings with a next-word model (Bengio et al. 2003) or word2vec
(Mikolov et al. 2013), evaluate word vectors and convert them between formats

usage:
  embplay train --input FILE [--save MODEL.json] [--json] [--threads 1|2] [settings...]
  embplay train --train FILE --valid FILE --test FILE [--save MODEL.json] [--json] [--threads 1|2] [settings...]
  embplay neighbors (--model MODEL.json | --vectors FILE) --word WORD [--k 10] [--table input|output]
  embplay predict --model MODEL.json --context "WORD WORD" [--k 10]
  embplay word2vec --input FILE --save VECTORS [--format FORMAT] [--json] [word2vec options...]
  embplay eval --vectors FILE [--format FORMAT] [--metadata FILE] [--eval-dir DIR] [--max_words 30000] [--json]
  embplay convert --vectors IN [--format FORMAT] [--metadata FILE] --to FORMAT --out OUT [--max_words 200000]
  embplay recsys eval (--events CSV | --baskets FILE) [--items CSV] [--split last-item|last-invoice]
                      [--models popularity,knn,ease,item2vec,item2vec+knn] [--validation] [--ease_lambda auto|L]
                      [--knn_neighbours 0] [--json] [column flags] [item2vec options...]
  embplay recsys recommend (--events CSV | --baskets FILE) [--items CSV] --user USER [--k 10]
                      [--tuned_for last-invoice|last-item] [item2vec options...]
  embplay recsys similar (--events CSV | --baskets FILE) [--items CSV] --item ITEM [--k 10] [item2vec options...]
  embplay axes (--vectors FILE | --model MODEL.json) --x AXIS --y AXIS [--orthogonal yes|no]
               [--words "w1 w2 ..." | --top 30] [--json]
  embplay odd (--vectors FILE | --model MODEL.json) --words "w1 w2 w3 w4" [--json]
  embplay --help

--input is split by sentence (--valid-fraction, --test-fraction, --split); --train, --valid and
--test are used as they are. train prints progress and validation figures per epoch, then the kept
model's validation and test figures beside an interpolated Kneser-Ney n-gram model's (--ngram-order)
trained on the same training sentences and vocabulary. --threads 2 (the default) computes the big
matrix products on two threads, --threads 1 on one: the results are the same to the last bit. --seed
fixes the initial weights (embeddings
uniform in [-0.5, 0.5), W1, W2 and W3 Glorot-uniform, biases 0), the batch order and dropout masks.
With --json, one JSON object per line:
per epoch {"epoch", "train_loss", "lr", "tokens_per_sec", "valid_loss", "valid_perplexity",
"valid_accuracy", "valid_top5"}, then a last line {"epochs_trained", "best_epoch", "stopped_early",
"diverged", "train_seconds", "valid_...", "test_loss", "test_perplexity", "test_accuracy",
"test_top5", "ngram_order", "ngram_valid_perplexity", "ngram_test_perplexity", "mixture_weight",
"mixture_valid_perplexity", "mixture_test_perplexity"} (the mixture: weight * neural + (1 - weight) *
Kneser-Ney, the weight chosen on validation).

Defaults scale with the text: every setting not given as a flag takes the value chosen for the
text's size in tokens (the page's rule, measured in bench/README.md, "Defaults by text size"). The
next-word model: Adam, linear decay, min_count 3, max_vocab 8000, early stopping keeping the best
weights, and by tokens T: under 10,000 k 2, d 64, h 128, dropout 0.5, weight decay 0.1, lr 0.001,
batch 32, 100 epochs, patience 10; under 35,000 the same with lr 0.003, 25 epochs, patience 3;
under 300,000 k 3, d 128, dropout 0.3, 12 epochs; from 300,000 on
k 8, d 128, h 256, dropout 0.1, weight decay 0.05, lr 0.002, batch 128, 6 epochs, patience 2,
warm-up 0.02, clip 5. word2vec: sample 1e-3, epochs round(2,000,000 / T) within 5..50, min_count 3
under 10,000 tokens, else 5. train and word2vec print what they chose; the "default" below is the
value of a setting the rule does not choose. Under 10,000 tokens they say the text is small; word2vec
says when its vectors have collapsed (mean cosine over the 300 most frequent words above 0.9).

word2vec trains skip-gram or CBOW with negative sampling on one thread and saves the vectors of
its vocabulary (most frequent first); with --json, one JSON object per epoch:
{"epoch", "loss", "lr", "words_per_sec"}. Its options are listed below.

formats (--format, --to):
  glove         "word v1 ... vd" lines, no header
  word2vec      a "count dim" header line, then GloVe lines; fastText's .vec is the same (alias: vec)
  word2vec-bin  the word2vec binary format (alias: bin)
  tsv           TensorFlow Embedding Projector: numbers in FILE, words in its metadata file
                (--metadata; by default FILE with "vectors" replaced by "metadata", or FILE-metadata.tsv)
  auto          (reading only, the default) guessed from the first bytes
When saving, the default format comes from the name: .bin -> word2vec-bin, .tsv -> tsv, else word2vec.

eval reports analogy accuracy on the Google analogy questions by section (3CosAdd, the three
question words excluded, lowercased lookup; accuracy is over the questions whose words all have
vectors, and coverage says how many those are), and Spearman correlation on WordSim-353 and
SimLex-999 with coverage. The sets are read from --eval-dir (default: the repository's
tests/data/eval). --max_words keeps the file's first N words (1..200000), as word2vec's
compute-accuracy keeps 30000.

recsys reads events (a CSV with a header: user, item, and optionally time, basket, value and
name columns, found by their usual names or named with --user_column, --item_column,
--time_column, --basket_column, --value_column, --name_column; "none" ignores an optional one)
or baskets (one per line, items separated by spaces or commas). FILE "-" is standard input, so a
gzipped log reads as `zcat log.csv.gz | embplay recsys eval --events -`. --items names the items
(a CSV: item, name). Each user's events are ordered by time, ties by file order.
  eval ranks every item the user has not taken and reports HitRate@10 and NDCG@10 for popularity,
  item kNN (cosine of the items' user sets, a user's score the sum over their items), EASE (lambda
  chosen on the validation split unless given), item2vec and item2vec + item kNN (both scores
  standardised, kNN's times knn_weight), side by side. Splits: last-item holds
  out each user's last event (users with 2+ events whose last item is new to them); last-invoice
  holds out the last basket whole (users with 2+ baskets; its items new to the user are the
  targets; HitRate@10 is then the share of them in the top 10). --validation evaluates on the
  validation split instead (the same split applied again to the training histories), for tuning.
  item2vec starts from the options tuned on validation for the split (for recommend and similar:
  --tuned_for, last-invoice by default, the defaults listed below); options given change them.
  recommend lists a user's top items (none they already took), each with the item of theirs that
  led to it; similar lists the items bought together with an item (nearest item2vec vectors).
  item2vec starts from the options tuned on the validation split of Online Retail for the split
  (eval's --split; --tuned_for in recommend and similar, default last-invoice: the next basket);
  options given on the command line override them. The defaults listed below are the struct's.
axes places words on two semantic axes, as the page's "axes" projection: an axis is word pairs,
"he-she, man-woman" (the first word of each pair is the positive end), or two sets,
"{rich wealthy} - {poor needy}"; each side needs at least two different words. On unit-length
vectors, axis = mean(positive) - mean(negative), and a word's coordinate is its cosine with the
axis. y is made orthogonal to x (Gram-Schmidt) unless --orthogonal no. Prints each word's x and y,
for --words (spaces or commas) or the --top N words of the file or model.
odd finds the odd one out of 4 to 6 words: each word's cosine distance to the centroid of the
others (unit vectors); the farthest is the odd one.
)";

void print_table(const json& schema) {
  for (const auto& f : schema) {
    std::string range;
    if (f.contains("min")) range = " [" + f["min"].dump() + ".." + f["max"].dump() + "]";
    if (f.contains("choices")) {
      range = " [";
      for (const auto& c : f["choices"]) range += (range.size() > 2 ? "|" : "") + c.get<std::string>();
      range += "]";
    }
    std::string name = f["name"].get<std::string>();
    std::printf("  --%-18s %s%s (default %s)\n", name.c_str(), f["hint"].get<std::string>().c_str(), range.c_str(),
                f["default"].dump().c_str());
  }
}

const char* sentence_usage();  // the sentence tools' part, in their block below
const char* encoder_usage();   // the sentence encoder's, in its block below

void print_help() {
  std::cout << kUsage << "\ntrain settings (the same names as the page's; - and _ are interchangeable):\n";
  print_table(settings_schema());
  std::cout << "\nword2vec options (the same names as the page's):\n";
  print_table(word2vec_schema());
  std::cout << "\nitem2vec options (recsys):\n";
  print_table(item2vec_schema());
  std::cout << "\n" << sentence_usage();
  std::cout << "\n" << encoder_usage() << "\nencoder options (embplay encoder train):\n";
  print_table(encoder_schema());
}

// Flags as name -> value; boolean flags without a value ("--json") get "true".
struct Args {
  std::string command;
  std::map<std::string, std::string> flags;

  // Refuses any flag not in `known`, naming it.
  void allow_only(std::initializer_list<const char*> known) const {
    for (const auto& [name, value] : flags) {
      bool ok = false;
      for (const char* k : known) ok = ok || name == k;
      if (!ok) throw InputError("unknown flag for " + command + ": --" + name);
    }
  }
  bool has(const std::string& name) const { return flags.count(name) != 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
  }
  std::string require(const std::string& name) const {
    if (!has(name)) throw InputError(command + " needs --" + name);
    return get(name);
  }
};

Args parse_args(int argc, char** argv, const std::map<std::string, bool>& switches) {
  Args args;
  args.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) throw InputError("unexpected argument: " + arg);
    std::string name = arg.substr(2), value;
    const auto eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    for (auto& c : name)
      if (c == '-') c = '_';
    if (eq == std::string::npos) {
      if (switches.count(name) && switches.at(name)) value = "true";
      else if (i + 1 < argc) value = argv[++i];
      else throw InputError("--" + name + " needs a value");
    }
    args.flags[name] = value;
  }
  return args;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TrainedModel load_model(const std::string& path) {
  const json j = json::parse(read_file(path), nullptr, false);
  if (j.is_discarded()) throw InputError(path + " is not valid JSON");
  return model_from_json(j);
}

int positive(const Args& args, const std::string& name, int fallback) {
  const std::string text = args.get(name, std::to_string(fallback));
  int value = 0;
  try {
    value = std::stoi(text);
  } catch (...) {
  }
  if (value < 1 || value > 100000) throw InputError("--" + name + " must be a whole number from 1 to 100000");
  return value;
}

json evaluation_json(const Evaluation& ev, const std::string& prefix) {
  json j;
  j[prefix + "_loss"] = ev.examples ? json(ev.loss) : json();
  j[prefix + "_perplexity"] = ev.examples ? json(ev.perplexity) : json();
  j[prefix + "_accuracy"] = ev.examples ? json(ev.accuracy) : json();
  j[prefix + "_top5"] = ev.examples ? json(ev.top5) : json();
  return j;
}

// p(target | context) of every example under the trained model.
std::vector<double> target_probabilities(const NextWordModel& model, const Examples& ex) {
  std::vector<double> p(static_cast<size_t>(ex.size()));
  Activations act;
  const int k = ex.context;
  for (int64_t first = 0; first < ex.size(); first += 256) {
    const int n = static_cast<int>(std::min<int64_t>(256, ex.size() - first));
    model.forward(&ex.contexts[first * k], n, act);
    softmax_columns(act.logits);
    for (int b = 0; b < n; ++b) p[first + b] = act.logits(ex.targets[first + b], b);
  }
  return p;
}

std::vector<double> target_probabilities(const KneserNey& kn, const Examples& ex) {
  std::vector<double> p(static_cast<size_t>(ex.size()));
  for (int64_t i = 0; i < ex.size(); ++i) p[i] = kn.probability(&ex.contexts[i * ex.context], ex.context, ex.targets[i]);
  return p;
}

// Perplexity of the mixture lambda * neural + (1 - lambda) * n-gram.
double mixture_perplexity(const std::vector<double>& neural, const std::vector<double>& ngram, double lambda) {
  double nll = 0;
  for (size_t i = 0; i < neural.size(); ++i) nll -= std::log(lambda * neural[i] + (1 - lambda) * ngram[i]);
  return std::exp(nll / static_cast<double>(std::max<size_t>(neural.size(), 1)));
}

// The tokens of `text` as a run with these tokenizer options reads them.
int64_t tokens_in(const std::string& text, const TokenizerOptions& t) {
  return count_tokens(text, {{"lowercase", t.lowercase}, {"keep_punctuation", t.keep_punctuation}, {"han_bigrams", t.han_bigrams}})
      .at("tokens")
      .get<int64_t>();
}

// Says (not with --json) what the rule chose for a text of `tokens` tokens, and when it is too small.
void tell_suggestion(const json& suggested, int64_t tokens, bool as_json) {
  if (tokens < kSmallTextTokens)
    std::fprintf(stderr, "embplay: the text is small (%lld tokens, under %lld): expect noise for neighbours and a model little "
                 "better than an n-gram; a text of 50,000-100,000 tokens or more learns much more\n",
                 (long long)tokens, (long long)kSmallTextTokens);
  if (as_json) return;
  std::string said;
  for (const auto& [name, value] : suggested.items()) said += (said.empty() ? "" : ", ") + name + " " + value.dump();
  std::printf("for a text of %lld tokens, where no flag says otherwise: %s\n", (long long)tokens, said.c_str());
}

int train(const Args& args) {
  static const char* kFileFlags[] = {"input", "train", "valid", "test", "save", "json", "threads"};
  // The flags given, over the rule's settings for the text's size (which the tokenizer flags decide).
  const auto apply_flags = [&](Settings& s) {
    for (const auto& [name, value] : args.flags)
      if (std::find(std::begin(kFileFlags), std::end(kFileFlags), name) == std::end(kFileFlags)) set_setting(s, name, value);
  };
  Settings given;
  apply_flags(given);
  const bool as_json = args.has("json");
  // Two threads give the same bits as one (src/parallel.h), so the faster is the default.
  const int threads = positive(args, "threads", 2);
  if (threads > 2) throw InputError("--threads must be 1 or 2");
  parallel::set_threads(threads);

  std::string whole;
  SplitTexts texts;
  if (args.has("input")) {
    if (args.has("train") || args.has("valid") || args.has("test"))
      throw InputError("train takes either --input FILE (split by sentence) or --train FILE [--valid FILE] [--test FILE]");
    whole = read_file(args.get("input"));
  } else if (args.has("train")) {
    texts = {read_file(args.get("train")), args.has("valid") ? read_file(args.get("valid")) : "",
             args.has("test") ? read_file(args.get("test")) : ""};
  } else {
    throw InputError("train needs --input FILE, or --train FILE with --valid FILE and --test FILE");
  }
  const int64_t tokens = args.has("input") ? tokens_in(whole, given.tokenizer)
                                           : tokens_in(texts.train, given.tokenizer) + tokens_in(texts.valid, given.tokenizer) +
                                                 tokens_in(texts.test, given.tokenizer);
  const json suggested = suggested_settings("nextword", tokens);
  tell_suggestion(suggested, tokens, as_json);
  Settings settings = settings_from_json(suggested);
  apply_flags(settings);

  std::unique_ptr<Trainer> made = args.has("input") ? std::make_unique<Trainer>(whole, settings)
                                                    : std::make_unique<Trainer>(texts, settings);
  Trainer& trainer = *made;
  const TextStats& st = trainer.stats();
  if (!trainer.notice().empty()) std::fprintf(stderr, "embplay: %s\n", trainer.notice().c_str());
  if (!as_json)
    std::printf("%lld sentences, %lld tokens, %lld types, vocabulary %d, %lld training / %lld validation / %lld test examples\n",
                (long long)st.sentences, (long long)st.tokens, (long long)st.types, trainer.vocab().size(),
                (long long)st.train_examples, (long long)st.valid_examples, (long long)st.test_examples);

  const auto start = std::chrono::steady_clock::now();
  int64_t examples_done = 0;
  for (;;) {
    const Progress p = trainer.step(trainer.settings().batch * 64);
    if (p.diverged) {
      std::fprintf(stderr, "training diverged at step %lld (loss %g): try a smaller --lr; the last good model is kept\n",
                   (long long)p.step, p.last_batch_loss);
      break;
    }
    if (!p.epoch_end) continue;
    examples_done += p.epoch_size;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // With early stopping the trainer scored this epoch's weights already (before any restore).
    const Evaluation ev = p.valid.examples ? p.valid : trainer.evaluate();
    const double rate = examples_done / std::max(seconds, 1e-9);
    if (as_json) {
      json line = {{"epoch", p.epoch}, {"train_loss", p.train_loss}, {"tokens_per_sec", rate}, {"lr", p.lr}};
      line.update(evaluation_json(ev, "valid"));
      std::cout << line.dump() << std::endl;
    } else if (ev.examples) {
      std::printf("epoch %d/%d  train loss %.4f  valid loss %.4f  ppl %.2f  acc %.1f%%  top-5 %.1f%%  lr %.3g  %.0f tokens/s\n",
                  p.epoch, trainer.settings().epochs, p.train_loss, ev.loss, ev.perplexity, 100 * ev.accuracy,
                  100 * ev.top5, p.lr, rate);
    } else {
      std::printf("epoch %d/%d  train loss %.4f  (nothing held out)  lr %.3g  %.0f tokens/s\n", p.epoch,
                  trainer.settings().epochs, p.train_loss, p.lr, rate);
    }
    std::fflush(stdout);  // progress shows through a pipe too
    if (p.finished) break;
  }
  const double train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // The final report: the kept model on validation and test, and the Kneser-Ney yardstick beside it.
  const Progress& p = trainer.progress();
  const Evaluation valid = trainer.evaluate(), test = trainer.evaluate_test();
  const int order = trainer.settings().ngram_order;
  const KneserNey kn(trainer.sentences().train, trainer.vocab().size(), order);
  const Examples kn_valid_ex = make_examples(trainer.sentences().valid, order - 1);
  const Examples kn_test_ex = make_examples(trainer.sentences().test, order - 1);
  const double kn_valid = kn.perplexity(kn_valid_ex), kn_test = kn.perplexity(kn_test_ex);
  // Bengio et al.'s mixture: neural and n-gram probabilities averaged with a weight chosen on
  // validation (a grid of 0.05 steps). Both example lists follow the same tokens in the same order.
  double lambda = 1, mix_valid = 0, mix_test = 0;
  if (valid.examples) {
    const auto nn_v = target_probabilities(trainer.model(), trainer.valid_examples());
    const auto kn_v = target_probabilities(kn, kn_valid_ex);
    mix_valid = 1e300;
    for (int i = 0; i <= 20; ++i) {
      const double ppl = mixture_perplexity(nn_v, kn_v, i / 20.0);
      if (ppl < mix_valid) mix_valid = ppl, lambda = i / 20.0;
    }
    if (test.examples)
      mix_test = mixture_perplexity(target_probabilities(trainer.model(), trainer.test_examples()),
                                    target_probabilities(kn, kn_test_ex), lambda);
  }
  if (as_json) {
    json line = {{"epochs_trained", p.epoch}, {"best_epoch", p.best_epoch ? json(p.best_epoch) : json()},
                 {"stopped_early", p.stopped_early}, {"diverged", p.diverged}, {"train_seconds", train_seconds}};
    line.update(evaluation_json(valid, "valid"));
    line.update(evaluation_json(test, "test"));
    line["ngram_order"] = order;
    line["ngram_valid_perplexity"] = valid.examples ? json(kn_valid) : json();
    line["ngram_test_perplexity"] = test.examples ? json(kn_test) : json();
    line["mixture_weight"] = valid.examples ? json(lambda) : json();
    line["mixture_valid_perplexity"] = valid.examples ? json(mix_valid) : json();
    line["mixture_test_perplexity"] = test.examples ? json(mix_test) : json();
    std::cout << line.dump() << std::endl;
  } else {
    if (p.stopped_early) std::printf("stopped early: no better validation perplexity since epoch %d\n", p.best_epoch);
    if (p.best_epoch) std::printf("kept the model of epoch %d (best validation perplexity)\n", p.best_epoch);
    auto report = [&](const char* name, const Evaluation& ev, double kn_ppl) {
      if (!ev.examples) return;
      std::printf("%-5s loss %.4f  ppl %.2f  acc %.1f%%  top-5 %.1f%%   Kneser-Ney %d-gram ppl %.2f\n", name, ev.loss,
                  ev.perplexity, 100 * ev.accuracy, 100 * ev.top5, order, kn_ppl);
    };
    report("valid", valid, kn_valid);
    report("test", test, kn_test);
    if (valid.examples && test.examples)
      std::printf("mixture %.2f neural + %.2f Kneser-Ney (weight chosen on validation): valid ppl %.2f  test ppl %.2f\n",
                  lambda, 1 - lambda, mix_valid, mix_test);
    std::printf("trained in %.1f s\n", train_seconds);
  }
  if (args.has("save")) {
    std::ofstream out(args.get("save"));
    out << model_to_json(trainer.trained()).dump();
    if (!out) throw InputError("cannot write " + args.get("save"));
    if (!as_json) std::printf("saved %s\n", args.get("save").c_str());
  }
  return trainer.progress().diverged ? 3 : 0;
}

void open_workspace(const Args& args, Workspace& ws);

// Through a Workspace, as the page asks: the word read and checked as the page reads it, and the
// output rows the same ones (none for opened vectors or a hierarchical softmax, with its message).
int neighbors(const Args& args) {
  args.allow_only({"model", "vectors", "format", "metadata", "max_words", "word", "k", "table"});
  Workspace ws;
  open_workspace(args, ws);
  const json r = ws.neighbors(args.require("word"), positive(args, "k", 10), "cosine", args.get("table", "input"));
  for (const json& n : r["neighbors"]) std::printf("%-20s %.4f\n", n["word"].get<std::string>().c_str(), n["similarity"].get<double>());
  return 0;
}

int predict(const Args& args) {
  args.allow_only({"model", "context", "k"});
  const TrainedModel m = load_model(args.require("model"));
  const std::vector<std::string> context = tokenize_words(args.get("context"), m.settings.tokenizer);
  for (const Prediction& p : predict_next(m, context, positive(args, "k", 10)))
    std::printf("%-20s %.4f\n", m.vocab.word(p.id).c_str(), p.probability);
  return 0;
}

// ---- word vectors ------------------------------------------------------------------------------

int int_flag(const Args& args, const std::string& name, int fallback) {
  if (!args.has(name)) return fallback;
  const std::string text = args.get(name);
  size_t used = 0;
  int value = 0;
  try {
    value = std::stoi(text, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != text.size()) throw InputError("--" + name + " must be a whole number, got \"" + text + "\"");
  return value;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The Projector's pair: vectors.tsv beside metadata.tsv.
std::string metadata_path(const Args& args, const std::string& vectors_path) {
  if (args.has("metadata")) return args.get("metadata");
  const size_t slash = vectors_path.find_last_of('/');
  const size_t name_at = slash == std::string::npos ? 0 : slash + 1;
  const size_t at = vectors_path.rfind("vectors");
  if (at != std::string::npos && at >= name_at) return vectors_path.substr(0, at) + "metadata" + vectors_path.substr(at + 7);
  return (ends_with(vectors_path, ".tsv") ? vectors_path.substr(0, vectors_path.size() - 4) : vectors_path) +
         "-metadata.tsv";
}

VectorFormat save_format(const Args& args, const std::string& flag, const std::string& path) {
  if (args.has(flag)) return parse_vector_format(args.get(flag));
  if (ends_with(path, ".bin")) return VectorFormat::kWord2VecBinary;
  if (ends_with(path, ".tsv")) return VectorFormat::kTsv;
  return VectorFormat::kWord2VecText;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw InputError("cannot write " + path);
}

// Writes vectors (and, for TSV, the metadata file beside them); returns what was written.
std::string save_vectors(const Args& args, const WordVectors& v, VectorFormat format, const std::string& path) {
  write_file(path, write_vectors(v, format));
  if (format != VectorFormat::kTsv) return path;
  const std::string meta = metadata_path(args, path);
  write_file(meta, write_tsv_metadata(v));
  return path + " and " + meta;
}

// Streams a vectors file through the page's import in 4 MB chunks, as the page's worker does.
WordVectors load_vectors(const Args& args, int max_words, VectorFormat* format_out = nullptr) {
  const std::string path = args.require("vectors");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path);
  VectorImport import(args.get("format", "auto"), max_words);
  try {
    std::vector<char> chunk(size_t{4} << 20);
    size_t got = 0;
    do {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      got = static_cast<size_t>(in.gcount());
    } while (got > 0 && import.feed(chunk.data(), got));
    if (got > 0 && in.peek() != EOF) import.feed("x", 1);  // more left: marks the report truncated
    if (import.format() == VectorFormat::kTsv) {
      const std::string meta = metadata_path(args, path);
      import.set_metadata(read_file(meta), meta);
    }
    ImportedFile file = import.finish();
    const ReadReport& report = file.report;
    WordVectors& v = file.vectors;
    if (format_out) *format_out = file.format;
    if (report.duplicates > 0)
      std::fprintf(stderr, "embplay: note: %lld duplicate words dropped (the first kept), e.g. \"%s\"\n",
                   (long long)report.duplicates, report.first_duplicate.c_str());
    if (report.truncated)
      std::fprintf(stderr, "embplay: note: kept the first %lld words of %s (--max_words)\n",
                   (long long)v.vectors.rows(), path.c_str());
    return std::move(v);
  } catch (const InputError& e) {
    const std::string what = e.what();
    if (what.rfind("metadata", 0) == 0 || what.rfind(path, 0) == 0) throw;
    throw InputError(path + ": " + what);
  }
}

int word2vec(const Args& args) {
  // The flags given, over the rule's options for the text's size (which the tokenizer flags decide).
  const auto apply_flags = [&](Word2VecOptions& o) {
    for (const auto& [name, value] : args.flags)
      if (name != "input" && name != "save" && name != "format" && name != "json" && name != "metadata")
        set_word2vec_option(o, name, value);
  };
  Word2VecOptions given;
  apply_flags(given);
  const std::string save = args.require("save");
  const VectorFormat format = save_format(args, "format", save);
  const bool as_json = args.has("json");

  const std::string text = read_file(args.require("input"));
  const int64_t tokens = tokens_in(text, given.tokenizer);
  const json suggested = suggested_settings("word2vec", tokens);
  tell_suggestion(suggested, tokens, as_json);
  Word2VecOptions o = word2vec_options_from_json(suggested);
  apply_flags(o);

  Word2VecTrainer trainer(text, o);
  const Word2VecStats& st = trainer.stats();
  if (!as_json)
    std::printf("%lld sentences, %lld tokens, %lld types, vocabulary %d (min_count %d), %lld words per epoch\n",
                (long long)st.sentences, (long long)st.tokens, (long long)st.types, trainer.vocab().size() - 2,
                o.min_count, (long long)st.train_words);
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    const Word2VecProgress p = trainer.step(1000000);
    if (!p.epoch_end) continue;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = double(p.words_processed) / std::max(seconds, 1e-9);
    if (as_json)
      std::cout << json{{"epoch", p.epoch}, {"loss", p.loss}, {"lr", p.lr}, {"words_per_sec", rate}}.dump() << std::endl;
    else
      std::printf("epoch %d/%d  loss %.4f  lr %.5f  %.0f words/s\n", p.epoch, o.epochs, p.loss, p.lr, rate);
    if (p.finished) break;
  }

  WordVectors v;  // every word but <pad> and <unk>, most frequent first
  const int32_t n = trainer.vocab().size() - 2;
  v.words.assign(trainer.vocab().words().begin() + 2, trainer.vocab().words().end());
  v.vectors = trainer.input().bottomRows(n);
  const double cosine = mean_pairwise_cosine(v.vectors.topRows(std::min<int32_t>(n, kCollapseWords)));
  if (cosine > kCollapsedCosine)
    std::fprintf(stderr, "embplay: the vectors have collapsed (mean cosine %.2f over the %d most frequent words: they all "
                 "point one way, so neighbours mean nothing); more text or more epochs help\n",
                 cosine, std::min<int32_t>(n, kCollapseWords));
  const std::string written = save_vectors(args, v, format, save);
  if (!as_json) std::printf("saved %d vectors as %s to %s\n", n, vector_format_name(format), written.c_str());
  return 0;
}

int eval(const Args& args) {
  args.allow_only({"vectors", "format", "metadata", "eval_dir", "max_words", "json"});
  const int max_words = int_flag(args, "max_words", 30000);
  VectorFormat format;
  const WordVectors v = load_vectors(args, max_words, &format);
  const std::string dir = args.get("eval_dir", EMBPLAY_EVAL_DIR);
  const auto analogies = read_analogies(read_file(dir + "/questions-words.txt"));
  const auto wordsim = read_similarity(read_file(dir + "/wordsim353.tsv"));
  const auto simlex = read_similarity(read_file(dir + "/simlex999.txt"));

  const AnalogyResult a = evaluate_analogies(v.words, v.vectors, analogies);
  const SimilarityScore ws = evaluate_similarity(v.words, v.vectors, wordsim);
  const SimilarityScore sl = evaluate_similarity(v.words, v.vectors, simlex);
  if (args.has("json")) {
    json sections = json::array();
    for (const auto& s : a.sections) sections.push_back(to_json(s));
    const json out = {{"vectors", args.get("vectors")},
                      {"format", vector_format_name(format)},
                      {"words", v.words.size()},
                      {"dim", v.vectors.cols()},
                      {"analogies",
                       {{"sections", sections},
                        {"semantic", to_json(a.semantic)},
                        {"syntactic", to_json(a.syntactic)},
                        {"all", to_json(a.all)}}},
                      {"wordsim353", to_json(ws)},
                      {"simlex999", to_json(sl)}};
    std::cout << out.dump(2) << std::endl;
    return 0;
  }
  std::printf("%s: %s, %zu words, dimension %lld\n\n", args.get("vectors").c_str(), vector_format_name(format),
              v.words.size(), (long long)v.vectors.cols());
  std::printf("analogies (3CosAdd)          accuracy   correct/covered   coverage\n");
  const auto row = [](const AnalogyScore& s) {
    std::printf("  %-26s %6.1f%%   %6lld/%-6lld      %5.1f%% of %lld\n", s.name.c_str(), 100 * s.accuracy(),
                (long long)s.correct, (long long)s.covered, 100 * s.coverage(), (long long)s.total);
  };
  for (const auto& s : a.sections) row(s);
  std::printf("\n");
  row(a.semantic);
  row(a.syntactic);
  row(a.all);
  std::printf("\nword similarity              Spearman   coverage\n");
  const auto sim = [](const char* name, const SimilarityScore& s) {
    std::printf("  %-26s %8.3f   %5.1f%% (%lld/%lld pairs)\n", name, s.spearman, 100 * s.coverage(),
                (long long)s.covered, (long long)s.total);
  };
  sim("WordSim-353", ws);
  sim("SimLex-999", sl);
  return 0;
}

int convert(const Args& args) {
  args.allow_only({"vectors", "format", "metadata", "to", "out", "max_words"});
  const VectorFormat to = parse_vector_format(args.require("to"));
  const std::string out = args.require("out");
  const WordVectors v = load_vectors(args, int_flag(args, "max_words", kMaxMaxWords));
  Args out_args = args;
  out_args.flags.erase("metadata");  // that names the input's metadata, not the output's
  const std::string written = save_vectors(out_args, v, to, out);
  std::printf("wrote %zu vectors of dimension %lld as %s to %s\n", v.words.size(), (long long)v.vectors.cols(),
              vector_format_name(to), written.c_str());
  return 0;
}

// ---- recommendations (recsys) ------------------------------------------------------------------

std::string read_input(const std::string& path) {
  if (path != "-") return read_file(path);
  std::ostringstream text;
  text << std::cin.rdbuf();
  return text.str();
}

// The events or baskets, with item names; errors name the file.
InteractionLog load_log(const Args& args) {
  const auto named = [](const std::string& path, auto read) {
    try {
      return read();
    } catch (const InputError& e) {
      throw InputError(path + ": " + e.what());
    }
  };
  InteractionLog log;
  if (args.has("events") == args.has("baskets")) throw InputError(args.command + " needs --events CSV or --baskets FILE");
  if (args.has("events")) {
    EventColumns c;
    c.user = args.get("user_column"), c.item = args.get("item_column"), c.time = args.get("time_column");
    c.basket = args.get("basket_column"), c.value = args.get("value_column"), c.name = args.get("name_column");
    const std::string path = args.get("events");
    log = named(path, [&] { return read_events(read_input(path), c); });
  } else {
    const std::string path = args.get("baskets");
    log = named(path, [&] { return read_baskets(read_input(path)); });
  }
  if (args.has("items")) {
    const std::string path = args.get("items");
    named(path, [&] { return read_item_names(read_file(path), log); });
  }
  return log;
}

const char* const kRecsysFlags[] = {"events", "baskets", "items", "user_column", "item_column", "time_column",
                                    "basket_column", "value_column", "name_column", "split", "models",
                                    "validation", "ease_lambda", "knn_neighbours", "json", "user", "item", "k",
                                    "tuned_for"};

// The item2vec options given on the command line, as {name: value}.
json item2vec_flags(const Args& args) {
  Item2VecOptions o;
  json changes = json::object();
  for (const auto& [name, value] : args.flags)
    if (std::find(std::begin(kRecsysFlags), std::end(kRecsysFlags), name) == std::end(kRecsysFlags)) {
      set_item2vec_option(o, name, value);
      changes[name] = item2vec_options_to_json(o)[name];
    }
  return changes;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string item_label(const InteractionLog& log, int32_t i) {
  const std::string& key = log.item_keys[i];
  const std::string& name = log.item_names[i];
  return name == key ? key : key + " " + name;
}

int recsys_eval(const Args& args) {
  RecsysEvalOptions options;
  options.splits = {parse_split_kind(args.get("split", "last-item"))};
  options.models = parse_recsys_models(args.get("models", "popularity,knn,ease,item2vec,item2vec+knn"));
  options.validation = args.has("validation");
  options.item2vec = item2vec_flags(args);
  options.knn_neighbours = int_flag(args, "knn_neighbours", 0);
  if (args.get("ease_lambda", "auto") != "auto") options.ease_lambda = std::atof(args.get("ease_lambda").c_str());
  const InteractionLog log = load_log(args);
  RecsysEvaluation job(log, options);
  const SplitKind kind = options.splits[0];
  const HoldOut& split = *job.split(kind);
  const bool as_json = args.has("json");
  if (!as_json) {
    std::printf("%lld events, %d users, %d items; %s split%s: %lld users evaluated (%lld with too few %s, %lld with nothing new held out)\n",
                (long long)log.events, log.user_count(), log.item_count(), split_kind_name(kind),
                options.validation ? " (validation)" : "", (long long)split.cases.size(), (long long)split.skipped_short,
                kind == SplitKind::kLastItem ? "events" : "baskets", (long long)split.skipped_repeat);
    std::fflush(stdout);
  }
  while (!job.done()) {
    job.step(1.0);
    if (as_json) continue;
    for (const RecsysEvalRow& r : job.take_new_rows()) {
      std::printf("  %-28s HR@10 %5.2f%%  NDCG@10 %5.2f%%  (%.1f s", r.label.c_str(), 100 * r.metrics.hit_rate,
                  100 * r.metrics.ndcg, r.seconds);
      if (r.details.contains("lambda")) std::printf(", lambda %g", r.details["lambda"].get<double>());
      std::printf(")\n");
      std::fflush(stdout);
    }
  }
  if (as_json) {
    json out = job.to_json();
    out.erase("stage"), out.erase("fraction"), out.erase("done");
    out["validation"] = options.validation;
    out["users"] = log.user_count(), out["items"] = log.item_count(), out["events"] = log.events;
    std::cout << out.dump() << std::endl;
  }
  return 0;
}

int recsys_recommend(const Args& args) {
  const Item2VecOptions o = tuned_item2vec_options(parse_split_kind(args.get("tuned_for", "last-invoice")), item2vec_flags(args));
  const InteractionLog log = load_log(args);
  const int32_t user = log.user(args.require("user"));
  const int k = positive(args, "k", 10);
  const auto model = item2vec_recommender(std::make_shared<Item2Vec>(train_item2vec(log.users, log.item_keys, o)), o,
                                          log.users, log.item_count());
  const History& h = log.users[user];
  std::printf("user %s: %d items in %d baskets; top %d of the items they have not taken (%s)\n",
              log.user_keys[user].c_str(), h.size(), h.baskets(), k, model->name().c_str());
  int rank = 0;
  for (const Recommendation& r : recommend(*model, h, log.item_count(), k))
    std::printf("%2d. %-50s %.4f  because of %s\n", ++rank, item_label(log, r.item).c_str(), r.score,
                r.because < 0 ? "its popularity" : item_label(log, r.because).c_str());
  return 0;
}

int recsys_similar(const Args& args) {
  const Item2VecOptions o = tuned_item2vec_options(parse_split_kind(args.get("tuned_for", "last-invoice")), item2vec_flags(args));
  const InteractionLog log = load_log(args);
  const int32_t item = log.item(args.require("item"));
  const Item2Vec model = train_item2vec(log.users, log.item_keys, o);
  std::printf("bought together with %s (item2vec, cosine):\n", item_label(log, item).c_str());
  for (const auto& [id, cosine] : model.similar(item, positive(args, "k", 10)))
    std::printf("  %-50s %.4f\n", item_label(log, id).c_str(), cosine);
  return 0;
}

int recsys(int argc, char** argv) {
  if (argc < 3) throw InputError("recsys needs a command: eval, recommend or similar (see --help)");
  Args args = parse_args(argc - 1, argv + 1, {{"json", true}, {"validation", true}});
  const std::string sub = args.command;
  args.command = "recsys " + sub;
  if (sub == "eval") return recsys_eval(args);
  if (sub == "recommend") return recsys_recommend(args);
  if (sub == "similar") return recsys_similar(args);
  throw InputError("unknown recsys command: " + sub + " (eval, recommend or similar)");
}

// ---- geometry a teacher can point at: semantic axes and the odd one out, as the page asks them ----

// `ws` holds --vectors FILE or --model MODEL.json, as the page's workspace holds what it opened, so
// the words are read and checked exactly as the page reads and checks them.
void open_workspace(const Args& args, Workspace& ws) {
  if (args.has("model") == args.has("vectors")) throw InputError(args.command + " needs --vectors FILE or --model MODEL.json");
  if (args.has("model")) {
    const json j = json::parse(read_file(args.get("model")), nullptr, false);
    if (j.is_discarded()) throw InputError(args.get("model") + " is not valid JSON");
    ws.load_model(j);
    return;
  }
  VectorFormat format = VectorFormat::kGlove;
  WordVectors v = load_vectors(args, int_flag(args, "max_words", kMaxMaxWords), &format);
  ws.open_vectors(std::move(v), vector_format_name(format));
}

int axes_command(const Args& args) {
  args.allow_only({"vectors", "model", "format", "metadata", "max_words", "x", "y", "orthogonal", "words", "top", "json"});
  const std::string orthogonal = args.get("orthogonal", "yes");
  if (orthogonal != "yes" && orthogonal != "no") throw InputError("--orthogonal must be yes or no");
  Workspace ws;
  open_workspace(args, ws);
  const WordSelection selection = args.has("words") ? ws.words_named(args.get("words")) : WordSelection::top(positive(args, "top", 30));
  const AxesReply r = ws.axes(selection, args.require("x"), args.require("y"), orthogonal == "yes");
  const json words = ws.words(selection)["words"];
  if (args.has("json")) {
    json rows = json::array();
    for (size_t i = 0; i < words.size(); ++i) rows.push_back({{"word", words[i]}, {"x", r.coords(i, 0)}, {"y", r.coords(i, 1)}});
    std::cout << json{{"axes", r.axes}, {"words", rows}}.dump(2) << std::endl;
    return 0;
  }
  for (const char* name : {"x", "y"}) {
    const json& a = r.axes[name];
    std::printf("%s: <- %s  |  %s ->\n", name, a["label_negative"].get<std::string>().c_str(), a["label_positive"].get<std::string>().c_str());
  }
  std::printf(r.axes["orthogonal"].get<bool>() ? "y is made orthogonal to x (the axes as written: cosine %.3f)\n"
                                               : "y is kept as written (cosine with x %.3f)\n",
              r.axes["cosine"].get<double>());
  std::printf("%-20s %8s %8s\n", "word", "x", "y");
  for (size_t i = 0; i < words.size(); ++i)
    std::printf("%-20s %8.4f %8.4f\n", words[i].get<std::string>().c_str(), r.coords(i, 0), r.coords(i, 1));
  return 0;
}

int odd_command(const Args& args) {
  args.allow_only({"vectors", "model", "format", "metadata", "max_words", "words", "json"});
  Workspace ws;
  open_workspace(args, ws);
  const json r = ws.odd_one_out(args.require("words"));
  if (args.has("json")) {
    std::cout << r.dump(2) << std::endl;
    return 0;
  }
  std::printf("%-20s %s\n", "word", "distance to the others' centroid (1 - cosine)");
  for (size_t i = 0; i < r["words"].size(); ++i)
    std::printf("%-20s %.4f%s\n", r["words"][i].get<std::string>().c_str(), r["distances"][i].get<double>(),
                static_cast<int>(i) == r["odd_index"].get<int>() ? "   <- the odd one out" : "");
  return 0;
}

// ---- sentences, paragraphs and documents: pooled embeddings, search, STS and retrieval (issue 13) ----

const char* sentence_usage() {
  return R"(sentence tools (pooled word vectors over units of text):
  embplay units --input FILE [unit options] [--vectors FILE | --model MODEL.json] [pooling options]
                [--clusters K] [--nearest UNIT] [--show 10] [--json]
  embplay search --input FILE [unit options] (--vectors FILE | --model MODEL.json) --query "..."
                 [--method all|embedding|bm25|hybrid] [pooling and search options] [--json]
  embplay compare (--vectors FILE | --model MODEL.json) --a "SENTENCE" --b "SENTENCE" [pooling options]
  embplay sts (--vectors FILE | --model MODEL.json) [--split test] [--sts_dir DIR] [--components N]
              [--tune_split dev] [--json]
  embplay ir (--vectors FILE | --model MODEL.json) [--collection DIR] [pooling and search options] [--tune] [--json]

unit options: --units sentences|paragraphs|lines|jsonl|csv (default paragraphs: split at blank lines;
  lines, jsonl and csv read a documents file), --field text (jsonl: the text field), --id_field id,
  --column 1 (csv: header name or 1-based number), --id_column NAME, --no_header (csv).
pooling options: --pooling mean|max|mean+max|sif|idf (default sif: mean with SIF weights a/(a+p(w)),
  p(w) from the units' own counts, first principal component removed), --sif_a 0.001,
  --components N (principal components removed), --stopwords (leave out English stopwords),
  --unit_words (word vectors scaled to length 1 before pooling).
search options: --k 10, --keep_stopwords (the query's stopwords count), --k1 1.2 --b 0.75 (BM25),
  --fusion zscore|minmax|rrf --weight 0.3 (the embedding's share) --rrf_k 60 (the hybrid).
Vector files keep their first --max_words words (default 200000). sts reads sts-<split>.tsv from
--sts_dir (default the repository's tests/data/sts, which ships the test split); --tune_split dev
chooses a pooling, and its blend weight with TF-IDF, on sts-dev.tsv and reports them on --split.
ir reads documents.jsonl, queries.jsonl and qrels.tsv from --collection (default the repository's
tests/data/ir/cranfield); --tune chooses the hybrid's fusion and weight on the odd-numbered query
ids and reports them on the even-numbered ones.
)";
}

// The word vectors the sentence commands pool: a vectors file (--vectors), with the page's zero
// <pad> and <unk> rows in front, or a next-word model (--model) with its tokenizer.
struct LoadedTable {
  Vocab vocab;             // (V): <pad>, <unk>, then the words
  RowMatrix table;         // (V, d): rows 0 and 1 zero for a file
  TokenizerOptions tokenizer;
  bool has_tokenizer = false;  // a model reads words with its own options; a file has none
  WordTable view() const { return WordTable{&vocab, &table, has_tokenizer ? &tokenizer : nullptr}; }
};

LoadedTable load_table(const Args& args) {
  LoadedTable t;
  if (args.has("model") == args.has("vectors")) throw InputError(args.command + " needs --vectors FILE or --model MODEL.json");
  if (args.has("model")) {
    TrainedModel m = load_model(args.get("model"));
    t.vocab = std::move(m.vocab);
    t.table = std::move(m.model.embed);
    t.tokenizer = m.settings.tokenizer;
    t.has_tokenizer = true;
    return t;
  }
  VectorTable file = with_reserved_rows(load_vectors(args, int_flag(args, "max_words", kMaxMaxWords)));
  t.vocab = std::move(file.vocab);
  t.table = std::move(file.table);
  return t;
}

float float_flag(const Args& args, const std::string& name, float fallback) {
  if (!args.has(name)) return fallback;
  const std::string text = args.get(name);
  char* end = nullptr;
  const float value = std::strtof(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value))
    throw InputError("--" + name + " must be a number, got \"" + text + "\"");
  return value;
}

PoolingOptions pooling_flags(const Args& args) {
  PoolingOptions o = pooling_preset(args.get("pooling", "sif"));
  o.sif_a = float_flag(args, "sif_a", o.sif_a);
  o.remove_components = int_flag(args, "components", o.remove_components);
  o.drop_stopwords = args.has("stopwords");
  o.unit_words = args.has("unit_words");
  validate(o);
  return o;
}

SearchOptions search_flags(const Args& args) {
  SearchOptions o;
  o.k = int_flag(args, "k", o.k);
  o.drop_stopwords = !args.has("keep_stopwords");
  o.bm25.k1 = float_flag(args, "k1", o.bm25.k1);
  o.bm25.b = float_flag(args, "b", o.bm25.b);
  if (args.has("fusion")) o.fusion = parse_fusion(args.get("fusion"));
  o.weight = float_flag(args, "weight", o.weight);
  o.rrf_k = int_flag(args, "rrf_k", o.rrf_k);
  validate(o);
  return o;
}

UnitOptions unit_flags(const Args& args) {
  UnitOptions o;
  o.kind = parse_unit_kind(args.get("units", "paragraphs"));
  o.field = args.get("field", o.field);
  o.id_field = args.get("id_field", o.id_field);
  o.column = args.get("column", o.column);
  o.id_column = args.get("id_column", o.id_column);
  o.header = !args.has("no_header");
  return o;
}

Units read_units(const Args& args) {
  const std::string path = args.require("input");
  try {
    return split_units(read_file(path), unit_flags(args));
  } catch (const InputError& e) {
    throw InputError(path + ": " + e.what());
  }
}

// The unit's text on one line, at most about `width` bytes (cut at a character), with `marks`
// (sorted spans inside it) shown in [brackets].
std::string snippet(std::string_view text, const std::vector<Span>& marks, size_t width = 160) {
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (out.size() >= width && (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) return out + "...";
    if (next < marks.size() && marks[next].begin == i) out += '[';
    const char c = text[i];
    out += (c == '\n' || c == '\t' || c == '\r') ? ' ' : c;
    if (next < marks.size() && marks[next].end == i + 1) out += ']', ++next;
  }
  return out;
}

std::string joined(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
  return s;
}

int units_command(const Args& args) {
  args.allow_only({"input", "units", "field", "id_field", "column", "id_column", "no_header", "vectors", "model", "format",
                   "metadata", "max_words", "pooling", "sif_a", "components", "stopwords", "unit_words", "clusters", "nearest", "show",
                   "seed", "json"});
  const auto start = std::chrono::steady_clock::now();
  const Units units = read_units(args);
  const bool with_vectors = args.has("vectors") || args.has("model"), as_json = args.has("json");
  LoadedTable t;
  if (with_vectors) t = load_table(args);
  const TextIndex index = build_text_index(units, with_vectors ? t.view().reading() : TokenizerOptions{});
  const int show = std::min<int>(int_flag(args, "show", 10), static_cast<int>(units.size()));
  json out = {{"units", units.size()}, {"kind", args.get("units", "paragraphs")}, {"tokens", index.tokens()}, {"terms", index.terms()}};
  auto unit_json = [&](int32_t i) {
    return json{{"unit", i}, {"id", units.id(i)}, {"line", units.lines[i]}, {"words", index.length(i)}, {"text", std::string(units.unit(i))}};
  };
  if (!as_json)
    std::printf("%zu %s (#number, then the document id or source line), %lld tokens, %d distinct words\n", units.size(),
                args.get("units", "paragraphs").c_str(), (long long)index.tokens(), index.terms());
  if (!with_vectors) {
    for (int i = 0; i < show; ++i) {
      if (as_json) out["shown"].push_back(unit_json(i));
      else std::printf("  #%-5d %-6s %4d words  %s\n", i, units.id(i).c_str(), index.length(i), snippet(units.unit(i), {}, 100).c_str());
    }
    if (as_json) std::cout << out.dump(2) << std::endl;
    return 0;
  }
  const Pooler pooler(index, t.view(), pooling_flags(args));
  const UnitEmbeddings e = embed_units(pooler);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out["pooling"] = describe(pooler.options());
  out["with_vector"] = e.with_vectors();
  if (!as_json)
    std::printf("pooled (%s, %d values each) in %.2f s; %d units have a vector, %d have none\n",
                describe(pooler.options()).c_str(), pooler.dim(), seconds, e.with_vectors(), e.size() - e.with_vectors());
  for (int i = 0; i < show; ++i) {
    json u = unit_json(i);
    u["known"] = e.known[i];
    u["counted"] = e.words[i];
    if (as_json) out["shown"].push_back(u);
    else std::printf("  #%-5d %-6s coverage %3d/%-3d  %s\n", i, units.id(i).c_str(), e.known[i], e.words[i], snippet(units.unit(i), {}, 100).c_str());
  }
  if (args.has("nearest")) {
    const int unit = int_flag(args, "nearest", 0);
    const std::vector<Hit> near = nearest_units(e, unit, std::max(show, 1));
    if (!as_json) std::printf("\nnearest to #%d: %s\n", unit, snippet(units.unit(static_cast<size_t>(unit)), {}, 100).c_str());
    for (const Hit& h : near) {
      if (as_json) out["nearest"].push_back({{"unit", h.unit}, {"id", units.id(h.unit)}, {"cosine", h.score}});
      else std::printf("  %.4f  #%-5d %-6s %s\n", h.score, h.unit, units.id(h.unit).c_str(), snippet(units.unit(h.unit), {}, 100).c_str());
    }
  }
  if (args.has("clusters")) {
    KMeansOptions ko;
    ko.k = int_flag(args, "clusters", 4);
    ko.seed = static_cast<uint64_t>(int_flag(args, "seed", 1));
    ko.central = 3;
    const UnitClusters c = cluster_units(index, e, ko);
    for (int j = 0; j < ko.k; ++j) {
      if (as_json) {
        out["clusters"].push_back({{"size", c.sizes[j]}, {"labels", c.labels[j]}, {"central", c.central[j]}});
        continue;
      }
      std::printf("\ncluster %d (%d units): %s\n", j, c.sizes[j], joined(c.labels[j]).c_str());
      for (int32_t u : c.central[j]) std::printf("    %s\n", snippet(units.unit(u), {}, 100).c_str());
    }
  }
  if (as_json) std::cout << out.dump(2) << std::endl;
  return 0;
}

int search_command(const Args& args) {
  args.allow_only({"input", "units", "field", "id_field", "column", "id_column", "no_header", "vectors", "model", "format",
                   "metadata", "max_words", "pooling", "sif_a", "components", "stopwords", "unit_words", "query", "method", "k",
                   "keep_stopwords", "k1", "b", "fusion", "weight", "rrf_k", "json"});
  const Units units = read_units(args);
  const LoadedTable t = load_table(args);
  const auto start = std::chrono::steady_clock::now();
  const TextIndex index = build_text_index(units, t.view().reading());
  const Pooler pooler(index, t.view(), pooling_flags(args));
  const UnitEmbeddings e = embed_units(pooler);
  const double index_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  UnitSearch search(index, pooler, e);
  const SearchOptions o = search_flags(args);
  const std::string query = args.require("query");
  const std::string which = args.get("method", "all");
  std::vector<SearchMethod> methods;
  if (which == "all") methods = {SearchMethod::kEmbedding, SearchMethod::kBm25, SearchMethod::kHybrid};
  else methods = {parse_search_method(which)};
  const bool as_json = args.has("json");
  if (!as_json) std::printf("%zu units indexed and pooled (%s) in %.2f s\n", units.size(), describe(pooler.options()).c_str(), index_seconds);
  json out = json::array();
  int failed = 0;
  for (SearchMethod m : methods) {
    try {
      const auto t0 = std::chrono::steady_clock::now();
      const SearchResult r = search.search(query, m, o);
      const double ms = 1000 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (as_json) {
        json hits = json::array();
        for (const Hit& h : r.hits)
          hits.push_back({{"unit", h.unit}, {"id", units.id(h.unit)}, {"line", units.lines[h.unit]}, {"score", h.score},
                          {"embedding", h.embedding}, {"bm25", h.bm25}, {"matched", h.matched}});
        out.push_back({{"method", search_method_name(m)}, {"hits", hits}, {"words", r.words}, {"stopwords", r.stopwords},
                       {"no_vector", r.no_vector}, {"no_unit", r.no_unit}, {"notice", r.notice}, {"ms", ms}});
        continue;
      }
      std::printf("\n== %s (%.1f ms)%s%s\n", search_method_name(m), ms, r.notice.empty() ? "" : ": ", r.notice.c_str());
      if (!r.stopwords.empty()) std::printf("   stopwords set aside: %s\n", joined(r.stopwords).c_str());
      if (!r.no_vector.empty() && m != SearchMethod::kBm25) std::printf("   no vector for: %s\n", joined(r.no_vector).c_str());
      std::printf("   %-8s %-8s %-8s %-6s text\n", "score", "cosine", "bm25", "id");
      for (const Hit& h : r.hits)
        std::printf("   %-8.4f %-8.4f %-8.3f %-6s %s\n", h.score, h.embedding, h.bm25, units.id(h.unit).c_str(),
                    snippet(units.unit(h.unit), find_words(units.unit(h.unit), h.matched, index.tokenizer())).c_str());
    } catch (const InputError& err) {
      ++failed;
      if (as_json) out.push_back({{"method", search_method_name(m)}, {"error", err.what()}});
      else std::printf("\n== %s: %s\n", search_method_name(m), err.what());
    }
  }
  if (as_json) std::cout << out.dump(2) << std::endl;
  return failed == static_cast<int>(methods.size()) ? 2 : 0;
}

int compare_command(const Args& args) {
  args.allow_only({"vectors", "model", "format", "metadata", "max_words", "pooling", "sif_a", "components", "stopwords", "unit_words", "a", "b", "json"});
  const LoadedTable t = load_table(args);
  PoolingOptions po = pooling_flags(args);
  const Comparison c = compare_pair(t.view(), po, args.require("a"), args.require("b"));
  po.remove_components = 0;  // as compare_pair pools them, for the report
  auto list = [](const std::vector<WordContribution>& words) {
    json j = json::array();
    for (const auto& w : words) j.push_back({{"word", w.word}, {"contribution", w.contribution}, {"count", w.count}});
    return j;
  };
  if (args.has("json")) {
    std::cout << json{{"cosine", c.cosine}, {"pooling", describe(po)}, {"a", list(c.a)}, {"b", list(c.b)},
                      {"a_unknown", c.a_unknown}, {"b_unknown", c.b_unknown}}.dump(2) << std::endl;
    return 0;
  }
  std::printf("cosine %.4f (%s); each word's share of it (the shares of one sentence sum to the cosine):\n", c.cosine, describe(po).c_str());
  for (const auto* side : {&c.a, &c.b}) {
    std::printf("  %s:", side == &c.a ? "a" : "b");
    for (const auto& w : *side) std::printf("  %s %+.3f", w.word.c_str(), w.contribution);
    std::printf("\n");
  }
  if (!c.a_unknown.empty() || !c.b_unknown.empty())
    std::printf("  no vector: %s\n", joined(c.a_unknown.empty() ? c.b_unknown : c.a_unknown).c_str());
  return 0;
}

int sts_command(const Args& args) {
  args.allow_only({"vectors", "model", "format", "metadata", "max_words", "split", "sts_dir", "sif_a", "components", "tune_split", "unit_words", "json"});
  const LoadedTable t = load_table(args);
  const std::string dir = args.get("sts_dir", EMBPLAY_EVAL_DIR "/../sts");
  const std::string path = dir + "/sts-" + args.get("split", "test") + ".tsv";
  const StsBench bench(read_sts(read_file(path)), t.view().reading());
  json rows = json::array();
  if (!args.has("json")) std::printf("STS Benchmark %s (%s): %zu pairs\n  %-28s Spearman x100   pairs covered   token coverage\n",
                                     args.get("split", "test").c_str(), path.c_str(), bench.pairs(), "method");
  auto report = [&](const std::string& name, const StsBench::Score& s) {
    rows.push_back({{"method", name}, {"spearman", s.spearman}, {"covered", s.covered}, {"coverage", s.coverage}});
    if (!args.has("json"))
      std::printf("  %-28s %8.1f        %5lld/%-5zu    %5.1f%%\n", name.c_str(), 100 * s.spearman, (long long)s.covered,
                  bench.pairs(), 100 * s.coverage);
  };
  for (const char* preset : {"mean", "max", "mean+max", "sif", "idf"})
    for (bool stop : {false, true}) {
      PoolingOptions o = pooling_preset(preset);
      o.drop_stopwords = stop;
      o.unit_words = args.has("unit_words");
      o.sif_a = float_flag(args, "sif_a", o.sif_a);
      if (args.has("components")) o.remove_components = int_flag(args, "components", 0);
      report(describe(o), bench.pooled(t.view(), o));
    }
  report("tf-idf", bench.tfidf(false));
  report("tf-idf -stop", bench.tfidf(true));
  if (args.has("tune_split")) {
    // Choose on another split (dev): the pooling (weights, stopwords, components removed), then the
    // weight of its blend with TF-IDF; report both on this one.
    const std::string tune_path = dir + "/sts-" + args.get("tune_split") + ".tsv";
    const StsBench tune(read_sts(read_file(tune_path)), t.view().reading());
    PoolingOptions best;
    double best_rho = -2;
    for (const char* preset : {"mean", "sif", "idf", "mean+max"})
      for (bool stop : {false, true})
        for (int components : {0, 1, 2, 5, 10}) {
          PoolingOptions o = pooling_preset(preset);
          o.drop_stopwords = stop;
          o.remove_components = components;
          o.unit_words = args.has("unit_words");
          o.sif_a = float_flag(args, "sif_a", o.sif_a);
          const double rho = tune.pooled(t.view(), o).spearman;
          if (rho > best_rho) best_rho = rho, best = o;
        }
    if (!args.has("json")) std::printf("  chosen on %s (Spearman x100 there %.1f):\n", args.get("tune_split").c_str(), 100 * best_rho);
    report(describe(best) + " (chosen)", bench.pooled(t.view(), best));
    double best_w = 0;
    best_rho = -2;
    for (int w = 0; w <= 10; ++w) {
      const double rho = tune.blend(t.view(), best, false, w / 10.0).spearman;
      if (rho > best_rho) best_rho = rho, best_w = w / 10.0;
    }
    char name[64];
    std::snprintf(name, sizeof name, "%.1f pooled + %.1f tf-idf", best_w, 1 - best_w);
    report(name, bench.blend(t.view(), best, false, best_w));
  }
  if (args.has("json")) std::cout << json{{"split", args.get("split", "test")}, {"pairs", bench.pairs()}, {"results", rows}}.dump(2) << std::endl;
  return 0;
}

int ir_command(const Args& args) {
  args.allow_only({"vectors", "model", "format", "metadata", "max_words", "collection", "pooling", "sif_a", "components",
                   "stopwords", "unit_words", "keep_stopwords", "k1", "b", "fusion", "weight", "rrf_k", "tune", "json"});
  const LoadedTable t = load_table(args);
  const std::string dir = args.get("collection", EMBPLAY_EVAL_DIR "/../ir/cranfield");
  const IrCollection c = read_ir_collection(read_file(dir + "/documents.jsonl"), read_file(dir + "/queries.jsonl"),
                                            read_file(dir + "/qrels.tsv"));
  const TextIndex index = build_text_index(c.documents, t.view().reading());
  const Pooler pooler(index, t.view(), pooling_flags(args));
  const UnitEmbeddings e = embed_units(pooler);
  UnitSearch search(index, pooler, e);
  SearchOptions o = search_flags(args);
  const bool as_json = args.has("json");
  json rows = json::array();
  auto report = [&](const std::string& name, const IrScore& s, const std::string& queries) {
    rows.push_back({{"method", name}, {"queries", queries}, {"ndcg10", s.ndcg10}, {"recall100", s.recall100}, {"n", s.queries}});
    if (!as_json) std::printf("  %-34s %-10s %7.1f   %7.1f   (%lld queries)\n", name.c_str(), queries.c_str(), 100 * s.ndcg10,
                              100 * s.recall100, (long long)s.queries);
  };
  if (!as_json)
    std::printf("%s: %zu documents, %zu queries; pooling %s\n  %-34s %-10s nDCG@10  Recall@100\n", dir.c_str(),
                c.documents.size(), c.queries.size(), describe(pooler.options()).c_str(), "method", "queries");
  auto hybrid_name = [](const SearchOptions& so) {
    char w[16];
    std::snprintf(w, sizeof w, "%.2f", so.weight);
    return std::string("hybrid ") + fusion_name(so.fusion) + " w=" + w;
  };
  const std::string hybrid = hybrid_name(o);
  report("embedding", evaluate_ir(c, search, index, SearchMethod::kEmbedding, o), "all");
  report("bm25", evaluate_ir(c, search, index, SearchMethod::kBm25, o), "all");
  report(hybrid, evaluate_ir(c, search, index, SearchMethod::kHybrid, o), "all");
  if (args.has("tune")) {
    // The fusion and weight with the best nDCG@10 on the odd-numbered query ids, reported on the even ones.
    std::vector<size_t> tune, held;
    for (size_t q = 0; q < c.queries.size(); ++q) (q % 2 == 0 ? tune : held).push_back(q);
    double best = -1;
    SearchOptions chosen = o;
    for (Fusion f : {Fusion::kMinMax, Fusion::kZScore, Fusion::kRrf})
      for (int w = 1; w <= 9; ++w) {
        SearchOptions trial = o;
        trial.fusion = f;
        trial.weight = w / 10.0f;
        const IrScore s = evaluate_ir(c, search, index, SearchMethod::kHybrid, trial, tune);
        rows.push_back({{"method", std::string("hybrid ") + fusion_name(f)}, {"weight", trial.weight}, {"queries", "odd ids"},
                        {"ndcg10", s.ndcg10}, {"recall100", s.recall100}});
        if (!as_json) std::printf("    tuning %-8s w=%.1f  odd query ids: nDCG@10 %.1f\n", fusion_name(f), trial.weight, 100 * s.ndcg10);
        if (s.ndcg10 > best) best = s.ndcg10, chosen = trial;
      }
    const std::string name = hybrid_name(chosen) + " (tuned)";
    report("bm25", evaluate_ir(c, search, index, SearchMethod::kBm25, o, held), "even ids");
    report("embedding", evaluate_ir(c, search, index, SearchMethod::kEmbedding, o, held), "even ids");
    report(hybrid, evaluate_ir(c, search, index, SearchMethod::kHybrid, o, held), "even ids");
    report(name, evaluate_ir(c, search, index, SearchMethod::kHybrid, chosen, held), "even ids");
  }
  if (as_json) std::cout << json{{"collection", dir}, {"pooling", describe(pooler.options())}, {"results", rows}}.dump(2) << std::endl;
  return 0;
}

// ---- the sentence encoder: a small Transformer trained here (issue 14) ----

const char* encoder_usage() {
  return R"(sentence encoder (a small Transformer: masked-word pre-training, then SimCSE and/or pairs):
  embplay encoder train --input FILE [--lines] [--pairs FILE [--min_score S]] [--dev FILE]
                        [--init ENCODER.json] [--save ENCODER.json] [--json] [encoder options...]
  embplay encoder sts --model ENCODER.json [--split test] [--sts_dir DIR] [--json]
  embplay encoder attention --model ENCODER.json --text "SENTENCE" [--json]

train reads --input's sentences (the tokenizer's: they end at . ! ? and blank lines; with --lines,
one per non-empty line). --pairs: tab-separated "sentence<TAB>sentence[<TAB>score]" lines or an
STS Benchmark file; pairs scoring below --min_score (default 0) are left out. --dev: an STS
Benchmark file scored (Spearman of CLS, mean and max pooling) at every epoch end. --init goes on
from a saved encoder (its vocabulary, weights and model options; the phases and rates are the
flags'), e.g. SimCSE after a saved masked-word pre-training. With --json, one
JSON object per epoch: {"phase", "epoch", "loss", "lr", "tokens_per_sec", "dev_cls", "dev_mean",
"dev_max"}. sts scores sts-<split>.tsv from --sts_dir (default the repository's tests/data/sts);
attention prints each layer's and head's attention weights for the sentence, a row per query.
)";
}

SentenceEncoder load_encoder(const std::string& path) {
  const json j = json::parse(read_file(path), nullptr, false);
  if (j.is_discarded()) throw InputError(path + " is not valid JSON");
  return encoder_from_json(j);
}

json sts_json(const EncoderStsScores& s, const std::string& prefix) {
  json j;
  for (EncoderPooling p : kEncoderPoolings) j[prefix + encoder_pooling_name(p)] = s.of(p);
  return j;
}

int encoder_train(const Args& args) {
  static const char* kFileFlags[] = {"input", "lines", "pairs", "min_score", "dev", "init", "save", "json"};
  EncoderOptions o;
  for (const auto& [name, value] : args.flags)
    if (std::find(std::begin(kFileFlags), std::end(kFileFlags), name) == std::end(kFileFlags))
      set_encoder_option(o, name, value);
  validate(o);
  const bool as_json = args.has("json");
  std::unique_ptr<SentenceEncoder> init;
  if (args.has("init")) init = std::make_unique<SentenceEncoder>(load_encoder(args.get("init")));
  if (init) o.tokenizer = init->options.tokenizer;  // the text is read as the encoder reads it
  std::vector<SentencePair> pairs;
  if (args.has("pairs")) pairs = read_pairs(read_file(args.get("pairs")), o.tokenizer, float_flag(args, "min_score", 0));
  std::vector<StsPair> dev;
  if (args.has("dev")) dev = read_sts(read_file(args.get("dev")));
  EncoderTrainer trainer(read_sentences(read_file(args.require("input")), o.tokenizer, args.has("lines")), std::move(pairs), o,
                         init.get());
  const EncoderStats& st = trainer.stats();
  if (!as_json)
    std::printf("%lld sentences (%lld cut to %d words), %lld words, %lld types, vocabulary %d (%lld words read as <unk>), %lld pairs\n",
                (long long)st.sentences, (long long)st.cut, o.max_words, (long long)st.tokens, (long long)st.types, st.vocab,
                (long long)st.oov_tokens, (long long)st.pairs);
  const auto start = std::chrono::steady_clock::now();
  double loss_sum = 0, seconds = 0;
  int64_t loss_count = 0, tokens = 0;
  EncoderProgress p;
  do {
    p = trainer.step(o.batch * 16);
    loss_sum += p.loss_sum, loss_count += p.loss_count, tokens += p.tokens;
    if (!p.epoch_end && !p.diverged) continue;
    const double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = tokens / std::max(now - seconds, 1e-9);
    seconds = now;
    json line = {{"phase", p.phase}, {"epoch", p.epoch}, {"loss", loss_count ? loss_sum / loss_count : 0.0}, {"lr", p.lr},
                 {"tokens_per_sec", rate}};
    if (!dev.empty()) line.update(sts_json(sts_scores(trainer.encoder(), dev), "dev_"));
    if (as_json) {
      std::cout << line.dump() << std::endl;
    } else {
      std::printf("%-6s epoch %d/%d  loss %.4f  lr %.3g  %.0f tokens/s", p.phase.c_str(), p.epoch, p.epochs,
                  line["loss"].get<double>(), p.lr, rate);
      if (!dev.empty())
        std::printf("  dev Spearman x100: cls %.1f  mean %.1f  max %.1f", 100 * line["dev_cls"].get<double>(),
                    100 * line["dev_mean"].get<double>(), 100 * line["dev_max"].get<double>());
      std::printf("\n");
      std::fflush(stdout);
    }
    loss_sum = 0, loss_count = 0, tokens = 0;
  } while (!p.finished && !p.diverged);
  if (p.diverged)
    std::fprintf(stderr, "embplay: the %s loss was not finite at step %lld: try a smaller learning rate; the last epoch's weights are kept\n",
                 p.phase.c_str(), (long long)p.step);
  if (!as_json) std::printf("trained in %.1f s\n", seconds);
  if (args.has("save")) {
    write_file(args.get("save"), encoder_to_json(trainer.encoder()).dump());
    if (!as_json) std::printf("saved %s\n", args.get("save").c_str());
  }
  return p.diverged ? 3 : 0;
}

int encoder_sts(const Args& args) {
  args.allow_only({"model", "split", "sts_dir", "json"});
  const SentenceEncoder e = load_encoder(args.require("model"));
  const std::string path = args.get("sts_dir", EMBPLAY_EVAL_DIR "/../sts") + "/sts-" + args.get("split", "test") + ".tsv";
  const std::vector<StsPair> pairs = read_sts(read_file(path));
  const EncoderStsScores s = sts_scores(e, pairs);
  if (args.has("json")) {
    json out = sts_json(s, "");
    out["split"] = args.get("split", "test");
    out["pairs"] = pairs.size();
    std::cout << out.dump() << std::endl;
    return 0;
  }
  std::printf("STS Benchmark %s (%s): %zu pairs, Spearman x100 of the cosine of the two sentence vectors\n",
              args.get("split", "test").c_str(), path.c_str(), pairs.size());
  for (EncoderPooling p : kEncoderPoolings) std::printf("  %-5s %5.1f\n", encoder_pooling_name(p), 100 * s.of(p));
  return 0;
}

int encoder_attention(const Args& args) {
  args.allow_only({"model", "text", "json"});
  const SentenceEncoder e = load_encoder(args.require("model"));
  const AttentionMap m = attention_map(e, args.require("text"));
  const size_t T = m.tokens.size();
  if (args.has("json")) {
    std::cout << json{{"tokens", m.tokens}, {"known", m.known}, {"layers", m.layers}, {"heads", m.heads}, {"weights", m.weights}}.dump()
              << std::endl;
    return 0;
  }
  for (int l = 0; l < m.layers; ++l)
    for (int h = 0; h < m.heads; ++h) {
      std::printf("layer %d, head %d (row: a query; columns: the keys it attends to)\n%12s", l, h, "");
      for (const std::string& t : m.tokens) std::printf(" %6.6s", t.c_str());
      std::printf("\n");
      for (size_t i = 0; i < T; ++i) {
        std::printf("%12.12s", m.tokens[i].c_str());
        for (size_t j = 0; j < T; ++j) std::printf(" %6.3f", m.weights[((static_cast<size_t>(l) * m.heads + h) * T + i) * T + j]);
        std::printf("\n");
      }
    }
  return 0;
}

int encoder_command(int argc, char** argv) {
  if (argc < 3) throw InputError("encoder needs a subcommand: train, sts or attention (see --help)");
  const std::string sub = argv[2];
  // The subcommand's flags start after it: parse them as a command of their own.
  std::vector<char*> rest = {argv[0], argv[2]};
  rest.insert(rest.end(), argv + 3, argv + argc);
  const auto parse = [&](const std::map<std::string, bool>& switches) {
    Args args = parse_args(static_cast<int>(rest.size()), rest.data(), switches);
    args.command = "encoder " + sub;  // as messages name it
    return args;
  };
  if (sub == "train") return encoder_train(parse({{"json", true}, {"lines", true}}));
  if (sub == "sts") return encoder_sts(parse({{"json", true}}));
  if (sub == "attention") return encoder_attention(parse({{"json", true}}));
  throw InputError("unknown encoder subcommand: " + sub + " (train, sts or attention)");
}

}  // namespace

int main(int argc, char** argv) {
  bool help = argc < 2;
  for (int i = 1; i < argc; ++i) help = help || std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h";
  if (help) {
    print_help();
    return argc < 2 ? 2 : 0;
  }
  try {
    const std::string command = argv[1];
    if (command == "train") return train(parse_args(argc, argv, {{"json", true}}));
    if (command == "neighbors") return neighbors(parse_args(argc, argv, {}));
    if (command == "predict") return predict(parse_args(argc, argv, {}));
    if (command == "word2vec") return word2vec(parse_args(argc, argv, {{"json", true}}));
    if (command == "eval") return eval(parse_args(argc, argv, {{"json", true}}));
    if (command == "convert") return convert(parse_args(argc, argv, {}));
    if (command == "recsys") return recsys(argc, argv);
    if (command == "axes") return axes_command(parse_args(argc, argv, {{"json", true}}));
    if (command == "odd") return odd_command(parse_args(argc, argv, {{"json", true}}));
    // sentence tools
    const std::map<std::string, bool> sentence_switches = {{"json", true}, {"stopwords", true}, {"keep_stopwords", true},
                                                            {"no_header", true}, {"tune", true}, {"unit_words", true}};
    if (command == "units") return units_command(parse_args(argc, argv, sentence_switches));
    if (command == "search") return search_command(parse_args(argc, argv, sentence_switches));
    if (command == "compare") return compare_command(parse_args(argc, argv, sentence_switches));
    if (command == "sts") return sts_command(parse_args(argc, argv, sentence_switches));
    if (command == "ir") return ir_command(parse_args(argc, argv, sentence_switches));
    if (command == "encoder") return encoder_command(argc, argv);
    throw InputError("unknown command: " + command +
                     " (train, neighbors, predict, word2vec, eval, convert, axes, odd, recsys, units, search, compare, sts, ir"
                     " or encoder; see --help)");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "embplay: %s\n", e.what());
    return 2;
  }
}
