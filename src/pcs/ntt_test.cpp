#include "pcs/ntt.hpp"
#include "pcs/ntt_avx512.hpp"

#include <gtest/gtest.h>

#include <random>

#include "poly/multilinear.hpp"

namespace zk {
namespace {

size_t bit_reverse(size_t x, size_t bits) {
  size_t r = 0;
  for (size_t b = 0; b < bits; ++b) r |= ((x >> b) & 1) << (bits - 1 - b);
  return r;
}

// out[i] = sum_e c_e w^{ie}, computed directly in O(N^2).
template <class T>
std::vector<T> naive_dft(const std::vector<T>& coeffs) {
  const size_t log_n = static_cast<size_t>(std::countr_zero(coeffs.size()));
  const F w = F::root_of_unity(static_cast<int>(log_n));
  std::vector<T> out(coeffs.size());
  for (size_t i = 0; i < coeffs.size(); ++i) {
    const F wi = w.pow(i);
    F x = F::one();
    for (size_t e = 0; e < coeffs.size(); ++e) {
      out[i] += coeffs[e] * x;
      x *= wi;
    }
  }
  return out;
}

TEST(Ntt, MatchesNaiveDftAllSmallSizes) {
  std::mt19937_64 rng(1);
  for (size_t log_n = 0; log_n <= 10; ++log_n) {
    std::vector<F> coeffs(size_t{1} << log_n);
    for (F& c : coeffs) c = F::random(rng);
    std::vector<F> a(coeffs.size());
    for (size_t e = 0; e < coeffs.size(); ++e) a[bit_reverse(e, log_n)] = coeffs[e];
    ntt_bitrev_to_natural<F>(a);
    EXPECT_EQ(a, naive_dft(coeffs)) << "log_n = " << log_n;
  }
}

TEST(Ntt, CacheBlockedPathMatchesNaiveDft) {
  // 2^13 uses the two-phase (blocked) schedule; compare a sample of outputs.
  std::mt19937_64 rng(2);
  const size_t log_n = 13;
  std::vector<E> coeffs(size_t{1} << log_n);
  for (E& c : coeffs) c = E::random(rng);
  std::vector<E> a(coeffs.size());
  for (size_t e = 0; e < coeffs.size(); ++e) a[bit_reverse(e, log_n)] = coeffs[e];
  ntt_bitrev_to_natural<E>(a);
  const F w = F::root_of_unity(static_cast<int>(log_n));
  for (size_t i : {size_t{0}, size_t{1}, size_t{77}, size_t{4096}, size_t{8191}}) {
    E expect;
    F x = F::one();
    for (size_t e = 0; e < coeffs.size(); ++e) {
      expect += coeffs[e] * x;
      x *= w.pow(i);
    }
    EXPECT_EQ(a[i], expect) << i;
  }
}

TEST(Ntt, LargeStagesBeyondTheTwiddleTable) {
  // 2^(kTwiddleTableLog + 1): the top stage uses the split twiddles. Check sample outputs of
  // the transform of a sparse input against direct evaluation.
  const size_t log_n = kTwiddleTableLog + 1;
  std::vector<F> a(size_t{1} << log_n);
  const size_t exponents[] = {0, 1, 5, (size_t{1} << log_n) - 1, 123457};
  const F values[] = {F::from_u64(3), F::from_u64(7), F::from_u64(11), F::from_u64(13), F::from_u64(17)};
  for (size_t i = 0; i < 5; ++i) a[bit_reverse(exponents[i], log_n)] = values[i];
  ntt_bitrev_to_natural<F>(a);
  const F w = F::root_of_unity(static_cast<int>(log_n));
  for (size_t q : {size_t{0}, size_t{1}, size_t{99991}, (size_t{1} << log_n) - 3, size_t{1} << (log_n - 1)}) {
    F expect = F::zero();
    for (size_t i = 0; i < 5; ++i) expect += values[i] * w.pow(q * exponents[i] % (size_t{1} << log_n));
    EXPECT_EQ(a[q], expect) << q;
  }
}

TEST(Ntt, ResultIndependentOfThreadCount) {
  std::mt19937_64 rng(3);
  std::vector<F> a(size_t{1} << 14);
  for (F& c : a) c = F::random(rng);
  std::vector<F> b = a;
  const int saved = threads();
  set_threads(1);
  ntt_bitrev_to_natural<F>(a);
  set_threads(2);
  ntt_bitrev_to_natural<F>(b);
  set_threads(saved);
  EXPECT_EQ(a, b);
}

// The transform with the butterflies one at a time (no runs, hence no vector kernel).
template <class T>
void scalar_ntt(std::span<T> a, size_t skip_stages) {
  const Twiddles twiddles(static_cast<size_t>(std::countr_zero(a.size())));
  const ntt_detail::NttButterfly<T> butterfly{twiddles};
  ntt_detail::run_stages(a, skip_stages, [&butterfly](T& lo, T& hi, size_t h, size_t j) { butterfly(lo, hi, h, j); });
}

// Values near the modulus and the word boundaries as well as random ones.
F edge_or_random(std::mt19937_64& rng) {
  static const uint64_t edges[] = {0, 1, 2, Goldilocks::EPSILON, Goldilocks::EPSILON + 1, uint64_t{1} << 63,
                                   Goldilocks::MODULUS - 1, Goldilocks::MODULUS - 2, Goldilocks::MODULUS - Goldilocks::EPSILON};
  const uint64_t pick = rng() % 16;
  return pick < std::size(edges) ? F::from_canonical(edges[pick]) : F::random(rng);
}

// The runs of the stages (vectorized where the target has AVX2) give the scalar network's
// values bit for bit, over F and over E, for every schedule: small, cache-blocked, with stages
// skipped, and with the split twiddles of the large stages (one and two of them; the vector kernel
// takes those as running products).
TEST(Ntt, RunsMatchTheScalarButterflies) {
  std::mt19937_64 rng(5);
  for (size_t log_n : {1, 2, 3, 4, 5, 8, 13, 15, 21, 22}) {
    for (size_t skip : {0, 2}) {
      if (skip >= log_n) continue;
      std::vector<F> a(size_t{1} << log_n);
      for (F& x : a) x = edge_or_random(rng);
      std::vector<F> b = a;
      ntt_bitrev_to_natural<F>(a, skip);
      scalar_ntt<F>(b, skip);
      EXPECT_EQ(a, b) << "F, log_n = " << log_n << ", skip " << skip;
      if (log_n > 15 && log_n != kTwiddleTableLog + 1) continue;
      std::vector<E> c(size_t{1} << log_n);
      for (E& x : c) x = E(edge_or_random(rng), edge_or_random(rng));
      std::vector<E> d = c;
      ntt_bitrev_to_natural<E>(c, skip);
      scalar_ntt<E>(d, skip);
      EXPECT_EQ(c, d) << "E, log_n = " << log_n << ", skip " << skip;
    }
  }
}

// The eight-lane kernels give the scalar butterflies' values, edge values included, with table
// twiddles and with running-product twiddles.
TEST(Ntt, Avx512KernelsMatchTheScalarButterflies) {
#if defined(ZK_HAVE_NTT_AVX512)
  std::mt19937_64 rng(6);
  for (size_t count = 8; count <= 64; count += 8) {
    std::vector<F> lo(count), hi(count), tw(count);
    for (size_t i = 0; i < count; ++i) {
      lo[i] = edge_or_random(rng);
      hi[i] = edge_or_random(rng);
      tw[i] = edge_or_random(rng);
    }
    F start[8];
    for (F& x : start) x = edge_or_random(rng);
    const F step = edge_or_random(rng);
    auto scalar = [&](std::vector<F> a, std::vector<F> b, auto twiddle) {
      for (size_t i = 0; i < count; ++i) {
        const F v = b[i] * twiddle(i);
        b[i] = a[i] - v;
        a[i] = a[i] + v;
      }
      return std::pair{a, b};
    };
    std::vector<F> a = lo, b = hi;
    ntt_avx512::butterflies(a.data(), b.data(), tw.data(), count);
    EXPECT_EQ(std::pair(a, b), scalar(lo, hi, [&](size_t i) { return tw[i]; })) << count;
    a = lo;
    b = hi;
    ntt_avx512::butterflies_running(a.data(), b.data(), start, step, count);
    EXPECT_EQ(std::pair(a, b), scalar(lo, hi, [&](size_t i) { return start[i % 8] * step.pow(i / 8); })) << count;
  }
#else
  GTEST_SKIP() << "built without AVX-512F (the kernels exist only where the build machine has it)";
#endif
}

// The Moebius transform's runs (vectorized where the target has AVX2) give the one-at-a-time
// network's values, edge values included, at sizes that take every schedule.
TEST(Moebius, RunsMatchTheScalarButterflies) {
  std::mt19937_64 rng(7);
  for (size_t log_n : {1, 3, 5, 13, 15}) {
    std::vector<F> a(size_t{1} << log_n);
    for (F& x : a) x = edge_or_random(rng);
    std::vector<F> b = a;
    moebius_transform<F>(a);
    ntt_detail::run_stages(std::span<F>(b), 0, [](F& lo, F& hi, size_t, size_t) { hi = hi - lo; });
    EXPECT_EQ(a, b) << "log_n = " << log_n;
  }
}

TEST(Moebius, CoefficientsReproduceEvaluations) {
  std::mt19937_64 rng(4);
  const size_t n = 5;
  std::vector<F> table(size_t{1} << n);
  for (F& x : table) x = F::random(rng);
  std::vector<F> coeffs = table;
  moebius_transform<F>(coeffs);
  std::vector<E> point(n);
  for (E& x : point) x = E::random(rng);
  // P(point) = sum_i m_i prod_{k: bit n-1-k of i set} point_k.
  E sum;
  for (size_t i = 0; i < coeffs.size(); ++i) {
    E term(coeffs[i]);
    for (size_t k = 0; k < n; ++k)
      if ((i >> (n - 1 - k)) & 1) term *= point[k];
    sum += term;
  }
  EXPECT_EQ(sum, (evaluate_multilinear<E, F>(table, point)));
}

TEST(RsEncode, CodewordIsUnivariateAtPowers) {
  // out[q] = P^(w^q) = P(w^q, w^{2q}, w^{4q}, ...).
  std::mt19937_64 rng(5);
  for (size_t m : {0, 1, 3, 6}) {
    std::vector<F> table(size_t{1} << m);
    for (F& x : table) x = F::random(rng);
    const size_t log_domain = m + 2;
    const auto codeword = rs_encode<F>(table, log_domain);
    const F w = F::root_of_unity(static_cast<int>(log_domain));
    for (size_t q = 0; q < codeword.size(); q += 3) {
      std::vector<E> point(m);
      F x = w.pow(q);
      for (size_t k = 0; k < m; ++k) {
        point[k] = E(x);
        x *= x;
      }
      EXPECT_EQ(E(codeword[q]), (evaluate_multilinear<E, F>(table, point))) << "m=" << m << " q=" << q;
    }
  }
}

}  // namespace
}  // namespace zk
