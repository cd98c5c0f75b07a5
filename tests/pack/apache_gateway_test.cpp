// The pack through a stock gateway (compose/examples/apache-gateway: Apache httpd with
// mod_auth_openidc, mod_headers, mod_rewrite and mod_proxy in front of the stub Backends). What it
// cannot meet is its baseline, one entry per deviation with a reason: the run passes with it, every
// failing case is one the baseline names and nothing else fails, every case it names still fails (a
// fixed deviation must leave the baseline), and a case is skipped only for a capability httpd lacks
// or for a profile switch it sets otherwise (it does not sign the context).

#include <string>

#include <gtest/gtest.h>

#include "tenantcheck_cli.h"

namespace {

TEST(ApacheGateway, ThePackRunsThroughHttpdAndOnlyItsBaselineFails) {
  tc::pack_test::expect_only_baseline_fails(
      "apache-gateway", tc::pack_test::reports_dir("apache-gateway", "run"), 60,
      {"for profiles whose switches.backend_requires_signature", "for profiles whose switches.strict_claim_match",
       "capability 'context-secret'"});
}

}  // namespace
