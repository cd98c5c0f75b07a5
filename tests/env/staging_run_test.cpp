// The pack against a staging-like platform: a second, separately started set of stubs serving a world
// in which every tenant, principal, client and item is renamed (data/staging/fixtures), reached through
// compose/staging.example.yaml itself (every URL and audit query from the environment) with staging's
// own bindings (data/staging/bindings.yaml), whose secrets come from {{env.NAME}}. It passes, the
// scenarios needing stub-only capabilities are skipped with the capability as reason, and no renamed
// secret reaches the reports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <map>
#include <regex>

#include "cli_process.h"
#include "common/profile.h"
#include "env_test_support.h"
#include "process_table.h"

namespace tc {
namespace {

namespace fs = std::filesystem;
using ::testing::AnyOf;
using ::testing::HasSubstr;

// The passwords and client secrets of data/staging/fixtures, by the variable the bindings read.
const std::map<std::string, std::string>& staging_secrets() {
  static const std::map<std::string, std::string> secrets{
      {"TC_STAGING_PW_ONE", "Qx9-north-pass-ada"},         {"TC_STAGING_PW_DEFAULT", "Qx9-south-pass-bea"},
      {"TC_STAGING_PW_AMBIGUOUS", "Qx9-pass-cal"},         {"TC_STAGING_PW_NONE", "Qx9-pass-dee"},
      {"TC_STAGING_PW_READER", "Qx9-pass-rex"},            {"TC_STAGING_SECRET_ONE", "Zk4-secret-north-svc"},
      {"TC_STAGING_SECRET_DEFAULT", "Zk4-secret-multi-svc"}, {"TC_STAGING_SECRET_AMBIGUOUS", "Zk4-secret-amb-svc"},
      {"TC_STAGING_SECRET_NONE", "Zk4-secret-none-svc"}};
  return secrets;
}

// Every file under `dir` that contains `text`.
std::vector<std::string> files_containing(const std::string& dir, const std::string& text) {
  std::vector<std::string> hits;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && test::read_file(entry.path().string()).find(text) != std::string::npos)
      hits.push_back(entry.path().string());
  return hits;
}

TEST(StagingRun, RenamedWorldPassesSkipsStubOnlyScenariosAndLeaksNoSecret) {
  test::ScratchDir dir;
  const std::string stubs_log = dir.path.string() + "/stubs-up.out";
  auto stubs = ChildProcess::start(ChildSpec{TC_CLI_BIN,
                                             {"stubs", "up", "--env", test::source_path("tests/env/data/staging/stubs.yaml"),
                                              "--reports", dir.path.string() + "/stubs"},
                                             {},
                                             stubs_log});
  ASSERT_TRUE(stubs.ok()) << stubs.error().to_string();
  ASSERT_TRUE(test::wait_for_text(stubs_log, "up: ", 30000)) << test::read_file(stubs_log);
  const auto stub_pids = test::children_of(stubs->pid());

  // NAME<TAB>URL<TAB>stub… → TC_STAGING_<NAME>_URL, and TC_STAGING_<NAME>_AUDIT: the stub's audit
  // query with the {{correlation_id}} placeholder the runner fills in.
  auto profile = ContractProfile::load(test::source_path("fixtures/contracts/reference.yaml"));
  ASSERT_TRUE(profile.ok());
  std::map<std::string, std::string> env = staging_secrets();
  const std::string up = test::read_file(stubs_log);
  static const std::regex line_re(R"((\w+)\t(http://127\.0\.0\.1:\d+)\tstub)");
  for (std::sregex_iterator it(up.begin(), up.end(), line_re), end; it != end; ++it) {
    std::string name = (*it)[1].str();
    for (auto& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    env["TC_STAGING_" + name + "_URL"] = (*it)[2].str();
    if (name != "AUTHORITY")
      env["TC_STAGING_" + name + "_AUDIT"] = (*it)[2].str() + profile->path("audit") + "?correlation_id={{correlation_id}}";
  }
  ASSERT_EQ(env.size(), staging_secrets().size() + 9) << up;

  const std::string reports = dir.path.string() + "/reports", run_log = dir.path.string() + "/run.out";
  auto run = ChildProcess::start(ChildSpec{
      TC_CLI_BIN,
      {"run", "--env", test::source_path("compose/staging.example.yaml"), "--bindings",
       test::source_path("tests/env/data/staging/bindings.yaml"), "--reports", reports, test::source_path("scenarios")},
      env,
      run_log});
  ASSERT_TRUE(run.ok()) << run.error().to_string();
  const bool finished = run->wait_for(240000);
  const std::string exit = run->describe_exit();
  run->kill_and_reap();
  const std::string out = test::read_file(run_log);

  EXPECT_TRUE(finished) << "the run did not finish in 240 s";
  EXPECT_EQ(exit, "exited with status 0") << out;
  std::smatch summary;
  ASSERT_TRUE(std::regex_search(out, summary, std::regex(R"((\d+) passed, (\d+) failed, (\d+) skipped)"))) << out;
  EXPECT_GT(std::stoi(summary[1].str()), 0) << summary[0];
  EXPECT_EQ(std::stoi(summary[2].str()), 0) << summary[0];
  EXPECT_GT(std::stoi(summary[3].str()), 0) << summary[0];

  // Every skipped case names the capability it needs or the profile switch it is for; the mint-only
  // token cases are among them.
  const std::string junit = test::read_file(reports + "/junit.xml");
  static const std::regex skipped_re(R"(<skipped message="([^"]*)\")");
  int skipped = 0;
  for (std::sregex_iterator it(junit.begin(), junit.end(), skipped_re), end; it != end; ++it, ++skipped)
    EXPECT_THAT((*it)[1].str(), AnyOf(HasSubstr("needs capability &apos;"), HasSubstr("for profiles whose switches.")));
  EXPECT_EQ(skipped, std::stoi(summary[3].str())) << junit.substr(0, 2000);
  EXPECT_THAT(junit, HasSubstr("needs capability &apos;mint&apos;"));
  EXPECT_THAT(junit, HasSubstr("needs capability &apos;stub-audit&apos;"));

  // The renamed world's secrets reach no report and no output of the run. Passwords and client
  // secrets travel where pattern rules would mask them anyway; the URLs, read from the environment
  // too, are masked only because every environment value is registered as a secret — an audit
  // query's pieces around {{correlation_id}} included.
  for (const auto& [name, value] : env) {
    const std::string secret = value.substr(0, value.find("{{"));
    EXPECT_THAT(files_containing(reports, secret), ::testing::IsEmpty()) << name;
    EXPECT_EQ(out.find(secret), std::string::npos) << name;
  }

  stubs->signal(SIGTERM);
  ASSERT_TRUE(stubs->wait_for(15000)) << "stubs up did not stop on SIGTERM";
  EXPECT_EQ(stubs->describe_exit(), "exited with status 0") << test::read_file(stubs_log);
  EXPECT_TRUE(test::all_gone_within(stub_pids, 3000));
}

}  // namespace
}  // namespace tc
