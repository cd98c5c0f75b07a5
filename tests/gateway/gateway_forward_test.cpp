// G4, O1 and G5 end to end: scope denials never reach a backend, the tenant check decides before the
// scope check, and forwarded requests carry the tenant, actor, correlation id and a valid signature.
#include <regex>

#include "common/crypto.h"

#include "stub_world.h"
#include "stubs/context_signature.h"
#include "stubs/gateway/forward.h"

namespace tc::testing {
namespace {

class GatewayForward : public GatewayWorld {
 protected:
  void SetUp() override { gw_ = start_gateway(); }
  std::unique_ptr<ServedStub> gw_;
};

TEST_F(GatewayForward, MissingScopeIsDeniedAndNeverForwarded) {
  auto r = call("POST", gw_->url() + "/api/platform/items",
                {bearer(token_of("rex")), {"X-Correlation-Id", "cid-scope"}, {"Content-Type", "application/json"}},
                R"({"name":"x"})");
  ASSERT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.headers.get("WWW-Authenticate"), "Bearer error=\"insufficient_scope\", scope=\"platform.write\"");
  auto body = r.json_body();
  EXPECT_EQ(body["error"], "insufficient_scope");
  EXPECT_EQ(body["required_scope"], "platform.write");
  EXPECT_EQ(body["granted_scopes"], json({"openid", "profile", "platform.read", "scanner.read", "graph.read"}));
  EXPECT_EQ(body["correlation_id"], "cid-scope");
  EXPECT_TRUE(body.contains("error_description"));
  EXPECT_TRUE(backend("platform").audit().query("cid-scope", "").empty());
  auto records = gateway_audit(*gw_, "cid-scope");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["event"], "authz.denied");
  EXPECT_EQ(records[0]["reason"], "insufficient_scope");
  EXPECT_EQ(records[0]["status"], 403);
}

TEST_F(GatewayForward, TenantErrorWinsOverScopeError) {
  auto r = call("POST", gw_->url() + "/api/platform/items",
                {bearer(token_of("rex")), {"X-Tenant", "tenant-alpha"}, {"Content-Type", "application/json"}}, "{}");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json_body().value("error", ""), "tenant_conflict");
}

TEST_F(GatewayForward, ForwardedHeadersAndSignature) {
  auto e = call("GET", gw_->url() + "/api/platform/_echo", {bearer(token_of("ada")), {"X-Correlation-Id", "cid-fwd.1"}});
  ASSERT_EQ(e.status, 200) << e.body;
  for (const char* name : {"X-StellaOps-Tenant", "X-Tenant-Id", "X-Tenant"})
    EXPECT_EQ(echoed(e, name), std::vector<std::string>{"tenant-alpha"}) << name;
  EXPECT_EQ(echoed(e, "X-StellaOps-Actor"), std::vector<std::string>{"user-ada"});
  EXPECT_EQ(echoed(e, "X-Correlation-Id"), std::vector<std::string>{"cid-fwd.1"});
  auto signature = echoed(e, "X-StellaOps-Context-Signature");
  ASSERT_EQ(signature.size(), 1u);
  std::smatch m;
  ASSERT_TRUE(std::regex_match(signature[0], m, std::regex("t=([0-9]+),v1=[0-9a-f]{64}")));
  long long t = std::stoll(m[1]);
  EXPECT_NEAR(static_cast<double>(t), static_cast<double>(std::time(nullptr)), 5.0);
  EXPECT_EQ(signature[0], tc::stub::sign_context(kSharedSecret, tc::stub::SignedContext{"GET", "/api/platform/_echo", "tenant-alpha", "user-ada", "cid-fwd.1"}, t));
  EXPECT_EQ(e.headers.get("X-Correlation-Id"), "cid-fwd.1");
  EXPECT_EQ(e.headers.get("X-StellaOps-Tenant"), "tenant-alpha");
}

TEST_F(GatewayForward, InvalidCallerCorrelationIdIsReplaced) {
  auto e = call("GET", gw_->url() + "/api/platform/_echo", {bearer(token_of("ada")), {"X-Correlation-Id", "bad id!"}});
  ASSERT_EQ(e.status, 200) << e.body;
  auto cid = e.headers.get("X-Correlation-Id").value_or("");
  EXPECT_TRUE(std::regex_match(cid, std::regex(reference_profile().pattern("correlation_id")))) << cid;
  EXPECT_EQ(echoed(e, "X-Correlation-Id"), std::vector<std::string>{cid});
}

TEST_F(GatewayForward, TenantScopedResponsesAreNotSharedCacheable) {
  auto r = call("GET", gw_->url() + "/api/scanner/items/scan-alpha-1", {bearer(token_of("ada"))});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.get("Cache-Control"), "private, no-store");
  EXPECT_EQ(r.headers.get("Vary"), "Authorization, X-StellaOps-Tenant");
  EXPECT_NE(r.headers.get("Content-Type").value_or("").find("application/json"), std::string::npos);
  auto open = call("GET", gw_->url() + "/api/platform/status", {bearer(token_of("ada"))});
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_NE(open.headers.get("Cache-Control").value_or(""), "private, no-store");
}

TEST_F(GatewayForward, BackendAnswerPassesThrough) {
  auto token = token_of("ada");
  auto other = call("GET", gw_->url() + "/api/graph/items/node-bravo-1", {bearer(token)});
  auto missing = call("GET", gw_->url() + "/api/graph/items/item-missing-0000", {bearer(token)});
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(other.json_body().value("error", ""), missing.json_body().value("error", ""));
  auto created = call("POST", gw_->url() + "/api/graph/items?dry=0",
                      {bearer(token), {"Content-Type", "application/json"}, {"X-Correlation-Id", "cid-post"}},
                      R"({"name":"via gateway"})");
  EXPECT_EQ(created.status, 201) << created.body;
  auto forwarded = gateway_audit(*gw_, "cid-post", "request.forwarded");
  ASSERT_EQ(forwarded.size(), 1u);
  EXPECT_EQ(forwarded[0]["status"], 201);
  EXPECT_EQ(forwarded[0]["method"], "POST");
  EXPECT_EQ(backend("graph").audit().query("cid-post", "data.write").size(), 1u);
}

TEST_F(GatewayForward, IdempotentReplayHeaderReachesTheCaller) {
  auto token = token_of("bea");
  std::vector<Headers::Entry> headers = {bearer(token), {"Content-Type", "application/json"},
                                         {"Idempotency-Key", "gw-key-" + uuid_v4()}};
  auto first = call("POST", gw_->url() + "/api/scanner/items", headers, R"({"name":"once"})");
  auto again = call("POST", gw_->url() + "/api/scanner/items", headers, R"({"name":"once"})");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_FALSE(first.headers.has("Idempotent-Replayed"));
  EXPECT_EQ(again.headers.get("Idempotent-Replayed"), "true");
}

TEST_F(GatewayForward, UnreachableBackendIs502) {
  auto options = gateway_options();
  {
    // A port that was bound and released: nothing listens there any more.
    stub::ServerOptions never_serves;
    never_serves.error_response = [](stub::ServerFault, const stub::Request&) { return stub::Response{}; };
    stub::HttpServer closed(never_serves, [](const stub::Request&) { return stub::Response{}; });
    options.backends["platform"] = closed.url();
  }
  ServedStub gw(options, reference_profile(), "gateway", &stub::make_gateway);
  auto r = call("GET", gw.url() + "/api/platform/items", {bearer(token_of("ada")), {"X-Correlation-Id", "cid-502"}});
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.json_body().value("error", ""), "upstream_unavailable");
  EXPECT_EQ(r.headers.get("X-Correlation-Id"), "cid-502");
  auto records = gateway_audit(gw, "cid-502", "request.forwarded");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "deny");
  EXPECT_EQ(records[0]["reason"], "upstream_unavailable");
}

}  // namespace
}  // namespace tc::testing
