// The Authority role (contracts A1–A10, E1, U1–U2): its shared state and one handler per endpoint.
// make_authority (authority.cpp) routes each request by the profile's paths to a handler; every
// handler answers with X-Correlation-Id and leaves the audit records of its decision (U1).
// Handlers run on several worker threads: the key and grant stores guard themselves.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "stubs/authority/grant_store.h"
#include "stubs/authority/key_store.h"
#include "stubs/stub_context.h"

namespace tc::stub::authority {

using nlohmann::json;

struct Authority {
  explicit Authority(StubContext& context);
  StubContext& ctx;
  std::string issuer;    // ctx.base_url without trailing slash
  std::string audience;  // options.audience, else values.default_audience
  KeyStore keys;
  GrantStore grants;

  const ContractProfile& profile() const { return ctx.profile; }
  bool fault(std::string_view name) const { return ctx.faults.on(name); }
};

// One request being answered, with its correlation id (E1).
struct Call {
  const Request& request;
  std::string correlation_id;
};

// An audit record (U1) before the log stamps ts and component. Keys name profile entries.
struct AuditEntry {
  std::string event;      // events.<key>
  bool allow = true;
  int status = 0;
  json actor = nullptr;   // see actor_of
  json resolved_tenant = nullptr;
  json attempted_tenant = nullptr;
  json target_tenant = nullptr;
  std::string reason;     // errors.<key> on a denial
  json change_summary = nullptr;
};
void audit(const Authority& a, const Call& call, const AuditEntry& entry);
json actor_of(const std::string& sub, const std::string& client_id, const std::optional<std::string>& tenant);
json optional_json(const std::optional<std::string>& value);

long long now_seconds();
std::vector<std::string> split_scopes(const std::string& scope);
std::string join_scopes(const std::vector<std::string>& scopes);

// A7: an access token presented to this Authority. Valid when signed by one of its keys, within
// exp/nbf (windows.token_leeway_seconds) and well formed; revocation is reported apart because
// introspection treats it apart (A9).
struct TokenCheck {
  json claims;          // the payload when the token decodes
  std::string problem;  // why it is not valid (empty when valid)
  bool revoked = false;
  bool valid() const { return problem.empty() && !revoked; }
};
TokenCheck check_token(const Authority& a, const std::string& token);
// The Bearer credential of the Authorization header, if any.
std::optional<std::string> bearer_token(const Authority& a, const Request& request);
// Entitlement of a token (A7): claim tenant ∪ allowed_tenants, claim tenant first.
std::vector<std::string> entitlement_of(const Authority& a, const json& claims);

// A7 selection of a console or introspection request for a token with `claims`: the tenant header's
// value inside the entitlement, else the claim tenant. On a bad header `error` holds the answer
// (400 tenant_invalid, 409 tenant_conflict, 403 tenant_forbidden), already audited. Nothing is
// stored: each request selects for itself.
struct ConsoleSelection {
  std::optional<std::string> tenant;
  json attempted = nullptr;  // the header value, or null
  std::optional<Response> error;
};
ConsoleSelection select_console_tenant(Authority& a, const Call& call, const json& claims, bool console);
// The actor {sub, client_id, tenant} a token's claims name.
json actor_of_claims(const Authority& a, const json& claims);

// Endpoints.
Response handle_discovery(Authority& a, const Call& call);          // A1
Response handle_jwks(Authority& a, const Call& call);               // A2
Response handle_authorize(Authority& a, const Call& call);          // A3
Response handle_token(Authority& a, const Call& call);              // A4, A5, A6
Response handle_console_tenants(Authority& a, const Call& call);    // A7
Response handle_console_profile(Authority& a, const Call& call);    // A8
Response handle_introspect(Authority& a, const Call& call);         // A9
Response handle_mint(Authority& a, const Call& call);               // A10
Response handle_revoke(Authority& a, const Call& call);             // A10
Response handle_rotate(Authority& a, const Call& call);             // A2, A10
Response handle_audit(Authority& a, const Call& call);              // U2

}  // namespace tc::stub::authority
