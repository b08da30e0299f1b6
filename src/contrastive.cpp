// Pooling and InfoNCE (see contrastive.h).
#include "contrastive.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>

#include "input_error.h"
#include "kernels.h"
#include "loss.h"

namespace embplay {

EncoderPooling parse_encoder_pooling(const std::string& name) {
  for (EncoderPooling p : kEncoderPoolings)
    if (name == encoder_pooling_name(p)) return p;
  throw InputError("pooling must be cls, mean or max, not \"" + name + "\"");
}

const char* encoder_pooling_name(EncoderPooling p) {
  switch (p) {
    case EncoderPooling::kCls: return "cls";
    case EncoderPooling::kMean: return "mean";
    case EncoderPooling::kMax: return "max";
  }
  return "";
}

void pool_sequences(const float* out, int d, const TokenBatch& batch, EncoderPooling pooling, float* pooled,
                    int32_t* argmax) {
  const int T = batch.length;
  for (int b = 0; b < batch.size; ++b) {
    const Eigen::Map<const Matrix> y(out + static_cast<std::ptrdiff_t>(b) * T * d, d, batch.lengths[b]);  // (d, len)
    Eigen::Map<Vector> v(pooled + static_cast<std::ptrdiff_t>(b) * d, d);
    switch (pooling) {
      case EncoderPooling::kCls: v = y.col(0); break;
      case EncoderPooling::kMean: v = y.rowwise().mean(); break;
      case EncoderPooling::kMax:
        for (int i = 0; i < d; ++i) {
          Eigen::Index t;
          v(i) = y.row(i).maxCoeff(&t);
          argmax[static_cast<std::ptrdiff_t>(b) * d + i] = static_cast<int32_t>(t);
        }
        break;
    }
  }
}

void pool_backward(const float* dpooled, int d, const TokenBatch& batch, EncoderPooling pooling, const int32_t* argmax,
                   float* dout) {
  const int T = batch.length;
  Eigen::Map<Matrix>(dout, d, static_cast<Eigen::Index>(batch.size) * T).setZero();
  for (int b = 0; b < batch.size; ++b) {
    const int len = batch.lengths[b];
    Eigen::Map<Matrix> dy(dout + static_cast<std::ptrdiff_t>(b) * T * d, d, len);
    const Eigen::Map<const Vector> dv(dpooled + static_cast<std::ptrdiff_t>(b) * d, d);
    switch (pooling) {
      case EncoderPooling::kCls: dy.col(0) = dv; break;
      case EncoderPooling::kMean: dy.colwise() = dv / static_cast<float>(len); break;
      case EncoderPooling::kMax:
        for (int i = 0; i < d; ++i) dy(i, argmax[static_cast<std::ptrdiff_t>(b) * d + i]) = dv(i);
        break;
    }
  }
}

namespace {

// n (d, B) <- x / |x| per column; norms (B) <- |x|.
void normalise_columns(const float* x, int d, int batch, float* n, std::vector<float>& norms) {
  norms.resize(batch);
  for (int b = 0; b < batch; ++b) {
    const Eigen::Map<const Vector> xc(x + static_cast<std::ptrdiff_t>(b) * d, d);
    norms[b] = std::max(xc.norm(), 1e-12f);
    Eigen::Map<Vector>(n + static_cast<std::ptrdiff_t>(b) * d, d) = xc / norms[b];
  }
}

// dx (d, B) <- the gradient through x / |x|: (dn - n (n . dn)) / |x| per column.
void normalise_backward(const float* n, const float* dn, const std::vector<float>& norms, int d, int batch, float* dx) {
  for (int b = 0; b < batch; ++b) {
    const Eigen::Map<const Vector> nc(n + static_cast<std::ptrdiff_t>(b) * d, d), dnc(dn + static_cast<std::ptrdiff_t>(b) * d, d);
    Eigen::Map<Vector>(dx + static_cast<std::ptrdiff_t>(b) * d, d) = (dnc - nc * nc.dot(dnc)) / norms[b];
  }
}

}  // namespace

float InfoNce::forward_backward(const float* a, const float* p, int d, int batch, float temperature, float* da,
                                float* dp) {
  const int B = batch;
  const float inv_tau = 1.0f / temperature;
  float* an = an_.shape(d, B).data();
  float* pn = pn_.shape(d, B).data();
  normalise_columns(a, d, B, an, norm_a_);
  normalise_columns(p, d, B, pn, norm_p_);
  targets_.resize(B);
  std::iota(targets_.begin(), targets_.end(), 0);

  // s (i, j) = cos(a_i, p_j) / tau: column j scores the anchors for positive j. Its transpose
  // st (j, i): column i scores the positives for anchor i.
  auto s = s_.shape(B, B), st = st_.shape(B, B);
  kernels::gemm(true, false, B, B, d, an, d, pn, d, s.data(), B);
  s *= inv_tau;
  st = s.transpose();
  auto ds = ds_.shape(B, B), dst = dst_.shape(B, B);
  const float loss = 0.5f * (softmax_cross_entropy(st.data(), B, B, targets_.data(), dst.data()) +
                             softmax_cross_entropy(s.data(), B, B, targets_.data(), ds.data()));
  // dL/ds (i, j) = (ds (i, j) + dst (j, i)) / 2, and each s carries 1 / tau.
  ds = (ds + dst.transpose()) * (0.5f * inv_tau);
  // da_n = pn ds^T, dp_n = an ds; then through the normalisation.
  float* dn = dn_.shape(d, B).data();
  kernels::gemm(false, true, d, B, B, pn, d, ds.data(), B, dn, d);
  normalise_backward(an, dn, norm_a_, d, B, da);
  kernels::gemm(false, false, d, B, B, an, d, ds.data(), B, dn, d);
  normalise_backward(pn, dn, norm_p_, d, B, dp);
  return loss;
}

}  // namespace embplay
