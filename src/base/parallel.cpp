#include "base/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace zk {
namespace {

int initial_threads() {
  if (const char* env = std::getenv("ZKINFER_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1 && n <= 256) return n;
  }
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::atomic<int>& thread_setting() {
  static std::atomic<int> setting{initial_threads()};
  return setting;
}

constexpr size_t kMaxChunks = 64;

// A persistent pool of sleeping workers. A job is a chunk count and a body; the caller and the
// workers claim chunks through an atomic counter, and the caller returns once every chunk has
// finished. Idle workers block on a condition variable (they never spin), so an oversubscribed
// machine does not starve the thread that holds the remaining work.
class WorkerPool {
 public:
  static WorkerPool& instance() {
    static WorkerPool pool;
    return pool;
  }

  void run(size_t chunks, int wanted_threads, const std::function<void(size_t)>& body) {
    std::unique_lock<std::mutex> job_lock(job_mutex_);  // one job at a time
    ensure_workers(wanted_threads - 1);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      body_ = &body;
      chunks_ = chunks;
      next_.store(0);
      done_.store(0);
      active_workers_ = std::min<size_t>(static_cast<size_t>(wanted_threads - 1), chunks - 1);
      ++generation_;
    }
    wake_.notify_all();
    claim_chunks();
    std::unique_lock<std::mutex> lock(mutex_);
    finished_.wait(lock, [&] { return done_.load() == chunks_ && busy_ == 0; });
    body_ = nullptr;
  }

  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
  }

 private:
  void ensure_workers(int count) {
    while (static_cast<int>(workers_.size()) < count) {
      const size_t index = workers_.size();
      workers_.emplace_back([this, index] { worker_loop(index); });
    }
  }

  void claim_chunks() {
    for (;;) {
      const size_t c = next_.fetch_add(1);
      if (c >= chunks_) return;
      (*body_)(c);
      done_.fetch_add(1);
    }
  }

  void worker_loop(size_t index) {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || (generation_ != seen && index < active_workers_); });
        if (stopping_) return;
        seen = generation_;
        ++busy_;
      }
      claim_chunks();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        --busy_;
      }
      finished_.notify_all();
    }
  }

  std::mutex job_mutex_;
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  std::vector<std::thread> workers_;
  const std::function<void(size_t)>* body_ = nullptr;
  size_t chunks_ = 0;
  size_t active_workers_ = 0;
  std::atomic<size_t> next_{0}, done_{0};
  uint64_t generation_ = 0;
  int busy_ = 0;
  bool stopping_ = false;
};

thread_local bool inside_parallel_region = false;

}  // namespace

void set_threads(int n) { thread_setting().store(std::clamp(n, 1, 256)); }
int threads() { return thread_setting().load(); }

size_t chunk_count(size_t n, size_t grain) {
  if (n == 0) return 0;
  grain = std::max<size_t>(grain, 1);
  return std::clamp<size_t>(n / grain, 1, kMaxChunks);
}

void parallel_chunks(size_t n, size_t grain,
                     const std::function<void(size_t, size_t, size_t)>& body) {
  const size_t chunks = chunk_count(n, grain);
  if (chunks == 0) return;
  auto run = [&](size_t c) { body(c, n * c / chunks, n * (c + 1) / chunks); };
  const int t = threads();
  // Nested parallel calls (a kernel inside a parallel chunk) run serially in their caller.
  if (t == 1 || chunks == 1 || inside_parallel_region) {
    for (size_t c = 0; c < chunks; ++c) run(c);
    return;
  }
  const std::function<void(size_t)> chunk_body = [&](size_t c) {
    inside_parallel_region = true;
    run(c);
    inside_parallel_region = false;
  };
  WorkerPool::instance().run(chunks, t, chunk_body);
}

void parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& body) {
  parallel_chunks(n, grain, [&](size_t, size_t begin, size_t end) { body(begin, end); });
}

}  // namespace zk
