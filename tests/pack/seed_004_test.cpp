// Seed 004's platform (compose/seed-004.yaml): stubs naming the tenant by the request's host, with a
// placeholder tenant, the tenant echoed on every answer, sign-in through a central OAuth gateway and
// cookie sessions bound to their tenant host, all declared as data in fixtures/seed-004/. Its own
// pack runs green through the runner acting as a browser, covers every clause it was written for,
// and `mutate` against that topology plans the faults of the clauses the pack cites and kills each.
#include "tenantcheck_cli.h"

namespace tc::pack_test {
namespace {

TEST(Seed004, ThePlatformsPackRunsGreenAndCoversItsClauses) {
  expect_platform_pack_green("compose/seed-004.yaml", reports_dir("seed-004", "run"), "platforms_seed_004", 25,
                             {"H1", "H2", "H3", "H4", "H5", "G2", "B2", "I1", "I2", "I3"}, {"H1", "H2", "H3", "H4", "H5"});
}

TEST(Seed004, MutateKillsEveryFaultOfTheClausesThePackCites) {
  // Seed 004 has no path tenants (T1) and no console (A7): their faults are not planned.
  expect_mutate_kills_all("compose/seed-004.yaml", reports_dir("seed-004", "mutate"),
                          {"gateway.forwarded_host_from_any_caller", "gateway.host_before_origin",
                           "gateway.placeholder_reports_own_slug", "gateway.placeholder_serves_data",
                           "gateway.oauth_slug_lost", "gateway.oauth_state_unchecked", "gateway.session_any_tenant_host",
                           "gateway.session_payload_two_slugs", "gateway.forward_caller_tenant_header",
                           "gateway.strip_exact_case_only", "gateway.forward_caller_actor", "backend.cross_tenant_read"},
                          {"gateway.tid_case_insensitive", "authority.stateful_console_selection"});
}

}  // namespace
}  // namespace tc::pack_test
