// Forward and backward passes of the Transformer encoder (see transformer.h for the maths). Every
// matrix product goes through kernels::gemm, so the WebAssembly build runs our SIMD kernels.
#include "transformer.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "input_error.h"
#include "kernels.h"
#include "loss.h"

namespace embplay {
namespace {

constexpr float kLayerNormEps = 1e-5f;
constexpr float kGeluC = 0.7978845608028654f;  // sqrt(2 / pi)
constexpr float kGeluA = 0.044715f;

using ConstMap = Eigen::Map<const Matrix>;
using Map = Eigen::Map<Matrix>;

// y = gain * xhat + bias per column, xhat = (x - mean) * rstd; x, xhat, y (d, n).
void layer_norm(const float* x, int d, int n, const Vector& gain, const Vector& bias, float* xhat, float* rstd,
                float* y) {
  for (int c = 0; c < n; ++c) {
    const Eigen::Map<const Vector> xc(x + static_cast<std::ptrdiff_t>(c) * d, d);
    Eigen::Map<Vector> hc(xhat + static_cast<std::ptrdiff_t>(c) * d, d), yc(y + static_cast<std::ptrdiff_t>(c) * d, d);
    const float mean = xc.mean();
    hc = xc.array() - mean;
    const float r = 1.0f / std::sqrt(hc.squaredNorm() / static_cast<float>(d) + kLayerNormEps);
    rstd[c] = r;
    hc *= r;
    yc = gain.cwiseProduct(hc) + bias;
  }
}

// Adds dL/dx to dx (d, n) given dy: with g = dy * gain,
//   dx = rstd * (g - mean(g) - xhat * mean(g * xhat));  dgain = sum dy * xhat;  dbias = sum dy.
void layer_norm_backward(const float* dy, const float* xhat, const float* rstd, int d, int n, const Vector& gain,
                         Vector& dgain, Vector& dbias, float* dx) {
  dgain.setZero();
  dbias.setZero();
  for (int c = 0; c < n; ++c) {
    const Eigen::Map<const Vector> dyc(dy + static_cast<std::ptrdiff_t>(c) * d, d);
    const Eigen::Map<const Vector> hc(xhat + static_cast<std::ptrdiff_t>(c) * d, d);
    Eigen::Map<Vector> dxc(dx + static_cast<std::ptrdiff_t>(c) * d, d);
    dgain += dyc.cwiseProduct(hc);
    dbias += dyc;
    const auto g = dyc.cwiseProduct(gain);  // an expression: nothing is allocated
    const float mean_g = g.sum() / static_cast<float>(d), mean_gh = g.dot(hc) / static_cast<float>(d);
    dxc.array() += rstd[c] * (g.array() - mean_g - hc.array() * mean_gh);
  }
}

// keep (n) <- 0 with probability rate, else 1 / (1 - rate); x *= keep.
void apply_dropout(float* x, float* keep, int64_t n, float rate, Rng& rng) {
  const float scale = 1.0f / (1.0f - rate);
  for (int64_t i = 0; i < n; ++i) {
    keep[i] = rng.uniform() < rate ? 0.0f : scale;
    x[i] *= keep[i];
  }
}

// m (rows, n) += bias on every column.
void add_bias(float* m, int rows, int n, const Vector& bias) {
  for (int c = 0; c < n; ++c) Eigen::Map<Vector>(m + static_cast<std::ptrdiff_t>(c) * rows, rows) += bias;
}

// out = the sum of the columns of m (rows, n): whole columns at a time, contiguous.
void sum_columns(const float* m, int rows, int n, Vector& out) {
  out.setZero(rows);
  for (int c = 0; c < n; ++c) out += Eigen::Map<const Vector>(m + static_cast<std::ptrdiff_t>(c) * rows, rows);
}

// g = gelu(u), keeping t = tanh(sqrt(2/pi) (u + a u^3)) for the backward pass. tanh(z) is
// 1 - 2 / (1 + e^{2z}) with the exp of our kernels, so WebAssembly vectorises it too.
void gelu(const float* u, float* t, float* g, int64_t n) {
  for (int64_t i = 0; i < n; ++i) t[i] = 2.0f * kGeluC * (u[i] + kGeluA * u[i] * u[i] * u[i]);
  kernels::exp_shifted(t, 0.0f, t, static_cast<int>(n));
  for (int64_t i = 0; i < n; ++i) {
    t[i] = 1.0f - 2.0f / (1.0f + t[i]);
    g[i] = 0.5f * u[i] * (1.0f + t[i]);
  }
}

// du *= gelu'(u) = (1 + t) / 2 + u (1 - t^2) sqrt(2/pi) (1 + 3 a u^2) / 2.
void gelu_backward(const float* u, const float* t, float* du, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float x = u[i], th = t[i];
    du[i] *= 0.5f * (1.0f + th) + 0.5f * x * (1.0f - th * th) * kGeluC * (1.0f + 3.0f * kGeluA * x * x);
  }
}

float glorot(int fan_in, int fan_out) { return std::sqrt(6.0f / static_cast<float>(fan_in + fan_out)); }

template <typename M>
void fill_uniform(M& m, float a, Rng& rng) {
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.symmetric(a);
}

bool same_shape(const EncoderWeights& g, const EncoderShape& s) {
  return g.layers.size() == static_cast<size_t>(s.layers) && g.token.rows() == s.vocab && g.token.cols() == s.dim &&
         g.position.rows() == s.max_len && (s.layers == 0 || g.layers[0].w1.rows() == s.ff);
}

}  // namespace

// ---- weights ----

EncoderWeights EncoderWeights::zeros(const EncoderShape& s) {
  const int d = s.dim;
  EncoderWeights w;
  w.token = RowMatrix::Zero(s.vocab, d);
  w.position = RowMatrix::Zero(s.max_len, d);
  w.layers.resize(s.layers);
  for (EncoderLayer& l : w.layers) {
    l.ln1_gain = Vector::Zero(d), l.ln1_bias = Vector::Zero(d);
    l.wqkv = Matrix::Zero(3 * d, d), l.bqkv = Vector::Zero(3 * d);
    l.wo = Matrix::Zero(d, d), l.bo = Vector::Zero(d);
    l.ln2_gain = Vector::Zero(d), l.ln2_bias = Vector::Zero(d);
    l.w1 = Matrix::Zero(s.ff, d), l.b1 = Vector::Zero(s.ff);
    l.w2 = Matrix::Zero(d, s.ff), l.b2 = Vector::Zero(d);
  }
  w.lnf_gain = Vector::Zero(d), w.lnf_bias = Vector::Zero(d);
  w.mlm_bias = Vector::Zero(s.vocab);
  return w;
}

std::vector<TensorRef> tensors(EncoderWeights& w) {
  std::vector<TensorRef> out;
  const auto add = [&](std::string name, auto& m, bool decay) {
    out.push_back({std::move(name), m.data(), m.rows(), m.cols(), decay});
  };
  add("token", w.token, true);
  add("position", w.position, false);
  for (size_t i = 0; i < w.layers.size(); ++i) {
    EncoderLayer& l = w.layers[i];
    const std::string p = "layer" + std::to_string(i) + ".";
    add(p + "ln1_gain", l.ln1_gain, false), add(p + "ln1_bias", l.ln1_bias, false);
    add(p + "wqkv", l.wqkv, true), add(p + "bqkv", l.bqkv, false);
    add(p + "wo", l.wo, true), add(p + "bo", l.bo, false);
    add(p + "ln2_gain", l.ln2_gain, false), add(p + "ln2_bias", l.ln2_bias, false);
    add(p + "w1", l.w1, true), add(p + "b1", l.b1, false);
    add(p + "w2", l.w2, true), add(p + "b2", l.b2, false);
  }
  add("lnf_gain", w.lnf_gain, false), add("lnf_bias", w.lnf_bias, false);
  add("mlm_bias", w.mlm_bias, false);
  return out;
}

void validate(const EncoderShape& s) {
  if (s.vocab <= kFirstWordId) throw InputError("the encoder's vocabulary has no words");
  if (s.dim < 1 || s.heads < 1 || s.layers < 0 || s.ff < 1 || s.max_len < 2)
    throw InputError("the encoder's sizes must be positive");
  if (s.dim % s.heads != 0)
    throw InputError("heads must divide dim: " + std::to_string(s.heads) + " heads do not divide " + std::to_string(s.dim));
}

// ---- batches and scratch ----

int64_t TokenBatch::tokens() const {
  int64_t n = 0;
  for (int32_t len : lengths) n += len;
  return n;
}

TokenBatch TokenBatch::of(const std::vector<Ids>& sequences, int max_len) {
  TokenBatch b;
  b.fill(static_cast<int>(sequences.size()), max_len, [&](int i) { return sequences[i].data(); },
         [&](int i) { return static_cast<int64_t>(sequences[i].size()); });
  return b;
}

Scratch::Map Scratch::shape(Eigen::Index rows, Eigen::Index cols) {
  if (static_cast<Eigen::Index>(store_.size()) < rows * cols) store_.resize(static_cast<size_t>(rows * cols));
  rows_ = rows, cols_ = cols;
  return view();
}

// ---- the encoder ----

TransformerEncoder::TransformerEncoder(const EncoderShape& shape) : w(EncoderWeights::zeros(shape)), shape_(shape) {
  for (EncoderLayer& l : w.layers) l.ln1_gain.setOnes(), l.ln2_gain.setOnes();
  w.lnf_gain.setOnes();
}

TransformerEncoder::TransformerEncoder(const EncoderShape& shape, Rng& rng) : TransformerEncoder(shape) {
  const float a = std::sqrt(3.0f) * 0.02f;
  fill_uniform(w.token, a, rng);
  fill_uniform(w.position, a, rng);
  const int d = shape.dim;
  for (EncoderLayer& l : w.layers) {
    fill_uniform(l.wqkv, glorot(d, d), rng);  // q, k and v are each a (d, d) map
    fill_uniform(l.wo, glorot(d, d), rng);
    fill_uniform(l.w1, glorot(d, shape.ff), rng);
    fill_uniform(l.w2, glorot(shape.ff, d), rng);
  }
}

void TransformerEncoder::forward(const TokenBatch& batch, EncoderActivations& act, float dropout, Rng* rng) const {
  const int d = shape_.dim, H = shape_.heads, dh = shape_.head_dim(), F = shape_.ff;
  const int B = batch.size, T = batch.length, N = B * T;
  const bool drop = dropout > 0 && rng != nullptr;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));

  Map x = act.x.shape(d, N);
  for (int b = 0; b < B; ++b)
    for (int t = 0; t < T; ++t)
      x.col(b * T + t) = (w.token.row(batch.ids[static_cast<size_t>(b) * T + t]) + w.position.row(t)).transpose();
  if (drop) apply_dropout(x.data(), act.keep_embed.shape(d, N).data(), int64_t{d} * N, dropout, *rng);
  else act.keep_embed.clear();

  act.layers.resize(shape_.layers);
  for (int l = 0; l < shape_.layers; ++l) {
    const EncoderLayer& p = w.layers[l];
    LayerActivations& a = act.layers[l];

    // Attention: h = LN1(x), [q; k; v] = Wqkv h + bqkv.
    a.rstd1.resize(N);
    layer_norm(x.data(), d, N, p.ln1_gain, p.ln1_bias, a.xhat1.shape(d, N).data(), a.rstd1.data(), a.h1.shape(d, N).data());
    float* qkv = a.qkv.shape(3 * d, N).data();
    kernels::gemm(false, false, 3 * d, N, d, p.wqkv.data(), 3 * d, a.h1.data(), d, qkv, 3 * d);
    add_bias(qkv, 3 * d, N, p.bqkv);

    const size_t block = static_cast<size_t>(T) * T;
    a.probs.resize(static_cast<size_t>(B) * H * block);
    a.kept.resize(drop ? a.probs.size() : 0);
    a.keep_probs.resize(drop ? a.probs.size() : 0);
    Map ctx = a.ctx.shape(d, N);
    for (int b = 0; b < B; ++b) {
      const int len = batch.lengths[b];
      ctx.middleCols(b * T + len, T - len).setZero();  // padded queries are not computed
      for (int j = 0; j < H; ++j) {
        const float* q = qkv + static_cast<std::ptrdiff_t>(b) * T * 3 * d + j * dh;  // (dh, len), columns 3d apart
        const float* k = q + d;
        const float* v = q + 2 * d;
        const size_t at = (static_cast<size_t>(b) * H + j) * block;
        float* s = a.probs.data() + at;  // (T, T), only the (len, len) corner is used
        kernels::gemm(true, false, len, len, dh, k, 3 * d, q, 3 * d, s, T);  // S = k^T q
        for (int i = 0; i < len; ++i) {  // softmax of column i over the len real keys
          float* col = s + static_cast<std::ptrdiff_t>(i) * T;
          for (int key = 0; key < len; ++key) col[key] *= scale;
          const float sum = kernels::exp_shifted(col, kernels::max_of(col, len), col, len);
          for (int key = 0; key < len; ++key) col[key] /= sum;
        }
        const float* mix = s;
        if (drop) {
          float* kept = a.kept.data() + at;
          float* keep = a.keep_probs.data() + at;
          const float keep_scale = 1.0f / (1.0f - dropout);
          for (int i = 0; i < len; ++i)
            for (int key = 0; key < len; ++key) {
              const size_t e = static_cast<size_t>(i) * T + key;
              keep[e] = rng->uniform() < dropout ? 0.0f : keep_scale;
              kept[e] = s[e] * keep[e];
            }
          mix = kept;
        }
        float* c = ctx.data() + static_cast<std::ptrdiff_t>(b) * T * d + j * dh;
        kernels::gemm(false, false, dh, len, len, v, 3 * d, mix, T, c, d);  // c = v A
      }
    }
    // x += drop(Wo c + bo)
    float* branch = act.branch.shape(d, N).data();
    kernels::gemm(false, false, d, N, d, p.wo.data(), d, ctx.data(), d, branch, d);
    add_bias(branch, d, N, p.bo);
    if (drop) apply_dropout(branch, a.keep_attn.shape(d, N).data(), int64_t{d} * N, dropout, *rng);
    else a.keep_attn.clear();
    x += act.branch.view();

    // Feed-forward: x += drop(W2 gelu(W1 LN2(x) + b1) + b2)
    a.rstd2.resize(N);
    layer_norm(x.data(), d, N, p.ln2_gain, p.ln2_bias, a.xhat2.shape(d, N).data(), a.rstd2.data(), a.h2.shape(d, N).data());
    float* u = a.u.shape(F, N).data();
    kernels::gemm(false, false, F, N, d, p.w1.data(), F, a.h2.data(), d, u, F);
    add_bias(u, F, N, p.b1);
    gelu(u, a.tanh_u.shape(F, N).data(), a.g.shape(F, N).data(), int64_t{F} * N);
    kernels::gemm(false, false, d, N, F, p.w2.data(), d, a.g.data(), F, branch, d);
    add_bias(branch, d, N, p.b2);
    if (drop) apply_dropout(branch, a.keep_ff.shape(d, N).data(), int64_t{d} * N, dropout, *rng);
    else a.keep_ff.clear();
    x += act.branch.view();
  }
  act.rstdf.resize(N);
  layer_norm(x.data(), d, N, w.lnf_gain, w.lnf_bias, act.xhatf.shape(d, N).data(), act.rstdf.data(),
             act.out.shape(d, N).data());
}

void TransformerEncoder::backward(const TokenBatch& batch, EncoderActivations& act, EncoderWeights& grads,
                                  bool after_head) const {
  const int d = shape_.dim, H = shape_.heads, dh = shape_.head_dim(), F = shape_.ff;
  const int B = batch.size, T = batch.length, N = B * T;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  if (!same_shape(grads, shape_)) grads = EncoderWeights::zeros(shape_);  // (the head shaped them already)

  // y = LNf(x)
  Map dx = act.dx.shape(d, N);
  dx.setZero();
  layer_norm_backward(act.dout.data(), act.xhatf.data(), act.rstdf.data(), d, N, w.lnf_gain, grads.lnf_gain,
                      grads.lnf_bias, dx.data());

  for (int l = shape_.layers - 1; l >= 0; --l) {
    const EncoderLayer& p = w.layers[l];
    EncoderLayer& g = grads.layers[l];
    LayerActivations& a = act.layers[l];

    // Feed-forward branch: x_out = x_mid + keep ⊙ (W2 gelu(u) + b2), u = W1 h2 + b1.
    Map dbranch = act.dbranch.shape(d, N);
    dbranch = dx;
    if (!a.keep_ff.empty()) dbranch.array() *= a.keep_ff.view().array();
    kernels::gemm(false, true, d, F, N, dbranch.data(), d, a.g.data(), F, g.w2.data(), d);  // dW2 = dbranch g^T
    sum_columns(dbranch.data(), d, N, g.b2);
    float* du = act.du.shape(F, N).data();
    kernels::gemm(true, false, F, N, d, p.w2.data(), d, dbranch.data(), d, du, F);  // du = W2^T dbranch
    gelu_backward(a.u.data(), a.tanh_u.data(), du, int64_t{F} * N);
    kernels::gemm(false, true, F, d, N, du, F, a.h2.data(), d, g.w1.data(), F);  // dW1 = du h2^T
    sum_columns(du, F, N, g.b1);
    float* dh_ = act.dh.shape(d, N).data();
    kernels::gemm(true, false, d, N, F, p.w1.data(), F, du, F, dh_, d);  // dh2 = W1^T du
    layer_norm_backward(dh_, a.xhat2.data(), a.rstd2.data(), d, N, p.ln2_gain, g.ln2_gain, g.ln2_bias, dx.data());

    // Attention branch: x_mid = x_in + keep ⊙ (Wo c + bo).
    dbranch = dx;
    if (!a.keep_attn.empty()) dbranch.array() *= a.keep_attn.view().array();
    kernels::gemm(false, true, d, d, N, dbranch.data(), d, a.ctx.data(), d, g.wo.data(), d);  // dWo = dbranch c^T
    sum_columns(dbranch.data(), d, N, g.bo);
    float* dctx = act.dctx.shape(d, N).data();
    kernels::gemm(true, false, d, N, d, p.wo.data(), d, dbranch.data(), d, dctx, d);  // dc = Wo^T dbranch

    const float* qkv = a.qkv.data();
    Map dqkv = act.dqkv.shape(3 * d, N);
    const size_t block = static_cast<size_t>(T) * T;
    act.dprobs.resize(block);
    float* ds = act.dprobs.data();  // (T, T): dA, then dS in place
    const bool dropped = !a.kept.empty();
    for (int b = 0; b < B; ++b) {
      const int len = batch.lengths[b];
      dqkv.middleCols(b * T + len, T - len).setZero();  // padding gets no gradient
      for (int j = 0; j < H; ++j) {
        const std::ptrdiff_t off = static_cast<std::ptrdiff_t>(b) * T * 3 * d + j * dh;
        const float *q = qkv + off, *k = q + d, *v = q + 2 * d;
        float *dq = dqkv.data() + off, *dk = dq + d, *dv = dq + 2 * d;
        const size_t at = (static_cast<size_t>(b) * H + j) * block;
        const float* probs = a.probs.data() + at;
        const float* mix = dropped ? a.kept.data() + at : probs;
        const float* dc = dctx + static_cast<std::ptrdiff_t>(b) * T * d + j * dh;
        kernels::gemm(false, true, dh, len, len, dc, d, mix, T, dv, 3 * d);  // dv = dc mix^T
        kernels::gemm(true, false, len, len, dh, v, 3 * d, dc, d, ds, T);    // dmix = v^T dc
        for (int i = 0; i < len; ++i) {
          // Through dropout, then the softmax of column i: dS = A ⊙ (dA - sum_key A dA), times scale.
          float* col = ds + static_cast<std::ptrdiff_t>(i) * T;
          const float* pc = probs + static_cast<std::ptrdiff_t>(i) * T;
          if (dropped) {
            const float* keep = a.keep_probs.data() + at + static_cast<size_t>(i) * T;
            for (int key = 0; key < len; ++key) col[key] *= keep[key];
          }
          float dot = 0;
          for (int key = 0; key < len; ++key) dot += pc[key] * col[key];
          for (int key = 0; key < len; ++key) col[key] = pc[key] * (col[key] - dot) * scale;
        }
        kernels::gemm(false, false, dh, len, len, k, 3 * d, ds, T, dq, 3 * d);  // dq = k dS
        kernels::gemm(false, true, dh, len, len, q, 3 * d, ds, T, dk, 3 * d);   // dk = q dS^T
      }
    }
    kernels::gemm(false, true, 3 * d, d, N, dqkv.data(), 3 * d, a.h1.data(), d, g.wqkv.data(), 3 * d);  // dWqkv
    sum_columns(dqkv.data(), 3 * d, N, g.bqkv);
    kernels::gemm(true, false, d, N, 3 * d, p.wqkv.data(), 3 * d, dqkv.data(), 3 * d, dh_, d);  // dh1 = Wqkv^T dqkv
    layer_norm_backward(dh_, a.xhat1.data(), a.rstd1.data(), d, N, p.ln1_gain, g.ln1_gain, g.ln1_bias, dx.data());
  }

  // x = drop(E[id] + P[t]): each real token's column goes to its token row and its position row.
  if (!act.keep_embed.empty()) dx.array() *= act.keep_embed.view().array();
  if (!after_head) grads.token.setZero(), grads.mlm_bias.setZero();
  grads.position.setZero();
  for (int b = 0; b < B; ++b)
    for (int t = 0; t < batch.lengths[b]; ++t) {
      grads.token.row(batch.ids[static_cast<size_t>(b) * T + t]) += dx.col(b * T + t).transpose();
      grads.position.row(t) += dx.col(b * T + t).transpose();
    }
}

float TransformerEncoder::masked_word_loss(const std::vector<int32_t>& positions, const Ids& targets,
                                           EncoderActivations& act, EncoderWeights& grads) const {
  const int d = shape_.dim, V = shape_.vocab, M = static_cast<int>(positions.size());
  const Eigen::Index N = act.out.cols();
  if (!same_shape(grads, shape_)) grads = EncoderWeights::zeros(shape_);
  Map in = act.head_in.shape(d, M);
  const auto out = act.out.view();
  for (int m = 0; m < M; ++m) in.col(m) = out.col(positions[m]);
  // The token table (V, d) row-major is E^T (d, V) column-major: no copy for either product.
  float* logits = act.logits.shape(V, M).data();
  kernels::gemm(true, false, V, M, d, w.token.data(), d, in.data(), d, logits, V);  // E y
  add_bias(logits, V, M, w.mlm_bias);
  float* dlogits = act.dlogits.shape(V, M).data();
  const float loss = softmax_cross_entropy(logits, V, M, targets.data(), dlogits);
  sum_columns(dlogits, V, M, grads.mlm_bias);
  kernels::gemm(false, true, d, V, M, in.data(), d, dlogits, V, grads.token.data(), d);  // dE^T = y dlogits^T
  Map dhead = act.dhead.shape(d, M);
  kernels::gemm(false, false, d, M, V, w.token.data(), d, dlogits, V, dhead.data(), d);  // dy = E^T dlogits
  Map dout = act.dout.shape(d, N);
  dout.setZero();
  for (int m = 0; m < M; ++m) dout.col(positions[m]) += dhead.col(m);
  return loss;
}

std::vector<float> TransformerEncoder::attention(const TokenBatch& batch, const EncoderActivations& act,
                                                 int sequence) const {
  const int H = shape_.heads, T = batch.length, len = batch.lengths[sequence];
  std::vector<float> out;
  out.reserve(static_cast<size_t>(shape_.layers) * H * len * len);
  for (int l = 0; l < shape_.layers; ++l)
    for (int j = 0; j < H; ++j) {
      const float* s = act.layers[l].probs.data() + (static_cast<size_t>(sequence) * H + j) * T * T;
      for (int i = 0; i < len; ++i) out.insert(out.end(), s + static_cast<size_t>(i) * T, s + static_cast<size_t>(i) * T + len);
    }
  return out;
}

}  // namespace embplay
