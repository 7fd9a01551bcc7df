// WHIR over Goldilocks (Arnon, Chiesa, Fenzi, Yogev, ePrint 2024/1586, Construction 5.1), with a
// batching front end. Notation (docs/pcs.md has the full description and the parameters):
//
// Encoding. A multilinear P in m variables is committed as the Reed-Solomon codeword of
//   P^(X) = sum_i m_i X^{brev_m(i)}   on L = <w_N>, N = 2^{m + rate_bits}   (pcs/ntt.hpp),
// so P^(z) = P(pow(z)), pow(z) = (z, z^2, z^4, ..., z^{2^{m-1}}). Merkle leaf q holds the coset
// {y w_16^k : k < 16}, y = w_N^q, i.e. the 16 values one 16-to-1 fold reads.
//
// Embedding. A polynomial in m < n variables is the n-variable P'(x) = P(x_{n-m}, ..., x_{n-1});
// P'^(X) = P^(X^{2^{n-m}}), so its codeword on the big domain is read off the small one, and
// P(z) = P'((0^{n-m}, z)). Tables with m < 4 are committed tiled to 16 entries (the same map).
//
// Front end: the caller's claims P_j(z_c) = v_c and each claimed polynomial's commitment OOD
// claims become one claim sum_x w(x) f(x) = sigma about f = sum_j mu_j P'_j: with
// w = sum_t beta_t eq(z_t, .) when every claimed polynomial is claimed at every point (a grid),
// otherwise with w = eq(r, .) after a sum-check over sum_j P'_j(x) W_j(x),
// W_j = sum_{c on j} beta_c eq(z_c, .), that reduces every claim to P_j(r) at one random r
// (Thaler, "Proofs, Arguments, and Zero-Knowledge", 4.5.2).
//
// Round i (f_i with n_i variables, its oracle on L_i, weight w_i, claim sigma_i):
//   1. 4 sum-check rounds on sum_x f_i(x) w_i(x) bind x_0..x_3 to alpha; g = f_i(alpha, .);
//      folding grinding.
//   2. Not last: commit to g on L_{i+1} (|L_{i+1}| = |L_i| / 16 after round 0, / 4 later),
//      out-of-domain samples z_1, z_2 <- E, answers g^(z_s). Last: send g in the clear.
//   3. Query grinding, then t_i queries q: open leaf q of f_i's oracle; the fold of the coset,
//      Fold(q) = sum_e G_e(y^16) prod_b alpha_b^{e_b} where f^(X) = sum_{e<16} X^e G_e(X^16),
//      must equal g^(y^16) (inverse size-16 DFT of the leaf, WHIR section 2.1.3).
//   4. Not last: gamma <- E; w_{i+1} = w_i(alpha, .) + sum_s gamma^s eq(pow(z_s), .) +
//      sum_q gamma^{2+k_q} eq(pow(y_q^16), .), sigma_{i+1} accordingly. Last: the queried folds
//      are checked against g, a final sum-check binds g's variables to beta, and
//      sigma = g(beta) * w(alpha_all), the weight evaluated from the list of constraints.
//
// Hiding commitments (docs/pcs.md, "Zero knowledge"): P is committed as P^(y', x, y) with
// P^(0, x, 0) = P(x) and uniform entries elsewhere; leaves hold 32-point cosets and a salt.
// Before the front end, the prover sends for each claim (group) on such P^, at (a, u), the
// coefficient P^(1, u) - P^(0, u) of its line in y'; alpha' <- E binds y' of every P^ at once, and
// everything after runs on g = P^(alpha', .), whose codeword the verifier reads off P^'s leaves
// (masked_coset) and whose claims are the lines at alpha'.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "base/uninitialized_buffer.hpp"
#include "field/accumulator.hpp"
#include "pcs/keccak_x8.hpp"
#include "pcs/ntt.hpp"
#include "pcs/pcs.hpp"
#include "pcs/randomness.hpp"
#include "pcs/schedule.hpp"
#include "poly/multilinear.hpp"

namespace zk::pcs {

using detail::grind;
using detail::kDroppedLevels;
using detail::pow_valid;
using detail::power_point;
using detail::RoundShape;
using detail::Statement;

namespace {

constexpr size_t kGrain = 1 << 12;

// sum_i a_i b_i over F with one reduction at the end: 128-bit products are added exactly, with
// the wraps past 2^128 counted; 2^128 = -2^32 (mod p). Exact for fewer than 2^64 terms.
class DelayedSum {
 public:
  void add(F a, F b) {
    const uint128_t product = static_cast<uint128_t>(a.value()) * b.value();
    acc_ += product;
    wraps_ += acc_ < product;
  }
  F value() const {
    return F::from_canonical(F::reduce128(acc_)) - F::from_u64(wraps_) * F::from_canonical(uint64_t{1} << 32);
  }

 private:
  uint128_t acc_ = 0;
  uint64_t wraps_ = 0;
};

// The same for sum_i a_i b_i with a_i in E and b_i in F (componentwise).
class DelayedExtSum {
 public:
  void add(const E& a, F b) {
    c0_.add(a.c0(), b);
    c1_.add(a.c1(), b);
  }
  E value() const { return {c0_.value(), c1_.value()}; }

 private:
  DelayedSum c0_, c1_;
};

// ---------------------------------------------------------------------------------------------
// Shared helpers

void absorb_point(ByteWriter& w, std::span<const E> point) {
  w.u32(static_cast<uint32_t>(point.size()));
  for (const E& x : point) x.to_bytes(w.extend(E::BYTES));
}

// Parameters, commitments, claims and (only when there are any) sum claims.
void absorb_statement(Transcript& t, const Params& p, std::span<const Commitment> commitments,
                      std::span<const EvalClaim> claims, std::span<const SumClaim> sum_claims) {
  ByteWriter w;
  w.u8(static_cast<uint8_t>(p.soundness));
  w.u32(p.security_bits);
  w.u32(p.rate_bits);
  w.u32(p.first_shrink_bits);
  w.u32(p.shrink_bits);
  w.u32(p.pow_bits);
  w.u32(p.final_max_vars);
  w.u32(static_cast<uint32_t>(commitments.size()));
  for (const Commitment& c : commitments) c.serialize(w);
  w.u32(static_cast<uint32_t>(claims.size()));
  for (const EvalClaim& c : claims) {
    w.u32(c.poly.commitment);
    w.u32(c.poly.poly);
    absorb_point(w, c.point);
    c.value.to_bytes(w.extend(E::BYTES));
  }
  if (!sum_claims.empty()) {
    w.u32(static_cast<uint32_t>(sum_claims.size()));
    for (const SumClaim& c : sum_claims) {
      w.u32(static_cast<uint32_t>(c.terms.size()));
      for (const SumTerm& term : c.terms) {
        w.u32(term.poly.commitment);
        w.u32(term.poly.poly);
        absorb_point(w, term.point);
        term.coefficient.to_bytes(w.extend(E::BYTES));
      }
      c.value.to_bytes(w.extend(E::BYTES));
    }
  }
  t.absorb_bytes("pcs/statement", w.bytes());
}

void absorb_message(Transcript& t, const SumcheckMessage& m) {
  const E values[3] = {m.at0, m.at1, m.at2};
  t.absorb_all<E>("pcs/sumcheck", values);
}

// The mask fold of a hiding opening: absorbs the mask lines, draws alpha'.
E mask_fold(Transcript& t, std::span<const E> lines) {
  t.absorb_all<E>("pcs/mask lines", lines);
  return t.challenge<E>("pcs/mask fold");
}

// 1 followed by count - 1 challenges: coefficients of a random linear combination.
std::vector<E> combination(Transcript& t, std::string_view label, size_t count) {
  std::vector<E> out{E::one()};
  if (count > 1) {
    auto rest = t.challenges<E>(label, count - 1);
    out.insert(out.end(), rest.begin(), rest.end());
  }
  return out;
}

// The degree-2 round polynomial through (0, at0), (1, at1), (2, at2), evaluated at r.
E interpolate(const SumcheckMessage& m, const E& r) {
  static const F inv2 = F::from_u64(2).inverse();
  const E r1 = r - E::one(), r2 = r - E::from_u64(2);
  return (m.at0 * (r1 * r2) + m.at2 * (r * r1)) * inv2 - m.at1 * (r * r2);
}

// sum_i a_i b_i for a_i in E, b_i in F or E, reduced once at the end.
template <class T>
using ProductSum = std::conditional_t<std::is_same_v<T, F>, DelayedExtSum, ProductAccumulator<E>>;

template <class T>
void add_product(ProductSum<T>& sum, const E& a, const T& b) {
  if constexpr (std::is_same_v<T, F>) {
    sum.add(a, b);
  } else {
    sum.add_product(a, b);
  }
}

template <class T>
E reduced(const ProductSum<T>& sum) {
  if constexpr (std::is_same_v<T, F>) {
    return sum.value();
  } else {
    return sum.reduce();
  }
}

// The round polynomial of sum_x f(x) w(x) in variable 0, at 0, 1, 2:
//   at0 = sum_j w(0, j) f(0, j),  at1 = sum_j w(1, j) f(1, j),
//   at2 = sum_j (2 w(1, j) - w(0, j)) (2 f(1, j) - f(0, j)),
// each sum accumulated unreduced over a chunk (f in F or E).
template <class T>
SumcheckMessage product_round(std::span<const T> f, std::span<const E> w) {
  const size_t half = f.size() / 2;
  std::vector<SumcheckMessage> partial(chunk_count(half, kGrain));
  parallel_chunks(half, kGrain, [&](size_t c, size_t begin, size_t end) {
    ProductSum<T> a0, a1, a2;
    for (size_t j = begin; j < end; ++j) {
      const T f0 = f[j], f1 = f[j + half];
      const E w0 = w[j], w1 = w[j + half];
      add_product<T>(a0, w0, f0);
      add_product<T>(a1, w1, f1);
      add_product<T>(a2, w1 + w1 - w0, f1 + f1 - f0);
    }
    partial[c] = {reduced<T>(a0), reduced<T>(a1), reduced<T>(a2)};
  });
  SumcheckMessage m{};
  for (const auto& p : partial) {
    m.at0 += p.at0;
    m.at1 += p.at1;
    m.at2 += p.at2;
  }
  return m;
}

// Fold of one leaf: values[k] = f^(y w_16^k). With c_e = (1/16) sum_k values[k] w_16^{-ek} =
// y^e G_e(y^16), returns sum_e y^{-e} c_e prod_b alpha_b^{e_b}.
template <class T>
E fold_coset(std::span<const T> values, F y, std::span<const E> alpha) {
  static const F inv16 = F::from_u64(16).inverse();
  static const F w16_inv = F::root_of_unity(4).inverse();
  E monomial[kLeafWidth];
  monomial[0] = E(inv16);
  for (size_t b = 0; b < kFoldingVars; ++b)
    for (size_t e = 0; e < (size_t{1} << b); ++e) monomial[e + (size_t{1} << b)] = monomial[e] * alpha[b];
  const F y_inv = y.inverse();
  F y_pow = F::one(), w_e = F::one();  // y^{-e}, w_16^{-e}
  E total;
  for (size_t e = 0; e < kLeafWidth; ++e) {
    T acc{};
    F w_ek = F::one();
    for (size_t k = 0; k < kLeafWidth; ++k) {
      acc += values[k] * w_ek;
      w_ek *= w_e;
    }
    total += monomial[e] * y_pow * acc;
    y_pow *= y_inv;
    w_e *= w16_inv;
  }
  return total;
}

// The opened polynomial g = P^(alpha', .) of a hiding commitment on a coset of its domain: with
// P^(X) = A(X^2) + X B(X^2) (A = P^(0, .), B = P^(1, .) - P^(0, .) in the power-point view, whose
// first variable carries X), g(x^2) = A(x^2) + alpha' B(x^2). Leaf values v_i = P^(p w_32^i) for
// i < 32, p the leaf's point on P^'s domain; since w_32^{i+16} = -w_32^i and (p w_32^i)^2 = p^2 w_16^i,
//   g(p^2 w_16^i) = ((1 + alpha'/x) v_i + (1 - alpha'/x) v_{i+16}) / 2,   x = p w_32^i.
std::array<E, kLeafWidth> masked_coset(std::span<const F> values, F p, const E& alpha) {
  static const F inv2 = F::from_u64(2).inverse();
  static const F w32 = F::root_of_unity(5);
  std::array<F, kLeafWidth> x_inv;
  F x = p;
  for (size_t i = 0; i < kLeafWidth; ++i) {
    x_inv[i] = x;
    x *= w32;
  }
  batch_invert<F>(x_inv);
  std::array<E, kLeafWidth> out;
  for (size_t i = 0; i < kLeafWidth; ++i) {
    const E a = alpha * x_inv[i];
    out[i] = ((E::one() + a) * values[i] + (E::one() - a) * values[i + kLeafWidth]) * inv2;
  }
  return out;
}

// The subgroup element w_{2^log_n}^q.
F domain_point(uint32_t log_n, uint64_t q) { return F::root_of_unity(static_cast<int>(log_n)).pow(q); }

std::vector<uint64_t> draw_queries(Transcript& t, const RoundShape& shape) {
  auto q = t.challenge_indices("pcs/queries", shape.queries, uint64_t{1} << (shape.log_domain - kFoldingVars));
  std::sort(q.begin(), q.end());
  q.erase(std::unique(q.begin(), q.end()), q.end());
  return q;
}

// Proof of work (detail::pow_valid, detail::grind): the seed is the transcript state after a
// "pcs/pow" challenge.
void pow_message(const Digest& seed, uint64_t nonce, uint64_t* words) {
  std::memcpy(words, seed.data(), 32);
  words[4] = nonce;
}

bool pow_digest_ok(const Digest& d, uint32_t bits) {
  uint64_t first;
  std::memcpy(&first, d.data(), 8);
  return bits == 0 || (first & ((uint64_t{1} << bits) - 1)) == 0;
}

// The nonces nonce0 + k (k < 8) whose pow message hashes to a valid digest, as bit k of the
// result: eight Keccak-f[1600] states in the lanes of keccak_f1600_x8, each absorbing the seed's
// four words, its nonce and the keccak256 padding of a 40-byte message (as hash_words does for
// pow_message), one permutation, then the digest's first word (state lane 0) against the mask.
uint32_t valid_nonces_x8(const Digest& seed, uint64_t nonce0, uint32_t bits) {
  uint64_t seed_words[4];
  std::memcpy(seed_words, seed.data(), 32);
  uint64_t lanes[25][8] = {};
  for (size_t k = 0; k < 8; ++k) {
    for (size_t i = 0; i < 4; ++i) lanes[i][k] = seed_words[i];
    lanes[4][k] = nonce0 + k;
    lanes[5][k] = 0x01;
    lanes[16][k] = 0x80ull << 56;
  }
  keccak_f1600_x8(lanes);
  const uint64_t mask = (uint64_t{1} << bits) - 1;
  uint32_t valid = 0;
  for (size_t k = 0; k < 8; ++k)
    if ((lanes[0][k] & mask) == 0) valid |= 1u << k;
  return valid;
}

}  // namespace

bool detail::pow_valid(const Digest& seed, uint32_t bits, uint64_t nonce) {
  uint64_t words[5];
  pow_message(seed, nonce, words);
  return pow_digest_ok(hash_words(words), bits);
}

// Searched in batches of about twice the expected 2^bits tries (the answer is the smallest valid
// nonce whatever the batch size or thread count). Chunks are claimed in increasing order; once one
// holds a valid nonce, the chunks after it are skipped (the smallest valid nonce lies in the first
// such chunk, which is never skipped).
uint64_t detail::grind(const Digest& seed, uint32_t bits) {
  constexpr size_t kChunk = 512;  // chunks are batch / chunk_count: powers of two, multiples of 8
  const uint64_t batch = uint64_t{1} << std::clamp<uint32_t>(bits + 1, 10, 16);
  for (uint64_t base = 0;; base += batch) {
    std::vector<uint64_t> found(chunk_count(batch, kChunk), UINT64_MAX);
    std::atomic<size_t> first_found{SIZE_MAX};
    parallel_chunks(batch, kChunk, [&](size_t c, size_t begin, size_t end) {
      if (c > first_found.load(std::memory_order_relaxed)) return;
      for (size_t i = begin; i < end; i += 8) {
        const uint32_t valid = valid_nonces_x8(seed, base + i, bits);
        if (valid == 0) continue;
        found[c] = base + i + static_cast<size_t>(std::countr_zero(valid));
        size_t seen = first_found.load(std::memory_order_relaxed);
        while (c < seen && !first_found.compare_exchange_weak(seen, c, std::memory_order_relaxed)) {
        }
        return;
      }
    });
    const uint64_t best = *std::min_element(found.begin(), found.end());
    if (best != UINT64_MAX) return best;
  }
}

namespace {

Digest pow_seed(Transcript& t) {
  (void)t.challenge<F>("pcs/pow");
  return t.state();
}

Digest hash_ext_leaf(std::span<const E> values) {
  LaneHasher h;
  for (const E& v : values) {
    h.absorb(v.c0().value());
    h.absorb(v.c1().value());
  }
  return h.finalize();
}

Digest hash_base_leaf(std::span<const F> values) {
  LaneHasher h;
  for (const F& v : values) h.absorb(v.value());
  return h.finalize();
}

// An E-valued oracle of a later round: its codeword (natural order) and Merkle tree; leaf q is
// the coset (codeword[q + k N / 16])_{k < 16}.
struct ExtOracle {
  uint32_t log_domain = 0;
  UninitializedBuffer<E> codeword;  // written in full by rs_encode_into
  MerkleTree tree;

  size_t rows() const { return codeword.size() / kLeafWidth; }
  std::vector<E> leaf(size_t q) const {
    std::vector<E> out(kLeafWidth);
    for (size_t k = 0; k < kLeafWidth; ++k) out[k] = codeword.data()[q + k * rows()];
    return out;
  }
  void leaf_words(size_t q, uint64_t* words) const {
    for (size_t k = 0; k < kLeafWidth; ++k) {
      const E& v = codeword.data()[q + k * rows()];
      words[2 * k] = v.c0().value();
      words[2 * k + 1] = v.c1().value();
    }
  }
};

ExtOracle commit_ext(std::span<const E> table, uint32_t log_domain) {
  ExtOracle o;
  o.log_domain = log_domain;
  o.codeword = UninitializedBuffer<E>(size_t{1} << log_domain);
  rs_encode_into<E>(table, o.codeword.span());
  o.tree = MerkleTree::build(log_domain - kFoldingVars, 2 * kLeafWidth,
                             [&](size_t q, uint64_t* words) { o.leaf_words(q, words); }, kDroppedLevels);
  return o;
}

// Adds sum_c coefs[c] eq(points[c], x) to w (points in F or E, all of |w| = 2^n coordinates),
// splitting x = (head, tail): eq(p, x) = eq(p_head, x_head) eq(p_tail, x_tail), so each entry
// costs one unreduced product per point and no table of w's size is built per point.
template <class P>
void add_eq_sum(std::span<E> w, const std::vector<std::vector<P>>& points, const std::vector<E>& coefs) {
  if (points.empty()) return;
  const size_t n = points[0].size();
  const size_t head_vars = n / 2, tail_vars = n - head_vars;
  std::vector<std::vector<P>> heads, tails;
  for (const auto& p : points) {
    heads.push_back(eq_table<P>(std::span<const P>(p).first(head_vars)));
    tails.push_back(eq_table<P>(std::span<const P>(p).subspan(head_vars)));
  }
  const size_t tail_size = size_t{1} << tail_vars;
  parallel_for(size_t{1} << head_vars, std::max<size_t>(1, kGrain / tail_size), [&](size_t begin, size_t end) {
    std::vector<E> a(points.size());
    for (size_t h = begin; h < end; ++h) {
      for (size_t c = 0; c < points.size(); ++c) a[c] = coefs[c] * heads[c][h];
      E* row = w.data() + h * tail_size;
      for (size_t x = 0; x < tail_size; ++x) {
        ProductSum<P> sum;
        for (size_t c = 0; c < points.size(); ++c) add_product<P>(sum, a[c], tails[c][x]);
        row[x] += reduced<P>(sum);
      }
    }
  });
}

void add_scaled(std::vector<E>& w, const std::vector<E>& table, const E& coef) {
  parallel_for(w.size(), kGrain, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) w[i] += coef * table[i];
  });
}

// A term of f = sum_j coef_j P'_j over n variables: P_j, a base table in m_j <= n variables,
// embedded as P'_j(x) = P_j(x_{n-m_j}, ..., x_{n-1}).
struct EmbeddedTable {
  std::span<const F> table;
  E coef;
};

// The first H rounds of a sum-check over sum_x f(x) w(x) in n variables, whose weight is a short
// sum of eq terms w = sum_t c_t eq(p_t, .) and whose f = sum_j coef_j P'_j is never built at full
// size (WHIR's round 0: H = 4; the batching sum-check of a densely claimed polynomial: H up to 8).
// With x = (head, tail), head the first H variables, eq(p_t, x) = eq(p_t,head, head)
// eq(p_t,tail, tail), so the H round polynomials depend on f only through the contractions
//   C_t[h] = sum_tail f(h, tail) eq(p_t,tail, tail) = sum_j coef_j C_tj[h],
// where (s_j = n - m_j leading variables P'_j ignores)
//   s_j < H:  C_tj[h] = sum_tail P_j(h mod 2^{H-s_j}, tail) eq(p_t,tail, tail),
//   s_j >= H: C_tj[h] = <eq(last m_j coordinates of p_t, .), P_j>   (the other eq factors sum to 1);
// each round polynomial is sum_t of the product round of (C_t, c_t eq(p_t,head, .)). Afterwards
//   f(alpha, tail) = sum_j coef_j sum_{h < 2^{H-s_j}} eq(alpha_{s_j..H-1}, h) P_j(h, tail)   (s_j < H)
//                  + sum_j coef_j P_j(tail mod 2^{m_j})                                   (s_j >= H),
//   w(alpha, tail) = sum_t c_t eq(p_t,head, alpha) eq(p_t,tail, tail).
// Two passes over the base tables instead of f, a weight table of f's size and H sum-check
// rounds over them.
struct HeadContraction {
  uint32_t num_vars, head_vars;
  std::vector<std::vector<E>> heads, tails, contractions;

  HeadContraction(uint32_t n, uint32_t head, std::span<const EmbeddedTable> f,
                  const std::vector<std::vector<E>>& points, std::span<const E> coefs)
      : HeadContraction(n, head, points, coefs) {
    const size_t terms = points.size(), head_size = size_t{1} << head_vars;
    contractions.assign(terms, std::vector<E>(head_size));
    for (const EmbeddedTable& term : f) {
      const std::vector<std::vector<E>> c = table_contractions(term.table, points);
      for (size_t t = 0; t < terms; ++t)
        for (size_t h = 0; h < head_size; ++h) contractions[t][h] += term.coef * c[t][h % c[t].size()];
    }
  }

  // The same from contractions computed beforehand (C_t[h], 2^H values per point; f in n variables).
  HeadContraction(uint32_t n, uint32_t head, const std::vector<std::vector<E>>& points, std::span<const E> coefs,
                  std::vector<std::vector<E>> given)
      : HeadContraction(n, head, points, coefs) {
    contractions = std::move(given);
  }

 private:
  // The eq tables: tails[t] = eq(p_t,tail, .), heads[t] = c_t eq(p_t,head, .).
  HeadContraction(uint32_t n, uint32_t head, const std::vector<std::vector<E>>& points, std::span<const E> coefs)
      : num_vars(n), head_vars(head) {
    for (size_t t = 0; t < points.size(); ++t) {
      const std::span<const E> p(points[t]);
      tails.push_back(eq_table<E>(p.subspan(head_vars)));
      heads.push_back(eq_table<E>(p.first(head_vars)));
      for (E& x : heads.back()) x *= coefs[t];
    }
  }

 public:

  // C_tj for one table: per point, 2^{H-s} values (s < H) or one.
  std::vector<std::vector<E>> table_contractions(std::span<const F> table,
                                                 const std::vector<std::vector<E>>& points) const {
    const size_t terms = points.size();
    const auto m = static_cast<uint32_t>(std::countr_zero(table.size()));
    std::vector<std::vector<E>> out(terms);
    if (num_vars - m >= head_vars) {
      for (size_t t = 0; t < terms; ++t) {
        const std::vector<E> eq = eq_table<E>(std::span<const E>(points[t]).last(m));
        std::vector<E> partial(chunk_count(table.size(), kGrain));
        parallel_chunks(table.size(), kGrain, [&](size_t c, size_t begin, size_t end) {
          DelayedExtSum sum;
          for (size_t x = begin; x < end; ++x) sum.add(eq[x], table[x]);
          partial[c] = sum.value();
        });
        out[t].assign(1, E::zero());
        for (const E& v : partial) out[t][0] += v;
      }
      return out;
    }
    const size_t tail = tails[0].size();
    const size_t rows = table.size() / tail;
    std::vector<std::vector<E>> partial(chunk_count(tail, kGrain), std::vector<E>(terms * rows));
    parallel_chunks(tail, kGrain, [&](size_t c, size_t begin, size_t end) {
      for (size_t h = 0; h < rows; ++h) {
        const F* row = table.data() + h * tail;
        for (size_t t = 0; t < terms; ++t) {
          const E* eq = tails[t].data();
          DelayedExtSum sum;
          for (size_t x = begin; x < end; ++x) sum.add(eq[x], row[x]);
          partial[c][t * rows + h] = sum.value();
        }
      }
    });
    for (size_t t = 0; t < terms; ++t) out[t].assign(rows, E::zero());
    for (const auto& p : partial)
      for (size_t t = 0; t < terms; ++t)
        for (size_t h = 0; h < rows; ++h) out[t][h] += p[t * rows + h];
    return out;
  }

  SumcheckMessage round() const {
    SumcheckMessage m{};
    for (size_t t = 0; t < heads.size(); ++t) {
      const SumcheckMessage part = product_round<E>(contractions[t], heads[t]);
      m.at0 += part.at0;
      m.at1 += part.at1;
      m.at2 += part.at2;
    }
    return m;
  }

  void bind(const E& a) {
    for (size_t t = 0; t < heads.size(); ++t) {
      fold_in_place(contractions[t], a);
      fold_in_place(heads[t], a);
    }
  }

  // f(alpha, .) = sum_k coef_k row_k[x mod |row_k|] over the rows of all tables (formula above).
  std::vector<E> fold(std::span<const EmbeddedTable> f, std::span<const E> alpha) const {
    struct Row {
      E coef;
      const F* values;
      size_t mask;  // |row| - 1
    };
    const size_t tail = tails[0].size();
    std::vector<Row> rows;
    for (const EmbeddedTable& term : f) {
      const auto shift = num_vars - static_cast<uint32_t>(std::countr_zero(term.table.size()));
      if (shift >= head_vars) {
        rows.push_back({term.coef, term.table.data(), term.table.size() - 1});
        continue;
      }
      const std::vector<E> eq = eq_table<E>(alpha.subspan(shift));
      for (size_t h = 0; h < eq.size(); ++h) rows.push_back({term.coef * eq[h], term.table.data() + h * tail, tail - 1});
    }
    // Blocks of outputs, each row read sequentially into the block's accumulators.
    constexpr size_t kBlock = 256;
    std::vector<E> out(tail);
    parallel_for(tail, kGrain, [&](size_t begin, size_t end) {
      std::array<DelayedExtSum, kBlock> sums;
      for (size_t first = begin; first < end; first += kBlock) {
        const size_t count = std::min(kBlock, end - first);
        std::fill_n(sums.begin(), count, DelayedExtSum{});
        for (const Row& row : rows)
          for (size_t i = 0; i < count; ++i) sums[i].add(row.coef, row.values[(first + i) & row.mask]);
        for (size_t i = 0; i < count; ++i) out[first + i] = sums[i].value();
      }
    });
    return out;
  }

  // The weight after the four bindings (heads folded to single values).
  std::vector<E> folded_weight() const {
    std::vector<E> out(tails[0].size());
    for (size_t t = 0; t < tails.size(); ++t) add_scaled(out, tails[t], heads[t][0]);
    return out;
  }
};

// Where eq(z, .) of a point z in m variables is nonzero: with z_0..z_{a-1} and z_{m-b}..z_{m-1}
// in {0, 1} (a = claim_block's prefix, b maximal up to max_suffix),
//   eq(z, x) = [x_{<a} = z_{<a}] [x_{>=m-b} = z_{>=m-b}] eq(z_core, x_core),   z_core = z_{a..m-b-1},
// nonzero only on the 2^{m-a-b} entries offset + (i << b), offset = bits(z_{<a}) 2^{m-a} + bits(z_{>=m-b}).
struct PointSupport {
  size_t offset = 0;
  uint32_t prefix = 0, suffix = 0;
  friend auto operator<=>(const PointSupport&, const PointSupport&) = default;
};

// Contractions of one table at points sharing a support s (cores of d coordinates), over the
// first H core variables:
//   C_t[h] = sum_{tail} T(h, tail) eq(z_t,core,tail, tail),  T(i) = table[s.offset + (i << s.suffix)],
// for h < 2^H (H = 0: the values P(z_t)). Rows of 2^min(d - H, 12) entries are contracted in
// parallel (each row by one task: no dependence on the thread count) at H' >= H head variables,
// then C_t[h] = sum_{h'} eq(z_t,core,H..H'-1, h') C'_t[h 2^{H'-H} + h'].
std::vector<std::vector<E>> strided_contractions(std::span<const F> table, const PointSupport& s,
                                                 const std::vector<std::span<const E>>& cores, uint32_t head) {
  constexpr uint32_t kRowVars = 12;
  const auto d = static_cast<uint32_t>(cores[0].size());
  const uint32_t rows_vars = std::max(head, d - std::min(d, kRowVars));
  const size_t rows = size_t{1} << rows_vars, tail = size_t{1} << (d - rows_vars);
  std::vector<std::vector<E>> tails;
  for (const auto& core : cores) tails.push_back(eq_table<E>(core.subspan(rows_vars)));
  std::vector<std::vector<E>> wide(cores.size(), std::vector<E>(rows));
  const F* base = table.data() + s.offset;
  parallel_for(rows, std::max<size_t>(1, kGrain / tail), [&](size_t begin, size_t end) {
    for (size_t h = begin; h < end; ++h)
      for (size_t t = 0; t < cores.size(); ++t) {
        const E* eq = tails[t].data();
        DelayedExtSum sum;
        for (size_t x = 0; x < tail; ++x) sum.add(eq[x], base[(h * tail + x) << s.suffix]);
        wide[t][h] = sum.value();
      }
  });
  if (rows_vars == head) return wide;
  std::vector<std::vector<E>> out(cores.size(), std::vector<E>(size_t{1} << head));
  const size_t inner = size_t{1} << (rows_vars - head);
  for (size_t t = 0; t < cores.size(); ++t) {
    const std::vector<E> eq = eq_table<E>(cores[t].subspan(head, rows_vars - head));
    for (size_t h = 0; h < out[t].size(); ++h)
      out[t][h] = inner_product<E, E>(eq, std::span<const E>(wide[t]).subspan(h * inner, inner));
  }
  return out;
}

size_t index_of(const std::vector<PolyRef>& polys, const PolyRef& ref) {
  return static_cast<size_t>(std::lower_bound(polys.begin(), polys.end(), ref) - polys.begin());
}

// Where query q of the round-0 domain (2^log_domain) reads commitment c's codeword when that
// polynomial is embedded with `shift` = n - padded_vars(c) extra variables: leaf q mod rows_c,
// coset entry k at (q / rows_c + k 2^shift) mod 16.
struct EmbeddedLeaf {
  uint64_t leaf;
  uint64_t entry0;
  uint32_t shift;
  size_t entry(size_t k) const {
    return static_cast<size_t>((entry0 + (shift >= kFoldingVars ? 0 : (uint64_t{k} << shift))) % kLeafWidth);
  }
};
EmbeddedLeaf embedded_leaf(uint64_t q, uint32_t n, uint32_t rate_bits, uint32_t commitment_vars) {
  const uint32_t m = detail::padded_vars(commitment_vars);
  const uint64_t rows = uint64_t{1} << (m + rate_bits - kFoldingVars);
  return {q % rows, q / rows, n - m};
}

std::vector<uint64_t> small_leaves(std::span<const uint64_t> queries, uint64_t rows) {
  std::vector<uint64_t> out;
  for (uint64_t q : queries) out.push_back(q % rows);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<size_t> as_sizes(std::span<const uint64_t> v) { return {v.begin(), v.end()}; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Commitment

std::span<const F> CommittedPolynomials::table(size_t j) const {
  const size_t size = size_t{1} << (commitment_.hiding ? detail::committed_vars(commitment_) : commitment_.num_vars);
  return {tables_.data() + j * size, size};
}

std::span<const F> CommittedPolynomials::natural_table(size_t j) const {
  if (natural_.empty()) return {};
  const size_t size = size_t{1} << detail::committed_vars(commitment_);
  return {natural_.data() + j * size, size};
}

template <class Word, class Convert>
void CommittedPolynomials::gather_leaf(size_t q, Word* out, Convert convert) const {
  const size_t width = detail::leaf_size(commitment_);
  if (!leaves_.empty()) {
    for (size_t i = 0; i < width; ++i) out[i] = convert(leaves_[q * width + i]);
    return;
  }
  // Natural order: leaf q holds value q + k rows of each codeword (rows = the number of leaves).
  const size_t coset = commitment_.hiding ? 2 * kLeafWidth : kLeafWidth;
  const size_t rows = size_t{1} << (detail::opened_vars(commitment_) + commitment_.rate_bits - kFoldingVars);
  const size_t length = rows * coset;
  for (size_t j = 0; j < commitment_.num_polys; ++j) {
    const F* codeword = codewords_.data() + j * length + q;
    for (size_t k = 0; k < coset; ++k) *out++ = convert(codeword[k * rows]);
  }
  if (commitment_.hiding)
    for (size_t i = 0; i < kSaltElements; ++i) *out++ = convert(salts_[q * kSaltElements + i]);
}

void CommittedPolynomials::leaf(size_t q, F* out) const {
  gather_leaf(q, out, [](F v) { return v; });
}

void CommittedPolynomials::leaf_words(size_t q, uint64_t* words) const {
  gather_leaf(q, words, [](F v) { return v.value(); });
}

namespace {

// Seed streams of a hiding commitment: the leaves' salts, then polynomial j's masks (j + 1); with
// the mask in the free tail, the tail's values from kTailMaskDomain + j + 1.
constexpr uint64_t kSaltStream = 0;
constexpr uint64_t kTailMaskDomain = uint64_t{1} << 63;

// i with its low `bits` bits in reverse order (bits <= 32).
size_t reverse_bits(size_t i, uint32_t bits) {
  uint32_t x = static_cast<uint32_t>(i);
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
  x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
  x = (x >> 16) | (x << 16);
  return bits == 0 ? 0 : size_t{x} >> (32 - bits);
}

// The masked table P^ of a hiding commitment (docs/pcs.md, "Zero knowledge"): over the variables
// (y', x, y) of 1 + m + k bits, index y' 2^(m+k) + x 2^k + y; P^(0, x, 0) = P(x), every other
// entry uniform (so P^(0, x, y) - P(x) for y != 0 and P^(1, ., .) - P^(0, ., .) are uniform masks).
// Written into `out` (2^(1+m+k) entries).
void masked_table(std::span<const F> table, uint32_t k, const Seed& seed, uint64_t stream, std::span<F> out) {
  fill_uniform(out, seed, stream);
  parallel_for(table.size(), 1 << 14, [&](size_t begin, size_t end) {
    for (size_t x = begin; x < end; ++x) out[x << k] = table[x];
  });
}

// The masked table P^ of a hiding commitment with its mask in P's free tail of 2^c entries
// (docs/pcs.md, "Mask in a free tail"): over (y', x), index y' 2^m + i, P^(0, i) = P(reverse_m(i))
// except where reverse_m(i) lies in the tail (the 2^c indices i whose low m - c bits are all one:
// the top-degree coefficients' positions), which are uniform, as is every entry of P^(1, .).
// Written to `out`, and to `natural` with each half in P's variable order (P with its tail
// filled, then the uniform half). Fails unless the tail is zero.
Status masked_table_in_tail(std::span<const F> table, uint32_t c, const Seed& seed, uint64_t stream,
                            std::span<F> out, std::span<F> natural) {
  const size_t n = table.size(), start = n - (size_t{1} << c);
  const auto m = static_cast<uint32_t>(std::countr_zero(n));
  if (!std::all_of(table.begin() + static_cast<std::ptrdiff_t>(start), table.end(), [](F v) { return v == F::zero(); }))
    return fail("pcs commit: the hiding tail of a table is not free");
  std::copy(table.begin(), table.begin() + static_cast<std::ptrdiff_t>(start), natural.begin());
  fill_uniform(natural.subspan(start, n - start), seed, kTailMaskDomain + stream);
  fill_uniform(natural.subspan(n), seed, stream);
  parallel_for(n, 1 << 14, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const size_t x = reverse_bits(i, m);
      out[i] = natural[x];
      out[n + i] = natural[n + x];
    }
  });
  return {};
}

}  // namespace

Result<CommittedPolynomials> commit(std::span<const std::span<const F>> tables, const Params& params) {
  return commit(tables, params, params.hiding ? os_seed() : Seed{});
}

Result<CommittedPolynomials> commit(std::span<const std::span<const F>> tables, const Params& params, const Seed& seed) {
  ZK_TRY(validate(params));
  if (tables.empty()) return fail("pcs commit: no tables");
  const size_t size = tables[0].size();
  if (size == 0 || !std::has_single_bit(size)) return fail("pcs commit: table size is not a power of two");
  const uint32_t m = static_cast<uint32_t>(std::countr_zero(size));
  if (m > kMaxVars) return fail("pcs commit: table too large");
  for (const auto& t : tables)
    if (t.size() != size) return fail("pcs commit: tables differ in size");

  CommittedPolynomials out;
  const size_t polys = tables.size();
  out.commitment_ = Commitment{Digest{}, m, static_cast<uint32_t>(polys), params.rate_bits, {}, params.hiding};
  if (params.hiding && params.hiding_tail_vars > 0 && params.hiding_tail_vars < m) {
    out.commitment_.tail_vars = params.hiding_tail_vars;
    if (openings_supported(params, out.commitment_) < params.hiding_openings) out.commitment_.tail_vars = 0;
  }
  if (params.hiding && out.commitment_.tail_vars == 0) {
    out.commitment_.mask_vars = detail::min_mask_vars(m);
    while (openings_supported(params, out.commitment_) < params.hiding_openings &&
           detail::committed_vars(out.commitment_) < kMaxVars)
      ++out.commitment_.mask_vars;
    if (openings_supported(params, out.commitment_) < params.hiding_openings)
      return fail("pcs commit: no hiding mask within " + std::to_string(kMaxVars) + " variables supports " +
                  std::to_string(params.hiding_openings) + " openings");
  }
  const uint32_t vars = detail::committed_vars(out.commitment_);
  const uint32_t log_domain = vars + params.rate_bits;
  if (params.hiding && vars > kMaxVars) return fail("pcs commit: table too large to commit hiding");
  // Every buffer below is written in full before it is read (tables, masked tables, codewords).
  struct Buffers {
    UninitializedBuffer<F> tables, natural, codewords;
    std::vector<F> salts;
  };
  auto buffers = std::make_shared<Buffers>();
  // Codeword j in natural order at [j N, (j + 1) N); leaf q gathers value q + k N/c of each (coset
  // c = 16, or 32 when hiding, then its salt).
  const size_t length = size_t{1} << log_domain;
  buffers->codewords = UninitializedBuffer<F>(polys * length);
  const auto codeword = [&](size_t j) { return buffers->codewords.span().subspan(j * length, length); };
  if (params.hiding) {
    const size_t masked_size = size_t{1} << vars;
    buffers->tables = UninitializedBuffer<F>(polys * masked_size);
    if (out.commitment_.tail_vars > 0) buffers->natural = UninitializedBuffer<F>(polys * masked_size);
    for (size_t j = 0; j < polys; ++j) {
      const std::span<F> masked = buffers->tables.span().subspan(j * masked_size, masked_size);
      if (out.commitment_.tail_vars > 0) {
        ZK_TRY(masked_table_in_tail(tables[j], out.commitment_.tail_vars, seed, j + 1, masked,
                                    buffers->natural.span().subspan(j * masked_size, masked_size)));
      } else {
        masked_table(tables[j], out.commitment_.mask_vars, seed, j + 1, masked);
      }
      rs_encode_into<F>(masked, codeword(j));
    }
    buffers->salts.resize(kSaltElements * (length / (2 * kLeafWidth)));
    fill_uniform(buffers->salts, seed, kSaltStream);
  } else {
    buffers->tables = UninitializedBuffer<F>(polys * size);
    for (size_t j = 0; j < polys; ++j) std::copy(tables[j].begin(), tables[j].end(), buffers->tables.data() + j * size);
    for (size_t j = 0; j < polys; ++j) {
      if (vars == m) {
        rs_encode_into<F>(tables[j], codeword(j));
      } else {
        std::vector<F> tiled(size_t{1} << vars);
        for (size_t i = 0; i < tiled.size(); ++i) tiled[i] = tables[j][i % size];
        rs_encode_into<F>(tiled, codeword(j));
      }
    }
  }
  out.tables_ = std::as_const(buffers->tables).span();
  out.natural_ = std::as_const(buffers->natural).span();
  out.codewords_ = std::as_const(buffers->codewords).span();
  out.salts_ = buffers->salts;
  out.storage_ = std::move(buffers);
  out.tree_ = MerkleTree::build(detail::opened_vars(out.commitment_) + params.rate_bits - kFoldingVars,
                                detail::leaf_size(out.commitment_),
                                [&](size_t q, uint64_t* words) { out.leaf_words(q, words); }, kDroppedLevels);
  out.commitment_.root = out.tree_.root();
  // Out-of-domain answers P_j(pow(z_s)) (one pass over each table for all samples).
  for (size_t j = 0; j < polys; ++j) {
    detail::OodContractions ood = detail::ood_contractions(out.commitment_, out.table(j));
    out.commitment_.ood.insert(out.commitment_.ood.end(), ood.answers.begin(), ood.answers.end());
    for (auto& head : ood.heads) out.ood_contractions_.push_back(std::move(head));
  }
  return out;
}

detail::OodContractions detail::ood_contractions(const Commitment& c, std::span<const F> table) {
  const auto vars = static_cast<uint32_t>(std::countr_zero(table.size()));
  const uint32_t head = ood_head_vars(c);
  std::vector<std::vector<E>> points;
  for (const E& z : ood_points(c)) points.push_back(power_point(z, vars));
  const std::vector<std::span<const E>> cores(points.begin(), points.end());
  OodContractions out;
  out.heads = strided_contractions(table, PointSupport{}, cores, head);
  // P(pow(z)) = sum_h eq(pow(z)_head, h) C[h].
  for (size_t s = 0; s < points.size(); ++s)
    out.answers.push_back(inner_product<E, E>(eq_table<E>(cores[s].first(head)), out.heads[s]));
  return out;
}

E evaluate(const CommittedPolynomials& committed, size_t poly, std::span<const E> point) {
  const Commitment& c = committed.commitment();
  if (!c.hiding) return evaluate_multilinear<E, F>(committed.table(poly), point);
  // P(z) = P^(0, opened point).
  std::vector<E> masked_point{E::zero()};
  const std::vector<E> opened = detail::opened_point(c, point);
  masked_point.insert(masked_point.end(), opened.begin(), opened.end());
  return evaluate_multilinear<E, F>(committed.table(poly), masked_point);
}

// ---------------------------------------------------------------------------------------------
// Prover

namespace {

// The block a claim point's weight eq(z, .) lives on: with z_0..z_{k-1} in {0, 1} (k maximal),
// eq(z, x) = [x_{<k} = z_{<k}] eq(z_{>=k}, x_{>=k}), nonzero only on the 2^{|z|-k} entries from
// offset bits(z_{<k}) 2^{|z|-k}.
struct ClaimBlock {
  size_t prefix = 0;
  size_t offset = 0;
};

ClaimBlock claim_block(std::span<const E> z) {
  ClaimBlock block;
  size_t bits = 0;
  while (block.prefix < z.size() && (z[block.prefix] == E::zero() || z[block.prefix] == E::one())) {
    bits = 2 * bits + (z[block.prefix] == E::one() ? 1 : 0);
    ++block.prefix;
  }
  block.offset = bits << (z.size() - block.prefix);
  return block;
}

PointSupport point_support(std::span<const E> z, uint32_t max_suffix) {
  const ClaimBlock block = claim_block(z);
  PointSupport out{block.offset, static_cast<uint32_t>(block.prefix), 0};
  size_t bits = 0;
  while (out.suffix < max_suffix && out.prefix + out.suffix < z.size()) {
    const E& x = z[z.size() - 1 - out.suffix];
    if (x != E::zero() && x != E::one()) break;
    bits |= size_t{x == E::one()} << out.suffix;
    ++out.suffix;
  }
  out.offset += bits;
  return out;
}

constexpr size_t kNoPoint = ~size_t{0};

// The claims on one polynomial as W_j = sum_t coefs[t] eq(points[t], .): its distinct claim
// points (its own m_j coordinates), with the claims' coefficients coef_c added at each.
struct ClaimWeight {
  std::vector<std::vector<E>> points;
  std::vector<E> coefs;
};

ClaimWeight merged_claims(const Statement& st, std::span<const size_t> claim_ids, const std::vector<E>& coef) {
  ClaimWeight out;
  std::vector<size_t> local(st.points.size(), kNoPoint);  // st.points index -> index in out.points
  for (size_t c : claim_ids) {
    size_t& at = local[st.claim_point[c]];
    if (at == kNoPoint) {
      at = out.points.size();
      out.points.push_back(st.claims[c].point);
      out.coefs.push_back(coef[c]);
    } else {
      out.coefs[at] += coef[c];
    }
  }
  return out;
}

// W_j as a table: each point's eq term is added on its support only (point_support: a block, or
// a strided set when its last coordinates are 0/1, as for a table committed with its variables
// reversed), so the cost is the sum over supports of 2^{m_j - prefix - suffix} instead of 2^{m_j}
// per claim.
std::vector<E> weight_table(size_t table_size, const ClaimWeight& claims) {
  const auto m = static_cast<uint32_t>(std::countr_zero(table_size));
  std::map<PointSupport, ClaimWeight> supports;
  for (size_t i = 0; i < claims.points.size(); ++i) {
    const std::span<const E> z(claims.points[i]);
    const PointSupport support = point_support(z, m);
    ClaimWeight& on_support = supports[support];
    on_support.points.emplace_back(z.begin() + static_cast<std::ptrdiff_t>(support.prefix),
                                   z.end() - static_cast<std::ptrdiff_t>(support.suffix));
    on_support.coefs.push_back(claims.coefs[i]);
  }
  std::vector<E> weight(table_size);
  for (const auto& [support, on_support] : supports) {
    const size_t size = size_t{1} << (m - support.prefix - support.suffix);
    if (support.suffix == 0) {
      add_eq_sum<E>(std::span<E>(weight).subspan(support.offset, size), on_support.points, on_support.coefs);
      continue;
    }
    std::vector<E> dense(size);
    add_eq_sum<E>(dense, on_support.points, on_support.coefs);
    E* strided = weight.data() + support.offset;
    const uint32_t suffix = support.suffix;  // (a structured binding is not captured by clang 14)
    parallel_for(size, kGrain, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) strided[i << suffix] += dense[i];
    });
  }
  return weight;
}

// Head variables bound on contractions (HeadContraction) before P_j and W_j are built:
// detail::dense_head_vars(m_j) for a polynomial claimed at a few points (its folded weight holds
// a table of 2^(m_j - H) per point) none of which has a 0/1 leading coordinate, 0 (tables from
// the start: each point's eq on its support only) otherwise.
uint32_t batching_head_vars(uint32_t m, const ClaimWeight& claims) {
  constexpr size_t kMaxHeadPoints = 16;
  if (claims.points.size() > kMaxHeadPoints) return 0;
  for (const auto& z : claims.points)
    if (claim_block(z).prefix > 0) return 0;
  return detail::dense_head_vars(m);
}

// The polynomial an opening runs on for a claimed polynomial, as base tables with coefficients:
// the committed table, or for a hiding commitment g = P^(alpha', .) = (1 - alpha') P^(0, .) +
// alpha' P^(1, .), the two halves of the masked table (docs/pcs.md, "Zero knowledge").
std::vector<EmbeddedTable> opened_pieces(const CommittedPolynomials& c, uint32_t poly, const E& mask_alpha) {
  const std::span<const F> table = c.table(poly);
  if (!c.commitment().hiding) return {{table, E::one()}};
  const size_t half = table.size() / 2;
  return {{table.first(half), E::one() - mask_alpha}, {table.subspan(half), mask_alpha}};
}

E evaluate_pieces(std::span<const EmbeddedTable> pieces, std::span<const E> point) {
  E sum;
  for (const EmbeddedTable& p : pieces) sum += p.coef * evaluate_multilinear<E, F>(p.table, point);
  return sum;
}

// product_round and fold_to of sum_p coef_p table_p.
SumcheckMessage pieces_round(std::span<const EmbeddedTable> pieces, std::span<const E> w) {
  if (pieces.size() == 1 && pieces[0].coef == E::one()) return product_round<F>(pieces[0].table, w);
  SumcheckMessage m{};
  for (const EmbeddedTable& p : pieces) {
    const SumcheckMessage part = product_round<F>(p.table, w);
    m.at0 += p.coef * part.at0;
    m.at1 += p.coef * part.at1;
    m.at2 += p.coef * part.at2;
  }
  return m;
}

std::vector<E> fold_pieces(std::span<const EmbeddedTable> pieces, const E& r) {
  std::vector<E> out = fold_to<E, F>(pieces[0].table, r);
  if (pieces.size() == 1 && pieces[0].coef == E::one()) return out;
  for (E& x : out) x *= pieces[0].coef;
  for (size_t i = 1; i < pieces.size(); ++i) add_scaled(out, fold_to<E, F>(pieces[i].table, r), pieces[i].coef);
  return out;
}

// A claimed polynomial's pieces (opened_pieces) at its distinct claim points (merged_claims'
// order), computed once per opening for the mask lines, the sum terms' values and the batching
// sum-check: per piece p and point t, C_pt[h] = sum_tail piece_p(h, tail) eq(z_t,tail, tail) over
// the first H = batching_head_vars variables (H = 0: the value piece_p(z_t)). Points sharing a
// support (point_support; no suffix is skipped into the head) are contracted in one pass, so a
// block or a strided point costs its support, not the table. `known` holds points whose
// contractions over detail::dense_head_vars(m) >= H variables are given per piece (the
// commitment's out-of-domain points): for H = 0 their value is sum_h eq(z_t,head, h) C_pt[h].
struct PointEvaluations {
  std::vector<std::vector<E>> points;
  uint32_t head_vars = 0;
  std::vector<std::vector<std::vector<E>>> contractions;  // [piece][point]

  // `natural`: the pieces with their variables in reverse order (CommittedPolynomials::
  // natural_table), read instead at the reversed points when no head is contracted: a block of the
  // caller's table is then contiguous rather than strided.
  PointEvaluations(std::span<const EmbeddedTable> pieces, std::vector<std::vector<E>> claim_points,
                   const std::map<size_t, std::vector<std::vector<E>>>& known,
                   std::span<const EmbeddedTable> natural = {})
      : points(std::move(claim_points)) {
    const auto m = static_cast<uint32_t>(std::countr_zero(pieces[0].table.size()));
    ClaimWeight claims{points, {}};
    head_vars = batching_head_vars(m, claims);
    contractions.assign(pieces.size(), std::vector<std::vector<E>>(points.size()));
    const bool reversed = head_vars == 0 && !natural.empty();
    std::vector<std::vector<E>> reversed_points;
    if (reversed)
      for (const auto& z : points) reversed_points.emplace_back(z.rbegin(), z.rend());
    const auto& read_points = reversed ? reversed_points : points;
    const auto read_pieces = reversed ? natural : pieces;
    std::map<PointSupport, std::vector<size_t>> groups;
    for (size_t t = 0; t < points.size(); ++t) {
      const auto it = known.find(t);
      if (it == known.end()) {
        groups[point_support(read_points[t], m - head_vars)].push_back(t);
        continue;
      }
      for (size_t p = 0; p < pieces.size(); ++p) contractions[p][t] = it->second[p];
      if (head_vars == 0) {
        const auto given_vars = static_cast<uint32_t>(std::countr_zero(it->second[0].size()));
        const std::vector<E> eq = eq_table<E>(std::span<const E>(points[t]).first(given_vars));
        for (size_t p = 0; p < pieces.size(); ++p) contractions[p][t] = {inner_product<E, E>(eq, it->second[p])};
      }
    }
    for (const auto& [support, members] : groups) {
      std::vector<std::span<const E>> cores;
      for (size_t t : members)
        cores.push_back(std::span<const E>(read_points[t]).subspan(support.prefix, m - support.prefix - support.suffix));
      for (size_t p = 0; p < pieces.size(); ++p) {
        auto c = strided_contractions(read_pieces[p].table, support, cores, head_vars);
        for (size_t i = 0; i < members.size(); ++i) contractions[p][members[i]] = std::move(c[i]);
      }
    }
  }

  // piece_p(z_t) = sum_h eq(z_t,head, h) C_pt[h].
  E value(size_t p, size_t t) const {
    if (head_vars == 0) return contractions[p][t][0];
    return inner_product<E, E>(eq_table<E>(std::span<const E>(points[t]).first(head_vars)), contractions[p][t]);
  }
};

// The claims on each claimed polynomial: claim ids, and per claim the index of its point among
// the polynomial's distinct points (merged_claims' order).
struct ClaimsOf {
  std::vector<std::vector<size_t>> ids, point_index;
};

ClaimsOf claims_of(const Statement& st) {
  ClaimsOf out;
  out.ids.resize(st.polys.size());
  out.point_index.resize(st.polys.size());
  // Per polynomial: st.points index -> index among its distinct points, and their count.
  std::vector<std::vector<size_t>> local(st.polys.size());
  std::vector<size_t> distinct(st.polys.size(), 0);
  for (size_t c = 0; c < st.claims.size(); ++c) {
    const size_t j = index_of(st.polys, st.claims[c].poly);
    out.ids[j].push_back(c);
    if (local[j].empty()) local[j].assign(st.points.size(), kNoPoint);
    size_t& at = local[j][st.claim_point[c]];
    if (at == kNoPoint) at = distinct[j]++;
    out.point_index[j].push_back(at);
  }
  return out;
}

// PointEvaluations of every claimed polynomial that needs them: a hiding one (mask lines), one
// with sum terms (their values), or one whose batching rounds start on contractions (their
// input); empty otherwise.
std::vector<std::optional<PointEvaluations>> evaluate_claims(const Statement& st, const ClaimsOf& of,
                                                             std::span<const CommittedPolynomials* const> committed) {
  std::vector<std::optional<PointEvaluations>> out(st.polys.size());
  for (size_t j = 0; j < st.polys.size(); ++j) {
    const CommittedPolynomials& com = *committed[st.polys[j].commitment];
    std::vector<std::vector<E>> points;
    // The OOD claims' contractions from the commitment, split into the pieces: a hiding table's
    // head is (y', opened head), so piece 0 (y' = 0) has the first half, piece 1 the second.
    std::map<size_t, std::vector<std::vector<E>>> known;
    for (size_t i = 0; i < of.ids[j].size(); ++i) {
      const size_t c = of.ids[j][i], t = of.point_index[j][i];
      if (t == points.size()) points.push_back(st.claims[c].point);
      if (c < st.first_ood_claim) continue;
      const std::span<const E> head = com.ood_contraction(st.polys[j].poly, (c - st.first_ood_claim) % kOodSamples);
      if (com.commitment().hiding) {
        known[t] = {{head.begin(), head.begin() + static_cast<std::ptrdiff_t>(head.size() / 2)},
                    {head.begin() + static_cast<std::ptrdiff_t>(head.size() / 2), head.end()}};
      } else {
        known[t] = {{head.begin(), head.end()}};
      }
    }
    const bool sum_terms = std::any_of(of.ids[j].begin(), of.ids[j].end(), [&](size_t c) { return st.is_sum_term(c); });
    const auto pieces = opened_pieces(com, st.polys[j].poly, E::zero());
    const auto m = static_cast<uint32_t>(std::countr_zero(pieces[0].table.size()));
    const bool batching_head = !st.grid && batching_head_vars(m, ClaimWeight{points, {}}) > 0;
    std::vector<EmbeddedTable> natural;
    if (const std::span<const F> t = com.natural_table(st.polys[j].poly); !t.empty())
      natural = {{t.first(t.size() / 2), E::one()}, {t.subspan(t.size() / 2), E::zero()}};
    if (com.commitment().hiding || sum_terms || batching_head) out[j].emplace(pieces, std::move(points), known, natural);
  }
  return out;
}

// The mask lines of a hiding statement: for each masked group g, sum over its terms c on hiding
// polynomials of coef_c (P^_j(1, u_c) - P^_j(0, u_c)), u_c the term's opened point (pieces 1 and 0
// of opened_pieces).
std::vector<E> mask_lines(const Statement& st, const ClaimsOf& of, const std::vector<std::optional<PointEvaluations>>& evals,
                          std::span<const CommittedPolynomials* const> committed) {
  std::vector<E> lines(st.masked_groups.size());
  for (size_t j = 0; j < st.polys.size(); ++j) {
    if (!committed[st.polys[j].commitment]->commitment().hiding) continue;
    for (size_t i = 0; i < of.ids[j].size(); ++i) {
      const size_t c = of.ids[j][i], t = of.point_index[j][i];
      const size_t g = static_cast<size_t>(
          std::lower_bound(st.masked_groups.begin(), st.masked_groups.end(), st.claim_group[c]) - st.masked_groups.begin());
      lines[g] += st.claim_coef[c] * (evals[j]->value(1, t) - evals[j]->value(0, t));
    }
  }
  return lines;
}

// The batching weight of each claim term: beta of its group times its coefficient in the group.
std::vector<E> batching_coefficients(const Statement& st, const std::vector<E>& beta) {
  std::vector<E> out(st.claims.size());
  for (size_t c = 0; c < out.size(); ++c) out[c] = beta[st.claim_group[c]] * st.claim_coef[c];
  return out;
}

// Batching sum-check (prover) over sum_x sum_j P'_j(x) W_j(x), W_j = sum_{c on j} coef_c eq(z_c, .)
// (coef from batching_coefficients; values[c] = P_j(z_c), known to the prover also for the terms
// of sum claims): returns r; fills the proof's batching messages and P_j(r). While k < s_j the
// term's padded points are 0 at x_k, so it is prefactor * claimed_sum * (1 - x_k) (at 0, 1, 2:
// s, 0, -s) and the prefactor gains (1 - r_k). Then its first H_j rounds run on contractions
// (batching_head_vars), and the rest on its own tables, the base table read directly when H_j = 0
// (fold_to).
std::vector<E> prove_batching(const Statement& st, const std::vector<E>& coef, const std::vector<E>& values,
                              std::span<const CommittedPolynomials* const> committed, const E& mask_alpha,
                              const ClaimsOf& of, const std::vector<std::optional<PointEvaluations>>& evals,
                              Transcript& t, OpeningProof& proof) {
  const uint32_t n = st.num_vars;
  struct Term {
    uint32_t shift;             // leading variables P'_j does not depend on
    std::vector<EmbeddedTable> base;  // P_j (opened_pieces)
    std::optional<HeadContraction> head;  // while its head variables are being bound
    std::vector<E> head_challenges;
    std::vector<E> table;       // P_j with its leading variables bound (empty before)
    std::vector<E> weight;
    E claimed_sum, prefactor = E::one();
  };
  std::vector<Term> terms(st.polys.size());
  for (size_t c = 0; c < st.claims.size(); ++c) terms[index_of(st.polys, st.claims[c].poly)].claimed_sum += coef[c] * values[c];
  for (size_t j = 0; j < st.polys.size(); ++j) {
    Term& term = terms[j];
    term.base = opened_pieces(*committed[st.polys[j].commitment], st.polys[j].poly, mask_alpha);
    const size_t size = term.base[0].table.size();
    const auto m = static_cast<uint32_t>(std::countr_zero(size));
    term.shift = n - m;
    const ClaimWeight claims = merged_claims(st, of.ids[j], coef);
    const uint32_t head_vars = batching_head_vars(m, claims);
    if (head_vars > 0 && evals[j]) {
      // The contractions of g = sum_p coef_p piece_p at its points, from the pieces' own.
      const auto& pieces = evals[j]->contractions;
      std::vector<std::vector<E>> given(claims.points.size(), std::vector<E>(size_t{1} << head_vars));
      for (size_t p = 0; p < pieces.size(); ++p)
        for (size_t i = 0; i < given.size(); ++i)
          for (size_t h = 0; h < given[i].size(); ++h) given[i][h] += term.base[p].coef * pieces[p][i][h];
      term.head.emplace(m, head_vars, claims.points, claims.coefs, std::move(given));
    } else if (head_vars > 0) {
      term.head.emplace(m, head_vars, term.base, claims.points, claims.coefs);
    } else {
      term.weight = weight_table(size, claims);
    }
  }
  std::vector<E> r;
  for (uint32_t k = 0; k < n; ++k) {
    SumcheckMessage msg{};
    for (const Term& term : terms) {
      if (k < term.shift) {
        const E s = term.prefactor * term.claimed_sum;
        msg.at0 += s;
        msg.at2 -= s;
      } else {
        const SumcheckMessage m = term.head            ? term.head->round()
                                  : term.table.empty() ? pieces_round(term.base, term.weight)
                                                       : product_round<E>(term.table, term.weight);
        msg.at0 += term.prefactor * m.at0;
        msg.at1 += term.prefactor * m.at1;
        msg.at2 += term.prefactor * m.at2;
      }
    }
    proof.batching_sumcheck.push_back(msg);
    absorb_message(t, msg);
    const E rk = t.challenge<E>("pcs/batch round");
    r.push_back(rk);
    for (Term& term : terms) {
      if (k < term.shift) {
        term.prefactor *= E::one() - rk;
      } else if (term.head) {
        HeadContraction& head = *term.head;
        head.bind(rk);
        term.head_challenges.push_back(rk);
        if (term.head_challenges.size() == head.head_vars) {
          term.table = head.fold(term.base, term.head_challenges);
          term.weight = head.folded_weight();
          term.head.reset();
        }
      } else {
        if (term.table.empty()) {
          term.table = fold_pieces(term.base, rk);
        } else {
          fold_in_place(term.table, rk);
        }
        fold_in_place(term.weight, rk);
      }
    }
  }
  for (const Term& term : terms)
    proof.batched_values.push_back(term.table.empty() ? evaluate_pieces(term.base, {}) : term.table[0]);
  t.absorb_all<E>("pcs/batched values", proof.batched_values);
  return r;
}

}  // namespace

Result<OpeningProof> open(const Params& params, std::span<const CommittedPolynomials* const> committed,
                          std::span<const EvalClaim> claims, Transcript& transcript) {
  return detail::open_tampered(params, committed, claims, {}, transcript, detail::MessageTamper{});
}

Result<OpeningProof> open(const Params& params, std::span<const CommittedPolynomials* const> committed,
                          std::span<const EvalClaim> claims, std::span<const SumClaim> sum_claims,
                          Transcript& transcript) {
  return detail::open_tampered(params, committed, claims, sum_claims, transcript, detail::MessageTamper{});
}

Result<OpeningProof> detail::open_tampered(const Params& params, std::span<const CommittedPolynomials* const> committed,
                                           std::span<const EvalClaim> claims, std::span<const SumClaim> sum_claims,
                                           Transcript& transcript, const MessageTamper& tamper) {
  std::vector<Commitment> commitments;
  for (const auto* c : committed) commitments.push_back(c->commitment());
  auto analyzed = detail::analyze(params, commitments, claims, sum_claims);
  if (!analyzed) return fail(analyzed.error());
  Statement& st = *analyzed;
  absorb_statement(transcript, params, commitments, claims, sum_claims);

  OpeningProof proof;
  // Hiding commitments: the mask variable y' of each P^ is bound to alpha' before anything else
  // is sent; from here on the claims are on g = P^(alpha', .) (docs/pcs.md, "Zero knowledge").
  E mask_alpha;
  // Every claimed polynomial's values at its claim points that the prover needs (mask lines,
  // sum terms), one pass per polynomial and support.
  const ClaimsOf of = claims_of(st);
  const std::vector<std::optional<PointEvaluations>> evals = evaluate_claims(st, of, committed);
  if (st.hiding) {
    proof.mask_lines = mask_lines(st, of, evals, committed);
    if (tamper.mask_lines) tamper.mask_lines(proof.mask_lines);
    mask_alpha = mask_fold(transcript, proof.mask_lines);
    if (st.mask_fold_pow_bits > 0) proof.mask_fold_pow_nonce = grind(pow_seed(transcript), st.mask_fold_pow_bits);
    transcript.absorb_u64("pcs/mask fold pow nonce", proof.mask_fold_pow_nonce);
    ZK_TRY(detail::fold_mask_claims(st, proof.mask_lines, mask_alpha));
  }
  const uint32_t n = st.num_vars;
  std::vector<E> mu;
  std::vector<std::vector<E>> weight_points;  // round-0 weight: sum_t weight_coefs[t] eq(weight_points[t], .)
  std::vector<E> weight_coefs;
  E sigma;
  if (st.grid) {
    mu = combination(transcript, "pcs/combine polys", st.polys.size());
    weight_coefs = combination(transcript, "pcs/combine points", st.points.size());
    for (size_t t = 0; t < st.points.size(); ++t)
      for (size_t j = 0; j < mu.size(); ++j) sigma += weight_coefs[t] * mu[j] * st.grid_values[j * st.points.size() + t];
    weight_points = st.points;
  } else {
    // The terms' values (a sum claim's terms have none in the statement).
    std::vector<E> values(st.claims.size());
    for (size_t j = 0; j < st.polys.size(); ++j) {
      const auto pieces = opened_pieces(*committed[st.polys[j].commitment], st.polys[j].poly, mask_alpha);
      for (size_t i = 0; i < of.ids[j].size(); ++i) {
        const size_t c = of.ids[j][i];
        if (!st.is_sum_term(c)) {
          values[c] = st.claims[c].value;
          continue;
        }
        for (size_t p = 0; p < pieces.size(); ++p) values[c] += pieces[p].coef * evals[j]->value(p, of.point_index[j][i]);
      }
    }
    const auto beta = combination(transcript, "pcs/batch points", st.group_value.size());
    weight_points.push_back(
        prove_batching(st, batching_coefficients(st, beta), values, committed, mask_alpha, of, evals, transcript, proof));
    weight_coefs.push_back(E::one());
    mu = combination(transcript, "pcs/combine polys", st.polys.size());
    for (size_t j = 0; j < mu.size(); ++j) sigma += mu[j] * proof.batched_values[j];
  }

  // f = sum_j mu_j P'_j, kept as its terms until the first fold.
  std::vector<EmbeddedTable> f_terms;
  for (size_t j = 0; j < st.polys.size(); ++j)
    for (const EmbeddedTable& piece : opened_pieces(*committed[st.polys[j].commitment], st.polys[j].poly, mask_alpha))
      f_terms.push_back({piece.table, mu[j] * piece.coef});
  std::vector<E> f;
  std::vector<E> w;

  ExtOracle previous;
  for (size_t i = 0; i < st.rounds.size(); ++i) {
    const RoundShape& shape = st.rounds[i];
    RoundProof rp;
    std::vector<E> alpha;
    auto sumcheck_round = [&](const SumcheckMessage& msg) {
      rp.sumcheck.push_back(msg);
      absorb_message(transcript, msg);
      const E a = transcript.challenge<E>("pcs/fold");
      alpha.push_back(a);
      sigma = interpolate(msg, a);
      return a;
    };
    if (i == 0) {
      HeadContraction head(n, kFoldingVars, f_terms, weight_points, weight_coefs);
      for (uint32_t b = 0; b < kFoldingVars; ++b) head.bind(sumcheck_round(head.round()));
      f = head.fold(f_terms, alpha);
      w = head.folded_weight();
    } else {
      for (uint32_t b = 0; b < kFoldingVars; ++b) {
        const E a = sumcheck_round(product_round<E>(f, w));
        fold_in_place(f, a);
        fold_in_place(w, a);
      }
    }
    if (shape.fold_pow_bits > 0) rp.fold_pow_nonce = grind(pow_seed(transcript), shape.fold_pow_bits);
    transcript.absorb_u64("pcs/fold pow nonce", rp.fold_pow_nonce);
    ExtOracle next;
    std::vector<std::vector<E>> ood_eq;
    if (!shape.last) {
      next = commit_ext(f, st.rounds[i + 1].log_domain);
      rp.next_root = next.tree.root();
      if (tamper.next_root) tamper.next_root(i, rp.next_root);
      transcript.absorb_digest("pcs/root", rp.next_root);
      // g^(z) = <eq(pow(z), .), g>; the eq tables join the weight below.
      for (const E& z : transcript.challenges<E>("pcs/ood", kOodSamples)) {
        ood_eq.push_back(eq_table<E>(power_point(z, shape.num_vars - kFoldingVars)));
        rp.ood_answers.push_back(inner_product<E, E>(ood_eq.back(), f));
      }
      if (tamper.ood_answers) tamper.ood_answers(i, rp.ood_answers);
      transcript.absorb_all<E>("pcs/ood answers", rp.ood_answers);
    } else {
      proof.final_table = f;
      if (tamper.final_table) tamper.final_table(proof.final_table);
      transcript.absorb_all<E>("pcs/final", proof.final_table);
    }
    // The nonce is absorbed even without grinding (then it is 0), so that no proof byte is inert.
    if (params.pow_bits > 0) rp.pow_nonce = grind(pow_seed(transcript), params.pow_bits);
    transcript.absorb_u64("pcs/pow nonce", rp.pow_nonce);
    const std::vector<uint64_t> queries = draw_queries(transcript, shape);
    if (i == 0) {
      for (uint32_t c : st.opened) {
        const CommittedPolynomials& com = *committed[c];
        const auto leaves = small_leaves(queries, uint64_t{1} << com.tree().depth());
        // Loaded prover data is not hashed in full (docs/zkml.md, "Keys"): the opened leaves are.
        if (auto checked = com.check_leaves(leaves); !checked)
          return fail("pcs open: commitment " + std::to_string(c) + ": " + checked.error());
        LeafOpenings<F> o;
        const size_t width = detail::leaf_size(com.commitment());
        o.values.resize(leaves.size() * width);
        for (size_t l = 0; l < leaves.size(); ++l) com.leaf(leaves[l], o.values.data() + l * width);
        o.nodes = com.tree().prove(as_sizes(leaves), [&](size_t q, uint64_t* words) { com.leaf_words(q, words); });
        rp.base_openings.push_back(std::move(o));
      }
    } else {
      for (uint64_t q : queries) {
        const auto leaf = previous.leaf(q);
        rp.openings.values.insert(rp.openings.values.end(), leaf.begin(), leaf.end());
      }
      rp.openings.nodes =
          previous.tree.prove(as_sizes(queries), [&](size_t q, uint64_t* words) { previous.leaf_words(q, words); });
    }
    if (!shape.last) {
      const E gamma = transcript.challenge<E>("pcs/combine");
      const uint32_t next_vars = shape.num_vars - kFoldingVars;
      E coef = E::one();
      for (size_t s = 0; s < kOodSamples; ++s) {
        coef *= gamma;
        add_scaled(w, ood_eq[s], coef);
        sigma += coef * rp.ood_answers[s];
      }
      std::vector<std::vector<F>> points;
      std::vector<E> coefs;
      // L_i^16 inside L_{i+1}: w_{|L_i|/16}^q = w_{|L_{i+1}|}^{q << step}.
      const uint32_t step = st.rounds[i + 1].log_domain + kFoldingVars - shape.log_domain;
      for (uint64_t q : queries) {
        coef *= gamma;
        points.push_back(power_point(domain_point(shape.log_domain - kFoldingVars, q), next_vars));
        coefs.push_back(coef);
        sigma += coef * next.codeword.data()[q << step];
      }
      add_eq_sum<F>(w, points, coefs);
      previous = std::move(next);
    }
    proof.rounds.push_back(std::move(rp));
  }
  for (uint32_t b = 0; b < st.final_vars; ++b) {
    const SumcheckMessage msg = product_round<E>(f, w);
    proof.final_sumcheck.push_back(msg);
    absorb_message(transcript, msg);
    const E a = transcript.challenge<E>("pcs/final round");
    fold_in_place(f, a);
    fold_in_place(w, a);
  }
  return proof;
}

// ---------------------------------------------------------------------------------------------
// Verifier

namespace {

struct Constraint {
  std::vector<E> point;
  E coef;
  size_t offset;  // the point's coordinates pair with challenges offset, offset + 1, ...
};

Status check_shape(const Statement& st, std::span<const Commitment> commitments, const OpeningProof& proof) {
  if (st.grid) {
    if (!proof.batching_sumcheck.empty() || !proof.batched_values.empty())
      return fail("pcs: proof shape: unexpected batching messages");
  } else if (proof.batching_sumcheck.size() != st.num_vars || proof.batched_values.size() != st.polys.size()) {
    return fail("pcs: proof shape: batching messages");
  }
  if (proof.rounds.size() != st.rounds.size()) return fail("pcs: proof shape: round count");
  for (size_t i = 0; i < st.rounds.size(); ++i) {
    const RoundProof& rp = proof.rounds[i];
    if (rp.sumcheck.size() != kFoldingVars) return fail("pcs: proof shape: sum-check messages");
    if (rp.ood_answers.size() != (st.rounds[i].last ? 0 : kOodSamples)) return fail("pcs: proof shape: OOD answers");
    if (i == 0 ? rp.base_openings.size() != st.opened.size() : !rp.base_openings.empty())
      return fail("pcs: proof shape: commitment openings");
    for (size_t c = 0; c < rp.base_openings.size(); ++c)
      if (rp.base_openings[c].values.size() % detail::leaf_size(commitments[st.opened[c]]) != 0)
        return fail("pcs: proof shape: leaf width");
    if (rp.openings.values.size() % kLeafWidth != 0) return fail("pcs: proof shape: leaf width");
  }
  if (proof.final_table.size() != (size_t{1} << st.final_vars) || proof.final_sumcheck.size() != st.final_vars)
    return fail("pcs: proof shape: final polynomial");
  if (proof.mask_lines.size() != st.masked_groups.size()) return fail("pcs: proof shape: mask lines");
  return {};
}

}  // namespace

Status verify(const Params& params, std::span<const Commitment> commitments, std::span<const EvalClaim> claims,
              const OpeningProof& proof, Transcript& transcript) {
  return verify(params, commitments, claims, {}, proof, transcript);
}

Status verify(const Params& params, std::span<const Commitment> commitments, std::span<const EvalClaim> claims,
              std::span<const SumClaim> sum_claims, const OpeningProof& proof, Transcript& transcript) {
  auto analyzed = detail::analyze(params, commitments, claims, sum_claims);
  if (!analyzed) return fail(analyzed.error());
  Statement& st = *analyzed;
  ZK_TRY(check_shape(st, commitments, proof));
  absorb_statement(transcript, params, commitments, claims, sum_claims);
  E mask_alpha;
  if (st.hiding) {
    mask_alpha = mask_fold(transcript, proof.mask_lines);
    if (st.mask_fold_pow_bits > 0 && !pow_valid(pow_seed(transcript), st.mask_fold_pow_bits, proof.mask_fold_pow_nonce))
      return fail("pcs: mask folding proof of work invalid");
    transcript.absorb_u64("pcs/mask fold pow nonce", proof.mask_fold_pow_nonce);
    ZK_TRY(detail::fold_mask_claims(st, proof.mask_lines, mask_alpha));
  }
  const uint32_t n = st.num_vars;

  auto sumcheck_step = [&](const SumcheckMessage& msg, E& sigma, std::string_view label, E& challenge) -> Status {
    if (msg.at0 + msg.at1 != sigma) return fail("pcs: sum-check round inconsistent with the claim");
    absorb_message(transcript, msg);
    challenge = transcript.challenge<E>(label);
    sigma = interpolate(msg, challenge);
    return {};
  };

  std::vector<E> mu;
  std::vector<Constraint> constraints;
  E sigma;
  if (st.grid) {
    mu = combination(transcript, "pcs/combine polys", st.polys.size());
    const auto beta = combination(transcript, "pcs/combine points", st.points.size());
    for (size_t t = 0; t < st.points.size(); ++t) {
      for (size_t j = 0; j < mu.size(); ++j) sigma += beta[t] * mu[j] * st.grid_values[j * st.points.size() + t];
      constraints.push_back({st.points[t], beta[t], 0});
    }
  } else {
    const auto& all = st.claims;
    const auto beta = combination(transcript, "pcs/batch points", st.group_value.size());
    const std::vector<E> coef = batching_coefficients(st, beta);
    E claimed;
    for (size_t g = 0; g < st.group_value.size(); ++g) claimed += beta[g] * st.group_value[g];
    std::vector<E> r(n);
    for (uint32_t k = 0; k < n; ++k)
      ZK_TRY(sumcheck_step(proof.batching_sumcheck[k], claimed, "pcs/batch round", r[k]));
    transcript.absorb_all<E>("pcs/batched values", proof.batched_values);
    E expected;
    for (size_t c = 0; c < all.size(); ++c) {
      const size_t shift = n - all[c].point.size();
      E factor = coef[c] * eq_eval<E>(all[c].point, std::span<const E>(r).subspan(shift));
      for (size_t k = 0; k < shift; ++k) factor *= E::one() - r[k];
      expected += factor * proof.batched_values[index_of(st.polys, all[c].poly)];
    }
    if (expected != claimed) return fail("pcs: batching sum-check final check failed");
    mu = combination(transcript, "pcs/combine polys", st.polys.size());
    for (size_t j = 0; j < mu.size(); ++j) sigma += mu[j] * proof.batched_values[j];
    constraints.push_back({std::move(r), E::one(), 0});
  }

  std::vector<E> alpha_all;
  Digest previous_root{};
  for (size_t i = 0; i < st.rounds.size(); ++i) {
    const RoundShape& shape = st.rounds[i];
    const RoundProof& rp = proof.rounds[i];
    std::vector<E> alpha(kFoldingVars);
    for (uint32_t b = 0; b < kFoldingVars; ++b) ZK_TRY(sumcheck_step(rp.sumcheck[b], sigma, "pcs/fold", alpha[b]));
    alpha_all.insert(alpha_all.end(), alpha.begin(), alpha.end());
    if (shape.fold_pow_bits > 0 && !pow_valid(pow_seed(transcript), shape.fold_pow_bits, rp.fold_pow_nonce))
      return fail("pcs: folding proof of work invalid");
    transcript.absorb_u64("pcs/fold pow nonce", rp.fold_pow_nonce);
    std::vector<E> ood_points_round;
    if (!shape.last) {
      transcript.absorb_digest("pcs/root", rp.next_root);
      ood_points_round = transcript.challenges<E>("pcs/ood", kOodSamples);
      transcript.absorb_all<E>("pcs/ood answers", rp.ood_answers);
    } else {
      transcript.absorb_all<E>("pcs/final", proof.final_table);
    }
    if (params.pow_bits > 0 && !pow_valid(pow_seed(transcript), params.pow_bits, rp.pow_nonce))
      return fail("pcs: proof of work invalid");
    transcript.absorb_u64("pcs/pow nonce", rp.pow_nonce);
    const std::vector<uint64_t> queries = draw_queries(transcript, shape);

    // The 16 values of f_i on each queried coset, authenticated.
    std::vector<E> coset_values(queries.size() * kLeafWidth);
    if (i == 0) {
      for (size_t c = 0; c < st.opened.size(); ++c) {
        const Commitment& com = commitments[st.opened[c]];
        const size_t depth = detail::opened_vars(com) + com.rate_bits - kFoldingVars;
        const auto leaves = small_leaves(queries, uint64_t{1} << depth);
        const size_t width = detail::leaf_size(com);
        const auto& opening = rp.base_openings[c];
        if (opening.values.size() != leaves.size() * width) return fail("pcs: wrong number of opened leaves");
        std::vector<Digest> hashes;
        for (size_t l = 0; l < leaves.size(); ++l)
          hashes.push_back(hash_base_leaf(std::span<const F>(opening.values).subspan(l * width, width)));
        if (auto s = verify_multiproof(com.root, depth, as_sizes(leaves), hashes, opening.nodes); !s)
          return fail("pcs: round 0: " + s.error());
        for (size_t q = 0; q < queries.size(); ++q) {
          const EmbeddedLeaf where = embedded_leaf(queries[q], n, com.rate_bits, detail::opened_vars(com));
          const size_t l = static_cast<size_t>(std::lower_bound(leaves.begin(), leaves.end(), where.leaf) - leaves.begin());
          for (uint32_t j = 0; j < com.num_polys; ++j) {
            const size_t poly = index_of(st.polys, PolyRef{st.opened[c], j});
            if (poly == st.polys.size() || st.polys[poly] != PolyRef{st.opened[c], j}) continue;
            std::array<E, kLeafWidth> coset;
            if (com.hiding) {
              coset = masked_coset(std::span<const F>(opening.values).subspan(l * width + j * 2 * kLeafWidth, 2 * kLeafWidth),
                                   domain_point(static_cast<uint32_t>(depth) + 5, where.leaf), mask_alpha);
            } else {
              const F* values = opening.values.data() + l * width + j * kLeafWidth;
              for (size_t k = 0; k < kLeafWidth; ++k) coset[k] = E(values[k]);
            }
            for (size_t k = 0; k < kLeafWidth; ++k) coset_values[q * kLeafWidth + k] += mu[poly] * coset[where.entry(k)];
          }
        }
      }
    } else {
      if (rp.openings.values.size() != queries.size() * kLeafWidth) return fail("pcs: wrong number of opened leaves");
      std::vector<Digest> hashes;
      for (size_t q = 0; q < queries.size(); ++q)
        hashes.push_back(hash_ext_leaf(std::span<const E>(rp.openings.values).subspan(q * kLeafWidth, kLeafWidth)));
      if (auto s = verify_multiproof(previous_root, shape.log_domain - kFoldingVars, as_sizes(queries), hashes,
                                     rp.openings.nodes);
          !s)
        return fail("pcs: round " + std::to_string(i) + ": " + s.error());
      coset_values = rp.openings.values;
    }
    std::vector<E> folds(queries.size());
    for (size_t q = 0; q < queries.size(); ++q)
      folds[q] = fold_coset<E>(std::span<const E>(coset_values).subspan(q * kLeafWidth, kLeafWidth),
                               domain_point(shape.log_domain, queries[q]), alpha);

    const uint32_t next_vars = shape.num_vars - kFoldingVars;
    if (!shape.last) {
      const E gamma = transcript.challenge<E>("pcs/combine");
      E coef = E::one();
      for (size_t s = 0; s < kOodSamples; ++s) {
        coef *= gamma;
        constraints.push_back({power_point(ood_points_round[s], next_vars), coef, alpha_all.size()});
        sigma += coef * rp.ood_answers[s];
      }
      for (size_t q = 0; q < queries.size(); ++q) {
        coef *= gamma;
        const F y = domain_point(shape.log_domain - kFoldingVars, queries[q]);
        const auto p = power_point(y, next_vars);
        constraints.push_back({std::vector<E>(p.begin(), p.end()), coef, alpha_all.size()});
        sigma += coef * folds[q];
      }
      previous_root = rp.next_root;
    } else {
      for (size_t q = 0; q < queries.size(); ++q) {
        const E y = E(domain_point(shape.log_domain - kFoldingVars, queries[q]));
        if (evaluate_multilinear<E, E>(proof.final_table, power_point(y, next_vars)) != folds[q])
          return fail("pcs: final polynomial disagrees with a queried fold");
      }
    }
  }
  std::vector<E> beta(st.final_vars);
  for (uint32_t b = 0; b < st.final_vars; ++b) ZK_TRY(sumcheck_step(proof.final_sumcheck[b], sigma, "pcs/final round", beta[b]));
  alpha_all.insert(alpha_all.end(), beta.begin(), beta.end());
  E weight;
  for (const Constraint& c : constraints)
    weight += c.coef * eq_eval<E>(c.point, std::span<const E>(alpha_all).subspan(c.offset));
  if (evaluate_multilinear<E, E>(proof.final_table, beta) * weight != sigma)
    return fail("pcs: final evaluation check failed");
  return {};
}

Status verify_bytes(const Params& params, std::span<const Commitment> commitments, std::span<const EvalClaim> claims,
                    std::span<const uint8_t> bytes, Transcript& transcript) {
  return verify_bytes(params, commitments, claims, {}, bytes, transcript);
}

Status verify_bytes(const Params& params, std::span<const Commitment> commitments, std::span<const EvalClaim> claims,
                    std::span<const SumClaim> sum_claims, std::span<const uint8_t> bytes, Transcript& transcript) {
  auto proof = OpeningProof::deserialize(bytes, params, commitments, claims, sum_claims);
  if (!proof) return fail(proof.error());
  return verify(params, commitments, claims, sum_claims, *proof, transcript);
}

}  // namespace zk::pcs
