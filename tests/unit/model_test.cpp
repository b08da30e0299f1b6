// The model's maths: every gradient against central differences, and the loss against softmax.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "loss.h"
#include "model.h"

namespace embplay {
namespace {

struct Batch {
  Ids contexts;  // (B, k)
  Ids targets;   // (B)
};

// A small batch that reuses a row inside a context and across examples, and leaves rows unused.
Batch small_batch() { return {{2, 3, 0, 2, 4, 4}, {5, 1, 3}}; }

float batch_loss(const NextWordModel& m, const Batch& b, Activations& act) {
  m.forward(b.contexts.data(), static_cast<int>(b.targets.size()), act);
  SoftmaxCrossEntropy loss;
  Matrix dlogits;
  return loss.forward_backward(act.logits, b.targets.data(), dlogits);
}

// Compares every analytic gradient entry of `param` with (L(p + h) - L(p - h)) / 2h.
void expect_matches_finite_differences(NextWordModel& m, const Batch& b, float* param, Eigen::Index size,
                                       const std::function<float(Eigen::Index)>& analytic, const char* name) {
  Activations act;
  const float h = 1e-2f;
  for (Eigen::Index i = 0; i < size; ++i) {
    const float saved = param[i];
    param[i] = saved + h;
    const double up = batch_loss(m, b, act);
    param[i] = saved - h;
    const double down = batch_loss(m, b, act);
    param[i] = saved;
    const double numeric = (up - down) / (2 * h);
    EXPECT_NEAR(analytic(i), numeric, 2e-4 + 1e-2 * std::abs(numeric)) << name << "[" << i << "]";
  }
}

void check_all_gradients(int hidden) {
  Rng rng(7);
  const ModelShape shape{6, 2, 3, hidden};
  NextWordModel m(shape, rng);
  for (Eigen::Index i = 0; i < m.b2.size(); ++i) m.b2(i) = rng.symmetric(0.5f);  // make biases matter
  for (Eigen::Index i = 0; i < m.b1.size(); ++i) m.b1(i) = rng.symmetric(0.5f);
  const Batch b = small_batch();
  const int batch = static_cast<int>(b.targets.size());

  Activations act;
  Gradients g;
  m.forward(b.contexts.data(), batch, act);
  SoftmaxCrossEntropy().forward_backward(act.logits, b.targets.data(), act.dlogits);
  m.backward(b.contexts.data(), batch, act, g);

  // The dense gradient of the embedding table, rebuilt from its sparse rows.
  RowMatrix dembed = RowMatrix::Zero(shape.vocab, shape.dim);
  for (size_t r = 0; r < g.rows.size(); ++r) dembed.row(g.rows[r]) = g.embed.row(static_cast<Eigen::Index>(r));

  expect_matches_finite_differences(m, b, m.embed.data(), m.embed.size(), [&](Eigen::Index i) { return dembed.data()[i]; }, "embed");
  expect_matches_finite_differences(m, b, m.w2.data(), m.w2.size(), [&](Eigen::Index i) { return g.w2.data()[i]; }, "w2");
  expect_matches_finite_differences(m, b, m.b2.data(), m.b2.size(), [&](Eigen::Index i) { return g.b2.data()[i]; }, "b2");
  if (hidden > 0) {
    expect_matches_finite_differences(m, b, m.w1.data(), m.w1.size(), [&](Eigen::Index i) { return g.w1.data()[i]; }, "w1");
    expect_matches_finite_differences(m, b, m.b1.data(), m.b1.size(), [&](Eigen::Index i) { return g.b1.data()[i]; }, "b1");
  }
}

TEST(Model, GradientsMatchFiniteDifferencesWithHiddenLayer) { check_all_gradients(4); }
TEST(Model, GradientsMatchFiniteDifferencesWithoutHiddenLayer) { check_all_gradients(0); }

TEST(Model, SparseGradientListsExactlyTheUsedRows) {
  Rng rng(3);
  NextWordModel m({6, 2, 3, 4}, rng);
  const Batch b = small_batch();
  Activations act;
  Gradients g;
  m.forward(b.contexts.data(), 3, act);
  SoftmaxCrossEntropy().forward_backward(act.logits, b.targets.data(), act.dlogits);
  m.backward(b.contexts.data(), 3, act, g);
  EXPECT_EQ(g.rows, (Ids{0, 2, 3, 4}));
  EXPECT_EQ(g.embed.rows(), 4);
}

TEST(Loss, MatchesSoftmaxDefinitionAndStaysFiniteForHugeLogits) {
  Matrix logits(3, 2);
  logits << 1, 1000, 2, 1001, 3, 999;
  const int32_t targets[] = {2, 0};
  Matrix d;
  const float loss = SoftmaxCrossEntropy().forward_backward(logits, targets, d);
  const double l0 = -std::log(std::exp(3.0) / (std::exp(1.0) + std::exp(2.0) + std::exp(3.0)));
  const double l1 = -std::log(std::exp(-1.0) / (std::exp(-1.0) + 1 + std::exp(-2.0)));
  EXPECT_NEAR(loss, (l0 + l1) / 2, 1e-5);
  EXPECT_TRUE(d.allFinite());
  // Each column of the gradient is (softmax - onehot) / B and so sums to zero.
  EXPECT_NEAR(d.col(0).sum(), 0, 1e-6);
  EXPECT_NEAR(d.col(1).sum(), 0, 1e-6);
  const CrossEntropySums sums = cross_entropy_sums(logits, targets);
  EXPECT_NEAR(sums.loss, l0 + l1, 1e-4);
  EXPECT_EQ(sums.top1, 1);  // column 0's argmax is 2 (right), column 1's is 1 (wrong)
}

}  // namespace
}  // namespace embplay
