#include "crypto/keccak.hpp"

#include <bit>
#include <cstring>

static_assert(std::endian::native == std::endian::little, "lane packing assumes a little-endian host");

namespace zk {

// The 24 rounds of theta, rho, pi, chi, iota with the state in 25 local variables and the round
// body written out (about 4x faster than a loop over lane indices). Lane index i = x + 5y; the
// rotation offsets and the pi permutation are those of FIPS 202, section 3.2.
void keccak_f1600(uint64_t state[25]) {
  uint64_t a0 = state[0]; uint64_t a1 = state[1]; uint64_t a2 = state[2]; uint64_t a3 = state[3]; uint64_t a4 = state[4];
  uint64_t a5 = state[5]; uint64_t a6 = state[6]; uint64_t a7 = state[7]; uint64_t a8 = state[8]; uint64_t a9 = state[9];
  uint64_t a10 = state[10]; uint64_t a11 = state[11]; uint64_t a12 = state[12]; uint64_t a13 = state[13]; uint64_t a14 = state[14];
  uint64_t a15 = state[15]; uint64_t a16 = state[16]; uint64_t a17 = state[17]; uint64_t a18 = state[18]; uint64_t a19 = state[19];
  uint64_t a20 = state[20]; uint64_t a21 = state[21]; uint64_t a22 = state[22]; uint64_t a23 = state[23]; uint64_t a24 = state[24];
  for (int round = 0; round < 24; ++round) {
    const uint64_t c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20;
    const uint64_t c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21;
    const uint64_t c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;
    const uint64_t c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23;
    const uint64_t c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
    const uint64_t d0 = c4 ^ std::rotl(c1, 1);
    const uint64_t d1 = c0 ^ std::rotl(c2, 1);
    const uint64_t d2 = c1 ^ std::rotl(c3, 1);
    const uint64_t d3 = c2 ^ std::rotl(c4, 1);
    const uint64_t d4 = c3 ^ std::rotl(c0, 1);
    const uint64_t b0 = (a0 ^ d0);
    const uint64_t b1 = std::rotl(a6 ^ d1, 44);
    const uint64_t b2 = std::rotl(a12 ^ d2, 43);
    const uint64_t b3 = std::rotl(a18 ^ d3, 21);
    const uint64_t b4 = std::rotl(a24 ^ d4, 14);
    const uint64_t b5 = std::rotl(a3 ^ d3, 28);
    const uint64_t b6 = std::rotl(a9 ^ d4, 20);
    const uint64_t b7 = std::rotl(a10 ^ d0, 3);
    const uint64_t b8 = std::rotl(a16 ^ d1, 45);
    const uint64_t b9 = std::rotl(a22 ^ d2, 61);
    const uint64_t b10 = std::rotl(a1 ^ d1, 1);
    const uint64_t b11 = std::rotl(a7 ^ d2, 6);
    const uint64_t b12 = std::rotl(a13 ^ d3, 25);
    const uint64_t b13 = std::rotl(a19 ^ d4, 8);
    const uint64_t b14 = std::rotl(a20 ^ d0, 18);
    const uint64_t b15 = std::rotl(a4 ^ d4, 27);
    const uint64_t b16 = std::rotl(a5 ^ d0, 36);
    const uint64_t b17 = std::rotl(a11 ^ d1, 10);
    const uint64_t b18 = std::rotl(a17 ^ d2, 15);
    const uint64_t b19 = std::rotl(a23 ^ d3, 56);
    const uint64_t b20 = std::rotl(a2 ^ d2, 62);
    const uint64_t b21 = std::rotl(a8 ^ d3, 55);
    const uint64_t b22 = std::rotl(a14 ^ d4, 39);
    const uint64_t b23 = std::rotl(a15 ^ d0, 41);
    const uint64_t b24 = std::rotl(a21 ^ d1, 2);
    a0 = b0 ^ (~b1 & b2);
    a1 = b1 ^ (~b2 & b3);
    a2 = b2 ^ (~b3 & b4);
    a3 = b3 ^ (~b4 & b0);
    a4 = b4 ^ (~b0 & b1);
    a5 = b5 ^ (~b6 & b7);
    a6 = b6 ^ (~b7 & b8);
    a7 = b7 ^ (~b8 & b9);
    a8 = b8 ^ (~b9 & b5);
    a9 = b9 ^ (~b5 & b6);
    a10 = b10 ^ (~b11 & b12);
    a11 = b11 ^ (~b12 & b13);
    a12 = b12 ^ (~b13 & b14);
    a13 = b13 ^ (~b14 & b10);
    a14 = b14 ^ (~b10 & b11);
    a15 = b15 ^ (~b16 & b17);
    a16 = b16 ^ (~b17 & b18);
    a17 = b17 ^ (~b18 & b19);
    a18 = b18 ^ (~b19 & b15);
    a19 = b19 ^ (~b15 & b16);
    a20 = b20 ^ (~b21 & b22);
    a21 = b21 ^ (~b22 & b23);
    a22 = b22 ^ (~b23 & b24);
    a23 = b23 ^ (~b24 & b20);
    a24 = b24 ^ (~b20 & b21);
    a0 ^= kKeccakRoundConstants[round];
  }
  state[0] = a0; state[1] = a1; state[2] = a2; state[3] = a3; state[4] = a4;
  state[5] = a5; state[6] = a6; state[7] = a7; state[8] = a8; state[9] = a9;
  state[10] = a10; state[11] = a11; state[12] = a12; state[13] = a13; state[14] = a14;
  state[15] = a15; state[16] = a16; state[17] = a17; state[18] = a18; state[19] = a19;
  state[20] = a20; state[21] = a21; state[22] = a22; state[23] = a23; state[24] = a24;
}

Keccak256& Keccak256::update(std::span<const uint8_t> data) {
  for (uint8_t byte : data) {
    state_[offset_ / 8] ^= static_cast<uint64_t>(byte) << (8 * (offset_ % 8));
    if (++offset_ == kRate) {
      keccak_f1600(state_);
      offset_ = 0;
    }
  }
  return *this;
}

Digest Keccak256::finalize() {
  state_[offset_ / 8] ^= 0x01ull << (8 * (offset_ % 8));
  state_[(kRate - 1) / 8] ^= 0x80ull << (8 * ((kRate - 1) % 8));
  keccak_f1600(state_);
  Digest out;
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(state_[i / 8] >> (8 * (i % 8)));
  *this = Keccak256();
  return out;
}

Digest keccak256(std::span<const uint8_t> data) { return Keccak256().update(data).finalize(); }

Digest keccak256_pair(const Digest& left, const Digest& right) {
  // Both digests fit in one 136-byte block: absorb them directly into the lanes.
  uint64_t state[25] = {};
  for (size_t i = 0; i < 4; ++i) {
    uint64_t l, r;
    std::memcpy(&l, left.data() + 8 * i, 8);
    std::memcpy(&r, right.data() + 8 * i, 8);
    state[i] = l;
    state[4 + i] = r;
  }
  state[8] ^= 0x01;
  state[16] ^= 0x80ull << 56;
  keccak_f1600(state);
  Digest out;
  std::memcpy(out.data(), state, 32);
  return out;
}

}  // namespace zk
