// The pack against an Authority built on oidc-provider (compose/examples/oidc-provider: the OpenID
// Certified library plus the platform's tenancy, console and test-only routes in authority.mjs),
// with the stub Gateway and Backends. What the library cannot meet is its baseline; everything else
// passes, and the tokens it signs are verified by the runner's JWT expectation against its JWKS.
// Node and `npm ci` in that folder are required (scripts/test runs it): without them the run fails.

#include <string>

#include <gtest/gtest.h>

#include "tenantcheck_cli.h"

namespace {

using tc::pack_test::expect_only_baseline_fails;

TEST(OidcProviderAuthority, ThePackRunsAgainstItAndOnlyItsBaselineFails) {
  const auto reports = tc::pack_test::reports_dir("oidc-provider", "run");
  const auto cases = expect_only_baseline_fails("oidc-provider", reports, 70,
                                                {"for profiles whose switches.backend_requires_signature",
                                                 "for profiles whose switches.strict_claim_match"});
  // The code flow's token, signed by oidc-provider, verified against its JWKS with its tenant claims.
  int verified = 0;
  for (const auto& c : cases)
    if (c.test.starts_with("code_flow_with_PKCE_issues_a_verifiable_token")) {
      EXPECT_EQ(c.outcome, "passed") << (c.failures.empty() ? "" : c.failures.front());
      for (const auto& step : c.steps)
        for (const auto& o : step.outcomes)
          if (o.kind == "jwt" && o.description == "signature") verified += o.status == "passed";
    }
  EXPECT_EQ(verified, 1) << "the runner verified the signature of oidc-provider's access token";
}

}  // namespace
