// `tenantcheck doctor`: one line per check, a verdict, exit 0 when everything answers, 3 otherwise.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "cli_process.h"
#include "env_test_support.h"

namespace tc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Doctor, AllStubTopologyPassesEveryCheck) {
  test::ScratchDir dir;
  auto run = test::run_cli({"doctor", "--env", test::source_path("compose/local.yaml"), "--reports", dir.path()},
                           dir.path() + "/doctor.out", 60000);
  EXPECT_EQ(run.exit, "exited with status 0") << run.output;
  for (const char* line : {"OK authority reachable", "OK authority discovery", "OK authority jwks",
                           "OK gateway unauthenticated", "OK platform audit", "OK graph reachable",
                           "OK authority token users.one", "OK authority token users.reader",
                           "OK authority token users.none", "OK authority token clients.default", "OK doctor:"})
    EXPECT_THAT(run.output, HasSubstr(line)) << run.output;
  EXPECT_THAT(run.output, Not(HasSubstr("FAIL")));
}

TEST(Doctor, APrincipalWhoseCredentialsAreRefusedFailsWithoutPrintingThem) {
  test::ScratchDir dir;
  std::string bindings = test::read_file(test::source_path("fixtures/reference/bindings.yaml"));
  const std::regex first_password(R"(password: [^,}\s]+)");
  bindings = std::regex_replace(bindings, first_password, "password: Wrong-pw-7731", std::regex_constants::format_first_only);
  auto file = dir.write("bindings.yaml", bindings);
  auto run = test::run_cli({"doctor", "--env", test::source_path("compose/local.yaml"), "--bindings", file,
                            "--reports", dir.path()},
                           dir.path() + "/doctor.out", 60000);
  EXPECT_EQ(run.exit, "exited with status 3") << run.output;
  EXPECT_THAT(run.output, HasSubstr("FAIL authority token users.one"));
  EXPECT_THAT(run.output, HasSubstr("OK authority token users.default"));
  EXPECT_THAT(run.output, Not(HasSubstr("Wrong-pw-7731")));
  EXPECT_THAT(run.output, Not(HasSubstr("access_token")));
}

TEST(Doctor, AnUnreachableComponentFailsItsCheckAndTheVerdict) {
  test::ScratchDir dir;
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  auto env = dir.write("down.yaml",
                       "profile: " + test::source_path("fixtures/contracts/reference.yaml") + "\n"
                       "components:\n"
                       "  gateway: {external: {url: \"http://127.0.0.1:1\"}}\n");
  auto run = test::run_cli({"doctor", "--env", env, "--reports", dir.path()}, dir.path() + "/doctor.out", 60000);
  EXPECT_EQ(run.exit, "exited with status 3") << run.output;
  EXPECT_THAT(run.output, HasSubstr("FAIL gateway reachable"));
  EXPECT_THAT(run.output, HasSubstr("FAIL doctor: 1 checks, 1 failed"));
}

}  // namespace
}  // namespace tc
