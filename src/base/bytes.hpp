// Bounds-checked byte streams for every serialized object (proofs, keys).
// Integers are little-endian. A ByteReader never reads past its span and never allocates
// on the word of the input alone: callers bound every length before reserving memory.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace zk {

class ByteWriter {
 public:
  void u8(uint8_t v) { bytes_.push_back(v); }
  void u32(uint32_t v) { put_le(v, 4); }
  void u64(uint64_t v) { put_le(v, 8); }
  void raw(std::span<const uint8_t> data) { bytes_.insert(bytes_.end(), data.begin(), data.end()); }
  void raw(std::string_view data) {
    bytes_.insert(bytes_.end(), data.begin(), data.end());
  }
  // Appends n zero bytes and returns a pointer to them for in-place encoding.
  uint8_t* extend(size_t n) {
    size_t old = bytes_.size();
    bytes_.resize(old + n);
    return bytes_.data() + old;
  }

  size_t size() const { return bytes_.size(); }
  const std::vector<uint8_t>& bytes() const& { return bytes_; }
  std::vector<uint8_t> take() && { return std::move(bytes_); }

 private:
  void put_le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) bytes_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  std::vector<uint8_t> bytes_;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }
  size_t position() const { return pos_; }

  Result<uint8_t> u8() {
    auto s = take(1);
    if (!s) return fail(s.error());
    return (*s)[0];
  }
  Result<uint32_t> u32() {
    auto s = take(4);
    if (!s) return fail(s.error());
    return static_cast<uint32_t>(le(*s));
  }
  Result<uint64_t> u64() {
    auto s = take(8);
    if (!s) return fail(s.error());
    return le(*s);
  }
  // A length prefix (u32) that must not exceed `max`.
  Result<size_t> length(size_t max, std::string_view what) {
    auto n = u32();
    if (!n) return fail(n.error());
    if (*n > max)
      return fail(std::string(what) + ": length " + std::to_string(*n) + " exceeds bound " +
                  std::to_string(max));
    return static_cast<size_t>(*n);
  }
  Result<std::span<const uint8_t>> take(size_t n) {
    if (n > remaining())
      return fail("truncated input: need " + std::to_string(n) + " bytes at offset " +
                  std::to_string(pos_) + ", have " + std::to_string(remaining()));
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  Status expect_end() const {
    if (!at_end()) return fail("trailing bytes: " + std::to_string(remaining()) + " unread");
    return {};
  }

 private:
  static uint64_t le(std::span<const uint8_t> s) {
    uint64_t v = 0;
    for (size_t i = 0; i < s.size(); ++i) v |= static_cast<uint64_t>(s[i]) << (8 * i);
    return v;
  }
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

}  // namespace zk
