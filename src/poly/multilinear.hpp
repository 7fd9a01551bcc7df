// Multilinear polynomials in evaluation form over the Boolean hypercube.
//
// A table t of size 2^n represents the unique multilinear P with P(x) = t[x] for x in {0,1}^n.
// Variable order: variable 0 is the MOST significant bit of the index, so x = (x_0, ..., x_{n-1})
// has index sum_k x_k 2^{n-1-k}, and a point r = (r_0, ..., r_{n-1}) lists variable 0 first.
//   P(r) = sum_x eq(r, x) t[x],  eq(r, x) = prod_k (r_k x_k + (1 - r_k)(1 - x_k))
// (Thaler, "Proofs, Arguments, and Zero-Knowledge", section 3.5).
// Binding variable 0 to r ("folding") halves the table in place:
//   t'[j] = t[j] + r (t[j + h] - t[j]),  h = 2^{n-1}, j < h.
// All kernels run through zk::parallel_for; results do not depend on the thread count.
#pragma once

#include <bit>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "base/parallel.hpp"
#include "field/accumulator.hpp"
#include "field/extension.hpp"
#include "field/goldilocks.hpp"
#include "poly/planar_kernels.hpp"

namespace zk {

constexpr size_t kPolyGrain = 1 << 12;  // items per parallel chunk

inline size_t log2_exact(size_t n) {
  if (n == 0 || !std::has_single_bit(n)) throw std::invalid_argument("size is not a power of two");
  return static_cast<size_t>(std::countr_zero(n));
}

// The least k with 2^k >= n (0 for n <= 1).
inline size_t ceil_log2(size_t n) { return n <= 1 ? 0 : static_cast<size_t>(std::bit_width(n - 1)); }

// eq(r, x) for all x in {0,1}^n, in O(2^n) multiplications.
// Built one variable at a time, last variable first: for a table of size s covering
// (r_{k+1}, ..., r_{n-1}), the entries for r_k are hi[i] = T[i] r_k at i + s, lo[i] = T[i] - hi[i]
// at i, which puts x_k above the bits already present.
template <class E>
std::vector<E> eq_table(std::span<const E> point) {
  std::vector<E> table(size_t{1} << point.size());
  table[0] = E::one();
  size_t size = 1;
  for (size_t k = point.size(); k-- > 0;) {
    const E r = point[k];
    parallel_for(size, kPolyGrain, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        const E hi = table[i] * r;
        table[i + size] = hi;
        table[i] -= hi;
      }
    });
    size *= 2;
  }
  return table;
}

// eq(a, b) for two points of equal length: prod_k (a_k b_k + (1 - a_k)(1 - b_k)).
template <class E>
E eq_eval(std::span<const E> a, std::span<const E> b) {
  if (a.size() != b.size()) throw std::invalid_argument("eq_eval: length mismatch");
  E acc = E::one();
  for (size_t k = 0; k < a.size(); ++k) {
    const E ab = a[k] * b[k];
    acc *= ab + ab - a[k] - b[k] + E::one();
  }
  return acc;
}

// a * b + c, with a single reduction per coefficient where the field offers it (mul_add).
template <class T>
T mul_add_of(const T& a, const T& b, const T& c) {
  if constexpr (requires { T::mul_add(a, b, c); }) {
    return T::mul_add(a, b, c);
  } else {
    return a * b + c;
  }
}

// Where a table's entries live, for kernels that read and fold several tables at once:
// DenseTable holds entry i at data[i]; PlanarTable holds an extension-field table as two planes
// of base-field coordinates, c0 of entry i at c0[i] and c1 at c1[i] (so a base-field table can
// be turned into an extension-field table of a quarter of its entries in its own memory).
template <class T>
struct DenseTable {
  T* data;
  T load(size_t i) const { return data[i]; }
  void store(size_t i, const T& v) const { data[i] = v; }
};

template <class E>
struct PlanarTable {
  using Base = typename E::BaseField;
  Base* c0;
  Base* c1;
  E load(size_t i) const { return E(c0[i], c1[i]); }
  void store(size_t i, const E& v) const {
    c0[i] = v.c0();
    c1[i] = v.c1();
  }
};

// Entries j in [begin, end) of a table of 2 half entries with variable 0 bound to r, in place:
// t[j] = t[j] + r (t[j + half] - t[j]). Entry j reads and writes only positions j and j + half,
// so disjoint ranges can be folded concurrently. Planar Goldilocks tables go through the
// vector kernel (planar_kernels.hpp) for whole vectors of entries.
template <class E, class Table>
void fold_range(Table table, size_t half, E r, size_t begin, size_t end) {
  if constexpr (std::is_same_v<Table, PlanarTable<GoldilocksExt2>>)
    begin = fold_planar_prefix(table.c0, table.c1, half, r, begin, end);
  // Arguments by value are locals the stores cannot alias: the challenge stays in registers
  // and what mul_add derives from it alone is hoisted out of the loop.
  for (size_t j = begin; j < end; ++j) {
    const E lo = table.load(j);
    table.store(j, mul_add_of(table.load(j + half) - lo, r, lo));
  }
}

// Binds variable 0 of several tables of 2 half entries each to r, in place, in one parallel pass
// (one dispatch per round instead of one per table); each table keeps its first half entries.
template <class E, class Table>
void fold_tables_in_place(std::span<const Table> tables, size_t half, const E& r) {
  parallel_for(half, kPolyGrain, [tables, half, r](size_t begin, size_t end) {
    for (const Table& table : tables) fold_range<E, Table>(table, half, r, begin, end);
  });
}

// Binds variables 0 and 1 of base-field tables (4q entries each) to (r0, r1) in place: each
// becomes an extension-field table of q entries in planes, c0 of entry j at P[j] and c1 at P[j + q]
// (PlanarTable), with
//   out[j] = a + r1 (b - a) + r0 (c - a) + r0 r1 (e - c - b + a),  (a, b, c, e) = P[j + {0,1,2,3} q]:
// three mixed products per entry, each coordinate one sum of three 128-bit products plus a,
// reduced once. Entry j reads and writes only the positions j + {0,1,2,3} q, so no memory is
// allocated and disjoint ranges of entries can be lifted concurrently. lift_two_range lifts
// entries [begin, end) of one table (r01 = r0 r1; arguments by value stay in registers), whole
// vectors of Goldilocks entries through the vector kernel (planar_kernels.hpp).
template <class E, class F>
void lift_two_range(F* p, size_t q, E r0, E r1, E r01, size_t begin, size_t end) {
  if constexpr (std::is_same_v<F, Goldilocks> && std::is_same_v<E, GoldilocksExt2>)
    begin = lift_two_planar_prefix(p, q, r0, r1, r01, begin, end);
  for (size_t j = begin; j < end; ++j) {
    const F a = p[j], b = p[j + q], c = p[j + 2 * q], e = p[j + 3 * q];
    const F db = b - a, dc = c - a, de = e - c - db;
    ProductAccumulator<F> c0, c1;
    c0.add_product(r1.c0(), db);
    c0.add_product(r0.c0(), dc);
    c0.add_product(r01.c0(), de);
    c0.add(a);
    c1.add_product(r1.c1(), db);
    c1.add_product(r0.c1(), dc);
    c1.add_product(r01.c1(), de);
    p[j] = c0.reduce();
    p[j + q] = c1.reduce();
  }
}

template <class E, class F>
void lift_two_in_place(std::vector<std::vector<F>>& tables, const E& r0, const E& r1) {
  const size_t q = tables.at(0).size() / 4;
  const E r01 = r0 * r1;
  parallel_for(q, kPolyGrain, [&](size_t begin, size_t end) {
    for (auto& t : tables) lift_two_range<E, F>(t.data(), q, r0, r1, r01, begin, end);
  });
}

// Binds variable 0 of an extension-field table to r, in place (the table halves).
template <class E>
void fold_in_place(std::vector<E>& table, const E& r) {
  const size_t half = table.size() / 2;
  const DenseTable<E> view{table.data()};
  fold_tables_in_place<E, DenseTable<E>>(std::span<const DenseTable<E>>(&view, 1), half, r);
  table.resize(half);
}

// Binds variable 0 of a table of type T (base or extension field) to r in E; returns a new
// table of half the size in E (used when a base-field table meets its first challenge).
template <class E, class T>
std::vector<E> fold_to(std::span<const T> table, const E& r) {
  const size_t half = table.size() / 2;
  std::vector<E> out(half);
  parallel_for(half, kPolyGrain, [in = table.data(), dst = out.data(), half, r](size_t begin, size_t end) {
    const E challenge = r;  // a local copy the stores cannot alias (see fold_tables_in_place)
    for (size_t j = begin; j < end; ++j) dst[j] = challenge * (in[j + half] - in[j]) + E(in[j]);
  });
  return out;
}

// P(point) for the multilinear extension of `table` (|table| = 2^|point|), by successive folding.
template <class E, class T>
E evaluate_multilinear(std::span<const T> table, std::span<const E> point) {
  if (table.size() != (size_t{1} << point.size()))
    throw std::invalid_argument("evaluate_multilinear: table size is not 2^|point|");
  if (point.empty()) return E(table[0]);
  std::vector<E> folded = fold_to<E, T>(table, point[0]);
  for (size_t k = 1; k < point.size(); ++k) fold_in_place(folded, point[k]);
  return folded[0];
}

// <a, b> over E for a table of type T, with the sum split in fixed chunks (deterministic).
template <class E, class T>
E inner_product(std::span<const E> a, std::span<const T> b) {
  if (a.size() != b.size()) throw std::invalid_argument("inner_product: length mismatch");
  std::vector<E> partial(chunk_count(a.size(), kPolyGrain));
  parallel_chunks(a.size(), kPolyGrain, [&](size_t c, size_t begin, size_t end) {
    E acc = E::zero();
    for (size_t i = begin; i < end; ++i) acc += a[i] * b[i];
    partial[c] = acc;
  });
  E total = E::zero();
  for (const E& p : partial) total += p;
  return total;
}

}  // namespace zk
