// The shape of a WHIR opening, derived only from public data (parameters, commitments, claims):
// used alike by the prover, the verifier and the proof decoder, so every length in a proof is
// known or bounded before a byte of it is read.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "pcs/pcs.hpp"

namespace zk::pcs::detail {

// Merkle levels below this one are not stored; they are recomputed from the codeword for each
// opened leaf (a leaf is a 16-value coset, so the 4 levels below hold 15/16 of the nodes).
constexpr size_t kDroppedLevels = 4;

// pow(z) = (z, z^2, z^4, ..., z^(2^(m-1))): the point at which a multilinear P equals the
// committed univariate, P^(z) = P(pow(z)) (docs/pcs.md, "Encoding and commitment").
template <class T>
std::vector<T> power_point(T z, size_t m) {
  std::vector<T> out(m);
  for (size_t k = 0; k < m; ++k) {
    out[k] = z;
    z = z * z;
  }
  return out;
}

// Round i folds kFoldingVars variables of f_i (num_vars of them), whose codeword lives on the
// subgroup of size 2^log_domain; `queries` leaves (cosets of 16) of that codeword are opened.
struct RoundShape {
  uint32_t num_vars = 0;
  uint32_t log_domain = 0;
  uint32_t queries = 0;
  uint32_t fold_pow_bits = 0;  // grinding after the folding challenges (see params.cpp)
  bool last = false;  // the folded polynomial is sent in the clear instead of committed
};

struct Statement {
  uint32_t num_vars = 0;                   // n: the largest padded size among claimed polynomials
  // Claim terms: the caller's claims, the terms of its sum claims, then the commitments' OOD
  // claims. A sum claim's terms carry no value (it is not public).
  std::vector<EvalClaim> claims;
  // Groups: one per caller claim, per sum claim and per OOD claim, in that order; term c adds
  // claim_coef[c] P(point) to group claim_group[c], whose public value is group_value[g].
  std::vector<uint32_t> claim_group;
  std::vector<E> claim_coef;
  std::vector<E> group_value;
  size_t first_sum_term = 0, first_ood_claim = 0;  // claims[first_sum_term, first_ood_claim) are sum terms
  bool is_sum_term(size_t c) const { return c >= first_sum_term && c < first_ood_claim; }
  std::vector<PolyRef> polys;              // distinct claimed polynomials, sorted
  std::vector<uint32_t> opened;            // distinct commitments they belong to, sorted
  std::vector<std::vector<E>> points;      // distinct points, padded to n as (0^{n - m}, z)
  std::vector<size_t> claim_point;         // per claim: index into points
  // grid: every claimed polynomial is claimed at every point; then grid_values[j * points + t]
  // is P_j's claimed value at point t, and no batching sum-check is needed.
  bool grid = false;
  std::vector<E> grid_values;
  std::vector<RoundShape> rounds;
  uint32_t final_vars = 0;
  // Hiding commitments among the claimed ones: the claims on them are claims on the opened
  // polynomials g = P^(alpha', .) only after the mask fold (fold_mask_claims). Per group touching
  // a hiding polynomial (in group order): its index and the mask coordinate its claims have on P^.
  bool hiding = false;
  std::vector<uint32_t> masked_groups;
  std::vector<E> mask_at;
  uint32_t mask_fold_pow_bits = 0;
};

// max(num_vars, kFoldingVars): a smaller table is committed tiled to 16 entries.
inline uint32_t padded_vars(uint32_t num_vars) { return num_vars < kFoldingVars ? kFoldingVars : num_vars; }

// The fewest mask variables y of a hiding commitment of m variables: at least one, and enough that
// the mask of the claimed half has (2^k - 1) 2^m >= 2^13 coefficients, more than the
// 16 t_0 + 2 <= 4,754 points one opening reveals it at (docs/pcs.md, "Zero knowledge";
// PcsParams.HidingMaskCoversAnOpening). More openings take more (Params::hiding_openings).
constexpr uint32_t kHidingMinVars = 14;
inline uint32_t min_mask_vars(uint32_t num_vars) {
  return num_vars + 1 >= kHidingMinVars ? 1 : kHidingMinVars - num_vars;
}
// Variables of the committed polynomial (P^ = (y', x, y) when hiding) and of the polynomial an
// opening runs on (P^(alpha', x, y) when hiding).
inline uint32_t committed_vars(const Commitment& c) {
  return c.hiding ? 1 + c.num_vars + c.mask_vars : padded_vars(c.num_vars);
}
inline uint32_t opened_vars(const Commitment& c) { return c.hiding ? committed_vars(c) - 1 : padded_vars(c.num_vars); }
// A caller's point z (num_vars coordinates) on the opened polynomial: z itself, or for a hiding
// commitment (z, 0^k) (P(z) = P^(0, z, 0)), or reverse(z) with the mask in its tail
// (P(z) = P^(0, reverse(z))).
inline std::vector<E> opened_point(const Commitment& c, std::span<const E> z) {
  std::vector<E> point(z.begin(), z.end());
  if (!c.hiding) return point;
  if (c.mask_vars == 0) std::reverse(point.begin(), point.end());
  point.resize(opened_vars(c), E::zero());
  return point;
}
// Field elements per Merkle leaf: a 16-point coset per polynomial, or a 32-point coset per
// polynomial and the salt when hiding. The tree has 2^(opened_vars + rate_bits - 4) leaves.
inline size_t leaf_size(const Commitment& c) {
  return c.hiding ? size_t{c.num_polys} * 2 * kLeafWidth + kSaltElements : size_t{c.num_polys} * kLeafWidth;
}

// Head variables of the batching sum-check's contraction rounds for a polynomial in m variables
// claimed at points without a 0/1 leading coordinate: its tables then have 2^(m - H) entries,
// with 2^14 left for the parallel passes (whir.cpp, batching_head_vars).
inline uint32_t dense_head_vars(uint32_t m) {
  constexpr uint32_t kMinTailVars = 14, kMaxHeadVars = 8;
  return m < kMinTailVars + kFoldingVars ? 0 : std::min(kMaxHeadVars, m - kMinTailVars);
}
// Head variables of CommittedPolynomials::ood_contraction: those of the opened polynomial, after
// the mask variable y' of a hiding one.
inline uint32_t ood_head_vars(const Commitment& c) {
  return (c.hiding ? 1 : 0) + dense_head_vars(opened_vars(c));
}
// Commitment c's out-of-domain answers for one table as committed (c.ood's entries for it) and
// its ood_contraction()s, all samples in one pass.
struct OodContractions {
  std::vector<E> answers;
  std::vector<std::vector<E>> heads;
};
OodContractions ood_contractions(const Commitment& c, std::span<const F> table);

// Applies the mask fold to the claims of a hiding statement: group g's value becomes
// v_g + (alpha' - a_g) lines_g (its value at the mask coordinate alpha' instead of a_g), and the
// grid values follow. Fails if two claims on one polynomial at one point now disagree.
Status fold_mask_claims(Statement& st, std::span<const E> lines, const E& alpha);

std::vector<RoundShape> make_schedule(const Params& params, uint32_t num_vars, uint32_t* final_vars);

// Proof of work: nonce is valid for `bits` when keccak256(seed || nonce) (the 32 bytes, then the
// nonce as one little-endian word) begins with `bits` zero bits (its first word, little-endian,
// is 0 mod 2^bits); grind returns the smallest valid nonce (bits >= 1).
bool pow_valid(const Digest& seed, uint32_t bits, uint64_t nonce);
uint64_t grind(const Digest& seed, uint32_t bits);

Result<Statement> analyze(const Params& params, std::span<const Commitment> commitments,
                          std::span<const EvalClaim> claims, std::span<const SumClaim> sum_claims);

// A cheating prover for tests: each hook may alter one message before it is absorbed, after
// which the prover carries on consistently (deriving its queries from the altered transcript),
// so that the verifier check behind that message, and not an earlier one, must catch it.
struct MessageTamper {
  std::function<void(size_t round, Digest& root)> next_root;
  std::function<void(size_t round, std::vector<E>& answers)> ood_answers;
  std::function<void(std::vector<E>& table)> final_table;
  std::function<void(std::vector<E>& lines)> mask_lines;
};

Result<OpeningProof> open_tampered(const Params& params, std::span<const CommittedPolynomials* const> committed,
                                   std::span<const EvalClaim> claims, std::span<const SumClaim> sum_claims,
                                   Transcript& transcript, const MessageTamper& tamper);

}  // namespace zk::pcs::detail
