#include "crypto/transcript.hpp"

#include <stdexcept>

namespace zk {
namespace {

void put_u32(Keccak256& h, uint32_t v) {
  uint8_t b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  h.update({b, 4});
}
void put_u64(Keccak256& h, uint64_t v) {
  uint8_t b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  h.update({b, 8});
}
void put_label(Keccak256& h, std::string_view label) {
  put_u32(h, static_cast<uint32_t>(label.size()));
  h.update(label);
}

constexpr uint8_t kTagAbsorb = 0x01;
constexpr uint8_t kTagChallenge = 0x02;

}  // namespace

Transcript::Transcript(std::string_view protocol_label) {
  Keccak256 h;
  h.update(std::string_view("zkinfer/transcript/v1"));
  put_label(h, protocol_label);
  state_ = h.finalize();
}

void Transcript::absorb_bytes(std::string_view label, std::span<const uint8_t> data) {
  Keccak256 h;
  h.update(state_);
  h.update({&kTagAbsorb, 1});
  put_label(h, label);
  put_u64(h, data.size());
  h.update(data);
  state_ = h.finalize();
  word_index_ = 4;
}

void Transcript::absorb_u64(std::string_view label, uint64_t value) {
  uint8_t b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(value >> (8 * i));
  absorb_bytes(label, {b, 8});
}

void Transcript::begin_challenge(std::string_view label) {
  Keccak256 h;
  h.update(state_);
  h.update({&kTagChallenge, 1});
  put_label(h, label);
  state_ = h.finalize();
  counter_ = 0;
  word_index_ = 4;
}

uint64_t Transcript::next_word() {
  if (word_index_ == 4) {
    Keccak256 h;
    h.update(state_);
    put_u32(h, counter_++);
    block_ = h.finalize();
    word_index_ = 0;
  }
  uint64_t w = 0;
  for (int i = 0; i < 8; ++i) w |= static_cast<uint64_t>(block_[8 * word_index_ + i]) << (8 * i);
  ++word_index_;
  return w;
}

uint64_t Transcript::uniform_below(uint64_t bound) {
  if (bound == 0) throw std::logic_error("uniform_below: empty range");
  // Largest multiple of bound that fits in 2^64 (2^64 itself when bound is a power of two).
  const uint64_t rem = (0 - bound) % bound;  // 2^64 mod bound
  for (;;) {
    const uint64_t w = next_word();
    if (rem == 0 || w < 0 - rem) return w % bound;
  }
}

std::vector<uint64_t> Transcript::challenge_indices(std::string_view label, size_t count,
                                                    uint64_t bound) {
  begin_challenge(label);
  std::vector<uint64_t> out(count);
  for (auto& v : out) v = uniform_below(bound);
  return out;
}

}  // namespace zk
