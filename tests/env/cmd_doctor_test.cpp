// `tenantcheck doctor`: one line per check, a verdict, exit 0 when everything answers, 3 otherwise.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
                           "OK gateway unauthenticated", "OK platform audit", "OK graph reachable", "OK doctor:"})
    EXPECT_THAT(run.output, HasSubstr(line)) << run.output;
  EXPECT_THAT(run.output, Not(HasSubstr("FAIL")));
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
