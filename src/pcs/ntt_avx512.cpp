// AVX-512F butterflies of the NTT (see ntt_avx512.hpp); empty where the build has no AVX-512F.
#include "pcs/ntt_avx512.hpp"

#ifdef ZK_HAVE_NTT_AVX512
// GCC 12 reports its own _mm512_undefined_epi32() inside the masked intrinsics as uninitialized
// (GCC bug 105593, as in keccak_x8.cpp); the intrinsics are correct.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstdint>

namespace zk::ntt_avx512 {

namespace {

// EPSILON = 2^32 - 1 = 2^64 mod p, so x + EPSILON (mod 2^64) is x - p when x >= p, and a wrap
// past 2^64 is made up by adding EPSILON.
__m512i epsilon() { return _mm512_set1_epi64(static_cast<int64_t>(Goldilocks::EPSILON)); }

__m512i canonical(__m512i x) {
  const __m512i p = _mm512_set1_epi64(static_cast<int64_t>(Goldilocks::MODULUS));
  return _mm512_mask_add_epi64(x, _mm512_cmpge_epu64_mask(x, p), x, epsilon());
}

__m512i add(__m512i a, __m512i b) {
  const __m512i s = _mm512_add_epi64(a, b);
  return canonical(_mm512_mask_add_epi64(s, _mm512_cmplt_epu64_mask(s, a), s, epsilon()));
}

// a - b for canonical a, b: a borrow leaves d + 2^64, and d + 2^64 - EPSILON = d + p.
__m512i sub(__m512i a, __m512i b) {
  const __m512i d = _mm512_sub_epi64(a, b);
  return _mm512_mask_sub_epi64(d, _mm512_cmpgt_epu64_mask(b, a), d, epsilon());
}

// The 128-bit product from four 32 x 32-bit products, reduced with 2^64 = EPSILON and
// 2^96 = -1 (mod p): lo - hh + hl EPSILON for hi = hh 2^32 + hl (goldilocks_avx2.hpp's steps).
__m512i mul(__m512i a, __m512i b) {
  const __m512i low32 = _mm512_set1_epi64(0xFFFFFFFF);
  const __m512i a1 = _mm512_srli_epi64(a, 32), b1 = _mm512_srli_epi64(b, 32);
  const __m512i ll = _mm512_mul_epu32(a, b), lh = _mm512_mul_epu32(a, b1);
  const __m512i hl = _mm512_mul_epu32(a1, b), hh = _mm512_mul_epu32(a1, b1);
  const __m512i t = _mm512_add_epi64(hl, _mm512_srli_epi64(ll, 32));
  const __m512i w = _mm512_add_epi64(_mm512_and_si512(t, low32), lh);
  const __m512i hi =
      _mm512_add_epi64(hh, _mm512_add_epi64(_mm512_srli_epi64(t, 32), _mm512_srli_epi64(w, 32)));
  const __m512i lo = _mm512_mask_blend_epi32(0xAAAA, ll, _mm512_slli_epi64(w, 32));
  const __m512i hi_hi = _mm512_srli_epi64(hi, 32), hi_lo = _mm512_and_si512(hi, low32);
  __m512i t0 = _mm512_sub_epi64(lo, hi_hi);
  t0 = _mm512_mask_sub_epi64(t0, _mm512_cmpgt_epu64_mask(hi_hi, lo), t0, epsilon());
  const __m512i t1 = _mm512_sub_epi64(_mm512_slli_epi64(hi_lo, 32), hi_lo);
  const __m512i t2 = _mm512_add_epi64(t0, t1);
  return canonical(_mm512_mask_add_epi64(t2, _mm512_cmplt_epu64_mask(t2, t0), t2, epsilon()));
}

void butterfly(Goldilocks* lo, Goldilocks* hi, __m512i twiddles) {
  const __m512i a = _mm512_loadu_si512(lo), v = mul(_mm512_loadu_si512(hi), twiddles);
  _mm512_storeu_si512(hi, sub(a, v));
  _mm512_storeu_si512(lo, add(a, v));
}

static_assert(sizeof(Goldilocks) == sizeof(uint64_t), "Goldilocks is one 64-bit word");

}  // namespace

void butterflies(Goldilocks* lo, Goldilocks* hi, const Goldilocks* twiddles, size_t count) {
  for (size_t i = 0; i < count; i += 8) butterfly(lo + i, hi + i, _mm512_loadu_si512(twiddles + i));
}

void butterflies_running(Goldilocks* lo, Goldilocks* hi, const Goldilocks start[8], Goldilocks step, size_t count) {
  __m512i running = _mm512_loadu_si512(start);
  const __m512i steps = _mm512_set1_epi64(static_cast<int64_t>(step.value()));
  for (size_t i = 0; i < count; i += 8, running = mul(running, steps)) butterfly(lo + i, hi + i, running);
}

}  // namespace zk::ntt_avx512

#pragma GCC diagnostic pop
#endif  // ZK_HAVE_NTT_AVX512
