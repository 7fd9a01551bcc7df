// keccak256 of eight equal-length messages at once (see keccak_x8.hpp).
#include "pcs/keccak_x8.hpp"

#include "pcs/merkle.hpp"

#ifdef __AVX512F__
// GCC 12 reports its own _mm512_undefined_epi32() inside _mm512_rol_epi64 as uninitialized
// (GCC bug 105593); the intrinsic is correct.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#endif

namespace zk {

#ifdef __AVX512F__
namespace {


constexpr size_t kRateLanes = 17;  // the 136-byte rate of Keccak-256

// Eight Keccak-f[1600] permutations at once, lane i of instance k in element k of s[i]
// (AVX-512F: vprolq for the rotations, vpternlogq for the 3-input xors and for chi).
void keccak_f1600_x8(__m512i s[25]) {
  __m512i a0 = s[0]; __m512i a1 = s[1]; __m512i a2 = s[2]; __m512i a3 = s[3]; __m512i a4 = s[4];
  __m512i a5 = s[5]; __m512i a6 = s[6]; __m512i a7 = s[7]; __m512i a8 = s[8]; __m512i a9 = s[9];
  __m512i a10 = s[10]; __m512i a11 = s[11]; __m512i a12 = s[12]; __m512i a13 = s[13]; __m512i a14 = s[14];
  __m512i a15 = s[15]; __m512i a16 = s[16]; __m512i a17 = s[17]; __m512i a18 = s[18]; __m512i a19 = s[19];
  __m512i a20 = s[20]; __m512i a21 = s[21]; __m512i a22 = s[22]; __m512i a23 = s[23]; __m512i a24 = s[24];
  for (int round = 0; round < 24; ++round) {
    const __m512i c0 = _mm512_ternarylogic_epi64(_mm512_ternarylogic_epi64(a0, a5, a10, 0x96), a15, a20, 0x96);
    const __m512i c1 = _mm512_ternarylogic_epi64(_mm512_ternarylogic_epi64(a1, a6, a11, 0x96), a16, a21, 0x96);
    const __m512i c2 = _mm512_ternarylogic_epi64(_mm512_ternarylogic_epi64(a2, a7, a12, 0x96), a17, a22, 0x96);
    const __m512i c3 = _mm512_ternarylogic_epi64(_mm512_ternarylogic_epi64(a3, a8, a13, 0x96), a18, a23, 0x96);
    const __m512i c4 = _mm512_ternarylogic_epi64(_mm512_ternarylogic_epi64(a4, a9, a14, 0x96), a19, a24, 0x96);
    const __m512i d0 = _mm512_xor_si512(c4, _mm512_rol_epi64(c1, 1));
    const __m512i d1 = _mm512_xor_si512(c0, _mm512_rol_epi64(c2, 1));
    const __m512i d2 = _mm512_xor_si512(c1, _mm512_rol_epi64(c3, 1));
    const __m512i d3 = _mm512_xor_si512(c2, _mm512_rol_epi64(c4, 1));
    const __m512i d4 = _mm512_xor_si512(c3, _mm512_rol_epi64(c0, 1));
    const __m512i b0 = _mm512_xor_si512(a0, d0);
    const __m512i b1 = _mm512_rol_epi64(_mm512_xor_si512(a6, d1), 44);
    const __m512i b2 = _mm512_rol_epi64(_mm512_xor_si512(a12, d2), 43);
    const __m512i b3 = _mm512_rol_epi64(_mm512_xor_si512(a18, d3), 21);
    const __m512i b4 = _mm512_rol_epi64(_mm512_xor_si512(a24, d4), 14);
    const __m512i b5 = _mm512_rol_epi64(_mm512_xor_si512(a3, d3), 28);
    const __m512i b6 = _mm512_rol_epi64(_mm512_xor_si512(a9, d4), 20);
    const __m512i b7 = _mm512_rol_epi64(_mm512_xor_si512(a10, d0), 3);
    const __m512i b8 = _mm512_rol_epi64(_mm512_xor_si512(a16, d1), 45);
    const __m512i b9 = _mm512_rol_epi64(_mm512_xor_si512(a22, d2), 61);
    const __m512i b10 = _mm512_rol_epi64(_mm512_xor_si512(a1, d1), 1);
    const __m512i b11 = _mm512_rol_epi64(_mm512_xor_si512(a7, d2), 6);
    const __m512i b12 = _mm512_rol_epi64(_mm512_xor_si512(a13, d3), 25);
    const __m512i b13 = _mm512_rol_epi64(_mm512_xor_si512(a19, d4), 8);
    const __m512i b14 = _mm512_rol_epi64(_mm512_xor_si512(a20, d0), 18);
    const __m512i b15 = _mm512_rol_epi64(_mm512_xor_si512(a4, d4), 27);
    const __m512i b16 = _mm512_rol_epi64(_mm512_xor_si512(a5, d0), 36);
    const __m512i b17 = _mm512_rol_epi64(_mm512_xor_si512(a11, d1), 10);
    const __m512i b18 = _mm512_rol_epi64(_mm512_xor_si512(a17, d2), 15);
    const __m512i b19 = _mm512_rol_epi64(_mm512_xor_si512(a23, d3), 56);
    const __m512i b20 = _mm512_rol_epi64(_mm512_xor_si512(a2, d2), 62);
    const __m512i b21 = _mm512_rol_epi64(_mm512_xor_si512(a8, d3), 55);
    const __m512i b22 = _mm512_rol_epi64(_mm512_xor_si512(a14, d4), 39);
    const __m512i b23 = _mm512_rol_epi64(_mm512_xor_si512(a15, d0), 41);
    const __m512i b24 = _mm512_rol_epi64(_mm512_xor_si512(a21, d1), 2);
    a0 = _mm512_ternarylogic_epi64(b0, b1, b2, 0xD2);
    a1 = _mm512_ternarylogic_epi64(b1, b2, b3, 0xD2);
    a2 = _mm512_ternarylogic_epi64(b2, b3, b4, 0xD2);
    a3 = _mm512_ternarylogic_epi64(b3, b4, b0, 0xD2);
    a4 = _mm512_ternarylogic_epi64(b4, b0, b1, 0xD2);
    a5 = _mm512_ternarylogic_epi64(b5, b6, b7, 0xD2);
    a6 = _mm512_ternarylogic_epi64(b6, b7, b8, 0xD2);
    a7 = _mm512_ternarylogic_epi64(b7, b8, b9, 0xD2);
    a8 = _mm512_ternarylogic_epi64(b8, b9, b5, 0xD2);
    a9 = _mm512_ternarylogic_epi64(b9, b5, b6, 0xD2);
    a10 = _mm512_ternarylogic_epi64(b10, b11, b12, 0xD2);
    a11 = _mm512_ternarylogic_epi64(b11, b12, b13, 0xD2);
    a12 = _mm512_ternarylogic_epi64(b12, b13, b14, 0xD2);
    a13 = _mm512_ternarylogic_epi64(b13, b14, b10, 0xD2);
    a14 = _mm512_ternarylogic_epi64(b14, b10, b11, 0xD2);
    a15 = _mm512_ternarylogic_epi64(b15, b16, b17, 0xD2);
    a16 = _mm512_ternarylogic_epi64(b16, b17, b18, 0xD2);
    a17 = _mm512_ternarylogic_epi64(b17, b18, b19, 0xD2);
    a18 = _mm512_ternarylogic_epi64(b18, b19, b15, 0xD2);
    a19 = _mm512_ternarylogic_epi64(b19, b15, b16, 0xD2);
    a20 = _mm512_ternarylogic_epi64(b20, b21, b22, 0xD2);
    a21 = _mm512_ternarylogic_epi64(b21, b22, b23, 0xD2);
    a22 = _mm512_ternarylogic_epi64(b22, b23, b24, 0xD2);
    a23 = _mm512_ternarylogic_epi64(b23, b24, b20, 0xD2);
    a24 = _mm512_ternarylogic_epi64(b24, b20, b21, 0xD2);
    a0 = _mm512_xor_si512(a0, _mm512_set1_epi64(static_cast<long long>(kKeccakRoundConstants[round])));
  }
  s[0] = a0; s[1] = a1; s[2] = a2; s[3] = a3; s[4] = a4;
  s[5] = a5; s[6] = a6; s[7] = a7; s[8] = a8; s[9] = a9;
  s[10] = a10; s[11] = a11; s[12] = a12; s[13] = a13; s[14] = a14;
  s[15] = a15; s[16] = a16; s[17] = a17; s[18] = a18; s[19] = a19;
  s[20] = a20; s[21] = a21; s[22] = a22; s[23] = a23; s[24] = a24;
}

}  // namespace

// Eight keccak256 hashes of messages of `words` words: messages[k] points to message k.
void keccak256_x8(const uint64_t* const messages[8], size_t words, Digest out[8]) {
  __m512i s[25];
  for (auto& lane : s) lane = _mm512_setzero_si512();
  size_t lane = 0;
  for (size_t w = 0; w < words; ++w) {
    const __m512i v = _mm512_set_epi64(
        static_cast<long long>(messages[7][w]), static_cast<long long>(messages[6][w]),
        static_cast<long long>(messages[5][w]), static_cast<long long>(messages[4][w]),
        static_cast<long long>(messages[3][w]), static_cast<long long>(messages[2][w]),
        static_cast<long long>(messages[1][w]), static_cast<long long>(messages[0][w]));
    s[lane] = _mm512_xor_si512(s[lane], v);
    if (++lane == kRateLanes) {
      keccak_f1600_x8(s);
      lane = 0;
    }
  }
  s[lane] = _mm512_xor_si512(s[lane], _mm512_set1_epi64(0x01));
  s[kRateLanes - 1] = _mm512_xor_si512(s[kRateLanes - 1], _mm512_set1_epi64(static_cast<long long>(0x80ull << 56)));
  keccak_f1600_x8(s);
  alignas(64) uint64_t lanes[4][8];
  for (size_t i = 0; i < 4; ++i) _mm512_store_si512(lanes[i], s[i]);
  for (size_t k = 0; k < 8; ++k)
    for (size_t b = 0; b < 32; ++b) out[k][b] = static_cast<uint8_t>(lanes[b / 8][k] >> (8 * (b % 8)));
}

void keccak_f1600_x8(uint64_t lanes[25][8]) {
  __m512i s[25];
  for (size_t i = 0; i < 25; ++i) s[i] = _mm512_loadu_si512(lanes[i]);
  keccak_f1600_x8(s);
  for (size_t i = 0; i < 25; ++i) _mm512_storeu_si512(lanes[i], s[i]);
}
#pragma GCC diagnostic pop
#else
void keccak256_x8(const uint64_t* const messages[8], size_t words, Digest out[8]) {
  for (size_t k = 0; k < 8; ++k) out[k] = hash_words({messages[k], words});
}

void keccak_f1600_x8(uint64_t lanes[25][8]) {
  for (size_t k = 0; k < 8; ++k) {
    uint64_t state[25];
    for (size_t i = 0; i < 25; ++i) state[i] = lanes[i][k];
    keccak_f1600(state);
    for (size_t i = 0; i < 25; ++i) lanes[i][k] = state[i];
  }
}
#endif

}  // namespace zk
