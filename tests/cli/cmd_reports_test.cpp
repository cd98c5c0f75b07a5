// The real tenantcheck binary's report features against an in-test server: the baseline, --shard,
// --jobs (shards merged), `report merge` and `report diff`.
#include <gtest/gtest.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "env/process_table.h"

namespace tc::cli_test {
namespace {
using nlohmann::json;

// Three scenarios: two call the server (pass or fail with its status), one needs a capability.
const char* kScenarios = R"(scenarios:
  - name: first call
    requirements: [G1]
    steps:
      - name: call
        request: {url: "{{api}}/one"}
        expect: {status: 200}
  - name: second call
    requirements: [G2]
    steps:
      - name: call
        request: {url: "{{api}}/two"}
        expect: {status: 200}
  - name: needs mint
    requires: [mint]
    steps:
      - name: call
        request: {url: "{{api}}/three"}
        expect: {status: 200}
)";

struct Reports : ::testing::Test {
  TempDir dir;
  void SetUp() override { write_file(dir.path / "scenarios" / "api.yaml", kScenarios); }
  Outcome run(const FixedServer& server, std::vector<std::string> extra, const std::string& reports = "out") {
    write_file(dir.path / "topology.yaml", external_topology(server.url(), "[]"));
    std::vector<std::string> args = {"run", "--env", "topology.yaml", "--reports", reports};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("scenarios");
    return run_cli(args, dir.path);
  }
  json results(const std::string& reports = "out") { return json::parse(read_file(dir.path / reports / "results.json")); }
  std::map<std::string, std::string> outcomes(const std::string& reports) {
    std::map<std::string, std::string> by_id;
    const json record = results(reports);
    for (const auto& c : record["cases"])
      by_id[c["suite"].get<std::string>() + "." + c["test"].get<std::string>()] = c["outcome"];
    return by_id;
  }
  void baseline(const std::string& text) { write_file(dir.path / "baseline.yaml", text); }
};

int junit_tests(const std::string& xml) {
  std::smatch m;
  if (!std::regex_search(xml, m, std::regex(R"re(<testsuites name="tenantcheck" tests="([0-9]+)")re"))) return -1;
  return std::stoi(m[1]);
}

TEST_F(Reports, AKnownFailureInTheBaselineDoesNotFailTheRunUntilItExpires) {
  FixedServer server(500);
  baseline("known_failures:\n"
           "  - {test: api.first_call, reason: TICKET-1 the server is down, expires: 2999-12-31}\n"
           "  - {test: api.second_*, reason: TICKET-2 also down, expires: 2999-12-31}\n");
  Outcome o = run(server, {"--baseline", "baseline.yaml"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("known failure api.first_call: TICKET-1 the server is down (until 2999-12-31)"),
            std::string::npos) << o.out;
  EXPECT_NE(o.out.find("2 known failure(s), 0 new, 0 past expiry"), std::string::npos) << o.out;
  EXPECT_EQ(results()["summary"]["failed"], 2) << "the reports keep the failures";

  baseline("known_failures:\n  - {test: api.first_call, reason: TICKET-1, expires: 2001-01-01}\n");
  o = run(server, {"--baseline", "baseline.yaml"});
  EXPECT_EQ(o.code, 1) << o.out;
  EXPECT_NE(o.out.find("past expiry, counts as a failure: api.first_call: TICKET-1 (expired 2001-01-01)"),
            std::string::npos) << o.out;
  EXPECT_NE(o.out.find("1 new, 1 past expiry"), std::string::npos) << "second_call is in no entry: " << o.out;
  json verdict = json::parse(read_file(dir.path / "out" / "baseline.json"));
  EXPECT_EQ(verdict["new_failures"], json::array({"api.second_call"}));
}

// The baseline's verdict is a report too: a baseline.json the disk cannot take (a link to
// /dev/full: every write fails) is an environment error of report merge, as its merge would be.
TEST_F(Reports, ABaselineVerdictThatCannotBeWrittenIsAnEnvironmentError) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  FixedServer server(500);
  baseline("known_failures:\n  - {test: api.*, reason: TICKET-1, expires: 2999-12-31}\n");
  ASSERT_EQ(run(server, {}, "s1").code, 1);
  Outcome merged = run_cli({"report", "merge", "s1", "--out", "merged", "--baseline", "baseline.yaml"}, dir.path);
  EXPECT_EQ(merged.code, 0) << merged.out << merged.err;
  fs::remove(dir.path / "merged" / "baseline.json");
  fs::create_symlink("/dev/full", dir.path / "merged" / "baseline.json");
  merged = run_cli({"report", "merge", "s1", "--out", "merged", "--baseline", "baseline.yaml"}, dir.path);
  EXPECT_EQ(merged.code, 3) << merged.out << merged.err;
  EXPECT_NE(merged.err.find("reports: "), std::string::npos) << merged.err;
  EXPECT_NE(merged.err.find("baseline.json"), std::string::npos) << merged.err;
}

TEST_F(Reports, TheBaselineReportsKnownFailuresThatNowPass) {
  FixedServer server(200);
  baseline("known_failures:\n  - {test: api.first_call, reason: TICKET-1, expires: 2999-12-31}\n"
           "  - {test: gone.scenario, reason: TICKET-9, expires: 2999-12-31}\n");
  Outcome o = run(server, {"--baseline", "baseline.yaml"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("now passes, remove it: api.first_call (baseline.yaml:2"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("matched no case that ran: gone.scenario"), std::string::npos) << o.out;
}

TEST_F(Reports, ABadBaselineIsAnInputErrorNamingFileLineAndKeyBeforeAnythingRuns) {
  FixedServer server(200);
  baseline("known_failures:\n  - {test: api.first_call, reason: TICKET-1, expires: 2026-02-30}\n");
  Outcome o = run(server, {"--baseline", "baseline.yaml"});
  EXPECT_EQ(o.code, 2) << o.out << o.err;
  EXPECT_NE(o.err.find("baseline.yaml:2: /known_failures/0/expires: '2026-02-30' is not a date"), std::string::npos)
      << o.err;
  baseline("known_failures:\n  - {test: api.first_call, expires: 2999-01-01}\n");
  o = run(server, {"--baseline", "baseline.yaml"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("missing required key 'reason'"), std::string::npos) << o.err;
  EXPECT_EQ(server.requests(), 0);
}

TEST_F(Reports, AShardRunsItsPartAndABadShardIsAUsageError) {
  FixedServer server(200);
  Outcome one = run(server, {"--shard", "1/2"}, "s1");
  Outcome two = run(server, {"--shard", "2/2"}, "s2");
  EXPECT_EQ(one.code, 0) << one.out << one.err;
  EXPECT_EQ(two.code, 0) << two.out << two.err;
  const auto a = outcomes("s1"), b = outcomes("s2");
  EXPECT_EQ(a.size() + b.size(), 3u) << one.out << two.out;
  for (const auto& [id, outcome] : a) EXPECT_FALSE(b.count(id)) << id << " ran in both shards";

  for (const char* bad : {"0/2", "3/2", "1-2", "a/b", "1/2x"}) {
    Outcome o = run(server, {"--shard", bad});
    EXPECT_EQ(o.code, 2) << bad;
    EXPECT_NE(o.err.find("flag --shard"), std::string::npos) << o.err;
  }
}

TEST_F(Reports, JobsTwoGivesTheResultsOfOneJobAndTheMergedCountsAreTheShardsSum) {
  FixedServer server(200);
  Outcome single = run(server, {}, "single");
  Outcome sharded = run(server, {"--jobs", "2"}, "sharded");
  EXPECT_EQ(single.code, 0) << single.out << single.err;
  EXPECT_EQ(sharded.code, 0) << sharded.out << sharded.err;
  EXPECT_EQ(outcomes("single"), outcomes("sharded"));
  EXPECT_EQ(sharded.last_line(), "2 passed, 0 failed, 1 skipped") << sharded.out;
  EXPECT_NE(sharded.out.find("] PASS api.first_call"), std::string::npos) << "progress per scenario: " << sharded.out;
  const int merged = junit_tests(read_file(dir.path / "sharded" / "junit.xml"));
  const int s1 = junit_tests(read_file(dir.path / "sharded" / "shards" / "1" / "junit.xml"));
  const int s2 = junit_tests(read_file(dir.path / "sharded" / "shards" / "2" / "junit.xml"));
  EXPECT_EQ(merged, 3);
  EXPECT_EQ(merged, s1 + s2);
  int allure = 0;
  for (const auto& e : fs::directory_iterator(dir.path / "sharded" / "allure-results"))
    allure += e.path().filename().string().find("-result.json") != std::string::npos;
  EXPECT_EQ(allure, 3) << "one Allure result per case, from both shards";
  EXPECT_TRUE(fs::exists(dir.path / "sharded" / "allure-results" / "environment.properties"));
}

// The merged run is judged by the baseline the run loaded and checked before its shards started, not
// by the file read again after them: one kept in a folder the run clears (its reports' html/) is
// applied all the same.
TEST_F(Reports, JobsApplyTheBaselineCheckedBeforeTheShardsStarted) {
  FixedServer server(500);
  write_file(dir.path / "out" / "html" / "known.yaml",
             "known_failures:\n  - {test: api.*, reason: TICKET-1 the server is down, expires: 2999-12-31}\n");
  Outcome o = run(server, {"--jobs", "2", "--baseline", "out/html/known.yaml"});
  EXPECT_EQ(o.code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("2 known failure(s), 0 new, 0 past expiry"), std::string::npos) << o.out;
  EXPECT_FALSE(fs::exists(dir.path / "out" / "html" / "known.yaml")) << "the run clears its reports' html/";
  EXPECT_TRUE(fs::exists(dir.path / "out" / "baseline.json"));
}

// A shard that cannot write its reports says so in its run.log; the line reaches the run's console
// with the shard's prefix (not only "shard K exited with 3"), and the run exits 3.
TEST_F(Reports, AShardsReportNotWrittenIsRelayedAndAnEnvironmentError) {
  FixedServer server(200);
  Outcome o;
  {
    FileSizeLimit limit(2048);  // each shard's console lines fit in its run.log; its reports do not
    o = run(server, {"--jobs", "2"}, "sharded");
  }
  EXPECT_EQ(o.code, 3) << o.out << o.err;
  EXPECT_NE(o.out.find("] reports: cannot write"), std::string::npos) << o.out << o.err;
}

// Problem: an interrupted `run --jobs 2` sometimes wrote a well-formed but empty merged report
// ("merged 0 of 2 shards", tests="0"): two threads reaped the same shard. One loop now stops and
// reaps the shards; with no shard finished nothing is merged, and the run exits 128 + the signal.
TEST_F(Reports, AnInterruptedShardedRunStopsItsShardsAndWritesNoEmptyMergedReport) {
  FixedServer slow(200, 4000);
  write_file(dir.path / "topology.yaml", external_topology(slow.url(), "[]"));
  // A marker every process of the run inherits; the signal once the second shard has started.
  const std::string marker = (dir.path / "tmp").string();
  fs::create_directories(marker);
  ::setenv("TMPDIR", marker.c_str(), 1);
  Outcome o = run_cli({"run", "--env", "topology.yaml", "--reports", "out", "--jobs", "2", "scenarios"}, dir.path,
                      std::chrono::seconds(60), 0, SIGTERM, "out/shards/2/run.log");
  ::unsetenv("TMPDIR");
  EXPECT_EQ(o.code, 143) << o.out << o.err;
  EXPECT_NE(o.err.find("interrupted: 0 of 2 shards had finished; no report written"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir.path / "out" / "junit.xml"));
  EXPECT_FALSE(fs::exists(dir.path / "out" / "results.json"));
  EXPECT_TRUE(test::left_with_environment("TMPDIR=" + marker, 5000).empty());
}

TEST_F(Reports, JobsWithAFailingCaseExitsOneAndAStaleReportIsNotReused) {
  FixedServer good(200), bad(500);
  Outcome passing = run(good, {"--jobs", "2"}, "sharded");
  ASSERT_EQ(passing.code, 0) << passing.out << passing.err;
  Outcome failing = run(bad, {"--jobs", "2"}, "sharded");
  EXPECT_EQ(failing.code, 1) << failing.out << failing.err;
  EXPECT_EQ(failing.last_line(), "0 passed, 2 failed, 1 skipped") << failing.out;
  EXPECT_EQ(results("sharded")["summary"]["failed"], 2);

  // A run that cannot start its environment leaves no results of the earlier run behind.
  write_file(dir.path / "topology.yaml", external_topology("http://127.0.0.1:1", "[]"));
  Outcome unreachable = run_cli({"run", "--env", "topology.yaml", "--reports", "sharded", "scenarios"}, dir.path);
  EXPECT_EQ(unreachable.code, 3) << unreachable.out << unreachable.err;
  if (fs::exists(dir.path / "sharded" / "results.json")) {  // replaced, not the failing run's
    EXPECT_EQ(results("sharded")["summary"]["failed"], 0);
  }
  EXPECT_FALSE(fs::exists(dir.path / "sharded" / "junit.xml") && !fs::exists(dir.path / "sharded" / "results.json"))
      << "no report of the earlier run is left beside a missing record";
}

TEST_F(Reports, MergeCombinesShardFoldersAndDiffNamesWhatChanged) {
  FixedServer good(200);
  run(good, {"--shard", "1/2"}, "s1");
  run(good, {"--shard", "2/2"}, "s2");
  Outcome merged = run_cli({"report", "merge", "s1", "s2", "--out", "merged"}, dir.path);
  EXPECT_EQ(merged.code, 0) << merged.out << merged.err;
  EXPECT_EQ(merged.last_line(), "2 passed, 0 failed, 1 skipped") << merged.out;
  EXPECT_EQ(junit_tests(read_file(dir.path / "merged" / "junit.xml")), 3);
  EXPECT_TRUE(fs::exists(dir.path / "merged" / "requirements.md"));

  FixedServer bad(500);
  run(bad, {}, "broken");
  Outcome diff = run_cli({"report", "diff", "merged", "broken/results.json"}, dir.path);
  EXPECT_EQ(diff.code, 1) << "a case newly failing: " << diff.out << diff.err;
  EXPECT_NE(diff.out.find("newly failing (2):\n  api.first_call: passed -> failed\n  api.second_call: passed -> failed"),
            std::string::npos) << diff.out;
  EXPECT_NE(diff.out.find("diff: 2 newly failing, 0 newly passing, 0 changed, 0 added, 0 removed, 1 unchanged"),
            std::string::npos) << diff.out;
  diff = run_cli({"report", "diff", "broken", "merged"}, dir.path);
  EXPECT_EQ(diff.code, 0) << diff.out;
  EXPECT_NE(diff.out.find("newly passing (2)"), std::string::npos) << diff.out;

  Outcome missing = run_cli({"report", "merge", "s1", "nowhere", "--out", "m2"}, dir.path);
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("nowhere/results.json: cannot read"), std::string::npos) << missing.err;
  write_file(dir.path / "bad" / "results.json", R"({"format": "tenantcheck-results/1", "cases": [{"suite": 1}]})");
  Outcome malformed = run_cli({"report", "diff", "bad", "merged"}, dir.path);
  EXPECT_EQ(malformed.code, 2);
  EXPECT_NE(malformed.err.find("/cases/0/suite"), std::string::npos) << malformed.err;
}

}  // namespace
}  // namespace tc::cli_test
