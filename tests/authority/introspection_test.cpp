// A9 introspection: the caller authenticates; active tokens answer their claims and the tenant the
// request's header selects (A7 rules); expired, revoked and foreign tokens are inactive.
#include <gtest/gtest.h>

#include "authority_server.h"
#include "common/encoding.h"
#include "common/jwt.h"

namespace tc::test {
namespace {

class AuthorityIntrospection : public ::testing::Test {
 protected:
  AuthorityServer server{with_mint()};
  const ContractProfile& p = server.profile();

  // Introspects `token` as the confidential client svc-alpha (client_secret_basic).
  HttpResponse introspect(const std::string& token, Headers extra = {}) {
    extra.set(p.header("authorization"), "Basic " + base64_encode("svc-alpha:" + fixture_secret("svc-alpha")));
    return server.post_form(p.path("introspect"), {{"token", token}}, extra);
  }
};

TEST_F(AuthorityIntrospection, ActiveTokenAnswersItsClaimsAndTheClaimTenant) {
  const std::string token = server.access_token("bea");
  const auto r = introspect(token);
  ASSERT_EQ(r.status, 200) << r.body;
  const json body = body_of(r);
  const json claims = jwt_payload(token);
  EXPECT_EQ(body["active"], true);
  for (const auto& [k, v] : claims.items()) EXPECT_EQ(body[k], v) << k;
  EXPECT_EQ(body["selected_tenant"], "tenant-alpha");
}

TEST_F(AuthorityIntrospection, SelectedTenantFollowsTheRequestHeader) {
  const std::string token = server.access_token("bea");
  EXPECT_EQ(body_of(introspect(token, with_header(p.header("tenant"), "tenant-bravo")))["selected_tenant"],
            "tenant-bravo");
  EXPECT_EQ(body_of(introspect(token))["selected_tenant"], "tenant-alpha") << "nothing is stored";
  EXPECT_EQ(introspect(token, with_header(p.header("tenant"), "tenant-charlie")).status, p.status("tenant_forbidden"));
  Headers conflict = with_header(p.header("tenant"), "tenant-alpha");
  conflict.add(p.header_list("tenant_aliases")[0], "tenant-bravo");
  EXPECT_EQ(introspect(token, conflict).status, p.status("tenant_conflict"));
  EXPECT_EQ(introspect(token, with_header(p.header("tenant"), "Tenant Bravo")).status, p.status("tenant_invalid"));
  EXPECT_TRUE(body_of(introspect(server.access_token("dee")))["selected_tenant"].is_null());
}

TEST_F(AuthorityIntrospection, InactiveTokens) {
  const json inactive = {{"active", false}};
  const std::string revoked = server.access_token("ada");
  EXPECT_EQ(body_of(introspect(revoked))["active"], true);
  ASSERT_EQ(server.post_form(p.path("revoke"), {{"token", revoked}}).status, 200);
  EXPECT_EQ(body_of(introspect(revoked)), inactive) << "revoked";
  EXPECT_EQ(body_of(introspect(server.mint({{"sub", "user-ada"}, {"exp_in", -3600}}))), inactive) << "expired";
  AuthorityServer other;
  EXPECT_EQ(body_of(introspect(other.access_token("ada"))), inactive) << "foreign";
  const std::string own = server.access_token("ada");
  EXPECT_EQ(body_of(introspect(craft_unknown_kid(own))), inactive) << "unknown kid";
  EXPECT_EQ(body_of(introspect(craft_tampered(own, {{"sub", "user-bea"}}))), inactive) << "tampered";
  EXPECT_EQ(body_of(introspect(craft_alg_none(jwt_payload(own)))), inactive) << "alg none";
  EXPECT_EQ(body_of(introspect("garbage")), inactive) << "malformed";
}

TEST_F(AuthorityIntrospection, CallerMustAuthenticate) {
  const std::string token = server.access_token("ada");
  auto r = server.post_form(p.path("introspect"), {{"token", token}});
  EXPECT_EQ(r.status, p.status("invalid_client")) << r.body;
  r = server.post_form(p.path("introspect"), {{"token", token}, {"client_id", "console"}});
  EXPECT_EQ(r.status, p.status("invalid_client")) << "a public client cannot introspect";
  r = server.post_form(p.path("introspect"), {{"token", token}, {"client_id", "svc-alpha"}, {"client_secret", "x"}});
  EXPECT_EQ(r.status, p.status("invalid_client"));
  r = server.post_form(p.path("introspect"), {{"token", token}},
                       with_header(p.header("authorization"), "Bearer " + server.mint({{"sub", "user-ada"}, {"exp_in", -3600}})));
  EXPECT_EQ(r.status, p.status("invalid_token"));
  // A valid Bearer token of this Authority is enough; so are client_secret_post credentials.
  r = server.post_form(p.path("introspect"), {{"token", token}}, with_header(p.header("authorization"), "Bearer " + token));
  EXPECT_EQ(body_of(r)["active"], true) << r.body;
  r = server.post_form(p.path("introspect"),
                       {{"token", token}, {"client_id", "svc-alpha"}, {"client_secret", fixture_secret("svc-alpha")}});
  EXPECT_EQ(body_of(r)["active"], true) << r.body;
}

}  // namespace
}  // namespace tc::test
