// The platform's memberships as they stand now (seeds 001 and 002): which tenants each user is a
// member of (entitled to), its role in each, and which workspace holds whom. Loaded from the
// fixtures (users.yaml `tenants`; tenancy.yaml `roles` and `workspaces`), changed by the admin
// routes, read at every request: a token issued before a change can do no more than this state
// allows now (docs/contract.md Interpretation 37). Each call is atomic. Thread-safe.
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/fixtures.h"
#include "stubs/tenancy.h"

namespace tc::stub::gateway {

class Memberships {
 public:
  Memberships(const Fixtures& fixtures, const Tenancy& tenancy);

  bool member(const std::string& sub, const std::string& tenant) const;
  // The user's role in `tenant`: tenancy.yaml roles, "member" for another member, "" for none.
  std::string role(const std::string& sub, const std::string& tenant) const;
  std::set<std::string> tenants_of(const std::string& sub) const;
  // sub -> role of every member of `tenant`.
  std::map<std::string, std::string> members_of(const std::string& tenant) const;
  // One change, read and written under one lock: the role before and after ("" for none) and, for a
  // tenant membership, the user's tenants afterwards. `refused` when nothing was changed.
  struct Change {
    std::string before, after;
    std::set<std::string> tenants;
    bool refused = false;
  };
  // Adds (with `role`, "" keeps the present one or "member") or removes a membership.
  Change set_member(const std::string& sub, const std::string& tenant, bool member, const std::string& role = "");

  // The workspace `sub` is a member of, "" for none; its role there.
  std::string workspace_of(const std::string& sub) const;
  std::string workspace_role(const std::string& workspace, const std::string& sub) const;
  // Sets (a role; "" keeps the present one or makes a newcomer "member") or removes (nullopt) a
  // workspace membership; refused when the user is a member of another workspace.
  Change set_workspace_member(const std::string& workspace, const std::string& sub, const std::optional<std::string>& role);

 private:
  std::string workspace_of_locked(const std::string& sub) const;
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, std::string>> roles_;  // sub -> tenant -> role
  std::map<std::string, Workspace> workspaces_;
};

}  // namespace tc::stub::gateway
