// Encoding of CommittedPolynomials (the prover data of one commitment), so that a proving key
// can be loaded without re-encoding (no NTT).
//
//   u32 kFormatVersion, u32 num_vars, u32 num_polys, u32 rate_bits   (must equal the expected
//                                                                     commitment and the params)
//   tables:    num_polys tables as committed, polynomial after polynomial: 2^num_vars field
//              elements, or for a hiding commitment the masked tables (2^committed_vars)
//   codewords: the Merkle leaves, each as leaf_words writes it: per polynomial its 16 coset values
//              (hiding: 32, then the leaf's salt); 2^(opened_vars + rate_bits - 4) leaves
//
// Field elements are canonical little-endian u64. The Merkle tree is not stored (checking the
// root hashes every leaf anyway): loading rebuilds it from the codewords and requires its root to
// be the expected one, which
// binds the codewords to the commitment; the tables must give the commitment's out-of-domain
// answers P_j(pow(z_s)), which binds them to the committed polynomials (a different table not
// chosen after seeing z_s passes with probability <= 2^num_vars/|E|; docs/zkml.md, "Keys", says
// what these checks guard against).
#include <algorithm>
#include <atomic>
#include <bit>

#include <sys/mman.h>

#include "base/parallel.hpp"
#include "pcs/pcs.hpp"
#include "pcs/schedule.hpp"
#include "poly/multilinear.hpp"

namespace zk::pcs {

using detail::kDroppedLevels;
using detail::power_point;

namespace {

constexpr uint32_t kFormatVersion = 1;
constexpr size_t kWordBytes = 8;
constexpr size_t kLeafGrain = 1 << 10;

uint64_t load_le64(const uint8_t* bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < kWordBytes; ++i) v |= static_cast<uint64_t>(bytes[i]) << (8 * i);
  return v;
}

void store_le64(uint8_t* bytes, uint64_t v) {
  for (size_t i = 0; i < kWordBytes; ++i) bytes[i] = static_cast<uint8_t>(v >> (8 * i));
}

// The sizes of one commitment's prover data, all derived from the commitment.
struct Shape {
  size_t polys = 0;
  size_t table_size = 0;     // 2^num_vars, or 2^committed_vars when hiding
  size_t codeword_size = 0;  // 2^(committed_vars + rate_bits)
  size_t coset = 0;          // codeword values of one polynomial per leaf
  size_t leaves = 0;         // codeword_size / coset
  size_t leaf_words = 0;     // words per leaf (with the salt)

  explicit Shape(const Commitment& c)
      : polys(c.num_polys),
        table_size(size_t{1} << (c.hiding ? detail::committed_vars(c) : c.num_vars)),
        codeword_size(size_t{1} << (detail::committed_vars(c) + c.rate_bits)),
        coset(c.hiding ? 2 * kLeafWidth : kLeafWidth),
        leaves(codeword_size / coset),
        leaf_words(detail::leaf_size(c)) {}
  size_t words() const { return polys * table_size + leaves * leaf_words; }
};

// v resized to n zero elements, asking the kernel to back it with transparent huge pages first
// (where THP is "madvise"): zeroing 4 KB pages one fault at a time costs more than reading the
// key. The advice is only a hint; without it the result is the same.
void resize_on_huge_pages(std::vector<F>& v, size_t n) {
  constexpr uintptr_t kHugePage = uintptr_t{1} << 21;
  v.reserve(n);
  const auto begin = reinterpret_cast<uintptr_t>(v.data());
  const uintptr_t aligned_begin = (begin + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t aligned_end = (begin + n * sizeof(F)) & ~(kHugePage - 1);
  if (aligned_end > aligned_begin)
    ::madvise(reinterpret_cast<void*>(aligned_begin), aligned_end - aligned_begin, MADV_HUGEPAGE);
  v.resize(n);
}

// values[s] = P(points[s]) for the multilinear extension P of `table`, all points in one pass:
// with the index split as (high bits, low bits), P(r) = sum_h eq(r_high, h) sum_l eq(r_low, l) T[h, l].
std::vector<E> evaluate_at_points(std::span<const F> table, std::span<const std::vector<E>> points) {
  const size_t vars = std::countr_zero(table.size());
  const size_t low_vars = vars / 2, low_size = size_t{1} << low_vars;
  std::vector<std::vector<E>> eq_high, eq_low;
  for (const auto& point : points) {
    eq_high.push_back(eq_table<E>(std::span(point).first(vars - low_vars)));
    eq_low.push_back(eq_table<E>(std::span(point).last(low_vars)));
  }
  const size_t high_size = table.size() / low_size;
  constexpr size_t kRowGrain = 16;
  std::vector<std::vector<E>> partial(chunk_count(high_size, kRowGrain), std::vector<E>(points.size(), E::zero()));
  parallel_chunks(high_size, kRowGrain, [&](size_t chunk, size_t begin, size_t end) {
    for (size_t h = begin; h < end; ++h) {
      const F* row = table.data() + h * low_size;
      for (size_t s = 0; s < points.size(); ++s) {
        E inner = E::zero();
        for (size_t l = 0; l < low_size; ++l) inner += eq_low[s][l] * row[l];
        partial[chunk][s] += eq_high[s][h] * inner;
      }
    }
  });
  std::vector<E> values(points.size(), E::zero());
  for (const auto& chunk : partial)
    for (size_t s = 0; s < values.size(); ++s) values[s] += chunk[s];
  return values;
}

}  // namespace

void CommittedPolynomials::serialize(ByteWriter& out) const {
  out.u32(kFormatVersion);
  out.u32(commitment_.num_vars);
  out.u32(commitment_.num_polys);
  out.u32(commitment_.rate_bits);
  const Shape shape(commitment_);
  uint8_t* tables = out.extend(tables_.size() * kWordBytes);
  parallel_for(tables_.size(), kLeafGrain * kLeafWidth, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) store_le64(tables + i * kWordBytes, tables_[i].value());
  });
  const size_t leaf_words_count = shape.leaf_words;
  uint8_t* codewords = out.extend(shape.leaves * leaf_words_count * kWordBytes);
  parallel_for(shape.leaves, kLeafGrain, [&](size_t begin, size_t end) {
    std::vector<uint64_t> words(leaf_words_count);
    for (size_t q = begin; q < end; ++q) {
      leaf_words(q, words.data());
      for (size_t w = 0; w < leaf_words_count; ++w)
        store_le64(codewords + (q * leaf_words_count + w) * kWordBytes, words[w]);
    }
  });
}

Result<CommittedPolynomials> CommittedPolynomials::deserialize(ByteReader& in, const Commitment& expected,
                                                               const Params& params) {
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
  // The sizes come from the commitment; the input must hold them all before anything is allocated.
  if (shape.words() > in.remaining() / kWordBytes)
    return fail("pcs prover data: truncated (" + std::to_string(in.remaining()) + " bytes left)");
  const auto tables = in.take(shape.polys * shape.table_size * kWordBytes);
  const size_t leaf_words_count = shape.leaf_words;
  const auto codewords = in.take(shape.leaves * leaf_words_count * kWordBytes);
  if (!tables || !codewords) return fail("pcs prover data: truncated");

  // One pass over the encoded leaves hashes them into the Merkle tree (whose root must be the
  // expected one) and places their values in the codewords (and the salts).
  CommittedPolynomials out;
  out.codewords_.resize(shape.polys);
  for (auto& codeword : out.codewords_) resize_on_huge_pages(codeword, shape.codeword_size);
  const size_t values_per_leaf = shape.polys * shape.coset;
  out.salts_.resize(shape.leaves * (leaf_words_count - values_per_leaf));
  std::atomic<bool> canonical{true};
  out.tree_ = MerkleTree::build(
      std::countr_zero(shape.leaves), leaf_words_count,
      [&, leaves = codewords->data()](size_t q, uint64_t* words) {
        const uint8_t* leaf = leaves + q * leaf_words_count * kWordBytes;
        bool ok = true;
        for (size_t w = 0; w < leaf_words_count; ++w) {
          const uint64_t v = load_le64(leaf + w * kWordBytes);
          ok &= v < F::MODULUS;
          words[w] = v;
          const F x = F::from_canonical(v < F::MODULUS ? v : 0);
          if (w < values_per_leaf) {
            out.codewords_[w / shape.coset][q + (w % shape.coset) * shape.leaves] = x;
          } else {
            out.salts_[q * (leaf_words_count - values_per_leaf) + w - values_per_leaf] = x;
          }
        }
        if (!ok) canonical = false;
      },
      kDroppedLevels);
  if (out.tree_.root() != expected.root) return fail("pcs prover data: the codewords do not match the commitment's root");

  resize_on_huge_pages(out.tables_, shape.polys * shape.table_size);
  parallel_for(out.tables_.size(), kLeafGrain * kLeafWidth, [&](size_t begin, size_t end) {
    bool ok = true;
    for (size_t i = begin; i < end; ++i) {
      const uint64_t v = load_le64(tables->data() + i * kWordBytes);
      ok &= v < F::MODULUS;
      out.tables_[i] = F::from_canonical(v < F::MODULUS ? v : 0);
    }
    if (!ok) canonical = false;
  });
  if (!canonical) return fail("pcs prover data: a field element is not canonical");

  // The tables must give the commitment's out-of-domain answers.
  out.commitment_ = expected;
  std::vector<std::vector<E>> points;
  const size_t table_vars = std::countr_zero(shape.table_size);
  for (const E& z : ood_points(expected)) points.push_back(power_point(z, table_vars));
  for (size_t j = 0; j < shape.polys; ++j) {
    const std::vector<E> values = evaluate_at_points(out.table(j), points);
    if (!std::equal(values.begin(), values.end(), expected.ood.begin() + static_cast<std::ptrdiff_t>(j * kOodSamples)))
      return fail("pcs prover data: the tables do not match the commitment's out-of-domain answers");
  }
  return out;
}

}  // namespace zk::pcs
