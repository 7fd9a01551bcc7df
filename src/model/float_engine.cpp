#include "model/float_engine.hpp"

#include <cmath>
#include <functional>

namespace zk::model {

namespace {

using Out = Result<std::vector<FloatTensor>>;

Out single(FloatTensor t) { return std::vector<FloatTensor>{std::move(t)}; }

Out elementwise(const FloatTensor& a, const FloatTensor& b,
                const std::function<double(double, double)>& f) {
  auto shape = broadcast_shapes(a.shape, b.shape);
  if (!shape) return fail(shape.error());
  const auto oa = broadcast_offsets(a.shape, *shape), ob = broadcast_offsets(b.shape, *shape);
  FloatTensor out{*shape, std::vector<double>(oa.size())};
  for (std::size_t i = 0; i < oa.size(); ++i) out.data[i] = f(a.data[oa[i]], b.data[ob[i]]);
  return single(std::move(out));
}

FloatTensor map(const FloatTensor& a, const std::function<double(double)>& f) {
  FloatTensor out{a.shape, std::vector<double>(a.data.size())};
  for (std::size_t i = 0; i < a.data.size(); ++i) out.data[i] = f(a.data[i]);
  return out;
}

// Promotes 1-D operands as numpy.matmul does, multiplies, and drops the promoted axes.
Out eval_matmul(const FloatTensor& a_in, const FloatTensor& b_in) {
  FloatTensor a = a_in, b = b_in;
  if (a.shape.empty() || b.shape.empty()) return fail("MatMul of a scalar");
  const bool a_vec = a.shape.size() == 1, b_vec = b.shape.size() == 1;
  if (a_vec) a.shape.insert(a.shape.begin(), 1);
  if (b_vec) b.shape.push_back(1);
  if (a.shape.back() != b.shape[b.shape.size() - 2])
    return fail("MatMul inner dimensions differ: " + shape_to_string(a_in.shape) + " x " +
                shape_to_string(b_in.shape));
  auto batch = broadcast_shapes(Shape(a.shape.begin(), a.shape.end() - 2),
                                Shape(b.shape.begin(), b.shape.end() - 2));
  if (!batch) return fail(batch.error());
  Shape out_shape = *batch;
  out_shape.push_back(a.shape[a.shape.size() - 2]);
  out_shape.push_back(b.shape.back());
  auto count = element_count(out_shape);
  if (!count) return fail(count.error());
  FloatTensor out;
  matmul<FloatArith>(a, b, *batch, out);
  if (a_vec) out.shape.erase(out.shape.end() - 2);
  if (b_vec) out.shape.pop_back();
  return single(std::move(out));
}

// Views a 1-D spatial NC(W) tensor as NC1W.
FloatTensor as_2d(const FloatTensor& t) {
  FloatTensor out = t;
  if (out.shape.size() == 3) out.shape.insert(out.shape.begin() + 2, 1);
  return out;
}

FloatTensor restore_rank(FloatTensor t, std::size_t rank) {
  if (rank == 3) t.shape.erase(t.shape.begin() + 2);
  return t;
}

Out eval_conv(const Node& node, const Values& in) {
  if (!in[1]) return fail("Conv without weights");
  const FloatTensor& x = *in[0];
  const FloatTensor& w = *in[1];
  auto win = resolve_window(node, x.shape, &w.shape);
  if (!win) return fail(win.error());
  const int64_t group = node.int_attr("group", 1);
  if (w.shape.size() != x.shape.size() || group <= 0 || x.shape[1] % group != 0 ||
      w.shape[0] % group != 0 || w.shape[1] * group != x.shape[1])
    return fail("Conv weight shape " + shape_to_string(w.shape) + " does not fit input " +
                shape_to_string(x.shape) + " with group " + std::to_string(group));
  auto count = element_count({x.shape[0], w.shape[0], win->out_h, win->out_w});
  if (!count) return fail(count.error());
  FloatTensor out;
  conv2d<FloatArith>(as_2d(x), as_2d(w), *win, group, out);
  if (in[2]) {
    if (in[2]->data.size() != static_cast<std::size_t>(w.shape[0])) return fail("Conv bias size");
    const int64_t plane = win->out_h * win->out_w;
    for (std::size_t i = 0; i < out.data.size(); ++i)
      out.data[i] += in[2]->data[(static_cast<int64_t>(i) / plane) % w.shape[0]];
  }
  return single(restore_rank(std::move(out), x.shape.size()));
}

Out eval_pool(const Node& node, const FloatTensor& x) {
  auto win = resolve_window(node, x.shape, nullptr);
  if (!win) return fail(win.error());
  auto count = element_count({x.shape[0], x.shape[1], win->out_h, win->out_w});
  if (!count) return fail(count.error());
  FloatTensor out;
  std::vector<int64_t> counts;
  const bool is_max = node.op == "MaxPool";
  pool2d<FloatArith>(as_2d(x), *win, is_max ? PoolKind::Max : PoolKind::Sum,
                     node.int_attr("count_include_pad", 0) != 0, out, counts);
  if (!is_max)
    for (std::size_t i = 0; i < out.data.size(); ++i)
      out.data[i] /= static_cast<double>(std::max<int64_t>(counts[i], 1));
  return single(restore_rank(std::move(out), x.shape.size()));
}

Out eval_softmax(const Node& node, const FloatTensor& x, int64_t opset) {
  auto spec = resolve_softmax(node, x.shape, opset);
  if (!spec) return fail(spec.error());
  FloatTensor out = x;
  for (int64_t o = 0; o < spec->outer; ++o)
    for (int64_t i = 0; i < spec->inner; ++i) {
      const int64_t base = o * spec->length * spec->inner + i;
      double peak = -INFINITY, sum = 0;
      for (int64_t j = 0; j < spec->length; ++j) peak = std::max(peak, x.data[base + j * spec->inner]);
      for (int64_t j = 0; j < spec->length; ++j)
        sum += out.data[base + j * spec->inner] = std::exp(x.data[base + j * spec->inner] - peak);
      for (int64_t j = 0; j < spec->length; ++j) out.data[base + j * spec->inner] /= sum;
    }
  return single(std::move(out));
}

Out eval_gemm(const Node& node, const Values& in) {
  if (!in[1]) return fail("Gemm without B");
  FloatTensor a = *in[0], b = *in[1];
  if (a.shape.size() != 2 || b.shape.size() != 2) return fail("Gemm needs 2-D A and B");
  if (node.int_attr("transA", 0)) a = transpose(a, {1, 0});
  if (node.int_attr("transB", 0)) b = transpose(b, {1, 0});
  auto product = eval_matmul(a, b);
  if (!product) return product;
  FloatTensor& out = (*product)[0];
  const double alpha = node.float_attr("alpha", 1.0), beta = node.float_attr("beta", 1.0);
  for (double& v : out.data) v *= alpha;
  if (in[2]) {
    auto shape = broadcast_shapes(in[2]->shape, out.shape);
    if (!shape || *shape != out.shape) return fail("Gemm bias does not broadcast to the output");
    const auto offsets = broadcast_offsets(in[2]->shape, out.shape);
    for (std::size_t i = 0; i < out.data.size(); ++i) out.data[i] += beta * in[2]->data[offsets[i]];
  }
  return product;
}

Out eval_batchnorm(const Node& node, const Values& in) {
  const FloatTensor& x = *in[0];
  for (std::size_t i = 1; i <= 4; ++i)
    if (!in[i]) return fail("BatchNormalization needs scale, B, mean and var");
  if (x.shape.size() < 2) return fail("BatchNormalization input of rank < 2");
  const int64_t channels = x.shape[1];
  for (std::size_t i = 1; i <= 4; ++i)
    if (in[i]->data.size() != static_cast<std::size_t>(channels))
      return fail("BatchNormalization parameter size does not match the channels");
  const double epsilon = node.float_attr("epsilon", 1e-5);
  int64_t plane = 1;
  for (std::size_t d = 2; d < x.shape.size(); ++d) plane *= x.shape[d];
  FloatTensor out = x;
  for (std::size_t i = 0; i < out.data.size(); ++i) {
    const auto c = static_cast<std::size_t>((static_cast<int64_t>(i) / plane) % channels);
    out.data[i] = (x.data[i] - in[3]->data[c]) / std::sqrt(in[4]->data[c] + epsilon) *
                      in[1]->data[c] + in[2]->data[c];
  }
  return single(std::move(out));
}

Out eval_constant(const Node& node) {
  if (node.has("value")) {
    const auto& attr = node.attributes.at("value");
    if (attr.kind != Attribute::Kind::Tensor) return fail("Constant value is not a tensor");
    return single(attr.tensor);
  }
  if (node.has("value_float")) return single({{}, {node.float_attr("value_float", 0)}});
  if (node.has("value_int")) return single({{}, {static_cast<double>(node.int_attr("value_int", 0))}});
  if (node.has("value_floats")) {
    const auto& v = node.attributes.at("value_floats").floats;
    return single({{static_cast<int64_t>(v.size())}, v});
  }
  if (node.has("value_ints")) {
    const auto ints = node.ints_attr("value_ints");
    return single({{static_cast<int64_t>(ints.size())}, std::vector<double>(ints.begin(), ints.end())});
  }
  return fail("Constant without a supported value attribute");
}

Out eval_cast(const Node& node, const FloatTensor& x) {
  const int64_t to = node.int_attr("to", 1);
  switch (to) {
    case 1:  // FLOAT
    case 10:  // FLOAT16 (kept at float precision)
      return single(map(x, [](double v) { return static_cast<double>(static_cast<float>(v)); }));
    case 11:  // DOUBLE
      return single(x);
    case 9:  // BOOL
      return single(map(x, [](double v) { return v != 0 ? 1.0 : 0.0; }));
    case 2: case 3: case 4: case 5: case 6: case 7: case 12: case 13:  // integer types
      return single(map(x, [](double v) { return std::trunc(v); }));
    default:
      return fail("Cast to unsupported type " + std::to_string(to));
  }
}

Out dispatch(const Node& node, const Values& in, int64_t opset) {
  const std::string& op = node.op;
  if (op == "Constant") return eval_constant(node);
  if (!in[0]) return fail("missing first input");
  const FloatTensor& x = *in[0];
  auto second = [&]() { return in[1]; };
  if (op == "Identity" || op == "Dropout") return single(x);
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    if (!second()) return fail("missing second input");
    if (op == "Add") return elementwise(x, *in[1], [](double a, double b) { return a + b; });
    if (op == "Sub") return elementwise(x, *in[1], [](double a, double b) { return a - b; });
    if (op == "Mul") return elementwise(x, *in[1], [](double a, double b) { return a * b; });
    return elementwise(x, *in[1], [](double a, double b) { return a / b; });
  }
  if (op == "PRelu") {
    if (!second()) return fail("missing slope");
    auto shape = broadcast_shapes(x.shape, in[1]->shape);
    if (!shape || *shape != x.shape) return fail("PRelu slope does not broadcast to the input");
    return elementwise(x, *in[1], [](double a, double s) { return a >= 0 ? a : a * s; });
  }
  if (op == "Relu") return single(map(x, [](double v) { return std::max(v, 0.0); }));
  if (op == "LeakyRelu") {
    const double alpha = node.float_attr("alpha", 0.01);
    return single(map(x, [alpha](double v) { return v >= 0 ? v : alpha * v; }));
  }
  if (is_table_op(op)) return single(map(x, [&node](double v) { return apply_table_op(node, v); }));
  if (op == "Clip") {
    auto spec = resolve_clip(node, in, opset);
    if (!spec) return fail(spec.error());
    return single(map(x, [&](double v) { return std::min(std::max(v, spec->lo), spec->hi); }));
  }
  if (op == "MatMul") {
    if (!second()) return fail("missing second input");
    return eval_matmul(x, *in[1]);
  }
  if (op == "Gemm") return eval_gemm(node, in);
  if (op == "Conv") return eval_conv(node, in);
  if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") return eval_pool(node, x);
  if (op == "Softmax") return eval_softmax(node, x, opset);
  if (op == "BatchNormalization") return eval_batchnorm(node, in);
  if (op == "Cast") return eval_cast(node, x);
  if (op == "Shape") {
    const auto rank = static_cast<int64_t>(x.shape.size());
    int64_t start = node.int_attr("start", 0), end = node.int_attr("end", rank);
    if (start < 0) start += rank;
    if (end < 0) end += rank;
    start = std::clamp<int64_t>(start, 0, rank);
    end = std::clamp<int64_t>(end, start, rank);
    return single({{end - start}, std::vector<double>(x.shape.begin() + start, x.shape.begin() + end)});
  }
  if (op == "ConstantOfShape") {
    Shape shape;
    for (double v : x.data) shape.push_back(static_cast<int64_t>(v));
    auto count = element_count(shape);
    if (!count) return fail(count.error());
    double value = 0;
    if (node.has("value")) {
      const auto& t = node.attributes.at("value").tensor;
      if (t.data.size() != 1) return fail("ConstantOfShape value must have one element");
      value = t.data[0];
    }
    return single({shape, std::vector<double>(static_cast<std::size_t>(*count), value)});
  }
  if (op == "Reshape" || op == "Flatten" || op == "Squeeze" || op == "Unsqueeze") {
    auto shape = resolve_reshape(node, x.shape, in, opset);
    if (!shape) return fail(shape.error());
    return single({*shape, x.data});
  }
  if (op == "Transpose") {
    auto perm = resolve_perm(node, x.shape.size());
    if (!perm) return fail(perm.error());
    return single(transpose(x, *perm));
  }
  if (op == "Concat") {
    if (x.shape.empty()) return fail("Concat of scalars");
    auto axis = normalize_axis(node.int_attr("axis", 0), x.shape.size());
    if (!axis) return fail(axis.error());
    std::vector<const FloatTensor*> parts;
    for (const auto* t : in) {
      if (!t) continue;
      if (t->shape.size() != x.shape.size()) return fail("Concat inputs differ in rank");
      for (std::size_t d = 0; d < x.shape.size(); ++d)
        if (static_cast<int64_t>(d) != *axis && t->shape[d] != x.shape[d])
          return fail("Concat inputs differ in shape");
      parts.push_back(t);
    }
    return single(concat(parts, *axis));
  }
  if (op == "Pad") {
    auto spec = resolve_pad(node, x.shape, in, opset);
    if (!spec) return fail(spec.error());
    Shape shape = x.shape;
    for (std::size_t d = 0; d < shape.size(); ++d) shape[d] += spec->pads[d] + spec->pads[d + shape.size()];
    auto count = element_count(shape);
    if (!count) return fail(count.error());
    return single(pad(x, spec->pads, spec->mode, spec->value));
  }
  if (op == "Slice") {
    auto spec = resolve_slice(node, x.shape, in, opset);
    if (!spec) return fail(spec.error());
    return single(slice(x, spec->starts, spec->steps, spec->out_shape));
  }
  if (op == "Gather") {
    if (!second()) return fail("missing indices");
    if (x.shape.empty()) return fail("Gather from a scalar");
    int64_t axis = 0;
    auto indices = resolve_gather(node, x.shape, *in[1], axis);
    if (!indices) return fail(indices.error());
    Shape shape = x.shape;
    shape.erase(shape.begin() + axis);
    shape.insert(shape.begin() + axis, in[1]->shape.begin(), in[1]->shape.end());
    auto count = element_count(shape);
    if (!count) return fail(count.error());
    return single(gather(x, axis, *indices, in[1]->shape));
  }
  return fail("unsupported op");
}

}  // namespace

Result<std::vector<FloatTensor>> eval_float_node(const Node& node, const Values& inputs,
                                                 int64_t opset) {
  Values padded = inputs;  // optional trailing inputs read as nullptr
  if (padded.size() < 5) padded.resize(5, nullptr);
  auto result = dispatch(node, padded, opset);
  if (!result) return fail("node '" + node.name + "' (" + node.op + "): " + result.error());
  for (const auto& t : *result) {
    auto count = element_count(t.shape);
    if (!count || *count != static_cast<int64_t>(t.data.size()))
      return fail("node '" + node.name + "' (" + node.op + "): produced an inconsistent tensor");
  }
  return result;
}

Result<FloatRun> run_float(const Graph& graph, const std::vector<FloatTensor>& inputs) {
  if (inputs.size() != graph.inputs.size())
    return fail("the graph has " + std::to_string(graph.inputs.size()) + " inputs, got " +
                std::to_string(inputs.size()));
  FloatRun run;
  int64_t total = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    run.values[graph.inputs[i].name] = inputs[i];
    total += static_cast<int64_t>(inputs[i].data.size());
  }
  auto lookup = [&](const std::string& name) -> const FloatTensor* {
    if (name.empty()) return nullptr;
    auto it = run.values.find(name);
    if (it != run.values.end()) return &it->second;
    auto c = graph.constants.find(name);
    return c != graph.constants.end() ? &c->second : nullptr;
  };
  for (const auto& node : graph.nodes) {
    Values in;
    for (const auto& name : node.inputs) {
      in.push_back(lookup(name));
      if (!name.empty() && !in.back())
        return fail("node '" + node.name + "' reads undefined value '" + name + "'");
    }
    auto outs = eval_float_node(node, in, graph.opset);
    if (!outs) return fail(outs.error());
    for (std::size_t i = 0; i < outs->size() && i < node.outputs.size(); ++i) {
      total += static_cast<int64_t>((*outs)[i].data.size());
      if (total > Limits::kMaxTotalElements)
        return fail("the run needs more than " + std::to_string(Limits::kMaxTotalElements) +
                    " tensor elements");
      if (!node.outputs[i].empty()) run.values[node.outputs[i]] = std::move((*outs)[i]);
    }
  }
  for (const auto& name : graph.outputs) {
    const FloatTensor* value = lookup(name);
    if (!value) return fail("graph output '" + name + "' was not computed");
    run.outputs.push_back(*value);
  }
  return run;
}

}  // namespace zk::model
