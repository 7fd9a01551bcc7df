// Radix-2 number-theoretic transforms over Goldilocks, and the multilinear <-> monomial change of
// basis, both as in-place butterfly networks.
//
// NTT: for a of length N = 2^L holding coefficients in bit-reversed order (a[brev_L(e)] = c_e),
// ntt_bitrev_to_natural(a) leaves out[i] = sum_e c_e w^{i e}, w = root_of_unity(L), in natural
// order (decimation in time; Cooley-Tukey, see e.g. Cormen et al., "Introduction to Algorithms",
// 3rd ed., section 30.3). Stage with half-size h maps (u, v) -> (u + t v, u - t v), t = w_{2h}^j.
// Skipping the first s stages is valid when every aligned block of 2^s entries is constant
// (a coefficient replicated): the size-2^s DFT of (c, 0, ..., 0) is (c, ..., c).
//
// Moebius transform: table t of a multilinear P (evaluations on {0,1}^n) -> coefficients m with
// P(x) = sum_S m_S prod_{k in S} x_k, by m[i] -= m[i - 2^b] for every bit b set in i.
//
// Both run as log N butterfly stages, scheduled for the cache (see run_stages): depth first on
// independent sub-arrays, then streaming radix-4 passes, all memory accesses sequential.
// Twiddles live in one shared table tw[h + j] = w_{2h}^j (1 <= h, j < h) for 2h <= 2^20 (8 MiB,
// independent of N); larger stages multiply two precomputed values (class Twiddles).
#pragma once

#include <algorithm>
#include <cstdint>
#include <bit>
#include <cstddef>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "base/parallel.hpp"
#include "field/field.hpp"
#include "field/goldilocks_avx2.hpp"
#include "pcs/ntt_avx512.hpp"

namespace zk {

// The shared twiddle table covering transforms of size up to 2^log_n (grown on demand; callers
// keep the returned pointer alive for the duration of a transform).
inline std::shared_ptr<const std::vector<F>> ntt_twiddles(size_t log_n) {
  static std::mutex mutex;
  static std::shared_ptr<const std::vector<F>> table =
      std::make_shared<std::vector<F>>(std::vector<F>{F::zero(), F::one()});
  std::lock_guard<std::mutex> lock(mutex);
  const size_t n = size_t{1} << log_n;
  if (table->size() >= n) return table;
  auto grown = std::make_shared<std::vector<F>>(n);
  std::copy(table->begin(), table->end(), grown->begin());
  // The top level by running products, eight independent ones per chunk (w^(j + k), k < 8, each
  // times w^8) so that the multiplications overlap; each lower new level from the one above it:
  // w_{2h}^j = w_{4h}^{2j}, i.e. tw[h + j] = tw[2h + 2j].
  const size_t top = n / 2;
  const F w = F::root_of_unity(std::countr_zero(n));
  F* out = grown->data() + top;
  parallel_for(top, 1 << 12, [&](size_t begin, size_t end) {
    constexpr size_t kChains = 8;
    F cur[kChains];
    cur[0] = w.pow(begin);
    for (size_t k = 1; k < kChains; ++k) cur[k] = cur[k - 1] * w;
    const F step = w.pow(kChains);
    size_t j = begin;
    for (; j + kChains <= end; j += kChains)
      for (size_t k = 0; k < kChains; ++k) {
        out[j + k] = cur[k];
        cur[k] *= step;
      }
    for (size_t k = 0; j < end; ++j, ++k) out[j] = cur[k];
  });
  for (size_t h = top / 2; h >= table->size(); h /= 2) {
    F* level = grown->data() + h;
    const F* above = grown->data() + 2 * h;
    parallel_for(h, 1 << 14, [&](size_t begin, size_t end) {
      for (size_t j = begin; j < end; ++j) level[j] = above[2 * j];
    });
  }
  table = std::move(grown);
  return table;
}

namespace ntt_detail {

// Sub-arrays of 2^kBaseLog entries (32 KiB of F) run all their stages in L1/L2.
constexpr size_t kBaseLog = 12;
// Independent sub-arrays handed to threads: at most 2^kSplitLog of them.
constexpr size_t kSplitLog = 6;

// An op that also takes runs of consecutive butterflies: op.run(lo, hi, h, j0, count) does
// op(lo[i], hi[i], h, j0 + i) for every i < count (a vectorized kernel).
template <class Op, class T>
concept RunOp = requires(const Op& op, T* p, size_t n) { op.run(p, p, n, n, n); };

template <class T, class Op>
void butterfly_run(const Op& op, T* lo, T* hi, size_t h, size_t j0, size_t count) {
  if constexpr (RunOp<Op, T>) {
    op.run(lo, hi, h, j0, count);
  } else {
    for (size_t i = 0; i < count; ++i) op(lo[i], hi[i], h, j0 + i);
  }
}

// One stage with half-size h over a[0, 2h * blocks): op(lo, hi, h, j).
template <class T, class Op>
void stage(T* a, size_t size, size_t h, const Op& op) {
  for (size_t start = 0; start < size; start += 2 * h) butterfly_run(op, a + start, a + start + h, h, 0, h);
}

// Depth first: both halves completely, then the stage joining them, so that every stage of a
// sub-array that fits in cache runs while it is there.
template <class T, class Op>
void depth_first(T* a, size_t log_size, size_t first_log_h, const Op& op) {
  const size_t size = size_t{1} << log_size;
  if (log_size <= kBaseLog) {
    for (size_t h = size_t{1} << first_log_h; h < size; h *= 2) stage(a, size, h, op);
    return;
  }
  depth_first(a, log_size - 1, first_log_h, op);
  depth_first(a + size / 2, log_size - 1, first_log_h, op);
  if (log_size - 1 >= first_log_h) stage(a, size, size / 2, op);
}

// Runs every butterfly stage with half-size h in [2^first_log_h, N/2] over a, in stage order;
// op(lo, hi, h, j) handles the pair (a[i], a[i + h]) with j = i mod h. The lower stages run
// depth first on up to 64 independent sub-arrays in parallel; the top ones as streaming passes
// over the whole array, two stages per pass (radix 4), split over threads by position.
template <class T, class Op>
void run_stages(std::span<T> a, size_t first_log_h, const Op& op) {
  const size_t n = a.size();
  if (n <= 1) return;
  if (!std::has_single_bit(n)) throw std::invalid_argument("butterfly network: size is not a power of two");
  const size_t log_n = static_cast<size_t>(std::countr_zero(n));
  const size_t split_log = log_n > kBaseLog ? std::min(kSplitLog, log_n - kBaseLog) : 0;
  const size_t log_sub = log_n - split_log;
  parallel_for(size_t{1} << split_log, 1, [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; ++b) depth_first(a.data() + (b << log_sub), log_sub, first_log_h, op);
  });
  size_t s = std::max(log_sub, first_log_h);
  while (s < log_n) {
    const size_t h = size_t{1} << s;
    if (s + 1 < log_n) {
      // Stages h and 2h on each quadruple (j, j + h, j + 2h, j + 3h) of a block of 4h.
      // Runs of consecutive t share a block (j = t mod h consecutive): each op over the run.
      parallel_for(n / 4, 1 << 12, [&](size_t begin, size_t end) {
        for (size_t t = begin; t < end;) {
          const size_t j = t & (h - 1), count = std::min(end - t, h - j);
          T* x = a.data() + ((t - j) << 2) + j;
          butterfly_run(op, x, x + h, h, j, count);
          butterfly_run(op, x + 2 * h, x + 3 * h, h, j, count);
          butterfly_run(op, x, x + 2 * h, 2 * h, j, count);
          butterfly_run(op, x + h, x + 3 * h, 2 * h, j + h, count);
          t += count;
        }
      });
      s += 2;
    } else {
      parallel_for(n / 2, 1 << 12, [&](size_t begin, size_t end) {
        for (size_t t = begin; t < end;) {
          const size_t j = t & (h - 1), count = std::min(end - t, h - j);
          T* x = a.data() + ((t - j) << 1) + j;
          butterfly_run(op, x, x + h, h, j, count);
          t += count;
        }
      });
      s += 1;
    }
  }
}

}  // namespace ntt_detail

// Twiddles of a transform: w_{2h}^j from the shared table while 2h <= 2^kTwiddleTableLog, and
// for larger stages (h = 2^s, t = s + 1 - kTwiddleTableLog) as the product
//   w_{2h}^j = w_{2^kTwiddleTableLog}^{j >> t} * w_{2h}^{j mod 2^t}
// of a table entry and an entry of a small per-stage table: the shared table stays at 8 MiB
// while large stages pay one extra multiplication.
constexpr size_t kTwiddleTableLog = 20;

class Twiddles {
 public:
  explicit Twiddles(size_t log_n)
      : table_(ntt_twiddles(std::min(log_n, kTwiddleTableLog))), data_(table_->data()) {
    for (size_t s = kTwiddleTableLog; s < log_n; ++s) {
      const size_t t = s + 1 - kTwiddleTableLog;
      const F w = F::root_of_unity(static_cast<int>(s + 1));
      std::vector<F> low(size_t{1} << t);
      F cur = F::one();
      for (F& x : low) {
        x = cur;
        cur *= w;
      }
      large_.push_back(std::move(low));
    }
  }
  // The twiddles w_{2h}^j, j >= j0, as consecutive table entries, or nullptr for a large stage.
  const F* consecutive(size_t h, size_t j0) const { return h <= kTableHalf ? data_ + h + j0 : nullptr; }
  F operator()(size_t h, size_t j) const {
    if (h <= kTableHalf) return data_[h + j];
    const auto& low = large_[static_cast<size_t>(std::countr_zero(h)) - kTwiddleTableLog];
    const size_t t = static_cast<size_t>(std::countr_zero(low.size()));
    return data_[kTableHalf + (j >> t)] * low[j & (low.size() - 1)];
  }

 private:
  static constexpr size_t kTableHalf = size_t{1} << (kTwiddleTableLog - 1);
  std::shared_ptr<const std::vector<F>> table_;
  const F* data_;
  std::vector<std::vector<F>> large_;  // stage h = 2^s at s - kTwiddleTableLog
};

// In-place DIT NTT (see header comment); T is F or E (twiddles are in F). The first
// `skip_stages` stages are skipped: valid only for inputs made of constant blocks of that size.
namespace ntt_detail {

// The NTT butterfly (lo, hi) -> (lo + t hi, lo - t hi), t = w_{2h}^j; runs of four F words (four
// elements of F, two of E) go through the AVX2 kernel where the target has it (the same values as
// the scalar code). A stage past the shared table takes its twiddles as running products: the
// lanes start at w_{2h}^(j0 + l) and are multiplied by w_{2h}^lanes per step (exact arithmetic,
// so the very values the table would hold).
template <class T>
struct NttButterfly {
  const Twiddles& twiddles;

  void operator()(T& lo, T& hi, size_t h, size_t j) const {
    const T v = hi * twiddles(h, j);
    hi = lo - v;
    lo = lo + v;
  }
  void run(T* lo, T* hi, size_t h, size_t j0, size_t count) const {
    size_t i = 0;
#if defined(ZK_HAVE_AVX2)
    if constexpr (std::is_same_v<T, F>) {
      const F* tw = twiddles.consecutive(h, j0);
#if defined(ZK_HAVE_NTT_AVX512)
      // Runs of 16 and more (a call per run) through the eight-lane kernel, the rest below.
      if (count >= 16) {
        i = count & ~size_t{7};
        if (tw) {
          ntt_avx512::butterflies(lo, hi, tw, i);
        } else {
          F start[8];
          for (size_t l = 0; l < 8; ++l) start[l] = twiddles(h, j0 + l);
          ntt_avx512::butterflies_running(lo, hi, start, twiddles(h, 8), i);
        }
      }
#endif
      if (tw) {
        for (; i + 4 <= count; i += 4) avx2::butterfly(lo + i, hi + i, tw + i);
      } else if (i + 4 <= count) {
        const F start[4] = {twiddles(h, j0 + i), twiddles(h, j0 + i + 1), twiddles(h, j0 + i + 2),
                            twiddles(h, j0 + i + 3)};
        __m256i running = avx2::load(start);
        const __m256i step = _mm256_set1_epi64x(static_cast<int64_t>(twiddles(h, 4).value()));
        for (; i + 4 <= count; i += 4, running = avx2::mul(running, step)) avx2::butterfly(lo + i, hi + i, running);
      }
    } else if constexpr (std::is_same_v<T, E>) {
      static_assert(sizeof(E) == 2 * sizeof(F), "E is its two coordinates in F");
      F* lo_words = reinterpret_cast<F*>(lo);
      F* hi_words = reinterpret_cast<F*>(hi);
      if (const F* tw = twiddles.consecutive(h, j0)) {
        for (; i + 2 <= count; i += 2) avx2::butterfly_pairs(lo_words + 2 * i, hi_words + 2 * i, tw + i);
      } else if (count >= 2) {
        const F start[2] = {twiddles(h, j0), twiddles(h, j0 + 1)};
        __m256i running = avx2::pair_lanes(start);
        const __m256i step = _mm256_set1_epi64x(static_cast<int64_t>(twiddles(h, 2).value()));
        for (; i + 2 <= count; i += 2, running = avx2::mul(running, step))
          avx2::butterfly(lo_words + 2 * i, hi_words + 2 * i, running);
      }
    }
#endif
    for (; i < count; ++i) (*this)(lo[i], hi[i], h, j0 + i);
  }
};

}  // namespace ntt_detail

template <class T>
void ntt_bitrev_to_natural(std::span<T> a, size_t skip_stages = 0) {
  if (a.size() <= 1) return;
  const Twiddles twiddles(static_cast<size_t>(std::countr_zero(a.size())));
  ntt_detail::run_stages(a, skip_stages, ntt_detail::NttButterfly<T>{twiddles});
}

namespace ntt_detail {

// The Moebius butterfly hi -= lo; runs of F through the AVX2 lanes where the target has them.
template <class T>
struct MoebiusButterfly {
  void operator()(T& lo, T& hi, size_t, size_t) const { hi = hi - lo; }
  void run(T* lo, T* hi, size_t, size_t, size_t count) const {
    size_t i = 0;
#if defined(ZK_HAVE_AVX2)
    if constexpr (std::is_same_v<T, F>)
      for (; i + 4 <= count; i += 4) avx2::store(hi + i, avx2::sub(avx2::load(hi + i), avx2::load(lo + i)));
#endif
    for (; i < count; ++i) hi[i] = hi[i] - lo[i];
  }
};

}  // namespace ntt_detail

// In-place Moebius transform: evaluations on the hypercube -> multilinear monomial coefficients.
// With index bit b standing for variable n-1-b, coefficient m[i] belongs to the monomial of the
// variables whose bits are set in i.
template <class T>
void moebius_transform(std::span<T> a) {
  if (a.size() <= 1) return;
  ntt_detail::run_stages(a, 0, ntt_detail::MoebiusButterfly<T>{});
}

// Reed-Solomon encoding used by the PCS. Given the evaluation table t of a multilinear P in m
// variables, writes the values of the univariate
//   P^(X) = sum_i m_i X^{brev_m(i)}       (m_i the monomial coefficients of P)
// on the subgroup <w>, w = root_of_unity(log_domain), to out (2^log_domain entries) in natural
// order: out[q] = P^(w^q). With this map variable k of P (index bit m-1-k) carries X^{2^k}, so
// P^(z) = P(z, z^2, z^4, ...). In bit-reversed order over log_domain bits, m_i sits at
// i * 2^(log_domain - m): the input is the coefficient vector with each entry replicated
// 2^(log_domain - m) times, and those stages skip. Everything happens in `out`: the coefficients
// are computed in its first 2^m entries and spread from the top down (entries [n/2^(l+1), n/2^l)
// go to [e n/2^(l+1), e n/2^l), e >= 2, which lies above every entry not yet spread).
template <class T>
void rs_encode_into(std::span<const T> table, std::span<T> out) {
  const size_t m = static_cast<size_t>(std::countr_zero(table.size()));
  if (!std::has_single_bit(table.size()) || !std::has_single_bit(out.size()) || out.size() < table.size())
    throw std::invalid_argument("rs_encode: bad sizes");
  const size_t expansion_log = static_cast<size_t>(std::countr_zero(out.size())) - m;
  const size_t expansion = size_t{1} << expansion_log;
  const std::span<T> coeffs = out.first(table.size());
  parallel_for(table.size(), 1 << 14, [&](size_t begin, size_t end) {
    std::copy(table.begin() + static_cast<std::ptrdiff_t>(begin), table.begin() + static_cast<std::ptrdiff_t>(end),
              coeffs.begin() + static_cast<std::ptrdiff_t>(begin));
  });
  moebius_transform<T>(coeffs);
  if (expansion > 1) {
    for (size_t top = table.size(); top > 0; top /= 2) {
      const size_t bottom = top / 2;
      parallel_for(top - bottom, 1 << 12, [&](size_t begin, size_t end) {
        for (size_t i = bottom + begin; i < bottom + end; ++i) std::fill_n(out.data() + i * expansion, expansion, out[i]);
      });
    }
  }
  ntt_bitrev_to_natural<T>(out, expansion_log);
}

template <class T>
std::vector<T> rs_encode(std::span<const T> table, size_t log_domain) {
  if (!std::has_single_bit(table.size()) || log_domain < static_cast<size_t>(std::countr_zero(table.size())))
    throw std::invalid_argument("rs_encode: bad sizes");
  std::vector<T> out(size_t{1} << log_domain);
  rs_encode_into<T>(table, out);
  return out;
}

}  // namespace zk
