// A prime field F_P for a small prime P (< 2^31), with the same interface as Goldilocks.
// Protocols are templates on the field, so they also run over a tiny field where exhaustive
// tests can enumerate every challenge (the habit of bitcoin-core/secp256k1's exhaustive tests).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <random>

namespace zk {

template <uint32_t P>
class SmallPrimeField {
  static_assert(P > 2 && P < (1u << 31), "small prime expected");

 public:
  static constexpr uint64_t MODULUS = P;
  static constexpr size_t BYTES = 4;
  static constexpr const char* NAME = "small";

  constexpr SmallPrimeField() = default;
  static constexpr SmallPrimeField from_canonical(uint64_t v) {
    return SmallPrimeField(static_cast<uint32_t>(v));
  }
  static constexpr SmallPrimeField from_u64(uint64_t v) {
    return SmallPrimeField(static_cast<uint32_t>(v % P));
  }
  static constexpr SmallPrimeField from_i64(int64_t v) {
    int64_t r = v % static_cast<int64_t>(P);
    return SmallPrimeField(static_cast<uint32_t>(r < 0 ? r + P : r));
  }
  static constexpr SmallPrimeField zero() { return SmallPrimeField(0); }
  static constexpr SmallPrimeField one() { return SmallPrimeField(1); }

  constexpr uint64_t value() const { return v_; }
  constexpr bool is_zero() const { return v_ == 0; }
  friend constexpr bool operator==(SmallPrimeField a, SmallPrimeField b) { return a.v_ == b.v_; }

  friend constexpr SmallPrimeField operator+(SmallPrimeField a, SmallPrimeField b) {
    uint32_t s = a.v_ + b.v_;
    return SmallPrimeField(s >= P ? s - P : s);
  }
  friend constexpr SmallPrimeField operator-(SmallPrimeField a, SmallPrimeField b) {
    return SmallPrimeField(a.v_ >= b.v_ ? a.v_ - b.v_ : a.v_ + P - b.v_);
  }
  constexpr SmallPrimeField operator-() const { return SmallPrimeField(v_ == 0 ? 0 : P - v_); }
  friend constexpr SmallPrimeField operator*(SmallPrimeField a, SmallPrimeField b) {
    return SmallPrimeField(static_cast<uint32_t>(static_cast<uint64_t>(a.v_) * b.v_ % P));
  }
  constexpr SmallPrimeField& operator+=(SmallPrimeField o) { return *this = *this + o; }
  constexpr SmallPrimeField& operator-=(SmallPrimeField o) { return *this = *this - o; }
  constexpr SmallPrimeField& operator*=(SmallPrimeField o) { return *this = *this * o; }
  constexpr SmallPrimeField square() const { return *this * *this; }
  constexpr SmallPrimeField pow(uint64_t e) const {
    SmallPrimeField base = *this, acc = one();
    while (e) {
      if (e & 1) acc *= base;
      base = base.square();
      e >>= 1;
    }
    return acc;
  }
  constexpr SmallPrimeField inverse() const { return pow(P - 2); }

  void to_bytes(uint8_t* out) const {
    for (size_t i = 0; i < BYTES; ++i) out[i] = static_cast<uint8_t>(v_ >> (8 * i));
  }
  static std::optional<SmallPrimeField> from_bytes(const uint8_t* in) {
    uint32_t v = 0;
    for (size_t i = 0; i < BYTES; ++i) v |= static_cast<uint32_t>(in[i]) << (8 * i);
    if (v >= P) return std::nullopt;
    return SmallPrimeField(v);
  }
  template <class Rng>
  static SmallPrimeField random(Rng& rng) {
    std::uniform_int_distribution<uint32_t> dist(0, P - 1);
    return SmallPrimeField(dist(rng));
  }
  friend std::ostream& operator<<(std::ostream& os, SmallPrimeField a) { return os << a.v_; }

 private:
  explicit constexpr SmallPrimeField(uint32_t v) : v_(v) {}
  uint32_t v_ = 0;
};

}  // namespace zk
