// The only file that knows about Emscripten: a small embind surface over the core for the page's
// Web Worker. Every call returns JSON text (or a typed array it copied out of the heap), and
// errors come back as {"error": "..."}: nothing throws across into JavaScript.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>

#include "geometry.h"
#include "model_io.h"
#include "trainer.h"

namespace {

using namespace embplay;
using emscripten::val;
using nlohmann::json;

std::string error(const std::string& message) { return json{{"error", message}}.dump(); }

// Runs `body`, turning any exception into {"error": ...}.
template <typename F>
std::string guarded(F&& body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return error("out of memory: try a smaller vocabulary, embedding or hidden size");
  } catch (const std::exception& e) {
    return error(e.what());
  }
}

// A copy of `data` as a JS typed array of type `Array` ("Float32Array", "Int32Array").
template <typename T>
val copy_to_js(const char* array, const T* data, size_t size) {
  val out = val::global(array).new_(size);
  out.call<void>("set", val(emscripten::typed_memory_view(size, data)));
  return out;
}

std::vector<std::string> words_of(const std::string& text, const TokenizerOptions& options) {
  std::vector<std::string> words;
  for (const auto& sentence : tokenize(text, options)) words.insert(words.end(), sentence.begin(), sentence.end());
  return words;
}

// One run in the page: a trainer while training, or just a model loaded from a file.
class Session {
 public:
  std::string start(const std::string& text, const std::string& settings_json) {
    return guarded([&] {
      const json j = json::parse(settings_json, nullptr, false);
      if (j.is_discarded()) return error("settings are not valid JSON");
      auto trainer = std::make_unique<Trainer>(text, settings_from_json(j));
      trainer_ = std::move(trainer);  // replace the old run only once the new one is valid
      loaded_.reset();
      const TextStats& s = trainer_->stats();
      return json{{"ok", true},
                  {"stats",
                   {{"sentences", s.sentences}, {"tokens", s.tokens}, {"types", s.types},
                    {"vocab", trainer_->vocab().size()}, {"train_examples", s.train_examples},
                    {"valid_examples", s.valid_examples}, {"oov_tokens", s.oov_tokens}}}}
          .dump();
    });
  }

  std::string step(double budget) {
    return guarded([&] {
      if (!trainer_) return error("nothing to train: start a run first");
      const Progress p = trainer_->step(static_cast<int64_t>(budget));
      return json{{"epoch", p.epoch}, {"epochs", trainer_->settings().epochs}, {"step", p.step},
                  {"epoch_position", p.epoch_position}, {"epoch_size", p.epoch_size},
                  {"train_loss", p.train_loss}, {"last_batch_loss", finite_or_null(p.last_batch_loss)},
                  {"tokens_per_sec", p.tokens_per_sec}, {"epoch_end", p.epoch_end}, {"finished", p.finished},
                  {"diverged", p.diverged}}
          .dump();
    });
  }

  std::string evaluate() {
    return guarded([&] {
      if (!trainer_) return error("nothing to evaluate: start a run first");
      const Evaluation ev = trainer_->evaluate();
      return json{{"loss", ev.loss}, {"perplexity", ev.perplexity}, {"accuracy", ev.accuracy}, {"examples", ev.examples}}
          .dump();
    });
  }

  std::string words(int n) {
    return guarded([&] {
      const TrainedModel* m = model();
      if (!m) return error("no model yet");
      json words = json::array(), counts = json::array();
      for (int32_t id : top_words(m->vocab, n)) {
        words.push_back(m->vocab.word(id));
        counts.push_back(m->vocab.count(id));
      }
      return json{{"words", words}, {"counts", counts}}.dump();
    });
  }

  // {coords: Float32Array(2n) of x, y pairs for words(n), explained: [fx, fy]}
  val pca(int n) {
    const TrainedModel* m = model();
    val out = val::object();
    if (!m) return out;
    const Projection p = pca_2d(gather_rows(m->model.embed, top_words(m->vocab, n)));
    out.set("coords", copy_to_js("Float32Array", p.coords.data(), static_cast<size_t>(p.coords.size())));
    val explained = val::array();
    explained.call<void>("push", p.explained[0]);
    explained.call<void>("push", p.explained[1]);
    out.set("explained", explained);
    return out;
  }

  std::string neighbors(const std::string& word, int k) {
    return guarded([&] {
      const TrainedModel* m = model();
      if (!m) return error("no model yet");
      const std::vector<std::string> query = words_of(word, m->settings.tokenizer);
      if (query.size() != 1) return error("type a single word");
      if (!m->vocab.contains(query[0])) return error("\"" + query[0] + "\" is not in the vocabulary");
      json list = json::array();
      for (const Neighbor& nb : nearest_neighbors(m->model.embed, m->vocab.id(query[0]), k))
        list.push_back({{"word", m->vocab.word(nb.id)}, {"similarity", nb.similarity}});
      return json{{"word", query[0]}, {"neighbors", list}}.dump();
    });
  }

  std::string predict(const std::string& context_text, int k) {
    return guarded([&] {
      const TrainedModel* m = model();
      if (!m) return error("no model yet");
      const std::vector<std::string> words = words_of(context_text, m->settings.tokenizer);
      const int ctx = m->settings.context;
      json used = json::array();
      for (int j = 0; j < ctx; ++j) {
        const int from_end = ctx - j;  // the last ctx words, padded on the left
        const int index = static_cast<int>(words.size()) - from_end;
        used.push_back(index < 0 ? Vocab::pad_word() : m->vocab.word(m->vocab.id(words[index])));
      }
      json list = json::array();
      for (const Prediction& p : predict_next(*m, words, k))
        list.push_back({{"word", m->vocab.word(p.id)}, {"probability", p.probability}});
      return json{{"context", used}, {"predictions", list}}.dump();
    });
  }

  std::string save_model() {
    return guarded([&] {
      const TrainedModel* m = model();
      if (!m) return error("no model to save");
      return model_to_json(*m).dump();
    });
  }

  std::string load_model(const std::string& text) {
    return guarded([&] {
      const json j = json::parse(text, nullptr, false);
      if (j.is_discarded()) return error("the file is not valid JSON");
      auto loaded = std::make_unique<TrainedModel>(model_from_json(j));
      loaded_ = std::move(loaded);
      trainer_.reset();
      return json{{"ok", true}, {"vocab", loaded_->vocab.size()}, {"settings", settings_to_json(loaded_->settings)}}.dump();
    });
  }

  // The first `limit` training examples in the order the current epoch visits them, so that
  // another engine (the benchmark's TensorFlow.js twin) can train on the same batches.
  val examples(int limit) {
    val out = val::object();
    if (!trainer_) return out;
    const Examples& ex = trainer_->train_examples();
    const int k = ex.context;
    const size_t n = std::min<size_t>(static_cast<size_t>(std::max(limit, 0)), trainer_->epoch_order().size());
    std::vector<int32_t> contexts(n * k), targets(n);
    for (size_t i = 0; i < n; ++i) {
      const int64_t e = trainer_->epoch_order()[i];
      std::copy_n(&ex.contexts[e * k], k, &contexts[i * k]);
      targets[i] = ex.targets[e];
    }
    out.set("contexts", copy_to_js("Int32Array", contexts.data(), contexts.size()));
    out.set("targets", copy_to_js("Int32Array", targets.data(), targets.size()));
    return out;
  }

  // The embedding rows the last batch changed.
  val last_rows() {
    if (!trainer_) return val::global("Int32Array").new_(0);
    const Ids& rows = trainer_->last_rows();
    return copy_to_js("Int32Array", rows.data(), rows.size());
  }

 private:
  static json finite_or_null(double x) { return std::isfinite(x) ? json(x) : json(); }
  const TrainedModel* model() const {
    if (trainer_) return &trainer_->trained();
    return loaded_.get();
  }

  std::unique_ptr<Trainer> trainer_;
  std::unique_ptr<TrainedModel> loaded_;
};

std::string schema() { return settings_schema().dump(); }

}  // namespace

EMSCRIPTEN_BINDINGS(embplay) {
  emscripten::function("settingsSchema", &schema);
  emscripten::class_<Session>("Session")
      .constructor<>()
      .function("start", &Session::start)
      .function("step", &Session::step)
      .function("evaluate", &Session::evaluate)
      .function("words", &Session::words)
      .function("pca", &Session::pca)
      .function("neighbors", &Session::neighbors)
      .function("predict", &Session::predict)
      .function("saveModel", &Session::save_model)
      .function("loadModel", &Session::load_model)
      .function("examples", &Session::examples)
      .function("lastRows", &Session::last_rows);
}
