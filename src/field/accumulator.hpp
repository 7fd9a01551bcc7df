// Sums of products with deferred modular reduction, for the inner loops of sum-check provers.
//   ProductAccumulator<Field> acc;  acc.add_product(a, b); ...;  Field s = acc.reduce();
// For Goldilocks the 128-bit products are added without reduction into a 128-bit sum plus a
// count of wraps past 2^128; reduce() folds the wraps back with 2^128 = -2^32 (mod p) and
// reduces once (inside reduce129 up to 2^32 - 2 wraps, a separate product beyond that, which
// only sums of billions of products reach). For the quadratic extension, sum a_i b_i has components
//   c0 = sum a0 b0 + W sum a1 b1,  c1 = sum (a0 b1 + a1 b0),
// so three Goldilocks accumulators suffice (4 multiplications, no reduction, per product).
// Any other field falls back to reducing at every step.
#pragma once

#include "field/extension.hpp"
#include "field/goldilocks.hpp"

namespace zk {

template <class Field>
class ProductAccumulator {
 public:
  void add_product(const Field& a, const Field& b) { sum_ += a * b; }
  void add(const Field& a) { sum_ += a; }
  void merge(const ProductAccumulator& o) { sum_ += o.sum_; }
  Field reduce() const { return sum_; }

 private:
  Field sum_{};
};

template <>
class ProductAccumulator<Goldilocks> {
 public:
  void add_product(Goldilocks a, Goldilocks b) { add_wide(static_cast<uint128_t>(a.value()) * b.value()); }
  void add(Goldilocks a) { add_wide(a.value()); }
  void merge(const ProductAccumulator& o) {
    add_wide(o.wide_);
    wraps_ += o.wraps_;
  }
  Goldilocks reduce() const {
    if (wraps_ <= Goldilocks::kMaxWraps) return Goldilocks::from_canonical(Goldilocks::reduce129(wide_, wraps_));
    const Goldilocks wrapped = Goldilocks::from_u64(wraps_) * Goldilocks::from_u64(uint64_t{1} << 32);
    return Goldilocks::from_canonical(Goldilocks::reduce128(wide_)) - wrapped;
  }

 private:
  void add_wide(uint128_t x) {
    wide_ += x;
    wraps_ += wide_ < x;
  }
  uint128_t wide_ = 0;
  uint64_t wraps_ = 0;
};

template <uint64_t W>
class ProductAccumulator<QuadraticExtension<Goldilocks, W>> {
  using Ext = QuadraticExtension<Goldilocks, W>;

 public:
  void add_product(const Ext& a, const Ext& b) {
    c00_.add_product(a.c0(), b.c0());
    c11_.add_product(a.c1(), b.c1());
    c01_.add_product(a.c0(), b.c1());
    c01_.add_product(a.c1(), b.c0());
  }
  void add(const Ext& a) {
    c00_.add(a.c0());
    c01_.add(a.c1());
  }
  void merge(const ProductAccumulator& o) {
    c00_.merge(o.c00_);
    c11_.merge(o.c11_);
    c01_.merge(o.c01_);
  }
  Ext reduce() const {
    return {c00_.reduce() + Goldilocks::from_u64(W) * c11_.reduce(), c01_.reduce()};
  }

 private:
  ProductAccumulator<Goldilocks> c00_, c11_, c01_;
};

}  // namespace zk
