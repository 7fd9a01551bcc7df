// AVX-512F kernels of planar_kernels.hpp (the generic callers finish what they leave).
#include "poly/planar_kernels.hpp"

#if defined(__x86_64__)
// GCC 12 reports its own _mm512_undefined_epi32() inside the intrinsics as uninitialized (GCC
// bug 105593); the intrinsics are correct.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#endif

namespace zk {

#if defined(__x86_64__)
namespace {

static_assert(sizeof(Goldilocks) == sizeof(uint64_t), "planes are arrays of 64-bit words");

// Every function using AVX-512 carries this attribute, and runs only after have_avx512f():
// the rest of the build keeps AVX-512 off (root CMakeLists.txt, GCC < 13).
#define ZK_AVX512 [[gnu::target("avx512f")]]

bool have_avx512f() {
  static const bool yes = __builtin_cpu_supports("avx512f");
  return yes;
}

using Vec = __m512i;
constexpr size_t kLanes = 8;

ZK_AVX512 Vec splat(uint64_t x) { return _mm512_set1_epi64(static_cast<long long>(x)); }
ZK_AVX512 Vec load(const Goldilocks* p) { return _mm512_loadu_si512(p); }
ZK_AVX512 void store(Goldilocks* p, Vec v) { _mm512_storeu_si512(p, v); }

// a - b mod p for canonical a, b: a borrow adds 2^64 - EPSILON = p (as Goldilocks::operator-).
ZK_AVX512 Vec sub_mod(Vec a, Vec b) {
  const __mmask8 borrow = _mm512_cmplt_epu64_mask(a, b);
  const Vec d = _mm512_sub_epi64(a, b);
  return _mm512_mask_sub_epi64(d, borrow, d, splat(Goldilocks::EPSILON));
}

// A constant factor c with its high half, for products x c.
struct Factor {
  Vec lo32, hi32;
  ZK_AVX512 explicit Factor(Goldilocks c) : lo32(splat(c.value())), hi32(splat(c.value() >> 32)) {}
};

// x c = lo + 2^64 hi from the four 32x32-bit products: with t = x_hi c_lo + (x_lo c_lo >> 32)
// and u = x_lo c_hi + (t mod 2^32) (both below 2^64), lo = (u mod 2^32) 2^32 + (x_lo c_lo mod
// 2^32) and hi = x_hi c_hi + (t >> 32) + (u >> 32).
struct Wide {
  Vec lo, hi;
};
ZK_AVX512 Wide mul_wide(Vec x, const Factor& c) {
  const Vec mask = splat(0xFFFFFFFFull);
  const Vec x_hi = _mm512_srli_epi64(x, 32);
  const Vec ll = _mm512_mul_epu32(x, c.lo32);
  const Vec lh = _mm512_mul_epu32(x, c.hi32);
  const Vec hl = _mm512_mul_epu32(x_hi, c.lo32);
  const Vec hh = _mm512_mul_epu32(x_hi, c.hi32);
  const Vec t = _mm512_add_epi64(hl, _mm512_srli_epi64(ll, 32));
  const Vec u = _mm512_add_epi64(lh, _mm512_and_si512(t, mask));
  const Vec lo = _mm512_mask_blend_epi32(0xAAAA, ll, _mm512_slli_epi64(u, 32));
  const Vec hi = _mm512_add_epi64(_mm512_add_epi64(hh, _mm512_srli_epi64(t, 32)), _mm512_srli_epi64(u, 32));
  return {lo, hi};
}

// (addend + sum of the products) mod p, reduced once. The high words are summed as 32-bit
// halves (hl below 2^34, hh below 2^34 with the carries of the low words), so nothing overflows:
// value = lo + 2^64 hl + 2^96 hh = lo - hh + hl (2^32 - 1) (mod p), then one borrow and one
// carry correction and a final conditional subtraction, as Goldilocks::reduce129.
template <size_t K>
ZK_AVX512 Vec reduce_sum(const Wide (&products)[K], Vec addend) {
  const Vec mask = splat(0xFFFFFFFFull), one = splat(1), eps = splat(Goldilocks::EPSILON);
  Vec lo = addend, hl = _mm512_setzero_si512(), hh = _mm512_setzero_si512();
  for (const Wide& w : products) {
    lo = _mm512_add_epi64(lo, w.lo);
    const __mmask8 carry = _mm512_cmplt_epu64_mask(lo, w.lo);
    hl = _mm512_add_epi64(hl, _mm512_and_si512(w.hi, mask));
    hl = _mm512_mask_add_epi64(hl, carry, hl, one);
    hh = _mm512_add_epi64(hh, _mm512_srli_epi64(w.hi, 32));
  }
  hh = _mm512_add_epi64(hh, _mm512_srli_epi64(hl, 32));
  hl = _mm512_and_si512(hl, mask);
  const __mmask8 borrow = _mm512_cmplt_epu64_mask(lo, hh);
  Vec t0 = _mm512_sub_epi64(lo, hh);
  t0 = _mm512_mask_sub_epi64(t0, borrow, t0, eps);
  const Vec t1 = _mm512_sub_epi64(_mm512_slli_epi64(hl, 32), hl);
  Vec t2 = _mm512_add_epi64(t0, t1);
  const __mmask8 carry = _mm512_cmplt_epu64_mask(t2, t1);
  t2 = _mm512_mask_add_epi64(t2, carry, t2, eps);
  const Vec p = splat(Goldilocks::MODULUS);
  return _mm512_mask_sub_epi64(t2, _mm512_cmpge_epu64_mask(t2, p), t2, p);
}

size_t whole_vectors_end(size_t begin, size_t end) { return begin + (end - begin) / kLanes * kLanes; }

ZK_AVX512 size_t fold_planar_avx512(Goldilocks* c0, Goldilocks* c1, size_t half, const GoldilocksExt2& r,
                                    size_t begin, size_t end) {
  // (d0 + d1 X)(r0 + r1 X) = (d0 r0 + W d1 r1) + (d0 r1 + d1 r0) X with X^2 = W.
  const Factor r0(r.c0()), r1(r.c1()), w_r1(Goldilocks::mul_small(r.c1(), GoldilocksExt2::NON_RESIDUE));
  const size_t stop = whole_vectors_end(begin, end);
  for (size_t j = begin; j < stop; j += kLanes) {
    const Vec lo0 = load(c0 + j), lo1 = load(c1 + j);
    const Vec d0 = sub_mod(load(c0 + j + half), lo0), d1 = sub_mod(load(c1 + j + half), lo1);
    const Wide coord0[2] = {mul_wide(d0, r0), mul_wide(d1, w_r1)};
    const Wide coord1[2] = {mul_wide(d0, r1), mul_wide(d1, r0)};
    store(c0 + j, reduce_sum(coord0, lo0));
    store(c1 + j, reduce_sum(coord1, lo1));
  }
  return stop;
}

ZK_AVX512 size_t lift_two_avx512(Goldilocks* p, size_t q, const GoldilocksExt2& r0,
                                 const GoldilocksExt2& r1, const GoldilocksExt2& r01, size_t begin,
                                 size_t end) {
  const Factor r1_0(r1.c0()), r0_0(r0.c0()), r01_0(r01.c0());
  const Factor r1_1(r1.c1()), r0_1(r0.c1()), r01_1(r01.c1());
  const size_t stop = whole_vectors_end(begin, end);
  for (size_t j = begin; j < stop; j += kLanes) {
    const Vec a = load(p + j), b = load(p + j + q), c = load(p + j + 2 * q), e = load(p + j + 3 * q);
    const Vec db = sub_mod(b, a), dc = sub_mod(c, a), de = sub_mod(sub_mod(e, c), db);
    const Wide coord0[3] = {mul_wide(db, r1_0), mul_wide(dc, r0_0), mul_wide(de, r01_0)};
    const Wide coord1[3] = {mul_wide(db, r1_1), mul_wide(dc, r0_1), mul_wide(de, r01_1)};
    store(p + j, reduce_sum(coord0, a));
    store(p + j + q, reduce_sum(coord1, _mm512_setzero_si512()));
  }
  return stop;
}

}  // namespace

size_t fold_planar_prefix(Goldilocks* c0, Goldilocks* c1, size_t half, const GoldilocksExt2& r,
                          size_t begin, size_t end) {
  return have_avx512f() ? fold_planar_avx512(c0, c1, half, r, begin, end) : begin;
}

size_t lift_two_planar_prefix(Goldilocks* p, size_t q, const GoldilocksExt2& r0,
                              const GoldilocksExt2& r1, const GoldilocksExt2& r01, size_t begin,
                              size_t end) {
  return have_avx512f() ? lift_two_avx512(p, q, r0, r1, r01, begin, end) : begin;
}

#undef ZK_AVX512
#pragma GCC diagnostic pop
#else

size_t fold_planar_prefix(Goldilocks*, Goldilocks*, size_t, const GoldilocksExt2&, size_t begin, size_t) {
  return begin;
}

size_t lift_two_planar_prefix(Goldilocks*, size_t, const GoldilocksExt2&, const GoldilocksExt2&,
                              const GoldilocksExt2&, size_t begin, size_t) {
  return begin;
}

#endif

}  // namespace zk
