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

// The prover's result: its proof (the plain one, or another proof type wrapping the rounds, as
// the zero-knowledge sum-check's), the point, and the tables' values there.
template <class E, class Proof = SumcheckProof<E>>
struct SumcheckProverOutput {
  Proof proof;
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

// Weights w_i(r), i < n, of Lagrange interpolation over the nodes 0..n-1:
//   p(r) = sum_i w_i p(i),  w_i = prod_{j != i} (r - j) / prod_{j != i} (i - j),
// for every polynomial p of degree below n.
template <class E>
std::vector<E> lagrange_weights(size_t n, const E& r) {
  std::vector<E> r_minus(n), prefix(n + 1), suffix(n + 1);
  for (size_t j = 0; j < n; ++j) r_minus[j] = r - E::from_u64(j);
  prefix[0] = E::one();
  for (size_t j = 0; j < n; ++j) prefix[j + 1] = prefix[j] * r_minus[j];
  suffix[n] = E::one();
  for (size_t j = n; j-- > 0;) suffix[j] = suffix[j + 1] * r_minus[j];
  std::vector<E> weights(n);
  for (size_t i = 0; i < n; ++i) {
    E den = E::one();
    for (size_t j = 0; j < n; ++j)
      if (j != i) den *= E::from_i64(static_cast<int64_t>(i) - static_cast<int64_t>(j));
    weights[i] = den;
  }
  batch_invert<E>(weights);
  for (size_t i = 0; i < n; ++i) weights[i] *= prefix[i] * suffix[i + 1];
  return weights;
}

// g(r) from g(0), ..., g(d) (Lagrange interpolation over the nodes 0..d).
template <class E>
E interpolate_at(std::span<const E> values, const E& r) {
  const std::vector<E> w = lagrange_weights(values.size(), r);
  E acc = E::zero();
  for (size_t i = 0; i < values.size(); ++i) acc += values[i] * w[i];
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

// Nodes. A product of N factors, each linear in t (at + t step), is a polynomial of degree
// N <= d in t. The kernels sum it at the nodes t = 0, 2, ..., d-1 and "t = infinity", the
// coefficient of t^d: the product of the slopes if N = d, zero if N < d (the point infinity of
// Bagad, Dao, Domb, Thaler, "Speeding up sum-check proving", 2025). Node slot u < d holds t = u,
// slot d holds infinity (for d = 1 slot 1 is t = 1 and infinity is never needed). Infinity costs
// no extrapolation (at + d step per factor), and the message stays g(0), ..., g(d):
//   g(1) = claim - g(0),   g(d) = d! g(inf) + sum_{i<d} (-1)^{d-1-i} C(d, i) g(i)
// (the d-th finite difference of a degree-d polynomial is d! times its leading coefficient).
template <class E>
std::vector<E> round_from_nodes(std::vector<E> s, size_t degree, const E& claim) {
  s[1] = claim - s[0];
  if (degree >= 2) {
    uint64_t factorial = 1, binomial = 1;  // d!, C(d, i)
    for (size_t i = 2; i <= degree; ++i) factorial *= i;
    E value = E::from_u64(factorial) * s[degree];
    for (size_t i = 0; i < degree; ++i) {
      const E term = E::from_u64(binomial) * s[i];
      value = (degree - 1 - i) % 2 == 0 ? value + term : value - term;
      binomial = binomial * (degree - i) / (i + 1);
    }
    s[degree] = value;
  }
  return s;
}

// Weights of the nodes 0..d-1, infinity at r: p(r) = sum_{u<d} L_u(r) p(u) + p(inf) prod_{j<d} (r - j)
// for p of degree <= d (p minus its t^d part is determined by its values at 0..d-1).
template <class E>
std::vector<E> node_weights(size_t degree, const E& r) {
  std::vector<E> w = lagrange_weights(degree, r);
  E lead = E::one();
  for (size_t j = 0; j < degree; ++j) lead *= r - E::from_u64(j);
  w.push_back(lead);
  return w;
}

// Calls body(std::integral_constant<size_t, N>{}, std::integral_constant<size_t, D>{}) for
// N = count and D = degree (1 <= N <= D <= kMaxSumcheckDegree): the kernels take the factor
// count and the degree as template parameters, so that products and node loops unroll and the
// accumulators have a fixed size.
template <class Body>
void with_term_shape(size_t count, size_t degree, Body&& body) {
  auto for_degree = [&]<size_t D>(std::integral_constant<size_t, D>) {
    [&]<size_t... Ns>(std::index_sequence<Ns...>) {
      ((count == Ns + 1 ? (body(std::integral_constant<size_t, Ns + 1>{}, std::integral_constant<size_t, D>{}), true)
                        : false) ||
       ...);
    }(std::make_index_sequence<D>{});
  };
  [&]<size_t... Ds>(std::index_sequence<Ds...>) {
    ((degree == Ds + 1 ? (for_degree(std::integral_constant<size_t, Ds + 1>{}), true) : false) || ...);
  }(std::make_index_sequence<kMaxSumcheckDegree>{});
}

// acc += prod_k v_k, the last multiplication deferred into the accumulator (no reduction).
template <size_t N, class T>
void add_product_of(ProductAccumulator<T>& acc, const std::array<T, N>& v) {
  if constexpr (N == 1) {
    acc.add(v[0]);
  } else {
    T prod = v[0];
    for (size_t k = 1; k + 1 < N; ++k) prod *= v[k];
    acc.add_product(prod, v[N - 1]);
  }
}

// One line t -> at_k + t step_k per factor, through hi_k = at_k + step_k at t = 1: adds the
// product at the nodes t = 0, 2..D-1 to acc[t], at t = 1 to acc[1] if WithOne, and the product
// of the slopes to acc[D] (infinity) if N = D >= 2.
template <size_t N, size_t D, bool WithOne, class T>
void accumulate_line(const std::array<T, N>& at, const std::array<T, N>& hi,
                     const std::array<T, N>& step, ProductAccumulator<T>* acc) {
  add_product_of<N>(acc[0], at);
  if constexpr (WithOne) add_product_of<N>(acc[1], hi);
  if constexpr (D > 2) {
    std::array<T, N> value = hi;
    for (size_t t = 2; t < D; ++t) {
      for (size_t k = 0; k < N; ++k) value[k] += step[k];
      add_product_of<N>(acc[t], value);
    }
  }
  if constexpr (N == D && D >= 2) add_product_of<N>(acc[D], step);
}

// Adds, for pairs j in [begin, end) of tables of 2 half entries, the line through P_k[j] and
// P_k[j + half] (variable 0 of the remaining ones) at the nodes to out[0..D]. (flatten: the
// per-node products are inlined, so that values and sums stay in registers.)
template <size_t N, size_t D, class T, class Table>
[[gnu::flatten]] void accumulate_term(const std::array<Table, N>& factor_tables, size_t half,
                                      size_t begin, size_t end, ProductAccumulator<T>* out) {
  // Local copies: the compiler can then keep the pointers and sums out of memory it must
  // assume the loads alias.
  const std::array<Table, N> factors = factor_tables;
  std::array<ProductAccumulator<T>, D + 1> acc{};
  for (size_t j = begin; j < end; ++j) {
    std::array<T, N> at, hi, step;
    for (size_t k = 0; k < N; ++k) {
      at[k] = factors[k].load(j);
      hi[k] = factors[k].load(j + half);
      step[k] = hi[k] - at[k];
    }
    accumulate_line<N, D, false>(at, hi, step, acc.data());
  }
  for (size_t t = 0; t <= D; ++t) out[t].merge(acc[t]);
}

constexpr size_t kRoundGrain = kPolyGrain / 4;  // pairs per parallel chunk

// g(t) for t = 0..d of a round over tables of 2 half entries. Per term, sums over pairs are
// accumulated per node and multiplied by the term coefficient once at the end. Each parallel
// chunk of pairs [begin, end) first calls prepare(begin, end), which may write the chunk's own
// entries j and j + half: the fold (or lift) producing this round's tables then runs in the same
// pass, and the sums read its output from cache instead of memory (prove_folding_rounds).
template <class E, class T, class Table, class Prepare>
std::vector<E> round_values_of(std::span<const Table> tables, size_t half,
                               std::span<const SumcheckTerm<E>> terms, size_t degree,
                               const E& claim, const Prepare& prepare) {
  const size_t width = terms.size() * (degree + 1);
  const size_t chunks = chunk_count(half, kRoundGrain);
  std::vector<ProductAccumulator<T>> partial(chunks * width);
  parallel_chunks(half, kRoundGrain, [&](size_t c, size_t begin, size_t end) {
    prepare(begin, end);
    for (size_t m = 0; m < terms.size(); ++m) {
      const auto& factors = terms[m].factors;
      with_term_shape(factors.size(), degree, [&]<size_t N, size_t D>(std::integral_constant<size_t, N>,
                                                                      std::integral_constant<size_t, D>) {
        std::array<Table, N> selected;
        for (size_t k = 0; k < N; ++k) selected[k] = tables[factors[k]];
        accumulate_term<N, D, T>(selected, half, begin, end, partial.data() + c * width + m * (D + 1));
      });
    }
  });
  std::vector<E> s(degree + 1, E::zero());
  for (size_t m = 0; m < terms.size(); ++m) {
    for (size_t u = 0; u <= degree; ++u) {
      if (u == 1) continue;
      ProductAccumulator<T> sum;
      for (size_t c = 0; c < chunks; ++c) sum.merge(partial[c * width + m * (degree + 1) + u]);
      s[u] += terms[m].coefficient * E(sum.reduce());
    }
  }
  return round_from_nodes<E>(std::move(s), degree, claim);
}

// round_values_of over tables held as vectors.
template <class E, class T>
std::vector<E> round_values(const std::vector<std::vector<T>>& tables,
                            std::span<const SumcheckTerm<E>> terms, size_t degree,
                            const E& claim) {
  std::vector<DenseTable<const T>> views;
  for (const auto& t : tables) views.push_back({t.data()});
  return round_values_of<E, T, DenseTable<const T>>(views, tables.at(0).size() / 2, terms, degree,
                                                    claim, [](size_t, size_t) {});
}

// ---- Rounds 0 and 1 in one pass over base-field tables, without lifting --------------------
//
// With the first two variables (v0, v1) explicit, a table of 4q entries holds the bilinear
// P(v0, v1, x) = a + v1 (b - a) + v0 (c - a) + v0 v1 (e - c - b + a),
// (a, b, c, e) = (P[x], P[x + q], P[x + 2q], P[x + 3q]). One pass sums, per term, the products
// prod_k P_k(u, t, x) over x for row nodes u in {0..d-1, inf} (in v0) and column nodes t in
// {0, 1, 2..d-1, inf} (in v1), all in the base field with deferred reduction:
//   g_0(t) = S(t, 0) + S(t, 1)             for t = 0, 2..d-1, inf,
//   g_1(t) = sum_u w_u(r0) S(u, t)          (node_weights: the term is a polynomial of degree
//                                            <= d in v0, so its nodes determine it at r0),
// the "small-value" idea of Bagad, Dao, Domb, Thaler (2025) for two rounds: nothing is lifted
// into E before r0 and r1 are known, and the tables are then lifted by one 4-to-1 fold
// (lift_two_in_place). Row 1 needs no column 1 (g_1(1) comes from the claim, g_0 has no row 1).

// Sums S(u, t) for x in [begin, end) into out[u (D + 1) + t] (u = D and t = D: infinity).
template <size_t N, size_t D, class F>
[[gnu::flatten]] void accumulate_grid_term(const std::array<const F*, N>& factor_tables, size_t q,
                                           size_t begin, size_t end, ProductAccumulator<F>* out) {
  const std::array<const F*, N> factors = factor_tables;
  constexpr size_t width = D + 1;
  std::array<ProductAccumulator<F>, width * width> acc{};
  for (size_t x = begin; x < end; ++x) {
    // Row u is the line v1 -> P(u, v1, x): (a, b) at row 0, (c, e) at row 1, and each further
    // row moves by the row slope (c - a, e - b), which is also row infinity.
    std::array<F, N> a, b, c, e, step0, step1, at_slope, hi_slope, step_slope;
    for (size_t k = 0; k < N; ++k) {
      const F* p = factors[k];
      a[k] = p[x];
      b[k] = p[x + q];
      c[k] = p[x + 2 * q];
      e[k] = p[x + 3 * q];
      step0[k] = b[k] - a[k];
      step1[k] = e[k] - c[k];
      at_slope[k] = c[k] - a[k];
      hi_slope[k] = e[k] - b[k];
      step_slope[k] = step1[k] - step0[k];
    }
    accumulate_line<N, D, true>(a, b, step0, acc.data());
    if constexpr (D >= 2) {
      accumulate_line<N, D, false>(c, e, step1, acc.data() + width);
      std::array<F, N> at = c, hi = e, step = step1;
      for (size_t u = 2; u < D; ++u) {
        for (size_t k = 0; k < N; ++k) {
          at[k] += at_slope[k];
          hi[k] += hi_slope[k];
          step[k] += step_slope[k];
        }
        accumulate_line<N, D, true>(at, hi, step, acc.data() + u * width);
      }
    }
    if constexpr (N == D) {
      accumulate_line<N, D, (D >= 2)>(at_slope, hi_slope, step_slope, acc.data() + D * width);
    }
  }
  for (size_t i = 0; i < width * width; ++i) out[i].merge(acc[i]);
}

// The reduced sums S(u, t) of every term, from one pass over base-field tables of 4q entries.
template <class F>
struct GridSums {
  size_t degree;
  std::vector<F> sums;  // term m, row u, column t at (m (d + 1) + u) (d + 1) + t

  F at(size_t m, size_t u, size_t t) const { return sums[(m * (degree + 1) + u) * (degree + 1) + t]; }

  template <class E>
  std::vector<E> round0(std::span<const SumcheckTerm<E>> terms, const E& claim) const {
    std::vector<E> s(degree + 1, E::zero());
    for (size_t m = 0; m < terms.size(); ++m)
      for (size_t t = 0; t <= degree; ++t)
        if (t != 1) s[t] += terms[m].coefficient * E(at(m, t, 0) + at(m, t, 1));
    return round_from_nodes<E>(std::move(s), degree, claim);
  }

  template <class E>
  std::vector<E> round1(std::span<const SumcheckTerm<E>> terms, const E& r0, const E& claim) const {
    const std::vector<E> w = node_weights(degree, r0);
    std::vector<E> s(degree + 1, E::zero());
    for (size_t m = 0; m < terms.size(); ++m) {
      for (size_t t = 0; t <= degree; ++t) {
        if (t == 1) continue;
        E value = E::zero();
        for (size_t u = 0; u <= degree; ++u) value += w[u] * E(at(m, u, t));
        s[t] += terms[m].coefficient * value;
      }
    }
    return round_from_nodes<E>(std::move(s), degree, claim);
  }
};

template <class E, class F>
GridSums<F> grid_sums(const std::vector<std::vector<F>>& tables,
                      std::span<const SumcheckTerm<E>> terms, size_t degree) {
  const size_t q = tables.at(0).size() / 4;
  const size_t square = (degree + 1) * (degree + 1);
  const size_t width = terms.size() * square;
  const size_t chunks = chunk_count(q, kRoundGrain);
  std::vector<ProductAccumulator<F>> partial(chunks * width);
  parallel_chunks(q, kRoundGrain, [&](size_t c, size_t begin, size_t end) {
    for (size_t m = 0; m < terms.size(); ++m) {
      const auto& factors = terms[m].factors;
      with_term_shape(factors.size(), degree, [&]<size_t N, size_t D>(std::integral_constant<size_t, N>,
                                                                      std::integral_constant<size_t, D>) {
        std::array<const F*, N> ptrs;
        for (size_t k = 0; k < N; ++k) ptrs[k] = tables[factors[k]].data();
        accumulate_grid_term<N, D, F>(ptrs, q, begin, end, partial.data() + c * width + m * square);
      });
    }
  });
  GridSums<F> out{degree, std::vector<F>(width)};
  for (size_t i = 0; i < width; ++i) {
    ProductAccumulator<F> sum;
    for (size_t c = 0; c < chunks; ++c) sum.merge(partial[c * width + i]);
    out.sums[i] = sum.reduce();
  }
  return out;
}

// ---- Prover and verifier -----------------------------------------------------------------------

// The rounds on extension-field tables of `size` >= 2 entries, in place. Each round's sums run
// in one pass with the fold that produces its tables: the chunk of pairs (j, j + h) first folds
// entries j and j + h of the previous tables (4h entries, halving to 2h) by the last challenge.
// The first round's tables come from `prepare_first` in the same way (a no-op, or the lift).
template <class E, class Table, class Send, class Prepare>
void prove_folding_rounds(std::span<const Table> tables, size_t size,
                          std::span<const SumcheckTerm<E>> terms, size_t degree, const E& claim,
                          Send&& send, const Prepare& prepare_first) {
  E r = send(round_values_of<E, E, Table>(tables, size / 2, terms, degree, claim, prepare_first));
  for (; size > 2; size /= 2) {
    const size_t h = size / 4;
    auto fold_chunk = [tables, h, r](size_t begin, size_t end) {
      for (const Table& t : tables) {
        fold_range<E, Table>(t, 2 * h, r, begin, end);
        fold_range<E, Table>(t, 2 * h, r, begin + h, end + h);
      }
    };
    r = send(round_values_of<E, E, Table>(tables, h, terms, degree, claim, fold_chunk));
  }
  for (const Table& t : tables) fold_range<E, Table>(t, 1, r, 0, 1);
}

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
  // Sends round polynomial g, draws its challenge r and moves the claim to g(r).
  auto send = [&](std::vector<E> g) {
    const E r = round_challenge<E>(ch, g);
    claim = interpolate_at<E>(g, r);
    out.proof.rounds.push_back(std::move(g));
    out.point.push_back(r);
    return r;
  };

  if constexpr (std::is_same_v<F, E>) {
    // Extension-field (or single-field) tables are folded in place from round 0 on.
    std::vector<DenseTable<E>> views;
    for (auto& t : tables) views.push_back({t.data()});
    prove_folding_rounds<E, DenseTable<E>>(views, tables[0].size(), terms, degree, claim, send,
                                           [](size_t, size_t) {});
    for (const auto& v : views) out.table_evaluations.push_back(v.load(0));
  } else {
    static_assert(ExtensionOf<E, F>, "sumcheck: challenges must lie in an extension of the table field");
    if (num_vars == 1) {
      const E r = send(round_values<E, F>(tables, terms, degree, claim));
      for (const auto& t : tables) out.table_evaluations.push_back(r * (t[1] - t[0]) + E(t[0]));
      return out;
    }
    // Rounds 0 and 1 on the base-field tables, then one 4-to-1 lift in place (in the pass of
    // round 2, whose pairs (j, j + q/2) it produces) and the rest in E.
    const GridSums<F> grid = grid_sums<E, F>(tables, terms, degree);
    const E r0 = send(grid.round0(terms, claim));
    const E r1 = send(grid.round1(terms, r0, claim));
    const size_t q = tables[0].size() / 4;
    std::vector<PlanarTable<E>> views;
    for (auto& t : tables) views.push_back({t.data(), t.data() + q});
    if (q == 1) {
      lift_two_in_place<E, F>(tables, r0, r1);
    } else {
      const E r01 = r0 * r1;
      auto lift_chunk = [&tables, q, r0, r1, r01](size_t begin, size_t end) {
        for (auto& t : tables) {
          lift_two_range<E, F>(t.data(), q, r0, r1, r01, begin, end);
          lift_two_range<E, F>(t.data(), q, r0, r1, r01, begin + q / 2, end + q / 2);
        }
      };
      prove_folding_rounds<E, PlanarTable<E>>(views, q, terms, degree, claim, send, lift_chunk);
    }
    for (const auto& v : views) out.table_evaluations.push_back(v.load(0));
  }
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
