#include "lookup/private_logup.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <string>

#include "crypto/transcript.hpp"
#include "field/field.hpp"
#include "field/small_field.hpp"
#include "sumcheck/scripted_challenger.hpp"

namespace zk {
namespace {

// A statement, its witness (data[g][c][j]: column c of row j of group g), the caller's table
// references (caller table indices: every column of every group in order, then the
// multiplicities) and the sampled arena.
template <class Fp, class Ep>
struct Witnessed {
  LookupStatement<Fp> statement;
  std::vector<std::vector<std::vector<Fp>>> data;
  std::vector<Fp> multiplicities;
  PrivateLookupRefs refs;
  MaskArena<Fp, Ep> arena{{}};

  std::vector<LookupColumns<Fp>> groups() const {
    std::vector<LookupColumns<Fp>> out;
    for (const auto& g : data) out.emplace_back(g.begin(), g.end());
    return out;
  }
  // The caller's tables as their zero-padded extensions' tables, in reference order.
  std::vector<std::vector<Ep>> caller_tables() const {
    std::vector<std::vector<Ep>> out;
    const auto padded = [](const std::vector<Fp>& values) {
      std::vector<Ep> t(size_t{1} << ceil_log2(values.size()), Ep::zero());
      for (size_t i = 0; i < values.size(); ++i) t[i] = Ep(values[i]);
      return t;
    };
    for (const auto& g : data)
      for (const auto& column : g) out.push_back(padded(column));
    out.push_back(padded(multiplicities));
    return out;
  }
};

template <class Fp, class Ep>
Witnessed<Fp, Ep> make_setup(LookupStatement<Fp> statement, std::vector<std::vector<std::vector<Fp>>> data, uint64_t seed) {
  Witnessed<Fp, Ep> s{std::move(statement), std::move(data), {}, {}};
  std::vector<LookupColumns<Fp>> groups = s.groups();
  auto m = compute_multiplicities<Fp>(s.statement.table, groups);
  if (!m) throw std::runtime_error(m.error());
  s.multiplicities = *m;
  uint32_t next = 0;
  for (const auto& g : s.data) {
    s.refs.columns.emplace_back();
    for (size_t c = 0; c < g.size(); ++c) s.refs.columns.back().push_back({TableRef::Space::caller, next++});
  }
  s.refs.multiplicities = {TableRef::Space::caller, next};
  std::mt19937_64 rng(seed);
  s.arena = MaskArena<Fp, Ep>(private_lookup_mask_shapes(s.statement), rng);
  return s;
}

// Range check of groups of the given sizes, values uniform in the table.
template <class Fp = F, class Ep = E>
Witnessed<Fp, Ep> range_setup(std::vector<size_t> sizes, size_t log_table, int64_t offset, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<std::vector<Fp>>> data;
  for (size_t n : sizes) {
    std::vector<Fp> values(n);
    for (Fp& v : values) v = Fp::from_i64(offset + static_cast<int64_t>(rng() % (uint64_t{1} << log_table)));
    data.push_back({values});
  }
  return make_setup<Fp, Ep>({LookupTable<Fp>::range(log_table, offset), sizes}, std::move(data), seed + 1);
}

// A 3-column table of `rows` rows (x, x^2 + 1, 3x - 7) and groups of rows drawn from it.
Witnessed<F, E> explicit_setup(size_t rows, std::vector<size_t> sizes, uint64_t seed) {
  std::vector<std::vector<F>> columns(3);
  for (size_t x = 0; x < rows; ++x) {
    const F v = F::from_u64(x);
    columns[0].push_back(v);
    columns[1].push_back(v * v + F::one());
    columns[2].push_back(F::from_u64(3) * v - F::from_u64(7));
  }
  std::mt19937_64 rng(seed);
  std::vector<std::vector<std::vector<F>>> data;
  for (size_t n : sizes) {
    std::vector<std::vector<F>> group(3);
    for (size_t j = 0; j < n; ++j) {
      const size_t row = rng() % rows;
      for (size_t c = 0; c < 3; ++c) group[c].push_back(columns[c][row]);
    }
    data.push_back(std::move(group));
  }
  return make_setup<F, E>({LookupTable<F>::from_columns(columns), sizes}, std::move(data), seed + 1);
}

// sum_t c_t T~_t(point_t), every table resolved to its entries first (arena masks, arena
// corners, or the caller's tables).
template <class Fp, class Ep>
Ep claim_sum(const LinearClaim<Ep>& claim, const MaskArena<Fp, Ep>& arena, const std::vector<std::vector<Ep>>& caller) {
  const auto entries = [&](const TableRef& ref) -> std::vector<Ep> {
    if (ref.space == TableRef::Space::caller) return caller.at(ref.index);
    if (arena.shapes().at(ref.index).kind == MaskShape::Kind::sumcheck) return arena.mask_table_of(ref.index);
    return arena.corner_values(ref);
  };
  Ep sum = Ep::zero();
  for (const auto& term : claim.terms) sum += term.coefficient * evaluate_multilinear<Ep, Ep>(entries(term.table), term.point);
  return sum;
}

template <class Fp, class Ep>
size_t failing_claims(const std::vector<LinearClaim<Ep>>& claims, const Witnessed<Fp, Ep>& s) {
  const auto caller = s.caller_tables();
  size_t failing = 0;
  for (const auto& claim : claims) failing += claim_sum(claim, s.arena, caller) == claim.value ? 0 : 1;
  return failing;
}

template <class Fp, class Ep>
PrivateLookupProverOutput<Ep> prove(Witnessed<Fp, Ep>& s, const std::string& domain = "private-logup-test") {
  Transcript t(domain);
  const auto groups = s.groups();
  return prove_private_lookup<Fp, Ep>(t, s.statement, std::span<const LookupColumns<Fp>>(groups),
                                      std::span<const Fp>(s.multiplicities), s.arena, s.refs);
}

// The verifier with an arena of `shapes` (default: the prover's).
template <class Fp, class Ep>
Result<std::vector<LinearClaim<Ep>>> verify(const Witnessed<Fp, Ep>& s, const PrivateLookupProof<Ep>& proof,
                                            const std::vector<MaskShape>& shapes = {}) {
  Transcript t("private-logup-test");
  MaskArena<Fp, Ep> arena(shapes.empty() ? s.arena.shapes() : shapes);
  return verify_private_lookup<Fp, Ep>(t, s.statement, proof, arena, s.refs);
}

bool same_claims(const std::vector<LinearClaim<E>>& a, const std::vector<LinearClaim<E>>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].value != b[i].value || a[i].terms.size() != b[i].terms.size()) return false;
    for (size_t t = 0; t < a[i].terms.size(); ++t) {
      const auto &x = a[i].terms[t], &y = b[i].terms[t];
      if (!(x.table == y.table) || x.point != y.point || x.coefficient != y.coefficient) return false;
    }
  }
  return true;
}

// The decoder and the caller's end check.
Result<PrivateLookupProof<E>> decode_all(std::span<const uint8_t> bytes, const LookupStatement<F>& statement) {
  ByteReader in(bytes);
  auto proof = PrivateLookupProof<E>::decode(in, statement);
  if (!proof) return proof;
  ZK_TRY(in.expect_end());
  return proof;
}

// Prove, verify, the claims of both sides agree, all hold, and the proof survives its encoding.
void expect_round_trip(Witnessed<F, E>& s) {
  const auto out = prove(s);
  const auto bytes = out.proof.to_bytes();
  const auto layout = private_lookup_layout(s.statement);
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(bytes.size(), PrivateLookupProof<E>::encoded_size(layout->num_vars));
  auto decoded = decode_all(bytes, s.statement);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  auto claims = verify(s, *decoded);
  ASSERT_TRUE(claims.ok()) << claims.error();
  EXPECT_EQ(claims->size(), layout->num_vars + 2);
  EXPECT_TRUE(same_claims(*claims, out.claims));
  EXPECT_EQ(failing_claims(*claims, s), 0u);
}

TEST(PrivateLogupLayout, SegmentsAlignedBySize) {
  const LookupStatement<F> statement{LookupTable<F>::range(3), {5, 17, 1, 2}};
  const auto layout = private_lookup_layout(statement);
  ASSERT_TRUE(layout.ok()) << layout.error();
  // Sizes 32 (group 1), 8 (group 0), 8 (table), 2 (group 3), 1 (group 2): 51 leaves, m = 6.
  EXPECT_EQ(layout->num_vars, 6u);
  const std::vector<std::pair<size_t, size_t>> expected{{0, 5}, {32, 3}, {40, 3}, {48, 1}, {50, 0}};
  ASSERT_EQ(layout->segments.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(layout->segments[i].offset, expected[i].first);
    EXPECT_EQ(layout->segments[i].log_size, expected[i].second);
    EXPECT_EQ(layout->segments[i].offset % (size_t{1} << layout->segments[i].log_size), 0u);
  }
  EXPECT_TRUE(layout->segments[2].table);
  EXPECT_EQ(layout->segments[3].group, 3u);
  const auto shapes = private_lookup_mask_shapes(statement);
  ASSERT_EQ(shapes.size(), 5 * 6u);
  EXPECT_EQ(shapes[0], MaskShape::sumcheck(0, 2));
  EXPECT_EQ(shapes[1], MaskShape::corner(2));  // past the one-entry tables of layer 0, at alpha
  EXPECT_EQ(shapes[5], MaskShape::sumcheck(1, 3));
  EXPECT_EQ(shapes[6], MaskShape::corner(2));
}

TEST(PrivateLogup, RangeTableWithSeveralOddGroups) {
  auto s = range_setup({5, 13, 1, 100, 3}, 6, -20, 1);
  expect_round_trip(s);
}

TEST(PrivateLogup, ExplicitThreeColumnTable) {
  auto s = explicit_setup(41, {7, 30}, 2);
  expect_round_trip(s);
}

TEST(PrivateLogup, TableLargerThanTheWitness) {
  auto s = range_setup({3}, 10, 0, 3);
  expect_round_trip(s);
}

TEST(PrivateLogup, TableSmallerThanTheWitness) {
  auto s = explicit_setup(5, {200, 64}, 4);
  expect_round_trip(s);
}

TEST(PrivateLogup, SingleRowGroupAndSingleRowTable) {
  auto s = range_setup({1}, 0, 9, 5);  // two leaves: one layer
  expect_round_trip(s);
}

TEST(PrivateLogup, RunsOverASmallField) {
  using Small = SmallPrimeField<2147483647>;
  auto s = range_setup<Small, Small>({6, 9}, 4, 3, 6);
  const auto out = prove(s);
  auto claims = verify(s, out.proof);
  ASSERT_TRUE(claims.ok()) << claims.error();
  EXPECT_EQ(failing_claims(*claims, s), 0u);
}

TEST(PrivateLogup, TwoProofsOfOneStatementDiffer) {
  auto a = range_setup({9, 4}, 5, 0, 7);
  auto b = a;
  std::mt19937_64 rng(1234);
  b.arena = MaskArena<F, E>(private_lookup_mask_shapes(b.statement), rng);
  const auto pa = prove(a), pb = prove(b);
  EXPECT_NE(pa.proof.to_bytes(), pb.proof.to_bytes());
  EXPECT_TRUE(verify(a, pa.proof).ok());
  EXPECT_TRUE(verify(b, pb.proof).ok());
}

// Layers k >= 1 run their rounds after the selector on prove_fraction_layer's kernel
// (PrivateFractionLayerRounds): proof, point, evaluations and transcript are the generic prover's.
TEST(PrivateLogup, FractionLayerRoundsAreTheGenericOnes) {
  std::mt19937_64 rng(77);
  for (size_t k : {1, 2, 5, 9}) {
    const size_t size = size_t{1} << k;
    std::vector<E> z(k);
    for (E& v : z) v = E::random(rng);
    std::vector<std::vector<E>> tables{eq_table<E>(z)};
    for (size_t i = 0; i < kPrivateLookupChildren; ++i) {
      std::vector<E> table(size);
      for (E& v : table) v = E::random(rng);
      tables.push_back(std::move(table));
    }
    std::vector<MaskedTable<E>> masked;
    for (size_t i = 0; i < kPrivateLookupChildren; ++i) {
      std::vector<E> corner(kPrivateLookupCorner);
      for (E& v : corner) v = E::random(rng);
      masked.push_back({1 + i, std::move(corner)});
    }
    const auto terms = private_lookup_terms<E>(k, E::random(rng));
    const E offset = E::random(rng);
    const E claim = sum_over_hypercube<E, E>(tables, terms) + offset;
    const auto mask = sample_private_sumcheck_mask<E>(k, private_lookup_degree(k), rng);
    Transcript ta("fraction-layer-rounds"), tb("fraction-layer-rounds");
    const auto generic = prove_private_sumcheck<E>(ta, tables, std::span<const SumcheckTerm<E>>(terms),
                                                   std::span<const MaskedTable<E>>(masked), claim, offset, mask);
    const auto fraction = prove_private_sumcheck<E>(tb, tables, std::span<const SumcheckTerm<E>>(terms),
                                                    std::span<const MaskedTable<E>>(masked), claim, offset, mask,
                                                    PrivateFractionLayerRounds<E>{std::span<const E>(z)});
    ByteWriter a, b;
    generic.proof.encode(a);
    fraction.proof.encode(b);
    EXPECT_EQ(a.bytes(), b.bytes()) << "k = " << k;
    EXPECT_EQ(generic.point, fraction.point) << "k = " << k;
    EXPECT_EQ(generic.table_evaluations, fraction.table_evaluations) << "k = " << k;
    EXPECT_EQ(ta.state(), tb.state()) << "k = " << k;
  }
}

TEST(PrivateLogup, ProofSizeForARangeTableOf2To16WithAbout2To14Lookups) {
  auto s = range_setup({10000, 6000}, 16, 0, 8);
  const auto out = prove(s);
  const auto bytes = out.proof.to_bytes();
  // 2^16 + 2^14 + 2^13 leaves: m = 17. Layer 0: 10 elements; layer k >= 1: 11 + 4k elements.
  EXPECT_EQ(bytes.size(), 8 + 16 * (10 + 16 * 11 + 4 * 136));
  std::printf("private LogUp proof, 2^16 range table, 16000 lookups in 2 groups: %zu bytes, %zu claims\n",
              bytes.size(), out.claims.size());
  auto claims = verify(s, out.proof);
  ASSERT_TRUE(claims.ok()) << claims.error();
  EXPECT_EQ(failing_claims(*claims, s), 0u);
}

// ---- A cheating prover -------------------------------------------------------------------------

TEST(PrivateLogupCheat, ValueOutsideTheTableIsRejected) {
  auto s = range_setup({6, 11}, 4, 0, 9);
  s.data[1][0][4] = F::from_u64(16);  // one past the table; multiplicities stay those of the honest witness
  const auto out = prove(s);
  auto claims = verify(s, out.proof);
  ASSERT_FALSE(claims.ok() && failing_claims(*claims, s) == 0);
  ASSERT_FALSE(claims.ok());
  // The root's claim 0 is false; the prover's selector round takes its sum from that claim, so
  // the layer's final value is where it breaks.
  EXPECT_NE(claims.error().find("layer 0: final value mismatch"), std::string::npos) << claims.error();
}

TEST(PrivateLogupCheat, MultiplicitiesMovedToAnotherRowAreRejected) {
  auto s = range_setup({6, 11}, 4, 0, 10);
  s.multiplicities[3] += F::one();
  s.multiplicities[5] -= F::one();
  auto claims = verify(s, prove(s).proof);
  ASSERT_FALSE(claims.ok());
  // The root's claim 0 is false; the prover's selector round takes its sum from that claim, so
  // the layer's final value is where it breaks.
  EXPECT_NE(claims.error().find("layer 0: final value mismatch"), std::string::npos) << claims.error();
}

// ---- Rejections --------------------------------------------------------------------------------

struct PrivateLogupTamper : ::testing::Test {
  Witnessed<F, E> s = range_setup({9, 20, 3}, 5, 2, 11);
  PrivateLookupProverOutput<E> out = prove(s);
  PrivateLookupProof<E> proof = out.proof;

  void expect_rejected(const std::string& reason, const std::vector<MaskShape>& shapes = {}) {
    auto claims = verify(s, proof, shapes);
    ASSERT_FALSE(claims.ok());
    EXPECT_NE(claims.error().find(reason), std::string::npos) << claims.error();
  }
};

TEST_F(PrivateLogupTamper, Round) {
  proof.layers[3].rounds[1][2] += E::one();
  expect_rejected("layer 3: private sumcheck: round 2: g(0) + g(1) != claim");
}

TEST_F(PrivateLogupTamper, MaskSum) {
  proof.layers[2].mask_sum += E::one();
  expect_rejected("layer 2: private sumcheck: round 0: g(0) + g(1) != claim");
}

TEST_F(PrivateLogupTamper, ChildValue) {
  proof.layers[4].evaluations[3] += E::one();
  expect_rejected("layer 4: final value mismatch");
}

TEST_F(PrivateLogupTamper, MaskedValue) {
  proof.layers[1].masked_value += E::one();
  expect_rejected("layer 1: final value mismatch");
}

TEST_F(PrivateLogupTamper, LeafChildrenMovedConsistentlyAreCaughtByTheLeafClaim) {
  // Move p_L and p_R of the last layer along lambda (p_L q_R + p_R q_L) = const: the layer's final
  // value is unchanged, so every check passes, and only the leaf claim on p fails.
  auto& last = proof.layers.back().evaluations;
  last[0] += last[2];
  last[1] -= last[3];
  auto claims = verify(s, proof);
  ASSERT_TRUE(claims.ok()) << claims.error();
  const size_t layers = proof.layers.size();
  EXPECT_EQ(failing_claims(*claims, s), 1u);
  const auto caller = s.caller_tables();
  EXPECT_NE(claim_sum((*claims)[layers], s.arena, caller), (*claims)[layers].value) << "the claim on p fails";
}

TEST_F(PrivateLogupTamper, WrongArenaOrder) {
  auto shapes = s.arena.shapes();
  std::swap(shapes[0], shapes[1]);
  expect_rejected("layer 0: private protocol: randomness requested out of the announced order", shapes);
}

TEST_F(PrivateLogupTamper, ArenaOfAnotherStatement) {
  const LookupStatement<F> other{LookupTable<F>::range(5, 2), {9}};  // m = 6 instead of 7
  expect_rejected("layer 6: private protocol: randomness requested out of the announced order",
                  private_lookup_mask_shapes(other));
}

TEST_F(PrivateLogupTamper, StatementShapes) {
  proof.layers.pop_back();
  expect_rejected("private lookup: proof has the wrong number of layers");
  proof = out.proof;
  s.refs.columns.pop_back();
  expect_rejected("column references for the wrong number of groups");
  s.refs.columns.emplace_back();
  expect_rejected("column references for the wrong number of columns");
}

TEST_F(PrivateLogupTamper, LayerShapes) {
  proof.layers[2].rounds[1].pop_back();
  expect_rejected("layer 2: private sumcheck: round 1 has the wrong degree");
  proof = out.proof;
  proof.layers[5].evaluations.pop_back();
  expect_rejected("layer 5: private sumcheck: wrong number of evaluations");
  proof = out.proof;
  proof.layers[4].rounds.pop_back();
  expect_rejected("layer 4: private sumcheck: wrong number of rounds");
}

TEST_F(PrivateLogupTamper, InvalidStatement) {
  s.statement.group_sizes.clear();
  s.refs.columns.clear();
  expect_rejected("lookup: a statement needs 1 to");
}

TEST_F(PrivateLogupTamper, DifferentStatement) {
  s.statement.group_sizes[0] = 8;  // same layout, another statement: the transcripts part
  expect_rejected("layer 0: private sumcheck: round 0");
}

TEST_F(PrivateLogupTamper, Decoding) {
  const auto bytes = proof.to_bytes();
  for (size_t len = 0; len < bytes.size(); len += 13) {
    auto decoded = decode_all(std::span<const uint8_t>(bytes).first(len), s.statement);
    EXPECT_FALSE(decoded.ok()) << len;
  }
  auto trailing = bytes;
  trailing.push_back(0);
  EXPECT_FALSE(decode_all(trailing, s.statement).ok());
  auto version = bytes;
  version[0] = 2;
  auto decoded = decode_all(version, s.statement);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().find("unsupported proof version"), std::string::npos) << decoded.error();
  auto layers = bytes;
  layers[4] += 1;
  decoded = decode_all(layers, s.statement);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().find("wrong number of layers"), std::string::npos) << decoded.error();
  auto non_canonical = bytes;
  std::fill(non_canonical.begin() + 8 + 16 * 3, non_canonical.begin() + 8 + 16 * 3 + 8, 0xff);
  decoded = decode_all(non_canonical, s.statement);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().find("layer 0: private sumcheck: non-canonical field element"), std::string::npos)
      << decoded.error();
  const LookupStatement<F> invalid{LookupTable<F>::range(5), {}};
  EXPECT_FALSE(decode_all(bytes, invalid).ok());
}

TEST(PrivateLogupSelector, ChallengeOneIsRejectedNotDividedBy) {
  // Scripted challenges: alpha, then layer 0's rho and r_u. The prover throws on r_u = 1; the
  // verifier, replaying the proof made with r_u = 5, meets r_u = 1 and rejects.
  auto s = range_setup({3}, 2, 0, 12);
  std::vector<E> script(200);
  for (size_t i = 0; i < script.size(); ++i) script[i] = E::from_u64(3 + i);
  const auto groups = s.groups();
  ScriptedChallenger<E> pc(script);
  const auto out = prove_private_lookup<F, E>(pc, s.statement, std::span<const LookupColumns<F>>(groups),
                                              std::span<const F>(s.multiplicities), s.arena, s.refs);
  script[2] = E::one();
  ScriptedChallenger<E> vc(script);
  MaskArena<F, E> arena(s.arena.shapes());
  auto claims = verify_private_lookup<F, E>(vc, s.statement, out.proof, arena, s.refs);
  ASSERT_FALSE(claims.ok());
  EXPECT_NE(claims.error().find("layer 0: selector challenge r_u = 1"), std::string::npos) << claims.error();
  ScriptedChallenger<E> pc1(script);
  std::mt19937_64 rng(5);
  MaskArena<F, E> fresh(s.arena.shapes(), rng);
  EXPECT_THROW((prove_private_lookup<F, E>(pc1, s.statement, std::span<const LookupColumns<F>>(groups),
                                           std::span<const F>(s.multiplicities), fresh, s.refs)),
               std::runtime_error);
}

// ---- Nothing private in the proof bytes --------------------------------------------------------

template <class Value>
bool occurs(const std::vector<uint8_t>& haystack, const Value& v) {
  uint8_t needle[Value::BYTES];
  v.to_bytes(needle);
  return std::search(haystack.begin(), haystack.end(), needle, needle + Value::BYTES) != haystack.end();
}

TEST(PrivateLogupZeroKnowledge, NoWitnessOrTreeValueInTheProofBytes) {
  // Random scripted challenges, so that the test knows every point: alpha (one column), then per
  // layer k: lambda (k >= 1), the mask's rho, r_u, rho_1..rho_k, mu.
  auto s = range_setup({37, 12}, 6, 0, 13);
  std::mt19937_64 rng(14);
  std::vector<E> script(400);
  for (E& v : script) v = E::random(rng);
  ScriptedChallenger<E> ch(script);
  const auto groups = s.groups();
  const auto out = prove_private_lookup<F, E>(ch, s.statement, std::span<const LookupColumns<F>>(groups),
                                              std::span<const F>(s.multiplicities), s.arena, s.refs);
  const auto bytes = out.proof.to_bytes();

  std::vector<F> secrets_f;
  for (const auto& g : s.data)
    for (const auto& column : g) secrets_f.insert(secrets_f.end(), column.begin(), column.end());
  secrets_f.insert(secrets_f.end(), s.multiplicities.begin(), s.multiplicities.end());
  std::vector<E> secrets_e;
  for (const F& v : secrets_f) secrets_e.push_back(E(v));

  // The true tree, and its values at each layer's points: p_k, q_k at z_k, the four children at
  // rho, the leaves at z_m, and Q.
  const LookupChallenges<E> challenges{script[0], {E::one()}};
  const auto layout = private_lookup_layout(s.statement);
  ASSERT_TRUE(layout.ok());
  const FractionTree<E> tree = build_fraction_tree<E>(private_lookup_leaves<F, E>(
      s.statement, *layout, std::span<const LookupColumns<F>>(groups), std::span<const F>(s.multiplicities), challenges));
  std::vector<E> z;
  size_t next = 1;
  for (size_t k = 0; k <= layout->num_vars; ++k) {
    if (k > 0) secrets_e.push_back(evaluate_multilinear<E, E>(tree.numerators[k], z));  // P = 0 is public
    secrets_e.push_back(evaluate_multilinear<E, E>(tree.denominators[k], z));
    if (k == layout->num_vars) break;
    next += (k == 0 ? 0 : 1) + 2;  // lambda, the mask's rho, r_u
    const std::vector<E> rho(script.begin() + static_cast<std::ptrdiff_t>(next),
                             script.begin() + static_cast<std::ptrdiff_t>(next + k));
    next += k;
    const size_t half = size_t{1} << k;
    for (const auto* table : {&tree.numerators[k + 1], &tree.denominators[k + 1]}) {
      secrets_e.push_back(evaluate_multilinear<E, E>(std::span<const E>(*table).first(half), rho));
      secrets_e.push_back(evaluate_multilinear<E, E>(std::span<const E>(*table).subspan(half), rho));
    }
    z = {script[next++]};
    z.insert(z.end(), rho.begin(), rho.end());
  }
  ASSERT_EQ(tree.numerators[0][0], E::zero());

  for (const F& v : secrets_f) EXPECT_FALSE(occurs(bytes, v)) << v.value();
  for (const E& v : secrets_e) EXPECT_FALSE(occurs(bytes, v));
  // The scan finds what the proof does hold.
  EXPECT_TRUE(occurs(bytes, out.proof.layers[3].evaluations[1]));
}

}  // namespace
}  // namespace zk
