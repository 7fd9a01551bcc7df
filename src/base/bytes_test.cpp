#include "base/bytes.hpp"

#include <gtest/gtest.h>

namespace zk {
namespace {

TEST(ByteStreams, RoundTripLittleEndian) {
  ByteWriter w;
  w.u8(0xab);
  w.u32(0x01020304u);
  w.u64(0x1122334455667788ull);
  ASSERT_EQ(w.size(), 13u);
  EXPECT_EQ(w.bytes()[1], 0x04);  // little-endian
  ByteReader r(w.bytes());
  EXPECT_EQ(*r.u8(), 0xab);
  EXPECT_EQ(*r.u32(), 0x01020304u);
  EXPECT_EQ(*r.u64(), 0x1122334455667788ull);
  EXPECT_TRUE(r.expect_end().ok());
}

TEST(ByteStreams, TruncatedReadFailsWithReason) {
  std::vector<uint8_t> three = {1, 2, 3};
  ByteReader r(three);
  auto v = r.u32();
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().find("truncated"), std::string::npos);
  EXPECT_EQ(r.remaining(), 3u);  // a failed read consumes nothing
}

TEST(ByteStreams, LengthAboveBoundRejected) {
  ByteWriter w;
  w.u32(1000);
  ByteReader r(w.bytes());
  auto n = r.length(999, "rounds");
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().find("exceeds bound"), std::string::npos);
}

TEST(ByteStreams, TrailingBytesRejected) {
  std::vector<uint8_t> two = {1, 2};
  ByteReader r(two);
  ASSERT_TRUE(r.u8().ok());
  auto end = r.expect_end();
  ASSERT_FALSE(end.ok());
  EXPECT_NE(end.error().find("trailing"), std::string::npos);
}

}  // namespace
}  // namespace zk
