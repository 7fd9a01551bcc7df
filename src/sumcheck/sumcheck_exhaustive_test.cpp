// Exhaustive soundness over a tiny field (the bitcoin-core/secp256k1 habit): for every
// sequence of verifier challenges, run the best-known cheating strategy and count acceptances.
// The sum-check bound says a prover with a false claim is accepted with probability at most
// d v / |F|; this adversary meets the exact figure 1 - (1 - d/|F|)^v, which the test checks.
#include <gtest/gtest.h>

#include <random>

#include "field/field.hpp"
#include "sumcheck/scripted_challenger.hpp"
#include "sumcheck/sumcheck.hpp"

namespace zk {
namespace {

using Tiny = SmallPrimeField<31>;
using ScriptedChallenger = zk::ScriptedChallenger<Tiny>;

struct TinyInstance {
  std::vector<std::vector<Tiny>> tables;
  std::vector<SumcheckTerm<Tiny>> terms;
  size_t num_vars;
  size_t degree;
};

TinyInstance make_instance(size_t num_vars, size_t degree, uint64_t seed) {
  std::mt19937_64 rng(seed);
  TinyInstance inst{{}, {}, num_vars, degree};
  inst.tables.resize(degree);
  for (auto& t : inst.tables) {
    t.resize(size_t{1} << num_vars);
    for (Tiny& v : t) v = Tiny::random(rng);
  }
  SumcheckTerm<Tiny> product{Tiny::one(), {}};
  for (size_t k = 0; k < degree; ++k) product.factors.push_back(k);
  inst.terms.push_back(product);
  inst.terms.push_back({Tiny::from_u64(3), {0}});
  return inst;
}

// The cheating prover: while its running claim is false it sends g_true + delta * h, where
// h(X) = prod_{j=1..d} (X - (j + 1)) / (h(0) + h(1)) has d roots, so the sum check passes and the
// forged polynomial agrees with the true one exactly at the d roots. If the challenge hits a
// root the claim becomes true and it continues honestly.
SumcheckProof<Tiny> cheating_proof(const TinyInstance& inst, Tiny false_claim,
                                   ScriptedChallenger& ch) {
  const size_t d = inst.degree;
  auto tables = inst.tables;
  auto terms = std::span<const SumcheckTerm<Tiny>>(inst.terms);
  std::vector<Tiny> h(d + 1);
  for (size_t t = 0; t <= d; ++t) {
    Tiny v = Tiny::one();
    for (size_t j = 1; j <= d; ++j) v *= Tiny::from_u64(t) - Tiny::from_u64(j + 1);
    h[t] = v;
  }
  const Tiny scale = (h[0] + h[1]).inverse();
  SumcheckProof<Tiny> proof;
  absorb_statement(ch, inst.num_vars, d, false_claim);
  Tiny claim = false_claim;
  for (size_t i = 0; i < inst.num_vars; ++i) {
    const Tiny true_sum = sum_over_hypercube<Tiny, Tiny>(tables, terms);
    std::vector<Tiny> g = round_values<Tiny, Tiny>(tables, terms, d, true_sum);
    const Tiny delta = claim - true_sum;
    for (size_t t = 0; t <= d; ++t) g[t] += delta * h[t] * scale;
    const Tiny r = round_challenge<Tiny>(ch, g);
    claim = interpolate_at<Tiny>(g, r);
    for (auto& table : tables) fold_in_place(table, r);
    proof.rounds.push_back(std::move(g));
  }
  return proof;
}

bool verifier_accepts(const TinyInstance& inst, Tiny claim, const SumcheckProof<Tiny>& proof,
                      ScriptedChallenger& ch) {
  auto result = verify_sumcheck<Tiny>(ch, inst.num_vars, inst.degree, claim, proof);
  if (!result) return false;
  std::vector<Tiny> evals;
  for (const auto& t : inst.tables) evals.push_back(evaluate_multilinear<Tiny, Tiny>(t, result->point));
  return check_final_evaluation<Tiny>(*result, inst.terms, evals).ok();
}

std::vector<Tiny> nth_sequence(uint64_t index, size_t length) {
  std::vector<Tiny> seq(length);
  for (auto& r : seq) {
    r = Tiny::from_u64(index % Tiny::MODULUS);
    index /= Tiny::MODULUS;
  }
  return seq;
}

void check_exhaustively(size_t num_vars, size_t degree) {
  const TinyInstance inst = make_instance(num_vars, degree, 1000 * num_vars + degree);
  const Tiny true_claim = sum_over_hypercube<Tiny, Tiny>(inst.tables, inst.terms);
  const Tiny false_claim = true_claim + Tiny::one();
  uint64_t total = 1;
  for (size_t i = 0; i < num_vars; ++i) total *= Tiny::MODULUS;

  uint64_t honest_accepted = 0, cheat_accepted = 0;
  for (uint64_t s = 0; s < total; ++s) {
    const auto script = nth_sequence(s, num_vars);
    {
      ScriptedChallenger pc(script), vc(script);
      auto tables = inst.tables;
      auto honest = prove_sumcheck<Tiny, Tiny>(pc, std::move(tables),
                                               std::span<const SumcheckTerm<Tiny>>(inst.terms), true_claim);
      honest_accepted += verifier_accepts(inst, true_claim, honest.proof, vc);
    }
    {
      ScriptedChallenger pc(script), vc(script);
      auto forged = cheating_proof(inst, false_claim, pc);
      cheat_accepted += verifier_accepts(inst, false_claim, forged, vc);
    }
  }
  uint64_t survive = 1;  // (|F| - d)^v sequences avoid every root
  for (size_t i = 0; i < num_vars; ++i) survive *= Tiny::MODULUS - degree;
  EXPECT_EQ(honest_accepted, total) << "completeness";
  EXPECT_EQ(cheat_accepted, total - survive) << "adversary's exact success count";
  // The sum-check bound: Pr[accept] <= d v / |F|, i.e. count <= d v |F|^(v-1).
  EXPECT_LE(cheat_accepted * Tiny::MODULUS, degree * num_vars * total);
  EXPECT_GT(cheat_accepted, 0u) << "the adversary must be able to win sometimes";
}

// Base-field tables with challenges in a quadratic extension of the tiny field take the prover's
// grid, lift and planar path; the same tables embedded in the extension take the path that
// folds from round 0. For every first challenge (all |E| = 961 of them, the others fixed) both
// must send the same messages and end at the same evaluations.
TEST(SumcheckExhaustive, BaseTablesMatchExtensionTablesForEveryFirstChallenge) {
  using TinyExt = QuadraticExtension<Tiny, 3>;  // 3 is not a square mod 31
  for (size_t degree : {1u, 2u, 3u}) {
    const TinyInstance inst = make_instance(4, degree, 77 + degree);
    std::vector<SumcheckTerm<TinyExt>> terms;
    for (const auto& t : inst.terms) terms.push_back({TinyExt(t.coefficient), t.factors});
    const auto span_terms = std::span<const SumcheckTerm<TinyExt>>(terms);
    const TinyExt claim(sum_over_hypercube<Tiny, Tiny>(inst.tables, inst.terms));
    std::mt19937_64 rng(degree);
    std::vector<TinyExt> script(inst.num_vars);
    for (TinyExt& r : script) r = TinyExt::random(rng);
    for (uint64_t first = 0; first < Tiny::MODULUS * Tiny::MODULUS; ++first) {
      script[0] = TinyExt(Tiny::from_u64(first % Tiny::MODULUS), Tiny::from_u64(first / Tiny::MODULUS));
      zk::ScriptedChallenger<TinyExt> base_ch(script), ext_ch(script);
      const auto base = prove_sumcheck<Tiny, TinyExt>(base_ch, inst.tables, span_terms, claim);
      std::vector<std::vector<TinyExt>> embedded;
      for (const auto& t : inst.tables) embedded.emplace_back(t.begin(), t.end());
      const auto ext = prove_sumcheck<TinyExt, TinyExt>(ext_ch, std::move(embedded), span_terms, claim);
      ASSERT_EQ(base.proof.rounds, ext.proof.rounds) << "degree " << degree << " first challenge " << first;
      ASSERT_EQ(base.table_evaluations, ext.table_evaluations) << "degree " << degree << " first challenge " << first;
    }
  }
}

TEST(SumcheckExhaustive, TwoVariablesDegreeTwo) { check_exhaustively(2, 2); }
TEST(SumcheckExhaustive, TwoVariablesDegreeFour) { check_exhaustively(2, 4); }
TEST(SumcheckExhaustive, ThreeVariablesDegreeTwo) { check_exhaustively(3, 2); }
TEST(SumcheckExhaustive, ThreeVariablesDegreeThree) { check_exhaustively(3, 3); }

}  // namespace
}  // namespace zk
