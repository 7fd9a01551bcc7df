// `zkinfer setup`, `zkinfer prove`, `zkinfer verify`: keys, proofs and verification from the
// command line (exit codes as in commands.hpp; a malformed proof is an invalid proof, exit 1).
#pragma once

#include <CLI/CLI.hpp>

namespace zk::cli {

void register_proof_commands(CLI::App& app, int& exit_code);

}  // namespace zk::cli
