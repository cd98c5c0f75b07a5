// A10 test-only endpoints: off by default (404), and when enabled, tokens with chosen claims and
// lifetimes signed with the real key, further claims as given, revocation by jti.
#include <gtest/gtest.h>

#include "authority_server.h"
#include "common/jwt.h"

namespace tc::test {
namespace {

TEST(AuthorityMint, TestOnlyEndpointsAreNotFoundUnlessEnabled) {
  AuthorityServer server;
  const auto& p = server.profile();
  for (const char* key : {"mint", "revoke", "rotate"}) {
    const auto r = server.post_json(p.path(key), {{"sub", "user-ada"}});
    EXPECT_EQ(r.status, p.status("not_found")) << key;
    EXPECT_EQ(body_of(r)["error"], p.error("not_found")) << key;
  }
}

TEST(AuthorityMint, MintsChosenClaimsWithTheRealKey) {
  AuthorityServer server(with_mint());
  const auto& p = server.profile();
  const std::string token = server.mint({{"sub", "user-x"}, {"client_id", "console"}, {"tenant", "tenant-bravo"},
                                         {"allowed_tenants", {"tenant-bravo", "tenant-charlie"}},
                                         {"scope", "platform.read"}, {"exp_in", -120}, {"nbf_in", 30},
                                         {"iss", "https://other.test"}, {"aud", "other-api"}});
  const auto jwt = decode_jwt(token);
  ASSERT_TRUE(jwt.ok());
  EXPECT_EQ(verify_jwt_signature(*jwt, body_of(server.get(p.path("jwks")))), "");
  const json& c = jwt->payload;
  EXPECT_EQ(c[p.claim("subject")], "user-x");
  EXPECT_EQ(c[p.claim("client_id")], "console");
  EXPECT_EQ(c[p.claim("tenant")], "tenant-bravo");
  EXPECT_EQ(c[p.claim("allowed_tenants")], json::array({"tenant-bravo", "tenant-charlie"}));
  EXPECT_EQ(c[p.claim("scope")], "platform.read");
  EXPECT_EQ(c[p.claim("issuer")], "https://other.test");
  EXPECT_EQ(c[p.claim("audience")], "other-api");
  EXPECT_EQ(c["exp"].get<long long>() - c["iat"].get<long long>(), -120);
  EXPECT_EQ(c["nbf"].get<long long>() - c["iat"].get<long long>(), 30);
  EXPECT_NE(check_time_claims(c, c["iat"].get<long long>(), 60), "");
}

// Further claims (an assurance such as acr) are set last, over the standard ones; a `claims` that is
// not an object is the caller's mistake.
TEST(AuthorityMint, FurtherClaimsAreSetLast) {
  AuthorityServer server(with_mint());
  const auto& p = server.profile();
  json c = jwt_payload(server.mint({{"sub", "user-ada"}, {"claims", {{"acr", "aal2"}, {"amr", {"pwd", "otp"}}, {p.claim("subject"), "user-bo"}}}}));
  EXPECT_EQ(c["acr"], "aal2");
  EXPECT_EQ(c["amr"], json::array({"pwd", "otp"}));
  EXPECT_EQ(c[p.claim("subject")], "user-bo");
  EXPECT_EQ(server.post_json(p.path("mint"), {{"sub", "user-ada"}, {"claims", "acr=aal2"}}).status, p.status("bad_request"));
}

TEST(AuthorityMint, DefaultsAndNoTenant) {
  AuthorityServer server(with_mint());
  const auto& p = server.profile();
  json c = jwt_payload(server.mint({{"sub", "user-ada"}, {"tenant", nullptr}}));
  EXPECT_FALSE(c.contains(p.claim("tenant")));
  EXPECT_EQ(c[p.claim("issuer")], server.url());
  EXPECT_EQ(c[p.claim("audience")], p.value("default_audience"));
  EXPECT_EQ(c["exp"].get<long long>() - c["iat"].get<long long>(), p.window("access_token_ttl_seconds"));
  EXPECT_EQ(server.post_json(p.path("mint"), {{"tenant", "tenant-alpha"}}).status, p.status("bad_request"));
  EXPECT_EQ(server.post_json(p.path("mint"), json::array()).status, p.status("bad_request"));
  // A member of the wrong type is the caller's mistake (400), not the server's (500).
  EXPECT_EQ(server.post_json(p.path("mint"), {{"sub", "user-ada"}, {"client_id", 7}}).status, p.status("bad_request"));
}

}  // namespace
}  // namespace tc::test
