// Tokenizer: one pass over UTF-8 text that decodes code points, classifies each with a small table
// of ranges, and groups them into word, ideograph, emoji and punctuation tokens and sentences.
//
// Decisions, and why:
// - No ICU. The core must build unchanged for WebAssembly, and a few hundred bytes of range tables
//   are enough: a non-ASCII code point is a word character (letter, mark or digit of any script)
//   unless the table below says it is punctuation, a symbol, a space, an emoji or a control.
//   Combining marks are word characters, so Devanagari, Thai or Hebrew words with vowel signs stay
//   whole. Unassigned code points also count as letters, so new scripts degrade gracefully.
// - Han ideographs are one token each. Chinese and Japanese write no spaces, and without a
//   dictionary a single ideograph is the only unit we can find; runs of kana or Hangul stay
//   together (Korean does use spaces). Thai and Lao also write no spaces, so a Thai phrase
//   between spaces is one token: a known limitation without a dictionary.
// - An apostrophe (' or U+2019) between two word characters stays in the word and is written as
//   ASCII ', so "don't" and "don’t" are the same word. A '.' between two ASCII digits stays in the
//   number ("3.14"); every other '.' ends the sentence ("e.g." splits; we accept that).
// - Punctuation tokens are single code points, except runs of the same one ("...", "--").
//   Sentence enders are never tokens. Closing quotes and brackets right after an ender (no space)
//   stay in the sentence they close: 'he said "stop." Then' keeps the '"' with "stop".
// - Emoji are always kept (they carry meaning) and never lowercased. A sequence is one token:
//   base + skin tone + variation selector, ZWJ chains, flag pairs, keycaps, tag flags.
//   A symbol followed by U+FE0F (emoji presentation, e.g. ©️ ™️) becomes an emoji token too.
// - Invalid UTF-8 (stray continuation bytes, overlongs, surrogates, > U+10FFFF, truncated
//   sequences) decodes to U+FFFD, one per maximal invalid prefix, and is dropped like a symbol.
//   The decoder never reads past the end and never swallows the valid byte after a bad one.
// - Speed: no allocation per character; the current token is one reused std::string, and only
//   finished tokens are copied into the sentence (most fit in the small-string buffer).
#include "tokenizer.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>

#include "utf8.h"

namespace embplay {
namespace {

// What a code point does to the token stream.
enum class Cls : uint8_t {
  kWord,        // letter, digit or mark of any script: grows a word
  kHan,         // CJK ideograph: a token of its own
  kApostrophe,  // ' or U+2019: inside a word between two word characters, else punctuation
  kSpace,       // ends the token
  kLineBreak,   // ends the token; two with only spaces between end the sentence
  kParagraph,   // U+2029: ends the sentence
  kEnder,       // . ! ? and their script forms: ends the sentence, never a token
  kPunct,       // punctuation or symbol: a token when keep_punctuation
  kEmoji,       // emoji base
  kSkinTone,    // U+1F3FB..1F3FF: extends an emoji, or stands alone as a swatch
  kRegional,    // regional indicator: two make a flag
  kExtend,      // variation selectors, keycap, tags, enclosing marks: extend the open token
  kJoiner,      // ZWNJ / ZWJ: inside a word between word characters; ZWJ chains emoji
  kIgnorable,   // invisible format characters (soft hyphen, bidi marks, BOM): skipped entirely
  kDrop,        // controls, private use, noncharacters, U+FFFD: a dropped symbol
};

struct Range {
  uint32_t lo, hi;
  Cls cls;
};

// Non-ASCII code points NOT in this table are word characters. Sorted by `lo`, non-overlapping.
constexpr Range kRanges[] = {
    {0x0080, 0x0084, Cls::kDrop},  // C1 controls
    {0x0085, 0x0085, Cls::kLineBreak},  // NEL
    {0x0086, 0x009F, Cls::kDrop},
    {0x00A0, 0x00A0, Cls::kSpace},  // NBSP
    {0x00A1, 0x00A9, Cls::kPunct},  // ¡ ¢ £ ¤ ¥ ¦ § ¨ ©   (ª is a letter)
    {0x00AB, 0x00AC, Cls::kPunct},  // « ¬
    {0x00AD, 0x00AD, Cls::kIgnorable},  // soft hyphen: invisible, must not split "co­operate"
    {0x00AE, 0x00B1, Cls::kPunct},  // ® ¯ ° ±   (² ³ are digits)
    {0x00B4, 0x00B4, Cls::kPunct},  // ´   (µ is a letter)
    {0x00B6, 0x00B8, Cls::kPunct},  // ¶ · ¸   (¹ º are digit / letter)
    {0x00BB, 0x00BB, Cls::kPunct},  // »   (¼ ½ ¾ are numbers)
    {0x00BF, 0x00BF, Cls::kPunct},  // ¿
    {0x00D7, 0x00D7, Cls::kPunct},  // ×
    {0x00F7, 0x00F7, Cls::kPunct},  // ÷
    {0x02C2, 0x02C5, Cls::kPunct},  // modifier symbols (spacing accents)
    {0x02D2, 0x02DF, Cls::kPunct},
    {0x02E5, 0x02EB, Cls::kPunct},
    {0x02ED, 0x02ED, Cls::kPunct},
    {0x02EF, 0x02FF, Cls::kPunct},
    {0x034F, 0x034F, Cls::kIgnorable},  // combining grapheme joiner
    {0x0375, 0x0375, Cls::kPunct},      // Greek lower numeral sign
    {0x037E, 0x037E, Cls::kEnder},      // Greek question mark ;
    {0x0384, 0x0385, Cls::kPunct},      // Greek tonos
    {0x0387, 0x0387, Cls::kPunct},      // Greek ano teleia ·
    {0x03F6, 0x03F6, Cls::kPunct},
    {0x0482, 0x0482, Cls::kPunct},      // Cyrillic thousands sign
    {0x055A, 0x055F, Cls::kPunct},      // Armenian punctuation
    {0x0589, 0x0589, Cls::kEnder},      // Armenian full stop
    {0x058A, 0x058A, Cls::kPunct},
    {0x058D, 0x058F, Cls::kPunct},
    {0x05BE, 0x05BE, Cls::kPunct},      // Hebrew maqaf (hyphen)
    {0x05C0, 0x05C0, Cls::kPunct},
    {0x05C3, 0x05C3, Cls::kEnder},      // Hebrew sof pasuq (end of verse)
    {0x05C6, 0x05C6, Cls::kPunct},
    {0x05F3, 0x05F4, Cls::kPunct},      // geresh, gershayim
    {0x0600, 0x0605, Cls::kIgnorable},  // Arabic number signs (format)
    {0x0606, 0x060F, Cls::kPunct},      // Arabic comma U+060C and symbols
    {0x061B, 0x061B, Cls::kPunct},      // Arabic semicolon
    {0x061C, 0x061C, Cls::kIgnorable},  // Arabic letter mark
    {0x061D, 0x061E, Cls::kPunct},
    {0x061F, 0x061F, Cls::kEnder},      // Arabic question mark
    {0x066A, 0x066D, Cls::kPunct},      // Arabic percent, separators, star
    {0x06D4, 0x06D4, Cls::kEnder},      // Arabic full stop
    {0x06DD, 0x06DE, Cls::kPunct},
    {0x06E9, 0x06E9, Cls::kPunct},
    {0x06FD, 0x06FE, Cls::kPunct},
    {0x0700, 0x070D, Cls::kPunct},      // Syriac punctuation
    {0x07F6, 0x07F9, Cls::kPunct},      // NKo punctuation
    {0x0964, 0x0965, Cls::kEnder},      // Devanagari danda, double danda (also Bengali etc.)
    {0x0970, 0x0970, Cls::kPunct},      // Devanagari abbreviation sign
    {0x09F2, 0x09F3, Cls::kPunct},      // Bengali currency
    {0x09FA, 0x09FB, Cls::kPunct},
    {0x0AF0, 0x0AF1, Cls::kPunct},
    {0x0BF3, 0x0BFA, Cls::kPunct},      // Tamil symbols
    {0x0DF4, 0x0DF4, Cls::kPunct},
    {0x0E3F, 0x0E3F, Cls::kPunct},      // Thai baht
    {0x0E4F, 0x0E4F, Cls::kPunct},
    {0x0E5A, 0x0E5B, Cls::kPunct},
    {0x0F04, 0x0F12, Cls::kPunct},      // Tibetan marks (tsheg, shad)
    {0x104A, 0x104B, Cls::kEnder},      // Myanmar section marks
    {0x10FB, 0x10FB, Cls::kPunct},
    {0x1360, 0x1360, Cls::kPunct},
    {0x1361, 0x1361, Cls::kSpace},      // Ethiopic wordspace
    {0x1362, 0x1362, Cls::kEnder},      // Ethiopic full stop
    {0x1363, 0x1366, Cls::kPunct},
    {0x1367, 0x1368, Cls::kEnder},
    {0x166D, 0x166E, Cls::kPunct},
    {0x1680, 0x1680, Cls::kSpace},      // Ogham space
    {0x169B, 0x169C, Cls::kPunct},
    {0x16EB, 0x16ED, Cls::kPunct},
    {0x17D4, 0x17D4, Cls::kEnder},      // Khmer khan (full stop)
    {0x17D5, 0x17D6, Cls::kPunct},
    {0x17D8, 0x17DB, Cls::kPunct},
    {0x1800, 0x1802, Cls::kPunct},      // Mongolian punctuation
    {0x1803, 0x1803, Cls::kEnder},
    {0x1804, 0x180A, Cls::kPunct},
    {0x180B, 0x180F, Cls::kIgnorable},  // Mongolian variation selectors
    {0x1FBD, 0x1FBD, Cls::kPunct},      // Greek spacing accents
    {0x1FBF, 0x1FC1, Cls::kPunct},
    {0x1FCD, 0x1FCF, Cls::kPunct},
    {0x1FDD, 0x1FDF, Cls::kPunct},
    {0x1FED, 0x1FEF, Cls::kPunct},
    {0x1FFD, 0x1FFE, Cls::kPunct},
    {0x2000, 0x200B, Cls::kSpace},      // typographic spaces; ZWSP marks word breaks in Thai/Khmer
    {0x200C, 0x200D, Cls::kJoiner},     // ZWNJ, ZWJ
    {0x200E, 0x200F, Cls::kIgnorable},  // LRM, RLM
    {0x2010, 0x2018, Cls::kPunct},      // dashes, quotes
    {0x2019, 0x2019, Cls::kApostrophe},
    {0x201A, 0x2025, Cls::kPunct},
    {0x2026, 0x2026, Cls::kEnder},      // … ends a sentence like "..."
    {0x2027, 0x2027, Cls::kPunct},
    {0x2028, 0x2028, Cls::kLineBreak},
    {0x2029, 0x2029, Cls::kParagraph},
    {0x202A, 0x202E, Cls::kIgnorable},  // bidi embeddings
    {0x202F, 0x202F, Cls::kSpace},
    {0x2030, 0x203B, Cls::kPunct},
    {0x203C, 0x203D, Cls::kEnder},      // ‼ ‽
    {0x203E, 0x2046, Cls::kPunct},
    {0x2047, 0x2049, Cls::kEnder},      // ⁇ ⁈ ⁉
    {0x204A, 0x205E, Cls::kPunct},
    {0x205F, 0x205F, Cls::kSpace},
    {0x2060, 0x206F, Cls::kIgnorable},  // word joiner, invisible operators, bidi isolates
    {0x207A, 0x207E, Cls::kPunct},      // superscript + - = ( )   (superscript digits are digits)
    {0x208A, 0x208E, Cls::kPunct},      // subscript + - = ( )
    {0x20A0, 0x20CF, Cls::kPunct},      // currency
    {0x20D0, 0x20FF, Cls::kExtend},     // combining marks for symbols, incl. keycap U+20E3
    {0x2100, 0x214F, Cls::kPunct},      // letterlike symbols ™ ℃ №
    {0x2190, 0x2319, Cls::kPunct},      // arrows, maths, technical
    {0x231A, 0x231B, Cls::kEmoji},      // ⌚ ⌛
    {0x231C, 0x23E8, Cls::kPunct},
    {0x23E9, 0x23F3, Cls::kEmoji},      // ⏩ .. ⏳
    {0x23F4, 0x23F7, Cls::kPunct},
    {0x23F8, 0x23FA, Cls::kEmoji},
    {0x23FB, 0x25FA, Cls::kPunct},      // control pictures, enclosed alphanumerics, box drawing
    {0x25FB, 0x25FE, Cls::kEmoji},      // ◻ ◼ ◽ ◾
    {0x25FF, 0x25FF, Cls::kPunct},
    {0x2600, 0x27BF, Cls::kEmoji},      // miscellaneous symbols and dingbats
    {0x27C0, 0x2B04, Cls::kPunct},      // maths, supplemental arrows
    {0x2B05, 0x2B07, Cls::kEmoji},      // ⬅ ⬆ ⬇
    {0x2B08, 0x2B1A, Cls::kPunct},
    {0x2B1B, 0x2B1C, Cls::kEmoji},      // ⬛ ⬜
    {0x2B1D, 0x2B4F, Cls::kPunct},
    {0x2B50, 0x2B50, Cls::kEmoji},      // ⭐
    {0x2B51, 0x2B54, Cls::kPunct},
    {0x2B55, 0x2B55, Cls::kEmoji},      // ⭕
    {0x2B56, 0x2BFF, Cls::kPunct},
    {0x2CE5, 0x2CEA, Cls::kPunct},      // Coptic symbols
    {0x2CF9, 0x2CFC, Cls::kPunct},
    {0x2CFE, 0x2CFF, Cls::kPunct},
    {0x2E00, 0x2E7F, Cls::kPunct},      // supplemental punctuation
    {0x2E80, 0x2FDF, Cls::kHan},        // CJK and Kangxi radicals: stand-ins for ideographs
    {0x2FF0, 0x2FFF, Cls::kPunct},      // ideographic description characters
    {0x3000, 0x3000, Cls::kSpace},      // ideographic space
    {0x3001, 0x3001, Cls::kPunct},      // 、
    {0x3002, 0x3002, Cls::kEnder},      // 。
    {0x3003, 0x3004, Cls::kPunct},
    {0x3005, 0x3007, Cls::kHan},        // 々 〆 〇: behave like ideographs
    {0x3008, 0x3020, Cls::kPunct},      // CJK brackets, postal mark, wave dash
    {0x3021, 0x3029, Cls::kHan},        // Hangzhou numerals
    {0x302A, 0x302F, Cls::kExtend},     // ideographic tone marks
    {0x3030, 0x3030, Cls::kEmoji},      // 〰
    {0x3036, 0x3037, Cls::kPunct},
    {0x3038, 0x303B, Cls::kHan},
    {0x303D, 0x303D, Cls::kEmoji},      // 〽
    {0x303E, 0x303F, Cls::kPunct},
    {0x30A0, 0x30A0, Cls::kPunct},      // ゠
    {0x30FB, 0x30FB, Cls::kPunct},      // katakana middle dot ・
    {0x3190, 0x319F, Cls::kPunct},      // kanbun
    {0x31C0, 0x31EF, Cls::kPunct},      // CJK strokes
    {0x3200, 0x33FF, Cls::kPunct},      // enclosed CJK, CJK compatibility (㊗️ ㊙️ via FE0F)
    {0x3400, 0x4DBF, Cls::kHan},        // CJK extension A
    {0x4DC0, 0x4DFF, Cls::kPunct},      // Yijing hexagrams
    {0x4E00, 0x9FFF, Cls::kHan},        // CJK unified ideographs
    {0xA490, 0xA4C6, Cls::kPunct},      // Yi radicals
    {0xA4FE, 0xA4FF, Cls::kPunct},
    {0xA60D, 0xA60F, Cls::kPunct},
    {0xA6F2, 0xA6F7, Cls::kPunct},
    {0xA700, 0xA716, Cls::kPunct},      // modifier tone letters
    {0xA720, 0xA721, Cls::kPunct},
    {0xA828, 0xA82B, Cls::kPunct},
    {0xA874, 0xA877, Cls::kPunct},
    {0xA8CE, 0xA8CF, Cls::kPunct},
    {0xA92E, 0xA92F, Cls::kPunct},
    {0xA9C1, 0xA9CD, Cls::kPunct},
    {0xAA5C, 0xAA5F, Cls::kPunct},
    {0xABEB, 0xABEB, Cls::kPunct},
    {0xD800, 0xDFFF, Cls::kDrop},       // surrogates (the decoder already rejects them)
    {0xE000, 0xF8FF, Cls::kDrop},       // private use: no shared meaning
    {0xF900, 0xFAFF, Cls::kHan},        // CJK compatibility ideographs
    {0xFB29, 0xFB29, Cls::kPunct},
    {0xFD3E, 0xFD3F, Cls::kPunct},      // ornate parentheses
    {0xFDD0, 0xFDEF, Cls::kDrop},       // noncharacters
    {0xFDFC, 0xFDFF, Cls::kPunct},
    {0xFE00, 0xFE0F, Cls::kExtend},     // variation selectors (FE0F: emoji presentation)
    {0xFE10, 0xFE11, Cls::kPunct},      // vertical forms
    {0xFE12, 0xFE12, Cls::kEnder},
    {0xFE13, 0xFE14, Cls::kPunct},
    {0xFE15, 0xFE16, Cls::kEnder},
    {0xFE17, 0xFE19, Cls::kPunct},
    {0xFE20, 0xFE2F, Cls::kExtend},     // combining half marks
    {0xFE30, 0xFE51, Cls::kPunct},      // CJK compatibility forms, small forms
    {0xFE52, 0xFE52, Cls::kEnder},      // small full stop
    {0xFE53, 0xFE55, Cls::kPunct},
    {0xFE56, 0xFE57, Cls::kEnder},      // small ? !
    {0xFE58, 0xFE6B, Cls::kPunct},
    {0xFEFF, 0xFEFF, Cls::kIgnorable},  // BOM / zero-width no-break space
    {0xFF01, 0xFF01, Cls::kEnder},      // ！
    {0xFF02, 0xFF0D, Cls::kPunct},
    {0xFF0E, 0xFF0E, Cls::kEnder},      // ．
    {0xFF0F, 0xFF0F, Cls::kPunct},
    {0xFF1A, 0xFF1E, Cls::kPunct},
    {0xFF1F, 0xFF1F, Cls::kEnder},      // ？
    {0xFF20, 0xFF20, Cls::kPunct},
    {0xFF3B, 0xFF40, Cls::kPunct},
    {0xFF5B, 0xFF60, Cls::kPunct},
    {0xFF61, 0xFF61, Cls::kEnder},      // halfwidth 。
    {0xFF62, 0xFF65, Cls::kPunct},
    {0xFFE0, 0xFFEE, Cls::kPunct},      // fullwidth symbols
    {0xFFF0, 0xFFF8, Cls::kDrop},
    {0xFFF9, 0xFFFB, Cls::kIgnorable},  // interlinear annotation
    {0xFFFC, 0xFFFF, Cls::kDrop},       // object replacement, U+FFFD, noncharacters
    {0x10100, 0x10102, Cls::kPunct},    // Aegean word separators
    {0x1D000, 0x1D24F, Cls::kPunct},    // musical symbols
    {0x1D300, 0x1D35F, Cls::kPunct},    // Tai Xuan Jing
    {0x1F000, 0x1F1E5, Cls::kEmoji},    // mahjong, cards, enclosed alphanumerics 🅰 🆎
    {0x1F1E6, 0x1F1FF, Cls::kRegional},
    {0x1F200, 0x1F3FA, Cls::kEmoji},
    {0x1F3FB, 0x1F3FF, Cls::kSkinTone},
    {0x1F400, 0x1FAFF, Cls::kEmoji},
    {0x1FB00, 0x1FBFF, Cls::kPunct},    // legacy computing symbols
    {0x20000, 0x2FFFF, Cls::kHan},      // CJK extensions B-F, compatibility supplement
    {0x30000, 0x323AF, Cls::kHan},      // CJK extensions G, H
    {0xE0000, 0xE001F, Cls::kIgnorable},
    {0xE0020, 0xE007F, Cls::kExtend},   // tags: subdivision flags 🏴󠁧󠁢󠁳󠁣󠁴󠁿
    {0xE0080, 0xE00FF, Cls::kIgnorable},
    {0xE0100, 0xE01EF, Cls::kExtend},   // ideographic variation selectors
    {0xE01F0, 0xEFFFF, Cls::kIgnorable},
    {0xF0000, 0x10FFFF, Cls::kDrop},    // private use planes
};

constexpr bool ranges_sorted() {
  for (size_t i = 0; i < sizeof(kRanges) / sizeof(kRanges[0]); ++i) {
    if (kRanges[i].lo > kRanges[i].hi) return false;
    if (i > 0 && kRanges[i].lo <= kRanges[i - 1].hi) return false;
  }
  return true;
}
static_assert(ranges_sorted(), "kRanges must be sorted and non-overlapping for the binary search");

constexpr std::array<Cls, 128> make_ascii_table() {
  std::array<Cls, 128> t{};
  for (int c = 0; c < 128; ++c) {
    Cls k = Cls::kPunct;
    if (c < 0x20 || c == 0x7F) k = Cls::kDrop;
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) k = Cls::kWord;
    t[c] = k;
  }
  t['\t'] = t[' '] = Cls::kSpace;
  t['\n'] = t['\v'] = t['\f'] = t['\r'] = Cls::kLineBreak;
  t['.'] = t['!'] = t['?'] = Cls::kEnder;
  t['\''] = Cls::kApostrophe;
  return t;
}
constexpr std::array<Cls, 128> kAscii = make_ascii_table();

inline Cls classify(uint32_t cp) {
  if (cp < 0x80) return kAscii[cp];
  if ((cp & 0xFFFE) == 0xFFFE) return Cls::kDrop;  // U+xFFFE / U+xFFFF noncharacters
  const Range* end = kRanges + sizeof(kRanges) / sizeof(kRanges[0]);
  const Range* it =
      std::upper_bound(kRanges, end, cp, [](uint32_t v, const Range& r) { return v < r.lo; });
  if (it != kRanges && cp <= (it - 1)->hi) return (it - 1)->cls;
  return Cls::kWord;
}

// Simple one-to-one case folding for the scripts the header promises (plus Armenian and
// Vietnamese's Latin Extended Additional); everything else is returned unchanged.
inline uint32_t to_lower(uint32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 0x20 : c;
  if (c < 0xC0) return c;
  if (c <= 0xDE) return c == 0xD7 ? c : c + 0x20;  // À..Þ, except ×
  if (c < 0x100) return c;
  if (c < 0x180) {  // Latin Extended-A: upper/lower pairs, with a few shifts in parity
    if (c == 0x130) return 'i';  // İ: dotted capital I folds to plain i
    if (c == 0x178) return 0xFF;  // Ÿ -> ÿ
    if (c <= 0x137 || (c >= 0x14A && c <= 0x177)) return c | 1;  // even upper, odd lower
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c & 1) ? c + 1 : c;
    return c;
  }
  if (c < 0x386) return c;
  if (c < 0x400) {  // Greek
    if (c == 0x386) return 0x3AC;                        // Ά
    if (c >= 0x388 && c <= 0x38A) return c + 0x25;       // Έ Ή Ί
    if (c == 0x38C) return 0x3CC;                        // Ό
    if (c == 0x38E || c == 0x38F) return c + 0x3F;       // Ύ Ώ
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 0x20;  // Α..Ω, Ϊ Ϋ
    return c;
  }
  if (c < 0x530) {  // Cyrillic
    if (c <= 0x40F) return c + 0x50;                     // Ѐ..Џ
    if (c <= 0x42F) return c + 0x20;                     // А..Я
    if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x52F))
      return c | 1;                                      // historic and non-Russian letters, pairs
    if (c == 0x4C0) return 0x4CF;                        // Ӏ palochka
    if (c >= 0x4C1 && c <= 0x4CE) return (c & 1) ? c + 1 : c;
    return c;
  }
  if (c >= 0x531 && c <= 0x556) return c + 0x30;        // Armenian
  if (c >= 0x1E00 && c <= 0x1EFF) {                     // Latin Extended Additional (Vietnamese)
    if (c == 0x1E9E) return 0xDF;                        // ẞ -> ß
    if (c <= 0x1E95 || c >= 0x1EA0) return c | 1;
    return c;
  }
  return c;
}

inline bool is_ascii_digit(uint32_t c) { return c >= '0' && c <= '9'; }

// Quotes and brackets that close what an ender ended; they stay with that sentence.
inline bool is_closing(uint32_t c) {
  switch (c) {
    case '"': case '\'': case ')': case ']': case '}':
    case 0x00BB: case 0x2019: case 0x201D: case 0x203A:
    case 0x3009: case 0x300B: case 0x300D: case 0x300F: case 0x3011: case 0x3015: case 0x3017:
    case 0xFF02: case 0xFF07: case 0xFF09: case 0xFF3D: case 0xFF63:
      return true;
    default:
      return false;
  }
}

// One run over one text. Holds the token being built and the sentence being filled.
class Splitter {
 public:
  Splitter(const std::string& text, const TokenizerOptions& options)
      : s_(reinterpret_cast<const unsigned char*>(text.data())), n_(text.size()), opt_(options) {}

  std::vector<Sentence> run() {
    size_t i = 0;
    while (i < n_) {
      uint32_t cp;
      const size_t len = decode_utf8(s_, n_, i, cp);
      size_t next = i + len;
      step(cp, classify(cp), i, len, next);
      i = next;
    }
    end_sentence();
    return std::move(out_);
  }

 private:
  enum class Kind : uint8_t { kNone, kWord, kHan, kEmoji, kPunct };

  // Handles one code point at s_[i, i + len); may advance `next` (to swallow the \n of \r\n).
  void step(uint32_t cp, Cls c, size_t i, size_t len, size_t& next) {
    if (c == Cls::kIgnorable) return;
    // A sentence that just ended is closed by the first thing that is not another ender, a
    // closing quote/bracket, or a mark extending the ender.
    if (end_pending_ && c != Cls::kEnder && c != Cls::kExtend && c != Cls::kJoiner &&
        !is_closing(cp)) {
      end_sentence();
    }
    if (c != Cls::kSpace && c != Cls::kLineBreak) line_breaks_ = 0;

    switch (c) {
      case Cls::kWord:
        if (keycap_follows(cp, next)) {
          start(Kind::kEmoji);
          append_raw(cp, i, len);
        } else {
          if (kind_ != Kind::kWord) start(Kind::kWord);
          append_word(cp, i, len);
        }
        break;
      case Cls::kHan:
        start(Kind::kHan);
        append_raw(cp, i, len);
        break;
      case Cls::kApostrophe:
        if (kind_ == Kind::kWord && next_class(next) == Cls::kWord) {
          token_ += '\'';  // ’ and ' spell the same word
          prev_cp_ = '\'';
        } else {
          punct(cp, i, len);
        }
        break;
      case Cls::kEnder:
        if (cp == '.' && kind_ == Kind::kWord && is_ascii_digit(prev_cp_) && next < n_ &&
            is_ascii_digit(s_[next])) {
          append_raw(cp, i, len);  // decimal point: "3.14"
        } else {
          close_token();
          end_pending_ = true;
        }
        break;
      case Cls::kPunct:
        if (keycap_follows(cp, next)) {  // #️⃣ *️⃣
          start(Kind::kEmoji);
          append_raw(cp, i, len);
        } else {
          punct(cp, i, len);
        }
        break;
      case Cls::kEmoji:
        if (!(kind_ == Kind::kEmoji && after_zwj_)) start(Kind::kEmoji);
        append_raw(cp, i, len);
        after_zwj_ = false;
        break;
      case Cls::kSkinTone:  // modifies the emoji before it; alone it is a colour swatch
        if (kind_ != Kind::kEmoji) start(Kind::kEmoji);
        append_raw(cp, i, len);
        after_zwj_ = false;
        break;
      case Cls::kRegional:  // flags are pairs: 🇫🇷🇩🇪 is two tokens
        if (kind_ == Kind::kEmoji && (after_zwj_ || regional_ == 1)) {
          ++regional_;
        } else {
          start(Kind::kEmoji);
          regional_ = 1;
        }
        append_raw(cp, i, len);
        after_zwj_ = false;
        break;
      case Cls::kExtend:
        if (kind_ == Kind::kNone) break;  // nothing to extend: dropped
        if (kind_ == Kind::kPunct && cp == 0xFE0F) kind_ = Kind::kEmoji;  // ©️ ™️ ↔️
        append_raw(cp, i, len);
        break;
      case Cls::kJoiner:
        if (kind_ == Kind::kEmoji && cp == 0x200D) {
          append_raw(cp, i, len);
          after_zwj_ = true;
        } else if (kind_ == Kind::kWord && next_class(next) == Cls::kWord) {
          append_raw(cp, i, len);  // Persian and Indic words use ZWNJ / ZWJ inside words
        } else {
          close_token();
        }
        break;
      case Cls::kSpace:
        close_token();
        break;
      case Cls::kLineBreak:
        close_token();
        if (cp == '\r' && next < n_ && s_[next] == '\n') ++next;  // \r\n is one break
        if (++line_breaks_ >= 2) end_sentence();  // blank line
        break;
      case Cls::kParagraph:
        end_sentence();
        break;
      case Cls::kDrop:
      case Cls::kIgnorable:
        close_token();
        break;
    }
  }

  Cls next_class(size_t next) const {
    if (next >= n_) return Cls::kSpace;
    uint32_t cp;
    decode_utf8(s_, n_, next, cp);
    return classify(cp);
  }

  // A keycap emoji is [0-9#*], optionally U+FE0F, then U+20E3.
  bool keycap_follows(uint32_t cp, size_t next) const {
    if (!(is_ascii_digit(cp) || cp == '#' || cp == '*')) return false;
    if (next >= n_ || (s_[next] != 0xE2 && s_[next] != 0xEF)) return false;  // cheap reject
    uint32_t a;
    size_t la = decode_utf8(s_, n_, next, a);
    if (a == 0x20E3) return true;
    if (a != 0xFE0F || next + la >= n_) return false;
    uint32_t b;
    decode_utf8(s_, n_, next + la, b);
    return b == 0x20E3;
  }

  void punct(uint32_t cp, size_t i, size_t len) {
    if (!(kind_ == Kind::kPunct && punct_cp_ == cp)) {  // runs of one mark are one token: ... --
      start(Kind::kPunct);
      punct_cp_ = cp;
    }
    append_raw(cp, i, len);
  }

  void append_raw(uint32_t cp, size_t i, size_t len) {
    token_.append(reinterpret_cast<const char*>(s_ + i), len);
    prev_cp_ = cp;
  }

  void append_word(uint32_t cp, size_t i, size_t len) {
    const uint32_t lower = opt_.lowercase ? to_lower(cp) : cp;
    if (lower < 0x80) {
      token_ += static_cast<char>(lower);  // the common case: one byte, no append call
    } else if (lower == cp) {
      token_.append(reinterpret_cast<const char*>(s_ + i), len);
    } else {
      append_utf8(token_, lower);
    }
    prev_cp_ = cp;
  }

  void start(Kind kind) {
    close_token();
    kind_ = kind;
  }

  void close_token() {
    if (kind_ == Kind::kEmoji && token_.size() >= 3 &&
        token_.compare(token_.size() - 3, 3, "\xE2\x80\x8D") == 0) {
      token_.resize(token_.size() - 3);  // a ZWJ that joined nothing
    }
    if (!token_.empty() && (kind_ != Kind::kPunct || opt_.keep_punctuation)) {
      sentence_.push_back(token_);
    }
    token_.clear();  // keeps its capacity
    kind_ = Kind::kNone;
    prev_cp_ = 0;
    punct_cp_ = 0;
    regional_ = 0;
    after_zwj_ = false;
  }

  void end_sentence() {
    close_token();
    end_pending_ = false;
    if (!sentence_.empty()) {
      const size_t last = sentence_.size();
      out_.push_back(std::move(sentence_));
      sentence_ = Sentence();
      sentence_.reserve(last);  // sentences are similar in length: skip the regrowth
    }
  }

  const unsigned char* s_;  // the text, n_ bytes
  size_t n_;
  const TokenizerOptions& opt_;

  std::vector<Sentence> out_;
  Sentence sentence_;           // tokens of the sentence being read
  std::string token_;           // the token being built, reused across tokens
  Kind kind_ = Kind::kNone;     // what token_ is
  uint32_t prev_cp_ = 0;        // last code point appended to token_ (before lowercasing)
  uint32_t punct_cp_ = 0;       // the mark a punctuation run repeats
  int regional_ = 0;            // regional indicators in the current emoji token
  bool after_zwj_ = false;      // the emoji token ends in ZWJ: the next emoji joins it
  bool end_pending_ = false;    // an ender was seen; the sentence closes at the next content
  int line_breaks_ = 0;         // line breaks since the last non-space code point
};

}  // namespace

std::vector<Sentence> tokenize(const std::string& text, const TokenizerOptions& options) {
  return Splitter(text, options).run();
}

std::vector<std::string> tokenize_words(const std::string& text, const TokenizerOptions& options) {
  std::vector<std::string> words;
  for (auto& sentence : tokenize(text, options))
    words.insert(words.end(), std::make_move_iterator(sentence.begin()), std::make_move_iterator(sentence.end()));
  return words;
}

}  // namespace embplay
