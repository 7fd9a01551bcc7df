// Keccak-256 as used by Ethereum (original Keccak padding 0x01, not SHA3's 0x06), so that an
// EVM verifier can recompute every Fiat-Shamir challenge with its native KECCAK256 opcode.
// Permutation: Keccak-f[1600], 24 rounds (FIPS 202, section 3; The Keccak reference, v3.0).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace zk {

using Digest = std::array<uint8_t, 32>;

// Round constants of the iota step (FIPS 202, algorithm 5), shared with vectorized kernels.
inline constexpr uint64_t kKeccakRoundConstants[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808Aull, 0x8000000080008000ull,
    0x000000000000808Bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008Aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000Aull,
    0x000000008000808Bull, 0x800000000000008Bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800Aull, 0x800000008000000Aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull};

void keccak_f1600(uint64_t state[25]);

// Incremental Keccak-256: rate 136 bytes, capacity 512 bits.
class Keccak256 {
 public:
  Keccak256& update(std::span<const uint8_t> data);
  Keccak256& update(std::string_view data) {
    return update({reinterpret_cast<const uint8_t*>(data.data()), data.size()});
  }
  Digest finalize();

 private:
  static constexpr size_t kRate = 136;
  uint64_t state_[25] = {};
  size_t offset_ = 0;  // bytes absorbed into the current block
};

Digest keccak256(std::span<const uint8_t> data);
// Hash of two 32-byte digests (a Merkle tree node).
Digest keccak256_pair(const Digest& left, const Digest& right);

}  // namespace zk
