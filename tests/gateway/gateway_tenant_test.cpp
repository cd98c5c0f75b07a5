// G2 and G3 end to end: spoofed headers never reach a backend (asserted through the backend's echo),
// and every branch of tenant resolution answers as the contract says.
#include <fstream>

#include "stub_world.h"

namespace tc::testing {
namespace {

class GatewayTenant : public GatewayWorld {
 protected:
  void SetUp() override { gw_ = start_gateway(); }
  Reply echo(const std::string& who, std::vector<Headers::Entry> headers = {}) {
    headers.push_back(bearer(token_of(who)));
    return call("GET", gw_->url() + "/api/platform/_echo", headers);
  }
  Reply items(const std::string& who, std::vector<Headers::Entry> headers = {}, const std::string& path = "/api/platform/items") {
    headers.push_back(bearer(token_of(who)));
    return call("GET", gw_->url() + path, headers);
  }
  static void expect_error(const Reply& r, int status, const std::string& error) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.json_body().value("error", ""), error) << r.body;
  }
  static void expect_only_tenant(const Reply& echo, const std::string& tenant) {
    ASSERT_EQ(echo.status, 200) << echo.body;
    for (const char* name : {"X-StellaOps-Tenant", "X-Tenant-Id", "X-Tenant"})
      EXPECT_EQ(echoed(echo, name), std::vector<std::string>{tenant}) << name;
  }
  std::unique_ptr<ServedStub> gw_;
};

TEST_F(GatewayTenant, SpoofedTenantHeadersInAnyCaseAreReplaced) {
  expect_only_tenant(echo("ada", {{"x-stellaops-tenant", "tenant-alpha"}}), "tenant-alpha");
  expect_only_tenant(echo("ada", {{"X-STELLAOPS-TENANT", "tenant-alpha"}, {"x-tenant-id", "tenant-alpha"}}), "tenant-alpha");
}

TEST_F(GatewayTenant, RepeatedAndCommaJoinedValuesAreOneValue) {
  expect_only_tenant(echo("ada", {{"X-Tenant-Id", "tenant-alpha, tenant-alpha"}, {"X-Tenant-Id", "tenant-alpha"}}),
                     "tenant-alpha");
}

TEST_F(GatewayTenant, AliasOnlySelectsAndIsRewrittenEverywhere) {
  expect_only_tenant(echo("bea", {{"X-Tenant", "tenant-bravo"}}), "tenant-bravo");
}

TEST_F(GatewayTenant, ActorIdentitySignatureAndAuthorizationNeverForwarded) {
  auto e = echo("ada", {{"x-stellaops-actor", "root"}, {"X-STELLAOPS-ACTOR", "root"}, {"x-user-id", "root"},
                        {"X-Forwarded-User", "root"}, {"x-stellaops-context-signature", "t=1,v1=00"},
                        {"X-Custom-Header", "kept"}});
  ASSERT_EQ(e.status, 200) << e.body;
  EXPECT_EQ(echoed(e, "X-StellaOps-Actor"), std::vector<std::string>{"user-ada"});
  EXPECT_TRUE(echoed(e, "X-User-Id").empty());
  EXPECT_TRUE(echoed(e, "X-Forwarded-User").empty());
  EXPECT_TRUE(echoed(e, "Authorization").empty());
  EXPECT_EQ(echoed(e, "X-StellaOps-Context-Signature").size(), 1u);
  EXPECT_NE(echoed(e, "X-StellaOps-Context-Signature")[0], "t=1,v1=00");
  EXPECT_EQ(echoed(e, "X-Custom-Header"), std::vector<std::string>{"kept"});
}

TEST_F(GatewayTenant, InvalidValues) {
  expect_error(items("ada", {{"X-StellaOps-Tenant", "TENANT-ALPHA"}}), 400, "tenant_invalid");
  expect_error(items("ada", {{"X-Tenant", ""}}), 400, "tenant_invalid");
  expect_error(items("ada", {{"X-Tenant-Id", "tenant-alpha,"}}), 400, "tenant_invalid");
  expect_error(items("ada", {{"X-Tenant", "tenant_alpha"}}), 400, "tenant_invalid");
}

TEST_F(GatewayTenant, DistinctValuesConflict) {
  auto r = items("bea", {{"X-StellaOps-Tenant", "tenant-alpha"}, {"X-Tenant", "tenant-bravo"}, {"X-Correlation-Id", "cid-conflict"}});
  expect_error(r, 409, "tenant_conflict");
  auto records = gateway_audit(*gw_, "cid-conflict", "tenant.conflict");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["attempted_tenant"], json({"tenant-alpha", "tenant-bravo"}));
  EXPECT_EQ(records[0]["resolved_tenant"], "tenant-alpha");
  EXPECT_EQ(records[0]["reason"], "tenant_conflict");
}

TEST_F(GatewayTenant, AllowedTenantSelectsThatTenantsData) {
  auto r = items("bea", {{"X-StellaOps-Tenant", "tenant-bravo"}, {"X-Correlation-Id", "cid-select"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.get("X-StellaOps-Tenant"), "tenant-bravo");
  std::string dump = r.body;
  EXPECT_NE(dump.find("plat-bravo-1"), std::string::npos);
  EXPECT_EQ(dump.find("plat-alpha-1"), std::string::npos);
  auto records = gateway_audit(*gw_, "cid-select");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["event"], "tenant.selected");
  EXPECT_EQ(records[0]["outcome"], "allow");
  EXPECT_EQ(records[0]["attempted_tenant"], "tenant-bravo");
  EXPECT_EQ(records[0]["resolved_tenant"], "tenant-bravo");
  EXPECT_EQ(records[1]["event"], "request.forwarded");
  EXPECT_EQ(records[1]["status"], 200);
  EXPECT_EQ(records[1]["resolved_tenant"], "tenant-bravo");
  EXPECT_EQ(records[1]["actor"], json({{"sub", "user-bea"}, {"client_id", nullptr}, {"tenant", "tenant-alpha"}}));
  for (const char* field : {"ts", "component", "event", "outcome", "status", "correlation_id", "actor", "resolved_tenant",
                            "attempted_tenant", "target_tenant", "reason", "method", "path", "change_summary"})
    EXPECT_TRUE(records[1].contains(field)) << field;
}

TEST_F(GatewayTenant, OutsideEntitlementWithClaimIsOverrideRejected) {
  expect_error(items("ada", {{"X-Tenant-Id", "tenant-bravo"}, {"X-Correlation-Id", "cid-override"}}), 409, "tenant_conflict");
  auto records = gateway_audit(*gw_, "cid-override");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["event"], "tenant.override_rejected");
  EXPECT_EQ(records[0]["outcome"], "deny");
  EXPECT_EQ(records[0]["attempted_tenant"], "tenant-bravo");
  EXPECT_EQ(records[0]["resolved_tenant"], "tenant-alpha");
  EXPECT_TRUE(backend("platform").audit().query("cid-override", "").empty());
}

TEST_F(GatewayTenant, OutsideEntitlementWithoutClaimIsForbidden) {
  expect_error(items("dee", {{"X-StellaOps-Tenant", "tenant-alpha"}}), 403, "tenant_forbidden");
}

TEST_F(GatewayTenant, NoTenantAnywhere) {
  expect_error(items("dee", {{"X-Correlation-Id", "cid-missing"}}), 400, "tenant_missing");
  EXPECT_EQ(gateway_audit(*gw_, "cid-missing", "tenant.missing").size(), 1u);
  auto open = items("dee", {}, "/api/platform/status");
  EXPECT_EQ(open.status, 200) << open.body;
  EXPECT_FALSE(open.headers.has("X-StellaOps-Tenant"));
}

TEST_F(GatewayTenant, PathTenant) {
  auto own = items("ada", {}, "/v1/tenant-alpha/platform/items");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_NE(own.body.find("plat-alpha-1"), std::string::npos);
  expect_error(items("ada", {}, "/v1/tenant-bravo/platform/items"), 409, "tenant_conflict");
  auto allowed = items("bea", {}, "/v1/tenant-bravo/platform/items");
  ASSERT_EQ(allowed.status, 200) << allowed.body;
  EXPECT_NE(allowed.body.find("plat-bravo-1"), std::string::npos);
  expect_error(items("bea", {{"X-Tenant", "tenant-alpha"}}, "/v1/tenant-bravo/platform/items"), 409, "tenant_conflict");
  expect_error(items("ada", {}, "/v1/Tenant-Alpha/platform/items"), 400, "tenant_invalid");
}

TEST_F(GatewayTenant, StrictClaimMatchAcceptsOnlyTheClaimTenant) {
  std::ifstream in(std::string(TC_SOURCE_DIR) + "/fixtures/contracts/reference.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto at = text.find("strict_claim_match: false");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 25, "strict_claim_match: true ");
  std::string path = ::testing::TempDir() + "/strict-profile.yaml";
  std::ofstream(path) << text;
  auto strict = ContractProfile::load(path);
  ASSERT_TRUE(strict.ok()) << strict.error().to_string();
  auto gw = start_gateway({}, *strict);
  auto token = token_of("bea");
  auto r = call("GET", gw->url() + "/api/platform/items", {bearer(token), {"X-Tenant", "tenant-bravo"}});
  expect_error(r, 409, "tenant_conflict");
  EXPECT_EQ(call("GET", gw->url() + "/api/platform/items", {bearer(token), {"X-Tenant", "tenant-alpha"}}).status, 200);
}

}  // namespace
}  // namespace tc::testing
