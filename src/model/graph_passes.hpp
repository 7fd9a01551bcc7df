// Passes that turn a loaded graph into the static-shape form the quantizer takes.
#pragma once

#include <string>
#include <vector>

#include "model/graph.hpp"

namespace zk::model {

constexpr int64_t kMinOpset = 7;
constexpr int64_t kMaxOpset = 18;

// One line per node whose op the engines do not implement: "node 'NAME': unsupported op OP".
std::vector<std::string> unsupported_nodes(const Graph& graph);

// Input shapes for `graph`: its declared ones with symbolic dims filled. When `flat_lengths` is
// given (one per input), a single symbolic dim is inferred from it and the length is checked;
// otherwise symbolic dims become 1.
Result<std::vector<Shape>> resolve_input_shapes(const Graph& graph,
                                                const std::vector<std::size_t>* flat_lengths);

// Fixes the input shapes, removes Identity and Dropout, checks every op is supported (listing all
// unsupported nodes at once), folds every value that does not depend on input data into constants
// (the Shape/Gather/Concat/Unsqueeze/Cast chains of PyTorch exports), folds BatchNormalization into
// a preceding Conv or Gemm whose output it alone reads, and records every value's shape.
Result<Graph> prepare_graph(Graph graph, const std::vector<Shape>& input_shapes);

}  // namespace zk::model
