#include "crypto/keccak.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace zk {
namespace {

std::string hex(const Digest& d) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t b : d) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

// Ethereum's Keccak-256 known answers (e.g. keccak256("") is the empty-code hash of every EOA).
TEST(Keccak256, KnownAnswers) {
  EXPECT_EQ(hex(keccak256({})), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  std::string abc = "abc";
  EXPECT_EQ(hex(keccak256({reinterpret_cast<const uint8_t*>(abc.data()), abc.size()})),
            "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

TEST(Keccak256, IncrementalEqualsOneShotAcrossBlockBoundaries) {
  std::vector<uint8_t> data(1000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 31 + 7);
  for (size_t len : {0u, 1u, 135u, 136u, 137u, 271u, 272u, 1000u}) {
    std::span<const uint8_t> part(data.data(), len);
    Digest one_shot = keccak256(part);
    Keccak256 h;
    for (size_t i = 0; i < len; i += 17) h.update(part.subspan(i, std::min<size_t>(17, len - i)));
    EXPECT_EQ(h.finalize(), one_shot) << "len " << len;
  }
}

TEST(Keccak256, PairEqualsHashOfConcatenation) {
  Digest a{}, b{};
  for (size_t i = 0; i < 32; ++i) {
    a[i] = static_cast<uint8_t>(i);
    b[i] = static_cast<uint8_t>(255 - i);
  }
  std::vector<uint8_t> cat(a.begin(), a.end());
  cat.insert(cat.end(), b.begin(), b.end());
  EXPECT_EQ(keccak256_pair(a, b), keccak256(cat));
}

}  // namespace
}  // namespace zk
