// Asking the geometry of the vectors: a 2D projection, nearest neighbours, next-word predictions.
#pragma once

#include <string>
#include <vector>

#include "common.h"
#include "trainer.h"

namespace embplay {

struct Projection {
  RowMatrix coords;          // (N, 2)
  float explained[2] = {0, 0};  // fraction of the total variance along each axis
};

// PCA of the rows of `vectors` (N, d) to 2D. Each axis' sign is fixed so that its largest
// loading is positive, so that the same vectors always give the same picture.
Projection pca_2d(const RowMatrix& vectors);

// The rows of `table` for the given ids, as a new (N, d) matrix.
RowMatrix gather_rows(const RowMatrix& table, const Ids& ids);

struct Neighbor {
  int32_t id;
  float similarity;  // cosine
};
// The k rows most similar by cosine to row `id`, excluding itself, <pad> and <unk>.
std::vector<Neighbor> nearest_neighbors(const RowMatrix& table, int32_t id, int k);

struct Prediction {
  int32_t id;
  float probability;
};
// The top-k next words for a context of words (the last k are used; fewer are padded on the
// left with <pad>, as at the start of a sentence; unknown words become <unk>).
std::vector<Prediction> predict_next(const TrainedModel& m, const std::vector<std::string>& context, int top_k);

// The ids of the `n` most frequent words (never <pad>; <unk> only if it is among them is skipped too).
Ids top_words(const Vocab& vocab, int n);

}  // namespace embplay
