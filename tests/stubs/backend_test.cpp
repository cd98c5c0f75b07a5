// The Backend role (B1–B5, E1, U1, U2) in process, over a real socket with tc::HttpClient.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "backend_stub.h"

namespace tc::stub {
namespace {

using namespace tc::stub::test;

// ---- B1 ----------------------------------------------------------------------------------------------

TEST(Backend, SignatureMissingWrongStaleOrForAnotherRequestIs401ContextUnverified) {
  BackendStub stub;
  for (Sign s : {Sign::none, Sign::wrong_secret, Sign::stale, Sign::tampered_path}) {
    Call c = get("/api/platform/items");
    c.sign = s;
    auto r = stub.call(c);
    EXPECT_EQ(r.status, stub.profile().status("context_unverified")) << static_cast<int>(s);
    EXPECT_EQ(body_of(r)["error"], stub.profile().error("context_unverified"));
    EXPECT_EQ(body_of(r)["correlation_id"], c.correlation_id);
    auto records = stub.audit(c.correlation_id, "context_unverified");
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0]["outcome"], "deny");
    EXPECT_EQ(records[0]["reason"], stub.profile().error("context_unverified"));
    EXPECT_TRUE(stub.audit(c.correlation_id, "data_read").empty()) << "an unverified request was served";
  }
  EXPECT_EQ(stub.call(get("/api/platform/items")).status, 200);
}

TEST(Backend, SignatureSwitchOffServesUnsignedRequests) {
  std::ifstream in(kProfilePath);
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  auto at = yaml.find("backend_requires_signature: true");
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, std::string("backend_requires_signature: true").size(), "backend_requires_signature: false");
  auto path = std::filesystem::temp_directory_path() / ("tc-profile-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << yaml;
  {
    BackendStub stub({}, "platform", path.string());
    Call c = get("/api/platform/items");
    c.sign = Sign::none;
    EXPECT_EQ(stub.call(c).status, 200);
  }
  std::filesystem::remove(path);
}

// ---- B2 ----------------------------------------------------------------------------------------------

TEST(Backend, ListHoldsOnlyTheResolvedTenantsItems) {
  BackendStub stub;
  auto r = stub.call(get("/api/platform/items"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(ids_of(r), (std::vector<std::string>{"plat-alpha-1", "plat-alpha-2"}));
  EXPECT_EQ(ids_of(stub.call(get("/api/platform/items", "tenant-bravo"))), (std::vector<std::string>{"plat-bravo-1"}));
}

TEST(Backend, EachRoleServesItsOwnItemsUnderItsOwnPath) {
  BackendStub stub({}, "scanner");
  auto r = stub.call(get("/api/scanner/items", "tenant-bravo"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(ids_of(r), (std::vector<std::string>{"scan-bravo-1", "scan-bravo-2"}));
  EXPECT_EQ(stub.call(get("/api/platform/items", "tenant-bravo")).status, 404);
}

TEST(Backend, TenantScopedRouteWithoutTenantIs400TenantMissing) {
  BackendStub stub;
  Call c = get("/api/platform/items", std::nullopt);
  auto r = stub.call(c);
  EXPECT_EQ(r.status, stub.profile().status("tenant_missing"));
  EXPECT_EQ(body_of(r)["error"], stub.profile().error("tenant_missing"));
  EXPECT_EQ(stub.audit(c.correlation_id, "tenant_missing").size(), 1u);
}

TEST(Backend, OwnItemIsReadAndAudited) {
  BackendStub stub;
  Call c = get("/api/platform/items/plat-alpha-1");
  auto r = stub.call(c);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["id"], "plat-alpha-1");
  auto records = stub.audit(c.correlation_id, "data_read");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "allow");
  EXPECT_EQ(records[0]["resolved_tenant"], "tenant-alpha");
}

TEST(Backend, AnotherTenantsItemIsAnsweredExactlyAsAMissingOne) {
  BackendStub stub;
  Call other = get("/api/platform/items/plat-bravo-1");
  Call missing = get("/api/platform/items/item-missing-0000");
  auto a = stub.call(other);
  auto b = stub.call(missing);
  EXPECT_EQ(a.status, stub.profile().status("not_found"));
  EXPECT_EQ(a.status, b.status);
  auto ja = body_of(a), jb = body_of(b);
  EXPECT_EQ(ja["correlation_id"], other.correlation_id);
  ja.erase("correlation_id");
  jb.erase("correlation_id");
  EXPECT_EQ(ja, jb);
  EXPECT_EQ(a.body.find("tenant-bravo"), std::string::npos) << "the owner leaked: " << a.body;

  auto ra = stub.audit(other.correlation_id, "data_not_found");
  auto rb = stub.audit(missing.correlation_id, "data_not_found");
  ASSERT_EQ(ra.size(), 1u);
  ASSERT_EQ(rb.size(), 1u);
  EXPECT_EQ(ra[0]["target_tenant"], "tenant-bravo");
  EXPECT_TRUE(rb[0]["target_tenant"].is_null());
  EXPECT_EQ(ra[0]["reason"], stub.profile().error("not_found"));
  EXPECT_EQ(ra[0]["outcome"], "deny");
}

// ---- B3 ----------------------------------------------------------------------------------------------

TEST(Backend, IdempotentPostReplaysSameBodyAndRejectsAnotherBody) {
  BackendStub stub;
  const std::string body = R"({"name":"new pipeline"})";
  auto first = stub.call(post(body, "key-1"));
  ASSERT_EQ(first.status, stub.profile().status("created"));
  EXPECT_EQ(body_of(first)["tenant"], "tenant-alpha");
  EXPECT_FALSE(first.headers.has(stub.h("idempotent_replayed")));

  Call again = post(body, "key-1");
  auto second = stub.call(again);
  EXPECT_EQ(second.status, first.status);
  EXPECT_EQ(second.body, first.body);
  EXPECT_EQ(second.headers.get(stub.h("idempotent_replayed")), stub.profile().value("idempotent_replayed"));
  EXPECT_EQ(stub.audit(again.correlation_id, "idempotency_replayed").size(), 1u);

  Call reuse = post(R"({"name":"something else"})", "key-1");
  auto third = stub.call(reuse);
  EXPECT_EQ(third.status, stub.profile().status("idempotency_key_reused"));
  EXPECT_EQ(body_of(third)["error"], stub.profile().error("idempotency_key_reused"));
  EXPECT_EQ(stub.audit(reuse.correlation_id, "idempotency_rejected").size(), 1u);

  // Exactly one item was created, and it is the tenant's.
  auto ids = ids_of(stub.call(get("/api/platform/items")));
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids.back(), body_of(first)["id"]);
}

TEST(Backend, IdempotencyKeysArePerTenant) {
  BackendStub stub;
  const std::string body = R"({"name":"same"})";
  auto alpha = stub.call(post(body, "shared-key", "tenant-alpha"));
  auto bravo = stub.call(post(body, "shared-key", "tenant-bravo"));
  ASSERT_EQ(alpha.status, 201);
  ASSERT_EQ(bravo.status, 201);
  EXPECT_FALSE(bravo.headers.has(stub.h("idempotent_replayed")));
  EXPECT_NE(body_of(alpha)["id"], body_of(bravo)["id"]);
  EXPECT_EQ(body_of(bravo)["tenant"], "tenant-bravo");
}

TEST(Backend, PostWithoutKeyCreatesEachTimeAndBodyCannotChooseTheTenant) {
  BackendStub stub;
  auto a = stub.call(post(R"({"name":"x","tenant":"tenant-bravo","id":"plat-bravo-1"})", std::nullopt));
  auto b = stub.call(post(R"({"name":"x"})", std::nullopt));
  ASSERT_EQ(a.status, 201);
  ASSERT_EQ(b.status, 201);
  EXPECT_EQ(body_of(a)["tenant"], "tenant-alpha");
  EXPECT_NE(body_of(a)["id"], "plat-bravo-1");
  EXPECT_NE(body_of(a)["id"], body_of(b)["id"]);
  EXPECT_EQ(ids_of(stub.call(get("/api/platform/items", "tenant-bravo"))), (std::vector<std::string>{"plat-bravo-1"}));
}

// ---- B4, E1, unscoped routes --------------------------------------------------------------------------

TEST(Backend, EchoReturnsTheHeadersByLowerCaseName) {
  BackendStub stub;
  Call c = get("/api/platform/_echo");
  c.extra.add("x-tenant-id", "tenant-alpha");
  c.extra.add("X-Custom", "one");
  c.extra.add("X-Custom", "two");
  auto r = stub.call(c);
  ASSERT_EQ(r.status, 200);
  auto j = body_of(r);
  EXPECT_EQ(j["method"], "GET");
  EXPECT_EQ(j["path"], "/api/platform/_echo");
  EXPECT_EQ(j["headers"]["x-tenant-id"], nlohmann::json::array({"tenant-alpha"}));
  EXPECT_EQ(j["headers"]["x-custom"], nlohmann::json::array({"one", "two"}));
  EXPECT_FALSE(j["headers"].contains("X-Custom"));
  EXPECT_EQ(j["headers"][tc::to_lower(stub.h("tenant"))], nlohmann::json::array({"tenant-alpha"}));
}

TEST(Backend, StatusIsNotTenantScoped) {
  BackendStub stub;
  auto r = stub.call(get("/api/platform/status", std::nullopt));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["status"], "ok");
  EXPECT_EQ(body_of(r)["role"], "platform");
}

TEST(Backend, EveryResponseEchoesTheCorrelationIdOrMintsOne) {
  BackendStub stub;
  for (const char* path : {"/api/platform/items", "/api/platform/items/nope", "/api/platform/unknown", "/_audit"}) {
    Call c = get(path);
    auto r = stub.call(c);
    EXPECT_EQ(r.headers.get(stub.h("correlation_id")), c.correlation_id) << path;
  }
  Call bad = get("/api/platform/items");
  bad.correlation_id = "has spaces and ü";
  bad.sign = Sign::none;
  auto r = stub.call(bad);
  auto cid = r.headers.get(stub.h("correlation_id"));
  ASSERT_TRUE(cid);
  EXPECT_NE(*cid, bad.correlation_id);
  EXPECT_FALSE(cid->empty());
  EXPECT_EQ(body_of(r)["correlation_id"], *cid);
}

// ---- B5, U1, U2 ----------------------------------------------------------------------------------------

TEST(Backend, WriteAuditRecordHasEveryFieldAndMasksSecrets) {
  BackendStub stub;
  Call c = post(R"({"name":"n","clientSecret":"s3cr3t-value","apiKey":"k-123","nested":{"Password":"p-456","ok":1},"accessToken":"t-789"})",
                std::nullopt);
  ASSERT_EQ(stub.call(c).status, 201);
  auto records = stub.audit(c.correlation_id, "data_write");
  ASSERT_EQ(records.size(), 1u);
  const auto& r = records[0];
  for (const char* field : {"ts", "component", "event", "outcome", "status", "correlation_id", "actor", "resolved_tenant",
                            "attempted_tenant", "target_tenant", "reason", "method", "path", "change_summary"})
    EXPECT_TRUE(r.contains(field)) << field;
  EXPECT_EQ(r["component"], "platform");
  EXPECT_EQ(r["status"], 201);
  EXPECT_EQ(r["actor"]["sub"], "user-alice");
  EXPECT_TRUE(r["actor"]["client_id"].is_null());
  EXPECT_EQ(r["actor"]["tenant"], "tenant-alpha");
  EXPECT_EQ(r["method"], "POST");
  EXPECT_EQ(r["path"], "/api/platform/items");
  EXPECT_TRUE(r["reason"].is_null());
  const auto& cs = r["change_summary"];
  EXPECT_EQ(cs["name"], "n");
  EXPECT_EQ(cs["clientSecret"], "***");
  EXPECT_EQ(cs["apiKey"], "***");
  EXPECT_EQ(cs["accessToken"], "***");
  EXPECT_EQ(cs["nested"]["Password"], "***");
  EXPECT_EQ(cs["nested"]["ok"], 1);
  std::string dumped = r.dump();
  for (const char* secret : {"s3cr3t-value", "k-123", "p-456", "t-789"})
    EXPECT_EQ(dumped.find(secret), std::string::npos) << secret;
}

TEST(Backend, AuditEndpointFiltersByCorrelationIdAndEvent) {
  BackendStub stub;
  Call c = get("/api/platform/items");
  ASSERT_EQ(stub.call(c).status, 200);
  Call q = get("/_audit?correlation_id=" + c.correlation_id + "&event=" + stub.profile().event("data_read"), std::nullopt);
  q.sign = Sign::none;
  auto r = stub.call(q);
  ASSERT_EQ(r.status, 200);
  auto records = body_of(r)["records"];
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["correlation_id"], c.correlation_id);
  Call none = get("/_audit?correlation_id=" + c.correlation_id + "&event=" + stub.profile().event("data_write"), std::nullopt);
  EXPECT_TRUE(body_of(stub.call(none))["records"].empty());
}

}  // namespace
}  // namespace tc::stub
