// A platform's tenancy rules as data (fixtures/<platform>/tenancy.yaml, optional): what the stubs
// enforce beyond the reference clauses, so that a platform with other rules is a new folder, not new
// C++. Without the file every rule is off and the stubs serve the reference contract unchanged.
//   tenants:      per tenant id its tier, its lifecycle status and a negotiated rate limit
//   lifecycle:    the statuses whose credentials are refused (Authority: no token; gateway: 403)
//   rate_limits:  requests per window per tenant, by tier, at the gateway (status.too_many_requests)
//   idempotency:  the methods an Idempotency-Key makes replayable at the backends (default POST)
//   hosts:        the tenant comes from the request's host (seed 004): the base domain, the host
//                 sources in order (profile header keys), those believed only from trusted proxies,
//                 the placeholder tenant an unknown slug falls back to, the central OAuth gateway's
//                 host; each tenant's `slug`
//   sign_in:      sign-in through a social provider (the Authority) with cookie sessions: the
//                 platform's client at the provider, the providers offered, the session lifetime
//   workspaces:   workspaces of tenants (seed 001): each one's tenants and its members with their role
//                 (owner | member)
//   admin:        the workspace-admin surfaces (seed 001): the item roles of operation runs and of
//                 tenant-owned groups, the admin and tenant-panel navigation entries
//   roles:        per tenant, the members' roles other than `member` (seed 002: tenant_admin, and in
//                 the platform plane platform_operator and break_glass)
//   planes:       the platform plane's tenant id, and the roles that exist only there and act across
//                 the tenant planes (seed 002)
//   policy:       per resource action (members.read, members.write, policy.read, policy.write) the
//                 roles allowed; the global policy document; break_glass: its role and the assurance
//                 it needs (a claim and its accepted values) (seed 002)
//   local_issuer: an issuer the gateway accepts only when started for development (seed 002)
// Loaded once, read-only afterwards.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

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
  std::string slug;                     // hosts: the tenant's host label under the base domain
};

struct HostRules {
  std::string base_domain;                  // tenant hosts are <slug>.<base_domain>
  std::vector<std::string> sources;         // profile header keys, first present decides
  std::set<std::string> trusted_sources;    // sources believed only from a trusted proxy's address
  std::set<std::string> trusted_proxies;    // peer IP addresses
  std::string placeholder;                  // the tenant id an unknown slug resolves to
  std::string oauth_gateway;                // the central OAuth gateway's host (no tenant of its own)
  std::string scheme = "https";             // of the tenant and gateway URLs the platform builds
};

struct SignInRules {
  std::string client_id;                    // the platform's client at the provider (clients.yaml)
  std::vector<std::string> providers;       // the provider names /…/{provider} accepts
  std::string scope = "openid";             // asked of the provider
  long session_ttl_seconds = 3600;
};

// A workspace's tenants and members. A user's tenant entitlements are its tenants in users.yaml, a
// relation of their own: a user may keep an entitlement after leaving the workspace.
struct Workspace {
  std::vector<std::string> tenants;
  std::map<std::string, std::string> members;  // sub -> role: owner (changes memberships) | member
};

struct AdminRules {
  std::string runs, groups;                        // item roles (items.yaml)
  std::vector<std::string> navigation;             // the workspace-admin sidebar
  std::vector<std::string> tenant_navigation;      // the tenant panel's (tenant-owned entries are here only)
};

struct PlaneRules {
  std::string platform;                      // the platform plane's tenant id
  std::set<std::string> platform_roles;      // held in the platform plane, valid in every tenant plane
};

struct BreakGlass {
  std::string role;                          // the role whose use is break-glass
  std::string assurance_claim;               // the token claim that carries the assurance
  std::set<std::string> assurance;           // its accepted values
};

struct PolicyRules {
  std::map<std::string, std::set<std::string>> allowed;  // "<resource>.<read|write>" -> roles
  nlohmann::json global = nlohmann::json::object();      // the global policy document at start
  std::optional<BreakGlass> break_glass;
};

// What a gateway action (Route::action) needs: the tenancy section it is served from ("sign_in",
// "admin" or "policy"; "" for forward) and how many {params} its path names at least (what it is about, then
// the user of a membership route).
struct ActionNeeds {
  std::string section;
  std::size_t params = 0;
};
ActionNeeds action_needs(const std::string& action);

struct Tenancy {
  std::map<std::string, TenantRules> tenants;
  std::set<std::string> refused_statuses;
  std::map<std::string, RateLimit> tiers;  // tier -> limit
  std::set<std::string> idempotent_methods = {"POST"};
  std::optional<HostRules> hosts;
  std::optional<SignInRules> sign_in;
  std::map<std::string, Workspace> workspaces;  // id -> workspace; a tenant and a user in one at most
  std::optional<AdminRules> admin;              // needs workspaces
  std::map<std::string, std::map<std::string, std::string>> roles;  // tenant -> sub -> role
  std::optional<PlaneRules> planes;
  std::optional<PolicyRules> policy;            // needs planes
  std::string local_issuer;                     // "" when none

  // Reads `dir`/tenancy.yaml strictly; absent file -> every rule off. Every tier a tenant names must
  // have a limit.
  static Result<Tenancy> load(const std::string& dir);

  // True when the tenant's status is one whose credentials are refused.
  bool refused(const std::string& tenant) const;
  // The tenant's limit: its negotiated one, else its tier's; nullopt when it is not limited.
  std::optional<RateLimit> limit(const std::string& tenant) const;
  std::string tier(const std::string& tenant) const;
  // The tenant whose slug is `slug`, "" when none; and the other way round.
  std::string tenant_of_slug(const std::string& slug) const;
  std::string slug_of(const std::string& tenant) const;
  bool rate_limited() const { return !tiers.empty(); }
  bool lifecycle() const { return !refused_statuses.empty(); }
  // Whether the section action_section() names is present.
  bool has_section(const std::string& section) const;
};

}  // namespace tc::stub
