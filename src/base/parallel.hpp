// The one parallelism switch. Every multi-threaded kernel goes through parallel_for, whose
// work split depends only on the problem size, never on the thread count; with exact field
// arithmetic this makes results bit-identical for any number of threads.
#pragma once

#include <cstddef>
#include <functional>

namespace zk {

// Number of worker threads used by parallel kernels (default: hardware concurrency, or the
// ZKINFER_THREADS environment variable). set_threads(1) gives the single-threaded run.
void set_threads(int threads);
int threads();

// Runs body(begin, end) over [0, n) in chunks of at least `grain` items. Chunks run
// concurrently when more than one thread is enabled and n is large enough to pay for it.
void parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& body);

// Splits [0, n) into a fixed number of chunks (a function of n and grain only) and runs
// body(chunk_index, begin, end); returns the chunk count. Used by reductions that combine
// per-chunk partial results in chunk order.
size_t chunk_count(size_t n, size_t grain);
void parallel_chunks(size_t n, size_t grain,
                     const std::function<void(size_t, size_t, size_t)>& body);

}  // namespace zk
