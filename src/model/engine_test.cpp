// Hand-checked values for the float engine's index arithmetic (shared with the integer engine).
#include <gtest/gtest.h>

#include "model/float_engine.hpp"

namespace zk::model {
namespace {

FloatTensor iota(Shape shape) {
  FloatTensor t{shape, std::vector<double>(static_cast<std::size_t>(numel(shape)))};
  for (std::size_t i = 0; i < t.data.size(); ++i) t.data[i] = static_cast<double>(i);
  return t;
}

Node make_node(const std::string& op, std::map<std::string, Attribute> attributes = {}) {
  Node node;
  node.name = op;
  node.op = op;
  node.outputs = {"y"};
  node.attributes = std::move(attributes);
  return node;
}

Attribute ints(std::vector<int64_t> v) {
  Attribute a;
  a.kind = Attribute::Kind::Ints;
  a.ints = std::move(v);
  return a;
}

Attribute integer(int64_t v) {
  Attribute a;
  a.kind = Attribute::Kind::Int;
  a.i = v;
  return a;
}

FloatTensor eval(Node node, Values inputs, int64_t opset = 13) {
  for (std::size_t i = 0; i < inputs.size(); ++i) node.inputs.push_back("in" + std::to_string(i));
  auto out = eval_float_node(node, inputs, opset);
  EXPECT_TRUE(out) << out.error();
  return (*out)[0];
}

TEST(FloatEngine, GroupedDilatedStridedConv) {
  // x: 1x2x5x5 = 0..49; group 2, one output channel per group, kernel 2x2 of ones, dilation 2,
  // stride 2, pad 1.
  const FloatTensor x = iota({1, 2, 5, 5});
  const FloatTensor w{{2, 1, 2, 2}, std::vector<double>(8, 1.0)};
  const FloatTensor b{{2}, {0.5, -1.0}};
  const Node conv = make_node("Conv", {{"group", integer(2)}, {"dilations", ints({2, 2})},
                                       {"strides", ints({2, 2})}, {"pads", ints({1, 1, 1, 1})}});
  const FloatTensor y = eval(conv, {&x, &w, &b});
  ASSERT_EQ(y.shape, (Shape{1, 2, 3, 3}));
  // Output (0,0) of channel 0 reads rows/cols {-1, 1}: only x[1][1] = 6.
  EXPECT_EQ(y.data[0], 6 + 0.5);
  // Output (1,1) of channel 0 reads rows/cols {1, 3}: 6 + 8 + 16 + 18.
  EXPECT_EQ(y.data[4], 48 + 0.5);
  // Channel 1, output (1,1): same positions in the second plane (+25 each).
  EXPECT_EQ(y.data[9 + 4], 48 + 100 - 1.0);
}

TEST(FloatEngine, PoolsWithPaddingAndCeilMode) {
  const FloatTensor x = iota({1, 1, 3, 3});
  const Node max_pool = make_node("MaxPool", {{"kernel_shape", ints({2, 2})}, {"strides", ints({2, 2})},
                                              {"ceil_mode", integer(1)}});
  const FloatTensor m = eval(max_pool, {&x});
  ASSERT_EQ(m.shape, (Shape{1, 1, 2, 2}));
  EXPECT_EQ(m.data, (std::vector<double>{4, 5, 7, 8}));
  Node avg = make_node("AveragePool");
  avg.attributes["kernel_shape"] = ints({2, 2});
  avg.attributes["pads"] = ints({1, 1, 0, 0});
  const FloatTensor a = eval(avg, {&x});
  ASSERT_EQ(a.shape, (Shape{1, 1, 3, 3}));
  EXPECT_EQ(a.data[0], 0.0);          // only x[0][0] counts (count_include_pad = 0)
  EXPECT_EQ(a.data[4], (0 + 1 + 3 + 4) / 4.0);
}

TEST(FloatEngine, SoftmaxAxisSemanticsChangeAtOpset13) {
  const FloatTensor x{{1, 2, 2}, {0, 0, 0, 0}};
  const Node softmax = make_node("Softmax", {{"axis", integer(1)}});
  EXPECT_EQ(eval(softmax, {&x}, 11).data, std::vector<double>(4, 0.25));  // flattened from axis 1
  EXPECT_EQ(eval(softmax, {&x}, 13).data, std::vector<double>(4, 0.5));   // along axis 1 only
}

TEST(FloatEngine, PadReflectSliceNegativeStepTranspose) {
  const FloatTensor x{{1, 3}, {1, 2, 3}};
  const FloatTensor pads{{4}, {0, 2, 0, 1}};
  Node pad = make_node("Pad");
  pad.attributes["mode"] = Attribute{Attribute::Kind::String, 0, 0, "reflect", {}, {}, {}};
  EXPECT_EQ(eval(pad, {&x, &pads}).data, (std::vector<double>{3, 2, 1, 2, 3, 2}));

  const FloatTensor starts{{1}, {-1}}, ends{{1}, {-100}}, axes{{1}, {1}}, steps{{1}, {-2}};
  const FloatTensor y = eval(make_node("Slice"), {&x, &starts, &ends, &axes, &steps});
  EXPECT_EQ(y.data, (std::vector<double>{3, 1}));

  const FloatTensor t = iota({2, 3});
  EXPECT_EQ(eval(make_node("Transpose"), {&t}).data, (std::vector<double>{0, 3, 1, 4, 2, 5}));
}

TEST(FloatEngine, BroadcastingAndBatchedMatMul) {
  const FloatTensor a = iota({2, 1, 3});
  const FloatTensor b{{3}, {1, 10, 100}};
  const FloatTensor sum = eval(make_node("Add"), {&a, &b});
  EXPECT_EQ(sum.shape, (Shape{2, 1, 3}));
  EXPECT_EQ(sum.data[5], 5 + 100);
  const FloatTensor m = eval(make_node("MatMul"), {&a, &b});  // [2,1,3] x [3] -> [2,1]
  EXPECT_EQ(m.shape, (Shape{2, 1}));
  EXPECT_EQ(m.data, (std::vector<double>{0 + 10 + 200, 3 + 40 + 500}));
}

}  // namespace
}  // namespace zk::model
