// The evaluation of recommenders on an interaction log: each split's held-out cases, every model
// fitted on the split's training histories, HitRate@10 and NDCG@10 side by side. A job in steps,
// so that the page's worker runs it in slices and keeps answering; the CLI runs it to the end.
//
// Per split, in order: popularity, item kNN, EASE (lambda given, or chosen on the validation split
// of the training histories), item2vec trained on the training histories with the options tuned
// for the split (tuned_item2vec_options, with the caller's changes on top), and that item2vec blended with item kNN (the same training and the same kNN, reused).
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "interactions.h"
#include "item2vec.h"
#include "recommend.h"

namespace embplay {

struct RecsysEvalOptions {
  std::vector<SplitKind> splits = {SplitKind::kLastItem, SplitKind::kLastBasket};  // in this order
  // popularity, knn, ease, item2vec, item2vec+knn: the rows of each split, in this order
  std::vector<std::string> models = {"popularity", "knn", "item2vec", "item2vec+knn"};
  bool validation = false;   // score the validation split (the split of the training histories), not the test
  nlohmann::json item2vec = nlohmann::json::object();  // {name: value} set on top of each split's tuned options
  double ease_lambda = 0;    // EASE's lambda (>= 1); 0 = chosen on validation among kEaseLambdas
  int knn_neighbours = 0;    // item kNN keeps this many neighbours per item; 0 = all
  int k = 10;                // the cut-off of HitRate@k and NDCG@k
};

// The lambdas EASE chooses from on validation (one (I, I) solve each).
extern const std::vector<double> kEaseLambdas;

// Reads a comma-separated list of model names; throws InputError naming a wrong one.
std::vector<std::string> parse_recsys_models(const std::string& list);

struct RecsysEvalRow {
  SplitKind split;
  std::string model;         // as named in the options: popularity, knn, ease, item2vec, item2vec+knn
  std::string label;         // for people: "item kNN", "item2vec + item kNN (3)"
  RankingMetrics metrics;
  double seconds = 0;        // fitting (training) and scoring, wall time
  nlohmann::json details;    // what was chosen: EASE's lambda, item2vec's options
};

class RecsysEvaluation {
 public:
  // `log` must outlive the job. Throws InputError for an unknown model, or when no split has a user
  // to evaluate; a split without one is kept with no rows and the reason (to_json's "unevaluable").
  RecsysEvaluation(const InteractionLog& log, RecsysEvalOptions options);
  ~RecsysEvaluation();

  // Works for about `seconds` (at least one small unit: a slice of training, a few users scored,
  // one model fitted); true once everything is done.
  bool step(double seconds);
  void run() { while (!step(1e9)) {} }  // to the end
  bool done() const;

  const std::vector<RecsysEvalRow>& rows() const { return rows_; }
  // Rows finished since the last call (the CLI prints them as they come).
  std::vector<RecsysEvalRow> take_new_rows();
  // {splits: [{split, cases, skipped_short, skipped_repeat, unevaluable?}], rows: [{split, model, label,
  // hit_rate, ndcg, cases, seconds, details}], stage, fraction (0..1 of the work), done}
  nlohmann::json to_json() const;
  // The split being scored now: its cases and what it left out.
  const HoldOut* split(SplitKind kind) const;

 private:
  struct Stage;
  void next_stage();
  bool work_once();  // one unit of work; true when the job is done

  const InteractionLog& log_;
  RecsysEvalOptions options_;
  std::vector<std::unique_ptr<Stage>> stages_;  // one per (split, model), in order
  size_t stage_ = 0;
  std::vector<RecsysEvalRow> rows_;
  size_t taken_ = 0;
  // Per split: the held-out cases and the models fitted so far (reused by later rows).
  struct SplitState;
  std::vector<std::unique_ptr<SplitState>> splits_;
};

}  // namespace embplay
