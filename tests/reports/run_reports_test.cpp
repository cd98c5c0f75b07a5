// write_run_reports: every report of a run in a folder it creates (the record's JSON is written on
// another thread beside the others), and the first report's error when none can be written.
#include "harness/report/run_reports.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "harness/runner/run_context.h"
#include "support/temp_dir.h"

namespace tc {
namespace {

namespace fs = std::filesystem;

RunRecord two_cases() {
  RunRecord r;
  r.properties = {{"harness.version", "0.1.0"}};
  for (const char* outcome : {"passed", "failed"}) {
    CaseRecord c;
    c.suite = "tenancy";
    c.test = std::string("case_") + outcome;
    c.scenario = c.test;
    c.file = "scenarios/tenancy.yaml";
    c.line = 3;
    c.outcome = outcome;
    if (c.outcome == "failed") c.failures = {"step 'call' (tenancy.yaml:5): status equals: expected 404, actual 403"};
    r.cases.push_back(c);
  }
  return r;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(RunReports, EveryReportIsWrittenIntoANestedFolderTheyCreateTogether) {
  testing::TempDir s;
  const fs::path reports = s.path / "a" / "b";
  ASSERT_TRUE(write_run_reports(two_cases(), reports.string(), {}).ok());
  const auto results = nlohmann::json::parse(slurp(reports / "results.json"));
  ASSERT_EQ(results.at("cases").size(), 2u);
  EXPECT_EQ(results["cases"][1]["outcome"], "failed");
  EXPECT_NE(slurp(reports / "junit.xml").find("case_failed"), std::string::npos);
  EXPECT_TRUE(fs::exists(reports / "requirements.json"));
  EXPECT_TRUE(fs::exists(reports / "requirements.md"));
  EXPECT_NE(slurp(reports / "html" / "index.html").find("case_failed"), std::string::npos);
}

TEST(RunReports, WhenNoneCanBeWrittenTheErrorIsTheRecordsOwn) {
  testing::TempDir s;
  const fs::path blocked = s.path / "a-file";
  std::ofstream(blocked) << "not a folder";
  auto r = write_run_reports(two_cases(), blocked.string(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find((blocked / "results.json").string()), std::string::npos) << r.error().message;
}

// A report short enough to stay in its stream's buffer until the file is closed still says when
// the disk took none of it: each file, in turn, a link to /dev/full (every write fails, ENOSPC).
TEST(RunReports, AShortReportTheDiskCannotTakeIsAnError) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  for (const char* name : {"results.json", "junit.xml", "requirements.json", "requirements.md"}) {
    testing::TempDir s;
    fs::create_symlink("/dev/full", s.path / name);
    auto r = write_run_reports(two_cases(), s.path.string(), {});
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_NE(r.error().message.find(std::string(name).substr(0, std::string(name).find('.'))), std::string::npos)
        << name << ": " << r.error().message;
  }
}

}  // namespace
}  // namespace tc
