// Vector kernels for GoldilocksExt2 tables held as coordinate planes (PlanarTable in
// multilinear.hpp), the two passes that dominate the base-field sum-check prover:
//   fold:  t[j] = t[j] + r (t[j + half] - t[j]),                        j in [begin, end),
//   lift:  out[j] = a + r1 (b - a) + r0 (c - a) + r01 (e - c - b + a),  (a, b, c, e) = P[j + {0,1,2,3} q],
//          c0 of out[j] written to P[j] and c1 to P[j + q] (lift_two_range in multilinear.hpp).
// Each handles the longest prefix of [begin, end) made of whole vectors and returns where it
// stopped; the caller finishes the rest with the generic code, which is also the whole path on a
// CPU without AVX-512F (the kernels then return begin). The AVX-512F code is confined to the
// kernel functions (a target attribute, chosen at run time), since the build keeps AVX-512 off
// elsewhere under GCC < 13 (root CMakeLists.txt). Eight entries per step: 64x64-bit products
// from four 32x32-bit vpmuludq, each coordinate a sum of two or three 128-bit products plus one
// addend reduced once (2^64 = 2^32 - 1 and 2^96 = -1 mod p, as in goldilocks.hpp). The results
// are bit-identical to the generic code (poly_test compares them).
#pragma once

#include <cstddef>

#include "field/extension.hpp"
#include "field/goldilocks.hpp"

namespace zk {

size_t fold_planar_prefix(Goldilocks* c0, Goldilocks* c1, size_t half, const GoldilocksExt2& r,
                          size_t begin, size_t end);

size_t lift_two_planar_prefix(Goldilocks* p, size_t q, const GoldilocksExt2& r0,
                              const GoldilocksExt2& r1, const GoldilocksExt2& r01, size_t begin,
                              size_t end);

}  // namespace zk
