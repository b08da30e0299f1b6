// What a trained sentence encoder is (its options, vocabulary and Transformer) and what it is asked:
// sentence vectors (CLS, mean and max pooling), the attention of a typed sentence, and STS
// Benchmark scores. Made by EncoderTrainer (encoder_trainer.h), saved whole by encoder_io.h.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "contrastive.h"
#include "text_eval.h"
#include "tokenizer.h"
#include "transformer.h"
#include "vocab.h"

namespace embplay {

// Everything that defines an encoder run: the model, its vocabulary and its training. One table
// (sentence_encoder.cpp) gives the schema, the checked JSON reader and the CLI's flags.
struct EncoderOptions {
  // the model
  int dim = 64;             // d: width of every token vector; 8..512
  int heads = 4;            // attention heads, dividing dim; 1..16
  int layers = 2;           // Transformer blocks; 1..12
  int ff = 256;             // feed-forward width; 8..4096
  int max_words = 32;       // words kept per sentence (the rest are cut); [CLS] comes in front; 2..256
  float dropout = 0.1f;     // on the embeddings, attention probabilities and residual branches; 0..0.9
  // the vocabulary, built on the training sentences
  int max_vocab = 20000;    // most frequent words kept; 10..200000
  int min_count = 1;        // rarer words read as <unk>; 1..1000 (1: on STS-B, rare words carry the meaning)
  // training: Adam with decoupled weight decay, each phase with its own warm-up and schedule
  int batch = 64;           // sentences (or pairs) per step; 2..1024
  float lr = 1e-3f;         // peak learning rate of masked-word pre-training; 0..1
  float contrastive_lr = 1e-3f;  // peak learning rate of SimCSE and of pairs; 0..1
  std::string schedule = "linear";  // after the warm-up: constant, linear or cosine to 0
  float warmup = 0.1f;      // per phase: steps when >= 1, else a fraction of the phase's steps
  float clip = 1.0f;        // global gradient norm cap; 0 = off
  float weight_decay = 0.01f;  // AdamW decay of the matrices and the token table
  // The phases' defaults are the best measured on STS-B (bench/README.md, Sentence encoder): SimCSE
  // alone from random weights; masked-word pre-training first scored lower on a text this small.
  int mlm_epochs = 0;       // masked-word pre-training passes over the sentences; 0 = none
  float mask_rate = 0.15f;  // share of each sentence's words hidden (80% [MASK], 10% a random word, 10% kept)
  int simcse_epochs = 6;    // unsupervised SimCSE passes; 0 = none
  int pairs_epochs = 1;     // supervised passes over the pairs (when pairs are given); 0 = none
  float temperature = 0.1f;   // tau of InfoNCE; 0.01..1
  std::string pooling = "cls";  // the sentence vector the contrastive phases train: cls, mean or max
  uint32_t seed = 1;        // initial weights, batches, masks and dropout
  TokenizerOptions tokenizer;
};

nlohmann::json encoder_schema();
// Absent fields keep their defaults; unknown fields and bad values throw InputError naming the field.
EncoderOptions encoder_options_from_json(const nlohmann::json& j);
nlohmann::json encoder_options_to_json(const EncoderOptions& o);
void set_encoder_option(EncoderOptions& o, const std::string& name, const std::string& value);
// Every range, and heads dividing dim; throws InputError.
void validate(const EncoderOptions& o);
EncoderShape encoder_shape(const EncoderOptions& o, int vocab);

// The encoder's vocabulary from words counted on its sentences: <pad>, <unk>, [CLS], [MASK], then
// the words by count (the spellings with brackets are never a token the tokenizer makes).
Vocab encoder_vocab(const Vocab& words);
const char* cls_word();
const char* mask_word();

struct SentenceEncoder {
  EncoderOptions options;
  Vocab vocab;
  TransformerEncoder model;

  // A sentence's words as ids (<unk> for words outside the vocabulary), cut to max_words.
  Ids ids(const std::vector<std::string>& words) const;
  // The words of a typed text, read as the training sentences were.
  std::vector<std::string> words(const std::string& text) const;
};

// Sentence vectors of the three poolings, one forward pass: row i is sentence i's vector.
struct SentenceVectors {
  RowMatrix cls, mean, max;  // (N, d) each
  RowMatrix& of(EncoderPooling p) { return p == EncoderPooling::kCls ? cls : p == EncoderPooling::kMean ? mean : max; }
  const RowMatrix& of(EncoderPooling p) const { return const_cast<SentenceVectors*>(this)->of(p); }
};
// Each text is read as one sentence (tokenize_words); batches of similar length, no dropout.
SentenceVectors encode(const SentenceEncoder& e, const std::vector<std::string>& texts);

// The attention of one typed sentence, for the heat maps.
struct AttentionMap {
  std::vector<std::string> tokens;  // (T): [CLS], then the words as read (cut to max_words)
  std::vector<bool> known;          // (T): false for a word read as <unk>
  int layers = 0, heads = 0;
  std::vector<float> weights;       // (L, H, T, T): [((l * H + h) * T + i) * T + j] = query i's weight on key j
};
AttentionMap attention_map(const SentenceEncoder& e, const std::string& text);

// STS Benchmark: Spearman (x 1) between the cosine of the two sentences' vectors and the human
// score, for each pooling.
struct EncoderStsScores {
  double cls = 0, mean = 0, max = 0;
  double& of(EncoderPooling p) { return p == EncoderPooling::kCls ? cls : p == EncoderPooling::kMean ? mean : max; }
  double of(EncoderPooling p) const { return const_cast<EncoderStsScores*>(this)->of(p); }
};
EncoderStsScores sts_scores(const SentenceEncoder& e, const std::vector<StsPair>& pairs);

}  // namespace embplay
