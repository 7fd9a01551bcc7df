// GKR for fractional sums (Papini, Haböck, "Improving logarithmic derivative lookups using GKR",
// ePrint 2023/1284): proves that (P, Q) is the root of the binary tree of fraction
// additions over the leaves (p_x, q_x), x in {0,1}^m.
//
// Layer m holds the leaves; layer k < m holds 2^k fractions, each the sum of its two children,
// where the children of x in {0,1}^k are (0, x) and (1, x) of layer k + 1 (variable 0 is the most
// significant index bit, see poly/multilinear.hpp, so the children are the two halves):
//   p_k(x) = p_{k+1}(0, x) q_{k+1}(1, x) + p_{k+1}(1, x) q_{k+1}(0, x),
//   q_k(x) = q_{k+1}(0, x) q_{k+1}(1, x).
// If every q_x != 0, then q_0 = prod_x q_x != 0 and P / Q = sum_x p_x / q_x; conversely the
// verifier rejects Q = 0, so an accepted root proves the sum of the leaf fractions.
//
// Reduction of layer k at a point r in E^k to layer k + 1 (one round of GKR): with a random lambda,
//   lambda p_k(r) + q_k(r) = sum_{x in {0,1}^k} eq(r, x) [lambda (p_L q_R + p_R q_L) + q_L q_R](x),
// p_L = p_{k+1}(0, .), p_R = p_{k+1}(1, .), and likewise for q: a degree-3 sum-check (verified by
// the generic verify_sumcheck) ending at a point rho. The prover sends the four children values
// p_L(rho), p_R(rho), q_L(rho), q_R(rho); the verifier checks the sum-check's final value against
// them, draws mu and continues with the claims at (mu, rho):
//   p_{k+1}(mu, rho) = (1 - mu) p_L(rho) + mu p_R(rho)   (exact, since p_{k+1} is multilinear).
// After m layers the verifier holds p~(r_m), q~(r_m) for the leaf tables, which the caller checks.
//
// Transcript schedule (prover and verifier):
//   absorb "gkr/num_vars" = m, absorb "gkr/root" = (P, Q); for k = 0, ..., m - 1:
//   lambda_k = challenge "gkr/lambda"; the sum-check of sumcheck.hpp (its statement, then its
//   rounds); absorb "gkr/children" = (p_L, p_R, q_L, q_R)(rho); mu_k = challenge "gkr/mu".
//
// Soundness: layer k costs (3k + 2) / |E| (sum-check, the lambda combination, the line through
// the two children), so a false root passes with probability at most
//   sum_{k<m} (3k + 2) / |E| = (3 m (m - 1) / 2 + 2 m) / |E|.
//
// Prover. Layer k's sum-check uses a specialized prover instead of prove_sumcheck (same proof,
// bit for bit; tested): the eq factor is split off (Gruen, "Some improvements for the PIOP for
// ZeroCheck", ePrint 2024/108). In round i, with c_i = prod_{l<i} eq(r_l, rho_l),
//   g_i(t) = c_i eq(r_i, t) s_i(t),  s_i(t) = sum_{x'} eq(r_{>i}, x') h(rho_{<i}, t, x'),
// and s_i has degree 2. The prover sums s_i at one endpoint and its leading coefficient s_i(inf)
// over the hypercube, and derives the other endpoint from the running claim
//   sigma_i = (1 - r_i) s_i(0) + r_i s_i(1),   sigma_{i+1} = s_i(rho_i).
// The eq table over r_{>i} shrinks by adding its halves (eq(r, 0) + eq(r, 1) = 1), so it is built
// once per layer, and every triple product eq * X * Y costs one reduced product and one deferred
// accumulation. When every leaf numerator is 1, the bottom layer reads and folds only q_L, q_R.
// Measured on one core for a layer with 2^18-entry tables: generic prove_sumcheck 62 ms, this
// prover 32 ms, 17 ms with unit numerators.
//
// Proof encoding: u32 m ‖ P ‖ Q ‖ for each layer k < m: its k rounds of g(0..3), then the four
// children (all elements of E). The decoder takes m from the statement.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/bytes.hpp"
#include "base/parallel.hpp"
#include "base/result.hpp"
#include "field/accumulator.hpp"
#include "poly/multilinear.hpp"
#include "sumcheck/sumcheck.hpp"

namespace zk {

// Leaf tables of at most 2^kMaxFractionalSumVars entries (bounded by the sum-check's bound).
constexpr size_t kMaxFractionalSumVars = 36;
static_assert(kMaxFractionalSumVars <= kMaxSumcheckVars);
constexpr size_t kFractionLayerDegree = 3;

// The leaves of a fractional sum: numerators p and denominators q, both of size 2^m. Empty
// numerators mean that every numerator is 1 (the witness side of LogUp): the prover then skips
// their products in the bottom layer, which is half of all the work.
template <class E>
struct FractionLeaves {
  std::vector<E> numerators;
  std::vector<E> denominators;

  bool unit_numerators() const { return numerators.empty(); }
};

// One layer of the proof: the sum-check reducing layer k at r to its children at rho, and the
// children's values (p_L, p_R, q_L, q_R)(rho).
template <class E>
struct FractionLayerProof {
  SumcheckProof<E> sumcheck;
  std::array<E, 4> children;
};

template <class E>
Result<E> decode_element(ByteReader& in, std::string_view what) {
  auto bytes = in.take(E::BYTES);
  if (!bytes) return fail(std::string(what) + ": " + bytes.error());
  auto value = E::from_bytes(bytes->data());
  if (!value) return fail(std::string(what) + ": non-canonical field element");
  return *value;
}

template <class E>
struct FractionalSumProof {
  E root_numerator;
  E root_denominator;
  std::vector<FractionLayerProof<E>> layers;  // layers[k] reduces layer k to layer k + 1

  void encode(ByteWriter& out) const {
    out.u32(static_cast<uint32_t>(layers.size()));
    root_numerator.to_bytes(out.extend(E::BYTES));
    root_denominator.to_bytes(out.extend(E::BYTES));
    for (const auto& layer : layers) {
      for (const auto& round : layer.sumcheck.rounds)
        for (const E& v : round) v.to_bytes(out.extend(E::BYTES));
      for (const E& v : layer.children) v.to_bytes(out.extend(E::BYTES));
    }
  }

  // Decodes a proof for exactly num_vars layers (known to the verifier from its statement).
  static Result<FractionalSumProof> decode(ByteReader& in, size_t num_vars) {
    if (num_vars > kMaxFractionalSumVars) return fail("gkr: statement out of bounds");
    auto layers = in.u32();
    if (!layers) return fail("gkr: " + layers.error());
    if (*layers != num_vars)
      return fail("gkr: proof has " + std::to_string(*layers) + " layers, expected " +
                  std::to_string(num_vars));
    FractionalSumProof proof;
    auto p = decode_element<E>(in, "gkr");
    if (!p) return fail(p.error());
    auto q = decode_element<E>(in, "gkr");
    if (!q) return fail(q.error());
    proof.root_numerator = *p;
    proof.root_denominator = *q;
    proof.layers.resize(num_vars);
    for (size_t k = 0; k < num_vars; ++k) {
      auto& rounds = proof.layers[k].sumcheck.rounds;
      rounds.assign(k, std::vector<E>(kFractionLayerDegree + 1));
      for (auto& round : rounds) {
        for (E& v : round) {
          auto value = decode_element<E>(in, "gkr");
          if (!value) return fail(value.error());
          v = *value;
        }
      }
      for (E& v : proof.layers[k].children) {
        auto value = decode_element<E>(in, "gkr");
        if (!value) return fail(value.error());
        v = *value;
      }
    }
    return proof;
  }
};

// What an accepted proof establishes: the root (P, Q), Q != 0, equals the tree sum of leaves
// whose multilinear extensions take the values `numerator`, `denominator` at `point`.
template <class E>
struct FractionalSumClaim {
  E root_numerator;
  E root_denominator;
  std::vector<E> point;
  E numerator;
  E denominator;
};

template <class E>
struct FractionalSumProverOutput {
  FractionalSumProof<E> proof;
  FractionalSumClaim<E> claim;
};

// ---- Prover ----------------------------------------------------------------------------------

// All layers of the tree: numerators[k], denominators[k] hold layer k (2^k entries); the
// leaves' numerators stay empty when they are all 1.
template <class E>
struct FractionTree {
  std::vector<std::vector<E>> numerators;
  std::vector<std::vector<E>> denominators;
};

template <class E>
FractionTree<E> build_fraction_tree(FractionLeaves<E> leaves) {
  const size_t num_vars = log2_exact(leaves.denominators.size());
  if (!leaves.unit_numerators() && leaves.denominators.size() != leaves.numerators.size())
    throw std::invalid_argument("gkr: numerator and denominator tables differ in size");
  const bool unit = leaves.unit_numerators();
  FractionTree<E> tree;
  tree.numerators.resize(num_vars + 1);
  tree.denominators.resize(num_vars + 1);
  tree.numerators[num_vars] = std::move(leaves.numerators);
  tree.denominators[num_vars] = std::move(leaves.denominators);
  for (size_t k = num_vars; k-- > 0;) {
    const size_t half = size_t{1} << k;
    const E* p = tree.numerators[k + 1].data();
    const E* q = tree.denominators[k + 1].data();
    std::vector<E> p_out(half), q_out(half);
    const bool from_units = unit && k + 1 == num_vars;
    parallel_for(half, kPolyGrain, [&](size_t begin, size_t end) {
      for (size_t x = begin; x < end; ++x) {
        p_out[x] = from_units ? q[x] + q[x + half] : p[x] * q[x + half] + p[x + half] * q[x];
        q_out[x] = q[x] * q[x + half];
      }
    });
    tree.numerators[k] = std::move(p_out);
    tree.denominators[k] = std::move(q_out);
  }
  if (num_vars == 0 && unit) tree.numerators[0] = {E::one()};
  return tree;
}

// eq(r, t) for one variable: r t + (1 - r)(1 - t).
template <class E>
E eq_one(const E& r, const E& t) {
  const E rt = r * t;
  return rt + rt - r - t + E::one();
}

// Sums of one round of a layer sum-check over the pairs (j, j + half) of the four tables
// p_L, p_R, q_L, q_R (current size 2 half) weighted by eq[j]:
//   s(e)   = sum_j eq[j] [lambda (p_L q_R + p_R q_L) + q_L q_R] at the endpoint e in {0, 1},
//   s(inf) = the same with every factor replaced by its slope X[j + half] - X[j].
// With Unit, p_L = p_R = 1 (not read): s(e) = sum_j eq[j] [lambda (q_L + q_R) + q_L q_R] and
// s(inf) = sum_j eq[j] dq_L dq_R.
template <bool Unit, class E>
std::pair<E, E> fraction_round_sums(const std::array<E*, 4>& tables, std::span<const E> eq,
                                    size_t half, bool at_one, const E& lambda) {
  const size_t chunks = chunk_count(half, kRoundGrain);
  // Per chunk: cross(e), product(e), cross(inf), product(inf).
  std::vector<std::array<ProductAccumulator<E>, 4>> partial(chunks);
  const size_t offset = at_one ? half : 0;
  parallel_chunks(half, kRoundGrain, [&](size_t c, size_t begin, size_t end) {
    auto& acc = partial[c];
    const E* pl = tables[0];
    const E* pr = tables[1];
    const E* ql = tables[2];
    const E* qr = tables[3];
    // Each triple product is one reduced product (eq times a q_L factor, or a p_L factor) and
    // one unreduced accumulation: 4 reduced products per pair instead of 6.
    for (size_t j = begin; j < end; ++j) {
      const size_t e = j + offset;
      const E w = eq[j];
      const E dql = ql[j + half] - ql[j], dqr = qr[j + half] - qr[j];
      const E w_ql = w * ql[e], w_dql = w * dql;
      acc[1].add_product(w_ql, qr[e]);
      acc[3].add_product(w_dql, dqr);
      if constexpr (Unit) {
        acc[0].add_product(w, ql[e] + qr[e]);
      } else {
        const E dpl = pl[j + half] - pl[j], dpr = pr[j + half] - pr[j];
        acc[0].add_product(w_ql, pr[e]);
        acc[0].add_product(w * pl[e], qr[e]);
        acc[2].add_product(w_dql, dpr);
        acc[2].add_product(w * dpl, dqr);
      }
    }
  });
  std::array<ProductAccumulator<E>, 4> total;
  for (const auto& acc : partial)
    for (size_t i = 0; i < 4; ++i) total[i].merge(acc[i]);
  return {lambda * total[0].reduce() + total[1].reduce(),
          lambda * total[2].reduce() + total[3].reduce()};
}

template <class E>
struct FractionLayerOutput {
  SumcheckProof<E> sumcheck;
  std::vector<E> point;       // rho
  std::array<E, 4> children;  // (p_L, p_R, q_L, q_R)(rho)
};

// Proves claim = coefficient * sum_x eq(r, x) [lambda (p_L q_R + p_R q_L) + q_L q_R](x) on the four
// tables p_L, p_R, q_L, q_R of size 2^|r| each (p_L = p_R = nullptr: unit numerators, all 1),
// folded in place; the round polynomials are those of prove_sumcheck on the same terms (with the
// coefficient in front). Gruen's factoring of eq (ePrint 2024/108, section 3): round i sends
// c_i eq(r_i, t) s(t) with s of degree 2 from the sums of fraction_round_sums.
template <class E, class Challenger>
FractionLayerOutput<E> prove_fraction_layer_tables(Challenger& ch, const std::array<E*, 4>& tables,
                                                   std::span<const E> r, const E& lambda, const E& claim,
                                                   const E& coefficient) {
  const size_t num_vars = r.size();
  const bool unit = tables[0] == nullptr;
  absorb_statement(ch, num_vars, kFractionLayerDegree, claim);
  size_t half = size_t{1} << num_vars;  // current size of each of p_L, p_R, q_L, q_R
  const size_t first_folded = unit ? 2 : 0;  // unit numerators stay 1 and are not folded
  std::vector<E> eq = num_vars > 0 ? eq_table<E>(r.subspan(1)) : std::vector<E>{};
  FractionLayerOutput<E> out;
  E sigma = claim * coefficient.inverse();  // claim_i / c_i
  E scale = coefficient;                    // c_i
  for (size_t i = 0; i < num_vars; ++i) {
    half /= 2;  // pairs in this round
    const E& ri = r[i];
    // Sum at the endpoint whose coefficient in sigma is invertible: s(0) unless r_i = 0.
    const bool at_one = ri.is_zero();
    const auto [s_end, s_inf] = unit ? fraction_round_sums<true, E>(tables, eq, half, at_one, lambda)
                                     : fraction_round_sums<false, E>(tables, eq, half, at_one, lambda);
    E s0 = sigma, s1 = s_end;
    if (!at_one) {
      s0 = s_end;
      s1 = (sigma - (E::one() - ri) * s0) * ri.inverse();
    }
    // s(t) = s0 + (s1 - s0 - s_inf) t + s_inf t^2;  g(t) = c_i eq(r_i, t) s(t).
    const E linear = s1 - s0 - s_inf;
    std::vector<E> g(kFractionLayerDegree + 1);
    for (size_t t = 0; t <= kFractionLayerDegree; ++t) {
      const E x = E::from_u64(t);
      g[t] = scale * eq_one(ri, x) * (s0 + x * (linear + x * s_inf));
    }
    const E rho = round_challenge<E>(ch, g);
    out.sumcheck.rounds.push_back(std::move(g));
    out.point.push_back(rho);
    sigma = s0 + rho * (linear + rho * s_inf);
    scale *= eq_one(ri, rho);
    parallel_for(half, kPolyGrain, [&](size_t begin, size_t end) {
      for (size_t k = first_folded; k < 4; ++k) {
        E* t = tables[k];
        for (size_t j = begin; j < end; ++j) t[j] += rho * (t[j + half] - t[j]);
      }
    });
    if (half > 1) {
      const size_t quarter = half / 2;
      parallel_for(quarter, kPolyGrain, [&](size_t begin, size_t end) {
        for (size_t j = begin; j < end; ++j) eq[j] += eq[j + quarter];
      });
      eq.resize(quarter);
    }
  }
  for (size_t i = 0; i < 4; ++i) out.children[i] = i < first_folded ? E::one() : tables[i][0];
  return out;
}

// Proves lambda p_k(r) + q_k(r) = claim, where layer k + 1 is (numerators, denominators), each of
// size 2^{k+1}, k = |r| (numerators empty: all 1). Consumes the tables (folded in place).
template <class E, class Challenger>
FractionLayerOutput<E> prove_fraction_layer(Challenger& ch, std::vector<E> numerators,
                                            std::vector<E> denominators, std::span<const E> r,
                                            const E& lambda, const E& claim) {
  const size_t half = size_t{1} << r.size();
  const bool unit = numerators.empty();
  if (denominators.size() != 2 * half || (!unit && numerators.size() != denominators.size()))
    throw std::invalid_argument("gkr: layer tables do not match the point");
  return prove_fraction_layer_tables<E>(ch, {unit ? nullptr : numerators.data(), unit ? nullptr : numerators.data() + half,
                                             denominators.data(), denominators.data() + half},
                                        r, lambda, claim, E::one());
}

template <class E, class Challenger>
void absorb_fractional_sum_statement(Challenger& ch, size_t num_vars, const E& root_numerator,
                                     const E& root_denominator) {
  ch.absorb_u64("gkr/num_vars", num_vars);
  const E root[2] = {root_numerator, root_denominator};
  ch.absorb_all("gkr/root", std::span<const E>(root));
}

// The claims on layer k + 1 at (mu, rho) from the children at rho.
template <class E>
std::pair<E, E> claims_at_line(const std::array<E, 4>& children, const E& mu) {
  return {children[0] + mu * (children[1] - children[0]),
          children[2] + mu * (children[3] - children[2])};
}

// Proves the fractional sum of `leaves` (tables of equal size 2^m). Consumes the leaves.
template <class E, class Challenger>
FractionalSumProverOutput<E> prove_fractional_sum(Challenger& ch, FractionLeaves<E> leaves) {
  FractionTree<E> tree = build_fraction_tree<E>(std::move(leaves));
  const size_t num_vars = tree.numerators.size() - 1;
  if (num_vars > kMaxFractionalSumVars) throw std::invalid_argument("gkr: too many variables");
  FractionalSumProverOutput<E> out;
  out.proof.root_numerator = tree.numerators[0][0];
  out.proof.root_denominator = tree.denominators[0][0];
  absorb_fractional_sum_statement(ch, num_vars, out.proof.root_numerator,
                                  out.proof.root_denominator);
  E p_claim = out.proof.root_numerator, q_claim = out.proof.root_denominator;
  std::vector<E> point;
  for (size_t k = 0; k < num_vars; ++k) {
    const E lambda = ch.template challenge<E>("gkr/lambda");
    FractionLayerOutput<E> layer =
        prove_fraction_layer<E>(ch, std::move(tree.numerators[k + 1]),
                                std::move(tree.denominators[k + 1]), point, lambda,
                                lambda * p_claim + q_claim);
    ch.absorb_all("gkr/children", std::span<const E>(layer.children));
    const E mu = ch.template challenge<E>("gkr/mu");
    std::tie(p_claim, q_claim) = claims_at_line(layer.children, mu);
    point.clear();
    point.push_back(mu);
    point.insert(point.end(), layer.point.begin(), layer.point.end());
    out.proof.layers.push_back({std::move(layer.sumcheck), layer.children});
  }
  out.claim = {out.proof.root_numerator, out.proof.root_denominator, std::move(point), p_claim,
               q_claim};
  return out;
}

// ---- Verifier ----------------------------------------------------------------------------------

// Verifies a fractional-sum proof over m = num_vars leaf variables. On success the caller must
// check claim.numerator and claim.denominator against the leaf tables at claim.point.
template <class E, class Challenger>
Result<FractionalSumClaim<E>> verify_fractional_sum(Challenger& ch, size_t num_vars,
                                                    const FractionalSumProof<E>& proof) {
  if (num_vars > kMaxFractionalSumVars) return fail("gkr: statement out of bounds");
  if (proof.layers.size() != num_vars) return fail("gkr: wrong number of layers");
  if (proof.root_denominator.is_zero()) return fail("gkr: root denominator is zero");
  absorb_fractional_sum_statement(ch, num_vars, proof.root_numerator, proof.root_denominator);
  E p_claim = proof.root_numerator, q_claim = proof.root_denominator;
  std::vector<E> point;
  for (size_t k = 0; k < num_vars; ++k) {
    const auto& layer = proof.layers[k];
    const std::string where = "gkr: layer " + std::to_string(k) + ": ";
    const E lambda = ch.template challenge<E>("gkr/lambda");
    auto sc = verify_sumcheck<E>(ch, k, kFractionLayerDegree, lambda * p_claim + q_claim,
                                 layer.sumcheck);
    if (!sc) return fail(where + sc.error());
    const auto& [pl, pr, ql, qr] = layer.children;
    const E expected = eq_eval<E>(point, sc->point) * (lambda * (pl * qr + pr * ql) + ql * qr);
    if (expected != sc->value) return fail(where + "final evaluation mismatch");
    ch.absorb_all("gkr/children", std::span<const E>(layer.children));
    const E mu = ch.template challenge<E>("gkr/mu");
    std::tie(p_claim, q_claim) = claims_at_line(layer.children, mu);
    point.clear();
    point.push_back(mu);
    point.insert(point.end(), sc->point.begin(), sc->point.end());
  }
  return FractionalSumClaim<E>{proof.root_numerator, proof.root_denominator, std::move(point),
                               p_claim, q_claim};
}

}  // namespace zk
