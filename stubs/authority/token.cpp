// A4 POST token, in the contract's order: client authentication → grant validation → tenant
// selection (A5) → claims (A6). Errors follow RFC 6749 §5.2 (400, or 401 invalid_client) with the
// correlation id added; every answer leaves token_issued or token_rejected.
#include <algorithm>

#include "common/crypto.h"
#include "common/encoding.h"
#include "stubs/authority/authority.h"
#include "stubs/authority/claims.h"
#include "stubs/authority/client_auth.h"
#include "stubs/authority/tenant_selection.h"
#include "stubs/envelope.h"

namespace tc::stub::authority {

namespace {

using Form = std::multimap<std::string, std::string>;

// A grant's verdict: a token to issue, or the error that refuses it.
struct Outcome {
  std::string error;  // profile errors key; empty when granted
  std::string description;
  std::string sub;
  bool client_principal = false;
  std::vector<std::string> scopes;
  Selection selection;
};

Outcome refused(std::string error, std::string description, std::string sub = "") {
  Outcome o;
  o.error = std::move(error);
  o.description = std::move(description);
  o.sub = std::move(sub);
  return o;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// A5, then the platform's lifecycle rule (T4): no token acts in a tenant whose credentials are refused.
Outcome selected(const Authority& a, Outcome o, Selection selection) {
  if (selection.error.empty() && selection.tenant && a.ctx.tenancy.refused(*selection.tenant) &&
      !a.fault("authority.inactive_tenant_token_issued")) {
    o.error = "tenant_inactive";
    o.description = "the tenant's credentials are not accepted";
    o.selection = std::move(selection);
    return o;
  }
  if (!selection.error.empty()) {
    o.error = selection.error;
    o.description = selection.error == "tenant_ambiguous"
                        ? "several tenants are assigned and none is the default: name one with tenant"
                        : "the tenant is not assigned to the principal";
  }
  o.selection = std::move(selection);
  return o;
}

Outcome authorization_code_grant(Authority& a, const Client& client, const Form& form,
                                 const std::optional<std::string>& tenant) {
  const auto code = form_value(form, "code");
  if (!code || code->empty()) return refused("invalid_request", "code is required");
  const auto grant = a.grants.find_code(*code);
  const bool reusable = a.fault("authority.code_reusable");
  if (!grant || grant->expires_at < epoch_seconds()) return refused("invalid_grant", "unknown or expired code");
  if (grant->used && !reusable) return refused("invalid_grant", "the code was already used", grant->sub);
  if (grant->client_id != client.client_id) return refused("invalid_grant", "the code was issued to another client");
  if (form_value(form, "redirect_uri").value_or("") != grant->redirect_uri && !a.fault("authority.redirect_uri_unbound"))
    return refused("invalid_grant", "redirect_uri differs from the one of the authorization request", grant->sub);
  if (!grant->code_challenge.empty() && !a.fault("authority.pkce_unchecked")) {
    const auto verifier = form_value(form, "code_verifier");
    if (!verifier) return refused("invalid_request", "code_verifier is required (PKCE)", grant->sub);
    if (base64url_encode(sha256(*verifier)) != grant->code_challenge)
      return refused("invalid_grant", "code_verifier does not match the code_challenge", grant->sub);
  }
  const User* user = a.ctx.fixtures.user_by_sub(grant->sub);
  if (!user) return refused("invalid_grant", "the code's user no longer exists");
  Outcome o;
  o.sub = user->sub;
  o.scopes = grant->scopes;
  if (grant->tenant) {
    if (tenant && *tenant != *grant->tenant)
      return refused("invalid_grant", "tenant differs from the tenant bound into the code", user->sub);
    Selection bound;
    bound.tenant = grant->tenant;
    bound.allowed_tenants = user->tenants;
    o = selected(a, o, bound);
  } else {
    o = selected(a, o, select_tenant(user->tenants, user->default_tenant, tenant, a.ctx.faults));
  }
  if (o.error.empty() && !reusable && !a.grants.mark_code_used(*code))
    return refused("invalid_grant", "the code was already used", user->sub);
  return o;
}

Outcome password_grant(Authority& a, const Client& client, const Form& form, const std::optional<std::string>& tenant) {
  const auto username = form_value(form, "username");
  const auto password = form_value(form, "password");
  if (!username || !password) return refused("invalid_request", "username and password are required");
  const User* user = a.ctx.fixtures.user_by_username(*username);
  if (!user || !constant_time_equal(*password, user->password))
    return refused("invalid_grant", "wrong username or password");
  const auto scopes = grant_scopes(form_value(form, "scope").value_or(""), user->scopes, client.scopes);
  if (!scopes) return refused("invalid_scope", "a requested scope is not available to the user and client", user->sub);
  Outcome o;
  o.sub = user->sub;
  o.scopes = *scopes;
  return selected(a, o, select_tenant(user->tenants, user->default_tenant, tenant, a.ctx.faults));
}

Outcome client_credentials_grant(Authority& a, const Client& client, const Form& form,
                                 const std::optional<std::string>& tenant) {
  if (client.is_public) return refused("unauthorized_client", "a public client has no credentials of its own");
  const auto scopes = grant_scopes(form_value(form, "scope").value_or(""), client.scopes, client.scopes);
  if (!scopes) return refused("invalid_scope", "a requested scope is not available to the client", client.client_id);
  Outcome o;
  o.sub = client.client_id;
  o.client_principal = true;
  o.scopes = *scopes;
  return selected(a, o, select_tenant(client.tenants, client.default_tenant, tenant, a.ctx.faults));
}

Outcome refresh_token_grant(Authority& a, const Client& client, const Form& form,
                            const std::optional<std::string>& tenant) {
  const auto token = form_value(form, "refresh_token");
  if (!token || token->empty()) return refused("invalid_request", "refresh_token is required");
  const auto grant = a.grants.find_refresh(*token);
  if (!grant || grant->expires_at < epoch_seconds() || grant->client_id != client.client_id)
    return refused("invalid_grant", "unknown, expired or foreign refresh token");
  Outcome o;
  o.sub = grant->sub;
  o.client_principal = grant->client_principal;
  o.scopes = grant->scopes;
  if (const auto asked = form_value(form, "scope"); asked && !split_scopes(*asked).empty()) {
    const auto scopes = grant_scopes(*asked, grant->scopes, grant->scopes);
    if (!scopes) return refused("invalid_scope", "a refresh cannot widen the original scope", grant->sub);
    o.scopes = *scopes;
  }
  // The original selection stands unless a tenant parameter asks for another (A4 → A5 again).
  if (!tenant && !a.fault("authority.refresh_reselects_tenant")) {
    Selection kept;
    kept.tenant = grant->tenant;
    kept.allowed_tenants = grant->allowed_tenants;
    return selected(a, o, kept);
  }
  if (grant->client_principal) {
    const Client* principal = a.ctx.fixtures.client(grant->sub);
    if (!principal) return refused("invalid_grant", "the token's client no longer exists");
    return selected(a, o, select_tenant(principal->tenants, principal->default_tenant, tenant, a.ctx.faults));
  }
  const User* user = a.ctx.fixtures.user_by_sub(grant->sub);
  if (!user) return refused("invalid_grant", "the token's user no longer exists");
  return selected(a, o, select_tenant(user->tenants, user->default_tenant, tenant, a.ctx.faults));
}

using GrantFn = Outcome (*)(Authority&, const Client&, const Form&, const std::optional<std::string>&);
struct GrantType {
  const char* name;
  GrantFn fn;
};
const GrantType kGrants[] = {
    {"authorization_code", authorization_code_grant},
    {"password", password_grant},
    {"client_credentials", client_credentials_grant},
    {"refresh_token", refresh_token_grant},
};

Response reject(Authority& a, Call& call, const std::string& error, const std::string& description,
                const std::string& sub, const std::string& client_id, const std::optional<std::string>& tenant) {
  const auto& p = a.profile();
  Response r = error == "invalid_client" ? invalid_client_response(a, call, description)
                                         : error_response(p.status("oauth_error"), error, description,
                                                          call.correlation_id, p);
  Decision e;
  e.event = "token_rejected";
  e.allow = false;
  e.status = r.status;
  e.actor = Actor::of(sub, client_id, std::nullopt);
  e.attempted_tenant = or_null(tenant);
  e.reason = error;
  call.decide(e);
  return r;
}

Response issue(Authority& a, Call& call, const Client& client, const Outcome& o,
               const std::optional<std::string>& tenant) {
  const auto& p = a.profile();
  TokenSpec spec{o.sub, client.client_id, o.scopes, o.selection.tenant, o.selection.allowed_tenants};
  const json claims = build_claims(a, spec);
  json body = {{"access_token", a.keys.sign(claims, !a.fault("authority.token_without_kid"))},
               {"token_type", p.value("token_type")},
               {"expires_in", p.window("access_token_ttl_seconds")},
               {"scope", join_scopes(o.scopes)}};
  if (contains(o.scopes, p.value("refresh_scope"))) {
    RefreshGrant refresh{client.client_id, o.sub, o.client_principal, o.scopes, o.selection.tenant,
                         o.selection.allowed_tenants, epoch_seconds() + p.window("refresh_token_ttl_seconds")};
    const std::string token = random_token(32);
    a.grants.put_refresh(token, refresh);
    body["refresh_token"] = token;
  }
  Response r = json_response(p.status("ok"), body, call.correlation_id, p);
  r.headers.set(p.header("cache_control"), p.value("token_cache_control"));
  Decision e;
  e.event = "token_issued";
  e.status = r.status;
  e.actor = Actor::of(o.sub, client.client_id, o.selection.tenant);
  e.resolved_tenant = or_null(o.selection.tenant);
  e.attempted_tenant = or_null(tenant);
  call.decide(e);
  return r;
}

}  // namespace

Response handle_token(Authority& a, Call& call) {
  const Form form = call.request.form();
  const auto tenant = form_value(form, "tenant");
  const auto auth = authenticate_client(a, call.request, form);
  if (!auth.client) return reject(a, call, "invalid_client", auth.problem, "", auth.client_id, tenant);
  const Client& client = *auth.client;
  const auto grant_type = form_value(form, "grant_type");
  if (!grant_type || grant_type->empty())
    return reject(a, call, "invalid_request", "grant_type is required", "", client.client_id, tenant);
  const GrantType* grant = nullptr;
  for (const auto& g : kGrants)
    if (*grant_type == g.name) grant = &g;
  if (!grant)
    return reject(a, call, "unsupported_grant_type", "unsupported grant_type", "", client.client_id, tenant);
  if (!contains(client.grants, grant->name))
    return reject(a, call, "unauthorized_client", "the client may not use this grant", "", client.client_id, tenant);
  const Outcome o = grant->fn(a, client, form, tenant);
  if (!o.error.empty()) return reject(a, call, o.error, o.description, o.sub, client.client_id, tenant);
  return issue(a, call, client, o, tenant);
}

}  // namespace tc::stub::authority
