// Sentence vectors from the encoder's outputs, and the contrastive loss that trains them.
//
// Pooling of y (d, B*T) over each sequence's real tokens, [CLS] included:
//   cls   y[:, 0], the [CLS] token's output (BERT's and SimCSE's choice)
//   mean  (1/len) sum_t y[:, t]
//   max   max_t y[:, t], per dimension (its gradient goes to the token that held the maximum)
//
// InfoNCE over in-batch negatives on cosine similarities (van den Oord et al. 2018; SimCSE, Gao et
// al. 2021; SentenceBERT's MultipleNegativesRankingLoss): anchors a_i and their positives p_i
// (d, B); every other positive in the batch is a negative for a_i.
//   s_ij = cos(a_i, p_j) / tau                                   (B, B)
//   L = 1/2 [ 1/B sum_i CE(s_i., i) + 1/B sum_j CE(s_.j, j) ]
// Both directions (each anchor picks its positive among the positives, each positive its anchor
// among the anchors): the loss is symmetric in a and p, as the two dropout views of SimCSE are.
// Each direction runs through our fused softmax cross-entropy (loss.h).
#pragma once

#include <string>

#include "transformer.h"

namespace embplay {

enum class EncoderPooling { kCls, kMean, kMax };
constexpr EncoderPooling kEncoderPoolings[] = {EncoderPooling::kCls, EncoderPooling::kMean, EncoderPooling::kMax};
// "cls", "mean" or "max"; throws InputError naming them.
EncoderPooling parse_encoder_pooling(const std::string& name);
const char* encoder_pooling_name(EncoderPooling p);

// pooled (d, B) <- pooling of out (d, B*T); for max, argmax (d, B) <- the token (t) of each maximum.
void pool_sequences(const float* out, int d, const TokenBatch& batch, EncoderPooling pooling, float* pooled,
                    int32_t* argmax);
// dout (d, B*T) <- dL/dout given dpooled (d, B): zero at every column the pooling did not read.
void pool_backward(const float* dpooled, int d, const TokenBatch& batch, EncoderPooling pooling, const int32_t* argmax,
                   float* dout);

class InfoNce {
 public:
  // a, p: (d, B), columns d apart; writes da, dp (d, B). Returns L.
  float forward_backward(const float* a, const float* p, int d, int batch, float temperature, float* da, float* dp);

 private:
  Scratch an_, pn_;        // (d, B) unit-length anchors and positives
  Scratch s_, st_;         // (B, B) s and its transpose, as logits (one example per column)
  Scratch ds_, dst_;       // (B, B) their gradients
  Scratch dn_;             // (d, B) gradient of a unit-length side
  std::vector<float> norm_a_, norm_p_;  // (B)
  Ids targets_;            // 0..B-1
};

}  // namespace embplay
