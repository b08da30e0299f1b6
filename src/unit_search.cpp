// Search, nearest units and labelled clusters over pooled units (see unit_search.h).
#include "unit_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "settings.h"
#include "stopwords.h"

namespace embplay {
namespace {

constexpr float kNoScore = -std::numeric_limits<float>::infinity();

// The units of `scores` (N) in descending order of score, ties by unit: the first k of them that
// have a score above `floor`.
std::vector<int32_t> top_units(const std::vector<float>& scores, int k, float floor, std::vector<int32_t>& order) {
  order.resize(scores.size());
  std::iota(order.begin(), order.end(), 0);
  const auto better = [&](int32_t a, int32_t b) { return scores[a] > scores[b] || (scores[a] == scores[b] && a < b); };
  const size_t kk = std::min(order.size(), static_cast<size_t>(k));
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(kk), order.end(), better);
  std::vector<int32_t> out;
  for (size_t i = 0; i < kk && scores[order[i]] > floor; ++i) out.push_back(order[i]);
  return out;
}

// Scales scores in place to [0, 1] (min-max) or to mean 0 and deviation 1 (z-score); units without
// a score get the lowest. All equal: all 0.
void normalise(std::vector<float>& s, Fusion fusion) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0, sq = 0;
  int64_t n = 0;
  for (float v : s)
    if (v != kNoScore) lo = std::min<double>(lo, v), hi = std::max<double>(hi, v), sum += v, sq += double(v) * v, ++n;
  if (n == 0) {
    std::fill(s.begin(), s.end(), 0.0f);
    return;
  }
  double shift = lo, scale = hi - lo;
  if (fusion == Fusion::kZScore) shift = sum / n, scale = std::sqrt(std::max(0.0, sq / n - shift * shift));
  for (float& v : s) v = scale > 0 ? static_cast<float>(((v == kNoScore ? lo : v) - shift) / scale) : 0.0f;
}

// rank[u] = 1 + the position of unit u when sorted by score (best first); 0 for units without a score.
void ranks(const std::vector<float>& scores, float floor, std::vector<int32_t>& order, std::vector<float>& rank) {
  order.resize(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return scores[a] > scores[b]; });
  rank.assign(scores.size(), 0.0f);
  for (size_t i = 0; i < order.size(); ++i)
    if (scores[order[i]] > floor) rank[order[i]] = static_cast<float>(i + 1);
}

}  // namespace

SearchMethod parse_search_method(const std::string& name) {
  if (name == "embedding") return SearchMethod::kEmbedding;
  if (name == "bm25") return SearchMethod::kBm25;
  if (name == "hybrid") return SearchMethod::kHybrid;
  throw InputError("method: \"" + name + "\" is not one of embedding, bm25, hybrid");
}

const char* search_method_name(SearchMethod m) {
  return m == SearchMethod::kEmbedding ? "embedding" : m == SearchMethod::kBm25 ? "bm25" : "hybrid";
}

Fusion parse_fusion(const std::string& name) {
  if (name == "minmax") return Fusion::kMinMax;
  if (name == "zscore") return Fusion::kZScore;
  if (name == "rrf") return Fusion::kRrf;
  throw InputError("fusion: \"" + name + "\" is not one of minmax, zscore, rrf");
}

const char* fusion_name(Fusion f) { return f == Fusion::kMinMax ? "minmax" : f == Fusion::kZScore ? "zscore" : "rrf"; }

void validate(const SearchOptions& o) {
  if (o.k < 1 || o.k > 1000) throw InputError("k must be from 1 to 1000");
  if (!(o.weight >= 0 && o.weight <= 1)) throw InputError("weight must be from 0 to 1");
  if (o.rrf_k < 1 || o.rrf_k > 1000) throw InputError("rrf_k must be from 1 to 1000");
  validate(o.bm25);
}

UnitSearch::UnitSearch(const TextIndex& index) : index_(index), pooler_(nullptr), units_(nullptr) {}

UnitSearch::UnitSearch(const TextIndex& index, const Pooler& pooler, const UnitEmbeddings& embeddings)
    : index_(index), pooler_(&pooler), units_(&embeddings), query_vector_(pooler.dim()) {
  inv_norms_.assign(static_cast<size_t>(embeddings.size()), 0.0f);
  for (int32_t i = 0; i < embeddings.size(); ++i) {
    const float n = embeddings.has_vector(i) ? embeddings.vectors.row(i).norm() : 0.0f;
    if (n > 0) inv_norms_[i] = 1.0f / n;
  }
}

bool UnitSearch::pool_query(const Query& query) {
  if (!pooler_) return false;
  const Pooler::Counts c = pooler_->pool_tokens(pooler_->tokens(query.words), query_vector_.data());
  if (c.known == 0) return false;
  units_->remove_components(query_vector_.data());
  const float qn = query_vector_.norm();
  if (qn == 0) return false;
  query_vector_ /= qn;
  return true;
}

void UnitSearch::embedding_scores(const Query& query, std::vector<float>& out) {
  const size_t n = static_cast<size_t>(index_.units());
  out.resize(n);
  if (!pool_query(query)) {
    std::fill(out.begin(), out.end(), kNoScore);
    return;
  }
  Eigen::Map<Eigen::VectorXf> dots(out.data(), static_cast<Eigen::Index>(n));
  dots.noalias() = units_->vectors * query_vector_;  // (N) = (N, D) (D)
  for (size_t i = 0; i < n; ++i) out[i] = inv_norms_[i] > 0 ? out[i] * inv_norms_[i] : kNoScore;
}

const std::vector<float>& UnitSearch::scores(const Query& query, SearchMethod method, const SearchOptions& o) {
  validate(o);
  if (method != SearchMethod::kBm25) embedding_scores(query, emb_);
  if (method != SearchMethod::kEmbedding) bm25_scores(index_, query, o.bm25, bm25_);
  if (method == SearchMethod::kEmbedding) return emb_;
  if (method == SearchMethod::kBm25) return bm25_;
  const size_t n = bm25_.size();
  fused_.assign(n, 0.0f);
  if (o.fusion == Fusion::kRrf) {
    const float w = o.weight;
    ranks(emb_, kNoScore, order_, rank_);
    for (size_t i = 0; i < n; ++i)
      if (rank_[i] > 0) fused_[i] += w / (o.rrf_k + rank_[i]);
    ranks(bm25_, 0.0f, order_, rank_);
    for (size_t i = 0; i < n; ++i)
      if (rank_[i] > 0) fused_[i] += (1 - w) / (o.rrf_k + rank_[i]);
    return fused_;
  }
  scaled_e_ = emb_;  // copies into kept capacity: no allocation after the first query
  scaled_b_ = bm25_;
  normalise(scaled_e_, o.fusion);
  normalise(scaled_b_, o.fusion);
  for (size_t i = 0; i < n; ++i) fused_[i] = o.weight * scaled_e_[i] + (1 - o.weight) * scaled_b_[i];
  return fused_;
}

SearchResult UnitSearch::search(const std::string& text, SearchMethod method, const SearchOptions& o) {
  validate(o);
  const Query query = read_query(index_, text, o.drop_stopwords);
  SearchResult r;
  r.words = query.words;
  r.stopwords = query.stopwords;
  bool any_vector = false, any_unit = false;
  if (pooler_) {
    for (const auto& t : pooler_->tokens(query.words)) {
      if (t.row >= 0) any_vector = true;
      else if (std::find(r.no_vector.begin(), r.no_vector.end(), t.word) == r.no_vector.end()) r.no_vector.push_back(t.word);
    }
  }
  for (size_t i = 0; i < query.words.size(); ++i) {
    if (query.terms[i] >= 0) any_unit = true;
    else if (std::find(r.no_unit.begin(), r.no_unit.end(), query.words[i]) == r.no_unit.end()) r.no_unit.push_back(query.words[i]);
  }
  if (!pooler_ && method == SearchMethod::kEmbedding)
    throw InputError("no vectors yet: train, step or open vectors to rank by embedding (BM25 needs none)");
  const int32_t with_vectors = units_ ? units_->with_vectors() : 0;
  if (with_vectors == 0 && method == SearchMethod::kEmbedding)
    throw InputError("no unit has a word with a vector: the embedding cannot rank them (try BM25)");
  if (!any_vector && method == SearchMethod::kEmbedding)
    throw InputError("no word of the query has a vector (" + quoted_words(r.no_vector) + "): try BM25, or other words");
  if (!any_unit && method == SearchMethod::kBm25)
    throw InputError("no unit contains a word of the query (" + quoted_words(r.no_unit) + ")");
  SearchMethod used = method;
  if (method == SearchMethod::kHybrid && (!any_vector || with_vectors == 0)) {
    used = SearchMethod::kBm25;
    r.notice = !pooler_ ? "no vectors yet: ranked by BM25 alone"
             : with_vectors == 0 ? "no unit has a word with a vector: ranked by BM25 alone"
                                 : "no word of the query has a vector: ranked by BM25 alone";
    if (!any_unit) throw InputError("no unit contains a word of the query, and no word of the query has a vector (" + quoted_words(r.no_vector) + ")");
  } else if (method == SearchMethod::kHybrid && !any_unit) {
    used = SearchMethod::kEmbedding;
    r.notice = "no unit contains a word of the query: ranked by the embedding alone";
  }
  const std::vector<float>& s = scores(query, used, o);
  // Both columns are shown with every hit, whichever method ranked them: BM25 over the postings
  // (cheap), the cosine of the hits alone.
  if (used == SearchMethod::kEmbedding) bm25_scores(index_, query, o.bm25, bm25_);
  const bool query_vector = used != SearchMethod::kBm25 || pool_query(query);
  const float floor = used == SearchMethod::kBm25 ? 0.0f : used == SearchMethod::kEmbedding ? kNoScore : -std::numeric_limits<float>::max();
  std::vector<std::string> distinct = query.words;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  for (int32_t u : top_units(s, o.k, floor, order_)) {
    const float cosine = query_vector && inv_norms_[u] > 0 ? units_->vectors.row(u).dot(query_vector_.transpose()) * inv_norms_[u] : 0.0f;
    Hit h{u, s[u], cosine, bm25_[u], {}};
    for (const auto& w : distinct) {
      const int32_t t = index_.find(w);
      if (t >= 0 && index_.count_in(u, t) > 0) h.matched.push_back(w);
    }
    r.hits.push_back(std::move(h));
  }
  return r;
}

std::vector<Hit> nearest_units(const UnitEmbeddings& e, int32_t unit, int k) {
  if (unit < 0 || unit >= e.size()) throw InputError("unit " + std::to_string(unit) + " does not exist");
  if (!e.has_vector(unit)) throw InputError("this unit has no word with a vector, so it has no neighbours");
  const Eigen::VectorXf q = e.vectors.row(unit).transpose();
  const float qn = q.norm();
  std::vector<float> s(static_cast<size_t>(e.size()), kNoScore);
  if (qn > 0) {
    const Eigen::VectorXf dots = e.vectors * q;
    for (int32_t i = 0; i < e.size(); ++i) {
      const float n = e.has_vector(i) ? e.vectors.row(i).norm() : 0.0f;
      if (i != unit && n > 0) s[i] = dots(i) / (n * qn);
    }
  }
  std::vector<int32_t> order;
  std::vector<Hit> hits;
  for (int32_t u : top_units(s, k, kNoScore, order)) hits.push_back({u, s[u], s[u], 0.0f, {}});
  return hits;
}

UnitClusters cluster_units(const TextIndex& index, const UnitEmbeddings& e, const KMeansOptions& options, int label_words,
                           const Ids& only) {
  Ids rows;
  if (only.empty()) {
    for (int32_t i = 0; i < e.size(); ++i)
      if (e.has_vector(i)) rows.push_back(i);
  } else {
    for (int32_t i : only) {
      if (i < 0 || i >= e.size()) throw InputError("unit " + std::to_string(i) + " does not exist");
      if (e.has_vector(i)) rows.push_back(i);
    }
  }
  if (static_cast<int>(rows.size()) < options.k)
    throw InputError(std::to_string(options.k) + " clusters need at least " + std::to_string(options.k) +
                     " units with a vector; there are " + std::to_string(rows.size()));
  RowMatrix x(static_cast<Eigen::Index>(rows.size()), e.vectors.cols());
  for (size_t r = 0; r < rows.size(); ++r) x.row(static_cast<Eigen::Index>(r)) = e.vectors.row(rows[r]);
  const KMeansResult km = kmeans(x, options, rows);
  UnitClusters out;
  out.assignment.assign(static_cast<size_t>(e.size()), -1);
  for (size_t r = 0; r < rows.size(); ++r) out.assignment[rows[r]] = km.assignment[r];
  out.sizes = km.sizes;
  out.central = km.central;

  // Units containing each term, per cluster: (k, T) counts, then the log-odds z-score per term.
  const int k = options.k;
  const int32_t terms = index.terms();
  std::vector<std::vector<int32_t>> in(static_cast<size_t>(k), std::vector<int32_t>(static_cast<size_t>(terms), 0));
  std::vector<int32_t> all(static_cast<size_t>(terms), 0);
  for (int32_t u : rows)
    for (const TermCount* c = index.bag_begin(u); c != index.bag_end(u); ++c) ++in[out.assignment[u]][c->id], ++all[c->id];
  const double prior = 0.5, total = static_cast<double>(rows.size());
  for (int j = 0; j < k; ++j) {
    const double n_in = out.sizes[j], n_out = total - n_in;
    std::vector<std::pair<double, int32_t>> scored;
    for (int32_t t = 0; t < terms; ++t) {
      const double y_in = in[j][t], y_out = all[t] - y_in;
      if (y_in < 2 || is_stopword(index.term(t))) continue;
      const double a = y_in + prior, b = n_in - y_in + prior, c = y_out + prior, d = n_out - y_out + prior;
      const double delta = std::log(a / b) - std::log(c / d);
      scored.push_back({delta / std::sqrt(1 / a + 1 / b + 1 / c + 1 / d), t});
    }
    const size_t keep = std::min(scored.size(), static_cast<size_t>(std::max(label_words, 0)));
    std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(keep), scored.end(),
                      [&](const auto& p, const auto& q) { return p.first > q.first || (p.first == q.first && index.term(p.second) < index.term(q.second)); });
    std::vector<std::string> labels;
    for (size_t i = 0; i < keep; ++i) labels.push_back(index.term(scored[i].second));
    out.labels.push_back(std::move(labels));
  }
  return out;
}

}  // namespace embplay
