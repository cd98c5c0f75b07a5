// The subcommands of `tenantcheck`. Each adds itself to the app and returns the action to run when it
// was chosen; the action returns the process exit code (ExitCode below, docs/cli.md).
#pragma once
#include <functional>

#include <CLI/CLI.hpp>

#include "common/status.h"

namespace tc::cli {

// The exit codes of tenantcheck (docs/cli.md, README), chosen here and nowhere deeper.
enum ExitCode : int {
  kExitPassed = 0,        // every selected scenario passed
  kExitFailed = 1,        // a scenario failed: a contract violation
  kExitInput = 2,         // usage or input error (a flag, a scenario, topology, profile or bindings file)
  kExitEnvironment = 3,   // the environment could not start, or broke during the run
  kExitNothingTested = 4, // no case ran (none selected, or every one skipped), without --allow-empty
};

// The exit code for an error's kind.
int exit_code(const Error& e);
// "error: <where>: <message>" on stderr; exit_code(e).
int print_error(const Error& e);

struct CommandAction {
  CLI::App* sub = nullptr;
  std::function<int()> run;
};

CommandAction add_run_command(CLI::App& app);     // run scenarios (cmd_run.cpp)
CommandAction add_lint_command(CLI::App& app);    // load and check only (cmd_lint.cpp)
CommandAction add_stubs_command(CLI::App& app);   // stubs up: start a topology by hand (cmd_stubs.cpp)
CommandAction add_doctor_command(CLI::App& app);  // readiness report of a topology (cmd_doctor.cpp)
CommandAction add_mutate_command(CLI::App& app);  // the suite against every fault of the stubs (cmd_mutate.cpp)
CommandAction add_report_command(CLI::App& app);  // merge shard reports, diff two runs (cmd_report.cpp)

}  // namespace tc::cli
