// Tenant selection, as pure functions of their inputs (no state, thread-safe).
// A5 at the token and authorize endpoints: a tenant parameter must be assigned, else tenant_forbidden;
// no parameter: the only assignment, else the default, else tenant_ambiguous; no assignment: no tenant.
// A7 on console and introspection requests: the canonical and alias tenant headers (any letter case,
// repeated, comma-split, trimmed) select a tenant of the token's entitlement for that request only.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "common/profile.h"
#include "stubs/faults.h"
#include "stubs/http_server.h"

namespace tc::stub::authority {

struct Selection {
  std::optional<std::string> tenant;         // the selected tenant; none when nothing is assigned
  std::vector<std::string> allowed_tenants;  // every assignment (A6 puts it in a claim when > 1)
  std::string error;                         // profile errors key on failure, else empty
};

// A5 for a principal with `assigned` tenants and an optional default.
Selection select_tenant(const std::vector<std::string>& assigned, const std::string& default_tenant,
                        const std::optional<std::string>& parameter, const Faults& faults);

struct HeaderTenant {
  enum class Kind { none, selected, invalid, conflict, forbidden };
  Kind kind = Kind::none;
  std::string value;                  // selected / forbidden / invalid: the value concerned
  std::vector<std::string> distinct;  // conflict: the distinct values, sorted
};

// A7 for the tenant headers of `request` against `entitlement` (claim tenant ∪ allowed_tenants).
// Ids compare exactly. An empty value or one not matching patterns.tenant_id is invalid.
HeaderTenant header_tenant(const Request& request, const ContractProfile& profile,
                           const std::vector<std::string>& entitlement, const Faults& faults);

}  // namespace tc::stub::authority
