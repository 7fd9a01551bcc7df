// Internal: where each committed table lives (which PCS commitment, which position), and the
// padded sizes of every layer. Shared by setup, the prover and the verifier.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "lookup/logup.hpp"
#include "pcs/pcs.hpp"
#include "zkml/zkml.hpp"

namespace zk::zkml::detail {

// Weight tables in commitments. Tables below 2^kPackedBelowVars entries are packed into ONE
// polynomial (commitment 0, when there are any) as T packs its tables: in order of decreasing size
// (stable), each at an offset that is a multiple of its size, so table t is that polynomial at
// (bits(offset_t / 2^m_t), z). Every small table would otherwise be a commitment of its own, each
// with a Merkle tree whose leaves every opening reveals (a hiding one at 2^14 entries at least).
// The larger tables follow, one commitment per distinct variable count in ascending order, the
// tables of one size as its polynomials in the order they were added.
constexpr uint32_t kPackedBelowVars = 16;

struct PolyLayout {
  std::vector<uint32_t> vars_of;                 // per table
  std::vector<uint32_t> group_vars;              // per commitment
  std::vector<std::vector<uint32_t>> members;    // per commitment: table indices
  std::vector<pcs::PolyRef> refs;                // per table (commitment index from 0)
  std::vector<uint64_t> offset;                  // per table: its start in the packed polynomial (else 0)
  bool packed = false;                           // commitment 0 packs the small tables

  uint32_t add(uint32_t num_vars) {
    vars_of.push_back(num_vars);
    return static_cast<uint32_t>(vars_of.size() - 1);
  }
  void finish() {
    refs.assign(vars_of.size(), {});
    offset.assign(vars_of.size(), 0);
    std::vector<uint32_t> small;
    for (uint32_t i = 0; i < vars_of.size(); ++i)
      if (vars_of[i] < kPackedBelowVars) small.push_back(i);
    std::stable_sort(small.begin(), small.end(), [&](uint32_t a, uint32_t b) { return vars_of[a] > vars_of[b]; });
    packed = !small.empty();
    if (packed) {
      uint64_t next = 0;
      for (uint32_t i : small) {
        offset[i] = next;
        refs[i] = {0, 0};
        next += uint64_t{1} << vars_of[i];
      }
      group_vars.push_back(static_cast<uint32_t>(ceil_log2(static_cast<size_t>(next))));
      members.push_back(small);
    }
    std::vector<uint32_t> sizes;
    for (uint32_t v : vars_of)
      if (v >= kPackedBelowVars) sizes.push_back(v);
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    const auto first = static_cast<uint32_t>(group_vars.size());
    for (uint32_t v : sizes) {
      group_vars.push_back(v);
      members.emplace_back();
    }
    for (uint32_t i = 0; i < vars_of.size(); ++i) {
      if (vars_of[i] < kPackedBelowVars) continue;
      const auto g = first + static_cast<uint32_t>(std::lower_bound(sizes.begin(), sizes.end(), vars_of[i]) - sizes.begin());
      refs[i] = {g, static_cast<uint32_t>(members[g].size())};
      members[g].push_back(i);
    }
  }
  bool is_packed(uint32_t commitment) const { return packed && commitment == 0; }
  // Polynomials of commitment g.
  uint32_t polys(uint32_t g) const { return is_packed(g) ? 1 : static_cast<uint32_t>(members[g].size()); }
  pcs::PolyRef ref(uint32_t table, uint32_t commitment_offset) const {
    return {refs[table].commitment + commitment_offset, refs[table].poly};
  }
  // The point of table t's polynomial at which it equals table t at z.
  std::vector<E> point(uint32_t table, std::span<const E> z) const {
    std::vector<E> out;
    const uint32_t prefix = group_vars[refs[table].commitment] - vars_of[table];
    const uint64_t block = offset[table] >> vars_of[table];
    for (uint32_t b = prefix; b-- > 0;) out.push_back((block >> b) & 1 ? E::one() : E::zero());
    out.insert(out.end(), z.begin(), z.end());
    return out;
  }
};

inline uint32_t log2_padded(uint64_t n) { return static_cast<uint32_t>(ceil_log2(static_cast<size_t>(n))); }
inline size_t padded(uint64_t n) { return size_t{1} << log2_padded(n); }

// Variables of a padded C x H x W grid (channel bits, then h bits, then w bits) and its size.
inline uint32_t shape_vars(const TensorShape& s) { return log2_padded(s.c) + log2_padded(s.h) + log2_padded(s.w); }
inline size_t padded_size(const TensorShape& s) { return size_t{1} << shape_vars(s); }
// Index of (c, h, w) in the padded grid.
inline size_t padded_index(const TensorShape& s, uint64_t c, uint64_t h, uint64_t w) {
  return (static_cast<size_t>(c) * padded(s.h) + static_cast<size_t>(h)) * padded(s.w) + static_cast<size_t>(w);
}
// Index in the padded grid of the j-th value of the row-major C x H x W tensor.
inline size_t padded_flat_index(const TensorShape& s, uint64_t j) {
  const uint64_t hw = uint64_t{s.h} * s.w;
  return padded_index(s, j / hw, (j / s.w) % s.h, j % s.w);
}
inline uint32_t spatial_vars(const TensorShape& s) { return log2_padded(s.h) + log2_padded(s.w); }
// Kernel offsets k = (kh, kw), padded: index kh KW' + kw.
inline uint32_t kernel_vars(const Layer& layer) {
  return log2_padded(layer.win_h.kernel) + log2_padded(layer.win_w.kernel);
}
// Conv channel split: c = (g, c') with g < G' group bits (0 when there is one group).
inline uint32_t group_vars(const Layer& layer) { return layer.groups > 1 ? log2_padded(layer.groups) : 0; }
inline uint32_t group_in_channels(const Layer& layer) { return layer.in.c / layer.groups; }
inline uint32_t group_out_channels(const Layer& layer) { return layer.out.c / layer.groups; }

// Variables of the weight table W' of a layer with weights: dense K' x N' (rows in the input's
// padded grid order), conv O' x (C/G)' x KH' x KW', mul by a constant: the output's padded grid.
inline uint32_t weight_vars(const Layer& layer) {
  if (layer.kind == LayerKind::dense) return shape_vars(layer.in) + log2_padded(layer.out.c);
  if (layer.kind == LayerKind::mul) return shape_vars(layer.out);
  return log2_padded(layer.out.c) + log2_padded(group_in_channels(layer)) + kernel_vars(layer);
}
// Variables of b': one per output channel (dense, conv), the output's padded grid (add, mul).
inline uint32_t bias_vars(const Layer& layer) {
  return layer.has_weights() ? log2_padded(layer.out.c) : shape_vars(layer.out);
}

// The padded tables of the weight layout, in its order: per layer W' and b' where present, from the
// M-scaled weights and biases of ProvingKey::weights / biases (keys.cpp).
std::vector<std::vector<F>> weight_tables(const ModelSpec& spec, const std::vector<std::vector<int64_t>>& w,
                                          const std::vector<std::vector<int64_t>>& b);

// Weight tables: per layer W' (index weight_table[l]) and b' (bias_table[l]), -1 when absent.
struct WeightLayout : PolyLayout {
  std::vector<int32_t> weight_table, bias_table;
};

inline WeightLayout weight_layout(const ModelSpec& spec) {
  WeightLayout layout;
  for (const auto& layer : spec.layers) {
    layout.weight_table.push_back(layer.has_weight_table() ? static_cast<int32_t>(layout.add(weight_vars(layer))) : -1);
    layout.bias_table.push_back(layer.has_bias_table() ? static_cast<int32_t>(layout.add(bias_vars(layer))) : -1);
  }
  layout.finish();
  return layout;
}

// A softmax layer's rows: they run along one axis of the padded example grid, whose `vars`
// variables start at example variable `at`; `after` padded entries follow each row position
// (the product of the padded dimensions after the axis), `length` = L positions are real.
struct SoftmaxRows {
  uint32_t at = 0, vars = 0, length = 1;
  size_t after = 1;
};
inline SoftmaxRows softmax_rows(const Layer& layer) {
  const uint32_t cv = log2_padded(layer.out.c), hv = log2_padded(layer.out.h), wv = log2_padded(layer.out.w);
  switch (layer.row_axis) {
    case RowAxis::c: return {0, cv, layer.out.c, padded(layer.out.h) * padded(layer.out.w)};
    case RowAxis::h: return {cv, hv, layer.out.h, padded(layer.out.w)};
    case RowAxis::w: break;
  }
  return {cv + hv, wv, layer.out.w, 1};
}

// Bits of the division remainder r and of its room 2s - 1 - r: both lie in [0, 2s) with
// s <= L max E, so bitlen(2 L max E) bits hold them.
inline uint32_t softmax_bits(const Layer& layer) {
  const int64_t e_max = layer.table.empty() ? 0 : *std::max_element(layer.table.begin(), layer.table.end());
  const auto bound = static_cast<uint64_t>(2) * softmax_rows(layer).length * static_cast<uint64_t>(e_max);
  return std::max<uint32_t>(1, static_cast<uint32_t>(std::bit_width(bound)));
}
inline uint32_t softmax_limbs(const Layer& layer, uint32_t limb_bits) {
  return (softmax_bits(layer) + limb_bits - 1) / limb_bits;
}

// Tables of the layer's first block (limbs of limb_bits bits).
inline uint32_t polys_per_layer(const Layer& layer, uint32_t limb_bits) {
  if (layer.kind == LayerKind::softmax) return 4 + 2 * softmax_limbs(layer, limb_bits);  // y, D, S, e, r, room
  if (layer.kind == LayerKind::table) return 2;
  if (layer.kind == LayerKind::rewire) return 1;
  return layer.requantizes() ? 1 + layer.remainder_limbs(limb_bits) + 2 * layer.slack_limbs(limb_bits) : 3;
}

// Rows of a table layer's lookup table: (offset + i, f_i, 1) for every entry, then (0, 0, 0) for
// the padding positions of the grid.
inline size_t lookup_rows(const Layer& layer) { return layer.table.size() + 1; }

// Per-proof tables. A requantizing layer has y, r limbs, d+ limbs, d- limbs over its output grid
// B' x C' x H' x W' (m_l = log B' + shape_vars(out) variables); a max_pool layer has y over its
// output grid and the gap D and pick S over K' x output grid (kernel offset first); a softmax
// layer has y, D, S, e, r limbs, room limbs over its output grid, m over the grid without the row
// variables and its exp lookup's multiplicities; a table layer y and its multiplicities. The range
// multiplicities come last (limb_bits vars). All of them are packed into ONE committed polynomial T of
// num_vars variables. Blocks: a block holds same-size tables claimed at the same points (all of a
// requantizing layer's tables; max_pool: {y} and {D, S}; softmax: {y, D, S, e, r, room}, {m} and
// {multiplicities}); the multiplicities are a block of their own. A block of c tables is placed
// as the parts of c's binary expansion, largest first (5 = 4 + 1: five slots, not eight): a part
// of 2^s tables fills 2^s slots (slot i = its table i). Parts are placed in order of decreasing
// size (stable), so each starts at a multiple of its size, and with variable 0 the most
// significant index bit
//   P_i(z) = T(bits(o_i / 2^m_i), z)                    (table i at offset o_i)
//   sum_i eq(s, i) P_{f + i}(z) = T(part_bits, s, z)    (a part from table f, any s in E^s).
// One commitment with one polynomial keeps the opening's round-0 Merkle openings to one 16-value
// leaf per query and its combination f = sum_j mu_j P_j to one table.
// What the per-proof table holds besides the layers' tables: the committed input (private or
// hashed input: one table over the input grid B' x K_0', range-checked as x + Q and Q - x) and the
// claims' form values (limbs of f(b, j) over the grid B' x F', index b F' + j, range-checked as r's
// limbs). They are placed as extra "layers" after the model's: input at index #layers, then the
// forms, each a block of its own.
// The range table's width is part of the extras too (the one choice every range column and the
// layout depend on; range_limb_bits picks it per proof).
struct ProofExtras {
  bool input = false;
  uint32_t forms = 0;      // linear forms per example (0: no claims)
  uint32_t form_bits = 0;  // a true form value lies in [0, 2^form_bits)
  uint32_t limb_bits = kMaxLimbBits;  // range table [0, 2^limb_bits), limbs of that many bits
  uint32_t form_limbs() const { return (form_bits + limb_bits - 1) / limb_bits; }
};

// An upper bound on the evaluations, in a zero-knowledge proof, of the tables of layer `source`
// (-1: the committed input) through their corners: 2 by the layer's own proof (requantization
// and zero-check, or a softmax's division and zero-check), 2 per input slot of a later layer
// reading it (a max pool reads its input twice, the others once or never), 1 more for the last
// layer (the claims' sum-check). docs/protocol.md, "Hiding budget", counts them exactly.
inline uint32_t corner_evaluations(const ModelSpec& spec, int32_t source) {
  uint32_t count = source < 0 ? 0 : 2;
  for (const auto& layer : spec.layers)
    for (const int32_t input : layer.inputs) count += input == source ? 2 : 0;
  if (source + 1 == static_cast<int32_t>(spec.layers.size())) ++count;
  return count;
}

// Rows of every per-proof table: the batch padded to a power of two, 2^row_vars rows, the rows
// past the batch zero. In zero-knowledge mode every table over an example grid (a layer's output,
// the committed input) has at least 2^kMinPrivateVars entries and at least as many entries as
// its corner_evaluations, so that its corner (up to twice the table's entries, protocol.cpp,
// corner_entries) keeps them all uniform: a small grid takes more rows. Likewise the claims' form
// values take at least 2^kMinPrivateVars entries over the grid rows x F', F' >= the number of forms.
inline constexpr uint32_t kMinPrivateVars = 3;
inline uint32_t row_vars(const ModelSpec& spec, uint32_t batch, bool input_committed) {
  uint32_t vars = log2_padded(batch);
  if (!spec.zero_knowledge) return vars;
  const auto need = [&](int32_t source, const TensorShape& grid) {
    const uint32_t wanted = std::max(kMinPrivateVars, log2_padded(corner_evaluations(spec, source)));
    vars = std::max(vars, wanted - std::min(wanted, shape_vars(grid)));
  };
  if (input_committed) need(-1, spec.input);
  for (size_t l = 0; l < spec.layers.size(); ++l) need(static_cast<int32_t>(l), spec.layers[l].out);
  return vars;
}
inline uint32_t form_vars(const ModelSpec& spec, uint32_t row_vars, size_t forms) {
  const uint32_t vars = log2_padded(forms);
  if (!spec.zero_knowledge) return vars;
  return std::max(vars, kMinPrivateVars - std::min(row_vars, kMinPrivateVars));
}

struct ProofLayout {
  struct Block {
    uint32_t first = 0, count = 0;
  };
  struct Part {
    uint32_t first = 0, slot_vars = 0;  // tables first .. first + 2^slot_vars - 1
  };
  uint32_t num_vars = 0;                   // of the packed table T
  uint32_t limb_bits = kMaxLimbBits;       // of the range table and the limbs (ProofExtras)
  std::vector<uint32_t> vars_of;           // per table
  std::vector<uint64_t> offset;            // per table: start index in T
  std::vector<uint32_t> first;             // per layer: its first table (y)
  std::vector<std::vector<Block>> blocks;  // per layer
  bool range_checked = true;              // some layer has range columns (else no range lookup)
  uint32_t multiplicities = 0;            // the range multiplicities' table, if range_checked
  int32_t input_slot = -1, forms_slot = -1;  // extra layers (ProofExtras), -1 when absent

  // The point of T at which T equals P_table(z).
  std::vector<E> point(uint32_t table, std::span<const E> z) const {
    return with_prefix(offset[table] >> vars_of[table], num_vars - vars_of[table], z);
  }
  // A block's parts, largest first: the binary expansion of its count.
  static std::vector<Part> parts(const Block& b) {
    std::vector<Part> out;
    uint32_t next = b.first;
    for (uint32_t s = 32; s-- > 0;)
      if ((b.count >> s) & 1) {
        out.push_back({next, s});
        next += uint32_t{1} << s;
      }
    return out;
  }
  // The point of T at which T equals sum_i eq(slots, i) P_{part first + i}(z).
  std::vector<E> part_point(const Part& part, std::span<const E> slots, std::span<const E> z) const {
    const uint32_t part_vars = part.slot_vars + vars_of[part.first];
    std::vector<E> inner(slots.begin(), slots.end());
    inner.insert(inner.end(), z.begin(), z.end());
    return with_prefix(offset[part.first] >> part_vars, num_vars - part_vars, inner);
  }

 private:
  static std::vector<E> with_prefix(uint64_t block, uint32_t prefix_bits, std::span<const E> rest) {
    std::vector<E> out;
    out.reserve(prefix_bits + rest.size());
    for (uint32_t b = prefix_bits; b-- > 0;) out.push_back((block >> b) & 1 ? E::one() : E::zero());
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
  }
};

inline bool has_range_checks(const ModelSpec& spec, const ProofExtras& extras = {}) {
  if (extras.input || extras.forms > 0) return true;
  for (const auto& layer : spec.layers)
    if (layer.kind != LayerKind::table && layer.kind != LayerKind::rewire) return true;
  return false;
}

inline ProofLayout proof_layout(const ModelSpec& spec, uint32_t batch, const ProofExtras& extras = {}) {
  ProofLayout layout;
  layout.limb_bits = extras.limb_bits;
  layout.range_checked = has_range_checks(spec, extras);
  const uint32_t batch_vars = row_vars(spec, batch, extras.input);
  struct Pending {
    uint32_t part_vars;
    ProofLayout::Part part;
  };
  std::vector<Pending> pending;
  auto add_block = [&](uint32_t l, uint32_t count, uint32_t vars) {
    const ProofLayout::Block b{static_cast<uint32_t>(layout.vars_of.size()), count};
    for (uint32_t i = 0; i < count; ++i) layout.vars_of.push_back(vars);
    for (const auto& part : ProofLayout::parts(b)) pending.push_back({part.slot_vars + vars, part});
    layout.blocks[l].push_back(b);
  };
  for (uint32_t l = 0; l < spec.layers.size(); ++l) {
    const Layer& layer = spec.layers[l];
    const uint32_t vars = batch_vars + shape_vars(layer.out);
    layout.first.push_back(static_cast<uint32_t>(layout.vars_of.size()));
    layout.blocks.emplace_back();
    if (layer.requantizes()) {
      add_block(l, polys_per_layer(layer, extras.limb_bits), vars);
    } else if (layer.kind == LayerKind::max_pool) {
      add_block(l, 1, vars);
      add_block(l, 2, kernel_vars(layer) + vars);
    } else if (layer.kind == LayerKind::table) {
      add_block(l, 1, vars);
      add_block(l, 1, log2_padded(lookup_rows(layer)));
    } else if (layer.kind == LayerKind::softmax) {
      add_block(l, polys_per_layer(layer, extras.limb_bits), vars);
      add_block(l, 1, vars - softmax_rows(layer).vars);  // m, one per row
      add_block(l, 1, log2_padded(lookup_rows(layer)));
    } else {
      add_block(l, 1, vars);
    }
  }
  auto add_extra = [&](uint32_t count, uint32_t vars) {
    const auto l = static_cast<uint32_t>(layout.blocks.size());
    layout.first.push_back(static_cast<uint32_t>(layout.vars_of.size()));
    layout.blocks.emplace_back();
    add_block(l, count, vars);
    return static_cast<int32_t>(l);
  };
  if (extras.input) layout.input_slot = add_extra(1, batch_vars + shape_vars(spec.input));
  if (extras.forms > 0)
    layout.forms_slot = add_extra(extras.form_limbs(), batch_vars + form_vars(spec, batch_vars, extras.forms));
  layout.multiplicities = static_cast<uint32_t>(layout.vars_of.size());
  if (layout.range_checked) {
    layout.vars_of.push_back(extras.limb_bits);
    pending.push_back({extras.limb_bits, {layout.multiplicities, 0}});
  }
  std::stable_sort(pending.begin(), pending.end(),
                   [](const Pending& a, const Pending& b) { return a.part_vars > b.part_vars; });
  layout.offset.assign(layout.vars_of.size(), 0);
  uint64_t next = 0;
  for (const Pending& p : pending) {
    for (uint32_t i = 0; i < (uint32_t{1} << p.part.slot_vars); ++i)
      layout.offset[p.part.first + i] = next + (uint64_t{i} << layout.vars_of[p.part.first]);
    next += uint64_t{1} << p.part_vars;
  }
  layout.num_vars = log2_padded(next);
  return layout;
}

// A range-checked column: a F-affine image a P + c of committed table P, with a known top-limb
// shift; LogUp's claim v on the column gives the claim (v - c) / a on P.
struct RangeColumn {
  uint32_t layer = 0;
  uint32_t table = 0;  // index within the layer's tables (0 = y)
  int64_t scale = 1;   // a
  int64_t offset = 0;  // c
};

// The lookup groups in order, every column checked in the range table [0, 2^w), w = limb_bits:
// per requantizing layer y - lo, hi - y, then for r, d+, d- in turn each limb and, if the top limb
// is narrower than w bits, 2^(w - top) times the top limb; per max_pool layer its gap D (in
// [0, hi - lo], the input's clamp range, below 2^w by min_limb_bits); per softmax
// layer y, hi - y and the limbs of r and of its room 2s - 1 - r (its gaps are bounded by its
// exp lookup); none for a table layer (its lookup bounds its output). Then the extras: the
// committed input x + Q, Q - x, and each limb of the form values (with the top limb shifted as for r).
inline std::vector<RangeColumn> range_columns(const ModelSpec& spec, const ProofExtras& extras = {}) {
  std::vector<RangeColumn> columns;
  const uint32_t w = extras.limb_bits;
  auto limbs = [&](uint32_t l, uint32_t first, uint32_t bits) {
    const uint32_t count = (bits + w - 1) / w;
    for (uint32_t i = 0; i < count; ++i) columns.push_back({l, first + i, 1, 0});
    const uint32_t top = bits - w * (count - 1);
    if (top < w) columns.push_back({l, first + count - 1, int64_t{1} << (w - top), 0});
    return first + count;
  };
  for (uint32_t l = 0; l < spec.layers.size(); ++l) {
    const auto& layer = spec.layers[l];
    if (layer.kind == LayerKind::table || layer.kind == LayerKind::rewire) continue;
    if (layer.kind == LayerKind::max_pool) {
      columns.push_back({l, 1, 1, 0});
      continue;
    }
    columns.push_back({l, 0, 1, -layer.lo});
    columns.push_back({l, 0, -1, layer.hi});
    if (layer.kind == LayerKind::softmax) {
      limbs(l, limbs(l, 4, softmax_bits(layer)), softmax_bits(layer));
      continue;
    }
    limbs(l, limbs(l, limbs(l, 1, layer.shift), layer.slack_bits), layer.slack_bits);
  }
  auto l = static_cast<uint32_t>(spec.layers.size());
  if (extras.input) {
    columns.push_back({l, 0, 1, spec.input_bound});
    columns.push_back({l, 0, -1, spec.input_bound});
    ++l;
  }
  if (extras.forms > 0) limbs(l, 0, extras.form_bits);
  return columns;
}

// The range columns of one layer looked up as ONE LogUp group: the columns back to back (column
// c at rows c·grid + x). They all read tables of one block of the layer (requantizing and
// softmax: block 0, max_pool: block 1), so the group's claim at (u, z) is checked from the block's table values at z.
// Zero-knowledge proofs put every group into one fraction tree, a segment of 2^ceil(log2 rows)
// leaves each, the tree the next power of two above their sum (lookup/private_logup.hpp): there
// a layer's columns form one group per part of the binary expansion of their count (12 columns:
// 8, then 4), so that no segment holds padding and the tree is the least power of two above the
// columns' entries (the zero-knowledge CIFAR CNN's: 2^19 instead of 2^20).
struct RangeGroup {
  uint32_t layer = 0, block = 0;
  std::vector<RangeColumn> columns;
};

inline std::vector<RangeGroup> range_groups(const ModelSpec& spec, const ProofExtras& extras = {}) {
  std::vector<RangeGroup> layers;
  for (const RangeColumn& c : range_columns(spec, extras)) {
    if (layers.empty() || layers.back().layer != c.layer) {
      const bool pool = c.layer < spec.layers.size() && spec.layers[c.layer].kind == LayerKind::max_pool;
      layers.push_back({c.layer, pool ? 1u : 0u, {}});
    }
    layers.back().columns.push_back(c);
  }
  if (!spec.zero_knowledge) return layers;
  std::vector<RangeGroup> groups;
  for (const RangeGroup& layer : layers) {
    auto next = layer.columns.begin();
    for (const auto& part : ProofLayout::parts({0, static_cast<uint32_t>(layer.columns.size())})) {
      const auto end = next + (std::ptrdiff_t{1} << part.slot_vars);
      groups.push_back({layer.layer, layer.block, std::vector<RangeColumn>(next, end)});
      next = end;
    }
  }
  return groups;
}

// The narrowest range table every single-column check fits: y - lo and hi - y (requantizing and
// softmax layers), a max_pool gap (the input's hi - lo) and the committed input's x + Q, Q - x
// (2Q) must lie below 2^w for an honest prover. Limbs fit any width.
inline uint32_t min_limb_bits(const ModelSpec& spec, const ProofExtras& extras) {
  uint32_t bits = 1;
  for (const auto& layer : spec.layers)
    if (layer.kind != LayerKind::table && layer.kind != LayerKind::rewire)
      bits = std::max(bits, static_cast<uint32_t>(std::bit_width(static_cast<uint64_t>(layer.hi - layer.lo))));
  if (extras.input) bits = std::max(bits, static_cast<uint32_t>(std::bit_width(2 * static_cast<uint64_t>(spec.input_bound))));
  return bits;
}

// The range table's width w for one proof: among min_limb_bits .. kMaxLimbBits, the one whose
// layout commits the fewest variables, then looks up the fewest entries (each group's columns
// back to back, padded to a power of two, plus the table's 2^w). A wide table costs 2^w committed
// multiplicities and table-side LogUp leaves whatever the model; a narrow one more limbs per
// value (LeNet-5 and the CIFAR CNN take 10 bits, the 4.2M MLP 12, VGG-16 13: the fewest limb
// tables for its shifts). Prover and verifier compute it from the key and the batch alone.
inline uint32_t range_limb_bits(const ModelSpec& spec, uint32_t batch, ProofExtras extras) {
  if (!has_range_checks(spec, extras)) return kMaxLimbBits;
  uint32_t best = kMaxLimbBits, best_vars = 0;
  uint64_t best_entries = 0;
  const uint32_t narrowest = std::min(min_limb_bits(spec, extras), kMaxLimbBits);
  for (uint32_t w = narrowest; w <= kMaxLimbBits; ++w) {
    extras.limb_bits = w;
    const ProofLayout layout = proof_layout(spec, batch, extras);
    uint64_t entries = uint64_t{1} << w;
    for (const RangeGroup& g : range_groups(spec, extras))
      entries += uint64_t{1} << (log2_padded(g.columns.size()) + layout.vars_of[layout.blocks[g.layer][g.block].first]);
    if (w == narrowest || layout.num_vars < best_vars ||
        (layout.num_vars == best_vars && entries < best_entries)) {
      best = w;
      best_vars = layout.num_vars;
      best_entries = entries;
    }
  }
  return best;
}

}  // namespace zk::zkml::detail
