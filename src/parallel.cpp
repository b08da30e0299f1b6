// The helper thread behind parallel::run_two: it sleeps on a condition variable until the calling
// thread hands it lane 1, runs it, and signals back. One mutex (dispatch_) is held by the caller
// for a whole run_two, so one run at a time uses the helper; callers who find it taken run both
// lanes themselves.
#include "parallel.h"

#include <algorithm>

// Emscripten builds without -pthread have no threads (std::thread would fail at run time).
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define EMBPLAY_NO_THREADS 1
#endif

#ifndef EMBPLAY_NO_THREADS
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#endif

namespace embplay {
namespace parallel {

#ifdef EMBPLAY_NO_THREADS

int max_threads() { return 1; }
int set_threads(int) { return 1; }
int threads() { return 1; }
void run_two(void (*lane)(void*, int), void* context) {
  lane(context, 0);
  lane(context, 1);
}

#else

namespace {

class Helper {
 public:
  ~Helper() { set_running(false); }

  int count() const { return running_.load() ? 2 : 1; }

  // Starts or stops the helper thread; waits for a run in progress to finish first.
  void set_running(bool run) {
    std::lock_guard<std::mutex> dispatch(dispatch_);
    if (run == thread_.joinable()) return;
    if (run) {
      quit_ = false;
      thread_ = std::thread([this] { serve(); });
    } else {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        quit_ = true;
      }
      wake_.notify_one();
      thread_.join();
    }
    running_.store(run);
  }

  void run_two(void (*lane)(void*, int), void* context) {
    // thread_ only changes under dispatch_, so once we hold it the helper cannot stop under us.
    if (!dispatch_.try_lock()) return run_both_here(lane, context);
    if (!thread_.joinable()) {
      dispatch_.unlock();
      return run_both_here(lane, context);
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      lane_ = lane;
      context_ = context;
      pending_ = true;
    }
    wake_.notify_one();
    lane(context, 0);
    {
      std::unique_lock<std::mutex> lock(mutex_);
      done_.wait(lock, [this] { return !pending_; });
    }
    dispatch_.unlock();
  }

 private:
  static void run_both_here(void (*lane)(void*, int), void* context) {
    lane(context, 0);
    lane(context, 1);
  }

  void serve() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return pending_ || quit_; });
      if (quit_) return;
      lock.unlock();
      lane_(context_, 1);
      lock.lock();
      pending_ = false;
      done_.notify_one();
    }
  }

  std::mutex dispatch_;  // held through a whole run_two, and while starting or stopping
  std::mutex mutex_;     // guards the fields below
  std::condition_variable wake_, done_;
  void (*lane_)(void*, int) = nullptr;
  void* context_ = nullptr;
  bool pending_ = false;  // lane 1 handed over and not finished
  bool quit_ = false;
  std::thread thread_;
  std::atomic<bool> running_{false};
};

Helper& helper() {
  static Helper instance;
  return instance;
}

}  // namespace

int max_threads() { return 2; }

int set_threads(int n) {
  helper().set_running(std::clamp(n, 1, max_threads()) == 2);
  return threads();
}

int threads() { return helper().count(); }

void run_two(void (*lane)(void*, int), void* context) { helper().run_two(lane, context); }

#endif

}  // namespace parallel
}  // namespace embplay
