// Sentence tools benchmark: index and pool 100,000 paragraphs, then time queries by embedding, BM25
// and hybrid search, and state the memory. Not a test: figures go to bench/README.md (Sentences).
//
// The paragraphs are made reproducibly from the shipped Cranfield abstracts: each is 2-4 sentences
// drawn by the project's Rng (seed 1) from all their sentences, so they read like the collection
// (about 70 words each). The vectors are random (seeded) for every word of the paragraphs, unless
// --vectors names a file: speed and memory do not depend on what the vectors mean.
//
//   build/native/bench_sentences [--paragraphs 100000] [--dim 100] [--vectors FILE] [--queries 225]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "text_eval.h"
#include "vector_import.h"

using namespace embplay;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Peak resident memory natively; in WebAssembly the linear memory's size (it only grows).
double peak_rss_mb() {
#ifdef __wasm__
  return __builtin_wasm_memory_size(0) * 65536.0 / (1024 * 1024);
#else
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // Linux: kilobytes
#endif
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
}

}  // namespace

int main(int argc, char** argv) {
  int paragraphs = 100000, dim = 100, queries = 225;
  std::string vectors_path, data = EMBPLAY_TEST_DATA;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--paragraphs") paragraphs = std::stoi(value);
    else if (flag == "--dim") dim = std::stoi(value);
    else if (flag == "--vectors") vectors_path = value;
    else if (flag == "--queries") queries = std::stoi(value);
    else if (flag == "--data") data = value;
    else return std::fprintf(stderr, "unknown flag %s\n", flag.c_str()), 2;
  }
  try {
    const IrCollection cran = read_ir_collection(read_file(data + "/ir/cranfield/documents.jsonl"),
                                                 read_file(data + "/ir/cranfield/queries.jsonl"),
                                                 read_file(data + "/ir/cranfield/qrels.tsv"));
    // All sentences of the abstracts, then paragraphs of 2-4 of them.
    std::vector<std::string> sentences;
    UnitOptions by_sentence;
    by_sentence.kind = UnitKind::kSentences;
    const Units cran_sentences = split_units(cran.documents.text, by_sentence);
    for (size_t i = 0; i < cran_sentences.size(); ++i) sentences.emplace_back(cran_sentences.unit(i));
    Rng rng(1);
    std::string text;
    for (int p = 0; p < paragraphs; ++p) {
      const int n = 2 + static_cast<int>(rng.below(3));
      for (int s = 0; s < n; ++s) text += sentences[rng.below(static_cast<uint32_t>(sentences.size()))] + (s + 1 < n ? " " : "");
      text += "\n\n";
    }
    const double text_mb = text.size() / 1e6;

    auto t0 = Clock::now();
    const Units units = split_units(std::move(text), UnitOptions{});
    const double split_s = seconds_since(t0);

    t0 = Clock::now();
    TextIndexBuilder builder(units, TokenizerOptions{});
    double longest_step = 0;
    for (bool done = false; !done;) {  // the page's worker would post progress between steps
      const auto s = Clock::now();
      done = builder.step(2000);
      longest_step = std::max(longest_step, seconds_since(s));
    }
    const TextIndex index = builder.finish();
    const double index_s = seconds_since(t0);

    // The table: a file's vectors, or seeded random ones for every term.
    Vocab vocab;
    RowMatrix table;
    if (!vectors_path.empty()) {
      const std::string bytes = read_file(vectors_path);
      VectorTable file = with_reserved_rows(read_vectors(bytes, detect_vector_format(bytes.data(), 4096), kMaxMaxWords));
      vocab = std::move(file.vocab);
      table = std::move(file.table);
    } else {
      std::vector<std::string> words = {Vocab::pad_word(), Vocab::unk_word()};
      for (int32_t t = 0; t < index.terms(); ++t) words.push_back(index.term(t));
      vocab = Vocab::from_words(words, std::vector<int64_t>(words.size(), 0));
      table = RowMatrix::Zero(static_cast<Eigen::Index>(words.size()), dim);
      Rng vr(2);
      for (Eigen::Index i = 2; i < table.rows(); ++i)
        for (int k = 0; k < dim; ++k) table(i, k) = vr.symmetric(1.0f);
    }
    const WordTable view{&vocab, &table, nullptr};

    t0 = Clock::now();
    const Pooler pooler(index, view, pooling_preset("sif"));
    UnitEmbedder embedder(pooler);
    double longest_pool_step = 0;
    for (bool done = false; !done;) {
      const auto s = Clock::now();
      done = embedder.step(2000);
      longest_pool_step = std::max(longest_pool_step, seconds_since(s));
    }
    const UnitEmbeddings e = embedder.finish();
    const double pool_s = seconds_since(t0);

    UnitSearch search(index, pooler, e);
    std::printf("%d paragraphs (%.1f MB of text, %lld tokens, %d distinct words), vectors %lld x %lld\n", paragraphs, text_mb,
                (long long)index.tokens(), index.terms(), (long long)table.rows(), (long long)table.cols());
    std::printf("split %.2f s; index %.2f s (longest step of 2000 units %.0f ms); pool sif %.2f s (longest step %.0f ms); total %.2f s\n",
                split_s, index_s, 1000 * longest_step, pool_s, 1000 * longest_pool_step, split_s + index_s + pool_s);
    std::printf("memory: text %.0f MB, index %.0f MB, unit vectors %.0f MB, word table %.0f MB; peak resident %.0f MB\n",
                units.text.capacity() / 1e6, index.memory_bytes() / 1e6, e.vectors.size() * 4 / 1e6, table.size() * 4 / 1e6,
                peak_rss_mb());
    for (SearchMethod m : {SearchMethod::kEmbedding, SearchMethod::kBm25, SearchMethod::kHybrid}) {
      std::vector<double> ms;
      for (int q = 0; q < queries && q < static_cast<int>(cran.queries.size()); ++q) {
        const auto s = Clock::now();
        try {
          search.search(cran.queries[q], m, SearchOptions{});
        } catch (const InputError&) {
        }
        ms.push_back(1000 * seconds_since(s));
      }
      std::printf("query %-9s median %.1f ms, 95th percentile %.1f ms, max %.1f ms (%zu Cranfield queries)\n",
                  search_method_name(m), percentile(ms, 0.5), percentile(ms, 0.95), percentile(ms, 1.0), ms.size());
    }
  } catch (const std::exception& err) {
    std::fprintf(stderr, "bench_sentences: %s\n", err.what());
    return 1;
  }
  return 0;
}
