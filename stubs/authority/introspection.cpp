// A9 POST introspection (RFC 7662). The caller authenticates with a valid Bearer token of this
// Authority or with confidential client credentials. An active answer carries the token's claims
// and selected_tenant (the request's tenant header under A7 rules, else the claim tenant); expired,
// revoked or foreign tokens answer {"active": false}.
#include "stubs/authority/authority.h"
#include "stubs/authority/client_auth.h"
#include "stubs/credentials.h"
#include "stubs/envelope.h"

namespace tc::stub::authority {

namespace {

// nullopt when the caller may introspect; else the 401 answer.
std::optional<Response> authenticate_caller(Authority& a, Call& call,
                                            const std::multimap<std::string, std::string>& form) {
  const auto& p = a.profile();
  std::optional<Response> denied;
  std::string reason = "invalid_token";
  if (const auto token = bearer_token(call.request, p)) {
    const TokenCheck check = check_token(a, *token);
    if (check.valid()) return std::nullopt;
    denied = error_response("invalid_token", "the caller's token is not valid", call.correlation_id, p);
    set_challenge(*denied, p, "bearer_scheme", {{"error", p.error("invalid_token")}});
  } else {
    const auto auth = authenticate_client(a, call.request, form);
    if (auth.client && !auth.client->is_public) return std::nullopt;
    reason = "invalid_client";
    denied = invalid_client_response(a, call, auth.client ? "a public client cannot introspect" : auth.problem);
  }
  Decision e;
  e.event = "authn_failed";
  e.allow = false;
  e.status = denied->status;
  e.reason = reason;
  call.decide(e);
  return denied;
}

}  // namespace

Response handle_introspect(Authority& a, Call& call) {
  const auto& p = a.profile();
  const auto form = call.request.form();
  if (auto denied = authenticate_caller(a, call, form)) return *denied;
  const auto token = form_value(form, "token");
  if (!token || token->empty())
    return error_response(p.status("bad_request"), "invalid_request", "token is required", call.correlation_id, p);

  const TokenCheck check = check_token(a, *token);
  const bool active = check.problem.empty() && (!check.revoked || a.fault("authority.introspect_revoked_active"));
  json body = {{"active", active}};
  Decision e;
  e.event = "token_introspected";
  e.status = p.status("ok");
  e.change_summary = {{"active", active}};
  if (active) {
    auto selection = select_console_tenant(a, call, check.claims, false);
    if (selection.error) return *selection.error;
    body = check.claims;
    body["active"] = true;
    body["selected_tenant"] = or_null(selection.tenant);
    e.actor = Actor::from_claims(check.claims, a.profile());
    e.resolved_tenant = or_null(selection.tenant);
    e.attempted_tenant = selection.attempted;
  }
  call.decide(e);
  return json_response(p.status("ok"), body, call.correlation_id, p);
}

}  // namespace tc::stub::authority
