#include "model/pipeline.hpp"

#include <cmath>

namespace zk::model {

Result<std::vector<FloatTensor>> shape_inputs(const FlatInputs& flat, const std::vector<Shape>& shapes) {
  if (flat.size() != shapes.size())
    return fail("the model has " + std::to_string(shapes.size()) + " inputs but " +
                std::to_string(flat.size()) + " were given");
  std::vector<FloatTensor> tensors;
  for (std::size_t i = 0; i < flat.size(); ++i) {
    if (static_cast<int64_t>(flat[i].size()) != numel(shapes[i]))
      return fail("input " + std::to_string(i) + " has " + std::to_string(flat[i].size()) +
                  " values, the model needs " + std::to_string(numel(shapes[i])) + " (shape " +
                  shape_to_string(shapes[i]) + ")");
    tensors.push_back({shapes[i], flat[i]});
  }
  return tensors;
}

Result<std::vector<std::vector<FloatTensor>>> split_samples(const FlatInputs& flat,
                                                            const std::vector<Shape>& shapes) {
  if (flat.size() != shapes.size())
    return fail("the model has " + std::to_string(shapes.size()) + " inputs but " +
                std::to_string(flat.size()) + " were given");
  std::size_t samples = 0;
  for (std::size_t i = 0; i < flat.size(); ++i) {
    const auto length = static_cast<std::size_t>(numel(shapes[i]));
    if (flat[i].empty() || flat[i].size() % length != 0 || (i > 0 && flat[i].size() / length != samples))
      return fail("input " + std::to_string(i) + " holds " + std::to_string(flat[i].size()) +
                  " values, not the same positive multiple of " + std::to_string(length) +
                  " as the other inputs");
    samples = flat[i].size() / length;
  }
  std::vector<std::vector<FloatTensor>> sets(samples);
  for (std::size_t i = 0; i < flat.size(); ++i) {
    const auto length = static_cast<std::ptrdiff_t>(numel(shapes[i]));
    for (std::size_t s = 0; s < samples; ++s) {
      auto begin = flat[i].begin() + static_cast<std::ptrdiff_t>(s) * length;
      sets[s].push_back({shapes[i], std::vector<double>(begin, begin + length)});
    }
  }
  return sets;
}

Result<ModelRun> run_model(const Graph& loaded, const FlatInputs& inputs, const FlatInputs* calibration,
                           const QuantOptions& options) {
  std::vector<std::size_t> lengths;
  for (const auto& v : inputs) lengths.push_back(v.size());
  auto shapes = resolve_input_shapes(loaded, &lengths);
  if (!shapes) return fail(shapes.error());
  auto tensors = shape_inputs(inputs, *shapes);
  if (!tensors) return fail(tensors.error());
  auto graph = prepare_graph(loaded, *shapes);
  if (!graph) return fail(graph.error());
  std::vector<std::vector<FloatTensor>> sets{*tensors};
  if (calibration) {
    auto split = split_samples(*calibration, *shapes);
    if (!split) return fail("calibration data: " + split.error());
    sets = std::move(*split);
  }
  auto ranges = calibrate(*graph, sets);
  if (!ranges) return fail(ranges.error());
  auto model = quantize(*graph, *ranges, options);
  if (!model) return fail(model.error());
  auto float_run = run_float(*graph, *tensors);
  if (!float_run) return fail(float_run.error());
  auto quantized = quantize_inputs(*model, *tensors);
  if (!quantized) return fail(quantized.error());
  auto trace = run_int(*model, *quantized);
  if (!trace) return fail(trace.error());
  ModelRun run{std::move(*graph), std::move(*model), std::move(*trace), {}, std::move(float_run->outputs)};
  run.int_outputs = dequantize_outputs(run.model, run.trace);
  return run;
}

ErrorStats compare_outputs(const std::vector<FloatTensor>& a, const std::vector<FloatTensor>& b) {
  ErrorStats stats;
  std::size_t count = 0;
  for (std::size_t t = 0; t < a.size() && t < b.size(); ++t)
    for (std::size_t i = 0; i < a[t].data.size() && i < b[t].data.size(); ++i) {
      const double e = std::fabs(a[t].data[i] - b[t].data[i]);
      stats.max_abs = std::max(stats.max_abs, e);
      stats.mean_abs += e;
      ++count;
    }
  if (count) stats.mean_abs /= static_cast<double>(count);
  return stats;
}

}  // namespace zk::model
