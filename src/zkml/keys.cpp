// Setup: the dense-layer chain of a quantized model, its static bounds, the weight commitment, and
// the key encodings (docs/zkml.md, "Keys").
#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include <sys/mman.h>

#include "base/checksum.hpp"
#include "base/parallel.hpp"
#include "pcs/schedule.hpp"
#include "zkml/layout.hpp"
#include "zkml/window.hpp"
#include "zkml/zkml.hpp"

namespace zk::zkml {

// Binds `var` to the value of a Result expression, or returns its error.
#define ZK_GET(var, expr)                        \
  auto var##_result = (expr);                    \
  if (!var##_result) return fail(var##_result.error()); \
  auto var = *var##_result

namespace {

using model::IntLayer;
using model::LayerOp;

// |W'(j, n)| = |W(j, n)| |M_n| < 2^20 2^40 and |b'(n)| < 2^62 (extract_spec refuses more).
constexpr int64_t kMaxScaledWeight = int64_t{1} << 60;
constexpr int64_t kMaxScaledBias = int64_t{1} << 62;

constexpr const char* kProvableOps =
    "only MatMul/Gemm, Conv, MaxPool, AveragePool, Add/Sub/Mul, division by a constant, Relu, PRelu, "
    "table functions, Softmax, Reshape/Flatten, Transpose, Concat, Pad, Slice and Gather are";

Error not_provable(const IntLayer& layer, const std::string& why) {
  return fail("layer '" + layer.name + "' (" + model::layer_op_name(layer.op) + " from " + layer.source_op +
              "): not provable yet: " + why);
}

__extension__ typedef unsigned __int128 u128;
__extension__ typedef __int128 i128;

u128 magnitude(int64_t v) { return v < 0 ? u128(0) - u128(static_cast<i128>(v)) : u128(v); }

// Static bounds of one requantizing layer (docs/zkml.md, "Why nothing wraps"): acc_bound bounds
// |acc'| (weights and multipliers included); |t| <= (A + 2^(k-1)) / 2^k; the slacks lie below
// 2^slack_bits with 2^slack_bits > t_max + Q; and A + 2^(k-1) + (Q + 2^slack_bits + 1) 2^k < p, so
// the requantization identity over F is one over the integers.
Status bound_layer(const IntLayer& source, Layer& layer, u128 acc_bound, int64_t q) {
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

// max_n (sum_j |W'(j, n)| in_bound + |b'(n)|) over output units n; W' holds `rows` values per unit
// at stride `row_stride` starting at n * unit_stride.
u128 accumulator_bound(const std::vector<int64_t>& w, const std::vector<int64_t>& b, size_t units, size_t rows,
                       size_t unit_stride, size_t row_stride, int64_t in_bound) {
  u128 bound = 0;
  for (size_t n = 0; n < units; ++n) {
    u128 sum = magnitude(b[n]);
    for (size_t j = 0; j < rows; ++j) sum += magnitude(w[n * unit_stride + j * row_stride]) * u128(in_bound);
    bound = std::max(bound, sum);
  }
  return bound;
}

// The per-example C x H x W shape of a tensor of shape [batch, ...]: [B] -> 1 x 1 x 1,
// [B, K] -> K x 1 x 1, [B, C, L] -> C x 1 x L, [B, C, H, W, ...] -> C x H x (W ...).
std::optional<TensorShape> example_shape(const model::Shape& shape) {
  for (size_t d = 1; d < shape.size(); ++d)
    if (shape[d] <= 0 || shape[d] > kMaxFeatures) return std::nullopt;
  auto u = [&](size_t d) { return static_cast<uint32_t>(shape[d]); };
  TensorShape out;
  if (shape.size() == 1) {
    out = {1, 1, 1};
  } else if (shape.size() == 2) {
    out = {u(1), 1, 1};
  } else if (shape.size() == 3) {
    out = {u(1), 1, u(2)};
  } else {
    // Rank 4: C x H x W; higher ranks fold the trailing axes into W (only elementwise and
    // data-movement layers accept those: spatial layers check their input's exact shape).
    uint64_t w = 1;
    for (size_t d = 3; d < shape.size(); ++d) w *= static_cast<uint64_t>(shape[d]);
    if (w > kMaxFeatures) return std::nullopt;
    out = {u(1), u(2), static_cast<uint32_t>(w)};
  }
  if (out.size() > kMaxFeatures) return std::nullopt;
  return out;
}

// Window axes of a Conv/pool layer whose output is `out`. For a maximum, every output position's
// window must reach into the input (a maximum over no value is undefined; sums over none are 0).
Result<std::pair<WindowAxis, WindowAxis>> window_axes(const IntLayer& source, const TensorShape& in,
                                                      const TensorShape& out) {
  const model::Window& w = source.window;
  auto axis = [](int64_t k, int64_t s, int64_t d, int64_t pad) {
    return WindowAxis{static_cast<uint32_t>(k), static_cast<uint32_t>(s), static_cast<uint32_t>(d),
                      static_cast<uint32_t>(pad)};
  };
  for (int64_t v : {w.kernel_h, w.kernel_w, w.stride_h, w.stride_w, w.dilation_h, w.dilation_w})
    if (v < 1 || v > 1024) return not_provable(source, "window parameters out of range");
  for (int64_t v : {w.pad_top, w.pad_left, w.pad_bottom, w.pad_right})
    if (v < 0 || v > 1023) return not_provable(source, "window parameters out of range");
  const WindowAxis h = axis(w.kernel_h, w.stride_h, w.dilation_h, w.pad_top);
  const WindowAxis x = axis(w.kernel_w, w.stride_w, w.dilation_w, w.pad_left);
  if (w.out_h != out.h || w.out_w != out.w) return not_provable(source, "window output size mismatch");
  if (source.op == LayerOp::MaxPool)
    for (const detail::Axis& a : {detail::Axis{h, in.h, out.h}, detail::Axis{x, in.w, out.w}})
      if (!a.every_window_reaches_input()) return not_provable(source, "a window lies entirely in the padding");
  return std::pair{h, x};
}

// A data-movement layer as a source map: the op runs on index tensors (input k holds o_k + i + 1 at
// its value i, o_k the sizes of the inputs before it, one example), so each output value names the
// input value it copies, or 0 for a constant pad value. The batch axis must not move.
template <class ShapeOf, class Low, class High>
Result<Layer> rewire_layer(const model::IntModel& model, const IntLayer& layer, const std::vector<int32_t>& source,
                           ShapeOf shape_of, Low lo_of, High hi_of) {
  Layer out;
  out.kind = LayerKind::rewire;
  out.name = layer.name;
  out.scale = layer.scale;
  const auto shape = example_shape(layer.shape);
  if (!shape) return not_provable(layer, "unsupported tensor shape");
  out.out = *shape;
  std::vector<model::IntTensor> indices;
  uint64_t offset = 0;
  out.lo = std::numeric_limits<int64_t>::max();
  out.hi = std::numeric_limits<int64_t>::min();
  for (int in : layer.inputs) {
    const auto& producer = model.layers[static_cast<size_t>(in)];
    const int32_t from = source[static_cast<size_t>(in)];
    model::IntTensor t{producer.shape, {}};
    t.shape[0] = 1;
    const auto count = static_cast<uint64_t>(model::numel(t.shape));
    if (count != shape_of(from).size()) return not_provable(layer, "input size does not match the layer it reads");
    for (uint64_t i = 0; i < count; ++i) t.data.push_back(static_cast<int64_t>(offset + i + 1));
    offset += count;
    if (offset >= kMaxFeatures) return not_provable(layer, "inputs too large");
    indices.push_back(std::move(t));
    out.inputs.push_back(from);
    out.lo = std::min(out.lo, lo_of(from));
    out.hi = std::max(out.hi, hi_of(from));
  }
  out.in = shape_of(out.inputs[0]);
  const size_t rank = indices[0].shape.size();
  model::IntTensor mapped;
  switch (layer.op) {
    case LayerOp::Transpose:
      if (layer.perm.empty() || layer.perm[0] != 0) return not_provable(layer, "a transpose must keep the batch axis first");
      mapped = model::transpose(indices[0], layer.perm);
      break;
    case LayerOp::Concat: {
      if (layer.axis <= 0) return not_provable(layer, "concatenation along the batch axis");
      std::vector<const model::IntTensor*> parts;
      for (const auto& t : indices) parts.push_back(&t);
      mapped = model::concat(parts, layer.axis);
      break;
    }
    case LayerOp::Pad:
      if (layer.pads.size() != 2 * rank || layer.pads[0] != 0 || layer.pads[rank] != 0)
        return not_provable(layer, "padding along the batch axis");
      mapped = model::pad(indices[0], layer.pads, layer.pad_mode, int64_t{0});
      out.pad_value = layer.pad_value;
      break;
    case LayerOp::Slice: {
      if (layer.starts.size() != rank || layer.steps.size() != rank || layer.starts[0] != 0 || layer.steps[0] != 1 ||
          layer.shape[0] != model.layers[static_cast<size_t>(layer.inputs[0])].shape[0])
        return not_provable(layer, "slicing along the batch axis");
      model::Shape one = layer.shape;
      one[0] = 1;
      mapped = model::slice(indices[0], layer.starts, layer.steps, one);
      break;
    }
    default:
      if (layer.axis <= 0) return not_provable(layer, "gathering along the batch axis");
      mapped = model::gather(indices[0], layer.axis, layer.indices, layer.index_shape);
      break;
  }
  if (mapped.data.size() != out.out.size()) return not_provable(layer, "output size mismatch");
  for (int64_t v : mapped.data) {
    out.source_map.push_back(static_cast<uint32_t>(v));
    if (v == 0) {
      out.lo = std::min(out.lo, out.pad_value);
      out.hi = std::max(out.hi, out.pad_value);
    }
  }
  return out;
}

// A Gather along a leading axis of size 1 taking its only entry (a scalar index, which drops the
// axis, or one index, which keeps it). The model then runs one example at a time (its leading
// axis is not a batch), and the layer is that example itself: it aliases its input as a Reshape
// does, and a proof for B examples proves B such one-example runs.
bool takes_the_only_example(const model::IntModel& model, const IntLayer& layer) {
  if (layer.op != LayerOp::Gather || layer.axis != 0 || layer.inputs.size() != 1) return false;
  const model::Shape& shape = model.layers[static_cast<size_t>(layer.inputs[0])].shape;
  return !shape.empty() && shape[0] == 1 && layer.indices.size() == 1 && layer.index_shape.size() <= 1;
}

// A layer of `kind` reading spec layer `from` (stored as `layout`) with an output of that shape.
Layer same_shape_layer(LayerKind kind, const IntLayer& layer, int32_t from, const TensorShape& layout) {
  Layer t;
  t.kind = kind;
  t.name = layer.name;
  t.inputs = {from};
  t.in = t.out = layout;
  t.scale = layer.scale;
  return t;
}

// The static bound of a softmax layer (docs/zkml.md, "Why nothing wraps"): with s <= L max E,
// r and its room below 2^bits, y <= hi, every term of 2 y s + r = 2 hi e + s is below
// (2 hi + 2) L max E + 2^bits < 2^62, so the identity over F is one over the integers. The
// table must map the gap 0 to a positive value (every row sum is then positive).
Status softmax_bounds(const Layer& layer) {
  if (layer.table.empty() || layer.table[0] < 1) return fail("the exp table maps the gap 0 to " + std::string(layer.table.empty() ? "nothing" : "0"));
  const auto e_max = static_cast<u128>(*std::max_element(layer.table.begin(), layer.table.end()));
  const u128 total = (u128(2) * static_cast<u128>(layer.hi) + 2) * detail::softmax_rows(layer).length * e_max +
                     (u128(1) << detail::softmax_bits(layer));
  if (total >= (u128(1) << 62)) return fail("the softmax division range is too wide for the field");
  return {};
}

// A Softmax whose rows run along one axis of the stored C x H x W grid: the integer layer's
// (outer, length, inner) must be (B times the dimensions before that axis, the axis, the
// dimensions after it); the stored layout must be the input's own. The exp table is re-indexed by
// the gap D = m - x in [0, in_hi - in_lo]: E(D) = table[-D - table_offset] (model/quantize.cpp).
Result<Layer> softmax_layer(const IntLayer& layer, const model::Shape& in_shape, const TensorShape& layout,
                            int32_t from, int64_t in_lo, int64_t in_hi, int64_t q) {
  const auto logical = example_shape(in_shape), out_shape = example_shape(layer.shape);
  if (!logical || !out_shape || !(*logical == *out_shape) || layer.shape.empty())
    return not_provable(layer, "unsupported tensor shape");
  if (!(layout == *logical)) return not_provable(layer, "a Reshape before a Softmax that changes the layout is not provable yet");
  Layer t = same_shape_layer(LayerKind::softmax, layer, from, layout);
  const int64_t dims[3] = {layout.c, layout.h, layout.w};
  bool found = false;
  for (int a = 2; a >= 0 && !found; --a) {
    int64_t before = layer.shape[0], after = 1;
    for (int d = 0; d < a; ++d) before *= dims[d];
    for (int d = a + 1; d < 3; ++d) after *= dims[d];
    if (layer.softmax_outer == before && layer.softmax_length == dims[a] && layer.softmax_inner == after) {
      t.row_axis = static_cast<RowAxis>(a);
      found = true;
    }
  }
  if (!found) return not_provable(layer, "its rows do not run along one axis of the [batch, C, H, W] layout");
  if (layer.softmax_output_max < 1 || layer.softmax_output_max > q) return not_provable(layer, "output range out of bounds");
  t.lo = 0;
  t.hi = layer.softmax_output_max;
  if (in_hi - in_lo + 1 > kMaxTableEntries) return not_provable(layer, "the input range is too wide for a table");
  for (int64_t d = 0; d <= in_hi - in_lo; ++d) {
    const int64_t i = -d - layer.table_offset;
    if (i < 0 || i >= static_cast<int64_t>(layer.table.size()))
      return not_provable(layer, "the exp table does not cover the input range");
    const int64_t e = layer.table[static_cast<size_t>(i)];
    if (e < 0 || e > (int64_t{1} << kMaxSoftmaxExpBits)) return not_provable(layer, "an exp table value is out of range");
    t.table.push_back(e);
  }
  if (auto bounded = softmax_bounds(t); !bounded) return not_provable(layer, bounded.error());
  if (detail::padded_size(t.out) > kMaxFeatures) return not_provable(layer, "the padded tensor is too large");
  return t;
}

struct ExtractedLayer {
  Layer layer;
  std::vector<int64_t> weights, biases;  // per-example constants (row-major over the output)
};

// Add/Sub (acc = sum_i m_i x_i + bias) and Mul (acc = x_0 x_1 or x_0 c, + bias) layers of the quantized
// model, with the requantization multiplier M folded in: a_i = M m_i, b' = M bias, c' = M c
// (two activations keep M as the product's coefficient). Activations must have the output's
// shape (no broadcasting between them); constants broadcast over the example.
template <class ShapeOf, class Low, class High>
Result<ExtractedLayer> elementwise_layer(const IntLayer& layer, const ModelSpec& spec,
                                         const std::vector<int32_t>& source, ShapeOf shape_of, Low lo_of,
                                         High hi_of) {
  ExtractedLayer e;
  Layer& out = e.layer;
  out.kind = layer.op == LayerOp::Add ? LayerKind::add : LayerKind::mul;
  out.name = layer.name;
  out.scale = layer.scale;
  const auto shape = example_shape(layer.shape);
  if (!shape) return not_provable(layer, "unsupported tensor shape");
  out.out = *shape;
  const auto& rq = layer.requant;
  if (!layer.requantizes || rq.per_element || rq.multipliers.size() != 1 || rq.shift < 1 || rq.shift > 62 ||
      rq.lo >= rq.hi || rq.lo > 0 || rq.hi < 0 || rq.hi - rq.lo >= (int64_t{1} << kMaxLimbBits))
    return not_provable(layer, "unsupported requantization parameters");
  const int64_t m = rq.multipliers[0];
  if (m == 0 || m <= -(int64_t{1} << 40) || m >= (int64_t{1} << 40)) return not_provable(layer, "requantization multiplier out of range");
  out.shift = static_cast<uint32_t>(rq.shift);
  out.lo = rq.lo;
  out.hi = rq.hi;
  std::vector<u128> bounds;
  for (int in : layer.inputs) {
    const int32_t from = source[static_cast<size_t>(in)];
    if (!(shape_of(from) == out.out)) return not_provable(layer, "its inputs must have the output's shape");
    out.inputs.push_back(from);
    bounds.push_back(u128(std::max(std::abs(lo_of(from)), std::abs(hi_of(from)))));
  }
  out.in = out.out;
  // A constant operand broadcast over one example, as row-major values over the output.
  auto per_example = [&](const model::IntTensor& t, int64_t scale) -> Result<std::vector<int64_t>> {
    model::Shape one = layer.shape;
    one[0] = 1;
    const auto offsets = model::broadcast_offsets(t.shape, one);
    std::vector<int64_t> values;
    for (int64_t o : offsets) {
      const i128 v = static_cast<i128>(t.data[static_cast<size_t>(o)]) * scale;
      if (v >= (i128{1} << 60) || v <= -(i128{1} << 60)) return not_provable(layer, "constant out of range");
      values.push_back(static_cast<int64_t>(v));
    }
    return values;
  };
  u128 acc_bound = 0;
  if (out.kind == LayerKind::add) {
    for (size_t i = 0; i < layer.inputs.size(); ++i) {
      const i128 a = static_cast<i128>(layer.input_multipliers[i]) * m;
      if (a == 0 || a >= (i128{1} << 40) || a <= -(i128{1} << 40)) return not_provable(layer, "input multiplier out of range");
      out.multipliers.push_back(static_cast<int64_t>(a));
      acc_bound += magnitude(static_cast<int64_t>(a)) * bounds[i];
    }
  } else if (layer.inputs.size() == 2) {
    out.multipliers = {m};
    acc_bound = magnitude(m) * bounds[0] * bounds[1];
  } else {
    out.multipliers = {m};
    out.constant_factor = true;
    ZK_GET(c, per_example(layer.weights, m));
    u128 largest = 0;
    for (int64_t v : c) largest = std::max(largest, magnitude(v));
    acc_bound = largest * bounds[0];
    e.weights = std::move(c);
  }
  if (!layer.bias.data.empty()) {  // the quantizer broadcasts it over the whole output
    ZK_GET(b, per_example(layer.bias, m));
    out.constant_term = true;
    u128 largest = 0;
    for (int64_t v : b) largest = std::max(largest, magnitude(v));
    acc_bound += largest;
    e.biases = std::move(b);
  }
  ZK_TRY(bound_layer(layer, out, acc_bound, spec.input_bound));
  return e;
}

}  // namespace

Layer input_layer(const ModelSpec& spec, size_t k, std::string name) {
  Layer layer;
  layer.kind = LayerKind::rewire;
  layer.name = std::move(name);
  layer.inputs = {-1};
  layer.in = spec.input;
  layer.out = spec.inputs[k].shape;
  layer.scale = spec.inputs[k].scale;
  uint64_t offset = 0;  // the values of the inputs before k
  for (size_t i = 0; i < k; ++i) offset += spec.inputs[i].shape.size();
  for (uint64_t j = 0; j < layer.out.size(); ++j) layer.source_map.push_back(static_cast<uint32_t>(offset + j + 1));
  layer.lo = -spec.input_bound;
  layer.hi = spec.input_bound;
  return layer;
}

Layer output_layer(const ModelSpec& spec, const std::vector<int32_t>& outputs) {
  Layer layer;
  layer.kind = LayerKind::rewire;
  layer.name = "outputs";
  layer.inputs = outputs;
  auto read = [&](int32_t s) -> const Layer* { return s < 0 ? nullptr : &spec.layers[static_cast<size_t>(s)]; };
  layer.in = read(outputs[0]) ? read(outputs[0])->out : spec.input;
  layer.scale = read(outputs[0]) ? read(outputs[0])->scale : spec.inputs[0].scale;
  layer.lo = std::numeric_limits<int64_t>::max();
  layer.hi = std::numeric_limits<int64_t>::min();
  uint64_t total = 0;
  for (int32_t s : outputs) {
    const Layer* from = read(s);
    const uint64_t size = from ? from->out.size() : spec.input.size();
    for (uint64_t i = 0; i < size && total + i < kMaxFeatures; ++i) layer.source_map.push_back(static_cast<uint32_t>(total + i + 1));
    total += size;
    layer.lo = std::min(layer.lo, from ? from->lo : -spec.input_bound);
    layer.hi = std::max(layer.hi, from ? from->hi : spec.input_bound);
  }
  layer.out = {static_cast<uint32_t>(std::min<uint64_t>(total, kMaxFeatures + 1)), 1, 1};
  return layer;
}

Result<ModelSpec> extract_spec(const model::IntModel& model, std::vector<std::vector<int64_t>>* weights,
                               std::vector<std::vector<int64_t>>* biases) {
  if (model.bits < 2 || model.bits > 16) return fail("zkml: bits must be 2..16");
  const size_t input_count = model.input_layers.size();
  if (input_count < 1 || input_count > kMaxModelInputs)
    return fail("zkml: a model needs 1 to " + std::to_string(kMaxModelInputs) + " inputs");
  if (model.output_layers.empty() || model.output_layers.size() > kMaxModelOutputs)
    return fail("zkml: a model needs 1 to " + std::to_string(kMaxModelOutputs) + " outputs");
  for (size_t k = 0; k < input_count; ++k)
    if (model.layers.size() <= k || model.layers[k].op != LayerOp::Input || model.input_layers[k] != static_cast<int>(k))
      return fail("zkml: the first layers must be the model inputs");
  for (const IntLayer& layer : model.layers)
    switch (layer.op) {
      case LayerOp::Input: case LayerOp::MatMul: case LayerOp::Conv: case LayerOp::Relu:
      case LayerOp::MaxPool: case LayerOp::SumPool: case LayerOp::Rescale: case LayerOp::Reshape:
      case LayerOp::Lookup: case LayerOp::PRelu: case LayerOp::Add: case LayerOp::Mul:
      case LayerOp::Transpose: case LayerOp::Concat: case LayerOp::Pad: case LayerOp::Slice: case LayerOp::Gather:
      case LayerOp::Softmax:
        break;
      default:
        return not_provable(layer, kProvableOps);
    }
  ModelSpec spec;
  spec.bits = model.bits;
  spec.input_bound = (int64_t{1} << (model.bits - 1)) - 1;
  uint64_t input_values = 0;
  for (size_t k = 0; k < input_count; ++k) {
    const IntLayer& input = model.layers[k];
    const auto input_shape = example_shape(input.shape);
    if (!input_shape) return not_provable(input, "the input must have shape [batch, features], [batch, C, L] or [batch, C, H, W]");
    if (input.shape[0] != model.layers[0].shape[0]) return not_provable(input, "the inputs' batch sizes differ");
    spec.inputs.push_back({*input_shape, input.scale});
    input_values += input_shape->size();
  }
  spec.input = input_count == 1 ? spec.inputs[0].shape : TensorShape{static_cast<uint32_t>(std::min<uint64_t>(input_values, kMaxFeatures + 1)), 1, 1};
  std::vector<std::vector<int64_t>> w_all, b_all;
  // The graph: source[i] = the spec layer holding IntLayer i's values (-1: the proven input;
  // Reshape and fused ReLUs alias their input). A ReLU may only be fused into a layer nothing
  // else reads: uses[r] counts the readers of IntLayer r's values (through Reshapes).
  std::vector<int32_t> source(model.layers.size(), -1);
  std::vector<size_t> alias(model.layers.size()), uses(model.layers.size(), 0), created_by;
  // dropped_batch[i]: IntLayer i's shape lost its leading (size 1) axis to a Gather.
  std::vector<bool> dropped_batch(model.layers.size(), false);
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const IntLayer& layer = model.layers[i];
    for (int in : layer.inputs)
      if (in < 0 || static_cast<size_t>(in) >= i) return not_provable(layer, "inputs out of order");
    const bool aliases = (layer.op == LayerOp::Reshape && layer.inputs.size() == 1) || takes_the_only_example(model, layer);
    alias[i] = aliases ? alias[static_cast<size_t>(layer.inputs[0])] : i;
    if (!aliases)
      for (int in : layer.inputs) ++uses[alias[static_cast<size_t>(in)]];
  }
  // A model output reads its layer too: a ReLU after it must not change it (several outputs).
  for (int id : model.output_layers) {
    if (id < 0 || static_cast<size_t>(id) >= model.layers.size()) return fail("zkml: a model output names no layer");
    ++uses[alias[static_cast<size_t>(id)]];
  }
  auto shape_of = [&](int32_t s) { return s < 0 ? spec.input : spec.layers[static_cast<size_t>(s)].out; };
  auto lo_of = [&](int32_t s) { return s < 0 ? -spec.input_bound : spec.layers[static_cast<size_t>(s)].lo; };
  auto hi_of = [&](int32_t s) { return s < 0 ? spec.input_bound : spec.layers[static_cast<size_t>(s)].hi; };
  auto add_layer = [&](size_t i, Layer layer, std::vector<int64_t> w, std::vector<int64_t> b) -> Status {
    spec.layers.push_back(std::move(layer));
    w_all.push_back(std::move(w));
    b_all.push_back(std::move(b));
    created_by.push_back(i);
    source[i] = static_cast<int32_t>(spec.layers.size() - 1);
    if (spec.layers.size() > kMaxLayers) return fail("zkml: more than " + std::to_string(kMaxLayers) + " layers");
    return {};
  };
  if (detail::padded_size(spec.input) > kMaxFeatures) return fail("zkml: the padded input is too large");
  // Several inputs: spec layer k copies input k out of the proven input (ModelSpec).
  for (size_t k = 0; input_count > 1 && k < input_count; ++k)
    ZK_TRY(add_layer(k, input_layer(spec, k, model.layers[k].name), {}, {}));
  for (size_t i = input_count; i < model.layers.size(); ++i) {
    const IntLayer& layer = model.layers[i];
    const bool elementwise = layer.op == LayerOp::Add || layer.op == LayerOp::Mul;
    const size_t max_inputs = layer.op == LayerOp::Concat ? kMaxRewireInputs : elementwise ? 2 : 1;
    if (layer.inputs.empty() || layer.inputs.size() > max_inputs) return not_provable(layer, "unsupported number of inputs");
    const auto src = static_cast<size_t>(layer.inputs[0]);
    const int32_t from = source[src];
    const TensorShape layout = shape_of(from);  // where the input's values are stored
    if (layer.op == LayerOp::Reshape || takes_the_only_example(model, layer)) {
      // The data stays where it is; consumers read it by index.
      source[i] = from;
      dropped_batch[i] = dropped_batch[src] || (layer.op == LayerOp::Gather && layer.index_shape.empty());
      continue;
    }
    for (int in : layer.inputs)
      if (dropped_batch[static_cast<size_t>(in)])
        return not_provable(layer, "it reads a Gather's output that has no batch axis");
    const int64_t in_lo = lo_of(from), in_hi = hi_of(from);
    const int64_t in_bound = std::max(std::abs(in_lo), std::abs(in_hi));
    if (layer.op == LayerOp::Relu && from >= 0 && uses[alias[src]] == 1) {
      // relu(clamp(t, lo, hi)) = clamp(t, max(lo, 0), hi) since hi >= 0, and relu commutes with a
      // window maximum, so a ReLU after [requantizing layer (, max_pool)] tightens that clamp;
      // after a table layer it is folded into the table; anywhere else it is a table layer.
      Layer* read = &spec.layers[static_cast<size_t>(from)];
      Layer* target = read;
      if (read->kind == LayerKind::max_pool) {
        const auto pool_input = static_cast<size_t>(model.layers[created_by[static_cast<size_t>(from)]].inputs[0]);
        const int32_t below = read->inputs[0];
        target = below >= 0 && uses[alias[pool_input]] == 1 ? &spec.layers[static_cast<size_t>(below)] : nullptr;
      }
      if (target && !target->relu && (target->requantizes() || target->kind == LayerKind::table)) {
        target->relu = true;
        target->lo = std::max<int64_t>(target->lo, 0);
        for (int64_t& v : target->table) v = std::max<int64_t>(v, 0);
        read->name += "+" + layer.name;
        if (read->kind == LayerKind::max_pool) read->lo = target->lo;
        source[i] = from;
        continue;
      }
    }
    if (layer.op == LayerOp::Relu || layer.op == LayerOp::Lookup || layer.op == LayerOp::PRelu) {
      // y = f_c(x) with f tabulated over the input range [in_lo, in_hi] exactly, one function per
      // channel where a PRelu's slopes differ by channel (one where they are all equal).
      Layer t = same_shape_layer(LayerKind::table, layer, from, layout);
      t.relu = layer.op == LayerOp::Relu;
      const int64_t range = in_hi - in_lo + 1;
      const auto size = static_cast<int64_t>(layer.table.size());
      if (layer.op == LayerOp::Lookup && (in_lo < layer.table_offset || in_hi >= layer.table_offset + size))
        return not_provable(layer, "the table does not cover its input range");
      std::vector<int64_t> slopes;  // PRelu: the slope multiplier of each channel of the layout
      if (layer.op == LayerOp::PRelu) {
        const model::Shape one_example = [&] { auto sh = layer.shape; sh[0] = 1; return sh; }();
        const auto offsets = model::broadcast_offsets(layer.weights.shape, one_example);
        const uint64_t plane = uint64_t{layout.h} * layout.w;
        slopes.assign(layout.c, 0);
        for (size_t j = 0; j < offsets.size(); ++j) {
          const int64_t m = layer.weights.data[offsets[j]];
          const size_t c = static_cast<size_t>(j / plane);
          if (j % plane != 0 && slopes[c] != m) return not_provable(layer, "the slope varies within a channel");
          slopes[c] = m;
        }
        if (std::all_of(slopes.begin(), slopes.end(), [&](int64_t m) { return m == slopes[0]; })) slopes.resize(1);
        t.table_channels = static_cast<uint32_t>(slopes.size());
      }
      if (range * t.table_channels > kMaxTableEntries) return not_provable(layer, "the input range is too wide for a table");
      t.table_offset = in_lo;
      for (uint32_t c = 0; c < t.table_channels; ++c)
        for (int64_t v = in_lo; v <= in_hi; ++v) {
          int64_t f = 0;
          if (layer.op == LayerOp::Relu) {
            f = std::max<int64_t>(v, 0);
          } else if (layer.op == LayerOp::Lookup) {
            f = layer.table[static_cast<size_t>(v - layer.table_offset)];
          } else if (v >= 0) {
            f = v;
          } else {
            auto r = model::requantize(v, slopes[c], layer.requant.shift, layer.requant.lo, layer.requant.hi);
            if (!r) return not_provable(layer, r.error());
            f = *r;
          }
          if (f < -spec.input_bound || f > spec.input_bound) return not_provable(layer, "a table value is out of range");
          t.table.push_back(f);
        }
      t.lo = std::min<int64_t>(0, *std::min_element(t.table.begin(), t.table.end()));
      t.hi = std::max<int64_t>(0, *std::max_element(t.table.begin(), t.table.end()));
      ZK_TRY(add_layer(i, std::move(t), {}, {}));
      continue;
    }
    if (layer.op == LayerOp::Softmax) {
      auto t = softmax_layer(layer, model.layers[src].shape, layout, from, in_lo, in_hi, spec.input_bound);
      if (!t) return fail(t.error());
      ZK_TRY(add_layer(i, std::move(*t), {}, {}));
      continue;
    }
    if (layer.op == LayerOp::Gather && layer.axis == 0) {  // and not takes_the_only_example
      const int64_t leading = model.layers[src].shape.empty() ? 0 : model.layers[src].shape[0];
      if (leading != 1)
        return not_provable(layer, "gathering along the batch axis (of size " + std::to_string(leading) +
                                       ": the output mixes examples)");
      return not_provable(layer, "gathering along the batch axis with several indices");
    }
    if (layer.op == LayerOp::Transpose || layer.op == LayerOp::Concat || layer.op == LayerOp::Pad ||
        layer.op == LayerOp::Slice || layer.op == LayerOp::Gather) {
      auto r = rewire_layer(model, layer, source, shape_of, lo_of, hi_of);
      if (!r) return fail(r.error());
      ZK_TRY(add_layer(i, std::move(*r), {}, {}));
      continue;
    }
    if (elementwise) {
      auto e = elementwise_layer(layer, spec, source, shape_of, lo_of, hi_of);
      if (!e) return fail(e.error());
      ZK_TRY(add_layer(i, std::move(e->layer), std::move(e->weights), std::move(e->biases)));
      continue;
    }
    const auto in_logical = example_shape(model.layers[src].shape);
    const auto out_shape = example_shape(layer.shape);
    if (!in_logical || !out_shape) return not_provable(layer, "unsupported tensor shape");
    Layer spec_layer;
    spec_layer.name = layer.name;
    spec_layer.inputs = {from};
    spec_layer.out = *out_shape;
    spec_layer.scale = layer.scale;
    if (layer.op == LayerOp::MatMul) {
      spec_layer.kind = LayerKind::dense;
      spec_layer.in = layout;  // rows of W' follow the input's padded grid (Flatten is free)
      if (layer.shape.size() != 2) return not_provable(layer, "only [batch, features] matrix products are");
    } else {
      // Spatial layers read the input as C x H x W: it must be stored that way. Only the model
      // input may be re-laid out (the verifier evaluates it from the proof's values).
      spec_layer.in = layout;
      if (!(layout == *in_logical)) {
        if (from >= 0 || !spec.layers.empty())
          return not_provable(layer, "a Reshape between layers that changes the spatial layout is not provable yet");
        spec.input = spec.inputs[0].shape = spec_layer.in = *in_logical;
      }
      if (layer.op == LayerOp::Rescale) {  // a 1 x 1 sum pooling: acc = x, requantized
        if (!(spec_layer.out == spec_layer.in)) return not_provable(layer, "a rescaling changes the shape");
      } else {
        auto axes = window_axes(layer, spec_layer.in, spec_layer.out);
        if (!axes) return fail(axes.error());
        spec_layer.win_h = axes->first;
        spec_layer.win_w = axes->second;
      }
      spec_layer.kind = layer.op == LayerOp::Conv      ? LayerKind::conv
                        : layer.op == LayerOp::MaxPool ? LayerKind::max_pool
                                                       : LayerKind::sum_pool;
      if (spec_layer.kind != LayerKind::conv && spec_layer.out.c != spec_layer.in.c)
        return not_provable(layer, "pooling changes the channel count");
    }
    if (spec_layer.in.size() != static_cast<uint64_t>(model::numel(model.layers[src].shape) / model.layers[src].shape[0]))
      return not_provable(layer, "input size does not match the previous layer");
    std::vector<int64_t> w, b;
    if (spec_layer.kind == LayerKind::max_pool) {
      spec_layer.lo = in_lo;
      spec_layer.hi = in_hi;
    } else {
      if (!layer.requantizes) return not_provable(layer, "the layer does not requantize");
      const auto& rq = layer.requant;
      if (rq.shift < 1 || rq.shift > 62 || rq.lo >= rq.hi || rq.lo > 0 || rq.hi < 0)
        return not_provable(layer, "unsupported requantization parameters");
      if (rq.hi - rq.lo >= (int64_t{1} << kMaxLimbBits)) return not_provable(layer, "clamp range wider than 16 bits");
      spec_layer.shift = static_cast<uint32_t>(rq.shift);
      spec_layer.lo = rq.lo;
      spec_layer.hi = rq.hi;
      const uint32_t channels = spec_layer.out.c;
      const uint64_t positions = uint64_t{spec_layer.out.h} * spec_layer.out.w;
      if (spec_layer.kind == LayerKind::sum_pool) {
        // One multiplier per output element (the window count varies at the borders); they
        // repeat over channels.
        if (!(rq.per_element && rq.multipliers.size() % positions == 0) && rq.multipliers.size() != 1)
          return not_provable(layer, "unsupported requantization parameters");
        if (rq.multipliers.size() == 1) {
          spec_layer.multipliers = rq.multipliers;
        } else {
          spec_layer.multipliers.assign(rq.multipliers.begin(), rq.multipliers.begin() + static_cast<ptrdiff_t>(positions));
          for (size_t e = 0; e < rq.multipliers.size(); ++e)
            if (rq.multipliers[e] != spec_layer.multipliers[e % positions])
              return not_provable(layer, "pooling multipliers differ across channels");
          if (std::all_of(spec_layer.multipliers.begin(), spec_layer.multipliers.end(),
                          [&](int64_t m) { return m == spec_layer.multipliers[0]; }))
            spec_layer.multipliers.resize(1);
        }
      } else if (rq.per_element || !(rq.multipliers.size() == 1 || (rq.multipliers.size() == channels && rq.channel_axis == 1))) {
        return not_provable(layer, "unsupported requantization parameters");
      } else {
        spec_layer.multipliers = rq.multipliers;
      }
      for (int64_t m : spec_layer.multipliers)
        if (m == 0 || m <= -(int64_t{1} << 40) || m >= (int64_t{1} << 40))
          return not_provable(layer, "requantization multiplier out of range");
      u128 acc_bound = 0;
      if (spec_layer.has_weights()) {
        // The quantizer may store the bias broadcast over the whole output (batch and positions):
        // it must be one value per output channel.
        const size_t bias_count = layer.bias.data.size();
        const size_t per_channel = bias_count > channels && bias_count % (channels * positions) == 0 ? positions : 1;
        if (bias_count != 0 && bias_count != 1 && bias_count != channels && per_channel == 1)
          return not_provable(layer, "the bias must be a scalar or one value per output channel");
        for (size_t e = 0; per_channel > 1 && e < bias_count; ++e)
          if (layer.bias.data[e] != layer.bias.data[(e / per_channel) % channels * per_channel])
            return not_provable(layer, "the bias varies within an output channel");
        const auto& ws = layer.weights.shape;
        size_t rows = 0;  // weights per output unit
        if (spec_layer.kind == LayerKind::dense) {
          if (ws.size() != 2 || ws[0] != static_cast<int64_t>(spec_layer.in.size()) || ws[1] != channels)
            return not_provable(layer, "the weights must be a constant [in, out] matrix matching its input");
          rows = spec_layer.in.size();
        } else {
          const int64_t groups = layer.group;
          if (groups < 1 || spec_layer.in.c % groups != 0 || channels % groups != 0)
            return not_provable(layer, "bad group count");
          spec_layer.groups = static_cast<uint32_t>(groups);
          const bool one_d = ws.size() == 3;
          if ((ws.size() != 4 && !one_d) || ws[0] != channels || ws[1] != spec_layer.in.c / groups ||
              (one_d ? 1 : ws[2]) != spec_layer.win_h.kernel || ws.back() != spec_layer.win_w.kernel)
            return not_provable(layer, "the kernel shape does not match the layer");
          if (groups > 1 && (!std::has_single_bit(detail::group_in_channels(spec_layer)) ||
                             !std::has_single_bit(detail::group_out_channels(spec_layer))))
            return not_provable(layer, "grouped convolution needs a power-of-two channel count per group");
          rows = static_cast<size_t>(model::numel(ws) / channels);
        }
        w.resize(layer.weights.data.size());
        b.assign(channels, 0);
        for (size_t e = 0; e < w.size(); ++e) {
          const int64_t v = layer.weights.data[e];
          if (v <= -(int64_t{1} << 20) || v >= (int64_t{1} << 20)) return not_provable(layer, "weight out of range");
          const size_t unit = spec_layer.kind == LayerKind::dense ? e % channels : e / rows;
          w[e] = v * spec_layer.multiplier(unit);
        }
        for (size_t n = 0; n < channels; ++n) {
          const int64_t v = bias_count == 0 ? 0 : layer.bias.data[bias_count == 1 ? 0 : n * per_channel];
          const i128 scaled = static_cast<i128>(v) * spec_layer.multiplier(n);
          if (scaled >= (i128{1} << 62) || scaled <= -(i128{1} << 62))
            return not_provable(layer, "bias out of range");
          b[n] = static_cast<int64_t>(scaled);
        }
        acc_bound = spec_layer.kind == LayerKind::dense
                        ? accumulator_bound(w, b, channels, rows, 1, channels, in_bound)
                        : accumulator_bound(w, b, channels, rows, rows, 1, in_bound);
      } else {
        u128 largest = 0;
        for (int64_t m : spec_layer.multipliers) largest = std::max(largest, magnitude(m));
        acc_bound = largest * u128(spec_layer.win_h.kernel) * spec_layer.win_w.kernel * u128(in_bound);
      }
      auto bounded = bound_layer(layer, spec_layer, acc_bound, spec.input_bound);
      if (!bounded) return fail(bounded.error());
    }
    for (const auto* s : {&spec_layer.in, &spec_layer.out})
      if (detail::padded_size(*s) > kMaxFeatures) return not_provable(layer, "the padded tensor is too large");
    ZK_TRY(add_layer(i, std::move(spec_layer), std::move(w), std::move(b)));
  }
  for (int id : model.output_layers) spec.outputs.push_back(source[static_cast<size_t>(id)]);
  if (spec.several_outputs()) {
    // The proven output: the outputs back to back, copied by one last rewire layer.
    Layer concat = output_layer(spec, spec.outputs);
    if (detail::padded_size(concat.out) > kMaxFeatures) return fail("zkml: the padded outputs are too large");
    spec.layers.push_back(std::move(concat));
    w_all.emplace_back();
    b_all.emplace_back();
    if (spec.layers.size() > kMaxLayers) return fail("zkml: more than " + std::to_string(kMaxLayers) + " layers");
  } else if (spec.layers.empty()) {
    // Only data movement (Identity, Reshape, Flatten): prove the identity as a table layer.
    Layer identity;
    identity.kind = LayerKind::table;
    identity.name = "identity";
    identity.inputs = {-1};
    identity.in = identity.out = spec.input;
    identity.scale = spec.inputs[0].scale;
    identity.table_offset = -spec.input_bound;
    for (int64_t v = -spec.input_bound; v <= spec.input_bound; ++v) identity.table.push_back(v);
    identity.lo = -spec.input_bound;
    identity.hi = spec.input_bound;
    spec.layers.push_back(std::move(identity));
    w_all.emplace_back();
    b_all.emplace_back();
    spec.outputs = {0};
  } else if (spec.outputs[0] != static_cast<int32_t>(spec.layers.size()) - 1) {
    return fail("zkml: the model output is not its last layer");
  }
  for (auto& layer : spec.layers)
    if (layer.name.size() > kMaxNameBytes) layer.name.resize(kMaxNameBytes);
  if (weights) *weights = std::move(w_all);
  if (biases) *biases = std::move(b_all);
  return spec;
}

namespace {

// Position in the padded W' table of the e-th weight (row-major as in ProvingKey::weights):
// dense K x N -> (padded input position of j) N' + n; conv O x Cg x KH x KW -> the same indices
// in O' x Cg' x KH' x KW'; mul by a constant: the output's padded grid.
size_t weight_position(const Layer& layer, size_t e) {
  if (layer.kind == LayerKind::mul) return detail::padded_flat_index(layer.out, e);
  if (layer.kind == LayerKind::dense) {
    const size_t n_out = layer.out.c;
    return detail::padded_flat_index(layer.in, e / n_out) * detail::padded(n_out) + e % n_out;
  }
  const size_t kw = layer.win_w.kernel, kh = layer.win_h.kernel, cg = detail::group_in_channels(layer);
  const size_t x = e % kw, y = (e / kw) % kh, c = (e / (kw * kh)) % cg, o = e / (kw * kh * cg);
  return ((o * detail::padded(cg) + c) * detail::padded(kh) + y) * detail::padded(kw) + x;
}
// Position in the padded b' table of the e-th bias: per channel, or (add, mul) the output's grid.
size_t bias_position(const Layer& layer, size_t e) {
  return layer.has_weights() ? e : detail::padded_flat_index(layer.out, e);
}
size_t weight_count(const Layer& layer) {
  if (layer.kind == LayerKind::mul) return layer.out.size();
  if (layer.kind == LayerKind::dense) return static_cast<size_t>(layer.in.size()) * layer.out.c;
  return size_t{layer.out.c} * detail::group_in_channels(layer) * layer.win_h.kernel * layer.win_w.kernel;
}
size_t bias_count(const Layer& layer) { return layer.has_weights() ? layer.out.c : layer.out.size(); }

}  // namespace

std::vector<std::vector<F>> detail::weight_tables(const ModelSpec& spec, const std::vector<std::vector<int64_t>>& w,
                                                  const std::vector<std::vector<int64_t>>& b) {
  std::vector<std::vector<F>> tables;
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const auto& layer = spec.layers[l];
    if (layer.has_weight_table()) {
      std::vector<F> wt(size_t{1} << detail::weight_vars(layer), F::zero());
      for (size_t e = 0; e < w[l].size(); ++e) wt[weight_position(layer, e)] = F::from_i64(w[l][e]);
      tables.push_back(std::move(wt));
    }
    if (layer.has_bias_table()) {
      std::vector<F> bt(size_t{1} << detail::bias_vars(layer), F::zero());
      for (size_t e = 0; e < b[l].size(); ++e) bt[bias_position(layer, e)] = F::from_i64(b[l][e]);
      tables.push_back(std::move(bt));
    }
  }
  return tables;
}

namespace {

Result<std::vector<pcs::CommittedPolynomials>> commit_weights(const ModelSpec& spec, const pcs::Params& params,
                                                              const std::vector<std::vector<int64_t>>& w,
                                                              const std::vector<std::vector<int64_t>>& b) {
  const auto layout = detail::weight_layout(spec);
  for (uint32_t vars : layout.group_vars)
    if (vars > pcs::kMaxVars) return fail("zkml: a weight matrix is too large to commit");
  const auto tables = detail::weight_tables(spec, w, b);
  std::vector<pcs::CommittedPolynomials> committed;
  for (uint32_t g = 0; g < layout.members.size(); ++g) {
    std::vector<F> packed;
    std::vector<std::span<const F>> spans;
    if (layout.is_packed(g)) {
      packed.assign(size_t{1} << layout.group_vars[g], F::zero());
      for (uint32_t t : layout.members[g])
        std::copy(tables[t].begin(), tables[t].end(), packed.begin() + static_cast<ptrdiff_t>(layout.offset[t]));
      spans.emplace_back(packed);
    } else {
      for (uint32_t t : layout.members[g]) spans.emplace_back(tables[t]);
    }
    auto c = pcs::commit(spans, params);
    if (!c) return fail("zkml: weight commitment: " + c.error());
    committed.push_back(std::move(*c));
  }
  return committed;
}

// Table t of the weight layout as the caller committed it, in place in the loaded commitment: its
// entries at stride 2^k from `entries`. A hiding commitment holds the masked P^(y', x, y) with the
// caller's table at y' = 0, y = 0 (docs/pcs.md, "Zero knowledge"): P(x) = P^[x 2^k].
struct StridedTable {
  const F* entries;
  size_t size, stride;
  const F& operator[](size_t x) const { return entries[x * stride]; }
};

StridedTable committed_table(const ProvingKey& pk, const detail::PolyLayout& layout, size_t t) {
  const pcs::PolyRef ref = layout.refs[t];
  const auto& committed = pk.committed[ref.commitment];
  const size_t stride = committed.commitment().hiding ? size_t{1} << committed.commitment().mask_vars : 1;
  return {committed.table(ref.poly).data() + layout.offset[t] * stride, size_t{1} << layout.vars_of[t], stride};
}

// v resized to n zeros, asking the kernel to back it with transparent huge pages first (where THP
// is "madvise"): zeroing 4 KB pages one fault at a time costs more than the conversion (8.7 vs
// 2.5 ms per 16 MB here). The advice is only a hint; without it the result is the same.
void resize_on_huge_pages(std::vector<int64_t>& v, size_t n) {
  constexpr uintptr_t kHugePage = uintptr_t{1} << 21;
  v.reserve(n);
  const auto begin = reinterpret_cast<uintptr_t>(v.data());
  const uintptr_t aligned_begin = (begin + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t aligned_end = (begin + n * sizeof(int64_t)) & ~(kHugePage - 1);
  if (aligned_end > aligned_begin)
    ::madvise(reinterpret_cast<void*>(aligned_begin), aligned_end - aligned_begin, MADV_HUGEPAGE);
  v.resize(n);
}

// Values at `position(e)` for e < count of a committed table, signed below `bound`, and the check
// that every other entry (padding) is zero. The values come in runs of `run` (a divisor of count)
// at consecutive positions from position(r run), so `position` is evaluated once per run, and
// the runs are read in parallel. `position` is one-to-one, so the padding is zero exactly when
// the table has as many nonzero entries as the values read.
template <class Position>
Result<std::vector<int64_t>> read_table(const StridedTable& table, size_t count, size_t run, Position position,
                                        int64_t bound, const char* what) {
  constexpr size_t kGrain = size_t{1} << 14;
  std::vector<int64_t> out;
  resize_on_huge_pages(out, count);
  std::atomic<bool> in_range{true};
  std::atomic<size_t> nonzero_values{0}, nonzero_entries{0};
  parallel_for(count / run, std::max<size_t>(1, kGrain / run), [&](size_t begin, size_t end) {
    bool ok = true;
    size_t nonzero = 0;
    for (size_t r = begin; r < end; ++r) {
      const F* src = &table[position(r * run)];
      int64_t* dst = out.data() + r * run;
      for (size_t i = 0; i < run; ++i) {
        // The signed representative without a branch (F::to_signed's is mispredicted half the
        // time on weights of random sign: 7.5 instead of 0.9 ns per entry).
        const uint64_t x = src[i * table.stride].value();
        const auto v = static_cast<int64_t>(x - (F::MODULUS & (0 - static_cast<uint64_t>(x > F::MODULUS / 2))));
        ok &= v > -bound && v < bound;
        nonzero += v != 0;
        dst[i] = v;
      }
    }
    if (!ok) in_range = false;
    nonzero_values += nonzero;
  });
  parallel_for(table.size, kGrain, [&](size_t begin, size_t end) {
    size_t nonzero = 0;
    for (size_t i = begin; i < end; ++i) nonzero += table[i] != F::zero();
    nonzero_entries += nonzero;
  });
  if (!in_range) return fail(std::string("key: a ") + what + " is out of range");
  if (nonzero_entries != nonzero_values) return fail(std::string("key: nonzero ") + what + " padding");
  return out;
}

// pk.weights and pk.biases read back from the committed tables (the inverse of weight_tables):
// entries are signed integers below the setup bounds and the padding is zero.
Status read_weight_tables(ProvingKey& pk) {
  if (pk.vk.visibility.weights_shown()) {  // the verifying key holds them, checked by its decoder
    pk.weights = pk.vk.weights;
    pk.biases = pk.vk.biases;
    return {};
  }
  const auto layout = detail::weight_layout(pk.vk.spec);
  for (size_t l = 0; l < pk.vk.spec.layers.size(); ++l) {
    const auto& layer = pk.vk.spec.layers[l];
    std::vector<int64_t> w, b;
    if (layer.has_weight_table()) {
      // Consecutive weights along the innermost axis (dense: outputs, conv: kernel columns, mul:
      // the output's width) lie at consecutive positions.
      const size_t run = layer.kind == LayerKind::dense ? layer.out.c
                         : layer.kind == LayerKind::mul ? layer.out.w
                                                        : layer.win_w.kernel;
      const auto table = committed_table(pk, layout, static_cast<size_t>(layout.weight_table[l]));
      auto values = read_table(table, weight_count(layer), run, [&](size_t e) { return weight_position(layer, e); },
                               kMaxScaledWeight, "weight");
      if (!values) return fail(values.error());
      w = std::move(*values);  // moved, not copied (ZK_GET would copy 16 MB for the 4.2M model)
    }
    if (layer.has_bias_table()) {
      const size_t run = layer.has_weights() ? bias_count(layer) : layer.out.w;
      const auto table = committed_table(pk, layout, static_cast<size_t>(layout.bias_table[l]));
      auto values = read_table(table, bias_count(layer), run, [&](size_t e) { return bias_position(layer, e); },
                               kMaxScaledBias, "bias");
      if (!values) return fail(values.error());
      b = std::move(*values);
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

Result<TensorShape> get_shape(ByteReader& in) {
  TensorShape s;
  for (uint32_t* d : {&s.c, &s.h, &s.w}) {
    ZK_GET(v, get_u32_in(in, 1, kMaxFeatures, "tensor dimension"));
    *d = v;
  }
  if (s.size() > kMaxFeatures || detail::padded_size(s) > kMaxFeatures) return fail("key: tensor too large");
  return s;
}

Result<WindowAxis> get_axis(ByteReader& in) {
  ZK_GET(kernel, get_u32_in(in, 1, 1024, "window kernel"));
  ZK_GET(stride, get_u32_in(in, 1, 1024, "window stride"));
  ZK_GET(dilation, get_u32_in(in, 1, 1024, "window dilation"));
  ZK_GET(pad, get_u32_in(in, 0, 1023, "window padding"));
  return WindowAxis{kernel, stride, dilation, pad};
}

// The structural rules extract_spec guarantees, checked on a decoded layer reading `previous`.
Status check_layer_shape(const Layer& layer, const TensorShape& previous) {
  if (!(layer.in == previous)) return fail("key: layer '" + layer.name + "' does not fit its input");
  if (layer.kind == LayerKind::rewire) {
    if (layer.groups != 1 || !(layer.win_h == WindowAxis{}) || !(layer.win_w == WindowAxis{}))
      return fail("key: bad rewiring layer");
    return {};
  }
  if (layer.kind == LayerKind::table || layer.kind == LayerKind::add || layer.kind == LayerKind::mul ||
      layer.kind == LayerKind::softmax) {
    if (!(layer.out == layer.in) || layer.groups != 1 || !(layer.win_h == WindowAxis{}) || !(layer.win_w == WindowAxis{}))
      return fail("key: bad elementwise layer");
    return {};
  }
  if (layer.kind == LayerKind::dense) {
    if (layer.out.h != 1 || layer.out.w != 1 || layer.groups != 1 || !(layer.win_h == WindowAxis{}) ||
        !(layer.win_w == WindowAxis{}))
      return fail("key: bad dense layer");
    return {};
  }
  if (layer.groups < 1 || layer.in.c % layer.groups != 0 || layer.out.c % layer.groups != 0 ||
      (layer.groups > 1 && (!std::has_single_bit(detail::group_in_channels(layer)) ||
                            !std::has_single_bit(detail::group_out_channels(layer)))))
    return fail("key: bad group count");
  if (layer.kind != LayerKind::conv && (layer.groups != 1 || layer.out.c != layer.in.c))
    return fail("key: pooling changes the channel count");
  if (layer.kind == LayerKind::max_pool &&
      (!detail::axis_h(layer).every_window_reaches_input() || !detail::axis_w(layer).every_window_reaches_input()))
    return fail("key: a window lies entirely in the padding");
  return {};
}

// Whether a decoded rewire layer is the one setup builds (input_layer, output_layer).
bool same_rewire(const Layer& a, const Layer& b) {
  return a.kind == b.kind && a.inputs == b.inputs && a.in == b.in && a.out == b.out && a.scale == b.scale &&
         a.source_map == b.source_map && a.pad_value == b.pad_value && a.lo == b.lo && a.hi == b.hi &&
         a.relu == b.relu;
}

// After the layers: the output count. Several inputs: the first layers copy them out of the
// proven input; several outputs: the last layer concatenates them (ModelSpec).
Status read_inputs_and_outputs(ByteReader& in, ModelSpec& spec) {
  ZK_GET(output_count, get_u32_in(in, 1, kMaxModelOutputs, "model output count"));
  for (size_t k = 0; spec.several_inputs() && k < spec.inputs.size(); ++k)
    if (spec.layers.size() <= k || !same_rewire(spec.layers[k], input_layer(spec, k, spec.layers[k].name)))
      return fail("key: layer " + std::to_string(k) + " does not copy model input " + std::to_string(k));
  if (output_count == 1) {
    spec.outputs = {static_cast<int32_t>(spec.layers.size()) - 1};
    return {};
  }
  const Layer& last = spec.layers.back();
  // (output_layer reads only the layers named, all earlier than the last)
  if (last.inputs.size() != output_count || !same_rewire(last, output_layer(spec, last.inputs)))
    return fail("key: the last layer does not concatenate the outputs");
  spec.outputs = last.inputs;
  return {};
}

// n signed values below `bound`, after their u32 count (which must be n).
Result<std::vector<int64_t>> get_values(ByteReader& in, size_t n, int64_t bound, const char* what) {
  ZK_GET(count, in.u32());
  if (count != n) return fail(std::string("key: wrong count of public ") + what + " values");
  if (in.remaining() / 8 < n) return fail(std::string("key: truncated public ") + what + " values");
  std::vector<int64_t> out(n);
  for (auto& v : out) {
    ZK_GET(x, get_i64(in));
    if (x <= -bound || x >= bound) return fail(std::string("key: a public ") + what + " is out of range");
    v = x;
  }
  return out;
}

// Public weights: per layer W' then b' where the layer has them, each as a u32 count and the
// values (the setup bounds hold).
Status read_public_weights(ByteReader& in, VerifyingKey& vk) {
  for (const auto& layer : vk.spec.layers) {
    std::vector<int64_t> w, b;
    if (layer.has_weight_table()) {
      ZK_GET(values, get_values(in, weight_count(layer), kMaxScaledWeight, "weight"));
      w = std::move(values);
    }
    if (layer.has_bias_table()) {
      ZK_GET(values, get_values(in, bias_count(layer), kMaxScaledBias, "bias"));
      b = std::move(values);
    }
    vk.weights.push_back(std::move(w));
    vk.biases.push_back(std::move(b));
  }
  return {};
}

void put_shape(ByteWriter& out, const TensorShape& s) {
  out.u32(s.c);
  out.u32(s.h);
  out.u32(s.w);
}
void put_axis(ByteWriter& out, const WindowAxis& a) {
  out.u32(a.kernel);
  out.u32(a.stride);
  out.u32(a.dilation);
  out.u32(a.pad);
}

}  // namespace

void VerifyingKey::serialize(ByteWriter& out) const {
  for (char c : std::string_view("ZKMLVK")) out.u8(static_cast<uint8_t>(c));
  out.u32(kKeyVersion);
  out.u8(static_cast<uint8_t>(preset));
  out.u8(spec.zero_knowledge ? 1 : 0);
  out.u64(proofs);
  out.u8(static_cast<uint8_t>(visibility.input));
  out.u8(static_cast<uint8_t>(visibility.output));
  out.u8(static_cast<uint8_t>(visibility.weights));
  out.u32(static_cast<uint32_t>(spec.bits));
  out.u32(static_cast<uint32_t>(spec.inputs.size()));
  for (const auto& input : spec.inputs) {
    put_shape(out, input.shape);
    put_f64(out, input.scale);
  }
  out.u32(static_cast<uint32_t>(spec.layers.size()));
  for (const auto& layer : spec.layers) {
    out.u8(static_cast<uint8_t>(layer.kind));
    put_string(out, layer.name);
    out.u32(static_cast<uint32_t>(layer.inputs.size()));
    for (int32_t source : layer.inputs) out.u32(static_cast<uint32_t>(source));
    put_shape(out, layer.in);
    put_shape(out, layer.out);
    put_axis(out, layer.win_h);
    put_axis(out, layer.win_w);
    out.u32(layer.groups);
    out.u8(static_cast<uint8_t>((layer.constant_factor ? 1 : 0) | (layer.constant_term ? 2 : 0)));
    out.u8(layer.relu ? 1 : 0);
    put_f64(out, layer.scale);
    if (layer.kind == LayerKind::rewire) {
      put_i64(out, layer.pad_value);
      out.u32(static_cast<uint32_t>(layer.source_map.size()));
      for (uint32_t e : layer.source_map) out.u32(e);
    }
    if (layer.kind == LayerKind::softmax) {
      out.u8(static_cast<uint8_t>(layer.row_axis));
      put_i64(out, layer.hi);
      out.u32(static_cast<uint32_t>(layer.table.size()));
      for (int64_t v : layer.table) put_i64(out, v);
    }
    if (layer.kind == LayerKind::table) {
      put_i64(out, layer.table_offset);
      out.u32(layer.table_channels);
      out.u32(static_cast<uint32_t>(layer.table.size()));
      for (int64_t v : layer.table) put_i64(out, v);
    }
    if (!layer.requantizes()) continue;
    out.u32(layer.shift);
    out.u32(static_cast<uint32_t>(layer.multipliers.size()));
    for (int64_t m : layer.multipliers) put_i64(out, m);
    put_i64(out, layer.lo);
    put_i64(out, layer.hi);
    out.u32(layer.slack_bits);
  }
  out.u32(static_cast<uint32_t>(spec.outputs.size()));
  if (visibility.weights_shown()) {
    for (size_t l = 0; l < spec.layers.size(); ++l) {
      for (const auto* values : {&weights[l], &biases[l]}) {
        if (values->empty()) continue;
        out.u32(static_cast<uint32_t>(values->size()));
        for (int64_t v : *values) put_i64(out, v);
      }
    }
    return;
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
  ZK_GET(zero_knowledge, in.u8());
  if (zero_knowledge > 1) return fail("key: bad zero-knowledge flag");
  vk.spec.zero_knowledge = zero_knowledge == 1;
  vk.params.hiding = vk.spec.zero_knowledge;
  ZK_GET(proofs, in.u64());
  if (proofs < 1 || proofs > kMaxZeroKnowledgeProofs || (!vk.spec.zero_knowledge && proofs != 1))
    return fail("key: bad proof count");
  vk.proofs = proofs;
  ZK_GET(input_visibility, in.u8());
  ZK_GET(output_visibility, in.u8());
  ZK_GET(weight_visibility, in.u8());
  if (input_visibility > 2 || output_visibility > 1 || weight_visibility > 1) return fail("key: unknown visibility");
  vk.visibility = {static_cast<Visibility>(input_visibility), static_cast<Visibility>(output_visibility),
                   static_cast<Visibility>(weight_visibility)};
  ZK_GET(bits, get_u32_in(in, 2, 16, "bits"));
  vk.spec.bits = static_cast<int>(bits);
  vk.spec.input_bound = (int64_t{1} << (bits - 1)) - 1;
  ZK_GET(model_inputs, get_u32_in(in, 1, kMaxModelInputs, "model input count"));
  uint64_t input_values = 0;
  for (uint32_t k = 0; k < model_inputs; ++k) {
    ZK_GET(shape, get_shape(in));
    ZK_GET(scale, get_scale(in));
    vk.spec.inputs.push_back({shape, scale});
    input_values += shape.size();
  }
  if (input_values > kMaxFeatures) return fail("key: the inputs are too large");
  vk.spec.input = model_inputs == 1 ? vk.spec.inputs[0].shape : TensorShape{static_cast<uint32_t>(input_values), 1, 1};
  if (detail::padded_size(vk.spec.input) > kMaxFeatures) return fail("key: the padded input is too large");
  const TensorShape input_shape = vk.spec.input;
  ZK_GET(count, get_u32_in(in, 1, kMaxLayers, "layer count"));
  for (uint32_t l = 0; l < count; ++l) {
    Layer layer;
    ZK_GET(kind, in.u8());
    if (kind > static_cast<uint8_t>(LayerKind::softmax)) return fail("key: unknown layer kind");
    layer.kind = static_cast<LayerKind>(kind);
    ZK_GET(name_length, in.length(kMaxNameBytes, "key: layer name"));
    ZK_GET(name, in.take(name_length));
    layer.name.assign(name.begin(), name.end());
    const bool elementwise = layer.kind == LayerKind::add || layer.kind == LayerKind::mul;
    const uint32_t max_inputs = layer.kind == LayerKind::rewire ? kMaxRewireInputs : elementwise ? 2 : 1;
    ZK_GET(input_count, get_u32_in(in, 1, max_inputs, "input count"));
    for (uint32_t i = 0; i < input_count; ++i) {
      ZK_GET(source, in.u32());
      const auto s = static_cast<int32_t>(source);
      if (s < -1 || s >= static_cast<int32_t>(l)) return fail("key: layer " + std::to_string(l) + " reads a later layer");
      if (s == -1 && model_inputs > 1 && l >= model_inputs)
        return fail("key: layer " + std::to_string(l) + " reads the inputs back to back");
      layer.inputs.push_back(s);
    }
    // The shape and clamp of what the layer reads (max_pool and table layers inherit the range).
    const Layer* read = layer.inputs[0] < 0 ? nullptr : &vk.spec.layers[static_cast<size_t>(layer.inputs[0])];
    const TensorShape previous = read ? read->out : input_shape;
    const int64_t lo = read ? read->lo : -vk.spec.input_bound, hi = read ? read->hi : vk.spec.input_bound;
    ZK_GET(in_shape, get_shape(in));
    ZK_GET(out_shape, get_shape(in));
    layer.in = in_shape;
    layer.out = out_shape;
    ZK_GET(win_h, get_axis(in));
    ZK_GET(win_w, get_axis(in));
    layer.win_h = win_h;
    layer.win_w = win_w;
    ZK_GET(groups, get_u32_in(in, 1, kMaxFeatures, "group count"));
    layer.groups = groups;
    ZK_GET(constants, in.u8());
    if (constants > 3 || (constants != 0 && !elementwise) || ((constants & 1) && layer.kind != LayerKind::mul))
      return fail("key: bad constant flags");
    layer.constant_factor = (constants & 1) != 0;
    layer.constant_term = (constants & 2) != 0;
    if (layer.kind == LayerKind::mul && layer.inputs.size() != (layer.constant_factor ? 1u : 2u))
      return fail("key: a product needs two operands");
    for (int32_t source : layer.inputs) {
      const TensorShape read_shape = source < 0 ? input_shape : vk.spec.layers[static_cast<size_t>(source)].out;
      if (elementwise && !(read_shape == layer.out)) return fail("key: an elementwise layer's inputs differ in shape");
    }
    ZK_TRY(check_layer_shape(layer, previous));
    ZK_GET(relu, in.u8());
    if (relu > 1) return fail("key: bad relu flag");
    layer.relu = relu == 1;
    ZK_GET(scale, get_scale(in));
    layer.scale = scale;
    if (layer.kind == LayerKind::rewire) {
      // Every output names a value of the inputs (or the pad value, within [-Q, Q]).
      ZK_GET(pad, get_i64(in));
      if (pad < -vk.spec.input_bound || pad > vk.spec.input_bound) return fail("key: pad value out of range");
      layer.pad_value = pad;
      ZK_GET(entries, in.u32());
      if (entries != layer.out.size() || in.remaining() / 4 < entries) return fail("key: bad source map");
      uint64_t total = 0;
      int64_t r_lo = std::numeric_limits<int64_t>::max(), r_hi = std::numeric_limits<int64_t>::min();
      for (int32_t s : layer.inputs) {
        const Layer* src = s < 0 ? nullptr : &vk.spec.layers[static_cast<size_t>(s)];
        total += src ? src->out.size() : input_shape.size();
        r_lo = std::min(r_lo, src ? src->lo : -vk.spec.input_bound);
        r_hi = std::max(r_hi, src ? src->hi : vk.spec.input_bound);
      }
      for (uint32_t j = 0; j < entries; ++j) {
        ZK_GET(e, in.u32());
        if (e > total) return fail("key: bad source map");
        if (e == 0) r_lo = std::min(r_lo, pad), r_hi = std::max(r_hi, pad);
        layer.source_map.push_back(e);
      }
      layer.lo = r_lo;
      layer.hi = r_hi;
      vk.spec.layers.push_back(std::move(layer));
      continue;
    }
    if (layer.kind == LayerKind::softmax) {
      // E tabulated over the gaps [0, hi - lo] of the previous layer's range, values in [0, 2^24];
      // outputs in [0, out_max], out_max in [1, Q]; the division within the field (softmax_bounds).
      ZK_GET(axis, in.u8());
      if (axis > static_cast<uint8_t>(RowAxis::w)) return fail("key: bad softmax axis");
      layer.row_axis = static_cast<RowAxis>(axis);
      ZK_GET(out_max, get_i64(in));
      if (out_max < 1 || out_max > vk.spec.input_bound) return fail("key: softmax output range out of bounds");
      ZK_GET(entries, get_u32_in(in, 1, kMaxTableEntries, "table size"));
      if (static_cast<int64_t>(entries) != hi - lo + 1) return fail("key: the table does not match its input range");
      if (in.remaining() / 8 < entries) return fail("key: truncated table");
      for (uint32_t i = 0; i < entries; ++i) {
        ZK_GET(v, get_i64(in));
        if (v < 0 || v > (int64_t{1} << kMaxSoftmaxExpBits)) return fail("key: exp table value out of range");
        layer.table.push_back(v);
      }
      layer.lo = 0;
      layer.hi = out_max;
      if (auto bounded = softmax_bounds(layer); !bounded) return fail("key: " + bounded.error());
      vk.spec.layers.push_back(std::move(layer));
      continue;
    }
    if (layer.kind == LayerKind::table) {
      // f tabulated exactly over the previous layer's range [lo, hi], values within [-Q, Q].
      ZK_GET(offset, get_i64(in));
      ZK_GET(channels, get_u32_in(in, 1, layer.out.c, "table channels"));
      if (channels != 1 && channels != layer.out.c) return fail("key: table channels");
      layer.table_channels = channels;
      ZK_GET(entries, get_u32_in(in, 1, kMaxTableEntries, "table size"));
      if (offset != lo || static_cast<int64_t>(entries) != (hi - lo + 1) * channels)
        return fail("key: the table does not match its input range");
      if (in.remaining() / 8 < entries) return fail("key: truncated table");
      layer.table_offset = offset;
      for (uint32_t i = 0; i < entries; ++i) {
        ZK_GET(v, get_i64(in));
        if (v < -vk.spec.input_bound || v > vk.spec.input_bound) return fail("key: table value out of range");
        layer.table.push_back(v);
      }
      layer.lo = std::min<int64_t>(0, *std::min_element(layer.table.begin(), layer.table.end()));
      layer.hi = std::max<int64_t>(0, *std::max_element(layer.table.begin(), layer.table.end()));
      vk.spec.layers.push_back(std::move(layer));
      continue;
    }
    if (!layer.requantizes()) {
      layer.lo = lo;
      layer.hi = hi;
      vk.spec.layers.push_back(std::move(layer));
      continue;
    }
    ZK_GET(shift, get_u32_in(in, 1, 62, "shift"));
    layer.shift = shift;
    const uint64_t per_unit = layer.kind == LayerKind::sum_pool ? uint64_t{layer.out.h} * layer.out.w
                              : layer.kind == LayerKind::add ? layer.inputs.size()
                              : layer.kind == LayerKind::mul ? 1
                                                             : layer.out.c;
    ZK_GET(multiplier_count, get_u32_in(in, 1, kMaxFeatures, "multiplier count"));
    if (multiplier_count != per_unit && (multiplier_count != 1 || layer.kind == LayerKind::add))
      return fail("key: multiplier count");
    for (uint32_t i = 0; i < multiplier_count; ++i) {
      ZK_GET(m, get_i64(in));
      if (m == 0 || m <= -(int64_t{1} << 40) || m >= (int64_t{1} << 40)) return fail("key: multiplier out of range");
      layer.multipliers.push_back(m);
    }
    ZK_GET(layer_lo, get_i64(in));
    ZK_GET(layer_hi, get_i64(in));
    if (layer_lo > 0 || layer_hi < 0 || layer_lo >= layer_hi || layer_hi - layer_lo >= (int64_t{1} << kMaxLimbBits) ||
        -layer_lo > vk.spec.input_bound || layer_hi > vk.spec.input_bound)
      return fail("key: clamp bounds out of range");
    layer.lo = layer_lo;
    layer.hi = layer_hi;
    ZK_GET(slack, get_u32_in(in, 1, 62, "slack bits"));
    layer.slack_bits = slack;
    vk.spec.layers.push_back(std::move(layer));
  }
  ZK_TRY(read_inputs_and_outputs(in, vk.spec));
  if (vk.visibility.weights_shown()) {
    ZK_TRY(read_public_weights(in, vk));
    return vk;
  }
  const auto layout = detail::weight_layout(vk.spec);
  ZK_GET(commitments, in.u32());
  if (commitments != layout.group_vars.size()) return fail("key: wrong number of weight commitments");
  for (uint32_t g = 0; g < commitments; ++g) {
    auto c = pcs::Commitment::deserialize(in);
    if (!c) return fail("key: " + c.error());
    if (c->num_vars != layout.group_vars[g] || c->num_polys != layout.polys(g) ||
        c->rate_bits != vk.params.rate_bits || c->hiding != vk.spec.zero_knowledge || (c->hiding && c->mask_vars == 0))
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

std::optional<uint64_t> zero_knowledge_proofs(const VerifyingKey& vk) {
  std::optional<uint64_t> fewest;
  for (const auto& c : vk.weight_commitments)
    if (c.hiding) fewest = std::min(fewest.value_or(UINT64_MAX), pcs::openings_supported(vk.params, c));
  return fewest;
}

pcs::Params params_for(ParamsPreset preset) {
  return preset == ParamsPreset::proven ? pcs::proven_params() : pcs::conjectured_params();
}

Result<ProvingKey> setup(const model::IntModel& model, ParamsPreset preset, Visibilities visibility,
                         bool zero_knowledge, uint64_t proofs) {
  pcs::Params params = params_for(preset);
  params.hiding = zero_knowledge;
  ZK_TRY(pcs::validate(params));
  if (proofs < 1 || proofs > kMaxZeroKnowledgeProofs || (!zero_knowledge && proofs != 1))
    return fail("zkml: setup: the proofs to support must be in [1, 2^40] (1 for plain proofs)");
  pcs::Params weight_params = params;  // the per-proof commitments are opened once
  weight_params.hiding_openings = proofs;
  ProvingKey pk;
  auto spec = extract_spec(model, &pk.weights, &pk.biases);
  if (!spec) return fail(spec.error());
  pk.vk.spec = std::move(*spec);
  pk.vk.spec.zero_knowledge = zero_knowledge;
  pk.vk.proofs = proofs;
  pk.vk.preset = preset;
  pk.vk.params = params;
  pk.vk.visibility = visibility;
  if (visibility.weights_shown()) {
    pk.vk.weights = pk.weights;
    pk.vk.biases = pk.biases;
    return pk;
  }
  auto committed = commit_weights(pk.vk.spec, weight_params, pk.weights, pk.biases);
  if (!committed) return fail(committed.error());
  pk.committed = std::move(*committed);
  for (const auto& c : pk.committed) pk.vk.weight_commitments.push_back(c.commitment());
  return pk;
}

namespace {

// "ZKMLPK" ‖ u32 version ‖ u64 length of the whole key ‖ u64 checksum ‖ the verifying key ‖ each
// weight commitment's prover data. The checksum covers every byte after the header except the
// prover data's codewords (80% of a key): those are checked where they are used, each opened
// leaf against the stored Merkle level (pcs::open), and in full by `zkinfer inspect`.
constexpr std::string_view kProvingKeyMagic = "ZKMLPK";
constexpr size_t kLengthAt = 10, kChecksumAt = 18, kProvingKeyHeader = 26;

void write_le64(uint8_t* bytes, uint64_t v) {
  for (size_t i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(v >> (8 * i));
}

// The parts of a key the checksum covers, in file order: from the header to the first
// codewords, between the codewords of consecutive commitments, and after the last ones (the
// prover data starts at vk_end).
Result<std::vector<std::span<const uint8_t>>> checksummed_parts(std::span<const uint8_t> bytes, size_t vk_end,
                                                                 const std::vector<pcs::Commitment>& commitments) {
  std::vector<std::span<const uint8_t>> parts;
  size_t from = kProvingKeyHeader, offset = vk_end;
  for (const auto& c : commitments) {
    ZK_GET(extent, pcs::CommittedPolynomials::extent(c, offset));
    if (extent.end > bytes.size()) return fail("key: truncated (the weight commitments need more bytes)");
    parts.push_back(bytes.subspan(from, extent.codewords - from));
    from = offset = extent.end;
  }
  parts.push_back(bytes.subspan(from));
  return parts;
}

// checksum of the little-endian checksums of the parts.
uint64_t parts_checksum(std::span<const std::span<const uint8_t>> parts,
                        const std::function<void(std::span<const uint8_t>)>& chunk_done = {}) {
  std::vector<uint8_t> digests(8 * parts.size());
  for (size_t i = 0; i < parts.size(); ++i) write_le64(digests.data() + 8 * i, checksum(parts[i], chunk_done));
  return checksum(digests);
}

}  // namespace

std::vector<uint8_t> ProvingKey::to_bytes() const {
  ByteWriter out;
  for (char c : kProvingKeyMagic) out.u8(static_cast<uint8_t>(c));
  out.u32(kProvingKeyVersion);
  out.u64(0);  // length and checksum, written last
  out.u64(0);
  vk.serialize(out);
  const size_t vk_end = out.size();
  for (const auto& c : committed) c.serialize(out);
  std::vector<uint8_t> bytes = std::move(out).take();
  write_le64(bytes.data() + kLengthAt, bytes.size());
  auto parts = checksummed_parts(bytes, vk_end, vk.weight_commitments);
  if (!parts) throw std::logic_error("zkml: " + parts.error());  // the key's own commitments
  write_le64(bytes.data() + kChecksumAt, parts_checksum(*parts));
  return bytes;
}

Result<ProvingKey> ProvingKey::from_bytes(const SharedBytes& bytes) {
  ByteReader in(bytes.span());
  auto magic = in.take(kProvingKeyMagic.size());
  if (!magic || std::memcmp(magic->data(), kProvingKeyMagic.data(), kProvingKeyMagic.size()) != 0)
    return fail("key: not a zkinfer proving key");
  ZK_GET(version, in.u32());
  if (version != kProvingKeyVersion) return fail("key: unsupported proving key version " + std::to_string(version));
  ZK_GET(length, in.u64());
  ZK_GET(stored_checksum, in.u64());
  if (length != bytes.size())
    return fail("key: the file has " + std::to_string(bytes.size()) + " bytes, its header says " +
                std::to_string(length) + (length > bytes.size() ? " (truncated)" : ""));
  auto vk = VerifyingKey::deserialize(in);
  if (!vk) return fail(vk.error() + " (the file is corrupted)");
  ZK_GET(parts, checksummed_parts(bytes.span(), in.position(), vk->weight_commitments));
  // Pages stay resident only where the prover reads them later (the tables).
  if (parts_checksum(parts, [&bytes](std::span<const uint8_t> chunk) { bytes.release_resident(chunk); }) !=
      stored_checksum)
    return fail("key: checksum mismatch: the file is corrupted");
  ProvingKey pk;
  pk.vk = std::move(*vk);
  for (const auto& commitment : pk.vk.weight_commitments) {
    auto c = pcs::CommittedPolynomials::deserialize(in, commitment, pk.vk.params, bytes.owner());
    if (!c) return fail("key: weight commitment " + std::to_string(pk.committed.size()) + ": " + c.error());
    pk.committed.push_back(std::move(*c));
  }
  ZK_TRY(in.expect_end());
  ZK_TRY(read_weight_tables(pk));
  return pk;
}

namespace {

// The batch of one array per tensor of `sizes` values each (batch rows back to back, the same
// batch for all): an error naming `what` otherwise.
Result<size_t> batch_of(std::span<const std::vector<double>> arrays, const std::vector<uint64_t>& sizes, const char* what) {
  if (arrays.size() != sizes.size())
    return fail(std::string("the model has ") + std::to_string(sizes.size()) + " " + what + "s, got " +
                std::to_string(arrays.size()));
  const size_t batch = arrays[0].size() / sizes[0];
  if (batch == 0 || batch > kMaxBatch) return fail(std::string(what) + " 0 is not a batch of rows of " + std::to_string(sizes[0]) + " values");
  for (size_t k = 0; k < sizes.size(); ++k)
    if (arrays[k].size() != batch * sizes[k])
      return fail(std::string(what) + " " + std::to_string(k) + ": " + std::to_string(arrays[k].size()) +
                  " values are not " + std::to_string(batch) + " rows of " + std::to_string(sizes[k]));
  return batch;
}

std::vector<uint64_t> output_sizes(const ModelSpec& spec) {
  std::vector<uint64_t> sizes;
  for (size_t k = 0; k < spec.outputs.size(); ++k) sizes.push_back(spec.output_shape(k).size());
  return sizes;
}

}  // namespace

Result<std::vector<int64_t>> quantize_input(const ModelSpec& spec, std::span<const std::vector<double>> inputs) {
  std::vector<uint64_t> sizes;
  for (const auto& input : spec.inputs) sizes.push_back(input.shape.size());
  ZK_GET(batch, batch_of(inputs, sizes, "input"));
  const auto q = static_cast<double>(spec.input_bound);
  std::vector<int64_t> out;
  out.reserve(batch * spec.input_features());
  for (size_t b = 0; b < batch; ++b)
    for (size_t k = 0; k < sizes.size(); ++k)
      for (size_t j = b * sizes[k]; j < (b + 1) * sizes[k]; ++j) {
        const double v = inputs[k][j];
        if (!std::isfinite(v)) return fail("input " + std::to_string(k) + " holds a non-finite value");
        out.push_back(static_cast<int64_t>(std::llround(std::clamp(v / spec.inputs[k].scale, -q, q))));
      }
  return out;
}

std::vector<std::vector<double>> dequantize_output(const ModelSpec& spec, std::span<const int64_t> output) {
  const auto sizes = output_sizes(spec);
  std::vector<std::vector<double>> out(sizes.size());
  for (size_t at = 0; at < output.size();)
    for (size_t k = 0; k < sizes.size(); ++k)
      for (uint64_t j = 0; j < sizes[k] && at < output.size(); ++j, ++at)
        out[k].push_back(static_cast<double>(output[at]) * spec.output_scale(k));
  return out;
}

Result<std::vector<int64_t>> quantize_output(const ModelSpec& spec, std::span<const std::vector<double>> outputs) {
  const auto sizes = output_sizes(spec);
  ZK_GET(batch, batch_of(outputs, sizes, "output"));
  std::vector<int64_t> out;
  for (size_t b = 0; b < batch; ++b)
    for (size_t k = 0; k < sizes.size(); ++k)
      for (size_t j = b * sizes[k]; j < (b + 1) * sizes[k]; ++j) {
        const double q = outputs[k][j] / spec.output_scale(k);
        if (!std::isfinite(q) || std::fabs(q) > 1e15) return fail("output " + std::to_string(k) + " holds a value out of range");
        out.push_back(static_cast<int64_t>(std::llround(q)));
      }
  return out;
}

}  // namespace zk::zkml
