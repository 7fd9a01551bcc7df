#include "model/io.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "model/onnx_loader.hpp"

namespace zk::model {

Result<FlatInputs> parse_input_json(std::string_view text) {
  if (text.size() > Limits::kMaxInputBytes) return fail("input JSON is too large");
  auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return fail("input is not valid JSON");
  if (!json.is_object() || !json.contains("input_data") || !json["input_data"].is_array())
    return fail("input JSON has no \"input_data\" array");
  FlatInputs inputs;
  for (const auto& array : json["input_data"]) {
    if (!array.is_array()) return fail("each entry of input_data must be an array of numbers");
    std::vector<double> values;
    values.reserve(array.size());
    for (const auto& v : array) {
      if (!v.is_number()) return fail("input_data holds a non-number");
      const double d = v.get<double>();
      if (!std::isfinite(d)) return fail("input_data holds a non-finite number");
      values.push_back(d);
    }
    inputs.push_back(std::move(values));
  }
  if (inputs.empty()) return fail("input_data is empty");
  return inputs;
}

Result<FlatInputs> read_inputs(const std::string& path) {
  const bool is_pb = path.size() >= 3 && path.compare(path.size() - 3, 3, ".pb") == 0;
  if (!is_pb) {
    auto text = read_file_bounded(path, Limits::kMaxInputBytes);
    if (!text) return fail(text.error());
    return parse_input_json(*text);
  }
  FlatInputs inputs;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const std::size_t end = std::min(path.find(',', begin), path.size());
    const std::string file = path.substr(begin, end - begin);
    auto bytes = read_file_bounded(file, Limits::kMaxInputBytes);
    if (!bytes) return fail(bytes.error());
    auto tensor = load_tensor_proto_bytes(*bytes);
    if (!tensor) return fail("'" + file + "': " + tensor.error());
    for (double v : tensor->data)
      if (!std::isfinite(v)) return fail("'" + file + "' holds a non-finite value");
    inputs.push_back(std::move(tensor->data));
    begin = end + 1;
  }
  return inputs;
}

}  // namespace zk::model
