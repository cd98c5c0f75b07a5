// The exit codes of tenantcheck and its stub program (docs/cli.md, README), chosen here and nowhere
// else; an error's kind maps onto them through exit_code_for (common/status.h).
#pragma once

namespace tc {

enum ExitCode : int {
  kExitPassed = 0,         // every selected scenario passed
  kExitFailed = 1,         // a scenario failed: a contract violation
  kExitInput = 2,          // usage or input error (a flag, a scenario, topology, profile or bindings file)
  kExitEnvironment = 3,    // the environment could not start, or broke during the run
  kExitNothingTested = 4,  // no case ran (none selected, or every one skipped), without --allow-empty
  kExitInternal = 70,      // a bug of tenantcheck itself (sysexits' EX_SOFTWARE): never a verdict on the platform
};

// Stopped by signal `sig` after tearing down (SIGINT 130, SIGTERM 143): the shell's convention.
constexpr int exit_interrupted(int sig) { return 128 + sig; }
constexpr bool is_interrupted_exit(int code) { return code > 128 && code < 128 + 65; }

}  // namespace tc
