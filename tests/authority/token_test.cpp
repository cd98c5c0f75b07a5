// A4 token endpoint: client authentication, grant validation, scopes, refresh; A6 claims.
#include <gtest/gtest.h>

#include "authority_server.h"
#include "common/encoding.h"

namespace tc::test {
namespace {

TEST(AuthorityToken, ClaimsOfAPasswordGrant) {
  AuthorityServer server;
  const auto& p = server.profile();
  const auto r = server.password("bea");
  ASSERT_EQ(r.status, p.status("ok")) << r.body;
  EXPECT_EQ(r.headers.get(p.header("cache_control")).value_or(""), p.value("token_cache_control"));
  const json body = body_of(r);
  EXPECT_EQ(body["token_type"], p.value("token_type"));
  EXPECT_EQ(body["expires_in"], p.window("access_token_ttl_seconds"));
  EXPECT_TRUE(body.contains("refresh_token")) << "bea is granted offline_access";
  const json c = jwt_payload(body["access_token"]);
  EXPECT_EQ(c[p.claim("issuer")], server.url());
  EXPECT_EQ(c[p.claim("subject")], "user-bea");
  EXPECT_EQ(c[p.claim("audience")], p.value("default_audience"));
  EXPECT_EQ(c[p.claim("client_id")], "console");
  EXPECT_EQ(c[p.claim("scope")], body["scope"]);
  EXPECT_TRUE(c[p.claim("scope")].is_string());
  EXPECT_EQ(c["exp"].get<long long>() - c["iat"].get<long long>(), p.window("access_token_ttl_seconds"));
  EXPECT_EQ(c["nbf"], c["iat"]);
  EXPECT_FALSE(c["jti"].get<std::string>().empty());
  EXPECT_EQ(c[p.claim("tenant")], "tenant-alpha");
  EXPECT_EQ(c[p.claim("allowed_tenants")], json::array({"tenant-alpha", "tenant-bravo"}));
}

TEST(AuthorityToken, ScopesAreIntersectedOrChecked) {
  AuthorityServer server;
  const auto& p = server.profile();
  auto r = server.password("rex", std::nullopt, "platform.read");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["scope"], "platform.read");
  EXPECT_FALSE(body_of(r).contains("refresh_token")) << "no offline_access, no refresh token";
  r = server.password("rex", std::nullopt, "platform.read platform.write");
  EXPECT_EQ(r.status, p.status("oauth_error"));
  EXPECT_EQ(body_of(r)["error"], p.error("invalid_scope"));
  r = server.client_credentials("svc-ambiguous", "tenant-alpha");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["scope"], "platform.read scanner.read");
}

TEST(AuthorityToken, ConfidentialClientAuthenticatesByBasicOrPost) {
  AuthorityServer server;
  const auto& p = server.profile();
  EXPECT_EQ(server.client_credentials("svc-alpha").status, 200);
  const auto post = server.token({{"grant_type", "client_credentials"}, {"client_id", "svc-alpha"},
                                  {"client_secret", fixture_secret("svc-alpha")}});
  EXPECT_EQ(post.status, 200) << post.body;
  for (const auto& r : {server.token({{"grant_type", "client_credentials"}}, "svc-alpha", "wrong-secret"),
                        server.token({{"grant_type", "client_credentials"}, {"client_id", "svc-alpha"}}),
                        server.token({{"grant_type", "client_credentials"}}, "nobody", "x"),
                        server.token({{"grant_type", "client_credentials"}})}) {
    EXPECT_EQ(r.status, p.status("invalid_client")) << r.body;
    EXPECT_EQ(body_of(r)["error"], p.error("invalid_client"));
    EXPECT_EQ(r.headers.get(p.header("www_authenticate")).value_or("").rfind(p.value("basic_scheme") + " realm=", 0),
              0u);
  }
}

TEST(AuthorityToken, GrantTypeChecks) {
  AuthorityServer server;
  const auto& p = server.profile();
  auto r = server.token({{"client_id", "console"}});
  EXPECT_EQ(body_of(r)["error"], p.error("invalid_request"));
  r = server.token({{"grant_type", "urn:made:up"}, {"client_id", "console"}});
  EXPECT_EQ(body_of(r)["error"], p.error("unsupported_grant_type"));
  r = server.token({{"grant_type", "client_credentials"}, {"client_id", "console"}});
  EXPECT_EQ(body_of(r)["error"], p.error("unauthorized_client"));
  r = server.token({{"grant_type", "password"}, {"username", "ada"}, {"password", "ada-fixture-pw"}}, "svc-alpha",
                   fixture_secret("svc-alpha"));
  EXPECT_EQ(body_of(r)["error"], p.error("unauthorized_client"));
  r = server.token({{"grant_type", "password"}, {"client_id", "console"}, {"username", "ada"}, {"password", "nope"}});
  EXPECT_EQ(r.status, p.status("oauth_error"));
  EXPECT_EQ(body_of(r)["error"], p.error("invalid_grant"));
  EXPECT_EQ(body_of(r)["correlation_id"], r.headers.get(p.header("correlation_id")).value_or("?"));
  r = server.token({{"grant_type", "password"}, {"client_id", "console"}, {"username", "ada"}});
  EXPECT_EQ(body_of(r)["error"], p.error("invalid_request"));
}

std::string refresh_of(const HttpResponse& r) { return body_of(r).value("refresh_token", ""); }

TEST(AuthorityToken, RefreshKeepsTheOriginalSelection) {
  AuthorityServer server;
  const auto& p = server.profile();
  const auto first = server.password("bea", "tenant-bravo");
  ASSERT_EQ(first.status, 200) << first.body;
  const auto r = server.token({{"grant_type", "refresh_token"}, {"client_id", "console"},
                               {"refresh_token", refresh_of(first)}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json c = jwt_payload(body_of(r)["access_token"]);
  EXPECT_EQ(c[p.claim("tenant")], "tenant-bravo") << "not bea's default tenant-alpha";
  EXPECT_EQ(c[p.claim("allowed_tenants")], json::array({"tenant-alpha", "tenant-bravo"}));
}

TEST(AuthorityToken, RefreshWithATenantParameterSelectsAgain) {
  AuthorityServer server;
  const auto& p = server.profile();
  const auto first = server.password("cal", "tenant-alpha");
  ASSERT_EQ(first.status, 200) << first.body;
  auto r = server.token({{"grant_type", "refresh_token"}, {"client_id", "console"},
                         {"refresh_token", refresh_of(first)}, {"tenant", "tenant-bravo"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(jwt_payload(body_of(r)["access_token"])[p.claim("tenant")], "tenant-bravo");
  r = server.token({{"grant_type", "refresh_token"}, {"client_id", "console"}, {"refresh_token", refresh_of(first)},
                    {"tenant", "tenant-charlie"}});
  EXPECT_EQ(body_of(r)["error"], p.error("tenant_forbidden"));
}

TEST(AuthorityToken, RefreshChecks) {
  AuthorityServer server;
  const auto& p = server.profile();
  const auto first = server.password("ada", std::nullopt, "openid offline_access platform.read");
  ASSERT_EQ(first.status, 200) << first.body;
  auto r = server.token({{"grant_type", "refresh_token"}, {"client_id", "console"}, {"refresh_token", "unknown"}});
  EXPECT_EQ(body_of(r)["error"], p.error("invalid_grant"));
  r = server.token({{"grant_type", "refresh_token"}, {"client_id", "console"}, {"refresh_token", refresh_of(first)},
                    {"scope", "platform.write"}});
  EXPECT_EQ(body_of(r)["error"], p.error("invalid_scope")) << "a refresh cannot widen the scope";
  r = server.token({{"grant_type", "refresh_token"}, {"client_id", "console"}, {"refresh_token", refresh_of(first)},
                    {"scope", "platform.read"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["scope"], "platform.read");
}

}  // namespace
}  // namespace tc::test
