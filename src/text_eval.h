// Standard tests of sentence vectors and search: STS Benchmark (Spearman between the cosine of two
// sentences' pooled vectors and the human score, 0..5) and an ad-hoc retrieval collection such as
// Cranfield (nDCG@10 and Recall@100 of each search method against graded judgements).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pooling.h"
#include "text_index.h"
#include "text_units.h"
#include "unit_search.h"

namespace embplay {

struct StsPair {
  std::string genre;
  double score;    // the mean human judgement, 0..5
  std::string a, b;
};
// The STS Benchmark TSV: a header line, then "genre filename year sid score sentence1 sentence2 ..."
// split on tabs only (no quoting: some sentences start with an unbalanced "). Throws InputError
// "line N: ..." for a short row or a score that is not a number.
std::vector<StsPair> read_sts(const std::string& text);

// The sentences of an STS split as units (pair i is units 2i and 2i + 1), indexed once, so that
// many poolings and tables can be scored on them.
class StsBench {
 public:
  StsBench(std::vector<StsPair> pairs, const TokenizerOptions& tokenizer);
  const TextIndex& index() const { return index_; }
  size_t pairs() const { return pairs_.size(); }

  struct Score {
    double spearman = 0;   // NaN below 2 pairs
    int64_t covered = 0;   // pairs whose two sentences both have a word with a vector (others score 0)
    double coverage = 0;   // tokens with a vector / tokens, over all sentences
  };
  // Pooled vectors (p(w) and idf from the split's own sentences). Throws InputError when the table
  // reads words differently from the index (build the bench with table.reading()).
  Score pooled(const WordTable& table, const PoolingOptions& options) const;
  // TF-IDF cosine (text_index.h), idf from the split's sentences.
  Score tfidf(bool drop_stopwords) const;
  // The two side by side: weight * pooled cosine + (1 - weight) * TF-IDF cosine (not a pooling of
  // vectors alone: a hybrid, as in search).
  Score blend(const WordTable& table, const PoolingOptions& options, bool drop_stopwords, double weight) const;

 private:
  // Each pair's cosine (0 when a side has no vector); fills covered and coverage.
  std::vector<double> pooled_cosines(const WordTable& table, const PoolingOptions& options, Score* s) const;
  std::vector<double> tfidf_cosines(bool drop_stopwords) const;
  double rho(const std::vector<double>& model) const;
  std::vector<StsPair> pairs_;
  Units units_;
  TextIndex index_;
};

// A retrieval collection: documents as units (their ids kept), queries, and graded judgements.
struct IrCollection {
  Units documents;                   // ids from the documents' id field
  std::vector<std::string> query_ids;  // (Q)
  std::vector<std::string> queries;    // (Q) their text
  std::vector<std::map<int32_t, int>> gains;  // (Q): unit -> gain, for the judged documents
};
// documents.jsonl {id, text, ...}, queries.jsonl {id, text, ...} and a qrels TSV with a header naming
// query_id, doc_id and relevance columns. The qrels' query_id is the queries' `id` field. Gain: 5 -
// cran_code when a cran_code column is present (Cranfield's 1 = most relevant .. 4; -1 gives 0),
// else the relevance column. Throws InputError naming the file and line.
IrCollection read_ir_collection(const std::string& documents_jsonl, const std::string& queries_jsonl,
                                const std::string& qrels_tsv);

// nDCG@k of a ranking: sum over the first k of gain / log2(rank + 1) (linear gains), divided by the
// same sum for the judged documents in their best order. 0 when nothing is relevant.
double ndcg_at(const std::vector<int32_t>& ranking, const std::map<int32_t, int>& gains, int k);
// The share of the relevant (gain > 0) documents among the first k of the ranking.
double recall_at(const std::vector<int32_t>& ranking, const std::map<int32_t, int>& gains, int k);

struct IrScore {
  double ndcg10 = 0, recall100 = 0;  // means over the queries with a relevant document
  int64_t queries = 0;
};
// Ranks every document for each of the chosen queries (all when `which` is empty) with `method`.
// A query with only stopwords, or no word a document or vector knows, ranks nothing (scores 0).
IrScore evaluate_ir(const IrCollection& c, UnitSearch& search, const TextIndex& index, SearchMethod method,
                    const SearchOptions& options, const std::vector<size_t>& which = {});

}  // namespace embplay
