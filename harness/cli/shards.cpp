// `tenantcheck run --jobs N`: N child runs, `--shard K/N` each, under <reports>/shards/K.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "harness/cli/commands.h"
#include "harness/cli/project_paths.h"
#include "harness/cli/run_options.h"
#include "harness/cli/signals.h"
#include "harness/env/child_process.h"
#include "harness/report/baseline.h"
#include "harness/report/run_reports.h"

namespace tc::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// The flags of `o` for one shard: everything but --jobs, --reports and --baseline (applied to the merge).
std::vector<std::string> shard_args(const RunOptions& o, int k, const fs::path& reports) {
  std::vector<std::string> a = {"run", "--shard", std::to_string(k) + "/" + std::to_string(o.jobs), "--reports",
                                reports.string()};
  auto add = [&a](const char* flag, const std::string& value) {
    if (!value.empty()) a.insert(a.end(), {flag, value});
  };
  for (auto& arg : o.setup.as_args()) a.push_back(std::move(arg));
  add("--tags", o.tags);
  add("--skip-tags", o.skip_tags);
  add("--cacert", o.tls.ca_file);
  add("--cert", o.tls.cert_file);
  add("--key", o.tls.key_file);
  if (o.tls.insecure) a.push_back("--insecure");
  if (o.verbose) a.push_back("--verbose");  // into each shard's run.log
  for (const auto& f : o.variables.as_flags()) a.push_back(f);
  for (const auto& f : o.faults) add("--fault", f);
  if (o.limits.max_rate > 0) add("--max-rate", number(o.limits.max_rate / o.jobs));  // the run's rate, shared
  add("--max-retry-wait", std::to_string(o.limits.max_retry_wait_s));
  if (o.limits.deadline_s > 0) add("--deadline", std::to_string(o.limits.deadline_s));
  a.insert(a.end(), o.gtest_args.begin(), o.gtest_args.end());
  for (auto& arg : o.pack.as_args()) a.push_back(std::move(arg));
  return a;
}

// Follows a shard's log: complete new lines that report a scenario, an error or a report not written,
// prefixed "[K/N] ".
class LogRelay {
 public:
  LogRelay(fs::path log, std::string prefix) : log_(std::move(log)), prefix_(std::move(prefix)) {}
  void poll() {
    std::ifstream in(log_);
    in.seekg(static_cast<std::streamoff>(offset_));
    std::string line;
    while (std::getline(in, line)) {
      if (in.eof()) break;  // a line still being written: read it whole next time
      offset_ += line.size() + 1;
      using namespace std::string_view_literals;
      for (std::string_view start : {"PASS "sv, "FAIL "sv, "SKIP "sv, "error: "sv, "environment error: "sv, kReportLost})
        if (line.rfind(start, 0) == 0) std::cout << prefix_ << line << std::endl;
    }
  }

 private:
  fs::path log_;
  std::string prefix_;
  std::size_t offset_ = 0;
};

}  // namespace

int run_sharded(const RunOptions& o, const std::optional<Baseline>& baseline) {
  const fs::path reports(o.reports_dir), shards = reports / "shards";
  std::error_code ec;
  fs::remove_all(shards, ec);
  fs::create_directories(shards, ec);
  if (ec) {
    std::cerr << "error: cannot create " << shards.string() << ": " << ec.message() << "\n";
    return kExitEnvironment;
  }
  struct Shard {
    fs::path dir;
    ChildProcess child;
    LogRelay relay;
  };
  std::vector<Shard> running;
  // On SIGINT/SIGTERM the loop below (the one owner that signals and reaps the shards) asks each
  // shard to tear its topology down (stop_children, kChildRunStopGraceMs).
  SignalGuard guard;
  for (int k = 1; k <= o.jobs; ++k) {
    const fs::path dir = shards / std::to_string(k);
    fs::create_directories(dir, ec);
    const fs::path log = dir / "run.log";
    auto child = ChildProcess::start(ChildSpec{self_executable(), shard_args(o, k, dir), {}, log.string()});
    if (!child) {
      std::cerr << "error: shard " << k << ": " << child.error().to_string() << "\n";
      return kExitEnvironment;  // the shards started so far are killed as `running` goes
    }
    running.push_back(Shard{dir, std::move(*child), LogRelay(log, "[" + std::to_string(k) + "/" + std::to_string(o.jobs) + "] ")});
  }
  std::cout << "run: " << o.jobs << " shards, reports under " << shards.string() << std::endl;

  // Each shard keeps its own deadline; past it (and a minute to tear down) it is killed.
  const auto limit = o.limits.deadline_s > 0 ? std::chrono::seconds(o.limits.deadline_s + 60) : std::chrono::seconds(0);
  const auto started = Clock::now();
  std::vector<int> codes(running.size(), 0);
  for (bool any = true; any && !guard.signalled();) {
    any = false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (std::size_t i = 0; i < running.size(); ++i) {
      Shard& s = running[i];
      s.relay.poll();
      if (!s.child.running()) continue;
      if (limit.count() && Clock::now() - started > limit) {
        s.child.signal(SIGTERM);  // its own teardown first, then no mercy
        if (!s.child.wait_for(10000)) s.child.kill_and_reap();
        std::cerr << "error: shard " << i + 1 << " did not end within its deadline; killed\n";
        codes[i] = 3;
        continue;
      }
      any = true;
    }
  }
  if (const int sig = guard.signalled()) {
    std::vector<ChildProcess*> children;
    for (auto& s : running) children.push_back(&s.child);
    stop_children(children, kChildRunStopGraceMs);
    for (auto& s : running) s.relay.poll();
    // What finished before the stop is merged; nothing is written when no shard left results (an
    // empty merged report would read as a run that tested nothing).
    std::vector<std::string> finished;
    for (const auto& s : running)
      if (std::error_code missing; fs::exists(s.dir / "results.json", missing)) finished.push_back(s.dir.string());
    if (!finished.empty()) (void)merge_report_folders(finished, o.reports_dir, project_contract_clauses());
    std::cerr << "interrupted: " << finished.size() << " of " << running.size() << " shards had finished"
              << (finished.empty() ? "; no report written" : "; their reports merged") << "\n";
    return exit_interrupted(sig);
  }
  std::vector<std::string> readable;  // shards that left results to merge
  int code = 0;
  for (std::size_t i = 0; i < running.size(); ++i) {
    running[i].relay.poll();
    if (codes[i] == 0) codes[i] = running[i].child.exit_code().value_or(3);
    const int c = codes[i];
    if (c != kExitPassed && c != kExitFailed) {
      std::cerr << "shard " << i + 1 << " " << running[i].child.describe_exit() << " (see "
                << (running[i].dir / "run.log").string() << ")\n";
      // usage, interrupted, or environment
      code = std::max(code, c == kExitInput ? kExitInput : is_interrupted_exit(c) ? c : int(kExitEnvironment));
    }
    std::error_code missing;
    if (fs::exists(running[i].dir / "results.json", missing)) {
      readable.push_back(running[i].dir.string());
    } else if (c == kExitPassed || c == kExitFailed) {  // it ended well, yet left no results
      std::cerr << "error: shard " << i + 1 << " left no " << (running[i].dir / "results.json").string() << "\n";
      code = std::max<int>(code, kExitEnvironment);
    }
  }
  auto merged = merge_report_folders(readable, o.reports_dir, project_contract_clauses());
  if (!merged) {
    std::cerr << "error: " << merged.error().to_string() << "\n";
    return std::max<int>(code, kExitEnvironment);
  }
  bool failing = merged->failing();
  if (baseline) {
    if (auto judged = judge_by_baseline(*baseline, *merged, o.reports_dir, std::cout)) {
      failing = *judged;
    } else {  // a report lost, as for a merge not written
      print_report_lost(judged.error());
      code = std::max<int>(code, kExitEnvironment);
    }
  }
  if (readable.size() < running.size())
    std::cerr << "merged " << readable.size() << " of " << running.size() << " shards: the others left no results\n";
  char took[32];
  std::snprintf(took, sizeof took, "%.1f", std::chrono::duration<double>(Clock::now() - started).count());
  std::cout << "duration " << took << " s\n" << merged->summary_line() << std::endl;
  return judge_empty(*merged, o.allow_empty, code ? code : failing ? kExitFailed : kExitPassed);
}

}  // namespace tc::cli
