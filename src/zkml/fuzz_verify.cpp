// libFuzzer target for the untrusted inputs of `zkinfer verify`: arbitrary bytes decoded as a
// verifying key, and as a proof verified under a fixed valid key (the file named by the
// ZKINFER_FUZZ_VK environment variable; scripts/fuzz.sh makes it and seeds the corpus with a
// valid proof). The first byte picks the target. Every outcome must be a value or an error
// Result: no crash, no sanitizer report, no unbounded allocation.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

#include "zkml/zkml.hpp"

namespace {

const zk::zkml::VerifyingKey& fixed_key() {
  static const std::optional<zk::zkml::VerifyingKey> key = [] {
    const char* path = std::getenv("ZKINFER_FUZZ_VK");
    if (path == nullptr) {
      std::fprintf(stderr, "fuzz_verify: set ZKINFER_FUZZ_VK to a verifying key file\n");
      std::abort();
    }
    std::ifstream file(path, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    auto vk = zk::zkml::VerifyingKey::from_bytes(bytes);
    if (!vk) {
      std::fprintf(stderr, "fuzz_verify: %s: %s\n", path, vk.error().c_str());
      std::abort();
    }
    return std::optional<zk::zkml::VerifyingKey>(std::move(*vk));
  }();
  return *key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> rest(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    auto proof = zk::zkml::verify_bytes(fixed_key(), rest);
    (void)proof;
  } else {
    auto vk = zk::zkml::VerifyingKey::from_bytes(rest);
    (void)vk;
  }
  return 0;
}
