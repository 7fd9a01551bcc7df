#include "crypto/keccak.hpp"

#include <bit>
#include <cstring>

static_assert(std::endian::native == std::endian::little, "lane packing assumes a little-endian host");

namespace zk {
namespace {

constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808Aull, 0x8000000080008000ull,
    0x000000000000808Bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008Aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000Aull,
    0x000000008000808Bull, 0x800000000000008Bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800Aull, 0x800000008000000Aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull};

// Rotation offsets r[x + 5y] of the rho step.
constexpr int kRho[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                          25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

inline uint64_t rotl(uint64_t v, int n) { return n == 0 ? v : (v << n) | (v >> (64 - n)); }

}  // namespace

void keccak_f1600(uint64_t a[25]) {
  for (int round = 0; round < 24; ++round) {
    // theta: a[x,y] ^= parity(column x-1) ^ rot(parity(column x+1), 1)
    uint64_t c[5], d[5];
    for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; ++x) d[x] = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
    for (int i = 0; i < 25; ++i) a[i] ^= d[i % 5];
    // rho and pi: b[y, 2x+3y] = rot(a[x,y], r[x,y])
    uint64_t b[25];
    for (int x = 0; x < 5; ++x)
      for (int y = 0; y < 5; ++y) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], kRho[x + 5 * y]);
    // chi: a[x,y] = b[x,y] ^ (~b[x+1,y] & b[x+2,y])
    for (int y = 0; y < 5; ++y)
      for (int x = 0; x < 5; ++x)
        a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
    // iota
    a[0] ^= kRoundConstants[round];
  }
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
