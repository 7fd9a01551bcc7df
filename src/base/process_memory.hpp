// Memory policy for short-lived prover processes (`zkinfer`, `zkinfer-bench`).
//
// A prove allocates and frees many large buffers (codewords, LogUp trees, sum-check tables, the
// witness); glibc serves every block of 32 MiB and more with its own mmap and unmaps it at free,
// so each such buffer starts on fresh pages and pays a page fault per 4 KiB page (about 1.5 us on
// the 2-vCPU VMs of docs/benchmarks.md: 0.4 s per GiB touched). keep_freed_memory() makes glibc
// take every block from its heaps (no mmap) and never return freed memory to the system, so a
// later buffer reuses pages already faulted in. The price is a peak RSS a few percent higher
// (fragmentation) and memory held until exit: meant for processes that prove and end, not for a
// long-running service. No effect where the C library is not glibc.
#pragma once

namespace zk {

// Returns whether the C library accepted the policy.
bool keep_freed_memory();

}  // namespace zk
