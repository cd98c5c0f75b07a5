// The pack against the foreign world (compose/foreign.yaml): stubs serving a platform that shares no
// route, name, collection or spelling with the reference, described only by data (its profile copy,
// fixtures and bindings). Every scenario of the pack runs unchanged and passes; a case is skipped only
// for a switch of its profile. Doctor, pointed at that world with the reference profile, names the
// spellings it can observe that differ and the key to change; with the world's own profile it finds
// nothing to change.

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "harness/report/run_record.h"
#include "tenantcheck_cli.h"

namespace fs = std::filesystem;

using tc::pack_test::tenantcheck;

namespace {

fs::path reports(const std::string& name) { return tc::pack_test::reports_dir("foreign", name); }

}  // namespace

TEST(ForeignWorld, ThePackRunsUnchangedAndPasses) {
  const auto [code, out] = tenantcheck("run --env compose/foreign.yaml --reports '" + reports("run").string() + "'");
  ASSERT_EQ(code, 0) << out;
  auto record = tc::read_run_record(reports("run").string());
  ASSERT_TRUE(record.ok()) << record.error().to_string();
  ASSERT_GE(record->cases.size(), 60u);
  int passed = 0, not_for_this_profile = 0;
  for (const auto& c : record->cases) {
    if (c.outcome == "skipped" && c.skip_reason.starts_with("for profiles whose switches.")) {
      ++not_for_this_profile;
      continue;
    }
    EXPECT_EQ(c.outcome, "passed") << c.id() << "\n" << (c.failures.empty() ? c.skip_reason : c.failures.front());
    ++passed;
  }
  EXPECT_EQ(passed + not_for_this_profile, static_cast<int>(record->cases.size()))
      << "the foreign world offers every capability";

  // The same scenarios as the reference world: none is excluded. A matrix over a list of the profile
  // has a case per entry: one tenant alias here, two there; three identity headers here, two there.
  const auto [ref_code, ref_out] = tenantcheck("run --reports '" + reports("reference").string() + "'");
  ASSERT_EQ(ref_code, 0) << ref_out;
  auto reference = tc::read_run_record(reports("reference").string());
  ASSERT_TRUE(reference.ok());
  auto cases_per_scenario = [](const tc::RunRecord& r) {
    std::map<std::string, int> n;
    for (const auto& c : r.cases) ++n[c.id().substr(0, c.id().find('/'))];
    return n;
  };
  const auto here = cases_per_scenario(*record), there = cases_per_scenario(*reference);
  std::set<std::string> here_names, there_names;
  for (const auto& [name, n] : here) here_names.insert(name);
  for (const auto& [name, n] : there) there_names.insert(name);
  EXPECT_EQ(here_names, there_names);
  const std::string aliases = "propagation_spoofed_headers.every_alias_carries_the_resolved_tenant_exactly_once";
  const std::string identity = "propagation_spoofed_headers.every_caller_identity_header_is_stripped_before_a_backend";
  ASSERT_TRUE(here.count(aliases) && there.count(aliases) && here.count(identity) && there.count(identity));
  EXPECT_EQ(here.at(aliases), 1);
  EXPECT_EQ(there.at(aliases), 2);
  EXPECT_EQ(here.at(identity), 3);
  EXPECT_EQ(there.at(identity), 2);
}

TEST(ForeignWorld, DoctorNamesEveryDifferingSpellingAndItsKey) {
  const auto [code, out] = tenantcheck("doctor --env compose/foreign.yaml --profile fixtures/contracts/reference.yaml "
                                       "--reports '" + reports("doctor-ref").string() + "'");
  EXPECT_EQ(code, 3) << out;
  for (const char* key : {"errors.unauthenticated", "paths.token", "paths.jwks",
                          "paths.authorize", "paths.introspect", "paths.audit", "values.default_audience",
                          "windows.access_token_ttl_seconds", "echo.headers_at", "echo.values", "echo.names",
                          "errors.tenant_ambiguous", "values.bearer_scheme", "claims.tenant"}) {
    SCOPED_TRACE(key);
    EXPECT_NE(out.find(std::string("change ") + key), std::string::npos) << out;
  }
  EXPECT_NE(out.find("OK gateway spelling status.unauthenticated"), std::string::npos) << out;

  const auto [own, own_out] = tenantcheck("doctor --env compose/foreign.yaml --reports '" + reports("doctor-own").string() + "'");
  EXPECT_EQ(own, 0) << own_out;
  EXPECT_EQ(own_out.find("change "), std::string::npos) << own_out;
}
