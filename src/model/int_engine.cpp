#include "model/int_engine.hpp"

#include <cmath>

namespace zk::model {

namespace {

Error overflow(const IntLayer& layer) {
  return fail("layer '" + layer.name + "' (" + layer_op_name(layer.op) +
              "): an integer intermediate leaves (-2^62, 2^62)");
}

IntTensor as_2d(const IntTensor& t) {
  IntTensor out = t;
  if (out.shape.size() == 3) out.shape.insert(out.shape.begin() + 2, 1);
  return out;
}

// Index of the requant multiplier for accumulator element `i` of a tensor of `shape`.
std::size_t multiplier_index(const Requant& rq, const Shape& shape, std::size_t i) {
  if (rq.per_element) return i;
  if (rq.multipliers.size() <= 1) return 0;
  int64_t inner = 1;
  for (std::size_t d = rq.channel_axis + 1; d < shape.size(); ++d) inner *= shape[d];
  return static_cast<std::size_t>((static_cast<int64_t>(i) / inner) % shape[rq.channel_axis]);
}

Status add_bias(const IntLayer& layer, IntTensor& acc) {
  if (layer.bias.data.empty()) return {};
  const auto offsets = broadcast_offsets(layer.bias.shape, acc.shape);
  for (std::size_t i = 0; i < acc.data.size(); ++i)
    if (!IntArith::add(acc.data[i], layer.bias.data[offsets[i]])) return overflow(layer);
  return {};
}

Status requantize_all(const IntLayer& layer, const IntTensor& acc, IntTensor& out) {
  out.shape = acc.shape;
  out.data.resize(acc.data.size());
  const Requant& rq = layer.requant;
  for (std::size_t i = 0; i < acc.data.size(); ++i) {
    auto y = requantize(acc.data[i], rq.multipliers[multiplier_index(rq, acc.shape, i)], rq.shift,
                        rq.lo, rq.hi);
    if (!y) return fail("layer '" + layer.name + "': " + y.error());
    out.data[i] = *y;
  }
  return {};
}

// Broadcast elementwise product a * b (b may be the layer's weights).
Status multiply(const IntLayer& layer, const IntTensor& a, const IntTensor& b, IntTensor& acc) {
  acc.shape = layer.shape;
  const auto oa = broadcast_offsets(a.shape, acc.shape), ob = broadcast_offsets(b.shape, acc.shape);
  acc.data.assign(oa.size(), 0);
  for (std::size_t i = 0; i < oa.size(); ++i)
    if (!IntArith::mul_add(acc.data[i], a.data[oa[i]], b.data[ob[i]])) return overflow(layer);
  return {};
}

Status run_matmul(const IntLayer& layer, const IntTensor& a_in, const IntTensor& b_in, IntTensor& acc) {
  IntTensor a = a_in, b = b_in;
  if (a.shape.size() == 1) a.shape.insert(a.shape.begin(), 1);
  if (b.shape.size() == 1) b.shape.push_back(1);
  auto batch = broadcast_shapes(Shape(a.shape.begin(), a.shape.end() - 2),
                                Shape(b.shape.begin(), b.shape.end() - 2));
  if (!batch || a.shape.back() != b.shape[b.shape.size() - 2])
    return fail("layer '" + layer.name + "': MatMul shapes do not fit");
  if (!matmul<IntArith>(a, b, *batch, acc)) return overflow(layer);
  acc.shape = layer.shape;
  return {};
}

Status run_softmax(const IntLayer& layer, const IntTensor& x, LayerTrace& trace) {
  const int64_t outer = layer.softmax_outer, length = layer.softmax_length, inner = layer.softmax_inner;
  trace.accumulator = {x.shape, std::vector<int64_t>(x.data.size())};
  trace.output = {layer.shape, std::vector<int64_t>(x.data.size())};
  trace.row_sums = {{outer * inner}, std::vector<int64_t>(static_cast<std::size_t>(outer * inner))};
  const auto table_size = static_cast<int64_t>(layer.table.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t base = o * length * inner + i;
      int64_t peak = x.data[base];
      for (int64_t j = 1; j < length; ++j) peak = std::max(peak, x.data[base + j * inner]);
      int64_t sum = 0;
      for (int64_t j = 0; j < length; ++j) {
        const int64_t index = x.data[base + j * inner] - peak - layer.table_offset;
        if (index < 0 || index >= table_size)
          return fail("layer '" + layer.name + "': softmax table index out of range");
        const int64_t e = layer.table[index];
        trace.accumulator.data[base + j * inner] = e;
        if (!IntArith::add(sum, e)) return overflow(layer);
      }
      trace.row_sums.data[o * inner + i] = sum;
      for (int64_t j = 0; j < length; ++j) {
        int64_t numerator;
        if (__builtin_mul_overflow(trace.accumulator.data[base + j * inner],
                                   2 * layer.softmax_output_max, &numerator) ||
            !IntArith::add(numerator, sum) || !IntArith::in_bound(2 * sum))
          return overflow(layer);
        trace.output.data[base + j * inner] = numerator / (2 * sum);  // both positive: floor
      }
    }
  return {};
}

Status run_layer(const IntLayer& layer, const std::vector<const IntTensor*>& in, LayerTrace& trace) {
  IntTensor& out = trace.output;
  IntTensor& acc = trace.accumulator;
  switch (layer.op) {
    case LayerOp::Input:
      return {};
    case LayerOp::Constant:
      out = layer.weights;
      return {};
    case LayerOp::MatMul: {
      auto st = run_matmul(layer, *in[0], in.size() > 1 ? *in[1] : layer.weights, acc);
      if (!st) return st;
      break;
    }
    case LayerOp::Conv: {
      if (!conv2d<IntArith>(as_2d(*in[0]), as_2d(layer.weights), layer.window, layer.group, acc))
        return overflow(layer);
      acc.shape = layer.shape;
      break;
    }
    case LayerOp::Add: {
      acc = {layer.shape, std::vector<int64_t>(static_cast<std::size_t>(numel(layer.shape)), 0)};
      for (std::size_t k = 0; k < in.size(); ++k) {
        const auto offsets = broadcast_offsets(in[k]->shape, layer.shape);
        for (std::size_t i = 0; i < offsets.size(); ++i)
          if (!IntArith::mul_add(acc.data[i], in[k]->data[offsets[i]], layer.input_multipliers[k]))
            return overflow(layer);
      }
      break;
    }
    case LayerOp::Mul: {
      auto st = multiply(layer, *in[0], in.size() > 1 ? *in[1] : layer.weights, acc);
      if (!st) return st;
      break;
    }
    case LayerOp::Rescale:
      acc = *in[0];
      break;
    case LayerOp::Relu:
      out = *in[0];
      for (auto& v : out.data) v = std::max<int64_t>(v, 0);
      return {};
    case LayerOp::PRelu: {
      out = *in[0];
      const auto offsets = broadcast_offsets(layer.weights.shape, out.shape);
      for (std::size_t i = 0; i < out.data.size(); ++i) {
        if (out.data[i] >= 0) continue;
        auto y = requantize(out.data[i], layer.weights.data[offsets[i]], layer.requant.shift,
                            layer.requant.lo, layer.requant.hi);
        if (!y) return overflow(layer);
        out.data[i] = *y;
      }
      return {};
    }
    case LayerOp::Clip:
      out = *in[0];
      for (auto& v : out.data) v = std::clamp(v, layer.clip_lo, layer.clip_hi);
      return {};
    case LayerOp::MaxPool:
    case LayerOp::SumPool: {
      std::vector<int64_t> counts;
      const bool is_max = layer.op == LayerOp::MaxPool;
      if (!pool2d<IntArith>(as_2d(*in[0]), layer.window, is_max ? PoolKind::Max : PoolKind::Sum,
                            false, is_max ? out : acc, counts))
        return overflow(layer);
      (is_max ? out : acc).shape = layer.shape;
      if (is_max) return {};
      break;
    }
    case LayerOp::Lookup: {
      out = *in[0];
      const auto size = static_cast<int64_t>(layer.table.size());
      for (auto& v : out.data) {
        const int64_t index = v - layer.table_offset;
        if (index < 0 || index >= size)
          return fail("layer '" + layer.name + "': lookup index " + std::to_string(v) +
                      " outside the table");
        v = layer.table[index];
      }
      return {};
    }
    case LayerOp::Softmax:
      return run_softmax(layer, *in[0], trace);
    case LayerOp::Reshape:
      out = {layer.shape, in[0]->data};
      return {};
    case LayerOp::Transpose:
      out = transpose(*in[0], layer.perm);
      return {};
    case LayerOp::Concat: {
      std::vector<const IntTensor*> parts(in.begin(), in.end());
      out = concat(parts, layer.axis);
      return {};
    }
    case LayerOp::Pad:
      out = pad(*in[0], layer.pads, layer.pad_mode, layer.pad_value);
      return {};
    case LayerOp::Slice:
      out = slice(*in[0], layer.starts, layer.steps, layer.shape);
      return {};
    case LayerOp::Gather:
      out = gather(*in[0], layer.axis, layer.indices, layer.index_shape);
      return {};
  }
  auto st = add_bias(layer, acc);
  if (!st) return st;
  return requantize_all(layer, acc, out);
}

}  // namespace

Result<IntTrace> run_int(const IntModel& model, const std::vector<IntTensor>& inputs) {
  if (inputs.size() != model.input_layers.size())
    return fail("the model has " + std::to_string(model.input_layers.size()) + " inputs, got " +
                std::to_string(inputs.size()));
  IntTrace trace;
  trace.layers.resize(model.layers.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const IntLayer& layer = model.layers[model.input_layers[i]];
    if (inputs[i].shape != layer.shape || inputs[i].data.size() != static_cast<std::size_t>(numel(layer.shape)))
      return fail("input " + std::to_string(i) + " has shape " + shape_to_string(inputs[i].shape) +
                  ", the model expects " + shape_to_string(layer.shape));
    trace.layers[model.input_layers[i]].output = inputs[i];
  }
  int64_t total = 0;
  for (std::size_t l = 0; l < model.layers.size(); ++l) {
    const IntLayer& layer = model.layers[l];
    std::vector<const IntTensor*> in;
    for (int id : layer.inputs) in.push_back(&trace.layers[id].output);
    auto status = run_layer(layer, in, trace.layers[l]);
    if (!status) return fail(status.error());
    const IntTensor& out = trace.layers[l].output;
    if (out.shape != layer.shape || out.data.size() != static_cast<std::size_t>(numel(layer.shape)))
      return fail("layer '" + layer.name + "' produced shape " + shape_to_string(out.shape) +
                  ", expected " + shape_to_string(layer.shape));
    total += static_cast<int64_t>(out.data.size() + trace.layers[l].accumulator.data.size());
    if (total > Limits::kMaxTotalElements) return fail("the trace exceeds the element limit");
  }
  return trace;
}

Result<std::vector<IntTensor>> quantize_inputs(const IntModel& model,
                                               const std::vector<FloatTensor>& inputs) {
  if (inputs.size() != model.input_layers.size())
    return fail("the model has " + std::to_string(model.input_layers.size()) + " inputs, got " +
                std::to_string(inputs.size()));
  const int64_t q_max = (int64_t{1} << (model.bits - 1)) - 1;
  std::vector<IntTensor> out;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const IntLayer& layer = model.layers[model.input_layers[i]];
    IntTensor q{inputs[i].shape, {}};
    for (double v : inputs[i].data) {
      if (!std::isfinite(v)) return fail("input " + std::to_string(i) + " holds a non-finite value");
      const double scaled = std::clamp(v / layer.scale, -static_cast<double>(q_max), static_cast<double>(q_max));
      q.data.push_back(static_cast<int64_t>(std::llround(scaled)));
    }
    out.push_back(std::move(q));
  }
  return out;
}

std::vector<FloatTensor> dequantize_outputs(const IntModel& model, const IntTrace& trace) {
  std::vector<FloatTensor> out;
  for (int id : model.output_layers) {
    const IntTensor& t = trace.layers[id].output;
    FloatTensor f{t.shape, {}};
    for (int64_t v : t.data) f.data.push_back(static_cast<double>(v) * model.layers[id].scale);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace zk::model
