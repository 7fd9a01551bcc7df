#include "sumcheck/sumcheck.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "crypto/transcript.hpp"
#include "field/field.hpp"

namespace zk {
namespace {

struct Instance {
  std::vector<std::vector<F>> tables;
  std::vector<SumcheckTerm<E>> terms;
  E claim;
};

// `num_tables` random tables of 2^num_vars entries; one term of each degree 1..max_degree
// (factors chosen with repetition), with random coefficients.
Instance random_instance(size_t num_vars, size_t num_tables, size_t max_degree, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Instance inst;
  inst.tables.resize(num_tables);
  for (auto& t : inst.tables) {
    t.resize(size_t{1} << num_vars);
    for (F& v : t) v = F::random(rng);
  }
  for (size_t d = 1; d <= max_degree; ++d) {
    SumcheckTerm<E> term{E::random(rng), {}};
    for (size_t k = 0; k < d; ++k) term.factors.push_back(rng() % num_tables);
    inst.terms.push_back(term);
  }
  inst.claim = sum_over_hypercube<E, F>(inst.tables, inst.terms);
  return inst;
}

struct ProvenInstance {
  Instance instance;
  SumcheckProverOutput<E> prover;
};

ProvenInstance prove_random(size_t num_vars, size_t num_tables, size_t max_degree, uint64_t seed) {
  ProvenInstance run{random_instance(num_vars, num_tables, max_degree, seed), {}};
  Transcript t("sumcheck-test");
  auto tables = run.instance.tables;
  run.prover = prove_sumcheck<F, E>(t, std::move(tables), std::span<const SumcheckTerm<E>>(run.instance.terms),
                                    run.instance.claim);
  return run;
}

Status verify_run(const ProvenInstance& run, const SumcheckProof<E>& proof, E claim) {
  Transcript t("sumcheck-test");
  const auto& terms = run.instance.terms;
  const size_t num_vars = log2_exact(run.instance.tables[0].size());
  auto result = verify_sumcheck<E>(t, num_vars, sumcheck_degree<E>(terms), claim, proof);
  if (!result) return fail(result.error());
  // The final check uses independently computed evaluations of the original tables.
  std::vector<E> evals;
  for (const auto& table : run.instance.tables)
    evals.push_back(evaluate_multilinear<E, F>(table, result->point));
  return check_final_evaluation<E>(*result, terms, evals);
}

TEST(Sumcheck, CompleteForEveryDegreeAndSize) {
  for (size_t degree = 1; degree <= 6; ++degree) {
    for (size_t num_vars : {0u, 1u, 2u, 5u, 10u}) {
      ProvenInstance run = prove_random(num_vars, 3, degree, 100 * degree + num_vars);
      Status s = verify_run(run, run.prover.proof, run.instance.claim);
      EXPECT_TRUE(s.ok()) << "degree " << degree << " vars " << num_vars << ": " << s.error();
    }
  }
}

TEST(Sumcheck, ProverEvaluationsMatchTablesAtPoint) {
  ProvenInstance run = prove_random(8, 4, 3, 7);
  for (size_t k = 0; k < run.instance.tables.size(); ++k)
    EXPECT_EQ(run.prover.table_evaluations[k],
              (evaluate_multilinear<E, F>(run.instance.tables[k], run.prover.point)));
}

TEST(Sumcheck, ResultIndependentOfThreadCount) {
  set_threads(1);
  ProvenInstance one = prove_random(16, 2, 3, 11);
  set_threads(2);
  ProvenInstance two = prove_random(16, 2, 3, 11);
  EXPECT_EQ(one.prover.proof.rounds, two.prover.proof.rounds);
  EXPECT_EQ(one.prover.point, two.prover.point);
}

TEST(Sumcheck, RejectsWrongClaimedSum) {
  ProvenInstance run = prove_random(6, 2, 2, 3);
  Status s = verify_run(run, run.prover.proof, run.instance.claim + E::one());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("g(0) + g(1) != claim"), std::string::npos) << s.error();
}

TEST(Sumcheck, RejectsTamperedRoundPolynomial) {
  ProvenInstance run = prove_random(6, 2, 3, 4);
  for (size_t round = 0; round < 6; ++round) {
    for (size_t t = 0; t < 4; ++t) {
      auto proof = run.prover.proof;
      proof.rounds[round][t] += E::one();
      Status s = verify_run(run, proof, run.instance.claim);
      ASSERT_FALSE(s.ok()) << "round " << round << " t " << t;
      // Changing g(0) or g(1) breaks the sum check; changing g(t >= 2) changes g(r) and the
      // following round (or the final evaluation) catches it.
      if (t <= 1) {
        EXPECT_NE(s.error().find("round " + std::to_string(round)), std::string::npos) << s.error();
      }
    }
  }
}

TEST(Sumcheck, RejectsConsistentForgeryAtFinalEvaluation) {
  // Shift g(0) up and g(1) down in the last round: the sum still matches the claim, so only
  // the final evaluation check can catch it.
  ProvenInstance run = prove_random(5, 2, 2, 5);
  auto proof = run.prover.proof;
  proof.rounds.back()[0] += E::one();
  proof.rounds.back()[1] -= E::one();
  Status s = verify_run(run, proof, run.instance.claim);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("final evaluation mismatch"), std::string::npos) << s.error();
}

TEST(Sumcheck, RejectsWrongFinalEvaluation) {
  ProvenInstance run = prove_random(5, 3, 3, 6);
  Transcript t("sumcheck-test");
  auto result = verify_sumcheck<E>(t, 5, 3, run.instance.claim, run.prover.proof);
  ASSERT_TRUE(result.ok()) << result.error();
  auto evals = run.prover.table_evaluations;
  ASSERT_TRUE(check_final_evaluation<E>(*result, run.instance.terms, evals).ok());
  evals[1] += E::one();
  Status s = check_final_evaluation<E>(*result, run.instance.terms, evals);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error(), "sumcheck: final evaluation mismatch");
}

TEST(Sumcheck, RejectsWrongShape) {
  ProvenInstance run = prove_random(4, 2, 2, 8);
  auto proof = run.prover.proof;
  proof.rounds.pop_back();
  Transcript t1("sumcheck-test");
  auto r1 = verify_sumcheck<E>(t1, 4, 2, run.instance.claim, proof);
  ASSERT_FALSE(r1.ok());
  EXPECT_NE(r1.error().find("wrong number of rounds"), std::string::npos);
  proof = run.prover.proof;
  proof.rounds[2].push_back(E::zero());
  Transcript t2("sumcheck-test");
  auto r2 = verify_sumcheck<E>(t2, 4, 2, run.instance.claim, proof);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().find("wrong degree"), std::string::npos);
}

TEST(SumcheckProofEncoding, RoundTrip) {
  ProvenInstance run = prove_random(7, 2, 4, 9);
  ByteWriter w;
  run.prover.proof.encode(w);
  ByteReader r(w.bytes());
  auto decoded = SumcheckProof<E>::decode(r, 7, 4);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_TRUE(r.expect_end().ok());
  EXPECT_EQ(decoded->rounds, run.prover.proof.rounds);
}

TEST(SumcheckProofEncoding, RejectsTruncatedAtEveryLength) {
  ProvenInstance run = prove_random(3, 2, 2, 10);
  ByteWriter w;
  run.prover.proof.encode(w);
  const auto& bytes = w.bytes();
  for (size_t len = 0; len < bytes.size(); ++len) {
    ByteReader r(std::span<const uint8_t>(bytes.data(), len));
    auto decoded = SumcheckProof<E>::decode(r, 3, 2);
    EXPECT_FALSE(decoded.ok()) << "length " << len;
  }
}

TEST(SumcheckProofEncoding, PaddedProofLeavesTrailingBytes) {
  ProvenInstance run = prove_random(3, 2, 2, 12);
  ByteWriter w;
  run.prover.proof.encode(w);
  w.u8(0);
  ByteReader r(w.bytes());
  ASSERT_TRUE(SumcheckProof<E>::decode(r, 3, 2).ok());
  Status end = r.expect_end();
  ASSERT_FALSE(end.ok());
  EXPECT_NE(end.error().find("trailing"), std::string::npos);
}

TEST(SumcheckProofEncoding, RejectsMismatchedHeaderAndNonCanonicalElements) {
  ProvenInstance run = prove_random(3, 2, 2, 13);
  ByteWriter w;
  run.prover.proof.encode(w);
  auto bytes = w.bytes();
  {
    ByteReader r(bytes);
    auto d = SumcheckProof<E>::decode(r, 4, 2);
    ASSERT_FALSE(d.ok());
    EXPECT_NE(d.error().find("rounds"), std::string::npos);
  }
  {
    ByteReader r(bytes);
    auto d = SumcheckProof<E>::decode(r, 3, 3);
    ASSERT_FALSE(d.ok());
    EXPECT_NE(d.error().find("degree"), std::string::npos);
  }
  {
    auto bad = bytes;
    for (size_t i = 8; i < 16; ++i) bad[i] = 0xff;  // first coefficient = 2^64 - 1 >= p
    ByteReader r(bad);
    auto d = SumcheckProof<E>::decode(r, 3, 2);
    ASSERT_FALSE(d.ok());
    EXPECT_NE(d.error().find("non-canonical"), std::string::npos);
  }
  {
    ByteReader r(bytes);
    auto d = SumcheckProof<E>::decode(r, kMaxSumcheckVars + 1, 2);
    ASSERT_FALSE(d.ok());
    EXPECT_NE(d.error().find("out of bounds"), std::string::npos);
  }
}

TEST(Sumcheck, TranscriptBindsTheClaim) {
  // The same tables proven under two different claims must draw different challenges, so a
  // proof cannot be replayed for another statement.
  Instance inst = random_instance(4, 2, 2, 14);
  Transcript a("sumcheck-test"), b("sumcheck-test");
  absorb_statement(a, 4, 2, inst.claim);
  absorb_statement(b, 4, 2, inst.claim + E::one());
  EXPECT_NE(a.challenge<E>("x"), b.challenge<E>("x"));
}

// g(0), ..., g(d) of the current round straight from the definition: table k at variable 0 = t
// is the fold of P_k by t, and g(t) is the sum of G over the remaining hypercube.
std::vector<E> round_by_definition(const std::vector<std::vector<E>>& tables,
                                   std::span<const SumcheckTerm<E>> terms, size_t degree) {
  std::vector<E> g;
  for (size_t t = 0; t <= degree; ++t) {
    std::vector<std::vector<E>> at_t;
    for (const auto& table : tables) at_t.push_back(fold_to<E, E>(table, E::from_u64(t)));
    g.push_back(sum_over_hypercube<E, E>(at_t, terms));
  }
  return g;
}

// A prover written from the definition (no grid, no nodes at infinity, no planar tables), on the
// same transcript schedule: the optimized prover must send exactly its messages.
SumcheckProverOutput<E> prove_by_definition(const Instance& inst, const std::string& label) {
  Transcript ch(label);
  std::vector<std::vector<E>> tables;
  for (const auto& t : inst.tables) tables.emplace_back(t.begin(), t.end());
  const auto terms = std::span<const SumcheckTerm<E>>(inst.terms);
  const size_t num_vars = log2_exact(tables[0].size());
  const size_t degree = sumcheck_degree(terms);
  absorb_statement(ch, num_vars, degree, inst.claim);
  SumcheckProverOutput<E> out;
  for (size_t i = 0; i < num_vars; ++i) {
    std::vector<E> g = round_by_definition(tables, terms, degree);
    const E r = round_challenge<E>(ch, g);
    for (auto& t : tables) fold_in_place(t, r);
    out.proof.rounds.push_back(std::move(g));
    out.point.push_back(r);
  }
  for (const auto& t : tables) out.table_evaluations.push_back(t[0]);
  return out;
}

TEST(Sumcheck, MessagesEqualTheDefinition) {
  for (size_t degree = 1; degree <= 6; ++degree) {
    for (size_t num_vars : {0u, 1u, 2u, 3u, 4u, 7u, 12u}) {
      if (num_vars == 12 && degree > 3) continue;
      Instance inst = random_instance(num_vars, 3, degree, 900 + 10 * degree + num_vars);
      const auto expect = prove_by_definition(inst, "definition");
      const auto terms = std::span<const SumcheckTerm<E>>(inst.terms);
      Transcript base_ch("definition");
      const auto base = prove_sumcheck<F, E>(base_ch, inst.tables, terms, inst.claim);
      EXPECT_EQ(base.proof.rounds, expect.proof.rounds) << "degree " << degree << " vars " << num_vars;
      EXPECT_EQ(base.point, expect.point);
      EXPECT_EQ(base.table_evaluations, expect.table_evaluations);
      // Extension-field tables take the path that folds from round 0.
      std::vector<std::vector<E>> lifted;
      for (const auto& t : inst.tables) lifted.emplace_back(t.begin(), t.end());
      Transcript ext_ch("definition");
      const auto ext = prove_sumcheck<E, E>(ext_ch, std::move(lifted), terms, inst.claim);
      EXPECT_EQ(ext.proof.rounds, expect.proof.rounds) << "degree " << degree << " vars " << num_vars;
      EXPECT_EQ(ext.table_evaluations, expect.table_evaluations);
    }
  }
}

TEST(Sumcheck, GridRoundsEqualTheDefinition) {
  // Rounds 0 and 1 from the one pass over the base tables: round 0 as on the tables, round 1 as
  // on the tables folded by r0, for any r0 (the claim of round 1 being the sum it must be).
  for (size_t degree = 1; degree <= 6; ++degree) {
    for (size_t num_vars : {2u, 3u, 9u}) {
      Instance inst = random_instance(num_vars, 3, degree, 500 + 10 * degree + num_vars);
      std::mt19937_64 rng(degree * 31 + num_vars);
      const E r0 = E::random(rng);
      const auto terms = std::span<const SumcheckTerm<E>>(inst.terms);
      std::vector<std::vector<E>> embedded, folded;
      for (const auto& t : inst.tables) {
        embedded.emplace_back(t.begin(), t.end());
        folded.push_back(fold_to<E, F>(t, r0));
      }
      const GridSums<F> grid = grid_sums<E, F>(inst.tables, terms, degree);
      const std::vector<E> round0 = round_by_definition(embedded, terms, degree);
      EXPECT_EQ(grid.round0(terms, inst.claim), round0) << "degree " << degree << " vars " << num_vars;
      const std::vector<E> round1 = round_by_definition(folded, terms, degree);
      EXPECT_EQ(grid.round1(terms, r0, round1[0] + round1[1]), round1) << "degree " << degree << " vars " << num_vars;
    }
  }
}

// A random polynomial of degree d over E, evaluated by Horner's rule.
struct RandomPolynomial {
  std::vector<E> coeffs;
  RandomPolynomial(size_t d, std::mt19937_64& rng) : coeffs(d + 1) {
    for (E& c : coeffs) c = E::random(rng);
  }
  E operator()(const E& x) const {
    E acc = E::zero();
    for (size_t i = coeffs.size(); i-- > 0;) acc = acc * x + coeffs[i];
    return acc;
  }
};

TEST(Sumcheck, RoundFromNodesMatchesPolynomial) {
  // g(1) from the claim and g(d) from the values at 0..d-1 and the coefficient of t^d.
  std::mt19937_64 rng(16);
  for (size_t d = 1; d <= kMaxSumcheckDegree; ++d) {
    const RandomPolynomial g(d, rng);
    std::vector<E> expect, nodes;
    for (size_t t = 0; t <= d; ++t) expect.push_back(g(E::from_u64(t)));
    for (size_t t = 0; t < d; ++t) nodes.push_back(t == 1 ? E::random(rng) : expect[t]);
    nodes.push_back(d >= 2 ? g.coeffs[d] : E::random(rng));
    EXPECT_EQ(round_from_nodes<E>(nodes, d, expect[0] + expect[1]), expect) << "degree " << d;
    const E r = E::random(rng);
    const std::vector<E> w = node_weights<E>(d, r);
    E at_r = w[d] * g.coeffs[d];
    for (size_t t = 0; t < d; ++t) at_r += w[t] * expect[t];
    EXPECT_EQ(at_r, g(r)) << "degree " << d;
  }
}

TEST(Sumcheck, InterpolationMatchesPolynomial) {
  std::mt19937_64 rng(15);
  for (size_t d = 1; d <= kMaxSumcheckDegree; ++d) {
    const RandomPolynomial g(d, rng);
    std::vector<E> values;
    for (size_t t = 0; t <= d; ++t) values.push_back(g(E::from_u64(t)));
    E r = E::random(rng);
    EXPECT_EQ(interpolate_at<E>(values, r), g(r));
  }
}

}  // namespace
}  // namespace zk
