// The helper thread behind parallel::run_parts: it sleeps on a condition variable until a caller
// offers it work, then takes parts from the same counter as the caller until none are left. So a
// helper that is not scheduled at once (a browser's 2 cores are shared with its page, its
// compositor and its GPU process) costs the caller nothing more than running the parts itself.
// One mutex (dispatch_) is held by the caller for a whole run_parts, so one run at a time uses the
// helper; callers who find it taken run all the parts themselves.
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
void run_parts(int parts, void (*part)(void*, int), void* context) {
  for (int i = 0; i < parts; ++i) part(context, i);
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

  void run_parts(int parts, void (*part)(void*, int), void* context) {
    // thread_ only changes under dispatch_, so once we hold it the helper cannot stop under us.
    if (parts < 2 || !dispatch_.try_lock()) return run_all_here(parts, part, context);
    if (!thread_.joinable()) {
      dispatch_.unlock();
      return run_all_here(parts, part, context);
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      part_ = part;
      context_ = context;
      parts_ = parts;
      next_.store(1);  // part 0 is the caller's
      offered_ = true;
    }
    wake_.notify_one();
    part(context, 0);
    take_parts();
    {
      std::unique_lock<std::mutex> lock(mutex_);
      offered_ = false;  // a helper waking from now on finds nothing to do
      done_.wait(lock, [this] { return !helping_; });
    }
    dispatch_.unlock();
  }

 private:
  static void run_all_here(int parts, void (*part)(void*, int), void* context) {
    for (int i = 0; i < parts; ++i) part(context, i);
  }

  // Runs parts not yet taken until there are none left (both threads do this).
  void take_parts() {
    for (int i = next_.fetch_add(1); i < parts_; i = next_.fetch_add(1)) part_(context_, i);
  }

  void serve() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return offered_ || quit_; });
      if (quit_) return;
      offered_ = false;
      helping_ = true;  // the caller waits for this to clear before run_parts returns
      lock.unlock();
      take_parts();
      lock.lock();
      helping_ = false;
      done_.notify_one();
    }
  }

  std::mutex dispatch_;  // held through a whole run_parts, and while starting or stopping
  std::mutex mutex_;     // guards the fields below
  std::condition_variable wake_, done_;
  void (*part_)(void*, int) = nullptr;
  void* context_ = nullptr;
  int parts_ = 0;
  std::atomic<int> next_{0};  // the next part to take (read by both threads while a run is on)
  bool offered_ = false;      // a run_parts is waiting to be helped
  bool helping_ = false;      // the helper is taking parts (it read part_, context_ and parts_)
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

void run_parts(int parts, void (*part)(void*, int), void* context) { helper().run_parts(parts, part, context); }

#endif

}  // namespace parallel
}  // namespace embplay
