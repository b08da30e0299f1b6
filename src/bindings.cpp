// The only file that knows about Emscripten: embind glue between the page's Web Worker and the
// core's Workspace (src/workspace.h), which holds all the logic. Here JavaScript values become
// plain C++ (a number n or an Int32Array of ids for a selection of words, typed arrays for
// vectors), replies become JSON text or typed arrays copied out of the heap, and every exception
// becomes {"error": "..."}: nothing throws across into JavaScript.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <vector>

#include "workspace.h"

namespace {

using namespace embplay;
using emscripten::val;
using nlohmann::json;

std::string error_json(const std::string& message) { return json{{"error", message}}.dump(); }

// Runs `body`, turning any exception into the text of {"error": ...}; "" when nothing went wrong.
template <typename F>
std::string failure_of(F&& body) {
  try {
    body();
    return "";
  } catch (const std::bad_alloc&) {
    return "out of memory: try a smaller vocabulary, embedding or hidden size";
  } catch (const std::exception& e) {
    return e.what();
  }
}

// A JSON reply as text, or {"error": ...}.
template <typename F>
std::string reply(F&& body) {
  std::string out;
  const std::string problem = failure_of([&] { out = body().dump(); });
  return problem.empty() ? out : error_json(problem);
}

// An object reply built by `body` into `out`; on an error, `out` gets the field "error".
template <typename F>
val object_reply(F&& body) {
  val out = val::object();
  const std::string problem = failure_of([&] { body(out); });
  if (!problem.empty()) out.set("error", problem);
  return out;
}

json parse_object(const std::string& text, const char* what) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError(std::string(what) + " are not a JSON object");
  return j;
}

// A copy of `data` as a JS typed array of type `array` ("Float32Array", "Int32Array", "Uint8Array").
template <typename T>
val copy_to_js(const char* array, const T* data, size_t size) {
  val out = val::global(array).new_(size);
  out.call<void>("set", val(emscripten::typed_memory_view(size, data)));
  return out;
}

val floats_to_js(const RowMatrix& m) { return copy_to_js("Float32Array", m.data(), static_cast<size_t>(m.size())); }
val ids_to_js(const Ids& ids) { return copy_to_js("Int32Array", ids.data(), ids.size()); }

// A Float32Array's values; empty for anything else (null, undefined).
std::vector<float> floats_of(const val& v) {
  if (!v.instanceof(val::global("Float32Array"))) return {};
  return emscripten::convertJSArrayToNumberVector<float>(v);
}

// n (the n most frequent words) or an Int32Array of vocabulary ids.
WordSelection selection_of(const val& v) {
  if (v.isNumber()) return WordSelection::top(v.as<int>());
  if (!v.instanceof(val::global("Int32Array"))) throw InputError("words: a number of words, or an Int32Array of word ids");
  return WordSelection::of(emscripten::convertJSArrayToNumberVector<int32_t>(v));
}

void set_projection(val& out, const Projection& p) {
  out.set("coords", floats_to_js(p.coords));
  val explained = val::array();
  explained.call<void>("push", p.explained[0]);
  explained.call<void>("push", p.explained[1]);
  out.set("explained", explained);
}

// The embind class Workspace: JavaScript values in, the core's Workspace called, replies out.
class JsWorkspace {
 public:
  std::string start(const std::string& text, const std::string& settings) {
    return reply([&] {
      const json j = json::parse(settings, nullptr, false);
      if (j.is_discarded()) throw InputError("settings are not valid JSON");
      return ws_.start(text, settings_from_json(j));
    });
  }
  std::string start_word2vec(const std::string& text, const std::string& options) {
    return reply([&] {
      const json j = json::parse(options, nullptr, false);
      if (j.is_discarded()) throw InputError("options are not valid JSON");
      return ws_.start_word2vec(text, word2vec_options_from_json(j));
    });
  }
  std::string step(double budget) { return reply([&] { return ws_.step(static_cast<int64_t>(budget)); }); }
  std::string evaluate() { return reply([&] { return ws_.evaluate(); }); }
  std::string evaluate_test() { return reply([&] { return ws_.evaluate_test(); }); }

  std::string words(val selection) { return reply([&] { return ws_.words(selection_of(selection)); }); }
  val pca(val selection) { return pca_aligned(selection, val::null()); }
  val pca_aligned(val selection, val previous) {
    return object_reply([&](val& out) {
      if (const auto p = ws_.pca(selection_of(selection), floats_of(previous))) set_projection(out, *p);
    });
  }
  val vectors_of(int n) {
    return object_reply([&](val& out) {
      if (const auto m = ws_.vectors_of(n)) {
        out.set("vectors", floats_to_js(*m));
        out.set("rows", static_cast<int>(m->rows()));
        out.set("dim", static_cast<int>(m->cols()));
      }
    });
  }
  val pca_of(val vectors, int rows, int dim, val previous) {
    return object_reply([&](val& out) {
      if (const auto p = Workspace::pca_of(floats_of(vectors), rows, dim, floats_of(previous))) set_projection(out, *p);
    });
  }

  std::string neighbors(const std::string& word, int k) { return neighbors_by(word, k, "cosine"); }
  std::string neighbors_by(const std::string& word, int k, const std::string& metric) {
    return reply([&] { return ws_.neighbors(word, k, metric); });
  }
  std::string analogy(const std::string& a, const std::string& b, const std::string& c, int k, const std::string& method) {
    return reply([&] { return ws_.analogy(a, b, c, k, method); });
  }
  // start: undefined, null, or an Int32Array(n) of a previous clustering to follow.
  val kmeans(val selection, int k, double seed, val start) {
    return object_reply([&](val& out) {
      KMeansOptions options = kmeans_options_from_json({{"seed", seed}});
      options.k = k;
      if (!start.isUndefined() && !start.isNull()) options.start = emscripten::convertJSArrayToNumberVector<int32_t>(start);
      const ClusterReply r = ws_.kmeans(selection_of(selection), options);
      out.set("assignment", ids_to_js(r.assignment));
      val central = val::array(), sizes = val::array();
      for (size_t c = 0; c < r.central.size(); ++c) {
        val members = val::array();
        for (const std::string& w : r.central[c]) members.call<void>("push", w);
        central.call<void>("push", members);
        sizes.call<void>("push", r.sizes[c]);
      }
      out.set("central", central);
      out.set("sizes", sizes);
      out.set("inertia", r.inertia);
    });
  }
  std::string tsne_start(val selection, const std::string& options) {
    return reply([&] {
      const TsneOptions o = tsne_options_from_json(parse_object(options, "t-SNE options"));
      return ws_.tsne_start(selection_of(selection), o);
    });
  }
  val tsne_step(int iterations) {
    return object_reply([&](val& out) {
      const TsneFrame f = ws_.tsne_step(iterations);
      out.set("coords", floats_to_js(f.coords));
      out.set("iteration", f.iteration);
      out.set("iterations", f.iterations);
      out.set("done", f.done);
    });
  }
  std::string predict(const std::string& context, int k) { return reply([&] { return ws_.predict(context, k); }); }

  std::string save_model() { return reply([&] { return ws_.save_model(); }); }
  std::string load_model(const std::string& text) {
    return reply([&] {
      const json j = json::parse(text, nullptr, false);
      if (j.is_discarded()) throw InputError("the file is not valid JSON");
      return ws_.load_model(j);
    });
  }
  std::string import_begin(const std::string& format, int max_words) {
    return reply([&] {
      ws_.import_begin(format, max_words);
      return json{{"ok", true}};
    });
  }
  // bytes: a Uint8Array, or a string as UTF-8.
  std::string import_chunk(const std::string& bytes) { return reply([&] { return ws_.import_chunk(bytes); }); }
  std::string import_metadata(const std::string& bytes) {
    return reply([&] {
      ws_.import_metadata(bytes);
      return json{{"ok", true}};
    });
  }
  std::string import_finish() { return reply([&] { return ws_.import_finish(); }); }
  // The current vectors as a file: a Uint8Array, or {"error"} as a string.
  val export_vectors(const std::string& format) {
    std::string bytes;
    const std::string problem = failure_of([&] { bytes = ws_.export_vectors(format); });
    if (!problem.empty()) return val(error_json(problem));
    return copy_to_js("Uint8Array", reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::string eval_load(const std::string& name, const std::string& text) {
    return reply([&] {
      ws_.eval_load(name, text);
      return json{{"ok", true}};
    });
  }
  std::string eval_run() { return reply([&] { return ws_.eval_run(); }); }
  std::string kind() const { return ws_.kind(); }

  val examples(int limit) {
    return object_reply([&](val& out) {
      if (const auto batch = ws_.examples(limit)) {
        out.set("contexts", ids_to_js(batch->contexts));
        out.set("targets", ids_to_js(batch->targets));
      }
    });
  }
  val last_rows() {
    const auto changes = ws_.last_row_changes();
    return ids_to_js(changes ? changes->rows : Ids());
  }
  val last_row_changes() {
    return object_reply([&](val& out) {
      if (const auto changes = ws_.last_row_changes()) {
        out.set("rows", ids_to_js(changes->rows));
        out.set("changes", copy_to_js("Float32Array", changes->moved.data(), changes->moved.size()));
      }
    });
  }
  std::string yardstick() { return reply([&] { return ws_.yardstick(); }); }
  std::string twin_start() { return reply([&] { return ws_.twin_start(); }); }
  std::string twin_step(double budget) { return reply([&] { return ws_.twin_step(static_cast<int64_t>(budget)); }); }
  std::string twin_predict(const std::string& context, int k) { return reply([&] { return ws_.twin_predict(context, k); }); }
  std::string next_word_counts(const std::string& context, int n) {
    return reply([&] { return ws_.next_word_counts(context, n); });
  }
  std::string suggest_context() { return reply([&] { return ws_.suggest_context(); }); }

  // The sentence encoder (encoder_session.h).
  std::string encoder_start(const std::string& text, const std::string& options, bool by_line) {
    return reply([&] { return ws_.encoder().start(text, options, by_line); });
  }
  std::string encoder_step(double budget) {
    return reply([&] { return ws_.encoder().step(static_cast<int64_t>(budget)); });
  }
  std::string encoder_sts_load(const std::string& text) {
    return reply([&] {
      ws_.encoder().sts_load(text);
      return json{{"ok", true}};
    });
  }
  std::string encoder_sts() { return reply([&] { return ws_.encoder().sts(); }); }
  // {coords: Float32Array(2n), explained, texts: [n]}.
  val encoder_map(const std::string& pooling, val previous) {
    return object_reply([&](val& out) {
      set_projection(out, ws_.encoder().map(pooling, floats_of(previous)));
      val texts = val::array();
      for (const std::string& t : ws_.encoder().map_texts()) texts.call<void>("push", t);
      out.set("texts", texts);
    });
  }
  // {tokens: [T], known: [T], layers, heads, weights: Float32Array(L*H*T*T)}.
  val encoder_attention(const std::string& text) {
    return object_reply([&](val& out) {
      const AttentionMap m = ws_.encoder().attention(text);
      val tokens = val::array(), known = val::array();
      for (size_t i = 0; i < m.tokens.size(); ++i) {
        tokens.call<void>("push", m.tokens[i]);
        known.call<void>("push", static_cast<bool>(m.known[i]));
      }
      out.set("tokens", tokens);
      out.set("known", known);
      out.set("layers", m.layers);
      out.set("heads", m.heads);
      out.set("weights", copy_to_js("Float32Array", m.weights.data(), m.weights.size()));
    });
  }

 private:
  Workspace ws_;
};

std::string settings_schema_text() { return settings_schema().dump(); }
std::string word2vec_schema_text() { return word2vec_schema().dump(); }
std::string tsne_schema_text() { return tsne_schema().dump(); }
std::string kmeans_schema_text() { return kmeans_schema().dump(); }
std::string encoder_schema_text() { return encoder_schema().dump(); }

}  // namespace

EMSCRIPTEN_BINDINGS(embplay) {
  emscripten::function("settingsSchema", &settings_schema_text);
  emscripten::function("word2vecSchema", &word2vec_schema_text);
  emscripten::function("tsneSchema", &tsne_schema_text);
  emscripten::function("kmeansSchema", &kmeans_schema_text);
  emscripten::function("encoderSchema", &encoder_schema_text);
  emscripten::class_<JsWorkspace>("Workspace")
      .constructor<>()
      .function("start", &JsWorkspace::start)
      .function("startWord2vec", &JsWorkspace::start_word2vec)
      .function("step", &JsWorkspace::step)
      .function("evaluate", &JsWorkspace::evaluate)
      .function("words", &JsWorkspace::words)
      .function("pca", &JsWorkspace::pca)
      .function("pcaAligned", &JsWorkspace::pca_aligned)
      .function("vectorsOf", &JsWorkspace::vectors_of)
      .function("pcaOf", &JsWorkspace::pca_of)
      .function("neighbors", &JsWorkspace::neighbors)
      .function("neighborsBy", &JsWorkspace::neighbors_by)
      .function("analogy", &JsWorkspace::analogy)
      .function("kmeans", &JsWorkspace::kmeans)
      .function("tsneStart", &JsWorkspace::tsne_start)
      .function("tsneStep", &JsWorkspace::tsne_step)
      .function("predict", &JsWorkspace::predict)
      .function("saveModel", &JsWorkspace::save_model)
      .function("loadModel", &JsWorkspace::load_model)
      .function("importBegin", &JsWorkspace::import_begin)
      .function("importChunk", &JsWorkspace::import_chunk)
      .function("importMetadata", &JsWorkspace::import_metadata)
      .function("importFinish", &JsWorkspace::import_finish)
      .function("exportVectors", &JsWorkspace::export_vectors)
      .function("evalLoad", &JsWorkspace::eval_load)
      .function("evalRun", &JsWorkspace::eval_run)
      .function("kind", &JsWorkspace::kind)
      .function("examples", &JsWorkspace::examples)
      .function("lastRows", &JsWorkspace::last_rows)
      .function("yardstick", &JsWorkspace::yardstick)
      .function("evaluateTest", &JsWorkspace::evaluate_test)
      .function("twinStart", &JsWorkspace::twin_start)
      .function("twinStep", &JsWorkspace::twin_step)
      .function("twinPredict", &JsWorkspace::twin_predict)
      .function("nextWordCounts", &JsWorkspace::next_word_counts)
      .function("suggestContext", &JsWorkspace::suggest_context)
      .function("lastRowChanges", &JsWorkspace::last_row_changes)
      .function("encoderStart", &JsWorkspace::encoder_start)
      .function("encoderStep", &JsWorkspace::encoder_step)
      .function("encoderStsLoad", &JsWorkspace::encoder_sts_load)
      .function("encoderSts", &JsWorkspace::encoder_sts)
      .function("encoderMap", &JsWorkspace::encoder_map)
      .function("encoderAttention", &JsWorkspace::encoder_attention);
}
