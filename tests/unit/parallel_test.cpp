// The two-lane runner: each lane runs exactly once, lane 1 on the helper thread when two threads
// are in use, and calls it cannot hand over (from inside a lane) still run both lanes.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "parallel.h"

namespace embplay {
namespace {

// Restores one thread when a test ends, whatever it asked for.
struct OneThreadAfter {
  ~OneThreadAfter() { parallel::set_threads(1); }
};

TEST(Parallel, ThreadCountIsOneOrTwoAndOneByDefault) {
  OneThreadAfter restore;
  EXPECT_EQ(parallel::threads(), 1);
  EXPECT_EQ(parallel::max_threads(), 2);  // native builds have threads
  EXPECT_EQ(parallel::set_threads(2), 2);
  EXPECT_EQ(parallel::threads(), 2);
  EXPECT_EQ(parallel::set_threads(8), 2);  // clamped
  EXPECT_EQ(parallel::set_threads(0), 1);
  EXPECT_EQ(parallel::threads(), 1);
}

TEST(Parallel, EachLaneRunsOnceOnTheThreadTheCountSays) {
  OneThreadAfter restore;
  const std::thread::id caller = std::this_thread::get_id();
  for (int n : {1, 2, 1, 2}) {  // also stopping and restarting the helper
    parallel::set_threads(n);
    for (int repeat = 0; repeat < 50; ++repeat) {
      std::atomic<int> runs[2] = {{0}, {0}};
      std::thread::id ran_on[2];
      parallel::run_two([&](int lane) {
        runs[lane]++;
        ran_on[lane] = std::this_thread::get_id();
      });
      ASSERT_EQ(runs[0].load(), 1);
      ASSERT_EQ(runs[1].load(), 1);
      EXPECT_EQ(ran_on[0], caller);
      if (n == 1) EXPECT_EQ(ran_on[1], caller);
      else EXPECT_NE(ran_on[1], caller);
    }
  }
}

TEST(Parallel, ARunInsideALaneRunsBothOfItsLanesItself) {
  OneThreadAfter restore;
  parallel::set_threads(2);
  std::atomic<int> inner{0};
  parallel::run_two([&](int) {
    const std::thread::id here = std::this_thread::get_id();
    parallel::run_two([&](int) {
      EXPECT_EQ(std::this_thread::get_id(), here);
      inner++;
    });
  });
  EXPECT_EQ(inner.load(), 4);
}

}  // namespace
}  // namespace embplay
