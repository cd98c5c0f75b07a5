// The Authority role (contracts A1–A10, E1, U1): its shared state and one handler per endpoint.
// make_authority (authority.cpp) gives the frame a route table of the profile's paths; every
// handler answers with X-Correlation-Id and states the decisions the frame records (U1).
// Handlers run on several worker threads: the key and grant stores guard themselves.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/utc_time.h"
#include "stubs/authority/grant_store.h"
#include "stubs/authority/key_store.h"
#include "stubs/frame.h"

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
ConsoleSelection select_console_tenant(Authority& a, Call& call, const json& claims, bool console);
// Endpoints.
Response handle_discovery(Authority& a, Call& call);          // A1
Response handle_jwks(Authority& a, Call& call);               // A2
Response handle_authorize(Authority& a, Call& call);          // A3
Response handle_token(Authority& a, Call& call);              // A4, A5, A6
Response handle_console_tenants(Authority& a, Call& call);    // A7
Response handle_console_profile(Authority& a, Call& call);    // A8
Response handle_introspect(Authority& a, Call& call);         // A9
Response handle_mint(Authority& a, Call& call);               // A10
Response handle_revoke(Authority& a, Call& call);             // A10
Response handle_rotate(Authority& a, Call& call);             // A2, A10

}  // namespace tc::stub::authority
