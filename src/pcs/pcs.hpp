// Multilinear polynomial commitment scheme: the interface the ML layers depend on.
//
// A polynomial is the evaluation table of a multilinear P over F on {0,1}^n (size 2^n, variable 0
// the most significant index bit, as in poly/multilinear.hpp); evaluation points are in E^n and
// values in E. Polynomials of one commitment share n; different commitments may differ.
//
//   commit(tables, params)             -> CommittedPolynomials (prover data; .commitment() is public)
//   open(params, committed, claims, t)   -> OpeningProof for all claims P_{c,j}(z) = v, one proof
//   verify(params, commitments, claims, proof, t) -> ok, or the reason for rejection
// Claims may also be sums sum_t a_t P_t(z_t) = v of which only the sum is public (SumClaim).
//
// Hiding (Params::hiding): commit() then commits a masked polynomial with salted Merkle leaves, and
// an opening reveals nothing about the committed tables beyond the claimed values (docs/pcs.md,
// "Zero knowledge").
//
// open/verify first absorb the parameters, the commitments and the claims into the caller's
// transcript, then draw their challenges: the proof is bound to the caller's protocol state.
//
// The scheme behind it (pcs/whir.cpp) is WHIR (Arnon, Chiesa, Fenzi, Yogev, "WHIR: Reed-Solomon
// Proximity Testing with Super-Fast Verification", ePrint 2024/1586) with 16-ary folding, Keccak
// Merkle trees and a batching front end; docs/pcs.md states the parameters and their security.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/keccak.hpp"
#include "crypto/transcript.hpp"
#include "field/field.hpp"
#include "pcs/merkle.hpp"
#include "pcs/randomness.hpp"

namespace zk::pcs {

// Variables bound per WHIR round: a fold maps 16 codeword values (one Merkle leaf) to one.
constexpr uint32_t kFoldingVars = 4;
constexpr uint32_t kLeafWidth = 1u << kFoldingVars;
// Largest number of variables a committed polynomial may have (codeword <= 2^32 entries).
constexpr uint32_t kMaxVars = 28;
// Field elements of salt at the end of each leaf of a hiding commitment (about 128 bits).
constexpr uint32_t kSaltElements = 2;
// Out-of-domain samples per commitment and per folded oracle. In the list-decoding regime an
// oracle may be close to several codewords; evaluations at random points outside the domain,
// fixed once the root is, single out one of them (WHIR, section 5: error ~ l^2/2 (2^m/|E|)^s for
// list size l, so two samples are needed for 100 bits when l ~ 2^27).
constexpr uint32_t kOodSamples = 2;
// Largest grinding (query or folding) the parameters may ask for.
constexpr uint32_t kMaxPowBits = 30;

enum class Soundness : uint8_t {
  // Query counts and folding grinding from the up-to-capacity list-decoding and proximity-gaps
  // conjecture (WHIR, section 5; docs/pcs.md).
  kConjectured = 0,
  // Query counts and folding grinding from the unique-decoding regime, where the proximity
  // gaps are proven ([BCIKS20]).
  kProven = 1,
};

struct Params {
  Soundness soundness = Soundness::kConjectured;
  uint32_t security_bits = 100;
  // The committed codeword has rate 2^-rate_bits.
  uint32_t rate_bits = 2;
  // The first folded codeword's domain is 2^-first_shrink_bits of the committed one, each later
  // one 2^-shrink_bits of the previous (WHIR: 1; 4 keeps the rate). Shrinking by 16 first avoids
  // a large re-encoding in the prover; shrinking less later lowers the rate and the query counts.
  uint32_t first_shrink_bits = 4;
  uint32_t shrink_bits = 2;
  // Grinding before each round's queries (verified); reduces that round's query count. 2^pow_bits
  // hashes expected: at 14 bits 0.3-1 ms a round on 2 cores, a quarter of 16 bits' cost, for one
  // more query at rates 1/4 and 1/16 (docs/benchmarks.md, "Commitment memory, NTT kernels, ...").
  uint32_t pow_bits = 14;
  // Rounds continue while more than this many variables remain; the rest is sent in the clear.
  uint32_t final_max_vars = 8;
  // commit() makes hiding commitments. A commitment records whether it is hiding and open/verify
  // follow the commitments, so this field is not part of an opening's statement.
  bool hiding = false;
  // Openings a hiding commitment must stay zero-knowledge for: commit() gives it enough mask
  // variables (openings_supported); a commitment opened once per proof for many proofs (model
  // weights) needs many (docs/pcs.md, "Limits of the argument").
  uint64_t hiding_openings = 1;
  // Hiding, when the caller's tables leave their last 2^hiding_tail_vars entries free (zero, and
  // in no claim's support): commit() may use those entries as the leaf mask instead of mask
  // variables, with the table's variables in reverse order, which makes the free tail the
  // polynomial's top-degree coefficients (half the committed size; docs/pcs.md, "Mask in a free
  // tail"). It does when the tail covers the openings asked for; 0: never.
  uint32_t hiding_tail_vars = 0;
};

// The default, conjectured-security parameter set, and a proven-security one (docs/pcs.md).
Params conjectured_params();
Params proven_params();
Status validate(const Params& params);

// The public commitment: small, serializable, part of a verifying key.
struct Commitment {
  Digest root{};
  uint32_t num_vars = 0;   // each polynomial has 2^num_vars entries
  uint32_t num_polys = 0;  // polynomials sharing the tree
  uint32_t rate_bits = 0;  // code rate of the committed codewords
  // ood[j * kOodSamples + s] = P_j(pow(z_s)), z_s = ood_points(*this)[s] drawn from the root: the
  // out-of-domain answers that make the committed polynomials unique (of the masked polynomials
  // when hiding). Every opening checks them.
  std::vector<E> ood;
  // Hiding: polynomial j is committed as the masked P^_j over 1 + num_vars + mask_vars
  // variables (docs/pcs.md, "Zero knowledge"); leaves hold 32-point cosets and a salt.
  bool hiding = false;
  // Hiding: k >= detail::min_mask_vars(num_vars) mask variables, or k = 0 and the mask in the
  // table's free tail of 2^tail_vars entries, the table committed with its variables reversed
  // (claims on it are taken at the reversed point); 0 otherwise.
  uint32_t mask_vars = 0;
  uint32_t tail_vars = 0;

  void serialize(ByteWriter& out) const;
  static Result<Commitment> deserialize(ByteReader& in);
  friend bool operator==(const Commitment&, const Commitment&) = default;
};

// Prover data for one commitment: tables, codewords, Merkle tree (upper levels). Move-only.
// The tables and codewords are read-only views of memory that the object keeps alive: buffers of
// its own after commit, the very bytes it was decoded from after deserialize (no copy).
class CommittedPolynomials {
 public:
  CommittedPolynomials() = default;
  CommittedPolynomials(CommittedPolynomials&&) noexcept = default;
  CommittedPolynomials& operator=(CommittedPolynomials&&) noexcept = default;
  CommittedPolynomials(const CommittedPolynomials&) = delete;
  CommittedPolynomials& operator=(const CommittedPolynomials&) = delete;

  const Commitment& commitment() const { return commitment_; }
  // The evaluation table of polynomial j as committed: 2^num_vars entries, or for a hiding
  // commitment the masked table P^_j (2^(1 + num_vars + mask_vars) entries; the caller's table
  // is P^_j(0, x, 0)).
  std::span<const F> table(size_t j) const;
  // With the mask in the tail (Commitment::tail_vars), after commit: table(j) with its variables in
  // the caller's order within each half (entry x of a half is entry reverse(x) of table(j)'s), so
  // that a block of the caller's table is a contiguous range; empty otherwise (and when loaded).
  std::span<const F> natural_table(size_t j) const;
  // Merkle leaf q: for each polynomial, its codeword on the coset {w_N^{q + k N/16} : k < 16}
  // (hiding: on {w_N^{q + k N/32} : k < 32}, then the leaf's kSaltElements salt), written to
  // out[0, detail::leaf_size(commitment())).
  void leaf(size_t q, F* out) const;
  void leaf_words(size_t q, uint64_t* words) const;  // the same as 64-bit words
  const MerkleTree& tree() const { return tree_; }
  // Polynomial j's table as committed, contracted at its out-of-domain point pow(z_s) over its
  // first detail::ood_head_vars variables (the rest summed against eq): computed with the
  // out-of-domain answers, kept for the openings, which need these values (docs/pcs.md, "Cost").
  std::span<const E> ood_contraction(size_t j, size_t s) const { return ood_contractions_[j * kOodSamples + s]; }

  // Versioned encoding of the prover data (pcs/committed_io.cpp): the lowest stored Merkle level,
  // the tables and the codewords, the latter two 8-byte aligned so that they are used in place.
  // deserialize takes every size from `expected` and `params`, rebuilds the tree from the stored
  // level and refuses data whose Merkle root or out-of-domain answers differ from `expected`; it
  // does not read the codewords (the caller checks them: check_leaves, check_codewords, and a
  // container checksum of the rest; docs/zkml.md, "Keys").
  // The result points into the bytes `in` reads, which `storage` must keep alive.
  void serialize(ByteWriter& out) const;
  static Result<CommittedPolynomials> deserialize(ByteReader& in, const Commitment& expected, const Params& params,
                                                  std::shared_ptr<const void> storage);
  // Where the encoding of `expected`'s prover data starting at stream offset `offset` keeps its
  // codewords, [codewords, end), end being the end of the data: from the sizes alone, no byte read
  // (a container checksums everything else and leaves the codewords to the two checks below).
  struct Extent {
    size_t codewords = 0, end = 0;
  };
  static Result<Extent> extent(const Commitment& expected, size_t offset);
  // Every leaf hashes to the stored Merkle level (hashes all codewords: the full check).
  Status check_codewords() const;
  // The same for the subtrees holding `leaves` only (an opening checks the leaves it opens).
  Status check_leaves(std::span<const uint64_t> leaves) const;

 private:
  friend Result<CommittedPolynomials> commit(std::span<const std::span<const F>>, const Params&, const Seed&);
  Commitment commitment_;
  template <class Word, class Convert>
  void gather_leaf(size_t q, Word* out, Convert convert) const;

  std::span<const F> tables_;   // num_polys tables as committed (see table())
  std::span<const F> natural_;  // the same in the caller's variable order (see natural_table())
  // The codewords in one of two layouts. Leaf-major (leaves_: the Merkle leaves back to back, each
  // as leaf() gives it), as the encoding stores them, so that a loaded object views them in place;
  // or, after commit, natural order (codewords_: polynomial after polynomial, value q of the
  // codeword at q; salts_: the leaves' salts back to back), a leaf being gathered from its coset's
  // positions, which spares commit a transposed copy of every codeword.
  std::span<const F> leaves_, codewords_, salts_;
  std::shared_ptr<const void> storage_;  // keeps the spans above alive
  MerkleTree tree_;
  std::vector<std::vector<E>> ood_contractions_;  // [j * kOodSamples + s], see ood_contraction()
};

// The out-of-domain points of a commitment: kOodSamples elements of E from a transcript that
// absorbs the root and the sizes.
std::vector<E> ood_points(const Commitment& commitment);

// Commits to one or more tables of equal size 2^n (n <= kMaxVars); a hiding commitment draws its
// masks and salts from a fresh os_seed().
Result<CommittedPolynomials> commit(std::span<const std::span<const F>> tables, const Params& params);
// The same with the hiding randomness drawn from `seed` (ignored when not hiding): a hiding
// commitment anyone holding the tables and the seed recomputes, hiding while the seed is secret
// (a seed derived from secret tables by Keccak: hiding while they cannot be guessed).
Result<CommittedPolynomials> commit(std::span<const std::span<const F>> tables, const Params& params, const Seed& seed);

// The openings a hiding commitment stays zero-knowledge for (docs/pcs.md, "Limits of the
// argument"): each opening reveals the committed half Phi at <= 16 t_0 + 2 points, and at most
// 16 sum_i t_i + 2^final_vars + the messages functionals of the mask S'; the count keeps the first
// within the D = (2^k - 1) 2^m random coefficients of Phi's mask and the second within half of
// S''s 2^(m+k) entries. 0 for a plain commitment.
uint64_t openings_supported(const Params& params, const Commitment& commitment);

struct PolyRef {
  uint32_t commitment = 0;  // index into the commitments passed to open/verify
  uint32_t poly = 0;        // index within that commitment
  friend auto operator<=>(const PolyRef&, const PolyRef&) = default;
};

// The claim P(point) = value about a committed polynomial; point has num_vars coordinates.
struct EvalClaim {
  PolyRef poly;
  std::vector<E> point;
  E value;
};

// The claim sum_t coefficient_t P_t(point_t) = value: only the sum is public (the terms' values
// are never sent). E.g. the mask of a zero-knowledge sum-check (sumcheck/zk_sumcheck.hpp).
struct SumTerm {
  PolyRef poly;
  std::vector<E> point;
  E coefficient;
};
struct SumClaim {
  std::vector<SumTerm> terms;
  E value;
};

// Values a committed polynomial takes (for callers building claims).
E evaluate(const CommittedPolynomials& committed, size_t poly, std::span<const E> point);

struct SumcheckMessage {
  E at0, at1, at2;  // the round polynomial at 0, 1, 2 (degree <= 2)
};

// Openings of one Merkle tree at the sorted distinct queried leaves.
template <class Field>
struct LeafOpenings {
  std::vector<Field> values;  // leaf after leaf, width values each
  std::vector<Digest> nodes;  // multi-proof
};

struct RoundProof {
  std::vector<SumcheckMessage> sumcheck;  // kFoldingVars messages
  uint64_t fold_pow_nonce = 0;            // grinding after the folding challenges
  Digest next_root{};                     // commitment to the folded polynomial (not in the last round)
  std::vector<E> ood_answers;             // its values at the out-of-domain samples (not in the last round)
  uint64_t pow_nonce = 0;
  std::vector<LeafOpenings<F>> base_openings;  // round 0: one per opened commitment
  LeafOpenings<E> openings;                    // rounds >= 1: the previous round's folded oracle
};

struct OpeningProof {
  // Hiding commitments (docs/pcs.md, "Zero knowledge"): per claim touching one, the coefficient
  // of the mask variable, sent before the mask-folding challenge; that fold's proof of work.
  std::vector<E> mask_lines;
  uint64_t mask_fold_pow_nonce = 0;
  // Batching front end (present unless every claimed polynomial is claimed at every point).
  std::vector<SumcheckMessage> batching_sumcheck;
  std::vector<E> batched_values;  // P_j(r) for every distinct claimed polynomial
  std::vector<RoundProof> rounds;
  std::vector<E> final_table;     // the last folded polynomial, as an evaluation table
  std::vector<SumcheckMessage> final_sumcheck;

  std::vector<uint8_t> serialize() const;
  // Decodes against the sizes the public statement implies; never trusts a length in the input.
  static Result<OpeningProof> deserialize(std::span<const uint8_t> bytes, const Params& params,
                                          std::span<const Commitment> commitments,
                                          std::span<const EvalClaim> claims,
                                          std::span<const SumClaim> sum_claims = {});
};

// Proves all claims (the values must be right, or the proof will not verify). `committed[i]`
// is the prover data of commitment i. Errors only on malformed input (bad refs or point sizes).
Result<OpeningProof> open(const Params& params, std::span<const CommittedPolynomials* const> committed,
                          std::span<const EvalClaim> claims, Transcript& transcript);
Result<OpeningProof> open(const Params& params, std::span<const CommittedPolynomials* const> committed,
                          std::span<const EvalClaim> claims, std::span<const SumClaim> sum_claims,
                          Transcript& transcript);

Status verify(const Params& params, std::span<const Commitment> commitments,
              std::span<const EvalClaim> claims, const OpeningProof& proof, Transcript& transcript);
Status verify(const Params& params, std::span<const Commitment> commitments,
              std::span<const EvalClaim> claims, std::span<const SumClaim> sum_claims,
              const OpeningProof& proof, Transcript& transcript);

// deserialize + verify.
Status verify_bytes(const Params& params, std::span<const Commitment> commitments,
                    std::span<const EvalClaim> claims, std::span<const uint8_t> proof,
                    Transcript& transcript);
Status verify_bytes(const Params& params, std::span<const Commitment> commitments,
                    std::span<const EvalClaim> claims, std::span<const SumClaim> sum_claims,
                    std::span<const uint8_t> proof, Transcript& transcript);

}  // namespace zk::pcs
