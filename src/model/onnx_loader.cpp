#include "model/onnx_loader.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

#include <onnx/onnx_pb.h>

namespace zk::model {

int64_t Node::int_attr(const std::string& key, int64_t fallback) const {
  auto it = attributes.find(key);
  return it != attributes.end() && it->second.kind == Attribute::Kind::Int ? it->second.i
                                                                           : fallback;
}

double Node::float_attr(const std::string& key, double fallback) const {
  auto it = attributes.find(key);
  if (it == attributes.end()) return fallback;
  if (it->second.kind == Attribute::Kind::Float) return it->second.f;
  if (it->second.kind == Attribute::Kind::Int) return static_cast<double>(it->second.i);
  return fallback;
}

std::string Node::string_attr(const std::string& key, const std::string& fallback) const {
  auto it = attributes.find(key);
  return it != attributes.end() && it->second.kind == Attribute::Kind::String ? it->second.s
                                                                              : fallback;
}

std::vector<int64_t> Node::ints_attr(const std::string& key) const {
  auto it = attributes.find(key);
  return it != attributes.end() && it->second.kind == Attribute::Kind::Ints ? it->second.ints
                                                                            : std::vector<int64_t>{};
}

std::string Node::input(std::size_t index) const {
  return index < inputs.size() ? inputs[index] : std::string();
}

Result<std::string> read_file_bounded(const std::string& path, std::size_t max_bytes) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return fail("cannot open '" + path + "'");
  std::string bytes;
  constexpr std::size_t kChunk = 1 << 16;
  char buffer[kChunk];
  while (file) {
    file.read(buffer, kChunk);
    auto got = static_cast<std::size_t>(file.gcount());
    if (bytes.size() + got > max_bytes)
      return fail("'" + path + "' is larger than the limit of " + std::to_string(max_bytes) +
                  " bytes");
    bytes.append(buffer, got);
  }
  if (file.bad()) return fail("error reading '" + path + "'");
  return bytes;
}

namespace {

template <class Src>
Result<std::vector<double>> read_raw(const std::string& raw, int64_t count) {
  if (raw.size() != static_cast<std::size_t>(count) * sizeof(Src))
    return fail("raw_data holds " + std::to_string(raw.size()) + " bytes, expected " +
                std::to_string(count * static_cast<int64_t>(sizeof(Src))));
  std::vector<double> values(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < values.size(); ++i) {
    Src v;
    std::memcpy(&v, raw.data() + i * sizeof(Src), sizeof(Src));
    values[i] = static_cast<double>(v);
  }
  return values;
}

template <class Field>
Result<std::vector<double>> read_typed(const Field& field, int64_t count) {
  if (field.size() != count)
    return fail("tensor holds " + std::to_string(field.size()) + " values, expected " +
                std::to_string(count));
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(count));
  for (auto v : field) values.push_back(static_cast<double>(v));
  return values;
}

double half_to_double(uint16_t h) {
  int exponent = (h >> 10) & 0x1f;
  double mantissa = h & 0x3ff;
  double value = exponent == 0    ? std::ldexp(mantissa, -24)
                 : exponent == 31 ? (mantissa == 0 ? INFINITY : NAN)
                                  : std::ldexp(mantissa + 1024, exponent - 25);
  return (h & 0x8000) ? -value : value;
}

Result<FloatTensor> convert_tensor(const onnx::TensorProto& proto) {
  const std::string label = proto.name().empty() ? "tensor" : "tensor '" + proto.name() + "'";
  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    return fail(label + " uses external data, which is not supported");
  FloatTensor tensor;
  tensor.shape.assign(proto.dims().begin(), proto.dims().end());
  auto count = element_count(tensor.shape);
  if (!count) return fail(label + ": " + count.error());
  const bool raw = proto.has_raw_data();
  const std::string& bytes = proto.raw_data();
  Result<std::vector<double>> values = fail("");
  switch (proto.data_type()) {
    case onnx::TensorProto::FLOAT:
      values = raw ? read_raw<float>(bytes, *count) : read_typed(proto.float_data(), *count);
      break;
    case onnx::TensorProto::DOUBLE:
      values = raw ? read_raw<double>(bytes, *count) : read_typed(proto.double_data(), *count);
      break;
    case onnx::TensorProto::INT64:
      values = raw ? read_raw<int64_t>(bytes, *count) : read_typed(proto.int64_data(), *count);
      break;
    case onnx::TensorProto::UINT64:
      values = raw ? read_raw<uint64_t>(bytes, *count) : read_typed(proto.uint64_data(), *count);
      break;
    case onnx::TensorProto::INT32:
      values = raw ? read_raw<int32_t>(bytes, *count) : read_typed(proto.int32_data(), *count);
      break;
    case onnx::TensorProto::INT16:
      values = raw ? read_raw<int16_t>(bytes, *count) : read_typed(proto.int32_data(), *count);
      break;
    case onnx::TensorProto::UINT16:
      values = raw ? read_raw<uint16_t>(bytes, *count) : read_typed(proto.int32_data(), *count);
      break;
    case onnx::TensorProto::INT8:
      values = raw ? read_raw<int8_t>(bytes, *count) : read_typed(proto.int32_data(), *count);
      break;
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::BOOL:
      values = raw ? read_raw<uint8_t>(bytes, *count) : read_typed(proto.int32_data(), *count);
      break;
    case onnx::TensorProto::FLOAT16: {
      Result<std::vector<double>> bits =
          raw ? read_raw<uint16_t>(bytes, *count) : read_typed(proto.int32_data(), *count);
      if (bits)
        for (double& v : *bits) v = half_to_double(static_cast<uint16_t>(v));
      values = std::move(bits);
      break;
    }
    default:
      return fail(label + " has unsupported data type " + std::to_string(proto.data_type()));
  }
  if (!values) return fail(label + ": " + values.error());
  tensor.data = std::move(*values);
  return tensor;
}

Result<Attribute> convert_attribute(const onnx::AttributeProto& proto) {
  Attribute attribute;
  switch (proto.type()) {
    case onnx::AttributeProto::INT:
      attribute.kind = Attribute::Kind::Int;
      attribute.i = proto.i();
      break;
    case onnx::AttributeProto::FLOAT:
      attribute.kind = Attribute::Kind::Float;
      attribute.f = proto.f();
      break;
    case onnx::AttributeProto::STRING:
      attribute.kind = Attribute::Kind::String;
      attribute.s = proto.s();
      break;
    case onnx::AttributeProto::INTS:
      attribute.kind = Attribute::Kind::Ints;
      attribute.ints.assign(proto.ints().begin(), proto.ints().end());
      break;
    case onnx::AttributeProto::FLOATS:
      attribute.kind = Attribute::Kind::Floats;
      attribute.floats.assign(proto.floats().begin(), proto.floats().end());
      break;
    case onnx::AttributeProto::TENSOR: {
      attribute.kind = Attribute::Kind::Tensor;
      auto tensor = convert_tensor(proto.t());
      if (!tensor) return fail("attribute '" + proto.name() + "': " + tensor.error());
      attribute.tensor = std::move(*tensor);
      break;
    }
    default:
      attribute.kind = Attribute::Kind::Unsupported;
  }
  return attribute;
}

// Kahn's algorithm over the value names; fails on a cycle or an undefined input.
Result<std::vector<Node>> topological_order(std::vector<Node> nodes,
                                            const std::set<std::string>& available) {
  std::map<std::string, std::size_t> producer;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (const auto& out : nodes[i].outputs) {
      if (out.empty()) continue;
      if (available.count(out) || !producer.emplace(out, i).second)
        return fail("value '" + out + "' is defined more than once (node '" + nodes[i].name + "')");
    }
  std::vector<std::size_t> pending(nodes.size(), 0);
  std::vector<std::vector<std::size_t>> consumers(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (const auto& in : nodes[i].inputs) {
      if (in.empty() || available.count(in)) continue;
      auto it = producer.find(in);
      if (it == producer.end())
        return fail("node '" + nodes[i].name + "' (" + nodes[i].op + ") reads '" + in +
                    "', which is neither a graph input, an initializer nor a node output");
      ++pending[i];
      consumers[it->second].push_back(i);
    }
  std::vector<std::size_t> ready;
  for (std::size_t i = nodes.size(); i-- > 0;)
    if (pending[i] == 0) ready.push_back(i);
  std::vector<Node> ordered;
  ordered.reserve(nodes.size());
  while (!ready.empty()) {
    std::size_t i = ready.back();
    ready.pop_back();
    for (std::size_t c : consumers[i])
      if (--pending[c] == 0) ready.push_back(c);
    ordered.push_back(std::move(nodes[i]));
  }
  if (ordered.size() != nodes.size()) return fail("the graph has a cycle");
  return ordered;
}

}  // namespace

Result<FloatTensor> load_tensor_proto_bytes(std::string_view bytes) {
  if (bytes.size() > Limits::kMaxInputBytes) return fail("tensor file is too large");
  onnx::TensorProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return fail("not a valid ONNX TensorProto");
  return convert_tensor(proto);
}

Result<Graph> load_onnx_bytes(std::string_view bytes) {
  if (bytes.size() > Limits::kMaxModelBytes)
    return fail("model is larger than the limit of " + std::to_string(Limits::kMaxModelBytes) +
                " bytes");
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return fail("not a valid ONNX model (protobuf decoding failed)");
  if (!model.has_graph()) return fail("the ONNX model has no graph");
  Graph graph;
  for (const auto& opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx") graph.opset = opset.version();
  if (graph.opset <= 0) return fail("the model does not import the default ONNX opset");
  const onnx::GraphProto& proto = model.graph();
  if (static_cast<std::size_t>(proto.node_size()) > Limits::kMaxNodes)
    return fail("the graph has more than " + std::to_string(Limits::kMaxNodes) + " nodes");

  int64_t total_elements = 0;
  std::set<std::string> available;
  for (const auto& init : proto.initializer()) {
    if (init.name().empty()) return fail("an initializer has no name");
    auto tensor = convert_tensor(init);
    if (!tensor) return fail("initializer '" + init.name() + "': " + tensor.error());
    total_elements += static_cast<int64_t>(tensor->data.size());
    if (total_elements > Limits::kMaxTotalElements)
      return fail("the initializers hold more than " + std::to_string(Limits::kMaxTotalElements) +
                  " elements");
    available.insert(init.name());
    graph.constants[init.name()] = std::move(*tensor);
  }
  for (const auto& value : proto.input()) {
    if (graph.constants.count(value.name())) continue;  // older exporters list initializers too
    if (value.name().empty()) return fail("a graph input has no name");
    if (!value.type().has_tensor_type() || !value.type().tensor_type().has_shape())
      return fail("graph input '" + value.name() + "' has no tensor shape");
    GraphInput input{value.name(), {}};
    for (const auto& dim : value.type().tensor_type().shape().dim()) {
      if (!dim.has_dim_value()) {
        input.shape.push_back(-1);
        continue;
      }
      if (dim.dim_value() <= 0)
        return fail("graph input '" + value.name() + "' has dimension " +
                    std::to_string(dim.dim_value()) + " (must be positive)");
      input.shape.push_back(dim.dim_value());
    }
    Shape known;
    for (int64_t d : input.shape) known.push_back(d < 0 ? 1 : d);
    auto count = element_count(known);
    if (!count) return fail("graph input '" + value.name() + "': " + count.error());
    if (!available.insert(value.name()).second)
      return fail("graph input '" + value.name() + "' is declared twice");
    graph.inputs.push_back(std::move(input));
  }
  for (const auto& value : proto.output()) graph.outputs.push_back(value.name());
  if (graph.outputs.empty()) return fail("the graph has no outputs");

  std::vector<Node> nodes;
  nodes.reserve(static_cast<std::size_t>(proto.node_size()));
  for (int index = 0; index < proto.node_size(); ++index) {
    const auto& node_proto = proto.node(index);
    Node node;
    node.op = node_proto.domain().empty() || node_proto.domain() == "ai.onnx"
                  ? node_proto.op_type()
                  : node_proto.domain() + ":" + node_proto.op_type();
    node.name = node_proto.name().empty() ? node.op + "_" + std::to_string(index)
                                          : node_proto.name();
    node.inputs.assign(node_proto.input().begin(), node_proto.input().end());
    node.outputs.assign(node_proto.output().begin(), node_proto.output().end());
    if (node.outputs.empty() || node.outputs[0].empty()) return fail("node '" + node.name + "' has no output");
    for (const auto& attr : node_proto.attribute()) {
      auto converted = convert_attribute(attr);
      if (!converted) return fail("node '" + node.name + "': " + converted.error());
      node.attributes[attr.name()] = std::move(*converted);
    }
    nodes.push_back(std::move(node));
  }
  auto ordered = topological_order(std::move(nodes), available);
  if (!ordered) return fail(ordered.error());
  graph.nodes = std::move(*ordered);
  std::set<std::string> defined = available;
  for (const auto& node : graph.nodes) defined.insert(node.outputs.begin(), node.outputs.end());
  for (const auto& out : graph.outputs)
    if (!defined.count(out)) return fail("graph output '" + out + "' is never computed");
  return graph;
}

Result<Graph> load_onnx_file(const std::string& path) {
  auto bytes = read_file_bounded(path, Limits::kMaxModelBytes);
  if (!bytes) return fail(bytes.error());
  return load_onnx_bytes(*bytes);
}

}  // namespace zk::model
