// Helpers shared by the model tests: committed test models and their reference data.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "model/onnx_loader.hpp"
#include "model/pipeline.hpp"

namespace zk::model::testing {

inline std::string models_dir() { return std::string(ZKINFER_SOURCE_DIR) + "/tests/models/"; }

inline nlohmann::json read_json(const std::string& path) {
  std::ifstream file(path);
  return nlohmann::json::parse(file);
}

inline FlatInputs json_inputs(const nlohmann::json& j) {
  return j.at("input_data").get<FlatInputs>();
}

// Loads tests/models/NAME.onnx and checks it loaded.
inline Graph load_test_model(const std::string& name) {
  auto graph = load_onnx_file(models_dir() + name + ".onnx");
  if (!graph) throw std::runtime_error(name + ": " + graph.error());
  return std::move(*graph);
}

inline const char* const kCommittedModels[] = {"digits_mlp",        "cancer_mlp",        "small_cnn_opset9",
                                               "small_cnn_opset13", "small_cnn_opset17", "ops_mix",
                                               "conv_bn"};

}  // namespace zk::model::testing
