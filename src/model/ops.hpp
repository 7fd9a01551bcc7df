// Reading ONNX op attributes (and constant parameter inputs) into resolved parameters, once, for
// both the float engine and the quantizer. Version differences (attribute vs input forms of
// Reshape, Pad, Clip, Slice, Squeeze/Unsqueeze; Softmax's axis semantics before opset 13) are
// resolved here.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "model/graph.hpp"
#include "model/kernels.hpp"

namespace zk::model {

// Ops the float engine evaluates (inspect reports everything else as unsupported).
const std::set<std::string>& supported_ops();

// Elementwise functions the quantizer turns into lookup tables.
bool is_table_op(const std::string& op);
double apply_table_op(const Node& node, double x);

// `values[i]` is input i's value when known (always in the float engine; for constants only in the
// quantizer), else nullptr. `shapes[i]` is input i's shape.
using Values = std::vector<const FloatTensor*>;

Result<Window> resolve_window(const Node& node, const Shape& input, const Shape* weight);

struct PadSpec {
  std::vector<int64_t> pads;  // begins then ends, one per axis
  PadMode mode = PadMode::Constant;
  double value = 0;
};
Result<PadSpec> resolve_pad(const Node& node, const Shape& input, const Values& values, int64_t opset);

struct SliceSpec {
  std::vector<int64_t> starts, steps;
  Shape out_shape;
};
Result<SliceSpec> resolve_slice(const Node& node, const Shape& input, const Values& values,
                                int64_t opset);

Result<std::vector<int64_t>> resolve_perm(const Node& node, std::size_t rank);

// Output shape of Reshape, Flatten, Squeeze, Unsqueeze.
Result<Shape> resolve_reshape(const Node& node, const Shape& input, const Values& values,
                              int64_t opset);

struct SoftmaxSpec {
  int64_t outer = 1, length = 1, inner = 1;  // softmax runs over `length` elements `inner` apart
};
Result<SoftmaxSpec> resolve_softmax(const Node& node, const Shape& input, int64_t opset);

struct ClipSpec {
  double lo, hi;
};
Result<ClipSpec> resolve_clip(const Node& node, const Values& values, int64_t opset);

// Gather indices made non-negative and range-checked against the axis length.
Result<std::vector<int64_t>> resolve_gather(const Node& node, const Shape& input,
                                            const FloatTensor& indices, int64_t& axis);

}  // namespace zk::model
