#include "stubs/tenancy.h"

#include <algorithm>
#include <filesystem>

#include "common/headers.h"
#include "common/strict.h"

namespace tc::stub {
namespace {

constexpr long kMaxRequests = 1'000'000;   // a budget per window
constexpr long kMaxWindowSeconds = 86'400;  // a day
constexpr long kMaxSessionSeconds = 2'592'000;  // thirty days

RateLimit read_limit(const StrictReader& r, const json& node, const std::string& p) {
  r.object(node, p, {"requests", "window_seconds"}, {"requests", "window_seconds"});
  return {r.positive(node["requests"], pointer_join(p, "requests"), kMaxRequests, "requests"),
          r.positive(node["window_seconds"], pointer_join(p, "window_seconds"), kMaxWindowSeconds, "seconds")};
}

std::set<std::string> string_set(const StrictReader& r, const json& node, const std::string& p) {
  const auto list = r.strings(node, p);
  return {list.begin(), list.end()};
}

HostRules read_hosts(const StrictReader& r, const json& node) {
  const std::string p = "/hosts";
  r.object(node, p, {"base_domain", "sources", "trusted_sources", "trusted_proxies", "placeholder", "oauth_gateway", "scheme"},
           {"base_domain", "sources", "placeholder", "oauth_gateway"});
  HostRules h;
  h.base_domain = to_lower(r.string(node["base_domain"], p + "/base_domain"));
  h.sources = r.strings(node["sources"], p + "/sources");
  if (h.sources.empty()) r.fail(p + "/sources", "expected a non-empty list");
  for (const auto& s : r.strings_or_empty(node, p, "trusted_sources")) {
    if (std::find(h.sources.begin(), h.sources.end(), s) == h.sources.end())
      r.fail(p + "/trusted_sources", "'" + s + "' is not one of the sources");
    h.trusted_sources.insert(s);
  }
  for (const auto& a : r.strings_or_empty(node, p, "trusted_proxies")) h.trusted_proxies.insert(a);
  h.placeholder = r.string(node["placeholder"], p + "/placeholder");
  h.oauth_gateway = to_lower(r.string(node["oauth_gateway"], p + "/oauth_gateway"));
  h.scheme = r.string_or(node, p, "scheme", h.scheme);
  r.one_of(h.scheme, p + "/scheme", {"http", "https"});
  return h;
}

SignInRules read_sign_in(const StrictReader& r, const json& node) {
  const std::string p = "/sign_in";
  r.object(node, p, {"client_id", "providers", "session_ttl_seconds", "scope"}, {"client_id", "providers"});
  SignInRules s;
  s.client_id = r.string(node["client_id"], p + "/client_id");
  s.providers = r.strings(node["providers"], p + "/providers");
  s.scope = r.string_or(node, p, "scope", s.scope);
  if (node.contains("session_ttl_seconds"))
    s.session_ttl_seconds = r.positive(node["session_ttl_seconds"], p + "/session_ttl_seconds", kMaxSessionSeconds, "seconds");
  return s;
}

void read_tenants(const StrictReader& r, const json& tenants, Tenancy& t);

void read_workspaces(const StrictReader& r, const json& node, Tenancy& t) {
  r.map(node, "/workspaces");
  std::map<std::string, std::string> workspace_of_tenant, workspace_of_user;
  for (const auto& [id, ws] : node.items()) {
    const std::string p = pointer_join("/workspaces", id);
    r.object(ws, p, {"tenants", "members"}, {"tenants", "members"});
    Workspace w;
    w.tenants = r.strings(ws["tenants"], p + "/tenants");
    for (const auto& tenant : w.tenants)
      if (!workspace_of_tenant.emplace(tenant, id).second)
        r.fail(p + "/tenants", "tenant '" + tenant + "' is in workspace '" + workspace_of_tenant[tenant] + "' already");
    r.map(ws["members"], p + "/members");
    for (const auto& [sub, role] : ws["members"].items()) {
      const std::string mp = pointer_join(p + "/members", sub);
      w.members[sub] = r.string(role, mp);
      r.one_of(w.members[sub], mp, {"owner", "member"});
      if (!workspace_of_user.emplace(sub, id).second)
        r.fail(mp, "'" + sub + "' is a member of workspace '" + workspace_of_user[sub] + "' already");
    }
    t.workspaces[id] = std::move(w);
  }
}

AdminRules read_admin(const StrictReader& r, const json& node) {
  const std::string p = "/admin";
  r.object(node, p, {"runs", "groups", "navigation", "tenant_navigation"}, {"runs", "groups", "navigation", "tenant_navigation"});
  return {r.string(node["runs"], p + "/runs"), r.string(node["groups"], p + "/groups"),
          r.strings(node["navigation"], p + "/navigation"), r.strings(node["tenant_navigation"], p + "/tenant_navigation")};
}

PlaneRules read_planes(const StrictReader& r, const json& node) {
  r.object(node, "/planes", {"platform", "platform_roles"}, {"platform", "platform_roles"});
  return {r.string(node["platform"], "/planes/platform"), string_set(r, node["platform_roles"], "/planes/platform_roles")};
}

PolicyRules read_policy(const StrictReader& r, const json& node) {
  const std::string p = "/policy";
  r.object(node, p, {"allowed", "global", "break_glass"}, {"allowed"});
  PolicyRules rules;
  r.map(node["allowed"], p + "/allowed");
  for (const auto& [key, roles] : node["allowed"].items()) {
    const std::string kp = pointer_join(p + "/allowed", key);
    r.one_of(key, kp, {"members.read", "members.write", "policy.read", "policy.write"});
    rules.allowed[key] = string_set(r, roles, kp);
  }
  if (node.contains("global")) {
    if (!node["global"].is_object()) r.fail(p + "/global", "expected a map");
    rules.global = node["global"];
  }
  if (node.contains("break_glass")) {
    const json& bg = node["break_glass"];
    const std::string bp = p + "/break_glass";
    r.object(bg, bp, {"role", "assurance_claim", "assurance"}, {"role", "assurance_claim", "assurance"});
    rules.break_glass = BreakGlass{r.string(bg["role"], bp + "/role"), r.string(bg["assurance_claim"], bp + "/assurance_claim"),
                                   string_set(r, bg["assurance"], bp + "/assurance")};
  }
  return rules;
}

void read_roles(const StrictReader& r, const json& node, Tenancy& t) {
  r.map(node, "/roles");
  for (const auto& [tenant, members] : node.items()) {
    const std::string p = pointer_join("/roles", tenant);
    r.map(members, p);
    for (const auto& [sub, role] : members.items()) t.roles[tenant][sub] = r.string(role, pointer_join(p, sub));
  }
}

void read(const StrictReader& r, const json& root, Tenancy& t) {
  r.object(root, "", {"tenants", "lifecycle", "rate_limits", "idempotency", "hosts", "sign_in", "workspaces", "admin", "roles",
                      "planes", "policy", "local_issuer"});
  if (root.contains("roles")) read_roles(r, root["roles"], t);
  if (root.contains("planes")) t.planes = read_planes(r, root["planes"]);
  if (root.contains("policy")) {
    if (!t.planes) r.fail("/policy", "policy needs planes: its platform-root resources are the platform plane's");
    t.policy = read_policy(r, root["policy"]);
  }
  if (root.contains("local_issuer")) t.local_issuer = r.string(root["local_issuer"], "/local_issuer");
  if (root.contains("workspaces")) read_workspaces(r, root["workspaces"], t);
  if (root.contains("admin")) {
    if (t.workspaces.empty()) r.fail("/admin", "admin needs workspaces: its surfaces are a workspace's");
    t.admin = read_admin(r, root["admin"]);
  }
  if (root.contains("hosts")) t.hosts = read_hosts(r, root["hosts"]);
  if (root.contains("sign_in")) {
    if (!t.hosts) r.fail("/sign_in", "sign_in needs hosts: sessions are bound to a tenant host");
    t.sign_in = read_sign_in(r, root["sign_in"]);
  }
  if (root.contains("rate_limits")) {
    r.map(root["rate_limits"], "/rate_limits");
    for (const auto& [tier, limit] : root["rate_limits"].items())
      t.tiers[tier] = read_limit(r, limit, pointer_join("/rate_limits", tier));
  }
  if (root.contains("lifecycle")) {
    r.object(root["lifecycle"], "/lifecycle", {"refused"}, {"refused"});
    t.refused_statuses = string_set(r, root["lifecycle"]["refused"], "/lifecycle/refused");
  }
  if (root.contains("idempotency")) {
    r.object(root["idempotency"], "/idempotency", {"methods"}, {"methods"});
    t.idempotent_methods = string_set(r, root["idempotency"]["methods"], "/idempotency/methods");
  }
  if (root.contains("tenants")) read_tenants(r, root["tenants"], t);
  if (t.hosts && !t.tenants.count(t.hosts->placeholder))
    r.fail("/hosts/placeholder", "the placeholder tenant '" + t.hosts->placeholder + "' has no entry in tenants");
}

void read_tenants(const StrictReader& r, const json& tenants, Tenancy& t) {
  r.map(tenants, "/tenants");
  for (const auto& [id, node] : tenants.items()) {
    const std::string p = pointer_join("/tenants", id);
    r.object(node, p, {"tier", "status", "rate_limit", "slug"});
    TenantRules rules;
    rules.tier = r.string_or(node, p, "tier");
    if (!rules.tier.empty() && !t.tiers.count(rules.tier))
      r.fail(pointer_join(p, "tier"), "tier '" + rules.tier + "' has no entry in rate_limits");
    rules.status = r.string_or(node, p, "status", rules.status);
    if (node.contains("rate_limit")) rules.negotiated = read_limit(r, node["rate_limit"], pointer_join(p, "rate_limit"));
    rules.slug = to_lower(r.string_or(node, p, "slug"));
    if (!rules.slug.empty() && !t.tenant_of_slug(rules.slug).empty())
      r.fail(pointer_join(p, "slug"), "slug '" + rules.slug + "' belongs to another tenant already");
    t.tenants[id] = std::move(rules);
  }
}

}  // namespace

Result<Tenancy> Tenancy::load(const std::string& dir) {
  const std::string file = dir + "/tenancy.yaml";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return Tenancy{};
  auto doc = load_document(file);
  if (!doc) return doc.error();
  return read_strictly([&] {
    Tenancy t;
    read(StrictReader(*doc), doc->value.is_null() ? json::object() : doc->value, t);
    return t;
  });
}

ActionNeeds action_needs(const std::string& action) {
  static const std::map<std::string, ActionNeeds> needs = {
      {"sign_in", {"sign_in", 1}}, {"oauth_callback", {"sign_in", 1}}, {"session", {"sign_in", 0}},
      {"providers", {"sign_in", 0}}, {"admin_operations", {"admin", 0}}, {"admin_run", {"admin", 1}},
      {"admin_groups", {"admin", 0}}, {"admin_group", {"admin", 1}}, {"admin_search", {"admin", 0}},
      {"admin_navigation", {"admin", 0}}, {"select_tenant", {"admin", 0}}, {"workspace_member", {"admin", 2}},
      {"tenant_member", {"admin", 2}}, {"tenant_navigation", {"admin", 1}}, {"tenant_members", {"policy", 1}},
      {"membership", {"policy", 2}}, {"platform_policy", {"policy", 0}}};
  auto it = needs.find(action);
  return it == needs.end() ? ActionNeeds{} : it->second;
}

bool Tenancy::has_section(const std::string& section) const {
  if (section == "sign_in") return sign_in.has_value();
  if (section == "admin") return admin.has_value();
  if (section == "policy") return policy.has_value();
  return section.empty();
}

bool Tenancy::refused(const std::string& tenant) const {
  auto it = tenants.find(tenant);
  return it != tenants.end() && refused_statuses.count(it->second.status) > 0;
}

std::optional<RateLimit> Tenancy::limit(const std::string& tenant) const {
  auto it = tenants.find(tenant);
  if (it == tenants.end()) return std::nullopt;
  if (it->second.negotiated) return it->second.negotiated;
  auto tier = tiers.find(it->second.tier);
  if (tier == tiers.end()) return std::nullopt;
  return tier->second;
}

std::string Tenancy::tenant_of_slug(const std::string& slug) const {
  for (const auto& [id, rules] : tenants)
    if (!slug.empty() && rules.slug == slug) return id;
  return {};
}

std::string Tenancy::slug_of(const std::string& tenant) const {
  auto it = tenants.find(tenant);
  return it == tenants.end() ? std::string() : it->second.slug;
}

std::string Tenancy::tier(const std::string& tenant) const {
  auto it = tenants.find(tenant);
  return it == tenants.end() ? std::string() : it->second.tier;
}

}  // namespace tc::stub
