// Internal: where each committed table lives (which PCS commitment, which position), and the
// padded sizes of every layer. Shared by setup, the prover and the verifier.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "lookup/logup.hpp"
#include "pcs/pcs.hpp"
#include "zkml/zkml.hpp"

namespace zk::zkml::detail {

// Tables grouped by size: one commitment per distinct variable count, in ascending order; within
// a commitment, tables keep the order in which they were added.
struct PolyLayout {
  std::vector<uint32_t> vars_of;                 // per table
  std::vector<uint32_t> group_vars;              // per commitment
  std::vector<std::vector<uint32_t>> members;    // per commitment: table indices
  std::vector<pcs::PolyRef> refs;                // per table (commitment index from 0)

  uint32_t add(uint32_t num_vars) {
    vars_of.push_back(num_vars);
    return static_cast<uint32_t>(vars_of.size() - 1);
  }
  void finish() {
    group_vars = vars_of;
    std::sort(group_vars.begin(), group_vars.end());
    group_vars.erase(std::unique(group_vars.begin(), group_vars.end()), group_vars.end());
    members.assign(group_vars.size(), {});
    refs.resize(vars_of.size());
    for (uint32_t i = 0; i < vars_of.size(); ++i) {
      const auto g = static_cast<uint32_t>(
          std::lower_bound(group_vars.begin(), group_vars.end(), vars_of[i]) - group_vars.begin());
      refs[i] = {g, static_cast<uint32_t>(members[g].size())};
      members[g].push_back(i);
    }
  }
  pcs::PolyRef ref(uint32_t table, uint32_t commitment_offset) const {
    return {refs[table].commitment + commitment_offset, refs[table].poly};
  }
};

inline uint32_t log2_padded(uint64_t n) { return static_cast<uint32_t>(ceil_log2(static_cast<size_t>(n))); }

// Weight tables: layer l has W' (index 2l, vars log K' + log N') and b' (index 2l + 1, log N').
inline PolyLayout weight_layout(const ModelSpec& spec) {
  PolyLayout layout;
  for (const auto& layer : spec.layers) {
    layout.add(log2_padded(layer.in_features) + log2_padded(layer.out_features));
    layout.add(log2_padded(layer.out_features));
  }
  layout.finish();
  return layout;
}

inline uint32_t polys_per_layer(const DenseLayer& layer) {
  return 1 + layer.remainder_limbs() + 2 * layer.slack_limbs();
}

// Per-proof tables: layer l has y, r limbs, d+ limbs, d- limbs (vars m_l = log B' + log N'_l),
// indices first[l] onwards; the range multiplicities come last (16 vars). All of them are packed
// into ONE committed polynomial T of num_vars variables. Blocks: layer l's tables fill
// S_l = 2^slot_vars[l] slots of 2^m_l entries (slot i = table i, zeros past the last table); the
// multiplicities are a block of their own. Blocks are placed in order of decreasing size (stable),
// so each starts at a multiple of its size, and with variable 0 the most significant index bit
//   P_i(z) = T(bits(o_i / 2^m_i), z)                    (table i at offset o_i)
//   sum_i eq(s, i) P_i(z) = T(block_bits(l), s, z)      (layer l, any s in E^slot_vars[l]).
// One commitment with one polynomial keeps the opening's round-0 Merkle openings to one 16-value
// leaf per query and its combination f = sum_j mu_j P_j to one table.
struct ProofLayout {
  uint32_t num_vars = 0;             // of the packed table T
  std::vector<uint32_t> vars_of;     // per table
  std::vector<uint64_t> offset;      // per table: start index in T
  std::vector<uint32_t> first;       // per layer
  std::vector<uint32_t> slot_vars;   // per layer
  uint32_t multiplicities = 0;

  // The point of T at which T equals P_table(z).
  std::vector<E> point(uint32_t table, std::span<const E> z) const {
    return with_prefix(offset[table] >> vars_of[table], num_vars - vars_of[table], z);
  }
  // The point of T at which T equals sum_i eq(slots, i) P_{first[l] + i}(z).
  std::vector<E> layer_point(uint32_t l, std::span<const E> slots, std::span<const E> z) const {
    const uint32_t block_vars = slot_vars[l] + vars_of[first[l]];
    std::vector<E> inner(slots.begin(), slots.end());
    inner.insert(inner.end(), z.begin(), z.end());
    return with_prefix(offset[first[l]] >> block_vars, num_vars - block_vars, inner);
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

inline ProofLayout proof_layout(const ModelSpec& spec, uint32_t batch) {
  ProofLayout layout;
  std::vector<uint32_t> block_vars;  // per block: the layers, then the multiplicities
  for (const auto& layer : spec.layers) {
    const uint32_t vars = log2_padded(batch) + log2_padded(layer.out_features);
    layout.first.push_back(static_cast<uint32_t>(layout.vars_of.size()));
    layout.slot_vars.push_back(log2_padded(polys_per_layer(layer)));
    block_vars.push_back(layout.slot_vars.back() + vars);
    for (uint32_t i = 0; i < polys_per_layer(layer); ++i) layout.vars_of.push_back(vars);
  }
  layout.multiplicities = static_cast<uint32_t>(layout.vars_of.size());
  layout.vars_of.push_back(kLimbBits);
  block_vars.push_back(kLimbBits);
  std::vector<uint32_t> order(block_vars.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return block_vars[a] > block_vars[b]; });
  layout.offset.assign(layout.vars_of.size(), 0);
  uint64_t next = 0;
  for (uint32_t block : order) {
    if (block == spec.layers.size()) {
      layout.offset[layout.multiplicities] = next;
    } else {
      for (uint32_t i = 0; i < polys_per_layer(spec.layers[block]); ++i)
        layout.offset[layout.first[block] + i] = next + (uint64_t{i} << layout.vars_of[layout.first[block]]);
    }
    next += uint64_t{1} << block_vars[block];
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

// The lookup groups in order: per layer y - lo, hi - y, then for r, d+, d- in turn each limb and,
// if the top limb is narrower than 16 bits, 2^(16 - w) times the top limb.
inline std::vector<RangeColumn> range_columns(const ModelSpec& spec) {
  std::vector<RangeColumn> columns;
  for (uint32_t l = 0; l < spec.layers.size(); ++l) {
    const auto& layer = spec.layers[l];
    columns.push_back({l, 0, 1, -layer.lo});
    columns.push_back({l, 0, -1, layer.hi});
    uint32_t table = 1;
    auto limbs = [&](uint32_t bits) {
      const uint32_t count = (bits + kLimbBits - 1) / kLimbBits;
      for (uint32_t i = 0; i < count; ++i) columns.push_back({l, table + i, 1, 0});
      const uint32_t top = bits - kLimbBits * (count - 1);
      if (top < kLimbBits) columns.push_back({l, table + count - 1, int64_t{1} << (kLimbBits - top), 0});
      table += count;
    };
    limbs(layer.shift);
    limbs(layer.slack_bits);
    limbs(layer.slack_bits);
  }
  return columns;
}

}  // namespace zk::zkml::detail
