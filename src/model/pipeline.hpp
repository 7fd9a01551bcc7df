// The whole path from a loaded ONNX graph and float inputs to the integer trace and the float
// reference: prepare, calibrate, quantize, run both engines.
#pragma once

#include <vector>

#include "model/float_engine.hpp"
#include "model/graph_passes.hpp"
#include "model/int_engine.hpp"
#include "model/io.hpp"
#include "model/quantize.hpp"

namespace zk::model {

struct ModelRun {
  Graph graph;                           // prepared graph
  IntModel model;                        // quantized model
  IntTrace trace;                        // full integer trace of the run
  std::vector<FloatTensor> int_outputs;  // dequantized integer-engine outputs
  std::vector<FloatTensor> float_outputs;
};

// Shapes `flat` into tensors of `shapes`; fails on a length mismatch.
Result<std::vector<FloatTensor>> shape_inputs(const FlatInputs& flat, const std::vector<Shape>& shapes);

// Splits calibration data into samples: each input's flat array holds k >= 1 samples back to back
// (the same k for every input), as in EZKL calibration files.
Result<std::vector<std::vector<FloatTensor>>> split_samples(const FlatInputs& flat,
                                                            const std::vector<Shape>& shapes);

// Prepares `loaded` for the shapes of `inputs`, calibrates on `calibration` (or on `inputs` when
// null), quantizes and runs both engines on `inputs`.
Result<ModelRun> run_model(const Graph& loaded, const FlatInputs& inputs, const FlatInputs* calibration,
                           const QuantOptions& options);

struct ErrorStats {
  double max_abs = 0;
  double mean_abs = 0;
};
ErrorStats compare_outputs(const std::vector<FloatTensor>& a, const std::vector<FloatTensor>& b);

}  // namespace zk::model
