// Hostile and malformed inputs: every one must produce an error Result, never a crash or a huge
// allocation.
#include <gtest/gtest.h>

#include <onnx/onnx_pb.h>

#include <random>

#include "model/test_util.hpp"

namespace zk::model {
namespace {

onnx::ValueInfoProto value_info(const std::string& name, std::vector<int64_t> dims) {
  onnx::ValueInfoProto info;
  info.set_name(name);
  auto* type = info.mutable_type()->mutable_tensor_type();
  type->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) type->mutable_shape()->add_dim()->set_dim_value(d);
  return info;
}

onnx::NodeProto node(const std::string& op, std::vector<std::string> inputs, std::vector<std::string> outputs) {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name(op + "_" + outputs[0]);
  for (const auto& i : inputs) n.add_input(i);
  for (const auto& o : outputs) n.add_output(o);
  return n;
}

// x[1,4] -> Relu -> y, opset 13.
onnx::ModelProto relu_model() {
  onnx::ModelProto model;
  model.set_ir_version(8);
  auto* opset = model.add_opset_import();
  opset->set_version(13);
  auto* graph = model.mutable_graph();
  *graph->add_input() = value_info("x", {1, 4});
  *graph->add_output() = value_info("y", {1, 4});
  *graph->add_node() = node("Relu", {"x"}, {"y"});
  return model;
}

Result<Graph> load(const onnx::ModelProto& model) { return load_onnx_bytes(model.SerializeAsString()); }

// Loads and, if that succeeds, runs on four ones; returns the first error.
Status load_and_run(const onnx::ModelProto& model, std::size_t input_length = 4) {
  auto graph = load(model);
  if (!graph) return fail(graph.error());
  auto run = run_model(*graph, {std::vector<double>(input_length, 1.0)}, nullptr, {});
  if (!run) return fail(run.error());
  return {};
}

TEST(Hostile, ValidBaseModelRuns) {
  auto status = load_and_run(relu_model());
  EXPECT_TRUE(status) << status.error();
}

TEST(Hostile, TruncatedModelsFailCleanly) {
  auto bytes = read_file_bounded(testing::models_dir() + "conv_bn.onnx", Limits::kMaxModelBytes);
  ASSERT_TRUE(bytes);
  int failures = 0;
  for (std::size_t length = 0; length < bytes->size(); length += 7) {
    auto graph = load_onnx_bytes(std::string_view(*bytes).substr(0, length));
    if (!graph) {
      ++failures;
      EXPECT_FALSE(graph.error().empty());
    }
  }
  EXPECT_GT(failures, static_cast<int>(bytes->size() / 7) * 9 / 10);
}

TEST(Hostile, RandomBytesFailCleanly) {
  std::mt19937_64 rng(42);
  for (int trial = 0; trial < 300; ++trial) {
    std::string bytes(rng() % 512, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    EXPECT_FALSE(load_onnx_bytes(bytes)) << "trial " << trial;
  }
  EXPECT_FALSE(load_tensor_proto_bytes(std::string("\xff\xff\xff\xff\x0f", 5)));
}

TEST(Hostile, AbsurdInitializerDimensionsAreRejected) {
  auto model = relu_model();
  auto* init = model.mutable_graph()->add_initializer();
  init->set_name("w");
  init->set_data_type(onnx::TensorProto::FLOAT);
  init->add_dims(int64_t{1} << 20);
  init->add_dims(int64_t{1} << 20);  // 2^40 elements, no data
  auto graph = load(model);
  ASSERT_FALSE(graph);
  EXPECT_NE(graph.error().find("elements"), std::string::npos) << graph.error();
}

TEST(Hostile, NegativeAndZeroDimensionsAreRejected) {
  auto model = relu_model();
  auto* init = model.mutable_graph()->add_initializer();
  init->set_name("w");
  init->set_data_type(onnx::TensorProto::FLOAT);
  init->add_dims(-3);
  EXPECT_FALSE(load(model));

  for (int64_t dim : {int64_t{0}, int64_t{-5}}) {
    auto zero = relu_model();
    *zero.mutable_graph()->mutable_input(0) = value_info("x", {1, dim});
    auto graph = load(zero);
    ASSERT_FALSE(graph);
    EXPECT_NE(graph.error().find("positive"), std::string::npos) << graph.error();
  }
  auto huge = relu_model();
  *huge.mutable_graph()->mutable_input(0) = value_info("x", {int64_t{1} << 20, int64_t{1} << 20});
  EXPECT_FALSE(load(huge));
}

TEST(Hostile, RawDataOfWrongSizeIsRejected) {
  auto model = relu_model();
  auto* init = model.mutable_graph()->add_initializer();
  init->set_name("w");
  init->set_data_type(onnx::TensorProto::FLOAT);
  init->add_dims(4);
  init->set_raw_data(std::string(3, '\0'));
  auto graph = load(model);
  ASSERT_FALSE(graph);
  EXPECT_NE(graph.error().find("raw_data"), std::string::npos);
}

TEST(Hostile, CyclicGraphIsRejected) {
  auto model = relu_model();
  auto* graph = model.mutable_graph();
  graph->clear_node();
  *graph->add_node() = node("Relu", {"b"}, {"a"});
  *graph->add_node() = node("Add", {"a", "x"}, {"b"});
  *graph->add_node() = node("Relu", {"b"}, {"y"});
  auto loaded = load(model);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("cycle"), std::string::npos) << loaded.error();
}

TEST(Hostile, NodeWithoutOutputIsRejected) {
  // (found by fuzz_onnx_loader: a Squeeze without outputs reached the quantizer)
  for (const std::vector<std::string>& outputs : {std::vector<std::string>{}, std::vector<std::string>{""}}) {
    auto model = relu_model();
    auto* graph = model.mutable_graph();
    onnx::NodeProto squeeze;
    squeeze.set_op_type("Squeeze");
    squeeze.set_name("squeeze");
    squeeze.add_input("y");
    for (const auto& o : outputs) squeeze.add_output(o);
    *graph->add_node() = squeeze;
    auto loaded = load(model);
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error(), "node 'squeeze' has no output");
  }
}

TEST(Hostile, MissingInitializerIsNamed) {
  auto model = relu_model();
  auto* graph = model.mutable_graph();
  graph->clear_node();
  *graph->add_node() = node("Add", {"x", "missing_bias"}, {"y"});
  auto loaded = load(model);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("missing_bias"), std::string::npos) << loaded.error();
}

TEST(Hostile, UnsupportedOpsAreAllListed) {
  auto model = relu_model();
  auto* graph = model.mutable_graph();
  graph->clear_node();
  *graph->add_node() = node("LSTM", {"x"}, {"h"});
  *graph->add_node() = node("TopK", {"h"}, {"y"});
  auto status = load_and_run(model);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().find("2 unsupported"), std::string::npos) << status.error();
  EXPECT_NE(status.error().find("LSTM_h"), std::string::npos);
  EXPECT_NE(status.error().find("TopK"), std::string::npos);
}

TEST(Hostile, ShapeOpsCannotAllocateHugeTensors) {
  auto model = relu_model();
  auto* graph = model.mutable_graph();
  graph->clear_node();
  auto* shape = graph->add_initializer();
  shape->set_name("huge_shape");
  shape->set_data_type(onnx::TensorProto::INT64);
  shape->add_dims(2);
  shape->add_int64_data(int64_t{1} << 30);
  shape->add_int64_data(int64_t{1} << 30);
  *graph->add_node() = node("ConstantOfShape", {"huge_shape"}, {"c"});
  *graph->add_node() = node("Add", {"x", "c"}, {"y"});
  EXPECT_FALSE(load_and_run(model));

  auto pad = relu_model();
  auto* pad_graph = pad.mutable_graph();
  pad_graph->clear_node();
  auto* pads = pad_graph->add_initializer();
  pads->set_name("pads");
  pads->set_data_type(onnx::TensorProto::INT64);
  pads->add_dims(4);
  for (int64_t p : {int64_t{1} << 23, int64_t{1} << 23, int64_t{1} << 23, int64_t{1} << 23})
    pads->add_int64_data(p);
  *pad_graph->add_node() = node("Pad", {"x", "pads"}, {"y"});
  auto status = load_and_run(pad);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().find("elements"), std::string::npos) << status.error();
}

TEST(Hostile, WrongInputLengthIsRejected) {
  auto status = load_and_run(relu_model(), 3);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().find("needs 4 values, got 3"), std::string::npos) << status.error();
  EXPECT_FALSE(load_and_run(relu_model(), 0));
}

TEST(Hostile, MalformedInputJsonIsRejected) {
  EXPECT_FALSE(parse_input_json("{"));
  EXPECT_FALSE(parse_input_json("[]"));
  EXPECT_FALSE(parse_input_json(R"({"other": 1})"));
  EXPECT_FALSE(parse_input_json(R"({"input_data": [[1, "a"]]})"));
  EXPECT_FALSE(parse_input_json(R"({"input_data": [1, 2]})"));
  EXPECT_FALSE(parse_input_json(R"({"input_data": []})"));
  EXPECT_FALSE(parse_input_json(std::string(Limits::kMaxInputBytes + 1, ' ')));
  auto ok = parse_input_json(R"({"input_data": [[1, 2.5]], "input_shapes": [[2]]})");
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)[0], (std::vector<double>{1, 2.5}));
}

TEST(Hostile, OversizedFilesAreRefusedBeforeReading) {
  EXPECT_FALSE(read_file_bounded(testing::models_dir() + "digits_mlp_test.json", 1000));
  EXPECT_FALSE(read_file_bounded("/nonexistent/model.onnx", 1000));
  EXPECT_FALSE(load_onnx_file("/nonexistent/model.onnx"));
}

TEST(Hostile, UnsupportedOpsetIsRejected) {
  auto model = relu_model();
  model.mutable_opset_import(0)->set_version(99);
  EXPECT_FALSE(load_and_run(model));
  model.clear_opset_import();
  EXPECT_FALSE(load(model));
}

}  // namespace
}  // namespace zk::model
