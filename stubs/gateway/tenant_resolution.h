// G3: which tenant a request acts in. Values = the canonical and alias header values (comma-split,
// trimmed) plus the path tenant of a route that declares one; entitlement = the claim tenant and
// allowed_tenants (the claim tenant alone under switches.strict_claim_match). The first rule that
// applies decides:
//   a value empty or not matching patterns.tenant_id      -> tenant_invalid
//   several distinct values (compared exactly)             -> tenant_conflict
//   one value inside the entitlement                       -> that tenant (tenant.selected)
//   one value outside, the token has a claim tenant        -> tenant_conflict (tenant.override_rejected)
//   one value outside, no claim tenant                     -> tenant_forbidden
//   no value                                               -> the claim tenant; none on a
//                                                             tenant-scoped route -> tenant_missing
// Pure: the decision carries what the audit record (G6) needs.
#pragma once
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tc::stub::gateway {

struct TenantInput {
  std::vector<std::string> values;              // header values, then the path tenant
  std::optional<std::string> claim_tenant;
  std::vector<std::string> allowed_tenants;
  bool tenant_scoped = false;
  std::size_t header_values = 0;                // how many of `values` (the first ones) came from headers
};

struct TenantPolicy {
  std::regex tenant_pattern;                    // patterns.tenant_id (whole match), compiled by the profile
  bool strict_claim_match = false;              // switches.strict_claim_match
  // Faults that break G3 on purpose (stubs/faults.cpp); all off is the contract.
  bool conflict_allowed = false;                // several values: the first wins
  bool header_overrides_claim = false;          // a value outside the entitlement is accepted
  bool case_insensitive = false;                // ids compared (and validated) ignoring case
  bool missing_tenant_allowed = false;          // no tenant on a tenant-scoped route passes
  bool path_checked_against_header_only = false;  // a path tenant sent without header is not compared with the claim
};

struct TenantDecision {
  std::string error;                            // "" when allowed, else a profile errors/status key
  std::string event;                            // profile events key to record, "" for none
  std::optional<std::string> tenant;            // the resolved tenant when allowed
  nlohmann::json attempted = nullptr;           // U1 attempted_tenant: null, a value or a sorted list
  nlohmann::json resolved = nullptr;            // U1 resolved_tenant
  std::string description;                      // error_description for a denial
  bool allowed() const { return error.empty(); }
};

TenantDecision resolve_tenant(const TenantInput& input, const TenantPolicy& policy);

}  // namespace tc::stub::gateway
