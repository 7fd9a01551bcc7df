// libFuzzer target for the untrusted key and proof inputs: arbitrary bytes decoded as a verifying
// key, as a proof verified under a fixed valid key (the files named by the ZKINFER_FUZZ_VK and
// ZKINFER_FUZZ_VK2 environment variables: an MLP's and a CNN's; scripts/fuzz.sh makes them and
// seeds the corpus with valid keys and proofs), and as a proving key whose length and checksum
// fields are rewritten to match the bytes first (so the fuzzer reaches the decoding past the
// checksum; the corpus holds a valid proving key). The first byte picks the target (0: proof
// under the first key, 1: key, 2: proof under the second key, 3: proving key). Every outcome
// must be a value or an error Result: no crash, no sanitizer report, no unbounded allocation.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "base/checksum.hpp"
#include "zkml/zkml.hpp"

namespace {

constexpr size_t kProvingKeyHeader = 26;

zk::zkml::VerifyingKey load_key(const char* variable) {
  const char* path = std::getenv(variable);
  if (path == nullptr) {
    std::fprintf(stderr, "fuzz_verify: set %s to a verifying key file\n", variable);
    std::abort();
  }
  std::ifstream file(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  auto vk = zk::zkml::VerifyingKey::from_bytes(bytes);
  if (!vk) {
    std::fprintf(stderr, "fuzz_verify: %s: %s\n", path, vk.error().c_str());
    std::abort();
  }
  return std::move(*vk);
}

const zk::zkml::VerifyingKey& fixed_key(int which) {
  static const zk::zkml::VerifyingKey first = load_key("ZKINFER_FUZZ_VK");
  static const zk::zkml::VerifyingKey second = load_key("ZKINFER_FUZZ_VK2");
  return which == 0 ? first : second;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> rest(data + 1, size - 1);
  if (data[0] % 4 == 1) {
    auto vk = zk::zkml::VerifyingKey::from_bytes(rest);
    (void)vk;
  } else if (data[0] % 4 == 3) {
    std::vector<uint8_t> key(rest.begin(), rest.end());
    if (key.size() >= kProvingKeyHeader) {  // "ZKMLPK", u32 version, u64 length, u64 checksum
      const uint64_t sum = zk::checksum(std::span(key).subspan(kProvingKeyHeader));
      for (size_t i = 0; i < 8; ++i) {
        key[10 + i] = static_cast<uint8_t>(uint64_t{key.size()} >> (8 * i));
        key[18 + i] = static_cast<uint8_t>(sum >> (8 * i));
      }
    }
    auto pk = zk::zkml::ProvingKey::from_bytes(zk::SharedBytes(std::move(key)));
    (void)pk;
  } else {
    auto proof = zk::zkml::verify_bytes(fixed_key(data[0] % 4 == 0 ? 0 : 1), rest);
    (void)proof;
  }
  return 0;
}
