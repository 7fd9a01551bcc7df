// SharedBytes: buffers and mapped files, shared until the last holder lets go.
#include "base/shared_bytes.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace zk {
namespace {

std::string temp_file(const std::string& name, const std::vector<uint8_t>& bytes) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
  return path;
}

TEST(SharedBytes, BufferOutlivesTheOriginalHolder) {
  std::span<const uint8_t> view;
  std::shared_ptr<const void> owner;
  {
    SharedBytes bytes(std::vector<uint8_t>{1, 2, 3});
    view = bytes.span();
    owner = bytes.owner();
  }
  ASSERT_EQ(view.size(), 3u);
  EXPECT_EQ(view[2], 3);
}

TEST(SharedBytes, MapsAFileAndRefusesMissingOrLargeFiles) {
  const std::vector<uint8_t> content = {9, 8, 7, 6, 5};
  const std::string path = temp_file("shared_bytes_test.bin", content);
  auto mapped = SharedBytes::map_file(path, 5);
  ASSERT_TRUE(mapped.ok()) << mapped.error();
  EXPECT_TRUE(std::equal(content.begin(), content.end(), mapped->span().begin(), mapped->span().end()));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(mapped->span().data()) % 4096, 0u);
  EXPECT_FALSE(SharedBytes::map_file(path, 4).ok());
  EXPECT_FALSE(SharedBytes::map_file(path + ".missing", 100).ok());
  EXPECT_FALSE(SharedBytes::map_file(::testing::TempDir(), 100).ok());  // a directory
  auto empty = SharedBytes::map_file(temp_file("shared_bytes_empty.bin", {}), 100);
  ASSERT_TRUE(empty.ok()) << empty.error();
  EXPECT_EQ(empty->size(), 0u);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace zk
