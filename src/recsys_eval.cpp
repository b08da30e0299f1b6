// The recommenders' evaluation as a job in steps (see recsys_eval.h).
#include "recsys_eval.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "input_error.h"

namespace embplay {

const std::vector<double> kEaseLambdas = {10, 20, 50, 100, 200, 500, 1000, 2000};

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

const std::vector<std::string> kModels = {"popularity", "knn", "ease", "item2vec", "item2vec+knn"};
// Units of work small enough for a slice of a few milliseconds of WebAssembly.
constexpr int64_t kTrainSlice = 1 << 11;  // item2vec: items read per unit of work
constexpr size_t kCasesPerUnit = 16;      // users scored per unit of work
constexpr size_t kUsersPerUnit = 64;      // item kNN: users' co-occurrences counted per unit of work

std::string weight_text(float w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(w));
  return buf;
}

}  // namespace

std::vector<std::string> parse_recsys_models(const std::string& list) {
  std::vector<std::string> models;
  std::stringstream in(list);
  for (std::string m; std::getline(in, m, ',');) {
    if (std::find(kModels.begin(), kModels.end(), m) == kModels.end())
      throw InputError("the models are popularity, knn, ease, item2vec and item2vec+knn, not \"" + m + "\"");
    models.push_back(m);
  }
  if (models.empty()) throw InputError("name at least one model to evaluate");
  return models;
}

// One split's held-out cases and the models fitted on its training histories so far.
struct RecsysEvaluation::SplitState {
  SplitKind kind;
  HoldOut scored;                      // the test split, or with `validation` the split of its training histories
  Item2VecOptions item2vec;            // tuned for this split
  std::shared_ptr<const ItemKnn> knn;  // once fitted: the kNN row and the blend share it
  std::unique_ptr<CooccurrenceCounts> counts;  // while item kNN counts
  size_t counted = 0;                          // users counted so far
  std::shared_ptr<const Item2Vec> trained;
  std::unique_ptr<Item2VecTrainer> trainer;  // while item2vec trains
  std::string unevaluable;                   // why no user can be evaluated (then it has no rows), or empty
};

// One row to make: fit the model (item2vec trains in slices), then score the cases in chunks.
struct RecsysEvaluation::Stage {
  size_t split = 0;
  std::string model;
  std::shared_ptr<const Recommender> recommender;  // once fitted
  std::unique_ptr<CaseScorer> scorer;
  size_t next_case = 0;
  double seconds = 0;
  json details = json::object();
};

RecsysEvaluation::RecsysEvaluation(const InteractionLog& log, RecsysEvalOptions options)
    : log_(log), options_(std::move(options)) {
  for (const std::string& m : options_.models) parse_recsys_models(m);
  if (options_.models.empty()) throw InputError("name at least one model to evaluate");
  std::vector<std::string> unevaluable;
  if (options_.ease_lambda != 0 && !(options_.ease_lambda >= 1)) throw InputError("EASE's lambda must be at least 1");
  for (SplitKind kind : options_.splits) {
    auto s = std::make_unique<SplitState>();
    s->kind = kind;
    HoldOut test = make_split(log_.users, kind);
    s->scored = options_.validation ? make_split(test.train, kind) : std::move(test);
    s->item2vec = tuned_item2vec_options(kind, options_.item2vec);
    if (s->scored.cases.empty()) {
      // Baskets have one per user, so nothing for the last-invoice split: it is said, not run.
      s->unevaluable = std::string("no user can be evaluated with the ") + split_kind_name(kind) + " split (it needs users with " +
                       (kind == SplitKind::kLastItem ? "two events" : "two baskets") + " and a new item held out)";
      unevaluable.push_back(s->unevaluable);
    } else {
      for (const std::string& m : options_.models) {
        auto stage = std::make_unique<Stage>();
        stage->split = splits_.size();
        stage->model = m;
        stages_.push_back(std::move(stage));
      }
    }
    splits_.push_back(std::move(s));
  }
  if (stages_.empty()) {
    std::string all;
    for (const std::string& why : unevaluable) all += (all.empty() ? "" : "; ") + why;
    throw InputError(all);
  }
}

RecsysEvaluation::~RecsysEvaluation() = default;

bool RecsysEvaluation::done() const { return stage_ >= stages_.size(); }

const HoldOut* RecsysEvaluation::split(SplitKind kind) const {
  for (const auto& s : splits_)
    if (s->kind == kind) return &s->scored;
  return nullptr;
}

bool RecsysEvaluation::step(double seconds) {
  const auto start = Clock::now();
  do {
    if (work_once()) return true;
  } while (std::chrono::duration<double>(Clock::now() - start).count() < seconds);
  return done();
}

bool RecsysEvaluation::work_once() {
  if (done()) return true;
  Stage& st = *stages_[stage_];
  SplitState& sp = *splits_[st.split];
  const std::vector<History>& train = sp.scored.train;
  const int32_t I = log_.item_count();
  const auto start = Clock::now();
  const bool needs_knn = st.model == "knn" || (st.model == "item2vec+knn" && sp.item2vec.knn_weight > 0);

  if (!st.recommender) {
    const bool needs_item2vec = st.model == "item2vec" || st.model == "item2vec+knn";
    if (needs_knn && !sp.knn) {
      // Count co-occurrences a few users at a time: one unit of work is one group.
      if (!sp.counts) sp.counts = std::make_unique<CooccurrenceCounts>(I);
      const size_t end = std::min(train.size(), sp.counted + kUsersPerUnit);
      for (; sp.counted < end; ++sp.counted) sp.counts->add(train[sp.counted]);
      if (sp.counted == train.size()) {
        sp.knn = std::make_shared<ItemKnn>(sp.counts->take(), options_.knn_neighbours);
        sp.counts.reset();
      }
    } else if (needs_item2vec && !sp.trained) {
      // Train in slices: one unit of work is one slice.
      if (!sp.trainer) sp.trainer = std::make_unique<Item2VecTrainer>(train, log_.item_keys, sp.item2vec);
      if (sp.trainer->step(kTrainSlice).finished) {
        sp.trained = std::make_shared<Item2Vec>(*sp.trainer, sp.item2vec);
        sp.trainer.reset();
      }
    } else if (st.model == "popularity") {
      st.recommender = std::make_shared<Popularity>(train, I);
    } else if (st.model == "knn") {
      st.recommender = sp.knn;
    } else if (st.model == "ease") {
      // Chosen on a split of the histories the model is fitted on, never on the scored cases.
      const double lambda =
          options_.ease_lambda > 0 ? options_.ease_lambda : choose_ease_lambda(make_split(train, sp.kind), I, kEaseLambdas);
      st.recommender = std::make_shared<Ease>(train, I, lambda);
      st.details["lambda"] = lambda;
    } else if (st.model == "item2vec") {
      Item2VecOptions alone = sp.item2vec;
      alone.knn_weight = 0;
      st.recommender = sp.trained;
      st.details["options"] = item2vec_options_to_json(alone);
    } else {  // item2vec+knn
      st.recommender = item2vec_recommender(sp.trained, sp.item2vec, train, I, sp.knn);
      st.details["options"] = item2vec_options_to_json(sp.item2vec);
    }
    if (st.recommender) st.scorer = std::make_unique<CaseScorer>(I, options_.k);
  } else {
    const std::vector<EvalCase>& cases = sp.scored.cases;
    const size_t end = std::min(cases.size(), st.next_case + kCasesPerUnit);
    for (; st.next_case < end; ++st.next_case) {
      const EvalCase& c = cases[st.next_case];
      st.scorer->add(*st.recommender, train[c.user], c.targets);
    }
  }
  st.seconds += std::chrono::duration<double>(Clock::now() - start).count();

  if (st.recommender && st.next_case == sp.scored.cases.size()) {
    RecsysEvalRow row;
    row.split = sp.kind;
    row.model = st.model;
    row.label = st.model == "popularity" ? "popularity"
                : st.model == "knn"      ? "item kNN"
                : st.model == "ease"     ? "EASE"
                : st.model == "item2vec" ? "item2vec"
                : sp.item2vec.knn_weight > 0 ? "item2vec + item kNN (x" + weight_text(sp.item2vec.knn_weight) + ")"
                                             : "item2vec (knn_weight 0)";
    row.metrics = st.scorer->finish();
    row.seconds = st.seconds;
    row.details = st.details;
    rows_.push_back(std::move(row));
    next_stage();
  }
  return done();
}

// The stage's row is made: free what no later row of its split needs.
void RecsysEvaluation::next_stage() {
  const size_t split = stages_[stage_]->split;
  stages_[stage_].reset();
  ++stage_;
  if (stage_ == stages_.size() || stages_[stage_]->split != split) {
    SplitState& sp = *splits_[split];
    sp.knn.reset();
    sp.trained.reset();
    sp.scored.train.clear();
    sp.scored.train.shrink_to_fit();
  }
}

std::vector<RecsysEvalRow> RecsysEvaluation::take_new_rows() {
  std::vector<RecsysEvalRow> out(rows_.begin() + static_cast<std::ptrdiff_t>(taken_), rows_.end());
  taken_ = rows_.size();
  return out;
}

json RecsysEvaluation::to_json() const {
  json splits = json::array();
  for (const auto& s : splits_) {
    json split = {{"split", split_kind_name(s->kind)}, {"cases", s->scored.cases.size()},
                  {"skipped_short", s->scored.skipped_short}, {"skipped_repeat", s->scored.skipped_repeat}};
    if (!s->unevaluable.empty()) split["unevaluable"] = s->unevaluable;
    splits.push_back(split);
  }
  json rows = json::array();
  for (const RecsysEvalRow& r : rows_)
    rows.push_back({{"split", split_kind_name(r.split)}, {"model", r.model}, {"label", r.label},
                    {"hit_rate", r.metrics.hit_rate}, {"ndcg", r.metrics.ndcg}, {"cases", r.metrics.cases},
                    {"seconds", r.seconds}, {"details", r.details}});
  // The work done: finished rows, plus the share of the current one (its training, or its scoring).
  double fraction = double(stage_);
  std::string stage = "done";
  if (!done()) {
    const Stage& st = *stages_[stage_];
    const SplitState& sp = *splits_[st.split];
    const double scored = double(st.next_case) / double(std::max<size_t>(1, sp.scored.cases.size()));
    if (sp.trainer) {
      const Word2VecProgress& p = sp.trainer->word2vec().progress();
      fraction += 0.8 * double(p.words_processed) / double(std::max<int64_t>(1, p.words_total));
      stage = std::string(split_kind_name(sp.kind)) + ": training item2vec";
    } else if (sp.counts) {
      fraction += 0.8 * double(sp.counted) / double(std::max<size_t>(1, sp.scored.train.size()));
      stage = std::string(split_kind_name(sp.kind)) + ": counting co-occurrences";
    } else {
      fraction += st.recommender ? scored : 0;
      stage = std::string(split_kind_name(sp.kind)) + ": " + (st.recommender ? "scoring " : "fitting ") + st.model;
    }
  }
  return {{"splits", splits}, {"rows", rows}, {"stage", stage},
          {"fraction", stages_.empty() ? 1.0 : fraction / double(stages_.size())}, {"done", done()}};
}

}  // namespace embplay
