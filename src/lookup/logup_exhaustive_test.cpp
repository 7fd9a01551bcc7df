// Exhaustive soundness checks over a tiny field, where every value of a challenge can be tried.
//  - LogUp: with the GKR run honestly, the verifier accepts exactly for the alphas at which the
//    LogUp identity holds with nonzero denominators; for a row outside the table these are the
//    roots of a nonzero polynomial of degree < n' + N', the bound of docs/lookup.md.
//  - GKR: a prover that forges the root and the children of layer 0 consistently is caught by
//    the line through the children except at one mu, for every lambda.
#include <gtest/gtest.h>

#include <string_view>

#include "crypto/transcript.hpp"
#include "field/field.hpp"
#include "lookup/logup.hpp"
#include "sumcheck/scripted_challenger.hpp"

namespace zk {
namespace {

using Tiny = SmallPrimeField<97>;
using ScriptedChallenger = zk::ScriptedChallenger<Tiny>;

// A transcript whose "logup/alpha" challenge is replaced by a chosen value.
class AlphaOverride {
 public:
  explicit AlphaOverride(Tiny alpha) : transcript_("logup-exhaustive"), alpha_(alpha) {}
  void absorb_u64(std::string_view label, uint64_t v) { transcript_.absorb_u64(label, v); }
  template <class Field>
  void absorb(std::string_view label, const Field& v) {
    transcript_.absorb(label, v);
  }
  template <class Field>
  void absorb_all(std::string_view label, std::span<const Field> v) {
    transcript_.absorb_all(label, v);
  }
  template <class Field>
  Field challenge(std::string_view label) {
    const Field drawn = transcript_.challenge<Field>(label);
    return label == "logup/alpha" ? alpha_ : drawn;
  }

 private:
  Transcript transcript_;
  Tiny alpha_;
};

struct TinyCase {
  LookupStatement<Tiny> statement;
  std::vector<Tiny> values;
  std::vector<Tiny> multiplicities;
};

bool accepted(const TinyCase& c, Tiny alpha) {
  const std::vector<LookupColumns<Tiny>> groups = {{std::span<const Tiny>(c.values)}};
  AlphaOverride prover(alpha), verifier(alpha);
  auto proven = prove_lookup<Tiny, Tiny>(prover, c.statement, std::span<const LookupColumns<Tiny>>(groups),
                                         std::span<const Tiny>(c.multiplicities));
  auto claims = verify_lookup<Tiny, Tiny>(verifier, c.statement, proven.proof);
  if (!claims) return false;
  // The caller's commitment checks.
  std::vector<Tiny> padded(size_t{1} << claims->witness[0].point.size(), Tiny::zero());
  std::copy(c.values.begin(), c.values.end(), padded.begin());
  EXPECT_EQ(claims->witness[0].values[0], (evaluate_multilinear<Tiny, Tiny>(padded, claims->witness[0].point)));
  return true;
}

// sum_j 1 / (alpha - w_j) = sum_i m_i / (alpha - t_i) with every denominator nonzero.
bool identity_holds(const TinyCase& c, Tiny alpha) {
  Tiny lhs = Tiny::zero(), rhs = Tiny::zero();
  for (Tiny w : c.values) {
    if (alpha == w) return false;
    lhs += (alpha - w).inverse();
  }
  for (size_t i = 0; i < c.statement.table.size(); ++i) {
    const Tiny t = c.statement.table.entry(0, i);
    if (alpha == t) return false;
    rhs += c.multiplicities[i] * (alpha - t).inverse();
  }
  return lhs == rhs;
}

TinyCase range_case(std::vector<uint64_t> values) {
  TinyCase c{{LookupTable<Tiny>::range(3, 10), {values.size()}}, {}, {}};
  for (uint64_t v : values) c.values.push_back(Tiny::from_u64(v));
  c.multiplicities.assign(8, Tiny::zero());
  for (uint64_t v : values)
    if (v >= 10 && v < 18) c.multiplicities[v - 10] += Tiny::one();
  return c;
}

TEST(LogupExhaustive, HonestProverAcceptedForEveryAlphaOffTheTable) {
  const TinyCase c = range_case({10, 17, 12, 12, 15});
  for (uint64_t a = 0; a < Tiny::MODULUS; ++a) {
    const bool on_table = a >= 10 && a < 18;
    EXPECT_EQ(accepted(c, Tiny::from_u64(a)), !on_table) << a;
  }
}

TEST(LogupExhaustive, RowOutsideTheTableAcceptedOnlyAtRootsOfTheIdentity) {
  for (const auto& values : std::vector<std::vector<uint64_t>>{
           {10, 17, 40, 12, 15}, {18}, {9, 9, 11}, {40, 41, 42, 43, 44, 45, 46}}) {
    const TinyCase c = range_case(values);
    size_t accepted_count = 0;
    for (uint64_t a = 0; a < Tiny::MODULUS; ++a) {
      const Tiny alpha = Tiny::from_u64(a);
      const bool accept = accepted(c, alpha);
      EXPECT_EQ(accept, identity_holds(c, alpha)) << a;
      accepted_count += accept;
    }
    const size_t n_padded = size_t{1} << ceil_log2(values.size());
    EXPECT_LT(accepted_count, n_padded + 8) << "bound (n' + N') / |E|";
  }
}


TEST(FractionalSumExhaustive, ForgedRootCaughtExceptAtOneMu) {
  // Leaves (p, q) of two fractions; the forger claims P + 1 and shifts p_L by 1 / q_R so that
  // layer 0 checks out for every lambda; the leaf check at (mu) fails unless mu = 1.
  const FractionLeaves<Tiny> leaves{{Tiny::from_u64(3), Tiny::from_u64(5)},
                                    {Tiny::from_u64(7), Tiny::from_u64(11)}};
  const auto& p = leaves.numerators;
  const auto& q = leaves.denominators;
  FractionalSumProof<Tiny> forged;
  forged.root_numerator = p[0] * q[1] + p[1] * q[0] + Tiny::one();
  forged.root_denominator = q[0] * q[1];
  forged.layers.push_back({{}, {p[0] + q[1].inverse(), p[1], q[0], q[1]}});
  size_t accepted_count = 0, total = 0;
  for (uint64_t lambda = 0; lambda < Tiny::MODULUS; ++lambda) {
    for (uint64_t mu = 0; mu < Tiny::MODULUS; ++mu) {
      ScriptedChallenger ch({Tiny::from_u64(lambda), Tiny::from_u64(mu)});
      auto claim = verify_fractional_sum<Tiny>(ch, 1, forged);
      ASSERT_TRUE(claim.ok()) << claim.error();
      const bool leaf_ok = claim->numerator == evaluate_multilinear<Tiny, Tiny>(p, claim->point) &&
                           claim->denominator == evaluate_multilinear<Tiny, Tiny>(q, claim->point);
      accepted_count += leaf_ok;
      ++total;
      EXPECT_EQ(leaf_ok, mu == 1) << lambda << " " << mu;
    }
  }
  // Bound for one layer: (3 * 0 + 2) / |F|.
  EXPECT_LE(accepted_count * Tiny::MODULUS, 2 * total);
}

}  // namespace
}  // namespace zk
