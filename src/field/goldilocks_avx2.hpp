// Four Goldilocks elements per AVX2 register: addition, subtraction, multiplication and the NTT
// butterfly, lane by lane exactly the scalar operations of goldilocks.hpp (canonical inputs give
// canonical outputs, so results are bitwise those of the scalar code). Compiled only when the
// target has AVX2 (ZK_HAVE_AVX2 is then defined); callers keep their scalar path otherwise.
//
// AVX2 has no unsigned 64-bit comparison: a > b (unsigned) is (a ^ 2^63) > (b ^ 2^63) (signed).
// The 128-bit product of a = a1 2^32 + a0 and b = b1 2^32 + b0 is assembled from the four 32x32-bit
// products (vpmuludq) with no carry to track, every partial sum staying below 2^64:
//   t = a1 b0 + floor(a0 b0 / 2^32),   w = (t mod 2^32) + a0 b1,
//   hi = a1 b1 + floor(t / 2^32) + floor(w / 2^32),   lo = (w mod 2^32) 2^32 + (a0 b0 mod 2^32),
// and reduced as in Goldilocks::reduce129 (hi = hh 2^32 + hl, 2^64 = 2^32 - 1, 2^96 = -1 mod p):
//   lo - hh + hl (2^32 - 1), one conditional correction per step, then one subtraction of p.
#pragma once

#if defined(__AVX2__)
#define ZK_HAVE_AVX2 1

#include <immintrin.h>

#include <cstdint>

#include "field/goldilocks.hpp"

namespace zk::avx2 {

inline __m256i epsilon() { return _mm256_set1_epi64x(static_cast<int64_t>(Goldilocks::EPSILON)); }

// All ones in the lanes where a > b as unsigned 64-bit integers.
inline __m256i greater_unsigned(__m256i a, __m256i b) {
  const __m256i sign = _mm256_set1_epi64x(INT64_MIN);
  return _mm256_cmpgt_epi64(_mm256_xor_si256(a, sign), _mm256_xor_si256(b, sign));
}

// x mod p for any 64-bit x (x < 2p): x >= p exactly when x + EPSILON wraps, and then that sum is x - p.
inline __m256i canonical(__m256i x) {
  const __m256i shifted = _mm256_add_epi64(x, epsilon());
  return _mm256_blendv_epi8(x, shifted, greater_unsigned(x, shifted));
}

inline __m256i add(__m256i a, __m256i b) {
  const __m256i s = _mm256_add_epi64(a, b);
  // A wrap past 2^64 adds 2^64 = EPSILON (mod p) and cannot wrap again (then s < p - EPSILON).
  return canonical(_mm256_add_epi64(s, _mm256_and_si256(greater_unsigned(a, s), epsilon())));
}

inline __m256i sub(__m256i a, __m256i b) {
  const __m256i d = _mm256_sub_epi64(a, b);
  // A borrow leaves d + 2^64; subtracting EPSILON makes it d + p.
  return _mm256_sub_epi64(d, _mm256_and_si256(greater_unsigned(b, a), epsilon()));
}

inline __m256i mul(__m256i a, __m256i b) {
  const __m256i low32 = _mm256_set1_epi64x(0xFFFFFFFF);
  const __m256i a1 = _mm256_srli_epi64(a, 32), b1 = _mm256_srli_epi64(b, 32);
  const __m256i ll = _mm256_mul_epu32(a, b), lh = _mm256_mul_epu32(a, b1);
  const __m256i hl = _mm256_mul_epu32(a1, b), hh = _mm256_mul_epu32(a1, b1);
  const __m256i t = _mm256_add_epi64(hl, _mm256_srli_epi64(ll, 32));
  const __m256i w = _mm256_add_epi64(_mm256_and_si256(t, low32), lh);
  const __m256i hi =
      _mm256_add_epi64(hh, _mm256_add_epi64(_mm256_srli_epi64(t, 32), _mm256_srli_epi64(w, 32)));
  const __m256i lo = _mm256_blend_epi32(ll, _mm256_slli_epi64(w, 32), 0b10101010);
  // Reduction: t0 = lo - hh (+ p on a borrow), t2 = t0 + hl EPSILON (+ EPSILON on a carry).
  const __m256i hi_hi = _mm256_srli_epi64(hi, 32), hi_lo = _mm256_and_si256(hi, low32);
  __m256i t0 = _mm256_sub_epi64(lo, hi_hi);
  t0 = _mm256_sub_epi64(t0, _mm256_and_si256(greater_unsigned(hi_hi, lo), epsilon()));
  const __m256i t1 = _mm256_sub_epi64(_mm256_slli_epi64(hi_lo, 32), hi_lo);
  const __m256i t2 = _mm256_add_epi64(t0, t1);
  return canonical(_mm256_add_epi64(t2, _mm256_and_si256(greater_unsigned(t0, t2), epsilon())));
}

inline __m256i load(const Goldilocks* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
inline void store(Goldilocks* p, __m256i v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }

// Four butterflies (lo_i, hi_i) -> (lo_i + t_i hi_i, lo_i - t_i hi_i), t_i in lane i of `twiddles`.
inline void butterfly(Goldilocks* lo, Goldilocks* hi, __m256i twiddles) {
  const __m256i a = load(lo), v = mul(load(hi), twiddles);
  store(hi, sub(a, v));
  store(lo, add(a, v));
}
inline void butterfly(Goldilocks* lo, Goldilocks* hi, const Goldilocks* twiddles) { butterfly(lo, hi, load(twiddles)); }

// The same on two elements of the quadratic extension (c0, c1 in consecutive words), twiddles in
// the base field: words 0-1 and 2-3 take twiddles[0] and twiddles[1].
// (t0, t1) -> the lanes (t0, t0, t1, t1) that butterfly_pairs multiplies by.
inline __m256i pair_lanes(const Goldilocks* twiddles) {
  const __m128i two = _mm_loadu_si128(reinterpret_cast<const __m128i*>(twiddles));
  return _mm256_permute4x64_epi64(_mm256_castsi128_si256(two), 0b01010000);
}
inline void butterfly_pairs(Goldilocks* lo, Goldilocks* hi, const Goldilocks* twiddles) {
  butterfly(lo, hi, pair_lanes(twiddles));
}

static_assert(sizeof(Goldilocks) == sizeof(uint64_t), "Goldilocks is one 64-bit word");

}  // namespace zk::avx2

#endif
