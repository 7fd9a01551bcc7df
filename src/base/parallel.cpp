#include "base/parallel.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>

namespace zk {
namespace {

int initial_threads() {
  if (const char* env = std::getenv("ZKINFER_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1 && n <= 1024) return n;
  }
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::atomic<int>& thread_setting() {
  static std::atomic<int> setting{initial_threads()};
  return setting;
}

constexpr size_t kMaxChunks = 64;

}  // namespace

void set_threads(int n) { thread_setting().store(std::max(1, n)); }
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
  const int t = threads();
  auto run = [&](size_t c) {
    size_t begin = n * c / chunks, end = n * (c + 1) / chunks;
    body(c, begin, end);
  };
  if (t == 1 || chunks == 1) {
    for (size_t c = 0; c < chunks; ++c) run(c);
    return;
  }
  const long long chunk_total = static_cast<long long>(chunks);
#pragma omp parallel for schedule(static) num_threads(t)
  for (long long c = 0; c < chunk_total; ++c) run(static_cast<size_t>(c));
}

void parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& body) {
  parallel_chunks(n, grain, [&](size_t, size_t begin, size_t end) { body(begin, end); });
}

}  // namespace zk
