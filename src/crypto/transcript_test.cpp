#include "crypto/transcript.hpp"

#include <gtest/gtest.h>

#include <set>

#include "field/field.hpp"

namespace zk {
namespace {

TEST(Transcript, DeterministicForSameMessages) {
  Transcript a("test"), b("test");
  a.absorb("x", F::from_u64(5));
  b.absorb("x", F::from_u64(5));
  EXPECT_EQ(a.challenge<E>("r"), b.challenge<E>("r"));
}

TEST(Transcript, EveryInputChangesTheChallenge) {
  auto run = [](std::string_view protocol, std::string_view label, uint64_t value) {
    Transcript t(protocol);
    t.absorb(label, F::from_u64(value));
    return t.challenge<E>("r");
  };
  const E base = run("p", "x", 1);
  EXPECT_NE(base, run("q", "x", 1));  // protocol separation
  EXPECT_NE(base, run("p", "y", 1));  // label separation
  EXPECT_NE(base, run("p", "x", 2));  // message binding
}

TEST(Transcript, LabelAndDataBoundariesAreUnambiguous) {
  // ("ab", "c") and ("a", "bc") must not collide: lengths are part of the hash input.
  Transcript a("p"), b("p");
  std::string c = "c", bc = "bc";
  a.absorb_bytes("ab", {reinterpret_cast<const uint8_t*>(c.data()), c.size()});
  b.absorb_bytes("a", {reinterpret_cast<const uint8_t*>(bc.data()), bc.size()});
  EXPECT_NE(a.state(), b.state());
}

TEST(Transcript, SuccessiveChallengesDiffer) {
  Transcript t("p");
  auto xs = t.challenges<E>("r", 8);
  std::set<uint64_t> seen;
  for (const E& x : xs) seen.insert(x.c0().value());
  EXPECT_EQ(seen.size(), 8u);
  EXPECT_NE(t.challenge<E>("r"), t.challenge<E>("r"));
}

TEST(Transcript, IndicesAreInRangeAndSpread) {
  Transcript t("p");
  auto idx = t.challenge_indices("q", 4000, 10);
  std::vector<int> counts(10, 0);
  for (uint64_t i : idx) {
    ASSERT_LT(i, 10u);
    counts[i]++;
  }
  for (int c : counts) EXPECT_GT(c, 300);  // expectation 400; a broken sampler fails this
}

TEST(Transcript, SmallFieldChallengesAreCanonical) {
  using Small = SmallPrimeField<97>;
  Transcript t("p");
  std::vector<int> counts(97, 0);
  for (const Small& x : t.challenges<Small>("r", 9700)) counts[x.value()]++;
  for (int c : counts) EXPECT_GT(c, 50);
}

}  // namespace
}  // namespace zk
