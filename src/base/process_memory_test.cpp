// keep_freed_memory: a large block comes from the heap, not from its own mapping, and its pages
// stay with the process after free, so the next large block reuses them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "base/process_memory.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace zk {
namespace {

#if defined(__GLIBC__)
TEST(ProcessMemory, LargeBlocksComeFromTheHeapAndStayAfterFree) {
  constexpr size_t kBytes = size_t{96} << 20;  // above glibc's largest mmap threshold (32 MiB)
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's allocator replaces glibc's malloc";
#endif
  const struct mallinfo2 before = mallinfo2();
  ASSERT_TRUE(keep_freed_memory());
  void* block = std::malloc(kBytes);
  ASSERT_NE(block, nullptr);
  std::memset(block, 1, kBytes);
  EXPECT_EQ(static_cast<volatile char*>(block)[kBytes / 2], 1);
  const struct mallinfo2 held = mallinfo2();
  EXPECT_EQ(held.hblkhd, before.hblkhd) << "the block was mapped on its own";
  EXPECT_GE(held.arena, kBytes);
  std::free(block);
  const struct mallinfo2 after = mallinfo2();
  EXPECT_EQ(after.arena, held.arena) << "the heap was trimmed";
  EXPECT_GE(after.fordblks, kBytes);
}
#endif

}  // namespace
}  // namespace zk
