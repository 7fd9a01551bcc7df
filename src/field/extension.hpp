// Quadratic extension E = F[X] / (X^2 - W) for a quadratic non-residue W of F.
// Over Goldilocks with W = 7 this is the ~128-bit challenge field: every verifier challenge
// is drawn from it, so a sum-check round's soundness error is d / |E| ~ d * 2^-128.
//
// Multiplication (a0 + a1 X)(b0 + b1 X) = (a0 b0 + W a1 b1) + (a0 b1 + a1 b0) X. Over Goldilocks
// it is computed schoolbook with deferred reductions (the sum a0 b1 + a1 b0 is reduced once);
// over other bases with Karatsuba's three multiplications. Inverse: (a0 - a1 X) / (a0^2 - W a1^2).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <type_traits>

#include "field/goldilocks.hpp"

namespace zk {

template <class Base, uint64_t W>
class QuadraticExtension {
 public:
  using BaseField = Base;
  static constexpr size_t BYTES = 2 * Base::BYTES;
  static constexpr uint64_t NON_RESIDUE = W;

  constexpr QuadraticExtension() = default;
  constexpr QuadraticExtension(Base c0, Base c1) : c0_(c0), c1_(c1) {}
  // Embedding of the base field.
  constexpr QuadraticExtension(Base c0) : c0_(c0) {}  // NOLINT(google-explicit-constructor)

  static constexpr QuadraticExtension zero() { return {}; }
  static constexpr QuadraticExtension one() { return QuadraticExtension(Base::one()); }
  static constexpr QuadraticExtension from_u64(uint64_t v) {
    return QuadraticExtension(Base::from_u64(v));
  }
  static constexpr QuadraticExtension from_i64(int64_t v) {
    return QuadraticExtension(Base::from_i64(v));
  }

  constexpr Base c0() const { return c0_; }
  constexpr Base c1() const { return c1_; }
  constexpr bool is_zero() const { return c0_.is_zero() && c1_.is_zero(); }
  constexpr bool in_base_field() const { return c1_.is_zero(); }

  friend constexpr bool operator==(const QuadraticExtension& a, const QuadraticExtension& b) {
    return a.c0_ == b.c0_ && a.c1_ == b.c1_;
  }
  friend constexpr QuadraticExtension operator+(const QuadraticExtension& a,
                                                const QuadraticExtension& b) {
    return {a.c0_ + b.c0_, a.c1_ + b.c1_};
  }
  friend constexpr QuadraticExtension operator-(const QuadraticExtension& a,
                                                const QuadraticExtension& b) {
    return {a.c0_ - b.c0_, a.c1_ - b.c1_};
  }
  constexpr QuadraticExtension operator-() const { return {-c0_, -c1_}; }
  friend constexpr QuadraticExtension operator*(const QuadraticExtension& a,
                                                const QuadraticExtension& b) {
    if constexpr (std::is_same_v<Base, Goldilocks>) {
      // Schoolbook with deferred reduction: each coefficient is one reduced sum of two
      // 128-bit products, c0 = a0 b0 + a1 (W b1) and c1 = a0 b1 + a1 b0 (W b1 as any word
      // congruent to it: it is only a factor).
      return {Base::from_canonical(Base::sum_of_word_products(a.c0_.value(), b.c0_.value(), a.c1_.value(),
                                                              Base::mul_small_word(b.c1_, W))),
              Base::sum_of_products(a.c0_, b.c1_, a.c1_, b.c0_)};
    } else {
      const Base v0 = a.c0_ * b.c0_;
      const Base v1 = a.c1_ * b.c1_;
      const Base cross = (a.c0_ + a.c1_) * (b.c0_ + b.c1_);
      return {v0 + mul_by_w(v1), cross - v0 - v1};
    }
  }
  // a * b + c with one reduction per coefficient (the folding step t + (h - t) r).
  static constexpr QuadraticExtension mul_add(const QuadraticExtension& a,
                                              const QuadraticExtension& b,
                                              const QuadraticExtension& c) {
    if constexpr (std::is_same_v<Base, Goldilocks>) {
      return {Base::sum_of_products_plus(a.c0_, b.c0_, a.c1_, Base::mul_small(b.c1_, W), c.c0_),
              Base::sum_of_products_plus(a.c0_, b.c1_, a.c1_, b.c0_, c.c1_)};
    } else {
      return a * b + c;
    }
  }
  // Mixed product with a base-field element: two base multiplications.
  friend constexpr QuadraticExtension operator*(const QuadraticExtension& a, Base b) {
    return {a.c0_ * b, a.c1_ * b};
  }
  friend constexpr QuadraticExtension operator*(Base b, const QuadraticExtension& a) {
    return a * b;
  }
  constexpr QuadraticExtension& operator+=(const QuadraticExtension& o) { return *this = *this + o; }
  constexpr QuadraticExtension& operator-=(const QuadraticExtension& o) { return *this = *this - o; }
  constexpr QuadraticExtension& operator*=(const QuadraticExtension& o) { return *this = *this * o; }
  constexpr QuadraticExtension& operator*=(Base o) { return *this = *this * o; }

  constexpr QuadraticExtension square() const { return *this * *this; }
  constexpr QuadraticExtension pow(uint64_t e) const {
    QuadraticExtension base = *this, acc = one();
    while (e) {
      if (e & 1) acc *= base;
      base = base.square();
      e >>= 1;
    }
    return acc;
  }
  // Inverse of zero is zero.
  constexpr QuadraticExtension inverse() const {
    const Base norm = c0_.square() - mul_by_w(c1_.square());
    const Base inv = norm.inverse();
    return {c0_ * inv, -(c1_ * inv)};
  }

  void to_bytes(uint8_t* out) const {
    c0_.to_bytes(out);
    c1_.to_bytes(out + Base::BYTES);
  }
  static std::optional<QuadraticExtension> from_bytes(const uint8_t* in) {
    auto a = Base::from_bytes(in);
    auto b = Base::from_bytes(in + Base::BYTES);
    if (!a || !b) return std::nullopt;
    return QuadraticExtension(*a, *b);
  }
  template <class Rng>
  static QuadraticExtension random(Rng& rng) {
    Base a = Base::random(rng);
    return {a, Base::random(rng)};
  }

  friend std::ostream& operator<<(std::ostream& os, const QuadraticExtension& a) {
    return os << "(" << a.c0_ << " + " << a.c1_ << "*X)";
  }

 private:
  static constexpr Base mul_by_w(Base x) {
    if constexpr (std::is_same_v<Base, Goldilocks>) {
      return Base::mul_small(x, W);
    } else {
      return x * Base::from_u64(W);
    }
  }
  Base c0_{};
  Base c1_{};
};

using GoldilocksExt2 = QuadraticExtension<Goldilocks, 7>;

}  // namespace zk
