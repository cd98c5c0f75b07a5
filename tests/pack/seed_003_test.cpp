// Seed 003's platform (compose/seed-003.yaml): stubs serving tenants in the path and the tid claim,
// tier rate limits, idempotent PUT and tenant lifecycle, all declared as data in fixtures/seed-003/.
// Its own pack, the one the topology names, runs green and covers every clause it was written for;
// and `mutate` against that topology plans the faults of the clauses the pack cites and kills each.
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

fs::path reports(const std::string& name) { return tc::pack_test::reports_dir("seed-003", name); }

}  // namespace

TEST(Seed003, ThePlatformsPackRunsGreenAndCoversItsClauses) {
  const auto [code, out] = tenantcheck("run --env compose/seed-003.yaml --reports '" + reports("run").string() + "'");
  ASSERT_EQ(code, 0) << out;
  auto record = tc::read_run_record(reports("run").string());
  ASSERT_TRUE(record.ok()) << record.error().to_string();
  std::set<std::string> cited;
  int passed = 0;
  for (const auto& c : record->cases) {
    EXPECT_EQ(c.outcome, "passed") << c.id() << "\n" << (c.failures.empty() ? "" : c.failures.front());
    EXPECT_EQ(c.id().rfind("platforms_seed_003", 0), 0u) << c.id() << ": only the platform's own pack runs";
    passed += c.outcome == "passed";
    cited.insert(c.requirements.begin(), c.requirements.end());
  }
  EXPECT_GE(passed, 18);
  for (const char* id : {"T1", "T2", "T3", "T4", "B2", "B3", "G4", "I1", "I2", "I3"}) EXPECT_TRUE(cited.count(id)) << id;

  // The requirements matrix gives every new clause a verdict.
  auto matrix = tc::load_document((reports("run") / "requirements.json").string());
  ASSERT_TRUE(matrix.ok()) << matrix.error().to_string();
  std::set<std::string> verdicts;
  for (const auto& clause : matrix->value["clauses"])
    if (clause["id"].get<std::string>().front() == 'T') {
      EXPECT_EQ(clause["verdict"], "passed") << clause.dump();
      verdicts.insert(clause["id"].get<std::string>());
    }
  EXPECT_EQ(verdicts, (std::set<std::string>{"T1", "T2", "T3", "T4"}));
}

TEST(Seed003, MutateKillsEveryFaultOfTheClausesThePackCites) {
  const auto [code, out] = tenantcheck("mutate --env compose/seed-003.yaml --jobs 2 --reports '" +
                                       reports("mutate").string() + "'", 600);
  EXPECT_EQ(code, 0) << out;
  auto doc = tc::load_document((reports("mutate") / "mutation.json").string());
  ASSERT_TRUE(doc.ok()) << doc.error().to_string() << "\n" << out;
  std::set<std::string> planned;
  for (const auto& r : doc->value["results"]) {
    EXPECT_EQ(r["verdict"], "killed") << r.dump();
    planned.insert(r["mutant"].get<std::string>());
  }
  for (const char* fault : {"gateway.path_tenant_checked_against_header_only", "gateway.tid_case_insensitive",
                            "gateway.rate_limit_shared_across_tenants", "gateway.rate_limit_ignores_negotiated",
                            "gateway.rate_limited_without_retry_after", "backend.put_not_idempotent",
                            "gateway.inactive_tenant_accepted", "authority.inactive_tenant_token_issued",
                            "backend.cross_tenant_read", "gateway.scope_unchecked"})
    EXPECT_TRUE(planned.count(fault)) << fault << "\n" << out;
  // Faults of clauses the pack does not cite are not planned: the console (A7) has no part in seed 003.
  EXPECT_FALSE(planned.count("authority.stateful_console_selection")) << out;
  EXPECT_EQ(doc->value["fault_free"]["verdict"], "passed") << out;
}
