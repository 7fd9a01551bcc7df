// libFuzzer target: arbitrary bytes through the ONNX loader and, when they load, graph preparation,
// calibration, quantization and both engines. Every outcome must be a value or an error Result.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/onnx_loader.hpp"
#include "model/pipeline.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace zk::model;
  auto graph = load_onnx_bytes(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!graph) return 0;
  auto shapes = resolve_input_shapes(*graph, nullptr);
  if (!shapes) return 0;
  FlatInputs inputs;
  for (const auto& shape : *shapes) {
    if (numel(shape) > (int64_t{1} << 16)) return 0;  // keep each fuzz iteration fast
    inputs.emplace_back(static_cast<std::size_t>(numel(shape)), 0.5);
  }
  auto run = run_model(*graph, inputs, nullptr, {});
  return 0;
}
