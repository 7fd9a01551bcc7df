#include "base/uninitialized_buffer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>

namespace zk {
namespace {

TEST(UninitializedBuffer, HoldsWhatIsWrittenAndMovesItsStorage) {
  UninitializedBuffer<uint64_t> buffer(1000);
  ASSERT_EQ(buffer.size(), 1000u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer.data()) % 64, 0u);
  for (size_t i = 0; i < buffer.size(); ++i) buffer.data()[i] = 3 * i + 1;
  const uint64_t* storage = buffer.data();
  UninitializedBuffer<uint64_t> moved(std::move(buffer));
  EXPECT_EQ(moved.data(), storage);
  EXPECT_EQ(buffer.size(), 0u);
  EXPECT_EQ(buffer.data(), nullptr);
  UninitializedBuffer<uint64_t> assigned;
  assigned = std::move(moved);
  ASSERT_EQ(assigned.span().size(), 1000u);
  for (size_t i = 0; i < assigned.size(); ++i) ASSERT_EQ(assigned.span()[i], 3 * i + 1);
  EXPECT_TRUE(UninitializedBuffer<uint64_t>(0).span().empty());
}

}  // namespace
}  // namespace zk
