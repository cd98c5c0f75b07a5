// The subcommands of `tenantcheck`. Each adds itself to the app and returns the action to run when it
// was chosen; the action returns the process exit code (tc::ExitCode in common/exit_codes.h, docs/cli.md).
#pragma once
#include <functional>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/exit_codes.h"
#include "common/status.h"

namespace tc::cli {

// run --jobs and mutate: after a stop signal, how long their child runs get to tear their topologies
// down (SIGTERM) before they are killed.
constexpr long kChildRunStopGraceMs = 20'000;

// "error: <where>: <message>" on stderr; the exit code for the error's kind (exit_code_for).
int print_error(const Error& e);

// A report the command could not write (its verdict is still printed; the exit becomes 3):
// kReportLost, then "<where>: <message>", on stderr. A sharded run relays such lines of its shards.
inline constexpr std::string_view kReportLost = "reports: ";
void print_report_lost(const Error& e);

// The reports a command lost: each said as it is lost (print_report_lost); when any() is true the
// command's exit is 3 (kExitEnvironment).
class ReportsLost {
 public:
  void add(const Error& e) {
    print_report_lost(e);
    any_ = true;
  }
  void add(const std::vector<Error>& errors) {
    for (const auto& e : errors) add(e);
  }
  bool any() const { return any_; }

 private:
  bool any_ = false;
};

struct CommandAction {
  CLI::App* sub = nullptr;
  std::function<int()> run;
};

CommandAction add_run_command(CLI::App& app);     // run scenarios (cmd_run.cpp)
CommandAction add_lint_command(CLI::App& app);    // load and check only (cmd_lint.cpp)
CommandAction add_stubs_command(CLI::App& app);   // stubs up: start a topology by hand (cmd_stubs.cpp)
CommandAction add_doctor_command(CLI::App& app);  // readiness report of a topology (cmd_doctor.cpp)
CommandAction add_mutate_command(CLI::App& app);  // the suite against every fault of the stubs (cmd_mutate.cpp)
CommandAction add_report_command(CLI::App& app);
CommandAction add_explore_command(CLI::App& app); // generated requests judged by the contract model (cmd_explore.cpp)  // merge shard reports, diff two runs (cmd_report.cpp)

}  // namespace tc::cli
