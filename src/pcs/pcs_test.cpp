#include "pcs/pcs.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "pcs/pcs_bench.hpp"
#include "pcs/schedule.hpp"

namespace zk::pcs {
namespace {

bool sanitized() { return std::getenv("ZKINFER_SANITIZED") != nullptr; }

std::vector<F> random_table(std::mt19937_64& rng, size_t vars) {
  std::vector<F> t(size_t{1} << vars);
  for (F& x : t) x = F::random(rng);
  return t;
}

std::vector<E> random_point(std::mt19937_64& rng, size_t vars) {
  std::vector<E> p(vars);
  for (E& x : p) x = E::random(rng);
  return p;
}

// A statement: commitments (prover data), claims with correct values.
struct Fixture {
  Params params = conjectured_params();
  std::vector<CommittedPolynomials> committed;
  std::vector<EvalClaim> claims;

  void add_commitment(std::mt19937_64& rng, size_t vars, size_t polys) {
    std::vector<std::vector<F>> tables;
    for (size_t j = 0; j < polys; ++j) tables.push_back(random_table(rng, vars));
    std::vector<std::span<const F>> spans(tables.begin(), tables.end());
    auto c = commit(spans, params);
    ASSERT_TRUE(c.ok()) << c.error();
    committed.push_back(std::move(*c));
  }
  void add_claim(uint32_t commitment, uint32_t poly, std::vector<E> point) {
    const E value = evaluate(committed[commitment], poly, point);
    claims.push_back({PolyRef{commitment, poly}, std::move(point), value});
  }
  std::vector<Commitment> commitments() const {
    std::vector<Commitment> out;
    for (const auto& c : committed) out.push_back(c.commitment());
    return out;
  }
  OpeningProof prove(std::string_view label = "test") const {
    std::vector<const CommittedPolynomials*> ptrs;
    for (const auto& c : committed) ptrs.push_back(&c);
    Transcript t(label);
    auto proof = open(params, ptrs, claims, t);
    EXPECT_TRUE(proof.ok()) << proof.error();
    return std::move(*proof);
  }
  Status check(const OpeningProof& proof, std::string_view label = "test") const {
    Transcript t(label);
    return verify(params, commitments(), claims, proof, t);
  }
  Status check_bytes(std::span<const uint8_t> bytes) const {
    Transcript t("test");
    return verify_bytes(params, commitments(), claims, bytes, t);
  }
};

TEST(Pcs, RoundTripSinglePolynomialAllSmallSizes) {
  std::mt19937_64 rng(10);
  for (size_t vars = 0; vars <= 9; ++vars) {
    Fixture fx;
    fx.add_commitment(rng, vars, 1);
    fx.add_claim(0, 0, random_point(rng, vars));
    const OpeningProof proof = fx.prove();
    const Status s = fx.check(proof);
    EXPECT_TRUE(s.ok()) << "vars " << vars << ": " << s.error();
    EXPECT_TRUE(fx.check_bytes(proof.serialize()).ok()) << vars;
  }
}

TEST(Pcs, RoundTripLarger) {
  std::mt19937_64 rng(11);
  const size_t vars = sanitized() ? 11 : 16;
  Fixture fx;
  fx.add_commitment(rng, vars, 1);
  fx.add_claim(0, 0, random_point(rng, vars));
  const OpeningProof proof = fx.prove();
  const Status s = fx.check_bytes(proof.serialize());
  EXPECT_TRUE(s.ok()) << s.error();
}

TEST(Pcs, BatchOddPolynomialCountOnePoint) {
  std::mt19937_64 rng(12);
  Fixture fx;
  fx.add_commitment(rng, 7, 3);
  const auto point = random_point(rng, 7);
  for (uint32_t j = 0; j < 3; ++j) fx.add_claim(0, j, point);
  const OpeningProof proof = fx.prove();
  EXPECT_TRUE(proof.batching_sumcheck.empty());
  const Status s = fx.check_bytes(proof.serialize());
  EXPECT_TRUE(s.ok()) << s.error();
}

TEST(Pcs, BatchManySizesPointsAndRepeats) {
  std::mt19937_64 rng(13);
  Fixture fx;
  fx.add_commitment(rng, 9, 3);
  fx.add_commitment(rng, 2, 1);
  fx.add_commitment(rng, 6, 2);
  fx.add_commitment(rng, 0, 1);
  fx.add_commitment(rng, 9, 1);  // committed but not claimed
  const auto p9 = random_point(rng, 9);
  fx.add_claim(0, 0, p9);
  fx.add_claim(0, 2, p9);
  fx.add_claim(0, 2, random_point(rng, 9));
  fx.add_claim(0, 2, p9);  // repeated claim
  fx.add_claim(1, 0, random_point(rng, 2));
  fx.add_claim(2, 1, random_point(rng, 6));
  fx.add_claim(2, 1, random_point(rng, 6));
  fx.add_claim(3, 0, {});
  const OpeningProof proof = fx.prove();
  EXPECT_FALSE(proof.batching_sumcheck.empty());
  const Status s = fx.check_bytes(proof.serialize());
  EXPECT_TRUE(s.ok()) << s.error();
}

TEST(Pcs, BenchmarkJsonLine) {
  const std::string line = pcs_benchmark_json(sanitized() ? 8 : 12);
  EXPECT_NE(line.find("\"what\":\"pcs\""), std::string::npos);
  EXPECT_NE(line.find("\"proof_bytes\":"), std::string::npos);
}

}  // namespace
}  // namespace zk::pcs
