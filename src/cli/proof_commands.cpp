// `zkinfer setup MODEL.onnx -o DIR [--input public|private|hashed] [--output public|private]
// [--weights private|public]`, `zkinfer prove DIR/model.pk --input in.json -o proof.bin
// [--claim "argmax == 2"]...`, `zkinfer verify DIR/model.vk proof.bin [--input in.json]
// [--output out.json]`, `zkinfer commit-input DIR/model.vk --input in.json` (docs/zkml.md).
#include "cli/proof_commands.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <utility>

#include "base/shared_bytes.hpp"
#include "cli/commands.hpp"
#include "cli/proof_ledger.hpp"
#include "model/io.hpp"
#include "zkml/claims.hpp"
#include "zkml/model_bench.hpp"
#include "zkml/zkml.hpp"

namespace zk::cli {

namespace {

constexpr size_t kMaxKeyBytes = size_t{1} << 36;  // mapped, not read: a zero-knowledge VGG-16 key is 4.3 GB
constexpr size_t kMaxVkBytes = size_t{1} << 24;
constexpr size_t kMaxProofBytes = size_t{1} << 28;

int usage_error(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return kExitUsage;
}

Result<std::vector<uint8_t>> read_file(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path + ": cannot open");
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::streamoff>(in.tellg());
  if (size < 0 || static_cast<size_t>(size) > max_bytes) return fail(path + ": file too large");
  in.seekg(0);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), size);
  if (!in) return fail(path + ": read error");
  return bytes;
}

Status write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) return fail(path + ": cannot write");
  return {};
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

std::string hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

// What a proof states, as `prove` and `verify` print it: {"claims": [...], "input_commitment":
// "0x..." (hashed input), "output_data": [[dequantized outputs, batch rows back to back], ...]
// (public output; one array per model output, as `zkinfer run` prints them)}.
std::string statement_json(const zkml::VerifyingKey& vk, const zkml::Proof& proof) {
  nlohmann::json out;
  out["claims"] = proof.claims;
  if (vk.visibility.input == zkml::Visibility::hashed) out["input_commitment"] = hex(proof.commitments.at(1).root);
  if (vk.visibility.output_shown())
    out["output_data"] = zkml::dequantize_output(vk.spec, proof.output);
  return out.dump();
}

const char* visibility_name(zkml::Visibility v) {
  switch (v) {
    case zkml::Visibility::is_public: return "public";
    case zkml::Visibility::is_private: return "private";
    case zkml::Visibility::hashed: return "hashed";
  }
  return "?";
}
zkml::Visibility visibility_of(const std::string& name) {
  return name == "public" ? zkml::Visibility::is_public : name == "hashed" ? zkml::Visibility::hashed : zkml::Visibility::is_private;
}

// The input arrays of an input.json (one per model input, batch rows back to back, as `zkinfer
// run` reads them), quantized into the proven input; sets the batch.
Result<std::vector<int64_t>> read_quantized_input(const zkml::ModelSpec& spec, const std::string& path,
                                                  uint32_t& batch) {
  auto flat = model::read_inputs(path);
  if (!flat) return fail(path + ": " + flat.error());
  auto quantized = zkml::quantize_input(spec, *flat);
  if (!quantized) return fail(path + ": " + quantized.error());
  batch = static_cast<uint32_t>(quantized->size() / spec.input_features());
  return quantized;
}

// Claimed outputs from {"output_data": [[...], ...]} (one array per model output, batch rows back
// to back), mapped back to integers with each output's scale.
Result<std::vector<int64_t>> read_claimed_output(const zkml::ModelSpec& spec, const std::string& path) {
  auto bytes = read_file(path, size_t{64} << 20);
  if (!bytes) return fail(bytes.error());
  auto json = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("output_data") || !json["output_data"].is_array())
    return fail(path + ": expected {\"output_data\": [[...], ...]}");
  std::vector<std::vector<double>> arrays;
  for (const auto& row : json["output_data"]) {
    if (!row.is_array()) return fail(path + ": output_data must hold arrays");
    arrays.emplace_back();
    for (const auto& v : row) {
      if (!v.is_number()) return fail(path + ": non-numeric output value");
      arrays.back().push_back(v.get<double>());
    }
  }
  auto out = zkml::quantize_output(spec, arrays);
  if (!out) return fail(path + ": " + out.error());
  return out;
}

// The model id: the Keccak-256 digest of the verifying key's encoding (the bytes of model.vk),
// which every proof's transcript absorbs first; it pins the architecture, the scales and the
// weight commitments.
std::string model_id(const zkml::VerifyingKey& vk) { return hex(vk.digest()); }

const char* kind_name(zkml::LayerKind kind) {
  switch (kind) {
    case zkml::LayerKind::dense: return "dense";
    case zkml::LayerKind::conv: return "conv";
    case zkml::LayerKind::sum_pool: return "sum_pool";
    case zkml::LayerKind::max_pool: return "max_pool";
    case zkml::LayerKind::table: return "table";
    case zkml::LayerKind::add: return "add";
    case zkml::LayerKind::mul: return "mul";
    case zkml::LayerKind::rewire: return "rewire";
    case zkml::LayerKind::softmax: return "softmax";
  }
  return "?";
}

std::string shape_text(const zkml::TensorShape& s) {
  return std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
}

// How many proofs the key stays zero-knowledge for: a count, or "unbounded" (nothing hiding is
// opened again: public or no weights), or null for a plain key.
nlohmann::json proofs_supported(const zkml::VerifyingKey& vk) {
  if (!vk.spec.zero_knowledge) return nullptr;
  const auto proofs = zkml::zero_knowledge_proofs(vk);
  return proofs ? nlohmann::json(*proofs) : nlohmann::json("unbounded");
}

void print_verifying_key(const zkml::VerifyingKey& vk) {
  const auto& spec = vk.spec;
  std::cout << "model id: " << model_id(vk) << "\n"
            << "pcs parameters: " << (vk.preset == zkml::ParamsPreset::proven ? "proven" : "conjectured")
            << " (" << vk.params.security_bits << "-bit target, rate 1/" << (1u << vk.params.rate_bits) << ")\n"
            << "zero-knowledge proofs: " << (spec.zero_knowledge ? "yes" : "no (plain proofs)") << "\n"
            << "zero-knowledge proofs supported: " << proofs_supported(vk).dump() << " (set up for " << vk.proofs << ")\n"
            << "quantization: " << spec.bits << " bits\n"
            << "inputs: " << spec.inputs.size() << "\n";
  for (size_t k = 0; k < spec.inputs.size(); ++k)
    std::cout << "  input " << k << ": " << shape_text(spec.inputs[k].shape) << ", scale " << spec.inputs[k].scale << "\n";
  std::cout
            << "visibility: input " << visibility_name(vk.visibility.input) << ", output "
            << visibility_name(vk.visibility.output) << ", weights " << visibility_name(vk.visibility.weights) << "\n"
            << "layers: " << spec.layers.size() << "\n";
  for (size_t l = 0; l < spec.layers.size(); ++l) {
    const auto& layer = spec.layers[l];
    std::cout << "  " << l << " " << kind_name(layer.kind) << " " << layer.name << ": " << shape_text(layer.in)
              << " -> " << shape_text(layer.out) << (layer.relu ? ", relu" : "");
    if (layer.requantizes()) std::cout << ", shift " << layer.shift;
    std::cout << ", clamp [" << layer.lo << ", " << layer.hi << "], output scale " << layer.scale << "\n";
  }
  std::cout << "outputs:";
  for (int32_t s : spec.outputs) std::cout << " " << (s < 0 ? std::string("input") : "layer " + std::to_string(s));
  std::cout << "\n";
  if (vk.visibility.weights_shown()) std::cout << "weights: public, in the verifying key\n";
  std::cout << "weight commitments: " << vk.weight_commitments.size() << "\n";
  for (const auto& c : vk.weight_commitments)
    std::cout << "  " << c.num_polys << " x 2^" << c.num_vars << " entries, root " << hex(c.root) << "\n";
}

struct SetupArgs {
  std::string model_path, out_dir, calibration_path;
  std::string input = "private", output = "public", weights = "private";
  int bits = 8;
  bool proven = false;
  bool no_zk = false;
  uint64_t zk_proofs = 1;
};

int run_setup(const SetupArgs& args) {
  Result<model::FlatInputs> calibration = model::FlatInputs{};
  if (!args.calibration_path.empty()) {
    calibration = model::read_inputs(args.calibration_path);
    if (!calibration) return usage_error(args.calibration_path + ": " + calibration.error());
  }
  auto quantized = zkml::quantize_onnx(args.model_path, args.calibration_path.empty() ? nullptr : &*calibration,
                                       args.bits);
  if (!quantized) return usage_error(quantized.error());
  const zkml::Visibilities visibility{visibility_of(args.input), visibility_of(args.output), visibility_of(args.weights)};
  auto pk = zkml::setup(*quantized, args.proven ? zkml::ParamsPreset::proven : zkml::ParamsPreset::conjectured,
                        visibility, !args.no_zk, args.zk_proofs);
  if (!pk) return usage_error(pk.error());
  std::error_code ec;
  std::filesystem::create_directories(args.out_dir, ec);
  if (ec) return usage_error(args.out_dir + ": " + ec.message());
  const auto vk_bytes = pk->vk.to_bytes();
  const std::string pk_path = args.out_dir + "/model.pk", vk_path = args.out_dir + "/model.vk";
  auto written = write_file(pk_path, pk->to_bytes());
  if (written) written = write_file(vk_path, vk_bytes);
  if (!written) return usage_error(written.error());
  nlohmann::json out{{"proving_key", pk_path}, {"verifying_key", vk_path}, {"vk_bytes", vk_bytes.size()},
                     {"layers", pk->vk.spec.layers.size()}, {"model_id", model_id(pk->vk)},
                     {"zero_knowledge", pk->vk.spec.zero_knowledge},
                     {"zero_knowledge_proofs", proofs_supported(pk->vk)},
                     {"visibility", {{"input", args.input}, {"output", args.output}, {"weights", args.weights}}}};
  std::cout << out.dump() << "\n";
  return kExitOk;
}

struct ProveArgs {
  std::string pk_path, input_path, proof_path;
  std::vector<std::string> claims;
  bool timings = false, uncounted = false;
};

// A proof made under the key's ledger of zero-knowledge proofs (proof_ledger.hpp): a slot is
// taken before proving and given back if no proof comes out.
class CountedProof {
 public:
  CountedProof(const ProveArgs& args, const zkml::VerifyingKey& vk)
      : ledger_(ledger_path_of(args.pk_path)), model_id_(model_id(vk)),
        budget_(vk.spec.zero_knowledge && !args.uncounted ? zkml::zero_knowledge_proofs(vk) : std::nullopt) {}

  // The slot, or the exit code of a refusal (budget spent: 1; ledger unusable: 2).
  std::optional<int> take() {
    if (!budget_) return std::nullopt;
    auto slot = take_proof_slot(ledger_, model_id_, *budget_);
    if (!slot) {
      const bool spent = slot.error().starts_with(kBudgetSpent);
      std::cerr << (spent ? "refused: " : "error: ") << slot.error() << "\n";
      return spent ? kExitInvalid : kExitUsage;
    }
    made_ = *slot;
    taken_ = true;
    return std::nullopt;
  }
  void give_back() {
    if (!taken_) return;
    taken_ = false;
    if (auto back = return_proof_slot(ledger_, model_id_); !back) std::cerr << "warning: " << back.error() << "\n";
  }
  // Once the proof is out: a note when a tenth of the budget or less is left.
  void report() const {
    if (taken_ && (*budget_ - made_) * 10 <= *budget_)
      std::cerr << "note: " << made_ << " of the " << *budget_ << " zero-knowledge proofs this key supports are made ("
                << ledger_ << ")\n";
  }

 private:
  std::string ledger_, model_id_;
  std::optional<uint64_t> budget_;
  uint64_t made_ = 0;
  bool taken_ = false;
};

int run_prove(const ProveArgs& args) {
  auto start = std::chrono::steady_clock::now();
  auto key_file = SharedBytes::map_file(args.pk_path, kMaxKeyBytes);
  if (!key_file) return usage_error(key_file.error());
  auto pk = zkml::ProvingKey::from_bytes(*key_file);
  if (!pk) return usage_error(args.pk_path + ": " + pk.error());
  const double load_ms = ms_since(start);
  auto forms = zkml::compile_claims(pk->vk.spec, args.claims);  // malformed claims are usage errors
  if (!forms) return usage_error(forms.error());
  uint32_t batch = 0;
  auto input = read_quantized_input(pk->vk.spec, args.input_path, batch);
  if (!input) return usage_error(input.error());
  CountedProof counted(args, pk->vk);
  if (const auto refused = counted.take()) return *refused;
  start = std::chrono::steady_clock::now();
  auto proof = zkml::prove(*pk, batch, *input, args.claims);
  if (!proof) counted.give_back();
  if (!proof && proof.error().starts_with(zkml::kClaimRefused)) {
    std::cerr << "refused: " << proof.error() << "\n";
    return kExitInvalid;
  }
  if (!proof) return usage_error(proof.error());
  const double prove_ms = ms_since(start);
  const auto proof_bytes = proof->to_bytes();
  auto written = write_file(args.proof_path, proof_bytes);
  if (!written) {
    counted.give_back();
    return usage_error(written.error());
  }
  counted.report();
  std::cout << statement_json(pk->vk, *proof) << "\n";
  if (args.timings)
    std::cerr << nlohmann::json{{"load_key_ms", load_ms}, {"prove_ms", prove_ms}, {"proof_bytes", proof_bytes.size()}}.dump()
              << "\n";
  return kExitOk;
}

struct VerifyArgs {
  std::string vk_path, proof_path, input_path, output_path;
};

int run_verify(const VerifyArgs& args) {
  auto vk_bytes = read_file(args.vk_path, kMaxVkBytes);
  if (!vk_bytes) return usage_error(vk_bytes.error());
  auto vk = zkml::VerifyingKey::from_bytes(*vk_bytes);
  if (!vk) return usage_error(args.vk_path + ": " + vk.error());
  auto proof_bytes = read_file(args.proof_path, kMaxProofBytes);
  if (!proof_bytes) return usage_error(proof_bytes.error());
  std::optional<std::vector<int64_t>> input, output;
  if (!args.input_path.empty() && vk->visibility.input == zkml::Visibility::is_private)
    return usage_error("the model's input is private: a proof cannot be checked against an input");
  if (!args.output_path.empty() && !vk->visibility.output_shown())
    return usage_error("the model's output is private: a proof cannot be checked against outputs");
  if (!args.input_path.empty()) {
    uint32_t batch = 0;
    auto quantized = read_quantized_input(vk->spec, args.input_path, batch);
    if (!quantized) return usage_error(quantized.error());
    input = std::move(*quantized);
  }
  if (!args.output_path.empty()) {
    auto claimed = read_claimed_output(vk->spec, args.output_path);
    if (!claimed) return usage_error(claimed.error());
    output = std::move(*claimed);
  }
  auto verified = zkml::verify_bytes(*vk, *proof_bytes,
                                     input ? std::optional<std::span<const int64_t>>(*input) : std::nullopt,
                                     output ? std::optional<std::span<const int64_t>>(*output) : std::nullopt);
  if (!verified) {
    std::cerr << "invalid proof: " << verified.error() << "\n";
    return kExitInvalid;
  }
  std::cout << statement_json(*vk, *verified) << "\n";
  return kExitOk;
}

struct CommitInputArgs {
  std::string vk_path, input_path;
};

// {"input_commitment": "0x..."}: the root of the hashed input's commitment, which the proof carries.
int run_commit_input(const CommitInputArgs& args) {
  auto vk_bytes = read_file(args.vk_path, kMaxVkBytes);
  if (!vk_bytes) return usage_error(vk_bytes.error());
  auto vk = zkml::VerifyingKey::from_bytes(*vk_bytes);
  if (!vk) return usage_error(args.vk_path + ": " + vk.error());
  if (vk->visibility.input != zkml::Visibility::hashed)
    return usage_error(args.vk_path + ": the model's input is " + visibility_name(vk->visibility.input) + ", not hashed");
  uint32_t batch = 0;
  auto input = read_quantized_input(vk->spec, args.input_path, batch);
  if (!input) return usage_error(input.error());
  auto commitment = zkml::commit_input(*vk, batch, *input);
  if (!commitment) return usage_error(commitment.error());
  std::cout << nlohmann::json{{"input_commitment", hex(commitment->root)}}.dump() << "\n";
  return kExitOk;
}

}  // namespace

bool is_key_file(const std::string& path) {
  char magic[6] = {};
  std::ifstream in(path, std::ios::binary);
  in.read(magic, sizeof magic);
  const std::string_view head(magic, static_cast<size_t>(in.gcount()));
  return head == "ZKMLVK" || head == "ZKMLPK";
}

int inspect_key(const std::string& path) {
  auto bytes = SharedBytes::map_file(path, kMaxKeyBytes);
  if (!bytes) return usage_error(bytes.error());
  const auto head = bytes->span().first(std::min<size_t>(6, bytes->size()));
  if (std::string_view(reinterpret_cast<const char*>(head.data()), head.size()) == "ZKMLVK") {
    auto vk = zkml::VerifyingKey::from_bytes(bytes->span());
    if (!vk) return usage_error(path + ": " + vk.error());
    std::cout << "verifying key: " << path << " (" << bytes->size() << " bytes)\n";
    print_verifying_key(*vk);
    return kExitOk;
  }
  auto pk = zkml::ProvingKey::from_bytes(*bytes);  // every load-time check of `prove`
  if (!pk) return usage_error(path + ": " + pk.error());
  // and the codewords in full, which `prove` checks only where it opens them
  for (size_t c = 0; c < pk->committed.size(); ++c)
    if (auto checked = pk->committed[c].check_codewords(); !checked)
      return usage_error(path + ": key: the file is corrupted: weight commitment " + std::to_string(c) + ": " +
                         checked.error());
  std::cout << "proving key: " << path << " (" << bytes->size() << " bytes, checks passed)\n";
  print_verifying_key(pk->vk);
  if (pk->vk.spec.zero_knowledge && zkml::zero_knowledge_proofs(pk->vk)) {
    const std::string ledger = ledger_path_of(path);
    auto made = recorded_proofs(ledger, model_id(pk->vk));
    if (!made) return usage_error(made.error());
    std::cout << "zero-knowledge proofs made: " << *made << " (" << ledger << ")\n";
  }
  return kExitOk;
}

void register_proof_commands(CLI::App& app, int& exit_code) {
  static SetupArgs setup_args;
  auto* setup_cmd = app.add_subcommand("setup", "Quantize a model and commit to its weights: writes DIR/model.pk "
                                                "and DIR/model.vk");
  setup_cmd->add_option("model", setup_args.model_path, "ONNX model file")->required();
  setup_cmd->add_option("-o,--out-dir", setup_args.out_dir, "output directory")->required();
  setup_cmd->add_option("--calibration", setup_args.calibration_path,
                        "calibration samples in input.json format (default: activation ranges [-1, 1])");
  setup_cmd->add_option("--bits", setup_args.bits, "quantization bits (2 to 16)")->default_val(8)->check(CLI::Range(2, 16));
  setup_cmd->add_flag("--proven", setup_args.proven, "PCS query counts from proven (not conjectured) soundness");
  setup_cmd->add_option("--zk-proofs", setup_args.zk_proofs,
                        "zero-knowledge proofs the key must support: its weight commitments are opened once per "
                        "proof and stay hiding for a bounded number of openings (setup prints the number; more "
                        "costs more per proof)")
      ->check(CLI::Range(uint64_t{1}, zkml::kMaxZeroKnowledgeProofs));
  setup_cmd->add_flag("--no-zk", setup_args.no_zk,
                      "plain proofs: faster and smaller, but not zero-knowledge (they leak linear information about the private values)");
  setup_cmd->add_option("--input", setup_args.input, "input visibility: private (committed), hashed (committed, and a "
                                                     "commitment anyone holding the input recomputes) or public")
      ->check(CLI::IsMember({"public", "private", "hashed"}));
  setup_cmd->add_option("--output", setup_args.output, "output visibility: public or private (committed)")
      ->check(CLI::IsMember({"public", "private"}));
  setup_cmd->add_option("--weights", setup_args.weights, "weight visibility: private (committed) or public (in the "
                                                         "verifying key)")
      ->check(CLI::IsMember({"public", "private"}));
  setup_cmd->callback([&exit_code] { exit_code = run_setup(setup_args); });

  static ProveArgs prove_args;
  auto* prove_cmd = app.add_subcommand("prove", "Run the model on an input and prove it; writes the proof and "
                                                "prints what it states (claims, public outputs); exits 1 if a "
                                                "claim does not hold or the key's zero-knowledge proof budget "
                                                "is spent");
  prove_cmd->add_option("pk", prove_args.pk_path, "proving key (DIR/model.pk)")->required();
  prove_cmd->add_option("--input,-i", prove_args.input_path, "input.json (one array: batch rows back to back)")
      ->required();
  prove_cmd->add_option("-o,--output", prove_args.proof_path, "proof file to write")->required();
  prove_cmd->add_option("--claim", prove_args.claims,
                        "a claim about every example's outputs, proven without revealing them (repeatable): "
                        "\"argmax == K\", \"y[I] >= V\" (also >, <=, <, ==), \"V1 <= y[I] < V2\"");
  prove_cmd->add_flag("--timings", prove_args.timings, "print timings as JSON on stderr");
  prove_cmd->add_flag("--uncounted", prove_args.uncounted,
                      "do not count this proof in the key's ledger of zero-knowledge proofs (DIR/model.pk.proofs), "
                      "nor refuse when its budget is spent: for keys whose proofs are counted elsewhere (past the "
                      "budget the weights are no longer covered by the zero-knowledge argument)");
  prove_cmd->callback([&exit_code] { exit_code = run_prove(prove_args); });

  static VerifyArgs verify_args;
  auto* verify_cmd = app.add_subcommand("verify", "Verify a proof; prints {\"claims\": [...], \"output_data\": "
                                                  "[[...]]} (outputs when public) and exits 0 if valid, exits 1 "
                                                  "with the reason if not");
  verify_cmd->add_option("vk", verify_args.vk_path, "verifying key (DIR/model.vk)")->required();
  verify_cmd->add_option("proof", verify_args.proof_path, "proof file")->required();
  verify_cmd->add_option("--input,-i", verify_args.input_path,
                         "require the proof to be for this input.json (public or hashed input)");
  verify_cmd->add_option("--output", verify_args.output_path,
                         "require these outputs ({\"output_data\": [[...]]}, as prove prints them)");
  verify_cmd->callback([&exit_code] { exit_code = run_verify(verify_args); });

  static CommitInputArgs commit_args;
  auto* commit_cmd = app.add_subcommand("commit-input", "Print the commitment of an input for a model with a hashed "
                                                        "input, to compare with the one a proof carries");
  commit_cmd->add_option("vk", commit_args.vk_path, "verifying key (DIR/model.vk)")->required();
  commit_cmd->add_option("--input,-i", commit_args.input_path, "input.json")->required();
  commit_cmd->callback([&exit_code] { exit_code = run_commit_input(commit_args); });
}

}  // namespace zk::cli
