#include "pcs/randomness.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "base/parallel.hpp"
#include "crypto/keccak.hpp"

namespace zk::pcs {

namespace {

constexpr size_t kRateLanes = 17;
constexpr size_t kFillChunk = size_t{1} << 12;

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
  std::memcpy(state_, seed.data(), seed.size());  // lanes 0..3, little-endian words
  state_[4] = domain;
  state_[5] = index;
  state_[6] ^= 0x01;                          // Keccak padding after the 48-byte message
  state_[kRateLanes - 1] ^= 0x80ull << 56;
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

void fill_uniform(std::span<F> out, const Seed& seed, uint64_t domain) {
  parallel_chunks(out.size(), kFillChunk, [&](size_t chunk, size_t begin, size_t end) {
    KeccakStream stream(seed, domain, chunk);
    for (size_t i = begin; i < end; ++i) out[i] = stream.field_element();
  });
}

}  // namespace zk::pcs
