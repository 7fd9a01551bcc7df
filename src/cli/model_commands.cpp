// `zkinfer inspect` and `zkinfer run`: load an ONNX model, report on it, quantize and run it
// (`inspect` of a key file is proof_commands.cpp's).
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/proof_commands.hpp"
#include "model/onnx_loader.hpp"
#include "model/pipeline.hpp"

namespace zk::cli {

namespace {

using namespace zk::model;

int report_error(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return kExitUsage;
}

int inspect(const std::string& path) {
  if (is_key_file(path)) return inspect_key(path);
  auto graph = load_onnx_file(path);
  if (!graph) return report_error(path + ": " + graph.error());
  std::cout << "model: " << path << "\nopset: " << graph->opset << "\n";
  for (const auto& input : graph->inputs)
    std::cout << "input: " << input.name << " " << shape_to_string(input.shape) << "\n";
  for (const auto& output : graph->outputs) std::cout << "output: " << output << "\n";
  int64_t parameters = 0;
  for (const auto& [name, value] : graph->constants) parameters += static_cast<int64_t>(value.data.size());
  std::cout << "parameters: " << parameters << "\nnodes: " << graph->nodes.size() << "\n";
  std::map<std::string, int> op_counts;
  for (const auto& node : graph->nodes) ++op_counts[node.op];
  std::cout << "ops:";
  for (const auto& [op, count] : op_counts) std::cout << " " << op << "x" << count;
  std::cout << "\n";
  const auto unsupported = unsupported_nodes(*graph);
  if (!unsupported.empty()) {
    std::cout << "supported: no (" << unsupported.size() << " unsupported node(s))\n";
    for (const auto& line : unsupported) std::cout << "  " << line << "\n";
    return kExitOk;
  }
  auto shapes = resolve_input_shapes(*graph, nullptr);
  auto prepared = shapes ? prepare_graph(*graph, *shapes) : Result<Graph>(fail(shapes.error()));
  if (!prepared) {
    std::cout << "supported: no\n  " << prepared.error() << "\n";
    return kExitOk;
  }
  auto calibration = calibrate(*prepared, {});
  auto model = calibration ? quantize(*prepared, *calibration, {}) : Result<IntModel>(fail(calibration.error()));
  if (!model) {
    std::cout << "supported: no\n  " << model.error() << "\n";
    return kExitOk;
  }
  std::cout << "supported: yes\nlayers after folding and quantization (symbolic dims taken as 1):\n";
  for (const auto& layer : model->layers)
    std::cout << "  " << layer_op_name(layer.op) << " " << layer.name << " (" << layer.source_op
              << ") -> " << shape_to_string(layer.shape) << "\n";
  return kExitOk;
}

nlohmann::json to_json(const std::vector<FloatTensor>& tensors) {
  nlohmann::json arrays = nlohmann::json::array();
  for (const auto& t : tensors) arrays.push_back(t.data);
  return arrays;
}

struct RunArgs {
  std::string model_path, input_path, calibration_path;
  int bits = 8;
  bool compare = false;
  bool per_channel = false;
};

int run(const RunArgs& args) {
  auto graph = load_onnx_file(args.model_path);
  if (!graph) return report_error(args.model_path + ": " + graph.error());
  auto inputs = read_inputs(args.input_path);
  if (!inputs) return report_error(args.input_path + ": " + inputs.error());
  Result<FlatInputs> calibration = FlatInputs{};
  if (!args.calibration_path.empty()) {
    calibration = read_inputs(args.calibration_path);
    if (!calibration) return report_error(args.calibration_path + ": " + calibration.error());
  }
  QuantOptions options{args.bits, args.per_channel};
  auto result = run_model(*graph, *inputs, args.calibration_path.empty() ? nullptr : &*calibration, options);
  if (!result) return report_error(result.error());
  nlohmann::json out;
  out["output_data"] = to_json(result->int_outputs);
  if (args.compare) {
    const auto stats = compare_outputs(result->int_outputs, result->float_outputs);
    out["float_output_data"] = to_json(result->float_outputs);
    out["max_abs_error"] = stats.max_abs;
    out["mean_abs_error"] = stats.mean_abs;
  }
  std::cout << out.dump() << "\n";
  return kExitOk;
}

}  // namespace

void register_model_commands(CLI::App& app, int& exit_code) {
  auto* inspect_cmd = app.add_subcommand("inspect", "List an ONNX model's inputs, ops, parameter count and "
                                                    "whether every node is supported; or describe a key "
                                                    "(model.vk, model.pk), model id first");
  static std::string inspect_path;
  inspect_cmd->add_option("model", inspect_path, "ONNX model file, or DIR/model.vk or DIR/model.pk")->required();
  inspect_cmd->callback([&exit_code] { exit_code = inspect(inspect_path); });

  auto* run_cmd = app.add_subcommand("run", "Quantize a model and run it in exact integer arithmetic; "
                                            "prints {\"output_data\": [...]} (dequantized outputs)");
  static RunArgs args;
  run_cmd->add_option("model", args.model_path, "ONNX model file")->required();
  run_cmd->add_option("--input,-i", args.input_path,
                      "input.json ({\"input_data\": [[...], ...]}) or comma-separated .pb tensors")
      ->required();
  run_cmd->add_option("--bits", args.bits, "quantization bits (2 to 16)")
      ->default_val(8)
      ->check(CLI::Range(2, 16));
  run_cmd->add_option("--calibration", args.calibration_path,
                      "calibration samples in input.json format (each array may hold several samples "
                      "back to back); default: the input itself");
  run_cmd->add_flag("--compare", args.compare, "also print float outputs and the absolute error");
  run_cmd->add_flag("--per-channel", args.per_channel, "per-output-channel weight scales");
  run_cmd->callback([&exit_code] { exit_code = run(args); });
}

}  // namespace zk::cli
