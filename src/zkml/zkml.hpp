// Proving and verifying the inference of a quantized multilayer perceptron (docs/zkml.md).
//
// The model is a chain of dense layers; layer l maps x_{l-1} (B x K_l integers) to
//   acc'(b, n) = M_n (sum_j x(b, j) W(j, n) + bias(n))       (M_n: per-tensor or per-channel)
//   acc' + 2^(k-1) = t 2^k + r,  0 <= r < 2^k,   y = clamp(t, lo, hi)
// (the requantization rule of model/quantize.hpp; a following ReLU is fused as lo = max(lo, 0),
// exact because relu(clamp(t, lo, hi)) = clamp(t, max(lo, 0), hi) for hi >= 0).
//
// Commit-and-prove layout (docs/design.md, "Proving a model"):
//   setup   commits the weights W' = M W and biases b' = M b (one PCS commitment per table size):
//           that commitment is the model's identity and part of the verifying key.
//   prove   commits, per layer, y, the limbs of r and of the clamp slacks d+ = max(t - hi, 0),
//           d- = max(lo - t, 0) (t = y + d+ - d-), and the multiplicities of one LogUp range
//           argument over [0, 2^w) (w <= 16, chosen per proof); then proves per layer, at random
//           points, the requantization identity, the zero-checks d+ (hi - y) = 0 and
//           d- (y - lo) = 0, and the matrix-vector sum-check
//           acc'(rho) = sum_j x(rho_b, j) W'(j, rho_n) + I_B(rho_b) b'(rho_n); every
//           evaluation claim on a committed table is proven by one batched PCS opening at the end.
//   verify  replays the transcript; the public input and the outputs travel in the proof and
//           are absorbed first, so the verifier evaluates their multilinear extensions itself.
//
// Visibility (chosen at setup, recorded in the verifying key; docs/zkml.md, "Visibility"): a
// private input is committed in the per-proof table instead of travelling in the proof (hashed:
// also alone in a commitment of its own, whose root a second party can recompute), a private
// output stays committed, public weights travel in the verifying key. Claims about the outputs
// ("argmax == 2", "y[0] >= 0.7") compile to linear forms a y + c >= 0 whose values are committed,
// range-checked and tied to y by a sum-check (claims.hpp, docs/zkml.md, "Claims").
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/shared_bytes.hpp"
#include "field/field.hpp"
#include "lookup/logup.hpp"
#include "model/quantize.hpp"
#include "pcs/pcs.hpp"
#include "lookup/private_logup.hpp"
#include "sumcheck/private_sumcheck.hpp"
#include "sumcheck/sumcheck.hpp"

namespace zk::zkml {

constexpr uint32_t kKeyVersion = 7;          // verifying key encoding (3: softmax; 4: visibility, public weights; 5: zero-knowledge flag; 6: several inputs and outputs; 7: the proofs a zero-knowledge key is set up for)
constexpr uint64_t kMaxZeroKnowledgeProofs = uint64_t{1} << 40;  // setup's `proofs`
constexpr uint32_t kProvingKeyVersion = 4;   // proving key encoding (3: checksum, stored Merkle level, aligned data; 4: codewords outside the checksum)
constexpr uint32_t kProofVersion = 12;       // 5: softmax layers; 6: visibility-dependent statement, claims; 7: zero-knowledge proofs; 8: a block claimed per power-of-two part; 9: zero-knowledge tables of 8+ entries, corners past small tables; 10: range limbs of the width the layout chooses; 11: zero-knowledge range groups per power-of-two part of a layer's columns, 5: softmax layers; 6: visibility-dependent statement, claims; 7: zero-knowledge proofs; 8: a block claimed per power-of-two part; 9: zero-knowledge tables of 8+ entries, corners past small tables; 10: range limbs of the width the layout chooses; 11: zero-knowledge range groups per power-of-two part of a layer's columns, 4-bit query grinding; 12: the per-proof hiding commitment masked in its free tail
constexpr uint32_t kMaxLimbBits = 16;        // widest range table [0, 2^16); a proof's is detail::range_limb_bits
constexpr uint32_t kMaxLayers = 64;
constexpr uint32_t kMaxBatch = 1u << 16;
constexpr uint32_t kMaxFeatures = 1u << 24;
constexpr size_t kMaxNameBytes = 256;
constexpr uint32_t kMaxTableEntries = 1u << 17;  // table layers
constexpr uint32_t kMaxRewireInputs = 16;         // inputs of a Concat
constexpr uint32_t kMaxModelInputs = 16;          // model inputs
constexpr uint32_t kMaxModelOutputs = kMaxRewireInputs;  // model outputs (concatenated by one rewire layer)
constexpr uint32_t kMaxSoftmaxExpBits = 24;       // softmax exp table values lie in [0, 2^24]
constexpr uint32_t kMaxClaims = 64;               // claims per proof
constexpr size_t kMaxClaimBytes = 128;            // one claim's text
constexpr uint32_t kMaxForms = 1u << 16;          // linear forms per example, all claims together
// Who sees what (recorded in the verifying key). Inputs: public (in the proof), private
// (committed in the per-proof table), hashed (private, plus a commitment of the input alone in the
// proof). Outputs: public or private. Weights: private (committed) or public (in the key).
enum class Visibility : uint8_t { is_public = 0, is_private = 1, hashed = 2 };
struct Visibilities {
  Visibility input = Visibility::is_public;
  Visibility output = Visibility::is_public;
  Visibility weights = Visibility::is_private;
  bool input_shown() const { return input == Visibility::is_public; }
  bool input_committed() const { return input != Visibility::is_public; }
  bool output_shown() const { return output == Visibility::is_public; }
  bool weights_shown() const { return weights == Visibility::is_public; }
  bool operator==(const Visibilities&) const = default;
};

// One linear form of a claim about the outputs of one example (claims.hpp):
//   L(y) = coeff[0] y[index[0]] + coeff[1] y[index[1]] + constant >= 0   (coeff 0: term unused)
// over the flattened quantized outputs y of the example.
struct LinearForm {
  std::array<uint32_t, 2> index{};
  std::array<int64_t, 2> coeff{};
  int64_t constant = 0;
  bool operator==(const LinearForm&) const = default;
};

// An activation of one example: C x H x W integers (a vector is K x 1 x 1), stored in tables
// with each dimension padded to a power of two, index c H'W' + h W' + w (docs/zkml.md, "Tensors").
struct TensorShape {
  uint32_t c = 1, h = 1, w = 1;
  uint64_t size() const { return uint64_t{c} * h * w; }
  bool operator==(const TensorShape&) const = default;
};

// One spatial axis of a Conv or pooling window: output position p reads input position
// p stride + k dilation - pad for kernel offsets k < kernel, when it lies inside the input.
struct WindowAxis {
  uint32_t kernel = 1, stride = 1, dilation = 1, pad = 0;
  bool operator==(const WindowAxis&) const = default;
};

enum class LayerKind : uint8_t {
  dense = 0,     // acc'(n) = sum_j x(j) W'(j, n) + b'(n) over the flattened input
  conv = 1,      // acc'(o, p) = sum_{c in group(o), k} x(c, src(p, k)) W'(o, c, k) + b'(o)
  sum_pool = 2,  // acc'(c, p) = M_p sum_k x(c, src(p, k))   (AveragePool, GlobalAveragePool; 1 x 1: a rescaling)
  max_pool = 3,  // y(c, p) = max_k x(c, src(p, k))               (no requantization)
  table = 4,     // y = f(x) elementwise for a public table f     (Sigmoid, Tanh, ...; unfused Relu)
  add = 5,       // acc' = sum_i a_i x_i + b'     (Add/Sub of activations, plus a committed constant)
  mul = 6,       // acc' = M x_0 x_1, or x_0 c' (+ b')  (Mul of activations, or by a constant: BatchNorm)
  rewire = 7,    // y(x) = x_k(src(x)) or a pad value     (Transpose, Concat, Pad, Slice, Gather)
  softmax = 8,   // per row: m = max_j x_j, e_j = E(m - x_j), s = sum_j e_j, y_j = floor((2 hi e_j + s) / 2s)
};

// The axis of the example's C x H x W grid a softmax row runs along.
enum class RowAxis : uint8_t { c = 0, h = 1, w = 2 };

// One provable layer. Every kind but max_pool requantizes its accumulator (a following ReLU is
// fused into the clamp bounds); the multipliers M are folded into the committed weights
// (dense: per output feature, conv: per output channel) or, for sum_pool, into the public wiring.
struct Layer {
  LayerKind kind = LayerKind::dense;
  std::string name;                  // ONNX node names (with a fused ReLU's)
  std::vector<int32_t> inputs;       // the earlier layers read (-1: the proven input, ModelSpec)
  TensorShape in, out;               // per example (in: of inputs[0])
  WindowAxis win_h, win_w;           // conv and pools
  uint32_t groups = 1;               // conv
  uint32_t shift = 1;                // k, 1..62
  std::vector<int64_t> multipliers;  // M: one, or one per output channel (sum_pool: per position;
                                     // add: a_i per input; mul of two inputs: M)
  bool constant_factor = false;      // mul: x_0 times a committed per-example constant c'
  bool constant_term = false;        // add, mul: plus a committed per-example constant b'
  int64_t lo = 0, hi = 0;            // clamp bounds after ReLU fusion (max_pool: the input's)
  bool relu = false;
  double scale = 1;                  // real value of one output unit
  uint32_t slack_bits = 1;           // d+ and d- lie in [0, 2^slack_bits) (static bound)
  // table: per channel c < table_channels (1, or one function per channel), f_c(table_offset + i)
  // = table[c R + i] for i < R = table.size() / table_channels, covering the input range.
  int64_t table_offset = 0;
  uint32_t table_channels = 1;
  std::vector<int64_t> table;
  // rewire: per output value j (row-major over the example), 0 for the pad value, else
  // o_k + i + 1 for value i (row-major) of input k, o_k = the sizes of the inputs before k.
  std::vector<uint32_t> source_map;
  int64_t pad_value = 0;
  // softmax: rows along `row_axis`; table[D] = E(D) for the gaps D = m - x in [0, table.size()),
  // the input's range; y in [0, hi] (hi: the output for probability 1).
  RowAxis row_axis = RowAxis::c;

  bool requantizes() const {
    return kind != LayerKind::max_pool && kind != LayerKind::table && kind != LayerKind::rewire &&
           kind != LayerKind::softmax;
  }
  bool has_weights() const { return kind == LayerKind::dense || kind == LayerKind::conv; }
  // Committed tables: W' (dense, conv; mul: c') and b' (dense, conv: per channel; add, mul: the
  // whole per-example tensor).
  bool has_weight_table() const { return has_weights() || constant_factor; }
  bool has_bias_table() const { return has_weights() || constant_term; }
  uint64_t in_features() const { return in.size(); }
  uint64_t out_features() const { return out.size(); }
  // Limbs of limb_bits bits that hold the remainder r (shift bits) and the slacks d+, d-.
  uint32_t remainder_limbs(uint32_t limb_bits) const { return (shift + limb_bits - 1) / limb_bits; }
  uint32_t slack_limbs(uint32_t limb_bits) const { return (slack_bits + limb_bits - 1) / limb_bits; }
  int64_t multiplier(size_t i) const { return multipliers.size() == 1 ? multipliers[0] : multipliers[i]; }
};

// One model input: its shape per example and the real value of one unit.
struct ModelInput {
  TensorShape shape;
  double scale = 1;
  bool operator==(const ModelInput&) const = default;
};

// The architecture: what a verifier needs besides the weight commitment.
//
// Several inputs and outputs (docs/zkml.md, "Several inputs and outputs"): the proven input of one
// example is then the inputs' values back to back (K x 1 x 1, K the sum of their sizes, input 0
// first), and spec layer k < inputs.size() is a rewire layer copying input k out of it (no other
// layer reads the proven input); the proven output of one example is the outputs' values back to
// back, copied by a last rewire layer reading the output layers in model order.
struct ModelSpec {
  int bits = 8;
  int64_t input_bound = 127;        // Q: inputs lie in [-Q, Q]
  TensorShape input;                // the proven input, per example
  std::vector<ModelInput> inputs;   // the model inputs, in model order
  std::vector<Layer> layers;
  std::vector<int32_t> outputs;     // the layers holding the model outputs, in model order (-1: the
                                    // input); one output: the last layer
  // Proofs are zero-knowledge (docs/zkml.md, "Zero knowledge"): hiding commitments, private
  // sum-checks and lookups, randomized extensions of every private table.
  bool zero_knowledge = false;

  uint64_t input_features() const { return input.size(); }
  uint64_t output_features() const { return layers.back().out_features(); }
  bool several_inputs() const { return inputs.size() > 1; }
  bool several_outputs() const { return outputs.size() > 1; }
  TensorShape output_shape(size_t k) const { return outputs[k] < 0 ? input : layers[static_cast<size_t>(outputs[k])].out; }
  double output_scale(size_t k) const { return outputs[k] < 0 ? inputs[0].scale : layers[static_cast<size_t>(outputs[k])].scale; }
};

// The rewire layers of several inputs and outputs (ModelSpec), as setup builds them and the key
// decoder requires them: input k copied out of the proven input; the outputs concatenated.
Layer input_layer(const ModelSpec& spec, size_t k, std::string name);
Layer output_layer(const ModelSpec& spec, const std::vector<int32_t>& outputs);

// The PCS parameter set, recorded in the keys by name (pcs::conjectured_params / proven_params).
enum class ParamsPreset : uint8_t { conjectured = 0, proven = 1 };
pcs::Params params_for(ParamsPreset preset);

struct VerifyingKey {
  ModelSpec spec;
  ParamsPreset preset = ParamsPreset::conjectured;
  pcs::Params params;  // params_for(preset)
  Visibilities visibility;
  std::vector<pcs::Commitment> weight_commitments;  // private weights: one per table size, ascending num_vars
  // Zero knowledge: the proofs the key was set up for (setup's `proofs`): its weight commitments'
  // and a hashed input's commitment's masks are sized for that many openings. 1 for a plain key.
  uint64_t proofs = 1;
  // Public weights: per layer W' and b' as in ProvingKey::weights / biases (empty when private).
  std::vector<std::vector<int64_t>> weights, biases;

  void serialize(ByteWriter& out) const;
  std::vector<uint8_t> to_bytes() const;
  static Result<VerifyingKey> deserialize(ByteReader& in);
  static Result<VerifyingKey> from_bytes(std::span<const uint8_t> bytes);
  Digest digest() const;  // Keccak-256 of the encoding; absorbed first by every proof
};

// The prover's data: the verifying key, the M-scaled integer weights and biases, and the PCS
// prover data of their commitment (stored in the key file; loading checks the file's checksum
// and the prover data against the verifying key's commitments, and reads the weights back from
// the committed tables).
struct ProvingKey {
  VerifyingKey vk;
  // Per layer (empty for layers without weights): dense W'(j, n) = M_n W(j, n), K x N row-major;
  // conv W'(o, c, kh, kw) = M_o W(o, c, kh, kw), O x C/groups x KH x KW row-major.
  std::vector<std::vector<int64_t>> weights;
  std::vector<std::vector<int64_t>> biases;   // per layer, b'(n) = M_n bias(n) (dense, conv)
  std::vector<pcs::CommittedPolynomials> committed;

  // header (length, checksum) ‖ vk ‖ PCS prover data per weight commitment (docs/zkml.md, "Keys").
  std::vector<uint8_t> to_bytes() const;
  // The loaded key's tables and codewords are the bytes themselves (no copy): `bytes` stays alive
  // as long as the key does.
  static Result<ProvingKey> from_bytes(const SharedBytes& bytes);
};

// Extracts the chain of provable layers from a quantized model (Reshape/Flatten are free, a ReLU
// is fused into the requantization before it); any other layer is an error naming it.
// `weights`/`biases` receive the M-scaled parameters.
Result<ModelSpec> extract_spec(const model::IntModel& model, std::vector<std::vector<int64_t>>* weights,
                               std::vector<std::vector<int64_t>>* biases);

// Zero knowledge: the weight commitments are opened once per proof, and a hiding commitment stays
// zero-knowledge for a bounded number of openings (pcs::openings_supported); `proofs` is how many
// the key must support, which sizes their masks (setup cost and each proof's opening grow with it).
Result<ProvingKey> setup(const model::IntModel& model, ParamsPreset preset = ParamsPreset::conjectured,
                         Visibilities visibility = {}, bool zero_knowledge = false, uint64_t proofs = 1);

// The proofs a zero-knowledge key with committed weights stays zero-knowledge for: the fewest
// openings its weight commitments support (docs/pcs.md, "Limits of the argument"); run setup
// again (a new model id) before that many. nullopt when nothing bounds them (a plain key, public
// weights, a model without weights).
std::optional<uint64_t> zero_knowledge_proofs(const VerifyingKey& vk);

// What the proof sends for one layer; which fields are used depends on the layer kind
// (docs/zkml.md, "Protocol"). Unused fields are empty and not encoded.
struct LayerProof {
  LayerKind kind = LayerKind::dense;  // the layer's (set by the prover and by the decoder)
  bool constant_term = false;         // the layer's (likewise)
  std::vector<E> requant_evals;    // requantizing: y, r limbs, d+ limbs, d- limbs at rho
  E bias_eval;                     // dense, conv: b'(rho_o)
  SumcheckProof<E> channel_sum;    // dense: over the input features; conv: over (channels, kernel);
                                   // mul: the product over the output grid
  E gathered_eval;                 // conv: the window-gathered input at the channel sum's point
  E weight_eval;                   // dense, conv: W' at the channel sum's point
  SumcheckProof<E> spatial_sum;    // conv, pools: over the input positions
  E input_eval;                    // every kind: the input at the final point that reads it
  std::vector<E> operand_evals;    // add: every input at rho; mul: both operands at the sum-check's
                                   // point; rewire: each input's share of y(rho)
  // max_pool: gap D(k, x) = y(x) - x(src(p, k)) and one-hot pick S(k, x) of the maximum
  E gap_eval;                      // D(rho)
  std::vector<E> pick_evals;       // S(k, rho_x) for every kernel offset k
  E output_sum;                    // sum_p V(p) y(rho_b, rho_c, p), split off the gap identity
  SumcheckProof<E> output_check;   // that sum, over the output positions
  E output_eval;                   // y at its final point
  SumcheckProof<E> zero_check;
  std::vector<E> zero_check_evals; // requantizing: y, r, d+, d- limbs; max_pool: D, S
  LookupProof<E> lookup;           // table: rows ([c,] x, y, valid) in {([c,] v, f_c(v), 1)} + zeros
  std::vector<SumcheckProof<E>> input_sums;  // rewire: per input, over its positions
  std::vector<E> input_evals;                // rewire: per input, at its sum-check's point
  // softmax (with lookup: the (D, e, valid) rows; requant_evals: its block at rho; input_eval:
  // x(rho); channel_sum: the division product; operand_evals: y and e at its end; zero_check)
  E row_max_eval;                  // m at rho without the row variables
  std::vector<E> row_evals;        // e and S at rho with the row variables at 1/2
  // Zero-knowledge mode (dense, conv, add, mul, sum_pool): requant_evals, bias_eval and (add)
  // operand_evals are randomized-extension values.
  PrivateSumcheckProof<E> private_channel_sum;  // dense: over the input features (x, W' masked);
                                                // conv: over (channels, kernel) (X, W' masked);
                                                // mul: the product; sum_pool: over the input positions
  PrivateSumcheckProof<E> private_spatial_sum;  // conv: X at the channel sum's point, over the input positions
  PrivateSumcheckProof<E> private_zero_check;   // the clamp zero-check
  // Zero-knowledge rewire: output_eval is y^(rho_u, rho), operand_evals the first K - 1 masked
  // shares c_k = s_k + m_k; per input, the private sum-check of its share.
  std::vector<PrivateSumcheckProof<E>> private_input_sums;
  PrivateLookupProof<E> private_table_lookup;  // zero-knowledge table: the private LogUp of its rows
};

struct Proof {
  bool zero_knowledge = false;  // the spec's (set by the prover and by the decoder)
  uint32_t batch = 0;
  std::vector<int64_t> input;   // public input: B x K_0 quantized inputs, row-major (else empty)
  std::vector<int64_t> output;  // public output: B x N_L quantized outputs, row-major (else empty)
  std::vector<std::string> claims;  // canonical texts, in order
  std::vector<LinearForm> forms;    // the claims' forms, per example (compile_claims)
  // The packed per-proof table T; hashed input: then the commitment of the padded input alone;
  // zero-knowledge mode: then the mask arena M.
  std::vector<pcs::Commitment> commitments;
  E input_link;                 // hashed input: the input at a random point (both commitments)
  LookupProof<E> lookup;                   // the range checks: one group per layer with range columns
  std::vector<std::vector<E>> range_evals;  // per group: its block's table values at the group's point
  PrivateLookupProof<E> private_lookup;    // zero-knowledge mode: the range checks
  std::vector<LayerProof> layers;
  // Claims: f(rho) = sum_x S(rho, x) y(x) + c(rho) over the last layer's grid (degree 2), the form
  // limbs at rho (sent before the sum-check) and y at its final point.
  std::vector<E> form_evals;
  SumcheckProof<E> claims_sum;
  E claims_output_eval;
  PrivateSumcheckProof<E> private_claims_sum;  // zero-knowledge mode: the claims' sum-check (y masked)
  std::vector<uint8_t> opening;  // serialized pcs::OpeningProof (decoded once its claims are known)

  std::vector<uint8_t> to_bytes() const;
  // The statement's shape (what travels, the claims' form count) follows the verifying key.
  static Result<Proof> from_bytes(const VerifyingKey& vk, std::span<const uint8_t> bytes);
};

// ---- Witness (exposed so tests can play a cheating prover) -------------------------------------

// One layer's values over the padded grid B' x N' (index b N' + n; zero acc' on padding).
struct LayerWitness {
  std::vector<int64_t> acc, t, r, y, d_plus, d_minus;
  std::vector<int64_t> gap, pick;  // max_pool, over K' x B' x C' x P' (kernel offset first);
                                   // softmax: D = m - x and the one-hot pick of the row maximum
  std::vector<int64_t> exp, room;  // softmax: e = E(D), and 2s - 1 - r (r: the division remainder)
  std::vector<int64_t> row_max;    // softmax: m per row (the grid without the row variables)
};

struct Witness {
  uint32_t batch = 0;
  std::vector<int64_t> input;  // padded B' x K_0'
  std::vector<LayerWitness> layers;
};

// The tables that get committed and looked up, derived from the witness.
struct ProverTables {
  // per layer: y, r limbs, d+ limbs, d- limbs (max_pool: y, gap, pick; table: y, multiplicities;
  // softmax: y, D, S, e, r limbs, room limbs, m, multiplicities); then the extras of
  // detail::ProofExtras: the committed input {x} (private, hashed input) and the form value limbs (claims)
  std::vector<std::vector<std::vector<F>>> layer_polys;
  std::vector<F> multiplicities;                         // of the range table [0, 2^limb_bits)
  std::vector<int64_t> output;                           // claimed outputs (B x N_L)
};

// Test seam: called after the witness is computed and after the tables are derived, before
// anything is committed. The honest prover passes no hooks.
struct ProverHooks {
  std::function<void(Witness&)> on_witness;
  std::function<void(ProverTables&)> on_tables;
  bool prove_false_claims = false;  // skip the refusal of claims that do not hold
};

// The first words of prove's error when a claim does not hold for the computed outputs.
constexpr std::string_view kClaimRefused = "claim does not hold: ";

// Computes the honest witness for quantized inputs (B x K_0, row-major) with the key's weights.
Result<Witness> compute_witness(const ProvingKey& pk, uint32_t batch, std::span<const int64_t> input);

// Proves inference on `input` (batch rows of the proven input's quantized values, row-major: the
// input's C x H x W values, or several inputs' back to back, ModelSpec); the proof carries the
// outputs (batch rows of the last layer's values: the output's, or several outputs' back to back).
Result<Proof> prove(const ProvingKey& pk, uint32_t batch, std::span<const int64_t> input,
                    const ProverHooks* hooks = nullptr);
// The same, proving `claims` (claims.hpp) about every example's outputs: refused (kClaimRefused)
// if one does not hold, an error naming it if one is malformed.
Result<Proof> prove(const ProvingKey& pk, uint32_t batch, std::span<const int64_t> input,
                    std::span<const std::string> claims, const ProverHooks* hooks = nullptr);

// The commitment of a hashed input: the padded quantized input (B' x K_0' grid, zeros elsewhere)
// alone, committed with the key's PCS parameters (deterministic: anyone holding the input
// recomputes it). The proof of a hashed-input model carries it.
Result<pcs::Commitment> commit_input(const VerifyingKey& vk, uint32_t batch, std::span<const int64_t> input);

// Verifies; returns the outputs (B x N_L; empty when private). If given, the input must be the
// proof's (public: equal to the carried one; hashed: the same input commitment; private: refused)
// and the claimed outputs must equal the carried ones (refused when private).
Result<std::vector<int64_t>> verify(const VerifyingKey& vk, const Proof& proof,
                                    std::optional<std::span<const int64_t>> expected_input = std::nullopt,
                                    std::optional<std::span<const int64_t>> expected_output = std::nullopt);
// Decodes and verifies proof bytes.
Result<Proof> verify_bytes(const VerifyingKey& vk, std::span<const uint8_t> bytes,
                           std::optional<std::span<const int64_t>> expected_input = std::nullopt,
                           std::optional<std::span<const int64_t>> expected_output = std::nullopt);

// Quantizes float inputs, one array per model input (input k: batch rows of its values back to
// back; the same batch for every input), each with its scale (as model::quantize_inputs), into the
// proven input (per example, the inputs' values back to back).
Result<std::vector<int64_t>> quantize_input(const ModelSpec& spec, std::span<const std::vector<double>> inputs);
// The proven output (per example, the outputs' values back to back) as one array per model
// output (output k: batch rows of its values), dequantized with each output's scale.
std::vector<std::vector<double>> dequantize_output(const ModelSpec& spec, std::span<const int64_t> output);
// The inverse for claimed outputs: one array per model output, rounded to integers with its
// scale, into the proven output's order.
Result<std::vector<int64_t>> quantize_output(const ModelSpec& spec, std::span<const std::vector<double>> outputs);

}  // namespace zk::zkml
