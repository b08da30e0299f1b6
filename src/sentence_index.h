// SentenceIndex: the page's units of text and everything built on them, owned together because
// each piece holds references to the one before it:
//
//   Units          the text's sentences or paragraphs, or a documents file       text_units.h
//   TextIndex      terms, bags and postings of the units, built in steps         text_index.h
//   Pooler         each term's row in the current vectors, and its weight        pooling.h
//   UnitEmbeddings (N, D) pooled unit vectors, pooled in steps                    pooling.h
//   UnitSearch     embedding, BM25 and hybrid search over them                    unit_search.h
//
// New units are built aside (split, then indexed, in steps) and take the old ones' place, with
// everything after them, only once they read cleanly: a malformed or empty documents file keeps the
// units there were. New vectors (another source, or the same table moved by training) need a new
// pooling, not a new index, unless they read words differently (another tokenizer), which re-indexes
// the same units first. The owner says when vectors change (repool) and when they go away
// (drop_vectors, before the table is freed). Without vectors the index still answers BM25.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "pooling.h"
#include "text_index.h"
#include "text_units.h"
#include "unit_search.h"

namespace embplay {

// What one step() did. Work is counted in the phase's own units: bytes split, units indexed or pooled.
struct SentenceProgress {
  std::string phase = "ready";  // splitting, indexing, pooling, or ready (nothing left to do)
  int64_t done = 0;             // of the phase's work, so far
  int64_t total = 0;            // the phase's work in all
  bool replaced = false;        // new units took the old ones' place in this step
  bool pooled = false;          // a pooling finished in this step
  std::string error;            // why the units being built could not be read (the old ones stay)
};

class SentenceIndex {
 public:
  SentenceIndex();
  ~SentenceIndex();
  SentenceIndex(const SentenceIndex&) = delete;
  SentenceIndex& operator=(const SentenceIndex&) = delete;

  // Starts building units from `source` (any build under way is dropped). Throws InputError at once
  // for options that cannot work (a CSV column that is not there); reading errors come from step().
  void open(std::string source, const UnitOptions& options);
  // How units are pooled (validated; throws InputError). Pools again at the next steps.
  void set_pooling(const PoolingOptions& options);
  const PoolingOptions& pooling() const { return options_; }
  // The vectors moved or are new: pool again at the next steps (a pooling under way starts over).
  void repool();
  // The vectors are going away: the pooling and everything reading the table go first. BM25 stays.
  void drop_vectors();

  // About `budget` of the current job's work. `table`: the current vectors, or null (no pooling).
  SentenceProgress step(int64_t budget, const WordTable* table);
  bool busy(const WordTable* table) const;  // step() has work to do with these vectors
  // The phase the next step() works on with these vectors: splitting, indexing, pooling or ready
  // (its work is counted in other units than the last one's, so a caller sizes it by its own phase).
  std::string next_phase(const WordTable* table) const;

  // ---- what is built (the current units; null or false before the first units are indexed)
  bool has_units() const { return index_ != nullptr; }
  const Units& units() const { return *units_; }
  const TextIndex& index() const { return *index_; }
  const Pooler* pooler() const { return pooler_.get(); }
  const UnitEmbeddings* embeddings() const { return embeddings_.get(); }
  // False when the vectors moved since the units were pooled (or they never were).
  bool pooled_fresh() const { return embeddings_ != nullptr && !want_pool_ && !embedder_; }
  UnitSearch& search() { return *search_; }
  // Bytes held by the units' text, the index and the unit vectors, for the memory figures.
  size_t memory_bytes() const;

 private:
  void install_units(std::unique_ptr<Units> units, std::unique_ptr<TextIndex> index);
  void clear_pooling();  // drops the pooled vectors and any pooling under way

  PoolingOptions options_;
  // The current units, oldest piece first (each refers to those above it, and goes before them).
  std::unique_ptr<Units> units_;
  std::unique_ptr<TextIndex> index_;
  std::unique_ptr<Pooler> pooler_;
  std::unique_ptr<UnitEmbeddings> embeddings_;
  std::unique_ptr<UnitSearch> search_;
  // A build under way: splitting, then indexing the new units (or the current ones, again, when the
  // vectors read words differently: reindex_).
  std::unique_ptr<UnitSplitter> splitter_;
  std::unique_ptr<Units> pending_;
  std::unique_ptr<TextIndexBuilder> builder_;
  bool reindex_ = false;
  // A pooling under way, over the current units.
  bool want_pool_ = false;
  std::unique_ptr<Pooler> next_pooler_;
  std::unique_ptr<UnitEmbedder> embedder_;
};

}  // namespace embplay
