// Helpers shared by the zkml tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "zkml/zkml.hpp"

namespace zk::zkml::testing {

// Every byte of a proof's encoding is covered: a bit flipped at any of about `offsets` evenly
// spaced offsets, and a truncation at as many lengths, must be rejected.
inline void expect_flips_and_truncations_rejected(const VerifyingKey& vk, std::span<const uint8_t> bytes,
                                                  size_t offsets) {
  const size_t step = bytes.size() / offsets + 1;
  for (size_t i = 0; i < bytes.size(); i += step) {
    std::vector<uint8_t> changed(bytes.begin(), bytes.end());
    changed[i] ^= static_cast<uint8_t>(1u << (i % 8));
    EXPECT_FALSE(verify_bytes(vk, changed).ok()) << "offset " << i;
  }
  for (size_t n = 0; n < bytes.size(); n += step) EXPECT_FALSE(verify_bytes(vk, bytes.first(n)).ok()) << n;
}

}  // namespace zk::zkml::testing
