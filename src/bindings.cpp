// The only file that knows about Emscripten: embind glue between the page's Web Worker and the
// core's Workspace (src/workspace.h), which holds all the logic. Here JavaScript values become
// plain C++ (a number n or an Int32Array of ids for a selection of words, typed arrays for
// vectors), replies become JSON text or typed arrays copied out of the heap, and every exception
// becomes {"error": "..."}: nothing throws across into JavaScript.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <vector>

#include "parallel.h"
#include "workspace.h"

namespace {

using namespace embplay;
using emscripten::val;
using nlohmann::json;

// JSON text for the worker. A string that is not valid UTF-8 (bytes of a file in another
// encoding, quoted in a message) is written with U+FFFD instead of making dump() throw.
std::string json_text(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string error_json(const std::string& message) { return json_text(json{{"error", message}}); }

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
  const std::string problem = failure_of([&] { out = json_text(body()); });
  return problem.empty() ? out : error_json(problem);
}

// {"ok": true} once `body` has run, or {"error": ...}.
template <typename F>
std::string ok_reply(F&& body) {
  return reply([&] {
    body();
    return json{{"ok", true}};
  });
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

// A slice of t-SNE or UMAP as {coords, dims, iteration, iterations, done}, or {error}.
template <typename F>
val frame_reply(F&& step) {
  return object_reply([&](val& out) {
    const TsneFrame f = step();
    out.set("coords", floats_to_js(f.coords));
    out.set("dims", static_cast<int>(f.coords.cols()));
    out.set("iteration", f.iteration);
    out.set("iterations", f.iterations);
    out.set("done", f.done);
  });
}
val ids_to_js(const Ids& ids) { return copy_to_js("Int32Array", ids.data(), ids.size()); }

// A Float32Array's values; empty for anything else (null, undefined).
std::vector<float> floats_of(const val& v) {
  if (!v.instanceof(val::global("Float32Array"))) return {};
  return emscripten::convertJSArrayToNumberVector<float>(v);
}

// An Int32Array's values; `what` names it in the error for anything else.
Ids ids_of(const val& v, const char* what) {
  if (!v.instanceof(val::global("Int32Array"))) throw InputError(std::string(what) + ": an Int32Array of ids");
  return emscripten::convertJSArrayToNumberVector<int32_t>(v);
}

val strings_to_js(const std::vector<std::string>& strings) {
  val out = val::array();
  for (const std::string& s : strings) out.call<void>("push", s);
  return out;
}

// n (the n most frequent words) or an Int32Array of vocabulary ids.
WordSelection selection_of(const val& v) {
  if (v.isNumber()) return WordSelection::top(v.as<int>());
  if (!v.instanceof(val::global("Int32Array"))) throw InputError("words: a number of words, or an Int32Array of word ids");
  return WordSelection::of(ids_of(v, "words"));
}

// k-means options: k clusters, seeded (the rest checked against the options' table).
KMeansOptions kmeans_options_of(int k, double seed) {
  KMeansOptions options = kmeans_options_from_json({{"seed", seed}});
  options.k = k;
  return options;
}

// A clustering for JavaScript: {assignment: Int32Array, <words>: [[word]] per cluster, sizes}.
void set_clusters(val& out, const Ids& assignment, const char* words_key, const std::vector<std::vector<std::string>>& words,
                  const std::vector<int>& sizes) {
  out.set("assignment", ids_to_js(assignment));
  val lists = val::array(), counts = val::array();
  for (size_t c = 0; c < words.size(); ++c) {
    lists.call<void>("push", strings_to_js(words[c]));
    counts.call<void>("push", sizes[c]);
  }
  out.set(words_key, lists);
  out.set("sizes", counts);
}

void set_projection(val& out, const Projection& p) {
  out.set("coords", floats_to_js(p.coords));
  val explained = val::array();
  for (const float share : p.explained) explained.call<void>("push", share);
  out.set("explained", explained);
  out.set("dims", static_cast<int>(p.coords.cols()));
}

// A JSON value as a JavaScript value.
val json_to_js(const json& j) { return val::global("JSON").call<val>("parse", j.dump()); }

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
  // PCA to dims (2 or 3) dimensions, aligned to previous (dims * n floats) when it fits.
  val project_pca(val selection, val previous, int dims) {
    return object_reply([&](val& out) {
      if (const auto p = ws_.pca(selection_of(selection), floats_of(previous), dims)) set_projection(out, *p);
    });
  }
  // {coords: Float32Array(2n), axes: {x, y, cosine, orthogonal}} of the words on two semantic axes.
  val axes(val selection, const std::string& x, const std::string& y, bool orthogonal) {
    return object_reply([&](val& out) {
      const AxesReply r = ws_.axes(selection_of(selection), x, y, orthogonal);
      out.set("coords", floats_to_js(r.coords));
      out.set("axes", json_to_js(r.axes));
    });
  }
  std::string odd_one_out(const std::string& words) { return reply([&] { return ws_.odd_one_out(words); }); }
  std::string collapse() { return reply([&] { return ws_.collapse(); }); }
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

  std::string neighbors(const std::string& word, int k) { return neighbors_by(word, k, "cosine", "input"); }
  std::string neighbors_by(const std::string& word, int k, const std::string& metric, const std::string& table) {
    return reply([&] { return ws_.neighbors(word, k, metric, table); });
  }
  std::string analogy(const std::string& a, const std::string& b, const std::string& c, int k, const std::string& method) {
    return reply([&] { return ws_.analogy(a, b, c, k, method); });
  }
  // start: undefined, null, or an Int32Array(n) of a previous clustering to follow.
  val kmeans(val selection, int k, double seed, val start) {
    return object_reply([&](val& out) {
      KMeansOptions options = kmeans_options_of(k, seed);
      if (!start.isUndefined() && !start.isNull()) options.start = emscripten::convertJSArrayToNumberVector<int32_t>(start);
      const ClusterReply r = ws_.kmeans(selection_of(selection), options);
      set_clusters(out, r.assignment, "central", r.central, r.sizes);
      out.set("inertia", r.inertia);
    });
  }
  std::string tsne_start(val selection, const std::string& options) {
    return reply([&] {
      const TsneOptions o = tsne_options_from_json(parse_object(options, "t-SNE options"));
      return ws_.tsne_start(selection_of(selection), o);
    });
  }
  val tsne_step(int iterations) { return frame_reply([&] { return ws_.tsne_step(iterations); }); }
  std::string umap_start(val selection, const std::string& options) {
    return reply([&] {
      const UmapOptions o = umap_options_from_json(parse_object(options, "UMAP options"));
      return ws_.umap_start(selection_of(selection), o);
    });
  }
  val umap_step(int epochs) { return frame_reply([&] { return ws_.umap_step(epochs); }); }
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
    return ok_reply([&] { ws_.import_begin(format, max_words); });
  }
  // bytes: a Uint8Array, or a string as UTF-8.
  std::string import_chunk(const std::string& bytes) { return reply([&] { return ws_.import_chunk(bytes); }); }
  std::string import_metadata(const std::string& bytes) {
    return ok_reply([&] { ws_.import_metadata(bytes); });
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
    return ok_reply([&] { ws_.eval_load(name, text); });
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
  void drop_source() { ws_.drop_source(); }

  // ---- units of text (sentences, paragraphs, documents), pooled
  std::string units_open(const std::string& text, const std::string& kind) {
    return ok_reply([&] { ws_.units_open(text, kind); });
  }
  std::string units_documents_begin(const std::string& format, const std::string& field) {
    return ok_reply([&] { ws_.units_documents_begin(format, field); });
  }
  // bytes: a Uint8Array, or a string as UTF-8.
  std::string units_documents_chunk(const std::string& bytes) { return reply([&] { return ws_.units_documents_chunk(bytes); }); }
  std::string units_documents_finish() { return ok_reply([&] { ws_.units_documents_finish(); }); }
  std::string units_pooling(const std::string& name, bool drop_stopwords) {
    return ok_reply([&] { ws_.units_pooling(name, drop_stopwords); });
  }
  std::string units_repool() { return ok_reply([&] { ws_.units_repool(); }); }
  std::string units_step(double budget) { return reply([&] { return ws_.units_step(static_cast<int64_t>(budget)); }); }
  std::string units_status() { return reply([&] { return ws_.units_status(); }); }
  std::string units_search(const std::string& query, const std::string& method, int k) {
    return reply([&] { return ws_.units_search(query, method, k); });
  }
  std::string units_nearest(int unit, int k) { return reply([&] { return ws_.units_nearest(unit, k); }); }
  std::string units_compare(const std::string& a, const std::string& b) { return reply([&] { return ws_.units_compare(a, b); }); }
  // previous: null, or a Float32Array of the last frame of the same units.
  val units_map(int max_units, val previous) {
    return object_reply([&](val& out) {
      const UnitMap m = ws_.units_map(max_units, floats_of(previous));
      set_projection(out, m.projection);
      out.set("units", ids_to_js(m.units));
      out.set("known", ids_to_js(m.known));
      out.set("words", ids_to_js(m.words));
      out.set("texts", strings_to_js(m.texts));
      out.set("withVector", m.with_vector);
    });
  }
  val units_clusters(val units, int k, double seed) {
    return object_reply([&](val& out) {
      const UnitClusterReply r = ws_.units_clusters(ids_of(units, "units"), kmeans_options_of(k, seed));
      set_clusters(out, r.assignment, "labels", r.labels, r.sizes);
    });
  }
  std::string units_tsne_start(val units, const std::string& options) {
    return reply([&] {
      const TsneOptions o = tsne_options_from_json(parse_object(options, "t-SNE options"));
      return ws_.units_tsne_start(ids_of(units, "units"), o);
    });
  }
  std::string sentence_eval_load(const std::string& name, const std::string& text) {
    return ok_reply([&] { ws_.sentence_eval_load(name, text); });
  }
  std::string sentence_eval_run() { return reply([&] { return ws_.sentence_eval_run(); }); }

  // ---- items: item2vec on events or baskets, users and their recommendations
  std::string start_items(const std::string& data, const std::string& format, const std::string& options) {
    return reply([&] { return ws_.start_items(data, format, item2vec_options_from_json(parse_object(options, "item2vec options"))); });
  }
  std::string recommend(const std::string& user, int k) { return reply([&] { return ws_.recommend(user, k); }); }
  std::string random_user(double seed) {
    return reply([&] { return json{{"user", ws_.random_user(static_cast<uint32_t>(seed))}}; });
  }
  std::string users(const std::string& prefix, int limit) { return reply([&] { return ws_.users(prefix, limit); }); }
  // models: comma-separated (popularity,knn,item2vec,item2vec+knn).
  std::string items_eval_start(const std::string& models) {
    return reply([&] { return ws_.items_eval_start(parse_recsys_models(models)); });
  }
  std::string items_eval_step(double seconds) { return reply([&] { return ws_.items_eval_step(seconds); }); }
  // The sentence encoder (encoder_session.h).
  // pairs: a pairs file's text ("" for none), those scoring under min_score left out.
  std::string encoder_start(const std::string& text, const std::string& options, bool by_line, const std::string& pairs,
                            double min_score) {
    return reply([&] { return ws_.encoder().start(text, options, by_line, pairs, min_score); });
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
std::string umap_schema_text() { return umap_schema().dump(); }
std::string kmeans_schema_text() { return kmeans_schema().dump(); }
std::string count_tokens_text(const std::string& text, const std::string& tokenizer) {
  return reply([&] { return count_tokens(text, parse_object(tokenizer, "tokenizer settings")); });
}
std::string item2vec_schema_text() { return item2vec_schema().dump(); }
std::string encoder_schema_text() { return encoder_schema().dump(); }
// Asks for 1 or 2 threads for the big matrix products; returns the count in use: always 1 in a
// module built without threads. Results are the same bits either way (parallel.h).
int set_threads(int n) { return parallel::set_threads(n); }

}  // namespace

EMSCRIPTEN_BINDINGS(embplay) {
  emscripten::function("settingsSchema", &settings_schema_text);
  emscripten::function("word2vecSchema", &word2vec_schema_text);
  emscripten::function("tsneSchema", &tsne_schema_text);
  emscripten::function("umapSchema", &umap_schema_text);
  emscripten::function("kmeansSchema", &kmeans_schema_text);
  emscripten::function("countTokens", &count_tokens_text);
  emscripten::function("setThreads", &set_threads);
  emscripten::function("item2vecSchema", &item2vec_schema_text);
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
      .function("projectPca", &JsWorkspace::project_pca)
      .function("axes", &JsWorkspace::axes)
      .function("oddOneOut", &JsWorkspace::odd_one_out)
      .function("collapse", &JsWorkspace::collapse)
      .function("vectorsOf", &JsWorkspace::vectors_of)
      .function("pcaOf", &JsWorkspace::pca_of)
      .function("neighbors", &JsWorkspace::neighbors)
      .function("neighborsBy", &JsWorkspace::neighbors_by)
      .function("analogy", &JsWorkspace::analogy)
      .function("kmeans", &JsWorkspace::kmeans)
      .function("tsneStart", &JsWorkspace::tsne_start)
      .function("tsneStep", &JsWorkspace::tsne_step)
      .function("umapStart", &JsWorkspace::umap_start)
      .function("umapStep", &JsWorkspace::umap_step)
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
      .function("startItems", &JsWorkspace::start_items)
      .function("recommend", &JsWorkspace::recommend)
      .function("randomUser", &JsWorkspace::random_user)
      .function("users", &JsWorkspace::users)
      .function("itemsEvalStart", &JsWorkspace::items_eval_start)
      .function("itemsEvalStep", &JsWorkspace::items_eval_step)
      .function("dropSource", &JsWorkspace::drop_source)
      .function("unitsOpen", &JsWorkspace::units_open)
      .function("unitsDocumentsBegin", &JsWorkspace::units_documents_begin)
      .function("unitsDocumentsChunk", &JsWorkspace::units_documents_chunk)
      .function("unitsDocumentsFinish", &JsWorkspace::units_documents_finish)
      .function("unitsPooling", &JsWorkspace::units_pooling)
      .function("unitsRepool", &JsWorkspace::units_repool)
      .function("unitsStep", &JsWorkspace::units_step)
      .function("unitsStatus", &JsWorkspace::units_status)
      .function("unitsSearch", &JsWorkspace::units_search)
      .function("unitsNearest", &JsWorkspace::units_nearest)
      .function("unitsCompare", &JsWorkspace::units_compare)
      .function("unitsMap", &JsWorkspace::units_map)
      .function("unitsClusters", &JsWorkspace::units_clusters)
      .function("unitsTsneStart", &JsWorkspace::units_tsne_start)
      .function("sentenceEvalLoad", &JsWorkspace::sentence_eval_load)
      .function("sentenceEvalRun", &JsWorkspace::sentence_eval_run)
      .function("encoderStart", &JsWorkspace::encoder_start)
      .function("encoderStep", &JsWorkspace::encoder_step)
      .function("encoderStsLoad", &JsWorkspace::encoder_sts_load)
      .function("encoderSts", &JsWorkspace::encoder_sts)
      .function("encoderMap", &JsWorkspace::encoder_map)
      .function("encoderAttention", &JsWorkspace::encoder_attention);
}
