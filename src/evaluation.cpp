// Analogy and similarity evaluation over any (words, vectors) pair: a trained model's or a file's.
#include "evaluation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "geometry.h"  // unit_rows

namespace embplay {
namespace {

std::vector<std::string> split_whitespace(const std::string& line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const size_t s = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > s) out.push_back(line.substr(s, i - s));
  }
  return out;
}

template <typename F>
void for_each_line(const std::string& text, F f) {
  int64_t number = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    f(++number, text.substr(pos, nl - pos));
    pos = nl + 1;
  }
}

// Lowercased word -> row; the first row wins (files list frequent words first).
std::unordered_map<std::string, int32_t> index_words(const std::vector<std::string>& words) {
  std::unordered_map<std::string, int32_t> index;
  index.reserve(words.size());
  for (size_t i = 0; i < words.size(); ++i) index.emplace(lowercase_ascii(words[i]), static_cast<int32_t>(i));
  return index;
}

int32_t find(const std::unordered_map<std::string, int32_t>& index, const std::string& w) {
  const auto it = index.find(lowercase_ascii(w));
  return it == index.end() ? -1 : it->second;
}

void add(AnalogyScore& to, const AnalogyScore& s) {
  to.total += s.total;
  to.covered += s.covered;
  to.correct += s.correct;
}

}  // namespace

std::string lowercase_ascii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::vector<AnalogySection> read_analogies(const std::string& text) {
  std::vector<AnalogySection> sections;
  for_each_line(text, [&](int64_t number, const std::string& line) {
    const std::vector<std::string> f = split_whitespace(line);
    if (f.empty()) return;
    if (f[0][0] == ':') {
      std::string name = line.substr(line.find(':') + 1);
      const auto a = name.find_first_not_of(" \t"), b = name.find_last_not_of(" \t\r");
      sections.push_back({a == std::string::npos ? std::string() : name.substr(a, b - a + 1), {}});
      return;
    }
    if (f.size() != 4)
      throw InputError("line " + std::to_string(number) + ": an analogy needs 4 words (a b c d), found " +
                       std::to_string(f.size()));
    if (sections.empty()) sections.push_back({"analogies", {}});
    sections.back().questions.push_back({f[0], f[1], f[2], f[3]});
  });
  if (sections.empty()) throw InputError("no analogy questions found");
  return sections;
}

std::vector<SimilarityPair> read_similarity(const std::string& text) {
  std::vector<SimilarityPair> pairs;
  for_each_line(text, [&](int64_t number, const std::string& line) {
    const std::vector<std::string> f = split_whitespace(line);
    if (f.empty() || f[0][0] == '#') return;
    char* end = nullptr;
    const double score = f.size() >= 3 ? std::strtod(f[2].c_str(), &end) : 0.0;
    if (f.size() < 3 || end != f[2].c_str() + f[2].size() || !std::isfinite(score))
      throw InputError("line " + std::to_string(number) + ": expected two words and a score");
    pairs.push_back({f[0], f[1], score});
  });
  if (pairs.empty()) throw InputError("no word pairs found");
  return pairs;
}

AnalogyResult evaluate_analogies(const std::vector<std::string>& words, const RowMatrix& vectors,
                                 const std::vector<AnalogySection>& sections) {
  const auto index = index_words(words);
  const RowMatrix unit = unit_rows(vectors);  // (N, d)
  const Eigen::Index d = vectors.cols(), n = vectors.rows();
  std::vector<char> usable(static_cast<size_t>(n));  // zero rows (<pad>, <unk>) are never answers
  for (Eigen::Index i = 0; i < n; ++i) usable[i] = unit.row(i).squaredNorm() > 0;

  AnalogyResult result;
  constexpr int kBatch = 256;
  RowMatrix queries(kBatch, d), scores;  // (B, d), (B, N)
  std::vector<std::array<int32_t, 4>> batch;
  batch.reserve(kBatch);
  for (const AnalogySection& section : sections) {
    AnalogyScore s;
    s.name = section.name;
    s.total = static_cast<int64_t>(section.questions.size());
    auto flush = [&] {
      if (batch.empty()) return;
      const Eigen::Index b = static_cast<Eigen::Index>(batch.size());
      scores.noalias() = queries.topRows(b) * unit.transpose();
      for (Eigen::Index q = 0; q < b; ++q) {
        const auto& ids = batch[q];
        float best = -std::numeric_limits<float>::infinity();
        int32_t answer = -1;
        for (Eigen::Index i = 0; i < n; ++i) {
          if (!usable[i] || i == ids[0] || i == ids[1] || i == ids[2]) continue;
          if (scores(q, i) > best) best = scores(q, i), answer = static_cast<int32_t>(i);
        }
        s.correct += answer == ids[3];
      }
      batch.clear();
    };
    for (const AnalogyQuestion& q : section.questions) {
      const std::array<int32_t, 4> ids = {find(index, q.a), find(index, q.b), find(index, q.c), find(index, q.d)};
      if (ids[0] < 0 || ids[1] < 0 || ids[2] < 0 || ids[3] < 0) continue;
      ++s.covered;
      queries.row(static_cast<Eigen::Index>(batch.size())) = unit.row(ids[1]) - unit.row(ids[0]) + unit.row(ids[2]);
      batch.push_back(ids);
      if (batch.size() == kBatch) flush();
    }
    flush();
    add(result.all, s);
    add(s.name.rfind("gram", 0) == 0 ? result.syntactic : result.semantic, s);
    result.sections.push_back(s);
  }
  result.all.name = "all";
  result.semantic.name = "semantic";
  result.syntactic.name = "syntactic";
  return result;
}

SimilarityScore evaluate_similarity(const std::vector<std::string>& words, const RowMatrix& vectors,
                                    const std::vector<SimilarityPair>& pairs) {
  const auto index = index_words(words);
  SimilarityScore s;
  s.total = static_cast<int64_t>(pairs.size());
  std::vector<double> model, human;
  for (const SimilarityPair& p : pairs) {
    const int32_t a = find(index, p.a), b = find(index, p.b);
    if (a < 0 || b < 0) continue;
    const double na = vectors.row(a).norm(), nb = vectors.row(b).norm();
    model.push_back(na > 0 && nb > 0 ? vectors.row(a).dot(vectors.row(b)) / (na * nb) : 0.0);
    human.push_back(p.score);
  }
  s.covered = static_cast<int64_t>(model.size());
  s.spearman = spearman(model, human);
  return s;
}

std::vector<double> average_ranks(const std::vector<double>& x) {
  const size_t n = x.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
  std::vector<double> ranks(n);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j + 1 < n && x[order[j + 1]] == x[order[i]]) ++j;
    const double mean = (double(i) + double(j)) / 2.0 + 1.0;  // ranks i+1 .. j+1
    for (size_t k = i; k <= j; ++k) ranks[order[k]] = mean;
    i = j + 1;
  }
  return ranks;
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  const size_t n = x.size();
  if (n != y.size() || n < 2) return std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> rx = average_ranks(x), ry = average_ranks(y);
  const double mean = (double(n) + 1.0) / 2.0;  // the mean of any tie-averaged ranks
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
    syy += (ry[i] - mean) * (ry[i] - mean);
  }
  if (sxx == 0 || syy == 0) return std::numeric_limits<double>::quiet_NaN();
  return sxy / std::sqrt(sxx * syy);
}

nlohmann::json to_json(const AnalogyScore& s) {
  return {{"name", s.name},       {"total", s.total},         {"covered", s.covered},
          {"correct", s.correct}, {"accuracy", s.accuracy()}, {"coverage", s.coverage()}};
}

nlohmann::json to_json(const SimilarityScore& s) {
  return {{"spearman", std::isfinite(s.spearman) ? nlohmann::json(s.spearman) : nlohmann::json()},
          {"total", s.total},
          {"covered", s.covered},
          {"coverage", s.coverage()}};
}

}  // namespace embplay
