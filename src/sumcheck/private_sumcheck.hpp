// The private sum-check: a zero-knowledge sum-check whose final evaluations reveal nothing either.
//
// The zero-knowledge sum-check (zk_sumcheck.hpp) hides the round messages but leaves the final
// value G(r) = f(P_1(r), ..., P_m(r)) to the caller, and the P_k(r) are linear functions of the
// private tables. Libra (Xie et al., CRYPTO 2019, ePrint 2019/317, section 4.2) fixes this with
// randomized low-degree extensions that agree with the tables on the hypercube. Here the
// randomized extension takes one extra variable u in front, a selector:
//
//   P^(u, x) = (1 - u) P(x) + u R(x),     R uniform on the "corner" x < |R| (a power of two), 0 elsewhere,
//
// and the statement claim = sum_{x in {0,1}^n} G(x), G = sum_j c_j prod_{k in T_j} P_k, is proven as
//
//   claim = sum_{(u, x) in {0,1}^(n+1)} (1 - u) G^(u, x),   G^ = sum_j c_j prod_{k in T_j} f_k,
//
// f_k = P^_k for the private ("masked") tables and f_k(u, x) = P_k(x) for public ones (eq, wiring):
// the selector kills the u = 1 half, so the sum is unchanged. The sum-check over (u, x) binds u
// first (round 0 has degree d + 1, the others d) and ends at (r_u, r), where the prover sends
// e_k = P^_k(r_u, r) = (1 - r_u) P_k(r) + r_u R_k(r) for each masked table: uniform and
// independent as long as each R is evaluated at no more than |R| points in general position
// (R~(z) for z in the corner's variables is a uniform linear function of R's entries).
//
// Proving round 0 costs O(|corner|) besides one sum per term: outside the corner f_k(t, x) =
// (1 - t) P_k(x) for masked tables, so term j contributes (1 - t)^(1 + m_j) S_j there (m_j its
// masked factors, S_j its plain sum). After r_u the tables are P'_k = P_k + r_u / (1 - r_u) R_k
// (only the corner changes) and term j's coefficient is c_j (1 - r_u)^(1 + m_j); the remaining n
// rounds are prove_sumcheck's, and e_k = (1 - r_u) P'_k(r). (If r_u = 1, the tables are R_k and
// every coefficient is 0.)
//
// Zero knowledge of the rounds is zk_sumcheck.hpp's Libra mask g over the n + 1 variables (U_0 of
// degree d + 1, the other U_i of degree d), with one addition: the public claim may differ from
// the true sum by a private offset o that the caller proves elsewhere (a linear function of
// committed mask values, e.g. the randomized part of a claim that came out of an earlier
// private sum-check):
//
//   claim + rho Gm = sum_{(u,x)} [(1 - u) G^(u, x) + o / 2^(n+1) + rho g(u, x)],   Gm = sum g.
//
// Schedule (both sides): absorb private_sumcheck/num_vars (n), private_sumcheck/degree (d),
// private_sumcheck/claim, private_sumcheck/mask_sum (Gm); rho <- private_sumcheck/rho; then the
// n + 1 rounds: absorb sumcheck/round (round 0: d + 2 values, then d + 1), draw sumcheck/challenge;
// finally absorb private_sumcheck/evaluations (e_k of the masked tables, in table order) and
// private_sumcheck/masked_value w = o / 2^(n+1) + rho g(r_u, r).
// The verifier checks the rounds and is left with the point (r_u, r), the value
//   v = (1 - r_u) sum_j c_j prod_{k in T_j} e_k + w
// that the caller checks with the public tables' values E_k(r) as their e_k, and two kinds of
// claims for the (hiding) commitments: w = rho g(r_u, r) + o / 2^(n+1), and e_k = (1 - r_u) P_k(r) +
// r_u R_k(r) per masked table.
//
// Soundness: a false claim survives rho with probability 1/|E| (Gm and g fixed before it), then
// the rounds (d + 1 + n d)/|E| and the caller's checks. Zero knowledge (honest verifier, fixed
// challenges, rho != 0, r_u != 1): Gm and the non-constant coefficients of every round are a
// bijective affine image of g's coefficients (zk_sumcheck.hpp), the e_k are uniform through the R_k
// (evaluated at few points), and w is then fixed by the last round: the view is uniform among
// views consistent with the public claim, and a simulator samples it. private_sumcheck_test.cpp
// checks this exhaustively over F_13.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/parallel.hpp"
#include "base/result.hpp"
#include "sumcheck/sumcheck.hpp"
#include "sumcheck/zk_sumcheck.hpp"

namespace zk {

// A masked table of a private sum-check: tables[table] gets the randomized extension with
// R = corner on the first corner.size() entries (a power of two, at most the table size).
template <class E>
struct MaskedTable {
  size_t table = 0;
  std::vector<E> corner;
};

// The Libra mask of a private sum-check over n + 1 variables: U_0 of degree d + 1, U_i (i >= 1)
// of degree d (their coefficient of t^(d+1) is zero), so that g fits zk_sumcheck.hpp's tables
// with degree d + 1.
template <class E, class Rng>
SumcheckMask<E> sample_private_sumcheck_mask(size_t num_vars, size_t degree, Rng& rng) {
  SumcheckMask<E> mask = sample_sumcheck_mask<E>(num_vars + 1, degree + 1, rng);
  for (size_t i = 1; i <= num_vars; ++i) mask.coefficients[i * (degree + 1) + degree] = E::zero();
  return mask;
}

template <class E>
struct PrivateSumcheckProof {
  E mask_sum;                            // Gm = sum of g over {0,1}^(n+1)
  std::vector<std::vector<E>> rounds;    // round 0: h(0..d+1); rounds 1..n: h(0..d)
  std::vector<E> evaluations;            // e_k of the masked tables, in table order
  E masked_value;                        // w = o / 2^(n+1) + rho g(r_u, r)

  void encode(ByteWriter& out) const {
    mask_sum.to_bytes(out.extend(E::BYTES));
    for (const auto& round : rounds)
      for (const E& v : round) v.to_bytes(out.extend(E::BYTES));
    for (const E& v : evaluations) v.to_bytes(out.extend(E::BYTES));
    masked_value.to_bytes(out.extend(E::BYTES));
  }
  static size_t encoded_size(size_t num_vars, size_t degree, size_t masked) {
    return E::BYTES * (2 + (degree + 2) + num_vars * (degree + 1) + masked);
  }
  // Decodes the proof of a statement with n variables, degree d and `masked` masked tables (all
  // from the verifier's statement, never from the bytes).
  static Result<PrivateSumcheckProof> decode(ByteReader& in, size_t num_vars, size_t degree, size_t masked) {
    if (num_vars > kMaxSumcheckVars || degree == 0 || degree + 1 > kMaxSumcheckDegree)
      return fail("private sumcheck: statement out of bounds");
    auto element = [&in]() -> Result<E> {
      auto bytes = in.take(E::BYTES);
      if (!bytes) return fail("private sumcheck: " + bytes.error());
      auto value = E::from_bytes(bytes->data());
      if (!value) return fail("private sumcheck: non-canonical field element");
      return *value;
    };
    PrivateSumcheckProof proof;
    auto sum = element();
    if (!sum) return fail(sum.error());
    proof.mask_sum = *sum;
    for (size_t i = 0; i <= num_vars; ++i) {
      std::vector<E> round;
      for (size_t t = 0; t < (i == 0 ? degree + 2 : degree + 1); ++t) {
        auto v = element();
        if (!v) return fail(v.error());
        round.push_back(*v);
      }
      proof.rounds.push_back(std::move(round));
    }
    for (size_t k = 0; k < masked; ++k) {
      auto v = element();
      if (!v) return fail(v.error());
      proof.evaluations.push_back(*v);
    }
    auto w = element();
    if (!w) return fail(w.error());
    proof.masked_value = *w;
    return proof;
  }
};

template <class E>
struct PrivateSumcheckProverOutput {
  PrivateSumcheckProof<E> proof;
  std::vector<E> point;              // (r_u, r)
  std::vector<E> table_evaluations;  // masked tables: e_k; public tables: P_k(r)
  E rho;                             // the mask's challenge (for the claim on w)
};

// What the verifier is left with (see the header): the point (r_u, r) and the value
// (1 - r_u) sum_j c_j prod_k e_k + w must take.
template <class E>
struct PrivateSumcheckClaim {
  std::vector<E> point;
  E value;
  E rho;  // the mask's challenge (for the claim on w)
};

// ---- The shared transcript schedule ----------------------------------------------------------

template <class E, class Challenger>
E private_sumcheck_rho(Challenger& ch, size_t num_vars, size_t degree, const E& claim, const E& mask_sum) {
  ch.absorb_u64("private_sumcheck/num_vars", num_vars);
  ch.absorb_u64("private_sumcheck/degree", degree);
  ch.absorb("private_sumcheck/claim", claim);
  ch.absorb("private_sumcheck/mask_sum", mask_sum);
  return ch.template challenge<E>("private_sumcheck/rho");
}

template <class E, class Challenger>
void absorb_private_sumcheck_tail(Challenger& ch, std::span<const E> evaluations, const E& masked_value) {
  ch.absorb_all("private_sumcheck/evaluations", evaluations);
  ch.absorb("private_sumcheck/masked_value", masked_value);
}

// The value the verifier's check expects at the end: (1 - r_u) sum_j c_j prod_{k in T_j} e_k + w.
template <class E>
E private_sumcheck_final_value(std::span<const SumcheckTerm<E>> terms, std::span<const E> evaluations,
                               const E& r_u, const E& masked_value) {
  E sum = E::zero();
  for (const auto& term : terms) {
    E prod = term.coefficient;
    for (size_t k : term.factors) prod *= evaluations[k];
    sum += prod;
  }
  return (E::one() - r_u) * sum + masked_value;
}

namespace detail {

// Round i of the private sum-check as sent: h_i(t) + o / 2^(i+1) + rho m_i(t), with m_i the
// round polynomial of the mask g (zk_sumcheck.hpp, MaskingChallenger), for t = 0..size-1.
template <class E>
class PrivateRoundMasker {
 public:
  PrivateRoundMasker(const SumcheckMask<E>& mask, const E& rho, const E& offset)
      : mask_(mask), rho_(rho), offset_(offset), prefix_(mask.constant), half_(E::from_u64(2).inverse()) {}

  std::vector<E> mask_round(std::span<const E> values, std::span<const E> challenges) {
    const size_t i = challenges.size(), n = mask_.num_vars;
    if (i > 0) prefix_ += mask_.univariate(i - 1, challenges[i - 1]);
    offset_ *= half_;  // o / 2^(i+1)
    E tail = E::zero();
    for (size_t j = i + 1; j < n; ++j) tail += mask_.univariate(j, E::one());
    const E scale = E::from_u64(uint64_t{1} << (n - i - 1));
    const E tail_part = i + 1 < n ? E::from_u64(uint64_t{1} << (n - i - 2)) * tail : E::zero();
    std::vector<E> masked(values.begin(), values.end());
    for (size_t t = 0; t < masked.size(); ++t)
      masked[t] += offset_ + rho_ * (scale * (prefix_ + mask_.univariate(i, E::from_u64(t))) + tail_part);
    return masked;
  }

 private:
  const SumcheckMask<E>& mask_;
  E rho_, offset_, prefix_, half_;
};

// Forwards prove_sumcheck's rounds 1..n (the statement it absorbs is the private sum-check's,
// already absorbed: dropped here) with the masks of PrivateRoundMasker.
template <class E, class Challenger>
class PrivateRoundsChallenger {
 public:
  PrivateRoundsChallenger(Challenger& inner, PrivateRoundMasker<E>& masker, PrivateSumcheckProof<E>& proof,
                          std::vector<E>& challenges)
      : inner_(inner), masker_(masker), proof_(proof), challenges_(challenges) {}

  void absorb_u64(std::string_view, uint64_t) {}
  void absorb(std::string_view label, const E&) {
    if (label != "sumcheck/claim") throw std::logic_error("private sumcheck: unexpected absorb");
  }
  void absorb_all(std::string_view label, std::span<const E> values) {
    if (label != "sumcheck/round") throw std::logic_error("private sumcheck: unexpected round");
    auto masked = masker_.mask_round(values, challenges_);
    inner_.absorb_all(label, std::span<const E>(masked));
    proof_.rounds.push_back(std::move(masked));
  }
  template <class Value>
  Value challenge(std::string_view label) {
    Value v = inner_.template challenge<Value>(label);
    challenges_.push_back(v);
    return v;
  }

 private:
  Challenger& inner_;
  PrivateRoundMasker<E>& masker_;
  PrivateSumcheckProof<E>& proof_;
  std::vector<E>& challenges_;
};

}  // namespace detail

// The prover of rounds 1..n of a private sum-check by default: prove_sumcheck on the tables P'_k
// with the rescaled coefficients. A caller whose terms have a structure a specialized prover
// exploits passes its own (same interface, same round polynomials).
struct GenericSumcheckRounds {
  template <class E, class Challenger>
  SumcheckProverOutput<E> operator()(Challenger& ch, std::vector<std::vector<E>> tables,
                                     std::span<const SumcheckTerm<E>> terms, const E& claim) const {
    return prove_sumcheck<E, E>(ch, std::move(tables), terms, claim);
  }
};

namespace detail {

// Round 0's sums outside the corner, grouped by the number m of masked factors of each term:
//   outside[m] = sum_{j : m_j = m} c_j sum_{x >= corner_size} prod_{k in T_j} P_k(x).
// When every term has the same m, this is the true claim less the corner's part (no pass over the
// tables: the caller's claim is true by contract); otherwise one parallel pass.
template <class E>
std::vector<E> private_round0_outside(const std::vector<std::vector<E>>& tables, std::span<const SumcheckTerm<E>> terms,
                                      std::span<const size_t> masked_factors, size_t corner_size, const E& true_sum) {
  const size_t most = terms.empty() ? 0 : *std::max_element(masked_factors.begin(), masked_factors.end());
  std::vector<E> outside(most + 1, E::zero());
  const auto product_at = [&](const SumcheckTerm<E>& term, size_t x) {
    E prod = E::one();
    for (size_t k : term.factors) prod *= tables[k][x];
    return prod;
  };
  const bool uniform = std::all_of(masked_factors.begin(), masked_factors.end(), [&](size_t m) { return m == most; });
  if (uniform) {
    E corner = E::zero();
    for (const auto& term : terms)
      for (size_t x = 0; x < corner_size; ++x) corner += term.coefficient * product_at(term, x);
    outside[most] = true_sum - corner;
    return outside;
  }
  const size_t size = tables[0].size(), rest = size - corner_size;
  std::vector<std::vector<E>> partial(chunk_count(rest, kPolyGrain), std::vector<E>(terms.size(), E::zero()));
  parallel_chunks(rest, kPolyGrain, [&](size_t c, size_t begin, size_t end) {
    for (size_t j = 0; j < terms.size(); ++j)
      for (size_t x = corner_size + begin; x < corner_size + end; ++x) partial[c][j] += product_at(terms[j], x);
  });
  for (const auto& sums : partial)
    for (size_t j = 0; j < terms.size(); ++j) outside[masked_factors[j]] += terms[j].coefficient * sums[j];
  return outside;
}

}  // namespace detail

// Proves public_claim = sum_x G(x) + offset in zero knowledge, with the Libra mask `mask`
// (sample_private_sumcheck_mask; committed and absorbed by the caller beforehand) and the masked
// tables `masked` (ascending table indices; their corners committed likewise). Tables (all of size
// 2^n, n >= 0) are consumed; the claim must be true. Rounds 1..n are `inner_rounds`'s.
template <class E, class Challenger, class InnerRounds = GenericSumcheckRounds>
PrivateSumcheckProverOutput<E> prove_private_sumcheck(Challenger& ch, std::vector<std::vector<E>> tables,
                                                      std::span<const SumcheckTerm<E>> terms,
                                                      std::span<const MaskedTable<E>> masked,
                                                      const E& public_claim, const E& offset,
                                                      const SumcheckMask<E>& mask,
                                                      const InnerRounds& inner_rounds = {}) {
  if (tables.empty()) throw std::invalid_argument("private sumcheck: no tables");
  const size_t n = log2_exact(tables[0].size()), d = sumcheck_degree(terms), size = tables[0].size();
  if (mask.num_vars != n + 1 || mask.degree != d + 1)
    throw std::invalid_argument("private sumcheck: the mask does not fit the instance");
  std::vector<int> masked_index(tables.size(), -1);
  size_t corner_size = 1;
  for (size_t i = 0; i < masked.size(); ++i) {
    const auto& m = masked[i];
    if (m.table >= tables.size() || masked_index[m.table] >= 0 || (i > 0 && m.table < masked[i - 1].table) ||
        m.corner.empty() || !std::has_single_bit(m.corner.size()) || m.corner.size() > size)
      throw std::invalid_argument("private sumcheck: bad masked table");
    masked_index[m.table] = static_cast<int>(i);
    corner_size = std::max(corner_size, m.corner.size());
  }
  for (const auto& t : tables)
    if (t.size() != size) throw std::invalid_argument("private sumcheck: table sizes differ");

  PrivateSumcheckProverOutput<E> out;
  out.proof.mask_sum = mask.hypercube_sum();
  const E rho = private_sumcheck_rho(ch, n, d, public_claim, out.proof.mask_sum);
  out.rho = rho;
  detail::PrivateRoundMasker<E> masker(mask, rho, offset);

  // Round 0 (u): h(t) = sum_m (1 - t)^(1 + m) outside[m] + sum_j c_j sum_{x in corner} (1 - t) prod_k f_k(t, x).
  std::vector<size_t> masked_factors(terms.size(), 0);
  for (size_t j = 0; j < terms.size(); ++j)
    for (size_t k : terms[j].factors) masked_factors[j] += masked_index[k] >= 0 ? 1 : 0;
  const std::vector<E> outside = detail::private_round0_outside<E>(
      tables, terms, std::span<const size_t>(masked_factors), corner_size, public_claim - offset);
  const auto corner_value = [&](size_t k, size_t x) {
    const int m = masked_index[k];
    return m >= 0 && x < masked[static_cast<size_t>(m)].corner.size() ? masked[static_cast<size_t>(m)].corner[x] : E::zero();
  };
  std::vector<E> h(d + 2, E::zero());
  for (size_t t = 0; t < d + 2; ++t) {
    const E tt = E::from_u64(t), one_minus = E::one() - tt;
    E power = E::one();
    for (const E& sum : outside) {
      power *= one_minus;
      h[t] += power * sum;
    }
    for (size_t j = 0; j < terms.size(); ++j) {
      E sum = E::zero();
      for (size_t x = 0; x < corner_size; ++x) {
        E prod = one_minus;
        for (size_t k : terms[j].factors)
          prod *= masked_index[k] >= 0 ? one_minus * tables[k][x] + tt * corner_value(k, x) : tables[k][x];
        sum += prod;
      }
      h[t] += terms[j].coefficient * sum;
    }
  }
  std::vector<E> challenges;
  {
    auto sent = masker.mask_round(std::span<const E>(h), std::span<const E>(challenges));
    ch.absorb_all("sumcheck/round", std::span<const E>(sent));
    out.proof.rounds.push_back(std::move(sent));
    challenges.push_back(ch.template challenge<E>("sumcheck/challenge"));
  }
  const E r_u = challenges[0];
  const E claim = interpolate_at<E>(std::span<const E>(h), r_u);

  // The remaining rounds on P'_k and the rescaled coefficients.
  std::vector<SumcheckTerm<E>> rescaled(terms.begin(), terms.end());
  const E one_minus = E::one() - r_u;
  E scale = one_minus;
  if (one_minus == E::zero()) {
    for (const auto& m : masked) {
      std::fill(tables[m.table].begin(), tables[m.table].end(), E::zero());
      std::copy(m.corner.begin(), m.corner.end(), tables[m.table].begin());
    }
    for (auto& term : rescaled) term.coefficient = E::zero();
    scale = E::one();
  } else {
    const E ratio = r_u * one_minus.inverse();
    for (const auto& m : masked)
      for (size_t x = 0; x < m.corner.size(); ++x) tables[m.table][x] += ratio * m.corner[x];
    for (size_t j = 0; j < rescaled.size(); ++j)
      for (size_t i = 0; i <= masked_factors[j]; ++i) rescaled[j].coefficient *= one_minus;
  }
  detail::PrivateRoundsChallenger<E, Challenger> rounds(ch, masker, out.proof, challenges);
  SumcheckProverOutput<E> inner = inner_rounds(rounds, std::move(tables), std::span<const SumcheckTerm<E>>(rescaled), claim);
  out.point = std::move(challenges);
  out.table_evaluations = std::move(inner.table_evaluations);
  for (const auto& m : masked) {
    out.table_evaluations[m.table] *= scale;
    out.proof.evaluations.push_back(out.table_evaluations[m.table]);
  }
  out.proof.masked_value = offset * E::from_u64(uint64_t{1} << (n + 1)).inverse() + rho * mask.evaluate(out.point);
  absorb_private_sumcheck_tail(ch, std::span<const E>(out.proof.evaluations), out.proof.masked_value);
  return out;
}

// Verifies the rounds of a private sum-check with n variables, degree d and `masked` masked
// tables; returns the point (r_u, r) and the value the caller checks (see the header).
template <class E, class Challenger>
Result<PrivateSumcheckClaim<E>> verify_private_sumcheck(Challenger& ch, size_t num_vars, size_t degree,
                                                        size_t masked, const E& public_claim,
                                                        const PrivateSumcheckProof<E>& proof) {
  if (num_vars > kMaxSumcheckVars || degree == 0 || degree + 1 > kMaxSumcheckDegree)
    return fail("private sumcheck: statement out of bounds");
  if (proof.rounds.size() != num_vars + 1) return fail("private sumcheck: wrong number of rounds");
  if (proof.evaluations.size() != masked) return fail("private sumcheck: wrong number of evaluations");
  const E rho = private_sumcheck_rho(ch, num_vars, degree, public_claim, proof.mask_sum);
  E claim = public_claim + rho * proof.mask_sum;
  PrivateSumcheckClaim<E> out;
  out.rho = rho;
  for (size_t i = 0; i <= num_vars; ++i) {
    const auto& g = proof.rounds[i];
    if (g.size() != (i == 0 ? degree + 2 : degree + 1))
      return fail("private sumcheck: round " + std::to_string(i) + " has the wrong degree");
    if (g[0] + g[1] != claim)
      return fail("private sumcheck: round " + std::to_string(i) + ": g(0) + g(1) != claim");
    ch.absorb_all("sumcheck/round", std::span<const E>(g));
    const E r = ch.template challenge<E>("sumcheck/challenge");
    claim = interpolate_at<E>(std::span<const E>(g), r);
    out.point.push_back(r);
  }
  absorb_private_sumcheck_tail(ch, std::span<const E>(proof.evaluations), proof.masked_value);
  out.value = claim;
  return out;
}

}  // namespace zk
