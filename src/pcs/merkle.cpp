#include "pcs/merkle.hpp"

#include <algorithm>
#include <string>

#include "base/parallel.hpp"

namespace zk {

Digest LaneHasher::finalize() {
  // Keccak pad10*1 with domain byte 0x01 (original Keccak, as Ethereum uses).
  state_[lane_] ^= 0x01;
  state_[kRateLanes - 1] ^= 0x80ull << 56;
  keccak_f1600(state_);
  Digest out;
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(state_[i / 8] >> (8 * (i % 8)));
  return out;
}

Digest hash_words(std::span<const uint64_t> words) {
  LaneHasher hasher;
  for (uint64_t w : words) hasher.absorb(w);
  return hasher.finalize();
}

Digest MerkleTree::node(size_t level, size_t index, const LeafHasher& leaf_hash) const {
  if (level >= stored_from_) return levels_[level - stored_from_][index];
  if (level == 0) return leaf_hash(index);
  return keccak256_pair(node(level - 1, 2 * index, leaf_hash), node(level - 1, 2 * index + 1, leaf_hash));
}

MerkleTree MerkleTree::build(size_t depth, const LeafHasher& leaf_hash, size_t dropped_levels) {
  MerkleTree tree;
  tree.depth_ = depth;
  tree.stored_from_ = std::min(dropped_levels, depth);
  const size_t first = tree.stored_from_;
  const size_t span = size_t{1} << first;  // leaves under one node of the first stored level
  std::vector<Digest> level(size_t{1} << (depth - first));
  parallel_for(level.size(), std::max<size_t>(1, 256 / span), [&](size_t begin, size_t end) {
    std::vector<Digest> scratch(span);
    for (size_t i = begin; i < end; ++i) {
      for (size_t j = 0; j < span; ++j) scratch[j] = leaf_hash(i * span + j);
      for (size_t width = span; width > 1; width /= 2)
        for (size_t j = 0; j < width / 2; ++j) scratch[j] = keccak256_pair(scratch[2 * j], scratch[2 * j + 1]);
      level[i] = scratch[0];
    }
  });
  tree.levels_.push_back(std::move(level));
  while (tree.levels_.back().size() > 1) {
    const auto& below = tree.levels_.back();
    std::vector<Digest> above(below.size() / 2);
    parallel_for(above.size(), 256, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) above[i] = keccak256_pair(below[2 * i], below[2 * i + 1]);
    });
    tree.levels_.push_back(std::move(above));
  }
  return tree;
}

std::vector<Digest> MerkleTree::prove(std::span<const size_t> leaves, const LeafHasher& leaf_hash) const {
  std::vector<Digest> nodes;
  std::vector<size_t> known(leaves.begin(), leaves.end());
  for (size_t level = 0; level < depth_; ++level) {
    std::vector<size_t> parents;
    for (size_t i = 0; i < known.size(); ++i) {
      const size_t idx = known[i];
      if ((idx & 1) == 0 && i + 1 < known.size() && known[i + 1] == idx + 1) {
        ++i;
      } else {
        nodes.push_back(node(level, idx ^ 1, leaf_hash));
      }
      parents.push_back(idx >> 1);
    }
    known = std::move(parents);
  }
  return nodes;
}

Status verify_multiproof(const Digest& root, size_t depth, std::span<const size_t> leaves,
                         std::span<const Digest> leaf_hashes, std::span<const Digest> nodes) {
  if (leaves.empty() || leaves.size() != leaf_hashes.size())
    return fail("merkle: leaf count mismatch");
  if (depth >= 64) return fail("merkle: depth out of range");
  for (size_t i = 0; i < leaves.size(); ++i) {
    if (leaves[i] >> depth != 0) return fail("merkle: leaf index out of range");
    if (i > 0 && leaves[i] <= leaves[i - 1]) return fail("merkle: leaf indices not increasing");
  }
  std::vector<size_t> known(leaves.begin(), leaves.end());
  std::vector<Digest> hashes(leaf_hashes.begin(), leaf_hashes.end());
  size_t next_node = 0;
  for (size_t level = 0; level < depth; ++level) {
    std::vector<size_t> parents;
    std::vector<Digest> parent_hashes;
    for (size_t i = 0; i < known.size(); ++i) {
      const size_t idx = known[i];
      Digest parent;
      if ((idx & 1) == 0 && i + 1 < known.size() && known[i + 1] == idx + 1) {
        parent = keccak256_pair(hashes[i], hashes[i + 1]);
        ++i;
      } else {
        if (next_node == nodes.size()) return fail("merkle: multi-proof too short");
        const Digest& sibling = nodes[next_node++];
        parent = (idx & 1) ? keccak256_pair(sibling, hashes[i]) : keccak256_pair(hashes[i], sibling);
      }
      parents.push_back(idx >> 1);
      parent_hashes.push_back(parent);
    }
    known = std::move(parents);
    hashes = std::move(parent_hashes);
  }
  if (next_node != nodes.size()) return fail("merkle: multi-proof has unused nodes");
  if (hashes[0] != root) return fail("merkle: root mismatch");
  return {};
}

size_t multiproof_max_nodes(size_t depth, size_t count) {
  size_t total = 0;
  for (size_t level = 0; level < depth; ++level) total += std::min(count, size_t{1} << (depth - level - 1));
  return total;
}

}  // namespace zk
