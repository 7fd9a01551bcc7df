// Google Benchmark micro-benchmarks of the hot kernels (zkinfer-micro-bench).
#include <benchmark/benchmark.h>

#include <random>

#include "crypto/keccak.hpp"
#include "crypto/transcript.hpp"
#include "field/field.hpp"
#include "poly/multilinear.hpp"
#include "sumcheck/sumcheck.hpp"

namespace zk {
namespace {

template <class Field>
void BM_FieldMul(benchmark::State& state) {
  std::mt19937_64 rng(1);
  std::vector<Field> x(1024), y(1024);
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = Field::random(rng);
    y[i] = Field::random(rng);
  }
  for (auto _ : state) {
    for (size_t i = 0; i < x.size(); ++i) x[i] *= y[i];
    benchmark::DoNotOptimize(x.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * x.size()));
}
BENCHMARK(BM_FieldMul<F>);
BENCHMARK(BM_FieldMul<E>);

void BM_FieldInverse(benchmark::State& state) {
  F x = F::from_u64(123456789);
  for (auto _ : state) {
    x = x.inverse() + F::one();
    benchmark::DoNotOptimize(x);
  }
}
BENCHMARK(BM_FieldInverse);

void BM_Keccak64Bytes(benchmark::State& state) {
  Digest a{}, b{};
  for (auto _ : state) {
    a = keccak256_pair(a, b);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Keccak64Bytes);

void BM_EqTable(benchmark::State& state) {
  std::mt19937_64 rng(2);
  std::vector<E> point(static_cast<size_t>(state.range(0)));
  for (E& r : point) r = E::random(rng);
  for (auto _ : state) benchmark::DoNotOptimize(eq_table<E>(point));
}
BENCHMARK(BM_EqTable)->Arg(16)->Arg(20)->Unit(benchmark::kMillisecond);

// One thread, 2^16 entries in L2: folding a planar extension-field table (vector kernel where
// the build has AVX-512F) and lifting a base-field table by two variables into planes.
void BM_FoldPlanarRange(benchmark::State& state) {
  std::mt19937_64 rng(4);
  const size_t half = size_t{1} << 16;
  std::vector<F> planes(4 * half);
  for (F& v : planes) v = F::random(rng);
  const PlanarTable<E> table{planes.data(), planes.data() + 2 * half};
  const E r = E::random(rng);
  for (auto _ : state) {
    fold_range<E, PlanarTable<E>>(table, half, r, 0, half);
    benchmark::DoNotOptimize(planes.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * half));
}
BENCHMARK(BM_FoldPlanarRange);

void BM_LiftTwoRange(benchmark::State& state) {
  std::mt19937_64 rng(5);
  const size_t q = size_t{1} << 16;
  std::vector<F> table(4 * q);
  for (F& v : table) v = F::random(rng);
  const E r0 = E::random(rng), r1 = E::random(rng), r01 = r0 * r1;
  for (auto _ : state) {
    lift_two_range<E, F>(table.data(), q, r0, r1, r01, 0, q);
    benchmark::DoNotOptimize(table.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * q));
}
BENCHMARK(BM_LiftTwoRange);

void BM_SumcheckProveDegree2(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::mt19937_64 rng(3);
  std::vector<std::vector<F>> tables(2, std::vector<F>(size_t{1} << n));
  for (auto& t : tables)
    for (F& v : t) v = F::random(rng);
  std::vector<SumcheckTerm<E>> terms = {{E::one(), {0, 1}}};
  const E claim = sum_over_hypercube<E, F>(tables, terms);
  for (auto _ : state) {
    state.PauseTiming();
    auto copy = tables;
    Transcript t("bench");
    state.ResumeTiming();
    benchmark::DoNotOptimize(
        prove_sumcheck<F, E>(t, std::move(copy), std::span<const SumcheckTerm<E>>(terms), claim));
  }
}
BENCHMARK(BM_SumcheckProveDegree2)->Arg(16)->Arg(20)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace zk

BENCHMARK_MAIN();
