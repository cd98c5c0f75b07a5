// `tenantcheck report merge DIR… --out OUT`: the reports folders of shards (run on separate CI
// machines with --shard K/N) merged into one: results.json, junit.xml, requirements and
// allure-results. Exit 0 when the merged run has no failing case, 1 when it has (or, with
// --baseline, one not excused), 2 bad input.
// `tenantcheck report diff OLD NEW`: what changed between two runs' results. Exit 0, or 1 when a
// case fails in NEW that did not in OLD; 2 bad input.
#include <filesystem>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/cli/project_paths.h"
#include "harness/report/baseline.h"
#include "harness/report/run_diff.h"
#include "harness/report/run_record.h"
#include "harness/report/run_reports.h"

namespace tc::cli {
namespace {

namespace fs = std::filesystem;

struct ReportOptions {
  std::vector<std::string> dirs;
  std::string out = "reports", baseline_file, old_run, new_run;
};

int merge(const ReportOptions& o) {
  std::optional<Baseline> baseline;
  if (!o.baseline_file.empty()) {
    auto loaded = load_baseline(o.baseline_file);
    if (!loaded) return print_error(loaded.error());
    baseline = std::move(*loaded);
  }
  std::error_code ec;
  for (const auto& dir : o.dirs)
    if (fs::equivalent(dir, o.out, ec)) return print_error(usage_error("--out", "is one of the folders merged: " + dir));
  auto merged = merge_report_folders(o.dirs, o.out, project_contract_clauses());
  if (!merged) return print_error(merged.error());
  bool failing = merged->failing();
  ReportsLost lost;  // baseline.json not written: an environment error, as for the merge itself
  if (baseline) {
    if (auto judged = judge_by_baseline(*baseline, *merged, o.out, std::cout)) {
      failing = *judged;
    } else {
      lost.add(judged.error());
    }
  }
  std::cout << "merged " << o.dirs.size() << " run(s) into " << o.out << "\n" << merged->summary_line() << "\n";
  return lost.any() ? kExitEnvironment : failing ? kExitFailed : kExitPassed;
}

int diff(const ReportOptions& o) {
  auto before = read_run_record(o.old_run);
  if (!before) return print_error(before.error());
  auto after = read_run_record(o.new_run);
  if (!after) return print_error(after.error());
  const RunDiff d = diff_runs(*before, *after);
  print_diff(std::cout, d);
  return d.newly_failing.empty() ? kExitPassed : kExitFailed;
}

}  // namespace

CommandAction add_report_command(CLI::App& app) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* sub = app.add_subcommand("report", "Merge shard reports, or compare two runs");
  sub->require_subcommand(1);
  CLI::App* m = sub->add_subcommand("merge", "Merge the reports folders of shards into one");
  m->add_option("dirs", options->dirs, "Reports folders of the shards (each with results.json)")->required();
  m->add_option("--out", options->out, "Merged reports folder (default: reports)");
  m->add_option("--baseline", options->baseline_file, "Known failures, applied to the merged run");
  CLI::App* d = sub->add_subcommand("diff", "What changed between two runs");
  d->add_option("old", options->old_run, "The earlier run: a reports folder or its results.json")->required();
  d->add_option("new", options->new_run, "The later run: a reports folder or its results.json")->required();
  return {sub, [options, m] { return m->parsed() ? merge(*options) : diff(*options); }};
}

}  // namespace tc::cli
