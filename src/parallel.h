// Work cut into parts, run by the calling thread and one persistent helper thread.
//
// For the big matrix products (kernels.cpp), which cut their output into parts. The cut is decided
// by the shapes alone, and each part's work is the same whichever thread runs it, so results do not
// depend on the thread count: a seeded run gives the same bits with one thread or two.
//
// Builds without threads (the one-thread WebAssembly module) compile this too and always run one.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

namespace embplay {
namespace parallel {

// The most threads this build can use: 2, or 1 in builds without threads.
int max_threads();

// Asks for 1 or 2 threads (others are clamped into [1, max_threads()]); returns the count in use.
// Two starts the helper thread, one stops it. The default is 1.
int set_threads(int n);
int threads();

// Runs part(context, i) once for each i in [0, parts) and returns when all are done. The calling
// thread runs part 0 and then takes the parts not yet taken, one at a time, as does the helper
// from when it wakes: a helper that is late (its core busy with something else) takes fewer parts
// or none, and the caller never waits for a part nobody has started. With one thread, or when the
// helper is already busy (a call from inside a part, or from a second thread), the caller runs
// them all in order. The parts must not throw.
void run_parts(int parts, void (*part)(void* context, int index), void* context);

// The same with any callable taking the part's index; nothing is allocated.
template <typename Body>
void run_parts(int parts, Body&& body) {
  using Callable = std::remove_reference_t<Body>;
  run_parts(parts, [](void* context, int index) { (*static_cast<Callable*>(context))(index); }, &body);
}

// Items [0, n) cut into parts of about `per_part` items (at least one part, at most `max_parts`),
// decided by n alone: body(part, begin, end) for each part, through run_parts. For per-item work
// whose results are each item's own (and sums kept per part, added in part order afterwards), so
// one thread or two give the same bits.
template <typename Body>
void run_ranges(int64_t n, int64_t per_part, int max_parts, Body&& body) {
  const int parts = static_cast<int>(std::clamp<int64_t>(n / per_part, 1, max_parts));
  run_parts(parts, [&](int part) { body(part, n * part / parts, n * (part + 1) / parts); });
}

}  // namespace parallel
}  // namespace embplay
