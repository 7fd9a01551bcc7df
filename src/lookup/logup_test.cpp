#include "lookup/logup.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

#include "crypto/transcript.hpp"
#include "field/field.hpp"

namespace zk {
namespace {

bool sanitized() { return std::getenv("ZKINFER_SANITIZED") != nullptr; }

// A statement with its witness: data[g][c][j] is column c of row j of group g.
struct Case {
  LookupStatement<F> statement;
  std::vector<std::vector<std::vector<F>>> data;

  std::vector<LookupColumns<F>> groups() const {
    std::vector<LookupColumns<F>> out;
    for (const auto& g : data) {
      LookupColumns<F> columns;
      for (const auto& c : g) columns.push_back(c);
      out.push_back(columns);
    }
    return out;
  }
  std::vector<F> multiplicities() const {
    auto m = compute_multiplicities<F>(statement.table, groups());
    if (!m) throw std::runtime_error(m.error());
    return *m;
  }
};

// Range check of groups of the given sizes, values uniform in [offset, offset + 2^log_table).
Case range_case(std::vector<size_t> sizes, size_t log_table, int64_t offset, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Case c{{LookupTable<F>::range(log_table, offset), sizes}, {}};
  for (size_t n : sizes) {
    std::vector<F> values(n);
    for (F& v : values)
      v = F::from_i64(offset + static_cast<int64_t>(rng() & ((uint64_t{1} << log_table) - 1)));
    c.data.push_back({values});
  }
  return c;
}

// A quantized tanh over the 8-bit domain as an (input, output) table, and groups of pairs drawn
// from it.
Case function_case(std::vector<size_t> sizes, uint64_t seed) {
  std::vector<F> inputs, outputs;
  for (int64_t x = -128; x < 128; ++x) {
    inputs.push_back(F::from_i64(x));
    outputs.push_back(F::from_i64(std::lround(127.0 * std::tanh(static_cast<double>(x) / 32.0))));
  }
  Case c{{LookupTable<F>::from_columns({inputs, outputs}), sizes}, {}};
  std::mt19937_64 rng(seed);
  for (size_t n : sizes) {
    std::vector<F> in(n), out(n);
    for (size_t j = 0; j < n; ++j) {
      const size_t row = rng() % inputs.size();
      in[j] = inputs[row];
      out[j] = outputs[row];
    }
    c.data.push_back({in, out});
  }
  return c;
}

Transcript test_transcript() {
  Transcript t("logup-test");
  t.absorb_u64("test/commitments", 0);  // stands for the caller's commitments
  return t;
}

LookupProverOutput<E> prove(const Case& c, std::span<const F> multiplicities) {
  Transcript t = test_transcript();
  const auto groups = c.groups();
  return prove_lookup<F, E>(t, c.statement, std::span<const LookupColumns<F>>(groups), multiplicities);
}

Result<LookupClaims<E>> verify(const LookupStatement<F>& statement, const LookupProof<E>& proof) {
  Transcript t = test_transcript();
  return verify_lookup<F, E>(t, statement, proof);
}

// The zero-padded extension of `values` over 2^|point| entries, evaluated independently.
E padded_evaluation(const std::vector<F>& values, const std::vector<E>& point) {
  std::vector<F> padded(size_t{1} << point.size(), F::zero());
  std::copy(values.begin(), values.end(), padded.begin());
  return evaluate_multilinear<E, F>(padded, point);
}

// The caller's side: every claim must match the committed columns and multiplicities.
void expect_claims_match(const Case& c, const std::vector<F>& multiplicities,
                         const LookupClaims<E>& claims) {
  ASSERT_EQ(claims.witness.size(), c.data.size());
  for (size_t g = 0; g < c.data.size(); ++g) {
    ASSERT_EQ(claims.witness[g].values.size(), c.data[g].size());
    EXPECT_EQ(claims.witness[g].point.size(), ceil_log2(c.data[g][0].size()));
    for (size_t col = 0; col < c.data[g].size(); ++col)
      EXPECT_EQ(claims.witness[g].values[col], padded_evaluation(c.data[g][col], claims.witness[g].point))
          << "group " << g << " column " << col;
  }
  EXPECT_EQ(claims.multiplicity_value, padded_evaluation(multiplicities, claims.multiplicity_point));
}

// Proves, encodes, decodes, verifies, and checks the claims.
void round_trip(const Case& c) {
  const std::vector<F> m = c.multiplicities();
  auto proven = prove(c, m);
  const auto bytes = proven.proof.to_bytes();
  auto decoded = LookupProof<E>::from_bytes(bytes, c.statement);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->to_bytes(), bytes);
  auto claims = verify(c.statement, *decoded);
  ASSERT_TRUE(claims.ok()) << claims.error();
  expect_claims_match(c, m, *claims);
  EXPECT_EQ(claims->multiplicity_point, proven.claims.multiplicity_point);
  EXPECT_EQ(claims->multiplicity_value, proven.claims.multiplicity_value);
  for (size_t g = 0; g < c.data.size(); ++g) {
    EXPECT_EQ(claims->witness[g].point, proven.claims.witness[g].point);
    EXPECT_EQ(claims->witness[g].values, proven.claims.witness[g].values);
  }
}

TEST(Logup, RangeCheckAllSmallSizes) {
  for (size_t n = 1; n <= 17; ++n) round_trip(range_case({n}, 4, 0, n));
  round_trip(range_case({100}, 3, 0, 100));
  round_trip(range_case({1000}, 10, 0, 1000));
}

TEST(Logup, RangeTableOfOneAndTwoEntries) {
  round_trip(range_case({5}, 0, 0, 1));
  round_trip(range_case({1}, 0, 7, 2));
  round_trip(range_case({3}, 1, 0, 3));
}

TEST(Logup, SignedRangeForClampedValues) {
  // [-2^(b-1), 2^(b-1)) for b = 8.
  Case c = range_case({300}, 8, -128, 4);
  c.data[0][0][0] = F::from_i64(-128);
  c.data[0][0][1] = F::from_i64(127);
  round_trip(c);
}

TEST(Logup, FunctionTableOfInputOutputPairs) {
  round_trip(function_case({1}, 5));
  round_trip(function_case({2}, 6));
  round_trip(function_case({3}, 7));
  round_trip(function_case({777}, 8));
}

TEST(Logup, SeveralGroupsShareOneTable) {
  round_trip(range_case({1, 2, 3, 64, 1000}, 6, -32, 9));
  round_trip(function_case({5, 300, 1}, 10));
}

TEST(Logup, TableSizeNotAPowerOfTwoIsPaddedWithItsLastRow) {
  std::vector<F> squares;
  for (uint64_t x = 0; x < 100; ++x) squares.push_back(F::from_u64(x * x));
  Case c{{LookupTable<F>::from_columns({squares}), {50}}, {}};
  std::vector<F> values;
  for (uint64_t j = 0; j < 50; ++j) values.push_back(squares[(j * 7) % 100]);
  values[3] = squares[99];  // the row the padding repeats
  c.data.push_back({values});
  EXPECT_EQ(c.statement.table.num_vars(), 7u);
  EXPECT_EQ(c.statement.table.entry(0, 127), squares[99]);
  round_trip(c);
}

TEST(Logup, TableWithRepeatedRows) {
  Case c{{LookupTable<F>::from_columns({{F::from_u64(5), F::from_u64(9), F::from_u64(5)}}), {4}}, {}};
  c.data.push_back({{F::from_u64(5), F::from_u64(5), F::from_u64(9), F::from_u64(5)}});
  const auto m = c.multiplicities();
  EXPECT_EQ(m, (std::vector<F>{F::from_u64(3), F::from_u64(1), F::zero()}));
  round_trip(c);
}

TEST(Logup, LargeRangeCheck) {
  const size_t log_lookups = sanitized() ? 12 : 17;
  round_trip(range_case({(size_t{1} << log_lookups) - 3}, sanitized() ? 8 : 16, 0, 11));
}

TEST(Logup, ResultIndependentOfThreadCount) {
  const Case c = range_case({(size_t{1} << 14) + 5}, 10, 0, 12);
  const auto m = c.multiplicities();
  set_threads(1);
  const auto one = prove(c, m).proof.to_bytes();
  set_threads(2);
  const auto two = prove(c, m).proof.to_bytes();
  EXPECT_EQ(one, two);
}

TEST(Logup, PrefixIndicatorIsTheSumOfEqOverThePrefix) {
  std::mt19937_64 rng(13);
  for (size_t m = 0; m <= 5; ++m) {
    std::vector<E> point(m);
    for (E& x : point) x = E::random(rng);
    const auto eq = eq_table<E>(point);
    E prefix = E::zero();
    for (size_t n = 0; n <= eq.size(); ++n) {
      EXPECT_EQ(prefix_indicator<E>(n, point), prefix) << m << " " << n;
      if (n < eq.size()) prefix += eq[n];
    }
  }
}

TEST(Logup, RangeTableEvaluationInLogTime) {
  std::mt19937_64 rng(14);
  for (size_t k : {0u, 1u, 5u, 12u}) {
    const auto table = LookupTable<F>::range(k, -1000);
    std::vector<F> entries;
    for (size_t i = 0; i < table.size(); ++i) entries.push_back(table.entry(0, i));
    std::vector<E> point(k);
    for (E& x : point) x = E::random(rng);
    EXPECT_EQ(table.evaluate<E>(0, point), (evaluate_multilinear<E, F>(entries, point))) << k;
  }
}

TEST(Logup, MultiplicitiesRejectRowsOutsideTheTable) {
  Case c = range_case({10}, 4, 0, 15);
  c.data[0][0][6] = F::from_u64(16);
  auto m = compute_multiplicities<F>(c.statement.table, c.groups());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), "lookup: group 0 row 6 is out of range");
  Case f = function_case({10}, 16);
  f.data[0][1][2] += F::one();
  auto mf = compute_multiplicities<F>(f.statement.table, f.groups());
  ASSERT_FALSE(mf.ok());
  EXPECT_EQ(mf.error(), "lookup: group 0 row 2 is not in the table");
}

// ---- Rejections -------------------------------------------------------------------------------

void expect_rejected(const LookupStatement<F>& statement, const LookupProof<E>& proof,
                     const std::string& reason) {
  auto claims = verify(statement, proof);
  ASSERT_FALSE(claims.ok()) << "accepted, expected: " << reason;
  EXPECT_EQ(claims.error(), reason);
}

const std::string kSumsDiffer =
    "lookup: fractional sums differ (a row is not in the table, or the multiplicities are wrong)";

TEST(LogupRejects, ValueOutsideTheRangeProvenWithTheHonestCode) {
  Case c = range_case({40}, 4, 0, 17);
  const auto m = c.multiplicities();
  c.data[0][0][9] = F::from_u64(16);  // outside [0, 16); the multiplicities stay as they were
  expect_rejected(c.statement, prove(c, m).proof, kSumsDiffer);
  c.data[0][0][9] = F::from_i64(-1);
  expect_rejected(c.statement, prove(c, m).proof, kSumsDiffer);
}

TEST(LogupRejects, PairOutsideTheFunctionTable) {
  Case c = function_case({64}, 18);
  const auto m = c.multiplicities();
  c.data[0][1][5] += F::one();  // a right input with a wrong output
  expect_rejected(c.statement, prove(c, m).proof, kSumsDiffer);
}

TEST(LogupRejects, WrongMultiplicity) {
  Case c = range_case({40}, 4, 0, 19);
  auto m = c.multiplicities();
  m[3] += F::one();
  expect_rejected(c.statement, prove(c, m).proof, kSumsDiffer);
  m[3] -= F::one();
  m[4] -= F::one();
  m[5] += F::one();  // same total, wrong rows
  expect_rejected(c.statement, prove(c, m).proof, kSumsDiffer);
}

TEST(LogupRejects, TamperedLayerSumcheck) {
  const Case c = range_case({40, 20}, 4, 0, 20);
  const auto proof = prove(c, c.multiplicities()).proof;
  auto bad = proof;
  bad.groups[1].layers[3].sumcheck.rounds[1][0] += E::one();
  expect_rejected(c.statement, bad,
                  "lookup: group 1: gkr: layer 3: sumcheck: round 1: g(0) + g(1) != claim");
  bad = proof;
  bad.table.layers[2].children[3] += E::one();
  expect_rejected(c.statement, bad, "lookup: table: gkr: layer 2: final evaluation mismatch");
}

TEST(LogupRejects, WrongClaimedSum) {
  const Case c = range_case({40}, 4, 0, 21);
  auto proof = prove(c, c.multiplicities()).proof;
  proof.groups[0].root_numerator += E::one();
  expect_rejected(c.statement, proof, "lookup: group 0: gkr: layer 0: final evaluation mismatch");
  proof = prove(c, c.multiplicities()).proof;
  proof.table.root_numerator = E::zero();
  proof.table.root_denominator = E::zero();
  expect_rejected(c.statement, proof, "lookup: table: gkr: root denominator is zero");
}

TEST(LogupRejects, WrongWitnessEvaluation) {
  const Case c = function_case({40}, 22);
  for (size_t col = 0; col < 2; ++col) {
    auto proof = prove(c, c.multiplicities()).proof;
    proof.witness_evaluations[0][col] += E::one();
    expect_rejected(c.statement, proof, "lookup: group 0: witness denominator evaluation mismatch");
  }
}

// Runs the honest prover on leaves that `edit` changes after the challenges are drawn.
template <class Edit>
LookupProof<E> prove_with_edited_leaves(const Case& c, const std::vector<F>& multiplicities,
                                        Edit edit) {
  Transcript t = test_transcript();
  const auto groups = c.groups();
  const auto challenges = lookup_challenges<E>(t, c.statement);
  std::vector<FractionLeaves<E>> group_leaves;
  for (const auto& g : groups) group_leaves.push_back(witness_leaves<E, F>(g, challenges));
  auto leaves_of_table = table_leaves<E, F>(c.statement.table, multiplicities, challenges);
  edit(challenges, group_leaves, leaves_of_table);
  return prove_lookup_from_leaves<F, E>(t, c.statement, challenges, std::span<const LookupColumns<F>>(groups),
                                        std::move(group_leaves), std::move(leaves_of_table))
      .proof;
}

TEST(LogupRejects, WitnessNumeratorOtherThanOne) {
  // Row 0 counted twice (numerator 2) and its table row's multiplicity raised to match: the
  // fractional sums agree, the numerator leaf claim does not.
  const Case c = range_case({30}, 4, 0, 23);
  auto m = c.multiplicities();
  m[c.data[0][0][0].value()] += F::one();
  auto proof = prove_with_edited_leaves(c, m, [](const auto&, auto& groups, auto&) {
    groups[0].numerators.assign(groups[0].denominators.size(), E::one());
    groups[0].numerators[0] = E::from_u64(2);
  });
  expect_rejected(c.statement, proof, "lookup: group 0: witness numerator evaluation mismatch");
}

TEST(LogupRejects, LookedUpRowDiffersFromTheCommittedRow) {
  // The committed output of row 4 is wrong; the prover looks up the right pair instead.
  Case c = function_case({30}, 24);
  const auto m = c.multiplicities();
  const F right_output = c.data[0][1][4];
  c.data[0][1][4] += F::one();
  auto proof = prove_with_edited_leaves(c, m, [&](const auto& ch, auto& groups, auto&) {
    groups[0].denominators[4] = ch.alpha - ch.combine(
        [&](size_t col) { return col == 0 ? c.data[0][0][4] : right_output; }, 2);
  });
  expect_rejected(c.statement, proof, "lookup: group 0: witness denominator evaluation mismatch");
}

TEST(LogupRejects, OneColumnSubstitutionIsLeftToTheCommitmentCheck) {
  // With one column the proof's evaluation is read off the looked-up values, so a substituted
  // row passes the lookup verifier but its claim differs from the committed column's.
  Case c = range_case({30}, 4, 0, 25);
  const auto m = c.multiplicities();
  const F looked_up = c.data[0][0][4];
  c.data[0][0][4] = F::from_u64(1000);
  auto proof = prove_with_edited_leaves(c, m, [&](const auto& ch, auto& groups, auto&) {
    groups[0].denominators[4] = ch.alpha - E(looked_up);
  });
  auto claims = verify(c.statement, proof);
  ASSERT_TRUE(claims.ok()) << claims.error();
  EXPECT_NE(claims->witness[0].values[0], padded_evaluation(c.data[0][0], claims->witness[0].point));
}

TEST(LogupRejects, TableLeavesOfAnotherTable) {
  // The prover replaces table row 5 by 100 (not in [0, 16)) and looks 100 up.
  Case c = range_case({30}, 4, 0, 26);
  for (F& v : c.data[0][0])
    if (v == F::from_u64(5)) v = F::from_u64(6);
  c.data[0][0][7] = F::from_u64(6);
  auto m = c.multiplicities();
  c.data[0][0][7] = F::from_u64(100);
  m[6] -= F::one();
  m[5] = F::one();
  auto proof = prove_with_edited_leaves(c, m, [](const auto& ch, auto&, auto& table) {
    table.denominators[5] = ch.alpha - E::from_u64(100);
  });
  expect_rejected(c.statement, proof, "lookup: table denominator evaluation mismatch");
}

TEST(LogupRejects, ProofForAnotherStatement) {
  const Case c = range_case({40}, 4, 0, 27);
  const auto proof = prove(c, c.multiplicities()).proof;
  LookupStatement<F> other = c.statement;
  other.table = LookupTable<F>::range(4, 1);  // same shape, other table: other challenges
  // The root and the children of layer 0 are consistent for every lambda; layer 1 is not.
  expect_rejected(other, proof, "lookup: group 0: gkr: layer 1: sumcheck: round 0: g(0) + g(1) != claim");
  other = c.statement;
  other.group_sizes = {40, 40};
  expect_rejected(other, proof, "lookup: proof has the wrong number of groups");
}

TEST(LogupRejects, InvalidStatements) {
  auto reason = [](const LookupStatement<F>& s) { return s.validate().error(); };
  EXPECT_EQ(reason({LookupTable<F>::range(kMaxLookupVars + 1), {1}}), "lookup: range table too large");
  EXPECT_EQ(reason({LookupTable<F>::range(4), {}}), "lookup: a statement needs 1 to 1024 groups");
  EXPECT_EQ(reason({LookupTable<F>::range(4), {3, 0}}), "lookup: group size out of bounds");
  EXPECT_EQ(reason({LookupTable<F>::from_columns({}), {1}}), "lookup: a table needs 1 to 4 columns");
  EXPECT_EQ(reason({LookupTable<F>::from_columns({{}}), {1}}), "lookup: table size out of bounds");
  EXPECT_EQ(reason({LookupTable<F>::from_columns({{F::one()}, {F::one(), F::one()}}), {1}}),
            "lookup: table columns differ in length");
  const Case c = range_case({4}, 2, 0, 28);
  expect_rejected({LookupTable<F>::range(4), {}}, prove(c, c.multiplicities()).proof,
                  "lookup: a statement needs 1 to 1024 groups");
}

// ---- Encoding ----------------------------------------------------------------------------------

TEST(LogupEncoding, RejectsTruncationAtEveryLengthAndTrailingBytes) {
  const Case c = function_case({5, 3}, 29);
  const auto bytes = prove(c, c.multiplicities()).proof.to_bytes();
  for (size_t len = 0; len < bytes.size(); ++len) {
    auto d = LookupProof<E>::from_bytes(std::span<const uint8_t>(bytes.data(), len), c.statement);
    ASSERT_FALSE(d.ok()) << len;
    EXPECT_NE(d.error().find("truncated"), std::string::npos) << d.error();
  }
  auto padded = bytes;
  padded.push_back(0);
  auto d = LookupProof<E>::from_bytes(padded, c.statement);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error(), "trailing bytes: 1 unread");
}

TEST(LogupEncoding, RejectsNonCanonicalElementsEverywhere) {
  const Case c = range_case({6}, 3, 0, 30);
  const auto bytes = prove(c, c.multiplicities()).proof.to_bytes();
  // Layout: 12-byte header; group and table GKR, each a u32 then 2 + 2 m (m - 1) + 4 m = 26
  // elements (m = 3); one witness evaluation.
  std::vector<size_t> elements;
  size_t at = 12;
  for (size_t block = 0; block < 2; ++block) {
    at += 4;
    for (size_t i = 0; i < 26; ++i, at += 16) elements.push_back(at);
  }
  elements.push_back(at);
  ASSERT_EQ(at + 16, bytes.size());
  for (size_t element : elements) {
    for (size_t half : {0u, 8u}) {
      auto bad = bytes;
      for (size_t i = 0; i < 8; ++i) bad[element + half + i] = 0xff;
      auto d = LookupProof<E>::from_bytes(bad, c.statement);
      ASSERT_FALSE(d.ok()) << element;
      EXPECT_NE(d.error().find("non-canonical field element"), std::string::npos) << d.error();
    }
  }
}

TEST(LogupEncoding, HeaderMustMatchTheStatement) {
  const Case c = function_case({5}, 31);
  const auto bytes = prove(c, c.multiplicities()).proof.to_bytes();
  auto with_word = [&](size_t at, uint32_t v) {
    auto b = bytes;
    for (size_t i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
    return LookupProof<E>::from_bytes(b, c.statement);
  };
  EXPECT_EQ(with_word(0, 2).error(), "lookup: unsupported proof version 2");
  EXPECT_EQ(with_word(4, 2).error(), "lookup: proof has the wrong number of groups");
  EXPECT_EQ(with_word(8, 1).error(), "lookup: proof has the wrong number of columns");
  EXPECT_EQ(with_word(12, 4).error(), "lookup: gkr: proof has 4 layers, expected 3");
  LookupStatement<F> bad = c.statement;
  bad.group_sizes = {0};
  EXPECT_EQ(LookupProof<E>::from_bytes(bytes, bad).error(), "lookup: group size out of bounds");
}

}  // namespace
}  // namespace zk
