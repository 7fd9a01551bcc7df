// CommittedPolynomials::serialize/deserialize: a loaded copy opens exactly like the original;
// truncated, misaligned, altered or mismatched data is refused, except altered codewords, which
// load and then make the openings fail to verify.
#include <gtest/gtest.h>

#include <random>

#include "base/shared_bytes.hpp"
#include "pcs/ntt.hpp"
#include "pcs/pcs.hpp"
#include "pcs/schedule.hpp"

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

std::vector<F> leaf_values(const CommittedPolynomials& committed, size_t q) {
  std::vector<F> out(detail::leaf_size(committed.commitment()));
  committed.leaf(q, out.data());
  return out;
}

// A fresh commitment keeps its codewords in natural order and gathers each leaf, a loaded one
// views them leaf-major: the two give the same leaves.
void expect_same_leaves(const CommittedPolynomials& a, const CommittedPolynomials& b) {
  ASSERT_EQ(a.tree().depth(), b.tree().depth());
  for (size_t q = 0; q < (size_t{1} << a.tree().depth()); ++q) EXPECT_EQ(leaf_values(a, q), leaf_values(b, q)) << q;
}

std::vector<uint8_t> encode(const CommittedPolynomials& committed) {
  ByteWriter out;
  committed.serialize(out);
  return std::move(out).take();
}

// Decodes from a copy of `bytes` starting `offset` bytes into its buffer; the result keeps the
// copy alive.
Result<CommittedPolynomials> decode(std::span<const uint8_t> bytes, const Commitment& expected, const Params& params,
                                    size_t offset = 0) {
  std::vector<uint8_t> copy(offset);
  copy.insert(copy.end(), bytes.begin(), bytes.end());
  const SharedBytes shared(std::move(copy));
  ByteReader in(shared.span().subspan(offset));
  auto loaded = CommittedPolynomials::deserialize(in, expected, params, shared.owner());
  if (loaded.ok() && !in.at_end()) return fail("unread bytes");
  return loaded;
}

// The opening proof of every polynomial at one random point and its verification (or the
// prover's error, and no proof).
struct Opened {
  std::vector<uint8_t> proof;
  Status verified;
};

Opened open_all(const CommittedPolynomials& committed, const Params& params, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<E> point(committed.commitment().num_vars);
  for (E& x : point) x = E::random(rng);
  std::vector<EvalClaim> claims;
  for (uint32_t j = 0; j < committed.commitment().num_polys; ++j)
    claims.push_back({PolyRef{0, j}, point, evaluate(committed, j, point)});
  const CommittedPolynomials* ptrs[] = {&committed};
  Transcript prover("committed-io");
  auto proof = open(params, ptrs, claims, prover);
  if (!proof) return {{}, fail(proof.error())};
  Opened out{proof->serialize(), {}};
  Transcript verifier("committed-io");
  const Commitment commitments[] = {committed.commitment()};
  out.verified = verify_bytes(params, commitments, claims, out.proof, verifier);
  return out;
}

// Byte offsets of the regions of an encoding (16-byte header first).
struct Regions {
  size_t level, tables, codewords, end;
};

Regions regions(const Commitment& c) {
  const size_t log_domain = std::max<size_t>(c.num_vars, kFoldingVars) + c.rate_bits;
  const size_t depth = log_domain - kFoldingVars;
  const size_t level_end = 16 + (size_t{32} << (depth - std::min<size_t>(depth, 4)));
  const size_t tables = (level_end + 63) / 64 * 64;
  const size_t codewords = tables + (size_t{8} * c.num_polys << c.num_vars);
  return {16, tables, codewords, codewords + (size_t{8} * c.num_polys << log_domain)};
}

TEST(CommittedIo, RoundTripOpensIdentically) {
  std::mt19937_64 rng(70);
  const Params params = conjectured_params();
  for (auto [vars, polys] : {std::pair<size_t, size_t>{0, 1}, {3, 2}, {4, 1}, {9, 3}, {12, 1}}) {
    const CommittedPolynomials original = commit_random(rng, vars, polys, params);
    const std::vector<uint8_t> bytes = encode(original);
    EXPECT_EQ(bytes.size(), regions(original.commitment()).end) << vars;
    auto loaded = decode(bytes, original.commitment(), params);
    ASSERT_TRUE(loaded.ok()) << vars << ": " << loaded.error();
    EXPECT_EQ(loaded->commitment(), original.commitment());
    EXPECT_EQ(loaded->tree().root(), original.tree().root());
    for (size_t j = 0; j < polys; ++j) {
      const auto a = original.table(j), b = loaded->table(j);
      EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end())) << vars << " table " << j;
    }
    EXPECT_EQ(encode(*loaded), bytes) << vars;
    expect_same_leaves(original, *loaded);
    const Opened from_loaded = open_all(*loaded, params, vars), from_original = open_all(original, params, vars);
    EXPECT_TRUE(from_loaded.verified.ok()) << from_loaded.verified.error();
    EXPECT_EQ(from_loaded.proof, from_original.proof) << vars;
  }
}

// Leaf q holds, per polynomial, the values q + k N/16 of its Reed-Solomon codeword (N its length).
TEST(CommittedIo, LeavesAreTheCosetsOfTheCodewords) {
  std::mt19937_64 rng(77);
  const Params params = conjectured_params();
  const CommittedPolynomials committed = commit_random(rng, 9, 2, params);
  const size_t log_domain = 9 + params.rate_bits, rows = size_t{1} << (log_domain - kFoldingVars);
  ASSERT_EQ(rows, size_t{1} << committed.tree().depth());
  for (size_t j = 0; j < 2; ++j) {
    const std::vector<F> codeword = rs_encode<F>(committed.table(j), log_domain);
    for (size_t q = 0; q < rows; q += 7) {
      const std::vector<F> leaf = leaf_values(committed, q);
      for (size_t k = 0; k < kLeafWidth; ++k) EXPECT_EQ(leaf[j * kLeafWidth + k], codeword[q + k * rows]) << q;
    }
  }
}

// Every byte of the header, the stored Merkle level, the padding and the tables is checked at
// load; the codewords are not, but the opening checks the leaves it opens against the stored
// level and refuses an altered one (here every leaf is opened: the tree has 4 leaves; one byte of
// every fourth codeword element is altered, as each opening grinds).
TEST(CommittedIo, EveryAlteredByteIsRefusedOrFailsTheOpening) {
  std::mt19937_64 rng(71);
  const Params params = conjectured_params();
  const CommittedPolynomials original = commit_random(rng, 3, 2, params);
  const std::vector<uint8_t> bytes = encode(original);
  const Regions at = regions(original.commitment());
  for (size_t i = 0; i < bytes.size(); i += i < at.codewords ? 1 : 33) {
    std::vector<uint8_t> altered = bytes;
    altered[i] ^= static_cast<uint8_t>(1u << (i % 8));
    auto loaded = decode(altered, original.commitment(), params);
    if (i < at.codewords) {
      EXPECT_FALSE(loaded.ok()) << "byte " << i;
    } else {
      ASSERT_TRUE(loaded.ok()) << "byte " << i << ": " << loaded.error();
      const Opened opened = open_all(*loaded, params, i);
      EXPECT_TRUE(opened.proof.empty()) << "byte " << i;
      EXPECT_NE(opened.verified.error().find("does not hash to the stored Merkle level"), std::string::npos)
          << "byte " << i << ": " << opened.verified.error();
    }
  }
}

TEST(CommittedIo, AlteredLevelTablePaddingOfALargerCommitmentAreRefusedWithReason) {
  std::mt19937_64 rng(72);
  const Params params = conjectured_params();
  const CommittedPolynomials original = commit_random(rng, 10, 2, params);
  const std::vector<uint8_t> bytes = encode(original);
  const Regions at = regions(original.commitment());
  ASSERT_LT(at.level + 512, at.tables);  // 16 nodes, then padding
  for (auto [i, reason] : {std::pair<size_t, std::string>{at.level, "root"}, {at.level + 300, "root"},
                           {at.tables - 1, "padding"}, {at.tables, "out-of-domain"},
                           {at.tables + 5000, "out-of-domain"}, {at.codewords - 1, "out-of-domain"}}) {
    std::vector<uint8_t> altered = bytes;
    altered[i] ^= 0x10;
    const auto loaded = decode(altered, original.commitment(), params);
    ASSERT_FALSE(loaded.ok()) << "byte " << i;
    EXPECT_NE(loaded.error().find(reason), std::string::npos) << loaded.error();
  }
}

// Hiding commitments (masked tables, 32-value cosets and a salt per leaf) round-trip too; their
// salts, like the codewords, are not checked at load, and the opening refuses altered ones.
TEST(CommittedIo, HidingRoundTripOpensIdenticallyAndAlteredSaltsFailTheOpening) {
  std::mt19937_64 rng(76);
  Params params = conjectured_params();
  params.hiding = true;
  for (auto [vars, polys] : {std::pair<size_t, size_t>{0, 1}, {5, 2}, {13, 1}}) {
    const CommittedPolynomials original = commit_random(rng, vars, polys, params);
    const std::vector<uint8_t> bytes = encode(original);
    auto loaded = decode(bytes, original.commitment(), params);
    ASSERT_TRUE(loaded.ok()) << vars << ": " << loaded.error();
    EXPECT_EQ(encode(*loaded), bytes) << vars;
    expect_same_leaves(original, *loaded);
    const Opened from_loaded = open_all(*loaded, params, vars);
    EXPECT_TRUE(from_loaded.verified.ok()) << from_loaded.verified.error();
    EXPECT_EQ(from_loaded.proof, open_all(original, params, vars).proof) << vars;
    // Every leaf's salt altered (the leaves are the last bytes; the salt ends each leaf).
    const size_t leaf_bytes = 8 * detail::leaf_size(original.commitment());
    const size_t leaves = original.tree().lowest_stored_level().size() << 4;
    ASSERT_EQ(leaves, size_t{1} << original.tree().depth());
    std::vector<uint8_t> altered = bytes;
    for (size_t q = 0; q < leaves; ++q) altered[bytes.size() - q * leaf_bytes - 3] ^= 0x10;
    auto salted = decode(altered, original.commitment(), params);
    ASSERT_TRUE(salted.ok()) << salted.error();
    const Opened opened = open_all(*salted, params, vars);
    EXPECT_TRUE(opened.proof.empty()) << vars;
    EXPECT_NE(opened.verified.error().find("does not hash to the stored Merkle level"), std::string::npos)
        << vars << ": " << opened.verified.error();
  }
}

// extent() places the codewords and the end where serialize writes them, from any stream offset
// (the padding before the tables depends on it), plain and hiding; a malformed commitment fails.
TEST(CommittedIo, ExtentLocatesTheCodewordsOfTheEncoding) {
  std::mt19937_64 rng(77);
  for (const bool hiding : {false, true}) {
    Params params = conjectured_params();
    params.hiding = hiding;
    for (auto [vars, polys] : {std::pair<size_t, size_t>{0, 1}, {5, 2}, {9, 3}}) {
      const CommittedPolynomials committed = commit_random(rng, vars, polys, params);
      const std::vector<uint8_t> bytes = encode(committed);
      const size_t leaf_bytes = 8 * detail::leaf_size(committed.commitment());
      const size_t codeword_bytes = leaf_bytes << committed.tree().depth();
      for (const size_t prefix : {size_t{0}, size_t{5}, size_t{63}}) {
        ByteWriter out;
        out.extend(prefix);
        committed.serialize(out);
        const auto extent = CommittedPolynomials::extent(committed.commitment(), prefix);
        ASSERT_TRUE(extent.ok()) << extent.error();
        EXPECT_EQ(extent->end, out.size()) << vars << " " << prefix;
        EXPECT_EQ(extent->end - extent->codewords, codeword_bytes) << vars << " " << prefix;
      }
      EXPECT_EQ(CommittedPolynomials::extent(committed.commitment(), 0)->end, bytes.size());
    }
  }
  Commitment malformed;
  malformed.num_vars = kMaxVars + 1;
  malformed.num_polys = 1;
  EXPECT_FALSE(CommittedPolynomials::extent(malformed, 0).ok());
  malformed.num_vars = 4;
  malformed.num_polys = 0;
  EXPECT_FALSE(CommittedPolynomials::extent(malformed, 0).ok());
}

TEST(CommittedIo, TruncatedOrMisalignedInputIsRefused) {
  std::mt19937_64 rng(73);
  const Params params = conjectured_params();
  const CommittedPolynomials original = commit_random(rng, 6, 2, params);
  const std::vector<uint8_t> bytes = encode(original);
  const Regions at = regions(original.commitment());
  for (size_t length : {size_t{0}, size_t{3}, size_t{15}, size_t{16}, size_t{17}, at.tables - 1, at.tables,
                        at.codewords + 1, bytes.size() / 2, bytes.size() - 1})
    EXPECT_FALSE(decode(std::span(bytes).first(length), original.commitment(), params).ok()) << length;
  for (size_t offset : {size_t{1}, size_t{4}}) {
    const auto loaded = decode(bytes, original.commitment(), params, offset);
    ASSERT_FALSE(loaded.ok()) << offset;
    EXPECT_NE(loaded.error().find("aligned"), std::string::npos) << loaded.error();
  }
  EXPECT_TRUE(decode(bytes, original.commitment(), params, 64).ok());
}

TEST(CommittedIo, NonCanonicalElementAndVersionAreRefused) {
  std::mt19937_64 rng(74);
  const Params params = conjectured_params();
  const CommittedPolynomials original = commit_random(rng, 5, 1, params);
  std::vector<uint8_t> bytes = encode(original);
  std::vector<uint8_t> non_canonical = bytes;
  const size_t table_at = regions(original.commitment()).tables;
  for (size_t i = 0; i < 8; ++i) non_canonical[table_at + 8 + i] = 0xff;
  const auto loaded = decode(non_canonical, original.commitment(), params);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().find("canonical"), std::string::npos) << loaded.error();
  bytes[0] ^= 1;
  const auto other_version = decode(bytes, original.commitment(), params);
  ASSERT_FALSE(other_version.ok());
  EXPECT_NE(other_version.error().find("version"), std::string::npos) << other_version.error();
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
