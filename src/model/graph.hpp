// The float graph IR an ONNX model is loaded into: named tensors, constant initializers and
// nodes in topological order. Passes in graph_passes.hpp simplify it before quantization.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/tensor.hpp"

namespace zk::model {

struct Attribute {
  enum class Kind { Int, Float, String, Ints, Floats, Tensor, Unsupported };
  Kind kind = Kind::Unsupported;
  int64_t i = 0;
  double f = 0;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  FloatTensor tensor;
};

struct Node {
  std::string name;  // ONNX node name, or "<op>_<index>" when the file leaves it empty
  std::string op;    // op_type; "domain:op_type" for ops outside the default ONNX domain
  std::vector<std::string> inputs;  // "" marks an omitted optional input
  std::vector<std::string> outputs;
  std::map<std::string, Attribute> attributes;

  bool has(const std::string& key) const { return attributes.count(key) != 0; }
  int64_t int_attr(const std::string& key, int64_t fallback) const;
  double float_attr(const std::string& key, double fallback) const;
  std::string string_attr(const std::string& key, const std::string& fallback) const;
  std::vector<int64_t> ints_attr(const std::string& key) const;
  // Input `index` if present and non-empty, else "".
  std::string input(std::size_t index) const;
};

struct GraphInput {
  std::string name;
  Shape shape;  // -1 for a dimension the file leaves symbolic
};

struct Graph {
  int64_t opset = 0;  // default-domain opset version
  std::vector<GraphInput> inputs;
  std::vector<std::string> outputs;
  std::map<std::string, FloatTensor> constants;  // initializers and folded values
  std::vector<Node> nodes;                       // topologically ordered
  std::map<std::string, Shape> shapes;           // every value's shape, filled by prepare_graph
};

}  // namespace zk::model
