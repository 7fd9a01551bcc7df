// zkml: models with several inputs and outputs (docs/zkml.md, "Several inputs and outputs").
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "model/int_engine.hpp"
#include "zkml/claims.hpp"
#include "zkml/model_bench.hpp"
#include "zkml/test_util.hpp"
#include "zkml/zkml.hpp"

namespace zk::zkml {
namespace {

using model::IntLayer;
using model::IntModel;
using model::LayerOp;

IntLayer input_layer_of(const std::string& name, int64_t batch, int64_t features, double scale) {
  IntLayer input;
  input.op = LayerOp::Input;
  input.name = name;
  input.source_op = "Input";
  input.shape = {batch, features};
  input.scale = scale;
  return input;
}

IntLayer dense(std::mt19937_64& rng, const IntModel& m, int from, int64_t out, const std::string& name) {
  const int64_t in = m.layers[static_cast<size_t>(from)].shape[1];
  std::uniform_int_distribution<int64_t> weight(-127, 127), bias(-2000, 2000), mult(1 << 12, 1 << 14);
  IntLayer mm;
  mm.op = LayerOp::MatMul;
  mm.name = name;
  mm.source_op = "Gemm";
  mm.inputs = {from};
  mm.shape = {m.layers[0].shape[0], out};
  mm.scale = 0.1;
  mm.weights.shape = {in, out};
  for (int64_t k = 0; k < in * out; ++k) mm.weights.data.push_back(weight(rng));
  mm.bias.shape = {out};
  for (int64_t k = 0; k < out; ++k) mm.bias.data.push_back(bias(rng));
  mm.requantizes = true;
  mm.requant.shift = 24;
  mm.requant.lo = -127;
  mm.requant.hi = 127;
  mm.requant.multipliers = {mult(rng)};
  return mm;
}

// 3 x - 5 y, requantized, for layers x and y of one shape.
IntLayer sum(const IntModel& m, int x, int y) {
  IntLayer add;
  add.op = LayerOp::Add;
  add.name = "sum";
  add.source_op = "Add";
  add.inputs = {x, y};
  add.shape = m.layers[static_cast<size_t>(y)].shape;
  add.scale = 0.2;
  add.input_multipliers = {3, -5};
  add.requantizes = true;
  add.requant = {{1}, -1, false, 3, -127, 127};
  return add;
}

// Inputs a (4 features) and b (3): p = relu(dense(a)), q = dense(b), s = p + q,
// outputs (dense(s), q): two outputs of 3 values, the second also read by a later layer.
IntModel two_by_two(std::mt19937_64& rng, int64_t batch) {
  IntModel m;
  m.bits = 8;
  m.layers.push_back(input_layer_of("a", batch, 4, 0.05));
  m.layers.push_back(input_layer_of("b", batch, 3, 0.1));
  m.input_layers = {0, 1};
  m.layers.push_back(dense(rng, m, 0, 3, "fa"));  // 2
  IntLayer relu;
  relu.op = LayerOp::Relu;
  relu.name = "relu";
  relu.source_op = "Relu";
  relu.inputs = {2};
  relu.shape = m.layers[2].shape;
  relu.scale = 0.1;
  m.layers.push_back(relu);                       // 3
  m.layers.push_back(dense(rng, m, 1, 3, "fb"));  // 4
  m.layers.push_back(sum(m, 3, 4));               // 5
  m.layers.push_back(dense(rng, m, 5, 3, "fc"));  // 6
  m.output_layers = {6, 4};
  m.output_names = {"y", "q"};
  return m;
}

using testing::random_input;

TEST(MultiIo, SpecCopiesTheInputsAndConcatenatesTheOutputs) {
  std::mt19937_64 rng(61);
  auto spec = extract_spec(two_by_two(rng, 1), nullptr, nullptr);
  ASSERT_TRUE(spec.ok()) << spec.error();
  ASSERT_EQ(spec->inputs.size(), 2u);
  EXPECT_EQ(spec->input, (TensorShape{7, 1, 1}));
  EXPECT_EQ(spec->inputs[1], (ModelInput{{3, 1, 1}, 0.1}));
  EXPECT_EQ(spec->layers[0].kind, LayerKind::rewire);
  EXPECT_EQ(spec->layers[1].source_map, (std::vector<uint32_t>{5, 6, 7}));
  const Layer& last = spec->layers.back();
  EXPECT_EQ(last.kind, LayerKind::rewire);
  EXPECT_EQ(last.inputs, spec->outputs);
  EXPECT_EQ(spec->output_features(), 6u);
  EXPECT_EQ(spec->output_scale(1), 0.1);
  // The proven input and output orders: per example, the tensors back to back.
  const std::vector<std::vector<double>> inputs = {{0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4}, {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}};
  auto x = quantize_input(*spec, inputs);
  ASSERT_TRUE(x.ok()) << x.error();
  EXPECT_EQ(*x, (std::vector<int64_t>{1, 2, 3, 4, 1, 2, 3, 5, 6, 7, 8, 4, 5, 6}));
  const std::vector<int64_t> y = {1, 2, 3, 10, 20, 30, 4, 5, 6, 40, 50, 60};
  const auto arrays = dequantize_output(*spec, y);
  ASSERT_EQ(arrays.size(), 2u);
  EXPECT_EQ(arrays[1].size(), 6u);
  EXPECT_DOUBLE_EQ(arrays[1][3], 4.0);
  auto back = quantize_output(*spec, arrays);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(*back, y);
}

// Plain and zero-knowledge proofs (a hashed input has plain ones only).
TEST(MultiIo, RoundTripsMatchTheIntegerEngine) {
  std::mt19937_64 rng(62);
  for (int64_t batch : {1, 2}) {
    const IntModel m = two_by_two(rng, batch);
    for (Visibility input : {Visibility::is_public, Visibility::is_private, Visibility::hashed}) {
      for (Visibility output : {Visibility::is_public, Visibility::is_private}) {
        for (bool zero_knowledge : {false, true}) {
          if (zero_knowledge && input == Visibility::hashed) continue;
          SCOPED_TRACE(std::to_string(batch) + " " + std::to_string(int(input)) + " " + std::to_string(int(output)) +
                       (zero_knowledge ? " zk" : ""));
          auto pk = setup(m, ParamsPreset::conjectured, {input, output, Visibility::is_private}, zero_knowledge);
          ASSERT_TRUE(pk.ok()) << pk.error();
          const auto b = static_cast<uint32_t>(batch);
          const auto x = random_input(rng, b * 7);
          const auto expected = testing::engine_outputs(m, pk->vk.spec, b, x);
          auto proof = prove(*pk, b, x);
          ASSERT_TRUE(proof.ok()) << proof.error();
          auto vk = VerifyingKey::from_bytes(pk->vk.to_bytes());
          ASSERT_TRUE(vk.ok()) << vk.error();
          EXPECT_EQ(vk->spec.outputs, pk->vk.spec.outputs);
          EXPECT_EQ(vk->spec.inputs, pk->vk.spec.inputs);
          const auto bytes = proof->to_bytes();
          const std::optional<std::span<const int64_t>> given_input =
              input == Visibility::is_private ? std::nullopt : std::optional<std::span<const int64_t>>(x);
          auto verified = verify_bytes(*vk, bytes, given_input);
          ASSERT_TRUE(verified.ok()) << verified.error();
          if (output == Visibility::is_public) {
            EXPECT_EQ(proof->output, expected);
            EXPECT_TRUE(verify(*vk, *proof, given_input, std::span<const int64_t>(expected)).ok());
          } else {
            EXPECT_TRUE(proof->output.empty());
          }
        }
      }
    }
  }
  std::mt19937_64 rng2(63);
  auto pk = setup(two_by_two(rng2, 1));
  ASSERT_TRUE(pk.ok()) << pk.error();
  auto again = ProvingKey::from_bytes(SharedBytes(pk->to_bytes()));
  ASSERT_TRUE(again.ok()) << again.error();
  auto proof = prove(*again, 1, random_input(rng2, 7));
  ASSERT_TRUE(proof.ok()) << proof.error();
  testing::expect_flips_and_truncations_rejected(pk->vk, proof->to_bytes(), 24);
}

TEST(MultiIo, AnOutputReadByAReluKeepsItsValues) {
  // Outputs relu(fa(a)) and fa(a) itself: the ReLU must not be fused into fa.
  std::mt19937_64 rng(66);
  IntModel m = two_by_two(rng, 2);
  m.output_layers = {3, 2};
  auto pk = setup(m);
  ASSERT_TRUE(pk.ok()) << pk.error();
  EXPECT_FALSE(pk->vk.spec.layers[2].relu);
  const auto x = random_input(rng, 14);
  auto proof = prove(*pk, 2, x);
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_EQ(proof->output, testing::engine_outputs(m, pk->vk.spec, 2, x));
  EXPECT_TRUE(verify_bytes(pk->vk, proof->to_bytes(), x).ok());
}

TEST(MultiIo, ASingleInputReadByATwoInputLayerStillDecodes) {
  // y = 3 a - 5 dense(dense(a)): the Add (spec layer 2, two inputs) reads the proven input.
  std::mt19937_64 rng(67);
  IntModel m;
  m.bits = 8;
  m.layers.push_back(input_layer_of("a", 1, 4, 0.05));
  m.input_layers = {0};
  m.layers.push_back(dense(rng, m, 0, 4, "fa"));
  m.layers.push_back(dense(rng, m, 1, 4, "fb"));
  m.layers.push_back(sum(m, 0, 2));
  m.output_layers = {3};
  auto pk = setup(m);
  ASSERT_TRUE(pk.ok()) << pk.error();
  auto vk = VerifyingKey::from_bytes(pk->vk.to_bytes());
  ASSERT_TRUE(vk.ok()) << vk.error();
  EXPECT_EQ(vk->to_bytes(), pk->vk.to_bytes());
}

TEST(MultiIo, ClaimsIndexTheOutputsBackToBackWithTheirScales) {
  std::mt19937_64 rng(68);
  IntModel m = two_by_two(rng, 1);
  m.layers[6].scale = 0.25;  // output 0 (y[0..2]); output 1 (y[3..5]) keeps 0.1
  auto pk = setup(m);
  ASSERT_TRUE(pk.ok()) << pk.error();
  const std::vector<std::string> claims = {"y[0] >= 0.5", "y[3] >= 0.5"};
  auto forms = compile_claims(pk->vk.spec, claims);
  ASSERT_TRUE(forms.ok()) << forms.error();
  ASSERT_EQ(forms->size(), 2u);
  EXPECT_EQ((*forms)[0], (LinearForm{{0, 0}, {1, 0}, -2}));  // 2 x 0.25
  EXPECT_EQ((*forms)[1], (LinearForm{{3, 0}, {1, 0}, -5}));  // 5 x 0.1
  const std::vector<std::string> argmax = {"argmax == 1"};
  auto refused = compile_claims(pk->vk.spec, argmax);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), "claim 'argmax == 1': argmax over outputs of different scales");
  // A claim that holds, proven and verified: the largest value of output 1, at least itself.
  const auto x = random_input(rng, 7);
  const auto y = testing::engine_outputs(m, pk->vk.spec, 1, x);
  const std::vector<std::string> holds = {"y[4] >= " + std::to_string(static_cast<double>(y[4]) * 0.1 - 0.05)};
  auto proof = prove(*pk, 1, x, holds);
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_TRUE(verify_bytes(pk->vk, proof->to_bytes(), x).ok());
}

TEST(MultiIo, BenchmarkJsonLineOfAThreeInputExample) {
  const std::string dir = std::string(ZKINFER_SOURCE_DIR) + "/../shared/ezkl-examples/rounding_ops/";
  if (!std::filesystem::exists(dir + "network.onnx")) GTEST_SKIP() << "no EZKL examples";
  const std::string line = model_benchmark_json(dir + "network.onnx", dir + "input.json", false);
  EXPECT_NE(line.find("\"prove_ms\""), std::string::npos) << line;
  EXPECT_EQ(line.find("error"), std::string::npos) << line;
}

struct MultiIoCheat : ::testing::Test {
  std::mt19937_64 rng{64};
  IntModel m = two_by_two(rng, 2);
  Result<ProvingKey> pk = setup(m);
  std::vector<int64_t> input = random_input(rng, 14);
  void SetUp() override { ASSERT_TRUE(pk.ok()) << pk.error(); }
};

// Per example, output 0's and output 1's values exchanged (both hold 3 values).
void swap_outputs(std::vector<int64_t>& v, size_t row) {
  for (size_t b = 0; b < 2; ++b)
    for (size_t j = 0; j < 3; ++j) std::swap(v[b * row + j], v[b * row + 3 + j]);
}

// A prover carrying output 0's and output 1's values exchanged, committed consistently as the last
// layer's values, is rejected at the concatenating layer; so are honest outputs swapped after proving.
void expect_swapped_outputs_rejected(const ProvingKey& pk, const std::vector<int64_t>& input) {
  auto honest = prove(pk, 2, input);
  ASSERT_TRUE(honest.ok()) << honest.error();
  auto swapped = honest->output;
  swap_outputs(swapped, 6);
  ProverHooks hooks;
  hooks.on_witness = [](Witness& w) { swap_outputs(w.layers.back().y, 8); };  // padded rows of 8
  auto cheat = prove(pk, 2, input, &hooks);
  ASSERT_TRUE(cheat.ok()) << cheat.error();
  EXPECT_EQ(cheat->output, swapped);
  auto verdict = verify(pk.vk, *cheat);
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.error().rfind("layer 6 (outputs): ", 0), 0u) << verdict.error();
  EXPECT_FALSE(verify_bytes(pk.vk, cheat->to_bytes()).ok());
  honest->output = swapped;
  EXPECT_FALSE(verify(pk.vk, *honest).ok());
}

TEST_F(MultiIoCheat, AnOutputSwappedBetweenOutputLayersIsRejected) {
  auto proof = prove(*pk, 2, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  auto swapped = proof->output;
  swap_outputs(swapped, 6);
  ASSERT_NE(swapped, proof->output);
  auto refused = verify(pk->vk, *proof, input, std::span<const int64_t>(swapped));
  ASSERT_FALSE(refused.ok());
  expect_swapped_outputs_rejected(*pk, input);
}

TEST_F(MultiIoCheat, AnInputOfTheWrongSizeIsRefused) {
  auto short_input = input;
  short_input.pop_back();
  auto proof = prove(*pk, 2, short_input);
  ASSERT_FALSE(proof.ok());
  auto honest = prove(*pk, 2, input);
  ASSERT_TRUE(honest.ok()) << honest.error();
  EXPECT_FALSE(verify(pk->vk, *honest, std::span<const int64_t>(short_input)).ok());
  // One array per model input, each the same batch of its rows.
  const std::vector<std::vector<double>> one = {std::vector<double>(8, 0.0)};
  auto x = quantize_input(pk->vk.spec, one);
  ASSERT_FALSE(x.ok());
  EXPECT_EQ(x.error(), "the model has 2 inputs, got 1");
  const std::vector<std::vector<double>> uneven = {std::vector<double>(8, 0.0), std::vector<double>(3, 0.0)};
  x = quantize_input(pk->vk.spec, uneven);
  ASSERT_FALSE(x.ok());
  EXPECT_EQ(x.error(), "input 1: 3 values are not 2 rows of 3");
}

TEST_F(MultiIoCheat, KeysWhoseCopiesOrConcatenationDifferAreRefused) {
  // (The output layers in another order make a valid key: another model's, whose proofs differ.)
  VerifyingKey vk = pk->vk;
  std::swap(vk.spec.layers[0].source_map[0], vk.spec.layers[0].source_map[1]);
  auto decoded = VerifyingKey::from_bytes(vk.to_bytes());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error(), "key: layer 0 does not copy model input 0");
  vk = pk->vk;
  std::swap(vk.spec.layers.back().source_map[0], vk.spec.layers.back().source_map[4]);
  decoded = VerifyingKey::from_bytes(vk.to_bytes());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error(), "key: the last layer does not concatenate the outputs");
  vk = pk->vk;
  vk.spec.outputs.push_back(4);
  decoded = VerifyingKey::from_bytes(vk.to_bytes());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error(), "key: the last layer does not concatenate the outputs");
}

// The swapped-outputs prover against a zero-knowledge key (public outputs).
TEST(MultiIo, ZeroKnowledgeProverWithSwappedOutputsIsRejected) {
  std::mt19937_64 rng{64};
  const IntModel m = two_by_two(rng, 2);
  auto pk = setup(m, ParamsPreset::conjectured, {Visibility::is_private}, true);
  ASSERT_TRUE(pk.ok()) << pk.error();
  expect_swapped_outputs_rejected(*pk, random_input(rng, 14));
}

}  // namespace
}  // namespace zk::zkml
