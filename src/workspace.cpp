// The page's workspace: one source of vectors and the questions asked of it (see workspace.h).
#include "workspace.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "context_stats.h"
#include "dataset.h"
#include "model_io.h"
#include "option_table.h"
#include "semantic_axes.h"
#include "suggested_settings.h"

namespace embplay {
namespace {

using nlohmann::json;

json finite_or_null(double x) { return std::isfinite(x) ? json(x) : json(); }

json evaluation_json(const Evaluation& ev) {
  return {{"loss", finite_or_null(ev.loss)}, {"perplexity", finite_or_null(ev.perplexity)},
          {"accuracy", ev.accuracy}, {"top5", ev.top5}, {"examples", ev.examples}};
}

json stats_json(int64_t sentences, int64_t tokens, int64_t types, int32_t vocab, int64_t train_examples,
                int64_t valid_examples, int64_t oov_tokens) {
  return {{"ok", true},
          {"stats",
           {{"sentences", sentences}, {"tokens", tokens}, {"types", types}, {"vocab", vocab},
            {"train_examples", train_examples}, {"valid_examples", valid_examples}, {"oov_tokens", oov_tokens}}}};
}

// The words and vectors of `v` without <pad> and <unk>, as the file formats and the evaluation want them.
WordVectors word_vectors(const VectorView& v, int64_t limit = -1) {
  const int64_t n = v.vocab->size() - 2;
  const int64_t kept = limit < 0 ? n : std::min(n, limit);
  WordVectors out;
  out.words.assign(v.vocab->words().begin() + 2, v.vocab->words().begin() + 2 + kept);
  out.vectors = v.table->middleRows(2, kept);
  return out;
}

// The id of a typed word: read as the model reads text, or (opened vectors) as typed, then
// lowercased when only that spelling is known; an item by its name (any case when only one
// matches) or its key. -1 unless it is one word of the vocabulary (not <pad> or <unk>). `query` is
// the word as read (an item's label once found); `single` says whether it read as one word (an
// item's name is one, spaces and all).
int32_t find_word(const VectorView& v, const std::string& typed, std::string* query, bool* single) {
  if (v.labels) {
    *query = trim(typed);
    *single = !query->empty();
    int32_t id = v.labels->find(*query);
    if (id < 0 && v.vocab->contains(*query)) id = v.vocab->id(*query);
    if (id <= kUnkId) return -1;
    *query = v.name(id);
    return id;
  }
  if (v.tokenizer) {
    const std::vector<std::string> words = tokenize_words(typed, *v.tokenizer);
    *single = words.size() == 1;
    *query = *single ? words[0] : typed;
    return *single ? v.table_view().row(*query) : -1;
  }
  const size_t b = typed.find_first_not_of(" \t\r\n"), e = typed.find_last_not_of(" \t\r\n");
  *query = b == std::string::npos ? "" : typed.substr(b, e - b + 1);
  *single = !query->empty() && query->find_first_of(" \t\r\n") == std::string::npos;
  return *single ? file_word_id(*v.vocab, std::string(*query), query) : -1;
}

// find_word(), or InputError: "type a single word", or that it is not in the vocabulary.
int32_t lookup(const VectorView& v, const std::string& typed, std::string* query) {
  bool single = false;
  const int32_t id = find_word(v, typed, query, &single);
  if (v.labels && id < 0) throw InputError("\"" + *query + "\" is not an item of the log (type its name or its key)");
  if (!single) throw InputError("type a single word");
  if (id < 0) throw InputError("\"" + *query + "\" is not in the vocabulary");
  return id;
}

// The ids of several typed words, and (`read`) each as read; InputError naming every one that is
// not in the vocabulary, after `what` ("x axis: ").
Ids lookup_all(const VectorView& v, const std::vector<std::string>& typed, const std::string& what,
               std::vector<std::string>* read = nullptr) {
  Ids ids;
  std::vector<std::string> unknown;
  for (const std::string& t : typed) {
    std::string query;
    bool single = false;
    const int32_t id = find_word(v, t, &query, &single);
    if (id < 0 && std::find(unknown.begin(), unknown.end(), t) == unknown.end()) unknown.push_back(t);
    ids.push_back(id);
    if (read) read->push_back(query);
  }
  if (!unknown.empty()) {
    std::string list;
    for (const std::string& w : unknown) list += (list.empty() ? "" : ", ") + w;
    throw InputError(what + "not in the vocabulary: " + list);
  }
  return ids;
}

// PCA of `vectors` (N, d) to k dimensions, aligned to `previous` when it holds the kN floats of
// the last frame.
Projection project(const RowMatrix& vectors, const std::vector<float>& previous, int k = 2) {
  if (previous.size() != static_cast<size_t>(k * vectors.rows())) return pca(vectors, k);
  return pca_aligned(vectors, Eigen::Map<const RowMatrix>(previous.data(), vectors.rows(), k), k);
}

// One axis, read and looked up: its direction and its words as read.
struct ReadAxis {
  Eigen::VectorXf direction;  // (d)
  json words;                 // {positive, negative, pairs, label_positive, label_negative}
};

ReadAxis read_axis(const VectorView& v, const std::string& text, const std::string& name) {
  const AxisWords typed = parse_axis(text, name);
  // The words in the order typed (pairs alternate their ends: a1 b1 a2 b2 ...; sets one after the
  // other), so that words not in the vocabulary are named in that order.
  std::vector<std::string> all, read;
  std::vector<bool> positive_end;
  const auto add = [&](const std::string& w, bool positive) { all.push_back(w), positive_end.push_back(positive); };
  if (typed.pairs) {
    for (size_t i = 0; i < typed.positive.size(); ++i) add(typed.positive[i], true), add(typed.negative[i], false);
  } else {
    for (const std::string& w : typed.positive) add(w, true);
    for (const std::string& w : typed.negative) add(w, false);
  }
  const Ids ids = lookup_all(v, all, name + " axis: ", &read);
  Ids positive, negative;
  std::vector<std::string> pos_words, neg_words;
  for (size_t i = 0; i < ids.size(); ++i) {
    (positive_end[i] ? positive : negative).push_back(ids[i]);
    (positive_end[i] ? pos_words : neg_words).push_back(read[i]);
  }
  ReadAxis out;
  out.direction = axis_direction(gather_rows(*v.table, positive), gather_rows(*v.table, negative), name);
  out.words = {{"positive", pos_words}, {"negative", neg_words}, {"pairs", typed.pairs},
               {"label_positive", axis_end_label(pos_words)}, {"label_negative", axis_end_label(neg_words)}};
  return out;
}

}  // namespace

Workspace::Workspace() = default;
Workspace::~Workspace() = default;

// ---- sources ----------------------------------------------------------------------------------

json Workspace::start(const std::string& text, const Settings& settings) {
  auto trainer = std::make_unique<Trainer>(text, settings);
  clear();  // replace the old run only once the new one is valid
  trainer_ = std::move(trainer);
  const TextStats& s = trainer_->stats();
  return stats_json(s.sentences, s.tokens, s.types, trainer_->vocab().size(), s.train_examples, s.valid_examples,
                    s.oov_tokens);
}

json Workspace::start_word2vec(const std::string& text, const Word2VecOptions& options) {
  auto trainer = std::make_unique<Word2VecTrainer>(text, options);
  clear();
  w2v_ = std::move(trainer);
  w2v_steps_ = 0;
  const Word2VecStats& s = w2v_->stats();
  return stats_json(s.sentences, s.tokens, s.types, w2v_->vocab().size(), s.train_words, 0, s.tokens - s.train_words);
}

json Workspace::start_items(const std::string& data, const std::string& format, const Item2VecOptions& options) {
  auto run = std::make_unique<ItemsRun>(data, format, options);
  clear();
  items_ = std::move(run);
  w2v_steps_ = 0;
  const Word2VecStats& s = items_->word2vec().stats();
  json reply = stats_json(s.sentences, s.tokens, s.types, items_->word2vec().vocab().size(), s.train_words, 0, 0);
  reply["items"] = items_->summary();
  return reply;
}

json Workspace::load_model(const json& file) {
  auto loaded = std::make_unique<TrainedModel>(model_from_json(file));
  clear();
  loaded_ = std::move(loaded);
  return {{"ok", true}, {"vocab", loaded_->vocab.size()}, {"settings", settings_to_json(loaded_->settings)}};
}

void Workspace::import_begin(const std::string& format, int max_words) {
  import_.reset();
  import_ = std::make_unique<VectorImport>(format, max_words);
}

json Workspace::import_chunk(const std::string& bytes) {
  if (!import_) throw InputError("no import in progress: call importBegin first");
  try {
    import_->feed(bytes);
  } catch (...) {
    import_.reset();  // a file that fails to read is dropped whole
    throw;
  }
  return {{"kept", import_->kept()}, {"done", import_->done()}};
}

void Workspace::import_metadata(std::string bytes) {
  if (!import_) throw InputError("no import in progress: call importBegin first");
  import_->set_metadata(std::move(bytes));
}

json Workspace::import_finish() {
  if (!import_) throw InputError("no import in progress: call importBegin first");
  const std::unique_ptr<VectorImport> job = std::move(import_);
  ImportedFile file = job->finish();
  open_vectors(std::move(file.vectors), vector_format_name(file.format));
  const ReadReport& report = file.report;
  return {{"ok", true},
          {"words", imported_->vocab.size() - 2},
          {"dim", imported_->table.cols()},
          {"duplicates", report.duplicates},
          {"first_duplicate", report.first_duplicate},
          {"truncated", report.truncated},
          {"skipped", imported_->skipped},
          {"format", imported_format_}};
}

void Workspace::open_vectors(WordVectors vectors, const std::string& format) {
  auto table = std::make_unique<VectorTable>(with_reserved_rows(std::move(vectors)));
  clear();
  imported_ = std::move(table);
  imported_format_ = format;
}

std::string Workspace::kind() const {
  if (trainer_ || loaded_) return "nextword";
  if (w2v_) return "word2vec";
  if (imported_) return "vectors";
  if (items_) return "items";
  return "none";
}

void Workspace::drop_source() { clear(); }

void Workspace::clear() {
  sentences_.drop_vectors();  // its pooling reads the table that is about to go
  items_eval_.reset();  // before the log it reads
  items_.reset();
  trainer_.reset();
  loaded_.reset();
  w2v_.reset();
  imported_.reset();
  tsne_.reset();
  tsne_ids_.clear();
  umap_.reset();
  umap_ids_.clear();
  twin_.reset();
  kn_.reset();
}

const TrainedModel* Workspace::model() const {
  if (trainer_) return &trainer_->trained();
  return loaded_.get();
}

VectorView Workspace::vectors() const {
  VectorView v;
  if (const TrainedModel* m = model()) {
    v.vocab = &m->vocab;
    v.table = &m->model.embed;
    v.output = m->output_rows();
    v.tokenizer = &m->settings.tokenizer;
  } else if (w2v_) {
    v.vocab = &w2v_->vocab();
    v.table = &w2v_->input();
    v.output = &w2v_->output();
    v.tokenizer = &w2v_->options().tokenizer;
  } else if (imported_) {
    v.vocab = &imported_->vocab;
    v.table = &imported_->table;
    v.counted = false;
  } else if (items_) {
    v.vocab = &items_->word2vec().vocab();
    v.table = &items_->word2vec().input();
    v.output = &items_->word2vec().output();
    v.labels = &items_->labels();
  }
  return v;
}

// ---- training ---------------------------------------------------------------------------------

json Workspace::step(int64_t budget) {
  if (w2v_) return word2vec_progress(w2v_->step(std::max<int64_t>(1, budget)), *w2v_);
  if (items_) return word2vec_progress(items_->step(std::max<int64_t>(1, budget)), items_->word2vec());
  if (!trainer_) throw InputError(imported_ ? "vectors opened from a file cannot be trained" : "nothing to train: start a run first");
  const Progress p = trainer_->step(budget);
  return {{"epoch", p.epoch}, {"epochs", trainer_->settings().epochs}, {"step", p.step},
          {"epoch_position", p.epoch_position}, {"epoch_size", p.epoch_size},
          {"train_loss", p.train_loss}, {"last_batch_loss", finite_or_null(p.last_batch_loss)},
          {"tokens_per_sec", p.tokens_per_sec}, {"epoch_end", p.epoch_end}, {"finished", p.finished},
          {"diverged", p.diverged}, {"examples", p.examples}, {"loss_sum", finite_or_null(p.loss_sum)},
          {"loss_count", p.loss_count}, {"lr", OptionTable<Settings>::number_json(p.lr)},
          {"stopped_early", p.stopped_early}, {"best_epoch", p.best_epoch}};
}

// word2vec's progress (item2vec's too) under the next-word run's names (words for examples), so
// that the worker's loop, curves and top bar serve every run.
json Workspace::word2vec_progress(const Word2VecProgress& p, const Word2VecTrainer& trainer) {
  ++w2v_steps_;
  const int64_t per_epoch = trainer.stats().train_words;
  const int64_t position = p.epoch_end ? per_epoch : p.words_processed - int64_t(p.epoch) * per_epoch;
  return {{"epoch", p.epoch}, {"epochs", trainer.options().epochs}, {"step", w2v_steps_},
          {"epoch_position", position}, {"epoch_size", per_epoch},
          {"train_loss", finite_or_null(p.loss)}, {"last_batch_loss", nullptr},
          {"tokens_per_sec", p.words_per_sec}, {"epoch_end", p.epoch_end}, {"finished", p.finished},
          {"diverged", !std::isfinite(p.loss)}, {"examples", p.words}, {"loss_sum", finite_or_null(p.loss_sum)},
          {"loss_count", p.loss_count}, {"lr", p.lr}, {"stopped_early", false}, {"best_epoch", 0}};
}

json Workspace::evaluate() const {
  if (!trainer_) throw InputError(vectors() ? "held-out perplexity belongs to the next-word model" : "nothing to evaluate: start a run first");
  return evaluation_json(trainer_->evaluate());
}

json Workspace::evaluate_test() const {
  if (!trainer_) throw InputError("nothing to evaluate: start a run first");
  return evaluation_json(trainer_->evaluate_test());
}

// ---- the map ----------------------------------------------------------------------------------

Ids Workspace::selected(const VectorView& v, const WordSelection& selection) const {
  if (!selection.chosen) return top_words(*v.vocab, selection.n);
  std::vector<bool> seen(static_cast<size_t>(v.vocab->size()), false);
  for (int32_t id : selection.ids) {
    if (id <= kUnkId || id >= v.vocab->size())
      throw InputError("word id " + std::to_string(id) + " is not a word of the vocabulary");
    if (seen[id]) throw InputError("the word \"" + v.vocab->word(id) + "\" is chosen twice");
    seen[id] = true;
  }
  return selection.ids;
}

json Workspace::words(const WordSelection& selection) const {
  const VectorView v = vectors();
  if (!v) throw InputError("no model yet");
  json words = json::array(), counts = json::array(), ids = json::array();
  for (int32_t id : selected(v, selection)) {
    words.push_back(v.name(id));
    counts.push_back(v.counted ? json(v.vocab->count(id)) : json());
    ids.push_back(id);
  }
  return {{"words", words}, {"counts", counts}, {"ids", ids}};
}

std::optional<Projection> Workspace::pca(const WordSelection& selection, const std::vector<float>& previous, int dims) const {
  const VectorView v = vectors();
  if (!v) return std::nullopt;
  if (dims != 2 && dims != 3) throw InputError("the map has 2 or 3 dimensions, not " + std::to_string(dims));
  const RowMatrix chosen = gather_rows(*v.table, selected(v, selection));
  if (selection.chosen) check_projectable(chosen, kMinMapWords, "PCA");
  return project(chosen, previous, dims);
}

AxesReply Workspace::axes(const WordSelection& selection, const std::string& x, const std::string& y, bool orthogonal) const {
  const VectorView v = vectors();
  if (!v) throw InputError("no model yet");
  const Ids ids = selected(v, selection);
  if (ids.empty()) throw InputError("no words to place on the axes");
  const ReadAxis ax = read_axis(v, x, "x"), ay = read_axis(v, y, "y");
  const AxesLayout layout = place_on_axes(gather_rows(*v.table, ids), ax.direction, ay.direction, orthogonal);
  return {layout.coords, {{"x", ax.words}, {"y", ay.words}, {"cosine", layout.cosine}, {"orthogonal", layout.orthogonal}}};
}

std::optional<RowMatrix> Workspace::vectors_of(int n) const {
  const VectorView v = vectors();
  if (!v) return std::nullopt;
  return gather_rows(*v.table, top_words(*v.vocab, n));
}

json Workspace::collapse() const {
  const VectorView v = vectors();
  if (!v) throw InputError("no vectors yet");
  const Ids ids = top_words(*v.vocab, kCollapseWords);
  const double mean = mean_pairwise_cosine(gather_rows(*v.table, ids));
  return {{"mean_cosine", mean}, {"words", ids.size()}, {"collapsed", mean > kCollapsedCosine}};
}

std::optional<Projection> Workspace::pca_of(const std::vector<float>& flat, int rows, int dim,
                                            const std::vector<float>& previous) {
  if (rows < 1 || dim < 1 || flat.size() != static_cast<size_t>(rows) * static_cast<size_t>(dim)) return std::nullopt;
  return project(Eigen::Map<const RowMatrix>(flat.data(), rows, dim), previous);
}

ClusterReply Workspace::kmeans(const WordSelection& selection, KMeansOptions options) const {
  const VectorView v = vectors();
  if (!v) throw InputError("no model yet");
  const Ids ids = selected(v, selection);
  if (ids.empty()) throw InputError("no words to cluster");
  if (options.k < 1 || options.k > static_cast<int>(ids.size()))
    throw InputError("clusters: k must be between 1 and the number of shown words (" + std::to_string(ids.size()) + ")");
  options.central = 5;
  const KMeansResult r = embplay::kmeans(gather_rows(*v.table, ids), options, ids);
  ClusterReply out;
  out.assignment = r.assignment;
  out.sizes = r.sizes;
  out.inertia = r.inertia;
  for (const Ids& members : r.central) {
    out.central.emplace_back();
    for (int32_t id : members) out.central.back().push_back(v.name(id));
  }
  return out;
}

std::pair<Ids, RowMatrix> Workspace::rows_to_project(const WordSelection& selection, int min_points,
                                                     const char* method) const {
  const VectorView v = vectors();
  if (!v) throw InputError("no model yet");
  Ids ids = selected(v, selection);
  RowMatrix chosen = gather_rows(*v.table, ids);
  if (selection.chosen) check_projectable(chosen, min_points, method);
  return {std::move(ids), std::move(chosen)};
}

json Workspace::tsne_start(const WordSelection& selection, TsneOptions options) {
  const auto [ids, chosen] = rows_to_project(selection, kMinTsnePoints, "t-SNE");
  return start_tsne(chosen, ids, false, options);
}

json Workspace::start_tsne(const RowMatrix& chosen, const Ids& ids, bool units, TsneOptions options) {
  RowMatrix initial;
  const bool warm = tsne_ && tsne_units_ == units && ids == tsne_ids_ && tsne_->dimensions() == options.dimensions;
  if (warm) {
    initial = tsne_->coords();
    options.exaggeration_iterations = 0;  // the layout exists already
  }
  auto next = std::make_unique<Tsne>(chosen, options, initial);
  tsne_ = std::move(next);
  tsne_ids_ = ids;
  tsne_units_ = units;
  tsne_iterations_ = options.iterations;
  return {{"ok", true}, {"n", ids.size()}, {"warm", warm}, {"learning_rate", tsne_->learning_rate()}};
}

TsneFrame Workspace::tsne_step(int iterations) {
  if (!tsne_) throw InputError("no t-SNE running: call tsneStart first");
  tsne_->step(std::max(0, iterations));
  return {tsne_->coords(), tsne_->iteration(), tsne_iterations_, tsne_->done()};
}

json Workspace::umap_start(const WordSelection& selection, UmapOptions options) {
  const auto [ids, chosen] = rows_to_project(selection, kMinUmapPoints, "UMAP");
  const bool warm = umap_ && ids == umap_ids_ && umap_->dimensions() == options.dimensions;
  auto next = std::make_unique<Umap>(chosen, options, warm ? umap_->coords() : RowMatrix());
  umap_ = std::move(next);
  umap_ids_ = ids;
  return {{"ok", true}, {"n", ids.size()}, {"warm", warm}, {"epochs", umap_->epochs()}};
}

TsneFrame Workspace::umap_step(int epochs) {
  if (!umap_) throw InputError("no UMAP running: call umapStart first");
  umap_->step(std::max(0, epochs));
  return {umap_->coords(), umap_->epoch(), umap_->epochs(), umap_->done()};
}

// ---- questions --------------------------------------------------------------------------------

json Workspace::neighbors(const std::string& word, int k, const std::string& metric, const std::string& table) const {
  const VectorView v = vectors();
  if (!v) throw InputError("no model yet");
  if (metric != "cosine" && metric != "euclidean") throw InputError("metric must be cosine or euclidean");
  if (table != "input" && table != "output") throw InputError("table must be input or output");
  if (table == "output" && !v.output) {
    throw InputError(kind() == "vectors"
                         ? "vectors opened from a file have no output rows: only the input table"
                         : "a hierarchical softmax has no row per word (its rows are the tree's inner nodes): "
                           "only the input table");
  }
  std::string query;
  const int32_t id = lookup(v, word, &query);
  json list = json::array();
  const Metric m = metric == "cosine" ? Metric::kCosine : Metric::kEuclidean;
  for (const Neighbor& nb : nearest_neighbors(table == "output" ? *v.output : *v.table, id, k, m))
    list.push_back({{"word", v.name(nb.id)}, {"similarity", nb.similarity}, {"distance", nb.distance}});
  return {{"word", query}, {"metric", metric}, {"table", table}, {"neighbors", list}};
}

json Workspace::analogy(const std::string& a, const std::string& b, const std::string& c, int k,
                        const std::string& method) const {
  const VectorView v = vectors();
  if (!v) throw InputError("no model yet");
  if (method != "3CosAdd" && method != "3CosMul") throw InputError("method must be 3CosAdd or 3CosMul");
  if (k < 1 || k > 100) throw InputError("ask for 1 to 100 answers");
  std::string qa, qb, qc;
  const int32_t ia = lookup(v, a, &qa), ib = lookup(v, b, &qb), ic = lookup(v, c, &qc);
  json answers = json::array();
  const auto m = method == "3CosAdd" ? AnalogyMethod::k3CosAdd : AnalogyMethod::k3CosMul;
  for (const AnalogyAnswer& ans : embplay::analogy(*v.table, ia, ib, ic, k, m))
    answers.push_back({{"word", v.name(ans.id)}, {"score", ans.score}});
  return {{"words", {qa, qb, qc}}, {"method", method}, {"answers", answers}};
}

json Workspace::odd_one_out(const std::string& text) const {
  const VectorView v = vectors();
  if (!v) throw InputError("no model yet");
  const std::vector<std::string> typed = split_word_list(text);
  if (typed.size() < 4 || typed.size() > 6)
    throw InputError("type 4 to 6 words, separated by spaces or commas (" + std::to_string(typed.size()) + " typed)");
  std::vector<std::string> read;
  const Ids ids = lookup_all(v, typed, "", &read);
  for (size_t i = 0; i < ids.size(); ++i)
    if (std::find(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(i), ids[i]) != ids.begin() + static_cast<std::ptrdiff_t>(i))
      throw InputError("\u201c" + read[i] + "\u201d is typed twice");
  const OddOneOut r = embplay::odd_one_out(gather_rows(*v.table, ids));
  return {{"words", read}, {"distances", r.distances}, {"odd", read[static_cast<size_t>(r.odd)]}, {"odd_index", r.odd}};
}

WordSelection Workspace::words_named(const std::string& text) const {
  const VectorView v = vectors();
  if (!v) throw InputError("no model yet");
  const std::vector<std::string> typed = split_word_list(text);
  if (typed.empty()) throw InputError("no words typed");
  Ids ids = lookup_all(v, typed, "");
  Ids distinct;
  for (int32_t id : ids)
    if (std::find(distinct.begin(), distinct.end(), id) == distinct.end()) distinct.push_back(id);
  return WordSelection::of(std::move(distinct));
}

json Workspace::predict(const std::string& context, int k) const {
  const TrainedModel* m = model();
  if (!m) {
    if (vectors()) throw InputError("Predict needs the next-word model: word2vec, item2vec and opened vectors give neighbours, not next words");
    throw InputError("no model yet");
  }
  const std::vector<std::string> words = tokenize_words(context, m->settings.tokenizer);
  json used = json::array();
  for (int32_t id : context_ids(m->vocab, words, m->settings.context)) used.push_back(m->vocab.word(id));
  json list = json::array();
  for (const Prediction& p : predict_next(*m, words, k))
    list.push_back({{"word", m->vocab.word(p.id)}, {"probability", p.probability}});
  return {{"context", used}, {"predictions", list}};
}

json Workspace::save_model() const {
  const TrainedModel* m = model();
  if (!m) throw InputError(vectors() ? "model JSON is the next-word model's file: export the vectors instead" : "no model to save");
  return model_to_json(*m);
}

std::string Workspace::export_vectors(const std::string& format) const {
  const VectorView v = vectors();
  if (!v) throw InputError("no vectors yet");
  const WordVectors out = word_vectors(v);
  return format == "tsv-metadata" ? write_tsv_metadata(out) : write_vectors(out, parse_vector_format(format));
}

void Workspace::eval_load(const std::string& name, const std::string& text) {
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
    throw InputError("unknown evaluation set \"" + name + "\" (questions-words, wordsim353 or simlex999)");
  }
}

json Workspace::eval_run() const {
  const VectorView v = vectors();
  if (!v) throw InputError("no vectors yet");
  if (items_) throw InputError("the word tests are for words: items have the recommendations' evaluation");
  if (!has_analogies_ || !has_wordsim_ || !has_simlex_) throw InputError("the evaluation sets are not loaded");
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
  return out;
}

// ---- items: users and recommendations ---------------------------------------------------------

namespace {

const ItemsRun& items_or_throw(const std::unique_ptr<ItemsRun>& items) {
  if (!items) throw InputError("recommendations need an item2vec run on events or baskets");
  return *items;
}

}  // namespace

json Workspace::recommend(const std::string& user, int k) const { return items_or_throw(items_).recommend(user, k); }
std::string Workspace::random_user(uint32_t seed) const { return items_or_throw(items_).random_user(seed); }
json Workspace::users(const std::string& prefix, int limit) const { return items_or_throw(items_).users(prefix, limit); }

json Workspace::items_eval_start(const std::vector<std::string>& models) {
  const ItemsRun& run = items_or_throw(items_);
  RecsysEvalOptions o;
  o.models = models;
  o.item2vec = item2vec_changes(run.options());
  auto job = std::make_unique<RecsysEvaluation>(run.log(), o);
  items_eval_ = std::move(job);
  return {{"ok", true}, {"splits", items_eval_->to_json()["splits"]}};
}

json Workspace::items_eval_step(double seconds) {
  if (!items_eval_) throw InputError("no evaluation under way: start one first");
  items_eval_->step(seconds);
  return items_eval_->to_json();
}

// ---- the seed ideas ---------------------------------------------------------------------------

json Workspace::yardstick() {
  if (!trainer_) throw InputError("the yardstick needs a next-word run");
  if (!kn_) kn_ = std::make_unique<KneserNey>(trainer_->sentences().train, trainer_->vocab().size(), trainer_->settings().ngram_order);
  const auto ppl = [&](const Examples& ex) { return ex.size() ? finite_or_null(kn_->perplexity(ex)) : json(); };
  return {{"order", kn_->order()}, {"valid_perplexity", ppl(trainer_->valid_examples())},
          {"test_perplexity", ppl(trainer_->test_examples())}, {"notice", trainer_->notice()}};
}

json Workspace::twin_start() {
  if (!trainer_) throw InputError("the comparison needs a next-word run");
  const std::string other = trainer_->settings().loss == "mse" ? "cross_entropy" : "mse";
  twin_ = trainer_->twin(other);
  return {{"loss", other}};
}

json Workspace::twin_step(int64_t budget) {
  if (!twin_ || !trainer_) throw InputError("no comparison running");
  json evaluations = json::array();
  const int64_t target = trainer_->progress().step;
  const int64_t batch = twin_->settings().batch;
  int64_t left = std::max<int64_t>(1, budget);
  const auto behind = [&] {
    const Progress& p = twin_->progress();
    return !p.finished && !p.diverged && p.step < target;
  };
  while (behind() && left > 0) {
    const int64_t before = twin_->progress().step;
    // Whole batches up to the run's step: step() stops once `examples` are done.
    const Progress p = twin_->step(std::min(left, (target - before) * batch));
    left -= (p.step - before) * batch;
    if (p.epoch_end && !p.diverged) {
      json e = evaluation_json(twin_->evaluate());
      e["epoch"] = p.epoch;
      evaluations.push_back(e);
    }
  }
  const Progress& p = twin_->progress();
  return {{"step", p.step}, {"target", target}, {"epoch", p.epoch}, {"train_loss", p.train_loss},
          {"last_batch_loss", finite_or_null(p.last_batch_loss)}, {"finished", p.finished},
          {"diverged", p.diverged}, {"stopped_early", p.stopped_early}, {"best_epoch", p.best_epoch},
          {"caught_up", !behind()}, {"evaluations", evaluations}};
}

json Workspace::twin_predict(const std::string& context, int k) const {
  if (!twin_) return json();
  const TrainedModel& m = twin_->trained();
  json list = json::array();
  for (const Prediction& p : predict_next(m, tokenize_words(context, m.settings.tokenizer), k))
    list.push_back({{"word", m.vocab.word(p.id)}, {"probability", p.probability}});
  return {{"loss", m.settings.loss}, {"predictions", list}};
}

json Workspace::next_word_counts(const std::string& context, int n) const {
  if (!trainer_) throw InputError("the counts need a next-word run");
  const Vocab& vocab = trainer_->vocab();
  const Examples& ex = trainer_->train_examples();
  const Ids ctx = context_ids(vocab, tokenize_words(context, trainer_->settings().tokenizer), ex.context);
  json used = json::array();
  for (int32_t id : ctx) used.push_back(vocab.word(id));
  const ContextCounts found = embplay::next_word_counts(ex, ctx);
  json list = json::array();
  for (size_t i = 0; i < found.counts.size() && static_cast<int>(i) < n; ++i)
    list.push_back({{"word", vocab.word(found.counts[i].id)}, {"count", found.counts[i].count}});
  return {{"context", used}, {"total", found.total}, {"distinct", found.counts.size()}, {"counts", list}};
}

json Workspace::suggest_context() const {
  if (!trainer_) throw InputError("the suggestion needs a next-word run");
  const Examples& ex = trainer_->train_examples();
  const BusyContext busy = busiest_context(ex);
  if (busy.first < 0) return {{"context", nullptr}};
  std::string text;
  for (int j = 0; j < ex.context; ++j)
    text += (j ? " " : "") + trainer_->vocab().word(ex.contexts[busy.first * ex.context + j]);
  return {{"context", text}, {"occurrences", busy.occurrences}, {"distinct", busy.distinct}};
}

std::optional<ExampleBatch> Workspace::examples(int limit) const {
  if (!trainer_) return std::nullopt;
  const Examples& ex = trainer_->train_examples();
  const int k = ex.context;
  const size_t n = std::min<size_t>(static_cast<size_t>(std::max(limit, 0)), trainer_->epoch_order().size());
  ExampleBatch out;
  out.contexts.resize(n * k);
  out.targets.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t e = trainer_->epoch_order()[i];
    std::copy_n(&ex.contexts[e * k], k, &out.contexts[i * k]);
    out.targets[i] = ex.targets[e];
  }
  return out;
}

std::optional<RowChanges> Workspace::last_row_changes() const {
  if (!trainer_) return std::nullopt;
  RowChanges out{trainer_->last_rows(), trainer_->last_row_changes()};
  out.moved.resize(std::min(out.moved.size(), out.rows.size()));
  return out;
}

json count_tokens(const std::string& text, const json& tokenizer) {
  const Settings settings = settings_from_json(tokenizer);  // the tokenizer's fields, checked like any setting
  int64_t tokens = 0, sentences = 0;
  for (const Sentence& sentence : tokenize(text, settings.tokenizer)) {
    tokens += static_cast<int64_t>(sentence.size());
    ++sentences;
  }
  return {{"tokens", tokens},
          {"sentences", sentences},
          {"too_small", tokens < kSmallTextTokens},
          {"suggested", {{"nextword", suggested_settings("nextword", tokens)}, {"word2vec", suggested_settings("word2vec", tokens)}}}};
}

// ---- sentences, paragraphs and documents --------------------------------------------------

namespace {

// The documents file a page may stream in: beyond this, split it (the units are held in memory
// twice while they are indexed).
constexpr size_t kMaxDocumentsBytes = size_t(512) << 20;

// The first `max_bytes` of `text`, cut before a UTF-8 sequence, and whether it was cut.
std::string_view cut_at(std::string_view text, size_t max_bytes, bool* cut) {
  *cut = text.size() > max_bytes;
  if (!*cut) return text;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// A unit's text for the page as pieces: plain, marked, plain, ... (every second piece, from the
// second, is one of `matched` as the index reads it). At most kUnitHitBytes of it: from a little
// before the first match (… marks what is left out).
json text_parts(std::string_view unit, const std::vector<std::string>& matched, const TokenizerOptions& reading) {
  std::vector<std::string> sorted = matched;
  std::sort(sorted.begin(), sorted.end());
  const std::vector<Span> marks = find_words(unit, sorted, reading);
  size_t from = 0;
  if (unit.size() > kUnitHitBytes && !marks.empty() && marks[0].begin > kUnitHitBytes / 4) {
    from = std::min(marks[0].begin - kUnitHitBytes / 5, unit.size() - kUnitHitBytes);
    while (from < marks[0].begin && unit[from] != ' ') ++from;  // start at a word
  }
  bool cut = false;
  const std::string_view shown = cut_at(unit.substr(from), kUnitHitBytes, &cut);
  json parts = json::array();
  size_t at = 0;
  for (const Span& m : marks) {
    if (m.begin < from || m.end > from + shown.size()) continue;
    parts.push_back(std::string(shown.substr(at, m.begin - from - at)));
    parts.push_back(std::string(shown.substr(m.begin - from, m.end - m.begin)));
    at = m.end - from;
  }
  parts.push_back(std::string(shown.substr(at)) + (cut ? "…" : ""));
  if (from > 0) parts[0] = "…" + parts[0].get<std::string>();
  return parts;
}

}  // namespace

void Workspace::units_open(std::string text, const std::string& kind) {
  UnitOptions o;
  o.kind = parse_unit_kind(kind);
  if (o.kind != UnitKind::kSentences && o.kind != UnitKind::kParagraphs)
    throw InputError("units of a text are sentences or paragraphs (a documents file is sent in chunks)");
  sentences_.open(std::move(text), o);
}

void Workspace::units_documents_begin(const std::string& format, const std::string& field) {
  UnitOptions o;
  o.kind = parse_unit_kind(format);
  if (o.kind != UnitKind::kLines && o.kind != UnitKind::kJsonl && o.kind != UnitKind::kCsv)
    throw InputError("a documents file is lines, jsonl or csv");
  if (!field.empty()) o.field = o.column = field;
  documents_options_ = o;
  documents_.clear();
  documents_.shrink_to_fit();
  receiving_documents_ = true;
}

json Workspace::units_documents_chunk(const std::string& bytes) {
  if (!receiving_documents_) throw InputError("no documents file in progress: begin one first");
  if (documents_.size() + bytes.size() > kMaxDocumentsBytes) {
    receiving_documents_ = false;
    documents_ = std::string();
    throw InputError("the documents file is larger than " + std::to_string(kMaxDocumentsBytes >> 20) + " MB: split it");
  }
  documents_ += bytes;
  return {{"bytes", documents_.size()}};
}

void Workspace::units_documents_finish() {
  if (!receiving_documents_) throw InputError("no documents file in progress: begin one first");
  receiving_documents_ = false;
  sentences_.open(std::move(documents_), documents_options_);
  documents_ = std::string();
}

void Workspace::units_pooling(const std::string& name, bool drop_stopwords) {
  if (name == "idf") throw InputError("pooling: \"idf\" is not one of mean, max, mean+max, sif");
  PoolingOptions o = pooling_preset(name);
  o.drop_stopwords = drop_stopwords;
  sentences_.set_pooling(o);
}

void Workspace::units_repool() { sentences_.repool(); }

json Workspace::units_step(int64_t budget) {
  const VectorView v = vectors();
  const WordTable table = v.table_view();
  const SentenceProgress p = sentences_.step(budget, v ? &table : nullptr);
  json out = units_status();
  out.update({{"phase", p.phase}, {"done", p.done}, {"total", p.total}, {"replaced", p.replaced}, {"pooled", p.pooled},
              {"error", p.error.empty() ? json() : json(p.error)}});
  return out;
}

json Workspace::units_status() const {
  const VectorView v = vectors();
  const WordTable table = v.table_view();
  const WordTable* current = v ? &table : nullptr;
  json out = {{"units", 0}, {"busy", sentences_.busy(current)}, {"next", sentences_.next_phase(current)}};
  if (!sentences_.has_units()) return out;
  const TextIndex& index = sentences_.index();
  const UnitEmbeddings* e = sentences_.embeddings();
  const size_t vector_bytes = e ? static_cast<size_t>(e->vectors.size()) * sizeof(float) : 0;
  out.update({{"units", index.units()}, {"tokens", index.tokens()}, {"terms", index.terms()},
              {"pooled", e != nullptr}, {"fresh", sentences_.pooled_fresh()},
              {"with_vector", e ? json(e->with_vectors()) : json()},
              {"pooling", describe(sentences_.pooling())}, {"dim", sentences_.pooler() ? json(sentences_.pooler()->dim()) : json()},
              {"memory", {{"text_index", sentences_.memory_bytes() - vector_bytes}, {"vectors", vector_bytes}}}});
  return out;
}

const UnitEmbeddings& Workspace::pooled_units() const {
  if (!sentences_.has_units()) throw InputError("no units yet: open the Sentences view");
  const UnitEmbeddings* e = sentences_.embeddings();
  if (!e) throw InputError("no vectors yet: train, step or open vectors to pool the units (BM25 search works already)");
  if (e->with_vectors() == 0)
    throw InputError("none of the " + std::to_string(e->size()) + " units has a word with a vector: train longer, or open vectors that know their words");
  return *e;
}

void Workspace::check_units(const Ids& units) const {
  const UnitEmbeddings& e = pooled_units();
  std::vector<bool> seen(static_cast<size_t>(e.size()), false);
  for (int32_t u : units) {
    if (u < 0 || u >= e.size()) throw InputError("unit " + std::to_string(u) + " does not exist");
    if (!e.has_vector(u)) throw InputError("unit " + std::to_string(u) + " has no word with a vector");
    if (seen[u]) throw InputError("unit " + std::to_string(u) + " is chosen twice");
    seen[u] = true;
  }
}

json Workspace::units_search(const std::string& query, const std::string& method, int k) {
  if (!sentences_.has_units()) throw InputError("no units yet: open the Sentences view");
  SearchOptions o;
  o.k = k;
  const SearchMethod m = parse_search_method(method);
  const SearchResult r = sentences_.search().search(query, m, o);
  const Units& units = sentences_.units();
  const UnitEmbeddings* e = sentences_.embeddings();
  json hits = json::array();
  for (const Hit& h : r.hits)
    hits.push_back({{"unit", h.unit}, {"id", units.id(h.unit)}, {"line", units.lines[h.unit]}, {"score", h.score},
                    {"embedding", h.embedding}, {"bm25", h.bm25},
                    {"parts", text_parts(units.unit(h.unit), h.matched, sentences_.index().tokenizer())},
                    {"known", e ? json(e->known[h.unit]) : json()}, {"words", e ? json(e->words[h.unit]) : json()}});
  return {{"method", search_method_name(m)}, {"hits", hits}, {"words", r.words}, {"stopwords", r.stopwords},
          {"no_vector", r.no_vector}, {"no_unit", r.no_unit}, {"notice", r.notice}};
}

json Workspace::units_nearest(int unit, int k) const {
  const UnitEmbeddings& e = pooled_units();
  const Units& units = sentences_.units();
  json hits = json::array();
  for (const Hit& h : nearest_units(e, unit, k))
    hits.push_back({{"unit", h.unit}, {"id", units.id(h.unit)}, {"line", units.lines[h.unit]}, {"score", h.score},
                    {"embedding", h.embedding}, {"parts", text_parts(units.unit(h.unit), {}, sentences_.index().tokenizer())},
                    {"known", e.known[h.unit]}, {"words", e.words[h.unit]}});
  return {{"unit", unit}, {"id", units.id(unit)}, {"parts", text_parts(units.unit(unit), {}, sentences_.index().tokenizer())},
          {"known", e.known[unit]}, {"words", e.words[unit]}, {"hits", hits}};
}

json Workspace::units_compare(const std::string& a, const std::string& b) const {
  const VectorView v = vectors();
  if (!v) throw InputError("no vectors yet: train, step or open vectors to compare sentences");
  const Pooler* pooler = sentences_.pooler();
  const bool with_units = pooler && sentences_.pooled_fresh();
  const Comparison c = with_units ? compare_texts(*pooler, *sentences_.embeddings(), a, b)
                                  : compare_pair(v.table_view(), sentences_.pooling(), a, b);
  auto list = [](const std::vector<WordContribution>& words) {
    json j = json::array();
    for (const auto& w : words) j.push_back({{"word", w.word}, {"contribution", w.contribution}, {"count", w.count}});
    return j;
  };
  PoolingOptions shown = sentences_.pooling();
  if (!with_units) shown.remove_components = 0;
  return {{"cosine", c.cosine}, {"pooling", describe(shown)}, {"with_units", with_units}, {"a", list(c.a)}, {"b", list(c.b)},
          {"a_unknown", c.a_unknown}, {"b_unknown", c.b_unknown}};
}

UnitMap Workspace::units_map(int max_units, const std::vector<float>& previous) const {
  const UnitEmbeddings& e = pooled_units();
  UnitMap out;
  out.with_vector = e.with_vectors();
  const int64_t shown = std::min<int64_t>(out.with_vector, std::max(1, max_units));
  // An even sample of the units with a vector, in text order: the j-th of `shown` is the
  // floor(j * with_vector / shown)-th unit with a vector.
  int64_t seen = 0;
  for (int32_t i = 0; i < e.size() && static_cast<int64_t>(out.units.size()) < shown; ++i) {
    if (!e.has_vector(i)) continue;
    if (seen++ == static_cast<int64_t>(out.units.size()) * out.with_vector / shown) out.units.push_back(i);
  }
  const RowMatrix chosen = gather_rows(e.vectors, out.units);
  check_projectable(chosen, kMinMapWords, "PCA");
  out.projection = project(chosen, previous);
  const Units& units = sentences_.units();
  for (int32_t u : out.units) {
    bool cut = false;
    out.texts.push_back(std::string(cut_at(units.unit(u), kUnitSnippetBytes, &cut)) + (cut ? "…" : ""));
    out.known.push_back(e.known[u]);
    out.words.push_back(e.words[u]);
  }
  return out;
}

UnitClusterReply Workspace::units_clusters(const Ids& units, KMeansOptions options) const {
  check_units(units);
  if (options.k < 1 || options.k > static_cast<int>(units.size()))
    throw InputError("clusters: k must be between 1 and the number of units on the map (" + std::to_string(units.size()) + ")");
  const UnitClusters c = cluster_units(sentences_.index(), *sentences_.embeddings(), options, 5, units);
  UnitClusterReply out;
  for (int32_t u : units) out.assignment.push_back(c.assignment[u]);
  out.labels = c.labels;
  out.sizes = c.sizes;
  return out;
}

json Workspace::units_tsne_start(const Ids& units, TsneOptions options) {
  check_units(units);
  const RowMatrix chosen = gather_rows(sentences_.embeddings()->vectors, units);
  check_projectable(chosen, kMinTsnePoints, "t-SNE");
  return start_tsne(chosen, units, true, options);
}

void Workspace::sentence_eval_load(const std::string& name, std::string text) {
  const char* ir_names[3] = {"cranfield-documents", "cranfield-queries", "cranfield-qrels"};
  if (name == "sts") {
    sts_ = read_sts(text);
    return;
  }
  for (int i = 0; i < 3; ++i)
    if (name == ir_names[i]) {
      ir_files_[i] = std::move(text);
      ir_.reset();
      if (!ir_files_[0].empty() && !ir_files_[1].empty() && !ir_files_[2].empty())
        ir_ = std::make_unique<IrCollection>(read_ir_collection(ir_files_[0], ir_files_[1], ir_files_[2]));
      return;
    }
  throw InputError("unknown sentence test \"" + name + "\" (sts, cranfield-documents, cranfield-queries or cranfield-qrels)");
}

json Workspace::sentence_eval_run() const {
  const VectorView v = vectors();
  if (!v) throw InputError("no vectors yet: train, step or open vectors first");
  if (sts_.empty() || !ir_) throw InputError("the sentence tests are not loaded");
  const WordTable table = v.table_view();
  json sts_rows = json::array(), tfidf = json::array();
  const StsBench bench(sts_, table.reading());
  for (const char* preset : {"mean", "max", "mean+max", "sif"})
    for (bool stop : {false, true}) {
      PoolingOptions o = pooling_preset(preset);
      o.drop_stopwords = stop;
      const StsBench::Score s = bench.pooled(table, o);
      sts_rows.push_back({{"pooling", preset}, {"stopwords", stop}, {"spearman", finite_or_null(s.spearman)},
                          {"covered", s.covered}, {"coverage", s.coverage}});
    }
  for (bool stop : {false, true}) {
    const StsBench::Score s = bench.tfidf(stop);
    tfidf.push_back({{"stopwords", stop}, {"spearman", finite_or_null(s.spearman)}});
  }
  const TextIndex index = build_text_index(ir_->documents, table.reading());
  const Pooler pooler(index, table, sentences_.pooling());
  const UnitEmbeddings e = embed_units(pooler);
  UnitSearch search(index, pooler, e);
  const SearchOptions so;
  json ir_rows = json::array();
  for (SearchMethod m : {SearchMethod::kEmbedding, SearchMethod::kBm25, SearchMethod::kHybrid}) {
    const IrScore s = evaluate_ir(*ir_, search, index, m, so);
    ir_rows.push_back({{"method", search_method_name(m)}, {"ndcg10", s.ndcg10}, {"recall100", s.recall100}});
  }
  // The sentence encoder, when one was trained, scored on the same pairs beside the pooled words.
  json encoder = nullptr;
  if (encoder_.trained()) {
    const EncoderStsScores e = sts_scores(encoder_.trainer().encoder(), sts_);
    encoder = {{"cls", finite_or_null(e.cls)}, {"mean", finite_or_null(e.mean)}, {"max", finite_or_null(e.max)}};
  }
  return {{"sts", {{"pairs", bench.pairs()}, {"rows", sts_rows}, {"tfidf", tfidf}, {"encoder", encoder}}},
          {"ir", {{"documents", ir_->documents.size()}, {"queries", ir_->queries.size()}, {"pooling", describe(sentences_.pooling())},
                  {"rows", ir_rows}}}};
}

}  // namespace embplay
