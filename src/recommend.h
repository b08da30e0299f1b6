// Recommenders over interaction histories, and their evaluation: the leave-last-out splits,
// HitRate@k and NDCG@k ranking every item the user has not taken, and the two baselines every
// model must beat (popularity, item-item co-occurrence kNN) plus EASE (Steck 2019).
//
// A recommender is fitted on training histories and then scores every item for any history; the
// ones here are linear in the history, score(j) = sum_i w_i * S(i, j) over the history's items i,
// so each recommendation has a reason: the history item with the largest w_i * S(i, j).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common.h"
#include "interactions.h"

namespace embplay {

// ---- splits ------------------------------------------------------------------------------------

enum class SplitKind {
  kLastItem,     // the user's last event (by time, ties by file order) is held out; all before it is history
  kLastBasket,   // the user's last basket is held out whole; only the baskets before it are history
};
SplitKind parse_split_kind(const std::string& name);  // "last-item" | "last-invoice"; throws InputError
const char* split_kind_name(SplitKind kind);

struct EvalCase {
  int32_t user;   // the user's id in the log
  Ids targets;    // the held-out items not in the history: one for last-item, the basket's new items for last-invoice
};

// `train[u]` is user u's history with the held-out events removed (users not evaluated keep all
// of theirs): what models are fitted on and what they score from. Only items the user has not
// taken before are ranked, so a held-out item already in the history cannot be a target:
//   last-item:    users with at least 2 events whose last item is not in their history;
//   last-invoice: users with at least 2 baskets whose last basket has an item not in the earlier ones.
struct HoldOut {
  SplitKind kind = SplitKind::kLastItem;
  std::vector<History> train;  // (U)
  std::vector<EvalCase> cases;
  int64_t skipped_short = 0;   // users with too few events or baskets
  int64_t skipped_repeat = 0;  // users whose held-out items are all in their history already
};
HoldOut make_split(const std::vector<History>& users, SplitKind kind);

// ---- recommenders ------------------------------------------------------------------------------

class Recommender {
 public:
  virtual ~Recommender() = default;
  virtual std::string name() const = 0;
  // Scores (I) of every item for this history (higher first). The history's own items get scores
  // too; callers exclude them.
  virtual void score(const History& h, float* scores) const = 0;
  // The position in h.items of the item that contributes most to `item`'s score, or -1 when the
  // score does not come from the history (popularity).
  virtual int32_t reason(const History& h, int32_t item) const = 0;
};

// Items by how many training users took them (each user counted once per item).
class Popularity : public Recommender {
 public:
  Popularity(const std::vector<History>& train, int32_t items);
  std::string name() const override { return "popularity"; }
  void score(const History& h, float* scores) const override;
  int32_t reason(const History&, int32_t) const override { return -1; }

 private:
  std::vector<float> users_per_item_;  // (I)
};

// A history scored through an (I, I) item-item matrix S: score(j) = sum over the history's
// distinct items i of S(i, j). Item kNN and EASE are both this.
class ItemItem : public Recommender {
 public:
  void score(const History& h, float* scores) const override;
  int32_t reason(const History& h, int32_t item) const override;
  const RowMatrix& similarity() const { return sim_; }

 protected:
  RowMatrix sim_;  // (I, I) row i: what item i adds to every item's score; diagonal 0
};

// Item kNN: S(i, j) = cosine of items i and j over the users' incidence vectors,
// |U_i ∩ U_j| / sqrt(|U_i| |U_j|), each row kept to its `neighbours` largest entries (0 = all).
class ItemKnn : public ItemItem {
 public:
  ItemKnn(const std::vector<History>& train, int32_t items, int neighbours = 0);
  // From the co-occurrence counts of the training histories (cooccurrence(), or CooccurrenceCounts).
  ItemKnn(RowMatrix cooccurrence, int neighbours);
  std::string name() const override { return "item kNN"; }
};

// EASE (Steck 2019): B = argmin ||X - X B||^2 + lambda ||B||^2 with diag(B) = 0, in closed form
// from P = (X^T X + lambda I)^-1: B(i, j) = -P(i, j) / P(j, j), i != j. X (users, I) is binary.
// One (I, I) solve: O(I^3). lambda >= 1.
class Ease : public ItemItem {
 public:
  Ease(const std::vector<History>& train, int32_t items, double lambda);
  std::string name() const override { return "EASE"; }
};

// Two recommenders together: each one's scores standardised over the items for this history (mean
// 0, standard deviation 1), then score = z_a + weight * z_b. Scale-free, so a model of cosines and
// one of co-occurrence counts can be mixed. The reason is that of the model with the larger part
// in the item's score.
class Blend : public Recommender {
 public:
  Blend(std::shared_ptr<const Recommender> a, std::shared_ptr<const Recommender> b, float weight, int32_t items);
  std::string name() const override { return a_->name() + " + " + b_->name(); }
  void score(const History& h, float* scores) const override;
  int32_t reason(const History& h, int32_t item) const override;
  const Recommender& first() const { return *a_; }
  const Recommender& second() const { return *b_; }
  float weight() const { return weight_; }

 private:
  // Both models' standardised scores for h: za, zb (I each).
  void parts(const History& h, std::vector<float>& za, std::vector<float>& zb) const;

  std::shared_ptr<const Recommender> a_, b_;
  float weight_;
  int32_t items_;
};

// The (I, I) co-occurrence counts C = X^T X of the binary user-item matrix (diagonal: users per item).
RowMatrix cooccurrence(const std::vector<History>& train, int32_t items);

// The same counts gathered a history at a time (a job in steps adds a few users per step).
class CooccurrenceCounts {
 public:
  explicit CooccurrenceCounts(int32_t items);
  void add(const History& h);
  RowMatrix take() { return std::move(counts_); }

 private:
  RowMatrix counts_;        // (I, I)
  std::vector<char> seen_;  // (I) scratch: the history's items met so far
  Ids distinct_;            // scratch: the history's distinct items
};

// The top-k items for history h by `model`, never an item of h, with the reason of each. Throws
// InputError for an empty history.
struct Recommendation {
  int32_t item;
  float score;
  int32_t because;  // an item of the history (its id), or -1
};
std::vector<Recommendation> recommend(const Recommender& model, const History& h, int32_t items, int k);

// ---- metrics -----------------------------------------------------------------------------------

// The 0-based rank of `target` among the candidates: items not in `exclude` (a user's history),
// by score descending, ties by lower id. -1 when the target itself is excluded.
int32_t rank_of(const float* scores, int32_t items, int32_t target, const std::vector<char>& excluded);

// Per case, with its targets ranked among the candidates: recall@k = targets in the top k / their
// number (HitRate@k when there is one target), and NDCG@k = DCG / IDCG with gain 1 / log2(rank + 2)
// for each target in the top k and IDCG the DCG of min(targets, k) targets at the top. Means over cases.
struct RankingMetrics {
  int64_t cases = 0;
  double hit_rate = 0;  // HitRate@k, recall@k for several targets
  double ndcg = 0;      // NDCG@k
};
struct MetricsSum {
  int k = 10;
  int64_t cases = 0;
  double hits = 0, gains = 0;
  // One case: the 0-based ranks of its targets (-1 = not ranked).
  void add(const std::vector<int32_t>& ranks);
  RankingMetrics finish() const;
};

// Cases scored one after another into a MetricsSum, with the scratch space kept between them.
class CaseScorer {
 public:
  CaseScorer(int32_t items, int k);
  // The case's targets ranked among the items not in h (the user's training history).
  void add(const Recommender& model, const History& h, const Ids& targets);
  RankingMetrics finish() const { return sum_.finish(); }
  int64_t cases() const { return sum_.cases; }

 private:
  int32_t items_;
  MetricsSum sum_;
  std::vector<float> scores_;    // (I)
  std::vector<char> excluded_;   // (I) 1 for the history's items while a case is scored
  std::vector<int32_t> ranks_;
};

// Every case of `split`, its targets ranked among the items not in the user's training history.
RankingMetrics evaluate(const Recommender& model, const HoldOut& split, int32_t items, int k = 10);

// EASE's lambda with the best NDCG@10 on `valid` (a split of the training histories, never the
// test cases) among `grid` (ties: the smaller lambda). One (I, I) solve per value.
double choose_ease_lambda(const HoldOut& valid, int32_t items, const std::vector<double>& grid);

}  // namespace embplay
