// Questions about units: a search engine (embedding cosine, BM25, and a hybrid of the two), the
// nearest units to one unit, and k-means clusters of units labelled by their distinctive words.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cluster.h"
#include "pooling.h"
#include "text_index.h"

namespace embplay {

enum class SearchMethod { kEmbedding, kBm25, kHybrid };
// "embedding", "bm25", "hybrid"; throws InputError listing them.
SearchMethod parse_search_method(const std::string& name);
const char* search_method_name(SearchMethod m);

// How the hybrid fuses the two rankings. kMinMax and kZScore scale each method's scores over all
// units (min-max to [0, 1], or to mean 0 and standard deviation 1) and interpolate
//   weight * embedding + (1 - weight) * bm25;
// kRrf is reciprocal rank fusion, weight / (rrf_k + rank_embedding) + (1 - weight) / (rrf_k + rank_bm25)
// (ranks from 1; a unit BM25 does not match gets no BM25 term). Chosen on Cranfield: bench/README.md.
enum class Fusion { kMinMax, kZScore, kRrf };
Fusion parse_fusion(const std::string& name);  // "minmax", "zscore", "rrf"
const char* fusion_name(Fusion f);

struct SearchOptions {
  int k = 10;                     // results; 1..1000
  bool drop_stopwords = true;     // read the query without stopwords (BM25 and embedding alike)
  Bm25Options bm25;               // k1 = 1.2, b = 0.75
  Fusion fusion = Fusion::kZScore;  // the hybrid's fusion
  float weight = 0.3f;            // the embedding's share in the hybrid; 0..1
  int rrf_k = 60;                 // reciprocal rank fusion's constant; 1..1000
};
void validate(const SearchOptions& o);

struct Hit {
  int32_t unit;
  float score;       // the method's score (the hybrid's fused score)
  float embedding;   // cosine between the query's and the unit's pooled vectors (0 without vectors)
  float bm25;        // BM25 score
  std::vector<std::string> matched;  // query words the unit contains (to highlight)
};
struct SearchResult {
  std::vector<Hit> hits;                  // best first, ties by unit
  std::vector<std::string> words;         // the query words used
  std::vector<std::string> stopwords;     // set aside
  std::vector<std::string> no_vector;     // query words without a vector (the embedding ignores them)
  std::vector<std::string> no_unit;       // query words no unit contains (BM25 ignores them)
  std::string notice;                     // what the hybrid left out, when it had to
};

// One index, its pooler and the pooled units; keeps per-query scratch, so one search at a time.
// Without vectors (an index alone: units opened before any training), only BM25 ranks.
class UnitSearch {
 public:
  UnitSearch(const TextIndex& index, const Pooler& pooler, const UnitEmbeddings& embeddings);
  explicit UnitSearch(const TextIndex& index);

  // The top k units for `query`. Throws InputError for an empty or stopword-only query, an embedding
  // (or hybrid) search without vectors, or whose query has no word with a vector, or no unit with a
  // vector, and a BM25 search none of whose words a unit contains. The hybrid answers with what it has (BM25 alone when
  // the query has no word with a vector, the embedding alone when BM25 matches nothing) and says so.
  SearchResult search(const std::string& query, SearchMethod method, const SearchOptions& options);

  // Every unit's score (N) for a query read already, as search() ranks them; for the evaluation.
  // Units without a vector score -inf under the embedding.
  const std::vector<float>& scores(const Query& query, SearchMethod method, const SearchOptions& options);

 private:
  // Pools the query into query_vector_ (components removed, unit length); false without a vector.
  bool pool_query(const Query& query);
  // out (N) := every unit's cosine with the pooled query (-inf for units without a vector).
  void embedding_scores(const Query& query, std::vector<float>& out);

  const TextIndex& index_;
  const Pooler* pooler_;          // null: BM25 only
  const UnitEmbeddings* units_;   // null with pooler_
  std::vector<float> inv_norms_;           // (N): 1 / |unit vector|, 0 for units without one
  Eigen::VectorXf query_vector_;           // (D) scratch
  std::vector<float> emb_, bm25_, fused_;  // (N) scratch: each method's scores
  std::vector<float> scaled_e_, scaled_b_, rank_;  // (N) scratch for the fusion
  std::vector<int32_t> order_;             // (N) scratch for ranks
};

// The k units most similar (cosine of pooled vectors) to unit `unit`, itself and units without a
// vector excluded; `score` and `embedding` hold the cosine. Throws InputError for a unit without a vector.
std::vector<Hit> nearest_units(const UnitEmbeddings& embeddings, int32_t unit, int k);

struct UnitClusters {
  Ids assignment;  // (N): 0..k-1, or -1 for a unit without a vector
  std::vector<int> sizes;                        // (k)
  std::vector<std::vector<std::string>> labels;  // (k): distinctive words, most distinctive first
  std::vector<Ids> central;                      // (k): units nearest each centre first
};
// k-means (cluster.h, on unit directions) of the units with a vector, each cluster labelled by the
// words most over-represented in it against the other units: the log-odds ratio of the share of
// units containing the word, inside and outside, with a prior of 0.5 unit on each side, divided by
// its standard error (Monroe et al. 2008, uninformative prior). Stopwords and words in a single
// unit of the cluster are skipped. `only`, when given, names the units to cluster (a map's sample;
// those without a vector are left out, -1), and the labels contrast them with each other. Throws
// InputError for fewer units with a vector than k.
UnitClusters cluster_units(const TextIndex& index, const UnitEmbeddings& embeddings, const KMeansOptions& options,
                           int label_words = 5, const Ids& only = {});

}  // namespace embplay
