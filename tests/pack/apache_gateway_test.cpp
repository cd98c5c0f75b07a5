// The pack through a stock gateway (compose/examples/apache-gateway: Apache httpd with
// mod_auth_openidc, mod_headers, mod_rewrite and mod_proxy in front of the stub Backends). What it
// cannot meet is its baseline, one entry per deviation with a reason: the run passes with it, every
// failing case is one the baseline names and nothing else fails, every case it names still fails (a
// fixed deviation must leave the baseline), and a case is skipped only for a capability httpd lacks
// or for a profile switch it sets otherwise (it does not sign the context).

#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "common/document.h"
#include "harness/report/run_record.h"
#include "tenantcheck_cli.h"

namespace fs = std::filesystem;

using tc::pack_test::tenantcheck;

namespace {

const std::string kDir = "compose/examples/apache-gateway/";

std::set<std::string> baseline_tests() {
  std::set<std::string> out;
  auto doc = tc::load_document(std::string(TC_SOURCE_DIR) + "/" + kDir + "baseline.yaml");
  EXPECT_TRUE(doc.ok()) << doc.error().to_string();
  if (doc.ok())
    for (const auto& entry : doc->value.at("known_failures")) out.insert(entry.at("test").get<std::string>());
  return out;
}

TEST(ApacheGateway, ThePackRunsThroughHttpdAndOnlyItsBaselineFails) {
  const fs::path reports = tc::pack_test::reports_dir("apache-gateway", "run");
  const auto [code, out] = tenantcheck("run --env " + kDir + "topology.yaml --baseline " + kDir +
                                       "baseline.yaml --reports '" + reports.string() + "'");
  ASSERT_EQ(code, 0) << out;
  auto record = tc::read_run_record(reports.string());
  ASSERT_TRUE(record.ok()) << record.error().to_string();
  const std::set<std::string> known = baseline_tests();
  ASSERT_FALSE(known.empty());
  std::set<std::string> failed;
  int passed = 0;
  for (const auto& c : record->cases) {
    if (c.outcome == "passed") ++passed;
    else if (c.outcome == "failed") failed.insert(c.id());
    else if (c.outcome == "skipped")
      EXPECT_TRUE(c.skip_reason.starts_with("for profiles whose switches.backend_requires_signature") ||
                  c.skip_reason.find("capability 'context-secret'") != std::string::npos)
          << c.id() << ": " << c.skip_reason;
    else
      ADD_FAILURE() << c.id() << " is " << c.outcome << ": " << (c.failures.empty() ? "" : c.failures.front());
  }
  EXPECT_EQ(failed, known) << "every failure is a known deviation, and every known deviation still fails";
  EXPECT_GE(passed, 60) << out;
  EXPECT_NE(out.find("4 known failure(s), 0 new, 0 past expiry, 0 now passing"), std::string::npos) << out;
}

}  // namespace
