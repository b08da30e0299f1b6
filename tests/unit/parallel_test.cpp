// The parts runner: each part runs exactly once, part 0 on the caller; with two threads the helper
// takes parts when it wakes in time, and the caller takes them when it does not (it never waits
// for a late helper); calls it cannot hand over (from inside a part) still run every part.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
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

TEST(Parallel, EachPartRunsOnceAndPartZeroOnTheCaller) {
  OneThreadAfter restore;
  const std::thread::id caller = std::this_thread::get_id();
  for (int n : {1, 2, 1, 2}) {  // also stopping and restarting the helper
    parallel::set_threads(n);
    for (int parts : {1, 2, 3, 8}) {
      int all_on_caller = 0;
      for (int repeat = 0; repeat < 200; ++repeat) {
        std::atomic<int> runs[8] = {};
        std::thread::id ran_on[8];
        parallel::run_parts(parts, [&](int part) {
          runs[part]++;
          ran_on[part] = std::this_thread::get_id();
        });
        for (int i = 0; i < 8; ++i) ASSERT_EQ(runs[i].load(), i < parts ? 1 : 0) << i << " of " << parts;
        EXPECT_EQ(ran_on[0], caller);
        all_on_caller += std::count(ran_on, ran_on + parts, caller) == parts;
      }
      // With one thread, always; with two, the parts take no time, so the caller is done with all
      // of them before the helper has woken at least now and then, and does not wait for it.
      if (n == 1 || parts == 1) EXPECT_EQ(all_on_caller, 200);
      else EXPECT_GT(all_on_caller, 0);
    }
  }
}

TEST(Parallel, AHelperThatWakesInTimeTakesTheOtherParts) {
  OneThreadAfter restore;
  parallel::set_threads(2);
  const std::thread::id caller = std::this_thread::get_id();
  for (int repeat = 0; repeat < 5; ++repeat) {
    std::thread::id ran_on[3];
    parallel::run_parts(3, [&](int part) {
      // Part 0 long enough for any helper to wake: the other two are taken by then.
      if (part == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      ran_on[part] = std::this_thread::get_id();
    });
    EXPECT_EQ(ran_on[0], caller);
    EXPECT_NE(ran_on[1], caller);
    EXPECT_NE(ran_on[2], caller);
  }
}

TEST(Parallel, ARunInsideAPartRunsAllOfItsPartsItself) {
  OneThreadAfter restore;
  parallel::set_threads(2);
  std::atomic<int> inner{0};
  parallel::run_parts(2, [&](int) {
    const std::thread::id here = std::this_thread::get_id();
    parallel::run_parts(3, [&](int) {
      EXPECT_EQ(std::this_thread::get_id(), here);
      inner++;
    });
  });
  EXPECT_EQ(inner.load(), 6);
}

}  // namespace
}  // namespace embplay
