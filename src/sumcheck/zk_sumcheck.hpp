// Zero-knowledge sum-check by a masking polynomial (Chiesa, Forbes, Spooner, "A Zero Knowledge
// Sumcheck and its Applications", ePrint 2017/305; in the form of Libra: Xie, Zhang, Zhang,
// Papamanthou, Song, CRYPTO 2019, ePrint 2019/317, section 4.1).
//
// Statement: claim = sum_{x in {0,1}^n} G(x), G = sum_j c_j prod_{k in T_j} P_k (as in
// sumcheck.hpp), degree d, n >= 1 variables.
//
// Mask. The prover samples g(x) = c + sum_{i<n} U_i(x_i), U_i(t) = sum_{k=1..d} a_{i,k} t^k, with
// c and every a_{i,k} uniform in E. The caller commits g (hiding) before the protocol starts; its
// commitment is part of the transcript before anything below.
//
// Schedule (both sides):
//   absorb zk_sumcheck/num_vars, zk_sumcheck/degree, zk_sumcheck/claim;
//   prover sends G = sum_{x in {0,1}^n} g(x) = 2^n c + 2^{n-1} sum_{i,k} a_{i,k}  (zk_sumcheck/mask_sum);
//   rho <- zk_sumcheck/rho;
//   the sum-check of sumcheck.hpp on claim + rho G = sum_x (G + rho g)(x), its own schedule;
//   prover sends g(r) at the final point r (zk_sumcheck/mask_value).
// The verifier is left with G(r) = v - rho g(r) (v the sum-check's final value), which the caller
// checks as for the plain sum-check, and with the claim that the committed g takes the value
// g(r) at r, which the caller proves with the (hiding) commitment.
//
// Round i of the masked sum-check sends h_i + rho m_i, where h_i is the round polynomial of G and
//   m_i(t) = sum_{x'} g(r_0..r_{i-1}, t, x') = 2^{n-i-1} (c + sum_{j<i} U_j(r_j) + U_i(t))
//            + 2^{n-i-2} sum_{j>i} U_j(1),
// whose coefficients of t^1..t^d are 2^{n-i-1} rho a_{i,k}: every coefficient of every round
// polynomial is masked by a fresh uniform value. The prover runs prove_sumcheck unchanged on G
// with a challenger adaptor (MaskingChallenger) that adds rho m_i to each round before it enters
// the transcript, so the fast base-field rounds of sumcheck.hpp are reused as they are; the
// verifier runs verify_sumcheck unchanged.
//
// Soundness: if claim is false, claim + rho G = sum (G + rho g) for at most one rho (G and g are
// fixed by the transcript before rho), so the error is (1 + n d)/|E| plus the caller's checks.
// Zero knowledge (honest verifier; Libra, Theorem 3): for fixed challenges (rho != 0), G and the
// coefficients of t^1..t^d of the rounds are a bijective affine image of the 1 + n d mask
// coefficients, so they are uniform whatever G is; each round's constant term then follows from
// the running claim, and g(r) = (v - G(r)) / rho from the last round. The view is thus uniform
// among the views consistent with (claim, G(r)) and is simulated from those two values. The
// caller must hide G(r) itself (e.g. randomized extensions of the tables) and open g(r) with a
// hiding commitment; zk_sumcheck_test.cpp checks the statement exhaustively over F_13.
//
// Committing g: its coefficients are laid out as a table so that g(r) is a sum of evaluations of
// ONE multilinear polynomial (mask_table, mask_claim_points). Row i (row index bits first, then
// b = ceil(log2(d + 1)) column bits) holds the multilinear R_i in b variables whose power-point
// view is U_i: R_i(t, t^2, t^4, ..., t^{2^{b-1}}) = U_i(t) (+ c in row 0); so
//   g(r) = sum_{i<n} M~(bits(i), r_i, r_i^2, ..., r_i^{2^{b-1}}),
// a claim on a table of 2^{ceil(log2 n) + b} entries that only reveals the sum (pcs::SumClaim).
// Revealing each U_i(r_i) instead would leak partial sums of G (U_i(r_i) together with round i
// gives h_i(r_i) - h_i(0)).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "sumcheck/sumcheck.hpp"

namespace zk {

// The mask g(x) = constant + sum_i sum_{k=1..d} coefficients[i d + k - 1] x_i^k.
template <class E>
struct SumcheckMask {
  size_t num_vars = 0;
  size_t degree = 0;
  E constant;
  std::vector<E> coefficients;

  // U_i(t) = sum_{k=1..d} a_{i,k} t^k.
  E univariate(size_t i, const E& t) const {
    E acc = E::zero();
    for (size_t k = degree; k >= 1; --k) acc = (acc + coefficients[i * degree + k - 1]) * t;
    return acc;
  }
  // G = sum_{x in {0,1}^n} g(x) = 2^n c + 2^{n-1} sum_i U_i(1).
  E hypercube_sum() const {
    E ones = E::zero();
    for (const E& a : coefficients) ones += a;
    return E::from_u64(uint64_t{1} << num_vars) * constant + E::from_u64(uint64_t{1} << (num_vars - 1)) * ones;
  }
  // g(point).
  E evaluate(std::span<const E> point) const {
    E acc = constant;
    for (size_t i = 0; i < num_vars; ++i) acc += univariate(i, point[i]);
    return acc;
  }
};

template <class E, class Rng>
SumcheckMask<E> sample_sumcheck_mask(size_t num_vars, size_t degree, Rng& rng) {
  if (num_vars == 0 || num_vars > kMaxSumcheckVars || degree == 0 || degree > kMaxSumcheckDegree)
    throw std::invalid_argument("zk sumcheck: mask shape out of bounds");
  SumcheckMask<E> mask{num_vars, degree, E::random(rng), std::vector<E>(num_vars * degree)};
  for (E& a : mask.coefficients) a = E::random(rng);
  return mask;
}

// ---- The mask as a committed table ------------------------------------------------------------

// Column variables of a row: b = ceil(log2(d + 1)), enough for the exponents 0..d.
inline size_t mask_column_vars(size_t degree) { return ceil_log2(degree + 1); }
// log2 of the table size: ceil(log2 n) row variables, then the column variables.
inline size_t mask_table_vars(size_t num_vars, size_t degree) {
  return ceil_log2(num_vars) + mask_column_vars(degree);
}

// The table M (2^mask_table_vars entries, rows beyond n zero). Row i's monomial coefficient of
// the exponent e (e = sum of 2^v over the variables v in the monomial; variable v, the v-th most
// significant column bit, carries t^{2^v}) sits at column index brev_b(e); the row's entries are
// the subset sums of those coefficients (the inverse Moebius transform).
template <class E>
std::vector<E> mask_table(const SumcheckMask<E>& mask) {
  const size_t b = mask_column_vars(mask.degree), width = size_t{1} << b;
  std::vector<E> table(size_t{1} << mask_table_vars(mask.num_vars, mask.degree), E::zero());
  for (size_t i = 0; i < mask.num_vars; ++i) {
    E* row = table.data() + i * width;
    for (size_t e = 0; e <= mask.degree; ++e) {
      size_t index = 0;
      for (size_t v = 0; v < b; ++v)
        if ((e >> v) & 1) index |= size_t{1} << (b - 1 - v);
      row[index] = e == 0 ? (i == 0 ? mask.constant : E::zero()) : mask.coefficients[i * mask.degree + e - 1];
    }
    for (size_t bit = 1; bit < width; bit <<= 1)
      for (size_t x = 0; x < width; ++x)
        if (x & bit) row[x] += row[x ^ bit];
  }
  return table;
}

// The points at which the mask table's multilinear extension sums to g(point):
// (bits of i over the row variables, most significant first; r_i, r_i^2, ..., r_i^{2^{b-1}}).
template <class E>
std::vector<std::vector<E>> mask_claim_points(std::span<const E> point, size_t degree) {
  const size_t rows = ceil_log2(point.size()), b = mask_column_vars(degree);
  std::vector<std::vector<E>> out;
  for (size_t i = 0; i < point.size(); ++i) {
    std::vector<E> p;
    for (size_t v = rows; v-- > 0;) p.push_back((i >> v) & 1 ? E::one() : E::zero());
    E power = point[i];
    for (size_t v = 0; v < b; ++v) {
      p.push_back(power);
      power *= power;
    }
    out.push_back(std::move(p));
  }
  return out;
}

// ---- Proof ------------------------------------------------------------------------------------

template <class E>
struct ZkSumcheckProof {
  E mask_sum;              // G = sum over the hypercube of g
  SumcheckProof<E> rounds;  // the sum-check of G + rho g
  E mask_value;            // g(r)

  void encode(ByteWriter& out) const {
    mask_sum.to_bytes(out.extend(E::BYTES));
    rounds.encode(out);
    mask_value.to_bytes(out.extend(E::BYTES));
  }

  static Result<ZkSumcheckProof> decode(ByteReader& in, size_t num_vars, size_t degree) {
    auto element = [&in]() -> Result<E> {
      auto bytes = in.take(E::BYTES);
      if (!bytes) return fail("zk sumcheck: " + bytes.error());
      auto value = E::from_bytes(bytes->data());
      if (!value) return fail("zk sumcheck: non-canonical field element");
      return *value;
    };
    ZkSumcheckProof proof;
    auto sum = element();
    if (!sum) return fail(sum.error());
    proof.mask_sum = *sum;
    auto rounds = SumcheckProof<E>::decode(in, num_vars, degree);
    if (!rounds) return fail(rounds.error());
    proof.rounds = std::move(*rounds);
    auto value = element();
    if (!value) return fail(value.error());
    proof.mask_value = *value;
    return proof;
  }
};

template <class E>
using ZkSumcheckProverOutput = SumcheckProverOutput<E, ZkSumcheckProof<E>>;

// What the verifier is left with: G(point) must equal `value` (the caller's check, as for
// SumcheckClaim), and the committed mask must satisfy g(point) = mask_value.
template <class E>
struct ZkSumcheckClaim {
  std::vector<E> point;
  E value;
  E mask_value;
  SumcheckClaim<E> as_sumcheck_claim() const { return {point, value}; }
};

// ---- The shared transcript schedule -----------------------------------------------------------

template <class E, class Challenger>
E zk_sumcheck_rho(Challenger& ch, size_t num_vars, size_t degree, const E& claim, const E& mask_sum) {
  ch.absorb_u64("zk_sumcheck/num_vars", num_vars);
  ch.absorb_u64("zk_sumcheck/degree", degree);
  ch.absorb("zk_sumcheck/claim", claim);
  ch.absorb("zk_sumcheck/mask_sum", mask_sum);
  return ch.template challenge<E>("zk_sumcheck/rho");
}

// Forwards prove_sumcheck's transcript traffic to `inner`, masking what the verifier sees: the
// claim becomes claim + rho G and round i's values h_i(t) become h_i(t) + rho m_i(t) (see the
// header). Records the masked rounds and the challenges. Anything else it is asked to absorb is
// an internal error (sumcheck.hpp's schedule changed).
template <class E, class Challenger>
class MaskingChallenger {
 public:
  MaskingChallenger(Challenger& inner, const SumcheckMask<E>& mask, const E& rho)
      : inner_(inner), mask_(mask), rho_(rho), mask_prefix_(mask.constant) {}

  void absorb_u64(std::string_view label, uint64_t value) { inner_.absorb_u64(label, value); }

  void absorb(std::string_view label, const E& value) {
    if (label != "sumcheck/claim") throw std::logic_error("zk sumcheck: unexpected absorb");
    inner_.absorb(label, value + rho_ * mask_.hypercube_sum());
  }

  void absorb_all(std::string_view label, std::span<const E> values) {
    if (label != "sumcheck/round" || values.size() != mask_.degree + 1)
      throw std::logic_error("zk sumcheck: unexpected round");
    const size_t i = rounds.size(), n = mask_.num_vars;
    if (i > 0) mask_prefix_ += mask_.univariate(i - 1, challenges[i - 1]);
    E tail = E::zero();  // sum_{j > i} U_j(1), counted 2^{n-i-2} times
    for (size_t j = i + 1; j < n; ++j) tail += mask_.univariate(j, E::one());
    const E scale = E::from_u64(uint64_t{1} << (n - i - 1));
    const E tail_part = i + 1 < n ? E::from_u64(uint64_t{1} << (n - i - 2)) * tail : E::zero();
    std::vector<E> masked(values.begin(), values.end());
    for (size_t t = 0; t < masked.size(); ++t) {
      const E m = scale * (mask_prefix_ + mask_.univariate(i, E::from_u64(t))) + tail_part;
      masked[t] += rho_ * m;
    }
    inner_.absorb_all(label, std::span<const E>(masked));
    rounds.push_back(std::move(masked));
  }

  template <class Value>
  Value challenge(std::string_view label) {
    Value v = inner_.template challenge<Value>(label);
    challenges.push_back(v);
    return v;
  }

  std::vector<std::vector<E>> rounds;  // the masked round values, as sent
  std::vector<E> challenges;

 private:
  Challenger& inner_;
  const SumcheckMask<E>& mask_;
  E rho_;
  E mask_prefix_;  // c + sum_{j < i} U_j(r_j)
};

// ---- Prover and verifier ----------------------------------------------------------------------

// Proves claim = sum_x G(x) in zero knowledge with the mask `mask` (sampled by
// sample_sumcheck_mask, its table committed and absorbed by the caller beforehand). Tables are
// consumed; the claim must be true.
template <class F, class E, class Challenger>
ZkSumcheckProverOutput<E> prove_zk_sumcheck(Challenger& ch, std::vector<std::vector<F>> tables,
                                            std::span<const SumcheckTerm<E>> terms, const E& claim,
                                            const SumcheckMask<E>& mask) {
  if (tables.empty()) throw std::invalid_argument("zk sumcheck: no tables");
  if (mask.num_vars != log2_exact(tables[0].size()) || mask.degree != sumcheck_degree(terms))
    throw std::invalid_argument("zk sumcheck: the mask does not fit the instance");
  ZkSumcheckProverOutput<E> out;
  out.proof.mask_sum = mask.hypercube_sum();
  const E rho = zk_sumcheck_rho(ch, mask.num_vars, mask.degree, claim, out.proof.mask_sum);
  MaskingChallenger<E, Challenger> masking(ch, mask, rho);
  SumcheckProverOutput<E> inner = prove_sumcheck<F, E>(masking, std::move(tables), terms, claim);
  out.proof.rounds.rounds = std::move(masking.rounds);
  out.point = std::move(inner.point);
  out.table_evaluations = std::move(inner.table_evaluations);
  out.proof.mask_value = mask.evaluate(out.point);
  ch.absorb("zk_sumcheck/mask_value", out.proof.mask_value);
  return out;
}

// Verifies the rounds; returns the point r, the value G(r) must take and the mask's claimed value
// g(r) (both checked by the caller: G(r) against the tables' evaluations, g(r) against the mask
// commitment at mask_claim_points(r, degree)).
template <class E, class Challenger>
Result<ZkSumcheckClaim<E>> verify_zk_sumcheck(Challenger& ch, size_t num_vars, size_t degree, const E& claim,
                                              const ZkSumcheckProof<E>& proof) {
  if (num_vars == 0 || num_vars > kMaxSumcheckVars || degree == 0 || degree > kMaxSumcheckDegree)
    return fail("zk sumcheck: statement out of bounds");
  const E rho = zk_sumcheck_rho(ch, num_vars, degree, claim, proof.mask_sum);
  auto rounds = verify_sumcheck<E>(ch, num_vars, degree, claim + rho * proof.mask_sum, proof.rounds);
  if (!rounds) return fail(rounds.error());
  ch.absorb("zk_sumcheck/mask_value", proof.mask_value);
  return ZkSumcheckClaim<E>{std::move(rounds->point), rounds->value - rho * proof.mask_value, proof.mask_value};
}

}  // namespace zk
