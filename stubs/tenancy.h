// A platform's tenancy rules as data (fixtures/<platform>/tenancy.yaml, optional): what the stubs
// enforce beyond the reference clauses, so that a platform with other rules is a new folder, not new
// C++. Without the file every rule is off and the stubs serve the reference contract unchanged.
//   tenants:      per tenant id its tier, its lifecycle status and a negotiated rate limit
//   lifecycle:    the statuses whose credentials are refused (Authority: no token; gateway: 403)
//   rate_limits:  requests per window per tenant, by tier, at the gateway (status.too_many_requests)
//   idempotency:  the methods an Idempotency-Key makes replayable at the backends (default POST)
// Loaded once, read-only afterwards.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>

#include "common/document.h"

namespace tc::stub {

struct RateLimit {
  long requests = 0;        // allowed per window
  long window_seconds = 0;  // a fixed window, started by the tenant's first counted request
};

struct TenantRules {
  std::string tier;                     // "" when none: no tier limit
  std::string status = "active";
  std::optional<RateLimit> negotiated;  // replaces the tier's limit for this tenant
};

struct Tenancy {
  std::map<std::string, TenantRules> tenants;
  std::set<std::string> refused_statuses;
  std::map<std::string, RateLimit> tiers;  // tier -> limit
  std::set<std::string> idempotent_methods = {"POST"};

  // Reads `dir`/tenancy.yaml strictly; absent file -> every rule off. Every tier a tenant names must
  // have a limit.
  static Result<Tenancy> load(const std::string& dir);

  // True when the tenant's status is one whose credentials are refused.
  bool refused(const std::string& tenant) const;
  // The tenant's limit: its negotiated one, else its tier's; nullopt when it is not limited.
  std::optional<RateLimit> limit(const std::string& tenant) const;
  std::string tier(const std::string& tenant) const;
  bool rate_limited() const { return !tiers.empty(); }
  bool lifecycle() const { return !refused_statuses.empty(); }
};

}  // namespace tc::stub
