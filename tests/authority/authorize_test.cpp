// A3 authorize and the authorization_code grant of A4: PKCE end to end, single use, binding to
// client, redirect_uri and tenant; errors before the redirect target is trusted are never redirects.
#include <gtest/gtest.h>

#include "authority_server.h"

namespace tc::test {
namespace {

const char* kRedirect = "https://console.tenantcheck.test/callback";

struct CodeResult {
  std::string code, verifier;
};

CodeResult authorize_code(AuthorityServer& server, const std::string& user, std::optional<std::string> tenant = {}) {
  auto [verifier, challenge] = pkce_pair();
  Params extra = {{"login_hint", user}, {"code_challenge", challenge}, {"code_challenge_method", "S256"}};
  if (tenant) extra.emplace_back("tenant", *tenant);
  const auto r = server.authorize(extra);
  EXPECT_EQ(r.status, server.profile().status("redirect")) << r.body;
  const std::string location = r.headers.get(server.profile().header("location")).value_or("");
  EXPECT_EQ(location.rfind(std::string(kRedirect) + "?", 0), 0u) << location;
  EXPECT_EQ(url_param(location, "state").value_or(""), "st-1");
  return {url_param(location, "code").value_or(""), verifier};
}

HttpResponse redeem(AuthorityServer& server, const CodeResult& code, Params extra = {}) {
  Params form = {{"grant_type", "authorization_code"}, {"client_id", "console"}, {"code", code.code},
                 {"redirect_uri", kRedirect}, {"code_verifier", code.verifier}};
  for (const auto& [k, v] : extra) {
    bool replaced = false;
    for (auto& f : form)
      if (f.first == k) f.second = v, replaced = true;
    if (!replaced) form.emplace_back(k, v);
  }
  return server.token(form);
}

// The error of an error redirect (RFC 6749 §4.1.2.1), with state echoed.
std::string redirect_error(AuthorityServer& server, const HttpResponse& r) {
  EXPECT_EQ(r.status, server.profile().status("redirect")) << r.body;
  const std::string location = r.headers.get(server.profile().header("location")).value_or("");
  EXPECT_EQ(location.rfind(kRedirect, 0), 0u);
  EXPECT_FALSE(url_param(location, "code").has_value());
  EXPECT_EQ(url_param(location, "state").value_or(""), "st-1");
  return url_param(location, "error").value_or("");
}

TEST(AuthorityAuthorize, PkceFlowEndToEnd) {
  AuthorityServer server;
  const auto code = authorize_code(server, "ada");
  ASSERT_FALSE(code.code.empty());
  const auto r = redeem(server, code);
  ASSERT_EQ(r.status, 200) << r.body;
  const json claims = jwt_payload(body_of(r)["access_token"]);
  EXPECT_EQ(claims["sub"], "user-ada");
  EXPECT_EQ(claims[server.profile().claim("tenant")], "tenant-alpha");
  EXPECT_EQ(claims["client_id"], "console");
}

TEST(AuthorityAuthorize, WrongVerifierIsInvalidGrant) {
  AuthorityServer server;
  const auto code = authorize_code(server, "ada");
  const auto r = redeem(server, code, {{"code_verifier", "not-the-verifier-not-the-verifier-not-the-verifier"}});
  EXPECT_EQ(r.status, server.profile().status("oauth_error"));
  EXPECT_EQ(body_of(r)["error"], server.profile().error("invalid_grant"));
}

TEST(AuthorityAuthorize, ReplayedCodeIsInvalidGrant) {
  AuthorityServer server;
  const auto code = authorize_code(server, "ada");
  ASSERT_EQ(redeem(server, code).status, 200);
  const auto again = redeem(server, code);
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(body_of(again)["error"], server.profile().error("invalid_grant"));
}

TEST(AuthorityAuthorize, CodeIsBoundToRedirectUri) {
  AuthorityServer server;
  const auto code = authorize_code(server, "ada");
  const auto r = redeem(server, code, {{"redirect_uri", "https://console.tenantcheck.test/other"}});
  EXPECT_EQ(body_of(r)["error"], server.profile().error("invalid_grant"));
}

TEST(AuthorityAuthorize, UnknownRedirectUriIs400NeverARedirect) {
  AuthorityServer server;
  const auto& p = server.profile();
  const auto r = server.authorize({{"login_hint", "ada"}, {"redirect_uri", "https://evil.test/cb"},
                                   {"code_challenge", pkce_pair().second}, {"code_challenge_method", "S256"}});
  EXPECT_EQ(r.status, p.status("bad_request"));
  EXPECT_FALSE(r.headers.has(p.header("location")));
  EXPECT_EQ(body_of(r)["error"], p.error("invalid_request"));
  EXPECT_TRUE(body_of(r).contains("correlation_id"));
}

TEST(AuthorityAuthorize, UnknownClientIs400NeverARedirect) {
  AuthorityServer server;
  const auto& p = server.profile();
  const auto r = server.authorize({{"client_id", "nobody"}, {"login_hint", "ada"}});
  EXPECT_EQ(r.status, p.status("bad_request"));
  EXPECT_FALSE(r.headers.has(p.header("location")));
  EXPECT_EQ(body_of(r)["error"], p.error("invalid_client"));
}

TEST(AuthorityAuthorize, ErrorsAfterTheClientIsKnownAreRedirects) {
  AuthorityServer server;
  const auto& p = server.profile();
  const std::string challenge = pkce_pair().second;
  const Params pkce = {{"code_challenge", challenge}, {"code_challenge_method", "S256"}};
  auto with = [&](Params extra) {
    Params all = pkce;
    all.insert(all.end(), extra.begin(), extra.end());
    return server.authorize(all);
  };
  EXPECT_EQ(redirect_error(server, with({{"login_hint", "ada"}, {"response_type", "token"}})),
            p.error("unsupported_response_type"));
  EXPECT_EQ(redirect_error(server, server.authorize({{"login_hint", "ada"}})), p.error("invalid_request"))
      << "a public client must use PKCE";
  EXPECT_EQ(redirect_error(server, server.authorize({{"login_hint", "ada"}, {"code_challenge", challenge},
                                                     {"code_challenge_method", "plain"}})),
            p.error("invalid_request"));
  EXPECT_EQ(redirect_error(server, with({})), p.error("login_required"));
  EXPECT_EQ(redirect_error(server, with({{"login_hint", "nobody"}})), p.error("login_required"));
  EXPECT_EQ(redirect_error(server, with({{"login_hint", "rex"}, {"scope", "platform.write"}})),
            p.error("invalid_scope"));
  EXPECT_EQ(redirect_error(server, with({{"login_hint", "ada"}, {"tenant", "tenant-bravo"}})),
            p.error("tenant_forbidden"));
}

TEST(AuthorityAuthorize, AmbiguousUserIsNotRejectedAtAuthorizeButAtTheTokenEndpoint) {
  AuthorityServer server;
  const auto code = authorize_code(server, "cal");
  ASSERT_FALSE(code.code.empty());
  auto r = redeem(server, code);
  EXPECT_EQ(body_of(r)["error"], server.profile().error("tenant_ambiguous"));
  // The failed selection did not consume the code: naming a tenant redeems it.
  r = redeem(server, code, {{"tenant", "tenant-bravo"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(jwt_payload(body_of(r)["access_token"])[server.profile().claim("tenant")], "tenant-bravo");
}

TEST(AuthorityAuthorize, TenantIsBoundIntoTheCode) {
  AuthorityServer server;
  const auto& p = server.profile();
  const auto code = authorize_code(server, "cal", "tenant-bravo");
  const auto r = redeem(server, code);
  ASSERT_EQ(r.status, 200) << r.body;
  const json claims = jwt_payload(body_of(r)["access_token"]);
  EXPECT_EQ(claims[p.claim("tenant")], "tenant-bravo");
  EXPECT_EQ(claims[p.claim("allowed_tenants")], json::array({"tenant-alpha", "tenant-bravo"}));
}

TEST(AuthorityAuthorize, TenantDifferingFromTheBoundOneIsInvalidGrant) {
  AuthorityServer server;
  const auto code = authorize_code(server, "bea", "tenant-bravo");
  auto r = redeem(server, code, {{"tenant", "tenant-alpha"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body_of(r)["error"], server.profile().error("invalid_grant"));
  r = redeem(server, code, {{"tenant", "tenant-bravo"}});
  EXPECT_EQ(r.status, 200) << "the same tenant as the bound one is accepted";
}

TEST(AuthorityAuthorize, CodeOfAnotherClientIsInvalidGrant) {
  AuthorityServer server;
  const auto code = authorize_code(server, "ada");
  const auto r = server.token({{"grant_type", "authorization_code"}, {"code", code.code},
                               {"redirect_uri", kRedirect}, {"code_verifier", code.verifier}},
                              "svc-alpha", fixture_secret("svc-alpha"));
  // svc-alpha may not use the grant at all: unauthorized_client comes before the code is looked at.
  EXPECT_EQ(body_of(r)["error"], server.profile().error("unauthorized_client"));
}

}  // namespace
}  // namespace tc::test
