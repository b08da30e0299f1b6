// The page's units of text, their index and their pooled vectors, built in steps (see sentence_index.h).
#include "sentence_index.h"

#include <utility>

#include "input_error.h"

namespace embplay {
namespace {

bool same_reading(const TokenizerOptions& a, const TokenizerOptions& b) {
  return a.lowercase == b.lowercase && a.keep_punctuation == b.keep_punctuation;
}

}  // namespace

SentenceIndex::SentenceIndex() = default;
SentenceIndex::~SentenceIndex() {
  // Readers before what they read.
  builder_.reset();
  clear_pooling();
  search_.reset();
}

void SentenceIndex::open(std::string source, const UnitOptions& options) {
  auto splitter = std::make_unique<UnitSplitter>(std::move(source), options);
  builder_.reset();
  pending_.reset();
  reindex_ = false;
  splitter_ = std::move(splitter);
}

void SentenceIndex::set_pooling(const PoolingOptions& options) {
  validate(options);
  options_ = options;
  repool();
}

void SentenceIndex::repool() {
  embedder_.reset();
  next_pooler_.reset();
  want_pool_ = true;
}

void SentenceIndex::drop_vectors() {
  clear_pooling();
  want_pool_ = true;  // whatever vectors come next
  if (index_) search_ = std::make_unique<UnitSearch>(*index_);
}

void SentenceIndex::clear_pooling() {
  search_.reset();
  embedder_.reset();
  next_pooler_.reset();
  embeddings_.reset();
  pooler_.reset();
}

void SentenceIndex::install_units(std::unique_ptr<Units> units, std::unique_ptr<TextIndex> index) {
  clear_pooling();
  index_ = std::move(index);
  if (units) units_ = std::move(units);
  search_ = std::make_unique<UnitSearch>(*index_);
  want_pool_ = true;
}

bool SentenceIndex::busy(const WordTable* table) const {
  return splitter_ || builder_ || embedder_ || (want_pool_ && table && index_);
}

std::string SentenceIndex::next_phase(const WordTable* table) const {
  if (splitter_) return "splitting";
  if (builder_) return "indexing";
  if (embedder_) return "pooling";
  if (want_pool_ && table && index_) return same_reading(index_->tokenizer(), table->reading()) ? "pooling" : "indexing";
  return "ready";
}

SentenceProgress SentenceIndex::step(int64_t budget, const WordTable* table) {
  SentenceProgress p;
  const TokenizerOptions reading = table ? table->reading() : TokenizerOptions{};
  if (splitter_) {
    p.phase = "splitting";
    try {
      const bool done = splitter_->step(budget);
      p.done = static_cast<int64_t>(splitter_->done());
      p.total = static_cast<int64_t>(splitter_->size());
      if (!done) return p;
      pending_ = std::make_unique<Units>(splitter_->finish());
      splitter_.reset();
      builder_ = std::make_unique<TextIndexBuilder>(*pending_, reading);
    } catch (const InputError& e) {
      splitter_.reset();
      p.error = e.what();
    }
    return p;
  }
  if (builder_) {
    p.phase = "indexing";
    const bool done = builder_->step(budget);
    p.done = builder_->done();
    p.total = static_cast<int64_t>(reindex_ ? units_->size() : pending_->size());
    if (!done) return p;
    auto index = std::make_unique<TextIndex>(builder_->finish());
    builder_.reset();
    install_units(std::move(pending_), std::move(index));  // null units: a re-index of the current ones
    reindex_ = false;
    p.replaced = true;
    return p;
  }
  if (want_pool_ && table && index_) {
    if (!same_reading(index_->tokenizer(), reading)) {  // these vectors read words otherwise: index again first
      reindex_ = true;
      builder_ = std::make_unique<TextIndexBuilder>(*units_, reading);
      p.phase = "indexing";
      p.total = static_cast<int64_t>(units_->size());
      return p;
    }
    want_pool_ = false;
    next_pooler_ = std::make_unique<Pooler>(*index_, *table, options_);
    embedder_ = std::make_unique<UnitEmbedder>(*next_pooler_);
  }
  if (embedder_) {
    p.phase = "pooling";
    const bool done = embedder_->step(budget);
    p.done = embedder_->done();
    p.total = index_->units();
    if (!done) return p;
    auto embeddings = std::make_unique<UnitEmbeddings>(embedder_->finish());
    embedder_.reset();
    search_.reset();
    pooler_ = std::move(next_pooler_);
    embeddings_ = std::move(embeddings);
    search_ = std::make_unique<UnitSearch>(*index_, *pooler_, *embeddings_);
    p.pooled = true;
  }
  return p;
}

size_t SentenceIndex::memory_bytes() const {
  size_t bytes = 0;
  if (units_) bytes += units_->text.capacity() + units_->spans.capacity() * sizeof(Span) + units_->lines.capacity() * sizeof(int64_t);
  if (index_) bytes += index_->memory_bytes();
  if (embeddings_) bytes += static_cast<size_t>(embeddings_->vectors.size()) * sizeof(float);
  return bytes;
}

}  // namespace embplay
