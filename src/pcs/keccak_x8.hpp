// Eight keccak256 hashes at once: out[k] = keccak256(messages[k][0..words)) (64-bit words,
// little-endian). With AVX-512F (the build enables it for this file alone when the build machine
// has it, see CMakeLists.txt) the eight Keccak-f[1600] states live in the eight lanes of 25 zmm
// registers: vprolq for the rotations, vpternlogq for theta's parities and for chi. Otherwise it
// is eight scalar hashes. merkle_test checks it against the scalar hash for several lengths.
#pragma once

#include <cstddef>
#include <cstdint>

#include "crypto/keccak.hpp"

namespace zk {

void keccak256_x8(const uint64_t* const messages[8], size_t words, Digest out[8]);

// Eight Keccak-f[1600] permutations at once: lanes[i][k] is lane i of state k (the layout of the
// vector registers, so no transposition), each state permuted as keccak_f1600 would.
void keccak_f1600_x8(uint64_t lanes[25][8]);

}  // namespace zk
