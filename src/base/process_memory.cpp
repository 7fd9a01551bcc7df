#include "base/process_memory.hpp"

#include <cstdlib>  // defines __GLIBC__ where the C library is glibc
#include <limits>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace zk {

bool keep_freed_memory() {
#if defined(__GLIBC__)
  // M_MMAP_MAX = 0: no block is served by mmap (M_MMAP_THRESHOLD cannot exceed 32 MiB);
  // M_TRIM_THRESHOLD = INT_MAX: the top of the heap is never given back.
  return mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max()) == 1;
#else
  return false;
#endif
}

}  // namespace zk
