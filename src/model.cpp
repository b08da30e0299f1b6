// Forward and backward passes of the next-word model, one example per column.
#include "model.h"

#include <algorithm>
#include <cmath>

#include "kernels.h"

namespace embplay {

NextWordModel::NextWordModel(const ModelShape& shape) : shape_(shape) {
  embed = RowMatrix::Zero(shape.vocab, shape.dim);
  w1 = Matrix::Zero(shape.hidden, shape.input());
  b1 = Vector::Zero(shape.hidden);
  w2 = RowMatrix::Zero(shape.vocab, shape.features());
  b2 = Vector::Zero(shape.vocab);
  if (shape.direct) w3 = Matrix::Zero(shape.vocab, shape.input());
}

NextWordModel::NextWordModel(const ModelShape& shape, Rng& rng) : NextWordModel(shape) {
  // Embeddings start spread out, so the map has something to show from the first frame;
  // Glorot-uniform keeps the tanh layer out of saturation and the first logits near zero.
  for (Eigen::Index i = 0; i < embed.size(); ++i) embed.data()[i] = rng.symmetric(0.5f);
  const float a1 = std::sqrt(6.0f / static_cast<float>(shape.input() + shape.hidden));
  for (Eigen::Index i = 0; i < w1.size(); ++i) w1.data()[i] = rng.symmetric(a1);
  const float a2 = std::sqrt(6.0f / static_cast<float>(shape.features() + shape.vocab));
  for (Eigen::Index c = 0; c < w2.cols(); ++c)  // column by column: the order of the draws is the layout's of old
    for (Eigen::Index r = 0; r < w2.rows(); ++r) w2(r, c) = rng.symmetric(a2);
  const float a3 = std::sqrt(6.0f / static_cast<float>(shape.input() + shape.vocab));
  for (Eigen::Index i = 0; i < w3.size(); ++i) w3.data()[i] = rng.symmetric(a3);
}

namespace {

// Fills `keep` (rows, cols) with 0 (probability rate) or 1 / (1 - rate), and multiplies it into m.
void apply_dropout(Matrix& m, Matrix& keep, float rate, Rng& rng) {
  keep.resize(m.rows(), m.cols());
  const float scale = 1.0f / (1.0f - rate);
  for (Eigen::Index i = 0; i < keep.size(); ++i) keep.data()[i] = rng.uniform() < rate ? 0.0f : scale;
  m.array() *= keep.array();
}

}  // namespace

void NextWordModel::forward_features(const int32_t* contexts, int batch, Activations& act, float dropout,
                                     Rng* rng) const {
  const int k = shape_.context, d = shape_.dim;
  const bool drop = dropout > 0 && rng != nullptr;
  act.x.resize(shape_.input(), batch);
  for (int b = 0; b < batch; ++b)
    for (int j = 0; j < k; ++j) act.x.col(b).segment(j * d, d) = embed.row(contexts[b * k + j]).transpose();
  if (drop) apply_dropout(act.x, act.keep_x, dropout, *rng);
  else act.keep_x.resize(0, 0);

  if (shape_.hidden > 0) {
    act.a.resize(shape_.hidden, batch);
    kernels::matmul(act.a, w1, act.x);  // (h, B) = (h, k*d) (k*d, B)
    act.a.colwise() += b1;
    act.a = act.a.array().tanh();
    if (drop) {
      act.a_kept = act.a;
      apply_dropout(act.a_kept, act.keep_a, dropout, *rng);
    } else {
      act.keep_a.resize(0, 0);
    }
  }
}

const Matrix& NextWordModel::features(const Activations& act) const {
  return shape_.hidden == 0 ? act.x : act.keep_a.size() > 0 ? act.a_kept : act.a;  // (F, B)
}

void NextWordModel::forward(const int32_t* contexts, int batch, Activations& act, float dropout, Rng* rng) const {
  forward_features(contexts, batch, act, dropout, rng);
  const Matrix& f = features(act);
  const int feats = shape_.features();
  if (tree) {
    hierarchical_log_probabilities(*tree, w2, b2, f, act.logits, act.hierarchical);
    return;
  }
  // (V, B) = W2 f: W2 (V, F) row-major is the (F, V) column-major matrix W2^T.
  act.logits.resize(shape_.vocab, batch);
  kernels::gemm(true, false, shape_.vocab, batch, feats, w2.data(), feats, f.data(), feats, act.logits.data(),
                shape_.vocab);
  act.logits.colwise() += b2;
  if (shape_.direct) act.logits.noalias() += w3 * act.x;  // direct connections
}

void NextWordModel::backward(const int32_t* contexts, int batch, Activations& act, Gradients& grads) const {
  const Matrix& f = features(act);
  const int feats = shape_.features(), vocab = shape_.vocab;
  // Output layer: z = W2 f + b2. With W2 row-major, its gradient dlogits f^T (V, F) is stored as
  // f dlogits^T (F, V) column-major, and da = W2^T dlogits (F, B) is a plain product.
  grads.w2.resize(vocab, feats);
  kernels::gemm(false, true, feats, vocab, batch, f.data(), feats, act.dlogits.data(), vocab, grads.w2.data(), feats);
  act.da.resize(feats, batch);
  kernels::gemm(false, false, feats, batch, vocab, w2.data(), feats, act.dlogits.data(), vocab, act.da.data(), feats);
  // b2's gradient (V) sums dlogits over the batch, a whole column at a time: contiguous, so it
  // vectorises in WebAssembly too, where Eigen's rowwise().sum() walks each row across the columns.
  grads.b2.setZero(vocab);
  for (int b = 0; b < batch; ++b) grads.b2 += act.dlogits.col(b);
  if (shape_.direct) grads.w3.noalias() = act.dlogits * act.x.transpose();  // (V, k*d)
  backward_features(contexts, batch, act, grads);
}

void NextWordModel::backward_features(const int32_t* contexts, int batch, Activations& act, Gradients& grads) const {
  const int k = shape_.context, d = shape_.dim;
  const bool drop_a = shape_.hidden > 0 && act.keep_a.size() > 0;

  // Hidden layer: a = tanh(W1 x + b1), da/dpre = 1 - a^2.
  if (shape_.hidden > 0) {
    if (drop_a) act.da.array() *= act.keep_a.array();  // through a's dropout mask
    act.da.array() *= 1.0f - act.a.array().square();
    kernels::matmul_nt(grads.w1, act.da, act.x);      // (h, k*d) = (h, B) (k*d, B)^T
    grads.b1.noalias() = act.da.rowwise().sum();      // (h)
    kernels::matmul_tn(act.dx, w1, act.da);           // (k*d, B) = (h, k*d)^T (h, B)
  } else {
    act.dx = act.da;
  }
  if (shape_.direct) act.dx.noalias() += w3.transpose() * act.dlogits;  // z += W3 x (full softmax only): (k*d, B)

  if (act.keep_x.size() > 0) act.dx.array() *= act.keep_x.array();  // through x's dropout mask

  // Embedding: each used row collects the gradient of every slot it filled in the batch.
  if (act.row_slot.size() != static_cast<size_t>(shape_.vocab)) act.row_slot.assign(shape_.vocab, -1);
  grads.rows.assign(contexts, contexts + static_cast<size_t>(batch) * k);
  std::sort(grads.rows.begin(), grads.rows.end());
  grads.rows.erase(std::unique(grads.rows.begin(), grads.rows.end()), grads.rows.end());
  for (size_t i = 0; i < grads.rows.size(); ++i) act.row_slot[grads.rows[i]] = static_cast<int32_t>(i);
  grads.embed.setZero(static_cast<Eigen::Index>(grads.rows.size()), d);
  for (int b = 0; b < batch; ++b)
    for (int j = 0; j < k; ++j)
      grads.embed.row(act.row_slot[contexts[b * k + j]]) += act.dx.col(b).segment(j * d, d).transpose();
  for (int32_t row : grads.rows) act.row_slot[row] = -1;
}

}  // namespace embplay
