// The pack against the default topology, through the real binary: it passes, and its outcomes are
// the same whatever the order (twice, the second time shuffled), so no scenario depends on another.
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
#include "harness/report/junit_read.h"

namespace fs = std::filesystem;

namespace {

struct PackOutcome {
  int exit_code = -1;
  std::string output;
  std::map<std::string, std::string> outcomes;  // suite.test -> passed | failed | skipped
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
  if (auto cases = tc::read_junit((reports / "junit.xml").string()))
    for (const auto& c : *cases) run.outcomes[c.full_name()] = c.outcome;
  return run;
}

}  // namespace

TEST(PackRun, PassesAndIsOrderIndependent) {
  fs::path base = fs::temp_directory_path() / ("tc-pack-" + std::to_string(getpid()));
  PackOutcome first = run_pack(base / "first", "");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  ASSERT_GE(first.outcomes.size(), 60u) << "too few scenarios in junit.xml";
  for (const auto& [name, outcome] : first.outcomes) EXPECT_EQ(outcome, "passed") << name;

  PackOutcome second = run_pack(base / "second", "--gtest_shuffle --gtest_random_seed=" + std::to_string(1 + getpid() % 9999));
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(first.outcomes, second.outcomes);
  // The last line of a run is the summary.
  std::string last = first.output.substr(first.output.find_last_of('\n', first.output.size() - 2) + 1);
  EXPECT_TRUE(std::regex_search(last, std::regex(R"(^[0-9]+ passed, 0 failed)"))) << last;

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
  for (const auto& entry : fs::recursive_directory_iterator(base / "first")) {
    if (!entry.is_regular_file()) continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const auto& secret : secrets) EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << entry.path();
    EXPECT_FALSE(std::regex_search(text, jwt)) << "a token in " << entry.path();
  }
  EXPECT_GE(files, 6) << "junit.xml, requirements.json/.md, and every component's log and audit file";
  for (const auto& secret : secrets) EXPECT_EQ(first.output.find(secret), std::string::npos) << secret;
  fs::remove_all(base);
}

// The same pack through a gateway started as a build under test (`spawn`): the runner sees only
// endpoints, so a spawned component must pass exactly as the stub does.
TEST(PackRun, PassesThroughASpawnedGateway) {
  fs::path base = fs::temp_directory_path() / ("tc-pack-spawn-" + std::to_string(getpid()));
  PackOutcome run = run_pack(base, "--env compose/build-under-test.example.yaml");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ASSERT_GE(run.outcomes.size(), 60u);
  for (const auto& [name, outcome] : run.outcomes) EXPECT_EQ(outcome, "passed") << name;
  fs::remove_all(base);
}
