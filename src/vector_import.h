// Opening a vectors file as a stream. The page's worker hands the file over in slices and the
// command-line tool reads it from disk in chunks; both go through this one state machine, so the
// format guess and the Projector's two-file rule (numbers in vectors.tsv, words in metadata.tsv)
// are written once:
//
//   VectorImport in("auto", 20000);                  // or a format name
//   while (more && in.feed(chunk)) { ... }           // false once max_words are kept
//   if (in.format() == VectorFormat::kTsv) in.set_metadata(bytes, "metadata.tsv");
//   ImportedFile file = in.finish();                 // words and vectors in file order
//   VectorTable table = with_reserved_rows(std::move(file.vectors));  // for the page's tools
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common.h"
#include "vectors_io.h"
#include "vocab.h"

namespace embplay {

struct ImportedFile {
  WordVectors vectors;  // (N) words, (N, d) vectors, in file order; later copies of a word dropped
  ReadReport report;    // duplicates, truncated, ...
  VectorFormat format = VectorFormat::kGlove;
};

class VectorImport {
 public:
  // With "auto" the format is guessed from this many first bytes (or all of a smaller file).
  static constexpr size_t kDetectBytes = 4096;

  // format: "auto" or a name parse_vector_format() knows; max_words: keep the file's first this
  // many words, 1..kMaxMaxWords. Throws InputError.
  VectorImport(const std::string& format, int max_words);
  ~VectorImport();

  // The next bytes of the file. Returns false once max_words are kept: a further chunk only tells
  // whether the file had more (report().truncated). Throws InputError at the first problem.
  bool feed(const char* data, size_t size);
  bool feed(const std::string& data) { return feed(data.data(), data.size()); }

  int64_t kept() const;  // words kept so far (0 while the format is still being guessed)
  bool done() const;     // max_words are kept

  // The file's format: the one given, or guessed from the bytes so far and fixed from then on.
  // Throws InputError when nothing has been fed.
  VectorFormat format();

  // The words of TSV vectors (the Projector's metadata.tsv); `name` starts its error messages.
  void set_metadata(std::string bytes, std::string name = "metadata.tsv");

  // The vectors read, TSV ones with their metadata's words. Throws InputError: an empty file, a
  // last record cut short, TSV without its metadata, labels that do not match the vectors.
  ImportedFile finish();

 private:
  void start_reader();  // guesses the format from head_ and feeds it to a new reader

  int max_words_;
  VectorFormat format_ = VectorFormat::kGlove;
  std::unique_ptr<VectorReader> reader_;  // with "auto", made once kDetectBytes bytes are in
  std::string head_;                      // the first bytes, until the format is guessed
  bool has_metadata_ = false;
  std::string metadata_, metadata_name_;
};

// Vectors as the page's tools want them: <pad> and <unk> name two zero rows in front, so the
// geometry code that skips ids 0 and 1 works unchanged. A file's own <pad> and <unk> are skipped.
struct VectorTable {
  Vocab vocab;          // (N + 2): <pad>, <unk>, then the file's words in file order (counts 0)
  RowMatrix table;      // (N + 2, d): rows 0 and 1 are zero
  int64_t skipped = 0;  // the file's own <pad> and <unk> entries, left out
};
VectorTable with_reserved_rows(WordVectors vectors);

// How the page reads a word against an opened file's words, which come with no tokenizer of their
// own: as written, else in ASCII lowercase when only that spelling is there (GloVe is lowercase).
// The word's id, or -1 when neither spelling is a word (<pad> and <unk> never are); `spelling`,
// when given, gets the form looked up last.
int32_t file_word_id(const Vocab& vocab, const std::string& word, std::string* spelling = nullptr);

}  // namespace embplay
