// SharedBytes: buffers and mapped files, shared until the last holder lets go.
#include "base/shared_bytes.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <numeric>
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

// This process's resident file-backed memory in KiB (RssFile of /proc/self/status).
size_t resident_file_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  size_t value = 0;
  while (status >> key) {
    if (key == "RssFile:") {
      status >> value;
      return value;
    }
    status.ignore(1 << 10, '\n');
  }
  return 0;
}

// Releasing a mapped range drops its pages from the resident set and leaves the bytes readable
// as they were; inside a buffer it changes nothing.
TEST(SharedBytes, ReleasedPagesLeaveTheResidentSetNotTheContent) {
  std::vector<uint8_t> content(size_t{32} << 20);
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<uint8_t>(i * 131 + (i >> 12));
  const std::string path = temp_file("shared_bytes_release.bin", content);
  auto mapped = SharedBytes::map_file(path, content.size());
  ASSERT_TRUE(mapped.ok()) << mapped.error();
  const auto sum = [](std::span<const uint8_t> bytes) { return std::accumulate(bytes.begin(), bytes.end(), uint64_t{0}); };
  const uint64_t expected = sum(content);
  EXPECT_EQ(sum(mapped->span()), expected);  // every page touched
  const size_t before = resident_file_kib();
  mapped->release_resident(mapped->span().subspan(100, content.size() - 200));
  const size_t after = resident_file_kib();
  EXPECT_GE(before, after + (size_t{28} << 10)) << before << " KiB before, " << after << " KiB after";
  EXPECT_EQ(sum(mapped->span()), expected);
  SharedBytes buffer(content);
  buffer.release_resident(buffer.span());
  EXPECT_EQ(sum(buffer.span()), expected);
  std::remove(path.c_str());
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
