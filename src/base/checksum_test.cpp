// checksum: the stated construction, independent of the thread count, and sensitive to any change.
#include "base/checksum.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "base/parallel.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace zk {
namespace {

std::vector<uint8_t> random_bytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> out(n);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

uint64_t xxh3(std::span<const uint8_t> bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

std::vector<uint8_t> le64(uint64_t v) {
  std::vector<uint8_t> out(8);
  for (size_t i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
  return out;
}

TEST(Checksum, IsXxh3OfTheChunkDigests) {
  EXPECT_EQ(checksum({}), xxh3({}));
  const auto small = random_bytes(1000, 1);
  EXPECT_EQ(checksum(small), xxh3(le64(xxh3(small))));
  const auto two = random_bytes(kChecksumChunk + 5, 2);
  std::vector<uint8_t> digests = le64(xxh3(std::span(two).first(kChecksumChunk)));
  const auto last = le64(xxh3(std::span(two).subspan(kChecksumChunk)));
  digests.insert(digests.end(), last.begin(), last.end());
  EXPECT_EQ(checksum(two), xxh3(digests));
}

TEST(Checksum, SameForAnyThreadCountAndChangedByAnyFlip) {
  const auto bytes = random_bytes(5 * kChecksumChunk + 3, 3);
  const uint64_t all = checksum(bytes);
  const int saved = threads();
  set_threads(1);
  EXPECT_EQ(checksum(bytes), all);
  set_threads(saved);
  for (size_t at : {size_t{0}, kChecksumChunk - 1, 3 * kChecksumChunk + 77, bytes.size() - 1}) {
    auto altered = bytes;
    altered[at] ^= 0x20;
    EXPECT_NE(checksum(altered), all) << at;
  }
  EXPECT_NE(checksum(std::span(bytes).first(bytes.size() - 1)), all);
}

}  // namespace
}  // namespace zk
