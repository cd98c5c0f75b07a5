// An independent check of A2/A6: the jose npm library (tests/authority/jose) verifies the stub's
// tokens against its JWKS URL, issuer and audience. Node and the installed package are required:
// the test fails, not skips, without them (scripts/test runs `npm ci` there).
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>

#include "authority_server.h"

namespace tc::test {
namespace {

const std::string kJoseDir = std::string(TC_SOURCE_DIR) + "/tests/authority/jose";

struct NodeRun {
  int exit_code = -1;
  std::string output;
};

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs verify.mjs under a deadline (coreutils timeout), so a stuck node cannot hang the test.
NodeRun verify_with_jose(const std::vector<std::string>& args) {
  std::string cmd = "cd " + shell_quote(kJoseDir) + " && timeout 30 node verify.mjs";
  for (const auto& a : args) cmd += " " + shell_quote(a);
  cmd += " 2>&1";
  NodeRun run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return run;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) run.output.append(buf, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class AuthorityJose : public ::testing::Test {
 protected:
  void SetUp() override {
    const bool node = std::system("command -v node >/dev/null 2>&1") == 0;
    const bool jose = std::filesystem::exists(kJoseDir + "/node_modules/jose/package.json");
    if (!node || !jose)
      FAIL() << (node ? "" : "node is not installed; ")
             << "run `npm ci --prefix tests/authority/jose` (scripts/test does) to install the jose package";
  }
  AuthorityServer server{with_mint()};
  const ContractProfile& p = server.profile();
  std::string jwks_url() const { return server.url() + p.path("jwks"); }
  std::string audience() const { return p.value("default_audience"); }
};

TEST_F(AuthorityJose, VerifiesAnIssuedTokenAndItsTenantClaim) {
  const auto run = verify_with_jose({jwks_url(), server.access_token("bea", "tenant-bravo"), audience(), server.url()});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const json out = json::parse(run.output, nullptr, false);
  ASSERT_TRUE(out.is_object()) << run.output;
  EXPECT_EQ(out["payload"][p.claim("tenant")], "tenant-bravo");
  EXPECT_EQ(out["payload"][p.claim("allowed_tenants")], json::array({"tenant-alpha", "tenant-bravo"}));
  EXPECT_EQ(out["header"]["alg"], "RS256");
}

TEST_F(AuthorityJose, VerifiesAfterRotationBothKeys) {
  const std::string before = server.access_token("ada");
  ASSERT_EQ(server.post_form(p.path("rotate"), {}).status, 200);
  const std::string after = server.access_token("ada");
  for (const auto& token : {before, after}) {
    const auto run = verify_with_jose({jwks_url(), token, audience(), server.url()});
    EXPECT_EQ(run.exit_code, 0) << run.output;
  }
}

TEST_F(AuthorityJose, RejectsWrongAudienceExpiredAndForeignTokens) {
  const auto wrong_aud = verify_with_jose({jwks_url(), server.mint({{"sub", "user-ada"}, {"aud", "other"}}),
                                           audience(), server.url()});
  EXPECT_EQ(wrong_aud.exit_code, 1) << wrong_aud.output;
  const auto expired = verify_with_jose({jwks_url(), server.mint({{"sub", "user-ada"}, {"exp_in", -3600}}),
                                         audience(), server.url()});
  EXPECT_EQ(expired.exit_code, 1) << expired.output;
  AuthorityServer other;
  const auto foreign = verify_with_jose({jwks_url(), other.access_token("ada"), audience(), server.url()});
  EXPECT_EQ(foreign.exit_code, 1) << foreign.output;
}

}  // namespace
}  // namespace tc::test
