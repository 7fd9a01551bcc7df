// Encoding of CommittedPolynomials (the prover data of one commitment), laid out so that loading
// needs no NTT, no leaf hashing and no copy of the tables or codewords:
//
//   u32 kFormatVersion, u32 num_vars, u32 num_polys, u32 rate_bits   (must equal the expected
//                                                                     commitment and the params)
//   Merkle level s = min(kDroppedLevels, depth) of the tree over the leaves, its 2^(depth - s)
//              nodes of 32 bytes (depth = opened_vars + rate_bits - 4); the levels above are
//              recomputed from it
//   zero bytes up to the next multiple of 64 of the stream offset
//   tables:    num_polys tables as committed, polynomial after polynomial: 2^num_vars field
//              elements, or for a hiding commitment the masked tables (2^committed_vars)
//   codewords: the 2^depth Merkle leaves, each as leaf() gives it: per polynomial its 16 coset
//              values (hiding: 32, then the leaf's salt); leaf-major, however the object held them
//
// Field elements are canonical little-endian u64, which is also their in-memory form: the loaded
// object views the tables and codewords where they lie in the input. Loading requires (1) the
// input to hold every size the commitment implies, the padding to be zero and the tables to be
// 8-byte aligned in memory; (2) the root recomputed from the stored level to be the expected one;
// (3) every table element to be canonical; (4) the tables to give the commitment's out-of-domain
// answers P_j(pow(z_s)), which binds them to the committed polynomials (a different table not
// chosen after seeing z_s passes with probability <= 2^vars/|E|). The codewords and salts are not
// read (that was most of the load): a changed leaf is not noticed here; the opening checks each
// leaf it opens (check_leaves: its subtree against the stored level) and refuses a changed one,
// and check_codewords checks them all. docs/zkml.md, "Keys", says what the proving key adds (a
// checksum of everything but the codewords).
#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <optional>
#include <type_traits>

#include "base/parallel.hpp"
#include "pcs/pcs.hpp"
#include "pcs/schedule.hpp"

namespace zk::pcs {

using detail::kDroppedLevels;

namespace {

// F is its canonical u64 and the host little-endian, so encoded elements are usable in place.
static_assert(std::endian::native == std::endian::little);
static_assert(sizeof(F) == sizeof(uint64_t) && std::is_trivially_copyable_v<F> && std::is_standard_layout_v<F>);

constexpr uint32_t kFormatVersion = 2;
constexpr size_t kWordBytes = 8;
constexpr size_t kDataAlignment = 64;  // stream offset of the tables
constexpr size_t kTableGrain = size_t{1} << 14;

// The sizes of one commitment's prover data, all derived from the commitment.
struct Shape {
  size_t polys = 0;
  size_t table_size = 0;   // 2^num_vars, or 2^committed_vars when hiding
  size_t depth = 0;        // of the Merkle tree: 2^depth leaves
  size_t leaf_words = 0;   // field elements per leaf (with the salt)
  size_t level_nodes = 0;  // nodes of the lowest stored level

  explicit Shape(const Commitment& c)
      : polys(c.num_polys),
        table_size(size_t{1} << (c.hiding ? detail::committed_vars(c) : c.num_vars)),
        depth(detail::opened_vars(c) + c.rate_bits - kFoldingVars),
        leaf_words(detail::leaf_size(c)),
        level_nodes(size_t{1} << (depth - std::min(kDroppedLevels, depth))) {}
  size_t words() const { return polys * table_size + (leaf_words << depth); }
};

size_t padding_at(size_t offset) { return (kDataAlignment - offset % kDataAlignment) % kDataAlignment; }

void write_elements(ByteWriter& out, std::span<const F> elements) {
  std::memcpy(out.extend(elements.size_bytes()), elements.data(), elements.size_bytes());
}

}  // namespace

void CommittedPolynomials::serialize(ByteWriter& out) const {
  out.u32(kFormatVersion);
  out.u32(commitment_.num_vars);
  out.u32(commitment_.num_polys);
  out.u32(commitment_.rate_bits);
  for (const Digest& node : tree_.lowest_stored_level()) out.raw(node);
  out.extend(padding_at(out.size()));
  write_elements(out, tables_);
  if (!leaves_.empty()) {
    write_elements(out, leaves_);
    return;
  }
  const size_t width = detail::leaf_size(commitment_), leaves = size_t{1} << tree_.depth();
  uint8_t* dst = out.extend(leaves * width * kWordBytes);
  parallel_for(leaves, 1 << 10, [&](size_t begin, size_t end) {
    std::vector<uint64_t> words(width);
    for (size_t q = begin; q < end; ++q) {
      leaf_words(q, words.data());
      std::memcpy(dst + q * width * kWordBytes, words.data(), width * kWordBytes);
    }
  });
}

Result<CommittedPolynomials::Extent> CommittedPolynomials::extent(const Commitment& expected, size_t offset) {
  // Below 2^24 polynomials (and 2^28 entries, rate <= 1/16) no size below overflows 64 bits.
  if (expected.num_vars > kMaxVars || detail::committed_vars(expected) > kMaxVars || expected.num_polys == 0 ||
      expected.num_polys >= (uint32_t{1} << 24) || expected.rate_bits > 4)
    return fail("pcs prover data: the expected commitment is malformed");
  const Shape shape(expected);
  const size_t tables_at = offset + 4 * sizeof(uint32_t) + shape.level_nodes * sizeof(Digest);
  Extent out;
  out.codewords = tables_at + padding_at(tables_at) + shape.polys * shape.table_size * kWordBytes;
  out.end = out.codewords + (shape.leaf_words << shape.depth) * kWordBytes;
  return out;
}

namespace {

Status unchanged(std::optional<size_t> first_changed_leaf) {
  if (!first_changed_leaf) return {};
  return fail("pcs prover data: leaf " + std::to_string(*first_changed_leaf) + " does not hash to the stored Merkle level");
}

}  // namespace

Status CommittedPolynomials::check_codewords() const {
  return unchanged(tree_.first_mismatch([this](size_t q, uint64_t* words) { leaf_words(q, words); }));
}

Status CommittedPolynomials::check_leaves(std::span<const uint64_t> leaves) const {
  const std::vector<size_t> indices(leaves.begin(), leaves.end());
  return unchanged(tree_.first_mismatch(indices, [this](size_t q, uint64_t* words) { leaf_words(q, words); }));
}

Result<CommittedPolynomials> CommittedPolynomials::deserialize(ByteReader& in, const Commitment& expected,
                                                               const Params& params,
                                                               std::shared_ptr<const void> storage) {
  ZK_TRY(validate(params));
  if (expected.num_vars > kMaxVars || detail::committed_vars(expected) > kMaxVars || expected.num_polys == 0 ||
      expected.rate_bits != params.rate_bits ||
      expected.ood.size() != size_t{expected.num_polys} * kOodSamples)
    return fail("pcs prover data: the expected commitment is malformed");
  auto version = in.u32();
  if (!version) return fail(version.error());
  if (*version != kFormatVersion) return fail("pcs prover data: unsupported version " + std::to_string(*version));
  for (uint32_t expected_value : {expected.num_vars, expected.num_polys, expected.rate_bits}) {
    auto value = in.u32();
    if (!value) return fail(value.error());
    if (*value != expected_value) return fail("pcs prover data: shape differs from the commitment");
  }
  const Shape shape(expected);
  // The sizes come from the commitment; the input must hold them all before anything is allocated
  // (the first test keeps the products below from overflowing).
  const size_t level_bytes = shape.level_nodes * sizeof(Digest);
  if (shape.words() > in.remaining() / kWordBytes)
    return fail("pcs prover data: truncated (" + std::to_string(in.remaining()) + " bytes left)");
  const auto level = in.take(level_bytes);
  const auto padding = in.take(padding_at(in.position()));
  const auto tables = in.take(shape.polys * shape.table_size * kWordBytes);
  const auto codewords = in.take((shape.leaf_words << shape.depth) * kWordBytes);
  if (!level || !padding || !tables || !codewords) return fail("pcs prover data: truncated");
  if (std::any_of(padding->begin(), padding->end(), [](uint8_t b) { return b != 0; }))
    return fail("pcs prover data: nonzero padding");
  if (reinterpret_cast<uintptr_t>(tables->data()) % alignof(F) != 0)
    return fail("pcs prover data: the input is not 8-byte aligned in memory");

  // The stored level determines the tree; its root must be the commitment's.
  std::vector<Digest> nodes(shape.level_nodes);
  std::memcpy(nodes.data(), level->data(), level_bytes);
  CommittedPolynomials out;
  out.tree_ = MerkleTree::from_stored_level(shape.depth, shape.leaf_words, kDroppedLevels, std::move(nodes));
  if (out.tree_.root() != expected.root)
    return fail("pcs prover data: the stored Merkle level does not match the commitment's root");

  // The elements are viewed in place (the static_asserts above make the bytes their representation).
  out.tables_ = {reinterpret_cast<const F*>(tables->data()), shape.polys * shape.table_size};
  out.leaves_ = {reinterpret_cast<const F*>(codewords->data()), shape.leaf_words << shape.depth};
  out.storage_ = std::move(storage);
  std::atomic<bool> canonical{true};
  parallel_for(out.tables_.size(), kTableGrain, [&](size_t begin, size_t end) {
    bool ok = true;
    for (size_t i = begin; i < end; ++i) ok &= out.tables_[i].value() < F::MODULUS;
    if (!ok) canonical = false;
  });
  if (!canonical) return fail("pcs prover data: a field element is not canonical");

  // The tables must give the commitment's out-of-domain answers.
  out.commitment_ = expected;
  for (size_t j = 0; j < shape.polys; ++j) {
    detail::OodContractions ood = detail::ood_contractions(expected, out.table(j));
    if (!std::equal(ood.answers.begin(), ood.answers.end(), expected.ood.begin() + static_cast<std::ptrdiff_t>(j * kOodSamples)))
      return fail("pcs prover data: the tables do not match the commitment's out-of-domain answers");
    for (auto& head : ood.heads) out.ood_contractions_.push_back(std::move(head));
  }
  return out;
}

}  // namespace zk::pcs
