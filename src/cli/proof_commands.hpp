// `zkinfer setup`, `zkinfer prove`, `zkinfer verify`: keys, proofs and verification from the
// command line (exit codes as in commands.hpp; a malformed proof is an invalid proof, exit 1).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace zk::cli {

void register_proof_commands(CLI::App& app, int& exit_code);

// `zkinfer inspect` of a key file: whether `path` starts like a verifying or proving key, and the
// key's description (model id first); returns the exit code.
bool is_key_file(const std::string& path);
int inspect_key(const std::string& path);

}  // namespace zk::cli
