#include "lookup/lookup_bench.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <sstream>
#include <stdexcept>

#include "base/parallel.hpp"
#include "crypto/transcript.hpp"
#include "field/field.hpp"
#include "lookup/logup.hpp"

namespace zk {

namespace {

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

std::string lookup_benchmark_json(size_t log_lookups, size_t log_table) {
  constexpr size_t kRuns = 7;
  std::mt19937_64 rng(0x100c + log_lookups * 64 + log_table);
  std::vector<F> values(size_t{1} << log_lookups);
  for (F& v : values) v = F::from_u64(rng() & ((uint64_t{1} << log_table) - 1));
  const LookupStatement<F> statement{LookupTable<F>::range(log_table), {values.size()}};
  const std::vector<LookupColumns<F>> groups = {{std::span<const F>(values)}};

  std::vector<double> multiplicity_ms, prove_ms, verify_ms;
  size_t proof_bytes = 0;
  for (size_t run = 0; run < kRuns; ++run) {
    auto start = std::chrono::steady_clock::now();
    auto multiplicities = compute_multiplicities<F>(statement.table, groups);
    if (!multiplicities) throw std::runtime_error(multiplicities.error());
    multiplicity_ms.push_back(elapsed_ms(start));

    start = std::chrono::steady_clock::now();
    Transcript prover_transcript("zkinfer/bench/lookup");
    auto proven = prove_lookup<F, E>(prover_transcript, statement, std::span<const LookupColumns<F>>(groups),
                                     std::span<const F>(*multiplicities));
    const std::vector<uint8_t> bytes = proven.proof.to_bytes();
    prove_ms.push_back(elapsed_ms(start));
    proof_bytes = bytes.size();

    start = std::chrono::steady_clock::now();
    Transcript verifier_transcript("zkinfer/bench/lookup");
    auto proof = LookupProof<E>::from_bytes(bytes, statement);
    if (!proof) throw std::runtime_error("lookup benchmark: " + proof.error());
    auto claims = verify_lookup<F, E>(verifier_transcript, statement, *proof);
    verify_ms.push_back(elapsed_ms(start));
    if (!claims) throw std::runtime_error("lookup benchmark: proof rejected: " + claims.error());
  }
  std::ostringstream out;
  out << "{\"what\":\"lookup\",\"log_lookups\":" << log_lookups << ",\"log_table\":" << log_table
      << ",\"threads\":" << threads() << ",\"multiplicities_ms\":" << median(multiplicity_ms)
      << ",\"prove_ms\":" << median(prove_ms) << ",\"verify_ms\":" << median(verify_ms)
      << ",\"proof_bytes\":" << proof_bytes << "}";
  return out.str();
}

}  // namespace zk
