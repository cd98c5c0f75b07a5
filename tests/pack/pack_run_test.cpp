// The pack against the default topology, through the real binary: it passes, and its outcomes are
// the same whatever the order (twice, the second time shuffled), so no scenario depends on another,
// and whether it runs in one process or two shards. Its reports are valid JUnit and Allure results
// that hold no secret, and a failing run renders with the Allure 3 command line.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "common/document.h"
#include "harness/report/run_record.h"

namespace fs = std::filesystem;

namespace {

struct PackOutcome {
  int exit_code = -1;
  std::string output;
  std::map<std::string, std::string> outcomes;  // suite.test -> passed | failed | "skipped: <reason>"
};

// Given to the run as its gateway-backend secret, so that the leak check below knows it.
const std::string kPlantedSharedSecret = "planted-context-secret-5Qm2Zr8Lw";

// Runs `tenantcheck run EXTRA` from the source tree with its reports in `reports`.
PackOutcome run_pack(const fs::path& reports, const std::string& extra) {
  PackOutcome run;
  std::string cmd = "cd '" + std::string(TC_SOURCE_DIR) + "' && TC_SHARED_SECRET='" + kPlantedSharedSecret +
                    "' timeout 300 '" + TC_CLI_BIN +
                    "' run --reports '" + reports.string() + "' " + extra + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return run;
  char buf[4096];
  while (fgets(buf, sizeof buf, pipe)) run.output += buf;
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (auto record = tc::read_run_record(reports.string()))
    for (const auto& c : record->cases) run.outcomes[c.id()] = c.outcome == "skipped" ? "skipped: " + c.skip_reason : c.outcome;
  return run;
}

// Passed, or not for this profile: a scenario for platforms whose profile sets a switch otherwise
// (a gateway that does not sign) is skipped on the reference profile, and nothing else is.
bool passed_here(const std::string& outcome) {
  return outcome == "passed" || outcome.starts_with("skipped: for profiles whose switches.");
}

// Exit code and output of a shell command.
std::pair<int, std::string> shell(const std::string& cmd) {
  std::string out;
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  char buf[4096];
  while (pipe && fgets(buf, sizeof buf, pipe)) out += buf;
  const int status = pipe ? pclose(pipe) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The tests="N" of a junit.xml's <testsuites>.
int junit_tests(const fs::path& junit) {
  std::smatch m;
  const std::string xml = slurp(junit);
  return std::regex_search(xml, m, std::regex(R"re(<testsuites name="tenantcheck" tests="([0-9]+)")re")) ? std::stoi(m[1]) : -1;
}

int allure_results(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().filename().string().find("-result.json") != std::string::npos;
  return n;
}

}  // namespace

TEST(PackRun, PassesAndIsOrderIndependent) {
  fs::path base = fs::temp_directory_path() / ("tc-pack-" + std::to_string(getpid()));
  PackOutcome first = run_pack(base / "first", "");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  ASSERT_GE(first.outcomes.size(), 60u) << "too few scenarios in junit.xml";
  for (const auto& [name, outcome] : first.outcomes) EXPECT_TRUE(passed_here(outcome)) << name << ": " << outcome;

  PackOutcome second = run_pack(base / "second", "--gtest_shuffle --gtest_random_seed=" + std::to_string(1 + getpid() % 9999));
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(first.outcomes, second.outcomes);
  // The last line of a run is the summary.
  std::string last = first.output.substr(first.output.find_last_of('\n', first.output.size() - 2) + 1);
  EXPECT_TRUE(std::regex_search(last, std::regex(R"(^[0-9]+ passed, 0 failed)"))) << last;

  // Two shards give the same outcomes; the merged JUnit counts are the shards' sum.
  PackOutcome sharded = run_pack(base / "sharded", "--jobs 2");
  ASSERT_EQ(sharded.exit_code, 0) << sharded.output;
  EXPECT_EQ(first.outcomes, sharded.outcomes);
  const int merged = junit_tests(base / "sharded" / "junit.xml");
  EXPECT_EQ(merged, static_cast<int>(first.outcomes.size()));
  EXPECT_EQ(merged, junit_tests(base / "sharded" / "shards" / "1" / "junit.xml") +
                        junit_tests(base / "sharded" / "shards" / "2" / "junit.xml"));
  EXPECT_EQ(allure_results(base / "sharded" / "allure-results"), merged);

  // The reports: JUnit valid against the schema, an Allure result per case.
  const auto [lint, lint_out] = shell("xmllint --noout --schema '" + std::string(TC_SOURCE_DIR) +
                                      "/tests/reports/junit.xsd' '" + (base / "first" / "junit.xml").string() + "'");
  EXPECT_EQ(lint, 0) << lint_out;
  EXPECT_EQ(allure_results(base / "first" / "allure-results"), static_cast<int>(first.outcomes.size()));

  // Nothing secret in any output: not the bound passwords and client secrets, not the context
  // secret, not a token (a JWT's "eyJ….eyJ…" start), in the console output or any report file.
  auto bindings = tc::load_document(std::string(TC_SOURCE_DIR) + "/fixtures/reference/bindings.yaml");
  ASSERT_TRUE(bindings.ok());
  std::vector<std::string> secrets = {kPlantedSharedSecret};
  for (const auto& [role, user] : bindings->value["users"].items()) secrets.push_back(user["password"]);
  for (const auto& [role, client] : bindings->value["clients"].items())
    if (client.contains("secret")) secrets.push_back(client["secret"]);
  const std::regex jwt(R"(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,})");
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(base)) {  // every run's reports, shards too
    if (!entry.is_regular_file()) continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const auto& secret : secrets) EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << entry.path();
    EXPECT_FALSE(std::regex_search(text, jwt)) << "a token in " << entry.path();
  }
  EXPECT_GE(files, 80) << "junit.xml, results.json, requirements, Allure results and attachments, logs and audit files";
  for (const auto& secret : secrets) {
    EXPECT_EQ(first.output.find(secret), std::string::npos) << secret;
    EXPECT_EQ(sharded.output.find(secret), std::string::npos) << secret;
  }
  fs::remove_all(base);
}

// The same pack through a gateway started as a build under test (`spawn`): the runner sees only
// endpoints, so a spawned component must pass exactly as the stub does.
TEST(PackRun, PassesThroughASpawnedGateway) {
  fs::path base = fs::temp_directory_path() / ("tc-pack-spawn-" + std::to_string(getpid()));
  PackOutcome run = run_pack(base, "--env compose/build-under-test.example.yaml");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ASSERT_GE(run.outcomes.size(), 60u);
  for (const auto& [name, outcome] : run.outcomes) EXPECT_TRUE(passed_here(outcome)) << name << ": " << outcome;
  fs::remove_all(base);
}

// A run that fails (a fault in the gateway), rendered by the Allure 3 command line
// (scripts/allure-report): the report's summary counts are the run's.
TEST(PackRun, AFailingRunRendersWithAllureAndItsCountsMatch) {
  fs::path base = fs::temp_directory_path() / ("tc-pack-allure-" + std::to_string(getpid()));
  PackOutcome run = run_pack(base, "--fault gateway.no_www_authenticate --gtest_filter='failures_missing_tenant.*'");
  ASSERT_EQ(run.exit_code, 1) << run.output;
  std::map<std::string, int> counts;
  for (const auto& [name, outcome] : run.outcomes) ++counts[outcome];
  ASSERT_GT(counts["failed"], 0) << run.output;
  ASSERT_GT(counts["passed"], 0) << run.output;

  const auto [code, out] = shell("'" + std::string(TC_SOURCE_DIR) + "/scripts/allure-report' '" +
                                 (base / "allure-results").string() + "' '" + (base / "allure-report").string() + "'");
  ASSERT_EQ(code, 0) << out;
  EXPECT_TRUE(fs::exists(base / "allure-report" / "index.html"));
  const auto summary = nlohmann::json::parse(slurp(base / "allure-report" / "summary.json"));
  const auto& stats = summary["stats"];
  EXPECT_EQ(stats.value("total", 0), static_cast<int>(run.outcomes.size())) << summary.dump();
  EXPECT_EQ(stats.value("failed", 0), counts["failed"]) << summary.dump();
  EXPECT_EQ(stats.value("passed", 0), counts["passed"]) << summary.dump();
  EXPECT_EQ(stats.value("skipped", 0), counts["skipped"]) << summary.dump();
  EXPECT_EQ(stats.value("broken", 0), 0) << summary.dump();
  EXPECT_EQ(summary["status"], "failed");
  // The failing cases are filed as contract violations, and their failing step carries expected and actual.
  const std::string categories = slurp(base / "allure-report" / "widgets" / "categories.json");
  EXPECT_NE(categories.find("Contract violations"), std::string::npos) << categories;
  fs::remove_all(base);
}
