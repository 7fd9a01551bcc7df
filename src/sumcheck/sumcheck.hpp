// The sum-check protocol for sums of products of multilinear polynomials.
//
// Statement: claim = sum_{x in {0,1}^n} G(x),  G(x) = sum_j c_j prod_{k in T_j} P_k(x)
// (Lund, Fortnow, Karloff, Nisan 1992; Thaler, "Proofs, Arguments, and Zero-Knowledge", 4.1).
// Round i (binding variable i, the most significant remaining bit, see poly/multilinear.hpp):
// the prover sends g_i(t) = sum_{x'} G(r_0, ..., r_{i-1}, t, x') as its values at t = 0..d
// (d = max |T_j|); the verifier checks g_i(0) + g_i(1) = claim_i, absorbs g_i, draws r_i and sets
// claim_{i+1} = g_i(r_i) by Lagrange interpolation. After n rounds the verifier holds a point r
// and a value v; the caller must check v = sum_j c_j prod_{k in T_j} P_k(r) with evaluations it
// obtains elsewhere (a commitment opening, or the next GKR layer). A cheating prover passes with
// probability at most n d / |E| (Schwartz-Zippel per round).
//
// Transcript schedule (shared by prover and verifier, see absorb_statement / round_challenge):
//   absorb "sumcheck/statement" = (n, d, claim); then for each round: absorb "sumcheck/round"
//   = g_i(0..d), draw r_i = challenge "sumcheck/challenge".
// The prover and verifier are templates on the table field F, the challenge field E and the
// challenger (a Transcript, or a scripted source of challenges in exhaustive tests).
#pragma once

#include <array>
#include <cstddef>
#include <utility>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <string>
#include <vector>

#include "base/bytes.hpp"
#include "base/parallel.hpp"
#include "base/result.hpp"
#include "field/accumulator.hpp"
#include "field/field.hpp"
#include "poly/multilinear.hpp"

namespace zk {

// Bounds every decoder and prover accepts.
constexpr size_t kMaxSumcheckVars = 40;
constexpr size_t kMaxSumcheckDegree = 8;

// One product term c * prod_{k in factors} P_k.
template <class E>
struct SumcheckTerm {
  E coefficient;
  std::vector<size_t> factors;  // indices into the table list; repeats allowed (squares)
};

template <class E>
size_t sumcheck_degree(std::span<const SumcheckTerm<E>> terms) {
  size_t d = 1;
  for (const auto& t : terms) d = std::max(d, t.factors.size());
  return d;
}

template <class E>
struct SumcheckProof {
  std::vector<std::vector<E>> rounds;  // rounds[i] = g_i(0), ..., g_i(d)

  void encode(ByteWriter& out) const {
    out.u32(static_cast<uint32_t>(rounds.size()));
    out.u32(static_cast<uint32_t>(rounds.empty() ? 0 : rounds[0].size() - 1));
    for (const auto& r : rounds)
      for (const E& v : r) v.to_bytes(out.extend(E::BYTES));
  }

  // Decodes a proof that must have exactly num_vars rounds of degree `degree` (known to the
  // verifier from the statement, never taken from the bytes alone).
  static Result<SumcheckProof> decode(ByteReader& in, size_t num_vars, size_t degree) {
    if (num_vars > kMaxSumcheckVars || degree > kMaxSumcheckDegree || degree == 0)
      return fail("sumcheck: statement out of bounds");
    auto rounds = in.u32();
    if (!rounds) return fail(rounds.error());
    if (*rounds != num_vars)
      return fail("sumcheck: proof has " + std::to_string(*rounds) + " rounds, expected " +
                  std::to_string(num_vars));
    auto deg = in.u32();
    if (!deg) return fail(deg.error());
    if (num_vars > 0 && *deg != degree)
      return fail("sumcheck: proof has degree " + std::to_string(*deg) + ", expected " +
                  std::to_string(degree));
    SumcheckProof proof;
    proof.rounds.resize(num_vars);
    for (auto& r : proof.rounds) {
      r.resize(degree + 1);
      for (E& v : r) {
        auto bytes = in.take(E::BYTES);
        if (!bytes) return fail("sumcheck: " + bytes.error());
        auto value = E::from_bytes(bytes->data());
        if (!value) return fail("sumcheck: non-canonical field element");
        v = *value;
      }
    }
    return proof;
  }
};

// What the verifier is left with: the random point and the value G(point) must equal.
template <class E>
struct SumcheckClaim {
  std::vector<E> point;
  E value;
};

template <class E>
struct SumcheckProverOutput {
  SumcheckProof<E> proof;
  std::vector<E> point;
  std::vector<E> table_evaluations;  // P_k(point) for every table k
};

// ---- The shared transcript schedule ----------------------------------------------------------

template <class E, class Challenger>
void absorb_statement(Challenger& ch, size_t num_vars, size_t degree, const E& claim) {
  ch.absorb_u64("sumcheck/num_vars", num_vars);
  ch.absorb_u64("sumcheck/degree", degree);
  ch.absorb("sumcheck/claim", claim);
}

template <class E, class Challenger>
E round_challenge(Challenger& ch, std::span<const E> round_values) {
  ch.absorb_all("sumcheck/round", round_values);
  return ch.template challenge<E>("sumcheck/challenge");
}

// g(r) from g(0), ..., g(d) (Lagrange interpolation over the nodes 0..d).
template <class E>
E interpolate_at(std::span<const E> values, const E& r) {
  const size_t d = values.size() - 1;
  // weights w_i = 1 / prod_{j != i} (i - j); numerator prod_{j != i} (r - j).
  std::vector<E> r_minus(d + 1), prefix(d + 2), suffix(d + 2);
  for (size_t j = 0; j <= d; ++j) r_minus[j] = r - E::from_u64(j);
  prefix[0] = E::one();
  for (size_t j = 0; j <= d; ++j) prefix[j + 1] = prefix[j] * r_minus[j];
  suffix[d + 1] = E::one();
  for (size_t j = d + 1; j-- > 0;) suffix[j] = suffix[j + 1] * r_minus[j];
  std::vector<E> denominators(d + 1);
  for (size_t i = 0; i <= d; ++i) {
    E den = E::one();
    for (size_t j = 0; j <= d; ++j)
      if (j != i) den *= E::from_i64(static_cast<int64_t>(i) - static_cast<int64_t>(j));
    denominators[i] = den;
  }
  batch_invert<E>(denominators);
  E acc = E::zero();
  for (size_t i = 0; i <= d; ++i) acc += values[i] * prefix[i] * suffix[i + 1] * denominators[i];
  return acc;
}

// ---- Prover building blocks -------------------------------------------------------------------

// sum_x sum_j c_j prod_{k in T_j} P_k(x): the claim an honest prover makes.
template <class E, class T>
E sum_over_hypercube(const std::vector<std::vector<T>>& tables,
                     std::span<const SumcheckTerm<E>> terms) {
  const size_t size = tables.at(0).size();
  E total = E::zero();
  for (const auto& term : terms) {
    std::vector<E> partial(chunk_count(size, kPolyGrain), E::zero());
    parallel_chunks(size, kPolyGrain, [&](size_t c, size_t begin, size_t end) {
      T acc{};
      for (size_t x = begin; x < end; ++x) {
        T prod = T::one();
        for (size_t k : term.factors) prod *= tables[k][x];
        acc += prod;
      }
      partial[c] = E(acc);
    });
    E sum = E::zero();
    for (const E& p : partial) sum += p;
    total += term.coefficient * sum;
  }
  return total;
}

// Adds, for pairs j in [begin, end), prod_{k < N} (lo_k + t (hi_k - lo_k)) to acc[t] for t = 0
// and t = 2..d, where lo_k = P_k[j] and hi_k = P_k[j + h]. The factor count N is a template
// parameter so the products unroll; the last multiplication of each product is deferred into
// the accumulator (no modular reduction per pair).
template <size_t N, class T>
void accumulate_term(const std::array<const T*, N>& factor_tables, size_t half, size_t begin,
                     size_t end, size_t degree, ProductAccumulator<T>* out) {
  // Local copies: the compiler can then keep the pointers and sums out of memory it must
  // assume the loads alias.
  const std::array<const T*, N> factors = factor_tables;
  std::array<ProductAccumulator<T>, kMaxSumcheckDegree + 1> acc{};
  for (size_t j = begin; j < end; ++j) {
    std::array<T, N> at, step;
    for (size_t k = 0; k < N; ++k) {
      at[k] = factors[k][j];
      step[k] = factors[k][j + half] - at[k];
    }
    auto accumulate = [&](ProductAccumulator<T>& a) {
      if constexpr (N == 1) {
        a.add(at[0]);
      } else {
        T prod = at[0];
        for (size_t k = 1; k + 1 < N; ++k) prod *= at[k];
        a.add_product(prod, at[N - 1]);
      }
    };
    accumulate(acc[0]);
    if (degree < 2) continue;
    for (size_t k = 0; k < N; ++k) at[k] += step[k] + step[k];  // t = 2
    for (size_t t = 2;; ++t) {
      accumulate(acc[t]);
      if (t == degree) break;
      for (size_t k = 0; k < N; ++k) at[k] += step[k];
    }
  }
  for (size_t t = 0; t <= degree; ++t) out[t].merge(acc[t]);
}

// Accumulates every term over pairs [begin, end) of tables given by pointers (each of size
// 2 half), into acc[m (d + 1) + t]. Dispatches on the factor count so products unroll.
template <class E, class T, size_t... Ns>
void accumulate_terms(const std::vector<const T*>& tables, size_t half, size_t begin, size_t end,
                      std::span<const SumcheckTerm<E>> terms, size_t degree,
                      ProductAccumulator<T>* acc, std::index_sequence<Ns...>) {
  for (size_t m = 0; m < terms.size(); ++m) {
    const auto& factors = terms[m].factors;
    auto run = [&]<size_t N>(std::integral_constant<size_t, N>) {
      if (factors.size() != N) return false;
      std::array<const T*, N> ptrs;
      for (size_t k = 0; k < N; ++k) ptrs[k] = tables[factors[k]];
      accumulate_term<N, T>(ptrs, half, begin, end, degree, acc + m * (degree + 1));
      return true;
    };
    (run(std::integral_constant<size_t, Ns + 1>{}) || ...);
  }
}

// Reduces per-chunk accumulators (in chunk order) to g(0), g(2..d); g(1) = claim - g(0).
template <class E, class T>
std::vector<E> combine_round(const std::vector<ProductAccumulator<T>>& partial, size_t chunks,
                             std::span<const SumcheckTerm<E>> terms, size_t degree,
                             const E& claim) {
  const size_t width = terms.size() * (degree + 1);
  std::vector<E> g(degree + 1, E::zero());
  for (size_t m = 0; m < terms.size(); ++m) {
    for (size_t t = 0; t <= degree; ++t) {
      if (t == 1) continue;
      ProductAccumulator<T> sum;
      for (size_t c = 0; c < chunks; ++c) sum.merge(partial[c * width + m * (degree + 1) + t]);
      g[t] += terms[m].coefficient * E(sum.reduce());
    }
  }
  g[1] = claim - g[0];
  return g;
}

constexpr size_t kRoundGrain = kPolyGrain / 4;  // pairs per parallel chunk

// g(t) for t = 0..d of a round over tables of size 2 half. Per term, sums over pairs are
// accumulated per t and multiplied by the term coefficient once at the end.
template <class E, class T>
std::vector<E> round_values(const std::vector<std::vector<T>>& tables,
                            std::span<const SumcheckTerm<E>> terms, size_t degree,
                            const E& claim) {
  const size_t half = tables.at(0).size() / 2;
  std::vector<const T*> ptrs;
  for (const auto& t : tables) ptrs.push_back(t.data());
  const size_t width = terms.size() * (degree + 1);
  const size_t chunks = chunk_count(half, kRoundGrain);
  std::vector<ProductAccumulator<T>> partial(chunks * width);
  parallel_chunks(half, kRoundGrain, [&](size_t c, size_t begin, size_t end) {
    accumulate_terms<E, T>(ptrs, half, begin, end, terms, degree, partial.data() + c * width,
                           std::make_index_sequence<kMaxSumcheckDegree>{});
  });
  return combine_round<E, T>(partial, chunks, terms, degree, claim);
}

// ---- Round 1 without lifting (the "small-value" idea of Bagad, Dao, Domb, Thaler, "Speeding up
// sum-check proving", 2025, section 4, for one delayed round) ----------------------------------
//
// After round 0 binds variable 0 to r0, a factor at (r0, t, x) is A + r0 B with base-field
//   A = P(0, t, x),  B = P(1, t, x) - P(0, t, x),   P(b, t, x) = P(b, 0, x) + t (P(b, 1, x) - P(b, 0, x)),
// so a product of N factors is the polynomial prod_k (A_k + X B_k) in X = r0, whose N + 1
// base-field coefficients are summed over x with deferred reduction. Then
//   g_1(t) = sum_j c_j sum_e r0^e C_{j,t,e}.
// This needs no extension-field table: the tables are lifted once, after round 1, by a 4-to-1 fold.

// Accumulates, for x in [begin, end) of tables of size 4q, the coefficients of
// prod_k (A_k + X B_k) at t = 0, 2..d into acc[t (N + 1) + e].
template <size_t N, class F>
void accumulate_term_delayed(const std::array<const F*, N>& factor_tables, size_t q, size_t begin,
                             size_t end, size_t degree, ProductAccumulator<F>* out) {
  const std::array<const F*, N> factors = factor_tables;
  std::array<ProductAccumulator<F>, (kMaxSumcheckDegree + 1) * (kMaxSumcheckDegree + 1)> acc{};
  for (size_t x = begin; x < end; ++x) {
    std::array<F, N> at0, step0, at1, step1;  // P(0, t, x), P(1, t, x) and their steps in t
    for (size_t k = 0; k < N; ++k) {
      const F* p = factors[k];
      at0[k] = p[x];
      step0[k] = p[x + q] - at0[k];
      at1[k] = p[x + 2 * q];
      step1[k] = p[x + 3 * q] - at1[k];
    }
    auto accumulate = [&](ProductAccumulator<F>* a) {
      // coef holds prod_{k < N - 1} (A_k + X B_k); the last factor is folded into the sums.
      std::array<F, N + 1> coef{};
      coef[0] = F::one();
      for (size_t k = 0; k + 1 < N; ++k) {
        const F A = at0[k], B = at1[k] - at0[k];
        for (size_t e = k + 1; e > 0; --e) coef[e] = coef[e] * A + coef[e - 1] * B;
        coef[0] *= A;
      }
      const F A = at0[N - 1], B = at1[N - 1] - at0[N - 1];
      for (size_t e = 0; e < N; ++e) {
        a[e].add_product(coef[e], A);
        a[e + 1].add_product(coef[e], B);
      }
    };
    accumulate(acc.data());
    if (degree < 2) continue;
    for (size_t k = 0; k < N; ++k) {
      at0[k] += step0[k] + step0[k];
      at1[k] += step1[k] + step1[k];
    }
    for (size_t t = 2;; ++t) {
      accumulate(acc.data() + t * (N + 1));
      if (t == degree) break;
      for (size_t k = 0; k < N; ++k) {
        at0[k] += step0[k];
        at1[k] += step1[k];
      }
    }
  }
  for (size_t i = 0; i < (degree + 1) * (N + 1); ++i) out[i].merge(acc[i]);
}

// g_1(t) for t = 0..d from the base-field tables and the round-0 challenge r0.
template <class E, class F>
std::vector<E> delayed_round_values(const std::vector<std::vector<F>>& tables,
                                    std::span<const SumcheckTerm<E>> terms, size_t degree,
                                    const E& r0, const E& claim) {
  const size_t q = tables.at(0).size() / 4;
  // Per term: (d + 1) values of t, each with N + 1 coefficients.
  std::vector<size_t> offset(terms.size() + 1, 0);
  for (size_t m = 0; m < terms.size(); ++m)
    offset[m + 1] = offset[m] + (degree + 1) * (terms[m].factors.size() + 1);
  const size_t width = offset.back();
  const size_t chunks = chunk_count(q, kRoundGrain);
  std::vector<ProductAccumulator<F>> partial(chunks * width);
  parallel_chunks(q, kRoundGrain, [&](size_t c, size_t begin, size_t end) {
    for (size_t m = 0; m < terms.size(); ++m) {
      const auto& factors = terms[m].factors;
      ProductAccumulator<F>* acc = partial.data() + c * width + offset[m];
      auto run = [&]<size_t N>(std::integral_constant<size_t, N>) {
        if (factors.size() != N) return false;
        std::array<const F*, N> ptrs;
        for (size_t k = 0; k < N; ++k) ptrs[k] = tables[factors[k]].data();
        accumulate_term_delayed<N, F>(ptrs, q, begin, end, degree, acc);
        return true;
      };
      [&]<size_t... Ns>(std::index_sequence<Ns...>) {
        (run(std::integral_constant<size_t, Ns + 1>{}) || ...);
      }(std::make_index_sequence<kMaxSumcheckDegree>{});
    }
  });
  std::vector<E> g(degree + 1, E::zero());
  for (size_t m = 0; m < terms.size(); ++m) {
    const size_t n_coef = terms[m].factors.size() + 1;
    for (size_t t = 0; t <= degree; ++t) {
      if (t == 1) continue;
      E value = E::zero(), power = E::one();
      for (size_t e = 0; e < n_coef; ++e) {
        ProductAccumulator<F> sum;
        for (size_t c = 0; c < chunks; ++c) sum.merge(partial[c * width + offset[m] + t * n_coef + e]);
        value += power * E(sum.reduce());
        power *= r0;
      }
      g[t] += terms[m].coefficient * value;
    }
  }
  g[1] = claim - g[0];
  return g;
}

// Binds variables 0 and 1 of a base-field table (size 4q) to (r0, r1) at once:
//   out[j] = a + r1 (b - a) + r0 (c - a) + r0 r1 (d - c - b + a),
// (a, b, c, d) = (P[j], P[j + q], P[j + 2q], P[j + 3q]): three mixed products per entry.
template <class E, class F>
std::vector<E> fold_two_to(std::span<const F> table, const E& r0, const E& r1) {
  const size_t q = table.size() / 4;
  std::vector<E> out(q);
  const E r01 = r0 * r1;
  parallel_for(q, kPolyGrain, [in = table.data(), dst = out.data(), q, r0, r1, r01](size_t begin, size_t end) {
    for (size_t j = begin; j < end; ++j) {
      const F a = in[j], b = in[j + q], c = in[j + 2 * q], d = in[j + 3 * q];
      const F db = b - a, dc = c - a, dd = d - c - b + a;
      if constexpr (ExtensionOf<E, F>) {
        // Each coefficient of E is one sum of three 128-bit products plus a, reduced once.
        ProductAccumulator<F> c0, c1;
        c0.add_product(r1.c0(), db);
        c0.add_product(r0.c0(), dc);
        c0.add_product(r01.c0(), dd);
        c0.add(a);
        c1.add_product(r1.c1(), db);
        c1.add_product(r0.c1(), dc);
        c1.add_product(r01.c1(), dd);
        dst[j] = E(c0.reduce(), c1.reduce());
      } else {
        dst[j] = r1 * db + r0 * dc + r01 * dd + E(a);
      }
    }
  });
  return out;
}

// ---- Prover and verifier -----------------------------------------------------------------------

// Proves claim = sum_x G(x). Tables (all of size 2^n) are consumed. The claim must be true: a
// false claim is an internal invariant violation of the caller.
template <class F, class E, class Challenger>
SumcheckProverOutput<E> prove_sumcheck(Challenger& ch, std::vector<std::vector<F>> tables,
                                       std::span<const SumcheckTerm<E>> terms, E claim) {
  if (tables.empty()) throw std::invalid_argument("sumcheck: no tables");
  const size_t num_vars = log2_exact(tables[0].size());
  for (const auto& t : tables)
    if (t.size() != tables[0].size()) throw std::invalid_argument("sumcheck: table sizes differ");
  for (const auto& term : terms) {
    if (term.factors.empty() || term.factors.size() > kMaxSumcheckDegree)
      throw std::invalid_argument("sumcheck: a term needs 1 to kMaxSumcheckDegree factors");
    for (size_t k : term.factors)
      if (k >= tables.size()) throw std::invalid_argument("sumcheck: factor index out of range");
  }
  const size_t degree = sumcheck_degree(terms);
  if (num_vars > kMaxSumcheckVars || degree > kMaxSumcheckDegree)
    throw std::invalid_argument("sumcheck: instance out of bounds");

  SumcheckProverOutput<E> out;
  absorb_statement(ch, num_vars, degree, claim);
  if (num_vars == 0) {
    for (const auto& t : tables) out.table_evaluations.push_back(E(t[0]));
    return out;
  }

  // Round 0 runs on the input tables. For base-field inputs (F != E) round 1 runs on them too,
  // without lifting (see delayed_round_values), and the tables are then lifted into E by one
  // 4-to-1 fold; extension-field inputs are folded in place from round 0 on. Each later round
  // evaluates, draws its challenge and folds in place.
  constexpr bool delay_lift = !std::is_same_v<F, E>;
  std::vector<E> g = round_values<E, F>(tables, terms, degree, claim);
  std::vector<std::vector<E>> folded;
  for (size_t i = 0; i < num_vars; ++i) {
    const E r = round_challenge<E>(ch, g);
    claim = interpolate_at<E>(g, r);
    out.proof.rounds.push_back(std::move(g));
    out.point.push_back(r);
    const bool lift_now = delay_lift ? (i == 1 || num_vars == 1) : i == 0;
    if (lift_now) {
      for (auto& t : tables) {
        folded.push_back(i == 1 ? fold_two_to<E, F>(t, out.point[0], r) : fold_to<E, F>(t, r));
        std::vector<F>().swap(t);
      }
    } else if (!folded.empty()) {
      fold_all_in_place(folded, r);
    }
    if (i + 1 == num_vars) break;
    g = folded.empty() ? delayed_round_values<E, F>(tables, terms, degree, r, claim)
                       : round_values<E, E>(folded, terms, degree, claim);
  }
  for (const auto& t : folded) out.table_evaluations.push_back(t[0]);
  return out;
}

// Verifies the rounds of a sum-check proof for `claim` over n = num_vars variables and degree d.
// Returns the point r and the value G(r) must take, which the caller checks.
template <class E, class Challenger>
Result<SumcheckClaim<E>> verify_sumcheck(Challenger& ch, size_t num_vars, size_t degree,
                                         E claim, const SumcheckProof<E>& proof) {
  if (num_vars > kMaxSumcheckVars || degree == 0 || degree > kMaxSumcheckDegree)
    return fail("sumcheck: statement out of bounds");
  if (proof.rounds.size() != num_vars)
    return fail("sumcheck: wrong number of rounds");
  absorb_statement(ch, num_vars, degree, claim);
  SumcheckClaim<E> out;
  for (size_t i = 0; i < num_vars; ++i) {
    const auto& g = proof.rounds[i];
    if (g.size() != degree + 1)
      return fail("sumcheck: round " + std::to_string(i) + " has the wrong degree");
    if (g[0] + g[1] != claim)
      return fail("sumcheck: round " + std::to_string(i) + ": g(0) + g(1) != claim");
    const E r = round_challenge<E>(ch, std::span<const E>(g));
    claim = interpolate_at<E>(g, r);
    out.point.push_back(r);
  }
  out.value = claim;
  return out;
}

// The caller's final check for a statement whose table evaluations at the point are known:
// value == sum_j c_j prod_{k in T_j} evaluations[k].
template <class E>
Status check_final_evaluation(const SumcheckClaim<E>& claim,
                              std::span<const SumcheckTerm<E>> terms,
                              std::span<const E> evaluations) {
  E expected = E::zero();
  for (const auto& term : terms) {
    E prod = term.coefficient;
    for (size_t k : term.factors) {
      if (k >= evaluations.size()) return fail("sumcheck: evaluation missing for a factor");
      prod *= evaluations[k];
    }
    expected += prod;
  }
  if (expected != claim.value) return fail("sumcheck: final evaluation mismatch");
  return {};
}

}  // namespace zk
