// Benchmark of the polynomial commitment for `zkinfer-bench pcs`.
#pragma once

#include <cstddef>
#include <string>

namespace zk::pcs {

// Commits one polynomial of 2^log_size random base-field values (hiding: with a hiding commitment
// and a zero-knowledge opening), opens it at one random point of E^log_size, verifies, and returns
// the JSON line
//   {"what":"pcs","log_size":N,"hiding":H,"threads":T,"commit_ms":..,"open_ms":..,"verify_ms":..,
//    "proof_bytes":..,"peak_rss_mb":..}
// (threads from zk::threads(), peak RSS of the process from getrusage). Throws if the proof
// does not verify.
std::string pcs_benchmark_json(size_t log_size, bool hiding = false);

}  // namespace zk::pcs
