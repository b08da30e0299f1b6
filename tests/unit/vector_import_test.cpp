// The streamed import: the format guessed from the first bytes whatever the slicing, TSV words
// from their metadata, the zero rows in front for the page, and every problem named.
#include "vector_import.h"

#include <gtest/gtest.h>

#include <string>

#include "error_message.h"
#include "input_error.h"

namespace embplay {
namespace {

// n words in 4 dimensions; values that are not round.
WordVectors numbered(int n) {
  WordVectors v;
  v.vectors.resize(n, 4);
  for (int i = 0; i < n; ++i) {
    v.words.push_back("w" + std::to_string(i));
    for (int j = 0; j < 4; ++j) v.vectors(i, j) = 0.1f * static_cast<float>(i) - 0.37f * static_cast<float>(j);
  }
  return v;
}

// Streams `bytes` in slices of `slice` bytes, as the worker or the CLI would.
ImportedFile import(const std::string& bytes, size_t slice, const std::string& format = "auto",
                    const std::string* metadata = nullptr, int max_words = kDefaultMaxWords) {
  VectorImport in(format, max_words);
  for (size_t at = 0; at < bytes.size(); at += slice)
    if (!in.feed(bytes.data() + at, std::min(slice, bytes.size() - at))) break;
  if (metadata) in.set_metadata(*metadata);
  return in.finish();
}

TEST(VectorImport, GuessesEveryFormatWhateverTheSlicing) {
  const WordVectors v = numbered(600);  // well over the 4 KB the guess reads, in every format
  const std::string metadata = write_tsv_metadata(v);
  for (VectorFormat f : {VectorFormat::kGlove, VectorFormat::kWord2VecText, VectorFormat::kWord2VecBinary,
                         VectorFormat::kTsv}) {
    const std::string bytes = write_vectors(v, f);
    ASSERT_GT(bytes.size(), VectorImport::kDetectBytes);
    for (size_t slice : {size_t{7}, size_t{4096}, bytes.size()}) {
      const ImportedFile file = import(bytes, slice, "auto", &metadata);
      EXPECT_EQ(file.format, f) << vector_format_name(f) << " in slices of " << slice;
      EXPECT_EQ(file.vectors.words, v.words) << vector_format_name(f);
      EXPECT_EQ(file.vectors.vectors, v.vectors) << vector_format_name(f);
    }
  }
  // Windows line ends: a word2vec header and a TSV line are still recognised.
  EXPECT_EQ(import("2 2\r\na 1 2\r\nb 3 4\r\n", 5).format, VectorFormat::kWord2VecText);
  EXPECT_EQ(import("2 2\r\na 1 2\r\nb 3 4\r\n", 5).vectors.words, (std::vector<std::string>{"a", "b"}));
  const std::string crlf_metadata = "a\r\nb\r\n";
  EXPECT_EQ(import("0.5\t2\r\n3\t4\r\n", 5, "auto", &crlf_metadata).format, VectorFormat::kTsv);
  // A file smaller than the guess' bytes is guessed when it ends.
  const ImportedFile small = import("a 1 2\nb 3 4\n", 3);
  EXPECT_EQ(small.format, VectorFormat::kGlove);
  EXPECT_EQ(small.vectors.words, (std::vector<std::string>{"a", "b"}));
}

TEST(VectorImport, KeepsTheFirstWordsAndSaysWhenThereWereMore) {
  const std::string bytes = write_vectors(numbered(3000), VectorFormat::kGlove);
  VectorImport in("glove", 100);
  EXPECT_EQ(in.kept(), 0);
  size_t at = 0;
  while (at < bytes.size() && in.feed(bytes.data() + at, std::min<size_t>(1000, bytes.size() - at))) at += 1000;
  EXPECT_TRUE(in.done());
  EXPECT_EQ(in.kept(), 100);
  in.feed("x", 1);  // a further slice only tells that the file had more
  const ImportedFile file = in.finish();
  EXPECT_EQ(file.vectors.words.size(), 100u);
  EXPECT_TRUE(file.report.truncated);
  // While "auto" still guesses, nothing is kept yet.
  VectorImport guessing("auto", 100);
  EXPECT_TRUE(guessing.feed("a 1 2\n"));
  EXPECT_EQ(guessing.kept(), 0);
  EXPECT_FALSE(guessing.done());
}

TEST(VectorImport, TsvWordsComeFromTheirMetadataNamedInItsErrors) {
  const std::string vectors = "0.1\t0.2\n0.3\t0.4\n";
  EXPECT_NE(error_of([&] { import(vectors, 5); }).find("need their metadata.tsv"), std::string::npos);
  const std::string one_label = "a\n";
  EXPECT_EQ(error_of([&] { import(vectors, 5, "tsv", &one_label); }).rfind("metadata.tsv: metadata.tsv has 1 labels", 0), 0u)
      << error_of([&] { import(vectors, 5, "tsv", &one_label); });
  VectorImport named("tsv", 10);
  named.feed(vectors);
  named.set_metadata("a\n", "/data/words.tsv");
  EXPECT_EQ(error_of([&] { named.finish(); }).rfind("/data/words.tsv: ", 0), 0u);
  const std::string labels = "a\nb\n";
  EXPECT_EQ(import(vectors, 5, "tsv", &labels).vectors.words, (std::vector<std::string>{"a", "b"}));
}

TEST(VectorImport, RefusesWhatItCannotRead) {
  EXPECT_NE(error_of([] { VectorImport("glove", 0); }).find("keep between 1 and 200000 words"), std::string::npos);
  EXPECT_NE(error_of([] { VectorImport("xml", 10); }).find("unknown vector format"), std::string::npos);
  EXPECT_NE(error_of([] { import("", 4); }).find("empty"), std::string::npos);
  EXPECT_NE(error_of([] { import("a 1 2\nb 1 x\n", 4); }).find("line 2"), std::string::npos);
  VectorImport empty("auto", 10);
  EXPECT_THROW(empty.format(), InputError);
}

TEST(VectorImport, ReservedRowsGoInFrontAndAFilesOwnAreSkipped) {
  WordVectors v = numbered(4);
  v.words[1] = "<unk>";
  v.words[3] = "<pad>";
  const RowMatrix original = v.vectors;
  const VectorTable t = with_reserved_rows(std::move(v));
  EXPECT_EQ(t.skipped, 2);
  EXPECT_EQ(t.vocab.words(), (std::vector<std::string>{"<pad>", "<unk>", "w0", "w2"}));
  ASSERT_EQ(t.table.rows(), 4);
  EXPECT_TRUE(t.table.topRows(2).isZero(0));
  EXPECT_EQ(t.table.row(2), original.row(0));
  EXPECT_EQ(t.table.row(3), original.row(2));
  EXPECT_EQ(t.vocab.count(2), 0);  // a file has no counts
}

}  // namespace
}  // namespace embplay
