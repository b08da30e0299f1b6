// Two lanes of work at once: the calling thread runs lane 0, one persistent helper thread lane 1.
//
// For the big matrix products (kernels.cpp), which cut their output in two. The cut is decided by
// the shapes alone, and each lane's work is the same with one thread as with two (with one, the
// calling thread runs lane 0 then lane 1), so results do not depend on the thread count: a seeded
// run gives the same bits either way.
//
// Builds without threads (the one-thread WebAssembly module) compile this too and always run one.
#pragma once

#include <type_traits>

namespace embplay {
namespace parallel {

// The most threads this build can use: 2, or 1 in builds without threads.
int max_threads();

// Asks for 1 or 2 threads (others are clamped into [1, max_threads()]); returns the count in use.
// Two starts the helper thread, one stops it. The default is 1.
int set_threads(int n);
int threads();

// Runs lane(0) and lane(1) and returns when both are done: at once when two threads are in use, one
// after the other otherwise. Also one after the other when the helper is already busy (a call from
// inside a lane, or from a second thread). The lanes must not throw.
void run_two(void (*lane)(void* context, int index), void* context);

// The same with any callable taking the lane index; nothing is allocated.
template <typename Body>
void run_two(Body&& body) {
  using Callable = std::remove_reference_t<Body>;
  run_two([](void* context, int index) { (*static_cast<Callable*>(context))(index); }, &body);
}

}  // namespace parallel
}  // namespace embplay
