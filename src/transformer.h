// A small Transformer encoder for sentences (Vaswani et al. 2017), pre-LayerNorm (as GPT-2 and
// Xiong et al. 2020: it trains without a long warm-up), with a [CLS] token and learned positions.
// It is trained in the page by masked-word prediction (BERT) and then contrastively (SimCSE,
// SentenceBERT's pairs): see encoder_trainer.h. Forward and backward in pairs.
//
// Sizes: V vocabulary, d width, H heads of dh = d / H, F feed-forward width, L layers, B sequences
// of a batch padded to T tokens, N = B * T token columns. A batch is one matrix with a token per
// column: column b*T + t is token t of sequence b; token 0 is [CLS], then the sentence's words,
// then padding.
//
//   x = drop(E[id] + P[t])                          (d, N)   token + learned position embeddings
//   for each of the L layers:
//     h = LN1(x)                                    (d, N)
//     [q; k; v] = Wqkv h + bqkv                     (3d, N)  head j: rows j*dh.. of each of q, k, v
//     for each sequence b and head j:
//       S = k^T q / sqrt(dh)                        (T, T)   column i: query i against every key
//       A = softmax of each column over the sequence's real keys (padding: probability 0)
//       c = v drop(A)                               (dh, T)  written into rows j*dh.. of c (d, N)
//     x = x + drop(Wo c + bo)                       (d, N)   residual
//     x = x + drop(W2 gelu(W1 LN2(x) + b1) + b2)    (d, N)   W1 (F, d), W2 (d, F); residual
//   y = LNf(x)                                      (d, N)   what pooling and the masked-word head read
//
// LN(x) = g * (x - mean) / sqrt(var + 1e-5) + b per column. gelu(u) = u/2 (1 + tanh(sqrt(2/pi) (u +
// 0.044715 u^3))), the tanh form BERT and GPT-2 use. Dropout (training only, inverted, one rate)
// is BERT's: on the embedding sum, on the attention probabilities and on both residual branches;
// its masks come from the caller's Rng and are kept for the backward pass.
//
// Padding: a padded position is a key nobody attends to and a query that is not computed (its
// attention output is zero); its columns pass through the dense layers, but no loss reads them
// and no real token sees them, so their gradients are zero and padding changes nothing.
//
// The masked-word head is tied to the token table: logits = E y + bmlm (V) at the masked
// positions, through our fused softmax cross-entropy (loss.h). The token table's gradient is
// therefore dense in that phase; it is kept dense in every phase (Adam over V x d values is under
// 1% of a step at the page's sizes), so one list of tensors serves the optimiser, clipping, files
// and tests.
#pragma once

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "common.h"

namespace embplay {

// Reserved ids of the encoder's vocabulary: <pad> and <unk> as everywhere, then its own two.
constexpr int32_t kClsId = 2;   // [CLS]: first token of every sequence; its output is the CLS pooling
constexpr int32_t kMaskId = 3;  // [MASK]: a word hidden for the masked-word objective
constexpr int32_t kFirstWordId = 4;

struct EncoderShape {
  int vocab = 0;    // V, the reserved ids included
  int dim = 64;     // d
  int heads = 4;    // H; divides d
  int layers = 2;   // L
  int ff = 256;     // F
  int max_len = 33; // longest sequence, [CLS] included: the rows of the position table
  int head_dim() const { return dim / heads; }
};

struct EncoderLayer {
  Vector ln1_gain, ln1_bias;  // (d)
  Matrix wqkv;                // (3d, d): rows 0..d-1 make q, d..2d-1 k, 2d..3d-1 v
  Vector bqkv;                // (3d)
  Matrix wo;                  // (d, d)
  Vector bo;                  // (d)
  Vector ln2_gain, ln2_bias;  // (d)
  Matrix w1;                  // (F, d)
  Vector b1;                  // (F)
  Matrix w2;                  // (d, F)
  Vector b2;                  // (d)
};

// Every tensor of the encoder. The gradients of a batch have the same type and shapes.
struct EncoderWeights {
  RowMatrix token;                  // (V, d): row i is the vector of token i (input and tied output)
  RowMatrix position;               // (max_len, d): row t is added at position t
  std::vector<EncoderLayer> layers; // (L)
  Vector lnf_gain, lnf_bias;        // (d)
  Vector mlm_bias;                  // (V): the masked-word head's output bias

  // All zero, in the given shape.
  static EncoderWeights zeros(const EncoderShape& shape);
};

// One tensor of EncoderWeights, by name ("token", "layer1.wqkv", ...), as a flat array.
struct TensorRef {
  std::string name;
  float* data;
  Eigen::Index rows, cols;  // as stored; size rows * cols
  bool decay;               // weight decay applies (matrices; not biases, gains or positions)
  Eigen::Index size() const { return rows * cols; }
};
// Every tensor in one fixed order: the optimiser's slots, clipping, model files and the gradient
// checks all walk this list, so a new tensor is added in one place.
std::vector<TensorRef> tensors(EncoderWeights& w);

// Float storage aligned as Eigen's own matrices are. Eigen's vectorised sums and norms start
// differently on differently aligned data, so scratch on plain std::vector storage would round
// differently from one run to the next (wherever malloc put it), and the same seed would not give
// the same bits.
using AlignedFloats = std::vector<float, Eigen::aligned_allocator<float>>;

// A batch of sequences, [CLS] first, padded with kPadId to the longest.
struct TokenBatch {
  int size = 0;                 // B
  int length = 0;               // T
  Ids ids;                      // (B, T) row-major
  std::vector<int32_t> lengths; // (B): real tokens of each sequence, [CLS] included (>= 1)
  int64_t tokens() const;       // the real tokens, sum of lengths

  // Refills the batch, reusing its storage, with `count` sequences: words_of(i) points at
  // sequence i's word ids and length_of(i) counts them; each is cut to max_len - 1 words.
  template <typename Words, typename Length>
  void fill(int count, int max_len, Words words_of, Length length_of) {
    size = count;
    length = 1;
    lengths.resize(count);
    for (int i = 0; i < count; ++i) {
      lengths[i] = 1 + static_cast<int32_t>(std::min<int64_t>(length_of(i), max_len - 1));
      length = std::max<int>(length, lengths[i]);
    }
    ids.assign(static_cast<size_t>(count) * length, kPadId);
    for (int i = 0; i < count; ++i) {
      int32_t* row = ids.data() + static_cast<size_t>(i) * length;
      row[0] = kClsId;
      std::copy_n(words_of(i), lengths[i] - 1, row + 1);
    }
  }
  // A batch of whole word-id lists.
  static TokenBatch of(const std::vector<Ids>& sequences, int max_len);
};

// A matrix view over storage that only grows: a batch of another length reuses it, so the hot loop
// allocates nothing once the longest batch has been seen.
class Scratch {
 public:
  using Map = Eigen::Map<Matrix>;
  Map shape(Eigen::Index rows, Eigen::Index cols);  // resize the view; contents are unspecified
  Map view() { return Map(store_.data(), rows_, cols_); }
  Eigen::Map<const Matrix> view() const { return Eigen::Map<const Matrix>(store_.data(), rows_, cols_); }
  float* data() { return store_.data(); }
  const float* data() const { return store_.data(); }
  Eigen::Index rows() const { return rows_; }
  Eigen::Index cols() const { return cols_; }
  bool empty() const { return rows_ * cols_ == 0; }
  void clear() { rows_ = cols_ = 0; }

 private:
  AlignedFloats store_;
  Eigen::Index rows_ = 0, cols_ = 0;
};

// What one layer's forward pass keeps for its backward pass.
struct LayerActivations {
  Scratch xhat1, h1;            // (d, N): LN1's normalised input and its output
  AlignedFloats rstd1;          // (N): 1 / sqrt(var + eps) per column
  Scratch qkv;                  // (3d, N)
  AlignedFloats probs;          // (B, H, T, T): A of each sequence and head, column-major blocks
  AlignedFloats kept;           // the same after dropout (empty without dropout)
  AlignedFloats keep_probs;     // the dropout mask of probs: 0 or 1 / (1 - rate)
  Scratch ctx;                  // (d, N) c, the heads side by side
  Scratch keep_attn;            // (d, N) dropout mask of the attention branch (empty without)
  Scratch xhat2, h2;            // (d, N)
  AlignedFloats rstd2;          // (N)
  Scratch u, tanh_u, g;         // (F, N): W1 h2 + b1, the tanh inside gelu, gelu(u)
  Scratch keep_ff;              // (d, N) dropout mask of the feed-forward branch (empty without)
};

// Scratch the trainer owns and reuses.
struct EncoderActivations {
  Scratch keep_embed;            // (d, N) dropout mask of the embedding sum (empty without)
  std::vector<LayerActivations> layers;
  Scratch x;                     // (d, N) the residual stream, finally LNf's input
  Scratch xhatf;                 // (d, N)
  AlignedFloats rstdf;           // (N)
  Scratch out;                   // (d, N) y
  Scratch dout;                  // (d, N) dL/dy, filled by the objective before backward()
  Scratch branch;                // (d, N) a residual branch before it is added
  // the masked-word head
  Scratch head_in, dhead;        // (d, M): y at the masked positions, and its gradient
  Scratch logits, dlogits;       // (V, M)
  // backward's own scratch
  Scratch dx, dh, dqkv, dctx, dbranch, du;
  AlignedFloats dprobs;          // (T, T)
};

class TransformerEncoder {
 public:
  TransformerEncoder() = default;
  // All weights zero, LayerNorm gains one (to be filled by a model file).
  explicit TransformerEncoder(const EncoderShape& shape);
  // Seeded initialisation (in this order): token and position embeddings U(-a, a) with a =
  // sqrt(3) * 0.02 (standard deviation 0.02, as BERT); each layer's Wqkv, Wo, W1, W2 Glorot-
  // uniform; biases zero, LayerNorm gains one.
  TransformerEncoder(const EncoderShape& shape, Rng& rng);

  const EncoderShape& shape() const { return shape_; }

  // Writes act.out (d, N) for the batch. With a dropout rate in (0, 1) and an Rng (training), draws
  // and applies the dropout masks.
  void forward(const TokenBatch& batch, EncoderActivations& act, float dropout = 0, Rng* rng = nullptr) const;
  // After forward and with act.dout filled (zero at padded columns): writes every gradient into
  // grads. `after_head`: masked_word_loss() wrote its part of grads.token and grads.mlm_bias, and
  // the input side's part is added to it; otherwise both are set here (mlm_bias's to zero).
  void backward(const TokenBatch& batch, EncoderActivations& act, EncoderWeights& grads, bool after_head = false) const;

  // The masked-word head, fused: for the columns `positions` of act.out and their `targets`,
  // logits (V, M) = E y + bmlm, mean softmax cross-entropy; writes act.dout (zero elsewhere),
  // grads.token (the head's part: then call backward with after_head) and grads.mlm_bias.
  // Returns the mean loss over the M positions.
  float masked_word_loss(const std::vector<int32_t>& positions, const Ids& targets, EncoderActivations& act,
                         EncoderWeights& grads) const;

  // The attention probabilities of the last forward pass, for one sequence: (L, H, T, T) with
  // [((l * H + j) * T + i) * T + key] = how much query i of layer l, head j attends to `key`.
  std::vector<float> attention(const TokenBatch& batch, const EncoderActivations& act, int sequence) const;

  EncoderWeights w;

 private:
  EncoderShape shape_;
};

// The shape is valid for the encoder (heads divide d, sizes positive); throws InputError naming it.
void validate(const EncoderShape& shape);

}  // namespace embplay
