// The pack tests drive the real binary from the source tree: exit code and output of one command,
// and a report folder per test process.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/document.h"
#include "harness/report/run_record.h"

namespace tc::pack_test {

// `tenantcheck ARGS` run from the source tree, killed after `seconds`: exit code and output.
inline std::pair<int, std::string> tenantcheck(const std::string& args, int seconds = 300) {
  const std::string cmd = "cd '" + std::string(TC_SOURCE_DIR) + "' && timeout " + std::to_string(seconds) + " '" +
                          TC_CLI_BIN + "' " + args + " 2>&1";
  std::string out;
  FILE* pipe = popen(cmd.c_str(), "r");
  char buf[4096];
  while (pipe && fgets(buf, sizeof buf, pipe)) out += buf;
  const int status = pipe ? pclose(pipe) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// <tmp>/tc-<prefix>-<pid>/<name>.
inline std::filesystem::path reports_dir(const std::string& prefix, const std::string& name) {
  return std::filesystem::temp_directory_path() / ("tc-" + prefix + "-" + std::to_string(getpid())) / name;
}

// Another platform's pack, the one its topology names: `run --env TOPOLOGY` passes every case, all
// of them the pack's own (ids starting with `case_prefix`), at least `min_passed`; the cases cite
// every one of `cited`, and the requirements matrix gives each of `own_clauses` the verdict passed.
inline void expect_platform_pack_green(const std::string& topology, const std::filesystem::path& reports,
                                       const std::string& case_prefix, int min_passed, const std::set<std::string>& cited,
                                       const std::set<std::string>& own_clauses) {
  const auto [code, out] = tenantcheck("run --env " + topology + " --reports '" + reports.string() + "'");
  ASSERT_EQ(code, 0) << out;
  auto record = read_run_record(reports.string());
  ASSERT_TRUE(record.ok()) << record.error().to_string();
  std::set<std::string> seen;
  int passed = 0;
  for (const auto& c : record->cases) {
    EXPECT_EQ(c.outcome, "passed") << c.id() << "\n" << (c.failures.empty() ? "" : c.failures.front());
    EXPECT_EQ(c.id().rfind(case_prefix, 0), 0u) << c.id() << ": only the platform's own pack runs";
    passed += c.outcome == "passed";
    seen.insert(c.requirements.begin(), c.requirements.end());
  }
  EXPECT_GE(passed, min_passed);
  for (const auto& id : cited) EXPECT_TRUE(seen.count(id)) << id;
  auto matrix = load_document((reports / "requirements.json").string());
  ASSERT_TRUE(matrix.ok()) << matrix.error().to_string();
  std::set<std::string> verdicts;
  for (const auto& clause : matrix->value["clauses"])
    if (own_clauses.count(clause["id"].get<std::string>())) {
      EXPECT_EQ(clause["verdict"], "passed") << clause.dump();
      verdicts.insert(clause["id"].get<std::string>());
    }
  EXPECT_EQ(verdicts, own_clauses);
}

// A platform of real components (compose/examples/DIR/topology.yaml) run with its baseline
// (DIR/baseline.yaml): the run passes, the failed cases are exactly the baseline's (a fixed
// deviation must leave it), at least `min_passed` pass, every skip reason starts with one of
// `skip_reasons`, and the summary counts the known failures. A baseline may be empty only where
// `baseline_may_be_empty` says so (a component with no known deviation: then every case passes).
// Returns the run record's cases.
inline std::vector<CaseRecord> expect_only_baseline_fails(const std::string& dir, const std::filesystem::path& reports,
                                                       int min_passed, const std::vector<std::string>& skip_reasons,
                                                       bool baseline_may_be_empty = false) {
  const std::string topology = "compose/examples/" + dir + "/topology.yaml";
  const std::string baseline = "compose/examples/" + dir + "/baseline.yaml";
  const auto [code, out] = tenantcheck("run --env " + topology + " --baseline " + baseline + " --reports '" +
                                       reports.string() + "'");
  EXPECT_EQ(code, 0) << out;
  auto record = read_run_record(reports.string());
  EXPECT_TRUE(record.ok()) << record.error().to_string() << "\n" << out;
  if (!record.ok()) return {};
  std::set<std::string> known;
  auto doc = load_document(std::string(TC_SOURCE_DIR) + "/" + baseline);
  EXPECT_TRUE(doc.ok()) << doc.error().to_string();
  if (doc.ok())
    for (const auto& entry : doc->value.at("known_failures")) known.insert(entry.at("test").get<std::string>());
  if (!baseline_may_be_empty) {
    EXPECT_FALSE(known.empty());
  }
  std::set<std::string> failed;
  int passed = 0;
  for (const auto& c : record->cases) {
    if (c.outcome == "passed") ++passed;
    else if (c.outcome == "failed") failed.insert(c.id());
    else if (c.outcome == "skipped") {
      bool expected = false;
      for (const auto& reason : skip_reasons) expected = expected || c.skip_reason.find(reason) != std::string::npos;
      EXPECT_TRUE(expected) << c.id() << ": " << c.skip_reason;
    } else {
      ADD_FAILURE() << c.id() << " is " << c.outcome << ": " << (c.failures.empty() ? "" : c.failures.front());
    }
  }
  EXPECT_EQ(failed, known) << "every failure is a known deviation, and every known deviation still fails";
  EXPECT_GE(passed, min_passed) << out;
  EXPECT_NE(out.find(std::to_string(known.size()) + " known failure(s), 0 new, 0 past expiry, 0 now passing"),
            std::string::npos) << out;
  return record->cases;
}

// `mutate --env TOPOLOGY`: the fault-free run passes, every planned mutant is killed, each of
// `planned` is among them and none of `not_planned` (faults of clauses the pack does not cite).
inline void expect_mutate_kills_all(const std::string& topology, const std::filesystem::path& reports,
                                    const std::vector<std::string>& planned, const std::vector<std::string>& not_planned) {
  const auto [code, out] = tenantcheck("mutate --env " + topology + " --jobs 2 --reports '" + reports.string() + "'", 600);
  EXPECT_EQ(code, 0) << out;
  auto doc = load_document((reports / "mutation.json").string());
  ASSERT_TRUE(doc.ok()) << doc.error().to_string() << "\n" << out;
  std::set<std::string> mutants;
  for (const auto& r : doc->value["results"]) {
    EXPECT_EQ(r["verdict"], "killed") << r.dump();
    mutants.insert(r["mutant"].get<std::string>());
  }
  for (const auto& fault : planned) EXPECT_TRUE(mutants.count(fault)) << fault << "\n" << out;
  for (const auto& fault : not_planned) EXPECT_FALSE(mutants.count(fault)) << fault << "\n" << out;
  EXPECT_EQ(doc->value["fault_free"]["verdict"], "passed") << out;
}

// How many audit checks of the named components passed in `cases`: a replaced component's own
// records were read, not skipped for want of a source.
inline int passed_audit_checks(const std::vector<CaseRecord>& cases, const std::vector<std::string>& components) {
  int passed = 0;
  for (const auto& c : cases)
    for (const auto& step : c.steps)
      for (const auto& o : step.outcomes)
        for (const auto& component : components)
          passed += o.kind == "audit" && o.status == "passed" && o.description.starts_with(component + " ");
  return passed;
}

}  // namespace tc::pack_test
