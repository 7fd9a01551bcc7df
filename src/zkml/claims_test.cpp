// Visibility (private, hashed and public inputs, private outputs, public weights) and claims about
// the outputs: parsing and semantics, round trips on the credit MLP and a CNN, the cheating prover
// on the claims, and one tamper test per rejection path.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <functional>

#include "model/io.hpp"
#include "zkml/claims.hpp"
#include "zkml/layout.hpp"
#include "zkml/model_bench.hpp"
#include "zkml/zkml.hpp"

namespace zk::zkml {
namespace {

bool sanitized() { return std::getenv("ZKINFER_SANITIZED") != nullptr; }

constexpr Visibility kPublic = Visibility::is_public, kPrivate = Visibility::is_private, kHashed = Visibility::hashed;

// ---- Parsing and compiling -------------------------------------------------------------------------

// A spec whose last layer has 3 outputs at scale 0.1 within [-127, 127].
ModelSpec three_outputs(double scale = 0.1) {
  ModelSpec spec;
  Layer last;
  last.out = {3, 1, 1};
  last.scale = scale;
  last.lo = -127;
  last.hi = 127;
  spec.layers.push_back(last);
  spec.outputs = {0};  // the model's one output is that layer
  return spec;
}

TEST(ClaimText, CanonicalFormsAndMalformedClaims) {
  const std::vector<std::pair<std::string, std::string>> good = {
      {"argmax==2", "argmax == 2"},
      {"  y[0]>=0.70 ", "y[0] >= 0.7"},
      {"y[1] < -1e-1", "y[1] < -0.1"},
      {"0.3<=y[0]<0.6", "0.3 <= y[0] < 0.6"},
      {"-2 < y[2] <= 3", "-2 < y[2] <= 3"},
      {"y[0] == 1.5", "y[0] == 1.5"}};
  for (const auto& [text, canonical] : good) {
    auto c = canonical_claim(text);
    ASSERT_TRUE(c.ok()) << text << ": " << c.error();
    EXPECT_EQ(*c, canonical);
  }
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "empty"},
      {"argmax = 2", "'=' must be '=='"},
      {"argmax >= 2", "expected 'argmax == K'"},
      {"argmax == -1", "is not an index"},
      {"y[0] >= abc", "expected a number"},
      {"y[0] >= 1..2", "is not a finite decimal number"},
      {"y[0] >= 1e999", "is not a finite decimal number"},
      {"y(0) >= 1", "unexpected character '('"},
      {"x[0] >= 1", "expected y[I]"},
      {"y[0] >= 1 extra", "expected 'y[I] OP V'"},
      {"1 > y[0] > 0", "a range uses '<=' or '<' on both sides"},
      {"y[0] => 1", "'=' must be '=='"},
      {"y[0] <> 1", "expected 'y[I] OP V'"},
      {std::string(200, ' ') + "argmax == 1", "longer than 128 bytes"}};
  for (const auto& [text, reason] : bad) {
    auto c = canonical_claim(text);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.error().rfind("claim '" + text + "': ", 0), 0u) << c.error();
    EXPECT_NE(c.error().find(reason), std::string::npos) << text << ": " << c.error();
  }
}

// The thresholds: y >= v is y_q >= the least n with n s >= v, exactly; strict and negative bounds;
// clamping to [lo - 1, hi + 1].
TEST(ClaimText, ThresholdsRoundExactlyOnTheQuantizedGrid) {
  const ModelSpec spec = three_outputs(0.25);
  auto threshold = [&](const std::string& claim) {
    auto forms = compile_claims(spec, std::vector<std::string>{claim});
    EXPECT_TRUE(forms.ok()) << forms.error();
    EXPECT_EQ(forms->size(), 1u);
    return forms->at(0);
  };
  // s = 0.25: y >= 0.5 is y_q >= 2; y > 0.5 is y_q >= 3; y >= 0.6 is y_q >= 3.
  EXPECT_EQ(threshold("y[1] >= 0.5"), (LinearForm{{1, 0}, {1, 0}, -2}));
  EXPECT_EQ(threshold("y[1] > 0.5"), (LinearForm{{1, 0}, {1, 0}, -3}));
  EXPECT_EQ(threshold("y[1] >= 0.6"), (LinearForm{{1, 0}, {1, 0}, -3}));
  // Negative: y >= -0.6 is y_q >= -2 (-2 * 0.25 = -0.5 >= -0.6, -3 * 0.25 = -0.75 < -0.6).
  EXPECT_EQ(threshold("y[0] >= -0.6"), (LinearForm{{0, 0}, {1, 0}, 2}));
  EXPECT_EQ(threshold("y[0] > -0.5"), (LinearForm{{0, 0}, {1, 0}, 1}));
  // Upper bounds: y <= -0.6 is y_q <= -3 (form -3 - y); y < -0.5 is y_q <= -3; y <= 0.5 is y_q <= 2.
  EXPECT_EQ(threshold("y[2] <= -0.6"), (LinearForm{{2, 0}, {-1, 0}, -3}));
  EXPECT_EQ(threshold("y[2] < -0.5"), (LinearForm{{2, 0}, {-1, 0}, -3}));
  EXPECT_EQ(threshold("y[2] <= 0.5"), (LinearForm{{2, 0}, {-1, 0}, 2}));
  // Far outside the output range: clamped to lo - 1 = -128 and hi + 1 = 128.
  EXPECT_EQ(threshold("y[0] >= -1e30"), (LinearForm{{0, 0}, {1, 0}, 128}));
  EXPECT_EQ(threshold("y[0] >= 1e30"), (LinearForm{{0, 0}, {1, 0}, -128}));
  EXPECT_EQ(threshold("y[0] <= -1e30"), (LinearForm{{0, 0}, {-1, 0}, -128}));
  // Exactness: with s = 0.1 (a binary double slightly above 1/10), 3 s > 0.3 as doubles.
  const ModelSpec tenth = three_outputs(0.1);
  auto forms = compile_claims(tenth, std::vector<std::string>{"y[0] <= 0.3"});
  ASSERT_TRUE(forms.ok());
  EXPECT_EQ(forms->at(0).constant, 2);  // 3 * 0.1 = 0.30000000000000004 > 0.3
  // Equality: both bounds; no grid value in between makes a false pair.
  auto eq = compile_claims(spec, std::vector<std::string>{"y[0] == 0.5", "y[0] == 0.6"});
  ASSERT_TRUE(eq.ok());
  ASSERT_EQ(eq->size(), 4u);
  EXPECT_EQ(eq->at(0).constant, -2);
  EXPECT_EQ(eq->at(1).constant, 2);
  EXPECT_EQ(eq->at(2).constant + eq->at(3).constant, -1);  // y >= 3 and y <= 2
}

TEST(ClaimText, ArgmaxFormsAndIndexBounds) {
  const ModelSpec spec = three_outputs();
  std::vector<uint32_t> claim_of;
  auto forms = compile_claims(spec, std::vector<std::string>{"y[0] >= 0", "argmax == 1"}, &claim_of);
  ASSERT_TRUE(forms.ok()) << forms.error();
  ASSERT_EQ(forms->size(), 3u);
  EXPECT_EQ(forms->at(1), (LinearForm{{1, 0}, {1, -1}, -1}));  // y1 > y0
  EXPECT_EQ(forms->at(2), (LinearForm{{1, 2}, {1, -1}, 0}));   // y1 >= y2
  EXPECT_EQ(claim_of, (std::vector<uint32_t>{0, 1, 1}));
  // The first maximum: ties go to the lower index.
  const std::vector<int64_t> tie = {5, 5, 1};
  EXPECT_LT(form_value(forms->at(1), tie), 0);
  EXPECT_GE(form_value(forms->at(2), tie), 0);
  EXPECT_EQ(form_bits(spec), 8u);  // hi - lo + 1 = 255
  for (const std::string claim : {"argmax == 3", "y[3] >= 0", "0 <= y[7] < 1"}) {
    auto out = compile_claims(spec, std::vector<std::string>{claim});
    ASSERT_FALSE(out.ok()) << claim;
    EXPECT_NE(out.error().find("outside the output (3 values)"), std::string::npos) << out.error();
  }
  EXPECT_FALSE(compile_claims(spec, std::vector<std::string>(kMaxClaims + 1, "argmax == 0")).ok());
}

// ---- The credit model under every visibility --------------------------------------------------------

// A model of the repository quantized at 8 bits and calibrated on `calibration`, and the first
// array of `input` quantized for it.
struct Loaded {
  model::IntModel model;
  std::vector<int64_t> input;
};
Result<Loaded> load(const std::string& onnx, const std::string& calibration, const std::string& input) {
  const std::string root = std::string(ZKINFER_SOURCE_DIR) + "/";
  auto samples = model::read_inputs(root + calibration);
  if (!samples) return fail(samples.error());
  auto m = quantize_onnx(root + onnx, &*samples, 8);
  if (!m) return fail(m.error());
  auto flat = model::read_inputs(root + input);
  auto spec = extract_spec(*m, nullptr, nullptr);
  if (!flat || !spec) return fail("inputs or spec of " + onnx);
  auto x = quantize_input(*spec, *flat);
  if (!x) return fail(x.error());
  return Loaded{std::move(*m), std::move(*x)};
}

struct Credit {
  model::IntModel model;
  std::vector<int64_t> input;  // quantized (the bundled borrower)
  std::string error;

  Credit() {
    auto loaded = load("examples/credit/model.onnx", "examples/credit/calibration.json", "examples/credit/input.json");
    if (!loaded) {
      error = loaded.error();
      return;
    }
    model = std::move(loaded->model);
    input = std::move(loaded->input);
  }
};

const Credit& credit() {
  static const Credit c;
  return c;
}

// The encodings a public input travels in (i64), of the input values that are not tiny and are no
// public or weight value (the clamp bounds, which the claims' forms hold, and the weights and
// biases): a negative value's 8 bytes; a positive value followed by the next one (16 bytes), since
// 8 bytes "v 0 0 0 0 0 0 0" also occur where a field element ends in byte v and zeros follow.
std::vector<std::vector<uint8_t>> value_patterns(std::span<const int64_t> values, const ProvingKey& pk) {
  std::vector<int64_t> known;
  for (const auto& l : pk.vk.spec.layers) known.insert(known.end(), {l.lo - 1, l.lo, l.hi, l.hi + 1});
  for (const auto* tables : {&pk.weights, &pk.biases})
    for (const auto& t : *tables) known.insert(known.end(), t.begin(), t.end());
  auto le = [](std::initializer_list<uint64_t> words) {
    std::vector<uint8_t> bytes;
    for (uint64_t x : words)
      for (size_t i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(x >> (8 * i)));
    return bytes;
  };
  std::vector<std::vector<uint8_t>> out;
  for (size_t i = 0; i < values.size(); ++i) {
    const int64_t v = values[i];
    if ((v > -8 && v < 8) || std::find(known.begin(), known.end(), v) != known.end()) continue;
    if (v < 0)
      out.push_back(le({static_cast<uint64_t>(v)}));
    else if (i + 1 < values.size())
      out.push_back(le({static_cast<uint64_t>(v), static_cast<uint64_t>(values[i + 1])}));
  }
  return out;
}
// The input values found in the proof bytes as field elements, of its negative ones (p - |v| is
// distinctive; a small positive value's 7 zero bytes also occur in length fields), and how many
// negative ones there are to look for.
struct FieldScan {
  size_t found = 0, scanned = 0;
};
FieldScan negative_values_as_field_elements(std::span<const uint8_t> bytes, std::span<const int64_t> values) {
  FieldScan scan;
  for (int64_t v : values) {
    if (v >= 0) continue;
    const uint64_t word = F::from_i64(v).value();
    std::array<uint8_t, 8> pattern;
    for (size_t i = 0; i < 8; ++i) pattern[i] = static_cast<uint8_t>(word >> (8 * i));
    scan.found += std::search(bytes.begin(), bytes.end(), pattern.begin(), pattern.end()) != bytes.end();
    ++scan.scanned;
  }
  return scan;
}

size_t occurrences(std::span<const uint8_t> haystack, const std::vector<std::vector<uint8_t>>& patterns) {
  size_t found = 0;
  for (const auto& p : patterns) {
    const auto it = std::search(haystack.begin(), haystack.end(), p.begin(), p.end());
    found += it != haystack.end();
  }
  return found;
}

TEST(Visibility, CreditModelRoundTripsUnderEveryVisibility) {
  const Credit& c = credit();
  ASSERT_TRUE(c.error.empty()) << c.error;
  const auto base = setup(c.model);
  ASSERT_TRUE(base.ok());
  const auto patterns = value_patterns(c.input, *base);
  ASSERT_GE(patterns.size(), 5u);  // the bundled input has values to look for
  const std::vector<std::string> claims = {"argmax == 0", "y[0] >= 5", "-20 <= y[2] < 0"};
  for (Visibility input : {kPublic, kPrivate, kHashed})
    for (Visibility output : {kPublic, kPrivate})
      for (Visibility weights : {kPrivate, kPublic}) {
        if (sanitized() && output == kPrivate && weights == kPublic) continue;
        const Visibilities vis{input, output, weights};
        const std::string name = std::to_string(int(input)) + std::to_string(int(output)) + std::to_string(int(weights));
        auto pk = setup(c.model, ParamsPreset::conjectured, vis);
        ASSERT_TRUE(pk.ok()) << name << ": " << pk.error();
        EXPECT_EQ(pk->vk.weight_commitments.empty(), weights == kPublic) << name;
        // The keys round-trip (public weights: in the verifying key, the proving key holds no
        // commitment), and the model id changes with the visibility.
        const auto vk_bytes = pk->vk.to_bytes();
        auto vk = VerifyingKey::from_bytes(vk_bytes);
        ASSERT_TRUE(vk.ok()) << name << ": " << vk.error();
        EXPECT_EQ(vk->visibility, vis);
        EXPECT_EQ(vk->to_bytes(), vk_bytes);
        auto pk2 = ProvingKey::from_bytes(SharedBytes(pk->to_bytes()));
        ASSERT_TRUE(pk2.ok()) << name << ": " << pk2.error();
        EXPECT_EQ(pk2->weights, pk->weights);
        auto proof = prove(*pk2, 1, c.input, claims);
        ASSERT_TRUE(proof.ok()) << name << ": " << proof.error();
        EXPECT_EQ(proof->input.empty(), input != kPublic) << name;
        EXPECT_EQ(proof->output.empty(), output == kPrivate) << name;
        EXPECT_EQ(proof->commitments.size(), input == kHashed ? 2u : 1u) << name;
        EXPECT_EQ(proof->claims, claims);
        const auto bytes = proof->to_bytes();
        auto verified = verify_bytes(*vk, bytes);
        ASSERT_TRUE(verified.ok()) << name << ": " << verified.error();
        EXPECT_EQ(verified->claims, claims);
        auto out = verify(*vk, *verified);
        ASSERT_TRUE(out.ok()) << name << ": " << out.error();
        EXPECT_EQ(out->size(), output == kPublic ? 3u : 0u) << name;
        // A private input does not travel in the proof (its i64 encoding; the packed table's
        // opening is hiding). Field elements equal to input values do occur: the sum-check
        // messages and evaluations are not masked yet, and a hashed input is opened from its
        // plain commitment (docs/zkml.md, "What is hidden").
        if (input == kPublic) {
          EXPECT_EQ(occurrences(bytes, patterns), patterns.size()) << name;
        } else if (input == kPrivate) {
          EXPECT_EQ(occurrences(bytes, patterns), 0u) << name;
        }
        if (input == kHashed) {
          auto root = commit_input(*vk, 1, c.input);
          ASSERT_TRUE(root.ok()) << root.error();
          EXPECT_EQ(*root, proof->commitments[1]);
          EXPECT_TRUE(verify(*vk, *proof, c.input).ok()) << name;
        }
      }
}

TEST(Visibility, EncodingsAndTheModelIdDependOnTheVisibility) {
  const Credit& c = credit();
  ASSERT_TRUE(c.error.empty()) << c.error;
  auto a = setup(c.model, ParamsPreset::conjectured, {kPrivate, kPublic, kPrivate});
  auto b = setup(c.model, ParamsPreset::conjectured, {kPublic, kPublic, kPrivate});
  auto w = setup(c.model, ParamsPreset::conjectured, {kPrivate, kPrivate, kPublic});
  ASSERT_TRUE(a.ok() && b.ok() && w.ok());
  EXPECT_NE(a->vk.digest(), b->vk.digest());
  // A proof for one visibility does not decode or verify under another's key.
  auto proof = prove(*a, 1, c.input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_TRUE(verify_bytes(a->vk, proof->to_bytes()).ok());
  EXPECT_FALSE(verify_bytes(b->vk, proof->to_bytes()).ok());
  // Every truncation of a verifying key with public weights is an error.
  const auto vk_bytes = w->vk.to_bytes();
  for (size_t n = 0; n < vk_bytes.size(); n += sanitized() ? 7 : 1)
    EXPECT_FALSE(VerifyingKey::from_bytes(std::span(vk_bytes).first(n)).ok()) << n;
  // The visibility bytes follow the magic, the version, the PCS preset, the zero-knowledge flag
  // and the proof count (u64).
  auto altered = vk_bytes;
  altered[20] = 3;
  auto r1 = VerifyingKey::from_bytes(altered);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error(), "key: unknown visibility");
  altered = vk_bytes;
  altered[22] = 1;  // weights private: the public weights are read as commitments
  EXPECT_FALSE(VerifyingKey::from_bytes(altered).ok());
  // A public weight out of range, or one value too few.
  VerifyingKey big = w->vk;
  big.weights[0][0] = int64_t{1} << 61;
  auto r2 = VerifyingKey::from_bytes(big.to_bytes());
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error(), "key: a public weight is out of range");
  VerifyingKey fewer = w->vk;
  fewer.biases[1].pop_back();
  auto r3 = VerifyingKey::from_bytes(fewer.to_bytes());
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.error(), "key: wrong count of public bias values");
}

TEST(Visibility, SmallCnnRoundTripsUnderEveryVisibility) {
  auto cnn = load("tests/models/conv_bn.onnx", "tests/models/conv_bn.json", "tests/models/conv_bn.json");
  ASSERT_TRUE(cnn.ok()) << cnn.error();
  for (Visibility input : {kPublic, kPrivate, kHashed})
    for (Visibility output : {kPublic, kPrivate})
      for (Visibility weights : {kPrivate, kPublic}) {
        if ((input == kPublic || sanitized()) && output == kPublic && weights == kPrivate) continue;  // cnn_test's case
        const std::string name = std::to_string(int(input)) + std::to_string(int(output)) + std::to_string(int(weights));
        auto pk = setup(cnn->model, ParamsPreset::conjectured, {input, output, weights});
        ASSERT_TRUE(pk.ok()) << name << ": " << pk.error();
        const std::vector<int64_t>& x = cnn->input;
        const auto batch = static_cast<uint32_t>(x.size() / pk->vk.spec.input_features());
        auto vk = VerifyingKey::from_bytes(pk->vk.to_bytes());
        ASSERT_TRUE(vk.ok()) << vk.error();
        auto plain = prove(*pk, batch, x);
        ASSERT_TRUE(plain.ok()) << name << ": " << plain.error();
        EXPECT_TRUE(verify_bytes(*vk, plain->to_bytes()).ok()) << name;
        // Claims that hold whatever the outputs (thresholds beyond the output range).
        auto run = prove(*pk, batch, x, std::vector<std::string>{"y[0] >= -1e9", "y[1] <= 1e9"});
        ASSERT_TRUE(run.ok()) << name << ": " << run.error();
        auto verified = verify_bytes(*vk, run->to_bytes());
        EXPECT_TRUE(verified.ok()) << name << ": " << verified.error();
        const auto patterns = value_patterns(x, *pk);
        ASSERT_GE(patterns.size(), 10u);
        if (input == kPrivate) {
          EXPECT_EQ(occurrences(run->to_bytes(), patterns), 0u) << name;
        }
      }
}

// ---- Claims: true, false, forged ---------------------------------------------------------------------

// The credit model with private input and output (the lender's setting).
struct ClaimCheat : ::testing::Test {
  Result<ProvingKey> pk = fail("not set up");
  std::vector<int64_t> input;
  const std::vector<std::string> false_claim = {"argmax == 2"};

  void SetUp() override {
    ASSERT_TRUE(credit().error.empty()) << credit().error;
    pk = setup(credit().model, ParamsPreset::conjectured, {kPrivate, kPrivate, kPrivate});
    ASSERT_TRUE(pk.ok()) << pk.error();
    input = credit().input;
  }
  uint32_t forms_slot() const { return static_cast<uint32_t>(pk->vk.spec.layers.size() + 1); }
  // Range columns reading the form values of false_claim (two forms over the three classes) in a
  // proof of one example: their one limb (form_bits = 8), and 2^(w - 8) times it when the proof's
  // range table is w > 8 bits wide.
  uint64_t form_limb_columns() const {
    detail::ProofExtras extras{pk->vk.visibility.input_committed(), 2, form_bits(pk->vk.spec)};
    extras.limb_bits = detail::range_limb_bits(pk->vk.spec, 1, extras);
    uint64_t columns = 0;
    for (const auto& c : detail::range_columns(pk->vk.spec, extras)) columns += c.layer == forms_slot();
    return columns;
  }
  // The reason the verifier rejects a proof of `claims` made with `hooks` (as an object and bytes).
  std::string reject(const std::vector<std::string>& claims, const ProverHooks& hooks) {
    auto proof = prove(*pk, 1, input, claims, &hooks);
    EXPECT_TRUE(proof.ok()) << proof.error();
    if (!proof.ok()) return "";
    EXPECT_FALSE(verify_bytes(pk->vk, proof->to_bytes()).ok());
    auto verdict = verify(pk->vk, *proof);
    EXPECT_FALSE(verdict.ok());
    return verdict.ok() ? "" : verdict.error();
  }
};

TEST_F(ClaimCheat, TrueClaimsVerifyAndFalseOnesAreRefused) {
  auto proof = prove(*pk, 1, input, std::vector<std::string>{"argmax == 0", "y[0] >= 5"});
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_TRUE(verify_bytes(pk->vk, proof->to_bytes()).ok());
  for (const std::string claim : {"argmax == 2", "argmax == 1", "y[0] < 5", "y[2] >= 0", "0 <= y[1] < 0.5"}) {
    auto refused = prove(*pk, 1, input, std::vector<std::string>{"argmax == 0", claim});
    ASSERT_FALSE(refused.ok()) << claim;
    EXPECT_EQ(refused.error(), std::string(kClaimRefused) + "'" + *canonical_claim(claim) + "' is false for example 0");
  }
  auto malformed = prove(*pk, 1, input, std::vector<std::string>{"argmax == 9"});
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().rfind(kClaimRefused, 0), std::string::npos);
}

TEST_F(ClaimCheat, ClaimsHoldForEveryExampleOfABatch) {
  std::vector<int64_t> two = input;
  for (int64_t v : input) two.push_back(-v);  // a second borrower, the mirror image
  auto w = compute_witness(*pk, 2, two);
  ASSERT_TRUE(w.ok()) << w.error();
  auto argmax = [&](size_t b) {
    const int64_t* y = w->layers.back().y.data() + 4 * b;  // 3 outputs padded to 4
    return static_cast<size_t>(std::max_element(y, y + 3) - y);
  };
  const size_t a0 = argmax(0), a1 = argmax(1);
  ASSERT_EQ(a0, 0u);
  if (a1 != a0) {
    auto first = prove(*pk, 2, two, std::vector<std::string>{"argmax == 0"});
    ASSERT_FALSE(first.ok());
    EXPECT_NE(first.error().find("is false for example 1"), std::string::npos) << first.error();
    auto second = prove(*pk, 2, two, std::vector<std::string>{"argmax == " + std::to_string(a1)});
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().find("is false for example 0"), std::string::npos) << second.error();
  }
  auto both = prove(*pk, 2, two, std::vector<std::string>{"y[1] >= -100"});
  ASSERT_TRUE(both.ok()) << both.error();
  EXPECT_TRUE(verify_bytes(pk->vk, both->to_bytes()).ok());
}

TEST_F(ClaimCheat, NegativeFormValuesFailTheRangeCheck) {
  // The honest limbs of a false claim: the form value -d, a top limb wrapped to p - d.
  ProverHooks hooks;
  hooks.prove_false_claims = true;
  EXPECT_EQ(reject(false_claim, hooks).rfind("range check: ", 0), 0u);
  // Wrapped otherwise: the limb p - 1 + 2^8 (recombining to the form value + 2^8 - 1 over F).
  hooks.on_tables = [this](ProverTables& t) {
    for (F& v : t.layer_polys[forms_slot()][0]) v = v + F::from_u64(255);
  };
  EXPECT_EQ(reject(false_claim, hooks).rfind("range check: ", 0), 0u);
}

TEST_F(ClaimCheat, InRangeFormValuesThatAreNotTheFormsFailTheClaimsSumCheck) {
  ProverHooks hooks;
  hooks.prove_false_claims = true;
  hooks.on_tables = [this](ProverTables& t) {
    // "Every form is 0": in range, counted once per column reading the limb; the old (negative)
    // values were outside the table and not counted.
    ASSERT_EQ(form_bits(pk->vk.spec), 8u);
    for (F& v : t.layer_polys[forms_slot()][0]) {
      ASSERT_GE(v.value(), uint64_t{1} << 16);
      v = F::zero();
      t.multiplicities[0] += F::from_u64(form_limb_columns());
    }
  };
  EXPECT_EQ(reject(false_claim, hooks),
            "claims: sum-check: final evaluation mismatch (the form values are not the claims' forms of the outputs)");
}

TEST_F(ClaimCheat, AlteredOutputsThatSatisfyTheClaimFailTheLastLayer) {
  // y of class HIGH raised above the others: the claim holds on the altered witness, which no
  // longer requantizes the last layer's accumulator.
  ProverHooks hooks;
  hooks.on_witness = [](Witness& w) { w.layers.back().y[2] = 127; };
  const std::string reason = reject(false_claim, hooks);
  EXPECT_EQ(reason.rfind("layer 2 (", 0), 0u) << reason;
  EXPECT_NE(reason.find("matrix-vector sum-check: final evaluation mismatch"), std::string::npos) << reason;
}

TEST_F(ClaimCheat, OutOfRangePrivateInputFailsTheRangeCheck) {
  ProverHooks hooks;
  hooks.on_witness = [](Witness& w) { w.input[0] += 1000; };
  EXPECT_EQ(reject({}, hooks).rfind("range check: ", 0), 0u);
}

// The lender's case in zero-knowledge mode: private input, weights and output, claims proven
// with private sum-checks over hiding commitments; the cheating provers above, again.
struct ZkClaimCheat : ClaimCheat {
  void SetUp() override {
    ASSERT_TRUE(credit().error.empty()) << credit().error;
    pk = setup(credit().model, ParamsPreset::conjectured, {kPrivate, kPrivate, kPrivate}, true);
    ASSERT_TRUE(pk.ok()) << pk.error();
    input = credit().input;
  }
};

// Every table over an example grid keeps 8 or more entries in zero-knowledge mode, so that its
// corner (16 F entries) keeps 8 evaluations uniform: the credit model's 3 outputs (4 padded
// values) take 2 rows at batch 1, its 2 claim forms 4 slots per row; plain proofs pad nothing.
TEST_F(ZkClaimCheat, EveryPrivateTableHasEightEntriesOrMore) {
  const ModelSpec& spec = pk->vk.spec;
  EXPECT_EQ(detail::row_vars(spec, 1, true), 1u);
  EXPECT_EQ(detail::row_vars(spec, 2, true), 1u);
  EXPECT_EQ(detail::row_vars(spec, 3, true), 2u);
  EXPECT_EQ(detail::form_vars(spec, 1, 2), 2u);
  EXPECT_EQ(detail::form_vars(spec, 3, 2), 1u);
  for (const uint32_t batch : {1u, 2u, 5u}) {
    detail::ProofExtras extras{true, 2, 8};
    extras.limb_bits = detail::range_limb_bits(spec, batch, extras);
    const auto layout = detail::proof_layout(spec, batch, extras);
    for (size_t l = 0; l < layout.blocks.size(); ++l)
      EXPECT_GE(layout.vars_of[layout.first[l]], detail::kMinPrivateVars) << "batch " << batch << ", block " << l;
  }
  auto plain = setup(credit().model, ParamsPreset::conjectured, {kPrivate, kPrivate, kPrivate}, false);
  ASSERT_TRUE(plain.ok()) << plain.error();
  EXPECT_EQ(detail::row_vars(plain->vk.spec, 1, true), 0u);
  EXPECT_EQ(detail::form_vars(plain->vk.spec, 0, 2), 1u);
}

// A zero-knowledge key's weight commitments stay hiding for a bounded number of proofs (one
// opening each per proof): setup sizes their masks for the proofs asked for, and the key reports
// how many it supports; nothing bounds plain keys or public weights.
TEST_F(ZkClaimCheat, TheKeyStatesHowManyProofsItKeepsZeroKnowledge) {
  const auto fewest = zero_knowledge_proofs(pk->vk);
  ASSERT_TRUE(fewest.has_value());
  EXPECT_GE(*fewest, 1u);
  auto many = setup(credit().model, ParamsPreset::conjectured, {kPrivate, kPrivate, kPrivate}, true, 500);
  ASSERT_TRUE(many.ok()) << many.error();
  EXPECT_GE(zero_knowledge_proofs(many->vk).value_or(0), 500u);
  EXPECT_NE(many->vk.digest(), pk->vk.digest()) << "the masks' size is part of the model id";
  auto vk = VerifyingKey::from_bytes(many->vk.to_bytes());
  ASSERT_TRUE(vk.ok()) << vk.error();
  EXPECT_EQ(zero_knowledge_proofs(*vk), zero_knowledge_proofs(many->vk));
  auto proof = prove(*many, 1, input, std::vector<std::string>{"argmax == 0"});
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_TRUE(verify_bytes(*vk, proof->to_bytes()).ok());
  auto plain = setup(credit().model, ParamsPreset::conjectured, {kPrivate, kPrivate, kPrivate}, false);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(zero_knowledge_proofs(plain->vk).has_value());
  auto shown = setup(credit().model, ParamsPreset::conjectured, {kPrivate, kPrivate, kPublic}, true);
  ASSERT_TRUE(shown.ok());
  EXPECT_FALSE(zero_knowledge_proofs(shown->vk).has_value());
  EXPECT_FALSE(setup(credit().model, ParamsPreset::conjectured, {kPrivate, kPrivate, kPrivate}, true, 0).ok());
}

TEST_F(ZkClaimCheat, TrueClaimsVerifyAndFalseOnesAreRefused) {
  auto proof = prove(*pk, 1, input, std::vector<std::string>{"argmax == 0", "y[0] >= 5"});
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_TRUE(proof->zero_knowledge);
  EXPECT_TRUE(proof->input.empty() && proof->output.empty());
  auto verified = verify_bytes(pk->vk, proof->to_bytes());
  ASSERT_TRUE(verified.ok()) << verified.error();
  EXPECT_EQ(verified->claims, (std::vector<std::string>{"argmax == 0", "y[0] >= 5"}));
  auto refused = prove(*pk, 1, input, std::vector<std::string>{"argmax == 2"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().rfind(kClaimRefused, 0), 0u);
  // No input value appears in the proof as a field element.
  const FieldScan scan = negative_values_as_field_elements(proof->to_bytes(), input);
  EXPECT_GT(scan.scanned, 0u);
  EXPECT_EQ(scan.found, 0u);
}

TEST_F(ZkClaimCheat, NegativeFormValuesFailTheRangeCheck) {
  ProverHooks hooks;
  hooks.prove_false_claims = true;
  EXPECT_EQ(reject(false_claim, hooks).rfind("range check: ", 0), 0u);
}

TEST_F(ZkClaimCheat, InRangeFormValuesThatAreNotTheFormsFailTheClaimsSumCheck) {
  ProverHooks hooks;
  hooks.prove_false_claims = true;
  hooks.on_tables = [this](ProverTables& t) {
    for (F& v : t.layer_polys[forms_slot()][0]) {
      if (v.is_zero()) continue;  // the padding of the rows x F' grid: zeros, counted already
      v = F::zero();
      t.multiplicities[0] += F::from_u64(form_limb_columns());
    }
  };
  EXPECT_EQ(reject(false_claim, hooks),
            "claims: sum-check: final evaluation mismatch (the form values are not the claims' forms of the outputs)");
}

TEST_F(ZkClaimCheat, AlteredOutputsThatSatisfyTheClaimFailTheLastLayer) {
  ProverHooks hooks;
  hooks.on_witness = [](Witness& w) { w.layers.back().y[2] = 127; };
  const std::string reason = reject(false_claim, hooks);
  EXPECT_EQ(reason.rfind("layer 2 (", 0), 0u) << reason;
}

TEST_F(ZkClaimCheat, OutOfRangePrivateInputFailsTheRangeCheck) {
  ProverHooks hooks;
  hooks.on_witness = [](Witness& w) { w.input[0] += 1000; };
  EXPECT_EQ(reject({}, hooks).rfind("range check: ", 0), 0u);
}

TEST_F(ZkClaimCheat, TamperedClaimValuesAreRejected) {
  auto proof = prove(*pk, 1, input, std::vector<std::string>{"argmax == 0"});
  ASSERT_TRUE(proof.ok()) << proof.error();
  Proof p = *proof;
  p.form_evals[0] += E::one();
  auto r1 = verify(pk->vk, p);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error().rfind("claims: private sumcheck: round 0", 0), 0u) << r1.error();
  p = *proof;
  p.private_claims_sum.evaluations[0] += E::one();
  auto r2 = verify(pk->vk, p);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error(), "claims: sum-check: final evaluation mismatch (the form values are not the claims' forms of the outputs)");
}

TEST_F(ClaimCheat, TamperedClaimsAreRejectedWithReason) {
  const std::vector<std::string> claims = {"argmax == 0", "y[0] >= 5"};
  auto proof = prove(*pk, 1, input, claims);
  ASSERT_TRUE(proof.ok()) << proof.error();
  ASSERT_TRUE(verify(pk->vk, *proof).ok());
  auto reason = [&](const std::function<void(Proof&)>& change) {
    Proof p = *proof;
    change(p);
    auto verdict = verify(pk->vk, p);
    return verdict.ok() ? std::string() : verdict.error();
  };
  EXPECT_EQ(reason([](Proof& p) { p.claims[0] = "argmax == 2"; }), "claims: the forms do not match the claims");
  EXPECT_EQ(reason([](Proof& p) { p.claims[0] = "argmax==0"; }), "claims: 'argmax==0' is not in canonical form");
  EXPECT_EQ(reason([](Proof& p) { p.claims[1] = "y[0] >>= 5"; }).rfind("claims: claim 'y[0] >>= 5': ", 0), 0u);
  EXPECT_EQ(reason([](Proof& p) { p.claims[1] = "y[5] >= 5"; }),
            "claims: claim 'y[5] >= 5': index 5 outside the output (3 values)");
  EXPECT_EQ(reason([](Proof& p) { p.claims.assign(kMaxClaims + 1, "argmax == 0"); }), "claims: too many claims");
  EXPECT_EQ(reason([](Proof& p) { p.forms[0].constant += 1; }), "claims: the forms do not match the claims");
  EXPECT_EQ(reason([](Proof& p) { p.form_evals.pop_back(); }), "claims: wrong number of evaluations");
  // The claim and its forms replaced consistently: the committed form values are the old forms'.
  const std::string swapped = reason([&](Proof& p) {
    p.claims = {"argmax == 2", "y[0] >= 5"};
    p.forms = *compile_claims(pk->vk.spec, p.claims);
  });
  EXPECT_FALSE(swapped.empty());
  // Dropped claims: the statement no longer matches what was committed and proven.
  EXPECT_FALSE(reason([](Proof& p) {
                 p.claims.clear();
                 p.forms.clear();
               }).empty());
  EXPECT_EQ(reason([](Proof& p) { p.claims_output_eval += E::one(); }).rfind("claims: sum-check", 0), 0u);
  EXPECT_EQ(reason([](Proof& p) { p.claims_sum.rounds[0][0] += E::one(); }).rfind("claims: sumcheck: round 0", 0), 0u)
      << reason([](Proof& p) { p.claims_sum.rounds[0][0] += E::one(); });
  // The packed table must be committed hiding when it holds private values.
  EXPECT_EQ(reason([](Proof& p) { p.commitments[0].hiding = false; }), "proof: commitment 0 has the wrong shape");
  // The decoder bounds the claim and form counts (private input and output: the claim count
  // follows the batch, at byte 14).
  auto decode_error = [&](size_t at, uint32_t value) {
    auto changed = proof->to_bytes();
    for (size_t i = 0; i < 4; ++i) changed[at + i] = static_cast<uint8_t>(value >> (8 * i));
    auto decoded = Proof::from_bytes(pk->vk, changed);
    return decoded.ok() ? std::string() : decoded.error();
  };
  EXPECT_EQ(decode_error(14, kMaxClaims + 1), "proof: too many claims");
  const size_t forms_at = 18 + 4 + claims[0].size() + 4 + claims[1].size();
  EXPECT_EQ(decode_error(forms_at, kMaxForms + 1), "proof: bad form count");
  EXPECT_EQ(decode_error(forms_at, 1u << 15), "proof: bad form count");  // more than the bytes hold
  EXPECT_EQ(decode_error(18, kMaxClaimBytes + 1).rfind("proof: claim", 0), 0u);
  // In bytes: every byte of the claims' text and forms is bound.
  const auto bytes = proof->to_bytes();
  const std::string text = claims[1];
  const auto at = std::search(bytes.begin(), bytes.end(), text.begin(), text.end());
  ASSERT_NE(at, bytes.end());
  const auto offset = static_cast<size_t>(at - bytes.begin());
  for (size_t i = offset - 4; i < offset + text.size() + 4 + 36; ++i) {
    auto changed = bytes;
    changed[i] ^= 0x01;
    EXPECT_FALSE(verify_bytes(pk->vk, changed).ok()) << i;
  }
}

// ---- Visibility rejection paths ----------------------------------------------------------------------

TEST(Visibility, StatementRejectionsNameTheirReason) {
  const Credit& c = credit();
  ASSERT_TRUE(c.error.empty()) << c.error;
  auto priv = setup(c.model, ParamsPreset::conjectured, {kPrivate, kPrivate, kPrivate});
  auto hashed = setup(c.model, ParamsPreset::conjectured, {kHashed, kPublic, kPrivate});
  ASSERT_TRUE(priv.ok() && hashed.ok());
  auto p = prove(*priv, 1, c.input);
  auto h = prove(*hashed, 1, c.input);
  ASSERT_TRUE(p.ok() && h.ok());
  auto reason = [](const VerifyingKey& vk, const Proof& proof, std::optional<std::span<const int64_t>> in = std::nullopt,
                   std::optional<std::span<const int64_t>> out = std::nullopt) {
    auto verdict = verify(vk, proof, in, out);
    return verdict.ok() ? std::string() : verdict.error();
  };
  Proof carried = *p;
  carried.input = c.input;
  EXPECT_EQ(reason(priv->vk, carried), "proof: wrong input size");
  carried = *p;
  carried.output = {1, 2, 3};
  EXPECT_EQ(reason(priv->vk, carried), "proof: wrong output size");
  EXPECT_EQ(reason(priv->vk, *p, c.input), "the input is private: a proof cannot be checked against it");
  const std::vector<int64_t> output = {0, 0, 0};
  EXPECT_EQ(reason(priv->vk, *p, std::nullopt, output), "the output is private: a proof cannot be checked against it");
  // Hashed: the input is checked through its commitment.
  EXPECT_EQ(reason(hashed->vk, *h, c.input), "");
  auto other = c.input;
  other[0] += 1;
  EXPECT_EQ(reason(hashed->vk, *h, other), "the proof is for a different input");
  Proof one = *h;
  one.commitments.pop_back();
  EXPECT_EQ(reason(hashed->vk, one), "proof: wrong number of commitments");
  Proof wider = *h;
  wider.commitments[1].num_vars += 1;
  EXPECT_EQ(reason(hashed->vk, wider), "proof: the input commitment has the wrong shape");
  // The input commitment of another input, or another link value: the transcript binds both.
  auto other_root = commit_input(hashed->vk, 1, other);
  ASSERT_TRUE(other_root.ok());
  Proof swapped = *h;
  swapped.commitments[1] = *other_root;
  EXPECT_EQ(reason(hashed->vk, swapped).rfind("range check: ", 0), 0u) << reason(hashed->vk, swapped);
  Proof link = *h;
  link.input_link += E::one();
  EXPECT_EQ(reason(hashed->vk, link).rfind("range check: ", 0), 0u) << reason(hashed->vk, link);
  // A committed input block that is not the input commitment's table: the opening fails.
  ProverHooks hooks;
  const auto input_slot = hashed->vk.spec.layers.size();
  const int64_t q = hashed->vk.spec.input_bound, x1 = c.input[1];
  ASSERT_LT(x1, q);
  hooks.on_tables = [&](ProverTables& t) {  // x[1] + 1, with the range multiplicities moved along
    t.layer_polys[input_slot][0][1] += F::one();
    for (auto [from, to] : {std::pair{x1 + q, x1 + q + 1}, std::pair{q - x1, q - x1 - 1}}) {
      t.multiplicities[static_cast<size_t>(from)] -= F::one();
      t.multiplicities[static_cast<size_t>(to)] += F::one();
    }
  };
  auto cheat = prove(*hashed, 1, c.input, &hooks);
  ASSERT_TRUE(cheat.ok()) << cheat.error();
  EXPECT_EQ(reason(hashed->vk, *cheat).rfind("opening: ", 0), 0u) << reason(hashed->vk, *cheat);
}

// Zero knowledge with public weights: the verifier evaluates the weights from the verifying key
// (no weight commitment, their terms moved to the claims' values), the input and output stay
// private and hidden, under every input and output visibility but a hashed input.
TEST(Visibility, ZeroKnowledgeWithPublicWeights) {
  const Credit& c = credit();
  ASSERT_TRUE(c.error.empty()) << c.error;
  const std::vector<std::string> claims = {"argmax == 0", "y[0] >= 5"};
  for (Visibility input : {kPublic, kPrivate})
    for (Visibility output : {kPublic, kPrivate}) {
      const std::string name = std::to_string(int(input)) + std::to_string(int(output));
      auto pk = setup(c.model, ParamsPreset::conjectured, {input, output, kPublic}, true);
      ASSERT_TRUE(pk.ok()) << name << ": " << pk.error();
      EXPECT_TRUE(pk->vk.weight_commitments.empty() && pk->committed.empty()) << name;
      auto vk = VerifyingKey::from_bytes(pk->vk.to_bytes());
      ASSERT_TRUE(vk.ok()) << name << ": " << vk.error();
      EXPECT_TRUE(vk->spec.zero_knowledge);
      auto a = prove(*pk, 1, c.input, claims), b = prove(*pk, 1, c.input, claims);
      ASSERT_TRUE(a.ok() && b.ok()) << name << ": " << (a.ok() ? b.error() : a.error());
      EXPECT_TRUE(a->zero_knowledge);
      auto verified = verify_bytes(*vk, a->to_bytes());
      ASSERT_TRUE(verified.ok()) << name << ": " << verified.error();
      EXPECT_EQ(verified->claims, claims);
      EXPECT_EQ(a->output.empty(), output == kPrivate) << name;
      EXPECT_NE(a->layers[0].private_zero_check.evaluations, b->layers[0].private_zero_check.evaluations) << name;
      EXPECT_NE(a->to_bytes(), b->to_bytes()) << name;
      if (input == kPrivate) {
        EXPECT_EQ(negative_values_as_field_elements(a->to_bytes(), c.input).found, 0u) << name;
      }
    }
  // A prover computing with another weight than the key's fails the opening: the weights'
  // terms are the key's own evaluations.
  auto pk = setup(c.model, ParamsPreset::conjectured, {kPrivate, kPrivate, kPublic}, true);
  ASSERT_TRUE(pk.ok()) << pk.error();
  pk->weights[1][2] += 1;
  auto proof = prove(*pk, 1, c.input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  auto verdict = verify(pk->vk, *proof);
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.error().rfind("opening: ", 0), 0u) << verdict.error();
}

// A hashed input in zero knowledge: the proof carries a hiding commitment to the input that
// anyone holding the input recomputes (commit_input: its randomness derived from the key, the
// batch and the input), tied to T's input block by a linear claim with the value 0, so nothing
// about the input is sent; the same input gives the same commitment, another input another, and a
// proof whose input commitment is swapped fails.
TEST(Visibility, ZeroKnowledgeWithAHashedInput) {
  const Credit& c = credit();
  ASSERT_TRUE(c.error.empty()) << c.error;
  auto pk = setup(c.model, ParamsPreset::conjectured, {kHashed, kPrivate, kPrivate}, true);
  ASSERT_TRUE(pk.ok()) << pk.error();
  auto vk = VerifyingKey::from_bytes(pk->vk.to_bytes());
  ASSERT_TRUE(vk.ok()) << vk.error();
  const std::vector<std::string> claims = {"argmax == 0"};
  auto a = prove(*pk, 1, c.input, claims), b = prove(*pk, 1, c.input, claims);
  ASSERT_TRUE(a.ok() && b.ok()) << (a.ok() ? b.error() : a.error());
  ASSERT_EQ(a->commitments.size(), 2u);
  EXPECT_TRUE(a->commitments[1].hiding);
  auto recomputed = commit_input(*vk, 1, c.input);
  ASSERT_TRUE(recomputed.ok()) << recomputed.error();
  EXPECT_EQ(*recomputed, a->commitments[1]);
  EXPECT_EQ(a->commitments[1], b->commitments[1]);
  EXPECT_NE(a->commitments[0], b->commitments[0]);
  const auto bytes = a->to_bytes();
  auto verified = verify_bytes(*vk, bytes);
  ASSERT_TRUE(verified.ok()) << verified.error();
  EXPECT_TRUE(verify(*vk, *verified, c.input).ok());
  std::vector<int64_t> other = c.input;
  other[0] += 1;
  auto different = verify(*vk, *verified, other);
  ASSERT_FALSE(different.ok());
  EXPECT_EQ(different.error(), "the proof is for a different input");
  EXPECT_EQ(negative_values_as_field_elements(bytes, c.input).found, 0u);
  auto swapped_commitment = commit_input(*vk, 1, other);
  ASSERT_TRUE(swapped_commitment.ok());
  Proof swapped = *verified;
  swapped.commitments[1] = *swapped_commitment;
  EXPECT_FALSE(verify(*vk, swapped).ok());
  Proof truncated = *verified;
  truncated.commitments.pop_back();
  auto one = verify(*vk, truncated);
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error(), "proof: wrong number of commitments");
  Proof reshaped = *verified;
  reshaped.commitments[1].num_vars += 1;
  auto shape = verify(*vk, reshaped);
  ASSERT_FALSE(shape.ok());
  EXPECT_EQ(shape.error(), "proof: the input commitment has the wrong shape");
  // The input commitment is sized for the proofs the key was set up for, public weights too.
  auto shown = setup(c.model, ParamsPreset::conjectured, {kHashed, kPrivate, kPublic}, true, 50);
  ASSERT_TRUE(shown.ok()) << shown.error();
  EXPECT_EQ(shown->vk.proofs, 50u);
  auto input_commitment = commit_input(shown->vk, 1, c.input);
  ASSERT_TRUE(input_commitment.ok()) << input_commitment.error();
  EXPECT_GE(pcs::openings_supported(shown->vk.params, *input_commitment), 50u);
  auto proof = prove(*shown, 1, c.input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  EXPECT_TRUE(verify(shown->vk, *proof, c.input).ok());
}

TEST(Visibility, PublicWeightsAreCheckedAgainstTheVerifyingKey) {
  const Credit& c = credit();
  ASSERT_TRUE(c.error.empty()) << c.error;
  auto pk = setup(c.model, ParamsPreset::conjectured, {kPrivate, kPrivate, kPublic});
  ASSERT_TRUE(pk.ok());
  auto honest = prove(*pk, 1, c.input);
  ASSERT_TRUE(honest.ok());
  ASSERT_TRUE(verify(pk->vk, *honest).ok());
  pk->weights[1][2] += 1;  // the prover computes with another weight than the key's
  auto proof = prove(*pk, 1, c.input);
  ASSERT_TRUE(proof.ok()) << proof.error();
  auto verdict = verify(pk->vk, *proof);
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.error(), "public weights: an evaluation does not match the verifying key's weights");
}

}  // namespace
}  // namespace zk::zkml
