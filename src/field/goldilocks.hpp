// The Goldilocks prime field F_p, p = 2^64 - 2^32 + 1.
//
// Reduction of a 128-bit product x = x_lo + 2^64 x_hi uses 2^64 = 2^32 - 1 (mod p) and
// 2^96 = -1 (mod p): x = x_lo - x_hi_hi + (2^32 - 1) * x_hi_lo (mod p), where x_hi = x_hi_hi *
// 2^32 + x_hi_lo (the technique of Plonky2 and of Goldilocks field papers; see e.g. "Goldilocks
// and the prime 2^64-2^32+1", Mike Hamburg). Elements are kept canonical (< p) at all times so
// equality is bitwise and serialization is unique.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <random>

namespace zk {

__extension__ typedef unsigned __int128 uint128_t;

class Goldilocks {
 public:
  static constexpr uint64_t MODULUS = 0xFFFFFFFF00000001ull;
  static constexpr uint64_t EPSILON = 0xFFFFFFFFull;  // 2^64 mod p
  static constexpr size_t BYTES = 8;
  static constexpr const char* NAME = "goldilocks";
  // Multiplicative generator of F_p^*, and the 2-adicity of p - 1 (= 2^32 * (2^32 - 1)).
  static constexpr uint64_t GENERATOR = 7;
  static constexpr int TWO_ADICITY = 32;

  constexpr Goldilocks() = default;
  // v must already be < p; use from_u64 for arbitrary words.
  static constexpr Goldilocks from_canonical(uint64_t v) { return Goldilocks(v); }
  static constexpr Goldilocks from_u64(uint64_t v) {
    return Goldilocks(v >= MODULUS ? v - MODULUS : v);
  }
  static constexpr Goldilocks from_i64(int64_t v) {
    return v >= 0 ? from_u64(static_cast<uint64_t>(v))
                  : -from_u64(static_cast<uint64_t>(-(v + 1)) + 1);
  }
  static constexpr Goldilocks zero() { return Goldilocks(0); }
  static constexpr Goldilocks one() { return Goldilocks(1); }

  constexpr uint64_t value() const { return v_; }
  constexpr bool is_zero() const { return v_ == 0; }
  // Signed representative in (-p/2, p/2]: how quantized integers are embedded.
  constexpr int64_t to_signed() const {
    return v_ > MODULUS / 2 ? -static_cast<int64_t>(MODULUS - v_) : static_cast<int64_t>(v_);
  }

  friend constexpr bool operator==(Goldilocks a, Goldilocks b) { return a.v_ == b.v_; }

  friend constexpr Goldilocks operator+(Goldilocks a, Goldilocks b) {
    // Branch-free (the branches are unpredictable on random data). a + b < 2p; a wrap past
    // 2^64 adds 2^64 = EPSILON (mod p), and cannot wrap again since then s < p - EPSILON.
    uint64_t s;
    const bool carry = __builtin_add_overflow(a.v_, b.v_, &s);
    s += EPSILON & (0 - static_cast<uint64_t>(carry));
    return Goldilocks(canonicalize(s));
  }
  friend constexpr Goldilocks operator-(Goldilocks a, Goldilocks b) {
    uint64_t d;
    const bool borrow = __builtin_sub_overflow(a.v_, b.v_, &d);
    d -= EPSILON & (0 - static_cast<uint64_t>(borrow));  // d + 2^64 - EPSILON = d + p
    return Goldilocks(d);
  }
  constexpr Goldilocks operator-() const { return Goldilocks(v_ == 0 ? 0 : MODULUS - v_); }
  friend constexpr Goldilocks operator*(Goldilocks a, Goldilocks b) {
    return Goldilocks(reduce128(static_cast<uint128_t>(a.v_) * b.v_));
  }
  constexpr Goldilocks& operator+=(Goldilocks o) { return *this = *this + o; }
  constexpr Goldilocks& operator-=(Goldilocks o) { return *this = *this - o; }
  constexpr Goldilocks& operator*=(Goldilocks o) { return *this = *this * o; }

  constexpr Goldilocks square() const { return *this * *this; }
  constexpr Goldilocks pow(uint64_t e) const {
    Goldilocks base = *this, acc = one();
    while (e) {
      if (e & 1) acc *= base;
      base = base.square();
      e >>= 1;
    }
    return acc;
  }
  // Inverse by Fermat; inverse of zero is zero (callers that care check is_zero first).
  constexpr Goldilocks inverse() const { return pow(MODULUS - 2); }

  // Reduces any 128-bit value to its canonical residue.
  static constexpr uint64_t reduce128(uint128_t x) { return reduce129(x, 0); }
  // (wraps * 2^128 + x) mod p for wraps <= kMaxWraps. With x = lo + 2^64 (2^32 hh + hl),
  // 2^64 = 2^32 - 1, 2^96 = -1 and 2^128 = -2^32 (mod p):
  //   value = lo - (hh + 2^32 wraps) + hl (2^32 - 1),
  // where the subtrahend is below p, so one conditional correction per step suffices.
  // The borrow of lo - subtrahend is a branch: it needs lo < 2^34, which products of field
  // elements almost never give (Plonky2 branches the same way), while the carry of the final
  // addition is a coin flip on such data and stays branch-free. The stated probability keeps GCC
  // from turning the branch into a longer cmov sequence (plain __builtin_expect means 90%, which
  // it still treats as unpredictable).
  static constexpr uint64_t kMaxWraps = (uint64_t{1} << 32) - 2;
  static constexpr uint64_t reduce129(uint128_t x, uint64_t wraps) {
    const uint64_t lo = static_cast<uint64_t>(x);
    const uint64_t hi = static_cast<uint64_t>(x >> 64);
    const uint64_t subtrahend = (hi >> 32) + (wraps << 32);
    const uint64_t hi_lo = hi & EPSILON;
    uint64_t t0;
    if (__builtin_expect_with_probability(__builtin_sub_overflow(lo, subtrahend, &t0), 0, 0.9999))
      t0 -= EPSILON;  // + 2^64 - EPSILON = + p
    const uint64_t t1 = hi_lo * EPSILON;
    uint64_t t2;
    const bool carry = __builtin_add_overflow(t0, t1, &t2);
    t2 += EPSILON & (0 - static_cast<uint64_t>(carry));  // cannot wrap again: t2 < t1 then
    return canonicalize(t2);
  }
  // a * b + c * d mod p with a single reduction (the sum of two 128-bit products), for any
  // 64-bit words (the sum stays below 2^129), canonical or not.
  static constexpr uint64_t sum_of_word_products(uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
    const uint128_t x = static_cast<uint128_t>(a) * b;
    const uint128_t y = static_cast<uint128_t>(c) * d;
    const uint128_t s = x + y;
    return reduce129(s, s < x);
  }
  static constexpr Goldilocks sum_of_products(Goldilocks a, Goldilocks b, Goldilocks c,
                                              Goldilocks d) {
    return Goldilocks(sum_of_word_products(a.v_, b.v_, c.v_, d.v_));
  }
  // a * b + c * d + e mod p with a single reduction.
  static constexpr Goldilocks sum_of_products_plus(Goldilocks a, Goldilocks b, Goldilocks c,
                                                   Goldilocks d, Goldilocks e) {
    const uint128_t x = static_cast<uint128_t>(a.v_) * b.v_;
    const uint128_t y = static_cast<uint128_t>(c.v_) * d.v_;
    const uint128_t s = x + y;
    const uint128_t t = s + e.v_;
    return Goldilocks(reduce129(t, uint64_t{s < x} + uint64_t{t < s}));
  }
  // k * b mod p for a small constant k < 2^32: k b = hi 2^64 + lo with hi < 2^32, and
  // hi 2^64 = hi EPSILON (mod p) needs no further reduction than one carry. mul_small_word stops
  // before the final canonicalization: a word congruent to k b, enough for a factor of a product.
  static constexpr uint64_t mul_small_word(Goldilocks b, uint64_t k) {
    const uint128_t y = static_cast<uint128_t>(b.v_) * k;
    const uint64_t lo = static_cast<uint64_t>(y);
    const uint64_t hi = static_cast<uint64_t>(y >> 64);
    uint64_t s;
    const bool carry = __builtin_add_overflow(lo, hi * EPSILON, &s);
    return s + (EPSILON & (0 - static_cast<uint64_t>(carry)));
  }
  static constexpr Goldilocks mul_small(Goldilocks b, uint64_t k) {
    return Goldilocks(canonicalize(mul_small_word(b, k)));
  }
  // x mod p for x < 2^64 (x < 2p always holds), without a branch.
  static constexpr uint64_t canonicalize(uint64_t x) {
    uint64_t reduced;
    const bool below = __builtin_sub_overflow(x, MODULUS, &reduced);
    return below ? x : reduced;
  }

  void to_bytes(uint8_t* out) const {
    for (size_t i = 0; i < BYTES; ++i) out[i] = static_cast<uint8_t>(v_ >> (8 * i));
  }
  // Little-endian decoding; rejects non-canonical encodings (values >= p).
  static std::optional<Goldilocks> from_bytes(const uint8_t* in) {
    uint64_t v = 0;
    for (size_t i = 0; i < BYTES; ++i) v |= static_cast<uint64_t>(in[i]) << (8 * i);
    if (v >= MODULUS) return std::nullopt;
    return Goldilocks(v);
  }

  // Uniform sample by rejection.
  template <class Rng>
  static Goldilocks random(Rng& rng) {
    std::uniform_int_distribution<uint64_t> dist(0, MODULUS - 1);
    return Goldilocks(dist(rng));
  }

  // A primitive 2^log_n-th root of unity.
  static constexpr Goldilocks root_of_unity(int log_n) {
    return Goldilocks(GENERATOR).pow(((MODULUS - 1) >> TWO_ADICITY) << (TWO_ADICITY - log_n));
  }

  friend std::ostream& operator<<(std::ostream& os, Goldilocks a) { return os << a.v_; }

 private:
  explicit constexpr Goldilocks(uint64_t v) : v_(v) {}
  uint64_t v_ = 0;
};

}  // namespace zk
