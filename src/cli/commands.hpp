// Subcommands of the zkinfer CLI. Each register_* function adds its subcommands to the app;
// a subcommand's callback stores its process exit code in `exit_code`:
//   0 success, 1 invalid proof or unprovable claim, 2 usage error or malformed/unreadable input.
#pragma once

#include <CLI/CLI.hpp>

namespace zk::cli {

constexpr int kExitOk = 0;
constexpr int kExitInvalid = 1;
constexpr int kExitUsage = 2;

void register_model_commands(CLI::App& app, int& exit_code);

}  // namespace zk::cli
