// Accuracy of the 8-bit integer engine on trained classifiers, and the EZKL example sweep.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "model/test_util.hpp"

namespace zk::model {
namespace {

using testing::load_test_model;
using testing::models_dir;
using testing::read_json;

std::size_t argmax(const std::vector<double>& v) {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

// Quantizes once, calibrated on the first 50 held-out rows, and runs every held-out row through
// both engines; returns the fraction of rows whose argmax agrees.
double argmax_agreement(const std::string& name) {
  const Graph loaded = load_test_model(name);
  const auto rows = read_json(models_dir() + name + "_test.json").at("input_data").get<FlatInputs>();
  const Shape shape{1, static_cast<int64_t>(rows[0].size())};
  auto graph = prepare_graph(loaded, {shape});
  EXPECT_TRUE(graph) << graph.error();
  std::vector<std::vector<FloatTensor>> calibration_sets;
  for (std::size_t i = 0; i < 50; ++i) calibration_sets.push_back({{shape, rows[i]}});
  auto calibration = calibrate(*graph, calibration_sets);
  EXPECT_TRUE(calibration);
  auto model = quantize(*graph, *calibration, {8, false});
  EXPECT_TRUE(model) << model.error();
  std::size_t agree = 0;
  for (const auto& row : rows) {
    const std::vector<FloatTensor> input{{shape, row}};
    auto reference = run_float(*graph, input);
    auto trace = run_int(*model, *quantize_inputs(*model, input));
    EXPECT_TRUE(reference && trace);
    agree += argmax(reference->outputs[0].data) == argmax(dequantize_outputs(*model, *trace)[0].data);
  }
  const double fraction = static_cast<double>(agree) / static_cast<double>(rows.size());
  std::cout << name << ": 8-bit argmax agreement " << agree << "/" << rows.size() << "\n";
  return fraction;
}

TEST(Accuracy, DigitsMlpAgreesWithFloatAt8Bits) { EXPECT_GE(argmax_agreement("digits_mlp"), 0.99); }

TEST(Accuracy, BreastCancerMlpAgreesWithFloatAt8Bits) { EXPECT_GE(argmax_agreement("cancer_mlp"), 0.99); }

// Every EZKL example either runs (and then tracks the float engine) or fails with a reason.
TEST(EzklExamples, LoadRunAndCompareAgainstFloat) {
  const std::filesystem::path root = std::filesystem::path(ZKINFER_SOURCE_DIR) / ".." / "shared" / "ezkl-examples";
  if (!std::filesystem::is_directory(root)) GTEST_SKIP() << "no EZKL examples at " << root;
  int runs = 0, total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    const auto model_path = entry.path() / "network.onnx";
    if (!std::filesystem::exists(model_path)) continue;
    ++total;
    SCOPED_TRACE(entry.path().filename().string());
    auto graph = load_onnx_file(model_path.string());
    if (!graph) continue;
    auto inputs = read_inputs((entry.path() / "input.json").string());
    if (!inputs) continue;
    auto run = run_model(*graph, *inputs, nullptr, {8, false});
    if (!run) {
      EXPECT_FALSE(run.error().empty());
      continue;
    }
    ++runs;
    double peak = 0;
    for (const auto& t : run->float_outputs)
      for (double v : t.data) peak = std::max(peak, std::fabs(v));
    const auto stats = compare_outputs(run->int_outputs, run->float_outputs);
    EXPECT_LE(stats.max_abs, 0.05 * std::max(peak, 1.0));
  }
  EXPECT_GT(total, 0);
  std::cout << "EZKL examples: " << runs << " of " << total << " run\n";
}

}  // namespace
}  // namespace zk::model
