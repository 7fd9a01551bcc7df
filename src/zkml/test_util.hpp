// Helpers shared by the zkml tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "model/int_engine.hpp"
#include "zkml/zkml.hpp"

namespace zk::zkml::testing {

// Every byte of a proof's encoding is covered: a bit flipped at any of about `offsets` evenly
// spaced offsets, and a truncation at as many lengths, must be rejected.
inline void expect_flips_and_truncations_rejected(const VerifyingKey& vk, std::span<const uint8_t> bytes,
                                                  size_t offsets) {
  const size_t step = bytes.size() / offsets + 1;
  for (size_t i = 0; i < bytes.size(); i += step) {
    std::vector<uint8_t> changed(bytes.begin(), bytes.end());
    changed[i] ^= static_cast<uint8_t>(1u << (i % 8));
    EXPECT_FALSE(verify_bytes(vk, changed).ok()) << "offset " << i;
  }
  for (size_t n = 0; n < bytes.size(); n += step) EXPECT_FALSE(verify_bytes(vk, bytes.first(n)).ok()) << n;
}

// The 8-byte encodings, as field elements, of the values among `values` whose encoding is
// distinctive: negative ones of magnitude >= 2^16 (p - |v|) and positive ones from 2^20 (a smaller
// positive value shares its encoding with the openings' grinding nonces, u64 values of about 2^16
// that pass 2^20 with probability e^-16, and with length and shape fields).
inline std::vector<std::array<uint8_t, 8>> distinctive_encodings(std::span<const int64_t> values) {
  std::vector<std::array<uint8_t, 8>> out;
  for (int64_t v : values) {
    if (v > -65536 && v < (int64_t{1} << 20)) continue;
    const uint64_t word = F::from_i64(v).value();
    std::array<uint8_t, 8> p;
    for (size_t i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(word >> (8 * i));
    out.push_back(p);
  }
  return out;
}

// How many of `patterns` occur in `bytes`.
inline size_t occurrences(std::span<const uint8_t> bytes, const std::vector<std::array<uint8_t, 8>>& patterns) {
  size_t found = 0;
  for (const auto& p : patterns) found += std::search(bytes.begin(), bytes.end(), p.begin(), p.end()) != bytes.end();
  return found;
}

// The verifier rejects `proof` with a reason starting with `prefix`.
inline void expect_rejected_with(const VerifyingKey& vk, const Proof& proof, const std::string& prefix) {
  auto verdict = verify(vk, proof);
  ASSERT_FALSE(verdict.ok()) << prefix;
  EXPECT_EQ(verdict.error().rfind(prefix, 0), 0u) << verdict.error();
}

// `count` uniform values in [-127, 127] (8-bit quantized inputs).
inline std::vector<int64_t> random_input(std::mt19937_64& rng, size_t count) {
  std::uniform_int_distribution<int64_t> d(-127, 127);
  std::vector<int64_t> out(count);
  for (auto& v : out) v = d(rng);
  return out;
}

// The outputs the integer engine computes for the proven input of `batch` examples (per example,
// the model inputs' values back to back), in the proof's order (per example, the outputs' values
// back to back). The model's shapes must hold that batch.
inline std::vector<int64_t> engine_outputs(const model::IntModel& m, const ModelSpec& spec, uint32_t batch,
                                           std::span<const int64_t> input) {
  std::vector<model::IntTensor> tensors;
  for (int id : m.input_layers) tensors.push_back({m.layers[static_cast<size_t>(id)].shape, {}});
  size_t at = 0;
  for (uint32_t b = 0; b < batch; ++b)
    for (size_t k = 0; k < tensors.size(); ++k)
      for (uint64_t j = 0; j < spec.inputs[k].shape.size() && at < input.size(); ++j) tensors[k].data.push_back(input[at++]);
  auto trace = model::run_int(m, tensors);
  EXPECT_TRUE(trace.ok()) << trace.error();
  if (!trace.ok()) return {};
  std::vector<int64_t> out;
  for (uint32_t b = 0; b < batch; ++b)
    for (int id : m.output_layers) {
      const auto& values = trace->layers[static_cast<size_t>(id)].output.data;
      const size_t n = values.size() / batch;
      out.insert(out.end(), values.begin() + static_cast<ptrdiff_t>(b * n), values.begin() + static_cast<ptrdiff_t>((b + 1) * n));
    }
  return out;
}

}  // namespace zk::zkml::testing
