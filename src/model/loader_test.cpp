#include <gtest/gtest.h>

#include <cmath>

#include "model/test_util.hpp"

namespace zk::model {
namespace {

using testing::json_inputs;
using testing::load_test_model;
using testing::models_dir;
using testing::read_json;

TEST(Loader, FloatEngineReproducesPyTorchOnEveryCommittedModel) {
  for (const char* name : testing::kCommittedModels) {
    SCOPED_TRACE(name);
    const Graph graph = load_test_model(name);
    const auto reference = read_json(models_dir() + name + ".json");
    const FlatInputs inputs = json_inputs(reference);
    std::vector<std::size_t> lengths;
    for (const auto& v : inputs) lengths.push_back(v.size());
    auto shapes = resolve_input_shapes(graph, &lengths);
    ASSERT_TRUE(shapes) << shapes.error();
    auto prepared = prepare_graph(graph, *shapes);
    ASSERT_TRUE(prepared) << prepared.error();
    auto tensors = shape_inputs(inputs, *shapes);
    ASSERT_TRUE(tensors);
    auto run = run_float(*prepared, *tensors);
    ASSERT_TRUE(run) << run.error();
    const auto expected = reference.at("output_data").get<FlatInputs>();
    ASSERT_EQ(run->outputs.size(), expected.size());
    for (std::size_t o = 0; o < expected.size(); ++o) {
      ASSERT_EQ(run->outputs[o].data.size(), expected[o].size());
      for (std::size_t i = 0; i < expected[o].size(); ++i)
        EXPECT_NEAR(run->outputs[o].data[i], expected[o][i], 1e-4 * (1 + std::fabs(expected[o][i])));
    }
  }
}

TEST(Loader, ReadsOpsetsNineToSeventeenAlike) {
  const auto reference = read_json(models_dir() + "small_cnn_opset13.json");
  std::vector<std::vector<double>> outputs;
  const std::pair<const char*, int64_t> models[] = {
      {"small_cnn_opset9", 9}, {"small_cnn_opset13", 13}, {"small_cnn_opset17", 17}};
  for (const auto& [name, opset] : models) {
    const Graph graph = load_test_model(name);
    EXPECT_EQ(graph.opset, opset);
    auto run = run_model(graph, json_inputs(reference), nullptr, {});
    ASSERT_TRUE(run) << run.error();
    outputs.push_back(run->int_outputs[0].data);
  }
  EXPECT_EQ(outputs[0], outputs[1]);
  EXPECT_EQ(outputs[1], outputs[2]);
}

TEST(Passes, FoldsShapeChainsAndRemovesPassthroughNodes) {
  const Graph graph = load_test_model("ops_mix");
  auto shapes = resolve_input_shapes(graph, nullptr);
  ASSERT_TRUE(shapes);
  auto prepared = prepare_graph(graph, *shapes);
  ASSERT_TRUE(prepared) << prepared.error();
  EXPECT_LT(prepared->nodes.size(), graph.nodes.size());
  for (const auto& node : prepared->nodes) {
    EXPECT_NE(node.op, "Shape");
    EXPECT_NE(node.op, "Constant");
    EXPECT_NE(node.op, "ConstantOfShape");
    EXPECT_NE(node.op, "Cast");
  }
  for (const auto& [name, shape] : prepared->shapes) EXPECT_TRUE(element_count(shape)) << name;
}

TEST(Passes, FoldsBatchNormIntoConvAndGemm) {
  const Graph graph = load_test_model("conv_bn");
  int batchnorms = 0;
  for (const auto& node : graph.nodes) batchnorms += node.op == "BatchNormalization";
  EXPECT_EQ(batchnorms, 2);
  auto prepared = prepare_graph(graph, {{1, 2, 6, 6}});
  ASSERT_TRUE(prepared) << prepared.error();
  for (const auto& node : prepared->nodes) {
    EXPECT_NE(node.op, "BatchNormalization");
    EXPECT_NE(node.op, "Identity");
  }
  EXPECT_EQ(prepared->nodes.size(), 4u);  // Conv, Relu, Flatten, Gemm
}

TEST(Passes, ResolvesSymbolicBatchFromInputLength) {
  const Graph graph = load_test_model("digits_mlp");
  ASSERT_EQ(graph.inputs[0].shape, (Shape{-1, 64}));
  std::vector<std::size_t> lengths{3 * 64};
  auto shapes = resolve_input_shapes(graph, &lengths);
  ASSERT_TRUE(shapes);
  EXPECT_EQ((*shapes)[0], (Shape{3, 64}));
  lengths = {65};
  EXPECT_FALSE(resolve_input_shapes(graph, &lengths));
}

}  // namespace
}  // namespace zk::model
