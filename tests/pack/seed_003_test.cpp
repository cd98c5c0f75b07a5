// Seed 003's platform (compose/seed-003.yaml): stubs serving tenants in the path and the tid claim,
// tier rate limits, idempotent PUT and tenant lifecycle, all declared as data in fixtures/seed-003/.
// Its own pack, the one the topology names, runs green and covers every clause it was written for;
// and `mutate` against that topology plans the faults of the clauses the pack cites and kills each.
#include "tenantcheck_cli.h"

namespace tc::pack_test {
namespace {

TEST(Seed003, ThePlatformsPackRunsGreenAndCoversItsClauses) {
  expect_platform_pack_green("compose/seed-003.yaml", reports_dir("seed-003", "run"), "platforms_seed_003", 18,
                             {"T1", "T2", "T3", "T4", "B2", "B3", "G4", "I1", "I2", "I3"}, {"T1", "T2", "T3", "T4"});
}

TEST(Seed003, MutateKillsEveryFaultOfTheClausesThePackCites) {
  // The console (A7) has no part in seed 003: its faults are not planned.
  expect_mutate_kills_all("compose/seed-003.yaml", reports_dir("seed-003", "mutate"),
                          {"gateway.path_tenant_checked_against_header_only", "gateway.tid_case_insensitive",
                           "gateway.rate_limit_shared_across_tenants", "gateway.rate_limit_ignores_negotiated",
                           "gateway.rate_limited_without_retry_after", "backend.put_not_idempotent",
                           "gateway.inactive_tenant_accepted", "authority.inactive_tenant_token_issued",
                           "backend.cross_tenant_read", "gateway.scope_unchecked"},
                          {"authority.stateful_console_selection"});
}

}  // namespace
}  // namespace tc::pack_test
