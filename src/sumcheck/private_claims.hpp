// What private (zero-knowledge) protocols leave to their caller: linear claims about private
// tables, and the randomness they consume, laid out in advance.
//
// A private protocol never reveals an evaluation of a private table on its own. Whatever the
// verifier must know about such tables is stated as a linear claim
//   sum_t coefficient_t T~_t(point_t) = value          (LinearClaim)
// over tables named by TableRef: the caller's own tables (committed witness columns) or segments
// of the mask arena (Libra masks g of private sum-checks, corners R of randomized extensions,
// private_sumcheck.hpp). The caller proves every such claim against hiding commitments with a
// zero-knowledge opening (pcs::SumClaim), which reveals nothing beyond the claimed sums.
//
// The arena. Masks must be committed before the protocol draws its first challenge, so each
// private protocol states the shapes of the randomness it will consume (a list of MaskShape, a
// function of its public statement only). The caller concatenates the lists of the protocols it
// runs, in the order it runs them, and builds one MaskArena from them: the prover's arena samples
// every segment (Libra masks: sample_private_sumcheck_mask; corners: uniform in F) and the
// caller commits them all; the verifier's arena has the shapes only. Protocols then take the
// segments in order (take_sumcheck_mask, take_corner); a request that does not match the next
// shape is an error on both sides (a prover bug, or a verifier whose statement differs).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "poly/multilinear.hpp"
#include "sumcheck/private_sumcheck.hpp"
#include "sumcheck/zk_sumcheck.hpp"

namespace zk {

struct TableRef {
  enum class Space : uint8_t { caller = 0, arena = 1 };
  Space space = Space::caller;
  uint32_t index = 0;
  friend bool operator==(const TableRef&, const TableRef&) = default;
};

template <class E>
struct LinearTerm {
  TableRef table;
  std::vector<E> point;  // in the table's own variables (a corner: its own log2(size) variables)
  E coefficient;
};

template <class E>
struct LinearClaim {
  std::vector<LinearTerm<E>> terms;
  E value;
};

// Where a corner's variables beyond its table's are fixed: alpha, the generator of E over F.
// Since alpha is not in F, (1 - alpha) r0 + alpha r1 is uniform in E for uniform r0, r1 in F, so
// a corner of 2^(n+1) entries on a table of n variables keeps 2^n evaluations of it uniform in E
// (2 F entries per E evaluation), where a corner on the table's own 2^n entries keeps 2^(n-1).
// Over a prime field E = F (exhaustive tests) the extra entries add nothing: any point does.
template <class E>
E corner_extension_point() {
  if constexpr (requires { typename E::BaseField; }) {
    return E(E::BaseField::zero(), E::BaseField::one());
  } else {
    return E::from_u64(2);
  }
}

// One segment of the arena: the Libra mask of a private sum-check with num_vars variables and
// degree d (its table, mask_table of sample_private_sumcheck_mask, has E entries), or a corner
// of `size` F entries (a power of two).
struct MaskShape {
  enum class Kind : uint8_t { sumcheck = 0, corner = 1 };
  Kind kind = Kind::corner;
  uint32_t num_vars = 0;  // sumcheck
  uint32_t degree = 0;    // sumcheck
  uint32_t size = 0;      // corner
  friend bool operator==(const MaskShape&, const MaskShape&) = default;

  static MaskShape sumcheck(size_t num_vars, size_t degree) {
    return {Kind::sumcheck, static_cast<uint32_t>(num_vars), static_cast<uint32_t>(degree), 0};
  }
  static MaskShape corner(size_t size) { return {Kind::corner, 0, 0, static_cast<uint32_t>(size)}; }
  // Entries of the segment's table: E entries for a sum-check mask, F entries for a corner.
  size_t table_size() const {
    return kind == Kind::corner ? size : size_t{1} << mask_table_vars(num_vars + 1, degree + 1);
  }
};

template <class F, class E>
class MaskArena {
 public:
  // The verifier's arena: shapes only.
  explicit MaskArena(std::vector<MaskShape> shapes) : shapes_(std::move(shapes)) {}
  // The prover's arena: every segment sampled from `rng`.
  template <class Rng>
  MaskArena(std::vector<MaskShape> shapes, Rng& rng) : shapes_(std::move(shapes)) {
    for (const auto& s : shapes_) {
      if (s.kind == MaskShape::Kind::sumcheck) {
        masks_.push_back(sample_private_sumcheck_mask<E>(s.num_vars, s.degree, rng));
        corners_.emplace_back();
      } else {
        std::vector<F> corner(s.size);
        for (F& v : corner) v = F::random(rng);
        corners_.push_back(std::move(corner));
        masks_.emplace_back();
      }
    }
  }

  const std::vector<MaskShape>& shapes() const { return shapes_; }
  bool has_values() const { return !masks_.empty() || shapes_.empty(); }
  size_t remaining() const { return shapes_.size() - next_; }
  // The prover's tables of segment i: a mask's mask_table (E), or a corner (F).
  std::vector<E> mask_table_of(size_t i) const { return mask_table(masks_.at(i)); }
  const std::vector<F>& corner_of(size_t i) const { return corners_.at(i); }

  // The next segment, which must be the mask of a private sum-check (n, d).
  Result<TableRef> take_sumcheck(size_t num_vars, size_t degree) {
    return take(MaskShape::sumcheck(num_vars, degree));
  }
  Result<TableRef> take_corner(size_t size) { return take(MaskShape::corner(size)); }
  const SumcheckMask<E>& mask(TableRef ref) const { return masks_.at(ref.index); }
  // A corner's own entries, in E.
  std::vector<E> corner_values(TableRef ref) const {
    const auto& corner = corners_.at(ref.index);
    return std::vector<E>(corner.begin(), corner.end());
  }
  // R~(alpha, ..., alpha, x) of a corner on a table of table_vars variables x, as that table's
  // corner: the whole corner when it fits the table, else its variables beyond the table's
  // (leading) bound at alpha (corner_extension_point).
  std::vector<E> corner_values(TableRef ref, size_t table_vars) const {
    const auto& corner = corners_.at(ref.index);
    const size_t table_size = size_t{1} << table_vars;
    std::vector<E> out(std::min(corner.size(), table_size), E::zero());
    if (corner.size() <= table_size) {
      for (size_t i = 0; i < corner.size(); ++i) out[i] = E(corner[i]);
      return out;
    }
    const auto eq = eq_table<E>(std::vector<E>(log2_exact(corner.size()) - table_vars, corner_extension_point<E>()));
    for (size_t i = 0; i < corner.size(); ++i) out[i & (table_size - 1)] += eq[i >> table_vars] * corner[i];
    return out;
  }

 private:
  Result<TableRef> take(const MaskShape& shape) {
    if (next_ >= shapes_.size() || !(shapes_[next_] == shape))
      return fail("private protocol: randomness requested out of the announced order");
    return TableRef{TableRef::Space::arena, static_cast<uint32_t>(next_++)};
  }

  std::vector<MaskShape> shapes_;
  std::vector<SumcheckMask<E>> masks_;
  std::vector<std::vector<F>> corners_;
  size_t next_ = 0;
};

// R~(point) for a corner R on the first |R| entries of a table with point.size() variables:
// eq(0, high variables) R~_corner(low variables), as one term with coefficient c. A corner larger
// than its table (2^m entries, m > point.size()) is evaluated at (alpha, ..., alpha, point)
// (MaskArena::corner_values).
template <class E>
LinearTerm<E> corner_term(TableRef corner, size_t corner_size, std::span<const E> point, const E& c) {
  const size_t low = log2_exact(corner_size);
  if (low > point.size()) {
    std::vector<E> extended(low - point.size(), corner_extension_point<E>());
    extended.insert(extended.end(), point.begin(), point.end());
    return {corner, std::move(extended), c};
  }
  E coefficient = c;
  for (size_t i = 0; i + low < point.size(); ++i) coefficient *= E::one() - point[i];
  return {corner, std::vector<E>(point.end() - static_cast<std::ptrdiff_t>(low), point.end()), coefficient};
}

// The claim a private sum-check leaves about its mask: w = rho g(point) + o / 2^(n+1), with the
// private offset o given as terms (o = sum of offset_terms).
template <class E>
LinearClaim<E> masked_value_claim(TableRef mask, size_t degree, std::span<const E> point, const E& rho,
                                  std::span<const LinearTerm<E>> offset_terms, const E& masked_value) {
  LinearClaim<E> claim{{}, masked_value};
  for (auto& p : mask_claim_points<E>(point, degree + 1)) claim.terms.push_back({mask, std::move(p), rho});
  const E scale = E::from_u64(uint64_t{1} << point.size()).inverse();
  for (const auto& t : offset_terms) claim.terms.push_back({t.table, t.point, t.coefficient * scale});
  return claim;
}

}  // namespace zk
