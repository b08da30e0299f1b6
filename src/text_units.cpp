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

Units sentences(std::string source) {
  Units u;
  u.text = std::move(source);
  const std::vector<std::vector<Span>> found = token_spans(u.text);
  LineCounter lines(u.text);
  for (size_t s = 0; s < found.size(); ++s) {
    // A sentence runs from its first token to the next sentence's first token (its ender and closing
    // quotes included), trailing white space trimmed.
    const size_t begin = found[s].front().begin;
    size_t end = s + 1 < found.size() ? found[s + 1].front().begin : u.text.size();
    while (end > begin && is_blank(u.text[end - 1])) --end;
    u.spans.push_back({begin, end});
    u.lines.push_back(lines.line_at(begin));
  }
  return u;
}

Units paragraphs(std::string source) {
  Units u;
  u.text = std::move(source);
  const std::string_view t(u.text);
  size_t pos = 0, begin = std::string_view::npos, end = 0;
  int64_t line = 1, begin_line = 1;
  auto close = [&] {
    if (begin == std::string_view::npos) return;
    u.spans.push_back({begin, end});
    u.lines.push_back(begin_line);
    begin = std::string_view::npos;
  };
  while (pos < t.size()) {
    size_t nl = t.find('\n', pos);
    if (nl == std::string_view::npos) nl = t.size();
    size_t a = pos, b = nl;
    while (a < b && is_blank(t[a])) ++a;
    while (b > a && is_blank(t[b - 1])) --b;
    if (a == b) {
      close();  // a blank line ends the paragraph
    } else {
      if (begin == std::string_view::npos) begin = a, begin_line = line;
      end = b;
    }
    pos = nl + 1;
    ++line;
  }
  close();
  return u;
}

// Appends one document's text to `u`.
void add_document(Units& u, const std::string& text, int64_t line) {
  if (!u.text.empty()) u.text += '\n';
  const size_t begin = u.text.size();
  u.text += text;
  u.spans.push_back({begin, u.text.size()});
  u.lines.push_back(line);
}

bool all_blank(std::string_view s) { return std::all_of(s.begin(), s.end(), is_blank); }

Units lines(const std::string& source) {
  Units u;
  for_each_line(source, [&](int64_t number, std::string_view line) {
    if (!all_blank(line)) add_document(u, std::string(line), number);
  });
  return u;
}

[[noreturn]] void fail_at(int64_t line, const std::string& what) {
  throw InputError("line " + std::to_string(line) + ": " + what);
}

Units jsonl(const std::string& source, const UnitOptions& o) {
  Units u;
  bool any_id = false;
  for_each_line(source, [&](int64_t number, std::string_view line) {
    if (all_blank(line)) return;
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) fail_at(number, "not valid JSON");
    if (!j.is_object()) fail_at(number, "not a JSON object");
    const auto text = j.find(o.field);
    if (text == j.end()) fail_at(number, "no \"" + o.field + "\" field");
    if (!text->is_string()) fail_at(number, "\"" + o.field + "\" is not text");
    add_document(u, text->get<std::string>(), number);
    std::string id;
    const auto id_it = j.find(o.id_field);
    if (id_it != j.end() && (id_it->is_string() || id_it->is_number_integer())) {
      id = id_it->is_string() ? id_it->get<std::string>() : id_it->dump();
      any_id = true;
    }
    u.ids.push_back(id.empty() ? std::to_string(number) : id);
  });
  if (!any_id) u.ids.clear();
  return u;
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

Units csv(const std::string& source, const UnitOptions& o) {
  Units u;
  size_t pos = 0;
  int64_t line = 1;
  std::vector<std::string> header;
  if (o.header) header = read_csv_record(source, pos, &line);
  const size_t text_col = column_index(o.column, header, o.header);
  const bool with_id = !o.id_column.empty();
  const size_t id_col = with_id ? column_index(o.id_column, header, o.header) : 0;
  while (pos < source.size()) {
    const int64_t at = line;
    const std::vector<std::string> record = read_csv_record(source, pos, &line);
    if (record.size() == 1 && record[0].empty()) continue;  // a blank line
    const size_t need = std::max(text_col, with_id ? id_col : 0);
    if (record.size() <= need)
      fail_at(at, "no column " + std::to_string(need + 1) + " (the record has " + std::to_string(record.size()) + ")");
    add_document(u, record[text_col], at);
    if (with_id) u.ids.push_back(record[id_col]);
  }
  return u;
}

}  // namespace

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
  if (source.compare(0, 3, "\xEF\xBB\xBF") == 0) source.erase(0, 3);  // a byte-order mark is not text
  Units u;
  switch (options.kind) {
    case UnitKind::kSentences: u = sentences(std::move(source)); break;
    case UnitKind::kParagraphs: u = paragraphs(std::move(source)); break;
    case UnitKind::kLines: u = lines(source); break;
    case UnitKind::kJsonl: u = jsonl(source, options); break;
    case UnitKind::kCsv: u = csv(source, options); break;
  }
  if (u.size() == 0)
    throw InputError(std::string("no ") + (options.kind == UnitKind::kSentences ? "sentences" : options.kind == UnitKind::kParagraphs ? "paragraphs" : "documents") +
                     ": the text is empty");
  return u;
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
