// The zkml prover and verifier (docs/zkml.md, "Protocol"). Both follow one transcript schedule:
//   absorb vk digest, batch, input, output, the per-proof commitments;
//   LogUp range argument over [0, 2^16) for every range column;
//   per layer l: rho; requant evaluations; b'(rho_n); matrix-vector sum-check; its evaluations;
//                tau, gamma; zero-check sum-check; its evaluations;
//   one batched PCS opening of every claim on the weight and per-proof commitments.
#include <algorithm>
#include <stdexcept>

#include "zkml/layout.hpp"
#include "zkml/zkml.hpp"

namespace zk::zkml {

namespace {

__extension__ typedef __int128 i128;
using detail::log2_padded;

constexpr const char* kTranscriptLabel = "zkinfer/zkml/v1";

size_t padded(uint64_t n) { return size_t{1} << log2_padded(n); }

std::vector<F> to_field(std::span<const int64_t> values) {
  std::vector<F> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = F::from_i64(values[i]);
  return out;
}

// Row-major rows x cols values zero-padded into a 2^ceil(log rows) x 2^ceil(log cols) table.
std::vector<F> pad_matrix(std::span<const int64_t> values, size_t rows, size_t cols) {
  const size_t cols_pad = padded(cols);
  std::vector<F> out(padded(rows) * cols_pad, F::zero());
  for (size_t i = 0; i < rows; ++i)
    for (size_t j = 0; j < cols; ++j) out[i * cols_pad + j] = F::from_i64(values[i * cols + j]);
  return out;
}

E pow2(uint32_t e) { return E(F::from_u64(uint64_t{1} << e)); }

// sum_i 2^(16 i) limbs[i]
E recombine(std::span<const E> limbs) {
  E acc = E::zero();
  for (size_t i = limbs.size(); i-- > 0;) acc = acc * pow2(kLimbBits) + limbs[i];
  return acc;
}

// acc'(rho) = 2^k (y + d+ - d-) + r - 2^(k-1) from the evaluations y, r limbs, d+ limbs, d- limbs.
E accumulator_from_requant(const DenseLayer& layer, std::span<const E> evals) {
  const size_t lr = layer.remainder_limbs(), ld = layer.slack_limbs();
  const E y = evals[0];
  const E r = recombine(evals.subspan(1, lr));
  const E d_plus = recombine(evals.subspan(1 + lr, ld));
  const E d_minus = recombine(evals.subspan(1 + lr + ld, ld));
  return pow2(layer.shift) * (y + d_plus - d_minus) + r - pow2(layer.shift - 1);
}

// Zero-check terms over tables (eq, y, d+ limbs, d- limbs):
//   sum_x eq(tau, x) [d+(x) (hi - y(x)) + gamma d-(x) (y(x) - lo)] = 0.
std::vector<SumcheckTerm<E>> zero_check_terms(const DenseLayer& layer, const E& gamma) {
  const size_t ld = layer.slack_limbs();
  std::vector<SumcheckTerm<E>> terms;
  for (size_t i = 0; i < ld; ++i) {
    const E weight = pow2(static_cast<uint32_t>(kLimbBits * i));
    const size_t plus = 2 + i, minus = 2 + ld + i;
    terms.push_back({weight * E::from_i64(layer.hi), {0, plus}});
    terms.push_back({-weight, {0, plus, 1}});
    terms.push_back({gamma * weight, {0, minus, 1}});
    terms.push_back({-(gamma * weight * E::from_i64(layer.lo)), {0, minus}});
  }
  return terms;
}

LookupStatement<F> lookup_statement(const ModelSpec& spec, uint32_t batch) {
  LookupStatement<F> statement{LookupTable<F>::range(kLimbBits), {}};
  for (const auto& column : detail::range_columns(spec))
    statement.group_sizes.push_back(padded(batch) * padded(spec.layers[column.layer].out_features));
  return statement;
}

void absorb_statement(Transcript& t, const VerifyingKey& vk, const Proof& proof) {
  t.absorb_digest("zkml/vk", vk.digest());
  t.absorb_u64("zkml/batch", proof.batch);
  const auto input = to_field(proof.input), output = to_field(proof.output);
  t.absorb_all("zkml/input", std::span<const F>(input));
  t.absorb_all("zkml/output", std::span<const F>(output));
  for (const auto& c : proof.commitments) {
    ByteWriter w;
    c.serialize(w);
    t.absorb_bytes("zkml/commitment", w.bytes());
  }
}

std::vector<E> concat(std::span<const E> a, std::span<const E> b) {
  std::vector<E> out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// Indices (within a layer's tables) of y and the slack limbs: the zero-check's committed tables.
std::vector<uint32_t> zero_check_tables(const DenseLayer& layer) {
  std::vector<uint32_t> out{0};
  const uint32_t first = 1 + layer.remainder_limbs();
  for (uint32_t i = 0; i < 2 * layer.slack_limbs(); ++i) out.push_back(first + i);
  return out;
}

// All of layer l's tables evaluated at z (values absorbed by the caller) become ONE claim on the
// packed table: s <- E^slot_vars (drawn now), T(block_bits(l), s, z) = sum_i eq(s, i) v_i. If some
// v_i != P_i(z), both sides are distinct multilinear polynomials in s (slots past the layer's
// tables count as 0 on the right): they agree with probability <= slot_vars / |E|.
void claim_layer_values(Transcript& t, const detail::ProofLayout& layout, uint32_t proof_commitment, uint32_t l,
                        std::span<const E> z, std::span<const E> values, std::vector<pcs::EvalClaim>& claims) {
  const auto slots = t.challenges<E>("zkml/slots", layout.slot_vars[l]);
  const auto eq = eq_table<E>(slots);
  E combined = E::zero();
  for (size_t i = 0; i < values.size(); ++i) combined += eq[i] * values[i];
  claims.push_back({{proof_commitment, 0}, layout.layer_point(l, slots, z), combined});
}

void encode_elements(ByteWriter& out, std::span<const E> values) {
  for (const E& v : values) v.to_bytes(out.extend(E::BYTES));
}

Result<std::vector<E>> decode_elements(ByteReader& in, size_t count) {
  std::vector<E> out;
  for (size_t i = 0; i < count; ++i) {
    auto v = decode_element<E>(in, "proof");
    if (!v) return fail(v.error());
    out.push_back(*v);
  }
  return out;
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

}  // namespace

// ---- Witness -----------------------------------------------------------------------------------

Result<Witness> compute_witness(const ProvingKey& pk, uint32_t batch, std::span<const int64_t> input) {
  const ModelSpec& spec = pk.vk.spec;
  if (batch == 0 || batch > kMaxBatch) return fail("zkml: batch size out of bounds");
  if (input.size() != size_t{batch} * spec.input_features)
    return fail("zkml: the input has " + std::to_string(input.size()) + " values, expected " +
                std::to_string(size_t{batch} * spec.input_features));
  for (int64_t v : input)
    if (v < -spec.input_bound || v > spec.input_bound) return fail("zkml: quantized input out of range");
  Witness w;
  w.batch = batch;
  const size_t b_pad = padded(batch);
  size_t k_pad = padded(spec.input_features);
  w.input.assign(b_pad * k_pad, 0);
  for (size_t b = 0; b < batch; ++b)
    for (size_t j = 0; j < spec.input_features; ++j) w.input[b * k_pad + j] = input[b * spec.input_features + j];
  const std::vector<int64_t>* x = &w.input;
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const DenseLayer& layer = spec.layers[l];
    const size_t n = layer.out_features, n_pad = padded(n), size = b_pad * n_pad;
    const auto& weights = pk.weights[l];
    LayerWitness lw;
    lw.acc.assign(size, 0);
    for (size_t b = 0; b < batch; ++b) {
      parallel_for(n, 256, [&](size_t begin, size_t end) {
        std::vector<i128> sums(end - begin, 0);
        for (size_t j = 0; j < layer.in_features; ++j) {
          const int64_t xv = (*x)[b * k_pad + j];
          if (xv == 0) continue;
          const int64_t* row = weights.data() + j * n;
          for (size_t c = begin; c < end; ++c) sums[c - begin] += static_cast<i128>(xv) * row[c];
        }
        for (size_t c = begin; c < end; ++c) {
          const i128 total = sums[c - begin] + pk.biases[l][c];
          if (total >= (i128{1} << 62) || total <= -(i128{1} << 62))
            throw std::logic_error("zkml: accumulator outside its static bound");
          lw.acc[b * n_pad + c] = static_cast<int64_t>(total);
        }
      });
    }
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
    w.layers.push_back(std::move(lw));
    x = &w.layers.back().y;
    k_pad = n_pad;
  }
  return w;
}

namespace {

// Limbs of v in base 2^16; the top limb keeps every remaining bit (so the limbs recombine to v
// exactly, and an out-of-range v shows up as an out-of-range top limb).
void append_limbs(std::vector<std::vector<F>>& polys, const std::vector<int64_t>& values, uint32_t bits) {
  const uint32_t count = (bits + kLimbBits - 1) / kLimbBits;
  for (uint32_t i = 0; i < count; ++i) {
    std::vector<F> limb(values.size());
    for (size_t x = 0; x < values.size(); ++x) {
      const int64_t shifted = values[x] >> (kLimbBits * i);
      limb[x] = F::from_i64(i + 1 == count ? shifted : (shifted & 0xffff));
    }
    polys.push_back(std::move(limb));
  }
}

std::vector<std::vector<F>> range_column_values(const ModelSpec& spec, const ProverTables& tables) {
  std::vector<std::vector<F>> columns;
  for (const auto& c : detail::range_columns(spec)) {
    const auto& source = tables.layer_polys[c.layer][c.table];
    const F scale = F::from_i64(c.scale), offset = F::from_i64(c.offset);
    std::vector<F> values(source.size());
    for (size_t i = 0; i < source.size(); ++i) values[i] = scale * source[i] + offset;
    columns.push_back(std::move(values));
  }
  return columns;
}

ProverTables derive_tables(const ModelSpec& spec, const Witness& w) {
  ProverTables tables;
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const DenseLayer& layer = spec.layers[l];
    const LayerWitness& lw = w.layers[l];
    std::vector<std::vector<F>> polys;
    polys.push_back(to_field(lw.y));
    append_limbs(polys, lw.r, layer.shift);
    append_limbs(polys, lw.d_plus, layer.slack_bits);
    append_limbs(polys, lw.d_minus, layer.slack_bits);
    tables.layer_polys.push_back(std::move(polys));
  }
  // Multiplicities of the values inside [0, 2^16); values outside (only in a tampered witness)
  // are not counted, and the verifier rejects the lookup.
  std::vector<uint64_t> counts(size_t{1} << kLimbBits, 0);
  for (const auto& column : range_column_values(spec, tables))
    for (const F& v : column)
      if (v.value() < counts.size()) ++counts[v.value()];
  tables.multiplicities.resize(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) tables.multiplicities[i] = F::from_u64(counts[i]);
  const DenseLayer& last = spec.layers.back();
  const size_t n_pad = padded(last.out_features);
  for (size_t b = 0; b < w.batch; ++b)
    for (size_t n = 0; n < last.out_features; ++n) tables.output.push_back(w.layers.back().y[b * n_pad + n]);
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
  place(layout.multiplicities, tables.multiplicities);
  return packed;
}

// x~(rho_b, j) for every j: the batch variables of a B' x K' table bound to rho_b.
std::vector<E> bind_rows(std::span<const F> table, std::span<const E> rho_b, size_t cols) {
  const auto eq = eq_table<E>(rho_b);
  std::vector<E> out(cols, E::zero());
  parallel_for(cols, kPolyGrain, [&](size_t begin, size_t end) {
    for (size_t b = 0; b < eq.size(); ++b)
      for (size_t j = begin; j < end; ++j) out[j] += eq[b] * table[b * cols + j];
  });
  return out;
}

// W'~(j, rho_n) for every j < K' from the K x N integer weights (zero rows past K).
std::vector<E> bind_columns(std::span<const int64_t> weights, size_t k, size_t n, size_t k_pad,
                            std::span<const E> rho_n) {
  const auto eq = eq_table<E>(rho_n);
  std::vector<E> out(k_pad, E::zero());
  parallel_for(k, 64, [&](size_t begin, size_t end) {
    for (size_t j = begin; j < end; ++j) {
      E acc = E::zero();
      for (size_t c = 0; c < n; ++c) acc += eq[c] * F::from_i64(weights[j * n + c]);
      out[j] = acc;
    }
  });
  return out;
}

std::vector<E> lift(std::span<const F> table) {
  std::vector<E> out(table.size());
  for (size_t i = 0; i < table.size(); ++i) out[i] = E(table[i]);
  return out;
}

}  // namespace

// ---- Prover ------------------------------------------------------------------------------------

Result<Proof> prove(const ProvingKey& pk, uint32_t batch, std::span<const int64_t> input, const ProverHooks* hooks) {
  const ModelSpec& spec = pk.vk.spec;
  auto witness = compute_witness(pk, batch, input);
  if (!witness) return fail(witness.error());
  if (hooks && hooks->on_witness) hooks->on_witness(*witness);
  ProverTables tables = derive_tables(spec, *witness);
  if (hooks && hooks->on_tables) hooks->on_tables(tables);

  const auto layout = detail::proof_layout(spec, batch);
  if (layout.num_vars > pcs::kMaxVars) return fail("zkml: batch too large to commit");
  std::vector<pcs::CommittedPolynomials> committed;
  Proof proof;
  proof.batch = batch;
  proof.input.assign(input.begin(), input.end());
  proof.output = tables.output;
  {
    const std::vector<F> packed = pack_tables(layout, tables);
    const std::span<const F> packed_span(packed);
    auto c = pcs::commit(std::span<const std::span<const F>>(&packed_span, 1), pk.vk.params);
    if (!c) return fail("zkml: commitment: " + c.error());
    proof.commitments.push_back(c->commitment());
    committed.push_back(std::move(*c));
  }

  Transcript transcript(kTranscriptLabel);
  absorb_statement(transcript, pk.vk, proof);
  const auto weight_layout = detail::weight_layout(spec);
  const auto proof_offset = static_cast<uint32_t>(pk.committed.size());
  std::vector<pcs::EvalClaim> claims;
  auto claim_on = [&](uint32_t l, uint32_t table, std::vector<E> point, E value) {
    claims.push_back({{proof_offset, 0}, layout.point(layout.first[l] + table, point), value});
  };

  // Range checks.
  {
    const auto statement = lookup_statement(spec, batch);
    const auto column_values = range_column_values(spec, tables);
    std::vector<LookupColumns<F>> groups;
    for (const auto& v : column_values) groups.push_back({std::span<const F>(v)});
    auto lookup = prove_lookup<F, E>(transcript, statement, groups, tables.multiplicities);
    const auto columns = detail::range_columns(spec);
    for (size_t g = 0; g < columns.size(); ++g) {
      const auto& c = columns[g];
      const E value = (lookup.claims.witness[g].values[0] - E::from_i64(c.offset)) * E::from_i64(c.scale).inverse();
      claim_on(c.layer, c.table, lookup.claims.witness[g].point, value);
    }
    claims.push_back({{proof_offset, 0}, layout.point(layout.multiplicities, lookup.claims.multiplicity_point),
                      lookup.claims.multiplicity_value});
    proof.lookup = std::move(lookup.proof);
  }

  const uint32_t batch_vars = log2_padded(batch);
  for (uint32_t l = 0; l < spec.layers.size(); ++l) {
    const DenseLayer& layer = spec.layers[l];
    const auto& polys = tables.layer_polys[l];
    const uint32_t out_vars = log2_padded(layer.out_features);
    LayerProof lp;

    // Requantization identity at rho.
    const auto rho = transcript.challenges<E>("zkml/rho", batch_vars + out_vars);
    const std::span<const E> rho_b(rho.data(), batch_vars), rho_n(rho.data() + batch_vars, out_vars);
    {
      const auto eq = eq_table<E>(rho);
      for (const auto& p : polys) lp.requant_evals.push_back(inner_product<E, F>(eq, p));
    }
    transcript.absorb_all("zkml/requant_evals", std::span<const E>(lp.requant_evals));
    claim_layer_values(transcript, layout, proof_offset, l, rho, lp.requant_evals, claims);

    // acc'(rho) - I_B(rho_b) b'(rho_n) = sum_j x(rho_b, j) W'(j, rho_n).
    const std::vector<F> bias_table = pad_matrix(pk.biases[l], 1, layer.out_features);
    lp.bias_eval = evaluate_multilinear<E, F>(bias_table, rho_n);
    transcript.absorb("zkml/bias_eval", lp.bias_eval);
    claims.push_back({weight_layout.ref(2 * l + 1, 0), std::vector<E>(rho_n.begin(), rho_n.end()), lp.bias_eval});
    const E claim = accumulator_from_requant(layer, lp.requant_evals) -
                    prefix_indicator<E>(batch, rho_b) * lp.bias_eval;
    const size_t k_pad = padded(layer.in_features);
    std::vector<F> previous_table;
    if (l == 0) previous_table = to_field(witness->input);
    const std::span<const F> x_table = l == 0 ? std::span<const F>(previous_table) : std::span<const F>(tables.layer_polys[l - 1][0]);
    std::vector<std::vector<E>> mm_tables;
    mm_tables.push_back(bind_rows(x_table, rho_b, k_pad));
    mm_tables.push_back(bind_columns(pk.weights[l], layer.in_features, layer.out_features, k_pad, rho_n));
    const std::vector<SumcheckTerm<E>> mm_terms{{E::one(), {0, 1}}};
    auto mm = prove_sumcheck<E, E>(transcript, std::move(mm_tables), mm_terms, claim);
    lp.matmul = std::move(mm.proof);
    lp.input_eval = mm.table_evaluations[0];
    lp.weight_eval = mm.table_evaluations[1];
    const E mm_evals[2] = {lp.input_eval, lp.weight_eval};
    transcript.absorb_all("zkml/matmul_evals", std::span<const E>(mm_evals));
    if (l > 0) claim_on(l - 1, 0, concat(rho_b, mm.point), lp.input_eval);
    claims.push_back({weight_layout.ref(2 * l, 0), concat(mm.point, rho_n), lp.weight_eval});

    // Zero-check: sum_x eq(tau, x) [d+ (hi - y) + gamma d- (y - lo)] = 0.
    const auto tau = transcript.challenges<E>("zkml/tau", batch_vars + out_vars);
    const E gamma = transcript.challenge<E>("zkml/gamma");
    const auto zc_indices = zero_check_tables(layer);
    std::vector<std::vector<E>> zc_tables;
    zc_tables.push_back(eq_table<E>(tau));
    for (uint32_t i : zc_indices) zc_tables.push_back(lift(polys[i]));
    const auto zc_terms = zero_check_terms(layer, gamma);
    auto zc = prove_sumcheck<E, E>(transcript, std::move(zc_tables), zc_terms, E::zero());
    lp.zero_check = std::move(zc.proof);
    {
      const auto eq = eq_table<E>(zc.point);
      for (const auto& p : polys) lp.zero_check_evals.push_back(inner_product<E, F>(eq, p));
    }
    transcript.absorb_all("zkml/zero_check_evals", std::span<const E>(lp.zero_check_evals));
    claim_layer_values(transcript, layout, proof_offset, l, zc.point, lp.zero_check_evals, claims);
    proof.layers.push_back(std::move(lp));
  }

  std::vector<const pcs::CommittedPolynomials*> all;
  for (const auto& c : pk.committed) all.push_back(&c);
  for (const auto& c : committed) all.push_back(&c);
  auto opening = pcs::open(pk.vk.params, all, claims, transcript);
  if (!opening) return fail("zkml: opening: " + opening.error());
  proof.opening = opening->serialize();
  return proof;
}

// ---- Verifier ----------------------------------------------------------------------------------

Result<std::vector<int64_t>> verify(const VerifyingKey& vk, const Proof& proof,
                                    std::optional<std::span<const int64_t>> expected_input,
                                    std::optional<std::span<const int64_t>> expected_output) {
  const ModelSpec& spec = vk.spec;
  const uint32_t batch = proof.batch;
  if (batch == 0 || batch > kMaxBatch) return fail("proof: batch size out of bounds");
  if (proof.input.size() != size_t{batch} * spec.input_features) return fail("proof: wrong input size");
  if (proof.output.size() != size_t{batch} * spec.output_features()) return fail("proof: wrong output size");
  for (int64_t v : proof.input)
    if (v < -spec.input_bound || v > spec.input_bound) return fail("proof: input value out of range");
  for (int64_t v : proof.output)
    if (v < spec.layers.back().lo || v > spec.layers.back().hi) return fail("proof: output value out of range");
  if (expected_input && !std::equal(expected_input->begin(), expected_input->end(), proof.input.begin(), proof.input.end()))
    return fail("the proof is for a different input");
  if (expected_output &&
      !std::equal(expected_output->begin(), expected_output->end(), proof.output.begin(), proof.output.end()))
    return fail("the proof's outputs differ from the claimed outputs");
  const auto layout = detail::proof_layout(spec, batch);
  if (proof.commitments.size() != 1) return fail("proof: wrong number of commitments");
  {
    const auto& c = proof.commitments[0];
    if (c.num_vars != layout.num_vars || c.num_polys != 1 || c.rate_bits != vk.params.rate_bits ||
        c.num_vars > pcs::kMaxVars)
      return fail("proof: commitment 0 has the wrong shape");
  }
  if (proof.layers.size() != spec.layers.size()) return fail("proof: wrong number of layers");

  Transcript transcript(kTranscriptLabel);
  absorb_statement(transcript, vk, proof);
  const auto weight_layout = detail::weight_layout(spec);
  const auto proof_offset = static_cast<uint32_t>(vk.weight_commitments.size());
  std::vector<pcs::EvalClaim> claims;
  auto claim_on = [&](uint32_t l, uint32_t table, std::vector<E> point, E value) {
    claims.push_back({{proof_offset, 0}, layout.point(layout.first[l] + table, point), value});
  };

  {
    const auto statement = lookup_statement(spec, batch);
    auto lookup = verify_lookup<F, E>(transcript, statement, proof.lookup);
    if (!lookup) return fail("range check: " + lookup.error());
    const auto columns = detail::range_columns(spec);
    for (size_t g = 0; g < columns.size(); ++g) {
      const auto& c = columns[g];
      const E value = (lookup->witness[g].values[0] - E::from_i64(c.offset)) * E::from_i64(c.scale).inverse();
      claim_on(c.layer, c.table, lookup->witness[g].point, value);
    }
    claims.push_back({{proof_offset, 0}, layout.point(layout.multiplicities, lookup->multiplicity_point),
                      lookup->multiplicity_value});
  }

  const uint32_t batch_vars = log2_padded(batch);
  for (uint32_t l = 0; l < spec.layers.size(); ++l) {
    const DenseLayer& layer = spec.layers[l];
    const LayerProof& lp = proof.layers[l];
    const std::string where = "layer " + std::to_string(l) + " (" + layer.name + "): ";
    const uint32_t out_vars = log2_padded(layer.out_features), in_vars = log2_padded(layer.in_features);
    if (lp.requant_evals.size() != detail::polys_per_layer(layer) ||
        lp.zero_check_evals.size() != detail::polys_per_layer(layer))
      return fail(where + "wrong number of evaluations");

    const auto rho = transcript.challenges<E>("zkml/rho", batch_vars + out_vars);
    const std::span<const E> rho_b(rho.data(), batch_vars), rho_n(rho.data() + batch_vars, out_vars);
    transcript.absorb_all("zkml/requant_evals", std::span<const E>(lp.requant_evals));
    claim_layer_values(transcript, layout, proof_offset, l, rho, lp.requant_evals, claims);
    if (l + 1 == spec.layers.size()) {
      const auto output_table = pad_matrix(proof.output, batch, layer.out_features);
      if (evaluate_multilinear<E, F>(output_table, rho) != lp.requant_evals[0])
        return fail(where + "the outputs do not match the committed output layer");
    }

    transcript.absorb("zkml/bias_eval", lp.bias_eval);
    claims.push_back({weight_layout.ref(2 * l + 1, 0), std::vector<E>(rho_n.begin(), rho_n.end()), lp.bias_eval});
    const E claim = accumulator_from_requant(layer, lp.requant_evals) -
                    prefix_indicator<E>(batch, rho_b) * lp.bias_eval;
    auto mm = verify_sumcheck<E>(transcript, in_vars, 2, claim, lp.matmul);
    if (!mm) return fail(where + "matrix-vector " + mm.error());
    const E mm_evals[2] = {lp.input_eval, lp.weight_eval};
    transcript.absorb_all("zkml/matmul_evals", std::span<const E>(mm_evals));
    if (lp.input_eval * lp.weight_eval != mm->value)
      return fail(where + "matrix-vector sum-check: final evaluation mismatch");
    const auto x_point = concat(rho_b, mm->point);
    if (l == 0) {
      const auto input_table = pad_matrix(proof.input, batch, spec.input_features);
      if (evaluate_multilinear<E, F>(input_table, x_point) != lp.input_eval)
        return fail(where + "the input evaluation does not match the public input");
    } else {
      claim_on(l - 1, 0, x_point, lp.input_eval);
    }
    claims.push_back({weight_layout.ref(2 * l, 0), concat(mm->point, rho_n), lp.weight_eval});

    const auto tau = transcript.challenges<E>("zkml/tau", batch_vars + out_vars);
    const E gamma = transcript.challenge<E>("zkml/gamma");
    auto zc = verify_sumcheck<E>(transcript, batch_vars + out_vars, 3, E::zero(), lp.zero_check);
    if (!zc) return fail(where + "zero-check " + zc.error());
    transcript.absorb_all("zkml/zero_check_evals", std::span<const E>(lp.zero_check_evals));
    std::vector<E> evals{eq_eval<E>(tau, zc->point)};
    for (uint32_t i : zero_check_tables(layer)) evals.push_back(lp.zero_check_evals[i]);
    const auto terms = zero_check_terms(layer, gamma);
    if (!check_final_evaluation<E>(*zc, terms, evals))
      return fail(where + "zero-check: final evaluation mismatch (a clamp slack is nonzero off the bound)");
    claim_layer_values(transcript, layout, proof_offset, l, zc->point, lp.zero_check_evals, claims);
  }

  std::vector<pcs::Commitment> commitments = vk.weight_commitments;
  commitments.insert(commitments.end(), proof.commitments.begin(), proof.commitments.end());
  auto opening = pcs::OpeningProof::deserialize(proof.opening, vk.params, commitments, claims);
  if (!opening) return fail("opening: " + opening.error());
  auto opened = pcs::verify(vk.params, commitments, claims, *opening, transcript);
  if (!opened) return fail("opening: " + opened.error());
  return proof.output;
}

// ---- Encoding ----------------------------------------------------------------------------------

std::vector<uint8_t> Proof::to_bytes() const {
  ByteWriter out;
  for (char c : std::string_view("ZKMLPF")) out.u8(static_cast<uint8_t>(c));
  out.u32(kProofVersion);
  out.u32(batch);
  for (int64_t v : input) out.u64(static_cast<uint64_t>(v));
  for (int64_t v : output) out.u64(static_cast<uint64_t>(v));
  out.u32(static_cast<uint32_t>(commitments.size()));
  for (const auto& c : commitments) c.serialize(out);
  lookup.encode(out);
  for (const auto& lp : layers) {
    encode_elements(out, lp.requant_evals);
    lp.bias_eval.to_bytes(out.extend(E::BYTES));
    lp.matmul.encode(out);
    lp.input_eval.to_bytes(out.extend(E::BYTES));
    lp.weight_eval.to_bytes(out.extend(E::BYTES));
    lp.zero_check.encode(out);
    encode_elements(out, lp.zero_check_evals);
  }
  out.u32(static_cast<uint32_t>(opening.size()));
  out.raw(std::span<const uint8_t>(opening));
  return std::move(out).take();
}

Result<Proof> Proof::from_bytes(const ModelSpec& spec, std::span<const uint8_t> bytes) {
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
  const auto layout = detail::proof_layout(spec, proof.batch);
  if (layout.num_vars > pcs::kMaxVars) return fail("proof: batch size out of bounds");
  auto input = decode_i64s(in, size_t{proof.batch} * spec.input_features);
  if (!input) return fail(input.error());
  proof.input = std::move(*input);
  auto output = decode_i64s(in, size_t{proof.batch} * spec.output_features());
  if (!output) return fail(output.error());
  proof.output = std::move(*output);
  auto count = in.u32();
  if (!count) return fail("proof: " + count.error());
  if (*count != 1) return fail("proof: wrong number of commitments");
  for (uint32_t g = 0; g < *count; ++g) {
    auto c = pcs::Commitment::deserialize(in);
    if (!c) return fail("proof: " + c.error());
    proof.commitments.push_back(*c);
  }
  auto lookup = LookupProof<E>::decode(in, lookup_statement(spec, proof.batch));
  if (!lookup) return fail("proof: " + lookup.error());
  proof.lookup = std::move(*lookup);
  const uint32_t batch_vars = log2_padded(proof.batch);
  for (const auto& layer : spec.layers) {
    LayerProof lp;
    auto requant = decode_elements(in, detail::polys_per_layer(layer));
    if (!requant) return fail(requant.error());
    lp.requant_evals = std::move(*requant);
    auto bias = decode_element<E>(in, "proof");
    if (!bias) return fail(bias.error());
    lp.bias_eval = *bias;
    auto mm = SumcheckProof<E>::decode(in, log2_padded(layer.in_features), 2);
    if (!mm) return fail("proof: " + mm.error());
    lp.matmul = std::move(*mm);
    auto evals = decode_elements(in, 2);
    if (!evals) return fail(evals.error());
    lp.input_eval = (*evals)[0];
    lp.weight_eval = (*evals)[1];
    auto zc = SumcheckProof<E>::decode(in, batch_vars + log2_padded(layer.out_features), 3);
    if (!zc) return fail("proof: " + zc.error());
    lp.zero_check = std::move(*zc);
    auto zc_evals = decode_elements(in, detail::polys_per_layer(layer));
    if (!zc_evals) return fail(zc_evals.error());
    lp.zero_check_evals = std::move(*zc_evals);
    proof.layers.push_back(std::move(lp));
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

Result<Proof> verify_bytes(const VerifyingKey& vk, std::span<const uint8_t> bytes,
                           std::optional<std::span<const int64_t>> expected_input,
                           std::optional<std::span<const int64_t>> expected_output) {
  auto proof = Proof::from_bytes(vk.spec, bytes);
  if (!proof) return proof;
  auto verified = verify(vk, *proof, expected_input, expected_output);
  if (!verified) return fail(verified.error());
  return proof;
}

}  // namespace zk::zkml
