// The encoder's maths: every parameter's gradient against central differences, for each objective
// (a plain read-out of the outputs, the masked-word head, InfoNCE through each pooling), with and
// without dropout; padding that changes nothing; attention that sums to one.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "contrastive.h"
#include "transformer.h"

namespace embplay {
namespace {

// V = 9 (the four reserved ids and five words), d = 8 in 2 heads, F = 12, 2 layers, up to 6 tokens.
EncoderShape tiny_shape() {
  EncoderShape s;
  s.vocab = 9;
  s.dim = 8;
  s.heads = 2;
  s.layers = 2;
  s.ff = 12;
  s.max_len = 6;
  return s;
}

// Weights away from their initial symmetry (biases, gains and the head's bias matter too).
TransformerEncoder tiny_encoder(uint64_t seed = 3) {
  Rng rng(seed);
  TransformerEncoder m(tiny_shape(), rng);
  for (TensorRef& t : tensors(m.w))
    for (Eigen::Index i = 0; i < t.size(); ++i) t.data[i] += rng.symmetric(t.decay ? 0.2f : 0.5f);
  return m;
}

// Three sequences of different lengths (one padded by 3), a word used twice, word 8 unused.
TokenBatch tiny_batch() { return TokenBatch::of({{4, 5, 6, 4}, {7}, {5, 6}}, 6); }

// The masks come from a generator seeded afresh on every call: the same masks each time, so the
// loss is a smooth function of the weights and central differences apply.
constexpr uint64_t kMaskSeed = 41;

using LossFn = std::function<double(const TransformerEncoder&, EncoderActivations&, EncoderWeights*)>;

// Compares every entry of every tensor's analytic gradient with the five-point central difference
// (8 (L(w + h) - L(w - h)) - (L(w + 2h) - L(w - 2h))) / 12h, whose error is O(h^4): a step large
// enough to rise above float rounding, and still exact enough for a LayerNorm's curvature.
void expect_gradients_match(TransformerEncoder& m, const LossFn& loss, float h = 1e-2f) {
  EncoderActivations act;
  EncoderWeights grads;
  loss(m, act, &grads);
  std::vector<TensorRef> weights = tensors(m.w), analytic = tensors(grads);
  ASSERT_EQ(weights.size(), analytic.size());
  for (size_t k = 0; k < weights.size(); ++k) {
    ASSERT_EQ(weights[k].size(), analytic[k].size()) << weights[k].name;
    for (Eigen::Index i = 0; i < weights[k].size(); ++i) {
      float& w = weights[k].data[i];
      const float saved = w;
      const auto at = [&](float x) {
        w = x;
        return loss(m, act, nullptr);
      };
      const double numeric = (8 * (at(saved + h) - at(saved - h)) - (at(saved + 2 * h) - at(saved - 2 * h))) / (12 * h);
      w = saved;
      EXPECT_NEAR(analytic[k].data[i], numeric, 2e-4 + 5e-3 * std::abs(numeric)) << weights[k].name << "[" << i << "]";
    }
  }
}

// A fixed random read-out of every real token's output: L = sum_b,t<len R[:, col] . y[:, col].
LossFn readout_loss(const TokenBatch& batch, float dropout) {
  Rng rng(17);
  auto r = std::make_shared<Matrix>(tiny_shape().dim, batch.size * batch.length);
  for (Eigen::Index i = 0; i < r->size(); ++i) r->data()[i] = rng.symmetric(1.0f);
  for (int b = 0; b < batch.size; ++b) r->middleCols(b * batch.length + batch.lengths[b], batch.length - batch.lengths[b]).setZero();
  return [batch, dropout, r](const TransformerEncoder& m, EncoderActivations& act, EncoderWeights* grads) {
    Rng masks(kMaskSeed);
    m.forward(batch, act, dropout, &masks);
    const double loss = (r->cast<double>().array() * act.out.view().cast<double>().array()).sum();
    if (grads) {
      act.dout.shape(r->rows(), r->cols()) = *r;
      m.backward(batch, act, *grads);
    }
    return loss;
  };
}

TEST(Transformer, GradientsMatchFiniteDifferences) {
  TransformerEncoder m = tiny_encoder();
  expect_gradients_match(m, readout_loss(tiny_batch(), 0));
}

TEST(Transformer, GradientsMatchFiniteDifferencesWithDropout) {
  TransformerEncoder m = tiny_encoder();
  const TokenBatch batch = tiny_batch();
  EncoderActivations act;
  Rng masks(kMaskSeed);
  m.forward(batch, act, 0.3f, &masks);
  // Every kind of mask really drops something, or the check proves nothing new.
  ASSERT_GT((act.keep_embed.view().array() == 0).count(), 0);
  ASSERT_GT((act.layers[0].keep_attn.view().array() == 0).count(), 0);
  ASSERT_GT((act.layers[1].keep_ff.view().array() == 0).count(), 0);
  ASSERT_GT(std::count(act.layers[0].keep_probs.begin(), act.layers[0].keep_probs.end(), 0.0f), 0);
  expect_gradients_match(m, readout_loss(batch, 0.3f));
}

TEST(Transformer, MaskedWordHeadGradientsMatchFiniteDifferences) {
  // The tied token table gets its gradient from both ends: the head (every row) and the input.
  TransformerEncoder m = tiny_encoder();
  TokenBatch batch = tiny_batch();
  batch.ids[2] = kMaskId;  // sequence 0, token 2 hidden; its target is word 5
  const std::vector<int32_t> positions = {2, 5 + 1, 10 + 2};  // b * T + t, T = 5
  const Ids targets = {5, 7, 6};
  for (float dropout : {0.0f, 0.2f}) {
    expect_gradients_match(m, [&](const TransformerEncoder& model, EncoderActivations& act, EncoderWeights* grads) {
      Rng masks(kMaskSeed);
      model.forward(batch, act, dropout, &masks);
      EncoderWeights scratch;
      const double loss = model.masked_word_loss(positions, targets, act, grads ? *grads : scratch);
      if (grads) model.backward(batch, act, *grads, true);
      return loss;
    });
  }
}

TEST(Transformer, ContrastiveGradientsMatchFiniteDifferencesForEveryPooling) {
  // Sequences 0..2 are anchors and 3..5 their positives (SimCSE: the same sentences, another
  // dropout mask); InfoNCE at a moderate temperature so the softmax is not saturated.
  TokenBatch batch = TokenBatch::of({{4, 5, 6, 4}, {7}, {5, 6}, {4, 5, 6, 4}, {7}, {5, 6}}, 6);
  for (EncoderPooling pooling : kEncoderPoolings) {
    TransformerEncoder m = tiny_encoder(5);
    InfoNce nce;
    expect_gradients_match(m, [&](const TransformerEncoder& model, EncoderActivations& act, EncoderWeights* grads) {
      Rng masks(kMaskSeed);
      model.forward(batch, act, 0.2f, &masks);
      const int d = model.shape().dim, half = batch.size / 2;
      Matrix pooled(d, batch.size), dpooled(d, batch.size);
      std::vector<int32_t> argmax(d * batch.size);
      pool_sequences(act.out.data(), d, batch, pooling, pooled.data(), argmax.data());
      const double loss = nce.forward_backward(pooled.data(), pooled.data() + d * half, d, half, 0.5f, dpooled.data(),
                                              dpooled.data() + d * half);
      if (grads) {
        pool_backward(dpooled.data(), d, batch, pooling, argmax.data(), act.dout.shape(d, act.out.cols()).data());
        model.backward(batch, act, *grads);
      }
      return loss;
    }, pooling == EncoderPooling::kMax ? 2e-3f : 1e-2f);  // a small step stays on one side of each maximum
  }
}

TEST(InfoNce, MatchesItsDefinitionAndFiniteDifferences) {
  Rng rng(8);
  const int d = 5, B = 4;
  Matrix a(d, B), p(d, B);
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = rng.symmetric(1), p.data()[i] = rng.symmetric(1);
  const float tau = 0.3f;
  InfoNce nce;
  Matrix da(d, B), dp(d, B), scratch_a(d, B), scratch_p(d, B);
  const float loss = nce.forward_backward(a.data(), p.data(), d, B, tau, da.data(), dp.data());
  // The definition, in double: both directions of cross-entropy over cos / tau.
  double expected = 0;
  for (int i = 0; i < B; ++i) {
    double row = 0, col = 0;
    auto cos = [&](int x, int y) { return double(a.col(x).dot(p.col(y))) / (a.col(x).norm() * p.col(y).norm()) / tau; };
    for (int j = 0; j < B; ++j) row += std::exp(cos(i, j)), col += std::exp(cos(j, i));
    expected += 0.5 * (std::log(row) - cos(i, i)) + 0.5 * (std::log(col) - cos(i, i));
  }
  EXPECT_NEAR(loss, expected / B, 1e-5);
  const float h = 1e-3f;
  for (Matrix* side : {&a, &p}) {
    const Matrix& analytic = side == &a ? da : dp;
    for (Eigen::Index i = 0; i < side->size(); ++i) {
      const float saved = side->data()[i];
      side->data()[i] = saved + h;
      const double up = nce.forward_backward(a.data(), p.data(), d, B, tau, scratch_a.data(), scratch_p.data());
      side->data()[i] = saved - h;
      const double down = nce.forward_backward(a.data(), p.data(), d, B, tau, scratch_a.data(), scratch_p.data());
      side->data()[i] = saved;
      EXPECT_NEAR(analytic.data()[i], (up - down) / (2 * h), 1e-3) << i;
    }
  }
}

TEST(Transformer, PaddingChangesNothing) {
  // Sequence 1 alone, and beside a longer one (so padded by 3), with different ids in its padding:
  // the same outputs at its real tokens, the same gradients of every weight.
  const TransformerEncoder m = tiny_encoder();
  const TokenBatch alone = TokenBatch::of({{7, 5}}, 6);
  TokenBatch padded = TokenBatch::of({{4, 5, 6, 4, 8}, {7, 5}}, 6);
  EncoderActivations a, b;
  m.forward(alone, a);
  m.forward(padded, b);
  const int d = m.shape().dim, T = padded.length;
  ASSERT_EQ(T, 6);
  EXPECT_TRUE(b.out.view().middleCols(T, 3).isApprox(a.out.view(), 1e-5f));
  // Attention of the padded sequence: the same weights over its 3 tokens, each query's summing to 1.
  const std::vector<float> wa = m.attention(alone, a, 0), wb = m.attention(padded, b, 1);
  ASSERT_EQ(wa.size(), wb.size());
  for (size_t i = 0; i < wa.size(); ++i) EXPECT_NEAR(wa[i], wb[i], 1e-6) << i;
  for (size_t q = 0; q < wa.size() / 3; ++q) EXPECT_NEAR(wa[3 * q] + wa[3 * q + 1] + wa[3 * q + 2], 1.0f, 1e-6);

  // Different padding ids, and a loss on sequence 1 only: gradients equal to the lone sequence's.
  TokenBatch repadded = padded;
  for (int t = 3; t < T; ++t) repadded.ids[T + t] = 8;
  Rng rng(2);
  Matrix r(d, 3);
  for (Eigen::Index i = 0; i < r.size(); ++i) r.data()[i] = rng.symmetric(1);
  EncoderWeights g_alone, g_padded, g_repadded;
  m.forward(alone, a);
  a.dout.shape(d, 3) = r;
  m.backward(alone, a, g_alone);
  for (auto* pair : {&padded, &repadded}) {
    m.forward(*pair, b);
    auto dout = b.dout.shape(d, 2 * T);
    dout.setZero();
    dout.middleCols(T, 3) = r;
    EncoderWeights& g = pair == &padded ? g_padded : g_repadded;
    m.backward(*pair, b, g);
    EXPECT_TRUE(b.out.view().middleCols(T, 3).isApprox(a.out.view(), 1e-5f));
  }
  std::vector<TensorRef> ta = tensors(g_alone), tp = tensors(g_padded), tr = tensors(g_repadded);
  for (size_t k = 0; k < ta.size(); ++k)
    for (Eigen::Index i = 0; i < ta[k].size(); ++i) {
      EXPECT_NEAR(tp[k].data[i], ta[k].data[i], 1e-5 + 1e-4 * std::abs(ta[k].data[i])) << ta[k].name << "[" << i << "]";
      EXPECT_EQ(tp[k].data[i], tr[k].data[i]) << ta[k].name << "[" << i << "]";  // the padding's ids never matter
    }
}

TEST(Transformer, DropoutKeepsTheExpectedScaleAndEvaluationIsPlain) {
  Rng rng(4);
  EncoderShape s = tiny_shape();
  s.dim = 32, s.heads = 4, s.ff = 64, s.max_len = 20;
  const TransformerEncoder m(s, rng);
  std::vector<Ids> seqs;
  for (int b = 0; b < 40; ++b) {
    Ids ids(5 + b % 14);
    for (auto& id : ids) id = kFirstWordId + static_cast<int32_t>(rng.below(5));
    seqs.push_back(ids);
  }
  const TokenBatch batch = TokenBatch::of(seqs, 20);
  EncoderActivations plain, dropped, again;
  m.forward(batch, plain);
  EXPECT_TRUE(plain.keep_embed.empty());
  Rng masks(1);
  m.forward(batch, dropped, 0.25f, &masks);
  const auto keep = dropped.layers[1].keep_ff.view();
  EXPECT_NEAR(double((keep.array() == 0).count()) / keep.size(), 0.25, 0.01);
  EXPECT_NEAR(keep.mean(), 1.0, 0.02);
  EXPECT_FALSE(dropped.out.view().isApprox(plain.out.view(), 1e-3f));
  m.forward(batch, again);
  EXPECT_TRUE(again.out.view().isApprox(plain.out.view()));
}

TEST(Transformer, TensorsListEveryWeightOnceWithTheirShapes) {
  TransformerEncoder m = tiny_encoder();
  const EncoderShape s = m.shape();
  Eigen::Index total = 0;
  for (const TensorRef& t : tensors(m.w)) total += t.size();
  const Eigen::Index d = s.dim, per_layer = 4 * d + 3 * d * d + 3 * d + d * d + d + d * s.ff + s.ff + s.ff * d + d;
  EXPECT_EQ(total, s.vocab * d + s.max_len * d + s.layers * per_layer + 2 * d + s.vocab);
  EXPECT_EQ(tensors(m.w).front().name, "token");
  EXPECT_EQ(tensors(m.w)[3].name, "layer0.ln1_bias");
}

TEST(TokenBatch, PutsClsFirstCutsAndPads) {
  const TokenBatch b = TokenBatch::of({{4, 5, 6, 7, 8, 4, 5}, {6}}, 5);
  EXPECT_EQ(b.length, 5);
  EXPECT_EQ(b.lengths, (std::vector<int32_t>{5, 2}));
  EXPECT_EQ(b.ids, (Ids{kClsId, 4, 5, 6, 7, kClsId, 6, kPadId, kPadId, kPadId}));
  EXPECT_EQ(b.tokens(), 7);
}

}  // namespace
}  // namespace embplay
