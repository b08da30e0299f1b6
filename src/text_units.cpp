// Units of text: sentence spans found by aligning the tokenizer's tokens back onto the text,
// paragraphs at blank lines, and the documents readers (lines, JSON lines, CSV).
#include "text_units.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "settings.h"

namespace embplay {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// Bytes of the UTF-8 sequence that starts with `lead` (1 for a stray or invalid byte).
size_t sequence_length(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return lead < 0xF8 ? 4 : 1;
}

// Where `token` (as the tokenizer wrote it, case kept) ends when it starts at text[at], or npos.
// A token is the text's own bytes except that a ’ inside a word is written ' and invisible format
// characters (soft hyphen, bidi marks) are left out: those are skipped in the text.
size_t match_token(std::string_view text, size_t at, const std::string& token) {
  const size_t first = sequence_length(static_cast<unsigned char>(token[0]));
  if (text.compare(at, first, token, 0, first) != 0) return std::string_view::npos;
  size_t i = first, j = at + first;
  int skipped = 0;  // bytes skipped in a row: a token never hides more than a few invisible marks
  while (i < token.size()) {
    if (j >= text.size() || skipped > 16) return std::string_view::npos;
    if (token[i] == text[j]) {
      ++i, ++j, skipped = 0;
    } else if (token[i] == '\'' && text.compare(j, 3, "\xE2\x80\x99") == 0) {
      ++i, j += 3;
    } else {
      const size_t len = sequence_length(static_cast<unsigned char>(text[j]));
      j += len, skipped += static_cast<int>(len);
    }
  }
  return j;
}

// Counts line breaks on the way through a text, for units' line numbers.
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : text_(text) {}
  int64_t line_at(size_t pos) {  // pos never moves backwards
    line_ += std::count(text_.begin() + static_cast<std::ptrdiff_t>(pos_), text_.begin() + static_cast<std::ptrdiff_t>(pos), '\n');
    pos_ = pos;
    return line_;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

// Appends one document's text to `u`.
void add_document(Units& u, std::string_view text, int64_t line) {
  if (!u.text.empty()) u.text += '\n';
  const size_t begin = u.text.size();
  u.text += text;
  u.spans.push_back({begin, u.text.size()});
  u.lines.push_back(line);
}

bool all_blank(std::string_view s) { return std::all_of(s.begin(), s.end(), is_blank); }

[[noreturn]] void fail_at(int64_t line, const std::string& what) {
  throw InputError("line " + std::to_string(line) + ": " + what);
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The 0-based index of `column` (a header name, or a 1-based number when all digits).
size_t column_index(const std::string& column, const std::vector<std::string>& header, bool has_header) {
  if (has_header) {
    const auto it = std::find(header.begin(), header.end(), column);
    if (it != header.end()) return static_cast<size_t>(it - header.begin());
  }
  if (all_digits(column) && column.size() < 7 && std::stoi(column) >= 1) return static_cast<size_t>(std::stoi(column) - 1);
  throw InputError("csv: no column \"" + column + "\"" + (has_header ? " in the header" : " (without a header, give its number)"));
}

}  // namespace

UnitSplitter::UnitSplitter(std::string source, const UnitOptions& options) : options_(options) {
  if (source.compare(0, 3, "\xEF\xBB\xBF") == 0) source.erase(0, 3);  // a byte-order mark is not text
  const bool in_place = options.kind == UnitKind::kSentences || options.kind == UnitKind::kParagraphs;
  // Sentences and paragraphs are spans of the source itself; documents are copied out of it.
  (in_place ? units_.text : source_) = std::move(source);
  if (options.kind == UnitKind::kCsv) {
    std::vector<std::string> header;
    if (options.header) header = read_csv_record(source_, pos_, &line_);
    text_column_ = column_index(options.column, header, options.header);
    if (!options.id_column.empty()) id_column_ = column_index(options.id_column, header, options.header);
  }
}

std::string_view UnitSplitter::source() const {
  return options_.kind == UnitKind::kSentences || options_.kind == UnitKind::kParagraphs ? std::string_view(units_.text)
                                                                                         : std::string_view(source_);
}

bool UnitSplitter::step(int64_t budget) {
  const std::string_view t = source();
  // Computed in 64 bits: size_t is 32 bits in WebAssembly.
  const uint64_t stop = static_cast<uint64_t>(pos_) + static_cast<uint64_t>(std::max<int64_t>(budget, 1));
  while (pos_ < t.size() && pos_ < stop) read_record();
  if (pos_ >= t.size()) close_paragraph();
  return pos_ >= t.size();
}

// Paragraphs (and the sentences inside them) run over non-blank lines; a blank line closes one.
void UnitSplitter::read_line_of_paragraph() {
  const std::string_view t = source();
  size_t nl = t.find('\n', pos_);
  if (nl == std::string_view::npos) nl = t.size();
  size_t a = pos_, b = nl;
  while (a < b && is_blank(t[a])) ++a;
  while (b > a && is_blank(t[b - 1])) --b;
  if (a == b) {
    close_paragraph();
  } else {
    if (!open_) open_ = true, begin_ = a, begin_line_ = line_;
    end_ = b;
  }
  pos_ = nl + 1;
  ++line_;
}

void UnitSplitter::close_paragraph() {
  if (!open_) return;
  open_ = false;
  if (options_.kind == UnitKind::kParagraphs) {
    units_.spans.push_back({begin_, end_});
    units_.lines.push_back(begin_line_);
    return;
  }
  // Its sentences: each runs from its first token to the next sentence's first token (its ender and
  // closing quotes included), trailing white space trimmed. Sentences never cross a blank line.
  const std::string_view paragraph = std::string_view(units_.text).substr(begin_, end_ - begin_);
  const std::vector<std::vector<Span>> found = token_spans(paragraph);
  LineCounter lines(paragraph);
  for (size_t s = 0; s < found.size(); ++s) {
    const size_t begin = found[s].front().begin;
    size_t end = s + 1 < found.size() ? found[s + 1].front().begin : paragraph.size();
    while (end > begin && is_blank(paragraph[end - 1])) --end;
    units_.spans.push_back({begin_ + begin, begin_ + end});
    units_.lines.push_back(begin_line_ + lines.line_at(begin) - 1);
  }
}

void UnitSplitter::read_record() {
  if (options_.kind == UnitKind::kSentences || options_.kind == UnitKind::kParagraphs) return read_line_of_paragraph();
  const std::string_view t = source();
  if (options_.kind == UnitKind::kCsv) {
    const int64_t at = line_;
    const std::vector<std::string> record = read_csv_record(t, pos_, &line_);
    if (record.size() == 1 && record[0].empty()) return;  // a blank line
    const bool with_id = !options_.id_column.empty();
    const size_t need = std::max(text_column_, with_id ? id_column_ : 0);
    if (record.size() <= need)
      fail_at(at, "no column " + std::to_string(need + 1) + " (the record has " + std::to_string(record.size()) + ")");
    add_document(units_, record[text_column_], at);
    if (with_id) units_.ids.push_back(record[id_column_]);
    return;
  }
  size_t nl = t.find('\n', pos_);
  if (nl == std::string_view::npos) nl = t.size();
  std::string_view line = t.substr(pos_, nl - pos_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const int64_t number = line_++;
  pos_ = nl + 1;
  if (all_blank(line)) return;
  if (options_.kind == UnitKind::kLines) return add_document(units_, line, number);
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded()) fail_at(number, "not valid JSON");
  if (!j.is_object()) fail_at(number, "not a JSON object");
  const auto text = j.find(options_.field);
  if (text == j.end()) fail_at(number, "no \"" + options_.field + "\" field");
  if (!text->is_string()) fail_at(number, "\"" + options_.field + "\" is not text");
  add_document(units_, text->get<std::string>(), number);
  std::string id;
  const auto id_it = j.find(options_.id_field);
  if (id_it != j.end() && (id_it->is_string() || id_it->is_number_integer())) {
    id = id_it->is_string() ? id_it->get<std::string>() : id_it->dump();
    any_id_ = true;
  }
  units_.ids.push_back(id.empty() ? std::to_string(number) : id);
}

Units UnitSplitter::finish() {
  while (!step(int64_t(1) << 40)) {
  }
  if (options_.kind == UnitKind::kJsonl && !any_id_) units_.ids.clear();
  if (units_.size() == 0) {
    const UnitKind k = options_.kind;
    throw InputError(std::string("no ") + (k == UnitKind::kSentences ? "sentences" : k == UnitKind::kParagraphs ? "paragraphs" : "documents") +
                     ": the text is empty");
  }
  source_ = std::string();
  return std::move(units_);
}

UnitKind parse_unit_kind(const std::string& name) {
  if (name == "sentences") return UnitKind::kSentences;
  if (name == "paragraphs") return UnitKind::kParagraphs;
  if (name == "lines") return UnitKind::kLines;
  if (name == "jsonl") return UnitKind::kJsonl;
  if (name == "csv") return UnitKind::kCsv;
  throw InputError("units: \"" + name + "\" is not one of sentences, paragraphs, lines, jsonl, csv");
}

const char* unit_kind_name(UnitKind kind) {
  switch (kind) {
    case UnitKind::kSentences: return "sentences";
    case UnitKind::kParagraphs: return "paragraphs";
    case UnitKind::kLines: return "lines";
    case UnitKind::kJsonl: return "jsonl";
    case UnitKind::kCsv: return "csv";
  }
  return "?";
}

Units split_units(std::string source, const UnitOptions& options) {
  return UnitSplitter(std::move(source), options).finish();
}

std::vector<std::vector<Span>> token_spans(std::string_view text) {
  TokenizerOptions raw;
  raw.lowercase = false;
  raw.keep_punctuation = true;
  const std::vector<Sentence> sentences = tokenize(std::string(text), raw);
  std::vector<std::vector<Span>> out;
  out.reserve(sentences.size());
  size_t pos = 0;
  for (const Sentence& sentence : sentences) {
    std::vector<Span> spans;
    spans.reserve(sentence.size());
    for (const std::string& token : sentence) {
      // The next token starts at the first place its first character appears: what lies between
      // tokens (spaces, sentence enders, dropped controls) never starts a token.
      for (size_t at = pos; at < text.size(); ++at) {
        const size_t end = match_token(text, at, token);
        if (end == std::string_view::npos) continue;
        spans.push_back({at, end});
        pos = end;
        break;
      }
    }
    if (!spans.empty()) out.push_back(std::move(spans));
  }
  return out;
}

std::vector<Span> find_words(std::string_view text, const std::vector<std::string>& words,
                             const TokenizerOptions& options) {
  std::vector<Span> out;
  if (words.empty()) return out;
  for (const auto& sentence : token_spans(text))
    for (const Span& s : sentence) {
      // The token as the index read it: lowercased (or not), punctuation dropped (or not).
      const std::vector<std::string> as_read = tokenize_words(std::string(text.substr(s.begin, s.end - s.begin)), options);
      if (as_read.size() == 1 && std::binary_search(words.begin(), words.end(), as_read[0])) out.push_back(s);
    }
  return out;
}

std::vector<std::string> read_csv_record(std::string_view text, size_t& pos, int64_t* line) {
  std::vector<std::string> fields(1);
  const int64_t start_line = line ? *line : 0;
  auto newline = [&] {
    if (line) ++*line;
  };
  bool quoted = false, after_quote = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c != '"') {
        if (c == '\n') newline();
        fields.back() += c;
      } else if (pos < text.size() && text[pos] == '"') {
        fields.back() += '"';
        ++pos;
      } else {
        quoted = false, after_quote = true;
      }
      continue;
    }
    if (c == ',') {
      fields.emplace_back();
      after_quote = false;
    } else if (c == '\n' || (c == '\r' && pos < text.size() && text[pos] == '\n')) {
      if (c == '\r') ++pos;
      newline();
      return fields;
    } else if (after_quote) {
      fail_at(line ? *line : start_line, "text after a closing quote (a quote inside a quoted field is written \"\")");
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else {
      fields.back() += c;
    }
  }
  if (quoted) fail_at(start_line, "a quoted field is not closed");
  return fields;
}

}  // namespace embplay
