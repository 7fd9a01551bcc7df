#include "model/graph_passes.hpp"

#include <cmath>
#include <map>
#include <set>

#include "model/float_engine.hpp"

namespace zk::model {

std::vector<std::string> unsupported_nodes(const Graph& graph) {
  std::vector<std::string> problems;
  for (const auto& node : graph.nodes)
    if (!supported_ops().count(node.op))
      problems.push_back("node '" + node.name + "': unsupported op " + node.op);
  return problems;
}

Result<std::vector<Shape>> resolve_input_shapes(const Graph& graph,
                                                const std::vector<std::size_t>* flat_lengths) {
  if (flat_lengths && flat_lengths->size() != graph.inputs.size())
    return fail("the model has " + std::to_string(graph.inputs.size()) + " inputs but " +
                std::to_string(flat_lengths->size()) + " were given");
  std::vector<Shape> shapes;
  for (std::size_t i = 0; i < graph.inputs.size(); ++i) {
    const auto& input = graph.inputs[i];
    Shape shape = input.shape;
    int64_t known = 1, unknown = 0;
    for (int64_t d : shape) d < 0 ? ++unknown : known *= d;
    for (auto& d : shape)
      if (d < 0) d = 1;
    if (flat_lengths) {
      const auto length = static_cast<int64_t>((*flat_lengths)[i]);
      if (unknown == 1 && known > 0 && length % known == 0 && length > 0) {
        for (std::size_t d = 0; d < shape.size(); ++d)
          if (input.shape[d] < 0) shape[d] = length / known;
      }
      if (numel(shape) != length)
        return fail("input '" + input.name + "' of shape " + shape_to_string(input.shape) +
                    " needs " + std::to_string(numel(shape)) + " values, got " +
                    std::to_string(length));
    }
    auto count = element_count(shape);
    if (!count) return fail("input '" + input.name + "': " + count.error());
    shapes.push_back(std::move(shape));
  }
  return shapes;
}

namespace {

void remove_passthrough_nodes(Graph& graph) {
  std::map<std::string, std::string> alias;
  auto resolve = [&](const std::string& name) {
    auto it = alias.find(name);
    return it == alias.end() ? name : it->second;
  };
  std::vector<Node> kept;
  for (auto& node : graph.nodes) {
    for (auto& in : node.inputs) in = resolve(in);
    if ((node.op == "Identity" || node.op == "Dropout") && !node.inputs.empty() &&
        !node.outputs.empty() && (node.outputs.size() < 2 || node.outputs[1].empty())) {
      alias[node.outputs[0]] = node.inputs[0];
      continue;
    }
    kept.push_back(std::move(node));
  }
  graph.nodes = std::move(kept);
  for (auto& out : graph.outputs) out = resolve(out);
}

// Runs the graph once on zero inputs: records every shape and turns every node whose outputs do not
// depend on input data into constants.
Status fold_constants(Graph& graph, const std::vector<Shape>& input_shapes) {
  std::vector<FloatTensor> zeros;
  for (const auto& shape : input_shapes)
    zeros.push_back({shape, std::vector<double>(static_cast<std::size_t>(numel(shape)), 0.0)});
  auto run = run_float(graph, zeros);
  if (!run) return fail(run.error());
  for (std::size_t i = 0; i < input_shapes.size(); ++i)
    graph.shapes[graph.inputs[i].name] = input_shapes[i];
  for (const auto& [name, value] : graph.constants) graph.shapes[name] = value.shape;
  std::vector<Node> kept;
  for (auto& node : graph.nodes) {
    bool data_free = node.op == "Shape";
    if (!data_free) {
      data_free = true;
      for (const auto& in : node.inputs)
        if (!in.empty() && !graph.constants.count(in)) data_free = false;
    }
    for (const auto& out : node.outputs) {
      if (out.empty() || !run->values.count(out)) continue;
      graph.shapes[out] = run->values.at(out).shape;
      if (data_free) graph.constants[out] = std::move(run->values.at(out));
    }
    if (!data_free) kept.push_back(std::move(node));
  }
  graph.nodes = std::move(kept);
  return {};
}

// Scales output channel c of the weights of `producer` by factor[c] and sets its bias to
// bias[c]*factor[c] + shift[c]; BatchNormalization y = (x - mean)/sqrt(var + eps)*scale + B is
// factor = scale/sqrt(var+eps), shift = B - mean*factor.
bool fold_batchnorm_into(Graph& graph, Node& producer, const Node& bn) {
  for (std::size_t i = 1; i <= 4; ++i)
    if (!graph.constants.count(bn.input(i))) return false;
  if (!graph.constants.count(producer.input(1))) return false;
  if (!producer.input(2).empty() && !graph.constants.count(producer.input(2))) return false;
  const FloatTensor& weight = graph.constants.at(producer.input(1));
  const bool is_conv = producer.op == "Conv";
  if (!is_conv && (weight.shape.size() != 2 || producer.int_attr("transA", 0))) return false;
  const bool trans_b = !is_conv && producer.int_attr("transB", 0);
  const int64_t channels = is_conv ? weight.shape[0] : weight.shape[trans_b ? 0 : 1];
  const auto& scale = graph.constants.at(bn.input(1)).data;
  const auto& b = graph.constants.at(bn.input(2)).data;
  const auto& mean = graph.constants.at(bn.input(3)).data;
  const auto& var = graph.constants.at(bn.input(4)).data;
  const auto n = static_cast<std::size_t>(channels);
  if (scale.size() != n || b.size() != n || mean.size() != n || var.size() != n) return false;
  std::vector<double> bias(n, 0.0);
  if (!producer.input(2).empty()) {
    const auto& old = graph.constants.at(producer.input(2)).data;
    if (old.size() != n) return false;
    bias = old;
  }
  const double epsilon = bn.float_attr("epsilon", 1e-5);
  const double alpha = is_conv ? 1.0 : producer.float_attr("alpha", 1.0);
  const double beta = is_conv ? 1.0 : producer.float_attr("beta", 1.0);
  FloatTensor new_weight = weight;
  const int64_t inner = is_conv ? numel(weight.shape) / channels : 1;
  for (std::size_t i = 0; i < new_weight.data.size(); ++i) {
    const auto idx = static_cast<int64_t>(i);
    const auto c = static_cast<std::size_t>(is_conv || trans_b ? idx / (is_conv ? inner : weight.shape[1])
                                                               : idx % channels);
    new_weight.data[i] *= alpha * scale[c] / std::sqrt(var[c] + epsilon);
  }
  FloatTensor new_bias{{channels}, std::vector<double>(n)};
  for (std::size_t c = 0; c < n; ++c) {
    const double factor = scale[c] / std::sqrt(var[c] + epsilon);
    new_bias.data[c] = beta * bias[c] * factor + b[c] - mean[c] * factor;
  }
  const std::string weight_name = producer.name + "/bn_folded_weight";
  const std::string bias_name = producer.name + "/bn_folded_bias";
  graph.constants[weight_name] = std::move(new_weight);
  graph.constants[bias_name] = std::move(new_bias);
  graph.shapes[weight_name] = graph.constants[weight_name].shape;
  graph.shapes[bias_name] = {channels};
  producer.inputs.resize(3);
  producer.inputs[1] = weight_name;
  producer.inputs[2] = bias_name;
  producer.attributes.erase("alpha");
  producer.attributes.erase("beta");
  producer.outputs = {bn.outputs[0]};
  return true;
}

void fold_batchnorms(Graph& graph) {
  std::map<std::string, int> readers;
  for (const auto& node : graph.nodes)
    for (const auto& in : node.inputs) ++readers[in];
  for (const auto& out : graph.outputs) ++readers[out];
  std::map<std::string, std::size_t> producer_of;
  std::vector<bool> removed(graph.nodes.size(), false);
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& node = graph.nodes[i];
    if (node.op == "BatchNormalization" && node.outputs.size() >= 1) {
      auto it = producer_of.find(node.input(0));
      if (it != producer_of.end() && readers[node.input(0)] == 1 &&
          fold_batchnorm_into(graph, graph.nodes[it->second], node)) {
        removed[i] = true;
        producer_of.erase(it);
        continue;
      }
    }
    if ((node.op == "Conv" || node.op == "Gemm") && node.outputs.size() == 1)
      producer_of[node.outputs[0]] = i;
  }
  std::vector<Node> kept;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i)
    if (!removed[i]) kept.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(kept);
}

}  // namespace

Result<Graph> prepare_graph(Graph graph, const std::vector<Shape>& input_shapes) {
  if (graph.opset < kMinOpset || graph.opset > kMaxOpset)
    return fail("opset " + std::to_string(graph.opset) + " is not supported (supported: " +
                std::to_string(kMinOpset) + " to " + std::to_string(kMaxOpset) + ")");
  if (input_shapes.size() != graph.inputs.size()) return fail("wrong number of input shapes");
  for (std::size_t i = 0; i < input_shapes.size(); ++i) {
    const auto& declared = graph.inputs[i].shape;
    bool matches = declared.size() == input_shapes[i].size();
    for (std::size_t d = 0; matches && d < declared.size(); ++d)
      matches = declared[d] < 0 || declared[d] == input_shapes[i][d];
    if (!matches)
      return fail("input '" + graph.inputs[i].name + "' is declared " +
                  shape_to_string(declared) + ", got " + shape_to_string(input_shapes[i]));
    for (int64_t d : input_shapes[i])
      if (d <= 0) return fail("input '" + graph.inputs[i].name + "' has a non-positive dimension");
  }
  remove_passthrough_nodes(graph);
  auto problems = unsupported_nodes(graph);
  if (!problems.empty()) {
    std::string text = std::to_string(problems.size()) + " unsupported node(s):";
    for (const auto& p : problems) text += "\n  " + p;
    return fail(text);
  }
  auto folded = fold_constants(graph, input_shapes);
  if (!folded) return fail(folded.error());
  fold_batchnorms(graph);
  return graph;
}

}  // namespace zk::model
