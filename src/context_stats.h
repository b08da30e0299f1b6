// What the training examples say about contexts, for the seed-idea panels: which words follow a
// given context, and a context worth asking about because many different words follow it (the
// model can only spread its probability there, whatever the loss).
#pragma once

#include <cstdint>
#include <vector>

#include "common.h"
#include "dataset.h"

namespace embplay {

struct NextWordCount {
  int32_t id;
  int64_t count;
};

struct ContextCounts {
  int64_t total = 0;                  // examples with exactly this context
  std::vector<NextWordCount> counts;  // every word that follows it, most frequent first, ties by id
};

// The words after `context` (k ids, oldest first, as in Examples::contexts) in `examples`.
ContextCounts next_word_counts(const Examples& examples, const Ids& context);

struct BusyContext {
  int64_t first = -1;       // the example where it occurs first (its context); -1: none
  int64_t occurrences = 0;  // examples with this context
  int64_t distinct = 0;     // different words after it
};

// The context without <pad> or <unk> that the most different words follow (ties: the one seen
// first); first = -1 when every such context is followed by one word only.
BusyContext busiest_context(const Examples& examples);

}  // namespace embplay
