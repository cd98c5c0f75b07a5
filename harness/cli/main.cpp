// tenantcheck: the command line. Subcommands add themselves (commands.h); usage errors exit 2
// naming the flag; every other exit code comes from the chosen command's action (docs/cli.md).
#include <iostream>
#include <vector>

#include "harness/cli/commands.h"

#ifdef TC_JEMALLOC
// jemalloc reads its options from this symbol at start-up (harness/CMakeLists.txt): no transparent
// huge pages, for the heap or jemalloc's metadata, whatever the kernel's default. On a quiet machine
// they saved a 150-step run a few milliseconds of page faults; right after another program freed
// much memory (a Node tool run before it, as in CI), each 2 MiB page made it wait, and the same run
// took half as long again (bench/README.md).
extern "C" {
const char* malloc_conf = "thp:never,metadata_thp:disabled";
}
#endif

int main(int argc, char** argv) {
  CLI::App app{"tenantcheck: end-to-end conformance harness for multi-tenant platforms", "tenantcheck"};
  app.set_version_flag("--version", std::string("tenantcheck ") + TC_VERSION);
  app.require_subcommand(1);
  std::vector<tc::cli::CommandAction> actions = {
      tc::cli::add_run_command(app),
      tc::cli::add_lint_command(app),
      tc::cli::add_stubs_command(app),
      tc::cli::add_doctor_command(app),
      tc::cli::add_mutate_command(app),
      tc::cli::add_report_command(app),
      tc::cli::add_explore_command(app),
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0.
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "error: " << e.what() << "\n(see tenantcheck --help)\n";
    return tc::kExitInput;
  }
  for (const auto& action : actions)
    if (action.sub && action.sub->parsed() && action.run) return action.run();
  std::cerr << "error: no command given (see tenantcheck --help)\n";
  return tc::kExitInput;
}
