// Binary encodings of commitments and opening proofs (little-endian, canonical field elements).
//
// Commitment: u8 version = 1 (2: hiding) | root (32) | u32 num_vars | u32 num_polys | u8 rate_bits |
//             num_polys x kOodSamples E (the out-of-domain answers).
// OpeningProof: u8 version = 1 (2: a hiding commitment is opened), then, with all counts fixed by
// the public statement unless marked:
//   [mask lines: masked groups x E | u64 mask fold pow nonce]  only with hiding commitments
//   [batching: num_vars x 3 E | distinct polys x E]           only for claims at several points
//   per round: 4 x 3 E | u64 folding pow nonce | [root (32) | kOodSamples E] (not in the last
//              round) | u64 query pow nonce
//              round 0: per opened commitment: u32 leaves* | leaves x width F | u32 nodes* | nodes
//                       (width 16 per polynomial; hiding: 32 per polynomial and the salt)
//              later rounds:                    u32 leaves* | leaves x 16 E    | u32 nodes* | nodes
//   final table: 2^final_vars E | final sum-check: final_vars x 3 E
// (*) bounded by the round's query count and the tree size, nodes by the multi-proof bound.
#include <algorithm>
#include <string>

#include "pcs/pcs.hpp"
#include "pcs/schedule.hpp"

namespace zk::pcs {

namespace {

constexpr uint8_t kCommitmentVersion = 1, kHidingCommitmentVersion = 3;  // 3: the mask variables
constexpr uint8_t kProofVersion = 1, kHidingProofVersion = 2;
constexpr uint32_t kMaxPolysPerCommitment = 1u << 16;

template <class Field>
void put(ByteWriter& w, const Field& x) {
  x.to_bytes(w.extend(Field::BYTES));
}

template <class Field>
Result<Field> get(ByteReader& r) {
  auto bytes = r.take(Field::BYTES);
  if (!bytes) return fail(bytes.error());
  auto x = Field::from_bytes(bytes->data());
  if (!x) return fail("non-canonical field element at offset " + std::to_string(r.position() - Field::BYTES));
  return *x;
}

void put_digest(ByteWriter& w, const Digest& d) { w.raw(d); }

Result<Digest> get_digest(ByteReader& r) {
  auto bytes = r.take(32);
  if (!bytes) return fail(bytes.error());
  Digest d;
  std::copy(bytes->begin(), bytes->end(), d.begin());
  return d;
}

void put_messages(ByteWriter& w, const std::vector<SumcheckMessage>& msgs) {
  for (const auto& m : msgs) {
    put(w, m.at0);
    put(w, m.at1);
    put(w, m.at2);
  }
}

Result<std::vector<SumcheckMessage>> get_messages(ByteReader& r, size_t count) {
  if (count * 3 * E::BYTES > r.remaining()) return fail("truncated input: sum-check messages");
  std::vector<SumcheckMessage> out(count);
  for (auto& m : out) {
    for (E* x : {&m.at0, &m.at1, &m.at2}) {
      auto v = get<E>(r);
      if (!v) return fail(v.error());
      *x = *v;
    }
  }
  return out;
}

template <class Field>
Result<std::vector<Field>> get_elements(ByteReader& r, size_t count) {
  if (count > r.remaining() / Field::BYTES) return fail("truncated input: field elements");
  std::vector<Field> out(count);
  for (auto& x : out) {
    auto v = get<Field>(r);
    if (!v) return fail(v.error());
    x = *v;
  }
  return out;
}

template <class Field>
void put_openings(ByteWriter& w, const LeafOpenings<Field>& o) {
  w.u32(static_cast<uint32_t>(o.values.size()));
  for (const Field& x : o.values) put(w, x);
  w.u32(static_cast<uint32_t>(o.nodes.size()));
  for (const Digest& d : o.nodes) put_digest(w, d);
}

// Leaf values (a whole number of leaves of `width` values, at most max_leaves) and the
// multi-proof nodes (at most the multi-proof bound for that many leaves).
template <class Field>
Result<LeafOpenings<Field>> get_openings(ByteReader& r, size_t width, size_t max_leaves, size_t depth) {
  LeafOpenings<Field> o;
  auto count = r.length(max_leaves * width, "opened values");
  if (!count) return fail(count.error());
  if (*count % width != 0) return fail("pcs proof: opened values are not whole leaves");
  auto values = get_elements<Field>(r, *count);
  if (!values) return fail(values.error());
  o.values = std::move(*values);
  auto nodes = r.length(multiproof_max_nodes(depth, *count / width), "multi-proof nodes");
  if (!nodes) return fail(nodes.error());
  if (*nodes > r.remaining() / 32) return fail("truncated input: multi-proof nodes");
  o.nodes.resize(*nodes);
  for (auto& d : o.nodes) {
    auto v = get_digest(r);
    if (!v) return fail(v.error());
    d = *v;
  }
  return o;
}

}  // namespace

void Commitment::serialize(ByteWriter& out) const {
  out.u8(hiding ? kHidingCommitmentVersion : kCommitmentVersion);
  put_digest(out, root);
  out.u32(num_vars);
  out.u32(num_polys);
  out.u8(static_cast<uint8_t>(rate_bits));
  if (hiding) out.u8(static_cast<uint8_t>(mask_vars));
  if (hiding && mask_vars == 0) out.u8(static_cast<uint8_t>(tail_vars));
  for (const E& x : ood) put(out, x);
}

Result<Commitment> Commitment::deserialize(ByteReader& in) {
  auto version = in.u8();
  if (!version) return fail(version.error());
  if (*version != kCommitmentVersion && *version != kHidingCommitmentVersion)
    return fail("pcs commitment: unknown version");
  Commitment c;
  c.hiding = *version == kHidingCommitmentVersion;
  auto root = get_digest(in);
  if (!root) return fail(root.error());
  c.root = *root;
  auto vars = in.u32();
  if (!vars) return fail(vars.error());
  auto polys = in.u32();
  if (!polys) return fail(polys.error());
  auto rate = in.u8();
  if (!rate) return fail(rate.error());
  if (*vars > kMaxVars) return fail("pcs commitment: too many variables");
  if (*polys == 0 || *polys > kMaxPolysPerCommitment) return fail("pcs commitment: bad polynomial count");
  if (*rate < 1 || *rate > 4) return fail("pcs commitment: bad rate");
  c.num_vars = *vars;
  c.num_polys = *polys;
  c.rate_bits = *rate;
  if (c.hiding) {
    auto mask = in.u8();
    if (!mask) return fail(mask.error());
    if (*mask == 0) {
      auto tail = in.u8();
      if (!tail) return fail(tail.error());
      if (*tail == 0 || *tail >= c.num_vars) return fail("pcs commitment: bad mask tail");
      c.tail_vars = *tail;
    } else if (*mask < detail::min_mask_vars(c.num_vars) || *mask > kMaxVars) {
      return fail("pcs commitment: bad mask variables");
    }
    c.mask_vars = *mask;
  }
  if (detail::committed_vars(c) > kMaxVars) return fail("pcs commitment: too many variables");
  auto ood = get_elements<E>(in, size_t{c.num_polys} * kOodSamples);
  if (!ood) return fail(ood.error());
  c.ood = std::move(*ood);
  return c;
}

std::vector<uint8_t> OpeningProof::serialize() const {
  ByteWriter w;
  const bool hiding = !mask_lines.empty();
  w.u8(hiding ? kHidingProofVersion : kProofVersion);
  if (hiding) {
    for (const E& x : mask_lines) put(w, x);
    w.u64(mask_fold_pow_nonce);
  }
  put_messages(w, batching_sumcheck);
  for (const E& x : batched_values) put(w, x);
  for (size_t i = 0; i < rounds.size(); ++i) {
    const RoundProof& rp = rounds[i];
    put_messages(w, rp.sumcheck);
    w.u64(rp.fold_pow_nonce);
    if (i + 1 < rounds.size()) {
      put_digest(w, rp.next_root);
      for (const E& x : rp.ood_answers) put(w, x);
    }
    w.u64(rp.pow_nonce);
    for (const auto& o : rp.base_openings) put_openings(w, o);
    if (i > 0) put_openings(w, rp.openings);
  }
  for (const E& x : final_table) put(w, x);
  put_messages(w, final_sumcheck);
  return std::move(w).take();
}

Result<OpeningProof> OpeningProof::deserialize(std::span<const uint8_t> bytes, const Params& params,
                                               std::span<const Commitment> commitments,
                                               std::span<const EvalClaim> claims,
                                               std::span<const SumClaim> sum_claims) {
  auto analyzed = detail::analyze(params, commitments, claims, sum_claims);
  if (!analyzed) return fail(analyzed.error());
  const detail::Statement& st = *analyzed;
  ByteReader r(bytes);
  auto version = r.u8();
  if (!version) return fail(version.error());
  if (*version != (st.hiding ? kHidingProofVersion : kProofVersion)) return fail("pcs proof: unknown version");
  OpeningProof proof;
  if (st.hiding) {
    auto lines = get_elements<E>(r, st.masked_groups.size());
    if (!lines) return fail(lines.error());
    proof.mask_lines = std::move(*lines);
    auto nonce = r.u64();
    if (!nonce) return fail(nonce.error());
    proof.mask_fold_pow_nonce = *nonce;
  }
  if (!st.grid) {
    auto msgs = get_messages(r, st.num_vars);
    if (!msgs) return fail(msgs.error());
    proof.batching_sumcheck = std::move(*msgs);
    auto values = get_elements<E>(r, st.polys.size());
    if (!values) return fail(values.error());
    proof.batched_values = std::move(*values);
  }
  for (size_t i = 0; i < st.rounds.size(); ++i) {
    const detail::RoundShape& shape = st.rounds[i];
    RoundProof rp;
    auto msgs = get_messages(r, kFoldingVars);
    if (!msgs) return fail(msgs.error());
    rp.sumcheck = std::move(*msgs);
    auto fold_nonce = r.u64();
    if (!fold_nonce) return fail(fold_nonce.error());
    rp.fold_pow_nonce = *fold_nonce;
    if (!shape.last) {
      auto root = get_digest(r);
      if (!root) return fail(root.error());
      rp.next_root = *root;
      auto ood = get_elements<E>(r, kOodSamples);
      if (!ood) return fail(ood.error());
      rp.ood_answers = std::move(*ood);
    }
    auto nonce = r.u64();
    if (!nonce) return fail(nonce.error());
    rp.pow_nonce = *nonce;
    if (i == 0) {
      for (uint32_t c : st.opened) {
        const Commitment& com = commitments[c];
        const size_t depth = detail::opened_vars(com) + com.rate_bits - kFoldingVars;
        const size_t max_leaves = std::min<size_t>(shape.queries, size_t{1} << depth);
        auto o = get_openings<F>(r, detail::leaf_size(com), max_leaves, depth);
        if (!o) return fail(o.error());
        rp.base_openings.push_back(std::move(*o));
      }
    } else {
      const size_t depth = shape.log_domain - kFoldingVars;
      const size_t max_leaves = std::min<size_t>(shape.queries, size_t{1} << depth);
      auto o = get_openings<E>(r, kLeafWidth, max_leaves, depth);
      if (!o) return fail(o.error());
      rp.openings = std::move(*o);
    }
    proof.rounds.push_back(std::move(rp));
  }
  auto table = get_elements<E>(r, size_t{1} << st.final_vars);
  if (!table) return fail(table.error());
  proof.final_table = std::move(*table);
  auto final_msgs = get_messages(r, st.final_vars);
  if (!final_msgs) return fail(final_msgs.error());
  proof.final_sumcheck = std::move(*final_msgs);
  ZK_TRY(r.expect_end());
  return proof;
}

}  // namespace zk::pcs
