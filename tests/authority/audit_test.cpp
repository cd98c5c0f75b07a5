// U1/U2 and the audit table: every Authority decision leaves its record, found by the caller's
// correlation id, with every U1 field present (absent values are null).
#include <gtest/gtest.h>

#include "authority_server.h"

namespace tc::test {
namespace {

class AuthorityAudit : public ::testing::Test {
 protected:
  AuthorityServer server{with_mint()};
  const ContractProfile& p = server.profile();
  Headers corr(const std::string& id, Headers h = {}) {
    h.set(p.header("correlation_id"), id);
    return h;
  }
  // The single record of `id`, checked for the U1 shape.
  json only_record(const std::string& id) {
    const auto records = server.audit(id);
    EXPECT_EQ(records.size(), 1u) << id;
    if (records.empty()) return json::object();
    const json& r = records[0];
    for (const char* key : {"ts", "component", "event", "outcome", "status", "correlation_id", "actor",
                            "resolved_tenant", "attempted_tenant", "target_tenant", "reason", "method", "path",
                            "change_summary"})
      EXPECT_TRUE(r.contains(key)) << key << " in " << r.dump();
    EXPECT_EQ(r["component"], "authority");
    EXPECT_EQ(r["correlation_id"], id);
    return r;
  }
};

TEST_F(AuthorityAudit, TokenIssuedAndRejected) {
  const Params form = {{"grant_type", "password"}, {"client_id", "console"}, {"username", "bea"},
                       {"password", "bea-fixture-pw"}, {"tenant", "tenant-bravo"}};
  ASSERT_EQ(server.post_form(p.path("token"), form, corr("t-ok")).status, 200);
  json r = only_record("t-ok");
  EXPECT_EQ(r["event"], p.event("token_issued"));
  EXPECT_EQ(r["outcome"], "allow");
  EXPECT_EQ(r["status"], 200);
  EXPECT_EQ(r["resolved_tenant"], "tenant-bravo");
  EXPECT_EQ(r["attempted_tenant"], "tenant-bravo");
  EXPECT_EQ(r["actor"], json({{"sub", "user-bea"}, {"client_id", "console"}, {"tenant", "tenant-bravo"}}));
  EXPECT_TRUE(r["reason"].is_null());

  Params bad = form;
  bad.back().second = "tenant-charlie";
  ASSERT_EQ(server.post_form(p.path("token"), bad, corr("t-deny")).status, 400);
  r = only_record("t-deny");
  EXPECT_EQ(r["event"], p.event("token_rejected"));
  EXPECT_EQ(r["outcome"], "deny");
  EXPECT_EQ(r["reason"], p.error("tenant_forbidden"));
  EXPECT_EQ(r["attempted_tenant"], "tenant-charlie");
  EXPECT_TRUE(r["resolved_tenant"].is_null());

  ASSERT_EQ(server.post_form(p.path("token"), {{"grant_type", "client_credentials"}}, corr("t-client")).status, 401);
  EXPECT_EQ(only_record("t-client")["reason"], p.error("invalid_client"));
}

TEST_F(AuthorityAudit, AuthorizeIssuedAndRejected) {
  const std::string path = p.path("authorize") + "?" +
                           form_encode({{"response_type", "code"}, {"client_id", "console"},
                                        {"redirect_uri", "https://console.tenantcheck.test/callback"},
                                        {"code_challenge", pkce_pair().second}, {"code_challenge_method", "S256"},
                                        {"login_hint", "bea"}});
  ASSERT_EQ(server.get(path + "&tenant=tenant-bravo", corr("a-ok")).status, 302);
  json r = only_record("a-ok");
  EXPECT_EQ(r["event"], p.event("authorize_code_issued"));
  EXPECT_EQ(r["resolved_tenant"], "tenant-bravo");
  ASSERT_EQ(server.get(path + "&tenant=tenant-charlie", corr("a-deny")).status, 302);
  r = only_record("a-deny");
  EXPECT_EQ(r["event"], p.event("authorize_rejected"));
  EXPECT_EQ(r["outcome"], "deny");
  EXPECT_EQ(r["reason"], p.error("tenant_forbidden"));
  EXPECT_EQ(r["attempted_tenant"], "tenant-charlie");
  ASSERT_EQ(server.get(p.path("authorize") + "?client_id=nobody", corr("a-400")).status, 400);
  EXPECT_EQ(only_record("a-400")["reason"], p.error("invalid_client"));
}

TEST_F(AuthorityAudit, ConsoleDecisions) {
  const std::string token = server.access_token("bea");
  Headers h = corr("c-ok", with_header(p.header("authorization"), "Bearer " + token));
  h.add(p.header("tenant"), "tenant-bravo");
  ASSERT_EQ(server.get(p.path("console_tenants"), h).status, 200);
  json r = only_record("c-ok");
  EXPECT_EQ(r["event"], p.event("tenant_selected"));
  EXPECT_EQ(r["resolved_tenant"], "tenant-bravo");
  EXPECT_EQ(r["attempted_tenant"], "tenant-bravo");

  struct Denial {
    std::string id, header_value, event;
  };
  for (const Denial& d : {Denial{"c-403", "tenant-charlie", "tenant_forbidden"},
                          Denial{"c-409", "tenant-bravo,tenant-alpha", "tenant_conflict"},
                          Denial{"c-400", "NOT A TENANT", "tenant_invalid"}}) {
    Headers hd = corr(d.id, with_header(p.header("authorization"), "Bearer " + token));
    hd.add(p.header("tenant"), d.header_value);
    server.get(p.path("console_profile"), hd);
    r = only_record(d.id);
    EXPECT_EQ(r["event"], p.event(d.event)) << d.id;
    EXPECT_EQ(r["outcome"], "deny");
    EXPECT_EQ(r["reason"], p.error(d.event));
    EXPECT_EQ(r["status"], p.status(d.event));
  }
  EXPECT_EQ(only_record("c-409")["attempted_tenant"], json::array({"tenant-alpha", "tenant-bravo"}));

  ASSERT_EQ(server.get(p.path("console_tenants"), corr("c-401")).status, 401);
  r = only_record("c-401");
  EXPECT_EQ(r["event"], p.event("authn_failed"));
  EXPECT_EQ(r["reason"], p.error("invalid_token"));
}

TEST_F(AuthorityAudit, Introspection) {
  const std::string token = server.access_token("ada");
  Headers h = corr("i-1", with_header(p.header("authorization"), "Bearer " + token));
  ASSERT_EQ(server.post_form(p.path("introspect"), {{"token", "garbage"}}, h).status, 200);
  json r = only_record("i-1");
  EXPECT_EQ(r["event"], p.event("token_introspected"));
  EXPECT_EQ(r["outcome"], "allow");
  EXPECT_EQ(r["change_summary"], json({{"active", false}}));
  h.set(p.header("correlation_id"), "i-2");
  ASSERT_EQ(server.post_form(p.path("introspect"), {{"token", token}}, h).status, 200);
  EXPECT_EQ(only_record("i-2")["change_summary"], json({{"active", true}}));
}

TEST_F(AuthorityAudit, QueryFiltersByEvent) {
  ASSERT_EQ(server.post_form(p.path("token"), {{"grant_type", "password"}, {"client_id", "console"},
                                               {"username", "ada"}, {"password", "ada-fixture-pw"}},
                             corr("q-1"))
                .status,
            200);
  EXPECT_EQ(server.audit("q-1", "token_issued").size(), 1u);
  EXPECT_EQ(server.audit("q-1", "token_rejected").size(), 0u);
}

}  // namespace
}  // namespace tc::test
