// The count of proofs made with a zero-knowledge proving key, kept beside it (KEY.proofs).
//
// A zero-knowledge key's hiding weight commitment stays zero-knowledge for a bounded number of
// openings, one per proof (docs/pcs.md, "Limits of the argument"; zkml::zero_knowledge_proofs).
// `zkinfer prove` counts them here and refuses once the budget is spent. The file is
// {"model_id": "0x…", "proofs": N}; a ledger of another model id (the key was set up again in
// place) counts from 0. Updates run under an exclusive flock(2) of the ledger, so provers running
// at once on one key count every proof: a proof takes its slot before it is made and gives it back
// if it fails. The count guards against using a key past its budget by mistake; copies of a key
// elsewhere keep their own ledgers.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.hpp"

namespace zk::cli {

// Where the ledger of the proving key at key_path lives.
inline std::string ledger_path_of(const std::string& key_path) { return key_path + ".proofs"; }

// Takes one proof slot of the key's ledger: the number of proofs it records after this one, or
// an error if `budget` proofs are recorded already (starts with kBudgetSpent) or the ledger cannot
// be read or written.
Result<uint64_t> take_proof_slot(const std::string& ledger_path, const std::string& model_id, uint64_t budget);

// The number of proofs the ledger records for model_id (0 without a ledger).
Result<uint64_t> recorded_proofs(const std::string& ledger_path, const std::string& model_id);

// Gives back a slot taken for a proof that was not made.
Status return_proof_slot(const std::string& ledger_path, const std::string& model_id);

inline constexpr const char* kBudgetSpent = "zero-knowledge proof budget spent";

}  // namespace zk::cli
