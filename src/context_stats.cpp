// Context statistics over the training examples (see context_stats.h).
#include "context_stats.h"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace embplay {

ContextCounts next_word_counts(const Examples& ex, const Ids& context) {
  const int k = ex.context;
  ContextCounts out;
  if (static_cast<int>(context.size()) != k) return out;
  std::unordered_map<int32_t, int64_t> counts;
  for (int64_t i = 0; i < ex.size(); ++i) {
    if (!std::equal(context.begin(), context.end(), ex.contexts.begin() + i * k)) continue;
    ++counts[ex.targets[i]];
    ++out.total;
  }
  for (const auto& [id, count] : counts) out.counts.push_back({id, count});
  std::sort(out.counts.begin(), out.counts.end(), [](const NextWordCount& a, const NextWordCount& b) {
    return a.count != b.count ? a.count > b.count : a.id < b.id;
  });
  return out;
}

BusyContext busiest_context(const Examples& ex) {
  const int k = ex.context;
  struct Seen {
    int64_t first = 0, count = 0;
    std::unordered_map<int32_t, int> next;
  };
  // Keyed by the context's bytes: k ids at once.
  std::unordered_map<std::string, Seen> seen;
  for (int64_t i = 0; i < ex.size(); ++i) {
    const int32_t* c = &ex.contexts[i * k];
    if (std::any_of(c, c + k, [](int32_t id) { return id == kPadId || id == kUnkId; })) continue;
    Seen& s = seen[std::string(reinterpret_cast<const char*>(c), sizeof(int32_t) * k)];
    if (s.count++ == 0) s.first = i;
    ++s.next[ex.targets[i]];
  }
  const Seen* best = nullptr;
  for (const auto& entry : seen) {
    const Seen& s = entry.second;
    if (s.next.size() < 2) continue;
    if (!best || s.next.size() > best->next.size() || (s.next.size() == best->next.size() && s.first < best->first))
      best = &s;
  }
  BusyContext out;
  if (!best) return out;
  out.first = best->first;
  out.occurrences = best->count;
  out.distinct = static_cast<int64_t>(best->next.size());
  return out;
}

}  // namespace embplay
