// Vector files: every format reads back what was written, streaming in any chunking; each kind of
// bad file gets its message with a line number; a fuzzed file never crashes the reader.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "utf8.h"
#include "vectors_io.h"

namespace embplay {
namespace {

const VectorFormat kAll[] = {VectorFormat::kGlove, VectorFormat::kWord2VecText, VectorFormat::kWord2VecBinary,
                             VectorFormat::kTsv};

WordVectors sample_vectors(int n, int d, uint64_t seed) {
  Rng rng(seed);
  WordVectors v;
  const char* stems[] = {"the", "chat", "Straße", "кошка", "猫", "😀", "don't", "x"};
  for (int i = 0; i < n; ++i) v.words.push_back(std::string(stems[i % 8]) + std::to_string(i));
  v.vectors.resize(n, d);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) {
      // Awkward values: tiny, huge, negative zero, many digits.
      const float u = rng.symmetric(1.0f);
      v.vectors(i, j) = (j % 7 == 0) ? u * 1e-30f : (j % 7 == 1) ? u * 1e20f : (j % 7 == 2 && i == 0) ? -0.0f : u;
    }
  return v;
}

// Feeds `data` in chunks of seeded random sizes (1..max_chunk bytes).
WordVectors read_chunked(const std::string& data, VectorFormat f, uint64_t seed, size_t max_chunk,
                         int max_words = kDefaultMaxWords, ReadReport* report = nullptr) {
  VectorReader r(f, max_words);
  Rng rng(seed);
  for (size_t pos = 0; pos < data.size();) {
    const size_t n = std::min(data.size() - pos, size_t{1} + rng.below(static_cast<uint32_t>(max_chunk)));
    if (!r.feed(data.data() + pos, n)) {
      r.feed(data.data() + pos + n, data.size() - pos - n);  // what a worker may still send
      break;
    }
    pos += n;
  }
  WordVectors v = r.finish();
  if (report) *report = r.report();
  return v;
}

TEST(VectorsIo, EveryFormatRoundTripsExactly) {
  const WordVectors v = sample_vectors(50, 13, 1);
  for (VectorFormat f : kAll) {
    const std::string data = write_vectors(v, f);
    for (size_t chunk : {size_t{1} << 20, size_t{7}, size_t{1}}) {
      WordVectors back = read_chunked(data, f, 3, chunk);
      if (f == VectorFormat::kTsv) attach_tsv_metadata(back, write_tsv_metadata(v));
      EXPECT_EQ(back.words, v.words) << vector_format_name(f);
      ASSERT_EQ(back.vectors.rows(), 50);
      ASSERT_EQ(back.vectors.cols(), 13);
      // Bit for bit, -0 included: every format prints enough digits.
      EXPECT_EQ(0, std::memcmp(back.vectors.data(), v.vectors.data(), sizeof(float) * 50 * 13))
          << vector_format_name(f) << " chunk " << chunk;
    }
    EXPECT_EQ(detect_vector_format(data.data(), data.size()), f) << vector_format_name(f);
  }
}

TEST(VectorsIo, FormatsLookAsTheToolsExpect) {
  WordVectors v;
  v.words = {"king", "queen"};
  v.vectors.resize(2, 2);
  v.vectors << 0.5f, -1.0f, 0.25f, 3.0f;
  EXPECT_EQ(write_vectors(v, VectorFormat::kGlove), "king 0.5 -1\nqueen 0.25 3\n");
  EXPECT_EQ(write_vectors(v, VectorFormat::kWord2VecText), "2 2\nking 0.5 -1\nqueen 0.25 3\n");
  EXPECT_EQ(write_vectors(v, VectorFormat::kTsv), "0.5\t-1\n0.25\t3\n");
  EXPECT_EQ(write_tsv_metadata(v), "king\nqueen\n");
  const std::string bin = write_vectors(v, VectorFormat::kWord2VecBinary);
  EXPECT_EQ(bin.size(), 4 + (5 + 8 + 1) + (6 + 8 + 1));
  EXPECT_EQ(bin.substr(0, 9), "2 2\nking ");
  v.words[1] = "two words";
  EXPECT_THROW(write_vectors(v, VectorFormat::kGlove), InputError);
}

TEST(VectorsIo, ReadsWhatOtherToolsWrite) {
  // fastText .vec: a trailing space on each line; GloVe with CRLF and a BOM; Projector metadata with columns.
  const WordVectors ft = read_vectors("2 3\n</s> 0.1 0.2 0.3 \nthe -1 2e-3 4 \n", VectorFormat::kWord2VecText);
  EXPECT_EQ(ft.words, (std::vector<std::string>{"</s>", "the"}));
  EXPECT_FLOAT_EQ(ft.vectors(1, 1), 0.002f);
  const WordVectors gl = read_vectors("\xEF\xBB\xBFthe 1 2\r\n\r\nof 3 4\r\n", VectorFormat::kGlove);
  EXPECT_EQ(gl.words, (std::vector<std::string>{"the", "of"}));
  WordVectors tsv = read_vectors("1\t2\n3\t4\n5\t6\n", VectorFormat::kTsv);
  attach_tsv_metadata(tsv, "word\tcount\nthe\t10\nof\t7\nand\t5\n");
  EXPECT_EQ(tsv.words, (std::vector<std::string>{"the", "of", "and"}));
  EXPECT_FLOAT_EQ(tsv.vectors(2, 1), 6);
}

TEST(VectorsIo, KeepsTheFirstNWordsAndStops) {
  const WordVectors v = sample_vectors(300, 4, 2);
  for (VectorFormat f : kAll) {
    ReadReport report;
    const WordVectors back = read_chunked(write_vectors(v, f), f, 5, 100, 120, &report);
    ASSERT_EQ(back.vectors.rows(), 120) << vector_format_name(f);
    EXPECT_TRUE(report.truncated);
    EXPECT_EQ(back.vectors.row(119), v.vectors.row(119));
    if (f != VectorFormat::kTsv) {
      EXPECT_EQ(back.words[119], v.words[119]);
    }
  }
  EXPECT_THROW(VectorReader(VectorFormat::kGlove, 0), InputError);
  EXPECT_THROW(VectorReader(VectorFormat::kGlove, 200001), InputError);
}

TEST(VectorsIo, DuplicatesKeepTheFirstAndAreCounted) {
  ReadReport report;
  const WordVectors v = read_vectors("a 1 1\nb 2 2\na 3 3\nc 4 4\nb 5 5\n", VectorFormat::kGlove, 100, &report);
  EXPECT_EQ(v.words, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(v.vectors(0, 0), 1);
  EXPECT_EQ(report.duplicates, 2);
  EXPECT_EQ(report.first_duplicate, "a");
  WordVectors tsv = read_vectors("1\n2\n3\n", VectorFormat::kTsv);
  ReadReport tr;
  attach_tsv_metadata(tsv, "x\ny\nx\n", &tr);
  EXPECT_EQ(tsv.words.size(), 2u);
  EXPECT_EQ(tr.duplicates, 1);
}

std::string error_of(const std::string& data, VectorFormat f) {
  try {
    read_vectors(data, f);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(VectorsIo, BadFilesGetClearMessagesWithLineNumbers) {
  using F = VectorFormat;
  EXPECT_EQ(error_of("a 1 2\nb 1 x\n", F::kGlove), "line 2: value 2 of \"b\" (\"x\") is not a number");
  EXPECT_EQ(error_of("a 1 2\nb 1 2 3\n", F::kGlove), "line 2: \"b\" has 3 numbers, but the first vector has 2");
  EXPECT_EQ(error_of("2 3\na 1 2 3\nb 1 2\n", F::kWord2VecText), "line 3: \"b\" has 2 numbers, but the header says 3");
  EXPECT_EQ(error_of("a 1 2\nb nan 2\n", F::kGlove), "line 2: value 1 of \"b\" is NaN; vectors must hold finite numbers");
  EXPECT_EQ(error_of("a 1 inf\n", F::kGlove), "line 1: value 2 of \"a\" is infinite; vectors must hold finite numbers");
  EXPECT_EQ(error_of("a 1 2\nb\n", F::kGlove), "line 2: the word \"b\" has no numbers after it");
  EXPECT_EQ(error_of("a 1 2\ncaf\xE9 1 2\n", F::kGlove),
            "line 2: the word is not valid UTF-8 (byte 0xE9 at offset 3); save the file as UTF-8");
  EXPECT_EQ(error_of("", F::kGlove), "the file is empty");
  EXPECT_EQ(error_of("\n\n  \n", F::kGlove), "line 3: no vectors found in the file");
  EXPECT_EQ(error_of("a 1 2\n\x01\x02\x00\x7f", F::kGlove).substr(0, 35), "line 2: binary data (byte 0x01) in ");
  EXPECT_EQ(error_of("\xFF\xFE" "a\0 \0", F::kGlove), "line 1: the file is UTF-16; save it as UTF-8");
  EXPECT_EQ(error_of("a 1 2\n", F::kWord2VecText),
            "line 1: expected the word2vec header \"<count> <dimension>\"; a file without one is GloVe text (format glove)");
  EXPECT_EQ(error_of("3 2\na 1 2\nb 1 2\n", F::kWord2VecText),
            "line 3: the file ends after 2 of the 3 vectors its header promises (cut short?)");
  EXPECT_EQ(error_of("1 2\na 1 2\nb 1 2\n", F::kWord2VecText), "line 3: more vectors than the header's count of 1");
  EXPECT_EQ(error_of("300 2\n", F::kGlove), "line 1: this looks like a word2vec header (\"<count> <dimension>\"): use the word2vec format");
  EXPECT_EQ(error_of("1\t2\n3\n", F::kTsv), "line 2: the line has 1 numbers, but the first vector has 2");

  WordVectors v;
  v.words = {"a", "b"};
  v.vectors = RowMatrix::Ones(2, 3);
  std::string bin = write_vectors(v, F::kWord2VecBinary);
  EXPECT_EQ(error_of(bin.substr(0, bin.size() - 5), F::kWord2VecBinary), "entry 2: the file ends inside an entry (cut short?)");
  bin[4] = '\xC3';  // "a" becomes a lone UTF-8 lead byte
  EXPECT_EQ(error_of(bin, F::kWord2VecBinary), "entry 1: the word is not valid UTF-8 (byte 0xC3 at offset 0)");
  WordVectors tsv = read_vectors("1\n2\n3\n", F::kTsv);
  EXPECT_THROW(attach_tsv_metadata(tsv, "x\ny\n"), InputError);
}

// A file in another encoding (cp852, Latin-1) or a binary file is named by its first bad byte, and
// no message ever quotes a byte that is not printable UTF-8: the page must be able to show it.
TEST(VectorsIo, MessagesHoldOnlyPrintableUtf8WhateverTheFileHolds) {
  using F = VectorFormat;
  EXPECT_EQ(error_of("word 1 2\ncaf\x82 1 2 3\n", F::kGlove),
            "line 2: the word is not valid UTF-8 (byte 0x82 at offset 3); save the file as UTF-8");
  EXPECT_EQ(error_of("\x89PNG\r\n\x1a\n", F::kGlove),
            "line 1: the word is not valid UTF-8 (byte 0x89 at offset 0); save the file as UTF-8");
  const std::string quoted = error_of("a 1 2\nb 1 \xE9t\xE9\n", F::kGlove);
  EXPECT_TRUE(valid_utf8(quoted)) << quoted;
  EXPECT_EQ(quoted, "line 2: value 2 of \"b\" (\"\xEF\xBF\xBDt\xEF\xBF\xBD\") is not a number");
  EXPECT_EQ(printable_utf8("a\x01" "b\x7f\xC2\x85" "c"), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD" "c");
}

// The Projector's metadata.tsv as editors save it: a byte-order mark, Windows line ends. A label
// with a control byte is refused: written into a word2vec or GloVe file it would not read back.
TEST(VectorsIo, MetadataTakesABomAndCrlfAndRefusesControlBytes) {
  WordVectors v = read_vectors("1\t2\n3\t4\n", VectorFormat::kTsv);
  attach_tsv_metadata(v, "\xEF\xBB\xBFk\xC3\xB6nig\r\nqueen\r\n");
  EXPECT_EQ(v.words, (std::vector<std::string>{"k\xC3\xB6nig", "queen"}));
  WordVectors w = read_vectors("1\t2\n3\t4\n", VectorFormat::kTsv);
  try {
    attach_tsv_metadata(w, "king\nque\x01" "en\n");
    FAIL() << "a control byte was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "metadata line 2: the label \"que\xEF\xBF\xBD" "en\" holds a control byte (0x01); labels must be plain text");
  }
}

TEST(VectorsIo, FuzzedFilesNeverCrash) {
  const WordVectors v = sample_vectors(40, 6, 9);
  const std::regex located("^(line|entry) [0-9]+: .+|^the file is empty$");
  Rng rng(2024);
  int parsed = 0, refused = 0;
  for (VectorFormat f : kAll) {
    const std::string valid = write_vectors(v, f);
    for (int trial = 0; trial < 400; ++trial) {
      std::string data = valid;
      const int edits = 1 + static_cast<int>(rng.below(4));
      for (int e = 0; e < edits; ++e) {
        if (data.empty()) break;
        const size_t at = rng.below(static_cast<uint32_t>(data.size()));
        switch (rng.below(6)) {
          case 0: data[at] = static_cast<char>(rng.below(256)); break;                  // any byte
          case 1: data[at] = "0123456789 \n\t.-eE+naif"[rng.below(22)]; break;          // plausible byte
          case 2: data.erase(at, 1 + rng.below(20)); break;                             // cut
          case 3: data.insert(at, std::string(1 + rng.below(8), static_cast<char>(rng.below(256)))); break;
          case 4: data.resize(at); break;                                               // truncate
          default: data.insert(at, data.substr(at, rng.below(60))); break;             // repeat a piece
        }
      }
      try {
        WordVectors back = read_chunked(data, f, trial, 64, 1 + rng.below(60));
        EXPECT_TRUE(back.vectors.allFinite());
        EXPECT_EQ(back.words.size(), static_cast<size_t>(back.vectors.rows()));
        ++parsed;
      } catch (const InputError& e) {
        EXPECT_TRUE(std::regex_match(std::string(e.what()), located)) << e.what();
        ++refused;
      }
    }
  }
  EXPECT_GT(parsed, 50);
  EXPECT_GT(refused, 200);
}

}  // namespace
}  // namespace embplay
