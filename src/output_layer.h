// Output layers for large vocabularies. The full softmax scores all V words for every example,
// which at V = 50,000 is nearly all of a step's work; these two touch only a few rows of the
// output matrix (W2, b2) per example in training, and can still give the exact distribution:
//
//   hierarchical  (Morin & Bengio 2005; word2vec's Huffman coding) the words are the leaves of a
//                 Huffman tree of their counts; inner node n owns row n of W2 and b2 (n < V - 1,
//                 the last row is unused). p(word) is the product of the binary decisions on its path,
//                 p(right at n) = sigmoid(z_n), z_n = W2[n] f + b2[n]; the loss -log p(word) is exact
//                 and costs about log2(V) rows. The V probabilities sum to 1 by construction.
//   sampled       (Jean et al. 2015) each batch draws `samples` words from the noise q = counts^0.75
//                 (alias.h); with the batch's own targets they form one shared candidate set C, and
//                 each example's loss is the softmax cross-entropy over C of z_c - log(samples q_c)
//                 (the logQ correction, which makes the sampled softmax estimate the full one). Its
//                 exact distribution is the full softmax of W2 f + b2: the model's plain forward.
//
// f (F, B) is what feeds the output layer, one example per column; the gradients are the rows of
// W2 and b2 the batch touched (sparse), and df (F, B); all divided by B (the loss is a batch mean).
#pragma once

#include <string>
#include <vector>

#include "alias.h"
#include "common.h"

namespace embplay {

// The rows of the output matrix one batch touched, with their gradients: a sparse (V, F) gradient.
struct OutputRowGradients {
  Ids rows;     // (U) distinct rows of W2 and b2
  RowMatrix w;  // (U, F): gradient of W2's row rows[i]
  Vector b;     // (U): gradient of b2(rows[i])
};

// A Huffman tree over V >= 2 words: frequent words get short paths. Deterministic (ties go to the
// lower id). Inner nodes are numbered 0 .. V-2 in the order they are made; the root is V - 2.
class HuffmanTree {
 public:
  HuffmanTree() = default;
  // counts (V): the leaves' weights, >= 0. Throws std::invalid_argument for fewer than 2 words.
  explicit HuffmanTree(const std::vector<int64_t>& counts);

  int32_t words() const { return static_cast<int32_t>(offsets_.size()) - 1; }
  int32_t root() const { return words() - 2; }
  // Word w's path from the root: the inner nodes it passes and the branch taken at each
  // (1 = right, p = sigmoid(z); 0 = left, p = sigmoid(-z)).
  int path_length(int32_t w) const { return offsets_[w + 1] - offsets_[w]; }
  const int32_t* path_nodes(int32_t w) const { return nodes_.data() + offsets_[w]; }
  const uint8_t* path_codes(int32_t w) const { return codes_.data() + offsets_[w]; }
  // Child of inner node n on `side` (0 left, 1 right): an inner node if >= 0, else the word -1 - child.
  int32_t child(int32_t n, int side) const { return children_[2 * static_cast<size_t>(n) + side]; }

 private:
  std::vector<int32_t> offsets_;   // (V + 1): word w's path is [offsets_[w], offsets_[w + 1])
  std::vector<int32_t> nodes_;     // the paths' inner nodes, root first
  std::vector<uint8_t> codes_;     // the paths' branches
  std::vector<int32_t> children_;  // (2 (V - 1)): left and right child of each inner node
};

// Scratch of the hierarchical softmax, owned by the caller and reused.
struct HierarchicalScratch {
  std::vector<int32_t> row_slot;  // (V) slot of each row in OutputRowGradients::rows, -1 if unused
  Matrix scores;                  // (V - 1, B) z of every inner node (exact probabilities)
  Vector node_log_p;              // (V - 1) log p(reaching node n) for one example
  Vector log_right;               // (V - 1) log sigmoid(z_n) for one example
};

// Training: returns the mean over the batch of -log p(target) (exact) and writes the gradients.
// w2 (V, F), b2 (V), f (F, B), targets (B).
float hierarchical_forward_backward(const HuffmanTree& tree, const RowMatrix& w2, const Vector& b2, const Matrix& f,
                                    const int32_t* targets, OutputRowGradients& grads, Matrix& df,
                                    HierarchicalScratch& scratch);

// Exact: log_p (V, B) = log p(word | example), whose exponentials sum to 1 in each column.
void hierarchical_log_probabilities(const HuffmanTree& tree, const RowMatrix& w2, const Vector& b2, const Matrix& f,
                                    Matrix& log_p, HierarchicalScratch& scratch);

class SampledSoftmax {
 public:
  SampledSoftmax() = default;
  // counts (V): the noise is q_w ∝ max(count_w, 1)^0.75, so every word can be drawn and log q is finite.
  SampledSoftmax(const std::vector<int64_t>& counts, int samples);

  // Training: draws the batch's candidates from `rng`, returns the mean sampled loss and writes the
  // gradients of the candidates' rows. w2 (V, F), b2 (V), f (F, B), targets (B).
  float forward_backward(const RowMatrix& w2, const Vector& b2, const Matrix& f, const int32_t* targets, Rng& rng,
                         OutputRowGradients& grads, Matrix& df);

  int samples() const { return samples_; }
  // The candidates of the last batch (targets and draws, distinct, in order of first appearance).
  const Ids& candidates() const { return candidates_; }
  // log(samples q_w): what the logQ correction subtracts from word w's logit.
  float log_expected(int32_t w) const { return log_expected_[w]; }

 private:
  int samples_ = 0;
  AliasTable noise_;
  std::vector<float> log_expected_;  // (V)
  // Scratch, reused by every batch.
  std::vector<int32_t> slot_;         // (V) slot of each word in candidates_, -1 if not a candidate
  Ids candidates_;                    // (U)
  Ids slot_targets_;                  // (B) each target's slot
  RowMatrix wc_;                      // (U, F) the candidates' rows of W2
  Vector offsets_;                    // (U) b2 - log(samples q) of each candidate
  Matrix logits_, dlogits_;           // (U, B)
};

}  // namespace embplay
