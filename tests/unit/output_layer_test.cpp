// The hierarchical and the sampled softmax: the Huffman tree is a full binary code, the exact
// probabilities sum to 1 and match a brute-force product of path sigmoids, and every gradient
// matches central finite differences of the loss.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <set>

#include "output_layer.h"

namespace embplay {
namespace {

std::vector<int64_t> zipf_counts(int v) {
  std::vector<int64_t> counts(v);
  for (int w = 0; w < v; ++w) counts[w] = 1000 / (w + 1);  // includes zeros at the tail
  return counts;
}

struct Output {
  RowMatrix w2;  // (V, F)
  Vector b2;     // (V)
  Matrix f;      // (F, B)
  Output(int v, int features, int batch, uint64_t seed) : w2(v, features), b2(v), f(features, batch) {
    Rng rng(seed);
    for (Eigen::Index i = 0; i < w2.size(); ++i) w2.data()[i] = rng.symmetric(0.8f);
    for (Eigen::Index i = 0; i < b2.size(); ++i) b2(i) = rng.symmetric(0.5f);
    for (Eigen::Index i = 0; i < f.size(); ++i) f.data()[i] = rng.symmetric(1.0f);
  }
};

// Checks each analytic gradient entry against (L(x + e) - L(x - e)) / 2e, perturbing x in place.
void expect_gradient(float* x, Eigen::Index n, const std::function<float(Eigen::Index)>& analytic,
                     const std::function<double()>& loss, const char* what) {
  const float eps = 1e-2f;
  for (Eigen::Index i = 0; i < n; ++i) {
    const float keep = x[i];
    x[i] = keep + eps;
    const double up = loss();
    x[i] = keep - eps;
    const double down = loss();
    x[i] = keep;
    const double numeric = (up - down) / (2 * eps);
    EXPECT_NEAR(analytic(i), numeric, 2e-3 + 2e-2 * std::abs(numeric)) << what << " entry " << i;
  }
}

// Checks an output layer's sparse gradients (rows of W2 and b2 it touched) and its dense gradient
// of the features against finite differences of `loss`; untouched rows must have gradient 0.
void expect_output_gradients(Output& o, const OutputRowGradients& grads, const Matrix& df,
                             const std::function<double()>& loss) {
  RowMatrix dense_w = RowMatrix::Zero(o.w2.rows(), o.w2.cols());
  Vector dense_b = Vector::Zero(o.b2.size());
  for (size_t i = 0; i < grads.rows.size(); ++i) {
    dense_w.row(grads.rows[i]) = grads.w.row(i);
    dense_b(grads.rows[i]) = grads.b(i);
  }
  expect_gradient(o.w2.data(), o.w2.size(), [&](Eigen::Index i) { return dense_w.data()[i]; }, loss, "w2");
  expect_gradient(o.b2.data(), o.b2.size(), [&](Eigen::Index i) { return dense_b(i); }, loss, "b2");
  expect_gradient(o.f.data(), o.f.size(), [&](Eigen::Index i) { return df.data()[i]; }, loss, "f");
}

TEST(HuffmanTree, IsAFullBinaryCodeWithShortPathsForFrequentWords) {
  const std::vector<int64_t> counts = zipf_counts(300);
  const HuffmanTree tree(counts);
  ASSERT_EQ(tree.words(), 300);
  double kraft = 0;
  for (int32_t w = 0; w < tree.words(); ++w) {
    ASSERT_GE(tree.path_length(w), 1);
    EXPECT_EQ(tree.path_nodes(w)[0], tree.root());
    kraft += std::ldexp(1.0, -tree.path_length(w));
    // Following the codes from the root reaches the word.
    int32_t node = tree.root();
    for (int i = 0; i < tree.path_length(w); ++i) {
      EXPECT_EQ(node, tree.path_nodes(w)[i]);
      node = tree.child(node, tree.path_codes(w)[i]);
    }
    EXPECT_EQ(node, -1 - w);
  }
  EXPECT_DOUBLE_EQ(kraft, 1.0);  // every leaf of a full binary tree, each once
  EXPECT_LE(tree.path_length(0), tree.path_length(299));
  // The expected path length under the counts (the code's mean length) beats a balanced tree's.
  double weighted = 0, total = 0;
  for (int32_t w = 0; w < tree.words(); ++w) weighted += double(counts[w]) * tree.path_length(w), total += counts[w];
  EXPECT_LT(weighted / total, std::log2(300.0) - 1);
  EXPECT_THROW(HuffmanTree(std::vector<int64_t>{5}), std::invalid_argument);
  EXPECT_EQ(HuffmanTree(std::vector<int64_t>{0, 0}).path_length(1), 1);
}

TEST(HierarchicalSoftmax, ExactProbabilitiesSumToOneAndMatchThePathProducts) {
  const int v = 57, features = 6, batch = 5;
  const HuffmanTree tree(zipf_counts(v));
  const Output o(v, features, batch, 3);
  HierarchicalScratch scratch;
  Matrix log_p;
  hierarchical_log_probabilities(tree, o.w2, o.b2, o.f, log_p, scratch);
  ASSERT_EQ(log_p.rows(), v);
  for (int b = 0; b < batch; ++b) {
    double sum = 0;
    for (int32_t w = 0; w < v; ++w) {
      double p = 1;  // brute force, in double: the product of the path's decisions
      for (int i = 0; i < tree.path_length(w); ++i) {
        const int32_t n = tree.path_nodes(w)[i];
        const double z = double(o.w2.row(n).dot(o.f.col(b).transpose())) + o.b2(n);
        p *= 1 / (1 + std::exp(tree.path_codes(w)[i] ? -z : z));
      }
      EXPECT_NEAR(log_p(w, b), std::log(p), 1e-4) << "word " << w;
      sum += std::exp(double(log_p(w, b)));
    }
    EXPECT_NEAR(sum, 1.0, 1e-5);
  }
  // The training loss is the exact negative log-likelihood of the targets.
  const Ids targets = {0, 3, 56, 17, 3};
  OutputRowGradients grads;
  Matrix df;
  const float loss = hierarchical_forward_backward(tree, o.w2, o.b2, o.f, targets.data(), grads, df, scratch);
  double nll = 0;
  for (int b = 0; b < batch; ++b) nll -= log_p(targets[b], b);
  EXPECT_NEAR(loss, nll / batch, 1e-5);
}

TEST(HierarchicalSoftmax, GradientsMatchFiniteDifferences) {
  const int v = 23, features = 4, batch = 3;
  const HuffmanTree tree(zipf_counts(v));
  Output o(v, features, batch, 5);
  const Ids targets = {2, 22, 2};
  HierarchicalScratch scratch;
  OutputRowGradients grads;
  Matrix df;
  hierarchical_forward_backward(tree, o.w2, o.b2, o.f, targets.data(), grads, df, scratch);
  // The touched rows are exactly the targets' path nodes.
  std::set<int32_t> path;
  for (int32_t t : targets)
    for (int i = 0; i < tree.path_length(t); ++i) path.insert(tree.path_nodes(t)[i]);
  EXPECT_EQ(std::set<int32_t>(grads.rows.begin(), grads.rows.end()), path);
  EXPECT_EQ(grads.rows.size(), path.size());

  auto loss = [&]() {
    OutputRowGradients g;
    Matrix d;
    HierarchicalScratch s;
    return double(hierarchical_forward_backward(tree, o.w2, o.b2, o.f, targets.data(), g, d, s));
  };
  expect_output_gradients(o, grads, df, loss);
}

TEST(SampledSoftmax, GradientsMatchFiniteDifferences) {
  const int v = 40, features = 4, batch = 3;
  Output o(v, features, batch, 9);
  SampledSoftmax sampled(zipf_counts(v), 6);
  const Ids targets = {5, 31, 5};
  const Rng start(11);
  Rng rng = start;
  OutputRowGradients grads;
  Matrix df;
  sampled.forward_backward(o.w2, o.b2, o.f, targets.data(), rng, grads, df);
  auto loss = [&]() {  // the same draws every time: the loss is then a smooth function of the weights
    Rng same = start;
    OutputRowGradients g;
    Matrix d;
    return double(sampled.forward_backward(o.w2, o.b2, o.f, targets.data(), same, g, d));
  };
  expect_output_gradients(o, grads, df, loss);
}

TEST(SampledSoftmax, CandidatesHoldEveryTargetAndTheLogQCorrection) {
  const int v = 1000;
  const std::vector<int64_t> counts = zipf_counts(v);
  Output o(v, 8, 4, 2);
  SampledSoftmax sampled(counts, 50);
  const Ids targets = {999, 0, 500, 0};
  Rng rng(4);
  OutputRowGradients grads;
  Matrix df;
  const float loss = sampled.forward_backward(o.w2, o.b2, o.f, targets.data(), rng, grads, df);
  const Ids& c = sampled.candidates();
  EXPECT_EQ(std::set<int32_t>(c.begin(), c.end()).size(), c.size());  // distinct
  EXPECT_LE(c.size(), 3u + 50u);
  for (int32_t t : targets) EXPECT_NE(std::find(c.begin(), c.end(), t), c.end()) << t;
  EXPECT_EQ(grads.rows, c);
  // log(samples q_w), q_w ∝ max(count, 1)^0.75.
  double total = 0;
  for (int64_t n : counts) total += std::pow(double(std::max<int64_t>(n, 1)), 0.75);
  EXPECT_NEAR(sampled.log_expected(0), std::log(50 * std::pow(1000.0, 0.75) / total), 1e-5);
  EXPECT_NEAR(sampled.log_expected(999), std::log(50 / total), 1e-5);
  // The loss is the cross-entropy over the candidates' corrected logits, checked by brute force.
  double nll = 0;
  for (int b = 0; b < 4; ++b) {
    double sum = 0, target = 0;
    for (int32_t w : c) {
      const double z = double(o.w2.row(w).dot(o.f.col(b).transpose())) + o.b2(w) - sampled.log_expected(w);
      sum += std::exp(z);
      if (w == targets[b]) target = z;
    }
    nll += std::log(sum) - target;
  }
  EXPECT_NEAR(loss, nll / 4, 1e-4);
}

}  // namespace
}  // namespace embplay
