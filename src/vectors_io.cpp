// Word-vector files: a streaming reader with precise messages, and writers whose numbers read back
// exactly (shortest round-trip digits where the library has them, else %.9g).
#include "vectors_io.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "utf8.h"

namespace embplay {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return buf;
}

// Shows a word in a message: quoted, and cut short when long.
// A word as a message quotes it: at most 40 bytes, never a byte that is not printable UTF-8 (a
// file in another encoding must still give a message the page can show).
std::string shown(const std::string& w) { return "\"" + printable_utf8(w.size() > 40 ? w.substr(0, 40) + "..." : w) + "\""; }

// Parses the whole of [p, q) as a float; false when it is not a number.
bool parse_float(const char* p, const char* q, float* out) {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  if (p < q && *p == '+') ++p;
  const auto r = std::from_chars(p, q, *out);
  if (r.ec == std::errc::result_out_of_range) {  // beyond float: an infinity, refused by the caller
    *out = (*p == '-') ? -INFINITY : INFINITY;
    return r.ptr == q;
  }
  return r.ec == std::errc() && r.ptr == q;
#else
  char buf[64];
  const size_t n = static_cast<size_t>(q - p);
  if (n == 0 || n >= sizeof buf) return false;
  std::memcpy(buf, p, n);
  buf[n] = 0;
  char* end = nullptr;
  *out = std::strtof(buf, &end);
  return end == buf + n;
#endif
}

void append_float(std::string& out, float v) {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
#else
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
  out.append(buf, static_cast<size_t>(n));
#endif
}

bool all_digits(const std::string& s) {
  if (s.empty() || s.size() > 12) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::vector<std::string> split_fields(const char* p, const char* q) {
  std::vector<std::string> fields;
  while (p < q) {
    while (p < q && is_space(*p)) ++p;
    const char* s = p;
    while (p < q && !is_space(*p)) ++p;
    if (p > s) fields.emplace_back(s, p);
  }
  return fields;
}

void check_writable(const std::string& w, VectorFormat f) {
  bool ok = !w.empty();
  for (char c : w) ok = ok && c != ' ' && c != '\t' && c != '\n' && c != '\r';
  if (!ok)
    throw InputError(std::string("cannot write the word ") + shown(w) + " in " + vector_format_name(f) +
                     ": words must be non-empty and hold no spaces, tabs or line breaks");
}

}  // namespace

VectorFormat parse_vector_format(const std::string& name) {
  if (name == "glove") return VectorFormat::kGlove;
  if (name == "word2vec" || name == "word2vec-text" || name == "vec" || name == "fasttext")
    return VectorFormat::kWord2VecText;
  if (name == "word2vec-bin" || name == "bin") return VectorFormat::kWord2VecBinary;
  if (name == "tsv") return VectorFormat::kTsv;
  throw InputError("unknown vector format \"" + name + "\": use glove, word2vec (also fastText .vec), word2vec-bin or tsv");
}

const char* vector_format_name(VectorFormat f) {
  switch (f) {
    case VectorFormat::kGlove: return "glove";
    case VectorFormat::kWord2VecText: return "word2vec";
    case VectorFormat::kWord2VecBinary: return "word2vec-bin";
    case VectorFormat::kTsv: return "tsv";
  }
  return "?";
}

VectorFormat detect_vector_format(const char* data, size_t size) {
  size_t start = 0;
  if (size >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) start = 3;
  const char* nl = static_cast<const char*>(std::memchr(data + start, '\n', size - start));
  const char* line_end = nl ? nl : data + size;
  const char* fields_end = line_end > data + start && line_end[-1] == '\r' ? line_end - 1 : line_end;  // CRLF files
  const std::vector<std::string> first = split_fields(data + start, fields_end);
  if (first.size() == 2 && all_digits(first[0]) && all_digits(first[1])) {
    // A header: binary when the bytes after it hold control characters, as raw floats do.
    const size_t from = static_cast<size_t>(line_end - data) + 1, to = std::min(size, from + 4096);
    for (size_t i = from; i < to; ++i) {
      const unsigned char c = static_cast<unsigned char>(data[i]);
      if (c < 0x09 || (c > 0x0D && c < 0x20) || c == 0x7F) return VectorFormat::kWord2VecBinary;
    }
    return VectorFormat::kWord2VecText;
  }
  if (std::memchr(data + start, '\t', static_cast<size_t>(fields_end - data - start)) && !first.empty()) {
    float v;
    bool numbers = true;
    for (const std::string& f : first) numbers = numbers && parse_float(f.data(), f.data() + f.size(), &v);
    if (numbers) return VectorFormat::kTsv;
  }
  return VectorFormat::kGlove;
}

// ---- reading ------------------------------------------------------------------------------------

VectorReader::VectorReader(VectorFormat format, int max_words) : format_(format), max_words_(max_words) {
  if (max_words < 1 || max_words > kMaxMaxWords)
    throw InputError("max_words must be in 1.." + std::to_string(kMaxMaxWords) + ", got " + std::to_string(max_words));
}

void VectorReader::fail(const std::string& what) const {
  const bool binary = format_ == VectorFormat::kWord2VecBinary && header_done_;
  throw InputError((binary ? "entry " : "line ") + std::to_string(report_.lines) + ": " + what);
}

bool VectorReader::feed(const char* data, size_t size) {
  if (done()) {
    for (size_t i = 0; i < size && !report_.truncated; ++i)
      report_.truncated = !(is_space(data[i]) || data[i] == '\n' || data[i] == '\r');
    return false;
  }
  if (pos_ > 0) pending_.erase(0, pos_), pos_ = 0;
  pending_.append(data, size);
  bytes_ += static_cast<int64_t>(size);

  if (!started_) {
    if (pending_.size() < 3) return true;
    const auto* b = reinterpret_cast<const unsigned char*>(pending_.data());
    if ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))
      throw InputError("line 1: the file is UTF-16; save it as UTF-8");
    if (b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) pos_ = 3;  // UTF-8 byte order mark
    started_ = true;
  }
  const bool binary = format_ == VectorFormat::kWord2VecBinary;
  while (!done()) {
    if (binary && header_done_) {
      if (!parse_binary_entry(false)) break;
      continue;
    }
    const size_t nl = pending_.find('\n', pos_);
    if (nl == std::string::npos) {
      if (binary && pending_.size() - pos_ > 200) {
        ++report_.lines;
        fail("expected the word2vec header \"<count> <dimension>\" on the first line");
      }
      break;
    }
    parse_text_line(pending_.data() + pos_, pending_.data() + nl);
    pos_ = nl + 1;
  }
  if (done()) {
    for (size_t i = pos_; i < pending_.size() && !report_.truncated; ++i)
      report_.truncated = !(is_space(pending_[i]) || pending_[i] == '\n' || pending_[i] == '\r');
    if (report_.header_count > kept_ + report_.duplicates) report_.truncated = true;
  }
  return !done();
}

void VectorReader::parse_text_line(const char* begin, const char* end) {
  ++report_.lines;
  if (end > begin && end[-1] == '\r') --end;
  for (const char* p = begin; p < end; ++p) {
    const unsigned char c = static_cast<unsigned char>(*p);
    if (c < 0x20 && c != '\t')
      fail("binary data (byte " + hex_byte(c) + ") in a text file" +
           (format_ == VectorFormat::kWord2VecBinary ? std::string() : "; is it word2vec binary (format word2vec-bin)?"));
  }
  const bool wants_header = (format_ == VectorFormat::kWord2VecText || format_ == VectorFormat::kWord2VecBinary);
  if (wants_header && !header_done_) {
    const std::vector<std::string> f = split_fields(begin, end);
    if (f.empty() && format_ == VectorFormat::kWord2VecText) return;  // blank lines before the header
    if (f.size() != 2 || !all_digits(f[0]) || !all_digits(f[1]))
      fail("expected the word2vec header \"<count> <dimension>\"; a file without one is GloVe text (format glove)");
    report_.header_count = std::stoll(f[0]);
    const long long dim = std::stoll(f[1]);
    if (dim < 1 || dim > 10000) fail("the header's dimension " + f[1] + " is not in 1..10000");
    report_.dim = static_cast<int>(dim);
    header_done_ = true;
    if (format_ == VectorFormat::kWord2VecBinary) report_.lines = 0;  // from here on it counts entries
    const int64_t rows = std::min<int64_t>(report_.header_count, max_words_);
    values_.reserve(static_cast<size_t>(std::min<int64_t>(rows * report_.dim, int64_t{1} << 24)));
    return;
  }

  // Fields: the word (not in TSV), then the numbers.
  const char* p = begin;
  while (p < end && is_space(*p)) ++p;
  if (p == end) return;  // a blank line
  std::string word;
  if (format_ != VectorFormat::kTsv) {
    const char* s = p;
    while (p < end && !is_space(*p)) ++p;
    word.assign(s, p);
    size_t bad = 0;
    if (!valid_utf8(word, &bad))
      fail("the word is not valid UTF-8 (byte " + hex_byte(static_cast<unsigned char>(word[bad])) + " at offset " +
           std::to_string(bad) + "); save the file as UTF-8");
  }
  row_.clear();
  const char* first_number = p;
  while (p < end) {
    while (p < end && is_space(*p)) ++p;
    if (p == end) break;
    const char* s = p;
    while (p < end && !is_space(*p)) ++p;
    float v = 0;
    const std::string who = format_ == VectorFormat::kTsv ? std::string() : " of " + shown(word);
    if (!parse_float(s, p, &v))
      fail("value " + std::to_string(row_.size() + 1) + who + " (" + shown(std::string(s, p)) + ") is not a number");
    if (!std::isfinite(v))
      fail("value " + std::to_string(row_.size() + 1) + who + " is " + (std::isnan(v) ? "NaN" : "infinite") +
           "; vectors must hold finite numbers");
    row_.push_back(v);
  }
  (void)first_number;
  if (format_ == VectorFormat::kGlove && report_.lines == 1 && row_.size() == 1 && all_digits(word) &&
      row_[0] == std::floor(row_[0]))
    fail("this looks like a word2vec header (\"<count> <dimension>\"): use the word2vec format");
  if (row_.empty()) fail("the word " + shown(word) + " has no numbers after it");
  if (report_.dim == 0) report_.dim = static_cast<int>(row_.size());
  if (static_cast<int>(row_.size()) != report_.dim)
    fail((format_ == VectorFormat::kTsv ? std::string("the line") : shown(word)) + " has " +
         std::to_string(row_.size()) + " numbers, but " + (report_.header_count >= 0 ? "the header says " : "the first vector has ") +
         std::to_string(report_.dim));
  add(std::move(word), row_.data(), report_.dim);
}

bool VectorReader::parse_binary_entry(bool at_end) {
  const size_t size = pending_.size();
  size_t p = pos_;
  while (p < size && (pending_[p] == '\n' || pending_[p] == '\r' || pending_[p] == ' ')) ++p;
  pos_ = p;
  if (p == size) return false;
  const size_t limit = std::min(size, p + 1001);
  const size_t space = pending_.find(' ', p);
  const int dim = report_.dim;
  const auto cut_short = [&] {
    ++report_.lines;
    fail("the file ends inside an entry (cut short?)");
  };
  if (space == std::string::npos || space >= limit) {
    if (limit - p > 1000) {
      ++report_.lines;
      fail("no space after a word within 1000 bytes: not word2vec binary, or a wrong dimension in the header");
    }
    if (at_end) cut_short();
    return false;
  }
  const size_t need = space + 1 + 4 * static_cast<size_t>(dim);
  if (size < need) {
    if (at_end) cut_short();
    return false;
  }
  ++report_.lines;
  std::string word(pending_, p, space - p);
  for (char ch : word)
    if (static_cast<unsigned char>(ch) < 0x20)
      fail("the word holds a control byte (" + hex_byte(static_cast<unsigned char>(ch)) +
           "): not word2vec binary, or a wrong dimension in the header");
  size_t bad = 0;
  if (!valid_utf8(word, &bad))
    fail("the word is not valid UTF-8 (byte " + hex_byte(static_cast<unsigned char>(word[bad])) + " at offset " +
         std::to_string(bad) + ")");
  row_.resize(static_cast<size_t>(dim));
  std::memcpy(row_.data(), pending_.data() + space + 1, 4 * static_cast<size_t>(dim));  // little-endian hosts
  for (int j = 0; j < dim; ++j)
    if (!std::isfinite(row_[j]))
      fail("value " + std::to_string(j + 1) + " of " + shown(word) + " is " + (std::isnan(row_[j]) ? "NaN" : "infinite") +
           "; vectors must hold finite numbers");
  pos_ = need;
  add(std::move(word), row_.data(), dim);
  return true;
}

void VectorReader::add(std::string word, const float* values, int dim) {
  ++entries_;
  if (report_.header_count >= 0 && entries_ > report_.header_count)
    fail("more vectors than the header's count of " + std::to_string(report_.header_count));
  if (format_ != VectorFormat::kTsv && !seen_.insert(word).second) {
    if (report_.duplicates++ == 0) report_.first_duplicate = word;
    return;
  }
  words_.push_back(std::move(word));
  values_.insert(values_.end(), values, values + dim);
  ++kept_;
}

WordVectors VectorReader::finish() {
  if (!done()) {
    if (!started_ && !pending_.empty()) {
      const auto* b = reinterpret_cast<const unsigned char*>(pending_.data());
      if (pending_.size() >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
        throw InputError("line 1: the file is UTF-16; save it as UTF-8");
      started_ = true;
    }
    if (format_ == VectorFormat::kWord2VecBinary && header_done_) {
      while (parse_binary_entry(true)) {
      }
    } else {
      while (!done() && pos_ < pending_.size()) {
        size_t nl = pending_.find('\n', pos_);
        if (nl == std::string::npos) nl = pending_.size();
        parse_text_line(pending_.data() + pos_, pending_.data() + nl);
        pos_ = std::min(nl + 1, pending_.size());
        if (format_ == VectorFormat::kWord2VecBinary && header_done_) {
          while (parse_binary_entry(true)) {
          }
        }
      }
    }
  }
  if (bytes_ == 0) throw InputError("the file is empty");
  if (kept_ == 0) {
    if (report_.header_count == 0) fail("the header says the file holds no vectors");
    fail("no vectors found in the file");
  }
  if (report_.header_count >= 0 && !done() && entries_ < report_.header_count)
    fail("the file ends after " + std::to_string(entries_) + " of the " + std::to_string(report_.header_count) +
         " vectors its header promises (cut short?)");
  WordVectors out;
  out.words = std::move(words_);
  if (format_ == VectorFormat::kTsv) out.words.assign(static_cast<size_t>(kept_), std::string());
  out.vectors = Eigen::Map<const RowMatrix>(values_.data(), kept_, report_.dim);
  std::vector<float>().swap(values_);
  pending_.clear();
  pos_ = 0;
  return out;
}

WordVectors read_vectors(const std::string& data, VectorFormat format, int max_words, ReadReport* report) {
  VectorReader reader(format, max_words);
  reader.feed(data);
  WordVectors v = reader.finish();
  if (report) *report = reader.report();
  return v;
}

void attach_tsv_metadata(WordVectors& v, const std::string& metadata, ReadReport* report) {
  std::vector<std::string> labels;
  size_t pos = 0;
  bool header = false;
  int64_t line = 0;
  if (metadata.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;  // a byte-order mark is not part of the first label
  while (pos < metadata.size()) {
    size_t nl = metadata.find('\n', pos);
    if (nl == std::string::npos) nl = metadata.size();
    std::string label = metadata.substr(pos, nl - pos);
    pos = nl + 1;
    ++line;
    if (!label.empty() && label.back() == '\r') label.pop_back();
    const size_t tab = label.find('\t');
    if (line == 1 && tab != std::string::npos) {  // several columns: the first line names them
      header = true;
      continue;
    }
    if (tab != std::string::npos) label.resize(tab);
    size_t bad = 0;
    if (!valid_utf8(label, &bad))
      throw InputError("metadata line " + std::to_string(line) + ": the label is not valid UTF-8 (byte " +
                       hex_byte(static_cast<unsigned char>(label[bad])) + "); save the file as UTF-8");
    // A label is a word: a control byte in it would not survive being written out and read again.
    for (const char ch : label)
      if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F)
        throw InputError("metadata line " + std::to_string(line) + ": the label " + shown(label) + " holds a control byte (" +
                         hex_byte(static_cast<unsigned char>(ch)) + "); labels must be plain text");
    labels.push_back(std::move(label));
  }
  const size_t rows = static_cast<size_t>(v.vectors.rows());
  const bool truncated = report && report->truncated;
  if (labels.size() < rows || (labels.size() > rows && !truncated))
    throw InputError("metadata.tsv has " + std::to_string(labels.size()) + " labels" + (header ? " (after its header)" : "") +
                     " for " + std::to_string(rows) + " vectors; they must match line for line");
  labels.resize(rows);
  std::unordered_set<std::string> seen;
  std::vector<Eigen::Index> keep;
  WordVectors out;
  for (size_t i = 0; i < rows; ++i) {
    if (!seen.insert(labels[i]).second) {
      if (report && report->duplicates++ == 0) report->first_duplicate = labels[i];
      continue;
    }
    keep.push_back(static_cast<Eigen::Index>(i));
    out.words.push_back(std::move(labels[i]));
  }
  out.vectors.resize(static_cast<Eigen::Index>(keep.size()), v.vectors.cols());
  for (size_t i = 0; i < keep.size(); ++i) out.vectors.row(static_cast<Eigen::Index>(i)) = v.vectors.row(keep[i]);
  v = std::move(out);
}

// ---- writing ------------------------------------------------------------------------------------

std::string write_vectors(const WordVectors& v, VectorFormat format) {
  const Eigen::Index n = v.vectors.rows(), d = v.vectors.cols();
  if (static_cast<size_t>(n) != v.words.size())
    throw InputError("cannot write " + std::to_string(v.words.size()) + " words with " + std::to_string(n) + " vectors");
  std::string out;
  out.reserve(static_cast<size_t>(n) * static_cast<size_t>(d) * (format == VectorFormat::kWord2VecBinary ? 4 : 12) + 64);
  if (format == VectorFormat::kWord2VecText || format == VectorFormat::kWord2VecBinary)
    out += std::to_string(n) + " " + std::to_string(d) + "\n";
  for (Eigen::Index i = 0; i < n; ++i) {
    if (format != VectorFormat::kTsv) {
      check_writable(v.words[i], format);
      out += v.words[i];
      out += ' ';
    }
    if (format == VectorFormat::kWord2VecBinary) {
      out.append(reinterpret_cast<const char*>(v.vectors.row(i).data()), 4 * static_cast<size_t>(d));
    } else {
      for (Eigen::Index j = 0; j < d; ++j) {
        if (j) out += format == VectorFormat::kTsv ? '\t' : ' ';
        append_float(out, v.vectors(i, j));
      }
    }
    out += '\n';
  }
  return out;
}

std::string write_tsv_metadata(const WordVectors& v) {
  std::string out;
  for (const std::string& w : v.words) {
    check_writable(w, VectorFormat::kTsv);
    out += w;
    out += '\n';
  }
  return out;
}

}  // namespace embplay
