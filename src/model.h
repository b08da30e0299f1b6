// The next-word model of Bengio et al. (2003), "A Neural Probabilistic Language Model":
//
//   x = [E[w1]; E[w2]; ...; E[wk]]         (k*d)   the k context rows of the embedding table
//   a = tanh(W1 x + b1)                    (h)     skipped when h = 0: a = x
//   z = W2 a + b2 [+ W3 x]                 (V)     logits; softmax(z) is p(next word | context)
//
// W3 (V, k*d) holds Bengio's optional direct connections from the context vectors to the output.
// Initialisation (seeded, in this order): E ~ U(-0.5, 0.5); W1, W2, W3 Glorot-uniform,
// U(-a, a) with a = sqrt(6 / (fan_in + fan_out)); biases zero.
//
// A batch is processed as matrices with one example per column. The embedding table's gradient
// is sparse: only the rows a batch used get one, returned as (row ids, gradient rows).
//
// Dropout (training only, "inverted"): each entry of x and of a is kept with probability 1 - rate
// and then scaled by 1 / (1 - rate), so its expected value is unchanged and evaluation runs the
// plain forward pass. The masks are drawn from the caller's Rng and kept for the backward pass.
//
// The output layer is a full softmax over z, unless `tree` is set: then it is a hierarchical softmax
// (output_layer.h) whose inner nodes are the rows of W2 and b2, and forward() writes exact
// log-probabilities into `logits` (their softmax is the same distribution). W2 is stored row-major,
// so one word's (or one node's) row is contiguous for the layers that touch only a few rows.
#pragma once

#include <memory>

#include "common.h"
#include "output_layer.h"

namespace embplay {

struct ModelShape {
  int vocab = 0;    // V
  int context = 0;  // k
  int dim = 0;      // d
  int hidden = 0;   // h, 0 = no hidden layer
  bool direct = false;  // W3: direct connections from x to the logits
  int input() const { return context * dim; }             // k*d
  int features() const { return hidden > 0 ? hidden : input(); }  // what feeds the output layer
};

// Dense gradients and the sparse embedding gradient of one batch.
struct Gradients {
  Matrix w1;          // (h, k*d)
  Vector b1;          // (h)
  RowMatrix w2;       // (V, features), empty when the output layer's rows are in `output`
  Vector b2;          // (V), likewise
  Matrix w3;          // (V, k*d), empty without direct connections
  OutputRowGradients output;  // hierarchical or sampled softmax: the rows of W2 and b2 the batch touched
  Ids rows;           // (U): distinct embedding rows the batch used, ascending
  RowMatrix embed;    // (U, d): gradient of each of those rows
};

// Scratch space the trainer owns and reuses, so a step does not allocate once warm.
struct Activations {
  Matrix x;        // (k*d, B) gathered context embeddings (after dropout, when training with it)
  Matrix a;        // (h, B) hidden activations tanh(W1 x + b1), before dropout
  Matrix a_kept;   // (h, B) a after dropout: what feeds the output layer when training with dropout
  Matrix keep_x;   // (k*d, B) dropout mask of x: 0 or 1 / (1 - rate); empty without dropout
  Matrix keep_a;   // (h, B) dropout mask of a; empty without dropout
  Matrix logits;   // (V, B) logits, or exact log-probabilities with a hierarchical softmax
  Matrix dlogits;  // (V, B)
  Matrix da;       // (features, B)
  Matrix dx;       // (k*d, B)
  std::vector<int32_t> row_slot;  // (V) scratch: slot of each row in Gradients::rows, -1 if unused
  HierarchicalScratch hierarchical;  // exact probabilities of a hierarchical softmax
};

class NextWordModel {
 public:
  NextWordModel() = default;
  // All weights zero (to be filled by a model file).
  explicit NextWordModel(const ModelShape& shape);
  // Seeded uniform initialisation: E ~ U(-0.5, 0.5); W1, W2, W3 Glorot-uniform; biases zero.
  NextWordModel(const ModelShape& shape, Rng& rng);

  const ModelShape& shape() const { return shape_; }

  // contexts: (B, k) row-major ids. Writes act.x, act.a, act.logits (V, B). With a dropout rate
  // in (0, 1) and an Rng (training), draws the masks act.keep_x and act.keep_a and applies them.
  void forward(const int32_t* contexts, int batch, Activations& act, float dropout = 0, Rng* rng = nullptr) const;
  // After forward and with act.dlogits filled by a Loss: writes every gradient into grads.
  void backward(const int32_t* contexts, int batch, Activations& act, Gradients& grads) const;

  // The two halves, for output layers that train on a few rows (output_layer.h): forward_features
  // writes x and a (not the logits); features(act) is then f (F, B), what feeds the output layer;
  // with act.da = dLoss/df filled, backward_features writes the gradients of W1, b1 and the embeddings.
  void forward_features(const int32_t* contexts, int batch, Activations& act, float dropout = 0,
                        Rng* rng = nullptr) const;
  const Matrix& features(const Activations& act) const;
  void backward_features(const int32_t* contexts, int batch, Activations& act, Gradients& grads) const;

  RowMatrix embed;  // (V, d): row i is the vector of word i
  Matrix w1;        // (h, k*d)
  Vector b1;        // (h)
  RowMatrix w2;     // (V, features): row j scores word j (hierarchical softmax: inner node j, the last row unused)
  Vector b2;        // (V)
  Matrix w3;        // (V, k*d), empty (0 x 0) without direct connections
  // Set when the output layer is a hierarchical softmax over this tree of the training counts.
  std::shared_ptr<const HuffmanTree> tree;

 private:
  ModelShape shape_;
};

}  // namespace embplay
