#include "pcs/merkle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace zk {
namespace {

constexpr size_t kWords = 3;

void leaf_words(size_t i, uint64_t* words) {
  words[0] = i;
  words[1] = i * 7 + 1;
  words[2] = 42;
}

Digest leaf_of(size_t i) {
  uint64_t words[kWords];
  leaf_words(i, words);
  return hash_words(words);
}

// A tree kept from its stored level (4 levels dropped) finds a changed leaf: through the
// subtrees of the leaves asked about, or through all of them; the result is the changed subtree's
// first leaf.
TEST(Merkle, FirstMismatchFindsTheChangedSubtree) {
  const MerkleTree built = MerkleTree::build(8, kWords, leaf_words, 4);
  const MerkleTree tree = MerkleTree::from_stored_level(
      8, kWords, 4, std::vector<Digest>(built.lowest_stored_level().begin(), built.lowest_stored_level().end()));
  EXPECT_EQ(tree.first_mismatch(leaf_words), std::nullopt);
  EXPECT_EQ(tree.first_mismatch(std::vector<size_t>{200, 3, 37, 3}, leaf_words), std::nullopt);
  const auto changed = [](size_t i, uint64_t* words) {
    leaf_words(i, words);
    if (i == 37) words[2] ^= 1;
  };
  EXPECT_EQ(tree.first_mismatch(changed), 32u);
  EXPECT_EQ(tree.first_mismatch(std::vector<size_t>{200, 3, 37}, changed), 32u);
  EXPECT_EQ(tree.first_mismatch(std::vector<size_t>{47}, changed), 32u) << "a leaf of the same subtree";
  EXPECT_EQ(tree.first_mismatch(std::vector<size_t>{200, 3, 48}, changed), std::nullopt);
  const MerkleTree small = MerkleTree::build(3, kWords, leaf_words, 4);  // nothing dropped below 2^4 leaves
  EXPECT_EQ(small.first_mismatch(changed), std::nullopt);
  EXPECT_EQ(small.first_mismatch([](size_t i, uint64_t* words) {
    leaf_words(i, words);
    words[0] += i == 5;
  }),
            0u);
}

TEST(Merkle, NodeHashMatchesCrypto) {
  const Digest l = leaf_of(1), r = leaf_of(2);
  EXPECT_EQ(hash_node(l, r), keccak256_pair(l, r));
}

TEST(Merkle, HashWordsEqualsKeccakOfBytes) {
  std::vector<uint64_t> words(40);
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i < words.size(); ++i) {
    words[i] = 0x0123456789abcdefull * (i + 1);
    for (size_t b = 0; b < 8; ++b) bytes.push_back(static_cast<uint8_t>(words[i] >> (8 * b)));
  }
  for (size_t len : {0, 1, 16, 17, 18, 34, 40}) {
    EXPECT_EQ(hash_words(std::span<const uint64_t>(words).first(len)),
              keccak256(std::span<const uint8_t>(bytes).first(8 * len)));
  }
}

TEST(Merkle, BatchedHashingMatchesSingle) {
  // 8-way batches plus a scalar remainder, for messages spanning one and several blocks.
  for (size_t words : {size_t{5}, size_t{8}, size_t{17}, size_t{32}, size_t{40}}) {
    auto message = [words](size_t i, uint64_t* out) {
      for (size_t w = 0; w < words; ++w) out[w] = i * 1000003 + w;
    };
    std::vector<Digest> batched(19);
    hash_messages(batched.size(), words, message, batched.data());
    for (size_t i = 0; i < batched.size(); ++i) {
      std::vector<uint64_t> m(words);
      message(i, m.data());
      EXPECT_EQ(batched[i], hash_words(m)) << words << " " << i;
    }
  }
}

TEST(Merkle, RootIndependentOfDroppedLevels) {
  const Digest root = MerkleTree::build(6, kWords, leaf_words, 0).root();
  for (size_t dropped : {1, 4, 6, 9}) EXPECT_EQ(MerkleTree::build(6, kWords, leaf_words, dropped).root(), root);
  // Root of a 2-leaf tree is the pair hash.
  EXPECT_EQ(MerkleTree::build(1, kWords, leaf_words, 0).root(), hash_node(leaf_of(0), leaf_of(1)));
  EXPECT_EQ(MerkleTree::build(0, kWords, leaf_words, 4).root(), leaf_of(0));
}

TEST(Merkle, TreeFromItsLowestStoredLevelIsTheSame) {
  for (auto [depth, dropped] : {std::pair<size_t, size_t>{8, 4}, {3, 4}, {0, 4}, {6, 0}}) {
    const MerkleTree built = MerkleTree::build(depth, kWords, leaf_words, dropped);
    const auto level = built.lowest_stored_level();
    EXPECT_EQ(level.size(), size_t{1} << (depth - std::min(depth, dropped))) << depth;
    const MerkleTree rebuilt =
        MerkleTree::from_stored_level(depth, kWords, dropped, std::vector<Digest>(level.begin(), level.end()));
    EXPECT_EQ(rebuilt.root(), built.root()) << depth;
    const std::vector<size_t> queried = depth > 0 ? std::vector<size_t>{0, (size_t{1} << depth) - 1} : std::vector<size_t>{0};
    EXPECT_EQ(rebuilt.prove(queried, leaf_words), built.prove(queried, leaf_words)) << depth;
  }
  EXPECT_THROW(MerkleTree::from_stored_level(8, kWords, 4, std::vector<Digest>(15)), std::invalid_argument);
}

TEST(Merkle, MultiProofVerifiesAndDeduplicates) {
  const size_t depth = 8;
  const MerkleTree tree = MerkleTree::build(depth, kWords, leaf_words, 4);
  for (const std::vector<size_t>& leaves :
       {std::vector<size_t>{0}, std::vector<size_t>{255}, std::vector<size_t>{3, 4, 5, 200},
        std::vector<size_t>{0, 1, 2, 3, 4, 5, 6, 7}}) {
    const auto nodes = tree.prove(leaves, leaf_words);
    EXPECT_LE(nodes.size(), multiproof_max_nodes(depth, leaves.size()));
    std::vector<Digest> hashes;
    for (size_t l : leaves) hashes.push_back(leaf_of(l));
    EXPECT_TRUE(verify_multiproof(tree.root(), depth, leaves, hashes, nodes).ok());
  }
  // Eight adjacent leaves share everything below level 3: 5 nodes instead of 8 * 8.
  EXPECT_EQ(tree.prove(std::vector<size_t>{0, 1, 2, 3, 4, 5, 6, 7}, leaf_words).size(), 5u);
}

TEST(Merkle, RejectsTampering) {
  const size_t depth = 6;
  const MerkleTree tree = MerkleTree::build(depth, kWords, leaf_words, 2);
  const std::vector<size_t> leaves{5, 9, 40};
  const auto nodes = tree.prove(leaves, leaf_words);
  std::vector<Digest> hashes;
  for (size_t l : leaves) hashes.push_back(leaf_of(l));
  auto check = [&](const std::vector<size_t>& ls, const std::vector<Digest>& hs, const std::vector<Digest>& ns,
                   const Digest& root) { return verify_multiproof(root, depth, ls, hs, ns); };

  auto bad_hash = hashes;
  bad_hash[1][0] ^= 1;
  EXPECT_EQ(check(leaves, bad_hash, nodes, tree.root()).error(), "merkle: root mismatch");
  auto bad_node = nodes;
  bad_node.back()[31] ^= 1;
  EXPECT_EQ(check(leaves, hashes, bad_node, tree.root()).error(), "merkle: root mismatch");
  Digest bad_root = tree.root();
  bad_root[0] ^= 1;
  EXPECT_EQ(check(leaves, hashes, nodes, bad_root).error(), "merkle: root mismatch");
  EXPECT_EQ(check({5, 9, 41}, hashes, nodes, tree.root()).error(), "merkle: root mismatch");
  auto short_nodes = nodes;
  short_nodes.pop_back();
  EXPECT_EQ(check(leaves, hashes, short_nodes, tree.root()).error(), "merkle: multi-proof too short");
  auto long_nodes = nodes;
  long_nodes.push_back(nodes[0]);
  EXPECT_EQ(check(leaves, hashes, long_nodes, tree.root()).error(), "merkle: multi-proof has unused nodes");
  EXPECT_EQ(check({9, 5, 40}, hashes, nodes, tree.root()).error(), "merkle: leaf indices not increasing");
  EXPECT_EQ(check({5, 9, 64}, hashes, nodes, tree.root()).error(), "merkle: leaf index out of range");
  EXPECT_EQ(check({}, {}, nodes, tree.root()).error(), "merkle: leaf count mismatch");
}

}  // namespace
}  // namespace zk
