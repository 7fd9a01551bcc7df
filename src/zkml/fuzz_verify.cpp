// libFuzzer target for the untrusted inputs of `zkinfer verify`: arbitrary bytes decoded as a
// verifying key, and as a proof verified under a fixed valid key (the files named by the
// ZKINFER_FUZZ_VK and ZKINFER_FUZZ_VK2 environment variables: an MLP's and a CNN's;
// scripts/fuzz.sh makes them and seeds the corpus with valid keys and proofs). The first byte
// picks the target (0: proof under the first key, 1: key, 2: proof under the second key). Every
// outcome must be a value or an error Result: no crash, no sanitizer report, no unbounded
// allocation.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "zkml/zkml.hpp"

namespace {

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
  if (data[0] % 3 == 1) {
    auto vk = zk::zkml::VerifyingKey::from_bytes(rest);
    (void)vk;
  } else {
    auto proof = zk::zkml::verify_bytes(fixed_key(data[0] % 3 == 0 ? 0 : 1), rest);
    (void)proof;
  }
  return 0;
}
