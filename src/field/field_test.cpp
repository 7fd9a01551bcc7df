// Field tests: axioms on random and edge values for Goldilocks, its quadratic extension and
// small prime fields; Goldilocks-specific behaviour (reduction, signed embedding, canonical
// encodings, roots of unity); batch inversion; and the known-answer vectors written by the
// independent Python reference tests/ref/field_ref.py into tests/ref/vectors.txt.
#include "field/field.hpp"
#include "field/goldilocks_avx2.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <random>
#include <string>
#include <vector>

#include "../../tests/ref/ref_vectors.hpp"

namespace zk {
namespace {

constexpr uint64_t kP = Goldilocks::MODULUS;
using Small97 = SmallPrimeField<97>;
using SmallM31 = SmallPrimeField<2147483647u>;

// The modulus must be what the documentation says.
static_assert(kP == (uint64_t{0} - (uint64_t{1} << 32)) + 1, "p = 2^64 - 2^32 + 1");
// Compile-time evaluation works (the arithmetic is constexpr).
static_assert((Goldilocks::from_u64(kP - 1) + Goldilocks::one()).is_zero());
static_assert((Goldilocks::from_u64(1ull << 32) * Goldilocks::from_u64(1ull << 32)) ==
              Goldilocks::from_u64((1ull << 32) - 1));  // 2^64 = 2^32 - 1 (mod p)

// A few edge words of the 64-bit range, as raw u64 (reduced by from_u64 where used).
const std::vector<uint64_t>& edge_words() {
  static const std::vector<uint64_t> words = {
      0, 1, 2, 3, 7, kP - 1, kP - 2, kP - 3, (kP - 1) / 2, (kP + 1) / 2,
      (1ull << 31), (1ull << 32) - 2, (1ull << 32) - 1, (1ull << 32), (1ull << 32) + 1,
      (1ull << 48), (1ull << 63) - 1, (1ull << 63), (1ull << 63) + 1, 0xFFFFFFFF00000000ull,
      0xFFFFFFFE00000002ull, 0x00000000FFFFFFFFull, 0x123456789ABCDEF0ull};
  return words;
}

// ---------------------------------------------------------------------------------------------
// Typed axioms for every field type.
// ---------------------------------------------------------------------------------------------
template <class Fld>
std::vector<Fld> edge_values();

template <>
std::vector<Goldilocks> edge_values<Goldilocks>() {
  std::vector<Goldilocks> out;
  for (uint64_t w : edge_words()) out.push_back(Goldilocks::from_u64(w));
  return out;
}
template <>
std::vector<GoldilocksExt2> edge_values<GoldilocksExt2>() {
  const std::vector<Goldilocks> base = edge_values<Goldilocks>();
  std::vector<GoldilocksExt2> out;
  for (size_t i = 0; i < base.size(); ++i)
    for (size_t j = 0; j < base.size(); j += 4) out.emplace_back(base[i], base[j]);
  return out;
}
template <uint32_t Q>
std::vector<SmallPrimeField<Q>> small_edges() {
  std::vector<SmallPrimeField<Q>> out;
  for (uint64_t w : {uint64_t{0}, uint64_t{1}, uint64_t{2}, uint64_t{Q - 1}, uint64_t{Q - 2},
                     uint64_t{Q / 2}, uint64_t{Q / 2 + 1}})
    out.push_back(SmallPrimeField<Q>::from_u64(w));
  return out;
}
template <>
std::vector<Small97> edge_values<Small97>() {
  return small_edges<97>();
}
template <>
std::vector<SmallM31> edge_values<SmallM31>() {
  return small_edges<2147483647u>();
}

// Edge values plus deterministic random values.
template <class Fld>
std::vector<Fld> sample_values(uint64_t seed, size_t random_count) {
  std::vector<Fld> out = edge_values<Fld>();
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < random_count; ++i) out.push_back(Fld::random(rng));
  return out;
}

template <class Fld>
class FieldAxioms : public ::testing::Test {};
using FieldTypes = ::testing::Types<Goldilocks, GoldilocksExt2, Small97, SmallM31>;
TYPED_TEST_SUITE(FieldAxioms, FieldTypes);

TYPED_TEST(FieldAxioms, AdditiveGroup) {
  using Fld = TypeParam;
  const auto v = sample_values<Fld>(1, 60);
  const Fld zero = Fld::zero();
  for (size_t i = 0; i < v.size(); ++i) {
    const Fld& a = v[i];
    EXPECT_EQ(a + zero, a);
    EXPECT_EQ(zero + a, a);
    EXPECT_EQ(a - zero, a);
    EXPECT_EQ(a - a, zero);
    EXPECT_EQ(a + (-a), zero);
    EXPECT_EQ(-(-a), a);
    EXPECT_EQ(zero - a, -a);
    for (size_t j = 0; j < v.size(); j += 3) {
      const Fld& b = v[j];
      EXPECT_EQ(a + b, b + a);
      EXPECT_EQ(a - b, a + (-b));
      EXPECT_EQ((a - b) + b, a);
      EXPECT_EQ(a - b, -(b - a));
      const Fld& c = v[(i * 7 + j * 13 + 5) % v.size()];
      EXPECT_EQ((a + b) + c, a + (b + c));
      Fld acc = a;
      acc += b;
      EXPECT_EQ(acc, a + b);
      acc -= b;
      EXPECT_EQ(acc, a);
    }
  }
}

TYPED_TEST(FieldAxioms, MultiplicativeGroupAndDistributivity) {
  using Fld = TypeParam;
  const auto v = sample_values<Fld>(2, 60);
  const Fld zero = Fld::zero(), one = Fld::one();
  EXPECT_NE(zero, one);
  EXPECT_TRUE(zero.is_zero());
  EXPECT_FALSE(one.is_zero());
  for (size_t i = 0; i < v.size(); ++i) {
    const Fld& a = v[i];
    EXPECT_EQ(a * one, a);
    EXPECT_EQ(one * a, a);
    EXPECT_EQ(a * zero, zero);
    EXPECT_EQ(a.square(), a * a);
    EXPECT_EQ(a * (-one), -a);
    EXPECT_EQ((-a) * (-a), a * a);
    for (size_t j = 0; j < v.size(); j += 3) {
      const Fld& b = v[j];
      const Fld& c = v[(i * 11 + j * 5 + 1) % v.size()];
      EXPECT_EQ(a * b, b * a);
      EXPECT_EQ((a * b) * c, a * (b * c));
      EXPECT_EQ(a * (b + c), a * b + a * c);
      EXPECT_EQ((a - b) * c, a * c - b * c);
      Fld acc = a;
      acc *= b;
      EXPECT_EQ(acc, a * b);
    }
  }
}

TYPED_TEST(FieldAxioms, InversesAndPowers) {
  using Fld = TypeParam;
  const auto v = sample_values<Fld>(3, 60);
  const Fld one = Fld::one();
  EXPECT_EQ(Fld::zero().inverse(), Fld::zero());  // documented convention
  EXPECT_EQ(one.inverse(), one);
  EXPECT_EQ((-one).inverse(), -one);
  for (const Fld& a : v) {
    EXPECT_EQ(a.pow(0), one);
    EXPECT_EQ(a.pow(1), a);
    EXPECT_EQ(a.pow(2), a * a);
    EXPECT_EQ(a.pow(5), a * a * a * a * a);
    EXPECT_EQ(a.pow(13) * a.pow(29), a.pow(42));
    EXPECT_EQ(a.pow(6), a.pow(3).pow(2));
    if (a.is_zero()) continue;
    const Fld inv = a.inverse();
    EXPECT_EQ(a * inv, one);
    EXPECT_EQ(inv.inverse(), a);
    EXPECT_EQ((a * a).inverse(), inv * inv);
  }
}

TYPED_TEST(FieldAxioms, BytesRoundTrip) {
  using Fld = TypeParam;
  const auto v = sample_values<Fld>(4, 100);
  for (const Fld& a : v) {
    std::array<uint8_t, Fld::BYTES> bytes{};
    a.to_bytes(bytes.data());
    const auto back = Fld::from_bytes(bytes.data());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, a);
  }
  // All-ones bytes are never canonical (every modulus here is < 2^(8 BYTES) - 1).
  std::array<uint8_t, Fld::BYTES> ones;
  ones.fill(0xFF);
  EXPECT_FALSE(Fld::from_bytes(ones.data()).has_value());
}

TYPED_TEST(FieldAxioms, BatchInvertWithZeros) {
  using Fld = TypeParam;
  std::mt19937_64 rng(5);
  std::vector<Fld> values;
  for (size_t i = 0; i < 37; ++i) {
    Fld x = Fld::random(rng);
    if (i == 0 || i == 17 || i == 18 || i == 36) x = Fld::zero();
    if (x.is_zero() && i != 0 && i != 17 && i != 18 && i != 36) x = Fld::one();
    values.push_back(x);
  }
  values[5] = Fld::one();
  values[6] = -Fld::one();
  std::vector<Fld> inverted = values;
  batch_invert<Fld>(inverted);
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].is_zero()) {
      EXPECT_TRUE(inverted[i].is_zero()) << i;
    } else {
      EXPECT_EQ(inverted[i], values[i].inverse()) << i;
      EXPECT_EQ(inverted[i] * values[i], Fld::one()) << i;
    }
  }
  // Degenerate inputs.
  std::vector<Fld> empty;
  batch_invert<Fld>(empty);
  EXPECT_TRUE(empty.empty());
  std::vector<Fld> zeros(4, Fld::zero());
  batch_invert<Fld>(zeros);
  for (const Fld& z : zeros) EXPECT_TRUE(z.is_zero());
  std::vector<Fld> single = {values[1].is_zero() ? Fld::one() + Fld::one() : values[1]};
  const Fld expect = single[0].inverse();
  batch_invert<Fld>(single);
  EXPECT_EQ(single[0], expect);
}

TYPED_TEST(FieldAxioms, AppendFieldBytesConcatenatesEncodings) {
  using Fld = TypeParam;
  const auto v = sample_values<Fld>(6, 5);
  std::vector<uint8_t> out = {0xAB};
  append_field_bytes<Fld>(out, v);
  ASSERT_EQ(out.size(), 1 + v.size() * Fld::BYTES);
  EXPECT_EQ(out[0], 0xAB);
  for (size_t i = 0; i < v.size(); ++i) {
    auto back = Fld::from_bytes(out.data() + 1 + i * Fld::BYTES);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, v[i]);
  }
}

// ---------------------------------------------------------------------------------------------
// Goldilocks specifics, checked against plain 128-bit arithmetic.
// ---------------------------------------------------------------------------------------------
uint64_t mod_p(uint128_t x) { return static_cast<uint64_t>(x % kP); }

std::vector<uint64_t> canonical_samples(uint64_t seed, size_t n) {
  std::vector<uint64_t> out;
  for (uint64_t w : edge_words()) out.push_back(w % kP);
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < n; ++i) out.push_back(rng() % kP);
  // Values with all-ones / all-zeros halves stress the 2^32 carries of the reduction.
  for (uint64_t hi : {0ull, 1ull, 0xFFFFFFFEull})
    for (uint64_t lo : {0ull, 1ull, 0xFFFFFFFFull, 0xFFFFFFFEull}) out.push_back((hi << 32) | lo);
  return out;
}

TEST(Goldilocks, ArithmeticMatchesWideIntegers) {
  const auto v = canonical_samples(7, 150);
  for (uint64_t a : v) {
    ASSERT_LT(a, kP);
    const Goldilocks fa = Goldilocks::from_canonical(a);
    EXPECT_EQ((-fa).value(), mod_p(uint128_t{kP} - a));
    for (uint64_t b : v) {
      const Goldilocks fb = Goldilocks::from_canonical(b);
      const uint64_t sum = (fa + fb).value(), diff = (fa - fb).value(), prod = (fa * fb).value();
      ASSERT_EQ(sum, mod_p(uint128_t{a} + b)) << a << " + " << b;
      ASSERT_EQ(diff, mod_p(uint128_t{a} + kP - b)) << a << " - " << b;
      ASSERT_EQ(prod, mod_p(uint128_t{a} * b)) << a << " * " << b;
    }
  }
}

TEST(Goldilocks, Reduce128MatchesModulo) {
  std::vector<uint64_t> words = edge_words();
  for (uint64_t w : std::initializer_list<uint64_t>{0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFFFFFFFFFEull, kP, kP + 1})
    words.push_back(w);
  std::mt19937_64 rng(8);
  for (int i = 0; i < 20; ++i) words.push_back(rng());
  for (uint64_t hi : words)
    for (uint64_t lo : words) {
      const uint128_t x = (uint128_t{hi} << 64) | lo;
      const uint64_t r = Goldilocks::reduce128(x);
      ASSERT_LT(r, kP);
      ASSERT_EQ(r, mod_p(x)) << "hi " << hi << " lo " << lo;
    }
}

TEST(Goldilocks, DeferredReductionHelpersMatchModulo) {
  const auto v = canonical_samples(13, 30);
  const uint64_t two128 = mod_p(uint128_t{Goldilocks::EPSILON} * Goldilocks::EPSILON);  // 2^128 mod p
  for (uint64_t a : v) {
    const Goldilocks fa = Goldilocks::from_canonical(a);
    for (uint64_t k : std::initializer_list<uint64_t>{0, 1, 2, 7, 65537, 0xFFFFFFFFull})
      ASSERT_EQ(Goldilocks::mul_small(fa, k).value(), mod_p(uint128_t{a} * k)) << a << " * " << k;
    for (uint64_t b : v) {
      const uint128_t x = uint128_t{a} * b;
      ASSERT_EQ(Goldilocks::reduce129(x, false), mod_p(x));
      ASSERT_EQ(Goldilocks::reduce129(x, true), mod_p(uint128_t{mod_p(x)} + two128));
      for (uint64_t wraps : {uint64_t{2}, uint64_t{1} << 31, Goldilocks::kMaxWraps})
        ASSERT_EQ(Goldilocks::reduce129(x, wraps), mod_p(uint128_t{mod_p(x)} + uint128_t{mod_p(uint128_t{wraps} * two128)}))
            << a << " * " << b << " + " << wraps << " * 2^128";
      const uint64_t c = v[(a ^ b) % v.size()], d = v[(a + 3 * b) % v.size()];
      const uint64_t expect = mod_p(uint128_t{mod_p(x)} + mod_p(uint128_t{c} * d));
      ASSERT_EQ(Goldilocks::sum_of_products(fa, Goldilocks::from_canonical(b),
                                            Goldilocks::from_canonical(c),
                                            Goldilocks::from_canonical(d))
                    .value(),
                expect)
          << a << " " << b << " " << c << " " << d;
    }
  }
  // Word-level forms: any 64-bit words, canonical or not.
  const std::vector<uint64_t> words = {0, 1, kP - 1, kP, kP + 1, 0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFF80000000ull, v[0], v[1]};
  for (uint64_t a : words) {
    ASSERT_EQ(Goldilocks::mul_small_word(Goldilocks::from_u64(a), 7) % kP, mod_p(uint128_t{mod_p(a)} * 7)) << a;
    for (uint64_t b : words)
      for (uint64_t c : words)
        ASSERT_EQ(Goldilocks::sum_of_word_products(a, b, c, 0xFFFFFFFFFFFFFFFFull),
                  mod_p(uint128_t{mod_p(uint128_t{a} * b)} + mod_p(uint128_t{c} * 0xFFFFFFFFFFFFFFFFull)))
            << a << " " << b << " " << c;
  }
  // The largest inputs: (p-1)^2 + (p-1)^2 overflows 128 bits.
  const Goldilocks m = -Goldilocks::one();
  EXPECT_EQ(Goldilocks::sum_of_products(m, m, m, m), Goldilocks::from_u64(2));
  // ... and adding p - 1 as well wraps a second time when the sum sits just below 2^128.
  EXPECT_EQ(Goldilocks::sum_of_products_plus(m, m, m, m, m), Goldilocks::one());
  for (uint64_t a : v) {
    for (uint64_t b : v) {
      const Goldilocks fa = Goldilocks::from_canonical(a), fb = Goldilocks::from_canonical(b);
      const Goldilocks c = Goldilocks::from_canonical(v[(a + b) % v.size()]);
      ASSERT_EQ(Goldilocks::sum_of_products_plus(fa, fb, fb, fa, c), fa * fb + fb * fa + c);
      ASSERT_EQ(Goldilocks::sum_of_products_plus(fa, fb, m, m, m), fa * fb + m * m + m);
    }
  }
}

TEST(GoldilocksExt2, MulAddMatchesProductPlusSum) {
  std::mt19937_64 rng(29);
  const Goldilocks m = -Goldilocks::one();
  const GoldilocksExt2 extreme(m, m);
  for (int i = 0; i < 2000; ++i) {
    const GoldilocksExt2 a = i % 3 ? GoldilocksExt2::random(rng) : extreme;
    const GoldilocksExt2 b = i % 5 ? GoldilocksExt2::random(rng) : extreme;
    const GoldilocksExt2 c = i % 7 ? GoldilocksExt2::random(rng) : extreme;
    ASSERT_EQ(GoldilocksExt2::mul_add(a, b, c), a * b + c);
  }
}

template <class Fld>
void check_accumulator(uint64_t seed, const std::vector<Fld>& extra) {
  std::mt19937_64 rng(seed);
  std::vector<Fld> a(300), b(300);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = Fld::random(rng);
    b[i] = Fld::random(rng);
  }
  // Many maximal products force the Goldilocks 128-bit sum to wrap repeatedly.
  for (const Fld& x : extra) {
    for (int rep = 0; rep < 50; ++rep) {
      a.push_back(x);
      b.push_back(x);
    }
  }
  ProductAccumulator<Fld> whole, first, second;
  Fld naive = Fld::zero();
  for (size_t i = 0; i < a.size(); ++i) {
    whole.add_product(a[i], b[i]);
    (i % 2 ? first : second).add_product(a[i], b[i]);
    naive += a[i] * b[i];
  }
  EXPECT_EQ(whole.reduce(), naive);
  first.merge(second);
  EXPECT_EQ(first.reduce(), naive);
  whole.add(a[0]);
  whole.add(-Fld::one());
  EXPECT_EQ(whole.reduce(), naive + a[0] - Fld::one());
  EXPECT_EQ(ProductAccumulator<Fld>().reduce(), Fld::zero());
}

TEST(ProductAccumulator, MatchesReducedSums) {
  const Goldilocks m = -Goldilocks::one();
  check_accumulator<Goldilocks>(14, {m, m - Goldilocks::one()});
  check_accumulator<GoldilocksExt2>(15, {GoldilocksExt2(m, m), GoldilocksExt2(Goldilocks::zero(), m)});
  check_accumulator<Small97>(16, {-Small97::one()});
}

TEST(ProductAccumulator, MoreWrapsThanReduce129Takes) {
  // Merging an accumulator into a copy of itself doubles its sum and its wrap count: 40
  // doublings of two maximal products pass 2^32 wraps, where reduce() leaves reduce129.
  const Goldilocks m = -Goldilocks::one();
  ProductAccumulator<Goldilocks> acc;
  acc.add_product(m, m);
  acc.add_product(m, m);
  Goldilocks expect = m * m + m * m;
  for (int doubling = 0; doubling < 40; ++doubling) {
    const ProductAccumulator<Goldilocks> copy = acc;
    acc.merge(copy);
    expect += expect;
    ASSERT_EQ(acc.reduce(), expect) << "after " << doubling + 1 << " doublings";
  }
}

// The AVX2 lanes (where the target has AVX2) compute the scalar operations bit for bit: every
// pair of a set of edge values (around 0, 2^32, 2^63 and p) and random pairs, in all four lanes.
TEST(GoldilocksAvx2, LanesMatchTheScalarOperations) {
#if defined(ZK_HAVE_AVX2)
  using G = Goldilocks;
  std::vector<G> values;
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{2}, G::EPSILON - 1, G::EPSILON, G::EPSILON + 1,
                     uint64_t{1} << 32, (uint64_t{1} << 63) - 1, uint64_t{1} << 63, (uint64_t{1} << 63) + 1,
                     G::MODULUS - G::EPSILON, G::MODULUS - 2, G::MODULUS - 1})
    values.push_back(G::from_canonical(v));
  std::mt19937_64 rng(9);
  for (int i = 0; i < 4000; ++i) values.push_back(G::random(rng));
  std::vector<std::pair<G, G>> pairs;
  for (size_t i = 0; i < 13; ++i)
    for (size_t j = 0; j < 13; ++j) pairs.emplace_back(values[i], values[j]);
  for (size_t i = 13; i + 1 < values.size(); i += 2) pairs.emplace_back(values[i], values[i + 1]);
  while (pairs.size() % 4) pairs.emplace_back(values[0], values[1]);
  for (size_t k = 0; k < pairs.size(); k += 4) {
    std::array<G, 4> a, b, sum, difference, product, lo, hi, twiddle;
    for (size_t l = 0; l < 4; ++l) std::tie(a[l], b[l]) = pairs[k + l];
    avx2::store(sum.data(), avx2::add(avx2::load(a.data()), avx2::load(b.data())));
    avx2::store(difference.data(), avx2::sub(avx2::load(a.data()), avx2::load(b.data())));
    avx2::store(product.data(), avx2::mul(avx2::load(a.data()), avx2::load(b.data())));
    lo = a;
    hi = b;
    twiddle = {b[3], a[2], b[1], a[0]};
    avx2::butterfly(lo.data(), hi.data(), twiddle.data());
    for (size_t l = 0; l < 4; ++l) {
      EXPECT_EQ(sum[l], a[l] + b[l]) << a[l] << " + " << b[l];
      EXPECT_EQ(difference[l], a[l] - b[l]) << a[l] << " - " << b[l];
      EXPECT_EQ(product[l], a[l] * b[l]) << a[l] << " * " << b[l];
      EXPECT_EQ(lo[l], a[l] + twiddle[l] * b[l]);
      EXPECT_EQ(hi[l], a[l] - twiddle[l] * b[l]);
    }
  }
#else
  GTEST_SKIP() << "the target has no AVX2";
#endif
}

TEST(Goldilocks, FromU64ReducesNonCanonicalWords) {
  for (uint64_t w : std::initializer_list<uint64_t>{kP, kP + 1, kP + 2, 0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFFFFFFFFFEull,
                     0xFFFFFFFF80000000ull}) {
    EXPECT_EQ(Goldilocks::from_u64(w).value(), w - kP) << w;
    EXPECT_LT(Goldilocks::from_u64(w).value(), kP);
  }
  for (uint64_t w : edge_words()) EXPECT_EQ(Goldilocks::from_u64(w).value(), w % kP) << w;
  EXPECT_EQ(Goldilocks::from_u64(kP), Goldilocks::zero());
  EXPECT_EQ(Goldilocks::from_u64(kP - 1), -Goldilocks::one());
}

TEST(Goldilocks, SignedEmbeddingRoundTrips) {
  const int64_t half = static_cast<int64_t>((kP - 1) / 2);  // 2^63 - 2^31
  std::vector<int64_t> values = {0, 1, -1, 2, -2, 127, -128, 1 << 30, -(1 << 30),
                                 int64_t{1} << 32, -(int64_t{1} << 32), half, -half,
                                 half - 1, -half + 1};
  std::mt19937_64 rng(9);
  for (int i = 0; i < 200; ++i) {
    const uint64_t u = rng() % (2 * static_cast<uint64_t>(half) + 1);  // [0, 2 half]
    const int64_t x = static_cast<int64_t>(u - static_cast<uint64_t>(half));  // [-half, half]
    values.push_back(x);
    values.push_back(x >> 20);  // small magnitudes, as quantized activations are
  }
  for (int64_t x : values) {
    const Goldilocks f = Goldilocks::from_i64(x);
    EXPECT_EQ(f.to_signed(), x) << x;
    EXPECT_EQ(f + Goldilocks::from_i64(-x), Goldilocks::zero()) << x;
    if (x >= 0) {
      EXPECT_EQ(f.value(), static_cast<uint64_t>(x));
    } else {
      EXPECT_EQ(f.value(), kP - static_cast<uint64_t>(-x));
    }
  }
  // Representatives live in (-p/2, p/2]: (p-1)/2 stays positive, (p+1)/2 becomes negative.
  EXPECT_EQ(Goldilocks::from_canonical((kP - 1) / 2).to_signed(), half);
  EXPECT_EQ(Goldilocks::from_canonical((kP + 1) / 2).to_signed(), -half);
  EXPECT_EQ(Goldilocks::from_canonical(kP - 1).to_signed(), -1);
  // Out-of-range integers are reduced mod p.
  const int64_t mn = std::numeric_limits<int64_t>::min(), mx = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(Goldilocks::from_i64(mn).value(), kP - (uint64_t{1} << 63));
  EXPECT_EQ(Goldilocks::from_i64(mx).value(), (uint64_t{1} << 63) - 1);
  EXPECT_EQ(Goldilocks::from_i64(half + 1).to_signed(), -half);
  EXPECT_EQ(Goldilocks::from_i64(mn) + Goldilocks::from_i64(mx), -Goldilocks::one());
  // Products of small signed values behave like integers.
  EXPECT_EQ((Goldilocks::from_i64(-123456) * Goldilocks::from_i64(789)).to_signed(),
            int64_t{-123456} * 789);
}

void put_le(uint8_t* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

TEST(Goldilocks, BytesAreLittleEndianAndCanonical) {
  uint8_t b[8];
  Goldilocks::from_u64(0x0102030405060708ull).to_bytes(b);
  const uint8_t expect[8] = {8, 7, 6, 5, 4, 3, 2, 1};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(b[i], expect[i]);
  for (uint64_t bad : std::initializer_list<uint64_t>{kP, kP + 1, 0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFF80000000ull}) {
    put_le(b, bad);
    EXPECT_FALSE(Goldilocks::from_bytes(b).has_value()) << bad;
  }
  for (uint64_t good : std::initializer_list<uint64_t>{uint64_t{0}, kP - 1, 0xFFFFFFFE00000000ull, 0xFFFFFFFFull}) {
    put_le(b, good);
    auto f = Goldilocks::from_bytes(b);
    ASSERT_TRUE(f.has_value()) << good;
    EXPECT_EQ(f->value(), good);
  }
}

TEST(Goldilocks, GeneratorAndRootsOfUnity) {
  const Goldilocks one = Goldilocks::one();
  const Goldilocks g = Goldilocks::from_u64(Goldilocks::GENERATOR);
  // p - 1 = 2^32 * 3 * 5 * 17 * 257 * 65537; g generates F_p^* iff g^((p-1)/q) != 1 for each q.
  ASSERT_EQ((uint64_t{1} << 32) * 3 * 5 * 17 * 257 * 65537, kP - 1);
  for (uint64_t q : std::initializer_list<uint64_t>{2, 3, 5, 17, 257, 65537})
    EXPECT_NE(g.pow((kP - 1) / q), one) << q;
  EXPECT_EQ(g.pow(kP - 1), one);
  EXPECT_EQ(Goldilocks::root_of_unity(0), one);
  for (int k = 1; k <= Goldilocks::TWO_ADICITY; ++k) {
    const Goldilocks w = Goldilocks::root_of_unity(k);
    EXPECT_EQ(w.pow(uint64_t{1} << k), one) << k;
    EXPECT_EQ(w.pow(uint64_t{1} << (k - 1)), -one) << k;  // order exactly 2^k
    EXPECT_EQ(w.square(), Goldilocks::root_of_unity(k - 1)) << k;
  }
  // Known small roots: order 2 is -1, order 4 is 2^48 or its negative (2^96 = -1).
  EXPECT_EQ(Goldilocks::root_of_unity(1), -one);
  const Goldilocks i4 = Goldilocks::root_of_unity(2);
  EXPECT_TRUE(i4 == Goldilocks::from_u64(1ull << 48) || i4 == -Goldilocks::from_u64(1ull << 48));
}

TEST(Goldilocks, FermatAndRandomIsCanonical) {
  std::mt19937_64 rng(10);
  for (int i = 0; i < 100; ++i) {
    const Goldilocks a = Goldilocks::random(rng);
    ASSERT_LT(a.value(), kP);
    EXPECT_EQ(a.pow(kP), a);
    if (!a.is_zero()) {
      EXPECT_EQ(a.pow(kP - 1), Goldilocks::one());
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Extension specifics.
// ---------------------------------------------------------------------------------------------
TEST(GoldilocksExt2, NonResidueAndBasisRelations) {
  using Ext = GoldilocksExt2;
  const Goldilocks w = Goldilocks::from_u64(Ext::NON_RESIDUE);
  EXPECT_EQ(Ext::NON_RESIDUE, 7u);
  // Euler's criterion: 7 is a non-residue, so X^2 - 7 is irreducible and E is a field.
  EXPECT_EQ(w.pow((kP - 1) / 2), -Goldilocks::one());
  const Ext x(Goldilocks::zero(), Goldilocks::one());
  EXPECT_EQ(x * x, Ext(w));
  EXPECT_EQ(x.inverse(), Ext(Goldilocks::zero(), w.inverse()));
  EXPECT_TRUE(Ext(w).in_base_field());
  EXPECT_FALSE(x.in_base_field());
  EXPECT_EQ(Ext::from_u64(kP + 5), Ext(Goldilocks::from_u64(5)));
  EXPECT_EQ(Ext::from_i64(-3), -Ext(Goldilocks::from_u64(3)));
}

TEST(GoldilocksExt2, FrobeniusIsConjugation) {
  // a^p = c0 - c1 X (X^p = 7^((p-1)/2) X = -X), and a^(p^2) = a.
  using Ext = GoldilocksExt2;
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20; ++i) {
    const Ext a = Ext::random(rng);
    const Ext frob = a.pow(kP);
    EXPECT_EQ(frob, Ext(a.c0(), -a.c1()));
    EXPECT_EQ(frob.pow(kP), a);
    // The norm a * a^p lies in the base field and is nonzero for a != 0.
    const Ext norm = a * frob;
    EXPECT_TRUE(norm.in_base_field());
    if (!a.is_zero()) {
      EXPECT_FALSE(norm.is_zero());
    }
  }
}

TEST(GoldilocksExt2, MixedProductsMatchEmbedding) {
  using Ext = GoldilocksExt2;
  std::mt19937_64 rng(12);
  for (int i = 0; i < 50; ++i) {
    const Ext a = Ext::random(rng);
    const Goldilocks b = Goldilocks::random(rng);
    EXPECT_EQ(a * b, a * Ext(b));
    EXPECT_EQ(b * a, Ext(b) * a);
    Ext acc = a;
    acc *= b;
    EXPECT_EQ(acc, a * Ext(b));
    // Base-field arithmetic is preserved by the embedding.
    const Goldilocks c = Goldilocks::random(rng);
    EXPECT_EQ(Ext(b) * Ext(c), Ext(b * c));
    EXPECT_EQ(Ext(b) + Ext(c), Ext(b + c));
    if (!b.is_zero()) {
      EXPECT_EQ(Ext(b).inverse(), Ext(b.inverse()));
    }
  }
}

TEST(GoldilocksExt2, FromBytesRejectsEitherNonCanonicalHalf) {
  using Ext = GoldilocksExt2;
  uint8_t b[16];
  const Ext a(Goldilocks::from_u64(123), Goldilocks::from_u64(kP - 1));
  a.to_bytes(b);
  uint8_t expect_c1[8];
  Goldilocks::from_u64(kP - 1).to_bytes(expect_c1);
  EXPECT_EQ(b[0], 123);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(b[8 + i], expect_c1[i]);  // c0 then c1
  ASSERT_TRUE(Ext::from_bytes(b).has_value());
  put_le(b, kP);
  EXPECT_FALSE(Ext::from_bytes(b).has_value());
  a.to_bytes(b);
  put_le(b + 8, 0xFFFFFFFFFFFFFFFFull);
  EXPECT_FALSE(Ext::from_bytes(b).has_value());
}

// ---------------------------------------------------------------------------------------------
// Small prime fields, exhaustively.
// ---------------------------------------------------------------------------------------------
TEST(SmallPrimeField, ExhaustiveOver97) {
  for (uint64_t a = 0; a < 97; ++a) {
    const Small97 fa = Small97::from_u64(a);
    EXPECT_EQ(fa.value(), a);
    EXPECT_EQ((-fa).value(), (97 - a) % 97);
    if (a != 0) {
      EXPECT_EQ((fa * fa.inverse()).value(), 1u) << a;
    }
    for (uint64_t b = 0; b < 97; ++b) {
      const Small97 fb = Small97::from_u64(b);
      ASSERT_EQ((fa + fb).value(), (a + b) % 97);
      ASSERT_EQ((fa - fb).value(), (a + 97 - b) % 97);
      ASSERT_EQ((fa * fb).value(), (a * b) % 97);
    }
  }
}

TEST(SmallPrimeField, ReductionAndSignedInputs) {
  EXPECT_EQ(Small97::from_u64(97), Small97::zero());
  EXPECT_EQ(Small97::from_u64(0xFFFFFFFFFFFFFFFFull).value(), 0xFFFFFFFFFFFFFFFFull % 97);
  for (int64_t x : {int64_t{-1}, int64_t{-96}, int64_t{-97}, int64_t{-98}, int64_t{-1000003},
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    const int64_t r = ((x % 97) + 97) % 97;
    EXPECT_EQ(Small97::from_i64(x).value(), static_cast<uint64_t>(r)) << x;
    EXPECT_EQ(Small97::from_i64(x) + Small97::from_i64(-(x + 1)) + Small97::one(), Small97::zero())
        << x;
  }
  const uint64_t m31 = 2147483647u;
  EXPECT_EQ(SmallM31::from_i64(-1).value(), m31 - 1);
  EXPECT_EQ((SmallM31::from_u64(m31 - 1) * SmallM31::from_u64(m31 - 1)).value(), 1u);
  EXPECT_EQ((SmallM31::from_u64(m31 - 1) + SmallM31::from_u64(m31 - 1)).value(), m31 - 2);
  uint8_t b[4] = {97, 0, 0, 0};
  EXPECT_FALSE(Small97::from_bytes(b).has_value());
  b[0] = 96;
  ASSERT_TRUE(Small97::from_bytes(b).has_value());
  EXPECT_EQ(Small97::from_bytes(b)->value(), 96u);
  const uint8_t m31_bytes[4] = {0xFF, 0xFF, 0xFF, 0x7F};  // 2^31 - 1 itself
  EXPECT_FALSE(SmallM31::from_bytes(m31_bytes).has_value());
}

// ---------------------------------------------------------------------------------------------
// Known answers from the independent Python reference.
// ---------------------------------------------------------------------------------------------
Goldilocks fc(ref::Reader& r) {
  const uint64_t v = r.u64();
  if (v >= kP) throw std::runtime_error(r.where() + ": non-canonical field value");
  return Goldilocks::from_canonical(v);
}
GoldilocksExt2 ec(ref::Reader& r) {
  const Goldilocks c0 = fc(r);
  return {c0, fc(r)};
}
SmallM31 sc(ref::Reader& r) {
  const uint64_t v = r.u64();
  if (v >= SmallM31::MODULUS) throw std::runtime_error(r.where() + ": non-canonical small value");
  return SmallM31::from_canonical(v);
}

// Runs `check` on every record of `kind` and asserts there was at least `min_count`.
template <class Fn>
void for_each_record(const char* kind, size_t min_count, Fn check) {
  const auto recs = ref::records(kind);
  ASSERT_GE(recs.size(), min_count) << "too few '" << kind << "' vectors in " << ref::vectors_path();
  for (const ref::Record* rec : recs) {
    ref::Reader r(*rec);
    SCOPED_TRACE(r.where());
    check(r);
    ASSERT_TRUE(r.done()) << "unconsumed tokens";
  }
}

TEST(KnownAnswers, GoldilocksArithmetic) {
  for_each_record("f_add", 100, [](ref::Reader& r) {
    const Goldilocks a = fc(r), b = fc(r);
    EXPECT_EQ(a + b, fc(r));
  });
  for_each_record("f_sub", 100, [](ref::Reader& r) {
    const Goldilocks a = fc(r), b = fc(r);
    EXPECT_EQ(a - b, fc(r));
  });
  for_each_record("f_mul", 100, [](ref::Reader& r) {
    const Goldilocks a = fc(r), b = fc(r);
    EXPECT_EQ(a * b, fc(r));
  });
  for_each_record("f_neg", 30, [](ref::Reader& r) {
    const Goldilocks a = fc(r);
    EXPECT_EQ(-a, fc(r));
  });
  for_each_record("f_inv", 30, [](ref::Reader& r) {
    const Goldilocks a = fc(r);
    EXPECT_EQ(a.inverse(), fc(r));
  });
  for_each_record("f_pow", 100, [](ref::Reader& r) {
    const Goldilocks a = fc(r);
    const uint64_t e = r.u64();
    EXPECT_EQ(a.pow(e), fc(r));
  });
}

TEST(KnownAnswers, GoldilocksConversions) {
  for_each_record("f_signed", 30, [](ref::Reader& r) {
    const Goldilocks a = fc(r);
    const int64_t s = r.i64();
    EXPECT_EQ(a.to_signed(), s);
    EXPECT_EQ(Goldilocks::from_i64(s), a);
  });
  for_each_record("f_from_u64", 30, [](ref::Reader& r) {
    const uint64_t x = r.u64();
    EXPECT_EQ(Goldilocks::from_u64(x), fc(r));
  });
  for_each_record("f_from_i64", 30, [](ref::Reader& r) {
    const int64_t x = r.i64();
    EXPECT_EQ(Goldilocks::from_i64(x), fc(r));
  });
  size_t rejected = 0;
  for_each_record("f_bytes", 10, [&](ref::Reader& r) {
    const std::vector<uint8_t> bytes = r.bytes();
    ASSERT_EQ(bytes.size(), 8u);
    const uint64_t ok = r.u64();
    const uint64_t v = r.u64();
    const auto f = Goldilocks::from_bytes(bytes.data());
    EXPECT_EQ(f.has_value(), ok == 1);
    if (ok == 1 && f) {
      EXPECT_EQ(f->value(), v);
      uint8_t back[8];
      f->to_bytes(back);
      EXPECT_EQ(ref::to_hex(back, 8), ref::to_hex(bytes.data(), 8));
    }
    if (ok == 0) {
      EXPECT_EQ(v, 0u);  // rejected records carry no value
    }
    rejected += ok == 0;
  });
  EXPECT_GE(rejected, 3u);  // the file does exercise rejection
  for_each_record("f_root", 33, [](ref::Reader& r) {
    const uint64_t k = r.u64();
    EXPECT_EQ(Goldilocks::root_of_unity(static_cast<int>(k)), fc(r)) << "k = " << k;
  });
}

TEST(KnownAnswers, SmallField) {
  for_each_record("s_add", 10, [](ref::Reader& r) {
    const SmallM31 a = sc(r), b = sc(r);
    EXPECT_EQ(a + b, sc(r));
  });
  for_each_record("s_sub", 10, [](ref::Reader& r) {
    const SmallM31 a = sc(r), b = sc(r);
    EXPECT_EQ(a - b, sc(r));
  });
  for_each_record("s_mul", 10, [](ref::Reader& r) {
    const SmallM31 a = sc(r), b = sc(r);
    EXPECT_EQ(a * b, sc(r));
  });
  for_each_record("s_inv", 10, [](ref::Reader& r) {
    const SmallM31 a = sc(r);
    EXPECT_EQ(a.inverse(), sc(r));
  });
}

TEST(KnownAnswers, Extension) {
  for_each_record("e_add", 40, [](ref::Reader& r) {
    const GoldilocksExt2 a = ec(r), b = ec(r);
    EXPECT_EQ(a + b, ec(r));
  });
  for_each_record("e_sub", 40, [](ref::Reader& r) {
    const GoldilocksExt2 a = ec(r), b = ec(r);
    EXPECT_EQ(a - b, ec(r));
  });
  for_each_record("e_mul", 40, [](ref::Reader& r) {
    const GoldilocksExt2 a = ec(r), b = ec(r);
    EXPECT_EQ(a * b, ec(r));
  });
  for_each_record("e_inv", 20, [](ref::Reader& r) {
    const GoldilocksExt2 a = ec(r);
    EXPECT_EQ(a.inverse(), ec(r));
  });
  for_each_record("e_pow", 40, [](ref::Reader& r) {
    const GoldilocksExt2 a = ec(r);
    const uint64_t e = r.u64();
    EXPECT_EQ(a.pow(e), ec(r));
  });
}

}  // namespace
}  // namespace zk
