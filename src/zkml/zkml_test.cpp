// zkml: round trips, the cheating-prover harness, byte tampering, key binding and encodings.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <tuple>

#include "base/checksum.hpp"
#include "model/int_engine.hpp"
#include "model/io.hpp"
#include "poly/multilinear.hpp"
#include "zkml/layout.hpp"
#include "zkml/model_bench.hpp"
#include "zkml/test_util.hpp"
#include "zkml/zkml.hpp"

namespace zk::zkml {
namespace {

using model::IntLayer;
using model::IntModel;
using model::LayerOp;

bool sanitized() { return std::getenv("ZKINFER_SANITIZED") != nullptr; }

// A random MLP: dims[0] inputs, then dense layers of dims[i] outputs, ReLU between them.
IntModel random_mlp(std::mt19937_64& rng, const std::vector<int64_t>& dims, int64_t batch, int bits = 8,
                    bool per_channel = false, bool final_relu = false) {
  IntModel m;
  m.bits = bits;
  const int64_t q = (int64_t{1} << (bits - 1)) - 1;
  IntLayer input;
  input.op = LayerOp::Input;
  input.name = "x";
  input.source_op = "Input";
  input.shape = {batch, dims[0]};
  input.scale = 0.05;
  m.layers.push_back(input);
  m.input_layers = {0};
  std::uniform_int_distribution<int64_t> weight(-q, q), bias(-2000, 2000), mult(1 << 12, 1 << 14);
  for (size_t i = 1; i < dims.size(); ++i) {
    IntLayer mm;
    mm.op = LayerOp::MatMul;
    mm.name = "fc" + std::to_string(i);
    mm.source_op = "Gemm";
    mm.inputs = {static_cast<int>(m.layers.size() - 1)};
    mm.shape = {batch, dims[i]};
    mm.scale = 0.1;
    mm.weights.shape = {dims[i - 1], dims[i]};
    for (int64_t k = 0; k < dims[i - 1] * dims[i]; ++k) mm.weights.data.push_back(weight(rng));
    mm.bias.shape = {dims[i]};
    for (int64_t k = 0; k < dims[i]; ++k) mm.bias.data.push_back(bias(rng));
    mm.requantizes = true;
    mm.requant.shift = 24;
    mm.requant.lo = -q;
    mm.requant.hi = q;
    if (per_channel) {
      mm.requant.channel_axis = 1;
      for (int64_t k = 0; k < dims[i]; ++k) mm.requant.multipliers.push_back(mult(rng));
    } else {
      mm.requant.multipliers = {mult(rng)};
    }
    m.layers.push_back(mm);
    if (i + 1 < dims.size() || final_relu) {
      IntLayer relu;
      relu.op = LayerOp::Relu;
      relu.name = "relu" + std::to_string(i);
      relu.source_op = "Relu";
      relu.inputs = {static_cast<int>(m.layers.size() - 1)};
      relu.shape = mm.shape;
      relu.scale = mm.scale;
      m.layers.push_back(relu);
    }
  }
  m.output_layers = {static_cast<int>(m.layers.size() - 1)};
  m.output_names = {"y"};
  return m;
}

std::vector<int64_t> random_input(std::mt19937_64& rng, size_t count, int64_t q) {
  std::uniform_int_distribution<int64_t> d(-q, q);
  std::vector<int64_t> out(count);
  for (auto& v : out) v = d(rng);
  return out;
}

// The outputs run_int computes for the same model and input.
std::vector<int64_t> reference_outputs(IntModel m, int64_t batch, const std::vector<int64_t>& input) {
  for (auto& layer : m.layers) layer.shape[0] = batch;
  model::IntTensor x{m.layers[0].shape, input};
  auto trace = model::run_int(m, {x});
  EXPECT_TRUE(trace.ok()) << trace.error();
  return trace->layers[m.output_layers[0]].output.data;
}

TEST(Zkml, RoundTripSmallMlpMatchesIntegerEngine) {
  std::mt19937_64 rng(1);
  for (int64_t batch : {1, 3}) {
    for (bool per_channel : {false, true}) {
      for (bool final_relu : {false, true}) {
        if (sanitized() && per_channel != final_relu) continue;  // half the cases under sanitizers
        const IntModel m = random_mlp(rng, {5, 7, 3}, batch, 8, per_channel, final_relu);
        auto pk = setup(m);
        ASSERT_TRUE(pk.ok()) << pk.error();
        const auto input = random_input(rng, static_cast<size_t>(batch * 5), 127);
        auto proof = prove(*pk, static_cast<uint32_t>(batch), input);
        ASSERT_TRUE(proof.ok()) << proof.error();
        EXPECT_EQ(proof->output, reference_outputs(m, batch, input));
        auto out = verify(pk->vk, *proof, input, proof->output);
        ASSERT_TRUE(out.ok()) << out.error();
        auto bytes = verify_bytes(pk->vk, proof->to_bytes(), input);
        ASSERT_TRUE(bytes.ok()) << bytes.error();
      }
    }
  }
}

TEST(Zkml, CreditModelFromOnnxAndKeyEncodings) {
  const std::string dir = std::string(ZKINFER_SOURCE_DIR) + "/examples/credit/";
  auto calibration = model::read_inputs(dir + "calibration.json");
  ASSERT_TRUE(calibration.ok()) << calibration.error();
  auto m = quantize_onnx(dir + "model.onnx", &*calibration, 8);
  ASSERT_TRUE(m.ok()) << m.error();
  auto pk = setup(*m);
  ASSERT_TRUE(pk.ok()) << pk.error();
  EXPECT_EQ(pk->vk.spec.layers.size(), 3u);
  EXPECT_TRUE(pk->vk.spec.layers[0].relu);
  auto flat = model::read_inputs(dir + "input.json");
  ASSERT_TRUE(flat.ok());
  auto input = quantize_input(pk->vk.spec, *flat);
  ASSERT_TRUE(input.ok());
  // The key files round-trip, and the reloaded proving key proves for the reloaded verifying key.
  const auto vk_bytes = pk->vk.to_bytes();
  EXPECT_LT(vk_bytes.size(), 4096u);
  auto vk = VerifyingKey::from_bytes(vk_bytes);
  ASSERT_TRUE(vk.ok()) << vk.error();
  auto pk_bytes = pk->to_bytes();
  auto pk2 = ProvingKey::from_bytes(SharedBytes(pk_bytes));
  ASSERT_TRUE(pk2.ok()) << pk2.error();
  EXPECT_EQ(pk2->weights, pk->weights);
  EXPECT_EQ(pk2->biases, pk->biases);
  EXPECT_EQ(pk2->to_bytes(), pk_bytes);
  auto proof = prove(*pk2, 1, *input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_EQ(proof->output, reference_outputs(*m, 1, *input));
  auto verified = verify_bytes(*vk, proof->to_bytes(), *input);
  ASSERT_TRUE(verified.ok()) << verified.error();
  auto fresh_proof = prove(*pk, 1, *input);
  ASSERT_TRUE(fresh_proof.ok()) << fresh_proof.error();
  EXPECT_EQ(proof->to_bytes(), fresh_proof->to_bytes());
  // Every truncation of the verifying key is an error, never a crash.
  for (size_t n = 0; n < vk_bytes.size(); ++n)
    EXPECT_FALSE(VerifyingKey::from_bytes(std::span(vk_bytes).first(n)).ok()) << n;
}

// ---- Proving key files ---------------------------------------------------------------------------

constexpr size_t kKeyHeader = 26;  // "ZKMLPK", version, length, checksum

// Byte offsets of one weight commitment's prover data in a proving key (pcs/committed_io.cpp).
struct KeyRegion {
  size_t level, level_end, tables, codewords, end;
};

// The key with its checksum recomputed, as a writer would seal altered bytes: the checksum of the
// little-endian checksums of the parts between the codewords (zkml/keys.cpp).
std::vector<uint8_t> resealed(std::vector<uint8_t> bytes, const std::vector<KeyRegion>& regions) {
  std::vector<uint8_t> digests;
  size_t from = kKeyHeader;
  auto add = [&](size_t to) {
    const uint64_t part = checksum(std::span(bytes).subspan(from, to - from));
    for (size_t i = 0; i < 8; ++i) digests.push_back(static_cast<uint8_t>(part >> (8 * i)));
  };
  for (const KeyRegion& r : regions) {
    add(r.codewords);
    from = r.end;
  }
  add(bytes.size());
  const uint64_t sum = checksum(digests);
  for (size_t i = 0; i < 8; ++i) bytes[18 + i] = static_cast<uint8_t>(sum >> (8 * i));
  return bytes;
}

std::vector<KeyRegion> key_regions(const ProvingKey& pk) {
  std::vector<KeyRegion> out;
  size_t offset = kKeyHeader + pk.vk.to_bytes().size();
  for (const auto& c : pk.vk.weight_commitments) {
    const size_t log_domain = std::max<size_t>(c.num_vars, 4) + c.rate_bits, depth = log_domain - 4;
    KeyRegion r;
    r.level = offset + 16;
    r.level_end = r.level + (size_t{32} << (depth - std::min<size_t>(depth, 4)));
    r.tables = (r.level_end + 63) / 64 * 64;
    r.codewords = r.tables + (size_t{8} * c.num_polys << c.num_vars);
    r.end = r.codewords + (size_t{8} * c.num_polys << log_domain);
    out.push_back(r);
    offset = r.end;
  }
  return out;
}

struct KeyFile : ::testing::Test {
  std::mt19937_64 rng{12};
  IntModel m = random_mlp(rng, {40, 24, 5}, 1);
  Result<ProvingKey> pk = setup(m);
  std::vector<uint8_t> bytes;
  std::vector<KeyRegion> regions;
  std::vector<int64_t> input = random_input(rng, 40, 127);

  void SetUp() override {
    ASSERT_TRUE(pk.ok()) << pk.error();
    bytes = pk->to_bytes();
    regions = key_regions(*pk);
    ASSERT_EQ(regions.back().end, bytes.size());
  }
  // The reason loading `altered` fails ("" if it loads).
  static std::string load_error(std::vector<uint8_t> altered) {
    auto loaded = ProvingKey::from_bytes(SharedBytes(std::move(altered)));
    return loaded.ok() ? "" : loaded.error();
  }
  // Loads `altered` and returns whether a proof made with it verifies under the real key.
  bool proof_verifies(std::vector<uint8_t> altered) {
    auto loaded = ProvingKey::from_bytes(SharedBytes(std::move(altered)));
    EXPECT_TRUE(loaded.ok()) << loaded.error();
    if (!loaded.ok()) return true;
    auto proof = prove(*loaded, 1, input);
    return proof.ok() && verify_bytes(pk->vk, proof->to_bytes()).ok();
  }
};

TEST_F(KeyFile, LoadsAndProvesWithoutTheOriginalBuffer) {
  Result<ProvingKey> loaded = ProvingKey::from_bytes(SharedBytes(bytes));  // the buffer is a temporary
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_TRUE(proof_verifies(bytes));
}

TEST_F(KeyFile, HeaderTruncationAndTrailingBytesAreRefused) {
  std::vector<uint8_t> altered = bytes;
  altered[0] ^= 1;
  EXPECT_EQ(load_error(altered), "key: not a zkinfer proving key");
  altered = bytes;
  altered[6] ^= 1;  // version
  EXPECT_NE(load_error(altered).find("unsupported proving key version"), std::string::npos);
  altered = bytes;
  altered[10] ^= 1;  // length
  EXPECT_NE(load_error(altered).find("its header says"), std::string::npos);
  EXPECT_EQ(load_error({bytes.begin(), bytes.begin() + 5}), "key: not a zkinfer proving key");
  for (size_t n : {size_t{9}, kKeyHeader - 1})
    EXPECT_NE(load_error({bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n)}).find("truncated"),
              std::string::npos) << n;
  for (size_t n : {kKeyHeader, regions[0].level, regions[0].codewords + 3, regions.back().tables + 8, bytes.size() - 1}) {
    const auto error = load_error({bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n)});
    EXPECT_NE(error.find("(truncated)"), std::string::npos) << n << ": " << error;
  }
  altered = bytes;
  altered.push_back(0);
  EXPECT_NE(load_error(altered).find("its header says"), std::string::npos);
}

// Every byte but the codewords: a verifying key that no longer decodes says so, any other change
// fails the checksum.
TEST_F(KeyFile, AnyAlteredByteOutsideTheCodewordsFailsTheLoad) {
  std::vector<size_t> offsets = {regions[0].level - 1};
  for (const auto& r : regions)
    for (size_t at : {r.level, r.tables - 1, r.tables + 9, r.codewords - 1}) offsets.push_back(at);
  for (size_t at : offsets) {
    std::vector<uint8_t> altered = bytes;
    altered[at] ^= 0x40;
    EXPECT_EQ(load_error(altered), "key: checksum mismatch: the file is corrupted") << at;
  }
  std::vector<uint8_t> altered = bytes;
  altered[kKeyHeader - 1] ^= 1;  // the checksum itself
  EXPECT_EQ(load_error(altered), "key: checksum mismatch: the file is corrupted");
  for (size_t at : {kKeyHeader, kKeyHeader + 40}) {  // the verifying key's magic, a layer
    altered = bytes;
    altered[at] ^= 0x40;
    const std::string error = load_error(altered);
    EXPECT_EQ(error.rfind("key: ", 0), 0u) << at << ": " << error;
    EXPECT_NE(error.find("corrupted"), std::string::npos) << at << ": " << error;
  }
}

// The codewords (most of a key) are checked where they are used: a prove that opens an altered
// leaf fails naming it (here one value of every leaf of the largest commitment is altered), and
// the full check (`zkinfer inspect`) finds any altered leaf.
TEST_F(KeyFile, AlteredCodewordsFailTheProveAndTheFullCheck) {
  const KeyRegion& r = regions.back();
  const auto& c = pk->vk.weight_commitments.back();
  const size_t leaf_bytes = size_t{8} * c.num_polys * 16;
  std::vector<uint8_t> altered = bytes;
  for (size_t at = r.codewords; at < r.end; at += leaf_bytes) altered[at] ^= 1;
  auto loaded = ProvingKey::from_bytes(SharedBytes(std::move(altered)));
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  auto proof = prove(*loaded, 1, input);
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.error().rfind("zkml: opening: pcs open: commitment " + std::to_string(regions.size() - 1) +
                                    ": pcs prover data: leaf ",
                                0),
            0u)
      << proof.error();
  EXPECT_NE(proof.error().find("does not hash to the stored Merkle level"), std::string::npos) << proof.error();
  EXPECT_FALSE(loaded->committed.back().check_codewords().ok());
  EXPECT_TRUE(ProvingKey::from_bytes(SharedBytes(bytes))->committed.back().check_codewords().ok());
  for (const size_t at : {r.codewords, (r.codewords + r.end) / 2, r.end - 1}) {  // one byte of one leaf
    altered = bytes;
    altered[at] ^= 0x40;
    auto one = ProvingKey::from_bytes(SharedBytes(std::move(altered)));
    ASSERT_TRUE(one.ok()) << one.error();
    const auto checked = one->committed.back().check_codewords();
    ASSERT_FALSE(checked.ok()) << at;
    const size_t leaf = (at - r.codewords) / leaf_bytes;
    EXPECT_EQ(checked.error(), "pcs prover data: leaf " + std::to_string(leaf / 16 * 16) +
                                   " does not hash to the stored Merkle level")
        << at;
  }
}

// Past the checksum (resealed keys): the stored Merkle level, the padding and the tables are
// checked against the verifying key's commitments.
TEST_F(KeyFile, ResealedLevelPaddingAndTablesAreRefusedWithReason) {
  auto error_with = [&](size_t at, std::vector<uint8_t> replacement) {
    std::vector<uint8_t> altered = bytes;
    std::copy(replacement.begin(), replacement.end(), altered.begin() + static_cast<std::ptrdiff_t>(at));
    return load_error(resealed(std::move(altered), regions));
  };
  size_t paddings = 0;
  for (size_t c = 0; c < regions.size(); ++c) {
    const KeyRegion& r = regions[c];
    std::vector<std::pair<size_t, std::string>> cases = {{r.level + 5, "stored Merkle level does not match"},
                                                         {r.tables + 3, "out-of-domain"}};
    if (r.tables > r.level_end) {
      cases.emplace_back(r.tables - 1, "nonzero padding");
      ++paddings;
    }
    for (const auto& [at, reason] : cases) {
      const auto error = error_with(at, {static_cast<uint8_t>(bytes[at] ^ 0x08)});
      EXPECT_EQ(error.rfind("key: weight commitment " + std::to_string(c) + ": ", 0), 0u) << error;
      EXPECT_NE(error.find(reason), std::string::npos) << at << ": " << error;
    }
    EXPECT_NE(error_with(r.codewords - 8, std::vector<uint8_t>(8, 0xff)).find("not canonical"), std::string::npos);
  }
  EXPECT_GT(paddings, 0u);
}

// A key whose tables and commitments were replaced consistently (recommitted) passes the
// commitment checks; the weights read back must still lie within the setup bounds, with zero
// padding (layer 0: W' is 40 x 24 padded to 64 x 32, b' is 24 padded to 32). Plain and zero
// knowledge: a hiding commitment holds the caller's table at stride 2^k of its masked table.
TEST_F(KeyFile, RecommittedTablesOutsideTheSetupBoundsAreRefused) {
  const auto layout = detail::weight_layout(pk->vk.spec);
  const std::vector<std::tuple<size_t, size_t, F, std::string>> cases = {
      {0, 24, F::one(), "key: nonzero weight padding"},
      {0, 40 * 32, F::one(), "key: nonzero weight padding"},
      {0, 5, F::from_i64(-(int64_t{1} << 60)), "key: a weight is out of range"},
      {1, 30, F::one(), "key: nonzero bias padding"},
      {1, 3, F::from_i64(int64_t{1} << 62), "key: a bias is out of range"}};
  auto zk = setup(m, ParamsPreset::conjectured, {}, true);
  ASSERT_TRUE(zk.ok()) << zk.error();
  for (const ProvingKey* key : {&*pk, &*zk}) {
    for (const auto& [table, index, value, reason] : cases) {
      ProvingKey forged;
      forged.vk = key->vk;
      for (size_t g = 0; g < layout.members.size(); ++g) {
        const pcs::Commitment& c = key->committed[g].commitment();
        const size_t stride = c.hiding ? size_t{1} << c.mask_vars : 1;
        std::vector<std::vector<F>> tables;
        for (size_t i = 0; i < layout.polys(static_cast<uint32_t>(g)); ++i) {
          const auto t = key->committed[g].table(i);
          tables.emplace_back(size_t{1} << c.num_vars);
          for (size_t x = 0; x < tables.back().size(); ++x) tables.back()[x] = t[x * stride];
        }
        const pcs::PolyRef ref = layout.refs[table];
        if (ref.commitment == g) tables[ref.poly][layout.offset[table] + index] = value;
        const std::vector<std::span<const F>> spans(tables.begin(), tables.end());
        pcs::Params params = key->vk.params;
        params.hiding = c.hiding;
        auto committed = pcs::commit(spans, params);
        ASSERT_TRUE(committed.ok()) << committed.error();
        forged.vk.weight_commitments[g] = committed->commitment();
        forged.committed.push_back(std::move(*committed));
      }
      EXPECT_EQ(load_error(forged.to_bytes()), reason) << (key == &*zk ? "zk " : "plain ") << table << " " << index;
    }
  }
}

// What the load does not catch, and the verifier does: a verifying key inside the proving key
// that differs outside the commitments, resealed.
TEST_F(KeyFile, ResealedVerifyingKeyLoadsButTheProofsFail) {
  EXPECT_TRUE(proof_verifies(bytes));
  std::vector<uint8_t> altered = bytes;
  const std::string& name = pk->vk.spec.layers[0].name;  // the first layer's name, changed
  const auto at = std::search(altered.begin(), altered.end(), name.begin(), name.end());
  ASSERT_NE(at, altered.end());
  *at ^= 1;
  EXPECT_FALSE(proof_verifies(resealed(altered, regions)));
}

TEST(Zkml, UnsupportedLayerIsNamedAtSetup) {
  std::mt19937_64 rng(2);
  IntModel m = random_mlp(rng, {4, 3}, 1);
  IntLayer clip;
  clip.op = LayerOp::Clip;
  clip.name = "/act/Clip";
  clip.source_op = "Clip";
  clip.inputs = {1};
  clip.shape = {1, 3};
  m.layers.push_back(clip);
  m.output_layers = {2};
  auto pk = setup(m);
  ASSERT_FALSE(pk.ok());
  EXPECT_EQ(pk.error(), "layer '/act/Clip' (Clip from Clip): not provable yet: only MatMul/Gemm, Conv, MaxPool, AveragePool, Add/Sub/Mul, division by a constant, Relu, PRelu, table functions, Softmax, Reshape/Flatten, Transpose, Concat, Pad, Slice and Gather are");
}

// A cheating prover: the honest proving code after a change to its witness, tables or key.
struct Cheat : ::testing::Test {
  std::mt19937_64 rng{3};
  IntModel m = random_mlp(rng, {6, 5, 4}, 2);
  Result<ProvingKey> pk = setup(m);
  std::vector<int64_t> input = random_input(rng, 12, 127);

  void SetUp() override { ASSERT_TRUE(pk.ok()) << pk.error(); }
  std::string reject(const ProverHooks& hooks) {
    auto proof = prove(*pk, 2, input, &hooks);
    EXPECT_TRUE(proof.ok()) << proof.error();
    if (!proof.ok()) return "";
    auto verdict = verify(pk->vk, *proof);
    EXPECT_FALSE(verdict.ok());
    auto bytes = verify_bytes(pk->vk, proof->to_bytes());
    EXPECT_FALSE(bytes.ok());
    return verdict.ok() ? "" : verdict.error();
  }
};

// A limb past the range table the layout chose (narrower than 16 bits for this small model):
// layer 0's lowest limb of r raised by 2^w with one borrowed from the next limb, so r, and with it
// every identity, is unchanged, and a 16-bit table would hold the limb. The multiplicities are
// recounted for every value the table holds; only the raised limb stays outside.
ProverHooks limb_past_the_range_table(const ModelSpec& spec, uint32_t batch) {
  detail::ProofExtras extras;
  extras.limb_bits = detail::range_limb_bits(spec, batch, extras);
  const uint32_t w = extras.limb_bits;
  EXPECT_LT(w, kMaxLimbBits);
  EXPECT_GE(spec.layers[0].remainder_limbs(w), 2u);
  return {{}, [spec, extras, w](ProverTables& t) {
            std::vector<F>& low = t.layer_polys[0][1];
            std::vector<F>& next = t.layer_polys[0][2];
            const auto x = static_cast<size_t>(
                std::find_if(next.begin(), next.end(), [](F v) { return !v.is_zero(); }) - next.begin());
            ASSERT_LT(x, next.size());
            low[x] = low[x] + F::from_u64(uint64_t{1} << w);
            next[x] = next[x] - F::one();
            std::vector<uint64_t> counts(size_t{1} << w, 0);
            for (const auto& c : detail::range_columns(spec, extras))
              for (const F& v : t.layer_polys[c.layer][c.table]) {
                const F u = F::from_i64(c.scale) * v + F::from_i64(c.offset);
                if (u.value() < counts.size()) ++counts[u.value()];
              }
            for (size_t i = 0; i < counts.size(); ++i) t.multiplicities[i] = F::from_u64(counts[i]);
          }};
}

TEST_F(Cheat, HonestProofVerifies) {
  auto proof = prove(*pk, 2, input);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(verify(pk->vk, *proof).ok());
}

TEST_F(Cheat, AlteredWeightFailsTheOpening) {
  pk->weights[1][3] += 1;  // the prover computes with it; the commitment is the honest one
  EXPECT_EQ(reject({}).rfind("opening: ", 0), 0u);
}

TEST_F(Cheat, AlteredActivationFailsTheMatmul) {
  // y moves acc' = 2^k (y + d+ - d-) + r - 2^(k-1) away from W' x + b'.
  const std::string reason = reject({[](Witness& w) { w.layers[0].y[1] += 1; }, {}});
  EXPECT_EQ(reason, "layer 0 (fc1+relu1): matrix-vector sum-check: final evaluation mismatch");
}

TEST_F(Cheat, AlteredRemainderFailsTheMatmul) {
  const std::string reason = reject({[](Witness& w) { w.layers[0].r[0] += 1; }, {}});
  EXPECT_EQ(reason, "layer 0 (fc1+relu1): matrix-vector sum-check: final evaluation mismatch");
}

TEST_F(Cheat, RemainderOutOfRangeFailsTheRangeCheck) {
  // t - 1 and r + 2^k satisfy the identity over the integers, but r leaves [0, 2^k).
  const std::string reason = reject({[](Witness& w) {
                                       auto& l = w.layers[1];
                                       l.t[0] -= 1;
                                       l.r[0] += int64_t{1} << 24;
                                       l.y[0] = std::clamp<int64_t>(l.t[0], -127, 127);
                                       l.d_plus[0] = std::max<int64_t>(l.t[0] - 127, 0);
                                       l.d_minus[0] = std::max<int64_t>(-127 - l.t[0], 0);
                                     },
                                     {}});
  EXPECT_EQ(reason.rfind("range check: ", 0), 0u) << reason;
}

TEST_F(Cheat, SlackOffTheBoundFailsTheZeroCheck) {
  // y = hi - 1 with d+ = 1 keeps t = y + d+ - d- and every range, but d+ (hi - y) != 0.
  const std::string reason = reject({[](Witness& w) {
                                       auto& l = w.layers[1];
                                       l.y[0] = l.t[0] - 1;
                                       l.d_plus[0] = 1;
                                       l.d_minus[0] = 0;
                                     },
                                     {}});
  EXPECT_EQ(reason, "layer 1 (fc2): zero-check: final evaluation mismatch (a clamp slack is nonzero off the bound)");
}

TEST_F(Cheat, AlteredMultiplicityFailsTheRangeCheck) {
  const std::string reason = reject({{}, [](ProverTables& t) {
                                       t.multiplicities[5] += F::one();
                                     }});
  EXPECT_EQ(reason, "range check: lookup: fractional sums differ (a row is not in the table, or the multiplicities are wrong)");
}

TEST_F(Cheat, LimbPastTheRangeTableFailsTheRangeCheck) {
  EXPECT_EQ(reject(limb_past_the_range_table(pk->vk.spec, 2)),
            "range check: lookup: fractional sums differ (a row is not in the table, or the multiplicities are wrong)");
}

TEST_F(Cheat, AlteredOutputFailsTheOutputCheck) {
  const std::string reason = reject({{}, [](ProverTables& t) { t.output[2] += 1; }});
  EXPECT_EQ(reason, "layer 1 (fc2): the outputs do not match the committed output layer");
}

TEST_F(Cheat, CommittedTableDifferentFromTheProvedOneFailsTheOpening) {
  const std::string reason = reject({{}, [](ProverTables& t) { t.layer_polys[0][1][0] += F::one(); }});
  EXPECT_FALSE(reason.empty());
}

TEST_F(Cheat, RangeTableValuesInconsistentWithTheLookupAreRejected) {
  auto proof = prove(*pk, 2, input);
  ASSERT_TRUE(proof.ok());
  ASSERT_EQ(proof->range_evals.size(), 2u);  // one range group per layer
  Proof changed = *proof;
  changed.range_evals[1][2] += E::one();
  auto verdict = verify(pk->vk, changed);
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.error(), "range check: layer 1: the table values do not match its range columns");
  Proof shorter = *proof;
  shorter.range_evals[0].pop_back();
  auto r2 = verify(pk->vk, shorter);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error(), "proof: wrong number of range evaluations");
}

TEST_F(Cheat, VerifierSideInputAndOutputChecks) {
  auto proof = prove(*pk, 2, input);
  ASSERT_TRUE(proof.ok());
  auto other_input = input;
  other_input[0] = other_input[0] == 0 ? 1 : 0;
  auto r1 = verify(pk->vk, *proof, other_input);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error(), "the proof is for a different input");
  auto other_output = proof->output;
  other_output[0] += 1;
  auto r2 = verify(pk->vk, *proof, std::nullopt, other_output);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error(), "the proof's outputs differ from the claimed outputs");
  // A proof whose carried input changed is rejected (the transcript binds the input).
  Proof changed = *proof;
  changed.input[0] = other_input[0];
  EXPECT_FALSE(verify(pk->vk, changed).ok());
  Proof changed_out = *proof;
  changed_out.output[0] = changed_out.output[0] == 0 ? 1 : 0;
  EXPECT_FALSE(verify(pk->vk, changed_out).ok());
  Proof wrong_input = *proof;
  wrong_input.input[0] = 1000;
  auto r3 = verify(pk->vk, wrong_input);
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.error(), "proof: input value out of range");
}

TEST(Zkml, ProofForOneModelFailsUnderAnother) {
  std::mt19937_64 rng(4);
  const IntModel a = random_mlp(rng, {6, 5, 4}, 1);
  const IntModel b = random_mlp(rng, {6, 5, 4}, 1);
  auto pka = setup(a), pkb = setup(b);
  ASSERT_TRUE(pka.ok() && pkb.ok());
  const auto input = random_input(rng, 6, 127);
  auto proof = prove(*pka, 1, input);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(verify(pka->vk, *proof).ok());
  EXPECT_FALSE(verify(pkb->vk, *proof).ok());
  // Even with b's verifying key carrying a's commitment, the key digest differs in the transcript
  // only through the spec; with a's spec and b's commitment the opening fails.
  VerifyingKey mixed = pka->vk;
  mixed.weight_commitments = pkb->vk.weight_commitments;
  EXPECT_FALSE(verify(mixed, *proof).ok());
}

TEST(Zkml, TamperedAndTruncatedProofBytes) {
  std::mt19937_64 rng(5);
  const IntModel m = random_mlp(rng, {6, 5, 4}, 2);
  auto pk = setup(m);
  ASSERT_TRUE(pk.ok());
  const auto input = random_input(rng, 12, 127);
  auto proof = prove(*pk, 2, input);
  ASSERT_TRUE(proof.ok());
  const auto bytes = proof->to_bytes();
  ASSERT_TRUE(verify_bytes(pk->vk, bytes).ok());
  // Every byte of the encoding is covered: a flipped bit anywhere is rejected (about 200 offsets).
  testing::expect_flips_and_truncations_rejected(pk->vk, bytes, sanitized() ? 40 : 200);
  auto longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(verify_bytes(pk->vk, longer).ok());
  std::uniform_int_distribution<int> byte(0, 255);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<uint8_t> garbage(static_cast<size_t>(byte(rng)) * 8);
    for (auto& g : garbage) g = static_cast<uint8_t>(byte(rng));
    EXPECT_FALSE(verify_bytes(pk->vk, garbage).ok());
    auto prefixed = std::vector<uint8_t>(bytes.begin(), bytes.begin() + 10);
    prefixed.insert(prefixed.end(), garbage.begin(), garbage.end());
    EXPECT_FALSE(verify_bytes(pk->vk, prefixed).ok());
  }
}

// The packed per-proof table: every table sits at an offset aligned to its size, the tables do
// not overlap, T(layout.point(i, z)) = P_i(z), and a layer's block point combines its tables.
TEST(Zkml, PackedProofTablePointsEvaluateEachTable) {
  std::mt19937_64 rng(7);
  const IntModel m = random_mlp(rng, {33, 40, 17, 3}, 3, 10, true);
  std::vector<std::vector<int64_t>> w, b;
  auto spec = extract_spec(m, &w, &b);
  ASSERT_TRUE(spec.ok()) << spec.error();
  const auto layout = detail::proof_layout(*spec, 3);
  std::vector<std::vector<F>> tables;
  std::vector<F> packed(size_t{1} << layout.num_vars, F::zero());
  std::vector<bool> used(packed.size(), false);
  for (uint32_t i = 0; i < layout.vars_of.size(); ++i) {
    const size_t size = size_t{1} << layout.vars_of[i];
    ASSERT_EQ(layout.offset[i] % size, 0u) << i;
    std::vector<F> table(size);
    for (size_t x = 0; x < size; ++x) {
      table[x] = F::from_u64(rng());
      ASSERT_FALSE(used[layout.offset[i] + x]);
      used[layout.offset[i] + x] = true;
      packed[layout.offset[i] + x] = table[x];
    }
    tables.push_back(std::move(table));
  }
  for (uint32_t i = 0; i < tables.size(); ++i) {
    std::vector<E> z(layout.vars_of[i]);
    for (auto& c : z) c = E(F::from_u64(rng()), F::from_u64(rng()));
    const E from_packed = evaluate_multilinear<E, F>(packed, layout.point(i, z));
    const E direct = evaluate_multilinear<E, F>(tables[i], z);
    EXPECT_TRUE(from_packed == direct) << i;
  }
  // Each part of a layer's first block: T(part bits, s, z) = sum_i eq(s, i) P_{f + i}(z), the
  // parts covering the layer's tables exactly.
  for (uint32_t l = 0; l < spec->layers.size(); ++l) {
    uint32_t covered = 0;
    for (const auto& part : detail::ProofLayout::parts(layout.blocks[l][0])) {
      EXPECT_EQ(part.first, layout.first[l] + covered);
      covered += uint32_t{1} << part.slot_vars;
      std::vector<E> z(layout.vars_of[part.first]), s(part.slot_vars);
      for (auto& c : z) c = E(F::from_u64(rng()), F::from_u64(rng()));
      for (auto& c : s) c = E(F::from_u64(rng()), F::from_u64(rng()));
      const auto eq = eq_table<E>(s);
      E combined = E::zero();
      for (uint32_t i = 0; i < eq.size(); ++i) combined += eq[i] * evaluate_multilinear<E, F>(tables[part.first + i], z);
      const E from_packed = evaluate_multilinear<E, F>(packed, layout.part_point(part, s, z));
      EXPECT_TRUE(from_packed == combined) << l;
    }
    EXPECT_EQ(covered, detail::polys_per_layer(spec->layers[l], layout.limb_bits)) << l;
  }
}

// The range table's width (detail::range_limb_bits): every single-column check fits (y - lo and
// hi - y below 2^w), it is at most 16 bits, and its layout is never larger than the 16-bit one.
// One example of a small MLP takes a narrow table (more limbs, but 2^w multiplicities instead of
// 2^16); a large batch takes a table wide enough for as few limbs as 16 bits give.
TEST(Zkml, RangeTableWidthFitsEveryCheckAndShrinksTheLayout) {
  std::mt19937_64 rng(7);
  const IntModel m = random_mlp(rng, {33, 40, 17, 3}, 3, 10, true);
  std::vector<std::vector<int64_t>> weights, biases;
  auto spec = extract_spec(m, &weights, &biases);
  ASSERT_TRUE(spec.ok()) << spec.error();
  std::map<uint32_t, uint32_t> width;
  for (const uint32_t batch : {1u, 3u, 64u, 4096u}) {
    detail::ProofExtras extras;
    const uint32_t w = detail::range_limb_bits(*spec, batch, extras);
    width[batch] = w;
    EXPECT_GE(w, detail::min_limb_bits(*spec, extras));
    EXPECT_LE(w, kMaxLimbBits);
    for (const auto& layer : spec->layers) EXPECT_LT(layer.hi - layer.lo, int64_t{1} << w) << layer.name;
    const uint32_t widest = detail::proof_layout(*spec, batch, extras).num_vars;
    extras.limb_bits = w;
    EXPECT_LE(detail::proof_layout(*spec, batch, extras).num_vars, widest) << "batch " << batch;
  }
  EXPECT_LT(width[1], kMaxLimbBits);
  for (const auto& layer : spec->layers) {
    EXPECT_GT(layer.remainder_limbs(width[1]), layer.remainder_limbs(kMaxLimbBits)) << layer.name;
    EXPECT_EQ(layer.remainder_limbs(width[4096]), layer.remainder_limbs(kMaxLimbBits)) << layer.name;
  }
  std::cout << "range table widths (batch: bits):";
  for (const auto& [batch, w] : width) std::cout << " " << batch << ": " << w;
  std::cout << "\n";
}

// Zero-knowledge proofs split a layer's range columns into groups of a power of two (the parts of
// the binary expansion of their count, largest first), so that the one fraction tree of the
// private lookup holds no padding segment; plain proofs keep one group per layer.
TEST(Zkml, ZeroKnowledgeRangeGroupsArePowerOfTwoPartsOfALayersColumns) {
  std::mt19937_64 rng(7);
  const IntModel m = random_mlp(rng, {33, 40, 17, 3}, 3, 10, true);
  std::vector<std::vector<int64_t>> weights, biases;
  auto spec = extract_spec(m, &weights, &biases);
  ASSERT_TRUE(spec.ok()) << spec.error();
  for (const uint32_t w : {8u, 10u, 13u, 16u}) {
    detail::ProofExtras extras;
    extras.limb_bits = w;
    spec->zero_knowledge = false;
    const auto per_layer = detail::range_groups(*spec, extras);
    spec->zero_knowledge = true;
    const auto parts = detail::range_groups(*spec, extras);
    size_t next = 0;
    for (const auto& layer : per_layer) {
      const size_t count = layer.columns.size();
      size_t taken = 0, previous = count + 1;
      for (size_t p = 0; p < static_cast<size_t>(std::popcount(count)); ++p, ++next) {
        ASSERT_LT(next, parts.size());
        const auto& part = parts[next];
        EXPECT_EQ(part.layer, layer.layer);
        EXPECT_EQ(part.block, layer.block);
        EXPECT_TRUE(std::has_single_bit(part.columns.size())) << "layer " << layer.layer << ", w " << w;
        EXPECT_LT(part.columns.size(), previous);
        previous = part.columns.size();
        for (const auto& column : part.columns) {
          const auto& expected = layer.columns[taken++];
          EXPECT_EQ(column.table, expected.table);
          EXPECT_EQ(column.scale, expected.scale);
          EXPECT_EQ(column.offset, expected.offset);
        }
      }
      EXPECT_EQ(taken, count);
    }
    EXPECT_EQ(next, parts.size());
    EXPECT_GT(parts.size(), per_layer.size()) << "w " << w;
  }
}

// The proof carries exactly one per-proof commitment of the packed table's shape.
TEST(Zkml, PerProofCommitmentOfTheWrongShapeIsRefused) {
  std::mt19937_64 rng(8);
  const IntModel m = random_mlp(rng, {6, 5, 4}, 1);
  auto pk = setup(m);
  ASSERT_TRUE(pk.ok());
  auto proof = prove(*pk, 1, random_input(rng, 6, 127));
  ASSERT_TRUE(proof.ok());
  ASSERT_EQ(proof->commitments.size(), 1u);
  ASSERT_TRUE(verify(pk->vk, *proof).ok());
  Proof two = *proof;
  two.commitments.push_back(two.commitments[0]);
  auto r1 = verify(pk->vk, two);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error(), "proof: wrong number of commitments");
  Proof wider = *proof;
  wider.commitments[0].num_vars += 1;
  auto r2 = verify(pk->vk, wider);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error(), "proof: commitment 0 has the wrong shape");
  Proof more_polys = *proof;
  more_polys.commitments[0].num_polys = 2;
  auto r3 = verify(pk->vk, more_polys);
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.error(), "proof: commitment 0 has the wrong shape");
}

TEST(Zkml, LargerBatchAndWiderLayers) {
  std::mt19937_64 rng(6);
  const int64_t batch = sanitized() ? 3 : 9;
  const IntModel m = random_mlp(rng, {33, 40, 17, 3}, batch, 10, true);
  auto pk = setup(m);
  ASSERT_TRUE(pk.ok()) << pk.error();
  const auto input = random_input(rng, static_cast<size_t>(batch * 33), 511);
  auto proof = prove(*pk, static_cast<uint32_t>(batch), input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_EQ(proof->output, reference_outputs(m, batch, input));
  auto verified = verify_bytes(pk->vk, proof->to_bytes(), input);
  EXPECT_TRUE(verified.ok()) << verified.error();
}

TEST(Zkml, BenchmarkJsonLine) {
  const std::string dir = std::string(ZKINFER_SOURCE_DIR) + "/examples/credit/";
  const std::string line = model_benchmark_json(dir + "model.onnx", dir + "input.json", false);
  EXPECT_NE(line.find("\"prove_ms\""), std::string::npos) << line;
  EXPECT_EQ(line.find("error"), std::string::npos) << line;
}

// ---- Zero-knowledge mode -------------------------------------------------------------------------

Result<ProvingKey> setup_zk(const IntModel& m) { return setup(m, ParamsPreset::conjectured, {}, true); }

TEST(ZeroKnowledge, RoundTripMatchesIntegerEngine) {
  std::mt19937_64 rng(41);
  for (int64_t batch : {1, 3}) {
    for (bool per_channel : {false, true}) {
      const IntModel m = random_mlp(rng, {5, 7, 3}, batch, 8, per_channel, per_channel);
      auto pk = setup_zk(m);
      ASSERT_TRUE(pk.ok()) << pk.error();
      EXPECT_TRUE(pk->vk.spec.zero_knowledge);
      for (const auto& c : pk->vk.weight_commitments) EXPECT_TRUE(c.hiding);
      const auto input = random_input(rng, static_cast<size_t>(batch * 5), 127);
      auto proof = prove(*pk, static_cast<uint32_t>(batch), input);
      ASSERT_TRUE(proof.ok()) << proof.error();
      EXPECT_EQ(proof->output, reference_outputs(m, batch, input));
      auto out = verify(pk->vk, *proof, input, proof->output);
      ASSERT_TRUE(out.ok()) << out.error();
      auto bytes = verify_bytes(pk->vk, proof->to_bytes(), input);
      ASSERT_TRUE(bytes.ok()) << bytes.error();
      auto vk = VerifyingKey::from_bytes(pk->vk.to_bytes());
      ASSERT_TRUE(vk.ok()) << vk.error();
      EXPECT_TRUE(verify_bytes(*vk, proof->to_bytes()).ok());
    }
  }
}

TEST(ZeroKnowledge, ProvingKeyRoundTripReadsTheWeightsOutOfTheMaskedTables) {
  std::mt19937_64 rng(47);
  const IntModel m = random_mlp(rng, {9, 6, 3}, 1, 8, true);
  auto pk = setup_zk(m);
  ASSERT_TRUE(pk.ok()) << pk.error();
  auto loaded = ProvingKey::from_bytes(SharedBytes(pk->to_bytes()));
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded->weights, pk->weights);
  EXPECT_EQ(loaded->biases, pk->biases);
  const auto input = random_input(rng, 9, 127);
  auto proof = prove(*loaded, 1, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_TRUE(verify_bytes(pk->vk, proof->to_bytes()).ok());
}

TEST(ZeroKnowledge, TwoProofsOfOneInferenceDiffer) {
  std::mt19937_64 rng(42);
  const IntModel m = random_mlp(rng, {6, 5, 4}, 1);
  auto pk = setup_zk(m);
  ASSERT_TRUE(pk.ok()) << pk.error();
  const auto input = random_input(rng, 6, 127);
  auto a = prove(*pk, 1, input), b = prove(*pk, 1, input);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->output, b->output);
  EXPECT_NE(a->commitments[0].root, b->commitments[0].root) << "hiding commitments are randomized";
  EXPECT_NE(a->layers[0].requant_evals, b->layers[0].requant_evals);
  EXPECT_NE(a->to_bytes(), b->to_bytes());
  EXPECT_TRUE(verify(pk->vk, *a).ok());
  EXPECT_TRUE(verify(pk->vk, *b).ok());
}

// The private values of an inference: scaled weights and biases, accumulators, pre-clamp values,
// remainders.
std::vector<int64_t> private_values(const ProvingKey& pk, const Witness& witness) {
  std::vector<int64_t> secrets;
  for (const auto& w : pk.weights) secrets.insert(secrets.end(), w.begin(), w.end());
  for (const auto& b : pk.biases) secrets.insert(secrets.end(), b.begin(), b.end());
  for (const auto& lw : witness.layers)
    for (const auto* v : {&lw.acc, &lw.t, &lw.r}) secrets.insert(secrets.end(), v->begin(), v->end());
  return secrets;
}

// No private value appears in the proof bytes as the 8-byte encoding of its field element (an E
// element holds it as its first coordinate); testing::distinctive_encodings says which values are
// looked for.
TEST(ZeroKnowledge, NoPrivateValueAppearsInTheProof) {
  std::mt19937_64 rng(43);
  const IntModel m = random_mlp(rng, {12, 10, 4}, 2);
  auto pk = setup_zk(m);
  ASSERT_TRUE(pk.ok()) << pk.error();
  const auto input = random_input(rng, 24, 127);
  auto witness = compute_witness(*pk, 2, input);
  ASSERT_TRUE(witness.ok());
  const std::vector<int64_t> secrets = private_values(*pk, *witness);
  const auto patterns = testing::distinctive_encodings(secrets);
  ASSERT_GT(patterns.size(), 50u);
  auto proof = prove(*pk, 2, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  const auto bytes = proof->to_bytes();
  EXPECT_EQ(testing::occurrences(bytes, patterns), 0u);
  // The scan finds what is there: the public inputs, as 8-byte integers.
  std::array<uint8_t, 8> public_value;
  for (size_t i = 0; i < 8; ++i) public_value[i] = static_cast<uint8_t>(static_cast<uint64_t>(input[0]) >> (8 * i));
  EXPECT_NE(std::search(bytes.begin(), bytes.end(), public_value.begin(), public_value.end()), bytes.end());
}

// Where the per-proof table leaves a free tail large enough for one opening, the hiding
// commitment keeps its mask there (no mask variables, half the committed size); a small model's
// table has none and takes a mask variable. Both verify; with the tail, no private value appears
// in the proof bytes and flipped or truncated bytes are rejected.
TEST(ZeroKnowledge, PerProofCommitmentMasksInItsFreeTailWhereThereIsOne) {
  std::mt19937_64 rng(48);
  const IntModel wide = random_mlp(rng, {200, 150, 10}, 2);
  auto pk = setup_zk(wide);
  ASSERT_TRUE(pk.ok()) << pk.error();
  const auto input = random_input(rng, 400, 127);
  auto proof = prove(*pk, 2, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  const pcs::Commitment& c = proof->commitments[0];
  EXPECT_EQ(c.mask_vars, 0u);
  EXPECT_GT(c.tail_vars, 0u);
  const auto bytes = proof->to_bytes();
  ASSERT_TRUE(verify_bytes(pk->vk, bytes).ok());
  auto witness = compute_witness(*pk, 2, input);
  ASSERT_TRUE(witness.ok());
  const auto patterns = testing::distinctive_encodings(private_values(*pk, *witness));
  ASSERT_GT(patterns.size(), 50u);
  EXPECT_EQ(testing::occurrences(bytes, patterns), 0u);
  testing::expect_flips_and_truncations_rejected(pk->vk, bytes, sanitized() ? 20 : 100);

  const IntModel small = random_mlp(rng, {6, 5, 4}, 1);
  auto small_pk = setup_zk(small);
  ASSERT_TRUE(small_pk.ok()) << small_pk.error();
  auto small_proof = prove(*small_pk, 1, random_input(rng, 6, 127));
  ASSERT_TRUE(small_proof.ok()) << small_proof.error();
  EXPECT_GT(small_proof->commitments[0].mask_vars, 0u);
  EXPECT_TRUE(verify_bytes(small_pk->vk, small_proof->to_bytes()).ok());
}

// Keys never hold a tail-masked weight commitment (the weights are opened once per proof for many
// proofs, and the key reads them out of the masked tables by stride): a key claiming one is
// refused.
TEST(ZeroKnowledge, KeyWithATailMaskedWeightCommitmentIsRefused) {
  std::mt19937_64 rng(49);
  auto pk = setup_zk(random_mlp(rng, {9, 6, 3}, 1));
  ASSERT_TRUE(pk.ok()) << pk.error();
  VerifyingKey vk = pk->vk;
  ASSERT_TRUE(VerifyingKey::from_bytes(vk.to_bytes()).ok());
  ASSERT_GT(vk.weight_commitments[0].num_vars, 1u);
  vk.weight_commitments[0].mask_vars = 0;
  vk.weight_commitments[0].tail_vars = 1;
  EXPECT_EQ(VerifyingKey::from_bytes(vk.to_bytes()).error(), "key: weight commitment 0 has the wrong shape");
}

TEST(ZeroKnowledge, TamperedAndTruncatedProofBytes) {
  std::mt19937_64 rng(44);
  const IntModel m = random_mlp(rng, {6, 5, 4}, 2);
  auto pk = setup_zk(m);
  ASSERT_TRUE(pk.ok()) << pk.error();
  auto proof = prove(*pk, 2, random_input(rng, 12, 127));
  ASSERT_TRUE(proof.ok()) << proof.error();
  const auto bytes = proof->to_bytes();
  ASSERT_TRUE(verify_bytes(pk->vk, bytes).ok());
  testing::expect_flips_and_truncations_rejected(pk->vk, bytes, sanitized() ? 40 : 200);
}

TEST(ZeroKnowledge, ModesDoNotMix) {
  std::mt19937_64 rng(45);
  const IntModel m = random_mlp(rng, {6, 5, 4}, 1);
  auto zk = setup_zk(m), plain = setup(m);
  ASSERT_TRUE(zk.ok() && plain.ok());
  const auto input = random_input(rng, 6, 127);
  auto zk_proof = prove(*zk, 1, input), plain_proof = prove(*plain, 1, input);
  ASSERT_TRUE(zk_proof.ok() && plain_proof.ok());
  // Both carry one commitment (T, and in zero-knowledge mode the mask arena after it): the
  // decoders part at the range checks, whose encodings differ.
  auto r1 = verify_bytes(plain->vk, zk_proof->to_bytes());
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error(), "proof: lookup: proof has the wrong number of groups");
  auto r2 = verify_bytes(zk->vk, plain_proof->to_bytes());
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error(), "proof: private lookup: proof has the wrong number of layers");
  Proof relabelled = *plain_proof;
  relabelled.zero_knowledge = true;  // a plain proof's fields decoded as a zero-knowledge one
  EXPECT_FALSE(verify(zk->vk, relabelled).ok());
  // A verifying key whose flag is flipped no longer matches its commitments.
  auto bytes = zk->vk.to_bytes();
  ASSERT_EQ(bytes[11], 1);  // after the magic, the version and the PCS parameter set
  bytes[11] = 0;
  auto vk = VerifyingKey::from_bytes(bytes);
  ASSERT_FALSE(vk.ok());
  EXPECT_EQ(vk.error(), "key: weight commitment 0 has the wrong shape");
  bytes[11] = 2;
  EXPECT_EQ(VerifyingKey::from_bytes(bytes).error(), "key: bad zero-knowledge flag");
  // The proofs the key was set up for (u64 after the flag): at least 1, and 1 for a plain key.
  bytes = zk->vk.to_bytes();
  ASSERT_EQ(bytes[12], 1);
  bytes[12] = 0;
  EXPECT_EQ(VerifyingKey::from_bytes(bytes).error(), "key: bad proof count");
  bytes[12] = 5;
  bytes[11] = 0;
  EXPECT_EQ(VerifyingKey::from_bytes(bytes).error(), "key: bad proof count");
  bytes[11] = 1;
  bytes[19] = 1;  // 2^56 + 5
  EXPECT_EQ(VerifyingKey::from_bytes(bytes).error(), "key: bad proof count");
}

TEST(ZeroKnowledge, TableLayersHaveZeroKnowledgeProofs) {
  std::mt19937_64 rng(46);
  IntModel m = random_mlp(rng, {4, 3}, 1);
  IntLayer sigmoid;
  sigmoid.op = LayerOp::Lookup;
  sigmoid.name = "/act/Sigmoid";
  sigmoid.source_op = "Sigmoid";
  sigmoid.inputs = {1};
  sigmoid.shape = {1, 3};
  sigmoid.scale = 1.0 / 127;
  sigmoid.table_offset = -127;
  for (int64_t v = -127; v <= 127; ++v) sigmoid.table.push_back(v > 0 ? v : 0);
  m.layers.push_back(sigmoid);
  m.output_layers = {2};
  ASSERT_TRUE(setup(m).ok());
  auto pk = setup_zk(m);
  ASSERT_TRUE(pk.ok()) << pk.error();  // a table layer
  EXPECT_EQ(pk->vk.spec.layers[1].kind, LayerKind::table);
}

// The cheating-prover harness of the plain mode, with zero-knowledge proofs.
struct ZkCheat : Cheat {
  void SetUp() override {
    pk = setup_zk(m);
    ASSERT_TRUE(pk.ok()) << pk.error();
  }
};

TEST_F(ZkCheat, HonestProofVerifies) {
  auto proof = prove(*pk, 2, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_TRUE(verify(pk->vk, *proof).ok());
}

TEST_F(ZkCheat, AlteredWeightFailsTheOpening) {
  pk->weights[1][3] += 1;
  EXPECT_EQ(reject({}).rfind("opening: ", 0), 0u);
}

TEST_F(ZkCheat, AlteredActivationIsRejected) {
  const std::string reason = reject({[](Witness& w) { w.layers[0].y[1] += 1; }, {}});
  EXPECT_EQ(reason, "layer 0 (fc1+relu1): matrix-vector sum-check: final evaluation mismatch");
}

TEST_F(ZkCheat, AlteredRemainderIsRejected) {
  const std::string reason = reject({[](Witness& w) { w.layers[0].r[0] += 1; }, {}});
  EXPECT_EQ(reason, "layer 0 (fc1+relu1): matrix-vector sum-check: final evaluation mismatch");
}

TEST_F(ZkCheat, RemainderOutOfRangeFailsTheRangeCheck) {
  const std::string reason = reject({[](Witness& w) {
                                       auto& l = w.layers[1];
                                       l.t[0] -= 1;
                                       l.r[0] += int64_t{1} << 24;
                                       l.y[0] = std::clamp<int64_t>(l.t[0], -127, 127);
                                       l.d_plus[0] = std::max<int64_t>(l.t[0] - 127, 0);
                                       l.d_minus[0] = std::max<int64_t>(-127 - l.t[0], 0);
                                     },
                                     {}});
  EXPECT_EQ(reason.rfind("range check: ", 0), 0u) << reason;
}

TEST_F(ZkCheat, SlackOffTheBoundFailsTheZeroCheck) {
  const std::string reason = reject({[](Witness& w) {
                                       auto& l = w.layers[1];
                                       l.y[0] = l.t[0] - 1;
                                       l.d_plus[0] = 1;
                                       l.d_minus[0] = 0;
                                     },
                                     {}});
  EXPECT_EQ(reason, "layer 1 (fc2): zero-check private sumcheck: round 0: g(0) + g(1) != claim");
}

TEST_F(ZkCheat, AlteredMultiplicityFailsTheRangeCheck) {
  const std::string reason = reject({{}, [](ProverTables& t) { t.multiplicities[5] += F::one(); }});
  EXPECT_EQ(reason.rfind("range check: ", 0), 0u) << reason;
}

TEST_F(ZkCheat, LimbPastTheRangeTableFailsTheRangeCheck) {
  const std::string reason = reject(limb_past_the_range_table(pk->vk.spec, 2));
  EXPECT_EQ(reason.rfind("range check: ", 0), 0u) << reason;
}

TEST_F(ZkCheat, AlteredOutputFailsTheOpening) {
  const std::string reason = reject({{}, [](ProverTables& t) { t.output[2] += 1; }});
  EXPECT_EQ(reason.rfind("opening: ", 0), 0u) << reason;
}

TEST_F(ZkCheat, CommittedTableDifferentFromTheProvedOneFailsTheOpening) {
  const std::string reason = reject({{}, [](ProverTables& t) { t.layer_polys[0][1][0] += F::one(); }});
  EXPECT_FALSE(reason.empty());
}

TEST_F(ZkCheat, TamperedSentValuesAreRejectedWithReason) {
  auto proof = prove(*pk, 2, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  const auto expect = [&](const Proof& p, const std::string& prefix) { testing::expect_rejected_with(pk->vk, p, prefix); };
  Proof p = *proof;
  p.layers[1].requant_evals[0] += E::one();
  expect(p, "layer 1 (fc2): matrix-vector private sumcheck: round 0");
  p = *proof;
  p.layers[0].bias_eval += E::one();
  expect(p, "layer 0 (fc1+relu1): matrix-vector private sumcheck: round 0");
  p = *proof;
  ASSERT_EQ(p.layers[0].private_channel_sum.evaluations.size(), 1u);  // W' (the input is public)
  ASSERT_EQ(p.layers[1].private_channel_sum.evaluations.size(), 2u);  // x, W'
  p.layers[0].private_channel_sum.evaluations[0] += E::one();
  expect(p, "layer 0 (fc1+relu1): matrix-vector sum-check: final evaluation mismatch");
  p = *proof;
  p.layers[1].private_channel_sum.evaluations[0] += E::one();
  expect(p, "layer 1 (fc2): matrix-vector sum-check: final evaluation mismatch");
  p = *proof;
  p.layers[0].private_channel_sum.masked_value += E::one();
  expect(p, "layer 0 (fc1+relu1): matrix-vector sum-check: final evaluation mismatch");
  p = *proof;
  p.layers[1].private_zero_check.evaluations[0] += E::one();
  expect(p, "layer 1 (fc2): zero-check: final evaluation mismatch");
  p = *proof;
  p.layers[1].private_zero_check.rounds[2][1] += E::one();
  expect(p, "layer 1 (fc2): zero-check private sumcheck: round 2");
}

}  // namespace
}  // namespace zk::zkml
