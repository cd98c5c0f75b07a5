#include "common/crypto.h"
#include "common/jwt.h"
#include "runner_fixture.h"

namespace tc {
namespace {
using namespace testing_support;

// An issuer: /jwks serves k1's public key; /token answers a token signed by `signer` under `kid`.
struct Issuer {
  RsaKey key = RsaKey::generate(2048);
  RsaKey other = RsaKey::generate(2048);
  json payload = {{"sub", "user-bea"}, {"stellaops:tenant", "tenant-bravo"}, {"scope", "a b"}};
  std::unique_ptr<TestServer> server;
  bool sign_with_other = false;
  Issuer() {
    server = std::make_unique<TestServer>([this](const stub::Request& r) {
      if (r.path == "/jwks") return respond(200, json{{"keys", json::array({key.public_jwk("k1")})}}.dump());
      std::string token = sign_jwt_rs256(sign_with_other ? other : key, "k1", payload);
      Headers h;
      h.add("Authorization", "Bearer " + token);
      return respond(200, json{{"access_token", token}}.dump(), h);
    });
  }
};

TEST(ExpectJwt, VerifiesSignatureClaimsAndAbsentClaims) {
  Issuer issuer;
  auto run = make_run({component("authority", issuer.server->url())});
  Scope scope(&run->root_scope());
  json spec = {{"from", "json:/access_token"},
               {"jwks", "{{authority}}/jwks"},
               {"claims", {{"sub", "user-bea"}, {"{{contract.claims.tenant}}", "tenant-bravo"}}},
               {"absent_claims", json::array({"{{contract.claims.allowed_tenants}}"})}};
  auto r = run_step(step("t", "{{authority}}/token", {expect("jwt", spec)}), scope, *run);
  EXPECT_EQ(r.outcomes.size(), 4u);
  EXPECT_FALSE(r.failed()) << failures(r);
  spec["from"] = "header:Authorization";
  r = run_step(step("t", "{{authority}}/token", {expect("jwt", spec)}), scope, *run);
  EXPECT_FALSE(r.failed()) << failures(r);
}

TEST(ExpectJwt, FailsOnAWrongClaimAPresentClaimAndABadSignature) {
  Issuer issuer;
  issuer.payload["stellaops:allowed_tenants"] = json::array({"tenant-alpha"});
  auto run = make_run({component("authority", issuer.server->url())});
  Scope scope(&run->root_scope());
  json spec = {{"from", "json:/access_token"},
               {"jwks", "{{authority}}/jwks"},
               {"claims", {{"stellaops:tenant", "tenant-alpha"}}},
               {"absent_claims", json::array({"stellaops:allowed_tenants"})}};
  auto r = run_step(step("t", "{{authority}}/token", {expect("jwt", spec)}), scope, *run);
  std::string f = failures(r);
  EXPECT_EQ(r.failure_lines().size(), 2u) << f;
  EXPECT_NE(f.find("jwt claim stellaops:tenant: expected \"tenant-alpha\", actual \"tenant-bravo\""), std::string::npos) << f;
  EXPECT_NE(f.find("jwt claim stellaops:allowed_tenants absent: expected (absent), actual [\"tenant-alpha\"]"),
            std::string::npos) << f;

  issuer.sign_with_other = true;
  r = run_step(step("t", "{{authority}}/token", {expect("jwt", spec)}), scope, *run);
  bool signature_failed = false;
  for (const auto& o : r.outcomes)
    if (o.description == "signature") signature_failed = o.failed();
  EXPECT_TRUE(signature_failed) << failures(r);
}

// Which key signed a token is the header's kid: a token that verifies with some key of the set is
// not yet one signed by the key a step names (a rotation that goes on signing with the old key).
TEST(ExpectJwt, TheHeaderHasTheMembersGiven) {
  Issuer issuer;
  auto run = make_run({component("authority", issuer.server->url())});
  Scope scope(&run->root_scope());
  json spec = {{"from", "json:/access_token"}, {"jwks", "{{authority}}/jwks"}, {"header", {{"kid", "k1"}, {"alg", "RS256"}}}};
  auto r = run_step(step("t", "{{authority}}/token", {expect("jwt", spec)}), scope, *run);
  EXPECT_FALSE(r.failed()) << failures(r);
  EXPECT_EQ(r.outcomes.size(), 3u) << "the signature and two header members";
  spec["header"] = {{"kid", "k2"}, {"x5t", "abc"}};
  r = run_step(step("t", "{{authority}}/token", {expect("jwt", spec)}), scope, *run);
  const std::string f = failures(r);
  EXPECT_EQ(r.failure_lines().size(), 2u) << f;
  EXPECT_NE(f.find("jwt header kid: expected \"k2\", actual \"k1\""), std::string::npos) << f;
  EXPECT_NE(f.find("jwt header x5t: expected \"abc\", actual (absent)"), std::string::npos) << f;
}

// A list claim is an entitlement: the listed elements in any order pass, one more fails.
TEST(ExpectJwt, AListClaimHasTheListedElementsAndNoOther) {
  Issuer issuer;
  issuer.payload["stellaops:allowed_tenants"] = json::array({"tenant-bravo", "tenant-alpha"});
  auto run = make_run({component("authority", issuer.server->url())});
  Scope scope(&run->root_scope());
  json spec = {{"from", "json:/access_token"},
               {"jwks", "{{authority}}/jwks"},
               {"claims", {{"stellaops:allowed_tenants", json::array({"tenant-alpha", "tenant-bravo"})}}}};
  auto r = run_step(step("t", "{{authority}}/token", {expect("jwt", spec)}), scope, *run);
  EXPECT_FALSE(r.failed()) << failures(r);
  issuer.payload["stellaops:allowed_tenants"].push_back("tenant-charlie");
  r = run_step(step("t", "{{authority}}/token", {expect("jwt", spec)}), scope, *run);
  const std::string f = failures(r);
  ASSERT_EQ(r.failure_lines().size(), 1u) << f;
  EXPECT_NE(f.find("jwt claim stellaops:allowed_tenants"), std::string::npos) << f;
  issuer.payload["stellaops:allowed_tenants"] = "tenant-alpha tenant-bravo";  // no list at all
  r = run_step(step("t", "{{authority}}/token", {expect("jwt", spec)}), scope, *run);
  EXPECT_TRUE(r.failed());
}

// The audience is one string or a list of them (RFC 7519 §4.1.3); no other claim is read so.
TEST(ExpectJwt, TheAudienceMayBeAListHoldingIt) {
  Issuer issuer;
  issuer.payload["aud"] = json::array({"stellaops-api", "other-api"});
  issuer.payload["stellaops:tenant"] = json::array({"tenant-bravo"});
  auto run = make_run({component("authority", issuer.server->url())});
  Scope scope(&run->root_scope());
  json spec = {{"from", "json:/access_token"},
               {"jwks", "{{authority}}/jwks"},
               {"claims", {{"{{contract.claims.audience}}", "stellaops-api"}}}};
  auto r = run_step(step("t", "{{authority}}/token", {expect("jwt", spec)}), scope, *run);
  EXPECT_FALSE(r.failed()) << failures(r);
  spec["claims"] = {{"{{contract.claims.audience}}", "third-api"}};
  EXPECT_TRUE(run_step(step("t", "{{authority}}/token", {expect("jwt", spec)}), scope, *run).failed());
  spec["claims"] = {{"{{contract.claims.tenant}}", "tenant-bravo"}};
  EXPECT_TRUE(run_step(step("t", "{{authority}}/token", {expect("jwt", spec)}), scope, *run).failed());
}

TEST(ExpectJwt, AMissingTokenFails) {
  TestServer server([](const stub::Request&) { return respond(200, "{}"); });
  auto run = make_run({component("api", server.url())});
  Scope scope(&run->root_scope());
  auto r = run_step(step("t", "{{api}}/x", {expect("jwt", {{"from", "json:/access_token"}, {"jwks", "{{api}}/jwks"}})}),
                    scope, *run);
  Outcome o = only(r, "jwt");
  EXPECT_TRUE(o.failed());
  EXPECT_NE(o.actual.find("/access_token"), std::string::npos) << o.actual;
}

}  // namespace
}  // namespace tc
