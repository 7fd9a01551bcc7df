// Read-only bytes with shared ownership: a buffer moved in, or a file mapped into memory. Copies
// share the memory, which is released with the last copy (or the last holder of owner()), so
// objects decoded from the bytes can keep using them without copying (a proving key's tables and
// codewords, pcs/committed_io.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace zk {

class SharedBytes {
 public:
  SharedBytes() = default;
  explicit SharedBytes(std::vector<uint8_t> bytes);

  // The file mapped read-only (pages are read from the page cache on first access). A file of
  // more than max_bytes is refused. The file must not shrink while it is mapped: reading past its
  // new end ends the process (SIGBUS).
  static Result<SharedBytes> map_file(const std::string& path, size_t max_bytes);

  std::span<const uint8_t> span() const { return span_; }
  size_t size() const { return span_.size(); }
  // Keeps the memory alive as long as it is held.
  const std::shared_ptr<const void>& owner() const { return owner_; }

  // For a mapped file: unmaps the whole pages inside `part` (a range of span()) from this
  // process's resident memory (madvise MADV_DONTNEED; the page cache keeps them, a later read maps
  // them again with the same bytes). For a buffer: nothing. Lets a pass over a large key (its
  // checksum) leave behind only the pages the prover goes on to use.
  void release_resident(std::span<const uint8_t> part) const;

 private:
  std::shared_ptr<const void> owner_;
  std::span<const uint8_t> span_;
  bool mapped_ = false;
};

}  // namespace zk
