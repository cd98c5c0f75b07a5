// Static checks of the CI templates teams copy (compose/ci/): each shard job runs `--shard INDEX/TOTAL`
// into its own report folder and keeps it when the run fails; one shard count; the merge job runs after a
// failed shard, merges, renders Allure, publishes the JUnit; every script and subcommand named exists.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "env_test_support.h"

namespace tc {
namespace {

namespace fs = std::filesystem;
using test::source_path;
constexpr auto npos = std::string::npos;

YAML::Node load(const std::string& relative) {
  try {
    return YAML::LoadFile(source_path(relative));
  } catch (const YAML::Exception& e) {
    ADD_FAILURE() << relative << ": " << e.what();
    return YAML::Node();
  }
}

// A job's shell commands: GitHub's steps' `run`, GitLab's `script` lines.
std::string commands(const YAML::Node& job) {
  std::string out;
  for (const auto& step : job["steps"])
    if (step["run"]) out += step["run"].as<std::string>() + "\n";
  for (const auto& line : job["script"]) out += line.as<std::string>() + "\n";
  return out;
}

// The first capture group of `re` in `text`, "" when it does not match.
std::string capture(const std::string& text, const std::string& re) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(re)) ? m[1].str() : std::string();
}

YAML::Node step_using(const YAML::Node& job, const std::string& action) {
  for (const auto& step : job["steps"])
    if (step["uses"].as<std::string>("").rfind(action + "@v", 0) == 0) return step;
  ADD_FAILURE() << "no step uses " << action;
  return YAML::Node();
}

TEST(CiTemplates, GithubShardsCoverOneToTotalKeepTheirReportsAndMerge) {
  const YAML::Node doc = load("compose/ci/github-actions.yml");
  ASSERT_TRUE(doc.IsMap());
  const YAML::Node shard = doc["jobs"]["shard"], merge = doc["jobs"]["merge"];
  EXPECT_EQ(shard["container"].as<std::string>(""), "debian:bookworm");
  const int total = doc["env"]["TC_SHARDS"].as<int>();
  const YAML::Node matrix = shard["strategy"]["matrix"]["shard"];
  ASSERT_EQ(matrix.size(), static_cast<std::size_t>(total)) << "matrix.shard must list 1..TC_SHARDS";
  for (int i = 0; i < total; ++i) EXPECT_EQ(matrix[i].as<int>(), i + 1);
  EXPECT_FALSE(shard["strategy"]["fail-fast"].as<bool>(true)) << "a failing shard would cancel the others";
  const std::string run = commands(shard);
  EXPECT_NE(run.find(R"(scripts/run --shard "${{ matrix.shard }}/$TC_SHARDS")"), npos) << run;
  const std::string reports = capture(run, R"re(--reports "([^"]+)")re");
  EXPECT_NE(reports.find("${{ matrix.shard }}"), npos) << "shards would share a report folder: " << reports;
  const YAML::Node upload = step_using(shard, "actions/upload-artifact");
  EXPECT_EQ(upload["if"].as<std::string>(""), "always()");
  EXPECT_EQ(upload["with"]["path"].as<std::string>(""), reports + "/");
  EXPECT_EQ(merge["needs"].as<std::string>(""), "shard");
  EXPECT_EQ(merge["if"].as<std::string>(""), "${{ !cancelled() }}") << "the merge must run after a failed shard";
  const std::string pattern = step_using(merge, "actions/download-artifact")["with"]["pattern"].as<std::string>("");
  ASSERT_FALSE(pattern.empty());
  EXPECT_EQ(upload["with"]["name"].as<std::string>("").rfind(pattern.substr(0, pattern.size() - 1), 0), 0u)
      << "download pattern " << pattern << " does not match the shard artifacts";
  const std::string merged = commands(merge);
  EXPECT_EQ(capture(merged, R"(tenantcheck report merge .*--out (\S+))"), "merged") << merged;
  EXPECT_NE(merged.find("scripts/allure-report merged/allure-results "), npos) << merged;
  const YAML::Node junit = step_using(merge, "mikepenz/action-junit-report");
  EXPECT_EQ(junit["with"]["report_paths"].as<std::string>(""), "merged/junit.xml");
  EXPECT_EQ(merge["permissions"]["checks"].as<std::string>(""), "write") << "the JUnit action publishes a check run";
}

TEST(CiTemplates, GitlabParallelIsTheShardCountTheMergeExpects) {
  const YAML::Node doc = load("compose/ci/gitlab-ci.yml");
  ASSERT_TRUE(doc.IsMap());
  const YAML::Node shard = doc["conformance"], merge = doc["conformance-report"];
  EXPECT_EQ(doc["default"]["image"].as<std::string>(""), "debian:bookworm");
  EXPECT_EQ(shard["parallel"].as<int>(), doc["variables"]["TC_SHARDS"].as<int>());
  const std::string run = commands(shard);
  EXPECT_NE(run.find(R"(scripts/run --shard "$CI_NODE_INDEX/$CI_NODE_TOTAL")"), npos) << run;
  const std::string reports = capture(run, R"re(--reports "([^"]+)")re");
  EXPECT_NE(reports.find("$CI_NODE_INDEX"), npos) << "shards would share a report folder: " << reports;
  EXPECT_EQ(shard["artifacts"]["when"].as<std::string>(""), "always");
  EXPECT_EQ(reports.rfind(shard["artifacts"]["paths"][0].as<std::string>("-"), 0), 0u) << "not kept: " << reports;
  EXPECT_EQ(merge["when"].as<std::string>(""), "always") << "the merge must run after a failed shard";
  EXPECT_EQ(merge["needs"][0].as<std::string>(""), "conformance");
  const std::string merged = commands(merge);
  const std::string out = capture(merged, R"(tenantcheck report merge .*--out (\S+))");
  ASSERT_FALSE(out.empty()) << merged;
  EXPECT_NE(merged.find("scripts/allure-report " + out + "/allure-results "), npos) << merged;
  EXPECT_EQ(merge["artifacts"]["when"].as<std::string>(""), "always");
  EXPECT_EQ(merge["artifacts"]["reports"]["junit"].as<std::string>(""), out + "/junit.xml");
}

TEST(CiTemplates, EveryScriptAndSubcommandTheyCallExists) {
  const std::set<std::string> subcommands = {"run", "report", "lint", "doctor", "mutate", "stubs"};
  const std::regex script_re(R"((?:^|[\s"'])(scripts/[\w.-]+))"), sub_re(R"(/tenantcheck\s+([a-z][\w-]*))");
  int scripts = 0;
  for (const char* file : {"compose/ci/github-actions.yml", "compose/ci/gitlab-ci.yml"}) {
    const YAML::Node doc = load(file);
    ASSERT_TRUE(doc.IsMap()) << file;
    for (const auto& job : doc["jobs"] ? doc["jobs"] : doc) {
      if (!job.second.IsMap()) continue;
      const std::string text = commands(job.second);
      for (std::sregex_iterator it(text.begin(), text.end(), script_re), end; it != end; ++it, ++scripts) {
        const fs::path p = source_path((*it)[1].str());
        EXPECT_TRUE(fs::exists(p)) << file << ": " << p;
        EXPECT_NE(fs::status(p).permissions() & fs::perms::owner_exec, fs::perms::none) << p << " is not executable";
      }
      for (std::sregex_iterator it(text.begin(), text.end(), sub_re), end; it != end; ++it)
        EXPECT_TRUE(subcommands.count((*it)[1].str())) << file << ": tenantcheck has no subcommand " << (*it)[1];
    }
  }
  EXPECT_GE(scripts, 6) << "each template calls scripts/run in both jobs and scripts/allure-report";
}

}  // namespace
}  // namespace tc
