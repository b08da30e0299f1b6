// Asking the geometry of the vectors: a 2D or 3D projection, nearest neighbours, analogies, the odd
// one out, next-word predictions.
#pragma once

#include <string>
#include <vector>

#include "common.h"
#include "trained_model.h"

namespace embplay {

struct Projection {
  RowMatrix coords;              // (N, k): k = 2 for the map, 3 for its 3D view
  std::vector<float> explained;  // (k): fraction of the total variance along each axis
};

// PCA of the rows of `vectors` (N, d) to k dimensions (1 <= k; axes beyond d are zero). Each
// axis' sign is fixed so that its largest loading is positive, so that the same vectors always
// give the same picture.
Projection pca(const RowMatrix& vectors, int k);

// PCA of `vectors` (N, d) to k = previous.cols() dimensions, then turned (rotation or
// reflection, the orthogonal Procrustes solution) to best match `previous` (N, k), the last frame
// of the same words in the same row order: the picture only changes where the vectors changed, not
// when an axis flips or two nearly equal components swap. Empty `previous`: plain pca(vectors, k).
// Throws InputError when the rows differ in number or previous is not (N, k).
Projection pca_aligned(const RowMatrix& vectors, const RowMatrix& previous, int k);

// The map's 2D PCA, plain and aligned.
inline Projection pca_2d(const RowMatrix& vectors) { return pca(vectors, 2); }
inline Projection pca_2d_aligned(const RowMatrix& vectors, const RowMatrix& previous) {
  return pca_aligned(vectors, previous, 2);
}

// The fewest words an explicit choice of words (a search result) may put on the map: PCA of
// fewer than three points is a line or a dot, not a picture of their geometry.
constexpr int kMinMapWords = 3;

// Checks that `vectors` (N, d), the vectors of words the user chose, can be drawn as a map of
// their own by the projection `method` (its name, for the message): at least `min_rows` rows
// (kMinMapWords for PCA; t-SNE needs 4 and more for its perplexity), all finite, and some spread
// (not every row the same, e.g. all zero). Throws InputError saying what is wrong, for the page.
void check_projectable(const RowMatrix& vectors, int min_rows, const std::string& method);

// The rows of `table` for the given ids, as a new (N, d) matrix.
RowMatrix gather_rows(const RowMatrix& table, const Ids& ids);

// The rows of `m` (N, d) scaled to unit length; zero rows stay zero.
RowMatrix unit_rows(const RowMatrix& m);

struct Neighbor {
  int32_t id;
  float similarity;    // cosine (0 against a zero vector)
  float distance = 0;  // euclidean
};
enum class Metric { kCosine, kEuclidean };
// The k rows nearest to row `id` (most similar by cosine, or closest by euclidean distance),
// excluding itself, <pad> and <unk>; both measures are filled in. Ties by lower id.
std::vector<Neighbor> nearest_neighbors(const RowMatrix& table, int32_t id, int k, Metric metric = Metric::kCosine);

// Analogies, answer ~ a - b + c: "b is to a as c is to ?". king - man + woman = queen is
// analogy(table, king, man, woman): man is to king as woman is to queen. Levy & Goldberg (2014):
//   3CosAdd: score(x) = cos(x, a) - cos(x, b) + cos(x, c)
//   3CosMul: score(x) = s(x, a) s(x, c) / (s(x, b) + 0.001), s = (cos + 1) / 2 in [0, 1]
// The k best rows, scores descending (ties by lower id), never a, b, c, <pad> or <unk>.
// Throws InputError for an id outside the table.
enum class AnalogyMethod { k3CosAdd, k3CosMul };
struct AnalogyAnswer {
  int32_t id;
  float score;
};
std::vector<AnalogyAnswer> analogy(const RowMatrix& table, int32_t a, int32_t b, int32_t c, int k,
                                   AnalogyMethod method = AnalogyMethod::k3CosAdd);

// The odd one out of a few words (Mikolov et al.'s "doesn't match"): on unit vectors (cosine
// geometry), each word's cosine distance to the centroid of the others,
//   distance_i = 1 - cos(u_i, mean_{j != i} u_j),  u = v / |v|,
// and the odd one is the farthest (ties: the first). `vectors` (k, d), 3 <= k. A zero vector has
// distance 1 (cosine 0 with anything).
struct OddOneOut {
  std::vector<float> distances;  // (k), in the order given
  int odd = -1;                  // index of the largest distance
};
OddOneOut odd_one_out(const RowMatrix& vectors);

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
