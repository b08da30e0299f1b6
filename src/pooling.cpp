// Pooling word vectors into unit vectors (see pooling.h).
#include "pooling.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "evaluation.h"
#include "settings.h"
#include "stopwords.h"
#include "vector_import.h"

namespace embplay {
namespace {

constexpr int32_t kStopword = -2;  // a term's row when it is a stopword left out (not counted)

}  // namespace

int32_t WordTable::row(const std::string& word) const {
  if (!tokenizer) return file_word_id(*vocab, word);
  const int32_t id = vocab->contains(word) ? vocab->id(word) : -1;
  return id > kUnkId ? id : -1;
}

PoolingOptions pooling_preset(const std::string& name) {
  PoolingOptions o;
  if (name == "mean") return o;
  if (name == "max") {
    o.pooling = Pooling::kMax;
  } else if (name == "mean+max") {
    o.pooling = Pooling::kMeanMax;
  } else if (name == "sif") {
    o.weighting = Weighting::kSif;
    o.remove_components = 1;
  } else if (name == "idf") {
    o.weighting = Weighting::kIdf;
  } else {
    throw InputError("pooling: \"" + name + "\" is not one of mean, max, mean+max, sif, idf");
  }
  return o;
}

void validate(const PoolingOptions& o) {
  if (!(o.sif_a >= 1e-6f && o.sif_a <= 1.0f)) throw InputError("sif_a must be from 1e-6 to 1");
  if (o.remove_components < 0 || o.remove_components > 20) throw InputError("remove_components must be from 0 to 20");
}

std::string describe(const PoolingOptions& o) {
  std::string s = o.pooling == Pooling::kMean ? "mean" : o.pooling == Pooling::kMax ? "max" : "mean+max";
  if (o.weighting == Weighting::kSif && o.pooling == Pooling::kMean && o.remove_components == 1) s = "sif";
  else if (o.weighting == Weighting::kSif) s += " sif-weights", s += o.remove_components ? " -" + std::to_string(o.remove_components) + "pc" : "";
  else {
    if (o.weighting == Weighting::kIdf) s += " idf";
    if (o.remove_components) s += " -" + std::to_string(o.remove_components) + "pc";
  }
  if (o.unit_words) s += " unit-words";
  if (o.drop_stopwords) s += " -stop";
  return s;
}

Pooler::Pooler(const TextIndex& index, const WordTable& table, const PoolingOptions& options)
    : index_(index), table_(table), options_(options) {
  validate(options);
  if (!table.vocab || !table.vectors || table.vectors->cols() == 0) throw InputError("no word vectors to pool: train or open some first");
  const int d = table.dim();
  dim_ = options.pooling == Pooling::kMeanMax ? 2 * d : d;
  rows_.resize(static_cast<size_t>(index.terms()));
  weights_.resize(static_cast<size_t>(index.terms()));
  for (int32_t t = 0; t < index.terms(); ++t) {
    const std::string& w = index.term(t);
    rows_[t] = options.drop_stopwords && is_stopword(w) ? kStopword : table.row(w);
    weights_[t] = weight_of(t, rows_[t]);
  }
}

float Pooler::weight_of(int32_t term, int32_t row) const {
  float scale = 1.0f;
  if (options_.unit_words && row >= 0) {
    const float n = table_.vectors->row(row).norm();
    scale = n > 0 ? 1.0f / n : 0.0f;
  }
  switch (options_.weighting) {
    case Weighting::kNone:
      return scale;
    case Weighting::kSif: {  // a word no unit has: p = 0, weight 1
      const double p = term < 0 ? 0.0 : double(index_.count(term)) / std::max<int64_t>(index_.tokens(), 1);
      return scale * static_cast<float>(options_.sif_a / (options_.sif_a + p));
    }
    case Weighting::kIdf: {
      const double df = term < 0 ? 0.0 : index_.document_frequency(term);
      return scale * static_cast<float>(std::log((1.0 + index_.units()) / (1.0 + df)) + 1.0);
    }
  }
  return scale;
}

// Pools the tokens `next` yields as (row, weight, count) until it returns false.
template <typename Next>
Pooler::Counts Pooler::pool(Next next, float* out) const {
  const int d = table_.dim();
  const bool mean = options_.pooling != Pooling::kMax, max = options_.pooling != Pooling::kMean;
  float* mean_out = out;
  float* max_out = options_.pooling == Pooling::kMeanMax ? out + d : out;
  if (mean) std::fill(mean_out, mean_out + d, 0.0f);
  if (max) std::fill(max_out, max_out + d, -std::numeric_limits<float>::infinity());
  Counts c;
  int32_t row = 0, count = 0;
  float w = 0;
  while (next(row, w, count)) {
    if (row == kStopword) continue;
    c.words += count;
    if (row < 0) continue;
    c.known += count;
    const float* v = table_.vectors->row(row).data();
    if (mean)
      for (int k = 0; k < d; ++k) mean_out[k] += count * w * v[k];
    if (max)
      for (int k = 0; k < d; ++k) max_out[k] = std::max(max_out[k], w * v[k]);
  }
  if (c.known == 0) {
    std::fill(out, out + dim_, 0.0f);
  } else if (mean) {
    for (int k = 0; k < d; ++k) mean_out[k] /= static_cast<float>(c.known);
  }
  return c;
}

Pooler::Counts Pooler::pool_unit(int32_t i, float* out) const {
  const TermCount *it = index_.bag_begin(i), *end = index_.bag_end(i);
  return pool(
      [&](int32_t& row, float& w, int32_t& count) {
        if (it == end) return false;
        row = rows_[it->id], w = weights_[it->id], count = it->count;
        ++it;
        return true;
      },
      out);
}

std::vector<Pooler::Token> Pooler::read(const std::string& text) const {
  return tokens(tokenize_words(text, index_.tokenizer()));
}

std::vector<Pooler::Token> Pooler::tokens(std::vector<std::string> words) const {
  std::vector<Token> tokens;
  for (std::string& w : words) {
    if (options_.drop_stopwords && is_stopword(w)) continue;
    const int32_t term = index_.find(w);
    const int32_t row = term >= 0 ? rows_[term] : table_.row(w);
    tokens.push_back({std::move(w), row, weight_of(term, row)});
  }
  return tokens;
}

Pooler::Counts Pooler::pool_tokens(const std::vector<Token>& tokens, float* out) const {
  size_t i = 0;
  return pool(
      [&](int32_t& row, float& w, int32_t& count) {
        if (i == tokens.size()) return false;
        row = tokens[i].row, w = tokens[i].weight, count = 1;
        ++i;
        return true;
      },
      out);
}

int32_t UnitEmbeddings::with_vectors() const {
  return static_cast<int32_t>(std::count_if(known.begin(), known.end(), [](int32_t k) { return k > 0; }));
}

void UnitEmbeddings::remove_components(float* out) const {
  const Eigen::Index dim = components.cols();
  Eigen::Map<Eigen::VectorXf> v(out, dim);
  for (Eigen::Index k = 0; k < components.rows(); ++k) v -= components.row(k).transpose() * components.row(k).dot(v.transpose());
}

UnitEmbedder::UnitEmbedder(const Pooler& pooler) : pooler_(pooler) {
  const int32_t n = pooler.index().units();
  out_.vectors = RowMatrix::Zero(n, pooler.dim());
  out_.words.assign(static_cast<size_t>(n), 0);
  out_.known.assign(static_cast<size_t>(n), 0);
  if (pooler.options().remove_components > 0) moment_ = Eigen::MatrixXd::Zero(pooler.dim(), pooler.dim());
}

bool UnitEmbedder::step(int64_t budget) {
  const int64_t n = out_.size();
  const int64_t first = next_, stop = std::min(n, next_ + std::max<int64_t>(budget, 1));
  for (; next_ < stop; ++next_) {
    const auto i = static_cast<int32_t>(next_);
    const Pooler::Counts c = pooler_.pool_unit(i, out_.vectors.row(i).data());
    out_.words[i] = c.words;
    out_.known[i] = c.known;
  }
  if (moment_.size() > 0 && stop > first) {  // zero rows add nothing
    const auto block = out_.vectors.middleRows(first, stop - first);
    moment_ += (block.transpose() * block).cast<double>();
  }
  return next_ >= n;
}

UnitEmbeddings UnitEmbedder::finish() {
  while (!step(1 << 20)) {
  }
  // The top principal directions of the unit vectors (uncentred: eigenvectors of sum v v^T). Never
  // as many as the units with a vector, which would leave nothing.
  const int k = std::min(pooler_.options().remove_components, std::max(0, out_.with_vectors() - 1));
  out_.components.resize(k, pooler_.dim());
  if (k > 0) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(moment_);
    const Eigen::Index dim = moment_.rows();
    for (int j = 0; j < k; ++j) {
      Eigen::VectorXd u = eig.eigenvectors().col(dim - 1 - j);  // eigenvalues ascend
      Eigen::Index big = 0;
      u.cwiseAbs().maxCoeff(&big);
      if (u(big) < 0) u = -u;  // a fixed sign: the same vectors give the same components
      out_.components.row(j) = u.cast<float>().transpose();
    }
    const RowMatrix along = out_.vectors * out_.components.transpose();  // (N, k)
    out_.vectors.noalias() -= along * out_.components;
  }
  moment_.resize(0, 0);
  return std::move(out_);
}

UnitEmbeddings embed_units(const Pooler& pooler) { return UnitEmbedder(pooler).finish(); }

Comparison compare_texts(const Pooler& pooler, const UnitEmbeddings& embeddings, const std::string& text_a,
                         const std::string& text_b) {
  struct Side {
    std::vector<Pooler::Token> tokens;
    Eigen::VectorXf pooled;
    RowMatrix parts;  // (tokens, D): row i is p_i, components removed; sum of rows = pooled
    std::vector<std::string> unknown;
  };
  const int dim = pooler.dim(), d = pooler.table().dim();
  const PoolingOptions& o = pooler.options();
  auto side = [&](const std::string& text, const char* which) {
    Side s;
    s.tokens = pooler.read(text);
    s.pooled.resize(dim);
    const Pooler::Counts c = pooler.pool_tokens(s.tokens, s.pooled.data());
    for (const auto& t : s.tokens)
      if (t.row < 0) s.unknown.push_back(t.word);
    if (c.known == 0)
      throw InputError(std::string("the ") + which + " sentence has no word with a vector" +
                       (s.unknown.empty() ? " (only stopwords, or nothing)" : " (" + quoted_words(s.unknown) + ")"));
    s.parts = RowMatrix::Zero(static_cast<Eigen::Index>(s.tokens.size()), dim);
    const int max_at = o.pooling == Pooling::kMeanMax ? d : 0;
    for (size_t i = 0; i < s.tokens.size(); ++i) {
      const auto& t = s.tokens[i];
      if (t.row < 0) continue;
      const auto v = pooler.table().vectors->row(t.row);
      if (o.pooling != Pooling::kMax) s.parts.row(i).head(d) = t.weight * v / static_cast<float>(c.known);
      if (o.pooling != Pooling::kMean)  // the dimensions where this token is the maximum (the first such token)
        for (int k = 0; k < d; ++k) {
          bool first = t.weight * v(k) == s.pooled(max_at + k);
          for (size_t j = 0; j < i && first; ++j)
            first = !(s.tokens[j].row >= 0 && s.tokens[j].weight * pooler.table().vectors->coeff(s.tokens[j].row, k) == s.pooled(max_at + k));
          if (first) s.parts(i, max_at + k) = s.pooled(max_at + k);
        }
      embeddings.remove_components(s.parts.row(i).data());
    }
    embeddings.remove_components(s.pooled.data());
    return s;
  };
  const Side a = side(text_a, "first"), b = side(text_b, "second");
  Comparison out;
  out.a_unknown = a.unknown, out.b_unknown = b.unknown;
  const double norms = double(a.pooled.norm()) * b.pooled.norm();
  if (norms == 0) return out;  // a vector removed entirely with the components: cosine 0, nothing pulls
  out.cosine = static_cast<float>(a.pooled.dot(b.pooled) / norms);
  auto contributions = [&](const Side& s, const Eigen::VectorXf& other) {
    std::map<std::string, WordContribution> by_word;
    for (size_t i = 0; i < s.tokens.size(); ++i) {
      if (s.tokens[i].row < 0) continue;
      WordContribution& c = by_word[s.tokens[i].word];
      c.word = s.tokens[i].word;
      c.contribution += static_cast<float>(s.parts.row(i).dot(other.transpose()) / norms);
      ++c.count;
    }
    std::vector<WordContribution> list;
    for (auto& [w, c] : by_word) list.push_back(c);
    std::stable_sort(list.begin(), list.end(), [](const auto& x, const auto& y) { return x.contribution > y.contribution; });
    return list;
  };
  out.a = contributions(a, b.pooled);
  out.b = contributions(b, a.pooled);
  return out;
}

Comparison compare_pair(const WordTable& table, PoolingOptions options, const std::string& a, const std::string& b) {
  Units units;
  units.text = a + "\n" + b;
  units.spans = {{0, a.size()}, {a.size() + 1, units.text.size()}};
  units.lines = {1, 2};
  options.remove_components = 0;
  const TextIndex index = build_text_index(units, table.reading());
  const Pooler pooler(index, table, options);
  return compare_texts(pooler, embed_units(pooler), a, b);
}

}  // namespace embplay
