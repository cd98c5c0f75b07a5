// G1 end to end: every way a token can be refused, over real sockets, plus E1 on the answers.
#include <regex>

#include "common/jwt.h"
#include "stub_world.h"

namespace tc::testing {
namespace {

class GatewayAuthn : public GatewayWorld {
 protected:
  void SetUp() override { gw_ = start_gateway(); }
  std::string items() const { return gw_->url() + "/api/platform/items"; }
  static json claims_of(const std::string& token) { return decode_jwt(token)->payload; }
  void expect_invalid_token(const std::string& token, const std::string& why) {
    auto r = call("GET", items(), {bearer(token), {"X-Correlation-Id", "cid-g1"}});
    EXPECT_EQ(r.status, 401) << why;
    auto challenge = r.headers.get("WWW-Authenticate").value_or("");
    EXPECT_EQ(challenge.rfind("Bearer error=\"invalid_token\", error_description=\"", 0), 0u) << why << ": " << challenge;
    EXPECT_EQ(r.json_body().value("error", ""), "invalid_token") << why;
    EXPECT_EQ(r.json_body().value("correlation_id", ""), "cid-g1") << why;
    EXPECT_EQ(r.headers.get("X-Correlation-Id"), "cid-g1") << why;
  }
  std::unique_ptr<ServedStub> gw_;
};

TEST_F(GatewayAuthn, NoTokenIsUnauthenticatedWithBareChallenge) {
  for (std::vector<Headers::Entry> headers :
       {std::vector<Headers::Entry>{}, {{"Authorization", "Basic dXNlcjpwdw=="}}, {{"Authorization", "Bearer "}}}) {
    auto r = call("GET", items(), headers);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.headers.get("WWW-Authenticate"), "Bearer");
    EXPECT_EQ(r.json_body().value("error", ""), "unauthenticated");
    EXPECT_TRUE(r.headers.has("X-Correlation-Id"));
    EXPECT_EQ(r.json_body().value("correlation_id", ""), r.headers.get("X-Correlation-Id").value_or("?"));
  }
}

TEST_F(GatewayAuthn, ValidTokenAnySchemeCase) {
  auto token = token_of("ada");
  EXPECT_EQ(call("GET", items(), {bearer(token)}).status, 200);
  EXPECT_EQ(call("GET", items(), {{"Authorization", "bearer " + token}}).status, 200);
  EXPECT_EQ(call("GET", items(), {{"authorization", "BEARER " + token}}).status, 200);
}

TEST_F(GatewayAuthn, ExpiredAndNotYetValidOutsideLeeway) {
  expect_invalid_token(mint({{"sub", "user-ada"}, {"tenant", "tenant-alpha"}, {"exp_in", -120}}), "expired");
  expect_invalid_token(mint({{"sub", "user-ada"}, {"tenant", "tenant-alpha"}, {"nbf_in", 120}}), "nbf");
}

TEST_F(GatewayAuthn, WithinLeewayIsAccepted) {
  EXPECT_EQ(call("GET", items(), {bearer(mint({{"sub", "user-ada"}, {"tenant", "tenant-alpha"}, {"exp_in", -20}}))}).status, 200);
  EXPECT_EQ(call("GET", items(), {bearer(mint({{"sub", "user-ada"}, {"tenant", "tenant-alpha"}, {"nbf_in", 20}}))}).status, 200);
}

TEST_F(GatewayAuthn, WrongIssuerOrAudience) {
  expect_invalid_token(mint({{"sub", "user-ada"}, {"tenant", "tenant-alpha"}, {"iss", "https://evil.test"}}), "iss");
  expect_invalid_token(mint({{"sub", "user-ada"}, {"tenant", "tenant-alpha"}, {"aud", "other-api"}}), "aud");
  expect_invalid_token(mint({{"sub", "user-ada"}, {"tenant", "tenant-alpha"}, {"aud", {"a", "b"}}}), "aud array");
}

TEST_F(GatewayAuthn, AudienceArrayHoldingOursIsAccepted) {
  auto token = mint({{"sub", "user-ada"}, {"tenant", "tenant-alpha"}, {"aud", {"other", "stellaops-api"}}});
  EXPECT_EQ(call("GET", items(), {bearer(token)}).status, 200);
}

TEST_F(GatewayAuthn, CraftedTokensAreRefused) {
  auto token = token_of("ada");
  auto claims = claims_of(token);
  expect_invalid_token(craft_alg_none(claims), "alg none");
  expect_invalid_token(craft_unknown_kid(token), "unknown kid");
  expect_invalid_token(craft_tampered(token, {{"stellaops:tenant", "tenant-bravo"}}), "tampered");
  auto jwks = call("GET", authority_->url() + reference_profile().path("jwks")).json_body();
  auto pem = jwk_to_pem(jwks["keys"][0]);
  ASSERT_TRUE(pem.has_value());
  expect_invalid_token(craft_hs256_with_key(claims, *pem), "HS256 keyed with the public key");
  expect_invalid_token("not-a-jwt", "garbage");
  expect_invalid_token("a.b.c", "undecodable");
}

TEST_F(GatewayAuthn, RotatedKeyIsFetchedOnceAndOldKeyStillVerifies) {
  auto before = token_of("ada");
  EXPECT_EQ(call("GET", items(), {bearer(before)}).status, 200);
  auto rotated = call("POST", authority_->url() + reference_profile().path("rotate"));
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  auto after = token_of("ada");
  EXPECT_NE(decode_jwt(after)->header.value("kid", ""), decode_jwt(before)->header.value("kid", ""));
  EXPECT_EQ(call("GET", items(), {bearer(after)}).status, 200);
  EXPECT_EQ(call("GET", items(), {bearer(before)}).status, 200);
}

TEST_F(GatewayAuthn, InvalidTokenDecidesBeforeRouteAndTenant) {
  // O1: authentication first — an unknown path or a bad tenant does not change a 401.
  EXPECT_EQ(call("GET", gw_->url() + "/nowhere").status, 401);
  EXPECT_EQ(call("GET", items(), {{"X-Tenant", "BAD TENANT"}}).status, 401);
  auto token = token_of("ada");
  EXPECT_EQ(call("GET", gw_->url() + "/nowhere", {bearer(token)}).status, 404);
  auto r = call("DELETE", items(), {bearer(token)});
  EXPECT_EQ(r.status, 405);
  // One 405 for every component: the profile's method_not_allowed, and Allow names the path's methods.
  EXPECT_EQ(r.json_body().value("error", ""), "method_not_allowed");
  EXPECT_EQ(r.headers.get("Allow"), "GET, POST");
}

TEST_F(GatewayAuthn, AuthnFailuresAreAudited) {
  call("GET", items(), {{"X-Correlation-Id", "cid-authn-none"}});
  call("GET", items(), {bearer("a.b.c"), {"X-Correlation-Id", "cid-authn-bad"}});
  auto none = gateway_audit(*gw_, "cid-authn-none");
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0]["event"], "authn.failed");
  EXPECT_EQ(none[0]["outcome"], "deny");
  EXPECT_EQ(none[0]["status"], 401);
  EXPECT_EQ(none[0]["reason"], "unauthenticated");
  auto bad = gateway_audit(*gw_, "cid-authn-bad");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0]["reason"], "invalid_token");
  EXPECT_EQ(bad[0]["component"], "gateway");
  EXPECT_TRUE(bad[0]["actor"]["sub"].is_null());
}

}  // namespace
}  // namespace tc::testing
