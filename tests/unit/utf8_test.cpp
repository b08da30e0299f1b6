// UTF-8: the decoder reads every code point back from its encoding, stops at the maximal invalid
// prefix, and valid_utf8() agrees with a strict check written independently of the decoder.
#include "utf8.h"

#include <gtest/gtest.h>

#include <string>

#include "common.h"

namespace embplay {
namespace {

// Strict UTF-8 check written independently of the decoder: shortest form only, no surrogates,
// nothing above U+10FFFF.
bool strict_utf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char b = s[i];
    size_t len;
    uint32_t cp, min;
    if (b < 0x80) { len = 1; cp = b; min = 0; }
    else if ((b & 0xE0) == 0xC0) { len = 2; cp = b & 0x1F; min = 0x80; }
    else if ((b & 0xF0) == 0xE0) { len = 3; cp = b & 0x0F; min = 0x800; }
    else if ((b & 0xF8) == 0xF0) { len = 4; cp = b & 0x07; min = 0x10000; }
    else return false;
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const unsigned char c = s[i + k];
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

const unsigned char* bytes(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }

TEST(Utf8, EveryCodePointRoundTrips) {
  for (uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string s;
    append_utf8(s, cp);
    uint32_t back = 0;
    ASSERT_EQ(decode_utf8(bytes(s), s.size(), 0, back), s.size()) << std::hex << cp;
    ASSERT_EQ(back, cp) << std::hex << cp;
    ASSERT_TRUE(valid_utf8(s)) << std::hex << cp;
  }
}

TEST(Utf8, BadSequencesGiveTheReplacementAndKeepTheNextCharacter) {
  struct Case { std::string text; size_t used; };
  const Case cases[] = {
      {"\x80" "a", 1},           // stray continuation byte
      {"\xC0\xAF", 1},           // overlong lead
      {"\xE0\x80\x80", 1},       // overlong below U+0800: the second byte is already wrong
      {"\xED\xA0\x80", 1},       // a surrogate
      {"\xF4\x90\x80\x80", 1},   // above U+10FFFF
      {"\xE2\x82" "a", 2},       // cut short by an ASCII letter, which is read next
      {"\xF0\x9F\x98", 3},       // truncated at the end of the text
      {"\xFF", 1},
  };
  for (const Case& c : cases) {
    uint32_t cp = 0;
    EXPECT_EQ(decode_utf8(bytes(c.text), c.text.size(), 0, cp), c.used) << c.text;
    EXPECT_EQ(cp, kReplacementChar) << c.text;
  }
}

TEST(Utf8, ValidAgreesWithAStrictCheckAndNamesTheBadOffset) {
  size_t bad = 99;
  EXPECT_TRUE(valid_utf8("\xEF\xBF\xBD", &bad));  // U+FFFD written in the text is valid
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_FALSE(valid_utf8("ab\xC3", &bad));
  EXPECT_EQ(bad, 2u);
  EXPECT_FALSE(valid_utf8("caf\xE9!", &bad));
  EXPECT_EQ(bad, 3u);
  // Random short byte strings, biased towards lead and continuation bytes.
  Rng rng(7);
  const unsigned char pool[] = {'a', 0x80, 0x8F, 0x90, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0,
                                0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xBD};
  for (int trial = 0; trial < 200000; ++trial) {
    std::string s;
    const int n = 1 + static_cast<int>(rng.below(6));
    for (int i = 0; i < n; ++i) s += static_cast<char>(pool[rng.below(sizeof pool)]);
    ASSERT_EQ(valid_utf8(s), strict_utf8(s)) << "trial " << trial;
  }
}

}  // namespace
}  // namespace embplay
