#include "stubs/gateway/tenant_resolution.h"

#include <algorithm>
#include <regex>
#include <set>

#include "common/headers.h"
#include "stubs/audit_record.h"

namespace tc::stub::gateway {
namespace {

TenantDecision deny(std::string error, std::string event, nlohmann::json attempted, nlohmann::json resolved,
                    std::string description) {
  TenantDecision d;
  d.error = std::move(error);
  d.event = std::move(event);
  d.attempted = std::move(attempted);
  d.resolved = std::move(resolved);
  d.description = std::move(description);
  return d;
}

TenantDecision allow(std::optional<std::string> tenant, std::string event, nlohmann::json attempted) {
  TenantDecision d;
  d.tenant = std::move(tenant);
  d.event = std::move(event);
  d.attempted = std::move(attempted);
  d.resolved = or_null(d.tenant);
  return d;
}

}  // namespace

TenantDecision resolve_tenant(const TenantInput& raw, const TenantPolicy& policy) {
  TenantInput input = raw;
  if (policy.case_insensitive) {
    for (auto& v : input.values) v = to_lower(v);
    if (input.claim_tenant) input.claim_tenant = to_lower(*input.claim_tenant);
    for (auto& t : input.allowed_tenants) t = to_lower(t);
  }
  for (const auto& v : input.values) {
    if (v.empty() || !std::regex_match(v, policy.tenant_pattern))
      return deny("tenant_invalid", "tenant_invalid", v, nullptr,
                  v.empty() ? "empty tenant id" : "tenant id '" + v + "' does not match the tenant id pattern");
  }

  std::set<std::string> distinct(input.values.begin(), input.values.end());
  if (distinct.size() > 1 && !policy.conflict_allowed)
    return deny("tenant_conflict", "tenant_conflict", nlohmann::json(std::vector<std::string>(distinct.begin(), distinct.end())),
                or_null(input.claim_tenant), "the request names several tenants");

  if (!input.values.empty()) {
    const std::string& value = input.values.front();
    bool entitled = input.claim_tenant && *input.claim_tenant == value;
    if (!policy.strict_claim_match)
      entitled = entitled || std::find(input.allowed_tenants.begin(), input.allowed_tenants.end(), value) !=
                                 input.allowed_tenants.end();
    const bool path_alone = input.header_values == 0 && policy.path_checked_against_header_only;
    if (entitled || policy.header_overrides_claim || path_alone) return allow(value, "tenant_selected", value);
    if (input.claim_tenant)
      return deny("tenant_conflict", "tenant_override_rejected", value, *input.claim_tenant,
                  "tenant '" + value + "' is outside the token's tenants");
    return deny("tenant_forbidden", "tenant_forbidden", value, nullptr,
                "tenant '" + value + "' is outside the token's tenants");
  }

  if (input.claim_tenant) return allow(input.claim_tenant, "", nullptr);
  if (input.tenant_scoped && !policy.missing_tenant_allowed)
    return deny("tenant_missing", "tenant_missing", nullptr, nullptr, "the route needs a tenant and none was given");
  return allow(std::nullopt, "", nullptr);
}

}  // namespace tc::stub::gateway
