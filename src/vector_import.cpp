// The streamed opening of a vectors file (see vector_import.h).
#include "vector_import.h"

#include <utility>

#include "evaluation.h"
#include "input_error.h"

namespace embplay {

VectorImport::VectorImport(const std::string& format, int max_words) : max_words_(max_words) {
  if (max_words < 1 || max_words > kMaxMaxWords)
    throw InputError("keep between 1 and " + std::to_string(kMaxMaxWords) + " words");
  if (format != "auto") {
    format_ = parse_vector_format(format);
    reader_ = std::make_unique<VectorReader>(format_, max_words);
  }
}

VectorImport::~VectorImport() = default;

void VectorImport::start_reader() {
  format_ = detect_vector_format(head_.data(), head_.size());
  reader_ = std::make_unique<VectorReader>(format_, max_words_);
  reader_->feed(head_);
  std::string().swap(head_);
}

bool VectorImport::feed(const char* data, size_t size) {
  if (reader_) return reader_->feed(data, size);
  head_.append(data, size);
  if (head_.size() >= kDetectBytes) return (start_reader(), !reader_->done());
  return true;
}

int64_t VectorImport::kept() const { return reader_ ? reader_->kept() : 0; }
bool VectorImport::done() const { return reader_ && reader_->done(); }

VectorFormat VectorImport::format() {
  if (!reader_) {
    if (head_.empty()) throw InputError("the file is empty");
    start_reader();
  }
  return format_;
}

void VectorImport::set_metadata(std::string bytes, std::string name) {
  metadata_ = std::move(bytes);
  metadata_name_ = std::move(name);
  has_metadata_ = true;
}

ImportedFile VectorImport::finish() {
  ImportedFile out;
  out.format = format();
  out.vectors = reader_->finish();
  out.report = reader_->report();
  reader_.reset();
  if (out.format == VectorFormat::kTsv) {
    if (!has_metadata_) throw InputError("TSV vectors need their metadata.tsv (the words): open both files together");
    try {
      attach_tsv_metadata(out.vectors, metadata_, &out.report);
    } catch (const InputError& e) {
      throw InputError(metadata_name_ + ": " + e.what());
    }
  }
  return out;
}

VectorTable with_reserved_rows(WordVectors v) {
  std::vector<std::string> words = {Vocab::pad_word(), Vocab::unk_word()};
  std::vector<Eigen::Index> rows;  // the file's rows kept, in order
  words.reserve(v.words.size() + 2);
  rows.reserve(v.words.size());
  for (size_t i = 0; i < v.words.size(); ++i) {
    if (v.words[i] == Vocab::pad_word() || v.words[i] == Vocab::unk_word()) continue;
    words.push_back(std::move(v.words[i]));
    rows.push_back(static_cast<Eigen::Index>(i));
  }
  VectorTable out;
  out.skipped = static_cast<int64_t>(v.words.size() - rows.size());
  out.table = RowMatrix::Zero(static_cast<Eigen::Index>(rows.size() + 2), v.vectors.cols());
  for (size_t r = 0; r < rows.size(); ++r) out.table.row(static_cast<Eigen::Index>(r + 2)) = v.vectors.row(rows[r]);
  std::vector<int64_t> counts(words.size(), 0);
  out.vocab = Vocab::from_words(std::move(words), std::move(counts));
  return out;
}

int32_t file_word_id(const Vocab& vocab, const std::string& word, std::string* spelling) {
  std::string found = word;
  if (!vocab.contains(found)) {
    std::string lower = lowercase_ascii(word);
    if (vocab.contains(lower)) found = std::move(lower);
  }
  const int32_t id = vocab.contains(found) ? vocab.id(found) : -1;
  if (spelling) *spelling = std::move(found);
  return id > kUnkId ? id : -1;
}

}  // namespace embplay
