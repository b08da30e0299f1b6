// Word-vector files in and out: GloVe text, word2vec text (a "count dim" header; fastText's .vec is
// the same), word2vec binary, and the TensorFlow Embedding Projector's TSV pair (vectors.tsv holds
// the numbers, metadata.tsv the words). No filesystem here: bytes in, bytes out, so the page's
// worker can stream a file from disk in chunks and show progress.
//
// Reading keeps the first N words (a file lists words by frequency). Problems are reported with the
// line (text) or entry (binary) where they are: a malformed line, a dimension that differs from the
// first line's or the header's, NaN or infinite values, a word that is not UTF-8, binary data in a
// text file, an empty file. Duplicate words are not an error: the first is kept, the rest counted.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "common.h"
#include "input_error.h"

namespace embplay {

enum class VectorFormat {
  kGlove,           // "word v1 ... vd" per line, no header
  kWord2VecText,    // "count dim" header line, then GloVe lines (fastText .vec)
  kWord2VecBinary,  // "count dim\n", then per word: "word " + dim float32 (little-endian) + "\n"
  kTsv,             // Projector vectors.tsv: "v1\tv2...\tvd" per line; words in metadata.tsv
};

// "glove", "word2vec" (or "vec", "fasttext", "word2vec-text"), "word2vec-bin" (or "bin"), "tsv";
// throws InputError listing the choices.
VectorFormat parse_vector_format(const std::string& name);
const char* vector_format_name(VectorFormat f);
// Guesses a file's format from its first bytes (a few KB is plenty).
VectorFormat detect_vector_format(const char* data, size_t size);

struct WordVectors {
  std::vector<std::string> words;  // (N)
  RowMatrix vectors;               // (N, d): row i is the vector of words[i]
};

constexpr int kDefaultMaxWords = 20000;
constexpr int kMaxMaxWords = 200000;

struct ReadReport {
  int64_t lines = 0;            // text lines (or binary entries) looked at
  int64_t header_count = -1;    // the count a word2vec header promised; -1 without a header
  int dim = 0;
  int64_t duplicates = 0;       // later copies of a word, dropped
  std::string first_duplicate;  // the first such word, for the message
  bool truncated = false;       // stopped at max_words with more vectors left in the file
};

// A streaming reader: feed() the file in chunks of any size, then finish(). Memory: the kept vectors
// (N x d floats, e.g. 8 MB for 20,000 x 100) twice at the moment finish() copies them into the
// matrix, plus one unparsed line or entry and the chunk being fed. Reading stops at N words, so a
// 400,000-word file costs no more than its first N words. (Natively, 200,000 x 100 from GloVe text:
// 3.7 s and 260 MB peak resident with `embplay convert`, which also holds the output.)
class VectorReader {
 public:
  // max_words: keep the first this many words; 1..200000 (throws InputError otherwise).
  explicit VectorReader(VectorFormat format, int max_words = kDefaultMaxWords);

  // Parses what it can of the data so far; throws InputError at the first problem. Returns false
  // once max_words are kept: the rest of the file need not be read.
  bool feed(const char* data, size_t size);
  bool feed(const std::string& data) { return feed(data.data(), data.size()); }
  // The vectors read. For TSV the words are empty until attach_tsv_metadata(). Throws InputError
  // for an empty file, a last record cut short, or fewer vectors than the header promised.
  WordVectors finish();

  int64_t kept() const { return kept_; }
  bool done() const { return kept_ >= max_words_; }
  const ReadReport& report() const { return report_; }

 private:
  void parse_text_line(const char* begin, const char* end);
  bool parse_binary_entry(bool at_end);  // false: needs more bytes
  void add(std::string word, const float* values, int dim);
  [[noreturn]] void fail(const std::string& what) const;

  VectorFormat format_;
  int max_words_;
  std::string pending_;        // bytes not yet parsed
  size_t pos_ = 0;             // parsed up to here in pending_
  bool started_ = false;       // the BOM check and (word2vec) header are behind us
  bool header_done_ = false;
  int64_t kept_ = 0;
  int64_t entries_ = 0;        // vectors seen, kept or not
  int64_t bytes_ = 0;          // bytes fed so far
  std::vector<std::string> words_;
  std::vector<float> values_;  // (kept, dim) row-major
  std::unordered_set<std::string> seen_;
  std::vector<float> row_;     // (dim) scratch
  ReadReport report_;
};

// Reads a whole file held in memory.
WordVectors read_vectors(const std::string& data, VectorFormat format, int max_words = kDefaultMaxWords,
                         ReadReport* report = nullptr);

// Gives TSV vectors their words from the Projector's metadata.tsv: one label per line, or with
// several columns a header line first and the word in the first column. Duplicate words keep their
// first row (counted in report). Throws InputError for too few labels or a label that is not UTF-8.
void attach_tsv_metadata(WordVectors& v, const std::string& metadata, ReadReport* report = nullptr);

// Writes vectors in a format (for kTsv: vectors.tsv). Numbers are printed so that they read back
// exactly. Throws InputError for a word the format cannot hold (empty, or with whitespace).
std::string write_vectors(const WordVectors& v, VectorFormat format);
std::string write_tsv_metadata(const WordVectors& v);  // metadata.tsv: one word per line, no header

}  // namespace embplay
