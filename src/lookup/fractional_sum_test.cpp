#include "lookup/fractional_sum.hpp"

#include <gtest/gtest.h>

#include <random>

#include "crypto/transcript.hpp"
#include "field/field.hpp"

namespace zk {
namespace {

FractionLeaves<E> random_leaves(size_t num_vars, uint64_t seed) {
  std::mt19937_64 rng(seed);
  FractionLeaves<E> leaves;
  for (size_t i = 0; i < (size_t{1} << num_vars); ++i) {
    leaves.numerators.push_back(E::random(rng));
    leaves.denominators.push_back(E::random(rng));  // nonzero with overwhelming probability
  }
  return leaves;
}

struct ProvenLeaves {
  FractionLeaves<E> leaves;
  FractionalSumProverOutput<E> prover;
};

ProvenLeaves prove_random(size_t num_vars, uint64_t seed) {
  ProvenLeaves run{random_leaves(num_vars, seed), {}};
  Transcript t("gkr-test");
  run.prover = prove_fractional_sum<E>(t, run.leaves);
  return run;
}

Result<FractionalSumClaim<E>> verify_run(size_t num_vars, const FractionalSumProof<E>& proof) {
  Transcript t("gkr-test");
  return verify_fractional_sum<E>(t, num_vars, proof);
}

// Verifies and then performs the caller's leaf check against the true leaf tables.
Status verify_with_leaves(const ProvenLeaves& run, const FractionalSumProof<E>& proof) {
  const size_t num_vars = log2_exact(run.leaves.numerators.size());
  auto claim = verify_run(num_vars, proof);
  if (!claim) return fail(claim.error());
  if (claim->numerator != evaluate_multilinear<E, E>(run.leaves.numerators, claim->point) ||
      claim->denominator != evaluate_multilinear<E, E>(run.leaves.denominators, claim->point))
    return fail("leaf evaluation mismatch");
  return {};
}

TEST(FractionalSum, CompleteAndRootIsTheSumOfFractions) {
  for (size_t num_vars : {0u, 1u, 2u, 3u, 6u, 11u}) {
    ProvenLeaves run = prove_random(num_vars, 10 + num_vars);
    Status s = verify_with_leaves(run, run.prover.proof);
    EXPECT_TRUE(s.ok()) << num_vars << ": " << s.error();
    std::vector<E> inverses = run.leaves.denominators;
    batch_invert<E>(inverses);
    E sum = E::zero();
    for (size_t i = 0; i < inverses.size(); ++i) sum += run.leaves.numerators[i] * inverses[i];
    const auto& proof = run.prover.proof;
    EXPECT_EQ(proof.root_numerator, sum * proof.root_denominator) << num_vars;
    // The prover's claim is the verifier's.
    auto claim = verify_run(num_vars, proof);
    ASSERT_TRUE(claim.ok());
    EXPECT_EQ(claim->point, run.prover.claim.point);
    EXPECT_EQ(claim->numerator, run.prover.claim.numerator);
    EXPECT_EQ(claim->denominator, run.prover.claim.denominator);
  }
}

TEST(FractionalSum, UnitNumeratorsAreOnes) {
  for (size_t num_vars : {0u, 1u, 2u, 7u}) {
    ProvenLeaves run = prove_random(num_vars, 20 + num_vars);
    run.leaves.numerators.assign(run.leaves.denominators.size(), E::one());
    Transcript explicit_ones("gkr-test"), implicit_ones("gkr-test");
    auto expected = prove_fractional_sum<E>(explicit_ones, run.leaves);
    auto unit = prove_fractional_sum<E>(implicit_ones, FractionLeaves<E>{{}, run.leaves.denominators});
    ByteWriter a, b;
    expected.proof.encode(a);
    unit.proof.encode(b);
    EXPECT_EQ(a.bytes(), b.bytes()) << num_vars;
    EXPECT_EQ(unit.claim.numerator, E::one());
    EXPECT_TRUE(verify_with_leaves(run, unit.proof).ok()) << num_vars;
  }
}

// The specialized layer prover sends exactly the proof of the generic sum-check prover run on
// sum_x eq(r, x) [lambda (p_L q_R + p_R q_L) + q_L q_R], including when a coordinate of r is 0
// (where it sums s(1) instead of s(0)).
TEST(FractionalSum, LayerProverMatchesGenericSumcheck) {
  std::mt19937_64 rng(3);
  for (size_t k : {1u, 2u, 5u, 9u}) {
    for (bool zero_coordinate : {false, true}) {
      FractionLeaves<E> next = random_leaves(k + 1, 100 + k);
      std::vector<E> r(k);
      for (E& x : r) x = E::random(rng);
      if (zero_coordinate) r[k / 2] = E::zero();
      const E lambda = E::random(rng);
      const size_t half = size_t{1} << k;
      auto lo = [&](const std::vector<E>& t) { return std::vector<E>(t.begin(), t.begin() + half); };
      auto hi = [&](const std::vector<E>& t) { return std::vector<E>(t.begin() + half, t.end()); };
      std::vector<std::vector<E>> tables = {eq_table<E>(r), lo(next.numerators), hi(next.numerators),
                                            lo(next.denominators), hi(next.denominators)};
      const std::vector<SumcheckTerm<E>> terms = {
          {lambda, {0, 1, 4}}, {lambda, {0, 2, 3}}, {E::one(), {0, 3, 4}}};
      const E claim = sum_over_hypercube<E, E>(tables, terms);

      Transcript generic_transcript("layer"), special_transcript("layer");
      auto generic = prove_sumcheck<E, E>(generic_transcript, tables, terms, claim);
      auto special = prove_fraction_layer<E>(special_transcript, next.numerators, next.denominators,
                                             r, lambda, claim);
      EXPECT_EQ(special.sumcheck.rounds, generic.proof.rounds) << k << " " << zero_coordinate;
      EXPECT_EQ(special.point, generic.point);
      for (size_t i = 0; i < 4; ++i) EXPECT_EQ(special.children[i], generic.table_evaluations[i + 1]);

      // With unit numerators (not stored), against the generic prover on tables of ones.
      std::fill(tables[1].begin(), tables[1].end(), E::one());
      std::fill(tables[2].begin(), tables[2].end(), E::one());
      const E unit_claim = sum_over_hypercube<E, E>(tables, terms);
      Transcript generic_unit("layer"), special_unit("layer");
      auto generic_ones = prove_sumcheck<E, E>(generic_unit, tables, terms, unit_claim);
      auto special_ones = prove_fraction_layer<E>(special_unit, {}, next.denominators, r, lambda, unit_claim);
      EXPECT_EQ(special_ones.sumcheck.rounds, generic_ones.proof.rounds) << k << " " << zero_coordinate;
      for (size_t i = 0; i < 4; ++i) EXPECT_EQ(special_ones.children[i], generic_ones.table_evaluations[i + 1]);
    }
  }
}

TEST(FractionalSum, ResultIndependentOfThreadCount) {
  set_threads(1);
  ProvenLeaves one = prove_random(15, 4);
  set_threads(2);
  ProvenLeaves two = prove_random(15, 4);
  ByteWriter a, b;
  one.prover.proof.encode(a);
  two.prover.proof.encode(b);
  EXPECT_EQ(a.bytes(), b.bytes());
  EXPECT_EQ(one.prover.claim.point, two.prover.claim.point);
}

TEST(FractionalSum, RejectsTamperedLayerSumcheck) {
  ProvenLeaves run = prove_random(5, 5);
  for (size_t k = 1; k < 5; ++k) {
    for (size_t round = 0; round < k; ++round) {
      auto proof = run.prover.proof;
      proof.layers[k].sumcheck.rounds[round][1] += E::one();
      auto r = verify_run(5, proof);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error(), "gkr: layer " + std::to_string(k) + ": sumcheck: round " +
                               std::to_string(round) + ": g(0) + g(1) != claim");
    }
  }
}

TEST(FractionalSum, RejectsTamperedChildren) {
  ProvenLeaves run = prove_random(4, 6);
  for (size_t k = 0; k < 4; ++k) {
    for (size_t i = 0; i < 4; ++i) {
      auto proof = run.prover.proof;
      proof.layers[k].children[i] += E::one();
      auto r = verify_run(4, proof);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error(), "gkr: layer " + std::to_string(k) + ": final evaluation mismatch");
    }
  }
}

TEST(FractionalSum, RejectsWrongClaimedSum) {
  ProvenLeaves run = prove_random(4, 7);
  auto proof = run.prover.proof;
  proof.root_numerator += E::one();
  auto r = verify_run(4, proof);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "gkr: layer 0: final evaluation mismatch");
}

TEST(FractionalSum, RejectsZeroRootDenominator) {
  // (0, 0) is the root of any tree with a zero denominator leaf; it must never be accepted.
  ProvenLeaves run = prove_random(3, 8);
  auto proof = run.prover.proof;
  proof.root_numerator = E::zero();
  proof.root_denominator = E::zero();
  auto r = verify_run(3, proof);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "gkr: root denominator is zero");
}

TEST(FractionalSum, LeafClaimCatchesWrongLeaves) {
  // An honest proof of other leaves passes the GKR checks; the caller's leaf check rejects it.
  ProvenLeaves run = prove_random(6, 9);
  ProvenLeaves other = run;
  other.leaves.numerators[17] += E::one();
  Transcript t("gkr-test");
  other.prover = prove_fractional_sum<E>(t, other.leaves);
  Status s = verify_with_leaves(run, other.prover.proof);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), "leaf evaluation mismatch");
}

TEST(FractionalSum, RejectsWrongShape) {
  ProvenLeaves run = prove_random(3, 11);
  auto r = verify_run(4, run.prover.proof);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "gkr: wrong number of layers");
  auto proof = run.prover.proof;
  proof.layers[2].sumcheck.rounds.pop_back();
  auto r2 = verify_run(3, proof);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error(), "gkr: layer 2: sumcheck: wrong number of rounds");
  EXPECT_FALSE(verify_run(kMaxFractionalSumVars + 1, run.prover.proof).ok());
}

TEST(FractionalSumEncoding, RoundTripAndExactSize) {
  for (size_t num_vars : {0u, 1u, 4u}) {
    ProvenLeaves run = prove_random(num_vars, 12 + num_vars);
    ByteWriter w;
    run.prover.proof.encode(w);
    // u32 header, root, and per layer k: 4k round values and 4 children.
    EXPECT_EQ(w.size(), 4 + E::BYTES * (2 + 2 * num_vars * (num_vars - 1) + 4 * num_vars));
    ByteReader r(w.bytes());
    auto decoded = FractionalSumProof<E>::decode(r, num_vars);
    ASSERT_TRUE(decoded.ok()) << decoded.error();
    EXPECT_TRUE(r.expect_end().ok());
    ByteWriter again;
    decoded->encode(again);
    EXPECT_EQ(again.bytes(), w.bytes());
    EXPECT_TRUE(verify_with_leaves(run, *decoded).ok());
  }
}

TEST(FractionalSumEncoding, RejectsTruncationHeaderAndNonCanonicalElements) {
  ProvenLeaves run = prove_random(3, 13);
  ByteWriter w;
  run.prover.proof.encode(w);
  const auto& bytes = w.bytes();
  for (size_t len = 0; len < bytes.size(); ++len) {
    ByteReader r(std::span<const uint8_t>(bytes.data(), len));
    auto d = FractionalSumProof<E>::decode(r, 3);
    ASSERT_FALSE(d.ok()) << len;
    EXPECT_NE(d.error().find("truncated"), std::string::npos) << d.error();
  }
  {
    ByteReader r(bytes);
    auto d = FractionalSumProof<E>::decode(r, 2);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error(), "gkr: proof has 3 layers, expected 2");
  }
  for (size_t at : {4u, 4u + 2 * 16u, static_cast<unsigned>(bytes.size() - 16)}) {
    auto bad = bytes;
    for (size_t i = at; i < at + 8; ++i) bad[i] = 0xff;  // 2^64 - 1 >= p
    ByteReader r(bad);
    auto d = FractionalSumProof<E>::decode(r, 3);
    ASSERT_FALSE(d.ok()) << at;
    EXPECT_EQ(d.error(), "gkr: non-canonical field element");
  }
  ByteReader r(bytes);
  EXPECT_FALSE(FractionalSumProof<E>::decode(r, kMaxFractionalSumVars + 1).ok());
}

}  // namespace
}  // namespace zk
