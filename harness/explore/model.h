// The contract as a small declarative model, for `tenantcheck explore`: what a conforming platform
// answers to a request, derived from the profile's spellings, the platform's declared routes and
// principals (its folder: routes.yaml, users.yaml, clients.yaml, tenants.yaml, items.yaml, and the
// rules of tenancy.yaml it holds: T, H and P) and the bindings, never from
// the stubs' code. The gateway's order (O1) is G1 authentication, G3 tenant resolution (T1 where the
// path names the tenant and the claim must match), T4 lifecycle, T2 the tenant's budget, G4 scope,
// then G5 forwarding to a backend that answers by B2; the Authority's tenant selection is A5 (and T4)
// and its claims A6. Where a platform and this model disagree, the prediction names the clause that
// decides the request, so one of them is shown wrong.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/document.h"
#include "common/status.h"

namespace tc::explore {

// Someone a token can be issued to, as the platform declares them (entitlement and scopes), with
// the name the pack's bindings give them (`fx_key`: "users.one", "clients.default").
struct Principal {
  std::string fx_key;
  bool is_client = false;
  std::string sub;                  // the user's sub, or the client id
  std::vector<std::string> tenants;
  std::string default_tenant;       // "" none
  std::vector<std::string> scopes;  // what a token asked without scope carries
};

// A gateway route and what its backend serves there.
struct Route {
  enum class Kind { list, item, echo, status, write, replace, other };  // write: POST to the collection; replace: PUT of an item
  std::string method, path, backend, scope, tenant_param;
  std::string upstream;             // the backend's own path for it
  std::string upstream_fx;          // its name in the bindings' backend_routes.<backend> ("" none)
  bool tenant_scoped = true;
  Kind kind = Kind::other;
  std::string fx_name;              // its name in the bindings' routes.<group> ("" none)
  std::string action;               // a gateway's own route (sign_in, oauth_callback, session, …); "" forwarded
  bool open = false;                // served without credentials (H5)
};

// A platform whose tenant is the request's host (tenancy.yaml `hosts` and `sign_in`, H1–H5).
struct HostRules {
  std::string base_domain, scheme = "https", placeholder, oauth_gateway;
  std::vector<std::string> sources;          // profile header keys, the first sent decides
  std::vector<std::string> trusted_sources;  // counted only from a trusted proxy's address
  std::map<std::string, std::string> slugs;  // tenant id -> its slug
  std::string provider;                      // the first of sign_in.providers
};

// A platform of planes (tenancy.yaml `planes`, `roles`, `policy`, `local_issuer`; P1–P6): tenant ids
// carry their plane's prefix; administration is decided by the caller's roles now.
struct PlaneRules {
  std::string platform;                                             // the platform plane's tenant id
  std::vector<std::string> platform_roles;                          // held there only, acting in every plane
  std::map<std::string, std::map<std::string, std::string>> roles;  // tenant -> sub -> role other than member
  std::map<std::string, std::vector<std::string>> allowed;          // members.read, … -> roles allowed
  json global_policy;                                               // the global policy document
  std::string break_glass_role, assurance_claim;
  std::vector<std::string> assurance;                               // accepted values of the claim
  std::string local_issuer;
};

// A console of workspaces (tenancy.yaml `workspaces` and `admin`, W1–W6): each workspace's tenants
// and its members' roles; the item roles of operation runs and tenant-owned groups; the entries of
// the workspace-admin navigation and of the tenant panel's. A user's entitlements are its tenants.
struct WorkspaceRules {
  std::map<std::string, std::vector<std::string>> tenants;            // workspace -> its tenants
  std::map<std::string, std::pair<std::string, std::string>> members;  // sub -> {workspace, role}
  std::string runs, groups;                                            // items.yaml roles
  std::vector<std::string> navigation, tenant_navigation;
};

// An administrative decision (P1–P4): the status key and error, "" error when allowed.
struct AdminDecision {
  std::string clause = "P2", status_key = "ok", error;
  bool break_glass = false;  // allowed only by the break-glass role (its use is recorded)
};

// The tenant a host names (H1): a tenant's slug is that tenant; any other slug the placeholder with
// the requested slug kept.
struct HostTenant {
  std::string id, slug;
  bool placeholder = false;
};

// A tenant's request budget (T2): requests per fixed window, the window started by its first counted
// request.
struct Budget {
  long requests = 0;
  long window_seconds = 0;
};

struct Item {
  std::string id, tenant, backend, fx_key;  // fx_key: "items.platform.bravo" ("" unbound)
  std::string name;                         // its declared name ("" none)
};

// The claims a token is predicted to carry (A5, A6).
struct Claims {
  std::string sub;
  std::optional<std::string> tenant;
  std::vector<std::string> allowed_tenants;  // empty: no claim
  std::vector<std::string> scopes;
};

// The answer to a token request for `principal` with tenant parameter `tenant` (none: not sent).
struct TokenPrediction {
  std::string clause = "A5";
  int status = 200;
  std::string status_key = "ok";    // its status.* key
  std::string error;                // "" success; else the errors.* key
  Claims claims;                    // on success, and for T4's refusal the claims a token would carry
};

// What a request through the gateway must get.
struct Prediction {
  std::string clause;               // the deciding clause: G1, G3, G4 or G5 (forwarded; the body is B2's)
  int status = 0;
  std::string status_key;           // its status.* key
  std::string error;                // the errors.* key of the envelope; "" for a success
  std::optional<std::string> resolved_tenant;
  bool tenant_selected = false;     // a header or path value selected the tenant (G3 branch 3)
  std::vector<std::string> gateway_events;  // events.* keys, in order (G6)
  std::string backend_event;        // events.* key of the backend's record; "" when it must not be called
  std::string item_owner;           // an item read: the tenant owning the id ("" an id of no tenant)
  bool owner_open = false;          // the id is another letter case of a known one: no owner is predicted
  std::vector<std::string> attempted_tenants;  // G3's distinct values, sorted
  std::optional<std::string> counted_tenant;   // the tenant whose budget the request spends (T2)
};

// The Authority's console answer to a token and the request's tenant values (A7): the selected
// tenant for this request only, or the error; the record's event either way.
struct ConsolePrediction {
  int status = 200;
  std::string status_key = "ok", error, event = "tenant_selected";
  std::optional<std::string> selected;
};

// A request as the model sees it: who calls (claims, or no valid token), which route, with which
// tenant values (G2's, already split and trimmed) and path tenant.
struct RequestFacts {
  bool has_token = true;            // an authorization header with the profile's values.bearer_scheme
  bool token_valid = true;          // signature, issuer, audience and time within the leeway
  Claims claims;
  const Route* route = nullptr;
  std::vector<std::string> tenant_values;     // from the tenant headers, canonical and aliases
  std::optional<std::string> path_tenant;     // the route's tenant_param value
  std::string item_id;              // item routes: the id asked
  bool direct = false;              // a call straight to the route's backend, the tenant and actor set
                                    // as the gateway would set them from the claims (B1)
  bool signature_valid = false;     // direct: signed with the shared secret within the skew
  bool budget_spent = false;        // the resolved tenant's budget is used up in this window (T2)
};

bool contains(const std::vector<std::string>& list, const std::string& value);

// A member's string value, else `otherwise`: what a platform or a declaration gives is never trusted
// to have the type the contract names.
std::string string_at(const json& node, const std::string& key, const std::string& otherwise = "");

// `route.path` with each parameter replaced by `value(is_tenant)`: the route's tenant parameter, else
// its item's.
std::string fill_path(const Route& route, const std::function<std::string(bool is_tenant)>& value);

class Model {
 public:
  // `platform_dir` is the topology's fixtures folder; `bindings` the rendered bindings (fx names).
  // An input error naming the file and pointer when a declaration is missing or malformed.
  // A tenancy.yaml section the model does not hold is an input error naming it: such a platform
  // would be judged by rules it does not keep.
  static Result<Model> load(const json& contract, const std::string& platform_dir, const json& bindings);

  // The topology's clause selection: what the platform is held to (empty: every clause). A check of a
  // clause it does not select is neither run nor reported.
  void hold_to(std::vector<std::string> clauses) { held_ = std::move(clauses); }
  bool holds(const std::string& clause) const;

  TokenPrediction predict_token(const Principal& principal, const std::optional<std::string>& tenant) const;
  Prediction predict(const RequestFacts& facts) const;
  ConsolePrediction predict_console(const Claims& claims, const std::vector<std::string>& values) const;

  const json& contract() const { return contract_; }
  const json& bindings() const { return bindings_; }
  const std::vector<Principal>& principals() const { return principals_; }  // simplest first
  const std::vector<Route>& routes() const { return routes_; }
  const std::vector<Item>& items() const { return items_; }
  const std::vector<std::string>& tenants() const { return tenants_; }
  const std::string& missing_id() const { return missing_id_; }
  const std::string& missing_fx() const { return missing_fx_; }  // its bindings' name ("" unbound)
  const Item* find_item(const std::string& id) const;
  // Whether `id` is no known item's id but another letter case of one: the contract leaves the
  // letter case of item ids to the platform, so whether such an id has an owner is its own.
  bool other_case_of_item(const std::string& id) const;
  // The bindings' name of a tenant id ("tenants.alpha"), "" when unbound.
  std::string tenant_fx(const std::string& tenant) const;
  // Whether the bindings name a tenant `key` ("tenants.bravo").
  bool has_tenant_name(const std::string& key) const;
  // The profile's header names a tenant travels in: the canonical one first, then the aliases.
  const std::vector<std::string>& tenant_headers() const { return tenant_headers_; }
  bool strict_claim_match() const { return strict_claim_match_; }
  // H1–H5: the host rules, when the platform's tenant is its host.
  const std::optional<HostRules>& hosts() const { return rules_.hosts; }
  // H1: the tenant the request's host sources name (profile header key -> value sent; Host is "host"),
  // from an address that is no trusted proxy; none when the deciding host names no tenant.
  std::optional<HostTenant> host_tenant(const std::map<std::string, std::string>& sent) const;
  // P1–P6: the plane rules, when the platform has them.
  const std::optional<PlaneRules>& planes() const { return rules_.planes; }
  // P1–P4: may `principal` (its token's assurance `assured`) do `action` (members.read,
  // members.write, policy.read, policy.write) in `tenant` (the path's value; the platform plane for
  // the policy)?
  AdminDecision decide_admin(const Principal& principal, const std::string& tenant, const std::string& action,
                             bool assured) const;
  // W1–W6: the workspace rules, when the platform has them.
  const std::optional<WorkspaceRules>& workspaces() const { return rules_.workspaces; }
  // W2–W6: the workspace `who` is a member of ("" none).
  std::string workspace_of(const Principal& who) const;
  // W2–W5: `tenant` is one of who's workspace and who is entitled to it (its `tenants`, which a flow
  // changes on a copy). A run renders exactly for such a user (W5).
  bool usable(const Principal& who, const std::string& tenant) const;
  // W2: a request's active tenant: the one it names when usable, else the remembered one when usable.
  std::optional<std::string> active_tenant(const Principal& who, const std::optional<std::string>& named,
                                           const std::optional<std::string>& remembered) const;
  // The bindings' name of `value` under `section` ("slugs.alpha" for "alpha"), "" when unbound.
  std::string bound_name(const std::string& section, const std::string& value) const;
  // T4: the tenant's lifecycle status is one whose credentials are refused.
  bool inactive(const std::string& tenant) const { return rules_.inactive.count(tenant) > 0; }
  // T2: the tenant's budget (its negotiated one, else its tier's); none when it has no limit.
  std::optional<Budget> budget(const std::string& tenant) const;
  bool has_budgets() const { return !rules_.budgets.empty(); }
  // T3: the methods an Idempotency-Key makes replayable (B3's POST when tenancy.yaml names none).
  const std::vector<std::string>& idempotent_methods() const { return rules_.idempotent; }
  // The bindings' console_profile user ("users.default"), "" when the bindings name none (A8).
  const std::string& console_profile_user() const { return console_profile_user_; }

 private:
  json contract_;
  std::vector<Principal> principals_;
  std::vector<Route> routes_;
  std::vector<Item> items_;
  std::vector<std::string> tenants_, tenant_headers_;
  std::vector<std::pair<std::string, std::string>> tenant_fx_;
  std::string missing_id_, missing_fx_, tenant_pattern_, console_profile_user_;
  bool strict_claim_match_ = false;
  std::vector<std::string> held_;
  json bindings_;

 public:
  // What tenancy.yaml says beyond the reference clauses.
  struct TenancyRules {
    std::set<std::string> inactive;              // T4: tenants whose credentials are refused
    std::map<std::string, Budget> budgets;       // T2
    std::vector<std::string> idempotent{"POST"};  // T3
    std::optional<HostRules> hosts;              // H1–H5
    std::optional<PlaneRules> planes;            // P1–P6
    std::optional<WorkspaceRules> workspaces;    // W1–W6
  };

 private:
  TenancyRules rules_;
};

}  // namespace tc::explore
