// W1–W6: the workspace-admin surfaces of a platform with workspaces (seed 001, fixtures tenancy.yaml
// `workspaces` and `admin`), served by the gateway itself (Route::action). A request's workspace is
// its user's; entitlement is the user's membership now, not the token's claims (W5). Under /admin the
// active tenant is the one the request names when the user is entitled to it, else the remembered one
// while still entitled, else none (W2); only an explicit selection remembers a tenant (W3). With no
// active tenant every surface gives its no-context outcome (W4); a run's detail needs membership of
// its workspace and entitlement to its tenant (W5); owners change memberships (W6). Thread-safe.
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "stubs/frame.h"
#include "stubs/gateway/memberships.h"
#include "stubs/item_fields.h"

namespace tc::stub::gateway {

// Switches for the faults that break W1–W6 on purpose (stubs/faults.cpp); all off is the contract.
struct WorkspaceAdminFaults {
  bool remembered_wins = false;           // the remembered tenant beats the entitled one the request names
  bool unentitled_tenant_active = false;  // a tenant the request names is active without entitlement
  bool read_remembers = false;            // an admin read that names a tenant remembers it
  bool remembered_unchecked = false;      // the remembered tenant stays active after entitlement ends
  bool operations_keep_filters = false;   // the no-context operations list keeps a tenant filter and KPIs
  bool run_without_membership = false;    // a run's detail skips the workspace membership check
  bool run_without_entitlement = false;   // a run's detail skips the run-tenant entitlement check
  bool groups_widen = false;              // no context: the group list and view widen to every tenant
  bool search_tenant_owned = false;       // no context: search returns tenant-owned groups
  bool navigation_tenant_owned = false;   // the admin navigation lists the tenant panel's entries
  bool select_unentitled = false;         // a selection of a tenant without entitlement is remembered
  bool entitlement_from_token = false;    // entitlement read from the token's allowed tenants
  bool panel_uses_remembered = false;     // a tenant-panel request acts in the remembered tenant
  bool member_change_by_member = false;   // a member who is not an owner changes memberships
};

class WorkspaceAdmin {
 public:
  WorkspaceAdmin(StubContext& ctx, Memberships& members, WorkspaceAdminFaults faults);

  // W1, W5: the tenant a tenant-panel request on `tenant` acts in, or nullopt when the caller
  // (verified claims) is not entitled to it now.
  std::optional<std::string> panel_tenant(const nlohmann::json& claims, const std::string& tenant) const;
  // One of the admin actions for `route`.
  Response serve(Call& call, const Route& route, const PathParams& params);

 private:
  struct Active {
    std::optional<std::string> tenant;
    std::string workspace;  // the caller's; "" when it is a member of none
  };
  Active active_tenant(const Call& call, const std::string& sub);
  bool entitled(const nlohmann::json& claims, const std::string& sub, const std::string& tenant) const;
  std::string workspace_of_tenant(const std::string& tenant) const;
  const std::vector<std::string>& tenants_of_workspace(const std::string& workspace) const;

  Response operations(Call& call, Decision d, const Active& active);
  Response run(Call& call, Decision d, const std::string& sub, const std::string& run_id);
  Response groups(Call& call, Decision d, const Active& active, const std::string* group_id);
  Response search(Call& call, Decision d, const Active& active);
  Response navigation(Call& call, Decision d, const std::vector<std::string>& entries);
  Response select(Call& call, Decision d, const std::string& sub);
  // W6: PUT/DELETE a workspace membership (`workspace_member`) or a tenant entitlement (`tenant_member`).
  Response change_member(Call& call, Decision d, const std::string& sub, const Route& route, const PathParams& params);
  Response read(Call& call, Decision d, const nlohmann::json& body);
  Response not_found(Call& call, Decision d, const std::string& description);
  // A denial (event, errors.<error>) with status.<status> (default: status.<error>).
  Response refuse(Call& call, Decision d, const char* event, const char* error, const std::string& description,
                  const char* status = nullptr);

  StubContext& ctx_;
  const ContractProfile& p_;
  Memberships& members_;                           // live: owners change them (W6)
  WorkspaceAdminFaults faults_;
  std::vector<Item> runs_, groups_;                // the fixtures' runs and groups, spelt as answers are
  std::string name_field_;                         // a group's name, which search reads
  mutable std::mutex mu_;                          // guards remembered_
  std::map<std::string, std::string> remembered_;  // sub -> the tenant its last explicit selection chose
};

}  // namespace tc::stub::gateway
