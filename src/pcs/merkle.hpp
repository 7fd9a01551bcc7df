// Keccak-256 Merkle trees with multi-proofs (one set of authentication nodes for many leaves).
//
// Leaves are hashed by the caller (leaf hash = keccak256 of the leaf's canonical bytes, see
// hash_words); an inner node is hash_node(left, right) = keccak256(left || right), so a
// Solidity verifier recomputes every node with one KECCAK256 over 64 bytes. Level 0 holds the leaf
// hashes, level `depth` the root; a tree has 2^depth leaves.
//
// Memory: the tree stores only levels >= dropped_levels. A node below is recomputed from the
// leaves on demand (2^level leaf hashes): with dropped_levels = 4 the stored tree is 1/16 of the
// full one while a query costs 15 extra leaf hashes, negligible next to the opening itself.
//
// Multi-proof (as in e.g. Plonky2's and Winterfell's batch Merkle proofs): walking up level by
// level over the sorted set of known node indices, a node's sibling is sent only when it is not
// itself known; both sides walk in the same order, so the node list needs no index information.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "base/result.hpp"
#include "crypto/keccak.hpp"

namespace zk {

// keccak256(left || right) = keccak256_pair(left, right): a Merkle node.
Digest hash_node(const Digest& left, const Digest& right);

// keccak256 of a message made of little-endian 64-bit words, absorbed a whole lane at a time
// (equal to Keccak256 over the bytes; no per-byte work, no allocation).
class LaneHasher {
 public:
  void absorb(uint64_t word) {
    state_[lane_] ^= word;
    if (++lane_ == kRateLanes) {
      keccak_f1600(state_);
      lane_ = 0;
    }
  }
  Digest finalize();

 private:
  static constexpr size_t kRateLanes = 17;  // the 136-byte rate of Keccak-256
  uint64_t state_[25] = {};
  size_t lane_ = 0;
};

// keccak256 of the concatenated little-endian 8-byte encodings of `words`.
Digest hash_words(std::span<const uint64_t> words);

// Writes message i (a fixed number of words) to `words`.
using MessageFn = std::function<void(size_t i, uint64_t* words)>;

// out[i] = keccak256(message i) for i < count, messages of `words` words; eight at a time with
// an AVX-512 eight-way permutation when the target has AVX-512F.
void hash_messages(size_t count, size_t words, const MessageFn& message, Digest* out);

class MerkleTree {
 public:
  MerkleTree() = default;
  // Builds the tree over 2^depth leaves of words_per_leaf words each, leaf i written by
  // leaf_words(i, out) (called concurrently); leaf hash = keccak256 of the words.
  static MerkleTree build(size_t depth, size_t words_per_leaf, const MessageFn& leaf_words, size_t dropped_levels);

  // The tree whose lowest stored level (level min(dropped_levels, depth)) is `level`, which must
  // have 2^(depth - that level) nodes; the levels above are recomputed from it.
  static MerkleTree from_stored_level(size_t depth, size_t words_per_leaf, size_t dropped_levels,
                                      std::vector<Digest> level);

  const Digest& root() const { return levels_.back()[0]; }
  size_t depth() const { return depth_; }
  // The lowest stored level, which determines the rest of the tree.
  std::span<const Digest> lowest_stored_level() const { return levels_[0]; }

  // Authentication nodes for the strictly increasing leaf indices `leaves`, in the order
  // verify_multiproof consumes them; leaf_words (as in build) recomputes dropped levels.
  std::vector<Digest> prove(std::span<const size_t> leaves, const MessageFn& leaf_words) const;

  // Whether the leaves under the stored-level nodes above `leaves` (any order, repeats allowed)
  // hash to those nodes: the index of the first subtree's first leaf that does not, if any.
  std::optional<size_t> first_mismatch(std::span<const size_t> leaves, const MessageFn& leaf_words) const;
  // The same for every leaf (hashes them all, in parallel).
  std::optional<size_t> first_mismatch(const MessageFn& leaf_words) const;

 private:
  void hash_upper_levels();
  Digest leaf_hash(size_t leaf, const MessageFn& leaf_words) const;
  Digest node(size_t level, size_t index, const MessageFn& leaf_words) const;
  Digest recomputed_node(size_t level, size_t index, const MessageFn& leaf_words) const;

  size_t depth_ = 0;
  size_t words_per_leaf_ = 0;
  size_t stored_from_ = 0;
  std::vector<std::vector<Digest>> levels_;  // levels_[l] is level stored_from_ + l
};

// Checks that leaf_hashes[i] is the hash of leaf leaves[i] in the tree of this depth and root.
// `leaves` must be strictly increasing and < 2^depth; all of `nodes` must be consumed.
Status verify_multiproof(const Digest& root, size_t depth, std::span<const size_t> leaves,
                         std::span<const Digest> leaf_hashes, std::span<const Digest> nodes);

// Upper bound on the number of multi-proof nodes for `count` distinct leaves in a tree of this
// depth (used to bound lengths when decoding proofs).
size_t multiproof_max_nodes(size_t depth, size_t count);

}  // namespace zk
