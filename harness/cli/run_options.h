// What `tenantcheck run` was asked, shared by the single run (cmd_run.cpp) and the sharded one
// (shards.cpp), which hands every shard the same options as flags.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "harness/cli/run_variables.h"
#include "harness/cli/scenario_set.h"
#include "harness/cli/setup.h"
#include "harness/report/baseline.h"
#include "harness/report/run_record.h"
#include "harness/runner/run_context.h"

namespace tc::cli {

struct RunOptions {
  PackOptions pack;                 // PATHs, --include-root
  std::vector<std::string> faults;  // ROLE.NAME, added to every stub component of that role
  SetupOptions setup;               // --env, --profile, --bindings
  std::string reports_dir = "reports", tags, skip_tags, baseline_file;
  std::string shard;                // "K/N": run only the K-th (1-based) of N shards
  int jobs = 1;                     // > 1: that many shards as child runs, merged
  bool list = false;
  bool verbose = false;             // every request and response on the console as it happens
  bool allow_empty = false;         // a run that executed no case exits 0 (else 4)
  RunVariables variables;           // --var, --vars, --secret
  TlsOptions tls;
  RunLimits limits;
  std::vector<std::string> gtest_args;
};

// "K/N" with 1 <= K <= N: {K, N}; else nothing.
std::optional<std::pair<int, int>> parse_shard(const std::string& text);

// The exit code of a run whose other verdicts gave `code`: 4, with the reason on stderr, when it
// executed no case (none selected, or every one skipped) unless `allow_empty`; else `code`.
int judge_empty(const RunRecord& record, bool allow_empty, int code);

// Runs o.jobs shards of the run as child `tenantcheck run --shard K/N` processes, each against its
// own copy of the topology with its own reports under <reports>/shards/K; relays their per-scenario
// lines, then merges their records and Allure results into <reports> and applies `baseline` (the one
// the run loaded and checked before any shard started) to the merged run. The caller has removed an
// earlier run's reports (clear_run_reports). Returns the run's exit code.
int run_sharded(const RunOptions& o, const std::optional<Baseline>& baseline);

}  // namespace tc::cli
