#include "pcs/randomness.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "base/parallel.hpp"
#include "crypto/keccak.hpp"
#include "pcs/keccak_x8.hpp"

namespace zk::pcs {

namespace {

constexpr size_t kRateLanes = 17;
constexpr size_t kFillChunk = size_t{1} << 12;
constexpr size_t kWays = 8;  // streams per keccak_f1600_x8 call

// The sponge state of stream (domain, index) before its first permutation: seed || domain ||
// index absorbed (lanes 0..5), then the Keccak padding.
void absorb_stream(const Seed& seed, uint64_t domain, uint64_t index, uint64_t state[25]) {
  std::fill_n(state, 25, uint64_t{0});
  std::memcpy(state, seed.data(), seed.size());  // lanes 0..3, little-endian words
  state[4] = domain;
  state[5] = index;
  state[6] ^= 0x01;
  state[kRateLanes - 1] ^= 0x80ull << 56;
}

// Entries [begin[k], end[k]) of `out` from stream (domain, first + k) for k < ways (<= kWays): the
// words KeccakStream::field_element draws, with the ways' permutations run eight at a time.
void fill_streams(std::span<F> out, const Seed& seed, uint64_t domain, size_t first, size_t ways,
                  const size_t* begin, const size_t* end) {
  uint64_t lanes[25][kWays] = {};
  size_t next[kWays] = {};
  for (size_t k = 0; k < ways; ++k) {
    uint64_t state[25];
    absorb_stream(seed, domain, first + k, state);
    for (size_t i = 0; i < 25; ++i) lanes[i][k] = state[i];
    next[k] = begin[k];
  }
  for (;;) {
    keccak_f1600_x8(lanes);
    bool done = true;
    for (size_t k = 0; k < ways; ++k) {
      for (size_t i = 0; i < kRateLanes && next[k] < end[k]; ++i)
        if (lanes[i][k] < F::MODULUS) out[next[k]++] = F::from_canonical(lanes[i][k]);
      done = done && next[k] == end[k];
    }
    if (done) return;
  }
}

}  // namespace

Seed os_seed() {
  Seed seed{};
  size_t filled = 0;
  while (filled < seed.size()) {
    const ssize_t got = ::getrandom(seed.data() + filled, seed.size() - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("pcs: getrandom failed");
    }
    filled += static_cast<size_t>(got);
  }
  return seed;
}

KeccakStream::KeccakStream(const Seed& seed, uint64_t domain, uint64_t index) {
  absorb_stream(seed, domain, index, state_);
  keccak_f1600(state_);
}

uint64_t KeccakStream::operator()() {
  if (lane_ == kRateLanes) {
    keccak_f1600(state_);
    lane_ = 0;
  }
  return state_[lane_++];
}

F KeccakStream::field_element() {
  for (;;) {
    const uint64_t w = (*this)();
    if (w < F::MODULUS) return F::from_canonical(w);
  }
}

// Chunk c of C = chunk_count(n, 2^12) is [n c / C, n (c + 1) / C), filled from stream (domain, c);
// chunks go eight at a time through the eight-way permutation, groups of eight in parallel.
void fill_uniform(std::span<F> out, const Seed& seed, uint64_t domain) {
  const size_t n = out.size(), chunks = chunk_count(n, kFillChunk);
  parallel_for((chunks + kWays - 1) / kWays, 1, [&](size_t group_begin, size_t group_end) {
    for (size_t g = group_begin; g < group_end; ++g) {
      const size_t first = g * kWays, ways = std::min(kWays, chunks - first);
      size_t begin[kWays], end[kWays];
      for (size_t k = 0; k < ways; ++k) {
        begin[k] = n * (first + k) / chunks;
        end[k] = n * (first + k + 1) / chunks;
      }
      fill_streams(out, seed, domain, first, ways, begin, end);
    }
  });
}

}  // namespace zk::pcs
