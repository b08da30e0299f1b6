// Tokenizer: UTF-8 text in, sentences of word tokens out.
//
// Word characters are letters and digits of every script (Latin, Cyrillic, Greek, CJK, Arabic,
// Devanagari, ... and their combining marks); an apostrophe between two letters stays inside a
// word ("don't"). Punctuation is split off as its own token, or dropped (`keep_punctuation`).
// Each emoji (with its modifiers, variation selectors and zero-width-joiner sequence) is one token.
// Sentences end at . ! ? (and their CJK / Devanagari forms) and at blank lines.
// Invalid UTF-8 bytes become U+FFFD, which is treated as a symbol and dropped; never a crash.
#pragma once

#include <string>
#include <vector>

namespace embplay {

struct TokenizerOptions {
  bool lowercase = true;          // fold case (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic)
  bool keep_punctuation = false;  // keep , ; : " ( ) ... as tokens; sentence enders are never kept
};

using Sentence = std::vector<std::string>;

// Splits `text` into sentences of tokens. Empty sentences are not returned.
std::vector<Sentence> tokenize(const std::string& text, const TokenizerOptions& options = {});

// The words of `text` in order, sentence boundaries dropped: a typed query or context.
std::vector<std::string> tokenize_words(const std::string& text, const TokenizerOptions& options = {});

}  // namespace embplay
