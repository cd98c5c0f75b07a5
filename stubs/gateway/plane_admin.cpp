#include "stubs/gateway/plane_admin.h"

#include <algorithm>
#include <regex>

#include "stubs/change_summary.h"
#include "stubs/envelope.h"

namespace tc::stub::gateway {

using nlohmann::json;

namespace {

// The assurance a token carries in `claim`: a string, or any of a list of strings.
bool has_assurance(const json& claims, const BreakGlass& bg) {
  auto it = claims.find(bg.assurance_claim);
  if (it == claims.end()) return false;
  if (it->is_string()) return bg.assurance.count(it->get<std::string>()) > 0;
  if (it->is_array())
    for (const auto& v : *it)
      if (v.is_string() && bg.assurance.count(v.get<std::string>())) return true;
  return false;
}

}  // namespace

PlaneAdmin::PlaneAdmin(StubContext& ctx, Memberships& members, PlaneAdminFaults faults)
    : ctx_(ctx), p_(ctx.profile), members_(members), faults_(faults), global_(ctx.tenancy.policy->global) {}

PlaneAdmin::Verdict PlaneAdmin::authorize(const json& claims, const std::string& sub, const std::string& tenant,
                                          const std::string& what) const {
  const auto& planes = *ctx_.tenancy.planes;
  const auto& rules = *ctx_.tenancy.policy;
  const bool platform_plane = tenant == planes.platform;
  std::set<std::string> roles;
  // Its role in the tenant — in the platform plane only a platform role counts (P3).
  if (auto own = members_.role(sub, tenant); !own.empty() && (!platform_plane || planes.platform_roles.count(own))) roles.insert(own);
  // Its platform-plane roles act in every tenant plane (P4).
  if (auto root = members_.role(sub, planes.platform); planes.platform_roles.count(root)) roles.insert(root);
  for (const auto& other : members_.tenants_of(sub)) {
    const auto role = members_.role(sub, other);
    if (faults_.admin_role_any_tenant && !platform_plane && role == "tenant_admin") roles.insert(role);
    if (faults_.tenant_admin_platform_root && role == "tenant_admin")
      for (const auto& allowed : rules.allowed.count("policy.read") ? rules.allowed.at("policy.read") : std::set<std::string>{})
        if (planes.platform_roles.count(allowed) && (!rules.break_glass || allowed != rules.break_glass->role)) roles.insert(allowed);
  }
  // A tenant the caller has no part in is a tenant that does not exist; the platform plane is no secret.
  if (roles.empty()) return {platform_plane ? "forbidden" : "not_found"};
  std::set<std::string> allowed = rules.allowed.count(what) ? rules.allowed.at(what) : std::set<std::string>{};
  if (faults_.member_writes_members && what == "members.write") allowed.insert("member");
  std::set<std::string> granting;
  for (const auto& role : roles)
    if (allowed.count(role)) granting.insert(role);
  if (granting.empty()) return {"forbidden"};
  const auto& bg = rules.break_glass;
  if (bg && granting == std::set<std::string>{bg->role}) {
    if (!faults_.break_glass_without_assurance && !has_assurance(claims, *bg)) return {"assurance_required", true};
    return {"", true};
  }
  return {};
}

std::optional<std::string> PlaneAdmin::path_tenant(Call& call, Decision& d, const std::string& value, Response& refused) {
  std::string tenant = value;
  const auto& planes = *ctx_.tenancy.planes;
  // P1: a tenant id carries its plane prefix (the profile's tenant_id pattern); the prefix of the
  // platform plane's own id is every plane's.
  if (faults_.unprefixed_tenant_accepted && !std::regex_match(tenant, p_.regex("tenant_id"))) {
    const auto colon = planes.platform.find(':');
    if (colon != std::string::npos) tenant = planes.platform.substr(0, colon + 1) + tenant;
  }
  d.attempted_tenant = value;
  if (!std::regex_match(tenant, p_.regex("tenant_id"))) {
    d.event = "tenant_invalid";
    d.allow = false;
    d.status = p_.status("tenant_invalid");
    d.reason = "tenant_invalid";
    call.decide(d);
    refused = error_response("tenant_invalid", "'" + value + "' is not a tenant id", call.correlation_id, p_);
    return std::nullopt;
  }
  if (!ctx_.fixtures.tenant(tenant)) {
    d.event = "data_not_found";
    d.allow = false;
    d.status = p_.status("not_found");
    d.reason = "not_found";
    call.decide(d);
    refused = error_response("not_found", "no such tenant", call.correlation_id, p_);
    return std::nullopt;
  }
  d.attempted_tenant = nullptr;
  d.target_tenant = tenant;
  return tenant;
}

Response PlaneAdmin::deny(Call& call, Decision d, const Verdict& v) {
  d.event = v.error == "not_found" ? "data_not_found" : "authz_denied";
  d.allow = false;
  d.status = p_.status(v.error);
  d.reason = v.error;
  if (v.error == "not_found") {
    d.attempted_tenant = d.target_tenant;
    d.target_tenant = nullptr;
  }
  call.decide(d);
  const std::string description = v.error == "not_found"           ? "no such tenant"
                                  : v.error == "assurance_required" ? "break glass needs a stronger assurance"
                                                                    : "the caller's roles do not allow this";
  return error_response(v.error, description, call.correlation_id, p_);
}

Response PlaneAdmin::bad_request(Call& call, Decision d, const std::string& description) {
  d.event = "authz_denied";
  d.allow = false;
  d.status = p_.status("bad_request");
  d.reason = "invalid_request";
  call.decide(d);
  return error_response(d.status, "invalid_request", description, call.correlation_id, p_);
}

Response PlaneAdmin::allow(Call& call, Decision d, const char* event, const Verdict& v, const json& body) {
  d.event = event;
  d.allow = true;
  d.status = p_.status("ok");
  if (v.break_glass && !faults_.break_glass_unaudited) {
    Decision bg = d;  // P4: break glass leaves a record of its own beside the decision's
    bg.event = "break_glass_used";
    call.decide(bg);
  }
  call.decide(d);
  return json_response(d.status, body, call.correlation_id, p_);
}

void PlaneAdmin::publish(Call& call, const Decision& d, const char* event, json summary) {
  call.publish({event, d.actor, faults_.outbox_target_is_actor_tenant ? or_null(d.actor.tenant) : d.target_tenant,
                std::move(summary)});
}

Response PlaneAdmin::serve(Call& call, const Route& route, const PathParams& params) {
  Decision d;
  d.actor = Actor::from_claims(call.claims(), p_);
  if (route.action == "platform_policy") {
    d.target_tenant = ctx_.tenancy.planes->platform;
    return policy(call, d);
  }
  const auto args = params_in_order(route.path, params);
  Response refused;
  auto tenant = path_tenant(call, d, args.at(0), refused);
  if (!tenant) return refused;
  if (route.action == "tenant_members") return members(call, d, *tenant);
  return change(call, d, *tenant, args.at(1));
}

Response PlaneAdmin::members(Call& call, Decision d, const std::string& tenant) {
  const auto v = authorize(call.claims(), d.actor.sub.value_or(""), tenant, "members.read");
  if (!v.error.empty()) return deny(call, d, v);
  json list = json::array();
  for (const auto& [sub, role] : members_.members_of(tenant))
    list.push_back({{p_.value("member_user_field"), sub}, {p_.value("member_role_field"), role}});
  json body = json::object();
  body[json::json_pointer(p_.value("members_pointer"))] = std::move(list);
  return allow(call, d, "data_read", v, body);
}

Response PlaneAdmin::change(Call& call, Decision d, const std::string& tenant, const std::string& user) {
  if (faults_.outbox_before_authorization) publish(call, d, "membership_changed", {{"user", user}});
  const auto v = authorize(call.claims(), d.actor.sub.value_or(""), tenant, "members.write");
  if (!v.error.empty()) return deny(call, d, v);
  if (!ctx_.fixtures.user_by_sub(user)) return deny(call, d, {"not_found"});
  const bool remove = call.request.method == "DELETE";
  const auto role_field = p_.value("member_role_field");
  std::string role = "member";
  if (!remove) {
    auto body = json::parse(call.request.body.empty() ? "{}" : call.request.body, nullptr, false);
    if (!body.is_object() || (body.contains(role_field) && !body[role_field].is_string())) {
      return bad_request(call, d, "the body is a JSON object with " + role_field + " (a string)");
    }
    role = body.value(role_field, role);
    // A role the policy knows (or member); platform roles exist in the platform plane only (P3).
    const auto& planes = *ctx_.tenancy.planes;
    bool known = role == "member";
    for (const auto& [what, roles] : ctx_.tenancy.policy->allowed) known = known || roles.count(role) > 0;
    if (!known || (planes.platform_roles.count(role) > 0) != (tenant == planes.platform)) {
      return bad_request(call, d, "role '" + role + "' cannot be held in " + tenant);
    }
  }
  const auto change = members_.set_member(user, tenant, !remove, role);
  const auto& after = change.after;
  d.change_summary = {{"user", user},
                      {"before", change.before.empty() ? json(nullptr) : json(change.before)},
                      {"after", after.empty() ? json(nullptr) : json(after)}};
  if (!faults_.outbox_missing_on_change && !faults_.outbox_before_authorization)
    publish(call, d, "membership_changed", d.change_summary);
  return allow(call, d, "membership_changed", v,
               {{p_.value("member_user_field"), user}, {role_field, after.empty() ? json(nullptr) : json(after)}});
}

Response PlaneAdmin::policy(Call& call, Decision d) {
  const bool write = call.request.method != "GET";
  const auto v = authorize(call.claims(), d.actor.sub.value_or(""), ctx_.tenancy.planes->platform, write ? "policy.write" : "policy.read");
  if (!v.error.empty()) return deny(call, d, v);
  std::lock_guard lock(mu_);
  if (!write) return allow(call, d, "data_read", v, global_);
  auto document = json::parse(call.request.body, nullptr, false);
  if (!document.is_object()) {
    return bad_request(call, d, "the global policy is a JSON object");
  }
  // P4: the record says what changed, a secret's value masked.
  d.change_summary = masked_change_summary(document, p_.value("masked"));
  publish(call, d, "policy_changed", faults_.outbox_unmasked ? document : d.change_summary);
  global_ = std::move(document);
  return allow(call, d, "policy_changed", v, global_);
}

}  // namespace tc::stub::gateway
