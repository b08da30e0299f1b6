// UTF-8, decoded and checked in one place: the tokenizer reads text with decode_utf8() (a bad byte
// becomes U+FFFD and is dropped), the vector-file reader refuses a word that is not valid_utf8().
// Both follow the same rules: shortest form only, no surrogates, nothing above U+10FFFF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace embplay {

constexpr uint32_t kReplacementChar = 0xFFFD;

// Decodes the code point starting at s[i] (i < n) into `cp` and returns the bytes it used (>= 1).
// Bad input gives U+FFFD and consumes only the maximal invalid prefix (Unicode's "substitution of
// maximal subparts"), so a valid character after a broken one is still read. Inline: the
// tokenizer calls it for every character.
inline size_t decode_utf8(const unsigned char* s, size_t n, size_t i, uint32_t& cp) {
  const unsigned b0 = s[i];
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  size_t need;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 < 0xC2) {  // stray continuation byte, or C0/C1 (always overlong)
    cp = kReplacementChar;
    return 1;
  } else if (b0 < 0xE0) {
    need = 1;
    cp = b0 & 0x1F;
  } else if (b0 < 0xF0) {
    need = 2;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong below U+0800
    if (b0 == 0xED) hi = 0x9F;  // surrogates U+D800..DFFF
  } else if (b0 < 0xF5) {
    need = 3;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong below U+10000
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {  // F5..FF never appear in UTF-8
    cp = kReplacementChar;
    return 1;
  }
  for (size_t k = 1; k <= need; ++k) {
    if (i + k >= n) {  // truncated at the end of the text
      cp = kReplacementChar;
      return k;
    }
    const unsigned b = s[i + k];
    if (b < lo || b > hi) {
      cp = kReplacementChar;
      return k;
    }
    lo = 0x80;
    hi = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
  }
  return need + 1;
}

// Appends the UTF-8 bytes of code point `cp` (at most U+10FFFF).
inline void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// True when `s` is well-formed UTF-8; otherwise `bad_at` is the offset of the first bad sequence.
bool valid_utf8(const std::string& s, size_t* bad_at = nullptr);

// `s` made fit to quote in a message: each bad sequence and each control character (C0, DEL, C1)
// becomes U+FFFD, so the text is valid UTF-8 whatever bytes a file held.
std::string printable_utf8(const std::string& s);

}  // namespace embplay
