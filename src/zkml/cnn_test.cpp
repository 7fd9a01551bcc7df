// zkml on convolutional models: the wiring extensions the verifier evaluates, round trips of Conv /
// MaxPool / AveragePool chains against the integer engine, and cheating provers on each new layer.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iterator>
#include <optional>
#include <random>

#include "model/int_engine.hpp"
#include "model/io.hpp"
#include "poly/multilinear.hpp"
#include "zkml/layout.hpp"
#include "zkml/model_bench.hpp"
#include "zkml/test_util.hpp"
#include "zkml/window.hpp"
#include "zkml/zkml.hpp"

// GCC 12 reports a false -Wfree-nonheap-object in std::vector code inlined into rewiring_model
// below; whether it fires depends on inlining decisions across the whole file.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#endif

namespace zk::zkml {
namespace {

using model::IntLayer;
using model::IntModel;
using model::LayerOp;

bool sanitized() { return std::getenv("ZKINFER_SANITIZED") != nullptr; }

std::vector<E> random_point(std::mt19937_64& rng, size_t n) {
  std::vector<E> out(n);
  for (auto& c : out) c = E(F::from_u64(rng()), F::from_u64(rng()));
  return out;
}

// The wiring extensions against the multilinear extension of the explicit 0/1 tables.
TEST(Window, ExtensionsMatchExplicitTables) {
  std::mt19937_64 rng(11);
  const detail::Axis axes[] = {{{3, 1, 1, 1}, 7, 7}, {{2, 2, 1, 0}, 8, 4}, {{3, 2, 2, 2}, 9, 5},
                               {{5, 1, 1, 0}, 5, 1}, {{1, 3, 1, 0}, 6, 2}, {{4, 3, 1, 2}, 6, 3}};
  for (const auto& h : axes)
    for (const auto& w : {axes[1], axes[2]}) {
      const uint32_t pv_h = detail::log2_padded(h.out), pv_w = detail::log2_padded(w.out);
      const uint32_t kv_h = detail::log2_padded(h.window.kernel), kv_w = detail::log2_padded(w.window.kernel);
      const uint32_t iv_h = detail::log2_padded(h.in), iv_w = detail::log2_padded(w.in);
      const auto p = random_point(rng, pv_h + pv_w), k = random_point(rng, kv_h + kv_w), i = random_point(rng, iv_h + iv_w);
      const auto z = random_point(rng, pv_h + pv_w), rk = random_point(rng, kv_h + kv_w);
      const size_t hp = size_t{1} << pv_h, wp = size_t{1} << pv_w, hk = size_t{1} << kv_h, wk = size_t{1} << kv_w;
      const size_t hi = size_t{1} << iv_h, wi = size_t{1} << iv_w;
      // Explicit tables over (p, k, i) and (k, p), variables p_h, p_w, k_h, k_w, i_h, i_w.
      std::vector<F> wire(hp * wp * hk * wk * hi * wi, F::zero()), valid(hk * wk * hp * wp, F::zero());
      std::vector<F> pooled(hp * wp * hi * wi, F::zero());
      const int64_t mult[] = {3, -5, 7, 11, 13, 2, 9, 4, 6, 8, 10, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26};
      std::vector<int64_t> multipliers(size_t{h.out} * w.out);
      for (size_t m = 0; m < multipliers.size(); ++m) multipliers[m] = mult[m % 25];
      for (uint32_t ph = 0; ph < h.out; ++ph)
        for (uint32_t pw = 0; pw < w.out; ++pw)
          for (uint32_t kh = 0; kh < h.window.kernel; ++kh)
            for (uint32_t kw = 0; kw < w.window.kernel; ++kw) {
              const int64_t ih = h.source(ph, kh), iw = w.source(pw, kw);
              if (ih < 0 || iw < 0) continue;
              const size_t pk = ((ph * wp + pw) * hk + kh) * wk + kw;
              wire[(pk * hi + static_cast<size_t>(ih)) * wi + static_cast<size_t>(iw)] = F::one();
              valid[((kh * wk + kw) * hp + ph) * wp + pw] = F::one();
              pooled[((ph * wp + pw) * hi + static_cast<size_t>(ih)) * wi + static_cast<size_t>(iw)] +=
                  F::from_i64(multipliers[ph * w.out + pw]);
            }
      auto sp = [](const std::vector<E>& v, uint32_t hv) { return detail::split_spatial(v, hv); };
      std::vector<E> pki = p;
      pki.insert(pki.end(), k.begin(), k.end());
      pki.insert(pki.end(), i.begin(), i.end());
      EXPECT_TRUE((detail::wiring_eval(h, w, sp(p, pv_h), sp(k, kv_h), sp(i, iv_h)) == evaluate_multilinear<E, F>(wire, pki)));
      std::vector<E> kp = k;
      kp.insert(kp.end(), p.begin(), p.end());
      EXPECT_TRUE((detail::validity_eval(h, w, sp(k, kv_h), sp(p, pv_h)) == evaluate_multilinear<E, F>(valid, kp)));
      std::vector<E> pi = p;
      pi.insert(pi.end(), i.begin(), i.end());
      EXPECT_TRUE((detail::pooling_wiring_eval(h, w, multipliers, sp(p, pv_h), sp(i, iv_h)) ==
                   evaluate_multilinear<E, F>(pooled, pi)));
      // V_rho(zeta_p) = sum_p eq(rho_p, p) eq(zeta_p, p) sum_k eq(rho_k, k) V(k, p).
      const auto eq_p = eq_table<E>(p), eq_z = eq_table<E>(z), eq_k = eq_table<E>(rk);
      E expected = E::zero();
      for (size_t kk = 0; kk < hk * wk; ++kk)
        for (size_t pp = 0; pp < hp * wp; ++pp) expected += eq_p[pp] * eq_z[pp] * eq_k[kk] * E(valid[kk * hp * wp + pp]);
      EXPECT_TRUE((detail::weighted_validity_eval(h, w, sp(p, pv_h), sp(rk, kv_h), sp(z, pv_h)) == expected));
    }
}

TEST(Window, EveryWindowReachesTheInput) {
  EXPECT_TRUE((detail::Axis{{3, 1, 1, 1}, 5, 5}.every_window_reaches_input()));
  EXPECT_TRUE((detail::Axis{{3, 2, 1, 2}, 4, 3}.every_window_reaches_input()));
  EXPECT_FALSE((detail::Axis{{2, 1, 1, 3}, 4, 7}.every_window_reaches_input()));  // p = 0 reads -3, -2
  EXPECT_FALSE((detail::Axis{{2, 3, 1, 0}, 4, 3}.every_window_reaches_input()));  // p = 2 starts at 6
  EXPECT_TRUE((detail::Axis{{2, 1, 4, 3}, 4, 2}.every_window_reaches_input()));   // p = 0 reads -3 and 1
}

// Output size of one window axis (ONNX rule, floor).
int64_t out_size(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pad_lo, int64_t pad_hi) {
  return (in + pad_lo + pad_hi - d * (k - 1) - 1) / s + 1;
}

struct CnnBuilder {
  std::mt19937_64& rng;
  IntModel m;
  int64_t batch;
  int64_t q = 127;

  CnnBuilder(std::mt19937_64& r, int64_t b, model::Shape input_shape) : rng(r), batch(b) {
    m.bits = 8;
    IntLayer input;
    input.op = LayerOp::Input;
    input.name = "x";
    input.source_op = "Input";
    input.shape = input_shape;
    input.shape[0] = b;
    input.scale = 0.05;
    m.layers.push_back(input);
    m.input_layers = {0};
  }
  const model::Shape& shape() const { return m.layers.back().shape; }
  int last() const { return static_cast<int>(m.layers.size() - 1); }

  model::Window window(int64_t k, int64_t s, int64_t d, int64_t pad) const {
    model::Window w;
    w.kernel_h = w.kernel_w = k;
    w.stride_h = w.stride_w = s;
    w.dilation_h = w.dilation_w = d;
    w.pad_top = w.pad_left = pad;
    w.pad_bottom = w.pad_right = pad;
    w.out_h = out_size(shape()[2], k, s, d, pad, pad);
    w.out_w = out_size(shape()[3], k, s, d, pad, pad);
    return w;
  }
  void requant(IntLayer& layer, bool per_channel, int64_t channels, int shift) {
    std::uniform_int_distribution<int64_t> mult(1 << 10, 1 << 12);
    layer.requantizes = true;
    layer.requant.shift = shift;
    layer.requant.lo = -q;
    layer.requant.hi = q;
    if (per_channel) {
      layer.requant.channel_axis = 1;
      for (int64_t c = 0; c < channels; ++c) layer.requant.multipliers.push_back(mult(rng));
    } else {
      layer.requant.multipliers = {mult(rng)};
    }
  }
  void conv(int64_t out_channels, int64_t k, int64_t s, int64_t d, int64_t pad, int64_t groups, bool per_channel) {
    IntLayer c;
    c.op = LayerOp::Conv;
    c.name = "conv" + std::to_string(m.layers.size());
    c.source_op = "Conv";
    c.inputs = {last()};
    c.window = window(k, s, d, pad);
    c.group = groups;
    c.shape = {batch, out_channels, c.window.out_h, c.window.out_w};
    c.scale = 0.1;
    std::uniform_int_distribution<int64_t> weight(-q, q), bias(-3000, 3000);
    c.weights.shape = {out_channels, shape()[1] / groups, k, k};
    for (int64_t i = 0; i < model::numel(c.weights.shape); ++i) c.weights.data.push_back(weight(rng));
    c.bias.shape = {out_channels, 1, 1};
    for (int64_t i = 0; i < out_channels; ++i) c.bias.data.push_back(bias(rng));
    requant(c, per_channel, out_channels, 22);
    m.layers.push_back(c);
  }
  void relu() {
    IntLayer r;
    r.op = LayerOp::Relu;
    r.name = "relu" + std::to_string(m.layers.size());
    r.source_op = "Relu";
    r.inputs = {last()};
    r.shape = shape();
    r.scale = m.layers.back().scale;
    m.layers.push_back(r);
  }
  void pool(bool max, int64_t k, int64_t s, int64_t pad) {
    IntLayer p;
    p.op = max ? LayerOp::MaxPool : LayerOp::SumPool;
    p.name = (max ? "maxpool" : "avgpool") + std::to_string(m.layers.size());
    p.source_op = max ? "MaxPool" : "AveragePool";
    p.inputs = {last()};
    p.window = window(k, s, 1, pad);
    p.shape = {batch, shape()[1], p.window.out_h, p.window.out_w};
    p.scale = m.layers.back().scale;
    if (!max) {
      // Per-element multipliers 2^16 / count (count = window positions inside the input).
      p.requantizes = true;
      p.requant = {{}, -1, true, 16, -q, q};
      model::IntTensor geometry{shape(), std::vector<int64_t>(static_cast<size_t>(model::numel(shape())), 0)}, sums;
      std::vector<int64_t> counts;
      model::pool2d<model::IntArith>(geometry, p.window, model::PoolKind::Sum, false, sums, counts);
      for (int64_t c : counts) p.requant.multipliers.push_back((int64_t{1} << 16) / std::max<int64_t>(c, 1));
    }
    m.layers.push_back(p);
  }
  void flatten() {
    IntLayer r;
    r.op = LayerOp::Reshape;
    r.name = "flatten";
    r.source_op = "Flatten";
    r.inputs = {last()};
    r.shape = {batch, model::numel(shape()) / batch};
    r.scale = m.layers.back().scale;
    m.layers.push_back(r);
  }
  void dense(int64_t out) {
    IntLayer d;
    d.op = LayerOp::MatMul;
    d.name = "fc";
    d.source_op = "Gemm";
    d.inputs = {last()};
    d.shape = {batch, out};
    d.scale = 0.2;
    std::uniform_int_distribution<int64_t> weight(-q, q), bias(-3000, 3000);
    d.weights.shape = {shape()[1], out};
    for (int64_t i = 0; i < shape()[1] * out; ++i) d.weights.data.push_back(weight(rng));
    d.bias.shape = {out};
    for (int64_t i = 0; i < out; ++i) d.bias.data.push_back(bias(rng));
    requant(d, false, out, 24);
    m.layers.push_back(d);
  }
  IntModel finish() {
    m.output_layers = {last()};
    m.output_names = {"y"};
    return m;
  }
};

using testing::distinctive_encodings;
using testing::occurrences;
using testing::random_input;

std::vector<int64_t> reference_outputs(const IntModel& m, const std::vector<int64_t>& input) {
  auto trace = model::run_int(m, {model::IntTensor{m.layers[0].shape, input}});
  EXPECT_TRUE(trace.ok()) << trace.error();
  return trace.ok() ? trace->layers[m.output_layers[0]].output.data : std::vector<int64_t>{};
}

// A cheating prover: the honest proving code with `hooks`; the verifier must reject the proof (as
// an object and as bytes). Returns the reason.
std::string rejection(const ProvingKey& pk, uint32_t batch, const std::vector<int64_t>& input, const ProverHooks& hooks) {
  auto proof = prove(pk, batch, input, &hooks);
  EXPECT_TRUE(proof.ok()) << proof.error();
  if (!proof.ok()) return "";
  auto verdict = verify(pk.vk, *proof);
  EXPECT_FALSE(verdict.ok());
  EXPECT_FALSE(verify_bytes(pk.vk, proof->to_bytes()).ok());
  return verdict.ok() ? "" : verdict.error();
}

void expect_round_trip(const IntModel& m, std::mt19937_64& rng) {
  auto pk = setup(m);
  ASSERT_TRUE(pk.ok()) << pk.error();
  const auto batch = static_cast<uint32_t>(m.layers[0].shape[0]);
  const auto input = random_input(rng, static_cast<size_t>(model::numel(m.layers[0].shape)));
  auto proof = prove(*pk, batch, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_EQ(proof->output, reference_outputs(m, input));
  auto verified = verify_bytes(pk->vk, proof->to_bytes(), input, proof->output);
  ASSERT_TRUE(verified.ok()) << verified.error();
  auto vk = VerifyingKey::from_bytes(pk->vk.to_bytes());
  ASSERT_TRUE(vk.ok()) << vk.error();
  EXPECT_TRUE(verify_bytes(*vk, proof->to_bytes()).ok());
  auto pk2 = ProvingKey::from_bytes(SharedBytes(pk->to_bytes()));
  ASSERT_TRUE(pk2.ok()) << pk2.error();
  EXPECT_EQ(pk2->weights, pk->weights);
}

TEST(Cnn, ConvReluMaxPoolAvgPoolDense) {
  std::mt19937_64 rng(21);
  for (int64_t batch : {1, 2}) {
    CnnBuilder b(rng, batch, {1, 3, 9, 10});
    b.conv(5, 3, 1, 1, 1, 1, batch == 2);
    b.relu();
    b.pool(true, 2, 2, 0);
    b.conv(4, 2, 1, 1, 0, 1, false);
    b.pool(false, 2, 1, 1);
    b.flatten();
    b.dense(3);
    expect_round_trip(b.finish(), rng);
  }
}

TEST(Cnn, StridesDilationPaddingAndGroups) {
  std::mt19937_64 rng(22);
  struct Case {
    int64_t k, s, d, pad, groups, in_c, out_c;
  };
  for (const Case& c : {Case{3, 2, 1, 1, 1, 2, 3}, Case{3, 1, 2, 2, 1, 3, 2}, Case{2, 3, 1, 0, 2, 4, 4},
                        Case{3, 1, 1, 1, 4, 4, 4}, Case{1, 1, 1, 0, 1, 5, 6}}) {
    if (sanitized() && c.groups == 2) continue;
    CnnBuilder b(rng, 1, {1, c.in_c, 7, 6});
    b.conv(c.out_c, c.k, c.s, c.d, c.pad, c.groups, true);
    b.relu();
    b.pool(true, 3, 1, 1);  // padded max pooling: padding never wins
    expect_round_trip(b.finish(), rng);
  }
}

TEST(Cnn, ReluAfterMaxPoolFusesIntoTheConv) {
  std::mt19937_64 rng(23);
  CnnBuilder b(rng, 1, {1, 2, 6, 6});
  b.conv(3, 3, 1, 1, 1, 1, false);
  b.pool(true, 2, 2, 0);
  b.relu();
  b.pool(false, 3, 3, 0);  // global average pooling over the 3 x 3 map
  const IntModel m = b.finish();
  auto spec = extract_spec(m, nullptr, nullptr);
  ASSERT_TRUE(spec.ok()) << spec.error();
  EXPECT_TRUE(spec->layers[0].relu);
  EXPECT_EQ(spec->layers[1].lo, 0);
  expect_round_trip(m, rng);
}

TEST(Cnn, FlatInputReshapedForTheFirstConv) {
  std::mt19937_64 rng(24);
  CnnBuilder b(rng, 1, {1, 2 * 5 * 5});
  IntLayer r;
  r.op = LayerOp::Reshape;
  r.name = "reshape";
  r.source_op = "Reshape";
  r.inputs = {0};
  r.shape = {1, 2, 5, 5};
  r.scale = 0.05;
  b.m.layers.push_back(r);
  b.conv(2, 3, 1, 1, 0, 1, false);
  expect_round_trip(b.finish(), rng);
}

// Witness changes at output i of layer 1, a 2 x 2 max pool (K' = 4 offsets, grid = y.size()).
// y and every gap moved by delta (consistent gaps): y above or below the maximum.
std::function<void(Witness&)> shift_pool_output(size_t i, int64_t delta) {
  return [i, delta](Witness& w) {
    auto& l = w.layers[1];
    l.y[i] += delta;
    for (size_t k = 0; k < 4; ++k) l.gap[k * l.y.size() + i] += delta;
  };
}
// The first unpicked gap raised by one (still >= 0, not picked).
std::function<void(Witness&)> raise_unpicked_gap(size_t i) {
  return [i](Witness& w) {
    auto& l = w.layers[1];
    size_t k = 0;
    while (l.pick[k * l.y.size() + i] == 1) ++k;
    l.gap[k * l.y.size() + i] += 1;
  };
}
// The pick moved to the first element with a nonzero gap.
std::function<void(Witness&)> pick_non_maximal(size_t i) {
  return [i](Witness& w) {
    auto& l = w.layers[1];
    const size_t grid = l.y.size();
    for (size_t k = 0; k < 4; ++k) l.pick[k * grid + i] = 0;
    size_t k = 0;
    while (l.gap[k * grid + i] == 0) ++k;
    l.pick[k * grid + i] = 1;
  };
}

// A cheating prover on a Conv -> MaxPool -> Dense model.
struct CnnCheat : ::testing::Test {
  std::mt19937_64 rng{25};
  IntModel m = [this] {
    CnnBuilder b(rng, 1, {1, 2, 6, 6});
    b.conv(3, 3, 1, 1, 1, 1, true);
    b.relu();
    b.pool(true, 2, 2, 0);
    b.flatten();
    b.dense(4);
    return b.finish();
  }();
  Result<ProvingKey> pk = setup(m);
  std::vector<int64_t> input = random_input(rng, 72);

  void SetUp() override { ASSERT_TRUE(pk.ok()) << pk.error(); }
  std::string reject(const ProverHooks& hooks) { return rejection(*pk, 1, input, hooks); }
  // Index of (c, h, w) in a layer's padded output grid (batch row 0).
  size_t at(uint32_t l, uint32_t c, uint32_t h, uint32_t w) const {
    return detail::padded_index(pk->vk.spec.layers[l].out, c, h, w);
  }
};

TEST_F(CnnCheat, HonestProofVerifies) {
  auto proof = prove(*pk, 1, input);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(verify(pk->vk, *proof).ok());
}

TEST_F(CnnCheat, AlteredConvWeightFailsTheOpening) {
  pk->weights[0][7] += 1;
  EXPECT_EQ(reject({}).rfind("opening: ", 0), 0u);
}

TEST_F(CnnCheat, AlteredConvActivationFailsTheConvolution) {
  const size_t i = at(0, 1, 2, 3);
  const std::string reason = reject({[i](Witness& w) { w.layers[0].y[i] += 1; }, {}});
  EXPECT_NE(reason.find("layer 0 ("), std::string::npos) << reason;
  EXPECT_NE(reason.find("convolution"), std::string::npos) << reason;
}

TEST_F(CnnCheat, MaxPoolOutputBelowTheMaximumFailsTheRangeCheck) {
  // y one below the maximum with consistent gaps: the maximal element's gap is -1, outside [0, 2^16).
  const std::string reason = reject({shift_pool_output(at(1, 0, 1, 1), -1), {}});
  EXPECT_EQ(reason.rfind("range check: ", 0), 0u) << reason;
}

TEST_F(CnnCheat, MaxPoolOutputAboveTheMaximumFailsTheZeroCheck) {
  // y one above the maximum with consistent gaps: every gap >= 1, so the picked one is not 0.
  const std::string reason = reject({shift_pool_output(at(1, 2, 0, 1), 1), {}});
  EXPECT_EQ(reason, "layer 1 (maxpool3): max-pool zero-check: final evaluation mismatch (a pick is not 0/1, off the window, or not at a maximum)");
}

TEST_F(CnnCheat, MaxPoolGapInconsistentWithTheInputFailsTheWindowCheck) {
  const std::string reason = reject({raise_unpicked_gap(at(1, 1, 1, 0)), {}});
  EXPECT_EQ(reason, "layer 1 (maxpool3): max-pool window sum-check: final evaluation mismatch");
}

TEST_F(CnnCheat, SecondPickFailsThePickSum) {
  const size_t i = at(1, 0, 0, 0);
  const std::string reason = reject({[i](Witness& w) {
                                       auto& l = w.layers[1];
                                       const size_t grid = l.y.size();
                                       size_t k = 0;
                                       while (l.pick[k * grid + i] == 1) ++k;
                                       l.pick[k * grid + i] = 1;
                                     },
                                     {}});
  EXPECT_EQ(reason, "layer 1 (maxpool3): max-pool: the picks do not sum to one per output");
}

TEST_F(CnnCheat, PickOfANonMaximalElementFailsTheZeroCheck) {
  // Move the pick to an element with a nonzero gap: sum_k S D != 0.
  const std::string reason = reject({pick_non_maximal(at(1, 1, 0, 0)), {}});
  EXPECT_EQ(reason, "layer 1 (maxpool3): max-pool zero-check: final evaluation mismatch (a pick is not 0/1, off the window, or not at a maximum)");
}

TEST_F(CnnCheat, AlteredOutputFailsTheOutputCheck) {
  const std::string reason = reject({{}, [](ProverTables& t) { t.output[1] += 1; }});
  EXPECT_EQ(reason, "layer 2 (fc): the outputs do not match the committed output layer");
}

TEST_F(CnnCheat, TamperedBytesAreRejected) {
  auto proof = prove(*pk, 1, input);
  ASSERT_TRUE(proof.ok());
  const auto bytes = proof->to_bytes();
  testing::expect_flips_and_truncations_rejected(pk->vk, bytes, sanitized() ? 30 : 150);
}

TEST(Cnn, OnnxSmallCnnModels) {
  const std::string dir = std::string(ZKINFER_SOURCE_DIR) + "/tests/models/";
  for (const char* name : {"conv_bn", "small_cnn_opset9", "small_cnn_opset13", "small_cnn_opset17", "softmax_axes"}) {
    auto inputs = model::read_inputs(dir + name + ".json");
    ASSERT_TRUE(inputs.ok()) << inputs.error();
    auto m = quantize_onnx(dir + name + ".onnx", &*inputs, 8);
    ASSERT_TRUE(m.ok()) << m.error();
    auto pk = setup(*m);
    ASSERT_TRUE(pk.ok()) << name << ": " << pk.error();
    auto input = quantize_input(pk->vk.spec, *inputs);
    ASSERT_TRUE(input.ok());
    const auto batch = static_cast<uint32_t>(input->size() / pk->vk.spec.input_features());
    auto proof = prove(*pk, batch, *input);
    ASSERT_TRUE(proof.ok()) << proof.error();
    model::IntModel with_batch = *m;
    for (auto& layer : with_batch.layers) layer.shape[0] = batch;
    EXPECT_EQ(proof->output, reference_outputs(with_batch, *input)) << name;
    auto verified = verify_bytes(pk->vk, proof->to_bytes(), *input);
    EXPECT_TRUE(verified.ok()) << name << ": " << verified.error();
  }
}

// Table layers: a tabulated function between dense layers, and a ReLU on the model input.
IntModel table_model(std::mt19937_64& rng) {
  CnnBuilder b(rng, 2, {2, 6});
  IntLayer relu;  // on the input: not fusable, so a table layer
  relu.op = LayerOp::Relu;
  relu.name = "relu_in";
  relu.source_op = "Relu";
  relu.inputs = {0};
  relu.shape = {2, 6};
  relu.scale = 0.05;
  b.m.layers.push_back(relu);
  b.dense(5);
  IntLayer table;
  table.op = LayerOp::Lookup;
  table.name = "sigmoid";
  table.source_op = "Sigmoid";
  table.inputs = {b.last()};
  table.shape = {2, 5};
  table.scale = 1.0 / 127;
  table.table_offset = -127;
  for (int64_t v = -127; v <= 127; ++v)
    table.table.push_back(static_cast<int64_t>(std::lround(127.0 / (1.0 + std::exp(-static_cast<double>(v) / 20)))));
  b.m.layers.push_back(table);
  b.dense(3);
  return b.finish();
}

struct TableCheat : ::testing::Test {
  std::mt19937_64 rng{26};
  IntModel m = table_model(rng);
  Result<ProvingKey> pk = setup(m);
  std::vector<int64_t> input = random_input(rng, 12);

  void SetUp() override { ASSERT_TRUE(pk.ok()) << pk.error(); }
  std::string reject(const ProverHooks& hooks) { return rejection(*pk, 2, input, hooks); }
};

TEST_F(TableCheat, HonestProofMatchesTheIntegerEngine) {
  ASSERT_EQ(pk->vk.spec.layers.size(), 4u);
  EXPECT_EQ(pk->vk.spec.layers[0].kind, LayerKind::table);
  EXPECT_EQ(pk->vk.spec.layers[2].kind, LayerKind::table);
  auto proof = prove(*pk, 2, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_EQ(proof->output, reference_outputs(m, input));
  auto verified = verify_bytes(pk->vk, proof->to_bytes(), input);
  EXPECT_TRUE(verified.ok()) << verified.error();
  auto vk = VerifyingKey::from_bytes(pk->vk.to_bytes());
  ASSERT_TRUE(vk.ok()) << vk.error();
}

TEST_F(TableCheat, OutputOffTheTableFailsTheLookup) {
  const std::string reason = reject({[](Witness& w) { w.layers[2].y[1] += 1; }, {}});
  EXPECT_EQ(reason.rfind("layer 2 (sigmoid): table lookup: ", 0), 0u) << reason;
}

TEST_F(TableCheat, NonzeroPaddingFailsTheLookup) {
  // Column 5 of the 8-wide padded grid is padding: it must hold the row (0, 0, 0).
  const std::string reason = reject({[](Witness& w) { w.layers[2].y[5] = 3; }, {}});
  EXPECT_EQ(reason.rfind("layer 2 (sigmoid): table lookup: ", 0), 0u) << reason;
}

TEST_F(TableCheat, AlteredMultiplicityFailsTheLookup) {
  const std::string reason = reject({{}, [](ProverTables& t) { t.layer_polys[0][1][3] += F::one(); }});
  EXPECT_EQ(reason.rfind("layer 0 (relu_in): table lookup: ", 0), 0u) << reason;
}

// A per-channel PReLU (one table per channel) after a conv.
IntModel prelu_model(std::mt19937_64& rng) {
  CnnBuilder b(rng, 2, {1, 2, 5, 5});
  b.conv(3, 3, 1, 1, 1, 1, false);
  IntLayer prelu;
  prelu.op = LayerOp::PRelu;
  prelu.name = "prelu";
  prelu.source_op = "PRelu";
  prelu.inputs = {b.last()};
  prelu.shape = b.shape();
  prelu.scale = b.m.layers.back().scale;
  prelu.weights.shape = {3, 1, 1};
  prelu.weights.data = {26, 51, 128};  // slopes 0.1, 0.2, 0.5 at shift 8
  prelu.requantizes = true;
  prelu.requant = {{}, -1, false, 8, -127, 127};
  b.m.layers.push_back(prelu);
  return b.finish();
}

TEST(TableLayer, PerChannelPReluAfterAConv) {
  std::mt19937_64 rng(28);
  const IntModel m = prelu_model(rng);
  auto spec = extract_spec(m, nullptr, nullptr);
  ASSERT_TRUE(spec.ok()) << spec.error();
  EXPECT_EQ(spec->layers[1].table_channels, 3u);
  expect_round_trip(m, rng);
  // A value of the wrong channel's function is rejected.
  auto pk = setup(m);
  ASSERT_TRUE(pk.ok());
  const auto input = random_input(rng, 100);
  auto honest = prove(*pk, 2, input);
  ASSERT_TRUE(honest.ok()) << honest.error();
  bool changed = false;
  const ProverHooks hooks{[&changed](Witness& w) {
                            auto& y = w.layers[1].y;
                            const auto& x = w.layers[0].y;
                            for (size_t i = 0; i < 64 && !changed; ++i) {  // channel 0 of example 0 (8 x 8 plane)
                              const int64_t other = (x[i] * 51 + 128) >> 8;  // channel 1's slope
                              if (x[i] < 0 && other != y[i]) y[i] = other, changed = true;
                            }
                          },
                          {}};
  auto forged = prove(*pk, 2, input, &hooks);
  ASSERT_TRUE(forged.ok()) << forged.error();
  ASSERT_TRUE(changed);
  auto verdict = verify(pk->vk, *forged);
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.error().rfind("layer 1 (prelu): table lookup: ", 0), 0u) << verdict.error();
}

TEST(TableLayer, IdentityModelIsProvable) {
  std::mt19937_64 rng(27);
  CnnBuilder b(rng, 1, {1, 4});
  b.flatten();
  const IntModel m = b.finish();
  expect_round_trip(m, rng);
}

// Elementwise layers: a residual block (Add reading two earlier layers), a product of two
// activations, and a per-channel scale with offset (a standalone BatchNormalization).
IntModel residual_model(std::mt19937_64& rng) {
  CnnBuilder b(rng, 1, {1, 2, 5, 5});
  b.conv(2, 3, 1, 1, 1, 1, false);
  b.relu();
  const int skip = b.last();
  b.conv(2, 3, 1, 1, 1, 1, false);
  IntLayer add;
  add.op = LayerOp::Add;
  add.name = "residual";
  add.source_op = "Add";
  add.inputs = {b.last(), skip};
  add.shape = b.shape();
  add.scale = 0.2;
  add.input_multipliers = {3, -5};
  add.requantizes = true;
  add.requant = {{1}, -1, false, 3, -127, 127};
  b.m.layers.push_back(add);
  IntLayer mul;
  mul.op = LayerOp::Mul;
  mul.name = "gate";
  mul.source_op = "Mul";
  mul.inputs = {b.last(), skip};
  mul.shape = b.shape();
  mul.scale = 0.3;
  mul.requantizes = true;
  mul.requant = {{5}, -1, false, 7, -127, 127};
  b.m.layers.push_back(mul);
  IntLayer bn;
  bn.op = LayerOp::Mul;
  bn.name = "bn";
  bn.source_op = "BatchNormalization";
  bn.inputs = {b.last()};
  bn.shape = b.shape();
  bn.scale = 0.3;
  bn.weights = {{2, 1, 1}, {7, -3}};
  bn.bias = {{1, 2, 5, 5}, std::vector<int64_t>(50)};
  for (size_t i = 0; i < 50; ++i) bn.bias.data[i] = i < 25 ? 40 : -90;
  bn.requantizes = true;
  bn.requant = {{9}, -1, false, 5, -127, 127};
  b.m.layers.push_back(bn);
  return b.finish();
}

TEST(Elementwise, ResidualAddProductAndScaleRoundTrip) {
  std::mt19937_64 rng(29);
  const IntModel m = residual_model(rng);
  auto spec = extract_spec(m, nullptr, nullptr);
  ASSERT_TRUE(spec.ok()) << spec.error();
  ASSERT_EQ(spec->layers.size(), 5u);
  EXPECT_EQ(spec->layers[2].kind, LayerKind::add);
  EXPECT_EQ(spec->layers[2].inputs, (std::vector<int32_t>{1, 0}));
  EXPECT_TRUE(spec->layers[4].constant_factor && spec->layers[4].constant_term);
  expect_round_trip(m, rng);
}

TEST(Elementwise, CheatsOnEachElementwiseLayerAreRejected) {
  std::mt19937_64 rng(30);
  const IntModel m = residual_model(rng);
  auto pk = setup(m);
  ASSERT_TRUE(pk.ok()) << pk.error();
  const auto input = random_input(rng, 50);
  auto reject = [&](const ProverHooks& hooks) { return rejection(*pk, 1, input, hooks); };
  // An output that is not the layer's function of its inputs fails that layer's own identity.
  EXPECT_EQ(reject({[](Witness& w) { w.layers[2].y[0] += 1; }, {}}),
            "layer 2 (residual): add: the accumulator does not match the inputs");
  EXPECT_EQ(reject({[](Witness& w) { w.layers[3].y[6] -= 1; }, {}}),
            "layer 3 (gate): product sum-check: final evaluation mismatch");
  EXPECT_EQ(reject({[](Witness& w) { w.layers[4].y[9] += 1; }, {}}),
            "layer 4 (bn): product sum-check: final evaluation mismatch");
  pk->biases[4][0] += 1;  // the prover computes with another BatchNorm offset than the committed one
  EXPECT_EQ(reject({}).rfind("opening: ", 0), 0u);
}

// model::pad kept out of line (inlined, it trips GCC 12's -Wfree-nonheap-object false positive).
[[gnu::noinline]] model::IntTensor pad_tensor_of(const model::IntTensor& t, const std::vector<int64_t>& pads,
                                                 model::PadMode mode) {
  return model::pad<int64_t>(t, pads, mode, 0);
}

// Data movement: Concat (of a conv output and the input), reflect Pad, Transpose, strided Slice,
// Gather and a constant Pad, proven as rewirings.
IntModel rewiring_model(std::mt19937_64& rng) {
  CnnBuilder b(rng, 1, {1, 2, 3, 4});
  b.conv(2, 3, 1, 1, 1, 1, false);
  auto add = [&](IntLayer layer, std::vector<int> inputs, model::IntTensor shaped) {
    layer.inputs = std::move(inputs);
    layer.shape = shaped.shape;
    layer.scale = 0.05;
    b.m.layers.push_back(std::move(layer));
  };
  auto index_tensor = [&](const model::Shape& shape) {
    return model::IntTensor{shape, std::vector<int64_t>(static_cast<size_t>(model::numel(shape)), 0)};
  };
  IntLayer concat;
  concat.op = LayerOp::Concat;
  concat.name = "concat";
  concat.source_op = "Concat";
  concat.axis = 1;
  const auto a = index_tensor(b.shape()), x = index_tensor(b.m.layers[0].shape);
  add(concat, {b.last(), 0}, model::concat<int64_t>({&a, &x}, 1));
  IntLayer pad;
  pad.op = LayerOp::Pad;
  pad.name = "pad_reflect";
  pad.source_op = "Pad";
  pad.pads = {0, 0, 1, 1, 0, 0, 1, 1};
  pad.pad_mode = model::PadMode::Reflect;
  add(pad, {b.last()}, pad_tensor_of(index_tensor(b.shape()), pad.pads, pad.pad_mode));
  IntLayer transpose;
  transpose.op = LayerOp::Transpose;
  transpose.name = "transpose";
  transpose.source_op = "Transpose";
  transpose.perm = {0, 1, 3, 2};
  add(transpose, {b.last()}, model::transpose<int64_t>(index_tensor(b.shape()), transpose.perm));
  IntLayer slice;
  slice.op = LayerOp::Slice;
  slice.name = "slice";
  slice.source_op = "Slice";
  slice.starts = {0, 1, 0, 1};
  slice.steps = {1, 2, 1, 2};
  add(slice, {b.last()}, index_tensor({1, 2, b.shape()[2], (b.shape()[3] - 1 + 1) / 2}));
  IntLayer gather;
  gather.op = LayerOp::Gather;
  gather.name = "gather";
  gather.source_op = "Gather";
  gather.axis = 2;
  gather.indices = {0, 5, 2};
  gather.index_shape = {3};
  add(gather, {b.last()}, model::gather<int64_t>(index_tensor(b.shape()), 2, gather.indices, gather.index_shape));
  IntLayer constant_pad;
  constant_pad.op = LayerOp::Pad;
  constant_pad.name = "pad_constant";
  constant_pad.source_op = "Pad";
  constant_pad.pads = {0, 1, 0, 2, 0, 0, 1, 0};
  constant_pad.pad_value = -9;
  add(constant_pad, {b.last()}, pad_tensor_of(index_tensor(b.shape()), constant_pad.pads, model::PadMode::Constant));
  b.flatten();
  b.dense(3);
  return b.finish();
}

TEST(Rewire, ConcatPadTransposeSliceGatherRoundTrip) {
  std::mt19937_64 rng(31);
  const IntModel m = rewiring_model(rng);
  auto spec = extract_spec(m, nullptr, nullptr);
  ASSERT_TRUE(spec.ok()) << spec.error();
  for (size_t l = 1; l <= 6; ++l) EXPECT_EQ(spec->layers[l].kind, LayerKind::rewire) << l;
  EXPECT_EQ(spec->layers[1].inputs, (std::vector<int32_t>{0, -1}));
  expect_round_trip(m, rng);
}

TEST(Rewire, MovedValueIsRejected) {
  std::mt19937_64 rng(32);
  const IntModel m = rewiring_model(rng);
  auto pk = setup(m);
  ASSERT_TRUE(pk.ok()) << pk.error();
  const auto input = random_input(rng, 24);
  for (size_t l = 1; l <= 6; ++l) {
    const ProverHooks hooks{[l](Witness& w) {
                              auto& y = w.layers[l].y;
                              std::swap(y[0], y[1]);
                              y[1] += y[0] == y[1] ? 1 : 0;
                            },
                            {}};
    auto proof = prove(*pk, 1, input, &hooks);
    ASSERT_TRUE(proof.ok()) << proof.error();
    auto verdict = verify(pk->vk, *proof);
    ASSERT_FALSE(verdict.ok()) << l;
    EXPECT_EQ(verdict.error().rfind("layer " + std::to_string(l) + " (", 0), 0u) << verdict.error();
    EXPECT_NE(verdict.error().find("rewiring"), std::string::npos) << verdict.error();
  }
}

// An IntLayer `op` (from ONNX `source_op`) reading layer `input` of `m`, with its shape and scale.
IntLayer layer_reading(const IntModel& m, int input, LayerOp op, const std::string& name, const std::string& source_op) {
  IntLayer layer;
  layer.op = op;
  layer.name = name;
  layer.source_op = source_op;
  layer.inputs = {input};
  layer.shape = m.layers[static_cast<size_t>(input)].shape;
  layer.scale = m.layers[static_cast<size_t>(input)].scale;
  return layer;
}

// A Softmax over (outer, length, inner) as the quantizer lowers it (model/quantize.cpp): the exp
// table E[d + 2Q] = round(e^(d s_x) 2^20) for d in [-2Q, 0], outputs in [0, Q] at scale 1/Q.
void add_softmax(CnnBuilder& b, int64_t outer, int64_t length, int64_t inner) {
  IntLayer sm = layer_reading(b.m, b.last(), LayerOp::Softmax, "softmax", "Softmax");
  sm.scale = 1.0 / static_cast<double>(b.q);
  sm.softmax_outer = outer;
  sm.softmax_length = length;
  sm.softmax_inner = inner;
  sm.softmax_output_max = b.q;
  sm.table_offset = -2 * b.q;
  const double sx = b.m.layers.back().scale;
  for (int64_t d = -2 * b.q; d <= 0; ++d)
    sm.table.push_back(static_cast<int64_t>(std::llround(std::ldexp(std::exp(static_cast<double>(d) * sx), 20))));
  b.m.layers.push_back(sm);
}

TEST(Softmax, RowsAlongEachAxisRoundTrip) {
  std::mt19937_64 rng(41);
  for (int64_t batch : {1, 3}) {  // batch 3: a row of padding in the batch
    CnnBuilder b(rng, batch, {1, 7});
    b.dense(5);
    add_softmax(b, batch, 5, 1);  // [B, 5] over the features: the channel axis
    b.dense(3);
    const IntModel m = b.finish();
    auto spec = extract_spec(m, nullptr, nullptr);
    ASSERT_TRUE(spec.ok()) << spec.error();
    EXPECT_EQ(spec->layers[1].kind, LayerKind::softmax);
    EXPECT_EQ(spec->layers[1].row_axis, RowAxis::c);
    expect_round_trip(m, rng);
  }
  struct Case {
    int64_t outer_per_example, length, inner;
    RowAxis axis;
  };
  // A 3 x 5 x 6 conv output: softmax over C (opset 13, inner H W), over H and over W.
  for (const Case& c : {Case{1, 3, 30, RowAxis::c}, Case{3, 5, 6, RowAxis::h}, Case{15, 6, 1, RowAxis::w}}) {
    CnnBuilder b(rng, 2, {1, 2, 5, 6});
    b.conv(3, 3, 1, 1, 1, 1, false);
    add_softmax(b, 2 * c.outer_per_example, c.length, c.inner);
    b.conv(2, 2, 1, 1, 0, 1, false);  // the next layer reads the probabilities
    const IntModel m = b.finish();
    auto spec = extract_spec(m, nullptr, nullptr);
    ASSERT_TRUE(spec.ok()) << spec.error();
    EXPECT_EQ(spec->layers[1].row_axis, c.axis);
    expect_round_trip(m, rng);
  }
}

TEST(Softmax, RowsAcrossSeveralAxesAreRefused) {
  std::mt19937_64 rng(42);
  CnnBuilder b(rng, 1, {1, 2, 3, 4});
  add_softmax(b, 1, 24, 1);  // opset < 13: rows flattened from axis 1
  auto pk = setup(b.finish());
  ASSERT_FALSE(pk.ok());
  EXPECT_EQ(pk.error(), "layer 'softmax' (Softmax from Softmax): not provable yet: its rows do not run along one axis of the [batch, C, H, W] layout");
}

// A cheating prover on dense -> softmax -> dense, batch 3 (rows of padding in the batch).
struct SoftmaxCheat : ::testing::Test {
  std::mt19937_64 rng{43};
  IntModel m = [this] {
    CnnBuilder b(rng, 3, {1, 6});
    b.dense(5);
    add_softmax(b, 3, 5, 1);
    b.dense(4);
    return b.finish();
  }();
  Result<ProvingKey> pk = setup(m);
  std::vector<int64_t> input = random_input(rng, 18);
  static constexpr size_t kRow = 8;  // padded row of 5

  void SetUp() override { ASSERT_TRUE(pk.ok()) << pk.error(); }
  std::string reject(const ProverHooks& hooks) { return rejection(*pk, 3, input, hooks); }
  const Layer& softmax() const { return pk->vk.spec.layers[1]; }
  // Recomputes e, the row sum, y, r and the room of batch row b from its gaps (the rest of an
  // honest witness for those gaps).
  void redivide(LayerWitness& l, size_t b) const {
    int64_t sum = 0;
    for (size_t j = 0; j < 5; ++j) sum += l.exp[b * kRow + j] = softmax().table[static_cast<size_t>(l.gap[b * kRow + j])];
    for (size_t j = 0; j < 5; ++j) {
      const size_t i = b * kRow + j;
      const int64_t numerator = 2 * softmax().hi * l.exp[i] + sum;
      l.y[i] = numerator / (2 * sum);
      l.r[i] = numerator - l.y[i] * 2 * sum;
      l.room[i] = 2 * sum - 1 - l.r[i];
    }
  }
  static size_t picked(const LayerWitness& l, size_t b) {
    size_t j = 0;
    while (l.pick[b * kRow + j] == 0) ++j;
    return j;
  }
};

TEST_F(SoftmaxCheat, HonestProofVerifies) {
  auto proof = prove(*pk, 3, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_TRUE(verify_bytes(pk->vk, proof->to_bytes(), input).ok());
}

TEST_F(SoftmaxCheat, ChangedOutputFailsTheDivision) {
  const std::string reason = reject({[](Witness& w) {
                                       auto& y = w.layers[1].y;
                                       y[9] = y[9] == 0 ? 1 : y[9] - 1;
                                     },
                                     {}});
  EXPECT_EQ(reason, "layer 1 (softmax): softmax division sum-check: final evaluation mismatch");
}

TEST_F(SoftmaxCheat, RemainderOutsideItsRangeFailsTheRangeCheck) {
  // y one more with r = r - 2s (consistent division, r < 0) and the room 2s - 1 - r.
  const std::string reason = reject({[](Witness& w) {
                                       auto& l = w.layers[1];
                                       const int64_t two_s = l.r[2] + l.room[2] + 1;
                                       l.y[2] += 1;
                                       l.r[2] -= two_s;
                                       l.room[2] += two_s;
                                     },
                                     {}});
  EXPECT_EQ(reason.rfind("range check: ", 0), 0u) << reason;
}

TEST_F(SoftmaxCheat, GapInconsistentWithTheInputFailsTheGapCheck) {
  const std::string reason = reject({[this](Witness& w) {
                                       auto& l = w.layers[1];
                                       const size_t j = picked(l, 1) == 0 ? 1 : 0;
                                       l.gap[kRow + j] += 1;  // a valid table row, D != m - x
                                       redivide(l, 1);
                                     },
                                     {}});
  EXPECT_EQ(reason, "layer 1 (softmax): softmax: the gaps do not match the row maximum");
}

TEST_F(SoftmaxCheat, MaximumTooHighFailsTheZeroCheck) {
  // m + 1 with every gap + 1: consistent, but the picked gap is 1.
  const std::string reason = reject({[this](Witness& w) {
                                       auto& l = w.layers[1];
                                       l.row_max[2] += 1;
                                       for (size_t j = 0; j < 5; ++j) l.gap[2 * kRow + j] += 1;
                                       redivide(l, 2);
                                     },
                                     {}});
  EXPECT_EQ(reason, "layer 1 (softmax): softmax zero-check: final evaluation mismatch (a pick is not 0/1, off the grid or not at a maximum, or an output is nonzero off the grid)");
}

TEST_F(SoftmaxCheat, MaximumTooLowFailsTheExpLookup) {
  // m - 1 with every gap - 1: the maximum's gap is -1, outside the table.
  const std::string reason = reject({[this](Witness& w) {
                                       auto& l = w.layers[1];
                                       l.row_max[0] -= 1;
                                       for (size_t j = 0; j < 5; ++j) l.gap[j] -= 1;
                                       l.exp[picked(l, 0)] = softmax().table[0];
                                     },
                                     {}});
  EXPECT_EQ(reason.rfind("layer 1 (softmax): softmax exp table ", 0), 0u) << reason;
}

TEST_F(SoftmaxCheat, ExpValueOffTheTableFailsTheLookup) {
  const std::string reason = reject({[](Witness& w) {
                                       auto& l = w.layers[1];
                                       l.exp[3] += 1;
                                     },
                                     {}});
  EXPECT_EQ(reason.rfind("layer 1 (softmax): softmax exp table ", 0), 0u) << reason;
}

TEST_F(SoftmaxCheat, SecondPickFailsThePickSum) {
  const std::string reason = reject({[this](Witness& w) {
                                       auto& l = w.layers[1];
                                       l.pick[kRow + (picked(l, 1) + 1) % 5] = 1;
                                     },
                                     {}});
  EXPECT_EQ(reason, "layer 1 (softmax): softmax: the picks do not sum to one per row");
}

TEST_F(SoftmaxCheat, OutputOnThePaddingFailsTheZeroCheck) {
  // Batch row 3 is padding (B' = 4): its row sum is 0, so only the zero-check sees y there.
  const std::string reason = reject({[](Witness& w) { w.layers[1].y[3 * kRow + 1] = 1; }, {}});
  EXPECT_EQ(reason, "layer 1 (softmax): softmax zero-check: final evaluation mismatch (a pick is not 0/1, off the grid or not at a maximum, or an output is nonzero off the grid)");
}

TEST_F(SoftmaxCheat, TamperedSentValuesAreRejected) {
  auto honest = prove(*pk, 3, input);
  ASSERT_TRUE(honest.ok()) << honest.error();
  auto tampered = [&](const std::function<void(LayerProof&)>& change) {
    Proof proof = *honest;
    change(proof.layers[1]);
    auto verdict = verify(pk->vk, proof);
    return verdict.ok() ? std::string() : verdict.error();
  };
  EXPECT_EQ(tampered([](LayerProof& lp) { lp.row_max_eval += E::one(); }),
            "layer 1 (softmax): softmax: the gaps do not match the row maximum");
  EXPECT_EQ(tampered([](LayerProof& lp) { lp.row_evals[1] += E::one(); }),
            "layer 1 (softmax): softmax: the picks do not sum to one per row");
  EXPECT_EQ(tampered([](LayerProof& lp) { lp.row_evals[0] += E::one(); }),
            "layer 1 (softmax): softmax: the remainder bounds do not match the row sums");
  EXPECT_EQ(tampered([](LayerProof& lp) { lp.operand_evals[1] += E::one(); }),
            "layer 1 (softmax): softmax division sum-check: final evaluation mismatch");
  EXPECT_EQ(tampered([](LayerProof& lp) { lp.zero_check_evals[2] += E::one(); }),
            "layer 1 (softmax): softmax zero-check: final evaluation mismatch (a pick is not 0/1, off the grid or not at a maximum, or an output is nonzero off the grid)");
  EXPECT_EQ(tampered([](LayerProof& lp) { lp.input_eval += E::one(); }),
            "layer 1 (softmax): softmax: the gaps do not match the row maximum");
  EXPECT_EQ(tampered([](LayerProof& lp) { lp.requant_evals[3] += E::one(); }).rfind("layer 1 (softmax): softmax division ", 0), 0u);
  EXPECT_EQ(tampered([](LayerProof& lp) { lp.lookup.witness_evaluations[0][1] += E::one(); }).rfind("layer 1 (softmax): softmax exp table ", 0), 0u);
  const auto bytes = honest->to_bytes();
  testing::expect_flips_and_truncations_rejected(pk->vk, bytes, sanitized() ? 30 : 150);
}

TEST_F(SoftmaxCheat, KeyDecoderChecksTheSoftmaxFields) {
  auto decode_error = [&](const std::function<void(Layer&)>& change) {
    VerifyingKey vk = pk->vk;
    change(vk.spec.layers[1]);
    auto decoded = VerifyingKey::from_bytes(vk.to_bytes());
    return decoded.ok() ? std::string() : decoded.error();
  };
  EXPECT_EQ(decode_error([](Layer&) {}), "");
  EXPECT_EQ(decode_error([](Layer& l) { l.row_axis = static_cast<RowAxis>(3); }), "key: bad softmax axis");
  EXPECT_EQ(decode_error([](Layer& l) { l.hi = 0; }), "key: softmax output range out of bounds");
  EXPECT_EQ(decode_error([](Layer& l) { l.hi = 128; }), "key: softmax output range out of bounds");
  EXPECT_EQ(decode_error([](Layer& l) { l.table.pop_back(); }), "key: the table does not match its input range");
  EXPECT_EQ(decode_error([](Layer& l) { l.table[4] = -1; }), "key: exp table value out of range");
  EXPECT_EQ(decode_error([](Layer& l) { l.table[4] = (int64_t{1} << 24) + 1; }), "key: exp table value out of range");
  EXPECT_EQ(decode_error([](Layer& l) { l.table[0] = 0; }), "key: the exp table maps the gap 0 to 0");
  EXPECT_EQ(decode_error([](Layer& l) { l.out = l.in = {5, 1, 2}; }), "key: layer 'softmax' does not fit its input");
  const auto bytes = pk->vk.to_bytes();
  for (size_t n = 0; n < bytes.size(); n += 7) EXPECT_FALSE(VerifyingKey::from_bytes(std::span(bytes).first(n)).ok()) << n;
}

TEST(Softmax, KeyDecoderBoundsTheDivision) {
  // 16 bits, rows of 2^22 and exp values of 2^24: 2 Q L max E alone is 2^62.
  VerifyingKey vk;
  vk.spec.bits = 16;
  vk.spec.input_bound = (1 << 15) - 1;
  vk.spec.input = {1u << 22, 1, 1};
  vk.spec.inputs = {{vk.spec.input, 1}};
  vk.spec.outputs = {0};
  Layer sm;
  sm.kind = LayerKind::softmax;
  sm.name = "softmax";
  sm.inputs = {-1};
  sm.in = sm.out = vk.spec.input;
  sm.hi = vk.spec.input_bound;
  sm.table.assign(2 * static_cast<size_t>(vk.spec.input_bound) + 1, int64_t{1} << 24);
  vk.spec.layers.push_back(sm);
  auto decoded = VerifyingKey::from_bytes(vk.to_bytes());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error(), "key: the softmax division range is too wide for the field");
  vk.spec.layers[0].out = vk.spec.layers[0].in = vk.spec.input = vk.spec.inputs[0].shape = {1u << 10, 1, 1};
  EXPECT_TRUE(VerifyingKey::from_bytes(vk.to_bytes()).ok());
}

// Gather along a leading axis of size 1 (the model runs one example at a time): taking its only
// entry is the example itself.
IntModel gathered_model(std::mt19937_64& rng, int64_t batch, bool scalar_index) {
  CnnBuilder b(rng, batch, {1, 2, 4, 4});
  b.conv(3, 3, 1, 1, 1, 1, false);
  IntLayer gather = layer_reading(b.m, b.last(), LayerOp::Gather, "/Gather", "Gather");
  gather.axis = 0;
  gather.indices = {0};
  if (!scalar_index) gather.index_shape = {1};
  if (scalar_index) gather.shape.erase(gather.shape.begin());
  b.m.layers.push_back(gather);
  return b.finish();
}

TEST(BatchGather, TheOnlyExampleOfALeadingAxisOfSizeOneRoundTrips) {
  std::mt19937_64 rng(44);
  for (bool scalar : {true, false}) {
    const IntModel m = gathered_model(rng, 1, scalar);
    auto spec = extract_spec(m, nullptr, nullptr);
    ASSERT_TRUE(spec.ok()) << spec.error();
    EXPECT_EQ(spec->layers.size(), 1u);  // the Gather aliases the conv's output
    expect_round_trip(m, rng);
  }
}

TEST(BatchGather, AReluAfterItFusesOnlyWhenNothingElseReadsTheGatheredLayer) {
  std::mt19937_64 rng(46);
  IntModel m = gathered_model(rng, 1, false);  // input, conv, Gather (one index: keeps the axis)
  m.layers.push_back(layer_reading(m, 2, LayerOp::Relu, "relu", "Relu"));
  IntLayer add = layer_reading(m, 3, LayerOp::Add, "residual", "Add");
  add.inputs = {3, 1};  // relu(gather(conv)) and the conv itself
  add.input_multipliers = {3, -5};
  add.requantizes = true;
  add.requant = {{1}, -1, false, 3, -127, 127};
  m.layers.push_back(add);
  m.output_layers = {4};
  auto spec = extract_spec(m, nullptr, nullptr);
  ASSERT_TRUE(spec.ok()) << spec.error();
  EXPECT_FALSE(spec->layers[0].relu);  // the Add reads the conv's values before the ReLU
  EXPECT_EQ(spec->layers[1].kind, LayerKind::table);
  expect_round_trip(m, rng);
}

TEST(BatchGather, OtherGathersAlongTheBatchAxisAreRefused) {
  std::mt19937_64 rng(45);
  auto pk = setup(gathered_model(rng, 2, true));
  ASSERT_FALSE(pk.ok());
  EXPECT_EQ(pk.error(), "layer '/Gather' (Gather from Gather): not provable yet: gathering along the batch axis (of size 2: the output mixes examples)");
  IntModel m = gathered_model(rng, 1, false);
  m.layers.back().indices = {0, 0};
  m.layers.back().index_shape = {2};
  pk = setup(m);
  ASSERT_FALSE(pk.ok());
  EXPECT_EQ(pk.error(), "layer '/Gather' (Gather from Gather): not provable yet: gathering along the batch axis with several indices");
  m = gathered_model(rng, 1, true);
  m.layers.push_back(layer_reading(m, static_cast<int>(m.layers.size() - 1), LayerOp::Relu, "relu", "Relu"));
  m.output_layers = {static_cast<int>(m.layers.size() - 1)};
  pk = setup(m);
  ASSERT_FALSE(pk.ok());
  EXPECT_EQ(pk.error(), "layer 'relu' (Relu from Relu): not provable yet: it reads a Gather's output that has no batch axis");
}

// Every EZKL example whose layers are provable: setup, prove and verify, and the proven outputs
// are the integer engine's. Examples with other layers must be refused at setup with a reason;
// today every example that quantizes proves, idolmodel (2 inputs, 2 outputs) and rounding_ops
// (3 inputs, 3 outputs) included.
std::filesystem::path ezkl_examples_root() {
  return std::filesystem::path(ZKINFER_SOURCE_DIR) / ".." / "shared" / "ezkl-examples";
}

// An EZKL example's quantized model and inputs (nullopt: no model, or not quantizable here).
struct EzklExample {
  IntModel m;
  std::vector<std::vector<double>> inputs;
};
std::optional<EzklExample> load_ezkl_example(const std::filesystem::path& dir) {
  const auto model_path = dir / "network.onnx";
  if (!std::filesystem::exists(model_path)) return std::nullopt;
  auto inputs = model::read_inputs((dir / "input.json").string());
  if (!inputs) return std::nullopt;
  auto m = quantize_onnx(model_path.string(), &*inputs, 8);
  if (!m) return std::nullopt;
  return EzklExample{std::move(*m), std::move(*inputs)};
}

// Proves the example on its inputs (the model's own batch: its shapes fix it for the integer
// engine's Reshapes), checks the outputs against the integer engine and verifies the proof bytes
// under the key as a verifier loads it; true when verified.
bool prove_and_verify_example(const ProvingKey& pk, EzklExample ex) {
  const auto batch = static_cast<uint32_t>(ex.m.layers[0].shape[0]);
  EXPECT_EQ(ex.inputs.size(), pk.vk.spec.inputs.size());
  for (size_t k = 0; k < ex.inputs.size() && k < pk.vk.spec.inputs.size(); ++k) {
    EXPECT_GE(ex.inputs[k].size(), batch * pk.vk.spec.inputs[k].shape.size());
    ex.inputs[k].resize(batch * pk.vk.spec.inputs[k].shape.size());
  }
  auto input = quantize_input(pk.vk.spec, ex.inputs);
  EXPECT_TRUE(input.ok()) << input.error();
  if (!input) return false;
  auto proof = prove(pk, batch, *input);
  EXPECT_TRUE(proof.ok()) << proof.error();
  if (!proof) return false;
  EXPECT_EQ(proof->output, testing::engine_outputs(ex.m, pk.vk.spec, batch, *input));
  auto vk = VerifyingKey::from_bytes(pk.vk.to_bytes());
  EXPECT_TRUE(vk.ok()) << vk.error();
  if (!vk) return false;
  auto verified = verify_bytes(*vk, proof->to_bytes(), *input);
  EXPECT_TRUE(verified.ok()) << verified.error();
  return verified.ok();
}

TEST(EzklExamples, SetupProveVerifyEveryProvableExample) {
  const std::filesystem::path root = ezkl_examples_root();
  if (!std::filesystem::is_directory(root)) GTEST_SKIP() << "no EZKL examples at " << root;
  int proven = 0, total = 0;
  std::vector<std::string> proven_names;
  std::vector<std::filesystem::path> dirs;
  for (const auto& entry : std::filesystem::directory_iterator(root)) dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  for (const auto& dir : dirs) {
    auto ex = load_ezkl_example(dir);
    if (!ex) continue;
    ++total;
    SCOPED_TRACE(dir.filename().string());
    auto pk = setup(ex->m);
    if (!pk) {
      EXPECT_FALSE(pk.error().empty());
      std::cout << dir.filename().string() << ": " << pk.error() << "\n";
      continue;
    }
    if (sanitized() && pk->vk.spec.layers.size() > 4) continue;
    const bool verified = prove_and_verify_example(*pk, std::move(*ex));
    proven += verified;
    if (verified) proven_names.push_back(dir.filename().string());
    std::cout << dir.filename().string() << ": proven (" << pk->vk.spec.layers.size() << " layers)\n";
  }
  std::cout << "EZKL examples: " << proven << " of " << total << " quantized examples proven\n";
  if (sanitized()) return;  // larger models are skipped there
  EXPECT_EQ(proven, total);
  for (const char* name : {"idolmodel", "rounding_ops"}) {
    if (std::filesystem::is_directory(root / name)) {
      EXPECT_NE(std::find(proven_names.begin(), proven_names.end(), name), proven_names.end()) << name;
    }
  }
}

// ---- Zero-knowledge mode: elementwise and pooling layers ----------------------------------------

Result<ProvingKey> setup_zk(const IntModel& m, Visibilities vis = {}) {
  return setup(m, ParamsPreset::conjectured, vis, true);
}

// Dense layers around every elementwise form: an add reading the public model input, a residual
// add of two activations, a product of two activations, and a per-feature scale with offset.
IntModel zk_elementwise_model(std::mt19937_64& rng, int64_t batch) {
  CnnBuilder b(rng, batch, {batch, 6});
  b.dense(6);
  b.m.layers.back().name = "fc1";
  b.relu();
  IntLayer in_add;
  in_add.op = LayerOp::Add;
  in_add.name = "input_add";
  in_add.source_op = "Add";
  in_add.inputs = {b.last(), 0};
  in_add.shape = b.shape();
  in_add.scale = 0.2;
  in_add.input_multipliers = {2, 1};
  in_add.requantizes = true;
  in_add.requant = {{1}, -1, false, 3, -127, 127};
  b.m.layers.push_back(in_add);
  b.dense(5);
  b.m.layers.back().name = "fc2";
  const int skip = b.last();
  b.dense(5);
  b.m.layers.back().name = "fc3";
  IntLayer add = in_add;
  add.name = "residual";
  add.inputs = {b.last(), skip};
  add.shape = b.shape();
  add.input_multipliers = {3, -5};
  b.m.layers.push_back(add);
  IntLayer mul;
  mul.op = LayerOp::Mul;
  mul.name = "gate";
  mul.source_op = "Mul";
  mul.inputs = {b.last(), skip};
  mul.shape = b.shape();
  mul.scale = 0.3;
  mul.requantizes = true;
  mul.requant = {{5}, -1, false, 7, -127, 127};
  b.m.layers.push_back(mul);
  IntLayer scale = mul;
  scale.name = "scale";
  scale.inputs = {b.last()};
  scale.weights = {{1, 5}, {7, -3, 2, 5, -6}};
  scale.bias = {{1, 5}, {40, -90, 3000, -20000, 7}};
  scale.requant = {{9}, -1, false, 5, -127, 127};
  b.m.layers.push_back(scale);
  return b.finish();
}

// AveragePool with padding (per-position divisors) and a global average, on the public input.
IntModel zk_pool_model(std::mt19937_64& rng, int64_t batch) {
  CnnBuilder b(rng, batch, {batch, 2, 5, 5});
  b.pool(false, 3, 2, 1);
  b.pool(false, 3, 1, 0);
  return b.finish();
}

// Zero-knowledge proofs of every EZKL example whose layers have them (setup names the others);
// among them the pads, slices, reshapes and tables below. Under the sanitizers, two of them.
TEST(EzklExamples, ZeroKnowledgeProofsWhereSupported) {
  const std::filesystem::path root = ezkl_examples_root();
  if (!std::filesystem::is_directory(root)) GTEST_SKIP() << "no EZKL examples at " << root;
  std::vector<std::filesystem::path> dirs;
  if (sanitized()) {
    dirs = {root / "1l_pad", root / "1l_sigmoid"};
  } else {
    for (const auto& entry : std::filesystem::directory_iterator(root)) dirs.push_back(entry.path());
    std::sort(dirs.begin(), dirs.end());
  }
  std::vector<std::string> proven;
  for (const auto& dir : dirs) {
    SCOPED_TRACE(dir.filename().string());
    auto ex = load_ezkl_example(dir);
    if (!ex) continue;
    auto pk = setup_zk(ex->m);
    if (!pk) {
      EXPECT_NE(pk.error().find("zero-knowledge proofs"), std::string::npos) << pk.error();
      std::cout << dir.filename().string() << ": " << pk.error() << "\n";
      continue;
    }
    if (prove_and_verify_example(*pk, std::move(*ex))) proven.push_back(dir.filename().string());
  }
  std::cout << "EZKL examples: " << proven.size() << " proven in zero knowledge\n";
  if (sanitized()) return;
  for (const char* name : {"1l_pad", "1l_slice", "1l_reshape", "1l_sigmoid", "1l_tanh", "1l_prelu", "1l_leakyrelu",
                           "2l_relu_sigmoid_conv", "1l_softmax"}) {
    if (std::filesystem::is_directory(root / name)) {
      EXPECT_NE(std::find(proven.begin(), proven.end(), name), proven.end()) << name;
    }
  }
}

void expect_zk_round_trip(const IntModel& m, std::mt19937_64& rng, Visibilities vis = {}) {
  auto pk = setup_zk(m, vis);
  ASSERT_TRUE(pk.ok()) << pk.error();
  ASSERT_TRUE(pk->vk.spec.zero_knowledge);
  const auto batch = static_cast<uint32_t>(m.layers[0].shape[0]);
  const auto input = random_input(rng, static_cast<size_t>(model::numel(m.layers[0].shape)));
  auto proof = prove(*pk, batch, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  if (vis.output_shown()) EXPECT_EQ(proof->output, reference_outputs(m, input));
  else EXPECT_TRUE(proof->output.empty());
  const auto expected_input =
      vis.input_shown() ? std::optional(std::span<const int64_t>(input)) : std::nullopt;
  auto verified = verify_bytes(pk->vk, proof->to_bytes(), expected_input);
  ASSERT_TRUE(verified.ok()) << verified.error();
  auto vk = VerifyingKey::from_bytes(pk->vk.to_bytes());
  ASSERT_TRUE(vk.ok()) << vk.error();
  EXPECT_TRUE(verify_bytes(*vk, proof->to_bytes()).ok());
}

// No private value (weights, biases, accumulators, pre-clamp values, remainders, softmax exp
// values and rooms) with a distinctive encoding (testing::distinctive_encodings) appears in the
// proof bytes as its field element. The padding's remainder 2^(k-1) (of a zero accumulator) is
// public.
void expect_no_private_value(const ProvingKey& pk, uint32_t batch, const std::vector<int64_t>& input,
                             size_t at_least) {
  auto witness = compute_witness(pk, batch, input);
  ASSERT_TRUE(witness.ok()) << witness.error();
  std::vector<int64_t> secrets;
  for (const auto& w : pk.weights) secrets.insert(secrets.end(), w.begin(), w.end());
  for (const auto& b : pk.biases) secrets.insert(secrets.end(), b.begin(), b.end());
  for (size_t l = 0; l < witness->layers.size(); ++l) {
    const auto& lw = witness->layers[l];
    secrets.insert(secrets.end(), lw.acc.begin(), lw.acc.end());
    secrets.insert(secrets.end(), lw.t.begin(), lw.t.end());
    secrets.insert(secrets.end(), lw.exp.begin(), lw.exp.end());
    secrets.insert(secrets.end(), lw.room.begin(), lw.room.end());
    if (l + 1 < witness->layers.size() || !pk.vk.visibility.output_shown())
      secrets.insert(secrets.end(), lw.y.begin(), lw.y.end());
    if (lw.r.empty()) continue;
    const int64_t padding = int64_t{1} << (pk.vk.spec.layers[l].shift - 1);
    std::copy_if(lw.r.begin(), lw.r.end(), std::back_inserter(secrets), [padding](int64_t v) { return v != padding; });
  }
  const auto patterns = distinctive_encodings(secrets);
  ASSERT_GE(patterns.size(), at_least);
  auto proof = prove(pk, batch, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  const auto bytes = proof->to_bytes();
  EXPECT_EQ(occurrences(bytes, patterns), 0u);
}

// Two proofs of one inference share no sent value.
void expect_proofs_differ(const ProvingKey& pk, uint32_t batch, const std::vector<int64_t>& input) {
  auto a = prove(pk, batch, input), b = prove(pk, batch, input);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->output, b->output);
  for (size_t l = 0; l < a->layers.size(); ++l) {
    const LayerKind kind = pk.vk.spec.layers[l].kind;
    if (kind == LayerKind::rewire) {
      EXPECT_NE(a->layers[l].output_eval, b->layers[l].output_eval) << l;
      if (!a->layers[l].operand_evals.empty()) {
        EXPECT_NE(a->layers[l].operand_evals, b->layers[l].operand_evals) << l;
      }
      for (size_t k = 0; k < a->layers[l].private_input_sums.size(); ++k)
        EXPECT_NE(a->layers[l].private_input_sums[k].rounds, b->layers[l].private_input_sums[k].rounds) << l;
      continue;
    }
    if (kind == LayerKind::softmax) {
      EXPECT_NE(a->layers[l].output_sum, b->layers[l].output_sum) << l;
      EXPECT_NE(a->layers[l].private_channel_sum.rounds, b->layers[l].private_channel_sum.rounds) << l;
      EXPECT_NE(a->layers[l].private_channel_sum.evaluations, b->layers[l].private_channel_sum.evaluations) << l;
      EXPECT_NE(a->layers[l].private_zero_check.evaluations, b->layers[l].private_zero_check.evaluations) << l;
    }
    if (kind == LayerKind::table || kind == LayerKind::softmax) {
      for (size_t k = 0; k < a->layers[l].private_table_lookup.layers.size(); ++k)
        EXPECT_NE(a->layers[l].private_table_lookup.layers[k].evaluations,
                  b->layers[l].private_table_lookup.layers[k].evaluations) << l;
      continue;
    }
    if (pk.vk.spec.layers[l].kind == LayerKind::max_pool) {
      EXPECT_NE(a->layers[l].gap_eval, b->layers[l].gap_eval) << l;
      EXPECT_NE(a->layers[l].output_sum, b->layers[l].output_sum) << l;
      EXPECT_NE(a->layers[l].private_spatial_sum.rounds, b->layers[l].private_spatial_sum.rounds) << l;
    } else {
      EXPECT_NE(a->layers[l].requant_evals, b->layers[l].requant_evals) << l;
    }
    EXPECT_NE(a->layers[l].private_zero_check.evaluations, b->layers[l].private_zero_check.evaluations) << l;
    if (pk.vk.spec.layers[l].kind == LayerKind::add) EXPECT_NE(a->layers[l].operand_evals, b->layers[l].operand_evals) << l;
    else EXPECT_NE(a->layers[l].private_channel_sum.rounds, b->layers[l].private_channel_sum.rounds) << l;
  }
  EXPECT_TRUE(verify(pk.vk, *a).ok());
  EXPECT_TRUE(verify(pk.vk, *b).ok());
}

// Two proofs of one inference on a random input differ, and neither shows a private value.
void expect_zk_proofs_hide(const IntModel& m, std::mt19937_64& rng, size_t at_least, Visibilities vis = {}) {
  auto pk = setup_zk(m, vis);
  ASSERT_TRUE(pk.ok()) << pk.error();
  const auto batch = static_cast<uint32_t>(m.layers[0].shape[0]);
  const auto input = random_input(rng, static_cast<size_t>(model::numel(m.layers[0].shape)));
  expect_proofs_differ(*pk, batch, input);
  expect_no_private_value(*pk, batch, input, at_least);
}

TEST(ZkElementwise, RoundTripsMatchTheIntegerEngine) {
  std::mt19937_64 rng(61);
  for (int64_t batch : {1, 3}) {
    const IntModel m = zk_elementwise_model(rng, batch);
    auto spec = extract_spec(m, nullptr, nullptr);
    ASSERT_TRUE(spec.ok()) << spec.error();
    ASSERT_EQ(spec->layers.size(), 7u);
    EXPECT_EQ(spec->layers[1].kind, LayerKind::add);
    EXPECT_EQ(spec->layers[1].inputs, (std::vector<int32_t>{0, -1}));
    EXPECT_EQ(spec->layers[5].kind, LayerKind::mul);
    EXPECT_TRUE(spec->layers[6].constant_factor && spec->layers[6].constant_term);
    expect_zk_round_trip(m, rng);
    // A private input: the add and the first dense read it masked.
    expect_zk_round_trip(m, rng, {Visibility::is_private, Visibility::is_private, Visibility::is_private});
  }
}

TEST(ZkPool, RoundTripsMatchTheIntegerEngine) {
  std::mt19937_64 rng(62);
  for (int64_t batch : {1, 2}) {
    const IntModel m = zk_pool_model(rng, batch);
    expect_zk_round_trip(m, rng);
    expect_zk_round_trip(m, rng, {Visibility::is_private, Visibility::is_public, Visibility::is_private});
  }
}

TEST(ZkElementwise, ProofsDifferAndHideThePrivateValues) {
  std::mt19937_64 rng(63);
  expect_zk_proofs_hide(zk_elementwise_model(rng, 2), rng, 20);
}

TEST(ZkPool, ProofsDifferAndHideThePrivateValues) {
  std::mt19937_64 rng(64);
  expect_zk_proofs_hide(zk_pool_model(rng, 2), rng, 20,
                        {Visibility::is_private, Visibility::is_public, Visibility::is_private});
}

// The cheating-prover fixture of a zero-knowledge model: make(rng) from the seed, its key, an input
// of `inputs` values drawn next, and the rejection reason of a hooked prover at batch 1.
template <auto make, uint64_t seed, size_t inputs>
struct ZkModelCheat : ::testing::Test {
  std::mt19937_64 rng{seed};
  IntModel m = make(rng);
  Result<ProvingKey> pk = setup_zk(m);
  std::vector<int64_t> input = random_input(rng, inputs);

  void SetUp() override { ASSERT_TRUE(pk.ok()) << pk.error(); }
  std::string reject(const ProverHooks& hooks) { return rejection(*pk, 1, input, hooks); }
};

using ZkElementwiseCheat = ZkModelCheat<[](std::mt19937_64& r) { return zk_elementwise_model(r, 1); }, 65, 6>;

TEST_F(ZkElementwiseCheat, HonestProofVerifies) {
  auto proof = prove(*pk, 1, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_TRUE(verify(pk->vk, *proof).ok());
  EXPECT_TRUE(verify_bytes(pk->vk, proof->to_bytes()).ok());
}

TEST_F(ZkElementwiseCheat, AlteredActivationsAreRejected) {
  // An add's identity is a linear claim on the corners: it fails in the opening, unless a later
  // layer reading the output fails first. (An output off its clamp bounds, so that the zero-check
  // still holds.)
  const auto off_by_one = [](size_t l) {
    return [l](Witness& w) {
      auto& y = w.layers[l].y;
      *std::find_if(y.begin(), y.begin() + 5, [](int64_t v) { return v > -100 && v < 100; }) += 1;
    };
  };
  EXPECT_EQ(reject({off_by_one(1), {}}), "layer 2 (fc2): matrix-vector sum-check: final evaluation mismatch");
  EXPECT_EQ(reject({off_by_one(4), {}}).rfind("opening: ", 0), 0u);
  // A product's output that is not the product fails its private sum-check (a single term: the
  // prover's round 0 follows the claim, the final value does not).
  EXPECT_EQ(reject({[](Witness& w) { w.layers[5].y[3] -= 1; }, {}}),
            "layer 5 (gate): product sum-check: final evaluation mismatch");
  EXPECT_EQ(reject({[](Witness& w) { w.layers[6].y[1] += 1; }, {}}),
            "layer 6 (scale): product sum-check: final evaluation mismatch");
}

TEST_F(ZkElementwiseCheat, AlteredConstantsFailTheOpening) {
  pk->weights[6][1] += 1;  // c' of the scale
  EXPECT_EQ(reject({}).rfind("opening: ", 0), 0u);
  pk->weights[6][1] -= 1;
  pk->biases[6][0] += 1;  // b'
  EXPECT_EQ(reject({}).rfind("opening: ", 0), 0u);
}

TEST_F(ZkElementwiseCheat, TamperedSentValuesAreRejectedWithReason) {
  auto proof = prove(*pk, 1, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  const auto expect = [&](const Proof& p, const std::string& prefix) { testing::expect_rejected_with(pk->vk, p, prefix); };
  Proof p = *proof;
  ASSERT_EQ(p.layers[1].operand_evals.size(), 2u);
  p.layers[1].operand_evals[1] += E::one();  // the public input's value
  expect(p, "layer 1 (input_add): the input evaluation does not match the public input");
  p = *proof;
  // An add has no sum-check of its own: the next one (its zero-check) sees another transcript.
  p.layers[1].operand_evals[0] += E::one();
  expect(p, "layer 1 (input_add): zero-check private sumcheck: round 0");
  p = *proof;
  p.layers[4].requant_evals[0] += E::one();
  expect(p, "layer 4 (residual): zero-check private sumcheck: round 0");
  p = *proof;
  p.layers[5].requant_evals[1] += E::one();
  expect(p, "layer 5 (gate): product private sumcheck: round 0");
  p = *proof;
  p.layers[6].bias_eval += E::one();
  expect(p, "layer 6 (scale): product private sumcheck: round 0");
  p = *proof;
  ASSERT_EQ(p.layers[5].private_channel_sum.evaluations.size(), 2u);  // x_0, x_1
  ASSERT_EQ(p.layers[6].private_channel_sum.evaluations.size(), 2u);  // x_0, c'
  p.layers[5].private_channel_sum.evaluations[1] += E::one();
  expect(p, "layer 5 (gate): product sum-check: final evaluation mismatch");
  p = *proof;
  p.layers[6].private_channel_sum.evaluations[1] += E::one();
  expect(p, "layer 6 (scale): product sum-check: final evaluation mismatch");
  p = *proof;
  p.layers[6].private_channel_sum.masked_value += E::one();
  expect(p, "layer 6 (scale): product sum-check: final evaluation mismatch");
  p = *proof;
  p.layers[1].private_zero_check.evaluations[0] += E::one();
  expect(p, "layer 1 (input_add): zero-check: final evaluation mismatch");
  testing::expect_flips_and_truncations_rejected(pk->vk, proof->to_bytes(), sanitized() ? 20 : 100);
}

using ZkPoolCheat = ZkModelCheat<[](std::mt19937_64& r) { return zk_pool_model(r, 1); }, 66, 50>;

TEST_F(ZkPoolCheat, AlteredActivationsAreRejected) {
  auto proof = prove(*pk, 1, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_TRUE(verify(pk->vk, *proof).ok());
  EXPECT_EQ(reject({[](Witness& w) { w.layers[0].y[0] += 1; }, {}}),
            "layer 0 (avgpool1): pooling sum-check: final evaluation mismatch");
  EXPECT_EQ(reject({[](Witness& w) { w.layers[1].y[1] -= 1; }, {}}),
            "layer 1 (avgpool2): pooling sum-check: final evaluation mismatch");
}

TEST_F(ZkPoolCheat, TamperedSentValuesAreRejectedWithReason) {
  auto proof = prove(*pk, 1, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  const auto expect = [&](const Proof& p, const std::string& prefix) { testing::expect_rejected_with(pk->vk, p, prefix); };
  Proof p = *proof;
  ASSERT_EQ(p.layers[0].private_channel_sum.evaluations.size(), 0u);  // the public input
  ASSERT_EQ(p.layers[1].private_channel_sum.evaluations.size(), 1u);
  p.layers[1].requant_evals[0] += E::one();
  expect(p, "layer 1 (avgpool2): pooling private sumcheck: round 0");
  p = *proof;
  p.layers[1].private_channel_sum.evaluations[0] += E::one();
  expect(p, "layer 1 (avgpool2): pooling sum-check: final evaluation mismatch");
  p = *proof;
  p.layers[0].private_channel_sum.rounds[1][0] += E::one();
  expect(p, "layer 0 (avgpool1): pooling private sumcheck: round 1");
  p = *proof;
  p.layers[0].private_channel_sum.masked_value += E::one();
  expect(p, "layer 0 (avgpool1): pooling sum-check: final evaluation mismatch");
  testing::expect_flips_and_truncations_rejected(pk->vk, proof->to_bytes(), sanitized() ? 20 : 100);
}

// Convolutions (padding, stride, dilation, per-channel scales) into an average pool.
IntModel zk_conv_model(std::mt19937_64& rng, int64_t batch) {
  CnnBuilder b(rng, batch, {batch, 2, 6, 6});
  b.conv(3, 3, 1, 1, 1, 1, true);
  b.relu();
  b.conv(2, 3, 2, 2, 2, 1, false);
  b.conv(2, 2, 1, 1, 0, 1, true);
  b.pool(false, 2, 1, 0);
  return b.finish();
}

TEST(ZkConv, RoundTripsMatchTheIntegerEngine) {
  std::mt19937_64 rng(71);
  for (int64_t batch : {1, 2}) {
    const IntModel m = zk_conv_model(rng, batch);
    expect_zk_round_trip(m, rng);
    expect_zk_round_trip(m, rng, {Visibility::is_private, Visibility::is_private, Visibility::is_private});
  }
}

TEST(ZkConv, ConvBnOnnxModelInBothModes) {
  const std::string dir = std::string(ZKINFER_SOURCE_DIR) + "/tests/models/";
  auto inputs = model::read_inputs(dir + "conv_bn.json");
  ASSERT_TRUE(inputs.ok()) << inputs.error();
  auto m = quantize_onnx(dir + "conv_bn.onnx", &*inputs, 8);
  ASSERT_TRUE(m.ok()) << m.error();
  auto plain = setup(*m);
  auto zk = setup_zk(*m);
  ASSERT_TRUE(plain.ok()) << plain.error();
  ASSERT_TRUE(zk.ok()) << zk.error();
  auto input = quantize_input(zk->vk.spec, std::span<const std::vector<double>>(*inputs).first(1));
  ASSERT_TRUE(input.ok()) << input.error();
  const auto batch = static_cast<uint32_t>(input->size() / zk->vk.spec.input_features());
  auto zk_proof = prove(*zk, batch, *input), plain_proof = prove(*plain, batch, *input);
  ASSERT_TRUE(zk_proof.ok()) << zk_proof.error();
  ASSERT_TRUE(plain_proof.ok()) << plain_proof.error();
  EXPECT_EQ(zk_proof->output, plain_proof->output);
  auto verified = verify_bytes(zk->vk, zk_proof->to_bytes(), *input);
  ASSERT_TRUE(verified.ok()) << verified.error();
  std::cout << "conv_bn proof bytes: plain " << plain_proof->to_bytes().size() << ", zero-knowledge "
            << zk_proof->to_bytes().size() << "\n";
  expect_proofs_differ(*zk, batch, *input);
}

TEST(ZkConv, ProofsDifferAndHideThePrivateValues) {
  std::mt19937_64 rng(72);
  expect_zk_proofs_hide(zk_conv_model(rng, 2), rng, 50);
}

// Public weights in zero-knowledge proofs: the verifier evaluates every weight and bias table
// (conv, dense, per-channel requantization, mul by a constant, add of a constant, residual
// blocks, pools) from the verifying key; the activations stay hidden.
TEST(ZkConv, PublicWeightsRoundTripAndStayHidden) {
  std::mt19937_64 rng(74);
  const Visibilities shown{Visibility::is_public, Visibility::is_public, Visibility::is_public};
  const Visibilities hidden{Visibility::is_private, Visibility::is_private, Visibility::is_public};
  for (const IntModel& m : {zk_conv_model(rng, 2), zk_elementwise_model(rng, 1), zk_pool_model(rng, 1), residual_model(rng)}) {
    expect_zk_round_trip(m, rng, shown);
    expect_zk_round_trip(m, rng, hidden);
  }
  expect_zk_proofs_hide(zk_conv_model(rng, 1), rng, 20, hidden);
}

// Grouped convolutions: the channel sum-check has the groups' eq factor (degree 3), W' is bound at
// the inner output channels (its corner likewise).
TEST(ZkConv, GroupedConvolutionsRoundTripAndRejectCheats) {
  std::mt19937_64 rng(73);
  for (int64_t in_channels : {2, 4}) {
    CnnBuilder b(rng, 1, {1, in_channels, 5, 5});
    b.conv(in_channels, 3, 1, 1, 1, 2, false);
    b.relu();
    b.conv(2 * in_channels, 2, 1, 1, 0, in_channels, true);
    const IntModel m = b.finish();
    expect_zk_round_trip(m, rng);
    auto pk = setup_zk(m);
    ASSERT_TRUE(pk.ok()) << pk.error();
    ASSERT_EQ(pk->vk.spec.layers[1].groups, static_cast<uint32_t>(in_channels));
    const auto input = random_input(rng, static_cast<size_t>(in_channels * 25));
    EXPECT_EQ(rejection(*pk, 1, input, {[](Witness& w) { w.layers[1].y[0] += 1; }, {}}),
              "layer 1 (conv3): convolution channel sum-check: final evaluation mismatch");
    pk->weights[0][1] += 1;
    EXPECT_EQ(rejection(*pk, 1, input, {}).rfind("opening: ", 0), 0u);
  }
}

using ZkConvCheat = ZkModelCheat<[](std::mt19937_64& r) { return zk_conv_model(r, 1); }, 74, 72>;

TEST_F(ZkConvCheat, AlteredActivationOrWeightIsRejected) {
  auto proof = prove(*pk, 1, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_TRUE(verify(pk->vk, *proof).ok());
  EXPECT_EQ(reject({[](Witness& w) { w.layers[0].y[0] += 1; }, {}}),
            "layer 0 (conv1+relu2): convolution channel sum-check: final evaluation mismatch");
  EXPECT_EQ(reject({[](Witness& w) { w.layers[2].y[1] -= 1; }, {}}),
            "layer 2 (conv4): convolution channel sum-check: final evaluation mismatch");
  pk->weights[1][3] += 1;
  EXPECT_EQ(reject({}).rfind("opening: ", 0), 0u);
}

TEST_F(ZkConvCheat, TamperedSentValuesAreRejectedWithReason) {
  auto proof = prove(*pk, 1, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  const auto expect = [&](const Proof& p, const std::string& prefix) { testing::expect_rejected_with(pk->vk, p, prefix); };
  Proof p = *proof;
  ASSERT_EQ(p.layers[0].private_spatial_sum.evaluations.size(), 0u);  // the public input
  ASSERT_EQ(p.layers[1].private_spatial_sum.evaluations.size(), 1u);
  p.layers[1].requant_evals[0] += E::one();
  expect(p, "layer 1 (conv3): convolution channel private sumcheck: round 0");
  p = *proof;
  p.layers[0].bias_eval += E::one();
  expect(p, "layer 0 (conv1+relu2): convolution channel private sumcheck: round 0");
  p = *proof;
  p.layers[1].private_channel_sum.evaluations[0] += E::one();  // X^
  expect(p, "layer 1 (conv3): convolution channel sum-check: final evaluation mismatch");
  p = *proof;
  p.layers[1].private_channel_sum.evaluations[1] += E::one();  // W'^
  expect(p, "layer 1 (conv3): convolution channel sum-check: final evaluation mismatch");
  p = *proof;
  p.layers[1].private_spatial_sum.evaluations[0] += E::one();
  expect(p, "layer 1 (conv3): convolution spatial sum-check: final evaluation mismatch");
  p = *proof;
  p.layers[0].private_spatial_sum.rounds[0][1] += E::one();
  expect(p, "layer 0 (conv1+relu2): convolution spatial private sumcheck: round 0");
  p = *proof;
  p.layers[0].private_spatial_sum.masked_value += E::one();
  expect(p, "layer 0 (conv1+relu2): convolution spatial sum-check: final evaluation mismatch");
  testing::expect_flips_and_truncations_rejected(pk->vk, proof->to_bytes(), sanitized() ? 20 : 100);
}

// ---- Zero-knowledge mode: rewire and table layers ------------------------------------------------

TEST(ZkRewire, RoundTripsMatchTheIntegerEngine) {
  std::mt19937_64 rng(81);
  const IntModel m = rewiring_model(rng);
  expect_zk_round_trip(m, rng);
  // A private input: the Concat reads it masked.
  expect_zk_round_trip(m, rng, {Visibility::is_private, Visibility::is_private, Visibility::is_private});
}

// The rewiring model's rewirings as its last layers (a Slice of a Concat read twice), outputs shown.
TEST(ZkRewire, ConcatOfOneLayerTwiceAsTheLastLayer) {
  std::mt19937_64 rng(82);
  CnnBuilder b(rng, 2, {2, 2, 3, 3});
  b.conv(2, 3, 1, 1, 1, 1, false);
  IntLayer concat = layer_reading(b.m, b.last(), LayerOp::Concat, "concat", "Concat");
  concat.inputs = {b.last(), 0, b.last()};
  concat.axis = 1;
  concat.shape = {2, 6, 3, 3};
  b.m.layers.push_back(concat);
  IntLayer slice = layer_reading(b.m, b.last(), LayerOp::Slice, "slice", "Slice");
  slice.starts = {0, 1, 0, 0};
  slice.steps = {1, 2, 1, 1};
  slice.shape = {2, 3, 3, 3};
  b.m.layers.push_back(slice);
  const IntModel m = b.finish();
  auto spec = extract_spec(m, nullptr, nullptr);
  ASSERT_TRUE(spec.ok()) << spec.error();
  ASSERT_EQ(spec->layers.size(), 3u);
  EXPECT_EQ(spec->layers[1].inputs, (std::vector<int32_t>{0, -1, 0}));
  expect_zk_round_trip(m, rng);
  expect_zk_round_trip(m, rng, {Visibility::is_private, Visibility::is_private, Visibility::is_private});
}

// A tensor read by five input slots is evaluated up to 2 + 5 x 2 times through its corner: the
// corner grows past 16 entries, and a small tensor (2 values per example) takes enough rows for
// its table to hold that many evaluations (16 entries: 8 rows at batch 1).
TEST(ZkRewire, ATensorReadManyTimesGetsCornerAndRowsForEveryEvaluation) {
  std::mt19937_64 rng(83);
  for (const bool small : {false, true}) {
    CnnBuilder b(rng, 1, {1, 2, 3, 3});
    b.conv(3, 3, 1, 1, 1, 1, false);
    if (small) {
      b.flatten();
      b.dense(2);
    }
    const int32_t read = b.last();
    IntLayer concat = layer_reading(b.m, read, LayerOp::Concat, "concat", "Concat");
    concat.inputs = {read, read, read, read, read};
    concat.axis = 1;
    concat.shape = small ? model::Shape{1, 10} : model::Shape{1, 15, 3, 3};
    b.m.layers.push_back(concat);
    const IntModel m = b.finish();
    auto pk = setup_zk(m);
    ASSERT_TRUE(pk.ok()) << pk.error();
    const ModelSpec& spec = pk->vk.spec;
    const auto reader = static_cast<int32_t>(spec.layers.size() - 2);
    EXPECT_EQ(detail::corner_evaluations(spec, reader), 12u) << small;
    EXPECT_EQ(detail::row_vars(spec, 1, false), small ? 3u : 0u);
    expect_zk_round_trip(m, rng);
  }
}

// Sigmoid and Tanh tables (the last one the output layer) and a ReLU table on the model input;
// per-channel PReLU tables after a conv.
IntModel zk_table_model(std::mt19937_64& rng) {
  IntModel m = table_model(rng);
  IntLayer tanh = layer_reading(m, static_cast<int>(m.layers.size() - 1), LayerOp::Lookup, "tanh", "Tanh");
  tanh.scale = 1.0 / 127;
  tanh.table_offset = -127;
  for (int64_t v = -127; v <= 127; ++v)
    tanh.table.push_back(static_cast<int64_t>(std::lround(127.0 * std::tanh(static_cast<double>(v) / 30))));
  m.layers.push_back(tanh);
  m.output_layers = {static_cast<int>(m.layers.size() - 1)};
  return m;
}

TEST(ZkTable, RoundTripsMatchTheIntegerEngine) {
  std::mt19937_64 rng(83);
  const IntModel m = zk_table_model(rng);
  auto spec = extract_spec(m, nullptr, nullptr);
  ASSERT_TRUE(spec.ok()) << spec.error();
  ASSERT_EQ(spec->layers.size(), 5u);
  for (size_t l : {0, 2, 4}) EXPECT_EQ(spec->layers[l].kind, LayerKind::table) << l;
  EXPECT_EQ(spec->layers[0].inputs, (std::vector<int32_t>{-1}));
  expect_zk_round_trip(m, rng);
  expect_zk_round_trip(m, rng, {Visibility::is_private, Visibility::is_private, Visibility::is_private});
  const IntModel prelu = prelu_model(rng);
  expect_zk_round_trip(prelu, rng);
}

TEST(ZkRewire, ProofsDifferAndHideThePrivateValues) {
  std::mt19937_64 rng(84);
  expect_zk_proofs_hide(rewiring_model(rng), rng, 10);
}

// Outputs private: the Tanh table is the last layer.
TEST(ZkTable, ProofsDifferAndHideThePrivateValues) {
  std::mt19937_64 rng(85);
  expect_zk_proofs_hide(zk_table_model(rng), rng, 6,
                        {Visibility::is_public, Visibility::is_private, Visibility::is_private});
}

using ZkRewireCheat = ZkModelCheat<[](std::mt19937_64& r) { return rewiring_model(r); }, 86, 24>;

TEST_F(ZkRewireCheat, MovedValueIsRejected) {
  for (size_t l = 1; l <= (sanitized() ? 3u : 6u); ++l) {  // Concat, Pad, Transpose, Slice, Gather, Pad
    const ProverHooks hooks{[l](Witness& w) {
                              auto& y = w.layers[l].y;
                              std::swap(y[0], y[1]);
                              y[1] += y[0] == y[1] ? 1 : 0;
                            },
                            {}};
    EXPECT_EQ(rejection(*pk, 1, input, hooks),
              "layer " + std::to_string(l) + " (" + pk->vk.spec.layers[l].name +
                  "): rewiring sum-check: final evaluation mismatch");
  }
}

TEST_F(ZkRewireCheat, TamperedSentValuesAreRejectedWithReason) {
  auto proof = prove(*pk, 1, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  const auto expect = [&](const Proof& p, const std::string& prefix) { testing::expect_rejected_with(pk->vk, p, prefix); };
  ASSERT_EQ(pk->vk.spec.layers[1].name, "concat");
  ASSERT_EQ(proof->layers[1].operand_evals.size(), 1u);  // the conv's share; the input's follows
  ASSERT_EQ(proof->layers[1].private_input_sums[1].evaluations.size(), 0u);  // the public input
  Proof p = *proof;
  p.layers[1].output_eval += E::one();
  expect(p, "layer 1 (concat): rewiring private sumcheck: round 0");
  p = *proof;
  p.layers[1].operand_evals[0] += E::one();
  expect(p, "layer 1 (concat): rewiring private sumcheck: round 0");
  p = *proof;
  p.layers[1].private_input_sums[0].evaluations[0] += E::one();
  expect(p, "layer 1 (concat): rewiring sum-check: final evaluation mismatch");
  p = *proof;
  p.layers[1].private_input_sums[1].masked_value += E::one();
  expect(p, "layer 1 (concat): rewiring sum-check: final evaluation mismatch");
  p = *proof;
  p.layers[3].private_input_sums[0].rounds[1][0] += E::one();
  expect(p, "layer 3 (transpose): rewiring private sumcheck: round 1");
  p = *proof;
  p.layers[2].private_input_sums.pop_back();
  expect(p, "layer 2 (pad_reflect): wrong number of evaluations");
  testing::expect_flips_and_truncations_rejected(pk->vk, proof->to_bytes(), sanitized() ? 20 : 100);
}

// The table harness with a Tanh output layer, in zero knowledge.
struct ZkTableCheat : TableCheat {
  void SetUp() override {
    m = zk_table_model(rng);
    pk = setup_zk(m);
    ASSERT_TRUE(pk.ok()) << pk.error();
  }
};

TEST_F(ZkTableCheat, AlteredActivationIsRejected) {
  auto proof = prove(*pk, 2, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_TRUE(verify(pk->vk, *proof).ok());
  // An output off the table, a nonzero padding row, a multiplicity off by one: the LogUp's sum is
  // not 0, so its first layer's claim 0 is false (the prover's selector round takes its sum from
  // that claim: the layer's final value breaks).
  const std::string not_zero = "table private lookup: layer 0: final value mismatch";
  EXPECT_EQ(reject({[](Witness& w) { w.layers[2].y[1] += 1; }, {}}), "layer 2 (sigmoid): " + not_zero);
  EXPECT_EQ(reject({[](Witness& w) { w.layers[2].y[5] = 3; }, {}}), "layer 2 (sigmoid): " + not_zero);
  EXPECT_EQ(reject({{}, [](ProverTables& t) { t.layer_polys[0][1][3] += F::one(); }}), "layer 0 (relu_in): " + not_zero);
  // Per-channel tables: a value of the wrong channel's function.
  const IntModel prelu = prelu_model(rng);
  auto prelu_pk = setup_zk(prelu);
  ASSERT_TRUE(prelu_pk.ok()) << prelu_pk.error();
  ASSERT_EQ(prelu_pk->vk.spec.layers[1].table_channels, 3u);
  const ProverHooks hooks{[](Witness& w) {
                            auto& y = w.layers[1].y;
                            const auto& x = w.layers[0].y;
                            for (size_t i = 0; i < 64; ++i) {  // channel 0 of example 0 (8 x 8 plane)
                              const int64_t other = (x[i] * 51 + 128) >> 8;  // channel 1's slope
                              if (x[i] < 0 && other != y[i]) {
                                y[i] = other;
                                return;
                              }
                            }
                            FAIL() << "no negative input";
                          },
                          {}};
  EXPECT_EQ(rejection(*prelu_pk, 2, random_input(rng, 100), hooks), "layer 1 (prelu): " + not_zero);
}

TEST_F(ZkTableCheat, TamperedSentValuesAreRejectedWithReason) {
  auto proof = prove(*pk, 2, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  const auto expect = [&](const Proof& p, const std::string& prefix) { testing::expect_rejected_with(pk->vk, p, prefix); };
  Proof p = *proof;
  p.layers[2].private_table_lookup.layers[3].evaluations[1] += E::one();
  expect(p, "layer 2 (sigmoid): table private lookup: layer 3: final value mismatch");
  p = *proof;
  p.layers[0].private_table_lookup.layers[0].masked_value += E::one();
  expect(p, "layer 0 (relu_in): table private lookup: layer 0: final value mismatch");
  p = *proof;
  p.layers[4].private_table_lookup.layers[2].rounds[0][0] += E::one();
  expect(p, "layer 4 (tanh): table private lookup: layer 2: private sumcheck: round 0");
  testing::expect_flips_and_truncations_rejected(pk->vk, proof->to_bytes(), sanitized() ? 20 : 100);
}


// ---- Zero-knowledge mode: softmax -----------------------------------------------------------------

// dense -> softmax over the features (the last layer, or followed by a dense).
IntModel zk_softmax_model(std::mt19937_64& rng, int64_t batch, bool last) {
  CnnBuilder b(rng, batch, {1, 7});
  b.dense(5);
  add_softmax(b, batch, 5, 1);
  if (!last) b.dense(3);
  return b.finish();
}

TEST(ZkSoftmax, RoundTripsMatchTheIntegerEngine) {
  std::mt19937_64 rng(91);
  const Visibilities all_private{Visibility::is_private, Visibility::is_private, Visibility::is_private};
  for (int64_t batch : {1, 2}) {
    if (sanitized() && batch == 2) continue;
    for (bool last : {true, false}) {
      const IntModel m = zk_softmax_model(rng, batch, last);
      if (!sanitized() || !last) expect_zk_round_trip(m, rng);
      if (!sanitized() || last) expect_zk_round_trip(m, rng, all_private);
    }
  }
  if (sanitized()) return;
  // Rows along H of a conv output (the row variables inside the grid's), read by a conv.
  CnnBuilder b(rng, 2, {1, 2, 5, 6});
  b.conv(3, 3, 1, 1, 1, 1, false);
  add_softmax(b, 6, 5, 6);
  b.conv(2, 2, 1, 1, 0, 1, false);
  expect_zk_round_trip(b.finish(), rng);
}

TEST(ZkSoftmax, ProofsDifferAndHideThePrivateValues) {
  std::mt19937_64 rng(92);
  if (!sanitized()) expect_zk_proofs_hide(zk_softmax_model(rng, 2, false), rng, 20);
  expect_zk_proofs_hide(zk_softmax_model(rng, 1, true), rng, 10,
                        {Visibility::is_private, Visibility::is_private, Visibility::is_private});
}

// SoftmaxCheat's dense -> softmax -> dense model (batch 3) in zero-knowledge mode.
// zk_last: the model without its last dense (softmax the last layer, outputs private: no output
// claim in the opening).
struct ZkSoftmaxCheat : SoftmaxCheat {
  Result<ProvingKey> zk = setup_zk(m);
  Result<ProvingKey> zk_last = setup_zk([this] {
    IntModel last = m;
    last.layers.pop_back();
    last.output_layers = {last.output_layers[0] - 1};
    return last;
  }(), {Visibility::is_public, Visibility::is_private});
  static constexpr const char* kZeroCheck = "layer 1 (softmax): zero-check private sumcheck: round 0";
  static constexpr const char* kExpLookup = "layer 1 (softmax): softmax exp table private lookup: layer 0";

  void SetUp() override {
    ASSERT_TRUE(zk.ok()) << zk.error();
    ASSERT_TRUE(zk_last.ok()) << zk_last.error();
  }
  std::string reject(const ProverHooks& hooks) { return rejection(*zk, 3, input, hooks); }
  std::string reject_last(const ProverHooks& hooks) { return rejection(*zk_last, 3, input, hooks); }
};

TEST_F(ZkSoftmaxCheat, AlteredOutputIsRejected) {
  EXPECT_EQ(reject({[](Witness& w) {
                      auto& y = w.layers[1].y;
                      y[9] = y[9] == 0 ? 1 : y[9] - 1;
                    },
                    {}}),
            "layer 1 (softmax): softmax division sum-check: final evaluation mismatch");
}

TEST_F(ZkSoftmaxCheat, AlteredMaximumOrPickIsRejected) {
  EXPECT_EQ(reject({[this](Witness& w) {
                      auto& l = w.layers[1];
                      l.row_max[2] += 1;
                      for (size_t j = 0; j < 5; ++j) l.gap[2 * kRow + j] += 1;
                      redivide(l, 2);
                    },
                    {}}),
            std::string(kZeroCheck) + ": g(0) + g(1) != claim");
  // A gap off m - x (a linear claim) fails in the opening; softmax as the last layer, so that no
  // later layer reads the redivided outputs first.
  EXPECT_EQ(reject_last({[this](Witness& w) {
                           auto& l = w.layers[1];
                           const size_t j = picked(l, 1) == 0 ? 1 : 0;
                           l.gap[kRow + j] += 1;
                           redivide(l, 1);
                         },
                         {}})
                .rfind("opening: ", 0),
            0u);
  if (sanitized()) return;  // the zero-check and a linear claim above; the lookup and the opening again below
  EXPECT_EQ(reject({[this](Witness& w) {
                      auto& l = w.layers[1];
                      l.row_max[0] -= 1;
                      for (size_t j = 0; j < 5; ++j) l.gap[j] -= 1;
                      l.exp[picked(l, 0)] = softmax().table[0];
                    },
                    {}})
                .rfind(kExpLookup, 0),
            0u);
  // A second pick at a forged tie (its gap set to 0: the zero-check holds, the gap and pick claims
  // do not): the opening.
  EXPECT_EQ(reject_last({[this](Witness& w) {
                           auto& l = w.layers[1];
                           const size_t j = (picked(l, 1) + 1) % 5;
                           l.pick[kRow + j] = 1;
                           l.gap[kRow + j] = 0;
                           redivide(l, 1);
                         },
                         {}})
                .rfind("opening: ", 0),
            0u);
  EXPECT_EQ(reject({[this](Witness& w) {
                      auto& l = w.layers[1];
                      l.pick[kRow + (picked(l, 1) + 1) % 5] = 1;
                    },
                    {}}),
            std::string(kZeroCheck) + ": g(0) + g(1) != claim");
}

TEST_F(ZkSoftmaxCheat, AlteredExpValueOrRemainderIsRejected) {
  EXPECT_EQ(reject({[](Witness& w) { w.layers[1].exp[3] += 1; }, {}}).rfind(kExpLookup, 0), 0u);
  // The room alone: its bound r + u = 2s - V, a linear claim (the opening).
  EXPECT_EQ(reject({[](Witness& w) { w.layers[1].room[2] += 1; }, {}}).rfind("opening: ", 0), 0u);
  if (sanitized()) return;  // the range check and the division again below
  EXPECT_EQ(reject({[](Witness& w) {
                      auto& l = w.layers[1];
                      const int64_t two_s = l.r[2] + l.room[2] + 1;
                      l.y[2] += 1;
                      l.r[2] -= two_s;
                      l.room[2] += two_s;
                    },
                    {}})
                .rfind("range check: ", 0),
            0u);
  // r alone: the division.
  EXPECT_EQ(reject({[](Witness& w) { w.layers[1].r[2] += 1; }, {}}),
            "layer 1 (softmax): softmax division sum-check: final evaluation mismatch");
}

TEST_F(ZkSoftmaxCheat, TamperedSentValuesAreRejectedWithReason) {
  auto proof = prove(*zk, 3, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  ASSERT_TRUE(verify_bytes(zk->vk, proof->to_bytes(), input).ok());  // the honest proof
  const LayerProof& sm = proof->layers[1];
  ASSERT_EQ(sm.private_channel_sum.evaluations.size(), 2u);  // s, y
  ASSERT_EQ(sm.private_zero_check.evaluations.size(), 3u);   // S, D, y
  const std::string zero_check =
      "softmax zero-check: final evaluation mismatch (a pick is not 0/1, off the grid or not at a maximum, or an output "
      "is nonzero off the grid)";
  const std::vector<std::pair<std::function<void(LayerProof&)>, std::string>> cases{
      {[](LayerProof& lp) { lp.output_sum += E::one(); }, "softmax division private sumcheck: round 0"},
      {[](LayerProof& lp) { lp.private_channel_sum.rounds[1][0] += E::one(); }, "softmax division private sumcheck: round 1"},
      {[](LayerProof& lp) { lp.private_channel_sum.evaluations[0] += E::one(); }, "softmax division sum-check: final evaluation mismatch"},
      {[](LayerProof& lp) { lp.private_channel_sum.evaluations[1] += E::one(); }, "softmax division sum-check: final evaluation mismatch"},
      {[](LayerProof& lp) { lp.private_channel_sum.masked_value += E::one(); }, "softmax division sum-check: final evaluation mismatch"},
      {[](LayerProof& lp) { lp.private_zero_check.evaluations[0] += E::one(); }, zero_check},
      {[](LayerProof& lp) { lp.private_zero_check.evaluations[2] += E::one(); }, zero_check},
      {[](LayerProof& lp) { lp.private_zero_check.rounds[0][0] += E::one(); }, "zero-check private sumcheck: round 0"},
      {[](LayerProof& lp) { lp.private_table_lookup.layers[1].evaluations[1] += E::one(); }, "softmax exp table private lookup: layer 1: final value mismatch"}};
  for (const auto& [tamper, reason] : cases) {
    Proof p = *proof;
    tamper(p.layers[1]);
    testing::expect_rejected_with(zk->vk, p, "layer 1 (softmax): " + reason);
  }
  testing::expect_flips_and_truncations_rejected(zk->vk, proof->to_bytes(), sanitized() ? 20 : 100);
}

// ---- Zero-knowledge mode: max pooling ---------------------------------------------------------

// conv -> relu -> max_pool (kernel k, stride s, padding pad; ragged: one more padding row and
// column at the bottom and right, so the last windows hang over the input) -> flatten -> dense.
IntModel zk_max_pool_model(std::mt19937_64& rng, int64_t batch, int64_t k, int64_t s, int64_t pad, bool ragged) {
  CnnBuilder b(rng, batch, {batch, 2, 5, 5});
  b.conv(3, 3, 1, 1, 1, 1, true);
  b.relu();
  b.pool(true, k, s, pad);
  if (ragged) {
    auto& p = b.m.layers.back();
    p.window.pad_bottom = p.window.pad_right = pad + 1;
    p.window.out_h = out_size(5, k, s, 1, pad, pad + 1);
    p.window.out_w = out_size(5, k, s, 1, pad, pad + 1);
    p.shape = {batch, 3, p.window.out_h, p.window.out_w};
  }
  b.flatten();
  b.dense(4);
  return b.finish();
}

// A max pool reading the model input, a conv, and a max pool as the last layer.
IntModel zk_max_pool_ends_model(std::mt19937_64& rng, int64_t batch) {
  CnnBuilder b(rng, batch, {batch, 2, 6, 6});
  b.pool(true, 3, 2, 1);
  b.conv(2, 2, 1, 1, 0, 1, false);
  b.pool(true, 2, 1, 0);
  return b.finish();
}

// Every value a max-pool layer sends is a randomized value: none is a field element of magnitude
// below 2^16 (an output, an input or a gap would be).
void expect_max_pool_values_randomized(const ProvingKey& pk, const Proof& proof) {
  const auto small = [](const E& v) {
    return v.c1() == F::zero() && (v.c0().value() < 65536 || v.c0().value() > F::MODULUS - 65536);
  };
  size_t pools = 0;
  for (size_t l = 0; l < proof.layers.size(); ++l) {
    if (pk.vk.spec.layers[l].kind != LayerKind::max_pool) continue;
    ++pools;
    const LayerProof& lp = proof.layers[l];
    std::vector<E> sent{lp.gap_eval, lp.output_sum};
    for (const auto* sc : {&lp.private_channel_sum, &lp.private_spatial_sum, &lp.private_zero_check}) {
      sent.insert(sent.end(), sc->evaluations.begin(), sc->evaluations.end());
      sent.push_back(sc->masked_value);
    }
    for (const E& v : sent) EXPECT_FALSE(small(v)) << "layer " << l;
  }
  EXPECT_GT(pools, 0u);
}

TEST(ZkMaxPool, RoundTripsMatchTheIntegerEngine) {
  std::mt19937_64 rng(81);
  struct Case {
    int64_t k, s, pad;
    bool ragged;
  };
  for (const Case& c : {Case{2, 2, 0, false}, Case{3, 2, 1, false}, Case{3, 1, 0, false}, Case{2, 2, 0, true}}) {
    if (sanitized() && c.s == 1) continue;
    const IntModel m = zk_max_pool_model(rng, 1, c.k, c.s, c.pad, c.ragged);
    expect_zk_round_trip(m, rng);
  }
  for (int64_t batch : {1, 2}) {
    if (sanitized() && batch == 2) continue;
    expect_zk_round_trip(zk_max_pool_model(rng, batch, 2, 2, 0, false), rng,
                         {Visibility::is_private, Visibility::is_private, Visibility::is_private});
    const IntModel ends = zk_max_pool_ends_model(rng, batch);
    expect_zk_round_trip(ends, rng);
    expect_zk_round_trip(ends, rng, {Visibility::is_private, Visibility::is_private, Visibility::is_private});
  }
}

TEST(ZkMaxPool, ProofsDifferAndHideThePrivateValues) {
  std::mt19937_64 rng(82);
  for (bool private_input : {false, true}) {
    if (sanitized() && !private_input) continue;
    const IntModel m = zk_max_pool_ends_model(rng, 2);
    const Visibilities vis = private_input ? Visibilities{Visibility::is_private, Visibility::is_public, Visibility::is_private}
                                           : Visibilities{};
    auto pk = setup_zk(m, vis);
    ASSERT_TRUE(pk.ok()) << pk.error();
    const auto input = random_input(rng, 144);
    expect_proofs_differ(*pk, 2, input);
    expect_no_private_value(*pk, 2, input, 10);
    auto proof = prove(*pk, 2, input);
    ASSERT_TRUE(proof.ok()) << proof.error();
    expect_max_pool_values_randomized(*pk, *proof);
  }
}

// A cheating prover on CnnCheat's conv -> max_pool -> dense model in zero-knowledge mode.
struct ZkMaxPoolCheat : CnnCheat {
  Result<ProvingKey> zk = setup_zk(m);

  void SetUp() override { ASSERT_TRUE(zk.ok()) << zk.error(); }
  std::string reject(const ProverHooks& hooks) { return rejection(*zk, 1, input, hooks); }
  size_t at(uint32_t c, uint32_t h, uint32_t w) const { return CnnCheat::at(1, c, h, w); }
  // A false zero-check (several terms) fails at its round 0, the prover's true sum being nonzero.
  static constexpr const char* kZeroCheck = "layer 1 (maxpool3): zero-check private sumcheck: round 0";
};

TEST_F(ZkMaxPoolCheat, AlteredOutputIsRejected) {
  // y alone: the gaps no longer match the window.
  const size_t i = at(1, 1, 0);
  EXPECT_EQ(reject({[i](Witness& w) { w.layers[1].y[i] += 1; }, {}}),
            "layer 1 (maxpool3): max-pool window sum-check: final evaluation mismatch");
  // y one above the maximum with consistent gaps: the picked gap is 1.
  EXPECT_EQ(reject({shift_pool_output(i, 1), {}}), std::string(kZeroCheck) + ": g(0) + g(1) != claim");
  // y one below the maximum with consistent gaps: the maximum's gap is -1.
  EXPECT_EQ(reject({shift_pool_output(i, -1), {}}).rfind("range check: ", 0), 0u);
}

TEST_F(ZkMaxPoolCheat, AlteredPickIsRejected) {
  // A second pick at a tie (a zero input: every window holds the bias' value four times): the
  // zero-check holds, the pick claim S(1/2, rho_x) = I(rho_x) / 2^kv (a linear claim) fails in the opening.
  const std::vector<int64_t> random = input;
  input.assign(input.size(), 0);
  auto witness = compute_witness(*zk, 1, input);
  ASSERT_TRUE(witness.ok()) << witness.error();
  const auto& pool = witness->layers[1];
  std::optional<std::pair<size_t, size_t>> tie;  // (output, kernel offset) of an unpicked maximum
  for (uint32_t c = 0; c < 3 && !tie; ++c)
    for (uint32_t h = 0; h < 3 && !tie; ++h)
      for (uint32_t x = 0; x < 3 && !tie; ++x) {
        const size_t o = at(c, h, x);
        for (size_t k = 0; k < 4 && !tie; ++k)
          if (pool.gap[k * pool.y.size() + o] == 0 && pool.pick[k * pool.y.size() + o] == 0) tie = {{o, k}};
      }
  ASSERT_TRUE(tie.has_value());
  EXPECT_EQ(reject({[tie](Witness& w) { w.layers[1].pick[tie->second * w.layers[1].y.size() + tie->first] = 1; }, {}})
                .rfind("opening: ", 0),
            0u);
  input = random;
  // The pick moved to an element with a nonzero gap.
  EXPECT_EQ(reject({pick_non_maximal(at(0, 0, 1)), {}}), std::string(kZeroCheck) + ": g(0) + g(1) != claim");
}

TEST_F(ZkMaxPoolCheat, AlteredGapIsRejected) {
  EXPECT_EQ(reject({raise_unpicked_gap(at(2, 1, 1)), {}}),
            "layer 1 (maxpool3): max-pool window sum-check: final evaluation mismatch");
}

TEST_F(ZkMaxPoolCheat, TamperedSentValuesAreRejectedWithReason) {
  auto proof = prove(*zk, 1, input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  ASSERT_TRUE(verify_bytes(zk->vk, proof->to_bytes()).ok());  // the honest proof
  const LayerProof& pool = proof->layers[1];
  ASSERT_EQ(pool.private_channel_sum.evaluations.size(), 1u);  // y
  ASSERT_EQ(pool.private_spatial_sum.evaluations.size(), 1u);  // x
  ASSERT_EQ(pool.private_zero_check.evaluations.size(), 2u);   // S, D
  const std::string zero_check =
      "max-pool zero-check: final evaluation mismatch (a pick is not 0/1, off the window, or not at a maximum)";
  const std::vector<std::pair<std::function<void(LayerProof&)>, std::string>> cases{
      {[](LayerProof& lp) { lp.gap_eval += E::one(); }, "max-pool output private sumcheck: round 0"},
      {[](LayerProof& lp) { lp.output_sum += E::one(); }, "max-pool output private sumcheck: round 0"},
      {[](LayerProof& lp) { lp.private_channel_sum.evaluations[0] += E::one(); },
       "max-pool output sum-check: final evaluation mismatch"},
      {[](LayerProof& lp) { lp.private_channel_sum.masked_value += E::one(); },
       "max-pool output sum-check: final evaluation mismatch"},
      {[](LayerProof& lp) { lp.private_spatial_sum.rounds[1][0] += E::one(); }, "max-pool window private sumcheck: round 1"},
      {[](LayerProof& lp) { lp.private_spatial_sum.evaluations[0] += E::one(); },
       "max-pool window sum-check: final evaluation mismatch"},
      {[](LayerProof& lp) { lp.private_zero_check.evaluations[0] += E::one(); }, zero_check},
      {[](LayerProof& lp) { lp.private_zero_check.evaluations[1] += E::one(); }, zero_check},
      {[](LayerProof& lp) { lp.private_zero_check.rounds[0][0] += E::one(); }, "zero-check private sumcheck: round 0"}};
  for (const auto& [tamper, reason] : cases) {
    Proof p = *proof;
    tamper(p.layers[1]);
    testing::expect_rejected_with(zk->vk, p, "layer 1 (maxpool3): " + reason);
  }
  testing::expect_flips_and_truncations_rejected(zk->vk, proof->to_bytes(), sanitized() ? 20 : 100);
}

}  // namespace
}  // namespace zk::zkml
