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

// Spin-wait hint for the polling loops below.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

// Polls before sleeping: a sum-check round dispatches a few short parallel passes back to back,
// and waking a sleeping thread costs tens of microseconds each time.
constexpr int kSpinIterations = 1 << 12;

// Returns once value == target: polls for a while, then sleeps (std::atomic::wait, a futex) until
// a notify. Sleeping rather than yielding matters on a shared machine: when another process has
// preempted the thread that must change `value`, an idle core lets the scheduler move that
// thread over at once, while a yielding waiter keeps its core busy and the other thread waits
// for the end of the intruder's time slice (milliseconds).
template <class T>
void wait_for(const std::atomic<T>& value, T target) {
  for (int spins = 0; spins < kSpinIterations; ++spins) {
    if (value.load(std::memory_order_acquire) == target) return;
    cpu_relax();
  }
  for (T seen; (seen = value.load(std::memory_order_acquire)) != target;)
    value.wait(seen, std::memory_order_acquire);
}

// A persistent pool of workers. A job (a chunk count and a body, living on the caller's stack)
// is published through `job_` and a generation counter; the caller and the workers claim chunks
// through an atomic counter, and the caller returns once every chunk has finished and no worker
// still holds the job. Idle workers poll the generation for a short while, then block on a
// condition variable, so an oversubscribed machine does not starve the thread that holds the
// remaining work.
class WorkerPool {
 public:
  static WorkerPool& instance() {
    static WorkerPool pool;
    return pool;
  }

  void run(size_t chunks, int wanted_threads, const std::function<void(size_t)>& body) {
    std::lock_guard<std::mutex> job_lock(job_mutex_);  // one job at a time
    ensure_workers(wanted_threads - 1);
    Job job{&body, chunks, static_cast<size_t>(wanted_threads - 1)};
    job_.store(&job, std::memory_order_seq_cst);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1, std::memory_order_seq_cst);
    }
    wake_.notify_all();
    job.work();
    wait_for(job.done, chunks);  // chunks still running on workers
    // Unpublish, then wait until no worker can still be reading `job` (it lives on this stack).
    // seq_cst on both sides: a worker either sees nullptr or is counted in users_.
    job_.store(nullptr, std::memory_order_seq_cst);
    wait_for(users_, 0);
  }

  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      generation_.fetch_add(1, std::memory_order_seq_cst);
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
  }

 private:
  struct Job {
    const std::function<void(size_t)>* body;
    size_t chunks;
    size_t workers;  // how many pool workers may join (threads() - 1)
    std::atomic<size_t> next{0};
    std::atomic<size_t> done{0};

    void work() {
      for (size_t c = next.fetch_add(1); c < chunks; c = next.fetch_add(1)) {
        (*body)(c);
        if (done.fetch_add(1, std::memory_order_release) + 1 == chunks) done.notify_all();
      }
    }
  };

  void ensure_workers(int count) {
    while (static_cast<int>(workers_.size()) < count) {
      const size_t index = workers_.size();
      workers_.emplace_back([this, index] { worker_loop(index); });
    }
  }

  void worker_loop(size_t index) {
    uint64_t seen = 0;
    for (;;) {
      uint64_t generation = generation_.load(std::memory_order_acquire);
      for (int spins = 0; generation == seen && spins < kSpinIterations; ++spins) {
        cpu_relax();
        generation = generation_.load(std::memory_order_acquire);
      }
      if (generation == seen) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        generation = generation_.load(std::memory_order_acquire);
      }
      seen = generation;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
      }
      users_.fetch_add(1, std::memory_order_seq_cst);
      Job* job = job_.load(std::memory_order_seq_cst);
      if (job != nullptr && index < job->workers) job->work();
      if (users_.fetch_sub(1, std::memory_order_seq_cst) == 1) users_.notify_all();
    }
  }

  std::mutex job_mutex_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::thread> workers_;
  std::atomic<Job*> job_{nullptr};
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> users_{0};
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
