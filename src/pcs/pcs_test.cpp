#include "pcs/pcs.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <set>
#include <string>

#include "base/parallel.hpp"
#include "pcs/pcs_bench.hpp"
#include "pcs/randomness.hpp"
#include "pcs/schedule.hpp"
#include "sumcheck/zk_sumcheck.hpp"

namespace zk::pcs {
namespace {

bool sanitized() { return std::getenv("ZKINFER_SANITIZED") != nullptr; }

std::string to_hex(const Digest& d) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : d) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

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
  std::vector<SumClaim> sum_claims;

  void add_tables(std::span<const std::span<const F>> tables) {
    auto c = commit(tables, params);
    ASSERT_TRUE(c.ok()) << c.error();
    committed.push_back(std::move(*c));
  }
  void add_commitment(std::mt19937_64& rng, size_t vars, size_t polys) {
    std::vector<std::vector<F>> tables;
    for (size_t j = 0; j < polys; ++j) tables.push_back(random_table(rng, vars));
    add_tables(std::vector<std::span<const F>>(tables.begin(), tables.end()));
  }
  void add_claim(uint32_t commitment, uint32_t poly, std::vector<E> point) {
    const E value = evaluate(committed[commitment], poly, point);
    claims.push_back({PolyRef{commitment, poly}, std::move(point), value});
  }
  // A sum claim over the given terms, with its true value.
  void add_sum_claim(std::vector<SumTerm> terms) {
    E value;
    for (const SumTerm& t : terms) value += t.coefficient * evaluate(committed[t.poly.commitment], t.poly.poly, t.point);
    sum_claims.push_back({std::move(terms), value});
  }
  std::vector<Commitment> commitments() const {
    std::vector<Commitment> out;
    for (const auto& c : committed) out.push_back(c.commitment());
    return out;
  }
  OpeningProof prove(std::string_view label = "test", const detail::MessageTamper& tamper = {}) const {
    std::vector<const CommittedPolynomials*> ptrs;
    for (const auto& c : committed) ptrs.push_back(&c);
    Transcript t(label);
    auto proof = detail::open_tampered(params, ptrs, claims, sum_claims, t, tamper);
    EXPECT_TRUE(proof.ok()) << proof.error();
    return std::move(*proof);
  }
  Status check(const OpeningProof& proof, std::string_view label = "test") const {
    Transcript t(label);
    return verify(params, commitments(), claims, sum_claims, proof, t);
  }
  Status check_bytes(std::span<const uint8_t> bytes) const {
    Transcript t("test");
    return verify_bytes(params, commitments(), claims, sum_claims, bytes, t);
  }
};

// Suites run with plain and with hiding commitments (GetParam() = hiding).
struct PcsModes : ::testing::TestWithParam<bool> {};
struct PcsSumClaims : ::testing::TestWithParam<bool> {};
struct PcsGrinding : ::testing::TestWithParam<bool> {};
struct PcsEncoding : ::testing::TestWithParam<bool> {};
struct PcsBatchingModes : ::testing::TestWithParam<bool> {};
struct PcsBinding : ::testing::TestWithParam<bool> {};
struct PcsStatement : ::testing::TestWithParam<bool> {};
struct PcsCommitment : ::testing::TestWithParam<bool> {};
struct PcsParamsModes : ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(PlainAndHiding, PcsModes, ::testing::Bool());
INSTANTIATE_TEST_SUITE_P(PlainAndHiding, PcsSumClaims, ::testing::Bool());
INSTANTIATE_TEST_SUITE_P(PlainAndHiding, PcsGrinding, ::testing::Bool());
INSTANTIATE_TEST_SUITE_P(PlainAndHiding, PcsEncoding, ::testing::Bool());
INSTANTIATE_TEST_SUITE_P(PlainAndHiding, PcsBatchingModes, ::testing::Bool());
INSTANTIATE_TEST_SUITE_P(PlainAndHiding, PcsBinding, ::testing::Bool());
INSTANTIATE_TEST_SUITE_P(PlainAndHiding, PcsStatement, ::testing::Bool());
INSTANTIATE_TEST_SUITE_P(PlainAndHiding, PcsCommitment, ::testing::Bool());
INSTANTIATE_TEST_SUITE_P(PlainAndHiding, PcsParamsModes, ::testing::Bool());

TEST_P(PcsModes, RoundTripSinglePolynomialAllSmallSizes) {
  std::mt19937_64 rng(10);
  for (size_t vars = 0; vars <= 9; ++vars) {
    Fixture fx;
    fx.params.hiding = GetParam();
    fx.add_commitment(rng, vars, 1);
    fx.add_claim(0, 0, random_point(rng, vars));
    const OpeningProof proof = fx.prove();
    const Status s = fx.check(proof);
    EXPECT_TRUE(s.ok()) << "vars " << vars << ": " << s.error();
    EXPECT_TRUE(fx.check_bytes(proof.serialize()).ok()) << vars;
  }
}

TEST_P(PcsModes, RoundTripLarger) {
  std::mt19937_64 rng(11);
  const size_t vars = sanitized() ? 11 : 16;
  Fixture fx;
  fx.params.hiding = GetParam();
  fx.add_commitment(rng, vars, 1);
  fx.add_claim(0, 0, random_point(rng, vars));
  const OpeningProof proof = fx.prove();
  const Status s = fx.check_bytes(proof.serialize());
  EXPECT_TRUE(s.ok()) << s.error();
}

TEST_P(PcsModes, BatchOddPolynomialCountOnePoint) {
  std::mt19937_64 rng(12);
  Fixture fx;
  fx.params.hiding = GetParam();
  fx.add_commitment(rng, 7, 3);
  const auto point = random_point(rng, 7);
  for (uint32_t j = 0; j < 3; ++j) fx.add_claim(0, j, point);
  const OpeningProof proof = fx.prove();
  EXPECT_TRUE(proof.batching_sumcheck.empty());  // a grid: every polynomial at every point
  const Status s = fx.check_bytes(proof.serialize());
  EXPECT_TRUE(s.ok()) << s.error();
}

TEST_P(PcsModes, BatchManySizesPointsAndRepeats) {
  std::mt19937_64 rng(13);
  Fixture fx;
  fx.params.hiding = GetParam();
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

// ---- Hiding commitments and zero-knowledge openings ---------------------------------------

TEST(PcsHiding, BatchedMixedCommitmentsSizesAndSumClaims) {
  std::mt19937_64 rng(50);
  for (const Params base : {conjectured_params(), proven_params()}) {
    Fixture fx;
    fx.params = base;
    fx.params.hiding = true;
    fx.add_commitment(rng, 11, 2);
    fx.add_commitment(rng, 3, 1);
    fx.params.hiding = false;
    fx.add_commitment(rng, 9, 1);  // a plain commitment in the same opening
    fx.params.hiding = true;
    fx.add_commitment(rng, 16, 1);
    const auto p11 = random_point(rng, 11);
    fx.add_claim(0, 0, p11);
    fx.add_claim(0, 1, p11);
    fx.add_claim(0, 1, random_point(rng, 11));
    fx.add_claim(1, 0, random_point(rng, 3));
    fx.add_claim(2, 0, random_point(rng, 9));
    auto block = random_point(rng, 16);
    block[0] = E::one();
    fx.add_claim(3, 0, block);
    fx.add_sum_claim({{PolyRef{0, 0}, random_point(rng, 11), E::random(rng)},
                      {PolyRef{2, 0}, random_point(rng, 9), E::one()},
                      {PolyRef{3, 0}, random_point(rng, 16), E::random(rng)}});
    const OpeningProof proof = fx.prove();
    EXPECT_FALSE(proof.mask_lines.empty());
    const Status s = fx.check_bytes(proof.serialize());
    EXPECT_TRUE(s.ok()) << s.error();
  }
}

TEST(PcsHiding, MaskedTableHoldsTheTableAndEvaluatesIt) {
  std::mt19937_64 rng(51);
  for (uint32_t vars : {0u, 4u, 12u, 13u}) {
    const std::vector<F> table = random_table(rng, vars);
    Params params = conjectured_params();
    params.hiding = true;
    const std::span<const F> spans[] = {table};
    auto c = commit(spans, params);
    ASSERT_TRUE(c.ok()) << c.error();
    const uint32_t k = detail::min_mask_vars(vars);
    ASSERT_EQ(c->table(0).size(), size_t{1} << (1 + vars + k));
    EXPECT_GE(((size_t{1} << k) - 1) << vars, size_t{1} << 12) << "mask size";
    for (size_t x = 0; x < table.size(); ++x) EXPECT_EQ(c->table(0)[x << k], table[x]);
    const auto point = random_point(rng, vars);
    EXPECT_EQ(evaluate(*c, 0, point), (evaluate_multilinear<E, F>(table, point)));
  }
}

TEST(PcsHiding, TwoCommitmentsOfOneTableDiffer) {
  std::mt19937_64 rng(52);
  const std::vector<F> table = random_table(rng, 10);
  Params params = conjectured_params();
  params.hiding = true;
  const std::span<const F> spans[] = {table};
  auto a = commit(spans, params);
  auto b = commit(spans, params);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->commitment().root, b->commitment().root);
  EXPECT_NE(a->commitment().ood, b->commitment().ood);
  std::vector<F> leaf_a(detail::leaf_size(a->commitment())), leaf_b(leaf_a.size());
  a->leaf(0, leaf_a.data());
  b->leaf(0, leaf_b.data());
  EXPECT_NE(leaf_a, leaf_b);
  params.hiding = false;
  auto plain = commit(spans, params);
  auto again = commit(spans, params);
  EXPECT_EQ(plain->commitment(), again->commitment());
}

// Every field element an opening reveals: messages, values, opened leaves (with salts), the final
// polynomial, and the commitment's OOD answers; extension elements as both coordinates.
std::vector<F> revealed_elements(const OpeningProof& p, const Commitment& c) {
  std::vector<F> out;
  auto add = [&](const E& x) {
    out.push_back(x.c0());
    out.push_back(x.c1());
  };
  auto add_messages = [&](const std::vector<SumcheckMessage>& msgs) {
    for (const auto& m : msgs) {
      add(m.at0);
      add(m.at1);
      add(m.at2);
    }
  };
  for (const E& x : p.mask_lines) add(x);
  add_messages(p.batching_sumcheck);
  for (const E& x : p.batched_values) add(x);
  for (const RoundProof& r : p.rounds) {
    add_messages(r.sumcheck);
    for (const E& x : r.ood_answers) add(x);
    for (const auto& o : r.base_openings) out.insert(out.end(), o.values.begin(), o.values.end());
    for (const E& x : r.openings.values) add(x);
  }
  for (const E& x : p.final_table) add(x);
  add_messages(p.final_sumcheck);
  for (const E& x : c.ood) add(x);
  return out;
}

// A structured table (small integers) and a constant one: no element a hiding opening reveals is
// an entry of the table (or its negation). The constant table shows the scan has teeth: a plain
// opening of it reveals its entry (its codeword is constant).
TEST(PcsHiding, NoRevealedElementIsATableEntry) {
  std::mt19937_64 rng(53);
  std::vector<F> structured(size_t{1} << 12), constant(size_t{1} << 12, F::from_u64(7));
  for (F& x : structured) x = F::from_u64(rng() % 16);
  for (const auto* table : {&structured, &constant}) {
    std::set<uint64_t> entries;
    for (const F& x : *table) {
      entries.insert(x.value());
      entries.insert((-x).value());
    }
    for (bool hiding : {true, false}) {
      Fixture fx;
      fx.params.hiding = hiding;
      const std::span<const F> spans[] = {*table};
      fx.add_tables(spans);
      fx.add_claim(0, 0, random_point(rng, 12));
      const OpeningProof proof = fx.prove();
      ASSERT_TRUE(fx.check(proof).ok());
      size_t hits = 0;
      for (const F& x : revealed_elements(proof, fx.committed[0].commitment())) hits += entries.count(x.value());
      if (hiding) {
        EXPECT_EQ(hits, 0u);
      } else if (table == &constant) {
        EXPECT_GT(hits, 0u);
      }
    }
  }
}

// Tables with a free tail of 2^c entries (zero), the rest random.
std::vector<F> table_with_free_tail(std::mt19937_64& rng, uint32_t vars, uint32_t c) {
  std::vector<F> t = random_table(rng, vars);
  std::fill(t.end() - (std::ptrdiff_t{1} << c), t.end(), F::zero());
  return t;
}

// A claim point on the table outside its last 2^c entries: a block whose first coordinate is 0.
std::vector<E> point_off_the_tail(std::mt19937_64& rng, uint32_t vars) {
  std::vector<E> z = random_point(rng, vars);
  z[0] = E::zero();
  return z;
}

// With a free tail covering the opening, the mask lives there: no mask variables (half the
// committed size of the smallest masked one), the table's variables reversed outside the tail,
// the tail's 2^c entries and the second half uniform (none equal to zero), and evaluate() still
// gives the caller's table.
TEST(PcsHidingTail, MaskedTableIsTheReversedTableWithAUniformTail) {
  std::mt19937_64 rng(60);
  const uint32_t vars = 16, c = 13;
  const std::vector<F> table = table_with_free_tail(rng, vars, c);
  Params params = conjectured_params();
  params.hiding = true;
  params.hiding_tail_vars = c;
  const std::span<const F> spans[] = {table};
  auto tail = commit(spans, params);
  ASSERT_TRUE(tail.ok()) << tail.error();
  EXPECT_EQ(tail->commitment().mask_vars, 0u);
  EXPECT_EQ(tail->commitment().tail_vars, c);
  params.hiding_tail_vars = 0;
  auto masked = commit(spans, params);
  ASSERT_TRUE(masked.ok());
  EXPECT_EQ(2 * tail->table(0).size(), masked->table(0).size());
  const std::span<const F> t = tail->table(0);
  ASSERT_EQ(t.size(), size_t{2} << vars);
  size_t tail_entries = 0;
  for (size_t i = 0; i < table.size(); ++i) {
    size_t x = 0;
    for (uint32_t b = 0; b < vars; ++b) x |= ((i >> b) & 1) << (vars - 1 - b);
    if (x >= table.size() - (size_t{1} << c)) {
      ++tail_entries;
      EXPECT_EQ((i & ((size_t{1} << (vars - c)) - 1)), (size_t{1} << (vars - c)) - 1) << "top-degree slots";
      EXPECT_NE(t[i], F::zero());
    } else {
      EXPECT_EQ(t[i], table[x]);
    }
  }
  EXPECT_EQ(tail_entries, size_t{1} << c);
  for (size_t i = table.size(); i < t.size(); ++i) ASSERT_NE(t[i], F::zero());
  // The same table in the caller's variable order, half by half (read at the claims' points).
  const std::span<const F> natural = tail->natural_table(0);
  ASSERT_EQ(natural.size(), t.size());
  for (size_t x = 0; x < table.size(); ++x) {
    size_t i = 0;
    for (uint32_t b = 0; b < vars; ++b) i |= ((x >> b) & 1) << (vars - 1 - b);
    ASSERT_EQ(natural[x], t[i]);
    ASSERT_EQ(natural[table.size() + x], t[table.size() + i]);
  }
  EXPECT_TRUE(masked->natural_table(0).empty());
  const auto z = point_off_the_tail(rng, vars);
  EXPECT_EQ(evaluate(*tail, 0, z), (evaluate_multilinear<E, F>(table, z)));
}

// The tail is used only when it is free and covers the openings asked for; otherwise commit()
// masks with variables, or refuses a tail holding data.
TEST(PcsHidingTail, FallsBackOrRefuses) {
  std::mt19937_64 rng(61);
  Params params = conjectured_params();
  params.hiding = true;
  params.hiding_tail_vars = 3;  // 8 entries cover no opening
  std::vector<F> table = table_with_free_tail(rng, 14, 13);
  const std::span<const F> spans[] = {table};
  auto small = commit(spans, params);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->commitment().tail_vars, 0u);
  EXPECT_EQ(small->commitment().mask_vars, detail::min_mask_vars(14));
  params.hiding_tail_vars = 13;
  params.hiding_openings = 100;  // more than 2^13 points of Phi cover
  auto many = commit(spans, params);
  ASSERT_TRUE(many.ok());
  EXPECT_EQ(many->commitment().tail_vars, 0u);
  params.hiding_openings = 1;
  table.back() = F::one();
  EXPECT_EQ(commit(spans, params).error(), "pcs commit: the hiding tail of a table is not free");
}

// Openings of tail-masked commitments (with other commitments, block, dense and sum claims, both
// parameter sets) verify from their bytes; the commitment's encoding round-trips; no revealed
// element is an entry of a structured table; tampering with a claim or the tail flag fails.
TEST(PcsHidingTail, OpeningsVerifyAndRevealNoEntry) {
  std::mt19937_64 rng(62);
  for (const Params base : {conjectured_params(), proven_params()}) {
    Fixture fx;
    fx.params = base;
    fx.params.hiding = true;
    fx.params.hiding_tail_vars = 13;
    std::vector<F> structured(size_t{1} << 15, F::zero());
    for (size_t i = 0; i + (size_t{1} << 13) < structured.size(); ++i) structured[i] = F::from_u64(rng() % 16);
    const std::vector<F> other = table_with_free_tail(rng, 15, 13);
    const std::span<const F> spans[] = {structured, other};
    fx.add_tables(spans);
    fx.params.hiding_tail_vars = 0;
    fx.add_commitment(rng, 10, 1);  // masked with a variable, in the same opening
    ASSERT_EQ(fx.committed[0].commitment().tail_vars, 13u);
    ASSERT_EQ(fx.committed[1].commitment().tail_vars, 0u);
    const auto shared = point_off_the_tail(rng, 15);
    fx.add_claim(0, 0, shared);
    fx.add_claim(0, 1, shared);
    auto block = point_off_the_tail(rng, 15);
    block[1] = E::one();
    block[2] = E::zero();
    fx.add_claim(0, 1, block);
    fx.add_claim(1, 0, random_point(rng, 10));
    fx.add_sum_claim({{PolyRef{0, 0}, point_off_the_tail(rng, 15), E::random(rng)},
                      {PolyRef{1, 0}, random_point(rng, 10), E::one()}});
    const OpeningProof proof = fx.prove();
    const Status s = fx.check_bytes(proof.serialize());
    EXPECT_TRUE(s.ok()) << s.error();

    std::set<uint64_t> entries;
    for (const F& x : structured) {
      entries.insert(x.value());
      entries.insert((-x).value());
    }
    size_t hits = 0;
    for (const F& x : revealed_elements(proof, fx.committed[0].commitment())) hits += entries.count(x.value());
    EXPECT_EQ(hits, 0u);

    ByteWriter w;
    fx.committed[0].commitment().serialize(w);
    ByteReader r(w.bytes());
    auto back = Commitment::deserialize(r);
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(*back, fx.committed[0].commitment());

    std::vector<EvalClaim> wrong = fx.claims;
    wrong[2].value += E::one();
    Transcript t1("test");
    EXPECT_FALSE(verify(fx.params, fx.commitments(), wrong, fx.sum_claims, proof, t1).ok());
    std::vector<Commitment> flags = fx.commitments();
    flags[0].tail_vars = 12;  // another tail: other OOD points
    Transcript t2("test");
    EXPECT_FALSE(verify(fx.params, flags, fx.claims, fx.sum_claims, proof, t2).ok());
  }
}

struct HidingTamper : ::testing::Test {
  Fixture fx;
  OpeningProof proof;
  void SetUp() override {
    std::mt19937_64 rng(54);
    fx.params.pow_bits = 0;
    fx.params.hiding = true;
    fx.add_commitment(rng, 13, 2);
    fx.add_claim(0, 0, random_point(rng, 13));
    fx.add_claim(0, 1, random_point(rng, 13));
    proof = fx.prove();
    ASSERT_TRUE(fx.check(proof).ok());
  }
};

TEST_F(HidingTamper, MaskLine) {
  // A wrong mask line (the prover carrying on consistently) makes a wrong claim on the opened
  // polynomial: the first sum-check round no longer matches it.
  detail::MessageTamper tamper;
  tamper.mask_lines = [](std::vector<E>& lines) { lines[1] += E::one(); };
  EXPECT_EQ(fx.check(fx.prove("test", tamper)).error(), "pcs: sum-check round inconsistent with the claim");
  OpeningProof p = proof;
  p.mask_lines.pop_back();
  EXPECT_EQ(fx.check(p).error(), "pcs: proof shape: mask lines");
}

TEST_F(HidingTamper, SaltAndMaskedLeafValue) {
  OpeningProof p = proof;
  auto& values = p.rounds[0].base_openings[0].values;
  values[detail::leaf_size(fx.committed[0].commitment()) - 1] += F::one();  // the first leaf's salt
  EXPECT_EQ(fx.check(p).error(), "pcs: round 0: merkle: root mismatch");
  p = proof;
  p.rounds[0].base_openings[0].values[40] += F::one();  // second polynomial, upper half of the coset
  EXPECT_EQ(fx.check(p).error(), "pcs: round 0: merkle: root mismatch");
}

TEST_F(HidingTamper, HidingFlagOfTheCommitment) {
  // The flag changes the commitment's encoding, OOD points and leaf shape: a plain reading of a
  // hiding commitment rejects.
  auto& hiding = const_cast<bool&>(fx.committed[0].commitment().hiding);
  hiding = false;
  EXPECT_FALSE(fx.check(proof).ok());
  EXPECT_FALSE(fx.check_bytes(proof.serialize()).ok());
  hiding = true;
  EXPECT_TRUE(fx.check(proof).ok());
}

TEST(PcsHiding, MaskFoldProofOfWork) {
  std::mt19937_64 rng(55);
  Fixture strict;
  strict.params.security_bits = 118;
  strict.params.hiding = true;
  strict.add_commitment(rng, 12, 1);
  strict.add_claim(0, 0, random_point(rng, 12));
  OpeningProof q = strict.prove();
  ASSERT_TRUE(strict.check(q).ok());
  q.mask_fold_pow_nonce = q.mask_fold_pow_nonce == 0 ? 1 : q.mask_fold_pow_nonce - 1;
  EXPECT_EQ(strict.check(q).error(), "pcs: mask folding proof of work invalid");
}

// The zero-knowledge sum-check with its mask committed hiding: the mask's claim g(r) is a sum
// claim on the mask table (two base-field polynomials: the coordinates of its E entries), proven
// in the same transcript after the sum-check.
TEST(PcsHiding, ZeroKnowledgeSumcheckWithItsMaskOpened) {
  std::mt19937_64 rng(56);
  const size_t n = 9, degree = 3;
  std::vector<std::vector<F>> tables(3);
  for (auto& t : tables) t = random_table(rng, n);
  std::vector<SumcheckTerm<E>> terms{{E::random(rng), {0, 1, 2}}, {E::random(rng), {1}}};
  const auto terms_span = std::span<const SumcheckTerm<E>>(terms);
  const E claim = sum_over_hypercube<E, F>(tables, terms_span);
  const SumcheckMask<E> mask = sample_sumcheck_mask<E>(n, degree, rng);
  const std::vector<E> mask_entries = mask_table(mask);
  std::vector<F> c0, c1;
  for (const E& x : mask_entries) {
    c0.push_back(x.c0());
    c1.push_back(x.c1());
  }
  Fixture fx;
  fx.params.hiding = true;
  const std::span<const F> spans[] = {c0, c1};
  fx.add_tables(spans);
  const Commitment commitment = fx.committed[0].commitment();
  auto absorb_commitment = [&](Transcript& t) {
    ByteWriter w;
    commitment.serialize(w);
    t.absorb_bytes("test/mask commitment", w.bytes());
  };
  auto mask_claim = [&](std::span<const E> point, const E& value) {
    SumClaim sum{{}, value};
    for (const auto& p : mask_claim_points<E>(point, degree)) {
      sum.terms.push_back({PolyRef{0, 0}, p, E::one()});
      sum.terms.push_back({PolyRef{0, 1}, p, E(F::zero(), F::one())});
    }
    return sum;
  };
  // Prover.
  Transcript pt("zk-sumcheck-with-pcs");
  absorb_commitment(pt);
  const auto out = prove_zk_sumcheck<F, E>(pt, tables, terms_span, claim, mask);
  const std::vector<SumClaim> prover_sums{mask_claim(out.point, out.proof.mask_value)};
  const std::vector<const CommittedPolynomials*> provers{&fx.committed[0]};
  auto opening = open(fx.params, provers, {}, prover_sums, pt);
  ASSERT_TRUE(opening.ok()) << opening.error();
  // Verifier.
  auto verify_all = [&](const ZkSumcheckProof<E>& proof) -> Status {
    Transcript vt("zk-sumcheck-with-pcs");
    absorb_commitment(vt);
    auto result = verify_zk_sumcheck<E>(vt, n, degree, claim, proof);
    if (!result) return fail(result.error());
    std::vector<E> evals;
    for (const auto& t : tables) evals.push_back(evaluate_multilinear<E, F>(t, result->point));
    ZK_TRY(check_final_evaluation<E>(result->as_sumcheck_claim(), terms, evals));
    const std::vector<SumClaim> sums{mask_claim(result->point, result->mask_value)};
    const std::vector<Commitment> commitments{commitment};
    ZK_TRY(verify(fx.params, commitments, {}, sums, *opening, vt));
    if (vt.state() != pt.state()) return fail("transcripts differ");
    return {};
  };
  const Status ok = verify_all(out.proof);
  EXPECT_TRUE(ok.ok()) << ok.error();
  ZkSumcheckProof<E> wrong = out.proof;
  wrong.mask_value += E::one();
  EXPECT_EQ(verify_all(wrong).error(), "sumcheck: final evaluation mismatch");
}

// Sum claims (only the sum public): alone, mixed with ordinary claims, over several commitments
// and sizes, with terms at 0/1 (block) points.
TEST_P(PcsSumClaims, RoundTripMixedWithOrdinaryClaims) {
  std::mt19937_64 rng(40);
  Fixture fx;
  fx.params.hiding = GetParam();
  fx.add_commitment(rng, 10, 2);
  fx.add_commitment(rng, 5, 1);
  fx.add_sum_claim({{PolyRef{0, 0}, random_point(rng, 10), E::random(rng)},
                    {PolyRef{0, 1}, random_point(rng, 10), E::one()},
                    {PolyRef{1, 0}, random_point(rng, 5), E::random(rng)}});
  OpeningProof proof = fx.prove();
  EXPECT_TRUE(fx.check_bytes(proof.serialize()).ok());
  auto block = random_point(rng, 10);
  block[0] = E::one();
  block[1] = E::zero();
  fx.add_sum_claim({{PolyRef{0, 0}, block, E::from_u64(3)}});
  fx.add_claim(0, 1, random_point(rng, 10));
  fx.add_claim(1, 0, random_point(rng, 5));
  proof = fx.prove();
  const Status s = fx.check_bytes(proof.serialize());
  EXPECT_TRUE(s.ok()) << s.error();
}

// The prover evaluates claim points on their support only (leading and trailing 0/1 coordinates)
// and reuses those evaluations in the batching sum-check's head rounds (a table of >= 2^18
// entries claimed at points without a leading 0/1 coordinate): points of each kind.
TEST_P(PcsSumClaims, PointsWithBooleanPrefixesAndSuffixes) {
  std::mt19937_64 rng(41);
  Fixture fx;
  fx.params.hiding = GetParam();
  fx.add_commitment(rng, 18, 1);
  fx.add_commitment(rng, 12, 1);
  // z with the coordinates from `first` on set to `bits`.
  auto with_bits = [](std::vector<E> z, size_t first, std::initializer_list<uint64_t> bits) {
    for (uint64_t b : bits) z[first++] = E::from_u64(b);
    return z;
  };
  auto suffix = [&](size_t vars, std::initializer_list<uint64_t> bits) {
    return with_bits(random_point(rng, vars), vars - bits.size(), bits);
  };
  std::vector<E> boolean(12);
  for (size_t k = 0; k < boolean.size(); ++k) boolean[k] = E::from_u64((0x5a3 >> k) & 1);
  fx.add_claim(0, 0, suffix(18, {1, 0, 1}));
  fx.add_sum_claim({{PolyRef{0, 0}, suffix(18, {0}), E::random(rng)},
                    {PolyRef{0, 0}, random_point(rng, 18), E::random(rng)},
                    {PolyRef{1, 0}, with_bits(suffix(12, {1, 1}), 0, {0, 1}), E::one()}});
  fx.add_sum_claim({{PolyRef{0, 0}, suffix(18, {1, 0, 1}), E::random(rng)},
                    {PolyRef{1, 0}, boolean, E::random(rng)},
                    {PolyRef{1, 0}, with_bits(random_point(rng, 12), 0, {1}), E::random(rng)}});
  const OpeningProof proof = fx.prove();
  const Status s = fx.check_bytes(proof.serialize());
  EXPECT_TRUE(s.ok()) << s.error();
}

TEST_P(PcsSumClaims, Rejections) {
  std::mt19937_64 rng(41);
  Fixture fx;
  fx.params.hiding = GetParam();
  fx.add_commitment(rng, 8, 1);
  fx.add_sum_claim({{PolyRef{0, 0}, random_point(rng, 8), E::from_u64(5)},
                    {PolyRef{0, 0}, random_point(rng, 8), E::from_u64(7)}});
  const OpeningProof proof = fx.prove();
  ASSERT_TRUE(fx.check(proof).ok());
  Fixture wrong = std::move(fx);
  wrong.sum_claims[0].value += E::one();
  EXPECT_EQ(wrong.check(proof).error(), "pcs: sum-check round inconsistent with the claim");
  wrong.sum_claims[0].value -= E::one();
  wrong.sum_claims[0].terms[1].coefficient += E::one();  // bound by the transcript and the weight
  EXPECT_EQ(wrong.check(proof).error(), "pcs: sum-check round inconsistent with the claim");
  wrong.sum_claims[0].terms[1].coefficient -= E::one();
  ASSERT_TRUE(wrong.check(proof).ok());
  // A proof of the true sum does not prove a false one, even made by the honest code.
  wrong.sum_claims[0].value += E::one();
  EXPECT_EQ(wrong.check(wrong.prove()).error(), "pcs: sum-check round inconsistent with the claim");
  wrong.sum_claims[0].terms.clear();
  EXPECT_EQ(wrong.check(proof).error(), "pcs: a sum claim has no terms");
  wrong.sum_claims[0].terms.push_back({PolyRef{0, 0}, random_point(rng, 7), E::one()});
  EXPECT_EQ(wrong.check(proof).error(), "pcs: claim point has the wrong number of coordinates");
}

// A proof of one polynomial with enough variables for two committed rounds and a final one.
// Without grinding, so that each later check is reached (any change to absorbed data before a
// proof of work otherwise invalidates that proof of work first; see ProofOfWork). Every test runs
// with a plain and with a hiding commitment.
struct Tamper : ::testing::TestWithParam<bool> {
  Fixture fx;
  OpeningProof proof;
  void SetUp() override {
    std::mt19937_64 rng(20);
    fx.params.pow_bits = 0;
    fx.params.hiding = GetParam();
    fx.add_commitment(rng, 14, 1);
    fx.add_claim(0, 0, random_point(rng, 14));
    proof = fx.prove();
    ASSERT_GE(proof.rounds.size(), 2u);
    ASSERT_TRUE(fx.check(proof).ok());
  }
  std::string reject(const OpeningProof& p) {
    const Status s = fx.check(p);
    EXPECT_FALSE(s.ok());
    // The encoding round-trips: the byte path gives the same verdict.
    const Status b = fx.check_bytes(p.serialize());
    EXPECT_EQ(b.ok(), s.ok());
    return s.ok() ? "" : s.error();
  }
};

TEST_P(Tamper, WrongEvaluation) {
  fx.claims[0].value += E::one();
  EXPECT_EQ(reject(proof), "pcs: sum-check round inconsistent with the claim");
}

TEST_P(Tamper, WrongPoint) {
  fx.claims[0].point[3] += E::one();
  EXPECT_EQ(reject(proof), "pcs: sum-check round inconsistent with the claim");
}

TEST_P(Tamper, SumcheckMessage) {
  OpeningProof p = proof;
  p.rounds[0].sumcheck[2].at2 += E::one();  // consistent with the claim, wrong polynomial
  EXPECT_EQ(reject(p), "pcs: sum-check round inconsistent with the claim");
  p = proof;
  p.rounds[1].sumcheck[0].at0 += E::one();
  EXPECT_EQ(reject(p), "pcs: sum-check round inconsistent with the claim");
}

TEST_P(Tamper, LastSumcheckMessageCaughtByFinalCheck) {
  // Changing at1 and at0 together keeps at0 + at1; the error surfaces at the final evaluation.
  OpeningProof p = proof;
  auto& msg = p.final_sumcheck.empty() ? p.rounds.back().sumcheck.back() : p.final_sumcheck.back();
  msg.at0 += E::one();
  msg.at1 -= E::one();
  EXPECT_EQ(reject(p), "pcs: final evaluation check failed");
}

TEST_P(Tamper, OutOfDomainAnswer) {
  detail::MessageTamper tamper;
  tamper.ood_answers = [](size_t round, std::vector<E>& answers) {
    if (round == 0) answers[1] += E::one();
  };
  EXPECT_EQ(reject(fx.prove("test", tamper)), "pcs: sum-check round inconsistent with the claim");
}

TEST_P(Tamper, FinalPolynomial) {
  detail::MessageTamper tamper;
  tamper.final_table = [](std::vector<E>& table) { table[0] += E::one(); };
  EXPECT_EQ(reject(fx.prove("test", tamper)), "pcs: final polynomial disagrees with a queried fold");
}

TEST_P(Tamper, AbsorbedMessageChangedAfterTheFact) {
  // Changing a message after the proof was made changes every later challenge.
  OpeningProof p = proof;
  p.final_table[0] += E::one();
  EXPECT_FALSE(fx.check(p).ok());
}

TEST_P(Tamper, CommittedLeafValue) {
  OpeningProof p = proof;
  p.rounds[0].base_openings[0].values[5] += F::one();
  EXPECT_EQ(reject(p), "pcs: round 0: merkle: root mismatch");
  p = proof;
  p.rounds[1].openings.values[3] += E::one();
  EXPECT_EQ(reject(p), "pcs: round 1: merkle: root mismatch");
}

TEST_P(Tamper, MerklePath) {
  OpeningProof p = proof;
  p.rounds[0].base_openings[0].nodes[0][7] ^= 1;
  EXPECT_EQ(reject(p), "pcs: round 0: merkle: root mismatch");
  p = proof;
  p.rounds[1].openings.nodes.back()[0] ^= 1;
  EXPECT_EQ(reject(p), "pcs: round 1: merkle: root mismatch");
  p = proof;
  p.rounds[0].base_openings[0].nodes.pop_back();
  EXPECT_EQ(reject(p), "pcs: round 0: merkle: multi-proof too short");
}

TEST_P(Tamper, FoldedOracleRoot) {
  detail::MessageTamper tamper;
  tamper.next_root = [](size_t round, Digest& root) {
    if (round == 0) root[0] ^= 1;
  };
  EXPECT_EQ(reject(fx.prove("test", tamper)), "pcs: round 1: merkle: root mismatch");
}

TEST_P(Tamper, WrongCommitmentRoot) {
  // The root is absorbed before any challenge: the folding challenges change, and the second
  // sum-check message no longer matches.
  Digest& root = const_cast<Digest&>(fx.committed[0].commitment().root);
  const Digest saved = root;
  root[31] ^= 0x80;
  EXPECT_EQ(reject(proof), "pcs: sum-check round inconsistent with the claim");
  root = saved;
}

TEST_P(Tamper, CommitmentOutOfDomainAnswer) {
  auto& ood = const_cast<std::vector<E>&>(fx.committed[0].commitment().ood);
  ood[1] += E::one();
  EXPECT_EQ(reject(proof), "pcs: sum-check round inconsistent with the claim");
  ood[1] -= E::one();
  ood.pop_back();
  EXPECT_EQ(fx.check(proof).error(), "pcs: commitment lacks its OOD answers");
}

TEST_P(Tamper, ContradictoryDuplicateClaims) {
  fx.claims.push_back(fx.claims[0]);
  fx.claims.back().value += E::one();
  EXPECT_EQ(fx.check(proof).error(), "pcs: two claims give one polynomial different values at one point");
}

INSTANTIATE_TEST_SUITE_P(PlainAndHiding, Tamper, ::testing::Bool());

TEST_P(PcsGrinding, ProofOfWork) {
  std::mt19937_64 rng(28);
  Fixture fx;
  fx.params.hiding = GetParam();
  ASSERT_GT(fx.params.pow_bits, 0u);
  fx.add_commitment(rng, 9, 1);
  fx.add_claim(0, 0, random_point(rng, 9));
  const OpeningProof proof = fx.prove();
  ASSERT_TRUE(fx.check(proof).ok());
  OpeningProof p = proof;
  // The smallest valid nonce is found first, so nonce - 1 is invalid.
  p.rounds[0].pow_nonce = proof.rounds[0].pow_nonce == 0 ? 1 : proof.rounds[0].pow_nonce - 1;
  if (proof.rounds[0].pow_nonce == 0) GTEST_SKIP() << "nonce 0 happened to be valid";
  EXPECT_EQ(fx.check(p).error(), "pcs: proof of work invalid");
  // The folding grinding (n = 9 at 100 bits needs none; force some with a larger target).
  Fixture strict;
  strict.params.hiding = GetParam();
  strict.params.security_bits = 118;
  strict.add_commitment(rng, 9, 1);
  strict.add_claim(0, 0, random_point(rng, 9));
  uint32_t final_vars = 0;
  ASSERT_GT(detail::make_schedule(strict.params, 9, &final_vars)[0].fold_pow_bits, 0u);
  OpeningProof q = strict.prove();
  ASSERT_TRUE(strict.check(q).ok());
  q.rounds[0].fold_pow_nonce = q.rounds[0].fold_pow_nonce == 0 ? 1 : q.rounds[0].fold_pow_nonce - 1;
  EXPECT_EQ(strict.check(q).error(), "pcs: folding proof of work invalid");
  // Data absorbed before the grinding invalidates it as well.
  p = proof;
  p.final_table[0] += E::one();
  EXPECT_EQ(fx.check(p).error(), "pcs: proof of work invalid");
}

// grind hashes eight nonces at once (keccak_f1600_x8); every nonce below its answer fails the
// scalar check the verifier runs, and its answer passes it.
TEST(PcsGrinding, GrindFindsTheSmallestNonceTheVerifierAccepts) {
  std::mt19937_64 rng(29);
  for (uint32_t bits = 1; bits <= 12; ++bits) {
    for (int trial = 0; trial < 3; ++trial) {
      Digest seed;
      for (auto& b : seed) b = static_cast<uint8_t>(rng());
      const uint64_t nonce = detail::grind(seed, bits);
      EXPECT_TRUE(detail::pow_valid(seed, bits, nonce)) << bits;
      for (uint64_t smaller = 0; smaller < nonce; ++smaller)
        ASSERT_FALSE(detail::pow_valid(seed, bits, smaller)) << bits << " " << smaller;
    }
  }
}

TEST_P(Tamper, ProofShape) {
  OpeningProof p = proof;
  p.rounds.pop_back();
  EXPECT_EQ(fx.check(p).error(), "pcs: proof shape: round count");
  p = proof;
  p.final_table.push_back(E::one());
  EXPECT_EQ(fx.check(p).error(), "pcs: proof shape: final polynomial");
  p = proof;
  p.rounds[1].sumcheck.pop_back();
  EXPECT_EQ(fx.check(p).error(), "pcs: proof shape: sum-check messages");
  p = proof;
  p.rounds[1].openings.values.pop_back();
  EXPECT_EQ(fx.check(p).error(), "pcs: proof shape: leaf width");
  p = proof;
  p.rounds[1].openings.values.resize(p.rounds[1].openings.values.size() - kLeafWidth);
  EXPECT_EQ(fx.check(p).error(), "pcs: wrong number of opened leaves");
  p = proof;
  p.batched_values.push_back(E::one());
  EXPECT_EQ(fx.check(p).error(), "pcs: proof shape: unexpected batching messages");
}

TEST_P(Tamper, TruncatedAndTrailingBytes) {
  const auto bytes = proof.serialize();
  for (size_t cut : {size_t{0}, size_t{1}, size_t{9}, bytes.size() / 2, bytes.size() - 1}) {
    const Status s = fx.check_bytes(std::span<const uint8_t>(bytes).first(cut));
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().find("truncated input"), std::string::npos) << cut << ": " << s.error();
  }
  auto longer = bytes;
  longer.push_back(0);
  EXPECT_EQ(fx.check_bytes(longer).error().rfind("trailing bytes", 0), 0u);
}

TEST_P(Tamper, NonCanonicalFieldElementAndVersion) {
  auto bytes = proof.serialize();
  // Byte 0 is the version; bytes 1..8 the first coordinate of the first sum-check message.
  const uint64_t p = F::MODULUS;
  for (size_t b = 0; b < 8; ++b) bytes[1 + b] = static_cast<uint8_t>(p >> (8 * b));
  EXPECT_EQ(fx.check_bytes(bytes).error(), "non-canonical field element at offset 1");
  bytes = proof.serialize();
  bytes[0] = 3;
  EXPECT_EQ(fx.check_bytes(bytes).error(), "pcs proof: unknown version");
  bytes[0] = GetParam() ? 1 : 2;  // the other mode's version
  EXPECT_EQ(fx.check_bytes(bytes).error(), "pcs proof: unknown version");
}

TEST_P(Tamper, LengthBeyondBoundIsRejectedBeforeAllocating) {
  // Round 0's opened-value count: after version, [mask lines, nonce,] 4 messages, nonce, root,
  // OOD answers, nonce.
  auto bytes = proof.serialize();
  const size_t mask = GetParam() ? proof.mask_lines.size() * E::BYTES + 8 : 0;
  const size_t offset = 1 + mask + 4 * 3 * E::BYTES + 8 + 32 + kOodSamples * E::BYTES + 8;
  const uint32_t count = static_cast<uint32_t>(proof.rounds[0].base_openings[0].values.size());
  ASSERT_EQ(bytes[offset] | bytes[offset + 1] << 8 | bytes[offset + 2] << 16 | bytes[offset + 3] << 24, count);
  bytes[offset + 3] = 0xff;
  const Status s = fx.check_bytes(bytes);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("exceeds bound"), std::string::npos) << s.error();
}

TEST_P(Tamper, RandomBytesAndMutationsNeverVerify) {
  std::mt19937_64 rng(21);
  const auto bytes = proof.serialize();
  const size_t trials = sanitized() ? 40 : 300;
  for (size_t t = 0; t < trials; ++t) {
    std::vector<uint8_t> junk(rng() % (2 * bytes.size()));
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    EXPECT_FALSE(fx.check_bytes(junk).ok());
    auto mutated = bytes;
    mutated[rng() % mutated.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    EXPECT_FALSE(fx.check_bytes(mutated).ok()) << t;
  }
}

TEST_P(PcsEncoding, EveryByteMatters) {
  // No byte of a proof is inert: flipping any bit of a small proof (batched, two rounds of
  // structure) makes it fail to decode or to verify.
  std::mt19937_64 rng(29);
  Fixture fx;
  fx.params.hiding = GetParam();
  fx.add_commitment(rng, 6, 2);
  fx.add_commitment(rng, 3, 1);
  fx.add_claim(0, 0, random_point(rng, 6));
  fx.add_claim(0, 1, random_point(rng, 6));
  fx.add_claim(1, 0, random_point(rng, 3));
  const auto bytes = fx.prove().serialize();
  ASSERT_TRUE(fx.check_bytes(bytes).ok());
  // A hiding proof is about 50x longer (mask variables, salts): every 23rd byte of it.
  const size_t stride = (sanitized() ? 13 : 1) * (GetParam() ? 23 : 1);
  for (size_t i = 0; i < bytes.size(); i += stride) {
    auto mutated = bytes;
    mutated[i] ^= static_cast<uint8_t>(1u << (i % 8));
    EXPECT_FALSE(fx.check_bytes(mutated).ok()) << "byte " << i;
  }
}

TEST_P(PcsBatchingModes, TamperedBatchedValue) {
  std::mt19937_64 rng(22);
  Fixture fx;
  fx.params.hiding = GetParam();
  fx.add_commitment(rng, 8, 2);
  fx.add_claim(0, 0, random_point(rng, 8));
  fx.add_claim(0, 1, random_point(rng, 8));
  OpeningProof proof = fx.prove();
  ASSERT_TRUE(fx.check(proof).ok());
  proof.batched_values[1] += E::one();
  EXPECT_EQ(fx.check(proof).error(), "pcs: batching sum-check final check failed");
  fx.claims[1].value += E::one();
  EXPECT_EQ(fx.check(fx.prove()).error(), "pcs: sum-check round inconsistent with the claim");
}

TEST_P(PcsBinding, TranscriptBindsCommitmentsAndStaysInSync) {
  std::mt19937_64 rng(23);
  Fixture a, b;
  a.params.hiding = GetParam();
  b.params.hiding = GetParam();
  a.add_commitment(rng, 9, 1);
  b.add_commitment(rng, 9, 1);
  const auto point = random_point(rng, 9);
  a.add_claim(0, 0, point);
  b.add_claim(0, 0, point);
  // Same claims, different commitment: different challenges (first fold differs) and rejection.
  std::vector<const CommittedPolynomials*> pa{&a.committed[0]}, pb{&b.committed[0]};
  Transcript ta("bind"), tb("bind");
  const auto proof_a = open(a.params, pa, a.claims, ta);
  const auto proof_b = open(b.params, pb, a.claims, tb);
  ASSERT_TRUE(proof_a.ok() && proof_b.ok());
  EXPECT_NE(ta.state(), tb.state());
  Transcript tv("bind");
  EXPECT_FALSE(verify(a.params, b.commitments(), a.claims, *proof_a, tv).ok());
  // A different caller transcript rejects too; the matching one ends in the prover's state.
  EXPECT_FALSE(a.check(*proof_a, "other protocol").ok());
  Transcript tok("bind");
  EXPECT_TRUE(verify(a.params, a.commitments(), a.claims, *proof_a, tok).ok());
  EXPECT_EQ(tok.state(), ta.state());
}

TEST_P(PcsBinding, ProofIndependentOfThreadCount) {
  std::mt19937_64 rng(24);
  Fixture fx;
  fx.params.hiding = GetParam();
  fx.add_commitment(rng, 12, 2);
  fx.add_claim(0, 0, random_point(rng, 12));
  fx.add_claim(0, 1, random_point(rng, 12));
  const int saved = zk::threads();
  zk::set_threads(1);
  const auto one = fx.prove().serialize();
  zk::set_threads(2);
  const auto two = fx.prove().serialize();
  zk::set_threads(saved);
  EXPECT_EQ(one, two);
}

// The batching front end's claim pattern in the model prover: polynomials of several sizes,
// claimed at shared points and at points whose leading coordinates are 0/1 (a block of a packed
// table). The proof bytes are pinned to the digest the full-table prover (one 2^n eq table per
// claim) produced for the same transcript, under 1 and 2 threads.
TEST(PcsBatching, BlockClaimsGiveTheReferenceProofBytes) {
  std::mt19937_64 rng(31);
  Fixture fx;
  fx.params.pow_bits = 16;  // the parameters the reference digest was produced with
  fx.add_commitment(rng, 13, 2);
  fx.add_commitment(rng, 9, 3);
  fx.add_commitment(rng, 2, 1);
  fx.add_commitment(rng, 0, 1);
  auto with_prefix = [&](std::vector<uint32_t> bits, size_t vars) {
    std::vector<E> point;
    for (uint32_t b : bits) point.push_back(E::from_u64(b));
    const auto tail = random_point(rng, vars - bits.size());
    point.insert(point.end(), tail.begin(), tail.end());
    return point;
  };
  const auto shared = random_point(rng, 13);
  fx.add_claim(0, 0, shared);
  fx.add_claim(0, 1, shared);
  fx.add_claim(0, 0, with_prefix({1}, 13));
  fx.add_claim(0, 0, with_prefix({0, 1, 1}, 13));
  fx.add_claim(0, 0, with_prefix({1, 1, 0, 1, 0}, 13));
  fx.add_claim(0, 0, with_prefix({1, 1, 0, 1, 0}, 13));
  fx.add_claim(0, 1, with_prefix({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 13));
  const auto small = with_prefix({0, 1}, 9);
  for (uint32_t j = 0; j < 3; ++j) fx.add_claim(1, j, small);
  fx.add_claim(1, 2, random_point(rng, 9));
  fx.add_claim(2, 0, with_prefix({1}, 2));
  fx.add_claim(3, 0, {});
  const int saved = zk::threads();
  for (int threads : {1, 2}) {
    zk::set_threads(threads);
    const OpeningProof proof = fx.prove();
    EXPECT_TRUE(fx.check(proof).ok()) << threads;
    EXPECT_EQ(to_hex(keccak256(proof.serialize())), "7964d600072a41a2ac83b3729daf1d95aa2dddb2c5375ec02915587ca11441c2") << threads;
  }
  zk::set_threads(saved);
}

// Polynomials large enough that the batching sum-check binds their first variables on
// contractions (claim points without 0/1 leading coordinates), next to a smaller one: pinned to
// the full-table prover's proof digest as well.
TEST(PcsBatching, DenseLargeClaimsGiveTheReferenceProofBytes) {
  std::mt19937_64 rng(32);
  Fixture fx;
  fx.params.pow_bits = 16;  // the parameters the reference digest was produced with
  fx.add_commitment(rng, 18, 2);
  fx.add_commitment(rng, 9, 1);
  const auto shared = random_point(rng, 18);
  fx.add_claim(0, 0, shared);
  fx.add_claim(0, 1, shared);
  fx.add_claim(0, 0, random_point(rng, 18));
  fx.add_claim(0, 1, random_point(rng, 18));
  auto small = random_point(rng, 9);
  small[0] = E::one();
  fx.add_claim(1, 0, small);
  const int saved = zk::threads();
  for (int threads : {1, 2}) {
    zk::set_threads(threads);
    const OpeningProof proof = fx.prove();
    EXPECT_TRUE(fx.check(proof).ok()) << threads;
    EXPECT_EQ(to_hex(keccak256(proof.serialize())), "d6405924a60a6169e68c7894c0b2f0b74d9adc2545f4b8418d77e4e7b4aefc45") << threads;
  }
  zk::set_threads(saved);
}

// The statement's distinct points (in order of first use, padded to the opened size) and each
// claim's index among them, over polynomials of two sizes and repeated points.
TEST_P(PcsStatement, DistinctPointsInOrderOfFirstUse) {
  std::mt19937_64 rng(26);
  Fixture fx;
  fx.params.hiding = GetParam();
  fx.add_commitment(rng, 5, 2);
  fx.add_commitment(rng, 3, 1);
  const std::vector<E> a = random_point(rng, 5), b = random_point(rng, 5), c = random_point(rng, 3);
  const std::vector<std::pair<size_t, std::vector<E>>> order{{0, a}, {1, c}, {0, b}, {0, a}, {1, c}, {0, b}, {0, a}};
  for (size_t i = 0; i < order.size(); ++i)
    fx.add_claim(static_cast<uint32_t>(order[i].first), order[i].first == 0 ? static_cast<uint32_t>(i % 2) : 0,
                 order[i].second);
  auto st = detail::analyze(fx.params, fx.commitments(), fx.claims, {});
  ASSERT_TRUE(st.ok()) << st.error();
  const std::vector<size_t> expected_index{0, 1, 2, 0, 1, 2, 0};
  EXPECT_EQ(std::vector<size_t>(st->claim_point.begin(), st->claim_point.begin() + 7), expected_index);
  ASSERT_GE(st->points.size(), 3u);
  for (size_t i : {0, 1, 2}) {
    const std::vector<E>& claimed = st->claims[i].point;
    const std::vector<E>& padded = st->points[i];
    ASSERT_EQ(padded.size(), st->num_vars);
    EXPECT_TRUE(std::equal(claimed.begin(), claimed.end(), padded.end() - static_cast<std::ptrdiff_t>(claimed.size())));
    EXPECT_TRUE(std::all_of(padded.begin(), padded.end() - static_cast<std::ptrdiff_t>(claimed.size()),
                            [](const E& x) { return x == E::zero(); }));
  }
  for (size_t i = 0; i < st->claims.size(); ++i) EXPECT_EQ(st->points[st->claim_point[i]].size(), st->num_vars);
}

TEST_P(PcsStatement, RejectsMalformedClaimsAndParams) {
  std::mt19937_64 rng(25);
  Fixture fx;
  fx.params.hiding = GetParam();
  fx.add_commitment(rng, 5, 2);
  fx.add_claim(0, 0, random_point(rng, 5));
  const OpeningProof proof = fx.prove();
  Fixture bad = std::move(fx);
  bad.claims[0].point.pop_back();
  EXPECT_EQ(bad.check(proof).error(), "pcs: claim point has the wrong number of coordinates");
  bad.claims[0].point.push_back(E::one());
  bad.claims[0].poly.poly = 2;
  EXPECT_EQ(bad.check(proof).error(), "pcs: claim refers to a missing polynomial");
  bad.claims[0].poly = PolyRef{1, 0};
  EXPECT_EQ(bad.check(proof).error(), "pcs: claim refers to a missing commitment");
  bad.claims.clear();
  EXPECT_EQ(bad.check(proof).error(), "pcs: no claims");
  Params p = conjectured_params();
  p.rate_bits = 0;
  EXPECT_FALSE(validate(p).ok());
  p = conjectured_params();
  p.security_bits = 121;
  EXPECT_FALSE(validate(p).ok());
  p = conjectured_params();
  p.security_bits = 120;  // valid, but needs too much folding grinding for 2^28 coefficients
  uint32_t final_vars = 0;
  EXPECT_GT(detail::make_schedule(p, kMaxVars, &final_vars)[0].fold_pow_bits, kMaxPowBits);
  Commitment huge{Digest{}, kMaxVars, 1, p.rate_bits, std::vector<E>(kOodSamples)};
  const std::vector<Commitment> huge_commitments{huge};
  const std::vector<EvalClaim> huge_claims{{PolyRef{0, 0}, std::vector<E>(kMaxVars), E::zero()}};
  Transcript th("test");
  EXPECT_EQ(verify(p, huge_commitments, huge_claims, OpeningProof{}, th).error(),
            "pcs: security target unreachable at this size (folding grinding)");
  huge.num_vars = kMaxVars - 1;  // hiding: 2 more variables, beyond kMaxVars
  huge.hiding = true;
  huge.mask_vars = detail::min_mask_vars(huge.num_vars);
  const std::vector<Commitment> huge_hiding{huge};
  const std::vector<EvalClaim> huge_hiding_claims{{PolyRef{0, 0}, std::vector<E>(kMaxVars - 1), E::zero()}};
  EXPECT_EQ(verify(p, huge_hiding, huge_hiding_claims, OpeningProof{}, th).error(), "pcs: commitment too large");
  p = conjectured_params();
  p.rate_bits = 1;  // commitments made at rate 1/4 do not match
  bad.add_claim(0, 0, random_point(rng, 5));
  Transcript t("test");
  EXPECT_EQ(verify(p, bad.commitments(), bad.claims, proof, t).error(),
            "pcs: commitment rate differs from the parameters");
}

TEST_P(PcsCommitment, SerializationRoundTripAndRejects) {
  std::mt19937_64 rng(26);
  Fixture fx;
  fx.params.hiding = GetParam();
  fx.add_commitment(rng, 6, 3);
  const Commitment c = fx.committed[0].commitment();
  ByteWriter w;
  c.serialize(w);
  EXPECT_EQ(w.size(), (GetParam() ? 43u : 42u) + 3 * kOodSamples * E::BYTES);  // hiding: the mask variables
  ByteReader r(w.bytes());
  auto back = Commitment::deserialize(r);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, c);
  auto bytes = w.bytes();
  bytes[0] = 9;
  ByteReader r2(bytes);
  EXPECT_EQ(Commitment::deserialize(r2).error(), "pcs commitment: unknown version");
  bytes = w.bytes();
  bytes[33] = 200;  // num_vars
  ByteReader r3(bytes);
  EXPECT_EQ(Commitment::deserialize(r3).error(), "pcs commitment: too many variables");
  ByteReader r4(std::span<const uint8_t>(w.bytes()).first(20));
  EXPECT_FALSE(Commitment::deserialize(r4).ok());
  if (GetParam()) {  // fewer mask variables than one opening needs, or more than fit
    for (const uint32_t k : {detail::min_mask_vars(6) - 1, kMaxVars + 1}) {
      bytes = w.bytes();
      bytes[42] = static_cast<uint8_t>(k);
      ByteReader r5(bytes);
      EXPECT_EQ(Commitment::deserialize(r5).error(), "pcs commitment: bad mask variables") << int(k);
    }
    // No mask variables: a tail byte follows, of 1 to num_vars - 1 variables.
    for (const uint8_t tail : {uint8_t{0}, uint8_t{6}}) {
      bytes = w.bytes();
      bytes[42] = 0;
      bytes.insert(bytes.begin() + 43, tail);
      ByteReader r6(bytes);
      EXPECT_EQ(Commitment::deserialize(r6).error(), "pcs commitment: bad mask tail") << int(tail);
    }
  }
  std::vector<std::span<const F>> none;
  EXPECT_EQ(commit(none, fx.params).error(), "pcs commit: no tables");
  const std::vector<F> three(3);
  const std::span<const F> odd[] = {three};
  EXPECT_EQ(commit(odd, fx.params).error(), "pcs commit: table size is not a power of two");
}

TEST_P(PcsParamsModes, ProvenParameterSetRoundTrip) {
  std::mt19937_64 rng(27);
  Fixture fx;
  fx.params.hiding = GetParam();
  fx.params = proven_params();
  fx.add_commitment(rng, 10, 1);
  fx.add_claim(0, 0, random_point(rng, 10));
  const OpeningProof proof = fx.prove();
  EXPECT_TRUE(fx.check_bytes(proof.serialize()).ok());
  uint32_t final_vars = 0;
  const auto proven = detail::make_schedule(proven_params(), 22, &final_vars);
  const auto conjectured = detail::make_schedule(conjectured_params(), 22, &final_vars);
  EXPECT_GT(proven[0].queries, 2 * conjectured[0].queries);
}

// fill_uniform draws chunk c of C = chunk_count(n, 2^12) ([n c / C, n (c + 1) / C)) from the
// stream (domain, c), eight streams per permutation call: the same values as KeccakStream's.
TEST(PcsRandomness, FillUniformIsTheChunkStreams) {
  const Seed seed = os_seed();
  for (const size_t n : {size_t{1}, size_t{4095}, size_t{3 * 4096 + 5}, size_t{11 * 4096}, size_t{1} << 19}) {
    std::vector<F> filled(n);
    fill_uniform(filled, seed, 9);
    const size_t chunks = chunk_count(n, size_t{1} << 12);
    std::vector<F> expected(n);
    for (size_t c = 0; c < chunks; ++c) {
      KeccakStream stream(seed, 9, c);
      for (size_t i = n * c / chunks; i < n * (c + 1) / chunks; ++i) expected[i] = stream.field_element();
    }
    EXPECT_EQ(filled, expected) << n;
  }
}

TEST(PcsParams, QueryCountsMeetTheSecurityTarget) {
  for (const Params& p : {conjectured_params(), proven_params()}) {
    uint32_t final_vars = 0;
    for (const auto& round : detail::make_schedule(p, 22, &final_vars)) {
      const double rho = std::ldexp(1.0, -static_cast<int>(round.log_domain - round.num_vars));
      const double per_query = p.soundness == Soundness::kConjectured ? rho * 1.5 : (1 + rho) / 2;
      EXPECT_GE(-std::log2(per_query) * round.queries + p.pow_bits, p.security_bits + 3);
    }
  }
}

// The mask of the claimed half of a hiding commitment has (2^k - 1) 2^m coefficients; one opening
// reveals it at 16 t_0 + 2 points (docs/pcs.md, "Zero knowledge"), fewer for every parameter set.
// A hiding commitment opened once per proof over many proofs gets a larger mask: commit() takes
// the fewest mask variables whose openings_supported reaches Params::hiding_openings (one
// opening: the fewest of all), and its openings still verify.
TEST(PcsParams, HidingMaskGrowsWithTheOpeningsToSupport) {
  std::mt19937_64 rng(29);
  for (const uint32_t vars : {4u, 10u, 16u}) {
    const std::vector<F> table = random_table(rng, vars);
    const std::span<const F> spans[] = {table};
    Params params = conjectured_params();
    params.hiding = true;
    auto once = commit(spans, params);
    ASSERT_TRUE(once.ok()) << once.error();
    EXPECT_EQ(once->commitment().mask_vars, detail::min_mask_vars(vars));
    EXPECT_GE(openings_supported(params, once->commitment()), 1u);
    params.hiding_openings = 200;
    auto many = commit(spans, params);
    ASSERT_TRUE(many.ok()) << many.error();
    Commitment c = many->commitment();
    EXPECT_GE(openings_supported(params, c), 200u) << vars;
    ASSERT_GT(c.mask_vars, detail::min_mask_vars(vars)) << vars;
    --c.mask_vars;
    EXPECT_LT(openings_supported(params, c), 200u) << "the fewest mask variables, " << vars;
    const auto point = random_point(rng, vars);
    EXPECT_EQ(evaluate(*many, 0, point), (evaluate_multilinear<E, F>(table, point)));
  }
  Fixture fx;
  fx.params.hiding = true;
  fx.params.hiding_openings = 64;
  fx.add_commitment(rng, 9, 2);
  fx.add_claim(0, 1, random_point(rng, 9));
  EXPECT_TRUE(fx.check_bytes(fx.prove().serialize()).ok());
  Params params = conjectured_params();
  params.hiding = true;
  params.hiding_openings = uint64_t{1} << 40;
  const std::vector<F> table = random_table(rng, 4);
  const std::span<const F> spans[] = {table};
  EXPECT_EQ(commit(spans, params).error().rfind("pcs commit: no hiding mask within", 0), 0u);
  params.hiding_openings = 0;
  EXPECT_EQ(validate(params).error(), "pcs params: hiding_openings must be at least 1");
}

TEST(PcsParams, HidingMaskCoversAnOpening) {
  for (const Soundness soundness : {Soundness::kConjectured, Soundness::kProven})
    for (uint32_t rate = 1; rate <= 4; ++rate) {
      Params p;
      p.soundness = soundness;
      p.security_bits = 120;
      p.pow_bits = 0;
      p.rate_bits = rate;
      ASSERT_TRUE(validate(p).ok());
      for (uint32_t m = 0; m <= kMaxVars; ++m) {
        const Commitment c{Digest{}, m, 1, rate, {}, true, detail::min_mask_vars(m)};
        if (detail::committed_vars(c) > kMaxVars) continue;
        uint32_t final_vars = 0;
        const uint32_t queries = detail::make_schedule(p, detail::opened_vars(c), &final_vars)[0].queries;
        const uint64_t mask = ((uint64_t{1} << detail::min_mask_vars(m)) - 1) << m;
        EXPECT_LE(16 * uint64_t{queries} + 2, mask) << m << " " << rate;
      }
    }
}

TEST(Pcs, BenchmarkJsonLine) {
  const std::string line = pcs_benchmark_json(sanitized() ? 8 : 12);
  EXPECT_NE(line.find("\"what\":\"pcs\""), std::string::npos);
  EXPECT_NE(line.find("\"proof_bytes\":"), std::string::npos);
  EXPECT_NE(pcs_benchmark_json(8, true).find("\"hiding\":true"), std::string::npos);
}

}  // namespace
}  // namespace zk::pcs
