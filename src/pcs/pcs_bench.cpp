#include "pcs/pcs_bench.hpp"

#include <sys/resource.h>

#include <chrono>
#include <random>
#include <sstream>
#include <stdexcept>

#include "base/parallel.hpp"
#include "pcs/pcs.hpp"

namespace zk::pcs {

namespace {

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::string pcs_benchmark_json(size_t log_size, bool hiding) {
  std::mt19937_64 rng(0x5eed + log_size);
  std::vector<F> table(size_t{1} << log_size);
  for (F& x : table) x = F::random(rng);
  std::vector<E> point(log_size);
  for (E& x : point) x = E::random(rng);
  Params params = conjectured_params();
  params.hiding = hiding;

  auto start = std::chrono::steady_clock::now();
  const std::span<const F> tables[] = {table};
  auto committed = commit(tables, params);
  if (!committed) throw std::runtime_error(committed.error());
  const double commit_ms = elapsed_ms(start);

  const EvalClaim claims[] = {{PolyRef{0, 0}, point, evaluate(*committed, 0, point)}};
  const CommittedPolynomials* provers[] = {&*committed};
  start = std::chrono::steady_clock::now();
  Transcript prover_transcript("zkinfer/bench/pcs");
  auto proof = open(params, provers, claims, prover_transcript);
  if (!proof) throw std::runtime_error(proof.error());
  const std::vector<uint8_t> bytes = proof->serialize();
  const double open_ms = elapsed_ms(start);

  const Commitment commitments[] = {committed->commitment()};
  start = std::chrono::steady_clock::now();
  Transcript verifier_transcript("zkinfer/bench/pcs");
  const Status ok = verify_bytes(params, commitments, claims, bytes, verifier_transcript);
  const double verify_ms = elapsed_ms(start);
  if (!ok) throw std::runtime_error("pcs benchmark: proof rejected: " + ok.error());

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::ostringstream out;
  out << "{\"what\":\"pcs\",\"log_size\":" << log_size << ",\"hiding\":" << (hiding ? "true" : "false")
      << ",\"threads\":" << threads()
      << ",\"commit_ms\":" << commit_ms << ",\"open_ms\":" << open_ms << ",\"verify_ms\":" << verify_ms
      << ",\"proof_bytes\":" << bytes.size() << ",\"peak_rss_mb\":" << static_cast<double>(usage.ru_maxrss) / 1024.0
      << "}";
  return out.str();
}

}  // namespace zk::pcs
