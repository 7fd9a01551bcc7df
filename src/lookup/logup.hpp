// LogUp lookup arguments proven with GKR ("LogUp-GKR": Haböck, "Multivariate lookups based on
// logarithmic derivatives", ePrint 2022/1530; Papini, Haböck, ePrint 2023/1284).
//
// Statement: every row of every witness group lies in a public table T with c columns. A row is
// combined into one value with a random beta, v = sum_c beta^c v_c (c = 1: v = v_0), so that
// (input, output) pairs of a function table are looked up as one value. With multiplicities m_i
// (how often table row i is looked up, counted over all groups) and a random alpha,
//   sum_g sum_{j < n_g} 1 / (alpha - w_{g,j}) = sum_{i < N} m_i / (alpha - t_i)          (LogUp)
// holds for all alpha iff every w_{g,j} is some t_i (Haböck 2022, the lemma on sums of
// logarithmic derivatives; it needs the number of lookups below the field characteristic). Each
// side is a fractional sum proven by GKR (fractional_sum.hpp): one tree per witness group with
// leaves (1, alpha - w_{g,j}), one tree for the table with leaves (m_i, alpha - t_i). The verifier
// checks that the roots agree (after removing the padding's known share, see below),
//   sum_g P_g / Q_g = P_T / Q_T,  i.e.  P_W Q_T = P_T Q_W  with every Q != 0,
// and then the leaf claims at the random points the trees end in.
//
// Padding (sizes that are not powers of two):
// - Witness group of n rows: columns are read as their zero-padded multilinear extensions over
//   2^ceil(log2 n) rows (an honest caller commits zeros there). Every numerator is 1 (so the
//   prover skips their products); padding leaves are (1, 1 - w_j), which is (1, 1) for zero
//   padding, and the verifier subtracts their known contribution 2^ceil(log2 n) - n from the
//   group's sum. The verifier evaluates the leaf tables at r itself from the column claims,
//     p~(r) = 1,  q~(r) = alpha I_n(r) + (1 - I_n(r)) - sum_c beta^c w~_c(r),
//   where I_n(r) = sum_{j<n} eq(r, j) is computed in O(log n) (prefix_indicator). Nonzero
//   padding entries do not help a cheater: they add a constant C = sum_pad (1 / (1 - w_j) - 1) to
//   the left side of LogUp, and a row outside the table leaves a pole that no constant cancels,
//   so the identity stays a nonzero rational function of alpha with at most n' + N' roots (C != 0
//   with every row in the table only makes an honest statement fail).
// - Table of N rows: padded to 2^ceil(log2 N) rows by repeating its last row, so every padding
//   row is a genuine table row and any multiplicity there is harmless. Multiplicities are read
//   as their zero-padded extension (an honest prover puts zeros there).
// - Range table [offset, offset + 2^k): t_i = offset + i needs no padding, and with variable 0
//   the most significant bit, t~(r) = offset + sum_{b<k} 2^(k-1-b) r_b (O(k)).
//
// Transcript schedule. The caller absorbs its commitments to the witness columns and the
// multiplicities first. Then: absorb the statement ("logup/table_kind", "logup/table_columns",
// "logup/table_size", then "logup/range_offset" or every "logup/table_column", then
// "logup/num_groups" and each "logup/group_size"); beta = challenge "logup/beta" (only if c > 1);
// alpha = challenge "logup/alpha"; the GKR of each witness group in order, then the table's GKR;
// absorb "logup/witness_evaluations" (each group's column values at its point).
//
// What the caller must check (LookupClaims): each group's columns at its point (zero-padded
// extensions), and the multiplicities at the table's point (zero-padded extension), against
// the commitments. The table's own extension is evaluated by the verifier.
//
// Soundness: with n' = sum_g 2^ceil(log2 n_g) and N' = 2^ceil(log2 N), a false statement passes
// with probability at most
//   max(1, c - 1) (n' + N') / |E|      (alpha and beta together: a row outside T is a pole of the
//                                      difference of the two sides at alpha = sum_c beta^c w_c
//                                      that nothing cancels, and the difference times its
//                                      n' + N' denominators, each of degree max(1, c - 1) in
//                                      (alpha, beta), is a nonzero polynomial: Schwartz-Zippel)
// + sum over trees of (3 m (m - 1) / 2 + 2 m) / |E|   (GKR, m = the tree's variable count)
// plus the soundness error of the commitments the caller checks the claims against.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/bytes.hpp"
#include "base/parallel.hpp"
#include "base/result.hpp"
#include "lookup/fractional_sum.hpp"
#include "poly/multilinear.hpp"

namespace zk {

constexpr size_t kMaxLookupVars = 32;      // at most 2^32 rows per group or table
constexpr size_t kMaxLookupColumns = 4;    // columns per table row
constexpr size_t kMaxLookupGroups = 1024;  // witness groups per statement
constexpr uint32_t kLookupProofVersion = 1;
static_assert(kMaxLookupVars <= kMaxFractionalSumVars);

enum class LookupTableKind : uint8_t { range = 1, explicit_rows = 2 };

// I_n(point) = sum_{j < n} eq(point, j) for 0 <= n <= 2^|point|, in O(|point|): j < n iff at the first bit
// (from the most significant) where j and n differ, n has a 1 and j a 0.
template <class E>
E prefix_indicator(size_t n, std::span<const E> point) {
  const size_t m = point.size();
  if (n >= (size_t{1} << m)) return E::one();
  E total = E::zero();
  E prefix = E::one();  // eq of the bits above b with those of n
  for (size_t b = 0; b < m; ++b) {
    const bool bit = (n >> (m - 1 - b)) & 1;
    if (bit) {
      total += prefix * (E::one() - point[b]);
      prefix *= point[b];
    } else {
      prefix *= E::one() - point[b];
    }
  }
  return total;
}

// The multilinear extension of `values` zero-padded to 2^|point| entries, at `point`.
template <class E, class F>
E evaluate_zero_padded(std::span<const F> values, std::span<const E> point) {
  const size_t size = size_t{1} << point.size();
  if (values.size() > size) throw std::invalid_argument("evaluate_zero_padded: too many values");
  if (point.empty()) return values.empty() ? E::zero() : E(values[0]);
  const size_t half = size / 2, n = values.size();
  std::vector<E> folded(half);
  parallel_for(half, kPolyGrain, [&](size_t begin, size_t end) {
    for (size_t j = begin; j < end; ++j) {
      const F lo = j < n ? values[j] : F::zero();
      const F hi = j + half < n ? values[j + half] : F::zero();
      folded[j] = point[0] * (hi - lo) + E(lo);
    }
  });
  for (size_t k = 1; k < point.size(); ++k) fold_in_place(folded, point[k]);
  return folded[0];
}

// A public table: the range [offset, offset + 2^log_size) (one column, t_i = offset + i), or rows
// given in full (row i = (columns[0][i], ..., columns[c-1][i])).
template <class F>
class LookupTable {
 public:
  static LookupTable range(size_t log_size, int64_t offset = 0) {
    LookupTable t;
    t.kind_ = LookupTableKind::range;
    t.log_size_ = log_size;
    t.offset_ = offset;
    return t;
  }
  static LookupTable from_columns(std::vector<std::vector<F>> columns) {
    LookupTable t;
    t.kind_ = LookupTableKind::explicit_rows;
    t.columns_ = std::move(columns);
    return t;
  }

  LookupTableKind kind() const { return kind_; }
  size_t num_columns() const { return kind_ == LookupTableKind::range ? 1 : columns_.size(); }
  size_t size() const {
    if (kind_ == LookupTableKind::range) return size_t{1} << log_size_;
    return columns_.empty() ? 0 : columns_[0].size();
  }
  size_t num_vars() const { return ceil_log2(size()); }
  int64_t offset() const { return offset_; }
  const std::vector<std::vector<F>>& columns() const { return columns_; }

  Status validate() const {
    if (kind_ == LookupTableKind::range) {
      if (log_size_ > kMaxLookupVars) return fail("lookup: range table too large");
      return {};
    }
    if (columns_.empty() || columns_.size() > kMaxLookupColumns)
      return fail("lookup: a table needs 1 to " + std::to_string(kMaxLookupColumns) + " columns");
    const size_t rows = columns_[0].size();
    if (rows == 0 || rows > (size_t{1} << kMaxLookupVars))
      return fail("lookup: table size out of bounds");
    for (const auto& column : columns_)
      if (column.size() != rows) return fail("lookup: table columns differ in length");
    return {};
  }

  // Entry of the padded table (rows past size() repeat the last row).
  F entry(size_t column, size_t row) const {
    if (kind_ == LookupTableKind::range) return F::from_i64(offset_) + F::from_u64(row);
    const auto& values = columns_[column];
    return values[std::min(row, values.size() - 1)];
  }

  // The multilinear extension of the padded column at a point of num_vars() coordinates.
  template <class E>
  E evaluate(size_t column, std::span<const E> point) const {
    if (point.size() != num_vars()) throw std::invalid_argument("lookup: table point size");
    if (kind_ == LookupTableKind::range) {
      E acc = E(F::from_i64(offset_));
      for (size_t b = 0; b < point.size(); ++b)
        acc += point[b] * F::from_u64(uint64_t{1} << (point.size() - 1 - b));
      return acc;
    }
    std::vector<F> padded(size_t{1} << num_vars());
    for (size_t i = 0; i < padded.size(); ++i) padded[i] = entry(column, i);
    return evaluate_multilinear<E, F>(padded, point);
  }

  template <class Challenger>
  void absorb(Challenger& ch) const {
    ch.absorb_u64("logup/table_kind", static_cast<uint64_t>(kind_));
    ch.absorb_u64("logup/table_columns", num_columns());
    ch.absorb_u64("logup/table_size", size());
    if (kind_ == LookupTableKind::range) {
      ch.absorb("logup/range_offset", F::from_i64(offset_));
    } else {
      for (const auto& column : columns_) ch.absorb_all("logup/table_column", std::span<const F>(column));
    }
  }

 private:
  LookupTableKind kind_ = LookupTableKind::range;
  size_t log_size_ = 0;
  int64_t offset_ = 0;
  std::vector<std::vector<F>> columns_;
};

// The public statement: a table and the row count of each witness group (each group has as many
// columns as the table).
template <class F>
struct LookupStatement {
  LookupTable<F> table;
  std::vector<size_t> group_sizes;

  Status validate() const {
    ZK_TRY(table.validate());
    if (group_sizes.empty() || group_sizes.size() > kMaxLookupGroups)
      return fail("lookup: a statement needs 1 to " + std::to_string(kMaxLookupGroups) + " groups");
    uint64_t total = 0;
    for (size_t n : group_sizes) {
      if (n == 0 || n > (size_t{1} << kMaxLookupVars)) return fail("lookup: group size out of bounds");
      total += n;
    }
    if (total >= F::MODULUS) return fail("lookup: more lookups than the field characteristic");
    return {};
  }
};

// Witness columns of one group: columns[c][j] is column c of row j.
template <class F>
using LookupColumns = std::vector<std::span<const F>>;

// How often each table row occurs among all groups' rows (size table.size(); a row value that
// occurs twice in an explicit table is counted at its first occurrence). Fails on a row that is
// not in the table.
template <class F>
Result<std::vector<F>> compute_multiplicities(const LookupTable<F>& table,
                                              std::span<const LookupColumns<F>> groups) {
  ZK_TRY(table.validate());
  const size_t columns = table.num_columns();
  std::vector<uint64_t> counts(table.size(), 0);
  using Key = std::array<uint64_t, kMaxLookupColumns>;
  struct KeyHash {
    size_t operator()(const Key& key) const {
      uint64_t h = 0x9e3779b97f4a7c15ull;
      for (uint64_t v : key) h = (h ^ v) * 0xff51afd7ed558ccdull;
      return static_cast<size_t>(h ^ (h >> 32));
    }
  };
  std::unordered_map<Key, size_t, KeyHash> index;
  if (table.kind() == LookupTableKind::explicit_rows) {
    index.reserve(table.size());
    for (size_t i = 0; i < table.size(); ++i) {
      Key key{};
      for (size_t c = 0; c < columns; ++c) key[c] = table.columns()[c][i].value();
      index.emplace(key, i);
    }
  }
  const F offset = F::from_i64(table.offset());
  for (size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].size() != columns) return fail("lookup: group column count differs from the table");
    const size_t rows = groups[g][0].size();
    for (const auto& column : groups[g])
      if (column.size() != rows) return fail("lookup: group columns differ in length");
    for (size_t j = 0; j < rows; ++j) {
      size_t row;
      if (table.kind() == LookupTableKind::range) {
        row = (groups[g][0][j] - offset).value();
        if (row >= table.size())
          return fail("lookup: group " + std::to_string(g) + " row " + std::to_string(j) + " is out of range");
      } else {
        Key key{};
        for (size_t c = 0; c < columns; ++c) key[c] = groups[g][c][j].value();
        auto it = index.find(key);
        if (it == index.end())
          return fail("lookup: group " + std::to_string(g) + " row " + std::to_string(j) + " is not in the table");
        row = it->second;
      }
      ++counts[row];
    }
  }
  std::vector<F> out(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) out[i] = F::from_u64(counts[i]);
  return out;
}

// The evaluation claims left to the caller.
template <class E>
struct ColumnEvaluations {
  std::vector<E> point;
  std::vector<E> values;  // values[c]: column c's zero-padded extension at point
};

template <class E>
struct LookupClaims {
  std::vector<ColumnEvaluations<E>> witness;  // one per group, over 2^ceil(log2 n_g) rows
  std::vector<E> multiplicity_point;          // over 2^table.num_vars() rows
  E multiplicity_value;
};

template <class E>
struct LookupProof {
  std::vector<FractionalSumProof<E>> groups;
  FractionalSumProof<E> table;
  std::vector<std::vector<E>> witness_evaluations;  // [group][column]

  // u32 version ‖ u32 groups ‖ u32 columns ‖ each group's GKR ‖ the table's GKR ‖ evaluations.
  void encode(ByteWriter& out) const {
    out.u32(kLookupProofVersion);
    out.u32(static_cast<uint32_t>(groups.size()));
    out.u32(static_cast<uint32_t>(witness_evaluations.empty() ? 0 : witness_evaluations[0].size()));
    for (const auto& g : groups) g.encode(out);
    table.encode(out);
    for (const auto& values : witness_evaluations)
      for (const E& v : values) v.to_bytes(out.extend(E::BYTES));
  }
  std::vector<uint8_t> to_bytes() const {
    ByteWriter out;
    encode(out);
    return std::move(out).take();
  }

  // Every size is taken from the statement; the header must agree with it.
  template <class F>
  static Result<LookupProof> decode(ByteReader& in, const LookupStatement<F>& statement) {
    ZK_TRY(statement.validate());
    auto version = in.u32();
    if (!version) return fail("lookup: " + version.error());
    if (*version != kLookupProofVersion)
      return fail("lookup: unsupported proof version " + std::to_string(*version));
    auto groups = in.u32();
    if (!groups) return fail("lookup: " + groups.error());
    if (*groups != statement.group_sizes.size()) return fail("lookup: proof has the wrong number of groups");
    auto columns = in.u32();
    if (!columns) return fail("lookup: " + columns.error());
    if (*columns != statement.table.num_columns()) return fail("lookup: proof has the wrong number of columns");
    LookupProof proof;
    for (size_t n : statement.group_sizes) {
      auto g = FractionalSumProof<E>::decode(in, ceil_log2(n));
      if (!g) return fail("lookup: " + g.error());
      proof.groups.push_back(std::move(*g));
    }
    auto t = FractionalSumProof<E>::decode(in, statement.table.num_vars());
    if (!t) return fail("lookup: " + t.error());
    proof.table = std::move(*t);
    proof.witness_evaluations.assign(statement.group_sizes.size(), std::vector<E>(*columns));
    for (auto& values : proof.witness_evaluations) {
      for (E& v : values) {
        auto value = decode_element<E>(in, "lookup");
        if (!value) return fail(value.error());
        v = *value;
      }
    }
    return proof;
  }
  template <class F>
  static Result<LookupProof> from_bytes(std::span<const uint8_t> bytes,
                                        const LookupStatement<F>& statement) {
    ByteReader in(bytes);
    auto proof = decode(in, statement);
    if (!proof) return proof;
    ZK_TRY(in.expect_end());
    return proof;
  }
};

template <class E>
struct LookupProverOutput {
  LookupProof<E> proof;
  LookupClaims<E> claims;
};

// ---- The shared schedule -----------------------------------------------------------------------

template <class E>
struct LookupChallenges {
  E alpha;
  std::vector<E> beta_powers;  // beta^c for c < columns (beta^0 = 1)

  // sum_c beta^c row(c): one row of `columns` values combined into one.
  template <class Row>
  E combine(const Row& row, size_t columns) const {
    E acc = E(row(0));
    for (size_t c = 1; c < columns; ++c) acc += beta_powers[c] * row(c);
    return acc;
  }
};

template <class E, class F, class Challenger>
LookupChallenges<E> lookup_challenges(Challenger& ch, const LookupStatement<F>& statement) {
  statement.table.absorb(ch);
  ch.absorb_u64("logup/num_groups", statement.group_sizes.size());
  for (size_t n : statement.group_sizes) ch.absorb_u64("logup/group_size", n);
  LookupChallenges<E> out;
  out.beta_powers.push_back(E::one());
  const size_t columns = statement.table.num_columns();
  if (columns > 1) {
    const E beta = ch.template challenge<E>("logup/beta");
    for (size_t c = 1; c < columns; ++c) out.beta_powers.push_back(out.beta_powers.back() * beta);
  }
  out.alpha = ch.template challenge<E>("logup/alpha");
  return out;
}

// ---- Prover ------------------------------------------------------------------------------------

// Leaves of one witness group: (1, alpha - w_j) for j < n, (1, 1) on the (zero) padding; the
// numerators are left implicit (all 1).
template <class E, class F>
FractionLeaves<E> witness_leaves(const LookupColumns<F>& columns,
                                 const LookupChallenges<E>& challenges) {
  const size_t n = columns.at(0).size();
  const size_t size = size_t{1} << ceil_log2(n);
  FractionLeaves<E> leaves{{}, std::vector<E>(size)};
  parallel_for(size, kPolyGrain, [&](size_t begin, size_t end) {
    for (size_t j = begin; j < end; ++j) {
      leaves.denominators[j] =
          j < n ? challenges.alpha - challenges.combine([&](size_t c) { return columns[c][j]; }, columns.size())
                : E::one();
    }
  });
  return leaves;
}

// Leaves of the table: (m_i, alpha - t_i) over the padded table (multiplicities zero-padded).
template <class E, class F>
FractionLeaves<E> table_leaves(const LookupTable<F>& table, std::span<const F> multiplicities,
                               const LookupChallenges<E>& challenges) {
  const size_t size = size_t{1} << table.num_vars();
  FractionLeaves<E> leaves{std::vector<E>(size), std::vector<E>(size)};
  parallel_for(size, kPolyGrain, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      leaves.numerators[i] = i < multiplicities.size() ? E(multiplicities[i]) : E::zero();
      leaves.denominators[i] = challenges.alpha - challenges.combine(
                                                      [&](size_t c) { return table.entry(c, i); },
                                                      table.num_columns());
    }
  });
  return leaves;
}

// The protocol after the challenges, from given leaves (prove_lookup passes the honest ones;
// tests pass dishonest ones to reach each verifier check).
template <class F, class E, class Challenger>
LookupProverOutput<E> prove_lookup_from_leaves(Challenger& ch, const LookupStatement<F>& statement,
                                               const LookupChallenges<E>& challenges,
                                               std::span<const LookupColumns<F>> groups,
                                               std::vector<FractionLeaves<E>> group_leaves,
                                               FractionLeaves<E> leaves_of_table) {
  const size_t columns = statement.table.num_columns();
  LookupProverOutput<E> out;
  for (size_t g = 0; g < groups.size(); ++g) {
    auto gkr = prove_fractional_sum<E>(ch, std::move(group_leaves[g]));
    ColumnEvaluations<E> evaluations{gkr.claim.point, {}};
    if (columns == 1) {
      // Read off the denominator claim: q~(r) = alpha I_n(r) + 1 - I_n(r) - w~(r).
      const E indicator = prefix_indicator<E>(statement.group_sizes[g], gkr.claim.point);
      evaluations.values.push_back(challenges.alpha * indicator + E::one() - indicator -
                                   gkr.claim.denominator);
    } else {
      for (size_t c = 0; c < columns; ++c)
        evaluations.values.push_back(evaluate_zero_padded<E, F>(groups[g][c], gkr.claim.point));
    }
    out.proof.groups.push_back(std::move(gkr.proof));
    out.claims.witness.push_back(std::move(evaluations));
  }
  auto table_gkr = prove_fractional_sum<E>(ch, std::move(leaves_of_table));
  out.proof.table = std::move(table_gkr.proof);
  out.claims.multiplicity_point = std::move(table_gkr.claim.point);
  out.claims.multiplicity_value = table_gkr.claim.numerator;
  for (const auto& w : out.claims.witness) {
    ch.absorb_all("logup/witness_evaluations", std::span<const E>(w.values));
    out.proof.witness_evaluations.push_back(w.values);
  }
  return out;
}

// The statement is valid and the witness has its shape: as many groups as the statement, each
// with the table's column count and its group size, and one multiplicity per table row.
template <class F>
Status check_lookup_witness(const LookupStatement<F>& statement, std::span<const LookupColumns<F>> groups,
                            std::span<const F> multiplicities) {
  ZK_TRY(statement.validate());
  if (groups.size() != statement.group_sizes.size()) return fail("lookup: group count differs from the statement");
  for (size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].size() != statement.table.num_columns())
      return fail("lookup: group column count differs from the table");
    for (const auto& column : groups[g])
      if (column.size() != statement.group_sizes[g]) return fail("lookup: group size differs from the statement");
  }
  if (multiplicities.size() != statement.table.size())
    return fail("lookup: multiplicities differ in size from the table");
  return {};
}

// Proves that every row of every group is a row of the table, given the multiplicities (which
// the caller has committed and absorbed, with the witness columns, before this call). The
// statement is not checked: a false one yields a proof the verifier rejects.
template <class F, class E, class Challenger>
LookupProverOutput<E> prove_lookup(Challenger& ch, const LookupStatement<F>& statement,
                                   std::span<const LookupColumns<F>> groups,
                                   std::span<const F> multiplicities) {
  const Status valid = check_lookup_witness(statement, groups, multiplicities);
  if (!valid) throw std::invalid_argument(valid.error());
  const LookupChallenges<E> challenges = lookup_challenges<E>(ch, statement);
  std::vector<FractionLeaves<E>> group_leaves;
  for (const auto& columns : groups) group_leaves.push_back(witness_leaves<E, F>(columns, challenges));
  return prove_lookup_from_leaves<F, E>(ch, statement, challenges, groups, std::move(group_leaves),
                                        table_leaves<E, F>(statement.table, multiplicities, challenges));
}

// ---- Verifier ----------------------------------------------------------------------------------

template <class F, class E, class Challenger>
Result<LookupClaims<E>> verify_lookup(Challenger& ch, const LookupStatement<F>& statement,
                                      const LookupProof<E>& proof) {
  ZK_TRY(statement.validate());
  const size_t num_groups = statement.group_sizes.size();
  const size_t columns = statement.table.num_columns();
  if (proof.groups.size() != num_groups || proof.witness_evaluations.size() != num_groups)
    return fail("lookup: proof has the wrong number of groups");
  for (const auto& values : proof.witness_evaluations)
    if (values.size() != columns) return fail("lookup: proof has the wrong number of columns");

  const LookupChallenges<E> challenges = lookup_challenges<E>(ch, statement);
  std::vector<FractionalSumClaim<E>> group_claims;
  for (size_t g = 0; g < num_groups; ++g) {
    auto claim = verify_fractional_sum<E>(ch, ceil_log2(statement.group_sizes[g]), proof.groups[g]);
    if (!claim) return fail("lookup: group " + std::to_string(g) + ": " + claim.error());
    group_claims.push_back(std::move(*claim));
  }
  auto table_claim = verify_fractional_sum<E>(ch, statement.table.num_vars(), proof.table);
  if (!table_claim) return fail("lookup: table: " + table_claim.error());
  for (const auto& values : proof.witness_evaluations)
    ch.absorb_all("logup/witness_evaluations", std::span<const E>(values));

  // sum_g (P_g / Q_g - padding_g) = P_T / Q_T, padding_g = 2^ceil(log2 n_g) - n_g (every Q is
  // nonzero: verify_fractional_sum checked it).
  E p_witness = E::zero(), q_witness = E::one();
  for (size_t g = 0; g < num_groups; ++g) {
    const auto& c = group_claims[g];
    const size_t n = statement.group_sizes[g];
    const E padding = E::from_u64((size_t{1} << ceil_log2(n)) - n);
    p_witness = p_witness * c.root_denominator + (c.root_numerator - padding * c.root_denominator) * q_witness;
    q_witness *= c.root_denominator;
  }
  if (p_witness * table_claim->root_denominator != table_claim->root_numerator * q_witness)
    return fail("lookup: fractional sums differ (a row is not in the table, or the multiplicities are wrong)");

  LookupClaims<E> out;
  for (size_t g = 0; g < num_groups; ++g) {
    const auto& c = group_claims[g];
    const std::string where = "lookup: group " + std::to_string(g) + ": ";
    const E indicator = prefix_indicator<E>(statement.group_sizes[g], c.point);
    if (c.numerator != E::one()) return fail(where + "witness numerator evaluation mismatch");
    const auto& values = proof.witness_evaluations[g];
    const E expected = challenges.alpha * indicator + E::one() - indicator -
                       challenges.combine([&](size_t k) { return values[k]; }, columns);
    if (c.denominator != expected) return fail(where + "witness denominator evaluation mismatch");
    out.witness.push_back({c.point, values});
  }
  const E table_expected =
      challenges.alpha - challenges.combine(
                             [&](size_t k) { return statement.table.template evaluate<E>(k, table_claim->point); },
                             columns);
  if (table_claim->denominator != table_expected)
    return fail("lookup: table denominator evaluation mismatch");
  out.multiplicity_point = table_claim->point;
  out.multiplicity_value = table_claim->numerator;
  return out;
}

}  // namespace zk
