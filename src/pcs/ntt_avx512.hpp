// Runs of NTT butterflies over Goldilocks, eight elements per AVX-512F register. Built only where
// the build machine has AVX-512F (ZK_HAVE_NTT_AVX512 is then defined for zk_pcs and its users):
// ntt_avx512.cpp alone is compiled with -mavx512f, as keccak_x8.cpp, because GCC 12 miscompiles
// some ordinary code with AVX-512 enabled (root CMakeLists.txt). The arithmetic is
// goldilocks_avx2.hpp's with AVX-512's unsigned compares into masks and masked adds for the
// corrections: canonical inputs give canonical outputs, bit for bit those of the scalar code.
// On the Zen 4 this was measured on, a butterfly in L1 takes 0.86 ns against 1.40 ns for AVX2.
#pragma once

#include <cstddef>

#include "field/goldilocks.hpp"

namespace zk::ntt_avx512 {

// (lo_i, hi_i) -> (lo_i + t_i hi_i, lo_i - t_i hi_i) for i < count, count a multiple of 8,
// t_i = twiddles[i].
void butterflies(Goldilocks* lo, Goldilocks* hi, const Goldilocks* twiddles, size_t count);

// The same with t_i = start[i mod 8] step^(i div 8) (twiddles of a stage past the shared table:
// start[l] = w^(j0 + l), step = w^8).
void butterflies_running(Goldilocks* lo, Goldilocks* hi, const Goldilocks start[8], Goldilocks step, size_t count);

}  // namespace zk::ntt_avx512
