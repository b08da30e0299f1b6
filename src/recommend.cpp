// Splits, baselines (popularity, item kNN, EASE), top-k with reasons, and ranking metrics.
#include "recommend.h"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "input_error.h"

namespace embplay {

// ---- splits ------------------------------------------------------------------------------------

SplitKind parse_split_kind(const std::string& name) {
  if (name == "last-item") return SplitKind::kLastItem;
  if (name == "last-invoice" || name == "last-basket") return SplitKind::kLastBasket;
  throw InputError("split must be last-item or last-invoice, not \"" + name + "\"");
}

const char* split_kind_name(SplitKind kind) { return kind == SplitKind::kLastItem ? "last-item" : "last-invoice"; }

HoldOut make_split(const std::vector<History>& users, SplitKind kind) {
  HoldOut split;
  split.kind = kind;
  split.train = users;
  for (int32_t u = 0; u < static_cast<int32_t>(users.size()); ++u) {
    const History& h = users[u];
    const bool enough = kind == SplitKind::kLastItem ? h.size() >= 2 : h.baskets() >= 2;
    if (!enough) {
      ++split.skipped_short;
      continue;
    }
    History& t = split.train[u];
    // The held-out events: the last one, or the last basket's.
    const int32_t from = kind == SplitKind::kLastItem ? h.size() - 1 : h.starts[h.baskets() - 1];
    t.items.resize(static_cast<size_t>(from));
    while (t.starts.size() > 1 && t.starts[t.starts.size() - 2] >= from) t.starts.pop_back();
    t.starts.back() = from;
    EvalCase c{u, {}};
    for (int32_t p = from; p < h.size(); ++p)
      if (std::find(t.items.begin(), t.items.end(), h.items[p]) == t.items.end()) c.targets.push_back(h.items[p]);
    if (c.targets.empty()) {
      ++split.skipped_repeat;
      continue;
    }
    split.cases.push_back(std::move(c));
  }
  return split;
}

// ---- recommenders ------------------------------------------------------------------------------

namespace {

// Calls f(item) once for each distinct item of h; `seen` (I) must be all zero and is left so.
template <typename F>
void for_each_distinct(const History& h, std::vector<char>& seen, F f) {
  for (int32_t i : h.items)
    if (!seen[i]) seen[i] = 1, f(i);
  for (int32_t i : h.items) seen[i] = 0;
}

}  // namespace

Popularity::Popularity(const std::vector<History>& train, int32_t items) : users_per_item_(static_cast<size_t>(items), 0) {
  std::vector<char> seen(static_cast<size_t>(items), 0);
  for (const History& h : train) for_each_distinct(h, seen, [&](int32_t i) { users_per_item_[i] += 1; });
}

void Popularity::score(const History&, float* scores) const {
  std::copy(users_per_item_.begin(), users_per_item_.end(), scores);
}

CooccurrenceCounts::CooccurrenceCounts(int32_t items)
    : counts_(RowMatrix::Zero(items, items)), seen_(static_cast<size_t>(items), 0) {}

void CooccurrenceCounts::add(const History& h) {
  distinct_.clear();
  for_each_distinct(h, seen_, [&](int32_t i) { distinct_.push_back(i); });
  for (int32_t a : distinct_) {
    float* row = counts_.row(a).data();
    for (int32_t b : distinct_) row[b] += 1;
  }
}

RowMatrix cooccurrence(const std::vector<History>& train, int32_t items) {
  CooccurrenceCounts c(items);
  for (const History& h : train) c.add(h);
  return c.take();
}

void ItemItem::score(const History& h, float* scores) const {
  const Eigen::Index I = sim_.cols();
  Eigen::Map<Eigen::VectorXf> s(scores, I);
  s.setZero();
  std::vector<char> seen(static_cast<size_t>(I), 0);
  for_each_distinct(h, seen, [&](int32_t i) { s += sim_.row(i).transpose(); });
}

int32_t ItemItem::reason(const History& h, int32_t item) const {
  int32_t best = -1;
  for (int32_t p = 0; p < h.size(); ++p)
    if (best < 0 || sim_(h.items[p], item) > sim_(h.items[best], item)) best = p;
  return best;
}

ItemKnn::ItemKnn(const std::vector<History>& train, int32_t items, int neighbours)
    : ItemKnn(cooccurrence(train, items), neighbours) {}

ItemKnn::ItemKnn(RowMatrix counts, int neighbours) {
  sim_ = std::move(counts);
  const Eigen::Index items = sim_.rows();
  const Eigen::VectorXf users = sim_.diagonal();
  for (Eigen::Index i = 0; i < items; ++i)
    for (Eigen::Index j = 0; j < items; ++j)
      sim_(i, j) = i == j || sim_(i, j) == 0 ? 0.0f : sim_(i, j) / std::sqrt(users[i] * users[j]);
  if (neighbours <= 0 || neighbours >= items) return;
  std::vector<float> row(static_cast<size_t>(items));
  for (Eigen::Index i = 0; i < items; ++i) {
    std::copy(sim_.row(i).data(), sim_.row(i).data() + items, row.begin());
    std::nth_element(row.begin(), row.begin() + (neighbours - 1), row.end(), std::greater<float>());
    const float kth = row[neighbours - 1];
    // Every entry above the k-th value stays; of those equal to it, the lower ids fill the rest.
    int ties = neighbours - static_cast<int>(std::count_if(row.begin(), row.end(), [&](float x) { return x > kth; }));
    for (Eigen::Index j = 0; j < items; ++j) {
      if (sim_(i, j) > kth) continue;
      if (sim_(i, j) == kth && kth > 0 && ties > 0) --ties;
      else sim_(i, j) = 0;
    }
  }
}

Ease::Ease(const std::vector<History>& train, int32_t items, double lambda) {
  if (!(lambda >= 1)) throw InputError("EASE needs lambda >= 1");
  // In float: lambda >= 1 keeps X^T X + lambda I well enough conditioned, and float halves the
  // O(I^3) work (3,659 items: a Cholesky factor and two triangular solves, ~10^11 flops).
  Eigen::MatrixXf g = cooccurrence(train, items);  // (I, I) X^T X
  g.diagonal().array() += static_cast<float>(lambda);
  sim_ = RowMatrix::Identity(items, items);
  g.llt().solveInPlace(sim_);  // (I, I) P, symmetric
  const Eigen::VectorXf p_diag = sim_.diagonal();
  for (Eigen::Index i = 0; i < items; ++i)
    for (Eigen::Index j = 0; j < items; ++j) sim_(i, j) = i == j ? 0.0f : -sim_(i, j) / p_diag[j];
}

Blend::Blend(std::shared_ptr<const Recommender> a, std::shared_ptr<const Recommender> b, float weight, int32_t items)
    : a_(std::move(a)), b_(std::move(b)), weight_(weight), items_(items) {}

namespace {

// Scores to mean 0 and standard deviation 1 (all 0 when they are all the same).
void standardise(std::vector<float>& s) {
  double sum = 0, squares = 0;
  for (float x : s) sum += x, squares += double(x) * x;
  const double n = double(s.size()), mean = sum / n, var = std::max(0.0, squares / n - mean * mean);
  const float scale = var > 0 ? static_cast<float>(1 / std::sqrt(var)) : 0.0f;
  for (float& x : s) x = static_cast<float>(x - mean) * scale;
}

}  // namespace

void Blend::parts(const History& h, std::vector<float>& za, std::vector<float>& zb) const {
  za.resize(static_cast<size_t>(items_));
  zb.resize(static_cast<size_t>(items_));
  a_->score(h, za.data());
  b_->score(h, zb.data());
  standardise(za);
  standardise(zb);
}

void Blend::score(const History& h, float* scores) const {
  std::vector<float> za, zb;
  parts(h, za, zb);
  for (int32_t j = 0; j < items_; ++j) scores[j] = za[j] + weight_ * zb[j];
}

int32_t Blend::reason(const History& h, int32_t item) const {
  std::vector<float> za, zb;
  parts(h, za, zb);
  const bool second = weight_ * zb[item] > za[item];
  const int32_t r = second ? b_->reason(h, item) : a_->reason(h, item);
  return r >= 0 ? r : (second ? a_->reason(h, item) : b_->reason(h, item));
}

std::vector<Recommendation> recommend(const Recommender& model, const History& h, int32_t items, int k) {
  if (h.size() == 0) throw InputError("the history is empty: there is nothing to recommend from");
  std::vector<float> scores(static_cast<size_t>(items));
  model.score(h, scores.data());
  std::vector<char> excluded(static_cast<size_t>(items), 0);
  for (int32_t i : h.items) excluded[i] = 1;
  Ids candidates;
  for (int32_t j = 0; j < items; ++j)
    if (!excluded[j]) candidates.push_back(j);
  const size_t n = std::min<size_t>(static_cast<size_t>(std::max(k, 0)), candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + n, candidates.end(), [&](int32_t a, int32_t b) {
    return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
  });
  std::vector<Recommendation> out;
  for (size_t r = 0; r < n; ++r) {
    const int32_t j = candidates[r], p = model.reason(h, j);
    out.push_back({j, scores[j], p < 0 ? -1 : h.items[p]});
  }
  return out;
}

// ---- metrics -----------------------------------------------------------------------------------

int32_t rank_of(const float* scores, int32_t items, int32_t target, const std::vector<char>& excluded) {
  if (excluded[target]) return -1;
  const float t = scores[target];
  int32_t rank = 0;
  for (int32_t j = 0; j < items; ++j)
    if (!excluded[j] && (scores[j] > t || (scores[j] == t && j < target))) ++rank;
  return rank;
}

void MetricsSum::add(const std::vector<int32_t>& ranks) {
  ++cases;
  if (ranks.empty()) return;
  double found = 0, dcg = 0, ideal = 0;
  for (int32_t r : ranks)
    if (r >= 0 && r < k) found += 1, dcg += 1.0 / std::log2(r + 2.0);
  for (int r = 0; r < std::min<int>(k, static_cast<int>(ranks.size())); ++r) ideal += 1.0 / std::log2(r + 2.0);
  hits += found / double(ranks.size());
  gains += dcg / ideal;
}

RankingMetrics MetricsSum::finish() const {
  RankingMetrics m;
  m.cases = cases;
  if (cases == 0) return m;
  m.hit_rate = hits / double(cases);
  m.ndcg = gains / double(cases);
  return m;
}

CaseScorer::CaseScorer(int32_t items, int k)
    : items_(items), scores_(static_cast<size_t>(items)), excluded_(static_cast<size_t>(items), 0) {
  sum_.k = k;
}

void CaseScorer::add(const Recommender& model, const History& h, const Ids& targets) {
  model.score(h, scores_.data());
  for (int32_t i : h.items) excluded_[i] = 1;
  ranks_.clear();
  for (int32_t t : targets) ranks_.push_back(rank_of(scores_.data(), items_, t, excluded_));
  sum_.add(ranks_);
  for (int32_t i : h.items) excluded_[i] = 0;
}

RankingMetrics evaluate(const Recommender& model, const HoldOut& split, int32_t items, int k) {
  CaseScorer scorer(items, k);
  for (const EvalCase& c : split.cases) scorer.add(model, split.train[c.user], c.targets);
  return scorer.finish();
}

double choose_ease_lambda(const HoldOut& valid, int32_t items, const std::vector<double>& grid) {
  if (grid.empty()) throw InputError("EASE needs at least one lambda to choose from");
  double best = grid[0], best_ndcg = -1;
  for (double lambda : grid) {
    const double ndcg = evaluate(Ease(valid.train, items, lambda), valid, items).ndcg;
    if (ndcg > best_ndcg) best = lambda, best_ndcg = ndcg;
  }
  return best;
}

}  // namespace embplay
