// k-means clusters of word vectors, for colouring the map: k-means++ seeding from the project's
// Rng (or a previous clustering's groups), then Lloyd iterations; optionally on unit-length rows (clusters of directions, as cosine
// similarity sees them). Every cluster ends non-empty, and lists its most central words.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "common.h"

namespace embplay {

// The ranges are in the options table (cluster.cpp), which the page reads through kmeans_schema().
struct KMeansOptions {
  int k = 8;                 // clusters; 1..8 (the map's palette), and at most N
  bool cosine = true;        // cluster the rows scaled to unit length (zero rows stay zero)
  int max_iterations = 100;  // Lloyd iterations per attempt; stops earlier when nothing moves; 1..10000
  int attempts = 3;          // independent seedings; the lowest inertia wins; 1..100
  int central = 10;          // most central members listed per cluster; 0..1000
  uint64_t seed = 1;         // k-means++ seeding; 0..2^32-1
  // A previous clustering to follow (the map while training): the cluster of each row, 0..k-1,
  // or -1 for a row it did not have. When given (N entries), one attempt starts from the means of
  // its groups instead of k-means++, so clusters keep their numbers while the vectors drift; a
  // group with no rows left starts at the row farthest from the other groups' means.
  Ids start;
};

struct KMeansResult {
  // (N): the cluster of each row, 0..k-1. Without a start, numbered by first row: cluster 0 holds
  // row 0, cluster 1 the first row outside it, ...; so the same partition has the same numbers.
  Ids assignment;
  RowMatrix centroids;       // (k, d): cluster means, in the space clustered (unit rows if cosine)
  std::vector<int> sizes;    // (k): members per cluster, all >= 1
  std::vector<Ids> central;  // (k): members nearest their centroid first (ties by row), at most `central`
  double inertia = 0;        // sum of squared distances from each row to its centroid
  int iterations = 0;        // Lloyd iterations of the winning attempt
};

// The options but `start` as one table, like settings_schema(): [{name, type, min, max, default, hint}, ...].
nlohmann::json kmeans_schema();
// Absent fields keep their defaults; an unknown field or a value out of its range throws InputError
// naming the field.
KMeansOptions kmeans_options_from_json(const nlohmann::json& j);
nlohmann::json kmeans_options_to_json(const KMeansOptions& o);  // without start

// Clusters the rows of `vectors` (N, d). `ids` (N), when given, names the rows: `central` then
// holds ids[row] instead of row numbers (e.g. the vocabulary ids of the shown words).
// Throws InputError for k outside 1..N, non-finite vectors or bad options.
KMeansResult kmeans(const RowMatrix& vectors, const KMeansOptions& options, const Ids& ids = Ids());

}  // namespace embplay
