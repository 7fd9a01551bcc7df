// CommittedPolynomials::serialize/deserialize: a loaded copy opens exactly like the original, and
// truncated, altered or mismatched data is refused.
#include <gtest/gtest.h>

#include <random>

#include "pcs/pcs.hpp"

namespace zk::pcs {
namespace {

CommittedPolynomials commit_random(std::mt19937_64& rng, size_t vars, size_t polys, const Params& params) {
  std::vector<std::vector<F>> tables(polys, std::vector<F>(size_t{1} << vars));
  for (auto& table : tables)
    for (F& x : table) x = F::random(rng);
  const std::vector<std::span<const F>> spans(tables.begin(), tables.end());
  auto committed = commit(spans, params);
  EXPECT_TRUE(committed.ok()) << committed.error();
  return std::move(*committed);
}

std::vector<uint8_t> encode(const CommittedPolynomials& committed) {
  ByteWriter out;
  committed.serialize(out);
  return std::move(out).take();
}

Result<CommittedPolynomials> decode(std::span<const uint8_t> bytes, const Commitment& expected, const Params& params) {
  ByteReader in(bytes);
  auto loaded = CommittedPolynomials::deserialize(in, expected, params);
  if (loaded.ok() && !in.at_end()) return fail("unread bytes");
  return loaded;
}

// The opening proof of every polynomial at one random point, as bytes.
std::vector<uint8_t> open_all(const CommittedPolynomials& committed, const Params& params, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<E> point(committed.commitment().num_vars);
  for (E& x : point) x = E::random(rng);
  std::vector<EvalClaim> claims;
  for (uint32_t j = 0; j < committed.commitment().num_polys; ++j)
    claims.push_back({PolyRef{0, j}, point, evaluate(committed, j, point)});
  const CommittedPolynomials* ptrs[] = {&committed};
  Transcript prover("committed-io");
  auto proof = open(params, ptrs, claims, prover);
  EXPECT_TRUE(proof.ok()) << proof.error();
  const std::vector<uint8_t> bytes = proof->serialize();
  Transcript verifier("committed-io");
  const Commitment commitments[] = {committed.commitment()};
  const Status verified = verify_bytes(params, commitments, claims, bytes, verifier);
  EXPECT_TRUE(verified.ok()) << verified.error();
  return bytes;
}

TEST(CommittedIo, RoundTripOpensIdentically) {
  std::mt19937_64 rng(70);
  const Params params = conjectured_params();
  for (auto [vars, polys] : {std::pair<size_t, size_t>{0, 1}, {3, 2}, {4, 1}, {9, 3}, {12, 1}}) {
    const CommittedPolynomials original = commit_random(rng, vars, polys, params);
    const std::vector<uint8_t> bytes = encode(original);
    auto loaded = decode(bytes, original.commitment(), params);
    ASSERT_TRUE(loaded.ok()) << vars << ": " << loaded.error();
    EXPECT_EQ(loaded->commitment(), original.commitment());
    EXPECT_EQ(loaded->tree().root(), original.tree().root());
    for (size_t j = 0; j < polys; ++j) {
      const auto a = original.table(j), b = loaded->table(j);
      EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end())) << vars << " table " << j;
    }
    EXPECT_EQ(encode(*loaded), bytes) << vars;
    EXPECT_EQ(open_all(*loaded, params, vars), open_all(original, params, vars)) << vars;
  }
}

TEST(CommittedIo, HidingRoundTripOpensIdenticallyAndSaltsAreBound) {
  std::mt19937_64 rng(76);
  Params params = conjectured_params();
  params.hiding = true;
  for (auto [vars, polys] : {std::pair<size_t, size_t>{0, 1}, {5, 2}, {13, 1}}) {
    const CommittedPolynomials original = commit_random(rng, vars, polys, params);
    const std::vector<uint8_t> bytes = encode(original);
    auto loaded = decode(bytes, original.commitment(), params);
    ASSERT_TRUE(loaded.ok()) << vars << ": " << loaded.error();
    EXPECT_EQ(encode(*loaded), bytes) << vars;
    EXPECT_EQ(open_all(*loaded, params, vars), open_all(original, params, vars)) << vars;
    // The last words are the last leaf's salt: bound by the root.
    std::vector<uint8_t> altered = bytes;
    altered[bytes.size() - 3] ^= 0x10;
    const auto refused = decode(altered, original.commitment(), params);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().find("root"), std::string::npos) << refused.error();
  }
}

TEST(CommittedIo, EveryAlteredByteIsRefused) {
  std::mt19937_64 rng(71);
  const Params params = conjectured_params();
  const CommittedPolynomials original = commit_random(rng, 3, 2, params);
  const std::vector<uint8_t> bytes = encode(original);
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<uint8_t> altered = bytes;
    altered[i] ^= static_cast<uint8_t>(1u << (i % 8));
    EXPECT_FALSE(decode(altered, original.commitment(), params).ok()) << "byte " << i;
  }
}

TEST(CommittedIo, AlteredTableAndCodewordOfALargerCommitmentAreRefused) {
  std::mt19937_64 rng(72);
  const Params params = conjectured_params();
  const CommittedPolynomials original = commit_random(rng, 10, 2, params);
  const std::vector<uint8_t> bytes = encode(original);
  const size_t header = 16, tables_end = header + 2 * 1024 * 8;
  for (size_t i : {header, header + 5000, tables_end - 1, tables_end, tables_end + 40001, bytes.size() - 1}) {
    ASSERT_LT(i, bytes.size());
    std::vector<uint8_t> altered = bytes;
    altered[i] ^= 0x10;
    const auto loaded = decode(altered, original.commitment(), params);
    ASSERT_FALSE(loaded.ok()) << "byte " << i;
    EXPECT_NE(loaded.error().find(i < tables_end ? "out-of-domain" : "root"), std::string::npos) << loaded.error();
  }
}

TEST(CommittedIo, TruncatedInputIsRefused) {
  std::mt19937_64 rng(73);
  const Params params = conjectured_params();
  const CommittedPolynomials original = commit_random(rng, 6, 2, params);
  const std::vector<uint8_t> bytes = encode(original);
  for (size_t length : {size_t{0}, size_t{3}, size_t{15}, size_t{16}, size_t{17}, bytes.size() / 2, bytes.size() - 1})
    EXPECT_FALSE(decode(std::span(bytes).first(length), original.commitment(), params).ok()) << length;
}

TEST(CommittedIo, NonCanonicalElementAndVersionAreRefused) {
  std::mt19937_64 rng(74);
  const Params params = conjectured_params();
  const CommittedPolynomials original = commit_random(rng, 5, 1, params);
  std::vector<uint8_t> bytes = encode(original);
  std::vector<uint8_t> non_canonical = bytes;
  for (size_t i = 0; i < 8; ++i) non_canonical[16 + i] = 0xff;
  const auto loaded = decode(non_canonical, original.commitment(), params);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().find("canonical"), std::string::npos) << loaded.error();
  bytes[0] ^= 1;
  EXPECT_FALSE(decode(bytes, original.commitment(), params).ok());
}

TEST(CommittedIo, DataOfAnotherCommitmentOrParamsIsRefused) {
  std::mt19937_64 rng(75);
  const Params params = conjectured_params();
  const CommittedPolynomials a = commit_random(rng, 6, 1, params);
  const CommittedPolynomials b = commit_random(rng, 6, 1, params);
  EXPECT_FALSE(decode(encode(a), b.commitment(), params).ok());
  Commitment wrong_ood = a.commitment();
  wrong_ood.ood[1] = wrong_ood.ood[1] + E::one();
  EXPECT_FALSE(decode(encode(a), wrong_ood, params).ok());
  Commitment wrong_shape = a.commitment();
  wrong_shape.num_polys = 2;
  wrong_shape.ood.resize(size_t{2} * kOodSamples);
  EXPECT_FALSE(decode(encode(a), wrong_shape, params).ok());
  Params other_rate = params;
  other_rate.rate_bits = params.rate_bits + 1;
  EXPECT_FALSE(decode(encode(a), a.commitment(), other_rate).ok());
}

}  // namespace
}  // namespace zk::pcs
