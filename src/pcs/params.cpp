// Parameter sets, query counts and the public shape of an opening (see docs/pcs.md).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "pcs/schedule.hpp"

namespace zk::pcs {

Params conjectured_params() { return Params{}; }

Params proven_params() {
  Params p;
  p.soundness = Soundness::kProven;
  return p;
}

std::vector<E> ood_points(const Commitment& c) {
  Transcript t("zkinfer/pcs/commitment");
  t.absorb_digest("root", c.root);
  t.absorb_u64("num_vars", c.num_vars);
  t.absorb_u64("num_polys", c.num_polys);
  t.absorb_u64("rate_bits", c.rate_bits);
  if (c.hiding) {
    t.absorb_u64("hiding", 1);
    t.absorb_u64("mask_vars", c.mask_vars);
    if (c.mask_vars == 0) t.absorb_u64("tail_vars", c.tail_vars);
  }
  return t.challenges<E>("ood", kOodSamples);
}

Status validate(const Params& p) {
  if (p.security_bits < 1 || p.security_bits > 120)
    return fail("pcs params: security_bits out of range (the challenge field has 128 bits)");
  if (p.rate_bits < 1 || p.rate_bits > 4) return fail("pcs params: rate_bits must be in [1, 4]");
  if (p.first_shrink_bits < 1 || p.first_shrink_bits > kFoldingVars || p.shrink_bits < 1 ||
      p.shrink_bits > kFoldingVars)
    return fail("pcs params: domain shrink bits must be in [1, 4]");
  if (p.pow_bits > kMaxPowBits || p.pow_bits >= p.security_bits) return fail("pcs params: pow_bits out of range");
  if (p.final_max_vars < kFoldingVars - 1 || p.final_max_vars > 16)
    return fail("pcs params: final_max_vars must be in [3, 16]");
  if (p.hiding_openings < 1) return fail("pcs params: hiding_openings must be at least 1");
  return {};
}

uint64_t openings_supported(const Params& params, const Commitment& c) {
  if (!c.hiding) return 0;
  uint32_t final_vars = 0;
  const auto rounds = detail::make_schedule(params, detail::opened_vars(c), &final_vars);
  uint64_t queries = 0;
  for (const auto& r : rounds) queries += r.queries;
  const uint64_t phi_points = 16 * uint64_t{rounds[0].queries} + 2;
  // Sum-check messages (3 coefficients a round), OOD answers and slopes, generously.
  const uint64_t messages = 4 * uint64_t{detail::opened_vars(c)} + 8 * rounds.size() + 16;
  const uint64_t mask_functionals = 16 * queries + (uint64_t{1} << final_vars) + messages;
  // Phi's mask: the (2^k - 1) 2^m coefficients above P's, or the 2^c top ones of P's own.
  const uint64_t mask_points =
      c.mask_vars > 0 ? ((uint64_t{1} << c.mask_vars) - 1) << c.num_vars : uint64_t{1} << c.tail_vars;
  if (mask_points < phi_points) return 0;
  // One opening: the exact argument. More: both budgets, the functionals of S' at half its size.
  const uint64_t several = std::min(mask_points / phi_points,
                                    (uint64_t{1} << (c.num_vars + c.mask_vars)) / (2 * mask_functionals));
  return std::max<uint64_t>(1, several);
}

namespace detail {

namespace {

// Every error term is driven below 2^-(security + kMarginBits): the terms of one opening (queries
// and folds of each round, OOD, sum-checks) number fewer than 2^kMarginBits of that size, so
// their sum stays below 2^-security.
constexpr double kMarginBits = 3;
constexpr double kExtensionFieldBits = 127.99;  // log2 |E| = log2 p^2

// Queries so that (per-query error)^t * 2^-pow <= 2^-(security + margin) for a code of rate
// 2^-rate_log:
//   conjectured (list decoding up to capacity, delta = 1 - rho - eta, eta = rho / 2 as in WHIR's
//     parameter choice): per-query error 1 - delta = (3/2) rho;
//   proven (unique decoding, delta = (1 - rho) / 2): per-query error (1 + rho) / 2.
uint32_t query_count(const Params& p, uint32_t rate_log) {
  const double rho = std::ldexp(1.0, -static_cast<int>(rate_log));
  const double error = p.soundness == Soundness::kConjectured ? rho * 1.5 : (1.0 + rho) / 2.0;
  const double bits_per_query = -std::log2(error);
  const double needed = p.security_bits + kMarginBits - p.pow_bits;
  return static_cast<uint32_t>(std::ceil(needed / bits_per_query));
}

// Grinding after a round's four folding challenges, covering what the proximity-gap error of
// the fold lacks: -log2 of that error, for a code of 2^vars coefficients and rate 2^-rate_log, is
//   conjectured: log|E| - (vars + 2 rate_log - log eta), eta = rho/2 (WHIR's capacity-bound
//     estimate, [BCIKS20]-style with the list size 2^vars / (rho eta));
//   proven:      log|E| - (vars + rate_log)   (unique decoding, |L| / |E|, [BCIKS20] Thm 1.2),
// less log2(folds) bits for the folds of the round (four; one for the mask fold of a hiding
// commitment).
uint32_t fold_pow_bits(const Params& p, uint32_t vars, uint32_t rate_log, uint32_t folds = kFoldingVars) {
  const double log_inv_eta = rate_log + 1.0;
  const double exceptional = p.soundness == Soundness::kConjectured ? vars + 2.0 * rate_log + log_inv_eta
                                                                    : static_cast<double>(vars + rate_log);
  const double bits = kExtensionFieldBits - exceptional - std::log2(static_cast<double>(folds));
  const double needed = p.security_bits + kMarginBits - bits;
  return needed <= 0 ? 0 : static_cast<uint32_t>(std::ceil(needed));
}

}  // namespace

std::vector<RoundShape> make_schedule(const Params& p, uint32_t num_vars, uint32_t* final_vars) {
  uint32_t rounds = 1;
  if (num_vars > p.final_max_vars)
    rounds = std::max<uint32_t>(1, (num_vars - p.final_max_vars + kFoldingVars - 1) / kFoldingVars);
  std::vector<RoundShape> shape(rounds);
  uint32_t vars = num_vars, log_domain = num_vars + p.rate_bits;
  for (uint32_t i = 0; i < rounds; ++i) {
    shape[i].num_vars = vars;
    shape[i].log_domain = log_domain;
    shape[i].queries = query_count(p, log_domain - vars);
    shape[i].fold_pow_bits = fold_pow_bits(p, vars, log_domain - vars);
    shape[i].last = i + 1 == rounds;
    vars -= kFoldingVars;
    log_domain -= i == 0 ? p.first_shrink_bits : p.shrink_bits;
  }
  *final_vars = vars;
  return shape;
}

namespace {

// A hash of a point's coordinates (splitmix64's finalizer over the words): for the index of
// distinct claim points only, equal points compare exactly.
struct PointHash {
  static uint64_t mix(uint64_t h) {
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
  }
  size_t operator()(const std::vector<E>& point) const {
    uint64_t h = point.size();
    for (const E& x : point) h = mix(mix(h ^ x.c0().value()) ^ x.c1().value());
    return static_cast<size_t>(h);
  }
};

// Grid: one value for every (polynomial, point) pair; repeated claims must agree. Sum claims
// never form a grid (their terms have no public value).
Status fill_grid(Statement& st, bool has_sum_claims) {
  const size_t width = st.points.size();
  std::vector<bool> filled(st.polys.size() * width, false);
  st.grid_values.assign(filled.size(), E::zero());
  for (size_t c = 0; c < st.claims.size(); ++c) {
    if (st.is_sum_term(c)) continue;
    const size_t j = static_cast<size_t>(std::lower_bound(st.polys.begin(), st.polys.end(), st.claims[c].poly) -
                                         st.polys.begin());
    const size_t cell = j * width + st.claim_point[c];
    if (filled[cell] && st.grid_values[cell] != st.claims[c].value)
      return fail("pcs: two claims give one polynomial different values at one point");
    filled[cell] = true;
    st.grid_values[cell] = st.claims[c].value;
  }
  st.grid = !has_sum_claims && std::all_of(filled.begin(), filled.end(), [](bool b) { return b; });
  return {};
}

}  // namespace

Result<Statement> analyze(const Params& params, std::span<const Commitment> commitments,
                          std::span<const EvalClaim> claims, std::span<const SumClaim> sum_claims) {
  ZK_TRY(validate(params));
  if (claims.empty() && sum_claims.empty()) return fail("pcs: no claims");
  Statement st;
  std::vector<E> group_mask_at;  // per group: the mask coordinate y' of its claims on a hiding P^
  // Claim points are on the opened polynomial (opened_point for a caller's claim).
  auto add_term = [&](const PolyRef& ref, std::vector<E> point, const E& value, const E& coef) {
    st.claims.push_back({ref, std::move(point), value});
    st.claim_group.push_back(static_cast<uint32_t>(st.group_value.size()));
    st.claim_coef.push_back(coef);
  };
  auto add_caller_term = [&](const PolyRef& ref, std::span<const E> point, const E& value, const E& coef) -> Status {
    if (ref.commitment >= commitments.size()) return fail("pcs: claim refers to a missing commitment");
    const Commitment& com = commitments[ref.commitment];
    if (ref.poly >= com.num_polys) return fail("pcs: claim refers to a missing polynomial");
    if (com.num_vars > kMaxVars || committed_vars(com) > kMaxVars) return fail("pcs: commitment too large");
    if (com.rate_bits != params.rate_bits) return fail("pcs: commitment rate differs from the parameters");
    if (com.ood.size() != size_t{com.num_polys} * kOodSamples) return fail("pcs: commitment lacks its OOD answers");
    if (point.size() != com.num_vars) return fail("pcs: claim point has the wrong number of coordinates");
    st.num_vars = std::max(st.num_vars, opened_vars(com));
    st.polys.push_back(ref);
    st.opened.push_back(ref.commitment);
    add_term(ref, opened_point(com, point), value, coef);
    return {};
  };
  for (const EvalClaim& c : claims) {
    ZK_TRY(add_caller_term(c.poly, c.point, c.value, E::one()));
    st.group_value.push_back(c.value);
    group_mask_at.push_back(E::zero());
  }
  st.first_sum_term = st.claims.size();
  for (const SumClaim& sum : sum_claims) {
    if (sum.terms.empty()) return fail("pcs: a sum claim has no terms");
    for (const SumTerm& t : sum.terms) ZK_TRY(add_caller_term(t.poly, t.point, E::zero(), t.coefficient));
    st.group_value.push_back(sum.value);
    group_mask_at.push_back(E::zero());
  }
  st.first_ood_claim = st.claims.size();
  std::sort(st.polys.begin(), st.polys.end());
  st.polys.erase(std::unique(st.polys.begin(), st.polys.end()), st.polys.end());
  std::sort(st.opened.begin(), st.opened.end());
  st.opened.erase(std::unique(st.opened.begin(), st.opened.end()), st.opened.end());

  // Each claimed polynomial's commitment OOD claims P_j(pow(z_s)); for a hiding commitment the
  // point pow(z_s) over P^'s variables is (z_s, pow(z_s^2)): mask coordinate z_s, opened point pow(z_s^2).
  for (const PolyRef& ref : st.polys) {
    const Commitment& com = commitments[ref.commitment];
    const std::vector<E> z = ood_points(com);
    for (uint32_t s = 0; s < kOodSamples; ++s) {
      const E value = com.ood[ref.poly * kOodSamples + s];
      add_term(ref, com.hiding ? power_point(z[s] * z[s], opened_vars(com)) : power_point(z[s], com.num_vars), value,
               E::one());
      st.group_value.push_back(value);
      group_mask_at.push_back(z[s]);
    }
  }
  // Distinct points in order of first use (a hash index: statements carry thousands of claims).
  std::unordered_map<std::vector<E>, size_t, PointHash> point_index;
  for (const EvalClaim& c : st.claims) {
    std::vector<E> point(st.num_vars - c.point.size(), E::zero());
    point.insert(point.end(), c.point.begin(), c.point.end());
    const auto [it, added] = point_index.try_emplace(point, st.points.size());
    st.claim_point.push_back(it->second);
    if (added) st.points.push_back(std::move(point));
  }
  ZK_TRY(fill_grid(st, !sum_claims.empty()));
  st.rounds = make_schedule(params, st.num_vars, &st.final_vars);
  for (const RoundShape& r : st.rounds)
    if (r.fold_pow_bits > kMaxPowBits) return fail("pcs: security target unreachable at this size (folding grinding)");

  // Hiding: the groups to fold, and the grinding of the mask fold of the largest hiding P^.
  std::vector<bool> masked(st.group_value.size(), false);
  for (size_t c = 0; c < st.claims.size(); ++c) {
    const Commitment& com = commitments[st.claims[c].poly.commitment];
    if (!com.hiding) continue;
    masked[st.claim_group[c]] = true;
    st.hiding = true;
    st.mask_fold_pow_bits = std::max(st.mask_fold_pow_bits,
                                     fold_pow_bits(params, committed_vars(com), params.rate_bits, 1));
  }
  for (uint32_t g = 0; g < masked.size(); ++g)
    if (masked[g]) {
      st.masked_groups.push_back(g);
      st.mask_at.push_back(group_mask_at[g]);
    }
  if (st.mask_fold_pow_bits > kMaxPowBits) return fail("pcs: security target unreachable at this size (folding grinding)");
  return st;
}

Status fold_mask_claims(Statement& st, std::span<const E> lines, const E& alpha) {
  if (lines.size() != st.masked_groups.size()) return fail("pcs: wrong number of mask lines");
  for (size_t i = 0; i < lines.size(); ++i) st.group_value[st.masked_groups[i]] += (alpha - st.mask_at[i]) * lines[i];
  for (size_t c = 0; c < st.claims.size(); ++c)
    if (!st.is_sum_term(c)) st.claims[c].value = st.group_value[st.claim_group[c]];
  return fill_grid(st, st.first_ood_claim > st.first_sum_term);
}

}  // namespace detail
}  // namespace zk::pcs
