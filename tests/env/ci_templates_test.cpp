// Static checks of the CI templates teams copy (compose/ci/): each shard job runs `--shard INDEX/TOTAL`
// into its own report folder and keeps it when the run fails; one shard count; the merge job runs after a
// failed shard, merges, renders Allure, publishes the JUnit; every script and subcommand named exists.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "common/document.h"
#include "env_test_support.h"

namespace tc {
namespace {

namespace fs = std::filesystem;
using test::source_path;
constexpr auto npos = std::string::npos;

// A read-only view of a loaded template: a missing key or index is an absent node, as in the
// templates' own languages, so each check reads as the path it follows.
class Node {
 public:
  explicit Node(const json* value = nullptr) : value_(value) {}
  Node operator[](const std::string& key) const {
    return Node(value_ && value_->is_object() && value_->contains(key) ? &(*value_)[key] : nullptr);
  }
  Node operator[](std::size_t i) const { return Node(value_ && value_->is_array() && i < value_->size() ? &(*value_)[i] : nullptr); }
  explicit operator bool() const { return value_ != nullptr; }
  bool is_map() const { return value_ && value_->is_object(); }
  std::size_t size() const { return value_ && value_->is_structured() ? value_->size() : 0; }
  std::string text(const std::string& otherwise = "") const {
    if (!value_ || value_->is_structured() || value_->is_null()) return otherwise;
    return value_->is_string() ? value_->get<std::string>() : value_->dump();
  }
  int number() const {
    if (value_ && value_->is_number_integer()) return value_->get<int>();
    ADD_FAILURE() << "not an integer: " << (value_ ? value_->dump() : "absent");
    return -1;
  }
  bool flag(bool otherwise) const { return value_ && value_->is_boolean() ? value_->get<bool>() : otherwise; }
  // The entries of a list, or the values of a map.
  std::vector<Node> children() const {
    std::vector<Node> out;
    if (value_ && value_->is_structured())
      for (const auto& v : *value_) out.emplace_back(&v);
    return out;
  }

 private:
  const json* value_;
};

// Loaded by the project's own reader; kept for the whole test binary, so views of it stay valid.
Node load(const std::string& relative) {
  static std::map<std::string, Document> docs;
  auto doc = load_document(source_path(relative));
  if (!doc) {
    ADD_FAILURE() << relative << ": " << doc.error().to_string();
    return Node();
  }
  return Node(&(docs[relative] = std::move(*doc)).value);
}

// A job's shell commands: GitHub's steps' `run`, GitLab's `script` lines.
std::string commands(const Node& job) {
  std::string out;
  for (const auto& step : job["steps"].children())
    if (step["run"]) out += step["run"].text() + "\n";
  for (const auto& line : job["script"].children()) out += line.text() + "\n";
  return out;
}

// The first capture group of `re` in `text`, "" when it does not match.
std::string capture(const std::string& text, const std::string& re) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(re)) ? m[1].str() : std::string();
}

Node step_using(const Node& job, const std::string& action) {
  for (const auto& step : job["steps"].children())
    if (step["uses"].text().rfind(action + "@v", 0) == 0) return step;
  ADD_FAILURE() << "no step uses " << action;
  return Node();
}

TEST(CiTemplates, GithubShardsCoverOneToTotalKeepTheirReportsAndMerge) {
  const Node doc = load("compose/ci/github-actions.yml");
  ASSERT_TRUE(doc.is_map());
  const Node shard = doc["jobs"]["shard"], merge = doc["jobs"]["merge"];
  EXPECT_EQ(shard["container"].text(), "debian:bookworm");
  const int total = doc["env"]["TC_SHARDS"].number();
  const Node matrix = shard["strategy"]["matrix"]["shard"];
  ASSERT_EQ(matrix.size(), static_cast<std::size_t>(total)) << "matrix.shard must list 1..TC_SHARDS";
  for (int i = 0; i < total; ++i) EXPECT_EQ(matrix[i].number(), i + 1);
  EXPECT_FALSE(shard["strategy"]["fail-fast"].flag(true)) << "a failing shard would cancel the others";
  const std::string run = commands(shard);
  EXPECT_NE(run.find(R"(scripts/run --shard "${{ matrix.shard }}/$TC_SHARDS")"), npos) << run;
  const std::string reports = capture(run, R"re(--reports "([^"]+)")re");
  EXPECT_NE(reports.find("${{ matrix.shard }}"), npos) << "shards would share a report folder: " << reports;
  const Node upload = step_using(shard, "actions/upload-artifact");
  EXPECT_EQ(upload["if"].text(), "always()");
  EXPECT_EQ(upload["with"]["path"].text(), reports + "/");
  EXPECT_EQ(merge["needs"].text(), "shard");
  EXPECT_EQ(merge["if"].text(), "${{ !cancelled() }}") << "the merge must run after a failed shard";
  const std::string pattern = step_using(merge, "actions/download-artifact")["with"]["pattern"].text();
  ASSERT_FALSE(pattern.empty());
  EXPECT_EQ(upload["with"]["name"].text().rfind(pattern.substr(0, pattern.size() - 1), 0), 0u)
      << "download pattern " << pattern << " does not match the shard artifacts";
  const std::string merged = commands(merge);
  EXPECT_EQ(capture(merged, R"(tenantcheck report merge .*--out (\S+))"), "merged") << merged;
  EXPECT_NE(merged.find("scripts/allure-report merged/allure-results "), npos) << merged;
  const Node junit = step_using(merge, "mikepenz/action-junit-report");
  EXPECT_EQ(junit["with"]["report_paths"].text(), "merged/junit.xml");
  EXPECT_EQ(merge["permissions"]["checks"].text(), "write") << "the JUnit action publishes a check run";
}

TEST(CiTemplates, GitlabParallelIsTheShardCountTheMergeExpects) {
  const Node doc = load("compose/ci/gitlab-ci.yml");
  ASSERT_TRUE(doc.is_map());
  const Node shard = doc["conformance"], merge = doc["conformance-report"];
  EXPECT_EQ(doc["default"]["image"].text(), "debian:bookworm");
  EXPECT_EQ(shard["parallel"].number(), doc["variables"]["TC_SHARDS"].number());
  const std::string run = commands(shard);
  EXPECT_NE(run.find(R"(scripts/run --shard "$CI_NODE_INDEX/$CI_NODE_TOTAL")"), npos) << run;
  const std::string reports = capture(run, R"re(--reports "([^"]+)")re");
  EXPECT_NE(reports.find("$CI_NODE_INDEX"), npos) << "shards would share a report folder: " << reports;
  EXPECT_EQ(shard["artifacts"]["when"].text(), "always");
  EXPECT_EQ(reports.rfind(shard["artifacts"]["paths"][0].text("-"), 0), 0u) << "not kept: " << reports;
  EXPECT_EQ(merge["when"].text(), "always") << "the merge must run after a failed shard";
  EXPECT_EQ(merge["needs"][0].text(), "conformance");
  const std::string merged = commands(merge);
  const std::string out = capture(merged, R"(tenantcheck report merge .*--out (\S+))");
  ASSERT_FALSE(out.empty()) << merged;
  EXPECT_NE(merged.find("scripts/allure-report " + out + "/allure-results "), npos) << merged;
  EXPECT_EQ(merge["artifacts"]["when"].text(), "always");
  EXPECT_EQ(merge["artifacts"]["reports"]["junit"].text(), out + "/junit.xml");
}

TEST(CiTemplates, EveryScriptAndSubcommandTheyCallExists) {
  const std::set<std::string> subcommands = {"run", "report", "lint", "doctor", "mutate", "stubs"};
  const std::regex script_re(R"((?:^|[\s"'])(scripts/[\w.-]+))"), sub_re(R"(/tenantcheck\s+([a-z][\w-]*))");
  int scripts = 0;
  for (const char* file : {"compose/ci/github-actions.yml", "compose/ci/gitlab-ci.yml"}) {
    const Node doc = load(file);
    ASSERT_TRUE(doc.is_map()) << file;
    for (const auto& job : (doc["jobs"] ? doc["jobs"] : doc).children()) {
      if (!job.is_map()) continue;
      const std::string text = commands(job);
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
