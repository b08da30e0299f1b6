// Tests for the tokenizer: words of many scripts, case folding, punctuation, emoji sequences,
// sentence boundaries, and robustness against broken UTF-8 (specific cases plus a seeded fuzz run).
#include "tokenizer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common.h"
#include "utf8.h"

namespace embplay {
namespace {

using Sentences = std::vector<Sentence>;

TokenizerOptions keep_punct() {
  TokenizerOptions o;
  o.keep_punctuation = true;
  return o;
}

Sentence flatten(const Sentences& sentences) {
  Sentence all;
  for (const Sentence& s : sentences) all.insert(all.end(), s.begin(), s.end());
  return all;
}

TEST(Tokenizer, EnglishDropsPunctuationByDefault) {
  const Sentences got = tokenize("Hello, world! The cat's hat (red) is here.");
  const Sentences want = {{"hello", "world"}, {"the", "cat's", "hat", "red", "is", "here"}};
  EXPECT_EQ(got, want);
}

TEST(Tokenizer, KeepsPunctuationAsTokensButNeverSentenceEnders) {
  const Sentences got =
      tokenize("Hello, world! A well-known (red) hat -- really; \"yes\".", keep_punct());
  const Sentences want = {
      {"hello", ",", "world"},
      {"a", "well", "-", "known", "(", "red", ")", "hat", "--", "really", ";", "\"", "yes", "\""}};
  EXPECT_EQ(got, want);
}

TEST(Tokenizer, RunsOfOneMarkAreOneTokenButMixedMarksSplit) {
  EXPECT_EQ(tokenize("a ,,, b :-) c", keep_punct()),
            (Sentences{{"a", ",,,", "b", ":", "-", ")", "c"}}));
}

TEST(Tokenizer, LowercaseCanBeTurnedOff) {
  TokenizerOptions o;
  o.lowercase = false;
  EXPECT_EQ(tokenize("The Cat ÉTÉ Москва", o), (Sentences{{"The", "Cat", "ÉTÉ", "Москва"}}));
}

TEST(Tokenizer, LowercasesLatinGreekCyrillicArmenian) {
  // Latin-1, Latin Extended-A (incl. İ -> i and Ÿ -> ÿ), Greek with tonos, Cyrillic (Ё Ї are
  // outside А..Я), Ukrainian Ґ, Armenian.
  const Sentences got = tokenize(
      "ÀÉÎÕÜ ÇÑØÞ ŁÓDŹ ŒUVRE İSTANBUL ŸES ΑΘΗΝΑ ΆΛΦΑ ΣΟΦΙΑ ПРИВЕТ ЁЛКА ЇЖАК ҐАНОК ՀԱՅԱՍՏԱՆ");
  const Sentences want = {{"àéîõü", "çñøþ", "łódź", "œuvre", "istanbul", "ÿes", "αθηνα", "άλφα",
                           "σοφια", "привет", "ёлка", "їжак", "ґанок", "հայաստան"}};
  EXPECT_EQ(got, want);
}

TEST(Tokenizer, MultiplicationAndDivisionSignsAreNotLetters) {
  EXPECT_EQ(tokenize("3×4 ÷ 2", keep_punct()), (Sentences{{"3", "×", "4", "÷", "2"}}));
}

TEST(Tokenizer, WordsOfManyScriptsStayWhole) {
  // Combining marks (Devanagari vowel signs and virama, Thai vowels and tones, Hebrew points)
  // belong to their word; each script's own punctuation splits or ends sentences.
  EXPECT_EQ(tokenize("Привет, мир! Γειά σου κόσμε"),
            (Sentences{{"привет", "мир"}, {"γειά", "σου", "κόσμε"}}));
  EXPECT_EQ(tokenize("مرحبا بالعالم، كيف الحال؟ جيد"),
            (Sentences{{"مرحبا", "بالعالم", "كيف", "الحال"}, {"جيد"}}));
  EXPECT_EQ(tokenize("نمی‌دانم"), (Sentences{{"نمی‌دانم"}}));  // ZWNJ inside a Persian word
  EXPECT_EQ(tokenize("नमस्ते दुनिया। आप कैसे हैं?"),
            (Sentences{{"नमस्ते", "दुनिया"}, {"आप", "कैसे", "हैं"}}));
  EXPECT_EQ(tokenize("שָׁלוֹם עולם"), (Sentences{{"שָׁלוֹם", "עולם"}}));
  EXPECT_EQ(tokenize("สวัสดีครับ ประเทศไทย"), (Sentences{{"สวัสดีครับ", "ประเทศไทย"}}));
  EXPECT_EQ(tokenize("안녕하세요 세계"), (Sentences{{"안녕하세요", "세계"}}));
  EXPECT_EQ(tokenize("Բարեւ Հայաստան։ Ոչ"), (Sentences{{"բարեւ", "հայաստան"}, {"ոչ"}}));
}

TEST(Tokenizer, HanIdeographsAreSingleTokensKanaRunsStayTogether) {
  EXPECT_EQ(tokenize("我爱北京。東京タワーに行く"),
            (Sentences{{"我", "爱", "北", "京"}, {"東", "京", "タワーに", "行", "く"}}));
  // Extension B ideograph (4-byte UTF-8) and the ideographic space and comma.
  EXPECT_EQ(tokenize("𠀋中\u3000文、字", keep_punct()),
            (Sentences{{"𠀋", "中", "文", "、", "字"}}));
}

TEST(Tokenizer, EmojiAreWholeTokensEvenWithoutPunctuation) {
  EXPECT_EQ(tokenize("hi😀there"), (Sentences{{"hi", "😀", "there"}}));
  // ZWJ family, flags (two pairs side by side), skin tones, keycaps, VS16, rainbow flag, tag flag.
  EXPECT_EQ(tokenize("👨‍👩‍👧 family"), (Sentences{{"👨‍👩‍👧", "family"}}));
  EXPECT_EQ(tokenize("🇫🇷🇩🇪"), (Sentences{{"🇫🇷", "🇩🇪"}}));
  EXPECT_EQ(tokenize("👍🏽👍 🏻"), (Sentences{{"👍🏽", "👍", "🏻"}}));
  EXPECT_EQ(tokenize("1️⃣ #️⃣ 10"), (Sentences{{"1️⃣", "#️⃣", "10"}}));
  EXPECT_EQ(tokenize("I❤️NY 🏳️‍🌈 🏴󠁧󠁢󠁳󠁣󠁴󠁿"), (Sentences{{"i", "❤️", "ny", "🏳️‍🌈", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"}}));
  // A symbol with emoji presentation (U+FE0F) is kept; the bare symbol is punctuation.
  EXPECT_EQ(tokenize("©️ ©"), (Sentences{{"©️"}}));
  // A ZWJ that joins nothing is not left dangling on the emoji.
  EXPECT_EQ(tokenize("😀\u200Dok"), (Sentences{{"😀", "ok"}}));
}

TEST(Tokenizer, SentencesEndAtEndersAndBlankLines) {
  EXPECT_EQ(tokenize("One. Two! Three? Four。Five！Six？Seven"),
            (Sentences{{"one"}, {"two"}, {"three"}, {"four"}, {"five"}, {"six"}, {"seven"}}));
  // Runs of enders end one sentence; a single line break does not end one, a blank line
  // (possibly holding spaces) does, with \n or \r\n.
  EXPECT_EQ(tokenize("Wait?! Really... ok"), (Sentences{{"wait"}, {"really"}, {"ok"}}));
  EXPECT_EQ(tokenize("line one\nline two\n \t\nnew para\r\n\r\nlast"),
            (Sentences{{"line", "one", "line", "two"}, {"new", "para"}, {"last"}}));
  EXPECT_EQ(tokenize("no\r\nbreak"), (Sentences{{"no", "break"}}));
}

TEST(Tokenizer, PeriodBetweenDigitsStaysInTheNumber) {
  EXPECT_EQ(tokenize("Pi is 3.14 and e is 2.718. Next"),
            (Sentences{{"pi", "is", "3.14", "and", "e", "is", "2.718"}, {"next"}}));
  EXPECT_EQ(tokenize("Chapter 3. 14 pages"), (Sentences{{"chapter", "3"}, {"14", "pages"}}));
}

TEST(Tokenizer, ClosingQuoteStaysWithTheSentenceItCloses) {
  EXPECT_EQ(tokenize("He said \"stop.\" Then (he left.) Done", keep_punct()),
            (Sentences{{"he", "said", "\"", "stop", "\""},
                       {"then", "(", "he", "left", ")"},
                       {"done"}}));
}

TEST(Tokenizer, ApostrophesInsideWordsOnly) {
  EXPECT_EQ(tokenize("don't l'homme don’t 'quoted' dogs' rock'n'roll"),
            (Sentences{{"don't", "l'homme", "don't", "quoted", "dogs", "rock'n'roll"}}));
  EXPECT_EQ(tokenize("'quoted' dogs'", keep_punct()),
            (Sentences{{"'", "quoted", "'", "dogs", "'"}}));
}

TEST(Tokenizer, InvalidUtf8IsDroppedWithoutSwallowingNeighbours) {
  EXPECT_EQ(tokenize("ab\x80" "cd"), (Sentences{{"ab", "cd"}}));               // lone continuation
  EXPECT_EQ(tokenize("ab\xE2\x82"), (Sentences{{"ab"}}));                     // truncated at end
  EXPECT_EQ(tokenize("caf\xC3"), (Sentences{{"caf"}}));                        // truncated é
  EXPECT_EQ(tokenize("\xFF\xFE" "ab\xFF"), (Sentences{{"ab"}}));               // never in UTF-8
  EXPECT_EQ(tokenize("x\xC0\xAFy"), (Sentences{{"x", "y"}}));                  // overlong '/'
  EXPECT_EQ(tokenize("x\xE0\x80\xAFy"), (Sentences{{"x", "y"}}));              // 3-byte overlong
  EXPECT_EQ(tokenize("x\xF0\x80\x80\xAFy"), (Sentences{{"x", "y"}}));          // 4-byte overlong
  EXPECT_EQ(tokenize("x\xED\xA0\x80y"), (Sentences{{"x", "y"}}));              // surrogate U+D800
  EXPECT_EQ(tokenize("x\xF4\x90\x80\x80y"), (Sentences{{"x", "y"}}));          // above U+10FFFF
  // A broken lead byte must not eat the valid characters after it.
  EXPECT_EQ(tokenize("\xE2(abc \xF0\x9F\x98 ok", keep_punct()), (Sentences{{"(", "abc", "ok"}}));
  // U+FFFD itself is a dropped symbol too, even with punctuation kept.
  EXPECT_EQ(tokenize("a\xEF\xBF\xBD" "b", keep_punct()), (Sentences{{"a", "b"}}));
}

TEST(Tokenizer, EmptyWhitespaceAndPunctuationOnlyGiveNoSentences) {
  EXPECT_TRUE(tokenize("").empty());
  EXPECT_TRUE(tokenize("   \n\n \t \r\n").empty());
  EXPECT_TRUE(tokenize("... !!! ,,, ??? -- ()").empty());
  EXPECT_TRUE(tokenize("?! . 。 …", keep_punct()).empty());
}

TEST(Tokenizer, ReservedWordsCannotBeProduced) {
  // '<' and '>' are punctuation, so "<pad>" and "<unk>" in the text never collide with ids 0 and 1.
  const Sentences got = tokenize("<pad> <unk>", keep_punct());
  EXPECT_EQ(got, (Sentences{{"<", "pad", ">", "<", "unk", ">"}}));
}

TEST(Tokenizer, InvisibleFormatCharactersDoNotSplitWords) {
  // Soft hyphen, byte-order mark, word joiner.
  EXPECT_EQ(tokenize("\xEF\xBB\xBF" "co\u00ADoperate wo\u2060rd"),
            (Sentences{{"cooperate", "word"}}));
}

TEST(Tokenizer, LargeInputGivesRepeatedResult) {
  // A paragraph ending in a blank line, repeated: no state may leak from one copy to the next.
  const std::string para =
      "The quick brown fox, 3.14 times — jumps! Über naïve café. Москва 東京 😀👍🏽 don't.\n\n";
  const Sentences one = tokenize(para);
  std::string big;
  const int reps = 20000;  // about 1.8 MB
  for (int r = 0; r < reps; ++r) big += para;
  const Sentences all = tokenize(big);
  ASSERT_EQ(all.size(), one.size() * reps);
  for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], one[i % one.size()]);
}

// Random bytes mixed with fragments of real multi-byte characters (some cut short), so the
// decoder and the emoji/word state machine both meet every kind of broken and valid input.
std::string random_text(Rng& rng) {
  static const std::vector<std::string> pieces = {
      "a", "Z", "7", ".", "!", "?", " ", "\n", "\r\n", "'", "’", ",", "-", "é", "Ω", "я", "中", "。",
      "😀", "🏽", "\u200D", "\uFE0F", "\u20E3", "🇫", "🇷", "👨", "\u0301", "\u00AD", "\u2029",
      "\xF0\x9F", "\xE4\xB8", "\xC3", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC0\x80",
      "\xEF\xBF\xBD"};
  std::string s;
  const uint32_t len = rng.below(120);
  for (uint32_t k = 0; k < len; ++k) {
    if (rng.below(3) == 0) {
      s += static_cast<char>(rng.below(256));
    } else {
      s += pieces[rng.below(static_cast<uint32_t>(pieces.size()))];
    }
  }
  return s;
}

bool is_only_enders(const std::string& t) {
  return t.find_first_not_of(".!?") == std::string::npos;
}

TEST(Tokenizer, FuzzedBytesGiveValidNonEmptyTokens) {
  Rng rng(20240611);
  TokenizerOptions cased;
  cased.lowercase = false;
  for (int trial = 0; trial < 2000; ++trial) {
    const std::string text = random_text(rng);
    const Sentences kept = tokenize(text, keep_punct());
    const Sentences dropped = tokenize(text);
    for (const Sentence& s : kept) {
      ASSERT_FALSE(s.empty()) << "trial " << trial;
      for (const std::string& t : s) {
        ASSERT_FALSE(t.empty()) << "trial " << trial;
        ASSERT_TRUE(valid_utf8(t)) << "trial " << trial;
        ASSERT_EQ(t.find("\xEF\xBF\xBD"), std::string::npos) << "U+FFFD leaked, trial " << trial;
        ASSERT_EQ(t.find_first_of(" \t\r\n"), std::string::npos) << "trial " << trial;
        ASSERT_FALSE(is_only_enders(t)) << "sentence ender kept as a token, trial " << trial;
      }
    }
    // Dropping punctuation only removes tokens: the words keep their order.
    const Sentence all_kept = flatten(kept), all_dropped = flatten(dropped);
    size_t j = 0;
    for (size_t i = 0; i < all_kept.size() && j < all_dropped.size(); ++i) {
      if (all_kept[i] == all_dropped[j]) ++j;
    }
    ASSERT_EQ(j, all_dropped.size()) << "trial " << trial;
    // Case folding never moves a token boundary.
    const Sentences unfolded = tokenize(text, cased);
    ASSERT_EQ(unfolded.size(), dropped.size()) << "trial " << trial;
    for (size_t i = 0; i < unfolded.size(); ++i) {
      ASSERT_EQ(unfolded[i].size(), dropped[i].size()) << "trial " << trial;
    }
  }
}

}  // namespace
}  // namespace embplay
