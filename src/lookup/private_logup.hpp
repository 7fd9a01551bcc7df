// Zero-knowledge LogUp-GKR: the lookup argument of logup.hpp (Haböck, "Multivariate lookups based
// on logarithmic derivatives", ePrint 2022/1530; its GKR from Papini, Haböck, ePrint 2023/1284)
// with every layer proven by the private sum-check of private_sumcheck.hpp (Libra masks and
// selector-randomized extensions: Xie et al., CRYPTO 2019, ePrint 2019/317), so that the proof
// reveals nothing about the witness columns or the multiplicities beyond the statement's truth.
//
// Statement: LookupStatement<F> as in logup.hpp (a public table with c <= 4 columns, groups of
// n_g rows with c columns). Witness: the columns and the multiplicities m_i.
//
// One tree. All fractions live in ONE fractional-sum tree over m variables. Each group g takes a
// segment of 2^ceil(log2 n_g) leaves, the table a segment of 2^ceil(log2 N) leaves (explicit
// tables padded by repeating the last row, as in logup.hpp); segments are sorted by decreasing
// size (ties: groups in order, then the table) and laid end to end, so each offset is a multiple
// of its segment's size; 2^m is the least power of two holding them all. Leaves (v = sum_c beta^c v_c):
//   group segment:  p = 1 on the n_g rows, 0 on the padding;  q = alpha - w(x) (zero-padded
//                   columns: q = alpha on the padding),
//   table segment:  p = -m(x) (zero-padded);  q = alpha - t(x),
//   free leaves:    p = 0, q = 1.
// Then P = sum of all leaf fractions = sum_{g,j} 1/(alpha - w_{g,j}) - sum_i m_i/(alpha - t_i),
// which is 0 for an honest statement; the verifier checks P = 0 only (Q is never sent).
//
// Layers. Layer k (k = 0..m-1, 2^k nodes, children of x are (0, x) and (1, x) of layer k + 1)
// is ONE private sum-check over k variables on the tables p_L, p_R, q_L, q_R (the halves of layer
// k + 1, each masked with its own corner of 2 entries: at k = 0, past its one-entry table, at alpha,
// private_claims.hpp) and, for k >= 1, the public eq(z_k, .):
//   k = 0:   0 = p_L q_R + p_R q_L                                     (degree 2),
//   k >= 1:  lambda_k p_k(z_k) + q_k(z_k) = sum_x eq(z_k, x) [lambda_k (p_L q_R + p_R q_L) + q_L q_R](x)  (degree 3).
// It ends at (r_u, rho) with the four masked children e = (1 - r_u) child(rho) + r_u R_child(rho)
// in its proof; the verifier checks its final value (with eq(z_k, rho)), draws mu_k and sets
// z_{k+1} = (mu_k, rho). With lines Lp = (1 - mu) e_pL + mu e_pR, Lq = (1 - mu) e_qL + mu e_qR,
//   C = lambda_{k+1} Lp + Lq = (1 - r_u) [lambda p_{k+1} + q_{k+1}](z_{k+1}) + r_u [lambda R_p + R_q](z_{k+1}),
//   R_p(mu, rho) = (1 - mu) R_pL~(rho) + mu R_pR~(rho)   (likewise R_q),
// so layer k + 1 runs on public claim C / (1 - r_u) with private offset
//   o = r_u / (1 - r_u) [lambda R_p + R_q](z_{k+1}),
// a linear function of layer k's corners handed to the claim on w (masked_value_claim). r_u = 1
// (probability 1/|E| per layer) is rejected by the verifier; the prover throws.
//
// Leaves. After layer m - 1 the verifier holds, at z = z_m = (mu, rho) and that layer's r_u,
//   (1 - r_u) p_leaf~(z) + r_u R_p(z) = Lp,    (1 - r_u) q_leaf~(z) + r_u R_q(z) = Lq,
// with, for s_seg(z) = eq(z_high, index of the segment) (its m - log2|seg| leading variables)
// and z_seg = the remaining variables,
//   p_leaf~(z) = sum_g s_g(z) I_{n_g}(z_g) - s_T(z) m~(z_T),
//   q_leaf~(z) = sum_g s_g(z) (alpha - sum_c beta^c w~_{g,c}(z_g)) + s_T(z) (alpha - t~(z_T))
//                + (1 - sum_seg s_seg(z)),
// I_n the prefix indicator (logup.hpp). These two are emitted as LinearClaims: witness columns
// and multiplicities are terms on the caller's TableRefs (each at its point in its own padded
// row space), the corners are corner terms, and every public part moves to the value.
//
// Transcript schedule: the caller absorbs its commitments (columns, multiplicities, arena)
// first. Then logup.hpp's statement absorption and challenges (beta if c > 1, alpha); for each
// layer k: lambda_k = challenge "private_logup/lambda" (k >= 1), the private sum-check (its own
// schedule), mu_k = challenge "private_logup/mu".
//
// Arena (private_lookup_mask_shapes): for each layer k, the Libra mask (k variables, degree 2
// for k = 0, else 3), then the corners of p_L, p_R, q_L, q_R (kPrivateLookupCorner entries each).
//
// Claims returned (prover and verifier alike, in this order): the claim on w of each layer,
// then the leaf claims on p and on q. The caller proves them against its hiding commitments.
//
// Soundness: every leaf q is nonzero except with probability 2^m max(1, c - 1)/|E| (q = alpha -
// sum_c beta^c w_c, committed before alpha and beta, or 1); then Q != 0 and P = 0 iff the leaf
// fractions sum to 0, which for a false statement holds with probability at most
// max(1, c - 1)(n' + N')/|E| (logup.hpp's Schwartz-Zippel argument; here a padding row has p = 0
// and contributes nothing whatever its columns). Layer k adds (1 + (d + 1) + k d + 2)/|E|
// (the mask's rho, the rounds, lambda, the line through the children), in total at most
// sum_{k<m} (3k + 7)/|E|, plus the soundness error of the commitments behind the claims.
//
// Zero knowledge (honest verifier): in every layer the mask sum and the non-constant round
// coefficients are a bijective affine image of the fresh Libra mask, the four e are uniform
// through their fresh corners (each corner enters at the one point rho: in e, in the next
// layer's offset and in the leaf claims), and w is fixed by the last round; the next layer's
// public claim is a function of those e. The caller's claims are opened in zero knowledge. What
// stays public: the statement (table, group sizes, hence m and the layout) and P = 0.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/bytes.hpp"
#include "base/parallel.hpp"
#include "base/result.hpp"
#include "lookup/fractional_sum.hpp"
#include "lookup/logup.hpp"
#include "poly/multilinear.hpp"
#include "sumcheck/private_claims.hpp"
#include "sumcheck/private_sumcheck.hpp"

namespace zk {

constexpr uint32_t kPrivateLookupProofVersion = 1;
constexpr size_t kMaxPrivateLookupVars = kMaxFractionalSumVars;
constexpr size_t kPrivateLookupChildren = 4;  // p_L, p_R, q_L, q_R

// ---- Layout ------------------------------------------------------------------------------------

struct PrivateLookupSegment {
  size_t offset = 0;    // first leaf
  size_t log_size = 0;  // 2^log_size leaves
  bool table = false;   // the table's segment, else group `group`'s
  size_t group = 0;
};

struct PrivateLookupLayout {
  size_t num_vars = 0;  // m
  std::vector<PrivateLookupSegment> segments;
};

template <class F>
Result<PrivateLookupLayout> private_lookup_layout(const LookupStatement<F>& statement) {
  ZK_TRY(statement.validate());
  PrivateLookupLayout layout;
  for (size_t g = 0; g < statement.group_sizes.size(); ++g)
    layout.segments.push_back({0, ceil_log2(statement.group_sizes[g]), false, g});
  layout.segments.push_back({0, statement.table.num_vars(), true, 0});
  std::stable_sort(layout.segments.begin(), layout.segments.end(),
                   [](const auto& a, const auto& b) { return a.log_size > b.log_size; });
  size_t leaves = 0;
  for (auto& s : layout.segments) {
    s.offset = leaves;
    leaves += size_t{1} << s.log_size;
  }
  layout.num_vars = ceil_log2(leaves);  // >= 1: at least one group and the table
  if (layout.num_vars > kMaxPrivateLookupVars) return fail("private lookup: too many leaves");
  return layout;
}

// s_seg(z) = eq(z_high, offset / |seg|) over the m - log_size leading variables of z.
template <class E>
E segment_selector(const PrivateLookupSegment& segment, std::span<const E> z) {
  const size_t high = z.size() - segment.log_size, index = segment.offset >> segment.log_size;
  E acc = E::one();
  for (size_t i = 0; i < high; ++i) acc *= ((index >> (high - 1 - i)) & 1) ? z[i] : E::one() - z[i];
  return acc;
}

inline size_t private_lookup_degree(size_t layer) { return layer == 0 ? 2 : 3; }
// A child's corner: 2 F entries, so that its one evaluation e is uniform in E (at k = 0 too).
inline constexpr size_t kPrivateLookupCorner = 2;

// The arena segments the protocol takes, in order (see the header). Throws on an invalid statement.
template <class F>
std::vector<MaskShape> private_lookup_mask_shapes(const LookupStatement<F>& statement) {
  auto layout = private_lookup_layout(statement);
  if (!layout) throw std::invalid_argument(layout.error());
  std::vector<MaskShape> shapes;
  for (size_t k = 0; k < layout->num_vars; ++k) {
    shapes.push_back(MaskShape::sumcheck(k, private_lookup_degree(k)));
    for (size_t i = 0; i < kPrivateLookupChildren; ++i) shapes.push_back(MaskShape::corner(kPrivateLookupCorner));
  }
  return shapes;
}

// The caller's tables the leaf claims refer to: columns[g][c] is group g's column c (over
// 2^ceil(log2 n_g) zero-padded rows), multiplicities the multiplicities (over the padded table's
// rows).
struct PrivateLookupRefs {
  std::vector<std::vector<TableRef>> columns;
  TableRef multiplicities;
};

template <class F>
Status check_private_lookup_refs(const LookupStatement<F>& statement, const PrivateLookupRefs& refs) {
  if (refs.columns.size() != statement.group_sizes.size())
    return fail("private lookup: column references for the wrong number of groups");
  for (const auto& group : refs.columns)
    if (group.size() != statement.table.num_columns())
      return fail("private lookup: column references for the wrong number of columns");
  return {};
}

// ---- Proof -------------------------------------------------------------------------------------

template <class E>
struct PrivateLookupProof {
  std::vector<PrivateSumcheckProof<E>> layers;  // layers[k]: layer k's private sum-check

  // u32 version ‖ u32 m ‖ each layer's private sum-check proof.
  void encode(ByteWriter& out) const {
    out.u32(kPrivateLookupProofVersion);
    out.u32(static_cast<uint32_t>(layers.size()));
    for (const auto& layer : layers) layer.encode(out);
  }
  std::vector<uint8_t> to_bytes() const {
    ByteWriter out;
    encode(out);
    return std::move(out).take();
  }
  static size_t encoded_size(size_t num_vars) {
    size_t size = 8;
    for (size_t k = 0; k < num_vars; ++k)
      size += PrivateSumcheckProof<E>::encoded_size(k, private_lookup_degree(k), kPrivateLookupChildren);
    return size;
  }

  // Every size is taken from the statement; the header must agree with it. Trailing bytes are
  // the caller's to reject (ByteReader::expect_end).
  template <class F>
  static Result<PrivateLookupProof> decode(ByteReader& in, const LookupStatement<F>& statement) {
    auto layout = private_lookup_layout(statement);
    if (!layout) return fail(layout.error());
    auto version = in.u32();
    if (!version) return fail("private lookup: " + version.error());
    if (*version != kPrivateLookupProofVersion)
      return fail("private lookup: unsupported proof version " + std::to_string(*version));
    auto layers = in.u32();
    if (!layers) return fail("private lookup: " + layers.error());
    if (*layers != layout->num_vars) return fail("private lookup: proof has the wrong number of layers");
    PrivateLookupProof proof;
    for (size_t k = 0; k < layout->num_vars; ++k) {
      auto layer = PrivateSumcheckProof<E>::decode(in, k, private_lookup_degree(k), kPrivateLookupChildren);
      if (!layer) return fail("private lookup: layer " + std::to_string(k) + ": " + layer.error());
      proof.layers.push_back(std::move(*layer));
    }
    return proof;
  }
};

template <class E>
struct PrivateLookupProverOutput {
  PrivateLookupProof<E> proof;
  std::vector<LinearClaim<E>> claims;
};

// ---- Shared by prover and verifier -------------------------------------------------------------

// The terms of layer k over its tables: k = 0: (p_L, p_R, q_L, q_R); k >= 1: (eq, p_L, p_R, q_L, q_R).
template <class E>
std::vector<SumcheckTerm<E>> private_lookup_terms(size_t layer, const E& lambda) {
  if (layer == 0) return {{E::one(), {0, 3}}, {E::one(), {1, 2}}};
  return {{lambda, {0, 1, 4}}, {lambda, {0, 2, 3}}, {E::one(), {0, 3, 4}}};
}

// Rounds 1..k of layer k >= 1 (after the selector round) on fraction_round_sums' kernel: the
// rescaled terms are private_lookup_terms' times s = (1 - r_u)^3, i.e. (lambda s, lambda s, s) on
// (eq, p_L, q_R), (eq, p_R, q_L), (eq, q_L, q_R), so the rounds are those of
// prove_fraction_layer_tables with coefficient s (the same polynomials as prove_sumcheck's; the
// table eq(z_k, .) is not read). Other terms (s = 0 when r_u = 1) take the generic prover.
template <class E>
struct PrivateFractionLayerRounds {
  std::span<const E> point;  // z_k

  template <class Challenger>
  SumcheckProverOutput<E> operator()(Challenger& ch, std::vector<std::vector<E>> tables,
                                     std::span<const SumcheckTerm<E>> terms, const E& claim) const {
    if (terms.size() != 3 || tables.size() != 5 || terms[2].coefficient.is_zero() ||
        terms[0].coefficient != terms[1].coefficient)
      return GenericSumcheckRounds{}(ch, std::move(tables), terms, claim);
    const E s = terms[2].coefficient;
    auto layer = prove_fraction_layer_tables<E>(ch, {tables[1].data(), tables[2].data(), tables[3].data(), tables[4].data()},
                                                point, terms[0].coefficient * s.inverse(), claim, s);
    SumcheckProverOutput<E> out;
    out.table_evaluations = {eq_eval<E>(point, std::span<const E>(layer.point)), layer.children[0], layer.children[1],
                             layer.children[2], layer.children[3]};
    out.point = std::move(layer.point);
    out.proof = std::move(layer.sumcheck);
    return out;
  }
};

// The arena segments of one layer.
struct PrivateLookupLayerRefs {
  TableRef mask;
  std::array<TableRef, kPrivateLookupChildren> corners;
};

template <class F, class E>
Result<PrivateLookupLayerRefs> take_private_lookup_layer(MaskArena<F, E>& arena, size_t layer) {
  PrivateLookupLayerRefs refs;
  auto mask = arena.take_sumcheck(layer, private_lookup_degree(layer));
  if (!mask) return fail(mask.error());
  refs.mask = *mask;
  for (auto& corner : refs.corners) {
    auto ref = arena.take_corner(kPrivateLookupCorner);
    if (!ref) return fail(ref.error());
    corner = *ref;
  }
  return refs;
}

// What layer k leaves to the next one (or to the leaves).
template <class E>
struct PrivateLookupLayerEnd {
  E r_u;
  E mu;
  std::vector<E> rho;                                // the sum-check's point after r_u
  std::array<E, kPrivateLookupChildren> evaluations;  // e of p_L, p_R, q_L, q_R
  PrivateLookupLayerRefs refs;

  // The end of layer k's sum-check at (r_u, rho) (mu is drawn after).
  static PrivateLookupLayerEnd after(std::span<const E> point, std::span<const E> evaluations,
                                     const PrivateLookupLayerRefs& refs) {
    PrivateLookupLayerEnd end;
    end.r_u = point[0];
    end.rho.assign(point.begin() + 1, point.end());
    std::copy(evaluations.begin(), evaluations.end(), end.evaluations.begin());
    end.refs = refs;
    return end;
  }
  std::vector<E> next_point() const {
    std::vector<E> z{mu};
    z.insert(z.end(), rho.begin(), rho.end());
    return z;
  }
  // Lp (first = 0) or Lq (first = 2): the line through two children at mu.
  E line(size_t first) const { return evaluations[first] + mu * (evaluations[first + 1] - evaluations[first]); }
  // c R_p(z_{k+1}) (first = 0) or c R_q(z_{k+1}) (first = 2) as two corner terms.
  void corner_line_terms(size_t first, const E& c, std::vector<LinearTerm<E>>& out) const {
    out.push_back(corner_term<E>(refs.corners[first], kPrivateLookupCorner, rho, c * (E::one() - mu)));
    out.push_back(corner_term<E>(refs.corners[first + 1], kPrivateLookupCorner, rho, c * mu));
  }
};

// The next layer's public claim C / (1 - r_u) and its offset o as terms on the corners
// (r_u != 1 is checked by the caller).
template <class E>
std::pair<E, std::vector<LinearTerm<E>>> private_lookup_next_claim(const PrivateLookupLayerEnd<E>& end,
                                                                   const E& lambda) {
  const E inverse = (E::one() - end.r_u).inverse();
  const E ratio = end.r_u * inverse;
  std::vector<LinearTerm<E>> offset;
  end.corner_line_terms(0, ratio * lambda, offset);
  end.corner_line_terms(2, ratio, offset);
  return {(lambda * end.line(0) + end.line(2)) * inverse, std::move(offset)};
}

// The two leaf claims at z_m (see the header): on p, then on q.
template <class F, class E>
std::vector<LinearClaim<E>> private_lookup_leaf_claims(const LookupStatement<F>& statement,
                                                       const PrivateLookupLayout& layout,
                                                       const LookupChallenges<E>& challenges,
                                                       const PrivateLookupLayerEnd<E>& end,
                                                       const PrivateLookupRefs& refs) {
  const std::vector<E> z = end.next_point();
  const E s = E::one() - end.r_u;
  LinearClaim<E> p{{}, end.line(0)}, q{{}, end.line(2)};
  end.corner_line_terms(0, end.r_u, p.terms);
  end.corner_line_terms(2, end.r_u, q.terms);
  E q_public = E::one();  // the free leaves: 1 - sum_seg s_seg, plus each segment's public part
  for (const auto& seg : layout.segments) {
    const E selector = segment_selector<E>(seg, z);
    const std::span<const E> low = std::span<const E>(z).subspan(z.size() - seg.log_size);
    const std::vector<E> point(low.begin(), low.end());
    q_public += selector * (challenges.alpha - E::one());
    if (seg.table) {
      p.terms.push_back({refs.multiplicities, point, -(s * selector)});
      q_public -= selector * challenges.combine(
                                 [&](size_t c) { return statement.table.template evaluate<E>(c, low); },
                                 statement.table.num_columns());
    } else {
      p.value -= s * selector * prefix_indicator<E>(statement.group_sizes[seg.group], low);
      for (size_t c = 0; c < statement.table.num_columns(); ++c)
        q.terms.push_back({refs.columns[seg.group][c], point, -(s * selector * challenges.beta_powers[c])});
    }
  }
  q.value -= s * q_public;
  return {std::move(p), std::move(q)};
}

// ---- Prover ------------------------------------------------------------------------------------

// The leaves of the tree (see the header).
template <class F, class E>
FractionLeaves<E> private_lookup_leaves(const LookupStatement<F>& statement, const PrivateLookupLayout& layout,
                                        std::span<const LookupColumns<F>> groups, std::span<const F> multiplicities,
                                        const LookupChallenges<E>& challenges) {
  const size_t size = size_t{1} << layout.num_vars, columns = statement.table.num_columns();
  FractionLeaves<E> leaves{std::vector<E>(size, E::zero()), std::vector<E>(size, E::one())};
  for (const auto& seg : layout.segments) {
    E* p = leaves.numerators.data() + seg.offset;
    E* q = leaves.denominators.data() + seg.offset;
    parallel_for(size_t{1} << seg.log_size, kPolyGrain, [&](size_t begin, size_t end) {
      for (size_t x = begin; x < end; ++x) {
        if (seg.table) {
          p[x] = x < multiplicities.size() ? -E(multiplicities[x]) : E::zero();
          q[x] = challenges.alpha - challenges.combine([&](size_t c) { return statement.table.entry(c, x); }, columns);
        } else {
          const auto& group = groups[seg.group];
          const bool row = x < group[0].size();
          p[x] = row ? E::one() : E::zero();
          q[x] = row ? challenges.alpha - challenges.combine([&](size_t c) { return group[c][x]; }, columns)
                     : challenges.alpha;
        }
      }
    });
  }
  return leaves;
}

// Proves that every row of every group is a row of the table, in zero knowledge, with the
// arena's masks and corners (committed by the caller, like the columns and multiplicities,
// before this call). The statement is not checked: a false one yields a proof the verifier
// rejects. Returns the proof and the claims for the caller.
template <class F, class E, class Challenger>
PrivateLookupProverOutput<E> prove_private_lookup(Challenger& ch, const LookupStatement<F>& statement,
                                                  std::span<const LookupColumns<F>> groups,
                                                  std::span<const F> multiplicities, MaskArena<F, E>& arena,
                                                  const PrivateLookupRefs& refs) {
  for (const Status& s : {check_lookup_witness(statement, groups, multiplicities),
                          check_private_lookup_refs(statement, refs)})
    if (!s) throw std::invalid_argument(s.error());
  if (!arena.has_values()) throw std::invalid_argument("private lookup: the prover needs a sampled arena");
  auto layout = private_lookup_layout(statement);
  if (!layout) throw std::invalid_argument(layout.error());

  const LookupChallenges<E> challenges = lookup_challenges<E>(ch, statement);
  FractionTree<E> tree =
      build_fraction_tree<E>(private_lookup_leaves<F, E>(statement, *layout, groups, multiplicities, challenges));
  PrivateLookupProverOutput<E> out;
  PrivateLookupLayerEnd<E> end;
  for (size_t k = 0; k < layout->num_vars; ++k) {
    const E lambda = k == 0 ? E::zero() : ch.template challenge<E>("private_logup/lambda");
    auto layer_refs = take_private_lookup_layer(arena, k);
    if (!layer_refs) throw std::logic_error(layer_refs.error());
    E public_claim = E::zero(), offset = E::zero();
    std::vector<LinearTerm<E>> offset_terms;
    std::vector<std::vector<E>> tables;
    const std::vector<E> point = k > 0 ? end.next_point() : std::vector<E>{};  // z_k
    if (k > 0) {
      std::tie(public_claim, offset_terms) = private_lookup_next_claim(end, lambda);
      for (const auto& t : offset_terms)
        offset += t.coefficient * evaluate_multilinear<E, F>(arena.corner_of(t.table.index), t.point);
      tables.push_back(eq_table<E>(point));
    }
    const size_t half = size_t{1} << k;
    // The layer's two halves: the lower one stays in the layer's buffer (moved), the upper one is
    // copied out.
    for (auto* layer : {&tree.numerators[k + 1], &tree.denominators[k + 1]}) {
      std::vector<E> upper(layer->begin() + static_cast<std::ptrdiff_t>(half), layer->end());
      layer->resize(half);
      tables.push_back(std::move(*layer));
      tables.push_back(std::move(upper));
      std::vector<E>().swap(*layer);
    }
    std::vector<MaskedTable<E>> masked;
    for (size_t i = 0; i < kPrivateLookupChildren; ++i)
      masked.push_back({(k == 0 ? 0 : 1) + i, arena.corner_values(layer_refs->corners[i], k)});
    const auto terms = private_lookup_terms<E>(k, lambda);
    auto sc = prove_private_sumcheck<E>(ch, std::move(tables), std::span<const SumcheckTerm<E>>(terms),
                                        std::span<const MaskedTable<E>>(masked), public_claim, offset,
                                        arena.mask(layer_refs->mask),
                                        PrivateFractionLayerRounds<E>{std::span<const E>(point)});
    if (sc.point[0] == E::one()) throw std::runtime_error("private lookup: selector challenge r_u = 1");
    out.claims.push_back(masked_value_claim<E>(layer_refs->mask, private_lookup_degree(k), sc.point, sc.rho,
                                               offset_terms, sc.proof.masked_value));
    end = PrivateLookupLayerEnd<E>::after(sc.point, sc.proof.evaluations, *layer_refs);
    end.mu = ch.template challenge<E>("private_logup/mu");
    out.proof.layers.push_back(std::move(sc.proof));
  }
  for (auto& claim : private_lookup_leaf_claims<F, E>(statement, *layout, challenges, end, refs))
    out.claims.push_back(std::move(claim));
  return out;
}

// ---- Verifier ----------------------------------------------------------------------------------

// Verifies a private lookup proof, taking the layers' segments from the verifier's arena (shapes
// only), and returns the claims the caller must prove against its commitments (the statement
// holds only if they all do).
template <class F, class E, class Challenger>
Result<std::vector<LinearClaim<E>>> verify_private_lookup(Challenger& ch, const LookupStatement<F>& statement,
                                                          const PrivateLookupProof<E>& proof,
                                                          MaskArena<F, E>& arena,
                                                          const PrivateLookupRefs& refs) {
  auto layout = private_lookup_layout(statement);
  if (!layout) return fail(layout.error());
  ZK_TRY(check_private_lookup_refs(statement, refs));
  if (proof.layers.size() != layout->num_vars) return fail("private lookup: proof has the wrong number of layers");

  const LookupChallenges<E> challenges = lookup_challenges<E>(ch, statement);
  std::vector<LinearClaim<E>> claims;
  PrivateLookupLayerEnd<E> end;
  for (size_t k = 0; k < layout->num_vars; ++k) {
    const std::string where = "private lookup: layer " + std::to_string(k) + ": ";
    const auto& layer = proof.layers[k];
    const E lambda = k == 0 ? E::zero() : ch.template challenge<E>("private_logup/lambda");
    auto layer_refs = take_private_lookup_layer(arena, k);
    if (!layer_refs) return fail(where + layer_refs.error());
    E public_claim = E::zero();
    std::vector<LinearTerm<E>> offset_terms;
    if (k > 0) std::tie(public_claim, offset_terms) = private_lookup_next_claim(end, lambda);
    auto sc = verify_private_sumcheck<E>(ch, k, private_lookup_degree(k), kPrivateLookupChildren, public_claim, layer);
    if (!sc) return fail(where + sc.error());
    if (sc->point[0] == E::one()) return fail(where + "selector challenge r_u = 1");
    std::vector<E> evaluations;
    if (k > 0) evaluations.push_back(eq_eval<E>(end.next_point(), std::span<const E>(sc->point).subspan(1)));
    evaluations.insert(evaluations.end(), layer.evaluations.begin(), layer.evaluations.end());
    const auto terms = private_lookup_terms<E>(k, lambda);
    if (private_sumcheck_final_value<E>(terms, evaluations, sc->point[0], layer.masked_value) != sc->value)
      return fail(where + "final value mismatch");
    claims.push_back(masked_value_claim<E>(layer_refs->mask, private_lookup_degree(k), sc->point, sc->rho,
                                           offset_terms, layer.masked_value));
    end = PrivateLookupLayerEnd<E>::after(sc->point, layer.evaluations, *layer_refs);
    end.mu = ch.template challenge<E>("private_logup/mu");
  }
  for (auto& claim : private_lookup_leaf_claims<F, E>(statement, *layout, challenges, end, refs))
    claims.push_back(std::move(claim));
  return claims;
}

}  // namespace zk
