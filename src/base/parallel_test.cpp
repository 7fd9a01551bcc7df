#include "base/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace zk {
namespace {

TEST(Parallel, CoversRangeExactlyOnce) {
  for (int t : {1, 2, 3}) {
    set_threads(t);
    for (size_t n : {0u, 1u, 7u, 1000u, 100003u}) {
      std::vector<int> hits(n, 0);
      parallel_for(n, 16, [&](size_t b, size_t e) {
        for (size_t i = b; i < e; ++i) hits[i]++;
      });
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i], 1) << "n=" << n << " i=" << i;
    }
  }
  set_threads(2);
}

TEST(Parallel, ChunkSplitIndependentOfThreadCount) {
  std::vector<std::vector<std::pair<size_t, size_t>>> splits;
  for (int t : {1, 2, 4}) {
    set_threads(t);
    std::vector<std::pair<size_t, size_t>> chunks(chunk_count(5000, 10));
    parallel_chunks(5000, 10, [&](size_t c, size_t b, size_t e) { chunks[c] = {b, e}; });
    splits.push_back(chunks);
  }
  EXPECT_EQ(splits[0], splits[1]);
  EXPECT_EQ(splits[0], splits[2]);
  set_threads(2);
}

}  // namespace
}  // namespace zk
