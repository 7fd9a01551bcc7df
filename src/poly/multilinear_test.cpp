// Multilinear tables: eq tables against the product formula, evaluation against the eq-weighted
// sum and the independent Python reference (tests/ref/vectors.txt), folding, inner products,
// and bit-identical results for one and two threads.
#include "poly/multilinear.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <vector>

#include "../../tests/ref/ref_vectors.hpp"
#include "base/parallel.hpp"
#include "field/field.hpp"

namespace zk {
namespace {

std::vector<E> random_e(std::mt19937_64& rng, size_t n) {
  std::vector<E> out(n);
  for (auto& x : out) x = E::random(rng);
  return out;
}
std::vector<F> random_f(std::mt19937_64& rng, size_t n) {
  std::vector<F> out(n);
  for (auto& x : out) x = F::random(rng);
  return out;
}

// x_k of index i in an n-variable table: variable 0 is the most significant bit.
bool bit_of(size_t i, size_t n, size_t k) { return ((i >> (n - 1 - k)) & 1) != 0; }

// eq(r, x) straight from the definition prod_k (r_k x_k + (1 - r_k)(1 - x_k)).
E eq_direct(const std::vector<E>& r, size_t index) {
  E acc = E::one();
  for (size_t k = 0; k < r.size(); ++k) acc *= bit_of(index, r.size(), k) ? r[k] : E::one() - r[k];
  return acc;
}

std::vector<E> boolean_point(size_t index, size_t n) {
  std::vector<E> p(n);
  for (size_t k = 0; k < n; ++k) p[k] = bit_of(index, n, k) ? E::one() : E::zero();
  return p;
}

template <class T>
E naive_eval(const std::vector<T>& table, const std::vector<E>& r) {
  E acc = E::zero();
  for (size_t i = 0; i < table.size(); ++i) acc += eq_direct(r, i) * E(table[i]);
  return acc;
}

// Restores the thread setting when a test ends, even on failure.
class ThreadGuard {
 public:
  ThreadGuard() : saved_(threads()) {}
  ~ThreadGuard() { set_threads(saved_); }
  ThreadGuard(const ThreadGuard&) = delete;
  ThreadGuard& operator=(const ThreadGuard&) = delete;

 private:
  int saved_;
};

TEST(EqTable, MatchesProductFormula) {
  std::mt19937_64 rng(1);
  for (size_t n = 0; n <= 7; ++n) {
    const std::vector<E> r = random_e(rng, n);
    const std::vector<E> t = eq_table<E>(r);
    ASSERT_EQ(t.size(), size_t{1} << n);
    E sum = E::zero();
    for (size_t i = 0; i < t.size(); ++i) {
      EXPECT_EQ(t[i], eq_direct(r, i)) << "n " << n << " i " << i;
      EXPECT_EQ(t[i], eq_eval<E>(r, boolean_point(i, n))) << "n " << n << " i " << i;
      sum += t[i];
    }
    EXPECT_EQ(sum, E::one()) << n;  // sum_x eq(r, x) = 1
  }
}

TEST(EqTable, VariableZeroIsTheMostSignificantBit) {
  // With r = (r0, r1): index 1 is x = (0, 1) and index 2 is x = (1, 0).
  const E r0 = E::from_u64(3), r1 = E::from_u64(10);
  const std::vector<E> r = {r0, r1};
  const std::vector<E> t = eq_table<E>(r);
  const E one = E::one();
  EXPECT_EQ(t[0], (one - r0) * (one - r1));
  EXPECT_EQ(t[1], (one - r0) * r1);
  EXPECT_EQ(t[2], r0 * (one - r1));
  EXPECT_EQ(t[3], r0 * r1);
  EXPECT_NE(t[1], t[2]);
}

TEST(EqTable, BooleanPointGivesIndicatorVector) {
  const size_t n = 5;
  for (size_t j = 0; j < (size_t{1} << n); ++j) {
    const std::vector<E> t = eq_table<E>(boolean_point(j, n));
    for (size_t i = 0; i < t.size(); ++i) EXPECT_EQ(t[i], i == j ? E::one() : E::zero());
  }
}

TEST(EqEval, SymmetricAndKroneckerOnBooleanPoints) {
  std::mt19937_64 rng(2);
  for (size_t n : {0u, 1u, 4u, 9u}) {
    const std::vector<E> a = random_e(rng, n), b = random_e(rng, n);
    EXPECT_EQ(eq_eval<E>(a, b), eq_eval<E>(b, a));
    E direct = E::one();
    for (size_t k = 0; k < n; ++k) direct *= a[k] * b[k] + (E::one() - a[k]) * (E::one() - b[k]);
    EXPECT_EQ(eq_eval<E>(a, b), direct);
  }
  const size_t n = 3;
  for (size_t i = 0; i < 8; ++i)
    for (size_t j = 0; j < 8; ++j)
      EXPECT_EQ(eq_eval<E>(boolean_point(i, n), boolean_point(j, n)), i == j ? E::one() : E::zero());
  const std::vector<E> two(2), three(3);
  EXPECT_THROW(eq_eval<E>(two, three), std::invalid_argument);
}

TEST(Evaluate, EqualsEqWeightedSumAndNaiveFormula) {
  std::mt19937_64 rng(3);
  for (size_t n = 0; n <= 8; ++n) {
    const std::vector<F> table = random_f(rng, size_t{1} << n);
    const std::vector<E> r = random_e(rng, n);
    const E value = evaluate_multilinear<E, F>(table, r);
    const std::vector<E> eq = eq_table<E>(r);
    EXPECT_EQ(value, (inner_product<E, F>(eq, table))) << n;
    if (n <= 6) {
      EXPECT_EQ(value, naive_eval(table, r)) << n;
    }
    // Extension-valued table.
    const std::vector<E> etable = random_e(rng, size_t{1} << n);
    const E evalue = evaluate_multilinear<E, E>(etable, r);
    EXPECT_EQ(evalue, (inner_product<E, E>(eq, etable))) << n;
    if (n <= 6) {
      EXPECT_EQ(evalue, naive_eval(etable, r)) << n;
    }
  }
}

TEST(Evaluate, BooleanPointsReturnTableEntries) {
  std::mt19937_64 rng(4);
  const size_t n = 6;
  const std::vector<F> table = random_f(rng, size_t{1} << n);
  for (size_t i = 0; i < table.size(); ++i)
    EXPECT_EQ((evaluate_multilinear<E, F>(table, boolean_point(i, n))), E(table[i])) << i;
  const std::vector<F> single = {F::from_u64(42)};
  EXPECT_EQ((evaluate_multilinear<E, F>(single, std::span<const E>())), E::from_u64(42));
}

TEST(Evaluate, AffineInEachVariable) {
  // P(.., t, ..) = (1 - t) P(.., 0, ..) + t P(.., 1, ..) for every variable position.
  std::mt19937_64 rng(5);
  const size_t n = 5;
  const std::vector<F> table = random_f(rng, size_t{1} << n);
  std::vector<E> r = random_e(rng, n);
  for (size_t k = 0; k < n; ++k) {
    const E t = r[k];
    std::vector<E> r0 = r, r1 = r;
    r0[k] = E::zero();
    r1[k] = E::one();
    const E p0 = evaluate_multilinear<E, F>(table, r0), p1 = evaluate_multilinear<E, F>(table, r1);
    EXPECT_EQ((evaluate_multilinear<E, F>(table, r)), (E::one() - t) * p0 + t * p1) << k;
  }
}

TEST(Evaluate, RejectsSizeMismatch) {
  const std::vector<F> table(8);
  const std::vector<E> r(2);
  EXPECT_THROW((evaluate_multilinear<E, F>(table, r)), std::invalid_argument);
  EXPECT_EQ(log2_exact(1), 0u);
  EXPECT_EQ(log2_exact(1024), 10u);
  EXPECT_THROW(log2_exact(0), std::invalid_argument);
  EXPECT_THROW(log2_exact(12), std::invalid_argument);
}

TEST(Fold, InPlaceBindsVariableZero) {
  std::mt19937_64 rng(6);
  for (size_t n = 1; n <= 7; ++n) {
    const std::vector<E> table = random_e(rng, size_t{1} << n);
    const std::vector<E> r = random_e(rng, n);
    std::vector<E> folded = table;
    fold_in_place(folded, r[0]);
    const size_t h = table.size() / 2;
    ASSERT_EQ(folded.size(), h);
    for (size_t j = 0; j < h; ++j) {
      // (1 - r) t[0, j] + r t[1, j]: the same line written differently from the header.
      EXPECT_EQ(folded[j], (E::one() - r[0]) * table[j] + r[0] * table[j + h]) << n << " " << j;
    }
    const std::vector<E> rest(r.begin() + 1, r.end());
    EXPECT_EQ((evaluate_multilinear<E, E>(folded, rest)), (evaluate_multilinear<E, E>(table, r)))
        << n;
    // Folding all variables leaves the evaluation.
    std::vector<E> all = table;
    for (const E& rk : r) fold_in_place(all, rk);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0], naive_eval(table, r)) << n;
  }
}

TEST(Fold, ToExtensionFromBaseAndExtension) {
  std::mt19937_64 rng(7);
  for (size_t n = 1; n <= 6; ++n) {
    const std::vector<F> table = random_f(rng, size_t{1} << n);
    const E r = E::random(rng);
    const std::vector<E> from_base = fold_to<E, F>(table, r);
    std::vector<E> embedded(table.begin(), table.end());
    const std::vector<E> from_ext = fold_to<E, E>(embedded, r);
    fold_in_place(embedded, r);
    ASSERT_EQ(from_base.size(), table.size() / 2);
    EXPECT_EQ(from_base, embedded) << n;
    EXPECT_EQ(from_ext, embedded) << n;
    // A base-field challenge keeps a base-field result.
    const F rb = F::random(rng);
    const std::vector<E> base_fold = fold_to<E, F>(table, E(rb));
    const size_t h = table.size() / 2;
    for (size_t j = 0; j < h; ++j) {
      EXPECT_TRUE(base_fold[j].in_base_field());
      EXPECT_EQ(base_fold[j], E(table[j] + rb * (table[j + h] - table[j])));
    }
  }
}

TEST(InnerProduct, MatchesNaiveSumAcrossChunkBoundaries) {
  std::mt19937_64 rng(8);
  for (size_t len : {0u, 1u, 3u, 4095u, 4096u, 4097u, 3u * 4096u + 17u}) {
    const std::vector<E> a = random_e(rng, len);
    const std::vector<F> b = random_f(rng, len);
    const std::vector<E> c = random_e(rng, len);
    E naive_f = E::zero(), naive_e = E::zero();
    for (size_t i = 0; i < len; ++i) {
      naive_f += a[i] * E(b[i]);
      naive_e += a[i] * c[i];
    }
    EXPECT_EQ((inner_product<E, F>(a, b)), naive_f) << len;
    EXPECT_EQ((inner_product<E, E>(a, c)), naive_e) << len;
  }
  const std::vector<E> a(4);
  const std::vector<F> b(5);
  EXPECT_THROW((inner_product<E, F>(a, b)), std::invalid_argument);
}

TEST(Threads, OneAndTwoThreadsGiveIdenticalResults) {
  ThreadGuard guard;
  std::mt19937_64 rng(9);
  const size_t n = 16;  // 2^16 entries: 16 chunks of kPolyGrain, so the work really is split
  ASSERT_GE(chunk_count(size_t{1} << n, kPolyGrain), 2u);
  const std::vector<E> r = random_e(rng, n);
  const std::vector<F> table = random_f(rng, size_t{1} << n);
  const std::vector<E> etable = random_e(rng, size_t{1} << n);

  struct Results {
    std::vector<E> eq, folded, folded_to;
    E eval_f, eval_e, ip;
  };
  auto run = [&](int t) {
    set_threads(t);
    EXPECT_EQ(threads(), t);
    Results out;
    out.eq = eq_table<E>(r);
    out.folded = etable;
    fold_in_place(out.folded, r[0]);
    out.folded_to = fold_to<E, F>(table, r[1]);
    out.eval_f = evaluate_multilinear<E, F>(table, r);
    out.eval_e = evaluate_multilinear<E, E>(etable, r);
    out.ip = inner_product<E, F>(out.eq, table);
    return out;
  };
  const Results one = run(1), two = run(2);
  EXPECT_TRUE(one.eq == two.eq);
  EXPECT_TRUE(one.folded == two.folded);
  EXPECT_TRUE(one.folded_to == two.folded_to);
  EXPECT_EQ(one.eval_f, two.eval_f);
  EXPECT_EQ(one.eval_e, two.eval_e);
  EXPECT_EQ(one.ip, two.ip);
  // And the values are right, not merely reproducible.
  EXPECT_EQ(one.ip, one.eval_f);
  EXPECT_EQ((inner_product<E, E>(one.eq, etable)), one.eval_e);
  std::mt19937_64 pick(10);
  for (int s = 0; s < 64; ++s) {
    const size_t i = pick() % one.eq.size();
    ASSERT_EQ(two.eq[i], eq_direct(r, i)) << i;
    const size_t j = pick() % two.folded.size();
    ASSERT_EQ(two.folded[j], etable[j] + r[0] * (etable[j + two.folded.size()] - etable[j]));
  }
}

// ---------------------------------------------------------------------------------------------
// Known answers from tests/ref/field_ref.py.
// ---------------------------------------------------------------------------------------------
using ref::read_e;
using ref::read_f;
std::vector<E> read_e_list(ref::Reader& r, size_t n) {
  std::vector<E> out;
  for (size_t i = 0; i < n; ++i) out.push_back(read_e(r));
  return out;
}

TEST(KnownAnswers, EqTableAndEqEval) {
  const auto tables = ref::records("eq_table");
  ASSERT_GE(tables.size(), 6u);
  for (const ref::Record* rec : tables) {
    ref::Reader r(*rec);
    SCOPED_TRACE(r.where());
    const size_t n = r.size();
    const std::vector<E> point = read_e_list(r, n);
    const std::vector<E> expect = read_e_list(r, size_t{1} << n);
    ASSERT_TRUE(r.done());
    EXPECT_EQ(eq_table<E>(point), expect);
  }
  const auto evals = ref::records("eq_eval");
  ASSERT_GE(evals.size(), 3u);
  for (const ref::Record* rec : evals) {
    ref::Reader r(*rec);
    SCOPED_TRACE(r.where());
    const size_t n = r.size();
    const std::vector<E> a = read_e_list(r, n), b = read_e_list(r, n);
    const E expect = read_e(r);
    ASSERT_TRUE(r.done());
    EXPECT_EQ(eq_eval<E>(a, b), expect);
  }
}

TEST(KnownAnswers, EvaluateMultilinear) {
  const auto base = ref::records("ml_eval_f");
  ASSERT_GE(base.size(), 10u);
  for (const ref::Record* rec : base) {
    ref::Reader r(*rec);
    SCOPED_TRACE(r.where());
    const size_t n = r.size();
    std::vector<F> table;
    for (size_t i = 0; i < (size_t{1} << n); ++i) table.push_back(read_f(r));
    const std::vector<E> point = read_e_list(r, n);
    const E expect = read_e(r);
    ASSERT_TRUE(r.done());
    EXPECT_EQ((evaluate_multilinear<E, F>(table, point)), expect);
    EXPECT_EQ((inner_product<E, F>(eq_table<E>(point), table)), expect);
  }
  const auto ext = ref::records("ml_eval_e");
  ASSERT_GE(ext.size(), 3u);
  for (const ref::Record* rec : ext) {
    ref::Reader r(*rec);
    SCOPED_TRACE(r.where());
    const size_t n = r.size();
    const std::vector<E> table = read_e_list(r, size_t{1} << n);
    const std::vector<E> point = read_e_list(r, n);
    const E expect = read_e(r);
    ASSERT_TRUE(r.done());
    EXPECT_EQ((evaluate_multilinear<E, E>(table, point)), expect);
  }
}

TEST(Multilinear, FoldTablesInPlaceEqualsFoldingEachTable) {
  std::mt19937_64 rng(404);
  for (size_t n : {2u, 8u, 1u << 15}) {
    std::vector<std::vector<E>> tables(3, std::vector<E>(n));
    for (auto& t : tables)
      for (E& v : t) v = E::random(rng);
    const E r = E::random(rng);
    auto each = tables;
    for (auto& t : each) fold_in_place(t, r);
    // Dense tables.
    auto dense = tables;
    std::vector<DenseTable<E>> dense_views;
    for (auto& t : dense) dense_views.push_back({t.data()});
    fold_tables_in_place<E, DenseTable<E>>(dense_views, n / 2, r);
    // The same tables as planes of coordinates: c0 in the first n entries, c1 in the next n.
    std::vector<std::vector<F>> planes;
    std::vector<PlanarTable<E>> planar_views;
    for (const auto& t : tables) {
      std::vector<F> p(2 * n);
      for (size_t i = 0; i < n; ++i) {
        p[i] = t[i].c0();
        p[n + i] = t[i].c1();
      }
      planes.push_back(std::move(p));
    }
    for (auto& p : planes) planar_views.push_back({p.data(), p.data() + n});
    fold_tables_in_place<E, PlanarTable<E>>(planar_views, n / 2, r);
    for (size_t k = 0; k < tables.size(); ++k) {
      for (size_t j = 0; j < n / 2; ++j) {
        ASSERT_EQ(dense[k][j], each[k][j]) << "size " << n;
        ASSERT_EQ(planar_views[k].load(j), each[k][j]) << "size " << n;
      }
    }
  }
}

// Planar copy of an extension-field table: c0 of entry i at i, c1 at n + i.
std::vector<F> to_planes(const std::vector<E>& t) {
  const size_t n = t.size();
  std::vector<F> p(2 * n);
  for (size_t i = 0; i < n; ++i) {
    p[i] = t[i].c0();
    p[n + i] = t[i].c1();
  }
  return p;
}

TEST(Multilinear, PlanarFoldRangesMatchDenseFolds) {
  // Ranges of every alignment and length, so that the vector kernel's whole vectors and the
  // generic remainder both run, and entries outside the range stay untouched.
  std::mt19937_64 rng(405);
  for (size_t half : {1u, 7u, 8u, 9u, 64u, 1000u}) {
    const std::vector<E> table = random_e(rng, 2 * half);
    const E r = E::random(rng);
    for (size_t begin : {size_t{0}, size_t{1}, size_t{3}, half / 2}) {
      for (size_t end : {half, half - half / 3, begin + 8, begin + 17}) {
        if (begin >= end || end > half) continue;
        std::vector<E> dense = table;
        fold_range<E, DenseTable<E>>({dense.data()}, half, r, begin, end);
        std::vector<F> planes = to_planes(table);
        const PlanarTable<E> planar{planes.data(), planes.data() + 2 * half};
        fold_range<E, PlanarTable<E>>(planar, half, r, begin, end);
        for (size_t j = 0; j < 2 * half; ++j)
          ASSERT_EQ(planar.load(j), dense[j]) << "half " << half << " range [" << begin << ", " << end << ") entry " << j;
        for (size_t j = begin; j < end; ++j) ASSERT_EQ(dense[j], table[j] + r * (table[j + half] - table[j]));
      }
    }
  }
}

TEST(Multilinear, LiftTwoInPlaceEqualsTwoFolds) {
  std::mt19937_64 rng(77);
  for (size_t n : {4u, 16u, 52u, 4u * 1000u, 1u << 14}) {
    std::vector<std::vector<F>> tables(2, std::vector<F>(n));
    for (auto& t : tables)
      for (F& v : t) v = F::random(rng);
    const E r0 = E::random(rng), r1 = E::random(rng);
    std::vector<std::vector<E>> twice;
    for (const auto& t : tables) {
      twice.push_back(fold_to<E, F>(t, r0));
      fold_in_place(twice.back(), r1);
    }
    const size_t q = n / 4;
    // Lifting in uneven pieces gives the same as lifting at once.
    std::vector<F> pieces = tables[0];
    for (size_t begin = 0; begin < q; begin += 11)
      lift_two_range<E, F>(pieces.data(), q, r0, r1, r0 * r1, begin, std::min(q, begin + 11));
    lift_two_in_place<E, F>(tables, r0, r1);
    for (size_t k = 0; k < tables.size(); ++k)
      for (size_t j = 0; j < q; ++j)
        ASSERT_EQ(E(tables[k][j], tables[k][j + q]), twice[k][j]) << "size " << n << " entry " << j;
    for (size_t j = 0; j < 2 * q; ++j) ASSERT_EQ(pieces[j], tables[0][j]) << "size " << n << " word " << j;
  }
}

}  // namespace
}  // namespace zk
