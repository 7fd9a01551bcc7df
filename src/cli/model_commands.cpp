#include "cli/commands.hpp"

namespace zk::cli {

void register_model_commands(CLI::App&, int&) {}

}  // namespace zk::cli
