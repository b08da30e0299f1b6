// Units of text: sentence spans from the tokenizer's rules, paragraphs, and the documents readers
// (lines, JSON lines, CSV with RFC 4180 quoting), with their line numbers and errors.
#include <gtest/gtest.h>

#include "settings.h"
#include "text_units.h"

namespace embplay {
namespace {

std::vector<std::string> texts(const Units& u) {
  std::vector<std::string> out;
  for (size_t i = 0; i < u.size(); ++i) out.emplace_back(u.unit(i));
  return out;
}

UnitOptions kind(UnitKind k) {
  UnitOptions o;
  o.kind = k;
  return o;
}

std::string error_of(const std::string& source, const UnitOptions& o) {
  try {
    split_units(source, o);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Sentences, KeepTheirOriginalTextWithEndersAndClosingQuotes) {
  const Units u = split_units("Hello World.  \"Is it?\" she asked.\n\nNew para\nstill it", kind(UnitKind::kSentences));
  EXPECT_EQ(texts(u), (std::vector<std::string>{"Hello World.", "\"Is it?\"", "she asked.", "New para\nstill it"}));
  EXPECT_EQ(u.lines, (std::vector<int64_t>{1, 1, 1, 3}));
}

TEST(Sentences, SpansCoverCurlyApostrophesInvisibleMarksAndDecimals) {
  // ’ is read as ', a soft hyphen is skipped inside a word, 3.14 does not end a sentence.
  const std::string text = "We don\xE2\x80\x99t co\xC2\xADoperate at 3.14 pm! \xC3\x89t\xC3\xA9 ok";
  const auto spans = token_spans(text);
  ASSERT_EQ(spans.size(), 2u);
  std::vector<std::string> tokens;
  for (const Span& s : spans[0]) tokens.push_back(text.substr(s.begin, s.end - s.begin));
  EXPECT_EQ(tokens, (std::vector<std::string>{"We", "don\xE2\x80\x99t", "co\xC2\xADoperate", "at", "3.14", "pm"}));
  const Units u = split_units(text, kind(UnitKind::kSentences));
  EXPECT_EQ(texts(u).back(), "\xC3\x89t\xC3\xA9 ok");
}

TEST(Paragraphs, SplitAtBlankLinesTrimmed) {
  const Units u = split_units("\n  first line\nsecond line  \n \t \nthird\r\n\r\n\r\n", kind(UnitKind::kParagraphs));
  EXPECT_EQ(texts(u), (std::vector<std::string>{"first line\nsecond line", "third"}));
  EXPECT_EQ(u.lines, (std::vector<int64_t>{2, 5}));
  EXPECT_EQ(u.id(1), "5");
}

TEST(Units, EmptyTextIsRefusedWithAMessage) {
  EXPECT_EQ(error_of("", kind(UnitKind::kParagraphs)), "no paragraphs: the text is empty");
  EXPECT_EQ(error_of(" \n\n\t\n", kind(UnitKind::kSentences)), "no sentences: the text is empty");
  EXPECT_EQ(error_of("\n\n", kind(UnitKind::kLines)), "no documents: the text is empty");
}

TEST(Documents, LinesSkipBlankOnes) {
  const Units u = split_units("one\r\n\ntwo words\n", kind(UnitKind::kLines));
  EXPECT_EQ(texts(u), (std::vector<std::string>{"one", "two words"}));
  EXPECT_EQ(u.lines, (std::vector<int64_t>{1, 3}));
}

TEST(Documents, JsonlKeepsIdsAndEmptyTexts) {
  UnitOptions o = kind(UnitKind::kJsonl);
  o.field = "body";
  const Units u = split_units("{\"id\": \"a7\", \"body\": \"first \\\"doc\\\"\"}\n\n{\"id\": 12, \"body\": \"\"}\n", o);
  EXPECT_EQ(texts(u), (std::vector<std::string>{"first \"doc\"", ""}));
  EXPECT_EQ(u.ids, (std::vector<std::string>{"a7", "12"}));
  EXPECT_EQ(u.lines, (std::vector<int64_t>{1, 3}));
}

TEST(Documents, JsonlErrorsNameTheLine) {
  const UnitOptions o = kind(UnitKind::kJsonl);
  EXPECT_EQ(error_of("{\"text\": \"ok\"}\n{\"text\": oops}\n", o), "line 2: not valid JSON");
  EXPECT_EQ(error_of("{\"text\": \"ok\"}\n\n[1, 2]\n", o), "line 3: not a JSON object");
  EXPECT_EQ(error_of("{\"title\": \"x\"}\n", o), "line 1: no \"text\" field");
  EXPECT_EQ(error_of("{\"text\": 5}\n", o), "line 1: \"text\" is not text");
}

TEST(Documents, CsvFollowsRfc4180Quoting) {
  UnitOptions o = kind(UnitKind::kCsv);
  o.column = "text";
  o.id_column = "id";
  const Units u = split_units("\xEF\xBB\xBFid,text\r\n1,\"hello, \"\"world\"\"\"\r\n2,\"two\nlines\"\n\n3,plain\n", o);
  EXPECT_EQ(texts(u), (std::vector<std::string>{"hello, \"world\"", "two\nlines", "plain"}));
  EXPECT_EQ(u.ids, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(u.lines, (std::vector<int64_t>{2, 3, 6}));
  o.header = false;
  o.column = "2";
  o.id_column.clear();
  EXPECT_EQ(texts(split_units("x,\"a,b\"\ny,c", o)), (std::vector<std::string>{"a,b", "c"}));
}

TEST(Documents, CsvErrorsNameTheLine) {
  UnitOptions o = kind(UnitKind::kCsv);
  o.column = "text";
  EXPECT_EQ(error_of("id,text\n1,ok\n2,\"never closed\n3,x\n", o), "line 3: a quoted field is not closed");
  EXPECT_EQ(error_of("id,text\n1,\"a\"b\n", o), "line 2: text after a closing quote (a quote inside a quoted field is written \"\")");
  EXPECT_EQ(error_of("id,text\n1,ok\n2\n", o), "line 3: no column 2 (the record has 1)");
  EXPECT_EQ(error_of("id,body\n1,ok\n", o), "csv: no column \"text\" in the header");
}

TEST(UnitSplitter, StepsGiveTheOneShotUnits) {
  const std::string text = "First one. Second \"two\"!\n\nThird\nline? Yes.\n \t \nLast";
  for (UnitKind k : {UnitKind::kSentences, UnitKind::kParagraphs, UnitKind::kLines}) {
    const Units whole = split_units(text, kind(k));
    UnitSplitter steps(text, kind(k));
    int calls = 1;
    while (!steps.step(3)) ++calls;  // a few bytes (whole lines) at a time
    EXPECT_EQ(steps.done(), text.size());
    EXPECT_GT(calls, 3);
    const Units u = steps.finish();
    EXPECT_EQ(texts(u), texts(whole));
    EXPECT_EQ(u.lines, whole.lines);
  }
  EXPECT_EQ(texts(split_units(text, kind(UnitKind::kSentences))),
            (std::vector<std::string>{"First one.", "Second \"two\"!", "Third\nline?", "Yes.", "Last"}));
}

TEST(FindWords, MarksEveryFormOfTheWordsAsRead) {
  const std::string text = "The Cat sat; the cat\xE2\x80\x99s cat!";
  const std::vector<Span> spans = find_words(text, {"cat", "sat"}, TokenizerOptions{});
  std::vector<std::string> found;
  for (const Span& s : spans) found.push_back(text.substr(s.begin, s.end - s.begin));
  EXPECT_EQ(found, (std::vector<std::string>{"Cat", "sat", "cat"}));  // "cat’s" is another word
}

}  // namespace
}  // namespace embplay
