// Benchmark of the LogUp-GKR range check for `zkinfer-bench lookup`.
#pragma once

#include <cstddef>
#include <string>

namespace zk {

// Range-checks 2^log_lookups random values against the table [0, 2^log_table), proving and
// verifying several times, and returns the JSON line
//   {"what":"lookup","log_lookups":N,"log_table":T,"threads":..,"multiplicities_ms":..,
//    "prove_ms":..,"verify_ms":..,"proof_bytes":..}
// with median timings (threads from zk::threads()). prove_ms covers the lookup proof given the
// multiplicities; multiplicities_ms is computing them. Throws if a proof does not verify.
std::string lookup_benchmark_json(size_t log_lookups, size_t log_table);

}  // namespace zk
