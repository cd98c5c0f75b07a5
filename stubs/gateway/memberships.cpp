#include "stubs/gateway/memberships.h"

namespace tc::stub::gateway {

Memberships::Memberships(const Fixtures& fixtures, const Tenancy& tenancy) : workspaces_(tenancy.workspaces) {
  for (const auto& user : fixtures.users)
    for (const auto& tenant : user.tenants) roles_[user.sub][tenant] = "member";
  for (const auto& [tenant, members] : tenancy.roles)
    for (const auto& [sub, role] : members) roles_[sub][tenant] = role;
}

bool Memberships::member(const std::string& sub, const std::string& tenant) const { return !role(sub, tenant).empty(); }

std::string Memberships::role(const std::string& sub, const std::string& tenant) const {
  std::lock_guard lock(mu_);
  auto user = roles_.find(sub);
  if (user == roles_.end()) return {};
  auto it = user->second.find(tenant);
  return it == user->second.end() ? std::string() : it->second;
}

std::set<std::string> Memberships::tenants_of(const std::string& sub) const {
  std::lock_guard lock(mu_);
  std::set<std::string> out;
  if (auto user = roles_.find(sub); user != roles_.end())
    for (const auto& [tenant, role] : user->second) out.insert(tenant);
  return out;
}

std::map<std::string, std::string> Memberships::members_of(const std::string& tenant) const {
  std::lock_guard lock(mu_);
  std::map<std::string, std::string> out;
  for (const auto& [sub, tenants] : roles_)
    if (auto it = tenants.find(tenant); it != tenants.end()) out[sub] = it->second;
  return out;
}

Memberships::Change Memberships::set_member(const std::string& sub, const std::string& tenant, bool member,
                                            const std::string& role) {
  std::lock_guard lock(mu_);
  auto& tenants = roles_[sub];
  Change change;
  if (auto it = tenants.find(tenant); it != tenants.end()) change.before = it->second;
  if (!member) tenants.erase(tenant);
  else if (!role.empty()) tenants[tenant] = role;
  else tenants.emplace(tenant, "member");
  if (auto it = tenants.find(tenant); it != tenants.end()) change.after = it->second;
  for (const auto& [t, r] : tenants) change.tenants.insert(t);
  return change;
}

std::string Memberships::workspace_of_locked(const std::string& sub) const {
  for (const auto& [id, ws] : workspaces_)
    if (ws.members.count(sub)) return id;
  return {};
}

std::string Memberships::workspace_of(const std::string& sub) const {
  std::lock_guard lock(mu_);
  return workspace_of_locked(sub);
}

std::string Memberships::workspace_role(const std::string& workspace, const std::string& sub) const {
  std::lock_guard lock(mu_);
  auto ws = workspaces_.find(workspace);
  if (ws == workspaces_.end()) return {};
  auto it = ws->second.members.find(sub);
  return it == ws->second.members.end() ? std::string() : it->second;
}

Memberships::Change Memberships::set_workspace_member(const std::string& workspace, const std::string& sub,
                                                      const std::optional<std::string>& role) {
  std::lock_guard lock(mu_);
  auto& members = workspaces_.at(workspace).members;
  Change change;
  if (auto it = members.find(sub); it != members.end()) change.before = it->second;
  if (!role) {
    members.erase(sub);
    return change;
  }
  if (const auto other = workspace_of_locked(sub); !other.empty() && other != workspace) {
    change.refused = true;
    change.after = change.before;
    return change;
  }
  change.after = !role->empty() ? *role : change.before.empty() ? "member" : change.before;
  members[sub] = change.after;
  return change;
}

}  // namespace tc::stub::gateway
