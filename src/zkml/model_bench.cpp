#include "zkml/model_bench.hpp"

#include <sys/resource.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "model/onnx_loader.hpp"
#include "model/pipeline.hpp"
#include "zkml/zkml.hpp"

namespace zk::zkml {

Result<model::IntModel> quantize_onnx(const std::string& onnx_path, const model::FlatInputs* calibration,
                                      int bits) {
  auto graph = model::load_onnx_file(onnx_path);
  if (!graph) return fail(onnx_path + ": " + graph.error());
  auto shapes = model::resolve_input_shapes(*graph, nullptr);
  if (!shapes) return fail(shapes.error());
  auto prepared = model::prepare_graph(*graph, *shapes);
  if (!prepared) return fail(prepared.error());
  std::vector<std::vector<model::FloatTensor>> samples;
  if (calibration) {
    auto split = model::split_samples(*calibration, *shapes);
    if (!split) return fail("calibration data: " + split.error());
    samples = std::move(*split);
  }
  auto ranges = model::calibrate(*prepared, samples);
  if (!ranges) return fail(ranges.error());
  return model::quantize(*prepared, *ranges, {bits, false});
}

namespace {

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

std::string error_json(const std::string& reason) {
  return nlohmann::json{{"what", "model"}, {"error", reason}}.dump();
}

}  // namespace

std::string model_benchmark_json(const std::string& onnx_path, const std::string& input_path, bool zero_knowledge) {
  using clock = std::chrono::steady_clock;
  auto graph = model::load_onnx_file(onnx_path);
  if (!graph) return error_json(onnx_path + ": " + graph.error());
  auto inputs = model::read_inputs(input_path);
  if (!inputs) return error_json(input_path + ": " + inputs.error());
  auto run = model::run_model(*graph, *inputs, nullptr, {8, false});
  if (!run) return error_json(run.error());
  auto tensors = model::shape_inputs(*inputs, [&] {
    std::vector<model::Shape> shapes;
    for (int id : run->model.input_layers) shapes.push_back(run->model.layers[id].shape);
    return shapes;
  }());
  if (!tensors) return error_json(tensors.error());
  auto start = clock::now();
  auto float_run = model::run_float(run->graph, *tensors);
  const double infer_float_ms = ms_since(start);
  auto quantized = model::quantize_inputs(run->model, *tensors);
  if (!float_run || !quantized) return error_json("inference failed");
  start = clock::now();
  auto trace = model::run_int(run->model, *quantized);
  const double infer_int_ms = ms_since(start);
  if (!trace) return error_json(trace.error());

  start = clock::now();
  auto pk = setup(run->model, ParamsPreset::conjectured, {}, zero_knowledge);
  const double setup_ms = ms_since(start);
  if (!pk) return error_json(pk.error());
  // The proven input: per example, the model inputs back to back (ModelSpec).
  std::vector<std::vector<double>> arrays;
  for (const auto& t : *tensors) arrays.push_back(t.data);
  auto input = quantize_input(pk->vk.spec, arrays);
  if (!input) return error_json(input.error());
  const auto batch = static_cast<uint32_t>(input->size() / pk->vk.spec.input_features());
  start = clock::now();
  auto proof = prove(*pk, batch, *input);
  const double prove_ms = ms_since(start);
  if (!proof) return error_json(proof.error());
  const auto bytes = proof->to_bytes();
  const auto vk = VerifyingKey::from_bytes(pk->vk.to_bytes());
  if (!vk) return error_json(vk.error());
  start = clock::now();
  auto verified = verify_bytes(*vk, bytes, *input);
  const double verify_ms = ms_since(start);
  if (!verified) return error_json("verification failed: " + verified.error());

  // Proof bytes per part (Proof::to_bytes): statement, commitments, LogUp, layer sum-checks, opening.
  ByteWriter commitment_bytes, lookup_bytes, layer_bytes;
  for (const auto& c : proof->commitments) c.serialize(commitment_bytes);
  if (zero_knowledge) {
    if (!proof->private_lookup.layers.empty()) proof->private_lookup.encode(lookup_bytes);
    for (const auto& lp : proof->layers)
      for (const auto* sc : {&lp.private_channel_sum, &lp.private_zero_check}) sc->encode(layer_bytes);
  } else {
    proof->lookup.encode(lookup_bytes);
    for (const auto& lp : proof->layers)
      for (const auto* sc : {&lp.channel_sum, &lp.spatial_sum, &lp.output_check, &lp.zero_check}) sc->encode(layer_bytes);
  }
  const nlohmann::json proof_parts{{"commitments", commitment_bytes.bytes().size()},
                                   {"lookup", lookup_bytes.bytes().size()},
                                   {"layer_sumchecks", layer_bytes.bytes().size()},
                                   {"opening", proof->opening.size()}};
  size_t params = 0;
  for (size_t l = 0; l < pk->weights.size(); ++l) params += pk->weights[l].size() + pk->biases[l].size();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  nlohmann::json out{{"what", "model"},
                     {"model", onnx_path},
                     {"params", params},
                     {"batch", batch},
                     {"zero_knowledge", zero_knowledge},
                     {"setup_ms", setup_ms},
                     {"prove_ms", prove_ms},
                     {"verify_ms", verify_ms},
                     {"proof_bytes", bytes.size()},
                     {"proof_parts", proof_parts},
                     {"vk_bytes", vk->to_bytes().size()},
                     {"peak_rss_mb", static_cast<double>(usage.ru_maxrss) / 1024.0},
                     {"infer_int_ms", infer_int_ms},
                     {"infer_float_ms", infer_float_ms}};
  return out.dump();
}

}  // namespace zk::zkml
