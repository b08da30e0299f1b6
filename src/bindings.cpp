// The only file that knows about Emscripten: a small embind surface over the core for the page's
// Web Worker. Every call returns JSON text (or a typed array it copied out of the heap), and
// errors come back as {"error": "..."}: nothing throws across into JavaScript.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "cluster.h"
#include "evaluation.h"
#include "geometry.h"
#include "model_io.h"
#include "ngram.h"
#include "trainer.h"
#include "tsne.h"
#include "vectors_io.h"
#include "word2vec.h"

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

// PCA of `vectors` (N, d) to 2D as {coords: Float32Array(2N), explained: [fx, fy]}, turned to
// best match `previous` when it is a Float32Array(2N) (the last frame of the same rows).
val project(const RowMatrix& vectors, const val& previous) {
  RowMatrix prev;
  if (previous.instanceof(val::global("Float32Array")) &&
      previous["length"].as<size_t>() == static_cast<size_t>(2 * vectors.rows())) {
    const std::vector<float> flat = emscripten::convertJSArrayToNumberVector<float>(previous);
    prev = Eigen::Map<const RowMatrix>(flat.data(), vectors.rows(), 2);
  }
  const Projection p = prev.size() > 0 ? pca_2d_aligned(vectors, prev) : pca_2d(vectors);
  val out = val::object();
  out.set("coords", copy_to_js("Float32Array", p.coords.data(), static_cast<size_t>(p.coords.size())));
  val explained = val::array();
  explained.call<void>("push", p.explained[0]);
  explained.call<void>("push", p.explained[1]);
  out.set("explained", explained);
  return out;
}

// Vectors opened from a file: words with <pad> and <unk> in front (zero rows), so that the same
// geometry tools work on them. Explored, never trained.
struct ImportedVectors {
  Vocab vocab;        // (N + 2): <pad>, <unk>, then the file's words in file order
  RowMatrix table;    // (N + 2, d): rows 0 and 1 are zero
  std::string format;
};

// The current vocabulary and its vector table, whatever the source.
struct Vectors {
  const Vocab* vocab = nullptr;
  const RowMatrix* table = nullptr;  // (V, d): row i is the vector of word i; rows 0, 1 unused
  const TokenizerOptions* tokenizer = nullptr;  // how a typed word is read; null: taken as it is
  bool counted = true;               // the vocabulary's counts are real (not for files)
  explicit operator bool() const { return vocab != nullptr; }
};

// The words and vectors of `v` without <pad> and <unk>, as the file formats and the evaluation want them.
WordVectors word_vectors(const Vectors& v, int64_t limit = -1) {
  const int64_t n = v.vocab->size() - 2;
  const int64_t kept = limit < 0 ? n : std::min(n, limit);
  WordVectors out;
  out.words.assign(v.vocab->words().begin() + 2, v.vocab->words().begin() + 2 + kept);
  out.vectors = v.table->middleRows(2, kept);
  return out;
}

// Analogies search this many of the most frequent words, as word2vec's compute-accuracy does: it
// keeps a run over the whole set within seconds in the page.
constexpr int kAnalogyWords = 30000;

// One run in the page. Its vectors come from exactly one source: the next-word trainer, a next-word
// model loaded from a file, a word2vec trainer, or vectors opened from a file.
class Session {
 public:
  std::string start(const std::string& text, const std::string& settings_json) {
    return guarded([&] {
      const json j = json::parse(settings_json, nullptr, false);
      if (j.is_discarded()) return error("settings are not valid JSON");
      auto trainer = std::make_unique<Trainer>(text, settings_from_json(j));
      clear();  // replace the old run only once the new one is valid
      trainer_ = std::move(trainer);
      const TextStats& s = trainer_->stats();
      return json{{"ok", true},
                  {"stats",
                   {{"sentences", s.sentences}, {"tokens", s.tokens}, {"types", s.types},
                    {"vocab", trainer_->vocab().size()}, {"train_examples", s.train_examples},
                    {"valid_examples", s.valid_examples}, {"oov_tokens", s.oov_tokens}}}}
          .dump();
    });
  }

  // A word2vec run on `text`; options as word2vec_schema() lists them. Its stats use the next-word
  // run's names: train_examples are the in-vocabulary words of one epoch, nothing is held out.
  std::string start_word2vec(const std::string& text, const std::string& options_json) {
    return guarded([&] {
      const json j = json::parse(options_json, nullptr, false);
      if (j.is_discarded()) return error("options are not valid JSON");
      auto trainer = std::make_unique<Word2VecTrainer>(text, word2vec_options_from_json(j));
      clear();
      w2v_ = std::move(trainer);
      w2v_steps_ = 0;
      const Word2VecStats& s = w2v_->stats();
      return json{{"ok", true},
                  {"stats",
                   {{"sentences", s.sentences}, {"tokens", s.tokens}, {"types", s.types},
                    {"vocab", w2v_->vocab().size()}, {"train_examples", s.train_words}, {"valid_examples", 0},
                    {"oov_tokens", s.tokens - s.train_words}}}}
          .dump();
    });
  }

  // Trains about `budget` examples (next-word) or words (word2vec). Both report the same fields.
  std::string step(double budget) {
    return guarded([&] {
      if (w2v_) return step_word2vec(static_cast<int64_t>(budget));
      if (!trainer_) return error(imported_ ? "vectors opened from a file cannot be trained" : "nothing to train: start a run first");
      const Progress p = trainer_->step(static_cast<int64_t>(budget));
      return json{{"epoch", p.epoch}, {"epochs", trainer_->settings().epochs}, {"step", p.step},
                  {"epoch_position", p.epoch_position}, {"epoch_size", p.epoch_size},
                  {"train_loss", p.train_loss}, {"last_batch_loss", finite_or_null(p.last_batch_loss)},
                  {"tokens_per_sec", p.tokens_per_sec}, {"epoch_end", p.epoch_end}, {"finished", p.finished},
                  {"diverged", p.diverged}}
          .dump();
    });
  }

  // {loss, perplexity, accuracy (top-1), top5, examples} on the validation split, as the twin's.
  std::string evaluate() {
    return guarded([&] {
      if (!trainer_) return error(current() ? "held-out perplexity belongs to the next-word model" : "nothing to evaluate: start a run first");
      return evaluation_json(trainer_->evaluate()).dump();
    });
  }

  // {words, counts, ids}: the selected words (see selected(): n, the n most frequent, file order
  // for opened vectors, whose counts are null; or an Int32Array of ids) and their vocabulary ids.
  std::string words(val selection) {
    return guarded([&] {
      const Vectors v = current();
      if (!v) return error("no model yet");
      json words = json::array(), counts = json::array(), ids = json::array();
      for (int32_t id : selected(v, selection)) {
        words.push_back(v.vocab->word(id));
        counts.push_back(v.counted ? json(v.vocab->count(id)) : json());
        ids.push_back(id);
      }
      return json{{"words", words}, {"counts", counts}, {"ids", ids}}.dump();
    });
  }

  // {coords: Float32Array(2n) of x, y pairs for words(selection), explained: [fx, fy]}
  val pca(val selection) { return pca_aligned(selection, val::null()); }

  // As pca(selection), turned to best match `previous` (Float32Array(2n), the last frame of the
  // same words in the same order), so that words move only when their vectors move. Any other
  // `previous` (null, another length): plain pca. Chosen ids must be projectable
  // (check_projectable: at least kMinMapWords, some spread), else {error}.
  val pca_aligned(val selection, val previous) {
    val out = val::object();
    const std::string problem = guarded([&] {
      const Vectors v = current();
      if (!v) return std::string();
      bool chosen = false;
      const RowMatrix vectors = gather_rows(*v.table, selected(v, selection, &chosen));
      if (chosen) check_projectable(vectors, kMinMapWords, "PCA");
      out = project(vectors, previous);
      return std::string();
    });
    if (!problem.empty()) out.set("error", json::parse(problem)["error"].get<std::string>());
    return out;
  }

  // The timeline's raw material: {vectors: Float32Array(n * d), rows: n, dim: d}, a copy of the
  // vectors of words(n) in that order (the worker keeps one per epoch).
  val vectors_of(int n) {
    const Vectors v = current();
    val out = val::object();
    if (!v) return out;
    const RowMatrix vectors = gather_rows(*v.table, top_words(*v.vocab, n));  // (n, d)
    out.set("vectors", copy_to_js("Float32Array", vectors.data(), static_cast<size_t>(vectors.size())));
    out.set("rows", static_cast<int>(vectors.rows()));
    out.set("dim", static_cast<int>(vectors.cols()));
    return out;
  }

  // PCA of a kept snapshot `vectors` (Float32Array(rows * dim), row-major) to 2D, turned to best
  // match `previous` (Float32Array(2 rows)) when given: {coords: Float32Array(2 rows), explained}.
  val pca_of(val vectors, int rows, int dim, val previous) {
    const std::vector<float> flat = emscripten::convertJSArrayToNumberVector<float>(vectors);
    if (rows < 1 || dim < 1 || flat.size() != static_cast<size_t>(rows) * static_cast<size_t>(dim)) return val::object();
    return project(Eigen::Map<const RowMatrix>(flat.data(), rows, dim), previous);
  }

  std::string neighbors(const std::string& word, int k) { return neighbors_by(word, k, "cosine"); }

  // {word, metric, neighbors: [{word, similarity, distance}]}: metric cosine (most similar first)
  // or euclidean (closest first); both measures are given.
  std::string neighbors_by(const std::string& word, int k, const std::string& metric) {
    return guarded([&] {
      const Vectors v = current();
      if (!v) return error("no model yet");
      if (metric != "cosine" && metric != "euclidean") return error("metric must be cosine or euclidean");
      std::string query;
      const int32_t id = lookup(v, word, &query);
      json list = json::array();
      for (const Neighbor& nb : nearest_neighbors(*v.table, id, k, metric == "cosine" ? Metric::kCosine : Metric::kEuclidean))
        list.push_back({{"word", v.vocab->word(nb.id)}, {"similarity", nb.similarity}, {"distance", nb.distance}});
      return json{{"word", query}, {"metric", metric}, {"neighbors", list}}.dump();
    });
  }

  // a - b + c (king - man + woman ~ queen), method 3CosAdd or 3CosMul:
  // {words: [a, b, c] as read, method, answers: [{word, score}]} best first, a, b, c excluded.
  std::string analogy(const std::string& a, const std::string& b, const std::string& c, int k,
                      const std::string& method) {
    return guarded([&] {
      const Vectors v = current();
      if (!v) return error("no model yet");
      if (method != "3CosAdd" && method != "3CosMul") return error("method must be 3CosAdd or 3CosMul");
      if (k < 1 || k > 100) return error("ask for 1 to 100 answers");
      std::string qa, qb, qc;
      const int32_t ia = lookup(v, a, &qa), ib = lookup(v, b, &qb), ic = lookup(v, c, &qc);
      json answers = json::array();
      const auto m = method == "3CosAdd" ? AnalogyMethod::k3CosAdd : AnalogyMethod::k3CosMul;
      for (const AnalogyAnswer& ans : embplay::analogy(*v.table, ia, ib, ic, k, m))
        answers.push_back({{"word", v.vocab->word(ans.id)}, {"score", ans.score}});
      return json{{"words", {qa, qb, qc}}, {"method", method}, {"answers", answers}}.dump();
    });
  }

  // k-means (on unit-length vectors) of the shown words, words(selection)'s order:
  // {assignment: Int32Array(n), central: [[word]] (k, most central first, at most 5), sizes, inertia}
  // or {error}. start: undefined, or an Int32Array(n) of a previous clustering to follow
  // (KMeansOptions::start; -1 for a word it did not have).
  val kmeans(val selection, int k, double seed, val start) {
    val out = val::object();
    const std::string problem = guarded([&] {
      const Vectors v = current();
      if (!v) return error("no model yet");
      const Ids ids = selected(v, selection);
      if (ids.empty()) return error("no words to cluster");
      if (k < 1 || k > static_cast<int>(ids.size()))
        return error("clusters: k must be between 1 and the number of shown words (" + std::to_string(ids.size()) + ")");
      KMeansOptions options;
      options.k = k;
      options.central = 5;
      options.seed = static_cast<uint64_t>(seed);
      if (!start.isUndefined() && !start.isNull()) options.start = emscripten::convertJSArrayToNumberVector<int32_t>(start);
      const KMeansResult r = embplay::kmeans(gather_rows(*v.table, ids), options, ids);
      out.set("assignment", copy_to_js("Int32Array", r.assignment.data(), r.assignment.size()));
      val central = val::array(), sizes = val::array();
      for (int c = 0; c < k; ++c) {
        val members = val::array();
        for (int32_t id : r.central[c]) members.call<void>("push", v.vocab->word(id));
        central.call<void>("push", members);
        sizes.call<void>("push", r.sizes[c]);
      }
      out.set("central", central);
      out.set("sizes", sizes);
      out.set("inertia", r.inertia);
      return std::string();
    });
    if (!problem.empty()) out.set("error", json::parse(problem)["error"].get<std::string>());
    return out;
  }

  // t-SNE of the shown words, words(selection) (a copy of their vectors: training goes on). Chosen
  // ids must be projectable (at least 4, some spread). options: perplexity,
  // learning_rate (<= 0: auto), iterations, early_exaggeration, exaggeration_iterations, theta,
  // seed. Warm-starts from the last t-SNE layout when the words are the same (then without early
  // exaggeration). {ok, n, warm, learning_rate}; on an error the previous t-SNE stays.
  std::string tsne_start(val selection, const std::string& options_json) {
    return guarded([&] {
      const Vectors v = current();
      if (!v) return error("no model yet");
      const json j = json::parse(options_json, nullptr, false);
      if (j.is_discarded() || !j.is_object()) return error("t-SNE options are not a JSON object");
      TsneOptions o;
      o.perplexity = j.value("perplexity", o.perplexity);
      o.learning_rate = j.value("learning_rate", o.learning_rate);
      o.iterations = j.value("iterations", o.iterations);
      o.early_exaggeration = j.value("early_exaggeration", o.early_exaggeration);
      o.exaggeration_iterations = j.value("exaggeration_iterations", o.exaggeration_iterations);
      o.theta = j.value("theta", o.theta);
      o.seed = j.value("seed", o.seed);
      bool chosen = false;
      const Ids ids = selected(v, selection, &chosen);
      const RowMatrix vectors = gather_rows(*v.table, ids);
      if (chosen) check_projectable(vectors, kMinTsnePoints, "t-SNE");
      RowMatrix initial;
      const bool warm = tsne_ && ids == tsne_ids_;
      if (warm) {
        initial = tsne_->coords();
        o.exaggeration_iterations = 0;
      }
      auto next = std::make_unique<Tsne>(vectors, o, initial);
      tsne_ = std::move(next);
      tsne_ids_ = ids;
      tsne_iterations_ = o.iterations;
      return json{{"ok", true}, {"n", ids.size()}, {"warm", warm}, {"learning_rate", tsne_->learning_rate()}}.dump();
    });
  }

  // Runs up to `iterations` more t-SNE iterations: {coords: Float32Array(2n), iteration, iterations,
  // done} or {error}.
  val tsne_step(int iterations) {
    val out = val::object();
    const std::string problem = guarded([&] {
      if (!tsne_) return error("no t-SNE running: call tsneStart first");
      tsne_->step(std::max(0, iterations));
      const RowMatrix c = tsne_->coords();
      out.set("coords", copy_to_js("Float32Array", c.data(), static_cast<size_t>(c.size())));
      out.set("iteration", tsne_->iteration());
      out.set("iterations", tsne_iterations_);
      out.set("done", tsne_->done());
      return std::string();
    });
    if (!problem.empty()) out.set("error", json::parse(problem)["error"].get<std::string>());
    return out;
  }

  std::string predict(const std::string& context_text, int k) {
    return guarded([&] {
      const TrainedModel* m = model();
      if (!m) {
        if (current()) return error("Predict needs the next-word model: word2vec and opened vectors give neighbours, not next words");
        return error("no model yet");
      }
      const std::vector<std::string> words = tokenize_words(context_text, m->settings.tokenizer);
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
      if (!m) return error(current() ? "model JSON is the next-word model's file: export the vectors instead" : "no model to save");
      return model_to_json(*m).dump();
    });
  }

  std::string load_model(const std::string& text) {
    return guarded([&] {
      const json j = json::parse(text, nullptr, false);
      if (j.is_discarded()) return error("the file is not valid JSON");
      auto loaded = std::make_unique<TrainedModel>(model_from_json(j));
      clear();
      loaded_ = std::move(loaded);
      return json{{"ok", true}, {"vocab", loaded_->vocab.size()}, {"settings", settings_to_json(loaded_->settings)}}.dump();
    });
  }

  // ---- vectors from a file, streamed: importBegin, importChunk..., [importMetadata], importFinish.
  // The current run stays until importFinish succeeds.

  // format: "auto" (guessed from the first chunk) or a name parse_vector_format() knows;
  // max_words: keep the file's first this many words (1..200000).
  std::string import_begin(const std::string& format, int max_words) {
    return guarded([&] {
      import_ = {};
      if (max_words < 1 || max_words > kMaxMaxWords)
        return error("keep between 1 and " + std::to_string(kMaxMaxWords) + " words");
      import_.max_words = max_words;
      if (format != "auto") {
        import_.format = parse_vector_format(format);
        import_.reader = std::make_unique<VectorReader>(import_.format, max_words);
      }
      import_.active = true;
      return json{{"ok", true}}.dump();
    });
  }

  // Bytes of the file (a Uint8Array, or a string as UTF-8). {kept, done}: done once max_words are
  // kept (a further chunk only tells whether the file had more).
  std::string import_chunk(const std::string& bytes) {
    return guarded([&] {
      if (!import_.active) return error("no import in progress: call importBegin first");
      try {
        if (import_.reader) {
          import_.reader->feed(bytes);
        } else {  // "auto": the format is guessed from the first kDetectBytes bytes
          import_.head += bytes;
          if (import_.head.size() >= kDetectBytes) start_reader();
        }
      } catch (...) {
        import_ = {};
        throw;
      }
      const bool reading = import_.reader != nullptr;
      return json{{"kept", reading ? import_.reader->kept() : 0}, {"done", reading && import_.reader->done()}}.dump();
    });
  }

  // The Projector's metadata.tsv, for TSV vectors.
  std::string import_metadata(const std::string& bytes) {
    return guarded([&] {
      if (!import_.active) return error("no import in progress: call importBegin first");
      import_.metadata = bytes;
      import_.has_metadata = true;
      return json{{"ok", true}}.dump();
    });
  }

  // {ok, words, dim, duplicates, truncated, skipped, format}: the vectors replace the run.
  std::string import_finish() {
    return guarded([&] {
      Import job = std::move(import_);
      import_ = {};
      if (!job.active) return error("no import in progress: call importBegin first");
      if (!job.reader && !job.head.empty()) {
        import_ = std::move(job);
        start_reader();
        job = std::move(import_);
        import_ = {};
      }
      if (!job.reader) return error("the file is empty");
      WordVectors v = job.reader->finish();
      ReadReport report = job.reader->report();
      const VectorFormat format = job.format;
      job.reader.reset();
      if (format == VectorFormat::kTsv) {
        if (!job.has_metadata) return error("TSV vectors need their metadata.tsv (the words): open both files together");
        try {
          attach_tsv_metadata(v, job.metadata, &report);
        } catch (const InputError& e) {
          throw InputError(std::string("metadata.tsv: ") + e.what());
        }
      }
      // <pad> and <unk> name the two zero rows in front; a file's own copies are left out.
      std::vector<std::string> words = {Vocab::pad_word(), Vocab::unk_word()};
      std::vector<int32_t> rows;
      words.reserve(v.words.size() + 2);
      rows.reserve(v.words.size());
      for (size_t i = 0; i < v.words.size(); ++i) {
        if (v.words[i] == Vocab::pad_word() || v.words[i] == Vocab::unk_word()) continue;
        words.push_back(std::move(v.words[i]));
        rows.push_back(static_cast<int32_t>(i));
      }
      const int64_t skipped = static_cast<int64_t>(v.words.size() - rows.size());
      auto imported = std::make_unique<ImportedVectors>();
      imported->table = RowMatrix::Zero(static_cast<Eigen::Index>(rows.size() + 2), v.vectors.cols());
      for (size_t r = 0; r < rows.size(); ++r) imported->table.row(static_cast<Eigen::Index>(r + 2)) = v.vectors.row(rows[r]);
      v.vectors.resize(0, 0);
      std::vector<int64_t> counts(words.size(), 0);
      imported->vocab = Vocab::from_words(std::move(words), std::move(counts));
      imported->format = vector_format_name(format);
      clear();
      imported_ = std::move(imported);
      return json{{"ok", true},
                  {"words", imported_->vocab.size() - 2},
                  {"dim", imported_->table.cols()},
                  {"duplicates", report.duplicates},
                  {"first_duplicate", report.first_duplicate},
                  {"truncated", report.truncated},
                  {"skipped", skipped},
                  {"format", imported_->format}}
          .dump();
    });
  }

  // The current vectors as a file: a Uint8Array, or {"error"} as a string. format: glove, word2vec,
  // word2vec-bin, tsv (vectors.tsv), or tsv-metadata (metadata.tsv).
  val export_vectors(const std::string& format) {
    std::string bytes;
    const std::string result = guarded([&] {
      const Vectors v = current();
      if (!v) return error("no vectors yet");
      const WordVectors out = word_vectors(v);
      bytes = format == "tsv-metadata" ? write_tsv_metadata(out) : write_vectors(out, parse_vector_format(format));
      return std::string();
    });
    if (!result.empty()) return val(result);
    return copy_to_js("Uint8Array", reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }

  // ---- evaluation: the page passes the sets' text in (name: questions-words, wordsim353, simlex999).

  std::string eval_load(const std::string& name, const std::string& text) {
    return guarded([&] {
      if (name == "questions-words") {
        analogies_ = read_analogies(text);
        has_analogies_ = true;
      } else if (name == "wordsim353") {
        wordsim_ = read_similarity(text);
        has_wordsim_ = true;
      } else if (name == "simlex999") {
        simlex_ = read_similarity(text);
        has_simlex_ = true;
      } else {
        return error("unknown evaluation set \"" + name + "\" (questions-words, wordsim353 or simlex999)");
      }
      return json{{"ok", true}}.dump();
    });
  }

  // Analogies by section (over the most frequent kAnalogyWords words) and Spearman correlations,
  // each with its coverage.
  std::string eval_run() {
    return guarded([&] {
      const Vectors v = current();
      if (!v) return error("no vectors yet");
      if (!has_analogies_ || !has_wordsim_ || !has_simlex_) return error("the evaluation sets are not loaded");
      json out = {{"words", v.vocab->size() - 2}, {"analogy_words", std::min<int64_t>(v.vocab->size() - 2, kAnalogyWords)}};
      {
        const WordVectors top = word_vectors(v, kAnalogyWords);
        const AnalogyResult a = evaluate_analogies(top.words, top.vectors, analogies_);
        json sections = json::array();
        for (const auto& s : a.sections) sections.push_back(to_json(s));
        out["analogies"] = {{"sections", sections}, {"semantic", to_json(a.semantic)},
                            {"syntactic", to_json(a.syntactic)}, {"all", to_json(a.all)}};
      }
      const WordVectors all = word_vectors(v);
      out["wordsim353"] = to_json(evaluate_similarity(all.words, all.vectors, wordsim_));
      out["simlex999"] = to_json(evaluate_similarity(all.words, all.vectors, simlex_));
      return out.dump();
    });
  }

  // "nextword", "word2vec", "vectors" or "none".
  std::string kind() const {
    if (trainer_ || loaded_) return "nextword";
    if (w2v_) return "word2vec";
    if (imported_) return "vectors";
    return "none";
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

  // ---- the seed ideas on screen: the n-gram yardstick, the test split, CE against MSE, padding,
  // one context with many targets, sparse row updates.

  // {order, valid_perplexity, test_perplexity (null when nothing is held out), notice}: an
  // interpolated Kneser-Ney model (settings ngram_order) counted on the training split, once.
  std::string yardstick() {
    return guarded([&] {
      if (!trainer_) return error("the yardstick needs a next-word run");
      if (!kn_) kn_ = std::make_unique<KneserNey>(trainer_->sentences().train, trainer_->vocab().size(), trainer_->settings().ngram_order);
      const auto ppl = [&](const Examples& ex) { return ex.size() ? finite_or_null(kn_->perplexity(ex)) : json(); };
      return json{{"order", kn_->order()}, {"valid_perplexity", ppl(trainer_->valid_examples())},
                  {"test_perplexity", ppl(trainer_->test_examples())}, {"notice", trainer_->notice()}}
          .dump();
    });
  }

  // {loss, perplexity, accuracy, top5, examples} on the test split (examples 0: none held out).
  std::string evaluate_test() {
    return guarded([&] {
      if (!trainer_) return error("nothing to evaluate: start a run first");
      return evaluation_json(trainer_->evaluate_test()).dump();
    });
  }

  // Starts a twin of the run with the other loss: the same initial weights and the same batches.
  // {loss}: the twin's loss.
  std::string twin_start() {
    return guarded([&] {
      if (!trainer_) return error("the comparison needs a next-word run");
      const std::string other = trainer_->settings().loss == "mse" ? "cross_entropy" : "mse";
      twin_ = trainer_->twin(other);
      return json{{"loss", other}}.dump();
    });
  }

  // Trains the twin towards the main run's step: about `budget` examples (at least one batch),
  // never past the run, evaluating at each of its epoch ends. Called after each step() of the run
  // (lockstep), or on its own while the run is paused or finished (catching up). {step, target:
  // the run's step, epoch, train_loss, last_batch_loss, finished, diverged, caught_up: nothing
  // left to train (at the run's step, finished or diverged), evaluations: [{epoch, loss,
  // perplexity, accuracy, top5, examples}]}.
  std::string twin_step(double budget) {
    return guarded([&] {
      if (!twin_ || !trainer_) return error("no comparison running");
      json evaluations = json::array();
      const int64_t target = trainer_->progress().step;
      const int64_t batch = twin_->settings().batch;
      int64_t left = std::max<int64_t>(1, static_cast<int64_t>(budget));
      const auto behind = [&] { const Progress& p = twin_->progress(); return !p.finished && !p.diverged && p.step < target; };
      while (behind() && left > 0) {
        const int64_t before = twin_->progress().step;
        // Whole batches up to the run's step: step() stops once `examples` are done.
        const int64_t examples = std::min(left, (target - before) * batch);
        const Progress p = twin_->step(examples);
        left -= (p.step - before) * batch;
        if (p.epoch_end && !p.diverged) {
          json e = evaluation_json(twin_->evaluate());
          e["epoch"] = p.epoch;
          evaluations.push_back(e);
        }
      }
      const Progress& p = twin_->progress();
      return json{{"step", p.step}, {"target", target}, {"epoch", p.epoch}, {"train_loss", p.train_loss},
                  {"last_batch_loss", finite_or_null(p.last_batch_loss)}, {"finished", p.finished},
                  {"diverged", p.diverged}, {"caught_up", !behind()}, {"evaluations", evaluations}}
          .dump();
    });
  }

  // As predict(), from the twin: {context, predictions} or null when there is no twin.
  std::string twin_predict(const std::string& context_text, int k) {
    return guarded([&] {
      if (!twin_) return json().dump();
      const TrainedModel& m = twin_->trained();
      json list = json::array();
      for (const Prediction& p : predict_next(m, tokenize_words(context_text, m.settings.tokenizer), k))
        list.push_back({{"word", m.vocab.word(p.id)}, {"probability", p.probability}});
      return json{{"loss", m.settings.loss}, {"predictions", list}}.dump();
    });
  }

  // What follows `context_text` (its last k words, padded on the left; "" = a sentence start) in
  // the training examples: {context, total, counts: [{word, count}] most frequent first, up to n}.
  std::string next_word_counts(const std::string& context_text, int n) {
    return guarded([&] {
      if (!trainer_) return error("the counts need a next-word run");
      const Vocab& vocab = trainer_->vocab();
      const Examples& ex = trainer_->train_examples();
      const int k = ex.context;
      const std::vector<std::string> words = tokenize_words(context_text, trainer_->settings().tokenizer);
      Ids ctx(k, kPadId);
      json used = json::array();
      for (int j = 0; j < k; ++j) {
        const int index = static_cast<int>(words.size()) - (k - j);
        if (index >= 0) ctx[j] = vocab.id(words[index]);
        used.push_back(vocab.word(ctx[j]));
      }
      std::unordered_map<int32_t, int64_t> counts;
      int64_t total = 0;
      for (int64_t i = 0; i < ex.size(); ++i) {
        if (!std::equal(ctx.begin(), ctx.end(), ex.contexts.begin() + i * k)) continue;
        ++counts[ex.targets[i]];
        ++total;
      }
      std::vector<std::pair<int32_t, int64_t>> sorted(counts.begin(), counts.end());
      std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
      json list = json::array();
      for (size_t i = 0; i < sorted.size() && static_cast<int>(i) < n; ++i)
        list.push_back({{"word", vocab.word(sorted[i].first)}, {"count", sorted[i].second}});
      return json{{"context", used}, {"total", total}, {"distinct", sorted.size()}, {"counts", list}}.dump();
    });
  }

  // A context worth asking about: one without <pad> or <unk> that occurs often in the training
  // examples with many different next words. {context: "w1 w2 ...", occurrences, distinct}, or
  // {context: null} when every context is followed by one word only.
  std::string suggest_context() {
    return guarded([&] {
      if (!trainer_) return error("the suggestion needs a next-word run");
      const Examples& ex = trainer_->train_examples();
      const int k = ex.context;
      struct Seen { int64_t first = 0, count = 0; std::unordered_map<int32_t, int> next; };
      std::unordered_map<std::string, Seen> seen;
      for (int64_t i = 0; i < ex.size(); ++i) {
        const int32_t* c = &ex.contexts[i * k];
        if (std::any_of(c, c + k, [](int32_t id) { return id == kPadId || id == kUnkId; })) continue;
        Seen& s = seen[std::string(reinterpret_cast<const char*>(c), sizeof(int32_t) * k)];
        if (s.count++ == 0) s.first = i;
        ++s.next[ex.targets[i]];
      }
      const Seen* best = nullptr;
      for (const auto& entry : seen) {
        const Seen& s = entry.second;
        if (s.next.size() < 2) continue;
        if (!best || s.next.size() > best->next.size() || (s.next.size() == best->next.size() && s.first < best->first)) best = &s;
      }
      if (!best) return json{{"context", nullptr}}.dump();
      std::string text;
      for (int j = 0; j < k; ++j) text += (j ? " " : "") + trainer_->vocab().word(ex.contexts[best->first * k + j]);
      return json{{"context", text}, {"occurrences", best->count}, {"distinct", best->next.size()}}.dump();
    });
  }

  // The embedding rows the last batch changed and how far each moved: {rows: Int32Array(U),
  // changes: Float32Array(U)}.
  val last_row_changes() {
    val out = val::object();
    if (!trainer_) return out;
    const Ids& rows = trainer_->last_rows();
    const std::vector<float>& changes = trainer_->last_row_changes();
    out.set("rows", copy_to_js("Int32Array", rows.data(), rows.size()));
    out.set("changes", copy_to_js("Float32Array", changes.data(), std::min(changes.size(), rows.size())));
    return out;
  }

 private:
  struct Import {
    bool active = false;
    int max_words = kDefaultMaxWords;
    VectorFormat format = VectorFormat::kGlove;
    std::unique_ptr<VectorReader> reader;  // with "auto", made once kDetectBytes bytes are in
    std::string head;                      // the first bytes, until the format is guessed
    std::string metadata;
    bool has_metadata = false;
  };

  static constexpr size_t kDetectBytes = 4096;

  // Guesses the format from the bytes so far and feeds them to a new reader.
  void start_reader() {
    import_.format = detect_vector_format(import_.head.data(), import_.head.size());
    import_.reader = std::make_unique<VectorReader>(import_.format, import_.max_words);
    import_.reader->feed(import_.head);
    import_.head.clear();
  }

  static json finite_or_null(double x) { return std::isfinite(x) ? json(x) : json(); }
  static json evaluation_json(const Evaluation& ev) {
    return {{"loss", finite_or_null(ev.loss)}, {"perplexity", finite_or_null(ev.perplexity)},
            {"accuracy", ev.accuracy}, {"top5", ev.top5}, {"examples", ev.examples}};
  }

  void clear() {
    trainer_.reset();
    loaded_.reset();
    w2v_.reset();
    imported_.reset();
    tsne_.reset();
    tsne_ids_.clear();
    twin_.reset();
    kn_.reset();
  }

  const TrainedModel* model() const {
    if (trainer_) return &trainer_->trained();
    return loaded_.get();
  }

  Vectors current() const {
    Vectors v;
    if (const TrainedModel* m = model()) {
      v.vocab = &m->vocab;
      v.table = &m->model.embed;
      v.tokenizer = &m->settings.tokenizer;
    } else if (w2v_) {
      v.vocab = &w2v_->vocab();
      v.table = &w2v_->input();
      v.tokenizer = &w2v_->options().tokenizer;
    } else if (imported_) {
      v.vocab = &imported_->vocab;
      v.table = &imported_->table;
      v.counted = false;
    }
    return v;
  }

  // The id of a typed word: read as the model reads text, or (opened vectors) as typed, then
  // lowercased. Throws InputError when it is not one word of the vocabulary.
  static int32_t lookup(const Vectors& v, const std::string& typed, std::string* query) {
    if (v.tokenizer) {
      const std::vector<std::string> words = tokenize_words(typed, *v.tokenizer);
      if (words.size() != 1) throw InputError("type a single word");
      *query = words[0];
    } else {
      const size_t b = typed.find_first_not_of(" \t\r\n"), e = typed.find_last_not_of(" \t\r\n");
      *query = b == std::string::npos ? "" : typed.substr(b, e - b + 1);
      if (query->empty() || query->find_first_of(" \t\r\n") != std::string::npos) throw InputError("type a single word");
      if (!v.vocab->contains(*query) && v.vocab->contains(lowercase_ascii(*query))) *query = lowercase_ascii(*query);
    }
    if (!v.vocab->contains(*query) || v.vocab->id(*query) <= kUnkId)
      throw InputError("\"" + *query + "\" is not in the vocabulary");
    return v.vocab->id(*query);
  }

  // The words a map call is about. `selection` is n, the n most frequent words, or an Int32Array
  // of vocabulary ids: exactly those words, in that order (a search result; `chosen` is then set).
  // Throws InputError for an id that is not a word of the vocabulary, or one given twice.
  static Ids selected(const Vectors& v, const val& selection, bool* chosen = nullptr) {
    if (chosen) *chosen = false;
    if (selection.isNumber()) return top_words(*v.vocab, selection.as<int>());
    if (!selection.instanceof(val::global("Int32Array")))
      throw InputError("words: a number of words, or an Int32Array of word ids");
    if (chosen) *chosen = true;
    const Ids ids = emscripten::convertJSArrayToNumberVector<int32_t>(selection);
    std::vector<bool> seen(static_cast<size_t>(v.vocab->size()), false);
    for (int32_t id : ids) {
      if (id <= kUnkId || id >= v.vocab->size())
        throw InputError("word id " + std::to_string(id) + " is not a word of the vocabulary");
      if (seen[id]) throw InputError("the word \"" + v.vocab->word(id) + "\" is chosen twice");
      seen[id] = true;
    }
    return ids;
  }

  std::string step_word2vec(int64_t budget) {
    const Word2VecProgress p = w2v_->step(std::max<int64_t>(1, budget));
    ++w2v_steps_;
    const int64_t per_epoch = w2v_->stats().train_words;
    const int64_t position = p.epoch_end ? per_epoch : p.words_processed - int64_t(p.epoch) * per_epoch;
    return json{{"epoch", p.epoch}, {"epochs", w2v_->options().epochs}, {"step", w2v_steps_},
                {"epoch_position", position}, {"epoch_size", per_epoch},
                {"train_loss", finite_or_null(p.loss)}, {"last_batch_loss", nullptr},
                {"tokens_per_sec", p.words_per_sec}, {"epoch_end", p.epoch_end}, {"finished", p.finished},
                {"diverged", !std::isfinite(p.loss)}, {"lr", p.lr}}
        .dump();
  }

  std::unique_ptr<Trainer> trainer_;           // the next-word model, training
  std::unique_ptr<Trainer> twin_;              // the same run with the other loss (compare CE and MSE)
  std::unique_ptr<KneserNey> kn_;              // the n-gram yardstick on trainer_'s training split
  std::unique_ptr<TrainedModel> loaded_;       // a next-word model from a file: explored, not trained
  std::unique_ptr<Word2VecTrainer> w2v_;       // word2vec, training
  int64_t w2v_steps_ = 0;                      // step() calls in the word2vec run
  std::unique_ptr<ImportedVectors> imported_;  // vectors from a file: explored, not trained
  Import import_;                              // a file being streamed in
  std::unique_ptr<Tsne> tsne_;                 // the last t-SNE, on a copy of the shown vectors
  Ids tsne_ids_;                               // its words' ids, in row order
  int tsne_iterations_ = 0;                    // its total iterations
  std::vector<AnalogySection> analogies_;
  std::vector<SimilarityPair> wordsim_, simlex_;
  bool has_analogies_ = false, has_wordsim_ = false, has_simlex_ = false;
};

std::string schema() { return settings_schema().dump(); }
std::string w2v_schema() { return word2vec_schema().dump(); }

}  // namespace

EMSCRIPTEN_BINDINGS(embplay) {
  emscripten::function("settingsSchema", &schema);
  emscripten::function("word2vecSchema", &w2v_schema);
  emscripten::class_<Session>("Session")
      .constructor<>()
      .function("start", &Session::start)
      .function("startWord2vec", &Session::start_word2vec)
      .function("step", &Session::step)
      .function("evaluate", &Session::evaluate)
      .function("words", &Session::words)
      .function("pca", &Session::pca)
      .function("pcaAligned", &Session::pca_aligned)
      .function("vectorsOf", &Session::vectors_of)
      .function("pcaOf", &Session::pca_of)
      .function("neighbors", &Session::neighbors)
      .function("neighborsBy", &Session::neighbors_by)
      .function("analogy", &Session::analogy)
      .function("kmeans", &Session::kmeans)
      .function("tsneStart", &Session::tsne_start)
      .function("tsneStep", &Session::tsne_step)
      .function("predict", &Session::predict)
      .function("saveModel", &Session::save_model)
      .function("loadModel", &Session::load_model)
      .function("importBegin", &Session::import_begin)
      .function("importChunk", &Session::import_chunk)
      .function("importMetadata", &Session::import_metadata)
      .function("importFinish", &Session::import_finish)
      .function("exportVectors", &Session::export_vectors)
      .function("evalLoad", &Session::eval_load)
      .function("evalRun", &Session::eval_run)
      .function("kind", &Session::kind)
      .function("examples", &Session::examples)
      .function("lastRows", &Session::last_rows)
      .function("yardstick", &Session::yardstick)
      .function("evaluateTest", &Session::evaluate_test)
      .function("twinStart", &Session::twin_start)
      .function("twinStep", &Session::twin_step)
      .function("twinPredict", &Session::twin_predict)
      .function("nextWordCounts", &Session::next_word_counts)
      .function("suggestContext", &Session::suggest_context)
      .function("lastRowChanges", &Session::last_row_changes);
}
