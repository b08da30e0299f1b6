// For the tests of work cut into parts (src/parallel.h): what a run gives on one thread and on two.
#pragma once

#include <gtest/gtest.h>

#include <array>

#include "parallel.h"

namespace embplay {
namespace testing_threads {

// run() once with one thread and once with two; the results in that order, the thread count put
// back to one afterwards.
template <typename Run>
auto on_one_thread_and_two(Run run) {
  std::array<decltype(run()), 2> results;
  for (int threads : {1, 2}) {
    EXPECT_EQ(parallel::set_threads(threads), threads);
    results[threads - 1] = run();
  }
  parallel::set_threads(1);
  return results;
}

}  // namespace testing_threads
}  // namespace embplay
