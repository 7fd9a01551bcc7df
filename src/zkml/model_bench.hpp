// From an ONNX file to a quantized model ready for setup, and the `zkinfer-bench model` entry.
#pragma once

#include <string>

#include "model/io.hpp"
#include "model/quantize.hpp"

namespace zk::zkml {

// Loads, prepares (symbolic batch dimension = 1; proofs accept any batch), calibrates on
// `calibration` (every array may hold several samples back to back; null: no data, every
// activation range is taken as [-1, 1]) and quantizes an ONNX model.
Result<model::IntModel> quantize_onnx(const std::string& onnx_path, const model::FlatInputs* calibration,
                                      int bits);

// Setup, prove and verify on one input (calibrated on that input), zero-knowledge proofs or not,
// as one JSON object:
// {"what":"model","params":…,"setup_ms":…,"prove_ms":…,"verify_ms":…,"proof_bytes":…,
//  "peak_rss_mb":…,"infer_int_ms":…,"infer_float_ms":…}; {"what":"model","error":"…"} on failure.
std::string model_benchmark_json(const std::string& onnx_path, const std::string& input_path, bool zero_knowledge);

}  // namespace zk::zkml
