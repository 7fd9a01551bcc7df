// zkinfer-bench: prints one JSON object per line per measurement (medians over repetitions).
//   zkinfer-bench field
//   zkinfer-bench sumcheck --log-size N --degree D [--reps R]
//   zkinfer-bench pcs --log-size N [--hiding]
//   zkinfer-bench lookup --log-lookups N --log-table T
//   zkinfer-bench model MODEL.onnx --input input.json
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <random>

#include "base/parallel.hpp"
#include "base/process_memory.hpp"
#include "bench/bench_util.hpp"
#include "crypto/transcript.hpp"
#include "field/field.hpp"
#include "lookup/lookup_bench.hpp"
#include "pcs/pcs_bench.hpp"
#include "zkml/model_bench.hpp"
#include "sumcheck/sumcheck.hpp"

namespace zk::bench {
namespace {

// Nanoseconds per multiplication: `throughput` over independent products in an array,
// `latency` along a dependent chain.
template <class Field>
std::pair<double, double> time_multiplication(std::mt19937_64& rng) {
  constexpr size_t kLen = 4096;
  constexpr int kPasses = 2000;
  std::vector<Field> x(kLen), y(kLen);
  for (size_t i = 0; i < kLen; ++i) {
    x[i] = Field::random(rng);
    y[i] = Field::random(rng);
  }
  std::vector<double> throughput, latency;
  for (int rep = 0; rep < 15; ++rep) {
    double t0 = now_ms();
    for (int pass = 0; pass < kPasses; ++pass)
      for (size_t i = 0; i < kLen; ++i) x[i] *= y[i];
    double t1 = now_ms();
    Field acc = x[0];
    for (int pass = 0; pass < kPasses; ++pass)
      for (size_t i = 0; i < kLen; ++i) acc *= y[i];
    double t2 = now_ms();
    x[1] += acc;  // keep the chain live
    const double count = static_cast<double>(kLen) * kPasses;
    throughput.push_back((t1 - t0) * 1e6 / count);
    latency.push_back((t2 - t1) * 1e6 / count);
  }
  // Keep the products observable so the timed loops are not optimized away.
  volatile bool all_zero = true;
  for (const Field& v : x) all_zero = all_zero && v.is_zero();
  return {median(throughput), median(latency)};
}

void bench_field() {
  std::mt19937_64 rng(1);
  auto [base_tp, base_lat] = time_multiplication<F>(rng);
  auto [ext_tp, ext_lat] = time_multiplication<E>(rng);
  nlohmann::json j = {{"what", "field"},
                      {"base_mul_ns", base_tp},
                      {"base_mul_latency_ns", base_lat},
                      {"ext_mul_ns", ext_tp},
                      {"ext_mul_latency_ns", ext_lat}};
  std::cout << j.dump() << std::endl;
}

// One product term of `degree` random base-field tables of 2^log_size entries.
void bench_sumcheck(size_t log_size, size_t degree, int reps) {
  std::mt19937_64 rng(2);
  std::vector<std::vector<F>> tables(degree, std::vector<F>(size_t{1} << log_size));
  for (auto& t : tables)
    for (F& v : t) v = F::random(rng);
  std::vector<SumcheckTerm<E>> terms = {{E::one(), {}}};
  for (size_t k = 0; k < degree; ++k) terms[0].factors.push_back(k);
  const E claim = sum_over_hypercube<E, F>(tables, terms);

  std::vector<double> prove_ms, verify_ms;
  for (int rep = 0; rep < reps; ++rep) {
    auto copy = tables;
    Transcript pt("bench");
    const double t0 = now_ms();
    auto out = prove_sumcheck<F, E>(pt, std::move(copy), std::span<const SumcheckTerm<E>>(terms), claim);
    const double t1 = now_ms();
    Transcript vt("bench");
    auto result = verify_sumcheck<E>(vt, log_size, degree, claim, out.proof);
    Status final_check = result ? check_final_evaluation<E>(*result, terms, out.table_evaluations)
                                : Status(fail(result.error()));
    const double t2 = now_ms();
    if (!final_check) {
      std::cerr << "sumcheck bench: verification failed: " << final_check.error() << "\n";
      std::exit(1);
    }
    prove_ms.push_back(t1 - t0);
    verify_ms.push_back(t2 - t1);
  }
  nlohmann::json j = {{"what", "sumcheck"},       {"log_size", log_size},
                      {"degree", degree},          {"threads", threads()},
                      {"prove_ms", median(prove_ms)}, {"verify_ms", median(verify_ms)}};
  std::cout << j.dump() << std::endl;
}

}  // namespace
}  // namespace zk::bench

int main(int argc, char** argv) {
  zk::keep_freed_memory();  // as zkinfer does (base/process_memory.hpp)
  CLI::App app{"zkinfer-bench: benchmark driver (one JSON object per line)"};
  app.require_subcommand(1);
  int thread_count = 0;
  app.add_option("--threads", thread_count, "worker threads (default: all cores or ZKINFER_THREADS)");

  auto* field = app.add_subcommand("field", "ns per base- and extension-field multiplication");
  auto* sumcheck = app.add_subcommand("sumcheck", "prove/verify a product sum-check");
  size_t log_size = 20, degree = 2;
  int reps = 7;
  sumcheck->add_option("--log-size", log_size, "log2 of the table size")->check(CLI::Range(1, 30));
  sumcheck->add_option("--degree", degree, "number of multiplied tables")->check(CLI::Range(1, 8));
  sumcheck->add_option("--reps", reps, "repetitions (the median is printed)")->check(CLI::Range(1, 1000));

  auto* pcs = app.add_subcommand("pcs", "commit/open/verify one polynomial of 2^N base-field values");
  size_t pcs_log_size = 20;
  pcs->add_option("--log-size", pcs_log_size, "log2 of the polynomial size")->check(CLI::Range(0, 28));
  bool pcs_hiding = false;
  pcs->add_flag("--hiding", pcs_hiding, "hiding commitment and zero-knowledge opening");

  auto* lookup = app.add_subcommand("lookup", "LogUp-GKR range check of 2^N values in [0, 2^T)");
  size_t log_lookups = 20, log_table = 16;
  lookup->add_option("--log-lookups", log_lookups, "log2 of the number of looked-up values")->check(CLI::Range(0, 26));
  lookup->add_option("--log-table", log_table, "log2 of the range table size")->check(CLI::Range(1, 24));

  auto* model = app.add_subcommand("model", "setup, prove and verify an ONNX model end to end");
  std::string model_path, model_input;
  model->add_option("model", model_path, "ONNX model")->required()->check(CLI::ExistingFile);
  model->add_option("--input", model_input, "input.json")->required()->check(CLI::ExistingFile);
  bool model_zk = false;
  model->add_flag("--zk", model_zk, "zero-knowledge proofs");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (thread_count > 0) zk::set_threads(thread_count);
  if (*field) zk::bench::bench_field();
  if (*sumcheck) zk::bench::bench_sumcheck(log_size, degree, reps);
  if (*model) std::cout << zk::zkml::model_benchmark_json(model_path, model_input, model_zk) << std::endl;
  if (*lookup) std::cout << zk::lookup_benchmark_json(log_lookups, log_table) << std::endl;
  if (*pcs) std::cout << zk::pcs::pcs_benchmark_json(pcs_log_size, pcs_hiding) << std::endl;
  return 0;
}
