// Fiat-Shamir transcript over Keccak-256.
//
// State: a 32-byte digest s. Initialised as s0 = H("zkinfer/transcript/v1" || u32 len || label).
//   absorb(label, data):  s <- H(s || 0x01 || u32 len(label) || label || u64 len(data) || data)
//   challenge(label):     s <- H(s || 0x02 || u32 len(label) || label), then field elements are
//                         drawn from the words of H(s || u32 counter), counter = 0, 1, ...
// Each 256-bit block gives four little-endian 64-bit words; a base-field element is the first
// word w < floor(2^64 / p) * p, reduced mod p (rejection sampling: exactly uniform). An
// extension element is two base elements (c0 then c1).
//
// Every message a prover sends is absorbed before the challenge that follows it, and each
// protocol first absorbs its public statement (sizes, claimed values, commitments): the
// "strong" Fiat-Shamir discipline whose absence broke deployed systems (Dao, Miller, Wright,
// Grubbs, "Weak Fiat-Shamir Attacks on Modern Proof Systems", IEEE S&P 2023).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/keccak.hpp"

namespace zk {

class Transcript {
 public:
  explicit Transcript(std::string_view protocol_label);

  void absorb_bytes(std::string_view label, std::span<const uint8_t> data);
  void absorb_u64(std::string_view label, uint64_t value);
  void absorb_digest(std::string_view label, const Digest& digest) { absorb_bytes(label, digest); }

  template <class Field>
  void absorb(std::string_view label, const Field& value) {
    uint8_t bytes[Field::BYTES];
    value.to_bytes(bytes);
    absorb_bytes(label, {bytes, Field::BYTES});
  }
  template <class Field>
  void absorb_all(std::string_view label, std::span<const Field> values) {
    std::vector<uint8_t> bytes(values.size() * Field::BYTES);
    for (size_t i = 0; i < values.size(); ++i) values[i].to_bytes(bytes.data() + i * Field::BYTES);
    absorb_bytes(label, bytes);
  }

  template <class Field>
  Field challenge(std::string_view label) {
    begin_challenge(label);
    return sample<Field>();
  }
  template <class Field>
  std::vector<Field> challenges(std::string_view label, size_t count) {
    begin_challenge(label);
    std::vector<Field> out;
    out.reserve(count);
    for (size_t i = 0; i < count; ++i) out.push_back(sample<Field>());
    return out;
  }
  // `count` integers uniform in [0, bound), e.g. query positions; bound >= 1.
  std::vector<uint64_t> challenge_indices(std::string_view label, size_t count, uint64_t bound);

  const Digest& state() const { return state_; }

 private:
  void begin_challenge(std::string_view label);
  uint64_t next_word();
  uint64_t uniform_below(uint64_t bound);

  template <class Field>
  Field sample() {
    if constexpr (requires { typename Field::BaseField; }) {
      auto c0 = sample<typename Field::BaseField>();
      return Field(c0, sample<typename Field::BaseField>());
    } else {
      return Field::from_u64(uniform_below(Field::MODULUS));
    }
  }

  Digest state_{};
  Digest block_{};
  uint32_t counter_ = 0;
  size_t word_index_ = 4;  // words of block_ consumed; 4 means the block is exhausted
};

}  // namespace zk
