#include <gtest/gtest.h>

#include <cmath>

#include "model/test_util.hpp"

namespace zk::model {
namespace {

using testing::json_inputs;
using testing::load_test_model;
using testing::models_dir;
using testing::read_json;

TEST(Requant, IsFloorOfRoundedProductWithClamp) {
  // acc * M + 2^(k-1) = t * 2^k + r with 0 <= r < 2^k, y = clamp(t).
  for (int64_t acc : {-1000, -17, -1, 0, 1, 5, 999, 123456}) {
    for (int64_t m : {-3, 1, 7, 1000}) {
      for (int k : {1, 3, 10}) {
        auto y = requantize(acc, m, k, -127, 127);
        ASSERT_TRUE(y);
        const int64_t lhs = acc * m + (int64_t{1} << (k - 1));
        int64_t t = lhs / (int64_t{1} << k);
        if (t * (int64_t{1} << k) > lhs) --t;  // floor
        const int64_t r = lhs - t * (int64_t{1} << k);
        EXPECT_GE(r, 0);
        EXPECT_LT(r, int64_t{1} << k);
        EXPECT_EQ(*y, std::clamp<int64_t>(t, -127, 127));
      }
    }
  }
  EXPECT_EQ(*requantize(-3, 1, 1, -127, 127), -1);  // (-3 + 1) >> 1 = -1 (half rounds up)
  EXPECT_EQ(*requantize(3, 1, 1, -127, 127), 2);
}

TEST(Requant, RejectsIntermediatesOutsideTheFieldMargin) {
  EXPECT_FALSE(requantize(int64_t{1} << 40, int64_t{1} << 30, 10, -127, 127));
  EXPECT_FALSE(requantize(std::numeric_limits<int64_t>::max(), 2, 1, -127, 127));
  EXPECT_TRUE(requantize(int64_t{1} << 30, int64_t{1} << 30, 10, -127, 127));
}

TEST(Requant, MultiplierApproximatesRatio) {
  for (double ratio : {1e-6, 0.0031, 0.5, 1.0, 3.7, -0.25, 1000.0}) {
    auto [m, k] = choose_multiplier(ratio, 31);
    EXPECT_GE(k, 1);
    EXPECT_LE(k, 62);
    EXPECT_LT(std::llabs(m), int64_t{1} << 31);
    EXPECT_NEAR(std::ldexp(static_cast<double>(m), -k), ratio, std::fabs(ratio) * 1e-8);
  }
  EXPECT_EQ(choose_multiplier(0.0, 31).first, 0);
}

// Quantization error of the integer engine against the float engine, relative to the output range.
double relative_error(const ModelRun& run) {
  double peak = 1e-6;
  for (const auto& t : run.float_outputs)
    for (double v : t.data) peak = std::max(peak, std::fabs(v));
  return compare_outputs(run.int_outputs, run.float_outputs).max_abs / peak;
}

TEST(Quantize, IntegerEngineTracksFloatOnCommittedModels) {
  for (const char* name : testing::kCommittedModels) {
    SCOPED_TRACE(name);
    const Graph graph = load_test_model(name);
    const auto inputs = json_inputs(read_json(models_dir() + name + ".json"));
    auto run8 = run_model(graph, inputs, nullptr, {8, false});
    ASSERT_TRUE(run8) << run8.error();
    auto run16 = run_model(graph, inputs, nullptr, {16, false});
    ASSERT_TRUE(run16) << run16.error();
    auto per_channel = run_model(graph, inputs, nullptr, {8, true});
    ASSERT_TRUE(per_channel) << per_channel.error();
    EXPECT_LT(relative_error(*run8), 0.05);
    EXPECT_LT(relative_error(*per_channel), 0.05);
    EXPECT_LT(relative_error(*run16), 0.002);
  }
}

TEST(Quantize, TraceHoldsEveryLayerAndAccumulator) {
  const Graph graph = load_test_model("small_cnn_opset13");
  const auto inputs = json_inputs(read_json(models_dir() + "small_cnn_opset13.json"));
  auto run = run_model(graph, inputs, nullptr, {});
  ASSERT_TRUE(run) << run.error();
  const IntModel& model = run->model;
  ASSERT_EQ(run->trace.layers.size(), model.layers.size());
  const int64_t q = 127;
  for (std::size_t l = 0; l < model.layers.size(); ++l) {
    const IntLayer& layer = model.layers[l];
    const LayerTrace& t = run->trace.layers[l];
    SCOPED_TRACE(layer.name);
    for (int id : layer.inputs) EXPECT_LT(id, static_cast<int>(l));
    EXPECT_EQ(t.output.shape, layer.shape);
    for (int64_t v : t.output.data) EXPECT_LE(std::llabs(v), q);
    if (layer.requantizes && layer.op != LayerOp::PRelu) {
      ASSERT_EQ(t.accumulator.data.size(), t.output.data.size());
      // Re-derive every output from its accumulator with the published rule.
      for (std::size_t i = 0; i < t.output.data.size(); ++i) {
        const auto& rq = layer.requant;
        const int64_t m = rq.multipliers.size() == 1 ? rq.multipliers[0]
                          : rq.per_element            ? rq.multipliers[i]
                                                      : -1;
        if (m == -1) continue;
        EXPECT_EQ(*requantize(t.accumulator.data[i], m, rq.shift, rq.lo, rq.hi), t.output.data[i]);
      }
    }
  }
  bool has_softmax = false;
  for (std::size_t l = 0; l < model.layers.size(); ++l)
    if (model.layers[l].op == LayerOp::Softmax) {
      has_softmax = true;
      const auto& t = run->trace.layers[l];
      ASSERT_EQ(t.row_sums.data.size(), 1u);
      int64_t sum = 0;
      for (int64_t e : t.accumulator.data) sum += e;
      EXPECT_EQ(sum, t.row_sums.data[0]);
      for (std::size_t i = 0; i < t.output.data.size(); ++i) {
        const int64_t lhs = 2 * q * t.accumulator.data[i] + sum;
        const int64_t r = lhs - t.output.data[i] * 2 * sum;
        EXPECT_GE(r, 0);
        EXPECT_LT(r, 2 * sum);
      }
    }
  EXPECT_TRUE(has_softmax);
}

TEST(Quantize, LookupTablesCoverTheWholeInputDomain) {
  const Graph graph = load_test_model("ops_mix");
  auto run = run_model(graph, json_inputs(read_json(models_dir() + "ops_mix.json")), nullptr, {6, false});
  ASSERT_TRUE(run) << run.error();
  int tables = 0;
  for (const auto& layer : run->model.layers)
    if (layer.op == LayerOp::Lookup) {
      ++tables;
      EXPECT_EQ(layer.table.size(), 63u);  // inputs -31..31 at 6 bits
      EXPECT_EQ(layer.table_offset, -31);
      for (int64_t v : layer.table) EXPECT_LE(std::llabs(v), 31);
    }
  EXPECT_EQ(tables, 2);  // Sigmoid, Tanh
}

TEST(Quantize, CalibrationDataSetsTheScales) {
  const Graph graph = load_test_model("cancer_mlp");
  const auto test = read_json(models_dir() + "cancer_mlp_test.json");
  const auto rows = test.at("input_data").get<FlatInputs>();
  FlatInputs calibration{{}};
  for (std::size_t i = 0; i < 20; ++i) calibration[0].insert(calibration[0].end(), rows[i].begin(), rows[i].end());
  auto with = run_model(graph, {rows[30]}, &calibration, {});
  auto without = run_model(graph, {rows[30]}, nullptr, {});
  ASSERT_TRUE(with) << with.error();
  ASSERT_TRUE(without);
  EXPECT_NE(with->model.layers[0].scale, without->model.layers[0].scale);
  FlatInputs ragged{{1.0, 2.0, 3.0}};
  EXPECT_FALSE(run_model(graph, {rows[30]}, &ragged, {}));
}

TEST(Quantize, RejectsBitsOutOfRange) {
  const Graph graph = load_test_model("cancer_mlp");
  const auto inputs = json_inputs(read_json(models_dir() + "cancer_mlp.json"));
  EXPECT_FALSE(run_model(graph, inputs, nullptr, {17, false}));
  EXPECT_FALSE(run_model(graph, inputs, nullptr, {1, false}));
}

TEST(IntEngine, ReportsOverflowInsteadOfWrapping) {
  IntModel model;
  model.bits = 16;
  IntLayer input;
  input.op = LayerOp::Input;
  input.shape = {1, 2};
  IntLayer matmul;
  matmul.op = LayerOp::MatMul;
  matmul.name = "big";
  matmul.inputs = {0};
  matmul.shape = {1, 1};
  matmul.weights = {{2, 1}, {int64_t{1} << 40, int64_t{1} << 40}};
  matmul.requantizes = true;
  matmul.requant = {{1}, -1, false, 1, -32767, 32767};
  model.layers = {input, matmul};
  model.input_layers = {0};
  model.output_layers = {1};
  auto fits = run_int(model, {IntTensor{{1, 2}, {3, 4}}});  // acc = 7 * 2^40, then clamped
  ASSERT_TRUE(fits) << fits.error();
  EXPECT_EQ(fits->layers[1].accumulator.data[0], int64_t{7} << 40);
  EXPECT_EQ(fits->layers[1].output.data[0], 32767);
  auto trace = run_int(model, {IntTensor{{1, 2}, {int64_t{1} << 22, int64_t{1} << 22}}});
  ASSERT_FALSE(trace);
  EXPECT_NE(trace.error().find("2^62"), std::string::npos);
}

}  // namespace
}  // namespace zk::model
