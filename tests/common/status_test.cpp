// Exit codes: each error kind has its own, and a bug of tenantcheck itself never reads as a verdict
// on the platform (passed, failed, nothing tested) or as the platform's environment.
#include <gtest/gtest.h>

#include <set>

#include "common/exit_codes.h"
#include "common/status.h"

namespace tc {
namespace {

TEST(ExitCodes, InputAndUsageAre2EnvironmentIs3) {
  EXPECT_EQ(exit_code_for(ErrorKind::input), 2);
  EXPECT_EQ(exit_code_for(ErrorKind::usage), 2);
  EXPECT_EQ(exit_code_for(ErrorKind::environment), 3);
}

TEST(ExitCodes, AnInternalErrorHasACodeOfItsOwn) {
  const int internal = exit_code_for(ErrorKind::internal);
  const std::set<int> verdicts{kExitPassed, kExitFailed, kExitInput, kExitEnvironment, kExitNothingTested};
  EXPECT_EQ(verdicts.size(), 5u);
  EXPECT_EQ(verdicts.count(internal), 0u) << internal;
}

}  // namespace
}  // namespace tc
