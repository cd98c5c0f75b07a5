// The gateway under seed 001's rules (fixtures/seed-001: tenants grouped in workspaces, a tenant
// panel, workspace-admin surfaces with a remembered selection and explicit no-context answers,
// memberships that change during a run), in process over real sockets: every gateway fault of a W
// clause is probed here — the healthy gateway answers as the contract says, the faulty one otherwise.
#include <functional>
#include <set>

#include "fault_probes.h"

namespace tc::testing {
namespace {

class GatewayWorkspaces : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stubs_ = new PlatformStubs("seed-001", "groups"); }
  static void TearDownTestSuite() { delete stubs_; }
  static std::unique_ptr<ServedStub> start_gateway(std::vector<std::string> faults = {}) {
    return stubs_->start_gateway(std::move(faults));
  }

  // A token for a user of the fixtures, its allowed tenants the user's tenants when the run started.
  static std::string token(const std::string& sub) {
    const User* user = stubs_->world.fixtures.user_by_sub(sub);
    EXPECT_TRUE(user) << sub;
    if (!user) return "";
    auto r = call("POST", stubs_->authority->url() + stubs_->world.profile.path("mint"), {{"Content-Type", "application/json"}},
                  json{{"sub", sub}, {"tenant", user->default_tenant}, {"allowed_tenants", user->tenants}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json_body().value("access_token", "");
  }
  static Reply as(ServedStub& gw, const std::string& sub, const std::string& method, const std::string& target,
                  const std::string& body = "") {
    std::vector<Headers::Entry> headers = {{"Authorization", "Bearer " + token(sub)}};
    if (!body.empty()) headers.push_back({"Content-Type", "application/json"});
    return call(method, gw.url() + target, headers, body);
  }
  static std::string scope(ServedStub& gw, const std::string& sub, const std::string& query = "") {
    return as(gw, sub, "GET", "/admin/operations" + query).json_body().value("scope", "<none>");
  }
  static void select(ServedStub& gw, const std::string& sub, const std::string& tenant) {
    EXPECT_EQ(as(gw, sub, "POST", "/admin/select-tenant", json{{"tenant", tenant}}.dump()).status, 200) << sub;
  }
  static std::string status(const Reply& r) { return std::to_string(r.status); }

  // Each probe that changes state has a user of its own, so the probes can share one gateway.
  static std::vector<FaultProbe> cases() {
    return {
        {"gateway.panel_uses_remembered_tenant", "contoso-eu",
         [](ServedStub& gw) {
           select(gw, "usr-ravi", "contoso-us");
           auto items = as(gw, "usr-ravi", "GET", "/tenant/contoso-eu/entra-groups").json_body().value("items", json::array());
           return items.empty() ? std::string("<none>") : items[0].value("tenant", "");
         }},
        {"gateway.admin_remembered_wins", "contoso-eu",
         [](ServedStub& gw) {
           select(gw, "usr-rita", "contoso-us");
           return scope(gw, "usr-rita", "?tenant=contoso-eu");
         }},
        {"gateway.admin_unentitled_tenant_active", "All tenants",
         [](ServedStub& gw) { return scope(gw, "usr-eli", "?tenant=contoso-us"); }},
        {"gateway.admin_remembered_unchecked", "All tenants",
         [](ServedStub& gw) {
           select(gw, "usr-kim", "contoso-us");
           EXPECT_EQ(as(gw, "usr-olivia", "DELETE", "/admin/tenants/contoso-us/members/usr-kim").status, 200);
           return scope(gw, "usr-kim");
         }},
        {"gateway.admin_read_remembers", "All tenants",
         [](ServedStub& gw) {
           EXPECT_EQ(scope(gw, "usr-olivia", "?tenant=contoso-us"), "contoso-us");
           return scope(gw, "usr-olivia");
         }},
        {"gateway.select_unentitled_tenant", "404",
         [](ServedStub& gw) { return status(as(gw, "usr-eli", "POST", "/admin/select-tenant", R"({"tenant":"contoso-us"})")); }},
        {"gateway.admin_operations_keep_filters", "cleared",
         [](ServedStub& gw) {
           auto body = as(gw, "usr-olivia", "GET", "/admin/operations").json_body();
           return body.contains("filters") && body["filters"].contains("tenant") ? "filtered" : body.contains("kpis") ? "kpis" : "cleared";
         }},
        {"gateway.admin_groups_widen", "404", [](ServedStub& gw) { return status(as(gw, "usr-olivia", "GET", "/admin/entra-groups")); }},
        {"gateway.admin_search_tenant_owned", "0",
         [](ServedStub& gw) {
           return std::to_string(as(gw, "usr-olivia", "GET", "/admin/search?q=helpdesk").json_body().value("results", json::array()).size());
         }},
        {"gateway.admin_navigation_tenant_owned", "absent",
         [](ServedStub& gw) {
           auto entries = as(gw, "usr-olivia", "GET", "/admin/navigation").json_body().value("navigation", json::array());
           for (const auto& e : entries)
             if (e == "Entra groups") return "listed";
           return "absent";
         }},
        {"gateway.admin_run_without_membership", "404",
         [](ServedStub& gw) { return status(as(gw, "usr-gus", "GET", "/admin/operations/run-eu-1")); }},
        {"gateway.admin_run_without_entitlement", "404",
         [](ServedStub& gw) { return status(as(gw, "usr-eli", "GET", "/admin/operations/run-us-1")); }},
        {"gateway.entitlement_from_token", "403",
         [](ServedStub& gw) {
           const std::string earlier = token("usr-kim");
           EXPECT_EQ(as(gw, "usr-olivia", "DELETE", "/admin/tenants/contoso-us/members/usr-kim").status, 200);
           return status(call("GET", gw.url() + "/tenant/contoso-us/entra-groups", {{"Authorization", "Bearer " + earlier}}));
         }},
        {"gateway.membership_changed_by_member", "403",
         [](ServedStub& gw) { return status(as(gw, "usr-eli", "PUT", "/admin/tenants/contoso-us/members/usr-eli")); }},
    };
  }

  static PlatformStubs* stubs_;
};

PlatformStubs* GatewayWorkspaces::stubs_ = nullptr;

TEST_F(GatewayWorkspaces, EveryGatewayFaultOfAWClauseHasAProbe) { expect_every_fault_probed(cases(), 'W'); }

TEST_F(GatewayWorkspaces, HealthyGatewayAnswersAsTheContractSays) {
  expect_healthy(start_gateway, cases());
}

TEST_F(GatewayWorkspaces, EachFaultBreaksItsClause) { expect_each_fault_breaks(start_gateway, cases()); }

// W6: an owner's changes are answered with the state after them and recorded with what changed.
TEST_F(GatewayWorkspaces, AnOwnersChangeIsAnsweredAndRecordedWithItsSummary) {
  auto gw = start_gateway();
  auto r = as(*gw, "usr-olivia", "DELETE", "/admin/tenants/contoso-us/members/usr-rita");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json_body()["tenants"], json::array({"contoso-eu"}));
  auto again = as(*gw, "usr-olivia", "DELETE", "/admin/tenants/contoso-us/members/usr-rita");
  EXPECT_EQ(again.status, 200) << "a removal is idempotent";
  auto records = call("GET", gw->url() + stubs_->world.profile.path("audit") + "?correlation_id=" + r.headers.get("X-Correlation-Id").value_or(""));
  ASSERT_EQ(records.status, 200) << records.body;
  bool seen = false;
  for (const auto& rec : records.json_body().value("records", json::array()))
    if (rec.value("event", "") == "workspace.membership_changed") {
      seen = true;
      EXPECT_EQ(rec["target_tenant"], "contoso-us");
      EXPECT_EQ(rec["change_summary"], (json{{"user", "usr-rita"}, {"before", true}, {"after", false}}));
    }
  EXPECT_TRUE(seen) << records.body;
  EXPECT_EQ(as(*gw, "usr-olivia", "PUT", "/admin/workspaces/ws-contoso/members/usr-fay").status, 400)
      << "a member of another workspace cannot be added";
  EXPECT_EQ(as(*gw, "usr-olivia", "PUT", "/admin/workspaces/ws-contoso/members/usr-gus", R"({"role":"root"})").status, 400);
  EXPECT_EQ(as(*gw, "usr-olivia", "PUT", "/admin/tenants/contoso-us/members/usr-nobody").status, 404);
}

// W6: a role-less PUT keeps a member's role (an owner is not demoted by it) and makes a newcomer a
// member; a role that is not a string is refused, not read as `member`.
TEST_F(GatewayWorkspaces, ARoleIsKeptWhenNoneIsGivenAndRefusedWhenMalformed) {
  auto gw = start_gateway();
  const std::string path = "/admin/workspaces/ws-contoso/members/";
  auto kept = as(*gw, "usr-olivia", "PUT", path + "usr-olivia");
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(kept.json_body()["role"], "owner");
  auto newcomer = as(*gw, "usr-olivia", "PUT", path + "usr-gus");
  ASSERT_EQ(newcomer.status, 200) << newcomer.body;
  EXPECT_EQ(newcomer.json_body()["role"], "member");
  for (const std::string body : {R"({"role":7})", R"({"role":null})", R"({"role":["owner"]})", R"({"role":""})"})
    EXPECT_EQ(as(*gw, "usr-olivia", "PUT", path + "usr-eli", body).status, 400) << body;
  EXPECT_EQ(as(*gw, "usr-olivia", "PUT", path + "usr-eli").json_body()["role"], "member") << "refusals changed nothing";
  EXPECT_EQ(as(*gw, "usr-olivia", "POST", "/admin/select-tenant", R"({"tenant":7})").status, 400);
}

// W5: a user in no workspace asking for a run of a tenant in no workspace is no member of the run's
// workspace: "neither is in one" is not "both are in the same one".
TEST_F(GatewayWorkspaces, ARunOfATenantInNoWorkspaceIsNotFoundForAUserInNone) {
  auto gw = start_gateway();
  auto r = as(*gw, "usr-gus", "GET", "/admin/operations/run-nw-1");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(as(*gw, "usr-gus", "GET", "/tenant/northwind/navigation").status, 200) << "the entitlement itself holds (W1)";
}

}  // namespace
}  // namespace tc::testing
