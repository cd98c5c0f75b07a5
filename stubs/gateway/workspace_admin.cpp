#include "stubs/gateway/workspace_admin.h"

#include <algorithm>

#include "common/headers.h"
#include "stubs/envelope.h"

namespace tc::stub::gateway {

using nlohmann::json;

namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The field `name` of a JSON object body, else of a form body (a string there); nullopt when absent.
std::optional<json> body_field(const Request& request, const std::string& name) {
  auto parsed = json::parse(request.body, nullptr, false);
  if (!parsed.is_discarded() && parsed.is_object()) {
    auto it = parsed.find(name);
    if (it == parsed.end()) return std::nullopt;
    return *it;
  }
  const auto form = request.form();
  auto it = form.find(name);
  if (it == form.end()) return std::nullopt;
  return json(it->second);
}

}  // namespace

WorkspaceAdmin::WorkspaceAdmin(StubContext& ctx, Memberships& members, WorkspaceAdminFaults faults)
    : ctx_(ctx), p_(ctx.profile), members_(members), faults_(faults) {
  const ItemFields names = ItemFields::of(p_);
  const auto spelt_items = [&](const std::string& role) {
    std::vector<Item> out = ctx_.fixtures.items.at(role);
    for (Item& item : out) item.fields = spelt(item, names);
    return out;
  };
  runs_ = spelt_items(ctx_.tenancy.admin->runs);
  groups_ = spelt_items(ctx_.tenancy.admin->groups);
  name_field_ = names.name;
}

const std::vector<std::string>& WorkspaceAdmin::tenants_of_workspace(const std::string& workspace) const {
  return ctx_.tenancy.workspaces.at(workspace).tenants;
}

std::string WorkspaceAdmin::workspace_of_tenant(const std::string& tenant) const {
  for (const auto& [id, ws] : ctx_.tenancy.workspaces)  // a workspace's tenants do not change
    if (contains(ws.tenants, tenant)) return id;
  return {};
}

bool WorkspaceAdmin::entitled(const json& claims, const std::string& sub, const std::string& tenant) const {
  if (faults_.entitlement_from_token) {
    auto allowed = claims.find(p_.claim("allowed_tenants"));
    if (allowed != claims.end() && allowed->is_array())
      for (const auto& t : *allowed)
        if (t == tenant) return true;
    return string_claim(claims, p_.claim("tenant")) == tenant;
  }
  return members_.member(sub, tenant);
}

std::optional<std::string> WorkspaceAdmin::panel_tenant(const json& claims, const std::string& tenant) const {
  const auto sub = string_claim(claims, p_.claim("subject")).value_or("");
  if (!entitled(claims, sub, tenant)) return std::nullopt;
  std::lock_guard lock(mu_);
  if (faults_.panel_uses_remembered)
    if (auto it = remembered_.find(sub); it != remembered_.end()) return it->second;
  return tenant;
}

WorkspaceAdmin::Active WorkspaceAdmin::active_tenant(const Call& call, const std::string& sub) {
  Active a;
  a.workspace = members_.workspace_of(sub);
  if (a.workspace.empty()) return a;
  const auto& tenants = tenants_of_workspace(a.workspace);
  std::lock_guard lock(mu_);
  // Active: a tenant of the caller's workspace it is entitled to now (W2).
  auto usable = [&](const std::string& t) { return contains(tenants, t) && entitled(call.claims(), sub, t); };
  std::optional<std::string> named, remembered;
  if (auto value = call.request.query_param(p_.value("admin_tenant_param"))) {
    if (faults_.unentitled_tenant_active || usable(*value)) named = *value;
    if (faults_.read_remembers) remembered_[sub] = *value;
  }
  if (auto it = remembered_.find(sub); it != remembered_.end() && (faults_.remembered_unchecked || usable(it->second)))
    remembered = it->second;
  a.tenant = faults_.remembered_wins && remembered ? remembered : named ? named : remembered;
  return a;
}

Response WorkspaceAdmin::serve(Call& call, const Route& route, const PathParams& params) {
  Decision d;
  d.actor = Actor::from_claims(call.claims(), p_);
  const auto sub = d.actor.sub.value_or("");
  const auto args = params_in_order(route.path, params);
  const auto& admin = *ctx_.tenancy.admin;
  if (route.action == "select_tenant") return select(call, d, sub);
  if (route.action == "workspace_member" || route.action == "tenant_member") return change_member(call, d, sub, route, params);
  if (route.action == "admin_run") return run(call, d, sub, args.at(0));
  if (route.action == "tenant_navigation") {
    auto tenant = panel_tenant(call.claims(), args.at(0));
    d.attempted_tenant = args.at(0);
    if (!tenant) return not_found(call, d, "no such tenant");
    d.resolved_tenant = *tenant;
    return navigation(call, d, admin.tenant_navigation);
  }
  const Active active = active_tenant(call, sub);
  d.resolved_tenant = or_null(active.tenant);
  if (active.workspace.empty()) return not_found(call, d, "the caller is a member of no workspace");
  if (route.action == "admin_operations") return operations(call, d, active);
  if (route.action == "admin_groups") return groups(call, d, active, nullptr);
  if (route.action == "admin_group") return groups(call, d, active, &args.at(0));
  if (route.action == "admin_search") return search(call, d, active);
  std::vector<std::string> entries = admin.navigation;
  if (faults_.navigation_tenant_owned) entries.insert(entries.end(), admin.tenant_navigation.begin(), admin.tenant_navigation.end());
  return navigation(call, d, entries);
}

Response WorkspaceAdmin::read(Call& call, Decision d, const json& body) {
  d.event = "data_read";
  d.allow = true;
  d.status = p_.status("ok");
  call.decide(d);
  return json_response(d.status, body, call.correlation_id, p_);
}

Response WorkspaceAdmin::refuse(Call& call, Decision d, const char* event, const char* error, const std::string& description,
                               const char* status) {
  d.event = event;
  d.allow = false;
  d.status = p_.status(status ? status : error);
  d.reason = error;
  call.decide(d);
  return error_response(d.status, error, description, call.correlation_id, p_);
}

Response WorkspaceAdmin::not_found(Call& call, Decision d, const std::string& description) {
  return refuse(call, std::move(d), "data_not_found", "not_found", description);
}

Response WorkspaceAdmin::operations(Call& call, Decision d, const Active& active) {
  std::vector<std::string> tenants;  // whose runs are listed
  json body = json::object();
  std::optional<std::string> filter = active.tenant;
  const auto& of_workspace = tenants_of_workspace(active.workspace);
  if (!filter && faults_.operations_keep_filters && !of_workspace.empty()) filter = of_workspace.front();
  if (filter) tenants = {*filter};
  else
    for (const auto& t : of_workspace)
      if (entitled(call.claims(), d.actor.sub.value_or(""), t)) tenants.push_back(t);
  json runs = json::array();
  json kpis = json::object();
  long total = 0;
  for (const auto& item : runs_) {
    if (!contains(tenants, item.tenant)) continue;
    runs.push_back(item.fields);
    ++total;
    if (auto status = item.fields.find("status"); status != item.fields.end() && status->is_string())
      kpis[status->get<std::string>()] = kpis.value(status->get<std::string>(), 0) + 1;
  }
  kpis["total"] = total;
  body[json::json_pointer(p_.value("operations_runs_pointer"))] = std::move(runs);
  // The "All tenants" state: no tenant filter, no tenant-only figures (W4).
  body[json::json_pointer(p_.value("operations_scope_pointer"))] = filter ? *filter : p_.value("all_tenants_scope");
  if (filter) {
    body[json::json_pointer(p_.value("operations_tenant_filter_pointer"))] = *filter;
    body[json::json_pointer(p_.value("operations_kpis_pointer"))] = std::move(kpis);
  }
  return read(call, std::move(d), body);
}

Response WorkspaceAdmin::run(Call& call, Decision d, const std::string& sub, const std::string& run_id) {
  const auto& runs = runs_;
  auto it = std::find_if(runs.begin(), runs.end(), [&](const Item& item) { return item.id == run_id; });
  if (it == runs.end()) return not_found(call, d, "no such run");
  d.attempted_tenant = it->tenant;
  const auto workspace = members_.workspace_of(sub);
  const bool member = !workspace.empty() && workspace == workspace_of_tenant(it->tenant);
  const bool entitled_now = entitled(call.claims(), sub, it->tenant);
  // W5: both, now; either failing is the answer of a run that does not exist (I2).
  if ((!member && !faults_.run_without_membership) || (!entitled_now && !faults_.run_without_entitlement))
    return not_found(call, d, "no such run");
  d.attempted_tenant = nullptr;
  d.resolved_tenant = it->tenant;
  return read(call, std::move(d), it->fields);
}

Response WorkspaceAdmin::groups(Call& call, Decision d, const Active& active, const std::string* group_id) {
  std::vector<std::string> tenants;
  if (active.tenant) tenants = {*active.tenant};
  else if (faults_.groups_widen) tenants = tenants_of_workspace(active.workspace);
  // W4: no active tenant is a 404, never a wider list.
  if (tenants.empty()) return not_found(call, d, "no tenant is selected");
  json list = json::array();
  for (const auto& item : groups_) {
    if (!contains(tenants, item.tenant)) continue;
    if (group_id && item.id == *group_id) return read(call, std::move(d), item.fields);
    list.push_back(item.fields);
  }
  if (group_id) return not_found(call, d, "no such group");
  json body = json::object();
  body[json::json_pointer(p_.value("groups_pointer"))] = std::move(list);
  return read(call, std::move(d), body);
}

Response WorkspaceAdmin::search(Call& call, Decision d, const Active& active) {
  const auto query = to_lower(call.request.query_param(p_.value("search_query_param")).value_or(""));
  std::vector<std::string> tenants;
  if (active.tenant) tenants = {*active.tenant};
  else if (faults_.search_tenant_owned) tenants = tenants_of_workspace(active.workspace);
  // W4: with no active tenant, no tenant-owned result.
  json results = json::array();
  for (const auto& item : groups_) {
    if (!contains(tenants, item.tenant)) continue;
    const auto field = item.fields.find(name_field_);
    const auto name = field != item.fields.end() && field->is_string() ? to_lower(field->get<std::string>()) : std::string();
    if (query.empty() || name.find(query) != std::string::npos) results.push_back(item.fields);
  }
  json body = json::object();
  body[json::json_pointer(p_.value("search_results_pointer"))] = std::move(results);
  return read(call, std::move(d), body);
}

Response WorkspaceAdmin::navigation(Call& call, Decision d, const std::vector<std::string>& entries) {
  json body = json::object();
  body[json::json_pointer(p_.value("navigation_pointer"))] = entries;
  return read(call, std::move(d), body);
}

Response WorkspaceAdmin::select(Call& call, Decision d, const std::string& sub) {
  const auto field = p_.value("selected_tenant_field");
  const auto value = body_field(call.request, field);
  const auto tenant = value && value->is_string() ? std::optional(value->get<std::string>()) : std::nullopt;
  if (!tenant || tenant->empty())
    return refuse(call, d, "tenant_missing", "invalid_request", "the selection names no tenant (" + field + ")", "bad_request");
  d.attempted_tenant = *tenant;
  const auto ws = members_.workspace_of(sub);
  const bool usable = !ws.empty() && contains(tenants_of_workspace(ws), *tenant) && entitled(call.claims(), sub, *tenant);
  if (!usable && !faults_.select_unentitled) {
    // W3: a tenant the user may not choose is not remembered, and answers as one that does not exist.
    d.event = "tenant_forbidden";
    d.allow = false;
    d.status = p_.status("not_found");
    d.reason = "not_found";
    call.decide(d);
    return error_response("not_found", "no such tenant", call.correlation_id, p_);
  }
  {
    std::lock_guard lock(mu_);
    remembered_[sub] = *tenant;
  }
  d.event = "tenant_selected";
  d.allow = true;
  d.status = p_.status("ok");
  d.attempted_tenant = nullptr;
  d.resolved_tenant = *tenant;
  call.decide(d);
  return json_response(d.status, json{{field, *tenant}}, call.correlation_id, p_);
}

Response WorkspaceAdmin::change_member(Call& call, Decision d, const std::string& sub, const Route& route, const PathParams& params) {
  const auto args = params_in_order(route.path, params);
  const bool on_tenant = route.action == "tenant_member";
  const std::string& scope = args.at(0);
  const std::string& user = args.at(1);
  const bool remove = call.request.method == "DELETE";
  const std::string ws = on_tenant ? workspace_of_tenant(scope) : (ctx_.tenancy.workspaces.count(scope) ? scope : "");
  if (on_tenant) d.target_tenant = scope;
  // The caller must be an owner of the workspace: a stranger learns nothing (404), a member is refused.
  const std::string caller_role = ws.empty() ? "" : members_.workspace_role(ws, sub);
  if (caller_role.empty()) return not_found(call, d, on_tenant ? "no such tenant" : "no such workspace");
  if (caller_role != "owner" && !faults_.member_change_by_member)
    return refuse(call, d, "authz_denied", "forbidden", "only an owner of the workspace changes its memberships");
  if (!ctx_.fixtures.user_by_sub(user)) return not_found(call, d, "no such user");
  json before, after, body = {{"user", user}};
  if (on_tenant) {
    const auto change = members_.set_member(user, scope, !remove);
    before = !change.before.empty();
    after = !change.after.empty();
    body[p_.value("member_tenants_field")] = change.tenants;
  } else {
    const auto role_field = p_.value("member_role_field");
    std::optional<std::string> role;
    if (!remove) {
      // A role-less PUT keeps a member's role and makes a newcomer a member; a role is owner or member.
      const auto given = body_field(call.request, role_field);
      role = !given ? "" : given->is_string() ? given->get<std::string>() : "(not a string)";
      if (given && *role != "owner" && *role != "member")
        return refuse(call, d, "authz_denied", "invalid_request", role_field + " must be owner or member", "bad_request");
    }
    const auto change = members_.set_workspace_member(ws, user, role);
    if (change.refused)
      return refuse(call, d, "authz_denied", "invalid_request", "the user is a member of another workspace", "bad_request");
    before = change.before.empty() ? json(nullptr) : json(change.before);
    after = change.after.empty() ? json(nullptr) : json(change.after);
    body[role_field] = after;
  }
  d.event = "membership_changed";
  d.allow = true;
  d.status = p_.status("ok");
  d.change_summary = {{"user", user}, {"before", before}, {"after", after}};
  call.decide(d);
  return json_response(d.status, body, call.correlation_id, p_);
}

}  // namespace tc::stub::gateway
