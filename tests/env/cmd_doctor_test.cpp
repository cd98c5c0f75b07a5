// `tenantcheck doctor`: one line per check, a verdict, exit 0 when everything answers, 3 otherwise.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

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
  int lines = 0;  // "started" lines included: the verdict counts every line it prints
  std::istringstream in(run.output);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("OK ", 0) == 0 && line.rfind("OK doctor:", 0) != 0) ++lines;
  EXPECT_THAT(run.output, HasSubstr("OK doctor: " + std::to_string(lines) + " checks, 0 failed")) << run.output;
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

// `tenantcheck doctor` on a topology whose only component is an external gateway at `url`, with
// `env` added to its environment. Port 1 on loopback: nothing listens there, refused at once.
test::CliRun doctor_of_one_gateway(const test::ScratchDir& dir, const std::string& url,
                                   std::map<std::string, std::string> env = {}) {
  auto file = dir.write("down.yaml",
                        "profile: " + test::source_path("fixtures/contracts/reference.yaml") + "\n"
                        "components:\n"
                        "  gateway: {external: {url: \"" + url + "\"}}\n");
  return test::run_cli({"doctor", "--env", file, "--reports", dir.path()}, dir.path() + "/doctor.out", 60000,
                       std::move(env));
}

TEST(Doctor, AnUnreachableComponentFailsItsCheckAndTheVerdict) {
  test::ScratchDir dir;
  auto run = doctor_of_one_gateway(dir, "http://127.0.0.1:1");
  EXPECT_EQ(run.exit, "exited with status 3") << run.output;
  EXPECT_THAT(run.output, HasSubstr("FAIL gateway reachable"));
  EXPECT_THAT(run.output, HasSubstr("FAIL doctor: 1 checks, 1 failed"));
}

TEST(Doctor, EveryUnsetVariableIsListedAtOnceAndTheVerdictCountsItsLines) {
  // The staging example reads every URL and secret from the environment; none is set here.
  test::ScratchDir dir;
  auto run = test::run_cli({"doctor", "--env", test::source_path("compose/staging.example.yaml"), "--bindings",
                            test::source_path("tests/env/data/staging/bindings.yaml"), "--reports", dir.path()},
                           dir.path() + "/doctor.out", 60000);
  EXPECT_EQ(run.exit, "exited with status 3") << run.output;
  int lines = 0, unset = 0;
  std::istringstream in(run.output);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("OK doctor:", 0) == 0 || line.rfind("FAIL doctor:", 0) == 0) continue;
    if (line.rfind("OK ", 0) == 0 || line.rfind("FAIL ", 0) == 0) ++lines;
    if (line.rfind("FAIL environment TC_STAGING_", 0) == 0) ++unset;
  }
  EXPECT_GE(unset, 18) << "every URL, audit URL, password and secret: " << run.output;
  EXPECT_EQ(unset, lines) << "nothing else is checked before the variables are set: " << run.output;
  EXPECT_THAT(run.output, HasSubstr("FAIL environment TC_STAGING_GRAPH_AUDIT: not set"));
  EXPECT_THAT(run.output, HasSubstr("FAIL environment TC_STAGING_PW_READER: not set"));
  EXPECT_THAT(run.output, HasSubstr("FAIL doctor: " + std::to_string(lines) + " checks, " + std::to_string(lines) +
                                    " failed"));
}

TEST(Doctor, AURLReadFromTheEnvironmentIsMaskedInItsLines) {
  test::ScratchDir dir;
  auto run = doctor_of_one_gateway(dir, "{{env.TC_DOCTOR_TEST_GATEWAY}}", {{"TC_DOCTOR_TEST_GATEWAY", "http://127.0.0.1:1"}});
  EXPECT_EQ(run.exit, "exited with status 3") << run.output;
  EXPECT_THAT(run.output, HasSubstr("FAIL gateway reachable"));
  EXPECT_THAT(run.output, Not(HasSubstr("127.0.0.1:1"))) << run.output;
}

}  // namespace
}  // namespace tc
