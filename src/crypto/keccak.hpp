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
