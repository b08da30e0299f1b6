// The units' words counted into bags and postings; BM25 and TF-IDF over them.
#include "text_index.h"

#include <algorithm>
#include <cmath>

#include "settings.h"
#include "stopwords.h"

namespace embplay {

int32_t TextIndex::find(const std::string& word) const {
  const auto it = lookup_.find(word);
  return it == lookup_.end() ? -1 : it->second;
}

int32_t TextIndex::count_in(int32_t i, int32_t term) const {
  const TermCount* end = bag_end(i);
  const TermCount* it = std::lower_bound(bag_begin(i), end, term, [](const TermCount& c, int32_t t) { return c.id < t; });
  return it != end && it->id == term ? it->count : 0;
}

size_t TextIndex::memory_bytes() const {
  size_t bytes = (bags_.capacity() + postings_.capacity()) * sizeof(TermCount) +
                 (bag_start_.capacity() + post_start_.capacity() + counts_.capacity()) * sizeof(int64_t) +
                 lengths_.capacity() * sizeof(int32_t);
  for (const auto& t : terms_) bytes += 2 * (sizeof(std::string) + (t.size() > 15 ? t.size() : 0)) + 16;
  return bytes;
}

TextIndexBuilder::TextIndexBuilder(const Units& units, const TokenizerOptions& tokenizer) : units_(units) {
  index_.tokenizer_ = tokenizer;
  index_.lengths_.reserve(units.size());
  index_.bag_start_.reserve(units.size() + 1);
}

bool TextIndexBuilder::step(int64_t budget) {
  TextIndex& x = index_;
  const int64_t stop = std::min<int64_t>(static_cast<int64_t>(units_.size()), next_ + std::max<int64_t>(budget, 1));
  for (; next_ < stop; ++next_) {
    const std::vector<std::string> words = tokenize_words(std::string(units_.unit(static_cast<size_t>(next_))), x.tokenizer_);
    for (const std::string& w : words) {
      auto [it, added] = x.lookup_.emplace(w, static_cast<int32_t>(x.terms_.size()));
      if (added) {
        x.terms_.push_back(w);
        x.counts_.push_back(0);
        scratch_counts_.push_back(0);
      }
      const int32_t t = it->second;
      if (scratch_counts_[t]++ == 0) touched_.push_back(t);
      ++x.counts_[t];
    }
    std::sort(touched_.begin(), touched_.end());
    for (int32_t t : touched_) {
      x.bags_.push_back({t, scratch_counts_[t]});
      scratch_counts_[t] = 0;
    }
    touched_.clear();
    x.bag_start_.push_back(static_cast<int64_t>(x.bags_.size()));
    x.lengths_.push_back(static_cast<int32_t>(words.size()));
    x.tokens_ += static_cast<int64_t>(words.size());
  }
  return next_ >= static_cast<int64_t>(units_.size());
}

TextIndex TextIndexBuilder::finish() {
  while (!step(1 << 20)) {
  }
  TextIndex& x = index_;
  // Postings by counting sort: units are visited in order, so each term's list comes out sorted.
  const int32_t n_terms = x.terms();
  x.post_start_.assign(static_cast<size_t>(n_terms) + 1, 0);
  for (const TermCount& c : x.bags_) ++x.post_start_[c.id + 1];
  for (int32_t t = 0; t < n_terms; ++t) x.post_start_[t + 1] += x.post_start_[t];
  x.postings_.resize(x.bags_.size());
  std::vector<int64_t> fill(x.post_start_.begin(), x.post_start_.end() - 1);
  for (int32_t i = 0; i < x.units(); ++i)
    for (const TermCount* c = x.bag_begin(i); c != x.bag_end(i); ++c) x.postings_[fill[c->id]++] = {i, c->count};
  scratch_counts_ = {};
  return std::move(index_);
}

TextIndex build_text_index(const Units& units, const TokenizerOptions& tokenizer) {
  return TextIndexBuilder(units, tokenizer).finish();
}

Query read_query(const TextIndex& index, const std::string& text, bool drop_stopwords) {
  Query q;
  for (std::string& w : tokenize_words(text, index.tokenizer())) {
    if (drop_stopwords && is_stopword(w)) {
      q.stopwords.push_back(std::move(w));
      continue;
    }
    q.terms.push_back(index.find(w));
    q.words.push_back(std::move(w));
  }
  if (q.words.empty() && q.stopwords.empty()) throw InputError("the query has no words: type a few words to look for");
  if (q.words.empty())
    throw InputError("the query has only stopwords (" + quoted_words(q.stopwords) + "), which say little about a text: add a word that does");
  return q;
}

std::string quoted_words(const std::vector<std::string>& words) {
  std::string list;
  for (const auto& w : words) list += (list.empty() ? "\"" : ", \"") + w + "\"";
  return list;
}

void validate(const Bm25Options& o) {
  if (!(o.k1 >= 0 && o.k1 <= 10)) throw InputError("bm25 k1 must be from 0 to 10");
  if (!(o.b >= 0 && o.b <= 1)) throw InputError("bm25 b must be from 0 to 1");
}

void bm25_scores(const TextIndex& index, const Query& query, const Bm25Options& o, std::vector<float>& scores) {
  validate(o);
  scores.assign(static_cast<size_t>(index.units()), 0.0f);
  const double n = index.units(), mean = std::max(index.mean_length(), 1e-9);
  for (int32_t t : query.terms) {
    if (t < 0) continue;
    const double df = index.document_frequency(t);
    const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
    for (const TermCount* p = index.postings_begin(t); p != index.postings_end(t); ++p) {
      const double tf = p->count;
      const double norm = o.k1 * (1.0 - o.b + o.b * index.length(p->id) / mean);
      scores[p->id] += static_cast<float>(idf * tf * (o.k1 + 1.0) / (tf + norm));
    }
  }
}

double tfidf_cosine(const TextIndex& index, int32_t a, int32_t b, bool drop_stopwords) {
  const double n = index.units();
  auto weight = [&](const TermCount& c) {
    if (drop_stopwords && is_stopword(index.term(c.id))) return 0.0;
    return c.count * (std::log((1.0 + n) / (1.0 + index.document_frequency(c.id))) + 1.0);
  };
  double dot = 0, na = 0, nb = 0;
  const TermCount *i = index.bag_begin(a), *ie = index.bag_end(a), *j = index.bag_begin(b), *je = index.bag_end(b);
  for (const TermCount* c = i; c != ie; ++c) na += weight(*c) * weight(*c);
  for (const TermCount* c = j; c != je; ++c) nb += weight(*c) * weight(*c);
  while (i != ie && j != je) {  // both bags are sorted by term
    if (i->id < j->id) {
      ++i;
    } else if (j->id < i->id) {
      ++j;
    } else {
      dot += weight(*i) * weight(*j);
      ++i, ++j;
    }
  }
  return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0.0;
}

}  // namespace embplay
