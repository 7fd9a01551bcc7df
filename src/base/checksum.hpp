// A fast checksum that detects accidental corruption of large files (a disk or copy error, a
// truncation): not a cryptographic hash, since anyone can recompute it for altered bytes.
//
//   checksum(b) = XXH3-64 (seed 0) of the little-endian XXH3-64 digests (seed 0) of the
//                 consecutive 1 MiB chunks of b, the last one shorter (no chunk for empty b).
//
// The chunks are hashed in parallel; the value does not depend on the thread count. XXH3 (the
// xxHash library) runs at memory speed, and a random change escapes it with probability ~2^-64.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace zk {

constexpr size_t kChecksumChunk = size_t{1} << 20;

uint64_t checksum(std::span<const uint8_t> bytes);
// The same, calling chunk_done(chunk) after each chunk is hashed (from the hashing thread).
uint64_t checksum(std::span<const uint8_t> bytes, const std::function<void(std::span<const uint8_t>)>& chunk_done);

}  // namespace zk
