// A7 console tenants (per-request, stateless selection by tenant headers) and A8 console profile.
#include <gtest/gtest.h>

#include "authority_server.h"

namespace tc::test {
namespace {

class AuthorityConsole : public ::testing::Test {
 protected:
  AuthorityServer server{with_mint()};
  const ContractProfile& p = server.profile();

  Headers bearer(const std::string& token) { return with_header(p.header("authorization"), "Bearer " + token); }
  HttpResponse tenants(const std::string& token, Headers extra = {}) {
    Headers h = bearer(token);
    for (const auto& [k, v] : extra.entries()) h.add(k, v);
    return server.get(p.path("console_tenants"), h);
  }
};

TEST_F(AuthorityConsole, ListsTheEntitlementAndTheClaimTenant) {
  const auto r = tenants(server.access_token("bea"));
  ASSERT_EQ(r.status, 200) << r.body;
  const json body = body_of(r);
  EXPECT_EQ(body["tenants"], json::parse(R"([{"id":"tenant-alpha","displayName":"Alpha Industries"},
                                            {"id":"tenant-bravo","displayName":"Bravo Logistics"}])"));
  EXPECT_EQ(body["selectedTenant"], "tenant-alpha");
  const json none = body_of(tenants(server.access_token("dee")));
  EXPECT_EQ(none["tenants"], json::array());
  EXPECT_TRUE(none["selectedTenant"].is_null());
}

TEST_F(AuthorityConsole, SelectionIsPerRequestAndOrderIndependent) {
  const std::string token = server.access_token("bea");
  const std::string header = p.header("tenant");
  // Select bravo, then ask without a header: the claim tenant again, nothing was stored.
  EXPECT_EQ(body_of(tenants(token, with_header(header, "tenant-bravo")))["selectedTenant"], "tenant-bravo");
  EXPECT_EQ(body_of(tenants(token))["selectedTenant"], "tenant-alpha");
  EXPECT_EQ(body_of(tenants(token, with_header(header, "tenant-alpha")))["selectedTenant"], "tenant-alpha");
  EXPECT_EQ(body_of(tenants(token, with_header(header, "tenant-bravo")))["selectedTenant"], "tenant-bravo");
  EXPECT_EQ(body_of(tenants(token))["selectedTenant"], "tenant-alpha");
}

TEST_F(AuthorityConsole, AliasesAnyCaseRepeatsAndCommasCount) {
  const std::string token = server.access_token("bea");
  const auto aliases = p.header_list("tenant_aliases");
  ASSERT_FALSE(aliases.empty());
  EXPECT_EQ(body_of(tenants(token, with_header(to_lower(aliases[0]), "tenant-bravo")))["selectedTenant"],
            "tenant-bravo");
  Headers agreeing = with_header(p.header("tenant"), "tenant-bravo, tenant-bravo");
  agreeing.add(aliases.back(), " tenant-bravo ");
  EXPECT_EQ(body_of(tenants(token, agreeing))["selectedTenant"], "tenant-bravo");

  Headers conflict = with_header(p.header("tenant"), "tenant-alpha");
  conflict.add(aliases[0], "tenant-bravo");
  auto r = tenants(token, conflict);
  EXPECT_EQ(r.status, p.status("tenant_conflict"));
  EXPECT_EQ(body_of(r)["error"], p.error("tenant_conflict"));
  r = tenants(token, with_header(p.header("tenant"), "tenant-alpha,tenant-bravo"));
  EXPECT_EQ(r.status, p.status("tenant_conflict"));
}

TEST_F(AuthorityConsole, BadHeaderValues) {
  const std::string token = server.access_token("bea");
  for (const std::string bad : {"", "Tenant-Bravo", "tenant_bravo", "tenant-alpha,"}) {
    const auto r = tenants(token, with_header(p.header("tenant"), bad));
    EXPECT_EQ(r.status, p.status("tenant_invalid")) << "'" << bad << "'";
    EXPECT_EQ(body_of(r)["error"], p.error("tenant_invalid"));
  }
  const auto r = tenants(token, with_header(p.header("tenant"), "tenant-charlie"));
  EXPECT_EQ(r.status, p.status("tenant_forbidden"));
  EXPECT_EQ(body_of(r)["error"], p.error("tenant_forbidden"));
  EXPECT_EQ(tenants(server.access_token("ada"), with_header(p.header("tenant"), "tenant-bravo")).status,
            p.status("tenant_forbidden"));
}

TEST_F(AuthorityConsole, RejectsMissingExpiredRevokedAndForeignTokens) {
  auto check_401 = [&](const HttpResponse& r, const std::string& what) {
    EXPECT_EQ(r.status, p.status("invalid_token")) << what << ": " << r.body;
    EXPECT_EQ(body_of(r)["error"], p.error("invalid_token")) << what;
    EXPECT_EQ(r.headers.get(p.header("www_authenticate")).value_or(""),
              p.value("bearer_scheme") + " error=\"" + p.error("invalid_token") + "\"")
        << what;
  };
  check_401(server.get(p.path("console_tenants")), "no token");
  check_401(tenants("not.a.jwt"), "malformed");
  check_401(tenants(server.mint({{"sub", "user-bea"}, {"tenant", "tenant-alpha"}, {"exp_in", -3600}})), "expired");
  check_401(tenants(server.mint({{"sub", "user-bea"}, {"nbf_in", 3600}})), "not yet valid");
  const std::string revoked = server.access_token("bea");
  ASSERT_EQ(server.post_form(p.path("revoke"), {{"token", revoked}}).status, 200);
  check_401(tenants(revoked), "revoked");
  AuthorityServer other;
  check_401(tenants(other.access_token("bea")), "issued by another authority");
  // Within the leeway an expired token is still accepted.
  EXPECT_EQ(tenants(server.mint({{"sub", "user-bea"}, {"exp_in", -10}})).status, 200);
}

TEST_F(AuthorityConsole, ProfileLayersTheSelectedTenantOverTheGlobalKeys) {
  const std::string token = server.access_token("bea");
  auto r = server.get(p.path("console_profile"), bearer(token));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r), json::parse(R"({"sub":"user-bea","tenant":"tenant-alpha","profile":
      {"displayName":"Bea Example","locale":"en-GB","theme":"light","density":"comfortable"}})"));
  Headers h = bearer(token);
  h.add(p.header("tenant"), "tenant-bravo");
  r = server.get(p.path("console_profile"), h);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r), json::parse(R"({"sub":"user-bea","tenant":"tenant-bravo","profile":
      {"displayName":"Bea Example","locale":"en-GB","theme":"dark","density":"comfortable","landingPage":"/scans"}})"));
  h = bearer(token);
  h.add(p.header("tenant"), "tenant-charlie");
  EXPECT_EQ(server.get(p.path("console_profile"), h).status, p.status("tenant_forbidden"));
}

}  // namespace
}  // namespace tc::test
