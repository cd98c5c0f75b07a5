// A7 GET console tenants and A8 GET console profile: a Bearer token of this Authority, and a tenant
// chosen per request by the tenant headers (stateless: the order of requests never matters).
#include <algorithm>

#include "stubs/authority/authority.h"
#include "stubs/authority/tenant_selection.h"
#include "stubs/credentials.h"
#include "stubs/envelope.h"

namespace tc::stub::authority {

namespace {

// The verified claims of the request's token, or the 401 answer (already audited).
std::optional<Response> authenticate(Authority& a, Call& call, json& claims) {
  const auto& p = a.profile();
  const auto token = bearer_token(call.request, p);
  const TokenCheck check = token ? check_token(a, *token) : TokenCheck{json(nullptr), "no Bearer token", false};
  if (check.valid()) {
    claims = check.claims;
    return std::nullopt;
  }
  const std::string description = check.revoked && check.problem.empty() ? "token revoked" : check.problem;
  Response r = error_response("invalid_token", description, call.correlation_id, p);
  set_challenge(r, p, "bearer_scheme", {{"error", p.error("invalid_token")}});
  Decision e;
  e.event = "authn_failed";
  e.allow = false;
  e.status = r.status;
  e.reason = "invalid_token";
  call.decide(e);
  return r;
}

}  // namespace

ConsoleSelection select_console_tenant(Authority& a, Call& call, const json& claims, bool console) {
  const auto& p = a.profile();
  ConsoleSelection s;
  const auto header = header_tenant(call.request, p, entitlement_of(a, claims), a.ctx.faults);
  const auto jti = string_claim(claims, "jti").value_or("");
  // Only the fault remembers a console selection per token (A7 says nothing may be stored).
  const bool stateful = console && a.fault("authority.stateful_console_selection") && !jti.empty();
  using Kind = HeaderTenant::Kind;
  if (header.kind == Kind::none) {
    s.tenant = string_claim(claims, p.claim("tenant"));
    if (stateful) {
      if (auto remembered = a.grants.remembered_console_tenant(jti)) s.tenant = remembered;
    }
    return s;
  }
  if (header.kind == Kind::selected) {
    s.tenant = header.value;
    s.attempted = header.value;
    if (stateful) a.grants.remember_console_tenant(jti, header.value);
    return s;
  }
  Decision e;
  e.allow = false;
  e.actor = Actor::from_claims(claims, a.profile());
  e.resolved_tenant = or_null(string_claim(claims, p.claim("tenant")));
  std::string description;
  if (header.kind == Kind::invalid) {
    e.event = e.reason = "tenant_invalid";
    e.attempted_tenant = header.value;
    description = "tenant header value is empty or not a tenant id";
  } else if (header.kind == Kind::conflict) {
    e.event = e.reason = "tenant_conflict";
    e.attempted_tenant = header.distinct;
    description = "tenant headers name more than one tenant";
  } else {
    e.event = e.reason = "tenant_forbidden";
    e.attempted_tenant = header.value;
    description = "the token is not entitled to the tenant";
  }
  s.attempted = e.attempted_tenant;
  s.error = error_response(e.reason, description, call.correlation_id, p);
  e.status = s.error->status;
  call.decide(e);
  return s;
}

namespace {

// Shared by both console endpoints: authenticate, select, audit, then build the body.
template <class Body>
Response console_request(Authority& a, Call& call, Body body) {
  const auto& p = a.profile();
  json claims;
  if (auto denied = authenticate(a, call, claims)) return *denied;
  auto selection = select_console_tenant(a, call, claims, true);
  if (selection.error) return *selection.error;
  Decision e;
  e.event = "tenant_selected";
  e.status = p.status("ok");
  e.actor = Actor::from_claims(claims, a.profile());
  e.resolved_tenant = or_null(selection.tenant);
  e.attempted_tenant = selection.attempted;
  call.decide(e);
  return json_response(p.status("ok"), body(claims, selection.tenant), call.correlation_id, p);
}

}  // namespace

Response handle_console_tenants(Authority& a, Call& call) {
  return console_request(a, call, [&](const json& claims, const std::optional<std::string>& selected) {
    const auto entitlement = entitlement_of(a, claims);
    json tenants = json::array();
    // Fixture order first; an entitled id the fixtures do not know (a minted token) comes after.
    for (const auto& t : a.ctx.fixtures.tenants)
      if (std::find(entitlement.begin(), entitlement.end(), t.id) != entitlement.end())
        tenants.push_back({{"id", t.id}, {"displayName", t.display_name}});
    for (const auto& id : entitlement)
      if (!a.ctx.fixtures.tenant(id)) tenants.push_back({{"id", id}, {"displayName", id}});
    return json{{"tenants", tenants}, {"selectedTenant", or_null(selected)}};
  });
}

Response handle_console_profile(Authority& a, Call& call) {
  return console_request(a, call, [&](const json& claims, const std::optional<std::string>& selected) {
    const std::string sub = string_claim(claims, a.profile().claim("subject")).value_or("");
    json merged = json::object();
    const json& profiles = a.ctx.fixtures.profiles;
    if (profiles.is_object() && profiles.contains(sub)) {
      const json& layers = profiles.at(sub);
      if (layers.contains("global") && layers.at("global").is_object()) merged = layers.at("global");
      // Shallow: a tenant-layer key replaces the global key whole.
      if (selected && !a.fault("authority.profile_ignores_tenant_layer") && layers.contains("tenants") &&
          layers.at("tenants").contains(*selected)) {
        for (const auto& [k, v] : layers.at("tenants").at(*selected).items()) merged[k] = v;
      }
    }
    return json{{"sub", sub}, {"tenant", or_null(selected)}, {"profile", merged}};
  });
}

}  // namespace tc::stub::authority
