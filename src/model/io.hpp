// Model inputs from files: EZKL input.json and ONNX TensorProto .pb files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace zk::model {

using FlatInputs = std::vector<std::vector<double>>;  // one flat array per graph input

// Parses `{"input_data": [[floats], ...], ...}` (other keys ignored). Fails on malformed JSON,
// a missing or non-array input_data, non-numeric or non-finite entries.
Result<FlatInputs> parse_input_json(std::string_view text);

// Reads inputs from `path`: an input.json, or a comma-separated list of .pb TensorProto files (one
// per graph input). File sizes are capped by Limits::kMaxInputBytes.
Result<FlatInputs> read_inputs(const std::string& path);

}  // namespace zk::model
