#include <exception>
#include <iostream>

#include "base/process_memory.hpp"
#include "cli/commands.hpp"
#include "cli/proof_commands.hpp"

int main(int argc, char** argv) {
  zk::keep_freed_memory();  // one command per process: reuse freed pages (base/process_memory.hpp)
  CLI::App app{"zkinfer: prove neural-network inference in zero knowledge"};
  app.require_subcommand(1);
  int exit_code = zk::cli::kExitOk;
  zk::cli::register_model_commands(app, exit_code);
  zk::cli::register_proof_commands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return zk::cli::kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return zk::cli::kExitUsage;
  }
  return exit_code;
}
