#include "sumcheck/zk_sumcheck.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <numeric>
#include <random>

#include "crypto/transcript.hpp"
#include "field/field.hpp"
#include "sumcheck/scripted_challenger.hpp"

namespace zk {
namespace {

// An instance with its shape (n variables, degree d).
struct Instance {
  size_t num_vars, degree;
  std::vector<std::vector<F>> tables;
  std::vector<SumcheckTerm<E>> terms;
  E claim;
};

// G = c_1 P_0 P_1 ... P_{d-1} + c_2 P_0 over d random tables of 2^num_vars entries.
Instance random_instance(size_t num_vars, size_t degree, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Instance inst{num_vars, degree, std::vector<std::vector<F>>(degree, std::vector<F>(size_t{1} << num_vars)), {},
                E::zero()};
  for (auto& t : inst.tables) std::generate(t.begin(), t.end(), [&] { return F::random(rng); });
  inst.terms = {{E::random(rng), std::vector<size_t>(degree)}, {E::random(rng), {0}}};
  std::iota(inst.terms[0].factors.begin(), inst.terms[0].factors.end(), size_t{0});
  inst.claim = sum_over_hypercube<E, F>(inst.tables, inst.terms);
  return inst;
}

struct ZkRun {
  Instance instance;
  SumcheckMask<E> mask;
  ZkSumcheckProverOutput<E> prover;
  Digest prover_state;
};

ZkRun prove_random(size_t num_vars, size_t degree, uint64_t seed) {
  ZkRun run{random_instance(num_vars, degree, seed), {}, {}, {}};
  std::mt19937_64 rng(seed + 1);
  run.mask = sample_sumcheck_mask<E>(num_vars, degree, rng);
  Transcript t("zk-sumcheck-test");
  run.prover = prove_zk_sumcheck<F, E>(t, run.instance.tables, std::span<const SumcheckTerm<E>>(run.instance.terms),
                                       run.instance.claim, run.mask);
  run.prover_state = t.state();
  return run;
}

// The verifier and the caller's two final checks: G(r) against the tables, g(r) against the mask
// table (standing in for the commitment) at mask_claim_points.
Status verify_run(const ZkRun& run, const ZkSumcheckProof<E>& proof, const E& claim) {
  Transcript t("zk-sumcheck-test");
  const auto& inst = run.instance;
  auto result = verify_zk_sumcheck<E>(t, inst.num_vars, inst.degree, claim, proof);
  if (!result) return fail(result.error());
  std::vector<E> evals;
  for (const auto& table : inst.tables) evals.push_back(evaluate_multilinear<E, F>(table, result->point));
  ZK_TRY(check_final_evaluation<E>(result->as_sumcheck_claim(), inst.terms, evals));
  const std::vector<E> table = mask_table(run.mask);
  E mask_sum = E::zero();
  for (const auto& p : mask_claim_points<E>(result->point, run.mask.degree))
    mask_sum += evaluate_multilinear<E, E>(table, p);
  if (mask_sum != result->mask_value) return fail("mask commitment: claimed value differs");
  if (t.state() != run.prover_state) return fail("transcripts differ");
  return {};
}

TEST(ZkSumcheck, RoundTripForDegreesOneToFour) {
  for (size_t degree = 1; degree <= 4; ++degree) {
    for (size_t num_vars : {1u, 2u, 5u, 9u}) {
      const ZkRun run = prove_random(num_vars, degree, 10 * degree + num_vars);
      const Status s = verify_run(run, run.prover.proof, run.instance.claim);
      EXPECT_TRUE(s.ok()) << "degree " << degree << " vars " << num_vars << ": " << s.error();
      for (size_t k = 0; k < run.instance.tables.size(); ++k)
        EXPECT_EQ(run.prover.table_evaluations[k],
                  (evaluate_multilinear<E, F>(run.instance.tables[k], run.prover.point)));
    }
  }
}

TEST(ZkSumcheck, MaskFormulasMatchBruteForce) {
  std::mt19937_64 rng(3);
  for (size_t degree : {1u, 3u}) {
    const size_t n = 4;
    const SumcheckMask<E> mask = sample_sumcheck_mask<E>(n, degree, rng);
    // The hypercube sum.
    E total = E::zero();
    for (size_t x = 0; x < (size_t{1} << n); ++x) {
      std::vector<E> p;
      for (size_t i = 0; i < n; ++i) p.push_back(E::from_u64((x >> (n - 1 - i)) & 1));
      total += mask.evaluate(p);
    }
    EXPECT_EQ(total, mask.hypercube_sum());
    // The table: the claim points sum to g(r) for a random r.
    std::vector<E> r(n);
    for (E& v : r) v = E::random(rng);
    const std::vector<E> table = mask_table(mask);
    EXPECT_EQ(table.size(), size_t{1} << mask_table_vars(n, degree));
    E sum = E::zero();
    for (const auto& p : mask_claim_points<E>(r, degree)) sum += evaluate_multilinear<E, E>(table, p);
    EXPECT_EQ(sum, mask.evaluate(r));
  }
}

TEST(ZkSumcheck, MaskedRoundsAreRoundsOfTheMaskedPolynomial) {
  // Round i's masked values equal the plain round values of G + rho g, computed by brute force
  // over the hypercube with the challenges the proof drew.
  const size_t n = 3, degree = 2;
  const ZkRun run = prove_random(n, degree, 4);
  Transcript t("zk-sumcheck-test");
  const E rho = zk_sumcheck_rho(t, n, degree, run.instance.claim, run.prover.proof.mask_sum);
  const auto& r = run.prover.point;
  for (size_t i = 0; i < n; ++i) {
    for (size_t tv = 0; tv <= degree; ++tv) {
      E expected = E::zero();
      for (size_t x = 0; x < (size_t{1} << (n - i - 1)); ++x) {
        std::vector<E> p(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(i));
        p.push_back(E::from_u64(tv));
        for (size_t j = i + 1; j < n; ++j) p.push_back(E::from_u64((x >> (n - 1 - j)) & 1));
        std::vector<E> evals;
        for (const auto& table : run.instance.tables) evals.push_back(evaluate_multilinear<E, F>(table, p));
        E g = E::zero();
        for (const auto& term : run.instance.terms) {
          E prod = term.coefficient;
          for (size_t k : term.factors) prod *= evals[k];
          g += prod;
        }
        expected += g + rho * run.mask.evaluate(p);
      }
      EXPECT_EQ(run.prover.proof.rounds.rounds[i][tv], expected) << "round " << i << " t " << tv;
    }
  }
}

TEST(ZkSumcheck, TwoProofsOfOneStatementDiffer) {
  ZkRun a = prove_random(4, 2, 5);
  std::mt19937_64 rng(99);
  ZkRun b = a;
  b.mask = sample_sumcheck_mask<E>(4, 2, rng);
  Transcript t("zk-sumcheck-test");
  b.prover = prove_zk_sumcheck<F, E>(t, b.instance.tables, std::span<const SumcheckTerm<E>>(b.instance.terms),
                                     b.instance.claim, b.mask);
  EXPECT_NE(a.prover.proof.mask_sum, b.prover.proof.mask_sum);
  EXPECT_NE(a.prover.proof.rounds.rounds, b.prover.proof.rounds.rounds);
}

// ---- Rejection paths --------------------------------------------------------------------------

struct ZkSumcheckTamper : ::testing::Test {
  ZkRun run = prove_random(5, 3, 6);
  std::string reject(const ZkSumcheckProof<E>& proof, const E& claim) {
    const Status s = verify_run(run, proof, claim);
    EXPECT_FALSE(s.ok());
    return s.ok() ? "" : s.error();
  }
};

TEST_F(ZkSumcheckTamper, WrongClaim) {
  EXPECT_EQ(reject(run.prover.proof, run.instance.claim + E::one()), "sumcheck: round 0: g(0) + g(1) != claim");
}

TEST_F(ZkSumcheckTamper, WrongMaskSum) {
  auto proof = run.prover.proof;
  proof.mask_sum += E::one();
  EXPECT_EQ(reject(proof, run.instance.claim), "sumcheck: round 0: g(0) + g(1) != claim");
}

TEST_F(ZkSumcheckTamper, RoundValue) {
  for (size_t round = 0; round < 5; ++round) {
    auto proof = run.prover.proof;
    proof.rounds.rounds[round][1] += E::one();
    EXPECT_EQ(reject(proof, run.instance.claim), "sumcheck: round " + std::to_string(round) + ": g(0) + g(1) != claim");
  }
}

TEST_F(ZkSumcheckTamper, ForgeryConsistentWithTheRoundSums) {
  // g(0) up, g(1) down in the last round: every round sum holds; the split into G(r) and g(r)
  // no longer matches the tables.
  auto proof = run.prover.proof;
  proof.rounds.rounds.back()[0] += E::one();
  proof.rounds.rounds.back()[1] -= E::one();
  EXPECT_EQ(reject(proof, run.instance.claim), "sumcheck: final evaluation mismatch");
}

TEST_F(ZkSumcheckTamper, WrongMaskValue) {
  // A wrong g(r) shifts the claimed G(r): the final evaluation check fails.
  auto proof = run.prover.proof;
  proof.mask_value += E::one();
  EXPECT_EQ(reject(proof, run.instance.claim), "sumcheck: final evaluation mismatch");
}

TEST(ZkSumcheck, WrongMaskValueWithConsistentRoundsIsCaughtByTheMaskOpening) {
  // A prover that knows the challenges in advance (scripted) raises g(r) by one and the last
  // round polynomial by rho (2X - 1) / (2 r_last - 1), which sums to zero over {0, 1} and is rho
  // at r_last: every round check passes and G(r) = v - rho g(r) is unchanged, so only the opening
  // of the mask commitment can catch it.
  const size_t n = 3, degree = 2;
  const Instance inst = random_instance(n, degree, 8);
  std::mt19937_64 rng(9);
  const SumcheckMask<E> mask = sample_sumcheck_mask<E>(n, degree, rng);
  std::vector<E> script(n + 1);
  for (E& c : script) c = E::random(rng);
  const auto terms = std::span<const SumcheckTerm<E>>(inst.terms);
  ScriptedChallenger<E> pc(script);
  auto out = prove_zk_sumcheck<F, E>(pc, inst.tables, terms, inst.claim, mask);
  auto& last = out.proof.rounds.rounds.back();
  const E rho = script[0], r_last = script.back();
  const E scale = rho * (r_last + r_last - E::one()).inverse();
  for (size_t t = 0; t < last.size(); ++t) last[t] += scale * (E::from_u64(2 * t) - E::one());
  out.proof.mask_value += E::one();
  ScriptedChallenger<E> vc(script);
  auto claim = verify_zk_sumcheck<E>(vc, n, degree, inst.claim, out.proof);
  ASSERT_TRUE(claim.ok()) << claim.error();
  std::vector<E> evals;
  for (const auto& table : inst.tables) evals.push_back(evaluate_multilinear<E, F>(table, claim->point));
  EXPECT_TRUE(check_final_evaluation<E>(claim->as_sumcheck_claim(), inst.terms, evals).ok());
  const std::vector<E> table = mask_table(mask);
  E opened = E::zero();
  for (const auto& p : mask_claim_points<E>(claim->point, degree)) opened += evaluate_multilinear<E, E>(table, p);
  EXPECT_NE(opened, claim->mask_value);
  EXPECT_EQ(opened + E::one(), claim->mask_value);
}

TEST_F(ZkSumcheckTamper, WrongShapeAndStatement) {
  Transcript t1("zk-sumcheck-test");
  auto proof = run.prover.proof;
  proof.rounds.rounds.pop_back();
  EXPECT_EQ(verify_zk_sumcheck<E>(t1, 5, 3, run.instance.claim, proof).error(), "sumcheck: wrong number of rounds");
  proof = run.prover.proof;
  proof.rounds.rounds[2].push_back(E::zero());
  Transcript t2("zk-sumcheck-test");
  EXPECT_EQ(verify_zk_sumcheck<E>(t2, 5, 3, run.instance.claim, proof).error(), "sumcheck: round 2 has the wrong degree");
  Transcript t3("zk-sumcheck-test");
  EXPECT_EQ(verify_zk_sumcheck<E>(t3, 0, 3, run.instance.claim, run.prover.proof).error(),
            "zk sumcheck: statement out of bounds");
  Transcript t4("zk-sumcheck-test");
  EXPECT_EQ(verify_zk_sumcheck<E>(t4, 5, kMaxSumcheckDegree + 1, run.instance.claim, run.prover.proof).error(),
            "zk sumcheck: statement out of bounds");
}

TEST_F(ZkSumcheckTamper, EncodingRoundTripTruncationAndNonCanonical) {
  ByteWriter w;
  run.prover.proof.encode(w);
  {
    ByteReader r(w.bytes());
    auto back = ZkSumcheckProof<E>::decode(r, 5, 3);
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_TRUE(r.expect_end().ok());
    EXPECT_TRUE(verify_run(run, *back, run.instance.claim).ok());
  }
  for (size_t len = 0; len < w.size(); len += 7) {
    ByteReader r(std::span<const uint8_t>(w.bytes()).first(len));
    EXPECT_FALSE(ZkSumcheckProof<E>::decode(r, 5, 3).ok()) << len;
  }
  auto bad = w.bytes();
  for (size_t i = 0; i < 8; ++i) bad[i] = 0xff;
  ByteReader r(bad);
  EXPECT_EQ(ZkSumcheckProof<E>::decode(r, 5, 3).error(), "zk sumcheck: non-canonical field element");
  auto last = w.bytes();
  for (size_t i = last.size() - 8; i < last.size(); ++i) last[i] = 0xff;
  ByteReader r2(last);
  EXPECT_EQ(ZkSumcheckProof<E>::decode(r2, 5, 3).error(), "zk sumcheck: non-canonical field element");
}

// ---- Zero knowledge, exhaustively over F_13 ---------------------------------------------------
//
// For fixed challenges (rho, r_0, r_1), the view (G, round 0, round 1, g(r)) of a 2-variable,
// degree-2 instance G = P_0 P_1 is computed by the real prover for every one of the 13^5 masks.
// Two different witnesses with the same claim and the same G(r) must give the same distribution
// (histogram) of views; a witness with the same claim but another G(r) must not (so the
// comparison has teeth).

using Tiny = SmallPrimeField<13>;
using View = std::array<uint64_t, 8>;
constexpr uint64_t kMasks = 13u * 13 * 13 * 13 * 13;

// The view of the prover with mask number m (its 5 coefficients are the base-13 digits of m).
View view_of(const std::vector<std::vector<Tiny>>& tables, const std::vector<Tiny>& script, uint64_t m) {
  const std::vector<SumcheckTerm<Tiny>> terms{{Tiny::one(), {0, 1}}};
  const Tiny claim = sum_over_hypercube<Tiny, Tiny>(tables, std::span<const SumcheckTerm<Tiny>>(terms));
  SumcheckMask<Tiny> mask{2, 2, Tiny::from_u64(m % 13), std::vector<Tiny>(4)};
  for (Tiny& a : mask.coefficients) a = Tiny::from_u64((m /= 13) % 13);
  ScriptedChallenger<Tiny> ch(script);
  const auto out = prove_zk_sumcheck<Tiny, Tiny>(ch, tables, std::span<const SumcheckTerm<Tiny>>(terms), claim, mask);
  const auto& rounds = out.proof.rounds.rounds;
  return {out.proof.mask_sum.value(), rounds[0][0].value(), rounds[0][1].value(), rounds[0][2].value(),
          rounds[1][0].value(), rounds[1][1].value(), rounds[1][2].value(), out.proof.mask_value.value()};
}

std::map<View, uint32_t> view_histogram(const std::vector<std::vector<Tiny>>& tables, const std::vector<Tiny>& script) {
  std::map<View, uint32_t> histogram;
  for (uint64_t m = 0; m < kMasks; ++m) ++histogram[view_of(tables, script, m)];
  return histogram;
}

Tiny product_at(const std::vector<std::vector<Tiny>>& tables, const std::vector<Tiny>& r) {
  return evaluate_multilinear<Tiny, Tiny>(tables[0], r) * evaluate_multilinear<Tiny, Tiny>(tables[1], r);
}

TEST(ZkSumcheckExhaustive, ViewDependsOnlyOnTheClaimAndTheFinalValue) {
  const std::vector<Tiny> script{Tiny::from_u64(5), Tiny::from_u64(3), Tiny::from_u64(9)};  // rho, r_0, r_1
  const std::vector<Tiny> r{script[1], script[2]};
  std::mt19937_64 rng(7);
  auto random_tables = [&] {
    std::vector<std::vector<Tiny>> t(2, std::vector<Tiny>(4));
    for (auto& table : t)
      for (Tiny& v : table) v = Tiny::random(rng);
    return t;
  };
  const auto w1 = random_tables();
  const std::vector<SumcheckTerm<Tiny>> terms{{Tiny::one(), {0, 1}}};
  const auto sum_of = [&](const auto& t) { return sum_over_hypercube<Tiny, Tiny>(t, std::span<const SumcheckTerm<Tiny>>(terms)); };
  // Witnesses found by search: same sum, same or different final value.
  std::vector<std::vector<Tiny>> same, other;
  while (same.empty() || other.empty()) {
    auto w = random_tables();
    if (w == w1 || sum_of(w) != sum_of(w1)) continue;
    if (product_at(w, r) == product_at(w1, r)) {
      if (same.empty()) same = w;
    } else if (other.empty()) {
      other = w;
    }
  }
  const auto h1 = view_histogram(w1, script);
  EXPECT_EQ(h1.size(), kMasks) << "every mask gives a distinct view";
  EXPECT_EQ(h1, view_histogram(same, script));
  // Another G(r): its views lie outside the first witness's (g(r) = (v - G(r)) / rho moves).
  uint64_t m = 0;
  while (m < kMasks && h1.count(view_of(other, script, m))) ++m;
  EXPECT_LT(m, kMasks) << "a witness with another final value must be told apart";
}

}  // namespace
}  // namespace zk
