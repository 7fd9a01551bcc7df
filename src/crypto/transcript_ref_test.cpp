// Keccak-256 and the Fiat-Shamir transcript against the independent Python reference
// (tests/ref/field_ref.py -> tests/ref/vectors.txt): Keccak digests and raw permutations,
// and scripted transcripts whose every state and challenge (base field, extension, small
// field, indices with heavy rejection sampling) must match the reference byte for byte.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "../../tests/ref/ref_vectors.hpp"
#include "crypto/keccak.hpp"
#include "crypto/transcript.hpp"
#include "field/field.hpp"

namespace zk {
namespace {

using SmallM31 = SmallPrimeField<2147483647u>;

std::string hex(std::span<const uint8_t> bytes) { return ref::to_hex(bytes.data(), bytes.size()); }

using ref::read_e;
using ref::read_f;
std::string read_label(ref::Reader& r) {
  const std::vector<uint8_t> b = r.bytes();
  return std::string(b.begin(), b.end());
}
Digest read_digest(ref::Reader& r) {
  const std::vector<uint8_t> b = r.bytes();
  if (b.size() != 32) throw std::runtime_error(r.where() + ": digest is not 32 bytes");
  Digest d;
  std::copy(b.begin(), b.end(), d.begin());
  return d;
}

TEST(KeccakReference, Digests) {
  const auto recs = ref::records("keccak");
  ASSERT_GE(recs.size(), 20u);
  bool saw_multi_block = false;
  for (const ref::Record* rec : recs) {
    ref::Reader r(*rec);
    SCOPED_TRACE(r.where());
    const std::vector<uint8_t> msg = r.bytes();
    const std::vector<uint8_t> expect = r.bytes();
    ASSERT_TRUE(r.done());
    EXPECT_EQ(hex(keccak256(msg)), hex(expect)) << "length " << msg.size();
    // Incremental absorption in uneven pieces gives the same digest.
    Keccak256 h;
    for (size_t i = 0; i < msg.size(); i += 61)
      h.update(std::span<const uint8_t>(msg).subspan(i, std::min<size_t>(61, msg.size() - i)));
    EXPECT_EQ(hex(h.finalize()), hex(expect)) << "incremental, length " << msg.size();
    saw_multi_block |= msg.size() > 272;
  }
  EXPECT_TRUE(saw_multi_block);
}

TEST(KeccakReference, PairsAndPermutation) {
  const auto pairs = ref::records("keccak_pair");
  ASSERT_GE(pairs.size(), 2u);
  for (const ref::Record* rec : pairs) {
    ref::Reader r(*rec);
    SCOPED_TRACE(r.where());
    const Digest left = read_digest(r), right = read_digest(r), expect = read_digest(r);
    ASSERT_TRUE(r.done());
    EXPECT_EQ(hex(keccak256_pair(left, right)), hex(expect));
  }
  const auto perms = ref::records("keccak_f");
  ASSERT_GE(perms.size(), 2u);
  for (const ref::Record* rec : perms) {
    ref::Reader r(*rec);
    SCOPED_TRACE(r.where());
    uint64_t state[25], expect[25];
    for (auto& w : state) w = r.u64();
    for (auto& w : expect) w = r.u64();
    ASSERT_TRUE(r.done());
    keccak_f1600(state);
    for (int i = 0; i < 25; ++i) EXPECT_EQ(state[i], expect[i]) << "lane " << i;
  }
}

// Replays every transcript script of the vector file. Each record ends with the reference
// state after the operation, which is compared after every step.
TEST(TranscriptReference, ScriptsMatchPythonReference) {
  std::unique_ptr<Transcript> t;
  size_t transcripts = 0, operations = 0, rejecting_index_draws = 0;
  for (const ref::Record& rec : ref::all_records()) {
    const std::string& kind = rec.tokens[0];
    if (kind.rfind("tr_", 0) != 0) continue;
    ref::Reader r(rec);
    SCOPED_TRACE(r.where() + " (" + kind + ")");
    if (kind == "tr_new") {
      t = std::make_unique<Transcript>(read_label(r));
      ++transcripts;
    } else {
      ASSERT_TRUE(t) << "transcript record before tr_new";
      const std::string label = read_label(r);
      ++operations;
      if (kind == "tr_absorb_bytes") {
        t->absorb_bytes(label, r.bytes());
      } else if (kind == "tr_absorb_u64") {
        t->absorb_u64(label, r.u64());
      } else if (kind == "tr_absorb_f") {
        t->absorb(label, read_f(r));
      } else if (kind == "tr_absorb_e") {
        t->absorb(label, read_e(r));
      } else if (kind == "tr_absorb_all_f") {
        std::vector<F> values(r.size());
        for (auto& v : values) v = read_f(r);
        t->absorb_all<F>(label, values);
      } else if (kind == "tr_absorb_digest") {
        t->absorb_digest(label, read_digest(r));
      } else if (kind == "tr_challenge_f") {
        const F got = t->challenge<F>(label);
        EXPECT_EQ(got, read_f(r));
      } else if (kind == "tr_challenges_f") {
        std::vector<F> expect(r.size());
        for (auto& v : expect) v = read_f(r);
        EXPECT_EQ(t->challenges<F>(label, expect.size()), expect);
      } else if (kind == "tr_challenge_e") {
        const E got = t->challenge<E>(label);
        EXPECT_EQ(got, read_e(r));
      } else if (kind == "tr_challenges_e") {
        std::vector<E> expect(r.size());
        for (auto& v : expect) v = read_e(r);
        EXPECT_EQ(t->challenges<E>(label, expect.size()), expect);
      } else if (kind == "tr_challenges_s") {
        std::vector<SmallM31> expect(r.size());
        for (auto& v : expect) {
          const uint64_t x = r.u64();
          ASSERT_LT(x, SmallM31::MODULUS);
          v = SmallM31::from_canonical(x);
        }
        EXPECT_EQ(t->challenges<SmallM31>(label, expect.size()), expect);
      } else if (kind == "tr_indices") {
        const size_t count = r.size();
        const uint64_t bound = r.u64();
        std::vector<uint64_t> expect(count);
        for (auto& v : expect) {
          v = r.u64();
          ASSERT_LT(v, bound);
        }
        EXPECT_EQ(t->challenge_indices(label, count, bound), expect) << "bound " << bound;
        // Bounds whose rejection zone is large (2^64 mod bound >= 2^62).
        if ((0 - bound) % bound >= (uint64_t{1} << 62)) rejecting_index_draws += count;
      } else {
        FAIL() << "unknown transcript record kind " << kind;
      }
    }
    const std::vector<uint8_t> state = r.bytes();
    ASSERT_TRUE(r.done()) << "unconsumed tokens";
    ASSERT_EQ(hex(t->state()), hex(state)) << "transcript state diverged";
  }
  EXPECT_GE(transcripts, 3u);
  EXPECT_GE(operations, 50u);
  EXPECT_GE(rejecting_index_draws, 16u);  // rejection sampling is really exercised
}

// The documented schedule, written out with the public Keccak API only (no transcript code),
// for one absorb and one challenge; complements the Python reference.
TEST(TranscriptReference, ScheduleSpelledOutWithKeccak) {
  auto le = [](uint64_t v, int n) {
    std::vector<uint8_t> b;
    for (int i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
    return b;
  };
  auto cat = [](std::vector<uint8_t> a, std::span<const uint8_t> b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  auto str = [](std::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); };

  Transcript t("proto");
  Digest s = keccak256(cat(cat(str("zkinfer/transcript/v1"), le(5, 4)), str("proto")));
  EXPECT_EQ(hex(t.state()), hex(s));

  const std::vector<uint8_t> data = {1, 2, 3};
  t.absorb_bytes("ab", data);
  std::vector<uint8_t> msg(s.begin(), s.end());
  msg.push_back(0x01);
  msg = cat(cat(cat(cat(msg, le(2, 4)), str("ab")), le(3, 8)), data);
  s = keccak256(msg);
  EXPECT_EQ(hex(t.state()), hex(s));

  const std::vector<uint64_t> got = t.challenge_indices("q", 5, 1000);
  msg.assign(s.begin(), s.end());
  msg.push_back(0x02);
  s = keccak256(cat(cat(msg, le(1, 4)), str("q")));
  EXPECT_EQ(hex(t.state()), hex(s));
  // Words 0..3 of H(s || u32 0), then H(s || u32 1); 1000 rejects only w >= 2^64 - 616.
  std::vector<uint64_t> words;
  for (uint32_t counter = 0; counter < 2; ++counter) {
    const Digest block = keccak256(cat(std::vector<uint8_t>(s.begin(), s.end()), le(counter, 4)));
    for (int w = 0; w < 4; ++w) {
      uint64_t v = 0;
      for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(block[8 * w + i]) << (8 * i);
      words.push_back(v);
    }
  }
  std::vector<uint64_t> expect;
  for (uint64_t w : words)
    if (expect.size() < 5 && w < 0 - (uint64_t{0} - 1000) % 1000) expect.push_back(w % 1000);
  ASSERT_EQ(expect.size(), 5u);
  EXPECT_EQ(got, expect);
}

}  // namespace
}  // namespace zk
