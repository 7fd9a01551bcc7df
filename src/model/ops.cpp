#include "model/ops.hpp"

#include <cmath>

namespace zk::model {

const std::set<std::string>& supported_ops() {
  static const std::set<std::string> ops = {
      "Add", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Constant",
      "ConstantOfShape", "Conv", "Div", "Dropout", "Elu", "Erf", "Exp", "Flatten", "Gather", "Gemm",
      "GlobalAveragePool", "HardSigmoid", "Identity", "LeakyRelu", "MatMul", "MaxPool", "Mul",
      "Neg", "PRelu", "Abs", "Sqrt", "Sin", "Cos", "Round", "Floor", "Ceil", "Pad", "Relu", "Reshape", "Selu", "Shape", "Sigmoid", "Slice", "Softmax",
      "Softplus", "Softsign", "Squeeze", "Sub", "Tanh", "Transpose", "Unsqueeze"};
  return ops;
}

bool is_table_op(const std::string& op) {
  static const std::set<std::string> ops = {"Sigmoid", "Tanh",     "Exp",         "Erf", "Elu",
                                            "Selu",    "Softplus", "Softsign",    "Neg",
                                            "HardSigmoid", "Abs",      "Sqrt",        "Sin", "Cos",
                                            "Round",   "Floor",    "Ceil"};
  return ops.count(op) != 0;
}

double apply_table_op(const Node& node, double x) {
  const std::string& op = node.op;
  if (op == "Sigmoid") return 1.0 / (1.0 + std::exp(-x));
  if (op == "Tanh") return std::tanh(x);
  if (op == "Exp") return std::exp(x);
  if (op == "Erf") return std::erf(x);
  if (op == "Neg") return -x;
  if (op == "Abs") return std::fabs(x);
  if (op == "Sqrt") return std::sqrt(x);  // NaN below 0: the quantizer's table maps it to 0
  if (op == "Sin") return std::sin(x);
  if (op == "Cos") return std::cos(x);
  if (op == "Round") return std::nearbyint(x);  // half to even, as ONNX specifies
  if (op == "Floor") return std::floor(x);
  if (op == "Ceil") return std::ceil(x);
  if (op == "Softsign") return x / (1.0 + std::fabs(x));
  if (op == "Softplus") return x > 30 ? x : std::log1p(std::exp(x));
  if (op == "Elu") {
    const double alpha = node.float_attr("alpha", 1.0);
    return x >= 0 ? x : alpha * std::expm1(x);
  }
  if (op == "Selu") {
    const double alpha = node.float_attr("alpha", 1.67326319217681884765625);
    const double gamma = node.float_attr("gamma", 1.05070102214813232421875);
    return gamma * (x > 0 ? x : alpha * std::expm1(x));
  }
  const double alpha = node.float_attr("alpha", 0.2), beta = node.float_attr("beta", 0.5);
  return std::clamp(alpha * x + beta, 0.0, 1.0);  // HardSigmoid
}

namespace {

Result<std::vector<int64_t>> to_ints(const FloatTensor& t, const std::string& what) {
  std::vector<int64_t> out;
  out.reserve(t.data.size());
  for (double v : t.data) {
    if (std::isnan(v)) return fail(what + " holds NaN");
    // Values beyond int64 (INT64_MAX sentinels of Slice ends) saturate.
    out.push_back(v >= 9.2e18 ? std::numeric_limits<int64_t>::max()
                  : v <= -9.2e18 ? std::numeric_limits<int64_t>::min() : static_cast<int64_t>(v));
  }
  return out;
}

Result<std::vector<int64_t>> int_param(const Node& node, const Values& values, std::size_t index,
                                       const std::string& what) {
  if (index >= values.size() || node.input(index).empty()) return std::vector<int64_t>{};
  if (!values[index]) return fail(what + " must be a constant");
  return to_ints(*values[index], what);
}

}  // namespace

Result<Window> resolve_window(const Node& node, const Shape& input, const Shape* weight) {
  if (input.size() != 3 && input.size() != 4)
    return fail("only 1-D and 2-D spatial inputs are supported, got shape " +
                shape_to_string(input));
  const std::size_t spatial = input.size() - 2;
  std::vector<int64_t> kernel = node.ints_attr("kernel_shape");
  if (kernel.empty() && weight && weight->size() == input.size())
    kernel.assign(weight->begin() + 2, weight->end());
  if (node.op == "GlobalAveragePool") kernel.assign(input.begin() + 2, input.end());
  auto strides = node.ints_attr("strides");
  auto dilations = node.ints_attr("dilations");
  auto pads = node.ints_attr("pads");
  if (strides.empty()) strides.assign(spatial, 1);
  if (dilations.empty()) dilations.assign(spatial, 1);
  if (pads.empty()) pads.assign(2 * spatial, 0);
  if (kernel.size() != spatial || strides.size() != spatial || dilations.size() != spatial ||
      pads.size() != 2 * spatial)
    return fail("kernel_shape/strides/dilations/pads do not match the input rank");
  for (std::size_t i = 0; i < spatial; ++i)
    if (kernel[i] <= 0 || strides[i] <= 0 || dilations[i] <= 0 || pads[i] < 0 ||
        pads[i + spatial] < 0 || kernel[i] > (int64_t{1} << 20) || strides[i] > (int64_t{1} << 20) ||
        dilations[i] > (int64_t{1} << 20) || pads[i] > (int64_t{1} << 20) ||
        pads[i + spatial] > (int64_t{1} << 20))
      return fail("kernel, stride, dilation or pad out of range");
  const bool ceil_mode = node.int_attr("ceil_mode", 0) != 0;
  const std::string auto_pad = node.string_attr("auto_pad", "NOTSET");
  std::vector<int64_t> out(spatial);
  for (std::size_t i = 0; i < spatial; ++i) {
    const int64_t size = input[2 + i];
    const int64_t extent = dilations[i] * (kernel[i] - 1) + 1;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      out[i] = (size + strides[i] - 1) / strides[i];
      const int64_t total = std::max<int64_t>(0, (out[i] - 1) * strides[i] + extent - size);
      pads[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pads[i + spatial] = total - pads[i];
      continue;
    }
    if (auto_pad == "VALID") pads[i] = pads[i + spatial] = 0;
    const int64_t span = size + pads[i] + pads[i + spatial] - extent;
    if (span < 0) return fail("the kernel is larger than the padded input");
    out[i] = (ceil_mode ? (span + strides[i] - 1) / strides[i] : span / strides[i]) + 1;
    if (ceil_mode && (out[i] - 1) * strides[i] >= size + pads[i]) --out[i];
  }
  Window win;
  const std::size_t x = spatial - 1;  // width axis; height is axis 0 when 2-D
  win.kernel_w = kernel[x];
  win.stride_w = strides[x];
  win.dilation_w = dilations[x];
  win.pad_left = pads[x];
  win.pad_right = pads[x + spatial];
  win.out_w = out[x];
  if (spatial == 2) {
    win.kernel_h = kernel[0];
    win.stride_h = strides[0];
    win.dilation_h = dilations[0];
    win.pad_top = pads[0];
    win.pad_bottom = pads[2];
    win.out_h = out[0];
  }
  return win;
}

Result<PadSpec> resolve_pad(const Node& node, const Shape& input, const Values& values,
                            int64_t opset) {
  PadSpec spec;
  if (opset < 11) {
    spec.pads = node.ints_attr(node.has("paddings") ? "paddings" : "pads");
    spec.value = node.float_attr("value", 0.0);
  } else {
    auto pads = int_param(node, values, 1, "pads");
    if (!pads) return fail(pads.error());
    spec.pads = *pads;
    if (!node.input(2).empty()) {
      if (values.size() < 3 || !values[2] || values[2]->data.size() != 1)
        return fail("constant_value must be a constant scalar");
      spec.value = values[2]->data[0];
    }
    if (!node.input(3).empty()) return fail("the axes input is not supported");
  }
  const std::string mode = node.string_attr("mode", "constant");
  if (mode == "reflect")
    spec.mode = PadMode::Reflect;
  else if (mode == "edge")
    spec.mode = PadMode::Edge;
  else if (mode != "constant")
    return fail("unknown mode '" + mode + "'");
  if (spec.pads.size() != 2 * input.size()) return fail("pads do not match the input rank");
  for (std::size_t d = 0; d < input.size(); ++d) {
    if (spec.pads[d] < 0 || spec.pads[d + input.size()] < 0 || spec.pads[d] > (int64_t{1} << 24) ||
        spec.pads[d + input.size()] > (int64_t{1} << 24))
      return fail("negative or huge pads are not supported");
    if (spec.mode == PadMode::Reflect &&
        (spec.pads[d] >= input[d] || spec.pads[d + input.size()] >= input[d]))
      return fail("reflect pads must be smaller than the input");
    if (spec.mode != PadMode::Constant && input[d] == 0)
      return fail("cannot pad an empty axis by reflection or edge");
  }
  return spec;
}

Result<SliceSpec> resolve_slice(const Node& node, const Shape& input, const Values& values,
                                int64_t opset) {
  std::vector<int64_t> starts, ends, axes, steps;
  if (opset < 10) {
    starts = node.ints_attr("starts");
    ends = node.ints_attr("ends");
    axes = node.ints_attr("axes");
  } else {
    auto s = int_param(node, values, 1, "starts");
    auto e = int_param(node, values, 2, "ends");
    auto a = int_param(node, values, 3, "axes");
    auto t = int_param(node, values, 4, "steps");
    if (!s || !e || !a || !t)
      return fail(!s ? s.error() : !e ? e.error() : !a ? a.error() : t.error());
    starts = *s, ends = *e, axes = *a, steps = *t;
  }
  if (axes.empty())
    for (std::size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (starts.size() != ends.size() || axes.size() != starts.size() || steps.size() != starts.size())
    return fail("starts, ends, axes and steps differ in length");
  SliceSpec spec;
  spec.starts.assign(input.size(), 0);
  spec.steps.assign(input.size(), 1);
  spec.out_shape = input;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    auto axis = normalize_axis(axes[i], input.size());
    if (!axis) return fail(axis.error());
    const int64_t dim = input[*axis], step = steps[i];
    if (step == 0) return fail("step 0");
    auto clamp_index = [&](int64_t v) {
      if (v < 0) v = v < -dim ? -1 : v + dim;
      return step > 0 ? std::clamp<int64_t>(v, 0, dim) : std::clamp<int64_t>(v, -1, dim - 1);
    };
    const int64_t start = clamp_index(starts[i]), end = clamp_index(ends[i]);
    int64_t count = step > 0 ? (end - start + step - 1) / step : (start - end - step - 1) / -step;
    spec.starts[*axis] = start;
    spec.steps[*axis] = step;
    spec.out_shape[*axis] = std::max<int64_t>(count, 0);
  }
  return spec;
}

Result<std::vector<int64_t>> resolve_perm(const Node& node, std::size_t rank) {
  auto perm = node.ints_attr("perm");
  if (perm.empty())
    for (std::size_t i = rank; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  std::vector<bool> seen(rank, false);
  if (perm.size() != rank) return fail("node '" + node.name + "': perm does not match the rank");
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(rank) || seen[p])
      return fail("node '" + node.name + "': perm is not a permutation");
    seen[p] = true;
  }
  return perm;
}

Result<Shape> resolve_reshape(const Node& node, const Shape& input, const Values& values,
                              int64_t opset) {
  Shape out;
  if (node.op == "Flatten") {
    auto axis = normalize_axis(node.int_attr("axis", 1), input.size() + 1);
    if (!axis) return fail(axis.error());
    int64_t outer = 1;
    for (int64_t d = 0; d < *axis; ++d) outer *= input[d];
    return Shape{outer, numel(input) / std::max<int64_t>(outer, 1)};
  }
  if (node.op == "Squeeze" || node.op == "Unsqueeze") {
    std::vector<int64_t> axes = node.ints_attr("axes");
    if (opset >= 13) {
      auto from_input = int_param(node, values, 1, "axes");
      if (!from_input) return fail(from_input.error());
      axes = *from_input;
    }
    if (node.op == "Squeeze") {
      std::vector<bool> drop(input.size(), axes.empty());
      for (int64_t a : axes) {
        auto axis = normalize_axis(a, input.size());
        if (!axis) return fail(axis.error());
        if (input[*axis] != 1) return fail("squeezed axis has size " + std::to_string(input[*axis]));
        drop[*axis] = true;
      }
      for (std::size_t d = 0; d < input.size(); ++d)
        if (!(drop[d] && input[d] == 1)) out.push_back(input[d]);
      return out;
    }
    const std::size_t rank = input.size() + axes.size();
    if (rank > Limits::kMaxRank) return fail("rank too large");
    std::vector<bool> inserted(rank, false);
    for (int64_t a : axes) {
      auto axis = normalize_axis(a, rank);
      if (!axis || inserted[*axis]) return fail("bad axes");
      inserted[*axis] = true;
    }
    std::size_t next = 0;
    for (std::size_t d = 0; d < rank; ++d) out.push_back(inserted[d] ? 1 : input[next++]);
    return out;
  }
  std::vector<int64_t> target;
  if (opset < 5) {
    target = node.ints_attr("shape");
  } else {
    auto from_input = int_param(node, values, 1, "shape");
    if (!from_input) return fail(from_input.error());
    target = *from_input;
  }
  const bool allow_zero = node.int_attr("allowzero", 0) != 0;
  int64_t known = 1, infer_at = -1;
  for (std::size_t d = 0; d < target.size(); ++d) {
    int64_t dim = target[d];
    if (dim == 0 && !allow_zero) {
      if (d >= input.size()) return fail("0 in shape copies a missing input dim");
      dim = input[d];
    }
    if (dim == -1) {
      if (infer_at >= 0) return fail("more than one -1 in shape");
      infer_at = static_cast<int64_t>(d);
      out.push_back(1);
      continue;
    }
    if (dim < 0) return fail("negative dimension in shape");
    out.push_back(dim);
    auto count = element_count(out);
    if (!count) return fail(count.error());
    known = *count;
  }
  const int64_t total = numel(input);
  if (infer_at >= 0) {
    if (known == 0 || total % known != 0) return fail("cannot infer the -1 dimension");
    out[infer_at] = total / known;
  }
  if (numel(out) != total)
    return fail("cannot reshape " + shape_to_string(input) + " to " + shape_to_string(out));
  return out;
}

Result<SoftmaxSpec> resolve_softmax(const Node& node, const Shape& input, int64_t opset) {
  auto axis = normalize_axis(node.int_attr("axis", opset >= 13 ? -1 : 1), input.size());
  if (!axis) return fail(axis.error());
  SoftmaxSpec spec;
  for (int64_t d = 0; d < *axis; ++d) spec.outer *= input[d];
  if (opset >= 13) {
    spec.length = input[*axis];
    for (std::size_t d = *axis + 1; d < input.size(); ++d) spec.inner *= input[d];
  } else {
    for (std::size_t d = *axis; d < input.size(); ++d) spec.length *= input[d];
  }
  return spec;
}

Result<ClipSpec> resolve_clip(const Node& node, const Values& values, int64_t opset) {
  ClipSpec spec{-INFINITY, INFINITY};
  if (opset < 11) {
    spec.lo = node.float_attr("min", -INFINITY);
    spec.hi = node.float_attr("max", INFINITY);
    return spec;
  }
  for (std::size_t i = 1; i <= 2; ++i) {
    if (node.input(i).empty()) continue;
    if (values.size() <= i || !values[i] || values[i]->data.size() != 1)
      return fail("Clip min/max must be constant scalars");
    (i == 1 ? spec.lo : spec.hi) = values[i]->data[0];
  }
  return spec;
}

Result<std::vector<int64_t>> resolve_gather(const Node& node, const Shape& input,
                                            const FloatTensor& indices, int64_t& axis) {
  auto a = normalize_axis(node.int_attr("axis", 0), input.size());
  if (!a) return fail(a.error());
  axis = *a;
  auto ints = to_ints(indices, "node '" + node.name + "': indices");
  if (!ints) return fail(ints.error());
  for (int64_t& i : *ints) {
    if (i < -input[axis] || i >= input[axis])
      return fail("index " + std::to_string(i) + " out of range");
    if (i < 0) i += input[axis];
  }
  return ints;
}

}  // namespace zk::model
