#include "pcs/merkle.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

#include "base/parallel.hpp"
#include "pcs/keccak_x8.hpp"


namespace zk {

namespace {

constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808Aull, 0x8000000080008000ull,
    0x000000000000808Bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008Aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000Aull,
    0x000000008000808Bull, 0x800000000000008Bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800Aull, 0x800000008000000Aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull};

constexpr size_t kRateLanes = 17;  // the 136-byte rate of Keccak-256

Digest digest_of(const uint64_t state[4]) {
  Digest out;
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(state[i / 8] >> (8 * (i % 8)));
  return out;
}

}  // namespace

// Keccak-f[1600] with the state in 25 local variables and the round body written out
// (same permutation as zk::keccak_f1600, FIPS 202 section 3.2; checked against it in
// merkle_test). Lane index i = x + 5y.
void keccak_f1600_unrolled(uint64_t state[25]) {
  uint64_t a0 = state[0]; uint64_t a1 = state[1]; uint64_t a2 = state[2]; uint64_t a3 = state[3]; uint64_t a4 = state[4];
  uint64_t a5 = state[5]; uint64_t a6 = state[6]; uint64_t a7 = state[7]; uint64_t a8 = state[8]; uint64_t a9 = state[9];
  uint64_t a10 = state[10]; uint64_t a11 = state[11]; uint64_t a12 = state[12]; uint64_t a13 = state[13]; uint64_t a14 = state[14];
  uint64_t a15 = state[15]; uint64_t a16 = state[16]; uint64_t a17 = state[17]; uint64_t a18 = state[18]; uint64_t a19 = state[19];
  uint64_t a20 = state[20]; uint64_t a21 = state[21]; uint64_t a22 = state[22]; uint64_t a23 = state[23]; uint64_t a24 = state[24];
  for (int round = 0; round < 24; ++round) {
    const uint64_t c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20;
    const uint64_t c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21;
    const uint64_t c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;
    const uint64_t c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23;
    const uint64_t c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
    const uint64_t d0 = c4 ^ std::rotl(c1, 1);
    const uint64_t d1 = c0 ^ std::rotl(c2, 1);
    const uint64_t d2 = c1 ^ std::rotl(c3, 1);
    const uint64_t d3 = c2 ^ std::rotl(c4, 1);
    const uint64_t d4 = c3 ^ std::rotl(c0, 1);
    const uint64_t b0 = (a0 ^ d0);
    const uint64_t b1 = std::rotl(a6 ^ d1, 44);
    const uint64_t b2 = std::rotl(a12 ^ d2, 43);
    const uint64_t b3 = std::rotl(a18 ^ d3, 21);
    const uint64_t b4 = std::rotl(a24 ^ d4, 14);
    const uint64_t b5 = std::rotl(a3 ^ d3, 28);
    const uint64_t b6 = std::rotl(a9 ^ d4, 20);
    const uint64_t b7 = std::rotl(a10 ^ d0, 3);
    const uint64_t b8 = std::rotl(a16 ^ d1, 45);
    const uint64_t b9 = std::rotl(a22 ^ d2, 61);
    const uint64_t b10 = std::rotl(a1 ^ d1, 1);
    const uint64_t b11 = std::rotl(a7 ^ d2, 6);
    const uint64_t b12 = std::rotl(a13 ^ d3, 25);
    const uint64_t b13 = std::rotl(a19 ^ d4, 8);
    const uint64_t b14 = std::rotl(a20 ^ d0, 18);
    const uint64_t b15 = std::rotl(a4 ^ d4, 27);
    const uint64_t b16 = std::rotl(a5 ^ d0, 36);
    const uint64_t b17 = std::rotl(a11 ^ d1, 10);
    const uint64_t b18 = std::rotl(a17 ^ d2, 15);
    const uint64_t b19 = std::rotl(a23 ^ d3, 56);
    const uint64_t b20 = std::rotl(a2 ^ d2, 62);
    const uint64_t b21 = std::rotl(a8 ^ d3, 55);
    const uint64_t b22 = std::rotl(a14 ^ d4, 39);
    const uint64_t b23 = std::rotl(a15 ^ d0, 41);
    const uint64_t b24 = std::rotl(a21 ^ d1, 2);
    a0 = b0 ^ (~b1 & b2);
    a1 = b1 ^ (~b2 & b3);
    a2 = b2 ^ (~b3 & b4);
    a3 = b3 ^ (~b4 & b0);
    a4 = b4 ^ (~b0 & b1);
    a5 = b5 ^ (~b6 & b7);
    a6 = b6 ^ (~b7 & b8);
    a7 = b7 ^ (~b8 & b9);
    a8 = b8 ^ (~b9 & b5);
    a9 = b9 ^ (~b5 & b6);
    a10 = b10 ^ (~b11 & b12);
    a11 = b11 ^ (~b12 & b13);
    a12 = b12 ^ (~b13 & b14);
    a13 = b13 ^ (~b14 & b10);
    a14 = b14 ^ (~b10 & b11);
    a15 = b15 ^ (~b16 & b17);
    a16 = b16 ^ (~b17 & b18);
    a17 = b17 ^ (~b18 & b19);
    a18 = b18 ^ (~b19 & b15);
    a19 = b19 ^ (~b15 & b16);
    a20 = b20 ^ (~b21 & b22);
    a21 = b21 ^ (~b22 & b23);
    a22 = b22 ^ (~b23 & b24);
    a23 = b23 ^ (~b24 & b20);
    a24 = b24 ^ (~b20 & b21);
    a0 ^= kRoundConstants[round];
  }
  state[0] = a0; state[1] = a1; state[2] = a2; state[3] = a3; state[4] = a4;
  state[5] = a5; state[6] = a6; state[7] = a7; state[8] = a8; state[9] = a9;
  state[10] = a10; state[11] = a11; state[12] = a12; state[13] = a13; state[14] = a14;
  state[15] = a15; state[16] = a16; state[17] = a17; state[18] = a18; state[19] = a19;
  state[20] = a20; state[21] = a21; state[22] = a22; state[23] = a23; state[24] = a24;
}

Digest LaneHasher::finalize() {
  // Keccak pad10*1 with domain byte 0x01 (original Keccak, as Ethereum uses).
  state_[lane_] ^= 0x01;
  state_[kRateLanes - 1] ^= 0x80ull << 56;
  keccak_f1600_unrolled(state_);
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

// Parents of a level: out[i] = hash_node(level[2i], level[2i + 1]), eight at a time.
void hash_level(const Digest* below, size_t parents, Digest* out) {
  hash_messages(parents, 8, [below](size_t i, uint64_t* words) { std::memcpy(words, below + 2 * i, 64); }, out);
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
  while (tree.levels_.back().size() > 1) {
    const auto& below = tree.levels_.back();
    std::vector<Digest> above(below.size() / 2);
    parallel_for(above.size(), 512, [&](size_t begin, size_t end) {
      hash_level(below.data() + 2 * begin, end - begin, above.data() + begin);
    });
    tree.levels_.push_back(std::move(above));
  }
  return tree;
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
