// Setup: the dense-layer chain of a quantized model, its static bounds, the weight commitment, and
// the key encodings (docs/zkml.md, "Keys").
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "zkml/layout.hpp"
#include "zkml/zkml.hpp"

namespace zk::zkml {

namespace {

using model::IntLayer;
using model::LayerOp;

// |W'(j, n)| = |W(j, n)| |M_n| < 2^20 2^40 and |b'(n)| < 2^62 (extract_spec refuses more).
constexpr int64_t kMaxScaledWeight = int64_t{1} << 60;
constexpr int64_t kMaxScaledBias = int64_t{1} << 62;

Error not_provable(const IntLayer& layer, const std::string& why) {
  return fail("layer '" + layer.name + "' (" + model::layer_op_name(layer.op) + " from " + layer.source_op +
              "): not provable yet: " + why);
}

__extension__ typedef unsigned __int128 u128;
__extension__ typedef __int128 i128;

u128 magnitude(int64_t v) { return v < 0 ? u128(0) - u128(static_cast<i128>(v)) : u128(v); }

// Static bounds of one layer (docs/zkml.md, "Why nothing wraps"): A = max_n |M_n| (sum_j |W(j,n)|
// in_bound + |bias_n|) bounds |acc'|; |t| <= (A + 2^(k-1)) / 2^k; the slacks lie below
// 2^slack_bits with 2^slack_bits > t_max + Q; and A + 2^(k-1) + (Q + 2^slack_bits + 1) 2^k < p, so
// the requantization identity over F is one over the integers.
Status bound_layer(const IntLayer& source, DenseLayer& layer, const std::vector<int64_t>& w,
                   const std::vector<int64_t>& b, int64_t in_bound, int64_t q) {
  u128 acc_bound = 0;
  for (uint32_t n = 0; n < layer.out_features; ++n) {
    u128 sum = magnitude(b[n]);
    for (uint32_t j = 0; j < layer.in_features; ++j)
      sum += magnitude(w[size_t{j} * layer.out_features + n]) * u128(in_bound);
    acc_bound = std::max(acc_bound, sum);  // W', b' already carry M_n
  }
  const u128 two_k = u128(1) << layer.shift;
  if (acc_bound >= (u128(1) << 62))
    return not_provable(source, "the accumulator bound exceeds 2^62");
  const u128 t_max = (acc_bound + two_k / 2) / two_k + 1;
  layer.slack_bits = std::max<uint32_t>(1, static_cast<uint32_t>(std::bit_width(static_cast<uint64_t>(t_max) + uint64_t(q))));
  const u128 total = acc_bound + two_k / 2 + (u128(q) + (u128(1) << layer.slack_bits) + 1) * two_k;
  if (layer.slack_bits > 62 || total >= u128(F::MODULUS))
    return not_provable(source, "the requantization range is too wide for the field (shift " +
                                    std::to_string(layer.shift) + ")");
  return {};
}

}  // namespace

Result<ModelSpec> extract_spec(const model::IntModel& model, std::vector<std::vector<int64_t>>* weights,
                               std::vector<std::vector<int64_t>>* biases) {
  if (model.bits < 2 || model.bits > 16) return fail("zkml: bits must be 2..16");
  if (model.input_layers.size() != 1 || model.output_layers.size() != 1)
    return fail("zkml: only models with one input and one output are provable yet");
  if (model.layers.empty() || model.layers[0].op != LayerOp::Input || model.input_layers[0] != 0)
    return fail("zkml: the first layer must be the model input");
  for (const IntLayer& layer : model.layers)
    if (layer.op != LayerOp::Input && layer.op != LayerOp::MatMul && layer.op != LayerOp::Relu)
      return not_provable(layer, "only MatMul/Gemm and Relu are");
  ModelSpec spec;
  spec.bits = model.bits;
  spec.input_bound = (int64_t{1} << (model.bits - 1)) - 1;
  const IntLayer& input = model.layers[0];
  if (input.shape.size() != 2 || input.shape[1] <= 0 || input.shape[1] > kMaxFeatures)
    return not_provable(input, "the input must have shape [batch, features]");
  spec.input_features = static_cast<uint32_t>(input.shape[1]);
  spec.input_scale = input.scale;
  std::vector<std::vector<int64_t>> w_all, b_all;
  int head = 0;  // the layer whose output the chain continues from
  int64_t in_bound = spec.input_bound;
  for (size_t i = 1; i < model.layers.size(); ++i) {
    const IntLayer& layer = model.layers[i];
    if (layer.inputs.size() != 1 || layer.inputs[0] != head)
      return not_provable(layer, "only a chain of MatMul/Gemm (+ Relu) layers on one input is supported");
    if (layer.op == LayerOp::Relu) {
      if (spec.layers.empty() || spec.layers.back().relu)
        return not_provable(layer, "a Relu must follow a MatMul/Gemm");
      DenseLayer& dense = spec.layers.back();
      dense.relu = true;
      dense.name += "+" + layer.name;
      // relu(clamp(t, lo, hi)) = clamp(t, max(lo, 0), hi) since hi >= 0; the bounds only shrink.
      dense.lo = std::max<int64_t>(dense.lo, 0);
      dense.scale = layer.scale;
      head = static_cast<int>(i);
      continue;
    }
    if (layer.op != LayerOp::MatMul) return not_provable(layer, "only MatMul/Gemm and Relu are");
    const auto& ws = layer.weights.shape;
    if (ws.size() != 2 || layer.shape.size() != 2 || ws[0] <= 0 || ws[1] <= 0 || ws[1] > kMaxFeatures)
      return not_provable(layer, "the weights must be a constant [in, out] matrix");
    const int64_t prev_features = spec.layers.empty() ? spec.input_features : spec.layers.back().out_features;
    if (ws[0] != prev_features || layer.shape[1] != ws[1])
      return not_provable(layer, "weight shape does not match its input");
    if (!layer.requantizes) return not_provable(layer, "the layer does not requantize");
    const auto& rq = layer.requant;
    const auto out = static_cast<uint32_t>(ws[1]);
    if (rq.per_element || rq.shift < 1 || rq.shift > 62 || rq.lo >= rq.hi || rq.lo > 0 || rq.hi < 0 ||
        !(rq.multipliers.size() == 1 || (rq.multipliers.size() == out && rq.channel_axis == 1)))
      return not_provable(layer, "unsupported requantization parameters");
    if (rq.hi - rq.lo >= (int64_t{1} << kLimbBits)) return not_provable(layer, "clamp range wider than 16 bits");
    const size_t bias_count = layer.bias.data.size();
    if (bias_count != 0 && bias_count != 1 && bias_count != out)
      return not_provable(layer, "the bias must be a scalar or one value per output");
    DenseLayer dense;
    dense.name = layer.name;
    dense.in_features = static_cast<uint32_t>(ws[0]);
    dense.out_features = out;
    dense.shift = static_cast<uint32_t>(rq.shift);
    dense.multipliers = rq.multipliers;
    dense.lo = rq.lo;
    dense.hi = rq.hi;
    dense.scale = layer.scale;
    for (int64_t m : dense.multipliers)
      if (m == 0 || m <= -(int64_t{1} << 40) || m >= (int64_t{1} << 40))
        return not_provable(layer, "requantization multiplier out of range");
    std::vector<int64_t> w(layer.weights.data.size()), b(out, 0);
    for (size_t j = 0; j < dense.in_features; ++j)
      for (size_t n = 0; n < out; ++n) {
        const int64_t v = layer.weights.data[j * out + n];
        if (v <= -(int64_t{1} << 20) || v >= (int64_t{1} << 20)) return not_provable(layer, "weight out of range");
        w[j * out + n] = v * dense.multiplier(n);
      }
    for (size_t n = 0; n < out; ++n) {
      const int64_t v = bias_count == 0 ? 0 : layer.bias.data[bias_count == 1 ? 0 : n];
      const i128 scaled = static_cast<i128>(v) * dense.multiplier(n);
      if (scaled >= (i128{1} << 62) || scaled <= -(i128{1} << 62))
        return not_provable(layer, "bias out of range");
      b[n] = static_cast<int64_t>(scaled);
    }
    auto bounded = bound_layer(layer, dense, w, b, in_bound, spec.input_bound);
    if (!bounded) return fail(bounded.error());
    in_bound = std::max(std::abs(dense.lo), std::abs(dense.hi));
    spec.layers.push_back(std::move(dense));
    w_all.push_back(std::move(w));
    b_all.push_back(std::move(b));
    head = static_cast<int>(i);
    if (spec.layers.size() > kMaxLayers) return fail("zkml: more than " + std::to_string(kMaxLayers) + " layers");
  }
  if (spec.layers.empty()) return fail("zkml: the model has no MatMul/Gemm layer");
  if (model.output_layers[0] != head) return fail("zkml: the model output is not the end of the layer chain");
  for (auto& layer : spec.layers)
    if (layer.name.size() > kMaxNameBytes) layer.name.resize(kMaxNameBytes);
  if (weights) *weights = std::move(w_all);
  if (biases) *biases = std::move(b_all);
  return spec;
}

namespace {

// Padded tables of the weight layout: W' as K' x N' (index j N' + n), b' as N'.
std::vector<std::vector<F>> weight_tables(const ModelSpec& spec, const std::vector<std::vector<int64_t>>& w,
                                          const std::vector<std::vector<int64_t>>& b) {
  std::vector<std::vector<F>> tables;
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const auto& layer = spec.layers[l];
    const size_t n_pad = size_t{1} << detail::log2_padded(layer.out_features);
    const size_t k_pad = size_t{1} << detail::log2_padded(layer.in_features);
    std::vector<F> wt(k_pad * n_pad, F::zero()), bt(n_pad, F::zero());
    for (size_t j = 0; j < layer.in_features; ++j)
      for (size_t n = 0; n < layer.out_features; ++n)
        wt[j * n_pad + n] = F::from_i64(w[l][j * layer.out_features + n]);
    for (size_t n = 0; n < layer.out_features; ++n) bt[n] = F::from_i64(b[l][n]);
    tables.push_back(std::move(wt));
    tables.push_back(std::move(bt));
  }
  return tables;
}

Result<std::vector<pcs::CommittedPolynomials>> commit_weights(const ModelSpec& spec, const pcs::Params& params,
                                                              const std::vector<std::vector<int64_t>>& w,
                                                              const std::vector<std::vector<int64_t>>& b) {
  const auto layout = detail::weight_layout(spec);
  for (uint32_t vars : layout.group_vars)
    if (vars > pcs::kMaxVars) return fail("zkml: a weight matrix is too large to commit");
  const auto tables = weight_tables(spec, w, b);
  std::vector<pcs::CommittedPolynomials> committed;
  for (const auto& members : layout.members) {
    std::vector<std::span<const F>> spans;
    for (uint32_t t : members) spans.emplace_back(tables[t]);
    auto c = pcs::commit(spans, params);
    if (!c) return fail("zkml: weight commitment: " + c.error());
    committed.push_back(std::move(*c));
  }
  return committed;
}

// Table t of weight_tables (2l: W' of layer l, 2l + 1: b') in the loaded commitments.
std::span<const F> committed_table(const ProvingKey& pk, const detail::PolyLayout& layout, size_t t) {
  const pcs::PolyRef ref = layout.refs[t];
  return pk.committed[ref.commitment].table(ref.poly);
}

// pk.weights and pk.biases read back from the committed tables (the inverse of weight_tables):
// entries are signed integers below the setup bounds and the padding is zero.
Status read_weight_tables(ProvingKey& pk) {
  const auto layout = detail::weight_layout(pk.vk.spec);
  for (size_t l = 0; l < pk.vk.spec.layers.size(); ++l) {
    const auto& layer = pk.vk.spec.layers[l];
    const size_t n_pad = size_t{1} << detail::log2_padded(layer.out_features);
    const auto wt = committed_table(pk, layout, 2 * l);
    const auto bt = committed_table(pk, layout, 2 * l + 1);
    std::vector<int64_t> w(size_t{layer.in_features} * layer.out_features), b(layer.out_features);
    for (size_t i = 0; i < wt.size(); ++i) {
      const size_t j = i / n_pad, n = i % n_pad;
      const int64_t v = wt[i].to_signed();
      if (j < layer.in_features && n < layer.out_features) {
        if (v <= -kMaxScaledWeight || v >= kMaxScaledWeight) return fail("key: a weight is out of range");
        w[j * layer.out_features + n] = v;
      } else if (v != 0) {
        return fail("key: nonzero weight padding");
      }
    }
    for (size_t n = 0; n < bt.size(); ++n) {
      const int64_t v = bt[n].to_signed();
      if (n < layer.out_features) {
        if (v <= -kMaxScaledBias || v >= kMaxScaledBias) return fail("key: a bias is out of range");
        b[n] = v;
      } else if (v != 0) {
        return fail("key: nonzero bias padding");
      }
    }
    pk.weights.push_back(std::move(w));
    pk.biases.push_back(std::move(b));
  }
  return {};
}

void put_i64(ByteWriter& out, int64_t v) { out.u64(static_cast<uint64_t>(v)); }
void put_f64(ByteWriter& out, double v) { out.u64(std::bit_cast<uint64_t>(v)); }
void put_string(ByteWriter& out, const std::string& s) {
  out.u32(static_cast<uint32_t>(s.size()));
  out.raw(std::string_view(s));
}

Result<int64_t> get_i64(ByteReader& in) {
  auto v = in.u64();
  if (!v) return fail(v.error());
  return static_cast<int64_t>(*v);
}
Result<double> get_scale(ByteReader& in) {
  auto v = in.u64();
  if (!v) return fail(v.error());
  const double d = std::bit_cast<double>(*v);
  if (!std::isfinite(d) || d <= 0) return fail("key: scale is not a positive finite number");
  return d;
}
Result<uint32_t> get_u32_in(ByteReader& in, uint32_t lo, uint32_t hi, const char* what) {
  auto v = in.u32();
  if (!v) return fail(v.error());
  if (*v < lo || *v > hi) return fail(std::string("key: ") + what + " out of bounds");
  return *v;
}

#define ZK_GET(var, expr)                        \
  auto var##_result = (expr);                    \
  if (!var##_result) return fail(var##_result.error()); \
  auto var = *var##_result

}  // namespace

void VerifyingKey::serialize(ByteWriter& out) const {
  for (char c : std::string_view("ZKMLVK")) out.u8(static_cast<uint8_t>(c));
  out.u32(kKeyVersion);
  out.u8(static_cast<uint8_t>(preset));
  out.u32(static_cast<uint32_t>(spec.bits));
  out.u32(spec.input_features);
  put_f64(out, spec.input_scale);
  out.u32(static_cast<uint32_t>(spec.layers.size()));
  for (const auto& layer : spec.layers) {
    put_string(out, layer.name);
    out.u32(layer.in_features);
    out.u32(layer.out_features);
    out.u32(layer.shift);
    out.u32(static_cast<uint32_t>(layer.multipliers.size()));
    for (int64_t m : layer.multipliers) put_i64(out, m);
    put_i64(out, layer.lo);
    put_i64(out, layer.hi);
    out.u8(layer.relu ? 1 : 0);
    put_f64(out, layer.scale);
    out.u32(layer.slack_bits);
  }
  out.u32(static_cast<uint32_t>(weight_commitments.size()));
  for (const auto& c : weight_commitments) c.serialize(out);
}

std::vector<uint8_t> VerifyingKey::to_bytes() const {
  ByteWriter out;
  serialize(out);
  return std::move(out).take();
}

Digest VerifyingKey::digest() const { return keccak256(to_bytes()); }

Result<VerifyingKey> VerifyingKey::deserialize(ByteReader& in) {
  auto magic = in.take(6);
  if (!magic || std::memcmp(magic->data(), "ZKMLVK", 6) != 0) return fail("key: not a zkinfer verifying key");
  ZK_GET(version, in.u32());
  if (version != kKeyVersion) return fail("key: unsupported version " + std::to_string(version));
  VerifyingKey vk;
  ZK_GET(preset, in.u8());
  if (preset > static_cast<uint8_t>(ParamsPreset::proven)) return fail("key: unknown PCS parameter set");
  vk.preset = static_cast<ParamsPreset>(preset);
  vk.params = params_for(vk.preset);
  ZK_GET(bits, get_u32_in(in, 2, 16, "bits"));
  vk.spec.bits = static_cast<int>(bits);
  vk.spec.input_bound = (int64_t{1} << (bits - 1)) - 1;
  ZK_GET(features, get_u32_in(in, 1, kMaxFeatures, "input features"));
  vk.spec.input_features = features;
  ZK_GET(input_scale, get_scale(in));
  vk.spec.input_scale = input_scale;
  ZK_GET(count, get_u32_in(in, 1, kMaxLayers, "layer count"));
  uint32_t previous = features;
  for (uint32_t l = 0; l < count; ++l) {
    DenseLayer layer;
    ZK_GET(name_length, in.length(kMaxNameBytes, "key: layer name"));
    ZK_GET(name, in.take(name_length));
    layer.name.assign(name.begin(), name.end());
    ZK_GET(in_features, get_u32_in(in, 1, kMaxFeatures, "layer inputs"));
    ZK_GET(out_features, get_u32_in(in, 1, kMaxFeatures, "layer outputs"));
    if (in_features != previous) return fail("key: layer " + std::to_string(l) + " does not fit its input");
    layer.in_features = in_features;
    layer.out_features = out_features;
    previous = out_features;
    ZK_GET(shift, get_u32_in(in, 1, 62, "shift"));
    layer.shift = shift;
    ZK_GET(multiplier_count, get_u32_in(in, 1, out_features, "multiplier count"));
    if (multiplier_count != 1 && multiplier_count != out_features) return fail("key: multiplier count");
    for (uint32_t i = 0; i < multiplier_count; ++i) {
      ZK_GET(m, get_i64(in));
      if (m == 0 || m <= -(int64_t{1} << 40) || m >= (int64_t{1} << 40)) return fail("key: multiplier out of range");
      layer.multipliers.push_back(m);
    }
    ZK_GET(lo, get_i64(in));
    ZK_GET(hi, get_i64(in));
    if (lo > 0 || hi < 0 || lo >= hi || hi - lo >= (int64_t{1} << kLimbBits) || -lo > vk.spec.input_bound ||
        hi > vk.spec.input_bound)
      return fail("key: clamp bounds out of range");
    layer.lo = lo;
    layer.hi = hi;
    ZK_GET(relu, in.u8());
    if (relu > 1) return fail("key: bad relu flag");
    layer.relu = relu == 1;
    ZK_GET(scale, get_scale(in));
    layer.scale = scale;
    ZK_GET(slack, get_u32_in(in, 1, 62, "slack bits"));
    layer.slack_bits = slack;
    vk.spec.layers.push_back(std::move(layer));
  }
  const auto layout = detail::weight_layout(vk.spec);
  ZK_GET(commitments, in.u32());
  if (commitments != layout.group_vars.size()) return fail("key: wrong number of weight commitments");
  for (uint32_t g = 0; g < commitments; ++g) {
    auto c = pcs::Commitment::deserialize(in);
    if (!c) return fail("key: " + c.error());
    if (c->num_vars != layout.group_vars[g] || c->num_polys != layout.members[g].size() ||
        c->rate_bits != vk.params.rate_bits)
      return fail("key: weight commitment " + std::to_string(g) + " has the wrong shape");
    vk.weight_commitments.push_back(*c);
  }
  return vk;
}

Result<VerifyingKey> VerifyingKey::from_bytes(std::span<const uint8_t> bytes) {
  ByteReader in(bytes);
  auto vk = deserialize(in);
  if (!vk) return vk;
  ZK_TRY(in.expect_end());
  return vk;
}

pcs::Params params_for(ParamsPreset preset) {
  return preset == ParamsPreset::proven ? pcs::proven_params() : pcs::conjectured_params();
}

Result<ProvingKey> setup(const model::IntModel& model, ParamsPreset preset) {
  const pcs::Params params = params_for(preset);
  ZK_TRY(pcs::validate(params));
  ProvingKey pk;
  auto spec = extract_spec(model, &pk.weights, &pk.biases);
  if (!spec) return fail(spec.error());
  pk.vk.spec = std::move(*spec);
  pk.vk.preset = preset;
  pk.vk.params = params;
  auto committed = commit_weights(pk.vk.spec, params, pk.weights, pk.biases);
  if (!committed) return fail(committed.error());
  pk.committed = std::move(*committed);
  for (const auto& c : pk.committed) pk.vk.weight_commitments.push_back(c.commitment());
  return pk;
}

std::vector<uint8_t> ProvingKey::to_bytes() const {
  ByteWriter out;
  for (char c : std::string_view("ZKMLPK")) out.u8(static_cast<uint8_t>(c));
  out.u32(kProvingKeyVersion);
  vk.serialize(out);
  for (const auto& c : committed) c.serialize(out);
  return std::move(out).take();
}

Result<ProvingKey> ProvingKey::from_bytes(std::span<const uint8_t> bytes) {
  ByteReader in(bytes);
  auto magic = in.take(6);
  if (!magic || std::memcmp(magic->data(), "ZKMLPK", 6) != 0) return fail("key: not a zkinfer proving key");
  ZK_GET(version, in.u32());
  if (version != kProvingKeyVersion) return fail("key: unsupported proving key version " + std::to_string(version));
  auto vk = VerifyingKey::deserialize(in);
  if (!vk) return fail(vk.error());
  ProvingKey pk;
  pk.vk = std::move(*vk);
  for (const auto& commitment : pk.vk.weight_commitments) {
    auto c = pcs::CommittedPolynomials::deserialize(in, commitment, pk.vk.params);
    if (!c) return fail("key: weight commitment " + std::to_string(pk.committed.size()) + ": " + c.error());
    pk.committed.push_back(std::move(*c));
  }
  ZK_TRY(in.expect_end());
  ZK_TRY(read_weight_tables(pk));
  return pk;
}

Result<std::vector<int64_t>> quantize_input(const ModelSpec& spec, std::span<const double> values) {
  const auto q = static_cast<double>(spec.input_bound);
  std::vector<int64_t> out;
  out.reserve(values.size());
  for (double v : values) {
    if (!std::isfinite(v)) return fail("input holds a non-finite value");
    out.push_back(static_cast<int64_t>(std::llround(std::clamp(v / spec.input_scale, -q, q))));
  }
  return out;
}

std::vector<double> dequantize_output(const ModelSpec& spec, std::span<const int64_t> output) {
  std::vector<double> out;
  out.reserve(output.size());
  for (int64_t v : output) out.push_back(static_cast<double>(v) * spec.output_scale());
  return out;
}

}  // namespace zk::zkml
