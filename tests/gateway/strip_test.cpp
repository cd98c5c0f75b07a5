#include "stubs/gateway/strip.h"

#include <gtest/gtest.h>

#include "support/reference.h"

namespace tc::stub::gateway {
namespace {

const ContractProfile& profile() { return tc::testing::reference_profile(); }

Headers spoofed() {
  Headers h;
  h.add("Accept", "application/json");
  h.add("x-stellaops-tenant", "tenant-bravo");          // letter case
  h.add("X-STELLAOPS-TENANT", "tenant-charlie");        // repeated
  h.add("X-Tenant-Id", "tenant-alpha, tenant-bravo");   // comma-joined alias
  h.add("x-tenant", " tenant-alpha ");                  // alias, spaces
  h.add("X-StellaOps-Actor", "root");
  h.add("x-user-id", "admin");
  h.add("X-Forwarded-User", "admin");
  h.add("x-stellaops-context-signature", "t=1,v1=00");
  h.add("authorization", "Bearer abc");
  h.add("Connection", "keep-alive");
  h.add("Host", "example");
  h.add("Content-Length", "3");
  h.add("x-correlation-id", "caller-1");
  h.add("X-Custom", "kept");
  return h;
}

TEST(Strip, RemovesEveryIdentityHeaderInAnyCase) {
  auto s = strip_headers(spoofed(), profile());
  std::vector<std::string> names;
  for (const auto& [n, v] : s.forward.entries()) names.push_back(n);
  EXPECT_EQ(names, (std::vector<std::string>{"Accept", "X-Custom"}));
}

TEST(Strip, KeepsTenantValuesInOrderSplitAndTrimmed) {
  auto s = strip_headers(spoofed(), profile());
  EXPECT_EQ(s.tenant_values, (std::vector<std::string>{"tenant-bravo", "tenant-charlie", "tenant-alpha",
                                                       "tenant-bravo", "tenant-alpha"}));
}

TEST(Strip, EmptyElementsStayForValidation) {
  Headers h;
  h.add("X-Tenant", "tenant-alpha,,");
  EXPECT_EQ(strip_headers(h, profile()).tenant_values, (std::vector<std::string>{"tenant-alpha", "", ""}));
  Headers e;
  e.add("X-StellaOps-Tenant", "");
  EXPECT_EQ(strip_headers(e, profile()).tenant_values, (std::vector<std::string>{""}));
}

TEST(Strip, NoTenantHeaderNoValue) {
  Headers h;
  h.add("Accept", "*/*");
  EXPECT_TRUE(strip_headers(h, profile()).tenant_values.empty());
}

TEST(StripFaults, ExactCaseOnlyLetsOtherSpellingsThrough) {
  StripOptions o;
  o.exact_case_only = true;
  auto s = strip_headers(spoofed(), profile(), o);
  EXPECT_TRUE(s.forward.has("x-stellaops-tenant"));
  EXPECT_TRUE(s.forward.has("x-user-id"));
  EXPECT_FALSE(s.forward.has("X-StellaOps-Actor"));
}

TEST(StripFaults, KeepFlagsCopyTheCallersHeaders) {
  StripOptions o;
  o.keep_tenant_headers = true;
  o.keep_identity_headers = true;
  auto s = strip_headers(spoofed(), profile(), o);
  EXPECT_EQ(s.forward.all("X-StellaOps-Tenant").size(), 2u);
  EXPECT_EQ(s.forward.get("X-StellaOps-Actor"), "root");
  EXPECT_FALSE(s.forward.has("X-StellaOps-Context-Signature"));
  EXPECT_EQ(s.tenant_values.size(), 5u);
}

}  // namespace
}  // namespace tc::stub::gateway
