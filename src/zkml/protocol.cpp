// The zkml prover and verifier (docs/zkml.md, "Protocol"). Both follow one transcript schedule:
//   absorb vk digest, batch, input, output, the per-proof commitments;
//   LogUp range argument over [0, 2^w) for every range column (w: the layout's limb width);
//   per layer l, requantizing: rho; requant evaluations; the linear part (dense: bias, sum-check
//     over the input features; conv: bias, sum-check over (channels, kernel), sum-check over the
//     input positions; sum_pool: sum-check over the input positions); tau, gamma; zero-check;
//   per max_pool layer: rho; gap and pick evaluations; slots; output sum; sum-check over the output
//     positions; sum-check over the input positions; tau, gamma; zero-check;
//   per softmax layer: the exp lookup of (D, e, valid); rho; the block at rho, m, x and (e, S) at
//     the row variables 1/2; sum-check of the division product over the rows; tau, gamma;
//     zero-check;
//   claims: rho; form limbs at rho; sum-check over the last layer's grid;
//   one batched PCS opening of every claim on the weight and per-proof commitments.
// What the statement holds depends on the verifying key's visibility: a public input and output
// are absorbed; a private input is a block of the per-proof table (hashed: also a commitment of
// its own, tied to the block by one evaluation at a random point right after the statement).
#include <algorithm>
#include <stdexcept>

#include "pcs/randomness.hpp"
#include "sumcheck/private_claims.hpp"
#include "zkml/claims.hpp"
#include "zkml/layout.hpp"
#include "zkml/window.hpp"
#include "zkml/zkml.hpp"

namespace zk::zkml {

namespace {

__extension__ typedef __int128 i128;
using detail::Axis;
using detail::log2_padded;
using detail::padded;
using detail::padded_size;

constexpr const char* kTranscriptLabel = "zkinfer/zkml/v1";

std::vector<F> to_field(std::span<const int64_t> values) {
  std::vector<F> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = F::from_i64(values[i]);
  return out;
}

// `rows` rows of row-major C x H x W values placed in the padded grid of 2^row_vars rows of
// C' H' W' entries (zeros elsewhere).
std::vector<F> pad_tensor(std::span<const int64_t> values, size_t rows, uint32_t row_vars, const TensorShape& shape) {
  const size_t row = padded_size(shape), count = shape.size();
  std::vector<F> out(row << row_vars, F::zero());
  for (size_t b = 0; b < rows; ++b)
    for (size_t j = 0; j < count; ++j) out[b * row + detail::padded_flat_index(shape, j)] = F::from_i64(values[b * count + j]);
  return out;
}

E pow2(uint32_t e) { return E(F::from_u64(uint64_t{1} << e)); }

// sum_i 2^(w i) limbs[i], w = limb_bits
E recombine(std::span<const E> limbs, uint32_t limb_bits) {
  E acc = E::zero();
  for (size_t i = limbs.size(); i-- > 0;) acc = acc * pow2(limb_bits) + limbs[i];
  return acc;
}

// acc'(rho) = 2^k (y + d+ - d-) + r - 2^(k-1) from the evaluations y, r limbs, d+ limbs, d- limbs.
E accumulator_from_requant(const Layer& layer, std::span<const E> evals, uint32_t limb_bits) {
  const size_t lr = layer.remainder_limbs(limb_bits), ld = layer.slack_limbs(limb_bits);
  const E y = evals[0];
  const E r = recombine(evals.subspan(1, lr), limb_bits);
  const E d_plus = recombine(evals.subspan(1 + lr, ld), limb_bits);
  const E d_minus = recombine(evals.subspan(1 + lr + ld, ld), limb_bits);
  return pow2(layer.shift) * (y + d_plus - d_minus) + r - pow2(layer.shift - 1);
}

// Zero-check terms over tables (eq, y, d+ limbs, d- limbs):
//   sum_x eq(tau, x) [d+(x) (hi - y(x)) + gamma d-(x) (y(x) - lo)] = 0.
std::vector<SumcheckTerm<E>> zero_check_terms(const Layer& layer, const E& gamma, uint32_t limb_bits) {
  const size_t ld = layer.slack_limbs(limb_bits);
  std::vector<SumcheckTerm<E>> terms;
  for (size_t i = 0; i < ld; ++i) {
    const E weight = pow2(static_cast<uint32_t>(limb_bits * i));
    const size_t plus = 2 + i, minus = 2 + ld + i;
    terms.push_back({weight * E::from_i64(layer.hi), {0, plus}});
    terms.push_back({-weight, {0, plus, 1}});
    terms.push_back({gamma * weight, {0, minus, 1}});
    terms.push_back({-(gamma * weight * E::from_i64(layer.lo)), {0, minus}});
  }
  return terms;
}

// Max-pool zero-check over the K' x (output grid) tables (eq(tau, .), eq(tau_x, .) repeated over
// k, S, D, 1 - V):
//   sum_{k,x} eq(tau, (k, x)) [S (1 - S) + gamma S (1 - V)] + gamma^2 eq(tau_x, x) S D = 0,
// i.e. S is 0/1, S is 0 off the window, and sum_k S D = 0 at every x.
std::vector<SumcheckTerm<E>> pool_zero_check_terms(const E& gamma) {
  return {{E::one(), {0, 2}}, {-E::one(), {0, 2, 2}}, {gamma, {0, 2, 4}}, {gamma * gamma, {1, 2, 3}}};
}

// One LogUp group per range group: its columns back to back, each the size of the table it reads.
LookupStatement<F> lookup_statement(const ModelSpec& spec, const detail::ProofLayout& layout,
                                    const detail::ProofExtras& extras) {
  LookupStatement<F> statement{LookupTable<F>::range(layout.limb_bits), {}};
  for (const auto& group : detail::range_groups(spec, extras))
    statement.group_sizes.push_back(group.columns.size()
                                    << layout.vars_of[layout.first[group.layer] + group.columns[0].table]);
  return statement;
}

// sum_c eq(u, c) (a_c P_c(z) + c_c): the range group's claim at (u, z) from its block's table
// values at z (the columns are affine images of the block's tables).
E range_group_value(const detail::ProofLayout& layout, const detail::RangeGroup& group, std::span<const E> u,
                    std::span<const E> block_values) {
  const uint32_t first = layout.blocks[group.layer][group.block].first - layout.first[group.layer];
  const auto eq = eq_table<E>(u);
  E total = E::zero();
  for (size_t c = 0; c < group.columns.size(); ++c) {
    const auto& column = group.columns[c];
    total += eq[c] * (E::from_i64(column.scale) * block_values[column.table - first] + E::from_i64(column.offset));
  }
  return total;
}

// A table layer's lookup: rows (x, y, valid) of its grid in {(offset + i, f_i, 1)} + {(0, 0, 0)};
// with one function per channel, rows (c, x, y, valid) in {(c, offset + i, f_c(i), 1)} + zeros.
// Variables of the rows of every per-proof table of a proof of `batch` examples (detail::row_vars).
uint32_t batch_vars_of(const VerifyingKey& vk, uint32_t batch) {
  return detail::row_vars(vk.spec, batch, vk.visibility.input_committed());
}

LookupStatement<F> table_statement(const Layer& layer, uint32_t batch_vars) {
  const bool by_channel = layer.table_channels > 1;
  const size_t range = layer.table.size() / layer.table_channels;
  std::vector<std::vector<F>> columns(by_channel ? 4 : 3);
  for (size_t r = 0; r < layer.table.size(); ++r) {
    size_t k = 0;
    if (by_channel) columns[k++].push_back(F::from_u64(r / range));
    columns[k++].push_back(F::from_i64(layer.table_offset + static_cast<int64_t>(r % range)));
    columns[k++].push_back(F::from_i64(layer.table[r]));
    columns[k].push_back(F::one());
  }
  for (auto& c : columns) c.push_back(F::zero());
  return {LookupTable<F>::from_columns(std::move(columns)), {padded_size(layer.out) << batch_vars}};
}

// The statement: the key, the batch, what travels of the input and output (nothing when private),
// the claims (count, each text, the forms as field elements), then every per-proof commitment.
void absorb_statement(Transcript& t, const VerifyingKey& vk, const Proof& proof) {
  t.absorb_digest("zkml/vk", vk.digest());
  t.absorb_u64("zkml/batch", proof.batch);
  if (vk.visibility.input_shown()) {
    const auto input = to_field(proof.input);
    t.absorb_all("zkml/input", std::span<const F>(input));
  }
  if (vk.visibility.output_shown()) {
    const auto output = to_field(proof.output);
    t.absorb_all("zkml/output", std::span<const F>(output));
  }
  t.absorb_u64("zkml/claim_count", proof.claims.size());
  for (const auto& text : proof.claims)
    t.absorb_bytes("zkml/claim", std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  std::vector<F> forms;
  for (const LinearForm& f : proof.forms)
    for (int64_t v : {int64_t{f.index[0]}, f.coeff[0], int64_t{f.index[1]}, f.coeff[1], f.constant})
      forms.push_back(F::from_i64(v));
  t.absorb_all("zkml/forms", std::span<const F>(forms));
  for (const auto& c : proof.commitments) {
    ByteWriter w;
    c.serialize(w);
    t.absorb_bytes("zkml/commitment", w.bytes());
  }
}

std::vector<E> concat(std::initializer_list<std::span<const E>> parts) {
  std::vector<E> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Indices (within a layer's tables) of y and the slack limbs: the zero-check's committed tables.
std::vector<uint32_t> zero_check_tables(const Layer& layer, uint32_t limb_bits) {
  std::vector<uint32_t> out{0};
  const uint32_t first = 1 + layer.remainder_limbs(limb_bits);
  for (uint32_t i = 0; i < 2 * layer.slack_limbs(limb_bits); ++i) out.push_back(first + i);
  return out;
}

// The variables of a point on layer l's output grid B' x C' x H' x W'.
struct GridPoint {
  std::span<const E> b, c;
  detail::SpatialPoint p;
};
GridPoint split_grid(std::span<const E> point, uint32_t batch_vars, const TensorShape& shape) {
  const uint32_t cv = log2_padded(shape.c);
  return {point.first(batch_vars), point.subspan(batch_vars, cv),
          detail::split_spatial(point.subspan(batch_vars + cv), log2_padded(shape.h))};
}
detail::SpatialPoint split_kernel(std::span<const E> k, const Layer& layer) {
  return detail::split_spatial(k, log2_padded(layer.win_h.kernel));
}

// I_B(b) I_C(c) I_H(h) I_W(w): the multilinear extension of [b < B, c < C, h < H, w < W].
E valid_indicator(const GridPoint& g, uint32_t batch, const TensorShape& shape) {
  return prefix_indicator<E>(batch, g.b) * prefix_indicator<E>(shape.c, g.c) *
         prefix_indicator<E>(shape.h, g.p.h) * prefix_indicator<E>(shape.w, g.p.w);
}

// The multilinear extension of the channel column (c at valid (b, c, h, w), 0 elsewhere):
// I_B(b) I_H(h) I_W(w) sum_{c < C} c eq(z_c, c).
E channel_eval(const GridPoint& g, uint32_t batch, const TensorShape& shape) {
  const auto eq = eq_table<E>(g.c);
  E weighted = E::zero();
  for (uint32_t c = 1; c < shape.c; ++c) weighted += eq[c] * F::from_u64(c);
  return prefix_indicator<E>(batch, g.b) * prefix_indicator<E>(shape.h, g.p.h) * prefix_indicator<E>(shape.w, g.p.w) *
         weighted;
}

// I_B(b) I_H(h) I_W(w): where a bias enters (real batch rows, real output positions).
E bias_indicator(const GridPoint& g, uint32_t batch, const TensorShape& shape) {
  return prefix_indicator<E>(batch, g.b) * prefix_indicator<E>(shape.h, g.p.h) * prefix_indicator<E>(shape.w, g.p.w);
}

// A block's tables evaluated at z (values absorbed by the caller) become one claim on the packed
// table per part of the block (detail::ProofLayout::parts): s <- E^slot_vars (drawn now),
// T(part_bits, s, z) = sum_i eq(s, i) v_{f + i}. If some v_{f + i} != P_{f + i}(z), both sides are
// distinct multilinear polynomials in s: they agree with probability <= slot_vars / |E|.
void claim_block_values(Transcript& t, const detail::ProofLayout& layout, uint32_t proof_commitment, uint32_t l,
                        uint32_t block, std::span<const E> z, std::span<const E> values,
                        std::vector<pcs::EvalClaim>& claims) {
  const auto& b = layout.blocks[l][block];
  for (const auto& part : detail::ProofLayout::parts(b)) {
    const auto slots = t.challenges<E>("zkml/slots", part.slot_vars);
    const auto eq = eq_table<E>(slots);
    E combined = E::zero();
    for (size_t i = 0; i < eq.size(); ++i) combined += eq[i] * values[part.first - b.first + i];
    claims.push_back({{proof_commitment, 0}, layout.part_point(part, slots, z), combined});
  }
}

void encode_elements(ByteWriter& out, std::span<const E> values) {
  for (const E& v : values) v.to_bytes(out.extend(E::BYTES));
}
void encode_element(ByteWriter& out, const E& v) { v.to_bytes(out.extend(E::BYTES)); }

Result<std::vector<E>> decode_elements(ByteReader& in, size_t count) {
  std::vector<E> out;
  for (size_t i = 0; i < count; ++i) {
    auto v = decode_element<E>(in, "proof");
    if (!v) return fail(v.error());
    out.push_back(*v);
  }
  return out;
}

// A u32 length (at most `max`) and that many bytes.
Result<std::span<const uint8_t>> decode_sized(ByteReader& in, size_t max, const std::string& what) {
  auto length = in.length(max, "proof: " + what);
  if (!length) return fail(length.error());
  auto bytes = in.take(*length);
  if (!bytes) return fail("proof: " + bytes.error());
  return *bytes;
}

Result<std::vector<int64_t>> decode_i64s(ByteReader& in, size_t count) {
  if (count > in.remaining() / 8) return fail("proof: truncated input/output values");
  std::vector<int64_t> out(count);
  for (auto& v : out) {
    auto x = in.u64();
    if (!x) return fail(x.error());
    v = static_cast<int64_t>(*x);
  }
  return out;
}

// Input k and value index i of source-map entry e > 0 of a rewire layer.
std::pair<size_t, uint64_t> rewire_source(const ModelSpec& spec, const Layer& layer, uint32_t e) {
  uint64_t i = e - 1;
  size_t k = 0;
  for (; k + 1 < layer.inputs.size(); ++k) {
    const int32_t s = layer.inputs[k];
    const uint64_t size = s < 0 ? spec.input.size() : spec.layers[static_cast<size_t>(s)].out.size();
    if (i < size) break;
    i -= size;
  }
  return {k, i};
}

// The shape input k of a layer is stored in.
TensorShape input_shape(const ModelSpec& spec, const Layer& layer, size_t k) {
  const int32_t s = layer.inputs[k];
  return s < 0 ? spec.input : spec.layers[static_cast<size_t>(s)].out;
}

// A point of a softmax layer's grid B' x C' x H' x W' split into its row variables (`vars` of
// them from variable `at`) and the rest, a point of the grid of rows. A table that does not
// depend on the row position has, at any point, the multilinear extension of its row table at
// the rest (eq factors over the variables and sums to 1 over the row's).
struct RowSplit {
  uint32_t at = 0, vars = 0;

  std::span<const E> row(std::span<const E> point) const { return point.subspan(at, vars); }
  std::vector<E> rest(std::span<const E> point) const {
    return concat({point.first(at), point.subspan(at + vars)});
  }
  std::vector<E> with_row(std::span<const E> rest, std::span<const E> row) const {
    return concat({rest.first(at), row, rest.subspan(at)});
  }
  // The row variables at 1/2: t~(rest, 1/2, ..., 1/2) = 2^-vars sum_j t(rest, j).
  std::vector<E> with_halves(std::span<const E> rest) const {
    return with_row(rest, std::vector<E>(vars, E(F::from_u64(2)).inverse()));
  }
};
RowSplit row_split(const Layer& layer, uint32_t batch_vars) {
  const detail::SoftmaxRows rows = detail::softmax_rows(layer);
  return {batch_vars + rows.at, rows.vars};
}

// Softmax zero-check over the grid (tables eq(tau, .), S, D, y, 1 - V):
//   sum_x eq(tau, x) [S (1 - S) + gamma S (1 - V) + gamma^2 S D + gamma^3 y (1 - V)] = 0,
// i.e. S is 0/1 and 0 off the grid, a picked gap is 0, and y is 0 off the grid.
std::vector<SumcheckTerm<E>> softmax_zero_check_terms(const E& gamma) {
  const E gamma2 = gamma * gamma;
  return {{E::one(), {0, 1}}, {-E::one(), {0, 1, 1}}, {gamma, {0, 1, 4}}, {gamma2, {0, 1, 2}}, {gamma2 * gamma, {0, 3, 4}}};
}

// The softmax block's values at rho (y, D, S, e, r limbs, room limbs): r and the room 2s - 1 - r.
std::pair<E, E> softmax_remainders(const Layer& layer, std::span<const E> block, uint32_t limb_bits) {
  const size_t limbs = detail::softmax_limbs(layer, limb_bits);
  return {recombine(block.subspan(4, limbs), limb_bits), recombine(block.subspan(4 + limbs, limbs), limb_bits)};
}

}  // namespace

// ---- Witness -----------------------------------------------------------------------------------

namespace {

// The values layer `source` produced (-1: the padded model input).
const std::vector<int64_t>& source_values(const Witness& w, int32_t source) {
  return source < 0 ? w.input : w.layers[static_cast<size_t>(source)].y;
}

// Requantization of every accumulator (padding included: a zero accumulator gives y = t = d = 0).
void requantize_layer(const Layer& layer, LayerWitness& lw) {
  const size_t size = lw.acc.size();
  lw.t.resize(size);
  lw.r.resize(size);
  lw.y.resize(size);
  lw.d_plus.resize(size);
  lw.d_minus.resize(size);
  const int64_t half = int64_t{1} << (layer.shift - 1);
  for (size_t i = 0; i < size; ++i) {
    const int64_t shifted = lw.acc[i] + half;
    const int64_t t = shifted >> layer.shift;  // floor
    lw.t[i] = t;
    lw.r[i] = shifted - (t << layer.shift);
    lw.y[i] = std::clamp(t, layer.lo, layer.hi);
    lw.d_plus[i] = std::max<int64_t>(t - layer.hi, 0);
    lw.d_minus[i] = std::max<int64_t>(layer.lo - t, 0);
  }
}

int64_t checked_accumulator(i128 total) {
  if (total >= (i128{1} << 62) || total <= -(i128{1} << 62))
    throw std::logic_error("zkml: accumulator outside its static bound");
  return static_cast<int64_t>(total);
}

// acc' of a dense layer: sum_j x(b, j) W'(j, n) + b'(n), x read through the input's padded grid.
void dense_accumulators(const Layer& layer, std::span<const int64_t> x, std::span<const int64_t> weights,
                        std::span<const int64_t> bias, uint32_t batch, std::vector<int64_t>& acc) {
  const size_t n = layer.out.c, n_pad = padded(n), row = padded_size(layer.in);
  const size_t k = layer.in.size();
  for (size_t b = 0; b < batch; ++b) {
    parallel_for(n, 256, [&](size_t begin, size_t end) {
      std::vector<i128> sums(end - begin, 0);
      for (size_t j = 0; j < k; ++j) {
        const int64_t xv = x[b * row + detail::padded_flat_index(layer.in, j)];
        if (xv == 0) continue;
        const int64_t* w = weights.data() + j * n;
        for (size_t c = begin; c < end; ++c) sums[c - begin] += static_cast<i128>(xv) * w[c];
      }
      for (size_t c = begin; c < end; ++c) acc[b * n_pad + c] = checked_accumulator(sums[c - begin] + bias[c]);
    });
  }
}

// acc' of a conv or sum_pool layer at every valid output (b, o, ph, pw):
//   conv      sum_{c' < C/G, kh, kw valid} x(b, g(o) C/G + c', src) W'(o, c', kh, kw) + b'(o)
//   sum_pool  M(p) sum_{kh, kw valid} x(b, o, src)
void window_accumulators(const Layer& layer, std::span<const int64_t> x, std::span<const int64_t> weights,
                         std::span<const int64_t> bias, uint32_t batch, std::vector<int64_t>& acc) {
  const Axis ah = detail::axis_h(layer), aw = detail::axis_w(layer);
  const size_t in_row = padded_size(layer.in), out_row = padded_size(layer.out);
  const bool conv = layer.kind == LayerKind::conv;
  const uint32_t cg = conv ? detail::group_in_channels(layer) : 1, og = conv ? detail::group_out_channels(layer) : 1;
  const uint32_t kh_n = layer.win_h.kernel, kw_n = layer.win_w.kernel;
  for (size_t b = 0; b < batch; ++b) {
    parallel_for(layer.out.c, 1, [&](size_t begin, size_t end) {
      for (size_t o = begin; o < end; ++o)
        for (uint32_t ph = 0; ph < layer.out.h; ++ph)
          for (uint32_t pw = 0; pw < layer.out.w; ++pw) {
            i128 sum = 0;
            for (uint32_t c = 0; c < cg; ++c) {
              const size_t channel = conv ? (o / og) * cg + c : o;
              for (uint32_t kh = 0; kh < kh_n; ++kh) {
                const int64_t ih = ah.source(ph, kh);
                if (ih < 0) continue;
                for (uint32_t kw = 0; kw < kw_n; ++kw) {
                  const int64_t iw = aw.source(pw, kw);
                  if (iw < 0) continue;
                  const int64_t xv = x[b * in_row + detail::padded_index(layer.in, channel, ih, iw)];
                  sum += conv ? static_cast<i128>(xv) * weights[((o * cg + c) * kh_n + kh) * kw_n + kw] : xv;
                }
              }
            }
            sum = conv ? sum + bias[o] : sum * layer.multiplier(size_t{ph} * layer.out.w + pw);
            acc[b * out_row + detail::padded_index(layer.out, o, ph, pw)] = checked_accumulator(sum);
          }
    });
  }
}

// y(b, j) = input k's value i (source map) or the pad value, at every valid position.
void rewire_witness(const ModelSpec& spec, const Layer& layer, const Witness& w, uint32_t batch, size_t rows,
                    LayerWitness& lw) {
  const size_t row = padded_size(layer.out);
  lw.y.assign(rows * row, 0);
  for (size_t b = 0; b < batch; ++b)
    for (size_t j = 0; j < layer.out.size(); ++j) {
      const uint32_t e = layer.source_map[j];
      int64_t v = layer.pad_value;
      if (e != 0) {
        const auto [k, i] = rewire_source(spec, layer, e);
        const TensorShape in = input_shape(spec, layer, k);
        v = source_values(w, layer.inputs[k])[b * padded_size(in) + detail::padded_flat_index(in, i)];
      }
      lw.y[b * row + detail::padded_flat_index(layer.out, j)] = v;
    }
}

// add: acc' = sum_i a_i x_i (+ b'); mul: acc' = M x_0 x_1 or x_0 c' (+ b') (per-example constants,
// row-major)
// at every valid position of every example.
void elementwise_accumulators(const Layer& layer, const Witness& w, std::span<const int64_t> constant_factor,
                              std::span<const int64_t> constant_term, uint32_t batch, std::vector<int64_t>& acc) {
  const size_t row = padded_size(layer.out);
  for (size_t b = 0; b < batch; ++b)
    for (size_t j = 0; j < layer.out.size(); ++j) {
      const size_t at = b * row + detail::padded_flat_index(layer.out, j);
      auto input = [&](size_t i) { return static_cast<i128>(source_values(w, layer.inputs[i])[at]); };
      i128 sum = 0;
      if (layer.kind == LayerKind::add) {
        for (size_t i = 0; i < layer.inputs.size(); ++i) sum += layer.multipliers[i] * input(i);
      } else {
        sum = layer.constant_factor ? input(0) * constant_factor[j] : layer.multipliers[0] * input(0) * input(1);
      }
      if (layer.constant_term) sum += constant_term[j];
      acc[at] = checked_accumulator(sum);
    }
}

// Max pooling: y = max over the valid window, gap D(k, x) = y - x_k and the pick S(k, x) of the
// first maximal offset at every valid (b, c, p) and valid k; everything else 0.
void max_pool_witness(const Layer& layer, std::span<const int64_t> x, uint32_t batch, size_t rows, LayerWitness& lw) {
  const Axis ah = detail::axis_h(layer), aw = detail::axis_w(layer);
  const size_t in_row = padded_size(layer.in), out_row = padded_size(layer.out), grid = rows * out_row;
  const size_t kw_pad = padded(layer.win_w.kernel);
  lw.y.assign(grid, 0);
  lw.gap.assign(grid << detail::kernel_vars(layer), 0);
  lw.pick.assign(lw.gap.size(), 0);
  for (size_t b = 0; b < batch; ++b)
    for (uint32_t c = 0; c < layer.out.c; ++c)
      for (uint32_t ph = 0; ph < layer.out.h; ++ph)
        for (uint32_t pw = 0; pw < layer.out.w; ++pw) {
          const size_t at = b * out_row + detail::padded_index(layer.out, c, ph, pw);
          std::vector<std::pair<size_t, int64_t>> window;  // (k, value)
          for (uint32_t kh = 0; kh < layer.win_h.kernel; ++kh)
            for (uint32_t kw = 0; kw < layer.win_w.kernel; ++kw) {
              const int64_t ih = ah.source(ph, kh), iw = aw.source(pw, kw);
              if (ih >= 0 && iw >= 0)
                window.push_back({kh * kw_pad + kw, x[b * in_row + detail::padded_index(layer.in, c, ih, iw)]});
            }
          int64_t best = window[0].second;
          size_t pick = window[0].first;
          for (const auto& [k, v] : window)
            if (v > best) best = v, pick = k;
          lw.y[at] = best;
          for (const auto& [k, v] : window) lw.gap[k * grid + at] = best - v;
          lw.pick[pick * grid + at] = 1;
        }
}

// Sel_k(rho_x, i) = sum over outputs j reading value i of input k of eq(rho_x, j) over input k's
// padded positions (prover), and P(rho_x) = sum over pad outputs j of eq(rho_x, j).
std::vector<E> rewire_selection(const ModelSpec& spec, const Layer& layer, size_t k, std::span<const E> eq_out) {
  std::vector<E> out(padded_size(input_shape(spec, layer, k)), E::zero());
  const TensorShape in = input_shape(spec, layer, k);
  for (size_t j = 0; j < layer.out.size(); ++j) {
    if (layer.source_map[j] == 0) continue;
    const auto [input, i] = rewire_source(spec, layer, layer.source_map[j]);
    if (input == k) out[detail::padded_flat_index(in, i)] += eq_out[detail::padded_flat_index(layer.out, j)];
  }
  return out;
}
E pad_selection(const Layer& layer, std::span<const E> eq_out) {
  E total = E::zero();
  for (size_t j = 0; j < layer.out.size(); ++j)
    if (layer.source_map[j] == 0) total += eq_out[detail::padded_flat_index(layer.out, j)];
  return total;
}

// Row of table layer `layer`'s lookup table for input v at channel c, or -1 outside the table.
int64_t table_row(const Layer& layer, uint64_t c, int64_t v) {
  const auto range = static_cast<int64_t>(layer.table.size() / layer.table_channels);
  const int64_t i = v - layer.table_offset;
  if (i < 0 || i >= range) return -1;
  return (layer.table_channels == 1 ? 0 : static_cast<int64_t>(c)) * range + i;
}

// y = f_c(x) at every valid position (0 on the padding).
Status table_witness(const Layer& layer, std::span<const int64_t> x, uint32_t batch, size_t rows, LayerWitness& lw) {
  const size_t row = padded_size(layer.out), count = layer.out.size(), plane = size_t{layer.out.h} * layer.out.w;
  lw.y.assign(rows * row, 0);
  for (size_t b = 0; b < batch; ++b)
    for (size_t j = 0; j < count; ++j) {
      const size_t at = b * row + detail::padded_flat_index(layer.out, j);
      const int64_t r = table_row(layer, j / plane, x[at]);
      if (r < 0) return fail("zkml: layer '" + layer.name + "': value " + std::to_string(x[at]) + " outside its table");
      lw.y[at] = layer.table[static_cast<size_t>(r)];
    }
  return {};
}

// Softmax, per valid row (batch row b, the other two axes fixed): m = max_j x_j, D_j = m - x_j,
// S = 1 at the first maximum, e_j = E(D_j), s = sum_j e_j, 2 hi e_j + s = y_j 2s + r_j with
// 0 <= r_j < 2s (the integer engine's rounded division), room_j = 2s - 1 - r_j; everything is 0
// off the grid, m too on the rows of padding.
Status softmax_witness(const Layer& layer, std::span<const int64_t> x, uint32_t batch, size_t grid_rows,
                       LayerWitness& lw) {
  const detail::SoftmaxRows rows = detail::softmax_rows(layer);
  const TensorShape& shape = layer.out;
  const size_t row = padded_size(shape), grid = grid_rows * row, span = padded(rows.length) * rows.after;
  for (auto* v : {&lw.y, &lw.gap, &lw.pick, &lw.exp, &lw.r, &lw.room}) v->assign(grid, 0);
  lw.row_max.assign(grid >> rows.vars, 0);
  const uint32_t axis = static_cast<uint32_t>(layer.row_axis);
  const auto table_size = static_cast<int64_t>(layer.table.size());
  for (size_t b = 0; b < batch; ++b)
    for (uint32_t c = 0; c < (axis == 0 ? 1 : shape.c); ++c)
      for (uint32_t h = 0; h < (axis == 1 ? 1 : shape.h); ++h)
        for (uint32_t w = 0; w < (axis == 2 ? 1 : shape.w); ++w) {
          const size_t start = b * row + detail::padded_index(shape, c, h, w);
          auto at = [&](uint32_t j) { return start + j * rows.after; };
          int64_t m = x[at(0)];
          uint32_t pick = 0;
          for (uint32_t j = 1; j < rows.length; ++j)
            if (x[at(j)] > m) m = x[at(j)], pick = j;
          lw.row_max[start / span * rows.after + start % rows.after] = m;
          lw.pick[at(pick)] = 1;
          int64_t sum = 0;
          for (uint32_t j = 0; j < rows.length; ++j) {
            const int64_t d = m - x[at(j)];
            if (d >= table_size)
              return fail("zkml: layer '" + layer.name + "': gap " + std::to_string(d) + " outside its exp table");
            lw.gap[at(j)] = d;
            lw.exp[at(j)] = layer.table[static_cast<size_t>(d)];
            sum += lw.exp[at(j)];
          }
          for (uint32_t j = 0; j < rows.length; ++j) {
            const int64_t numerator = 2 * layer.hi * lw.exp[at(j)] + sum;
            lw.y[at(j)] = numerator / (2 * sum);
            lw.r[at(j)] = numerator - lw.y[at(j)] * 2 * sum;
            lw.room[at(j)] = 2 * sum - 1 - lw.r[at(j)];
          }
        }
  return {};
}

}  // namespace

Result<Witness> compute_witness(const ProvingKey& pk, uint32_t batch, std::span<const int64_t> input) {
  const ModelSpec& spec = pk.vk.spec;
  if (batch == 0 || batch > kMaxBatch) return fail("zkml: batch size out of bounds");
  if (input.size() != size_t{batch} * spec.input_features())
    return fail("zkml: the input has " + std::to_string(input.size()) + " values, expected " +
                std::to_string(size_t{batch} * spec.input_features()));
  for (int64_t v : input)
    if (v < -spec.input_bound || v > spec.input_bound) return fail("zkml: quantized input out of range");
  Witness w;
  w.batch = batch;
  const size_t rows = size_t{1} << batch_vars_of(pk.vk, batch);
  {
    const size_t row = padded_size(spec.input), count = spec.input.size();
    w.input.assign(rows * row, 0);
    for (size_t b = 0; b < batch; ++b)
      for (size_t j = 0; j < count; ++j) w.input[b * row + detail::padded_flat_index(spec.input, j)] = input[b * count + j];
  }
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const Layer& layer = spec.layers[l];
    const std::vector<int64_t>* x = &source_values(w, layer.inputs[0]);
    LayerWitness lw;
    if (layer.kind == LayerKind::max_pool) {
      max_pool_witness(layer, *x, batch, rows, lw);
    } else if (layer.kind == LayerKind::table) {
      ZK_TRY(table_witness(layer, *x, batch, rows, lw));
    } else if (layer.kind == LayerKind::softmax) {
      ZK_TRY(softmax_witness(layer, *x, batch, rows, lw));
    } else if (layer.kind == LayerKind::rewire) {
      rewire_witness(spec, layer, w, batch, rows, lw);
    } else {
      lw.acc.assign(rows * padded_size(layer.out), 0);
      if (layer.kind == LayerKind::dense)
        dense_accumulators(layer, *x, pk.weights[l], pk.biases[l], batch, lw.acc);
      else if (layer.kind == LayerKind::add || layer.kind == LayerKind::mul)
        elementwise_accumulators(layer, w, pk.weights[l], pk.biases[l], batch, lw.acc);
      else
        window_accumulators(layer, *x, pk.weights[l], pk.biases[l], batch, lw.acc);
      requantize_layer(layer, lw);
    }
    w.layers.push_back(std::move(lw));
  }
  return w;
}

namespace {

// Limbs of v in base 2^w (w = limb_bits); the top limb keeps every remaining bit (so the limbs
// recombine to v exactly, and an out-of-range v shows up as an out-of-range top limb).
void append_limbs(std::vector<std::vector<F>>& polys, const std::vector<int64_t>& values, uint32_t bits,
                  uint32_t limb_bits) {
  const uint32_t count = (bits + limb_bits - 1) / limb_bits;
  const int64_t low_mask = (int64_t{1} << limb_bits) - 1;
  for (uint32_t i = 0; i < count; ++i) {
    std::vector<F> limb(values.size());
    for (size_t x = 0; x < values.size(); ++x) {
      const int64_t shifted = values[x] >> (limb_bits * i);
      limb[x] = F::from_i64(i + 1 == count ? shifted : (shifted & low_mask));
    }
    polys.push_back(std::move(limb));
  }
}

// Each range group's rows: its columns a P + c back to back.
std::vector<std::vector<F>> range_group_values(const ModelSpec& spec, const detail::ProofExtras& extras,
                                               const ProverTables& tables) {
  std::vector<std::vector<F>> groups;
  for (const auto& group : detail::range_groups(spec, extras)) {
    std::vector<F> values;
    for (const auto& c : group.columns) {
      const auto& source = tables.layer_polys[c.layer][c.table];
      const F scale = F::from_i64(c.scale), offset = F::from_i64(c.offset);
      for (const F& v : source) values.push_back(scale * v + offset);
    }
    groups.push_back(std::move(values));
  }
  return groups;
}

// [b < B, (c, h, w) inside the shape] over the padded B' x (C' H' W') grid.
std::vector<F> valid_mask(const TensorShape& shape, uint32_t batch, uint32_t batch_vars) {
  const size_t row = padded_size(shape);
  std::vector<F> out(row << batch_vars, F::zero());
  for (size_t b = 0; b < batch; ++b)
    for (size_t j = 0; j < shape.size(); ++j) out[b * row + detail::padded_flat_index(shape, j)] = F::one();
  return out;
}

// The channel column: c at every valid (b, c, h, w) of the padded grid, 0 elsewhere.
std::vector<F> channel_column(const TensorShape& shape, uint32_t batch, uint32_t batch_vars) {
  const size_t row = padded_size(shape), plane = size_t{shape.h} * shape.w;
  std::vector<F> out(row << batch_vars, F::zero());
  for (size_t b = 0; b < batch; ++b)
    for (size_t j = 0; j < shape.size(); ++j) out[b * row + detail::padded_flat_index(shape, j)] = F::from_u64(j / plane);
  return out;
}

// The outputs: the last layer's values at the valid positions, row-major.
std::vector<int64_t> outputs_of(const ModelSpec& spec, const Witness& w) {
  const Layer& last = spec.layers.back();
  const size_t row = padded_size(last.out);
  std::vector<int64_t> out;
  for (size_t b = 0; b < w.batch; ++b)
    for (size_t j = 0; j < last.out.size(); ++j) out.push_back(w.layers.back().y[b * row + detail::padded_flat_index(last.out, j)]);
  return out;
}

// The form values f(b, j) = L_j(y of example b) on the padded B' x F' grid (zeros on the padding).
std::vector<int64_t> form_values(const ModelSpec& spec, std::span<const LinearForm> forms, uint32_t batch,
                                 uint32_t batch_vars, std::span<const int64_t> output) {
  const size_t row = size_t{1} << detail::form_vars(spec, batch_vars, forms.size()), n = spec.output_features();
  std::vector<int64_t> out(row << batch_vars, 0);
  for (size_t b = 0; b < batch; ++b)
    for (size_t j = 0; j < forms.size(); ++j) out[b * row + j] = form_value(forms[j], output.subspan(b * n, n));
  return out;
}

// Every table to commit: the layers' (ProverTables), then the extras (the padded input; the form
// values' limbs), then the multiplicities of every range column.
ProverTables derive_tables(const ModelSpec& spec, const Witness& w, const detail::ProofExtras& extras,
                           const std::vector<int64_t>& forms) {
  ProverTables tables;
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const Layer& layer = spec.layers[l];
    const LayerWitness& lw = w.layers[l];
    std::vector<std::vector<F>> polys;
    polys.push_back(to_field(lw.y));
    if (layer.requantizes()) {
      append_limbs(polys, lw.r, layer.shift, extras.limb_bits);
      append_limbs(polys, lw.d_plus, layer.slack_bits, extras.limb_bits);
      append_limbs(polys, lw.d_minus, layer.slack_bits, extras.limb_bits);
    } else if (layer.kind == LayerKind::max_pool) {
      polys.push_back(to_field(lw.gap));
      polys.push_back(to_field(lw.pick));
    } else if (layer.kind == LayerKind::softmax) {
      // Multiplicities of the rows (D, E(D), 1) at valid positions and of the zero row elsewhere.
      for (const auto* v : {&lw.gap, &lw.pick, &lw.exp}) polys.push_back(to_field(*v));
      append_limbs(polys, lw.r, detail::softmax_bits(layer), extras.limb_bits);
      append_limbs(polys, lw.room, detail::softmax_bits(layer), extras.limb_bits);
      polys.push_back(to_field(lw.row_max));
      const size_t row = padded_size(layer.out);
      std::vector<uint64_t> counts(detail::lookup_rows(layer), 0);
      counts.back() = lw.gap.size() - size_t{w.batch} * layer.out.size();
      for (size_t b = 0; b < w.batch; ++b)
        for (size_t j = 0; j < layer.out.size(); ++j)
          if (const int64_t d = lw.gap[b * row + detail::padded_flat_index(layer.out, j)];
              d >= 0 && d < static_cast<int64_t>(layer.table.size()))
            ++counts[static_cast<size_t>(d)];
      std::vector<F> m(padded(counts.size()), F::zero());
      for (size_t i = 0; i < counts.size(); ++i) m[i] = F::from_u64(counts[i]);
      polys.push_back(std::move(m));
    } else if (layer.kind == LayerKind::table) {
      // Multiplicities of the table rows ([c,] x, f_c(x), 1) at valid positions and of the zero
      // row elsewhere; a row outside the table (only in a tampered witness) is not counted.
      const std::vector<int64_t>& x = source_values(w, layer.inputs[0]);
      const size_t row = padded_size(layer.out), plane = size_t{layer.out.h} * layer.out.w;
      std::vector<uint64_t> counts(detail::lookup_rows(layer), 0);
      counts.back() = x.size() - size_t{w.batch} * layer.out.size();
      for (size_t b = 0; b < w.batch; ++b)
        for (size_t j = 0; j < layer.out.size(); ++j)
          if (const int64_t r = table_row(layer, j / plane, x[b * row + detail::padded_flat_index(layer.out, j)]); r >= 0)
            ++counts[static_cast<size_t>(r)];
      std::vector<F> m(padded(counts.size()), F::zero());
      for (size_t i = 0; i < counts.size(); ++i) m[i] = F::from_u64(counts[i]);
      polys.push_back(std::move(m));
    }
    tables.layer_polys.push_back(std::move(polys));
  }
  tables.output = outputs_of(spec, w);
  if (extras.input) tables.layer_polys.push_back({to_field(w.input)});
  if (extras.forms > 0) {
    tables.layer_polys.emplace_back();
    append_limbs(tables.layer_polys.back(), forms, extras.form_bits, extras.limb_bits);
  }
  if (!detail::has_range_checks(spec, extras)) return tables;
  // Multiplicities of the values inside [0, 2^w); values outside (only in a tampered witness)
  // are not counted, and the verifier rejects the lookup.
  std::vector<uint64_t> counts(size_t{1} << extras.limb_bits, 0);
  for (const auto& column : range_group_values(spec, extras, tables))
    for (const F& v : column)
      if (v.value() < counts.size()) ++counts[v.value()];
  tables.multiplicities.resize(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) tables.multiplicities[i] = F::from_u64(counts[i]);
  return tables;
}

// The packed table T of the proof layout: every layer table and the multiplicities at their offsets.
std::vector<F> pack_tables(const detail::ProofLayout& layout, const ProverTables& tables) {
  std::vector<F> packed(size_t{1} << layout.num_vars, F::zero());
  auto place = [&](uint32_t table, std::span<const F> values) {
    if (values.size() != size_t{1} << layout.vars_of[table]) throw std::logic_error("zkml: table of the wrong size");
    std::copy(values.begin(), values.end(), packed.begin() + static_cast<ptrdiff_t>(layout.offset[table]));
  };
  for (size_t l = 0; l < tables.layer_polys.size(); ++l)
    for (size_t i = 0; i < tables.layer_polys[l].size(); ++i)
      place(layout.first[l] + static_cast<uint32_t>(i), tables.layer_polys[l][i]);
  if (layout.range_checked) place(layout.multiplicities, tables.multiplicities);
  return packed;
}

// t~(rho_b, j) for every j: the leading variables of a rows x cols table bound to rho_b.
template <class T>
std::vector<E> bind_rows(std::span<const T> table, std::span<const E> rho_b, size_t cols) {
  const auto eq = eq_table<E>(rho_b);
  std::vector<E> out(cols, E::zero());
  parallel_for(cols, kPolyGrain, [&](size_t begin, size_t end) {
    for (size_t b = 0; b < eq.size(); ++b)
      for (size_t j = begin; j < end; ++j) out[j] += eq[b] * table[b * cols + j];
  });
  return out;
}

// W'~(j', rho_n) for every row j' of the dense layer's padded K' x N' weight table.
std::vector<E> bind_dense_weights(const Layer& layer, std::span<const int64_t> weights, std::span<const E> rho_n) {
  const auto eq = eq_table<E>(rho_n);
  const size_t k = layer.in.size(), n = layer.out.c;
  std::vector<E> out(padded_size(layer.in), E::zero());
  parallel_for(k, 64, [&](size_t begin, size_t end) {
    for (size_t j = begin; j < end; ++j) {
      E acc = E::zero();
      for (size_t c = 0; c < n; ++c) acc += eq[c] * F::from_i64(weights[j * n + c]);
      out[detail::padded_flat_index(layer.in, j)] = acc;
    }
  });
  return out;
}

// W'~((g, rho_o'), c', k) for every (g, c', k) of the conv layer's padded weight table
// (output channel o = (g, o'), o' bound to rho_o').
std::vector<E> bind_conv_weights(const Layer& layer, std::span<const int64_t> weights, std::span<const E> rho_o_inner) {
  const auto eq = eq_table<E>(rho_o_inner);
  const size_t cg = detail::group_in_channels(layer), og = detail::group_out_channels(layer);
  const size_t kh = layer.win_h.kernel, kw = layer.win_w.kernel, kh_pad = padded(kh), kw_pad = padded(kw);
  const size_t cg_pad = padded(cg), per_group = cg_pad * kh_pad * kw_pad;
  const size_t groups = layer.groups > 1 ? layer.groups : 1, og_bound = layer.groups > 1 ? og : layer.out.c;
  std::vector<E> out(padded(groups) * per_group, E::zero());
  for (size_t g = 0; g < groups; ++g)
    for (size_t o = 0; o < og_bound; ++o) {
      const size_t channel = g * og_bound + o;
      for (size_t c = 0; c < cg; ++c)
        for (size_t y = 0; y < kh; ++y)
          for (size_t x = 0; x < kw; ++x)
            out[g * per_group + (c * kh_pad + y) * kw_pad + x] +=
                eq[o] * F::from_i64(weights[((channel * cg + c) * kh + y) * kw + x]);
    }
  return out;
}

// sum_c eq(z_c, c) t(c, i) for every input position i of a C' x (H' W') table.
std::vector<E> bind_channels(std::span<const E> table, std::span<const E> z_c, size_t positions) {
  return bind_rows<E>(table, z_c, positions);
}

// Outer product a (x) b (a's index most significant).
std::vector<E> outer(std::span<const E> a, std::span<const E> b) {
  std::vector<E> out(a.size() * b.size());
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = 0; j < b.size(); ++j) out[i * b.size() + j] = a[i] * b[j];
  return out;
}

// Wire(rho_p, z_k, i) over the padded input positions: per axis sum_{src(p, k) = i} eq(rho_p, p)
// eq(z_k, k), then the outer product of the two axes.
std::vector<E> wiring_table(const Layer& layer, detail::SpatialPoint rho_p, detail::SpatialPoint z_k) {
  const auto h = detail::window_scatter<E>(detail::axis_h(layer), eq_table<E>(rho_p.h), eq_table<E>(z_k.h), padded(layer.in.h));
  const auto w = detail::window_scatter<E>(detail::axis_w(layer), eq_table<E>(rho_p.w), eq_table<E>(z_k.w), padded(layer.in.w));
  return outer(h, w);
}

// sum_p eq(rho_p, p) M(p) sum_k [src(p, k) = i] over the padded input positions.
std::vector<E> pooling_wiring_table(const Layer& layer, detail::SpatialPoint rho_p) {
  const Axis ah = detail::axis_h(layer), aw = detail::axis_w(layer);
  const auto eh = eq_table<E>(rho_p.h), ew = eq_table<E>(rho_p.w);
  const size_t w_pad = padded(layer.in.w);
  std::vector<E> out(padded(layer.in.h) * w_pad, E::zero());
  for (uint32_t ph = 0; ph < layer.out.h; ++ph)
    for (uint32_t pw = 0; pw < layer.out.w; ++pw) {
      const E weight = eh[ph] * ew[pw] * E::from_i64(layer.multiplier(size_t{ph} * layer.out.w + pw));
      for (uint32_t kh = 0; kh < layer.win_h.kernel; ++kh) {
        const int64_t ih = ah.source(ph, kh);
        if (ih < 0) continue;
        for (uint32_t kw = 0; kw < layer.win_w.kernel; ++kw) {
          const int64_t iw = aw.source(pw, kw);
          if (iw >= 0) out[static_cast<size_t>(ih) * w_pad + static_cast<size_t>(iw)] += weight;
        }
      }
    }
  return out;
}

// X(c, k) = sum_p eq(rho_p, p) xb(c, src(p, k)) for every channel c and padded kernel offset k.
std::vector<E> gather_windows(const Layer& layer, std::span<const E> xb, detail::SpatialPoint rho_p) {
  const Axis ah = detail::axis_h(layer), aw = detail::axis_w(layer);
  const auto eh = eq_table<E>(rho_p.h), ew = eq_table<E>(rho_p.w);
  const size_t kh_pad = padded(layer.win_h.kernel), kw_pad = padded(layer.win_w.kernel), positions = padded_size({1, layer.in.h, layer.in.w});
  std::vector<E> out(padded(layer.in.c) * kh_pad * kw_pad, E::zero());
  parallel_for(layer.in.c, 1, [&](size_t begin, size_t end) {
    for (size_t c = begin; c < end; ++c)
      for (uint32_t kh = 0; kh < layer.win_h.kernel; ++kh)
        for (uint32_t kw = 0; kw < layer.win_w.kernel; ++kw) {
          E acc = E::zero();
          for (uint32_t ph = 0; ph < layer.out.h; ++ph) {
            const int64_t ih = ah.source(ph, kh);
            if (ih < 0) continue;
            E row = E::zero();
            for (uint32_t pw = 0; pw < layer.out.w; ++pw) {
              const int64_t iw = aw.source(pw, kw);
              if (iw >= 0) row += ew[pw] * xb[c * positions + static_cast<size_t>(ih) * padded(layer.in.w) + static_cast<size_t>(iw)];
            }
            acc += eh[ph] * row;
          }
          out[(c * kh_pad + kh) * kw_pad + kw] = acc;
        }
  });
  return out;
}

// V_rho(p) = eq(rho_p, p) sum_k eq(rho_k, k) V(k, p) over the padded output positions.
std::vector<E> weighted_validity_table(const Layer& layer, detail::SpatialPoint rho_p, detail::SpatialPoint rho_k) {
  auto axis = [](const Axis& a, std::span<const E> p, std::span<const E> k, size_t out_pad) {
    const auto ep = eq_table<E>(p), ek = eq_table<E>(k);
    std::vector<E> out(out_pad, E::zero());
    for (uint32_t q = 0; q < a.out; ++q) {
      E sum = E::zero();
      for (uint32_t j = 0; j < a.window.kernel; ++j)
        if (a.source(q, j) >= 0) sum += ek[j];
      out[q] = ep[q] * sum;
    }
    return out;
  };
  return outer(axis(detail::axis_h(layer), rho_p.h, rho_k.h, padded(layer.out.h)),
               axis(detail::axis_w(layer), rho_p.w, rho_k.w, padded(layer.out.w)));
}

// 1 - V(k, p) over the max-pool tables' K' x B' x C' x (H' W') grid.
std::vector<F> invalid_window_table(const Layer& layer, uint32_t batch_vars) {
  const Axis ah = detail::axis_h(layer), aw = detail::axis_w(layer);
  const size_t kw_pad = padded(layer.win_w.kernel), h_pad = padded(layer.out.h), w_pad = padded(layer.out.w);
  const size_t positions = h_pad * w_pad, grid = padded_size(layer.out) << batch_vars;
  std::vector<F> out(grid << detail::kernel_vars(layer), F::one());
  for (uint32_t kh = 0; kh < layer.win_h.kernel; ++kh)
    for (uint32_t kw = 0; kw < layer.win_w.kernel; ++kw)
      for (uint32_t ph = 0; ph < layer.out.h; ++ph)
        for (uint32_t pw = 0; pw < layer.out.w; ++pw) {
          if (ah.source(ph, kh) < 0 || aw.source(pw, kw) < 0) continue;
          const size_t base = (kh * kw_pad + kw) * grid + ph * w_pad + pw;
          for (size_t rest = 0; rest < grid; rest += positions) out[base + rest] = F::zero();
        }
  return out;
}

std::vector<E> lift(std::span<const F> table) {
  std::vector<E> out(table.size());
  for (size_t i = 0; i < table.size(); ++i) out[i] = E(table[i]);
  return out;
}

std::vector<E> repeat(std::span<const E> table, size_t times) {
  std::vector<E> out;
  out.reserve(table.size() * times);
  for (size_t i = 0; i < times; ++i) out.insert(out.end(), table.begin(), table.end());
  return out;
}

}  // namespace

// ---- Prover ------------------------------------------------------------------------------------

namespace {

// The terms of a conv layer's channel sum-check over (gathered input X, W' bound at the output
// channels): X W', or with G > 1 groups X W' eq(rho_g, g), the groups' eq table appended to
// `tables` (degree 3).
std::vector<SumcheckTerm<E>> conv_channel_terms(std::vector<std::vector<E>>& tables, std::span<const E> rho_c,
                                                uint32_t group_vars) {
  if (group_vars == 0) return {{E::one(), {0, 1}}};
  const size_t per_group = tables[0].size() >> group_vars;
  std::vector<E> eq_groups;
  for (const E& e : eq_table<E>(rho_c.first(group_vars))) eq_groups.insert(eq_groups.end(), per_group, e);
  tables.push_back(std::move(eq_groups));
  return {{E::one(), {0, 1, 2}}};
}

// Zero-knowledge mode (below).
Result<Proof> prove_private(const ProvingKey& pk, uint32_t batch, std::span<const int64_t> input, Proof proof,
                            const Witness& witness, const ProverTables& tables, const detail::ProofExtras& extras);
Result<std::vector<int64_t>> verify_private(const VerifyingKey& vk, const Proof& proof);

// What the per-layer provers and verifiers share: the transcript, the layouts and the claims on
// the committed polynomials collected for the final opening.
struct Context {
  Transcript& transcript;
  const ModelSpec& spec;
  uint32_t batch;
  uint32_t batch_vars;
  const detail::ProofLayout& layout;
  const detail::WeightLayout& weights;
  uint32_t proof_offset;  // index of the per-proof commitment after the weight commitments
  bool public_weights;    // weight claims are checked against the verifying key's tables
  std::vector<pcs::EvalClaim> claims;
  std::vector<pcs::EvalClaim> weight_checks;  // public weights: (weight layout table, point, value)

  void claim_table(uint32_t l, uint32_t table, std::span<const E> point, const E& value) {
    claims.push_back({{proof_offset, 0}, layout.point(layout.first[l] + table, point), value});
  }
  // The claim on input i of layer l: on the layer that produced it, or on the committed model input
  // (nothing for a public model input, which the verifier evaluates itself).
  void claim_input(uint32_t l, size_t i, std::span<const E> point, const E& value) {
    const int32_t source = spec.layers[l].inputs[i];
    if (source >= 0)
      claim_table(static_cast<uint32_t>(source), 0, point, value);
    else if (layout.input_slot >= 0)
      claim_table(static_cast<uint32_t>(layout.input_slot), 0, point, value);
  }
  // The K' values S(k, rho_x) of a max-pool layer's picks (table 2) as one claim: slots s drawn
  // now, S(s, rho_x) = sum_k eq(s, k) S(k, rho_x).
  void claim_picks(uint32_t l, std::span<const E> rho_x, std::span<const E> picks) {
    const auto slots = transcript.challenges<E>("zkml/slots", log2_padded(picks.size()));
    const auto eq = eq_table<E>(slots);
    E combined = E::zero();
    for (size_t k = 0; k < picks.size(); ++k) combined += eq[k] * picks[k];
    claim_table(l, 2, concat({slots, rho_x}), combined);
  }
  void claim_block(uint32_t l, uint32_t block, std::span<const E> point, std::span<const E> values) {
    claim_block_values(transcript, layout, proof_offset, l, block, point, values, claims);
  }
  // A claim on table t of the weight layout: opened from the weight commitments, or (public
  // weights) recorded for the verifier to evaluate itself (pcs::PolyRef::commitment = t).
  void claim_weight_table(int32_t t, std::span<const E> point, const E& value) {
    if (public_weights)
      weight_checks.push_back({{static_cast<uint32_t>(t), 0}, std::vector<E>(point.begin(), point.end()), value});
    else
      claims.push_back({weights.ref(static_cast<uint32_t>(t), 0), weights.point(static_cast<uint32_t>(t), point), value});
  }
  void claim_weight(uint32_t l, std::span<const E> point, const E& value) {
    claim_weight_table(weights.weight_table[l], point, value);
  }
  void claim_bias(uint32_t l, std::span<const E> point, const E& value) {
    claim_weight_table(weights.bias_table[l], point, value);
  }
};

struct ProverInputs {
  const ProvingKey& pk;
  const Witness& witness;
  const ProverTables& tables;
};

// Input `i` of layer l as a padded field table (Context or PrivateContext).
template <class Cx>
std::vector<F> layer_input_table(const Cx& cx, const ProverInputs& in, uint32_t l, size_t i = 0) {
  const int32_t source = cx.spec.layers[l].inputs[i];
  return source < 0 ? to_field(in.witness.input) : in.tables.layer_polys[static_cast<size_t>(source)][0];
}

// The linear part of a dense, conv or sum_pool layer: reduces claim = acc'(rho) to claims on the
// input, the weights and the bias.
void prove_linear(Context& cx, const ProverInputs& in, uint32_t l, LayerProof& lp, const GridPoint& g, E claim) {
  const Layer& layer = cx.spec.layers[l];
  const std::vector<F> x_table = layer_input_table(cx, in, l);
  const auto xb = bind_rows<F>(x_table, g.b, padded_size(layer.in));
  std::vector<E> input_point;  // where the input is read at the end, its batch part first
  if (layer.has_weights()) {
    std::vector<F> bias_table(padded(layer.out.c), F::zero());
    for (size_t n = 0; n < layer.out.c; ++n) bias_table[n] = F::from_i64(in.pk.biases[l][n]);
    lp.bias_eval = evaluate_multilinear<E, F>(bias_table, g.c);
    cx.transcript.absorb("zkml/bias_eval", lp.bias_eval);
    cx.claim_bias(l, g.c, lp.bias_eval);
    claim -= bias_indicator(g, cx.batch, layer.out) * lp.bias_eval;
  }
  if (layer.kind == LayerKind::dense) {
    std::vector<std::vector<E>> tables;
    tables.push_back(xb);
    tables.push_back(bind_dense_weights(layer, in.pk.weights[l], g.c));
    const std::vector<SumcheckTerm<E>> terms{{E::one(), {0, 1}}};
    auto mm = prove_sumcheck<E, E>(cx.transcript, std::move(tables), terms, claim);
    lp.channel_sum = std::move(mm.proof);
    lp.input_eval = mm.table_evaluations[0];
    lp.weight_eval = mm.table_evaluations[1];
    const E evals[2] = {lp.input_eval, lp.weight_eval};
    cx.transcript.absorb_all("zkml/matmul_evals", std::span<const E>(evals));
    cx.claim_weight(l, concat({mm.point, g.c}), lp.weight_eval);
    input_point = concat({g.b, mm.point});
  } else {
    std::vector<E> channel_point;  // the input channel point
    std::vector<std::vector<E>> spatial;
    if (layer.kind == LayerKind::conv) {
      const uint32_t gv = detail::group_vars(layer);
      std::vector<std::vector<E>> tables;
      tables.push_back(gather_windows(layer, xb, g.p));
      tables.push_back(bind_conv_weights(layer, in.pk.weights[l], g.c.subspan(gv)));
      const auto terms = conv_channel_terms(tables, g.c, gv);
      auto cs = prove_sumcheck<E, E>(cx.transcript, std::move(tables), terms, claim);
      lp.channel_sum = std::move(cs.proof);
      lp.gathered_eval = cs.table_evaluations[0];
      lp.weight_eval = cs.table_evaluations[1];
      const E evals[2] = {lp.gathered_eval, lp.weight_eval};
      cx.transcript.absorb_all("zkml/conv_evals", std::span<const E>(evals));
      const std::span<const E> zeta(cs.point);
      const uint32_t cv = log2_padded(layer.in.c);
      cx.claim_weight(l, concat({zeta.first(gv), g.c.subspan(gv), zeta.subspan(gv)}), lp.weight_eval);
      channel_point.assign(zeta.begin(), zeta.begin() + cv);
      spatial.push_back(bind_channels(xb, channel_point, padded_size({1, layer.in.h, layer.in.w})));
      spatial.push_back(wiring_table(layer, g.p, split_kernel(zeta.subspan(cv), layer)));
      claim = lp.gathered_eval;
    } else {
      channel_point.assign(g.c.begin(), g.c.end());
      spatial.push_back(bind_channels(xb, channel_point, padded_size({1, layer.in.h, layer.in.w})));
      spatial.push_back(pooling_wiring_table(layer, g.p));
    }
    const std::vector<SumcheckTerm<E>> terms{{E::one(), {0, 1}}};
    auto ss = prove_sumcheck<E, E>(cx.transcript, std::move(spatial), terms, claim);
    lp.spatial_sum = std::move(ss.proof);
    lp.input_eval = ss.table_evaluations[0];
    cx.transcript.absorb("zkml/input_eval", lp.input_eval);
    input_point = concat({g.b, channel_point, ss.point});
  }
  cx.claim_input(l, 0, input_point, lp.input_eval);
}

// add: acc'(rho) = sum_i a_i x_i(rho) + I_B(rho_b) b'(rho_c, rho_p), the inputs' values at rho sent.
// mul: acc'(rho) - I_B(rho_b) b'(rho_c, rho_p) = sum_x eq(rho, x) c x_0(x) x_1(x) (x_1 = the constant
// c' repeated over the batch, c = 1; or c = M for two activations), a degree-3 sum-check ending in
// both operands' values. b' (when present) is sent first.
void prove_elementwise(Context& cx, const ProverInputs& in, uint32_t l, LayerProof& lp, std::span<const E> rho,
                       E claim) {
  const Layer& layer = cx.spec.layers[l];
  const std::span<const E> example_point = rho.subspan(cx.batch_vars);
  if (layer.constant_term) {
    lp.bias_eval = evaluate_multilinear<E, F>(pad_tensor(in.pk.biases[l], 1, 0, layer.out), example_point);
    cx.transcript.absorb("zkml/bias_eval", lp.bias_eval);
    cx.claim_bias(l, example_point, lp.bias_eval);
    claim -= prefix_indicator<E>(cx.batch, rho.first(cx.batch_vars)) * lp.bias_eval;
  }
  if (layer.kind == LayerKind::add) {
    for (size_t i = 0; i < layer.inputs.size(); ++i)
      lp.operand_evals.push_back(evaluate_multilinear<E, F>(layer_input_table(cx, in, l, i), rho));
    cx.transcript.absorb_all("zkml/operand_evals", std::span<const E>(lp.operand_evals));
    for (size_t i = 0; i < layer.inputs.size(); ++i) cx.claim_input(l, i, rho, lp.operand_evals[i]);
    return;
  }
  std::vector<std::vector<E>> tables;
  tables.push_back(eq_table<E>(rho));
  tables.push_back(lift(layer_input_table(cx, in, l, 0)));
  tables.push_back(layer.constant_factor ? repeat(lift(pad_tensor(in.pk.weights[l], 1, 0, layer.out)), size_t{1} << cx.batch_vars)
                                         : lift(layer_input_table(cx, in, l, 1)));
  const E coefficient = layer.constant_factor ? E::one() : E::from_i64(layer.multipliers[0]);
  const std::vector<SumcheckTerm<E>> terms{{coefficient, {0, 1, 2}}};
  auto product = prove_sumcheck<E, E>(cx.transcript, std::move(tables), terms, claim);
  lp.channel_sum = std::move(product.proof);
  lp.operand_evals = {product.table_evaluations[1], product.table_evaluations[2]};
  cx.transcript.absorb_all("zkml/operand_evals", std::span<const E>(lp.operand_evals));
  cx.claim_input(l, 0, product.point, lp.operand_evals[0]);
  if (layer.constant_factor)
    cx.claim_weight(l, std::span<const E>(product.point).subspan(cx.batch_vars), lp.operand_evals[1]);
  else
    cx.claim_input(l, 1, product.point, lp.operand_evals[1]);
}

void prove_requant_layer(Context& cx, const ProverInputs& in, uint32_t l, LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  lp.kind = layer.kind;
  lp.constant_term = layer.constant_term;
  const auto& polys = in.tables.layer_polys[l];
  const auto rho = cx.transcript.challenges<E>("zkml/rho", cx.batch_vars + detail::shape_vars(layer.out));
  const GridPoint g = split_grid(rho, cx.batch_vars, layer.out);
  {
    const auto eq = eq_table<E>(rho);
    for (const auto& p : polys) lp.requant_evals.push_back(inner_product<E, F>(eq, p));
  }
  cx.transcript.absorb_all("zkml/requant_evals", std::span<const E>(lp.requant_evals));
  cx.claim_block(l, 0, rho, lp.requant_evals);
  const E claim = accumulator_from_requant(layer, lp.requant_evals, cx.layout.limb_bits);
  if (layer.kind == LayerKind::add || layer.kind == LayerKind::mul)
    prove_elementwise(cx, in, l, lp, rho, claim);
  else
    prove_linear(cx, in, l, lp, g, claim);

  // Zero-check: sum_x eq(tau, x) [d+ (hi - y) + gamma d- (y - lo)] = 0.
  const auto tau = cx.transcript.challenges<E>("zkml/tau", rho.size());
  const E gamma = cx.transcript.challenge<E>("zkml/gamma");
  std::vector<std::vector<E>> zc_tables;
  zc_tables.push_back(eq_table<E>(tau));
  for (uint32_t i : zero_check_tables(layer, cx.layout.limb_bits)) zc_tables.push_back(lift(polys[i]));
  const auto zc_terms = zero_check_terms(layer, gamma, cx.layout.limb_bits);
  auto zc = prove_sumcheck<E, E>(cx.transcript, std::move(zc_tables), zc_terms, E::zero());
  lp.zero_check = std::move(zc.proof);
  {
    const auto eq = eq_table<E>(zc.point);
    for (const auto& p : polys) lp.zero_check_evals.push_back(inner_product<E, F>(eq, p));
  }
  cx.transcript.absorb_all("zkml/zero_check_evals", std::span<const E>(lp.zero_check_evals));
  cx.claim_block(l, 0, zc.point, lp.zero_check_evals);
}

void prove_max_pool_layer(Context& cx, const ProverInputs& in, uint32_t l, LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  lp.kind = layer.kind;
  const auto& polys = in.tables.layer_polys[l];  // y, D, S
  const uint32_t kv = detail::kernel_vars(layer), xv = cx.batch_vars + detail::shape_vars(layer.out);
  const auto rho = cx.transcript.challenges<E>("zkml/rho", kv + xv);
  const std::span<const E> rho_k(rho.data(), kv), rho_x(rho.data() + kv, xv);
  const GridPoint g = split_grid(rho_x, cx.batch_vars, layer.out);
  const auto k_point = split_kernel(rho_k, layer);
  lp.gap_eval = evaluate_multilinear<E, F>(polys[1], rho);
  {
    const auto eq = eq_table<E>(rho_x);
    const size_t grid = eq.size();
    for (size_t k = 0; k < (size_t{1} << kv); ++k)
      lp.pick_evals.push_back(inner_product<E, F>(eq, std::span<const F>(polys[2]).subspan(k * grid, grid)));
  }
  cx.transcript.absorb("zkml/gap_eval", lp.gap_eval);
  cx.transcript.absorb_all("zkml/pick_evals", std::span<const E>(lp.pick_evals));
  cx.claim_table(l, 1, rho, lp.gap_eval);
  cx.claim_picks(l, rho_x, lp.pick_evals);
  // D(rho) = sum_p V_rho(p) y(rho_b, rho_c, p) - sum_i x(rho_b, rho_c, i) Wire(rho_p, rho_k, i).
  const size_t out_positions = padded_size({1, layer.out.h, layer.out.w});
  std::vector<std::vector<E>> a_tables;
  a_tables.push_back(bind_rows<F>(polys[0], concat({g.b, g.c}), out_positions));
  a_tables.push_back(weighted_validity_table(layer, g.p, k_point));
  lp.output_sum = inner_product<E, E>(a_tables[0], a_tables[1]);
  cx.transcript.absorb("zkml/output_sum", lp.output_sum);
  const std::vector<SumcheckTerm<E>> terms{{E::one(), {0, 1}}};
  auto os = prove_sumcheck<E, E>(cx.transcript, std::move(a_tables), terms, lp.output_sum);
  lp.output_check = std::move(os.proof);
  lp.output_eval = os.table_evaluations[0];
  cx.transcript.absorb("zkml/output_eval", lp.output_eval);
  cx.claim_table(l, 0, concat({g.b, g.c, os.point}), lp.output_eval);
  const std::vector<F> x_table = layer_input_table(cx, in, l);
  const size_t in_positions = padded_size({1, layer.in.h, layer.in.w});
  std::vector<std::vector<E>> b_tables;
  b_tables.push_back(bind_rows<F>(x_table, concat({g.b, g.c}), in_positions));
  b_tables.push_back(wiring_table(layer, g.p, k_point));
  auto ss = prove_sumcheck<E, E>(cx.transcript, std::move(b_tables), terms, lp.output_sum - lp.gap_eval);
  lp.spatial_sum = std::move(ss.proof);
  lp.input_eval = ss.table_evaluations[0];
  cx.transcript.absorb("zkml/input_eval", lp.input_eval);
  cx.claim_input(l, 0, concat({g.b, g.c, ss.point}), lp.input_eval);

  const auto tau = cx.transcript.challenges<E>("zkml/tau", kv + xv);
  const E gamma = cx.transcript.challenge<E>("zkml/gamma");
  std::vector<std::vector<E>> zc_tables;
  zc_tables.push_back(eq_table<E>(tau));
  zc_tables.push_back(repeat(eq_table<E>(std::span<const E>(tau).subspan(kv)), size_t{1} << kv));
  zc_tables.push_back(lift(polys[2]));
  zc_tables.push_back(lift(polys[1]));
  zc_tables.push_back(lift(invalid_window_table(layer, cx.batch_vars)));
  const auto zc_terms = pool_zero_check_terms(gamma);
  auto zc = prove_sumcheck<E, E>(cx.transcript, std::move(zc_tables), zc_terms, E::zero());
  lp.zero_check = std::move(zc.proof);
  lp.zero_check_evals = {zc.table_evaluations[3], zc.table_evaluations[2]};
  cx.transcript.absorb_all("zkml/zero_check_evals", std::span<const E>(lp.zero_check_evals));
  cx.claim_block(l, 1, zc.point, lp.zero_check_evals);
}

// y(rho) = sum_k s_k + pad I_B(rho_b) P(rho_x) with s_k = sum_i x_k(rho_b, i) Sel_k(rho_x, i): the
// prover sends y(rho) and the shares s_k, then one sum-check per input ends in a claim on it.
void prove_rewire_layer(Context& cx, const ProverInputs& in, uint32_t l, LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  lp.kind = layer.kind;
  const auto rho = cx.transcript.challenges<E>("zkml/rho", cx.batch_vars + detail::shape_vars(layer.out));
  const std::span<const E> rho_b = std::span<const E>(rho).first(cx.batch_vars), rho_x = std::span<const E>(rho).subspan(cx.batch_vars);
  lp.output_eval = evaluate_multilinear<E, F>(in.tables.layer_polys[l][0], rho);
  const auto eq_out = eq_table<E>(rho_x);
  std::vector<std::vector<std::vector<E>>> tables;
  for (size_t k = 0; k < layer.inputs.size(); ++k) {
    const TensorShape shape = input_shape(cx.spec, layer, k);
    std::vector<std::vector<E>> t;
    t.push_back(bind_rows<F>(layer_input_table(cx, in, l, k), rho_b, padded_size(shape)));
    t.push_back(rewire_selection(cx.spec, layer, k, eq_out));
    lp.operand_evals.push_back(inner_product<E, E>(t[0], t[1]));
    tables.push_back(std::move(t));
  }
  cx.transcript.absorb("zkml/output_eval", lp.output_eval);
  cx.transcript.absorb_all("zkml/operand_evals", std::span<const E>(lp.operand_evals));
  cx.claim_table(l, 0, rho, lp.output_eval);
  const std::vector<SumcheckTerm<E>> terms{{E::one(), {0, 1}}};
  for (size_t k = 0; k < layer.inputs.size(); ++k) {
    auto sc = prove_sumcheck<E, E>(cx.transcript, std::move(tables[k]), terms, lp.operand_evals[k]);
    lp.input_sums.push_back(std::move(sc.proof));
    lp.input_evals.push_back(sc.table_evaluations[0]);
    cx.transcript.absorb("zkml/input_eval", sc.table_evaluations[0]);
    cx.claim_input(l, k, concat({rho_b, sc.point}), sc.table_evaluations[0]);
  }
}

// A table layer's lookup witness (plain and zero-knowledge): one group of columns ([c,] x, y,
// valid) over its grid, and the multiplicities of the table's rows.
struct TableLookupWitness {
  std::vector<F> x, valid, channel;
  std::vector<LookupColumns<F>> groups;
  std::span<const F> multiplicities;

  template <class Cx>
  TableLookupWitness(const Cx& cx, const ProverInputs& in, uint32_t l)
      : x(layer_input_table(cx, in, l)), valid(valid_mask(cx.spec.layers[l].out, cx.batch, cx.batch_vars)) {
    const Layer& layer = cx.spec.layers[l];
    const auto& polys = in.tables.layer_polys[l];  // y, multiplicities
    if (layer.table_channels > 1) channel = channel_column(layer.out, cx.batch, cx.batch_vars);
    LookupColumns<F> columns;
    if (!channel.empty()) columns.emplace_back(channel);
    columns.emplace_back(x);
    columns.emplace_back(polys[0]);
    columns.emplace_back(valid);
    groups.push_back(std::move(columns));
    multiplicities = std::span<const F>(polys[1]).first(detail::lookup_rows(layer));
  }
  TableLookupWitness(const TableLookupWitness&) = delete;
  TableLookupWitness& operator=(const TableLookupWitness&) = delete;
};

void prove_table_layer(Context& cx, const ProverInputs& in, uint32_t l, LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  lp.kind = layer.kind;
  const TableLookupWitness witness(cx, in, l);
  auto lookup = prove_lookup<F, E>(cx.transcript, table_statement(layer, cx.batch_vars), witness.groups, witness.multiplicities);
  const auto& w = lookup.claims.witness[0];
  const size_t first = witness.channel.empty() ? 0 : 1;
  cx.claim_input(l, 0, w.point, w.values[first]);
  cx.claim_table(l, 0, w.point, w.values[first + 1]);
  cx.claim_table(l, 1, lookup.claims.multiplicity_point, lookup.claims.multiplicity_value);
  lp.lookup = std::move(lookup.proof);
}

// sum_j weights[j] t(A, j, p) for every (A, p) of a softmax grid without its row variables (row
// position j, `after` entries p after it): weights = eq(rho_row, .) binds the row variables, all
// ones sums the rows.
template <class T>
std::vector<E> bind_row(std::span<const T> table, const detail::SoftmaxRows& rows, std::span<const E> weights) {
  const size_t span = weights.size() * rows.after;
  std::vector<E> out(table.size() / weights.size(), E::zero());
  for (size_t a = 0; a < table.size() / span; ++a)
    for (size_t j = 0; j < weights.size(); ++j)
      for (size_t p = 0; p < rows.after; ++p) out[a * rows.after + p] += weights[j] * table[a * span + j * rows.after + p];
  return out;
}

// The division identity 2 y s + r = 2 hi e + [j < L] s at rho, its product part as the claim
// sum_{x'} 2 eq(rho', x') s(x') y(x', rho_row) = 2 hi e(rho) + I_L(rho_row) s(rho') - r(rho)
// with s(rho') = 2^vars e(rho', 1/2, ..., 1/2).
E softmax_division_claim(const Layer& layer, std::span<const E> block, const E& in_row, const E& row_sum,
                         uint32_t limb_bits) {
  return E::from_i64(2 * layer.hi) * block[3] + in_row * row_sum - softmax_remainders(layer, block, limb_bits).first;
}

// The softmax values sent at rho (absorbed in this order) and their claims: the block at rho, m at
// rho', e and S at (rho', 1/2); the caller then claims or checks x(rho).
void claim_softmax_values(Context& cx, uint32_t l, const LayerProof& lp, std::span<const E> rho) {
  const Layer& layer = cx.spec.layers[l];
  const RowSplit split = row_split(layer, cx.batch_vars);
  const std::vector<E> rest = split.rest(rho), halves = split.with_halves(rest);
  cx.transcript.absorb_all("zkml/requant_evals", std::span<const E>(lp.requant_evals));
  cx.transcript.absorb("zkml/row_max_eval", lp.row_max_eval);
  cx.transcript.absorb("zkml/input_eval", lp.input_eval);
  cx.transcript.absorb_all("zkml/row_evals", std::span<const E>(lp.row_evals));
  cx.claim_block(l, 0, rho, lp.requant_evals);
  cx.claim_table(l, detail::polys_per_layer(layer, cx.layout.limb_bits), rest, lp.row_max_eval);
  cx.claim_table(l, 3, halves, lp.row_evals[0]);
  cx.claim_table(l, 2, halves, lp.row_evals[1]);
}

// The softmax zero-check's tables over the grid (softmax_zero_check_terms): eq(tau, .), S, D, y, 1 - V.
std::vector<std::vector<E>> softmax_zero_check_tables(std::span<const E> tau, std::span<const std::vector<F>> polys,
                                                      std::span<const F> valid) {
  std::vector<std::vector<E>> tables;
  tables.push_back(eq_table<E>(tau));
  for (uint32_t i : {2u, 1u, 0u}) tables.push_back(lift(polys[i]));
  std::vector<E> invalid(valid.size());
  for (size_t i = 0; i < valid.size(); ++i) invalid[i] = E::one() - E(valid[i]);
  tables.push_back(std::move(invalid));
  return tables;
}

// Softmax: the exp lookup of (D, e, valid); at rho the block's values, m(rho'), x(rho), and e, S
// at (rho', 1/2); the division product as a sum-check over the rows; the zero-check.
void prove_softmax_layer(Context& cx, const ProverInputs& in, uint32_t l, LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  lp.kind = layer.kind;
  const auto& polys = in.tables.layer_polys[l];  // y, D, S, e, r limbs, room limbs, m, multiplicities
  const uint32_t n = detail::polys_per_layer(layer, cx.layout.limb_bits);
  const detail::SoftmaxRows rows = detail::softmax_rows(layer);
  const RowSplit split = row_split(layer, cx.batch_vars);
  const std::vector<F> valid = valid_mask(layer.out, cx.batch, cx.batch_vars);
  {
    const std::vector<LookupColumns<F>> groups{{polys[1], polys[3], valid}};
    auto lookup = prove_lookup<F, E>(cx.transcript, table_statement(layer, cx.batch_vars), groups,
                                     std::span<const F>(polys[n + 1]).first(detail::lookup_rows(layer)));
    const auto& w = lookup.claims.witness[0];
    cx.claim_table(l, 1, w.point, w.values[0]);
    cx.claim_table(l, 3, w.point, w.values[1]);
    cx.claim_table(l, n + 1, lookup.claims.multiplicity_point, lookup.claims.multiplicity_value);
    lp.lookup = std::move(lookup.proof);
  }
  const auto rho = cx.transcript.challenges<E>("zkml/rho", cx.batch_vars + detail::shape_vars(layer.out));
  const std::vector<E> rest = split.rest(rho), halves = split.with_halves(rest);
  {
    const auto eq = eq_table<E>(rho);
    for (uint32_t i = 0; i < n; ++i) lp.requant_evals.push_back(inner_product<E, F>(eq, polys[i]));
  }
  lp.row_max_eval = evaluate_multilinear<E, F>(polys[n], rest);
  lp.input_eval = evaluate_multilinear<E, F>(layer_input_table(cx, in, l), rho);
  lp.row_evals = {evaluate_multilinear<E, F>(polys[3], halves), evaluate_multilinear<E, F>(polys[2], halves)};
  claim_softmax_values(cx, l, lp, rho);
  cx.claim_input(l, 0, rho, lp.input_eval);

  const E in_row = prefix_indicator<E>(rows.length, split.row(rho));
  const E row_sum = pow2(rows.vars) * lp.row_evals[0];
  std::vector<std::vector<E>> tables;
  tables.push_back(eq_table<E>(rest));
  tables.push_back(bind_row<F>(polys[3], rows, std::vector<E>(size_t{1} << rows.vars, E::one())));
  tables.push_back(bind_row<F>(polys[0], rows, eq_table<E>(split.row(rho))));
  const std::vector<SumcheckTerm<E>> terms{{E::from_i64(2), {0, 1, 2}}};
  auto product = prove_sumcheck<E, E>(cx.transcript, std::move(tables), terms,
                                      softmax_division_claim(layer, lp.requant_evals, in_row, row_sum, cx.layout.limb_bits));
  lp.channel_sum = std::move(product.proof);
  const std::vector<E> y_point = split.with_row(product.point, split.row(rho)), e_point = split.with_halves(product.point);
  lp.operand_evals = {product.table_evaluations[2], evaluate_multilinear<E, F>(polys[3], e_point)};
  cx.transcript.absorb_all("zkml/operand_evals", std::span<const E>(lp.operand_evals));
  cx.claim_table(l, 0, y_point, lp.operand_evals[0]);
  cx.claim_table(l, 3, e_point, lp.operand_evals[1]);

  const auto tau = cx.transcript.challenges<E>("zkml/tau", rho.size());
  const E gamma = cx.transcript.challenge<E>("zkml/gamma");
  auto zc = prove_sumcheck<E, E>(cx.transcript, softmax_zero_check_tables(tau, polys, valid),
                                 softmax_zero_check_terms(gamma), E::zero());
  lp.zero_check = std::move(zc.proof);
  {
    const auto eq = eq_table<E>(zc.point);
    for (uint32_t i = 0; i < n; ++i) lp.zero_check_evals.push_back(inner_product<E, F>(eq, polys[i]));
  }
  cx.transcript.absorb_all("zkml/zero_check_evals", std::span<const E>(lp.zero_check_evals));
  cx.claim_block(l, 0, zc.point, lp.zero_check_evals);
}

}  // namespace

namespace {

// The packed table is committed hiding when it holds private values (a private or hashed input, a
// private output): its opening then reveals no entry (pcs.hpp, "Hiding"). Everything else the
// proof sends (sum-check messages, evaluations at random points) is not masked yet.
bool hiding_table(const Visibilities& vis) { return vis.input_committed() || !vis.output_shown(); }

// The extras of a proof of `batch` examples with `forms` linear forms, and its range table's width.
detail::ProofExtras proof_extras(const VerifyingKey& vk, size_t forms, uint32_t batch) {
  detail::ProofExtras extras{vk.visibility.input_committed(), static_cast<uint32_t>(forms),
                             forms > 0 ? form_bits(vk.spec) : 0};
  extras.limb_bits = detail::range_limb_bits(vk.spec, batch, extras);
  return extras;
}

// Claims, over the last layer's grid x = (b, n) and the forms' grid (b, j):
//   S(rho, x) = sum_{b < B} eq(rho_b, b) [x_b = b] sum_{j < F} eq(rho_j, j) sum_t a_jt [x_n = pos(i_jt)]
//   c(rho)    = I_B(rho_b) sum_{j < F} eq(rho_j, j) c_j
// so that f(rho) = sum_x S(rho, x) y(x) + c(rho) for the form values f(b, j) = L_j(y_b) (zero on
// the padding of both grids). pos(i) is output i's index in the padded example grid.
struct ClaimsPoint {
  std::span<const E> b, j;
};
// Variables of the form values' grid (rows x F'): their table's in the layout.
uint32_t forms_grid_vars(const detail::ProofLayout& layout) {
  return layout.vars_of[layout.first[static_cast<size_t>(layout.forms_slot)]];
}
ClaimsPoint split_claims_point(std::span<const E> rho, uint32_t batch_vars) {
  return {rho.first(batch_vars), rho.subspan(batch_vars)};
}

std::vector<E> claims_selection_table(const ModelSpec& spec, std::span<const LinearForm> forms, uint32_t batch,
                                      const ClaimsPoint& rho) {
  const TensorShape& out = spec.layers.back().out;
  const size_t row = padded_size(out);
  const auto eq_b = eq_table<E>(rho.b), eq_j = eq_table<E>(rho.j);
  std::vector<E> example(row, E::zero());
  for (size_t j = 0; j < forms.size(); ++j)
    for (size_t t = 0; t < 2; ++t)
      if (forms[j].coeff[t] != 0)
        example[detail::padded_flat_index(out, forms[j].index[t])] += eq_j[j] * E::from_i64(forms[j].coeff[t]);
  std::vector<E> table(row << rho.b.size(), E::zero());
  for (size_t b = 0; b < batch; ++b)
    for (size_t n = 0; n < row; ++n) table[b * row + n] = eq_b[b] * example[n];
  return table;
}

// S(rho, zeta) = (sum_{b<B} eq(rho_b, b) eq(zeta_b, b)) sum_j eq(rho_j, j) sum_t a_jt eq(zeta_n, pos(i_jt)).
E claims_selection_eval(const ModelSpec& spec, std::span<const LinearForm> forms, uint32_t batch,
                        const ClaimsPoint& rho, std::span<const E> zeta, uint32_t batch_vars) {
  const TensorShape& out = spec.layers.back().out;
  const auto eq_rb = eq_table<E>(rho.b), eq_zb = eq_table<E>(zeta.first(batch_vars));
  const auto eq_j = eq_table<E>(rho.j), eq_n = eq_table<E>(zeta.subspan(batch_vars));
  E rows = E::zero();
  for (size_t b = 0; b < batch; ++b) rows += eq_rb[b] * eq_zb[b];
  E sum = E::zero();
  for (size_t j = 0; j < forms.size(); ++j)
    for (size_t t = 0; t < 2; ++t)
      if (forms[j].coeff[t] != 0)
        sum += eq_j[j] * E::from_i64(forms[j].coeff[t]) * eq_n[detail::padded_flat_index(out, forms[j].index[t])];
  return rows * sum;
}

E claims_constant(std::span<const LinearForm> forms, uint32_t batch, const ClaimsPoint& rho) {
  const auto eq_j = eq_table<E>(rho.j);
  E sum = E::zero();
  for (size_t j = 0; j < forms.size(); ++j) sum += eq_j[j] * E::from_i64(forms[j].constant);
  return prefix_indicator<E>(batch, rho.b) * sum;
}

// The prover's claims step: the form limbs at rho, then the sum-check of f(rho) - c(rho) against
// S(rho, .) and the last layer's y, ending in a claim on y.
void prove_claims(Context& cx, const ProverTables& tables, std::span<const LinearForm> forms, Proof& proof) {
  const auto slot = static_cast<uint32_t>(cx.layout.forms_slot);
  const auto rho = cx.transcript.challenges<E>("zkml/claims_rho", forms_grid_vars(cx.layout));
  const ClaimsPoint point = split_claims_point(rho, cx.batch_vars);
  {
    const auto eq = eq_table<E>(rho);
    for (const auto& limb : tables.layer_polys[slot]) proof.form_evals.push_back(inner_product<E, F>(eq, limb));
  }
  cx.transcript.absorb_all("zkml/form_evals", std::span<const E>(proof.form_evals));
  cx.claim_block(slot, 0, rho, proof.form_evals);
  const E claim = recombine(proof.form_evals, cx.layout.limb_bits) - claims_constant(forms, cx.batch, point);
  const auto last = static_cast<uint32_t>(cx.spec.layers.size() - 1);
  std::vector<std::vector<E>> sc_tables;
  sc_tables.push_back(lift(tables.layer_polys[last][0]));
  sc_tables.push_back(claims_selection_table(cx.spec, forms, cx.batch, point));
  const std::vector<SumcheckTerm<E>> terms{{E::one(), {0, 1}}};
  auto sc = prove_sumcheck<E, E>(cx.transcript, std::move(sc_tables), terms, claim);
  proof.claims_sum = std::move(sc.proof);
  proof.claims_output_eval = sc.table_evaluations[0];
  cx.transcript.absorb("zkml/claims_output_eval", proof.claims_output_eval);
  cx.claim_table(last, 0, sc.point, proof.claims_output_eval);
}

// A hashed input's two commitments hold the same table: at a random point z (drawn after the
// statement) the prover sends x(z), claimed on both (the packed table's input block and the input
// commitment, index `input_commitment`). Distinct multilinear tables agree at z with probability
// <= vars / |E|.
std::vector<E> input_link_point(Transcript& t, const ModelSpec& spec, uint32_t batch_vars) {
  return t.challenges<E>("zkml/input_link_point", batch_vars + detail::shape_vars(spec.input));
}
void claim_input_link(Context& cx, uint32_t input_commitment, std::span<const E> z, const E& value) {
  cx.transcript.absorb("zkml/input_link", value);
  cx.claim_table(static_cast<uint32_t>(cx.layout.input_slot), 0, z, value);
  cx.claims.push_back({{input_commitment, 0}, std::vector<E>(z.begin(), z.end()), value});
}

// A hashed input's own commitment, recomputable by anyone holding the input: plain for a plain
// key; for a zero-knowledge key hiding, its masks and salts drawn from the Keccak-256 of the key's
// digest, the batch and the input (so it hides the input as far as the input cannot be guessed, as
// any hash of it does), sized for as many openings as the key was set up for proofs.
Result<pcs::CommittedPolynomials> commit_padded_input(const VerifyingKey& vk, uint32_t batch,
                                                      std::span<const int64_t> input) {
  const std::vector<F> table = pad_tensor(input, batch, log2_padded(batch), vk.spec.input);
  const std::span<const F> span(table);
  pcs::Params params = vk.params;
  params.hiding = vk.spec.zero_knowledge;
  params.hiding_openings = vk.proofs;
  pcs::Seed seed{};
  if (params.hiding) {
    ByteWriter w;
    w.u64(0x7a6b2d696e707574);  // "zk-input": the seed's domain
    w.raw(vk.digest());
    w.u32(batch);
    for (int64_t v : input) w.u64(static_cast<uint64_t>(v));
    seed = keccak256(w.bytes());
  }
  auto c = pcs::commit(std::span<const std::span<const F>>(&span, 1), params, seed);
  if (!c) return fail("zkml: input commitment: " + c.error());
  return c;
}

}  // namespace

Result<pcs::Commitment> commit_input(const VerifyingKey& vk, uint32_t batch, std::span<const int64_t> input) {
  if (batch == 0 || batch > kMaxBatch || input.size() != size_t{batch} * vk.spec.input_features())
    return fail("zkml: the input is not a batch of rows of " + std::to_string(vk.spec.input_features()) + " values");
  if (log2_padded(batch) + detail::shape_vars(vk.spec.input) > pcs::kMaxVars) return fail("zkml: batch too large to commit");
  auto c = commit_padded_input(vk, batch, input);
  if (!c) return fail(c.error());
  return c->commitment();
}

Result<Proof> prove(const ProvingKey& pk, uint32_t batch, std::span<const int64_t> input, const ProverHooks* hooks) {
  return prove(pk, batch, input, {}, hooks);
}

Result<Proof> prove(const ProvingKey& pk, uint32_t batch, std::span<const int64_t> input,
                    std::span<const std::string> claims, const ProverHooks* hooks) {
  const ModelSpec& spec = pk.vk.spec;
  const Visibilities& vis = pk.vk.visibility;
  Proof proof;
  proof.batch = batch;
  for (const auto& text : claims) {
    auto canonical = canonical_claim(text);
    if (!canonical) return fail(canonical.error());
    proof.claims.push_back(std::move(*canonical));
  }
  std::vector<uint32_t> claim_of;
  auto forms = compile_claims(spec, proof.claims, &claim_of);
  if (!forms) return fail(forms.error());
  proof.forms = std::move(*forms);
  auto witness = compute_witness(pk, batch, input);
  if (!witness) return fail(witness.error());
  if (hooks && hooks->on_witness) hooks->on_witness(*witness);
  const uint32_t batch_vars = batch_vars_of(pk.vk, batch);
  const std::vector<int64_t> form_vals = form_values(spec, proof.forms, batch, batch_vars, outputs_of(spec, *witness));
  if (!(hooks && hooks->prove_false_claims)) {
    const size_t row = size_t{1} << detail::form_vars(spec, batch_vars, proof.forms.size());
    for (size_t b = 0; b < batch; ++b)
      for (size_t j = 0; j < proof.forms.size(); ++j)
        if (form_vals[b * row + j] < 0)
          return fail(std::string(kClaimRefused) + "'" + proof.claims[claim_of[j]] + "' is false for example " +
                      std::to_string(b));
  }
  const detail::ProofExtras extras = proof_extras(pk.vk, proof.forms.size(), batch);
  ProverTables tables = derive_tables(spec, *witness, extras, form_vals);
  if (hooks && hooks->on_tables) hooks->on_tables(tables);
  if (spec.zero_knowledge) return prove_private(pk, batch, input, std::move(proof), *witness, tables, extras);

  const auto layout = detail::proof_layout(spec, batch, extras);
  if (layout.num_vars > pcs::kMaxVars) return fail("zkml: batch too large to commit");
  std::vector<pcs::CommittedPolynomials> committed;
  if (vis.input_shown()) proof.input.assign(input.begin(), input.end());
  if (vis.output_shown()) proof.output = tables.output;
  {
    const std::vector<F> packed = pack_tables(layout, tables);
    const std::span<const F> packed_span(packed);
    pcs::Params params = pk.vk.params;
    params.hiding = hiding_table(vis);
    auto c = pcs::commit(std::span<const std::span<const F>>(&packed_span, 1), params);
    if (!c) return fail("zkml: commitment: " + c.error());
    proof.commitments.push_back(c->commitment());
    committed.push_back(std::move(*c));
  }
  if (vis.input == Visibility::hashed) {
    auto c = commit_padded_input(pk.vk, batch, input);
    if (!c) return fail(c.error());
    proof.commitments.push_back(c->commitment());
    committed.push_back(std::move(*c));
  }

  Transcript transcript(kTranscriptLabel);
  absorb_statement(transcript, pk.vk, proof);
  const auto weight_layout = detail::weight_layout(spec);
  Context cx{transcript, spec, batch, detail::row_vars(spec, batch, extras.input), layout, weight_layout,
             static_cast<uint32_t>(pk.committed.size()), vis.weights_shown(), {}, {}};
  if (vis.input == Visibility::hashed) {
    const auto z = input_link_point(transcript, spec, cx.batch_vars);
    proof.input_link = evaluate_multilinear<E, F>(to_field(witness->input), z);
    claim_input_link(cx, cx.proof_offset + 1, z, proof.input_link);
  }

  // Range checks.
  if (layout.range_checked) {
    const auto statement = lookup_statement(spec, layout, extras);
    const auto group_values = range_group_values(spec, extras, tables);
    std::vector<LookupColumns<F>> groups;
    for (const auto& v : group_values) groups.push_back({std::span<const F>(v)});
    auto lookup = prove_lookup<F, E>(transcript, statement, groups, tables.multiplicities);
    const auto range_groups = detail::range_groups(spec, extras);
    for (size_t g = 0; g < range_groups.size(); ++g) {
      const auto& group = range_groups[g];
      const auto& point = lookup.claims.witness[g].point;
      const std::span<const E> z = std::span<const E>(point).subspan(log2_padded(group.columns.size()));
      const auto& block = layout.blocks[group.layer][group.block];
      const auto eq = eq_table<E>(z);
      std::vector<E> values;
      for (uint32_t t = 0; t < block.count; ++t)
        values.push_back(inner_product<E, F>(eq, tables.layer_polys[group.layer][block.first - layout.first[group.layer] + t]));
      transcript.absorb_all("zkml/range_evals", std::span<const E>(values));
      cx.claim_block(group.layer, group.block, z, values);
      proof.range_evals.push_back(std::move(values));
    }
    cx.claims.push_back({{cx.proof_offset, 0}, layout.point(layout.multiplicities, lookup.claims.multiplicity_point),
                         lookup.claims.multiplicity_value});
    proof.lookup = std::move(lookup.proof);
  }

  const ProverInputs inputs{pk, *witness, tables};
  for (uint32_t l = 0; l < spec.layers.size(); ++l) {
    LayerProof lp;
    if (spec.layers[l].requantizes())
      prove_requant_layer(cx, inputs, l, lp);
    else if (spec.layers[l].kind == LayerKind::max_pool)
      prove_max_pool_layer(cx, inputs, l, lp);
    else if (spec.layers[l].kind == LayerKind::rewire)
      prove_rewire_layer(cx, inputs, l, lp);
    else if (spec.layers[l].kind == LayerKind::softmax)
      prove_softmax_layer(cx, inputs, l, lp);
    else
      prove_table_layer(cx, inputs, l, lp);
    proof.layers.push_back(std::move(lp));
  }
  if (!proof.forms.empty()) prove_claims(cx, tables, proof.forms, proof);

  std::vector<const pcs::CommittedPolynomials*> all;
  for (const auto& c : pk.committed) all.push_back(&c);
  for (const auto& c : committed) all.push_back(&c);
  auto opening = pcs::open(pk.vk.params, all, cx.claims, transcript);
  if (!opening) return fail("zkml: opening: " + opening.error());
  proof.opening = opening->serialize();
  return proof;
}

// ---- Verifier ----------------------------------------------------------------------------------

namespace {

struct VerifierInputs {
  const Proof& proof;
  std::vector<F> input_table;   // the public input on its padded grid (empty when private)
  std::vector<F> output_table;  // the public outputs on the last layer's padded grid (empty when private)

  // Layer l's y at `point` against the public outputs (nothing to check for a private output,
  // which stays committed, or for any other layer).
  Status check_output(const ModelSpec& spec, uint32_t l, std::span<const E> point, const E& value,
                      const std::string& where) const {
    if (l + 1 != spec.layers.size() || output_table.empty()) return {};
    if (evaluate_multilinear<E, F>(output_table, point) != value)
      return fail(where + "the outputs do not match the committed output layer");
    return {};
  }
};

// Input i of layer l read at `point`: the public input is evaluated here, any other input
// becomes a claim on the layer that produced it or on the committed model input.
Status check_input(Context& cx, const VerifierInputs& vi, uint32_t l, std::span<const E> point, const E& value,
                   const std::string& where, size_t i = 0) {
  if (cx.spec.layers[l].inputs[i] >= 0 || vi.input_table.empty()) {
    cx.claim_input(l, i, point, value);
    return {};
  }
  if (evaluate_multilinear<E, F>(vi.input_table, point) != value)
    return fail(where + "the input evaluation does not match the public input");
  return {};
}

// The verifier's side of prove_linear.
Status verify_linear(Context& cx, const VerifierInputs& vi, uint32_t l, const LayerProof& lp, const GridPoint& g,
                     E claim, const std::string& where) {
  const Layer& layer = cx.spec.layers[l];
  if (layer.has_weights()) {
    cx.transcript.absorb("zkml/bias_eval", lp.bias_eval);
    cx.claim_bias(l, g.c, lp.bias_eval);
    claim -= bias_indicator(g, cx.batch, layer.out) * lp.bias_eval;
  }
  std::vector<E> input_point;
  if (layer.kind == LayerKind::dense) {
    auto mm = verify_sumcheck<E>(cx.transcript, detail::shape_vars(layer.in), 2, claim, lp.channel_sum);
    if (!mm) return fail(where + "matrix-vector " + mm.error());
    const E evals[2] = {lp.input_eval, lp.weight_eval};
    cx.transcript.absorb_all("zkml/matmul_evals", std::span<const E>(evals));
    if (lp.input_eval * lp.weight_eval != mm->value) return fail(where + "matrix-vector sum-check: final evaluation mismatch");
    cx.claim_weight(l, concat({mm->point, g.c}), lp.weight_eval);
    input_point = concat({g.b, mm->point});
  } else {
    std::vector<E> channel_point;
    E wiring = E::zero();
    const uint32_t in_spatial = detail::spatial_vars(layer.in);
    if (layer.kind == LayerKind::conv) {
      const uint32_t gv = detail::group_vars(layer), cv = log2_padded(layer.in.c);
      auto cs = verify_sumcheck<E>(cx.transcript, cv + detail::kernel_vars(layer), gv > 0 ? 3 : 2, claim, lp.channel_sum);
      if (!cs) return fail(where + "convolution channel " + cs.error());
      const E evals[2] = {lp.gathered_eval, lp.weight_eval};
      cx.transcript.absorb_all("zkml/conv_evals", std::span<const E>(evals));
      const std::span<const E> zeta(cs->point);
      E expected = lp.gathered_eval * lp.weight_eval;
      if (gv > 0) expected *= eq_eval<E>(g.c.first(gv), zeta.first(gv));
      if (expected != cs->value) return fail(where + "convolution channel sum-check: final evaluation mismatch");
      cx.claim_weight(l, concat({zeta.first(gv), g.c.subspan(gv), zeta.subspan(gv)}), lp.weight_eval);
      channel_point.assign(zeta.begin(), zeta.begin() + cv);
      auto ss = verify_sumcheck<E>(cx.transcript, in_spatial, 2, lp.gathered_eval, lp.spatial_sum);
      if (!ss) return fail(where + "convolution spatial " + ss.error());
      wiring = detail::wiring_eval(detail::axis_h(layer), detail::axis_w(layer), g.p, split_kernel(zeta.subspan(cv), layer),
                                   detail::split_spatial(ss->point, log2_padded(layer.in.h)));
      cx.transcript.absorb("zkml/input_eval", lp.input_eval);
      if (lp.input_eval * wiring != ss->value) return fail(where + "convolution spatial sum-check: final evaluation mismatch");
      input_point = concat({g.b, channel_point, ss->point});
    } else {
      channel_point.assign(g.c.begin(), g.c.end());
      auto ss = verify_sumcheck<E>(cx.transcript, in_spatial, 2, claim, lp.spatial_sum);
      if (!ss) return fail(where + "pooling " + ss.error());
      wiring = detail::pooling_wiring_eval(detail::axis_h(layer), detail::axis_w(layer), layer.multipliers, g.p,
                                           detail::split_spatial(ss->point, log2_padded(layer.in.h)));
      cx.transcript.absorb("zkml/input_eval", lp.input_eval);
      if (lp.input_eval * wiring != ss->value) return fail(where + "pooling sum-check: final evaluation mismatch");
      input_point = concat({g.b, channel_point, ss->point});
    }
  }
  ZK_TRY(check_input(cx, vi, l, input_point, lp.input_eval, where));
  return {};
}

// The verifier's side of prove_elementwise.
Status verify_elementwise(Context& cx, const VerifierInputs& vi, uint32_t l, const LayerProof& lp,
                          std::span<const E> rho, E claim, const std::string& where) {
  const Layer& layer = cx.spec.layers[l];
  const std::span<const E> example_point = rho.subspan(cx.batch_vars);
  if (layer.constant_term) {
    cx.transcript.absorb("zkml/bias_eval", lp.bias_eval);
    cx.claim_bias(l, example_point, lp.bias_eval);
    claim -= prefix_indicator<E>(cx.batch, rho.first(cx.batch_vars)) * lp.bias_eval;
  }
  if (layer.kind == LayerKind::add) {
    if (lp.operand_evals.size() != layer.inputs.size()) return fail(where + "wrong number of evaluations");
    cx.transcript.absorb_all("zkml/operand_evals", std::span<const E>(lp.operand_evals));
    E expected = E::zero();
    for (size_t i = 0; i < layer.inputs.size(); ++i) {
      ZK_TRY(check_input(cx, vi, l, rho, lp.operand_evals[i], where, i));
      expected += E::from_i64(layer.multipliers[i]) * lp.operand_evals[i];
    }
    if (expected != claim) return fail(where + "add: the accumulator does not match the inputs");
    return {};
  }
  if (lp.operand_evals.size() != 2) return fail(where + "wrong number of evaluations");
  auto product = verify_sumcheck<E>(cx.transcript, rho.size(), 3, claim, lp.channel_sum);
  if (!product) return fail(where + "product " + product.error());
  cx.transcript.absorb_all("zkml/operand_evals", std::span<const E>(lp.operand_evals));
  const E coefficient = layer.constant_factor ? E::one() : E::from_i64(layer.multipliers[0]);
  if (eq_eval<E>(rho, product->point) * coefficient * lp.operand_evals[0] * lp.operand_evals[1] != product->value)
    return fail(where + "product sum-check: final evaluation mismatch");
  ZK_TRY(check_input(cx, vi, l, product->point, lp.operand_evals[0], where, 0));
  if (layer.constant_factor)
    cx.claim_weight(l, std::span<const E>(product->point).subspan(cx.batch_vars), lp.operand_evals[1]);
  else
    ZK_TRY(check_input(cx, vi, l, product->point, lp.operand_evals[1], where, 1));
  return {};
}

Status verify_requant_layer(Context& cx, const VerifierInputs& vi, uint32_t l, const LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  const std::string where = "layer " + std::to_string(l) + " (" + layer.name + "): ";
  if (lp.requant_evals.size() != detail::polys_per_layer(layer, cx.layout.limb_bits) || lp.zero_check_evals.size() != detail::polys_per_layer(layer, cx.layout.limb_bits))
    return fail(where + "wrong number of evaluations");
  const auto rho = cx.transcript.challenges<E>("zkml/rho", cx.batch_vars + detail::shape_vars(layer.out));
  const GridPoint g = split_grid(rho, cx.batch_vars, layer.out);
  cx.transcript.absorb_all("zkml/requant_evals", std::span<const E>(lp.requant_evals));
  cx.claim_block(l, 0, rho, lp.requant_evals);
  ZK_TRY(vi.check_output(cx.spec, l, rho, lp.requant_evals[0], where));
  const E claim = accumulator_from_requant(layer, lp.requant_evals, cx.layout.limb_bits);
  if (layer.kind == LayerKind::add || layer.kind == LayerKind::mul)
    ZK_TRY(verify_elementwise(cx, vi, l, lp, rho, claim, where));
  else
    ZK_TRY(verify_linear(cx, vi, l, lp, g, claim, where));

  const auto tau = cx.transcript.challenges<E>("zkml/tau", rho.size());
  const E gamma = cx.transcript.challenge<E>("zkml/gamma");
  auto zc = verify_sumcheck<E>(cx.transcript, rho.size(), 3, E::zero(), lp.zero_check);
  if (!zc) return fail(where + "zero-check " + zc.error());
  cx.transcript.absorb_all("zkml/zero_check_evals", std::span<const E>(lp.zero_check_evals));
  std::vector<E> evals{eq_eval<E>(tau, zc->point)};
  for (uint32_t i : zero_check_tables(layer, cx.layout.limb_bits)) evals.push_back(lp.zero_check_evals[i]);
  const auto terms = zero_check_terms(layer, gamma, cx.layout.limb_bits);
  if (!check_final_evaluation<E>(*zc, terms, evals))
    return fail(where + "zero-check: final evaluation mismatch (a clamp slack is nonzero off the bound)");
  cx.claim_block(l, 0, zc->point, lp.zero_check_evals);
  return {};
}

Status verify_max_pool_layer(Context& cx, const VerifierInputs& vi, uint32_t l, const LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  const std::string where = "layer " + std::to_string(l) + " (" + layer.name + "): ";
  const uint32_t kv = detail::kernel_vars(layer), xv = cx.batch_vars + detail::shape_vars(layer.out);
  if (lp.pick_evals.size() != (size_t{1} << kv) || lp.zero_check_evals.size() != 2)
    return fail(where + "wrong number of evaluations");
  const auto rho = cx.transcript.challenges<E>("zkml/rho", kv + xv);
  const std::span<const E> rho_k(rho.data(), kv), rho_x(rho.data() + kv, xv);
  const GridPoint g = split_grid(rho_x, cx.batch_vars, layer.out);
  const auto k_point = split_kernel(rho_k, layer);
  cx.transcript.absorb("zkml/gap_eval", lp.gap_eval);
  cx.transcript.absorb_all("zkml/pick_evals", std::span<const E>(lp.pick_evals));
  E picks = E::zero();
  for (const E& v : lp.pick_evals) picks += v;
  if (picks != valid_indicator(g, cx.batch, layer.out))
    return fail(where + "max-pool: the picks do not sum to one per output");
  cx.claim_table(l, 1, rho, lp.gap_eval);
  cx.claim_picks(l, rho_x, lp.pick_evals);
  cx.transcript.absorb("zkml/output_sum", lp.output_sum);
  auto os = verify_sumcheck<E>(cx.transcript, detail::spatial_vars(layer.out), 2, lp.output_sum, lp.output_check);
  if (!os) return fail(where + "max-pool output " + os.error());
  cx.transcript.absorb("zkml/output_eval", lp.output_eval);
  const auto zeta_p = detail::split_spatial(os->point, log2_padded(layer.out.h));
  if (lp.output_eval * detail::weighted_validity_eval(detail::axis_h(layer), detail::axis_w(layer), g.p, k_point, zeta_p) !=
      os->value)
    return fail(where + "max-pool output sum-check: final evaluation mismatch");
  const auto y_point = concat({g.b, g.c, os->point});
  cx.claim_table(l, 0, y_point, lp.output_eval);
  ZK_TRY(vi.check_output(cx.spec, l, y_point, lp.output_eval, where));
  auto ss = verify_sumcheck<E>(cx.transcript, detail::spatial_vars(layer.in), 2, lp.output_sum - lp.gap_eval, lp.spatial_sum);
  if (!ss) return fail(where + "max-pool window " + ss.error());
  cx.transcript.absorb("zkml/input_eval", lp.input_eval);
  const E wiring = detail::wiring_eval(detail::axis_h(layer), detail::axis_w(layer), g.p, k_point,
                                       detail::split_spatial(ss->point, log2_padded(layer.in.h)));
  if (lp.input_eval * wiring != ss->value) return fail(where + "max-pool window sum-check: final evaluation mismatch");
  ZK_TRY(check_input(cx, vi, l, concat({g.b, g.c, ss->point}), lp.input_eval, where));

  const auto tau = cx.transcript.challenges<E>("zkml/tau", kv + xv);
  const E gamma = cx.transcript.challenge<E>("zkml/gamma");
  auto zc = verify_sumcheck<E>(cx.transcript, kv + xv, 3, E::zero(), lp.zero_check);
  if (!zc) return fail(where + "zero-check " + zc.error());
  cx.transcript.absorb_all("zkml/zero_check_evals", std::span<const E>(lp.zero_check_evals));
  const std::span<const E> zeta(zc->point);
  const GridPoint zg = split_grid(zeta.subspan(kv), cx.batch_vars, layer.out);
  const E valid = detail::validity_eval(detail::axis_h(layer), detail::axis_w(layer), split_kernel(zeta.first(kv), layer), zg.p);
  const E evals[5] = {eq_eval<E>(tau, zeta), eq_eval<E>(std::span<const E>(tau).subspan(kv), zeta.subspan(kv)),
                      lp.zero_check_evals[1], lp.zero_check_evals[0], E::one() - valid};
  if (!check_final_evaluation<E>(*zc, pool_zero_check_terms(gamma), evals))
    return fail(where + "max-pool zero-check: final evaluation mismatch (a pick is not 0/1, off the window, or not at a maximum)");
  cx.claim_block(l, 1, zeta, lp.zero_check_evals);
  return {};
}

Status verify_rewire_layer(Context& cx, const VerifierInputs& vi, uint32_t l, const LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  const std::string where = "layer " + std::to_string(l) + " (" + layer.name + "): ";
  const size_t inputs = layer.inputs.size();
  if (lp.operand_evals.size() != inputs || lp.input_sums.size() != inputs || lp.input_evals.size() != inputs)
    return fail(where + "wrong number of evaluations");
  const auto rho = cx.transcript.challenges<E>("zkml/rho", cx.batch_vars + detail::shape_vars(layer.out));
  const std::span<const E> rho_b = std::span<const E>(rho).first(cx.batch_vars), rho_x = std::span<const E>(rho).subspan(cx.batch_vars);
  cx.transcript.absorb("zkml/output_eval", lp.output_eval);
  cx.transcript.absorb_all("zkml/operand_evals", std::span<const E>(lp.operand_evals));
  cx.claim_table(l, 0, rho, lp.output_eval);
  ZK_TRY(vi.check_output(cx.spec, l, rho, lp.output_eval, where));
  const auto eq_out = eq_table<E>(rho_x);
  E expected = E::from_i64(layer.pad_value) * prefix_indicator<E>(cx.batch, rho_b) * pad_selection(layer, eq_out);
  for (const E& share : lp.operand_evals) expected += share;
  if (expected != lp.output_eval) return fail(where + "rewiring: the output is not the sum of the inputs' shares");
  for (size_t k = 0; k < inputs; ++k) {
    const TensorShape shape = input_shape(cx.spec, layer, k);
    auto sc = verify_sumcheck<E>(cx.transcript, detail::shape_vars(shape), 2, lp.operand_evals[k], lp.input_sums[k]);
    if (!sc) return fail(where + "rewiring " + sc.error());
    cx.transcript.absorb("zkml/input_eval", lp.input_evals[k]);
    const auto selection = rewire_selection(cx.spec, layer, k, eq_out);
    if (lp.input_evals[k] * evaluate_multilinear<E, E>(selection, sc->point) != sc->value)
      return fail(where + "rewiring sum-check: final evaluation mismatch");
    ZK_TRY(check_input(cx, vi, l, concat({rho_b, sc->point}), lp.input_evals[k], where, k));
  }
  return {};
}

Status verify_table_layer(Context& cx, const VerifierInputs& vi, uint32_t l, const LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  const std::string where = "layer " + std::to_string(l) + " (" + layer.name + "): ";
  auto lookup = verify_lookup<F, E>(cx.transcript, table_statement(layer, cx.batch_vars), lp.lookup);
  if (!lookup) return fail(where + "table " + lookup.error());
  const auto& w = lookup->witness[0];
  const GridPoint g = split_grid(w.point, cx.batch_vars, layer.out);
  const size_t first = layer.table_channels > 1 ? 1 : 0;
  if (first == 1 && w.values[0] != channel_eval(g, cx.batch, layer.out))
    return fail(where + "table lookup: the channel column is not the grid's");
  if (w.values[first + 2] != valid_indicator(g, cx.batch, layer.out))
    return fail(where + "table lookup: the validity column is not the grid's");
  ZK_TRY(check_input(cx, vi, l, w.point, w.values[first], where));
  cx.claim_table(l, 0, w.point, w.values[first + 1]);
  ZK_TRY(vi.check_output(cx.spec, l, w.point, w.values[first + 1], where));
  cx.claim_table(l, 1, lookup->multiplicity_point, lookup->multiplicity_value);
  return {};
}

// The verifier's side of prove_softmax_layer.
Status verify_softmax_layer(Context& cx, const VerifierInputs& vi, uint32_t l, const LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  const std::string where = "layer " + std::to_string(l) + " (" + layer.name + "): ";
  const uint32_t n = detail::polys_per_layer(layer, cx.layout.limb_bits);
  if (lp.requant_evals.size() != n || lp.zero_check_evals.size() != n || lp.row_evals.size() != 2 ||
      lp.operand_evals.size() != 2)
    return fail(where + "wrong number of evaluations");
  const detail::SoftmaxRows rows = detail::softmax_rows(layer);
  const RowSplit split = row_split(layer, cx.batch_vars);
  auto lookup = verify_lookup<F, E>(cx.transcript, table_statement(layer, cx.batch_vars), lp.lookup);
  if (!lookup) return fail(where + "softmax exp table " + lookup.error());
  {
    const auto& w = lookup->witness[0];
    if (w.values[2] != valid_indicator(split_grid(w.point, cx.batch_vars, layer.out), cx.batch, layer.out))
      return fail(where + "softmax exp lookup: the validity column is not the grid's");
    cx.claim_table(l, 1, w.point, w.values[0]);
    cx.claim_table(l, 3, w.point, w.values[1]);
    cx.claim_table(l, n + 1, lookup->multiplicity_point, lookup->multiplicity_value);
  }
  const auto rho = cx.transcript.challenges<E>("zkml/rho", cx.batch_vars + detail::shape_vars(layer.out));
  const std::vector<E> rest = split.rest(rho);
  claim_softmax_values(cx, l, lp, rho);
  ZK_TRY(check_input(cx, vi, l, rho, lp.input_eval, where));
  if (l + 1 == cx.spec.layers.size() && evaluate_multilinear<E, F>(vi.output_table, rho) != lp.requant_evals[0])
    return fail(where + "the outputs do not match the committed output layer");

  // D = [j < L] m - x; sum_j S = 1 on every row of the grid; room + r + 1 = 2 s on the grid.
  const E in_row = prefix_indicator<E>(rows.length, split.row(rho));
  const E scale = pow2(rows.vars);
  if (lp.requant_evals[1] != in_row * lp.row_max_eval - lp.input_eval)
    return fail(where + "softmax: the gaps do not match the row maximum");
  const std::vector<E> row_zero = split.with_row(rest, std::vector<E>(rows.vars, E::zero()));
  if (scale * lp.row_evals[1] != valid_indicator(split_grid(row_zero, cx.batch_vars, layer.out), cx.batch, layer.out))
    return fail(where + "softmax: the picks do not sum to one per row");
  const E row_sum = scale * lp.row_evals[0];
  const auto [r, room] = softmax_remainders(layer, lp.requant_evals, cx.layout.limb_bits);
  const E valid = valid_indicator(split_grid(rho, cx.batch_vars, layer.out), cx.batch, layer.out);
  if (room + r + valid != E::from_i64(2) * in_row * row_sum)
    return fail(where + "softmax: the remainder bounds do not match the row sums");

  auto product = verify_sumcheck<E>(cx.transcript, static_cast<uint32_t>(rest.size()), 3,
                                    softmax_division_claim(layer, lp.requant_evals, in_row, row_sum, cx.layout.limb_bits), lp.channel_sum);
  if (!product) return fail(where + "softmax division " + product.error());
  cx.transcript.absorb_all("zkml/operand_evals", std::span<const E>(lp.operand_evals));
  if (E::from_i64(2) * eq_eval<E>(rest, product->point) * scale * lp.operand_evals[1] * lp.operand_evals[0] !=
      product->value)
    return fail(where + "softmax division sum-check: final evaluation mismatch");
  cx.claim_table(l, 0, split.with_row(product->point, split.row(rho)), lp.operand_evals[0]);
  cx.claim_table(l, 3, split.with_halves(product->point), lp.operand_evals[1]);

  const auto tau = cx.transcript.challenges<E>("zkml/tau", rho.size());
  const E gamma = cx.transcript.challenge<E>("zkml/gamma");
  auto zc = verify_sumcheck<E>(cx.transcript, static_cast<uint32_t>(rho.size()), 3, E::zero(), lp.zero_check);
  if (!zc) return fail(where + "zero-check " + zc.error());
  cx.transcript.absorb_all("zkml/zero_check_evals", std::span<const E>(lp.zero_check_evals));
  const E evals[5] = {eq_eval<E>(tau, zc->point), lp.zero_check_evals[2], lp.zero_check_evals[1], lp.zero_check_evals[0],
                      E::one() - valid_indicator(split_grid(zc->point, cx.batch_vars, layer.out), cx.batch, layer.out)};
  if (!check_final_evaluation<E>(*zc, softmax_zero_check_terms(gamma), evals))
    return fail(where + "softmax zero-check: final evaluation mismatch (a pick is not 0/1, off the grid or not at a "
                        "maximum, or an output is nonzero off the grid)");
  cx.claim_block(l, 0, zc->point, lp.zero_check_evals);
  return {};
}

// The verifier's side of prove_claims.
Status verify_claims(Context& cx, const Proof& proof) {
  const auto slot = static_cast<uint32_t>(cx.layout.forms_slot);
  if (proof.form_evals.size() != cx.layout.blocks[slot][0].count) return fail("claims: wrong number of evaluations");
  const auto rho = cx.transcript.challenges<E>("zkml/claims_rho", forms_grid_vars(cx.layout));
  const ClaimsPoint point = split_claims_point(rho, cx.batch_vars);
  cx.transcript.absorb_all("zkml/form_evals", std::span<const E>(proof.form_evals));
  cx.claim_block(slot, 0, rho, proof.form_evals);
  const E claim = recombine(proof.form_evals, cx.layout.limb_bits) - claims_constant(proof.forms, cx.batch, point);
  const auto last = static_cast<uint32_t>(cx.spec.layers.size() - 1);
  const uint32_t vars = cx.batch_vars + detail::shape_vars(cx.spec.layers[last].out);
  auto sc = verify_sumcheck<E>(cx.transcript, vars, 2, claim, proof.claims_sum);
  if (!sc) return fail("claims: " + sc.error());
  cx.transcript.absorb("zkml/claims_output_eval", proof.claims_output_eval);
  if (proof.claims_output_eval * claims_selection_eval(cx.spec, proof.forms, cx.batch, point, sc->point, cx.batch_vars) !=
      sc->value)
    return fail("claims: sum-check: final evaluation mismatch (the form values are not the claims' forms of the outputs)");
  cx.claim_table(last, 0, sc->point, proof.claims_output_eval);
  return {};
}

// The statement's checks before any transcript work: what travels matches the visibility, values
// lie in their ranges, the claims are canonical and their forms are the ones they compile to.
Status check_statement(const VerifyingKey& vk, const Proof& proof, std::optional<std::span<const int64_t>> expected_input,
                       std::optional<std::span<const int64_t>> expected_output) {
  const ModelSpec& spec = vk.spec;
  const uint32_t batch = proof.batch;
  if (batch == 0 || batch > kMaxBatch) return fail("proof: batch size out of bounds");
  const size_t inputs = vk.visibility.input_shown() ? size_t{batch} * spec.input_features() : 0;
  const size_t outputs = vk.visibility.output_shown() ? size_t{batch} * spec.output_features() : 0;
  if (proof.input.size() != inputs) return fail("proof: wrong input size");
  if (proof.output.size() != outputs) return fail("proof: wrong output size");
  for (int64_t v : proof.input)
    if (v < -spec.input_bound || v > spec.input_bound) return fail("proof: input value out of range");
  for (int64_t v : proof.output)
    if (v < spec.layers.back().lo || v > spec.layers.back().hi) return fail("proof: output value out of range");
  if (expected_input) {
    if (vk.visibility.input == Visibility::is_private)
      return fail("the input is private: a proof cannot be checked against it");
    if (vk.visibility.input_shown()) {
      if (!std::equal(expected_input->begin(), expected_input->end(), proof.input.begin(), proof.input.end()))
        return fail("the proof is for a different input");
    } else {
      auto c = commit_input(vk, batch, *expected_input);
      if (!c || proof.commitments.size() != 2 || !(*c == proof.commitments[1]))
        return fail("the proof is for a different input");
    }
  }
  if (expected_output) {
    if (!vk.visibility.output_shown()) return fail("the output is private: a proof cannot be checked against it");
    if (!std::equal(expected_output->begin(), expected_output->end(), proof.output.begin(), proof.output.end()))
      return fail("the proof's outputs differ from the claimed outputs");
  }
  if (proof.claims.size() > kMaxClaims) return fail("claims: too many claims");
  for (const auto& text : proof.claims) {
    auto canonical = canonical_claim(text);
    if (!canonical) return fail("claims: " + canonical.error());
    if (*canonical != text) return fail("claims: '" + text + "' is not in canonical form");
  }
  auto forms = compile_claims(spec, proof.claims);
  if (!forms) return fail("claims: " + forms.error());
  if (*forms != proof.forms) return fail("claims: the forms do not match the claims");
  return {};
}

}  // namespace

Result<std::vector<int64_t>> verify(const VerifyingKey& vk, const Proof& proof,
                                    std::optional<std::span<const int64_t>> expected_input,
                                    std::optional<std::span<const int64_t>> expected_output) {
  const ModelSpec& spec = vk.spec;
  const Visibilities& vis = vk.visibility;
  const uint32_t batch = proof.batch;
  ZK_TRY(check_statement(vk, proof, expected_input, expected_output));
  if (spec.zero_knowledge) return verify_private(vk, proof);
  const detail::ProofExtras extras = proof_extras(vk, proof.forms.size(), proof.batch);
  const auto layout = detail::proof_layout(spec, batch, extras);
  if (proof.commitments.size() != (vis.input == Visibility::hashed ? 2u : 1u))
    return fail("proof: wrong number of commitments");
  {
    const auto& c = proof.commitments[0];
    if (c.num_vars != layout.num_vars || c.num_polys != 1 || c.rate_bits != vk.params.rate_bits ||
        c.num_vars > pcs::kMaxVars || c.hiding != hiding_table(vis))
      return fail("proof: commitment 0 has the wrong shape");
  }
  if (vis.input == Visibility::hashed) {
    const auto& c = proof.commitments[1];
    if (c.num_vars != log2_padded(batch) + detail::shape_vars(spec.input) || c.num_polys != 1 ||
        c.rate_bits != vk.params.rate_bits || c.hiding)
      return fail("proof: the input commitment has the wrong shape");
  }
  if (proof.layers.size() != spec.layers.size()) return fail("proof: wrong number of layers");

  Transcript transcript(kTranscriptLabel);
  absorb_statement(transcript, vk, proof);
  const auto weight_layout = detail::weight_layout(spec);
  Context cx{transcript, spec, batch, detail::row_vars(spec, batch, extras.input), layout, weight_layout,
             static_cast<uint32_t>(vk.weight_commitments.size()), vis.weights_shown(), {}, {}};
  if (vis.input == Visibility::hashed) {
    const auto z = input_link_point(transcript, spec, cx.batch_vars);
    claim_input_link(cx, cx.proof_offset + 1, z, proof.input_link);
  }
  if (layout.range_checked) {
    const auto statement = lookup_statement(spec, layout, extras);
    auto lookup = verify_lookup<F, E>(transcript, statement, proof.lookup);
    if (!lookup) return fail("range check: " + lookup.error());
    const auto range_groups = detail::range_groups(spec, extras);
    if (proof.range_evals.size() != range_groups.size()) return fail("proof: wrong number of range evaluations");
    for (size_t g = 0; g < range_groups.size(); ++g) {
      const auto& group = range_groups[g];
      const auto& values = proof.range_evals[g];
      if (values.size() != layout.blocks[group.layer][group.block].count) return fail("proof: wrong number of range evaluations");
      const auto& point = lookup->witness[g].point;
      const uint32_t cv = log2_padded(group.columns.size());
      transcript.absorb_all("zkml/range_evals", std::span<const E>(values));
      if (range_group_value(layout, group, std::span<const E>(point).first(cv), values) != lookup->witness[g].values[0])
        return fail("range check: layer " + std::to_string(group.layer) + ": the table values do not match its range columns");
      cx.claim_block(group.layer, group.block, std::span<const E>(point).subspan(cv), values);
    }
    cx.claims.push_back({{cx.proof_offset, 0}, layout.point(layout.multiplicities, lookup->multiplicity_point),
                         lookup->multiplicity_value});
  }
  const VerifierInputs vi{proof, vis.input_shown() ? pad_tensor(proof.input, batch, cx.batch_vars, spec.input) : std::vector<F>{},
                          vis.output_shown() ? pad_tensor(proof.output, batch, cx.batch_vars, spec.layers.back().out) : std::vector<F>{}};
  for (uint32_t l = 0; l < spec.layers.size(); ++l) {
    const LayerKind kind = spec.layers[l].kind;
    const Status status = spec.layers[l].requantizes()   ? verify_requant_layer(cx, vi, l, proof.layers[l])
                          : kind == LayerKind::max_pool ? verify_max_pool_layer(cx, vi, l, proof.layers[l])
                          : kind == LayerKind::rewire   ? verify_rewire_layer(cx, vi, l, proof.layers[l])
                          : kind == LayerKind::softmax  ? verify_softmax_layer(cx, vi, l, proof.layers[l])
                                                        : verify_table_layer(cx, vi, l, proof.layers[l]);
    if (!status) return fail(status.error());
  }
  if (!proof.forms.empty()) ZK_TRY(verify_claims(cx, proof));
  if (vis.weights_shown()) {
    const auto tables = detail::weight_tables(spec, vk.weights, vk.biases);
    for (const auto& check : cx.weight_checks)
      if (evaluate_multilinear<E, F>(tables[check.poly.commitment], check.point) != check.value)
        return fail("public weights: an evaluation does not match the verifying key's weights");
  }

  std::vector<pcs::Commitment> commitments = vk.weight_commitments;
  commitments.insert(commitments.end(), proof.commitments.begin(), proof.commitments.end());
  auto opening = pcs::OpeningProof::deserialize(proof.opening, vk.params, commitments, cx.claims);
  if (!opening) return fail("opening: " + opening.error());
  auto opened = pcs::verify(vk.params, commitments, cx.claims, *opening, transcript);
  if (!opened) return fail("opening: " + opened.error());
  return proof.output;
}

// ---- Zero-knowledge mode (docs/zkml.md, "Zero knowledge") -------------------------------------
//
// Every sum-check is a private sum-check (sumcheck/private_sumcheck.hpp), the range argument a
// private LogUp (lookup/private_logup.hpp), and every value sent about a private table P is its
// selector-randomized extension P^(s, z) = (1 - s) P(z) + s R_P(z), R_P uniform on the first
// kCornerEntries entries of P's table (a table of n < 3 variables: on 2^(n+1) entries, its extra
// variables fixed at alpha, corner_term), drawn per proof: the requantization evaluations at a point
// (rho_u, rho) drawn for the purpose, and the sum-checks' own. Everything the verifier needs to
// know about the private tables is a linear claim (sumcheck/private_claims.hpp) proven by
// the hiding commitments' zero-knowledge opening (pcs::SumClaim). The masks and corners are one
// more per-proof commitment M (the mask arena), laid out from the spec before anything is drawn.
namespace {

// F entries of a table's corner: it keeps up to 8 evaluations of E uniform; a table of n < 3
// variables has 2^(n+1) (2^n evaluations: its own entries, each an E value through alpha).
constexpr uint32_t kCornerEntries = 16;
// Caller table references of the private protocols: per-proof table t is t, weight table w is
// kWeightRef + w, range group g is kGroupRef + g, a hashed input's own commitment kInputRef.
constexpr uint32_t kWeightRef = 1u << 24, kGroupRef = 1u << 25, kInputRef = 1u << 26;

uint32_t corner_entries(uint32_t vars) { return std::min<uint32_t>(kCornerEntries, 2u << std::min<uint32_t>(vars, 4)); }

// The corner of per-proof table t (n variables) of layout block `slot` (a layer, the committed
// input, the forms): 2 F entries per evaluation bound (detail::corner_evaluations; the forms: 1),
// at least corner_entries(n), at most 2^(n+1).
uint32_t table_corner_entries(const ModelSpec& spec, const detail::ProofLayout& layout, uint32_t t) {
  const auto slot = static_cast<int32_t>(std::upper_bound(layout.first.begin(), layout.first.end(), t) - layout.first.begin() - 1);
  const uint32_t evaluations = slot == layout.forms_slot   ? 1
                               : slot == layout.input_slot ? detail::corner_evaluations(spec, -1)
                                                           : detail::corner_evaluations(spec, slot);
  const uint32_t vars = layout.vars_of[t];
  const uint64_t wanted = std::max<uint64_t>(corner_entries(vars), 2 * padded(evaluations));
  return static_cast<uint32_t>(std::min<uint64_t>(wanted, uint64_t{2} << vars));
}

// The variables of a conv layer's channel sum-check: (input channels, kernel offsets); its degree:
// 3 with the groups' eq factor.
uint32_t conv_channel_vars(const Layer& layer) { return log2_padded(layer.in.c) + detail::kernel_vars(layer); }
uint32_t conv_channel_degree(const Layer& layer) { return detail::group_vars(layer) > 0 ? 3 : 2; }

// A rewire layer's share corner: 2 K' F entries for its K inputs, K' = padded(K - 1) (none for
// one input): the masks m_k = R_s~(k, X) of the shares it sends (prove_private_rewire).
uint32_t share_corner_size(const Layer& layer) {
  return layer.inputs.size() > 1 ? static_cast<uint32_t>(2 * padded(layer.inputs.size() - 1)) : 0;
}

// The arena segments of a rewire layer (its share corner, then per input the mask of its share's
// sum-check) or of a table layer (its private LogUp's).
void data_layer_shapes(const ModelSpec& spec, uint32_t batch_vars, const Layer& layer, std::vector<MaskShape>& shapes) {
  if (layer.kind == LayerKind::table) {
    for (const auto& shape : private_lookup_mask_shapes<F>(table_statement(layer, batch_vars))) shapes.push_back(shape);
    return;
  }
  if (share_corner_size(layer) > 0) shapes.push_back(MaskShape::corner(share_corner_size(layer)));
  for (size_t k = 0; k < layer.inputs.size(); ++k)
    shapes.push_back(MaskShape::sumcheck(detail::shape_vars(input_shape(spec, layer, k)), 2));
}

// The arena's segments in the order the protocol takes them: the corners of every layer table
// and of every weight table, the range argument's, then per layer the masks of its private
// sum-checks: its kind's reduction (dense: over the input features; conv: the corner of the
// gathered input X, then over (channels, kernel) and over the input positions; mul: the product;
// sum_pool: over the input positions; add has none) and the zero-check; max_pool: the corner of the
// gated output G, over the output positions, over the input positions, the zero-check over K' x grid;
// softmax: its exp lookup's masks, the corner of the division claim c, the division over the grid
// of rows, the zero-check; a rewire or table layer's data_layer_shapes instead.
struct PrivatePlan {
  std::vector<MaskShape> shapes;
  std::vector<int32_t> table_corner;   // per per-proof table: arena segment, or -1
  std::vector<int32_t> weight_corner;  // per weight table
};

PrivatePlan private_plan(const ModelSpec& spec, uint32_t batch, const detail::ProofLayout& layout,
                         const detail::ProofExtras& extras, const detail::WeightLayout& weights) {
  PrivatePlan plan;
  plan.table_corner.assign(layout.vars_of.size(), -1);
  for (uint32_t t = 0; t < layout.vars_of.size(); ++t) {
    if (layout.range_checked && t == layout.multiplicities) continue;
    plan.table_corner[t] = static_cast<int32_t>(plan.shapes.size());
    plan.shapes.push_back(MaskShape::corner(table_corner_entries(spec, layout, t)));
  }
  for (uint32_t w = 0; w < weights.vars_of.size(); ++w) {
    plan.weight_corner.push_back(static_cast<int32_t>(plan.shapes.size()));
    plan.shapes.push_back(MaskShape::corner(corner_entries(weights.vars_of[w])));
  }
  if (layout.range_checked)
    for (const auto& shape : private_lookup_mask_shapes<F>(lookup_statement(spec, layout, extras)))
      plan.shapes.push_back(shape);
  const uint32_t batch_vars = detail::row_vars(spec, batch, extras.input);
  for (const auto& layer : spec.layers) {
    if (layer.kind == LayerKind::rewire || layer.kind == LayerKind::table) {
      data_layer_shapes(spec, batch_vars, layer, plan.shapes);
      continue;
    }
    if (layer.kind == LayerKind::max_pool) {  // G's corner, over the output, over the input positions, zero-check
      const uint32_t vars = detail::kernel_vars(layer) + batch_vars + detail::shape_vars(layer.out);
      plan.shapes.push_back(MaskShape::corner(corner_entries(vars)));
      plan.shapes.push_back(MaskShape::sumcheck(detail::spatial_vars(layer.out), 2));
      plan.shapes.push_back(MaskShape::sumcheck(detail::spatial_vars(layer.in), 2));
      plan.shapes.push_back(MaskShape::sumcheck(vars, 3));
      continue;
    }
    if (layer.kind == LayerKind::softmax) {  // the exp lookup's, c's corner, the division, the zero-check
      for (const auto& shape : private_lookup_mask_shapes<F>(table_statement(layer, batch_vars))) plan.shapes.push_back(shape);
      const uint32_t vars = batch_vars + detail::shape_vars(layer.out);
      plan.shapes.push_back(MaskShape::corner(2));
      plan.shapes.push_back(MaskShape::sumcheck(vars - detail::softmax_rows(layer).vars, 3));
      plan.shapes.push_back(MaskShape::sumcheck(vars, 3));
      continue;
    }
    if (layer.kind == LayerKind::dense) {  // over the input features
      plan.shapes.push_back(MaskShape::sumcheck(detail::shape_vars(layer.in), 2));
    } else if (layer.kind == LayerKind::conv) {  // X's corner, over (channels, kernel), over the input positions
      plan.shapes.push_back(MaskShape::corner(corner_entries(conv_channel_vars(layer))));
      plan.shapes.push_back(MaskShape::sumcheck(conv_channel_vars(layer), conv_channel_degree(layer)));
      plan.shapes.push_back(MaskShape::sumcheck(detail::spatial_vars(layer.in), 2));
    } else if (layer.kind == LayerKind::mul) {  // the product: over the example (constant factor) or the grid
      plan.shapes.push_back(
          MaskShape::sumcheck((layer.constant_factor ? 0 : batch_vars) + detail::shape_vars(layer.out), 3));
    } else if (layer.kind == LayerKind::sum_pool) {  // over the input positions
      plan.shapes.push_back(MaskShape::sumcheck(detail::spatial_vars(layer.in), 2));
    }
    plan.shapes.push_back(MaskShape::sumcheck(batch_vars + detail::shape_vars(layer.out), 3));
  }
  if (extras.forms > 0) plan.shapes.push_back(MaskShape::sumcheck(batch_vars + detail::shape_vars(spec.layers.back().out), 2));
  return plan;
}

// The mask arena placed in the per-proof table after T's blocks, so that one hiding commitment
// (one Merkle tree, one set of opened leaves) holds both: each segment (a mask's E table as its
// two coordinate tables, a corner as itself) at an offset that is a multiple of its size, larger
// ones first, the whole region M of 2^mask_vars entries at `base`, a multiple of its size past the
// end of T's blocks. The combined table has num_vars >= layout.num_vars variables; T's tables keep
// their offsets (their points get leading zero variables).
struct CombinedLayout {
  uint32_t num_vars = 0, t_vars = 0, mask_vars = 0;
  uint64_t base = 0;
  std::vector<std::array<uint64_t, 2>> offset;  // per segment, per coordinate, within M
  std::vector<uint32_t> vars;                   // per segment

  static std::vector<E> with_prefix(uint64_t block, uint32_t prefix_bits, std::span<const E> rest) {
    std::vector<E> out;
    for (uint32_t b = prefix_bits; b-- > 0;) out.push_back((block >> b) & 1 ? E::one() : E::zero());
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
  }
  std::vector<E> mask_point(uint32_t segment, uint32_t coordinate, std::span<const E> local) const {
    return with_prefix((base + offset[segment][coordinate]) >> vars[segment], num_vars - vars[segment], local);
  }
  // A point of T (layout.num_vars variables) in the combined table.
  std::vector<E> t_point(std::span<const E> point) const { return with_prefix(0, num_vars - t_vars, point); }
  // The largest aligned block at the end of the combined table that holds nothing (zero, in no
  // claim's support), as its number of variables (0: none, or the whole table): the hiding
  // commitment may keep its mask there (pcs::Params::hiding_tail_vars).
  uint32_t free_tail_vars() const {
    const uint64_t free = (uint64_t{1} << num_vars) - (base + (uint64_t{1} << mask_vars));
    if (free == 0) return 0;
    const auto c = static_cast<uint32_t>(std::bit_width(free) - 1);
    return c < num_vars ? c : 0;
  }
};

CombinedLayout combined_layout(std::span<const MaskShape> shapes, const detail::ProofLayout& t) {
  CombinedLayout layout;
  struct Part {
    uint32_t vars, segment, coordinate;
  };
  std::vector<Part> parts;
  for (uint32_t i = 0; i < shapes.size(); ++i) {
    const auto vars = static_cast<uint32_t>(log2_exact(shapes[i].table_size()));
    layout.vars.push_back(vars);
    parts.push_back({vars, i, 0});
    if (shapes[i].kind == MaskShape::Kind::sumcheck) parts.push_back({vars, i, 1});
  }
  std::stable_sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return a.vars > b.vars; });
  layout.offset.assign(shapes.size(), {0, 0});
  uint64_t next = 0;
  for (const Part& p : parts) {
    layout.offset[p.segment][p.coordinate] = next;
    next += uint64_t{1} << p.vars;
  }
  layout.mask_vars = log2_padded(next);
  uint64_t used = 0;
  for (size_t i = 0; i < t.vars_of.size(); ++i) used = std::max(used, t.offset[i] + (uint64_t{1} << t.vars_of[i]));
  const uint64_t mask_size = uint64_t{1} << layout.mask_vars;
  layout.base = (used + mask_size - 1) / mask_size * mask_size;
  layout.t_vars = t.num_vars;
  layout.num_vars = std::max(t.num_vars, log2_padded(layout.base + mask_size));
  return layout;
}

// T's packed tables, then the arena at `base`.
std::vector<F> pack_combined(const CombinedLayout& layout, std::vector<F> packed, const MaskArena<F, E>& arena) {
  packed.resize(size_t{1} << layout.num_vars, F::zero());
  F* m = packed.data() + layout.base;
  for (uint32_t i = 0; i < arena.shapes().size(); ++i) {
    if (arena.shapes()[i].kind == MaskShape::Kind::corner) {
      const auto& corner = arena.corner_of(i);
      std::copy(corner.begin(), corner.end(), m + layout.offset[i][0]);
      continue;
    }
    const auto table = arena.mask_table_of(i);
    for (size_t x = 0; x < table.size(); ++x) {
      m[layout.offset[i][0] + x] = table[x].c0();
      m[layout.offset[i][1] + x] = table[x].c1();
    }
  }
  return packed;
}

// R~(point) of a corner, for the prover.
E corner_eval(const MaskArena<F, E>& arena, TableRef corner, std::span<const E> point) {
  const auto& values = arena.corner_of(corner.index);
  const auto term = corner_term<E>(corner, values.size(), point, E::one());
  return term.coefficient * evaluate_multilinear<E, F>(values, term.point);
}

// A corner R of a table P whose leading (prefix = true) or trailing variables are bound to
// `bound`, as the corner of the bound table: entry j of the bound table's corner is
// sum_i eq(bound, i) R(i, j) (prefix) or sum_i eq(bound, i) R(j, i) (suffix).
std::vector<E> bind_corner(std::span<const E> corner, std::span<const E> bound, size_t table_vars, bool prefix) {
  const auto eq = eq_table<E>(bound);
  const size_t free_vars = table_vars - bound.size(), free_size = size_t{1} << free_vars;
  const size_t out_size = prefix ? std::min(corner.size(), free_size) : std::max<size_t>(1, corner.size() >> bound.size());
  std::vector<E> out(out_size, E::zero());
  for (size_t idx = 0; idx < corner.size(); ++idx) {
    const size_t hi = prefix ? idx >> free_vars : idx >> bound.size();
    const size_t lo = prefix ? idx & (free_size - 1) : idx & (eq.size() - 1);
    if (prefix) out[lo] += eq[hi] * corner[idx];
    else out[hi] += eq[lo] * corner[idx];
  }
  return out;
}

// A corner R of a table of table_vars variables whose variables after the first `high` (most
// significant first) are bound to `bound`, as the corner of the bound table: entry (h, j) of the
// bound table's corner is sum_i eq(bound, i) R(h, i, j) (high = 0: bind_corner with prefix).
std::vector<E> bind_inner_corner(std::span<const E> corner, std::span<const E> bound, size_t table_vars, size_t high) {
  const auto eq = eq_table<E>(bound);
  const size_t low_vars = table_vars - high - bound.size(), low_mask = (size_t{1} << low_vars) - 1;
  const auto bound_index = [&](size_t idx) {
    return ((idx >> (low_vars + bound.size())) << low_vars) | (idx & low_mask);
  };
  std::vector<E> out(bound_index(corner.size() - 1) + 1, E::zero());
  for (size_t idx = 0; idx < corner.size(); ++idx)
    out[bound_index(idx)] += eq[(idx >> low_vars) & (eq.size() - 1)] * corner[idx];
  return out;
}

// The coefficients a_i, a_0 of acc'(z) = sum_i a_i P_i(z) + a_0 over a requantizing layer's tables
// (y, r limbs, d+ limbs, d- limbs): accumulator_from_requant as a linear form.
std::pair<std::vector<E>, E> accumulator_form(const Layer& layer, uint32_t limb_bits) {
  const size_t lr = layer.remainder_limbs(limb_bits), ld = layer.slack_limbs(limb_bits);
  std::vector<E> a{pow2(layer.shift)};
  for (size_t i = 0; i < lr; ++i) a.push_back(pow2(static_cast<uint32_t>(limb_bits * i)));
  for (size_t i = 0; i < ld; ++i) a.push_back(pow2(layer.shift) * pow2(static_cast<uint32_t>(limb_bits * i)));
  for (size_t i = 0; i < ld; ++i) a.push_back(-(pow2(layer.shift) * pow2(static_cast<uint32_t>(limb_bits * i))));
  return {a, -pow2(layer.shift - 1)};
}

// What prover and verifier share in zero-knowledge mode.
struct PrivateContext {
  Transcript& transcript;
  const ModelSpec& spec;
  const Visibilities& vis;
  uint32_t batch, batch_vars;
  const detail::ProofLayout& layout;
  const detail::WeightLayout& weights;
  const detail::ProofExtras& extras;
  const PrivatePlan& plan;
  const CombinedLayout& combined;
  MaskArena<F, E>& arena;
  std::vector<LinearClaim<E>> claims;
  std::vector<pcs::EvalClaim> public_claims;  // about public values (the outputs)

  static TableRef caller(uint32_t index) { return {TableRef::Space::caller, index}; }
  // The per-proof table input i of layer l reads (a layer's y, or the committed model input), or -1 for the
  // public model input, which the verifier evaluates itself.
  int64_t input_source(uint32_t l, size_t i = 0) const {
    const int32_t source = spec.layers[l].inputs[i];
    if (source >= 0) return layout.first[static_cast<size_t>(source)];
    return vis.input_committed() ? int64_t{layout.first[static_cast<size_t>(layout.input_slot)]} : -1;
  }
  TableRef table_ref(uint32_t t) const { return caller(t); }
  TableRef weight_ref(int32_t w) const { return caller(kWeightRef + static_cast<uint32_t>(w)); }
  TableRef table_corner(uint32_t t) const {
    return {TableRef::Space::arena, static_cast<uint32_t>(plan.table_corner[t])};
  }
  TableRef weight_corner(int32_t w) const {
    return {TableRef::Space::arena, static_cast<uint32_t>(plan.weight_corner[static_cast<size_t>(w)])};
  }
  uint32_t corner_size(TableRef corner) const { return arena.shapes()[corner.index].size; }
  // The corners of per-proof table t and of weight table w on their tables' variables (for the
  // prover's masked tables).
  std::vector<E> table_corner_values(uint32_t t) const { return arena.corner_values(table_corner(t), layout.vars_of[t]); }
  std::vector<E> weight_corner_values(int32_t w) const {
    return arena.corner_values(weight_corner(w), weights.vars_of[static_cast<size_t>(w)]);
  }
  // The per-proof commitment's index: after the weight commitments (none for public weights).
  uint32_t t_commitment() const { return vis.weights_shown() ? 0 : static_cast<uint32_t>(weights.group_vars.size()); }
  // The public outputs: the last layer's y at rho, a plain claim on T (nothing private in it).
  void claim_output(std::span<const E> rho, const E& value) {
    const uint32_t last = layout.first[spec.layers.size() - 1];
    public_claims.push_back({{t_commitment(), 0}, combined.t_point(layout.point(last, rho)), value});
  }
  // value = (1 - s) P(point) + s R(point): a claim on the private table P and its corner R.
  void claim_masked(TableRef table, TableRef corner, std::span<const E> point, const E& s, const E& value) {
    claims.push_back({{{table, std::vector<E>(point.begin(), point.end()), E::one() - s},
                       corner_term<E>(corner, corner_size(corner), point, s)},
                      value});
  }
};

Status check_selector(const E& s, const std::string& where) {
  if (s == E::one()) return fail(where + "degenerate selector challenge");
  return {};
}


// A private value known to the verifier as public_part - o, o = the sum of offset_terms (a linear
// function of committed corners): the accumulator of a layer while its identity is reduced, o
// becoming the private offset of the layer's private sum-check (or, for add, the linear claim
// o = public_part).
struct PrivateValue {
  E public_part = E::zero();
  std::vector<LinearTerm<E>> offset_terms;
};

// Adds c v to `value` for a private v sent as v^ = (1 - s) v + s R(point), R the corner:
// v = v^ / (1 - s) - s / (1 - s) R(point).
void add_randomized(const PrivateContext& cx, PrivateValue& value, const E& c, TableRef corner,
                    std::span<const E> point, const E& s, const E& sent) {
  const E inv = (E::one() - s).inverse();
  value.public_part += c * sent * inv;
  value.offset_terms.push_back(corner_term<E>(corner, cx.corner_size(corner), point, c * s * inv));
}

// The prover's o of a private value.
E offset_of(const PrivateContext& cx, const PrivateValue& value) {
  E o = E::zero();
  for (const auto& t : value.offset_terms)
    o += t.coefficient * evaluate_multilinear<E, F>(cx.arena.corner_of(t.table.index), t.point);
  return o;
}

// A private sum-check over `vars` variables of degree d proving the private value `value` (public
// claim value.public_part, private offset o): takes its mask from the arena and leaves the claim
// on the mask (masked_value_claim); the caller claims the masked tables' values.
PrivateSumcheckProverOutput<E> prove_private_value(PrivateContext& cx, size_t vars, size_t degree,
                                                   std::vector<std::vector<E>> tables,
                                                   std::span<const SumcheckTerm<E>> terms,
                                                   std::span<const MaskedTable<E>> masked, const PrivateValue& value) {
  auto mask = cx.arena.take_sumcheck(vars, degree);
  if (!mask) throw std::logic_error(mask.error());
  auto out = prove_private_sumcheck<E>(cx.transcript, std::move(tables), terms, masked, value.public_part,
                                       offset_of(cx, value), cx.arena.mask(*mask));
  cx.claims.push_back(masked_value_claim<E>(*mask, degree, out.point, out.rho, value.offset_terms, out.proof.masked_value));
  return out;
}

// The verifier's side of prove_private_value with `masked` masked tables; rejections name the step `what`.
Result<PrivateSumcheckClaim<E>> verify_private_value(PrivateContext& cx, size_t vars, size_t degree, size_t masked,
                                                     const PrivateValue& value, const PrivateSumcheckProof<E>& sent,
                                                     const std::string& where, const std::string& what) {
  auto mask = cx.arena.take_sumcheck(vars, degree);
  if (!mask) return fail(where + mask.error());
  auto sc = verify_private_sumcheck<E>(cx.transcript, vars, degree, masked, value.public_part, sent);
  if (!sc) return fail(where + what + " " + sc.error());
  cx.claims.push_back(masked_value_claim<E>(*mask, degree, sc->point, sc->rho, value.offset_terms, sent.masked_value));
  return sc;
}

// rho over the layer's output grid, then the selector rho_u (both sides).
std::pair<std::vector<E>, E> private_requant_point(PrivateContext& cx, const Layer& layer) {
  auto rho = cx.transcript.challenges<E>("zkml/rho", cx.batch_vars + detail::shape_vars(layer.out));
  const E rho_u = cx.transcript.challenge<E>("zkml/rho_u");
  return {std::move(rho), rho_u};
}

// The sent requantization values e_i = P_i^(rho_u, rho): absorbed and claimed; returns the
// accumulator acc'(rho) = a_0 + sum_i a_i P_i(rho) (accumulator_form) as a private value:
// public part a_0 + sum_i a_i e_i / (1 - rho_u) = (A + rho_u 2^(k-1)) / (1 - rho_u) (A = sum_i a_i e_i
// + a_0, accumulator_from_requant), offset rho_u / (1 - rho_u) sum_i a_i R_i(rho).
PrivateValue private_requant(PrivateContext& cx, uint32_t l, std::span<const E> rho, const E& rho_u,
                             std::span<const E> evals) {
  const Layer& layer = cx.spec.layers[l];
  const uint32_t first = cx.layout.first[l];
  cx.transcript.absorb_all("zkml/requant_evals", evals);
  const auto [a, a0] = accumulator_form(layer, cx.layout.limb_bits);
  PrivateValue acc{a0, {}};
  for (uint32_t i = 0; i < evals.size(); ++i) {
    cx.claim_masked(cx.table_ref(first + i), cx.table_corner(first + i), rho, rho_u, evals[i]);
    add_randomized(cx, acc, a[i], cx.table_corner(first + i), rho, rho_u, evals[i]);
  }
  return acc;
}

// The sent bias b^ = (1 - rho_u) b'(z) + rho_u R_b(z): absorbed, claimed, and I b' subtracted from
// the accumulator (I: where the bias enters, at rho).
void private_bias(PrivateContext& cx, uint32_t l, PrivateValue& acc, std::span<const E> z, const E& indicator,
                  const E& rho_u, const E& sent) {
  const int32_t bias = cx.weights.bias_table[l];
  cx.transcript.absorb("zkml/bias_eval", sent);
  cx.claim_masked(cx.weight_ref(bias), cx.weight_corner(bias), z, rho_u, sent);
  add_randomized(cx, acc, -indicator, cx.weight_corner(bias), z, rho_u, sent);
}

// The prover's P^(s, z) of table `t` (a per-proof table) or its plain value when t < 0 (the public
// model input).
E randomized_value(const PrivateContext& cx, std::span<const F> table, int64_t t, std::span<const E> z, const E& s) {
  const E plain = evaluate_multilinear<E, F>(table, z);
  if (t < 0) return plain;
  return (E::one() - s) * plain + s * corner_eval(cx.arena, cx.table_corner(static_cast<uint32_t>(t)), z);
}

// The value of input i of layer l at `point`, where a private step with selector s left it: a
// private input's sent value (the next of `sent`, claimed: claim_masked), or the public model
// input's, evaluated from input_table.
E private_input_value(PrivateContext& cx, std::span<const F> input_table, uint32_t l, size_t i,
                      std::span<const E> point, const E& s, std::span<const E> sent, size_t& next) {
  const int64_t source = cx.input_source(l, i);
  if (source < 0) return evaluate_multilinear<E, F>(input_table, point);
  const auto t = static_cast<uint32_t>(source);
  cx.claim_masked(cx.table_ref(t), cx.table_corner(t), point, s, sent[next]);
  return sent[next++];
}

// ---- dense --------------------------------------------------------------------------------------
// The private sum-check over the input features of acc'(rho) - I b'(rho_c) = sum_j x(rho_b, j)
// W'(j, rho_c): public claim and private offset from the accumulator (PrivateValue); x (a private
// layer's, pre-bound at rho_b) and W' (pre-bound at rho_c) masked, their corners bound likewise.
void prove_private_dense(PrivateContext& cx, const ProverInputs& in, uint32_t l, const GridPoint& g,
                         const PrivateValue& acc, LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  const int32_t weight = cx.weights.weight_table[l];
  const int64_t source = cx.input_source(l);
  std::vector<std::vector<E>> tables;
  tables.push_back(bind_rows<F>(layer_input_table(cx, in, l), g.b, padded_size(layer.in)));
  tables.push_back(bind_dense_weights(layer, in.pk.weights[l], g.c));
  std::vector<MaskedTable<E>> masked;
  const uint32_t x_vars = cx.batch_vars + detail::shape_vars(layer.in);
  if (source >= 0)
    masked.push_back({0, bind_corner(cx.table_corner_values(static_cast<uint32_t>(source)), g.b,
                                     x_vars, true)});
  masked.push_back({1, bind_corner(cx.weight_corner_values(weight), g.c,
                                   detail::weight_vars(layer), false)});
  const std::vector<SumcheckTerm<E>> terms{{E::one(), {0, 1}}};
  auto mm = prove_private_value(cx, detail::shape_vars(layer.in), 2, std::move(tables), terms, masked, acc);
  const E r_u = mm.point[0];
  const std::span<const E> r = std::span<const E>(mm.point).subspan(1);
  if (source >= 0) {
    const auto t = static_cast<uint32_t>(source);
    cx.claim_masked(cx.table_ref(t), cx.table_corner(t), concat({g.b, r}), r_u, mm.table_evaluations[0]);
  }
  cx.claim_masked(cx.weight_ref(weight), cx.weight_corner(weight), concat({r, g.c}), r_u, mm.table_evaluations[1]);
  lp.private_channel_sum = std::move(mm.proof);
}

Status verify_private_dense(PrivateContext& cx, std::span<const F> input_table, uint32_t l, const GridPoint& g,
                            const PrivateValue& acc, const LayerProof& lp, const std::string& where) {
  const Layer& layer = cx.spec.layers[l];
  const int32_t weight = cx.weights.weight_table[l];
  const int64_t source = cx.input_source(l);
  const bool x_private = source >= 0;
  const auto& sent = lp.private_channel_sum;
  auto mm = verify_private_value(cx, detail::shape_vars(layer.in), 2, x_private ? 2 : 1, acc, sent, where, "matrix-vector");
  if (!mm) return fail(mm.error());
  const E r_u = mm->point[0];
  const std::span<const E> r = std::span<const E>(mm->point).subspan(1);
  const std::vector<E> x_point = concat({g.b, r});
  E x_eval;
  if (x_private) {
    const auto t = static_cast<uint32_t>(source);
    x_eval = sent.evaluations[0];
    cx.claim_masked(cx.table_ref(t), cx.table_corner(t), x_point, r_u, x_eval);
  } else {
    x_eval = evaluate_multilinear<E, F>(input_table, x_point);
  }
  const E w_eval = sent.evaluations[x_private ? 1 : 0];
  cx.claim_masked(cx.weight_ref(weight), cx.weight_corner(weight), concat({r, g.c}), r_u, w_eval);
  const std::vector<SumcheckTerm<E>> terms{{E::one(), {0, 1}}};
  const E evals[2] = {x_eval, w_eval};
  if (private_sumcheck_final_value<E>(terms, evals, r_u, sent.masked_value) != mm->value)
    return fail(where + "matrix-vector sum-check: final evaluation mismatch");
  return {};
}

// ---- add, mul -----------------------------------------------------------------------------------
// add: acc'(rho) - I_B b'(rho_ex) = sum_i m_i x_i(rho). Each private input is sent as
// x_i^(rho_u, rho) (the selector of the requantization values), the public model input plainly
// (the verifier compares it). With every sent value replaced as in add_randomized, the identity
// becomes public_part - o = 0: the linear claim o = public_part on the corners (through the
// opening: an accumulator that does not match the inputs fails there).
void private_add_identity(PrivateContext& cx, uint32_t l, std::span<const E> rho, const E& rho_u,
                          std::span<const E> operands, PrivateValue acc) {
  const Layer& layer = cx.spec.layers[l];
  cx.transcript.absorb_all("zkml/operand_evals", operands);
  for (size_t i = 0; i < layer.inputs.size(); ++i) {
    const E m = E::from_i64(layer.multipliers[i]);
    const int64_t source = cx.input_source(l, i);
    if (source < 0) {
      acc.public_part -= m * operands[i];
      continue;
    }
    const auto t = static_cast<uint32_t>(source);
    cx.claim_masked(cx.table_ref(t), cx.table_corner(t), rho, rho_u, operands[i]);
    add_randomized(cx, acc, -m, cx.table_corner(t), rho, rho_u, operands[i]);
  }
  cx.claims.push_back({std::move(acc.offset_terms), acc.public_part});
}

// mul: acc'(rho) - I_B b'(rho_ex) = public_part - o is the private offset's claim of a private
// sum-check of degree 3 with o as private offset:
//   constant factor: sum_j eq(rho_ex, j) x_0(rho_b, j) c'(j) over the example (x_0 pre-bound at
//   rho_b, its corner likewise; c' masked with its own corner);
//   two activations: sum_x eq(rho, x) M x_0(x) x_1(x) over the whole grid (both masked).
// The private model input is masked like a layer's output; the public one is not.
// The masked operands of the product: the private inputs, and c'.
size_t private_operands(const Layer& layer, bool input_committed) {
  size_t count = layer.constant_factor ? 1 : 0;
  for (int32_t source : layer.inputs) count += source >= 0 || input_committed ? 1 : 0;
  return count;
}
uint32_t product_vars(const Layer& layer, uint32_t batch_vars) {
  return (layer.constant_factor ? 0 : batch_vars) + detail::shape_vars(layer.out);
}

void prove_private_product(PrivateContext& cx, const ProverInputs& in, uint32_t l, std::span<const E> rho,
                           const PrivateValue& acc, LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  const std::span<const E> rho_b = rho.first(cx.batch_vars), example = rho.subspan(cx.batch_vars);
  const uint32_t x_vars = cx.batch_vars + detail::shape_vars(layer.out);
  const int64_t s0 = cx.input_source(l, 0);
  std::vector<std::vector<E>> tables;
  std::vector<MaskedTable<E>> masked;
  if (layer.constant_factor) {
    tables.push_back(eq_table<E>(example));
    tables.push_back(bind_rows<F>(layer_input_table(cx, in, l, 0), rho_b, padded_size(layer.out)));
    tables.push_back(lift(pad_tensor(in.pk.weights[l], 1, 0, layer.out)));
    if (s0 >= 0)
      masked.push_back({1, bind_corner(cx.table_corner_values(static_cast<uint32_t>(s0)), rho_b,
                                       x_vars, true)});
    masked.push_back({2, cx.weight_corner_values(cx.weights.weight_table[l])});
  } else {
    tables.push_back(eq_table<E>(rho));
    for (size_t i = 0; i < 2; ++i) {
      const int64_t source = cx.input_source(l, i);
      if (source >= 0) masked.push_back({1 + i, cx.table_corner_values(static_cast<uint32_t>(source))});
      tables.push_back(lift(layer_input_table(cx, in, l, i)));
    }
  }
  auto mask = cx.arena.take_sumcheck(product_vars(layer, cx.batch_vars), 3);
  if (!mask) throw std::logic_error(mask.error());
  const E coefficient = layer.constant_factor ? E::one() : E::from_i64(layer.multipliers[0]);
  const std::vector<SumcheckTerm<E>> terms{{coefficient, {0, 1, 2}}};
  auto product = prove_private_sumcheck<E>(cx.transcript, std::move(tables), terms, masked, acc.public_part,
                                           offset_of(cx, acc), cx.arena.mask(*mask));
  cx.claims.push_back(
      masked_value_claim<E>(*mask, 3, product.point, product.rho, acc.offset_terms, product.proof.masked_value));
  const std::vector<F> input_table = to_field(in.witness.input);
  size_t next = 0;
  const E r_u = product.point[0];
  const std::span<const E> r = std::span<const E>(product.point).subspan(1);
  const std::span<const E> sent(product.proof.evaluations);
  if (layer.constant_factor) {
    private_input_value(cx, input_table, l, 0, concat({rho_b, r}), r_u, sent, next);
    const int32_t weight = cx.weights.weight_table[l];
    cx.claim_masked(cx.weight_ref(weight), cx.weight_corner(weight), r, r_u, sent[next]);
  } else {
    for (size_t i = 0; i < 2; ++i) private_input_value(cx, input_table, l, i, r, r_u, sent, next);
  }
  lp.private_channel_sum = std::move(product.proof);
}

Status verify_private_product(PrivateContext& cx, std::span<const F> input_table, uint32_t l, std::span<const E> rho,
                              const PrivateValue& acc, const LayerProof& lp, const std::string& where) {
  const Layer& layer = cx.spec.layers[l];
  const std::span<const E> rho_b = rho.first(cx.batch_vars), example = rho.subspan(cx.batch_vars);
  auto mask = cx.arena.take_sumcheck(product_vars(layer, cx.batch_vars), 3);
  if (!mask) return fail(where + mask.error());
  const auto& sent = lp.private_channel_sum;
  auto product = verify_private_sumcheck<E>(cx.transcript, product_vars(layer, cx.batch_vars), 3,
                                            private_operands(layer, cx.vis.input_committed()),
                                            acc.public_part, sent);
  if (!product) return fail(where + "product " + product.error());
  cx.claims.push_back(masked_value_claim<E>(*mask, 3, product->point, product->rho, acc.offset_terms, sent.masked_value));
  size_t next = 0;
  const E r_u = product->point[0];
  const std::span<const E> r = std::span<const E>(product->point).subspan(1);
  const std::span<const E> values(sent.evaluations);
  std::vector<E> evals;
  if (layer.constant_factor) {
    evals.push_back(eq_eval<E>(example, r));
    evals.push_back(private_input_value(cx, input_table, l, 0, concat({rho_b, r}), r_u, values, next));
    const int32_t weight = cx.weights.weight_table[l];
    cx.claim_masked(cx.weight_ref(weight), cx.weight_corner(weight), r, r_u, values[next]);
    evals.push_back(values[next]);
  } else {
    evals.push_back(eq_eval<E>(rho, r));
    for (size_t i = 0; i < 2; ++i) evals.push_back(private_input_value(cx, input_table, l, i, r, r_u, values, next));
  }
  const E coefficient = layer.constant_factor ? E::one() : E::from_i64(layer.multipliers[0]);
  const std::vector<SumcheckTerm<E>> terms{{coefficient, {0, 1, 2}}};
  if (private_sumcheck_final_value<E>(terms, evals, r_u, sent.masked_value) != product->value)
    return fail(where + "product sum-check: final evaluation mismatch");
  return {};
}

// ---- input positions (sum_pool; conv, max_pool: their last step) -------------------------------
// value = sum_i x(bc, i) Wire(i) over the input positions i, x pre-bound at bc = (rho_b, channel
// point) (xb, its corner likewise) and masked unless public, Wire public: a private sum-check with
// the public claim and private offset of `value`; leaves the claims on its mask and on x.
PrivateSumcheckProof<E> prove_private_spatial(PrivateContext& cx, const ProverInputs& in, uint32_t l,
                                              std::span<const E> bc, std::vector<E> xb, std::vector<E> wiring,
                                              const PrivateValue& value) {
  const Layer& layer = cx.spec.layers[l];
  const int64_t source = cx.input_source(l);
  std::vector<std::vector<E>> tables;
  tables.push_back(std::move(xb));
  tables.push_back(std::move(wiring));
  std::vector<MaskedTable<E>> masked;
  if (source >= 0)
    masked.push_back({0, bind_corner(cx.table_corner_values(static_cast<uint32_t>(source)), bc,
                                     cx.batch_vars + detail::shape_vars(layer.in), true)});
  const std::vector<SumcheckTerm<E>> terms{{E::one(), {0, 1}}};
  auto ss = prove_private_value(cx, detail::spatial_vars(layer.in), 2, std::move(tables), terms, masked, value);
  size_t next = 0;
  private_input_value(cx, to_field(in.witness.input), l, 0, concat({bc, std::span<const E>(ss.point).subspan(1)}),
                      ss.point[0], ss.proof.evaluations, next);
  return std::move(ss.proof);
}

// The verifier's side of prove_private_spatial; wiring(zeta_i) evaluates Wire~ at the final point
// (h and w parts). Rejections name the step `what`.
template <class Wiring>
Status verify_private_spatial(PrivateContext& cx, std::span<const F> input_table, uint32_t l, std::span<const E> bc,
                              const PrivateValue& value, const PrivateSumcheckProof<E>& sent, const Wiring& wiring,
                              const std::string& where, const std::string& what) {
  const Layer& layer = cx.spec.layers[l];
  auto ss = verify_private_value(cx, detail::spatial_vars(layer.in), 2, cx.input_source(l) >= 0 ? 1 : 0, value, sent,
                                 where, what);
  if (!ss) return fail(ss.error());
  const std::span<const E> r = std::span<const E>(ss->point).subspan(1);
  size_t next = 0;
  const E evals[2] = {private_input_value(cx, input_table, l, 0, concat({bc, r}), ss->point[0], sent.evaluations, next),
                      wiring(detail::split_spatial(r, log2_padded(layer.in.h)))};
  const std::vector<SumcheckTerm<E>> terms{{E::one(), {0, 1}}};
  if (private_sumcheck_final_value<E>(terms, evals, ss->point[0], sent.masked_value) != ss->value)
    return fail(where + what + " sum-check: final evaluation mismatch");
  return {};
}

// ---- sum_pool -----------------------------------------------------------------------------------
// acc'(rho) = sum_p V(rho_p, p) x(rho_b, rho_c, p) (V the public pooling wiring with the
// multipliers): prove_private_spatial with the public claim and private offset of the accumulator.
void prove_private_pool(PrivateContext& cx, const ProverInputs& in, uint32_t l, const GridPoint& g,
                        const PrivateValue& acc, LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  const std::vector<E> bc = concat({g.b, g.c});
  lp.private_channel_sum =
      prove_private_spatial(cx, in, l, bc, bind_rows<F>(layer_input_table(cx, in, l), bc, padded_size({1, layer.in.h, layer.in.w})),
                            pooling_wiring_table(layer, g.p), acc);
}

Status verify_private_pool(PrivateContext& cx, std::span<const F> input_table, uint32_t l, const GridPoint& g,
                           const PrivateValue& acc, const LayerProof& lp, const std::string& where) {
  const Layer& layer = cx.spec.layers[l];
  const auto wiring = [&](detail::SpatialPoint zeta_i) {
    return detail::pooling_wiring_eval(detail::axis_h(layer), detail::axis_w(layer), layer.multipliers, g.p, zeta_i);
  };
  return verify_private_spatial(cx, input_table, l, concat({g.b, g.c}), acc, lp.private_channel_sum, wiring, where,
                                "pooling");
}

// ---- conv ---------------------------------------------------------------------------------------
// Two private sum-checks. The channel sum-check over (channels, kernel) of
//   acc'(rho) - I b'(rho_o) = sum_{c,k} X(c, k) W'(rho_o, c, k)
// (G groups: channel c = (g, c'), output channel rho_o = (rho_g, rho_o'), W' table (g, o', c', k):
// sum_{g,c',k} eq(rho_g, g) X((g, c'), k) W'((g, rho_o'), c', k), degree 3 with eq public),
// X(c, k) = sum_p V(rho_p, k, p) x(rho_b, c, p) the window-gathered input: a derived table, masked
// with a corner R_X of its own in the arena; W' pre-bound at the output channels rho_o (its corner
// likewise). Its X^(r_u, zeta) = (1 - r_u) X(zeta) + r_u R_X(zeta) is sent, so the spatial
// sum-check over the input positions proves X(zeta) = (X^ - r_u R_X(zeta)) / (1 - r_u) =
// sum_p x(rho_b, zeta_c, p) V(rho_p, zeta_k, p): public claim X^ / (1 - r_u), private offset
// r_u / (1 - r_u) R_X(zeta); x pre-bound at (rho_b, zeta_c) and masked unless public.
void prove_private_conv(PrivateContext& cx, const ProverInputs& in, uint32_t l, const GridPoint& g,
                        const PrivateValue& acc, LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  const int32_t weight = cx.weights.weight_table[l];
  const uint32_t cv = log2_padded(layer.in.c), channel_vars = conv_channel_vars(layer);
  const uint32_t gv = detail::group_vars(layer), degree = conv_channel_degree(layer);
  auto x_corner = cx.arena.take_corner(corner_entries(channel_vars));
  if (!x_corner) throw std::logic_error(x_corner.error());
  const auto xb = bind_rows<F>(layer_input_table(cx, in, l), g.b, padded_size(layer.in));
  std::vector<std::vector<E>> tables;
  tables.push_back(gather_windows(layer, xb, g.p));
  tables.push_back(bind_conv_weights(layer, in.pk.weights[l], g.c.subspan(gv)));
  const std::vector<MaskedTable<E>> masked{
      {0, cx.arena.corner_values(*x_corner, channel_vars)},
      {1, bind_inner_corner(cx.weight_corner_values(weight), g.c.subspan(gv),
                            detail::weight_vars(layer), gv)}};
  const auto terms = conv_channel_terms(tables, g.c, gv);
  auto mask = cx.arena.take_sumcheck(channel_vars, degree);
  if (!mask) throw std::logic_error(mask.error());
  auto cs = prove_private_sumcheck<E>(cx.transcript, std::move(tables), terms, masked, acc.public_part,
                                      offset_of(cx, acc), cx.arena.mask(*mask));
  cx.claims.push_back(
      masked_value_claim<E>(*mask, degree, cs.point, cs.rho, acc.offset_terms, cs.proof.masked_value));
  const E r_u = cs.point[0];
  const std::span<const E> zeta = std::span<const E>(cs.point).subspan(1);
  cx.claim_masked(cx.weight_ref(weight), cx.weight_corner(weight),
                  concat({zeta.first(gv), g.c.subspan(gv), zeta.subspan(gv)}), r_u, cs.proof.evaluations[1]);
  PrivateValue gathered;
  add_randomized(cx, gathered, E::one(), *x_corner, zeta, r_u, cs.proof.evaluations[0]);
  lp.private_channel_sum = std::move(cs.proof);

  const std::span<const E> zeta_c = zeta.first(cv);
  lp.private_spatial_sum =
      prove_private_spatial(cx, in, l, concat({g.b, zeta_c}), bind_channels(xb, zeta_c, padded_size({1, layer.in.h, layer.in.w})),
                            wiring_table(layer, g.p, split_kernel(zeta.subspan(cv), layer)), gathered);
}

Status verify_private_conv(PrivateContext& cx, std::span<const F> input_table, uint32_t l, const GridPoint& g,
                           const PrivateValue& acc, const LayerProof& lp, const std::string& where) {
  const Layer& layer = cx.spec.layers[l];
  const int32_t weight = cx.weights.weight_table[l];
  const uint32_t cv = log2_padded(layer.in.c), channel_vars = conv_channel_vars(layer);
  const uint32_t gv = detail::group_vars(layer), degree = conv_channel_degree(layer);
  auto x_corner = cx.arena.take_corner(corner_entries(channel_vars));
  if (!x_corner) return fail(where + x_corner.error());
  auto mask = cx.arena.take_sumcheck(channel_vars, degree);
  if (!mask) return fail(where + mask.error());
  const auto& sent = lp.private_channel_sum;
  auto cs = verify_private_sumcheck<E>(cx.transcript, channel_vars, degree, 2, acc.public_part, sent);
  if (!cs) return fail(where + "convolution channel " + cs.error());
  cx.claims.push_back(masked_value_claim<E>(*mask, degree, cs->point, cs->rho, acc.offset_terms, sent.masked_value));
  const E r_u = cs->point[0];
  const std::span<const E> zeta = std::span<const E>(cs->point).subspan(1);
  cx.claim_masked(cx.weight_ref(weight), cx.weight_corner(weight),
                  concat({zeta.first(gv), g.c.subspan(gv), zeta.subspan(gv)}), r_u, sent.evaluations[1]);
  std::vector<E> channel_evals(sent.evaluations.begin(), sent.evaluations.end());
  std::vector<SumcheckTerm<E>> channel_terms{{E::one(), {0, 1}}};
  if (gv > 0) {
    channel_evals.push_back(eq_eval<E>(g.c.first(gv), zeta.first(gv)));
    channel_terms = {{E::one(), {0, 1, 2}}};
  }
  if (private_sumcheck_final_value<E>(channel_terms, channel_evals, r_u, sent.masked_value) != cs->value)
    return fail(where + "convolution channel sum-check: final evaluation mismatch");
  PrivateValue gathered;
  add_randomized(cx, gathered, E::one(), *x_corner, zeta, r_u, sent.evaluations[0]);

  const auto wiring = [&](detail::SpatialPoint zeta_i) {
    return detail::wiring_eval(detail::axis_h(layer), detail::axis_w(layer), g.p, split_kernel(zeta.subspan(cv), layer),
                               zeta_i);
  };
  return verify_private_spatial(cx, input_table, l, concat({g.b, zeta.first(cv)}), gathered, lp.private_spatial_sum,
                                wiring, where, "convolution spatial");
}

// ---- zero-checks ----------------------------------------------------------------------------------
// sum_x Z(x) = 0 over `vars` variables, Z = sum_j c_j prod_{k in T_j} tables[k], as a private
// sum-check with public claim 0: `masked` lists the tables of layer l (position in `tables`,
// index among the layer's tables, ascending positions) masked with their corners; the others are
// public. Leaves the claims on its mask and on each masked table.
struct ZeroCheckTable {
  size_t position;
  uint32_t table;
};

PrivateSumcheckProof<E> prove_private_zero_sum(PrivateContext& cx, uint32_t l, size_t vars,
                                               std::vector<std::vector<E>> tables,
                                               std::span<const ZeroCheckTable> masked,
                                               std::span<const SumcheckTerm<E>> terms) {
  const uint32_t first = cx.layout.first[l];
  std::vector<MaskedTable<E>> corners;
  for (const auto& m : masked) corners.push_back({m.position, cx.table_corner_values(first + m.table)});
  auto zc = prove_private_value(cx, vars, 3, std::move(tables), terms, corners, {});
  const std::span<const E> point = std::span<const E>(zc.point).subspan(1);
  for (size_t k = 0; k < masked.size(); ++k)
    cx.claim_masked(cx.table_ref(first + masked[k].table), cx.table_corner(first + masked[k].table), point,
                    zc.point[0], zc.proof.evaluations[k]);
  return std::move(zc.proof);
}

// The verifier's side of prove_private_zero_sum: public(r) gives every table's value at the final
// point r (the masked positions are overwritten with the sent values). Rejects with `mismatch`.
template <class PublicValues>
Status verify_private_zero_sum(PrivateContext& cx, uint32_t l, size_t vars, std::span<const ZeroCheckTable> masked,
                               std::span<const SumcheckTerm<E>> terms, const PrivateSumcheckProof<E>& sent,
                               const PublicValues& public_values, const std::string& where, const std::string& mismatch) {
  const uint32_t first = cx.layout.first[l];
  auto zc = verify_private_value(cx, vars, 3, masked.size(), {}, sent, where, "zero-check");
  if (!zc) return fail(zc.error());
  const std::span<const E> point = std::span<const E>(zc->point).subspan(1);
  std::vector<E> evals = public_values(point);
  for (size_t k = 0; k < masked.size(); ++k) {
    cx.claim_masked(cx.table_ref(first + masked[k].table), cx.table_corner(first + masked[k].table), point,
                    zc->point[0], sent.evaluations[k]);
    evals[masked[k].position] = sent.evaluations[k];
  }
  if (private_sumcheck_final_value<E>(terms, evals, zc->point[0], sent.masked_value) != zc->value)
    return fail(where + mismatch);
  return {};
}

// ---- rewire -------------------------------------------------------------------------------------
// y(rho) = sum_k s_k + pad I_B(rho_b) P(rho_x), s_k = sum_i x_k(rho_b, i) Sel_k(rho_x, i)
// (prove_rewire_layer). Sent: y^ = (1 - rho_u) y(rho) + rho_u R_y(rho) (claimed), so that
// V = y(rho) - pad I_B P(rho_x) = public_part - o, public_part = y^ / (1 - rho_u) - pad I_B P(rho_x),
// o = rho_u / (1 - rho_u) R_y(rho) (add_randomized). With K inputs, the prover also sends, for
// k < K - 1, c_k = s_k + m_k with m_k = R_s~(k, X) (R_s the layer's share corner, X the generator
// of E over F: m_k is uniform in E); then share k is the private value c_k - m_k and the last
// share V - sum_{k<K-1} s_k = (public_part - sum_k c_k) - (o - sum_k m_k). Per input, a private
// sum-check of s_k = sum_i x_k(rho_b, i) Sel_k(rho_x, i) over input k's positions with that public
// claim and private offset: x_k (pre-bound at rho_b, its corner likewise) masked unless it is the
// public model input, Sel_k public; it ends in x_k^(r_u, rho_b, r), claimed (private_input_value).

// m_k = R_s~(k, X) as a term with coefficient c.
LinearTerm<E> share_mask_term(const PrivateContext& cx, TableRef corner, size_t k, const E& c) {
  const size_t size = cx.corner_size(corner);
  std::vector<E> point;
  for (size_t b = log2_exact(size) - 1; b-- > 0;) point.push_back((k >> b) & 1 ? E::one() : E::zero());
  point.push_back(E(F::zero(), F::one()));
  return corner_term<E>(corner, size, point, c);
}

// The rewire layer's share corner, taken from the arena (none for one input).
Result<std::optional<TableRef>> take_share_corner(PrivateContext& cx, const Layer& layer) {
  if (share_corner_size(layer) == 0) return std::optional<TableRef>{};
  auto corner = cx.arena.take_corner(share_corner_size(layer));
  if (!corner) return fail(corner.error());
  return std::optional<TableRef>(*corner);
}

// After y^ and the sent shares c_k: absorbs and claims them, and returns every share s_k as a
// private value (prover and verifier alike).
std::vector<PrivateValue> private_rewire_shares(PrivateContext& cx, uint32_t l, std::span<const E> rho, const E& rho_u,
                                                std::span<const E> eq_out, const E& y_sent, std::span<const E> sent,
                                                const std::optional<TableRef>& share_corner) {
  const Layer& layer = cx.spec.layers[l];
  const uint32_t y_table = cx.layout.first[l];
  cx.transcript.absorb("zkml/output_eval", y_sent);
  cx.transcript.absorb_all("zkml/operand_evals", sent);
  cx.claim_masked(cx.table_ref(y_table), cx.table_corner(y_table), rho, rho_u, y_sent);
  PrivateValue last{-E::from_i64(layer.pad_value) * prefix_indicator<E>(cx.batch, rho.first(cx.batch_vars)) *
                        pad_selection(layer, eq_out),
                    {}};
  add_randomized(cx, last, E::one(), cx.table_corner(y_table), rho, rho_u, y_sent);
  std::vector<PrivateValue> shares;
  for (size_t k = 0; k < sent.size(); ++k) {
    shares.push_back({sent[k], {share_mask_term(cx, *share_corner, k, E::one())}});
    last.public_part -= sent[k];
    last.offset_terms.push_back(share_mask_term(cx, *share_corner, k, -E::one()));
  }
  shares.push_back(std::move(last));
  return shares;
}

// The public outputs, when the last layer (rewire or table) shows them: y at rho, a plain claim.
void claim_shown_output(PrivateContext& cx, uint32_t l, std::span<const E> rho, std::span<const F> output_table) {
  if (l + 1 == cx.spec.layers.size() && cx.vis.output_shown())
    cx.claim_output(rho, evaluate_multilinear<E, F>(output_table, rho));
}

void prove_private_rewire(PrivateContext& cx, const ProverInputs& in, uint32_t l, LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  lp.kind = layer.kind;
  const auto [rho, rho_u] = private_requant_point(cx, layer);
  if (!check_selector(rho_u, "")) throw std::runtime_error("zkml: degenerate selector challenge, prove again");
  const std::span<const E> rho_b = std::span<const E>(rho).first(cx.batch_vars);
  const auto& y = in.tables.layer_polys[l][0];
  lp.output_eval = randomized_value(cx, y, cx.layout.first[l], rho, rho_u);
  claim_shown_output(cx, l, rho, y);
  const auto eq_out = eq_table<E>(std::span<const E>(rho).subspan(cx.batch_vars));
  std::vector<std::vector<std::vector<E>>> tables;  // per input: x_k(rho_b, .), Sel_k
  for (size_t k = 0; k < layer.inputs.size(); ++k) {
    std::vector<std::vector<E>> t;
    t.push_back(bind_rows<F>(layer_input_table(cx, in, l, k), rho_b, padded_size(input_shape(cx.spec, layer, k))));
    t.push_back(rewire_selection(cx.spec, layer, k, eq_out));
    tables.push_back(std::move(t));
  }
  auto share_corner = take_share_corner(cx, layer);
  if (!share_corner) throw std::logic_error(share_corner.error());
  for (size_t k = 0; k + 1 < layer.inputs.size(); ++k)
    lp.operand_evals.push_back(inner_product<E, E>(tables[k][0], tables[k][1]) +
                               offset_of(cx, {E::zero(), {share_mask_term(cx, **share_corner, k, E::one())}}));
  const auto shares = private_rewire_shares(cx, l, rho, rho_u, eq_out, lp.output_eval, lp.operand_evals, *share_corner);
  const std::vector<F> input_table = to_field(in.witness.input);
  const std::vector<SumcheckTerm<E>> terms{{E::one(), {0, 1}}};
  for (size_t k = 0; k < layer.inputs.size(); ++k) {
    const int64_t source = cx.input_source(l, k);
    const uint32_t vars = detail::shape_vars(input_shape(cx.spec, layer, k));
    std::vector<MaskedTable<E>> masked;
    if (source >= 0)
      masked.push_back({0, bind_corner(cx.table_corner_values(static_cast<uint32_t>(source)), rho_b,
                                       cx.batch_vars + vars, true)});
    auto mask = cx.arena.take_sumcheck(vars, 2);
    if (!mask) throw std::logic_error(mask.error());
    auto sc = prove_private_sumcheck<E>(cx.transcript, std::move(tables[k]), terms, masked, shares[k].public_part,
                                        offset_of(cx, shares[k]), cx.arena.mask(*mask));
    cx.claims.push_back(masked_value_claim<E>(*mask, 2, sc.point, sc.rho, shares[k].offset_terms, sc.proof.masked_value));
    size_t next = 0;
    private_input_value(cx, input_table, l, k, concat({rho_b, std::span<const E>(sc.point).subspan(1)}), sc.point[0],
                        sc.proof.evaluations, next);
    lp.private_input_sums.push_back(std::move(sc.proof));
  }
}

Status verify_private_rewire(PrivateContext& cx, std::span<const F> input_table, std::span<const F> output_table,
                             uint32_t l, const LayerProof& lp, const std::string& where) {
  const Layer& layer = cx.spec.layers[l];
  const size_t inputs = layer.inputs.size();
  if (lp.operand_evals.size() + 1 != inputs || lp.private_input_sums.size() != inputs)
    return fail(where + "wrong number of evaluations");
  const auto [rho, rho_u] = private_requant_point(cx, layer);
  ZK_TRY(check_selector(rho_u, where));
  const std::span<const E> rho_b = std::span<const E>(rho).first(cx.batch_vars);
  claim_shown_output(cx, l, rho, output_table);
  const auto eq_out = eq_table<E>(std::span<const E>(rho).subspan(cx.batch_vars));
  auto share_corner = take_share_corner(cx, layer);
  if (!share_corner) return fail(where + share_corner.error());
  const auto shares = private_rewire_shares(cx, l, rho, rho_u, eq_out, lp.output_eval, lp.operand_evals, *share_corner);
  const std::vector<SumcheckTerm<E>> terms{{E::one(), {0, 1}}};
  for (size_t k = 0; k < inputs; ++k) {
    const uint32_t vars = detail::shape_vars(input_shape(cx.spec, layer, k));
    auto mask = cx.arena.take_sumcheck(vars, 2);
    if (!mask) return fail(where + mask.error());
    const auto& sent = lp.private_input_sums[k];
    auto sc = verify_private_sumcheck<E>(cx.transcript, vars, 2, cx.input_source(l, k) >= 0 ? 1 : 0,
                                         shares[k].public_part, sent);
    if (!sc) return fail(where + "rewiring " + sc.error());
    cx.claims.push_back(masked_value_claim<E>(*mask, 2, sc->point, sc->rho, shares[k].offset_terms, sent.masked_value));
    const std::span<const E> r = std::span<const E>(sc->point).subspan(1);
    size_t next = 0;
    const E evals[2] = {
        private_input_value(cx, input_table, l, k, concat({rho_b, r}), sc->point[0], sent.evaluations, next),
        evaluate_multilinear<E, E>(rewire_selection(cx.spec, layer, k, eq_out), r)};
    if (private_sumcheck_final_value<E>(terms, evals, sc->point[0], sent.masked_value) != sc->value)
      return fail(where + "rewiring sum-check: final evaluation mismatch");
  }
  return {};
}

// ---- table --------------------------------------------------------------------------------------
// The rows ([c,] x, y, valid) of the layer's grid are looked up in its public table
// (table_statement) by the private LogUp, on the columns x (the input's table, or the public
// model input), y (the layer's table 0) and the public channel and validity columns, with the
// layer's table 1 as multiplicities. Nothing about x or y is sent: the LogUp's leaf claims name
// them as terms of linear claims whose values its own corners mask; the public columns' terms
// are evaluated by both sides and moved to the claims' values (claim_table_lookup). A last layer
// showing its outputs then claims y = the outputs at a point rho drawn after the lookup.

// Caller table references of the public columns, resolved before the claims leave the layer.
constexpr uint32_t kPublicColumnRef = 1u << 26;
enum PublicColumn : uint32_t { channel_column_ref, valid_column_ref, public_input_ref };

PrivateLookupRefs table_lookup_refs(const PrivateContext& cx, uint32_t l) {
  const int64_t source = cx.input_source(l);
  const auto column = [](PublicColumn c) { return PrivateContext::caller(kPublicColumnRef + c); };
  std::vector<TableRef> columns;
  if (cx.spec.layers[l].table_channels > 1) columns.push_back(column(channel_column_ref));
  columns.push_back(source >= 0 ? cx.table_ref(static_cast<uint32_t>(source)) : column(public_input_ref));
  columns.push_back(cx.table_ref(cx.layout.first[l]));
  columns.push_back(column(valid_column_ref));
  return {{columns}, cx.table_ref(cx.layout.first[l] + 1)};
}

// The lookup's claims with every public column's term c t(z) moved to the value (value - c t(z)).
void claim_table_lookup(PrivateContext& cx, uint32_t l, std::span<const F> input_table,
                        std::vector<LinearClaim<E>> claims) {
  const TensorShape& shape = cx.spec.layers[l].out;
  for (auto& claim : claims) {
    std::vector<LinearTerm<E>> kept;
    for (auto& t : claim.terms) {
      if (t.table.space != TableRef::Space::caller || t.table.index < kPublicColumnRef) {
        kept.push_back(std::move(t));
        continue;
      }
      const GridPoint g = split_grid(t.point, cx.batch_vars, shape);
      const auto c = static_cast<PublicColumn>(t.table.index - kPublicColumnRef);
      claim.value -= t.coefficient * (c == channel_column_ref ? channel_eval(g, cx.batch, shape)
                                      : c == valid_column_ref ? valid_indicator(g, cx.batch, shape)
                                                              : evaluate_multilinear<E, F>(input_table, t.point));
    }
    claim.terms = std::move(kept);
    cx.claims.push_back(std::move(claim));
  }
}

void prove_private_table(PrivateContext& cx, const ProverInputs& in, uint32_t l, LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  lp.kind = layer.kind;
  const TableLookupWitness witness(cx, in, l);
  auto lookup = prove_private_lookup<F, E>(cx.transcript, table_statement(layer, cx.batch_vars),
                                           std::span<const LookupColumns<F>>(witness.groups), witness.multiplicities,
                                           cx.arena, table_lookup_refs(cx, l));
  claim_table_lookup(cx, l, to_field(in.witness.input), std::move(lookup.claims));
  lp.private_table_lookup = std::move(lookup.proof);
  if (l + 1 == cx.spec.layers.size() && cx.vis.output_shown())
    claim_shown_output(cx, l, cx.transcript.challenges<E>("zkml/rho", cx.batch_vars + detail::shape_vars(layer.out)),
                       in.tables.layer_polys[l][0]);
}

Status verify_private_table(PrivateContext& cx, std::span<const F> input_table, std::span<const F> output_table,
                            uint32_t l, const LayerProof& lp, const std::string& where) {
  const Layer& layer = cx.spec.layers[l];
  auto claims = verify_private_lookup<F, E>(cx.transcript, table_statement(layer, cx.batch_vars), lp.private_table_lookup,
                                            cx.arena, table_lookup_refs(cx, l));
  if (!claims) return fail(where + "table " + claims.error());
  claim_table_lookup(cx, l, input_table, std::move(*claims));
  if (l + 1 == cx.spec.layers.size() && cx.vis.output_shown())
    claim_shown_output(cx, l, cx.transcript.challenges<E>("zkml/rho", cx.batch_vars + detail::shape_vars(layer.out)),
                       output_table);
  return {};
}

// The proof bytes of a zero-knowledge rewire layer (y^, the sent shares, each input's private
// sum-check) or table layer (its private LogUp), in transcript order.
void encode_private_data_layer(ByteWriter& out, const LayerProof& lp) {
  if (lp.kind == LayerKind::table) {
    lp.private_table_lookup.encode(out);
    return;
  }
  encode_element(out, lp.output_eval);
  encode_elements(out, lp.operand_evals);
  for (const auto& sum : lp.private_input_sums) sum.encode(out);
}

Result<LayerProof> decode_private_data_layer(ByteReader& in, const VerifyingKey& vk, uint32_t batch_vars,
                                             const Layer& layer) {
  LayerProof lp;
  lp.kind = layer.kind;
  if (layer.kind == LayerKind::table) {
    auto lookup = PrivateLookupProof<E>::decode(in, table_statement(layer, batch_vars));
    if (!lookup) return fail("proof: " + lookup.error());
    lp.private_table_lookup = std::move(*lookup);
    return lp;
  }
  auto output = decode_element<E>(in, "proof");
  if (!output) return fail(output.error());
  lp.output_eval = *output;
  auto shares = decode_elements(in, layer.inputs.size() - 1);
  if (!shares) return fail(shares.error());
  lp.operand_evals = std::move(*shares);
  for (size_t k = 0; k < layer.inputs.size(); ++k) {
    const bool x_private = layer.inputs[k] >= 0 || vk.visibility.input_committed();
    auto sum = PrivateSumcheckProof<E>::decode(in, detail::shape_vars(input_shape(vk.spec, layer, k)), 2, x_private ? 1 : 0);
    if (!sum) return fail("proof: " + sum.error());
    lp.private_input_sums.push_back(std::move(*sum));
  }
  return lp;
}

// ---- every requantizing layer ---------------------------------------------------------------------
// The clamp zero-check sum_x eq(tau, x) [d+ (hi - y) + gamma d- (y - lo)] = 0 (zero_check_terms),
// y and the d+/d- limbs masked.
std::vector<ZeroCheckTable> requant_zero_check_tables(const Layer& layer, uint32_t limb_bits) {
  std::vector<ZeroCheckTable> out;
  for (uint32_t i : zero_check_tables(layer, limb_bits)) out.push_back({out.size() + 1, i});
  return out;
}

void prove_private_zero_check(PrivateContext& cx, const ProverInputs& in, uint32_t l, size_t vars, LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  const auto tau = cx.transcript.challenges<E>("zkml/tau", vars);
  const E gamma = cx.transcript.challenge<E>("zkml/gamma");
  std::vector<std::vector<E>> tables;
  tables.push_back(eq_table<E>(tau));
  for (uint32_t i : zero_check_tables(layer, cx.layout.limb_bits)) tables.push_back(lift(in.tables.layer_polys[l][i]));
  lp.private_zero_check = prove_private_zero_sum(cx, l, vars, std::move(tables), requant_zero_check_tables(layer, cx.layout.limb_bits),
                                                 zero_check_terms(layer, gamma, cx.layout.limb_bits));
}

Status verify_private_zero_check(PrivateContext& cx, uint32_t l, size_t vars, const LayerProof& lp,
                                 const std::string& where) {
  const Layer& layer = cx.spec.layers[l];
  const auto tau = cx.transcript.challenges<E>("zkml/tau", vars);
  const E gamma = cx.transcript.challenge<E>("zkml/gamma");
  const auto masked = requant_zero_check_tables(layer, cx.layout.limb_bits);
  const auto public_values = [&](std::span<const E> r) {
    std::vector<E> evals(masked.size() + 1, E::zero());
    evals[0] = eq_eval<E>(tau, r);
    return evals;
  };
  return verify_private_zero_sum(cx, l, vars, masked, zero_check_terms(layer, gamma, cx.layout.limb_bits), lp.private_zero_check,
                                 public_values, where,
                                 "zero-check: final evaluation mismatch (a clamp slack is nonzero off the bound)");
}

// ---- max_pool -------------------------------------------------------------------------------------
// Tables y (output grid), D and S (K' x output grid; table 0, 1, 2). At (rho_u, rho), rho =
// (rho_k, rho_x) over K' x grid:
// - sent: D^ = D^(rho_u, rho) and G^ = (1 - rho_u) G(rho) + rho_u R_G(rho), G(k, x) = V(k, p) y(x) the
//   window-gated output (a derived table with a corner R_G of its own), so G(rho) =
//   sum_p V_rho(p) y(rho_b, rho_c, p);
// - picks: sum_k S(k, rho_x) = 2^kv S(1/2, ..., 1/2, rho_x) = I(rho_x), a linear claim on S whose value
//   is public (nothing sent);
// - output sum-check: G(rho) = sum_p V_rho(p) y(rho_b, rho_c, p), public claim G^ / (1 - rho_u), private
//   offset rho_u / (1 - rho_u) R_G(rho), y pre-bound at (rho_b, rho_c) and masked;
// - window sum-check (prove_private_spatial): G(rho) - D(rho) = sum_i x(rho_b, rho_c, i) Wire(rho_p, rho_k, i),
//   public claim (G^ - D^) / (1 - rho_u), private offset rho_u / (1 - rho_u) (R_G(rho) - R_D(rho));
// - zero-check (pool_zero_check_terms), S and D masked.
// Randomized evaluations per corner: R_G one (rho), R_D two (rho, the zero-check), R_S one (the
// zero-check), R_y one here (the output sum-check) besides its readers'.
struct PrivateMaxPool {
  std::vector<E> rho;  // (rho_k, rho_x)
  E rho_u;
  uint32_t kv = 0;
  std::span<const E> rho_x() const { return std::span<const E>(rho).subspan(kv); }
};

PrivateMaxPool private_max_pool_point(PrivateContext& cx, const Layer& layer) {
  PrivateMaxPool mp;
  mp.kv = detail::kernel_vars(layer);
  mp.rho = cx.transcript.challenges<E>("zkml/rho", mp.kv + cx.batch_vars + detail::shape_vars(layer.out));
  mp.rho_u = cx.transcript.challenge<E>("zkml/rho_u");
  return mp;
}

// After D^ and G^ (lp.gap_eval, lp.output_sum): absorbs them, claims D^ and the picks, and returns
// G(rho) and G(rho) - D(rho) as private values (prover and verifier alike).
std::pair<PrivateValue, PrivateValue> private_gap_identity(PrivateContext& cx, uint32_t l, const PrivateMaxPool& mp,
                                                           TableRef g_corner, const LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  const uint32_t first = cx.layout.first[l];
  cx.transcript.absorb("zkml/gap_eval", lp.gap_eval);
  cx.transcript.absorb("zkml/output_sum", lp.output_sum);
  cx.claim_masked(cx.table_ref(first + 1), cx.table_corner(first + 1), mp.rho, mp.rho_u, lp.gap_eval);
  std::vector<E> half(mp.kv, E::from_u64(2).inverse());
  const E valid = valid_indicator(split_grid(mp.rho_x(), cx.batch_vars, layer.out), cx.batch, layer.out);
  cx.claims.push_back({{{cx.table_ref(first + 2), concat({half, mp.rho_x()}), pow2(mp.kv)}}, valid});
  PrivateValue gated, window;
  add_randomized(cx, gated, E::one(), g_corner, mp.rho, mp.rho_u, lp.output_sum);
  window = gated;
  add_randomized(cx, window, -E::one(), cx.table_corner(first + 1), mp.rho, mp.rho_u, lp.gap_eval);
  return {gated, window};
}

// The zero-check's tables: eq(tau, .), eq(tau_x, .) repeated over k, S, D (masked), 1 - V.
constexpr ZeroCheckTable kMaxPoolMasked[2] = {{2, 2}, {3, 1}};

void prove_private_max_pool(PrivateContext& cx, const ProverInputs& in, uint32_t l, LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  lp.kind = layer.kind;
  const auto& polys = in.tables.layer_polys[l];  // y, D, S
  const uint32_t first = cx.layout.first[l];
  const PrivateMaxPool mp = private_max_pool_point(cx, layer);
  if (!check_selector(mp.rho_u, "")) throw std::runtime_error("zkml: degenerate selector challenge, prove again");
  auto g_corner = cx.arena.take_corner(corner_entries(static_cast<uint32_t>(mp.rho.size())));
  if (!g_corner) throw std::logic_error(g_corner.error());
  const GridPoint g = split_grid(mp.rho_x(), cx.batch_vars, layer.out);
  const auto k_point = split_kernel(std::span<const E>(mp.rho).first(mp.kv), layer);
  const std::vector<E> bc = concat({g.b, g.c});
  std::vector<std::vector<E>> tables;
  tables.push_back(bind_rows<F>(polys[0], bc, padded_size({1, layer.out.h, layer.out.w})));
  tables.push_back(weighted_validity_table(layer, g.p, k_point));
  lp.gap_eval = randomized_value(cx, polys[1], first + 1, mp.rho, mp.rho_u);
  lp.output_sum = (E::one() - mp.rho_u) * inner_product<E, E>(tables[0], tables[1]) +
                  mp.rho_u * corner_eval(cx.arena, *g_corner, mp.rho);
  const auto [gated, window] = private_gap_identity(cx, l, mp, *g_corner, lp);
  if (l + 1 == cx.spec.layers.size() && cx.vis.output_shown())
    cx.claim_output(mp.rho_x(), evaluate_multilinear<E, F>(polys[0], mp.rho_x()));

  const std::vector<MaskedTable<E>> masked{
      {0, bind_corner(cx.table_corner_values(first), bc, mp.rho.size() - mp.kv, true)}};
  const std::vector<SumcheckTerm<E>> terms{{E::one(), {0, 1}}};
  auto os = prove_private_value(cx, detail::spatial_vars(layer.out), 2, std::move(tables), terms, masked, gated);
  cx.claim_masked(cx.table_ref(first), cx.table_corner(first), concat({bc, std::span<const E>(os.point).subspan(1)}),
                  os.point[0], os.proof.evaluations[0]);
  lp.private_channel_sum = std::move(os.proof);

  lp.private_spatial_sum =
      prove_private_spatial(cx, in, l, bc, bind_rows<F>(layer_input_table(cx, in, l), bc, padded_size({1, layer.in.h, layer.in.w})),
                            wiring_table(layer, g.p, k_point), window);

  const auto tau = cx.transcript.challenges<E>("zkml/tau", mp.rho.size());
  const E gamma = cx.transcript.challenge<E>("zkml/gamma");
  std::vector<std::vector<E>> zc_tables;
  zc_tables.push_back(eq_table<E>(tau));
  zc_tables.push_back(repeat(eq_table<E>(std::span<const E>(tau).subspan(mp.kv)), size_t{1} << mp.kv));
  zc_tables.push_back(lift(polys[2]));
  zc_tables.push_back(lift(polys[1]));
  zc_tables.push_back(lift(invalid_window_table(layer, cx.batch_vars)));
  lp.private_zero_check = prove_private_zero_sum(cx, l, mp.rho.size(), std::move(zc_tables), kMaxPoolMasked,
                                                 pool_zero_check_terms(gamma));
}

Status verify_private_max_pool(PrivateContext& cx, std::span<const F> input_table, std::span<const F> output_table,
                               uint32_t l, const LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  const std::string where = "layer " + std::to_string(l) + " (" + layer.name + "): ";
  const uint32_t first = cx.layout.first[l];
  const PrivateMaxPool mp = private_max_pool_point(cx, layer);
  ZK_TRY(check_selector(mp.rho_u, where));
  auto g_corner = cx.arena.take_corner(corner_entries(static_cast<uint32_t>(mp.rho.size())));
  if (!g_corner) return fail(where + g_corner.error());
  const GridPoint g = split_grid(mp.rho_x(), cx.batch_vars, layer.out);
  const auto k_point = split_kernel(std::span<const E>(mp.rho).first(mp.kv), layer);
  const std::vector<E> bc = concat({g.b, g.c});
  const auto [gated, window] = private_gap_identity(cx, l, mp, *g_corner, lp);
  if (l + 1 == cx.spec.layers.size() && cx.vis.output_shown())
    cx.claim_output(mp.rho_x(), evaluate_multilinear<E, F>(output_table, mp.rho_x()));

  const auto& sent = lp.private_channel_sum;
  auto os = verify_private_value(cx, detail::spatial_vars(layer.out), 2, 1, gated, sent, where, "max-pool output");
  if (!os) return fail(os.error());
  const std::span<const E> r = std::span<const E>(os->point).subspan(1);
  cx.claim_masked(cx.table_ref(first), cx.table_corner(first), concat({bc, r}), os->point[0], sent.evaluations[0]);
  const std::vector<SumcheckTerm<E>> terms{{E::one(), {0, 1}}};
  const E evals[2] = {sent.evaluations[0],
                      detail::weighted_validity_eval(detail::axis_h(layer), detail::axis_w(layer), g.p, k_point,
                                                     detail::split_spatial(r, log2_padded(layer.out.h)))};
  if (private_sumcheck_final_value<E>(terms, evals, os->point[0], sent.masked_value) != os->value)
    return fail(where + "max-pool output sum-check: final evaluation mismatch");

  const auto wiring = [&](detail::SpatialPoint zeta_i) {
    return detail::wiring_eval(detail::axis_h(layer), detail::axis_w(layer), g.p, k_point, zeta_i);
  };
  ZK_TRY(verify_private_spatial(cx, input_table, l, bc, window, lp.private_spatial_sum, wiring, where, "max-pool window"));

  const auto tau = cx.transcript.challenges<E>("zkml/tau", mp.rho.size());
  const E gamma = cx.transcript.challenge<E>("zkml/gamma");
  const auto public_values = [&](std::span<const E> zeta) {
    const GridPoint zg = split_grid(zeta.subspan(mp.kv), cx.batch_vars, layer.out);
    const E valid = detail::validity_eval(detail::axis_h(layer), detail::axis_w(layer),
                                          split_kernel(zeta.first(mp.kv), layer), zg.p);
    return std::vector<E>{eq_eval<E>(tau, zeta), eq_eval<E>(std::span<const E>(tau).subspan(mp.kv), zeta.subspan(mp.kv)),
                          E::zero(), E::zero(), E::one() - valid};
  };
  return verify_private_zero_sum(cx, l, mp.rho.size(), kMaxPoolMasked, pool_zero_check_terms(gamma),
                                 lp.private_zero_check, public_values, where,
                                 "max-pool zero-check: final evaluation mismatch (a pick is not 0/1, off the window, "
                                 "or not at a maximum)");
}

// ---- softmax --------------------------------------------------------------------------------------
// Tables y, D, S, e, r limbs, room limbs (grid; the layer's tables 0..n-1), m (grid of rows; table
// n) and the exp lookup's multiplicities (table n + 1); rho = (rho', rho_row) splits a grid point
// into the rest and the row variables (RowSplit), s(rho') = 2^vars e(rho', 1/2, ..., 1/2):
// - exp lookup: the rows (D, e, valid) in the private LogUp against the exp table (validity public);
// - at rho, linear claims whose values are public (nothing sent):
//     D(rho) - I_L(rho_row) m(rho') + x(rho) = 0                        (gaps)
//     2^vars S(rho', 1/2) = V(rho', 0)                                   (one pick per row)
//     r(rho) + room(rho) - 2 I_L(rho_row) s(rho') = -V(rho)              (remainder bounds)
//   (the public model input's x(rho) moves to the value);
// - division: sent c = 2 hi e(rho) + I_L(rho_row) s(rho') - r(rho) + m_c, m_c = R_c~(X) (R_c a
//   2-entry corner of the layer), claimed; the private sum-check over rho' of
//   sum_{x'} 2 eq(rho', x') s(x') y(x', rho_row) with public claim c and private offset m_c, s and
//   y (bound at rho_row) masked with their corners bound likewise;
// - zero-check (softmax_zero_check_terms), S, D and y masked.
// Corner evaluations: R_e one (s^ at the division's end), R_y two (the division, the zero-check),
// R_S and R_D one each (the zero-check), R_c one; x, m, the limbs and the multiplicities none.
PrivateLookupRefs softmax_lookup_refs(const PrivateContext& cx, uint32_t l) {
  const uint32_t first = cx.layout.first[l];
  return {{{cx.table_ref(first + 1), cx.table_ref(first + 3), PrivateContext::caller(kPublicColumnRef + valid_column_ref)}},
          cx.table_ref(first + detail::polys_per_layer(cx.spec.layers[l], cx.layout.limb_bits) + 1)};
}

// The linear claims at rho with public values, then c absorbed and claimed; returns the division
// sum as the private value c - m_c (prover and verifier alike).
PrivateValue private_softmax_identities(PrivateContext& cx, std::span<const F> input_table, uint32_t l,
                                        std::span<const E> rho, TableRef c_corner, const E& c) {
  const Layer& layer = cx.spec.layers[l];
  const uint32_t first = cx.layout.first[l], n = detail::polys_per_layer(layer, cx.layout.limb_bits);
  const detail::SoftmaxRows rows = detail::softmax_rows(layer);
  const RowSplit split = row_split(layer, cx.batch_vars);
  const std::vector<E> rho_v(rho.begin(), rho.end()), rest = split.rest(rho), halves = split.with_halves(rest);
  const E in_row = prefix_indicator<E>(rows.length, split.row(rho)), scale = pow2(rows.vars);
  const auto valid_at = [&](std::span<const E> point) {
    return valid_indicator(split_grid(point, cx.batch_vars, layer.out), cx.batch, layer.out);
  };
  LinearClaim<E> gaps{{{cx.table_ref(first + 1), rho_v, E::one()}, {cx.table_ref(first + n), rest, -in_row}}, E::zero()};
  const int64_t source = cx.input_source(l);
  if (source >= 0) gaps.terms.push_back({cx.table_ref(static_cast<uint32_t>(source)), rho_v, E::one()});
  else gaps.value -= evaluate_multilinear<E, F>(input_table, rho);
  cx.claims.push_back(std::move(gaps));
  cx.claims.push_back({{{cx.table_ref(first + 2), halves, scale}},
                       valid_at(split.with_row(rest, std::vector<E>(rows.vars, E::zero())))});
  const size_t limbs = detail::softmax_limbs(layer, cx.layout.limb_bits);
  LinearClaim<E> bounds{{{cx.table_ref(first + 3), halves, -E::from_i64(2) * in_row * scale}}, -valid_at(rho)};
  LinearClaim<E> division{{{cx.table_ref(first + 3), rho_v, E::from_i64(2 * layer.hi)},
                           {cx.table_ref(first + 3), halves, in_row * scale},
                           share_mask_term(cx, c_corner, 0, E::one())},
                          c};
  for (uint32_t i = 0; i < limbs; ++i) {
    const E weight = pow2(cx.layout.limb_bits * i);
    bounds.terms.push_back({cx.table_ref(first + 4 + i), rho_v, weight});
    bounds.terms.push_back({cx.table_ref(first + 4 + static_cast<uint32_t>(limbs) + i), rho_v, weight});
    division.terms.push_back({cx.table_ref(first + 4 + i), rho_v, -weight});
  }
  cx.claims.push_back(std::move(bounds));
  cx.transcript.absorb("zkml/division_claim", c);
  cx.claims.push_back(std::move(division));
  return {c, {share_mask_term(cx, c_corner, 0, E::one())}};
}

// After the division sum-check ended at (r_u, r) with s^ and y^: their claims on e at (r, 1/2) (s^
// scaled by 2^-vars) and on y at (r, rho_row).
void claim_softmax_division(PrivateContext& cx, uint32_t l, std::span<const E> rho, std::span<const E> point,
                            std::span<const E> evals) {
  const Layer& layer = cx.spec.layers[l];
  const uint32_t first = cx.layout.first[l];
  const RowSplit split = row_split(layer, cx.batch_vars);
  const std::span<const E> r = point.subspan(1);
  cx.claim_masked(cx.table_ref(first + 3), cx.table_corner(first + 3), split.with_halves(r), point[0],
                  evals[0] * pow2(split.vars).inverse());
  cx.claim_masked(cx.table_ref(first), cx.table_corner(first), split.with_row(r, split.row(rho)), point[0], evals[1]);
}

// The zero-check's tables: eq(tau, .), S, D, y (masked), 1 - V.
constexpr ZeroCheckTable kSoftmaxMasked[3] = {{1, 2}, {2, 1}, {3, 0}};
// The division sum-check's term 2 eq(rho', .) s y.
std::vector<SumcheckTerm<E>> division_terms() { return {{E::from_i64(2), {0, 1, 2}}}; }

void prove_private_softmax(PrivateContext& cx, const ProverInputs& in, uint32_t l, LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  lp.kind = layer.kind;
  const auto& polys = in.tables.layer_polys[l];
  const uint32_t first = cx.layout.first[l], n = detail::polys_per_layer(layer, cx.layout.limb_bits);
  const detail::SoftmaxRows rows = detail::softmax_rows(layer);
  const RowSplit split = row_split(layer, cx.batch_vars);
  const std::vector<F> valid = valid_mask(layer.out, cx.batch, cx.batch_vars), input_table = to_field(in.witness.input);
  {
    const std::vector<LookupColumns<F>> groups{{polys[1], polys[3], valid}};
    auto lookup = prove_private_lookup<F, E>(cx.transcript, table_statement(layer, cx.batch_vars), groups,
                                             std::span<const F>(polys[n + 1]).first(detail::lookup_rows(layer)), cx.arena,
                                             softmax_lookup_refs(cx, l));
    claim_table_lookup(cx, l, input_table, std::move(lookup.claims));
    lp.private_table_lookup = std::move(lookup.proof);
  }
  const auto rho = cx.transcript.challenges<E>("zkml/rho", cx.batch_vars + detail::shape_vars(layer.out));
  const std::vector<E> rest = split.rest(rho), halves = split.with_halves(rest);
  auto c_corner = cx.arena.take_corner(2);
  if (!c_corner) throw std::logic_error(c_corner.error());
  const E in_row = prefix_indicator<E>(rows.length, split.row(rho)), scale = pow2(rows.vars);
  {
    const auto eq = eq_table<E>(rho);
    std::vector<E> block;
    for (uint32_t i = 0; i < n; ++i) block.push_back(inner_product<E, F>(eq, polys[i]));
    lp.output_sum = softmax_division_claim(layer, block, in_row, scale * evaluate_multilinear<E, F>(polys[3], halves), cx.layout.limb_bits) +
                    offset_of(cx, {E::zero(), {share_mask_term(cx, *c_corner, 0, E::one())}});
  }
  const PrivateValue division = private_softmax_identities(cx, input_table, l, rho, *c_corner, lp.output_sum);
  if (l + 1 == cx.spec.layers.size() && cx.vis.output_shown())
    cx.claim_output(rho, evaluate_multilinear<E, F>(polys[0], rho));

  const size_t table_vars = rho.size();
  std::vector<std::vector<E>> tables;
  tables.push_back(eq_table<E>(rest));
  tables.push_back(bind_row<F>(polys[3], rows, std::vector<E>(size_t{1} << rows.vars, E::one())));
  tables.push_back(bind_row<F>(polys[0], rows, eq_table<E>(split.row(rho))));
  std::vector<E> s_corner = bind_inner_corner(cx.table_corner_values(first + 3),
                                              std::span<const E>(halves).subspan(split.at, split.vars), table_vars, split.at);
  for (auto& v : s_corner) v *= scale;
  const std::vector<MaskedTable<E>> masked{
      {1, std::move(s_corner)},
      {2, bind_inner_corner(cx.table_corner_values(first), split.row(rho), table_vars, split.at)}};
  auto ds = prove_private_value(cx, rest.size(), 3, std::move(tables), division_terms(), masked, division);
  claim_softmax_division(cx, l, rho, ds.point, ds.proof.evaluations);
  lp.private_channel_sum = std::move(ds.proof);

  const auto tau = cx.transcript.challenges<E>("zkml/tau", rho.size());
  const E gamma = cx.transcript.challenge<E>("zkml/gamma");
  lp.private_zero_check = prove_private_zero_sum(cx, l, rho.size(), softmax_zero_check_tables(tau, polys, valid),
                                                 kSoftmaxMasked, softmax_zero_check_terms(gamma));
}

Status verify_private_softmax(PrivateContext& cx, std::span<const F> input_table, std::span<const F> output_table,
                              uint32_t l, const LayerProof& lp, const std::string& where) {
  const Layer& layer = cx.spec.layers[l];
  const RowSplit split = row_split(layer, cx.batch_vars);
  auto claims = verify_private_lookup<F, E>(cx.transcript, table_statement(layer, cx.batch_vars), lp.private_table_lookup,
                                            cx.arena, softmax_lookup_refs(cx, l));
  if (!claims) return fail(where + "softmax exp table " + claims.error());
  claim_table_lookup(cx, l, input_table, std::move(*claims));
  const auto rho = cx.transcript.challenges<E>("zkml/rho", cx.batch_vars + detail::shape_vars(layer.out));
  const std::vector<E> rest = split.rest(rho);
  auto c_corner = cx.arena.take_corner(2);
  if (!c_corner) return fail(where + c_corner.error());
  const PrivateValue division = private_softmax_identities(cx, input_table, l, rho, *c_corner, lp.output_sum);
  if (l + 1 == cx.spec.layers.size() && cx.vis.output_shown())
    cx.claim_output(rho, evaluate_multilinear<E, F>(output_table, rho));

  const auto& sent = lp.private_channel_sum;
  auto ds = verify_private_value(cx, rest.size(), 3, 2, division, sent, where, "softmax division");
  if (!ds) return fail(ds.error());
  claim_softmax_division(cx, l, rho, ds->point, sent.evaluations);
  const E evals[3] = {eq_eval<E>(rest, std::span<const E>(ds->point).subspan(1)), sent.evaluations[0], sent.evaluations[1]};
  if (private_sumcheck_final_value<E>(division_terms(), evals, ds->point[0], sent.masked_value) != ds->value)
    return fail(where + "softmax division sum-check: final evaluation mismatch");

  const auto tau = cx.transcript.challenges<E>("zkml/tau", rho.size());
  const E gamma = cx.transcript.challenge<E>("zkml/gamma");
  const auto public_values = [&](std::span<const E> zeta) {
    return std::vector<E>{eq_eval<E>(tau, zeta), E::zero(), E::zero(), E::zero(),
                          E::one() - valid_indicator(split_grid(zeta, cx.batch_vars, layer.out), cx.batch, layer.out)};
  };
  return verify_private_zero_sum(cx, l, rho.size(), kSoftmaxMasked, softmax_zero_check_terms(gamma),
                                 lp.private_zero_check, public_values, where,
                                 "softmax zero-check: final evaluation mismatch (a pick is not 0/1, off the grid or not "
                                 "at a maximum, or an output is nonzero off the grid)");
}

// A requantizing layer, zero-knowledge prover: the requantization values at (rho_u, rho), the bias
// (dense, conv: b'(rho_c) with I = I_B I_H I_W; add, mul with a constant term: b'(rho_ex) with I = I_B) at
// (rho_u, .), the kind's reduction of acc'(rho) with the resulting public claim and private offset,
// then the private zero-check.
void prove_private_layer(PrivateContext& cx, const ProverInputs& in, uint32_t l, LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  if (layer.kind == LayerKind::rewire) return prove_private_rewire(cx, in, l, lp);
  if (layer.kind == LayerKind::table) return prove_private_table(cx, in, l, lp);
  if (layer.kind == LayerKind::max_pool) return prove_private_max_pool(cx, in, l, lp);
  if (layer.kind == LayerKind::softmax) return prove_private_softmax(cx, in, l, lp);
  lp.kind = layer.kind;
  lp.constant_term = layer.constant_term;
  const auto& polys = in.tables.layer_polys[l];
  const uint32_t first = cx.layout.first[l];
  const auto [rho, rho_u] = private_requant_point(cx, layer);
  if (!check_selector(rho_u, "")) throw std::runtime_error("zkml: degenerate selector challenge, prove again");
  const GridPoint g = split_grid(rho, cx.batch_vars, layer.out);
  for (uint32_t i = 0; i < polys.size(); ++i)
    lp.requant_evals.push_back(randomized_value(cx, polys[i], first + i, rho, rho_u));
  PrivateValue acc = private_requant(cx, l, rho, rho_u, lp.requant_evals);
  if (l + 1 == cx.spec.layers.size() && cx.vis.output_shown())
    cx.claim_output(rho, evaluate_multilinear<E, F>(polys[0], rho));
  const int32_t bias = cx.weights.bias_table[l];
  const bool dense = layer.has_weights();  // dense, conv: the bias per output channel
  if (bias >= 0) {
    const std::span<const E> z = dense ? g.c : std::span<const E>(rho).subspan(cx.batch_vars);
    std::vector<F> bias_table;
    if (dense) {  // per output channel
      bias_table.assign(padded(layer.out.c), F::zero());
      for (size_t n = 0; n < layer.out.c; ++n) bias_table[n] = F::from_i64(in.pk.biases[l][n]);
    } else {
      bias_table = pad_tensor(in.pk.biases[l], 1, 0, layer.out);
    }
    lp.bias_eval = (E::one() - rho_u) * evaluate_multilinear<E, F>(bias_table, z) +
                   rho_u * corner_eval(cx.arena, cx.weight_corner(bias), z);
    private_bias(cx, l, acc, z, dense ? bias_indicator(g, cx.batch, layer.out) : prefix_indicator<E>(cx.batch, g.b),
                 rho_u, lp.bias_eval);
  }
  if (layer.kind == LayerKind::dense) {
    prove_private_dense(cx, in, l, g, acc, lp);
  } else if (layer.kind == LayerKind::conv) {
    prove_private_conv(cx, in, l, g, acc, lp);
  } else if (layer.kind == LayerKind::add) {
    for (size_t i = 0; i < layer.inputs.size(); ++i)
      lp.operand_evals.push_back(randomized_value(cx, layer_input_table(cx, in, l, i), cx.input_source(l, i), rho, rho_u));
    private_add_identity(cx, l, rho, rho_u, lp.operand_evals, std::move(acc));
  } else if (layer.kind == LayerKind::mul) {
    prove_private_product(cx, in, l, rho, acc, lp);
  } else {
    prove_private_pool(cx, in, l, g, acc, lp);
  }
  prove_private_zero_check(cx, in, l, rho.size(), lp);
}

// The verifier's side of prove_private_layer.
Status verify_private_layer(PrivateContext& cx, std::span<const F> input_table, std::span<const F> output_table,
                            uint32_t l, const LayerProof& lp) {
  const Layer& layer = cx.spec.layers[l];
  if (layer.kind == LayerKind::max_pool) return verify_private_max_pool(cx, input_table, output_table, l, lp);
  const std::string where = "layer " + std::to_string(l) + " (" + layer.name + "): ";
  if (layer.kind == LayerKind::rewire) return verify_private_rewire(cx, input_table, output_table, l, lp, where);
  if (layer.kind == LayerKind::table) return verify_private_table(cx, input_table, output_table, l, lp, where);
  if (layer.kind == LayerKind::softmax) return verify_private_softmax(cx, input_table, output_table, l, lp, where);
  if (lp.requant_evals.size() != detail::polys_per_layer(layer, cx.layout.limb_bits)) return fail(where + "wrong number of evaluations");
  const auto [rho, rho_u] = private_requant_point(cx, layer);
  ZK_TRY(check_selector(rho_u, where));
  const GridPoint g = split_grid(rho, cx.batch_vars, layer.out);
  PrivateValue acc = private_requant(cx, l, rho, rho_u, lp.requant_evals);
  if (l + 1 == cx.spec.layers.size() && cx.vis.output_shown())
    cx.claim_output(rho, evaluate_multilinear<E, F>(output_table, rho));
  const bool dense = layer.has_weights();  // dense, conv: the bias per output channel
  if (cx.weights.bias_table[l] >= 0)
    private_bias(cx, l, acc, dense ? g.c : std::span<const E>(rho).subspan(cx.batch_vars),
                 dense ? bias_indicator(g, cx.batch, layer.out) : prefix_indicator<E>(cx.batch, g.b), rho_u, lp.bias_eval);
  if (layer.kind == LayerKind::dense) {
    ZK_TRY(verify_private_dense(cx, input_table, l, g, acc, lp, where));
  } else if (layer.kind == LayerKind::conv) {
    ZK_TRY(verify_private_conv(cx, input_table, l, g, acc, lp, where));
  } else if (layer.kind == LayerKind::add) {
    if (lp.operand_evals.size() != layer.inputs.size()) return fail(where + "wrong number of evaluations");
    for (size_t i = 0; i < layer.inputs.size(); ++i)
      if (cx.input_source(l, i) < 0 && evaluate_multilinear<E, F>(input_table, rho) != lp.operand_evals[i])
        return fail(where + "the input evaluation does not match the public input");
    private_add_identity(cx, l, rho, rho_u, lp.operand_evals, std::move(acc));
  } else if (layer.kind == LayerKind::mul) {
    ZK_TRY(verify_private_product(cx, input_table, l, rho, acc, lp, where));
  } else {
    ZK_TRY(verify_private_pool(cx, input_table, l, g, acc, lp, where));
  }
  return verify_private_zero_check(cx, l, rho.size(), lp, where);
}

// The linear claims as sum claims on the commitments (weights..., T, M): caller tables map to
// the weight tables, T's tables and the range groups' columns (affine images of T's tables, whose
// constants move to the value), arena segments to M (a mask's E table as its two coordinates).
std::vector<pcs::SumClaim> to_sum_claims(const PrivateContext& cx, std::span<const LinearClaim<E>> claims,
                                         std::span<const std::vector<F>> public_weights) {
  const uint32_t t_commitment = cx.t_commitment();
  const CombinedLayout& masks = cx.combined;
  const E x = E(F::zero(), F::one());
  const auto groups = detail::range_groups(cx.spec, cx.extras);
  std::vector<pcs::SumClaim> out;
  for (const auto& claim : claims) {
    pcs::SumClaim sc{{}, claim.value};
    for (const auto& t : claim.terms) {
      const uint32_t i = t.table.index;
      if (t.table.space == TableRef::Space::caller && i == kInputRef) {
        sc.terms.push_back({{t_commitment + 1, 0}, t.point, t.coefficient});
      } else if (t.table.space == TableRef::Space::arena) {
        sc.terms.push_back({{t_commitment, 0}, masks.mask_point(i, 0, t.point), t.coefficient});
        if (cx.arena.shapes()[i].kind == MaskShape::Kind::sumcheck)
          sc.terms.push_back({{t_commitment, 0}, masks.mask_point(i, 1, t.point), t.coefficient * x});
      } else if (i >= kGroupRef) {
        const auto& group = groups[i - kGroupRef];
        const uint32_t cv = log2_padded(group.columns.size());
        const std::span<const E> u = std::span<const E>(t.point).first(cv), z = std::span<const E>(t.point).subspan(cv);
        const auto eq = eq_table<E>(u);
        const uint32_t first = cx.layout.first[group.layer];
        for (size_t c = 0; c < group.columns.size(); ++c) {
          const auto& column = group.columns[c];
          sc.terms.push_back({{t_commitment, 0}, masks.t_point(cx.layout.point(first + column.table, z)),
                              t.coefficient * eq[c] * E::from_i64(column.scale)});
          sc.value -= t.coefficient * eq[c] * E::from_i64(column.offset);
        }
      } else if (i >= kWeightRef && !public_weights.empty()) {
        sc.value -= t.coefficient * evaluate_multilinear<E, F>(public_weights[i - kWeightRef], t.point);
      } else if (i >= kWeightRef) {
        sc.terms.push_back({cx.weights.ref(i - kWeightRef, 0), cx.weights.point(i - kWeightRef, t.point), t.coefficient});
      } else {
        sc.terms.push_back({{t_commitment, 0}, masks.t_point(cx.layout.point(i, t.point)), t.coefficient});
      }
    }
    out.push_back(std::move(sc));
  }
  return out;
}


std::vector<LookupColumns<F>> single_column_groups(const std::vector<std::vector<F>>& values) {
  std::vector<LookupColumns<F>> groups;
  for (const auto& v : values) groups.push_back({std::span<const F>(v)});
  return groups;
}

std::vector<std::vector<TableRef>> range_group_refs(const ModelSpec& spec, const detail::ProofExtras& extras) {
  std::vector<std::vector<TableRef>> refs;
  for (uint32_t g = 0; g < detail::range_groups(spec, extras).size(); ++g)
    refs.push_back({PrivateContext::caller(kGroupRef + g)});
  return refs;
}

// Claims, zero-knowledge: the form limbs at (rho_u, rho) randomized as every sent value; the form
// value F^ = sum_i 2^(16 i) e_i gives the private sum-check over the last layer's grid the public
// claim F^ / (1 - rho_u) - c(rho) and the private offset rho_u / (1 - rho_u) sum_i 2^(16 i) R_i(rho);
// y is masked, the selection table S public.
struct PrivateClaimsStart {
  E public_claim;
  std::vector<LinearTerm<E>> offset_terms;
};

// After the form limbs' randomized values are known: absorbs them, claims each, and returns the
// claims sum-check's public claim and offset terms (prover and verifier alike).
PrivateClaimsStart private_claims_start(PrivateContext& cx, std::span<const LinearForm> forms, std::span<const E> rho,
                                        const E& rho_u, std::span<const E> form_evals) {
  const uint32_t first = cx.layout.first[static_cast<uint32_t>(cx.layout.forms_slot)];
  PrivateClaimsStart st;
  cx.transcript.absorb_all("zkml/form_evals", form_evals);
  const E inv = (E::one() - rho_u).inverse();
  for (uint32_t i = 0; i < form_evals.size(); ++i) {
    const TableRef corner = cx.table_corner(first + i);
    cx.claim_masked(cx.table_ref(first + i), corner, rho, rho_u, form_evals[i]);
    st.offset_terms.push_back(corner_term<E>(corner, cx.corner_size(corner), rho, pow2(cx.layout.limb_bits * i) * rho_u * inv));
  }
  st.public_claim = recombine(form_evals, cx.layout.limb_bits) * inv - claims_constant(forms, cx.batch, split_claims_point(rho, cx.batch_vars));
  return st;
}

void prove_private_claims(PrivateContext& cx, const ProverTables& tables, Proof& proof) {
  const auto slot = static_cast<uint32_t>(cx.layout.forms_slot);
  const uint32_t first = cx.layout.first[slot];
  const auto rho = cx.transcript.challenges<E>("zkml/claims_rho", forms_grid_vars(cx.layout));
  const E rho_u = cx.transcript.challenge<E>("zkml/claims_rho_u");
  if (!check_selector(rho_u, "")) throw std::runtime_error("zkml: degenerate selector challenge, prove again");
  {
    const auto eq = eq_table<E>(rho);
    for (uint32_t i = 0; i < tables.layer_polys[slot].size(); ++i)
      proof.form_evals.push_back((E::one() - rho_u) * inner_product<E, F>(eq, tables.layer_polys[slot][i]) +
                                 rho_u * corner_eval(cx.arena, cx.table_corner(first + i), rho));
  }
  const PrivateClaimsStart st = private_claims_start(cx, proof.forms, rho, rho_u, proof.form_evals);
  E offset = E::zero();
  for (const auto& t : st.offset_terms) offset += t.coefficient * evaluate_multilinear<E, F>(cx.arena.corner_of(t.table.index), t.point);
  const auto last = static_cast<uint32_t>(cx.spec.layers.size() - 1);
  const uint32_t y_table = cx.layout.first[last];
  std::vector<std::vector<E>> sc_tables;
  sc_tables.push_back(lift(tables.layer_polys[last][0]));
  sc_tables.push_back(claims_selection_table(cx.spec, proof.forms, cx.batch, split_claims_point(rho, cx.batch_vars)));
  const std::vector<MaskedTable<E>> masked{{0, cx.table_corner_values(y_table)}};
  auto mask = cx.arena.take_sumcheck(cx.batch_vars + detail::shape_vars(cx.spec.layers[last].out), 2);
  if (!mask) throw std::logic_error(mask.error());
  const std::vector<SumcheckTerm<E>> terms{{E::one(), {0, 1}}};
  auto sc = prove_private_sumcheck<E>(cx.transcript, std::move(sc_tables), terms, masked, st.public_claim, offset,
                                      cx.arena.mask(*mask));
  cx.claims.push_back(masked_value_claim<E>(*mask, 2, sc.point, sc.rho, st.offset_terms, sc.proof.masked_value));
  cx.claim_masked(cx.table_ref(y_table), cx.table_corner(y_table), std::span<const E>(sc.point).subspan(1), sc.point[0],
                  sc.proof.evaluations[0]);
  proof.private_claims_sum = std::move(sc.proof);
}

Status verify_private_claims(PrivateContext& cx, const Proof& proof) {
  const auto slot = static_cast<uint32_t>(cx.layout.forms_slot);
  if (proof.form_evals.size() != cx.layout.blocks[slot][0].count) return fail("claims: wrong number of evaluations");
  const auto rho = cx.transcript.challenges<E>("zkml/claims_rho", forms_grid_vars(cx.layout));
  const E rho_u = cx.transcript.challenge<E>("zkml/claims_rho_u");
  ZK_TRY(check_selector(rho_u, "claims: "));
  const auto st = private_claims_start(cx, proof.forms, rho, rho_u, proof.form_evals);
  const auto last = static_cast<uint32_t>(cx.spec.layers.size() - 1);
  const uint32_t y_table = cx.layout.first[last];
  const uint32_t vars = cx.batch_vars + detail::shape_vars(cx.spec.layers[last].out);
  auto mask = cx.arena.take_sumcheck(vars, 2);
  if (!mask) return fail("claims: " + mask.error());
  const auto& sent = proof.private_claims_sum;
  auto sc = verify_private_sumcheck<E>(cx.transcript, vars, 2, 1, st.public_claim, sent);
  if (!sc) return fail("claims: " + sc.error());
  cx.claims.push_back(masked_value_claim<E>(*mask, 2, sc->point, sc->rho, st.offset_terms, sent.masked_value));
  const std::span<const E> r = std::span<const E>(sc->point).subspan(1);
  cx.claim_masked(cx.table_ref(y_table), cx.table_corner(y_table), r, sc->point[0], sent.evaluations[0]);
  const std::vector<SumcheckTerm<E>> terms{{E::one(), {0, 1}}};
  const E evals[2] = {sent.evaluations[0],
                      claims_selection_eval(cx.spec, proof.forms, cx.batch, split_claims_point(rho, cx.batch_vars), r,
                                            cx.batch_vars)};
  if (private_sumcheck_final_value<E>(terms, evals, sc->point[0], sent.masked_value) != sc->value)
    return fail("claims: sum-check: final evaluation mismatch (the form values are not the claims' forms of the outputs)");
  return {};
}

// A hashed input in zero knowledge: its own commitment C and T's input block agree at a random
// point z of C's variables, C~(z) - T_in~(0, ..., 0, z) = 0 (T's rows past the padded batch are
// the leading row variables, zero): a linear claim with the public value 0, nothing sent.
void claim_private_input_link(PrivateContext& cx) {
  const uint32_t own_rows = log2_padded(cx.batch);
  const auto z = input_link_point(cx.transcript, cx.spec, own_rows);
  std::vector<E> t_point(cx.batch_vars - own_rows, E::zero());
  t_point.insert(t_point.end(), z.begin(), z.end());
  const uint32_t input_table = cx.layout.first[static_cast<size_t>(cx.layout.input_slot)];
  cx.claims.push_back({{{cx.table_ref(input_table), std::move(t_point), E::one()},
                        {PrivateContext::caller(kInputRef), z, -E::one()}},
                       E::zero()});
}

// The corners of every per-proof and weight table are taken first, in table order.
Status take_table_corners(PrivateContext& cx) {
  for (size_t t = 0; t < cx.plan.table_corner.size(); ++t)
    if (cx.plan.table_corner[t] >= 0 && !cx.arena.take_corner(cx.corner_size(cx.table_corner(static_cast<uint32_t>(t)))))
      return fail("zkml: mask arena out of order");
  for (size_t w = 0; w < cx.plan.weight_corner.size(); ++w)
    if (!cx.arena.take_corner(cx.corner_size(cx.weight_corner(static_cast<int32_t>(w)))))
      return fail("zkml: mask arena out of order");
  return {};
}

Result<Proof> prove_private(const ProvingKey& pk, uint32_t batch, std::span<const int64_t> input, Proof proof,
                            const Witness& witness, const ProverTables& tables, const detail::ProofExtras& extras) {
  const ModelSpec& spec = pk.vk.spec;
  const Visibilities& vis = pk.vk.visibility;
  const auto layout = detail::proof_layout(spec, batch, extras);
  if (layout.num_vars > pcs::kMaxVars) return fail("zkml: batch too large to commit");
  const auto weight_layout = detail::weight_layout(spec);
  const PrivatePlan plan = private_plan(spec, batch, layout, extras, weight_layout);
  const pcs::Seed seed = pcs::os_seed();
  pcs::KeccakStream rng(seed, 0x7a6b6d6c, 0);
  MaskArena<F, E> arena(plan.shapes, rng);
  const CombinedLayout combined = combined_layout(plan.shapes, layout);
  if (combined.num_vars > pcs::kMaxVars) return fail("zkml: batch too large to commit");

  proof.zero_knowledge = true;
  if (vis.input_shown()) proof.input.assign(input.begin(), input.end());
  if (vis.output_shown()) proof.output = tables.output;
  std::vector<pcs::CommittedPolynomials> committed;
  {
    const std::vector<F> packed = pack_combined(combined, pack_tables(layout, tables), arena);
    const std::span<const F> span(packed);
    pcs::Params params = pk.vk.params;
    params.hiding_tail_vars = combined.free_tail_vars();
    auto c = pcs::commit(std::span<const std::span<const F>>(&span, 1), params);
    if (!c) return fail("zkml: commitment: " + c.error());
    proof.commitments.push_back(c->commitment());
    committed.push_back(std::move(*c));
  }
  if (vis.input == Visibility::hashed) {
    auto c = commit_padded_input(pk.vk, batch, input);
    if (!c) return fail(c.error());
    proof.commitments.push_back(c->commitment());
    committed.push_back(std::move(*c));
  }
  Transcript transcript(kTranscriptLabel);
  absorb_statement(transcript, pk.vk, proof);
  PrivateContext cx{transcript, spec, vis, batch, detail::row_vars(spec, batch, extras.input), layout, weight_layout, extras, plan, combined, arena, {}, {}};
  ZK_TRY(take_table_corners(cx));
  if (vis.input == Visibility::hashed) claim_private_input_link(cx);
  try {
    if (layout.range_checked) {
      const auto values = range_group_values(spec, extras, tables);
      const auto groups = single_column_groups(values);
      auto lookup = prove_private_lookup<F, E>(transcript, lookup_statement(spec, layout, extras),
                                               std::span<const LookupColumns<F>>(groups),
                                               std::span<const F>(tables.multiplicities), arena,
                                               PrivateLookupRefs{range_group_refs(spec, extras), cx.table_ref(layout.multiplicities)});
      proof.private_lookup = std::move(lookup.proof);
      for (auto& c : lookup.claims) cx.claims.push_back(std::move(c));
    }
    const ProverInputs inputs{pk, witness, tables};
    for (uint32_t l = 0; l < spec.layers.size(); ++l) {
      LayerProof lp;
      prove_private_layer(cx, inputs, l, lp);
      proof.layers.push_back(std::move(lp));
    }
    if (!proof.forms.empty()) prove_private_claims(cx, tables, proof);
  } catch (const std::runtime_error& e) {
    return fail(e.what());
  }
  std::vector<const pcs::CommittedPolynomials*> all;
  for (const auto& c : pk.committed) all.push_back(&c);
  for (const auto& c : committed) all.push_back(&c);
  const auto public_weights =
      vis.weights_shown() ? detail::weight_tables(spec, pk.vk.weights, pk.vk.biases) : std::vector<std::vector<F>>{};
  const auto sum_claims = to_sum_claims(cx, cx.claims, public_weights);
  auto opening = pcs::open(pk.vk.params, all, cx.public_claims, sum_claims, transcript);
  if (!opening) return fail("zkml: opening: " + opening.error());
  proof.opening = opening->serialize();
  return proof;
}

Result<std::vector<int64_t>> verify_private(const VerifyingKey& vk, const Proof& proof) {
  const ModelSpec& spec = vk.spec;
  const Visibilities& vis = vk.visibility;
  const uint32_t batch = proof.batch;
  const detail::ProofExtras extras = proof_extras(vk, proof.forms.size(), proof.batch);
  const auto layout = detail::proof_layout(spec, batch, extras);
  const auto weight_layout = detail::weight_layout(spec);
  const PrivatePlan plan = private_plan(spec, batch, layout, extras, weight_layout);
  const CombinedLayout combined = combined_layout(plan.shapes, layout);
  if (proof.commitments.size() != (vis.input == Visibility::hashed ? 2u : 1u))
    return fail("proof: wrong number of commitments");
  {
    const auto& c = proof.commitments[0];
    if (c.num_vars != combined.num_vars || c.num_polys != 1 || c.rate_bits != vk.params.rate_bits ||
        c.num_vars > pcs::kMaxVars || !c.hiding)
      return fail("proof: commitment 0 has the wrong shape");
  }
  if (vis.input == Visibility::hashed) {
    const auto& c = proof.commitments[1];
    if (c.num_vars != log2_padded(batch) + detail::shape_vars(spec.input) || c.num_polys != 1 ||
        c.rate_bits != vk.params.rate_bits || !c.hiding)
      return fail("proof: the input commitment has the wrong shape");
  }
  if (proof.layers.size() != spec.layers.size()) return fail("proof: wrong number of layers");
  Transcript transcript(kTranscriptLabel);
  absorb_statement(transcript, vk, proof);
  MaskArena<F, E> arena(plan.shapes);
  PrivateContext cx{transcript, spec, vis, batch, detail::row_vars(spec, batch, extras.input), layout, weight_layout, extras, plan, combined, arena, {}, {}};
  if (!take_table_corners(cx)) return fail("proof: mask arena out of order");
  if (vis.input == Visibility::hashed) claim_private_input_link(cx);
  if (layout.range_checked) {
    auto claims = verify_private_lookup<F, E>(transcript, lookup_statement(spec, layout, extras), proof.private_lookup,
                                              arena, PrivateLookupRefs{range_group_refs(spec, extras), cx.table_ref(layout.multiplicities)});
    if (!claims) return fail("range check: " + claims.error());
    for (auto& c : *claims) cx.claims.push_back(std::move(c));
  }
  const std::vector<F> input_table = vis.input_shown() ? pad_tensor(proof.input, batch, cx.batch_vars, spec.input) : std::vector<F>{};
  const std::vector<F> output_table =
      vis.output_shown() ? pad_tensor(proof.output, batch, cx.batch_vars, spec.layers.back().out) : std::vector<F>{};
  for (uint32_t l = 0; l < spec.layers.size(); ++l)
    ZK_TRY(verify_private_layer(cx, input_table, output_table, l, proof.layers[l]));
  if (!proof.forms.empty()) ZK_TRY(verify_private_claims(cx, proof));
  std::vector<pcs::Commitment> commitments = vk.weight_commitments;
  commitments.insert(commitments.end(), proof.commitments.begin(), proof.commitments.end());
  const auto public_weights =
      vis.weights_shown() ? detail::weight_tables(spec, vk.weights, vk.biases) : std::vector<std::vector<F>>{};
  const auto sum_claims = to_sum_claims(cx, cx.claims, public_weights);
  auto opening = pcs::OpeningProof::deserialize(proof.opening, vk.params, commitments, cx.public_claims, sum_claims);
  if (!opening) return fail("opening: " + opening.error());
  auto opened = pcs::verify(vk.params, commitments, cx.public_claims, sum_claims, *opening, transcript);
  if (!opened) return fail("opening: " + opened.error());
  return proof.output;
}

}  // namespace

// ---- Encoding ----------------------------------------------------------------------------------

std::vector<uint8_t> Proof::to_bytes() const {
  ByteWriter out;
  for (char c : std::string_view("ZKMLPF")) out.u8(static_cast<uint8_t>(c));
  out.u32(kProofVersion);
  out.u32(batch);
  for (int64_t v : input) out.u64(static_cast<uint64_t>(v));
  for (int64_t v : output) out.u64(static_cast<uint64_t>(v));
  out.u32(static_cast<uint32_t>(claims.size()));
  for (const auto& text : claims) {
    out.u32(static_cast<uint32_t>(text.size()));
    out.raw(std::string_view(text));
  }
  out.u32(static_cast<uint32_t>(forms.size()));
  for (const LinearForm& f : forms) {
    for (size_t t = 0; t < 2; ++t) {
      out.u32(f.index[t]);
      out.u64(static_cast<uint64_t>(f.coeff[t]));
    }
    out.u64(static_cast<uint64_t>(f.constant));
  }
  out.u32(static_cast<uint32_t>(commitments.size()));
  for (const auto& c : commitments) c.serialize(out);
  if (commitments.size() == 2 && !zero_knowledge) encode_element(out, input_link);  // hashed input, plain
  if (zero_knowledge) {
    if (!private_lookup.layers.empty()) private_lookup.encode(out);
    for (const LayerProof& lp : layers) {  // the fields its kind uses, in transcript order
      if (lp.kind == LayerKind::rewire || lp.kind == LayerKind::table) {
        encode_private_data_layer(out, lp);
        continue;
      }
      if (lp.kind == LayerKind::softmax) {
        lp.private_table_lookup.encode(out);
        encode_element(out, lp.output_sum);
        lp.private_channel_sum.encode(out);
        lp.private_zero_check.encode(out);
        continue;
      }
      if (lp.kind == LayerKind::max_pool) {
        encode_element(out, lp.gap_eval);
        encode_element(out, lp.output_sum);
      }
      encode_elements(out, lp.requant_evals);
      if (lp.kind == LayerKind::dense || lp.kind == LayerKind::conv || lp.constant_term) encode_element(out, lp.bias_eval);
      if (lp.kind == LayerKind::add)
        encode_elements(out, lp.operand_evals);
      else
        lp.private_channel_sum.encode(out);
      if (lp.kind == LayerKind::conv || lp.kind == LayerKind::max_pool) lp.private_spatial_sum.encode(out);
      lp.private_zero_check.encode(out);
    }
    if (!forms.empty()) {
      encode_elements(out, form_evals);
      private_claims_sum.encode(out);
    }
    out.u32(static_cast<uint32_t>(opening.size()));
    out.raw(std::span<const uint8_t>(opening));
    return std::move(out).take();
  }
  if (!lookup.groups.empty()) {  // the range checks, when the model has any
    lookup.encode(out);
    for (const auto& values : range_evals) encode_elements(out, values);
  }
  // Per layer, the fields its kind uses, in transcript order (LayerProof).
  for (const LayerProof& lp : layers) {
    if (lp.kind == LayerKind::softmax) {
      lp.lookup.encode(out);
      encode_elements(out, lp.requant_evals);
      encode_element(out, lp.row_max_eval);
      encode_element(out, lp.input_eval);
      encode_elements(out, lp.row_evals);
      lp.channel_sum.encode(out);
      encode_elements(out, lp.operand_evals);
      lp.zero_check.encode(out);
      encode_elements(out, lp.zero_check_evals);
      continue;
    }
    if (lp.kind == LayerKind::table) {
      lp.lookup.encode(out);
      continue;
    }
    if (lp.kind == LayerKind::rewire) {
      encode_element(out, lp.output_eval);
      encode_elements(out, lp.operand_evals);
      for (size_t k = 0; k < lp.input_sums.size(); ++k) {
        lp.input_sums[k].encode(out);
        encode_element(out, lp.input_evals[k]);
      }
      continue;
    }
    if (lp.kind == LayerKind::max_pool) {
      encode_element(out, lp.gap_eval);
      encode_elements(out, lp.pick_evals);
      encode_element(out, lp.output_sum);
      lp.output_check.encode(out);
      encode_element(out, lp.output_eval);
    } else if (lp.kind == LayerKind::add || lp.kind == LayerKind::mul) {
      encode_elements(out, lp.requant_evals);
      if (lp.constant_term) encode_element(out, lp.bias_eval);
      if (lp.kind == LayerKind::mul) lp.channel_sum.encode(out);
      encode_elements(out, lp.operand_evals);
    } else {
      encode_elements(out, lp.requant_evals);
      if (lp.kind == LayerKind::dense || lp.kind == LayerKind::conv) {
        encode_element(out, lp.bias_eval);
        lp.channel_sum.encode(out);
        encode_element(out, lp.kind == LayerKind::conv ? lp.gathered_eval : lp.input_eval);
        encode_element(out, lp.weight_eval);
      }
    }
    if (lp.kind == LayerKind::conv || lp.kind == LayerKind::sum_pool || lp.kind == LayerKind::max_pool) {
      lp.spatial_sum.encode(out);
      encode_element(out, lp.input_eval);
    }
    lp.zero_check.encode(out);
    encode_elements(out, lp.zero_check_evals);
  }
  if (!forms.empty()) {
    encode_elements(out, form_evals);
    claims_sum.encode(out);
    encode_element(out, claims_output_eval);
  }
  out.u32(static_cast<uint32_t>(opening.size()));
  out.raw(std::span<const uint8_t>(opening));
  return std::move(out).take();
}

namespace {

// A max_pool layer's fields in zero-knowledge mode: D^, G^, the output, window and zero-check
// private sum-checks (prove_private_max_pool).
Result<LayerProof> decode_private_max_pool(ByteReader& in, const Layer& layer, uint32_t batch_vars, bool x_private) {
  LayerProof lp;
  lp.kind = layer.kind;
  auto values = decode_elements(in, 2);
  if (!values) return fail(values.error());
  lp.gap_eval = (*values)[0];
  lp.output_sum = (*values)[1];
  auto output = PrivateSumcheckProof<E>::decode(in, detail::spatial_vars(layer.out), 2, 1);
  if (!output) return fail("proof: " + output.error());
  lp.private_channel_sum = std::move(*output);
  auto window = PrivateSumcheckProof<E>::decode(in, detail::spatial_vars(layer.in), 2, x_private ? 1 : 0);
  if (!window) return fail("proof: " + window.error());
  lp.private_spatial_sum = std::move(*window);
  auto zc = PrivateSumcheckProof<E>::decode(in, detail::kernel_vars(layer) + batch_vars + detail::shape_vars(layer.out), 3, 2);
  if (!zc) return fail("proof: " + zc.error());
  lp.private_zero_check = std::move(*zc);
  return lp;
}

// A softmax layer's fields in zero-knowledge mode: the exp lookup, c, the division and zero-check
// private sum-checks (prove_private_softmax).
Result<LayerProof> decode_private_softmax(ByteReader& in, const Layer& layer, uint32_t batch_vars) {
  LayerProof lp;
  lp.kind = layer.kind;
  auto lookup = PrivateLookupProof<E>::decode(in, table_statement(layer, batch_vars));
  if (!lookup) return fail("proof: " + lookup.error());
  lp.private_table_lookup = std::move(*lookup);
  auto c = decode_element<E>(in, "proof");
  if (!c) return fail(c.error());
  lp.output_sum = *c;
  const uint32_t vars = batch_vars + detail::shape_vars(layer.out);
  auto division = PrivateSumcheckProof<E>::decode(in, vars - detail::softmax_rows(layer).vars, 3, 2);
  if (!division) return fail("proof: " + division.error());
  lp.private_channel_sum = std::move(*division);
  auto zc = PrivateSumcheckProof<E>::decode(in, vars, 3, 3);
  if (!zc) return fail("proof: " + zc.error());
  lp.private_zero_check = std::move(*zc);
  return lp;
}

}  // namespace

Result<Proof> Proof::from_bytes(const VerifyingKey& vk, std::span<const uint8_t> bytes) {
  const ModelSpec& spec = vk.spec;
  ByteReader in(bytes);
  auto magic = in.take(6);
  if (!magic || std::string_view(reinterpret_cast<const char*>(magic->data()), 6) != "ZKMLPF")
    return fail("proof: not a zkinfer proof");
  auto version = in.u32();
  if (!version) return fail("proof: " + version.error());
  if (*version != kProofVersion) return fail("proof: unsupported version " + std::to_string(*version));
  auto batch = in.u32();
  if (!batch) return fail("proof: " + batch.error());
  if (*batch == 0 || *batch > kMaxBatch) return fail("proof: batch size out of bounds");
  Proof proof;
  proof.batch = *batch;
  auto input = decode_i64s(in, vk.visibility.input_shown() ? size_t{proof.batch} * spec.input_features() : 0);
  if (!input) return fail(input.error());
  proof.input = std::move(*input);
  auto output = decode_i64s(in, vk.visibility.output_shown() ? size_t{proof.batch} * spec.output_features() : 0);
  if (!output) return fail(output.error());
  proof.output = std::move(*output);
  proof.zero_knowledge = spec.zero_knowledge;
  auto claim_count = in.u32();
  if (!claim_count) return fail("proof: " + claim_count.error());
  if (*claim_count > kMaxClaims) return fail("proof: too many claims");
  for (uint32_t c = 0; c < *claim_count; ++c) {
    auto text = decode_sized(in, kMaxClaimBytes, "claim");
    if (!text) return fail(text.error());
    proof.claims.emplace_back(text->begin(), text->end());
  }
  auto form_count = in.u32();
  if (!form_count) return fail("proof: " + form_count.error());
  if (*form_count > kMaxForms || in.remaining() / 32 < *form_count) return fail("proof: bad form count");
  for (uint32_t j = 0; j < *form_count; ++j) {
    LinearForm f;
    for (size_t t = 0; t < 2; ++t) {
      auto index = in.u32();
      auto coeff = in.u64();
      if (!index || !coeff) return fail("proof: truncated forms");
      f.index[t] = *index;
      f.coeff[t] = static_cast<int64_t>(*coeff);
    }
    auto constant = in.u64();
    if (!constant) return fail("proof: truncated forms");
    f.constant = static_cast<int64_t>(*constant);
    proof.forms.push_back(f);
  }
  const detail::ProofExtras extras = proof_extras(vk, proof.forms.size(), proof.batch);
  const auto layout = detail::proof_layout(spec, proof.batch, extras);
  if (layout.num_vars > pcs::kMaxVars) return fail("proof: batch size out of bounds");
  auto count = in.u32();
  if (!count) return fail("proof: " + count.error());
  if (*count != (vk.visibility.input == Visibility::hashed ? 2u : 1u)) return fail("proof: wrong number of commitments");
  for (uint32_t g = 0; g < *count; ++g) {
    auto c = pcs::Commitment::deserialize(in);
    if (!c) return fail("proof: " + c.error());
    proof.commitments.push_back(*c);
  }
  if (vk.visibility.input == Visibility::hashed && !spec.zero_knowledge) {
    auto link = decode_element<E>(in, "proof");
    if (!link) return fail(link.error());
    proof.input_link = *link;
  }
  if (spec.zero_knowledge) {
    if (detail::has_range_checks(spec, extras)) {
      auto lookup = PrivateLookupProof<E>::decode(in, lookup_statement(spec, layout, extras));
      if (!lookup) return fail("proof: " + lookup.error());
      proof.private_lookup = std::move(*lookup);
    }
    const uint32_t batch_vars = batch_vars_of(vk, proof.batch);
    for (uint32_t l = 0; l < spec.layers.size(); ++l) {
      const Layer& layer = spec.layers[l];
      if (layer.kind == LayerKind::rewire || layer.kind == LayerKind::table) {
        auto data = decode_private_data_layer(in, vk, batch_vars, layer);
        if (!data) return fail(data.error());
        proof.layers.push_back(std::move(*data));
        continue;
      }
      if (layer.kind == LayerKind::softmax) {
        auto lp = decode_private_softmax(in, layer, batch_vars);
        if (!lp) return fail(lp.error());
        proof.layers.push_back(std::move(*lp));
        continue;
      }
      if (layer.kind == LayerKind::max_pool) {
        auto lp = decode_private_max_pool(in, layer, batch_vars, layer.inputs[0] >= 0 || vk.visibility.input_committed());
        if (!lp) return fail(lp.error());
        proof.layers.push_back(std::move(*lp));
        continue;
      }
      LayerProof lp;
      lp.kind = layer.kind;
      lp.constant_term = layer.constant_term;
      auto evals = decode_elements(in, detail::polys_per_layer(layer, layout.limb_bits));
      if (!evals) return fail(evals.error());
      lp.requant_evals = std::move(*evals);
      if (layer.has_weights() || layer.constant_term) {
        auto bias = decode_element<E>(in, "proof");
        if (!bias) return fail(bias.error());
        lp.bias_eval = *bias;
      }
      const bool x_private = layer.inputs[0] >= 0 || vk.visibility.input_committed();
      if (layer.kind == LayerKind::add) {
        auto operands = decode_elements(in, layer.inputs.size());
        if (!operands) return fail(operands.error());
        lp.operand_evals = std::move(*operands);
      } else {
        auto sum = layer.kind == LayerKind::dense
                       ? PrivateSumcheckProof<E>::decode(in, detail::shape_vars(layer.in), 2, x_private ? 2 : 1)
                   : layer.kind == LayerKind::conv
                       ? PrivateSumcheckProof<E>::decode(in, conv_channel_vars(layer), conv_channel_degree(layer), 2)
                   : layer.kind == LayerKind::mul
                       ? PrivateSumcheckProof<E>::decode(in, product_vars(layer, batch_vars), 3,
                                                         private_operands(layer, vk.visibility.input_committed()))
                       : PrivateSumcheckProof<E>::decode(in, detail::spatial_vars(layer.in), 2, x_private ? 1 : 0);
        if (!sum) return fail("proof: " + sum.error());
        lp.private_channel_sum = std::move(*sum);
      }
      if (layer.kind == LayerKind::conv) {
        auto spatial = PrivateSumcheckProof<E>::decode(in, detail::spatial_vars(layer.in), 2, x_private ? 1 : 0);
        if (!spatial) return fail("proof: " + spatial.error());
        lp.private_spatial_sum = std::move(*spatial);
      }
      auto zc = PrivateSumcheckProof<E>::decode(in, batch_vars + detail::shape_vars(layer.out), 3,
                                                zero_check_tables(layer, layout.limb_bits).size());
      if (!zc) return fail("proof: " + zc.error());
      lp.private_zero_check = std::move(*zc);
      proof.layers.push_back(std::move(lp));
    }
    if (!proof.forms.empty()) {
      auto evals = decode_elements(in, layout.blocks[static_cast<size_t>(layout.forms_slot)][0].count);
      if (!evals) return fail(evals.error());
      proof.form_evals = std::move(*evals);
      auto sc = PrivateSumcheckProof<E>::decode(in, batch_vars + detail::shape_vars(spec.layers.back().out), 2, 1);
      if (!sc) return fail("proof: " + sc.error());
      proof.private_claims_sum = std::move(*sc);
    }
    auto opening_size = in.length(in.remaining(), "proof: opening");
    if (!opening_size) return fail(opening_size.error());
    auto opening = in.take(*opening_size);
    if (!opening) return fail("proof: " + opening.error());
    proof.opening.assign(opening->begin(), opening->end());
    auto end = in.expect_end();
    if (!end) return fail("proof: " + end.error());
    return proof;
  }
  if (detail::has_range_checks(spec, extras)) {
    auto lookup = LookupProof<E>::decode(in, lookup_statement(spec, layout, extras));
    if (!lookup) return fail("proof: " + lookup.error());
    proof.lookup = std::move(*lookup);
    for (const auto& group : detail::range_groups(spec, extras)) {
      auto values = decode_elements(in, layout.blocks[group.layer][group.block].count);
      if (!values) return fail(values.error());
      proof.range_evals.push_back(std::move(*values));
    }
  }
  const uint32_t batch_vars = batch_vars_of(vk, proof.batch);
  auto element = [&](E& out) -> Status {
    auto v = decode_element<E>(in, "proof");
    if (!v) return fail(v.error());
    out = *v;
    return {};
  };
  auto elements = [&](std::vector<E>& out, size_t n) -> Status {
    auto v = decode_elements(in, n);
    if (!v) return fail(v.error());
    out = std::move(*v);
    return {};
  };
  auto sumcheck = [&](SumcheckProof<E>& out, size_t vars, size_t degree) -> Status {
    auto v = SumcheckProof<E>::decode(in, vars, degree);
    if (!v) return fail("proof: " + v.error());
    out = std::move(*v);
    return {};
  };
  for (const auto& layer : spec.layers) {
    LayerProof lp;
    lp.kind = layer.kind;
    lp.constant_term = layer.constant_term;
    const uint32_t out_vars = batch_vars + detail::shape_vars(layer.out);
    const uint32_t kv = detail::kernel_vars(layer);
    if (layer.kind == LayerKind::rewire) {
      ZK_TRY(element(lp.output_eval));
      ZK_TRY(elements(lp.operand_evals, layer.inputs.size()));
      for (size_t k = 0; k < layer.inputs.size(); ++k) {
        lp.input_sums.emplace_back();
        ZK_TRY(sumcheck(lp.input_sums.back(), detail::shape_vars(input_shape(spec, layer, k)), 2));
        lp.input_evals.emplace_back();
        ZK_TRY(element(lp.input_evals.back()));
      }
      proof.layers.push_back(std::move(lp));
      continue;
    }
    if (layer.kind == LayerKind::softmax) {
      auto lookup = LookupProof<E>::decode(in, table_statement(layer, batch_vars));
      if (!lookup) return fail("proof: " + lookup.error());
      lp.lookup = std::move(*lookup);
      ZK_TRY(elements(lp.requant_evals, detail::polys_per_layer(layer, layout.limb_bits)));
      ZK_TRY(element(lp.row_max_eval));
      ZK_TRY(element(lp.input_eval));
      ZK_TRY(elements(lp.row_evals, 2));
      ZK_TRY(sumcheck(lp.channel_sum, out_vars - detail::softmax_rows(layer).vars, 3));
      ZK_TRY(elements(lp.operand_evals, 2));
      ZK_TRY(sumcheck(lp.zero_check, out_vars, 3));
      ZK_TRY(elements(lp.zero_check_evals, detail::polys_per_layer(layer, layout.limb_bits)));
      proof.layers.push_back(std::move(lp));
      continue;
    }
    if (layer.kind == LayerKind::table) {
      auto lookup = LookupProof<E>::decode(in, table_statement(layer, batch_vars));
      if (!lookup) return fail("proof: " + lookup.error());
      lp.lookup = std::move(*lookup);
      proof.layers.push_back(std::move(lp));
      continue;
    }
    if (layer.kind == LayerKind::max_pool) {
      ZK_TRY(element(lp.gap_eval));
      ZK_TRY(elements(lp.pick_evals, size_t{1} << kv));
      ZK_TRY(element(lp.output_sum));
      ZK_TRY(sumcheck(lp.output_check, detail::spatial_vars(layer.out), 2));
      ZK_TRY(element(lp.output_eval));
    } else if (layer.kind == LayerKind::add || layer.kind == LayerKind::mul) {
      ZK_TRY(elements(lp.requant_evals, detail::polys_per_layer(layer, layout.limb_bits)));
      if (layer.constant_term) ZK_TRY(element(lp.bias_eval));
      if (layer.kind == LayerKind::mul) ZK_TRY(sumcheck(lp.channel_sum, out_vars, 3));
      ZK_TRY(elements(lp.operand_evals, layer.kind == LayerKind::mul ? 2 : layer.inputs.size()));
    } else {
      ZK_TRY(elements(lp.requant_evals, detail::polys_per_layer(layer, layout.limb_bits)));
      if (layer.has_weights()) {
        ZK_TRY(element(lp.bias_eval));
        const bool conv = layer.kind == LayerKind::conv;
        const uint32_t vars = conv ? log2_padded(layer.in.c) + kv : detail::shape_vars(layer.in);
        ZK_TRY(sumcheck(lp.channel_sum, vars, conv && detail::group_vars(layer) > 0 ? 3 : 2));
        ZK_TRY(element(conv ? lp.gathered_eval : lp.input_eval));
        ZK_TRY(element(lp.weight_eval));
      }
    }
    if (layer.kind == LayerKind::conv || layer.kind == LayerKind::sum_pool || layer.kind == LayerKind::max_pool) {
      ZK_TRY(sumcheck(lp.spatial_sum, detail::spatial_vars(layer.in), 2));
      ZK_TRY(element(lp.input_eval));
    }
    const bool pool = layer.kind == LayerKind::max_pool;
    ZK_TRY(sumcheck(lp.zero_check, pool ? kv + out_vars : out_vars, 3));
    ZK_TRY(elements(lp.zero_check_evals, pool ? 2 : detail::polys_per_layer(layer, layout.limb_bits)));
    proof.layers.push_back(std::move(lp));
  }
  if (!proof.forms.empty()) {
    ZK_TRY(elements(proof.form_evals, extras.form_limbs()));
    ZK_TRY(sumcheck(proof.claims_sum, batch_vars + detail::shape_vars(spec.layers.back().out), 2));
    ZK_TRY(element(proof.claims_output_eval));
  }
  auto opening = decode_sized(in, in.remaining(), "opening");
  if (!opening) return fail(opening.error());
  proof.opening.assign(opening->begin(), opening->end());
  auto end = in.expect_end();
  if (!end) return fail("proof: " + end.error());
  return proof;
}

Result<Proof> verify_bytes(const VerifyingKey& vk, std::span<const uint8_t> bytes,
                           std::optional<std::span<const int64_t>> expected_input,
                           std::optional<std::span<const int64_t>> expected_output) {
  auto proof = Proof::from_bytes(vk, bytes);
  if (!proof) return proof;
  auto verified = verify(vk, *proof, expected_input, expected_output);
  if (!verified) return fail(verified.error());
  return proof;
}

}  // namespace zk::zkml
