// The gateway under seed 002's rules (fixtures/seed-002: plane-prefixed tenant ids, roles per tenant,
// platform-plane roles, a policy of who may administer what, break glass and its assurance, a local
// issuer, an outbox), in process over real sockets: every gateway fault of a P clause is probed here — the
// healthy gateway answers as the contract says, the faulty one otherwise.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "fault_probes.h"

namespace tc::testing {
namespace {

class GatewayPlanes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stubs_ = new PlatformStubs("seed-002", "apps"); }
  static void TearDownTestSuite() { delete stubs_; }
  static std::unique_ptr<ServedStub> start_gateway(std::vector<std::string> faults = {}) {
    return stubs_->start_gateway(std::move(faults));
  }

  // A token for a user of the fixtures in its one tenant, with `more` claims set last.
  static std::string token(const std::string& sub, const json& more = json::object()) {
    const User* user = stubs_->world.fixtures.user_by_sub(sub);
    EXPECT_TRUE(user) << sub;
    if (!user) return "";
    auto r = call("POST", stubs_->authority->url() + stubs_->world.profile.path("mint"), {{"Content-Type", "application/json"}},
                  json{{"sub", sub}, {"tenant", user->tenants.front()}, {"allowed_tenants", user->tenants}, {"claims", more}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json_body().value("access_token", "");
  }
  static Reply as(ServedStub& gw, const std::string& bearer, const std::string& method, const std::string& target,
                  const std::string& body = "") {
    std::vector<Headers::Entry> headers = {{"Authorization", "Bearer " + bearer}};
    if (!body.empty()) headers.push_back({"Content-Type", "application/json"});
    return call(method, gw.url() + target, headers, body);
  }
  static std::string status(const Reply& r) { return std::to_string(r.status); }
  static std::vector<json> records(ServedStub& gw, const Reply& r, const std::string& event) {
    auto got = call("GET", gw.url() + stubs_->world.profile.path("audit") + "?correlation_id=" +
                               r.headers.get("X-Correlation-Id").value_or("") + "&event=" + event);
    EXPECT_EQ(got.status, 200) << got.body;
    return got.json_body().value("records", std::vector<json>{});
  }

  // The outbox events the request `r` published (P6).
  static std::vector<json> published(ServedStub& gw, const Reply& r) {
    auto got = call("GET", gw.url() + stubs_->world.profile.path("outbox") + "?correlation_id=" +
                               r.headers.get("X-Correlation-Id").value_or(""));
    EXPECT_EQ(got.status, 200) << got.body;
    return got.json_body().value("records", std::vector<json>{});
  }

  static std::vector<FaultProbe> cases() {
    return {
        {"gateway.unprefixed_tenant_accepted", "400",
         [](ServedStub& gw) { return status(as(gw, token("usr-ada"), "GET", "/v1/tenants/coulomb/members")); }},
        {"gateway.tenant_admin_any_tenant", "404",
         [](ServedStub& gw) { return status(as(gw, token("usr-ada"), "GET", "/v1/tenants/tenant:volta/members")); }},
        {"gateway.member_changes_memberships", "403",
         [](ServedStub& gw) {
           return status(as(gw, token("usr-bob"), "PUT", "/v1/tenants/tenant:coulomb/members/usr-dan", R"({"role":"member"})"));
         }},
        {"gateway.tenant_admin_platform_root", "403",
         [](ServedStub& gw) { return status(as(gw, token("usr-ada"), "GET", "/v1/platform/policy")); }},
        {"gateway.break_glass_without_assurance", "403",
         [](ServedStub& gw) { return status(as(gw, token("usr-root"), "PUT", "/v1/platform/policy", R"({"mfa_required":true})")); }},
        {"gateway.break_glass_unaudited", "1",
         [](ServedStub& gw) {
           auto r = as(gw, token("usr-root", {{"acr", "aal2"}}), "PUT", "/v1/platform/policy", R"({"mfa_required":true})");
           EXPECT_EQ(r.status, 200) << r.body;
           return std::to_string(records(gw, r, "break_glass.used").size());
         }},
        {"gateway.outbox_missing_on_change", "1",
         [](ServedStub& gw) {
           auto r = as(gw, token("usr-ada"), "PUT", "/v1/tenants/tenant:coulomb/members/usr-fin", R"({"role":"member"})");
           EXPECT_EQ(r.status, 200) << r.body;
           return std::to_string(published(gw, r).size());
         }},
        {"gateway.outbox_before_authorization", "0",
         [](ServedStub& gw) {
           auto r = as(gw, token("usr-bob"), "DELETE", "/v1/tenants/tenant:coulomb/members/usr-fin");
           EXPECT_EQ(r.status, 403) << r.body;
           return std::to_string(published(gw, r).size());
         }},
        {"gateway.outbox_target_is_actor_tenant", "tenant:volta",
         [](ServedStub& gw) {
           auto r = as(gw, token("usr-ops"), "PUT", "/v1/tenants/tenant:volta/members/usr-eve", R"({"role":"member"})");
           auto events = published(gw, r);
           return events.size() == 1 ? events[0].value("target_tenant", "<none>") : "<" + std::to_string(events.size()) + " events>";
         }},
        {"gateway.outbox_unmasked", "***",
         [](ServedStub& gw) {
           auto r = as(gw, token("usr-root", {{"acr", "aal2"}}), "PUT", "/v1/platform/policy",
                       R"({"mfa_required":true,"recovery_secret":"planted-17"})");
           auto events = published(gw, r);
           return events.size() == 1 ? events[0]["change_summary"].value("recovery_secret", "<none>")
                                     : "<" + std::to_string(events.size()) + " events>";
         }},
        {"gateway.local_issuer_in_production", "401",
         [](ServedStub& gw) {
           auto r = call("POST", stubs_->authority->url() + stubs_->world.profile.path("mint"), {{"Content-Type", "application/json"}},
                         json{{"sub", "usr-ada"}, {"tenant", "tenant:coulomb"}, {"iss", stubs_->world.tenancy.local_issuer}}.dump());
           return status(as(gw, r.json_body().value("access_token", ""), "GET", "/v1/tenants/tenant:coulomb/applications"));
         }},
    };
  }

  static PlatformStubs* stubs_;
};

PlatformStubs* GatewayPlanes::stubs_ = nullptr;

TEST_F(GatewayPlanes, EveryGatewayFaultOfAPClauseHasAProbe) { expect_every_fault_probed(cases(), 'P'); }

TEST_F(GatewayPlanes, HealthyGatewayAnswersAsTheContractSays) {
  expect_healthy(start_gateway, cases());
}

TEST_F(GatewayPlanes, EachFaultBreaksItsClause) { expect_each_fault_breaks(start_gateway, cases()); }

// P4: the operator's path acts in every tenant plane; a break-glass write is recorded with its
// secret-looking field masked; P3: no platform role in a tenant plane, no tenant role in the platform's.
TEST_F(GatewayPlanes, OperatorAndBreakGlassPathsAndWhereRolesMayBeHeld) {
  auto gw = start_gateway();
  auto listed = as(*gw, token("usr-ops"), "GET", "/v1/tenants/tenant:volta/members");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json_body()["members"], (json::array({{{"user", "usr-eve"}, {"role", "member"}},
                                                          {{"user", "usr-vic"}, {"role", "tenant_admin"}}})));
  auto written = as(*gw, token("usr-root", {{"acr", json::array({"pwd", "aal3"})}}), "PUT", "/v1/platform/policy",
                    R"({"mfa_required":true,"recovery_secret":"planted-value"})");
  ASSERT_EQ(written.status, 200) << written.body;
  auto changed = records(*gw, written, "policy.changed");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0]["change_summary"]["recovery_secret"], stubs_->world.profile.value("masked"));
  EXPECT_EQ(changed[0]["target_tenant"], "tenant:platform");
  EXPECT_EQ(changed[0]["actor"]["tenant"], "tenant:platform");
  EXPECT_EQ(as(*gw, token("usr-ops"), "PUT", "/v1/tenants/tenant:volta/members/usr-eve", R"({"role":"break_glass"})").status, 400);
  EXPECT_EQ(as(*gw, token("usr-ops"), "PUT", "/v1/tenants/tenant:platform/members/usr-eve", R"({"role":"member"})").status, 400);
  EXPECT_EQ(as(*gw, token("usr-ops"), "PUT", "/v1/tenants/tenant:volta/members/usr-nobody", R"({"role":"member"})").status, 404);
  EXPECT_EQ(as(*gw, token("usr-ops"), "PUT", "/v1/tenants/tenant:volta/members/usr-eve", R"({"role":7})").status, 400);
  EXPECT_EQ(as(*gw, token("usr-ops"), "PUT", "/v1/tenants/tenant:volta/members/usr-eve", R"({"role":"superuser"})").status, 400)
      << "a role no policy names";
  EXPECT_EQ(as(*gw, token("usr-ops"), "GET", "/v1/tenants/tenant:nowhere/members").status, 404);
}

// P6: the outbox is queried as the audit is (GET only) and, given a file, appended to it as JSON
// lines, one event per committed change, the same events the query answers; reads publish nothing.
TEST_F(GatewayPlanes, TheOutboxIsQueriedLikeTheAuditAndKeptInItsFile) {
  const auto file = std::filesystem::temp_directory_path() / ("tc-outbox-" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(file);
  {
    auto gw = stubs_->start_gateway({}, file.string());
    const std::string outbox = stubs_->world.profile.path("outbox");
    EXPECT_EQ(call("POST", gw->url() + outbox, {{"Content-Type", "application/json"}}, "{}").status, 405);
    auto read = as(*gw, token("usr-ada"), "GET", "/v1/tenants/tenant:coulomb/members");
    EXPECT_EQ(read.status, 200) << read.body;
    EXPECT_TRUE(published(*gw, read).empty()) << "a read publishes nothing";
    auto change = as(*gw, token("usr-ada"), "DELETE", "/v1/tenants/tenant:coulomb/members/usr-fin");
    ASSERT_EQ(change.status, 200) << change.body;
    auto events = published(*gw, change);
    ASSERT_EQ(events.size(), 1u);
    for (const char* field : {"id", "ts", "component", "event", "correlation_id", "actor", "target_tenant", "change_summary"})
      EXPECT_TRUE(events[0].contains(field)) << field << " in " << events[0];
    EXPECT_EQ(events[0]["event"], "membership.changed");
    EXPECT_EQ(events[0]["actor"]["tenant"], "tenant:coulomb");
    std::ifstream in(file);
    std::string line, last;
    int lines = 0;
    while (std::getline(in, line)) ++lines, last = line;
    EXPECT_EQ(lines, 1);
    EXPECT_EQ(json::parse(last, nullptr, false), events[0]);
  }
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace tc::testing
