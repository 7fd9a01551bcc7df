// Secret prover randomness for hiding commitments (mask polynomials, Merkle-leaf salts).
//
// A 32-byte seed from the operating system (getrandom(2)) keys a Keccak-f[1600] sponge: stream
// (domain, index) absorbs seed || domain || index (48 bytes, Keccak padding) and is squeezed 17
// lanes (136 bytes, the Keccak-256 rate) per permutation, as SHAKE squeezes (FIPS 202, section
// 4). Field elements are drawn from the words by rejection (w < p), so they are exactly uniform
// when the words are. Independent streams per index let large fills run in parallel chunks with
// a result that does not depend on the thread count. Assumption: Keccak-f[1600] as a
// pseudo-random function of the secret seed (the random-oracle assumption the transcript
// already makes).
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "field/field.hpp"

namespace zk::pcs {

using Seed = std::array<uint8_t, 32>;

// 32 bytes from getrandom(2); throws if the operating system cannot provide them.
Seed os_seed();

// The stream (domain, index) of `seed`: a UniformRandomBitGenerator of 64-bit words.
class KeccakStream {
 public:
  using result_type = uint64_t;
  KeccakStream(const Seed& seed, uint64_t domain, uint64_t index);
  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() { return ~uint64_t{0}; }
  uint64_t operator()();
  F field_element();  // uniform in F (rejection sampling)

 private:
  uint64_t state_[25] = {};
  size_t lane_ = 0;  // lanes of the current block already output
};

// out[i] uniform in F, from the streams (domain, chunk) of chunks of 2^12 entries.
void fill_uniform(std::span<F> out, const Seed& seed, uint64_t domain);

}  // namespace zk::pcs
