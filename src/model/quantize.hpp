// Fixed-point quantization of a prepared graph into an integer model: a topologically ordered list
// of integer layers with every parameter explicit, as the prover needs it.
//
// Number format. Every activation tensor t has a real scale s_t > 0 and holds integers q with
// |q| <= Q = 2^(bits-1) - 1, standing for the reals q * s_t (symmetric, no zero point).
// A float x is quantized as clamp(round_half_away(x / s), -Q, Q).
//
// Requantization (the only rounding step in a layer). A layer computes an exact integer
// accumulator `acc`, then
//     y = clamp((acc * M + 2^(k-1)) >> k, lo, hi)        (>> is an arithmetic shift: floor)
// so a circuit checks it with one product and two range checks:
//     acc * M + 2^(k-1) = t * 2^k + r,  0 <= r < 2^k,   y = clamp(t, lo, hi).
// M is a signed integer multiplier and 1 <= k <= 62 a shift chosen so that M / 2^k approximates the
// real ratio (accumulator scale / output scale) with bits + 10 significant bits (at most 31), fewer
// when the accumulator bound needs the room; every |acc * M + 2^(k-1)| must stay below 2^62 (checked).
// See docs/design.md, "Model: ONNX, quantization, integer execution", for every layer's rule.
#pragma once

#include <string>
#include <vector>

#include "model/graph.hpp"
#include "model/kernels.hpp"

namespace zk::model {

enum class LayerOp {
  Input,      // quantized model input
  Constant,   // quantized constant tensor (weights field)
  MatMul,     // acc = A x B (+ bias); B is inputs[1] or the weights field
  Conv,       // acc = conv(X, weights) (+ bias)
  Add,        // acc = sum_i in_i * input_multipliers[i] (+ bias), broadcast
  Mul,        // acc = A * B (+ bias), broadcast; B is inputs[1] or the weights field
  Rescale,    // acc = X  (multiplication by a constant scalar lives in the requant multiplier)
  Relu,       // y = max(x, 0)
  PRelu,      // y = x if x >= 0 else requant(x) with the multiplier of x's slope (weights field)
  Clip,       // y = clamp(x, clip_lo, clip_hi)
  MaxPool,    // y = window max (padding never wins)
  SumPool,    // acc = window sum; per-element requant multipliers divide by the window count
  Lookup,     // y = table[x - table_offset]
  Softmax,    // see design.md: exp table on x - rowmax, then rounded division
  Reshape,    // data movement: Reshape, Flatten, Squeeze, Unsqueeze
  Transpose,
  Concat,
  Pad,
  Slice,
  Gather,
};

const char* layer_op_name(LayerOp op);

struct Requant {
  std::vector<int64_t> multipliers;  // one (per-tensor), one per channel, or one per element
  int64_t channel_axis = -1;         // axis the multipliers run along when per channel
  bool per_element = false;
  int shift = 1;                     // k
  int64_t lo = 0, hi = 0;            // clamp bounds (-Q, Q)
};

struct IntLayer {
  LayerOp op = LayerOp::Input;
  std::string name;       // ONNX node (or input) name this layer came from
  std::string source_op;  // ONNX op type
  std::vector<int> inputs;  // indices of earlier layers
  Shape shape;              // output shape
  double scale = 1;         // real value of one output unit
  bool requantizes = false;
  Requant requant;

  IntTensor weights;  // MatMul/Mul right operand, Conv kernel, Constant value, PRelu slope multipliers
  IntTensor bias;     // added to the accumulator (at the accumulator's scale), broadcast
  std::vector<int64_t> input_multipliers;  // Add
  Window window;                           // Conv, MaxPool, SumPool (1-D ops use height 1)
  int64_t group = 1;                       // Conv
  std::vector<int64_t> perm;               // Transpose
  int64_t axis = 0;                        // Concat, Gather
  std::vector<int64_t> pads;               // Pad
  PadMode pad_mode = PadMode::Constant;
  int64_t pad_value = 0;
  std::vector<int64_t> starts, steps;      // Slice
  std::vector<int64_t> indices;            // Gather
  Shape index_shape;                       // Gather
  int64_t clip_lo = 0, clip_hi = 0;        // Clip
  int64_t table_offset = 0;                // Lookup, Softmax: table[i] is f(i + table_offset)
  std::vector<int64_t> table;              // Lookup, Softmax (exp table)
  int64_t softmax_outer = 1, softmax_length = 1, softmax_inner = 1;
  int64_t softmax_output_max = 0;          // Softmax output integer for probability 1
};

struct IntModel {
  int bits = 8;
  std::vector<IntLayer> layers;   // topological order; layer i reads only layers < i
  std::vector<int> input_layers;  // one per graph input, in graph order
  std::vector<int> output_layers; // one per graph output, in graph order
  std::vector<std::string> output_names;
};

struct QuantOptions {
  int bits = 8;               // 2..16
  bool per_channel = false;   // per-output-channel weight scales for Conv / Gemm / MatMul
};

// Largest absolute value of every named value over the calibration runs.
struct Calibration {
  std::map<std::string, double> max_abs;
};

// Runs the float engine on every calibration input set and records value ranges.
Result<Calibration> calibrate(const Graph& graph,
                              const std::vector<std::vector<FloatTensor>>& input_sets);

// Quantizes a graph produced by prepare_graph. Fails on ops or parameters it cannot express
// (naming the node), e.g. Div by a non-constant.
Result<IntModel> quantize(const Graph& graph, const Calibration& calibration,
                          const QuantOptions& options);

// Multiplier and shift with M / 2^k ~= ratio, |M| < 2^precision_bits, 1 <= k <= 62.
std::pair<int64_t, int> choose_multiplier(double ratio, int precision_bits);

// The requantization rule on one accumulator; fails if an intermediate leaves (-2^62, 2^62).
Result<int64_t> requantize(int64_t acc, int64_t multiplier, int shift, int64_t lo, int64_t hi);

}  // namespace zk::model
