#include "base/checksum.hpp"

#include <vector>

#include "base/parallel.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace zk {

uint64_t checksum(std::span<const uint8_t> bytes) { return checksum(bytes, {}); }

uint64_t checksum(std::span<const uint8_t> bytes, const std::function<void(std::span<const uint8_t>)>& chunk_done) {
  const size_t chunks = (bytes.size() + kChecksumChunk - 1) / kChecksumChunk;
  std::vector<uint8_t> digests(chunks * 8);
  parallel_for(chunks, 1, [&](size_t begin, size_t end) {
    for (size_t c = begin; c < end; ++c) {
      const auto chunk = bytes.subspan(c * kChecksumChunk, std::min(kChecksumChunk, bytes.size() - c * kChecksumChunk));
      const uint64_t digest = XXH3_64bits(chunk.data(), chunk.size());
      if (chunk_done) chunk_done(chunk);
      for (size_t i = 0; i < 8; ++i) digests[c * 8 + i] = static_cast<uint8_t>(digest >> (8 * i));
    }
  });
  return XXH3_64bits(digests.data(), digests.size());
}

}  // namespace zk
