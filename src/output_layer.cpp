// The hierarchical and the sampled softmax (see output_layer.h for the maths).
#include "output_layer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "kernels.h"
#include "loss.h"

namespace embplay {
namespace {

// log sigmoid(x) = -log(1 + exp(-x)), without overflow for large |x|.
inline float log_sigmoid(float x) { return std::min(x, 0.0f) - std::log1p(std::exp(-std::abs(x))); }
inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

}  // namespace

HuffmanTree::HuffmanTree(const std::vector<int64_t>& counts) {
  const int32_t v = static_cast<int32_t>(counts.size());
  if (v < 2) throw std::invalid_argument("a Huffman tree needs at least 2 words");
  // Two queues of ascending weight: the leaves (sorted once) and the inner nodes (made in
  // ascending order). Node ids: words 0 .. V-1, inner node n is V + n.
  std::vector<int32_t> leaves(v);
  std::iota(leaves.begin(), leaves.end(), 0);
  std::stable_sort(leaves.begin(), leaves.end(), [&](int32_t a, int32_t b) { return counts[a] < counts[b]; });
  std::vector<int64_t> weight(2 * static_cast<size_t>(v) - 1);
  for (int32_t w = 0; w < v; ++w) weight[w] = counts[w];
  std::vector<int32_t> parent(weight.size(), -1);
  std::vector<uint8_t> branch(weight.size(), 0);
  children_.assign(2 * static_cast<size_t>(v - 1), 0);
  size_t next_leaf = 0;
  int32_t next_inner = v, made = v;  // the inner-node queue is [next_inner, made)
  auto pop_smallest = [&]() {
    const bool leaf = next_leaf < leaves.size() && (next_inner == made || weight[leaves[next_leaf]] <= weight[next_inner]);
    return leaf ? leaves[next_leaf++] : next_inner++;
  };
  for (int32_t n = 0; n < v - 1; ++n, ++made) {
    const int32_t left = pop_smallest(), right = pop_smallest();
    weight[made] = weight[left] + weight[right];
    parent[left] = parent[right] = made;
    branch[right] = 1;
    children_[2 * n] = left < v ? -1 - left : left - v;
    children_[2 * n + 1] = right < v ? -1 - right : right - v;
  }
  // Each word's path: walk up to the root, then reverse so that it starts there.
  offsets_.assign(v + 1, 0);
  std::vector<int32_t> up;
  std::vector<uint8_t> up_codes;
  for (int32_t w = 0; w < v; ++w) {
    up.clear();
    up_codes.clear();
    for (int32_t node = w; parent[node] >= 0; node = parent[node]) {
      up.push_back(parent[node] - v);
      up_codes.push_back(branch[node]);
    }
    nodes_.insert(nodes_.end(), up.rbegin(), up.rend());
    codes_.insert(codes_.end(), up_codes.rbegin(), up_codes.rend());
    offsets_[w + 1] = static_cast<int32_t>(nodes_.size());
  }
}

float hierarchical_forward_backward(const HuffmanTree& tree, const RowMatrix& w2, const Vector& b2, const Matrix& f,
                                    const int32_t* targets, OutputRowGradients& grads, Matrix& df,
                                    HierarchicalScratch& scratch) {
  const int batch = static_cast<int>(f.cols());
  const float inv_batch = 1.0f / static_cast<float>(batch);
  // The rows this batch touches, each given a slot in the sparse gradient.
  if (scratch.row_slot.size() != static_cast<size_t>(w2.rows())) scratch.row_slot.assign(w2.rows(), -1);
  grads.rows.clear();
  for (int b = 0; b < batch; ++b) {
    const int32_t* nodes = tree.path_nodes(targets[b]);
    for (int i = 0; i < tree.path_length(targets[b]); ++i)
      if (scratch.row_slot[nodes[i]] < 0) {
        scratch.row_slot[nodes[i]] = static_cast<int32_t>(grads.rows.size());
        grads.rows.push_back(nodes[i]);
      }
  }
  grads.w.setZero(static_cast<Eigen::Index>(grads.rows.size()), f.rows());
  grads.b.setZero(static_cast<Eigen::Index>(grads.rows.size()));
  df.setZero(f.rows(), batch);

  double total = 0;
  for (int b = 0; b < batch; ++b) {
    const int32_t* nodes = tree.path_nodes(targets[b]);
    const uint8_t* codes = tree.path_codes(targets[b]);
    for (int i = 0; i < tree.path_length(targets[b]); ++i) {
      const int32_t n = nodes[i];
      const float z = w2.row(n).dot(f.col(b).transpose()) + b2(n);
      total -= log_sigmoid(codes[i] ? z : -z);
      const float g = (sigmoid(z) - codes[i]) * inv_batch;  // d(-log p(branch)) / dz, over the batch
      const int32_t slot = scratch.row_slot[n];
      grads.w.row(slot).noalias() += g * f.col(b).transpose();
      grads.b(slot) += g;
      df.col(b).noalias() += g * w2.row(n).transpose();
    }
  }
  for (int32_t row : grads.rows) scratch.row_slot[row] = -1;
  return static_cast<float>(total / batch);
}

void hierarchical_log_probabilities(const HuffmanTree& tree, const RowMatrix& w2, const Vector& b2, const Matrix& f,
                                    Matrix& log_p, HierarchicalScratch& scratch) {
  const int inner = tree.words() - 1, batch = static_cast<int>(f.cols()), features = static_cast<int>(f.rows());
  // scores (V-1, B) = W2[0 .. V-2] f + b2: W2's rows are the columns of a (F, V) column-major matrix.
  scratch.scores.resize(inner, batch);
  kernels::gemm(true, false, inner, batch, features, w2.data(), features, f.data(), features, scratch.scores.data(),
                inner);
  scratch.scores.colwise() += b2.head(inner);
  // Down the tree: a node's parent is made after it, so descending ids visit parents first.
  scratch.node_log_p.resize(inner);
  log_p.resize(tree.words(), batch);
  for (int b = 0; b < batch; ++b) {
    // log sigmoid(z) of the column's nodes in one vectorised pass; log sigmoid(-z) = log sigmoid(z) - z.
    const auto z = scratch.scores.col(b).array();
    scratch.log_right = z.min(0.0f) - (-z.abs()).exp().log1p();
    scratch.node_log_p(tree.root()) = 0;
    for (int32_t n = tree.root(); n >= 0; --n) {
      const float right = scratch.node_log_p(n) + scratch.log_right(n), left = right - z(n);
      const int32_t l = tree.child(n, 0), r = tree.child(n, 1);
      if (l >= 0) scratch.node_log_p(l) = left;
      else log_p(-1 - l, b) = left;
      if (r >= 0) scratch.node_log_p(r) = right;
      else log_p(-1 - r, b) = right;
    }
  }
}

SampledSoftmax::SampledSoftmax(const std::vector<int64_t>& counts, int samples) : samples_(samples) {
  if (samples < 1) throw std::invalid_argument("a sampled softmax needs at least 1 sample");
  std::vector<double> weights(counts.size());
  for (size_t w = 0; w < counts.size(); ++w) weights[w] = std::pow(static_cast<double>(std::max<int64_t>(counts[w], 1)), 0.75);
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  log_expected_.resize(counts.size());
  for (size_t w = 0; w < counts.size(); ++w) log_expected_[w] = static_cast<float>(std::log(samples * weights[w] / total));
  noise_ = AliasTable(weights);
  slot_.assign(counts.size(), -1);
}

float SampledSoftmax::forward_backward(const RowMatrix& w2, const Vector& b2, const Matrix& f, const int32_t* targets,
                                       Rng& rng, OutputRowGradients& grads, Matrix& df) {
  const int batch = static_cast<int>(f.cols()), features = static_cast<int>(f.rows());
  // The candidates: every target (so each example's true word is scored), then the draws.
  candidates_.clear();
  slot_targets_.resize(batch);
  auto add = [&](int32_t w) {
    if (slot_[w] < 0) {
      slot_[w] = static_cast<int32_t>(candidates_.size());
      candidates_.push_back(w);
    }
    return slot_[w];
  };
  for (int b = 0; b < batch; ++b) slot_targets_[b] = add(targets[b]);
  for (int s = 0; s < samples_; ++s) add(noise_.sample(rng));
  const int u = static_cast<int>(candidates_.size());

  // logits (U, B) = W_C f + b_C - log(samples q_C); W_C (U, F) row-major is a (F, U) column-major matrix.
  wc_.resize(u, features);
  for (int i = 0; i < u; ++i) wc_.row(i) = w2.row(candidates_[i]);
  logits_.resize(u, batch);
  kernels::gemm(true, false, u, batch, features, wc_.data(), features, f.data(), features, logits_.data(), u);
  offsets_.resize(u);
  for (int i = 0; i < u; ++i) offsets_(i) = b2(candidates_[i]) - log_expected_[candidates_[i]];
  logits_.colwise() += offsets_;
  dlogits_.resize(u, batch);
  const float loss = softmax_cross_entropy(logits_.data(), u, batch, slot_targets_.data(), dlogits_.data());

  grads.rows.assign(candidates_.begin(), candidates_.end());
  grads.w.resize(u, features);  // (U, F) = dlogits f^T, as (F, U) = f dlogits^T
  kernels::gemm(false, true, features, u, batch, f.data(), features, dlogits_.data(), u, grads.w.data(), features);
  grads.b.setZero(u);
  for (int b = 0; b < batch; ++b) grads.b += dlogits_.col(b);
  df.resize(features, batch);  // (F, B) = W_C^T dlogits
  kernels::gemm(false, false, features, batch, u, wc_.data(), features, dlogits_.data(), u, df.data(), features);
  for (int32_t w : candidates_) slot_[w] = -1;
  return loss;
}

}  // namespace embplay
