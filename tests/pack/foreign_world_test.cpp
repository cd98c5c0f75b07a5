// The pack against the foreign world (compose/foreign.yaml): stubs serving a platform that shares no
// route, name, collection or spelling with the reference, described only by data (its profile copy,
// fixtures and bindings). Every scenario of the pack runs unchanged and passes; a case is skipped only
// for a capability. Doctor, pointed at that world with the reference profile, names every spelling
// that differs and the key to change; with the world's own profile it finds nothing to change.

#include <filesystem>
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

  // The same cases as the reference world: no scenario is excluded.
  const auto [ref_code, ref_out] = tenantcheck("run --reports '" + reports("reference").string() + "'");
  ASSERT_EQ(ref_code, 0) << ref_out;
  auto reference = tc::read_run_record(reports("reference").string());
  ASSERT_TRUE(reference.ok());
  EXPECT_EQ(reference->cases.size(), record->cases.size());
}

TEST(ForeignWorld, DoctorNamesEveryDifferingSpellingAndItsKey) {
  const auto [code, out] = tenantcheck("doctor --env compose/foreign.yaml --profile fixtures/contracts/reference.yaml "
                                       "--reports '" + reports("doctor-ref").string() + "'");
  EXPECT_EQ(code, 3) << out;
  for (const char* key : {"errors.unauthenticated", "paths.token", "paths.jwks",
                          "paths.authorize", "paths.introspect", "paths.audit", "values.default_audience",
                          "windows.access_token_ttl_seconds", "echo.headers_at", "echo.values", "echo.names",
                          "errors.tenant_ambiguous", "values.bearer_scheme"}) {
    SCOPED_TRACE(key);
    EXPECT_NE(out.find(std::string("change ") + key), std::string::npos) << out;
  }
  for (const char* ok : {"OK gateway spelling status.unauthenticated", "OK authority spelling claims.tenant"})
    EXPECT_NE(out.find(ok), std::string::npos) << ok << "\n" << out;

  const auto [own, own_out] = tenantcheck("doctor --env compose/foreign.yaml --reports '" + reports("doctor-own").string() + "'");
  EXPECT_EQ(own, 0) << own_out;
  EXPECT_EQ(own_out.find("change "), std::string::npos) << own_out;
}
