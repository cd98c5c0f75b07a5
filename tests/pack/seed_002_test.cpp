// Seed 002's platform (compose/seed-002.yaml): plane-prefixed tenant ids, tenant administration
// within the tenant, a platform root no tenant admin reaches, platform operator and break-glass
// paths, an outbox of committed changes, and a production gateway that refuses the local issuer
// beside a development one — all
// declared as data in fixtures/seed-002/. Its own pack runs green, covers every clause it was
// written for, and `mutate` against that topology plans the faults of the clauses the pack cites
// and kills each.
#include "tenantcheck_cli.h"

namespace tc::pack_test {
namespace {

TEST(Seed002, ThePlatformsPackRunsGreenAndCoversItsClauses) {
  expect_platform_pack_green("compose/seed-002.yaml", reports_dir("seed-002", "run"), "platforms_seed_002", 12,
                             {"P1", "P2", "P3", "P4", "P5", "P6", "A8", "U1", "I1", "I2", "I3", "I4"},
                             {"P1", "P2", "P3", "P4", "P5", "P6"});
}

TEST(Seed002, MutateKillsEveryFaultOfTheClausesThePackCites) {
  // The pack cites no workspace clause (W) nor G1: their faults are not planned.
  expect_mutate_kills_all("compose/seed-002.yaml", reports_dir("seed-002", "mutate"),
                          {"gateway.unprefixed_tenant_accepted", "gateway.tenant_admin_any_tenant",
                           "gateway.member_changes_memberships", "gateway.tenant_admin_platform_root",
                           "gateway.break_glass_without_assurance", "gateway.break_glass_unaudited",
                           "gateway.local_issuer_in_production", "gateway.outbox_missing_on_change",
                           "gateway.outbox_before_authorization", "gateway.outbox_target_is_actor_tenant",
                           "gateway.outbox_unmasked", "backend.audit_without_correlation_id",
                           "authority.profile_ignores_tenant_layer"},
                          {"gateway.admin_groups_widen", "gateway.accept_expired_token"});
}

}  // namespace
}  // namespace tc::pack_test
