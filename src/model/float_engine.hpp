// Float reference execution of a graph (in double precision), used to calibrate the quantizer,
// to fold constants, and to measure the quantization error of the integer engine.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/graph.hpp"
#include "model/ops.hpp"

namespace zk::model {

// Evaluates one node on its input values (nullptr for omitted optional inputs).
Result<std::vector<FloatTensor>> eval_float_node(const Node& node, const Values& inputs,
                                                 int64_t opset);

struct FloatRun {
  std::map<std::string, FloatTensor> values;  // every value computed (and the inputs)
  std::vector<FloatTensor> outputs;           // graph outputs, in graph order
};

// Runs the graph on `inputs` (one per graph input, in order, shapes matching the graph's).
// Fails on any op error or when the values of the run exceed Limits::kMaxTotalElements.
Result<FloatRun> run_float(const Graph& graph, const std::vector<FloatTensor>& inputs);

}  // namespace zk::model
