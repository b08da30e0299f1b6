// STS Benchmark and retrieval evaluation (see text_eval.h).
#include "text_eval.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "evaluation.h"
#include "settings.h"

namespace embplay {
namespace {

std::vector<std::string> split_tabs(std::string_view line) {
  std::vector<std::string> out;
  size_t pos = 0;
  for (;;) {
    const size_t tab = line.find('\t', pos);
    out.emplace_back(line.substr(pos, tab == std::string_view::npos ? std::string_view::npos : tab - pos));
    if (tab == std::string_view::npos) return out;
    pos = tab + 1;
  }
}

bool parse_number(const std::string& s, double* out) {
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size() && std::isfinite(*out);
}

[[noreturn]] void fail(const std::string& file, int64_t line, const std::string& what) {
  throw InputError(file + " line " + std::to_string(line) + ": " + what);
}

}  // namespace

std::vector<StsPair> read_sts(const std::string& text) {
  std::vector<StsPair> pairs;
  for_each_line(text, [&](int64_t number, std::string_view line) {
    if (number == 1 || line.empty()) return;  // the header
    std::vector<std::string> f = split_tabs(line);
    if (f.size() < 7) fail("sts", number, "expected 7 tab-separated columns, found " + std::to_string(f.size()));
    double score;
    if (!parse_number(f[4], &score)) fail("sts", number, "the score \"" + f[4] + "\" is not a number");
    pairs.push_back({std::move(f[0]), score, std::move(f[5]), std::move(f[6])});
  });
  if (pairs.empty()) throw InputError("sts: no sentence pairs");
  return pairs;
}

StsBench::StsBench(std::vector<StsPair> pairs, const TokenizerOptions& tokenizer) : pairs_(std::move(pairs)) {
  for (const StsPair& p : pairs_)
    for (const std::string* s : {&p.a, &p.b}) {
      if (!units_.text.empty()) units_.text += '\n';
      units_.spans.push_back({units_.text.size(), units_.text.size() + s->size()});
      units_.text += *s;
      units_.lines.push_back(static_cast<int64_t>(units_.lines.size() / 2 + 2));
    }
  index_ = build_text_index(units_, tokenizer);
}

double StsBench::rho(const std::vector<double>& model) const {
  std::vector<double> human;
  for (const StsPair& p : pairs_) human.push_back(p.score);
  return spearman(model, human);
}

std::vector<double> StsBench::pooled_cosines(const WordTable& table, const PoolingOptions& options, Score* s) const {
  const TokenizerOptions r = table.reading();
  if (r.lowercase != index_.tokenizer().lowercase || r.keep_punctuation != index_.tokenizer().keep_punctuation)
    throw InputError("the STS sentences were read differently from how the vectors read words");
  const Pooler pooler(index_, table, options);
  const UnitEmbeddings e = embed_units(pooler);
  std::vector<double> model(pairs_.size(), 0.0);
  int64_t words = 0, known = 0;
  s->covered = 0;
  for (size_t i = 0; i < pairs_.size(); ++i) {
    const auto a = static_cast<int32_t>(2 * i), b = a + 1;
    words += e.words[a] + e.words[b];
    known += e.known[a] + e.known[b];
    const double norms = double(e.vectors.row(a).norm()) * e.vectors.row(b).norm();
    if (!e.has_vector(a) || !e.has_vector(b) || norms == 0) continue;
    model[i] = e.vectors.row(a).dot(e.vectors.row(b)) / norms;
    ++s->covered;
  }
  s->coverage = words ? double(known) / words : 0.0;
  return model;
}

std::vector<double> StsBench::tfidf_cosines(bool drop_stopwords) const {
  std::vector<double> model(pairs_.size());
  for (size_t i = 0; i < pairs_.size(); ++i)
    model[i] = tfidf_cosine(index_, static_cast<int32_t>(2 * i), static_cast<int32_t>(2 * i + 1), drop_stopwords);
  return model;
}

StsBench::Score StsBench::pooled(const WordTable& table, const PoolingOptions& options) const {
  Score s;
  s.spearman = rho(pooled_cosines(table, options, &s));
  return s;
}

StsBench::Score StsBench::tfidf(bool drop_stopwords) const {
  Score s;
  s.spearman = rho(tfidf_cosines(drop_stopwords));
  s.covered = static_cast<int64_t>(pairs_.size());
  s.coverage = 1;
  return s;
}

StsBench::Score StsBench::blend(const WordTable& table, const PoolingOptions& options, bool drop_stopwords, double weight) const {
  Score s;
  std::vector<double> model = pooled_cosines(table, options, &s);
  const std::vector<double> lexical = tfidf_cosines(drop_stopwords);
  for (size_t i = 0; i < model.size(); ++i) model[i] = weight * model[i] + (1 - weight) * lexical[i];
  s.spearman = rho(model);
  return s;
}

IrCollection read_ir_collection(const std::string& documents_jsonl, const std::string& queries_jsonl,
                                const std::string& qrels_tsv) {
  IrCollection c;
  UnitOptions o;
  o.kind = UnitKind::kJsonl;
  try {
    c.documents = split_units(documents_jsonl, o);
  } catch (const InputError& e) {
    throw InputError(std::string("documents: ") + e.what());
  }
  if (c.documents.ids.empty()) throw InputError("documents: no \"id\" fields");
  std::unordered_map<std::string, int32_t> doc_unit, query_index;
  for (size_t i = 0; i < c.documents.size(); ++i) doc_unit.emplace(c.documents.ids[i], static_cast<int32_t>(i));
  Units queries;
  try {
    queries = split_units(queries_jsonl, o);
  } catch (const InputError& e) {
    throw InputError(std::string("queries: ") + e.what());
  }
  if (queries.ids.empty()) throw InputError("queries: no \"id\" fields");
  for (size_t i = 0; i < queries.size(); ++i) {
    c.query_ids.push_back(queries.ids[i]);
    c.queries.emplace_back(queries.unit(i));
    query_index.emplace(queries.ids[i], static_cast<int32_t>(i));
  }
  c.gains.resize(c.queries.size());
  int query_col = -1, doc_col = -1, rel_col = -1, code_col = -1;
  for_each_line(qrels_tsv, [&](int64_t number, std::string_view line) {
    if (line.empty()) return;
    const std::vector<std::string> f = split_tabs(line);
    if (number == 1) {
      for (size_t i = 0; i < f.size(); ++i) {
        if (f[i] == "query_id") query_col = static_cast<int>(i);
        if (f[i] == "doc_id") doc_col = static_cast<int>(i);
        if (f[i] == "relevance") rel_col = static_cast<int>(i);
        if (f[i] == "cran_code") code_col = static_cast<int>(i);
      }
      if (query_col < 0 || doc_col < 0 || (rel_col < 0 && code_col < 0))
        fail("qrels", number, "the header must name query_id, doc_id and relevance (or cran_code)");
      return;
    }
    const int need = std::max({query_col, doc_col, rel_col, code_col});
    if (static_cast<int>(f.size()) <= need) fail("qrels", number, "too few columns");
    const auto q = query_index.find(f[query_col]);
    if (q == query_index.end()) fail("qrels", number, "no query with id " + f[query_col]);
    const auto d = doc_unit.find(f[doc_col]);
    if (d == doc_unit.end()) fail("qrels", number, "no document with id " + f[doc_col]);
    double v;
    const std::string& field = code_col >= 0 ? f[code_col] : f[rel_col];
    if (!parse_number(field, &v)) fail("qrels", number, "\"" + field + "\" is not a number");
    const int gain = code_col >= 0 ? (v < 0 ? 0 : 5 - static_cast<int>(v)) : static_cast<int>(v);
    c.gains[q->second][d->second] = std::max(0, gain);
  });
  return c;
}

double ndcg_at(const std::vector<int32_t>& ranking, const std::map<int32_t, int>& gains, int k) {
  auto dcg = [&](const std::vector<int>& g) {
    double s = 0;
    for (size_t i = 0; i < g.size() && i < static_cast<size_t>(k); ++i) s += g[i] / std::log2(double(i) + 2);
    return s;
  };
  std::vector<int> got, best;
  for (int32_t u : ranking) {
    const auto it = gains.find(u);
    got.push_back(it == gains.end() ? 0 : it->second);
  }
  for (const auto& [u, g] : gains) best.push_back(g);
  std::sort(best.rbegin(), best.rend());
  const double ideal = dcg(best);
  return ideal > 0 ? dcg(got) / ideal : 0.0;
}

double recall_at(const std::vector<int32_t>& ranking, const std::map<int32_t, int>& gains, int k) {
  int64_t relevant = 0, found = 0;
  for (const auto& [u, g] : gains) relevant += g > 0;
  for (size_t i = 0; i < ranking.size() && i < static_cast<size_t>(k); ++i) {
    const auto it = gains.find(ranking[i]);
    found += it != gains.end() && it->second > 0;
  }
  return relevant ? double(found) / relevant : 0.0;
}

IrScore evaluate_ir(const IrCollection& c, UnitSearch& search, const TextIndex& index, SearchMethod method,
                    const SearchOptions& options, const std::vector<size_t>& which) {
  IrScore s;
  std::vector<size_t> all;
  if (which.empty())
    for (size_t q = 0; q < c.queries.size(); ++q) all.push_back(q);
  for (size_t q : which.empty() ? all : which) {
    const bool relevant = std::any_of(c.gains[q].begin(), c.gains[q].end(), [](const auto& p) { return p.second > 0; });
    if (!relevant) continue;
    ++s.queries;
    std::vector<int32_t> ranking;
    try {
      const std::vector<float>& scores = search.scores(read_query(index, c.queries[q], options.drop_stopwords), method, options);
      std::vector<int32_t> order(scores.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int32_t>(i);
      const size_t top = std::min<size_t>(order.size(), 100);
      std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(), [&](int32_t a, int32_t b) {
        return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
      });
      order.resize(top);
      for (int32_t u : order)
        if (std::isfinite(scores[u]) && !(method == SearchMethod::kBm25 && scores[u] <= 0)) ranking.push_back(u);
    } catch (const InputError&) {
      // a query of stopwords only ranks nothing
    }
    s.ndcg10 += ndcg_at(ranking, c.gains[q], 10);
    s.recall100 += recall_at(ranking, c.gains[q], 100);
  }
  if (s.queries) s.ndcg10 /= s.queries, s.recall100 /= s.queries;
  return s;
}

}  // namespace embplay
