#include "stubs/context_signature.h"
#include "stubs/gateway/forward.h"

#include <gtest/gtest.h>

#include "support/reference.h"

namespace tc::stub::gateway {
namespace {

const ContractProfile& profile() { return tc::testing::reference_profile(); }

TEST(ContextSignature, KnownVectors) {
  // Computed independently: HMAC-SHA256("secret", "GET\n/api/platform/items\ntenant-alpha\nuser-ada\ncid-1\n1700000000").
  EXPECT_EQ(tc::stub::sign_context("secret", tc::stub::SignedContext{"GET", "/api/platform/items", "tenant-alpha", "user-ada", "cid-1"}, 1700000000),
            "t=1700000000,v1=49de602867b750c1019817b69f626d11a52364a232e9548fbbfa26e13ef55bf8");
  EXPECT_EQ(tc::stub::sign_context("secret", tc::stub::SignedContext{"POST", "/api/graph/items", "", "svc-none", "cid-2"}, 1700000001),
            "t=1700000001,v1=f032629749eae9d365e92eca934b799f99ae302c92c71ee1768d8ec7d425ddad");
}

Upstream sample() {
  Upstream up;
  up.method = "GET";
  up.base_url = "http://127.0.0.1:9/";
  up.path = "/api/platform/items";
  up.query = "limit=2";
  up.headers.add("Accept", "application/json");
  up.tenant = "tenant-alpha";
  up.actor = "user-ada";
  up.correlation_id = "cid-1";
  return up;
}

TEST(UpstreamRequest, SetsTenantEverywhereActorCorrelationAndSignature) {
  ForwardOptions o;
  o.shared_secret = "secret";
  o.now = 1700000000;
  auto r = upstream_request(sample(), profile(), o);
  EXPECT_EQ(r.url, "http://127.0.0.1:9/api/platform/items?limit=2");
  EXPECT_EQ(r.headers.all("X-StellaOps-Tenant"), std::vector<std::string>{"tenant-alpha"});
  EXPECT_EQ(r.headers.all("X-Tenant-Id"), std::vector<std::string>{"tenant-alpha"});
  EXPECT_EQ(r.headers.all("X-Tenant"), std::vector<std::string>{"tenant-alpha"});
  EXPECT_EQ(r.headers.get("X-StellaOps-Actor"), "user-ada");
  EXPECT_EQ(r.headers.get("X-Correlation-Id"), "cid-1");
  EXPECT_EQ(r.headers.get("X-StellaOps-Context-Signature"),
            "t=1700000000,v1=49de602867b750c1019817b69f626d11a52364a232e9548fbbfa26e13ef55bf8");
  EXPECT_EQ(r.headers.get("Accept"), "application/json");
  EXPECT_EQ(r.timeout_ms, 10000);
}

TEST(UpstreamRequest, NoTenantNoTenantHeaders) {
  auto up = sample();
  up.tenant.reset();
  auto r = upstream_request(up, profile(), {});
  EXPECT_FALSE(r.headers.has("X-StellaOps-Tenant"));
  EXPECT_FALSE(r.headers.has("X-Tenant-Id"));
}

TEST(UpstreamRequestFaults, AliasesUnsignedAndCallerTenant) {
  ForwardOptions o;
  o.skip_alias_rewrite = true;
  o.unsigned_forward = true;
  auto r = upstream_request(sample(), profile(), o);
  EXPECT_FALSE(r.headers.has("X-Tenant-Id"));
  EXPECT_FALSE(r.headers.has("X-StellaOps-Context-Signature"));
  ForwardOptions keep;
  keep.keep_caller_tenant = true;
  auto up = sample();
  up.headers.add("X-Tenant", "tenant-alpha, tenant-alpha");
  EXPECT_EQ(upstream_request(up, profile(), keep).headers.all("X-Tenant"),
            std::vector<std::string>{"tenant-alpha, tenant-alpha"});
}

}  // namespace
}  // namespace tc::stub::gateway
