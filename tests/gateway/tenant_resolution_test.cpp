#include "stubs/gateway/tenant_resolution.h"

#include <gtest/gtest.h>

#include "support/reference.h"

namespace tc::stub::gateway {
namespace {

TenantPolicy policy() {
  TenantPolicy p;
  p.tenant_pattern = tc::testing::reference_profile().regex("tenant_id");
  return p;
}

TenantInput input(std::vector<std::string> values, std::optional<std::string> claim,
                  std::vector<std::string> allowed = {}, bool scoped = true) {
  return {std::move(values), std::move(claim), std::move(allowed), scoped};
}

using json = nlohmann::json;

TEST(TenantResolution, InvalidValues) {
  for (const std::string& bad : std::vector<std::string>{"", "Tenant-Alpha", "-alpha", "tenant alpha", "tenant_alpha", std::string(64, 'a')}) {
    auto d = resolve_tenant(input({bad}, "tenant-alpha"), policy());
    EXPECT_EQ(d.error, "tenant_invalid") << bad;
    EXPECT_EQ(d.event, "tenant_invalid");
    EXPECT_EQ(d.attempted, json(bad));
  }
  // An invalid value decides even next to valid ones.
  EXPECT_EQ(resolve_tenant(input({"tenant-alpha", ""}, "tenant-alpha"), policy()).error, "tenant_invalid");
}

TEST(TenantResolution, DistinctValuesConflictWithSortedAttempted) {
  auto d = resolve_tenant(input({"tenant-bravo", "tenant-alpha", "tenant-bravo"}, "tenant-alpha", {"tenant-bravo"}), policy());
  EXPECT_EQ(d.error, "tenant_conflict");
  EXPECT_EQ(d.event, "tenant_conflict");
  EXPECT_EQ(d.attempted, json({"tenant-alpha", "tenant-bravo"}));
  EXPECT_EQ(d.resolved, json("tenant-alpha"));
  EXPECT_EQ(resolve_tenant(input({"tenant-a", "tenant-b"}, std::nullopt), policy()).resolved, json(nullptr));
}

TEST(TenantResolution, RepeatedSameValueIsOneValue) {
  auto d = resolve_tenant(input({"tenant-alpha", "tenant-alpha"}, "tenant-alpha"), policy());
  EXPECT_TRUE(d.allowed());
  EXPECT_EQ(d.tenant, "tenant-alpha");
}

TEST(TenantResolution, ValueInsideEntitlementSelects) {
  auto d = resolve_tenant(input({"tenant-bravo"}, "tenant-alpha", {"tenant-alpha", "tenant-bravo"}), policy());
  EXPECT_TRUE(d.allowed());
  EXPECT_EQ(d.tenant, "tenant-bravo");
  EXPECT_EQ(d.event, "tenant_selected");
  EXPECT_EQ(d.attempted, json("tenant-bravo"));
  EXPECT_EQ(d.resolved, json("tenant-bravo"));
}

TEST(TenantResolution, StrictClaimMatchAcceptsOnlyTheClaim) {
  auto p = policy();
  p.strict_claim_match = true;
  auto d = resolve_tenant(input({"tenant-bravo"}, "tenant-alpha", {"tenant-alpha", "tenant-bravo"}), p);
  EXPECT_EQ(d.error, "tenant_conflict");
  EXPECT_EQ(d.event, "tenant_override_rejected");
  EXPECT_TRUE(resolve_tenant(input({"tenant-alpha"}, "tenant-alpha", {"tenant-alpha", "tenant-bravo"}), p).allowed());
}

TEST(TenantResolution, OutsideWithClaimIsOverrideRejected) {
  auto d = resolve_tenant(input({"tenant-bravo"}, "tenant-alpha"), policy());
  EXPECT_EQ(d.error, "tenant_conflict");
  EXPECT_EQ(d.event, "tenant_override_rejected");
  EXPECT_EQ(d.attempted, json("tenant-bravo"));
  EXPECT_EQ(d.resolved, json("tenant-alpha"));
}

TEST(TenantResolution, OutsideWithoutClaimIsForbidden) {
  auto d = resolve_tenant(input({"tenant-bravo"}, std::nullopt), policy());
  EXPECT_EQ(d.error, "tenant_forbidden");
  EXPECT_EQ(d.event, "tenant_forbidden");
  EXPECT_EQ(d.attempted, json("tenant-bravo"));
}

TEST(TenantResolution, NoValueUsesClaimWithoutRecord) {
  auto d = resolve_tenant(input({}, "tenant-alpha"), policy());
  EXPECT_TRUE(d.allowed());
  EXPECT_EQ(d.tenant, "tenant-alpha");
  EXPECT_EQ(d.event, "");
}

TEST(TenantResolution, NoValueNoClaim) {
  auto scoped = resolve_tenant(input({}, std::nullopt, {}, true), policy());
  EXPECT_EQ(scoped.error, "tenant_missing");
  EXPECT_EQ(scoped.event, "tenant_missing");
  auto open = resolve_tenant(input({}, std::nullopt, {}, false), policy());
  EXPECT_TRUE(open.allowed());
  EXPECT_FALSE(open.tenant.has_value());
}

TEST(TenantResolution, CaseMatters) {
  // The reference pattern rejects upper case outright; a permissive pattern still compares exactly.
  auto p = policy();
  p.tenant_pattern = std::regex("^[A-Za-z0-9-]+$");
  EXPECT_EQ(resolve_tenant(input({"Tenant-Alpha"}, "tenant-alpha"), p).error, "tenant_conflict");
  EXPECT_EQ(resolve_tenant(input({"Tenant-Alpha", "tenant-alpha"}, "tenant-alpha"), p).error, "tenant_conflict");
}

TEST(TenantResolutionFaults, EachFaultChangesItsBranch) {
  auto p = policy();
  p.conflict_allowed = true;
  EXPECT_EQ(resolve_tenant(input({"tenant-alpha", "tenant-bravo"}, "tenant-alpha"), p).tenant, "tenant-alpha");
  p = policy();
  p.header_overrides_claim = true;
  EXPECT_EQ(resolve_tenant(input({"tenant-bravo"}, "tenant-alpha"), p).tenant, "tenant-bravo");
  p = policy();
  p.case_insensitive = true;
  EXPECT_EQ(resolve_tenant(input({"TENANT-ALPHA"}, "tenant-alpha"), p).tenant, "tenant-alpha");
  p = policy();
  p.missing_tenant_allowed = true;
  EXPECT_TRUE(resolve_tenant(input({}, std::nullopt), p).allowed());
}

}  // namespace
}  // namespace tc::stub::gateway
