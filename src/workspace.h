// Workspace: the page's one source of vectors, and every question the page asks of it, in plain
// C++ (src/bindings.cpp only converts JavaScript values and calls in). The source is exactly one
// of: the next-word Trainer, a next-word model loaded from a file, a Word2VecTrainer, vectors
// opened from a file, or item2vec on an interaction log (ItemsRun: its words are items, shown by
// their names, and users get recommendations). A new source replaces the old one only once it is valid, so a failed start
// or a file that does not read keeps the run there was. Every tool reads one accessor, vectors():
// the current vocabulary and its vector table.
//
// Replies the page reads as JSON are nlohmann::json here; arrays (coordinates, assignments,
// vectors, file bytes) come out as plain containers for the bindings to copy into typed arrays.
// Problems are thrown: InputError with a message for the user (the bindings turn any exception
// into {"error": ...}).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cluster.h"
#include "common.h"
#include "encoder_session.h"
#include "evaluation.h"
#include "geometry.h"
#include "items_run.h"
#include "ngram.h"
#include "pooling.h"
#include "recsys_eval.h"
#include "sentence_index.h"
#include "text_eval.h"
#include "trainer.h"
#include "tsne.h"
#include "umap.h"
#include "vector_import.h"
#include "word2vec.h"

namespace embplay {

// The words a map call is about: the n most frequent (file order for opened vectors), or exactly
// the chosen ids in their order (a search's matches), which are checked.
struct WordSelection {
  int n = 0;
  Ids ids;
  bool chosen = false;

  static WordSelection top(int n) { return {n, {}, false}; }
  static WordSelection of(Ids ids) { return {0, std::move(ids), true}; }
};

// The current vocabulary and its vector table, whatever the source.
struct VectorView {
  const Vocab* vocab = nullptr;
  const RowMatrix* table = nullptr;             // (V, d): row i is the vector of word i; rows 0, 1 unused
  // (V, F): the output layer's row of each word, the vectors that score it (the next-word model's
  // softmax rows, word2vec's context vectors); null where words have none (opened vectors, a
  // hierarchical softmax, whose rows are the tree's inner nodes).
  const RowMatrix* output = nullptr;
  const TokenizerOptions* tokenizer = nullptr;  // how a typed word is read; null: taken as typed
  bool counted = true;                          // the vocabulary's counts are real (not for files)
  const ItemLabels* labels = nullptr;           // what people see of each word (items: their names); null: the word
  explicit operator bool() const { return vocab != nullptr; }
  // What people see of word `id`.
  const std::string& name(int32_t id) const { return labels ? (*labels)[id] : vocab->word(id); }
  WordTable table_view() const { return {vocab, table, tokenizer}; }  // for pooling
};

// k-means of the shown words.
struct ClusterReply {
  Ids assignment;                                 // (n): the cluster of each word, in selection order
  std::vector<std::vector<std::string>> central;  // (k): each cluster's most central words, at most 5
  std::vector<int> sizes;                         // (k)
  double inertia = 0;
};

// Words placed on two semantic axes (semantic_axes.h).
struct AxesReply {
  RowMatrix coords;     // (n, 2): each word's cosine with the x axis and with the y axis, in selection order
  nlohmann::json axes;  // {x: {positive, negative, pairs, label_positive, label_negative}, y: {...}, cosine, orthogonal}
};

// One slice of the running t-SNE (or UMAP: its iterations are epochs).
struct TsneFrame {
  RowMatrix coords;  // (n, D): D = its options' dimensions
  int iteration = 0;
  int iterations = 0;
  bool done = false;
};

// Training examples in the order the current epoch visits them.
struct ExampleBatch {
  Ids contexts;  // (n, k) row-major
  Ids targets;   // (n)
};

// The embedding rows the last batch changed, and how far each moved.
struct RowChanges {
  Ids rows;                  // (U)
  std::vector<float> moved;  // (U): Euclidean norm of each row's update
};

// The units a map of units shows: their projection, and what the page tells about each.
struct UnitMap {
  Ids units;                       // (n): the units shown, in row order (an even sample when more have a vector)
  Projection projection;           // (n, 2)
  std::vector<std::string> texts;  // (n): each unit's text, cut to kUnitSnippetBytes
  std::vector<int32_t> known;      // (n): its words with a vector
  std::vector<int32_t> words;      // (n): its words counted (stopwords left out when pooling leaves them out)
  int32_t with_vector = 0;         // units with a vector, shown or not
};

// k-means of the units on the map, each cluster labelled by its distinctive words.
struct UnitClusterReply {
  Ids assignment;                                 // (n): the cluster of each unit, in the order asked
  std::vector<std::vector<std::string>> labels;   // (k): its most distinctive words, at most 5
  std::vector<int> sizes;                         // (k)
};

// How much of a unit the page is sent: a map's tooltip, a search hit.
constexpr size_t kUnitSnippetBytes = 280;
constexpr size_t kUnitHitBytes = 480;

// Analogies search this many of the most frequent words, as word2vec's compute-accuracy does: it
// keeps a run over the whole set within seconds in the page.
constexpr int kAnalogyWords = 30000;

// Vectors have collapsed when the mean cosine over the pairs of the kCollapseWords most frequent
// words is above kCollapsedCosine: 0.94-1.00 for every collapsed run bench/defaults.sh made,
// 0.13-0.70 for every healthy one (bench/README.md, "Defaults by text size").
constexpr int kCollapseWords = 300;
constexpr double kCollapsedCosine = 0.9;

class Workspace {
 public:
  Workspace();
  ~Workspace();

  // ---- sources of vectors ------------------------------------------------------------------

  // A next-word run on `text`: {ok, stats: {sentences, tokens, types, vocab, train_examples,
  // valid_examples, oov_tokens}}.
  nlohmann::json start(const std::string& text, const Settings& settings);
  // A word2vec run on `text`. Its stats use the next-word run's names: train_examples are the
  // in-vocabulary words of one epoch, nothing is held out.
  nlohmann::json start_word2vec(const std::string& text, const Word2VecOptions& options);
  // A next-word model file (model_io.h), explored, not trained: {ok, vocab, settings}.
  nlohmann::json load_model(const nlohmann::json& file);

  // Vectors from a file, streamed: import_begin, import_chunk..., [import_metadata], import_finish.
  // The current source stays until import_finish succeeds. format: "auto" or a format name;
  // max_words: keep the file's first this many words (1..200000).
  void import_begin(const std::string& format, int max_words);
  nlohmann::json import_chunk(const std::string& bytes);  // {kept, done}
  void import_metadata(std::string bytes);                // the Projector's metadata.tsv
  // {ok, words, dim, duplicates, first_duplicate, truncated, skipped, format}: the vectors replace the run.
  nlohmann::json import_finish();
  // Vectors already read (the command-line tool's files) replace the run, as an opened file does.
  void open_vectors(WordVectors vectors, const std::string& format);

  // item2vec on an interaction log: format "events" (a CSV with a header: user, item, optional time,
  // basket, value and name columns) or "baskets" (one per line). {ok, stats: the next-word run's
  // fields (sentences: the sequences trained, one per user or basket; tokens: events; types: items;
  // vocab; train_examples: items read per epoch; valid_examples and oov_tokens 0), items:
  // ItemsRun::summary()}. A log that does not read (the message names its line) keeps the source there was.
  nlohmann::json start_items(const std::string& data, const std::string& format, const Item2VecOptions& options);

  std::string kind() const;  // "nextword", "word2vec", "vectors", "items" or "none"
  void drop_source();        // no source any more (Reset); units of text stay, unpooled
  VectorView vectors() const;

  // ---- training ----------------------------------------------------------------------------

  // About `budget` examples (next-word) or words (word2vec): {epoch, epochs, step, epoch_position,
  // epoch_size, train_loss, last_batch_loss, tokens_per_sec, epoch_end, finished, diverged,
  // examples, loss_sum, loss_count, lr, stopped_early, best_epoch}, the same fields for both
  // models. With early stopping (patience > 0), best_epoch is the epoch of the best validation
  // perplexity so far, whose weights a finished run keeps; stopped_early: it ended before its epochs
  // because that many epochs did not improve on it (0 and false without early stopping, and for word2vec).
  nlohmann::json step(int64_t budget);
  // {loss, perplexity, accuracy (top-1), top5, examples} on the validation or the test split.
  nlohmann::json evaluate() const;
  nlohmann::json evaluate_test() const;

  // ---- the map -----------------------------------------------------------------------------

  // {words, counts (null for opened vectors), ids} of the selection.
  nlohmann::json words(const WordSelection& selection) const;
  // PCA of the selection's vectors to `dims` dimensions (2, or 3 for the 3D view), turned to best
  // match `previous` (dims * n floats: the last frame of the same words) when it has that length.
  // Chosen words must be projectable (at least kMinMapWords, some spread). nullopt without vectors.
  std::optional<Projection> pca(const WordSelection& selection, const std::vector<float>& previous, int dims = 2) const;
  // The selection placed on the semantic axes written `x` and `y` (pairs "he-she, man-woman" or
  // sets "{rich wealthy} - {poor needy}", semantic_axes.h), y made orthogonal to x when asked.
  // Throws InputError naming the axis: its form, the words not in the vocabulary, no direction.
  AxesReply axes(const WordSelection& selection, const std::string& x, const std::string& y, bool orthogonal) const;
  // A copy of the vectors of the n most frequent words, (n, d): the timeline's snapshots.
  std::optional<RowMatrix> vectors_of(int n) const;
  // PCA of a kept snapshot `flat` (rows * dim, row-major), aligned like pca(); nullopt when the
  // sizes do not match.
  static std::optional<Projection> pca_of(const std::vector<float>& flat, int rows, int dim,
                                          const std::vector<float>& previous);
  // k-means of the shown words (directions); options.k between 1 and their number, at most
  // 5 central words each; options.start (n) follows a previous clustering.
  ClusterReply kmeans(const WordSelection& selection, KMeansOptions options) const;
  // t-SNE of a copy of the shown words' vectors (training goes on); chosen words must be
  // projectable. Warm-starts from the last layout when the words are the same (then without early
  // exaggeration). {ok, n, warm, learning_rate}; on an error the previous t-SNE stays.
  nlohmann::json tsne_start(const WordSelection& selection, TsneOptions options);
  TsneFrame tsne_step(int iterations);  // up to `iterations` more
  // UMAP of a copy of the shown words' vectors, as tsne_start (warm from the last UMAP layout of
  // the same words). {ok, n, warm, epochs}; on an error the previous UMAP stays.
  nlohmann::json umap_start(const WordSelection& selection, UmapOptions options);
  TsneFrame umap_step(int epochs);  // up to `epochs` more

  // Have the vectors collapsed (all pointing one way, as word2vec's did on small texts)?
  // {mean_cosine: mean_pairwise_cosine() of the kCollapseWords most frequent words' vectors, words:
  // how many, collapsed: mean_cosine above kCollapsedCosine}. InputError without vectors.
  nlohmann::json collapse() const;

  // ---- questions ---------------------------------------------------------------------------

  // {word, metric, table, neighbors: [{word, similarity, distance}]}; metric "cosine" or
  // "euclidean"; table "input" (the vectors: the embedding's rows) or "output" (VectorView::output).
  nlohmann::json neighbors(const std::string& word, int k, const std::string& metric,
                           const std::string& table = "input") const;
  // a - b + c by "3CosAdd" or "3CosMul": {words: [a, b, c] as read, method, answers: [{word, score}]}.
  nlohmann::json analogy(const std::string& a, const std::string& b, const std::string& c, int k,
                         const std::string& method) const;
  // The odd one out of 4 to 6 typed words (commas or spaces): {words: as read, distances: each
  // one's cosine distance to the centroid of the others (unit vectors), odd: the farthest word,
  // odd_index}. InputError for fewer or more words, a word typed twice, words not in the vocabulary.
  nlohmann::json odd_one_out(const std::string& words) const;
  // Typed words (commas or spaces) as a selection of the map; InputError naming those not in the
  // vocabulary. The command-line tool's --words.
  WordSelection words_named(const std::string& text) const;
  // The k likeliest next words after typed text: {context: the words the model read, predictions}.
  nlohmann::json predict(const std::string& context, int k) const;
  nlohmann::json save_model() const;                          // the model file
  std::string export_vectors(const std::string& format) const;  // glove, word2vec, word2vec-bin, tsv, tsv-metadata
  // The evaluation sets' text (name: questions-words, wordsim353, simlex999), then a run over the
  // current vectors: analogies by section over the kAnalogyWords most frequent, Spearman correlations.
  void eval_load(const std::string& name, const std::string& text);
  nlohmann::json eval_run() const;

  // ---- items: users and recommendations (an items source only; InputError otherwise) ----------

  nlohmann::json recommend(const std::string& user, int k) const;       // ItemsRun::recommend
  std::string random_user(uint32_t seed) const;                          // ItemsRun::random_user
  nlohmann::json users(const std::string& prefix, int limit) const;     // ItemsRun::users
  // The recommenders' evaluation on the items' log, in steps: both splits, `models` (popularity,
  // knn, item2vec, item2vec+knn; ease too, slow), item2vec with each split's tuned options and the
  // run's changes from the defaults on top. Replaces an evaluation under way; {ok, splits: [...]}.
  nlohmann::json items_eval_start(const std::vector<std::string>& models);
  // Works about `seconds`: RecsysEvaluation::to_json() (rows so far, stage, fraction, done).
  nlohmann::json items_eval_step(double seconds);

  // ---- the seed ideas: the n-gram yardstick, CE against MSE, padding, sparse rows ------------

  // {order, valid_perplexity, test_perplexity, notice}: Kneser-Ney counted once on the training split.
  nlohmann::json yardstick();
  // A twin of the run with the other loss (same initial weights, same batches): {loss}.
  nlohmann::json twin_start();
  // Trains the twin towards the run's step: about `budget` examples (at least one batch), never
  // past the run, evaluating at each of its epoch ends; in lockstep after each step() of the run,
  // or on its own (catching up) while the run rests. {step, target, epoch, train_loss,
  // last_batch_loss, finished, diverged, stopped_early, best_epoch (as step() says them), caught_up,
  // evaluations: [{epoch, loss, perplexity, ...}]}.
  nlohmann::json twin_step(int64_t budget);
  nlohmann::json twin_predict(const std::string& context, int k) const;  // {loss, predictions} or null
  // What follows typed text (its last k words, padded) in the training examples:
  // {context, total, distinct, counts: [{word, count}] most frequent first, up to n}.
  nlohmann::json next_word_counts(const std::string& context, int n) const;
  // {context: "w1 w2", occurrences, distinct} of the busiest context, or {context: null}.
  nlohmann::json suggest_context() const;
  std::optional<ExampleBatch> examples(int limit) const;  // the first `limit` of this epoch
  std::optional<RowChanges> last_row_changes() const;     // of the last batch

  // ---- sentences, paragraphs and documents: units of text, pooled (sentence_index.h) ---------
  // Units come from a text or a documents file and are split, indexed and pooled in steps
  // (units_step); they are pooled with whatever vectors the workspace holds: at once for a new
  // source, and again when the caller says the vectors moved (units_repool: the worker does at
  // epoch ends and at rest). BM25 works before there are any vectors.

  // Starts building units from `text`: kind "sentences" or "paragraphs". The units there were answer
  // until the new ones are indexed; a text without units keeps them (the step's error says why).
  void units_open(std::string text, const std::string& kind);
  // A documents file, streamed: begin (format "lines", "jsonl" or "csv"; field: the JSON field or
  // the CSV column, by header name or number), chunks, finish (which starts the build).
  void units_documents_begin(const std::string& format, const std::string& field);
  nlohmann::json units_documents_chunk(const std::string& bytes);  // {bytes}: received so far
  void units_documents_finish();
  // How units are pooled: "mean", "max", "mean+max" or "sif", stopwords left out or not.
  void units_pooling(const std::string& name, bool drop_stopwords);
  void units_repool();  // the vectors moved (training): pool again
  // About `budget` of the build's or the pooling's work (bytes split, units indexed or pooled):
  // {phase, done, total, replaced, pooled, error} and the status.
  nlohmann::json units_step(int64_t budget);
  // {units, busy (steps have work to do), next (the phase the next step works on), tokens, terms,
  // pooled, fresh, with_vector, pooling, dim, memory: {text_index, vectors}} ({units: 0, busy, next}
  // before the first units).
  nlohmann::json units_status() const;
  // The top k units for a query by "embedding", "bm25" or "hybrid": {method, hits: [{unit, id,
  // line, score, embedding, bm25, parts, known, words}], words, stopwords, no_vector, no_unit,
  // notice}; parts: the hit's text cut in pieces, every second one (from the second) a matched word.
  nlohmann::json units_search(const std::string& query, const std::string& method, int k);
  // The k units nearest `unit` by cosine of their pooled vectors: {unit, text, hits: [...]}.
  nlohmann::json units_nearest(int unit, int k) const;
  // Two typed texts pooled as the units are (their weights when there are units, else alone):
  // {cosine, pooling, a: [{word, contribution, count}], b, a_unknown, b_unknown}.
  nlohmann::json units_compare(const std::string& a, const std::string& b) const;
  // PCA of at most `max_units` units' vectors (an even sample of those with a vector), aligned to
  // `previous` (2n floats: the last frame of the same units).
  UnitMap units_map(int max_units, const std::vector<float>& previous) const;
  // k-means (options.k, .seed) of the chosen units, labelled by their distinctive words.
  UnitClusterReply units_clusters(const Ids& units, KMeansOptions options) const;
  // t-SNE of the chosen units' vectors, stepped with tsne_step() like the words'.
  nlohmann::json units_tsne_start(const Ids& units, TsneOptions options);

  // The sentence tests' data: "sts" (the STS Benchmark TSV), "cranfield-documents",
  // "cranfield-queries", "cranfield-qrels" (the retrieval collection's three files).
  void sentence_eval_load(const std::string& name, std::string text);
  // With the current vectors: STS Spearman per pooling (mean, max, mean+max, SIF, each with and
  // without stopwords) beside TF-IDF's, and Cranfield nDCG@10 / Recall@100 of embedding, BM25 and
  // hybrid search (the units' pooling choice). {sts: {pairs, rows, tfidf}, ir: {documents, queries, pooling, rows}}.
  nlohmann::json sentence_eval_run() const;

  // ---- the sentence encoder (issue 14): its own run beside the source of vectors -------------
  EncoderSession& encoder() { return encoder_; }
  const EncoderSession& encoder() const { return encoder_; }

 private:
  void clear();  // drops the source and everything computed from it
  // Checks units chosen by the page: units there, each with a vector, none twice.
  void check_units(const Ids& units) const;
  const UnitEmbeddings& pooled_units() const;  // throws when there are none
  // A t-SNE of `chosen` (n, d), warm from the last layout when it was of the same ids (words or units).
  nlohmann::json start_tsne(const RowMatrix& chosen, const Ids& ids, bool units, TsneOptions options);
  const TrainedModel* model() const;
  Ids selected(const VectorView& v, const WordSelection& selection) const;
  // The selection's ids and their vectors for t-SNE or UMAP (`method`); words the user chose must be
  // at least `min_points` and spread out.
  std::pair<Ids, RowMatrix> rows_to_project(const WordSelection& selection, int min_points, const char* method) const;
  // word2vec's progress under the next-word run's names (words for examples).
  nlohmann::json word2vec_progress(const Word2VecProgress& p, const Word2VecTrainer& trainer);

  EncoderSession encoder_;                     // a sentence encoder, trained apart from the vectors
  std::unique_ptr<Trainer> trainer_;           // the next-word model, training
  std::unique_ptr<Trainer> twin_;              // the same run with the other loss
  std::unique_ptr<KneserNey> kn_;              // the n-gram yardstick on trainer_'s training split
  std::unique_ptr<TrainedModel> loaded_;       // a next-word model from a file: explored, not trained
  std::unique_ptr<Word2VecTrainer> w2v_;       // word2vec, training
  int64_t w2v_steps_ = 0;                      // step() calls in the word2vec or item2vec run
  std::unique_ptr<ItemsRun> items_;            // item2vec on an interaction log, training
  std::unique_ptr<RecsysEvaluation> items_eval_;  // the recommenders' evaluation on items_'s log
  std::unique_ptr<VectorTable> imported_;      // vectors from a file: explored, not trained
  std::string imported_format_;
  std::unique_ptr<VectorImport> import_;       // a file being streamed in
  std::unique_ptr<Tsne> tsne_;                 // the last t-SNE, on a copy of the shown vectors
  Ids tsne_ids_;                               // its words' (or units') ids, in row order
  bool tsne_units_ = false;                    // the last t-SNE is of units, not words
  int tsne_iterations_ = 0;                    // its total iterations
  std::unique_ptr<Umap> umap_;                 // the last UMAP, on a copy of the shown words' vectors
  Ids umap_ids_;                               // its words' ids, in row order
  std::vector<AnalogySection> analogies_;
  std::vector<SimilarityPair> wordsim_, simlex_;
  bool has_analogies_ = false, has_wordsim_ = false, has_simlex_ = false;
  std::vector<StsPair> sts_;
  std::string ir_files_[3];                 // Cranfield's documents, queries and qrels, as loaded
  std::unique_ptr<IrCollection> ir_;        // read once all three are in
  UnitOptions documents_options_;           // the documents file being streamed in
  std::string documents_;
  bool receiving_documents_ = false;
  // Last: it reads the source's table, so it goes first (and clear() tells it before a source goes).
  SentenceIndex sentences_;
};

// {tokens, sentences, too_small, suggested: {nextword, word2vec}}: what a run would read in `text`
// with the tokenizer settings in `tokenizer` ({lowercase, keep_punctuation, han_bigrams}, of either
// settings table; any left out take their defaults), and what that means for the settings
// (suggested_settings.h): the TEXT panel's word count, by the very rule the run's stats count with,
// and the MODEL panel's suggested values.
nlohmann::json count_tokens(const std::string& text, const nlohmann::json& tokenizer);

}  // namespace embplay
