// Seed 001's platform (compose/seed-001.yaml): a console over tenants grouped in workspaces — a
// tenant panel that keeps its path's tenant, workspace-admin surfaces that resolve the active tenant
// from entitlement and then an explicit selection, explicit no-context outcomes, run details behind
// membership and entitlement read at each request, owners changing memberships — all declared as
// data in fixtures/seed-001/. Its own pack runs green, covers every clause it was written for, and
// `mutate` against that topology plans the faults of the clauses the pack cites and kills each.
#include "tenantcheck_cli.h"

namespace tc::pack_test {
namespace {

TEST(Seed001, ThePlatformsPackRunsGreenAndCoversItsClauses) {
  expect_platform_pack_green("compose/seed-001.yaml", reports_dir("seed-001", "run"), "platforms_seed_001", 17,
                             {"W1", "W2", "W3", "W4", "W5", "W6", "I1", "I2", "I3"}, {"W1", "W2", "W3", "W4", "W5", "W6"});
}

TEST(Seed001, MutateKillsEveryFaultOfTheClausesThePackCites) {
  // The pack cites no gateway clause of the reference beyond the invariants: G3's faults are not planned.
  expect_mutate_kills_all("compose/seed-001.yaml", reports_dir("seed-001", "mutate"),
                          {"gateway.panel_uses_remembered_tenant", "gateway.admin_remembered_wins",
                           "gateway.admin_unentitled_tenant_active", "gateway.admin_remembered_unchecked",
                           "gateway.admin_read_remembers", "gateway.select_unentitled_tenant",
                           "gateway.admin_operations_keep_filters", "gateway.admin_groups_widen",
                           "gateway.admin_search_tenant_owned", "gateway.admin_navigation_tenant_owned",
                           "gateway.admin_run_without_membership", "gateway.admin_run_without_entitlement",
                           "gateway.entitlement_from_token", "gateway.membership_changed_by_member"},
                          {"gateway.conflict_allowed", "gateway.oauth_state_unchecked"});
}

}  // namespace
}  // namespace tc::pack_test
