#include "model/quantize.hpp"

#include <bit>
#include <cmath>
#include <map>

#include "model/float_engine.hpp"
#include "model/ops.hpp"

namespace zk::model {

const char* layer_op_name(LayerOp op) {
  switch (op) {
    case LayerOp::Input: return "Input";
    case LayerOp::Constant: return "Constant";
    case LayerOp::MatMul: return "MatMul";
    case LayerOp::Conv: return "Conv";
    case LayerOp::Add: return "Add";
    case LayerOp::Mul: return "Mul";
    case LayerOp::Rescale: return "Rescale";
    case LayerOp::Relu: return "Relu";
    case LayerOp::PRelu: return "PRelu";
    case LayerOp::Clip: return "Clip";
    case LayerOp::MaxPool: return "MaxPool";
    case LayerOp::SumPool: return "SumPool";
    case LayerOp::Lookup: return "Lookup";
    case LayerOp::Softmax: return "Softmax";
    case LayerOp::Reshape: return "Reshape";
    case LayerOp::Transpose: return "Transpose";
    case LayerOp::Concat: return "Concat";
    case LayerOp::Pad: return "Pad";
    case LayerOp::Slice: return "Slice";
    case LayerOp::Gather: return "Gather";
  }
  return "?";
}

std::pair<int64_t, int> choose_multiplier(double ratio, int precision_bits) {
  if (ratio == 0 || !std::isfinite(ratio)) return {0, 1};
  const int exponent = std::ilogb(ratio);  // 2^exponent <= |ratio| < 2^(exponent+1)
  const int shift = std::clamp(precision_bits - 1 - exponent, 1, 62);
  const double scaled = std::ldexp(ratio, shift);
  const double limit = std::ldexp(1.0, 62) - 1024;
  return {static_cast<int64_t>(std::llround(std::clamp(scaled, -limit, limit))), shift};
}

Result<int64_t> requantize(int64_t acc, int64_t multiplier, int shift, int64_t lo, int64_t hi) {
  int64_t product;
  if (__builtin_mul_overflow(acc, multiplier, &product) || !IntArith::in_bound(product))
    return fail("requantization product " + std::to_string(acc) + " * " + std::to_string(multiplier) +
                " leaves (-2^62, 2^62)");
  const int64_t rounded = product + (int64_t{1} << (shift - 1));
  if (!IntArith::in_bound(rounded)) return fail("requantization sum leaves (-2^62, 2^62)");
  return std::clamp<int64_t>(rounded >> shift, lo, hi);
}

Result<Calibration> calibrate(const Graph& graph,
                              const std::vector<std::vector<FloatTensor>>& input_sets) {
  Calibration calibration;
  for (const auto& inputs : input_sets) {
    auto run = run_float(graph, inputs);
    if (!run) return fail("calibration run failed: " + run.error());
    for (const auto& [name, value] : run->values) {
      double& peak = calibration.max_abs[name];
      for (double v : value.data)
        if (std::isfinite(v)) peak = std::max(peak, std::fabs(v));
    }
  }
  return calibration;
}

namespace {

constexpr int kSoftmaxExpBits = 20;   // exp table values are round(e^x * 2^20)
constexpr int kAddPrecisionBits = 20; // Add input multipliers carry about 20 bits

int bit_width(double bound) { return bound < 1 ? 0 : std::ilogb(bound) + 1; }

// Bits of a requant multiplier M (|M| < 2^precision): bits + 10, so that M's relative rounding
// error 2^-(bits + 10) moves an output of at most 2^(bits - 1) by under 2^-11 of its unit, even for
// a channel whose ratio is 2^-8 of the largest one sharing its shift; and |acc * M| stays below
// 2^61 for |acc| <= bound. More bits would only lengthen the shift k, and with it the remainder r
// in [0, 2^k) that every proof range-checks in 16-bit limbs (docs/zkml.md, "Requantization").
int precision_for(double acc_bound, int bits) {
  return std::clamp(std::min(61 - bit_width(acc_bound), bits + 10), 8, 31);
}

int64_t round_to_int(double v) {
  const double limit = std::ldexp(1.0, 62);
  return static_cast<int64_t>(std::llround(std::clamp(v, -limit + 1024, limit - 1024)));
}

class Quantizer {
 public:
  Quantizer(const Graph& graph, const Calibration& calibration, const QuantOptions& options)
      : graph_(graph), calibration_(calibration), options_(options),
        q_max_((int64_t{1} << (options.bits - 1)) - 1) {}

  Result<IntModel> run() {
    model_.bits = options_.bits;
    for (const auto& input : graph_.inputs) {
      IntLayer layer;
      layer.op = LayerOp::Input;
      layer.name = input.name;
      layer.source_op = "Input";
      layer.shape = graph_.shapes.at(input.name);
      layer.scale = calibrated_scale(input.name);
      model_.input_layers.push_back(add(std::move(layer), input.name));
    }
    for (const auto& node : graph_.nodes) {
      auto status = lower(node);
      if (!status) return fail("node '" + node.name + "' (" + node.op + "): " + status.error());
    }
    for (const auto& name : graph_.outputs) {
      auto id = operand(name, nullptr);
      if (!id) return fail("graph output '" + name + "': " + id.error());
      model_.output_layers.push_back(*id);
      model_.output_names.push_back(name);
    }
    return std::move(model_);
  }

 private:
  int add(IntLayer layer, const std::string& value_name) {
    model_.layers.push_back(std::move(layer));
    const int id = static_cast<int>(model_.layers.size()) - 1;
    if (!value_name.empty()) layer_of_[value_name] = id;
    return id;
  }

  double calibrated_scale(const std::string& name) const {
    auto it = calibration_.max_abs.find(name);
    const double peak = it != calibration_.max_abs.end() && it->second > 0 ? it->second : 1.0;
    return peak / static_cast<double>(q_max_);
  }

  int64_t quantize_value(double v, double scale) const {
    return std::clamp<int64_t>(round_to_int(v / scale), -q_max_, q_max_);
  }

  static double max_abs(const std::vector<double>& values) {
    double peak = 0;
    for (double v : values) peak = std::max(peak, std::fabs(v));
    return peak;
  }

  const FloatTensor* constant(const std::string& name) const {
    auto it = graph_.constants.find(name);
    return it == graph_.constants.end() ? nullptr : &it->second;
  }

  // The layer holding value `name`; a constant becomes a Constant layer at `scale` (or its own).
  Result<int> operand(const std::string& name, const double* scale) {
    auto it = layer_of_.find(name);
    if (it != layer_of_.end()) return it->second;
    const FloatTensor* value = constant(name);
    if (!value) return fail("value '" + name + "' is undefined");
    IntLayer layer;
    layer.op = LayerOp::Constant;
    layer.name = name;
    layer.source_op = "Constant";
    layer.shape = value->shape;
    double peak = max_abs(value->data);
    layer.scale = scale ? *scale : (peak > 0 ? peak : 1.0) / static_cast<double>(q_max_);
    layer.weights.shape = value->shape;
    for (double v : value->data) layer.weights.data.push_back(quantize_value(v, layer.scale));
    return add(std::move(layer), scale ? std::string() : name);
  }

  // Weights quantized per tensor, or per channel along `axis`; returns the scale of each channel.
  std::vector<double> quantize_weights(const FloatTensor& w, int64_t axis, IntTensor& out) const {
    const bool per_channel = options_.per_channel && axis >= 0;
    const int64_t channels = per_channel ? w.shape[axis] : 1;
    int64_t inner = 1;
    if (per_channel)
      for (std::size_t d = axis + 1; d < w.shape.size(); ++d) inner *= w.shape[d];
    auto channel_of = [&](std::size_t i) {
      return per_channel ? static_cast<std::size_t>((static_cast<int64_t>(i) / inner) % channels) : 0;
    };
    std::vector<double> peaks(static_cast<std::size_t>(channels), 0.0);
    for (std::size_t i = 0; i < w.data.size(); ++i)
      peaks[channel_of(i)] = std::max(peaks[channel_of(i)], std::fabs(w.data[i]));
    std::vector<double> scales;
    for (double p : peaks) scales.push_back((p > 0 ? p : 1.0) / static_cast<double>(q_max_));
    out.shape = w.shape;
    out.data.clear();
    for (std::size_t i = 0; i < w.data.size(); ++i)
      out.data.push_back(quantize_value(w.data[i], scales[channel_of(i)]));
    return scales;
  }

  // Fills layer.requant for accumulator scales acc_scales (one, or one per channel along axis).
  void set_requant(IntLayer& layer, const std::vector<double>& acc_scales, int64_t axis,
                   double acc_bound) {
    layer.requantizes = true;
    layer.requant.lo = -q_max_;
    layer.requant.hi = q_max_;
    layer.requant.channel_axis = acc_scales.size() > 1 ? axis : -1;
    double largest = 0;
    for (double s : acc_scales) largest = std::max(largest, s / layer.scale);
    const int shift = choose_multiplier(largest, precision_for(acc_bound, options_.bits)).second;
    layer.requant.shift = shift;
    layer.requant.multipliers.clear();
    for (double s : acc_scales) layer.requant.multipliers.push_back(round_to_int(std::ldexp(s / layer.scale, shift)));
  }

  // Bias quantized at the accumulator scale of its channel (channel axis of the output).
  IntTensor quantize_bias(const FloatTensor& bias, const Shape& out_shape, const std::vector<double>& acc_scales,
                          int64_t axis) const {
    IntTensor out;
    out.shape = out_shape;
    const auto offsets = broadcast_offsets(bias.shape, out_shape);
    int64_t inner = 1;
    if (axis >= 0)
      for (std::size_t d = axis + 1; d < out_shape.size(); ++d) inner *= out_shape[d];
    for (std::size_t i = 0; i < offsets.size(); ++i) {
      const std::size_t c = acc_scales.size() > 1
          ? static_cast<std::size_t>((static_cast<int64_t>(i) / inner) % out_shape[axis]) : 0;
      out.data.push_back(round_to_int(bias.data[offsets[i]] / acc_scales[c]));
    }
    return out;
  }

  IntLayer base(const Node& node, LayerOp op) const {
    IntLayer layer;
    layer.op = op;
    layer.name = node.name;
    layer.source_op = node.op;
    layer.shape = graph_.shapes.at(node.outputs[0]);
    layer.scale = calibrated_scale(node.outputs[0]);
    return layer;
  }

  // Layer that keeps its input's scale (exact integer ops and data movement).
  Status passthrough(const Node& node, LayerOp op, int input, IntLayer layer) {
    layer.op = op;
    layer.inputs = {input};
    layer.scale = model_.layers[input].scale;
    add(std::move(layer), node.outputs[0]);
    return {};
  }

  // Weighted linear layer: acc = x (*) w + bias, requantized (MatMul with constant B, Conv, BN).
  Status linear(const Node& node, LayerOp op, int x, const FloatTensor& w, int64_t w_channel_axis,
                const FloatTensor* bias, int64_t out_channel_axis, double terms_per_output) {
    IntLayer layer = base(node, op);
    layer.inputs = {x};
    auto w_scales = quantize_weights(w, w_channel_axis, layer.weights);
    const double sx = model_.layers[x].scale;
    std::vector<double> acc_scales;
    for (double s : w_scales) acc_scales.push_back(sx * s);
    double bias_peak = 0;
    if (bias) {
      layer.bias = quantize_bias(*bias, layer.shape, acc_scales, out_channel_axis);
      for (int64_t b : layer.bias.data) bias_peak = std::max(bias_peak, std::fabs(static_cast<double>(b)));
    }
    const double bound = terms_per_output * static_cast<double>(q_max_ * q_max_) + bias_peak;
    set_requant(layer, acc_scales, out_channel_axis, bound);
    add(std::move(layer), node.outputs[0]);
    return {};
  }

  Status lower_gemm(const Node& node, int a) {
    const FloatTensor* b = constant(node.input(1));
    if (!b || b->shape.size() != 2) return fail("Gemm needs a constant 2-D B");
    if (node.int_attr("transA", 0)) return fail("Gemm with transA is not supported");
    FloatTensor w = node.int_attr("transB", 0) ? transpose(*b, {1, 0}) : *b;
    const double alpha = node.float_attr("alpha", 1.0), beta = node.float_attr("beta", 1.0);
    for (double& v : w.data) v *= alpha;
    FloatTensor bias;
    const FloatTensor* c = constant(node.input(2));
    if (!node.input(2).empty() && !c) return fail("Gemm needs a constant C");
    if (c) {
      bias = *c;
      for (double& v : bias.data) v *= beta;
    }
    return linear(node, LayerOp::MatMul, a, w, 1, c ? &bias : nullptr, 1,
                  static_cast<double>(w.shape[0]));
  }

  Status lower_matmul(const Node& node) {
    const FloatTensor* b = constant(node.input(1));
    auto a = operand(node.input(0), nullptr);
    if (!a) return fail(a.error());
    const Shape& a_shape = model_.layers[*a].shape;
    if (b && b->shape.size() >= 2) {
      const auto out_axis = static_cast<int64_t>(graph_.shapes.at(node.outputs[0]).size()) - 1;
      return linear(node, LayerOp::MatMul, *a, *b, static_cast<int64_t>(b->shape.size()) - 1, nullptr,
                    out_axis, static_cast<double>(a_shape.back()));
    }
    auto bid = operand(node.input(1), nullptr);
    if (!bid) return fail(bid.error());
    IntLayer layer = base(node, LayerOp::MatMul);
    layer.inputs = {*a, *bid};
    set_requant(layer, {model_.layers[*a].scale * model_.layers[*bid].scale}, -1,
                static_cast<double>(a_shape.back()) * static_cast<double>(q_max_ * q_max_));
    add(std::move(layer), node.outputs[0]);
    return {};
  }

  Status lower_conv(const Node& node, int x) {
    const FloatTensor* w = constant(node.input(1));
    if (!w) return fail("Conv needs constant weights");
    const FloatTensor* b = constant(node.input(2));
    if (!node.input(2).empty() && !b) return fail("Conv needs a constant bias");
    const Shape& x_shape = model_.layers[x].shape;
    auto win = resolve_window(node, x_shape, &w->shape);
    if (!win) return fail(win.error());
    FloatTensor bias;
    if (b) {
      bias = *b;
      bias.shape = {w->shape[0]};
      bias.shape.resize(x_shape.size() - 1, 1);
    }
    const Status status = linear(node, LayerOp::Conv, x, *w, 0, b ? &bias : nullptr, 1,
                                 static_cast<double>(numel(w->shape) / w->shape[0]));
    if (!status) return status;
    model_.layers.back().window = *win;
    model_.layers.back().group = node.int_attr("group", 1);
    return {};
  }

  Status lower_add(const Node& node, bool subtract) {
    IntLayer layer = base(node, LayerOp::Add);
    const FloatTensor* constants[2] = {constant(node.input(0)), constant(node.input(1))};
    std::vector<double> ratios;
    for (int i = 0; i < 2; ++i) {
      if (constants[i]) continue;
      auto id = operand(node.input(i), nullptr);
      if (!id) return fail(id.error());
      layer.inputs.push_back(*id);
      ratios.push_back((i == 1 && subtract ? -1.0 : 1.0) * model_.layers[*id].scale / layer.scale);
    }
    double largest = 0;
    for (double r : ratios) largest = std::max(largest, std::fabs(r));
    const int shift = choose_multiplier(largest, kAddPrecisionBits + 1).second;
    for (double r : ratios) layer.input_multipliers.push_back(round_to_int(std::ldexp(r, shift)));
    for (int i = 0; i < 2; ++i) {
      if (!constants[i]) continue;
      FloatTensor bias = *constants[i];
      if (i == 1 && subtract)
        for (double& v : bias.data) v = -v;
      layer.bias = quantize_bias(bias, layer.shape, {std::ldexp(layer.scale, -shift)}, -1);
    }
    layer.requantizes = true;
    layer.requant = {{1}, -1, false, shift, -q_max_, q_max_};
    add(std::move(layer), node.outputs[0]);
    return {};
  }

  // Multiplication by a constant tensor, or division when `invert`.
  Status lower_scale_by(const Node& node, int x, const FloatTensor& c, bool invert) {
    FloatTensor factor = c;
    for (double& v : factor.data) {
      if (invert && v == 0) return fail("division by zero");
      if (invert) v = 1.0 / v;
    }
    const double sx = model_.layers[x].scale;
    if (factor.data.size() == 1) {
      IntLayer layer = base(node, LayerOp::Rescale);
      layer.inputs = {x};
      set_requant(layer, {sx * factor.data[0]}, -1, static_cast<double>(q_max_));
      add(std::move(layer), node.outputs[0]);
      return {};
    }
    IntLayer layer = base(node, LayerOp::Mul);
    layer.inputs = {x};
    const double sw = quantize_weights(factor, -1, layer.weights)[0];
    set_requant(layer, {sx * sw}, -1, static_cast<double>(q_max_ * q_max_));
    add(std::move(layer), node.outputs[0]);
    return {};
  }

  Status lower_mul(const Node& node) {
    const FloatTensor* c0 = constant(node.input(0));
    const FloatTensor* c1 = constant(node.input(1));
    if (c0 || c1) {
      auto x = operand(node.input(c0 ? 1 : 0), nullptr);
      if (!x) return fail(x.error());
      return lower_scale_by(node, *x, c0 ? *c0 : *c1, false);
    }
    auto a = operand(node.input(0), nullptr), b = operand(node.input(1), nullptr);
    if (!a || !b) return fail(!a ? a.error() : b.error());
    IntLayer layer = base(node, LayerOp::Mul);
    layer.inputs = {*a, *b};
    set_requant(layer, {model_.layers[*a].scale * model_.layers[*b].scale}, -1,
                static_cast<double>(q_max_ * q_max_));
    add(std::move(layer), node.outputs[0]);
    return {};
  }

  Status lower_prelu(const Node& node, int x, const FloatTensor& slope) {
    IntLayer layer = base(node, LayerOp::PRelu);
    const int shift = choose_multiplier(std::max(max_abs(slope.data), 1e-9), 31).second;
    layer.weights.shape = slope.shape;
    for (double s : slope.data) layer.weights.data.push_back(round_to_int(std::ldexp(s, shift)));
    layer.requantizes = true;
    layer.requant = {{}, -1, false, shift, -q_max_, q_max_};
    return passthrough(node, LayerOp::PRelu, x, std::move(layer));
  }

  Status lower_pool(const Node& node, int x) {
    if (node.outputs.size() > 1 && !node.outputs[1].empty())
      return fail("the Indices output of MaxPool is not supported");
    const Shape& x_shape = model_.layers[x].shape;
    auto win = resolve_window(node, x_shape, nullptr);
    if (!win) return fail(win.error());
    IntLayer layer = base(node, node.op == "MaxPool" ? LayerOp::MaxPool : LayerOp::SumPool);
    layer.window = *win;
    if (layer.op == LayerOp::MaxPool) return passthrough(node, LayerOp::MaxPool, x, std::move(layer));
    Tensor<double> geometry{x_shape, {}}, sums;
    if (geometry.shape.size() == 3) geometry.shape.insert(geometry.shape.begin() + 2, 1);
    geometry.data.assign(static_cast<std::size_t>(numel(geometry.shape)), 0.0);
    std::vector<int64_t> counts;
    pool2d<FloatArith>(geometry, *win, PoolKind::Sum, node.int_attr("count_include_pad", 0) != 0,
                       sums, counts);
    layer.inputs = {x};
    const double ratio = model_.layers[x].scale / layer.scale;
    const int shift = choose_multiplier(ratio, precision_for(static_cast<double>(
                                                   q_max_ * win->kernel_h * win->kernel_w), options_.bits)).second;
    layer.requantizes = true;
    layer.requant = {{}, -1, true, shift, -q_max_, q_max_};
    for (int64_t count : counts)
      layer.requant.multipliers.push_back(
          round_to_int(std::ldexp(ratio / static_cast<double>(std::max<int64_t>(count, 1)), shift)));
    add(std::move(layer), node.outputs[0]);
    return {};
  }

  Status lower_softmax(const Node& node, int x) {
    IntLayer layer = base(node, LayerOp::Softmax);
    auto spec = resolve_softmax(node, model_.layers[x].shape, graph_.opset);
    if (!spec) return fail(spec.error());
    layer.inputs = {x};
    layer.scale = 1.0 / static_cast<double>(q_max_);
    layer.softmax_outer = spec->outer;
    layer.softmax_length = spec->length;
    layer.softmax_inner = spec->inner;
    layer.softmax_output_max = q_max_;
    layer.table_offset = -2 * q_max_;
    const double sx = model_.layers[x].scale;
    for (int64_t d = -2 * q_max_; d <= 0; ++d)
      layer.table.push_back(round_to_int(std::ldexp(std::exp(static_cast<double>(d) * sx), kSoftmaxExpBits)));
    add(std::move(layer), node.outputs[0]);
    return {};
  }

  Status lower_table(const Node& node, int x) {
    IntLayer layer = base(node, LayerOp::Lookup);
    layer.inputs = {x};
    layer.table_offset = -q_max_;
    const double sx = model_.layers[x].scale;
    for (int64_t i = -q_max_; i <= q_max_; ++i) {
      const double y = apply_table_op(node, static_cast<double>(i) * sx);
      layer.table.push_back(std::isnan(y) ? 0 : quantize_value(y, layer.scale));
    }
    add(std::move(layer), node.outputs[0]);
    return {};
  }

  Status lower_concat(const Node& node) {
    IntLayer layer = base(node, LayerOp::Concat);
    auto axis = normalize_axis(node.int_attr("axis", 0), layer.shape.size());
    if (!axis) return fail(axis.error());
    layer.axis = *axis;
    double target = 0;
    for (const auto& in : node.inputs) {
      if (in.empty()) continue;
      auto it = layer_of_.find(in);
      target = std::max(target, it != layer_of_.end() ? model_.layers[it->second].scale : 0.0);
    }
    layer.scale = target;
    for (const auto& in : node.inputs) {
      if (in.empty()) continue;
      auto id = operand(in, &target);
      if (!id) return fail(id.error());
      if (model_.layers[*id].scale != target) {
        IntLayer rescale;
        rescale.op = LayerOp::Rescale;
        rescale.name = node.name + "/rescale_" + std::to_string(layer.inputs.size());
        rescale.source_op = node.op;
        rescale.inputs = {*id};
        rescale.shape = model_.layers[*id].shape;
        rescale.scale = target;
        set_requant(rescale, {model_.layers[*id].scale}, -1, static_cast<double>(q_max_));
        id = add(std::move(rescale), "");
      }
      layer.inputs.push_back(*id);
    }
    add(std::move(layer), node.outputs[0]);
    return {};
  }

  Values constant_values(const Node& node) const {
    Values values;
    for (const auto& in : node.inputs) values.push_back(in.empty() ? nullptr : constant(in));
    return values;
  }

  Status lower(const Node& node) {
    const std::string& op = node.op;
    if (op == "MatMul") return lower_matmul(node);
    if (op == "Mul") return lower_mul(node);
    if (op == "Add" || op == "Sub") return lower_add(node, op == "Sub");
    if (op == "Concat") return lower_concat(node);
    if (constant(node.input(0)))
      return fail("a constant first input with a data-dependent parameter is not supported");
    auto x = operand(node.input(0), nullptr);
    if (!x) return fail(x.error());
    const Shape& x_shape = model_.layers[*x].shape;
    if (op == "Gemm") return lower_gemm(node, *x);
    if (op == "Conv") return lower_conv(node, *x);
    if (op == "Div") {
      const FloatTensor* c = constant(node.input(1));
      if (!c) return fail("Div is supported by a constant only");
      return lower_scale_by(node, *x, *c, true);
    }
    if (op == "BatchNormalization") {
      const FloatTensor* p[4];
      for (std::size_t i = 0; i < 4; ++i)
        if (!(p[i] = constant(node.input(i + 1)))) return fail("BatchNormalization needs constants");
      const double epsilon = node.float_attr("epsilon", 1e-5);
      Shape channel_shape(x_shape.size() - 1, 1);
      channel_shape[0] = x_shape[1];
      FloatTensor factor{channel_shape, {}}, shift{channel_shape, {}};
      for (std::size_t c = 0; c < p[0]->data.size(); ++c) {
        factor.data.push_back(p[0]->data[c] / std::sqrt(p[3]->data[c] + epsilon));
        shift.data.push_back(p[1]->data[c] - p[2]->data[c] * factor.data.back());
      }
      return linear(node, LayerOp::Mul, *x, factor, -1, &shift, -1, 1.0);
    }
    if (op == "Relu") return passthrough(node, LayerOp::Relu, *x, base(node, LayerOp::Relu));
    if (op == "LeakyRelu") return lower_prelu(node, *x, {{}, {node.float_attr("alpha", 0.01)}});
    if (op == "PRelu") {
      const FloatTensor* slope = constant(node.input(1));
      if (!slope) return fail("PRelu needs a constant slope");
      return lower_prelu(node, *x, *slope);
    }
    if (op == "Clip") {
      auto spec = resolve_clip(node, constant_values(node), graph_.opset);
      if (!spec) return fail(spec.error());
      IntLayer layer = base(node, LayerOp::Clip);
      const double sx = model_.layers[*x].scale;
      layer.clip_lo = spec->lo <= -INFINITY ? -q_max_ : quantize_value(spec->lo, sx);
      layer.clip_hi = spec->hi >= INFINITY ? q_max_ : quantize_value(spec->hi, sx);
      return passthrough(node, LayerOp::Clip, *x, std::move(layer));
    }
    if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") return lower_pool(node, *x);
    if (op == "Softmax") return lower_softmax(node, *x);
    if (is_table_op(op)) return lower_table(node, *x);
    if (op == "Reshape" || op == "Flatten" || op == "Squeeze" || op == "Unsqueeze")
      return passthrough(node, LayerOp::Reshape, *x, base(node, LayerOp::Reshape));
    if (op == "Cast") {
      const int64_t to = node.int_attr("to", 1);
      if (to != 1 && to != 10 && to != 11) return fail("Cast of data to a non-float type");
      return passthrough(node, LayerOp::Reshape, *x, base(node, LayerOp::Reshape));
    }
    if (op == "Transpose") {
      IntLayer layer = base(node, LayerOp::Transpose);
      auto perm = resolve_perm(node, x_shape.size());
      if (!perm) return fail(perm.error());
      layer.perm = *perm;
      return passthrough(node, LayerOp::Transpose, *x, std::move(layer));
    }
    if (op == "Pad") {
      auto spec = resolve_pad(node, x_shape, constant_values(node), graph_.opset);
      if (!spec) return fail(spec.error());
      IntLayer layer = base(node, LayerOp::Pad);
      layer.pads = spec->pads;
      layer.pad_mode = spec->mode;
      layer.pad_value = quantize_value(spec->value, model_.layers[*x].scale);
      return passthrough(node, LayerOp::Pad, *x, std::move(layer));
    }
    if (op == "Slice") {
      auto spec = resolve_slice(node, x_shape, constant_values(node), graph_.opset);
      if (!spec) return fail(spec.error());
      IntLayer layer = base(node, LayerOp::Slice);
      layer.starts = spec->starts;
      layer.steps = spec->steps;
      return passthrough(node, LayerOp::Slice, *x, std::move(layer));
    }
    if (op == "Gather") {
      const FloatTensor* indices = constant(node.input(1));
      if (!indices) return fail("Gather needs constant indices");
      IntLayer layer = base(node, LayerOp::Gather);
      auto resolved = resolve_gather(node, x_shape, *indices, layer.axis);
      if (!resolved) return fail(resolved.error());
      layer.indices = *resolved;
      layer.index_shape = indices->shape;
      return passthrough(node, LayerOp::Gather, *x, std::move(layer));
    }
    return fail("no integer lowering for this op");
  }

  const Graph& graph_;
  const Calibration& calibration_;
  QuantOptions options_;
  int64_t q_max_;
  IntModel model_;
  std::map<std::string, int> layer_of_;
};

}  // namespace

Result<IntModel> quantize(const Graph& graph, const Calibration& calibration,
                          const QuantOptions& options) {
  if (options.bits < 2 || options.bits > 16)
    return fail("bits must be between 2 and 16, got " + std::to_string(options.bits));
  for (const auto& input : graph.inputs)
    if (!graph.shapes.count(input.name)) return fail("the graph is not prepared (no shapes)");
  Quantizer quantizer(graph, calibration, options);
  return quantizer.run();
}

}  // namespace zk::model
