// Bit-exact integer execution of a quantized model, returning the full trace the prover needs.
#pragma once

#include <vector>

#include "model/quantize.hpp"

namespace zk::model {

struct LayerTrace {
  IntTensor output;       // the layer's output integers
  IntTensor accumulator;  // pre-requantization accumulator (empty when the layer has none); for
                          // Softmax the exp-table outputs
  IntTensor row_sums;     // Softmax only: the sum of exp values of each softmax row
};

struct IntTrace {
  std::vector<LayerTrace> layers;  // one per model layer, same order
};

// Runs the model on quantized inputs (one per model input, shapes as the input layers').
// Fails (never wraps) when an intermediate would leave (-2^62, 2^62) or a table index falls outside
// its table.
Result<IntTrace> run_int(const IntModel& model, const std::vector<IntTensor>& inputs);

// Quantizes float inputs with the input layers' scales, and dequantizes output layers.
Result<std::vector<IntTensor>> quantize_inputs(const IntModel& model,
                                               const std::vector<FloatTensor>& inputs);
std::vector<FloatTensor> dequantize_outputs(const IntModel& model, const IntTrace& trace);

}  // namespace zk::model
