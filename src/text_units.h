// Units of text for the sentence tools: the sentences or paragraphs of a text, or the documents of
// a file (one per line, JSON lines with a text field, a CSV column). Every unit keeps where it came
// from: its byte span in `Units::text` (shown and highlighted as it was written) and the line of the
// source it starts on (named by messages). Nothing here knows about vectors.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer.h"

namespace embplay {

struct Span {
  size_t begin = 0, end = 0;  // bytes [begin, end)
};

enum class UnitKind {
  kSentences,   // the tokenizer's sentences (. ! ? and their script forms, blank lines)
  kParagraphs,  // runs of non-blank lines, split at blank lines
  kLines,       // a documents file, one document per line (blank lines skipped)
  kJsonl,       // a documents file, one JSON object per line; the text in `field`
  kCsv,         // a documents file in CSV (RFC 4180); the text in `column`
};
// "sentences", "paragraphs", "lines", "jsonl", "csv"; throws InputError listing the choices.
UnitKind parse_unit_kind(const std::string& name);
const char* unit_kind_name(UnitKind kind);

struct UnitOptions {
  UnitKind kind = UnitKind::kParagraphs;  // how the text is cut into units
  std::string field = "text";  // jsonl: the field holding a document's text
  std::string id_field = "id"; // jsonl: the field naming a document (optional; a string or a number)
  std::string column = "1";    // csv: the text column, by header name, or 1-based number when all digits
  std::string id_column;       // csv: the column naming a document; empty = none
  bool header = true;          // csv: the first record names the columns
};

// Units over one text. For sentences and paragraphs `text` is the source itself; for documents it is
// their decoded texts one after another (a '\n' between), so every unit is a span of one string.
struct Units {
  std::string text;
  std::vector<Span> spans;       // (N): unit i is text[spans[i].begin, spans[i].end)
  std::vector<int64_t> lines;    // (N): 1-based line of the source where unit i starts
  std::vector<std::string> ids;  // (N) documents' ids when the file names them, else empty

  size_t size() const { return spans.size(); }
  std::string_view unit(size_t i) const {
    return std::string_view(text).substr(spans[i].begin, spans[i].end - spans[i].begin);
  }
  // The id of unit i: its document id when there is one, else its source line as text.
  std::string id(size_t i) const { return ids.empty() ? std::to_string(lines[i]) : ids[i]; }
};

// Cuts `source` into units (a leading UTF-8 byte-order mark dropped). Sentences and paragraphs are never empty (blank stretches are skipped);
// sentences never cross a blank line; documents are kept even when their text is empty, so a
// collection keeps its ids. Throws InputError naming the line for a malformed record, and when
// there is no unit at all.
Units split_units(std::string source, const UnitOptions& options);

// The same in steps, so that the page's worker can open 100,000 paragraphs without blocking:
// step() reads about `budget` bytes of the source (whole lines or records), finish() reads what is
// left and returns the units. Sentences are found paragraph by paragraph, so memory stays small.
class UnitSplitter {
 public:
  // Throws InputError for a CSV column that is not there.
  UnitSplitter(std::string source, const UnitOptions& options);
  bool step(int64_t budget);  // true when the whole source is read; throws InputError "line N: ..."
  size_t done() const { return std::min(pos_, size()); }  // bytes read
  size_t size() const { return source().size(); }
  Units finish();  // throws InputError when there is no unit

 private:
  std::string_view source() const;
  void read_record();             // one line (paragraphs, sentences, lines, JSON lines) or CSV record
  void read_line_of_paragraph();
  void close_paragraph();         // the open paragraph becomes a unit, or its sentences do

  UnitOptions options_;
  Units units_;
  std::string source_;            // documents: the file (units_.text holds their texts)
  size_t pos_ = 0;                // next byte to read
  int64_t line_ = 1;              // its line
  bool open_ = false;             // a paragraph is open: [begin_, end_) from line begin_line_
  size_t begin_ = 0, end_ = 0;
  int64_t begin_line_ = 1;
  size_t text_column_ = 0, id_column_ = 0;  // csv
  bool any_id_ = false;                     // jsonl: some document named its id
};

// The tokens of `text` with their byte spans, sentence by sentence, as tokenize() finds them (with
// punctuation tokens kept and case as written): the tokenizer's rules, and where each token stands.
std::vector<std::vector<Span>> token_spans(std::string_view text);

// The spans of the words of `text` that, read with `options`, are in `words` (sorted): what to
// highlight in a search result or a unit.
std::vector<Span> find_words(std::string_view text, const std::vector<std::string>& words,
                             const TokenizerOptions& options);

// One CSV record (RFC 4180: ',' separates, '"' quotes, "" is a quote, quoted fields may hold commas
// and line breaks; \r\n or \n ends a record) read from text[pos]; moves pos past it and counts the
// line breaks it crossed into *line. Throws InputError "line N: ..." for an unclosed quote or text
// after a closing quote.
std::vector<std::string> read_csv_record(std::string_view text, size_t& pos, int64_t* line);

// Calls f(line number from 1, line without its \n or \r\n) for each line of `text`.
template <typename F>
void for_each_line(std::string_view text, F f) {
  int64_t number = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    f(++number, line);
    pos = nl + 1;
  }
}

}  // namespace embplay
