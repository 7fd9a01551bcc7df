#include "pcs/merkle.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>

#include "base/parallel.hpp"
#include "pcs/keccak_x8.hpp"


namespace zk {

namespace {


constexpr size_t kRateLanes = 17;  // the 136-byte rate of Keccak-256

Digest digest_of(const uint64_t state[4]) {
  Digest out;
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(state[i / 8] >> (8 * (i % 8)));
  return out;
}

}  // namespace

Digest LaneHasher::finalize() {
  // Keccak pad10*1 with domain byte 0x01 (original Keccak, as Ethereum uses).
  state_[lane_] ^= 0x01;
  state_[kRateLanes - 1] ^= 0x80ull << 56;
  keccak_f1600(state_);
  return digest_of(state_);
}

Digest hash_words(std::span<const uint64_t> words) {
  LaneHasher hasher;
  for (uint64_t w : words) hasher.absorb(w);
  return hasher.finalize();
}

Digest hash_node(const Digest& left, const Digest& right) {
  uint64_t words[8];
  std::memcpy(words, left.data(), 32);
  std::memcpy(words + 4, right.data(), 32);
  return hash_words(words);
}

void hash_messages(size_t count, size_t words, const MessageFn& message, Digest* out) {
  std::vector<uint64_t> scratch(8 * words);
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const uint64_t* messages[8];
    for (size_t k = 0; k < 8; ++k) {
      message(i + k, scratch.data() + k * words);
      messages[k] = scratch.data() + k * words;
    }
    keccak256_x8(messages, words, out + i);
  }
  for (; i < count; ++i) {
    message(i, scratch.data());
    out[i] = hash_words({scratch.data(), words});
  }
}

namespace {

// Parents of a level: out[i] = hash_node(level[2i], level[2i + 1]), eight at a time (out may be
// below itself: each group of eight children pairs is copied before its parents are written).
static_assert(sizeof(Digest) == 32, "digests are packed 32-byte arrays");

void hash_level(const Digest* below, size_t parents, Digest* out) {
  uint64_t words[8][8];
  const uint64_t* messages[8];
  for (size_t k = 0; k < 8; ++k) messages[k] = words[k];
  size_t i = 0;
  for (; i + 8 <= parents; i += 8) {
    std::memcpy(words, below + 2 * i, sizeof(words));
    keccak256_x8(messages, 8, out + i);
  }
  for (; i < parents; ++i) out[i] = hash_node(below[2 * i], below[2 * i + 1]);
}

}  // namespace

Digest MerkleTree::leaf_hash(size_t leaf, const MessageFn& leaf_words) const {
  std::vector<uint64_t> words(words_per_leaf_);
  leaf_words(leaf, words.data());
  return hash_words(words);
}

Digest MerkleTree::node(size_t level, size_t index, const MessageFn& leaf_words) const {
  if (level >= stored_from_) return levels_[level - stored_from_][index];
  if (level == 0) return leaf_hash(index, leaf_words);
  return hash_node(node(level - 1, 2 * index, leaf_words), node(level - 1, 2 * index + 1, leaf_words));
}

Digest MerkleTree::recomputed_node(size_t level, size_t index, const MessageFn& leaf_words) const {
  if (level == 0) return leaf_hash(index, leaf_words);
  return hash_node(recomputed_node(level - 1, 2 * index, leaf_words), recomputed_node(level - 1, 2 * index + 1, leaf_words));
}

std::optional<size_t> MerkleTree::first_mismatch(std::span<const size_t> leaves, const MessageFn& leaf_words) const {
  std::vector<size_t> subtrees;
  for (size_t leaf : leaves) subtrees.push_back(leaf >> stored_from_);
  std::sort(subtrees.begin(), subtrees.end());
  subtrees.erase(std::unique(subtrees.begin(), subtrees.end()), subtrees.end());
  for (size_t t : subtrees)
    if (recomputed_node(stored_from_, t, leaf_words) != levels_[0][t]) return t << stored_from_;
  return std::nullopt;
}

std::optional<size_t> MerkleTree::first_mismatch(const MessageFn& leaf_words) const {
  const MerkleTree rebuilt = build(depth_, words_per_leaf_, leaf_words, stored_from_);
  const auto stored = lowest_stored_level(), hashed = rebuilt.lowest_stored_level();
  const auto at = std::mismatch(stored.begin(), stored.end(), hashed.begin()).first;
  if (at == stored.end()) return std::nullopt;
  return static_cast<size_t>(at - stored.begin()) << stored_from_;
}

MerkleTree MerkleTree::build(size_t depth, size_t words_per_leaf, const MessageFn& leaf_words,
                             size_t dropped_levels) {
  MerkleTree tree;
  tree.depth_ = depth;
  tree.words_per_leaf_ = words_per_leaf;
  tree.stored_from_ = std::min(dropped_levels, depth);
  const size_t first = tree.stored_from_;
  const size_t span = size_t{1} << first;  // leaves under one node of the first stored level
  std::vector<Digest> level(size_t{1} << (depth - first));
  // Each chunk hashes its leaves and reduces them to its nodes of the first stored level.
  parallel_for(level.size(), std::max<size_t>(1, 512 / span), [&](size_t begin, size_t end) {
    std::vector<Digest> scratch((end - begin) * span);
    hash_messages(scratch.size(), words_per_leaf,
                  [&](size_t i, uint64_t* words) { leaf_words(begin * span + i, words); }, scratch.data());
    for (size_t width = scratch.size(); width > end - begin; width /= 2) hash_level(scratch.data(), width / 2, scratch.data());
    std::copy(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(end - begin), level.begin() + static_cast<std::ptrdiff_t>(begin));
  });
  tree.levels_.push_back(std::move(level));
  tree.hash_upper_levels();
  return tree;
}

MerkleTree MerkleTree::from_stored_level(size_t depth, size_t words_per_leaf, size_t dropped_levels,
                                         std::vector<Digest> level) {
  MerkleTree tree;
  tree.depth_ = depth;
  tree.words_per_leaf_ = words_per_leaf;
  tree.stored_from_ = std::min(dropped_levels, depth);
  if (level.size() != size_t{1} << (depth - tree.stored_from_))
    throw std::invalid_argument("MerkleTree::from_stored_level: wrong level size");
  tree.levels_.push_back(std::move(level));
  tree.hash_upper_levels();
  return tree;
}

void MerkleTree::hash_upper_levels() {
  while (levels_.back().size() > 1) {
    const auto& below = levels_.back();
    std::vector<Digest> above(below.size() / 2);
    parallel_for(above.size(), 512, [&](size_t begin, size_t end) {
      hash_level(below.data() + 2 * begin, end - begin, above.data() + begin);
    });
    levels_.push_back(std::move(above));
  }
}

std::vector<Digest> MerkleTree::prove(std::span<const size_t> leaves, const MessageFn& leaf_words) const {
  std::vector<Digest> nodes;
  std::vector<size_t> known(leaves.begin(), leaves.end());
  for (size_t level = 0; level < depth_; ++level) {
    std::vector<size_t> parents;
    for (size_t i = 0; i < known.size(); ++i) {
      const size_t idx = known[i];
      if ((idx & 1) == 0 && i + 1 < known.size() && known[i + 1] == idx + 1) {
        ++i;
      } else {
        nodes.push_back(node(level, idx ^ 1, leaf_words));
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
        parent = hash_node(hashes[i], hashes[i + 1]);
        ++i;
      } else {
        if (next_node == nodes.size()) return fail("merkle: multi-proof too short");
        const Digest& sibling = nodes[next_node++];
        parent = (idx & 1) ? hash_node(sibling, hashes[i]) : hash_node(hashes[i], sibling);
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
