// Each authority.* fault breaks exactly the clause it names: the same request a healthy Authority
// answers correctly (see the other tests of this folder) is answered wrongly with the fault on.
#include <set>

#include <gtest/gtest.h>

#include "authority_server.h"
#include "common/jwt.h"
#include "stubs/faults.h"

namespace tc::test {
namespace {

const char* kRedirect = "https://console.tenantcheck.test/callback";

// The names the tests below cover; the catalogue must not hold an authority fault without a test.
const std::set<std::string> kCovered = {
    "authority.discovery_without_s256",   "authority.token_without_kid",
    "authority.redirect_unknown_client",  "authority.tenant_not_bound_to_code",
    "authority.code_reusable",            "authority.pkce_unchecked",
    "authority.redirect_uri_unbound",
    "authority.refresh_reselects_tenant", "authority.first_tenant_when_ambiguous",
    "authority.unchecked_tenant_param",   "authority.no_allowed_tenants_claim",
    "authority.stateful_console_selection", "authority.console_header_unchecked",
    "authority.profile_ignores_tenant_layer", "authority.introspect_revoked_active",
    "authority.mint_ignores_lifetime",    "authority.audit_own_correlation_id",
    "authority.inactive_tenant_token_issued",
    "authority.tenant_param_case_insensitive", "authority.tenant_param_trimmed",
    "authority.allowed_tenants_dropped_with_param",
};

TEST(AuthorityFaults, EveryAuthorityFaultHasATest) {
  std::set<std::string> catalogue;
  for (const auto& f : stub::fault_catalogue())
    if (f.name.rfind("authority.", 0) == 0) catalogue.insert(f.name);
  EXPECT_EQ(catalogue, kCovered);
}

AuthorityOptions fault(const std::string& name) { return {{name}, true}; }

Headers bearer(const AuthorityServer& s, const std::string& token) {
  return with_header(s.profile().header("authorization"), "Bearer " + token);
}

// A code for `user` through the console client, with an optional bound tenant.
std::pair<std::string, std::string> code_for(AuthorityServer& s, const std::string& user,
                                             std::optional<std::string> tenant = {}) {
  auto [verifier, challenge] = pkce_pair();
  Params extra = {{"login_hint", user}, {"code_challenge", challenge}, {"code_challenge_method", "S256"}};
  if (tenant) extra.emplace_back("tenant", *tenant);
  const auto r = s.authorize(extra);
  return {url_param(r.headers.get(s.profile().header("location")).value_or(""), "code").value_or(""), verifier};
}

HttpResponse redeem(AuthorityServer& s, const std::string& code, const std::string& verifier, Params extra = {}) {
  Params form = {{"grant_type", "authorization_code"}, {"client_id", "console"}, {"code", code},
                 {"redirect_uri", kRedirect}, {"code_verifier", verifier}};
  form.insert(form.end(), extra.begin(), extra.end());
  return s.token(form);
}

TEST(AuthorityFaults, DiscoveryWithoutS256BreaksA1) {
  AuthorityServer s(fault("authority.discovery_without_s256"));
  const json d = body_of(s.get(s.profile().path("discovery")));
  EXPECT_EQ(std::count(d["code_challenge_methods_supported"].begin(), d["code_challenge_methods_supported"].end(),
                       s.profile().value("code_challenge_method")),
            0);
}

TEST(AuthorityFaults, TokenWithoutKidBreaksA2) {
  AuthorityServer s(fault("authority.token_without_kid"));
  const auto jwt = decode_jwt(s.access_token("ada"));
  ASSERT_TRUE(jwt.ok());
  EXPECT_FALSE(jwt->header.contains("kid"));
}

TEST(AuthorityFaults, RedirectUnknownClientBreaksA3) {
  AuthorityServer s(fault("authority.redirect_unknown_client"));
  const auto r = s.authorize({{"login_hint", "ada"}, {"redirect_uri", "https://evil.test/cb"}});
  EXPECT_EQ(r.status, s.profile().status("redirect"));
  EXPECT_EQ(r.headers.get(s.profile().header("location")).value_or("").rfind("https://evil.test/cb?", 0), 0u);
}

TEST(AuthorityFaults, TenantNotBoundToCodeBreaksA3) {
  AuthorityServer s(fault("authority.tenant_not_bound_to_code"));
  const auto [code, verifier] = code_for(s, "bea", "tenant-bravo");
  const auto r = redeem(s, code, verifier);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(jwt_payload(body_of(r)["access_token"])[s.profile().claim("tenant")], "tenant-alpha")
      << "the bound tenant-bravo was lost; the default was selected";
}

TEST(AuthorityFaults, CodeReusableBreaksA4) {
  AuthorityServer s(fault("authority.code_reusable"));
  const auto [code, verifier] = code_for(s, "ada");
  EXPECT_EQ(redeem(s, code, verifier).status, 200);
  EXPECT_EQ(redeem(s, code, verifier).status, 200);
}

TEST(AuthorityFaults, PkceUncheckedBreaksA4) {
  AuthorityServer s(fault("authority.pkce_unchecked"));
  const auto [code, verifier] = code_for(s, "ada");
  EXPECT_EQ(redeem(s, code, "an-entirely-different-verifier-of-enough-length-xyz").status, 200);
}

TEST(AuthorityFaults, RedirectUriUnboundBreaksA4) {
  for (const bool faulty : {false, true}) {
    AuthorityServer s(faulty ? fault("authority.redirect_uri_unbound") : AuthorityOptions{});
    const auto [code, verifier] = code_for(s, "ada");
    const auto r = s.token({{"grant_type", "authorization_code"}, {"client_id", "console"}, {"code", code},
                            {"redirect_uri", std::string(kRedirect) + "/elsewhere"}, {"code_verifier", verifier}});
    EXPECT_EQ(r.status, faulty ? 200 : 400) << r.body;
  }
}

TEST(AuthorityFaults, RefreshReselectsTenantBreaksA4) {
  AuthorityServer s(fault("authority.refresh_reselects_tenant"));
  const auto first = s.password("bea", "tenant-bravo");
  const auto r = s.token({{"grant_type", "refresh_token"}, {"client_id", "console"},
                          {"refresh_token", body_of(first).value("refresh_token", "")}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(jwt_payload(body_of(r)["access_token"])[s.profile().claim("tenant")], "tenant-alpha");
}

TEST(AuthorityFaults, FirstTenantWhenAmbiguousBreaksA5) {
  AuthorityServer s(fault("authority.first_tenant_when_ambiguous"));
  const auto r = s.password("cal");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(jwt_payload(body_of(r)["access_token"])[s.profile().claim("tenant")], "tenant-alpha");
  EXPECT_EQ(s.client_credentials("svc-ambiguous").status, 200);
}

TEST(AuthorityFaults, UncheckedTenantParamBreaksA5) {
  AuthorityServer s(fault("authority.unchecked_tenant_param"));
  const auto r = s.password("ada", "tenant-bravo");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(jwt_payload(body_of(r)["access_token"])[s.profile().claim("tenant")], "tenant-bravo");
}

// Tenant ids compare exactly (A5): another letter case or a padded id is not an assigned tenant.
TEST(AuthorityFaults, LooseTenantParamComparisonsBreakA5) {
  for (const auto& [name, asked] : {std::pair<std::string, std::string>{"authority.tenant_param_case_insensitive", "TENANT-BRAVO"},
                                    {"authority.tenant_param_trimmed", " tenant-bravo"}}) {
    EXPECT_EQ(AuthorityServer().password("bea", asked).status, 400) << asked;
    AuthorityServer s(fault(name));
    const auto r = s.password("bea", asked);
    ASSERT_EQ(r.status, 200) << name << ": " << r.body;
    EXPECT_EQ(jwt_payload(body_of(r)["access_token"])[s.profile().claim("tenant")], "tenant-bravo") << name;
  }
}

TEST(AuthorityFaults, AllowedTenantsDroppedWithParamBreaksA6) {
  const std::string claim = AuthorityServer().profile().claim("allowed_tenants");
  {
    AuthorityServer healthy;
    const auto r = healthy.password("bea", "tenant-bravo");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(jwt_payload(body_of(r)["access_token"]).contains(claim));
  }
  AuthorityServer s(fault("authority.allowed_tenants_dropped_with_param"));
  const auto r = s.password("bea", "tenant-bravo");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(jwt_payload(body_of(r)["access_token"]).contains(claim));
}

TEST(AuthorityFaults, NoAllowedTenantsClaimBreaksA6) {
  AuthorityServer s(fault("authority.no_allowed_tenants_claim"));
  EXPECT_FALSE(jwt_payload(s.access_token("bea")).contains(s.profile().claim("allowed_tenants")));
}

TEST(AuthorityFaults, StatefulConsoleSelectionBreaksA7) {
  AuthorityServer s(fault("authority.stateful_console_selection"));
  const auto& p = s.profile();
  const std::string token = s.access_token("bea");
  Headers h = bearer(s, token);
  h.add(p.header("tenant"), "tenant-bravo");
  ASSERT_EQ(s.get(p.path("console_tenants"), h).status, 200);
  EXPECT_EQ(body_of(s.get(p.path("console_tenants"), bearer(s, token)))["selectedTenant"], "tenant-bravo");
}

TEST(AuthorityFaults, ConsoleHeaderUncheckedBreaksA7) {
  AuthorityServer s(fault("authority.console_header_unchecked"));
  const auto& p = s.profile();
  Headers h = bearer(s, s.access_token("ada"));
  h.add(p.header("tenant"), "tenant-bravo");
  const auto r = s.get(p.path("console_tenants"), h);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["selectedTenant"], "tenant-bravo");
}

TEST(AuthorityFaults, ProfileIgnoresTenantLayerBreaksA8) {
  AuthorityServer s(fault("authority.profile_ignores_tenant_layer"));
  const auto& p = s.profile();
  Headers h = bearer(s, s.access_token("bea"));
  h.add(p.header("tenant"), "tenant-bravo");
  const json body = body_of(s.get(p.path("console_profile"), h));
  EXPECT_EQ(body["profile"]["theme"], "light");
  EXPECT_FALSE(body["profile"].contains("landingPage"));
}

TEST(AuthorityFaults, IntrospectRevokedActiveBreaksA9) {
  AuthorityServer s(fault("authority.introspect_revoked_active"));
  const auto& p = s.profile();
  const std::string token = s.access_token("ada");
  ASSERT_EQ(s.post_form(p.path("revoke"), {{"token", token}}).status, 200);
  const auto r = s.post_form(p.path("introspect"), {{"token", token}, {"client_id", "svc-alpha"},
                                                    {"client_secret", fixture_secret("svc-alpha")}});
  EXPECT_EQ(body_of(r)["active"], true) << r.body;
}

TEST(AuthorityFaults, MintIgnoresLifetimeBreaksA10) {
  AuthorityServer s(fault("authority.mint_ignores_lifetime"));
  const std::string expired = s.mint({{"sub", "user-ada"}, {"tenant", "tenant-alpha"}, {"exp_in", -3600}});
  EXPECT_EQ(check_time_claims(jwt_payload(expired), std::time(nullptr), 60), "");
  EXPECT_EQ(s.get(s.profile().path("console_tenants"), bearer(s, expired)).status, 200);
}

TEST(AuthorityFaults, AuditOwnCorrelationIdBreaksU2) {
  AuthorityServer s(fault("authority.audit_own_correlation_id"));
  const auto& p = s.profile();
  ASSERT_EQ(s.post_form(p.path("token"),
                        {{"grant_type", "password"}, {"client_id", "console"}, {"username", "ada"},
                         {"password", "ada-fixture-pw"}},
                        with_header(p.header("correlation_id"), "mine-1"))
                .status,
            200);
  EXPECT_TRUE(s.audit("mine-1").empty());
  EXPECT_FALSE(s.audit("").empty()) << "a record was written, under another id";
}

// Seed 003's world declares tenant lifecycle (fixtures/seed-003/tenancy.yaml): lou's tenant is locked.
HttpResponse seed003_password(AuthorityServer& s, const std::string& user) {
  const User* u = s.context().fixtures.user_by_username(user);
  return s.token({{"grant_type", "password"}, {"client_id", "web-app"}, {"username", user}, {"password", u ? u->password : ""}});
}

TEST(AuthorityFaults, InactiveTenantTokenIssuedBreaksT4) {
  AuthorityOptions seed003;
  seed003.fixtures = "fixtures/seed-003";
  seed003.profile = "fixtures/contracts/seed-003.yaml";
  {
    AuthorityServer healthy(seed003);
    const auto r = seed003_password(healthy, "lou@umbrella.test");
    EXPECT_EQ(r.status, healthy.profile().status("oauth_error")) << r.body;
    EXPECT_EQ(body_of(r).value("error", ""), healthy.profile().error("tenant_inactive")) << r.body;
    EXPECT_EQ(seed003_password(healthy, "ana@acme.test").status, healthy.profile().status("ok"));
  }
  seed003.faults = {"authority.inactive_tenant_token_issued"};
  AuthorityServer broken(seed003);
  const auto r = seed003_password(broken, "lou@umbrella.test");
  EXPECT_EQ(r.status, broken.profile().status("ok")) << r.body;
  EXPECT_EQ(jwt_payload(body_of(r).value("access_token", "")).value("tid", ""), "7972938e-715d-4cc2-9a18-4420b3b022dc");
}

}  // namespace
}  // namespace tc::test
