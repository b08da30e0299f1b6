// Tokenizer: UTF-8 text in, sentences of word tokens out.
//
// Word characters are letters and digits of every script (Latin, Cyrillic, Greek, CJK, Arabic,
// Devanagari, ... and their combining marks); an apostrophe between two letters stays inside a
// word ("don't"). Punctuation is split off as its own token, or dropped (`keep_punctuation`).
// Each emoji (with its modifiers, variation selectors and zero-width-joiner sequence) is one token.
// Chinese and Japanese ideographs (Han) come as overlapping pairs of neighbours (`han_bigrams`).
// Sentences end at . ! ? (and their CJK / Devanagari forms) and at blank lines.
// Invalid UTF-8 bytes become U+FFFD, which is treated as a symbol and dropped; never a crash.
#pragma once

#include <string>
#include <vector>

namespace embplay {

struct TokenizerOptions {
  bool lowercase = true;          // fold case (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic)
  bool keep_punctuation = false;  // keep , ; : " ( ) ... as tokens; sentence enders are never kept
  bool han_bigrams = true;        // a run of Han ideographs gives its overlapping pairs (北京天安门: 北京 京天
                                  // 天安 安门; a lone ideograph stays itself); false: one token per ideograph
};

// The hint of the han_bigrams setting, in both settings tables (next-word and word2vec).
inline constexpr const char* kHanBigramsHint =
    "Chinese and Japanese: each pair of neighbouring ideographs is a token (北京天安门: 北京 京天 天安 安门); off: one per ideograph";

using Sentence = std::vector<std::string>;

// Splits `text` into sentences of tokens. Empty sentences are not returned.
std::vector<Sentence> tokenize(const std::string& text, const TokenizerOptions& options = {});

// The words of `text` in order, sentence boundaries dropped: a typed query or context.
std::vector<std::string> tokenize_words(const std::string& text, const TokenizerOptions& options = {});

}  // namespace embplay
