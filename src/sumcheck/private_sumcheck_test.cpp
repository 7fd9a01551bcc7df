#include "sumcheck/private_sumcheck.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <random>

#include "crypto/transcript.hpp"
#include "field/field.hpp"
#include "field/small_field.hpp"
#include "sumcheck/private_claims.hpp"
#include "sumcheck/scripted_challenger.hpp"

namespace zk {
namespace {

// tables[0], tables[1] private, tables[2] public (an eq table): G = c0 P0 P1 E2 + c1 P0 + c2 P1 P1.
struct Instance {
  size_t num_vars;
  std::vector<std::vector<E>> tables;
  std::vector<SumcheckTerm<E>> terms;
  std::vector<MaskedTable<E>> masked;
  E offset, public_claim;
  SumcheckMask<E> mask;
};

Instance random_instance(size_t num_vars, uint64_t seed, size_t corner0 = 2, size_t corner1 = 1) {
  std::mt19937_64 rng(seed);
  const size_t size = size_t{1} << num_vars;
  Instance inst{num_vars, std::vector<std::vector<E>>(3, std::vector<E>(size)), {}, {}, E::random(rng), E::zero(), {}};
  for (size_t k = 0; k < 2; ++k)
    for (E& v : inst.tables[k]) v = E(F::random(rng));
  std::vector<E> point(num_vars);
  for (E& v : point) v = E::random(rng);
  inst.tables[2] = eq_table<E>(point);
  inst.terms = {{E::random(rng), {0, 1, 2}}, {E::random(rng), {0}}, {E::random(rng), {1, 1}}};
  for (size_t k = 0; k < 2; ++k) {
    std::vector<E> corner(std::min(size, k == 0 ? corner0 : corner1));
    for (E& v : corner) v = E::random(rng);
    inst.masked.push_back({k, corner});
  }
  inst.public_claim = sum_over_hypercube<E, E>(inst.tables, inst.terms) + inst.offset;
  inst.mask = sample_private_sumcheck_mask<E>(num_vars, 3, rng);
  return inst;
}

struct ProverRun {
  PrivateSumcheckProverOutput<E> prover;
  Digest state;
};

ProverRun prove(const Instance& inst) {
  Transcript t("private-sumcheck-test");
  ProverRun run{prove_private_sumcheck<E>(t, inst.tables, std::span<const SumcheckTerm<E>>(inst.terms),
                                    std::span<const MaskedTable<E>>(inst.masked), inst.public_claim, inst.offset,
                                    inst.mask),
          {}};
  run.state = t.state();
  return run;
}

std::vector<E> padded_corner(const MaskedTable<E>& m, size_t size) {
  std::vector<E> r(size, E::zero());
  std::copy(m.corner.begin(), m.corner.end(), r.begin());
  return r;
}

// The verifier plus the caller's checks, with the commitments stood in for by the tables: the
// final value from the evaluations, each e_k against (1 - r_u) P_k(r) + r_u R_k(r), and w against
// o / 2^(n+1) + rho g(r_u, r) (rho recomputed from the transcript schedule).
Status verify(const Instance& inst, const PrivateSumcheckProof<E>& proof, const E& claim, const Digest* state = nullptr) {
  Transcript t("private-sumcheck-test");
  auto result = verify_private_sumcheck<E>(t, inst.num_vars, 3, inst.masked.size(), claim, proof);
  if (!result) return fail(result.error());
  const E r_u = result->point[0];
  const std::span<const E> r = std::span<const E>(result->point).subspan(1);
  std::vector<E> evals(inst.tables.size());
  for (size_t k = 0; k < inst.tables.size(); ++k) evals[k] = evaluate_multilinear<E, E>(inst.tables[k], r);
  for (size_t i = 0; i < inst.masked.size(); ++i) {
    const auto& m = inst.masked[i];
    const E expected = (E::one() - r_u) * evals[m.table] +
                       r_u * evaluate_multilinear<E, E>(padded_corner(m, size_t{1} << inst.num_vars), r);
    if (proof.evaluations[i] != expected) return fail("commitment: masked evaluation differs");
    evals[m.table] = proof.evaluations[i];
  }
  if (private_sumcheck_final_value<E>(inst.terms, evals, r_u, proof.masked_value) != result->value)
    return fail("final value mismatch");
  Transcript replay("private-sumcheck-test");
  const E rho = private_sumcheck_rho<E>(replay, inst.num_vars, 3, claim, proof.mask_sum);
  const E expected_w = inst.offset * E::from_u64(uint64_t{1} << (inst.num_vars + 1)).inverse() +
                       rho * inst.mask.evaluate(result->point);
  if (proof.masked_value != expected_w) return fail("commitment: masked value differs");
  if (state && t.state() != *state) return fail("transcripts differ");
  return {};
}

TEST(PrivateSumcheck, RoundTripOverSizesAndCorners) {
  for (size_t n : {0, 1, 2, 3, 5, 8}) {
    for (size_t corner : {1, 2, 4, 16}) {
      const Instance inst = random_instance(n, 100 * n + corner, corner, corner / 2 + 1 == 2 ? 2 : 1);
      const ProverRun run = prove(inst);
      EXPECT_TRUE(verify(inst, run.prover.proof, inst.public_claim, &run.state).ok()) << "n = " << n << " corner " << corner;
      EXPECT_EQ(run.prover.proof.rounds.size(), n + 1);
      EXPECT_EQ(run.prover.proof.rounds[0].size(), 5u);
    }
  }
}

// Round 0 takes its sum outside the corner from the claim when every term has the same number of
// masked factors, and scans the tables otherwise: a term with coefficient 0 and no masked factor
// forces the scan without changing any round polynomial, so both proofs are byte for byte equal.
TEST(PrivateSumcheck, RoundZeroFromTheClaimMatchesTheScan) {
  for (size_t n : {1, 3, 6}) {
    Instance uniform = random_instance(n, 500 + n, 4, 2);
    std::mt19937_64 rng(n);
    uniform.terms = {{E::random(rng), {0, 1, 2}}, {E::random(rng), {1, 0}}, {E::random(rng), {2, 1, 0}}};
    uniform.offset = E::random(rng);
    uniform.public_claim = sum_over_hypercube<E, E>(uniform.tables, uniform.terms) + uniform.offset;
    Instance scanned = uniform;
    scanned.terms.push_back({E::zero(), {2}});
    const ProverRun a = prove(uniform), b = prove(scanned);
    ByteWriter wa, wb;
    a.prover.proof.encode(wa);
    b.prover.proof.encode(wb);
    EXPECT_EQ(wa.bytes(), wb.bytes()) << "n = " << n;
    EXPECT_TRUE(verify(uniform, a.prover.proof, uniform.public_claim, &a.state).ok()) << "n = " << n;
    EXPECT_TRUE(verify(scanned, b.prover.proof, scanned.public_claim, &b.state).ok()) << "n = " << n;
  }
}

TEST(PrivateSumcheck, EvaluationsAreThoseOfTheRandomizedExtension) {
  const Instance inst = random_instance(4, 11);
  const ProverRun run = prove(inst);
  const E r_u = run.prover.point[0];
  const std::span<const E> r = std::span<const E>(run.prover.point).subspan(1);
  for (size_t i = 0; i < inst.masked.size(); ++i) {
    const auto& m = inst.masked[i];
    const E plain = evaluate_multilinear<E, E>(inst.tables[m.table], r);
    EXPECT_NE(run.prover.table_evaluations[m.table], plain) << "a masked table's evaluation is not the plain one";
    EXPECT_EQ(run.prover.table_evaluations[m.table],
              ((E::one() - r_u) * plain + r_u * evaluate_multilinear<E, E>(padded_corner(m, 16), r)));
  }
  const E public_value = evaluate_multilinear<E, E>(inst.tables[2], r);
  EXPECT_EQ(run.prover.table_evaluations[2], public_value);
}

TEST(PrivateSumcheck, SelectorChallengeOneTakesTheCornerPath) {
  // r_u = 1: the tables become the corners and every coefficient zero; the proof still verifies.
  const Instance inst = random_instance(3, 5);
  const std::vector<E> script{E::from_u64(9), E::one(), E::from_u64(4), E::from_u64(5), E::from_u64(6)};
  ScriptedChallenger<E> pc(script);
  const auto out = prove_private_sumcheck<E>(pc, inst.tables, std::span<const SumcheckTerm<E>>(inst.terms),
                                             std::span<const MaskedTable<E>>(inst.masked), inst.public_claim,
                                             inst.offset, inst.mask);
  ScriptedChallenger<E> vc(script);
  auto result = verify_private_sumcheck<E>(vc, 3, 3, 2, inst.public_claim, out.proof);
  ASSERT_TRUE(result.ok()) << result.error();
  const std::span<const E> r = std::span<const E>(result->point).subspan(1);
  std::vector<E> evals(3);
  for (size_t k = 0; k < 3; ++k) evals[k] = evaluate_multilinear<E, E>(inst.tables[k], r);
  for (size_t i = 0; i < 2; ++i) {
    const E corner_value = evaluate_multilinear<E, E>(padded_corner(inst.masked[i], 8), r);
    EXPECT_EQ(out.proof.evaluations[i], corner_value);
    evals[i] = out.proof.evaluations[i];
  }
  const E final_value = private_sumcheck_final_value<E>(inst.terms, evals, E::one(), out.proof.masked_value);
  EXPECT_EQ(final_value, result->value);
}

TEST(PrivateSumcheck, TwoProofsOfOneStatementDiffer) {
  Instance inst = random_instance(4, 3);
  const ProverRun a = prove(inst);
  std::mt19937_64 rng(99);
  inst.mask = sample_private_sumcheck_mask<E>(4, 3, rng);
  for (auto& m : inst.masked)
    for (E& v : m.corner) v = E::random(rng);
  const ProverRun b = prove(inst);
  EXPECT_NE(a.prover.proof.mask_sum, b.prover.proof.mask_sum);
  EXPECT_NE(a.prover.proof.evaluations, b.prover.proof.evaluations);
  EXPECT_TRUE(verify(inst, b.prover.proof, inst.public_claim).ok());
}

struct PrivateSumcheckTamper : ::testing::Test {
  Instance inst = random_instance(4, 21);
  ProverRun run = prove(inst);
  PrivateSumcheckProof<E> proof = run.prover.proof;
  void expect_rejected(const std::string& reason, const E* claim = nullptr) {
    const Status s = verify(inst, proof, claim ? *claim : inst.public_claim);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().find(reason), std::string::npos) << s.error();
  }
};

TEST_F(PrivateSumcheckTamper, WrongClaim) {
  const E claim = inst.public_claim + E::one();
  expect_rejected("round 0: g(0) + g(1) != claim", &claim);
}

TEST_F(PrivateSumcheckTamper, WrongMaskSum) {
  proof.mask_sum += E::one();
  expect_rejected("round 0: g(0) + g(1) != claim");
}

TEST_F(PrivateSumcheckTamper, SelectorRoundValue) {
  proof.rounds[0][3] += E::one();
  expect_rejected("round 1: g(0) + g(1) != claim");
}

TEST_F(PrivateSumcheckTamper, InnerRoundValue) {
  proof.rounds[2][0] += E::one();
  expect_rejected("round 2: g(0) + g(1) != claim");
}

TEST_F(PrivateSumcheckTamper, ForgeryConsistentWithTheRoundSums) {
  // The last round moved so that its two ends still sum to the claim, and the masked evaluations
  // sent honestly at the point this moves to: only the final value can catch it.
  proof.rounds[4][0] += E::one();
  proof.rounds[4][1] -= E::one();
  Transcript t("private-sumcheck-test");
  auto moved = verify_private_sumcheck<E>(t, 4, 3, 2, inst.public_claim, proof);
  ASSERT_TRUE(moved.ok()) << moved.error();
  const E r_u = moved->point[0];
  const std::span<const E> r = std::span<const E>(moved->point).subspan(1);
  for (size_t i = 0; i < 2; ++i)
    proof.evaluations[i] = (E::one() - r_u) * evaluate_multilinear<E, E>(inst.tables[i], r) +
                           r_u * evaluate_multilinear<E, E>(padded_corner(inst.masked[i], 16), r);
  expect_rejected("final value mismatch");
}

TEST_F(PrivateSumcheckTamper, WrongMaskedEvaluation) {
  proof.evaluations[1] += E::one();
  expect_rejected("commitment: masked evaluation differs");
}

TEST_F(PrivateSumcheckTamper, WrongMaskedValue) {
  proof.masked_value += E::one();
  expect_rejected("final value mismatch");
}

TEST(PrivateSumcheck, MaskedValueShiftedWithTheLastRoundIsCaughtByItsOpening) {
  // A prover that knows the challenges moves the last round by q(t) = delta (2t - 1) / (2 r - 1)
  // (q(0) + q(1) = 0, q(r) = delta) and w by delta: every check of the verifier passes except the
  // opening of w against the committed mask.
  const Instance inst = random_instance(2, 8);
  const std::vector<E> script{E::from_u64(3), E::from_u64(4), E::from_u64(5), E::from_u64(6)};
  ScriptedChallenger<E> pc(script);
  auto out = prove_private_sumcheck<E>(pc, inst.tables, std::span<const SumcheckTerm<E>>(inst.terms),
                                       std::span<const MaskedTable<E>>(inst.masked), inst.public_claim, inst.offset,
                                       inst.mask);
  const E delta = E::from_u64(11), r = script[3];
  auto& last = out.proof.rounds[2];
  for (size_t t = 0; t < last.size(); ++t)
    last[t] += delta * (E::from_u64(2 * t) - E::one()) * (E::from_u64(2) * r - E::one()).inverse();
  out.proof.masked_value += delta;
  ScriptedChallenger<E> vc(script);
  auto result = verify_private_sumcheck<E>(vc, 2, 3, 2, inst.public_claim, out.proof);
  ASSERT_TRUE(result.ok()) << result.error();
  std::vector<E> evals = out.table_evaluations;
  const E final_value = private_sumcheck_final_value<E>(inst.terms, evals, result->point[0], out.proof.masked_value);
  EXPECT_EQ(final_value, result->value) << "the rounds and the final value are consistent";
  const E honest_w = inst.offset * E::from_u64(8).inverse() + script[0] * inst.mask.evaluate(result->point);
  EXPECT_NE(out.proof.masked_value, honest_w) << "only the opening of w at the committed mask rejects it";
}

TEST_F(PrivateSumcheckTamper, ShapeAndStatement) {
  Transcript t("private-sumcheck-test");
  EXPECT_FALSE(verify_private_sumcheck<E>(t, 5, 3, 2, inst.public_claim, proof).ok());
  Transcript t2("private-sumcheck-test");
  EXPECT_FALSE(verify_private_sumcheck<E>(t2, 4, 3, 1, inst.public_claim, proof).ok());
  Transcript t3("private-sumcheck-test");
  EXPECT_FALSE(verify_private_sumcheck<E>(t3, 4, kMaxSumcheckDegree, 2, inst.public_claim, proof).ok());
  proof.rounds[1].push_back(E::zero());
  expect_rejected("round 1 has the wrong degree");
}

TEST_F(PrivateSumcheckTamper, EncodingRoundTripTruncationAndNonCanonical) {
  ByteWriter w;
  proof.encode(w);
  const auto bytes = std::move(w).take();
  ASSERT_EQ(bytes.size(), PrivateSumcheckProof<E>::encoded_size(4, 3, 2));
  {
    ByteReader r(bytes);
    auto decoded = PrivateSumcheckProof<E>::decode(r, 4, 3, 2);
    ASSERT_TRUE(decoded.ok()) << decoded.error();
    EXPECT_TRUE(r.expect_end().ok());
    EXPECT_TRUE(verify(inst, *decoded, inst.public_claim).ok());
  }
  for (size_t len = 0; len < bytes.size(); len += 7) {
    ByteReader r(std::span<const uint8_t>(bytes).first(len));
    EXPECT_FALSE(PrivateSumcheckProof<E>::decode(r, 4, 3, 2).ok()) << len;
  }
  auto bad = bytes;
  std::fill(bad.begin(), bad.begin() + 8, 0xff);
  ByteReader r(bad);
  auto decoded = PrivateSumcheckProof<E>::decode(r, 4, 3, 2);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().find("non-canonical"), std::string::npos);
}

// ---- Arena and linear claims ----------------------------------------------------------------

// sum_t c_t T~_t(point_t) with the arena's tables and the caller's tables.
E evaluate_claim(const LinearClaim<E>& claim, const MaskArena<F, E>& arena, const std::vector<std::vector<E>>& caller) {
  E sum = E::zero();
  for (const auto& t : claim.terms) {
    E v;
    if (t.table.space == TableRef::Space::caller) {
      v = evaluate_multilinear<E, E>(caller.at(t.table.index), t.point);
    } else if (arena.shapes()[t.table.index].kind == MaskShape::Kind::sumcheck) {
      v = evaluate_multilinear<E, E>(arena.mask_table_of(t.table.index), t.point);
    } else {
      v = evaluate_multilinear<E, F>(arena.corner_of(t.table.index), t.point);
    }
    sum += t.coefficient * v;
  }
  return sum;
}

TEST(PrivateClaims, ArenaSegmentsAndTheClaimsOfAPrivateSumcheck) {
  // The masks and corners come from an arena; the claims on w (with an offset made of arena
  // terms) and on each masked evaluation hold against the arena's tables.
  Instance inst = random_instance(5, 31);
  std::mt19937_64 rng(4);
  MaskArena<F, E> arena({MaskShape::corner(4), MaskShape::sumcheck(5, 3), MaskShape::corner(2), MaskShape::corner(1)}, rng);
  MaskArena<F, E> verifier_arena(arena.shapes());
  auto offset_corner = arena.take_corner(4);
  auto mask = arena.take_sumcheck(5, 3);
  auto c0 = arena.take_corner(2);
  auto c1 = arena.take_corner(1);
  ASSERT_TRUE(offset_corner.ok() && mask.ok() && c0.ok() && c1.ok());
  EXPECT_FALSE(arena.take_corner(1).ok()) << "nothing left";
  EXPECT_FALSE(verifier_arena.take_sumcheck(5, 3).ok()) << "out of order";
  const std::vector<E> offset_point{E::from_u64(3), E::from_u64(8)};
  const std::vector<LinearTerm<E>> offset_terms{{*offset_corner, offset_point, E::from_u64(7)}};
  inst.offset = E::from_u64(7) * evaluate_multilinear<E, F>(arena.corner_of(0), offset_point);
  inst.public_claim = sum_over_hypercube<E, E>(inst.tables, inst.terms) + inst.offset;
  inst.mask = arena.mask(*mask);
  inst.masked = {{0, arena.corner_values(*c0)}, {1, arena.corner_values(*c1)}};
  const ProverRun run = prove(inst);
  ASSERT_TRUE(verify(inst, run.prover.proof, inst.public_claim).ok());
  Transcript replay("private-sumcheck-test");
  const E rho = private_sumcheck_rho<E>(replay, 5, 3, inst.public_claim, run.prover.proof.mask_sum);
  const auto w_claim = masked_value_claim<E>(*mask, 3, run.prover.point, rho, offset_terms, run.prover.proof.masked_value);
  EXPECT_EQ(evaluate_claim(w_claim, arena, {}), w_claim.value);
  const E r_u = run.prover.point[0];
  const std::vector<E> r(run.prover.point.begin() + 1, run.prover.point.end());
  for (size_t i = 0; i < 2; ++i) {
    const TableRef corner = i == 0 ? *c0 : *c1;
    LinearClaim<E> e_claim{{{TableRef{TableRef::Space::caller, static_cast<uint32_t>(i)}, r, E::one() - r_u},
                            corner_term<E>(corner, arena.shapes()[corner.index].size, r, r_u)},
                           run.prover.proof.evaluations[i]};
    EXPECT_EQ(evaluate_claim(e_claim, arena, inst.tables), e_claim.value) << i;
    e_claim.value += E::one();
    EXPECT_NE(evaluate_claim(e_claim, arena, inst.tables), e_claim.value);
  }
}

// Rank over F of the rows (Gaussian elimination).
size_t rank_of(std::vector<std::vector<F>> rows) {
  size_t rank = 0;
  const size_t cols = rows.empty() ? 0 : rows[0].size();
  for (size_t c = 0; c < cols && rank < rows.size(); ++c) {
    size_t pivot = rank;
    while (pivot < rows.size() && rows[pivot][c].is_zero()) ++pivot;
    if (pivot == rows.size()) continue;
    std::swap(rows[rank], rows[pivot]);
    const F inv = rows[rank][c].inverse();
    for (size_t r = 0; r < rows.size(); ++r) {
      if (r == rank || rows[r][c].is_zero()) continue;
      const F factor = rows[r][c] * inv;
      for (size_t k = c; k < cols; ++k) rows[r][k] -= factor * rows[rank][k];
    }
    ++rank;
  }
  return rank;
}

// The F-linear map from a corner's entries to the F coordinates of R~ at the given points of a
// table of n variables (corner_term), one row per coordinate.
std::vector<std::vector<F>> corner_evaluation_rows(size_t corner_size, const std::vector<std::vector<E>>& points) {
  const TableRef ref{TableRef::Space::arena, 0};
  std::vector<std::vector<F>> rows;
  for (const auto& z : points) {
    const auto term = corner_term<E>(ref, corner_size, z, E::one());
    std::vector<F> c0(corner_size), c1(corner_size);
    for (size_t i = 0; i < corner_size; ++i) {
      std::vector<E> unit(corner_size, E::zero());
      unit[i] = E::one();
      const E value = term.coefficient * evaluate_multilinear<E, E>(unit, term.point);
      c0[i] = value.c0();
      c1[i] = value.c1();
    }
    rows.push_back(std::move(c0));
    rows.push_back(std::move(c1));
  }
  return rows;
}

// A corner of 2^(n+1) F entries on a table of n variables keeps 2^n evaluations at random points
// uniform in E (the map from its entries to their 2^(n+1) coordinates has full rank), where a
// corner on the table's own 2^n entries cannot (rank 2^n); the prover's view of it, the corner on
// the table's variables (corner_values), agrees with the verifier's term at every point.
TEST(PrivateClaims, ACornerPastItsTableKeepsOneEvaluationPerEntryUniform) {
  std::mt19937_64 rng(41);
  for (size_t n = 0; n <= 3; ++n) {
    const size_t table_size = size_t{1} << n;
    std::vector<std::vector<E>> points(table_size, std::vector<E>(n));
    for (auto& z : points)
      for (E& v : z) v = E::random(rng);
    EXPECT_EQ(rank_of(corner_evaluation_rows(2 * table_size, points)), 2 * table_size) << n;
    EXPECT_EQ(rank_of(corner_evaluation_rows(table_size, points)), table_size) << n;

    MaskArena<F, E> arena({MaskShape::corner(2 * table_size)}, rng);
    const auto ref = arena.take_corner(2 * table_size);
    ASSERT_TRUE(ref.ok());
    const std::vector<E> on_table = arena.corner_values(*ref, n);
    ASSERT_EQ(on_table.size(), table_size);
    for (const auto& z : points) {
      const auto term = corner_term<E>(*ref, 2 * table_size, z, E::one());
      const E expected = term.coefficient * evaluate_multilinear<E, F>(arena.corner_of(ref->index), term.point);
      EXPECT_EQ((evaluate_multilinear<E, E>(on_table, z)), expected) << n;
    }
  }
}

// ---- Exhaustive zero knowledge over F_13 ----------------------------------------------------
//
// n = 1, G = P (one masked table with a one-entry corner), so the randomness is g's constant, U_0's
// two coefficients, U_1's one and R's entry: 13^5 choices, each run through the real prover with
// fixed challenges (rho, r_u, r_1). The whole view (mask sum, both rounds, e_P, w) must have the
// same distribution for two witnesses with the same claim, whatever their values at r; with R
// fixed to zero (no randomized extension) it must not, so the test has teeth.

using Tiny = SmallPrimeField<13>;
using View = std::array<uint64_t, 8>;
constexpr uint64_t kRandomness = 13u * 13 * 13 * 13 * 13;

View view_of(const std::vector<Tiny>& table, uint64_t m, bool randomized) {
  const std::vector<SumcheckTerm<Tiny>> terms{{Tiny::one(), {0}}};
  const Tiny claim = table[0] + table[1] + Tiny::from_u64(3);  // offset 3
  SumcheckMask<Tiny> mask{2, 2, Tiny::from_u64(m % 13), std::vector<Tiny>(4, Tiny::zero())};
  mask.coefficients[0] = Tiny::from_u64((m / 13) % 13);
  mask.coefficients[1] = Tiny::from_u64((m / 169) % 13);
  mask.coefficients[2] = Tiny::from_u64((m / 2197) % 13);
  const std::vector<MaskedTable<Tiny>> masked{{0, {randomized ? Tiny::from_u64((m / 28561) % 13) : Tiny::zero()}}};
  ScriptedChallenger<Tiny> ch({Tiny::from_u64(5), Tiny::from_u64(7), Tiny::from_u64(9)});
  const auto out = prove_private_sumcheck<Tiny>(ch, {table}, std::span<const SumcheckTerm<Tiny>>(terms),
                                                std::span<const MaskedTable<Tiny>>(masked), claim, Tiny::from_u64(3),
                                                mask);
  const auto& rounds = out.proof.rounds;
  return {out.proof.mask_sum.value(), rounds[0][0].value(), rounds[0][1].value(), rounds[0][2].value(),
          rounds[1][0].value(), rounds[1][1].value(), out.proof.evaluations[0].value(), out.proof.masked_value.value()};
}

std::map<View, uint32_t> histogram(const std::vector<Tiny>& table, bool randomized) {
  std::map<View, uint32_t> h;
  for (uint64_t m = 0; m < kRandomness; ++m) ++h[view_of(table, m, randomized)];
  return h;
}

TEST(PrivateSumcheckExhaustive, ViewDependsOnlyOnTheClaim) {
  // Same sum 8, different values at r_1 = 9.
  const std::vector<Tiny> a{Tiny::from_u64(1), Tiny::from_u64(7)}, b{Tiny::from_u64(6), Tiny::from_u64(2)};
  const auto ha = histogram(a, true);
  EXPECT_EQ(ha, histogram(b, true));
  EXPECT_NE(histogram(a, false), histogram(b, false)) << "without the randomized extension e_P tells them apart";
}

}  // namespace
}  // namespace zk
