// A3 GET authorize. The client and its registered redirect_uri (exact, or with a free query when the
// client says so) are checked first: until both are known
// good, errors are answered 400 and never redirected (an open redirector otherwise). After that,
// errors travel back to the client as RFC 6749 §4.1.2.1 redirects; success redirects with code and
// state. The user is the fixture named by login_hint (a stub-only sign-in, no page).
#include <algorithm>

#include "common/crypto.h"
#include "common/encoding.h"
#include "stubs/authority/authority.h"
#include "stubs/authority/claims.h"
#include "stubs/authority/tenant_selection.h"
#include "stubs/envelope.h"

namespace tc::stub::authority {

namespace {

struct AuthorizeCall {
  Authority& a;
  Call& call;
  std::optional<std::string> param(const std::string& name) const { return call.request.query_param(name); }
};

std::string redirect_to(const std::string& uri, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out = uri;
  char sep = uri.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : params) {
    out += sep + k + "=" + url_encode(v);
    sep = '&';
  }
  return out;
}

Response redirect(const AuthorizeCall& c, const std::string& location) {
  return redirect_response(location, c.call.correlation_id, c.a.profile());
}

void audit_rejected(const AuthorizeCall& c, int status, const std::string& error, const std::string& client_id,
                    const std::string& sub) {
  Decision e;
  e.event = "authorize_rejected";
  e.allow = false;
  e.status = status;
  e.actor = Actor::of(sub, client_id, std::nullopt);
  e.attempted_tenant = or_null(c.param("tenant"));
  e.reason = error;
  c.call.decide(e);
}

// 400 with the envelope: the redirect target cannot be trusted.
Response reject_direct(const AuthorizeCall& c, const std::string& error, const std::string& description,
                       const std::string& client_id) {
  const int status = c.a.profile().status("bad_request");
  audit_rejected(c, status, error, client_id, "");
  return error_response(status, error, description, c.call.correlation_id, c.a.profile());
}

Response reject_redirect(const AuthorizeCall& c, const std::string& redirect_uri, const std::string& error,
                         const std::string& description, const std::string& client_id, const std::string& sub) {
  std::vector<std::pair<std::string, std::string>> params = {{"error", c.a.profile().error(error)},
                                                             {"error_description", description}};
  if (auto state = c.param("state")) params.emplace_back("state", *state);
  audit_rejected(c, c.a.profile().status("redirect"), error, client_id, sub);
  return redirect(c, redirect_to(redirect_uri, params));
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

Response handle_authorize(Authority& a, Call& call) {
  const AuthorizeCall c{a, call};
  const auto& p = a.profile();
  const std::string client_id = c.param("client_id").value_or("");
  const auto redirect_uri = c.param("redirect_uri");
  const Client* client = a.ctx.fixtures.client(client_id);
  const bool redirect_known = client && redirect_uri && client->redirect_registered(*redirect_uri);
  if (!redirect_known) {
    // The fault turns the Authority into an open redirector (A3).
    if (a.fault("authority.redirect_unknown_client") && redirect_uri && !redirect_uri->empty())
      return reject_redirect(c, *redirect_uri, client ? "invalid_request" : "invalid_client",
                             "unregistered client or redirect_uri", client_id, "");
    if (!client) return reject_direct(c, "invalid_client", "unknown client_id", client_id);
    return reject_direct(c, "invalid_request", "redirect_uri is missing or not registered for the client", client_id);
  }
  const auto fail = [&](const std::string& error, const std::string& description, const std::string& sub = "") {
    return reject_redirect(c, *redirect_uri, error, description, client_id, sub);
  };

  const auto response_type = c.param("response_type");
  if (!response_type) return fail("invalid_request", "response_type is required");
  if (*response_type != "code") return fail("unsupported_response_type", "only response_type=code is supported");
  if (!contains(client->grants, "authorization_code"))
    return fail("unauthorized_client", "the client may not use the authorization_code grant");

  const auto challenge = c.param("code_challenge");
  const auto method = c.param("code_challenge_method");
  if (client->is_public && (!challenge || challenge->empty()))
    return fail("invalid_request", "a public client must send code_challenge (PKCE)");
  if (challenge && method.value_or("") != p.value("code_challenge_method"))
    return fail("invalid_request", "code_challenge_method must be " + p.value("code_challenge_method"));

  const auto login_hint = c.param("login_hint");
  const User* user = login_hint ? a.ctx.fixtures.user_by_username(*login_hint) : nullptr;
  if (!user) return fail("login_required", "no signed-in user (login_hint names no user)");

  const auto scopes = grant_scopes(c.param("scope").value_or(""), user->scopes, client->scopes);
  if (!scopes) return fail("invalid_scope", "a requested scope is not available to the user and client", user->sub);

  // A tenant given here must be assigned to the user and is bound into the code; without one,
  // selection waits for the token endpoint (so tenant_ambiguous is not decided here).
  std::optional<std::string> tenant;
  if (const auto requested = c.param("tenant")) {
    const auto selection = select_tenant(user->tenants, user->default_tenant, requested, a.ctx.faults);
    if (!selection.error.empty()) return fail(selection.error, "tenant is not assigned to the user", user->sub);
    if (!a.fault("authority.tenant_not_bound_to_code")) tenant = selection.tenant;
  }

  CodeGrant grant;
  grant.client_id = client_id;
  grant.redirect_uri = *redirect_uri;
  grant.sub = user->sub;
  grant.code_challenge = challenge.value_or("");
  grant.scopes = *scopes;
  grant.tenant = tenant;
  grant.expires_at = epoch_seconds() + p.window("authorization_code_ttl_seconds");
  const std::string code = random_token(24);
  a.grants.put_code(code, grant);

  Decision e;
  e.event = "authorize_code_issued";
  e.status = p.status("redirect");
  e.actor = Actor::of(user->sub, client_id, tenant);
  e.resolved_tenant = or_null(tenant);
  e.attempted_tenant = or_null(c.param("tenant"));
  call.decide(e);

  std::vector<std::pair<std::string, std::string>> params = {{"code", code}};
  if (auto state = c.param("state")) params.emplace_back("state", *state);
  return redirect(c, redirect_to(*redirect_uri, params));
}

}  // namespace tc::stub::authority
