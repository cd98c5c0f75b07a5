// P1–P6: tenant and platform administration of a platform with planes (seed 002, fixtures
// tenancy.yaml `planes`, `roles` and `policy`), served by the gateway itself (Route::action). A
// request names the tenant it administers in its path (plane-prefixed, the profile's tenant_id
// pattern) and is decided by the caller's roles now (stubs/gateway/memberships.h): its role in that
// tenant — never, in the platform plane, a tenant-plane role — and its platform-plane roles, which
// act in every tenant. `policy.allowed` says which roles may read or write memberships and the
// global policy; a decision only the break-glass role allows needs the assurance `break_glass`
// names and leaves a break_glass record of its own. Denials: a tenant the caller has no part in
// answers as one that does not exist (404), anything else 403. Thread-safe.
#pragma once
#include <mutex>
#include <string>

#include "stubs/frame.h"
#include "stubs/gateway/memberships.h"

namespace tc::stub::gateway {

// Switches for the faults that break P1–P6 on purpose (stubs/faults.cpp); all off is the contract.
struct PlaneAdminFaults {
  bool tenant_admin_platform_root = false;     // a tenant admin is allowed what a platform operator is
  bool admin_role_any_tenant = false;          // a tenant admin's role counts in every tenant plane
  bool member_writes_members = false;          // any member changes its tenant's memberships
  bool break_glass_without_assurance = false;  // break glass is allowed without the assurance
  bool break_glass_unaudited = false;          // break glass leaves no record of its own
  bool unprefixed_tenant_accepted = false;     // a tenant id without its plane prefix is taken as the tenant
  bool outbox_missing_on_change = false;       // a membership change publishes no outbox event
  bool outbox_before_authorization = false;    // a membership change is published before it is authorized
  bool outbox_target_is_actor_tenant = false;  // an outbox event's target tenant is the actor's tenant
  bool outbox_unmasked = false;                // a policy change is published with its secrets in clear
};

class PlaneAdmin {
 public:
  PlaneAdmin(StubContext& ctx, Memberships& members, PlaneAdminFaults faults);
  // One of the actions tenant_members, membership, platform_policy for `route`.
  Response serve(Call& call, const Route& route, const PathParams& params);

 private:
  struct Verdict {
    std::string error;         // "" allowed; else not_found | forbidden | assurance_required
    bool break_glass = false;  // allowed by the break-glass role alone
  };
  Verdict authorize(const nlohmann::json& claims, const std::string& sub, const std::string& tenant, const std::string& what) const;
  // The tenant the path names, or nullopt after answering (400 tenant_invalid, 404 not_found).
  std::optional<std::string> path_tenant(Call& call, Decision& d, const std::string& value, Response& refused);
  Response deny(Call& call, Decision d, const Verdict& v);
  Response bad_request(Call& call, Decision d, const std::string& description);
  Response allow(Call& call, Decision d, const char* event, const Verdict& v, const nlohmann::json& body);
  // P6: a committed change's outbox event, with the decision's actor and target tenant.
  void publish(Call& call, const Decision& d, const char* event, nlohmann::json summary);
  Response members(Call& call, Decision d, const std::string& tenant);
  Response change(Call& call, Decision d, const std::string& tenant, const std::string& user);
  Response policy(Call& call, Decision d);

  StubContext& ctx_;
  const ContractProfile& p_;
  Memberships& members_;
  PlaneAdminFaults faults_;
  std::mutex mu_;                 // guards global_
  nlohmann::json global_;         // the global policy document now
};

}  // namespace tc::stub::gateway
