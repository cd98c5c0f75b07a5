// A1 discovery, A2 JWKS and key rotation, E1 correlation id on every answer.
#include <gtest/gtest.h>

#include "authority_server.h"
#include "common/jwt.h"

namespace tc::test {
namespace {

TEST(AuthorityDiscovery, NamesEveryEndpointAndS256) {
  AuthorityServer server;
  const auto& p = server.profile();
  const auto r = server.get(p.path("discovery"));
  ASSERT_EQ(r.status, p.status("ok"));
  const json d = body_of(r);
  EXPECT_EQ(d["issuer"], server.url());
  EXPECT_EQ(d["authorization_endpoint"], server.url() + p.path("authorize"));
  EXPECT_EQ(d["token_endpoint"], server.url() + p.path("token"));
  EXPECT_EQ(d["jwks_uri"], server.url() + p.path("jwks"));
  EXPECT_EQ(d["introspection_endpoint"], server.url() + p.path("introspect"));
  EXPECT_EQ(d["code_challenge_methods_supported"], json::array({p.value("code_challenge_method")}));
  EXPECT_EQ(d["response_types_supported"], json::array({"code"}));
  for (const char* grant : {"authorization_code", "password", "client_credentials", "refresh_token"})
    EXPECT_NE(std::find(d["grant_types_supported"].begin(), d["grant_types_supported"].end(), grant),
              d["grant_types_supported"].end())
        << grant;
  EXPECT_TRUE(r.headers.has(p.header("correlation_id")));
}

TEST(AuthorityDiscovery, EchoesAValidCorrelationIdAndReplacesAnInvalidOne) {
  AuthorityServer server;
  const auto& p = server.profile();
  auto r = server.get(p.path("discovery"), with_header(p.header("correlation_id"), "corr-abc.1"));
  EXPECT_EQ(r.headers.get(p.header("correlation_id")).value_or(""), "corr-abc.1");
  r = server.get(p.path("discovery"), with_header(p.header("correlation_id"), "bad id with spaces"));
  ASSERT_TRUE(r.headers.has(p.header("correlation_id")));
  EXPECT_NE(*r.headers.get(p.header("correlation_id")), "bad id with spaces");
}

TEST(AuthorityDiscovery, UnknownPathIsNotFoundEnvelopeAndWrongMethodIs405) {
  AuthorityServer server;
  const auto& p = server.profile();
  auto r = server.get("/no/such/path", with_header(p.header("correlation_id"), "c-404"));
  EXPECT_EQ(r.status, p.status("not_found"));
  EXPECT_EQ(body_of(r)["error"], p.error("not_found"));
  EXPECT_EQ(body_of(r)["correlation_id"], "c-404");
  r = server.get(p.path("token"));
  EXPECT_EQ(r.status, p.status("method_not_allowed"));
}

TEST(AuthorityJwks, PublishesRs256KeysThatVerifyIssuedTokens) {
  AuthorityServer server;
  const auto& p = server.profile();
  const json jwks = body_of(server.get(p.path("jwks")));
  ASSERT_EQ(jwks["keys"].size(), 1u);
  const json& key = jwks["keys"][0];
  EXPECT_EQ(key["kty"], "RSA");
  EXPECT_EQ(key["alg"], "RS256");
  EXPECT_EQ(key["use"], "sig");
  EXPECT_EQ(key["kid"].get<std::string>().rfind("k1-", 0), 0u);
  EXPECT_FALSE(key.contains("d")) << "the JWKS must not publish the private exponent";

  const auto jwt = decode_jwt(server.access_token("ada"));
  ASSERT_TRUE(jwt.ok());
  EXPECT_EQ(jwt->header["alg"], "RS256");
  EXPECT_EQ(jwt->header["kid"], key["kid"]);
  EXPECT_EQ(verify_jwt_signature(*jwt, jwks), "");
}

TEST(AuthorityJwks, RotationSignsWithTheNewKeyAndKeepsOldTokensValid) {
  AuthorityServer server(with_mint());
  const auto& p = server.profile();
  const std::string before = server.access_token("ada");
  const auto rotated = server.post_form(p.path("rotate"), {});
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const std::string new_kid = body_of(rotated)["kid"];
  const std::string after = server.access_token("ada");

  const json jwks = body_of(server.get(p.path("jwks")));
  ASSERT_EQ(jwks["keys"].size(), 2u);
  const auto old_jwt = decode_jwt(before);
  const auto new_jwt = decode_jwt(after);
  ASSERT_TRUE(old_jwt.ok() && new_jwt.ok());
  EXPECT_EQ(new_jwt->header["kid"], new_kid);
  EXPECT_NE(old_jwt->header["kid"], new_kid);
  EXPECT_EQ(verify_jwt_signature(*old_jwt, jwks), "");
  EXPECT_EQ(verify_jwt_signature(*new_jwt, jwks), "");
  // The old token is still accepted where the Authority itself checks tokens (A7).
  EXPECT_EQ(server.get(p.path("console_tenants"), with_header(p.header("authorization"), "Bearer " + before)).status,
            200);
}

}  // namespace
}  // namespace tc::test
