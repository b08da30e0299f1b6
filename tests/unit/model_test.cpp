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

// With dropout, the masks come from a generator seeded afresh for every call: the same masks each
// time, so the loss is a smooth function of the weights and central differences apply.
constexpr uint64_t kMaskSeed = 99;

float batch_loss(const NextWordModel& m, const Batch& b, Activations& act, const Loss& loss, float dropout) {
  Rng masks(kMaskSeed);
  m.forward(b.contexts.data(), static_cast<int>(b.targets.size()), act, dropout, &masks);
  Matrix dlogits;
  return loss.forward_backward(act.logits, b.targets.data(), dlogits);
}

// Compares every analytic gradient entry of `param` with (L(p + h) - L(p - h)) / 2h.
void expect_matches_finite_differences(NextWordModel& m, const Batch& b, const Loss& loss, float dropout, float* param,
                                       Eigen::Index size, const std::function<float(Eigen::Index)>& analytic,
                                       const char* name) {
  Activations act;
  const float h = 1e-2f;
  for (Eigen::Index i = 0; i < size; ++i) {
    const float saved = param[i];
    param[i] = saved + h;
    const double up = batch_loss(m, b, act, loss, dropout);
    param[i] = saved - h;
    const double down = batch_loss(m, b, act, loss, dropout);
    param[i] = saved;
    const double numeric = (up - down) / (2 * h);
    EXPECT_NEAR(analytic(i), numeric, 2e-4 + 1e-2 * std::abs(numeric)) << name << "[" << i << "]";
  }
}

void check_all_gradients(int hidden, bool direct, const Loss& loss, float dropout = 0) {
  Rng rng(7);
  const ModelShape shape{6, 2, 3, hidden, direct};
  NextWordModel m(shape, rng);
  for (Eigen::Index i = 0; i < m.b2.size(); ++i) m.b2(i) = rng.symmetric(0.5f);  // make biases matter
  for (Eigen::Index i = 0; i < m.b1.size(); ++i) m.b1(i) = rng.symmetric(0.5f);
  const Batch b = small_batch();
  const int batch = static_cast<int>(b.targets.size());

  Activations act;
  Gradients g;
  Rng masks(kMaskSeed);
  m.forward(b.contexts.data(), batch, act, dropout, &masks);
  loss.forward_backward(act.logits, b.targets.data(), act.dlogits);
  m.backward(b.contexts.data(), batch, act, g);
  if (dropout > 0) {  // the masks really drop something, or the check below proves nothing new
    ASSERT_GT((act.keep_x.array() == 0).count(), 0);
    if (hidden > 0) ASSERT_GT((act.keep_a.array() == 0).count(), 0);
  }

  // The dense gradient of the embedding table, rebuilt from its sparse rows.
  RowMatrix dembed = RowMatrix::Zero(shape.vocab, shape.dim);
  for (size_t r = 0; r < g.rows.size(); ++r) dembed.row(g.rows[r]) = g.embed.row(static_cast<Eigen::Index>(r));

  expect_matches_finite_differences(m, b, loss, dropout, m.embed.data(), m.embed.size(), [&](Eigen::Index i) { return dembed.data()[i]; }, "embed");
  expect_matches_finite_differences(m, b, loss, dropout, m.w2.data(), m.w2.size(), [&](Eigen::Index i) { return g.w2.data()[i]; }, "w2");
  expect_matches_finite_differences(m, b, loss, dropout, m.b2.data(), m.b2.size(), [&](Eigen::Index i) { return g.b2.data()[i]; }, "b2");
  if (hidden > 0) {
    expect_matches_finite_differences(m, b, loss, dropout, m.w1.data(), m.w1.size(), [&](Eigen::Index i) { return g.w1.data()[i]; }, "w1");
    expect_matches_finite_differences(m, b, loss, dropout, m.b1.data(), m.b1.size(), [&](Eigen::Index i) { return g.b1.data()[i]; }, "b1");
  }
  ASSERT_EQ(m.w3.size(), direct ? shape.vocab * shape.input() : 0);
  if (direct)
    expect_matches_finite_differences(m, b, loss, dropout, m.w3.data(), m.w3.size(), [&](Eigen::Index i) { return g.w3.data()[i]; }, "w3");
}

TEST(Model, GradientsMatchFiniteDifferencesWithHiddenLayer) { check_all_gradients(4, false, SoftmaxCrossEntropy()); }
TEST(Model, GradientsMatchFiniteDifferencesWithoutHiddenLayer) { check_all_gradients(0, false, SoftmaxCrossEntropy()); }
TEST(Model, GradientsMatchFiniteDifferencesWithDirectConnections) {
  check_all_gradients(4, true, SoftmaxCrossEntropy());
  check_all_gradients(0, true, SoftmaxCrossEntropy());
}
TEST(Model, GradientsMatchFiniteDifferencesWithDropout) {
  check_all_gradients(4, false, SoftmaxCrossEntropy(), 0.4f);
  check_all_gradients(4, true, SoftmaxCrossEntropy(), 0.4f);
  check_all_gradients(0, false, SoftmaxCrossEntropy(), 0.4f);
}

TEST(Model, DropoutKeepsTheExpectedValueAndEvaluationIsUnchanged) {
  Rng rng(5);
  const ModelShape shape{50, 4, 16, 32, false};
  NextWordModel m(shape, rng);
  Ids contexts(400 * 4);
  for (auto& id : contexts) id = static_cast<int32_t>(rng.below(50));
  Activations plain, dropped;
  m.forward(contexts.data(), 400, plain);
  EXPECT_EQ(plain.keep_x.size(), 0);  // no generator: the plain forward pass
  Rng masks(1);
  m.forward(contexts.data(), 400, dropped, 0.3f, &masks);
  const double zero_x = double((dropped.keep_x.array() == 0).count()) / dropped.keep_x.size();
  const double zero_a = double((dropped.keep_a.array() == 0).count()) / dropped.keep_a.size();
  EXPECT_NEAR(zero_x, 0.3, 0.01);
  EXPECT_NEAR(zero_a, 0.3, 0.01);
  // Kept values are scaled by 1 / (1 - rate): the masked inputs' mean matches the plain inputs'.
  EXPECT_NEAR(dropped.keep_x.mean(), 1.0, 0.01);
  EXPECT_NEAR(dropped.x.array().abs().mean(), plain.x.array().abs().mean(), 0.02 * plain.x.array().abs().mean());
  // The hidden layer sees the dropped inputs; a plain pass afterwards is the same as before.
  Activations again;
  m.forward(contexts.data(), 400, again);
  EXPECT_TRUE(again.logits.isApprox(plain.logits));
}

TEST(Model, MseGradientsMatchFiniteDifferences) {
  check_all_gradients(4, false, SoftmaxMse());
  check_all_gradients(4, true, SoftmaxMse());
}

TEST(Loss, MseMatchesItsDefinitionAndItsGradientThroughTheSoftmax) {
  Matrix logits(4, 2);
  logits << 0.5, -1, 2, 0.3, -0.7, 0.1, 1.5, 2.5;
  const int32_t targets[] = {1, 3};
  Matrix d;
  const SoftmaxMse mse;
  const float loss = mse.forward_backward(logits, targets, d);
  Matrix p = logits;
  softmax_columns(p);
  double expected = 0;
  for (int b = 0; b < 2; ++b)
    for (int j = 0; j < 4; ++j) expected += std::pow(p(j, b) - (j == targets[b] ? 1.0 : 0.0), 2);
  EXPECT_NEAR(loss, expected / 2, 1e-6);
  const float h = 1e-3f;
  for (Eigen::Index i = 0; i < logits.size(); ++i) {
    Matrix up = logits, down = logits, scratch;
    up.data()[i] += h;
    down.data()[i] -= h;
    const double numeric = (mse.forward_backward(up, targets, scratch) - mse.forward_backward(down, targets, scratch)) / (2 * h);
    EXPECT_NEAR(d.data()[i], numeric, 1e-3) << i;
  }
  // A confidently wrong prediction: cross-entropy's gradient on the target's logit stays near -1/B,
  // MSE's vanishes with p(target).
  Matrix wrong(3, 1);
  wrong << 10, 0, 0;
  const int32_t t[] = {1};
  Matrix dce, dmse;
  SoftmaxCrossEntropy().forward_backward(wrong, t, dce);
  mse.forward_backward(wrong, t, dmse);
  EXPECT_NEAR(dce(1, 0), -1, 1e-3);
  EXPECT_GT(dmse(1, 0), -1e-3);
}

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
  EXPECT_EQ(sums.top5, 2);  // with 3 words every target is in the top 5
  Matrix many(7, 1);
  many << 7, 6, 5, 4, 3, 2, 1;
  const int32_t fifth[] = {4}, sixth[] = {5};
  EXPECT_EQ(cross_entropy_sums(many, fifth).top5, 1);
  EXPECT_EQ(cross_entropy_sums(many, sixth).top5, 0);
}

}  // namespace
}  // namespace embplay
